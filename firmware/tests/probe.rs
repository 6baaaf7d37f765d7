//! The hash probe and the hash self-test (issue 8: "a self-test that programs a key and
//! compares the hardware hash probe with the model's Toeplitz"; issue 7: capabilities
//! discovery): one test per rule, named after it, against the model register file.

mod common;

use common::{Fault, ModelBus, assert_consistent, device, device_without, params};
use rss_fw::{
    BusError, DatapathQueue, Error, HashType, HashTypes, ProbeResult, RegisterBus, Rss, RssDevice,
    SwitchEndpoint, VPortConfig, VPortId,
};
use rss_model::regmap::{FEATURE_HASH_PROBE, Params, offset};
use rss_model::toeplitz::MS_DEFAULT_KEY;
use rss_model::tuple::{Transport, Tuple};
use rss_model::vectors::{self, Vector};
use rss_model::{RegFile, TUPLE_BYTES, toeplitz_bitwise};

/// Probes the self-test runs: each published vector as every hash type of its
/// address family.
fn published_probes() -> u32 {
    vectors::published()
        .map(|v| {
            HashType::ALL
                .iter()
                .filter(|t| t.is_ipv4() == v.src.is_ipv4())
                .count() as u32
        })
        .sum()
}

/// The hash input of `v` as hash type `t` (ports for the TCP and UDP types).
fn input(v: &Vector, t: HashType) -> Vec<u8> {
    let tuple = if t.has_ports() {
        Tuple::with_ports(v.src, v.dst, v.sport, v.dport, Transport::Tcp)
    } else {
        Tuple::addresses(v.src, v.dst)
    };
    tuple.unwrap().hash_input(t).to_vec()
}

/// `input` zero-padded to the probe's 36 bytes, as the model's probe takes it.
fn padded(input: &[u8]) -> [u8; TUPLE_BYTES] {
    let mut bytes = [0; TUPLE_BYTES];
    bytes[..input.len()].copy_from_slice(input);
    bytes
}

/// Every (vector, hash type of its family, input) the self-test probes.
fn probes() -> Vec<(Vector, HashType, Vec<u8>)> {
    vectors::published()
        .flat_map(|v| {
            HashType::ALL
                .into_iter()
                .filter(move |t| t.is_ipv4() == v.src.is_ipv4())
                .map(move |t| (v, t, input(&v, t)))
        })
        .collect()
}

/// The default VPort with the Microsoft key, `types` enabled, a full table spread
/// over queues 0..7, default queue 3, primary queue 5; enabled if `enabled`.
fn configured(p: Params, types: HashTypes, enabled: bool) -> RssDevice<ModelBus> {
    let mut dev = device(p);
    dev.set_key(&MS_DEFAULT_KEY).unwrap();
    dev.set_hash_types(types).unwrap();
    let entries = dev.capabilities().table_entries();
    let queues = dev.capabilities().num_queues;
    dev.set_table_size(entries).unwrap();
    let table: Vec<u16> = (0..entries)
        .map(|i| ((i * 5 + 1) % 8) as u16 % queues)
        .collect();
    dev.replace_table(0, &table).unwrap();
    dev.set_default_queue(3 % queues).unwrap();
    dev.set_primary_queue(5 % queues).unwrap();
    if enabled {
        dev.enable().unwrap();
    }
    dev
}

const SOME_TYPES: HashTypes = HashTypes::NONE
    .with(HashType::Ipv4)
    .with(HashType::TcpIpv6)
    .with(HashType::UdpIpv6Ex);

/// Every probe of `dev` on `vport` reports what the model's probe rule gives for the
/// register file's state.
fn assert_probes_match_the_model(dev: &mut RssDevice<ModelBus>, vport: u8) -> Vec<ProbeResult> {
    let mut results = Vec::new();
    for (v, t, bytes) in probes() {
        let got = dev.probe_hash(vport, t, &bytes).unwrap();
        let regs = &dev.bus().regs;
        // Bytes past the type's input are zero, whatever an earlier probe wrote.
        assert_eq!(regs.probe_input_bytes(), padded(&bytes), "{} {t:?}", v.src);
        assert_eq!(
            got,
            regs.probe(vport.into(), t, &padded(&bytes)),
            "{} {t:?}",
            v.src
        );
        results.push(got);
    }
    results
}

// ---------------------------------------------------------------------------------
// RssDevice::probe_hash
// ---------------------------------------------------------------------------------

