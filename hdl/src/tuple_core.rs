//! Tuple-level core: tuple in, steering record out, registers on AXI4-Lite. The frame
//! top (`rss_core`) puts the header parser in front of it; emitted alone it is
//! `rss_tuple_core`.
//!
//! Pipeline (4 clocks, one tuple per clock): tuple → stage 0, type select + mask +
//! partial hashes → stage 1, hash + indirection RAM read → stage 2, record → output
//! register.
//! All stages advance together when the record slot is free (`!m_rss_valid ||
//! m_rss_ready`), which is also `s_tuple_ready`.
//!
//! The tuple port carries no MAC: every tuple is steered with VPort 0's state.
//!
//! Hash probe (`PROBE`): the probe takes the tuple port's place for one clock
//! (`s_tuple_ready` low) and goes down the pipe with its own VPort's state, key and
//! table; its result goes to the registers, not to the record port.

use rss_model::regmap::RegisterMap;
use rust_hdl::prelude::*;

use crate::axil_regs::{AxilRegs, QUEUE_BITS};
use crate::block_ram::zeroed_ram;
use crate::key_store::{KeyCopySource, KeyStore};
use crate::pool_address::PoolAddress;
use crate::slot_pick::SlotPick;
use crate::toeplitz_pipe::{KEY_BITS, TAG_BITS as PIPE_TAG_BITS, TUPLE_BITS, ToeplitzPipe};
use crate::type_select::TypeSelect;
use crate::vport_regs::{ACTIVE_BITS, POOL_ADDRESS_BITS, SLOT_BITS};

#[derive(LogicBlock)]
pub struct TupleCore {
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
    /// Tuple in hash-input order (source address, destination address, source port,
    /// destination port), network byte order, byte 0 in bits 287:280; IPv4 tuples use
    /// the top 12 bytes. Bytes the selected type does not hash are ignored.
    pub s_tuple_data: Signal<In, Bits<TUPLE_BITS>>,
    /// Most specific hash type the tuple qualifies for, one-hot (`HASH_TYPES` bit
    /// order), 0 when the packet has nothing hashable.
    pub s_tuple_type: Signal<In, Bits<9>>,
    /// Tuple valid.
    pub s_tuple_valid: Signal<In, Bit>,
    /// Tuple accepted this clock (when valid).
    pub s_tuple_ready: Signal<Out, Bit>,
    /// Side band passed to the record unchanged (the parser's malformed/fragment flags).
    pub s_tuple_flags: Signal<In, Bits<2>>,
    /// Record valid: one per accepted tuple, in order.
    pub m_rss_valid: Signal<Out, Bit>,
    /// Record accepted.
    pub m_rss_ready: Signal<In, Bit>,
    /// Toeplitz hash, 0 when `m_rss_hash_type` is 0.
    pub m_rss_hash: Signal<Out, Bits<32>>,
    /// Hash type used, one-hot (`HASH_TYPES` bit order = NDIS flag >> 8), 0 for no hash.
    pub m_rss_hash_type: Signal<Out, Bits<9>>,
    /// Receive queue.
    pub m_rss_queue: Signal<Out, Bits<QUEUE_BITS>>,
    /// `s_tuple_flags` of the tuple.
    pub m_rss_flags: Signal<Out, Bits<2>>,
    /// `HASH_TYPES.ENABLED`, for a parser in front.
    pub hash_types_enabled: Signal<Out, Bits<9>>,
    regs: AxilRegs,
    select: TypeSelect,
    pipe: ToeplitzPipe,
    keys: KeyStore<1, 288, 319, 576>,
    indirection: RAM<Bits<QUEUE_BITS>, POOL_ADDRESS_BITS>,
    out_valid: DFF<Bit>,
    out_hash: DFF<Bits<32>>,
    out_type: DFF<Bits<9>>,
    out_queue: DFF<Bits<QUEUE_BITS>>,
    out_flags: DFF<Bits<2>>,
    /// The probe is in the pipe.
    probe_launched: DFF<Bit>,
    /// The probe's VPort's state, for the probe in stage 0.
    probe_state: SlotPick<ACTIVE_BITS, SLOT_BITS>,
    /// The probe's VPort's state as it will be next clock, for its key read.
    probe_key_state: SlotPick<ACTIVE_BITS, SLOT_BITS>,
    one: Constant<Bits<16>>,
    table_address: PoolAddress,
    inject: Signal<Local, Bit>,
    held_probe: Signal<Local, Bit>,
    next_probe: Signal<Local, Bit>,
    state: Signal<Local, Bits<SLOT_BITS>>,
    stage1_type: Signal<Local, Bits<9>>,
    stage1_vport: Signal<Local, Bits<3>>,
    record_hash: Signal<Local, Bits<32>>,
    record_out_type: Signal<Local, Bits<9>>,
    record_queue: Signal<Local, Bits<QUEUE_BITS>>,
    probe_out: Signal<Local, Bit>,
    advance: Signal<Local, Bit>,
    lookup_tag: Signal<Local, Bits<PIPE_TAG_BITS>>,
    lookup_hash: Signal<Local, Bits<32>>,
    vport0: Signal<Local, Bits<SLOT_BITS>>,
    record_type: Signal<Local, Bits<9>>,
}

