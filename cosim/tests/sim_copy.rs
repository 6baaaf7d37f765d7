//! The cosim simulates a yosys-processed copy of each frame core (`cosim/build.rs`),
//! because Verilator runs it about twice as fast. This test is what lets every other
//! cosim test stand for the emitted RTL: the copy and the emitted 64-bit core run in
//! lockstep on the same random traffic (gaps, backpressure, a configuration written
//! over AXI4-Lite, frames of every kind), and every output is compared every clock.

use rand::{Rng, SeedableRng, rngs::StdRng};
use rss_cosim::dut::{CheckedBus, RecordOut};
use rss_cosim::frame_dut::{self, FramePins, FrameTraffic, RssCoreW64, RssCoreW64Rtl, reset};
use rss_cosim::frames;
use rss_model::HashTypes;
use rss_model::regfile::RegFile;
use rss_model::regmap::{Params, offset};

const FRAMES: usize = 20_000;

/// Programs a random key, all hash types and a spread table, identically on both.
fn program<P: FramePins>(sim: &mut P, seed: u64) -> Result<(), String> {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut bus = CheckedBus::new(RegFile::new(Params::default()).map_err(|e| e.to_string())?);
    let key: Vec<u8> = (0..40).map(|_| rng.random()).collect();
    bus.set_key(sim, &key)?;
    bus.write(sim, offset::HASH_TYPES, u32::from(HashTypes::ALL.0), 0xf)?;
    for i in 0..128 {
        bus.write(sim, offset::TABLE + 4 * i, rng.random_range(0..64), 0xf)?;
    }
    bus.write(sim, offset::TABLE_SIZE, 7, 0xf)?;
    bus.write(sim, offset::DEFAULT_QUEUE, 7, 0xf)?;
    bus.write(sim, offset::CTRL, 1, 0xf)?;
    bus.commit(sim, 0, true, true)?;
    Ok(())
}

/// What the two cores show on their outputs after an evaluation.
fn outputs<P: FramePins>(sim: &P) -> (bool, Option<RecordOut>) {
    (sim.beat_ready(), sim.record())
}

#[test]
fn processed_copy_matches_the_emitted_rtl_clock_for_clock() {
    let rtl_cosim = frame_dut::build::<RssCoreW64Rtl>(false).unwrap();
    let copy_cosim = frame_dut::build::<RssCoreW64>(false).unwrap();
    let mut rtl = rtl_cosim.sim::<RssCoreW64Rtl>("rtl").unwrap();
    let mut copy = copy_cosim.sim::<RssCoreW64>("copy").unwrap();
    reset(&mut rtl);
    reset(&mut copy);
    program(&mut rtl, 1).unwrap();
    program(&mut copy, 1).unwrap();

    let mut rng = StdRng::seed_from_u64(2);
    let mut rtl_traffic = FrameTraffic::new(3, 70, 60);
    let mut copy_traffic = FrameTraffic::new(3, 70, 60);
    for _ in 0..FRAMES {
        let frame = frames::random_frame(&mut rng);
        rtl_traffic.push(frame.clone());
        copy_traffic.push(frame);
    }
    rtl_traffic.plan(&mut rtl);
    copy_traffic.plan(&mut copy);
    let mut clocks = 0u64;
    while rtl_traffic.busy() || copy_traffic.busy() {
        assert_eq!(
            outputs(&rtl),
            outputs(&copy),
            "outputs differ at clock {clocks} (record {})",
            rtl_traffic.records.len()
        );
        rtl_traffic.clock(&mut rtl).unwrap();
        copy_traffic.clock(&mut copy).unwrap();
        clocks += 1;
    }
    assert_eq!(rtl_traffic.records, copy_traffic.records);
    assert_eq!(rtl_traffic.records.len(), FRAMES);
    // The comparison means something only if the records carry hashes and queues.
    let hashed = rtl_traffic.records.iter().filter(|r| r.hash != 0).count();
    assert!(hashed > FRAMES / 2, "{hashed} of {FRAMES} records hashed");
    eprintln!("{FRAMES} frames, {clocks} clocks, outputs equal on every clock");
}
