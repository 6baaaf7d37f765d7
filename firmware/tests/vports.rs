//! VMMQ VPorts (seeds 002, 003, 004): one test per rule, named after it (the table in
//! `firmware/README.md` maps each quoted sentence to these names), against the model
//! register file with frames steered by destination MAC.

mod common;

use common::{ModelBus, assert_consistent, assert_move_statuses, frame, read, snapshot, statuses};
use rss_fw::indication::NDIS_SWITCH_DEFAULT_PORT_ID;
use rss_fw::spread::SYMMETRIC_KEY;
use rss_fw::{
    DatapathQueue, EntryStatus, Error, Event, HashType, HashTypes, Indication, IndirectionEntry,
    Refused, Rss, RssDevice, ScalingEntity, Steering, SwitchEndpoint, VPortConfig, VPortId,
};
use rss_model::regmap::{Params, offset};
use rss_model::toeplitz::MS_DEFAULT_KEY;
use rss_model::{Record, RegFile};

/// The default VPort: processors 10..=13 on hardware queues 0..=3.
const PF_QUEUES: [DatapathQueue; 4] = [
    DatapathQueue::new(10, 0),
    DatapathQueue::new(11, 1),
    DatapathQueue::new(12, 2),
    DatapathQueue::new(13, 3),
];
/// VPort 1: processors 20 and 21 on queues 8 and 9.
const VM1_QUEUES: [DatapathQueue; 2] = [DatapathQueue::new(20, 8), DatapathQueue::new(21, 9)];
/// VPort 2: processors 30..=32 on queues 16..=18.
const VM2_QUEUES: [DatapathQueue; 3] = [
    DatapathQueue::new(30, 16),
    DatapathQueue::new(31, 17),
    DatapathQueue::new(32, 18),
];
const MAC1: [u8; 6] = [0x02, 0x00, 0x5e, 0x00, 0x00, 0x01];
const MAC2: [u8; 6] = [0x02, 0x00, 0x5e, 0x00, 0x00, 0x02];
/// A MAC no filter claims: its frames go to the default VPort.
const MAC0: [u8; 6] = [0x02, 0x00, 0x5e, 0x00, 0x00, 0x99];
const CONN1: SwitchEndpoint = SwitchEndpoint {
    port_id: 11,
    nic_index: 1,
};
const CONN2: SwitchEndpoint = SwitchEndpoint {
    port_id: 12,
    nic_index: 2,
};
const V1: VPortId = VPortId(1);
const V2: VPortId = VPortId(2);

fn config<'a>(
    mac: [u8; 6],
    connection: SwitchEndpoint,
    queues: &'a [DatapathQueue],
    affinity_processor: u32,
) -> VPortConfig<'a> {
    VPortConfig {
        mac,
        connection,
        queues,
        affinity_processor,
    }
}

/// The adapter's default VPort created on processor 10 (a 4-VPort, 8-filter build).
fn adapter(p: Params) -> Rss<ModelBus> {
    let dev = RssDevice::probe(ModelBus::new(p)).unwrap();
    Rss::create(dev, &PF_QUEUES, 10).unwrap()
}

/// The adapter with VPort 1 (affinity processor 21) and VPort 2 (processor 30), all
/// three with the default key (a new VPort's, and the default VPort's here).
fn with_vports() -> Rss<ModelBus> {
    let mut rss = adapter(Params::default());
    rss.set_hash_secret_key(&MS_DEFAULT_KEY).unwrap();
    rss.create_vport(V1, &config(MAC1, CONN1, &VM1_QUEUES, 21))
        .unwrap();
    rss.create_vport(V2, &config(MAC2, CONN2, &VM2_QUEUES, 30))
        .unwrap();
    consistent(&rss);
    rss
}

/// `entries` system entries spread over the VPort's first `n` queues, enabled.
fn run(rss: &mut Rss<ModelBus>, vport: VPortId, entries: u32, n: u16) {
    let mut v = rss.vport_mut(vport).unwrap();
    v.set_table_size(entries).unwrap();
    v.spread_equal(n).unwrap();
    v.enable().unwrap();
}

fn regs(rss: &Rss<ModelBus>) -> &RegFile {
    &rss.device().bus().regs
}

fn consistent(rss: &Rss<ModelBus>) {
    assert_consistent(regs(rss), rss);
}

