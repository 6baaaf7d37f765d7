//! Hash-type selection (combinational), per `rss_model::parse::Headers::select`: the
//! first enabled type of the frame's preference list (4-tuple before address-only, Ex
//! before plain), and the hash input's parts that type takes: the addresses (the Ex
//! ones for an Ex type), the ports (zero for an address-only type) and which family's
//! layout ([`crate::tuple_layout::TupleLayout`] folds and lays them out).
//!
//! The datapath registers these parts in its job register and lays the tuple out
//! behind it, so the type choice, which starts at the frame's VPort state, and the
//! 288-bit layout never share a clock.

use rss_model::HashType;
use rss_model::hash_type::HASH_TYPE_BITS;
use rust_hdl::prelude::*;

const TYPE_BITS: usize = HASH_TYPE_BITS as usize;

#[derive(LogicBlock)]
pub struct TupleSelect {
    /// `HASH_TYPES.ENABLED` of the frame's VPort.
    pub enabled: Signal<In, Bits<TYPE_BITS>>,
    /// Well-formed IPv4.
    pub ipv4: Signal<In, Bit>,
    /// Well-formed IPv6.
    pub ipv6: Signal<In, Bit>,
    /// TCP ports present.
    pub tcp: Signal<In, Bit>,
    /// UDP ports present.
    pub udp: Signal<In, Bit>,
    /// Source address (IPv4 in the top 32 bits).
    pub src: Signal<In, Bits<128>>,
    /// Destination address (IPv4 in the top 32 bits).
    pub dst: Signal<In, Bits<128>>,
    /// IPv6 Ex source (the Home Address if found, else `src`).
    pub ex_src: Signal<In, Bits<128>>,
    /// IPv6 Ex destination (the type 2 routing address if found, else `dst`).
    pub ex_dst: Signal<In, Bits<128>>,
    /// Source and destination port.
    pub ports: Signal<In, Bits<32>>,
    /// The selected type, one-hot; 0 = no hash.
    pub selected: Signal<Out, Bits<TYPE_BITS>>,
    /// The selected type's source address.
    pub source: Signal<Out, Bits<128>>,
    /// Its destination address.
    pub destination: Signal<Out, Bits<128>>,
    /// Its ports, zero for an address-only type.
    pub port_pair: Signal<Out, Bits<32>>,
    /// An IPv4 type is selected: the IPv4 layout.
    pub layout_ipv4: Signal<Out, Bit>,
    /// An IPv6 type is selected: the IPv6 layout.
    pub layout_ipv6: Signal<Out, Bit>,
    ipv4_only: Constant<Bits<TYPE_BITS>>,
    tcp_ipv4: Constant<Bits<TYPE_BITS>>,
    udp_ipv4: Constant<Bits<TYPE_BITS>>,
    ipv6_only: Constant<Bits<TYPE_BITS>>,
    ipv6_ex: Constant<Bits<TYPE_BITS>>,
    tcp_ipv6: Constant<Bits<TYPE_BITS>>,
    tcp_ipv6_ex: Constant<Bits<TYPE_BITS>>,
    udp_ipv6: Constant<Bits<TYPE_BITS>>,
    udp_ipv6_ex: Constant<Bits<TYPE_BITS>>,
    with_ports: Constant<Bits<TYPE_BITS>>,
    ex_types: Constant<Bits<TYPE_BITS>>,
    four_tuple: Signal<Local, Bits<TYPE_BITS>>,
    four_tuple_ex: Signal<Local, Bits<TYPE_BITS>>,
}

