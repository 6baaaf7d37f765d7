//! Reading the tools' outputs (yosys `stat -json`, nextpnr `--report` JSON and log) and
//! the report the flow returns.

use std::collections::BTreeMap;
use std::fmt::Write;

use serde::Serialize;
use serde_json::Value;

use crate::target::Target;

/// Cell counts of a synthesized netlist (yosys `stat -json`, whole design).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Stats {
    /// LUT4 cells (`SB_LUT4`, `LUT4`).
    pub lut4: u64,
    /// Flip-flops (every `SB_DFF*`, `TRELLIS_FF`).
    pub ff: u64,
    /// Carry cells (`SB_CARRY`; ECP5 `CCU2C`, each two LUT4s plus carry logic).
    pub carry: u64,
    /// Block RAMs (`SB_RAM40_4K`, `DP16KD`).
    pub bram: u64,
    /// Distributed RAM cells (ECP5 `TRELLIS_DPR16X4`; none on iCE40).
    pub lutram: u64,
    /// Every cell type and its count.
    pub cells_by_type: BTreeMap<String, u64>,
}

impl Stats {
    /// Reads yosys `stat -json` output: the `design` totals, or the one module's.
    pub fn from_yosys_json(text: &str) -> Result<Stats, String> {
        let json: Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
        let cells = json
            .pointer("/design/num_cells_by_type")
            .or_else(|| {
                let modules = json.get("modules")?.as_object()?;
                match modules.values().collect::<Vec<_>>().as_slice() {
                    [only] => only.get("num_cells_by_type"),
                    _ => None,
                }
            })
            .and_then(Value::as_object)
            .ok_or("no `design.num_cells_by_type`")?;
        let mut stats = Stats::default();
        for (cell, count) in cells {
            let n = count
                .as_u64()
                .ok_or_else(|| format!("cell count of `{cell}` is not a number"))?;
            stats.cells_by_type.insert(cell.clone(), n);
            match cell.as_str() {
                "SB_LUT4" | "LUT4" => stats.lut4 += n,
                "TRELLIS_FF" => stats.ff += n,
                c if c.starts_with("SB_DFF") => stats.ff += n,
                "SB_CARRY" | "CCU2C" => stats.carry += n,
                "SB_RAM40_4K" | "DP16KD" => stats.bram += n,
                "TRELLIS_DPR16X4" => stats.lutram += n,
                _ => {}
            }
        }
        Ok(stats)
    }
}

/// Used and available count of one resource type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Usage {
    /// Cells of this type the design uses.
    pub used: u64,
    /// Cells of this type on the device.
    pub available: u64,
}

impl Usage {
    /// Used / available in percent.
    pub fn percent(self) -> f64 {
        100.0 * self.used as f64 / self.available.max(1) as f64
    }
}

/// What nextpnr reported.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct PnrResult {
    /// Fmax of the clock in MHz, if it has register-to-register paths (and was routed).
    pub fmax_mhz: Option<f64>,
    /// Resource use per nextpnr cell type (types the design uses, plus logic cells,
    /// flip-flops and block RAMs).
    pub utilization: BTreeMap<String, Usage>,
}

/// The nextpnr cell types that hold LUTs, flip-flops and block RAMs.
pub(crate) const LOGIC_TYPES: [&str; 5] = [
    "ICESTORM_LC",
    "ICESTORM_RAM",
    "TRELLIS_COMB",
    "TRELLIS_FF",
    "DP16KD",
];

