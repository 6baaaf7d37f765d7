//! `rss-core steer CAPTURE`: every frame of a capture through the model (parser,
//! hash-type rules, Toeplitz, indirection table) and a report of how the traffic spreads
//! over the receive queues; optionally the same frames through the Verilated core
//! (`--rtl`, via `rss_cosim::replay`) with every record compared.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rss_cosim::dut::RecordOut;
use rss_cosim::replay::{self, ReplayConfig};
use rss_model::parse::{FLAG_FRAGMENT, FLAG_MALFORMED, Malformed, parse_headers, steer_frame};
use rss_model::steer::SteerConfig;
use rss_model::toeplitz::{KEY_BYTES, MS_DEFAULT_KEY};
use rss_model::{HashType, HashTypes, Record, ToeplitzTable};
use serde::Serialize;

use crate::capture::{self, Capture};

/// Largest table and queue count the Verilated reference build has (`Params::default()`).
const RTL_TABLE_ENTRIES: u32 = 128;
const RTL_QUEUES: u16 = 64;

#[derive(Debug, clap::Args)]
pub struct SteerArgs {
    /// Packet capture: pcap (either byte order) or pcapng, Ethernet link type.
    #[arg(value_name = "CAPTURE")]
    pub capture: PathBuf,
    /// Secret key: 80 hex digits (40 bytes), `:` separators allowed [default: the
    /// published Microsoft key].
    #[arg(long, value_name = "HEX", value_parser = parse_steer_key)]
    pub key: Option<crate::KeyArg>,
    /// Enabled hash types, comma-separated NDIS names in upper case (e.g.
    /// TCP_IPV4,IPV4) [default: all nine].
    #[arg(long, value_name = "LIST", value_delimiter = ',', value_parser = crate::parse_hash_type)]
    pub types: Option<Vec<HashType>>,
    /// Indirection-table entries in use: a power of two, 1..=1024.
    #[arg(long, value_name = "N", default_value_t = 128, value_parser = parse_table_entries)]
    pub table_entries: u32,
    /// Receive queues (1..=256); the table is filled as `ethtool -X equal N` does:
    /// entry i -> queue i mod N.
    #[arg(long, value_name = "N", default_value_t = 8, value_parser = clap::value_parser!(u16).range(1..=256))]
    pub queues: u16,
    /// Queue for frames that get no hash (non-IP, malformed, no enabled type).
    #[arg(long, value_name = "Q", default_value_t = 0)]
    pub default_queue: u16,
    /// Write one CSV row per frame: index,length,hash_type,hash,queue,flags.
    #[arg(long, value_name = "FILE.csv")]
    pub records: Option<PathBuf>,
    /// Write the summary as JSON.
    #[arg(long, value_name = "FILE")]
    pub json: Option<PathBuf>,
    /// Plot the per-queue histogram and the hash-type breakdown (SVG or PNG, from the
    /// extension).
    #[arg(long, value_name = "FILE.svg|png")]
    pub plot: Option<PathBuf>,
    /// Also run the frames through the Verilated core (cosim harness) and compare every
    /// record with the model. Needs Verilator (tools/install-deps) and the workspace.
    #[arg(long)]
    pub rtl: bool,
    /// AXI4-Stream data width of the core for --rtl.
    #[arg(long, value_name = "W", default_value_t = 64, requires = "rtl", value_parser = parse_rtl_width)]
    pub data_width: usize,
}

fn parse_steer_key(text: &str) -> Result<crate::KeyArg, String> {
    let key = crate::parse_key(text, KEY_BYTES)?;
    if key.len() != KEY_BYTES {
        return Err(format!(
            "{} bytes; the key is {KEY_BYTES} bytes (80 hex digits)",
            key.len()
        ));
    }
    Ok(crate::KeyArg(key))
}

fn parse_rtl_width(text: &str) -> Result<usize, String> {
    match text {
        "64" => Ok(64),
        "512" => Ok(512),
        _ => Err(format!("`{text}`: the cosim has the 64- and 512-bit cores")),
    }
}

