//! The hash probe's registers (`PROBE_INPUT`, `PROBE`, `PROBE_HASH`, `PROBE_RESULT`,
//! per `rss_model::regmap`): the input a driver writes, the request the datapath
//! serves, and the answer it leaves.
//!
//! The input is a [`ByteWords`] (every byte a register enabled by its strobe). A `PROBE`
//! write that is legal raises `request` until the datapath reports `done`; the bus
//! answers that write only then (see `AxilRegs`), so a driver reading `PROBE_HASH`
//! after its write response reads this probe's hash. In a build without the probe
//! (`Params::hash_probe` false) nothing here answers the bus and `request` stays low,
//! so synthesis removes the block and the datapath's probe input choice.
//!
//! The datapath takes the input in one of two ways. The tuple core reads it whole
//! (`hash_input`, the bytes' registers). The frame core streams it (`stream`): the nine
//! words are fetched from the input's read-back RAM, one a clock, and come out on
//! `word` in nine consecutive clocks, word 0 first, already cut to the type's length,
//! to be shifted into the job register the frames use. The frame core leaves
//! `hash_input` unread, so synthesis drops the 288 input flip-flops (on an iCE40 each
//! is a logic cell of its own: its input comes from the bus's data register) and the
//! 288-bit cut, and keeps the words in the RAM alone, as the key store keeps the
//! staged key.

use rss_model::HashType;
use rss_model::regmap::{Access, Register, RegisterMap, field, index};
use rust_hdl::prelude::*;

use crate::axil_regs::QUEUE_BITS;
use crate::byte_words::{ByteWords, FETCH_LATENCY};
use crate::csr::{WORD_ADDR_BITS, expect_access, outside_check, word};
use crate::toeplitz_pipe::TUPLE_BITS;
use crate::word_decode::{DECODE_BITS, decode_constant};

/// 32-bit words of `PROBE_INPUT`.
const INPUT_WORDS: usize = TUPLE_BITS / 32;

