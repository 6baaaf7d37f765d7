//! Record FIFO: first-word-fall-through, block RAM for the entries (iCE40 EBR, ECP5
//! DP16KD), outputs from flip-flops, and a synchronous reset that empties it. It holds
//! at most `capacity` records (at most `2^DEPTH_LOG2` in the RAM); `count` includes the
//! records on their way out.
//!
//! The records leave through an output queue of registers, so `out_valid` and
//! `out_data` come from flip-flops: an integrator's logic behind them starts a
//! fraction of a nanosecond after the clock, not when a block RAM's read latch answers
//! (5.8 ns on an ECP5 DP16KD). The RAM's word goes into a plain register first (packed
//! into the DP16KD's output register by `rss-core synth`), so a read reaches the queue
//! two clocks after its address. A read is issued while the queue, the reads in flight
//! included, has room after this clock's departure. A record pushed at one clock is on
//! the output from the fifth clock after it.
//!
//! The queue's size is a choice ([`OutputQueue`]): three entries keep one record a clock
//! flowing with that latency ([`OutputQueue::Streaming`], for producers that can push a
//! record every clock); one entry lets a record leave every third clock
//! ([`OutputQueue::Single`]), enough behind a producer that pushes at most one record
//! every three clocks, for two registers of `WIDTH` and their multiplexers fewer (an
//! iCE40 logic cell each).
//!
//! The fill level and the flags derived from it (`count`, `full`, an entry waiting in
//! RAM) are registers, so the push's write enable and the RAM's read address start a
//! clock with no subtractor or comparison in front of them. The levels are counted
//! up and down, not taken from the pointers' difference, and each flag is chosen from
//! compares of the present level made side by side (the level as it is and as it steps),
//! so no carry chain follows another in one clock. The level in RAM counts a store a
//! clock after it (`written_q`): the store, the push behind `full`, drives the RAM's
//! write enable, so the flow places it beside the block RAM, and the level's update
//! behind it crossed the die twice in one clock (stop 51: `full_q -> waiting_q`, the
//! 64-bit core's slowest path at one seed in seventeen). A record is read a clock
//! later than it could be; the three-entry queue keeps one record a clock all the
//! same, so one record a clock flows through a FIFO of capacity 6 or more (a record is
//! held from its push to its departure, five clocks at least).

use rust_hdl::prelude::*;

use crate::disjoint_ram::DisjointRam;

/// How many records the output queue holds, and so how fast records can leave.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OutputQueue {
    /// Three entries: one record a clock (a producer that can push every clock).
    Streaming,
    /// One entry: a record every third clock at most (a producer that pushes at most
    /// one record every three clocks, which the queue then never holds back).
    Single,
}

impl OutputQueue {
    /// Clocks from one departure to the next when records are waiting in RAM.
    pub const fn departure_gap(self) -> u64 {
        match self {
            OutputQueue::Streaming => 1,
            OutputQueue::Single => 3,
        }
    }

