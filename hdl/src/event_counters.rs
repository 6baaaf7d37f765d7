//! The statistics counters (`COUNTERS` in `rss_model::regmap`): one 32-bit count per
//! VPort and record class, in block RAM, bumped by a read-modify-write pipeline that
//! takes one event every clock.
//!
//! Two RAMs hold the same counts: the pipeline reads one, the register bus the other,
//! so a register read never waits for the datapath, and every write goes to both.
//!
//! Pipeline: the event is registered (`bump_*`); its counter is read; the RAM's word
//! is registered (`raw`, which synthesis puts in the block RAM's output register); the
//! next clock moves it into the fabric (`held`, where a newer count written since the
//! read replaces it); the next adds one into a register (`last_*`), and the clock
//! after writes it to both RAMs. So the route out of the block RAM, the forwarding
//! choice, the adder's carry chain and the route back to the RAMs each have a clock of
//! their own. An event for a counter written in any of the four clocks before reads
//! the RAM too early, so its count comes from that write: the writes two to four
//! events ahead replace the word on its way into `held` (`last_count`, `prev_count`,
//! `older_count`, the newer first), the event just ahead replaces `held` at the add
//! (`forward_newest`); every choice is decided a clock ahead (`forward_*`), so each
//! stage starts from registers only. This covers back-to-back events on one counter,
//! whatever the RAM does on a read and a write of one address in the same clock. A
//! build whose events come at least three clocks apart (`events_apart`) never has an
//! event one or two clocks ahead, and leaves those two forwards out. No reset: the counts live in block RAM, zero after configuration and kept across
//! `rst`, like the tables.

use rss_model::regmap::{Access, Register};
use rust_hdl::prelude::*;

use crate::csr::{WORD_ADDR_BITS, expect_access, word};
use crate::disjoint_ram::DisjointRam;
use crate::readback_ram::ReadbackRam;

/// Width of a counter index: VPort (3 bits), then class (4 bits).
pub const INDEX_BITS: usize = 7;
const REGION_BITS: usize = WORD_ADDR_BITS - INDEX_BITS;

#[derive(LogicBlock)]
pub struct EventCounters {
    /// Clock of the datapath and the register bus.
    pub clock: Signal<In, Clock>,
    /// Count one event on counter `bump_index` (taken into a register here).
    pub bump: Signal<In, Bit>,
    /// Counter of the event: VPort * 16 + class.
    pub bump_index: Signal<In, Bits<INDEX_BITS>>,
    /// Word address of the read being answered, held from the clock after the
    /// handshake until the answer.
    pub read_address: Signal<In, Bits<WORD_ADDR_BITS>>,
    /// The read address is a `COUNTERS` element of this build.
    pub read_hit: Signal<Out, Bit>,
    /// The element's count when `read_hit`, else 0 (valid from the third clock after
    /// the handshake, as the table's readback: the RAM reads the held address in the
    /// first).
    pub read_data: Signal<Out, Bits<32>>,
    /// A read of the counter being written is never used (the forwarding covers it).
    counts: DisjointRam<Bits<32>, INDEX_BITS>,
    readback: ReadbackRam<Bits<32>, INDEX_BITS>,
    bump_valid: DFF<Bit>,
    bump_counter: DFF<Bits<INDEX_BITS>>,
    update_valid: DFF<Bit>,
    update_counter: DFF<Bits<INDEX_BITS>>,
    /// The counter's word as the RAM read it.
    raw: DFF<Bits<32>>,
    fetch_valid: DFF<Bit>,
    fetch_counter: DFF<Bits<INDEX_BITS>>,
    /// The fetch stage's count: `raw`, or a count written since its read.
    held: DFF<Bits<32>>,
    add_valid: DFF<Bit>,
    add_counter: DFF<Bits<INDEX_BITS>>,
    /// The add stage's counter is the one added last clock.
    forward_newest: DFF<Bit>,
    /// The fetch stage's counter is the one written last clock / the clock before /
    /// three clocks ago.
    forward_last: DFF<Bit>,
    forward_prev: DFF<Bit>,
    forward_older: DFF<Bit>,
    /// The count added the clock before last, its counter, and the count before it.
    prev_count: DFF<Bits<32>>,
    prev_valid: DFF<Bit>,
    prev_counter: DFF<Bits<INDEX_BITS>>,
    older_count: DFF<Bits<32>>,
    /// The count added last clock: written to the RAMs this clock.
    last_valid: DFF<Bit>,
    last_counter: DFF<Bits<INDEX_BITS>>,
    last_count: DFF<Bits<32>>,
    read_word: DFF<Bits<32>>,
    /// Events can come one or two clocks apart: forward from the two events just ahead.
    close_events: Constant<Bit>,
    /// The word address's bits above the index, for `COUNTERS`.
    region: Constant<Bits<REGION_BITS>>,
    elements: Constant<Bits<WORD_ADDR_BITS>>,
    fetched: Signal<Local, Bits<32>>,
    count: Signal<Local, Bits<32>>,
}

