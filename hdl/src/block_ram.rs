//! Block RAM as the core uses it.

use std::collections::BTreeMap;

use rust_hdl::core::timing::TimingInfo;
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

/// The `initial` lines of a custom RAM block's Verilog memory `mem`, one per word.
pub fn init_lines<D: Synth, const N: usize>(words: &BTreeMap<Bits<N>, D>) -> String {
    words
        .iter()
        .map(|(a, d)| format!("    mem[{}] = {};", a.verilog(), d.verilog()))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Timing of a custom RAM block: a registered read on `read_clock`, a write of
/// `write_address`, `write_data` and `write_enable` on `write_clock`.
pub fn ram_timing(read_clock: &str, write_clock: &str, write_enable: &str) -> Vec<TimingInfo> {
    vec![
        TimingInfo {
            name: "ram_read".into(),
            clock: read_clock.into(),
            inputs: vec!["read_address".into()],
            outputs: vec!["read_data".into()],
        },
        TimingInfo {
            name: "ram_write".into(),
            clock: write_clock.into(),
            inputs: vec![
                "write_address".into(),
                "write_data".into(),
                write_enable.into(),
            ],
            outputs: vec![],
        },
    ]
}
