//! `RssDevice` against the model register file.

mod common;

use common::{ModelBus, device, params, snapshot};
use rss_fw::{Error, HashType, HashTypes, RssDevice, Version};
use rss_model::regmap::{self, Params, offset};
use rss_model::toeplitz::{KEY_BYTES, MS_DEFAULT_KEY};
use rss_model::tuple::{Transport, Tuple};
use rss_model::{RegFile, toeplitz_bitwise};
use std::net::Ipv4Addr;

#[test]
fn probe_discovers_every_build() {
    for (log2, queues) in [(1, 1), (1, 2), (7, 64), (7, 48), (10, 256), (4, 3)] {
        let p = params(log2, queues);
        let dev = device(p);
        let caps = dev.capabilities();
        assert_eq!(caps.table_entries(), 1 << log2);
        assert_eq!(caps.table_entries_log2, log2);
        assert_eq!(caps.num_queues, queues);
        assert_eq!(caps.queue_bits, p.queue_bits());
        assert_eq!(caps.key_bytes, KEY_BYTES);
        assert_eq!(caps.tuple_bytes, rss_model::TUPLE_BYTES);
        assert_eq!(caps.hash_types, HashTypes::ALL);
        assert_eq!(
            caps.version,
            Version {
                major: 0,
                minor: 5,
                patch: 0
            }
        );
        assert!(caps.features.hash_probe);
        assert!(caps.features.counters);
        assert_eq!(caps.params(), p);
        assert_eq!(dev.register_map().unwrap(), *dev.bus().regs.map());
    }
}

#[test]
fn probe_only_reads() {
    let mut bus = ModelBus::new(Params::default());
    let before = snapshot(&bus.regs);
    RssDevice::probe(&mut bus).unwrap();
    assert_eq!(bus.writes, 0);
    assert_eq!(snapshot(&bus.regs), before);
}

fn probe_with(overrides: &[(u32, u32)]) -> Result<(), Error> {
    let mut bus = ModelBus::new(Params::default());
    bus.read_overrides = overrides.to_vec();
    RssDevice::probe(bus).map(drop)
}

#[test]
fn probe_rejects_foreign_blocks_and_versions() {
    assert_eq!(
        probe_with(&[(offset::ID, 0x1234_5678)]),
        Err(Error::NotRssCore { id: 0x1234_5678 })
    );
    // 0.5: the 52-byte key (0.4: the statistics counters; 0.3: the hash probe, which
    // the self-test needs).
    let built_for = Version {
        major: 0,
        minor: 5,
        patch: 0,
    };
    assert_eq!(regmap::VERSION, 0x0005_0000);
    for (word, found) in [
        (
            0x0105_0000,
            Version {
                major: 1,
                minor: 5,
                patch: 0,
            },
        ),
        (
            0x0004_0000,
            Version {
                major: 0,
                minor: 4,
                patch: 0,
            },
        ),
        (
            0x0003_0000,
            Version {
                major: 0,
                minor: 3,
                patch: 0,
            },
        ),
        (
            0x0002_0000,
            Version {
                major: 0,
                minor: 2,
                patch: 0,
            },
        ),
        (
            0x0001_0007,
            Version {
                major: 0,
                minor: 1,
                patch: 7,
            },
        ),
    ] {
        assert_eq!(
            probe_with(&[(offset::VERSION, word)]),
            Err(Error::UnsupportedVersion { found, built_for })
        );
    }
    // This version, a newer minor (additions only) and any patch are fine.
    for word in [0x0005_0000, 0x0005_0009, 0x0006_0000] {
        assert_eq!(probe_with(&[(offset::VERSION, word)]), Ok(()), "{word:#x}");
    }
}