#[test]
fn the_probe_reports_the_published_hashes_under_the_microsoft_key() {
    let mut dev = configured(Params::default(), HashTypes::ALL, true);
    let mut checked = 0;
    for (v, t, bytes) in probes() {
        let published = if t.has_ports() {
            v.hash_ip_ports
        } else {
            v.hash_ip
        };
        let got = dev.probe_hash(0, t, &bytes).unwrap();
        assert_eq!(got.hash, published, "{} {t:?}", v.src);
        assert_eq!(toeplitz_bitwise(&MS_DEFAULT_KEY, &bytes), Ok(published));
        checked += 1;
    }
    assert_eq!(checked, published_probes());
    assert_eq!(checked, 5 * 3 + 3 * 6);
}

#[test]
fn an_enabled_vport_probes_to_the_indirection_entry_of_an_enabled_type() {
    for (log2, queues) in [(7, 64), (1, 1), (10, 256), (4, 3)] {
        let mut dev = configured(params(log2, queues), SOME_TYPES, true);
        let results = assert_probes_match_the_model(&mut dev, 0);
        let regs = &dev.bus().regs;
        for ((_, t, _), r) in probes().iter().zip(&results) {
            assert_eq!(r.hashed, SOME_TYPES.contains(*t));
            if r.hashed {
                let index = r.hash as usize & ((1 << log2) - 1);
                assert_eq!(r.queue, regs.table(0)[index]);
            }
        }
    }
}

#[test]
fn a_type_not_enabled_is_hashed_anyway_and_probes_to_the_default_queue() {
    let mut dev = configured(Params::default(), SOME_TYPES, true);
    let results = assert_probes_match_the_model(&mut dev, 0);
    let mut not_enabled = 0;
    for ((v, t, bytes), r) in probes().iter().zip(&results) {
        if !SOME_TYPES.contains(*t) {
            assert_eq!(
                *r,
                ProbeResult {
                    hash: toeplitz_bitwise(&MS_DEFAULT_KEY, bytes).unwrap(),
                    hashed: false,
                    queue: 3
                },
                "{} {t:?}",
                v.src
            );
            not_enabled += 1;
        }
    }
    assert!(not_enabled > 0);
}

#[test]
fn a_disabled_vport_probes_to_the_primary_queue_with_the_hash_reported() {
    let mut dev = configured(Params::default(), HashTypes::ALL, false);
    let results = assert_probes_match_the_model(&mut dev, 0);
    for ((_, _, bytes), r) in probes().iter().zip(&results) {
        assert_eq!(
            *r,
            ProbeResult {
                hash: toeplitz_bitwise(&MS_DEFAULT_KEY, bytes).unwrap(),
                hashed: false,
                queue: 5
            }
        );
    }
}

#[test]
fn the_probe_uses_the_vports_active_key_not_the_staged_one() {
    let mut dev = configured(Params::default(), HashTypes::ALL, true);
    // VPort 1 was never committed: its active key is zero whatever is staged.
    let (v, t, bytes) = probes().remove(1);
    assert_eq!(dev.probe_hash(1, t, &bytes).unwrap().hash, 0, "{}", v.src);
    let mut params = dev.params(1).unwrap();
    params.key = rss_fw::regs::widen_key(&[0x5a; 40]);
    dev.commit_params(1, &params).unwrap();
    assert_eq!(
        dev.probe_hash(1, t, &bytes).unwrap().hash,
        toeplitz_bitwise(&[0x5a; 40], &bytes).unwrap()
    );
    // VPort 0 keeps its own.
    assert_eq!(dev.probe_hash(0, t, &bytes).unwrap().hash, v.hash_ip_ports);
}

#[test]
fn an_input_of_the_wrong_length_is_refused_before_the_bus() {
    let mut dev = configured(Params::default(), HashTypes::ALL, true);
    let accesses = dev.bus().accesses;
    for (t, len) in [
        (HashType::Ipv4, 12),
        (HashType::TcpIpv4, 8),
        (HashType::Ipv6, 36),
        (HashType::UdpIpv6Ex, 32),
        (HashType::TcpIpv6, 0),
        (HashType::TcpIpv6Ex, 37),
    ] {
        assert_eq!(
            dev.probe_hash(0, t, &vec![1; len]),
            Err(Error::InputLength {
                hash_type: t,
                got: len,
                expected: t.input_bytes()
            })
        );
    }
    assert_eq!(dev.bus().accesses, accesses);
}

