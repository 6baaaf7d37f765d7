//! Register descriptions for the RTL: what a decoder needs of a `rss_model::regmap`
//! register, as rust-hdl constants, with the single-field shape the blocks rely on
//! checked when the design is built.

use rss_model::regmap::{Access, Register};
use rust_hdl::prelude::*;

/// Word address width: byte address bits 12:2.
pub const WORD_ADDR_BITS: usize = rss_model::regmap::ADDR_BITS as usize - 2;

/// Word address of a byte offset.
pub fn word(offset: u32) -> u64 {
    u64::from(offset >> 2)
}

/// What a write may set: (writable mask, largest legal value). A register with one
/// field at bit 0 may limit that field; one with several fields must let every field
/// take any value, since one compare cannot check several limits. Panics (at design
/// build time, never in hardware) if the map gives the register another shape.
pub fn single_field(reg: &Register) -> (u64, u64) {
    let fields = reg.fields();
    match fields {
        [only] if only.lsb == 0 => (u64::from(reg.writable_mask()), u64::from(only.max)),
        _ => {
            assert!(
                fields.iter().all(|f| f.max == f.mask() >> f.lsb),
                "{}: the RTL limits only single-field registers",
                reg.name
            );
            // Any value inside the mask is legal; comparing with the mask itself keeps
            // the check in the same shape without a compare lint flags as constant.
            (
                u64::from(reg.writable_mask()),
                u64::from(reg.writable_mask()),
            )
        }
    }
}

/// Checks `reg` has the access the RTL block built from it implements.
pub fn expect_access(reg: &Register, access: Access) {
    assert_eq!(
        reg.access, access,
        "{}: RTL block does not match the map's access",
        reg.name
    );
}

/// Bit `k` set: nibble `k` (bits `4k + 3 .. 4k`) of a 32-bit word is not zero, the
/// flags `AxilWriteSlot` registers with a write's data.
pub fn nibble_flags(word: u64) -> u64 {
    (0..8)
        .filter(|k| (word >> (4 * k)) & 0xf != 0)
        .fold(0, |flags, k| flags | 1 << k)
}

/// The nibbles in which `writable` has no bit: with the written nibbles' flags, a value
/// check for bits outside a field ORs a few flags instead of the whole word.
pub fn outside_nibbles(writable: u64) -> u64 {
    !nibble_flags(writable) & 0xff
}

/// The bits outside `writable` in the nibbles that hold some of it: the rest of the
/// check, bit by bit.
pub fn outside_partial(writable: u64) -> u64 {
    let shared = nibble_flags(writable);
    (0..8)
        .filter(|k| shared >> k & 1 == 1)
        .fold(0, |mask, k| mask | (!writable & (0xf << (4 * k))))
}

/// Both halves of the check as the constants a register block holds: (nibbles outside
/// the field, the other bits outside it).
pub fn outside_check(writable: u64) -> (Constant<Bits<8>>, Constant<Bits<32>>) {
    (
        Constant::new(outside_nibbles(writable).to_bits()),
        Constant::new(outside_partial(writable).to_bits()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Flags of the nibbles outside the field, or bits outside it in its own nibbles:
    /// the same answer as "a bit outside the field is set", for fields of every shape
    /// the map has and some it does not.
    #[test]
    fn outside_check_by_nibbles_is_the_bitwise_check() {
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        for writable in [
            0,
            0x1,
            0x7,
            0xf,
            0x3f,
            0x7f,
            0xff,
            0x1ff,
            0xffff,
            0x00ff_00f0,
            0x0703_f3ff,
            0xffff_ffff,
        ] {
            let (nibbles, partial) = (outside_nibbles(writable), outside_partial(writable));
            for _ in 0..4000 {
                x = x
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1_442_695_040_888_963_407);
                // Sparse words, so both answers occur for every field.
                let data = (x >> 32) & (x >> 8) & (x >> 1) & 0xffff_ffff;
                let flags = nibble_flags(data);
                assert_eq!(
                    flags & nibbles != 0 || data & partial != 0,
                    data & !writable & 0xffff_ffff != 0,
                    "writable {writable:#x}, data {data:#x}"
                );
            }
        }
    }
}
