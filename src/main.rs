//! `rss-core`: emit the core's Verilog and register documents, compute a hash, or show
//! how a packet capture spreads over receive queues. `rss-core --help` and
//! `rss-core <command> --help` list the options. Bad input prints a message on stderr
//! and exits with code 2.

use std::net::{IpAddr, Ipv6Addr};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use rss_hdl::emit::{CoreOptions, Interface};
use rss_model::HashType;
use rss_model::parse::{Headers, IPPROTO_TCP, IPPROTO_UDP, IpVersion, Ports};
use rss_model::regmap::{Params, RegisterMap};
use rss_model::toeplitz::MS_DEFAULT_KEY;
use rss_model::tuple::Transport;
use rss_model::{ToeplitzTable, export};

mod capture;
mod plot;
mod regdoc;
mod steer;

/// Receive-side scaling NIC core (Toeplitz hash + indirection table): generator and tools.
#[derive(Debug, Parser)]
#[command(name = "rss-core", version, propagate_version = true)]
#[command(arg_required_else_help = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Emit the core's Verilog and its register map (JSON, Markdown, C header, CMSIS-SVD).
    Gen(GenArgs),
    /// Compute the Toeplitz hash of one flow, for any hash input the core supports.
    Hash(HashArgs),
    /// Run every frame of a pcap/pcapng capture through the model (and optionally the
    /// RTL) and report how the traffic spreads over receive queues.
    Steer(steer::SteerArgs),
    /// Synthesize and place-and-route the core with yosys + nextpnr and report LUTs,
    /// FFs, block RAM, Fmax and whether it fits.
    Synth(SynthArgs),
}

/// Top level the generator emits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum InterfaceArg {
    /// `rss_core`: Ethernet frames in on AXI4-Stream.
    Frames,
    /// `rss_tuple_core`: flow tuples in (no header parser).
    Tuples,
}

/// Build options of the core, shared by every command that builds one (`gen`,
/// `synth`).
#[derive(Debug, Clone, clap::Args)]
pub struct DesignArgs {
    /// AXI4-Stream data width of the frame interface: 64, 128, 256 or 512 [default: 64].
    #[arg(long, value_name = "BITS")]
    pub data_width: Option<usize>,
    /// Top level: the frame core or the tuple core.
    #[arg(long, value_enum, default_value_t = InterfaceArg::Frames)]
    pub interface: InterfaceArg,
    /// log2 of the indirection-table entries (1..=10) [default: 7].
    #[arg(long, value_name = "N")]
    pub table_entries_log2: Option<u8>,
    /// Receive queues the core can steer to (1..=256) [default: 64].
    #[arg(long, value_name = "N")]
    pub num_queues: Option<u16>,
    /// VPorts (scaling entities chosen by destination MAC; 1..=8) [default: 4].
    #[arg(long, value_name = "N")]
    pub vports: Option<u8>,
    /// Destination-MAC filter entries (1..=16) [default: 8].
    #[arg(long, value_name = "N")]
    pub mac_filters: Option<u8>,
    /// Top module name; sub-modules are named `<NAME>__...` [default: rss_core, or
    /// rss_tuple_core for the tuple interface].
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,
    /// Records the frame core's output FIFO holds (1..=256; at 256 and 512 bits, 6 or
    /// more keep one record a clock flowing through it; at 64 and 128 bits records
    /// leave at most every third clock, faster than the hash unit makes them).
    #[arg(long, value_name = "N", default_value_t = rss_hdl::emit::DEFAULT_RECORD_FIFO_DEPTH)]
    pub record_fifo_depth: u16,
    /// Tap mode: never deassert s_axis_tready; records that find the FIFO full are
    /// dropped, counted, and flagged on the next record.
    #[arg(long)]
    pub tap: bool,
    /// Leave out the hash probe (PROBE and its registers; VPORT_CAPS.FEATURES bit 3
    /// reads 0): saves its 288 input flip-flops and input multiplexer, which an
    /// iCE40 HX8K build needs.
    #[arg(long)]
    pub no_hash_probe: bool,
    /// Add the transmit-side lookup port (s_axis_tx_* -> m_axis_txq_*: VPort and RSS
    /// hash in, queue out, one per clock; VPORT_CAPS.FEATURES bit 5). Frame interface
    /// only; costs a copy of the table pool in block RAM and a short pipeline.
    #[arg(long)]
    pub tx_lookup: bool,
    /// Secret key length: 40 (the NDIS key) or 52 (for drivers that program a 52-byte
    /// key, as Linux's do for some NICs; KEY_EXT holds bytes 40..52, which no hash
    /// input reaches) [default: 40].
    #[arg(long, value_name = "BYTES")]
    pub key_bytes: Option<u8>,
}