fn drain(rss: &mut Rss<ModelBus>) -> Vec<Indication> {
    std::iter::from_fn(|| rss.poll_indication()).collect()
}

/// The queue a record of VPort `e` must reach, from the driver's tracked state.
fn expected(e: ScalingEntity<'_>, record: &Record) -> u16 {
    let processor = if !e.is_enabled() {
        e.primary_processor()
    } else if record.hash_type.is_none() {
        e.default_processor()
    } else {
        let table = e.active_table();
        table[record.hash as usize % table.len()]
    };
    e.queue_of(processor).expect("active processor has a queue")
}

/// Frames to every created VPort's MAC (and to one no filter claims) reach that
/// VPort, and there the queue its own tracked state names.
fn traffic_follows_each_vport(rss: &Rss<ModelBus>) {
    for e in rss.vports() {
        let mac = e.mac().unwrap_or(MAC0);
        for n in 0..64 {
            let (record, _) = regs(rss).steer_frame(&frame(mac, n, false));
            assert_eq!(u32::from(record.vport), e.id().0, "flow {n} to {mac:x?}");
            assert_eq!(
                record.queue,
                expected(e, &record),
                "VPort {:?} flow {n}",
                e.id()
            );
        }
    }
}

// ---------------------------------------------------------------------------------
// Seed 002: creation, initial state, deletion.
// ---------------------------------------------------------------------------------

#[test]
fn a_created_vport_starts_with_one_entry_on_the_affinity_processor_and_rss_disabled() {
    let mut rss = adapter(Params::default());
    rss.create_vport(V1, &config(MAC1, CONN1, &VM1_QUEUES, 21))
        .unwrap();
    let e = rss.vport(V1).unwrap();
    assert!(!e.is_enabled());
    assert_eq!((e.table_entries(), e.active_table()), (1, &[21][..]));
    assert_eq!((e.primary_processor(), e.default_processor()), (21, 21));
    assert_eq!((e.mac(), e.connection()), (Some(MAC1), Some(CONN1)));
    // In hardware: RSS disabled, one entry, primary = default = queue 9, and the MAC
    // filter steering MAC1 to VPort 1.
    let active = regs(&rss).vport(1);
    assert!(!active.enabled);
    assert_eq!(active.table_size_log2, 0);
    assert_eq!((active.primary_queue, active.default_queue), (9, 9));
    assert_eq!(regs(&rss).table(1)[0], 9);
    assert_eq!(regs(&rss).vport_of_mac(MAC1), 1);
    consistent(&rss);
    traffic_follows_each_vport(&rss);
    for n in 0..16 {
        assert_eq!(regs(&rss).steer_frame(&frame(MAC1, n, false)).0.queue, 9);
    }
    // The default VPort is not disturbed.
    assert_eq!(rss.active_table(), &[10]);
    assert_eq!(regs(&rss).vport(0).primary_queue, 0);
}

#[test]
fn creating_a_vport_is_refused_without_a_change_when_it_cannot_be_honoured() {
    let mut rss = adapter(Params::default());
    rss.create_vport(V1, &config(MAC1, CONN1, &VM1_QUEUES, 21))
        .unwrap();
    drain(&mut rss);
    let before = snapshot(regs(&rss));
    let cases = [
        (
            VPortId(0),
            config(MAC2, CONN2, &VM2_QUEUES, 30),
            Error::DefaultVPort,
        ),
        (
            V1,
            config(MAC2, CONN2, &VM2_QUEUES, 30),
            Error::VPortExists { vport: 1 },
        ),
        (
            V2,
            config(MAC1, CONN2, &VM2_QUEUES, 30),
            Error::DuplicateMac {
                mac: MAC1,
                vport: 1,
            },
        ),
        (
            VPortId(4),
            config(MAC2, CONN2, &VM2_QUEUES, 30),
            Error::UnknownVPort {
                vport: 4,
                vports: 4,
            },
        ),
        (
            V2,
            config(MAC2, CONN2, &VM2_QUEUES, 99),
            Error::InvalidSteering {
                parameter: Steering::PrimaryProcessor,
                processor: 99,
                num_queues: 3,
            },
        ),
        (
            V2,
            config(MAC2, CONN2, &[], 30),
            Error::QueueCount {
                requested: 0,
                max: 64,
            },
        ),
    ];
    for (vport, config, error) in cases {
        assert_eq!(rss.create_vport(vport, &config), Err(error));
        assert_eq!(snapshot(regs(&rss)), before, "{error:?}");
    }
    assert!(rss.vport(V2).is_none());
    assert!(drain(&mut rss).is_empty());
    // A refused creation leaves the VPort creatable.
    rss.create_vport(V2, &config(MAC2, CONN2, &VM2_QUEUES, 30))
        .unwrap();
    consistent(&rss);
}