impl Default for TupleSelect {
    fn default() -> Self {
        let mask = |types: &[HashType]| {
            Constant::new(
                types
                    .iter()
                    .fold(0u64, |m, t| m | u64::from(t.mask()))
                    .to_bits(),
            )
        };
        let with_ports: Vec<HashType> = HashType::ALL
            .into_iter()
            .filter(|t| t.has_ports())
            .collect();
        TupleSelect {
            enabled: Default::default(),
            ipv4: Default::default(),
            ipv6: Default::default(),
            tcp: Default::default(),
            udp: Default::default(),
            src: Default::default(),
            dst: Default::default(),
            ex_src: Default::default(),
            ex_dst: Default::default(),
            ports: Default::default(),
            selected: Default::default(),
            source: Default::default(),
            destination: Default::default(),
            port_pair: Default::default(),
            layout_ipv4: Default::default(),
            layout_ipv6: Default::default(),
            ipv4_only: mask(&[HashType::Ipv4]),
            tcp_ipv4: mask(&[HashType::TcpIpv4]),
            udp_ipv4: mask(&[HashType::UdpIpv4]),
            ipv6_only: mask(&[HashType::Ipv6]),
            ipv6_ex: mask(&[HashType::Ipv6Ex]),
            tcp_ipv6: mask(&[HashType::TcpIpv6]),
            tcp_ipv6_ex: mask(&[HashType::TcpIpv6Ex]),
            udp_ipv6: mask(&[HashType::UdpIpv6]),
            udp_ipv6_ex: mask(&[HashType::UdpIpv6Ex]),
            with_ports: mask(&with_ports),
            ex_types: mask(&[HashType::Ipv6Ex, HashType::TcpIpv6Ex, HashType::UdpIpv6Ex]),
            four_tuple: Default::default(),
            four_tuple_ex: Default::default(),
        }
    }
}

impl Logic for TupleSelect {
    #[hdl_gen]
    fn update(&mut self) {
        self.selected.next = 0.into();
        self.four_tuple.next = 0.into();
        self.four_tuple_ex.next = 0.into();
        if self.ipv4.val() {
            if self.tcp.val() {
                self.four_tuple.next = self.tcp_ipv4.val();
            }
            if self.udp.val() {
                self.four_tuple.next = self.udp_ipv4.val();
            }
            if (self.four_tuple.val() & self.enabled.val()).any() {
                self.selected.next = self.four_tuple.val();
            } else if (self.ipv4_only.val() & self.enabled.val()).any() {
                self.selected.next = self.ipv4_only.val();
            }
        }
        if self.ipv6.val() {
            if self.tcp.val() {
                self.four_tuple.next = self.tcp_ipv6.val();
                self.four_tuple_ex.next = self.tcp_ipv6_ex.val();
            }
            if self.udp.val() {
                self.four_tuple.next = self.udp_ipv6.val();
                self.four_tuple_ex.next = self.udp_ipv6_ex.val();
            }
            if (self.four_tuple_ex.val() & self.enabled.val()).any() {
                self.selected.next = self.four_tuple_ex.val();
            } else if (self.four_tuple.val() & self.enabled.val()).any() {
                self.selected.next = self.four_tuple.val();
            } else if (self.ipv6_ex.val() & self.enabled.val()).any() {
                self.selected.next = self.ipv6_ex.val();
            } else if (self.ipv6_only.val() & self.enabled.val()).any() {
                self.selected.next = self.ipv6_only.val();
            }
        }

        self.source.next = self.src.val();
        self.destination.next = self.dst.val();
        if (self.selected.val() & self.ex_types.val()).any() {
            self.source.next = self.ex_src.val();
            self.destination.next = self.ex_dst.val();
        }
        self.port_pair.next = 0.into();
        if (self.selected.val() & self.with_ports.val()).any() {
            self.port_pair.next = self.ports.val();
        }
        self.layout_ipv4.next = self.ipv4.val() & self.selected.val().any();
        self.layout_ipv6.next = self.ipv6.val() & self.selected.val().any();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tuple_select_is_synthesizable() {
        let mut uut = TupleSelect::default();
        uut.connect_all();
        crate::lint::assert_lints_clean(&generate_verilog(&uut), "tuple_select");
    }
}
