//! Emits the designs the cosim binds to (default parameters) into `generated/`:
//! `rss_tuple_core.v` (tuple port), `rss_core_w{64,128,256,512}.v` (frame port at every
//! width; the 256-bit one with the transmit-side lookup, `gen --tx-lookup`) and
//! `rss_core_w64_tap.v` (tap mode), exactly as `rss-core gen` writes them.
//!
//! The frame cores are simulated from a **yosys-processed copy**, `<name>.sim.v`
//! (`SIM_COPY_PASSES`): the same logic as word-level netlist that Verilator evaluates
//! in a fraction of the time rust-hdl's one-`always @(*)`-per-block code takes. What
//! each pass buys, measured with `scripts/bench` on the 64-bit core (M clocks/s):
//! - `proc; opt_clean; flatten` (the copy before 2026-12-02): separate assignments
//!   instead of whole-block processes, 0.23, about twice the emitted RTL's rate.
//! - `opt -full` per module, before flattening: constant masks and shifts folded,
//!   write-enable multiplexers turned into flip-flop enables, so a register block's
//!   wide merge logic is no longer recomputed every clock. Alone it gave 0.24: yosys
//!   shares bits between vectors, and each such vector is a false combinational loop to
//!   Verilator (17 `UNOPTFLAT`), which it settles by iterating.
//! - `splitnets -driver` after flattening gives every vector one driver: no loops, 0.55.
//! - `opt; wreduce` on the flattened netlist (constants across block boundaries): 0.6.
//!
//! `opt -full` on the flattened netlist as well gave 0.5-0.7, no gain beyond this
//! machine's noise, and takes Debian's yosys 0.23 three minutes per design; plain
//! `opt` per module instead of `opt -full` gave only 0.3.
//! The copy keeps the emitted top's name and ports; `tests/sim_copy.rs` runs it in
//! lockstep with the emitted RTL, every output compared at every evaluation. The five
//! copies are made in parallel: about 5 minutes on two cores (68 s for the 64-bit core
//! alone, 103 s for the 512-bit one), 1.5 minutes with the old passes.
//!
//! Each design also gets a **bind wrapper**, `<name>.bind.v`: a module `<top>_bind`
//! with the top's ANSI port list that only instantiates the top. marlin's `#[verilog]`
//! parses its `src` file with sv-parser while the crate compiles, and the proc macro
//! runs unoptimised: on the full designs (0.6 MB each, six of them) that was 187 s of
//! the crate's 189 s compile. The wrapper is a few hundred bytes; Verilator gets the
//! wrapper and the design (`dut::build_design`), so the simulated logic is unchanged.
//! (One underscore in `_bind`: Verilator escapes `__` in a top's name as `___05F`, and
//! `tools/verilator-marlin` names the makefile after the top as marlin passes it.)
//!
//! A file is rewritten only when its content changes, so marlin does not re-verilate
//! on every build; the copy is remade only when its source changed.

use std::path::Path;
use std::process::Command;

use rss_hdl::emit::{CoreOptions, Interface, verilog_with};
use rss_model::Params;

fn main() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("generated");
    std::fs::create_dir_all(&dir).expect("create cosim/generated");
    let frames = |data_bits| Interface::Frames { data_bits };
    let tap = CoreOptions {
        tap: true,
        ..CoreOptions::default()
    };
    // The 256-bit core is the options build: the transmit lookup port and the
    // 52-byte key (`frame_dut::RssCoreW256::params`).
    let options_build = Params {
        tx_lookup: true,
        key_bytes: rss_model::regmap::LONG_KEY_BYTES,
        ..Params::default()
    };
    let default = Params::default();
    let designs: [(&str, Interface, CoreOptions, Params); 6] = [
        (
            "rss_tuple_core.v",
            Interface::Tuples,
            CoreOptions::default(),
            default,
        ),
        (
            "rss_core_w64.v",
            frames(64),
            CoreOptions::default(),
            default,
        ),
        (
            "rss_core_w128.v",
            frames(128),
            CoreOptions::default(),
            default,
        ),
        (
            "rss_core_w256.v",
            frames(256),
            CoreOptions::default(),
            options_build,
        ),
        (
            "rss_core_w512.v",
            frames(512),
            CoreOptions::default(),
            default,
        ),
        ("rss_core_w64_tap.v", frames(64), tap, default),
    ];
    let mut copies = Vec::new();
    for (file, interface, options, params) in designs {
        let text = verilog_with(params, interface, &options).expect("default parameters are valid");
        let path = dir.join(file);
        let changed = write_if_changed(&path, &text);
        let top = interface.module_name();
        let ports = ansi_ports(&text, top);
        write_if_changed(&path.with_extension("bind.v"), &bind_wrapper(top, &ports));
        if matches!(interface, Interface::Frames { .. }) {
            let sim = path.with_extension("sim.v");
            if changed || !copy_is_current(&sim) {
                copies.push((path.clone(), top, sim.clone()));
            }
            println!("cargo:rerun-if-changed={}", sim.display());
        }
        println!("cargo:rerun-if-changed=generated/{file}");
    }
    std::thread::scope(|scope| {
        for (source, top, sim) in &copies {
            scope.spawn(move || write_sim_copy(source, top, sim));
        }
    });
    println!("cargo:rerun-if-changed=build.rs");
}

