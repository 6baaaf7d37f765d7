//! Parser last stage (combinational): transport ports, then the NDIS hash-type choice
//! (first enabled wins, `docs/parser-rules.md`) and the tuple for it.

use rss_model::HashType;
use rust_hdl::prelude::*;

use crate::frame_capture::WINDOW_BITS;
use crate::toeplitz_pipe::TUPLE_BITS;

const PADDED_BITS: usize = WINDOW_BITS + 32;

#[derive(LogicBlock)]
pub struct L4Select {
    /// First bytes of the frame, byte 0 in the top bits.
    pub window: Signal<In, Bits<WINDOW_BITS>>,
    /// Bytes readable: min(frame length, window).
    pub available: Signal<In, Bits<18>>,
    /// End of the IP datagram.
    pub datagram_end: Signal<In, Bits<18>>,
    /// Well-formed IPv4 / IPv6 so far.
    pub ipv4: Signal<In, Bit>,
    pub ipv6: Signal<In, Bit>,
    /// Broken headers so far.
    pub malformed: Signal<In, Bit>,
    /// IP fragment.
    pub fragment: Signal<In, Bit>,
    /// Addresses (IPv4 in the top 32 bits) and the IPv6 Ex addresses found.
    pub source: Signal<In, Bits<128>>,
    pub destination: Signal<In, Bits<128>>,
    pub ex_source: Signal<In, Bits<128>>,
    pub has_ex_source: Signal<In, Bit>,
    pub ex_destination: Signal<In, Bits<128>>,
    pub has_ex_destination: Signal<In, Bit>,
    /// Header after IP (and its extension headers) and where it starts.
    pub next_header: Signal<In, Bits<8>>,
    pub offset: Signal<In, Bits<18>>,
    /// `HASH_TYPES.ENABLED`.
    pub enabled: Signal<In, Bits<9>>,
    /// Tuple for the selected type (hash-input order, byte 0 in the top bits).
    pub tuple: Signal<Out, Bits<TUPLE_BITS>>,
    /// Selected hash type, one-hot; 0 for no hash.
    pub hash_type: Signal<Out, Bits<9>>,
    /// Bit 0: malformed frame; bit 1: IP fragment.
    pub flags: Signal<Out, Bits<2>>,
    ipv4_type: Constant<Bits<9>>,
    tcp_ipv4: Constant<Bits<9>>,
    udp_ipv4: Constant<Bits<9>>,
    ipv6_type: Constant<Bits<9>>,
    ipv6_ex: Constant<Bits<9>>,
    tcp_ipv6: Constant<Bits<9>>,
    udp_ipv6: Constant<Bits<9>>,
    tcp_ipv6_ex: Constant<Bits<9>>,
    udp_ipv6_ex: Constant<Bits<9>>,
    bad: Signal<Local, Bit>,
    transport: Signal<Local, Bit>,
    tcp: Signal<Local, Bit>,
    udp: Signal<Local, Bit>,
    padded: Signal<Local, Bits<PADDED_BITS>>,
    ports_index: Signal<Local, Bits<11>>,
    ports: Signal<Local, Bits<32>>,
    use_ex: Signal<Local, Bit>,
    src: Signal<Local, Bits<128>>,
    dst: Signal<Local, Bits<128>>,
}

impl Default for L4Select {
    fn default() -> Self {
        let t = |t: HashType| Constant::new(u64::from(t.mask()).to_bits());
        L4Select {
            window: Default::default(),
            available: Default::default(),
            datagram_end: Default::default(),
            ipv4: Default::default(),
            ipv6: Default::default(),
            malformed: Default::default(),
            fragment: Default::default(),
            source: Default::default(),
            destination: Default::default(),
            ex_source: Default::default(),
            has_ex_source: Default::default(),
            ex_destination: Default::default(),
            has_ex_destination: Default::default(),
            next_header: Default::default(),
            offset: Default::default(),
            enabled: Default::default(),
            tuple: Default::default(),
            hash_type: Default::default(),
            flags: Default::default(),
            ipv4_type: t(HashType::Ipv4),
            tcp_ipv4: t(HashType::TcpIpv4),
            udp_ipv4: t(HashType::UdpIpv4),
            ipv6_type: t(HashType::Ipv6),
            ipv6_ex: t(HashType::Ipv6Ex),
            tcp_ipv6: t(HashType::TcpIpv6),
            udp_ipv6: t(HashType::UdpIpv6),
            tcp_ipv6_ex: t(HashType::TcpIpv6Ex),
            udp_ipv6_ex: t(HashType::UdpIpv6Ex),
            bad: Default::default(),
            transport: Default::default(),
            tcp: Default::default(),
            udp: Default::default(),
            padded: Default::default(),
            ports_index: Default::default(),
            ports: Default::default(),
            use_ex: Default::default(),
            src: Default::default(),
            dst: Default::default(),
        }
    }
}

