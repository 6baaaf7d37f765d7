//! Destination-MAC filter: the VPort of each frame, in frame order.
//!
//! A frame's MAC is in its first beat, long before its record is formed; the VPort is
//! found in five registered steps (compare every entry byte by byte; AND the bytes
//! into one hit per entry and choose within each pair of entries; the lowest hitting
//! pair's VPort, else 0; staged; into the ring) and queued until the record side takes
//! it, at least six clocks later (the parser's stages). Each step is at most a few LUT
//! levels deep: the ingress register that holds the MAC also feeds the parser, and the
//! filter table is wide. The choice is
//! registered twice before the ring so that the ring's look-ahead, and with it the
//! VPort the record side reads next, starts from flip-flops (it feeds the frame's state
//! pick). Frames are in order and each frame forms exactly one record, so a ring of the
//! frames between the parser's entry and the record suffices; it holds more than the
//! parser pipeline can.
//!
//! The oldest frame's VPort leaves from a register (the ring as it will be next clock,
//! at the read pointer as it will be), and `vport_next` gives that register's next
//! value, so a reader can register what it derives from the VPort too. The two entries
//! after it are held in registers as well, so that next value is a choice between
//! registers made by `pop` alone: the ring's 16:1 choice (for the entry after those)
//! stays a clock ahead. The same choice is made once more a clock earlier, from the
//! registers' inputs and `pop_next`, so `vport_next` is a register too and the reader's
//! state pick starts at a flip-flop. Where a write lands relative to the read pointer
//! is read off the ring's fill level, kept one-hot, not computed from the pointers.

use rust_hdl::prelude::*;

use crate::vport_regs::{FILTER_BITS, FILTERS, FILTERS_BITS};

/// Frames the ring holds (the parser holds at most one per clock of its latency).
const RING: usize = 16;
/// Filter entries are chosen among in pairs first.
const PAIRS: usize = FILTERS / 2;