#[test]
fn a_vport_out_of_range_is_refused_before_the_bus() {
    for vports in [1, 4, 8] {
        let mut dev = device(Params {
            vports,
            table_entries_log2: 4,
            ..Params::default()
        });
        let accesses = dev.bus().accesses;
        assert_eq!(
            dev.probe_hash(vports, HashType::Ipv4, &[0; 8]),
            Err(Error::UnknownVPort {
                vport: vports.into(),
                vports: vports.into()
            })
        );
        assert_eq!(
            dev.self_test(vports),
            Err(Error::UnknownVPort {
                vport: vports.into(),
                vports: vports.into()
            })
        );
        assert_eq!(dev.bus().accesses, accesses);
        assert!(dev.probe_hash(vports - 1, HashType::Ipv4, &[0; 8]).is_ok());
    }
}

#[test]
fn a_core_without_the_hash_probe_reports_it_and_refuses_probes_before_the_bus() {
    let mut dev = device_without(FEATURE_HASH_PROBE);
    assert!(!dev.capabilities().features.hash_probe);
    let accesses = dev.bus().accesses;
    let missing = Error::MissingFeature {
        feature: "hash probe",
    };
    assert_eq!(dev.probe_hash(0, HashType::Ipv4, &[0; 8]), Err(missing));
    assert_eq!(dev.self_test(0), Err(missing));
    assert_eq!(dev.bus().accesses, accesses);
    let mut rss = Rss::create(dev, &[DatapathQueue::new(0, 0)], 0).unwrap();
    assert!(!rss.receive_scaling_capabilities().hash_self_test);
    assert_eq!(rss.self_test(VPortId::DEFAULT), Err(missing));
    // The core with it says so.
    let rss = Rss::create(device(Params::default()), &[DatapathQueue::new(0, 0)], 0).unwrap();
    assert!(rss.receive_scaling_capabilities().hash_self_test);
}

#[test]
fn a_hash_type_the_core_cannot_hash_is_refused_before_the_bus() {
    let mut bus = ModelBus::new(Params::default());
    let supported = HashTypes(HashTypes::ALL.0 & !HashType::UdpIpv6.mask());
    bus.read_overrides = vec![(offset::HASH_CAPS, supported.0.into())];
    let mut dev = RssDevice::probe(bus).unwrap();
    let accesses = dev.bus().accesses;
    assert_eq!(
        dev.probe_hash(0, HashType::UdpIpv6, &[0; 36]),
        Err(Error::UnsupportedHashTypes {
            requested: HashTypes::NONE.with(HashType::UdpIpv6),
            supported
        })
    );
    assert_eq!(dev.bus().accesses, accesses);
    // The self-test probes only what the core can hash: one type fewer per IPv6 row.
    let ipv6_rows = vectors::published().filter(|v| v.src.is_ipv6()).count() as u32;
    assert_eq!(dev.self_test(0), Ok(published_probes() - ipv6_rows));
}

#[test]
fn a_lost_probe_write_is_reported_as_a_lost_probe() {
    let mut dev = configured(Params::default(), HashTypes::ALL, true);
    dev.probe_hash(0, HashType::Ipv4, &[1; 8]).unwrap();
    dev.bus_mut().dropped_writes = vec![offset::PROBE];
    assert_eq!(
        dev.probe_hash(0, HashType::TcpIpv4, &[1; 12]),
        Err(Error::ProbeLost {
            before: 1,
            after: 1
        })
    );
    assert!(matches!(
        dev.self_test(0),
        Err(Error::ProbeLost {
            before: 1,
            after: 1
        })
    ));
}

#[test]
fn a_failing_probe_write_is_the_bus_error() {
    let mut dev = configured(Params::default(), HashTypes::ALL, true);
    dev.bus_mut().fault = Fault::Offset(offset::PROBE);
    assert_eq!(
        dev.probe_hash(0, HashType::Ipv4, &[1; 8]),
        Err(Error::Bus {
            offset: offset::PROBE,
            error: BusError::SlvErr
        })
    );
}

/// A bus over the model that tampers with the probe: flips bits of `PROBE_HASH` reads,
/// offsets `PROBE_RESULT.COUNT` reads, or runs a second prober's probe right after
/// each `PROBE` write.
#[derive(Debug)]
struct Tampered {
    inner: ModelBus,
    hash_xor: u32,
    count_offset: u16,
    concurrent_prober: bool,
}

