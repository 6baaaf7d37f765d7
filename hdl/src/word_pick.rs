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
pub struct WordPick<const DATA_BITS: usize> {
    /// The beat's whole words (`WordSlots::slots`).
    pub slots: Signal<In, Bits<DATA_BITS>>,
    /// The tail word (`WordSlots::slot_tail`).
    pub tail: Signal<In, Bits<64>>,
    /// The tail word is there (last beat of a frame).
    pub tail_valid: Signal<In, Bit>,
    /// Word number of slot 0.
    pub slot_last: Signal<In, Bits<WORD_INDEX_BITS>>,
    /// Word number wanted.
    pub target: Signal<In, Bits<WORD_INDEX_BITS>>,
    /// The beat holds the word.
    pub found: Signal<Out, Bit>,
    /// The word (0 when not found), byte 0 on top.
    pub word: Signal<Out, Bits<64>>,
    use_tail: Constant<Bit>,
    hit_mask: Signal<Local, Bits<64>>,
}

impl<const DATA_BITS: usize> WordPick<DATA_BITS> {
    /// A pick that also looks at the tail word when `use_tail`.
    pub fn new(use_tail: bool) -> Self {
        Self {
            slots: Default::default(),
            tail: Default::default(),
            tail_valid: Default::default(),
            slot_last: Default::default(),
            target: Default::default(),
            found: Default::default(),
            word: Default::default(),
            use_tail: Constant::new(use_tail),
            hit_mask: Default::default(),
        }
    }
}

impl<const DATA_BITS: usize> Logic for WordPick<DATA_BITS> {
    #[hdl_gen]
    fn update(&mut self) {
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
            & self.tail_valid.val()
            & ((self.slot_last.val() + 1_u64) == self.target.val())
        {
            self.hit_mask.next = 0xffff_ffff_ffff_ffff_u64.into();
            self.found.next = true;
        }
        self.word.next = self.word.val() | (self.tail.val() & self.hit_mask.val());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_pick_is_synthesizable() {
        let mut uut = WordPick::<512>::new(true);
        uut.connect_all();
        crate::lint::assert_lints_clean(&generate_verilog(&uut), "word_pick");
    }

    #[test]
    fn word_pick_finds_slots_and_tail() {
        let mut uut = WordPick::<128>::new(true);
        uut.connect_all();
        let mut sim = Simulation::new();
        sim.add_testbench(move |mut ep: Sim<WordPick<128>>| {
            let mut x = ep.init()?;
            // Slot 0 = word 9, slot 1 = word 8, tail = word 10.
            x.slots.next = (0x1111_u128 << 64 | 0x2222).to_bits();
            x.tail.next = 0x3333_u64.into();
            x.slot_last.next = 9.into();
            for (target, tail_valid, found, word) in [
                (9u64, false, true, 0x2222u64),
                (8, false, true, 0x1111),
                (10, false, false, 0),
                (10, true, true, 0x3333),
                (7, true, false, 0),
            ] {
                x.target.next = target.into();
                x.tail_valid.next = tail_valid;
                x = ep.wait(1, x)?;
                sim_assert!(ep, x.found.val() == found, x);
                sim_assert!(ep, x.word.val() == word, x);
            }
            ep.done(x)
        });
        sim.run(Box::new(uut), 100).unwrap();
    }
}
