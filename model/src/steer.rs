//! Steering: from a tuple and the active configuration to the record the core emits.
//!
//! NDIS rules (RSSv2 "steering parameters"): with RSS disabled only the primary queue is
//! active and nothing is hashed; with RSS enabled a hashed packet goes where its
//! indirection entry points and an unhashed one to the default queue.

use crate::hash_type::{HashType, HashTypes};
use crate::toeplitz::ToeplitzTable;
use crate::tuple::Tuple;

/// The configuration the datapath acts on (the *active* key, not the staged one).
#[derive(Debug, Clone, Copy)]
pub struct SteerConfig<'a> {
    pub enabled: bool,
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
        };
    }
    let selected = tuple.candidate.and_then(|c| c.select(config.hash_types));
    let Some(hash_type) = selected else {
        return Record {
            hash: 0,
            hash_type: None,
            queue: config.default_queue,
        };
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
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::toeplitz::MS_DEFAULT_KEY;
    use crate::tuple::Transport;
    use core::net::Ipv4Addr;

    #[test]
    fn disabled_enabled_and_unhashable() {
        let hasher = ToeplitzTable::new(&MS_DEFAULT_KEY).unwrap();
        let table: [u16; 128] = core::array::from_fn(|i| (i % 7) as u16);
        let mut config = SteerConfig {
            enabled: false,
            hash_types: HashTypes::ALL,
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
        assert_eq!(
            steer(&config, &tuple),
            Record {
                hash: 0,
                hash_type: None,
                queue: 5
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
                queue: 9
            }
        );
        config.hash_types = HashTypes::NONE.with(HashType::Ipv4);
        assert_eq!(steer(&config, &tuple).hash, 0x323e8fc2);
    }

    #[test]
    fn hash_type_bits_round_trip() {
        for t in HashType::ALL {
            let r = Record {
                hash: 1,
                hash_type: Some(t),
                queue: 0,
            };
            assert_eq!(Record::hash_type_from_bits(r.hash_type_bits()), Ok(Some(t)));
        }
        assert_eq!(Record::hash_type_from_bits(0), Ok(None));
        assert_eq!(Record::hash_type_from_bits(3), Err(3));
        assert_eq!(Record::hash_type_from_bits(1 << 9), Err(1 << 9));
    }
}