impl Tampered {
    fn new(p: Params) -> Self {
        Tampered {
            inner: ModelBus::new(p),
            hash_xor: 0,
            count_offset: 0,
            concurrent_prober: false,
        }
    }
}

impl RegisterBus for Tampered {
    fn read32(&mut self, offset: u32) -> Result<u32, BusError> {
        let value = self.inner.read32(offset)?;
        Ok(match offset {
            offset::PROBE_HASH => value ^ self.hash_xor,
            offset::PROBE_RESULT => {
                let count = ((value >> 16) as u16).wrapping_add(self.count_offset);
                (value & 0xffff) | u32::from(count) << 16
            }
            _ => value,
        })
    }

    fn write32(&mut self, offset: u32, value: u32) -> Result<(), BusError> {
        self.inner.write32(offset, value)?;
        if offset == offset::PROBE && self.concurrent_prober {
            self.inner.write32(offset::PROBE, value)?;
        }
        Ok(())
    }
}

#[test]
fn a_concurrent_probe_is_reported_as_a_lost_probe() {
    let mut bus = Tampered::new(Params::default());
    bus.concurrent_prober = true;
    let mut dev = RssDevice::probe(bus).unwrap();
    assert_eq!(
        dev.probe_hash(0, HashType::Ipv4, &[1; 8]),
        Err(Error::ProbeLost {
            before: 0,
            after: 2
        })
    );
}

#[test]
fn the_probe_count_wraps_at_16_bits() {
    let mut bus = Tampered::new(Params::default());
    bus.count_offset = u16::MAX;
    let mut dev = RssDevice::probe(bus).unwrap();
    // COUNT reads 0xffff before and 0 after.
    assert!(dev.probe_hash(0, HashType::Ipv4, &[1; 8]).is_ok());
    assert_eq!(dev.self_test(0), Ok(published_probes()));
}

// ---------------------------------------------------------------------------------
// The self-test.
// ---------------------------------------------------------------------------------

#[test]
fn the_self_test_passes_on_a_configured_vport_of_every_build() {
    for (log2, queues) in [(7, 64), (1, 1), (10, 256), (4, 3), (2, 2)] {
        for types in [SOME_TYPES, HashTypes::ALL, HashTypes::NONE] {
            let mut dev = configured(params(log2, queues), types, true);
            assert_eq!(dev.self_test(0), Ok(published_probes()), "{log2} {queues}");
        }
    }
    assert_eq!(published_probes(), 33);
}

#[test]
fn the_self_test_passes_on_a_disabled_vport() {
    let mut dev = configured(Params::default(), SOME_TYPES, false);
    assert_eq!(dev.self_test(0), Ok(published_probes()));
    // And on VPorts in their reset state (zero key, RSS disabled).
    let mut fresh = device(Params::default());
    for v in 0..4 {
        assert_eq!(fresh.self_test(v), Ok(published_probes()));
    }
}

#[test]
fn the_self_test_uses_the_key_the_driver_committed_not_the_microsoft_key() {
    let mut dev = configured(Params::default(), HashTypes::ALL, true);
    dev.set_key(&[0xa5; 40]).unwrap();
    assert_eq!(dev.self_test(0), Ok(published_probes()));
    let found = dev.probe_hash(0, HashType::Ipv4, &[66, 9, 149, 187, 161, 142, 100, 80]);
    assert_ne!(found.unwrap().hash, 0x323e_8fc2);
}

#[test]
fn the_self_test_detects_a_wrong_hash() {
    let mut bus = Tampered::new(Params::default());
    bus.hash_xor = 1 << 7;
    let mut dev = RssDevice::probe(bus).unwrap();
    dev.set_key(&MS_DEFAULT_KEY).unwrap();
    let first = vectors::published().next().unwrap();
    let expected = ProbeResult {
        hash: first.hash_ip,
        hashed: false,
        queue: 0,
    };
    assert_eq!(
        dev.self_test(0),
        Err(Error::SelfTestFailed {
            vport: 0,
            hash_type: HashType::Ipv4,
            vector: 0,
            expected,
            found: ProbeResult {
                hash: first.hash_ip ^ 1 << 7,
                ..expected
            }
        })
    );
    // Through the policy layer too.
    let mut rss = Rss::create(dev, &[DatapathQueue::new(0, 0)], 0).unwrap();
    assert!(matches!(
        rss.self_test(VPortId::DEFAULT),
        Err(Error::SelfTestFailed { vport: 0, .. })
    ));
}

