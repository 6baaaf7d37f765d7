//! A seed sweep: the same netlist placed and routed with several nextpnr seeds.
//!
//! On this core one seed's Fmax says little: the placement alone moves the 64-bit
//! core by ±8 MHz around its median (README, "Fmax"), so a change is judged by the
//! distribution over seeds, and an integrator closes timing by picking a seed that
//! meets the clock. [`SeedSweep`] holds every seed's result with the median, mean,
//! spread and how many seeds reach a goal (by default [`NIC_CLOCK_MHZ`]); the flow
//! ([`crate::run`] with [`crate::SynthOptions::sweep_seeds`]) runs the seeds a few at
//! a time, each in its own directory `seed-N/` of the work directory, with nextpnr's
//! report and log there for `tools/fmax-map --routed`.

use std::fmt::Write;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde::Serialize;

use crate::SynthError;

/// The clock a 10GBASE-R MAC's 64-bit interface runs at (10.3125 Gb/s after 64b/66b
/// coding, 64 bits a clock): the core's Fmax target at every width.
pub const NIC_CLOCK_MHZ: f64 = 156.25;

/// Most seeds one sweep takes (a list longer than this is a typo, not a plan).
pub const MAX_SEEDS: usize = 64;

/// One seed's place and route.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SeedRun {
    /// nextpnr's `--seed`.
    pub seed: u64,
    /// Fmax of the clock, MHz (none when nextpnr reported none).
    pub fmax_mhz: Option<f64>,
    /// Wall time, seconds.
    pub seconds: f64,
}

/// Every seed's result and what they say together.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SeedSweep {
    /// The Fmax a seed has to reach to count as meeting timing, MHz.
    pub goal_mhz: f64,
    /// The seeds in the order they were given.
    pub runs: Vec<SeedRun>,
    /// Median Fmax over the seeds that have one.
    pub median_mhz: Option<f64>,
    /// Mean Fmax.
    pub mean_mhz: Option<f64>,
    /// Sample standard deviation (none below two seeds).
    pub std_dev_mhz: Option<f64>,
    /// Seeds at or above `goal_mhz`.
    pub reaching_goal: usize,
    /// The seed with the highest Fmax (the first of equals).
    pub best_seed: Option<u64>,
}

impl SeedSweep {
    /// Summarizes `runs` against `goal_mhz`.
    pub fn new(goal_mhz: f64, runs: Vec<SeedRun>) -> SeedSweep {
        let mut fmax: Vec<f64> = runs.iter().filter_map(|r| r.fmax_mhz).collect();
        fmax.sort_by(f64::total_cmp);
        let n = fmax.len();
        let median_mhz = match n {
            0 => None,
            _ if n % 2 == 1 => Some(fmax[n / 2]),
            _ => Some((fmax[n / 2 - 1] + fmax[n / 2]) / 2.0),
        };
        let mean_mhz = (n > 0).then(|| fmax.iter().sum::<f64>() / n as f64);
        let std_dev_mhz = mean_mhz.filter(|_| n > 1).map(|mean| {
            let squares: f64 = fmax.iter().map(|f| (f - mean) * (f - mean)).sum();
            (squares / (n - 1) as f64).sqrt()
        });
        let reaching_goal = fmax.iter().filter(|&&f| f >= goal_mhz).count();
        let best_seed = runs
            .iter()
            .filter_map(|r| r.fmax_mhz.map(|f| (f, r.seed)))
            .fold(None, |best: Option<(f64, u64)>, (f, seed)| match best {
                Some((b, _)) if b >= f => best,
                _ => Some((f, seed)),
            })
            .map(|(_, seed)| seed);
        SeedSweep {
            goal_mhz,
            runs,
            median_mhz,
            mean_mhz,
            std_dev_mhz,
            reaching_goal,
            best_seed,
        }
    }

