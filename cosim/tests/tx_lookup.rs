//! The transmit-side lookup port through the emitted Verilog (the 256-bit core built
//! with `gen --tx-lookup`), every answer held against the model's
//! `RegFile::transmit_lookup`:
//! - beside a frame stream, random VPort configurations: each answer is the model's,
//!   and each record too (the port shares nothing with the frame path but the state);
//! - under updates (entry moves, table swaps, parameter commits that switch RSS on and
//!   off): each answer is the model's just before or just after the update in flight;
//! - with answers refused, the core holds at most its FIFO's worth and then stops
//!   taking requests; with both sides always ready, one answer per clock.
//!
//! A build without the port (the default 64-bit core) never takes a request.

use rand::{Rng, SeedableRng, rngs::StdRng};
use rss_cosim::dut::{self, CheckedBus};
use rss_cosim::frame_dut::{FramePins, FrameTraffic, RssCoreW64, RssCoreW256, reset};
use rss_cosim::frames_with_trace_on_failure;
use rss_cosim::scenario;
use rss_cosim::tx_traffic::{TxAnswer, TxRequest, TxTraffic};
use rss_model::regfile::RegFile;
use rss_model::regmap::{FEATURE_TX_LOOKUP, offset};

/// Requests the core holds with answers refused (its answer FIFO).
const ANSWER_FIFO: usize = 16;

/// What one run did.
#[derive(Debug, Default)]
struct Tally {
    answers: usize,
    /// Answers from the table (the rest: a default or primary queue).
    hashed: usize,
    /// Requests naming a VPort the build lacks, answered on VPort 0.
    foreign_vport: usize,
    moves: u32,
    table_swaps: u32,
    param_commits: u32,
    /// Answers whose request met an update in flight with two different model answers.
    straddling: usize,
    frames: usize,
}

/// Each accepted request's acceptable answers: the model's at its acceptance, plus the
/// model's after every write that completed while it could still be reading the state.
struct Candidates {
    per_request: Vec<Vec<TxAnswer>>,
    /// `accepted.len()` after each of the last few edges (a request reads its VPort's
    /// state two clocks after it is taken).
    recent: std::collections::VecDeque<usize>,
}

impl Candidates {
    fn new() -> Self {
        Candidates {
            per_request: Vec::new(),
            recent: std::collections::VecDeque::from([0; 4]),
        }
    }

    /// After an edge: requests taken on it get the model's answer now.
    fn book(&mut self, tx: &TxTraffic, model: &RegFile) {
        while self.per_request.len() < tx.accepted.len() {
            let request = tx.accepted[self.per_request.len()];
            self.per_request.push(vec![request.model_answer(model)]);
        }
        self.recent.pop_front();
        self.recent.push_back(tx.accepted.len());
    }

    /// After a write completed: requests taken from a few edges before it started to
    /// now may have read the state before or after it.
    fn straddle(&mut self, tx: &TxTraffic, from: usize, model: &RegFile) {
        for (n, options) in self.per_request.iter_mut().enumerate().skip(from) {
            let after = tx.accepted[n].model_answer(model);
            if !options.contains(&after) {
                options.push(after);
            }
        }
    }

    fn check(&self, tx: &TxTraffic, tally: &mut Tally) -> Result<(), String> {
        for (n, answer) in tx.answers.iter().enumerate() {
            let options = &self.per_request[n];
            if !options.contains(answer) {
                return Err(format!(
                    "answer {n} {answer:?} to {:?}: the model says one of {options:?}",
                    tx.accepted[n]
                ));
            }
            tally.answers += 1;
            tally.straddling += usize::from(options.len() > 1);
            tally.hashed += usize::from(answer.hashed);
            tally.foreign_vport += usize::from(tx.accepted[n].vport != answer.vport);
        }
        Ok(())
    }
}

/// One clock of both streams, every answer taken booked against the model.
fn clock<P: FramePins>(
    sim: &mut P,
    frames: &mut FrameTraffic,
    tx: &mut TxTraffic,
    candidates: &mut Candidates,
    model: &RegFile,
) -> Result<(), String> {
    sim.tick();
    frames.after_edge(sim)?;
    tx.after_edge(sim)?;
    candidates.book(tx, model);
    Ok(())
}

