//! Test helper: lint emitted Verilog with Verilator (`--lint-only -Wall`).
//!
//! Waivers: WIDTH (rust-hdl emits 32-bit integer loop indices and literals into narrower
//! slices), DECLFILENAME (one file holds every module), UNUSEDSIGNAL/UNUSEDPARAM
//! (rust-hdl declares every DFF port even when a bit is never read), UNOPTFLAT (rust-hdl
//! emits a block's whole `update` as one `always @(*)`, so a parent that drives a child's
//! input and reads its output in that block looks circular to Verilator's coarse
//! analysis; yosys `check -assert` in the emitter tests proves there is no real loop).

use std::process::Command;

pub const WAIVERS: &[&str] = &[
    "-Wno-WIDTH",
    "-Wno-DECLFILENAME",
    "-Wno-UNUSEDSIGNAL",
    "-Wno-UNUSEDPARAM",
    "-Wno-UNOPTFLAT",
];

pub fn assert_lints_clean(verilog: &str, name: &str) {
    let dir = std::env::temp_dir().join("rss-hdl-lint");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("{name}.v"));
    std::fs::write(&path, verilog).unwrap();
    let out = Command::new("verilator")
        .args(["--lint-only", "-Wall"])
        .args(WAIVERS)
        .args(["--top-module", top_module(verilog)])
        .arg(&path)
        .output()
        .expect("verilator is installed (tools/install-deps)");
    assert!(
        out.status.success(),
        "verilator lint of {}:\n{}",
        path.display(),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The module nothing instantiates: the emitter's name for it, or `top` straight from
/// rust-hdl.
fn top_module(verilog: &str) -> &'static str {
    [
        crate::emit::Interface::Frames { data_bits: 64 },
        crate::emit::Interface::Tuples,
    ]
    .into_iter()
    .map(|i| i.module_name())
    .find(|name| verilog.contains(&format!("module {name} (")))
    .unwrap_or("top")
}
