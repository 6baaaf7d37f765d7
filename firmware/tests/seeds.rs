//! One test per requirement of seeds 000-004 (the table in `firmware/README.md` maps
//! each quoted sentence to these names), against the model register file.

mod common;

use common::{
    ModelBus, assert_consistent, assert_move_statuses, expected_queue, moves, params, read,
    snapshot, statuses,
};
use rss_fw::indication::{
    INDICATION_QUEUE_DEPTH, IndicationQueue, NDIS_SWITCH_DEFAULT_NIC_INDEX,
    NDIS_SWITCH_DEFAULT_PORT_ID,
};
use rss_fw::rssv2::{
    NDIS_RSS_CAPS_SUPPORTS_INDEPENDENT_ENTRY_MOVE,
    NDIS_RSS_SET_INDIRECTION_ENTRY_FLAG_DEFAULT_PROCESSOR,
    NDIS_RSS_SET_INDIRECTION_ENTRY_FLAG_PRIMARY_PROCESSOR,
};
use rss_fw::spread::SYMMETRIC_KEY;
use rss_fw::{
    DatapathQueue, EntryStatus, Error, Event, HashType, HashTypes, Indication, IndirectionEntry,
    MoveKind, Rss, RssDevice, Steering, SwitchEndpoint, VPortId,
};
use rss_model::regmap::{Params, offset};
use rss_model::toeplitz_bitwise;
use rss_model::tuple::{Transport, Tuple};
use std::net::Ipv4Addr;

/// Four datapath queues on processors 10..=13, behind hardware queues 7, 5, 3, 1
/// (the driver's own queue numbering, not the OS's).
const QUEUES: [DatapathQueue; 4] = [
    DatapathQueue::new(10, 7),
    DatapathQueue::new(11, 5),
    DatapathQueue::new(12, 3),
    DatapathQueue::new(13, 1),
];

fn created(p: Params) -> Rss<ModelBus> {
    let dev = RssDevice::probe(ModelBus::new(p)).unwrap();
    Rss::create(dev, &QUEUES, 11).unwrap()
}

/// Created, `entries` system entries spread over the four processors, enabled.
fn running(p: Params, entries: u32) -> Rss<ModelBus> {
    let mut rss = created(p);
    rss.set_table_size(entries).unwrap();
    rss.spread_equal(4).unwrap();
    rss.enable().unwrap();
    consistent(&rss);
    rss
}

fn consistent(rss: &Rss<ModelBus>) {
    assert_consistent(&rss.device().bus().regs, rss);
}

fn tcp(a: [u8; 4], b: [u8; 4], sport: u16, dport: u16) -> Tuple {
    Tuple::v4(
        Ipv4Addr::from(a),
        Ipv4Addr::from(b),
        Some((sport, dport, Transport::Tcp)),
    )
}

/// Every record of many flows reaches the queue the driver's tracked state names.
fn traffic_follows_the_tracked_state(rss: &Rss<ModelBus>) {
    let regs = &rss.device().bus().regs;
    for n in 0u16..200 {
        let [hi, lo] = n.to_be_bytes();
        let record = regs.steer(0, &tcp([10, 0, hi, lo], [10, 1, lo, hi], 1000 + n, 80));
        assert_eq!(record.queue, expected_queue(rss, &record), "flow {n}");
    }
    assert_eq!(
        regs.steer(0, &Tuple::UNHASHABLE).queue,
        expected_queue(rss, &regs.steer(0, &Tuple::UNHASHABLE))
    );
}

// ---------------------------------------------------------------------------------
// Seed 000: EvtNetAdapterReceiveScalingSetIndirectionEntries.
// ---------------------------------------------------------------------------------

