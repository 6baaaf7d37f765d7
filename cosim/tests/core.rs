//! The emitted `rss_core` against the model: register bus, published vectors, random
//! traffic (>= 100 000 tuples), key commits under traffic. A failing test reruns
//! traced and names the VCD.

use rand::{Rng, SeedableRng, rngs::StdRng};
use rss_cosim::dut::{self, CheckedBus, CoreSim, RecordOut, Traffic, TupleIn};
use rss_cosim::scenario::{self, with_trace_on_failure};
use rss_model::regfile::RegFile;
use rss_model::regmap::{KEY_WORDS, Params, offset};
use rss_model::toeplitz::MS_DEFAULT_KEY;
use rss_model::tuple::Transport;
use rss_model::vectors::published;
use rss_model::{HashType, Tuple};

fn checked_bus() -> CheckedBus {
    CheckedBus::new(RegFile::new(Params::default()).unwrap())
}

fn run(name: &str, body: impl Fn(&mut CoreSim<'_>) -> Result<(), String>) {
    if let Err(e) = with_trace_on_failure(name, body) {
        panic!("{name}: {e}");
    }
}

#[test]
fn register_bus_matches_the_model() {
    run("register_bus", |sim| {
        let mut rng = StdRng::seed_from_u64(0xb05);
        let mut bus = checked_bus();
        bus.bus = bus.bus.clone().with_random_delays(7, 3);
        dut::reset(sim);
        let map = bus.model.map().clone();
        scenario::register_storm(&mut rng, &mut bus, sim, 4000)?;
        // Reset: registers and key to reset values, table kept.
        dut::reset(sim);
        bus.model.reset();
        for r in map.registers() {
            bus.read(sim, r.offset)?;
            bus.read(sim, r.element_offset(r.count - 1))?;
        }
        Ok(())
    });
}

#[test]
fn published_vectors_hash_through_the_rtl() {
    run("published_vectors", |sim| {
        let mut bus = checked_bus();
        dut::reset(sim);
        bus.write(sim, offset::HASH_TYPES, 0x1ff, 0xf)?;
        bus.write(sim, offset::CTRL, 1, 0xf)?;
        bus.set_key(sim, &MS_DEFAULT_KEY)?;
        let mut traffic = Traffic::new(1, 100, 100);
        let mut expected = Vec::new();
        for v in published() {
            let addresses = Tuple::addresses(v.src, v.dst).unwrap();
            let ports = Tuple::with_ports(v.src, v.dst, v.sport, v.dport, Transport::Tcp).unwrap();
            for (tuple, hash) in [(addresses, v.hash_ip), (ports, v.hash_ip_ports)] {
                traffic.push(TupleIn {
                    bytes: tuple.bytes,
                    type_bits: tuple.candidate.unwrap().mask(),
                });
                expected.push(hash);
            }
        }
        traffic.drain(sim)?;
        let hashes: Vec<u32> = traffic.records.iter().map(|r| r.hash).collect();
        if hashes != expected {
            return Err(format!("RTL {hashes:08x?}\npublished {expected:08x?}"));
        }
        Ok(())
    });
}

#[test]
fn random_traffic_matches_the_model() {
    run("random_traffic", |sim| {
        let summary = scenario::random_traffic(sim, 0x5eed_2026, 26, 4000, |_| {})?;
        assert!(summary.tuples >= 100_000, "{summary:?}");
        eprintln!(
            "random traffic: {} tuples, {} configurations, {} mismatches, {} cycles, {:.2} M cycles/s",
            summary.tuples,
            summary.configurations,
            summary.mismatches,
            summary.cycles,
            summary.cycles_per_second() / 1e6
        );
        Ok(())
    });
}

#[test]
fn full_rate_is_one_tuple_per_clock() {
    run("full_rate", |sim| {
        let mut bus = checked_bus();
        dut::reset(sim);
        let mut rng = StdRng::seed_from_u64(3);
        scenario::random_config(&mut rng, &mut bus, sim)?;
        let mut traffic = Traffic::new(2, 100, 100);
        let n = 10_000;
        for _ in 0..n {
            traffic.push(scenario::random_tuple(&mut rng));
        }
        let start = sim.cycles();
        traffic.drain(sim)?;
        let cycles = sim.cycles() - start;
        // Pipeline latency is 4 clocks; everything else must be one tuple per clock.
        if cycles > n + 5 {
            return Err(format!("{n} tuples took {cycles} clocks"));
        }
        Ok(())
    });
}

#[test]
fn key_commit_under_traffic_is_atomic() {
    run("key_commit_atomic", |sim| {
        let mut rng = StdRng::seed_from_u64(0xa70);
        let mut bus = checked_bus();
        dut::reset(sim);
        scenario::random_config(&mut rng, &mut bus, sim)?;
        bus.write(sim, offset::CTRL, 1, 0xf)?;
        bus.write(sim, offset::HASH_TYPES, 0x1ff, 0xf)?;
        let tuples: Vec<TupleIn> = (0..6000)
            .map(|_| {
                let t = Tuple::with_ports(
                    rng.random::<[u8; 16]>().into(),
                    rng.random::<[u8; 16]>().into(),
                    rng.random(),
                    rng.random(),
                    Transport::Udp,
                )
                .unwrap();
                TupleIn {
                    bytes: t.bytes,
                    type_bits: HashType::UdpIpv6.mask(),
                }
            })
            .collect();
        let mut traffic = Traffic::new(4, 100, 80);
        for t in &tuples {
            traffic.push(*t);
        }
        // Snapshot of the model per key generation; records must use exactly one of them
        // and generations never go backwards.
        let mut models = vec![bus.model.clone()];
        traffic.plan(sim);
        while traffic.accepted < 5000 {
            for word in 0..KEY_WORDS {
                let mut failed = None;
                bus.write_with(sim, offset::KEY + 4 * word, rng.random(), 0xf, |s| {
                    if let Err(e) = traffic.after_edge(s) {
                        failed.get_or_insert(e);
                    }
                })?;
                if let Some(e) = failed {
                    return Err(e);
                }
            }
            let mut failed = None;
            bus.write_with(sim, offset::COMMIT, 1, 0xf, |s| {
                if let Err(e) = traffic.after_edge(s) {
                    failed.get_or_insert(e);
                }
            })?;
            if let Some(e) = failed {
                return Err(e);
            }
            models.push(bus.model.clone());
        }
        while traffic.busy() {
            traffic.clock(sim)?;
        }
        let mut generation = 0;
        for (i, (t, got)) in tuples.iter().zip(&traffic.records).enumerate() {
            let matches = |g: usize| RecordOut::from(models[g].steer(0, &t.model())) == *got;
            while !matches(generation) {
                generation += 1;
                if generation == models.len() {
                    return Err(format!(
                        "tuple {i}: {got:x?} matches no committed key at or after the previous one"
                    ));
                }
            }
        }
        if generation + 1 < models.len() / 2 {
            return Err(format!(
                "only {generation} of {} commits were seen by traffic",
                models.len() - 1
            ));
        }
        Ok(())
    });
}
