//! AXI4-Lite write input register: one write (address, data, strobes) is taken into
//! registers on its handshake and performed from them a clock or more later, so the
//! register block's decoders, write-data paths and everything they update start from
//! flip-flops rather than from the bus's input pins. `awready`/`wready` come from a
//! register too: they no longer depend on whether the block can perform a write now
//! (a commit being applied, a probe running, the table cooldown).
//!
//! The perform strobe is a flip-flop as well, set once the slot has held the write for
//! four clocks with nothing holding it back. Those four clocks are the register
//! block's decode pipeline, so no decision takes more than a few LUT levels in one
//! clock: a read-write register's hit and value check are registered in the first;
//! every block's fault, the hit and the picked state of a move's VPort by the second;
//! the faults' OR and a move's verdict in the third; their combination in the fourth;
//! and the write is performed in the fifth from registers alone. Nothing but a write can start what holds writes back (a commit, a probe, the
//! table cooldown), and only one is outstanding, so the state those decisions read does
//! not change from the first unblocked clock to the performing one.
//!
//! One write is outstanding at a time, as before: the slot takes the next write only
//! once the previous one's response has been accepted.

use rust_hdl::prelude::*;

use crate::csr::WORD_ADDR_BITS;
use crate::word_decode::{DECODE_BITS, WordDecode};

#[derive(LogicBlock, Default)]
pub struct AxilWriteSlot {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// Synchronous reset: the slot empties (a held write is dropped with the bus).
    pub reset: Signal<In, Bit>,
    /// Write address (byte address; bits 1:0 ignored).
    pub awaddr: Signal<In, Bits<13>>,
    /// Write address valid.
    pub awvalid: Signal<In, Bit>,
    /// Write address ready: with `wready`, on a clock where both channels are valid and
    /// no write is outstanding.
    pub awready: Signal<Out, Bit>,
    /// Write data.
    pub wdata: Signal<In, Bits<32>>,
    /// Write byte strobes.
    pub wstrb: Signal<In, Bits<4>>,
    /// Write data valid.
    pub wvalid: Signal<In, Bit>,
    /// Write data ready.
    pub wready: Signal<Out, Bit>,
    /// The response of the outstanding write is accepted this clock (`bvalid && bready`).
    pub response_taken: Signal<In, Bit>,
    /// A taken write waits to be performed (the outputs below hold it).
    pub held: Signal<Out, Bit>,
    /// Its word address.
    pub address: Signal<Out, Bits<WORD_ADDR_BITS>>,
    /// Its data, the bytes whose strobe is clear zeroed (masked as it is taken, so no
    /// register block's checks start with the mask).
    pub data: Signal<Out, Bits<32>>,
    /// Its byte strobes.
    pub strobes: Signal<Out, Bits<4>>,
    /// Bit `k`: nibble `k` of `data` is not zero (registered with it), so a register's
    /// check for bits outside its field is a few flags wide, not an OR over the word.
    pub data_nibbles: Signal<Out, Bits<8>>,
    /// Its word address, predecoded (`WordDecode`) as it is taken, so a register's
    /// address decode is one LUT from a flip-flop.
    pub decode: Signal<Out, Bits<DECODE_BITS>>,
    /// Nothing holds a write back this clock (no commit being applied, no probe, no
    /// table cooldown).
    pub unblocked: Signal<In, Bit>,
    /// The held write is performed this clock (a flip-flop): the slot lets it go.
    pub perform: Signal<Out, Bit>,
    /// The held write was unblocked last clock: decisions registered then stand.
    pub decoded: Signal<Out, Bit>,
    held_q: DFF<Bit>,
    /// The write was held and unblocked last clock.
    aged_q: DFF<Bit>,
    /// ... and the clock before.
    aged2_q: DFF<Bit>,
    /// ... and the clock before that.
    aged3_q: DFF<Bit>,
    perform_q: DFF<Bit>,
    /// A write taken whose response has not been accepted yet.
    outstanding: DFF<Bit>,
    address_q: DFF<Bits<WORD_ADDR_BITS>>,
    data_q: DFF<Bits<32>>,
    strobes_q: DFF<Bits<4>>,
    decode_q: DFF<Bits<DECODE_BITS>>,
    nibbles_q: DFF<Bits<8>>,
    taken_decode: WordDecode,
    take: Signal<Local, Bit>,
    /// `wdata` with the bytes whose strobe is clear zeroed.
    masked: Signal<Local, Bits<32>>,
    /// `masked`'s nonzero nibbles.
    nibbles: Signal<Local, Bits<8>>,
}