#[test]
fn each_move_records_its_own_status() {
    let mut rss = running(Params::default(), 8);
    let mut batch = moves(&[(0, 13), (8, 10), (1, 99), (2, 12)]);
    use EntryStatus::*;
    assert_move_statuses(
        &mut rss,
        &mut batch,
        Err(Error::EntriesFailed {
            invalid: 2,
            device: 0,
        }),
        &[Success, InvalidParameter, NoQueueForProcessor, Success],
    );
    assert_eq!(rss.active_table(), &[13, 11, 12, 13, 10, 11, 12, 13]);
    consistent(&rss);
}

#[test]
fn moves_are_translated_to_the_drivers_own_queue_ids() {
    let mut rss = running(Params::default(), 4);
    rss.set_indirection_entries(&mut moves(&[(0, 13), (1, 12)]))
        .unwrap();
    // Processors 13 and 12 are hardware queues 1 and 3.
    assert_eq!(&rss.device().bus().regs.table(0)[..4], &[1, 3, 3, 1]);
    traffic_follows_the_tracked_state(&rss);
}

#[test]
fn a_compressed_table_shares_one_hardware_entry_among_system_entries() {
    // 16 system entries on a 4-entry hardware table: hardware entry h serves system
    // entries h, h + 4, h + 8, h + 12.
    let mut rss = running(params(2, 8), 16);
    assert_eq!(rss.hardware_entries(), 4);
    let mut group = moves(&[(1, 10), (5, 10), (9, 10), (13, 10)]);
    rss.set_indirection_entries(&mut group).unwrap();
    assert_eq!(rss.device().bus().regs.table(0)[1], 7);
    assert_eq!(rss.active_table()[13], 10);
    traffic_follows_the_tracked_state(&rss);
    consistent(&rss);
}

#[test]
fn a_move_a_compressed_table_cannot_hold_is_refused_per_entry() {
    let mut rss = running(params(2, 8), 16);
    let before = snapshot(&rss.device().bus().regs);
    let table = rss.active_table().to_vec();
    // Entry 1 alone would split hardware entry 1 from entries 5, 9, 13; entry 2 with
    // all its sharers is fine.
    let mut batch = moves(&[(1, 10), (2, 13), (6, 13), (10, 13), (14, 13)]);
    assert_eq!(
        rss.set_indirection_entries(&mut batch),
        Err(Error::EntriesFailed {
            invalid: 1,
            device: 0
        })
    );
    assert_eq!(batch[0].status, EntryStatus::NotRepresentable);
    assert!(batch[1..].iter().all(|e| e.status == EntryStatus::Success));
    assert_eq!(rss.active_table()[1], table[1]);
    assert_ne!(snapshot(&rss.device().bus().regs), before);
    consistent(&rss);
    // Enabling a tracked table that cannot be compressed is refused the same way.
    rss.disable().unwrap();
    rss.set_indirection_entries(&mut moves(&[(5, 12)])).unwrap();
    assert_eq!(
        rss.enable(),
        Err(Error::NotRepresentable {
            hardware_entry: 1,
            entries: (1, 5)
        })
    );
}

#[test]
fn an_expanded_table_fills_every_hardware_entry_of_a_system_entry() {
    let mut rss = running(params(4, 8), 2);
    rss.set_fixed_hardware_entries(Some(16)).unwrap();
    assert_eq!(rss.hardware_entries(), 16);
    rss.set_indirection_entries(&mut moves(&[(1, 13)])).unwrap();
    let table = rss.device().bus().regs.table(0);
    // System entry 1 is hardware entries 1, 3, 5, ..., 15.
    for h in (1..16).step_by(2) {
        assert_eq!(table[h], 1, "hardware entry {h}");
    }
    traffic_follows_the_tracked_state(&rss);
    consistent(&rss);
}

