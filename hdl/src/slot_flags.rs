//! What each word slot of a beat says if it is an IPv6 extension header's first word
//! (combinational, all slots side by side). A wide walk stage registers these flags
//! with the beat while it works out which slot holds its header, and then only
//! chooses one slot's flags: no byte compare waits for the slot's choice, and the
//! choice's select drives a few dozen multiplexer bits instead of a 64-bit word.
//!
//! The flags read the word alone, not the header's type (the walk knows that and ANDs
//! it in): whether the walk steps over the header named next, whether that is the
//! fragment header, and for the rules of `docs/parser-rules.md` whether the word would
//! make a fragment header a fragment, a routing header a type 2 one with one segment
//! left, and a Destination Options header one with a Home Address option at offset 6.
//! For the last, the word's bytes 2..5 are only compared here; whether the option walk
//! lands on offset 6 is the closed form `ExtStep` forms from these flags with the step
//! (the flags and the form in one clock took four LUT levels). `L3Header` judges the
//! 64-bit beat's one word with this block, a clock ahead of the walk's step.
//!
//! Flag `f` of slot `j` (the slot holding word `slot_last - j`) is bit `8·f + j` of
//! `flags`; slots a narrower beat does not have read 0.

use rss_model::parse::{
    IPPROTO_DSTOPTS, IPPROTO_FRAGMENT, IPPROTO_HOPOPTS, IPPROTO_ROUTING, OPT_HOME_ADDRESS,
};
use rust_hdl::prelude::*;

/// Flags per slot.
pub const SLOT_FLAG_KINDS: usize = 12;
/// The flag vector: `SLOT_FLAG_KINDS` rows of 8 slots.
pub const SLOT_FLAG_BITS: usize = 8 * SLOT_FLAG_KINDS;
/// The next header is one the walk steps over (hop-by-hop, routing, fragment,
/// destination options).
pub const NEXT_IS_EXT: usize = 0;
/// The next header is the fragment header.
pub const NEXT_IS_FRAGMENT: usize = 1;
/// As a fragment header: the offset or M (bytes 2..3) make the datagram a fragment.
pub const FRAGMENT_FIELD_SET: usize = 2;
/// As a routing header: length 2 (24 bytes), type 2, one segment left.
pub const ROUTING_TYPE2: usize = 3;
/// As a Destination Options header: length 2 or more, and bytes 6 and 7 are a Home
/// Address option's type and length (16).
pub const HOME_OPTION: usize = 4;
/// Bytes 2..5 against the values the option walk's closed form tests: byte 2 is 0,
/// byte 3 is 0, 1, 2, byte 4 is 0, 1, byte 5 is 0.
pub const B2_ZERO: usize = 5;
pub const B3_IS0: usize = 6;
pub const B3_IS1: usize = 7;
pub const B3_IS2: usize = 8;
pub const B4_IS0: usize = 9;
pub const B4_IS1: usize = 10;
pub const B5_IS0: usize = 11;

/// Word slots in a beat of `data_bits`.
pub const fn slots_per_beat(data_bits: usize) -> usize {
    data_bits >> 6
}

#[derive(LogicBlock)]
pub struct SlotFlags<const DATA_BITS: usize, const BUNDLE_BITS: usize> {
    /// The beat (`crate::beat` layout); only its word slots are read.
    pub beat: Signal<In, Bits<BUNDLE_BITS>>,
    /// Flag `f` of slot `j` in bit `8·f + j`.
    pub flags: Signal<Out, Bits<SLOT_FLAG_BITS>>,
    hop_by_hop: Constant<Bits<8>>,
    routing: Constant<Bits<8>>,
    fragment_header: Constant<Bits<8>>,
    destination_options: Constant<Bits<8>>,
    home_option: Constant<Bits<8>>,
    word: Signal<Local, Bits<64>>,
    next_header: Signal<Local, Bits<8>>,
    length: Signal<Local, Bits<8>>,
    b2: Signal<Local, Bits<8>>,
    b3: Signal<Local, Bits<8>>,
    b4: Signal<Local, Bits<8>>,
    b5: Signal<Local, Bits<8>>,
    all: Signal<Local, Bits<SLOT_FLAG_BITS>>,
}

impl<const DATA_BITS: usize, const BUNDLE_BITS: usize> Default
    for SlotFlags<DATA_BITS, BUNDLE_BITS>
{
    fn default() -> Self {
        assert!(slots_per_beat(DATA_BITS) <= 8);
        let byte = |v: u8| Constant::new(u64::from(v).to_bits());
        Self {
            beat: Default::default(),
            flags: Default::default(),
            hop_by_hop: byte(IPPROTO_HOPOPTS),
            routing: byte(IPPROTO_ROUTING),
            fragment_header: byte(IPPROTO_FRAGMENT),
            destination_options: byte(IPPROTO_DSTOPTS),
            home_option: byte(OPT_HOME_ADDRESS),
            word: Default::default(),
            next_header: Default::default(),
            length: Default::default(),
            b2: Default::default(),
            b3: Default::default(),
            b4: Default::default(),
            b5: Default::default(),
            all: Default::default(),
        }
    }
}