/// Writes `text` to `path` unless the file already holds it; true if it wrote.
fn write_if_changed(path: &Path, text: &str) -> bool {
    let changed = std::fs::read_to_string(path).ok().as_deref() != Some(text);
    if changed {
        std::fs::write(path, text).expect("write generated Verilog");
    }
    changed
}

/// The yosys passes that make a simulation copy (why each: the crate comment). They are
/// written into each copy's first line, so changing them remakes every copy.
const SIM_COPY_PASSES: &str = "proc; opt -full; wreduce; opt_clean; flatten; opt; wreduce; \
     opt_clean; splitnets -driver; opt_clean";

/// Writes the yosys-processed copy of `top` in `source` to `sim` (same top, same ports).
fn write_sim_copy(source: &Path, top: &str, sim: &Path) {
    // Through a temporary file, so a failed run leaves no half copy that looks current.
    let partial = sim.with_extension("partial");
    let script = format!(
        "read_verilog -sv {src}; hierarchy -top {top}; {SIM_COPY_PASSES}; \
         write_verilog -noattr {out}",
        src = source.display(),
        out = partial.display(),
    );
    let status = Command::new("yosys")
        .args(["-q", "-p", &script])
        .status()
        .unwrap_or_else(|e| {
            panic!("cannot run yosys ({e}): run tools/install-deps (the cosim simulates a yosys-processed copy)")
        });
    assert!(status.success(), "yosys failed on {}", source.display());
    let netlist = std::fs::read_to_string(&partial).expect("read the simulation copy");
    std::fs::write(&partial, format!("{}\n{netlist}", copy_marker()))
        .expect("mark the simulation copy");
    std::fs::rename(&partial, sim).expect("move the simulation copy into place");
}

/// First line of a simulation copy: the passes that made it.
fn copy_marker() -> String {
    format!("// simulation copy: {SIM_COPY_PASSES}")
}

/// The copy exists and was made by today's `SIM_COPY_PASSES`.
fn copy_is_current(sim: &Path) -> bool {
    use std::io::BufRead;
    std::fs::File::open(sim)
        .ok()
        .and_then(|f| std::io::BufReader::new(f).lines().next())
        .and_then(Result::ok)
        .is_some_and(|line| line == copy_marker())
}

/// `module <top>_bind`: the ports of `top`, passed straight through to an instance.
fn bind_wrapper(top: &str, ports: &[(String, String)]) -> String {
    let header: Vec<String> = ports
        .iter()
        .map(|(decl, _)| format!("    {}", decl.replace("output reg", "output wire")))
        .collect();
    let connections: Vec<String> = ports
        .iter()
        .map(|(_, name)| format!("    .{name}({name})"))
        .collect();
    format!(
        "// The ports of `{top}` for marlin's #[verilog] to parse (cosim/build.rs).\n\
         module {top}_bind (\n{}\n);\n{top} core (\n{}\n);\nendmodule\n",
        header.join(",\n"),
        connections.join(",\n"),
    )
}

/// The ANSI port declarations of `top` in emitted Verilog: `(declaration, name)`.
fn ansi_ports(text: &str, top: &str) -> Vec<(String, String)> {
    let start = text
        .find(&format!("module {top} ("))
        .expect("top module in emitted Verilog");
    let list = &text[start..];
    let list = &list[list.find('(').expect("port list") + 1..list.find(");").expect("end")];
    list.split(',')
        .map(str::trim)
        .filter(|decl| !decl.is_empty())
        .map(|decl| {
            let name = decl.split_whitespace().last().expect("port name");
            (decl.to_owned(), name.to_owned())
        })
        .collect()
}
