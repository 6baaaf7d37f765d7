//! One read-write register on the register bus, built from its `regmap` entry.
//!
//! Writes merge under the byte strobes; a merged value with a bit outside the field or
//! a field above its maximum is a fault (the bus answers SLVERR) and is not stored.

use rss_model::regmap::{Access, Register};
use rust_hdl::prelude::*;

use crate::csr::{expect_access, outside_check, single_field, word};
use crate::word_decode::{DECODE_BITS, decode_constant};

#[derive(LogicBlock)]
pub struct CsrRw {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// Synchronous reset to the map's reset value.
    pub reset: Signal<In, Bit>,
    /// Word address of the write on the bus, predecoded (`WordDecode`).
    pub write_decode: Signal<In, Bits<DECODE_BITS>>,
    /// Write data, the bytes whose strobe is clear zeroed (as `AxilWriteSlot` holds it).
    pub write_data: Signal<In, Bits<32>>,
    /// Byte strobes expanded to bits.
    pub write_mask: Signal<In, Bits<32>>,
    /// Bit `k`: nibble `k` of `write_data` is not zero (`AxilWriteSlot::data_nibbles`).
    pub write_nibbles: Signal<In, Bits<8>>,
    /// The write happens this clock. Its address and data have been held for at least
    /// two clocks (`AxilWriteSlot`), so whether it is stored is decided ahead: the hit
    /// and the value check are registered, then their verdict.
    pub write_strobe: Signal<In, Bit>,
    /// Word address of the read that will be answered next clock, predecoded.
    pub read_decode: Signal<In, Bits<DECODE_BITS>>,
    /// The write address is this register (registered: the held address's compare, a
    /// clock ago).
    pub write_hit: Signal<Out, Bit>,
    /// The write address is this register and the merged value is illegal (from
    /// registers, like `write_hit`).
    pub write_fault: Signal<Out, Bit>,
    /// The read address is this register (a register: `read_decode` a clock ago, so the
    /// bus's read multiplexer starts at a flip-flop).
    pub read_hit: Signal<Out, Bit>,
    /// The value when `read_hit`, else 0, so a bus ORs every register's `read_data`.
    pub read_data: Signal<Out, Bits<32>>,
    /// Current value, for the datapath.
    pub value: Signal<Out, Bits<32>>,
    /// This register's address's predecode bits.
    address: Constant<Bits<DECODE_BITS>>,
    writable: Constant<Bits<32>>,
    /// Nibbles with no bit in the field: any bit written there is outside it.
    outside_nibbles: Constant<Bits<8>>,
    /// The bits outside the field in the nibbles it shares with it.
    outside_partial: Constant<Bits<32>>,
    max: Constant<Bits<32>>,
    reset_value: Constant<Bits<32>>,
    stored: DFFWithInit<Bits<32>>,
    /// The held write's address compare and its value check's two halves (bits outside
    /// the field; the field above its maximum), a clock ago: registered apart, so
    /// neither OR tree waits for the other behind the write data's wide fan-out.
    hit_q: DFF<Bit>,
    outside_q: DFF<Bit>,
    over_q: DFF<Bit>,
    /// The held write would be stored (`write_hit` without `write_fault`), a clock
    /// later still: the enable starts at a register, not at the compares.
    accept_q: DFF<Bit>,
    read_hit_q: DFF<Bit>,
    merged: Signal<Local, Bits<32>>,
}

impl CsrRw {
    pub fn new(reg: &Register) -> CsrRw {
        expect_access(reg, Access::ReadWrite);
        let (writable, max) = single_field(reg);
        let outside = outside_check(writable);
        CsrRw {
            clock: Default::default(),
            reset: Default::default(),
            write_decode: Default::default(),
            write_data: Default::default(),
            write_mask: Default::default(),
            write_nibbles: Default::default(),
            write_strobe: Default::default(),
            read_decode: Default::default(),
            write_hit: Default::default(),
            write_fault: Default::default(),
            read_hit: Default::default(),
            read_data: Default::default(),
            value: Default::default(),
            address: decode_constant(word(reg.offset)),
            writable: Constant::new(writable.to_bits()),
            outside_nibbles: outside.0,
            outside_partial: outside.1,
            max: Constant::new(max.to_bits()),
            reset_value: Constant::new(u64::from(reg.reset).to_bits()),
            stored: DFFWithInit::new(u64::from(reg.reset).to_bits()),
            hit_q: Default::default(),
            outside_q: Default::default(),
            over_q: Default::default(),
            accept_q: Default::default(),
            read_hit_q: Default::default(),
            merged: Default::default(),
        }
    }
}

impl Logic for CsrRw {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self, clock, stored, hit_q, outside_q, over_q, accept_q, read_hit_q
        );
        self.merged.next = (self.write_data.val() & self.write_mask.val())
            | (self.stored.q.val() & !self.write_mask.val());
        self.hit_q.d.next = (self.write_decode.val() & self.address.val()) == self.address.val();
        // The stored bits are inside the field, so only the written bytes can put one
        // outside it: that check reads the data alone.
        // Per nibble: whole nibbles outside the field by their flags, the rest by bits.
        self.outside_q.d.next = (self.write_nibbles.val() & self.outside_nibbles.val()).any()
            | (self.write_data.val() & self.outside_partial.val()).any();
        self.over_q.d.next = (self.merged.val() & self.writable.val()) > self.max.val();
        self.write_hit.next = self.hit_q.q.val();
        self.write_fault.next = self.hit_q.q.val() & (self.outside_q.q.val() | self.over_q.q.val());
        // Bits outside the field never hold anything but 0 (such writes fault), so they
        // are not stored.
        self.accept_q.d.next = self.hit_q.q.val() & !self.outside_q.q.val() & !self.over_q.q.val();
        if self.write_strobe.val() & self.accept_q.q.val() {
            self.stored.d.next = self.merged.val() & self.writable.val();
        }
        if self.reset.val() {
            self.stored.d.next = self.reset_value.val();
        }
        self.read_hit_q.d.next =
            (self.read_decode.val() & self.address.val()) == self.address.val();
        self.read_hit.next = self.read_hit_q.q.val();
        self.read_data.next = 0.into();
        if self.read_hit.val() {
            self.read_data.next = self.stored.q.val() & self.writable.val();
        }
        self.value.next = self.stored.q.val() & self.writable.val();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rss_model::regmap::{Params, RegisterMap, index};

    #[test]
    fn csr_rw_is_synthesizable() {
        let map = RegisterMap::new(Params::default()).unwrap();
        let mut uut = CsrRw::new(map.register(index::DEFAULT_QUEUE));
        uut.connect_all();
        crate::lint::assert_lints_clean(&generate_verilog(&uut), "csr_rw");
    }
}
