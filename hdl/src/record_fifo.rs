//! Record FIFO: first-word-fall-through, block RAM for the entries (iCE40 EBR, ECP5
//! DP16KD) and a synchronous reset that empties it. It holds at most `capacity`
//! records (at most `2^DEPTH_LOG2`); `count` includes the record on the output.

use rust_hdl::prelude::*;

#[derive(LogicBlock)]
pub struct RecordFifo<const WIDTH: usize, const DEPTH_LOG2: usize, const COUNT_BITS: usize> {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// Synchronous reset: drops every record.
    pub reset: Signal<In, Bit>,
    /// Records it may hold (a generator parameter).
    pub capacity: Signal<In, Bits<COUNT_BITS>>,
    /// Store `push_data` (ignored when full).
    pub push: Signal<In, Bit>,
    /// Record to store.
    pub push_data: Signal<In, Bits<WIDTH>>,
    /// Records held, the one on the output included.
    pub count: Signal<Out, Bits<COUNT_BITS>>,
    /// No room: a push now is lost.
    pub full: Signal<Out, Bit>,
    /// The oldest record is on `out_data`.
    pub out_valid: Signal<Out, Bit>,
    /// The consumer takes it.
    pub out_ready: Signal<In, Bit>,
    /// The oldest record.
    pub out_data: Signal<Out, Bits<WIDTH>>,
    ram: RAM<Bits<WIDTH>, DEPTH_LOG2>,
    write_ptr: DFF<Bits<COUNT_BITS>>,
    read_ptr: DFF<Bits<COUNT_BITS>>,
    shown: DFF<Bits<DEPTH_LOG2>>,
    shown_valid: DFF<Bit>,
    stored: Signal<Local, Bits<COUNT_BITS>>,
    held: Signal<Local, Bits<COUNT_BITS>>,
    take: Signal<Local, Bit>,
    store: Signal<Local, Bit>,
}

impl<const WIDTH: usize, const DEPTH_LOG2: usize, const COUNT_BITS: usize> Default
    for RecordFifo<WIDTH, DEPTH_LOG2, COUNT_BITS>
{
    fn default() -> Self {
        assert_eq!(COUNT_BITS, DEPTH_LOG2 + 1);
        Self {
            clock: Default::default(),
            reset: Default::default(),
            capacity: Default::default(),
            push: Default::default(),
            push_data: Default::default(),
            count: Default::default(),
            full: Default::default(),
            out_valid: Default::default(),
            out_ready: Default::default(),
            out_data: Default::default(),
            ram: Default::default(),
            write_ptr: Default::default(),
            read_ptr: Default::default(),
            shown: Default::default(),
            shown_valid: Default::default(),
            stored: Default::default(),
            held: Default::default(),
            take: Default::default(),
            store: Default::default(),
        }
    }
}

impl<const WIDTH: usize, const DEPTH_LOG2: usize, const COUNT_BITS: usize> Logic
    for RecordFifo<WIDTH, DEPTH_LOG2, COUNT_BITS>
{
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, write_ptr, read_ptr, shown, shown_valid);
        self.ram.read_clock.next = self.clock.val();
        self.ram.write_clock.next = self.clock.val();
        // Entries in RAM not yet on the output, and all records held.
        self.stored.next = self.write_ptr.q.val() - self.read_ptr.q.val();
        self.held.next =
            self.stored.val() + bit_cast::<COUNT_BITS, 1>(self.shown_valid.q.val().into());
        self.full.next = self.held.val() >= self.capacity.val();
        self.count.next = self.held.val();
        self.store.next = self.push.val() & !self.full.val();
        self.ram.write_enable.next = self.store.val();
        self.ram.write_address.next = self.write_ptr.q.val().get_bits::<DEPTH_LOG2>(0);
        self.ram.write_data.next = self.push_data.val();
        if self.store.val() {
            self.write_ptr.d.next = self.write_ptr.q.val() + 1_u64;
        }
        // Move the next entry to the output when it is free or being taken; the RAM
        // reads the shown entry's address otherwise, so its registered data stays put.
        self.take.next =
            self.stored.val().any() & (!self.shown_valid.q.val() | self.out_ready.val());
        self.ram.read_address.next = self.shown.q.val();
        if self.take.val() {
            self.ram.read_address.next = self.read_ptr.q.val().get_bits::<DEPTH_LOG2>(0);
            self.shown.d.next = self.read_ptr.q.val().get_bits::<DEPTH_LOG2>(0);
            self.read_ptr.d.next = self.read_ptr.q.val() + 1_u64;
            self.shown_valid.d.next = true;
        } else if self.out_ready.val() {
            self.shown_valid.d.next = false;
        }
        if self.reset.val() {
            self.write_ptr.d.next = 0.into();
            self.read_ptr.d.next = 0.into();
            self.shown_valid.d.next = false;
        }
        self.out_valid.next = self.shown_valid.q.val();
        self.out_data.next = self.ram.read_data.val();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn record_fifo_is_synthesizable() {
        let mut uut = RecordFifo::<68, 8, 9>::default();
        uut.connect_all();
        crate::lint::assert_lints_clean(&generate_verilog(&uut), "record_fifo");
    }
}
