//! The frame-level `rss_core` at 64 and 512 bits against the model: random frames of
//! every kind (>= 100 000 per width), the published vectors inside real frames, and
//! line-rate throughput on back-to-back minimum-size frames. A failing test reruns
//! traced and names the VCD.

use rand::{SeedableRng, rngs::StdRng};
use rss_cosim::dut::{CheckedBus, RecordOut};
use rss_cosim::frame_dut::{FramePins, FrameTraffic, RssCoreW64, RssCoreW512, reset};
use rss_cosim::frames;
use rss_cosim::{frames_with_trace_on_failure, scenario};
use rss_model::HashTypes;
use rss_model::regfile::RegFile;
use rss_model::regmap::{Params, offset};
use rss_model::toeplitz::MS_DEFAULT_KEY;
use rss_model::vectors::published;

fn random_frames<P: FramePins>(sim: &mut P, seed: u64) -> Result<(), String> {
    let summary = scenario::random_frame_traffic(sim, seed, 25, 4000, |_| {})?;
    assert!(summary.tuples >= 100_000);
    eprintln!(
        "{}-bit: {} frames, {} configurations, {} mismatches, {} clocks, {:.3} M clocks/s, \
         {} malformed, {} fragments, records per hash type (register bit order, then none) {:?}",
        8 * P::BEAT_BYTES,
        summary.tuples,
        summary.configurations,
        summary.mismatches,
        summary.cycles,
        summary.cycles_per_second() / 1e6,
        summary.malformed,
        summary.fragments,
        summary.type_counts
    );
    // The mix must reach every outcome, or the comparison proves little.
    assert!(
        summary.type_counts.iter().all(|&n| n > 0),
        "{:?}",
        summary.type_counts
    );
    assert!(
        summary.malformed > 10_000 && summary.fragments > 1_000,
        "{summary:?}"
    );
    Ok(())
}

#[test]
fn random_frames_64_bit_match_the_model() {
    frames_with_trace_on_failure!(RssCoreW64, "frames_w64", |sim: &mut _| random_frames(
        sim, 64
    ))
    .unwrap_or_else(|e| panic!("{e}"));
}

#[test]
fn random_frames_512_bit_match_the_model() {
    frames_with_trace_on_failure!(RssCoreW512, "frames_w512", |sim: &mut _| random_frames(
        sim, 512
    ))
    .unwrap_or_else(|e| panic!("{e}"));
}

/// The published tuples as TCP in IPv4 / IPv6 frames (with and without VLAN tags):
/// the RTL's hashes equal the published ones, with 4-tuple and address-only types.
fn published_vectors<P: FramePins>(sim: &mut P) -> Result<(), String> {
    let mut bus = CheckedBus::new(RegFile::new(Params::default()).unwrap());
    reset(sim);
    bus.write(sim, offset::CTRL, 1, 0xf)?;
    for (types, four_tuple) in [(HashTypes::ALL, true), (HashTypes(0b101), false)] {
        bus.write(sim, offset::HASH_TYPES, u32::from(types.0), 0xf)?;
        bus.set_key(sim, &MS_DEFAULT_KEY)?;
        let mut traffic = FrameTraffic::new(9, 100, 100);
        let mut expected = Vec::new();
        for (row, v) in published().enumerate() {
            let tags: &[u16] = [&[][..], &[0x8100], &[0x88a8, 0x8100]][row % 3];
            traffic.push(frames::tcp_frame(tags, v.src, v.dst, v.sport, v.dport));
            expected.push(if four_tuple {
                v.hash_ip_ports
            } else {
                v.hash_ip
            });
        }
        traffic.drain(sim)?;
        let hashes: Vec<u32> = traffic.records.iter().map(|r| r.hash).collect();
        if hashes != expected {
            return Err(format!(
                "types {types:?}: RTL {hashes:08x?}\npublished {expected:08x?}"
            ));
        }
    }
    Ok(())
}

#[test]
fn published_vectors_in_frames_64_bit() {
    frames_with_trace_on_failure!(RssCoreW64, "vectors_w64", |sim: &mut _| published_vectors(
        sim
    ))
    .unwrap_or_else(|e| panic!("{e}"));
}

#[test]
fn published_vectors_in_frames_512_bit() {
    frames_with_trace_on_failure!(
        RssCoreW512,
        "vectors_w512",
        |sim: &mut _| published_vectors(sim)
    )
    .unwrap_or_else(|e| panic!("{e}"));
}

/// Back-to-back 64-byte frames with the record port always ready: one frame per
/// ceil(64 / beat) clocks, no bubbles; records still match the model.
fn line_rate<P: FramePins>(sim: &mut P) -> Result<(), String> {
    let mut bus = CheckedBus::new(RegFile::new(Params::default()).unwrap());
    reset(sim);
    let mut rng = StdRng::seed_from_u64(5);
    let macs = scenario::random_config(&mut rng, &mut bus, sim)?;
    let n = 2000u64;
    // Back to back on different VPorts: every frame may read another VPort's state.
    let frames: Vec<Vec<u8>> = (0..n)
        .map(|_| {
            let mut frame = frames::min_frame_fcs(&mut rng);
            scenario::stamp_mac(&mut rng, &mut frame, &macs);
            frame
        })
        .collect();
    let mut traffic = FrameTraffic::new(6, 100, 100);
    for f in &frames {
        assert_eq!(f.len(), 64);
        traffic.push(f.clone());
    }
    let beats_per_frame = 64u64.div_ceil(P::BEAT_BYTES as u64);
    let mut clocks = 0u64;
    traffic.plan(sim);
    while traffic.busy() {
        traffic.clock(sim)?;
        clocks += 1;
    }
    for (i, (frame, got)) in frames.iter().zip(&traffic.records).enumerate() {
        let model = RecordOut::for_frame(&bus.model, frame);
        if *got != model {
            return Err(format!(
                "frame {i} (MAC {:02x?}): record {got:x?} != model {model:x?}",
                &frame[..6]
            ));
        }
    }
    // Latency, after which every clock carries a beat: ingress, ethertype compares,
    // words, L3 (1 clock at 64 bits, 2 on wider buses, which pick the IP header's words
    // before reading them), extension steps (2 clocks each at 64 bits, where one stage
    // takes every step; 3 each on wider buses, whose four stages split the step after
    // the pick), verdict (3), hash unit (STEPS + 4), table read, record, FIFO (the
    // store counted, RAM, its output register, the output queue): 29 clocks at 64 bits,
    // 33 at 512 (measured).
    let latency = if P::BEAT_BYTES == 8 { 29 } else { 33 };
    let ideal = n * beats_per_frame;
    eprintln!(
        "{}-bit: {n} back-to-back 64-byte frames in {clocks} clocks: {:.4} frames/clock (ideal {:.4})",
        8 * P::BEAT_BYTES,
        n as f64 / clocks as f64,
        1.0 / beats_per_frame as f64
    );
    if clocks > ideal + latency {
        return Err(format!("{n} frames took {clocks} clocks, ideal {ideal}"));
    }
    Ok(())
}

#[test]
fn line_rate_64_bit() {
    frames_with_trace_on_failure!(RssCoreW64, "line_rate_w64", |sim: &mut _| line_rate(sim))
        .unwrap_or_else(|e| panic!("{e}"));
}

#[test]
fn line_rate_512_bit() {
    frames_with_trace_on_failure!(RssCoreW512, "line_rate_w512", |sim: &mut _| line_rate(sim))
        .unwrap_or_else(|e| panic!("{e}"));
}
