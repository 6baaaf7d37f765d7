//! A wide register written and read as an array of 32-bit bus words (`KEY`,
//! `PROBE_INPUT`): word 0 holds the top 32 bits, byte 4n of the string in its bits
//! 31:24.
//!
//! Every byte is a register whose enable is its word's address match and its write
//! strobe (a [`LaneRegister`]), so writes cost flip-flop enables instead of a merge
//! multiplexer on every bit. Reads do not touch those registers: every write also goes to a
//! [`WordMirror`], and a read returns the mirror's word, a clock later than a register
//! would, for a RAM read instead of a multiplexer over all the words.
//!
//! The key store fetches the staged key through the same RAM (`fetch`, a word a clock,
//! answered on `read_data` three clocks later, like a bus read): the register file holds
//! the bus's reads off while it does, and the owner can leave `value` unconnected, so
//! synthesis drops the registers and the words live in the RAM alone.
//!
//! A register the build lacks (`PROBE_INPUT` without the probe, `KEY_EXT` with a
//! 40-byte key) is built absent: held at 0, never written, off the bus, so synthesis
//! removes it and its owner needs no gating of its own.

use rust_hdl::prelude::*;

use crate::csr::WORD_ADDR_BITS;
use crate::lane_register::{LaneRegister, MAX_WORDS};
use crate::word_mirror::WordMirror;

/// Mirror RAM address bits: up to 16 words.
pub const MIRROR_ADDRESS_BITS: usize = 4;
/// Clocks from `fetch` to its word on `read_data` (index register, RAM, output
/// register).
pub const FETCH_LATENCY: usize = 3;

#[derive(LogicBlock)]
pub struct ByteWords<const BITS: usize> {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// Synchronous reset to 0.
    pub reset: Signal<In, Bit>,
    /// Word address of the write on the bus.
    pub write_address: Signal<In, Bits<WORD_ADDR_BITS>>,
    /// Write data.
    pub write_data: Signal<In, Bits<32>>,
    /// Write byte strobes.
    pub write_strobes: Signal<In, Bits<4>>,
    /// The write happens this clock. Its address has been held for at least a clock
    /// (`AxilWriteSlot`), so the bytes' enables come from a decode registered then.
    pub write_strobe: Signal<In, Bit>,
    /// Word address of the read the bus offers (valid with `read_load`).
    pub read_request: Signal<In, Bits<WORD_ADDR_BITS>>,
    /// The register file is between reads and loads `read_request` (in the clock the bus
    /// takes a read, the read's: held from the next clock until the answer).
    pub read_load: Signal<In, Bit>,
    /// Read word `fetch_index` now, for the owner (no bus read may be under way or taken
    /// while fetches are answered): its word is on `read_data` three clocks later.
    pub fetch: Signal<In, Bit>,
    /// Word fetched.
    pub fetch_index: Signal<In, Bits<MIRROR_ADDRESS_BITS>>,
    /// The write address is one of the words (such a write never faults): its decode,
    /// registered (the address is held for the clocks a write waits).
    pub write_hit: Signal<Out, Bit>,
    /// The held read address is one of the words (a register, set the second clock
    /// after the take).
    pub read_hit: Signal<Out, Bit>,
    /// The word taken or fetched three clocks ago when that was one of ours, else 0
    /// (registered behind the mirror RAM).
    pub read_data: Signal<Out, Bits<32>>,
    /// The whole register, word 0 in the top bits.
    pub value: Signal<Out, Bits<BITS>>,
    /// The bytes, word 0 on top.
    stored: LaneRegister<BITS>,
    mirror: WordMirror<MIRROR_ADDRESS_BITS>,
    /// The build has the register.
    present: Constant<Bit>,
    base: Constant<Bits<WORD_ADDR_BITS>>,
    words: Constant<Bits<WORD_ADDR_BITS>>,
    write_index: Signal<Local, Bits<WORD_ADDR_BITS>>,
    request_index: Signal<Local, Bits<WORD_ADDR_BITS>>,
    /// The offered read is one of the words.
    request_hit: Signal<Local, Bit>,
    /// The write address's decode and the word it names, a clock ago.
    hit_q: DFF<Bit>,
    index_q: DFF<Bits<MIRROR_ADDRESS_BITS>>,
    /// The word it names, one-hot: the bytes' enables (see `LaneRegister::words`).
    word_select_q: DFF<Bits<MAX_WORDS>>,
    one: Constant<Bits<MAX_WORDS>>,
    /// The read loaded last was one of the words (its decode at the load, registered
    /// twice), so the mirror's clear and the bus's read multiplexer start at a flip-flop.
    read_loaded_hit_q: DFF<Bit>,
    read_hit_q: DFF<Bit>,
    /// A fetch was made one and two clocks ago.
    fetched_q: DFF<Bits<2>>,
}

