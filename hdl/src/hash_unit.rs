//! Toeplitz hash unit: one tuple every `STEPS` clocks, `CHUNK = 288 / STEPS` input bits
//! per clock. At 512 bits (`STEPS = 1`) it is a three-stage pipeline taking a tuple
//! every clock; at 64 bits it spends the 8 clocks a minimum frame takes anyway on 36
//! bits each, an eighth of the logic.
//!
//! Toeplitz is linear: hash bit `k` is the parity of `input & key[k..]`, so the chunks
//! can be hashed one after the other and XORed. The tuple is copied into a shift
//! register when a job starts. Each step's key window is read from the key store a clock
//! ahead (`key_read_*`), from the bank the job's tag names; `key_hold` tells the register
//! file a job is between two of those reads, so a commit does not start overwriting a
//! bank a job may still read: every tuple is hashed with exactly one key.
//! The key window and the chunk it meets are registered twice (a block RAM answers
//! late in the clock: an ECP5 DP16KD without its output register takes 5.8 ns, most of
//! a 156.25 MHz clock; the synthesis flow moves the first key register into the RAM's
//! output register, which sits in the RAM row, so a second one in the fabric lets the
//! parity trees start next to their inputs), then the partial parities per 9-bit
//! quarter slice (two levels: a LUT4 ANDs and XORs two input/key pairs, a LUT5 XORs
//! five of those; stop 49: 18-bit halves took three levels plus routing, the 64-bit
//! core's slowest paths at every seed), which the next stage XORs into the hash.
//!
//! When a chunk is whole groups of three 32-bit blocks (`STEPS = 1`, 288 bits), each
//! block's 32×32 product is taken the Karatsuba way, with three 16×16 products instead
//! of four. Hash bit `m` is `⊕ chunk[i] & key[i + m]` (bits counted from the bottom),
//! a Hankel matrix: for a block with halves `u0`, `u1` and output halves `y0`, `y1`,
//! the key windows are `W0`, `W1`, `W2` (offsets 0, 16, 32 into the block's window) and
//! `y0 = W0·u0 ⊕ W1·u1`, `y1 = W1·u0 ⊕ W2·u1`. With `P = W1·(u0 ⊕ u1)`:
//! `y0 = P ⊕ (W0 ⊕ W1)·u0` and `y1 = P ⊕ (W2 ⊕ W1)·u1`, where `W0 ⊕ W1` and `W2 ⊕ W1`
//! are windows of one sequence, `d[j] = key[j] ⊕ key[j + 16]`. That is 3/4 of the AND
//! terms for 303 key XORs and 144 input XORs, shared by all 32 output bits: at 512
//! bits about 1 000 LUT4 fewer (`docs/` and the issue note have the measurement). The
//! partial register holds, per group, the three products summed over the group's
//! first two blocks (32 AND terms a bit: a three-level LUT4 tree) and, apart, over its
//! third (16 terms); the accumulator adds the two (stop 48: one sum of 48 terms took
//! five levels, the 512-bit core's slowest hash paths).

use rust_hdl::prelude::*;

use crate::toeplitz_pipe::TUPLE_BITS;

/// Bits of side-band data carried with a job.
pub const TAG_BITS: usize = 64;
const SLICE_BITS: usize = 36;
/// Input bits of one partial parity: 9 AND terms, a LUT4 level and a LUT5.
const PART_BITS: usize = 9;
const PARTS_PER_SLICE: usize = SLICE_BITS / PART_BITS;

/// Groups of three 32-bit blocks a chunk is hashed in the Karatsuba way (0: by slices).
const fn karatsuba_groups(chunk: usize) -> usize {
    if chunk.is_multiple_of(96) {
        chunk / 96
    } else {
        0
    }
}

/// 36-bit slices a chunk is hashed in (0 when it is hashed in Karatsuba groups).
const fn plain_slices(chunk: usize) -> usize {
    if karatsuba_groups(chunk) > 0 {
        0
    } else {
        chunk / SLICE_BITS
    }
}