#[derive(LogicBlock)]
pub struct ProbeRegs {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// Synchronous reset: input, result and count to 0, a pending probe dropped.
    pub reset: Signal<In, Bit>,
    /// Word address of the write on the bus.
    pub write_address: Signal<In, Bits<WORD_ADDR_BITS>>,
    /// The write's word address, predecoded (`WordDecode`).
    pub write_decode: Signal<In, Bits<DECODE_BITS>>,
    /// Write data, unstrobed bytes zero (as `AxilWriteSlot` holds it).
    pub write_data: Signal<In, Bits<32>>,
    /// Bit `k`: nibble `k` of `write_data` is not zero (`AxilWriteSlot::data_nibbles`).
    pub write_nibbles: Signal<In, Bits<8>>,
    /// Write byte strobes.
    pub write_strobes: Signal<In, Bits<4>>,
    /// The write happens this clock. Its address and data have been held for at least
    /// two clocks (`AxilWriteSlot`), so whether a `PROBE` write is taken is decided
    /// ahead, from the registered decode.
    pub write_strobe: Signal<In, Bit>,
    /// Word address of the read the bus offers (valid with `read_load`).
    pub read_request: Signal<In, Bits<WORD_ADDR_BITS>>,
    /// The register file is between reads and loads `read_request` (in the clock the bus
    /// takes a read, the read's: held from the next clock until the answer).
    pub read_load: Signal<In, Bit>,
    /// The held read address, predecoded (from the clock after the take).
    pub read_decode: Signal<In, Bits<DECODE_BITS>>,
    /// The write address is one of these registers (the held address's decode, a
    /// clock ago, like `write_fault`).
    pub write_hit: Signal<Out, Bit>,
    /// The write is refused (SLVERR): read-only register, or a `PROBE` value with a
    /// bit outside its fields, a type past 8 or a VPort past the build.
    pub write_fault: Signal<Out, Bit>,
    /// The read address is one of these registers (from registers: `read_decode` a
    /// clock ago, or the input words' decode at the take).
    pub read_hit: Signal<Out, Bit>,
    /// The value when `read_hit`, else 0, for every register but `PROBE_INPUT`.
    pub read_data: Signal<Out, Bits<32>>,
    /// A `PROBE_INPUT` word, a clock later than `read_data` (from a block RAM mirror,
    /// see [`ByteWords`]).
    pub input_read_data: Signal<Out, Bits<32>>,
    /// This clock's write starts a probe: its bus response waits for `done`.
    pub taken: Signal<Out, Bit>,
    /// A probe waits for the datapath, from the clock after its write until `done`.
    pub request: Signal<Out, Bit>,
    /// The input cut to the probed type's length (bytes past it are 0), byte 0 in the
    /// top bits: the hash unit's tuple.
    pub hash_input: Signal<Out, Bits<TUPLE_BITS>>,
    /// The probed type, one-hot in `HASH_TYPES` bit order.
    pub hash_type: Signal<Out, Bits<9>>,
    /// The probed VPort.
    pub vport: Signal<Out, Bits<3>>,
    /// The datapath's answer is here (one clock).
    pub done: Signal<In, Bit>,
    /// The probe's hash.
    pub done_hash: Signal<In, Bits<32>>,
    /// The datapath takes the input as words now (held from the clock after its
    /// choice until the last word is in; low again before the next probe).
    pub stream: Signal<In, Bit>,
    /// No bus read is under way or can be taken (the register file holds reads off
    /// while `stream` is high): the input's RAM may be fetched.
    pub fetch_allowed: Signal<In, Bit>,
    /// An input word, cut to the type's length, with `word_valid` (nine clocks in a
    /// row, word 0 first, from the first clock `stream` and `fetch_allowed` meet).
    pub word: Signal<Out, Bits<32>>,
    /// `word` is one of the streamed words.
    pub word_valid: Signal<Out, Bit>,
    /// The last word (word 8) is on `word` next clock (a register).
    pub last_word_next: Signal<Out, Bit>,
    /// The queue the probe's type and input would get.
    pub done_queue: Signal<In, Bits<QUEUE_BITS>>,
    /// The VPort hashes that type (RSS and the type enabled).
    pub done_hashed: Signal<In, Bit>,
    input_words: ByteWords<TUPLE_BITS>,
    /// The build has the probe.
    present: Constant<Bit>,
    type_q: DFF<Bits<4>>,
    vport_q: DFF<Bits<3>>,
    pending: DFF<Bit>,
    /// The held write's decode, a clock ago: a `PROBE` write, its value illegal, a
    /// write to a read-only result register.
    probe_hit_q: DFF<Bit>,
    probe_fault_q: DFF<Bit>,
    result_hit_q: DFF<Bit>,
    /// The held write is a `PROBE` write that would be taken (decided from those).
    accept_q: DFF<Bit>,
    hash_q: DFF<Bits<32>>,
    queue_q: DFF<Bits<QUEUE_BITS>>,
    hashed_q: DFF<Bit>,
    count_q: DFF<Bits<16>>,
    /// Words fetched for the stream (0 before the first; 9 when all are).
    fetch_count: DFF<Bits<4>>,
    /// Per fetch, carried along the RAM's [`FETCH_LATENCY`] clocks (bit 2 the word on
    /// `word`): it was made, its word is within the type's length, it is the last.
    fetched_q: DFF<Bits<FETCH_LATENCY>>,
    kept_q: DFF<Bits<FETCH_LATENCY>>,
    last_q: DFF<Bits<FETCH_LATENCY>>,
    fetch_now: Signal<Local, Bit>,
    /// Words of the input, and the last one's index.
    stream_words: Constant<Bits<4>>,
    stream_last: Constant<Bits<4>>,
    /// The three registers' address predecodes.
    probe_address: Constant<Bits<DECODE_BITS>>,
    hash_address: Constant<Bits<DECODE_BITS>>,
    result_address: Constant<Bits<DECODE_BITS>>,
    /// `PROBE`'s value check for bits outside its fields, by nibble flags and bits.
    probe_outside_nibbles: Constant<Bits<8>>,
    probe_outside_bits: Constant<Bits<32>>,
    /// `read_decode` was `PROBE`, `PROBE_HASH`, `PROBE_RESULT` (bits 0, 1, 2), a clock
    /// ago: the read address's decode, registered.
    read_sel_q: DFF<Bits<3>>,
    type_max: Constant<Bits<4>>,
    vport_max: Constant<Bits<3>>,
    vport_lsb: Constant<Bits<16>>,
    /// Words each type hashes, 4 bits per type in `HASH_TYPES` bit order.
    type_words: Constant<Bits<36>>,
    word_ones: Constant<Bits<TUPLE_BITS>>,
    probe_hit: Signal<Local, Bit>,
    probe_fault: Signal<Local, Bit>,
    words: Signal<Local, Bits<4>>,
    input_mask: Signal<Local, Bits<TUPLE_BITS>>,
}

