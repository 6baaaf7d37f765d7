//! Record FIFO: first-word-fall-through, block RAM for the entries (iCE40 EBR, ECP5
//! DP16KD) and a synchronous reset that empties it. It holds at most `capacity`
//! records (at most `2^DEPTH_LOG2`); `count` includes the record on the output.
//!
//! The fill level and the flags derived from it (`count`, `full`, an entry waiting in
//! RAM) are registers, so the push's write enable and the RAM's read address start a
//! clock with no subtractor or comparison in front of them. The levels are counted
//! up and down, not taken from the pointers' difference, and each flag is chosen from
//! three compares of the present level made side by side (level − 1, level, level + 1),
//! so no carry chain follows another in one clock.

use rust_hdl::prelude::*;

use crate::disjoint_ram::DisjointRam;

#[derive(LogicBlock)]
pub struct RecordFifo<const WIDTH: usize, const DEPTH_LOG2: usize, const COUNT_BITS: usize> {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// Synchronous reset: drops every record.
    pub reset: Signal<In, Bit>,
    /// Records it may hold (a generator parameter).
    pub capacity: Signal<In, Bits<COUNT_BITS>>,
    /// Store `push_data` (ignored when full).
    pub push: Signal<In, Bit>,
    /// Record to store.
    pub push_data: Signal<In, Bits<WIDTH>>,
    /// Records held, the one on the output included.
    pub count: Signal<Out, Bits<COUNT_BITS>>,
    /// No room: a push now is lost.
    pub full: Signal<Out, Bit>,
    /// The oldest record is on `out_data`.
    pub out_valid: Signal<Out, Bit>,
    /// The consumer takes it.
    pub out_ready: Signal<In, Bit>,
    /// The oldest record.
    pub out_data: Signal<Out, Bits<WIDTH>>,
    /// Never read at the address being written: an entry is written only with room
    /// for it, so never over the one shown or the one taken.
    ram: DisjointRam<Bits<WIDTH>, DEPTH_LOG2>,
    write_ptr: DFF<Bits<COUNT_BITS>>,
    read_ptr: DFF<Bits<COUNT_BITS>>,
    shown: DFF<Bits<DEPTH_LOG2>>,
    shown_valid: DFF<Bit>,
    /// Records held (`count`), no room (`full`), an entry in RAM not yet on the output.
    held_q: DFF<Bits<COUNT_BITS>>,
    /// Entries in RAM not yet on the output.
    stored_q: DFF<Bits<COUNT_BITS>>,
    full_q: DFF<Bit>,
    waiting_q: DFF<Bit>,
    write_next: Signal<Local, Bits<COUNT_BITS>>,
    read_next: Signal<Local, Bits<COUNT_BITS>>,
    shown_valid_next: Signal<Local, Bit>,
    take: Signal<Local, Bit>,
    store: Signal<Local, Bit>,
    /// The consumer takes the record shown.
    leave: Signal<Local, Bit>,
}

impl<const WIDTH: usize, const DEPTH_LOG2: usize, const COUNT_BITS: usize> Default
    for RecordFifo<WIDTH, DEPTH_LOG2, COUNT_BITS>
{
    fn default() -> Self {
        assert_eq!(COUNT_BITS, DEPTH_LOG2 + 1);
        Self {
            clock: Default::default(),
            reset: Default::default(),
            capacity: Default::default(),
            push: Default::default(),
            push_data: Default::default(),
            count: Default::default(),
            full: Default::default(),
            out_valid: Default::default(),
            out_ready: Default::default(),
            out_data: Default::default(),
            ram: Default::default(),
            write_ptr: Default::default(),
            read_ptr: Default::default(),
            shown: Default::default(),
            shown_valid: Default::default(),
            held_q: Default::default(),
            stored_q: Default::default(),
            full_q: Default::default(),
            waiting_q: Default::default(),
            write_next: Default::default(),
            read_next: Default::default(),
            shown_valid_next: Default::default(),
            take: Default::default(),
            store: Default::default(),
            leave: Default::default(),
        }
    }
}