/// 9-bit parts of slices (each 32 partial parities).
const fn plain_parts(chunk: usize) -> usize {
    PARTS_PER_SLICE * plain_slices(chunk)
}

/// Width of the partial register for a chunk of `chunk` bits: 128 per slice (each hash
/// bit's parity over each of the slice's four 9-bit parts), or 96 per Karatsuba group (the
/// three 16-bit products, each in two parts: over the group's first two blocks and
/// over its third).
pub const fn partial_bits(chunk: usize) -> usize {
    32 * plain_parts(chunk) + 96 * karatsuba_groups(chunk)
}

#[derive(LogicBlock)]
pub struct HashUnit<
    const STEPS: usize,
    const CHUNK: usize,
    const KEY_WINDOW: usize,
    const PARTIAL_BITS: usize,
> {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// Synchronous reset: jobs in flight are dropped.
    pub reset: Signal<In, Bit>,
    /// A job is offered.
    pub in_valid: Signal<In, Bit>,
    /// A job offered now is taken (idle, or in the last step of the current one).
    pub in_ready: Signal<Out, Bit>,
    /// Hash input, byte 0 in the top bits.
    pub in_tuple: Signal<In, Bits<TUPLE_BITS>>,
    /// Side band returned with the hash.
    pub in_tag: Signal<In, Bits<TAG_BITS>>,
    /// The key window of this step, read the clock before as `key_read_*` asked: key
    /// bits `CHUNK * step` .. `CHUNK * step + CHUNK + 30`, the first in the top bit.
    pub key_window: Signal<In, Bits<KEY_WINDOW>>,
    /// Side band of the job whose window is wanted next clock (it names the key).
    pub key_read_tag: Signal<Out, Bits<TAG_BITS>>,
    /// Step whose window is wanted next clock.
    pub key_read_step: Signal<Out, Bits<4>>,
    /// A job is under way and will read the key again: keep its bank as it is.
    pub key_hold: Signal<Out, Bit>,
    /// A hash is ready (one clock).
    pub out_valid: Signal<Out, Bit>,
    /// The hash (a register, loaded only with a hash: it holds until the next one).
    pub out_hash: Signal<Out, Bits<32>>,
    /// Its job's side band. From four steps on (`last_tag`) it holds from the clock
    /// after the job's last step until the clock after the next job's, so for `STEPS - 4`
    /// clocks after `out_valid`.
    pub out_tag: Signal<Out, Bits<TAG_BITS>>,
    busy: DFF<Bit>,
    step: DFF<Bits<4>>,
    hold: DFF<Bit>,
    /// `hold` again, for the tuple register's 288 multiplexers alone (shift, or load
    /// the offered tuple), so the job offer and the commit logic behind `hold` keep a
    /// lightly loaded net. It has no reset, which keeps yosys from merging the two: it
    /// can be stale only in the clock after a reset, when no job can be offered (the
    /// job register before this unit is reset too).
    shift: DFF<Bit>,
    step_after: DFF<Bits<4>>,
    w_valid: DFF<Bit>,
    w_first: DFF<Bit>,
    w_last: DFF<Bit>,
    w_tag: DFF<Bits<TAG_BITS>>,
    w_chunk: DFF<Bits<CHUNK>>,
    w_key: DFF<Bits<KEY_WINDOW>>,
    /// The window stage again, in fabric flip-flops.
    f_valid: DFF<Bit>,
    f_first: DFF<Bit>,
    f_last: DFF<Bit>,
    f_tag: DFF<Bits<TAG_BITS>>,
    f_chunk: DFF<Bits<CHUNK>>,
    f_key: DFF<Bits<KEY_WINDOW>>,
    /// Karatsuba path: `key[j] ⊕ key[j + 16]` and each block's `u0 ⊕ u1` (low 16 bits
    /// of each 32), formed on the way into the second register, so the product trees
    /// start at flip-flops (0 when the chunk is hashed by slices).
    f_key_diff: DFF<Bits<KEY_WINDOW>>,
    f_half_sum: DFF<Bits<CHUNK>>,
    tuple_sr: DFF<Bits<TUPLE_BITS>>,
    tag_q: DFF<Bits<TAG_BITS>>,
    p_valid: DFF<Bit>,
    p_first: DFF<Bit>,
    p_last: DFF<Bit>,
    p_tag: DFF<Bits<TAG_BITS>>,
    partials: DFF<Bits<PARTIAL_BITS>>,
    acc: DFF<Bits<32>>,
    valid_o: DFF<Bit>,
    hash_o: DFF<Bits<32>>,
    tag_o: DFF<Bits<TAG_BITS>>,
    /// The tag of the job whose last step was issued last. A job takes `STEPS` clocks
    /// and its hash leaves four clocks after its last step, so from four steps on the
    /// next job's last step comes later and this is the output's tag: the copies
    /// beside the window, partial and output stages (`w_tag` .. `tag_o`) then have no
    /// reader and synthesis drops them (147 flip-flops at 64 bits, each an iCE40 logic
    /// cell of its own).
    last_tag: DFF<Bits<TAG_BITS>>,
    /// Jobs are shorter than the pipeline (`STEPS < 4`): the tag rides with the steps.
    short_jobs: Constant<Bit>,
    chunk_bits: Constant<Bits<16>>,
    chunk_lsb: Constant<Bits<16>>,
    last_step: Constant<Bits<4>>,
    accept: Signal<Local, Bit>,
    chunk: Signal<Local, Bits<CHUNK>>,
    data_part: Signal<Local, Bits<PART_BITS>>,
    key_part: Signal<Local, Bits<PART_BITS>>,
    partial: Signal<Local, Bits<PARTIAL_BITS>>,
    /// The chunk is hashed in Karatsuba groups.
    karatsuba: Constant<Bit>,
    /// Karatsuba path: one output bit's three products.
    product_mid: Signal<Local, Bit>,
    product_low: Signal<Local, Bit>,
    product_high: Signal<Local, Bit>,
    group_low: Signal<Local, Bits<32>>,
    group_mid: Signal<Local, Bits<16>>,
    sum: Signal<Local, Bits<32>>,
}