#[test]
fn system_tables_up_to_128_entries_work_on_any_build() {
    // NDIS's native table (128 entries) on a 2-entry hardware table: spread over
    // four processors it cannot be compressed (entries 0 and 2 share hardware entry
    // 0), over two it can.
    let mut rss = created(params(1, 8));
    rss.set_table_size(128).unwrap();
    rss.spread_equal(4).unwrap();
    assert_eq!(
        rss.enable(),
        Err(Error::NotRepresentable {
            hardware_entry: 0,
            entries: (0, 2)
        })
    );
    rss.spread_equal(2).unwrap();
    rss.enable().unwrap();
    assert_eq!((rss.table_entries(), rss.hardware_entries()), (128, 2));
    traffic_follows_the_tracked_state(&rss);
    consistent(&rss);
    assert_eq!(
        rss.set_table_size(256),
        Err(Error::TableSize {
            entries: 256,
            max: 128
        })
    );
}

// ---------------------------------------------------------------------------------
// Seed 001: NetAdapterCx RSS.
// ---------------------------------------------------------------------------------

#[test]
fn a_processor_without_a_datapath_queue_is_refused_per_entry() {
    let mut rss = running(Params::default(), 4);
    let mut batch = moves(&[(0, 14), (1, 10)]);
    assert!(rss.set_indirection_entries(&mut batch).is_err());
    assert_eq!(
        statuses(&batch),
        [EntryStatus::NoQueueForProcessor, EntryStatus::Success]
    );
    assert_eq!(
        rss.set_default_processor(14),
        Err(Error::InvalidSteering {
            parameter: Steering::DefaultProcessor,
            processor: 14,
            num_queues: 4
        })
    );
}

#[test]
fn a_new_queue_map_rewrites_the_active_parameters() {
    let mut rss = running(Params::default(), 4);
    let moved = [
        DatapathQueue::new(10, 20),
        DatapathQueue::new(11, 21),
        DatapathQueue::new(12, 22),
        DatapathQueue::new(13, 23),
        DatapathQueue::new(14, 24),
    ];
    rss.set_datapath_queues(&moved).unwrap();
    assert_eq!(&rss.device().bus().regs.table(0)[..4], &[20, 21, 22, 23]);
    assert_eq!(read(&rss.device().bus().regs, offset::DEFAULT_QUEUE), 21);
    traffic_follows_the_tracked_state(&rss);
    // Processor 11 (the default processor) losing its queue is refused.
    let without_11 = [DatapathQueue::new(10, 1), DatapathQueue::new(12, 2)];
    let before = snapshot(&rss.device().bus().regs);
    assert!(rss.set_datapath_queues(&without_11).is_err());
    assert_eq!(snapshot(&rss.device().bus().regs), before);
    // Maps that name a processor or a queue twice are refused.
    assert_eq!(
        rss.set_datapath_queues(&[DatapathQueue::new(1, 1), DatapathQueue::new(1, 2)]),
        Err(Error::DuplicateProcessor { processor: 1 })
    );
    assert_eq!(
        rss.set_datapath_queues(&[DatapathQueue::new(1, 1), DatapathQueue::new(2, 1)]),
        Err(Error::DuplicateHardwareQueue { queue: 1 })
    );
}

#[test]
fn enable_and_disable_keep_the_indirection_table() {
    let mut rss = running(Params::default(), 8);
    let hardware = rss.device().bus().regs.table(0).to_vec();
    let tracked = rss.active_table().to_vec();
    rss.disable().unwrap();
    rss.enable().unwrap();
    assert_eq!(rss.device().bus().regs.table(0), hardware.as_slice());
    assert_eq!(rss.active_table(), tracked.as_slice());
}

#[test]
fn capabilities_report_what_ndis_and_netadaptercx_ask() {
    let rss = created(params(6, 48));
    let caps = rss.receive_scaling_capabilities();
    assert_eq!(caps.receive_queues, 4);
    assert_eq!(caps.hardware_queues, 48);
    assert_eq!(caps.hardware_table_entries, 64);
    // NDIS's 128 entries per scaling entity, compressed onto 64 in hardware.
    assert_eq!(caps.indirection_table_entries, 128);
    assert_eq!(caps.table_entries_per_vport, 128);
    assert_eq!(caps.hash_secret_key_bytes, 40);
    assert_eq!(caps.hash_types, HashTypes::ALL);
    assert_eq!(caps.vports, 4);
    // Toeplitz, the six 4-tuple hash-type flags (0x100..0x2000), independent moves.
    assert_eq!(
        caps.ndis_capabilities_flags(),
        0x1 | 0x3f00 | NDIS_RSS_CAPS_SUPPORTS_INDEPENDENT_ENTRY_MOVE
    );
}