impl DesignArgs {
    /// The build parameters these options ask for (validated).
    pub fn params(&self) -> Result<Params, String> {
        let defaults = Params::default();
        let params = Params {
            table_entries_log2: self
                .table_entries_log2
                .unwrap_or(defaults.table_entries_log2),
            num_queues: self.num_queues.unwrap_or(defaults.num_queues),
            vports: self.vports.unwrap_or(defaults.vports),
            mac_filters: self.mac_filters.unwrap_or(defaults.mac_filters),
            hash_probe: !self.no_hash_probe,
            tx_lookup: self.tx_lookup,
            key_bytes: self.key_bytes.unwrap_or(defaults.key_bytes),
        };
        params.validate().map_err(|e| e.to_string())?;
        Ok(params)
    }

    /// The top level these options ask for.
    pub fn interface(&self) -> Result<Interface, String> {
        match (self.interface, self.data_width) {
            (InterfaceArg::Frames, width) => Ok(Interface::Frames {
                data_bits: width.unwrap_or(64),
            }),
            (InterfaceArg::Tuples, None) => Ok(Interface::Tuples),
            (InterfaceArg::Tuples, Some(_)) => {
                Err("--data-width applies to the frame interface only".into())
            }
        }
    }

    /// Generator options beyond the register map.
    pub fn core_options(&self) -> CoreOptions {
        CoreOptions {
            name: self.name.clone(),
            tap: self.tap,
            record_fifo_depth: self.record_fifo_depth,
        }
    }

    /// The top module's name.
    pub fn top(&self) -> Result<String, String> {
        Ok(self.name.clone().unwrap_or_else(|| {
            self.interface()
                .map(|i| i.module_name())
                .unwrap_or("rss_core")
                .into()
        }))
    }

    /// The emitted Verilog.
    pub fn verilog(&self) -> Result<String, String> {
        rss_hdl::emit::verilog_with(self.params()?, self.interface()?, &self.core_options())
            .map_err(|e| e.to_string())
    }
}

/// `gen`: where to write, and what to build.
#[derive(Debug, Clone, clap::Args)]
pub struct GenArgs {
    /// Output directory (created if missing).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    #[command(flatten)]
    pub design: DesignArgs,
}

/// `synth`: target, tool options and what to build.
#[derive(Debug, Clone, clap::Args)]
pub struct SynthArgs {
    /// FPGA: ice40-hx8k, ice40-up5k, ecp5-25k or ecp5-85k.
    #[arg(long)]
    pub target: rss_synth::Target,
    /// Place-and-route seed.
    #[arg(long, conflicts_with = "seeds")]
    pub seed: Option<u64>,
    /// A seed sweep: place and route the netlist once per seed (`1-9`, `1,4,7-9`) and
    /// print every seed's Fmax with the median, mean, spread and how many reach
    /// `--fmax-goal`; the first seed's run is the table's, the others are in
    /// `seed-N/` of the work directory.
    #[arg(long, value_name = "LIST", value_parser = parse_seeds_arg)]
    pub seeds: Option<Seeds>,
    /// How many sweep seeds to place and route at once [default: 2].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=16))]
    pub jobs: Option<u32>,
    /// The Fmax a sweep counts seeds against, MHz [default: 156.25, a 10GBASE-R MAC's
    /// 64-bit clock].
    #[arg(long, value_name = "MHZ")]
    pub fmax_goal: Option<f64>,
    /// Speed grade of the part, ECP5 only: 6, 7 or 8 [default: 6, the slowest].
    #[arg(long, value_name = "GRADE")]
    pub speed_grade: Option<u8>,
    /// nextpnr placer's timing weight, `--placer-heap-timingweight` [default: nextpnr's,
    /// 10].
    #[arg(long, value_name = "N")]
    pub placer_timing_weight: Option<u32>,
    /// nextpnr placer's criticality exponent, `--placer-heap-critexp`, 1 or more
    /// [default: nextpnr's, 2].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub placer_crit_exp: Option<u32>,
    /// Clock constraint in MHz [default: 100 on iCE40, 200 on ECP5].
    #[arg(long, value_name = "MHZ")]
    pub freq: Option<f64>,
    /// Also write the report as JSON.
    #[arg(long, value_name = "FILE")]
    pub json: Option<PathBuf>,
    /// Tool work directory [default: out/synth/<target>-<top>[-w<W>]].
    #[arg(long, value_name = "DIR")]
    pub work_dir: Option<PathBuf>,
    #[command(flatten)]
    pub design: DesignArgs,
}

