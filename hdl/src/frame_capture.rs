//! AXI4-Stream frame capture: keeps the first [`WINDOW_BYTES`] bytes of each frame and
//! its length, and hands both to the parser on the beat with `tlast`, so a frame of
//! any length costs the parser one clock.
//!
//! `tkeep` follows the verilog-ethernet convention: contiguous from lane 0, all ones
//! except on the last beat. Bytes past the frame's length in the window are garbage;
//! the parser never reads them (it checks every read against the length).

use rust_hdl::prelude::*;

use crate::byte_swap::ByteSwap;

/// Bytes of each frame the parser can see.
pub const WINDOW_BYTES: usize = rss_model::parse::PARSE_WINDOW_BYTES;
/// The window as bits, byte 0 in the top bits.
pub const WINDOW_BITS: usize = 8 * WINDOW_BYTES;

#[derive(LogicBlock)]
pub struct FrameCapture<const DATA_BITS: usize, const KEEP_BITS: usize> {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// Synchronous reset: drops a partly received frame.
    pub reset: Signal<In, Bit>,
    /// Frame data, byte 0 of the beat in bits 7:0.
    pub s_axis_tdata: Signal<In, Bits<DATA_BITS>>,
    /// Byte enables of the beat.
    pub s_axis_tkeep: Signal<In, Bits<KEEP_BITS>>,
    /// Beat valid.
    pub s_axis_tvalid: Signal<In, Bit>,
    /// Beat accepted (when valid).
    pub s_axis_tready: Signal<Out, Bit>,
    /// Last beat of the frame.
    pub s_axis_tlast: Signal<In, Bit>,
    /// The parser takes a frame this clock (pipeline advance).
    pub advance: Signal<In, Bit>,
    /// A frame ends on this clock's beat.
    pub frame_valid: Signal<Out, Bit>,
    /// First bytes of that frame, byte 0 in the top bits.
    pub frame_window: Signal<Out, Bits<WINDOW_BITS>>,
    /// Its length in bytes (saturates at 65535).
    pub frame_length: Signal<Out, Bits<16>>,
    swap: ByteSwap<DATA_BITS>,
    window: DFF<Bits<WINDOW_BITS>>,
    position: DFF<Bits<16>>,
    window_limit: Constant<Bits<17>>,
    beat_top: Constant<Bits<11>>,
    fire: Signal<Local, Bit>,
    beat_bytes: Signal<Local, Bits<17>>,
    length: Signal<Local, Bits<17>>,
    placed: Signal<Local, Bits<WINDOW_BITS>>,
    shift: Signal<Local, Bits<11>>,
    window_next: Signal<Local, Bits<WINDOW_BITS>>,
}

impl<const DATA_BITS: usize, const KEEP_BITS: usize> Default
    for FrameCapture<DATA_BITS, KEEP_BITS>
{
    fn default() -> Self {
        assert_eq!(DATA_BITS, 8 * KEEP_BITS, "one keep bit per byte");
        assert!(
            DATA_BITS <= WINDOW_BITS && WINDOW_BITS.is_multiple_of(DATA_BITS),
            "beats tile the window"
        );
        FrameCapture {
            clock: Default::default(),
            reset: Default::default(),
            s_axis_tdata: Default::default(),
            s_axis_tkeep: Default::default(),
            s_axis_tvalid: Default::default(),
            s_axis_tready: Default::default(),
            s_axis_tlast: Default::default(),
            advance: Default::default(),
            frame_valid: Default::default(),
            frame_window: Default::default(),
            frame_length: Default::default(),
            swap: Default::default(),
            window: Default::default(),
            position: Default::default(),
            window_limit: Constant::new((WINDOW_BYTES as u64).to_bits()),
            beat_top: Constant::new(((WINDOW_BITS - DATA_BITS) as u64).to_bits()),
            fire: Default::default(),
            beat_bytes: Default::default(),
            length: Default::default(),
            placed: Default::default(),
            shift: Default::default(),
            window_next: Default::default(),
        }
    }
}

impl<const DATA_BITS: usize, const KEEP_BITS: usize> Logic for FrameCapture<DATA_BITS, KEEP_BITS> {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, window, position);
        self.s_axis_tready.next = self.advance.val();
        self.fire.next = self.s_axis_tvalid.val() & self.advance.val();
        self.swap.lanes.next = self.s_axis_tdata.val();
        self.beat_bytes.next = 0.into();
        for lane in 0..KEEP_BITS {
            if self.s_axis_tkeep.val().get_bit(lane) {
                self.beat_bytes.next = self.beat_bytes.val() + 1_u64;
            }
        }
        self.length.next = bit_cast::<17, 16>(self.position.q.val()) + self.beat_bytes.val();
        if self.length.val().get_bit(16) {
            self.length.next = 0xffff_u64.into();
        }
        // The beat's byte 0 lands at window byte `position`: shift it up from the bottom.
        self.shift.next =
            self.beat_top.val() - (bit_cast::<11, 16>(self.position.q.val()) << 3_u64);
        self.placed.next = 0.into();
        if bit_cast::<17, 16>(self.position.q.val()) < self.window_limit.val() {
            self.placed.next =
                bit_cast::<WINDOW_BITS, DATA_BITS>(self.swap.swapped.val()) << self.shift.val();
        }
        self.window_next.next = self.placed.val();
        if self.position.q.val().any() {
            self.window_next.next = self.window.q.val() | self.placed.val();
        }
        if self.fire.val() {
            self.window.d.next = self.window_next.val();
            self.position.d.next = self.length.val().get_bits::<16>(0);
            if self.s_axis_tlast.val() {
                self.position.d.next = 0.into();
            }
        }
        if self.reset.val() {
            self.position.d.next = 0.into();
        }
        self.frame_valid.next = self.fire.val() & self.s_axis_tlast.val();
        self.frame_window.next = self.window_next.val();
        self.frame_length.next = self.length.val().get_bits::<16>(0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frame_capture_is_synthesizable() {
        let mut uut = FrameCapture::<64, 8>::default();
        uut.connect_all();
        crate::lint::assert_lints_clean(&generate_verilog(&uut), "frame_capture");
    }
}
