//! NDIS RSS hash types and the rule that picks the one a packet is hashed with.
//!
//! Register and record bit `n` is NDIS hash-info flag `1 << (n + 8)`
//! (`NDIS_HASH_IPV4` = 0x100 → bit 0), so a driver converts with one shift.

/// One NDIS hash type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[repr(u8)]
pub enum HashType {
    Ipv4 = 0,
    TcpIpv4 = 1,
    Ipv6 = 2,
    Ipv6Ex = 3,
    TcpIpv6 = 4,
    TcpIpv6Ex = 5,
    UdpIpv4 = 6,
    UdpIpv6 = 7,
    UdpIpv6Ex = 8,
}

/// Number of hash types, i.e. width of every hash-type bit set.
pub const HASH_TYPE_BITS: u8 = 9;

impl HashType {
    pub const ALL: [HashType; 9] = [
        HashType::Ipv4,
        HashType::TcpIpv4,
        HashType::Ipv6,
        HashType::Ipv6Ex,
        HashType::TcpIpv6,
        HashType::TcpIpv6Ex,
        HashType::UdpIpv4,
        HashType::UdpIpv6,
        HashType::UdpIpv6Ex,
    ];

    /// Bit position in `HASH_TYPES` registers and in the record's `hash_type` field.
    pub const fn bit(self) -> u8 {
        self as u8
    }

    pub const fn mask(self) -> u16 {
        1 << self.bit()
    }

    /// The NDIS hash-info flag (`NDIS_HASH_*`).
    pub const fn ndis_flag(self) -> u32 {
        1 << (self.bit() + 8)
    }

    pub const fn name(self) -> &'static str {
        match self {
            HashType::Ipv4 => "IPV4",
            HashType::TcpIpv4 => "TCP_IPV4",
            HashType::Ipv6 => "IPV6",
            HashType::Ipv6Ex => "IPV6_EX",
            HashType::TcpIpv6 => "TCP_IPV6",
            HashType::TcpIpv6Ex => "TCP_IPV6_EX",
            HashType::UdpIpv4 => "UDP_IPV4",
            HashType::UdpIpv6 => "UDP_IPV6",
            HashType::UdpIpv6Ex => "UDP_IPV6_EX",
        }
    }

    /// Bytes of tuple hashed: addresses (4 or 16 each) and, for TCP/UDP, both ports.
    pub const fn input_bytes(self) -> usize {
        let addresses = if self.is_ipv4() { 8 } else { 32 };
        if self.has_ports() {
            addresses + 4
        } else {
            addresses
        }
    }

    pub const fn is_ipv4(self) -> bool {
        matches!(self, HashType::Ipv4 | HashType::TcpIpv4 | HashType::UdpIpv4)
    }

    pub const fn has_ports(self) -> bool {
        !matches!(self, HashType::Ipv4 | HashType::Ipv6 | HashType::Ipv6Ex)
    }

    /// The address-only type a 4-tuple type falls back to when it is not enabled.
    pub const fn address_only(self) -> HashType {
        match self {
            HashType::Ipv4 | HashType::TcpIpv4 | HashType::UdpIpv4 => HashType::Ipv4,
            HashType::Ipv6 | HashType::TcpIpv6 | HashType::UdpIpv6 => HashType::Ipv6,
            HashType::Ipv6Ex | HashType::TcpIpv6Ex | HashType::UdpIpv6Ex => HashType::Ipv6Ex,
        }
    }

    /// The type whose only set bit is `bit`, if any.
    pub fn from_bit(bit: u8) -> Option<HashType> {
        HashType::ALL.get(usize::from(bit)).copied()
    }

    /// The hash type actually used for a packet whose most specific candidate is `self`,
    /// given the enabled set: the candidate if enabled, else its address-only type if
    /// enabled, else none (NDIS: "no hash").
    pub fn select(self, enabled: HashTypes) -> Option<HashType> {
        if enabled.contains(self) {
            Some(self)
        } else if enabled.contains(self.address_only()) {
            Some(self.address_only())
        } else {
            None
        }
    }
}

/// A set of hash types, as held in the `HASH_TYPES` register.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub struct HashTypes(pub u16);

impl HashTypes {
    pub const NONE: HashTypes = HashTypes(0);
    pub const ALL: HashTypes = HashTypes((1 << HASH_TYPE_BITS) - 1);

    pub const fn contains(self, t: HashType) -> bool {
        self.0 & t.mask() != 0
    }

    pub const fn with(self, t: HashType) -> HashTypes {
        HashTypes(self.0 | t.mask())
    }

    /// Converts NDIS hash-info flags (`NDIS_HASH_*`, bits 8..16) to a set.
    pub const fn from_ndis(flags: u32) -> HashTypes {
        HashTypes(((flags >> 8) & HashTypes::ALL.0 as u32) as u16)
    }

    pub const fn to_ndis(self) -> u32 {
        (self.0 as u32) << 8
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ndis_flags_match_the_published_values() {
        assert_eq!(HashType::Ipv4.ndis_flag(), 0x100);
        assert_eq!(HashType::TcpIpv4.ndis_flag(), 0x200);
        assert_eq!(HashType::Ipv6.ndis_flag(), 0x400);
        assert_eq!(HashType::Ipv6Ex.ndis_flag(), 0x800);
        assert_eq!(HashType::TcpIpv6.ndis_flag(), 0x1000);
        assert_eq!(HashType::TcpIpv6Ex.ndis_flag(), 0x2000);
        assert_eq!(HashType::UdpIpv4.ndis_flag(), 0x4000);
        assert_eq!(HashType::UdpIpv6.ndis_flag(), 0x8000);
        assert_eq!(HashType::UdpIpv6Ex.ndis_flag(), 0x10000);
        assert_eq!(HashTypes::from_ndis(0x1_ff00), HashTypes::ALL);
    }

    #[test]
    fn four_tuple_falls_back_to_addresses_then_to_none() {
        let only_ipv4 = HashTypes::NONE.with(HashType::Ipv4);
        assert_eq!(HashType::TcpIpv4.select(only_ipv4), Some(HashType::Ipv4));
        assert_eq!(HashType::UdpIpv4.select(only_ipv4), Some(HashType::Ipv4));
        assert_eq!(HashType::TcpIpv6.select(only_ipv4), None);
        assert_eq!(
            HashType::TcpIpv4.select(HashTypes::ALL),
            Some(HashType::TcpIpv4)
        );
        assert_eq!(HashType::Ipv4.select(HashTypes::NONE), None);
    }

    #[test]
    fn input_lengths() {
        assert_eq!(HashType::Ipv4.input_bytes(), 8);
        assert_eq!(HashType::UdpIpv4.input_bytes(), 12);
        assert_eq!(HashType::Ipv6Ex.input_bytes(), 32);
        assert_eq!(HashType::TcpIpv6.input_bytes(), 36);
    }
}