#[test]
fn a_vport_is_deleted_without_disabling_rss_first() {
    let mut rss = with_vports();
    run(&mut rss, V1, 8, 2);
    run(&mut rss, V2, 4, 3);
    drain(&mut rss);
    assert!(regs(&rss).vport(1).enabled);
    rss.delete_vport(V1).unwrap();
    // No frame reaches it: its filter is gone and its MAC goes to the default VPort.
    assert_eq!(regs(&rss).vport_of_mac(MAC1), 0);
    assert_eq!(regs(&rss).steer_frame(&frame(MAC1, 1, false)).0.vport, 0);
    // Its hardware state is the one after reset; nothing is left pending.
    let gone = regs(&rss).vport(1);
    assert!(!gone.enabled);
    assert_eq!((gone.table_size_log2, gone.primary_queue), (0, 0));
    assert!(regs(&rss).table(1).iter().all(|&q| q == 0));
    assert!(rss.vport(V1).is_none());
    assert_eq!(
        rss.vport_mut(V1).err(),
        Some(Error::UnknownVPort {
            vport: 1,
            vports: 4
        })
    );
    // Deleted, not disabled: the one indication is the deletion.
    let events: Vec<Event> = drain(&mut rss).iter().map(|i| i.event).collect();
    assert_eq!(events, [Event::VPortDeleted { vport: V1 }]);
    // Moves naming it are refused per entry; the other VPorts carry on.
    let mut batch = [
        IndirectionEntry::new(0, 20).on_vport(V1),
        IndirectionEntry::new(0, 31).on_vport(V2),
    ];
    assert!(rss.set_indirection_entries(&mut batch).is_err());
    assert_eq!(
        statuses(&batch),
        [EntryStatus::UnknownVPort, EntryStatus::Success]
    );
    consistent(&rss);
    traffic_follows_each_vport(&rss);
    assert_eq!(
        rss.delete_vport(V1),
        Err(Error::UnknownVPort {
            vport: 1,
            vports: 4
        })
    );
    assert_eq!(rss.delete_vport(VPortId::DEFAULT), Err(Error::DefaultVPort));
    // The VPort can be created again, in the initial state.
    rss.create_vport(V1, &config(MAC1, CONN1, &VM1_QUEUES, 20))
        .unwrap();
    assert_eq!(rss.vport(V1).unwrap().active_table(), &[20]);
    consistent(&rss);
    traffic_follows_each_vport(&rss);
}

// ---------------------------------------------------------------------------------
// Seeds 002, 003: per-VPort RSS state.
// ---------------------------------------------------------------------------------

