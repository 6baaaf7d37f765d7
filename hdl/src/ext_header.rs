//! One IPv6 extension header (combinational), per `docs/parser-rules.md`: hop-by-hop,
//! routing (type 2 gives the Ex destination), fragment, destination options (the Home
//! Address option gives the Ex source; a later one found wins). The parser chains several of these; a step
//! whose next header is not an extension header passes everything through.

use rust_hdl::prelude::*;

use crate::frame_capture::WINDOW_BITS;

/// Header bytes a step can look at.
const SLICE_BITS: usize = 320;
/// The window with a slice's worth of zeros after it, so any in-window offset slices.
const PADDED_BITS: usize = WINDOW_BITS + SLICE_BITS;

#[derive(LogicBlock, Default)]
pub struct ExtHeader {
    /// First bytes of the frame, byte 0 in the top bits.
    pub window: Signal<In, Bits<WINDOW_BITS>>,
    /// Bytes readable: min(frame length, window).
    pub available: Signal<In, Bits<18>>,
    /// End of the IP datagram.
    pub datagram_end: Signal<In, Bits<18>>,
    /// The frame is IPv6 (the walk applies).
    pub ipv6: Signal<In, Bit>,
    /// Walk state in: header offset, its type, Ex addresses found, fragment, malformed.
    pub offset: Signal<In, Bits<18>>,
    pub next_header: Signal<In, Bits<8>>,
    pub ex_source: Signal<In, Bits<128>>,
    pub has_ex_source: Signal<In, Bit>,
    pub ex_destination: Signal<In, Bits<128>>,
    pub has_ex_destination: Signal<In, Bit>,
    pub fragment: Signal<In, Bit>,
    pub malformed: Signal<In, Bit>,
    /// Walk state out, after this header.
    pub offset_out: Signal<Out, Bits<18>>,
    pub next_header_out: Signal<Out, Bits<8>>,
    pub ex_source_out: Signal<Out, Bits<128>>,
    pub has_ex_source_out: Signal<Out, Bit>,
    pub ex_destination_out: Signal<Out, Bits<128>>,
    pub has_ex_destination_out: Signal<Out, Bit>,
    pub fragment_out: Signal<Out, Bit>,
    pub malformed_out: Signal<Out, Bit>,
    step: Signal<Local, Bit>,
    padded: Signal<Local, Bits<PADDED_BITS>>,
    slice_index: Signal<Local, Bits<11>>,
    slice: Signal<Local, Bits<SLICE_BITS>>,
    length: Signal<Local, Bits<18>>,
    limit: Signal<Local, Bits<10>>,
    position: Signal<Local, Bits<10>>,
    scanning: Signal<Local, Bit>,
    option_type: Signal<Local, Bits<8>>,
    option_length: Signal<Local, Bits<10>>,
    type_index: Signal<Local, Bits<10>>,
    length_index: Signal<Local, Bits<10>>,
    data_index: Signal<Local, Bits<10>>,
}

