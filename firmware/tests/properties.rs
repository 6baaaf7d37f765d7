//! Randomised differential testing of `Rss` against a plain reference of the RSSv2
//! rules (processors and queues, tracked parameters, compressed tables, the three
//! invariants), and exhaustive bus-fault injection.

mod common;

use common::{Fault, ModelBus, assert_consistent, expected_queue, params};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rss_fw::{
    Config, DatapathQueue, EntryStatus, Error, HashTypes, IndirectionEntry, MoveKind, Rss,
    RssDevice, SwitchEndpoint, VPortConfig, VPortId,
};
use rss_model::regmap::Params;
use rss_model::tuple::{Transport, Tuple};

/// The rules as plainly as possible: vectors, clones, whole-table checks.
#[derive(Debug, Clone)]
struct Reference {
    /// The scaling entity.
    id: VPortId,
    /// (processor, hardware queue) per datapath queue.
    queues: Vec<(u32, u16)>,
    limit: usize,
    table: Vec<u32>,
    default: u32,
    primary: u32,
    enabled: bool,
    fixed: Option<usize>,
    hw_max: usize,
    /// The largest system table: 128 (NDIS), or the hardware table if larger.
    system_max: usize,
}

impl Reference {
    /// Seed 002's new scaling entity on the datapath queues `map`: RSS disabled, a
    /// one-entry table, every processor the affinity processor.
    fn created(
        id: VPortId,
        map: &[(u32, u16)],
        affinity: u32,
        hw_max: usize,
        system_max: usize,
    ) -> Reference {
        Reference {
            id,
            queues: map.to_vec(),
            limit: map.len(),
            table: vec![affinity],
            default: affinity,
            primary: affinity,
            enabled: false,
            fixed: None,
            hw_max,
            system_max,
        }
    }

    fn has_queue(&self, p: u32) -> bool {
        self.queues.iter().any(|&(q, _)| q == p)
    }

    fn hw_for(&self, system: usize) -> usize {
        self.fixed.unwrap_or(system.min(self.hw_max))
    }

    fn hw(&self) -> usize {
        self.hw_for(self.table.len())
    }

    fn distinct(table: &[u32]) -> usize {
        let mut seen = table.to_vec();
        seen.sort();
        seen.dedup();
        seen.len()
    }

    fn representable(&self, table: &[u32], hw: usize) -> bool {
        hw >= table.len() || (0..table.len()).all(|i| table[i] == table[i % hw])
    }

    /// System entries that share `i`'s hardware entry (just `i` unless compressed).
    fn group(&self, i: usize) -> Vec<usize> {
        let hw = self.hw();
        if hw < self.table.len() {
            (0..self.table.len()).filter(|j| j % hw == i % hw).collect()
        } else {
            vec![i]
        }
    }

    fn table_valid(&self, table: &[u32]) -> bool {
        table.iter().all(|&p| self.has_queue(p))
            && Self::distinct(table) <= self.limit
            && self.representable(table, self.hw_for(table.len()))
    }

    fn moves(&mut self, batch: &[IndirectionEntry]) -> Vec<EntryStatus> {
        use EntryStatus::*;
        let mut next = self.table.clone();
        let mut status: Vec<EntryStatus> = batch
            .iter()
            .map(|m| {
                if m.vport != self.id {
                    return UnknownVPort;
                }
                let p = m.processor;
                match m.kind {
                    MoveKind::Entry(i) => {
                        if i as usize >= next.len() {
                            InvalidParameter
                        } else if self.enabled && !self.has_queue(p) {
                            NoQueueForProcessor
                        } else {
                            next[i as usize] = p;
                            Success
                        }
                    }
                    MoveKind::DefaultProcessor => {
                        if self.enabled && !self.has_queue(p) {
                            NoQueueForProcessor
                        } else {
                            self.default = p;
                            Success
                        }
                    }
                    MoveKind::PrimaryProcessor => {
                        if !self.enabled && !self.has_queue(p) {
                            NoQueueForProcessor
                        } else {
                            self.primary = p;
                            Success
                        }
                    }
                }
            })
            .collect();
        let entry_of = |k: usize| match batch[k].kind {
            MoveKind::Entry(i) => Some(i as usize),
            _ => None,
        };
        let refuse =
            |next: &mut Vec<u32>, status: &mut Vec<EntryStatus>, i: usize, why: EntryStatus| {
                let group = self.group(i);
                for &j in &group {
                    next[j] = self.table[j];
                }
                for (k, s) in status.iter_mut().enumerate() {
                    if *s == Success && entry_of(k).is_some_and(|x| group.contains(&x)) {
                        *s = why;
                    }
                }
            };
        if self.enabled {
            for k in 0..batch.len() {
                if let (Some(i), Success) = (entry_of(k), status[k])
                    && self
                        .group(i)
                        .iter()
                        .any(|&j| next[j] != next[self.group(i)[0]])
                {
                    refuse(&mut next, &mut status, i, NotRepresentable);
                }
            }
            while Self::distinct(&next) > self.limit {
                let k = (0..batch.len())
                    .rev()
                    .find(|&k| status[k] == Success && entry_of(k).is_some())
                    .expect("the old table fits the limit");
                refuse(
                    &mut next,
                    &mut status,
                    entry_of(k).unwrap(),
                    QueueLimitExceeded,
                );
            }
        }
        self.table = next;
        status
    }

