//! Picks one VPort's slot out of the concatenated per-VPort slots (combinational): the
//! same multiplexer serves every reader of per-VPort storage (a frame's state, a job's
//! key, a move's target), so each is a plain AND-OR over the VPorts the build has.

use rust_hdl::prelude::*;

use crate::vport_regs::VPORTS;

#[derive(LogicBlock)]
pub struct SlotPick<const ALL_BITS: usize, const SLOT_BITS: usize> {
    /// Every VPort's slot, VPort v in bits `SLOT_BITS * v` up.
    pub slots: Signal<In, Bits<ALL_BITS>>,
    /// The VPort wanted.
    pub vport: Signal<In, Bits<3>>,
    /// Its slot.
    pub slot: Signal<Out, Bits<SLOT_BITS>>,
    // The emitted Verilog knows no const generics, so slots are reached by shifting a
    // copy down one slot width at a time (constant shifts: wires after synthesis).
    slot_width: Constant<Bits<16>>,
    rest: Signal<Local, Bits<ALL_BITS>>,
}

impl<const ALL_BITS: usize, const SLOT_BITS: usize> Default for SlotPick<ALL_BITS, SLOT_BITS> {
    fn default() -> Self {
        assert_eq!(ALL_BITS, VPORTS * SLOT_BITS, "one slot per VPort");
        Self {
            slots: Default::default(),
            vport: Default::default(),
            slot: Default::default(),
            slot_width: Constant::new(SLOT_BITS.to_bits()),
            rest: Default::default(),
        }
    }
}

impl<const ALL_BITS: usize, const SLOT_BITS: usize> Logic for SlotPick<ALL_BITS, SLOT_BITS> {
    #[hdl_gen]
    fn update(&mut self) {
        self.slot.next = 0.into();
        self.rest.next = self.slots.val();
        for v in 0..VPORTS {
            // One VPort matches: OR the slots in (an AND-OR), no priority chain.
            if self.vport.val() == v.to_bits() {
                self.slot.next = self.slot.val() | self.rest.val().get_bits::<SLOT_BITS>(0);
            }
            self.rest.next = self.rest.val() >> self.slot_width.val();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slot_pick_returns_the_named_slot() {
        let mut uut = SlotPick::<{ 12 * VPORTS }, 12>::default();
        uut.connect_all();
        let mut sim = Simulation::new();
        sim.add_testbench(move |mut ep: Sim<SlotPick<{ 12 * VPORTS }, 12>>| {
            let mut x = ep.init()?;
            let mut slots = 0u128;
            for v in 0..VPORTS {
                slots |= (0xa00 + v as u128) << (12 * v);
            }
            x.slots.next = slots.to_bits();
            for v in 0..VPORTS {
                x.vport.next = v.to_bits();
                x = ep.wait(1, x)?;
                sim_assert!(ep, x.slot.val() == 0xa00 + v as u64, x);
            }
            ep.done(x)
        });
        sim.run(Box::new(uut), 100).unwrap();
    }

    #[test]
    fn slot_pick_is_synthesizable() {
        let mut uut = SlotPick::<{ 48 * VPORTS }, 48>::default();
        uut.connect_all();
        crate::lint::assert_lints_clean(&generate_verilog(&uut), "slot_pick");
    }
}
