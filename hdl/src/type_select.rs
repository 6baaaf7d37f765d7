//! Hash-type selection and tuple masking (combinational), per
//! `rss_model::HashType::select`: the candidate type if enabled, else its address-only
//! type if enabled, else none. A candidate that is not one-hot selects none. Tuple
//! bytes past the selected type's length are cleared so they cannot reach the hash.

use rss_model::HashType;
use rss_model::hash_type::HASH_TYPE_BITS;
use rust_hdl::prelude::*;

use crate::toeplitz_pipe::TUPLE_BITS;

const TYPE_BITS: usize = HASH_TYPE_BITS as usize;

#[derive(LogicBlock)]
pub struct TypeSelect {
    /// Most specific hash type the tuple qualifies for: one-hot, or 0 for none.
    pub candidate: Signal<In, Bits<TYPE_BITS>>,
    /// `HASH_TYPES.ENABLED`.
    pub enabled: Signal<In, Bits<TYPE_BITS>>,
    /// Tuple as received.
    pub tuple: Signal<In, Bits<TUPLE_BITS>>,
    /// Selected hash type, one-hot, or 0 for no hash.
    pub selected: Signal<Out, Bits<TYPE_BITS>>,
    /// `tuple` with the bytes the selected type does not hash cleared.
    pub masked_tuple: Signal<Out, Bits<TUPLE_BITS>>,
    /// Fold source and destination for symmetric hashing (`rss_model::Tuple::symmetric`).
    pub symmetric: Signal<In, Bit>,
    masked: Signal<Local, Bits<TUPLE_BITS>>,
    ipv4_types: Constant<Bits<TYPE_BITS>>,
    ipv6_types: Constant<Bits<TYPE_BITS>>,
    ipv6_ex_types: Constant<Bits<TYPE_BITS>>,
    ipv4_fallback: Constant<Bits<TYPE_BITS>>,
    ipv6_fallback: Constant<Bits<TYPE_BITS>>,
    ipv6_ex_fallback: Constant<Bits<TYPE_BITS>>,
    port_types: Constant<Bits<TYPE_BITS>>,
    mask_ipv4: Constant<Bits<TUPLE_BITS>>,
    mask_ipv4_ports: Constant<Bits<TUPLE_BITS>>,
    mask_ipv6: Constant<Bits<TUPLE_BITS>>,
    mask_ipv6_ports: Constant<Bits<TUPLE_BITS>>,
    one_hot: Signal<Local, Bit>,
}

/// Types of one address family (`HashType::address_only() == family`).
fn family(family: HashType) -> u64 {
    HashType::ALL
        .iter()
        .filter(|t| t.address_only() == family)
        .fold(0, |m, t| m | u64::from(t.mask()))
}

/// Tuple mask keeping the first `bytes` bytes (byte 0 is the MSB).
fn keep_bytes(bytes: usize) -> Constant<Bits<TUPLE_BITS>> {
    let ones = (num_bigint::BigUint::from(1u8) << (8 * bytes)) - 1u8;
    Constant::new((ones << (TUPLE_BITS - 8 * bytes)).into())
}

impl Default for TypeSelect {
    fn default() -> Self {
        let types = |m: u64| Constant::new(m.to_bits());
        let ports = HashType::ALL
            .iter()
            .filter(|t| t.has_ports())
            .fold(0, |m, t| m | u64::from(t.mask()));
        TypeSelect {
            candidate: Default::default(),
            enabled: Default::default(),
            tuple: Default::default(),
            selected: Default::default(),
            masked_tuple: Default::default(),
            symmetric: Default::default(),
            masked: Default::default(),
            ipv4_types: types(family(HashType::Ipv4)),
            ipv6_types: types(family(HashType::Ipv6)),
            ipv6_ex_types: types(family(HashType::Ipv6Ex)),
            ipv4_fallback: types(u64::from(HashType::Ipv4.mask())),
            ipv6_fallback: types(u64::from(HashType::Ipv6.mask())),
            ipv6_ex_fallback: types(u64::from(HashType::Ipv6Ex.mask())),
            port_types: types(ports),
            mask_ipv4: keep_bytes(HashType::Ipv4.input_bytes()),
            mask_ipv4_ports: keep_bytes(HashType::TcpIpv4.input_bytes()),
            mask_ipv6: keep_bytes(HashType::Ipv6.input_bytes()),
            mask_ipv6_ports: keep_bytes(HashType::TcpIpv6.input_bytes()),
            one_hot: Default::default(),
        }
    }
}

