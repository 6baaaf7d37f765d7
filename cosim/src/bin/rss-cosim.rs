//! The main job: cosimulate the emitted frame-level `rss_core` (64- and 512-bit
//! AXI4-Stream) against the model under random configurations and random frames,
//! print a summary per width, and write the queue and hash-type distributions.
//!
//! ```text
//! rss-cosim [--frames N] [--out DIR] [--seed N]
//! ```
//! `rss-cosim --help` lists the options; bad input exits with code 2.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Parser;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use rss_cosim::frame_dut::{FramePins, RssCoreW64, RssCoreW512};
use rss_cosim::frames_with_trace_on_failure;
use rss_cosim::scenario::{self, Summary};
use rss_model::HashType;

const BATCH: u64 = 4000;

/// Cosimulate the emitted frame-level rss_core (512- and 64-bit AXI4-Stream) against
/// the model under random configurations and frames; write the queue and hash-type
/// distributions (CSV, SVG, PNG).
#[derive(Debug, Parser)]
#[command(name = "rss-cosim", version, about)]
struct Options {
    /// Random frames per data width (rounded up to whole configurations of 4000).
    #[arg(long, value_name = "N", default_value_t = 100_000)]
    frames: u64,
    /// Directory for the distribution reports.
    #[arg(long, value_name = "DIR", default_value = "out")]
    out: PathBuf,
    /// Seed of the random configurations and frames.
    #[arg(long, value_name = "N", default_value_t = 0x2026_1121)]
    seed: u64,
}

fn run<P: FramePins>(sim: &mut P, o: &Options) -> Result<Summary, String> {
    let batches = o.frames.div_ceil(BATCH).max(1);
    let width = 8 * P::BEAT_BYTES;
    println!(
        "{width}-bit rss_core: {} frames in {batches} random configurations (seed {})",
        batches * BATCH,
        o.seed
    );
    let bar = ProgressBar::with_draw_target(Some(batches * BATCH), ProgressDrawTarget::stderr());
    bar.set_style(
        ProgressStyle::with_template(
            "  {prefix} [{bar:40}] {pos}/{len} frames, {msg} ({elapsed}, eta {eta})",
        )
        .expect("valid template")
        .progress_chars("=> "),
    );
    bar.set_prefix(format!("{width}-bit"));
    let summary = scenario::random_frame_traffic(sim, o.seed, batches, BATCH, |s| {
        bar.set_position(s.tuples);
        bar.set_message(format!(
            "{} configurations, {} mismatches",
            s.configurations, s.mismatches
        ));
    });
    bar.finish();
    summary
}

fn main() -> ExitCode {
    let options = match Options::try_parse() {
        Ok(o) => o,
        Err(e) => {
            use clap::error::ErrorKind;
            if matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) {
                e.exit();
            }
            eprint!("rss-cosim: {}", e.render());
            return ExitCode::from(2);
        }
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
        let mut files = vec![queues, types];
        let queue_bars = rss_plot::Bars {
            title: "records per queue",
            labels: (0..s.queue_counts.len()).map(|q| q.to_string()).collect(),
            values: s.queue_counts.clone(),
            category_desc: "queue",
            value_desc: "records",
            horizontal: false,
            color: rss_plot::BLUE,
        };
        let type_bars = rss_plot::Bars {
            title: "records per hash type",
            labels: (0..s.type_counts.len())
                .map(|slot| {
                    HashType::from_bit(slot as u8)
                        .map_or("NONE", HashType::name)
                        .to_owned()
                })
                .collect(),
            values: s.type_counts.to_vec(),
            category_desc: "hash type",
            value_desc: "records",
            horizontal: true,
            color: rss_plot::ORANGE,
        };
        let title = format!(
            "{width}-bit rss_core, {} random frames in {} configurations",
            s.tuples, s.configurations
        );
        // Pictures beside the CSVs, same names.
        for (bars, stem) in [
            (&queue_bars, "queue_distribution"),
            (&type_bars, "hash_type_distribution"),
        ] {
            for ext in ["svg", "png"] {
                let path = out.join(format!("{stem}_w{width}.{ext}"));
                rss_plot::write_one(&path, &title, bars).map_err(std::io::Error::other)?;
                files.push(path);
            }
        }
        Ok(files)
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
