//! A block RAM read two clocks after its address (the register file's readback copy
//! of the table, and the indirection table itself): the word comes from a register
//! right behind the RAM (ECP5: the block RAM's own output register, which
//! answers in under a nanosecond where the RAM's read latch takes 5.8 ns), and a read of
//! the word being written in the same clock answers the word written.
//!
//! Simple dual-port block RAM leaves that collision undefined, and yosys keeps rust-hdl
//! `RAM`'s promise (the old word) with a multiplexer between the RAM and its first
//! register, which also keeps the output register from being used. Here the RAM is a
//! [`DisjointRam`] and the collision is decided beside it, from registers: both
//! addresses, the write enable and the word written are registered with the RAM's
//! access, compared in the next clock (as the RAM's word arrives in its output register),
//! and the written word replaces the RAM's after that register.

use rust_hdl::prelude::*;

use crate::disjoint_ram::DisjointRam;

#[derive(LogicBlock)]
pub struct ReadbackRam<D: Synth, const N: usize> {
    /// Clock of both ports.
    pub clock: Signal<In, Clock>,
    /// Address read at this edge.
    pub read_address: Signal<In, Bits<N>>,
    /// The word at the `read_address` of two edges ago (the word written at that edge
    /// if it was written then).
    pub read_data: Signal<Out, D>,
    /// Address written at this edge.
    pub write_address: Signal<In, Bits<N>>,
    /// Word written.
    pub write_data: Signal<In, D>,
    /// Write `write_data` at this edge.
    pub write_enable: Signal<In, Bit>,
    ram: DisjointRam<D, N>,
    /// The RAM's word, registered as it arrives (nothing between the two).
    word: DFF<D>,
    /// The RAM's access of last clock: read and write address, write enable, word.
    read_address_q: DFF<Bits<N>>,
    write_address_q: DFF<Bits<N>>,
    write_enable_q: DFF<Bit>,
    written: DFF<D>,
    /// That access collided (beside `word`), and the word it wrote.
    collided_q: DFF<Bit>,
    written_q: DFF<D>,
}

impl<D: Synth, const N: usize> Default for ReadbackRam<D, N> {
    fn default() -> Self {
        Self {
            clock: Default::default(),
            read_address: Default::default(),
            read_data: Default::default(),
            write_address: Default::default(),
            write_data: Default::default(),
            write_enable: Default::default(),
            ram: DisjointRam::zeroed(),
            word: Default::default(),
            read_address_q: Default::default(),
            write_address_q: Default::default(),
            write_enable_q: Default::default(),
            collided_q: Default::default(),
            written: Default::default(),
            written_q: Default::default(),
        }
    }
}

impl<D: Synth, const N: usize> Logic for ReadbackRam<D, N> {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self,
            clock,
            word,
            read_address_q,
            write_address_q,
            write_enable_q,
            written,
            collided_q,
            written_q
        );
        self.ram.read_clock.next = self.clock.val();
        self.ram.write_clock.next = self.clock.val();
        self.ram.read_address.next = self.read_address.val();
        self.ram.write_address.next = self.write_address.val();
        self.ram.write_data.next = self.write_data.val();
        self.ram.write_enable.next = self.write_enable.val();
        self.word.d.next = self.ram.read_data.val();
        self.read_address_q.d.next = self.read_address.val();
        self.write_address_q.d.next = self.write_address.val();
        self.write_enable_q.d.next = self.write_enable.val();
        self.written.d.next = self.write_data.val();
        self.collided_q.d.next = self.write_enable_q.q.val()
            & (self.write_address_q.q.val() == self.read_address_q.q.val());
        self.written_q.d.next = self.written.q.val();
        self.read_data.next = self.word.q.val();
        if self.collided_q.q.val() {
            self.read_data.next = self.written_q.q.val();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};

    /// Random reads and writes, colliding often: every read answers, two clocks later,
    /// the word as it is after that clock's write.
    #[test]
    fn readback_ram_answers_two_clocks_later_with_a_colliding_write_seen() {
        type Uut = ReadbackRam<Bits<16>, 3>;
        let mut uut = Uut::default();
        uut.connect_all();
        let mut sim = Simulation::new();
        sim.add_clock(5, |x: &mut Box<Uut>| x.clock.next = !x.clock.val());
        sim.add_testbench(move |mut ep: Sim<Uut>| {
            let mut rng = rand::rngs::StdRng::seed_from_u64(5);
            let mut words = [0u64; 8];
            let mut answers = std::collections::VecDeque::from([None]);
            let mut x = ep.init()?;
            let (mut collisions, mut checked) = (0, 0);
            for _ in 0..2000 {
                let read = rng.random_range(0..8_usize);
                let write = rng.random_bool(0.6).then(|| rng.random_range(0..8_usize));
                let data = rng.random_range(0..1u64 << 16);
                x.read_address.next = (read as u64).to_bits();
                x.write_enable.next = write.is_some();
                x.write_address.next = (write.unwrap_or(0) as u64).to_bits();
                x.write_data.next = data.to_bits();
                if let Some(w) = write {
                    words[w] = data;
                    collisions += u32::from(w == read);
                }
                answers.push_back(Some(words[read]));
                wait_clock_cycle!(ep, clock, x);
                if let Some(Some(want)) = answers.pop_front() {
                    sim_assert_eq!(ep, x.read_data.val(), want, x);
                    checked += 1;
                }
            }
            sim_assert!(ep, collisions > 100 && checked > 1900, x);
            ep.done(x)
        });
        sim.run(Box::new(uut), 100_000).unwrap();
    }

    #[test]
    fn readback_ram_is_synthesizable() {
        let mut uut = ReadbackRam::<Bits<32>, 7>::default();
        uut.connect_all();
        crate::lint::assert_lints_clean(&generate_verilog(&uut), "readback_ram");
    }
}
