//! Hash-input layout (combinational): the selected type's parts
//! ([`crate::tuple_select::TupleSelect`]) folded for symmetric hashing
//! (`rss_model::Tuple::symmetric`) and left-aligned in the 288-bit tuple, per
//! `rss_model::parse::Headers::tuple_for`: source, destination, ports, zero past them;
//! all zero when no type is selected.
//!
//! Each tuple bit takes one of two folded address or port bits (the IPv4 or the IPv6
//! place), so the layout is two LUT levels behind the registers that feed it.

use rust_hdl::prelude::*;

use crate::toeplitz_pipe::TUPLE_BITS;

#[derive(LogicBlock, Default)]
pub struct TupleLayout {
    /// Source address (IPv4 in the top 32 bits).
    pub source: Signal<In, Bits<128>>,
    /// Destination address (IPv4 in the top 32 bits).
    pub destination: Signal<In, Bits<128>>,
    /// Source and destination port (zero when the type has none).
    pub port_pair: Signal<In, Bits<32>>,
    /// Fold source and destination (`CTRL.SYMMETRIC` of the frame's VPort).
    pub symmetric: Signal<In, Bit>,
    /// IPv4 layout.
    pub ipv4: Signal<In, Bit>,
    /// IPv6 layout (a 288-bit input given as is: `source`, `destination`, `port_pair`
    /// are its three parts).
    pub ipv6: Signal<In, Bit>,
    /// The hash input, byte 0 in bits 287:280.
    pub tuple: Signal<Out, Bits<TUPLE_BITS>>,
    folded_source: Signal<Local, Bits<128>>,
    folded_destination: Signal<Local, Bits<128>>,
    folded_ports: Signal<Local, Bits<32>>,
}

impl Logic for TupleLayout {
    #[hdl_gen]
    fn update(&mut self) {
        self.folded_source.next = self.source.val();
        self.folded_destination.next = self.destination.val();
        self.folded_ports.next = self.port_pair.val();
        if self.symmetric.val() {
            self.folded_source.next = self.source.val() | self.destination.val();
            self.folded_destination.next = self.source.val() ^ self.destination.val();
            self.folded_ports.next = (bit_cast::<32, 16>(
                self.port_pair.val().get_bits::<16>(16) | self.port_pair.val().get_bits::<16>(0),
            ) << 16_u64)
                | bit_cast::<32, 16>(
                    self.port_pair.val().get_bits::<16>(16)
                        ^ self.port_pair.val().get_bits::<16>(0),
                );
        }
        self.tuple.next = 0.into();
        if self.ipv4.val() {
            self.tuple.next =
                (bit_cast::<TUPLE_BITS, 32>(self.folded_source.val().get_bits::<32>(96))
                    << 256_u64)
                    | (bit_cast::<TUPLE_BITS, 32>(
                        self.folded_destination.val().get_bits::<32>(96),
                    ) << 224_u64)
                    | (bit_cast::<TUPLE_BITS, 32>(self.folded_ports.val()) << 192_u64);
        }
        if self.ipv6.val() {
            self.tuple.next = (bit_cast::<TUPLE_BITS, 128>(self.folded_source.val()) << 160_u64)
                | (bit_cast::<TUPLE_BITS, 128>(self.folded_destination.val()) << 32_u64)
                | bit_cast::<TUPLE_BITS, 32>(self.folded_ports.val());
        }
    }
}

#[cfg(test)]
mod tests {
    use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

    use num_bigint::BigUint;
    use rand::rngs::StdRng;
    use rand::{Rng, SeedableRng};
    use rss_model::parse::{Headers, IpVersion, Ports};
    use rss_model::tuple::Transport;
    use rss_model::{HashType, HashTypes};

    use super::*;
    use crate::tuple_plan::{PLAN_BITS, TuplePlan};
    use crate::tuple_select::TupleSelect;
    use crate::vport_regs::ACTIVE_BITS;

