//! `rss-core`: emit the core's Verilog and register documents, or compute a hash.
//!
//! ```text
//! rss-core gen --out DIR [--data-width 64|128|256|512] [--interface frames|tuples]
//!               [--table-entries-log2 N] [--num-queues N]
//! rss-core hash [--key HEX] --src ADDR --dst ADDR [--sport N --dport N]
//! rss-core synth --target ice40-hx8k|ice40-up5k|ecp5-25k|ecp5-85k [--data-width W]
//!               [--interface frames|tuples] [--table-entries-log2 N] [--num-queues N]
//!               [--seed N] [--freq MHZ] [--json FILE] [--work-dir DIR]
//! ```
//! Bad input prints a message on stderr and exits with code 2.

use std::net::IpAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use rss_hdl::emit::Interface;
use rss_model::regmap::{Params, RegisterMap};
use rss_model::toeplitz::{KEY_BYTES, MS_DEFAULT_KEY};
use rss_model::tuple::Transport;
use rss_model::{ToeplitzTable, Tuple, export};

const USAGE: &str = "usage:
  rss-core gen --out DIR [--data-width 64|128|256|512] [--interface frames|tuples]
                [--table-entries-log2 N] [--num-queues N]
  rss-core hash [--key HEX] --src ADDR --dst ADDR [--sport N --dport N]
  rss-core synth --target ice40-hx8k|ice40-up5k|ecp5-25k|ecp5-85k [--data-width W]
                [--interface frames|tuples] [--table-entries-log2 N] [--num-queues N]
                [--seed N] [--freq MHZ] [--json FILE] [--work-dir DIR]";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("gen") => generate(&args[1..]),
        Some("hash") => hash(&args[1..]),
        Some("synth") => synth(&args[1..]),
        Some("-h" | "--help") => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        _ => Err(format!("expected a command\n{USAGE}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("rss-core: {message}");
            ExitCode::from(2)
        }
    }
}

/// `--name value` options, each allowed once.
struct Options<'a> {
    pairs: Vec<(&'a str, &'a str)>,
}

impl<'a> Options<'a> {
    fn parse(args: &'a [String], known: &[&str]) -> Result<Self, String> {
        let mut pairs: Vec<(&str, &str)> = Vec::new();
        let mut it = args.iter();
        while let Some(name) = it.next() {
            if !known.contains(&name.as_str()) {
                return Err(format!("unknown option `{name}`\n{USAGE}"));
            }
            let value = it.next().ok_or_else(|| format!("`{name}` needs a value"))?;
            if pairs.iter().any(|(n, _)| n == name) {
                return Err(format!("`{name}` given twice"));
            }
            pairs.push((name, value));
        }
        Ok(Options { pairs })
    }

    fn get(&self, name: &str) -> Option<&'a str> {
        self.pairs.iter().find(|(n, _)| *n == name).map(|(_, v)| *v)
    }

    fn required(&self, name: &str) -> Result<&'a str, String> {
        self.get(name)
            .ok_or_else(|| format!("`{name}` is required\n{USAGE}"))
    }

    fn number<T: std::str::FromStr>(&self, name: &str) -> Result<Option<T>, String> {
        self.get(name)
            .map(|v| {
                v.parse()
                    .map_err(|_| format!("`{name}`: `{v}` is not a valid number"))
            })
            .transpose()
    }
}

/// The design options `gen` and `synth` share.
const DESIGN_OPTIONS: [&str; 4] = [
    "--data-width",
    "--interface",
    "--table-entries-log2",
    "--num-queues",
];

/// Parameters and top level from the design options.
fn design(opts: &Options) -> Result<(Params, Interface), String> {
    let defaults = Params::default();
    let params = Params {
        table_entries_log2: opts
            .number("--table-entries-log2")?
            .unwrap_or(defaults.table_entries_log2),
        num_queues: opts.number("--num-queues")?.unwrap_or(defaults.num_queues),
    };
    RegisterMap::new(params).map_err(|e| e.to_string())?;
    let data_bits = opts.number("--data-width")?.unwrap_or(64);
    let interface = match opts.get("--interface").unwrap_or("frames") {
        "frames" => Interface::Frames { data_bits },
        "tuples" if opts.get("--data-width").is_none() => Interface::Tuples,
        "tuples" => return Err("--data-width applies to the frame interface only".into()),
        other => {
            return Err(format!(
                "--interface: `{other}` is not `frames` or `tuples`"
            ));
        }
    };
    Ok((params, interface))
}

