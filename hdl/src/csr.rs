//! Register descriptions for the RTL: what a decoder needs of a `rss_model::regmap`
//! register, as rust-hdl constants, with the single-field shape the blocks rely on
//! checked when the design is built.

use rss_model::regmap::{Access, Register};

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
