//! The statistics counters (`COUNTERS`, `REFUSED`) through the emitted Verilog. Random
//! VPort configurations (one VPort hashing IPv4 only, one with RSS off), random frames
//! or tuples with gaps and backpressure, refused writes and moves between the batches.
//! Every record is checked against the model and reported to it
//! (`RegFile::count_record`); after each batch drains, every `COUNTERS` element and
//! `REFUSED` are read and checked against the model. A reset then clears `REFUSED` and
//! keeps the counts (block RAM).

use rand::{Rng, SeedableRng, rngs::StdRng};
use rss_cosim::axil::AxilPins;
use rss_cosim::dut::{self, CheckedBus, CoreSim, RecordOut, Traffic};
use rss_cosim::frame_dut::{FramePins, FrameTraffic, RssCoreW64, RssCoreW512, reset};
use rss_cosim::frames_with_trace_on_failure;
use rss_cosim::scenario::{self, with_trace_on_failure};
use rss_model::regfile::RegFile;
use rss_model::regmap::{Params, counter, index, offset};

/// Clocks from a record's handshake until its count reads back (the regmap's
/// `COUNTERS` doc).
const COUNT_LATENCY: usize = 5;

/// What the counters saw in a run, for the report and to prove coverage.
#[derive(Debug, Default)]
struct Tally {
    records: u64,
    /// Records per class over all VPorts.
    classes: [u64; counter::CLASSES as usize],
    /// Records per VPort.
    vports: [u64; 8],
    refused_writes: u32,
    refused_moves: u32,
    counter_reads: u32,
}

impl Tally {
    fn take(&mut self, bus: &mut CheckedBus, record: &RecordOut) {
        bus.count_record(record);
        let model = record.model_record();
        self.records += 1;
        self.classes[counter::class(model.hash_type, record.flags) as usize] += 1;
        self.vports[usize::from(record.vport)] += 1;
    }
}

/// Every `COUNTERS` element and `REFUSED`, read and checked against the model.
fn read_counters<P: AxilPins>(
    sim: &mut P,
    bus: &mut CheckedBus,
    tally: &mut Tally,
) -> Result<(), String> {
    let counters = *bus.model.map().register(index::COUNTERS);
    for e in 0..counters.count {
        bus.read(sim, counters.element_offset(e))?;
        tally.counter_reads += 1;
    }
    bus.read(sim, counters.element_offset(counters.count))?;
    bus.read(sim, offset::REFUSED)?;
    Ok(())
}

/// A `MOVE` the model's VPort state refuses: an entry past a VPort's table size, else a
/// queue above a VPort's queue limit (a legal field value either way).
fn refused_move(model: &RegFile) -> Option<u32> {
    let params = model.map().params;
    (0..params.vports).find_map(|v| {
        let state = model.vport(usize::from(v));
        let vport = u32::from(v) << 24;
        if state.table_size_log2 < params.table_entries_log2 {
            Some(1 << state.table_size_log2 | vport)
        } else if state.queue_limit + 1 < params.num_queues {
            Some(u32::from(state.queue_limit + 1) << 12 | vport)
        } else {
            None
        }
    })
}

/// Writes the core refuses: read-only, unmapped, out-of-range values, a move the
/// VPorts' state refuses, and a legal move in between.
fn refused_writes<P: AxilPins>(
    sim: &mut P,
    bus: &mut CheckedBus,
    rng: &mut StdRng,
    tally: &mut Tally,
) -> Result<(), String> {
    let writes = [
        (offset::ID, 0),
        (offset::COUNTERS, 1),
        (offset::REFUSED, 0),
        (0x174, 5),
        (offset::TABLE_SIZE, 15),
        (
            offset::MOVE,
            refused_move(&bus.model).ok_or("every VPort takes every move")?,
        ),
        // A legal MOVE (entry 0 of a VPort, queue 0): applied.
        (offset::MOVE, rng.random_range(0..4) << 24),
    ];
    for (addr, data) in writes {
        let before = bus
            .model
            .read(offset::REFUSED)
            .map_err(|e| format!("{e:?}"))?;
        bus.write(sim, addr, data, 0xf)?;
        let after = bus
            .model
            .read(offset::REFUSED)
            .map_err(|e| format!("{e:?}"))?;
        tally.refused_writes += (after & 0xffff).wrapping_sub(before & 0xffff);
        tally.refused_moves += (after >> 16).wrapping_sub(before >> 16);
    }
    Ok(())
}