impl EventCounters {
    /// The block for `counters`, the map's `COUNTERS` register (its element count is
    /// the build's VPorts times 16).
    pub fn new(counters: &Register) -> Self {
        expect_access(counters, Access::ReadOnly);
        let base = word(counters.offset);
        assert_eq!(base % (1 << INDEX_BITS), 0, "COUNTERS is index-aligned");
        assert!(counters.count <= 1 << INDEX_BITS, "COUNTERS fits the index");
        EventCounters {
            clock: Default::default(),
            bump: Default::default(),
            bump_index: Default::default(),
            read_address: Default::default(),
            read_hit: Default::default(),
            read_data: Default::default(),
            counts: DisjointRam::zeroed(),
            readback: Default::default(),
            bump_valid: Default::default(),
            bump_counter: Default::default(),
            update_valid: Default::default(),
            update_counter: Default::default(),
            raw: Default::default(),
            fetch_valid: Default::default(),
            fetch_counter: Default::default(),
            held: Default::default(),
            add_valid: Default::default(),
            add_counter: Default::default(),
            forward_newest: Default::default(),
            forward_last: Default::default(),
            forward_prev: Default::default(),
            forward_older: Default::default(),
            prev_count: Default::default(),
            prev_valid: Default::default(),
            prev_counter: Default::default(),
            older_count: Default::default(),
            last_valid: Default::default(),
            last_counter: Default::default(),
            last_count: Default::default(),
            read_word: Default::default(),
            close_events: Constant::new(true),
            region: Constant::new((base >> INDEX_BITS).to_bits()),
            elements: Constant::new(u64::from(counters.count).to_bits()),
            fetched: Default::default(),
            count: Default::default(),
        }
    }
}

impl EventCounters {
    /// The same for events that come at least `clocks` clocks apart: from three on,
    /// without the forwards from the events one and two clocks ahead.
    pub fn events_apart(mut self, clocks: u64) -> Self {
        self.close_events = Constant::new(clocks < 3);
        self
    }
}