impl TupleCore {
    pub fn new(map: &RegisterMap) -> Self {
        TupleCore {
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
            s_tuple_data: Default::default(),
            s_tuple_type: Default::default(),
            s_tuple_valid: Default::default(),
            s_tuple_ready: Default::default(),
            s_tuple_flags: Default::default(),
            m_rss_valid: Default::default(),
            m_rss_ready: Default::default(),
            m_rss_hash: Default::default(),
            m_rss_hash_type: Default::default(),
            m_rss_queue: Default::default(),
            m_rss_flags: Default::default(),
            hash_types_enabled: Default::default(),
            regs: AxilRegs::new(map),
            select: Default::default(),
            pipe: Default::default(),
            keys: Default::default(),
            indirection: zeroed_ram(),
            out_valid: Default::default(),
            out_hash: Default::default(),
            out_type: Default::default(),
            out_queue: Default::default(),
            out_flags: Default::default(),
            probe_launched: Default::default(),
            probe_state: Default::default(),
            probe_key_state: Default::default(),
            one: Constant::new(1.into()),
            table_address: PoolAddress::new(map.params.table_entries_log2),
            inject: Default::default(),
            held_probe: Default::default(),
            next_probe: Default::default(),
            state: Default::default(),
            stage1_type: Default::default(),
            stage1_vport: Default::default(),
            record_hash: Default::default(),
            record_out_type: Default::default(),
            record_queue: Default::default(),
            probe_out: Default::default(),
            advance: Default::default(),
            lookup_tag: Default::default(),
            lookup_hash: Default::default(),
            record_type: Default::default(),
            vport0: Default::default(),
        }
    }
}

