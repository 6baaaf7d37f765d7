//! IP header stage: reads the fixed fields of the IPv4 header (L3 words 0 and 1) or the
//! IPv6 fixed header (word 0) as they pass, keeps them for the rest of the frame and
//! hands them on with every beat. Registers the beat.
//!
//! Outputs are the frame's state as far as this stage knows it; `ready` says they are
//! final (IPv4: words 0 and 1 seen; IPv6: word 0 seen). Whether the beat holds word 0
//! or 1 comes with it (the bundle's held-word flags, `crate::beat`), so every decision
//! on those words starts at a flip-flop. At 64 bits the words are the beat's; wider
//! beats hold each word in one of two slots, chosen by a compare of the beat's word
//! number, so there the stage takes two clocks: the words picked and registered with
//! the beat, then the fields decided from the registers (stop 46: at 512 bits the
//! IPv6 next header's compares and the datagram end's adder behind the pick made
//! the core's slowest paths, eight LUT levels).

use rss_model::parse::IPPROTO_HOPOPTS;
use rust_hdl::prelude::*;

use crate::slot_flags::{SLOT_FLAG_KINDS, SlotFlags};
use crate::word_pick::WordPick;
use crate::word_slots::WORD_INDEX_BITS;

/// Datagram end relative to L3 (IPv4 total length, IPv6 40 + payload length).
pub const END_BITS: usize = 17;
/// Bytes needed relative to L3.
pub const NEED_BITS: usize = 12;
/// Word number of the first IPv6 extension header (40 bytes after L3): the walk
/// pointer this stage always hands on.
pub const FIRST_EXT_WORD: u64 = crate::word_slots::L3_WORD_BIAS + 5;

