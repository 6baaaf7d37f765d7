//! The Verilog emitter: builds the design for a parameter set and writes it in the form
//! integrators and marlin expect: a named top module with an ANSI port list and literal
//! widths, sub-modules `<top>__<path>`.

use rss_model::regmap::{ParamError, Params, RegisterMap};
use rust_hdl::prelude::*;

use crate::hash_unit::partial_bits;
use crate::rss_core::RssCore;
use crate::tuple_core::TupleCore;

/// Which top level to emit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Interface {
    /// `rss_core`: Ethernet frames in on AXI4-Stream of `data_bits` (64, 128, 256, 512).
    Frames { data_bits: usize },
    /// `rss_tuple_core`: flow tuples in (the core without its header parser).
    Tuples,
}

/// Data widths the frame interface is built for.
pub const DATA_WIDTHS: [usize; 4] = [64, 128, 256, 512];

impl Interface {
    pub fn module_name(self) -> &'static str {
        match self {
            Interface::Frames { .. } => "rss_core",
            Interface::Tuples => "rss_tuple_core",
        }
    }
}

/// Why a design cannot be emitted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EmitError {
    Params(ParamError),
    DataWidth(usize),
    FifoDepth(u16),
    Name(String),
    /// The transmit-side lookup port asked of the tuple interface (it has no table
    /// readers but its own).
    TxLookupWithTuples,
    /// The emitting thread could not be started.
    Thread(String),
}

impl std::fmt::Display for EmitError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            EmitError::Params(e) => e.fmt(f),
            EmitError::DataWidth(w) => {
                write!(f, "data width {w} bits: supported are {DATA_WIDTHS:?}")
            }
            EmitError::FifoDepth(d) => write!(
                f,
                "record FIFO depth {d}: must be 1..={MAX_RECORD_FIFO_DEPTH}"
            ),
            EmitError::Name(n) => write!(f, "`{n}` is not a Verilog identifier"),
            EmitError::TxLookupWithTuples => {
                write!(
                    f,
                    "the transmit-side lookup port is for the frame interface only"
                )
            }
            EmitError::Thread(e) => write!(f, "cannot start the emitting thread: {e}"),
        }
    }
}

impl std::error::Error for EmitError {}

/// Generator options beyond the register-map parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CoreOptions {
    /// Top module name; every sub-module is named `<name>__<path>`, so cores generated
    /// under different names can live in one design. `None`: the interface's default.
    pub name: Option<String>,
    /// Tap mode: `s_axis_tready` is never deasserted; records that find no room are
    /// dropped and counted.
    pub tap: bool,
    /// Records the output FIFO holds (1..=256; block RAM of 256 entries either way).
    /// Frames start only while records held + frames in flight fit it, so below the
    /// frames in flight at full rate (about 34 one-beat frames at 512 bits, the
    /// pipeline and the FIFO's own read path: with 32, back-to-back minimum frames ran
    /// at 0.956 of line rate) it throttles a full-rate stream; the default does not.
    pub record_fifo_depth: u16,
}

/// Largest record FIFO depth.
pub const MAX_RECORD_FIFO_DEPTH: u16 = 256;

/// The record FIFO's default depth: the frames in flight at 512 bits with room to
/// spare for deeper pipelines (block RAM holds 256 either way).
pub const DEFAULT_RECORD_FIFO_DEPTH: u16 = 64;

impl Default for CoreOptions {
    fn default() -> Self {
        CoreOptions {
            name: None,
            tap: false,
            record_fifo_depth: DEFAULT_RECORD_FIFO_DEPTH,
        }
    }
}

/// Name prefixes of the ports a build leaves idle: the transmit-side lookup's
/// (`s_axis_tx_`, `m_axis_txq_`) on a frame core built without it. Their logic is
/// constant (the request is never taken, no answer is offered); a harness may tie
/// them off (the iCE40 scan wrapper does).
pub fn idle_port_prefixes(params: &Params, interface: Interface) -> Vec<String> {
    match interface {
        Interface::Frames { .. } if !params.tx_lookup => {
            vec!["s_axis_tx_".into(), "m_axis_txq_".into()]
        }
        _ => Vec::new(),
    }
}

/// Verilog for the core built with `params` and default options.
pub fn verilog(params: Params, interface: Interface) -> Result<String, EmitError> {
    verilog_with(params, interface, &CoreOptions::default())
}

/// Stack for the emitting thread: a core's blocks are built by value, and an
/// unoptimised build (a build script's) keeps every width's and table size's
/// variant in one frame.
const EMIT_STACK_BYTES: usize = 256 << 20;