#[test]
fn each_vport_hashes_with_its_own_key_hash_types_and_table() {
    let mut rss = with_vports();
    run(&mut rss, VPortId::DEFAULT, 16, 4);
    run(&mut rss, V1, 8, 2);
    run(&mut rss, V2, 4, 3);
    let ipv4_only = HashTypes::NONE.with(HashType::Ipv4);
    {
        let mut v = rss.vport_mut(V1).unwrap();
        v.set_hash_secret_key(&MS_DEFAULT_KEY).unwrap();
        v.set_hash_types(HashTypes::ALL).unwrap();
    }
    {
        let mut v = rss.vport_mut(V2).unwrap();
        v.set_hash_secret_key(&[0x5a; 40]).unwrap();
        v.set_hash_types(ipv4_only).unwrap();
    }
    let r = regs(&rss);
    assert_eq!(r.active_key(1), &MS_DEFAULT_KEY);
    assert_eq!(r.active_key(2), &[0x5a; 40]);
    assert_eq!(r.vport(1).hash_types, HashTypes::ALL);
    assert_eq!(r.vport(2).hash_types, ipv4_only);
    assert_eq!(
        (
            r.vport(0).table_size_log2,
            r.vport(1).table_size_log2,
            r.vport(2).table_size_log2
        ),
        (4, 3, 2)
    );
    // The same flow hashes differently on each VPort (its own key and types).
    let on = |mac| regs(&rss).steer_frame(&frame(mac, 7, false)).0;
    assert_eq!(on(MAC2).hash_type, Some(HashType::Ipv4));
    assert_eq!(on(MAC1).hash_type, Some(HashType::TcpIpv4));
    assert_ne!(on(MAC1).hash, on(MAC2).hash);
    consistent(&rss);
    traffic_follows_each_vport(&rss);
    // Changing one VPort leaves the others as they were.
    let before: Vec<_> = [0, 1]
        .map(|v| (*regs(&rss).vport(v), regs(&rss).table(v).to_vec()))
        .into();
    rss.vport_mut(V2)
        .unwrap()
        .replace_table(&[32, 31, 30, 30])
        .unwrap();
    rss.vport_mut(V2)
        .unwrap()
        .set_hash_secret_key(&SYMMETRIC_KEY)
        .unwrap();
    let after: Vec<_> = [0, 1]
        .map(|v| (*regs(&rss).vport(v), regs(&rss).table(v).to_vec()))
        .into();
    assert_eq!(after, before);
    assert_eq!(&regs(&rss).table(2)[..4], &[18, 17, 16, 16]);
    consistent(&rss);
    traffic_follows_each_vport(&rss);
}

#[test]
fn each_vport_is_enabled_and_disabled_on_its_own_with_its_tracked_parameters() {
    let mut rss = with_vports();
    run(&mut rss, V1, 4, 2);
    run(&mut rss, V2, 1, 1);
    rss.vport_mut(V1).unwrap().disable().unwrap();
    assert!(!regs(&rss).vport(1).enabled);
    assert!(regs(&rss).vport(2).enabled);
    // While VPort 1 is disabled its table and default processor are tracked: any
    // processor is accepted and nothing is written.
    let before = snapshot(regs(&rss));
    let mut batch = [
        IndirectionEntry::new(2, 99).on_vport(V1),
        IndirectionEntry::default_processor(98).on_vport(V1),
    ];
    rss.set_indirection_entries(&mut batch).unwrap();
    assert_eq!(snapshot(regs(&rss)), before);
    assert_eq!(rss.vport(V1).unwrap().active_table(), &[20, 21, 99, 21]);
    // The same processor on the enabled VPort 2 is active, so refused.
    let mut other = [IndirectionEntry::new(0, 99).on_vport(V2)];
    assert!(rss.set_indirection_entries(&mut other).is_err());
    assert_eq!(statuses(&other), [EntryStatus::NoQueueForProcessor]);
    // Enabling VPort 1 validates what was tracked and refuses, changing nothing.
    assert_eq!(
        rss.vport_mut(V1).unwrap().enable(),
        Err(Error::InvalidSteering {
            parameter: Steering::Entry(2),
            processor: 99,
            num_queues: 2
        })
    );
    assert!(!rss.vport(V1).unwrap().is_enabled());
    assert_eq!(snapshot(regs(&rss)), before);
    let mut fix = [
        IndirectionEntry::new(2, 20).on_vport(V1),
        IndirectionEntry::default_processor(21).on_vport(V1),
    ];
    rss.set_indirection_entries(&mut fix).unwrap();
    rss.vport_mut(V1).unwrap().enable().unwrap();
    assert_eq!(&regs(&rss).table(1)[..4], &[8, 9, 8, 9]);
    assert_eq!(regs(&rss).vport(1).default_queue, 9);
    consistent(&rss);
    traffic_follows_each_vport(&rss);
    // The primary processor is tracked while enabled and validated on disable.
    rss.vport_mut(V1)
        .unwrap()
        .set_primary_processor(77)
        .unwrap();
    assert_eq!(
        rss.vport_mut(V1).unwrap().disable(),
        Err(Error::InvalidSteering {
            parameter: Steering::PrimaryProcessor,
            processor: 77,
            num_queues: 2
        })
    );
    assert!(regs(&rss).vport(1).enabled);
    consistent(&rss);
}