impl PnrResult {
    /// Reads nextpnr's `--report` JSON: `.fmax.<clock>.achieved` and `.utilization`.
    /// The clock is the one named `clock` (iCE40 calls the global net `clk$SB_IO_IN_$glb_clk`,
    /// which also matches), or the only clock there is.
    pub fn from_report_json(text: &str, clock: &str) -> Result<PnrResult, String> {
        let json: Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
        let mut result = PnrResult::default();
        let utilization = json
            .get("utilization")
            .and_then(Value::as_object)
            .ok_or("no `utilization` object")?;
        for (cell, usage) in utilization {
            let field = |name: &str| {
                usage
                    .get(name)
                    .and_then(Value::as_u64)
                    .ok_or_else(|| format!("utilization.{cell}.{name} is not a number"))
            };
            result.add_usage(cell, field("used")?, field("available")?);
        }
        if let Some(clocks) = json.get("fmax").and_then(Value::as_object) {
            let prefix = format!("{clock}$");
            let chosen = clocks
                .get(clock)
                .or_else(|| {
                    clocks
                        .iter()
                        .find(|(name, _)| name.starts_with(&prefix))
                        .map(|(_, v)| v)
                })
                .or_else(|| match clocks.values().collect::<Vec<_>>().as_slice() {
                    [only] => Some(*only),
                    _ => None,
                });
            if let Some(entry) = chosen {
                result.fmax_mhz = Some(
                    entry
                        .get("achieved")
                        .and_then(Value::as_f64)
                        .ok_or("fmax entry without a numeric `achieved`")?,
                );
            }
        }
        Ok(result)
    }

    /// Reads the `Device utilisation:` block of a nextpnr log (`Info: \t ICESTORM_LC:
    /// 6002/ 5280   113%`), which nextpnr prints before placing: all there is when a
    /// design does not fit and nextpnr stops without a report.
    pub fn from_log(log: &str) -> Option<PnrResult> {
        let mut lines = log
            .lines()
            .skip_while(|l| !l.contains("Device utilisation:"))
            .skip(1)
            .peekable();
        let mut result = PnrResult::default();
        while let Some(line) = lines.next_if(|l| l.contains('/') && l.contains(':')) {
            let body = line.trim_start_matches("Info:").trim();
            let (cell, rest) = body.split_once(':')?;
            let (used, rest) = rest.split_once('/')?;
            let available = rest.split_whitespace().next()?;
            result.add_usage(
                cell.trim(),
                used.trim().parse().ok()?,
                available.parse().ok()?,
            );
        }
        (!result.utilization.is_empty()).then_some(result)
    }

    fn add_usage(&mut self, cell: &str, used: u64, available: u64) {
        if used > 0 || LOGIC_TYPES.contains(&cell) {
            self.utilization
                .insert(cell.to_owned(), Usage { used, available });
        }
    }

    /// Whether every resource is within the device (≤ 100 %).
    pub fn fits(&self) -> bool {
        self.utilization.values().all(|u| u.used <= u.available)
    }

    /// The logic-cell use: `ICESTORM_LC` or `TRELLIS_COMB`.
    pub fn logic_cells(&self) -> Option<Usage> {
        ["ICESTORM_LC", "TRELLIS_COMB"]
            .iter()
            .find_map(|c| self.utilization.get(*c).copied())
    }
}

/// One tool run: which, its version, how long it took.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ToolRun {
    /// What ran (`yosys (wrapped)`, `yosys (core alone)`, `nextpnr-ice40`, ...).
    pub step: String,
    /// The tool's version line.
    pub version: String,
    /// Wall time in seconds.
    pub seconds: f64,
}

/// iCE40 only: what the scan wrapper adds (see [`crate::wrapper`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WrapperCost {
    /// The core synthesized alone (same yosys flow, no place and route).
    pub core: Stats,
    /// LUT4s of the wrapped design minus the core's (the output muxes).
    pub lut4: i64,
    /// Flip-flops of the wrapped design minus the core's (the two chains).
    pub ff: i64,
    /// Input chain length (input port bits except the clock).
    pub input_bits: usize,
    /// Output chain length (output port bits).
    pub output_bits: usize,
    /// Package pins of the wrapped design.
    pub pins: usize,
}

