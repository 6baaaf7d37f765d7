//! One read-only register on the register bus: reads return `value`, writes fault.
//! The read decode is registered (from the read channel's next address), so the bus's
//! read multiplexer starts at a flip-flop.

use rss_model::regmap::{Access, Register};
use rust_hdl::prelude::*;

use crate::csr::{expect_access, word};
use crate::word_decode::{DECODE_BITS, decode_constant};

#[derive(LogicBlock)]
pub struct CsrRo {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// Word address of the write on the bus, predecoded (`WordDecode`).
    pub write_decode: Signal<In, Bits<DECODE_BITS>>,
    /// Word address of the read that will be answered next clock, predecoded.
    pub read_decode: Signal<In, Bits<DECODE_BITS>>,
    /// The register's content (a constant, or live status).
    pub value: Signal<In, Bits<32>>,
    /// The write address is this register (every such write faults).
    pub write_hit: Signal<Out, Bit>,
    /// The read address is this register (a register: `read_decode` a clock ago).
    pub read_hit: Signal<Out, Bit>,
    /// `value` when `read_hit`, else 0.
    pub read_data: Signal<Out, Bits<32>>,
    /// This register's address's predecode bits.
    address: Constant<Bits<DECODE_BITS>>,
    read_hit_q: DFF<Bit>,
}

impl CsrRo {
    pub fn new(reg: &Register) -> CsrRo {
        expect_access(reg, Access::ReadOnly);
        CsrRo {
            clock: Default::default(),
            write_decode: Default::default(),
            read_decode: Default::default(),
            value: Default::default(),
            write_hit: Default::default(),
            read_hit: Default::default(),
            read_data: Default::default(),
            address: decode_constant(word(reg.offset)),
            read_hit_q: Default::default(),
        }
    }
}

impl Logic for CsrRo {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, read_hit_q);
        self.write_hit.next = (self.write_decode.val() & self.address.val()) == self.address.val();
        self.read_hit_q.d.next =
            (self.read_decode.val() & self.address.val()) == self.address.val();
        self.read_hit.next = self.read_hit_q.q.val();
        self.read_data.next = 0.into();
        if self.read_hit.val() {
            self.read_data.next = self.value.val();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rss_model::regmap::{Params, RegisterMap, index};

    #[test]
    fn csr_ro_is_synthesizable() {
        let map = RegisterMap::new(Params::default()).unwrap();
        let mut uut = CsrRo::new(map.register(index::CAPS));
        uut.connect_all();
        crate::lint::assert_lints_clean(&generate_verilog(&uut), "csr_ro");
    }
}