#[test]
fn the_self_test_detects_hardware_that_differs_from_the_drivers_view() {
    // A key committed behind the driver's back: the hash differs.
    let mut dev = configured(Params::default(), HashTypes::ALL, true);
    let mut params = dev.params(0).unwrap();
    params.key = rss_fw::regs::widen_key(&[0x11; 40]);
    {
        let mut other = RssDevice::probe(dev.bus_mut()).unwrap();
        other.commit_params(0, &params).unwrap();
    }
    assert!(matches!(
        dev.self_test(0),
        Err(Error::SelfTestFailed {
            vport: 0,
            hash_type: HashType::Ipv4,
            vector: 0,
            ..
        })
    ));
    // An entry moved behind the policy layer's back: the queue differs from its
    // mirror of the active table.
    let queues: Vec<_> = (0..8).map(|q| DatapathQueue::new(q, q as u16)).collect();
    let mut rss = Rss::create(device(Params::default()), &queues, 0).unwrap();
    rss.set_hash_secret_key(&MS_DEFAULT_KEY).unwrap();
    rss.set_hash_types(HashTypes::ALL).unwrap();
    rss.set_table_size(128).unwrap();
    rss.spread_equal(8).unwrap();
    rss.enable().unwrap();
    assert_eq!(rss.self_test(VPortId::DEFAULT), Ok(published_probes()));
    // The first probe (vector 0, IPv4) selects entry 0x42 of 128.
    let first = vectors::published().next().unwrap();
    let entry = first.hash_ip & 127;
    let mirror = rss.hardware_table()[entry as usize];
    let moved = (mirror + 1) % 8;
    let word = entry | u32::from(moved) << 12;
    rss.bus_mut().write32(offset::MOVE, word).unwrap();
    assert_eq!(
        rss.self_test(VPortId::DEFAULT),
        Err(Error::SelfTestFailed {
            vport: 0,
            hash_type: HashType::Ipv4,
            vector: 0,
            expected: ProbeResult {
                hash: first.hash_ip,
                hashed: true,
                queue: mirror
            },
            found: ProbeResult {
                hash: first.hash_ip,
                hashed: true,
                queue: moved
            }
        })
    );
}

/// Every register element but the probe's own, and every VPort's active state and
/// table: what the self-test must leave as it was.
fn steering_state(regs: &RegFile) -> Vec<String> {
    let probe = [
        offset::PROBE_INPUT..offset::PROBE_INPUT + 36,
        offset::PROBE_HASH..offset::PROBE_RESULT + 4,
    ];
    let mut state: Vec<String> = regs
        .map()
        .registers()
        .iter()
        .flat_map(|r| (0..r.count).map(move |i| r.element_offset(i)))
        .filter(|addr| !probe.iter().any(|range| range.contains(addr)))
        .map(|addr| format!("{addr:#x}: {:?}", regs.read(addr)))
        .collect();
    for v in 0..usize::from(regs.map().params.vports) {
        state.push(format!("{:?}", regs.vport(v)));
        state.push(format!("{:?}", regs.table(v)));
    }
    state
}

fn probe_count(regs: &RegFile) -> u32 {
    regs.read(offset::PROBE_RESULT).unwrap() >> 16
}

#[test]
fn the_self_test_changes_no_register_but_the_probe_registers() {
    for table_read_active in [false, true] {
        let mut dev = configured(Params::default(), SOME_TYPES, true);
        // The device reads the active table back with TABLE_READ.ACTIVE, then
        // restores whatever it was.
        dev.active_entry(0, 0).unwrap();
        if !table_read_active {
            dev.shadow_entry(0, 0).unwrap();
        }
        let before = steering_state(&dev.bus().regs);
        let count = probe_count(&dev.bus().regs);
        let params = dev.params(0).unwrap();
        assert_eq!(dev.self_test(0), Ok(published_probes()));
        let regs = &dev.bus().regs;
        assert_eq!(steering_state(regs), before);
        assert_eq!(
            regs.read(offset::TABLE_READ),
            Ok(u32::from(table_read_active))
        );
        assert_eq!(probe_count(regs), count + published_probes());
        assert_eq!(dev.params(0), Ok(params));
    }
}

const VM_QUEUES: [DatapathQueue; 2] = [DatapathQueue::new(20, 8), DatapathQueue::new(21, 9)];