#[test]
fn probe_rejects_inconsistent_capabilities() {
    let good = RegFile::new(Params::default())
        .unwrap()
        .read(offset::CAPS)
        .unwrap();
    // QUEUE_BITS (bits 15:8 per the map) disagreeing with NUM_QUEUES.
    let map = regmap::RegisterMap::new(Params::default()).unwrap();
    let caps_reg = map.register(regmap::index::CAPS);
    let qb = caps_reg.field_named("QUEUE_BITS").unwrap();
    let bad_bits = (good & !qb.mask()) | qb.put(3);
    assert_eq!(
        probe_with(&[(offset::CAPS, bad_bits)]),
        Err(Error::InconsistentCapabilities {
            field: "CAPS.QUEUE_BITS",
            found: 3,
            expected: 6
        })
    );
    let kb = caps_reg.field_named("KEY_BYTES").unwrap();
    let bad_key = (good & !kb.mask()) | kb.put(48);
    assert_eq!(
        probe_with(&[(offset::CAPS, bad_key)]),
        Err(Error::BadCapabilities(regmap::ParamError::KeyBytes {
            got: 48
        }))
    );
    let tl = caps_reg.field_named("TABLE_ENTRIES_LOG2").unwrap();
    let bad_table = (good & !tl.mask()) | tl.put(11);
    assert!(matches!(
        probe_with(&[(offset::CAPS, bad_table)]),
        Err(Error::BadCapabilities(_))
    ));
    assert!(matches!(
        probe_with(&[(offset::QUEUE_CAPS, 0)]),
        Err(Error::BadCapabilities(_))
    ));
}

/// The first published TCP/IPv4 vector's tuple (hash 0x51ccc178 under the Microsoft
/// key).
fn first_published_tuple() -> Tuple {
    Tuple::v4(
        Ipv4Addr::new(66, 9, 149, 187),
        Ipv4Addr::new(161, 142, 100, 80),
        Some((2794, 1766, Transport::Tcp)),
    )
}

#[test]
fn set_key_activates_it_and_steering_matches_the_spec() {
    let mut dev = device(Params::default());
    dev.set_key(&MS_DEFAULT_KEY).unwrap();
    assert_eq!(dev.bus().regs.active_key(0), &MS_DEFAULT_KEY);
    assert_eq!(dev.commit_generation(), Ok(1));
    let mut readback = [0; KEY_BYTES];
    dev.key(&mut readback).unwrap();
    assert_eq!(readback, MS_DEFAULT_KEY);
    // Staging order: byte 4n in bits 31:24 of KEY[n].
    assert_eq!(dev.bus().regs.read(offset::KEY), Ok(0x6d5a_56da));

    dev.set_hash_types(HashTypes::ALL).unwrap();
    // Moves reach the entries in use only.
    assert_eq!(
        dev.set_entry(1, 1),
        Err(Error::IndexOutOfRange {
            index: 1,
            entries: 1
        })
    );
    dev.set_table_size(128).unwrap();
    for i in 0..128 {
        dev.set_entry(i, (i % 64) as u16).unwrap();
    }
    dev.enable().unwrap();
    let tuple = first_published_tuple();
    let record = dev.bus().regs.steer(0, &tuple);
    assert_eq!(record.hash, 0x51cc_c178);
    assert_eq!(record.hash_type, Some(HashType::TcpIpv4));
    assert_eq!(record.queue, (0x78 % 64) as u16);
    assert_eq!(
        toeplitz_bitwise(&MS_DEFAULT_KEY, tuple.hash_input(HashType::TcpIpv4)),
        Ok(record.hash)
    );
}