    fn enable(&mut self) -> bool {
        if !self.enabled {
            if !self.table_valid(&self.table) || !self.has_queue(self.default) {
                return false;
            }
            self.enabled = true;
        }
        true
    }

    fn disable(&mut self) -> bool {
        if self.enabled {
            if !self.has_queue(self.primary) {
                return false;
            }
            self.enabled = false;
        }
        true
    }

    fn set_size(&mut self, entries: usize) -> bool {
        let old = self.table.len();
        let smaller = entries.min(old);
        if !entries.is_power_of_two()
            || entries > self.system_max
            || (smaller..old).any(|i| self.table[i] != self.table[i % smaller])
        {
            return false;
        }
        let grown: Vec<u32> = (0..entries).map(|i| self.table[i % old]).collect();
        if self.enabled && !self.representable(&grown, self.hw_for(entries)) {
            return false;
        }
        self.table = grown;
        true
    }

    fn set_limit(&mut self, n: usize) -> bool {
        let ok =
            n >= 1 && n <= self.queues.len() && !(self.enabled && Self::distinct(&self.table) > n);
        if ok {
            self.limit = n;
        }
        ok
    }

    fn set_queues(&mut self, map: &[(u32, u16)]) -> bool {
        let mut trial = self.clone();
        trial.queues = map.to_vec();
        trial.limit = map.len();
        let ok = if self.enabled {
            trial.table_valid(&trial.table) && trial.has_queue(trial.default)
        } else {
            trial.has_queue(trial.primary)
        };
        if ok {
            *self = trial;
        }
        ok
    }

    fn set_fixed(&mut self, fixed: Option<usize>) -> bool {
        let mut trial = self.clone();
        trial.fixed = fixed;
        let ok = !self.enabled || trial.representable(&trial.table, trial.hw());
        if ok {
            *self = trial;
        }
        ok
    }

    fn replace(&mut self, table: &[u32]) -> bool {
        let ok = table.len() == self.table.len() && (!self.enabled || self.table_valid(table));
        if ok {
            self.table = table.to_vec();
        }
        ok
    }
}

fn random_tuple(rng: &mut StdRng) -> Tuple {
    let transport = if rng.random() {
        Transport::Tcp
    } else {
        Transport::Udp
    };
    let ports = rng
        .random::<bool>()
        .then(|| (rng.random(), rng.random(), transport));
    match rng.random_range(0..3) {
        0 => Tuple::UNHASHABLE,
        1 => Tuple::v4(
            rng.random::<[u8; 4]>().into(),
            rng.random::<[u8; 4]>().into(),
            ports,
        ),
        _ => Tuple::v6(
            rng.random::<[u8; 16]>().into(),
            rng.random::<[u8; 16]>().into(),
            ports,
        ),
    }
}

/// A random datapath queue map: distinct processors from `0..2n` on distinct
/// hardware queues.
fn random_map(rng: &mut StdRng, hw_queues: u16) -> Vec<(u32, u16)> {
    let n = rng.random_range(1..=hw_queues.min(12));
    let mut processors: Vec<u32> = (0..2 * u32::from(n)).collect();
    processors.shuffle(rng);
    let mut hardware: Vec<u16> = (0..hw_queues).collect();
    hardware.shuffle(rng);
    processors
        .into_iter()
        .zip(hardware)
        .take(n.into())
        .collect()
}

/// A processor: mostly one with a queue, sometimes one without.
fn processor(rng: &mut StdRng, reference: &Reference) -> u32 {
    if rng.random_range(0..8) == 0 {
        rng.random_range(0..40)
    } else {
        reference.queues[rng.random_range(0..reference.queues.len())].0
    }
}

/// A move batch: entry moves (a few past the table, a few on another VPort, a few
/// primary/default moves).
fn random_batch(rng: &mut StdRng, reference: &Reference) -> Vec<IndirectionEntry> {
    let size = reference.table.len() as u32;
    (0..rng.random_range(0..10))
        .map(|_| {
            let p = processor(rng, reference);
            let entry = match rng.random_range(0..12) {
                0 => IndirectionEntry::primary_processor(p),
                1 => IndirectionEntry::default_processor(p),
                2 => IndirectionEntry::new(rng.random_range(size..size + 3), p),
                _ => IndirectionEntry::new(rng.random_range(0..size), p),
            };
            if rng.random_range(0..20) == 0 {
                entry.on_vport(VPortId(rng.random_range(1..4)))
            } else {
                entry
            }
        })
        .collect()
}

