//! Picks one 8-byte L3 word out of a beat's word slots by its number (combinational):
//! the way every stage after `WordSlots` reads a field, so no stage ever needs a
//! byte-granular offset. The slot is `slot_last - target`: its low bits select the
//! word (a multiplexer with a binary select, which maps to LUT4s and the slices' wide
//! multiplexers), its high bits say whether the beat holds it. The word is only
//! meaningful with `found`; every reader looks at it only then.
//!
//! The tail word (the frame's last, partial word) only matters for fields that may end
//! before the frame does while their word does not: the IPv4 destination and the L4
//! ports. Every other field's word lies inside the bytes its rule needs, so a pick
//! built with `new(false)` ignores the tail and costs half as much. (The ports' pick
//! is built so too: `FieldCapture` tests the tail itself against a registered
//! `target − 1`, which keeps the adder below off the beat's side.)
//!
//! A pick whose target is a constant (`fixed`) looks at two slots only. `WordSlots`
//! numbers slot 0 `(beat + 1) · W + {0, 1}` for `W` words per beat (saturating far past
//! the parse window), so word `T` can only ever sit in the slot `j` with
//! `T + j ≡ 0 or 1 (mod W)`: at 512 bits that is a 2:1 choice instead of 8:1, made
//! by the parity of slot 0's number, one flip-flop of the beat (the word is
//! unspecified unless found, which the compares below decide), and at 64 bits a wire.
//!
//! `found` is `slot_last - target < W`, tested as "no distance bit above the select's
//! is set", and at 64 bits (`W` = 1) as an equality, so no comparator and, at 64
//! bits, no subtractor follows the target's arrival. A fixed pick's compares put their
//! offsets on the target side (`slot_last == target + j`, the same in modular
//! arithmetic), where the constant target folds them away: the beat's word number
//! meets no adder.

use rust_hdl::prelude::*;

use crate::word_slots::WORD_INDEX_BITS;

#[derive(LogicBlock)]
pub struct WordPick<const DATA_BITS: usize, const BUNDLE_BITS: usize> {
    /// The beat (`crate::beat` layout): its word slots, tail word, last flag and the
    /// word number of slot 0.
    pub beat: Signal<In, Bits<BUNDLE_BITS>>,
    /// Word number wanted.
    pub target: Signal<In, Bits<WORD_INDEX_BITS>>,
    /// The beat holds the word.
    pub found: Signal<Out, Bit>,
    /// The word when `found` (otherwise unspecified), byte 0 on top.
    pub word: Signal<Out, Bits<64>>,
    /// The slot that holds the word when `found` (its distance from the last slot;
    /// not for a `fixed` pick or the tail), for a reader that picks the word itself a
    /// clock later from a copy of the beat.
    pub slot: Signal<Out, Bits<3>>,
    use_tail: Constant<Bit>,
    /// Built with `fixed`: the AND-OR over the candidate slots, not the multiplexer.
    fixed: Constant<Bit>,
    /// Slots the target can be in (`fixed` only).
    candidates: Constant<Bits<8>>,
    /// Of those, the slots that hold it when slot 0's number is odd (`fixed` only).
    odd_candidates: Constant<Bits<8>>,
    /// Words per beat minus one (the select's mask), and its complement: the distance
    /// bits that say whether the beat holds the word.
    select_mask: Constant<Bits<WORD_INDEX_BITS>>,
    beyond_mask: Constant<Bits<WORD_INDEX_BITS>>,
    /// One word a beat (64 bits): the beat holds the word when its number is slot 0's.
    single: Constant<Bit>,
    distance: Signal<Local, Bits<WORD_INDEX_BITS>>,
    select: Signal<Local, Bits<16>>,
    slots: Signal<Local, Bits<DATA_BITS>>,
    slot_last: Signal<Local, Bits<WORD_INDEX_BITS>>,
    tail_hit: Signal<Local, Bit>,
    /// The bit offset of the highest candidate slot's word (`fixed` only).
    last_candidate: Constant<Bits<16>>,
}

