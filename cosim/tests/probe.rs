//! The hash probe (`PROBE`) through the emitted Verilog: random VPort configurations,
//! probes of the published vectors under every type of their family and of random
//! inputs with random types, VPorts and strobes (some refused), while frames or tuples
//! stream. Every bus answer and read is checked against the model (`RegFile::probe`),
//! and every record of the stream too: a probe shares the hash unit, the key store and
//! the table with the frames and must cost them nothing in the default mode. In tap
//! mode it takes a free hash slot; a frame that meets it is dropped, counted and
//! flagged like any other lost record.

use rand::{Rng, SeedableRng, rngs::StdRng};
use rss_cosim::axil::AxilPins;
use rss_cosim::dut::{self, CheckedBus, CoreSim, RecordOut, Traffic};
use rss_cosim::frame_dut::{
    FramePins, FrameTraffic, RssCoreW64, RssCoreW64Tap, RssCoreW512, reset,
};
use rss_cosim::scenario::{self, with_trace_on_failure};
use rss_cosim::{frames, frames_with_trace_on_failure};
use rss_model::regfile::RegFile;
use rss_model::regmap::{PROBE_WORDS, Params, field, offset};
use rss_model::toeplitz::MS_DEFAULT_KEY;
use rss_model::tuple::Transport;
use rss_model::vectors::published;
use rss_model::{HashType, TUPLE_BYTES, Tuple};

/// `RecordOut::flags` bit: records were dropped before this one.
const FLAG_RECORDS_LOST: u8 = 4;

/// What the probes of one run did.
#[derive(Debug, Default)]
struct Tally {
    probes: u32,
    refused: u32,
    hashed: u32,
    published: u32,
}

/// A hash input and type: a published vector under a type of its family, or random
/// bytes under a random type.
fn random_input(rng: &mut StdRng) -> ([u8; TUPLE_BYTES], u32, bool) {
    if rng.random_bool(0.5) {
        let vectors: Vec<_> = published().collect();
        let v = vectors[rng.random_range(0..vectors.len())];
        let family: &[HashType] = if v.src.is_ipv4() {
            &[HashType::Ipv4, HashType::TcpIpv4, HashType::UdpIpv4]
        } else {
            &[
                HashType::Ipv6,
                HashType::Ipv6Ex,
                HashType::TcpIpv6,
                HashType::TcpIpv6Ex,
                HashType::UdpIpv6,
                HashType::UdpIpv6Ex,
            ]
        };
        let t = family[rng.random_range(0..family.len())];
        let tuple = Tuple::with_ports(v.src, v.dst, v.sport, v.dport, Transport::Tcp)
            .expect("published vectors have one address family");
        (tuple.bytes, u32::from(t.bit()), true)
    } else {
        // Mostly a type, sometimes a value PROBE.TYPE refuses.
        let type_value = if rng.random_bool(0.9) {
            rng.random_range(0..=8)
        } else {
            rng.random_range(9..16)
        };
        (rng.random(), type_value, false)
    }
}

/// One probe: the input (some words with partial strobes), the `PROBE` write (now and
/// then on a VPort past the build), and reads of the result and of an input word, all
/// checked against the model; `each_cycle` keeps the stream going meanwhile.
fn probe_once<P: AxilPins>(
    sim: &mut P,
    bus: &mut CheckedBus,
    rng: &mut StdRng,
    tally: &mut Tally,
    each_cycle: &mut impl FnMut(&mut P),
) -> Result<(), String> {
    let (input, type_value, is_published) = random_input(rng);
    for (n, word) in input.chunks_exact(4).enumerate() {
        let word = u32::from_be_bytes(word.try_into().expect("four bytes"));
        let strobes = if rng.random_bool(0.9) {
            0xf
        } else {
            rng.random_range(0..16)
        };
        bus.write_with(
            sim,
            offset::PROBE_INPUT + 4 * n as u32,
            word,
            strobes,
            &mut *each_cycle,
        )?;
    }
    let vports = u32::from(bus.model.map().params.vports);
    let vport = if rng.random_bool(0.95) {
        rng.random_range(0..vports)
    } else {
        rng.random_range(vports..8)
    };
    let value = type_value | vport << 8;
    let answer = bus.write_with(sim, offset::PROBE, value, 0xf, &mut *each_cycle)?;
    tally.probes += 1;
    if !answer.is_okay() {
        tally.refused += 1;
    } else if is_published {
        tally.published += 1;
    }
    bus.read_with(sim, offset::PROBE_HASH, &mut *each_cycle)?;
    let (result, _) = bus.read_with(sim, offset::PROBE_RESULT, &mut *each_cycle)?;
    if answer.is_okay() && field::PROBE_RESULT_HASHED.get(result) == 1 {
        tally.hashed += 1;
    }
    let word = rng.random_range(0..PROBE_WORDS);
    bus.read_with(sim, offset::PROBE_INPUT + 4 * word, &mut *each_cycle)?;
    bus.read_with(sim, offset::PROBE, &mut *each_cycle)?;
    Ok(())
}

