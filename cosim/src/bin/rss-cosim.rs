//! The main job: cosimulate the emitted `rss_core` against the model under random
//! configurations and traffic, print a summary, and write the queue and hash-type
//! distributions to files.
//!
//! ```text
//! rss-cosim [--tuples N] [--out DIR] [--seed N]
//! ```

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use rss_cosim::scenario::{self, Summary, with_trace_on_failure};
use rss_model::HashType;

const BATCH: u64 = 4000;

fn main() -> ExitCode {
    let mut tuples: u64 = 100_000;
    let mut out = PathBuf::from("out");
    let mut seed: u64 = 0x2026_1121;
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        let value = it.next();
        let parsed = match (flag.as_str(), value) {
            ("--tuples", Some(v)) => v.parse().map(|n| tuples = n).is_ok(),
            ("--seed", Some(v)) => v.parse().map(|n| seed = n).is_ok(),
            ("--out", Some(v)) => {
                out = PathBuf::from(v);
                true
            }
            _ => false,
        };
        if !parsed {
            eprintln!("usage: rss-cosim [--tuples N] [--out DIR] [--seed N]");
            return ExitCode::from(2);
        }
    }
    let batches = tuples.div_ceil(BATCH).max(1);
    println!(
        "rss-cosim: {} tuples in {batches} random configurations (seed {seed}), Verilator vs model",
        batches * BATCH
    );
    let result = with_trace_on_failure("main_job", |sim| {
        scenario::random_traffic(sim, seed, batches, BATCH, |s| {
            eprint!(
                "\r  checked {:>8} tuples, {:>3} configurations, {} mismatches",
                s.tuples, s.configurations, s.mismatches
            );
        })
    });
    eprintln!();
    match result {
        Ok(summary) => match write_reports(&summary, &out) {
            Ok(files) => {
                print_summary(&summary, &files);
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("rss-cosim: writing reports to {}: {e}", out.display());
                ExitCode::FAILURE
            }
        },
        Err(e) => {
            println!("MISMATCH: {e}");
            ExitCode::FAILURE
        }
    }
}

fn write_reports(s: &Summary, out: &std::path::Path) -> std::io::Result<Vec<PathBuf>> {
    std::fs::create_dir_all(out)?;
    let queues = out.join("queue_distribution.csv");
    let mut f = std::fs::File::create(&queues)?;
    writeln!(f, "queue,records")?;
    for (q, n) in s.queue_counts.iter().enumerate() {
        writeln!(f, "{q},{n}")?;
    }
    let types = out.join("hash_type_distribution.csv");
    let mut f = std::fs::File::create(&types)?;
    writeln!(f, "hash_type,records")?;
    for (slot, n) in s.type_counts.iter().enumerate() {
        let name = HashType::from_bit(slot as u8).map_or("NONE", HashType::name);
        writeln!(f, "{name},{n}")?;
    }
    Ok(vec![queues, types])
}

fn print_summary(s: &Summary, files: &[PathBuf]) {
    let busiest = s.queue_counts.iter().max().copied().unwrap_or(0);
    let used = s.queue_counts.iter().filter(|&&n| n > 0).count();
    println!("summary:");
    println!("  packets checked   {}", s.tuples);
    println!("  mismatches        {}", s.mismatches);
    println!("  configurations    {}", s.configurations);
    println!("  clock cycles      {}", s.cycles);
    println!(
        "  wall time         {:.2} s ({:.2} M cycles/s)",
        s.elapsed.as_secs_f64(),
        s.cycles_per_second() / 1e6
    );
    println!(
        "  queues used       {used} of {} (busiest: {busiest} records)",
        s.queue_counts.len()
    );
    for f in files {
        println!("  wrote             {}", f.display());
    }
}
