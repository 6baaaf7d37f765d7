//! Statistics (issue 7's counters): the per-VPort record counters (`COUNTERS`) and the
//! refused-write counter (`REFUSED`) read through the driver and the RSSv2 layer,
//! against the model register file, with the datapath's records reported to it
//! (`RegFile::count_record`).

mod common;

use common::{Fault, ModelBus, device, device_without, frame};
use rss_fw::statistics::HASH_TYPE_COUNT;
use rss_fw::{
    BusError, DatapathQueue, Error, HashType, HashTypes, Refused, RegisterBus, Rss, SwitchEndpoint,
    VPortConfig, VPortId, VPortStatistics,
};
use rss_model::parse::{FLAG_FRAGMENT, FLAG_MALFORMED};
use rss_model::regmap::{FEATURE_COUNTERS, Params, counter, offset};
use rss_model::steer::Record;
use rss_model::toeplitz::MS_DEFAULT_KEY;

const MAC1: [u8; 6] = [0x02, 0x00, 0x5e, 0x00, 0x00, 0x01];
/// A MAC no filter claims: its frames go to the default VPort.
const MAC0: [u8; 6] = [0x02, 0x00, 0x5e, 0x00, 0x00, 0x99];
const V1: VPortId = VPortId(1);

/// A record of `vport` with `hash_type` (the counters look at nothing else).
fn record(vport: u8, hash_type: Option<HashType>) -> Record {
    Record {
        hash: 0x1234_5678,
        hash_type,
        queue: 0,
        vport,
    }
}

/// The model counts `n` delivered records of `vport` with `hash_type` and `flags`.
fn count(bus: &mut ModelBus, n: u32, vport: u8, hash_type: Option<HashType>, flags: u8) {
    for _ in 0..n {
        bus.regs.count_record(&record(vport, hash_type), flags);
    }
}

/// Statistics with the given hashed counts and the unhashed and malformed counts.
fn stats(hashed: &[(HashType, u32)], unhashed: u32, malformed: u32) -> VPortStatistics {
    let mut s = VPortStatistics {
        unhashed,
        malformed,
        ..VPortStatistics::ZERO
    };
    for &(t, n) in hashed {
        s.hashed[usize::from(t.bit())] = n;
    }
    s
}

/// Byte offset of `COUNTERS` element (`vport`, `class`).
fn counter_offset(vport: u8, class: u32) -> u32 {
    offset::COUNTERS + 4 * counter::element(vport, class)
}

fn refused(writes: u16, moves: u16) -> Refused {
    Refused { writes, moves }
}

#[test]
fn each_vports_records_count_in_one_class_and_the_driver_reads_them_back() {
    let mut dev = device(Params::default());
    for v in 0..4 {
        assert_eq!(
            dev.vport_statistics(v),
            Ok(VPortStatistics::ZERO),
            "VPort {v}"
        );
    }
    let bus = dev.bus_mut();
    count(bus, 3, 0, Some(HashType::TcpIpv4), 0);
    count(bus, 1, 0, Some(HashType::Ipv6), 0);
    count(bus, 2, 2, Some(HashType::UdpIpv6Ex), 0);
    // A fragment is hashed (on its addresses): it counts as its hash type.
    count(bus, 1, 2, Some(HashType::Ipv6), FLAG_FRAGMENT);
    count(bus, 4, 2, None, 0);
    // Malformed wins over anything else in the record.
    count(bus, 1, 2, None, FLAG_MALFORMED);
    count(bus, 1, 2, Some(HashType::Ipv4), FLAG_MALFORMED);
    count(bus, 5, 3, Some(HashType::Ipv4), 0);
    let (writes, accesses) = (dev.bus().writes, dev.bus().accesses);
    let v0 = dev.vport_statistics(0).unwrap();
    // One read per class in use, no write.
    assert_eq!(dev.bus().accesses - accesses, counter::CLASSES as usize);
    assert_eq!(
        v0,
        stats(&[(HashType::TcpIpv4, 3), (HashType::Ipv6, 1)], 0, 0)
    );
    assert_eq!((v0.frames(), v0.hashed_of(HashType::TcpIpv4)), (4, 3));
    assert_eq!(v0.hashed_of(HashType::TcpIpv6), 0);
    assert_eq!(dev.vport_statistics(1), Ok(VPortStatistics::ZERO));
    let v2 = dev.vport_statistics(2).unwrap();
    assert_eq!(
        v2,
        stats(&[(HashType::UdpIpv6Ex, 2), (HashType::Ipv6, 1)], 4, 2)
    );
    assert_eq!(v2.frames(), 9);
    let v3 = dev.vport_statistics(3).unwrap();
    assert_eq!(v3, stats(&[(HashType::Ipv4, 5)], 0, 0));
    // A hash type's records over all VPorts: the sum of the VPorts'.
    let total = dev.total_statistics().unwrap();
    assert_eq!(
        total,
        stats(
            &[
                (HashType::TcpIpv4, 3),
                (HashType::Ipv6, 2),
                (HashType::UdpIpv6Ex, 2),
                (HashType::Ipv4, 5)
            ],
            4,
            2
        )
    );
    assert_eq!(total.frames(), 18);
    assert_eq!(total.hashed_of(HashType::Ipv6), 2);
    assert_eq!(dev.bus().writes, writes);
    // The reserved classes stay 0, whatever was counted.
    for v in 0..4 {
        for class in counter::CLASSES..counter::PER_VPORT {
            assert_eq!(dev.bus().regs.read(counter_offset(v, class)), Ok(0));
        }
    }
}

