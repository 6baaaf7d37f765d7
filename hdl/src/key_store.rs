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
//! and the register file then flips the VPort's bank together with its other
//! parameters, so a key changes as atomically as they do. Readers name the bank they
//! were given with the rest of a frame's state. The RAM starts zeroed, like the model's
//! keys; a reset does not clear it, but every VPort's state then names bank 0 with RSS
//! disabled, and only a commit (which writes the key) enables it again.
//!
//! The staged key is not held in flip-flops: the copy fetches it from the register
//! file's read-back RAM one bus word at a time (`copy.fetch` .. `copy.staged_word`,
//! three clocks later) and shifts it into the `CHUNK`-bit word being formed `g` bits a
//! clock, `g` being the largest slice that divides both 32 and `CHUNK` (4 bits at 64
//! bits, whose words are 36 bits; a whole bus word at 512 bits). A bus word is fetched
//! every `32 / g` clocks, as the last one runs out; a word is written the clock after
//! its last slice, straight from the shift register. So every word takes the same
//! path, with no multiplexer over the stream's positions (on a 64-bit core that cut
//! took ~180 LUT4 in an iCE40, for eight positions of a 36-bit word), and the copy
//! takes `PADDED / g` clocks (81 at 64 bits, 18 at 512) plus the fetch latency. Bus
//! words past the key's ten are the padding's zeros and are not fetched.

use rust_hdl::prelude::*;

use crate::disjoint_ram::DisjointRam;
use crate::toeplitz_pipe::KEY_BITS;

/// RAM address: VPort in bits 7:5, bank in bit 4, word in bits 3:0.
const ADDRESS_BITS: usize = 8;
/// Bus words of the key (`KEY`).
const KEY_WORDS: usize = KEY_BITS / 32;
/// Clocks from `copy.fetch` to its word on `copy.staged_word`: the register file's
/// read-back RAM's ([`ByteWords`](crate::byte_words::ByteWords)).
pub use crate::byte_words::FETCH_LATENCY;
/// The part of word `w + 1` a window needs after word `w`.
const TAIL_BITS: usize = 31;

/// The slice a clock of the copy shifts: the largest power of two that divides both a
/// bus word (32 bits) and `chunk`, so a word is whole slices and so is a bus word.
const fn slice_bits(chunk: usize) -> usize {
    let mut g = 32;
    while !chunk.is_multiple_of(g) {
        g /= 2;
    }
    g
}

/// The key copy's wires, register file side: the key store fetches the staged key from
/// the register file's read-back RAM word by word and writes it into a VPort's spare
/// bank ([`KeyCopyTarget`] is the key store's side).
#[derive(LogicInterface, Default)]
#[join = "KeyCopyTarget"]
pub struct KeyCopySource {
    /// Read word `fetch_word` of the staged key (`KEY`, word 0 holding key bits 0..31,
    /// bit 0 on top). Not written from `start` to `done`.
    pub fetch: Signal<In, Bit>,
    /// Word fetched.
    pub fetch_word: Signal<In, Bits<4>>,
    /// The word fetched [`FETCH_LATENCY`] clocks ago (anything in a clock with no fetch
    /// due: it is not read then).
    pub staged_word: Signal<Out, Bits<32>>,
    /// Start copying the staged key into (`vport`, `bank`); ignored while a copy is
    /// under way.
    pub start: Signal<Out, Bit>,
    /// VPort whose key is written.
    pub vport: Signal<Out, Bits<3>>,
    /// Bank written: the one the VPort's readers do not use.
    pub bank: Signal<Out, Bit>,
    /// The copy is complete (one clock, the clock after its last write): a read issued
    /// from then on sees the new key.
    pub done: Signal<In, Bit>,
}