#[derive(LogicBlock)]
pub struct L3Header<const DATA_BITS: usize, const BUNDLE_BITS: usize> {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// Synchronous reset.
    pub reset: Signal<In, Bit>,
    /// The beat (`crate::beat` layout).
    pub beat_in: Signal<In, Bits<BUNDLE_BITS>>,
    /// (64 bits) `WordSlots::slot0_ipv6_end`, beside `beat_in`: the IPv6 datagram end
    /// if the beat holds L3 word 0. Wider beats add the 40 here, behind the word's pick.
    pub slot0_ipv6_end: Signal<In, Bits<END_BITS>>,
    /// The same beat, one clock later.
    pub beat_out: Signal<Out, Bits<BUNDLE_BITS>>,
    /// The fields below are final.
    pub ready: Signal<Out, Bit>,
    /// Version mismatch, IHL < 5 or total length below the header length.
    pub bad: Signal<Out, Bit>,
    /// IPv4 fragment (MF or offset).
    pub fragment: Signal<Out, Bit>,
    /// Datagram end relative to L3.
    pub datagram_end: Signal<Out, Bits<END_BITS>>,
    /// Header bytes that must be available, relative to L3 (4·IHL or 40).
    pub need: Signal<Out, Bits<NEED_BITS>>,
    /// IPv4 IHL.
    pub ihl: Signal<Out, Bits<4>>,
    /// IPv4 protocol, or the IPv6 fixed header's next header.
    pub next_header: Signal<Out, Bits<8>>,
    /// IPv6: the next header is an extension header the walk steps over.
    pub walk_live: Signal<Out, Bit>,
    /// IPv6: word number of the first extension header (L3 word 5).
    pub walk_ptr: Signal<Out, Bits<WORD_INDEX_BITS>>,
    /// (64 bits) `beat_out`'s word read as an extension header's first word, judged
    /// here a clock ahead so the walk's step reads flags: flag `f` of
    /// `crate::slot_flags` in bit `f` (next header stepped over, next header is the
    /// fragment header, fragment field set, type 2 routing header, Home Address option
    /// bytes, and the bytes the option walk's closed form tests).
    pub word_flags: Signal<Out, Bits<SLOT_FLAG_KINDS>>,
    word0: WordPick<DATA_BITS, BUNDLE_BITS>,
    word1: WordPick<DATA_BITS, BUNDLE_BITS>,
    /// (`split_fields`) The beat, L3 word 0 and the IPv4 protocol byte (word 1), as the
    /// picks leave them: the fields' decisions start at these flip-flops, not at the
    /// picks' slot compares.
    a_beat: DFF<Bits<BUNDLE_BITS>>,
    a_w0: DFF<Bits<64>>,
    a_protocol: DFF<Bits<8>>,
    beat_q: DFF<Bits<BUNDLE_BITS>>,
    // Per frame, as known after the previous beat.
    seen0: DFF<Bit>,
    seen1: DFF<Bit>,
    bad_q: DFF<Bit>,
    fragment_q: DFF<Bit>,
    end_q: DFF<Bits<END_BITS>>,
    need_q: DFF<Bits<NEED_BITS>>,
    ihl_q: DFF<Bits<4>>,
    next_header_q: DFF<Bits<8>>,
    /// (IPv6) `next_header_q` is an extension header, kept beside it so the walk's
    /// liveness reads a flag, not four byte compares of the held header.
    next_header_ext_q: DFF<Bit>,
    // Registered outputs.
    ready_o: DFF<Bit>,
    bad_o: DFF<Bit>,
    fragment_o: DFF<Bit>,
    end_o: DFF<Bits<END_BITS>>,
    need_o: DFF<Bits<NEED_BITS>>,
    ihl_o: DFF<Bits<4>>,
    next_header_o: DFF<Bits<8>>,
    live_o: DFF<Bit>,
    word_flags_o: DFF<Bits<SLOT_FLAG_KINDS>>,
    /// The beat's first word slot judged as an extension header's first word.
    word_judge: SlotFlags<64, BUNDLE_BITS>,
    first_ext: Constant<Bits<WORD_INDEX_BITS>>,
    target0: Constant<Bits<WORD_INDEX_BITS>>,
    target1: Constant<Bits<WORD_INDEX_BITS>>,
    hop_by_hop: Constant<Bits<8>>,
    /// Wider beats (two or more words a beat) take a clock more: the words are picked
    /// in the first (a slot compare and a choice), the fields decided in the second.
    split_fields: Constant<Bit>,
    /// The beat the fields are decided on (`beat_in`, or `a_beat` when split).
    b_beat: Signal<Local, Bits<BUNDLE_BITS>>,
    /// Word 1's protocol byte.
    protocol: Signal<Local, Bits<8>>,
    valid: Signal<Local, Bit>,
    /// The beat's held-word flags (`crate::beat`): the beat is valid and holds L3 word k;
    /// bits 6 and 7, word 0's next header is an extension header, its IPv4 fragment
    /// field makes a fragment.
    held: Signal<Local, Bits<8>>,
    held_lsb: Constant<Bits<16>>,
    ipv4: Signal<Local, Bit>,
    ipv6: Signal<Local, Bit>,
    w0: Signal<Local, Bits<64>>,
    cur_seen0: Signal<Local, Bit>,
    cur_seen1: Signal<Local, Bit>,
    cur_bad: Signal<Local, Bit>,
    cur_fragment: Signal<Local, Bit>,
    cur_end: Signal<Local, Bits<END_BITS>>,
    cur_need: Signal<Local, Bits<NEED_BITS>>,
    cur_ihl: Signal<Local, Bits<4>>,
    cur_next_header: Signal<Local, Bits<8>>,
    /// `cur_next_header` is an extension header the walk steps over, judged on each
    /// source of it side by side rather than after their multiplexer.
    cur_next_is_ext: Signal<Local, Bit>,
    w0_is_ext: Signal<Local, Bit>,
    /// The beat's first slot's word (the whole beat at 64 bits) and its next header.
    slot0_flags: Signal<Local, Bits<SLOT_FLAG_KINDS>>,
    header_bytes: Signal<Local, Bits<NEED_BITS>>,
    total: Signal<Local, Bits<END_BITS>>,
    /// IPv6: 40 + payload length.
    ipv6_end: Signal<Local, Bits<END_BITS>>,
}

