//! AXI4-Stream ingress: registers each beat (byte 0 moved to the top bits), numbers the
//! beats of a frame and keeps its running length, and decides when a new frame may
//! start.
//!
//! `s_axis_tready` depends on registers only. Inside a frame it is always high, so a
//! frame, once started, is never stalled. Between frames it is low while the record
//! path has no room left for another frame (`room_same` / `room_started`, registered
//! here with the frame state into `open`).
//! A frame's last beat is also held back until `min_beats` clocks have passed since
//! the previous frame's last beat, so frames reach the hash unit at most one per
//! `min_beats` clocks: the hash unit's pace. Only runts (frames below the Ethernet
//! minimum of 60 bytes at 64 bits) ever wait for it.
//!
//! In tap mode (`tap` high) `s_axis_tready` is always high; whatever cannot be kept up
//! with is dropped and counted further down.
//!
//! `tkeep` follows the verilog-ethernet convention (contiguous from lane 0, all ones
//! except on the last beat); the last beat's byte count is the position of its highest
//! set keep bit.

use rust_hdl::prelude::*;

use crate::byte_swap::ByteSwap;

/// Beat numbers saturate here (the parser only looks at the first 128 bytes).
pub const BEAT_INDEX_BITS: usize = 6;
/// Frame length field width (bytes); saturates at 65 535.
pub const LENGTH_BITS: usize = 16;

#[derive(LogicBlock)]
pub struct FrameIngress<const DATA_BITS: usize, const KEEP_BITS: usize> {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// Synchronous reset: the frame in progress is abandoned; the next beat starts a
    /// new frame.
    pub reset: Signal<In, Bit>,
    /// Frame data, byte 0 of the beat in bits 7:0.
    pub s_axis_tdata: Signal<In, Bits<DATA_BITS>>,
    /// Byte enables (contiguous from lane 0).
    pub s_axis_tkeep: Signal<In, Bits<KEEP_BITS>>,
    /// Beat valid.
    pub s_axis_tvalid: Signal<In, Bit>,
    /// Beat accepted (registered conditions only).
    pub s_axis_tready: Signal<Out, Bit>,
    /// Last beat of the frame.
    pub s_axis_tlast: Signal<In, Bit>,
    /// The record path can take one more frame next clock if no frame starts this
    /// clock (from registers).
    pub room_same: Signal<In, Bit>,
    /// The record path can take one more frame next clock if one starts this clock
    /// (from registers).
    pub room_started: Signal<In, Bit>,
    /// Tap mode: never deassert `s_axis_tready`.
    pub tap: Signal<In, Bit>,
    /// Fewest clocks between two frames' last beats (hash unit steps per frame).
    pub min_beats: Signal<In, Bits<BEAT_INDEX_BITS>>,
    /// A frame's first beat was accepted this clock.
    pub frame_started: Signal<Out, Bit>,
    /// Registered beat valid.
    pub beat_valid: Signal<Out, Bit>,
    /// Registered beat, byte 0 in the top bits.
    pub beat_data: Signal<Out, Bits<DATA_BITS>>,
    /// The beat is its frame's first.
    pub beat_first: Signal<Out, Bit>,
    /// The beat is its frame's last.
    pub beat_last: Signal<Out, Bit>,
    /// Frame bytes up to and including this beat (the frame length on the last beat).
    pub beat_length: Signal<Out, Bits<LENGTH_BITS>>,
    swap: ByteSwap<DATA_BITS>,
    in_frame: DFF<Bit>,
    /// Between frames with room for one more: `!in_frame` and the room in one register,
    /// so a frame's start is one LUT of `tvalid`, `tlast` and registers and the
    /// credit counters behind it have the clock to themselves.
    open: DFF<Bit>,
    /// `in_frame | open`: a beat may be taken (but a last beat offered too soon). One
    /// register, so the accept is a LUT of four inputs, not five.
    accepting: DFF<Bit>,
    /// `accepting & !too_soon`: a last beat may be taken. Read by `s_axis_tready` alone,
    /// so the port's LUT is not a term the accept can be built from (the accept stays
    /// one LUT from registers, not one behind the port's).
    last_ok: DFF<Bit>,
    since_end: DFF<Bits<BEAT_INDEX_BITS>>,
    /// `since_end` has saturated (all ones), registered beside it so the count's step
    /// is not behind a six-input AND.
    since_saturated: DFF<Bit>,
    /// `since_end < min_beats`, a clock ahead: a last beat offered now must wait.
    /// Registered so the pacing compare does not sit in front of `s_axis_tready` and
    /// the beat register's enable.
    too_soon: DFF<Bit>,
    beats: DFF<Bits<BEAT_INDEX_BITS>>,
    length: DFF<Bits<LENGTH_BITS>>,
    valid_q: DFF<Bit>,
    data_q: DFF<Bits<DATA_BITS>>,
    first_q: DFF<Bit>,
    last_q: DFF<Bit>,
    /// `count_masks[n]` has keep bit i set when bit n of i + 1 is set.
    count_mask0: Constant<Bits<KEEP_BITS>>,
    count_mask1: Constant<Bits<KEEP_BITS>>,
    count_mask2: Constant<Bits<KEEP_BITS>>,
    count_mask3: Constant<Bits<KEEP_BITS>>,
    count_mask4: Constant<Bits<KEEP_BITS>>,
    count_mask5: Constant<Bits<KEEP_BITS>>,
    count_mask6: Constant<Bits<KEEP_BITS>>,
    beat_bytes: Constant<Bits<LENGTH_BITS>>,
    ready: Signal<Local, Bit>,
    fire: Signal<Local, Bit>,
    /// A runt's last beat offered too soon: it waits.
    held_back: Signal<Local, Bit>,
    next_in_frame: Signal<Local, Bit>,
    next_open: Signal<Local, Bit>,
    next_too_soon: Signal<Local, Bit>,
    next_accepting: Signal<Local, Bit>,
    next_last_ok: Signal<Local, Bit>,
    /// No beat taken: a beat may be taken next clock (inside a frame, or room for one).
    idle_accepting: Signal<Local, Bit>,
    /// No last beat taken: a last beat offered next clock must wait.
    idle_too_soon: Signal<Local, Bit>,
    /// A last beat taken: a new frame may start next clock.
    last_open: Signal<Local, Bit>,
    highest_keep: Signal<Local, Bits<KEEP_BITS>>,
    last_bytes: Signal<Local, Bits<LENGTH_BITS>>,
    sum: Signal<Local, Bits<17>>,
    beat_number: Signal<Local, Bits<BEAT_INDEX_BITS>>,
    next_since_end: Signal<Local, Bits<BEAT_INDEX_BITS>>,
    /// `since_end` one clock on, saturating (no frame ending).
    counted_since_end: Signal<Local, Bits<BEAT_INDEX_BITS>>,
    /// `since_end + 1`, one bit wider, for the pacing compare.
    since_end_plus: Signal<Local, Bits<7>>,
    /// A frame's last beat is accepted this clock.
    fire_last: Signal<Local, Bit>,
    /// A beat before the frame's last is accepted this clock. With `fire_last`, the
    /// frame state's own accept, from the registers directly: `fire` enables the beat
    /// registers (dozens of flip-flops), and a LUT with that fan-out is placed among
    /// them, away from the frame state.
    fire_mid: Signal<Local, Bit>,
}

