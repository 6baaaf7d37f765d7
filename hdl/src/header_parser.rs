//! Header parser pipeline: frame window in, tuple + hash type + flags out, one frame
//! per clock, four register stages: L2/L3 → two extension headers → two more → L4 and
//! type selection. All stages move together on `advance`.

use rust_hdl::prelude::*;

use crate::ext_header::ExtHeader;
use crate::frame_capture::WINDOW_BITS;
use crate::l3_decode::L3Decode;
use crate::l4_select::L4Select;
use crate::toeplitz_pipe::TUPLE_BITS;

#[derive(LogicBlock, Default)]
pub struct HeaderParser {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// Synchronous reset: drops frames in flight.
    pub reset: Signal<In, Bit>,
    /// Move every stage one step.
    pub advance: Signal<In, Bit>,
    /// A frame is presented (taken on `advance`).
    pub in_valid: Signal<In, Bit>,
    /// Its first bytes, byte 0 in the top bits.
    pub in_window: Signal<In, Bits<WINDOW_BITS>>,
    /// Its length in bytes.
    pub in_length: Signal<In, Bits<16>>,
    /// `HASH_TYPES.ENABLED`, sampled in the last stage.
    pub enabled: Signal<In, Bits<9>>,
    /// The last stage holds a frame.
    pub out_valid: Signal<Out, Bit>,
    /// Its tuple (hash-input order, byte 0 in the top bits).
    pub out_tuple: Signal<Out, Bits<TUPLE_BITS>>,
    /// Its hash type, one-hot; 0 for no hash.
    pub out_type: Signal<Out, Bits<9>>,
    /// Bit 0 malformed, bit 1 fragment.
    pub out_flags: Signal<Out, Bits<2>>,
    layer3: L3Decode,
    ext1: ExtHeader,
    ext2: ExtHeader,
    ext3: ExtHeader,
    ext4: ExtHeader,
    layer4: L4Select,
    // Stage A: after L3.
    a_valid: DFF<Bit>,
    a_window: DFF<Bits<WINDOW_BITS>>,
    a_available: DFF<Bits<18>>,
    a_end: DFF<Bits<18>>,
    a_ipv4: DFF<Bit>,
    a_ipv6: DFF<Bit>,
    a_malformed: DFF<Bit>,
    a_fragment: DFF<Bit>,
    a_source: DFF<Bits<128>>,
    a_destination: DFF<Bits<128>>,
    a_next_header: DFF<Bits<8>>,
    a_offset: DFF<Bits<18>>,
    // Stage B: after extension headers 1 and 2.
    b_valid: DFF<Bit>,
    b_window: DFF<Bits<WINDOW_BITS>>,
    b_available: DFF<Bits<18>>,
    b_end: DFF<Bits<18>>,
    b_ipv4: DFF<Bit>,
    b_ipv6: DFF<Bit>,
    b_malformed: DFF<Bit>,
    b_fragment: DFF<Bit>,
    b_source: DFF<Bits<128>>,
    b_destination: DFF<Bits<128>>,
    b_ex_source: DFF<Bits<128>>,
    b_has_ex_source: DFF<Bit>,
    b_ex_destination: DFF<Bits<128>>,
    b_has_ex_destination: DFF<Bit>,
    b_next_header: DFF<Bits<8>>,
    b_offset: DFF<Bits<18>>,
    // Stage C: after extension headers 3 and 4.
    c_valid: DFF<Bit>,
    c_window: DFF<Bits<WINDOW_BITS>>,
    c_available: DFF<Bits<18>>,
    c_end: DFF<Bits<18>>,
    c_ipv4: DFF<Bit>,
    c_ipv6: DFF<Bit>,
    c_malformed: DFF<Bit>,
    c_fragment: DFF<Bit>,
    c_source: DFF<Bits<128>>,
    c_destination: DFF<Bits<128>>,
    c_ex_source: DFF<Bits<128>>,
    c_has_ex_source: DFF<Bit>,
    c_ex_destination: DFF<Bits<128>>,
    c_has_ex_destination: DFF<Bit>,
    c_next_header: DFF<Bits<8>>,
    c_offset: DFF<Bits<18>>,
    // Stage D: the result.
    d_valid: DFF<Bit>,
    d_tuple: DFF<Bits<TUPLE_BITS>>,
    d_type: DFF<Bits<9>>,
    d_flags: DFF<Bits<2>>,
}

