//! Every VPort's active Toeplitz key, in block RAM, read as the hash unit's window for
//! one step at a time.
//!
//! A hash step `s` meets key bits `CHUNK * s` .. `CHUNK * s + CHUNK + 30` (key bit 0 is
//! the first). The key is kept as `STEPS + 1` words of `CHUNK` bits, word `w` holding
//! bits `CHUNK * w` up (key bit 0 on top of word 0, zeros past bit 319), in two RAMs:
//! `head` holds whole words and `tail` the top 31 bits of each, one address lower (the
//! top of word `w + 1` at `w`). Step `s`'s window is `head[s]` followed by `tail[s]`: two
//! reads at one address, with no adder in front of either, and no multiplexer over the key, which
//! in flip-flops cost a VPorts-to-1 multiplexer over 320 bits plus a steps-to-1 one over
//! the window.
//!
//! Each VPort has two banks. A commit copies the staged key into the bank no frame reads,
//! one word per clock (`copy_start` .. `copy_done`, each word written a clock after it is
//! chosen from the staged key), and the register file then flips
//! the VPort's bank together with its other parameters, so a key changes as atomically
//! as they do. Readers name the bank they were given with the rest of a frame's state.
//! The RAM starts zeroed, like the model's keys; a reset does not clear it, but every
//! VPort's state then names bank 0 with RSS disabled, and only a commit (which writes the
//! key) enables it again.

use rust_hdl::prelude::*;

use crate::disjoint_ram::DisjointRam;
use crate::toeplitz_pipe::KEY_BITS;

/// RAM address: VPort in bits 7:5, bank in bit 4, word in bits 3:0.
const ADDRESS_BITS: usize = 8;
/// The part of word `w + 1` a window needs after word `w`.
const TAIL_BITS: usize = 31;

#[derive(LogicBlock)]
pub struct KeyStore<
    const STEPS: usize,
    const CHUNK: usize,
    const WINDOW: usize,
    const PADDED: usize,
> {
    /// Clock of the RAMs and the copy.
    pub clock: Signal<In, Clock>,
    /// Synchronous reset: abandons a copy under way (the RAM keeps its contents).
    pub reset: Signal<In, Bit>,
    /// The key to copy, key bit 0 in bit 319. Held steady from `copy_start` to `copy_done`.
    pub staged_key: Signal<In, Bits<KEY_BITS>>,
    /// Start copying `staged_key` into (`copy_vport`, `copy_bank`); ignored while a copy
    /// is under way.
    pub copy_start: Signal<In, Bit>,
    /// VPort whose key is written.
    pub copy_vport: Signal<In, Bits<3>>,
    /// Bank written: the one the VPort's readers do not use.
    pub copy_bank: Signal<In, Bit>,
    /// The copy is complete (one clock, the clock after its last write): a read issued
    /// from now on sees the new key.
    pub copy_done: Signal<Out, Bit>,
    /// VPort whose window is read.
    pub read_vport: Signal<In, Bits<3>>,
    /// Bank read.
    pub read_bank: Signal<In, Bit>,
    /// Step whose window is read (0 .. `STEPS - 1`).
    pub read_step: Signal<In, Bits<4>>,
    /// The window of the read issued the clock before: key bits `CHUNK * step` ..
    /// `CHUNK * step + CHUNK + 30`, the first in the top bit.
    pub window: Signal<Out, Bits<WINDOW>>,
    /// A copy writes a bank no job reads (see above): a read of the address being
    /// written is one the hash unit makes while idle, and discards.
    head: DisjointRam<Bits<CHUNK>, ADDRESS_BITS>,
    tail: DisjointRam<Bits<TAIL_BITS>, ADDRESS_BITS>,
    copying: DFF<Bit>,
    word: DFF<Bits<4>>,
    /// `word`, one-hot: the 9:1 choice over the staged key is an AND-OR on it, with
    /// no compare of the word number in front.
    word_onehot: DFF<Bits<16>>,
    target: DFF<Bits<4>>,
    done: DFF<Bit>,
    /// The copy's write, a clock after its word is chosen: the 9:1 choice over the
    /// staged key and the RAMs' write ports are a clock apart.
    write_q: DFF<Bit>,
    write_address_q: DFF<Bits<ADDRESS_BITS>>,
    /// The chosen word in two halves of the choice (the first half of the words, the
    /// rest), ORed at the RAMs' write ports: each half's AND-OR fits two LUT levels,
    /// where the whole 9:1 one took four.
    chunk_first_q: DFF<Bits<CHUNK>>,
    chunk_rest_q: DFF<Bits<CHUNK>>,
    pad_shift: Constant<Bits<16>>,
    padded_bits: Constant<Bits<16>>,
    chunk_bits: Constant<Bits<16>>,
    tail_lsb: Constant<Bits<16>>,
    last_word: Constant<Bits<4>>,
    padded: Signal<Local, Bits<PADDED>>,
    chunk_first: Signal<Local, Bits<CHUNK>>,
    chunk_rest: Signal<Local, Bits<CHUNK>>,
    written: Signal<Local, Bits<CHUNK>>,
    write_address: Signal<Local, Bits<ADDRESS_BITS>>,
    read_base: Signal<Local, Bits<ADDRESS_BITS>>,
}