impl<const STEPS: usize, const CHUNK: usize, const KEY_WINDOW: usize, const PARTIAL_BITS: usize>
    Default for HashUnit<STEPS, CHUNK, KEY_WINDOW, PARTIAL_BITS>
{
    fn default() -> Self {
        assert_eq!(STEPS * CHUNK, TUPLE_BITS);
        assert_eq!(CHUNK % SLICE_BITS, 0);
        assert_eq!(KEY_WINDOW, CHUNK + 31);
        assert_eq!(PARTIAL_BITS, partial_bits(CHUNK));
        assert!(karatsuba_groups(CHUNK) > 0 || CHUNK.is_multiple_of(SLICE_BITS));
        let c = |v: usize| Constant::new((v as u64).to_bits());
        Self {
            clock: Default::default(),
            reset: Default::default(),
            in_valid: Default::default(),
            in_ready: Default::default(),
            in_tuple: Default::default(),
            in_tag: Default::default(),
            key_window: Default::default(),
            key_read_tag: Default::default(),
            key_read_step: Default::default(),
            key_hold: Default::default(),
            out_valid: Default::default(),
            out_hash: Default::default(),
            out_tag: Default::default(),
            busy: Default::default(),
            step: Default::default(),
            hold: Default::default(),
            shift: Default::default(),
            step_after: Default::default(),
            w_valid: Default::default(),
            w_first: Default::default(),
            w_last: Default::default(),
            w_tag: Default::default(),
            w_chunk: Default::default(),
            w_key: Default::default(),
            f_valid: Default::default(),
            f_first: Default::default(),
            f_last: Default::default(),
            f_tag: Default::default(),
            f_chunk: Default::default(),
            f_key: Default::default(),
            tuple_sr: Default::default(),
            tag_q: Default::default(),
            p_valid: Default::default(),
            p_first: Default::default(),
            p_last: Default::default(),
            p_tag: Default::default(),
            partials: Default::default(),
            acc: Default::default(),
            valid_o: Default::default(),
            hash_o: Default::default(),
            tag_o: Default::default(),
            last_tag: Default::default(),
            short_jobs: Constant::new(STEPS < 4),
            chunk_bits: c(CHUNK),
            chunk_lsb: c(TUPLE_BITS - CHUNK),
            last_step: Constant::new(((STEPS - 1) as u64).to_bits()),
            accept: Default::default(),
            chunk: Default::default(),
            data_part: Default::default(),
            key_part: Default::default(),
            partial: Default::default(),
            f_key_diff: Default::default(),
            karatsuba: Constant::new(karatsuba_groups(CHUNK) > 0),
            f_half_sum: Default::default(),
            product_mid: Default::default(),
            product_low: Default::default(),
            product_high: Default::default(),
            group_low: Default::default(),
            group_mid: Default::default(),
            sum: Default::default(),
        }
    }
}