impl<const DATA_BITS: usize, const BUNDLE_BITS: usize> Default
    for L3Header<DATA_BITS, BUNDLE_BITS>
{
    fn default() -> Self {
        let number = |k: u64| k + crate::word_slots::L3_WORD_BIAS;
        let word = |k: u64| Constant::new(number(k).to_bits());
        let byte = |v: u8| Constant::new(u64::from(v).to_bits());
        Self {
            clock: Default::default(),
            reset: Default::default(),
            beat_in: Default::default(),
            slot0_ipv6_end: Default::default(),
            beat_out: Default::default(),
            ready: Default::default(),
            bad: Default::default(),
            fragment: Default::default(),
            datagram_end: Default::default(),
            need: Default::default(),
            ihl: Default::default(),
            next_header: Default::default(),
            walk_live: Default::default(),
            walk_ptr: Default::default(),
            word_flags: Default::default(),
            word0: WordPick::fixed(number(0), false),
            word1: WordPick::fixed(number(1), false),
            a_beat: Default::default(),
            a_w0: Default::default(),
            a_protocol: Default::default(),
            beat_q: Default::default(),
            seen0: Default::default(),
            seen1: Default::default(),
            bad_q: Default::default(),
            fragment_q: Default::default(),
            end_q: Default::default(),
            need_q: Default::default(),
            ihl_q: Default::default(),
            next_header_q: Default::default(),
            next_header_ext_q: Default::default(),
            ready_o: Default::default(),
            bad_o: Default::default(),
            fragment_o: Default::default(),
            end_o: Default::default(),
            need_o: Default::default(),
            ihl_o: Default::default(),
            next_header_o: Default::default(),
            live_o: Default::default(),
            word_flags_o: Default::default(),
            word_judge: Default::default(),
            first_ext: Constant::new(FIRST_EXT_WORD.to_bits()),
            target0: word(0),
            target1: word(1),
            hop_by_hop: byte(IPPROTO_HOPOPTS),
            split_fields: Constant::new(DATA_BITS > 64),
            b_beat: Default::default(),
            protocol: Default::default(),
            valid: Default::default(),
            held: Default::default(),
            held_lsb: Constant::new((crate::beat::held_lsb(DATA_BITS) as u64).to_bits()),
            ipv4: Default::default(),
            ipv6: Default::default(),
            w0: Default::default(),
            cur_seen0: Default::default(),
            cur_seen1: Default::default(),
            cur_bad: Default::default(),
            cur_fragment: Default::default(),
            cur_end: Default::default(),
            cur_need: Default::default(),
            cur_ihl: Default::default(),
            cur_next_header: Default::default(),
            cur_next_is_ext: Default::default(),
            w0_is_ext: Default::default(),
            slot0_flags: Default::default(),
            header_bytes: Default::default(),
            total: Default::default(),
            ipv6_end: Default::default(),
        }
    }
}