impl<const STEPS: usize, const CHUNK: usize, const WINDOW: usize, const PADDED: usize> Default
    for KeyStore<STEPS, CHUNK, WINDOW, PADDED>
{
    fn default() -> Self {
        assert!((1..=8).contains(&STEPS), "four word bits");
        assert_eq!(WINDOW, CHUNK + TAIL_BITS);
        assert_eq!(PADDED, CHUNK * (STEPS + 1));
        assert!(PADDED >= KEY_BITS && CHUNK >= TAIL_BITS);
        let c = |v: usize| Constant::new((v as u64).to_bits());
        Self {
            clock: Default::default(),
            reset: Default::default(),
            staged_key: Default::default(),
            copy_start: Default::default(),
            copy_vport: Default::default(),
            copy_bank: Default::default(),
            copy_done: Default::default(),
            read_vport: Default::default(),
            read_bank: Default::default(),
            read_step: Default::default(),
            window: Default::default(),
            head: DisjointRam::zeroed(),
            tail: DisjointRam::zeroed(),
            copying: Default::default(),
            word: Default::default(),
            word_onehot: Default::default(),
            target: Default::default(),
            done: Default::default(),
            write_q: Default::default(),
            write_address_q: Default::default(),
            chunk_first_q: Default::default(),
            chunk_rest_q: Default::default(),
            pad_shift: c(PADDED - KEY_BITS),
            padded_bits: c(PADDED),
            chunk_bits: c(CHUNK),
            tail_lsb: c(CHUNK - TAIL_BITS),
            last_word: Constant::new((STEPS as u64).to_bits()),
            padded: Default::default(),
            chunk_first: Default::default(),
            chunk_rest: Default::default(),
            written: Default::default(),
            write_address: Default::default(),
            read_base: Default::default(),
        }
    }
}

