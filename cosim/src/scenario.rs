//! Random configurations and traffic, checked record by record against the model.
//! Shared by the cosim tests and the `rss-cosim` main job.

use std::time::{Duration, Instant};

use rand::{Rng, SeedableRng, rngs::StdRng};
use rss_model::regfile::RegFile;
use rss_model::regmap::{ADDR_BITS, KEY_EXT_WORDS, Params, key_word_offset, offset};
use rss_model::{HashType, HashTypes, TUPLE_BYTES};

use crate::axil::AxilPins;
use crate::dut::{self, CheckedBus, CoreSim, RecordOut, Traffic, TupleIn};
use crate::frame_dut::{self, FramePins, FrameTraffic};
use crate::frames;
use rss_model::parse::{FLAG_FRAGMENT, FLAG_MALFORMED};

/// A random tuple: mostly well-formed candidates of every type, some with garbage in
/// the unhashed bytes, some unhashable (0) or malformed (not one-hot) type fields.
pub fn random_tuple(rng: &mut StdRng) -> TupleIn {
    let mut bytes = [0u8; TUPLE_BYTES];
    rng.fill(&mut bytes[..]);
    let type_bits = match rng.random_range(0..20) {
        0 => 0,
        1 => rng.random_range(0..1 << 9),
        _ => HashType::ALL[rng.random_range(0..HashType::ALL.len())].mask(),
    };
    if rng.random_bool(0.5) {
        // The usual case: nothing past the hashed bytes.
        if let Some(t) = rss_model::Tuple::from_port(bytes, type_bits).candidate {
            bytes[t.input_bytes()..].fill(0);
        }
    }
    TupleIn { bytes, type_bits }
}

/// Programs a random configuration through `bus`, the model following every write:
/// every VPort gets its own key, hash types, table, queues and switches (committed),
/// and the MAC filters random addresses, most of them valid. Returns the filters'
/// addresses, for frames to carry ([`stamp_mac`]).
pub fn random_config<P: AxilPins>(
    rng: &mut StdRng,
    bus: &mut CheckedBus,
    sim: &mut P,
) -> Result<Vec<[u8; 6]>, String> {
    let params = bus.model.map().params;
    for vport in 0..params.vports {
        random_vport(rng, bus, sim, vport)?;
    }
    let mut macs = Vec::new();
    for entry in 0..u32::from(params.mac_filters) {
        let mac: [u8; 6] = rng.random();
        let hi = u32::from(u16::from_be_bytes([mac[0], mac[1]]))
            | u32::from(rng.random_bool(0.85)) << 16
            | u32::from(rng.random_range(0..params.vports)) << 24;
        let lo = u32::from_be_bytes([mac[2], mac[3], mac[4], mac[5]]);
        bus.write(sim, offset::MAC_FILTER_LO + 4 * entry, lo, 0xf)?;
        bus.write(sim, offset::MAC_FILTER_HI + 4 * entry, hi, 0xf)?;
        macs.push(mac);
    }
    Ok(macs)
}

/// `accesses` random register reads and writes, each checked against the model by
/// `bus`, then every element of every register read back. Most go to the edges of the
/// build's registers (first and last element, the word past the end) and a few known
/// holes, the rest anywhere in the window; data and strobes are skewed towards the
/// field limits.
pub fn register_storm<P: AxilPins>(
    rng: &mut StdRng,
    bus: &mut CheckedBus,
    sim: &mut P,
    accesses: usize,
) -> Result<(), String> {
    let map = bus.model.map().clone();
    let mut addresses: Vec<u32> = map
        .registers()
        .iter()
        .flat_map(|r| {
            [
                r.offset,
                r.element_offset(r.count - 1),
                r.element_offset(r.count),
            ]
        })
        .collect();
    // Holes, and KEY_EXT's words whether or not the build has them.
    addresses.extend([0x14, 0x18, 0x3c, 0x68, 0xffc, (1 << ADDR_BITS) - 4]);
    addresses.extend((0..KEY_EXT_WORDS).map(|n| offset::KEY_EXT + 4 * n));
    for _ in 0..accesses {
        let addr = if rng.random_bool(0.7) {
            addresses[rng.random_range(0..addresses.len())] | rng.random_range(0..4)
        } else {
            rng.random_range(0..1 << ADDR_BITS)
        };
        if rng.random_bool(0.5) {
            bus.read(sim, addr)?;
        } else {
            let data = match rng.random_range(0..4) {
                0 => rng.random(),
                1 => rng.random_range(0..4),
                2 => rng.random_range(0..0x200),
                _ => 1 << rng.random_range(0..32),
            };
            let strb = if rng.random_bool(0.7) {
                0xf
            } else {
                rng.random_range(0..16)
            };
            bus.write(sim, addr, data, strb)?;
        }
    }
    for r in map.registers() {
        for e in 0..r.count {
            bus.read(sim, r.element_offset(e))?;
        }
    }
    Ok(())
}