impl ProbeRegs {
    /// The block for `map`'s probe registers.
    pub fn new(map: &RegisterMap) -> Self {
        let input = map.register(index::PROBE_INPUT);
        expect_access(input, Access::ReadWrite);
        assert_eq!(input.count as usize, INPUT_WORDS, "PROBE_INPUT size");
        assert_eq!(
            FETCH_LATENCY, 3,
            "a fetch's answer reads bit 2 of `fetched_q`"
        );
        let probe = map.register(index::PROBE);
        let probe_outside = outside_check(u64::from(probe.writable_mask()));
        expect_access(probe, Access::WriteTrigger);
        let vport = probe_field(probe, "VPORT");
        assert_eq!(probe_field(probe, "TYPE").lsb, field::PROBE_TYPE.lsb);
        assert_eq!(field::PROBE_TYPE.lsb, 0, "PROBE.TYPE layout");
        let hash = map.register(index::PROBE_HASH);
        let result = map.register(index::PROBE_RESULT);
        expect_access(hash, Access::ReadOnly);
        expect_access(result, Access::ReadOnly);
        assert_eq!(result.fields()[0].lsb, 0, "PROBE_RESULT.QUEUE layout");
        assert_eq!(field::PROBE_RESULT_HASHED.lsb, 8, "PROBE_RESULT layout");
        assert_eq!(field::PROBE_RESULT_COUNT.lsb, 16, "PROBE_RESULT layout");
        let mut type_words = 0u64;
        for t in HashType::ALL {
            type_words |= ((t.input_bytes() / 4) as u64) << (4 * t.bit());
        }
        let ones = |bits: usize| -> Bits<TUPLE_BITS> {
            let mut v: Bits<TUPLE_BITS> = 0.into();
            for b in 0..bits {
                v = v.replace_bit(b, true);
            }
            v
        };
        ProbeRegs {
            clock: Default::default(),
            reset: Default::default(),
            write_address: Default::default(),
            write_data: Default::default(),
            write_decode: Default::default(),
            write_nibbles: Default::default(),
            write_strobes: Default::default(),
            write_strobe: Default::default(),
            read_request: Default::default(),
            read_load: Default::default(),
            read_decode: Default::default(),
            write_hit: Default::default(),
            write_fault: Default::default(),
            read_hit: Default::default(),
            read_data: Default::default(),
            input_read_data: Default::default(),
            taken: Default::default(),
            request: Default::default(),
            hash_input: Default::default(),
            hash_type: Default::default(),
            vport: Default::default(),
            done: Default::default(),
            done_hash: Default::default(),
            done_queue: Default::default(),
            done_hashed: Default::default(),
            stream: Default::default(),
            fetch_allowed: Default::default(),
            word: Default::default(),
            word_valid: Default::default(),
            last_word_next: Default::default(),
            input_words: ByteWords::new(word(input.offset), map.has(index::PROBE)),
            present: Constant::new(map.has(index::PROBE)),
            type_q: Default::default(),
            vport_q: Default::default(),
            pending: Default::default(),
            probe_hit_q: Default::default(),
            probe_fault_q: Default::default(),
            result_hit_q: Default::default(),
            accept_q: Default::default(),
            hash_q: Default::default(),
            queue_q: Default::default(),
            hashed_q: Default::default(),
            count_q: Default::default(),
            fetch_count: Default::default(),
            fetched_q: Default::default(),
            kept_q: Default::default(),
            last_q: Default::default(),
            fetch_now: Default::default(),
            stream_words: Constant::new((INPUT_WORDS as u64).to_bits()),
            stream_last: Constant::new((INPUT_WORDS as u64 - 1).to_bits()),
            probe_address: decode_constant(word(probe.offset)),
            hash_address: decode_constant(word(hash.offset)),
            result_address: decode_constant(word(result.offset)),
            probe_outside_nibbles: probe_outside.0,
            probe_outside_bits: probe_outside.1,
            read_sel_q: Default::default(),
            type_max: Constant::new(u64::from(field::PROBE_TYPE.max).to_bits()),
            vport_max: Constant::new(u64::from(vport.max).to_bits()),
            vport_lsb: Constant::new(u64::from(vport.lsb).to_bits()),
            type_words: Constant::new(type_words.to_bits()),
            word_ones: Constant::new(ones(32)),
            probe_hit: Default::default(),
            probe_fault: Default::default(),
            words: Default::default(),
            input_mask: Default::default(),
        }
    }
}

