//! Steering: from a tuple and the active configuration to the record the core emits.
//!
//! NDIS rules (RSSv2 "steering parameters"): with RSS disabled only the primary queue is
//! active and nothing is hashed; with RSS enabled a hashed packet goes where its
//! indirection entry points and an unhashed one to the default queue.

use crate::hash_type::{HashType, HashTypes};
use crate::toeplitz::ToeplitzTable;
use crate::tuple::{TUPLE_BYTES, Tuple};

/// The configuration the datapath acts on (the *active* key, not the staged one).
#[derive(Debug, Clone, Copy)]
pub struct SteerConfig<'a> {
    /// The VPort this state belongs to (carried into the record).
    pub vport: u8,
    pub enabled: bool,
    /// Fold source and destination together before hashing ([`Tuple::symmetric`]).
    pub symmetric: bool,
    pub hash_types: HashTypes,
    /// Entries in use = `1 << table_size_log2`; the hash's low bits index them.
    pub table_size_log2: u8,
    pub default_queue: u16,
    pub primary_queue: u16,
    pub hasher: &'a ToeplitzTable,
    pub table: &'a [u16],
}

/// One steering record: what the core says about one packet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Record {
    /// Toeplitz hash; 0 when `hash_type` is `None`.
    pub hash: u32,
    /// The hash type used, `None` for "no hash".
    pub hash_type: Option<HashType>,
    pub queue: u16,
    /// The VPort the frame was steered on.
    pub vport: u8,
}

impl Record {
    /// The record port's `hash_type` field: one-hot register bit, 0 for no hash.
    pub fn hash_type_bits(&self) -> u16 {
        self.hash_type.map_or(0, HashType::mask)
    }

    /// Inverse of [`Record::hash_type_bits`]; `Err` for a value that is not 0 or one-hot.
    pub fn hash_type_from_bits(bits: u16) -> Result<Option<HashType>, u16> {
        match bits {
            0 => Ok(None),
            b if b.is_power_of_two() => HashType::from_bit(b.trailing_zeros() as u8)
                .map(Some)
                .ok_or(b),
            b => Err(b),
        }
    }
}

/// The indirection-table index a hash selects.
pub fn table_index(hash: u32, table_size_log2: u8) -> usize {
    (hash & ((1u32 << table_size_log2) - 1)) as usize
}

/// The record for `tuple` under `config`.
pub fn steer(config: &SteerConfig<'_>, tuple: &Tuple) -> Record {
    if !config.enabled {
        return Record {
            hash: 0,
            hash_type: None,
            queue: config.primary_queue,
            vport: config.vport,
        };
    }
    let selected = tuple.candidate.and_then(|c| c.select(config.hash_types));
    let Some(hash_type) = selected else {
        return Record {
            hash: 0,
            hash_type: None,
            queue: config.default_queue,
            vport: config.vport,
        };
    };
    let folded;
    let tuple = if config.symmetric {
        folded = tuple.symmetric(hash_type);
        &folded
    } else {
        tuple
    };
    let hash = config
        .hasher
        .hash(tuple.hash_input(hash_type))
        .expect("a tuple is never longer than the hasher's maximum");
    let queue = config
        .table
        .get(table_index(hash, config.table_size_log2))
        .copied()
        .unwrap_or(config.default_queue);
    Record {
        hash,
        hash_type: Some(hash_type),
        queue,
        vport: config.vport,
    }
}

/// What the hash probe (`PROBE`) reports: the hash of an input given as-is and the
/// queue a frame of that hash type and input would get on the VPort.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProbeResult {
    /// Toeplitz hash of the input's first `hash_type.input_bytes()` bytes with the
    /// VPort's active key; computed whether or not the VPort hashes the type.
    pub hash: u32,
    /// RSS is enabled and the type is one of the enabled ones: `queue` is the
    /// indirection entry's.
    pub hashed: bool,
    /// Primary queue (RSS disabled), default queue (type not enabled) or
    /// `table[hash & (size - 1)]`.
    pub queue: u16,
}

/// The probe of `input` as hash type `hash_type` under `config`. Unlike [`steer`] it
/// hashes the input as given: no fallback to the address-only type and no symmetric
/// fold (the caller chose both), so a driver can compare it with a plain Toeplitz.
pub fn probe(
    config: &SteerConfig<'_>,
    hash_type: HashType,
    input: &[u8; TUPLE_BYTES],
) -> ProbeResult {
    let hash = config
        .hasher
        .hash(&input[..hash_type.input_bytes()])
        .expect("a hash input is never longer than the hasher's maximum");
    let hashed = config.enabled && config.hash_types.contains(hash_type);
    let queue = if !config.enabled {
        config.primary_queue
    } else if !hashed {
        config.default_queue
    } else {
        config
            .table
            .get(table_index(hash, config.table_size_log2))
            .copied()
            .unwrap_or(config.default_queue)
    };
    ProbeResult {
        hash,
        hashed,
        queue,
    }
}