    fn entries(self) -> u64 {
        match self {
            OutputQueue::Streaming => 3,
            OutputQueue::Single => 1,
        }
    }
}

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
    /// Records held, the ones in the output queue and in flight to it included.
    pub count: Signal<Out, Bits<COUNT_BITS>>,
    /// No room: a push now is lost.
    pub full: Signal<Out, Bit>,
    /// The oldest record is on `out_data` (a register).
    pub out_valid: Signal<Out, Bit>,
    /// The consumer takes it.
    pub out_ready: Signal<In, Bit>,
    /// The oldest record (a register).
    pub out_data: Signal<Out, Bits<WIDTH>>,
    /// Never read at the address being written when the read counts: an entry is
    /// written only with room for it, so never over one not yet read.
    ram: DisjointRam<Bits<WIDTH>, DEPTH_LOG2>,
    write_ptr: DFF<Bits<COUNT_BITS>>,
    read_ptr: DFF<Bits<COUNT_BITS>>,
    /// Records held (`count`), no room (`full`), an entry in RAM not yet read.
    held_q: DFF<Bits<COUNT_BITS>>,
    /// Entries in RAM not yet read.
    stored_q: DFF<Bits<COUNT_BITS>>,
    full_q: DFF<Bit>,
    waiting_q: DFF<Bit>,
    /// A record was written to the RAM last clock.
    written_q: DFF<Bit>,
    /// The RAM's read latch holds a record read last clock.
    latched_q: DFF<Bit>,
    /// `ram_word` holds a record: it joins the queue at this edge.
    arriving_q: DFF<Bit>,
    /// The RAM's word, registered with no enable or reset (packable into the RAM).
    ram_word: DFF<Bits<WIDTH>>,
    /// The output queue, oldest first; `head` is the output.
    head: DFF<Bits<WIDTH>>,
    second: DFF<Bits<WIDTH>>,
    third: DFF<Bits<WIDTH>>,
    /// Records in the queue (0 to 3).
    queued_q: DFF<Bits<2>>,
    /// Records in the queue and in flight to it (0 to the queue's entries).
    pipe_q: DFF<Bits<2>>,
    /// The queue has three entries (`OutputQueue::Streaming`).
    streaming: Constant<Bit>,
    /// The queue's entries less one: `pipe_q` then reaches them with one more read.
    pipe_last: Constant<Bits<2>>,
    /// `pipe_q` is the queue's entries, registered beside it so the read issue is one LUT and the levels
    /// it steers have the rest of the clock.
    pipe_full_q: DFF<Bit>,
    head_valid: DFF<Bit>,
    write_next: Signal<Local, Bits<COUNT_BITS>>,
    read_next: Signal<Local, Bits<COUNT_BITS>>,
    queued_next: Signal<Local, Bits<2>>,
    pipe_next: Signal<Local, Bits<2>>,
    pipe_full_next: Signal<Local, Bit>,
    /// Each level one more and one less, from its register alone: the adders run
    /// beside the events, which only choose.
    held_up: Signal<Local, Bits<COUNT_BITS>>,
    held_down: Signal<Local, Bits<COUNT_BITS>>,
    stored_up: Signal<Local, Bits<COUNT_BITS>>,
    stored_down: Signal<Local, Bits<COUNT_BITS>>,
    /// A RAM entry is read this clock, towards the queue.
    issue: Signal<Local, Bit>,
    store: Signal<Local, Bit>,
    /// The consumer takes the head.
    leave: Signal<Local, Bit>,
}

impl<const WIDTH: usize, const DEPTH_LOG2: usize, const COUNT_BITS: usize> Default
    for RecordFifo<WIDTH, DEPTH_LOG2, COUNT_BITS>
{
    fn default() -> Self {
        Self::new(OutputQueue::Streaming)
    }
}