fn datapath(map: &[(u32, u16)]) -> Vec<DatapathQueue> {
    map.iter().map(|&(p, q)| DatapathQueue::new(p, q)).collect()
}

/// What a run exercised: move statuses seen, and each operation's outcomes.
#[derive(Default)]
struct Coverage {
    statuses: std::collections::BTreeSet<String>,
    outcomes: std::collections::BTreeSet<(&'static str, bool)>,
}

impl Coverage {
    /// Each of `ops` both succeeded and failed.
    fn assert_both_outcomes(&self, ops: &[&'static str]) {
        let missing: Vec<_> = ops
            .iter()
            .flat_map(|&op| [(op, true), (op, false)])
            .filter(|outcome| !self.outcomes.contains(outcome))
            .collect();
        assert!(missing.is_empty(), "never seen: {missing:?}");
    }

    /// Every move status was produced (recorded as `{prefix}{status}`): success and
    /// each refusal.
    fn assert_every_status(&self, prefix: &str) {
        for status in [
            "Success",
            "InvalidParameter",
            "UnknownVPort",
            "NoQueueForProcessor",
            "QueueLimitExceeded",
            "NotRepresentable",
        ] {
            assert!(
                self.statuses.contains(&format!("{prefix}{status}")),
                "never saw {status}"
            );
        }
    }
}

fn run(seed: u64, p: Params, coverage: &mut Coverage) {
    let mut rng = StdRng::seed_from_u64(seed);
    let map = random_map(&mut rng, p.num_queues);
    let affinity = map[0].0;
    let dev = RssDevice::probe(ModelBus::new(p)).unwrap();
    let mut rss = Rss::create(dev, &datapath(&map), affinity).unwrap();
    let hw_max = p.table_entries() as usize;
    let mut reference =
        Reference::created(VPortId::DEFAULT, &map, affinity, hw_max, hw_max.max(128));
    for step in 0..300 {
        let context = format!("seed {seed} step {step} {p:?}");
        let mut outcome = |op: &'static str, got: bool, expected: bool| {
            assert_eq!(got, expected, "{context} {op}");
            coverage.outcomes.insert((op, got));
        };
        match rng.random_range(0..14) {
            0 => outcome("enable", rss.enable().is_ok(), reference.enable()),
            1 => outcome("disable", rss.disable().is_ok(), reference.disable()),
            2 => {
                let entries = 1usize << rng.random_range(0..=p.table_entries_log2 + 1);
                let entries = entries + usize::from(rng.random_range(0..10) == 0);
                outcome(
                    "set_table_size",
                    rss.set_table_size(entries as u32).is_ok(),
                    reference.set_size(entries),
                );
            }
            3 => {
                let n = rng.random_range(0..=reference.queues.len() + 1);
                outcome(
                    "set_queue_limit",
                    rss.set_queue_limit(n as u16).is_ok(),
                    reference.set_limit(n),
                );
            }
            4 => {
                let map = random_map(&mut rng, p.num_queues);
                outcome(
                    "set_datapath_queues",
                    rss.set_datapath_queues(&datapath(&map)).is_ok(),
                    reference.set_queues(&map),
                );
            }
            5 => {
                let fixed = rng
                    .random::<bool>()
                    .then(|| 1usize << rng.random_range(0..=p.table_entries_log2));
                outcome(
                    "set_fixed_hardware_entries",
                    rss.set_fixed_hardware_entries(fixed.map(|n| n as u32))
                        .is_ok(),
                    reference.set_fixed(fixed),
                );
            }
            6 => {
                // A periodic table (normalizable) from a few processors.
                let period = 1 << rng.random_range(0..=reference.table.len().trailing_zeros());
                let pattern: Vec<u32> = (0..period)
                    .map(|_| processor(&mut rng, &reference))
                    .collect();
                let table: Vec<u32> = (0..reference.table.len())
                    .map(|i| pattern[i % period])
                    .collect();
                outcome(
                    "replace_table",
                    rss.replace_table(&table).is_ok(),
                    reference.replace(&table),
                );
            }
            _ => {
                let mut batch = random_batch(&mut rng, &reference);
                let expected = reference.moves(&batch);
                let result = rss.set_indirection_entries(&mut batch);
                let got: Vec<_> = batch.iter().map(|e| e.status).collect();
                assert_eq!(got, expected, "{context} {batch:?}");
                coverage
                    .statuses
                    .extend(got.iter().map(|s| format!("{s:?}")));
                let invalid = expected
                    .iter()
                    .filter(|&&s| s != EntryStatus::Success)
                    .count();
                let overall = if invalid == 0 {
                    Ok(())
                } else {
                    Err(Error::EntriesFailed { invalid, device: 0 })
                };
                assert_eq!(result, overall, "{context}");
            }
        }
        assert_eq!(rss.is_enabled(), reference.enabled, "{context}");
        assert_eq!(rss.active_table(), reference.table.as_slice(), "{context}");
        assert_eq!(
            (rss.default_processor(), rss.primary_processor()),
            (reference.default, reference.primary),
            "{context}"
        );
        if rss.is_enabled() {
            // TABLE_SIZE only steers (and is only written) while enabled.
            assert_eq!(rss.hardware_entries() as usize, reference.hw(), "{context}");
        }
        let regs = &rss.device().bus().regs;
        assert_consistent(regs, &rss);
        for _ in 0..4 {
            let tuple = random_tuple(&mut rng);
            let record = regs.steer(0, &tuple);
            assert_eq!(
                record.queue,
                expected_queue(&rss, &record),
                "{context} {tuple:?}"
            );
        }
    }
}

#[test]
fn random_call_sequences_follow_the_rssv2_rules() {
    let mut coverage = Coverage::default();
    for (seed, (log2, queues)) in [
        (1, 1),
        (3, 2),
        (7, 64),
        (7, 5),
        (10, 256),
        (4, 17),
        (1, 256),
        (2, 8),
        (3, 12),
    ]
    .into_iter()
    .enumerate()
    {
        run(seed as u64, params(log2, queues), &mut coverage);
    }
    // Every rule was exercised both ways, every failing status was produced.
    coverage.assert_every_status("");
    coverage.assert_both_outcomes(&[
        "enable",
        "disable",
        "set_table_size",
        "set_queue_limit",
        "set_datapath_queues",
        "set_fixed_hardware_entries",
        "replace_table",
    ]);
}

/// Probes of one hash self-test: 5 IPv4 vectors x 3 types, 3 IPv6 vectors x 6 types.
const SELF_TEST_PROBES: u32 = 33;

/// One pass through every operation, returning how many failed because of the bus.
/// The hardware must agree with the driver's view after every step, failed or not.
fn scenario(bus: &mut ModelBus) -> usize {
    let mut errors = 0;
    // Only bus failures count; the scenario's invalid moves are not.
    let mut count = |r: Result<(), Error>| {
        errors += usize::from(matches!(
            r,
            Err(Error::Bus { .. }
                | Error::CommitUnverified { .. }
                | Error::EntriesFailed { device: 1.., .. })
        ));
    };
    let dev = match RssDevice::probe(&mut *bus) {
        Ok(dev) => dev,
        Err(Error::Bus { .. }) => return 1,
        Err(e) => panic!("{e:?}"),
    };
    let queues = [
        DatapathQueue::new(10, 3),
        DatapathQueue::new(11, 1),
        DatapathQueue::new(12, 0),
        DatapathQueue::new(13, 2),
    ];
    let mut rss = match Rss::create(dev, &queues, 11) {
        Ok(rss) => rss,
        Err(Error::Bus { .. } | Error::CommitUnverified { .. }) => return 1,
        Err(e) => panic!("{e:?}"),
    };
    let check = |rss: &Rss<&mut ModelBus>| assert_consistent(&rss.device().bus().regs, rss);
    check(&rss);
    count(rss.set_table_size(16));
    count(rss.spread_equal(4));
    count(rss.enable());
    check(&rss);
    let mut batch = [
        IndirectionEntry::new(1, 13),
        IndirectionEntry::new(2, 99),
        IndirectionEntry::new(3, 10),
        IndirectionEntry::default_processor(12),
    ];
    count(rss.set_indirection_entries(&mut batch));
    assert!(batch.iter().all(|e| e.status != EntryStatus::Pending));
    check(&rss);
    count(rss.set_primary_processor(12));
    count(rss.disable());
    check(&rss);
    count(rss.set_indirection_entries(&mut [IndirectionEntry::new(2, 12)]));
    count(rss.spread_weighted(&[1, 2, 0, 1]));
    count(rss.set_default_processor(13));
    count(rss.enable());
    check(&rss);
    // Compressed: a 2-entry hardware table under the 16-entry system table.
    count(rss.spread_equal(2));
    count(rss.set_fixed_hardware_entries(Some(2)));
    check(&rss);
    // Half a shared group cannot move; the whole group can.
    let mut pair = [IndirectionEntry::new(0, 12), IndirectionEntry::new(2, 12)];
    let mut group: Vec<_> = (0..16)
        .step_by(2)
        .map(|i| IndirectionEntry::new(i, 12))
        .collect();
    count(rss.set_indirection_entries(&mut pair));
    count(rss.set_indirection_entries(&mut group));
    check(&rss);
    // Expanded: a 4-entry system table on 64 hardware entries.
    count(rss.set_fixed_hardware_entries(Some(64)));
    count(rss.spread_equal(4));
    count(rss.set_table_size(4));
    check(&rss);
    count(rss.set_indirection_entries(&mut [IndirectionEntry::new(1, 10)]));
    check(&rss);
    count(rss.set_datapath_queues(&[
        DatapathQueue::new(10, 5),
        DatapathQueue::new(11, 6),
        DatapathQueue::new(12, 7),
        DatapathQueue::new(13, 8),
    ]));
    count(rss.set_hash_secret_key(&[7; 40]));
    count(rss.set_hash_types(rss_model::HashTypes::ALL));
    check(&rss);
    // The hash self-test (an expanded table, every type hashed) passes or fails on
    // the bus, and changes nothing either way.
    let tested = rss.self_test(VPortId::DEFAULT);
    assert!(
        matches!(tested, Ok(SELF_TEST_PROBES) | Err(Error::Bus { .. })),
        "{tested:?}"
    );
    count(tested.map(drop));
    check(&rss);
    // Recovery: once the bus works again, the next call rewrites what a failure
    // left behind.
    rss.bus_mut().fault = Fault::None;
    rss.resynchronize().unwrap();
    assert!(rss.is_synchronized());
    check(&rss);
    errors
}

#[test]
fn a_bus_failing_at_any_access_yields_errors_and_a_consistent_view() {
    let mut clean = ModelBus::new(Params::default());
    assert_eq!(scenario(&mut clean), 0);
    let total = clean.accesses;
    assert!(total > 300, "{total}");
    for k in 0..total {
        let mut bus = ModelBus::new(Params::default());
        bus.fault = Fault::After(k);
        assert!(
            scenario(&mut bus) > 0,
            "fault after {k} accesses went unnoticed"
        );
        // And a fresh driver can always take over.
        bus.fault = Fault::None;
        let mut rss = Rss::new(RssDevice::probe(&mut bus).unwrap()).unwrap();
        rss.init(&Config::default()).unwrap();
        assert_consistent(&rss.device().bus().regs, &rss);
    }
}

#[test]
fn a_dead_bus_fails_every_operation() {
    let mut bus = ModelBus::new(Params::default());
    bus.fault = Fault::All;
    assert!(matches!(
        RssDevice::probe(&mut bus),
        Err(Error::Bus { offset: 0, .. })
    ));
    bus.fault = Fault::None;
    let mut rss = Rss::new(RssDevice::probe(bus).unwrap()).unwrap();
    rss.init(&Config {
        num_queues: Some(4),
        ..Config::default()
    })
    .unwrap();
    rss.bus_mut().fault = Fault::All;
    let mut batch = [
        IndirectionEntry::new(1, 3),
        IndirectionEntry::new(2, 9),
        IndirectionEntry::new(300, 1),
    ];
    assert_eq!(
        rss.set_indirection_entries(&mut batch),
        Err(Error::EntriesFailed {
            invalid: 2,
            device: 1
        })
    );
    assert_eq!(
        batch.map(|e| e.status),
        [
            EntryStatus::DeviceFailure,
            EntryStatus::NoQueueForProcessor,
            EntryStatus::InvalidParameter
        ]
    );
    assert!(!rss.is_synchronized());
    assert!(matches!(rss.disable(), Err(Error::Bus { .. })));
    assert!(matches!(
        rss.set_default_processor(1),
        Err(Error::EntriesFailed { .. })
    ));
    assert!(matches!(
        rss.set_hash_secret_key(&[0; 40]),
        Err(Error::Bus { .. })
    ));
    assert!(matches!(
        rss.init(&Config::default()),
        Err(Error::Bus { .. })
    ));
    assert!(matches!(
        rss.self_test(VPortId::DEFAULT),
        Err(Error::Bus { .. })
    ));
    assert!(rss.is_enabled());
    assert_consistent(&rss.device().bus().regs, &rss);
}

// ---------------------------------------------------------------------------------
// VPorts: random create/delete, per-VPort state and moves across VPorts, with bus
// faults, against one reference per VPort.
// ---------------------------------------------------------------------------------

/// The reference of every VPort of a build, and the MAC filters' owners.
struct Vports {
    refs: Vec<Option<VportRef>>,
    mac_filters: usize,
    hw_max: usize,
    system_max: usize,
}

/// A VPort's RSSv2 reference plus what it hashes with and where its frames come from.
#[derive(Debug, Clone)]
struct VportRef {
    rss: Reference,
    key: [u8; 40],
    hash_types: HashTypes,
    symmetric: bool,
    mac: Option<[u8; 6]>,
}

impl Vports {
    fn created(&self) -> Vec<usize> {
        (0..self.refs.len())
            .filter(|&v| self.refs[v].is_some())
            .collect()
    }