#[test]
fn frames_count_by_how_their_vport_steered_them() {
    let dev = device(Params::default());
    let mut rss = Rss::create(
        dev,
        &[DatapathQueue::new(0, 0), DatapathQueue::new(1, 1)],
        0,
    )
    .unwrap();
    rss.set_hash_secret_key(&MS_DEFAULT_KEY).unwrap();
    rss.set_hash_types(HashTypes::NONE.with(HashType::TcpIpv4))
        .unwrap();
    rss.enable().unwrap();
    let vm_queues = [DatapathQueue::new(20, 8)];
    let config = VPortConfig {
        mac: MAC1,
        connection: SwitchEndpoint {
            port_id: 5,
            nic_index: 1,
        },
        queues: &vm_queues,
        affinity_processor: 20,
    };
    rss.create_vport(V1, &config).unwrap();
    let before = [
        rss.statistics(VPortId::DEFAULT).unwrap(),
        rss.statistics(V1).unwrap(),
    ];
    // 6 TCP/IPv4 frames to the default VPort (RSS on, TCP/IPv4 hashed), 4 to VPort 1
    // (RSS off: not hashed), 2 cut short in the IPv4 header (malformed) to VPort 1.
    let mut frames: Vec<Vec<u8>> = (0..6).map(|n| frame(MAC0, n, false)).collect();
    frames.extend((0..4).map(|n| frame(MAC1, n, true)));
    frames.extend((0..2).map(|n| frame(MAC1, n, false)[..20].to_vec()));
    let bus = rss.bus_mut();
    for f in &frames {
        let (record, flags) = bus.regs.steer_frame(f);
        bus.regs.count_record(&record, flags);
    }
    let (last, last_flags) = bus.regs.steer_frame(&frames[11]);
    assert_eq!((last.vport, last_flags), (1, FLAG_MALFORMED));
    let pf = rss.statistics(VPortId::DEFAULT).unwrap().since(&before[0]);
    assert_eq!(pf, stats(&[(HashType::TcpIpv4, 6)], 0, 0));
    // The VPort's own call, and the adapter's for it, read the same hardware VPort.
    let vm = rss.vport_mut(V1).unwrap().statistics().unwrap();
    assert_eq!(rss.statistics(V1), Ok(vm));
    assert_eq!(vm.since(&before[1]), stats(&[], 4, 2));
    assert_eq!(rss.total_statistics().unwrap().frames(), 12);
    // Hashing TCP/IPv4 on VPort 1 too moves its next frames to that class.
    let mut v1 = rss.vport_mut(V1).unwrap();
    v1.set_hash_types(HashTypes::NONE.with(HashType::TcpIpv4))
        .unwrap();
    v1.enable().unwrap();
    let bus = rss.bus_mut();
    let (record, flags) = bus.regs.steer_frame(&frame(MAC1, 7, false));
    bus.regs.count_record(&record, flags);
    assert_eq!(
        rss.statistics(V1).unwrap().since(&vm),
        stats(&[(HashType::TcpIpv4, 1)], 0, 0)
    );
}