impl<const DATA_BITS: usize, const KEEP_BITS: usize> Default
    for FrameIngress<DATA_BITS, KEEP_BITS>
{
    fn default() -> Self {
        assert_eq!(DATA_BITS, 8 * KEEP_BITS, "one keep bit per byte");
        assert!(KEEP_BITS >= 8 && KEEP_BITS <= 64 && KEEP_BITS.is_power_of_two());
        let mask = |n: usize| {
            let mut m = Bits::<KEEP_BITS>::default();
            for i in 0..KEEP_BITS {
                m = m.replace_bit(i, (i + 1) >> n & 1 == 1);
            }
            Constant::new(m)
        };
        FrameIngress {
            clock: Default::default(),
            reset: Default::default(),
            s_axis_tdata: Default::default(),
            s_axis_tkeep: Default::default(),
            s_axis_tvalid: Default::default(),
            s_axis_tready: Default::default(),
            s_axis_tlast: Default::default(),
            room_same: Default::default(),
            room_started: Default::default(),
            tap: Default::default(),
            min_beats: Default::default(),
            frame_started: Default::default(),
            beat_valid: Default::default(),
            beat_data: Default::default(),
            beat_first: Default::default(),
            beat_last: Default::default(),
            beat_length: Default::default(),
            swap: Default::default(),
            in_frame: Default::default(),
            open: Default::default(),
            accepting: Default::default(),
            last_ok: Default::default(),
            since_end: Default::default(),
            since_saturated: Default::default(),
            too_soon: Default::default(),
            beats: Default::default(),
            length: Default::default(),
            valid_q: Default::default(),
            data_q: Default::default(),
            first_q: Default::default(),
            last_q: Default::default(),
            count_mask0: mask(0),
            count_mask1: mask(1),
            count_mask2: mask(2),
            count_mask3: mask(3),
            count_mask4: mask(4),
            count_mask5: mask(5),
            count_mask6: mask(6),
            beat_bytes: Constant::new((KEEP_BITS as u64).to_bits()),
            ready: Default::default(),
            fire: Default::default(),
            held_back: Default::default(),
            next_in_frame: Default::default(),
            next_open: Default::default(),
            next_too_soon: Default::default(),
            next_accepting: Default::default(),
            next_last_ok: Default::default(),
            idle_accepting: Default::default(),
            idle_too_soon: Default::default(),
            last_open: Default::default(),
            highest_keep: Default::default(),
            last_bytes: Default::default(),
            sum: Default::default(),
            beat_number: Default::default(),
            next_since_end: Default::default(),
            counted_since_end: Default::default(),
            since_end_plus: Default::default(),
            fire_last: Default::default(),
            fire_mid: Default::default(),
        }
    }
}

