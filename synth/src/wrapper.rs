//! The scan wrapper that lets a core with hundreds of ports be placed on an iCE40
//! package with a few dozen pins.
//!
//! Every input of the core except the clock is driven by one flip-flop of an input scan
//! chain (`scan_in`, shifted while `scan_shift` is high); every output bit is captured
//! into an output chain (`capture` high) that otherwise shifts out on `scan_out`. The
//! wrapper has five pins: `clk`, `scan_in`, `scan_shift`, `capture`, `scan_out`.
//!
//! Why it does not distort the numbers:
//! - There is no logic between the core's ports and the chains: a core input is wired
//!   straight to a flip-flop's output, a core output straight to a 2:1 multiplexer in
//!   front of a flip-flop (capture or shift). Nothing can be folded into the core, and
//!   since every input toggles independently and every output is observable, yosys
//!   can neither propagate constants into the core nor remove any of its logic.
//! - Its cost is known exactly: one flip-flop per port bit and one LUT (the 2:1 mux) per
//!   output bit. The flow synthesizes the core alone too and reports the difference.
//! - Timing: the paths the wrapper adds are flip-flop → core input (what a registered
//!   upstream gives the core anyway) and core output → mux → flip-flop (one LUT level).
//!   Fmax is set by the core's own paths unless the core has long input-to-register or
//!   register-to-output paths, which a real system would see too. The chains do take
//!   logic cells and routing, so on a nearly full device placement gets somewhat harder.

use std::fmt::Write;

/// Port direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// `input`
    Input,
    /// `output`
    Output,
}

/// One port of a top module's ANSI port list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Port {
    /// Direction.
    pub direction: Direction,
    /// Width in bits (`[N:M]` → `|N - M| + 1`, none → 1).
    pub width: usize,
    /// Port name.
    pub name: String,
}

/// Parses the ANSI port list of module `top` in `verilog`: `input wire [N:M] name`,
/// `output reg ...`, `output wire ...` (comma-separated, one or more per line).
pub fn parse_ports(verilog: &str, top: &str) -> Result<Vec<Port>, String> {
    let start = verilog
        .match_indices("module")
        .find_map(|(at, _)| {
            let rest = verilog[at + "module".len()..].trim_start();
            let after = rest.strip_prefix(top)?;
            let after = after.trim_start();
            after.starts_with('(').then_some(after)
        })
        .ok_or_else(|| format!("no `module {top} (` with an ANSI port list"))?;
    let body = &start[1..];
    let end = body
        .find(");")
        .ok_or_else(|| format!("module {top}: port list does not end with `);`"))?;
    let list: String = body[..end]
        .lines()
        .map(|l| l.split("//").next().unwrap_or(""))
        .collect::<Vec<_>>()
        .join(" ");
    let mut ports = Vec::new();
    for decl in list.split(',').map(str::trim).filter(|d| !d.is_empty()) {
        ports.push(parse_port(decl).map_err(|e| format!("module {top}: `{decl}`: {e}"))?);
    }
    if ports.is_empty() {
        return Err(format!("module {top} has no ports"));
    }
    Ok(ports)
}

fn parse_port(decl: &str) -> Result<Port, String> {
    // Put spaces around the range so `[7:0]name` splits too.
    let spaced = decl.replace('[', " [").replace(']', "] ");
    let mut words = spaced.split_whitespace().peekable();
    let direction = match words.next() {
        Some("input") => Direction::Input,
        Some("output") => Direction::Output,
        Some("inout") => return Err("inout ports are not supported".into()),
        _ => return Err("expected `input` or `output` (ANSI port list)".into()),
    };
    while words
        .next_if(|w| matches!(*w, "wire" | "reg" | "logic" | "signed" | "unsigned"))
        .is_some()
    {}
    let mut width = 1;
    if let Some(range) = words.next_if(|w| w.starts_with('[')) {
        let inner = range.trim_start_matches('[').trim_end_matches(']');
        let (msb, lsb) = inner
            .split_once(':')
            .ok_or_else(|| format!("range `{range}` is not [N:M]"))?;
        let number = |s: &str| {
            s.trim()
                .parse::<i64>()
                .map_err(|_| format!("range `{range}`: literal widths only"))
        };
        width = usize::try_from((number(msb)? - number(lsb)?).abs() + 1)
            .map_err(|_| format!("range `{range}` too wide"))?;
    }
    let name = words.next().ok_or("missing port name")?;
    if let Some(extra) = words.next() {
        return Err(format!("unexpected `{extra}` after the port name"));
    }
    if !name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$')
    {
        return Err(format!("`{name}` is not a simple identifier"));
    }
    Ok(Port {
        direction,
        width,
        name: name.to_owned(),
    })
}