#[test]
fn a_deleted_vport_has_no_statistics_and_a_recreated_one_carries_on_counting() {
    let dev = device(Params::default());
    let mut rss = Rss::create(dev, &[DatapathQueue::new(0, 0)], 0).unwrap();
    let vm_queues = [DatapathQueue::new(20, 8)];
    let config = VPortConfig {
        mac: MAC1,
        connection: SwitchEndpoint::DEFAULT,
        queues: &vm_queues,
        affinity_processor: 20,
    };
    let unknown = Err(Error::UnknownVPort {
        vport: 1,
        vports: 4,
    });
    let accesses = rss.device().bus().accesses;
    assert_eq!(rss.statistics(V1), unknown);
    assert_eq!(rss.device().bus().accesses, accesses);
    rss.create_vport(V1, &config).unwrap();
    count(rss.bus_mut(), 3, 1, None, 0);
    let counted = stats(&[], 3, 0);
    assert_eq!(rss.statistics(V1), Ok(counted));
    rss.delete_vport(V1).unwrap();
    let accesses = rss.device().bus().accesses;
    assert_eq!(rss.statistics(V1), unknown);
    assert_eq!(rss.device().bus().accesses, accesses);
    // The counters belong to the hardware VPort: a new VPort 1 starts where the old
    // one stopped, so its records are a delta from a snapshot taken at creation.
    rss.create_vport(V1, &config).unwrap();
    let at_creation = rss.statistics(V1).unwrap();
    assert_eq!(at_creation, counted);
    count(rss.bus_mut(), 2, 1, Some(HashType::Ipv4), 0);
    assert_eq!(
        rss.statistics(V1).unwrap().since(&at_creation),
        stats(&[(HashType::Ipv4, 2)], 0, 0)
    );
}

#[test]
fn deltas_are_right_across_a_wrap_of_the_counters() {
    let mut dev = device(Params::default());
    let tcp = counter_offset(1, u32::from(HashType::TcpIpv4.bit()));
    let malformed = counter_offset(1, counter::MALFORMED);
    // Counters near 2^32 (the model has no setter; reads of them are overridden).
    dev.bus_mut().read_overrides = vec![(tcp, u32::MAX - 2), (malformed, u32::MAX)];
    count(dev.bus_mut(), 5, 1, None, 0);
    let before = dev.vport_statistics(1).unwrap();
    assert_eq!(
        before,
        stats(&[(HashType::TcpIpv4, u32::MAX - 2)], 5, u32::MAX)
    );
    // Frames of a snapshot wrap as the counters do.
    assert_eq!(before.frames(), 1);
    // The driver read VPort 1's elements, not VPort 0's.
    assert_eq!(dev.vport_statistics(0), Ok(VPortStatistics::ZERO));
    // 7 TCP/IPv4 records, 2 malformed and 1 unhashed later, both counters wrapped.
    dev.bus_mut().read_overrides = vec![(tcp, 4), (malformed, 1)];
    count(dev.bus_mut(), 1, 1, None, 0);
    let after = dev.vport_statistics(1).unwrap();
    let delta = after.since(&before);
    assert_eq!(delta, stats(&[(HashType::TcpIpv4, 7)], 1, 2));
    assert_eq!(delta.frames(), 10);
    assert_eq!(after.since(&after), VPortStatistics::ZERO);
}

