//! Layer 2 and word alignment: finds where the IP header starts (offset 14, 18 or 22
//! after zero, one or two VLAN tags) and cuts every beat into the IP header's 8-byte
//! words, so the stages after it see L3-aligned words and never a byte-granular offset.
//!
//! L3 starts at 14 + 4·(tags mod 2) + 8·(tags / 2): its words sit on one of two 8-byte
//! grids of the frame, offset 6 (L3 at 14 or 22) or offset 2 (L3 at 18). A beat of `B`
//! bytes holds the ends of exactly `B/8` words of either grid; each is cut from the
//! beat and the last 6 bytes of the previous beat (a 2:1 choice per byte). On the last
//! beat, the word that starts in the beat but would end after it is also handed on
//! (`slot_tail`, zero-filled): a field in its first bytes may still lie in the frame.
//!
//! Words are numbered `k + 4` for L3 word `k` (`k < 0`: Ethernet header, which no
//! stage reads: those slots' bytes are unspecified). Slot `j` holds word
//! `slot_last - j` (`j = 0` is the beat's last whole word), the tail holds
//! `slot_last + 1`. Numbers saturate near 60, far past the 128-byte parse window: a
//! field read there is beyond the window whatever word it finds.
//!
//! The ethertype decision uses bytes 12..21. Until they have all passed, the frame
//! fields are not final, but no L3 word has ended yet either. The beat is compared
//! with the ethertypes as it comes in and registered with the results, so the L3
//! decision, the word numbers and the frame flags start at flip-flops: two clocks from
//! beat in to words out.

use rss_model::parse::{
    ETHERTYPE_IPV4, ETHERTYPE_IPV6, ETHERTYPE_QINQ, ETHERTYPE_VLAN, IPPROTO_DSTOPTS,
    IPPROTO_FRAGMENT, IPPROTO_HOPOPTS, IPPROTO_ROUTING,
};
use rust_hdl::prelude::*;

use crate::frame_ingress::{BEAT_INDEX_BITS, LENGTH_BITS};
use crate::l3_header::END_BITS;

/// Word numbers (`k + 4`) and pointers into them.
pub const WORD_INDEX_BITS: usize = 6;
/// Word number of L3 word 0.
pub const L3_WORD_BIAS: u64 = 4;
/// Word numbers saturate at 60 (written as a literal in `update`); anything from 19 on
/// lies past the parse window.
pub const WORD_INDEX_LIMIT: u64 = 60;