/// Stages a random state for `vport`, writes its shadow table and commits both.
pub fn random_vport<P: AxilPins>(
    rng: &mut StdRng,
    bus: &mut CheckedBus,
    sim: &mut P,
    vport: u8,
) -> Result<(), String> {
    let params = bus.model.map().params;
    for word in 0..u32::from(params.key_bytes) / 4 {
        bus.write(sim, key_word_offset(word), rng.random(), 0xf)?;
    }
    // Mostly everything; often everything but the Ex types (so the plain IPv6 types
    // get chosen too); sometimes any subset.
    let no_ex = HashTypes::ALL.0
        & !(HashType::Ipv6Ex.mask() | HashType::TcpIpv6Ex.mask() | HashType::UdpIpv6Ex.mask());
    let types = match rng.random_range(0..8) {
        0..=3 => u32::from(HashTypes::ALL.0),
        4 | 5 => u32::from(no_ex),
        _ => rng.random_range(0..0x200),
    };
    bus.write(sim, offset::HASH_TYPES, types, 0xf)?;
    let log2 = if rng.random_bool(0.7) {
        u32::from(params.table_entries_log2)
    } else {
        rng.random_range(0..=u32::from(params.table_entries_log2))
    };
    bus.write(sim, offset::TABLE_SIZE, log2, 0xf)?;
    let queues = u32::from(params.num_queues);
    let base = u32::from(vport) * params.table_entries();
    for entry in 0..params.table_entries() {
        bus.write(
            sim,
            offset::TABLE + 4 * (base + entry),
            rng.random_range(0..queues),
            0xf,
        )?;
    }
    bus.write(sim, offset::DEFAULT_QUEUE, rng.random_range(0..queues), 0xf)?;
    bus.write(sim, offset::PRIMARY_QUEUE, rng.random_range(0..queues), 0xf)?;
    bus.write(sim, offset::QUEUE_LIMIT, rng.random_range(0..queues), 0xf)?;
    let ctrl = u32::from(rng.random_bool(0.9)) | u32::from(rng.random_bool(0.3)) << 1;
    bus.write(sim, offset::CTRL, ctrl, 0xf)?;
    bus.commit(sim, vport, true, true)
}

/// Gives most frames one of the filters' destination MACs (the rest keep a random one,
/// which goes to VPort 0), so every VPort sees traffic.
pub fn stamp_mac(rng: &mut StdRng, frame: &mut [u8], macs: &[[u8; 6]]) {
    if frame.len() >= 6 && !macs.is_empty() && rng.random_bool(0.8) {
        frame[..6].copy_from_slice(&macs[rng.random_range(0..macs.len())]);
    }
}

/// After `random_config`: VPort 1 hashes the IPv4 types only and VPort 2 has RSS off, so
/// probes and frames also meet a type that is not enabled and a disabled VPort.
pub fn vary_vports<P: AxilPins>(sim: &mut P, bus: &mut CheckedBus) -> Result<(), String> {
    let ipv4 = HashType::Ipv4.mask() | HashType::TcpIpv4.mask() | HashType::UdpIpv4.mask();
    bus.write(sim, offset::HASH_TYPES, u32::from(ipv4), 0xf)?;
    bus.write(sim, offset::CTRL, 1, 0xf)?;
    bus.commit(sim, 1, true, false)?;
    bus.write(sim, offset::CTRL, 0, 0xf)?;
    bus.commit(sim, 2, true, false)
}

/// `count` random frames (`frames::random_frame`), each stamped by [`stamp_mac`].
pub fn stamped_frames(rng: &mut StdRng, count: usize, macs: &[[u8; 6]]) -> Vec<Vec<u8>> {
    (0..count)
        .map(|_| {
            let mut frame = frames::random_frame(rng);
            stamp_mac(rng, &mut frame, macs);
            frame
        })
        .collect()
}