/// The result of one synthesis + place-and-route run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SynthReport {
    /// Device.
    pub target: Target,
    /// Top module of the design.
    pub top: String,
    /// Module that was placed and routed (the scan wrapper on iCE40, else `top`).
    pub placed_top: String,
    /// LUT4 cells of the placed design (yosys; ECP5 `LUT4`, iCE40 `SB_LUT4`).
    pub lut4: u64,
    /// Flip-flops of the placed design (yosys).
    pub ff: u64,
    /// Block RAMs (yosys; iCE40 EBR, ECP5 DP16KD).
    pub bram: u64,
    /// Carry cells (yosys; `SB_CARRY` or `CCU2C`).
    pub carry: u64,
    /// ECP5 distributed RAM cells (`TRELLIS_DPR16X4`).
    pub lutram: u64,
    /// Logic cells as nextpnr counts them (`ICESTORM_LC` or `TRELLIS_COMB`, which also
    /// holds carry and distributed-RAM halves) with the device's total.
    pub logic_cells: Option<Usage>,
    /// Fmax of the clock after routing, MHz (none when it did not fit or has no
    /// register-to-register path).
    pub fmax_mhz: Option<f64>,
    /// The frequency nextpnr was asked for, MHz.
    pub freq_target_mhz: f64,
    /// Whether every resource is within the device (nextpnr utilization ≤ 100 %).
    pub fits: bool,
    /// nextpnr's placer seed.
    pub seed: u64,
    /// The placer's timing weight.
    pub placer_timing: crate::PlacerTiming,
    /// The part's speed grade nextpnr timed (ECP5; none on iCE40).
    pub speed_grade: Option<u8>,
    /// nextpnr utilization per cell type.
    pub utilization: BTreeMap<String, Usage>,
    /// Every yosys cell type of the placed design and its count.
    pub cells_by_type: BTreeMap<String, u64>,
    /// Tool runs in order, with versions and wall times.
    pub tools: Vec<ToolRun>,
    /// Total wall time, seconds.
    pub seconds: f64,
    /// iCE40: the scan wrapper's own cost and the core alone.
    pub wrapper: Option<WrapperCost>,
    /// ECP5: flip-flops the flow moved into block RAM output registers
    /// ([`crate::ebr_outreg`]); they are counted in `ff`, as yosys left them.
    pub ebr_output_registers: u64,
    /// With [`crate::SynthOptions::sweep_seeds`]: every seed's Fmax (`seed` first) and
    /// their median, mean and spread.
    pub sweep: Option<crate::SeedSweep>,
}

impl SynthReport {
    /// Wall time of the runs whose step names `tool` (`yosys`, `nextpnr`).
    pub fn tool_seconds(&self, tool: &str) -> f64 {
        self.tools
            .iter()
            .filter(|t| t.step.contains(tool))
            .map(|t| t.seconds)
            .fold(0.0, |a, b| a + b)
    }
}

/// The target, with the speed grade when it is not the family's default.
fn target_name(r: &SynthReport) -> String {
    match r.speed_grade {
        Some(grade) if Some(grade) != r.target.default_speed_grade() => {
            format!("{} -{grade}", r.target)
        }
        _ => r.target.to_string(),
    }
}

