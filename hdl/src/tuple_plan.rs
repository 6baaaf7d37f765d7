//! The hash input's plan, ahead of the verdict and for every VPort (combinational): which
//! addresses (plain or Ex), whether the ports, and which family's layout the frame
//! whose verdict comes next clock will hash with, per `rss_model::parse::Headers::select`
//! under each VPort's enabled types.
//!
//! The plan is made from the frame's class as the parser saw it before its checks (IP
//! version, TCP or UDP ports due). A frame that fails a check selects no type, so its
//! hash is never used and its plan need not be right; a frame that passes has exactly
//! this class. The datapath picks the frame's VPort's plan beside its state and
//! registers it, so the job's 256-bit address multiplexer is driven from a flip-flop
//! instead of from the type choice ([`crate::tuple_select::TupleSelect`] still makes
//! the exact choice, for the record's type).

use rss_model::HashType;
use rss_model::hash_type::HASH_TYPE_BITS;
use rust_hdl::prelude::*;

use crate::vport_regs::{ACTIVE_BITS, SLOT_BITS, VPORTS};

const TYPE_BITS: usize = HASH_TYPE_BITS as usize;

/// Bits of one VPort's plan: the Ex addresses (bit 0), the ports (bit 1), the IPv4
/// layout (bit 2), the IPv6 layout (bit 3).
pub const PLAN_BITS: usize = 4;
const _: () = assert!(PLAN_BITS == 4, "`update` shifts by the literal");
/// Every VPort's plan, VPort v in bits `PLAN_BITS * v` up.
pub const PLANS_BITS: usize = VPORTS * PLAN_BITS;

#[derive(LogicBlock)]
pub struct TuplePlan {
    /// Every VPort's active state (`vport_regs::slot` layout): their enabled types.
    pub slots: Signal<In, Bits<ACTIVE_BITS>>,
    /// The next verdict's frame is IPv4, before its checks.
    pub ipv4: Signal<In, Bit>,
    /// It is IPv6, before its checks.
    pub ipv6: Signal<In, Bit>,
    /// It is IPv4 with its TCP ports due (inside the datagram, not a later fragment).
    /// The four port classes are one-hot registers, so each 4-tuple type's candidacy
    /// is one of them, not a decode in front of the enabled types' AND-OR.
    pub tcp_ipv4: Signal<In, Bit>,
    /// IPv4 with its UDP ports due.
    pub udp_ipv4: Signal<In, Bit>,
    /// IPv6 with its TCP ports due.
    pub tcp_ipv6: Signal<In, Bit>,
    /// IPv6 with its UDP ports due.
    pub udp_ipv6: Signal<In, Bit>,
    /// Each VPort's plan for it.
    pub plans: Signal<Out, Bits<PLANS_BITS>>,
    tcp_ipv4_type: Constant<Bits<TYPE_BITS>>,
    udp_ipv4_type: Constant<Bits<TYPE_BITS>>,
    tcp_ipv6_type: Constant<Bits<TYPE_BITS>>,
    udp_ipv6_type: Constant<Bits<TYPE_BITS>>,
    tcp_ipv6_ex_type: Constant<Bits<TYPE_BITS>>,
    udp_ipv6_ex_type: Constant<Bits<TYPE_BITS>>,
    ipv4_only: Constant<Bits<TYPE_BITS>>,
    ipv6_only: Constant<Bits<TYPE_BITS>>,
    ipv6_ex: Constant<Bits<TYPE_BITS>>,
    slot_width: Constant<Bits<16>>,
    four_tuple: Signal<Local, Bits<TYPE_BITS>>,
    four_tuple_ex: Signal<Local, Bits<TYPE_BITS>>,
    rest: Signal<Local, Bits<ACTIVE_BITS>>,
    enabled: Signal<Local, Bits<TYPE_BITS>>,
    takes_four_tuple_ex: Signal<Local, Bit>,
    takes_four_tuple: Signal<Local, Bit>,
    takes_ipv4: Signal<Local, Bit>,
    takes_ipv6_ex: Signal<Local, Bit>,
    takes_ipv6: Signal<Local, Bit>,
    vport_plan: Signal<Local, Bits<PLAN_BITS>>,
}

