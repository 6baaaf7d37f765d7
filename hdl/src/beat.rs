//! The beat bundle: one frame beat cut into L3 words, as every parser stage passes it
//! on (one `Bits<DATA_BITS + 104>`, so a stage's port list stays short). Written by
//! `WordSlots`, registered again by each stage after it.
//!
//! | bits | field |
//! |---|---|
//! | 0 | valid |
//! | 1 | first beat of the frame |
//! | 2 | last beat of the frame |
//! | 3 | ethertype IPv4 (after the tags; final once bytes 12..21 have passed) |
//! | 4 | ethertype IPv6 |
//! | 9:5 | L3 offset: 14, 18 or 22 |
//! | 15:10 | word number of slot 0 (`WordSlots`) |
//! | 31:16 | frame bytes through this beat (the frame length on the last beat) |
//! | 95:32 | tail word (last beat only) |
//! | 96 + 64j + 63 : 96 + 64j | slot `j`: word `slot_last - j`, byte 0 on top |
//! | 96 + D + k | the beat is valid and holds L3 word `k`, `k` = 0..4 (word 2 also as the tail) |
//! | 96 + D + 5 | the beat is valid and L3 word 2 is its tail word |
//! | 96 + D + 6 | with bit 96 + D: word 0's byte 6, the IPv6 next header, is an extension header the walk steps over |
//! | 96 + D + 7 | with bit 96 + D: word 0's bytes 6..7, IPv4 flags and fragment offset, make the datagram a fragment |
//!
//! The last eight bits (`D` = `DATA_BITS`) are where the fixed words the IP header stage
//! and `FieldCapture` read (L3 words 0..4) lie, and two judgements of word 0's bytes
//! 6..7 (for the walk and the fragment flag), worked out by `WordSlots` a clock ahead: a stage's decisions on those
//! words then start at a flip-flop, not behind a compare of the word numbers or of a
//! byte, and the load enables of the words kept have no logic in front of them.
//!
//! `#[hdl_gen]` code cannot name these constants in a slice (it would print the name
//! into the Verilog), so the stages write the literal offsets; the constants here are
//! what the tests and the layout table check against.

pub const VALID: usize = 0;
pub const FIRST: usize = 1;
pub const LAST: usize = 2;
pub const IPV4: usize = 3;
pub const IPV6: usize = 4;
pub const L3_LSB: usize = 5;
pub const SLOT_LAST_LSB: usize = 10;
pub const LENGTH_LSB: usize = 16;
pub const TAIL_LSB: usize = 32;
pub const SLOTS_LSB: usize = 96;
/// Bits after the slots: L3 words 0..4 held, word 2 in the tail, word 0's next header
/// an extension header, word 0's IPv4 fragment field set.
pub const HELD_BITS: usize = 8;
/// Offset of word 0's extension-header flag after the slots.
pub const W0_NEXT_IS_EXT: usize = 6;
/// Offset of word 0's IPv4 fragment flag after the slots.
pub const W0_FRAGMENT: usize = 7;
/// Where the held-word flags (the bits after the slots) start, for `DATA_BITS`-bit beats.
pub const fn held_lsb(data_bits: usize) -> usize {
    data_bits + SLOTS_LSB
}
/// Bundle width for `DATA_BITS`-bit beats.
pub const fn bundle_bits(data_bits: usize) -> usize {
    held_lsb(data_bits) + HELD_BITS
}