/// Random VPorts and filters, then `probes` probes while random frames stream with gaps
/// and backpressure; every record must be the model's.
fn probes_under_frames<P: FramePins>(sim: &mut P, seed: u64, probes: u32) -> Result<Tally, String> {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut bus = CheckedBus::new(RegFile::new(Params::default()).map_err(|e| e.to_string())?);
    reset(sim);
    let macs = scenario::random_config(&mut rng, &mut bus, sim)?;
    scenario::vary_vports(sim, &mut bus)?;
    let frames = scenario::stamped_frames(&mut rng, (probes * 3) as usize, &macs);
    let mut traffic = FrameTraffic::new(rng.random(), 85, 70);
    for f in &frames {
        traffic.push(f.clone());
    }
    traffic.plan(sim);
    let mut tally = Tally::default();
    let mut failure = None;
    for _ in 0..probes {
        probe_once(sim, &mut bus, &mut rng, &mut tally, &mut |s: &mut P| {
            if let Err(e) = traffic.after_edge(s) {
                failure.get_or_insert(e);
            }
        })?;
        if let Some(e) = failure.take() {
            return Err(e);
        }
        for _ in 0..rng.random_range(0..30) {
            traffic.clock(sim)?;
        }
    }
    traffic.drain(sim)?;
    dut::check_frame_records(&bus.model, &frames, &traffic.records)?;
    Ok(tally)
}

fn report(design: &str, tally: &Tally, streamed: &str) {
    eprintln!(
        "{design}: {} probes ({} refused, {} of published vectors, {} hashed by their VPort), \
         all matching the model, {streamed}",
        tally.probes, tally.refused, tally.published, tally.hashed
    );
    assert!(
        tally.refused > 0 && tally.published > 0 && tally.hashed > 0,
        "{tally:?}"
    );
    assert!(tally.hashed < tally.probes - tally.refused, "{tally:?}");
}

#[test]
fn probes_match_the_model_64_bit() {
    let tally = frames_with_trace_on_failure!(RssCoreW64, "probe_w64", |sim: &mut _| {
        probes_under_frames(sim, 0x960b, 150)
    })
    .unwrap_or_else(|e| panic!("{e}"));
    report(
        "64-bit",
        &tally,
        "450 frames streaming, every record the model's",
    );
}

#[test]
fn probes_match_the_model_512_bit() {
    let tally = frames_with_trace_on_failure!(RssCoreW512, "probe_w512", |sim: &mut _| {
        probes_under_frames(sim, 0x960c, 150)
    })
    .unwrap_or_else(|e| panic!("{e}"));
    report(
        "512-bit",
        &tally,
        "450 frames streaming, every record the model's",
    );
}