impl Default for TuplePlan {
    fn default() -> Self {
        let mask = |t: HashType| Constant::new(u64::from(t.mask()).to_bits());
        TuplePlan {
            slots: Default::default(),
            ipv4: Default::default(),
            ipv6: Default::default(),
            tcp_ipv4: Default::default(),
            udp_ipv4: Default::default(),
            tcp_ipv6: Default::default(),
            udp_ipv6: Default::default(),
            plans: Default::default(),
            tcp_ipv4_type: mask(HashType::TcpIpv4),
            udp_ipv4_type: mask(HashType::UdpIpv4),
            tcp_ipv6_type: mask(HashType::TcpIpv6),
            udp_ipv6_type: mask(HashType::UdpIpv6),
            tcp_ipv6_ex_type: mask(HashType::TcpIpv6Ex),
            udp_ipv6_ex_type: mask(HashType::UdpIpv6Ex),
            ipv4_only: mask(HashType::Ipv4),
            ipv6_only: mask(HashType::Ipv6),
            ipv6_ex: mask(HashType::Ipv6Ex),
            slot_width: Constant::new(SLOT_BITS.to_bits()),
            four_tuple: Default::default(),
            four_tuple_ex: Default::default(),
            rest: Default::default(),
            enabled: Default::default(),
            takes_four_tuple_ex: Default::default(),
            takes_four_tuple: Default::default(),
            takes_ipv4: Default::default(),
            takes_ipv6_ex: Default::default(),
            takes_ipv6: Default::default(),
            vport_plan: Default::default(),
        }
    }
}

impl Logic for TuplePlan {
    #[hdl_gen]
    fn update(&mut self) {
        // The frame's 4-tuple candidates, one-hot (0 without ports).
        self.four_tuple.next = 0.into();
        self.four_tuple_ex.next = 0.into();
        if self.tcp_ipv4.val() {
            self.four_tuple.next = self.four_tuple.val() | self.tcp_ipv4_type.val();
        }
        if self.udp_ipv4.val() {
            self.four_tuple.next = self.four_tuple.val() | self.udp_ipv4_type.val();
        }
        if self.tcp_ipv6.val() {
            self.four_tuple.next = self.four_tuple.val() | self.tcp_ipv6_type.val();
            self.four_tuple_ex.next = self.four_tuple_ex.val() | self.tcp_ipv6_ex_type.val();
        }
        if self.udp_ipv6.val() {
            self.four_tuple.next = self.four_tuple.val() | self.udp_ipv6_type.val();
            self.four_tuple_ex.next = self.four_tuple_ex.val() | self.udp_ipv6_ex_type.val();
        }
        self.plans.next = 0.into();
        self.rest.next = self.slots.val();
        for v in 0..VPORTS {
            // `slot::TYPES` = 8.
            self.enabled.next = self.rest.val().get_bits::<TYPE_BITS>(8);
            self.takes_four_tuple_ex.next = (self.four_tuple_ex.val() & self.enabled.val()).any();
            self.takes_four_tuple.next = (self.four_tuple.val() & self.enabled.val()).any();
            self.takes_ipv4.next = (self.ipv4_only.val() & self.enabled.val()).any();
            self.takes_ipv6_ex.next = (self.ipv6_ex.val() & self.enabled.val()).any();
            self.takes_ipv6.next = (self.ipv6_only.val() & self.enabled.val()).any();
            // An Ex type: its own 4-tuple, or IPV6_EX when no 4-tuple type is taken.
            self.vport_plan.next = 0.into();
            if self.ipv6.val()
                & (self.takes_four_tuple_ex.val()
                    | (!self.takes_four_tuple.val() & self.takes_ipv6_ex.val()))
            {
                self.vport_plan.next = self.vport_plan.val() | 1_u64.to_bits();
            }
            if self.takes_four_tuple.val() | self.takes_four_tuple_ex.val() {
                self.vport_plan.next = self.vport_plan.val() | 2_u64.to_bits();
            }
            if self.ipv4.val() & (self.takes_four_tuple.val() | self.takes_ipv4.val()) {
                self.vport_plan.next = self.vport_plan.val() | 4_u64.to_bits();
            }
            if self.ipv6.val()
                & (self.takes_four_tuple_ex.val()
                    | self.takes_four_tuple.val()
                    | self.takes_ipv6_ex.val()
                    | self.takes_ipv6.val())
            {
                self.vport_plan.next = self.vport_plan.val() | 8_u64.to_bits();
            }
            // `PLAN_BITS` = 4 (hdl_gen emits a path as a signal name).
            self.plans.next = self.plans.val()
                | (bit_cast::<PLANS_BITS, PLAN_BITS>(self.vport_plan.val())
                    << (4 * v).to_bits::<8>());
            self.rest.next = self.rest.val() >> self.slot_width.val();
        }
    }
}

