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

/// The single field a register block stores, at bit 0. Panics (at design build time,
/// never in hardware) if the map gives the register another shape.
pub fn single_field(reg: &Register) -> (u64, u64) {
    let fields = reg.fields();
    assert!(
        fields.len() == 1 && fields[0].lsb == 0,
        "{}: the RTL stores registers with one field at bit 0",
        reg.name
    );
    (u64::from(reg.writable_mask()), u64::from(fields[0].max))
}

/// Checks `reg` has the access the RTL block built from it implements.
pub fn expect_access(reg: &Register, access: Access) {
    assert_eq!(
        reg.access, access,
        "{}: RTL block does not match the map's access",
        reg.name
    );
}
