//! A register word address, predecoded: one-hot groups of its bits (bits 3:0, 7:4 and
//! 10:8, sixteen, sixteen and eight wide), so that "the address is word `A`" is an AND
//! of three bits, one LUT, wherever it is decoded. Compared as an 11-bit number, the
//! forty-odd decoders of the register file shared their terms in synthesis and came
//! out four LUT levels deep.

use rust_hdl::prelude::*;

use crate::csr::WORD_ADDR_BITS;

/// Width of a predecoded address.
pub const DECODE_BITS: usize = 40;

/// The three bits of word `address`'s predecode, as a mask of `DECODE_BITS` bits:
/// an address decodes as `address` when all of them are set.
pub fn decode_mask(address: u64) -> u64 {
    assert!(address < 1 << WORD_ADDR_BITS, "word address {address:#x}");
    (1 << (address & 15)) | (1 << (16 + ((address >> 4) & 15))) | (1 << (32 + (address >> 8)))
}

/// `decode_mask` as a constant for a block that decodes `address`.
pub fn decode_constant(address: u64) -> Constant<Bits<DECODE_BITS>> {
    Constant::new(decode_mask(address).to_bits())
}

#[derive(LogicBlock, Default)]
pub struct WordDecode {
    /// Word address.
    pub address: Signal<In, Bits<WORD_ADDR_BITS>>,
    /// Its predecode: bit `a & 15`, bit `16 + (a >> 4 & 15)` and bit `32 + (a >> 8)` set.
    pub decode: Signal<Out, Bits<DECODE_BITS>>,
}

impl Logic for WordDecode {
    #[hdl_gen]
    fn update(&mut self) {
        self.decode.next = (bit_cast::<DECODE_BITS, 1>(true.into())
            << self.address.val().get_bits::<4>(0))
            | (bit_cast::<DECODE_BITS, 1>(true.into())
                << (bit_cast::<DECODE_BITS, 4>(self.address.val().get_bits::<4>(4)) + 16_u64))
            | (bit_cast::<DECODE_BITS, 1>(true.into())
                << (bit_cast::<DECODE_BITS, 3>(self.address.val().get_bits::<3>(8)) + 32_u64));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The block's decode is `decode_mask` for every word address, and an address's
    /// mask is covered by no other address's decode.
    #[test]
    fn word_decode_matches_its_masks_for_every_address() {
        for a in 0..(1_u64 << WORD_ADDR_BITS) {
            for other in [a ^ 1, a ^ 0x10, a ^ 0x100, a ^ 0x7ff] {
                let hit = decode_mask(other) & decode_mask(a) == decode_mask(a);
                assert!(!hit, "{other:#x} decodes as {a:#x}");
            }
        }
        let mut uut = WordDecode::default();
        uut.connect_all();
        let mut sim = Simulation::new();
        sim.add_testbench(move |mut ep: Sim<WordDecode>| {
            let mut x = ep.init()?;
            for a in 0..(1_u64 << WORD_ADDR_BITS) {
                x.address.next = a.to_bits();
                x = ep.wait(1, x)?;
                sim_assert_eq!(
                    ep,
                    x.decode.val(),
                    decode_mask(a).to_bits::<DECODE_BITS>(),
                    x
                );
            }
            ep.done(x)
        });
        sim.run(Box::new(uut), 1 << (WORD_ADDR_BITS + 1)).unwrap();
    }

    #[test]
    fn word_decode_is_synthesizable() {
        let mut uut = WordDecode::default();
        uut.connect_all();
        crate::lint::assert_lints_clean(&generate_verilog(&uut), "word_decode");
    }
}
