//! Destination-MAC filter: the VPort of each frame, in frame order.
//!
//! A frame's MAC is in its first beat, long before its record is formed; the VPort is
//! found in two registered steps (compare with every entry, then the lowest matching
//! entry's VPort, else 0) and queued until the record side takes it. Frames are in
//! order and each frame forms exactly one record, so a ring of the frames between the
//! parser's entry and the record suffices; it holds more than the parser pipeline can.

use rust_hdl::prelude::*;

use crate::vport_regs::{FILTER_BITS, FILTERS, FILTERS_BITS};

/// Frames the ring holds (the parser holds at most one per clock of its latency).
const RING: usize = 16;

#[derive(LogicBlock)]
pub struct VportMatch {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// Synchronous reset: the ring empties (frames in flight are dropped with it).
    pub reset: Signal<In, Bit>,
    /// A beat enters the parser.
    pub in_valid: Signal<In, Bit>,
    /// The beat is its frame's first.
    pub in_first: Signal<In, Bit>,
    /// The beat's first six bytes, byte 0 in bits 47:40.
    pub in_mac: Signal<In, Bits<48>>,
    /// Frame bytes up to and including this beat: a frame shorter than a MAC goes to
    /// VPort 0.
    pub in_length: Signal<In, Bits<16>>,
    /// The MAC filter entries (`vport_regs::FILTER_BITS` each).
    pub filters: Signal<In, Bits<FILTERS_BITS>>,
    /// VPort of the oldest frame whose record is not formed yet.
    pub vport: Signal<Out, Bits<3>>,
    /// That frame's record is formed now: move on to the next frame.
    pub pop: Signal<In, Bit>,
    hits: DFF<Bits<FILTERS>>,
    hits_valid: DFF<Bit>,
    ring: DFF<Bits<{ 4 * RING }>>,
    write_ptr: DFF<Bits<4>>,
    read_ptr: DFF<Bits<4>>,
    nibble: Constant<Bits<{ 4 * RING }>>,
    entry: Signal<Local, Bits<FILTER_BITS>>,
    found: Signal<Local, Bit>,
    chosen: Signal<Local, Bits<3>>,
}

impl Default for VportMatch {
    fn default() -> Self {
        VportMatch {
            clock: Default::default(),
            reset: Default::default(),
            in_valid: Default::default(),
            in_first: Default::default(),
            in_mac: Default::default(),
            in_length: Default::default(),
            filters: Default::default(),
            vport: Default::default(),
            pop: Default::default(),
            hits: Default::default(),
            hits_valid: Default::default(),
            ring: Default::default(),
            write_ptr: Default::default(),
            read_ptr: Default::default(),
            nibble: Constant::new(0xf_u64.to_bits()),
            entry: Default::default(),
            found: Default::default(),
            chosen: Default::default(),
        }
    }
}

impl Logic for VportMatch {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, hits, hits_valid, ring, write_ptr, read_ptr);
        self.hits_valid.d.next = self.in_valid.val() & self.in_first.val();
        self.hits.d.next = 0.into();
        for i in 0..FILTERS {
            self.entry.next = self.filters.val().get_bits::<FILTER_BITS>(52 * i);
            if self.entry.val().get_bit(48)
                & (self.entry.val().get_bits::<48>(0) == self.in_mac.val())
                & (self.in_length.val() >= 6_u64)
            {
                self.hits.d.next = self.hits.d.val().replace_bit(i, true);
            }
        }

        self.found.next = false;
        self.chosen.next = 0.into();
        for i in 0..FILTERS {
            if self.hits.q.val().get_bit(i) & !self.found.val() {
                self.found.next = true;
                self.chosen.next = self.filters.val().get_bits::<3>(52 * i + 49);
            }
        }
        if self.hits_valid.q.val() {
            for r in 0..RING {
                if self.write_ptr.q.val() == r.to_bits() {
                    self.ring.d.next = (self.ring.q.val()
                        & !(self.nibble.val() << (4 * r).to_bits::<8>()))
                        | (bit_cast::<{ 4 * RING }, 3>(self.chosen.val())
                            << (4 * r).to_bits::<8>());
                }
            }
            self.write_ptr.d.next = self.write_ptr.q.val() + 1_u64;
        }

        self.vport.next = 0.into();
        for r in 0..RING {
            if self.read_ptr.q.val() == r.to_bits() {
                self.vport.next = self.ring.q.val().get_bits::<3>(4 * r);
            }
        }
        if self.pop.val() {
            self.read_ptr.d.next = self.read_ptr.q.val() + 1_u64;
        }
        if self.reset.val() {
            self.hits_valid.d.next = false;
            self.write_ptr.d.next = 0.into();
            self.read_ptr.d.next = 0.into();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vport_match_is_synthesizable() {
        let mut uut = VportMatch::default();
        uut.connect_all();
        crate::lint::assert_lints_clean(&generate_verilog(&uut), "vport_match");
    }
}