fn generate(args: &[String]) -> Result<(), String> {
    let opts = Options::parse(args, &[&["--out"][..], &DESIGN_OPTIONS].concat())?;
    let out = PathBuf::from(opts.required("--out")?);
    let (params, interface) = design(&opts)?;
    let map = RegisterMap::new(params).map_err(|e| e.to_string())?;
    let verilog = rss_hdl::emit::verilog(params, interface).map_err(|e| e.to_string())?;
    let mut json = String::new();
    let mut markdown = String::new();
    let mut header = String::new();
    export::write_json(&map, &mut json).map_err(|e| e.to_string())?;
    export::write_markdown(&map, &mut markdown).map_err(|e| e.to_string())?;
    export::write_c_header(&map, &mut header).map_err(|e| e.to_string())?;
    std::fs::create_dir_all(&out).map_err(|e| format!("{}: {e}", out.display()))?;
    for (name, text) in [
        (&*format!("{}.v", interface.module_name()), &verilog),
        ("regmap.json", &json),
        ("regmap.md", &markdown),
        ("rss_core_regs.h", &header),
    ] {
        let path = out.join(name);
        std::fs::write(&path, text).map_err(|e| format!("{}: {e}", path.display()))?;
        println!("wrote {}", path.display());
    }
    Ok(())
}

/// `synth`: emit the design, run yosys + nextpnr (`rss_synth::run`), print the table.
fn synth(args: &[String]) -> Result<(), String> {
    let known = [
        &["--target", "--seed", "--freq", "--json", "--work-dir"][..],
        &DESIGN_OPTIONS,
    ]
    .concat();
    let opts = Options::parse(args, &known)?;
    let target: rss_synth::Target = opts
        .required("--target")?
        .parse()
        .map_err(|e| format!("--target: {e}"))?;
    let (params, interface) = design(&opts)?;
    let top = interface.module_name();
    let work_dir = match opts.get("--work-dir") {
        Some(dir) => PathBuf::from(dir),
        None => {
            let width = match interface {
                Interface::Frames { data_bits } => format!("-w{data_bits}"),
                Interface::Tuples => String::new(),
            };
            PathBuf::from(format!("out/synth/{target}-{top}{width}"))
        }
    };
    let verilog = rss_hdl::emit::verilog(params, interface).map_err(|e| e.to_string())?;
    let mut synth_opts = rss_synth::SynthOptions::new(verilog, top, target, work_dir);
    if let Some(seed) = opts.number("--seed")? {
        synth_opts.seed = seed;
    }
    if let Some(freq) = opts.number::<f64>("--freq")? {
        if !(freq.is_finite() && freq > 0.0) {
            return Err(format!("--freq: `{freq}` is not a positive frequency"));
        }
        synth_opts.freq_mhz = freq;
    }
    eprintln!(
        "rss-core synth: {top} for {target}, work dir {}",
        synth_opts.work_dir.display()
    );
    let mut progress = |line: &str| eprint!("\r  {line:<60}");
    let result = rss_synth::run(&synth_opts, &mut progress);
    eprintln!();
    let report = result.map_err(|e| e.to_string())?;
    print!("{}", rss_synth::render_table(std::slice::from_ref(&report)));
    if let Some(path) = opts.get("--json") {
        let text = serde_json::to_string_pretty(&report).map_err(|e| e.to_string())?;
        std::fs::write(path, text + "\n").map_err(|e| format!("{path}: {e}"))?;
        println!("wrote {path}");
    }
    Ok(())
}

/// Parses a key as hex, with or without `:` separators (ethtool's `hkey` form).
fn parse_key(text: &str) -> Result<Vec<u8>, String> {
    let digits: String = text.chars().filter(|c| *c != ':').collect();
    if !digits.len().is_multiple_of(2) || !digits.chars().all(|c| c.is_ascii_hexdigit()) {
        return Err(format!("--key: `{text}` is not hex bytes"));
    }
    let key: Vec<u8> = (0..digits.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&digits[i..i + 2], 16).expect("checked hex digits"))
        .collect();
    if key.len() < KEY_BYTES {
        return Err(format!(
            "--key: {} bytes, at least {KEY_BYTES} needed",
            key.len()
        ));
    }
    Ok(key)
}

fn hash(args: &[String]) -> Result<(), String> {
    let opts = Options::parse(args, &["--key", "--src", "--dst", "--sport", "--dport"])?;
    let key = match opts.get("--key") {
        Some(text) => parse_key(text)?,
        None => MS_DEFAULT_KEY.to_vec(),
    };
    let address = |name: &str| -> Result<IpAddr, String> {
        let text = opts.required(name)?;
        text.parse()
            .map_err(|_| format!("{name}: `{text}` is not an IPv4 or IPv6 address"))
    };
    let (src, dst) = (address("--src")?, address("--dst")?);
    let tuple = match (
        opts.number::<u16>("--sport")?,
        opts.number::<u16>("--dport")?,
    ) {
        (Some(sport), Some(dport)) => Tuple::with_ports(src, dst, sport, dport, Transport::Tcp),
        (None, None) => Tuple::addresses(src, dst),
        _ => return Err("--sport and --dport go together".into()),
    }
    .ok_or("--src and --dst must both be IPv4 or both IPv6")?;
    let hash_type = tuple.candidate.expect("built from addresses");
    let hasher = ToeplitzTable::new(&key).map_err(|e| e.to_string())?;
    let hash = hasher
        .hash(tuple.hash_input(hash_type))
        .map_err(|e| e.to_string())?;
    println!("0x{hash:08x}");
    Ok(())
}
