//! A read-back copy of software-written bus words in a RAM, so a register file answers
//! reads of an array of words (key bytes, probe input, MAC filters) with one RAM read
//! instead of a multiplexer over every word (about 20 LUT4 a word).
//!
//! The owner keeps its registers for the datapath and also hands every write it takes
//! to the mirror: the word's index, the value as stored and the bus strobes as byte
//! lanes. A reset clears the owner's registers but not a RAM, so the mirror keeps one
//! flag per word, "written since reset": a word without it reads 0, and its first write
//! fills the lanes it leaves with 0, the reset value. (Owners whose words reset to 0.)
//!
//! A write reaches the RAM a clock after the owner takes it (`write_*` registered here),
//! so the owner's address decode and the RAM's write enables are a clock apart; the
//! written flags move with the RAM. A write's "first since reset" test reads the flag of
//! `write_index` as registered the clock before, so writes come at least three clocks
//! apart and `write_index` is steady the clock before its write (the register file's
//! writes are five or more clocks apart, their index held from the handshake), and
//! none in the clock after a reset. A read loaded (`read_load`) in the clock after the
//! write or later sees it: the register file answers a write in the clock after it is
//! performed, so a read that waited for the answer does; one issued alongside the write
//! may see the word before it, as AXI allows a read that does not wait.
//!
//! Reads follow the register file's timing: the owner loads the index as the bus
//! takes the read (`read_load`), and the mirror holds it in registers of its own, one
//! for the RAM's address and one for the written flags' 32-way pick, so each starts at
//! a flip-flop beside it rather than at the register file's held address, which fans
//! out across the die to every block that decodes it. The flag is picked into a
//! register beside the RAM's word, so the answer's clear starts at two flip-flops;
//! `read_hit` is the owner's decode, a clock after the index is held, and `read_data`
//! the word registered behind the RAM: a read loaded in one clock is answered in the
//! fourth.

use rust_hdl::prelude::*;

use crate::lane_ram::LaneRam;

/// Words a mirror can hold (the written flags).
pub const MAX_WORDS: usize = 32;

#[derive(LogicBlock)]
pub struct WordMirror<const N: usize> {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// Synchronous reset: every word reads 0 until written again.
    pub reset: Signal<In, Bit>,
    /// A write to word `write_index` is taken this clock.
    pub write: Signal<In, Bit>,
    /// Word written.
    pub write_index: Signal<In, Bits<N>>,
    /// The word's new value in the strobed lanes (as the owner stores it).
    pub write_data: Signal<In, Bits<32>>,
    /// Byte strobes of the write.
    pub write_strobes: Signal<In, Bits<4>>,
    /// Load `read_index` (the register file loads the offered read's index every clock
    /// between reads, so the load in the clock the bus takes a read is the read's); it
    /// is held from the next clock until the next load. The owner's own enable (its
    /// region's decode with the register file's load), so the held index is no other
    /// block's register.
    pub read_load: Signal<In, Bit>,
    /// Word of the read loaded.
    pub read_index: Signal<In, Bits<N>>,
    /// The read loaded two clocks ago is one of the mirrored words (the owner's decode).
    pub read_hit: Signal<In, Bit>,
    /// The word loaded three clocks ago if `read_hit` was set last clock, else 0.
    pub read_data: Signal<Out, Bits<32>>,
    ram: LaneRam<N>,
    /// The RAM write of the write taken last clock: the lanes it writes (none when there
    /// was none), its word and its data.
    lanes_q: DFF<Bits<4>>,
    index_q: DFF<Bits<N>>,
    data_q: DFF<Bits<32>>,
    /// `write_index`'s written flag, as of last clock.
    written_at_write_q: DFF<Bit>,
    written: DFF<Bits<MAX_WORDS>>,
    read_word: DFF<Bits<32>>,
    /// The index of the read loaded last.
    read_index_q: DFF<Bits<N>>,
    /// `read_index_q` again, for the written flags' pick alone. Synthesis moves
    /// `read_index_q` into the RAM as its address register, so a pick from it starts in
    /// the RAM's row; this copy has a reset, which keeps the two apart, and the placer
    /// puts it beside the flags. The reset changes no answer: it clears the flags too,
    /// so a pick in the clock after it reads 0 from any index.
    flag_index_q: DFF<Bits<N>>,
    /// `read_index_q`'s written flag, picked as the RAM takes the address.
    read_written: DFF<Bit>,
    one: Constant<Bits<MAX_WORDS>>,
    lane_ones: Constant<Bits<32>>,
    strobed_data: Signal<Local, Bits<32>>,
}

impl<const N: usize> Default for WordMirror<N> {
    fn default() -> Self {
        assert!(1 << N <= MAX_WORDS);
        Self {
            clock: Default::default(),
            reset: Default::default(),
            write: Default::default(),
            write_index: Default::default(),
            write_data: Default::default(),
            write_strobes: Default::default(),
            read_load: Default::default(),
            read_index: Default::default(),
            read_hit: Default::default(),
            read_data: Default::default(),
            ram: LaneRam::zeroed(),
            lanes_q: Default::default(),
            index_q: Default::default(),
            data_q: Default::default(),
            written_at_write_q: Default::default(),
            written: Default::default(),
            read_word: Default::default(),
            read_index_q: Default::default(),
            flag_index_q: Default::default(),
            read_written: Default::default(),
            one: Constant::new(1_u64.to_bits()),
            lane_ones: Constant::new(0xff_u64.to_bits()),
            strobed_data: Default::default(),
        }
    }
}

