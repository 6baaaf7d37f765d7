//! `rss-bench`: the project's speed and size figures in one invocation, printed as a
//! table and written to `out/bench.json` (`scripts/bench` runs it in release).
//!
//! ```text
//! rss-bench [--out FILE] [--runs N] [--frames N] [--no-model] [--no-cosim] [--cosim-widths W,W]
//!           [--synth] [--synth-interface frames|tuples] [--synth-targets T,T,...]
//! ```
//!
//! - `cosim_w{64,512}_mclocks_per_s`: the full frame-level `rss_core` under Verilator
//!   with the scoreboard on (`rss_cosim::scenario::random_frame_traffic`): simulated
//!   clocks (`sim.cycles()` delta, bus set-up included) per wall-clock second.
//! - `model_ipv4_mhashes_per_s`: `rss_model::ToeplitzTable` on IPv4 4-tuples (12
//!   bytes); `model_table_vs_bitwise`: its speed over `toeplitz_bitwise`'s.
//!
//! Each figure is the median of `--runs` (≥ 3) runs; the runs are recorded too.
//! `--no-model` / `--no-cosim` leave a part out; `--cosim-widths 64` runs one width
//! (`tools/cosim-profile` samples the bench that way).
//! `--synth` adds one synthesis + place-and-route run per reference configuration
//! (64-bit frames on iCE40 HX8K, iCE40 UP5K and ECP5-85k; 512-bit frames on ECP5-85k;
//! default parameters; and on both iCE40 parts the one-VPort build that fits an HX8K,
//! `w64_one_vport`: one VPort, one MAC filter, no hash probe).
//! `--synth-interface tuples` runs the tuple core instead (one
//! configuration per target), `--synth-targets` picks targets.

use std::hint::black_box;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use rand::{Rng, SeedableRng, rngs::StdRng};
use rss_hdl::emit::Interface;
use rss_model::toeplitz::MS_DEFAULT_KEY;
use rss_model::{Params, ToeplitzTable, toeplitz_bitwise};
use rss_synth::{SynthOptions, SynthReport, Target};
use serde_json::{Map, Value, json};

const USAGE: &str =
    "usage: rss-bench [--out FILE] [--runs N] [--frames N] [--no-model] [--no-cosim] [--cosim-widths W,W]
                 [--synth] [--synth-interface frames|tuples] [--synth-targets T,T,...]";

/// The frame widths with a cosim model here (`cosim_runs`).
const COSIM_WIDTHS: [usize; 2] = [64, 512];

struct Options {
    out: PathBuf,
    runs: usize,
    frames: u64,
    model: bool,
    cosim: bool,
    cosim_widths: Vec<usize>,
    synth: bool,
    synth_tuples: bool,
    synth_targets: Option<Vec<Target>>,
}

fn parse_args(args: &[String]) -> Result<Options, String> {
    let mut o = Options {
        out: PathBuf::from("out/bench.json"),
        runs: 3,
        frames: 20_000,
        model: true,
        cosim: true,
        cosim_widths: COSIM_WIDTHS.to_vec(),
        synth: false,
        synth_tuples: false,
        synth_targets: None,
    };
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or_else(|| format!("`{flag}` needs a value"));
        let number = |v: &str| {
            v.parse::<u64>()
                .map_err(|_| format!("`{flag}`: `{v}` is not a number"))
        };
        match flag.as_str() {
            "--out" => o.out = PathBuf::from(value()?),
            "--runs" => o.runs = number(value()?)? as usize,
            "--frames" => o.frames = number(value()?)?,
            "--no-model" => o.model = false,
            "--no-cosim" => o.cosim = false,
            "--cosim-widths" => {
                o.cosim_widths = value()?
                    .split(',')
                    .map(|w| {
                        w.parse::<usize>()
                            .ok()
                            .filter(|w| COSIM_WIDTHS.contains(w))
                            .ok_or_else(|| {
                                format!("--cosim-widths: `{w}` (one of {COSIM_WIDTHS:?})")
                            })
                    })
                    .collect::<Result<_, _>>()?
            }
            "--synth" => o.synth = true,
            "--synth-interface" => {
                o.synth_tuples = match value()?.as_str() {
                    "frames" => false,
                    "tuples" => true,
                    other => return Err(format!("--synth-interface: `{other}`")),
                }
            }
            "--synth-targets" => {
                let targets = value()?
                    .split(',')
                    .map(|t| t.parse::<Target>().map_err(|e| e.to_string()))
                    .collect::<Result<Vec<_>, _>>()?;
                o.synth_targets = Some(targets);
            }
            _ => return Err(format!("unknown option `{flag}`")),
        }
    }
    if o.runs < 3 {
        return Err("--runs: at least 3 (figures are medians)".into());
    }
    if o.frames == 0 {
        return Err("--frames: at least 1".into());
    }
    Ok(o)
}