    /// The plan, the type choice and the layout as the datapath chains them (without
    /// the registers between them), the frame at VPort 0.
    #[derive(LogicBlock, Default)]
    struct SelectThenLayout {
        enabled: Signal<In, Bits<9>>,
        ipv4: Signal<In, Bit>,
        ipv6: Signal<In, Bit>,
        four_tuple: Signal<In, Bits<9>>,
        four_tuple_ex: Signal<In, Bits<9>>,
        src: Signal<In, Bits<128>>,
        dst: Signal<In, Bits<128>>,
        home: Signal<In, Bits<128>>,
        route: Signal<In, Bits<128>>,
        home_found: Signal<In, Bit>,
        route_found: Signal<In, Bit>,
        ports: Signal<In, Bits<32>>,
        symmetric: Signal<In, Bit>,
        tcp: Signal<In, Bit>,
        udp: Signal<In, Bit>,
        plan: TuplePlan,
        select: TupleSelect,
        layout: TupleLayout,
    }

    impl Logic for SelectThenLayout {
        #[hdl_gen]
        fn update(&mut self) {
            // `slot::TYPES` = 8.
            self.plan.slots.next = bit_cast::<ACTIVE_BITS, 9>(self.enabled.val()) << 8_u64;
            self.plan.ipv4.next = self.ipv4.val();
            self.plan.ipv6.next = self.ipv6.val();
            self.plan.tcp_ipv4.next = self.ipv4.val() & self.tcp.val();
            self.plan.udp_ipv4.next = self.ipv4.val() & self.udp.val();
            self.plan.tcp_ipv6.next = self.ipv6.val() & self.tcp.val();
            self.plan.udp_ipv6.next = self.ipv6.val() & self.udp.val();
            self.select.plan.next = self.plan.plans.val().get_bits::<PLAN_BITS>(0);
            self.select.enabled.next = self.enabled.val();
            self.select.ipv4.next = self.ipv4.val();
            self.select.ipv6.next = self.ipv6.val();
            self.select.four_tuple.next = self.four_tuple.val();
            self.select.four_tuple_ex.next = self.four_tuple_ex.val();
            self.select.src.next = self.src.val();
            self.select.dst.next = self.dst.val();
            self.select.home.next = self.home.val();
            self.select.route.next = self.route.val();
            self.select.take_home.next = self.plan.plans.val().get_bit(0) & self.home_found.val();
            self.select.take_route.next = self.plan.plans.val().get_bit(0) & self.route_found.val();
            self.select.ports.next = self.ports.val();
            self.layout.source.next = self.select.source.val();
            self.layout.destination.next = self.select.destination.val();
            self.layout.port_pair.next = self.select.port_pair.val();
            self.layout.ipv4.next = self.select.layout_ipv4.val();
            self.layout.ipv6.next = self.select.layout_ipv6.val();
            self.layout.symmetric.next = self.symmetric.val();
        }
    }

    fn random_headers(rng: &mut StdRng) -> Headers {
        let v6 = rng.random_bool(0.5);
        let (src, dst, ex_src, ex_dst) = if v6 {
            let mut addr = || Ipv6Addr::from(rng.random::<u128>());
            let (s, d, hao, route) = (addr(), addr(), addr(), addr());
            let found = rng.random_range(0..4);
            let hao = (found & 1 != 0).then_some(hao);
            let route = (found & 2 != 0).then_some(route);
            (IpAddr::V6(s), IpAddr::V6(d), hao, route)
        } else {
            let s = Ipv4Addr::from(rng.random::<u32>());
            let d = Ipv4Addr::from(rng.random::<u32>());
            (IpAddr::V4(s), IpAddr::V4(d), None, None)
        };
        let ports = match rng.random_range(0..3) {
            0 => None,
            n => Some(Ports {
                src: rng.random(),
                dst: rng.random(),
                transport: if n == 1 {
                    Transport::Tcp
                } else {
                    Transport::Udp
                },
            }),
        };
        Headers {
            version: if v6 { IpVersion::V6 } else { IpVersion::V4 },
            l3: 14,
            src,
            dst,
            ex_src,
            ex_dst,
            protocol: 0,
            fragment: false,
            ext_headers: 0,
            l4: 0,
            ports,
        }
    }

    /// An address as the capture gives it: IPv4 in the top 32 bits.
    fn address(a: IpAddr) -> Bits<128> {
        let value: u128 = match a {
            IpAddr::V4(v4) => u128::from(u32::from(v4)) << 96,
            IpAddr::V6(v6) => u128::from(v6),
        };
        BigUint::from(value).into()
    }