impl Logic for ExtHeader {
    #[hdl_gen]
    fn update(&mut self) {
        self.offset_out.next = self.offset.val();
        self.next_header_out.next = self.next_header.val();
        self.ex_source_out.next = self.ex_source.val();
        self.has_ex_source_out.next = self.has_ex_source.val();
        self.ex_destination_out.next = self.ex_destination.val();
        self.has_ex_destination_out.next = self.has_ex_destination.val();
        self.fragment_out.next = self.fragment.val();
        self.malformed_out.next = self.malformed.val();

        self.step.next = self.ipv6.val()
            & !self.fragment.val()
            & !self.malformed.val()
            & ((self.next_header.val() == 0_u64)
                | (self.next_header.val() == 43_u64)
                | (self.next_header.val() == 44_u64)
                | (self.next_header.val() == 60_u64));
        // 40 header bytes at `offset` (zeros past the window).
        self.padded.next = bit_cast::<PADDED_BITS, WINDOW_BITS>(self.window.val()) << 320_u64;
        self.slice_index.next = 0.into();
        if self.offset.val() <= 128_u64 {
            self.slice_index.next = 1024_u64 - (bit_cast::<11, 18>(self.offset.val()) << 3_u64);
        }
        self.slice.next = self
            .padded
            .val()
            .get_bits::<SLICE_BITS>(self.slice_index.val().index());
        self.length.next =
            (bit_cast::<18, 8>(self.slice.val().get_bits::<8>(304)) + 1_u64) << 3_u64;
        if self.next_header.val() == 44_u64 {
            self.length.next = 8_u64.into();
        }
        self.limit.next = 40_u64.into();
        if self.length.val() < 40_u64 {
            self.limit.next = self.length.val().get_bits::<10>(0);
        }
        self.position.next = 2_u64.into();
        self.scanning.next = false;
        self.option_type.next = 0.into();
        self.option_length.next = 0.into();
        self.type_index.next = 0.into();
        self.length_index.next = 0.into();
        self.data_index.next = 0.into();
        if self.step.val() {
            if (self.offset.val() + 8_u64 > self.datagram_end.val())
                | (self.offset.val() + 8_u64 > self.available.val())
                | (self.offset.val() + self.length.val() > self.datagram_end.val())
                | (self.offset.val() + self.length.val() > self.available.val())
            {
                self.malformed_out.next = true;
            } else {
                // Routing type 2, one segment left, 24 bytes: the Ex destination.
                if (self.next_header.val() == 43_u64)
                    & (self.slice.val().get_bits::<8>(296) == 2_u64)
                    & (self.slice.val().get_bits::<8>(288) == 1_u64)
                    & (self.length.val() == 24_u64)
                {
                    self.ex_destination_out.next = self.slice.val().get_bits::<128>(128);
                    self.has_ex_destination_out.next = true;
                }
                if (self.next_header.val() == 44_u64)
                    & (self.slice.val().get_bits::<13>(291).any() | self.slice.val().get_bit(288))
                {
                    self.fragment_out.next = true;
                }
                // Destination options: up to 4 options inside the header's first 40 bytes.
                self.scanning.next = self.next_header.val() == 60_u64;
                for _option in 0..4 {
                    if self.scanning.val() & (self.position.val() < self.limit.val()) {
                        self.type_index.next = 312_u64 - (self.position.val() << 3_u64);
                        self.length_index.next = 304_u64 - (self.position.val() << 3_u64);
                        self.data_index.next = 176_u64 - (self.position.val() << 3_u64);
                        self.option_type.next = self
                            .slice
                            .val()
                            .get_bits::<8>(self.type_index.val().index());
                        if !self.option_type.val().any() {
                            self.position.next = self.position.val() + 1_u64;
                        } else if self.position.val() + 2_u64 > self.limit.val() {
                            self.scanning.next = false;
                        } else {
                            self.option_length.next = bit_cast::<10, 8>(
                                self.slice
                                    .val()
                                    .get_bits::<8>(self.length_index.val().index()),
                            );
                            if self.position.val() + 2_u64 + self.option_length.val()
                                > self.limit.val()
                            {
                                self.scanning.next = false;
                            } else if (self.option_type.val() == 0xc9_u64)
                                & (self.option_length.val() == 16_u64)
                            {
                                self.ex_source_out.next = self
                                    .slice
                                    .val()
                                    .get_bits::<128>(self.data_index.val().index());
                                self.has_ex_source_out.next = true;
                                self.position.next = self.position.val() + 18_u64;
                            } else {
                                self.position.next =
                                    self.position.val() + 2_u64 + self.option_length.val();
                            }
                        }
                    }
                }
                self.offset_out.next = self.offset.val() + self.length.val();
                self.next_header_out.next = self.slice.val().get_bits::<8>(312);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ext_header_is_synthesizable() {
        let mut uut = ExtHeader::default();
        uut.connect_all();
        crate::lint::assert_lints_clean(&generate_verilog(&uut), "ext_header");
    }
}