/// Verilog for the core built with `params` and `options`.
pub fn verilog_with(
    params: Params,
    interface: Interface,
    options: &CoreOptions,
) -> Result<String, EmitError> {
    let options = options.clone();
    std::thread::Builder::new()
        .name("rss-hdl emit".into())
        .stack_size(EMIT_STACK_BYTES)
        .spawn(move || verilog_on_this_thread(params, interface, &options))
        .map_err(|e| EmitError::Thread(e.to_string()))?
        .join()
        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
}

fn verilog_on_this_thread(
    params: Params,
    interface: Interface,
    options: &CoreOptions,
) -> Result<String, EmitError> {
    let map = RegisterMap::new(params).map_err(EmitError::Params)?;
    if params.tx_lookup && interface == Interface::Tuples {
        return Err(EmitError::TxLookupWithTuples);
    }
    if options.record_fifo_depth == 0 || options.record_fifo_depth > MAX_RECORD_FIFO_DEPTH {
        return Err(EmitError::FifoDepth(options.record_fifo_depth));
    }
    if let Some(name) = &options.name {
        let legal = name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if !legal {
            return Err(EmitError::Name(name.clone()));
        }
    }
    let depth = options.record_fifo_depth;
    fn emit<B: Block>(mut core: B) -> String {
        core.connect_all();
        generate_verilog(&core)
    }
    let raw = match interface {
        Interface::Tuples => emit(TupleCore::new(&map)),
        // Hash unit steps = clocks a 64-byte frame takes (8, 4, 2, 1).
        Interface::Frames { data_bits: 64 } => emit(RssCore::<
            64,
            8,
            112,
            { crate::beat::bundle_bits(64) },
            8,
            36,
            67,
            { partial_bits(36) },
            324,
            8,
            9,
        >::new(&map, options.tap, depth)),
        Interface::Frames { data_bits: 128 } => emit(RssCore::<
            128,
            16,
            176,
            { crate::beat::bundle_bits(128) },
            4,
            72,
            103,
            { partial_bits(72) },
            360,
            8,
            9,
        >::new(&map, options.tap, depth)),
        Interface::Frames { data_bits: 256 } => emit(RssCore::<
            256,
            32,
            304,
            { crate::beat::bundle_bits(256) },
            2,
            144,
            175,
            { partial_bits(144) },
            432,
            8,
            9,
        >::new(&map, options.tap, depth)),
        Interface::Frames { data_bits: 512 } => emit(RssCore::<
            512,
            64,
            560,
            { crate::beat::bundle_bits(512) },
            1,
            288,
            319,
            { partial_bits(288) },
            576,
            8,
            9,
        >::new(&map, options.tap, depth)),
        Interface::Frames { data_bits } => return Err(EmitError::DataWidth(data_bits)),
    };
    let top = options
        .name
        .clone()
        .unwrap_or_else(|| interface.module_name().to_string());
    Ok(tidy(&raw, &params, interface, &top))
}

/// Renames `top` and its sub-modules and turns the top's port list into ANSI style.
fn tidy(raw: &str, params: &Params, interface: Interface, top: &str) -> String {
    let width = match interface {
        Interface::Frames { data_bits } => format!(", {data_bits}-bit AXI4-Stream frames"),
        Interface::Tuples => ", tuple port".to_string(),
    };
    let mut out = format!(
        "// {top}: receive-side-scaling core. Generated by `rss-core gen`; do not edit.\n\
         // Parameters: {} indirection entries, {} queues{width}. Registers: see regmap.md.\n",
        params.table_entries(),
        params.num_queues
    );
    let mut lines = raw.lines().peekable();
    while let Some(line) = lines.next() {
        if line.starts_with("module top(") {
            out.push_str(&format!("module {top} (\n"));
            // rust-hdl declares the ports right after the header, one per line.
            while lines
                .next_if(|l| l.trim().is_empty() || l.trim() == "// Module arguments")
                .is_some()
            {}
            let mut ports = Vec::new();
            while let Some(port) = lines.next_if(|l| {
                let t = l.trim_start();
                t.starts_with("input ") || t.starts_with("output ") || t.starts_with("inout ")
            }) {
                let port = port.trim().trim_end_matches(';');
                ports.push(format!(
                    "    {}",
                    port.split_whitespace().collect::<Vec<_>>().join(" ")
                ));
            }
            out.push_str(&ports.join(",\n"));
            out.push_str("\n);\n");
            continue;
        }
        out.push_str(&rename_modules(line, top));
        out.push('\n');
    }
    out
}