/// What the transmit-side lookup answers for one packet (seed 003: "on transmit, the NIC
/// must use the RSS hash value in the packet as an index into the RSS indirection table
/// for the VPort").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TransmitQueue {
    /// Primary queue (RSS disabled), default queue (no hash given) or
    /// `table[hash & (size - 1)]`.
    pub queue: u16,
    /// The queue is the indirection entry's: RSS is enabled and a hash was given.
    pub hashed: bool,
}

/// The transmit queue of a packet whose RSS hash is `hash` (`None`: the packet carries
/// no hash) under `config`: the receive rule of [`steer`] with the hash given instead of
/// computed, so a flow's transmit and receive sides meet on one queue.
pub fn transmit_queue(config: &SteerConfig<'_>, hash: Option<u32>) -> TransmitQueue {
    match (config.enabled, hash) {
        (false, _) => TransmitQueue {
            queue: config.primary_queue,
            hashed: false,
        },
        (true, None) => TransmitQueue {
            queue: config.default_queue,
            hashed: false,
        },
        (true, Some(hash)) => TransmitQueue {
            queue: config
                .table
                .get(table_index(hash, config.table_size_log2))
                .copied()
                .unwrap_or(config.default_queue),
            hashed: true,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::toeplitz::MS_DEFAULT_KEY;
    use crate::tuple::Transport;
    use core::net::Ipv4Addr;

    /// VPort 2, RSS disabled, every type, 128 entries, default queue 9, primary 5.
    fn disabled_config<'a>(hasher: &'a ToeplitzTable, table: &'a [u16]) -> SteerConfig<'a> {
        SteerConfig {
            vport: 2,
            enabled: false,
            symmetric: false,
            hash_types: HashTypes::ALL,
            table_size_log2: 7,
            default_queue: 9,
            primary_queue: 5,
            hasher,
            table,
        }
    }

    #[test]
    fn disabled_enabled_and_unhashable() {
        let hasher = ToeplitzTable::new(&MS_DEFAULT_KEY).unwrap();
        let table: [u16; 128] = core::array::from_fn(|i| (i % 7) as u16);
        let mut config = disabled_config(&hasher, &table);
        let tuple = Tuple::v4(
            Ipv4Addr::new(66, 9, 149, 187),
            Ipv4Addr::new(161, 142, 100, 80),
            Some((2794, 1766, Transport::Tcp)),
        );
        assert_eq!(
            steer(&config, &tuple),
            Record {
                hash: 0,
                hash_type: None,
                queue: 5,
                vport: 2
            }
        );
        config.enabled = true;
        let record = steer(&config, &tuple);
        assert_eq!(record.hash, 0x51ccc178);
        assert_eq!(record.hash_type, Some(HashType::TcpIpv4));
        assert_eq!(record.queue, table[0x78 & 0x7f]);
        config.table_size_log2 = 2;
        assert_eq!(steer(&config, &tuple).queue, table[0x78 & 0x3]);
        assert_eq!(
            steer(&config, &Tuple::UNHASHABLE),
            Record {
                hash: 0,
                hash_type: None,
                queue: 9,
                vport: 2
            }
        );
        config.hash_types = HashTypes::NONE.with(HashType::Ipv4);
        assert_eq!(steer(&config, &tuple).hash, 0x323e8fc2);
    }

    #[test]
    fn transmit_queue_follows_the_receive_rule_with_the_hash_given() {
        let hasher = ToeplitzTable::new(&MS_DEFAULT_KEY).unwrap();
        let table: [u16; 128] = core::array::from_fn(|i| (i % 11) as u16);
        let mut config = disabled_config(&hasher, &table);
        let primary = TransmitQueue {
            queue: 5,
            hashed: false,
        };
        assert_eq!(transmit_queue(&config, Some(0x51ccc178)), primary);
        assert_eq!(transmit_queue(&config, None), primary);
        config.enabled = true;
        assert_eq!(
            transmit_queue(&config, None),
            TransmitQueue {
                queue: 9,
                hashed: false
            }
        );
        assert_eq!(
            transmit_queue(&config, Some(0x51ccc178)),
            TransmitQueue {
                queue: table[0x78],
                hashed: true
            }
        );
        config.table_size_log2 = 3;
        assert_eq!(transmit_queue(&config, Some(0x51ccc178)).queue, table[0x0]);
        // A received packet's record and its transmit lookup with that hash agree.
        config.table_size_log2 = 7;
        let tuple = Tuple::v4(
            Ipv4Addr::new(66, 9, 149, 187),
            Ipv4Addr::new(161, 142, 100, 80),
            Some((2794, 1766, Transport::Tcp)),
        );
        let record = steer(&config, &tuple);
        assert_eq!(
            transmit_queue(&config, Some(record.hash)).queue,
            record.queue
        );
    }

    #[test]
    fn symmetric_hashing_gives_both_directions_the_same_hash_and_queue() {
        use core::net::Ipv6Addr;
        let hasher = ToeplitzTable::new(&MS_DEFAULT_KEY).unwrap();
        let table: [u16; 128] = core::array::from_fn(|i| i as u16);
        let mut config = SteerConfig {
            vport: 0,
            enabled: true,
            symmetric: true,
            hash_types: HashTypes::ALL,
            table_size_log2: 7,
            default_queue: 0,
            primary_queue: 0,
            hasher: &hasher,
            table: &table,
        };
        let (a4, b4) = (Ipv4Addr::new(10, 1, 2, 3), Ipv4Addr::new(192, 168, 7, 9));
        let (a6, b6) = (
            Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 1),
            Ipv6Addr::new(0xfe80, 0, 0, 0, 0x1234, 0, 0, 0x99),
        );
        let pairs = [
            (
                Tuple::v4(a4, b4, Some((1000, 80, Transport::Tcp))),
                Tuple::v4(b4, a4, Some((80, 1000, Transport::Tcp))),
            ),
            (Tuple::v4(a4, b4, None), Tuple::v4(b4, a4, None)),
            (
                Tuple::v6(a6, b6, Some((5353, 53, Transport::Udp))),
                Tuple::v6(b6, a6, Some((53, 5353, Transport::Udp))),
            ),
        ];
        for (forward, reverse) in pairs {
            let (f, r) = (steer(&config, &forward), steer(&config, &reverse));
            assert_eq!(f, r);
            assert_ne!(f.hash, 0);
            config.symmetric = false;
            assert_ne!(steer(&config, &forward).hash, steer(&config, &reverse).hash);
            config.symmetric = true;
        }
    }

    #[test]
    fn probe_hashes_the_input_as_given_and_steers_by_the_frame_rule() {
        let hasher = ToeplitzTable::new(&MS_DEFAULT_KEY).unwrap();
        let table: [u16; 128] = core::array::from_fn(|i| (i % 7) as u16);
        let mut config = SteerConfig {
            vport: 1,
            enabled: false,
            symmetric: true,
            hash_types: HashTypes::NONE.with(HashType::TcpIpv4),
            table_size_log2: 7,
            default_queue: 9,
            primary_queue: 5,
            hasher: &hasher,
            table: &table,
        };
        let tuple = Tuple::v4(
            Ipv4Addr::new(66, 9, 149, 187),
            Ipv4Addr::new(161, 142, 100, 80),
            Some((2794, 1766, Transport::Tcp)),
        );
        // Published vector; the bytes past the type's input length do not count.
        let mut input = tuple.bytes;
        input[20] = 0xff;
        let disabled = probe(&config, HashType::TcpIpv4, &input);
        assert_eq!(
            disabled,
            ProbeResult {
                hash: 0x51ccc178,
                hashed: false,
                queue: 5
            }
        );
        config.enabled = true;
        assert_eq!(
            probe(&config, HashType::TcpIpv4, &input),
            ProbeResult {
                hash: 0x51ccc178,
                hashed: true,
                queue: table[0x78]
            }
        );
        // Not enabled: hashed anyway, steered to the default queue, no fallback.
        assert_eq!(
            probe(&config, HashType::Ipv4, &input),
            ProbeResult {
                hash: 0x323e8fc2,
                hashed: false,
                queue: 9
            }
        );
    }

    #[test]
    fn hash_type_bits_round_trip() {
        for t in HashType::ALL {
            let r = Record {
                hash: 1,
                hash_type: Some(t),
                queue: 0,
                vport: 0,
            };
            assert_eq!(Record::hash_type_from_bits(r.hash_type_bits()), Ok(Some(t)));
        }
        assert_eq!(Record::hash_type_from_bits(0), Ok(None));
        assert_eq!(Record::hash_type_from_bits(3), Err(3));
        assert_eq!(Record::hash_type_from_bits(1 << 9), Err(1 << 9));
    }
}