impl<const BITS: usize> ByteWords<BITS> {
    /// The register at word address `base` (byte offset / 4); `present` false builds it
    /// absent (see the module doc).
    pub fn new(base: u64, present: bool) -> Self {
        assert_eq!(BITS % 32, 0, "whole words");
        assert!(BITS / 32 <= 1 << MIRROR_ADDRESS_BITS);
        Self {
            clock: Default::default(),
            reset: Default::default(),
            write_address: Default::default(),
            write_data: Default::default(),
            write_strobes: Default::default(),
            write_strobe: Default::default(),
            read_request: Default::default(),
            read_load: Default::default(),
            fetch: Default::default(),
            fetch_index: Default::default(),
            write_hit: Default::default(),
            read_hit: Default::default(),
            read_data: Default::default(),
            value: Default::default(),
            stored: LaneRegister::top_first(if present { BITS / 32 } else { 0 }),
            mirror: Default::default(),
            present: Constant::new(present),
            base: Constant::new(base.to_bits()),
            words: Constant::new(((BITS / 32) as u64).to_bits()),
            write_index: Default::default(),
            request_index: Default::default(),
            request_hit: Default::default(),
            hit_q: Default::default(),
            index_q: Default::default(),
            word_select_q: Default::default(),
            one: Constant::new(1_u64.to_bits()),
            read_loaded_hit_q: Default::default(),
            read_hit_q: Default::default(),
            fetched_q: Default::default(),
        }
    }
}