#[test]
fn symmetric_hashing_is_switched_per_vport() {
    let mut rss = with_vports();
    run(&mut rss, VPortId::DEFAULT, 8, 4);
    run(&mut rss, V1, 8, 2);
    rss.set_hash_types(HashTypes::ALL).unwrap();
    {
        let mut v = rss.vport_mut(V1).unwrap();
        v.set_hash_types(HashTypes::ALL).unwrap();
        v.set_symmetric(true).unwrap();
        assert!(v.state().is_symmetric());
    }
    assert!(regs(&rss).vport(1).symmetric);
    assert!(!regs(&rss).vport(0).symmetric);
    let both_ways = |rss: &Rss<ModelBus>, mac, n| {
        let there = regs(rss).steer_frame(&frame(mac, n, false)).0;
        let back = regs(rss).steer_frame(&frame(mac, n, true)).0;
        (there, back)
    };
    for n in 0..64 {
        let (there, back) = both_ways(&rss, MAC1, n);
        assert_eq!(
            (there.hash, there.queue),
            (back.hash, back.queue),
            "flow {n}"
        );
    }
    // The default VPort hashes the two directions apart.
    assert!((0..64).any(|n| {
        let (there, back) = both_ways(&rss, MAC0, n);
        there.hash != back.hash
    }));
    rss.vport_mut(V1).unwrap().set_symmetric(false).unwrap();
    assert!(!regs(&rss).vport(1).symmetric);
    assert!((0..64).any(|n| {
        let (there, back) = both_ways(&rss, MAC1, n);
        there.hash != back.hash
    }));
    consistent(&rss);
    traffic_follows_each_vport(&rss);
}

// ---------------------------------------------------------------------------------
// Seed 002: one move request across VPorts.
// ---------------------------------------------------------------------------------

#[test]
fn one_move_request_spans_several_vports_each_entry_with_its_own_status() {
    let mut rss = with_vports();
    run(&mut rss, VPortId::DEFAULT, 8, 4);
    run(&mut rss, V1, 4, 2);
    // VPort 2 stays disabled: its primary processor is active, the rest tracked.
    let mut batch = [
        IndirectionEntry::new(0, 13),
        IndirectionEntry::new(1, 20).on_vport(V1),
        IndirectionEntry::new(9, 20).on_vport(V1),
        IndirectionEntry::new(0, 99).on_vport(V2),
        IndirectionEntry::new(0, 13).on_vport(V1),
        IndirectionEntry::new(0, 10).on_vport(VPortId(3)),
        IndirectionEntry::new(0, 10).on_vport(VPortId(9)),
        IndirectionEntry::default_processor(20).on_vport(V1),
        IndirectionEntry::primary_processor(31).on_vport(V2),
        IndirectionEntry::primary_processor(99).on_vport(V2),
    ];
    use EntryStatus::*;
    assert_move_statuses(
        &mut rss,
        &mut batch,
        Err(Error::EntriesFailed {
            invalid: 5,
            device: 0,
        }),
        &[
            Success,
            Success,
            InvalidParameter,    // VPort 1 has 4 entries
            Success,             // tracked: VPort 2 is disabled
            NoQueueForProcessor, // processor 13 is the default VPort's, not VPort 1's
            UnknownVPort,        // not created
            UnknownVPort,        // not in this build
            Success,
            Success,             // VPort 2's active primary: written at once
            NoQueueForProcessor, // ... so validated at once
        ],
    );
    assert_eq!(rss.active_table()[0], 13);
    let v1 = rss.vport(V1).unwrap();
    assert_eq!(
        (v1.active_table(), v1.default_processor()),
        (&[20, 20, 20, 21][..], 20)
    );
    let v2 = rss.vport(V2).unwrap();
    assert_eq!((v2.active_table(), v2.primary_processor()), (&[99][..], 31));
    let r = regs(&rss);
    assert_eq!(
        (r.table(0)[0], r.table(1)[1], r.vport(1).default_queue),
        (3, 8, 8)
    );
    assert_eq!(r.vport(2).primary_queue, 17);
    consistent(&rss);
    traffic_follows_each_vport(&rss);
}