#[derive(LogicBlock)]
pub struct WordSlots<const DATA_BITS: usize, const EXTENDED_BITS: usize, const BUNDLE_BITS: usize> {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// Synchronous reset.
    pub reset: Signal<In, Bit>,
    /// Beat valid.
    pub in_valid: Signal<In, Bit>,
    /// Beat, byte 0 in the top bits.
    pub in_data: Signal<In, Bits<DATA_BITS>>,
    /// First beat of a frame.
    pub in_first: Signal<In, Bit>,
    /// Last beat of a frame.
    pub in_last: Signal<In, Bit>,
    /// Frame bytes through this beat.
    pub in_length: Signal<In, Bits<LENGTH_BITS>>,
    /// The beat as L3 words, two clocks after it came in (layout in [`beat`](crate::beat)).
    pub beat: Signal<Out, Bits<BUNDLE_BITS>>,
    /// Slot 0's word read as the IPv6 fixed header: payload length + 40, the datagram
    /// end relative to L3, registered with `beat` (the IP header stage reads it where the
    /// beat holds L3 word 0 at 64 bits, so the end it keeps starts at this flip-flop).
    pub slot0_ipv6_end: Signal<Out, Bits<END_BITS>>,
    /// Word number of L3 word 0, and of word 1 (the tail holds word 2 when the beat's
    /// last whole word is word 1).
    l3_word0: Constant<Bits<WORD_INDEX_BITS>>,
    l3_word1: Constant<Bits<WORD_INDEX_BITS>>,
    /// The distance bits above the slot select: a beat holds word `T` when
    /// `slot_last - T` has none of them set (`WordPick`'s `found`).
    beyond_mask: Constant<Bits<WORD_INDEX_BITS>>,
    /// L3 words 0..4 held on the grid of L3 at 18 or 22, and at 14, each from its own
    /// counter, so the L3 decision only chooses between them.
    held_grid: Signal<Local, Bits<6>>,
    held_grid14: Signal<Local, Bits<6>>,
    /// Bit offset of the held-word flags in the bundle.
    held_lsb: Constant<Bits<16>>,
    held: Signal<Local, Bits<6>>,
    prev_tail: DFF<Bits<48>>,
    /// The beat is the frame's second, third (its first is `in_first`).
    at1: DFF<Bit>,
    at2: DFF<Bit>,
    /// What bytes 12..13, 16..17, 20..21 were, once they passed: a tag (12: VLAN or
    /// QinQ, 16: VLAN), IPv4, IPv6.
    tag12_q: DFF<Bit>,
    ipv4_12_q: DFF<Bit>,
    ipv6_12_q: DFF<Bit>,
    tag16_q: DFF<Bit>,
    ipv4_16_q: DFF<Bit>,
    ipv6_16_q: DFF<Bit>,
    ipv4_20_q: DFF<Bit>,
    ipv6_20_q: DFF<Bit>,
    /// This beat's `slot_last` for L3 at 18 or 22, and at 14, each XOR its first-beat
    /// value (so the power-up 0 is a first beat).
    slot_last_q: DFF<Bits<WORD_INDEX_BITS>>,
    slot_last14_q: DFF<Bits<WORD_INDEX_BITS>>,
    beat_q: DFF<Bits<BUNDLE_BITS>>,
    /// `slot0_ipv6_end`: added up beside the word cut, not behind the bundle's copy,
    /// whose flip-flops feed every reader of the beat (stop 55: the IP header
    /// stage's adder behind them was the 64-bit core's most frequent limiter).
    ipv6_end_q: DFF<Bits<END_BITS>>,
    /// The beat as it came in, a clock ago: the stage below works on it, with its
    /// ethertype compares registered beside it (`d_tag12` ...), so no L3 decision
    /// waits on a 16-bit compare of the ingress register (which feeds the MAC filter
    /// too) in the same clock.
    d_valid: DFF<Bit>,
    d_first: DFF<Bit>,
    d_last: DFF<Bit>,
    d_length: DFF<Bits<LENGTH_BITS>>,
    d_data: DFF<Bits<DATA_BITS>>,
    /// Bytes 12..13 are a VLAN or QinQ tag, IPv4, IPv6 (where the beat holding them has
    /// them; the others are don't-cares), and likewise for 16..17 and 20..21. From
    /// beats of 256 bits on they are the frame's flags: set on its first beat (which
    /// holds bytes 12..21) and held through the frame, so the L3 decision and the
    /// choices it makes start at these flip-flops, not behind a choice between them and
    /// the saved flags (the 512-bit core's most frequent limiter up to stop 62:
    /// `d_tag12 -> beat_q`, one LUT and a route across the die).
    d_tag12: DFF<Bit>,
    d_ipv4_12: DFF<Bit>,
    d_ipv6_12: DFF<Bit>,
    d_tag16: DFF<Bit>,
    d_ipv4_16: DFF<Bit>,
    d_ipv6_16: DFF<Bit>,
    d_ipv4_20: DFF<Bit>,
    d_ipv6_20: DFF<Bit>,
    /// Bytes 20, 24, 28 and the byte after each (L3 + 6..7 for L3 at 14, 18, 22),
    /// judged on the beat as it comes in: an IPv6 header's next header is an extension
    /// header the walk steps over, an IPv4 header's flags and fragment offset make a
    /// fragment. The beat that ends L3 word 0 holds its bytes 6..7 too (L3 + 6 is 4 or
    /// 0 mod 8), so word 0's flags are one of the three, chosen like the word's grid.
    d_ext20: DFF<Bit>,
    d_ext24: DFF<Bit>,
    d_ext28: DFF<Bit>,
    d_fragment20: DFF<Bit>,
    d_fragment24: DFF<Bit>,
    d_fragment28: DFF<Bit>,
    /// The grid of the beat in `d_data` (L3 at 18), from beats of 256 bits on: their
    /// first beat holds bytes 12..21, so the grid is known as that beat comes in and
    /// is registered beside it; the 512-bit word cut then takes its select from this
    /// flip-flop instead of two LUT levels after the compares.
    d_grid2: DFF<Bit>,
    /// Beats of 256 bits or more (bytes 12..21 in the first beat).
    wide: Constant<Bit>,
    /// Beat numbers holding bytes 12..13, 16..17, 20..21.
    beat12: Constant<Bits<BEAT_INDEX_BITS>>,
    beat16: Constant<Bits<BEAT_INDEX_BITS>>,
    beat20: Constant<Bits<BEAT_INDEX_BITS>>,
    /// Bit offsets of those bytes in their beat.
    lane12: Constant<Bits<16>>,
    lane16: Constant<Bits<16>>,
    lane20: Constant<Bits<16>>,
    lane24: Constant<Bits<16>>,
    lane28: Constant<Bits<16>>,
    hop_by_hop: Constant<Bits<8>>,
    routing: Constant<Bits<8>>,
    fragment_header: Constant<Bits<8>>,
    destination_options: Constant<Bits<8>>,
    data_bits: Constant<Bits<16>>,
    /// Words per beat.
    words_per_beat: Constant<Bits<WORD_INDEX_BITS>>,
    /// `slot_last` of a first beat: L3 at 18 or 22, at 14.
    first_slot_last: Constant<Bits<WORD_INDEX_BITS>>,
    first_slot_last14: Constant<Bits<WORD_INDEX_BITS>>,
    word_limit: Constant<Bits<WORD_INDEX_BITS>>,
    tag_vlan: Constant<Bits<16>>,
    tag_qinq: Constant<Bits<16>>,
    type_ipv4: Constant<Bits<16>>,
    type_ipv6: Constant<Bits<16>>,
    extended: Signal<Local, Bits<EXTENDED_BITS>>,
    is12: Signal<Local, Bit>,
    is16: Signal<Local, Bit>,
    is20: Signal<Local, Bit>,
    type12: Signal<Local, Bits<16>>,
    type16: Signal<Local, Bits<16>>,
    type20: Signal<Local, Bits<16>>,
    field24: Signal<Local, Bits<16>>,
    field28: Signal<Local, Bits<16>>,
    /// L3 word 0's next header is an extension header, its fragment field makes a
    /// fragment (where the beat holds word 0).
    w0_next_is_ext: Signal<Local, Bit>,
    w0_fragment: Signal<Local, Bit>,
    /// Bit offsets of those flags in the bundle.
    w0_next_is_ext_lsb: Constant<Bits<16>>,
    w0_fragment_lsb: Constant<Bits<16>>,
    tag12: Signal<Local, Bit>,
    ipv4_12: Signal<Local, Bit>,
    ipv6_12: Signal<Local, Bit>,
    tag16: Signal<Local, Bit>,
    ipv4_16: Signal<Local, Bit>,
    ipv6_16: Signal<Local, Bit>,
    ipv4_20: Signal<Local, Bit>,
    ipv6_20: Signal<Local, Bit>,
    frame_ipv4: Signal<Local, Bit>,
    frame_ipv6: Signal<Local, Bit>,
    l3: Signal<Local, Bits<5>>,
    grid2: Signal<Local, Bit>,
    /// The grid the words and the tail are cut on (see `update`).
    word_grid2: Signal<Local, Bit>,
    /// The first flag as the word count and the fixed words' flags take it.
    word_tag12: Signal<Local, Bit>,
    /// 64-bit beats: the word cut takes the grid from registers.
    narrow: Constant<Bit>,
    slot_last: Signal<Local, Bits<WORD_INDEX_BITS>>,
    slot_last14: Signal<Local, Bits<WORD_INDEX_BITS>>,
    next_slot_last: Signal<Local, Bits<WORD_INDEX_BITS>>,
    next_slot_last14: Signal<Local, Bits<WORD_INDEX_BITS>>,
    words: Signal<Local, Bits<DATA_BITS>>,
    /// Slot 0's IPv6 datagram end on the grid of L3 at 14 or 22, at 18.
    end_grid6: Signal<Local, Bits<END_BITS>>,
    end_grid2: Signal<Local, Bits<END_BITS>>,
    tail: Signal<Local, Bits<64>>,
    last_word: Signal<Local, Bits<WORD_INDEX_BITS>>,
    bundle: Signal<Local, Bits<BUNDLE_BITS>>,
}