/// Transport protocol of a 4-tuple.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Proto {
    Tcp,
    Udp,
}

#[derive(Debug, clap::Args)]
struct HashArgs {
    /// Secret key: 40 bytes (or more) in hex, `:` separators allowed as ethtool's
    /// `hkey` prints them [default: the published Microsoft key].
    #[arg(long, value_name = "HEX", value_parser = parse_key_arg)]
    key: Option<KeyArg>,
    /// Source address (IPv4 or IPv6).
    #[arg(long, value_name = "ADDR")]
    src: IpAddr,
    /// Destination address (same family as --src).
    #[arg(long, value_name = "ADDR")]
    dst: IpAddr,
    /// Source port (with --dport: a 4-tuple).
    #[arg(long, value_name = "N", requires = "dport")]
    sport: Option<u16>,
    /// Destination port (with --sport).
    #[arg(long, value_name = "N", requires = "sport")]
    dport: Option<u16>,
    /// Transport of the 4-tuple (selects TCP_* or UDP_* hash types).
    #[arg(long, value_enum, default_value_t = Proto::Tcp, requires = "sport")]
    proto: Proto,
    /// Hash input to use, as an NDIS hash type name (IPV4, TCP_IPV4, UDP_IPV4, IPV6,
    /// IPV6_EX, TCP_IPV6, TCP_IPV6_EX, UDP_IPV6, UDP_IPV6_EX). Default: the most
    /// specific type the arguments allow (an _EX type if --ex-src/--ex-dst is given).
    #[arg(long = "type", value_name = "NAME", value_parser = parse_hash_type)]
    hash_type: Option<HashType>,
    /// IPv6-Ex source: the Home Address option's address (replaces --src in _EX inputs).
    #[arg(long, value_name = "ADDR")]
    ex_src: Option<Ipv6Addr>,
    /// IPv6-Ex destination: the type 2 routing header's address (replaces --dst in _EX
    /// inputs).
    #[arg(long, value_name = "ADDR")]
    ex_dst: Option<Ipv6Addr>,
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            use clap::error::ErrorKind;
            if matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) {
                e.exit();
            }
            eprint!("rss-core: {}", e.render());
            return ExitCode::from(2);
        }
    };
    let result = match cli.command {
        Command::Gen(args) => generate(&args),
        Command::Hash(args) => hash(&args),
        Command::Steer(args) => steer::run(&args),
        Command::Synth(args) => synth(&args),
    };
    match result {
        Ok(code) => code,
        Err(message) => {
            eprintln!("rss-core: {message}");
            ExitCode::from(2)
        }
    }
}

