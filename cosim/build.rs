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
//! - Modules marked `rss_hdl::lane_register::SIM_AS_WRITTEN` (the byte-lane registers
//!   of the keys, probe input and MAC filters) stay out of the passes (`blackbox`) and
//!   are appended as emitted: written as a guarded `case`, Verilator skips a register's
//!   whole write logic in a clock without a write, where the processed netlist computed
//!   every byte's enable every clock (+5 %: 0.916 -> 0.966 with the port stepper below).
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
//! Each frame design also gets a **port stepper**, `<name>.step.cpp` and `<name>.step.rs`
//! (`port_stepper`): one C function that copies every input from a word array into the
//! model, evaluates it and copies every output back, and the Rust that fills and empties
//! those arrays from the `#[verilog]` struct. marlin's own `eval` sets each input and
//! reads each output through a call of its own, 92 calls a clock for the 46 ports of a
//! frame core: a fifth of a 64-bit cosim's time (0.757 -> 0.916 M clocks/s at 64 bits, 0.50
//! -> 0.55 at 512, `./scripts/bench`, medians of 5, 2026-12-02).
//! `tools/verilator-marlin` compiles the `.step.cpp` beside a `.bind.v` into the model.
//! The stepper also takes a rising edge in one evaluation (`rss_step_edge`, `EDGE_CPP`):
//! the copy's yosys run lists the inputs with a path to an output that no flip-flop
//! breaks (`<name>.comb-inputs`: `s_axis_tlast` and the AXI4-Lite `awvalid` / `wvalid`
//! at every width), and `Sim::eval` skips a clock's low half when none of them changed
//! since the last evaluation, since no output can differ then. With the frame harness
//! evaluating twice a clock instead of three times, 1.07 evaluations a clock instead of
//! 3 on the 64-bit benchmark: 10 736 -> 9 287 instructions a clock (callgrind).
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
    let (mut copies, mut steppers) = (Vec::new(), Vec::new());
    for (file, interface, options, params) in designs {
        let text = verilog_with(params, interface, &options).expect("default parameters are valid");
        let path = dir.join(file);
        let changed = write_if_changed(&path, &text);
        let top = interface.module_name();
        let ports = ansi_ports(&text, top);
        write_if_changed(&path.with_extension("bind.v"), &bind_wrapper(top, &ports));
        if matches!(interface, Interface::Frames { .. }) {
            let sim = path.with_extension("sim.v");
            if changed || !copy_is_current(&path) {
                copies.push((path.clone(), top, sim.clone()));
            }
            println!("cargo:rerun-if-changed={}", sim.display());
            steppers.push((path, top, ports));
        }
        println!("cargo:rerun-if-changed=generated/{file}");
    }
    std::thread::scope(|scope| {
        for (source, top, sim) in &copies {
            scope.spawn(move || write_sim_copy(source, top, sim));
        }
    });
    // The steppers know which inputs reach an output within the clock, which the copy's
    // yosys run found.
    for (path, top, ports) in steppers {
        let stem = path
            .file_stem()
            .and_then(|s| s.to_str())
            .expect("file stem");
        let combinational = std::fs::read_to_string(comb_inputs_file(&path))
            .expect("the simulation copy's list of combinational inputs");
        let combinational: Vec<&str> = combinational
            .lines()
            .filter_map(|line| line.trim().rsplit_once('/').map(|(_, port)| port))
            .collect();
        let stepper = port_stepper(&format!("{top}_bind"), stem, &ports, &combinational);
        write_if_changed(&path.with_extension("step.cpp"), &stepper.cpp);
        write_if_changed(&path.with_extension("step.rs"), &stepper.rust);
    }
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

/// Every kind of flip-flop and latch in a netlist after `proc` and `opt -full`: where an
/// output's input cone stops within a clock.
const STATE_CELLS: &str = "$dff,$dffe,$sdff,$sdffe,$sdffce,$adff,$adffe,$aldff,$aldffe,\
     $dffsr,$dffsre,$dlatch,$adlatch";

/// `<design>.comb-inputs`: the inputs with a path to an output that no flip-flop breaks,
/// one `top/port` a line (made with the simulation copy). The lane registers kept as
/// written are black boxes there, which yosys crosses as if combinational: at worst an
/// input is listed that need not be.
fn comb_inputs_file(design: &Path) -> std::path::PathBuf {
    design.with_extension("comb-inputs")
}