#[test]
fn deltas_and_sums_wrap_as_pure_functions() {
    let mut earlier = VPortStatistics::ZERO;
    let mut later = VPortStatistics::ZERO;
    for (b, (e, l)) in (0u32..).zip(earlier.hashed.iter_mut().zip(later.hashed.iter_mut())) {
        *e = u32::MAX - b;
        *l = 2 * b;
    }
    earlier.unhashed = 10;
    later.unhashed = 10;
    earlier.malformed = u32::MAX;
    later.malformed = 0;
    let delta = later.since(&earlier);
    // Type with bit b: from 2^32 - 1 - b to 2b, so 3b + 1 records.
    for t in HashType::ALL {
        let b = u32::from(t.bit());
        assert_eq!(delta.hashed_of(t), 3 * b + 1, "{t:?}");
    }
    assert_eq!((delta.unhashed, delta.malformed), (0, 1));
    assert_eq!(delta.frames(), (0..9).map(|b| 3 * b + 1).sum::<u32>() + 1);
    // Adding the delta to the earlier snapshot gives the later one back.
    assert_eq!(earlier.wrapping_add(&delta), later);
    let three: VPortStatistics = [delta, delta, delta].into_iter().sum();
    assert_eq!(three, delta.wrapping_add(&delta).wrapping_add(&delta));
    assert_eq!(three.malformed, 3);
    assert_eq!(
        core::iter::empty::<VPortStatistics>().sum::<VPortStatistics>(),
        VPortStatistics::ZERO
    );
    assert_eq!(HASH_TYPE_COUNT, HashType::ALL.len());
    // REFUSED's fields wrap at 16 bits.
    assert_eq!(refused(3, 1).since(&refused(0xfffe, 0xffff)), refused(5, 2));
    assert_eq!(refused(7, 0).since(&refused(7, 0)), refused(0, 0));
}

#[test]
fn statistics_of_a_vport_the_build_lacks_are_refused_before_the_bus() {
    for vports in [1, 2, 4, 8] {
        let mut dev = device(Params {
            table_entries_log2: 7,
            vports,
            ..Params::default()
        });
        let accesses = dev.bus().accesses;
        for v in [vports, vports + 1, u8::MAX] {
            assert_eq!(
                dev.vport_statistics(v),
                Err(Error::UnknownVPort {
                    vport: v.into(),
                    vports: vports.into()
                })
            );
        }
        assert_eq!(dev.bus().accesses, accesses);
        // The last VPort is there; the total reads all of them.
        count(dev.bus_mut(), 2, vports - 1, None, FLAG_MALFORMED);
        assert_eq!(dev.vport_statistics(vports - 1), Ok(stats(&[], 0, 2)));
        let accesses = dev.bus().accesses;
        assert_eq!(dev.total_statistics(), Ok(stats(&[], 0, 2)));
        assert_eq!(
            dev.bus().accesses - accesses,
            usize::from(vports) * counter::CLASSES as usize
        );
    }
}

#[test]
fn a_core_without_the_counters_reports_it_and_refuses_before_the_bus() {
    let mut dev = device_without(FEATURE_COUNTERS);
    assert!(!dev.capabilities().features.counters);
    // The other features are still there.
    assert!(dev.capabilities().features.hash_probe);
    let feature = "statistics counters";
    let missing = Err(Error::MissingFeature { feature });
    let accesses = dev.bus().accesses;
    assert_eq!(dev.vport_statistics(0), missing);
    assert_eq!(dev.total_statistics(), missing);
    assert_eq!(dev.refused(), Err(Error::MissingFeature { feature }));
    assert_eq!(dev.bus().accesses, accesses);
    let mut rss = Rss::create(dev, &[DatapathQueue::new(0, 0)], 0).unwrap();
    assert!(!rss.receive_scaling_capabilities().statistics);
    let accesses = rss.device().bus().accesses;
    assert_eq!(rss.statistics(VPortId::DEFAULT), missing);
    assert_eq!(
        rss.vport_mut(VPortId::DEFAULT).unwrap().statistics(),
        missing
    );
    assert_eq!(rss.device().bus().accesses, accesses);
    // A core with them says so.
    let rss = Rss::create(device(Params::default()), &[DatapathQueue::new(0, 0)], 0).unwrap();
    assert!(rss.receive_scaling_capabilities().statistics);
}