#[test]
fn a_new_key_is_active_at_once_and_indicated() {
    let mut rss = running(Params::default(), 4);
    while rss.poll_indication().is_some() {}
    rss.set_hash_secret_key(&SYMMETRIC_KEY).unwrap();
    assert_eq!(rss.device().bus().regs.active_key(0), &SYMMETRIC_KEY);
    let generation = rss.device().bus().regs.read(offset::STATUS).unwrap() as u16;
    assert_eq!(
        rss.poll_indication().map(|i| i.event),
        Some(Event::KeyChanged {
            vport: VPortId::DEFAULT,
            generation
        })
    );
}

// ---------------------------------------------------------------------------------
// Seed 002: RSSv2.
// ---------------------------------------------------------------------------------

#[test]
fn capabilities_advertise_independent_entry_moves() {
    let caps = created(Params::default()).receive_scaling_capabilities();
    assert!(caps.independent_entry_move);
    assert_ne!(
        caps.ndis_capabilities_flags() & NDIS_RSS_CAPS_SUPPORTS_INDEPENDENT_ENTRY_MOVE,
        0
    );
}

#[test]
fn a_new_scaling_entity_starts_with_one_entry_on_the_affinity_processor() {
    let rss = created(Params::default());
    assert!(!rss.is_enabled());
    assert_eq!(rss.table_entries(), 1);
    assert_eq!(rss.active_table(), &[11]);
    assert_eq!((rss.primary_processor(), rss.default_processor()), (11, 11));
    let regs = &rss.device().bus().regs;
    assert_eq!(
        read(regs, offset::TABLE_SIZE),
        0,
        "TABLE_SIZE.LOG2 0: one entry"
    );
    assert_eq!(regs.table(0)[0], 5);
    assert_eq!(read(regs, offset::PRIMARY_QUEUE), 5);
    assert_eq!(read(regs, offset::DEFAULT_QUEUE), 5);
    consistent(&rss);
    // Everything goes to the affinity processor's queue while RSS is off.
    assert_eq!(
        regs.steer(0, &tcp([1, 2, 3, 4], [5, 6, 7, 8], 1, 2)).queue,
        5
    );
    // Enabling the initial state steers every flow to the one entry: same queue.
    let mut rss = rss;
    rss.enable().unwrap();
    traffic_follows_the_tracked_state(&rss);
    // The affinity processor must have a queue: it steers from the start.
    let dev = RssDevice::probe(ModelBus::new(Params::default())).unwrap();
    assert!(matches!(
        Rss::create(dev, &QUEUES, 99),
        Err(Error::InvalidSteering {
            parameter: Steering::PrimaryProcessor,
            processor: 99,
            ..
        })
    ));
}

#[test]
fn primary_and_default_processors_move_through_the_same_request() {
    let mut rss = created(Params::default());
    let mut batch = [
        IndirectionEntry::with_kind(
            MoveKind::from_ndis(NDIS_RSS_SET_INDIRECTION_ENTRY_FLAG_PRIMARY_PROCESSOR, 0),
            12,
        ),
        IndirectionEntry::with_kind(
            MoveKind::from_ndis(NDIS_RSS_SET_INDIRECTION_ENTRY_FLAG_DEFAULT_PROCESSOR, 0),
            13,
        ),
        IndirectionEntry::with_kind(MoveKind::from_ndis(0, 0), 10),
    ];
    rss.set_indirection_entries(&mut batch).unwrap();
    assert_eq!((rss.primary_processor(), rss.default_processor()), (12, 13));
    assert_eq!(rss.active_table(), &[10]);
    // The primary processor is active (RSS disabled): written at once.
    assert_eq!(read(&rss.device().bus().regs, offset::PRIMARY_QUEUE), 3);
    consistent(&rss);
}

