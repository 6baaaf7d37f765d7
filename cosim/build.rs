//! Emits the designs the cosim binds to (default parameters) into `generated/`:
//! `rss_tuple_core.v` (tuple port), `rss_core_w{64,128,256,512}.v` (frame port at every
//! width) and `rss_core_w64_tap.v` (tap mode), exactly as `rss-core gen` writes them.
//!
//! The frame cores are simulated from a **yosys-processed copy**, `<name>.sim.v`:
//! `proc; flatten; opt_clean` turns rust-hdl's one-`always @(*)`-per-block code into
//! separate assignments that Verilator schedules without re-evaluating whole blocks
//! (about twice the clock rate, measured by `scripts/bench`). The copy keeps the
//! emitted top's ANSI port list in a thin wrapper so marlin binds the same ports;
//! `tests/sim_copy.rs` runs it in lockstep with the emitted RTL, output for output.
//!
//! A file is rewritten only when its content changes, so marlin does not re-verilate
//! on every build; the copy is remade only when its source changed.

use std::path::Path;
use std::process::Command;

use rss_hdl::emit::{CoreOptions, Interface, verilog_with};

fn main() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("generated");
    std::fs::create_dir_all(&dir).expect("create cosim/generated");
    let frames = |data_bits| Interface::Frames { data_bits };
    let tap = CoreOptions {
        tap: true,
        ..CoreOptions::default()
    };
    let designs = [
        (
            "rss_tuple_core.v",
            Interface::Tuples,
            CoreOptions::default(),
        ),
        ("rss_core_w64.v", frames(64), CoreOptions::default()),
        ("rss_core_w128.v", frames(128), CoreOptions::default()),
        ("rss_core_w256.v", frames(256), CoreOptions::default()),
        ("rss_core_w512.v", frames(512), CoreOptions::default()),
        ("rss_core_w64_tap.v", frames(64), tap),
    ];
    for (file, interface, options) in designs {
        let text = verilog_with(rss_model::Params::default(), interface, &options)
            .expect("default parameters are valid");
        let path = dir.join(file);
        let changed = std::fs::read_to_string(&path).ok().as_deref() != Some(text.as_str());
        if changed {
            std::fs::write(&path, &text).expect("write generated Verilog");
        }
        if matches!(interface, Interface::Frames { .. }) {
            let sim = path.with_extension("sim.v");
            if changed || !sim.exists() {
                write_sim_copy(&path, &text, "rss_core", &sim);
            }
            println!("cargo:rerun-if-changed={}", sim.display());
        }
        println!("cargo:rerun-if-changed=generated/{file}");
    }
    println!("cargo:rerun-if-changed=build.rs");
}

/// Writes the yosys-processed copy of `top` in `source` (whose text is `text`).
fn write_sim_copy(source: &Path, text: &str, top: &str, sim: &Path) {
    let flat = sim.with_extension("flat.tmp");
    let inner = format!("{top}__sim");
    let script = format!(
        "read_verilog -sv {src}; hierarchy -top {top}; proc; flatten; opt_clean; \
         rename {top} {inner}; write_verilog -noattr {out}",
        src = source.display(),
        out = flat.display(),
    );
    let status = Command::new("yosys")
        .args(["-q", "-p", &script])
        .status()
        .unwrap_or_else(|e| {
            panic!("cannot run yosys ({e}): run tools/install-deps (the cosim simulates a yosys-processed copy)")
        });
    assert!(status.success(), "yosys failed on {}", source.display());
    let body = std::fs::read_to_string(&flat).expect("read yosys output");
    let _ = std::fs::remove_file(&flat);
    let ports = ansi_ports(text, top);
    let connections: Vec<String> = ports
        .iter()
        .map(|(_, name)| format!("    .{name}({name})"))
        .collect();
    let header: Vec<String> = ports
        .iter()
        .map(|(decl, _)| format!("    {}", decl.replace("output reg", "output wire")))
        .collect();
    let wrapper = format!(
        "// yosys-processed simulation copy of `{top}` (cosim/build.rs); same ports.\n\
         module {top} (\n{}\n);\n{inner} core (\n{}\n);\nendmodule\n\n{body}",
        header.join(",\n"),
        connections.join(",\n"),
    );
    std::fs::write(sim, wrapper).expect("write simulation copy");
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