fn generate(args: &GenArgs) -> Result<ExitCode, String> {
    let design = &args.design;
    let params = design.params()?;
    let map = RegisterMap::new(params).map_err(|e| e.to_string())?;
    let verilog = design.verilog()?;
    let mut markdown = String::new();
    let mut header = String::new();
    let json = regdoc::json(&map);
    let svd = regdoc::svd(&map)?;
    export::write_markdown(&map, &mut markdown).map_err(|e| e.to_string())?;
    export::write_c_header(&map, &mut header).map_err(|e| e.to_string())?;
    let out = &args.out;
    std::fs::create_dir_all(out).map_err(|e| format!("{}: {e}", out.display()))?;
    for (name, text) in [
        (&*format!("{}.v", design.top()?), &verilog),
        ("regmap.json", &json),
        ("regmap.md", &markdown),
        ("rss_core_regs.h", &header),
        ("rss_core.svd", &svd),
    ] {
        let path = out.join(name);
        std::fs::write(&path, text).map_err(|e| format!("{}: {e}", path.display()))?;
        println!("wrote {}", path.display());
    }
    Ok(ExitCode::SUCCESS)
}

fn synth(args: &SynthArgs) -> Result<ExitCode, String> {
    let design = &args.design;
    let top = design.top()?;
    let work_dir = args.work_dir.clone().unwrap_or_else(|| {
        let width = match design.interface() {
            Ok(Interface::Frames { data_bits }) => format!("-w{data_bits}"),
            _ => String::new(),
        };
        PathBuf::from(format!("out/synth/{}-{top}{width}", args.target))
    });
    let mut options = rss_synth::SynthOptions::new(design.verilog()?, &top, args.target, work_dir);
    options.idle_ports = rss_hdl::emit::idle_port_prefixes(&design.params()?, design.interface()?);
    if let Some(seed) = args.seed {
        options.seed = seed;
    }
    if let Some(Seeds(seeds)) = &args.seeds {
        options.seed = seeds[0];
        options.sweep_seeds = seeds[1..].to_vec();
    }
    if let Some(jobs) = args.jobs {
        options.sweep_jobs = jobs as usize;
    }
    if let Some(goal) = args.fmax_goal {
        if !(goal.is_finite() && goal > 0.0) {
            return Err(format!("--fmax-goal: `{goal}` is not a positive frequency"));
        }
        options.fmax_goal_mhz = goal;
    }
    if let Some(weight) = args.placer_timing_weight {
        options.placer_timing.weight = weight;
    }
    if let Some(exponent) = args.placer_crit_exp {
        options.placer_timing.critical_exponent = exponent;
    }
    // Checked here too, so a bad grade exits 2 like the other argument errors.
    args.target
        .speed_grade(args.speed_grade)
        .map_err(|e| format!("--speed-grade: {e}"))?;
    options.speed_grade = args.speed_grade;
    if let Some(freq) = args.freq {
        if !(freq.is_finite() && freq > 0.0) {
            return Err(format!("--freq: `{freq}` is not a positive frequency"));
        }
        options.freq_mhz = freq;
    }
    eprintln!(
        "rss-core synth: {top} for {}, work dir {}",
        args.target,
        options.work_dir.display()
    );
    let mut progress = |line: &str| eprint!("\r  {line:<60}");
    let result = rss_synth::run(&options, &mut progress);
    eprintln!();
    let report = result.map_err(|e| e.to_string())?;
    print!("{}", rss_synth::render_table(std::slice::from_ref(&report)));
    if let Some(path) = &args.json {
        let text = serde_json::to_string_pretty(&report).map_err(|e| e.to_string())?;
        std::fs::write(path, text + "\n").map_err(|e| format!("{}: {e}", path.display()))?;
        println!("wrote {}", path.display());
    }
    Ok(ExitCode::SUCCESS)
}

/// Parses a key as hex, with or without `:` separators (ethtool's `hkey` form); at
/// least `min` bytes.
pub fn parse_key(text: &str, min: usize) -> Result<Vec<u8>, String> {
    let digits: String = text.chars().filter(|c| *c != ':').collect();
    if !digits.len().is_multiple_of(2) || !digits.chars().all(|c| c.is_ascii_hexdigit()) {
        return Err(format!("`{text}` is not hex bytes"));
    }
    let key: Vec<u8> = (0..digits.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&digits[i..i + 2], 16).expect("checked hex digits"))
        .collect();
    if key.len() < min {
        return Err(format!("{} bytes, at least {min} needed", key.len()));
    }
    Ok(key)
}