impl Logic for L4Select {
    #[hdl_gen]
    fn update(&mut self) {
        // A 5th extension header is more than the walk covers.
        self.bad.next = self.malformed.val()
            | (self.ipv6.val()
                & !self.fragment.val()
                & ((self.next_header.val() == 0_u64)
                    | (self.next_header.val() == 43_u64)
                    | (self.next_header.val() == 44_u64)
                    | (self.next_header.val() == 60_u64)));
        self.tcp.next = self.next_header.val() == 6_u64;
        self.udp.next = self.next_header.val() == 17_u64;
        self.transport.next = (self.tcp.val() | self.udp.val()) & !self.fragment.val();
        self.padded.next = bit_cast::<PADDED_BITS, WINDOW_BITS>(self.window.val()) << 32_u64;
        self.ports_index.next = 0.into();
        if self.offset.val() <= 128_u64 {
            self.ports_index.next = 1024_u64 - (bit_cast::<11, 18>(self.offset.val()) << 3_u64);
        }
        self.ports.next = self
            .padded
            .val()
            .get_bits::<32>(self.ports_index.val().index());
        if self.transport.val()
            & ((self.offset.val() + 4_u64 > self.available.val())
                | (self.offset.val() + 4_u64 > self.datagram_end.val()))
        {
            self.bad.next = true;
        }

        self.hash_type.next = 0.into();
        if !self.bad.val() & self.ipv4.val() {
            if self.transport.val()
                & self.tcp.val()
                & (self.enabled.val() & self.tcp_ipv4.val()).any()
            {
                self.hash_type.next = self.tcp_ipv4.val();
            } else if self.transport.val()
                & self.udp.val()
                & (self.enabled.val() & self.udp_ipv4.val()).any()
            {
                self.hash_type.next = self.udp_ipv4.val();
            } else if (self.enabled.val() & self.ipv4_type.val()).any() {
                self.hash_type.next = self.ipv4_type.val();
            }
        }
        if !self.bad.val() & self.ipv6.val() {
            if self.transport.val()
                & self.tcp.val()
                & (self.enabled.val() & self.tcp_ipv6_ex.val()).any()
            {
                self.hash_type.next = self.tcp_ipv6_ex.val();
            } else if self.transport.val()
                & self.udp.val()
                & (self.enabled.val() & self.udp_ipv6_ex.val()).any()
            {
                self.hash_type.next = self.udp_ipv6_ex.val();
            } else if self.transport.val()
                & self.tcp.val()
                & (self.enabled.val() & self.tcp_ipv6.val()).any()
            {
                self.hash_type.next = self.tcp_ipv6.val();
            } else if self.transport.val()
                & self.udp.val()
                & (self.enabled.val() & self.udp_ipv6.val()).any()
            {
                self.hash_type.next = self.udp_ipv6.val();
            } else if (self.enabled.val() & self.ipv6_ex.val()).any() {
                self.hash_type.next = self.ipv6_ex.val();
            } else if (self.enabled.val() & self.ipv6_type.val()).any() {
                self.hash_type.next = self.ipv6_type.val();
            }
        }
        self.use_ex.next = (self.hash_type.val()
            & (self.ipv6_ex.val() | self.tcp_ipv6_ex.val() | self.udp_ipv6_ex.val()))
        .any();
        self.src.next = self.source.val();
        self.dst.next = self.destination.val();
        if self.use_ex.val() & self.has_ex_source.val() {
            self.src.next = self.ex_source.val();
        }
        if self.use_ex.val() & self.has_ex_destination.val() {
            self.dst.next = self.ex_destination.val();
        }
        // Ports sit after the addresses; TypeSelect clears what the type does not hash.
        if self.ipv4.val() {
            self.tuple.next = (bit_cast::<TUPLE_BITS, 32>(self.src.val().get_bits::<32>(96))
                << 256_u64)
                | (bit_cast::<TUPLE_BITS, 32>(self.dst.val().get_bits::<32>(96)) << 224_u64)
                | (bit_cast::<TUPLE_BITS, 32>(self.ports.val()) << 192_u64);
        } else {
            self.tuple.next = (bit_cast::<TUPLE_BITS, 128>(self.src.val()) << 160_u64)
                | (bit_cast::<TUPLE_BITS, 128>(self.dst.val()) << 32_u64)
                | bit_cast::<TUPLE_BITS, 32>(self.ports.val());
        }
        self.flags.next = 0.into();
        if self.bad.val() {
            self.flags.next = 1_u64.into();
        }
        if self.fragment.val() & !self.bad.val() {
            self.flags.next = 2_u64.into();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn l4_select_is_synthesizable() {
        let mut uut = L4Select::default();
        uut.connect_all();
        crate::lint::assert_lints_clean(&generate_verilog(&uut), "l4_select");
    }
}