fn parse_table_entries(text: &str) -> Result<u32, String> {
    let n: u32 = text
        .parse()
        .map_err(|_| format!("`{text}` is not a number"))?;
    if !n.is_power_of_two() || n > 1024 {
        return Err(format!("{n} is not a power of two in 1..=1024"));
    }
    Ok(n)
}

/// One hash type's share (`NONE`: no hash).
#[derive(Debug, Clone, Serialize)]
pub struct TypeCount {
    pub name: &'static str,
    pub frames: u64,
    pub share: f64,
}

/// One queue's share.
#[derive(Debug, Clone, Serialize)]
pub struct QueueCount {
    pub queue: u16,
    pub frames: u64,
    pub share: f64,
}

/// The configuration a run used.
#[derive(Debug, Clone, Serialize)]
pub struct ConfigReport {
    pub key: String,
    pub hash_types: Vec<&'static str>,
    pub table_entries: u32,
    pub queues: u16,
    pub default_queue: u16,
    /// How the table is filled.
    pub table_fill: &'static str,
}

/// The RTL comparison of a run.
#[derive(Debug, Clone, Serialize)]
pub struct RtlReport {
    pub data_width: usize,
    /// Frames sent to the core (0-byte records cannot be: AXI4-Stream frames have a byte).
    pub frames_compared: u64,
    pub frames_skipped_empty: u64,
    pub agree: u64,
    pub mismatches: Vec<Mismatch>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Mismatch {
    pub index: usize,
    pub model: String,
    pub rtl: String,
}

/// Everything `steer` reports; `--json` writes this.
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    pub capture: String,
    pub format: &'static str,
    /// Size of the capture file.
    pub file_bytes: u64,
    /// Records in the capture (all of them, empty ones included).
    pub frames: u64,
    pub config: ConfigReport,
    pub queues: Vec<QueueCount>,
    pub hash_types: Vec<TypeCount>,
    /// Frames flagged malformed (`m_axis_rss_flags` bit 0).
    pub malformed: u64,
    /// Frames of another ethertype (no hash, not malformed).
    pub not_ip: u64,
    /// IP fragments (flag bit 1).
    pub fragments: u64,
    /// Largest queue's frames / mean frames per queue (1.0 = perfectly even).
    pub skew: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rtl: Option<RtlReport>,
}

/// The model's record for one frame.
#[derive(Debug, Clone, Copy)]
pub struct FrameRecord {
    pub length: usize,
    pub record: Record,
    pub flags: u8,
    pub not_ip: bool,
}

impl FrameRecord {
    pub fn out(&self) -> RecordOut {
        RecordOut {
            flags: self.flags,
            length: rss_model::record::length_field(self.length),
            ..RecordOut::from(self.record)
        }
    }
}

/// A progress bar that stays hidden for the first moment (small captures finish
/// before it would show) and on a non-terminal stderr.
struct Progress {
    bar: ProgressBar,
    start: Instant,
    shown: bool,
}

impl Progress {
    fn new(len: u64, what: &str) -> Progress {
        let bar = ProgressBar::with_draw_target(Some(len), ProgressDrawTarget::hidden());
        bar.set_style(
            ProgressStyle::with_template("{msg:>12} [{bar:40}] {pos}/{len} ({eta})")
                .expect("valid template")
                .progress_chars("=> "),
        );
        bar.set_message(what.to_owned());
        Progress {
            bar,
            start: Instant::now(),
            shown: false,
        }
    }

    fn set(&mut self, pos: u64) {
        if !self.shown && self.start.elapsed() > Duration::from_millis(300) {
            self.bar.set_draw_target(ProgressDrawTarget::stderr());
            self.shown = true;
        }
        self.bar.set_position(pos);
    }

    fn finish(self) {
        self.bar.finish_and_clear();
    }
}