/// A parsed `--seeds` list, never empty (a newtype: clap would read `Vec<u64>` as a
/// list of arguments).
#[derive(Debug, Clone)]
pub struct Seeds(pub Vec<u64>);

fn parse_seeds_arg(text: &str) -> Result<Seeds, String> {
    rss_synth::parse_seeds(text).map(Seeds)
}

/// A parsed `--key` (a newtype: clap would read `Vec<u8>` as a list of numbers).
#[derive(Debug, Clone)]
pub struct KeyArg(pub Vec<u8>);

fn parse_key_arg(text: &str) -> Result<KeyArg, String> {
    parse_key(text, rss_model::toeplitz::KEY_BYTES).map(KeyArg)
}

/// An NDIS hash type by name (`TCP_IPV4`, ...).
pub fn parse_hash_type(text: &str) -> Result<HashType, String> {
    HashType::ALL
        .into_iter()
        .find(|t| t.name() == text)
        .ok_or_else(|| {
            let names: Vec<&str> = HashType::ALL.iter().map(|t| t.name()).collect();
            format!("`{text}` is not one of {}", names.join(", "))
        })
}

fn hash(args: &HashArgs) -> Result<ExitCode, String> {
    let key = args
        .key
        .clone()
        .map_or_else(|| MS_DEFAULT_KEY.to_vec(), |k| k.0);
    let version = match (args.src, args.dst) {
        (IpAddr::V4(_), IpAddr::V4(_)) => IpVersion::V4,
        (IpAddr::V6(_), IpAddr::V6(_)) => IpVersion::V6,
        _ => return Err("--src and --dst must both be IPv4 or both IPv6".into()),
    };
    let ex = args.ex_src.is_some() || args.ex_dst.is_some();
    if ex && version == IpVersion::V4 {
        return Err("--ex-src/--ex-dst need IPv6 --src and --dst".into());
    }
    let transport = match args.proto {
        Proto::Tcp => Transport::Tcp,
        Proto::Udp => Transport::Udp,
    };
    let ports = match (args.sport, args.dport) {
        (Some(src), Some(dst)) => Some(Ports {
            src,
            dst,
            transport,
        }),
        _ => None,
    };
    // The parser's view of such a packet; the model lays out each type's input from it.
    let headers = Headers {
        version,
        l3: 14,
        src: args.src,
        dst: args.dst,
        ex_src: args.ex_src,
        ex_dst: args.ex_dst,
        protocol: match transport {
            Transport::Tcp => IPPROTO_TCP,
            Transport::Udp => IPPROTO_UDP,
        },
        fragment: false,
        ext_headers: 0,
        l4: 0,
        ports,
    };
    let is_ex = |t: HashType| {
        matches!(
            t,
            HashType::Ipv6Ex | HashType::TcpIpv6Ex | HashType::UdpIpv6Ex
        )
    };
    let hash_type = match args.hash_type {
        Some(t) => {
            if ex && !is_ex(t) {
                return Err(format!(
                    "--ex-src/--ex-dst apply to the _EX hash types, not {}",
                    t.name()
                ));
            }
            t
        }
        // Most specific first; Ex types only when Ex addresses are given.
        None => *headers
            .preference()
            .iter()
            .find(|&&t| ex || !is_ex(t))
            .expect("every preference list has a plain type"),
    };
    let tuple = headers.tuple_for(hash_type).ok_or_else(|| {
        let allowed: Vec<&str> = headers.preference().iter().map(|t| t.name()).collect();
        format!(
            "--type {}: these arguments allow {}",
            hash_type.name(),
            allowed.join(", ")
        )
    })?;
    let hasher = ToeplitzTable::new(&key).map_err(|e| e.to_string())?;
    let hash = hasher
        .hash(tuple.hash_input(hash_type))
        .map_err(|e| e.to_string())?;
    println!("0x{hash:08x}");
    Ok(ExitCode::SUCCESS)
}