impl<const DATA_BITS: usize, const BUNDLE_BITS: usize> WordPick<DATA_BITS, BUNDLE_BITS> {
    /// A pick that also looks at the tail word when `use_tail`.
    pub fn new(use_tail: bool) -> Self {
        Self::build(use_tail, None)
    }

    /// A pick whose `target` input is always `target` (the caller drives it with that
    /// constant): only the slots word `target` can occupy are looked at.
    pub fn fixed(target: u64, use_tail: bool) -> Self {
        let words = DATA_BITS / 64;
        Self::build(
            use_tail,
            Some((
                candidate_slots(words, target),
                odd_candidate_slots(words, target),
            )),
        )
    }

    /// `candidates`: the slots the target can be in and those of them it is in when
    /// slot 0's number is odd.
    fn build(use_tail: bool, candidates: Option<(u64, u64)>) -> Self {
        let words = DATA_BITS / 64;
        assert!(words.is_power_of_two() && words <= 8);
        Self {
            beat: Default::default(),
            target: Default::default(),
            found: Default::default(),
            word: Default::default(),
            slot: Default::default(),
            use_tail: Constant::new(use_tail),
            fixed: Constant::new(candidates.is_some()),
            candidates: Constant::new(candidates.map_or(0, |(all, _)| all).to_bits()),
            odd_candidates: Constant::new(candidates.map_or(0, |(_, odd)| odd).to_bits()),
            select_mask: Constant::new((words as u64 - 1).to_bits()),
            beyond_mask: Constant::new(
                (!(words as u64 - 1) & ((1 << WORD_INDEX_BITS) - 1)).to_bits(),
            ),
            single: Constant::new(words == 1),
            distance: Default::default(),
            select: Default::default(),
            slots: Default::default(),
            slot_last: Default::default(),
            tail_hit: Default::default(),
            last_candidate: Constant::new(
                (64 * candidates.map_or(0, |(mask, _)| u64::from(mask.max(1).ilog2()))).to_bits(),
            ),
        }
    }
}

/// The slots (as a mask) where word `target` can be, `words_per_beat` words a beat:
/// slot 0 is word `(beat + 1) · W + {0, 1}` (`WordSlots`), slot `j` that minus `j`.
pub fn candidate_slots(words_per_beat: usize, target: u64) -> u64 {
    let w = words_per_beat as u64;
    (0..w)
        .filter(|&j| (target + j) % w <= 1)
        .fold(0, |mask, j| mask | (1 << j))
}

/// Of [`candidate_slots`], those that hold word `target` when slot 0's number is odd
/// (`(beat + 1) · W + 1`): slot `j` holds word `slot_last - j`, so the ones with
/// `target + j ≡ 1 (mod W)`. With one word a beat the only slot holds it either way.
pub fn odd_candidate_slots(words_per_beat: usize, target: u64) -> u64 {
    let w = words_per_beat as u64;
    if w == 1 {
        return 1;
    }
    (0..w)
        .filter(|&j| (target + j) % w == 1)
        .fold(0, |mask, j| mask | (1 << j))
}