#[test]
fn moving_the_primary_processor_leaves_default_and_table_alone() {
    let mut rss = running(Params::default(), 4);
    let table = rss.active_table().to_vec();
    let default = rss.default_processor();
    rss.set_primary_processor(13).unwrap();
    rss.disable().unwrap();
    rss.set_primary_processor(10).unwrap();
    assert_eq!(rss.active_table(), table.as_slice());
    assert_eq!(rss.default_processor(), default);
    assert_eq!(read(&rss.device().bus().regs, offset::PRIMARY_QUEUE), 7);
}

#[test]
fn steering_uses_the_parameters_active_in_each_state() {
    let mut rss = running(Params::default(), 8);
    rss.set_primary_processor(13).unwrap();
    traffic_follows_the_tracked_state(&rss); // table and default
    rss.disable().unwrap();
    traffic_follows_the_tracked_state(&rss); // primary only
    let regs = &rss.device().bus().regs;
    assert_eq!(
        regs.steer(0, &tcp([1, 1, 1, 1], [2, 2, 2, 2], 3, 4)).queue,
        1
    );
    assert_eq!(regs.steer(0, &Tuple::UNHASHABLE).queue, 1);
}

#[test]
fn updates_to_inactive_parameters_are_tracked_not_applied() {
    let mut rss = running(Params::default(), 4);
    rss.disable().unwrap();
    let before = snapshot(&rss.device().bus().regs);
    // Processor 40 has no queue: fine while the table is inactive.
    rss.set_indirection_entries(&mut moves(&[(0, 40), (1, 12)]))
        .unwrap();
    rss.set_default_processor(41).unwrap();
    assert_eq!(rss.active_table()[..2], [40, 12]);
    assert_eq!(rss.default_processor(), 41);
    assert_eq!(snapshot(&rss.device().bus().regs), before);
}

#[test]
fn the_state_change_validates_tracked_parameters_and_fails_if_any_is_invalid() {
    let mut rss = running(Params::default(), 4);
    rss.disable().unwrap();
    rss.set_indirection_entries(&mut moves(&[(2, 40)])).unwrap();
    let before = snapshot(&rss.device().bus().regs);
    assert_eq!(
        rss.enable(),
        Err(Error::InvalidSteering {
            parameter: Steering::Entry(2),
            processor: 40,
            num_queues: 4
        })
    );
    assert_eq!(snapshot(&rss.device().bus().regs), before);
    rss.set_indirection_entries(&mut moves(&[(2, 12)])).unwrap();
    rss.enable().unwrap();
    // The tracked primary is checked when disabling activates it.
    rss.set_primary_processor(50).unwrap();
    assert!(matches!(
        rss.disable(),
        Err(Error::InvalidSteering {
            parameter: Steering::PrimaryProcessor,
            processor: 50,
            ..
        })
    ));
    assert!(rss.is_enabled());
    consistent(&rss);
}

#[test]
fn after_disable_traffic_targets_the_primary_processor_either_way() {
    // Either the upper layer points every entry at the primary first...
    let mut rss = running(Params::default(), 8);
    let all: Vec<(u32, u32)> = (0..8).map(|i| (i, 11)).collect();
    rss.set_indirection_entries(&mut moves(&all)).unwrap();
    rss.disable().unwrap();
    traffic_follows_the_tracked_state(&rss);
    // ...or leaves the table as it is.
    let mut rss = running(Params::default(), 8);
    rss.disable().unwrap();
    let regs = &rss.device().bus().regs;
    for n in 0..50u8 {
        assert_eq!(
            regs.steer(0, &tcp([n, 0, 0, 1], [0, n, 0, 2], 5, 6)).queue,
            5
        );
    }
}

