//! Block RAM as the core uses it.

use rust_hdl::prelude::*;

/// A RAM of `2^ADDRESS_BITS` words of `WIDTH` bits, zero after configuration like the
/// model's state (a synchronous reset does not clear block RAM).
pub fn zeroed_ram<const WIDTH: usize, const ADDRESS_BITS: usize>() -> RAM<Bits<WIDTH>, ADDRESS_BITS>
{
    RAM::new(
        (0..1u64 << ADDRESS_BITS)
            .map(|i| (i.to_bits(), 0.into()))
            .collect(),
    )
}