#[test]
fn refused_counts_bad_writes_and_refused_moves_but_no_call_the_driver_refuses() {
    let mut dev = device(Params::default());
    assert_eq!(dev.refused(), Ok(refused(0, 0)));
    // Bad writes straight on the bus: a read-only register, an unmapped address, a
    // field value out of range (TABLE_SIZE.LOG2 is at most 7).
    let bus = dev.bus_mut();
    for (addr, value) in [(offset::ID, 0), (0x114, 0), (offset::TABLE_SIZE, 8)] {
        assert_eq!(bus.write32(addr, value), Err(BusError::SlvErr), "{addr:#x}");
    }
    assert_eq!(dev.refused(), Ok(refused(3, 0)));
    // Calls the driver refuses before the bus leave it alone.
    assert_eq!(
        dev.move_entry(0, 0, 64),
        Err(Error::QueueOutOfRange {
            queue: 64,
            num_queues: 64
        })
    );
    assert!(dev.move_entry(4, 0, 0).is_err());
    assert!(dev.set_table_size(3).is_err());
    assert!(dev.set_key(&MS_DEFAULT_KEY[..39]).is_err());
    assert!(dev.replace_table(0, &[0; 129]).is_err());
    assert_eq!(dev.refused(), Ok(refused(3, 0)));
    // MOVEs the hardware refuses: VPort 0's active table has one entry, and a queue
    // limit of 3 refuses queue 5.
    let before = dev.refused().unwrap();
    assert!(matches!(
        dev.move_entry(0, 1, 0),
        Err(Error::MoveRefused { .. })
    ));
    dev.set_queue_limit(3).unwrap();
    assert!(matches!(
        dev.move_entry(0, 0, 5),
        Err(Error::MoveRefused { .. })
    ));
    dev.move_entry(0, 0, 3).unwrap();
    let after = dev.refused().unwrap();
    assert_eq!(after, refused(5, 2));
    assert_eq!(after.since(&before), refused(2, 2));
}

#[test]
fn reset_clears_refused_but_not_the_counters() {
    let mut dev = device(Params::default());
    count(dev.bus_mut(), 9, 3, Some(HashType::UdpIpv4), 0);
    count(dev.bus_mut(), 2, 0, None, 0);
    assert_eq!(
        dev.bus_mut().write32(offset::VERSION, 1),
        Err(BusError::SlvErr)
    );
    assert!(dev.move_entry(0, 5, 1).is_err());
    assert_eq!(dev.refused(), Ok(refused(2, 1)));
    let before = [
        dev.vport_statistics(0).unwrap(),
        dev.vport_statistics(3).unwrap(),
    ];
    dev.bus_mut().regs.reset();
    assert_eq!(dev.refused(), Ok(refused(0, 0)));
    assert_eq!(dev.vport_statistics(0), Ok(before[0]));
    assert_eq!(dev.vport_statistics(3), Ok(before[1]));
    assert_eq!(before[1], stats(&[(HashType::UdpIpv4, 9)], 0, 0));
    assert_eq!(before[0], stats(&[], 2, 0));
}

#[test]
fn refused_writes_wrap_at_16_bits() {
    let mut dev = device(Params::default());
    for _ in 0..0xfffe {
        dev.bus_mut().write32(offset::ID, 0).unwrap_err();
    }
    let before = dev.refused().unwrap();
    assert_eq!(before, refused(0xfffe, 0));
    for _ in 0..4 {
        dev.bus_mut().write32(offset::CAPS, 0).unwrap_err();
    }
    assert!(dev.move_entry(0, 1, 0).is_err());
    let after = dev.refused().unwrap();
    assert_eq!(after, refused(3, 1));
    assert_eq!(after.since(&before), refused(5, 1));
}

#[test]
fn a_failing_counter_read_is_the_bus_error() {
    let mut dev = device(Params::default());
    let malformed = counter_offset(2, counter::MALFORMED);
    dev.bus_mut().fault = Fault::Offset(malformed);
    assert_eq!(
        dev.vport_statistics(2),
        Err(Error::Bus {
            offset: malformed,
            error: BusError::SlvErr
        })
    );
    assert!(matches!(
        dev.total_statistics(),
        Err(Error::Bus { offset, .. }) if offset == malformed
    ));
    assert_eq!(dev.vport_statistics(1), Ok(VPortStatistics::ZERO));
    dev.bus_mut().fault = Fault::Offset(offset::REFUSED);
    assert_eq!(
        dev.refused(),
        Err(Error::Bus {
            offset: offset::REFUSED,
            error: BusError::SlvErr
        })
    );
}