    /// Two lines: every seed's Fmax, then the summary.
    pub fn render(&self) -> String {
        let mhz = |f: Option<f64>| f.map_or("-".into(), |f| format!("{f:.1}"));
        let seeds: Vec<String> = self
            .runs
            .iter()
            .map(|r| format!("{}: {}", r.seed, mhz(r.fmax_mhz)))
            .collect();
        let mut out = String::new();
        let _ = writeln!(out, "Fmax by seed (MHz): {}", seeds.join(", "));
        let _ = writeln!(
            out,
            "{} seeds: median {}, mean {}, sd {}; {} of {} at or above {} MHz; best seed {}",
            self.runs.len(),
            mhz(self.median_mhz),
            mhz(self.mean_mhz),
            mhz(self.std_dev_mhz),
            self.reaching_goal,
            self.runs.len(),
            self.goal_mhz,
            self.best_seed.map_or("-".into(), |s| s.to_string())
        );
        out
    }
}

/// Parses a seed list: numbers and inclusive ranges, comma-separated (`1-9`,
/// `1,4,7-9`). Seeds must not repeat; at most [`MAX_SEEDS`].
pub fn parse_seeds(text: &str) -> Result<Vec<u64>, String> {
    let number = |s: &str| {
        s.trim()
            .parse::<u64>()
            .map_err(|_| format!("`{s}` is not a seed number"))
    };
    let mut seeds = Vec::new();
    for part in text.split(',') {
        let (first, last) = match part.split_once('-') {
            Some((a, b)) => (number(a)?, number(b)?),
            None => (number(part)?, number(part)?),
        };
        if last < first {
            return Err(format!("`{part}` is an empty range"));
        }
        if last - first >= MAX_SEEDS as u64 {
            return Err(format!("`{part}`: more than {MAX_SEEDS} seeds"));
        }
        for seed in first..=last {
            if seeds.contains(&seed) {
                return Err(format!("seed {seed} is listed twice"));
            }
            seeds.push(seed);
        }
    }
    if seeds.len() > MAX_SEEDS {
        return Err(format!("{} seeds: at most {MAX_SEEDS}", seeds.len()));
    }
    Ok(seeds)
}

/// One seed's job: its command (nextpnr with `--seed`, `--report` into `dir`), and
/// where its report and log go.
pub(crate) struct SeedJob {
    pub seed: u64,
    pub command: Command,
    pub report: PathBuf,
    pub log: PathBuf,
}