/// Renders reports as an aligned text table, one row per report, then a line per
/// report with the scan wrapper's cost where there is one, and a report's seed sweep.
pub fn render_table(reports: &[SynthReport]) -> String {
    let header = [
        "target",
        "top",
        "LUT4",
        "FF",
        "carry",
        "BRAM",
        "LUTRAM",
        "logic cells",
        "Fmax MHz",
        "fits",
        "yosys s",
        "nextpnr s",
    ];
    let mut rows: Vec<Vec<String>> = vec![header.iter().map(|s| s.to_string()).collect()];
    for r in reports {
        rows.push(vec![
            target_name(r),
            r.top.clone(),
            r.lut4.to_string(),
            r.ff.to_string(),
            r.carry.to_string(),
            r.bram.to_string(),
            r.lutram.to_string(),
            r.logic_cells.map_or("-".into(), |u| {
                format!("{}/{} ({:.0}%)", u.used, u.available, u.percent())
            }),
            r.fmax_mhz.map_or("-".into(), |f| format!("{f:.1}")),
            if r.fits { "yes" } else { "NO" }.into(),
            format!("{:.0}", r.tool_seconds("yosys")),
            format!("{:.0}", r.tool_seconds("nextpnr")),
        ]);
    }
    let columns = header.len();
    let widths: Vec<usize> = (0..columns)
        .map(|c| rows.iter().map(|r| r[c].chars().count()).max().unwrap_or(0))
        .collect();
    let mut out = String::new();
    for row in &rows {
        let cells: Vec<String> = row
            .iter()
            .enumerate()
            .map(|(c, text)| {
                // Names left-aligned, numbers right-aligned.
                if c < 2 {
                    format!("{text:<w$}", w = widths[c])
                } else {
                    format!("{text:>w$}", w = widths[c])
                }
            })
            .collect();
        let _ = writeln!(out, "{}", cells.join("  ").trim_end());
    }
    for r in reports {
        if let Some(w) = &r.wrapper {
            let _ = writeln!(
                out,
                "{} {}: core alone {} LUT4, {} FF, {} carry, {} BRAM; scan wrapper \
                 ({} in + {} out bits, {} pins) adds {} LUT4, {} FF",
                r.target,
                r.top,
                w.core.lut4,
                w.core.ff,
                w.core.carry,
                w.core.bram,
                w.input_bits,
                w.output_bits,
                w.pins,
                w.lut4,
                w.ff
            );
        }
        if let Some(sweep) = &r.sweep {
            let _ = write!(out, "{} {}: {}", target_name(r), r.top, sweep.render());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_yosys_stat_json() {
        let text = r#"{"creator": "Yosys 0.23", "modules": {"\\tiny": {"num_cells_by_type":
            {"SB_DFF": 1}}}, "design": {"num_cells": 16, "num_cells_by_type":
            {"SB_DFF": 8, "SB_DFFE": 2, "SB_LUT4": 8, "SB_CARRY": 3, "SB_RAM40_4K": 1}}}"#;
        let s = Stats::from_yosys_json(text).unwrap();
        assert_eq!((s.lut4, s.ff, s.carry, s.bram, s.lutram), (8, 10, 3, 1, 0));
        assert_eq!(s.cells_by_type.len(), 5);
        let ecp5 = r#"{"modules": {"\\m": {"num_cells_by_type": {"LUT4": 5,
            "TRELLIS_FF": 4, "CCU2C": 2, "DP16KD": 1, "TRELLIS_DPR16X4": 3}}}}"#;
        let s = Stats::from_yosys_json(ecp5).unwrap();
        assert_eq!((s.lut4, s.ff, s.carry, s.bram, s.lutram), (5, 4, 2, 1, 3));
        assert!(Stats::from_yosys_json("{}").is_err());
        assert!(Stats::from_yosys_json("not json").is_err());
    }

    #[test]
    fn reads_nextpnr_utilisation_from_a_log() {
        let log = "Info: Device utilisation:\nInfo: \t         ICESTORM_LC:  6002/ 5280   113%\n\
                   Info: \t               SB_IO:     4/   96     4%\nInfo: \t      \
                   ICESTORM_SPRAM:     0/    4     0%\n\nInfo: Placed 0 cells\n";
        let r = PnrResult::from_log(log).unwrap();
        assert_eq!(
            r.utilization["ICESTORM_LC"],
            Usage {
                used: 6002,
                available: 5280
            }
        );
        assert!(!r.utilization.contains_key("ICESTORM_SPRAM"));
        assert!(!r.fits());
        assert_eq!(r.fmax_mhz, None);
        assert_eq!(PnrResult::from_log("nothing here"), None);
    }
}