impl<const STEPS: usize, const CHUNK: usize, const WINDOW: usize, const PADDED: usize> Logic
    for KeyStore<STEPS, CHUNK, WINDOW, PADDED>
{
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self,
            clock,
            copying,
            word,
            word_onehot,
            target,
            done,
            write_q,
            write_address_q,
            chunk_first_q,
            chunk_rest_q
        );
        self.head.read_clock.next = self.clock.val();
        self.head.write_clock.next = self.clock.val();
        self.tail.read_clock.next = self.clock.val();
        self.tail.write_clock.next = self.clock.val();

        // Copy: word `word` of the staged key into (target, word) of both RAMs.
        self.padded.next =
            bit_cast::<PADDED, KEY_BITS>(self.staged_key.val()) << self.pad_shift.val();
        self.chunk_first.next = 0.into();
        for w in 0..((STEPS + 2) / 2) {
            if self.word_onehot.q.val().get_bit(w) {
                self.chunk_first.next = self.chunk_first.val()
                    | self.padded.val().get_bits::<CHUNK>(
                        self.padded_bits.val().index() - self.chunk_bits.val().index() * (w + 1),
                    );
            }
        }
        self.chunk_rest.next = 0.into();
        for w in ((STEPS + 2) / 2)..(STEPS + 1) {
            if self.word_onehot.q.val().get_bit(w) {
                self.chunk_rest.next = self.chunk_rest.val()
                    | self.padded.val().get_bits::<CHUNK>(
                        self.padded_bits.val().index() - self.chunk_bits.val().index() * (w + 1),
                    );
            }
        }
        self.write_address.next = (bit_cast::<ADDRESS_BITS, 4>(self.target.q.val()) << 4_u64)
            | bit_cast::<ADDRESS_BITS, 4>(self.word.q.val());
        self.write_q.d.next = self.copying.q.val();
        self.write_address_q.d.next = self.write_address.val();
        self.chunk_first_q.d.next = self.chunk_first.val();
        self.chunk_rest_q.d.next = self.chunk_rest.val();
        self.written.next = self.chunk_first_q.q.val() | self.chunk_rest_q.q.val();
        self.head.write_address.next = self.write_address_q.q.val();
        self.head.write_data.next = self.written.val();
        self.tail.write_address.next = self.write_address_q.q.val() - 1_u64;
        self.tail.write_data.next = self
            .written
            .val()
            .get_bits::<TAIL_BITS>(self.tail_lsb.val().index());
        self.head.write_enable.next = self.write_q.q.val();
        // Word 0 has no tail (its top is word -1's).
        self.tail.write_enable.next =
            self.write_q.q.val() & self.write_address_q.q.val().get_bits::<4>(0).any();
        // Done the clock after the last write lands: a write with the copy over.
        self.done.d.next = self.write_q.q.val() & !self.copying.q.val();
        if self.copying.q.val() {
            self.word.d.next = self.word.q.val() + 1_u64;
            self.word_onehot.d.next = self.word_onehot.q.val() << 1_u64;
            if self.word.q.val() == self.last_word.val() {
                self.copying.d.next = false;
            }
        } else if self.copy_start.val() {
            self.copying.d.next = true;
            self.word.d.next = 0.into();
            self.word_onehot.d.next = 1.into();
            self.target.d.next = (bit_cast::<4, 3>(self.copy_vport.val()) << 1_u64)
                | bit_cast::<4, 1>(self.copy_bank.val().into());
        }
        if self.reset.val() {
            self.copying.d.next = false;
            self.write_q.d.next = false;
            self.done.d.next = false;
        }
        self.copy_done.next = self.done.q.val();

        // Read: the step's word, and the top of the next one.
        self.read_base.next = (bit_cast::<ADDRESS_BITS, 3>(self.read_vport.val()) << 5_u64)
            | (bit_cast::<ADDRESS_BITS, 1>(self.read_bank.val().into()) << 4_u64);
        self.head.read_address.next =
            self.read_base.val() | bit_cast::<ADDRESS_BITS, 4>(self.read_step.val());
        self.tail.read_address.next = self.head.read_address.val();
        self.window.next = (bit_cast::<WINDOW, CHUNK>(self.head.read_data.val()) << 31_u64)
            | bit_cast::<WINDOW, TAIL_BITS>(self.tail.read_data.val());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Key bits `first .. first + len` (key bit 0 first) of a 320-bit key held as a
    /// number with key bit 0 in bit 319.
    fn key_bits<const N: usize>(key: &[u8; 40], first: usize) -> Bits<N> {
        (first..first + N).fold(Bits::<N>::default(), |acc, i| {
            let bit = i < 320 && (key[i / 8] >> (7 - i % 8)) & 1 == 1;
            (acc << 1_u64) | bit_cast::<N, 1>(bit.into())
        })
    }

    #[test]
    fn key_store_windows_are_the_key_bits_of_each_step_and_bank() {
        type Uut = KeyStore<8, 36, 67, 324>;
        let mut uut = Uut::default();
        uut.connect_all();
        let mut sim = Simulation::new();
        sim.add_clock(5, |x: &mut Box<Uut>| x.clock.next = !x.clock.val());
        sim.add_testbench(move |mut ep: Sim<Uut>| {
            let mut x = ep.init()?;
            let keys: [[u8; 40]; 2] = [
                core::array::from_fn(|i| (i as u8).wrapping_mul(37) ^ 0x5a),
                core::array::from_fn(|i| 0xff - (i as u8) * 3),
            ];
            // Key 0 into VPort 2 bank 1, key 1 into VPort 2 bank 0.
            for (bank, key) in [(true, &keys[0]), (false, &keys[1])] {
                x.staged_key.next = key_bits::<KEY_BITS>(key, 0);
                x.copy_vport.next = 2.into();
                x.copy_bank.next = bank;
                x.copy_start.next = true;
                wait_clock_cycle!(ep, clock, x);
                x.copy_start.next = false;
                let mut clocks = 0;
                while !x.copy_done.val() {
                    wait_clock_cycle!(ep, clock, x);
                    clocks += 1;
                    sim_assert!(ep, clocks <= 10, x);
                }
                sim_assert_eq!(ep, clocks, 10, x);
                // Scribble on the staged key: the copy is done with it.
                x.staged_key.next = 0.into();
            }
            for (bank, key) in [(true, &keys[0]), (false, &keys[1])] {
                for step in 0..8_usize {
                    x.read_vport.next = 2.into();
                    x.read_bank.next = bank;
                    x.read_step.next = (step as u64).to_bits();
                    wait_clock_cycle!(ep, clock, x);
                    let want = key_bits::<67>(key, 36 * step);
                    sim_assert_eq!(ep, x.window.val(), want, x);
                }
            }
            // Another VPort's words were not touched.
            x.read_vport.next = 1.into();
            x.read_step.next = 3.into();
            wait_clock_cycle!(ep, clock, x);
            sim_assert_eq!(ep, x.window.val(), Bits::<67>::default(), x);
            ep.done(x)
        });
        sim.run(Box::new(uut), 10_000).unwrap();
    }

    #[test]
    fn key_store_is_synthesizable() {
        let mut uut = KeyStore::<8, 36, 67, 324>::default();
        uut.connect_all();
        crate::lint::assert_lints_clean(&generate_verilog(&uut), "key_store");
    }
}
