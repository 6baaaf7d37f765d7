//! Parser stage 1 (combinational): Ethernet II with up to two VLAN tags, then the IPv4
//! or IPv6 fixed header, per `docs/parser-rules.md`. Offsets are frame byte offsets;
//! every read is checked against the bytes available (frame length, window).

use rust_hdl::prelude::*;

use crate::frame_capture::WINDOW_BITS;

/// Bits of the 40-byte L3 header slice.
const L3_BITS: usize = 320;

#[derive(LogicBlock, Default)]
pub struct L3Decode {
    /// First bytes of the frame, byte 0 in the top bits.
    pub window: Signal<In, Bits<WINDOW_BITS>>,
    /// Frame length in bytes.
    pub length: Signal<In, Bits<16>>,
    /// Bytes readable: min(length, window).
    pub available: Signal<Out, Bits<18>>,
    /// IPv4 header well formed so far.
    pub ipv4: Signal<Out, Bit>,
    /// IPv6 header well formed so far.
    pub ipv6: Signal<Out, Bit>,
    /// IP ethertype but a broken header, or too short for the Ethernet header.
    pub malformed: Signal<Out, Bit>,
    /// IPv4 fragment (MF or offset).
    pub fragment: Signal<Out, Bit>,
    /// Source address; IPv4 in the top 32 bits.
    pub source: Signal<Out, Bits<128>>,
    /// Destination address; IPv4 in the top 32 bits.
    pub destination: Signal<Out, Bits<128>>,
    /// IPv4 protocol / IPv6 next header.
    pub next_header: Signal<Out, Bits<8>>,
    /// Offset of the next header (IPv4: after options; IPv6: after the fixed header).
    pub offset: Signal<Out, Bits<18>>,
    /// End of the IP datagram (bytes past it are padding).
    pub datagram_end: Signal<Out, Bits<18>>,
    l3: Signal<Local, Bits<18>>,
    ethertype: Signal<Local, Bits<16>>,
    vlan_tagged: Signal<Local, Bit>,
    header: Signal<Local, Bits<L3_BITS>>,
    header_index: Signal<Local, Bits<11>>,
    ihl_bytes: Signal<Local, Bits<18>>,
    total: Signal<Local, Bits<18>>,
}

impl Logic for L3Decode {
    #[hdl_gen]
    fn update(&mut self) {
        self.available.next = bit_cast::<18, 16>(self.length.val());
        if self.length.val() > 128_u64 {
            self.available.next = 128_u64.into();
        }
        // Ethertypes at 12, 16, 20: bits from 1024 - 8 * (offset + 2) = 912, 880, 848.
        self.l3.next = 14_u64.into();
        self.ethertype.next = self.window.val().get_bits::<16>(912);
        self.vlan_tagged.next =
            (self.ethertype.val() == 0x88a8_u64) | (self.ethertype.val() == 0x8100_u64);
        if self.vlan_tagged.val() {
            self.l3.next = 18_u64.into();
            self.ethertype.next = self.window.val().get_bits::<16>(880);
            if self.ethertype.val() == 0x8100_u64 {
                self.l3.next = 22_u64.into();
                self.ethertype.next = self.window.val().get_bits::<16>(848);
            }
        }
        // The 40 bytes from L3 (l3 <= 22, so they lie inside the window).
        self.header_index.next = 704_u64 - (bit_cast::<11, 18>(self.l3.val()) << 3_u64);
        self.header.next = self
            .window
            .val()
            .get_bits::<L3_BITS>(self.header_index.val().index());

        self.ipv4.next = false;
        self.ipv6.next = false;
        self.malformed.next = self.l3.val() > self.available.val();
        self.fragment.next = false;
        self.source.next = 0.into();
        self.destination.next = 0.into();
        self.next_header.next = 0.into();
        self.offset.next = 0.into();
        self.datagram_end.next = 0.into();
        self.ihl_bytes.next = bit_cast::<18, 4>(self.header.val().get_bits::<4>(312)) << 2_u64;
        self.total.next = 0.into();
        if !self.malformed.val() & (self.ethertype.val() == 0x0800_u64) {
            self.total.next = bit_cast::<18, 16>(self.header.val().get_bits::<16>(288));
            self.ipv4.next = (self.l3.val() + 20_u64 <= self.available.val())
                & (self.header.val().get_bits::<4>(316) == 4_u64)
                & (self.ihl_bytes.val() >= 20_u64)
                & (self.l3.val() + self.ihl_bytes.val() <= self.available.val())
                & (self.total.val() >= self.ihl_bytes.val())
                & (self.l3.val() + self.total.val() <= bit_cast::<18, 16>(self.length.val()));
            self.malformed.next = !self.ipv4.val();
            self.fragment.next =
                self.header.val().get_bit(269) | self.header.val().get_bits::<13>(256).any();
            self.next_header.next = self.header.val().get_bits::<8>(240);
            self.source.next = bit_cast::<128, 32>(self.header.val().get_bits::<32>(192)) << 96_u64;
            self.destination.next =
                bit_cast::<128, 32>(self.header.val().get_bits::<32>(160)) << 96_u64;
            self.offset.next = self.l3.val() + self.ihl_bytes.val();
            self.datagram_end.next = self.l3.val() + self.total.val();
        }
        if !self.malformed.val() & (self.ethertype.val() == 0x86dd_u64) {
            self.total.next = bit_cast::<18, 16>(self.header.val().get_bits::<16>(272)) + 40_u64;
            self.ipv6.next = (self.l3.val() + 40_u64 <= self.available.val())
                & (self.header.val().get_bits::<4>(316) == 6_u64)
                & (self.l3.val() + self.total.val() <= bit_cast::<18, 16>(self.length.val()));
            self.malformed.next = !self.ipv6.val();
            self.next_header.next = self.header.val().get_bits::<8>(264);
            self.source.next = self.header.val().get_bits::<128>(128);
            self.destination.next = self.header.val().get_bits::<128>(0);
            self.offset.next = self.l3.val() + 40_u64;
            self.datagram_end.next = self.l3.val() + self.total.val();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn l3_decode_is_synthesizable() {
        let mut uut = L3Decode::default();
        uut.connect_all();
        crate::lint::assert_lints_clean(&generate_verilog(&uut), "l3_decode");
    }
}