impl Logic for HeaderParser {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self,
            clock,
            a_valid,
            a_window,
            a_available,
            a_end,
            a_ipv4,
            a_ipv6,
            a_malformed,
            a_fragment,
            a_source,
            a_destination,
            a_next_header,
            a_offset,
            b_valid,
            b_window,
            b_available,
            b_end,
            b_ipv4,
            b_ipv6,
            b_malformed,
            b_fragment,
            b_source,
            b_destination,
            b_ex_source,
            b_has_ex_source,
            b_ex_destination,
            b_has_ex_destination,
            b_next_header,
            b_offset,
            c_valid,
            c_window,
            c_available,
            c_end,
            c_ipv4,
            c_ipv6,
            c_malformed,
            c_fragment,
            c_source,
            c_destination,
            c_ex_source,
            c_has_ex_source,
            c_ex_destination,
            c_has_ex_destination,
            c_next_header,
            c_offset,
            d_valid,
            d_tuple,
            d_type,
            d_flags
        );
        self.layer3.window.next = self.in_window.val();
        self.layer3.length.next = self.in_length.val();

        self.ext1.window.next = self.a_window.q.val();
        self.ext1.available.next = self.a_available.q.val();
        self.ext1.datagram_end.next = self.a_end.q.val();
        self.ext1.ipv6.next = self.a_ipv6.q.val();
        self.ext1.offset.next = self.a_offset.q.val();
        self.ext1.next_header.next = self.a_next_header.q.val();
        self.ext1.ex_source.next = 0.into();
        self.ext1.has_ex_source.next = false;
        self.ext1.ex_destination.next = 0.into();
        self.ext1.has_ex_destination.next = false;
        self.ext1.fragment.next = self.a_fragment.q.val();
        self.ext1.malformed.next = self.a_malformed.q.val();
        self.ext2.window.next = self.a_window.q.val();
        self.ext2.available.next = self.a_available.q.val();
        self.ext2.datagram_end.next = self.a_end.q.val();
        self.ext2.ipv6.next = self.a_ipv6.q.val();
        self.ext2.offset.next = self.ext1.offset_out.val();
        self.ext2.next_header.next = self.ext1.next_header_out.val();
        self.ext2.ex_source.next = self.ext1.ex_source_out.val();
        self.ext2.has_ex_source.next = self.ext1.has_ex_source_out.val();
        self.ext2.ex_destination.next = self.ext1.ex_destination_out.val();
        self.ext2.has_ex_destination.next = self.ext1.has_ex_destination_out.val();
        self.ext2.fragment.next = self.ext1.fragment_out.val();
        self.ext2.malformed.next = self.ext1.malformed_out.val();

        self.ext3.window.next = self.b_window.q.val();
        self.ext3.available.next = self.b_available.q.val();
        self.ext3.datagram_end.next = self.b_end.q.val();
        self.ext3.ipv6.next = self.b_ipv6.q.val();
        self.ext3.offset.next = self.b_offset.q.val();
        self.ext3.next_header.next = self.b_next_header.q.val();
        self.ext3.ex_source.next = self.b_ex_source.q.val();
        self.ext3.has_ex_source.next = self.b_has_ex_source.q.val();
        self.ext3.ex_destination.next = self.b_ex_destination.q.val();
        self.ext3.has_ex_destination.next = self.b_has_ex_destination.q.val();
        self.ext3.fragment.next = self.b_fragment.q.val();
        self.ext3.malformed.next = self.b_malformed.q.val();
        self.ext4.window.next = self.b_window.q.val();
        self.ext4.available.next = self.b_available.q.val();
        self.ext4.datagram_end.next = self.b_end.q.val();
        self.ext4.ipv6.next = self.b_ipv6.q.val();
        self.ext4.offset.next = self.ext3.offset_out.val();
        self.ext4.next_header.next = self.ext3.next_header_out.val();
        self.ext4.ex_source.next = self.ext3.ex_source_out.val();
        self.ext4.has_ex_source.next = self.ext3.has_ex_source_out.val();
        self.ext4.ex_destination.next = self.ext3.ex_destination_out.val();
        self.ext4.has_ex_destination.next = self.ext3.has_ex_destination_out.val();
        self.ext4.fragment.next = self.ext3.fragment_out.val();
        self.ext4.malformed.next = self.ext3.malformed_out.val();

        self.layer4.window.next = self.c_window.q.val();
        self.layer4.available.next = self.c_available.q.val();
        self.layer4.datagram_end.next = self.c_end.q.val();
        self.layer4.ipv4.next = self.c_ipv4.q.val();
        self.layer4.ipv6.next = self.c_ipv6.q.val();
        self.layer4.malformed.next = self.c_malformed.q.val();
        self.layer4.fragment.next = self.c_fragment.q.val();
        self.layer4.source.next = self.c_source.q.val();
        self.layer4.destination.next = self.c_destination.q.val();
        self.layer4.ex_source.next = self.c_ex_source.q.val();
        self.layer4.has_ex_source.next = self.c_has_ex_source.q.val();
        self.layer4.ex_destination.next = self.c_ex_destination.q.val();
        self.layer4.has_ex_destination.next = self.c_has_ex_destination.q.val();
        self.layer4.next_header.next = self.c_next_header.q.val();
        self.layer4.offset.next = self.c_offset.q.val();
        self.layer4.enabled.next = self.enabled.val();

        if self.advance.val() {
            self.a_valid.d.next = self.in_valid.val();
            self.a_window.d.next = self.in_window.val();
            self.a_available.d.next = self.layer3.available.val();
            self.a_end.d.next = self.layer3.datagram_end.val();
            self.a_ipv4.d.next = self.layer3.ipv4.val();
            self.a_ipv6.d.next = self.layer3.ipv6.val();
            self.a_malformed.d.next = self.layer3.malformed.val();
            self.a_fragment.d.next = self.layer3.fragment.val();
            self.a_source.d.next = self.layer3.source.val();
            self.a_destination.d.next = self.layer3.destination.val();
            self.a_next_header.d.next = self.layer3.next_header.val();
            self.a_offset.d.next = self.layer3.offset.val();

            self.b_valid.d.next = self.a_valid.q.val();
            self.b_window.d.next = self.a_window.q.val();
            self.b_available.d.next = self.a_available.q.val();
            self.b_end.d.next = self.a_end.q.val();
            self.b_ipv4.d.next = self.a_ipv4.q.val();
            self.b_ipv6.d.next = self.a_ipv6.q.val();
            self.b_malformed.d.next = self.ext2.malformed_out.val();
            self.b_fragment.d.next = self.ext2.fragment_out.val();
            self.b_source.d.next = self.a_source.q.val();
            self.b_destination.d.next = self.a_destination.q.val();
            self.b_ex_source.d.next = self.ext2.ex_source_out.val();
            self.b_has_ex_source.d.next = self.ext2.has_ex_source_out.val();
            self.b_ex_destination.d.next = self.ext2.ex_destination_out.val();
            self.b_has_ex_destination.d.next = self.ext2.has_ex_destination_out.val();
            self.b_next_header.d.next = self.ext2.next_header_out.val();
            self.b_offset.d.next = self.ext2.offset_out.val();

            self.c_valid.d.next = self.b_valid.q.val();
            self.c_window.d.next = self.b_window.q.val();
            self.c_available.d.next = self.b_available.q.val();
            self.c_end.d.next = self.b_end.q.val();
            self.c_ipv4.d.next = self.b_ipv4.q.val();
            self.c_ipv6.d.next = self.b_ipv6.q.val();
            self.c_malformed.d.next = self.ext4.malformed_out.val();
            self.c_fragment.d.next = self.ext4.fragment_out.val();
            self.c_source.d.next = self.b_source.q.val();
            self.c_destination.d.next = self.b_destination.q.val();
            self.c_ex_source.d.next = self.ext4.ex_source_out.val();
            self.c_has_ex_source.d.next = self.ext4.has_ex_source_out.val();
            self.c_ex_destination.d.next = self.ext4.ex_destination_out.val();
            self.c_has_ex_destination.d.next = self.ext4.has_ex_destination_out.val();
            self.c_next_header.d.next = self.ext4.next_header_out.val();
            self.c_offset.d.next = self.ext4.offset_out.val();

            self.d_valid.d.next = self.c_valid.q.val();
            self.d_tuple.d.next = self.layer4.tuple.val();
            self.d_type.d.next = self.layer4.hash_type.val();
            self.d_flags.d.next = self.layer4.flags.val();
        }
        if self.reset.val() {
            self.a_valid.d.next = false;
            self.b_valid.d.next = false;
            self.c_valid.d.next = false;
            self.d_valid.d.next = false;
        }
        self.out_valid.next = self.d_valid.q.val();
        self.out_tuple.next = self.d_tuple.q.val();
        self.out_type.next = self.d_type.q.val();
        self.out_flags.next = self.d_flags.q.val();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_parser_is_synthesizable() {
        let mut uut = HeaderParser::default();
        uut.connect_all();
        crate::lint::assert_lints_clean(&generate_verilog(&uut), "header_parser");
    }
}