impl<const BITS: usize> Logic for ByteWords<BITS> {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self,
            clock,
            hit_q,
            index_q,
            word_select_q,
            read_loaded_hit_q,
            read_hit_q,
            fetched_q
        );
        self.stored.clock.next = self.clock.val();
        self.stored.reset.next = self.reset.val();
        self.mirror.clock.next = self.clock.val();
        self.mirror.reset.next = self.reset.val();
        self.hit_q.d.next = (self.write_address.val() >= self.base.val())
            & (self.write_address.val() < self.base.val() + self.words.val())
            & self.present.val();
        self.write_hit.next = self.hit_q.q.val();
        self.write_index.next = self.write_address.val() - self.base.val();
        self.index_q.d.next = self.write_index.val().get_bits::<MIRROR_ADDRESS_BITS>(0);
        self.word_select_q.d.next =
            self.one.val() << self.write_index.val().get_bits::<MIRROR_ADDRESS_BITS>(0);
        self.stored.words.next = self.word_select_q.q.val();
        self.stored.data.next = self.write_data.val();
        self.stored.lanes.next = 0.into();
        if self.write_strobe.val() & self.hit_q.q.val() {
            self.stored.lanes.next = self.write_strobes.val();
        }
        self.value.next = self.stored.value.val();

        self.mirror.write.next = self.write_strobe.val() & self.hit_q.q.val();
        self.mirror.write_index.next = self.index_q.q.val();
        self.mirror.write_data.next = self.write_data.val();
        self.mirror.write_strobes.next = self.write_strobes.val();
        // Decoded from the bus's request as it is offered: the mirror's index is loaded
        // only for our words, so it is a register of ours, near the mirror.
        self.request_hit.next = (self.read_request.val() >= self.base.val())
            & (self.read_request.val() < self.base.val() + self.words.val())
            & self.present.val();
        self.request_index.next = self.read_request.val() - self.base.val();
        if self.read_load.val() {
            self.read_loaded_hit_q.d.next = self.request_hit.val();
        }
        self.read_hit_q.d.next = self.read_loaded_hit_q.q.val();
        self.read_hit.next = self.read_hit_q.q.val();
        self.mirror.read_load.next =
            (self.read_load.val() & self.request_hit.val()) | self.fetch.val();
        self.mirror.read_index.next = self.request_index.val().get_bits::<MIRROR_ADDRESS_BITS>(0);
        if self.fetch.val() {
            self.mirror.read_index.next = self.fetch_index.val();
        }
        self.fetched_q.d.next =
            (self.fetched_q.q.val() << 1_u64) | bit_cast::<2, 1>(self.fetch.val().into());
        self.mirror.read_hit.next = self.read_hit.val() | self.fetched_q.q.val().get_bit(1);
        self.read_data.next = self.mirror.read_data.val();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn byte_words_merge_strobed_bytes_and_read_back_words() {
        let mut uut = ByteWords::<96>::new(0x10, true);
        uut.connect_all();
        let mut sim = Simulation::new();
        sim.add_clock(5, |x: &mut Box<ByteWords<96>>| {
            x.clock.next = !x.clock.val()
        });
        sim.add_testbench(move |mut ep: Sim<ByteWords<96>>| {
            let mut x = ep.init()?;
            x.reset.next = true;
            wait_clock_cycle!(ep, clock, x);
            x.reset.next = false;
            for (address, data, strobes) in [
                (0x10_u64, 0x1122_3344_u64, 0xf_u64),
                (0x11, 0x5566_7788, 0xf),
                (0x12, 0x99aa_bbcc, 0xf),
                (0x11, 0xdead_beef, 0b0101),
            ] {
                // Held two clocks, then performed, as the write slot does (it holds
                // three).
                x.write_address.next = address.to_bits();
                x.write_data.next = data.to_bits();
                x.write_strobes.next = strobes.to_bits();
                x.write_strobe.next = false;
                wait_clock_cycles!(ep, clock, x, 2);
                x.write_strobe.next = true;
                wait_clock_cycle!(ep, clock, x);
            }
            x.write_strobe.next = false;
            wait_clock_cycle!(ep, clock, x);
            sim_assert!(ep, x.value.val().get_bits::<32>(64) == 0x1122_3344_u64, x);
            sim_assert!(ep, x.value.val().get_bits::<32>(32) == 0x55ad_77ef_u64, x);
            sim_assert!(ep, x.value.val().get_bits::<32>(0) == 0x99aa_bbcc_u64, x);
            // As the register file reads: the request taken, the hit two clocks later,
            // the word in the clock after.
            macro_rules! read {
                ($address:expr) => {{
                    x.read_request.next = $address.to_bits();
                    x.read_load.next = true;
                    wait_clock_cycle!(ep, clock, x);
                    x.read_load.next = false;
                    x.read_request.next = 0x7ff_u64.to_bits();
                    wait_clock_cycles!(ep, clock, x, 2);
                    let hit = x.read_hit.val();
                    wait_clock_cycle!(ep, clock, x);
                    hit
                }};
            }
            for (address, word) in [
                (0x10_u64, 0x1122_3344_u64),
                (0x11, 0x55ad_77ef),
                (0x12, 0x99aa_bbcc),
                (0x13, 0),
            ] {
                let hit = read!(address);
                sim_assert!(ep, hit == (address != 0x13), x);
                sim_assert_eq!(ep, x.read_data.val(), word, x);
            }
            // Fetches, one a clock as the key store makes them: each word three clocks
            // later, 0 for the word never written.
            let want = [0x1122_3344_u64, 0x55ad_77ef, 0x99aa_bbcc, 0];
            let mut answers = Vec::new();
            for clock in 0..7 {
                x.fetch.next = clock < 4;
                x.fetch_index.next = (clock as u64 % 4).to_bits();
                wait_clock_cycle!(ep, clock, x);
                answers.push(x.read_data.val());
            }
            x.fetch.next = false;
            // `answers[n]` is the word of the clock after n: fetch n is on it at n + 2.
            for (n, word) in want.iter().enumerate() {
                sim_assert_eq!(ep, answers[n + 2], *word, x);
            }
            // After a reset every word reads 0 though the mirror holds the old ones; a
            // word's first write leaves its other bytes 0.
            x.reset.next = true;
            wait_clock_cycle!(ep, clock, x);
            x.reset.next = false;
            x.write_address.next = 0x11_u64.to_bits();
            x.write_data.next = 0x0102_0304_u64.to_bits();
            x.write_strobes.next = 0b0010_u64.to_bits();
            wait_clock_cycles!(ep, clock, x, 2);
            x.write_strobe.next = true;
            wait_clock_cycle!(ep, clock, x);
            x.write_strobe.next = false;
            for (address, word) in [(0x10_u64, 0_u64), (0x11, 0x0000_0300), (0x12, 0)] {
                read!(address);
                sim_assert_eq!(ep, x.read_data.val(), word, x);
            }
            sim_assert!(ep, x.value.val() == 0x0300_u64 << 32, x);
            ep.done(x)
        });
        sim.run(Box::new(uut), 10_000).unwrap();
    }

    #[test]
    fn an_absent_register_takes_no_write_and_answers_no_address() {
        let mut uut = ByteWords::<96>::new(0x10, false);
        uut.connect_all();
        let mut sim = Simulation::new();
        sim.add_clock(5, |x: &mut Box<ByteWords<96>>| {
            x.clock.next = !x.clock.val()
        });
        sim.add_testbench(move |mut ep: Sim<ByteWords<96>>| {
            let mut x = ep.init()?;
            x.write_data.next = 0x1122_3344_u64.to_bits();
            x.write_strobes.next = 0xf_u64.to_bits();
            for address in 0x10_u64..0x13 {
                x.write_address.next = address.to_bits();
                x.read_request.next = address.to_bits();
                x.read_load.next = true;
                x.write_strobe.next = true;
                wait_clock_cycles!(ep, clock, x, 2);
                sim_assert!(ep, !x.write_hit.val() & !x.read_hit.val(), x);
            }
            x.write_strobe.next = false;
            wait_clock_cycle!(ep, clock, x);
            sim_assert!(
                ep,
                (x.value.val() == 0_u64) & (x.read_data.val() == 0_u64),
                x
            );
            ep.done(x)
        });
        sim.run(Box::new(uut), 10_000).unwrap();
    }

    #[test]
    fn byte_words_is_synthesizable() {
        let mut uut = ByteWords::<320>::new(0x10, true);
        uut.connect_all();
        crate::lint::assert_lints_clean(&generate_verilog(&uut), "byte_words");
    }
}