/// `batches` batches of random frames (gaps, backpressure); after each, the counters.
fn counters_under_frames<P: FramePins>(
    sim: &mut P,
    seed: u64,
    batches: usize,
    per_batch: usize,
) -> Result<Tally, String> {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut bus = CheckedBus::new(RegFile::new(Params::default()).map_err(|e| e.to_string())?);
    bus.counting = true;
    reset(sim);
    let macs = scenario::random_config(&mut rng, &mut bus, sim)?;
    scenario::vary_vports(sim, &mut bus)?;
    let mut tally = Tally::default();
    for batch in 0..batches {
        let frames = scenario::stamped_frames(&mut rng, per_batch, &macs);
        let mut traffic = FrameTraffic::new(rng.random(), 85, 70);
        for f in &frames {
            traffic.push(f.clone());
        }
        traffic.drain(sim)?;
        // A record counts within COUNT_LATENCY clocks of its handshake.
        for _ in 0..COUNT_LATENCY {
            traffic.clock(sim)?;
        }
        dut::check_frame_records(&bus.model, &frames, &traffic.records)
            .map_err(|e| format!("batch {batch}: {e}"))?;
        for got in &traffic.records {
            tally.take(&mut bus, got);
        }
        read_counters(sim, &mut bus, &mut tally)?;
        refused_writes(sim, &mut bus, &mut rng, &mut tally)?;
    }
    // rst: REFUSED back to 0, the counts kept.
    reset(sim);
    bus.model.reset();
    read_counters(sim, &mut bus, &mut tally)?;
    Ok(tally)
}

fn report(design: &str, tally: &Tally) {
    eprintln!(
        "{design}: {} records counted (per class {:?}, per VPort {:?}), {} refused writes \
         incl. {} moves, {} counter reads, all = model",
        tally.records,
        tally.classes,
        tally.vports,
        tally.refused_writes,
        tally.refused_moves,
        tally.counter_reads
    );
    assert!(tally.refused_writes > tally.refused_moves && tally.refused_moves > 0);
}

/// The frame core must see every class but the reserved ones and every VPort.
fn assert_frame_coverage(tally: &Tally) {
    let hashed_types = tally.classes[..9].iter().filter(|&&n| n > 0).count();
    assert!(hashed_types >= 6, "{tally:?}");
    assert!(
        tally.classes[counter::UNHASHED as usize] > 0
            && tally.classes[counter::MALFORMED as usize] > 0,
        "{tally:?}"
    );
    // The random filters may leave a VPort without a MAC; VPort 0 takes the rest.
    assert!(
        tally.vports[0] > 0 && tally.vports[..4].iter().filter(|&&n| n > 0).count() >= 3,
        "{tally:?}"
    );
}

#[test]
fn counters_match_the_model_64_bit() {
    let tally = frames_with_trace_on_failure!(RssCoreW64, "counters_w64", |sim: &mut _| {
        counters_under_frames(sim, 0xc064, 3, 400)
    })
    .unwrap_or_else(|e| panic!("{e}"));
    report("64-bit", &tally);
    assert_frame_coverage(&tally);
}

#[test]
fn counters_match_the_model_512_bit() {
    let tally = frames_with_trace_on_failure!(RssCoreW512, "counters_w512", |sim: &mut _| {
        counters_under_frames(sim, 0x000c_0512, 3, 400)
    })
    .unwrap_or_else(|e| panic!("{e}"));
    report("512-bit", &tally);
    assert_frame_coverage(&tally);
}

#[test]
fn counters_match_the_model_tuple_core() {
    let result = with_trace_on_failure("counters_tuple_core", |sim: &mut CoreSim<'_>| {
        let mut rng = StdRng::seed_from_u64(0x0c07);
        let mut bus = CheckedBus::new(RegFile::new(Params::default()).unwrap());
        bus.counting = true;
        dut::reset(sim);
        scenario::random_config(&mut rng, &mut bus, sim)?;
        let mut tally = Tally::default();
        for batch in 0..3 {
            // RSS on, then off, then on with the IPv4 types only: every class of VPort 0.
            let (enable, types) = [(1, 0x1ff), (0, 0x1ff), (1, 0x43)][batch];
            bus.write(sim, offset::HASH_TYPES, types, 0xf)?;
            bus.write(sim, offset::CTRL, enable, 0xf)?;
            bus.commit(sim, 0, true, false)?;
            let tuples: Vec<_> = (0..800).map(|_| scenario::random_tuple(&mut rng)).collect();
            let mut traffic = Traffic::new(rng.random(), 80, 75);
            for t in &tuples {
                traffic.push(*t);
            }
            traffic.drain(sim)?;
            for _ in 0..COUNT_LATENCY {
                traffic.clock(sim)?;
            }
            for (i, (t, got)) in tuples.iter().zip(&traffic.records).enumerate() {
                let expected = RecordOut::from(bus.model.steer(0, &t.model()));
                if *got != expected {
                    return Err(format!("tuple {i}: RTL {got:x?}, model {expected:x?}"));
                }
                tally.take(&mut bus, got);
            }
            read_counters(sim, &mut bus, &mut tally)?;
            refused_writes(sim, &mut bus, &mut rng, &mut tally)?;
        }
        dut::reset(sim);
        bus.model.reset();
        read_counters(sim, &mut bus, &mut tally)?;
        Ok(tally)
    });
    let tally = result.unwrap_or_else(|e| panic!("{e}"));
    report("tuple core", &tally);
    assert!(tally.vports[0] == tally.records && tally.classes[counter::UNHASHED as usize] > 0);
}