impl<const DATA_BITS: usize, const KEEP_BITS: usize> Logic for FrameIngress<DATA_BITS, KEEP_BITS> {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self,
            clock,
            in_frame,
            open,
            accepting,
            last_ok,
            since_end,
            since_saturated,
            too_soon,
            beats,
            length,
            valid_q,
            data_q,
            first_q,
            last_q
        );
        self.swap.lanes.next = self.s_axis_tdata.val();
        self.held_back.next = self.s_axis_tlast.val() & self.too_soon.q.val();
        self.ready.next = self.tap.val() | (self.accepting.q.val() & !self.held_back.val());
        self.s_axis_tready.next = self.tap.val() | self.accepting.q.val();
        if self.s_axis_tlast.val() {
            self.s_axis_tready.next = self.tap.val() | self.last_ok.q.val();
        }
        self.fire.next = self.ready.val() & self.s_axis_tvalid.val();
        // `fire & !in_frame`, written from `open` (never high inside a frame) so that it
        // is not built behind `s_axis_tready`'s LUT.
        self.frame_started.next = self.s_axis_tvalid.val()
            & ((self.open.q.val() & !self.held_back.val())
                | (self.tap.val() & !self.in_frame.q.val()));

        // Bytes in the beat: all lanes, or on the last beat the highest kept lane + 1.
        self.highest_keep.next = self.s_axis_tkeep.val() & !(self.s_axis_tkeep.val() >> 1_u64);
        self.last_bytes.next = 0.into();
        self.last_bytes.next = self
            .last_bytes
            .val()
            .replace_bit(0, (self.highest_keep.val() & self.count_mask0.val()).any());
        self.last_bytes.next = self
            .last_bytes
            .val()
            .replace_bit(1, (self.highest_keep.val() & self.count_mask1.val()).any());
        self.last_bytes.next = self
            .last_bytes
            .val()
            .replace_bit(2, (self.highest_keep.val() & self.count_mask2.val()).any());
        self.last_bytes.next = self
            .last_bytes
            .val()
            .replace_bit(3, (self.highest_keep.val() & self.count_mask3.val()).any());
        self.last_bytes.next = self
            .last_bytes
            .val()
            .replace_bit(4, (self.highest_keep.val() & self.count_mask4.val()).any());
        self.last_bytes.next = self
            .last_bytes
            .val()
            .replace_bit(5, (self.highest_keep.val() & self.count_mask5.val()).any());
        self.last_bytes.next = self
            .last_bytes
            .val()
            .replace_bit(6, (self.highest_keep.val() & self.count_mask6.val()).any());
        if !self.s_axis_tlast.val() {
            self.last_bytes.next = self.beat_bytes.val();
        }
        self.beat_number.next = self.beats.q.val();
        self.sum.next = bit_cast::<17, LENGTH_BITS>(self.length.q.val())
            + bit_cast::<17, LENGTH_BITS>(self.last_bytes.val());
        if !self.in_frame.q.val() {
            self.beat_number.next = 0.into();
            self.sum.next = bit_cast::<17, LENGTH_BITS>(self.last_bytes.val());
        }
        if self.sum.val().get_bit(16) {
            self.sum.next = 0xffff_u64.into();
        }

        self.valid_q.d.next = self.fire.val();
        // The frame state after each of the three things a clock can bring (no beat
        // taken, a beat before the last, the last beat), each from registers and the
        // room alone; the beat's handshake (`fire_mid`, `fire_last`) picks one last. So
        // `accepting` and `last_ok`, which the handshake itself reads, are one pick
        // behind their own value, not behind the frame state's next value.
        // A saturated count (63) is never below `min_beats`; otherwise it steps to
        // `since_end + 1`.
        self.since_end_plus.next = bit_cast::<7, BEAT_INDEX_BITS>(self.since_end.q.val()) + 1_u64;
        self.idle_too_soon.next = !self.since_saturated.q.val()
            & (self.since_end_plus.val() < bit_cast::<7, BEAT_INDEX_BITS>(self.min_beats.val()));
        self.idle_accepting.next = self.in_frame.q.val() | self.room_same.val();
        self.last_open.next = self.room_started.val();
        if self.in_frame.q.val() {
            self.last_open.next = self.room_same.val();
        }
        self.next_in_frame.next = self.in_frame.q.val();
        self.next_open.next = !self.in_frame.q.val() & self.room_same.val();
        self.next_too_soon.next = self.idle_too_soon.val();
        self.next_accepting.next = self.idle_accepting.val();
        self.next_last_ok.next = self.idle_accepting.val() & !self.idle_too_soon.val();
        // `fire & tlast`, from the registers directly (not behind `s_axis_tready`).
        self.fire_last.next = self.s_axis_tvalid.val()
            & self.s_axis_tlast.val()
            & (self.tap.val() | (self.accepting.q.val() & !self.too_soon.q.val()));
        self.fire_mid.next = self.s_axis_tvalid.val()
            & !self.s_axis_tlast.val()
            & (self.tap.val() | self.accepting.q.val());
        if self.fire_mid.val() {
            self.next_in_frame.next = true;
            self.next_open.next = false;
            self.next_accepting.next = true;
            self.next_last_ok.next = !self.idle_too_soon.val();
        }
        if self.fire_last.val() {
            self.next_in_frame.next = false;
            self.next_open.next = self.last_open.val();
            self.next_too_soon.next = self.min_beats.val() > 1_u64;
            self.next_accepting.next = self.last_open.val();
            self.next_last_ok.next = self.last_open.val() & (self.min_beats.val() <= 1_u64);
        }
        self.counted_since_end.next = self.since_end.q.val();
        if !self.since_saturated.q.val() {
            self.counted_since_end.next = self.since_end.q.val() + 1_u64;
        }
        self.next_since_end.next = self.counted_since_end.val();
        self.since_saturated.d.next = !self.fire_last.val()
            & (self.since_saturated.q.val() | (self.since_end.q.val() == 0x3e_u64));
        if self.fire.val() {
            self.data_q.d.next = self.swap.swapped.val();
            self.first_q.d.next = !self.in_frame.q.val();
            self.last_q.d.next = self.s_axis_tlast.val();
            self.length.d.next = self.sum.val().get_bits::<LENGTH_BITS>(0);
            if !self.beat_number.val().all() {
                self.beats.d.next = self.beat_number.val() + 1_u64;
            }
            if self.s_axis_tlast.val() {
                self.beats.d.next = 0.into();
                self.next_since_end.next = 1.into();
            }
        }
        if self.reset.val() {
            self.valid_q.d.next = false;
            self.next_in_frame.next = false;
            self.next_open.next = false;
            self.next_too_soon.next = false;
            self.next_accepting.next = false;
            self.next_last_ok.next = false;
            self.next_since_end.next = 0x3f.into();
            self.since_saturated.d.next = true;
            self.beats.d.next = 0.into();
        }
        self.since_end.d.next = self.next_since_end.val();
        self.in_frame.d.next = self.next_in_frame.val();
        self.open.d.next = self.next_open.val();
        self.accepting.d.next = self.next_accepting.val();
        self.too_soon.d.next = self.next_too_soon.val();
        self.last_ok.d.next = self.next_last_ok.val();
        self.beat_valid.next = self.valid_q.q.val();
        self.beat_data.next = self.data_q.q.val();
        self.beat_first.next = self.first_q.q.val();
        self.beat_last.next = self.last_q.q.val();
        self.beat_length.next = self.length.q.val();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frame_ingress_is_synthesizable() {
        let mut uut = FrameIngress::<64, 8>::default();
        uut.connect_all();
        crate::lint::assert_lints_clean(&generate_verilog(&uut), "frame_ingress");
    }

    /// The accept rules against their statement in the module doc, with an AXI4-Stream
    /// source (a beat, once offered, stays until taken), frames of 1 to 6 beats and
    /// random room: `s_axis_tready` is exactly "inside a frame, or between frames with
    /// room granted the clock before (`room_started` if a frame started then, else
    /// `room_same`), and for a last beat also `min_beats` clocks since the last beat
    /// before it"; so a frame is never stalled but for a runt's last beat, and never
    /// held back longer than that. Every beat taken comes out a clock later, byte 0 on
    /// top, with its first / last flags and the frame's running length. Tap mode never
    /// deasserts `s_axis_tready`.
    #[test]
    fn frame_ingress_accepts_by_its_rules() {
        check_accept_rules(false);
        check_accept_rules(true);
    }

    fn check_accept_rules(tap: bool) {
        use rand::rngs::StdRng;
        use rand::{Rng, SeedableRng};

        const MIN_BEATS: u64 = 3;
        type Uut = FrameIngress<64, 8>;
        let mut uut = Uut::default();
        uut.connect_all();
        let mut sim = Simulation::new();
        sim.add_clock(5, |x: &mut Box<Uut>| x.clock.next = !x.clock.val());
        sim.add_testbench(move |mut ep: Sim<Uut>| {
            let mut rng = StdRng::seed_from_u64(0x1a9e55 + u64::from(tap));
            let mut x = ep.init()?;
            x.tap.next = tap;
            x.min_beats.next = MIN_BEATS.to_bits();
            x.reset.next = true;
            wait_clock_cycle!(ep, clock, x);
            x.reset.next = false;
            // The reference state: inside a frame, the room granted for next clock,
            // clocks since the last last beat (saturating), the frame's bytes so far.
            let (mut in_frame, mut room_granted, mut since_last) = (false, false, 64u64);
            let mut frame_bytes = 0u64;
            // The beat offered: (data, keep, last); beats left in the frame.
            let mut offered: Option<(u64, u64, bool)> = None;
            let mut beats_left = 0u32;
            let mut expected_out: Option<(u64, bool, bool, u64)> = None;
            let (mut frames, mut held_last, mut refused_start) = (0, 0, 0);
            for _ in 0..20_000 {
                if offered.is_none() && rng.random_range(0..100) < 70 {
                    if beats_left == 0 {
                        beats_left = rng.random_range(1..=6);
                    }
                    beats_left -= 1;
                    let last = beats_left == 0;
                    let keep = if last {
                        (1u64 << rng.random_range(1..=8)) - 1
                    } else {
                        0xff
                    };
                    offered = Some((rng.random::<u64>(), keep, last));
                }
                let room_same = rng.random_range(0..100) < 60;
                let room_started = rng.random_range(0..100) < 40;
                let (data, keep, last) = offered.unwrap_or((0, 0, false));
                x.s_axis_tvalid.next = offered.is_some();
                x.s_axis_tdata.next = data.to_bits();
                x.s_axis_tkeep.next = keep.to_bits();
                x.s_axis_tlast.next = last;
                x.room_same.next = room_same;
                x.room_started.next = room_started;
                x = ep.wait(1, x)?;
                // Last clock's beat, registered.
                sim_assert_eq!(ep, x.beat_valid.val(), expected_out.is_some(), x);
                if let Some((data, first, last, length)) = expected_out {
                    sim_assert_eq!(ep, x.beat_data.val(), data.swap_bytes(), x);
                    sim_assert_eq!(ep, x.beat_first.val(), first, x);
                    sim_assert_eq!(ep, x.beat_last.val(), last, x);
                    sim_assert_eq!(ep, x.beat_length.val(), length, x);
                }
                let paced = !last || since_last >= MIN_BEATS;
                let ready = tap || ((in_frame || room_granted) && paced);
                if offered.is_some() {
                    sim_assert_eq!(ep, x.s_axis_tready.val(), ready, x);
                    held_last += u64::from(in_frame && !paced);
                    refused_start += u64::from(!in_frame && !room_granted);
                }
                let fire = offered.is_some() && ready;
                sim_assert_eq!(ep, x.frame_started.val(), fire && !in_frame, x);
                let started = fire && !in_frame;
                expected_out = None;
                since_last = (since_last + 1).min(64);
                if fire {
                    let bytes = u64::from(keep.count_ones());
                    frame_bytes = if in_frame { frame_bytes + bytes } else { bytes };
                    expected_out = Some((data, !in_frame, last, frame_bytes));
                    in_frame = !last;
                    if last {
                        since_last = 1;
                        frames += 1;
                    }
                    offered = None;
                }
                room_granted = if started { room_started } else { room_same };
                wait_clock_cycle!(ep, clock, x);
            }
            sim_assert!(ep, frames > 1000, x);
            if !tap {
                sim_assert!(ep, held_last > 100 && refused_start > 100, x);
            }
            ep.done(x)
        });
        sim.run(Box::new(uut), 500_000).unwrap();
    }
}