fn probe_field(reg: &Register, name: &str) -> rss_model::regmap::Field {
    *reg.field_named(name)
        .unwrap_or_else(|| panic!("{}.{name} missing", reg.name))
}

impl Logic for ProbeRegs {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self,
            clock,
            type_q,
            vport_q,
            pending,
            probe_hit_q,
            probe_fault_q,
            result_hit_q,
            accept_q,
            hash_q,
            queue_q,
            hashed_q,
            count_q,
            fetch_count,
            fetched_q,
            kept_q,
            last_q,
            read_sel_q
        );
        self.input_words.clock.next = self.clock.val();
        // Without the probe every register here is held at 0, so synthesis removes it
        // (the input words are built absent).
        self.input_words.reset.next = self.reset.val();
        self.input_words.write_address.next = self.write_address.val();
        self.input_words.write_data.next = self.write_data.val();
        self.input_words.write_strobes.next = self.write_strobes.val();
        self.input_words.write_strobe.next = self.write_strobe.val();
        self.input_words.read_request.next = self.read_request.val();
        self.input_words.read_load.next = self.read_load.val();
        self.input_read_data.next = self.input_words.read_data.val();

        // PROBE: a write-1-to-trigger register, so unstrobed bytes read as 0 (the write
        // slot zeroes them).
        self.probe_hit.next =
            (self.write_decode.val() & self.probe_address.val()) == self.probe_address.val();
        self.probe_fault.next = (self.write_nibbles.val() & self.probe_outside_nibbles.val()).any()
            | (self.write_data.val() & self.probe_outside_bits.val()).any()
            | (self.write_data.val().get_bits::<4>(0) > self.type_max.val())
            | (self
                .write_data
                .val()
                .get_bits::<3>(self.vport_lsb.val().index())
                > self.vport_max.val());
        self.probe_hit_q.d.next = self.probe_hit.val();
        self.probe_fault_q.d.next = self.probe_fault.val();
        self.result_hit_q.d.next = ((self.write_decode.val() & self.hash_address.val())
            == self.hash_address.val())
            | ((self.write_decode.val() & self.result_address.val()) == self.result_address.val());
        self.write_hit.next = (self.input_words.write_hit.val()
            | self.probe_hit_q.q.val()
            | self.result_hit_q.q.val())
            & self.present.val();
        self.write_fault.next = (self.result_hit_q.q.val()
            | (self.probe_hit_q.q.val() & self.probe_fault_q.q.val()))
            & self.present.val();
        self.accept_q.d.next =
            self.probe_hit_q.q.val() & !self.probe_fault_q.q.val() & self.present.val();
        self.taken.next = self.write_strobe.val() & self.accept_q.q.val();
        if self.taken.val() {
            self.pending.d.next = true;
            self.type_q.d.next = self.write_data.val().get_bits::<4>(0);
            self.vport_q.d.next = self
                .write_data
                .val()
                .get_bits::<3>(self.vport_lsb.val().index());
        }
        if self.done.val() {
            self.pending.d.next = false;
            self.hash_q.d.next = self.done_hash.val();
            self.queue_q.d.next = self.done_queue.val();
            self.hashed_q.d.next = self.done_hashed.val();
            self.count_q.d.next = self.count_q.q.val() + 1_u64;
        }
        if self.reset.val() | !self.present.val() {
            self.type_q.d.next = 0.into();
            self.vport_q.d.next = 0.into();
            self.pending.d.next = false;
            self.hash_q.d.next = 0.into();
            self.queue_q.d.next = 0.into();
            self.hashed_q.d.next = false;
            self.count_q.d.next = 0.into();
        }
        self.request.next = self.pending.q.val();
        self.vport.next = self.vport_q.q.val();
        self.hash_type.next = 0.into();
        for t in 0..9 {
            if self.type_q.q.val() == t.to_bits::<4>() {
                self.hash_type.next = self.hash_type.val().replace_bit(t, true);
            }
        }

        // The input as the type hashes it: its first `words` words, zeros after.
        self.words.next = 0.into();
        for t in 0..9 {
            if self.type_q.q.val() == t.to_bits::<4>() {
                self.words.next = self.type_words.val().get_bits::<4>(4 * t);
            }
        }
        self.input_mask.next = 0.into();
        for n in 0..INPUT_WORDS {
            self.input_mask.next = self.input_mask.val() << 32_u64;
            if self.words.val() > n.to_bits::<4>() {
                self.input_mask.next = self.input_mask.val() | self.word_ones.val();
            }
        }
        self.hash_input.next = self.input_words.value.val() & self.input_mask.val();

        // The stream: once started, a fetch every clock until all nine are made (no bus
        // read can be taken meanwhile), so the words come in nine consecutive clocks.
        self.fetch_now.next = ((self.fetch_count.q.val() != 0_u64)
            & (self.fetch_count.q.val() != self.stream_words.val()))
            | ((self.fetch_count.q.val() == 0_u64)
                & self.stream.val()
                & self.fetch_allowed.val()
                & self.present.val());
        self.input_words.fetch.next = self.fetch_now.val();
        self.input_words.fetch_index.next = self.fetch_count.q.val();
        if self.fetch_now.val() {
            self.fetch_count.d.next = self.fetch_count.q.val() + 1_u64;
        }
        if !self.stream.val() | self.reset.val() {
            self.fetch_count.d.next = 0.into();
        }
        self.fetched_q.d.next = (self.fetched_q.q.val() << 1_u64)
            | bit_cast::<FETCH_LATENCY, 1>(self.fetch_now.val().into());
        self.kept_q.d.next = (self.kept_q.q.val() << 1_u64)
            | bit_cast::<FETCH_LATENCY, 1>(
                (self.fetch_now.val() & (self.words.val() > self.fetch_count.q.val())).into(),
            );
        self.last_q.d.next = (self.last_q.q.val() << 1_u64)
            | bit_cast::<FETCH_LATENCY, 1>(
                (self.fetch_now.val() & (self.fetch_count.q.val() == self.stream_last.val()))
                    .into(),
            );
        if self.reset.val() {
            self.fetched_q.d.next = 0.into();
            self.last_q.d.next = 0.into();
        }
        self.word_valid.next = self.fetched_q.q.val().get_bit(2);
        self.last_word_next.next = self.last_q.q.val().get_bit(1);
        self.word.next = 0.into();
        if self.kept_q.q.val().get_bit(2) {
            self.word.next = self.input_words.read_data.val();
        }

        self.read_sel_q.d.next = 0.into();
        if (self.read_decode.val() & self.probe_address.val()) == self.probe_address.val() {
            self.read_sel_q.d.next = 1.into();
        }
        if (self.read_decode.val() & self.hash_address.val()) == self.hash_address.val() {
            self.read_sel_q.d.next = 2.into();
        }
        if (self.read_decode.val() & self.result_address.val()) == self.result_address.val() {
            self.read_sel_q.d.next = 4.into();
        }
        self.read_hit.next = self.input_words.read_hit.val();
        self.read_data.next = 0.into();
        if self.read_sel_q.q.val().get_bit(0) {
            self.read_hit.next = true;
        }
        if self.read_sel_q.q.val().get_bit(1) {
            self.read_hit.next = true;
            self.read_data.next = self.hash_q.q.val();
        }
        if self.read_sel_q.q.val().get_bit(2) {
            self.read_hit.next = true;
            self.read_data.next = bit_cast::<32, QUEUE_BITS>(self.queue_q.q.val())
                | (bit_cast::<32, 1>(self.hashed_q.q.val().into()) << 8_u64)
                | (bit_cast::<32, 16>(self.count_q.q.val()) << 16_u64);
        }
        if !self.present.val() {
            self.read_hit.next = false;
            self.read_data.next = 0.into();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rss_model::regmap::{Params, offset};

    fn word_address(byte_offset: u32) -> Bits<WORD_ADDR_BITS> {
        word(byte_offset).to_bits()
    }

    /// The address's predecode, as the write slot and the read channel register it.
    fn decoded(byte_offset: u32) -> Bits<DECODE_BITS> {
        crate::word_decode::decode_mask(word(byte_offset)).to_bits()
    }

    /// The write slot's nonzero-nibble flags of `data`.
    fn nibbles(data: u64) -> Bits<8> {
        crate::csr::nibble_flags(data).to_bits()
    }

    #[test]
    fn probe_regs_hold_the_input_cut_to_the_type_and_answer_once() {
        let map = RegisterMap::new(Params::default()).unwrap();
        let mut uut = ProbeRegs::new(&map);
        uut.connect_all();
        let mut sim = Simulation::new();
        sim.add_clock(5, |x: &mut Box<ProbeRegs>| x.clock.next = !x.clock.val());
        sim.add_testbench(move |mut ep: Sim<ProbeRegs>| {
            let mut x = ep.init()?;
            x.reset.next = true;
            wait_clock_cycle!(ep, clock, x);
            x.reset.next = false;
            // Words n = 0..9 hold 0x0n0n0n0n + lane, word 3 written in two halves.
            for n in 0..9u32 {
                let value = 0x0101_0101 * n + 0x0302_0100;
                let halves: &[u64] = if n == 3 { &[0b0011, 0b1100] } else { &[0xf] };
                for &strobes in halves {
                    // Held two clocks, then performed, as the write slot does (it
                    // holds four).
                    x.write_address.next = word_address(offset::PROBE_INPUT + 4 * n);
                    x.write_decode.next = decoded(offset::PROBE_INPUT + 4 * n);
                    x.write_data.next = u64::from(value).to_bits();
                    x.write_nibbles.next = nibbles(u64::from(value));
                    x.write_strobes.next = strobes.to_bits();
                    x.write_strobe.next = false;
                    wait_clock_cycles!(ep, clock, x, 2);
                    x.write_strobe.next = true;
                    wait_clock_cycle!(ep, clock, x);
                }
            }
            x.write_strobe.next = false;
            // Input words come from the mirror: the read taken, its address held
            // (predecoded) from the next clock, the word on `input_read_data` three
            // clocks after the take.
            x.read_request.next = word_address(offset::PROBE_INPUT + 4 * 3);
            x.read_load.next = true;
            wait_clock_cycle!(ep, clock, x);
            x.read_load.next = false;
            x.read_decode.next = decoded(offset::PROBE_INPUT + 4 * 3);
            wait_clock_cycles!(ep, clock, x, 2);
            sim_assert!(ep, x.read_hit.val() & (x.read_data.val() == 0_u64), x);
            wait_clock_cycle!(ep, clock, x);
            sim_assert_eq!(ep, x.input_read_data.val(), 0x0605_0403_u64, x);
            // A type past 8 is refused and starts nothing.
            x.write_address.next = word_address(offset::PROBE);
            x.write_decode.next = decoded(offset::PROBE);
            x.write_data.next = 9_u64.to_bits();
            x.write_nibbles.next = nibbles(9_u64);
            x.write_strobes.next = 0xf_u64.to_bits();
            wait_clock_cycle!(ep, clock, x);
            sim_assert!(ep, x.write_fault.val() & !x.taken.val(), x);
            // TCP over IPv4 on VPort 2: 12 bytes hashed. The write is held two clocks
            // before it happens, as the write slot holds it (four).
            x.write_data.next = (1_u64 | 2 << 8).to_bits();
            x.write_nibbles.next = nibbles(1_u64 | 2 << 8);
            wait_clock_cycles!(ep, clock, x, 2);
            x.write_strobe.next = true;
            wait_clock_cycle!(ep, clock, x);
            sim_assert!(ep, !x.write_fault.val(), x);
            x.write_strobe.next = false;
            wait_clock_cycle!(ep, clock, x);
            sim_assert!(ep, x.request.val(), x);
            sim_assert_eq!(ep, x.vport.val(), 2_u64, x);
            sim_assert_eq!(ep, x.hash_type.val(), 2_u64, x);
            let top = x.hash_input.val().get_bits::<96>(192);
            sim_assert!(ep, top.get_bits::<32>(64) == 0x0302_0100_u64, x);
            sim_assert!(ep, top.get_bits::<32>(0) == 0x0504_0302_u64, x);
            sim_assert!(ep, !x.hash_input.val().get_bits::<192>(0).any(), x);
            // Streamed: nothing until fetches are allowed, then the nine words in a row,
            // the type's three as written and zeros after, the last announced a clock
            // ahead.
            x.stream.next = true;
            wait_clock_cycles!(ep, clock, x, 2);
            sim_assert!(ep, !x.word_valid.val(), x);
            x.fetch_allowed.next = true;
            let mut words = Vec::new();
            let mut last_flag_at = None;
            for clock in 0..16 {
                wait_clock_cycle!(ep, clock, x);
                if x.last_word_next.val() {
                    last_flag_at = Some(clock);
                }
                if x.word_valid.val() {
                    words.push((clock, x.word.val().index() as u32));
                }
            }
            x.stream.next = false;
            x.fetch_allowed.next = false;
            let expected = [0x0302_0100, 0x0403_0201, 0x0504_0302, 0, 0, 0, 0, 0, 0];
            sim_assert_eq!(ep, words.len(), 9, x);
            for (n, &(clock, word)) in words.iter().enumerate() {
                sim_assert_eq!(ep, clock, words[0].0 + n, x);
                sim_assert_eq!(ep, word, expected[n], x);
            }
            sim_assert_eq!(ep, last_flag_at, Some(words[8].0 - 1), x);
            x.done.next = true;
            x.done_hash.next = 0x51cc_c178_u64.to_bits();
            x.done_queue.next = 5_u64.to_bits();
            x.done_hashed.next = true;
            wait_clock_cycle!(ep, clock, x);
            x.done.next = false;
            x.read_decode.next = decoded(offset::PROBE_RESULT);
            wait_clock_cycle!(ep, clock, x);
            sim_assert!(ep, !x.request.val(), x);
            sim_assert_eq!(ep, x.read_data.val(), (5_u64 | 1 << 8 | 1 << 16), x);
            x.read_decode.next = decoded(offset::PROBE_HASH);
            wait_clock_cycle!(ep, clock, x);
            sim_assert_eq!(ep, x.read_data.val(), 0x51cc_c178_u64, x);
            ep.done(x)
        });
        sim.run(Box::new(uut), 10_000).unwrap();
    }

    #[test]
    fn without_the_probe_nothing_answers_and_nothing_starts() {
        let map = RegisterMap::new(Params {
            hash_probe: false,
            ..Params::default()
        })
        .unwrap();
        let mut uut = ProbeRegs::new(&map);
        uut.connect_all();
        let mut sim = Simulation::new();
        sim.add_clock(5, |x: &mut Box<ProbeRegs>| x.clock.next = !x.clock.val());
        sim.add_testbench(move |mut ep: Sim<ProbeRegs>| {
            let mut x = ep.init()?;
            x.reset.next = true;
            wait_clock_cycle!(ep, clock, x);
            x.reset.next = false;
            x.write_strobes.next = 0xf_u64.to_bits();
            x.write_strobe.next = true;
            for address in [
                offset::PROBE_INPUT,
                offset::PROBE,
                offset::PROBE_HASH,
                offset::PROBE_RESULT,
            ] {
                x.write_address.next = word_address(address);
                x.write_decode.next = decoded(address);
                x.read_request.next = word_address(address);
                x.read_load.next = true;
                x.read_decode.next = decoded(address);
                x.write_data.next = 1_u64.to_bits();
                x.write_nibbles.next = nibbles(1_u64);
                wait_clock_cycle!(ep, clock, x);
                sim_assert!(ep, !x.write_hit.val() & !x.write_fault.val(), x);
                sim_assert!(ep, !x.read_hit.val() & !x.read_data.val().any(), x);
                sim_assert!(ep, !x.taken.val() & !x.request.val(), x);
            }
            ep.done(x)
        });
        sim.run(Box::new(uut), 10_000).unwrap();
    }

    #[test]
    fn probe_regs_is_synthesizable() {
        let map = RegisterMap::new(Params::default()).unwrap();
        let mut uut = ProbeRegs::new(&map);
        uut.connect_all();
        crate::lint::assert_lints_clean(&generate_verilog(&uut), "probe_regs");
    }
}
