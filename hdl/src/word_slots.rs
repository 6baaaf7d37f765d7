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
//! Words are numbered `k + 4` for L3 word `k` (`k < 0`: Ethernet header). Slot `j`
//! holds word `slot_last - j` (`j = 0` is the beat's last whole word), the tail holds
//! `slot_last + 1`. Numbers saturate near 60, far past the 128-byte parse window: a
//! field read there is beyond the window whatever word it finds.
//!
//! The ethertype decision uses bytes 12..21. Until they have all passed, the frame
//! fields are not final, but no L3 word has ended yet either.

use rss_model::parse::{ETHERTYPE_IPV4, ETHERTYPE_IPV6, ETHERTYPE_QINQ, ETHERTYPE_VLAN};
use rust_hdl::prelude::*;

use crate::frame_ingress::{BEAT_INDEX_BITS, LENGTH_BITS};

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
    /// Beat number within the frame.
    pub in_index: Signal<In, Bits<BEAT_INDEX_BITS>>,
    /// Frame bytes through this beat.
    pub in_length: Signal<In, Bits<LENGTH_BITS>>,
    /// The beat as L3 words, registered (layout in [`beat`](crate::beat)).
    pub beat: Signal<Out, Bits<BUNDLE_BITS>>,
    prev_tail: DFF<Bits<48>>,
    ethertype12: DFF<Bits<16>>,
    ethertype16: DFF<Bits<16>>,
    ethertype20: DFF<Bits<16>>,
    beat_q: DFF<Bits<BUNDLE_BITS>>,
    /// Beat numbers holding bytes 12..13, 16..17, 20..21.
    beat12: Constant<Bits<BEAT_INDEX_BITS>>,
    beat16: Constant<Bits<BEAT_INDEX_BITS>>,
    beat20: Constant<Bits<BEAT_INDEX_BITS>>,
    /// Bit offsets of those bytes in their beat.
    lane12: Constant<Bits<16>>,
    lane16: Constant<Bits<16>>,
    lane20: Constant<Bits<16>>,
    data_bits: Constant<Bits<16>>,
    /// log2 of the words per beat.
    words_log2: Constant<Bits<4>>,
    words_per_beat: Constant<Bits<11>>,
    tag_vlan: Constant<Bits<16>>,
    tag_qinq: Constant<Bits<16>>,
    type_ipv4: Constant<Bits<16>>,
    type_ipv6: Constant<Bits<16>>,
    extended: Signal<Local, Bits<EXTENDED_BITS>>,
    type12: Signal<Local, Bits<16>>,
    type16: Signal<Local, Bits<16>>,
    type20: Signal<Local, Bits<16>>,
    ethertype: Signal<Local, Bits<16>>,
    l3: Signal<Local, Bits<5>>,
    grid2: Signal<Local, Bit>,
    words: Signal<Local, Bits<DATA_BITS>>,
    tail: Signal<Local, Bits<64>>,
    last_word: Signal<Local, Bits<11>>,
    bundle: Signal<Local, Bits<BUNDLE_BITS>>,
}