impl Logic for TupleCore {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self,
            clk,
            out_valid,
            out_hash,
            out_type,
            out_queue,
            out_flags,
            probe_launched
        );
        self.regs.clock.next = self.clk.val();
        self.regs.reset.next = self.rst.val();
        self.pipe.clock.next = self.clk.val();
        self.pipe.reset.next = self.rst.val();
        self.keys.clock.next = self.clk.val();
        self.keys.reset.next = self.rst.val();
        self.indirection.read_clock.next = self.clk.val();
        self.indirection.write_clock.next = self.clk.val();

        self.regs.s_axil_awaddr.next = self.s_axil_awaddr.val();
        self.regs.s_axil_awvalid.next = self.s_axil_awvalid.val();
        self.s_axil_awready.next = self.regs.s_axil_awready.val();
        self.regs.s_axil_wdata.next = self.s_axil_wdata.val();
        self.regs.s_axil_wstrb.next = self.s_axil_wstrb.val();
        self.regs.s_axil_wvalid.next = self.s_axil_wvalid.val();
        self.s_axil_wready.next = self.regs.s_axil_wready.val();
        self.s_axil_bresp.next = self.regs.s_axil_bresp.val();
        self.s_axil_bvalid.next = self.regs.s_axil_bvalid.val();
        self.regs.s_axil_bready.next = self.s_axil_bready.val();
        self.regs.s_axil_araddr.next = self.s_axil_araddr.val();
        self.regs.s_axil_arvalid.next = self.s_axil_arvalid.val();
        self.s_axil_arready.next = self.regs.s_axil_arready.val();
        self.s_axil_rdata.next = self.regs.s_axil_rdata.val();
        self.s_axil_rresp.next = self.regs.s_axil_rresp.val();
        self.s_axil_rvalid.next = self.regs.s_axil_rvalid.val();
        self.regs.s_axil_rready.next = self.s_axil_rready.val();

        // The hash pipe reads the key and VPort 0's state in one clock: commits may land
        // at any clock.
        self.regs.commit_hold.next = false;
        self.regs.pick_hold.next = false;
        self.regs.pick_hold_next.next = false;
        self.regs.record_drops.next = 0.into(); // no record FIFO: nothing is dropped
        self.indirection.write_enable.next = self.regs.table_write_enable.val();
        self.indirection.write_address.next = self.regs.table_write_index.val();
        self.indirection.write_data.next = self.regs.table_write_queue.val();

        self.advance.next = !self.out_valid.q.val() | self.m_rss_ready.val();
        // A waiting probe takes the port's place for one clock, its input read whole.
        self.regs.probe_stream.next = false;
        self.inject.next = self.regs.probe_request.val() & !self.probe_launched.q.val();
        self.s_tuple_ready.next = self.advance.val() & !self.inject.val();
        if self.advance.val() & self.inject.val() {
            self.probe_launched.d.next = true;
        }

        // Stage 0 holds the tuple as it came (tag: [8:0] candidate, [11:10] flags; a
        // probe: [8:0] its type, [12] probe). On its way to stage 1 it meets its VPort's
        // state (VPort 0 for the port, which has no MAC) and key in the same clock. Tag
        // from stage 1: [8:0] type, [9] enable, [11:10] flags, [15:12] table size,
        // [23:16] default, [31:24] primary, [32] table bank, [33] probe, [36:34] VPort.
        self.pipe.advance.next = self.advance.val();
        self.pipe.in_valid.next = self.s_tuple_valid.val() | self.inject.val();
        self.pipe.in_tuple.next = self.s_tuple_data.val();
        self.pipe.in_tag.next = bit_cast::<PIPE_TAG_BITS, 9>(self.s_tuple_type.val())
            | (bit_cast::<PIPE_TAG_BITS, 2>(self.s_tuple_flags.val()) << 10_u64);
        if self.inject.val() {
            self.pipe.in_tuple.next = self.regs.probe_input.val();
            self.pipe.in_tag.next = bit_cast::<PIPE_TAG_BITS, 9>(self.regs.probe_type.val())
                | (bit_cast::<PIPE_TAG_BITS, 1>(self.one.val().get_bits::<1>(0)) << 12_u64);
        }
        self.held_probe.next = self.pipe.held_tag.val().get_bit(12);
        self.vport0.next = self.regs.active.val().get_bits::<SLOT_BITS>(0);
        self.probe_state.slots.next = self.regs.active.val();
        self.probe_state.vport.next = self.regs.probe_vport.val();
        self.state.next = self.vport0.val();
        self.stage1_vport.next = 0.into();
        if self.held_probe.val() {
            self.state.next = self.probe_state.slot.val();
            self.stage1_vport.next = self.regs.probe_vport.val();
        }
        self.select.candidate.next = self.pipe.held_tag.val().get_bits::<9>(0);
        self.select.enabled.next = self.state.val().get_bits::<9>(8);
        self.select.symmetric.next = self.state.val().get_bit(1);
        self.select.tuple.next = self.pipe.held_tuple.val();
        self.pipe.stage1_tuple.next = self.select.masked_tuple.val();
        self.stage1_type.next = self.select.selected.val();
        // A probe hashes its input as given: no fallback, no fold, cut by its registers.
        if self.held_probe.val() {
            self.pipe.stage1_tuple.next = self.pipe.held_tuple.val();
            self.stage1_type.next =
                self.pipe.held_tag.val().get_bits::<9>(0) & self.state.val().get_bits::<9>(8);
        }
        self.pipe.stage1_tag.next = bit_cast::<PIPE_TAG_BITS, 9>(self.stage1_type.val())
            | (bit_cast::<PIPE_TAG_BITS, 1>(self.state.val().get_bits::<1>(0)) << 9_u64)
            | (bit_cast::<PIPE_TAG_BITS, 2>(self.pipe.held_tag.val().get_bits::<2>(10)) << 10_u64)
            | (bit_cast::<PIPE_TAG_BITS, 4>(self.state.val().get_bits::<4>(4)) << 12_u64)
            | (bit_cast::<PIPE_TAG_BITS, 16>(self.state.val().get_bits::<16>(24)) << 16_u64)
            | (bit_cast::<PIPE_TAG_BITS, 1>(self.state.val().get_bits::<1>(2)) << 32_u64)
            | (bit_cast::<PIPE_TAG_BITS, 1>(self.held_probe.val().into()) << 33_u64)
            | (bit_cast::<PIPE_TAG_BITS, 3>(self.stage1_vport.val()) << 34_u64);
        // The key of the VPort of what stage 0 holds next clock, read a clock ahead from
        // the bank its state will name when the pipe samples it (a commit flips the bank
        // only once the copy is in). Key bit 319 meets no tuple bit.
        KeyCopySource::join(&mut self.regs.key_copy, &mut self.keys.copy);
        self.next_probe.next = self.held_probe.val();
        if self.advance.val() {
            self.next_probe.next = self.inject.val();
        }
        self.probe_key_state.slots.next = self.regs.active_next.val();
        self.probe_key_state.vport.next = self.regs.probe_vport.val();
        self.keys.read_vport.next = 0.into();
        self.keys.read_bank.next = self.regs.active_next.val().get_bit(3);
        if self.next_probe.val() {
            self.keys.read_vport.next = self.regs.probe_vport.val();
            self.keys.read_bank.next = self.probe_key_state.slot.val().get_bit(3);
        }
        self.keys.read_step.next = 0.into();
        self.pipe.key.next = bit_cast::<KEY_BITS, 319>(self.keys.window.val()) << 1_u64;

        // The RAM read lands with stage 2: the next hash on advance, else stage 2's own.
        self.lookup_hash.next = self.pipe.out_hash.val();
        if self.advance.val() {
            self.lookup_hash.next = self.pipe.next_hash.val();
        }
        self.lookup_tag.next = self.pipe.out_tag.val();
        if self.advance.val() {
            self.lookup_tag.next = self.pipe.next_tag.val();
        }
        self.table_address.bank.next = self.lookup_tag.val().get_bit(32);
        self.table_address.vport.next = self.lookup_tag.val().get_bits::<3>(34);
        self.table_address.hash.next = self.lookup_hash.val();
        self.table_address.size_log2.next = self.lookup_tag.val().get_bits::<4>(12);
        self.indirection.read_address.next = self.table_address.address.val();

        self.record_type.next = self.pipe.out_tag.val().get_bits::<9>(0);
        if !self.pipe.out_tag.val().get_bit(9) {
            self.record_hash.next = 0.into();
            self.record_out_type.next = 0.into();
            self.record_queue.next = self.pipe.out_tag.val().get_bits::<QUEUE_BITS>(24);
        } else if !self.record_type.val().any() {
            self.record_hash.next = 0.into();
            self.record_out_type.next = 0.into();
            self.record_queue.next = self.pipe.out_tag.val().get_bits::<QUEUE_BITS>(16);
        } else {
            self.record_hash.next = self.pipe.out_hash.val();
            self.record_out_type.next = self.record_type.val();
            self.record_queue.next = self.indirection.read_data.val();
        }
        // A probe's result goes to the registers, not to the record port.
        self.probe_out.next =
            self.advance.val() & self.pipe.out_valid.val() & self.pipe.out_tag.val().get_bit(33);
        self.regs.probe_done.next = self.probe_out.val();
        self.regs.probe_done_hash.next = self.pipe.out_hash.val();
        self.regs.probe_done_queue.next = self.record_queue.val();
        self.regs.probe_done_hashed.next = self.record_out_type.val().any();
        if self.probe_out.val() {
            self.probe_launched.d.next = false;
        }
        if self.advance.val() {
            self.out_valid.d.next =
                self.pipe.out_valid.val() & !self.pipe.out_tag.val().get_bit(33);
            self.out_flags.d.next = self.pipe.out_tag.val().get_bits::<2>(10);
            self.out_hash.d.next = self.record_hash.val();
            self.out_type.d.next = self.record_out_type.val();
            self.out_queue.d.next = self.record_queue.val();
        }
        if self.rst.val() {
            self.out_valid.d.next = false;
            self.probe_launched.d.next = false;
        }
        self.m_rss_valid.next = self.out_valid.q.val();
        self.m_rss_hash.next = self.out_hash.q.val();
        self.m_rss_hash_type.next = self.out_type.q.val();
        self.m_rss_queue.next = self.out_queue.q.val();
        self.m_rss_flags.next = self.out_flags.q.val();
        // Statistics count what is delivered; tuples steer on VPort 0.
        self.regs.record_counted.next = self.out_valid.q.val() & self.m_rss_ready.val();
        self.regs.record_vport.next = 0.into();
        self.regs.record_hash_type.next = self.out_type.q.val();
        self.regs.record_malformed.next = self.out_flags.q.val().get_bit(0);
        self.hash_types_enabled.next = self.vport0.val().get_bits::<9>(8);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rss_model::regmap::Params;

    #[test]
    fn tuple_core_is_synthesizable() {
        let map = RegisterMap::new(Params::default()).unwrap();
        let mut uut = TupleCore::new(&map);
        uut.connect_all();
        crate::lint::assert_lints_clean(&generate_verilog(&uut), "tuple_core");
    }
}