/// Writes the yosys-processed copy of `top` in `source` to `sim` (same top, same ports),
/// and its combinational inputs beside it ([`comb_inputs_file`]).
fn write_sim_copy(source: &Path, top: &str, sim: &Path) {
    // Through a temporary file, so a failed run leaves no half copy that looks current.
    let partial = sim.with_extension("partial");
    let comb_inputs = comb_inputs_file(source);
    let text = std::fs::read_to_string(source).expect("read the emitted design");
    let as_written = modules_marked(&text, rss_hdl::lane_register::SIM_AS_WRITTEN);
    let blackbox: String = as_written
        .iter()
        .map(|(name, _)| format!("blackbox {name}; "))
        .collect();
    let script = format!(
        "read_verilog -sv {src}; hierarchy -top {top}; {blackbox}{SIM_COPY_PASSES}; \
         tee -q -o {comb} select -list o:* %ci*:-{STATE_CELLS} i:* %i; \
         write_verilog -noattr {out}",
        src = source.display(),
        comb = comb_inputs.display(),
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
    let kept: Vec<&str> = as_written.iter().map(|(_, module)| *module).collect();
    std::fs::write(
        &partial,
        format!("{}\n{netlist}\n{}\n", copy_marker(), kept.join("\n\n")),
    )
    .expect("mark the simulation copy");
    std::fs::rename(&partial, sim).expect("move the simulation copy into place");
}

/// The modules of `text` that hold `marker`: `(name, the module's text)`.
fn modules_marked<'t>(text: &'t str, marker: &str) -> Vec<(&'t str, &'t str)> {
    let mut found = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("\nmodule ") {
        let module = &rest[start + 1..];
        let end = module.find("endmodule").expect("endmodule") + "endmodule".len();
        let (module, after) = module.split_at(end);
        if module.contains(marker) {
            let name = module["module ".len()..]
                .split(|c: char| c == '(' || c.is_whitespace())
                .next()
                .expect("module name");
            found.push((name, module));
        }
        rest = after;
    }
    found
}

/// First line of a simulation copy: the passes that made it.
fn copy_marker() -> String {
    format!(
        "// simulation copy: {SIM_COPY_PASSES}; modules marked `{}` kept as written",
        rss_hdl::lane_register::SIM_AS_WRITTEN
    )
}

