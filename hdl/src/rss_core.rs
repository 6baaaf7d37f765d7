//! Top level `rss_core`: Ethernet frames in on AXI4-Stream, one steering record out per
//! frame, registers on AXI4-Lite.
//!
//! Frame capture → header parser (4 stages) → tuple core (hash, table, record; 4
//! stages). Every stage advances together when the record slot is free, so a frame of
//! `n` beats takes `n` clocks and records leave in frame order.

use rss_model::regmap::RegisterMap;
use rust_hdl::prelude::*;

use crate::axil_regs::QUEUE_BITS;
use crate::frame_capture::FrameCapture;
use crate::header_parser::HeaderParser;
use crate::tuple_core::TupleCore;

#[derive(LogicBlock)]
pub struct RssCore<const DATA_BITS: usize, const KEEP_BITS: usize, const TABLE_LOG2: usize> {
    /// Clock for everything.
    pub clk: Signal<In, Clock>,
    /// Active-high synchronous reset.
    pub rst: Signal<In, Bit>,
    /// AXI4-Lite write address.
    pub s_axil_awaddr: Signal<In, Bits<13>>,
    /// AXI4-Lite write protection (ignored).
    pub s_axil_awprot: Signal<In, Bits<3>>,
    /// AXI4-Lite write address valid.
    pub s_axil_awvalid: Signal<In, Bit>,
    /// AXI4-Lite write address ready.
    pub s_axil_awready: Signal<Out, Bit>,
    /// AXI4-Lite write data.
    pub s_axil_wdata: Signal<In, Bits<32>>,
    /// AXI4-Lite write strobes.
    pub s_axil_wstrb: Signal<In, Bits<4>>,
    /// AXI4-Lite write data valid.
    pub s_axil_wvalid: Signal<In, Bit>,
    /// AXI4-Lite write data ready.
    pub s_axil_wready: Signal<Out, Bit>,
    /// AXI4-Lite write response (OKAY / SLVERR).
    pub s_axil_bresp: Signal<Out, Bits<2>>,
    /// AXI4-Lite write response valid.
    pub s_axil_bvalid: Signal<Out, Bit>,
    /// AXI4-Lite write response ready.
    pub s_axil_bready: Signal<In, Bit>,
    /// AXI4-Lite read address.
    pub s_axil_araddr: Signal<In, Bits<13>>,
    /// AXI4-Lite read protection (ignored).
    pub s_axil_arprot: Signal<In, Bits<3>>,
    /// AXI4-Lite read address valid.
    pub s_axil_arvalid: Signal<In, Bit>,
    /// AXI4-Lite read address ready.
    pub s_axil_arready: Signal<Out, Bit>,
    /// AXI4-Lite read data.
    pub s_axil_rdata: Signal<Out, Bits<32>>,
    /// AXI4-Lite read response (OKAY / SLVERR).
    pub s_axil_rresp: Signal<Out, Bits<2>>,
    /// AXI4-Lite read data valid.
    pub s_axil_rvalid: Signal<Out, Bit>,
    /// AXI4-Lite read data ready.
    pub s_axil_rready: Signal<In, Bit>,
    /// Frame data, byte 0 of the beat in bits 7:0.
    pub s_axis_tdata: Signal<In, Bits<DATA_BITS>>,
    /// Byte enables: contiguous from lane 0, all ones except on the last beat.
    pub s_axis_tkeep: Signal<In, Bits<KEEP_BITS>>,
    /// Beat valid.
    pub s_axis_tvalid: Signal<In, Bit>,
    /// Beat accepted.
    pub s_axis_tready: Signal<Out, Bit>,
    /// Last beat of the frame.
    pub s_axis_tlast: Signal<In, Bit>,
    /// Record valid: exactly one per frame, in frame order.
    pub m_axis_rss_tvalid: Signal<Out, Bit>,
    /// Record accepted.
    pub m_axis_rss_tready: Signal<In, Bit>,
    /// Toeplitz hash, 0 when `m_axis_rss_hash_type` is 0.
    pub m_axis_rss_hash: Signal<Out, Bits<32>>,
    /// Hash type used, one-hot (`HASH_TYPES` bit order = NDIS flag >> 8), 0 for no hash.
    pub m_axis_rss_hash_type: Signal<Out, Bits<9>>,
    /// Receive queue.
    pub m_axis_rss_queue: Signal<Out, Bits<QUEUE_BITS>>,
    /// Bit 0: malformed frame (default queue, no hash); bit 1: IP fragment.
    pub m_axis_rss_flags: Signal<Out, Bits<2>>,
    capture: FrameCapture<DATA_BITS, KEEP_BITS>,
    parser: HeaderParser,
    core: TupleCore<TABLE_LOG2>,
}

