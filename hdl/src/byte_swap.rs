//! Byte reversal of a bus: AXI4-Stream carries byte 0 in lane 0 (bits 7:0), while
//! headers read naturally with byte 0 in the most significant bits. A plain wire
//! permutation, written as custom Verilog because `#[hdl_gen]` cannot index a loop both
//! into a slice and a shift.

use rust_hdl::prelude::*;

#[derive(LogicBlock, Default)]
pub struct ByteSwap<const BITS: usize> {
    /// Bus with byte `n` in bits `8n+7:8n`.
    pub lanes: Signal<In, Bits<BITS>>,
    /// The same bytes with byte 0 in the top bits.
    pub swapped: Signal<Out, Bits<BITS>>,
}

impl<const BITS: usize> Logic for ByteSwap<BITS> {
    fn update(&mut self) {
        let mut swapped = Bits::<BITS>::default();
        for byte in 0..BITS / 8 {
            for bit in 0..8 {
                let from = 8 * byte + bit;
                let to = BITS - 8 * (byte + 1) + bit;
                swapped = swapped.replace_bit(to, self.lanes.val().get_bit(from));
            }
        }
        self.swapped.next = swapped;
    }

    fn connect(&mut self) {
        self.swapped.connect();
    }

    fn hdl(&self) -> Verilog {
        assert_eq!(BITS % 8, 0, "ByteSwap works on whole bytes");
        let bytes: Vec<String> = (0..BITS / 8)
            .map(|b| format!("lanes[{}:{}]", 8 * b + 7, 8 * b))
            .collect();
        Verilog::Custom(format!("always @(*) swapped = {{{}}};", bytes.join(", ")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn byte_swap_is_synthesizable() {
        let mut uut = ByteSwap::<64>::default();
        uut.connect_all();
        crate::lint::assert_lints_clean(&generate_verilog(&uut), "byte_swap");
    }
}