/// Runs `jobs` at most `parallel` at a time and reads each report's Fmax with `fmax`.
/// `progress` gets a line about once a second. A failed run stops the sweep (the
/// others still running are killed) with its log's tail.
pub(crate) fn run_jobs(
    jobs: Vec<SeedJob>,
    parallel: usize,
    step: &str,
    fmax: &dyn Fn(&Path) -> Result<Option<f64>, SynthError>,
    progress: &mut dyn FnMut(&str),
) -> Result<Vec<SeedRun>, SynthError> {
    /// A started job: its place in the results, its process, and where it writes.
    struct Running {
        index: usize,
        child: Child,
        start: Instant,
        seed: u64,
        report: PathBuf,
        log: PathBuf,
    }
    fn stop_all(running: &mut [Running]) {
        for r in running {
            let _ = r.child.kill();
            let _ = r.child.wait();
        }
    }
    let total = jobs.len();
    let mut results: Vec<Option<SeedRun>> = vec![None; total];
    let mut waiting = jobs.into_iter().enumerate();
    let mut running: Vec<Running> = Vec::new();
    let start = Instant::now();
    let mut reported = 0;
    progress(&format!(
        "{step}: {total} seeds, {} at a time",
        parallel.max(1)
    ));
    loop {
        while running.len() < parallel.max(1) {
            let Some((index, mut job)) = waiting.next() else {
                break;
            };
            let spawned = File::create(&job.log)
                .and_then(|out| Ok((out.try_clone()?, out)))
                .and_then(|(out, err)| {
                    job.command
                        .stdin(Stdio::null())
                        .stdout(out)
                        .stderr(err)
                        .spawn()
                });
            match spawned {
                Ok(child) => running.push(Running {
                    index,
                    child,
                    start: Instant::now(),
                    seed: job.seed,
                    report: job.report,
                    log: job.log,
                }),
                Err(e) => {
                    stop_all(&mut running);
                    return Err(SynthError::ToolFailed {
                        step: format!("{step} (seed {})", job.seed),
                        status: format!("could not start: {e}"),
                        log: job.log,
                        tail: String::new(),
                    });
                }
            }
        }
        if running.is_empty() {
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
        let mut i = 0;
        while i < running.len() {
            let status = match running[i].child.try_wait() {
                Ok(None) => {
                    i += 1;
                    continue;
                }
                Ok(Some(status)) => status,
                Err(e) => {
                    let path = running[i].log.clone();
                    stop_all(&mut running);
                    return Err(SynthError::Io {
                        path,
                        message: e.to_string(),
                    });
                }
            };
            let done = running.swap_remove(i);
            let outcome = if status.success() {
                fmax(&done.report)
            } else {
                Err(SynthError::ToolFailed {
                    step: format!("{step} (seed {})", done.seed),
                    status: status.to_string(),
                    tail: crate::tools::log_tail(&done.log, 15),
                    log: done.log.clone(),
                })
            };
            match outcome {
                Ok(fmax_mhz) => {
                    results[done.index] = Some(SeedRun {
                        seed: done.seed,
                        fmax_mhz,
                        seconds: done.start.elapsed().as_secs_f64(),
                    })
                }
                Err(error) => {
                    stop_all(&mut running);
                    return Err(error);
                }
            }
        }
        let secs = start.elapsed().as_secs();
        if secs > reported {
            reported = secs;
            let done = results.iter().filter(|r| r.is_some()).count();
            progress(&format!(
                "{step}: seeds {done}/{total} done, {} running, {secs} s",
                running.len()
            ));
        }
    }
    Ok(results
        .into_iter()
        .map(|r| r.expect("every job ran"))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(seed: u64, fmax: Option<f64>) -> SeedRun {
        SeedRun {
            seed,
            fmax_mhz: fmax,
            seconds: 1.0,
        }
    }

    #[test]
    fn parses_seed_lists() {
        assert_eq!(parse_seeds("3"), Ok(vec![3]));
        assert_eq!(parse_seeds("1-4"), Ok(vec![1, 2, 3, 4]));
        assert_eq!(parse_seeds("1, 4,7-9"), Ok(vec![1, 4, 7, 8, 9]));
        for bad in ["", "x", "1-", "5-3", "1,1", "1-3,2", "1-100", "-1"] {
            assert!(parse_seeds(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn summarizes_a_sweep() {
        let runs = vec![
            run(1, Some(148.7)),
            run(2, Some(158.0)),
            run(3, Some(156.25)),
            run(4, Some(155.8)),
        ];
        let s = SeedSweep::new(NIC_CLOCK_MHZ, runs);
        // Even count: the mean of the middle two.
        assert!((s.median_mhz.unwrap() - (155.8 + 156.25) / 2.0).abs() < 1e-9);
        assert!((s.mean_mhz.unwrap() - 154.6875).abs() < 1e-9);
        // Sample standard deviation of the four.
        let sd = s.std_dev_mhz.unwrap();
        assert!((sd - 4.1029).abs() < 1e-3, "{sd}");
        // 156.25 itself meets the goal.
        assert_eq!(s.reaching_goal, 2);
        assert_eq!(s.best_seed, Some(2));
        let text = s.render();
        assert!(
            text.contains("1: 148.7, 2: 158.0, 3: 156.2, 4: 155.8"),
            "{text}"
        );
        assert!(
            text.contains("2 of 4 at or above 156.25 MHz; best seed 2"),
            "{text}"
        );
    }

    #[test]
    fn a_sweep_without_fmax_has_no_figures() {
        let s = SeedSweep::new(100.0, vec![run(5, None), run(6, Some(90.0))]);
        assert_eq!(s.median_mhz, Some(90.0));
        assert_eq!(s.std_dev_mhz, None);
        assert_eq!(s.reaching_goal, 0);
        assert_eq!(s.best_seed, Some(6));
        let empty = SeedSweep::new(100.0, vec![run(5, None)]);
        assert_eq!(
            (empty.median_mhz, empty.mean_mhz, empty.best_seed),
            (None, None, None)
        );
        assert!(empty.render().contains("5: -"));
    }
}