impl<const DATA_BITS: usize, const KEEP_BITS: usize, const TABLE_LOG2: usize>
    RssCore<DATA_BITS, KEEP_BITS, TABLE_LOG2>
{
    pub fn new(map: &RegisterMap) -> Self {
        RssCore {
            clk: Default::default(),
            rst: Default::default(),
            s_axil_awaddr: Default::default(),
            s_axil_awprot: Default::default(),
            s_axil_awvalid: Default::default(),
            s_axil_awready: Default::default(),
            s_axil_wdata: Default::default(),
            s_axil_wstrb: Default::default(),
            s_axil_wvalid: Default::default(),
            s_axil_wready: Default::default(),
            s_axil_bresp: Default::default(),
            s_axil_bvalid: Default::default(),
            s_axil_bready: Default::default(),
            s_axil_araddr: Default::default(),
            s_axil_arprot: Default::default(),
            s_axil_arvalid: Default::default(),
            s_axil_arready: Default::default(),
            s_axil_rdata: Default::default(),
            s_axil_rresp: Default::default(),
            s_axil_rvalid: Default::default(),
            s_axil_rready: Default::default(),
            s_axis_tdata: Default::default(),
            s_axis_tkeep: Default::default(),
            s_axis_tvalid: Default::default(),
            s_axis_tready: Default::default(),
            s_axis_tlast: Default::default(),
            m_axis_rss_tvalid: Default::default(),
            m_axis_rss_tready: Default::default(),
            m_axis_rss_hash: Default::default(),
            m_axis_rss_hash_type: Default::default(),
            m_axis_rss_queue: Default::default(),
            m_axis_rss_flags: Default::default(),
            capture: Default::default(),
            parser: Default::default(),
            core: TupleCore::new(map),
        }
    }
}

impl<const DATA_BITS: usize, const KEEP_BITS: usize, const TABLE_LOG2: usize> Logic
    for RssCore<DATA_BITS, KEEP_BITS, TABLE_LOG2>
{
    #[hdl_gen]
    fn update(&mut self) {
        self.capture.clock.next = self.clk.val();
        self.capture.reset.next = self.rst.val();
        self.parser.clock.next = self.clk.val();
        self.parser.reset.next = self.rst.val();
        self.core.clk.next = self.clk.val();
        self.core.rst.next = self.rst.val();
        self.core.s_axil_awprot.next = self.s_axil_awprot.val();
        self.core.s_axil_arprot.next = self.s_axil_arprot.val();
        self.core.s_axil_awaddr.next = self.s_axil_awaddr.val();
        self.core.s_axil_awvalid.next = self.s_axil_awvalid.val();
        self.s_axil_awready.next = self.core.s_axil_awready.val();
        self.core.s_axil_wdata.next = self.s_axil_wdata.val();
        self.core.s_axil_wstrb.next = self.s_axil_wstrb.val();
        self.core.s_axil_wvalid.next = self.s_axil_wvalid.val();
        self.s_axil_wready.next = self.core.s_axil_wready.val();
        self.s_axil_bresp.next = self.core.s_axil_bresp.val();
        self.s_axil_bvalid.next = self.core.s_axil_bvalid.val();
        self.core.s_axil_bready.next = self.s_axil_bready.val();
        self.core.s_axil_araddr.next = self.s_axil_araddr.val();
        self.core.s_axil_arvalid.next = self.s_axil_arvalid.val();
        self.s_axil_arready.next = self.core.s_axil_arready.val();
        self.s_axil_rdata.next = self.core.s_axil_rdata.val();
        self.s_axil_rresp.next = self.core.s_axil_rresp.val();
        self.s_axil_rvalid.next = self.core.s_axil_rvalid.val();
        self.core.s_axil_rready.next = self.s_axil_rready.val();

        // The tuple core's input slot frees every stage before it.
        self.capture.advance.next = self.core.s_tuple_ready.val();
        self.parser.advance.next = self.core.s_tuple_ready.val();
        self.capture.s_axis_tdata.next = self.s_axis_tdata.val();
        self.capture.s_axis_tkeep.next = self.s_axis_tkeep.val();
        self.capture.s_axis_tvalid.next = self.s_axis_tvalid.val();
        self.capture.s_axis_tlast.next = self.s_axis_tlast.val();
        self.s_axis_tready.next = self.capture.s_axis_tready.val();

        self.parser.in_valid.next = self.capture.frame_valid.val();
        self.parser.in_window.next = self.capture.frame_window.val();
        self.parser.in_length.next = self.capture.frame_length.val();
        self.parser.enabled.next = self.core.hash_types_enabled.val();

        self.core.s_tuple_valid.next = self.parser.out_valid.val();
        self.core.s_tuple_data.next = self.parser.out_tuple.val();
        self.core.s_tuple_type.next = self.parser.out_type.val();
        self.core.s_tuple_flags.next = self.parser.out_flags.val();

        self.core.m_rss_ready.next = self.m_axis_rss_tready.val();
        self.m_axis_rss_tvalid.next = self.core.m_rss_valid.val();
        self.m_axis_rss_hash.next = self.core.m_rss_hash.val();
        self.m_axis_rss_hash_type.next = self.core.m_rss_hash_type.val();
        self.m_axis_rss_queue.next = self.core.m_rss_queue.val();
        self.m_axis_rss_flags.next = self.core.m_rss_flags.val();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rss_model::regmap::Params;

    #[test]
    fn rss_core_is_synthesizable() {
        let map = RegisterMap::new(Params::default()).unwrap();
        let mut uut = RssCore::<64, 8, 7>::new(&map);
        uut.connect_all();
        crate::lint::assert_lints_clean(&generate_verilog(&uut), "rss_core");
    }
}
