//! Randomised differential testing of `Rss` against a plain reference of the RSSv2
//! rules, and exhaustive bus-fault injection.

mod common;

use common::{Fault, ModelBus, assert_consistent, params};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rss_fw::{Config, EntryStatus, Error, IndirectionEntry, Rss, RssDevice};
use rss_model::regmap::Params;
use rss_model::steer::table_index;
use rss_model::tuple::{Transport, Tuple};

/// The RSSv2 rules, written as plainly as possible.
#[derive(Debug, Clone)]
struct Reference {
    table: Vec<u16>,
    size: usize,
    default: u16,
    primary: u16,
    queues: u16,
    enabled: bool,
}

impl Reference {
    fn valid(&self, q: u16) -> bool {
        q < self.queues
    }

    fn moves(&mut self, moves: &[(u32, u16)]) -> Vec<EntryStatus> {
        moves
            .iter()
            .map(|&(i, q)| {
                let i = i as usize;
                if i >= self.size || (self.enabled && !self.valid(q)) {
                    EntryStatus::InvalidParameter
                } else {
                    self.table[i] = q;
                    EntryStatus::Success
                }
            })
            .collect()
    }

    fn enable(&mut self) -> bool {
        if !self.enabled {
            if !self.table[..self.size].iter().all(|&q| self.valid(q)) || !self.valid(self.default)
            {
                return false;
            }
            self.enabled = true;
        }
        true
    }

    fn disable(&mut self) -> bool {
        if self.enabled {
            if !self.valid(self.primary) {
                return false;
            }
            self.enabled = false;
        }
        true
    }

    fn set_default(&mut self, q: u16) -> bool {
        let ok = !self.enabled || self.valid(q);
        if ok {
            self.default = q;
        }
        ok
    }

    fn set_primary(&mut self, q: u16) -> bool {
        let ok = self.enabled || self.valid(q);
        if ok {
            self.primary = q;
        }
        ok
    }

    fn set_size(&mut self, entries: usize) -> bool {
        let ok = entries.is_power_of_two()
            && entries <= self.table.len()
            && !(self.enabled
                && entries > self.size
                && self.table[self.size..entries]
                    .iter()
                    .any(|&q| !self.valid(q)));
        if ok {
            self.size = entries;
        }
        ok
    }
}