impl Logic for TypeSelect {
    #[hdl_gen]
    fn update(&mut self) {
        self.one_hot.next = self.candidate.val().any()
            & !(self.candidate.val() & (self.candidate.val() - 1_u64)).any();
        self.selected.next = 0.into();
        if self.one_hot.val() {
            if (self.candidate.val() & self.enabled.val()).any() {
                self.selected.next = self.candidate.val();
            } else if (self.candidate.val() & self.ipv4_types.val()).any()
                & (self.enabled.val() & self.ipv4_fallback.val()).any()
            {
                self.selected.next = self.ipv4_fallback.val();
            } else if (self.candidate.val() & self.ipv6_types.val()).any()
                & (self.enabled.val() & self.ipv6_fallback.val()).any()
            {
                self.selected.next = self.ipv6_fallback.val();
            } else if (self.candidate.val() & self.ipv6_ex_types.val()).any()
                & (self.enabled.val() & self.ipv6_ex_fallback.val()).any()
            {
                self.selected.next = self.ipv6_ex_fallback.val();
            }
        }
        self.masked.next = 0.into();
        if (self.selected.val() & self.ipv4_types.val()).any() {
            self.masked.next = self.tuple.val() & self.mask_ipv4.val();
            if (self.selected.val() & self.port_types.val()).any() {
                self.masked.next = self.tuple.val() & self.mask_ipv4_ports.val();
            }
        } else if self.selected.val().any() {
            self.masked.next = self.tuple.val() & self.mask_ipv6.val();
            if (self.selected.val() & self.port_types.val()).any() {
                self.masked.next = self.tuple.val() & self.mask_ipv6_ports.val();
            }
        }
        self.masked_tuple.next = self.masked.val();
        // Unhashed ports are zero after the mask, and fold to zero.
        if self.symmetric.val() & (self.selected.val() & self.ipv4_types.val()).any() {
            self.masked_tuple.next = (bit_cast::<TUPLE_BITS, 32>(
                self.masked.val().get_bits::<32>(256) | self.masked.val().get_bits::<32>(224),
            ) << 256_u64)
                | (bit_cast::<TUPLE_BITS, 32>(
                    self.masked.val().get_bits::<32>(256) ^ self.masked.val().get_bits::<32>(224),
                ) << 224_u64)
                | (bit_cast::<TUPLE_BITS, 16>(
                    self.masked.val().get_bits::<16>(208) | self.masked.val().get_bits::<16>(192),
                ) << 208_u64)
                | (bit_cast::<TUPLE_BITS, 16>(
                    self.masked.val().get_bits::<16>(208) ^ self.masked.val().get_bits::<16>(192),
                ) << 192_u64);
        } else if self.symmetric.val() & self.selected.val().any() {
            self.masked_tuple.next = (bit_cast::<TUPLE_BITS, 128>(
                self.masked.val().get_bits::<128>(160) | self.masked.val().get_bits::<128>(32),
            ) << 160_u64)
                | (bit_cast::<TUPLE_BITS, 128>(
                    self.masked.val().get_bits::<128>(160) ^ self.masked.val().get_bits::<128>(32),
                ) << 32_u64)
                | (bit_cast::<TUPLE_BITS, 16>(
                    self.masked.val().get_bits::<16>(16) | self.masked.val().get_bits::<16>(0),
                ) << 16_u64)
                | bit_cast::<TUPLE_BITS, 16>(
                    self.masked.val().get_bits::<16>(16) ^ self.masked.val().get_bits::<16>(0),
                );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_select_is_synthesizable() {
        let mut uut = TypeSelect::default();
        uut.connect_all();
        crate::lint::assert_lints_clean(&generate_verilog(&uut), "type_select");
    }
}