impl<const WIDTH: usize, const DEPTH_LOG2: usize, const COUNT_BITS: usize>
    RecordFifo<WIDTH, DEPTH_LOG2, COUNT_BITS>
{
    /// A FIFO whose records leave through `queue`.
    pub fn new(queue: OutputQueue) -> Self {
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
            held_q: Default::default(),
            stored_q: Default::default(),
            full_q: Default::default(),
            waiting_q: Default::default(),
            written_q: Default::default(),
            latched_q: Default::default(),
            arriving_q: Default::default(),
            ram_word: Default::default(),
            head: Default::default(),
            second: Default::default(),
            third: Default::default(),
            queued_q: Default::default(),
            pipe_q: Default::default(),
            streaming: Constant::new(queue == OutputQueue::Streaming),
            pipe_last: Constant::new((queue.entries() - 1).to_bits()),
            pipe_full_q: Default::default(),
            head_valid: Default::default(),
            write_next: Default::default(),
            read_next: Default::default(),
            queued_next: Default::default(),
            pipe_next: Default::default(),
            pipe_full_next: Default::default(),
            held_up: Default::default(),
            held_down: Default::default(),
            stored_up: Default::default(),
            stored_down: Default::default(),
            issue: Default::default(),
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
            held_q,
            stored_q,
            full_q,
            waiting_q,
            written_q,
            latched_q,
            arriving_q,
            ram_word,
            head,
            second,
            third,
            queued_q,
            pipe_q,
            pipe_full_q,
            head_valid
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
        // Read the next entry while the queue, reads in flight included, has room once
        // this clock's departure is counted. The RAM reads `read_ptr` every clock; a
        // read that is not issued is ignored.
        self.leave.next = self.head_valid.q.val() & self.out_ready.val();
        self.issue.next = self.waiting_q.q.val() & (!self.pipe_full_q.q.val() | self.leave.val());
        self.ram.read_address.next = self.read_ptr.q.val().get_bits::<DEPTH_LOG2>(0);
        self.read_next.next = self.read_ptr.q.val();
        if self.issue.val() {
            self.read_next.next = self.read_ptr.q.val() + 1_u64;
        }
        self.written_q.d.next = self.store.val();
        self.latched_q.d.next = self.issue.val();
        self.arriving_q.d.next = self.latched_q.q.val();
        self.ram_word.d.next = self.ram.read_data.val();
        // The queue: drop the head when it leaves, append the arriving record behind
        // the rest. A slot past the records kept loads the RAM's word whether or not one
        // arrives (the count says what is valid).
        self.head.d.next = self.head.q.val();
        self.second.d.next = self.second.q.val();
        self.third.d.next = self.third.q.val();
        if self.streaming.val() {
            if self.leave.val() {
                self.head.d.next = self.second.q.val();
                self.second.d.next = self.third.q.val();
                if self.queued_q.q.val() < 2_u64 {
                    self.head.d.next = self.ram_word.q.val();
                }
                if self.queued_q.q.val() != 3_u64 {
                    self.second.d.next = self.ram_word.q.val();
                }
                self.third.d.next = self.ram_word.q.val();
            } else {
                if self.queued_q.q.val() == 0_u64 {
                    self.head.d.next = self.ram_word.q.val();
                }
                if self.queued_q.q.val() < 2_u64 {
                    self.second.d.next = self.ram_word.q.val();
                }
                if self.queued_q.q.val() != 3_u64 {
                    self.third.d.next = self.ram_word.q.val();
                }
            }
        } else if self.leave.val() | !self.head_valid.q.val() {
            // One entry: `second` and `third` are never loaded, and synthesis drops them.
            self.head.d.next = self.ram_word.q.val();
        }
        self.queued_next.next = self.queued_q.q.val();
        self.pipe_next.next = self.pipe_q.q.val();
        self.pipe_full_next.next = self.pipe_full_q.q.val();
        if self.arriving_q.q.val() & !self.leave.val() {
            self.queued_next.next = self.queued_q.q.val() + 1_u64;
        }
        if !self.arriving_q.q.val() & self.leave.val() {
            self.queued_next.next = self.queued_q.q.val() - 1_u64;
        }
        if self.issue.val() & !self.leave.val() {
            self.pipe_next.next = self.pipe_q.q.val() + 1_u64;
            self.pipe_full_next.next = self.pipe_q.q.val() == self.pipe_last.val();
        }
        if !self.issue.val() & self.leave.val() {
            self.pipe_next.next = self.pipe_q.q.val() - 1_u64;
            self.pipe_full_next.next = false;
        }
        if self.reset.val() {
            self.write_next.next = 0.into();
            self.read_next.next = 0.into();
            self.written_q.d.next = false;
            self.latched_q.d.next = false;
            self.arriving_q.d.next = false;
            self.queued_next.next = 0.into();
            self.pipe_next.next = 0.into();
            self.pipe_full_next.next = false;
        }
        self.write_ptr.d.next = self.write_next.val();
        self.read_ptr.d.next = self.read_next.val();
        self.queued_q.d.next = self.queued_next.val();
        self.pipe_q.d.next = self.pipe_next.val();
        self.pipe_full_q.d.next = self.pipe_full_next.val();
        self.head_valid.d.next = self.queued_next.val().any();
        // The levels next clock. All records held: one more with a store, one less
        // with the head taken. In RAM: one more with last clock's store, one less with
        // a read.
        // One more and one less are worked out from the level alone and the two events
        // choose (the store and the leave reached the level's carry chain through two
        // LUTs before). The level never passes `capacity` (a store needs room), so full
        // is an equality, not a magnitude compare: taken apart into LUTs against the
        // constant capacity, that compare was three levels before the choice.
        self.held_up.next = self.held_q.q.val() + 1_u64;
        self.held_down.next = self.held_q.q.val() - 1_u64;
        if self.store.val() & !self.leave.val() {
            self.held_q.d.next = self.held_up.val();
        }
        if !self.store.val() & self.leave.val() {
            self.held_q.d.next = self.held_down.val();
        }
        self.full_q.d.next = self.held_q.q.val() == self.capacity.val();
        if self.store.val() & !self.leave.val() {
            self.full_q.d.next = self.held_q.q.val() == (self.capacity.val() - 1_u64);
        }
        if !self.store.val() & self.leave.val() {
            self.full_q.d.next = false;
        }
        self.stored_up.next = self.stored_q.q.val() + 1_u64;
        self.stored_down.next = self.stored_q.q.val() - 1_u64;
        if self.written_q.q.val() & !self.issue.val() {
            self.stored_q.d.next = self.stored_up.val();
        }
        if !self.written_q.q.val() & self.issue.val() {
            self.stored_q.d.next = self.stored_down.val();
        }
        self.waiting_q.d.next = self.stored_q.q.val().any();
        if self.written_q.q.val() & !self.issue.val() {
            self.waiting_q.d.next = true;
        }
        if !self.written_q.q.val() & self.issue.val() {
            self.waiting_q.d.next = self.stored_q.q.val() != 1_u64;
        }
        if self.reset.val() {
            self.held_q.d.next = 0.into();
            self.stored_q.d.next = 0.into();
            self.full_q.d.next = false;
            self.waiting_q.d.next = false;
        }
        self.out_valid.next = self.head_valid.q.val();
        self.out_data.next = self.head.q.val();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Random pushes (some while full) and random consumer readiness against a queue
    /// with the same capacity: same records in the same order, same `count` and
    /// `full` every clock, nothing lost but the pushes `full` refused, and a record on
    /// the output from the fifth clock after its push (through the RAM, its output
    /// register and the queue) and from `departure_gap` clocks after the record before
    /// it left; reset empties.
    #[test]
    fn record_fifo_keeps_order_count_and_capacity() {
        check_order_count_and_capacity(OutputQueue::Streaming);
    }

    /// The same with the one-entry queue: a record every third clock at full rate.
    #[test]
    fn record_fifo_with_one_queue_entry_keeps_order_count_and_capacity() {
        check_order_count_and_capacity(OutputQueue::Single);
    }

    fn check_order_count_and_capacity(queue_kind: OutputQueue) {
        use rand::rngs::StdRng;
        use rand::{Rng, SeedableRng};
        use std::collections::VecDeque;

        // The least capacity that keeps one record a clock flowing (see the module).
        const CAPACITY: u64 = 6;
        let gap = queue_kind.departure_gap();
        let mut uut = RecordFifo::<16, 3, 4>::new(queue_kind);
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
            // Records taken in the full-rate phases once the queue has filled.
            let mut full_rate_pops = 0;
            // The clock the last record left (none yet: far enough back).
            let mut last_departure = 0u64;
            for clock in 0..4000 {
                // Phases: a fast producer and a slow consumer, the reverse, then a
                // record every clock both ways (the queue must keep up).
                let (push_percent, ready_percent) = match clock % 600 {
                    0..200 => (80, 30),
                    200..400 => (30, 80),
                    _ => (100, 100),
                };
                let push = rng.random_range(0..100) < push_percent;
                let ready = rng.random_range(0..100) < ready_percent;
                x.push.next = push;
                x.push_data.next = next_record.to_bits();
                x.out_ready.next = ready;
                x = ep.wait(1, x)?;
                sim_assert_eq!(ep, x.count.val(), queue.len() as u64, x);
                sim_assert_eq!(ep, x.full.val(), queue.len() as u64 >= CAPACITY, x);
                let shown = queue
                    .front()
                    .filter(|&&(_, pushed)| pushed + 5 <= clock && last_departure + gap <= clock);
                sim_assert_eq!(ep, x.out_valid.val(), shown.is_some(), x);
                if let Some(&(head, _)) = shown {
                    sim_assert_eq!(ep, x.out_data.val(), head, x);
                    if ready {
                        queue.pop_front();
                        pops += 1;
                        last_departure = clock;
                        full_rate_pops += u64::from(clock % 600 >= 420);
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
            // One record every `gap` clocks: 6 phases of 180 clocks, every `gap`-th
            // clock a departure (the first of a phase may come up to `gap - 1` late).
            sim_assert!(
                ep,
                full_rate_pops <= 6 * 180 / gap && full_rate_pops + 6 >= 6 * 180 / gap,
                x
            );
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