impl<const N: usize> Logic for WordMirror<N> {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self,
            clock,
            lanes_q,
            index_q,
            data_q,
            written_at_write_q,
            written,
            read_word,
            read_index_q,
            flag_index_q,
            read_written
        );
        self.ram.clock.next = self.clock.val();
        self.strobed_data.next = 0.into();
        for b in 0..4 {
            if self.write_strobes.val().get_bit(b) {
                self.strobed_data.next = self.strobed_data.val()
                    | (self.write_data.val() & (self.lane_ones.val() << (8 * b).to_bits::<16>()));
            }
        }
        // A word's first write since reset fills every lane (the ones it leaves with 0).
        // (A bit select, not a shift: the 32-way pick maps to LUT4 + PFUMX + L6MUX, two
        // levels, where the shift's five rows of multiplexers took five.)
        self.written_at_write_q.d.next =
            self.written.q.val().get_bit(self.write_index.val().index());
        self.lanes_q.d.next = 0.into();
        if self.write.val() {
            self.lanes_q.d.next = self.write_strobes.val();
            if !self.written_at_write_q.q.val() {
                self.lanes_q.d.next = 0xf_u64.into();
            }
        }
        self.index_q.d.next = self.write_index.val();
        self.data_q.d.next = self.strobed_data.val();
        self.ram.write_address.next = self.index_q.q.val();
        self.ram.write_data.next = self.data_q.q.val();
        self.ram.write_lanes.next = self.lanes_q.q.val();
        if self.lanes_q.q.val().any() {
            self.written.d.next = self.written.q.val() | (self.one.val() << self.index_q.q.val());
        }
        if self.reset.val() {
            self.lanes_q.d.next = 0.into();
            self.written.d.next = 0.into();
        }
        if self.read_load.val() {
            self.read_index_q.d.next = self.read_index.val();
            self.flag_index_q.d.next = self.read_index.val();
        }
        if self.reset.val() {
            self.flag_index_q.d.next = 0.into();
        }
        self.ram.read_address.next = self.read_index_q.q.val();
        self.read_written.d.next = self
            .written
            .q
            .val()
            .get_bit(self.flag_index_q.q.val().index());
        self.read_word.d.next = 0.into();
        if self.read_hit.val() & self.read_written.q.val() {
            self.read_word.d.next = self.ram.read_data.val();
        }
        self.read_data.next = self.read_word.q.val();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Against a model of the owner's registers: random writes with random strobes,
    /// reads with the register file's timing (loaded, held, answered), resets in between; every read returns
    /// what the registers hold (zero-filled after reset).
    #[test]
    fn word_mirror_reads_back_what_the_registers_hold() {
        use rand::{Rng, SeedableRng};
        let mut uut = WordMirror::<3>::default();
        uut.connect_all();
        let mut sim = Simulation::new();
        sim.add_clock(5, |x: &mut Box<WordMirror<3>>| {
            x.clock.next = !x.clock.val()
        });
        sim.add_testbench(move |mut ep: Sim<WordMirror<3>>| {
            let mut rng = rand::rngs::StdRng::seed_from_u64(3);
            let mut registers = [0u32; 8];
            let mut x = ep.init()?;
            let (mut reads, mut nonzero) = (0, 0);
            for _ in 0..400 {
                match rng.random_range(0..10) {
                    0 => {
                        x.reset.next = true;
                        wait_clock_cycle!(ep, clock, x);
                        x.reset.next = false;
                        registers = [0; 8];
                    }
                    1..=5 => {
                        let (index, data, strobes) = (
                            rng.random_range(0..8),
                            rng.random::<u32>(),
                            rng.random_range(0..16),
                        );
                        // The index is steady the clock before the write (the register
                        // file holds it from the handshake).
                        x.write_index.next = (index as u64).to_bits();
                        wait_clock_cycle!(ep, clock, x);
                        x.write.next = true;
                        x.write_data.next = u64::from(data).to_bits();
                        x.write_strobes.next = (strobes as u64).to_bits();
                        wait_clock_cycle!(ep, clock, x);
                        x.write.next = false;
                        // The register file answers the write in the next clock, and the
                        // next write comes a clock later at the earliest.
                        wait_clock_cycle!(ep, clock, x);
                        for lane in 0..4 {
                            if strobes >> lane & 1 == 1 {
                                let mask = 0xff_u32 << (8 * lane);
                                registers[index] = registers[index] & !mask | data & mask;
                            }
                        }
                    }
                    _ => {
                        let (index, hit) = (rng.random_range(0..8), rng.random_bool(0.8));
                        x.read_index.next = (index as u64).to_bits();
                        x.read_load.next = true;
                        wait_clock_cycle!(ep, clock, x);
                        x.read_load.next = false;
                        x.read_index.next = rng.random_range(0..8_u64).to_bits();
                        wait_clock_cycle!(ep, clock, x);
                        x.read_hit.next = hit;
                        wait_clock_cycle!(ep, clock, x);
                        x.read_hit.next = false;
                        let want = if hit { registers[index] } else { 0 };
                        sim_assert_eq!(ep, x.read_data.val(), u64::from(want), x);
                        reads += 1;
                        nonzero += u32::from(want != 0);
                    }
                }
            }
            sim_assert!(ep, reads > 80 && nonzero > 40, x);
            ep.done(x)
        });
        sim.run(Box::new(uut), 100_000).unwrap();
    }

    #[test]
    fn word_mirror_is_synthesizable() {
        let mut uut = WordMirror::<5>::default();
        uut.connect_all();
        crate::lint::assert_lints_clean(&generate_verilog(&uut), "word_mirror");
    }
}