/// `top$a$b` → `<top>__a__b` (module names only; signals never start with `top$`).
fn rename_modules(line: &str, top: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(at) = rest.find("top$") {
        let boundary =
            at == 0 || !rest[..at].ends_with(|c: char| c.is_alphanumeric() || c == '_' || c == '$');
        out.push_str(&rest[..at]);
        let tail = &rest[at..];
        let end = tail
            .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '$'))
            .unwrap_or(tail.len());
        if boundary {
            out.push_str(top);
            out.push_str(&tail[3..end].replace('$', "__"));
        } else {
            out.push_str(&tail[..end]);
        }
        rest = &tail[end..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renames_only_module_paths() {
        assert_eq!(
            rename_modules("    top$regs$ctrl ctrl(", "rss_core"),
            "    rss_core__regs__ctrl ctrl("
        );
        assert_eq!(
            rename_modules("module top$pipe(a);", "rss_core"),
            "module rss_core__pipe(a);"
        );
        assert_eq!(
            rename_modules("    x = stop$q;", "rss_core"),
            "    x = stop$q;"
        );
    }

    #[test]
    fn emitted_tops_have_ansi_ports_and_lint_clean() {
        let v = verilog(Params::default(), Interface::Tuples).unwrap();
        assert!(v.contains("module rss_tuple_core (\n    input wire clk,\n"));
        assert!(v.contains("    output reg [8:0] hash_types_enabled\n);"));
        assert!(!v.contains("top$"));
        crate::lint::assert_lints_clean(&v, "rss_tuple_core_emitted");
        // Record ports as the model declares them.
        let record_port = |prefix: &str, f: &rss_model::record::RecordField| {
            format!("output reg [{}:0] {prefix}{}", f.bits - 1, f.name)
        };
        // The tuple core's record: hash, type, queue (its flags are the tuple's two).
        for f in &rss_model::record::RECORD_FIELDS[..3] {
            assert!(v.contains(&record_port("m_rss_", f)), "{}", f.name);
        }
        for data_bits in [64, 512] {
            let v = verilog(Params::default(), Interface::Frames { data_bits }).unwrap();
            assert!(v.contains(&format!(
                "    input wire [{}:0] s_axis_tdata,\n",
                data_bits - 1
            )));
            assert!(v.contains("    output reg [2:0] m_axis_rss_vport,\n"));
            for f in &rss_model::record::RECORD_FIELDS {
                assert!(v.contains(&record_port("m_axis_rss_", f)), "{}", f.name);
            }
            // The transmit-side lookup's ports, present in every frame core.
            let port = |dir: &str, prefix: &str, f: &rss_model::record::RecordField| match f.bits {
                1 => format!("{dir} {prefix}{}", f.name),
                n => format!("{dir} [{}:0] {prefix}{}", n - 1, f.name),
            };
            for f in &rss_model::record::TX_REQUEST_FIELDS {
                assert!(
                    v.contains(&port("input wire", "s_axis_tx_", f)),
                    "{}",
                    f.name
                );
            }
            for f in &rss_model::record::TX_ANSWER_FIELDS {
                assert!(
                    v.contains(&port("output reg", "m_axis_txq_", f)),
                    "{}",
                    f.name
                );
            }
            assert!(v.contains("    output reg [15:0] m_axis_txq_tuser\n);"));
            crate::lint::assert_lints_clean(&v, &format!("rss_core_w{data_bits}_emitted"));
        }
        assert_eq!(
            verilog(Params::default(), Interface::Frames { data_bits: 48 }),
            Err(EmitError::DataWidth(48))
        );
    }

    #[test]
    fn emitted_verilog_elaborates_in_yosys_without_logic_loops() {
        for data_bits in [64, 512] {
            elaborate_and_check(Interface::Frames { data_bits });
        }
    }

    /// yosys reads, elaborates (`proc`) and flattens the core and `check -assert`s it:
    /// a combinational loop across blocks fails here. Stops before `opt`: yosys 0.23's
    /// coarse optimisation takes 7 minutes per core, and the gate-level synthesis is
    /// covered by the area test (`synth/tests/area.rs`) and `rss-core synth`.
    fn elaborate_and_check(interface: Interface) {
        let dir = std::env::temp_dir().join(format!("rss-hdl-yosys-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("rss_core.v");
        std::fs::write(&path, verilog(Params::default(), interface).unwrap()).unwrap();
        let top = interface.module_name();
        let script = format!(
            "read_verilog -sv {}; hierarchy -check -top {top}; proc; flatten; check -assert",
            path.display()
        );
        let out = std::process::Command::new("yosys")
            .args(["-q", "-p", &script])
            .output()
            .expect("yosys is installed (tools/install-deps)");
        assert!(
            out.status.success(),
            "yosys:\n{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