impl<const WIDTH: usize, const DEPTH_LOG2: usize, const COUNT_BITS: usize> Logic
    for RecordFifo<WIDTH, DEPTH_LOG2, COUNT_BITS>
{
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self,
            clock,
            write_ptr,
            read_ptr,
            shown,
            shown_valid,
            held_q,
            stored_q,
            full_q,
            waiting_q
        );
        self.ram.read_clock.next = self.clock.val();
        self.ram.write_clock.next = self.clock.val();
        self.full.next = self.full_q.q.val();
        self.count.next = self.held_q.q.val();
        self.store.next = self.push.val() & !self.full_q.q.val();
        self.ram.write_enable.next = self.store.val();
        self.ram.write_address.next = self.write_ptr.q.val().get_bits::<DEPTH_LOG2>(0);
        self.ram.write_data.next = self.push_data.val();
        self.write_next.next = self.write_ptr.q.val();
        if self.store.val() {
            self.write_next.next = self.write_ptr.q.val() + 1_u64;
        }
        // Move the next entry to the output when it is free or being taken; the RAM
        // reads the shown entry's address otherwise, so its registered data stays put.
        self.take.next =
            self.waiting_q.q.val() & (!self.shown_valid.q.val() | self.out_ready.val());
        self.ram.read_address.next = self.shown.q.val();
        self.read_next.next = self.read_ptr.q.val();
        self.shown_valid_next.next = self.shown_valid.q.val() & !self.out_ready.val();
        if self.take.val() {
            self.ram.read_address.next = self.read_ptr.q.val().get_bits::<DEPTH_LOG2>(0);
            self.shown.d.next = self.read_ptr.q.val().get_bits::<DEPTH_LOG2>(0);
            self.read_next.next = self.read_ptr.q.val() + 1_u64;
            self.shown_valid_next.next = true;
        }
        if self.reset.val() {
            self.write_next.next = 0.into();
            self.read_next.next = 0.into();
            self.shown_valid_next.next = false;
        }
        self.write_ptr.d.next = self.write_next.val();
        self.read_ptr.d.next = self.read_next.val();
        self.shown_valid.d.next = self.shown_valid_next.val();
        // The levels next clock. All records held: one more with a store, one less
        // with the shown record taken (a take from RAM to the output moves one). In RAM:
        // one more with a store, one less with a take.
        self.leave.next = self.shown_valid.q.val() & self.out_ready.val();
        self.held_q.d.next = self.held_q.q.val();
        self.full_q.d.next = self.held_q.q.val() >= self.capacity.val();
        if self.store.val() & !self.leave.val() {
            self.held_q.d.next = self.held_q.q.val() + 1_u64;
            self.full_q.d.next = self.held_q.q.val() >= (self.capacity.val() - 1_u64);
        }
        if !self.store.val() & self.leave.val() {
            self.held_q.d.next = self.held_q.q.val() - 1_u64;
            self.full_q.d.next = self.held_q.q.val() >= (self.capacity.val() + 1_u64);
        }
        self.stored_q.d.next = self.stored_q.q.val();
        self.waiting_q.d.next = self.stored_q.q.val().any();
        if self.store.val() & !self.take.val() {
            self.stored_q.d.next = self.stored_q.q.val() + 1_u64;
            self.waiting_q.d.next = true;
        }
        if !self.store.val() & self.take.val() {
            self.stored_q.d.next = self.stored_q.q.val() - 1_u64;
            self.waiting_q.d.next = self.stored_q.q.val() != 1_u64;
        }
        if self.reset.val() {
            self.held_q.d.next = 0.into();
            self.stored_q.d.next = 0.into();
            self.full_q.d.next = false;
            self.waiting_q.d.next = false;
        }
        self.out_valid.next = self.shown_valid.q.val();
        self.out_data.next = self.ram.read_data.val();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Random pushes (some while full) and random consumer readiness against a queue
    /// with the same capacity: same records in the same order, same `count` and
    /// `full` every clock, nothing lost but the pushes `full` refused, and a record on
    /// the output from the second clock after its push (through the RAM) with no gap
    /// between records; reset empties.
    #[test]
    fn record_fifo_keeps_order_count_and_capacity() {
        use rand::rngs::StdRng;
        use rand::{Rng, SeedableRng};
        use std::collections::VecDeque;

        const CAPACITY: u64 = 5;
        let mut uut = RecordFifo::<16, 3, 4>::default();
        uut.connect_all();
        let mut sim = Simulation::new();
        sim.add_clock(5, |x: &mut Box<RecordFifo<16, 3, 4>>| {
            x.clock.next = !x.clock.val()
        });
        sim.add_testbench(move |mut ep: Sim<RecordFifo<16, 3, 4>>| {
            let mut rng = StdRng::seed_from_u64(0xf1f0);
            let mut x = ep.init()?;
            x.capacity.next = CAPACITY.to_bits();
            x.reset.next = true;
            wait_clock_cycle!(ep, clock, x);
            x.reset.next = false;
            // (record, clock of its push)
            let mut queue: VecDeque<(u64, u64)> = VecDeque::new();
            let mut next_record = 1u64;
            let (mut pushes, mut pops, mut refused) = (0, 0, 0);
            for clock in 0..4000 {
                // Phases: a fast producer and a slow consumer, then the reverse.
                let (push_percent, ready_percent) = if clock % 400 < 200 {
                    (80, 30)
                } else {
                    (30, 80)
                };
                let push = rng.random_range(0..100) < push_percent;
                let ready = rng.random_range(0..100) < ready_percent;
                x.push.next = push;
                x.push_data.next = next_record.to_bits();
                x.out_ready.next = ready;
                x = ep.wait(1, x)?;
                sim_assert_eq!(ep, x.count.val(), queue.len() as u64, x);
                sim_assert_eq!(ep, x.full.val(), queue.len() as u64 >= CAPACITY, x);
                let shown = queue.front().filter(|&&(_, pushed)| pushed + 2 <= clock);
                sim_assert_eq!(ep, x.out_valid.val(), shown.is_some(), x);
                if let Some(&(head, _)) = shown {
                    sim_assert_eq!(ep, x.out_data.val(), head, x);
                    if ready {
                        queue.pop_front();
                        pops += 1;
                    }
                }
                if push {
                    if x.full.val() {
                        refused += 1;
                    } else {
                        queue.push_back((next_record, clock));
                        pushes += 1;
                    }
                    next_record += 1;
                }
                wait_clock_cycle!(ep, clock, x);
            }
            sim_assert!(ep, pushes > 1000 && pops > 1000 && refused > 100, x);
            // Reset with records held: empty at once.
            x.push.next = false;
            x.reset.next = true;
            wait_clock_cycle!(ep, clock, x);
            x.reset.next = false;
            x = ep.wait(1, x)?;
            sim_assert!(
                ep,
                !x.out_valid.val() & (x.count.val() == 0_u64) & !x.full.val(),
                x
            );
            ep.done(x)
        });
        sim.run(Box::new(uut), 1_000_000).unwrap();
    }

    #[test]
    fn record_fifo_is_synthesizable() {
        let mut uut = RecordFifo::<68, 8, 9>::default();
        uut.connect_all();
        crate::lint::assert_lints_clean(&generate_verilog(&uut), "record_fifo");
    }
}