#[derive(LogicBlock)]
pub struct VportMatch {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// Synchronous reset: the ring empties (frames in flight are dropped with it).
    pub reset: Signal<In, Bit>,
    /// A beat enters the parser.
    pub in_valid: Signal<In, Bit>,
    /// The beat is its frame's first.
    pub in_first: Signal<In, Bit>,
    /// The beat's first six bytes, byte 0 in bits 47:40.
    pub in_mac: Signal<In, Bits<48>>,
    /// Frame bytes up to and including this beat: a frame shorter than a MAC goes to
    /// VPort 0.
    pub in_length: Signal<In, Bits<16>>,
    /// The MAC filter entries (`vport_regs::FILTER_BITS` each).
    pub filters: Signal<In, Bits<FILTERS_BITS>>,
    /// VPort of the oldest frame whose record is not formed yet (a register), within
    /// the build's VPorts.
    pub vport: Signal<Out, Bits<3>>,
    /// `vport` as it will be next clock, from a register: a reader's state pick starts
    /// at a flip-flop, not behind the pop's choice between the ring's registers.
    pub vport_next: Signal<Out, Bits<3>>,
    /// That frame's record is formed now: move on to the next frame.
    pub pop: Signal<In, Bit>,
    /// `pop` as it will be next clock (the source's register input), so `vport_next` is
    /// formed a clock ahead.
    pub pop_next: Signal<In, Bit>,
    /// Byte `c` of entry `i`'s MAC matches (bit `6i + c`), and each entry's valid bit,
    /// taken together with the MAC.
    byte_hits: DFF<Bits<{ 6 * FILTERS }>>,
    entry_valid: DFF<Bits<FILTERS>>,
    /// Each entry's VPort as it was when the bytes were compared: a filter rewritten
    /// between the steps must not lend its new VPort to a match on its old address.
    hit_vports: DFF<Bits<{ 3 * FILTERS }>>,
    hits_valid: DFF<Bit>,
    /// Entry `2p` or `2p + 1` matches the whole MAC (valid, six bytes, a frame long
    /// enough), with the lower matching entry's VPort: the lowest-entry choice made
    /// within each pair here and among the pairs in the next step, a few LUT levels each.
    hits: DFF<Bits<PAIRS>>,
    hits_vports: DFF<Bits<{ 3 * PAIRS }>>,
    hits_ready: DFF<Bit>,
    /// The first beat holds the whole MAC: kept apart from the hits and applied in the
    /// choice, so the MAC compares do not wait for the length compare.
    mac_complete: DFF<Bit>,
    /// The chosen VPort of the frame whose hits were registered last clock.
    chosen_q: DFF<Bits<3>>,
    chosen_valid: DFF<Bit>,
    /// `chosen_q` a clock later: the VPort written into the ring this clock. The ring's
    /// look-ahead (`upcoming`) reads `chosen_q`, a flip-flop, not the priority choice.
    staged: DFF<Bits<3>>,
    staged_valid: DFF<Bit>,
    ring: DFF<Bits<{ 4 * RING }>>,
    write_ptr: DFF<Bits<4>>,
    /// The ring's fill level (frames written, not yet popped), one-hot: where a write
    /// lands relative to the read pointer is one bit of it, no subtraction.
    fill_onehot: DFF<Bits<RING>>,
    /// The read pointer + 3, one-hot (the read pointer itself is needed nowhere else): the ring's 16:1 choice is an
    /// AND-OR straight from a register, without an adder or a decoder.
    fourth_onehot: DFF<Bits<RING>>,
    /// `fourth_onehot`, all zero when the write lands there (`bypass_fourth`): the
    /// write and the ring's entries are then one AND-OR, not a choice behind it.
    fourth_select: DFF<Bits<RING>>,
    head: DFF<Bits<3>>,
    /// The entry after `head`'s.
    second: DFF<Bits<3>>,
    /// The entry after `second`'s, so a pop's new `second` is a choice between
    /// registers too and the 16:1 choice feeds only this register.
    third: DFF<Bits<3>>,
    /// The write being made this clock lands at `head`'s, `second`'s or the next
    /// entry's place (decided a clock ahead from the pointers as they will be).
    bypass_head: DFF<Bit>,
    bypass_second: DFF<Bit>,
    bypass_third: DFF<Bit>,
    bypass_fourth: DFF<Bit>,
    /// `head` as it will be next clock (`vport_next`), formed a clock ahead from the
    /// registers' inputs and `pop_next`.
    upcoming: DFF<Bits<3>>,
    /// Next clock's write lands at the read pointer's place (bit 0), the one after
    /// (bit 1) or the one after that (bit 2), as they are before next clock's pop:
    /// the look-ahead's bypass conditions a clock ahead, so its choice reads
    /// flip-flops, not the staging valid and the fill level.
    landing: DFF<Bits<3>>,
    write_next: Signal<Local, Bits<4>>,
    staged_valid_next: Signal<Local, Bit>,
    fill_next: Signal<Local, Bits<RING>>,
    /// The fill level next clock without and with this clock's pop, from registers.
    fill_kept: Signal<Local, Bits<RING>>,
    fill_popped: Signal<Local, Bits<RING>>,
    /// The fill level next clock before its pop, with its write counted.
    landing_fill: Signal<Local, Bits<RING>>,
    /// Next clock's `head` after no pop, one pop (this clock's or next clock's: the
    /// same entry) and two, from registers: the pops come from the capture's
    /// registers across the die, so they choose last.
    upcoming_kept: Signal<Local, Bits<3>>,
    upcoming_one_pop: Signal<Local, Bits<3>>,
    upcoming_two_pops: Signal<Local, Bits<3>>,
    head_now: Signal<Local, Bits<3>>,
    second_now: Signal<Local, Bits<3>>,
    third_now: Signal<Local, Bits<3>>,
    fourth_now: Signal<Local, Bits<3>>,
    third_next: Signal<Local, Bits<3>>,
    head_next: Signal<Local, Bits<3>>,
    second_next: Signal<Local, Bits<3>>,
    bypass_head_next: Signal<Local, Bit>,
    bypass_fourth_next: Signal<Local, Bit>,
    fourth_next: Signal<Local, Bits<RING>>,
    bypass_second_next: Signal<Local, Bit>,
    nibble: Constant<Bits<{ 4 * RING }>>,
    /// The VPort bits a build can use (`vports` rounded up to a power of two, less
    /// one): a filter naming a VPort past the build is refused, so the bits above are
    /// always zero, and with one VPort the outputs are constant and synthesis drops
    /// the whole pipeline.
    vport_bits: Constant<Bits<3>>,
    entry: Signal<Local, Bits<FILTER_BITS>>,
    byte_hits_now: Signal<Local, Bits<{ 6 * FILTERS }>>,
    valid_now: Signal<Local, Bits<FILTERS>>,
    vports_now: Signal<Local, Bits<{ 3 * FILTERS }>>,
    hits_now: Signal<Local, Bits<FILTERS>>,
    pair_vport: Signal<Local, Bits<3>>,
    pair_hits: Signal<Local, Bits<PAIRS>>,
    pair_vports: Signal<Local, Bits<{ 3 * PAIRS }>>,
    found: Signal<Local, Bit>,
    chosen: Signal<Local, Bits<3>>,
}