    fn fresh(&self, v: usize, map: &[(u32, u16)], affinity: u32) -> Reference {
        Reference::created(
            VPortId(v as u32),
            map,
            affinity,
            self.hw_max,
            self.system_max,
        )
    }

    /// Whether creating VPort `v` with `mac` and a queue map where `affinity` has
    /// a queue (or not) succeeds; applied if so.
    fn create(&mut self, v: usize, mac: [u8; 6], map: &[(u32, u16)], affinity: u32) -> bool {
        let in_use = self
            .refs
            .iter()
            .flatten()
            .filter(|r| r.mac.is_some())
            .count();
        let ok = v != 0
            && v < self.refs.len()
            && self.refs[v].is_none()
            && !self.refs.iter().flatten().any(|r| r.mac == Some(mac))
            && in_use < self.mac_filters
            && map.iter().any(|&(p, _)| p == affinity);
        if ok {
            self.refs[v] = Some(VportRef {
                rss: self.fresh(v, map, affinity),
                key: rss_model::toeplitz::MS_DEFAULT_KEY,
                hash_types: rss_fw::rssv2::NDIS_DEFAULT_HASH_TYPES,
                symmetric: false,
                mac: Some(mac),
            });
        }
        ok
    }

    fn delete(&mut self, v: usize) -> bool {
        let ok = v != 0 && v < self.refs.len() && self.refs[v].is_some();
        if ok {
            self.refs[v] = None;
        }
        ok
    }