fn queue(rng: &mut StdRng, queues: u16, hw: u16) -> u16 {
    match rng.random_range(0..10) {
        0 => rng.random_range(queues..=hw),
        1 => rng.random(),
        _ => rng.random_range(0..queues),
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

fn run(seed: u64, p: Params) {
    let mut rng = StdRng::seed_from_u64(seed);
    let hw_queues = p.num_queues;
    let capacity = p.table_entries() as usize;
    let queues = rng.random_range(1..=hw_queues);
    let mut rss = Rss::new(RssDevice::probe(ModelBus::new(p)).unwrap()).unwrap();
    rss.init(&Config {
        num_queues: Some(queues),
        hash_types: Some(rss_model::HashTypes::ALL),
        ..Config::default()
    })
    .unwrap();
    let mut reference = Reference {
        table: (0..capacity)
            .map(|i| (i % queues as usize) as u16)
            .collect(),
        size: capacity,
        default: 0,
        primary: 0,
        queues,
        enabled: true,
    };
    for step in 0..400 {
        let context = format!("seed {seed} step {step} {p:?}");
        match rng.random_range(0..10) {
            0 => assert_eq!(rss.enable().is_ok(), reference.enable(), "{context} enable"),
            1 => assert_eq!(
                rss.disable().is_ok(),
                reference.disable(),
                "{context} disable"
            ),
            2 => {
                let q = queue(&mut rng, queues, hw_queues);
                assert_eq!(
                    rss.set_default_queue(q).is_ok(),
                    reference.set_default(q),
                    "{context}"
                );
            }
            3 => {
                let q = queue(&mut rng, queues, hw_queues);
                assert_eq!(
                    rss.set_primary_queue(q).is_ok(),
                    reference.set_primary(q),
                    "{context}"
                );
            }
            4 => {
                let entries = 1usize << rng.random_range(0..=p.table_entries_log2 + 1);
                let entries = if rng.random_range(0..8) == 0 {
                    entries + 1
                } else {
                    entries
                };
                assert_eq!(
                    rss.set_table_size(entries as u32).is_ok(),
                    reference.set_size(entries),
                    "{context} size {entries}"
                );
            }
            _ => {
                let moves: Vec<(u32, u16)> = (0..rng.random_range(0..12))
                    .map(|_| {
                        (
                            rng.random_range(0..capacity as u32 + 2),
                            queue(&mut rng, queues, hw_queues),
                        )
                    })
                    .collect();
                let mut batch: Vec<_> = moves
                    .iter()
                    .map(|&(i, q)| IndirectionEntry::new(i, q))
                    .collect();
                let result = rss.set_indirection_entries(&mut batch);
                let expected = reference.moves(&moves);
                let got: Vec<_> = batch.iter().map(|e| e.status).collect();
                assert_eq!(got, expected, "{context}");
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
        assert_eq!(
            rss.active_table(),
            &reference.table[..reference.size],
            "{context}"
        );
        assert_eq!(
            (rss.default_queue(), rss.primary_queue()),
            (reference.default, reference.primary)
        );
        let regs = &rss.device().bus().regs;
        assert_consistent(regs, &rss);
        for _ in 0..4 {
            let tuple = random_tuple(&mut rng);
            let record = regs.steer(&tuple);
            let expected = if !reference.enabled {
                reference.primary
            } else if record.hash_type.is_none() {
                reference.default
            } else {
                reference.table[table_index(record.hash, reference.size.trailing_zeros() as u8)]
            };
            assert_eq!(record.queue, expected, "{context} {tuple:?}");
        }
    }
}

#[test]
fn random_operations_follow_the_rssv2_rules() {
    for (seed, (log2, queues)) in [
        (1, 1),
        (3, 2),
        (7, 64),
        (7, 5),
        (10, 256),
        (4, 17),
        (1, 256),
    ]
    .into_iter()
    .enumerate()
    {
        run(seed as u64, params(log2, queues));
    }
}

/// One pass through every operation, returning how many failed because of the bus.
/// The hardware must agree with the driver's view after every step, failed or not.
fn scenario(bus: &mut ModelBus) -> usize {
    let mut errors = 0;
    // Only bus failures count; the scenario's one invalid move is not one.
    let mut count = |r: Result<(), Error>| {
        errors += usize::from(matches!(
            r,
            Err(Error::Bus { .. } | Error::EntriesFailed { device: 1.., .. })
        ));
    };
    let dev = match RssDevice::probe(&mut *bus) {
        Ok(dev) => dev,
        Err(Error::Bus { .. }) => return 1,
        Err(e) => panic!("{e:?}"),
    };
    let mut rss = match Rss::new(dev) {
        Ok(rss) => rss,
        Err(Error::Bus { .. }) => return 1,
        Err(e) => panic!("{e:?}"),
    };
    let check = |rss: &Rss<&mut ModelBus>| assert_consistent(&rss.device().bus().regs, rss);
    count(rss.init(&Config {
        num_queues: Some(4),
        table_entries: Some(16),
        ..Config::default()
    }));
    check(&rss);
    let mut batch = [
        IndirectionEntry::new(1, 3),
        IndirectionEntry::new(2, 9),
        IndirectionEntry::new(3, 1),
    ];
    count(rss.set_indirection_entries(&mut batch));
    assert!(batch.iter().all(|e| e.status != EntryStatus::Pending));
    check(&rss);
    count(rss.set_primary_queue(2));
    count(rss.disable());
    check(&rss);
    count(rss.set_indirection_entries(&mut [IndirectionEntry::new(2, 2)]));
    count(rss.set_table_size(32));
    count(rss.set_default_queue(3));
    count(rss.enable());
    check(&rss);
    count(rss.set_table_size(64));
    count(rss.set_hash_secret_key(&[7; 40]));
    count(rss.set_hash_types(rss_model::HashTypes::ALL));
    check(&rss);
    errors
}

#[test]
fn a_bus_failing_at_any_access_yields_errors_not_panics() {
    let mut clean = ModelBus::new(Params::default());
    assert_eq!(scenario(&mut clean), 0);
    let total = clean.accesses;
    assert!(total > 200, "{total}");
    for k in 0..total {
        let mut bus = ModelBus::new(Params::default());
        bus.fault = Fault::After(k);
        assert!(
            scenario(&mut bus) > 0,
            "fault after {k} accesses went unnoticed"
        );
        // Recovery: once the bus works again, a fresh init brings everything back.
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
            EntryStatus::InvalidParameter,
            EntryStatus::InvalidParameter
        ]
    );
    assert!(matches!(rss.disable(), Err(Error::Bus { .. })));
    assert!(matches!(rss.set_default_queue(1), Err(Error::Bus { .. })));
    assert!(matches!(
        rss.set_hash_secret_key(&[0; 40]),
        Err(Error::Bus { .. })
    ));
    assert!(matches!(
        rss.init(&Config::default()),
        Err(Error::Bus { .. })
    ));
    assert!(rss.is_enabled());
}
