//! Simple dual-port RAM of 32-bit words written by byte lanes, for an owner that
//! never reads an address in the clock it writes it (`DisjointRam`'s contract).
//!
//! A bus register file mirrors software-written words here so that reading them back
//! costs a RAM read instead of a multiplexer over every word: the byte lanes take the
//! bus's write strobes as they are. yosys maps the lane enables to the block RAM's
//! byte enables (ECP5 DP16KD, iCE40 SB_RAM40_4K bit mask) or to LUT RAM.

use std::collections::BTreeMap;

use rust_hdl::core::timing::TimingInfo;
use rust_hdl::prelude::*;

use crate::block_ram::{init_lines, ram_timing, zero_words};
use crate::lane_register::SIM_AS_WRITTEN;

#[derive(LogicBlock, Default)]
pub struct LaneRam<const N: usize> {
    /// Clock of both ports.
    pub clock: Signal<In, Clock>,
    /// Address read at the next edge.
    pub read_address: Signal<In, Bits<N>>,
    /// The word at `read_address` as of the last edge (registered).
    pub read_data: Signal<Out, Bits<32>>,
    /// Address written at the next edge.
    pub write_address: Signal<In, Bits<N>>,
    /// Word written, byte lane `b` in bits `8b + 7 : 8b`.
    pub write_data: Signal<In, Bits<32>>,
    /// Lanes written at this edge (none: no write).
    pub write_lanes: Signal<In, Bits<4>>,
    // (Underscored: the LogicBlock derive skips it.)
    _words: BTreeMap<Bits<N>, Bits<32>>,
}

impl<const N: usize> LaneRam<N> {
    /// A RAM holding zero everywhere after configuration (and in simulation).
    pub fn zeroed() -> Self {
        Self {
            _words: zero_words(),
            ..Default::default()
        }
    }
}

impl<const N: usize> Logic for LaneRam<N> {
    fn update(&mut self) {
        if self.clock.pos_edge() {
            self.read_data.next = self
                ._words
                .get(&self.read_address.val())
                .copied()
                .unwrap_or_default();
            let lanes = self.write_lanes.val();
            if lanes.any() {
                let old = self
                    ._words
                    .get(&self.write_address.val())
                    .copied()
                    .unwrap_or_default();
                let mut mask: Bits<32> = 0.into();
                for lane in 0..4 {
                    if lanes.get_bit(lane) {
                        mask = mask | (Bits::<32>::from(0xff_u64) << (8 * lane as u64));
                    }
                }
                let new = (old & !mask) | (self.write_data.val() & mask);
                self._words.insert(self.write_address.val(), new);
            }
        }
    }

    fn connect(&mut self) {
        self.read_data.connect();
    }

    fn hdl(&self) -> Verilog {
        // The write's lanes under one guard: a simulator that keeps this block as written
        // (SIM_AS_WRITTEN) skips them all in a clock without a write.
        Verilog::Custom(format!(
            "\
{SIM_AS_WRITTEN}
(* no_rw_check *) reg[31:0] mem[{last}:0];

initial begin
{init}
end

always @(posedge clock) begin
   read_data <= mem[read_address];
end

always @(posedge clock) begin
   if (write_lanes != 4'h0) begin
      if (write_lanes[0]) mem[write_address][7:0] <= write_data[7:0];
      if (write_lanes[1]) mem[write_address][15:8] <= write_data[15:8];
      if (write_lanes[2]) mem[write_address][23:16] <= write_data[23:16];
      if (write_lanes[3]) mem[write_address][31:24] <= write_data[31:24];
   end
end
",
            last = (1u64 << N) - 1,
            init = init_lines(&self._words),
        ))
    }

    fn timing(&self) -> Vec<TimingInfo> {
        ram_timing("clock", "clock", "write_lanes")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each lane takes only its own bytes; a word reads back a clock after its
    /// address is given; unwritten words read zero.
    #[test]
    fn lane_ram_writes_only_the_strobed_lanes() {
        let mut uut = LaneRam::<3>::zeroed();
        uut.connect_all();
        let mut sim = Simulation::new();
        sim.add_clock(5, |x: &mut Box<LaneRam<3>>| x.clock.next = !x.clock.val());
        sim.add_testbench(move |mut ep: Sim<LaneRam<3>>| {
            let mut x = ep.init()?;
            // Word a: all lanes of 0x1111_1111 * a, then lane a % 4 of 0xeeee_eeee.
            for a in 1..8u64 {
                x.write_address.next = a.to_bits();
                x.write_data.next = (0x1111_1111 * a).to_bits();
                x.write_lanes.next = 0xf_u64.to_bits();
                wait_clock_cycle!(ep, clock, x);
                x.write_data.next = 0xeeee_eeee_u64.to_bits();
                x.write_lanes.next = (1_u64 << (a % 4)).to_bits();
                wait_clock_cycle!(ep, clock, x);
            }
            x.write_lanes.next = 0.into();
            for a in 0..8u64 {
                x.read_address.next = a.to_bits();
                wait_clock_cycle!(ep, clock, x);
                let lane = 0xff_u64 << (8 * (a % 4));
                let want = if a == 0 {
                    0
                } else {
                    ((0x1111_1111 * a) & !lane) | (0xeeee_eeee & lane)
                };
                sim_assert_eq!(ep, x.read_data.val(), want, x);
            }
            ep.done(x)
        });
        sim.run(Box::new(uut), 10_000).unwrap();
    }

    #[test]
    fn lane_ram_is_synthesizable() {
        let mut uut = LaneRam::<4>::zeroed();
        uut.connect_all();
        let verilog = generate_verilog(&uut);
        assert!(verilog.contains("(* no_rw_check *)"));
        crate::lint::assert_lints_clean(&verilog, "lane_ram");
    }
}