#[test]
fn no_move_is_left_pending() {
    let mut rss = running(params(2, 8), 16);
    let mut batch = moves(&[(0, 10), (1, 99), (40, 10), (3, 13), (7, 13)]);
    batch.push(IndirectionEntry::new(2, 10).on_vport(VPortId(3)));
    batch.push(IndirectionEntry::default_processor(10));
    let _ = rss.set_indirection_entries(&mut batch);
    assert!(batch.iter().all(|e| e.status != EntryStatus::Pending));
}

#[test]
fn a_move_naming_another_vport_is_refused_per_entry() {
    let mut rss = running(Params::default(), 4);
    let mut batch = [
        IndirectionEntry::new(0, 12).on_vport(VPortId(1)),
        IndirectionEntry::new(0, 13).on_vport(VPortId::DEFAULT),
    ];
    assert!(rss.set_indirection_entries(&mut batch).is_err());
    assert_eq!(
        statuses(&batch),
        [EntryStatus::UnknownVPort, EntryStatus::Success]
    );
    assert_eq!(rss.active_table()[0], 13);
}

#[test]
fn invariant_1_reducing_queues_below_the_processors_referenced_is_refused() {
    let mut rss = running(Params::default(), 8);
    assert_eq!(
        rss.set_queue_limit(3),
        Err(Error::TooManyProcessors {
            referenced: 4,
            queues: 3
        })
    );
    assert_eq!(
        rss.set_datapath_queues(&QUEUES[..2]),
        Err(Error::TooManyProcessors {
            referenced: 4,
            queues: 2
        })
    );
    // Once the table uses two processors, both succeed.
    let two: Vec<(u32, u32)> = (0..8).map(|i| (i, 10 + (i % 2))).collect();
    rss.set_indirection_entries(&mut moves(&two)).unwrap();
    rss.set_queue_limit(2).unwrap();
    assert_eq!(rss.queue_limit(), 2);
    rss.set_default_processor(10).unwrap();
    rss.set_datapath_queues(&QUEUES[..2]).unwrap();
    consistent(&rss);
}

#[test]
fn invariant_2_a_move_past_the_queue_count_fails_per_entry() {
    let mut rss = running(Params::default(), 4);
    let two: Vec<(u32, u32)> = (0..4).map(|i| (i, 10 + (i % 2))).collect();
    rss.set_indirection_entries(&mut moves(&two)).unwrap();
    rss.set_queue_limit(2).unwrap();
    // A third processor would need a third queue.
    let mut batch = moves(&[(0, 11), (1, 12)]);
    assert!(rss.set_indirection_entries(&mut batch).is_err());
    assert_eq!(
        statuses(&batch),
        [EntryStatus::Success, EntryStatus::QueueLimitExceeded]
    );
    // Moving every entry of processor 11 to 12 keeps two processors: allowed.
    let mut swap = moves(&[(0, 12), (1, 12), (3, 12)]);
    rss.set_indirection_entries(&mut swap).unwrap();
    assert_eq!(rss.active_table(), &[12, 12, 10, 12]);
    // A tracked table over the limit is refused when it would become active.
    rss.disable().unwrap();
    rss.set_indirection_entries(&mut moves(&[(0, 13)])).unwrap();
    assert_eq!(
        rss.enable(),
        Err(Error::TooManyProcessors {
            referenced: 3,
            queues: 2
        })
    );
    consistent(&rss);
}

#[test]
fn invariant_3_resizing_a_table_not_normalized_is_refused() {
    let mut rss = running(Params::default(), 8);
    // [10, 11, 12, 13, 10, 11, 12, 13]: normalized to 4, not to 2.
    assert_eq!(
        rss.set_table_size(2),
        Err(Error::TableNotNormalized {
            index: 2,
            entries: 2
        })
    );
    assert_eq!(rss.table_entries(), 8);
    rss.set_table_size(4).unwrap();
    assert_eq!(rss.active_table(), &[10, 11, 12, 13]);
    consistent(&rss);
    rss.set_indirection_entries(&mut moves(&[(1, 13)])).unwrap();
    assert_eq!(
        rss.set_table_size(1),
        Err(Error::TableNotNormalized {
            index: 1,
            entries: 1
        })
    );
}