    /// Random frames' headers, hash types and symmetric switch: the selected type and
    /// the hash input match the model's (`Headers::select`, `Tuple::symmetric`).
    #[test]
    fn selection_and_layout_match_the_model() {
        let mut rng = StdRng::seed_from_u64(0x7e5e_11a7);
        let cases: Vec<(Headers, u16, bool, u128)> = (0..3000)
            .map(|_| {
                let h = random_headers(&mut rng);
                // Every subset, with the all-enabled and nothing-enabled ends weighted.
                let enabled = match rng.random_range(0..8) {
                    0 => 0x1ff,
                    1 => 0,
                    _ => rng.random_range(0..0x200),
                };
                (h, enabled, rng.random_bool(0.5), rng.random())
            })
            .collect();
        let mut uut = SelectThenLayout::default();
        uut.connect_all();
        let mut sim = Simulation::new();
        sim.add_testbench(move |mut ep: Sim<SelectThenLayout>| {
            let mut x = ep.init()?;
            for (h, enabled, symmetric, unfound) in &cases {
                let enabled_types = HashTypes(*enabled);
                let mut want = h.select(enabled_types);
                let selected = h.selected(enabled_types);
                if let (Some(t), true) = (selected, *symmetric) {
                    want = want.symmetric(t);
                }
                let ports = h
                    .ports
                    .map_or(0u64, |p| u64::from(p.src) << 16 | u64::from(p.dst));
                x.enabled.next = u64::from(*enabled).to_bits();
                x.ipv4.next = h.version == IpVersion::V4;
                x.ipv6.next = h.version == IpVersion::V6;
                // The capture's 4-tuple candidates: the family's TCP or UDP type.
                let transport = h.ports.map(|p| p.transport);
                x.tcp.next = transport == Some(Transport::Tcp);
                x.udp.next = transport == Some(Transport::Udp);
                let (four_tuple, four_tuple_ex) = match (h.version, transport) {
                    (IpVersion::V4, Some(Transport::Tcp)) => (Some(HashType::TcpIpv4), None),
                    (IpVersion::V4, Some(Transport::Udp)) => (Some(HashType::UdpIpv4), None),
                    (IpVersion::V6, Some(Transport::Tcp)) => {
                        (Some(HashType::TcpIpv6), Some(HashType::TcpIpv6Ex))
                    }
                    (IpVersion::V6, Some(Transport::Udp)) => {
                        (Some(HashType::UdpIpv6), Some(HashType::UdpIpv6Ex))
                    }
                    _ => (None, None),
                };
                let one_hot = |t: Option<HashType>| t.map_or(0u64, |t| u64::from(t.mask()));
                x.four_tuple.next = one_hot(four_tuple).to_bits();
                x.four_tuple_ex.next = one_hot(four_tuple_ex).to_bits();
                x.src.next = address(h.src);
                x.dst.next = address(h.dst);
                // (Where not found, the address words hold anything: random here.)
                let home = h.ex_src.unwrap_or(Ipv6Addr::from(*unfound));
                let route = h.ex_dst.unwrap_or(Ipv6Addr::from(unfound.rotate_left(64)));
                x.home.next = address(IpAddr::V6(home));
                x.route.next = address(IpAddr::V6(route));
                x.home_found.next = h.ex_src.is_some();
                x.route_found.next = h.ex_dst.is_some();
                x.ports.next = ports.to_bits();
                x.symmetric.next = *symmetric;
                x = ep.wait(1, x)?;
                let mask = selected.map_or(0, |t| u64::from(t.mask()));
                sim_assert_eq!(ep, x.select.selected.val(), mask, x);
                let tuple: Bits<TUPLE_BITS> = BigUint::from_bytes_be(&want.bytes).into();
                sim_assert_eq!(ep, x.layout.tuple.val(), tuple, x);
            }
            ep.done(x)
        });
        sim.run(Box::new(uut), 100_000).unwrap();
    }

    #[test]
    fn tuple_layout_is_synthesizable() {
        let mut uut = TupleLayout::default();
        uut.connect_all();
        crate::lint::assert_lints_clean(&generate_verilog(&uut), "tuple_layout");
    }
}
