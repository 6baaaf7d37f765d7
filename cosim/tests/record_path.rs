//! The record path of the frame core: a consumer that refuses records stops the frame
//! stream only between frames and only after the FIFO's worth of frames; tap mode
//! never stops it and marks lost records; a reset in the middle of a frame drops that
//! frame and nothing else. Every record that comes out is checked against the model.

use rand::{SeedableRng, rngs::StdRng};
use rss_cosim::dut::{CheckedBus, RecordOut};
use rss_cosim::frame_dut::{
    FramePins, FrameTraffic, RssCoreW64, RssCoreW64Tap, RssCoreW128, RssCoreW256, RssCoreW512,
    reset,
};
use rss_cosim::frames;
use rss_cosim::{frames_with_trace_on_failure, scenario};
use rss_model::record::FLAG_RECORDS_LOST;
use rss_model::regfile::RegFile;
use rss_model::regmap::{Params, offset};

/// Record FIFO depth of the default build (`gen --record-fifo-depth`).
const FIFO_DEPTH: usize = rss_hdl::emit::DEFAULT_RECORD_FIFO_DEPTH as usize;

/// Resets the core and enables RSS over 64 queues.
fn enabled_bus<P: FramePins>(sim: &mut P) -> Result<CheckedBus, String> {
    reset(sim);
    program(sim)
}

/// Enables RSS over 64 queues on a core just out of reset.
fn program<P: FramePins>(sim: &mut P) -> Result<CheckedBus, String> {
    let mut bus = CheckedBus::new(RegFile::new(Params::default()).map_err(|e| e.to_string())?);
    for i in 0..128 {
        bus.write(sim, offset::TABLE + 4 * i, i % 64, 0xf)?;
    }
    bus.write(sim, offset::TABLE_SIZE, 7, 0xf)?;
    bus.write(sim, offset::HASH_TYPES, 0x1ff, 0xf)?;
    bus.write(sim, offset::DEFAULT_QUEUE, 63, 0xf)?;
    bus.write(sim, offset::CTRL, 1, 0xf)?;
    bus.commit(sim, 0, true, true)?;
    Ok(bus)
}

/// What the source saw while driving: frames fully accepted, and whether `tready` was
/// ever low in the middle of a frame.
struct Driven {
    accepted: usize,
    stalled_inside_a_frame: bool,
    clocks: u64,
}

/// Offers `frames` back to back (AXI4-Stream: a beat stays until taken) with
/// `m_axis_rss_tready` low, for at most `clocks` clocks.
fn drive_refusing_records<P: FramePins>(sim: &mut P, frames: &[Vec<u8>], clocks: u64) -> Driven {
    let mut d = Driven {
        accepted: 0,
        stalled_inside_a_frame: false,
        clocks: 0,
    };
    let mut beat = 0;
    sim.set_record_ready(false);
    while d.clocks < clocks && d.accepted < frames.len() {
        let frame = &frames[d.accepted];
        let start = beat * P::BEAT_BYTES;
        let end = (start + P::BEAT_BYTES).min(frame.len());
        sim.set_beat(&frame[start..end], end == frame.len());
        sim.set_beat_valid(true);
        sim.eval();
        let ready = sim.beat_ready();
        if !ready && beat > 0 {
            d.stalled_inside_a_frame = true;
        }
        sim.tick();
        d.clocks += 1;
        if ready {
            beat += 1;
            if end == frame.len() {
                beat = 0;
                d.accepted += 1;
            }
        }
    }
    sim.set_beat_valid(false);
    d
}

fn check_records(model: &RegFile, frames: &[Vec<u8>], got: &[RecordOut]) -> Result<(), String> {
    if got.len() != frames.len() {
        return Err(format!("{} frames, {} records", frames.len(), got.len()));
    }
    for (i, (frame, got)) in frames.iter().zip(got).enumerate() {
        let model = RecordOut::for_frame(model, frame);
        if *got != model {
            return Err(format!("frame {i}: RTL {got:x?}, model {model:x?}"));
        }
    }
    Ok(())
}

/// Takes every record the core offers over `clocks` clocks.
fn collect<P: FramePins>(sim: &mut P, clocks: u64) -> Vec<RecordOut> {
    let mut got = Vec::new();
    sim.set_record_ready(true);
    for _ in 0..clocks {
        sim.eval();
        if let Some(r) = sim.record() {
            got.push(r);
        }
        sim.tick();
    }
    got
}