impl VportMatch {
    /// A filter for a build of `vports` VPorts (1 to 8).
    pub fn new(vports: u8) -> Self {
        VportMatch {
            clock: Default::default(),
            reset: Default::default(),
            in_valid: Default::default(),
            in_first: Default::default(),
            in_mac: Default::default(),
            in_length: Default::default(),
            filters: Default::default(),
            vport: Default::default(),
            vport_next: Default::default(),
            pop: Default::default(),
            pop_next: Default::default(),
            byte_hits: Default::default(),
            entry_valid: Default::default(),
            hit_vports: Default::default(),
            hits_valid: Default::default(),
            hits: Default::default(),
            hits_vports: Default::default(),
            hits_ready: Default::default(),
            mac_complete: Default::default(),
            chosen_q: Default::default(),
            chosen_valid: Default::default(),
            staged: Default::default(),
            staged_valid: Default::default(),
            ring: Default::default(),
            write_ptr: Default::default(),
            fill_onehot: Default::default(),
            fourth_onehot: Default::default(),
            fourth_select: Default::default(),
            fourth_next: Default::default(),
            bypass_fourth_next: Default::default(),
            head: Default::default(),
            second: Default::default(),
            third: Default::default(),
            bypass_head: Default::default(),
            bypass_second: Default::default(),
            bypass_third: Default::default(),
            bypass_fourth: Default::default(),
            upcoming: Default::default(),
            landing: Default::default(),
            landing_fill: Default::default(),
            write_next: Default::default(),
            staged_valid_next: Default::default(),
            fill_next: Default::default(),
            fill_kept: Default::default(),
            fill_popped: Default::default(),
            upcoming_kept: Default::default(),
            upcoming_one_pop: Default::default(),
            upcoming_two_pops: Default::default(),
            head_now: Default::default(),
            second_now: Default::default(),
            third_now: Default::default(),
            fourth_now: Default::default(),
            third_next: Default::default(),
            head_next: Default::default(),
            second_next: Default::default(),
            bypass_head_next: Default::default(),
            bypass_second_next: Default::default(),
            nibble: Constant::new(0xf_u64.to_bits()),
            vport_bits: Constant::new((u64::from(vports).next_power_of_two() - 1).to_bits()),
            entry: Default::default(),
            byte_hits_now: Default::default(),
            valid_now: Default::default(),
            vports_now: Default::default(),
            hits_now: Default::default(),
            pair_vport: Default::default(),
            pair_hits: Default::default(),
            pair_vports: Default::default(),
            found: Default::default(),
            chosen: Default::default(),
        }
    }
}