/// The published Microsoft verification vectors, hashed by the register file with the
/// key the driver loaded: (source, destination, IPv4-only hash, TCP hash).
#[test]
fn published_vectors_hash_through_the_driver() {
    let mut dev = device(Params::default());
    dev.set_key(&MS_DEFAULT_KEY).unwrap();
    dev.set_hash_types(HashTypes::ALL).unwrap();
    dev.enable().unwrap();
    let mut checked = 0;
    for v in rss_model::vectors::published() {
        let addresses = Tuple::addresses(v.src, v.dst).unwrap();
        let tcp = Tuple::with_ports(v.src, v.dst, v.sport, v.dport, Transport::Tcp).unwrap();
        assert_eq!(
            dev.bus().regs.steer(0, &addresses).hash,
            v.hash_ip,
            "{}",
            v.src
        );
        assert_eq!(
            dev.bus().regs.steer(0, &tcp).hash,
            v.hash_ip_ports,
            "{} tcp",
            v.src
        );
        checked += 1;
    }
    assert_eq!(checked, 8);
}

#[test]
fn random_keys_hash_as_the_spec_says() {
    use rand::{Rng, SeedableRng, rngs::StdRng};
    let mut rng = StdRng::seed_from_u64(0x5eed);
    let mut dev = device(params(7, 16));
    dev.set_hash_types(HashTypes::ALL).unwrap();
    dev.enable().unwrap();
    // Every parameter change is one commit: hash types and enable were two.
    for generation in 3..=22u16 {
        let key: [u8; KEY_BYTES] = rng.random();
        dev.set_key(&key).unwrap();
        assert_eq!(dev.commit_generation(), Ok(generation));
        assert_eq!(dev.bus().regs.active_key(0), &key);
        for _ in 0..20 {
            let (s, d): ([u8; 16], [u8; 16]) = (rng.random(), rng.random());
            let transport = if rng.random() {
                Transport::Tcp
            } else {
                Transport::Udp
            };
            let tuple = if rng.random() {
                Tuple::v4(
                    v4(&s),
                    v4(&d),
                    Some((rng.random(), rng.random(), transport)),
                )
            } else {
                Tuple::v6(
                    s.into(),
                    d.into(),
                    Some((rng.random(), rng.random(), transport)),
                )
            };
            let record = dev.bus().regs.steer(0, &tuple);
            let t = record.hash_type.unwrap();
            assert_eq!(toeplitz_bitwise(&key, tuple.hash_input(t)), Ok(record.hash));
        }
    }
}

fn v4(bytes: &[u8; 16]) -> Ipv4Addr {
    Ipv4Addr::new(bytes[0], bytes[1], bytes[2], bytes[3])
}

/// Runs `op` and checks it failed with `expected` and changed nothing observable.
fn rejected(
    dev: &mut RssDevice<ModelBus>,
    expected: Error,
    op: impl FnOnce(&mut RssDevice<ModelBus>) -> Result<(), Error>,
) {
    let before = snapshot(&dev.bus().regs);
    let writes = dev.bus().writes;
    assert_eq!(op(dev), Err(expected));
    assert_eq!(dev.bus().writes, writes, "{expected:?} wrote");
    assert_eq!(
        snapshot(&dev.bus().regs),
        before,
        "{expected:?} changed state"
    );
}