impl<const DATA_BITS: usize, const BUNDLE_BITS: usize> Logic for SlotFlags<DATA_BITS, BUNDLE_BITS> {
    #[hdl_gen]
    fn update(&mut self) {
        self.all.next = 0.into();
        self.word.next = 0.into();
        self.next_header.next = 0.into();
        self.length.next = 0.into();
        self.b2.next = 0.into();
        self.b3.next = 0.into();
        self.b4.next = 0.into();
        self.b5.next = 0.into();
        // (Bit numbers as literals: a constant's name cannot stand in an index. Slot 0
        // starts at `SLOTS_LSB`.)
        for j in 0..slots_per_beat(DATA_BITS) {
            self.word.next = self.beat.val().get_bits::<64>(96 + 64 * j);
            self.next_header.next = self.word.val().get_bits::<8>(56);
            self.length.next = self.word.val().get_bits::<8>(48);
            self.b2.next = self.word.val().get_bits::<8>(40);
            self.b3.next = self.word.val().get_bits::<8>(32);
            self.b4.next = self.word.val().get_bits::<8>(24);
            self.b5.next = self.word.val().get_bits::<8>(16);
            self.all.next = self.all.val().replace_bit(
                j,
                (self.next_header.val() == self.hop_by_hop.val())
                    | (self.next_header.val() == self.routing.val())
                    | (self.next_header.val() == self.fragment_header.val())
                    | (self.next_header.val() == self.destination_options.val()),
            );
            self.all.next = self
                .all
                .val()
                .replace_bit(8 + j, self.next_header.val() == self.fragment_header.val());
            self.all.next = self.all.val().replace_bit(
                16 + j,
                self.word.val().get_bits::<13>(35).any() | self.word.val().get_bit(32),
            );
            self.all.next = self.all.val().replace_bit(
                24 + j,
                (self.length.val() == 2_u64) & (self.b2.val() == 2_u64) & (self.b3.val() == 1_u64),
            );
            self.all.next = self.all.val().replace_bit(
                32 + j,
                (self.length.val() >= 2_u64)
                    & (self.word.val().get_bits::<8>(8) == self.home_option.val())
                    & (self.word.val().get_bits::<8>(0) == 16_u64),
            );
            self.all.next = self.all.val().replace_bit(40 + j, self.b2.val() == 0_u64);
            self.all.next = self.all.val().replace_bit(48 + j, self.b3.val() == 0_u64);
            self.all.next = self.all.val().replace_bit(56 + j, self.b3.val() == 1_u64);
            self.all.next = self.all.val().replace_bit(64 + j, self.b3.val() == 2_u64);
            self.all.next = self.all.val().replace_bit(72 + j, self.b4.val() == 0_u64);
            self.all.next = self.all.val().replace_bit(80 + j, self.b4.val() == 1_u64);
            self.all.next = self.all.val().replace_bit(88 + j, self.b5.val() == 0_u64);
        }
        self.flags.next = self.all.val();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::beat::{SLOTS_LSB, bundle_bits};
    use rss_model::parse::{is_ext_header, is_fragment, parse_headers};

    const DATA: usize = 512;
    const BUNDLE: usize = bundle_bits(DATA);

    /// An Ethernet + IPv6 frame whose only extension header (of type `header`) starts
    /// with `word`, padded to the length its second byte gives, then 8 bytes of UDP.
    fn frame_with(header: u8, word: u64) -> Vec<u8> {
        let first = word.to_be_bytes();
        let length = if header == IPPROTO_FRAGMENT {
            8
        } else {
            8 * (usize::from(first[1]) + 1)
        };
        let mut ext = first.to_vec();
        ext[0] = 17;
        ext.resize(length, 0xaa);
        ext.extend_from_slice(&[0, 53, 0, 53, 0, 8, 0, 0]);
        let mut frame = vec![0u8; 12];
        frame.extend_from_slice(&[0x86, 0xdd, 0x60, 0, 0, 0]);
        frame.extend_from_slice(&(ext.len() as u16).to_be_bytes());
        frame.extend_from_slice(&[header, 64]);
        frame.extend_from_slice(&[0x11; 32]);
        frame.extend(ext);
        frame
    }

    /// The option walk over bytes 2..6 of a Destination Options header, as the model
    /// walks it, lands on offset 6: a Home Address option there is found.
    fn model_home_address(word: u64) -> bool {
        parse_headers(&frame_with(IPPROTO_DSTOPTS, word))
            .map(|h| h.ex_src.is_some())
            .unwrap_or(false)
    }

    /// Every slot of a 512-bit beat against the model: the next-header rules, the
    /// fragment field, the routing header (a routing address shows up as the parse's
    /// `ex_dst`), and the Home Address option: the option bytes' flag ANDed with the
    /// walk's closed form over the byte flags (as `ExtStep` forms it) equals the
    /// model's walk (`ex_src`). Words run through an alphabet of the values the rules
    /// test, plus random bytes (length kept below 7 so the frame stays inside the parse
    /// window), eight different words a beat.
    #[test]
    fn slot_flags_match_the_model() {
        use rand::{Rng, SeedableRng};
        let mut rng = rand::rngs::StdRng::seed_from_u64(46);
        let alphabet = [0u8, 1, 2, 3, 16, 0xc9];
        let mut words: Vec<u64> = (0..=255u64).map(|nh| nh << 56).collect();
        while words.len() < 8 * 800 {
            let mut bytes = [0u8; 8];
            for b in bytes.iter_mut() {
                *b = if rng.random_bool(0.9) {
                    alphabet[rng.random_range(0..alphabet.len())]
                } else {
                    rng.random()
                };
            }
            bytes[1] %= 7;
            if rng.random_bool(0.35) {
                bytes[6] = OPT_HOME_ADDRESS;
                bytes[7] = 16;
            }
            words.push(u64::from_be_bytes(bytes));
        }
        let mut uut = SlotFlags::<DATA, BUNDLE>::default();
        uut.connect_all();
        let mut sim = Simulation::new();
        sim.add_testbench(move |mut ep: Sim<SlotFlags<DATA, BUNDLE>>| {
            let mut x = ep.init()?;
            let (mut homes, mut routed_words, mut fragments) = (0, 0, 0);
            for beat_words in words.chunks(8) {
                let mut beat = Bits::<BUNDLE>::default();
                for (j, &word) in beat_words.iter().enumerate() {
                    for bit in 0..64 {
                        beat = beat.replace_bit(SLOTS_LSB + 64 * j + bit, (word >> bit) & 1 == 1);
                    }
                }
                x.beat.next = beat;
                x = ep.wait(1, x)?;
                let flags = x.flags.val();
                for (j, &word) in beat_words.iter().enumerate() {
                    let flag = |f: usize| flags.get_bit(8 * f + j);
                    let next = (word >> 56) as u8;
                    let byte = |n: u32| (word >> (56 - 8 * n)) as u8;
                    sim_assert_eq!(ep, flag(NEXT_IS_EXT), is_ext_header(next), x);
                    sim_assert_eq!(ep, flag(NEXT_IS_FRAGMENT), next == IPPROTO_FRAGMENT, x);
                    let fragment = parse_headers(&frame_with(IPPROTO_FRAGMENT, word))
                        .map(|h| h.fragment)
                        .unwrap_or(false);
                    sim_assert_eq!(ep, flag(FRAGMENT_FIELD_SET), fragment, x);
                    sim_assert_eq!(ep, fragment, is_fragment((word >> 32) as u16), x);
                    let routed = parse_headers(&frame_with(IPPROTO_ROUTING, word))
                        .map(|h| h.ex_dst.is_some())
                        .unwrap_or(false);
                    sim_assert_eq!(ep, flag(ROUTING_TYPE2), routed, x);
                    for (f, n, value) in [
                        (B2_ZERO, 2, 0),
                        (B3_IS0, 3, 0),
                        (B3_IS1, 3, 1),
                        (B3_IS2, 3, 2),
                        (B4_IS0, 4, 0),
                        (B4_IS1, 4, 1),
                        (B5_IS0, 5, 0),
                    ] {
                        sim_assert_eq!(ep, flag(f), byte(n) == value, x);
                    }
                    // `ExtStep`'s closed form of the option walk, on these flags.
                    let (b2z, b3z, b5z) = (flag(B2_ZERO), flag(B3_IS0), flag(B5_IS0));
                    let lands = (!b2z && flag(B3_IS2))
                        || (!b2z && b3z && b5z)
                        || (!b2z && flag(B3_IS1) && b5z)
                        || (b2z && b3z && !flag(B4_IS0) && b5z)
                        || (b2z && !b3z && flag(B4_IS1))
                        || (b2z && !b3z && flag(B4_IS0) && b5z);
                    let home = model_home_address(word);
                    sim_assert_eq!(ep, flag(HOME_OPTION) && lands, home, x);
                    homes += usize::from(home);
                    routed_words += usize::from(routed);
                    fragments += usize::from(fragment);
                }
            }
            // The alphabet reaches every rule's true side, not only its false one.
            sim_assert!(ep, homes > 100 && routed_words > 20 && fragments > 1000, x);
            ep.done(x)
        });
        sim.run(Box::new(uut), 100_000).unwrap();
    }

    #[test]
    fn slot_flags_is_synthesizable() {
        let mut uut = SlotFlags::<DATA, BUNDLE>::default();
        uut.connect_all();
        crate::lint::assert_lints_clean(&generate_verilog(&uut), "slot_flags");
    }
}