impl Logic for VportMatch {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self,
            clock,
            byte_hits,
            entry_valid,
            hit_vports,
            hits_valid,
            hits,
            hits_vports,
            hits_ready,
            mac_complete,
            chosen_q,
            chosen_valid,
            staged,
            staged_valid,
            ring,
            write_ptr,
            fill_onehot,
            fourth_onehot,
            fourth_select,
            head,
            second,
            third,
            bypass_head,
            bypass_second,
            bypass_third,
            bypass_fourth,
            upcoming,
            landing
        );
        self.hits_valid.d.next = self.in_valid.val() & self.in_first.val();
        // Gathered in locals: a DFF's `d` reads back its old value in rust-hdl's own
        // simulator, unlike a local or the emitted Verilog.
        self.byte_hits_now.next = 0.into();
        self.valid_now.next = 0.into();
        self.vports_now.next = 0.into();
        for i in 0..FILTERS {
            self.entry.next = self.filters.val().get_bits::<FILTER_BITS>(52 * i);
            self.vports_now.next = self.vports_now.val()
                | (bit_cast::<{ 3 * FILTERS }, 3>(self.entry.val().get_bits::<3>(49))
                    << (3 * i).to_bits::<8>());
            self.valid_now.next = self
                .valid_now
                .val()
                .replace_bit(i, self.entry.val().get_bit(48));
            for c in 0..6 {
                if self.entry.val().get_bits::<8>(8 * c) == self.in_mac.val().get_bits::<8>(8 * c) {
                    self.byte_hits_now.next = self.byte_hits_now.val().replace_bit(6 * i + c, true);
                }
            }
        }
        // Loaded on a frame's first beat only: the next step reads them on the clock
        // after one (`hits_valid`). A register that holds otherwise costs the hardware
        // nothing (a flip-flop enable) and spares the cosim the 96 byte compares every
        // clock (a tenth of the 64-bit core's Verilated instructions).
        if self.in_valid.val() & self.in_first.val() {
            self.byte_hits.d.next = self.byte_hits_now.val();
            self.entry_valid.d.next = self.valid_now.val();
            self.mac_complete.d.next = self.in_length.val() >= 6_u64;
            self.hit_vports.d.next = self.vports_now.val();
        }

        self.hits_now.next = 0.into();
        for i in 0..FILTERS {
            if self.entry_valid.q.val().get_bit(i)
                & self.mac_complete.q.val()
                & self.byte_hits.q.val().get_bits::<6>(6 * i).all()
            {
                self.hits_now.next = self.hits_now.val().replace_bit(i, true);
            }
        }
        // Likewise the hits: taken when the compares hold a frame's first beat.
        self.pair_vport.next = 0.into();
        self.pair_hits.next = 0.into();
        self.pair_vports.next = 0.into();
        if self.hits_valid.q.val() {
            for p in 0..PAIRS {
                self.pair_vport.next = self.hit_vports.q.val().get_bits::<3>(6 * p + 3);
                if self.hits_now.val().get_bit(2 * p) {
                    self.pair_vport.next = self.hit_vports.q.val().get_bits::<3>(6 * p);
                }
                self.pair_hits.next = self
                    .pair_hits
                    .val()
                    .replace_bit(p, self.hits_now.val().get_bits::<2>(2 * p).any());
                self.pair_vports.next = self.pair_vports.val()
                    | (bit_cast::<{ 3 * PAIRS }, 3>(self.pair_vport.val())
                        << (3 * p).to_bits::<8>());
            }
            self.hits.d.next = self.pair_hits.val();
            self.hits_vports.d.next = self.pair_vports.val();
        }
        self.hits_ready.d.next = self.hits_valid.q.val() & !self.reset.val();

        self.found.next = false;
        self.chosen.next = 0.into();
        for i in 0..PAIRS {
            if self.hits.q.val().get_bit(i) & !self.found.val() {
                self.found.next = true;
                self.chosen.next = self.hits_vports.q.val().get_bits::<3>(3 * i);
            }
        }
        self.chosen_q.d.next = self.chosen.val();
        if self.staged_valid.q.val() {
            for r in 0..RING {
                if self.write_ptr.q.val() == r.to_bits() {
                    self.ring.d.next = (self.ring.q.val()
                        & !(self.nibble.val() << (4 * r).to_bits::<8>()))
                        | (bit_cast::<{ 4 * RING }, 3>(self.staged.q.val())
                            << (4 * r).to_bits::<8>());
                }
            }
        }
        self.write_next.next = self.write_ptr.q.val();
        if self.staged_valid.q.val() {
            self.write_next.next = self.write_ptr.q.val() + 1_u64;
        }

        if self.reset.val() {
            self.hits_valid.d.next = false;
            self.write_next.next = 0.into();
        }
        self.chosen_valid.d.next = self.hits_ready.q.val() & !self.reset.val();
        self.staged_valid_next.next = self.chosen_valid.q.val() & !self.reset.val();
        self.staged_valid.d.next = self.staged_valid_next.val();
        self.staged.d.next = self.chosen_q.q.val();
        self.write_ptr.d.next = self.write_next.val();
        // A write alone fills the ring by one, a pop alone drains it by one.
        self.fill_kept.next = self.fill_onehot.q.val();
        self.fill_popped.next =
            (self.fill_onehot.q.val() >> 1_u64) | (self.fill_onehot.q.val() << 15_u64);
        if self.staged_valid.q.val() {
            self.fill_kept.next =
                (self.fill_onehot.q.val() << 1_u64) | (self.fill_onehot.q.val() >> 15_u64);
            self.fill_popped.next = self.fill_onehot.q.val();
        }
        self.fill_next.next = self.fill_kept.val();
        if self.pop.val() {
            self.fill_next.next = self.fill_popped.val();
        }
        if self.reset.val() {
            self.fill_next.next = 1.into();
        }
        self.fill_onehot.d.next = self.fill_next.val();
        self.fourth_next.next = self.fourth_onehot.q.val();
        if self.pop.val() {
            self.fourth_next.next =
                (self.fourth_onehot.q.val() << 1_u64) | (self.fourth_onehot.q.val() >> 15_u64);
        }
        if self.reset.val() {
            self.fourth_next.next = 8.into();
        }
        self.fourth_onehot.d.next = self.fourth_next.val();
        // `head`, `second` and `third` hold the entries at the read pointer and the two
        // after it, as the ring holds them after the write being made this clock: the
        // write is bypassed in (the `bypass_*` flags say where it lands, from the
        // fill level a clock ahead), so a pop chooses between registered values and the
        // 16:1 ring choice is made a clock ahead, from registers only, for the entry
        // three past the read pointer.
        self.bypass_head_next.next = self.staged_valid_next.val() & self.fill_next.val().get_bit(0);
        self.bypass_second_next.next =
            self.staged_valid_next.val() & self.fill_next.val().get_bit(1);
        self.bypass_head.d.next = self.bypass_head_next.val();
        self.bypass_second.d.next = self.bypass_second_next.val();
        self.bypass_third.d.next = self.staged_valid_next.val() & self.fill_next.val().get_bit(2);
        self.bypass_fourth_next.next =
            self.staged_valid_next.val() & self.fill_next.val().get_bit(3);
        self.bypass_fourth.d.next = self.bypass_fourth_next.val();
        self.fourth_select.d.next = self.fourth_next.val();
        if self.bypass_fourth_next.val() {
            self.fourth_select.d.next = 0.into();
        }
        self.head_now.next = self.head.q.val();
        if self.bypass_head.q.val() {
            self.head_now.next = self.staged.q.val();
        }
        self.second_now.next = self.second.q.val();
        if self.bypass_second.q.val() {
            self.second_now.next = self.staged.q.val();
        }
        self.third_now.next = self.third.q.val();
        if self.bypass_third.q.val() {
            self.third_now.next = self.staged.q.val();
        }
        self.fourth_now.next = 0.into();
        for r in 0..RING {
            // One place matches: OR, not a priority chain.
            if self.fourth_select.q.val().get_bit(r) {
                self.fourth_now.next =
                    self.fourth_now.val() | self.ring.q.val().get_bits::<3>(4 * r);
            }
        }
        if self.bypass_fourth.q.val() {
            self.fourth_now.next = self.fourth_now.val() | self.staged.q.val();
        }
        self.head_next.next = self.head_now.val();
        self.second_next.next = self.second_now.val();
        self.third_next.next = self.third_now.val();
        if self.pop.val() {
            self.head_next.next = self.second_now.val();
            self.second_next.next = self.third_now.val();
            self.third_next.next = self.fourth_now.val();
        }
        self.head.d.next = self.head_next.val();
        self.second.d.next = self.second_next.val();
        self.third.d.next = self.third_next.val();
        // Next clock's `head_next`, from what `head`, `second`, the bypass flags and
        // `staged` will hold then and next clock's pop: the same choice a clock early,
        // made for no, one and two pops over the two clocks, which choose last. Where
        // next clock's write lands (`staged_valid_next` with the fill level) is
        // registered a clock ahead in `landing`, from the registers' inputs (a pop
        // moves the places down by one); reset still clears it, as it does
        // `staged_valid_next`.
        self.landing_fill.next = self.fill_next.val();
        if self.staged_valid.d.val() {
            self.landing_fill.next =
                (self.fill_next.val() << 1_u64) | (self.fill_next.val() >> 15_u64);
        }
        self.landing.d.next = 0.into();
        if self.chosen_valid.d.val() {
            self.landing.d.next = self.landing_fill.val().get_bits::<3>(0);
        }
        self.upcoming_kept.next = self.head_now.val();
        if self.landing.q.val().get_bit(0) & !self.reset.val() {
            self.upcoming_kept.next = self.chosen_q.q.val();
        }
        self.upcoming_one_pop.next = self.second_now.val();
        if self.landing.q.val().get_bit(1) & !self.reset.val() {
            self.upcoming_one_pop.next = self.chosen_q.q.val();
        }
        self.upcoming_two_pops.next = self.third_now.val();
        if self.landing.q.val().get_bit(2) & !self.reset.val() {
            self.upcoming_two_pops.next = self.chosen_q.q.val();
        }
        self.upcoming.d.next = self.upcoming_kept.val();
        if self.pop.val() ^ self.pop_next.val() {
            self.upcoming.d.next = self.upcoming_one_pop.val();
        }
        if self.pop.val() & self.pop_next.val() {
            self.upcoming.d.next = self.upcoming_two_pops.val();
        }
        self.vport_next.next = self.upcoming.q.val() & self.vport_bits.val();
        self.vport.next = self.head.q.val() & self.vport_bits.val();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Filter entries as the register block drives them: (MAC, valid, VPort) each.
    fn filters(entries: &[(u64, bool, u64)]) -> Bits<FILTERS_BITS> {
        let mut bundle = num_bigint::BigUint::from(0u32);
        for (i, &(mac, valid, vport)) in entries.iter().enumerate() {
            let entry = mac | u64::from(valid) << 48 | vport << 49;
            bundle |= num_bigint::BigUint::from(entry) << (FILTER_BITS * i);
        }
        bundle.into()
    }

    /// Runs `bench` on an eight-VPort block from the clock after a reset.
    fn after_reset(
        bench: impl Fn(Sim<VportMatch>, Box<VportMatch>) -> Result<(), SimError>
        + Send
        + std::panic::RefUnwindSafe
        + 'static,
    ) {
        after_reset_with(8, bench)
    }

    /// Runs `bench` on a block for `vports` VPorts from the clock after a reset.
    fn after_reset_with(
        vports: u8,
        bench: impl Fn(Sim<VportMatch>, Box<VportMatch>) -> Result<(), SimError>
        + Send
        + std::panic::RefUnwindSafe
        + 'static,
    ) {
        let mut uut = VportMatch::new(vports);
        uut.connect_all();
        let mut sim = Simulation::new();
        sim.add_clock(5, |x: &mut Box<VportMatch>| x.clock.next = !x.clock.val());
        sim.add_testbench(move |mut ep: Sim<VportMatch>| {
            let mut x = ep.init()?;
            x.reset.next = true;
            wait_clock_cycle!(ep, clock, x);
            x.reset.next = false;
            bench(ep, x)
        });
        sim.run(Box::new(uut), 100_000).unwrap();
    }

    /// Lowest valid entry wins, unmatched and short frames go to VPort 0, and a filter
    /// rewritten while a frame is between the two steps gives that frame the VPort of
    /// the entry it matched, not the entry's new VPort.
    #[test]
    fn vport_match_picks_the_lowest_entry_as_it_was_at_the_mac() {
        const A: u64 = 0x0200_5e10_0001;
        const B: u64 = 0x0200_5e10_0002;
        after_reset(move |mut ep: Sim<VportMatch>, mut x| {
            let before = filters(&[(A, true, 1), (A, true, 2), (B, true, 3)]);
            let after = filters(&[(A, false, 3), (A, true, 2), (B, true, 3)]);
            // (filters, MAC, frame length so far) of each first beat.
            for (table, mac, length) in [
                (before, A, 64u64),
                (after, B, 64),
                (after, A, 60),
                (after, B, 5),
                (after, 0x0200_5e10_0003, 60),
            ] {
                x.filters.next = table;
                x.in_valid.next = true;
                x.in_first.next = true;
                x.in_mac.next = mac.into();
                x.in_length.next = length.into();
                wait_clock_cycle!(ep, clock, x);
            }
            x.in_valid.next = false;
            wait_clock_cycle!(ep, clock, x);
            // Five pops in a row: each announced a clock ahead.
            x.pop_next.next = true;
            wait_clock_cycle!(ep, clock, x);
            let expected = [1u64, 3, 2, 0, 0];
            for (i, &vport) in expected.iter().enumerate() {
                sim_assert!(ep, x.vport.val() == vport, x);
                if let Some(&following) = expected.get(i + 1) {
                    sim_assert!(ep, x.vport_next.val() == following, x);
                }
                x.pop.next = true;
                x.pop_next.next = i + 1 < expected.len();
                wait_clock_cycle!(ep, clock, x);
                x.pop.next = false;
            }
            ep.done(x)
        });
    }

    /// Frames arrive and leave at random clocks, a pop as soon as the oldest frame's
    /// VPort can be in the ring (five clocks after its first beat) or later, so the
    /// ring's writes meet the read pointer and the two entries after it: every pop
    /// sees the VPorts in frame order, and every clock's `vport_next` is the next
    /// clock's `vport`. Each pop is decided a clock ahead, as the record side does.
    #[test]
    fn vport_match_keeps_frame_order_under_any_spacing() {
        const MACS: [u64; 3] = [0x0200_5e10_0001, 0x0200_5e10_0002, 0x0200_5e10_0003];
        let mut state = 0x2f6b_19a3_u32;
        let mut next = move |n: u32| {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            state % n
        };
        // Per clock: a frame's first beat (which MAC, 3 = unmatched) and a wish to pop.
        let plan: Vec<(Option<u32>, bool)> = (0..3000)
            .map(|_| ((next(3) != 0).then(|| next(4)), next(4) != 0))
            .collect();
        after_reset(move |mut ep: Sim<VportMatch>, mut x| {
            x.filters.next = filters(&[(MACS[0], true, 5), (MACS[1], true, 2), (MACS[2], true, 7)]);
            let expected_vport = [5u64, 2, 7, 0];
            // (clock of its first beat, VPort) of each frame not yet popped.
            let mut waiting = std::collections::VecDeque::new();
            let mut pops = 0;
            let mut pop = false;
            let mut vport_next_before: Option<u64> = None;
            for (clock, &(arrival, wish)) in plan.iter().enumerate() {
                if let Some(promised) = vport_next_before {
                    sim_assert_eq!(ep, x.vport.val(), promised, x);
                }
                vport_next_before = Some(x.vport_next.val().index() as u64);
                if pop {
                    let (_, vport) = waiting.pop_front().unwrap();
                    sim_assert_eq!(ep, x.vport.val(), vport, x);
                    pops += 1;
                }
                x.pop.next = pop;
                x.in_valid.next = arrival.is_some() && waiting.len() < 12;
                x.in_first.next = true;
                x.in_length.next = 64_u64.into();
                if let Some(m) = arrival.filter(|_| waiting.len() < 12) {
                    x.in_mac.next = MACS
                        .get(m as usize)
                        .copied()
                        .unwrap_or(0x0200_5e10_0009)
                        .into();
                    waiting.push_back((clock, expected_vport[m as usize]));
                }
                // Next clock's pop, decided now.
                let due = waiting.front().is_some_and(|&(at, _)| clock + 1 >= at + 5)
                    && waiting.len() < 12;
                pop = due && (wish || waiting.len() >= 10);
                x.pop_next.next = pop;
                wait_clock_cycle!(ep, clock, x);
            }
            sim_assert!(ep, pops > 1500, x);
            ep.done(x)
        });
    }

    /// A filter entry naming VPort 5 (which the register block refuses in builds of
    /// fewer VPorts) reaches the outputs only in the build's VPort bits: 1 and 2
    /// VPorts keep none and one bit, 3 and 4 keep two, 5 to 8 keep all three.
    #[test]
    fn vport_match_keeps_the_builds_vport_bits() {
        const A: u64 = 0x0200_5e10_0001;
        for (vports, expected) in [(1u8, 0u64), (2, 1), (3, 1), (4, 1), (5, 5), (8, 5)] {
            after_reset_with(vports, move |mut ep: Sim<VportMatch>, mut x| {
                x.filters.next = filters(&[(A, true, 5)]);
                x.in_valid.next = true;
                x.in_first.next = true;
                x.in_mac.next = A.into();
                x.in_length.next = 64_u64.into();
                wait_clock_cycle!(ep, clock, x);
                x.in_valid.next = false;
                for _ in 0..6 {
                    wait_clock_cycle!(ep, clock, x);
                }
                sim_assert_eq!(ep, x.vport.val(), expected, x);
                x.pop_next.next = true;
                wait_clock_cycle!(ep, clock, x);
                x.pop.next = true;
                x.pop_next.next = false;
                sim_assert_eq!(ep, x.vport.val(), expected, x);
                wait_clock_cycle!(ep, clock, x);
                ep.done(x)
            });
        }
    }

    #[test]
    fn vport_match_is_synthesizable() {
        let mut uut = VportMatch::new(8);
        uut.connect_all();
        crate::lint::assert_lints_clean(&generate_verilog(&uut), "vport_match");
    }
}
