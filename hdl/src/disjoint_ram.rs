//! Simple dual-port block RAM (one read port, one write port, one clock each) for an
//! owner that never reads an address in the clock it writes it, or ignores what such
//! a read returns.
//!
//! rust-hdl's `RAM` promises the old word on such a collision. An FPGA block RAM with
//! separate read and write ports does not, so yosys wraps it in logic that keeps that
//! promise: a register of the written word, an address comparison and a multiplexer
//! behind the RAM's output, which answers late in the clock already (an ECP5 DP16KD
//! 5.8 ns after the edge). Here the memory is marked `no_rw_check`, which tells yosys the
//! collision does not matter, so the RAM's word goes straight to its reader. In
//! simulation (rust-hdl, Verilator) it behaves exactly like `RAM`: a collision reads
//! the old word.

use std::collections::BTreeMap;

use rust_hdl::core::timing::TimingInfo;
use rust_hdl::prelude::*;

use crate::block_ram::{init_lines, ram_timing, zero_words};

#[derive(LogicBlock, Default)]
pub struct DisjointRam<D: Synth, const N: usize> {
    /// Address read at the next edge of `read_clock`.
    pub read_address: Signal<In, Bits<N>>,
    /// Clock of the read port.
    pub read_clock: Signal<In, Clock>,
    /// The word at `read_address` as of the last edge (registered).
    pub read_data: Signal<Out, D>,
    /// Address written at the next edge of `write_clock`.
    pub write_address: Signal<In, Bits<N>>,
    /// Clock of the write port.
    pub write_clock: Signal<In, Clock>,
    /// Word written.
    pub write_data: Signal<In, D>,
    /// Write `write_data` at this edge.
    pub write_enable: Signal<In, Bit>,
    // (Underscored: the LogicBlock derive skips it.)
    _words: BTreeMap<Bits<N>, D>,
}

impl<D: Synth, const N: usize> DisjointRam<D, N> {
    /// A RAM holding zero everywhere after configuration (and in simulation).
    pub fn zeroed() -> Self {
        Self {
            _words: zero_words(),
            ..Default::default()
        }
    }
}

impl<D: Synth, const N: usize> Logic for DisjointRam<D, N> {
    fn update(&mut self) {
        if self.read_clock.pos_edge() {
            self.read_data.next = self
                ._words
                .get(&self.read_address.val())
                .copied()
                .unwrap_or_default();
        }
        if self.write_clock.pos_edge() && self.write_enable.val() {
            self._words
                .insert(self.write_address.val(), self.write_data.val());
        }
    }

    fn connect(&mut self) {
        self.read_data.connect();
    }

    fn hdl(&self) -> Verilog {
        Verilog::Custom(format!(
            "\
(* no_rw_check *) reg[{msb}:0] mem[{last}:0];

initial begin
{init}
end

always @(posedge read_clock) begin
   read_data <= mem[read_address];
end

always @(posedge write_clock) begin
   if (write_enable) begin
      mem[write_address] <= write_data;
   end
end
",
            msb = D::BITS - 1,
            last = (1u64 << N) - 1,
            init = init_lines(&self._words),
        ))
    }

    fn timing(&self) -> Vec<TimingInfo> {
        ram_timing("read_clock", "write_clock", "write_enable")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Words written are read back a clock after their address is given; a collision
    /// reads the old word (as `RAM`); unwritten words read zero.
    #[test]
    fn disjoint_ram_reads_what_was_written() {
        let mut uut = DisjointRam::<Bits<12>, 4>::zeroed();
        uut.connect_all();
        let mut sim = Simulation::new();
        sim.add_clock(5, |x: &mut Box<DisjointRam<Bits<12>, 4>>| {
            x.read_clock.next = !x.read_clock.val();
            x.write_clock.next = !x.write_clock.val();
        });
        sim.add_testbench(move |mut ep: Sim<DisjointRam<Bits<12>, 4>>| {
            let mut x = ep.init()?;
            for a in 0..16u64 {
                x.write_enable.next = a % 3 != 0;
                x.write_address.next = a.to_bits();
                x.write_data.next = (0xa00 + a).to_bits();
                wait_clock_cycle!(ep, write_clock, x);
            }
            x.write_enable.next = false;
            for a in 0..16u64 {
                x.read_address.next = a.to_bits();
                wait_clock_cycle!(ep, read_clock, x);
                let want = if a % 3 != 0 { 0xa00 + a } else { 0 };
                sim_assert_eq!(ep, x.read_data.val(), want, x);
            }
            x.read_address.next = 5_u64.to_bits();
            x.write_address.next = 5_u64.to_bits();
            x.write_data.next = 0x123_u64.to_bits();
            x.write_enable.next = true;
            wait_clock_cycle!(ep, read_clock, x);
            x.write_enable.next = false;
            sim_assert_eq!(ep, x.read_data.val(), 0xa05_u64, x);
            wait_clock_cycle!(ep, read_clock, x);
            sim_assert_eq!(ep, x.read_data.val(), 0x123_u64, x);
            ep.done(x)
        });
        sim.run(Box::new(uut), 10_000).unwrap();
    }

    #[test]
    fn disjoint_ram_is_synthesizable() {
        let mut uut = DisjointRam::<Bits<12>, 4>::zeroed();
        uut.connect_all();
        let verilog = generate_verilog(&uut);
        assert!(verilog.contains("(* no_rw_check *)"));
        crate::lint::assert_lints_clean(&verilog, "disjoint_ram");
    }
}