/// What a run checked.
#[derive(Debug, Clone, Default)]
pub struct Summary {
    pub tuples: u64,
    pub mismatches: u64,
    pub configurations: u64,
    pub cycles: u64,
    pub elapsed: Duration,
    /// Records per queue (index = queue).
    pub queue_counts: Vec<u64>,
    /// Records per hash type bit, last slot = no hash.
    pub type_counts: [u64; 10],
    /// Records per VPort.
    pub vport_counts: [u64; rss_model::regmap::MAX_VPORTS as usize],
    /// Records flagged malformed / fragment (frame runs).
    pub malformed: u64,
    pub fragments: u64,
}

impl Summary {
    pub fn cycles_per_second(&self) -> f64 {
        self.cycles as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }
}

/// Random traffic under random configurations: `batches` configurations of
/// `batch_size` tuples, random `tvalid` gaps and record backpressure, every record
/// compared with the model. Stops at the first mismatch with the cycle it happened.
pub fn random_traffic(
    sim: &mut CoreSim<'_>,
    seed: u64,
    batches: u64,
    batch_size: u64,
    mut progress: impl FnMut(&Summary),
) -> Result<Summary, String> {
    let start = Instant::now();
    let mut rng = StdRng::seed_from_u64(seed);
    let params = Params::default();
    let mut bus = CheckedBus::new(RegFile::new(params).map_err(|e| e.to_string())?);
    dut::reset(sim);
    let mut summary = Summary::new(params);
    let start_cycle = sim.cycles();
    for batch in 0..batches {
        random_config(&mut rng, &mut bus, sim)?;
        let (valid, ready) = batch_rates(batch, &mut rng);
        let mut traffic = Traffic::new(rng.random(), valid, ready);
        let tuples: Vec<TupleIn> = (0..batch_size).map(|_| random_tuple(&mut rng)).collect();
        for t in &tuples {
            traffic.push(*t);
        }
        traffic
            .drain(sim)
            .map_err(|e| format!("cycle {}: {e}", sim.cycles()))?;
        let expected = tuples
            .iter()
            .map(|t| RecordOut::from(bus.model.steer(0, &t.model())));
        summary
            .check_batch(batch, expected, &traffic.records, |i| {
                format!("tuple {i} ({:02x?})", tuples[i])
            })
            .map_err(|e| format!("{e} (cycle {})", sim.cycles()))?;
        summary.cycles = sim.cycles() - start_cycle;
        summary.elapsed = start.elapsed();
        progress(&summary);
    }
    Ok(summary)
}

/// `tvalid` / `tready` percentages for a batch: full speed, record backpressure, input
/// gaps, then random, so both bubbles and stalls are covered.
fn batch_rates(batch: u64, rng: &mut StdRng) -> (u32, u32) {
    match batch % 4 {
        0 => (100, 100),
        1 => (100, 50),
        2 => (60, 100),
        _ => (rng.random_range(10..100), rng.random_range(10..100)),
    }
}

impl Summary {
    fn new(params: Params) -> Summary {
        Summary {
            queue_counts: vec![0; usize::from(params.num_queues)],
            ..Summary::default()
        }
    }

    /// Compares one configuration's records with the model's, in order and in number,
    /// and counts them. `describe(i)` names input `i` in a mismatch report.
    fn check_batch(
        &mut self,
        batch: u64,
        expected: impl ExactSizeIterator<Item = RecordOut>,
        got: &[RecordOut],
        describe: impl Fn(usize) -> String,
    ) -> Result<(), String> {
        if expected.len() != got.len() {
            return Err(format!(
                "batch {batch}: {} packets in, {} records out",
                expected.len(),
                got.len()
            ));
        }
        for (i, (expected, got)) in expected.zip(got).enumerate() {
            if *got != expected {
                self.mismatches += 1;
                return Err(format!(
                    "batch {batch} {}: RTL {got:x?}, model {expected:x?}",
                    describe(i)
                ));
            }
            self.queue_counts[usize::from(got.queue)] += 1;
            let slot = if got.hash_type == 0 {
                9
            } else {
                got.hash_type.trailing_zeros() as usize
            };
            self.type_counts[slot] += 1;
            self.vport_counts[usize::from(got.vport)] += 1;
            self.malformed += u64::from(got.flags & FLAG_MALFORMED != 0);
            self.fragments += u64::from(got.flags & FLAG_FRAGMENT != 0);
        }
        self.tuples += got.len() as u64;
        self.configurations += 1;
        Ok(())
    }
}