impl<const DATA_BITS: usize, const EXTENDED_BITS: usize, const BUNDLE_BITS: usize> Default
    for WordSlots<DATA_BITS, EXTENDED_BITS, BUNDLE_BITS>
{
    fn default() -> Self {
        assert_eq!(EXTENDED_BITS, DATA_BITS + 48);
        assert_eq!(BUNDLE_BITS, DATA_BITS + crate::beat::SLOTS_LSB);
        let beat_bytes = DATA_BITS / 8;
        let beat = |byte: usize| Constant::new(((byte / beat_bytes) as u64).to_bits());
        let lane = |byte: usize| {
            Constant::new(((DATA_BITS - 16 - 8 * (byte % beat_bytes)) as u64).to_bits())
        };
        let word = |v: u16| Constant::new(u64::from(v).to_bits());
        WordSlots {
            clock: Default::default(),
            reset: Default::default(),
            in_valid: Default::default(),
            in_data: Default::default(),
            in_first: Default::default(),
            in_last: Default::default(),
            in_index: Default::default(),
            in_length: Default::default(),
            beat: Default::default(),
            prev_tail: Default::default(),
            ethertype12: Default::default(),
            ethertype16: Default::default(),
            ethertype20: Default::default(),
            beat_q: Default::default(),
            beat12: beat(12),
            beat16: beat(16),
            beat20: beat(20),
            lane12: lane(12),
            lane16: lane(16),
            lane20: lane(20),
            data_bits: Constant::new((DATA_BITS as u64).to_bits()),
            words_log2: Constant::new((u64::from((beat_bytes / 8).trailing_zeros())).to_bits()),
            words_per_beat: Constant::new(((beat_bytes / 8) as u64).to_bits()),
            tag_vlan: word(ETHERTYPE_VLAN),
            tag_qinq: word(ETHERTYPE_QINQ),
            type_ipv4: word(ETHERTYPE_IPV4),
            type_ipv6: word(ETHERTYPE_IPV6),
            extended: Default::default(),
            type12: Default::default(),
            type16: Default::default(),
            type20: Default::default(),
            ethertype: Default::default(),
            l3: Default::default(),
            grid2: Default::default(),
            words: Default::default(),
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
            ethertype12,
            ethertype16,
            ethertype20,
            beat_q
        );
        // Ethertypes: from this beat when it holds them, else as saved.
        self.type12.next = self.ethertype12.q.val();
        if self.in_index.val() == self.beat12.val() {
            self.type12.next = self.in_data.val().get_bits::<16>(self.lane12.val().index());
        }
        self.type16.next = self.ethertype16.q.val();
        if self.in_index.val() == self.beat16.val() {
            self.type16.next = self.in_data.val().get_bits::<16>(self.lane16.val().index());
        }
        self.type20.next = self.ethertype20.q.val();
        if self.in_index.val() == self.beat20.val() {
            self.type20.next = self.in_data.val().get_bits::<16>(self.lane20.val().index());
        }
        self.l3.next = 14.into();
        self.ethertype.next = self.type12.val();
        if (self.type12.val() == self.tag_vlan.val()) | (self.type12.val() == self.tag_qinq.val()) {
            self.l3.next = 18.into();
            self.ethertype.next = self.type16.val();
            if self.type16.val() == self.tag_vlan.val() {
                self.l3.next = 22.into();
                self.ethertype.next = self.type20.val();
            }
        }
        self.grid2.next = self.l3.val() == 18;

        // The beat with the previous beat's last 6 bytes in front (byte 0 on top).
        self.extended.next = (bit_cast::<EXTENDED_BITS, 48>(self.prev_tail.q.val())
            << self.data_bits.val())
            | bit_cast::<EXTENDED_BITS, DATA_BITS>(self.in_data.val());
        // Slot j is the word ending 8j + 6 (grid 2) or 8j + 2 (grid 6) bytes before the
        // end of `extended`, i.e. at bit 64j + 48 or 64j + 16 of it.
        // The slots of one grid are consecutive in `extended`.
        self.words.next = self.extended.val().get_bits::<DATA_BITS>(16);
        if self.grid2.val() {
            self.words.next = self.extended.val().get_bits::<DATA_BITS>(48);
        }
        self.tail.next = bit_cast::<64, 16>(self.in_data.val().get_bits::<16>(0)) << 48_u64;
        if self.grid2.val() {
            self.tail.next = bit_cast::<64, 48>(self.in_data.val().get_bits::<48>(0)) << 16_u64;
        }
        // Word number of slot 0: (beat + 1) · words per beat, + 1 on the grid of L3 = 14.
        self.last_word.next = (bit_cast::<11, BEAT_INDEX_BITS>(self.in_index.val())
            << self.words_log2.val())
            + self.words_per_beat.val();
        if self.l3.val() == 14 {
            self.last_word.next = self.last_word.val() + 1_u64;
        }
        if self.last_word.val() > 60_u64 {
            self.last_word.next = 60_u64.into(); // WORD_INDEX_LIMIT
        }

        // Pack the beat (field offsets: crate::beat).
        self.bundle.next = (bit_cast::<BUNDLE_BITS, DATA_BITS>(self.words.val()) << 96_u64)
            | (bit_cast::<BUNDLE_BITS, 64>(self.tail.val()) << 32_u64)
            | (bit_cast::<BUNDLE_BITS, LENGTH_BITS>(self.in_length.val()) << 16_u64)
            | (bit_cast::<BUNDLE_BITS, WORD_INDEX_BITS>(
                self.last_word.val().get_bits::<WORD_INDEX_BITS>(0),
            ) << 10_u64)
            | (bit_cast::<BUNDLE_BITS, 5>(self.l3.val()) << 5_u64);
        self.bundle.next = self
            .bundle
            .val()
            .replace_bit(0, self.in_valid.val())
            .replace_bit(1, self.in_first.val())
            .replace_bit(2, self.in_last.val())
            .replace_bit(3, self.ethertype.val() == self.type_ipv4.val())
            .replace_bit(4, self.ethertype.val() == self.type_ipv6.val());
        self.beat_q.d.next = self.bundle.val();
        if self.in_valid.val() {
            self.prev_tail.d.next = self.in_data.val().get_bits::<48>(0);
            self.ethertype12.d.next = self.type12.val();
            self.ethertype16.d.next = self.type16.val();
            self.ethertype20.d.next = self.type20.val();
        }
        if self.reset.val() {
            self.beat_q.d.next = 0.into();
        }
        self.beat.next = self.beat_q.q.val();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_slots_is_synthesizable() {
        let mut uut = WordSlots::<64, 112, 160>::default();
        uut.connect_all();
        crate::lint::assert_lints_clean(&generate_verilog(&uut), "word_slots");
    }
}
