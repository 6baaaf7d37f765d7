//! The flow tuple as the core's tuple port carries it.
//!
//! Bytes are in hash-input order and network byte order: source address, destination
//! address, then source and destination port; left-aligned in a [`TUPLE_BYTES`] buffer.
//! Bytes past the hashed length are ignored (the hardware masks them), so a producer may
//! leave anything there.

use core::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use crate::hash_type::HashType;

/// The longest tuple: two IPv6 addresses and two ports.
pub const TUPLE_BYTES: usize = 36;

/// A tuple plus the most specific hash type it qualifies for (`None`: nothing hashable).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tuple {
    pub bytes: [u8; TUPLE_BYTES],
    pub candidate: Option<HashType>,
}

/// Transport protocol of a tuple with ports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transport {
    Tcp,
    Udp,
}

impl Tuple {
    /// A tuple that carries no hashable flow (the record gets "no hash").
    pub const UNHASHABLE: Tuple = Tuple {
        bytes: [0; TUPLE_BYTES],
        candidate: None,
    };

    /// Addresses only (IPv4 or IPv6 hash type); both addresses must be the same family.
    pub fn addresses(src: IpAddr, dst: IpAddr) -> Option<Tuple> {
        match (src, dst) {
            (IpAddr::V4(s), IpAddr::V4(d)) => Some(Self::v4(s, d, None)),
            (IpAddr::V6(s), IpAddr::V6(d)) => Some(Self::v6(s, d, None)),
            _ => None,
        }
    }

    /// Addresses and ports of a TCP or UDP flow.
    pub fn with_ports(
        src: IpAddr,
        dst: IpAddr,
        sport: u16,
        dport: u16,
        transport: Transport,
    ) -> Option<Tuple> {
        let ports = Some((sport, dport, transport));
        match (src, dst) {
            (IpAddr::V4(s), IpAddr::V4(d)) => Some(Self::v4(s, d, ports)),
            (IpAddr::V6(s), IpAddr::V6(d)) => Some(Self::v6(s, d, ports)),
            _ => None,
        }
    }

    pub fn v4(src: Ipv4Addr, dst: Ipv4Addr, ports: Option<(u16, u16, Transport)>) -> Tuple {
        let mut bytes = [0; TUPLE_BYTES];
        bytes[0..4].copy_from_slice(&src.octets());
        bytes[4..8].copy_from_slice(&dst.octets());
        let candidate = match ports {
            None => HashType::Ipv4,
            Some((sport, dport, transport)) => {
                bytes[8..10].copy_from_slice(&sport.to_be_bytes());
                bytes[10..12].copy_from_slice(&dport.to_be_bytes());
                match transport {
                    Transport::Tcp => HashType::TcpIpv4,
                    Transport::Udp => HashType::UdpIpv4,
                }
            }
        };
        Tuple {
            bytes,
            candidate: Some(candidate),
        }
    }

    pub fn v6(src: Ipv6Addr, dst: Ipv6Addr, ports: Option<(u16, u16, Transport)>) -> Tuple {
        let mut bytes = [0; TUPLE_BYTES];
        bytes[0..16].copy_from_slice(&src.octets());
        bytes[16..32].copy_from_slice(&dst.octets());
        let candidate = match ports {
            None => HashType::Ipv6,
            Some((sport, dport, transport)) => {
                bytes[32..34].copy_from_slice(&sport.to_be_bytes());
                bytes[34..36].copy_from_slice(&dport.to_be_bytes());
                match transport {
                    Transport::Tcp => HashType::TcpIpv6,
                    Transport::Udp => HashType::UdpIpv6,
                }
            }
        };
        Tuple {
            bytes,
            candidate: Some(candidate),
        }
    }

    /// A tuple as the tuple port carries it: `type_bits` is the one-hot candidate
    /// (`HASH_TYPES` bit order); 0 or anything not one-hot means nothing is hashable.
    pub fn from_port(bytes: [u8; TUPLE_BYTES], type_bits: u16) -> Tuple {
        let candidate = match type_bits {
            b if b.is_power_of_two() => HashType::from_bit(b.trailing_zeros() as u8),
            _ => None,
        };
        Tuple { bytes, candidate }
    }

    /// The tuple with source and destination folded for symmetric hashing under hash
    /// type `t`: the source field becomes `source | destination` and the destination
    /// field `source ^ destination`, for the addresses and for the ports (Linux's
    /// `ethtool -X … xfrm symmetric-or-xor`). Both are commutative, so both directions
    /// of a flow give the same input; unlike XOR alone, the OR half keeps the input
    /// from collapsing to zero for flows between equal fields. Bytes past the hashed
    /// length are left as they are.
    pub fn symmetric(&self, t: HashType) -> Tuple {
        let address = if t.is_ipv4() { 4 } else { 16 };
        let mut folded = *self;
        let mut fold = |at: usize, width: usize| {
            for i in at..at + width {
                let (s, d) = (self.bytes[i], self.bytes[i + width]);
                folded.bytes[i] = s | d;
                folded.bytes[i + width] = s ^ d;
            }
        };
        fold(0, address);
        if t.has_ports() {
            fold(2 * address, 2);
        }
        folded
    }

    /// The bytes hashed under hash type `t`.
    pub fn hash_input(&self, t: HashType) -> &[u8] {
        &self.bytes[..t.input_bytes()]
    }
}