pub fn run(args: &SteerArgs) -> Result<ExitCode, String> {
    if args.default_queue >= args.queues {
        return Err(format!(
            "--default-queue {} is not below --queues {}",
            args.default_queue, args.queues
        ));
    }
    if args.rtl && (args.table_entries > RTL_TABLE_ENTRIES || args.queues > RTL_QUEUES) {
        return Err(format!(
            "--rtl: the reference core has {RTL_TABLE_ENTRIES} table entries and {RTL_QUEUES} queues; \
             --table-entries {} --queues {} do not fit",
            args.table_entries, args.queues
        ));
    }
    if let Some(plot) = &args.plot {
        crate::plot::format_of(plot)?;
    }
    let key = args
        .key
        .clone()
        .map_or_else(|| MS_DEFAULT_KEY.to_vec(), |k| k.0);
    let types = match &args.types {
        Some(list) => list.iter().fold(HashTypes::NONE, |s, &t| s.with(t)),
        None => HashTypes::ALL,
    };
    let table: Vec<u16> = (0..args.table_entries)
        .map(|i| (i % u32::from(args.queues)) as u16)
        .collect();
    let hasher = ToeplitzTable::new(&key).map_err(|e| e.to_string())?;
    let config = SteerConfig {
        vport: 0,
        enabled: true,
        symmetric: false,
        hash_types: types,
        table_size_log2: args.table_entries.trailing_zeros() as u8,
        default_queue: args.default_queue,
        primary_queue: 0,
        hasher: &hasher,
        table: &table,
    };

    let file_len = std::fs::metadata(&args.capture)
        .map(|m| m.len())
        .unwrap_or(0);
    let mut progress = Progress::new(file_len, "reading");
    let capture = capture::read(&args.capture, |n| progress.set(n))?;
    progress.finish();
    let records = steer_all(&config, &capture);
    let mut summary = summarize(args, &capture, &records, &key, types);

    let mut exit = ExitCode::SUCCESS;
    if args.rtl {
        // A harness failure (Verilator build, hang) is not bad input: exit 1, not 2.
        let rtl = match run_rtl(args, &capture, &records, &key, types, &table) {
            Ok(rtl) => rtl,
            Err(e) => {
                eprintln!("rss-core: --rtl failed: {e}");
                return Ok(ExitCode::FAILURE);
            }
        };
        if !rtl.mismatches.is_empty() {
            exit = ExitCode::FAILURE;
        }
        summary.rtl = Some(rtl);
    }

    print!("{}", render_text(&summary));
    if let Some(path) = &args.records {
        write_records(path, &records)?;
        println!("wrote {}", path.display());
    }
    if let Some(path) = &args.json {
        let mut text = serde_json::to_string_pretty(&summary).map_err(|e| e.to_string())?;
        text.push('\n');
        std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))?;
        println!("wrote {}", path.display());
    }
    if let Some(path) = &args.plot {
        crate::plot::write(path, &summary)?;
        println!("wrote {}", path.display());
    }
    Ok(exit)
}

/// The model's record for every frame, in capture order.
pub fn steer_all(config: &SteerConfig<'_>, capture: &Capture) -> Vec<FrameRecord> {
    let mut progress = Progress::new(capture.frames.len() as u64, "steering");
    let records = capture
        .frames
        .iter()
        .enumerate()
        .map(|(i, frame)| {
            if i.is_multiple_of(1024) {
                progress.set(i as u64);
            }
            let (record, flags) = steer_frame(config, frame);
            FrameRecord {
                length: frame.len(),
                record,
                flags,
                not_ip: matches!(parse_headers(frame), Err(Malformed::UnsupportedEthertype)),
            }
        })
        .collect();
    progress.finish();
    records
}

fn share(n: u64, total: u64) -> f64 {
    if total == 0 {
        0.0
    } else {
        n as f64 / total as f64
    }
}

