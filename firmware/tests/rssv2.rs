//! `Rss`: NetAdapterCx per-entry statuses and RSSv2 tracking, against the model.

mod common;

use common::{
    ModelBus, assert_move_statuses, device, enabled, moves, params, read, snapshot, statuses,
};
use rss_fw::rssv2::NDIS_DEFAULT_HASH_TYPES;
use rss_fw::{Config, EntryStatus, Error, HashType, HashTypes, Rss, RssDevice, Steering};
use rss_model::regmap::{Params, offset};
use rss_model::toeplitz::MS_DEFAULT_KEY;
use rss_model::tuple::{Transport, Tuple};
use std::net::Ipv4Addr;

fn rss(p: Params) -> Rss<ModelBus> {
    Rss::new(device(p)).unwrap()
}

fn initialised(p: Params, num_queues: u16) -> Rss<ModelBus> {
    let mut rss = rss(p);
    let config = Config {
        num_queues: Some(num_queues),
        ..Config::default()
    };
    rss.init(&config).unwrap();
    rss
}

fn assert_consistent(rss: &Rss<ModelBus>) {
    common::assert_consistent(&rss.device().bus().regs, rss);
}

const VECTOR: Tuple = Tuple {
    bytes: [
        66, 9, 149, 187, 161, 142, 100, 80, 0x0a, 0xea, 0x06, 0xe6, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    ],
    candidate: Some(HashType::TcpIpv4),
};

#[test]
fn init_with_defaults_programs_everything_and_enables() {
    let mut rss = rss(Params::default());
    rss.init(&Config::default()).unwrap();
    let regs = &rss.device().bus().regs;
    assert!(enabled(regs));
    assert_eq!(regs.active_key(0), &MS_DEFAULT_KEY);
    assert_eq!(
        read(regs, offset::HASH_TYPES),
        u32::from(NDIS_DEFAULT_HASH_TYPES.0)
    );
    assert_eq!(read(regs, offset::TABLE_SIZE), 7);
    assert_eq!(
        (
            read(regs, offset::DEFAULT_QUEUE),
            read(regs, offset::PRIMARY_QUEUE)
        ),
        (0, 0)
    );
    for (i, &q) in regs.table(0).iter().enumerate() {
        assert_eq!(q as usize, i % 64);
    }
    let record = regs.steer(0, &VECTOR);
    assert_eq!(record.hash, 0x51cc_c178);
    assert_eq!(record.queue, 0x78 % 64);
    // UDP is not in the NDIS default set: falls back to the IPv4 address hash.
    let udp = Tuple::v4(
        Ipv4Addr::new(66, 9, 149, 187),
        Ipv4Addr::new(161, 142, 100, 80),
        Some((2794, 1766, Transport::Udp)),
    );
    assert_eq!(regs.steer(0, &udp).hash, 0x323e_8fc2);
    assert_eq!(rss.num_queues(), 64);
    assert_consistent(&rss);
}

#[test]
fn init_spreads_over_the_configured_queues_and_table_size() {
    let mut rss = rss(params(8, 64));
    let config = Config {
        num_queues: Some(6),
        table_entries: Some(32),
        default_processor: 5,
        primary_processor: 4,
        hash_types: Some(HashTypes::ALL),
        ..Config::default()
    };
    rss.init(&config).unwrap();
    let regs = &rss.device().bus().regs;
    assert_eq!(read(regs, offset::TABLE_SIZE), 5);
    let expected: Vec<u16> = (0..32).map(|i| i % 6).collect();
    assert_eq!(&regs.table(0)[..32], expected.as_slice());
    let processors: Vec<u32> = expected.iter().map(|&q| q.into()).collect();
    assert_eq!(rss.active_table(), processors.as_slice());
    assert_eq!(read(regs, offset::HASH_TYPES), u32::from(HashTypes::ALL.0));
    assert_eq!(regs.steer(0, &Tuple::UNHASHABLE).queue, 5);
    assert_eq!(regs.steer(0, &VECTOR).queue, expected[0x78 % 32]);
    assert_consistent(&rss);
}