/// The median of `values` (the mean of the middle two for an even count).
fn median(values: &[f64]) -> f64 {
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n == 0 {
        f64::NAN
    } else if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

/// Hashes per second of `hash` over `inputs`, repeated for at least `min_time`.
fn hash_rate(inputs: &[[u8; 12]], min_time: Duration, hash: impl Fn(&[u8]) -> u32) -> f64 {
    let start = Instant::now();
    let mut count = 0u64;
    let mut acc = 0u32;
    while start.elapsed() < min_time {
        for input in inputs {
            acc ^= hash(black_box(input));
        }
        count += inputs.len() as u64;
    }
    black_box(acc);
    count as f64 / start.elapsed().as_secs_f64()
}

/// Per run: table-driven and bitwise Toeplitz rates (hashes/s) on IPv4 4-tuples.
fn model_runs(runs: usize) -> Result<Vec<(f64, f64)>, String> {
    let mut rng = StdRng::seed_from_u64(0x5eed);
    let inputs: Vec<[u8; 12]> = (0..4096).map(|_| rng.random()).collect();
    let table = ToeplitzTable::new(&MS_DEFAULT_KEY).map_err(|e| e.to_string())?;
    // Both must agree, and must not fail, before they are timed.
    for input in &inputs {
        let (t, b) = (table.hash(input), toeplitz_bitwise(&MS_DEFAULT_KEY, input));
        if t.is_err() || t != b {
            return Err(format!("table {t:?} != bitwise {b:?} on {input:02x?}"));
        }
    }
    let min_time = Duration::from_millis(400);
    Ok((0..runs)
        .map(|_| {
            let t = hash_rate(&inputs, min_time, |i| table.hash(i).unwrap_or(0));
            let b = hash_rate(&inputs, min_time, |i| {
                toeplitz_bitwise(&MS_DEFAULT_KEY, i).unwrap_or(0)
            });
            (t, b)
        })
        .collect())
}

/// Simulated clocks per second of the frame-level core at `width` bits, one value per
/// run: `runs` runs of `frames` random frames each on one Verilated model (built or
/// loaded from the cache first, outside the timing), scoreboard on. The only place this
/// binary touches the cosim, through its high-level entry point.
fn cosim_runs(width: usize, frames: u64, runs: usize) -> Result<Vec<f64>, String> {
    use rss_cosim::frame_dut::{self, RssCoreW64, RssCoreW512};
    use rss_cosim::scenario::random_frame_traffic;
    const BATCH: u64 = 2000;
    macro_rules! measure {
        ($model:ty) => {{
            let name = format!("bench_w{width}");
            let cosim =
                frame_dut::build::<$model>(false).map_err(|e| rss_cosim::error_chain(&e))?;
            let mut sim = cosim
                .sim::<$model>(&name)
                .map_err(|e| rss_cosim::error_chain(&e))?;
            let mut rates = Vec::new();
            for run in 0..runs {
                let (before, start) = (sim.cycles(), Instant::now());
                random_frame_traffic(
                    &mut sim,
                    0xbe9c_0000 + run as u64,
                    frames.div_ceil(BATCH),
                    frames.min(BATCH),
                    |_| {},
                )?;
                let clocks = sim.cycles() - before;
                rates.push(clocks as f64 / start.elapsed().as_secs_f64());
            }
            Ok(rates)
        }};
    }
    match width {
        64 => measure!(RssCoreW64),
        512 => measure!(RssCoreW512),
        _ => Err(format!("no cosim model for {width}-bit frames")),
    }
}

/// One configuration `--synth` runs: the build and its target.
#[derive(Debug, Clone, PartialEq)]
struct SynthConfig {
    interface: Interface,
    params: Params,
    target: Target,
}

impl SynthConfig {
    /// The build's key in the JSON: `w64`, `w512`, `tuples`, or `w64_one_vport` for
    /// the one-VPort build.
    fn tag(&self) -> String {
        let base = match self.interface {
            Interface::Frames { data_bits } => format!("w{data_bits}"),
            Interface::Tuples => "tuples".into(),
        };
        if self.params == one_vport_params() {
            format!("{base}_one_vport")
        } else {
            base
        }
    }
}

/// The build that fits an iCE40 HX8K (README, "Resources"): the default's nine hash
/// types, table and queues, with one VPort, one MAC filter and no hash probe.
fn one_vport_params() -> Params {
    Params {
        vports: 1,
        mac_filters: 1,
        hash_probe: false,
        ..Params::default()
    }
}

/// The synthesis configurations `--synth` runs.
fn synth_configs(o: &Options) -> Vec<SynthConfig> {
    let config = |interface, params, target| SynthConfig {
        interface,
        params,
        target,
    };
    let all: Vec<SynthConfig> = if o.synth_tuples {
        [Target::Ice40Hx8k, Target::Ice40Up5k, Target::Ecp5_85k]
            .map(|t| config(Interface::Tuples, Params::default(), t))
            .to_vec()
    } else {
        let w64 = Interface::Frames { data_bits: 64 };
        let w512 = Interface::Frames { data_bits: 512 };
        let default = Params::default;
        vec![
            config(w64, default(), Target::Ice40Hx8k),
            config(w64, one_vport_params(), Target::Ice40Hx8k),
            config(w64, default(), Target::Ice40Up5k),
            config(w64, one_vport_params(), Target::Ice40Up5k),
            config(w64, default(), Target::Ecp5_85k),
            config(w512, default(), Target::Ecp5_85k),
        ]
    };
    all.into_iter()
        .filter(|c| {
            o.synth_targets
                .as_ref()
                .is_none_or(|ts| ts.contains(&c.target))
        })
        .collect()
}

fn synth_runs(o: &Options) -> Result<Vec<(String, SynthReport)>, String> {
    let mut reports = Vec::new();
    for config in synth_configs(o) {
        let tag = config.tag();
        let SynthConfig {
            interface,
            params,
            target,
        } = config;
        let top = interface.module_name();
        let verilog = rss_hdl::emit::verilog(params, interface).map_err(|e| e.to_string())?;
        let dir = o
            .out
            .parent()
            .unwrap_or(std::path::Path::new("."))
            .join("bench-synth")
            .join(format!("{target}-{tag}"));
        eprintln!("synth: {top} ({tag}) for {target} in {}", dir.display());
        let mut opts = SynthOptions::new(verilog, top, target, dir);
        opts.idle_ports = rss_hdl::emit::idle_port_prefixes(&params, interface);
        let report = rss_synth::run(&opts, &mut |line| eprint!("\r  {line:<60}"));
        eprintln!();
        reports.push((tag, report.map_err(|e| e.to_string())?));
    }
    Ok(reports)
}

fn figure(out: &mut Map<String, Value>, name: &str, unit: &str, runs: &[f64]) -> f64 {
    let m = median(runs);
    out.insert(name.into(), json!(m));
    out.insert(format!("{name}_runs"), json!(runs));
    println!("  {name:<34} {m:>10.3} {unit:<10} runs: {runs:.3?}");
    m
}

fn run(o: &Options) -> Result<(), String> {
    let mut out = Map::new();
    out.insert("runs".into(), json!(o.runs));
    let unix_time = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    out.insert("unix_time".into(), json!(unix_time));
    let commit = std::process::Command::new("git")
        .args(["rev-parse", "--short", "HEAD"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned());
    out.insert("commit".into(), json!(commit));
    println!("rss-bench: medians of {} runs", o.runs);
    if o.model {
        let model = model_runs(o.runs)?;
        let table: Vec<f64> = model.iter().map(|(t, _)| t / 1e6).collect();
        let bitwise: Vec<f64> = model.iter().map(|(_, b)| b / 1e6).collect();
        let ratio: Vec<f64> = model.iter().map(|(t, b)| t / b).collect();
        figure(&mut out, "model_ipv4_mhashes_per_s", "Mhash/s", &table);
        figure(
            &mut out,
            "model_bitwise_ipv4_mhashes_per_s",
            "Mhash/s",
            &bitwise,
        );
        figure(&mut out, "model_table_vs_bitwise", "x", &ratio);
    }
    if o.cosim {
        out.insert("cosim_frames_per_run".into(), json!(o.frames));
        for &width in &o.cosim_widths {
            eprintln!(
                "cosim: {width}-bit rss_core, {} runs of {} frames",
                o.runs, o.frames
            );
            let rates: Vec<f64> = cosim_runs(width, o.frames, o.runs)?
                .iter()
                .map(|r| r / 1e6)
                .collect();
            figure(
                &mut out,
                &format!("cosim_w{width}_mclocks_per_s"),
                "Mclock/s",
                &rates,
            );
        }
    }
    if o.synth {
        let reports = synth_runs(o)?;
        let list: Vec<&SynthReport> = reports.iter().map(|(_, r)| r).collect();
        let owned: Vec<SynthReport> = list.iter().map(|r| (*r).clone()).collect();
        print!("{}", rss_synth::render_table(&owned));
        let mut synth = Map::new();
        for (tag, r) in &reports {
            let key = format!("{tag}_{}", r.target.name().replace('-', "_"));
            synth.insert(key, serde_json::to_value(r).map_err(|e| e.to_string())?);
        }
        out.insert("synth".into(), Value::Object(synth));
    }
    if let Some(dir) = o.out.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    let text = serde_json::to_string_pretty(&Value::Object(out)).map_err(|e| e.to_string())?;
    std::fs::write(&o.out, text + "\n").map_err(|e| format!("{}: {e}", o.out.display()))?;
    println!("wrote {}", o.out.display());
    Ok(())
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let options = match parse_args(&args) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("rss-bench: {e}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    match run(&options) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("rss-bench: {e}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn medians() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&[4.0, 1.0, 3.0, 2.0]), 2.5);
        assert!(median(&[]).is_nan());
    }

    #[test]
    fn options() {
        let args = |s: &str| s.split_whitespace().map(String::from).collect::<Vec<_>>();
        let o = parse_args(&args(
            "--runs 5 --synth --synth-targets ecp5-85k,ice40-up5k",
        ))
        .unwrap();
        assert_eq!(o.runs, 5);
        assert!(o.synth && o.cosim);
        let configs = synth_configs(&o);
        let tags: Vec<String> = configs
            .iter()
            .map(|c| format!("{}_{}", c.tag(), c.target.name()))
            .collect();
        assert_eq!(
            tags,
            [
                "w64_ice40-up5k",
                "w64_one_vport_ice40-up5k",
                "w64_ecp5-85k",
                "w512_ecp5-85k"
            ]
        );
        let one_vport = &configs[1].params;
        assert_eq!((one_vport.vports, one_vport.mac_filters), (1, 1));
        assert!(!one_vport.hash_probe);
        assert!(parse_args(&args("--runs 2")).is_err());
        assert!(parse_args(&args("--synth-targets ecp5-45k")).is_err());
        assert!(parse_args(&args("--frames")).is_err());
        assert!(parse_args(&args("--bogus")).is_err());
        assert_eq!(o.cosim_widths, [64, 512]);
        let w64 = parse_args(&args("--cosim-widths 64 --no-model")).unwrap();
        assert_eq!(w64.cosim_widths, [64]);
        assert!(o.model && !w64.model);
        assert!(parse_args(&args("--cosim-widths 128")).is_err());
        let all = parse_args(&args("--synth")).unwrap();
        assert_eq!(synth_configs(&all).len(), 6);
        let tuples = parse_args(&args("--synth --synth-interface tuples")).unwrap();
        assert!(
            synth_configs(&tuples)
                .iter()
                .all(|c| c.interface == Interface::Tuples)
        );
    }
}