/// Runs `body` on an untraced model; if it fails, runs it again on a traced one (same
/// seed, so the same failure) and returns the error with the VCD's path.
pub fn with_trace_on_failure<T>(
    name: &str,
    body: impl Fn(&mut CoreSim<'_>) -> Result<T, String>,
) -> Result<T, String> {
    let cosim = dut::build(false).map_err(|e| crate::error_chain(&e))?;
    let mut sim = cosim
        .sim::<dut::TupleCore>(name)
        .map_err(|e| crate::error_chain(&e))?;
    let first = body(&mut sim);
    let Err(message) = first else { return first };
    let traced = dut::build(true).map_err(|e| crate::error_chain(&e))?;
    let mut sim = traced
        .sim::<dut::TupleCore>(name)
        .map_err(|e| crate::error_chain(&e))?;
    let again = body(&mut sim);
    sim.flush_trace();
    let path = sim
        .trace_path()
        .map(|p| p.display().to_string())
        .unwrap_or_default();
    Err(format!(
        "{message}\n  waveform: {path} (rerun traced: {})",
        again.err().unwrap_or_default()
    ))
}

/// Random frames (`frames::random_frame`: every hash type, VLAN tags, IPv4 options,
/// IPv6 extension headers, fragments, and ~30% malformed) under random configurations,
/// with random `tvalid` gaps and record backpressure; every record is compared with
/// `rss_model::parse::steer_frame`. Stops at the first mismatch.
pub fn random_frame_traffic<P: FramePins>(
    sim: &mut P,
    seed: u64,
    batches: u64,
    batch_size: u64,
    mut progress: impl FnMut(&Summary),
) -> Result<Summary, String> {
    let start = Instant::now();
    let mut rng = StdRng::seed_from_u64(seed);
    let params = P::params();
    let mut bus = CheckedBus::new(RegFile::new(params).map_err(|e| e.to_string())?);
    frame_dut::reset(sim);
    let mut summary = Summary::new(params);
    for batch in 0..batches {
        let macs = random_config(&mut rng, &mut bus, sim)?;
        let (valid, ready) = batch_rates(batch, &mut rng);
        let mut traffic = FrameTraffic::new(rng.random(), valid, ready);
        let frames: Vec<Vec<u8>> = (0..batch_size)
            .map(|_| {
                let mut frame = frames::random_frame(&mut rng);
                stamp_mac(&mut rng, &mut frame, &macs);
                frame
            })
            .collect();
        for f in &frames {
            traffic.push(f.clone());
        }
        let mut clocks = 0u64;
        traffic.plan(sim);
        while traffic.busy() {
            traffic
                .clock(sim)
                .map_err(|e| format!("batch {batch} clock {clocks}: {e}"))?;
            clocks += 1;
        }
        let expected = frames.iter().map(|f| RecordOut::for_frame(&bus.model, f));
        summary.check_batch(batch, expected, &traffic.records, |i| {
            format!("frame {i} ({} bytes: {:02x?})", frames[i].len(), frames[i])
        })?;
        summary.cycles += clocks;
        summary.elapsed = start.elapsed();
        progress(&summary);
    }
    Ok(summary)
}

/// Runs `$body` (a closure taking `&mut Sim<$model>`) on an untraced frame-level model;
/// on failure builds a traced one, reruns (same seed, same failure) and returns the
/// error with the VCD's path. A macro because the models borrow their runtime.
#[macro_export]
macro_rules! frames_with_trace_on_failure {
    ($model:ty, $name:expr, $body:expr) => {{
        let name: &str = $name;
        let first = (|| {
            let cosim =
                $crate::frame_dut::build::<$model>(false).map_err(|e| $crate::error_chain(&e))?;
            let mut sim = cosim
                .sim::<$model>(name)
                .map_err(|e| $crate::error_chain(&e))?;
            ($body)(&mut sim)
        })();
        match first {
            Ok(v) => Ok(v),
            Err(message) => {
                let again: Result<(), String> = (|| {
                    let cosim = $crate::frame_dut::build::<$model>(true)
                        .map_err(|e| $crate::error_chain(&e))?;
                    let mut sim = cosim
                        .sim::<$model>(name)
                        .map_err(|e| $crate::error_chain(&e))?;
                    let result = ($body)(&mut sim);
                    sim.flush_trace();
                    let path = sim
                        .trace_path()
                        .map(|p| p.display().to_string())
                        .unwrap_or_default();
                    Err(format!(
                        "waveform: {path} (rerun traced: {})",
                        result.err().unwrap_or_default()
                    ))
                })();
                Err(format!("{message}\n  {}", again.err().unwrap_or_default()))
            }
        }
    }};
}