#[test]
fn default_hash_types_are_trimmed_to_the_hardware_but_explicit_ones_are_not() {
    let supported = HashTypes::NONE
        .with(HashType::Ipv4)
        .with(HashType::TcpIpv4)
        .with(HashType::UdpIpv4);
    let mut bus = ModelBus::new(Params::default());
    bus.read_overrides = vec![(offset::HASH_CAPS, u32::from(supported.0))];
    let mut rss = Rss::new(RssDevice::probe(bus).unwrap()).unwrap();
    let explicit = Config {
        hash_types: Some(HashTypes::ALL),
        ..Config::default()
    };
    let before = snapshot(&rss.device().bus().regs);
    assert_eq!(
        rss.init(&explicit),
        Err(Error::UnsupportedHashTypes {
            requested: HashTypes::ALL,
            supported
        })
    );
    assert_eq!(snapshot(&rss.device().bus().regs), before);
    rss.init(&Config::default()).unwrap();
    let ipv4 = HashTypes::NONE.with(HashType::Ipv4).with(HashType::TcpIpv4);
    assert_eq!(
        read(&rss.device().bus().regs, offset::HASH_TYPES),
        u32::from(ipv4.0)
    );
}

#[test]
fn bad_configs_are_refused_before_any_write() {
    let mut rss = rss(params(7, 16));
    let cases = [
        (
            Config {
                num_queues: Some(0),
                ..Config::default()
            },
            Error::QueueCount {
                requested: 0,
                max: 16,
            },
        ),
        (
            Config {
                num_queues: Some(17),
                ..Config::default()
            },
            Error::QueueCount {
                requested: 17,
                max: 16,
            },
        ),
        (
            Config {
                table_entries: Some(48),
                ..Config::default()
            },
            Error::TableSize {
                entries: 48,
                max: 128,
            },
        ),
        (
            Config {
                table_entries: Some(256),
                ..Config::default()
            },
            Error::TableSize {
                entries: 256,
                max: 128,
            },
        ),
        (
            Config {
                num_queues: Some(4),
                default_processor: 4,
                ..Config::default()
            },
            Error::InvalidSteering {
                parameter: Steering::DefaultProcessor,
                processor: 4,
                num_queues: 4,
            },
        ),
        (
            Config {
                primary_processor: 16,
                ..Config::default()
            },
            Error::InvalidSteering {
                parameter: Steering::PrimaryProcessor,
                processor: 16,
                num_queues: 16,
            },
        ),
    ];
    for (config, error) in cases {
        let writes = rss.device().bus().writes;
        assert_eq!(rss.init(&config), Err(error));
        assert_eq!(rss.device().bus().writes, writes, "{error:?}");
    }
}

#[test]
fn per_entry_statuses_for_a_mixed_batch() {
    let mut rss = initialised(Params::default(), 8);
    let old3 = rss.active_table()[3];
    let mut batch = moves(&[
        (0, 5),
        (200, 1),
        (3, 8),
        (4, 7),
        (128, 0),
        (4, 2),
        (3, u32::MAX),
        (127, 7),
    ]);
    use EntryStatus::*;
    assert_move_statuses(
        &mut rss,
        &mut batch,
        Err(Error::EntriesFailed {
            invalid: 4,
            device: 0,
        }),
        &[
            Success,
            InvalidParameter,
            NoQueueForProcessor,
            Success,
            InvalidParameter,
            Success,
            NoQueueForProcessor,
            Success,
        ],
    );
    let table = rss.device().bus().regs.table(0);
    assert_eq!(
        (table[0], table[3], table[4], table[127]),
        (5, old3 as u16, 2, 7)
    );
    assert_consistent(&rss);

    let mut good = moves(&[(1, 1), (2, 2)]);
    assert_eq!(rss.set_indirection_entries(&mut good), Ok(()));
    assert_eq!(statuses(&good), [Success, Success]);
    assert_eq!(rss.set_indirection_entries(&mut []), Ok(()));
}

#[test]
fn a_failing_entry_write_is_a_device_failure_for_that_entry_only() {
    let mut rss = initialised(Params::default(), 8);
    // The MOVE of entry 6 to queue 1 (processor 1) fails on the bus.
    rss.bus_mut().fault = common::Fault::WriteOf(offset::MOVE, 6 | 1 << 12);
    let mut batch = moves(&[(5, 1), (6, 1), (7, 1), (9, 99)]);
    use EntryStatus::*;
    assert_move_statuses(
        &mut rss,
        &mut batch,
        Err(Error::EntriesFailed {
            invalid: 1,
            device: 1,
        }),
        &[Success, DeviceFailure, Success, NoQueueForProcessor],
    );
    // The tracked table keeps the old processor for the failed entry; the next call
    // rewrites the hardware (whether the failed move landed is not known).
    assert_eq!(rss.active_table()[6], 6);
    assert!(!rss.is_synchronized());
    assert_eq!(rss.active_table()[5..8], [1, 6, 1]);
    assert_consistent(&rss);
}