/// One write with the transmit stream running through it.
fn write<P: FramePins>(
    sim: &mut P,
    bus: &mut CheckedBus,
    tx: &mut TxTraffic,
    candidates: &mut Candidates,
    addr: u32,
    value: u32,
) -> Result<(), String> {
    let from = *candidates.recent.front().expect("four marks");
    let mut failure = None;
    bus.write_seen(sim, addr, value, 0xf, |s, model| {
        if let Err(e) = tx.after_edge(s) {
            failure.get_or_insert(e);
        }
        candidates.book(tx, model);
    })?;
    if let Some(e) = failure {
        return Err(e);
    }
    candidates.straddle(tx, from, &bus.model);
    Ok(())
}

/// A random update of one VPort's active state: a move, a table swap or a parameter
/// commit (RSS on or off, table size, default and primary queue).
fn random_update<P: FramePins>(
    sim: &mut P,
    bus: &mut CheckedBus,
    rng: &mut StdRng,
    tx: &mut TxTraffic,
    candidates: &mut Candidates,
    tally: &mut Tally,
) -> Result<(), String> {
    let params = bus.model.map().params;
    let vport = rng.random_range(0..params.vports);
    let queues = u32::from(params.num_queues);
    let entries = params.table_entries();
    match rng.random_range(0..10) {
        0..=3 => {
            let entry = rng.random_range(0..entries);
            let value = entry | rng.random_range(0..queues) << 12 | u32::from(vport) << 24;
            write(sim, bus, tx, candidates, offset::MOVE, value)?;
            tally.moves += 1;
        }
        4..=6 => {
            for _ in 0..rng.random_range(1..12) {
                let element = u32::from(vport) * entries + rng.random_range(0..entries);
                let queue = rng.random_range(0..queues);
                write(sim, bus, tx, candidates, offset::TABLE + 4 * element, queue)?;
            }
            let commit = 2 | u32::from(vport) << 8;
            write(sim, bus, tx, candidates, offset::COMMIT, commit)?;
            tally.table_swaps += 1;
        }
        _ => {
            let log2 = rng.random_range(0..=u32::from(params.table_entries_log2));
            for (addr, value) in [
                (offset::CTRL, u32::from(rng.random_bool(0.7))),
                (offset::TABLE_SIZE, log2),
                (offset::DEFAULT_QUEUE, rng.random_range(0..queues)),
                (offset::PRIMARY_QUEUE, rng.random_range(0..queues)),
                (offset::COMMIT, 1 | u32::from(vport) << 8),
            ] {
                write(sim, bus, tx, candidates, addr, value)?;
            }
            tally.param_commits += 1;
        }
    }
    Ok(())
}

