//! The 52-byte key option (`gen --key-bytes 52`) through the emitted Verilog. The
//! 256-bit core is built with it (`cosim/build.rs`), and every access here is checked
//! against the model by `CheckedBus`:
//! - `CAPS.KEY_BYTES` reads 52, a whole 52-byte key stages through `KEY` and `KEY_EXT`
//!   and reads back, strobes merge bytes in `KEY_EXT`, a commit keeps the staged words;
//! - a register storm over the whole window, `KEY_EXT` included, matches the model;
//! - a 40-byte build (the default 64-bit core) answers SLVERR at `KEY_EXT` and counts
//!   the refused writes.
//!
//! Frames hashed with 52-byte keys are checked elsewhere on the same build: every
//! random VPort configuration (`scenario::random_vport`) stages random `KEY_EXT` words,
//! so `record_path`'s 256-bit frames and `tx_lookup`'s frame phase run with them, and
//! the model hashes with the whole 52-byte key.

use rand::{Rng, SeedableRng, rngs::StdRng};
use rss_cosim::dut::CheckedBus;
use rss_cosim::frame_dut::{FramePins, RssCoreW64, RssCoreW256, reset};
use rss_cosim::frames_with_trace_on_failure;
use rss_cosim::scenario;
use rss_model::regfile::RegFile;
use rss_model::regmap::{
    KEY_EXT_WORDS, KEY_WORDS, LONG_KEY_BYTES, MAX_KEY_BYTES, field, index, key_word_offset, offset,
};

fn checked_bus<P: FramePins>() -> CheckedBus {
    CheckedBus::new(RegFile::new(P::params()).expect("the cosim builds are valid"))
}

/// Reads every key word back (checked against the model) and returns the key.
fn read_key<P: FramePins>(sim: &mut P, bus: &mut CheckedBus) -> Result<Vec<u8>, String> {
    let mut key = Vec::new();
    for word in 0..KEY_WORDS + KEY_EXT_WORDS {
        key.extend(bus.read(sim, key_word_offset(word))?.0.to_be_bytes());
    }
    Ok(key)
}

fn long_key_registers<P: FramePins>(sim: &mut P) -> Result<(), String> {
    let mut rng = StdRng::seed_from_u64(52);
    let mut bus = checked_bus::<P>();
    reset(sim);
    if !bus.model.map().has(index::KEY_EXT) {
        return Err("the 256-bit cosim build should have the 52-byte key".into());
    }
    let (caps, _) = bus.read(sim, offset::CAPS)?;
    if (caps >> 16) & 0xff != u32::from(LONG_KEY_BYTES) {
        return Err(format!("CAPS 0x{caps:08x}: KEY_BYTES is not 52"));
    }
    for round in 0..4 {
        let key: [u8; MAX_KEY_BYTES] = rng.random();
        bus.set_key(sim, &key)?;
        if read_key(sim, &mut bus)? != key {
            return Err(format!("round {round}: the staged key did not read back"));
        }
        if bus.model.active_key(0) != key {
            return Err(format!(
                "round {round}: the model did not commit the whole key"
            ));
        }
    }
    // Byte strobes merge into KEY_EXT words as into KEY's.
    for word in 0..KEY_EXT_WORDS {
        let addr = offset::KEY_EXT + 4 * word;
        bus.write(sim, addr, rng.random(), rng.random_range(0..16))?;
        bus.read(sim, addr)?;
    }
    scenario::register_storm(&mut rng, &mut bus, sim, 3000)?;
    Ok(())
}

#[test]
fn a_52_byte_key_stages_reads_back_and_commits_whole_w256() {
    frames_with_trace_on_failure!(RssCoreW256, "long_key_w256", |sim: &mut _| {
        long_key_registers(sim)
    })
    .unwrap_or_else(|e| panic!("{e}"));
}

fn no_key_ext<P: FramePins>(sim: &mut P) -> Result<(), String> {
    let mut bus = checked_bus::<P>();
    reset(sim);
    if bus.model.map().has(index::KEY_EXT) {
        return Err("the 64-bit cosim build should have the 40-byte key".into());
    }
    for word in 0..KEY_EXT_WORDS {
        let addr = offset::KEY_EXT + 4 * word;
        // The model answers Unmapped, so `CheckedBus` expects SLVERR from the RTL.
        if bus.write(sim, addr, 0x1234_5678, 0xf)?.is_okay() {
            return Err(format!("write 0x{addr:04x} accepted"));
        }
        if bus.read(sim, addr)?.1.is_okay() {
            return Err(format!("read 0x{addr:04x} answered"));
        }
    }
    let (refused, _) = bus.read(sim, offset::REFUSED)?;
    if field::REFUSED_WRITES.get(refused) != KEY_EXT_WORDS {
        return Err(format!(
            "REFUSED 0x{refused:08x}: not one per KEY_EXT write"
        ));
    }
    Ok(())
}

#[test]
fn a_40_byte_build_refuses_key_ext_w64() {
    frames_with_trace_on_failure!(RssCoreW64, "no_key_ext_w64", |sim: &mut _| no_key_ext(sim))
        .unwrap_or_else(|e| panic!("{e}"));
}