/// The key copy's wires, key store side (see [`KeyCopySource`]).
#[derive(LogicInterface, Default)]
#[join = "KeyCopySource"]
pub struct KeyCopyTarget {
    /// Read word `fetch_word` of the staged key.
    pub fetch: Signal<Out, Bit>,
    /// Word fetched.
    pub fetch_word: Signal<Out, Bits<4>>,
    /// The word fetched [`FETCH_LATENCY`] clocks ago.
    pub staged_word: Signal<In, Bits<32>>,
    /// Start the copy.
    pub start: Signal<In, Bit>,
    /// VPort whose key is written.
    pub vport: Signal<In, Bits<3>>,
    /// Bank written.
    pub bank: Signal<In, Bit>,
    /// The copy is complete (one clock).
    pub done: Signal<Out, Bit>,
}

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
    /// The copy of the staged key into a VPort's spare bank.
    pub copy: KeyCopyTarget,
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
    /// `copy.start`, a clock later.
    start_q: DFF<Bit>,
    /// A copy is under way (from the start to `done`).
    busy: DFF<Bit>,
    /// Fetching bus word `fetch_word` of the stream (0 .. `stream_last`), one every
    /// `32 / g` clocks (`pace` counts down to the next).
    fetching: DFF<Bit>,
    fetch_word: DFF<Bits<5>>,
    pace: DFF<Bits<5>>,
    /// A bus word goes out this clock (`fetching` and `pace` at 0), and it is one of the
    /// key's (the rest are padding): both decided a clock ahead, so the fetch into the
    /// register file's read-back RAM starts at flip-flops.
    issue: DFF<Bit>,
    fetching_key: DFF<Bit>,
    /// A stream word left 1, 2, 3 clocks ago (bit 0 the latest), and whether it was a
    /// key word fetched (the others are padding, 0).
    sent: DFF<Bits<FETCH_LATENCY>>,
    sent_fetched: DFF<Bits<FETCH_LATENCY>>,
    /// Slices are shifted in (from the first word's arrival to the last word's slice).
    feeding: DFF<Bit>,
    /// The bus word being sliced, its next slice on top.
    slicing: DFF<Bits<32>>,
    /// The word being formed, its newest slice at the bottom.
    forming: DFF<Bits<CHUNK>>,
    /// Slices in `forming`, and the word it is.
    slice_count: DFF<Bits<8>>,
    word_count: DFF<Bits<4>>,
    target: DFF<Bits<4>>,
    done: DFF<Bit>,
    /// The copy's write, the clock after its word's last slice.
    write_q: DFF<Bit>,
    /// The write is the last word's.
    last_q: DFF<Bit>,
    write_address_q: DFF<Bits<ADDRESS_BITS>>,
    /// The slice `g`, and what is left of a bus word's 32 bits below one.
    slice_bits: Constant<Bits<16>>,
    slice_shift: Constant<Bits<16>>,
    /// `32 / g - 1`: `pace`'s start.
    pace_last: Constant<Bits<5>>,
    /// `CHUNK / g - 1`: the slice that completes a word.
    word_last_slice: Constant<Bits<8>>,
    tail_lsb: Constant<Bits<16>>,
    last_word: Constant<Bits<4>>,
    key_last: Constant<Bits<5>>,
    stream_last: Constant<Bits<5>>,
    /// The bus word a slice is taken from this clock.
    current: Signal<Local, Bits<32>>,
    read_base: Signal<Local, Bits<ADDRESS_BITS>>,
}