/// A generated wrapper.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Wrapper {
    /// The wrapper's module name (`<top>_scan_wrapper`).
    pub module: String,
    /// Its Verilog (the wrapper module only; the core is read beside it).
    pub verilog: String,
    /// Bits in the input chain (every input port bit except the clock).
    pub input_bits: usize,
    /// Bits in the output chain (every output port bit).
    pub output_bits: usize,
    /// Package pins the wrapper uses.
    pub pins: usize,
}

/// Builds the scan wrapper around module `top` of `verilog` (see the module docs).
/// `clock` names the clock input, which stays a pin. Ports whose names start with one
/// of `idle` belong to a feature the build leaves out (their logic is constant): they
/// stay off the chains, inputs tied to 0 and outputs open, so they cost no cells.
pub fn scan_wrapper(
    verilog: &str,
    top: &str,
    clock: &str,
    idle: &[String],
) -> Result<Wrapper, String> {
    let (ports, idle_ports): (Vec<Port>, Vec<Port>) =
        parse_ports(verilog, top)?.into_iter().partition(|p| {
            !idle
                .iter()
                .any(|prefix| p.name.starts_with(prefix.as_str()))
        });
    match ports.iter().find(|p| p.name == clock) {
        Some(p) if p.direction == Direction::Input && p.width == 1 => {}
        Some(_) => return Err(format!("module {top}: `{clock}` is not a 1-bit input")),
        None => return Err(format!("module {top} has no clock input `{clock}`")),
    }
    let inputs: Vec<&Port> = ports
        .iter()
        .filter(|p| p.direction == Direction::Input && p.name != clock)
        .collect();
    let outputs: Vec<&Port> = ports
        .iter()
        .filter(|p| p.direction == Direction::Output)
        .collect();
    let input_bits: usize = inputs.iter().map(|p| p.width).sum();
    let output_bits: usize = outputs.iter().map(|p| p.width).sum();
    if output_bits == 0 {
        return Err(format!(
            "module {top} has no outputs: synthesis would remove it"
        ));
    }
    let module = format!("{top}_scan_wrapper");
    let mut v = String::new();
    // `write!` to a String cannot fail.
    let _ = writeln!(
        v,
        "// {module}: generated by rss-synth for place and route only. `{top}`'s \
         {input_bits} input bits\n\
         // come from a scan chain, its {output_bits} output bits are captured into \
         another; only\n\
         // flip-flops and 2:1 muxes, no logic between the core's ports.\n\
         module {module} (\n    input wire {clock},\n    input wire scan_in,\n    \
         input wire scan_shift,\n    input wire capture,\n    output wire scan_out\n);"
    );
    if input_bits > 0 {
        let _ = writeln!(v, "    reg [{}:0] chain_in = 0;", input_bits - 1);
    }
    let _ = writeln!(v, "    reg [{}:0] chain_out = 0;", output_bits - 1);
    let _ = writeln!(v, "    wire [{}:0] core_out;", output_bits - 1);
    let _ = writeln!(v, "    always @(posedge {clock}) begin");
    match input_bits {
        0 => {}
        1 => {
            let _ = writeln!(v, "        if (scan_shift) chain_in <= scan_in;");
        }
        n => {
            let _ = writeln!(
                v,
                "        if (scan_shift) chain_in <= {{chain_in[{}:0], scan_in}};",
                n - 2
            );
        }
    }
    let shifted = match output_bits {
        1 => "1'b0".to_string(),
        n => format!("{{chain_out[{}:0], 1'b0}}", n - 2),
    };
    let _ = writeln!(
        v,
        "        chain_out <= capture ? core_out : {shifted};\n    end\n    \
         assign scan_out = chain_out[{}];",
        output_bits - 1
    );
    let _ = writeln!(v, "    {top} core (");
    let mut connections = vec![format!("        .{clock}({clock})")];
    let slice = |bus: &str, at: usize, width: usize| {
        if width == 1 {
            format!("{bus}[{at}]")
        } else {
            format!("{bus}[{}:{at}]", at + width - 1)
        }
    };
    let (mut at_in, mut at_out) = (0, 0);
    for p in &ports {
        if p.name == clock {
            continue;
        }
        let source = match p.direction {
            Direction::Input => {
                at_in += p.width;
                slice("chain_in", at_in - p.width, p.width)
            }
            Direction::Output => {
                at_out += p.width;
                slice("core_out", at_out - p.width, p.width)
            }
        };
        connections.push(format!("        .{}({source})", p.name));
    }
    for p in &idle_ports {
        let source = match p.direction {
            Direction::Input => format!("{}'b0", p.width),
            Direction::Output => String::new(),
        };
        connections.push(format!("        .{}({source})", p.name));
    }
    let _ = writeln!(v, "{}\n    );\nendmodule", connections.join(",\n"));
    Ok(Wrapper {
        module,
        verilog: v,
        input_bits,
        output_bits,
        pins: 5,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const CORE: &str = "// a core\nmodule other (input wire x);\nendmodule\n\
        module core (\n    input wire clk,\n    input wire [12:0] addr, // comment\n    \
        input wire rst,\n    output reg [31:0] data,\n    output wire ok\n);\nendmodule\n";

    #[test]
    fn parses_ansi_ports() {
        let ports = parse_ports(CORE, "core").unwrap();
        let summary: Vec<(Direction, usize, &str)> = ports
            .iter()
            .map(|p| (p.direction, p.width, p.name.as_str()))
            .collect();
        assert_eq!(
            summary,
            [
                (Direction::Input, 1, "clk"),
                (Direction::Input, 13, "addr"),
                (Direction::Input, 1, "rst"),
                (Direction::Output, 32, "data"),
                (Direction::Output, 1, "ok"),
            ]
        );
        assert_eq!(parse_ports(CORE, "other").unwrap().len(), 1);
        assert_eq!(
            parse_ports("module m (input [0:3]a, output reg signed [7:0] b);", "m")
                .unwrap()
                .iter()
                .map(|p| p.width)
                .collect::<Vec<_>>(),
            [4, 8]
        );
    }

    #[test]
    fn rejects_what_it_cannot_wrap() {
        assert!(parse_ports(CORE, "cor").is_err());
        assert!(parse_ports("module m(a, b); input a;", "m").is_err());
        assert!(parse_ports("module m (inout wire x);", "m").is_err());
        assert!(parse_ports("module m (input wire [W-1:0] x);", "m").is_err());
        assert!(parse_ports("module m (input wire x", "m").is_err());
        assert!(scan_wrapper(CORE, "core", "clock", &[]).is_err());
        assert!(scan_wrapper("module m (input wire clk, input wire a);", "m", "clk", &[]).is_err());
    }

    #[test]
    fn wraps_every_bit_once() {
        let w = scan_wrapper(CORE, "core", "clk", &[]).unwrap();
        assert_eq!((w.input_bits, w.output_bits, w.pins), (14, 33, 5));
        assert_eq!(w.module, "core_scan_wrapper");
        for line in [
            "        .clk(clk),",
            "        .addr(chain_in[12:0]),",
            "        .rst(chain_in[13]),",
            "        .data(core_out[31:0]),",
            "        .ok(core_out[32])",
            "        if (scan_shift) chain_in <= {chain_in[12:0], scan_in};",
            "        chain_out <= capture ? core_out : {chain_out[31:0], 1'b0};",
            "    assign scan_out = chain_out[32];",
        ] {
            assert!(w.verilog.contains(line), "{line}\n{}", w.verilog);
        }
        let one = scan_wrapper(
            "module m (input wire clk, input wire a, output reg b);",
            "m",
            "clk",
            &[],
        )
        .unwrap();
        assert!(one.verilog.contains("chain_in <= scan_in;"));
        assert!(one.verilog.contains("capture ? core_out : 1'b0;"));
    }

    #[test]
    fn idle_ports_stay_off_the_chains() {
        let w = scan_wrapper(CORE, "core", "clk", &["add".into(), "ok".into()]).unwrap();
        assert_eq!((w.input_bits, w.output_bits), (1, 32));
        for line in [
            "        .rst(chain_in[0]),",
            "        .data(core_out[31:0]),",
            "        .addr(13'b0),",
            "        .ok()",
        ] {
            assert!(w.verilog.contains(line), "{line}\n{}", w.verilog);
        }
    }
}