#[test]
fn moves_the_hardware_refuses_fail_per_entry_and_the_vport_is_rewritten() {
    let mut rss = with_vports();
    run(&mut rss, V1, 4, 2);
    assert_eq!(rss.vport(V1).unwrap().active_table(), &[20, 21, 20, 21]);
    // Behind the driver's back, VPort 1's active state shrinks: 2 entries, queues up
    // to 8 (the staging set holds VPort 1's parameters, its last commit).
    let bus = rss.bus_mut();
    bus.regs.write(offset::TABLE_SIZE, 1, 0xf).unwrap();
    bus.regs.write(offset::QUEUE_LIMIT, 8, 0xf).unwrap();
    bus.regs.write(offset::COMMIT, 1 | 1 << 8, 0xf).unwrap();
    let mut batch = [
        IndirectionEntry::new(0, 21).on_vport(V1), // queue 9: above the limit
        IndirectionEntry::new(3, 20).on_vport(V1), // entry 3: past the table size
        IndirectionEntry::new(1, 20).on_vport(V1), // fine
        IndirectionEntry::new(0, 11),              // another VPort: fine
    ];
    use EntryStatus::*;
    assert_move_statuses(
        &mut rss,
        &mut batch,
        Err(Error::EntriesFailed {
            invalid: 2,
            device: 0,
        }),
        &[QueueLimitExceeded, InvalidParameter, Success, Success],
    );
    // REFUSED counts the two MOVEs the hardware refused, and no other write.
    assert_eq!(
        rss.refused(),
        Ok(Refused {
            writes: 2,
            moves: 2
        })
    );
    // The refused entries keep their processors.
    assert_eq!(rss.vport(V1).unwrap().active_table(), &[20, 20, 20, 21]);
    assert_eq!(regs(&rss).table(1)[1], 8);
    assert_eq!(rss.active_table()[0], 11);
    // The VPort's hardware state is not what the driver wrote: it is rewritten.
    assert!(!rss.vport(V1).unwrap().is_synchronized());
    rss.resynchronize().unwrap();
    assert_eq!(regs(&rss).vport(1).table_size_log2, 2);
    assert_eq!(regs(&rss).vport(1).queue_limit, 9);
    consistent(&rss);
    traffic_follows_each_vport(&rss);
}

// ---------------------------------------------------------------------------------
// Seed 004: indications about VPorts.
// ---------------------------------------------------------------------------------

#[test]
fn vport_created_and_deleted_indications_go_to_the_partition_from_the_default_port() {
    let mut rss = adapter(Params::default());
    rss.set_external_port_id(7);
    rss.create_vport(V1, &config(MAC1, CONN1, &VM1_QUEUES, 21))
        .unwrap();
    let from_default = |event, destination| Indication {
        source: SwitchEndpoint::DEFAULT,
        destination,
        event,
    };
    assert_eq!(
        drain(&mut rss),
        [from_default(Event::VPortCreated { vport: V1 }, CONN1)]
    );
    assert_eq!(SwitchEndpoint::DEFAULT.port_id, NDIS_SWITCH_DEFAULT_PORT_ID);
    // The VPort's state changes go to its partition too; the adapter's to the
    // default port from the external port.
    rss.vport_mut(V1).unwrap().enable().unwrap();
    rss.enable().unwrap();
    assert_eq!(
        drain(&mut rss),
        [
            from_default(Event::RssEnabled { vport: V1 }, CONN1),
            Indication::for_physical_adapter(
                7,
                Event::RssEnabled {
                    vport: VPortId::DEFAULT
                }
            ),
        ]
    );
    // The partition's connection moves: later indications follow it.
    rss.vport_mut(V1).unwrap().set_connection(CONN2).unwrap();
    rss.delete_vport(V1).unwrap();
    assert_eq!(
        drain(&mut rss),
        [from_default(Event::VPortDeleted { vport: V1 }, CONN2)]
    );
    assert_eq!(
        rss.vport_mut(VPortId::DEFAULT)
            .unwrap()
            .set_connection(CONN1),
        Err(Error::DefaultVPort)
    );
}

// ---------------------------------------------------------------------------------
// Capabilities.
// ---------------------------------------------------------------------------------