impl<const DATA_BITS: usize, const EXTENDED_BITS: usize, const BUNDLE_BITS: usize> Default
    for WordSlots<DATA_BITS, EXTENDED_BITS, BUNDLE_BITS>
{
    fn default() -> Self {
        assert_eq!(EXTENDED_BITS, DATA_BITS + 48);
        assert_eq!(BUNDLE_BITS, crate::beat::bundle_bits(DATA_BITS));
        let beat_bytes = DATA_BITS / 8;
        let beat = |byte: usize| Constant::new(((byte / beat_bytes) as u64).to_bits());
        let lane = |byte: usize| {
            Constant::new(((DATA_BITS - 16 - 8 * (byte % beat_bytes)) as u64).to_bits())
        };
        let protocol = |v: u8| Constant::new(u64::from(v).to_bits());
        let word = |v: u16| Constant::new(u64::from(v).to_bits());
        WordSlots {
            clock: Default::default(),
            reset: Default::default(),
            in_valid: Default::default(),
            in_data: Default::default(),
            in_first: Default::default(),
            in_last: Default::default(),
            in_length: Default::default(),
            beat: Default::default(),
            slot0_ipv6_end: Default::default(),
            l3_word0: Constant::new(L3_WORD_BIAS.to_bits()),
            l3_word1: Constant::new((L3_WORD_BIAS + 1).to_bits()),
            beyond_mask: Constant::new(
                (!((beat_bytes / 8) as u64 - 1) & ((1 << WORD_INDEX_BITS) - 1)).to_bits(),
            ),
            held_grid: Default::default(),
            held_grid14: Default::default(),
            held_lsb: Constant::new((crate::beat::held_lsb(DATA_BITS) as u64).to_bits()),
            w0_next_is_ext_lsb: Constant::new(
                ((crate::beat::held_lsb(DATA_BITS) + crate::beat::W0_NEXT_IS_EXT) as u64).to_bits(),
            ),
            w0_fragment_lsb: Constant::new(
                ((crate::beat::held_lsb(DATA_BITS) + crate::beat::W0_FRAGMENT) as u64).to_bits(),
            ),
            field24: Default::default(),
            field28: Default::default(),
            w0_next_is_ext: Default::default(),
            w0_fragment: Default::default(),
            d_ext20: Default::default(),
            d_ext24: Default::default(),
            d_ext28: Default::default(),
            d_fragment20: Default::default(),
            d_fragment24: Default::default(),
            d_fragment28: Default::default(),
            held: Default::default(),
            prev_tail: Default::default(),
            at1: Default::default(),
            at2: Default::default(),
            tag12_q: Default::default(),
            ipv4_12_q: Default::default(),
            ipv6_12_q: Default::default(),
            tag16_q: Default::default(),
            ipv4_16_q: Default::default(),
            ipv6_16_q: Default::default(),
            ipv4_20_q: Default::default(),
            ipv6_20_q: Default::default(),
            slot_last_q: Default::default(),
            slot_last14_q: Default::default(),
            is12: Default::default(),
            is16: Default::default(),
            is20: Default::default(),
            tag12: Default::default(),
            ipv4_12: Default::default(),
            ipv6_12: Default::default(),
            tag16: Default::default(),
            ipv4_16: Default::default(),
            ipv6_16: Default::default(),
            ipv4_20: Default::default(),
            ipv6_20: Default::default(),
            frame_ipv4: Default::default(),
            frame_ipv6: Default::default(),
            slot_last: Default::default(),
            slot_last14: Default::default(),
            next_slot_last: Default::default(),
            next_slot_last14: Default::default(),
            beat_q: Default::default(),
            ipv6_end_q: Default::default(),
            d_valid: Default::default(),
            d_first: Default::default(),
            d_last: Default::default(),
            d_length: Default::default(),
            d_data: Default::default(),
            d_tag12: Default::default(),
            d_ipv4_12: Default::default(),
            d_ipv6_12: Default::default(),
            d_tag16: Default::default(),
            d_ipv4_16: Default::default(),
            d_ipv6_16: Default::default(),
            d_ipv4_20: Default::default(),
            d_ipv6_20: Default::default(),
            beat12: beat(12),
            beat16: beat(16),
            beat20: beat(20),
            lane12: lane(12),
            lane16: lane(16),
            lane20: lane(20),
            lane24: lane(24),
            lane28: lane(28),
            hop_by_hop: protocol(IPPROTO_HOPOPTS),
            routing: protocol(IPPROTO_ROUTING),
            fragment_header: protocol(IPPROTO_FRAGMENT),
            destination_options: protocol(IPPROTO_DSTOPTS),
            data_bits: Constant::new((DATA_BITS as u64).to_bits()),
            words_per_beat: Constant::new(((beat_bytes / 8) as u64).to_bits()),
            first_slot_last: Constant::new(((beat_bytes / 8) as u64).to_bits()),
            first_slot_last14: Constant::new(((beat_bytes / 8 + 1) as u64).to_bits()),
            word_limit: Constant::new(WORD_INDEX_LIMIT.to_bits()),
            tag_vlan: word(ETHERTYPE_VLAN),
            tag_qinq: word(ETHERTYPE_QINQ),
            type_ipv4: word(ETHERTYPE_IPV4),
            type_ipv6: word(ETHERTYPE_IPV6),
            extended: Default::default(),
            type12: Default::default(),
            type16: Default::default(),
            type20: Default::default(),
            l3: Default::default(),
            grid2: Default::default(),
            word_grid2: Default::default(),
            word_tag12: Default::default(),
            narrow: Constant::new(DATA_BITS == 64),
            d_grid2: Default::default(),
            wide: Constant::new(DATA_BITS >= 256),
            words: Default::default(),
            end_grid6: Default::default(),
            end_grid2: Default::default(),
            tail: Default::default(),
            last_word: Default::default(),
            bundle: Default::default(),
        }
    }
}

