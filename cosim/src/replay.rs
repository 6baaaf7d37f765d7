//! Replays recorded frames (e.g. a pcap) through the Verilated frame-level `rss_core`
//! and returns the record the RTL gave for each: what `rss-core steer --rtl` compares
//! with the model. Everything `steer --rtl` needs from the harness is in this file.
//!
//! The core is configured through the register bus (each access checked against the
//! model's `RegFile`), then the frames go in back to back at full rate with every record
//! taken at once, in order.

use rand::{Rng, SeedableRng, rngs::StdRng};
use rss_model::regfile::RegFile;
use rss_model::regmap::{Params, offset};
use rss_model::toeplitz::KEY_BYTES;

use crate::dut::{CheckedBus, RecordOut};
use crate::frame_dut::{self, FramePins, FrameTraffic, RssCoreW64, RssCoreW512};

/// The steering configuration to program. The core is the reference build
/// (`Params::default()`): `table` has its entry count, queues are below its queue count.
#[derive(Debug, Clone)]
pub struct ReplayConfig {
    pub key: [u8; KEY_BYTES],
    /// `HASH_TYPES.ENABLED` (bit n = NDIS flag 1 << (n + 8)).
    pub hash_types: u16,
    pub table_size_log2: u8,
    /// Every table entry, in order.
    pub table: Vec<u16>,
    pub default_queue: u16,
}

/// Data widths the cosim has a core for.
pub const DATA_WIDTHS: [usize; 2] = [64, 512];

/// The record of every frame (each at least one byte), in order, from the `data_bits`
/// wide core. `progress(records_so_far)` is called while the frames run.
pub fn replay(
    data_bits: usize,
    frames: &[&[u8]],
    config: &ReplayConfig,
    progress: impl FnMut(usize),
) -> Result<Vec<RecordOut>, String> {
    if let Some(i) = frames.iter().position(|f| f.is_empty()) {
        return Err(format!(
            "frame {i} is empty: an AXI4-Stream frame has a byte"
        ));
    }
    match data_bits {
        64 => {
            let cosim =
                frame_dut::build::<RssCoreW64>(false).map_err(|e| crate::error_chain(&e))?;
            let mut sim = cosim
                .sim::<RssCoreW64>("replay_w64")
                .map_err(|e| crate::error_chain(&e))?;
            run(&mut sim, frames, config, progress)
        }
        512 => {
            let cosim =
                frame_dut::build::<RssCoreW512>(false).map_err(|e| crate::error_chain(&e))?;
            let mut sim = cosim
                .sim::<RssCoreW512>("replay_w512")
                .map_err(|e| crate::error_chain(&e))?;
            run(&mut sim, frames, config, progress)
        }
        w => Err(format!(
            "no {w}-bit core in the cosim (have {DATA_WIDTHS:?})"
        )),
    }
}

fn run<P: FramePins>(
    sim: &mut P,
    frames: &[&[u8]],
    config: &ReplayConfig,
    mut progress: impl FnMut(usize),
) -> Result<Vec<RecordOut>, String> {
    let params = Params::default();
    if config.table.len() != params.table_entries() as usize {
        return Err(format!(
            "the table has {} entries, the core {}",
            config.table.len(),
            params.table_entries()
        ));
    }
    let mut bus = CheckedBus::new(RegFile::new(params).map_err(|e| e.to_string())?);
    frame_dut::reset(sim);
    bus.set_key(sim, &config.key)?;
    bus.write(sim, offset::HASH_TYPES, u32::from(config.hash_types), 0xf)?;
    bus.write(
        sim,
        offset::TABLE_SIZE,
        u32::from(config.table_size_log2),
        0xf,
    )?;
    // VPort 0's shadow table, swapped in by the commit below.
    for (i, &queue) in config.table.iter().enumerate() {
        bus.write(sim, offset::TABLE + 4 * i as u32, u32::from(queue), 0xf)?;
    }
    bus.write(
        sim,
        offset::DEFAULT_QUEUE,
        u32::from(config.default_queue),
        0xf,
    )?;
    bus.write(sim, offset::CTRL, 1, 0xf)?;
    bus.commit(sim, 0, true, true)?;
    // Full rate both ways: the seed only matters for the (unused) random gaps.
    let mut traffic = FrameTraffic::new(StdRng::seed_from_u64(0).random(), 100, 100);
    for f in frames {
        traffic.push(f.to_vec());
    }
    traffic.plan(sim);
    let mut clocks = 0u64;
    while traffic.busy() {
        traffic
            .clock(sim)
            .map_err(|e| format!("clock {clocks}: {e}"))?;
        clocks += 1;
        if clocks.is_multiple_of(4096) {
            progress(traffic.records.len());
        }
    }
    progress(traffic.records.len());
    Ok(traffic.records)
}