/// An adapter whose default VPort is enabled on queues 0..3 and whose VPort 1, with
/// its own key, hash types and table, is enabled on queues 8 and 9.
fn adapter_with_a_vport() -> Rss<ModelBus> {
    let queues: Vec<_> = (0..4)
        .map(|q| DatapathQueue::new(10 + q, q as u16))
        .collect();
    let mut rss = Rss::create(device(Params::default()), &queues, 10).unwrap();
    rss.set_hash_secret_key(&MS_DEFAULT_KEY).unwrap();
    rss.set_hash_types(HashTypes::ALL).unwrap();
    rss.set_table_size(64).unwrap();
    rss.spread_equal(4).unwrap();
    rss.enable().unwrap();
    let config = VPortConfig {
        mac: [2, 0, 0, 0, 0, 1],
        connection: SwitchEndpoint {
            port_id: 5,
            nic_index: 1,
        },
        queues: &VM_QUEUES,
        affinity_processor: 21,
    };
    rss.create_vport(VPortId(1), &config).unwrap();
    let mut vport = rss.vport_mut(VPortId(1)).unwrap();
    vport.set_hash_secret_key(&[0x3c; 40]).unwrap();
    vport.set_hash_types(SOME_TYPES).unwrap();
    vport.set_table_size(16).unwrap();
    vport.spread_equal(2).unwrap();
    vport.enable().unwrap();
    rss
}

#[test]
fn the_self_test_passes_on_every_created_vport_and_changes_nothing() {
    let mut rss = adapter_with_a_vport();
    let before = steering_state(&rss.device().bus().regs);
    let count = probe_count(&rss.device().bus().regs);
    assert_eq!(rss.self_test(VPortId::DEFAULT), Ok(published_probes()));
    assert_eq!(
        rss.vport_mut(VPortId(1)).unwrap().self_test(),
        Ok(published_probes())
    );
    rss.vport_mut(VPortId(1)).unwrap().disable().unwrap();
    let before_disabled = steering_state(&rss.device().bus().regs);
    assert_eq!(rss.self_test(VPortId(1)), Ok(published_probes()));
    let regs = &rss.device().bus().regs;
    assert_ne!(before, before_disabled);
    assert_eq!(steering_state(regs), before_disabled);
    assert_eq!(probe_count(regs), count + 3 * published_probes());
    assert_consistent(regs, &rss);
    assert!(rss.is_synchronized());
    assert!(rss.poll_indication().is_some());
}

#[test]
fn the_self_test_of_a_vport_not_created_is_refused() {
    let mut rss = adapter_with_a_vport();
    let accesses = rss.device().bus().accesses;
    for v in [2, 4, 99] {
        assert!(matches!(
            rss.self_test(VPortId(v)),
            Err(Error::UnknownVPort { vport, vports: 4 }) if vport == v
        ));
    }
    assert_eq!(rss.device().bus().accesses, accesses);
}

#[test]
fn a_bus_error_in_the_self_test_is_the_bus_error_and_table_read_is_restored() {
    let mut dev = configured(Params::default(), HashTypes::ALL, true);
    dev.shadow_entry(0, 0).unwrap();
    let start = dev.bus().accesses;
    dev.self_test(0).unwrap();
    let clean = dev.bus().accesses - start;
    // The run reads active entries (TABLE_READ.ACTIVE = 1) and restores the shadow
    // reads at the end.
    assert_eq!(dev.bus().regs.read(offset::TABLE_READ), Ok(0));
    for k in 1..=clean {
        let start = dev.bus().accesses;
        dev.bus_mut().fault = Fault::At(start + k);
        let result = dev.self_test(0);
        dev.bus_mut().fault = Fault::None;
        assert!(matches!(result, Err(Error::Bus { .. })), "{k}: {result:?}");
        let table_read = dev.bus().regs.read(offset::TABLE_READ);
        if k < clean {
            assert_eq!(table_read, Ok(0), "{k}");
        } else {
            // The restoring write itself failed: the driver no longer knows
            // TABLE_READ and writes it before its next table read.
            assert_eq!(table_read, Ok(1));
            assert_eq!(dev.shadow_entry(0, 0), Ok(dev.bus().regs.table(0)[0]));
            assert_eq!(dev.bus().regs.read(offset::TABLE_READ), Ok(0));
        }
    }
    assert_eq!(dev.self_test(0), Ok(published_probes()));
}