#[test]
fn disabled_updates_are_tracked_and_validated_on_enable() {
    let mut rss = initialised(Params::default(), 4);
    rss.disable().unwrap();
    rss.set_primary_processor(3).unwrap();
    let hw_before = rss.device().bus().regs.table(0).to_vec();

    // Tracked while inactive: accepted even though queue 9 does not exist (yet), and
    // even though 200 is past the hardware's queues.
    let mut batch = moves(&[(1, 9), (2, 200), (3, 2)]);
    assert_eq!(rss.set_indirection_entries(&mut batch), Ok(()));
    assert_eq!(statuses(&batch), [EntryStatus::Success; 3]);
    rss.set_default_processor(11).unwrap();
    assert_eq!(rss.active_table()[1..4], [9, 200, 2]);
    assert_eq!(rss.default_processor(), 11);
    // Nothing steers differently: every packet still goes to the primary queue.
    let regs = &rss.device().bus().regs;
    assert_eq!(regs.table(0), hw_before.as_slice());
    assert_eq!(regs.steer(0, &VECTOR).queue, 3);
    assert_eq!(read(regs, offset::DEFAULT_QUEUE), 0);
    // Index validity is not deferred: there is no entry 128.
    let mut past = moves(&[(128, 0)]);
    assert!(rss.set_indirection_entries(&mut past).is_err());
    assert_eq!(past[0].status, EntryStatus::InvalidParameter);

    // Enabling activates them: refused while any is invalid, nothing written.
    let before = snapshot(&rss.device().bus().regs);
    let invalid = |parameter, processor| Error::InvalidSteering {
        parameter,
        processor,
        num_queues: 4,
    };
    assert_eq!(rss.enable(), Err(invalid(Steering::Entry(1), 9)));
    rss.set_indirection_entries(&mut moves(&[(1, 1)])).unwrap();
    assert_eq!(rss.enable(), Err(invalid(Steering::Entry(2), 200)));
    rss.set_indirection_entries(&mut moves(&[(2, 0)])).unwrap();
    assert_eq!(rss.enable(), Err(invalid(Steering::DefaultProcessor, 11)));
    assert!(!rss.is_enabled());
    assert_eq!(snapshot(&rss.device().bus().regs), before);

    rss.set_default_processor(2).unwrap();
    rss.enable().unwrap();
    assert!(rss.is_enabled());
    let regs = &rss.device().bus().regs;
    assert_eq!(regs.table(0)[1..4], [1, 0, 2]);
    assert_eq!(regs.steer(0, &Tuple::UNHASHABLE).queue, 2);
    assert_consistent(&rss);
    // Enabling twice is harmless.
    rss.enable().unwrap();
    assert_consistent(&rss);
}

#[test]
fn active_parameters_are_validated_at_once() {
    let mut rss = initialised(Params::default(), 4);
    let invalid = |parameter, processor| Error::InvalidSteering {
        parameter,
        processor,
        num_queues: 4,
    };
    // Enabled: default queue and entries are active, queue 4 exists in hardware but
    // not in the configured set.
    assert_eq!(
        rss.set_default_processor(4),
        Err(invalid(Steering::DefaultProcessor, 4))
    );
    let mut batch = moves(&[(0, 4)]);
    assert!(rss.set_indirection_entries(&mut batch).is_err());
    assert_eq!(batch[0].status, EntryStatus::NoQueueForProcessor);
    rss.disable().unwrap();
    // Disabled: the primary queue is active.
    assert_eq!(
        rss.set_primary_processor(4),
        Err(invalid(Steering::PrimaryProcessor, 4))
    );
    assert_eq!(rss.primary_processor(), 0);
    assert_consistent(&rss);
}