#[test]
fn growing_a_table_replicates_it_so_no_flow_moves() {
    let mut rss = running(Params::default(), 4);
    let regs = &rss.device().bus().regs;
    let flows: Vec<Tuple> = (0..100u8)
        .map(|n| tcp([n, 1, 2, 3], [3, 2, 1, n], 7, 8))
        .collect();
    let queues: Vec<u16> = flows.iter().map(|t| regs.steer(0, t).queue).collect();
    rss.set_table_size(32).unwrap();
    assert_eq!(&rss.active_table()[28..], &[10, 11, 12, 13]);
    let regs = &rss.device().bus().regs;
    let after: Vec<u16> = flows.iter().map(|t| regs.steer(0, t).queue).collect();
    assert_eq!(after, queues);
    consistent(&rss);
}

// ---------------------------------------------------------------------------------
// Seed 003: VMMQ receive processing.
// ---------------------------------------------------------------------------------

#[test]
fn unhashable_packets_go_to_the_default_processor() {
    let mut rss = running(Params::default(), 4);
    rss.set_default_processor(13).unwrap();
    assert_eq!(
        rss.device().bus().regs.steer(0, &Tuple::UNHASHABLE).queue,
        1
    );
    // A hash type that is not enabled is unhashable too.
    rss.set_hash_types(HashTypes::NONE.with(HashType::Ipv6))
        .unwrap();
    let record = rss
        .device()
        .bus()
        .regs
        .steer(0, &tcp([1, 2, 3, 4], [4, 3, 2, 1], 5, 6));
    assert_eq!((record.hash_type, record.queue), (None, 1));
}

#[test]
fn the_hash_uses_the_programmed_key() {
    let mut rss = running(Params::default(), 4);
    rss.set_hash_secret_key(&SYMMETRIC_KEY).unwrap();
    rss.set_hash_types(HashTypes::ALL).unwrap();
    let flow = tcp([192, 168, 1, 2], [10, 0, 0, 9], 40000, 443);
    let record = rss.device().bus().regs.steer(0, &flow);
    let input = &flow.bytes[..12];
    assert_eq!(
        record.hash,
        toeplitz_bitwise(&SYMMETRIC_KEY, input).unwrap()
    );
}

// ---------------------------------------------------------------------------------
// Seed 004: status indications.
// ---------------------------------------------------------------------------------

#[test]
fn physical_adapter_indications_go_to_the_default_port_from_the_external_port() {
    let mut rss = created(Params::default());
    rss.set_external_port_id(7);
    rss.set_table_size(4).unwrap();
    rss.spread_equal(4).unwrap();
    rss.enable().unwrap();
    let indication = rss.poll_indication().unwrap();
    assert_eq!(
        indication,
        Indication {
            source: SwitchEndpoint {
                port_id: 7,
                nic_index: NDIS_SWITCH_DEFAULT_NIC_INDEX
            },
            destination: SwitchEndpoint {
                port_id: NDIS_SWITCH_DEFAULT_PORT_ID,
                nic_index: NDIS_SWITCH_DEFAULT_NIC_INDEX
            },
            event: Event::RssEnabled {
                vport: VPortId::DEFAULT
            },
        }
    );
}

#[test]
fn vport_indications_go_to_the_partition_from_the_default_port() {
    let connection = SwitchEndpoint {
        port_id: 12,
        nic_index: 3,
    };
    let indication = Indication::for_vport(connection, Event::VPortCreated { vport: VPortId(2) });
    assert_eq!(indication.destination, connection);
    assert_eq!(indication.source, SwitchEndpoint::DEFAULT);
    assert_eq!(
        (indication.source.port_id, indication.source.nic_index),
        (NDIS_SWITCH_DEFAULT_PORT_ID, NDIS_SWITCH_DEFAULT_NIC_INDEX)
    );
}

