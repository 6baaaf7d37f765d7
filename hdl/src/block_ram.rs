//! Block RAM as the core uses it.

use std::collections::BTreeMap;

use rust_hdl::prelude::*;

/// Every word of a `2^ADDRESS_BITS`-word RAM, zero: the contents after configuration.
pub fn zero_words<D: Synth, const ADDRESS_BITS: usize>() -> BTreeMap<Bits<ADDRESS_BITS>, D> {
    (0..1u64 << ADDRESS_BITS)
        .map(|i| (i.to_bits(), D::default()))
        .collect()
}

/// A RAM of `2^ADDRESS_BITS` words of `WIDTH` bits, zero after configuration like the
/// model's state (a synchronous reset does not clear block RAM).
pub fn zeroed_ram<const WIDTH: usize, const ADDRESS_BITS: usize>() -> RAM<Bits<WIDTH>, ADDRESS_BITS>
{
    RAM::new(zero_words())
}