impl<const DATA_BITS: usize, const BUNDLE_BITS: usize> Logic for L3Header<DATA_BITS, BUNDLE_BITS> {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self,
            clock,
            a_beat,
            a_w0,
            a_protocol,
            beat_q,
            seen0,
            seen1,
            bad_q,
            fragment_q,
            end_q,
            need_q,
            ihl_q,
            next_header_q,
            next_header_ext_q,
            ready_o,
            bad_o,
            fragment_o,
            end_o,
            need_o,
            ihl_o,
            next_header_o,
            live_o,
            word_flags_o
        );
        // Wider beats: the picks' words are registered with the beat, and the fields
        // are read from those registers a clock later (`split_fields`).
        self.word0.beat.next = self.beat_in.val();
        self.word0.target.next = self.target0.val();
        self.word1.beat.next = self.beat_in.val();
        self.word1.target.next = self.target1.val();
        self.b_beat.next = self.beat_in.val();
        self.w0.next = self.word0.word.val();
        self.protocol.next = self.word1.word.val().get_bits::<8>(48);
        if self.split_fields.val() {
            self.a_beat.d.next = self.beat_in.val();
            self.a_w0.d.next = self.word0.word.val();
            self.a_protocol.d.next = self.word1.word.val().get_bits::<8>(48);
            self.b_beat.next = self.a_beat.q.val();
            self.w0.next = self.a_w0.q.val();
            self.protocol.next = self.a_protocol.q.val();
        }
        self.ipv6_end.next = self.slot0_ipv6_end.val();
        if self.split_fields.val() {
            self.ipv6_end.next =
                bit_cast::<END_BITS, 16>(self.w0.val().get_bits::<16>(16)) + 40_u64;
        }
        self.valid.next = self.b_beat.val().get_bit(0);
        self.held.next = self.b_beat.val().get_bits::<8>(self.held_lsb.val().index());
        self.ipv4.next = self.b_beat.val().get_bit(3);
        self.ipv6.next = self.b_beat.val().get_bit(4);

        // The frame's state before this beat (a new frame starts empty; `need` = 1 so a
        // frame that ends at L3 is short).
        self.cur_seen0.next = self.seen0.q.val();
        self.cur_seen1.next = self.seen1.q.val();
        self.cur_bad.next = self.bad_q.q.val();
        self.cur_fragment.next = self.fragment_q.q.val();
        self.cur_end.next = self.end_q.q.val();
        self.cur_need.next = self.need_q.q.val();
        self.cur_ihl.next = self.ihl_q.q.val();
        self.cur_next_header.next = self.next_header_q.q.val();
        if self.b_beat.val().get_bit(1) {
            self.cur_seen0.next = false;
            self.cur_seen1.next = false;
            self.cur_bad.next = false;
            self.cur_fragment.next = false;
            self.cur_end.next = 0.into();
            self.cur_need.next = 1.into();
            self.cur_ihl.next = 0.into();
            self.cur_next_header.next = 0.into();
        }

        self.header_bytes.next = bit_cast::<NEED_BITS, 4>(self.w0.val().get_bits::<4>(56)) << 2_u64;
        self.total.next = bit_cast::<END_BITS, 16>(self.w0.val().get_bits::<16>(32));
        if self.held.val().get_bit(0) {
            self.cur_seen0.next = true;
            if self.ipv4.val() {
                self.cur_ihl.next = self.w0.val().get_bits::<4>(56);
                self.cur_end.next = self.total.val();
                self.cur_need.next = self.header_bytes.val();
                self.cur_bad.next = (self.w0.val().get_bits::<4>(60) != 4_u64)
                    | (self.w0.val().get_bits::<4>(56) < 5_u64)
                    | (self.total.val() < bit_cast::<END_BITS, NEED_BITS>(self.header_bytes.val()));
                // (MF or an offset in bytes 6..7, judged by `WordSlots` a clock ahead.)
                self.cur_fragment.next = self.held.val().get_bit(7);
            } else {
                self.cur_end.next = self.ipv6_end.val();
                self.cur_need.next = 40.into();
                self.cur_bad.next = self.w0.val().get_bits::<4>(60) != 6_u64;
                self.cur_next_header.next = self.w0.val().get_bits::<8>(8);
            }
        }
        if self.held.val().get_bit(1) {
            self.cur_seen1.next = true;
            if self.ipv4.val() {
                self.cur_next_header.next = self.protocol.val();
            }
        }

        if self.valid.val() {
            self.seen0.d.next = self.cur_seen0.val();
            self.seen1.d.next = self.cur_seen1.val();
            self.bad_q.d.next = self.cur_bad.val();
            self.fragment_q.d.next = self.cur_fragment.val();
            self.end_q.d.next = self.cur_end.val();
            self.need_q.d.next = self.cur_need.val();
            self.ihl_q.d.next = self.cur_ihl.val();
            self.next_header_q.d.next = self.cur_next_header.val();
        }
        self.beat_q.d.next = self.b_beat.val();
        self.ready_o.d.next = self.cur_seen0.val() & (self.ipv6.val() | self.cur_seen1.val());
        self.bad_o.d.next = self.cur_bad.val();
        self.fragment_o.d.next = self.cur_fragment.val();
        self.end_o.d.next = self.cur_end.val();
        self.need_o.d.next = self.cur_need.val();
        self.ihl_o.d.next = self.cur_ihl.val();
        self.next_header_o.d.next = self.cur_next_header.val();
        // Only IPv6 walks, and its next header comes from word 0 (or is held, or is 0,
        // hop-by-hop, on a new frame before word 0). Whether word 0's is an extension
        // header comes with the beat (`crate::beat`), judged by `WordSlots` a clock
        // ahead: the four byte compares behind the held-word choice were this stage's
        // deepest logic (stop 51: five levels at 64 bits), as the fragment field's
        // 14-bit test was at 512 bits.
        self.w0_is_ext.next = self.held.val().get_bit(6);
        self.cur_next_is_ext.next = self.next_header_ext_q.q.val();
        if self.b_beat.val().get_bit(1) {
            self.cur_next_is_ext.next = self.hop_by_hop.val() == 0_u64;
        }
        if self.held.val().get_bit(0) & !self.ipv4.val() {
            self.cur_next_is_ext.next = self.w0_is_ext.val();
        }
        self.live_o.d.next = self.ipv6.val() & self.cur_next_is_ext.val();
        // (It does not follow an IPv4 frame's protocol byte: only IPv6 walks.)
        if self.valid.val() {
            self.next_header_ext_q.d.next = self.cur_next_is_ext.val();
        }
        self.word_judge.beat.next = self.b_beat.val();
        self.slot0_flags.next = 0.into();
        for f in 0..SLOT_FLAG_KINDS {
            self.slot0_flags.next = self
                .slot0_flags
                .val()
                .replace_bit(f, self.word_judge.flags.val().get_bit(8 * f));
        }
        self.word_flags_o.d.next = self.slot0_flags.val();
        if self.reset.val() {
            self.a_beat.d.next = 0.into();
            self.beat_q.d.next = 0.into();
        }
        self.word_flags.next = self.word_flags_o.q.val();
        self.beat_out.next = self.beat_q.q.val();
        self.ready.next = self.ready_o.q.val();
        self.bad.next = self.bad_o.q.val();
        self.fragment.next = self.fragment_o.q.val();
        self.datagram_end.next = self.end_o.q.val();
        self.need.next = self.need_o.q.val();
        self.ihl.next = self.ihl_o.q.val();
        self.next_header.next = self.next_header_o.q.val();
        self.walk_live.next = self.live_o.q.val();
        self.walk_ptr.next = self.first_ext.val();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The word flags the walk reads at 64 bits, beside the beat they judge, against the
    /// model's rules: the next header byte (byte 0) stepped over or the fragment
    /// header, and the fragment field (bytes 2..4) making the datagram a fragment; and
    /// a type 2 routing header's and a Home Address header's first words reaching
    /// their flags (`SlotFlags` checks those rules against the model's parse).
    #[test]
    fn l3_header_judges_each_word_as_an_extension_header() {
        use crate::slot_flags::{HOME_OPTION, ROUTING_TYPE2};
        use rss_model::parse::{IPPROTO_FRAGMENT, OPT_HOME_ADDRESS, is_ext_header, is_fragment};
        // Length 2, type 2, one segment left; length 2, a PadN of 2 bytes, then the
        // Home Address option's type and length at offset 6.
        const ROUTING_WORD: u64 = 0x1102_0201_0000_0000;
        const HOME_WORD: u64 = 0x1102_0102_0000_0010 | (OPT_HOME_ADDRESS as u64) << 8;
        let mut words: Vec<u64> = (0..=255u64).map(|nh| nh << 56 | 0x0800_0000_0000).collect();
        for field in [0u64, 1, 6, 8, 0xfff8, 0xfff9, 0x0100, 2, 4] {
            words.push(u64::from(IPPROTO_FRAGMENT) << 56 | field << 32);
        }
        words.extend([ROUTING_WORD, HOME_WORD, HOME_WORD & !0x10]);
        let mut uut = L3Header::<64, { crate::beat::bundle_bits(64) }>::default();
        uut.connect_all();
        let mut sim = Simulation::new();
        sim.add_clock(
            5,
            |x: &mut Box<L3Header<64, { crate::beat::bundle_bits(64) }>>| {
                x.clock.next = !x.clock.val()
            },
        );
        sim.add_testbench(
            move |mut ep: Sim<L3Header<64, { crate::beat::bundle_bits(64) }>>| {
                let mut x = ep.init()?;
                // Flags come with `beat_out`: each word's are judged as it comes out, in
                // order, every one (two more clocks of zeros let the last ones out).
                let mut checked = 0;
                for &word in words.iter().chain([0, 0].iter()) {
                    x.beat_in.next =
                        bit_cast::<{ crate::beat::bundle_bits(64) }, 64>(word.to_bits()) << 96_u64;
                    wait_clock_cycle!(ep, clock, x);
                    let word = x.beat_out.val().get_bits::<64>(96).to_u64();
                    // (The registers' reset contents come out first.)
                    if checked == words.len() || word != words[checked] {
                        continue;
                    }
                    checked += 1;
                    let next_header = (word >> 56) as u8;
                    let expected = u64::from(is_ext_header(next_header))
                        | u64::from(next_header == IPPROTO_FRAGMENT) << 1
                        | u64::from(is_fragment((word >> 32) as u16)) << 2
                        | u64::from(word == ROUTING_WORD) << ROUTING_TYPE2
                        | u64::from(word == HOME_WORD) << HOME_OPTION;
                    // (The byte tests' flags, 5 and up, are `SlotFlags`' own test's.)
                    sim_assert_eq!(ep, x.word_flags.val() & 0x1f_u64, expected, x);
                }
                sim_assert_eq!(ep, checked, words.len(), x);
                ep.done(x)
            },
        );
        sim.run(Box::new(uut), 100_000).unwrap();
    }

    #[test]
    fn l3_header_is_synthesizable() {
        let mut uut = L3Header::<64, { crate::beat::bundle_bits(64) }>::default();
        uut.connect_all();
        crate::lint::assert_lints_clean(&generate_verilog(&uut), "l3_header");
    }
}