#[cfg(test)]
mod tests {
    use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

    use rand::rngs::StdRng;
    use rand::{Rng, SeedableRng};
    use rss_model::HashTypes;
    use rss_model::parse::{Headers, IpVersion, Ports};
    use rss_model::tuple::Transport;

    use super::*;

    /// A plan as the model's choice implies it: the type `Headers::selected` picks for
    /// a frame of this class under `enabled`, and what that type hashes.
    fn model_plan(version: IpVersion, transport: Option<Transport>, enabled: u16) -> u64 {
        let (src, dst) = match version {
            IpVersion::V4 => (
                IpAddr::V4(Ipv4Addr::LOCALHOST),
                IpAddr::V4(Ipv4Addr::LOCALHOST),
            ),
            IpVersion::V6 => (
                IpAddr::V6(Ipv6Addr::LOCALHOST),
                IpAddr::V6(Ipv6Addr::LOCALHOST),
            ),
        };
        let headers = Headers {
            version,
            l3: 14,
            src,
            dst,
            ex_src: None,
            ex_dst: None,
            protocol: 0,
            fragment: false,
            ext_headers: 0,
            l4: 0,
            ports: transport.map(|transport| Ports {
                src: 1,
                dst: 2,
                transport,
            }),
        };
        headers.selected(HashTypes(enabled)).map_or(0, |t| {
            u64::from(t.address_only() == HashType::Ipv6Ex)
                | u64::from(t.has_ports()) << 1
                | u64::from(t.is_ipv4()) << 2
                | u64::from(!t.is_ipv4()) << 3
        })
    }

    /// Random classes and every VPort's random enabled set: each VPort's plan is what
    /// the model's choice hashes (no plan for a frame that is neither family).
    #[test]
    fn each_vports_plan_follows_the_models_choice() {
        let mut rng = StdRng::seed_from_u64(0x91a2_7e00);
        let cases: Vec<(u8, Option<Transport>, Vec<u16>)> = (0..2000)
            .map(|_| {
                let family = rng.random_range(0..3u8);
                let transport =
                    [None, Some(Transport::Tcp), Some(Transport::Udp)][rng.random_range(0..3)];
                let enabled = (0..VPORTS)
                    .map(|_| match rng.random_range(0..6) {
                        0 => 0x1ff,
                        1 => 0,
                        _ => rng.random_range(0..0x200),
                    })
                    .collect();
                (family, transport, enabled)
            })
            .collect();
        let mut uut = TuplePlan::default();
        uut.connect_all();
        let mut sim = Simulation::new();
        sim.add_testbench(move |mut ep: Sim<TuplePlan>| {
            let mut x = ep.init()?;
            for (family, transport, enabled) in &cases {
                let mut slots = num_bigint::BigUint::from(0u32);
                for (v, &e) in enabled.iter().enumerate() {
                    // Other slot fields set, to show only the types are read.
                    let slot = (u64::from(e) << 8) | 0xffff_0000_00f7;
                    slots |= num_bigint::BigUint::from(slot) << (SLOT_BITS * v);
                }
                x.slots.next = slots.into();
                let (tcp, udp) = (
                    *transport == Some(Transport::Tcp),
                    *transport == Some(Transport::Udp),
                );
                x.ipv4.next = *family == 1;
                x.ipv6.next = *family == 2;
                x.tcp_ipv4.next = *family == 1 && tcp;
                x.udp_ipv4.next = *family == 1 && udp;
                x.tcp_ipv6.next = *family == 2 && tcp;
                x.udp_ipv6.next = *family == 2 && udp;
                x = ep.wait(1, x)?;
                for (v, &e) in enabled.iter().enumerate() {
                    let want = match family {
                        1 => model_plan(IpVersion::V4, *transport, e),
                        2 => model_plan(IpVersion::V6, *transport, e),
                        _ => 0,
                    };
                    let got = (x.plans.val() >> (PLAN_BITS * v) as u64).index() as u64 & 0xf;
                    sim_assert_eq!(ep, got, want, x);
                }
            }
            ep.done(x)
        });
        sim.run(Box::new(uut), 1_000_000).unwrap();
    }

    #[test]
    fn tuple_plan_is_synthesizable() {
        let mut uut = TuplePlan::default();
        uut.connect_all();
        crate::lint::assert_lints_clean(&generate_verilog(&uut), "tuple_plan");
    }
}
