//! The scan wrapper around the emitted tuple core: every port bit in a chain, and the
//! result is legal Verilog (Verilator `-Wall` lint, yosys `hierarchy -check`).

use std::path::PathBuf;
use std::process::Command;

use rss_hdl::emit::{Interface, verilog};
use rss_model::Params;
use rss_synth::wrapper::{Direction, parse_ports, scan_wrapper};

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("rss-synth-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn run(cmd: &mut Command) {
    let out = cmd.output().expect("tool installed (tools/install-deps)");
    assert!(
        out.status.success(),
        "{cmd:?}:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn wraps_the_emitted_tuple_core() {
    let core = verilog(Params::default(), Interface::Tuples).unwrap();
    let ports = parse_ports(&core, "rss_tuple_core").unwrap();
    let tuple = ports.iter().find(|p| p.name == "s_tuple_data").unwrap();
    assert_eq!((tuple.direction, tuple.width), (Direction::Input, 288));
    let hash = ports.iter().find(|p| p.name == "m_rss_hash").unwrap();
    assert_eq!((hash.direction, hash.width), (Direction::Output, 32));
    let bits = |d: Direction| -> usize {
        ports
            .iter()
            .filter(|p| p.direction == d && p.name != "clk")
            .map(|p| p.width)
            .sum()
    };
    let w = scan_wrapper(&core, "rss_tuple_core", "clk", &[]).unwrap();
    assert_eq!(w.module, "rss_tuple_core_scan_wrapper");
    assert_eq!(w.input_bits, bits(Direction::Input));
    assert_eq!(w.output_bits, bits(Direction::Output));
    assert!(w.input_bits > 300 && w.output_bits > 90, "{w:?}");
    // One connection per port.
    assert_eq!(w.verilog.matches("        .").count(), ports.len());

    let dir = scratch("wrapper-lint");
    let wrapper_file = dir.join(format!("{}.v", w.module));
    std::fs::write(&wrapper_file, &w.verilog).unwrap();
    std::fs::write(dir.join("rss_tuple_core.v"), &core).unwrap();
    // yosys elaborates the wrapper with the real core: every port connected and sized.
    let script = format!(
        "read_verilog -sv rss_tuple_core.v {}.v; hierarchy -check -top {}; check -assert",
        w.module, w.module
    );
    run(Command::new("yosys")
        .current_dir(&dir)
        .args(["-q", "-p", &script]));
    // Verilator -Wall on the wrapper, against a stub of the core with the same ports
    // (the emitted core has its own documented waivers; the wrapper needs none).
    let stub: Vec<String> = ports
        .iter()
        .map(|p| {
            let range = if p.width > 1 {
                format!("[{}:0] ", p.width - 1)
            } else {
                String::new()
            };
            match p.direction {
                Direction::Input => format!("    input wire {range}{}", p.name),
                Direction::Output => format!("    output wire {range}{}", p.name),
            }
        })
        .collect();
    let assigns: String = ports
        .iter()
        .filter(|p| p.direction == Direction::Output)
        .map(|p| format!("    assign {} = 0;\n", p.name))
        .collect();
    let stub = format!(
        "/* verilator lint_off UNUSEDSIGNAL */\n/* verilator lint_off WIDTH */\n\
         module rss_tuple_core (\n{}\n);\n{assigns}endmodule\n",
        stub.join(",\n")
    );
    std::fs::write(dir.join("rss_tuple_core.v"), stub).unwrap();
    run(Command::new("verilator").current_dir(&dir).args([
        "--lint-only",
        "-Wall",
        "--top-module",
        &w.module,
        &format!("{}.v", w.module),
        "rss_tuple_core.v",
    ]));
    std::fs::remove_dir_all(&dir).unwrap();
}