/// The copy of `design` exists, was made by today's `SIM_COPY_PASSES`, and its list of
/// combinational inputs is there.
fn copy_is_current(design: &Path) -> bool {
    use std::io::BufRead;
    if !comb_inputs_file(design).exists() {
        return false;
    }
    std::fs::File::open(design.with_extension("sim.v"))
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

/// A design's port stepper: the C++ compiled into its model and the Rust that drives it.
struct PortStepper {
    cpp: String,
    rust: String,
}

/// Ports as the stepper lays them out: inputs and outputs each packed into `u32` words in
/// port order, a port taking `ceil(width / 32)` words (two for 33..=64 bits), low word
/// first, the way marlin's `WideIn` / `WideOut` hold them.
fn port_stepper(
    bind_top: &str,
    stem: &str,
    ports: &[(String, String)],
    combinational: &[&str],
) -> PortStepper {
    let class = format!("V{bind_top}");
    let (mut copy_in, mut copy_out) = (Vec::new(), Vec::new());
    let mut comb_words = Vec::new();
    let (mut pack, mut unpack, mut names_in, mut names_out) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let (mut words_in, mut words_out) = (0usize, 0usize);
    for (decl, name) in ports {
        let width = port_width(decl);
        let words = width.div_ceil(32);
        let input = decl.starts_with("input");
        let at = if input { words_in } else { words_out };
        let c = if width <= 32 {
            if input {
                format!("    top->{name} = in[{at}];")
            } else {
                format!("    out[{at}] = top->{name};")
            }
        } else if width <= 64 {
            if input {
                format!(
                    "    top->{name} = (uint64_t)in[{at}] | ((uint64_t)in[{}] << 32);",
                    at + 1
                )
            } else {
                format!(
                    "    out[{at}] = (uint32_t)top->{name};\n    out[{}] = (uint32_t)(top->{name} >> 32);",
                    at + 1
                )
            }
        } else if input {
            format!("    for (int i = 0; i < {words}; i++) top->{name}[i] = in[{at} + i];")
        } else {
            format!("    for (int i = 0; i < {words}; i++) out[{at} + i] = top->{name}[i];")
        };
        let rust_words = format!("{at}..{}", at + words);
        if input {
            if combinational.contains(&name.as_str()) {
                comb_words.extend((at..at + words).map(|w| w.to_string()));
            }
            copy_in.push(c);
            pack.push(format!(
                "            $crate::stepper::PortWords::put(&self.{name}, &mut words[{rust_words}]);"
            ));
            names_in.push(format!("\"{name}\""));
            words_in += words;
        } else {
            copy_out.push(c);
            unpack.push(format!(
                "            $crate::stepper::PortWords::take(&mut self.{name}, &words[{rust_words}]);"
            ));
            names_out.push(format!("\"{name}\""));
            words_out += words;
        }
    }
    let cpp = format!(
        "// The port stepper of `{bind_top}` (cosim/build.rs): {words_in} input and \
         {words_out} output words.\n\
         #include <cstdint>\n#include <type_traits>\n#include <utility>\n\
         #include \"{class}.h\"\n#include \"{class}___024root.h\"\n\n\
         extern \"C\" uint32_t rss_step_words(uint32_t outputs) {{\n    \
         return outputs ? {words_out} : {words_in};\n}}\n\n\
         static void copy_in({class}* top, const uint32_t* in) {{\n{}\n}}\n\n\
         static void copy_out({class}* top, uint32_t* out) {{\n{}\n}}\n\n\
         extern \"C\" void rss_step(void* model, const uint32_t* in, uint32_t* out) {{\n    \
         {class}* top = static_cast<{class}*>(model);\n    \
         copy_in(top, in);\n    top->eval();\n    copy_out(top, out);\n}}\n\n\
         {EDGE_CPP}\n\
         extern \"C\" uint32_t rss_step_edges() {{\n    \
         return ClockMemory<{class}___024root>::known;\n}}\n\n\
         extern \"C\" void rss_step_edge(void* model, const uint32_t* in, uint32_t* out) {{\n    \
         {class}* top = static_cast<{class}*>(model);\n    \
         copy_in(top, in);\n    top->clk = 1;\n    ClockMemory<{class}___024root>::forget(top->rootp);\n    \
         top->eval();\n    copy_out(top, out);\n}}\n",
        copy_in.join("\n"),
        copy_out.join("\n"),
    );
    let rust = format!(
        "// The port stepper's Rust side for `{stem}` (cosim/build.rs).\n\
         macro_rules! {stem}_stepper_ports {{\n    ($model:ident) => {{\n        \
         impl<'ctx> $crate::stepper::StepperPorts for $model<'ctx> {{\n            \
         const INPUT_WORDS: usize = {words_in};\n            \
         const OUTPUT_WORDS: usize = {words_out};\n            \
         const COMB_INPUT_WORDS: &'static [usize] = &[{}];\n            \
         const INPUTS: &'static [&'static str] = &[{}];\n            \
         const OUTPUTS: &'static [&'static str] = &[{}];\n            \
         fn pack(&self, words: &mut [u32]) {{\n                \
         let words: &mut [u32; {words_in}] = words.try_into().expect(\"input words\");\n{}\n            }}\n            \
         fn unpack(&mut self, words: &[u32]) {{\n                \
         let words: &[u32; {words_out}] = words.try_into().expect(\"output words\");\n{}\n            }}\n        }}\n    }};\n}}\n",
        comb_words.join(", "),
        names_in.join(", "),
        names_out.join(", "),
        pack.join("\n"),
        unpack.join("\n"),
    );
    PortStepper { cpp, rust }
}

/// The rising edge in one evaluation (`rss_step_edge`): Verilator 5 finds an edge by
/// comparing the clock with its value at the last evaluation, which it keeps in its
/// root (`__Vtrigrprev__TOP__clk` in 5.006). When nothing that reaches an output
/// within the clock changed since the last evaluation, the low half would only
/// recompute what it already holds: the harness then skips it and the stepper clears
/// the remembered clock instead, so the next evaluation, with the clock high, is the
/// edge. A Verilator that keeps it elsewhere has `known` false and gets both halves.
const EDGE_CPP: &str = "// (Verilator 5.006 compiles C++14: no std::void_t.)
template <typename...>
struct Void {
    typedef void type;
};
template <typename Root, typename = void>
struct ClockMemory {
    static constexpr uint32_t known = 0;
    static void forget(Root*) {}
};
template <typename Root>
struct ClockMemory<Root, typename Void<decltype(std::declval<Root&>().__Vtrigrprev__TOP__clk)>::type> {
    static constexpr uint32_t known = 1;
    static void forget(Root* root) { root->__Vtrigrprev__TOP__clk = 0; }
};
";

/// Bits of a port from its declaration (`input wire [63:0] s_axis_tdata`: 64).
fn port_width(decl: &str) -> usize {
    match (decl.find('['), decl.find(']')) {
        (Some(open), Some(close)) => {
            let (msb, lsb) = decl[open + 1..close].split_once(':').expect("[msb:lsb]");
            let bound = |b: &str| b.trim().parse::<usize>().expect("numeric port bound");
            bound(msb) - bound(lsb) + 1
        }
        _ => 1,
    }
}
