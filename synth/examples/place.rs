//! Places and routes a Verilog file already on disk, for RTL work between two `rss-core
//! synth` runs (which re-emits the design and rebuilds the CLI first):
//!
//! ```text
//! cargo run --release -p rss-hdl --example emit -- 64 > /tmp/rss_core_w64.v
//! cargo run --release -p rss-synth --example place -- /tmp/rss_core_w64.v rss_core ecp5-85k [seed]
//! ```
//!
//! Prints `rss-core synth`'s table; the work directory is `out/synth/place-<target>-<top>`.

use rss_synth::{SynthOptions, Target, render_table, run};

fn main() -> Result<(), String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [file, top, target, rest @ ..] = args.as_slice() else {
        return Err("usage: place FILE TOP TARGET [SEED]".into());
    };
    let target: Target = target.parse().map_err(|e| format!("{e}"))?;
    let verilog = std::fs::read_to_string(file).map_err(|e| format!("{file}: {e}"))?;
    let dir = format!("out/synth/place-{target}-{top}");
    let mut opts = SynthOptions::new(verilog, top, target, dir.into());
    if let Some(seed) = rest.first() {
        opts.seed = seed.parse().map_err(|e| format!("seed {seed}: {e}"))?;
    }
    // One line per tool, then every 30th (the flow reports about once a second):
    // readable on a terminal and in a log.
    let mut shown = String::new();
    let mut calls = 0u32;
    let mut progress = |line: &str| {
        let step = line.split(':').next().unwrap_or(line);
        calls += 1;
        if step != shown || calls.is_multiple_of(30) {
            eprintln!("{line}");
            shown = step.to_owned();
        }
    };
    let report = run(&opts, &mut progress).map_err(|e| e.to_string())?;
    print!("{}", render_table(&[report]));
    Ok(())
}