    /// A batch naming any VPort: each created VPort judges its own elements.
    fn moves(&mut self, batch: &[IndirectionEntry]) -> Vec<EntryStatus> {
        let mut status = vec![EntryStatus::UnknownVPort; batch.len()];
        for r in self.refs.iter_mut().flatten() {
            let mine: Vec<usize> = (0..batch.len())
                .filter(|&k| batch[k].vport == r.rss.id)
                .collect();
            let sub: Vec<IndirectionEntry> = mine.iter().map(|&k| batch[k]).collect();
            for (k, s) in mine.into_iter().zip(r.rss.moves(&sub)) {
                status[k] = s;
            }
        }
        status
    }

    /// After a bus fault the outcome is the driver's to decide: take its view.
    fn adopt_driver_view(&mut self, rss: &Rss<ModelBus>) {
        for (v, slot) in self.refs.iter_mut().enumerate() {
            *slot = rss.vport(VPortId(v as u32)).map(|e| VportRef {
                rss: Reference {
                    id: e.id(),
                    queues: (0..e.num_queues())
                        .map(|k| {
                            let q = e.datapath_queue(k).unwrap();
                            (q.processor, q.hardware_queue)
                        })
                        .collect(),
                    limit: e.queue_limit().into(),
                    table: e.active_table().to_vec(),
                    default: e.default_processor(),
                    primary: e.primary_processor(),
                    enabled: e.is_enabled(),
                    fixed: None,
                    hw_max: self.hw_max,
                    system_max: self.system_max,
                },
                key: *e.key(),
                hash_types: e.hash_types(),
                symmetric: e.is_symmetric(),
                mac: e.mac(),
            });
        }
    }
}

/// The queue a record of VPort `r` must reach, from the reference alone.
fn reference_queue(r: &Reference, record: &rss_model::Record) -> u16 {
    let processor = if !r.enabled {
        r.primary
    } else if record.hash_type.is_none() {
        r.default
    } else {
        r.table[record.hash as usize % r.table.len()]
    };
    r.queues
        .iter()
        .find(|&&(p, _)| p == processor)
        .map(|&(_, q)| q)
        .expect("active processor has a queue")
}

/// An Ethernet/IPv4/UDP-or-TCP frame to `mac` from random addresses and ports.
fn random_frame(rng: &mut StdRng, mac: [u8; 6]) -> Vec<u8> {
    let tcp = rng.random::<bool>();
    let mut f = mac.to_vec();
    f.extend([0x02, 0, 0, 0, 0, 0xfe, 0x08, 0x00]);
    let total: u16 = if tcp { 40 } else { 28 };
    f.extend([0x45, 0]);
    f.extend(total.to_be_bytes());
    f.extend([0, 0, 0x40, 0, 64, if tcp { 6 } else { 17 }, 0, 0]);
    f.extend(rng.random::<[u8; 8]>());
    f.extend(rng.random::<[u8; 4]>());
    if tcp {
        f.extend([0, 0, 0, 1, 0, 0, 0, 0, 0x50, 0x10, 0xff, 0xff, 0, 0, 0, 0]);
    } else {
        f.extend([0, 8, 0, 0]);
    }
    f
}

/// A MAC from a small set, so duplicates happen.
fn random_mac(rng: &mut StdRng) -> [u8; 6] {
    [0x02, 0, 0x5e, 0, 0, rng.random_range(0..6)]
}

const MAC_NONE: [u8; 6] = [0x02, 0, 0x5e, 0, 0, 0xee];

fn run_vports(seed: u64, p: Params, coverage: &mut Coverage) {
    let mut rng = StdRng::seed_from_u64(seed);
    let map = random_map(&mut rng, p.num_queues);
    let affinity = map[0].0;
    let dev = RssDevice::probe(ModelBus::new(p)).unwrap();
    let mut rss = Rss::create(dev, &datapath(&map), affinity).unwrap();
    let hw_max = p.table_entries() as usize;
    let mut model = Vports {
        refs: vec![None; p.vports.into()],
        mac_filters: p.mac_filters.into(),
        hw_max,
        system_max: hw_max.max(128),
    };
    let key = rss.vport(VPortId::DEFAULT).map(|e| *e.key()).unwrap();
    let types = rss.vport(VPortId::DEFAULT).unwrap().hash_types();
    model.refs[0] = Some(VportRef {
        rss: model.fresh(0, &map, affinity),
        key,
        hash_types: types,
        symmetric: false,
        mac: None,
    });
    let mut gone_macs: Vec<[u8; 6]> = Vec::new();
    for step in 0..250 {
        let context = format!("seed {seed} step {step} {p:?}");
        let faulty = rng.random_range(0..12) == 0;
        if faulty {
            let accesses = rss.device().bus().accesses;
            rss.bus_mut().fault = Fault::After(accesses + rng.random_range(0..40));
        }
        let v = rng.random_range(0..=usize::from(p.vports));
        let id = VPortId(v as u32);
        let op = rng.random_range(0..16);
        let (name, got, expected): (&'static str, bool, bool) = match op {
            0 | 1 => {
                let map = random_map(&mut rng, p.num_queues);
                let affinity = if rng.random_range(0..8) == 0 {
                    99
                } else {
                    map[rng.random_range(0..map.len())].0
                };
                let mac = random_mac(&mut rng);
                let connection = SwitchEndpoint {
                    port_id: v as u32 + 100,
                    nic_index: 1,
                };
                let config = VPortConfig {
                    mac,
                    connection,
                    queues: &datapath(&map),
                    affinity_processor: affinity,
                };
                let got = rss.create_vport(id, &config).is_ok();
                ("create_vport", got, model.create(v, mac, &map, affinity))
            }
            2 => {
                let mac = model.refs.get(v).cloned().flatten().and_then(|r| r.mac);
                let got = rss.delete_vport(id).is_ok();
                let expected = model.delete(v);
                if got {
                    gone_macs.extend(mac);
                }
                ("delete_vport", got, expected)
            }
            3..=6 => {
                let batch: Vec<IndirectionEntry> = (0..rng.random_range(0..12))
                    .map(|_| {
                        let v = rng.random_range(0..=usize::from(p.vports));
                        let r = model.refs.get(v).cloned().flatten();
                        let (size, p) = match &r {
                            Some(r) => (r.rss.table.len() as u32, processor(&mut rng, &r.rss)),
                            None => (4, rng.random_range(0..40)),
                        };
                        let entry = match rng.random_range(0..12) {
                            0 => IndirectionEntry::primary_processor(p),
                            1 => IndirectionEntry::default_processor(p),
                            2 => IndirectionEntry::new(rng.random_range(size..size + 3), p),
                            _ => IndirectionEntry::new(rng.random_range(0..size), p),
                        };
                        entry.on_vport(VPortId(v as u32))
                    })
                    .collect();
                let mut got = batch.clone();
                let result = rss.set_indirection_entries(&mut got);
                if !faulty {
                    let expected = model.moves(&batch);
                    let statuses: Vec<_> = got.iter().map(|e| e.status).collect();
                    assert_eq!(statuses, expected, "{context} {batch:?}");
                    coverage
                        .statuses
                        .extend(statuses.iter().map(|s| format!("vports {s:?}")));
                }
                ("set_indirection_entries", result.is_ok(), result.is_ok())
            }
            _ => match model.refs.get_mut(v).and_then(Option::as_mut) {
                None => ("vport_mut", rss.vport_mut(id).is_ok(), false),
                Some(r) => {
                    let mut vport = rss.vport_mut(id).unwrap();
                    match op {
                        7 => ("enable", vport.enable().is_ok(), r.rss.enable()),
                        8 => ("disable", vport.disable().is_ok(), r.rss.disable()),
                        9 => {
                            let entries = 1usize << rng.random_range(0..=8);
                            (
                                "set_table_size",
                                vport.set_table_size(entries as u32).is_ok(),
                                r.rss.set_size(entries),
                            )
                        }
                        10 => {
                            let period =
                                1 << rng.random_range(0..=r.rss.table.len().trailing_zeros());
                            let pattern: Vec<u32> =
                                (0..period).map(|_| processor(&mut rng, &r.rss)).collect();
                            let table: Vec<u32> = (0..r.rss.table.len())
                                .map(|i| pattern[i % period])
                                .collect();
                            (
                                "replace_table",
                                vport.replace_table(&table).is_ok(),
                                r.rss.replace(&table),
                            )
                        }
                        11 => {
                            let key: [u8; 40] = rng.random();
                            let got = vport.set_hash_secret_key(&key).is_ok();
                            r.key = key;
                            ("set_hash_secret_key", got, true)
                        }
                        12 => {
                            let types = HashTypes(rng.random_range(0..0x200));
                            let got = vport.set_hash_types(types).is_ok();
                            r.hash_types = types;
                            ("set_hash_types", got, true)
                        }
                        13 => {
                            let on = rng.random();
                            let got = vport.set_symmetric(on).is_ok();
                            r.symmetric = on;
                            ("set_symmetric", got, true)
                        }
                        14 => {
                            let map = random_map(&mut rng, p.num_queues);
                            (
                                "set_datapath_queues",
                                vport.set_datapath_queues(&datapath(&map)).is_ok(),
                                r.rss.set_queues(&map),
                            )
                        }
                        _ => {
                            let n = rng.random_range(0..=r.rss.queues.len() + 1);
                            (
                                "set_queue_limit",
                                vport.set_queue_limit(n as u16).is_ok(),
                                r.rss.set_limit(n),
                            )
                        }
                    }
                }
            },
        };
        if faulty {
            // The outcome depends on where the bus failed: the driver's view is the
            // reference from here, and it must still agree with the hardware.
            rss.bus_mut().fault = Fault::None;
            coverage.outcomes.insert(("faulted", got));
            assert_consistent(&rss.device().bus().regs, &rss);
            model.adopt_driver_view(&rss);
            if rng.random() {
                rss.resynchronize().unwrap();
                assert!(rss.is_synchronized(), "{context}");
            }
        } else {
            assert_eq!(got, expected, "{context} {name}");
            coverage.outcomes.insert((name, got));
        }
        // The driver's view equals the reference, VPort by VPort...
        let ids: Vec<usize> = rss.vports().map(|e| e.id().0 as usize).collect();
        assert_eq!(ids, model.created(), "{context}");
        for r in model.refs.iter().flatten() {
            let e = rss.vport(r.rss.id).unwrap();
            assert_eq!(e.active_table(), r.rss.table.as_slice(), "{context}");
            assert_eq!(e.is_enabled(), r.rss.enabled, "{context}");
            assert_eq!(
                (e.default_processor(), e.primary_processor()),
                (r.rss.default, r.rss.primary),
                "{context}"
            );
            assert_eq!(
                (*e.key(), e.hash_types(), e.is_symmetric()),
                (r.key, r.hash_types, r.symmetric),
                "{context}"
            );
            assert_eq!(e.mac(), r.mac, "{context}");
        }
        // ...and the model's registers: every VPort's active state and table, the
        // MAC filters (a deleted VPort's MAC goes to the default VPort).
        let regs = &rss.device().bus().regs;
        assert_consistent(regs, &rss);
        for mac in &gone_macs {
            if !model.refs.iter().flatten().any(|r| r.mac == Some(*mac)) {
                assert_eq!(regs.vport_of_mac(*mac), 0, "{context}");
            }
        }
        // Every created VPort passes the hash self-test, synchronized or not (the
        // driver's committed view and table mirror are what the hardware holds), and
        // the self-test changes nothing; a build without the probe refuses it.
        if step % 10 == 0 {
            let ids: Vec<VPortId> = rss.vports().map(|e| e.id()).collect();
            let expected = if p.hash_probe {
                Ok(SELF_TEST_PROBES)
            } else {
                Err(Error::MissingFeature {
                    feature: "hash probe",
                })
            };
            for id in ids {
                assert_eq!(rss.self_test(id), expected, "{context} {id:?}");
            }
            assert_consistent(&rss.device().bus().regs, &rss);
        }
        let regs = &rss.device().bus().regs;
        // Frames reach their VPort and there the queue the reference names.
        if rss.is_synchronized() {
            for r in model.refs.iter().flatten() {
                let mac = r.mac.unwrap_or(MAC_NONE);
                for _ in 0..3 {
                    let (record, _) = regs.steer_frame(&random_frame(&mut rng, mac));
                    assert_eq!(usize::from(record.vport), r.rss.id.0 as usize, "{context}");
                    assert_eq!(record.queue, reference_queue(&r.rss, &record), "{context}");
                }
            }
        }
    }
}

#[test]
fn random_vport_sequences_keep_the_driver_and_the_model_in_step() {
    let mut coverage = Coverage::default();
    let builds = [
        (7, 64, 4, 8),
        (7, 64, 8, 3),
        (4, 16, 4, 2),
        (1, 8, 8, 16),
        (5, 256, 2, 1),
        (3, 5, 6, 4),
    ];
    for (seed, &(log2, queues, vports, mac_filters)) in builds.iter().enumerate() {
        let p = Params {
            table_entries_log2: log2,
            num_queues: queues,
            vports,
            mac_filters,
            hash_probe: seed % 2 == 0,
            tx_lookup: seed % 3 == 0,
            // NDIS keys are 40 bytes; a 52-byte-key build takes them zero-extended.
            key_bytes: if seed % 2 == 1 { 52 } else { 40 },
        };
        for round in 0..6 {
            run_vports(100 + 10 * seed as u64 + round, p, &mut coverage);
        }
    }
    coverage.assert_both_outcomes(&[
        "create_vport",
        "delete_vport",
        "enable",
        "disable",
        "set_table_size",
        "replace_table",
        "set_datapath_queues",
        "set_queue_limit",
        "set_indirection_entries",
        "faulted",
    ]);
    coverage.assert_every_status("vports ");
}