impl<const STEPS: usize, const CHUNK: usize, const KEY_WINDOW: usize, const PARTIAL_BITS: usize>
    Logic for HashUnit<STEPS, CHUNK, KEY_WINDOW, PARTIAL_BITS>
{
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self, clock, busy, step, hold, shift, step_after, w_valid, w_first, w_last, w_tag,
            w_chunk, w_key, f_valid, f_first, f_last, f_tag, f_chunk, f_key, f_key_diff,
            f_half_sum, tuple_sr, tag_q, p_valid, p_first, p_last, p_tag, partials, acc, valid_o,
            hash_o, tag_o, last_tag
        );
        // `!busy | step == last` is `!hold`: the readiness that every job offer and the
        // tuple register's load wait on starts at one flip-flop, not the step's decode.
        self.in_ready.next = !self.hold.q.val();
        self.accept.next = self.in_valid.val() & self.in_ready.val();

        // Step s: the chunk on top of the tuple register against key bits
        // CHUNK * s .. CHUNK * s + CHUNK + 30. Input bit i of the chunk (from the bottom)
        // meets window bit i + 31 - k for hash bit 31 - k.
        self.chunk.next = self
            .tuple_sr
            .q
            .val()
            .get_bits::<CHUNK>(self.chunk_lsb.val().index());
        self.key_read_tag.next = self.tag_q.q.val();
        self.key_read_step.next = self.step_after.q.val();
        if self.accept.val() {
            self.key_read_tag.next = self.in_tag.val();
            self.key_read_step.next = 0.into();
        }
        // `busy & step != last`, kept in a register of its own: the commit logic behind
        // it is long, and must not start at the step counter's decode.
        self.hold.d.next = (self.accept.val() & self.last_step.val().any())
            | (!self.accept.val()
                & self.busy.q.val()
                & (self.step.q.val() != self.last_step.val())
                & (self.step_after.q.val() != self.last_step.val()));
        self.shift.d.next = self.hold.d.val();
        self.key_hold.next = self.hold.q.val();
        self.w_valid.d.next = self.busy.q.val();
        self.w_first.d.next = self.step.q.val() == 0_u64;
        self.w_last.d.next = self.step.q.val() == self.last_step.val();
        self.w_tag.d.next = self.tag_q.q.val();
        self.w_chunk.d.next = self.chunk.val();
        self.w_key.d.next = self.key_window.val();
        self.f_valid.d.next = self.w_valid.q.val();
        self.f_first.d.next = self.w_first.q.val();
        self.f_last.d.next = self.w_last.q.val();
        self.f_tag.d.next = self.w_tag.q.val();
        self.f_chunk.d.next = self.w_chunk.q.val();
        self.f_key.d.next = self.w_key.q.val();

        // (Every local is driven on both paths, so neither leaves the other's undriven.)
        self.partial.next = 0.into();
        self.data_part.next = 0.into();
        self.key_part.next = 0.into();
        self.product_low.next = false;
        self.product_high.next = false;
        self.product_mid.next = false;
        for p in 0..plain_parts(CHUNK) {
            self.data_part.next = self.f_chunk.q.val().get_bits::<PART_BITS>(9 * p);
            for k in 0..32 {
                self.key_part.next = self.f_key.q.val().get_bits::<PART_BITS>(9 * p + 31 - k);
                self.partial.next = self.partial.val().replace_bit(
                    32 * p + 31 - k,
                    (self.data_part.val() & self.key_part.val()).xor(),
                );
            }
        }
        // Karatsuba groups: partial bits 96g + m (low product), 96g + 16 + m (high),
        // 96g + 32 + m (middle) for output bit m of the low half, over blocks 0 and
        // 1; the same at 96g + 48 on over block 2.
        // (Only the Karatsuba form reads these: constant 0 otherwise, so a simulator
        // does not compute them every clock for nothing.)
        self.f_key_diff.d.next = 0.into();
        self.f_half_sum.d.next = 0.into();
        if self.karatsuba.val() {
            self.f_key_diff.d.next = self.w_key.q.val() ^ (self.w_key.q.val() >> 16_u64);
            self.f_half_sum.d.next = self.w_chunk.q.val() ^ (self.w_chunk.q.val() >> 16_u64);
        }
        for g in 0..karatsuba_groups(CHUNK) {
            for m in 0..16 {
                // Blocks 0 and 1 of the group.
                self.product_low.next = false;
                self.product_high.next = false;
                self.product_mid.next = false;
                for b in 0..2 {
                    self.product_low.next = self.product_low.val()
                        ^ (self.f_chunk.q.val().get_bits::<16>(96 * g + 32 * b)
                            & self.f_key_diff.q.val().get_bits::<16>(96 * g + 32 * b + m))
                        .xor();
                    self.product_high.next = self.product_high.val()
                        ^ (self.f_chunk.q.val().get_bits::<16>(96 * g + 32 * b + 16)
                            & self
                                .f_key_diff
                                .q
                                .val()
                                .get_bits::<16>(96 * g + 32 * b + 16 + m))
                        .xor();
                    self.product_mid.next = self.product_mid.val()
                        ^ (self.f_half_sum.q.val().get_bits::<16>(96 * g + 32 * b)
                            & self.f_key.q.val().get_bits::<16>(96 * g + 32 * b + 16 + m))
                        .xor();
                }
                self.partial.next = self
                    .partial
                    .val()
                    .replace_bit(96 * g + m, self.product_low.val())
                    .replace_bit(96 * g + 16 + m, self.product_high.val())
                    .replace_bit(96 * g + 32 + m, self.product_mid.val());
                // Block 2.
                self.product_low.next = (self.f_chunk.q.val().get_bits::<16>(96 * g + 64)
                    & self.f_key_diff.q.val().get_bits::<16>(96 * g + 64 + m))
                .xor();
                self.product_high.next = (self.f_chunk.q.val().get_bits::<16>(96 * g + 80)
                    & self.f_key_diff.q.val().get_bits::<16>(96 * g + 80 + m))
                .xor();
                self.product_mid.next = (self.f_half_sum.q.val().get_bits::<16>(96 * g + 64)
                    & self.f_key.q.val().get_bits::<16>(96 * g + 80 + m))
                .xor();
                self.partial.next = self
                    .partial
                    .val()
                    .replace_bit(96 * g + 48 + m, self.product_low.val())
                    .replace_bit(96 * g + 64 + m, self.product_high.val())
                    .replace_bit(96 * g + 80 + m, self.product_mid.val());
            }
        }
        self.p_valid.d.next = self.f_valid.q.val();
        self.p_first.d.next = self.f_first.q.val();
        self.p_last.d.next = self.f_last.q.val();
        self.p_tag.d.next = self.f_tag.q.val();
        // Taken only with a chunk (the accumulator reads them only then): a flip-flop
        // enable to the hardware, and a cosim that skips the products between jobs.
        if self.f_valid.q.val() {
            self.partials.d.next = self.partial.val();
        }

        // `hold` is `busy & step != last`: the steps and the tuple move on one
        // flip-flop's word.
        if self.busy.q.val() & !self.hold.q.val() {
            self.busy.d.next = false;
        }
        if self.hold.q.val() {
            self.step.d.next = self.step_after.q.val();
            self.step_after.d.next = self.step_after.q.val() + 1_u64;
        }
        // Between jobs (and in a job's last step, whose chunk is taken this clock) the
        // tuple register loads the offered tuple whether or not it is accepted, so its
        // 288 multiplexers are chosen by one flip-flop, not by the accept decision.
        self.tuple_sr.d.next = self.in_tuple.val();
        if self.shift.q.val() {
            self.tuple_sr.d.next = self.tuple_sr.q.val() << self.chunk_bits.val();
        }
        if self.accept.val() {
            self.busy.d.next = true;
            self.step.d.next = 0.into();
            self.step_after.d.next = 1.into();
            self.tag_q.d.next = self.in_tag.val();
        }

        // Accumulate.
        self.sum.next = self.acc.q.val();
        if self.p_first.q.val() {
            self.sum.next = 0.into();
        }
        for s in 0..plain_parts(CHUNK) {
            self.sum.next = self.sum.val() ^ self.partials.q.val().get_bits::<32>(32 * s);
        }
        self.group_low.next = 0.into();
        self.group_mid.next = 0.into();
        for g in 0..karatsuba_groups(CHUNK) {
            self.group_low.next = self.partials.q.val().get_bits::<32>(96 * g)
                ^ self.partials.q.val().get_bits::<32>(96 * g + 48);
            self.group_mid.next = self.partials.q.val().get_bits::<16>(96 * g + 32)
                ^ self.partials.q.val().get_bits::<16>(96 * g + 80);
            self.sum.next = self.sum.val()
                ^ self.group_low.val()
                ^ bit_cast::<32, 16>(self.group_mid.val())
                ^ (bit_cast::<32, 16>(self.group_mid.val()) << 16_u64);
        }
        if self.p_valid.q.val() {
            self.acc.d.next = self.sum.val();
        }
        self.valid_o.d.next = self.p_valid.q.val() & self.p_last.q.val();
        // Loaded with a hash only, so it holds until the next job's (`STEPS` clocks on).
        if self.p_valid.q.val() & self.p_last.q.val() {
            self.hash_o.d.next = self.sum.val();
        }
        self.tag_o.d.next = self.p_tag.q.val();
        // (From `shift`, `hold`'s copy for wide loads: `hold` itself stays lightly
        // loaded. `shift` is stale only after a reset, when `busy` is low.)
        if self.busy.q.val() & !self.shift.q.val() {
            self.last_tag.d.next = self.tag_q.q.val();
        }
        if self.reset.val() {
            self.busy.d.next = false;
            self.hold.d.next = false;
            self.w_valid.d.next = false;
            self.f_valid.d.next = false;
            self.p_valid.d.next = false;
            self.valid_o.d.next = false;
        }
        self.out_valid.next = self.valid_o.q.val();
        self.out_hash.next = self.hash_o.q.val();
        self.out_tag.next = self.last_tag.q.val();
        if self.short_jobs.val() {
            self.out_tag.next = self.tag_o.q.val();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_unit_is_synthesizable() {
        let mut uut = HashUnit::<8, 36, 67, 128>::default();
        uut.connect_all();
        crate::lint::assert_lints_clean(&generate_verilog(&uut), "hash_unit");
        let mut uut = HashUnit::<1, 288, 319, 288>::default();
        uut.connect_all();
        crate::lint::assert_lints_clean(&generate_verilog(&uut), "hash_unit_karatsuba");
    }

    /// Random 36-byte inputs under random keys, offered with gaps and held until taken,
    /// against the model's bitwise Toeplitz; the testbench answers the key reads the
    /// way the key store does (the window of the step asked for, a clock later). Every
    /// hash comes back with its own tag, in order.
    fn check_against_the_model<
        const STEPS: usize,
        const CHUNK: usize,
        const KEY_WINDOW: usize,
        const PARTIAL_BITS: usize,
    >(
        seed: u64,
    ) {
        use num_bigint::BigUint;
        use rand::{Rng, SeedableRng};
        use rss_model::toeplitz::toeplitz_bitwise;
        use std::collections::VecDeque;
        type Uut<const S: usize, const C: usize, const K: usize, const P: usize> =
            HashUnit<S, C, K, P>;

        let mut uut = Uut::<STEPS, CHUNK, KEY_WINDOW, PARTIAL_BITS>::default();
        uut.connect_all();
        let mut sim = Simulation::new();
        sim.add_clock(
            5,
            |x: &mut Box<Uut<STEPS, CHUNK, KEY_WINDOW, PARTIAL_BITS>>| {
                x.clock.next = !x.clock.val()
            },
        );
        sim.add_testbench(
            move |mut ep: Sim<Uut<STEPS, CHUNK, KEY_WINDOW, PARTIAL_BITS>>| {
                let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
                // Key bits CHUNK·step .. CHUNK·step + CHUNK + 30, the first on top; zeros
                // past the key's 320 bits.
                let window = |key: &[u8; 40], step: usize| -> Bits<KEY_WINDOW> {
                    let bit = |n: usize| n < 320 && (key[n / 8] >> (7 - n % 8)) & 1 == 1;
                    let mut value = BigUint::from(0u32);
                    for n in CHUNK * step..CHUNK * step + KEY_WINDOW {
                        value = (value << 1u32) | BigUint::from(u32::from(bit(n)));
                    }
                    value.into()
                };
                let mut x = ep.init()?;
                x.reset.next = true;
                wait_clock_cycle!(ep, clock, x);
                x.reset.next = false;
                let mut key = [0u8; 40];
                let mut expected: VecDeque<(u32, u64)> = VecDeque::new();
                let mut offer: Option<([u8; 36], u64)> = None;
                let mut asked_step = 0usize;
                let (mut sent, mut checked, mut keys) = (0, 0, 0);
                while checked < 300 {
                    // A new key every 25 jobs, once the unit is empty (the key store's banks
                    // do this for the core).
                    let key_due = sent / 25 + 1 > keys;
                    if key_due && expected.is_empty() && offer.is_none() {
                        rng.fill(&mut key[..]);
                        keys += 1;
                    }
                    let key_due = sent / 25 + 1 > keys;
                    if offer.is_none() && !key_due && sent < 300 && rng.random_bool(0.7) {
                        let mut input = [0u8; 36];
                        rng.fill(&mut input[..]);
                        offer = Some((input, rng.random()));
                    }
                    x.key_window.next = window(&key, asked_step);
                    x.in_valid.next = offer.is_some();
                    if let Some((input, tag)) = offer {
                        x.in_tuple.next = BigUint::from_bytes_be(&input).into();
                        x.in_tag.next = tag.into();
                    }
                    x = ep.wait(1, x)?;
                    if x.out_valid.val() {
                        let (hash, tag) = expected.pop_front().unwrap();
                        sim_assert_eq!(ep, x.out_hash.val(), u64::from(hash), x);
                        sim_assert_eq!(ep, x.out_tag.val(), tag, x);
                        checked += 1;
                    }
                    asked_step = x.key_read_step.val().index();
                    if x.in_valid.val() && x.in_ready.val() {
                        let (input, tag) = offer.take().unwrap();
                        expected.push_back((toeplitz_bitwise(&key, &input).unwrap(), tag));
                        sent += 1;
                    }
                    wait_clock_cycle!(ep, clock, x);
                }
                sim_assert!(ep, keys >= 12, x);
                ep.done(x)
            },
        );
        sim.run(Box::new(uut), 2_000_000).unwrap();
    }

    #[test]
    fn hash_unit_in_eight_steps_matches_the_model() {
        check_against_the_model::<8, 36, 67, 128>(8);
    }

    /// Four steps: the shortest jobs whose tag is the last step's, not the pipeline's.
    #[test]
    fn hash_unit_in_four_and_two_steps_matches_the_model() {
        check_against_the_model::<4, 72, 103, { partial_bits(72) }>(4);
        check_against_the_model::<2, 144, 175, { partial_bits(144) }>(2);
    }

    #[test]
    fn hash_unit_in_one_step_karatsuba_matches_the_model() {
        check_against_the_model::<1, 288, 319, 288>(1);
    }
}
