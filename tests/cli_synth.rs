//! `rss-core synth` argument handling: bad input exits 2 with a message before any tool
//! runs. (The flow itself is tested in synth/tests.)

use std::process::Command;

fn rss_core(args: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_rss-core"))
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn synth_bad_input_exits_2_with_a_message() {
    for (args, message) in [
        (&["synth"][..], "--target <TARGET>"),
        (
            &["synth", "--target", "ice40-lp1k"],
            "unknown target `ice40-lp1k`",
        ),
        (
            &["synth", "--target"],
            "a value is required for '--target <TARGET>'",
        ),
        (
            &[
                "synth",
                "--target",
                "ecp5-85k",
                "--interface",
                "tuples",
                "--data-width",
                "64",
            ],
            "--data-width applies to the frame interface only",
        ),
        (
            &["synth", "--target", "ecp5-85k", "--data-width", "48"],
            "data width 48 bits",
        ),
        (
            &["synth", "--target", "ecp5-85k", "--seed", "x"],
            "invalid value 'x' for '--seed <SEED>'",
        ),
        (
            &["synth", "--target", "ecp5-85k", "--placer-crit-exp", "0"],
            "invalid value '0' for '--placer-crit-exp <N>'",
        ),
        (
            &[
                "synth",
                "--target",
                "ecp5-85k",
                "--placer-timing-weight",
                "-1",
            ],
            "unexpected argument '-1' found",
        ),
        (
            &["synth", "--target", "ecp5-85k", "--freq", "0"],
            "not a positive frequency",
        ),
        (
            &["synth", "--target", "ice40-hx8k", "--speed-grade", "8"],
            "ice40-hx8k has no speed grade 8",
        ),
        (
            &["synth", "--target", "ecp5-85k", "--speed-grade", "9"],
            "ecp5-85k has no speed grade 9 (grades: [6, 7, 8])",
        ),
        (
            &["synth", "--target", "ecp5-85k", "--num-queues", "0"],
            "queue",
        ),
        (
            &["synth", "--target", "ecp5-85k", "--seeds", "5-3"],
            "`5-3` is an empty range",
        ),
        (
            &["synth", "--target", "ecp5-85k", "--seeds", "1,2,1"],
            "seed 1 is listed twice",
        ),
        (
            &[
                "synth", "--target", "ecp5-85k", "--seeds", "1-3", "--seed", "4",
            ],
            "cannot be used with",
        ),
        (
            &[
                "synth", "--target", "ecp5-85k", "--seeds", "1-3", "--jobs", "0",
            ],
            "invalid value '0' for '--jobs <N>'",
        ),
        (
            &["synth", "--target", "ecp5-85k", "--fmax-goal", "-5"],
            "unexpected argument",
        ),
        (
            &["synth", "--target", "ecp5-85k", "--fmax-goal", "0"],
            "--fmax-goal: `0` is not a positive frequency",
        ),
        (
            &["synth", "--target", "ecp5-85k", "--out", "x"],
            "unexpected argument '--out' found",
        ),
    ] {
        let (code, err) = rss_core(args);
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(err.contains(message), "{args:?}: {err}");
    }
}