fn refused_records_stop_the_stream_only_between_frames<P: FramePins>(
    sim: &mut P,
) -> Result<(), String> {
    let mut bus = enabled_bus(sim)?;
    let mut rng = StdRng::seed_from_u64(7);
    let frames: Vec<Vec<u8>> = (0..3 * FIFO_DEPTH)
        .map(|_| frames::min_frame_fcs(&mut rng))
        .collect();
    let beats = frames[0].len().div_ceil(P::BEAT_BYTES) as u64;
    // Long enough for FIFO-depth frames at line rate and the stall after them.
    let d = drive_refusing_records(sim, &frames, FIFO_DEPTH as u64 * beats + 150);
    if d.stalled_inside_a_frame {
        return Err("s_axis_tready went low inside a frame".into());
    }
    if d.accepted != FIFO_DEPTH {
        return Err(format!(
            "with records refused the core took {} frames, expected the FIFO depth {FIFO_DEPTH}",
            d.accepted
        ));
    }
    // Then the consumer wakes up: the rest of the frames go through, all in order.
    let mut traffic = FrameTraffic::new(3, 100, 100);
    for f in &frames[d.accepted..] {
        traffic.push(f.clone());
    }
    let mut got = collect(sim, 4 * FIFO_DEPTH as u64);
    traffic.drain(sim)?;
    got.extend(traffic.records);
    check_records(&bus.model, &frames, &got)?;
    // The first FIFO-depth frames went in at line rate.
    let full_rate = FIFO_DEPTH as u64 * beats;
    eprintln!(
        "{}-bit: records refused: {} frames taken, then stalled between frames ({} clocks, \
         {full_rate} at line rate)",
        8 * P::BEAT_BYTES,
        d.accepted,
        d.clocks
    );
    bus.read(sim, offset::STATUS)?;
    // A default build stalls instead of dropping: RECORD_DROPS stays 0 (the model's
    // count is 0 unless told otherwise).
    bus.read(sim, offset::RECORD_DROPS)?;
    Ok(())
}

#[test]
fn refused_records_stop_the_stream_only_between_frames_64_bit() {
    frames_with_trace_on_failure!(RssCoreW64, "refused_w64", |sim: &mut _| {
        refused_records_stop_the_stream_only_between_frames(sim)
    })
    .unwrap_or_else(|e| panic!("{e}"));
}

#[test]
fn refused_records_stop_the_stream_only_between_frames_512_bit() {
    frames_with_trace_on_failure!(RssCoreW512, "refused_w512", |sim: &mut _| {
        refused_records_stop_the_stream_only_between_frames(sim)
    })
    .unwrap_or_else(|e| panic!("{e}"));
}

/// Tap mode: the stream never stops; the FIFO keeps the first records, the rest are
/// lost, and the first record after a loss says so.
fn tap_mode_never_stalls_and_flags_lost_records<P: FramePins>(sim: &mut P) -> Result<(), String> {
    let mut bus = enabled_bus(sim)?;
    let mut rng = StdRng::seed_from_u64(8);
    let frames: Vec<Vec<u8>> = (0..3 * FIFO_DEPTH)
        .map(|_| frames::min_frame_fcs(&mut rng))
        .collect();
    let beats: u64 = frames
        .iter()
        .map(|f| f.len().div_ceil(P::BEAT_BYTES) as u64)
        .sum();
    let d = drive_refusing_records(sim, &frames, 10_000);
    if d.accepted != frames.len() || d.clocks != beats {
        return Err(format!(
            "tap mode took {} of {} frames in {} clocks ({beats} beats)",
            d.accepted,
            frames.len(),
            d.clocks
        ));
    }
    let got = collect(sim, 200);
    let config = &bus.model;
    // The FIFO's worth of records, exactly the first frames'; after them, those of the
    // last frames, still in the pipeline when records were taken again, the first of
    // them flagged: the records in between were lost.
    if got.len() < FIFO_DEPTH {
        return Err(format!(
            "{} records kept, FIFO depth {FIFO_DEPTH}",
            got.len()
        ));
    }
    check_records(config, &frames[..FIFO_DEPTH], &got[..FIFO_DEPTH])?;
    let late = &got[FIFO_DEPTH..];
    let mut expected: Vec<RecordOut> = frames[frames.len() - late.len()..]
        .iter()
        .map(|f| RecordOut::for_frame(config, f))
        .collect();
    if let Some(first) = expected.first_mut() {
        first.flags |= FLAG_RECORDS_LOST;
    }
    if late != expected.as_slice() {
        return Err(format!(
            "after the FIFO's worth: {late:x?}, expected {expected:x?}"
        ));
    }
    // One more frame: flagged only if no record has told of the loss yet.
    let mut traffic = FrameTraffic::new(3, 100, 100);
    let extra = frames::min_frame_fcs(&mut rng);
    traffic.push(extra.clone());
    traffic.drain(sim)?;
    let mut expected = RecordOut::for_frame(config, &extra);
    if late.is_empty() {
        expected.flags |= FLAG_RECORDS_LOST;
    }
    if traffic.records != [expected] {
        return Err(format!(
            "next record: {:x?}, expected {expected:x?}",
            traffic.records
        ));
    }
    // RECORD_DROPS counts exactly the frames whose record never came.
    let lost = (frames.len() - got.len()) as u32;
    if lost == 0 {
        return Err("no record was lost: the test proves nothing".into());
    }
    bus.model.set_record_drops(lost);
    bus.read(sim, offset::RECORD_DROPS)?;
    // Read-only: a write answers SLVERR and leaves the count.
    bus.write(sim, offset::RECORD_DROPS, 0, 0xf)?;
    bus.read(sim, offset::RECORD_DROPS)?;
    eprintln!(
        "tap mode: {} frames at line rate with records refused, {} records kept, {} lost",
        frames.len(),
        got.len(),
        frames.len() - got.len()
    );
    Ok(())
}