#[test]
fn a_52_byte_key_build_takes_52_or_40_byte_keys_and_reads_52_back() {
    let long = Params {
        key_bytes: regmap::LONG_KEY_BYTES,
        ..Params::default()
    };
    let mut dev = device(long);
    assert_eq!(dev.capabilities().key_bytes, 52);
    assert_eq!(dev.capabilities().params(), long);
    let key: [u8; 52] = std::array::from_fn(|i| (i as u8).wrapping_mul(29) ^ 0xa5);
    dev.set_key(&key).unwrap();
    assert_eq!(dev.bus().regs.active_key(0), &key);
    let mut readback = [0; 52];
    dev.key(&mut readback).unwrap();
    assert_eq!(readback, key);
    assert_eq!(
        dev.bus().regs.read(offset::KEY_EXT + 8),
        Ok(u32::from_be_bytes([key[48], key[49], key[50], key[51]]))
    );
    // NDIS's 40-byte key, zero-extended: the hash is the 40-byte key's.
    dev.set_key(&MS_DEFAULT_KEY).unwrap();
    dev.key(&mut readback).unwrap();
    assert_eq!(readback[..40], MS_DEFAULT_KEY);
    assert_eq!(readback[40..], [0; 12]);
    dev.set_hash_types(HashTypes::ALL).unwrap();
    dev.enable().unwrap();
    let tuple = first_published_tuple();
    let record = dev.bus().regs.steer(0, &tuple);
    let input = tuple.hash_input(HashType::TcpIpv4);
    assert_eq!(record.hash, 0x51cc_c178, "the published hash");
    assert_eq!(Ok(record.hash), toeplitz_bitwise(&MS_DEFAULT_KEY, input));
    // Any other length is refused, and so is a 40-byte readback buffer.
    let before = snapshot(&dev.bus().regs);
    for len in [39, 41, 51, 53] {
        let wrong = vec![0x11; len];
        assert_eq!(
            dev.set_key(&wrong),
            Err(Error::KeyLength {
                got: len,
                expected: 52
            })
        );
    }
    assert_eq!(
        dev.key(&mut [0; 40]),
        Err(Error::KeyLength {
            got: 40,
            expected: 52
        })
    );
    assert_eq!(snapshot(&dev.bus().regs), before);
}

#[test]
fn bad_arguments_are_errors_and_change_nothing() {
    let mut dev = device(params(7, 48));
    dev.set_key(&MS_DEFAULT_KEY).unwrap();
    dev.set_table_size(128).unwrap();
    let long = [0u8; KEY_BYTES + 1];
    rejected(
        &mut dev,
        Error::KeyLength {
            got: 39,
            expected: 40,
        },
        |d| d.set_key(&MS_DEFAULT_KEY[..39]),
    );
    rejected(
        &mut dev,
        Error::KeyLength {
            got: 41,
            expected: 40,
        },
        |d| d.set_key(&long),
    );
    rejected(
        &mut dev,
        Error::KeyLength {
            got: 0,
            expected: 40,
        },
        |d| d.set_key(&[]),
    );
    for entries in [0, 3, 12, 100, 256, 1 << 31, u32::MAX] {
        rejected(&mut dev, Error::TableSize { entries, max: 128 }, |d| {
            d.set_table_size(entries)
        });
    }
    rejected(
        &mut dev,
        Error::IndexOutOfRange {
            index: 128,
            entries: 128,
        },
        |d| d.set_entry(128, 0),
    );
    rejected(
        &mut dev,
        Error::IndexOutOfRange {
            index: u32::MAX,
            entries: 128,
        },
        |d| d.set_entry(u32::MAX, 0),
    );
    for queue in [48, 63, 255, u16::MAX] {
        let e = Error::QueueOutOfRange {
            queue,
            num_queues: 48,
        };
        rejected(&mut dev, e, |d| d.set_entry(0, queue));
        rejected(&mut dev, e, |d| d.set_default_queue(queue));
        rejected(&mut dev, e, |d| d.set_primary_queue(queue));
    }
    rejected(
        &mut dev,
        Error::QueueOutOfRange {
            queue: 48,
            num_queues: 48,
        },
        |d| d.set_entries(0, &[1, 2, 48]),
    );
    rejected(
        &mut dev,
        Error::IndexOutOfRange {
            index: 128,
            entries: 128,
        },
        |d| d.set_entries(126, &[1, 2, 3]),
    );
    rejected(
        &mut dev,
        Error::IndexOutOfRange {
            index: u32::MAX,
            entries: 128,
        },
        |d| d.set_entries(u32::MAX, &[1, 2]),
    );
    let mut buf = [0u8; 8];
    let before = snapshot(&dev.bus().regs);
    assert_eq!(
        dev.key(&mut buf),
        Err(Error::KeyLength {
            got: 8,
            expected: 40
        })
    );
    assert_eq!(
        dev.entry(128),
        Err(Error::IndexOutOfRange {
            index: 128,
            entries: 128
        })
    );
    assert_eq!(snapshot(&dev.bus().regs), before);
}