#[test]
fn probes_match_the_model_tuple_core() {
    let result = with_trace_on_failure("probe_tuple_core", |sim: &mut CoreSim<'_>| {
        let mut rng = StdRng::seed_from_u64(0x960d);
        let mut bus = CheckedBus::new(RegFile::new(Params::default()).unwrap());
        dut::reset(sim);
        scenario::random_config(&mut rng, &mut bus, sim)?;
        scenario::vary_vports(sim, &mut bus)?;
        let tuples: Vec<_> = (0..1500)
            .map(|_| scenario::random_tuple(&mut rng))
            .collect();
        let mut traffic = Traffic::new(5, 80, 75);
        for t in &tuples {
            traffic.push(*t);
        }
        traffic.plan(sim);
        let mut tally = Tally::default();
        let mut failure = None;
        for _ in 0..150 {
            probe_once(
                sim,
                &mut bus,
                &mut rng,
                &mut tally,
                &mut |s: &mut CoreSim<'_>| {
                    if let Err(e) = traffic.after_edge(s) {
                        failure.get_or_insert(e);
                    }
                },
            )?;
            if let Some(e) = failure.take() {
                return Err(e);
            }
        }
        traffic.drain(sim)?;
        if traffic.records.len() != tuples.len() {
            return Err(format!(
                "{} tuples, {} records",
                tuples.len(),
                traffic.records.len()
            ));
        }
        for (i, (t, got)) in tuples.iter().zip(&traffic.records).enumerate() {
            let expected = RecordOut::from(bus.model.steer(0, &t.model()));
            if *got != expected {
                return Err(format!("tuple {i}: RTL {got:x?}, model {expected:x?}"));
            }
        }
        Ok(tally)
    });
    let tally = result.unwrap_or_else(|e| panic!("{e}"));
    report(
        "tuple core",
        &tally,
        "1500 tuples streaming, every record the model's",
    );
}

/// Tap mode: minimum frames back to back at line rate, records always taken, probes in
/// between. The records that come are the model's for their frames, in order; a frame
/// missing before a record flags it; `RECORD_DROPS` counts the missing ones.
fn tap_probes<P: FramePins>(sim: &mut P) -> Result<(u32, usize, usize), String> {
    let mut rng = StdRng::seed_from_u64(0x7a9);
    let mut bus = CheckedBus::new(RegFile::new(Params::default()).map_err(|e| e.to_string())?);
    reset(sim);
    bus.write(sim, offset::HASH_TYPES, 0x1ff, 0xf)?;
    bus.write(sim, offset::CTRL, 1, 0xf)?;
    bus.set_key(sim, &MS_DEFAULT_KEY)?;
    let frames: Vec<Vec<u8>> = (0..1000).map(|_| frames::min_frame_fcs(&mut rng)).collect();
    let mut traffic = FrameTraffic::new(9, 100, 100);
    for f in &frames {
        traffic.push(f.clone());
    }
    traffic.plan(sim);
    let mut tally = Tally::default();
    let mut failure = None;
    while traffic.accepted < frames.len() as u64 - 50 {
        probe_once(sim, &mut bus, &mut rng, &mut tally, &mut |s: &mut P| {
            if let Err(e) = traffic.after_edge(s) {
                failure.get_or_insert(e);
            }
        })?;
        if let Some(e) = failure.take() {
            return Err(e);
        }
    }
    while traffic.accepted < frames.len() as u64 {
        traffic.clock(sim)?;
    }
    for _ in 0..100 {
        traffic.clock(sim)?;
    }
    // The records are the frames' in order with gaps; the record after a gap is flagged.
    let mut next = 0;
    for (i, got) in traffic.records.iter().enumerate() {
        let start = next;
        let found = (start..frames.len()).find(|&f| {
            let mut expected = RecordOut::for_frame(&bus.model, &frames[f]);
            if f > start {
                expected.flags |= FLAG_RECORDS_LOST;
            }
            *got == expected
        });
        let Some(f) = found else {
            return Err(format!(
                "record {i} {got:x?} matches no frame from {start} on"
            ));
        };
        next = f + 1;
    }
    if next != frames.len() {
        return Err(format!(
            "the last record is frame {}'s of {}",
            next,
            frames.len()
        ));
    }
    let lost = frames.len() - traffic.records.len();
    bus.model.set_record_drops(lost as u32);
    bus.read(sim, offset::RECORD_DROPS)?;
    Ok((tally.probes - tally.refused, lost, frames.len()))
}

#[test]
fn tap_mode_probes_take_free_hash_slots_and_count_what_they_cost() {
    let (probes, lost, frames) =
        frames_with_trace_on_failure!(RssCoreW64Tap, "probe_tap_w64", tap_probes)
            .unwrap_or_else(|e| panic!("{e}"));
    eprintln!(
        "tap mode: {probes} probes during {frames} minimum frames at line rate, {lost} frames \
         dropped, counted and flagged"
    );
    assert!(probes > 0 && lost > 0 && lost < frames / 2);
}
