//! The main job: cosimulate the emitted frame-level `rss_core` (64- and 512-bit
//! AXI4-Stream) against the model under random configurations and random frames,
//! print a summary per width, and write the queue and hash-type distributions.
//!
//! ```text
//! rss-cosim [--frames N] [--out DIR] [--seed N]
//! ```

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use rss_cosim::frame_dut::{FramePins, RssCoreW64, RssCoreW512};
use rss_cosim::frames_with_trace_on_failure;
use rss_cosim::scenario::{self, Summary};
use rss_model::HashType;

const BATCH: u64 = 4000;

struct Options {
    frames: u64,
    out: PathBuf,
    seed: u64,
}

fn parse_args() -> Option<Options> {
    let mut o = Options {
        frames: 100_000,
        out: PathBuf::from("out"),
        seed: 0x2026_1121,
    };
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        let value = it.next()?;
        match flag.as_str() {
            "--frames" => o.frames = value.parse().ok()?,
            "--seed" => o.seed = value.parse().ok()?,
            "--out" => o.out = PathBuf::from(value),
            _ => return None,
        }
    }
    Some(o)
}

fn run<P: FramePins>(sim: &mut P, o: &Options) -> Result<Summary, String> {
    let batches = o.frames.div_ceil(BATCH).max(1);
    let width = 8 * P::BEAT_BYTES;
    println!(
        "{width}-bit rss_core: {} frames in {batches} random configurations (seed {})",
        batches * BATCH,
        o.seed
    );
    let summary = scenario::random_frame_traffic(sim, o.seed, batches, BATCH, |s| {
        eprint!(
            "\r  checked {:>8} frames, {:>3} configurations, {} mismatches",
            s.tuples, s.configurations, s.mismatches
        );
    });
    eprintln!();
    summary
}

fn main() -> ExitCode {
    let Some(options) = parse_args() else {
        eprintln!("usage: rss-cosim [--frames N] [--out DIR] [--seed N]");
        return ExitCode::from(2);
    };
    let results = [
        (
            512,
            frames_with_trace_on_failure!(RssCoreW512, "main_w512", |sim: &mut _| run(
                sim, &options
            )),
        ),
        (
            64,
            frames_with_trace_on_failure!(RssCoreW64, "main_w64", |sim: &mut _| run(sim, &options)),
        ),
    ];
    let mut ok = true;
    for (width, result) in results {
        match result.and_then(|s| write_reports(&s, &options.out, width).map(|files| (s, files))) {
            Ok((summary, files)) => print_summary(width, &summary, &files),
            Err(e) => {
                println!("{width}-bit FAILED: {e}");
                ok = false;
            }
        }
    }
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

fn write_reports(s: &Summary, out: &Path, width: usize) -> Result<Vec<PathBuf>, String> {
    let write = || -> std::io::Result<Vec<PathBuf>> {
        std::fs::create_dir_all(out)?;
        let queues = out.join(format!("queue_distribution_w{width}.csv"));
        let mut f = std::fs::File::create(&queues)?;
        writeln!(f, "queue,records")?;
        for (q, n) in s.queue_counts.iter().enumerate() {
            writeln!(f, "{q},{n}")?;
        }
        let types = out.join(format!("hash_type_distribution_w{width}.csv"));
        let mut f = std::fs::File::create(&types)?;
        writeln!(f, "hash_type,records")?;
        for (slot, n) in s.type_counts.iter().enumerate() {
            let name = HashType::from_bit(slot as u8).map_or("NONE", HashType::name);
            writeln!(f, "{name},{n}")?;
        }
        Ok(vec![queues, types])
    };
    write().map_err(|e| format!("writing reports to {}: {e}", out.display()))
}

fn print_summary(width: usize, s: &Summary, files: &[PathBuf]) {
    let used = s.queue_counts.iter().filter(|&&n| n > 0).count();
    println!("summary, {width}-bit AXI4-Stream:");
    println!("  packets checked   {}", s.tuples);
    println!("  mismatches        {}", s.mismatches);
    println!(
        "  malformed frames  {} (no hash, default queue)",
        s.malformed
    );
    println!("  IP fragments      {}", s.fragments);
    println!("  configurations    {}", s.configurations);
    println!("  clock cycles      {}", s.cycles);
    println!(
        "  wall time         {:.1} s ({:.3} M cycles/s)",
        s.elapsed.as_secs_f64(),
        s.cycles_per_second() / 1e6
    );
    println!("  queues used       {used} of {}", s.queue_counts.len());
    for f in files {
        println!("  wrote             {}", f.display());
    }
}