#[test]
fn state_changes_raise_indications_in_order() {
    let mut rss = created(Params::default());
    rss.enable().unwrap();
    rss.disable().unwrap();
    rss.disable().unwrap(); // no change, no indication
    rss.set_datapath_queues(&QUEUES[..3]).unwrap();
    rss.set_hash_secret_key(&[1; 40]).unwrap();
    let vport = VPortId::DEFAULT;
    let events: Vec<Event> = std::iter::from_fn(|| rss.poll_indication())
        .map(|i| i.event)
        .collect();
    assert_eq!(
        events,
        [
            Event::RssEnabled { vport },
            Event::RssDisabled { vport },
            Event::CapabilitiesChanged,
            Event::KeyChanged {
                vport,
                generation: read(&rss.device().bus().regs, offset::STATUS) as u16
            },
        ]
    );
}

#[test]
fn a_full_indication_queue_reports_the_loss_in_order() {
    let template = Indication::for_physical_adapter(4, Event::CapabilitiesChanged);
    let mut queue = IndicationQueue::new(template);
    let key = |generation| Indication {
        event: Event::KeyChanged {
            vport: VPortId::DEFAULT,
            generation,
        },
        ..template
    };
    let depth = INDICATION_QUEUE_DEPTH as u16;
    for g in 0..depth + 5 {
        queue.push(key(g));
    }
    // Room again, but the loss is not reported yet: this one is counted too.
    let first: Vec<_> = (0..3).map(|_| queue.poll().unwrap()).collect();
    queue.push(key(999));
    let rest: Vec<_> = std::iter::from_fn(|| queue.poll()).collect();
    let polled: Vec<_> = first.into_iter().chain(rest).collect();
    let expected: Vec<_> = (0..depth)
        .map(key)
        .chain([Indication {
            event: Event::IndicationsLost { count: 6 },
            ..template
        }])
        .collect();
    assert_eq!(polled, expected);
    assert!(queue.is_empty());
    queue.push(key(1000));
    assert_eq!(queue.poll(), Some(key(1000)));
}

// ---------------------------------------------------------------------------------
// ethtool -X spreading.
// ---------------------------------------------------------------------------------

#[test]
fn spread_equal_is_ethtool_equal() {
    let mut rss = running(Params::default(), 8);
    rss.spread_equal(3).unwrap();
    assert_eq!(rss.active_table(), &[10, 11, 12, 10, 11, 12, 10, 11]);
    assert_eq!(
        rss.spread_equal(5),
        Err(Error::QueueCount {
            requested: 5,
            max: 4
        })
    );
    consistent(&rss);
}

#[test]
fn spread_weighted_is_ethtool_weight() {
    let mut rss = running(Params::default(), 16);
    // ethtool -X weight 1 2 0 1 on 16 entries: 4, 8, 0, 4 entries in runs.
    rss.spread_weighted(&[1, 2, 0, 1]).unwrap();
    let expected: Vec<u32> = [10; 4].into_iter().chain([11; 8]).chain([13; 4]).collect();
    assert_eq!(rss.active_table(), expected.as_slice());
    assert!(rss.spread_weighted(&[0, 0, 0, 0]).is_err());
    assert!(rss.spread_weighted(&[1, 1]).is_err());
    consistent(&rss);
}

#[test]
fn the_symmetric_key_hashes_both_directions_alike() {
    let mut rss = running(Params::default(), 4);
    rss.set_hash_secret_key(&SYMMETRIC_KEY).unwrap();
    rss.set_hash_types(HashTypes::ALL).unwrap();
    let regs = &rss.device().bus().regs;
    for n in 0..100u8 {
        let a = [10, n, 3, 4];
        let b = [172, 16, n, 9];
        let there = regs.steer(0, &tcp(a, b, 1000 + u16::from(n), 80));
        let back = regs.steer(0, &tcp(b, a, 80, 1000 + u16::from(n)));
        assert_eq!(there.hash, back.hash, "flow {n}");
        assert_eq!(there.queue, back.queue);
    }
}