impl Logic for EventCounters {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self,
            clock,
            bump_valid,
            bump_counter,
            update_valid,
            update_counter,
            raw,
            fetch_valid,
            fetch_counter,
            held,
            add_valid,
            add_counter,
            forward_newest,
            forward_last,
            forward_prev,
            forward_older,
            prev_count,
            prev_valid,
            prev_counter,
            older_count,
            last_valid,
            last_counter,
            last_count,
            read_word
        );
        self.counts.read_clock.next = self.clock.val();
        self.counts.write_clock.next = self.clock.val();
        self.readback.clock.next = self.clock.val();

        self.bump_valid.d.next = self.bump.val();
        self.bump_counter.d.next = self.bump_index.val();
        self.counts.read_address.next = self.bump_counter.q.val();
        self.update_valid.d.next = self.bump_valid.q.val();
        self.update_counter.d.next = self.bump_counter.q.val();

        self.raw.d.next = self.counts.read_data.val();
        self.fetch_valid.d.next = self.update_valid.q.val();
        self.fetch_counter.d.next = self.update_counter.q.val();
        // The events two, three and four ahead of the one read (adding, writing, and
        // written a clock ago now) may have written its counter too late for the read.
        self.forward_last.d.next = self.close_events.val()
            & self.add_valid.q.val()
            & (self.add_counter.q.val() == self.update_counter.q.val());
        self.forward_prev.d.next =
            self.last_valid.q.val() & (self.last_counter.q.val() == self.update_counter.q.val());
        self.forward_older.d.next =
            self.prev_valid.q.val() & (self.prev_counter.q.val() == self.update_counter.q.val());
        self.fetched.next = self.raw.q.val();
        if self.forward_older.q.val() {
            self.fetched.next = self.older_count.q.val();
        }
        if self.forward_prev.q.val() {
            self.fetched.next = self.prev_count.q.val();
        }
        if self.forward_last.q.val() {
            self.fetched.next = self.last_count.q.val();
        }
        self.held.d.next = self.fetched.val();
        // The event just ahead is adding while this one fetches.
        self.forward_newest.d.next = self.close_events.val()
            & self.add_valid.q.val()
            & (self.add_counter.q.val() == self.fetch_counter.q.val());
        self.add_valid.d.next = self.fetch_valid.q.val();
        self.add_counter.d.next = self.fetch_counter.q.val();

        self.count.next = self.held.q.val();
        if self.forward_newest.q.val() {
            self.count.next = self.last_count.q.val();
        }
        self.last_valid.d.next = self.add_valid.q.val();
        self.last_counter.d.next = self.add_counter.q.val();
        self.last_count.d.next = self.count.val() + 1_u64;
        self.counts.write_enable.next = self.last_valid.q.val();
        self.counts.write_address.next = self.last_counter.q.val();
        self.counts.write_data.next = self.last_count.q.val();
        self.readback.write_enable.next = self.last_valid.q.val();
        self.readback.write_address.next = self.last_counter.q.val();
        self.readback.write_data.next = self.last_count.q.val();
        self.prev_valid.d.next = self.last_valid.q.val();
        self.prev_counter.d.next = self.last_counter.q.val();
        self.prev_count.d.next = self.last_count.q.val();
        self.older_count.d.next = self.prev_count.q.val();

        self.readback.read_address.next = self.read_address.val().get_bits::<INDEX_BITS>(0);
        self.read_hit.next = (self.read_address.val().get_bits::<REGION_BITS>(7)
            == self.region.val())
            & (bit_cast::<WORD_ADDR_BITS, INDEX_BITS>(
                self.read_address.val().get_bits::<INDEX_BITS>(0),
            ) < self.elements.val());
        // Zero unless the held address hits: a flip-flop's synchronous clear, not a gate
        // per bit on the read multiplexer.
        self.read_word.d.next = 0.into();
        if self.read_hit.val() {
            self.read_word.d.next = self.readback.read_data.val();
        }
        self.read_data.next = self.read_word.q.val();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rss_model::regmap::{Params, RegisterMap, index};

    fn block() -> EventCounters {
        let map = RegisterMap::new(Params::default()).unwrap();
        EventCounters::new(map.register(index::COUNTERS))
    }

    #[test]
    fn event_counters_are_synthesizable() {
        let mut uut = block();
        uut.connect_all();
        crate::lint::assert_lints_clean(&generate_verilog(&uut), "event_counters");
    }

    /// Events on a few counters, back to back, repeated and interleaved, at random
    /// clocks; every counter then reads back its number of events.
    #[test]
    fn every_event_counts_once_whatever_the_spacing() {
        check_every_event_counts_once(1);
    }

    /// The same with every event at least three clocks after the one before (runs of
    /// one counter three and four clocks apart take the forwards that remain).
    #[test]
    fn events_three_clocks_apart_count_once_without_the_near_forwards() {
        check_every_event_counts_once(3);
    }

    /// Events at least `apart` clocks apart, into a block built for that spacing.
    fn check_every_event_counts_once(apart: u64) {
        let map = RegisterMap::new(Params::default()).unwrap();
        let counters = *map.register(index::COUNTERS);
        // A fixed xorshift sequence (no RNG crate here): runs of one counter,
        // alternations of two, and gaps.
        let mut state = 0x2545_f491_u32;
        let mut next = move |n: u32| {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            state % n
        };
        let mut events: Vec<Option<u64>> = Vec::new();
        let push = |events: &mut Vec<Option<u64>>, event: Option<u64>| {
            events.push(event);
            if event.is_some() {
                events.extend((1..apart).map(|_| None));
            }
        };
        for _ in 0..400 {
            let counter = u64::from(next(6) * 9 % counters.count);
            for _ in 0..1 + next(3) {
                push(&mut events, Some(counter));
            }
            if next(10) < 3 {
                push(&mut events, None);
            }
            if next(10) < 3 {
                push(&mut events, Some(counter ^ 1));
            }
        }
        let mut expected = vec![0u32; counters.count as usize];
        for e in events.iter().flatten() {
            expected[*e as usize] += 1;
        }
        let mut sim = Simulation::new();
        sim.add_clock(5, |x: &mut Box<EventCounters>| {
            x.clock.next = !x.clock.val()
        });
        let base = word(counters.offset);
        sim.add_testbench(move |mut sim: Sim<EventCounters>| {
            let mut x = sim.init()?;
            for e in &events {
                x.bump.next = e.is_some();
                x.bump_index.next = e.unwrap_or(0).to_bits();
                wait_clock_cycle!(sim, clock, x);
            }
            x.bump.next = false;
            wait_clock_cycles!(sim, clock, x, 4);
            for (i, want) in expected.iter().enumerate() {
                x.read_address.next = (base + i as u64).to_bits();
                wait_clock_cycles!(sim, clock, x, 3);
                sim_assert!(sim, x.read_hit.val(), x);
                sim_assert_eq!(sim, x.read_data.val(), u64::from(*want), x);
            }
            // Past the build's elements: no hit.
            x.read_address.next = (base + u64::from(counters.count)).to_bits();
            wait_clock_cycle!(sim, clock, x);
            sim_assert!(sim, !x.read_hit.val(), x);
            sim.done(x)
        });
        sim.run(Box::new(block().events_apart(apart)), 100_000)
            .unwrap();
    }
}
