//! One read-write register on the register bus, built from its `regmap` entry.
//!
//! Writes merge under the byte strobes; a merged value with a bit outside the field or
//! a field above its maximum is a fault (the bus answers SLVERR) and is not stored.

use rss_model::regmap::{Access, Register};
use rust_hdl::prelude::*;

use crate::csr::{WORD_ADDR_BITS, expect_access, single_field, word};

#[derive(LogicBlock)]
pub struct CsrRw {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// Synchronous reset to the map's reset value.
    pub reset: Signal<In, Bit>,
    /// Word address of the write on the bus.
    pub write_address: Signal<In, Bits<WORD_ADDR_BITS>>,
    /// Write data.
    pub write_data: Signal<In, Bits<32>>,
    /// Byte strobes expanded to bits.
    pub write_mask: Signal<In, Bits<32>>,
    /// The write happens this clock. Its address and data have been held for at least
    /// a clock (`AxilWriteSlot`), so whether it is stored is decided a clock ahead.
    pub write_strobe: Signal<In, Bit>,
    /// Word address of the read that will be answered next clock.
    pub read_next: Signal<In, Bits<WORD_ADDR_BITS>>,
    /// The write address is this register.
    pub write_hit: Signal<Out, Bit>,
    /// The write address is this register and the merged value is illegal.
    pub write_fault: Signal<Out, Bit>,
    /// The read address is this register (a register: `read_next` a clock ago, so the
    /// bus's read multiplexer starts at a flip-flop).
    pub read_hit: Signal<Out, Bit>,
    /// The value when `read_hit`, else 0, so a bus ORs every register's `read_data`.
    pub read_data: Signal<Out, Bits<32>>,
    /// Current value, for the datapath.
    pub value: Signal<Out, Bits<32>>,
    address: Constant<Bits<WORD_ADDR_BITS>>,
    writable: Constant<Bits<32>>,
    max: Constant<Bits<32>>,
    reset_value: Constant<Bits<32>>,
    stored: DFFWithInit<Bits<32>>,
    /// The held write would be stored (`write_hit` without `write_fault`), a clock
    /// ago: the enable starts at a register, not at the compares.
    accept_q: DFF<Bit>,
    read_hit_q: DFF<Bit>,
    merged: Signal<Local, Bits<32>>,
}

impl CsrRw {
    pub fn new(reg: &Register) -> CsrRw {
        expect_access(reg, Access::ReadWrite);
        let (writable, max) = single_field(reg);
        CsrRw {
            clock: Default::default(),
            reset: Default::default(),
            write_address: Default::default(),
            write_data: Default::default(),
            write_mask: Default::default(),
            write_strobe: Default::default(),
            read_next: Default::default(),
            write_hit: Default::default(),
            write_fault: Default::default(),
            read_hit: Default::default(),
            read_data: Default::default(),
            value: Default::default(),
            address: Constant::new(word(reg.offset).to_bits()),
            writable: Constant::new(writable.to_bits()),
            max: Constant::new(max.to_bits()),
            reset_value: Constant::new(u64::from(reg.reset).to_bits()),
            stored: DFFWithInit::new(u64::from(reg.reset).to_bits()),
            accept_q: Default::default(),
            read_hit_q: Default::default(),
            merged: Default::default(),
        }
    }
}

impl Logic for CsrRw {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, stored, accept_q, read_hit_q);
        self.merged.next = (self.write_data.val() & self.write_mask.val())
            | (self.stored.q.val() & !self.write_mask.val());
        self.write_hit.next = self.write_address.val() == self.address.val();
        self.write_fault.next = self.write_hit.val()
            & ((self.merged.val() & !self.writable.val()).any()
                | (self.merged.val() > self.max.val()));
        // Bits outside the field never hold anything but 0 (such writes fault), so they
        // are not stored.
        self.accept_q.d.next = self.write_hit.val() & !self.write_fault.val();
        if self.write_strobe.val() & self.accept_q.q.val() {
            self.stored.d.next = self.merged.val() & self.writable.val();
        }
        if self.reset.val() {
            self.stored.d.next = self.reset_value.val();
        }
        self.read_hit_q.d.next = self.read_next.val() == self.address.val();
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