impl<const DATA_BITS: usize, const EXTENDED_BITS: usize, const BUNDLE_BITS: usize> Logic
    for WordSlots<DATA_BITS, EXTENDED_BITS, BUNDLE_BITS>
{
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self,
            clock,
            prev_tail,
            at1,
            at2,
            tag12_q,
            ipv4_12_q,
            ipv6_12_q,
            tag16_q,
            ipv4_16_q,
            ipv6_16_q,
            ipv4_20_q,
            ipv6_20_q,
            slot_last_q,
            slot_last14_q,
            beat_q,
            ipv6_end_q,
            d_valid,
            d_first,
            d_last,
            d_length,
            d_data,
            d_tag12,
            d_ipv4_12,
            d_ipv6_12,
            d_tag16,
            d_ipv4_16,
            d_ipv6_16,
            d_ipv4_20,
            d_ipv6_20,
            d_ext20,
            d_ext24,
            d_ext28,
            d_fragment20,
            d_fragment24,
            d_fragment28,
            d_grid2
        );
        // Which beat holds bytes 12..13, 16..17, 20..21: the first, second or third
        // (the beat numbers are constants, so two of each three terms fold away). From
        // 256 bits on, every beat: the compare registers hold the first beat's verdict
        // for the whole frame (below).
        self.is12.next = self.wide.val()
            | ((self.beat12.val() == 0) & self.d_first.q.val())
            | ((self.beat12.val() == 1) & self.at1.q.val())
            | ((self.beat12.val() == 2) & self.at2.q.val());
        self.is16.next = self.wide.val()
            | ((self.beat16.val() == 0) & self.d_first.q.val())
            | ((self.beat16.val() == 1) & self.at1.q.val())
            | ((self.beat16.val() == 2) & self.at2.q.val());
        self.is20.next = self.wide.val()
            | ((self.beat20.val() == 0) & self.d_first.q.val())
            | ((self.beat20.val() == 1) & self.at1.q.val())
            | ((self.beat20.val() == 2) & self.at2.q.val());
        // The ethertype compares, on the beat as it comes in, registered beside it.
        self.type12.next = self.in_data.val().get_bits::<16>(self.lane12.val().index());
        self.type16.next = self.in_data.val().get_bits::<16>(self.lane16.val().index());
        self.type20.next = self.in_data.val().get_bits::<16>(self.lane20.val().index());
        self.d_tag12.d.next = self.d_tag12.q.val();
        self.d_ipv4_12.d.next = self.d_ipv4_12.q.val();
        self.d_ipv6_12.d.next = self.d_ipv6_12.q.val();
        self.d_tag16.d.next = self.d_tag16.q.val();
        self.d_ipv4_16.d.next = self.d_ipv4_16.q.val();
        self.d_ipv6_16.d.next = self.d_ipv6_16.q.val();
        self.d_ipv4_20.d.next = self.d_ipv4_20.q.val();
        self.d_ipv6_20.d.next = self.d_ipv6_20.q.val();
        if !self.wide.val() | (self.in_valid.val() & self.in_first.val()) {
            self.d_tag12.d.next = (self.type12.val() == self.tag_vlan.val())
                | (self.type12.val() == self.tag_qinq.val());
            self.d_ipv4_12.d.next = self.type12.val() == self.type_ipv4.val();
            self.d_ipv6_12.d.next = self.type12.val() == self.type_ipv6.val();
            self.d_tag16.d.next = self.type16.val() == self.tag_vlan.val();
            self.d_ipv4_16.d.next = self.type16.val() == self.type_ipv4.val();
            self.d_ipv6_16.d.next = self.type16.val() == self.type_ipv6.val();
            self.d_ipv4_20.d.next = self.type20.val() == self.type_ipv4.val();
            self.d_ipv6_20.d.next = self.type20.val() == self.type_ipv6.val();
        }
        // Word 0's bytes 6..7 where each grid has them: the next header in the first,
        // MF at bit 13 and the offset below it (`rss_model::parse::is_ipv4_fragment`).
        self.field24.next = self.in_data.val().get_bits::<16>(self.lane24.val().index());
        self.field28.next = self.in_data.val().get_bits::<16>(self.lane28.val().index());
        self.d_ext20.d.next = (self.type20.val().get_bits::<8>(8) == self.hop_by_hop.val())
            | (self.type20.val().get_bits::<8>(8) == self.routing.val())
            | (self.type20.val().get_bits::<8>(8) == self.fragment_header.val())
            | (self.type20.val().get_bits::<8>(8) == self.destination_options.val());
        self.d_ext24.d.next = (self.field24.val().get_bits::<8>(8) == self.hop_by_hop.val())
            | (self.field24.val().get_bits::<8>(8) == self.routing.val())
            | (self.field24.val().get_bits::<8>(8) == self.fragment_header.val())
            | (self.field24.val().get_bits::<8>(8) == self.destination_options.val());
        self.d_ext28.d.next = (self.field28.val().get_bits::<8>(8) == self.hop_by_hop.val())
            | (self.field28.val().get_bits::<8>(8) == self.routing.val())
            | (self.field28.val().get_bits::<8>(8) == self.fragment_header.val())
            | (self.field28.val().get_bits::<8>(8) == self.destination_options.val());
        self.d_fragment20.d.next =
            self.type20.val().get_bit(13) | self.type20.val().get_bits::<13>(0).any();
        self.d_fragment24.d.next =
            self.field24.val().get_bit(13) | self.field24.val().get_bits::<13>(0).any();
        self.d_fragment28.d.next =
            self.field28.val().get_bit(13) | self.field28.val().get_bits::<13>(0).any();
        self.d_grid2.d.next = self.d_grid2.q.val();
        if self.in_valid.val() & self.in_first.val() {
            self.d_grid2.d.next = ((self.type12.val() == self.tag_vlan.val())
                | (self.type12.val() == self.tag_qinq.val()))
                & (self.type16.val() != self.tag_vlan.val());
        }
        self.d_valid.d.next = self.in_valid.val();
        self.d_first.d.next = self.in_first.val();
        self.d_last.d.next = self.in_last.val();
        self.d_length.d.next = self.in_length.val();
        self.d_data.d.next = self.in_data.val();
        // Ethertype flags: from this beat when it holds the bytes, else as saved.
        self.tag12.next = self.tag12_q.q.val();
        self.ipv4_12.next = self.ipv4_12_q.q.val();
        self.ipv6_12.next = self.ipv6_12_q.q.val();
        if self.is12.val() {
            self.tag12.next = self.d_tag12.q.val();
            self.ipv4_12.next = self.d_ipv4_12.q.val();
            self.ipv6_12.next = self.d_ipv6_12.q.val();
        }
        self.tag16.next = self.tag16_q.q.val();
        self.ipv4_16.next = self.ipv4_16_q.q.val();
        self.ipv6_16.next = self.ipv6_16_q.q.val();
        if self.is16.val() {
            self.tag16.next = self.d_tag16.q.val();
            self.ipv4_16.next = self.d_ipv4_16.q.val();
            self.ipv6_16.next = self.d_ipv6_16.q.val();
        }
        self.ipv4_20.next = self.ipv4_20_q.q.val();
        self.ipv6_20.next = self.ipv6_20_q.q.val();
        if self.is20.val() {
            self.ipv4_20.next = self.d_ipv4_20.q.val();
            self.ipv6_20.next = self.d_ipv6_20.q.val();
        }
        self.l3.next = 14.into();
        self.frame_ipv4.next = self.ipv4_12.val();
        self.frame_ipv6.next = self.ipv6_12.val();
        if self.tag12.val() {
            self.l3.next = 18.into();
            self.frame_ipv4.next = self.ipv4_16.val();
            self.frame_ipv6.next = self.ipv6_16.val();
            if self.tag16.val() {
                self.l3.next = 22.into();
                self.frame_ipv4.next = self.ipv4_20.val();
                self.frame_ipv6.next = self.ipv6_20.val();
            }
        }
        self.grid2.next = self.tag12.val() & !self.tag16.val();
        // At 64 bits the beat that decides a flag ends no L3 word whose grid that flag
        // changes: bytes 12..13 come in beat 1, where no L3 word ends; bytes 16..17 in
        // beat 2, where only L3 = 14's first word ends, whose grid needs the first flag
        // alone. So the word multiplexer, 64 + 64 bits wide, takes its select from the
        // flags as saved (this frame's from beat 2 on) rather than after the compares.
        // The word count and the fixed words' flags, which depend on the first flag
        // alone, take it from its register likewise.
        self.word_grid2.next = self.grid2.val();
        self.word_tag12.next = self.tag12.val();
        if self.narrow.val() {
            self.word_tag12.next = self.tag12_q.q.val();
            self.word_grid2.next = self.tag12_q.q.val() & !self.tag16_q.q.val();
        }
        if self.wide.val() {
            self.word_grid2.next = self.d_grid2.q.val();
        }

        // The beat with the previous beat's last 6 bytes in front (byte 0 on top).
        self.extended.next = (bit_cast::<EXTENDED_BITS, 48>(self.prev_tail.q.val())
            << self.data_bits.val())
            | bit_cast::<EXTENDED_BITS, DATA_BITS>(self.d_data.q.val());
        // Slot j is the word ending 8j + 6 (grid 2) or 8j + 2 (grid 6) bytes before the
        // end of `extended`, i.e. at bit 64j + 48 or 64j + 16 of it.
        // The slots of one grid are consecutive in `extended`.
        self.words.next = self.extended.val().get_bits::<DATA_BITS>(16);
        if self.word_grid2.val() {
            self.words.next = self.extended.val().get_bits::<DATA_BITS>(48);
        }
        self.tail.next = bit_cast::<64, 16>(self.d_data.q.val().get_bits::<16>(0)) << 48_u64;
        if self.word_grid2.val() {
            self.tail.next = bit_cast::<64, 48>(self.d_data.q.val().get_bits::<48>(0)) << 16_u64;
        }
        // Word number of slot 0: (beat + 1) · words per beat, + 1 on the grid of L3 = 14,
        // saturating at 60; counted in registers, beat by beat, one count per grid so
        // that neither waits on an adder after the L3 decision.
        self.slot_last.next = self.slot_last_q.q.val() ^ self.first_slot_last.val();
        self.slot_last14.next = self.slot_last14_q.q.val() ^ self.first_slot_last14.val();
        self.last_word.next = self.slot_last.val();
        if !self.word_tag12.val() {
            self.last_word.next = self.slot_last14.val();
        }
        self.next_slot_last.next = self.slot_last.val() + self.words_per_beat.val();
        if self.slot_last.val() > self.word_limit.val() - self.words_per_beat.val() {
            self.next_slot_last.next = self.word_limit.val();
        }
        self.next_slot_last14.next = self.slot_last14.val() + self.words_per_beat.val();
        if self.slot_last14.val() > self.word_limit.val() - self.words_per_beat.val() {
            self.next_slot_last14.next = self.word_limit.val();
        }
        if self.d_valid.q.val() {
            self.at1.d.next = self.d_first.q.val() & !self.d_last.q.val();
            self.at2.d.next = self.at1.q.val() & !self.d_last.q.val();
            self.slot_last_q.d.next = self.next_slot_last.val() ^ self.first_slot_last.val();
            self.slot_last14_q.d.next = self.next_slot_last14.val() ^ self.first_slot_last14.val();
            if self.d_last.q.val() {
                self.slot_last_q.d.next = 0.into();
                self.slot_last14_q.d.next = 0.into();
            }
        }

        // Pack the beat (field offsets: crate::beat).
        self.bundle.next = (bit_cast::<BUNDLE_BITS, DATA_BITS>(self.words.val()) << 96_u64)
            | (bit_cast::<BUNDLE_BITS, 64>(self.tail.val()) << 32_u64)
            | (bit_cast::<BUNDLE_BITS, LENGTH_BITS>(self.d_length.q.val()) << 16_u64)
            | (bit_cast::<BUNDLE_BITS, WORD_INDEX_BITS>(self.last_word.val()) << 10_u64)
            | (bit_cast::<BUNDLE_BITS, 5>(self.l3.val()) << 5_u64);
        self.bundle.next = self
            .bundle
            .val()
            .replace_bit(0, self.d_valid.q.val())
            .replace_bit(1, self.d_first.q.val())
            .replace_bit(2, self.d_last.q.val())
            .replace_bit(3, self.frame_ipv4.val())
            .replace_bit(4, self.frame_ipv6.val());
        // Where the fixed L3 words are (`WordPick`'s `found` for a fixed target), on
        // each grid's count; the L3 decision picks one, as it picks `last_word`.
        self.held_grid.next = 0.into();
        self.held_grid14.next = 0.into();
        for k in 0..5 {
            if (self.slot_last.val() >= self.l3_word0.val() + k.to_bits())
                & (((self.slot_last.val() - (self.l3_word0.val() + k.to_bits()))
                    & self.beyond_mask.val())
                    == 0_u64)
            {
                self.held_grid.next = self.held_grid.val().replace_bit(k, true);
            }
            if (self.slot_last14.val() >= self.l3_word0.val() + k.to_bits())
                & (((self.slot_last14.val() - (self.l3_word0.val() + k.to_bits()))
                    & self.beyond_mask.val())
                    == 0_u64)
            {
                self.held_grid14.next = self.held_grid14.val().replace_bit(k, true);
            }
        }
        if self.d_last.q.val() & (self.slot_last.val() == self.l3_word1.val()) {
            self.held_grid.next = self
                .held_grid
                .val()
                .replace_bit(2, true)
                .replace_bit(5, true);
        }
        if self.d_last.q.val() & (self.slot_last14.val() == self.l3_word1.val()) {
            self.held_grid14.next = self
                .held_grid14
                .val()
                .replace_bit(2, true)
                .replace_bit(5, true);
        }
        self.held.next = self.held_grid.val();
        if !self.word_tag12.val() {
            self.held.next = self.held_grid14.val();
        }
        if !self.d_valid.q.val() {
            self.held.next = 0.into();
        }
        // Word 0's bytes 6..7: 24 on the grid of L3 at 18, else 28 after a tag or 20
        // without (the frame flags it takes are final where word 0 ends).
        self.w0_next_is_ext.next = self.d_ext20.q.val();
        self.w0_fragment.next = self.d_fragment20.q.val();
        if self.word_tag12.val() {
            self.w0_next_is_ext.next = self.d_ext28.q.val();
            self.w0_fragment.next = self.d_fragment28.q.val();
        }
        if self.word_grid2.val() {
            self.w0_next_is_ext.next = self.d_ext24.q.val();
            self.w0_fragment.next = self.d_fragment24.q.val();
        }
        self.beat_q.d.next = self.bundle.val()
            | (bit_cast::<BUNDLE_BITS, 6>(self.held.val()) << self.held_lsb.val())
            | (bit_cast::<BUNDLE_BITS, 1>(self.w0_next_is_ext.val().into())
                << self.w0_next_is_ext_lsb.val())
            | (bit_cast::<BUNDLE_BITS, 1>(self.w0_fragment.val().into())
                << self.w0_fragment_lsb.val());
        // Slot 0's bytes 4..5 on either grid, each + 40, then the grid's choice: the
        // adders start at the beat's registers, and the choice, behind the grid's
        // select like the words', is the last LUT (stop 56: the adder behind the choice
        // made the select's fanout the path at six seeds of seventeen).
        self.end_grid6.next =
            bit_cast::<END_BITS, 16>(self.extended.val().get_bits::<16>(32)) + 40_u64;
        self.end_grid2.next =
            bit_cast::<END_BITS, 16>(self.extended.val().get_bits::<16>(64)) + 40_u64;
        self.ipv6_end_q.d.next = self.end_grid6.val();
        if self.word_grid2.val() {
            self.ipv6_end_q.d.next = self.end_grid2.val();
        }
        if self.d_valid.q.val() {
            self.prev_tail.d.next = self.d_data.q.val().get_bits::<48>(0);
            self.tag12_q.d.next = self.tag12.val();
            self.ipv4_12_q.d.next = self.ipv4_12.val();
            self.ipv6_12_q.d.next = self.ipv6_12.val();
            self.tag16_q.d.next = self.tag16.val();
            self.ipv4_16_q.d.next = self.ipv4_16.val();
            self.ipv6_16_q.d.next = self.ipv6_16.val();
            self.ipv4_20_q.d.next = self.ipv4_20.val();
            self.ipv6_20_q.d.next = self.ipv6_20.val();
        }
        if self.reset.val() {
            self.d_valid.d.next = false;
            self.beat_q.d.next = 0.into();
            self.at1.d.next = false;
            self.at2.d.next = false;
            self.slot_last_q.d.next = 0.into();
            self.slot_last14_q.d.next = 0.into();
        }
        self.beat.next = self.beat_q.q.val();
        self.slot0_ipv6_end.next = self.ipv6_end_q.q.val();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_slots_is_synthesizable() {
        let mut uut = WordSlots::<64, 112, { crate::beat::bundle_bits(64) }>::default();
        uut.connect_all();
        crate::lint::assert_lints_clean(&generate_verilog(&uut), "word_slots");
    }

    /// Frames of random bytes with 0, 1 or 2 tags and an IPv4, IPv6 or other ethertype,
    /// back to back or with idle clocks between beats. Every beat out (two clocks after
    /// it went in) is checked once its L3 offset is final (bytes 12..21 passed): the L3
    /// offset and ethertype flags, the slot numbering `(beat + 1) · W + (L3 == 14)`
    /// saturating at 60 (which `WordPick::fixed` relies on), every slot's L3 word and
    /// the tail word's bytes inside the frame; and where the beat holds L3 word 0, its
    /// flags against the model: `is_ext_header` of byte L3 + 6, `is_ipv4_fragment` of
    /// bytes L3 + 6..7.
    fn check_word_slots<const D: usize, const E: usize, const B: usize>(seed: u64) {
        use crate::beat::{
            FIRST, IPV4, IPV6, L3_LSB, LAST, SLOT_LAST_LSB, SLOTS_LSB, TAIL_LSB, VALID,
            W0_FRAGMENT, W0_NEXT_IS_EXT,
        };
        use rand::{Rng, SeedableRng};
        use rss_model::parse::{is_ext_header, is_ipv4_fragment};
        use std::sync::Arc;
        type Uut<const D: usize, const E: usize, const B: usize> = WordSlots<D, E, B>;

        /// One beat driven, and what its output must hold.
        struct Step {
            data: num_bigint::BigUint,
            frame: Arc<Vec<u8>>,
            b: usize,
            beats: usize,
            l3: usize,
            ethertype: u16,
            slot_last: u64,
        }
        let field = |bundle: &num_bigint::BigUint, lsb: usize, bits: usize| -> u64 {
            let mask = (num_bigint::BigUint::from(1u32) << bits) - 1u32;
            ((bundle >> lsb) & mask).try_into().unwrap()
        };
        let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
        let beat_bytes = D / 8;
        let words = (beat_bytes / 8) as u64;
        // The stimulus, clock by clock (`None`: an idle clock).
        let mut steps: Vec<Option<Step>> = Vec::new();
        for frame_index in 0..120 {
            let tags = frame_index % 3;
            let mut length = rng.random_range(60..=300_usize);
            if rng.random_bool(0.4) {
                // Ending in a beat's last bytes, where the tail word starts.
                length = (length.next_multiple_of(beat_bytes) - rng.random_range(0..6)).max(60);
            }
            let mut frame: Vec<u8> = (0..length).map(|_| rng.random()).collect();
            let ethertype = [0x0800_u16, 0x86dd, 0x1234][rng.random_range(0..3)];
            let tag_types: &[u16] = [&[][..], &[0x8100][..], &[0x88a8, 0x8100][..]][tags];
            for (i, &t) in tag_types.iter().chain([ethertype].iter()).enumerate() {
                frame[12 + 4 * i..14 + 4 * i].copy_from_slice(&t.to_be_bytes());
            }
            let l3 = 14 + 4 * tags;
            // Bytes 6..7 of L3: the next header an extension header half the time, and
            // the IPv4 fragment field a non-fragment's (0, DF, the reserved bit) a
            // third of the time, so word 0's flags are seen both ways.
            if rng.random_bool(0.5) {
                frame[l3 + 6] = [0, 43, 44, 60][rng.random_range(0..4)];
            }
            if rng.random_bool(0.33) {
                frame[l3 + 6] = [0x00, 0x40, 0x80, 0xc0][rng.random_range(0..4)];
                frame[l3 + 7] = 0;
            }
            let frame = Arc::new(frame);
            let beats = length.div_ceil(beat_bytes);
            let mut slot_last = words + u64::from(l3 == 14);
            for b in 0..beats {
                while rng.random_bool(0.2) {
                    steps.push(None);
                }
                let mut data = num_bigint::BigUint::from(0u32);
                for i in 0..beat_bytes {
                    let byte = frame
                        .get(b * beat_bytes + i)
                        .copied()
                        .unwrap_or(rng.random());
                    data = (data << 8u32) | num_bigint::BigUint::from(byte);
                }
                steps.push(Some(Step {
                    data,
                    frame: frame.clone(),
                    b,
                    beats,
                    l3,
                    ethertype,
                    slot_last,
                }));
                slot_last = if slot_last > WORD_INDEX_LIMIT - words {
                    WORD_INDEX_LIMIT
                } else {
                    slot_last + words
                };
            }
        }
        steps.push(None);
        steps.push(None);

        let mut uut = Uut::<D, E, B>::default();
        uut.connect_all();
        let mut sim = Simulation::new();
        sim.add_clock(5, |x: &mut Box<Uut<D, E, B>>| x.clock.next = !x.clock.val());
        sim.add_testbench(move |mut ep: Sim<Uut<D, E, B>>| {
            let mut x = ep.init()?;
            x.reset.next = true;
            wait_clock_cycle!(ep, clock, x);
            x.reset.next = false;
            let (mut slots_checked, mut tails_checked, mut holds_seen) = (0, 0, 0);
            let mut ends_checked = 0;
            let (mut next_header_flags, mut fragment_flags) = ([0; 2], [0; 2]);
            for t in 0..steps.len() {
                match &steps[t] {
                    None => x.in_valid.next = false,
                    Some(step) => {
                        let length = step.frame.len();
                        x.in_valid.next = true;
                        x.in_data.next = step.data.clone().into();
                        x.in_first.next = step.b == 0;
                        x.in_last.next = step.b + 1 == step.beats;
                        x.in_length.next = (((step.b + 1) * beat_bytes).min(length) as u64).into();
                    }
                }
                wait_clock_cycle!(ep, clock, x);
                x = ep.wait(1, x)?;
                // The output now is the beat driven a clock before this one.
                let out: num_bigint::BigUint = x.beat.val().into();
                let Some(step) = t.checked_sub(1).and_then(|p| steps[p].as_ref()) else {
                    sim_assert_eq!(ep, field(&out, VALID, 1), 0, x);
                    // (Word 0's flags mean nothing without word 0.)
                    sim_assert_eq!(ep, field(&out, SLOTS_LSB + D, W0_NEXT_IS_EXT), 0, x);
                    continue;
                };
                let (frame, b, beats, l3) = (&step.frame, step.b, step.beats, step.l3);
                let length = frame.len();
                sim_assert_eq!(ep, field(&out, VALID, 1), 1, x);
                sim_assert_eq!(ep, field(&out, FIRST, 1), u64::from(b == 0), x);
                sim_assert_eq!(ep, field(&out, LAST, 1), u64::from(b + 1 == beats), x);
                // Slot j holds word slot_last - j, the tail word slot_last + 1 (the
                // beats before bytes 12..21 have passed hold no L3 word on either grid).
                let in_slot = |n: u64| step.slot_last >= n && step.slot_last - n < words;
                let last = b + 1 == beats;
                let word2_in_tail = last && step.slot_last + 1 == L3_WORD_BIAS + 2;
                for k in 0..5 {
                    let held = in_slot(L3_WORD_BIAS + k) || (k == 2 && word2_in_tail);
                    let bit = field(&out, SLOTS_LSB + D + k as usize, 1);
                    sim_assert_eq!(ep, bit, u64::from(held), x);
                }
                let tail_bit = field(&out, SLOTS_LSB + D + 5, 1);
                sim_assert_eq!(ep, tail_bit, u64::from(word2_in_tail), x);
                holds_seen += field(&out, SLOTS_LSB + D, 1) as usize;
                if field(&out, SLOTS_LSB + D, 1) == 1 {
                    let is_ext = is_ext_header(frame[l3 + 6]);
                    let flag = field(&out, SLOTS_LSB + D + W0_NEXT_IS_EXT, 1);
                    sim_assert_eq!(ep, flag, u64::from(is_ext), x);
                    next_header_flags[usize::from(is_ext)] += 1;
                    let fragment =
                        is_ipv4_fragment(u16::from_be_bytes([frame[l3 + 6], frame[l3 + 7]]));
                    let flag = field(&out, SLOTS_LSB + D + W0_FRAGMENT, 1);
                    sim_assert_eq!(ep, flag, u64::from(fragment), x);
                    fragment_flags[usize::from(fragment)] += 1;
                }
                // Slot 0 holding L3 word 0: its bytes 4..5 + 40 beside it (the IPv6
                // datagram end, which the IP header stage takes from here at 64 bits).
                if step.slot_last == L3_WORD_BIAS && l3 + 6 <= length {
                    let payload = u16::from_be_bytes([frame[l3 + 4], frame[l3 + 5]]);
                    let end = x.slot0_ipv6_end.val().to_u64();
                    sim_assert_eq!(ep, end, u64::from(payload) + 40, x);
                    ends_checked += 1;
                }
                if (b + 1) * beat_bytes < 22 {
                    continue; // the L3 offset is not known yet, and no L3 word ended
                }
                sim_assert_eq!(ep, field(&out, L3_LSB, 5), l3 as u64, x);
                let ipv4 = u64::from(step.ethertype == 0x0800);
                let ipv6 = u64::from(step.ethertype == 0x86dd);
                sim_assert_eq!(ep, field(&out, IPV4, 1), ipv4, x);
                sim_assert_eq!(ep, field(&out, IPV6, 1), ipv6, x);
                sim_assert_eq!(ep, field(&out, SLOT_LAST_LSB, 6), step.slot_last, x);
                if step.slot_last == WORD_INDEX_LIMIT {
                    continue;
                }
                // Word n's bytes, as far as they lie in the frame.
                let word_bytes = |n: u64| {
                    let start = l3 as i64 + 8 * (n as i64 - L3_WORD_BIAS as i64);
                    (0..8_usize).map(move |i| (i, start + i as i64))
                };
                for j in 0..words {
                    let n = step.slot_last - j;
                    if n < L3_WORD_BIAS {
                        continue; // Ethernet header words: no stage reads them
                    }
                    let word = field(&out, SLOTS_LSB + 64 * j as usize, 64).to_be_bytes();
                    for (i, at) in word_bytes(n) {
                        if at >= 0 && (at as usize) < length {
                            sim_assert_eq!(ep, word[i], frame[at as usize], x);
                        }
                    }
                    slots_checked += 1;
                }
                if b + 1 == beats {
                    let tail = field(&out, TAIL_LSB, 64).to_be_bytes();
                    for (i, at) in word_bytes(step.slot_last + 1) {
                        if at >= 0 && (at as usize) < length {
                            sim_assert_eq!(ep, tail[i], frame[at as usize], x);
                            tails_checked += 1;
                        }
                    }
                }
            }
            sim_assert!(
                ep,
                slots_checked > 500
                    && tails_checked > 40
                    && holds_seen >= 80
                    && (D > 64 || ends_checked >= 80)
                    && next_header_flags.iter().all(|&n| n >= 20)
                    && fragment_flags.iter().all(|&n| n >= 20),
                x
            );
            ep.done(x)
        });
        sim.run(Box::new(uut), 200_000).unwrap();
    }

    #[test]
    fn word_slots_cut_l3_words_at_64_bits() {
        check_word_slots::<64, 112, { crate::beat::bundle_bits(64) }>(64);
    }

    #[test]
    fn word_slots_cut_l3_words_at_128_bits() {
        check_word_slots::<128, 176, { crate::beat::bundle_bits(128) }>(128);
    }

    #[test]
    fn word_slots_cut_l3_words_at_512_bits() {
        check_word_slots::<512, 560, { crate::beat::bundle_bits(512) }>(512);
    }
}