fn transmit_lookups<P: FramePins>(sim: &mut P, seed: u64) -> Result<Tally, String> {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut bus = CheckedBus::new(RegFile::new(P::params()).map_err(|e| e.to_string())?);
    let vports = P::params().vports;
    let mut tally = Tally::default();
    reset(sim);
    let (caps, _) = bus.read(sim, offset::VPORT_CAPS)?;
    if caps >> 16 & FEATURE_TX_LOOKUP == 0 {
        return Err(format!("VPORT_CAPS 0x{caps:08x} does not show the port"));
    }
    let macs = scenario::random_config(&mut rng, &mut bus, sim)?;
    scenario::vary_vports(sim, &mut bus)?;

    // 1. Beside a frame stream, in a fixed state.
    let frame_list = scenario::stamped_frames(&mut rng, 300, &macs);
    let mut frames = FrameTraffic::new(rng.random(), 85, 70);
    for f in &frame_list {
        frames.push(f.clone());
    }
    let mut tx = TxTraffic::new(rng.random(), 80, 70);
    let mut user = 0u16;
    for _ in 0..1500 {
        tx.push(TxRequest::random(&mut rng, vports, user));
        user = user.wrapping_add(1);
    }
    let mut candidates = Candidates::new();
    frames.plan(sim);
    tx.plan(sim);
    while frames.busy() || tx.busy() {
        clock(sim, &mut frames, &mut tx, &mut candidates, &bus.model)?;
    }
    dut::check_frame_records(&bus.model, &frame_list, &frames.records)?;
    tally.frames = frames.records.len();

    // 2. Updates in flight.
    for _ in 0..3000 {
        tx.push(TxRequest::random(&mut rng, vports, user));
        user = user.wrapping_add(1);
    }
    while tx.busy() {
        random_update(
            sim,
            &mut bus,
            &mut rng,
            &mut tx,
            &mut candidates,
            &mut tally,
        )?;
        for _ in 0..rng.random_range(0..20) {
            clock(sim, &mut frames, &mut tx, &mut candidates, &bus.model)?;
        }
    }

    // 3. Answers refused: the core takes its FIFO's worth, then holds the request.
    tx.valid_percent = 100;
    tx.ready_percent = 0;
    for _ in 0..100 {
        tx.push(TxRequest::random(&mut rng, vports, user));
        user = user.wrapping_add(1);
    }
    let refused_before = tx.refused_edges;
    for _ in 0..60 {
        clock(sim, &mut frames, &mut tx, &mut candidates, &bus.model)?;
    }
    if tx.in_flight() != ANSWER_FIFO || tx.refused_edges - refused_before < 30 {
        return Err(format!(
            "with answers refused: {} in flight, {} refusals",
            tx.in_flight(),
            tx.refused_edges - refused_before
        ));
    }
    // 4. Both sides always ready: one answer per clock once the pipeline is full.
    tx.ready_percent = 100;
    for _ in 0..400 {
        tx.push(TxRequest::random(&mut rng, vports, user));
        user = user.wrapping_add(1);
    }
    for _ in 0..40 {
        clock(sim, &mut frames, &mut tx, &mut candidates, &bus.model)?;
    }
    let (answers, edges) = (tx.answers.len(), tx.edges);
    for _ in 0..300 {
        clock(sim, &mut frames, &mut tx, &mut candidates, &bus.model)?;
    }
    if tx.answers.len() - answers != (tx.edges - edges) as usize {
        return Err(format!(
            "{} answers in {} clocks at full rate",
            tx.answers.len() - answers,
            tx.edges - edges
        ));
    }
    while tx.busy() {
        clock(sim, &mut frames, &mut tx, &mut candidates, &bus.model)?;
    }
    candidates.check(&tx, &mut tally)?;
    Ok(tally)
}

#[test]
fn transmit_lookups_match_the_model_256_bit() {
    let tally = frames_with_trace_on_failure!(RssCoreW256, "tx_lookup_w256", |sim: &mut _| {
        transmit_lookups(sim, 0x7a01)
    })
    .unwrap_or_else(|e| panic!("{e}"));
    eprintln!("256-bit with --tx-lookup: {tally:?}");
    assert_eq!(tally.answers, 1500 + 3000 + 100 + 400);
    assert!(
        tally.hashed > 1000 && tally.foreign_vport > 100,
        "{tally:?}"
    );
    assert!(tally.moves > 10 && tally.table_swaps > 10 && tally.param_commits > 10);
    assert!(tally.hashed < tally.answers, "{tally:?}");
    assert!(tally.straddling > 0 && tally.frames == 300, "{tally:?}");
}

/// `clocks` clocks of the transmit stream alone.
fn offer_for<P: FramePins>(sim: &mut P, tx: &mut TxTraffic, clocks: u32) -> Result<(), String> {
    for _ in 0..clocks {
        sim.tick();
        tx.after_edge(sim)?;
    }
    Ok(())
}

#[test]
fn a_build_without_the_port_takes_no_request() {
    frames_with_trace_on_failure!(RssCoreW64, "tx_lookup_absent_w64", |sim: &mut _| {
        let mut bus = CheckedBus::new(RegFile::new(RssCoreW64::params()).unwrap());
        reset(sim);
        let (caps, _) = bus.read(sim, offset::VPORT_CAPS)?;
        let mut tx = TxTraffic::new(1, 100, 100);
        for user in 0..50 {
            tx.push(TxRequest {
                vport: 0,
                hash: 0x1234_5678,
                hashed: true,
                user,
            });
        }
        tx.plan(sim);
        offer_for(sim, &mut tx, 200)?;
        if caps >> 16 & FEATURE_TX_LOOKUP != 0 || !tx.accepted.is_empty() || tx.refused_edges != 200
        {
            return Err(format!(
                "VPORT_CAPS 0x{caps:08x}, {} taken, {} refusals",
                tx.accepted.len(),
                tx.refused_edges
            ));
        }
        Ok(())
    })
    .unwrap_or_else(|e| panic!("{e}"));
}
