//! Hash-type selection (combinational), per `rss_model::parse::Headers::select`: the
//! first enabled type of the frame's preference list (4-tuple before address-only, Ex
//! before plain), and the hash input's parts the frame's plan
//! ([`crate::tuple_plan::TuplePlan`], registered a clock ahead) names: the addresses
//! (an Ex type's Home Address and routing address where found), the ports (zero for
//! an address-only type) and which family's layout
//! ([`crate::tuple_layout::TupleLayout`] folds and lays them out).
//!
//! The plan is the same choice made a clock earlier, so the 256 address bits'
//! multiplexer is driven from a register; the exact type, which the record carries,
//! is still chosen here from the checked candidates. The datapath registers these
//! parts in its job register and lays the tuple out behind it.

use rss_model::HashType;
use rss_model::hash_type::HASH_TYPE_BITS;
use rust_hdl::prelude::*;

use crate::tuple_plan::PLAN_BITS;

const TYPE_BITS: usize = HASH_TYPE_BITS as usize;

#[derive(LogicBlock)]
pub struct TupleSelect {
    /// `HASH_TYPES.ENABLED` of the frame's VPort.
    pub enabled: Signal<In, Bits<TYPE_BITS>>,
    /// Well-formed IPv4.
    pub ipv4: Signal<In, Bit>,
    /// Well-formed IPv6.
    pub ipv6: Signal<In, Bit>,
    /// The frame's 4-tuple type (TCP or UDP over its family), one-hot, 0 without
    /// ports: decided a clock ahead ([`crate::field_capture::FieldCapture`]), so the
    /// choice here starts two LUT levels closer to its registers.
    pub four_tuple: Signal<In, Bits<TYPE_BITS>>,
    /// IPv6: the Ex variant of `four_tuple`.
    pub four_tuple_ex: Signal<In, Bits<TYPE_BITS>>,
    /// Source address (IPv4 in the top 32 bits).
    pub src: Signal<In, Bits<128>>,
    /// Destination address (IPv4 in the top 32 bits).
    pub dst: Signal<In, Bits<128>>,
    /// IPv6 Home Address (read where `take_home`).
    pub home: Signal<In, Bits<128>>,
    /// IPv6 type 2 routing address (read where `take_route`).
    pub route: Signal<In, Bits<128>>,
    /// The source is the Home Address: the plan's Ex addresses (bit 0) and the Home
    /// Address found, ANDed a clock ahead and registered by the datapath, so the 128
    /// multiplexers' select is a flip-flop, not a LUT fanning out to them.
    pub take_home: Signal<In, Bit>,
    /// The destination is the routing address, likewise.
    pub take_route: Signal<In, Bit>,
    /// Source and destination port.
    pub ports: Signal<In, Bits<32>>,
    /// The frame's VPort's plan for it (`TuplePlan`'s layout), from a register. Its Ex
    /// bit (0) comes in through `take_home` and `take_route`.
    pub plan: Signal<In, Bits<PLAN_BITS>>,
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
    ipv6_only: Constant<Bits<TYPE_BITS>>,
    ipv6_ex: Constant<Bits<TYPE_BITS>>,
    takes_four_tuple_ex: Signal<Local, Bit>,
    takes_four_tuple: Signal<Local, Bit>,
    takes_ipv4: Signal<Local, Bit>,
    takes_ipv6_ex: Signal<Local, Bit>,
    takes_ipv6: Signal<Local, Bit>,
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
        TupleSelect {
            enabled: Default::default(),
            ipv4: Default::default(),
            ipv6: Default::default(),
            four_tuple: Default::default(),
            four_tuple_ex: Default::default(),
            src: Default::default(),
            dst: Default::default(),
            home: Default::default(),
            route: Default::default(),
            take_home: Default::default(),
            take_route: Default::default(),
            ports: Default::default(),
            plan: Default::default(),
            selected: Default::default(),
            source: Default::default(),
            destination: Default::default(),
            port_pair: Default::default(),
            layout_ipv4: Default::default(),
            layout_ipv6: Default::default(),
            ipv4_only: mask(&[HashType::Ipv4]),
            ipv6_only: mask(&[HashType::Ipv6]),
            ipv6_ex: mask(&[HashType::Ipv6Ex]),
            takes_four_tuple_ex: Default::default(),
            takes_four_tuple: Default::default(),
            takes_ipv4: Default::default(),
            takes_ipv6_ex: Default::default(),
            takes_ipv6: Default::default(),
        }
    }
}

impl Logic for TupleSelect {
    #[hdl_gen]
    fn update(&mut self) {
        // Which of the frame's candidates its VPort enables: the candidates are one-hot,
        // so each is one AND-OR, and every choice below is a flat function of these
        // few bits, not a priority chain through the 9-bit masks.
        self.takes_four_tuple_ex.next = (self.four_tuple_ex.val() & self.enabled.val()).any();
        self.takes_four_tuple.next = (self.four_tuple.val() & self.enabled.val()).any();
        self.takes_ipv4.next = (self.ipv4_only.val() & self.enabled.val()).any();
        self.takes_ipv6_ex.next = (self.ipv6_ex.val() & self.enabled.val()).any();
        self.takes_ipv6.next = (self.ipv6_only.val() & self.enabled.val()).any();
        self.selected.next = 0.into();
        if self.ipv4.val() {
            if self.takes_four_tuple.val() {
                self.selected.next = self.four_tuple.val();
            } else if self.takes_ipv4.val() {
                self.selected.next = self.ipv4_only.val();
            }
        }
        if self.ipv6.val() {
            if self.takes_four_tuple_ex.val() {
                self.selected.next = self.four_tuple_ex.val();
            } else if self.takes_four_tuple.val() {
                self.selected.next = self.four_tuple.val();
            } else if self.takes_ipv6_ex.val() {
                self.selected.next = self.ipv6_ex.val();
            } else if self.takes_ipv6.val() {
                self.selected.next = self.ipv6_only.val();
            }
        }
        self.source.next = self.src.val();
        if self.take_home.val() {
            self.source.next = self.home.val();
        }
        self.destination.next = self.dst.val();
        if self.take_route.val() {
            self.destination.next = self.route.val();
        }
        self.port_pair.next = 0.into();
        if self.plan.val().get_bit(1) {
            self.port_pair.next = self.ports.val();
        }
        self.layout_ipv4.next = self.plan.val().get_bit(2);
        self.layout_ipv6.next = self.plan.val().get_bit(3);
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