fn summarize(
    args: &SteerArgs,
    capture: &Capture,
    records: &[FrameRecord],
    key: &[u8],
    types: HashTypes,
) -> Summary {
    let total = records.len() as u64;
    let mut queue_frames = vec![0u64; usize::from(args.queues)];
    let mut type_frames = [0u64; 10];
    for r in records {
        queue_frames[usize::from(r.record.queue)] += 1;
        type_frames[r.record.hash_type.map_or(9, |t| usize::from(t.bit()))] += 1;
    }
    let mean = total as f64 / f64::from(args.queues);
    let largest = queue_frames.iter().copied().max().unwrap_or(0);
    Summary {
        capture: args.capture.display().to_string(),
        format: capture.format,
        file_bytes: capture.file_bytes,
        frames: total,
        config: ConfigReport {
            key: key.iter().map(|b| format!("{b:02x}")).collect(),
            hash_types: HashType::ALL
                .iter()
                .filter(|&&t| types.contains(t))
                .map(|t| t.name())
                .collect(),
            table_entries: args.table_entries,
            queues: args.queues,
            default_queue: args.default_queue,
            table_fill: "entry i -> queue i mod queues (ethtool -X equal)",
        },
        queues: queue_frames
            .iter()
            .enumerate()
            .map(|(q, &n)| QueueCount {
                queue: q as u16,
                frames: n,
                share: share(n, total),
            })
            .collect(),
        hash_types: (0..10)
            .map(|slot| TypeCount {
                name: HashType::from_bit(slot as u8).map_or("NONE", HashType::name),
                frames: type_frames[slot],
                share: share(type_frames[slot], total),
            })
            .collect(),
        malformed: records
            .iter()
            .filter(|r| r.flags & FLAG_MALFORMED != 0)
            .count() as u64,
        not_ip: records.iter().filter(|r| r.not_ip).count() as u64,
        fragments: records
            .iter()
            .filter(|r| r.flags & FLAG_FRAGMENT != 0)
            .count() as u64,
        skew: if total == 0 {
            0.0
        } else {
            largest as f64 / mean
        },
        rtl: None,
    }
}

const BAR_WIDTH: f64 = 40.0;

fn bar(share: f64, max_share: f64) -> String {
    let n = if max_share > 0.0 {
        (share / max_share * BAR_WIDTH).round() as usize
    } else {
        0
    };
    "#".repeat(n)
}

/// The human-readable report.
pub fn render_text(s: &Summary) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    let c = &s.config;
    let types = if c.hash_types.len() == HashType::ALL.len() {
        "all nine".to_owned()
    } else if c.hash_types.is_empty() {
        "none".to_owned()
    } else {
        c.hash_types.join(",")
    };
    let _ = writeln!(
        out,
        "capture   {} ({}, {} bytes, {} frames)",
        s.capture, s.format, s.file_bytes, s.frames
    );
    let _ = writeln!(out, "key       {}", c.key);
    let _ = writeln!(
        out,
        "config    hash types {types}; {} table entries -> {} queues (entry i -> queue i mod {}); default queue {}",
        c.table_entries, c.queues, c.queues, c.default_queue
    );
    let _ = writeln!(out, "\nqueue    frames   share");
    let max_q = s.queues.iter().map(|q| q.share).fold(0.0, f64::max);
    for q in &s.queues {
        let _ = writeln!(
            out,
            "{:>5} {:>9} {:>6.1}%  {}",
            q.queue,
            q.frames,
            100.0 * q.share,
            bar(q.share, max_q)
        );
    }
    let _ = writeln!(out, "\nhash type     frames   share");
    let max_t = s.hash_types.iter().map(|t| t.share).fold(0.0, f64::max);
    for t in &s.hash_types {
        let _ = writeln!(
            out,
            "{:<11} {:>8} {:>6.1}%  {}",
            t.name,
            t.frames,
            100.0 * t.share,
            bar(t.share, max_t)
        );
    }
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "malformed   {:>8}  (flag bit 0: no hash, default queue)",
        s.malformed
    );
    let _ = writeln!(
        out,
        "not IP      {:>8}  (other ethertypes: no hash, default queue)",
        s.not_ip
    );
    let _ = writeln!(
        out,
        "fragments   {:>8}  (flag bit 1: hashed on addresses only)",
        s.fragments
    );
    let largest = s.queues.iter().map(|q| q.frames).max().unwrap_or(0);
    let _ = writeln!(
        out,
        "skew        {:>8.2}  (largest queue {largest} frames / mean {:.2})",
        s.skew,
        s.frames as f64 / f64::from(c.queues)
    );
    if let Some(rtl) = &s.rtl {
        let _ = writeln!(
            out,
            "\nRTL ({}-bit rss_core, Verilator): {} frames compared, {} agree, {} mismatches{}",
            rtl.data_width,
            rtl.frames_compared,
            rtl.agree,
            rtl.mismatches.len(),
            if rtl.frames_skipped_empty > 0 {
                format!(
                    "; {} empty records not sent (an AXI4-Stream frame has at least one byte)",
                    rtl.frames_skipped_empty
                )
            } else {
                String::new()
            }
        );
        for m in &rtl.mismatches {
            let _ = writeln!(out, "  frame {}: model {}, RTL {}", m.index, m.model, m.rtl);
        }
    }
    out
}