impl<const STEPS: usize, const CHUNK: usize, const WINDOW: usize, const PADDED: usize> Default
    for KeyStore<STEPS, CHUNK, WINDOW, PADDED>
{
    fn default() -> Self {
        assert!((1..=8).contains(&STEPS), "four word bits");
        assert_eq!(FETCH_LATENCY, 3, "arrival reads bit 2 of `sent`");
        assert!((PADDED - 1) / 32 < 32, "five-bit bus word count");
        assert_eq!(WINDOW, CHUNK + TAIL_BITS);
        assert_eq!(PADDED, CHUNK * (STEPS + 1));
        assert!(PADDED >= KEY_BITS && CHUNK >= TAIL_BITS);
        let slice = slice_bits(CHUNK);
        let c = |v: usize| Constant::new((v as u64).to_bits());
        Self {
            clock: Default::default(),
            reset: Default::default(),
            copy: Default::default(),
            read_vport: Default::default(),
            read_bank: Default::default(),
            read_step: Default::default(),
            window: Default::default(),
            head: DisjointRam::zeroed(),
            tail: DisjointRam::zeroed(),
            start_q: Default::default(),
            busy: Default::default(),
            fetching: Default::default(),
            fetch_word: Default::default(),
            pace: Default::default(),
            issue: Default::default(),
            fetching_key: Default::default(),
            sent: Default::default(),
            sent_fetched: Default::default(),
            feeding: Default::default(),
            slicing: Default::default(),
            forming: Default::default(),
            slice_count: Default::default(),
            word_count: Default::default(),
            target: Default::default(),
            done: Default::default(),
            write_q: Default::default(),
            last_q: Default::default(),
            write_address_q: Default::default(),
            slice_bits: c(slice),
            slice_shift: c(32 - slice),
            pace_last: Constant::new(((32 / slice - 1) as u64).to_bits()),
            word_last_slice: Constant::new(((CHUNK / slice - 1) as u64).to_bits()),
            tail_lsb: c(CHUNK - TAIL_BITS),
            last_word: Constant::new((STEPS as u64).to_bits()),
            key_last: Constant::new(((KEY_WORDS - 1) as u64).to_bits()),
            stream_last: Constant::new((((PADDED - 1) / 32) as u64).to_bits()),
            current: Default::default(),
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
            start_q,
            busy,
            fetching,
            fetch_word,
            pace,
            issue,
            fetching_key,
            sent,
            sent_fetched,
            feeding,
            slicing,
            forming,
            slice_count,
            word_count,
            target,
            done,
            write_q,
            last_q,
            write_address_q
        );
        self.head.read_clock.next = self.clock.val();
        self.head.write_clock.next = self.clock.val();
        self.tail.read_clock.next = self.clock.val();
        self.tail.write_clock.next = self.clock.val();

        // Copy, fetch side: the stream's bus words in order, one every `32 / g` clocks;
        // the key's are fetched, the padding's only counted.
        self.copy.fetch.next = self.issue.q.val() & self.fetching_key.q.val();
        self.copy.fetch_word.next = self.fetch_word.q.val().get_bits::<4>(0);
        self.sent.d.next =
            (self.sent.q.val() << 1_u64) | bit_cast::<FETCH_LATENCY, 1>(self.issue.q.val().into());
        self.sent_fetched.d.next = (self.sent_fetched.q.val() << 1_u64)
            | bit_cast::<FETCH_LATENCY, 1>(self.copy.fetch.val().into());
        // Between copies the counters rest at their start and the target follows the
        // request, so a start sets flags and loads nothing else: the start decision
        // (the register file's, behind the datapath's holds) drives no wide enable.
        self.issue.d.next = false;
        if self.fetching.q.val() {
            self.pace.d.next = self.pace.q.val() - 1_u64;
            self.issue.d.next = self.pace.q.val() == 1_u64;
            if self.issue.q.val() {
                self.pace.d.next = self.pace_last.val();
                self.issue.d.next = !self.pace_last.val().any();
                self.fetch_word.d.next = self.fetch_word.q.val() + 1_u64;
                if self.fetch_word.q.val() == self.key_last.val() {
                    self.fetching_key.d.next = false;
                }
                if self.fetch_word.q.val() == self.stream_last.val() {
                    self.fetching.d.next = false;
                    self.issue.d.next = false;
                }
            }
        } else {
            self.fetch_word.d.next = 0.into();
            self.pace.d.next = 0.into();
        }
        // The start is registered first: the register file's decision crosses to the
        // key store's corner of the die with nothing behind it.
        self.start_q.d.next = self.copy.start.val();
        if !self.busy.q.val() {
            self.slice_count.d.next = 0.into();
            self.word_count.d.next = 0.into();
            self.target.d.next = (bit_cast::<4, 3>(self.copy.vport.val()) << 1_u64)
                | bit_cast::<4, 1>(self.copy.bank.val().into());
            if self.start_q.q.val() {
                self.busy.d.next = true;
                self.fetching.d.next = true;
                self.fetching_key.d.next = true;
                self.issue.d.next = true;
            }
        }
        // Feed side: a bus word arrives as the one before runs out of slices; each clock
        // from the first arrival shifts one slice into the word being formed, and the
        // clock after a word's last slice writes it.
        self.current.next = self.slicing.q.val();
        if self.sent.q.val().get_bit(2) {
            self.current.next = 0.into();
            if self.sent_fetched.q.val().get_bit(2) {
                self.current.next = self.copy.staged_word.val();
            }
            self.feeding.d.next = true;
        }
        self.write_q.d.next = false;
        if self.feeding.q.val() | self.sent.q.val().get_bit(2) {
            self.forming.d.next = (self.forming.q.val() << self.slice_bits.val())
                | bit_cast::<CHUNK, 32>(self.current.val() >> self.slice_shift.val());
            self.slicing.d.next = self.current.val() << self.slice_bits.val();
            self.slice_count.d.next = self.slice_count.q.val() + 1_u64;
            if self.slice_count.q.val() == self.word_last_slice.val() {
                self.slice_count.d.next = 0.into();
                self.word_count.d.next = self.word_count.q.val() + 1_u64;
                self.write_q.d.next = true;
                self.write_address_q.d.next = (bit_cast::<ADDRESS_BITS, 4>(self.target.q.val())
                    << 4_u64)
                    | bit_cast::<ADDRESS_BITS, 4>(self.word_count.q.val());
                self.last_q.d.next = self.word_count.q.val() == self.last_word.val();
                if self.word_count.q.val() == self.last_word.val() {
                    self.feeding.d.next = false;
                }
            }
        }
        self.head.write_address.next = self.write_address_q.q.val();
        self.head.write_data.next = self.forming.q.val();
        self.tail.write_address.next = self.write_address_q.q.val() - 1_u64;
        self.tail.write_data.next = self
            .forming
            .q
            .val()
            .get_bits::<TAIL_BITS>(self.tail_lsb.val().index());
        self.head.write_enable.next = self.write_q.q.val();
        // Word 0 has no tail (its top is word -1's).
        self.tail.write_enable.next =
            self.write_q.q.val() & self.write_address_q.q.val().get_bits::<4>(0).any();
        // Done the clock after the last word's write.
        self.done.d.next = self.write_q.q.val() & self.last_q.q.val();
        if self.done.d.val() {
            self.busy.d.next = false;
        }
        if self.reset.val() {
            self.start_q.d.next = false;
            self.busy.d.next = false;
            self.fetching.d.next = false;
            self.issue.d.next = false;
            self.sent.d.next = 0.into();
            self.sent_fetched.d.next = 0.into();
            self.feeding.d.next = false;
            self.write_q.d.next = false;
            self.done.d.next = false;
        }
        self.copy.done.next = self.done.q.val();

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

    /// A bus word and every width's key word are whole slices, the largest such.
    #[test]
    fn slices_divide_the_bus_word_and_the_key_word() {
        for (chunk, slice) in [(36, 4), (72, 8), (144, 16), (288, 32)] {
            assert_eq!(slice_bits(chunk), slice, "{chunk}");
        }
    }

    /// Every width's layout: the copy shifts its words out of the bus-word stream in
    /// slices whose size differs with `CHUNK`.
    #[test]
    fn key_store_windows_are_the_key_bits_of_each_step_and_bank() {
        windows_are_the_key_bits::<8, 36, 67, 324>();
        windows_are_the_key_bits::<4, 72, 103, 360>();
        windows_are_the_key_bits::<2, 144, 175, 432>();
        windows_are_the_key_bits::<1, 288, 319, 576>();
    }

    fn windows_are_the_key_bits<
        const STEPS: usize,
        const CHUNK: usize,
        const WINDOW: usize,
        const PADDED: usize,
    >() {
        let mut uut = KeyStore::<STEPS, CHUNK, WINDOW, PADDED>::default();
        uut.connect_all();
        let mut sim = Simulation::new();
        sim.add_clock(5, |x: &mut Box<KeyStore<STEPS, CHUNK, WINDOW, PADDED>>| {
            x.clock.next = !x.clock.val()
        });
        sim.add_testbench(move |mut ep: Sim<KeyStore<STEPS, CHUNK, WINDOW, PADDED>>| {
            let mut x = ep.init()?;
            let slices = (PADDED / slice_bits(CHUNK)) as u64;
            let keys: [[u8; 40]; 2] = [
                core::array::from_fn(|i| (i as u8).wrapping_mul(37) ^ 0x5a),
                core::array::from_fn(|i| 0xff - (i as u8) * 3),
            ];
            // Key 0 into VPort 2 bank 1, key 1 into VPort 2 bank 0, served as the
            // register file serves `KEY`: word k is bytes 4k..4k + 3, the first on top,
            // FETCH_LATENCY clocks after its fetch; anything (here junk) when no fetch is
            // due.
            for (bank, key) in [(true, &keys[0]), (false, &keys[1])] {
                let bus_word = |k: usize| {
                    u64::from(u32::from_be_bytes(
                        key[4 * k..4 * k + 4].try_into().unwrap(),
                    ))
                };
                let mut fetches: Vec<Option<usize>> = vec![None; FETCH_LATENCY];
                x.copy.vport.next = 2.into();
                x.copy.bank.next = bank;
                x.copy.start.next = true;
                let mut clocks = 0;
                let mut fetched = Vec::new();
                loop {
                    let due = fetches[fetches.len() - FETCH_LATENCY];
                    x.copy.staged_word.next = match due {
                        Some(k) => bus_word(k).to_bits(),
                        None => (0xdead_beef_u64 ^ clocks).to_bits(),
                    };
                    let fetch = x.copy.fetch.val();
                    let word = x.copy.fetch_word.val().index();
                    fetches.push(fetch.then_some(word));
                    if fetch {
                        fetched.push(word);
                    }
                    wait_clock_cycle!(ep, clock, x);
                    x.copy.start.next = false;
                    clocks += 1;
                    if x.copy.done.val() {
                        break;
                    }
                    sim_assert!(ep, clocks <= slices + 10, x);
                }
                // The start's register, the first fetch, its latency, one clock a slice
                // (the key's ten bus words fetched in order, then the padding's), the
                // write and done.
                sim_assert_eq!(ep, clocks, slices + 6, x);
                sim_assert!(ep, fetched == (0..10).collect::<Vec<_>>(), x);
            }
            for (bank, key) in [(true, &keys[0]), (false, &keys[1])] {
                for step in 0..STEPS {
                    x.read_vport.next = 2.into();
                    x.read_bank.next = bank;
                    x.read_step.next = (step as u64).to_bits();
                    wait_clock_cycle!(ep, clock, x);
                    let want = key_bits::<WINDOW>(key, CHUNK * step);
                    sim_assert_eq!(ep, x.window.val(), want, x);
                }
            }
            // Another VPort's words were not touched.
            x.read_vport.next = 1.into();
            x.read_step.next = 0.into();
            wait_clock_cycle!(ep, clock, x);
            sim_assert_eq!(ep, x.window.val(), Bits::<WINDOW>::default(), x);
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
