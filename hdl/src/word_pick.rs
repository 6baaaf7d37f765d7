//! Picks one 8-byte L3 word out of a beat's word slots by its number (combinational):
//! the way every stage after `WordSlots` reads a field, so no stage ever needs a
//! byte-granular offset. A beat holds at most one copy of a word, so the choice is an
//! AND-OR over the slots.
//!
//! The tail word (the frame's last, partial word) only matters for fields that may end
//! before the frame does while their word does not: the IPv4 destination and the L4
//! ports. Every other field's word lies inside the bytes its rule needs, so a pick
//! built with `new(false)` ignores the tail and costs half as much.

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
    /// The word (0 when not found), byte 0 on top.
    pub word: Signal<Out, Bits<64>>,
    use_tail: Constant<Bit>,
    slots: Signal<Local, Bits<DATA_BITS>>,
    slot_last: Signal<Local, Bits<WORD_INDEX_BITS>>,
    hit_mask: Signal<Local, Bits<64>>,
}

impl<const DATA_BITS: usize, const BUNDLE_BITS: usize> WordPick<DATA_BITS, BUNDLE_BITS> {
    /// A pick that also looks at the tail word when `use_tail`.
    pub fn new(use_tail: bool) -> Self {
        Self {
            beat: Default::default(),
            target: Default::default(),
            found: Default::default(),
            word: Default::default(),
            use_tail: Constant::new(use_tail),
            slots: Default::default(),
            slot_last: Default::default(),
            hit_mask: Default::default(),
        }
    }
}

impl<const DATA_BITS: usize, const BUNDLE_BITS: usize> Logic for WordPick<DATA_BITS, BUNDLE_BITS> {
    #[hdl_gen]
    fn update(&mut self) {
        self.slots.next = self.beat.val().get_bits::<DATA_BITS>(96);
        self.slot_last.next = self.beat.val().get_bits::<WORD_INDEX_BITS>(10);
        self.found.next = false;
        self.word.next = 0.into();
        for j in 0..(DATA_BITS / 64) {
            self.hit_mask.next = 0.into();
            if (self.slot_last.val() - j.to_bits()) == self.target.val() {
                self.hit_mask.next = 0xffff_ffff_ffff_ffff_u64.into();
                self.found.next = true;
            }
            self.word.next =
                self.word.val() | (self.slots.val().get_bits::<64>(64 * j) & self.hit_mask.val());
        }
        self.hit_mask.next = 0.into();
        if self.use_tail.val()
            & self.beat.val().get_bit(2)
            & ((self.slot_last.val() + 1_u64) == self.target.val())
        {
            self.hit_mask.next = 0xffff_ffff_ffff_ffff_u64.into();
            self.found.next = true;
        }
        self.word.next =
            self.word.val() | (self.beat.val().get_bits::<64>(32) & self.hit_mask.val());
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
                sim_assert!(ep, x.word.val() == word, x);
            }
            ep.done(x)
        });
        sim.run(Box::new(uut), 100).unwrap();
    }
}