#[test]
fn tap_mode_never_stalls_and_flags_lost_records_64_bit() {
    frames_with_trace_on_failure!(RssCoreW64Tap, "tap_w64", |sim: &mut _| {
        tap_mode_never_stalls_and_flags_lost_records(sim)
    })
    .unwrap_or_else(|e| panic!("{e}"));
}

/// Reset in the middle of a frame: that frame gives no record, the next beat starts a
/// new frame, and the frames after it are steered as the model says.
fn reset_inside_a_frame<P: FramePins>(sim: &mut P) -> Result<(), String> {
    enabled_bus(sim)?;
    let mut rng = StdRng::seed_from_u64(9);
    let cut = frames::min_frame_fcs(&mut rng);
    sim.set_record_ready(true);
    sim.set_beat(&cut[..P::BEAT_BYTES], false);
    sim.set_beat_valid(true);
    sim.tick();
    sim.set_beat_valid(false);
    sim.set_rst(true);
    sim.tick();
    sim.set_rst(false);
    // The registers are back at their reset values: program them again.
    let bus = program(sim)?;
    let frames: Vec<Vec<u8>> = (0..50).map(|_| frames::random_frame(&mut rng)).collect();
    let mut traffic = FrameTraffic::new(5, 70, 70);
    for f in &frames {
        traffic.push(f.clone());
    }
    traffic.drain(sim)?;
    check_records(&bus.model, &frames, &traffic.records)
}

#[test]
fn reset_inside_a_frame_drops_only_that_frame_64_bit() {
    frames_with_trace_on_failure!(RssCoreW64, "reset_w64", |sim: &mut _| reset_inside_a_frame(
        sim
    ))
    .unwrap_or_else(|e| panic!("{e}"));
}

#[test]
fn reset_inside_a_frame_drops_only_that_frame_512_bit() {
    frames_with_trace_on_failure!(RssCoreW512, "reset_w512", |sim: &mut _| {
        reset_inside_a_frame(sim)
    })
    .unwrap_or_else(|e| panic!("{e}"));
}

/// The two widths the main job does not cover, with fewer random frames.
fn random_frames_short<P: FramePins>(sim: &mut P, seed: u64) -> Result<(), String> {
    let summary = scenario::random_frame_traffic(sim, seed, 5, 4000, |_| {})?;
    eprintln!(
        "{}-bit: {} frames, {} mismatches",
        8 * P::BEAT_BYTES,
        summary.tuples,
        summary.mismatches
    );
    Ok(())
}

#[test]
fn random_frames_128_bit_match_the_model() {
    frames_with_trace_on_failure!(RssCoreW128, "frames_w128", |sim: &mut _| {
        random_frames_short(sim, 128)
    })
    .unwrap_or_else(|e| panic!("{e}"));
}

#[test]
fn random_frames_256_bit_match_the_model() {
    frames_with_trace_on_failure!(RssCoreW256, "frames_w256", |sim: &mut _| {
        random_frames_short(sim, 256)
    })
    .unwrap_or_else(|e| panic!("{e}"));
}

/// The harness settles its inputs once per clock and then takes the edge: at most two
/// model evaluations a clock (the low half with the new inputs, the rising edge), not
/// three (before stop 57 every `plan` evaluated with the clock still high, and the tick
/// then evaluated the low half again). With a stepper that takes an edge alone, the low
/// half is evaluated only when an input that reaches an output within the clock
/// (`s_axis_tlast`, `s_axil_awvalid`, `s_axil_wvalid`) changed: a few clocks a frame.
#[test]
fn the_frame_harness_evaluates_once_or_twice_a_clock() {
    frames_with_trace_on_failure!(RssCoreW64, "evaluations_w64", |sim: &mut rss_cosim::Sim<
        '_,
        RssCoreW64<'_>,
    >| {
        let summary = scenario::random_frame_traffic(sim, 57, 2, 300, |_| {})?;
        let (evaluations, clocks) = (sim.evaluations(), sim.cycles());
        // A few more at the ends (the last clock's low half, the reset's idle bus).
        if evaluations > 2 * clocks + 8 {
            return Err(format!(
                "{evaluations} model evaluations in {clocks} clocks: want two a clock"
            ));
        }
        // Two low halves a frame at most for `tlast` (it rises and falls), and the
        // configuration's writes.
        let low_halves = evaluations.saturating_sub(clocks);
        if sim.skips_idle_low_halves() && low_halves > 2 * summary.tuples + clocks / 10 {
            return Err(format!(
                "{low_halves} low halves evaluated in {clocks} clocks for {} frames",
                summary.tuples
            ));
        }
        eprintln!(
            "{evaluations} evaluations in {clocks} clocks, {} frames",
            summary.tuples
        );
        Ok(())
    })
    .unwrap_or_else(|e| panic!("{e}"));
}