#[test]
fn capabilities_report_vports_mac_filters_and_per_vport_table_sizes() {
    for (log2, vports, mac_filters) in [(7, 8, 16), (10, 1, 1), (4, 4, 2), (6, 4, 8), (1, 8, 3)] {
        let p = Params {
            table_entries_log2: log2,
            num_queues: 64,
            vports,
            mac_filters,
            hash_probe: true,
            tx_lookup: false,
            key_bytes: if vports == 4 { 52 } else { 40 },
        };
        let mut rss = adapter(p);
        let caps = rss.receive_scaling_capabilities();
        let hardware = 1u32 << log2;
        let system = hardware.max(128);
        assert_eq!(
            (caps.vports, caps.mac_filters),
            (vports.into(), mac_filters.into())
        );
        assert_eq!(caps.hardware_table_entries_per_vport, hardware);
        assert_eq!(caps.table_entries_per_vport, system);
        assert_eq!(caps.table_entries_per_non_default_vport, system);
        assert_eq!(caps.indirection_table_entries, system);
        assert!(caps.symmetric_hashing);
        // VPorts up to the build's count and one MAC filter entry each.
        let mut created = 0;
        for v in 1..u32::from(vports) {
            let mac = [2, 0, 0, 0, 0, v as u8];
            let result = rss.create_vport(VPortId(v), &config(mac, CONN1, &VM1_QUEUES, 20));
            if created < usize::from(mac_filters) {
                result.unwrap();
                created += 1;
            } else {
                assert_eq!(result, Err(Error::NoFreeMacFilter { mac_filters }));
            }
        }
        assert_eq!(
            rss.create_vport(
                VPortId(vports.into()),
                &config(MAC0, CONN1, &VM1_QUEUES, 20)
            ),
            Err(Error::UnknownVPort {
                vport: vports.into(),
                vports: vports.into()
            })
        );
        // Every created VPort takes a system table of the reported size, not more.
        for id in rss.vports().map(|e| e.id()).collect::<Vec<_>>() {
            let mut v = rss.vport_mut(id).unwrap();
            v.set_table_size(system).unwrap();
            assert_eq!(
                v.set_table_size(system * 2),
                Err(Error::TableSize {
                    entries: system * 2,
                    max: system
                })
            );
            v.spread_equal(1).unwrap();
            v.enable().unwrap();
        }
        consistent(&rss);
        traffic_follows_each_vport(&rss);
        // Deleting a VPort frees its filter entry for the next one.
        if created > 0 && created == usize::from(mac_filters) && vports > 2 {
            rss.delete_vport(V1).unwrap();
            let last = VPortId(u32::from(vports) - 1);
            if rss.vport(last).is_none() {
                rss.create_vport(last, &config(MAC1, CONN1, &VM1_QUEUES, 20))
                    .unwrap();
            }
            consistent(&rss);
        }
    }
}

// ---------------------------------------------------------------------------------
// Driver restart.
// ---------------------------------------------------------------------------------

#[test]
fn a_restarted_driver_adopts_every_vport_and_its_active_table() {
    let mut rss = with_vports();
    run(&mut rss, VPortId::DEFAULT, 8, 4);
    run(&mut rss, V1, 4, 2);
    let tables: Vec<Vec<u16>> = (0..3).map(|v| regs(&rss).table(v).to_vec()).collect();
    // The keys cannot be read back per VPort: the driver takes each to be the staged
    // key (the last one committed), true here as every VPort has the default key.
    let mut bus = rss.into_device().into_bus();
    // A shadow that is not a copy of the active table (another driver's leftovers).
    bus.regs
        .write(offset::TABLE + 4 * (128 + 1), 63, 0xf)
        .unwrap();
    let before: Vec<_> = (0..3).map(|v| *bus.regs.vport(v)).collect();
    let rss = Rss::new(RssDevice::probe(bus).unwrap()).unwrap();
    // Nothing that steers changed; the tables are read back from the active bank.
    for v in 0..3 {
        assert_eq!(regs(&rss).table(v), tables[v].as_slice(), "VPort {v}");
        assert_eq!(*regs(&rss).vport(v), before[v]);
    }
    assert_eq!(read(regs(&rss), offset::TABLE_READ), 0);
    let ids: Vec<VPortId> = rss.vports().map(|e| e.id()).collect();
    assert_eq!(ids, [VPortId::DEFAULT, V1, V2]);
    let v1 = rss.vport(V1).unwrap();
    assert_eq!(
        (v1.mac(), v1.connection()),
        (Some(MAC1), Some(SwitchEndpoint::DEFAULT))
    );
    // Processors are taken to be the queues' numbers until the OS says otherwise.
    assert_eq!(v1.active_table(), &[8, 9, 8, 9]);
    assert!(v1.is_enabled());
    assert_eq!(rss.vport(V2).unwrap().active_table(), &[16]);
    // The stray shadow entry was made a copy of the active one.
    consistent(&rss);
    traffic_follows_each_vport(&rss);
}