#[test]
fn the_primary_queue_is_tracked_while_enabled_and_validated_on_disable() {
    let mut rss = initialised(Params::default(), 4);
    rss.set_primary_processor(9).unwrap();
    assert_eq!(read(&rss.device().bus().regs, offset::PRIMARY_QUEUE), 0);
    assert_eq!(
        rss.disable(),
        Err(Error::InvalidSteering {
            parameter: Steering::PrimaryProcessor,
            processor: 9,
            num_queues: 4
        })
    );
    assert!(rss.is_enabled());
    assert_consistent(&rss);
    rss.set_primary_processor(3).unwrap();
    let table = rss.active_table().to_vec();
    rss.disable().unwrap();
    let regs = &rss.device().bus().regs;
    assert_eq!(regs.steer(0, &VECTOR).queue, 3);
    assert_eq!(regs.steer(0, &Tuple::UNHASHABLE).queue, 3);
    // Disabling keeps the table (NetAdapterCx: never clear it on enable/disable).
    let queues: Vec<u16> = table.iter().map(|&p| p as u16).collect();
    assert_eq!(&regs.table(0)[..128], queues.as_slice());
    assert_consistent(&rss);
}

#[test]
fn reducing_queues_requires_active_parameters_to_fit() {
    let mut rss = initialised(Params::default(), 8);
    assert_eq!(
        rss.set_num_queues(4),
        Err(Error::TooManyProcessors {
            referenced: 8,
            queues: 4
        })
    );
    assert_eq!(rss.num_queues(), 8);
    let four: Vec<(u32, u32)> = (0..128).map(|i| (i, i % 4)).collect();
    rss.set_indirection_entries(&mut moves(&four)).unwrap();
    rss.set_num_queues(4).unwrap();
    assert_eq!(rss.num_queues(), 4);
    assert_eq!(
        rss.set_num_queues(0),
        Err(Error::QueueCount {
            requested: 0,
            max: 64
        })
    );
    assert_eq!(
        rss.set_num_queues(65),
        Err(Error::QueueCount {
            requested: 65,
            max: 64
        })
    );
    rss.set_num_queues(64).unwrap();
}

#[test]
fn new_adopts_the_running_hardware_state() {
    let mut dev = device(params(5, 10));
    dev.set_table_size(32).unwrap();
    dev.set_entries(0, &[3; 32]).unwrap();
    dev.set_entry(7, 9).unwrap();
    dev.set_table_size(8).unwrap();
    dev.set_default_queue(4).unwrap();
    dev.set_primary_queue(6).unwrap();
    dev.enable().unwrap();
    let writes = dev.bus().writes;
    let rss = Rss::new(dev).unwrap();
    // Nothing that steers is written: only TABLE_READ, to read the active tables and
    // back (the device kept every shadow a copy of its active table).
    assert_eq!(rss.device().bus().writes, writes + 2);
    assert_eq!(read(&rss.device().bus().regs, offset::TABLE_READ), 0);
    assert!(rss.is_enabled());
    assert_eq!(rss.active_table(), &[3, 3, 3, 3, 3, 3, 3, 9]);
    assert_eq!(
        (
            rss.default_processor(),
            rss.primary_processor(),
            rss.num_queues()
        ),
        (4, 6, 10)
    );
    assert_consistent(&rss);
}

#[test]
fn key_and_hash_types_pass_through() {
    let mut rss = initialised(Params::default(), 4);
    let key = [0x42; 40];
    rss.set_hash_secret_key(&key).unwrap();
    assert_eq!(rss.device().bus().regs.active_key(0), &key);
    assert_eq!(
        rss.set_hash_secret_key(&key[..20]),
        Err(Error::KeyLength {
            got: 20,
            expected: 40
        })
    );
    rss.set_hash_types(HashTypes::NONE).unwrap();
    assert_eq!(
        u32::from(rss.device().bus().regs.steer(0, &VECTOR).queue),
        rss.default_processor()
    );
}

#[test]
fn the_driver_state_is_small_whatever_the_build() {
    // Tables are pooled over the hardware's 1024-entry window (system tables, one
    // mirror of the active tables, two scratch tables), not kept per VPort at the
    // largest size; the datapath queue maps are most of the rest.
    let size = std::mem::size_of::<Rss<rss_fw::Mmio>>();
    assert!(size <= 32 * 1024, "Rss is {size} bytes");
}