impl<const DATA_BITS: usize, const BUNDLE_BITS: usize> Logic for WordPick<DATA_BITS, BUNDLE_BITS> {
    #[hdl_gen]
    fn update(&mut self) {
        self.slots.next = self.beat.val().get_bits::<DATA_BITS>(96);
        self.slot_last.next = self.beat.val().get_bits::<WORD_INDEX_BITS>(10);
        self.distance.next = self.slot_last.val() - self.target.val();
        self.select.next =
            bit_cast::<16, WORD_INDEX_BITS>(self.distance.val() & self.select_mask.val()) << 6_u64;
        self.slot.next = self.select.val().get_bits::<3>(6);
        // `distance < words` without a comparator: words is a power of two.
        self.found.next = (self.distance.val() & self.beyond_mask.val()) == 0_u64;
        if self.single.val() {
            // An equality, so synthesis keeps no subtractor at all.
            self.found.next = self.slot_last.val() == self.target.val();
        }
        self.word.next = self.slots.val().get_bits::<64>(self.select.val().index());
        if self.fixed.val() {
            // The word is unspecified unless found, so it need not wait for the
            // compares: the last candidate slot's word unless an earlier candidate
            // holds it (one candidate: a wire; two: a 2:1 choice on one compare).
            self.found.next = false;
            self.word.next = self
                .slots
                .val()
                .get_bits::<64>(self.last_candidate.val().index());
            for j in 0..(DATA_BITS / 64) {
                if self.candidates.val().get_bit(j)
                    & (self.slot_last.val() == (self.target.val() + j.to_bits()))
                {
                    self.found.next = true;
                }
            }
            // Slot 0's number is 0 or 1 modulo the words a beat (`WordSlots`), so of
            // the two candidates the one holding the word is the one whose number
            // has the parity of slot 0's: one bit of the beat chooses, no compare.
            for j in 0..(DATA_BITS / 64) {
                if self.candidates.val().get_bit(j)
                    & (j.to_bits::<16>() != (self.last_candidate.val() >> 6_u64))
                    & (self.odd_candidates.val().get_bit(j) == self.slot_last.val().get_bit(0))
                {
                    self.word.next = self.slots.val().get_bits::<64>(64 * j);
                }
            }
        }
        // The tail is word `slot_last + 1`. A free target arrives late, so the adder
        // stays on the beat's side; a fixed one folds it away on its own side.
        self.tail_hit.next = (self.slot_last.val() + 1_u64) == self.target.val();
        if self.fixed.val() {
            self.tail_hit.next = self.slot_last.val() == (self.target.val() - 1_u64);
        }
        if self.use_tail.val() & self.beat.val().get_bit(2) & self.tail_hit.val() {
            self.found.next = true;
            self.word.next = self.beat.val().get_bits::<64>(32);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_pick_is_synthesizable() {
        let mut uut = WordPick::<512, 608>::new(true);
        uut.connect_all();
        crate::lint::assert_lints_clean(&generate_verilog(&uut), "word_pick");
    }

    /// A 128-bit beat (`crate::beat` layout): slot 0 = word 9, slot 1 = word 8, tail =
    /// word 10 when `last`.
    fn beat(last: bool) -> Bits<224> {
        let slots = (0x1111_u128 << 64) | 0x2222;
        let tail = 0x3333_u128;
        let bundle = (num_bigint::BigUint::from(slots) << 96u32)
            | (num_bigint::BigUint::from(tail) << 32u32)
            | num_bigint::BigUint::from((9u32 << 10) | (u32::from(last) << 2) | 1);
        bundle.into()
    }

    #[test]
    fn word_pick_finds_slots_and_tail() {
        let mut uut = WordPick::<128, 224>::new(true);
        uut.connect_all();
        let mut sim = Simulation::new();
        sim.add_testbench(move |mut ep: Sim<WordPick<128, 224>>| {
            let mut x = ep.init()?;
            for (target, last, found, word) in [
                (9u64, false, true, 0x2222u64),
                (8, false, true, 0x1111),
                (10, false, false, 0),
                (10, true, true, 0x3333),
                (7, true, false, 0),
            ] {
                x.beat.next = beat(last);
                x.target.next = target.into();
                x = ep.wait(1, x)?;
                sim_assert!(ep, x.found.val() == found, x);
                if found {
                    sim_assert!(ep, x.word.val() == word, x);
                }
            }
            ep.done(x)
        });
        sim.run(Box::new(uut), 100).unwrap();
    }

    /// A fixed pick and a free one side by side, fed the same beat and target.
    #[derive(LogicBlock)]
    struct FixedBesideFree {
        beat: Signal<In, Bits<608>>,
        target: Signal<In, Bits<WORD_INDEX_BITS>>,
        fixed_found: Signal<Out, Bit>,
        fixed_word: Signal<Out, Bits<64>>,
        free_found: Signal<Out, Bit>,
        free_word: Signal<Out, Bits<64>>,
        fixed: WordPick<512, 608>,
        free: WordPick<512, 608>,
    }

    impl Logic for FixedBesideFree {
        #[hdl_gen]
        fn update(&mut self) {
            self.fixed.beat.next = self.beat.val();
            self.fixed.target.next = self.target.val();
            self.free.beat.next = self.beat.val();
            self.free.target.next = self.target.val();
            self.fixed_found.next = self.fixed.found.val();
            self.fixed_word.next = self.fixed.word.val();
            self.free_found.next = self.free.found.val();
            self.free_word.next = self.free.word.val();
        }
    }

    #[test]
    fn odd_candidates_are_the_slots_of_odd_numbering() {
        // 512 bits, word 5: slot 0 = 8b + 9 puts it in slot 4 (9 - 4 = 5), 8b + 8 in 3.
        assert_eq!(odd_candidate_slots(8, 5), 0b0001_0000);
        assert_eq!(odd_candidate_slots(8, 8), 0b0000_0010);
        for w in [2, 4, 8] {
            for target in 2..=12 {
                let all = candidate_slots(w, target);
                let odd = odd_candidate_slots(w, target);
                // One of the two candidates each way.
                assert_eq!(odd & !all, 0);
                assert_eq!(odd.count_ones(), 1, "w {w} target {target}");
                assert_eq!((all & !odd).count_ones(), 1, "w {w} target {target}");
            }
        }
        assert_eq!(odd_candidate_slots(1, 4), 1);
    }

    #[test]
    fn candidate_slots_follow_the_slot_numbering() {
        // 512 bits: slot 0 is word 8b + 8 or 8b + 9, so word 5 is in slot 3 or 4.
        assert_eq!(candidate_slots(8, 5), 0b0001_1000);
        assert_eq!(candidate_slots(8, 8), 0b0000_0011);
        assert_eq!(candidate_slots(4, 6), 0b0000_1100);
        assert_eq!(candidate_slots(2, 7), 0b11);
        assert_eq!(candidate_slots(1, 4), 0b1);
    }

    /// On every slot numbering `WordSlots` produces at 512 bits (slot 0 = word
    /// 8b + 8 or 8b + 9, or saturated at 60), a fixed pick finds what a free one finds,
    /// for every target it is built for, on random slot contents, tail and last flag.
    #[test]
    fn fixed_pick_matches_the_free_pick() {
        use rand::{Rng, SeedableRng};
        let slot_numbers: Vec<u64> = (0..7)
            .flat_map(|b| [8 * b + 8, 8 * b + 9])
            .chain([crate::word_slots::WORD_INDEX_LIMIT])
            .collect();
        for target in 2..=12_u64 {
            let uut = FixedBesideFree {
                beat: Default::default(),
                target: Default::default(),
                fixed_found: Default::default(),
                fixed_word: Default::default(),
                free_found: Default::default(),
                free_word: Default::default(),
                fixed: WordPick::fixed(target, target % 2 == 0),
                free: WordPick::new(target % 2 == 0),
            };
            let numbers = slot_numbers.clone();
            let mut sim = Simulation::new();
            sim.add_testbench(move |mut ep: Sim<FixedBesideFree>| {
                let mut rng = rand::rngs::StdRng::seed_from_u64(target);
                let mut x = ep.init()?;
                let mut hits = 0;
                for &slot_last in &numbers {
                    for _ in 0..4 {
                        let mut bundle = num_bigint::BigUint::from(0u32);
                        for _ in 0..9 {
                            bundle =
                                (bundle << 64u32) | num_bigint::BigUint::from(rng.random::<u64>());
                        }
                        let last = rng.random_bool(0.5);
                        bundle = (bundle << 32u32)
                            | num_bigint::BigUint::from(
                                (slot_last << 10) | (u64::from(last) << 2) | 1,
                            );
                        x.beat.next = bundle.into();
                        x.target.next = target.into();
                        x = ep.wait(1, x)?;
                        sim_assert_eq!(ep, x.fixed_found.val(), x.free_found.val(), x);
                        if x.free_found.val() {
                            sim_assert_eq!(ep, x.fixed_word.val(), x.free_word.val(), x);
                        }
                        hits += u32::from(x.free_found.val());
                    }
                }
                sim_assert!(ep, hits > 0, x);
                ep.done(x)
            });
            sim.run(Box::new(uut), 1000).unwrap();
        }
    }
}