#[test]
fn unsupported_hash_types_are_refused() {
    let ipv4_only = HashTypes::NONE.with(HashType::Ipv4).with(HashType::TcpIpv4);
    let mut bus = ModelBus::new(Params::default());
    bus.read_overrides = vec![(offset::HASH_CAPS, u32::from(ipv4_only.0))];
    let mut dev = RssDevice::probe(bus).unwrap();
    assert_eq!(dev.capabilities().hash_types, ipv4_only);
    let want = ipv4_only.with(HashType::UdpIpv4);
    rejected(
        &mut dev,
        Error::UnsupportedHashTypes {
            requested: want,
            supported: ipv4_only,
        },
        |d| d.set_hash_types(want),
    );
    dev.set_hash_types(ipv4_only).unwrap();
    assert_eq!(dev.hash_types(), Ok(ipv4_only));
}

#[test]
fn registers_read_back() {
    let mut dev = device(params(7, 48));
    dev.set_table_size(16).unwrap();
    assert_eq!(dev.table_size(), Ok(16));
    dev.set_table_size(1).unwrap();
    assert_eq!(dev.table_size(), Ok(1));
    assert_eq!(dev.bus().regs.steer_config(0).table_size_log2, 0);
    dev.set_table_size(16).unwrap();
    dev.set_entries(10, &[47, 0, 5]).unwrap();
    assert_eq!(&dev.bus().regs.table(0)[10..13], &[47, 0, 5]);
    assert_eq!(dev.entry(10), Ok(47));
    dev.set_default_queue(3).unwrap();
    dev.set_primary_queue(47).unwrap();
    assert_eq!((dev.default_queue(), dev.primary_queue()), (Ok(3), Ok(47)));
    let types = HashTypes::NONE.with(HashType::Ipv6Ex);
    dev.set_hash_types(types).unwrap();
    assert_eq!(dev.hash_types(), Ok(types));
    assert_eq!(dev.is_enabled(), Ok(false));
    dev.enable().unwrap();
    assert_eq!(dev.is_enabled(), Ok(true));
    assert_eq!(dev.bus().regs.steer(0, &Tuple::UNHASHABLE).queue, 3);
    dev.disable().unwrap();
    assert_eq!(dev.bus().regs.steer(0, &Tuple::UNHASHABLE).queue, 47);
    // Disabling keeps the table.
    assert_eq!(&dev.bus().regs.table(0)[10..13], &[47, 0, 5]);
}

#[test]
fn a_lost_key_commit_is_detected() {
    let mut bus = ModelBus::new(Params::default());
    bus.dropped_writes = vec![offset::COMMIT];
    let mut dev = RssDevice::probe(bus).unwrap();
    assert_eq!(
        dev.set_key(&MS_DEFAULT_KEY),
        Err(Error::CommitLost {
            before: 0,
            after: 0
        })
    );
    assert_eq!(dev.bus().regs.active_key(0), &[0; KEY_BYTES]);
}

#[test]
fn key_generation_wraps() {
    let mut dev = device(Params::default());
    for _ in 0..u16::MAX {
        dev.bus_mut().regs.write(offset::COMMIT, 1, 0xf).unwrap();
    }
    assert_eq!(dev.commit_generation(), Ok(u16::MAX));
    dev.set_key(&MS_DEFAULT_KEY).unwrap();
    assert_eq!(dev.commit_generation(), Ok(0));
}

#[test]
fn record_drops_reads_the_tap_mode_counter() {
    let mut dev = device(Params::default());
    assert_eq!(dev.record_drops(), Ok(0));
    dev.bus_mut().regs.set_record_drops(u32::MAX);
    assert_eq!(dev.record_drops(), Ok(u32::MAX));
}