impl Logic for AxilWriteSlot {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self,
            clock,
            held_q,
            aged_q,
            aged2_q,
            aged3_q,
            perform_q,
            outstanding,
            address_q,
            data_q,
            strobes_q,
            decode_q,
            nibbles_q
        );
        self.take.next = self.awvalid.val() & self.wvalid.val() & !self.outstanding.q.val();
        self.taken_decode.address.next = self.awaddr.val().get_bits::<WORD_ADDR_BITS>(2);
        self.masked.next = 0.into();
        for b in 0..4 {
            if self.wstrb.val().get_bit(b) {
                self.masked.next = self.masked.val() | (self.wdata.val() & (0xff_u64 << (8 * b)));
            }
        }
        self.nibbles.next = 0.into();
        for k in 0..8 {
            if self.masked.val().get_bits::<4>(4 * k).any() {
                self.nibbles.next = self.nibbles.val() | (1_u64 << k);
            }
        }
        self.awready.next = self.take.val();
        self.wready.next = self.take.val();
        if self.take.val() {
            self.held_q.d.next = true;
            self.outstanding.d.next = true;
            self.address_q.d.next = self.awaddr.val().get_bits::<WORD_ADDR_BITS>(2);
            self.data_q.d.next = self.masked.val();
            self.strobes_q.d.next = self.wstrb.val();
            self.decode_q.d.next = self.taken_decode.decode.val();
            self.nibbles_q.d.next = self.nibbles.val();
        }
        self.aged_q.d.next = self.held_q.q.val() & !self.perform_q.q.val() & self.unblocked.val();
        self.aged2_q.d.next = self.held_q.q.val()
            & self.aged_q.q.val()
            & !self.perform_q.q.val()
            & self.unblocked.val();
        self.aged3_q.d.next = self.held_q.q.val()
            & self.aged2_q.q.val()
            & !self.perform_q.q.val()
            & self.unblocked.val();
        self.perform_q.d.next = self.held_q.q.val()
            & self.aged3_q.q.val()
            & !self.perform_q.q.val()
            & self.unblocked.val();
        if self.perform_q.q.val() {
            self.held_q.d.next = false;
        }
        if self.response_taken.val() {
            self.outstanding.d.next = false;
        }
        if self.reset.val() {
            self.held_q.d.next = false;
            self.aged_q.d.next = false;
            self.aged2_q.d.next = false;
            self.aged3_q.d.next = false;
            self.perform_q.d.next = false;
            self.outstanding.d.next = false;
        }
        self.perform.next = self.perform_q.q.val();
        self.decoded.next = self.aged_q.q.val();
        self.held.next = self.held_q.q.val();
        self.address.next = self.address_q.q.val();
        self.data.next = self.data_q.q.val();
        self.strobes.next = self.strobes_q.q.val();
        self.decode.next = self.decode_q.q.val();
        self.data_nibbles.next = self.nibbles_q.q.val();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::word_decode::decode_mask;

    /// A write is taken once both channels are valid, held until performed (after four
    /// clocks in a row that left it unblocked), and the next one waits for the first
    /// one's response, however long the block takes.
    #[test]
    fn write_slot_holds_one_write_until_performed_and_answered() {
        let mut uut = AxilWriteSlot::default();
        uut.connect_all();
        let mut sim = Simulation::new();
        sim.add_clock(5, |x: &mut Box<AxilWriteSlot>| {
            x.clock.next = !x.clock.val()
        });
        sim.add_testbench(move |mut ep: Sim<AxilWriteSlot>| {
            let mut x = ep.init()?;
            x.reset.next = true;
            wait_clock_cycle!(ep, clock, x);
            x.reset.next = false;
            // Address alone: nothing taken.
            x.awvalid.next = true;
            x.awaddr.next = 0x0104_u64.into();
            x = ep.wait(1, x)?;
            sim_assert!(ep, !x.awready.val() & !x.wready.val(), x);
            wait_clock_cycle!(ep, clock, x);
            sim_assert!(ep, !x.held.val(), x);
            // Data too: taken on this edge.
            x.wvalid.next = true;
            x.wdata.next = 0xdead_beef_u64.into();
            x.wstrb.next = 0b0101_u64.into();
            x = ep.wait(1, x)?;
            sim_assert!(ep, x.awready.val() & x.wready.val(), x);
            wait_clock_cycle!(ep, clock, x);
            // A second write offered at once is not taken while the first is out, and
            // the first is not performed while blocked.
            x.awaddr.next = 0x0200_u64.into();
            x.wdata.next = 0x1234_u64.into();
            for _ in 0..3 {
                x = ep.wait(1, x)?;
                sim_assert!(ep, x.held.val() & (x.address.val() == 0x41_u64), x);
                sim_assert!(ep, x.decode.val() == decode_mask(0x41), x);
                // Bytes 1 and 3 are not strobed: zeroed.
                sim_assert!(ep, x.data.val() == 0x00ad_00ef_u64, x);
                sim_assert!(ep, x.data_nibbles.val() == 0b0011_0011_u64, x);
                sim_assert!(ep, x.strobes.val() == 0b0101_u64, x);
                sim_assert!(ep, !x.awready.val() & !x.perform.val(), x);
                wait_clock_cycle!(ep, clock, x);
            }
            // Unblocked for one clock only: not performed.
            x.unblocked.next = true;
            wait_clock_cycle!(ep, clock, x);
            x.unblocked.next = false;
            x = ep.wait(1, x)?;
            sim_assert!(ep, x.held.val() & x.decoded.val() & !x.perform.val(), x);
            wait_clock_cycle!(ep, clock, x);
            x = ep.wait(1, x)?;
            sim_assert!(ep, x.held.val() & !x.decoded.val() & !x.perform.val(), x);
            // Unblocked for three clocks, then blocked: not performed either.
            x.unblocked.next = true;
            wait_clock_cycle!(ep, clock, x);
            wait_clock_cycle!(ep, clock, x);
            wait_clock_cycle!(ep, clock, x);
            x.unblocked.next = false;
            wait_clock_cycle!(ep, clock, x);
            x = ep.wait(1, x)?;
            sim_assert!(ep, x.held.val() & !x.perform.val(), x);
            wait_clock_cycle!(ep, clock, x);
            // Unblocked for four clocks: performed on the next, for exactly one clock.
            x.unblocked.next = true;
            wait_clock_cycle!(ep, clock, x);
            for _ in 0..3 {
                x = ep.wait(1, x)?;
                sim_assert!(ep, x.decoded.val() & !x.perform.val(), x);
                wait_clock_cycle!(ep, clock, x);
            }
            x = ep.wait(1, x)?;
            sim_assert!(ep, x.held.val() & x.perform.val(), x);
            wait_clock_cycle!(ep, clock, x);
            x.unblocked.next = false;
            x = ep.wait(1, x)?;
            sim_assert!(ep, !x.held.val() & !x.perform.val() & !x.awready.val(), x);
            // Performed but unanswered: still out. The response frees the slot.
            wait_clock_cycle!(ep, clock, x);
            x.response_taken.next = true;
            x = ep.wait(1, x)?;
            sim_assert!(ep, !x.awready.val(), x);
            wait_clock_cycle!(ep, clock, x);
            x.response_taken.next = false;
            x = ep.wait(1, x)?;
            sim_assert!(ep, x.awready.val(), x);
            wait_clock_cycle!(ep, clock, x);
            x.awvalid.next = false;
            x.wvalid.next = false;
            x = ep.wait(1, x)?;
            sim_assert!(ep, x.held.val() & (x.address.val() == 0x80_u64), x);
            sim_assert!(ep, x.data.val() == 0x0034_u64, x);
            // Reset drops the held write and frees the slot.
            x.reset.next = true;
            wait_clock_cycle!(ep, clock, x);
            x.reset.next = false;
            x = ep.wait(1, x)?;
            sim_assert!(ep, !x.held.val(), x);
            x.awvalid.next = true;
            x.wvalid.next = true;
            x = ep.wait(1, x)?;
            sim_assert!(ep, x.awready.val(), x);
            ep.done(x)
        });
        sim.run(Box::new(uut), 10_000).unwrap();
    }

    #[test]
    fn write_slot_is_synthesizable() {
        let mut uut = AxilWriteSlot::default();
        uut.connect_all();
        crate::lint::assert_lints_clean(&generate_verilog(&uut), "axil_write_slot");
    }
}