fn type_name(bits: u16) -> String {
    match Record::hash_type_from_bits(bits) {
        Ok(t) => t.map_or("NONE", HashType::name).to_owned(),
        Err(b) => format!("0x{b:03x}"),
    }
}

fn describe(r: &RecordOut) -> String {
    format!(
        "{} 0x{:08x} queue {} flags {} length {}",
        type_name(r.hash_type),
        r.hash,
        r.queue,
        r.flags,
        r.length
    )
}

fn run_rtl(
    args: &SteerArgs,
    capture: &Capture,
    records: &[FrameRecord],
    key: &[u8],
    types: HashTypes,
    table: &[u16],
) -> Result<RtlReport, String> {
    let sent: Vec<usize> = (0..capture.frames.len())
        .filter(|&i| !capture.frames[i].is_empty())
        .collect();
    let frames: Vec<&[u8]> = sent.iter().map(|&i| &capture.frames[i][..]).collect();
    let config = ReplayConfig {
        key: key.try_into().map_err(|_| "key must be 40 bytes")?,
        hash_types: types.0,
        table_size_log2: args.table_entries.trailing_zeros() as u8,
        // All of the reference build's entries, filled as `ethtool -X equal N`; the
        // low log2 bits of the hash pick among the first `table_entries`.
        table: (0..RTL_TABLE_ENTRIES as usize)
            .map(|i| table[i % table.len()])
            .collect(),
        default_queue: args.default_queue,
    };
    eprintln!(
        "rss-core: replaying {} frames through the {}-bit core (the first run builds it with Verilator)",
        frames.len(),
        args.data_width
    );
    let mut progress = Progress::new(frames.len() as u64, "RTL");
    let got = replay::replay(args.data_width, &frames, &config, |n| {
        progress.set(n as u64)
    })?;
    progress.finish();
    if got.len() != frames.len() {
        return Err(format!(
            "RTL gave {} records for {} frames",
            got.len(),
            frames.len()
        ));
    }
    let mut mismatches = Vec::new();
    for (&index, rtl) in sent.iter().zip(&got) {
        let model = records[index].out();
        if model != *rtl {
            mismatches.push(Mismatch {
                index,
                model: describe(&model),
                rtl: describe(rtl),
            });
        }
    }
    Ok(RtlReport {
        data_width: args.data_width,
        frames_compared: frames.len() as u64,
        frames_skipped_empty: (capture.frames.len() - frames.len()) as u64,
        agree: (frames.len() - mismatches.len()) as u64,
        mismatches,
    })
}

/// The per-frame CSV: a header row, then one row per record in capture order.
pub fn write_records(path: &Path, records: &[FrameRecord]) -> Result<(), String> {
    let write = || -> std::io::Result<()> {
        let mut f = std::io::BufWriter::new(std::fs::File::create(path)?);
        writeln!(f, "index,length,hash_type,hash,queue,flags")?;
        for (i, r) in records.iter().enumerate() {
            writeln!(
                f,
                "{i},{},{},0x{:08x},{},{}",
                r.length,
                r.record.hash_type.map_or("NONE", HashType::name),
                r.record.hash,
                r.record.queue,
                r.flags
            )?;
        }
        f.flush()
    };
    write().map_err(|e| format!("{}: {e}", path.display()))
}
