//! `rss-cosim` command line: --help, --version, bad input exits 2.

use std::process::Command;

fn rss_cosim(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_rss-cosim"))
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn help_version_and_bad_input() {
    let (code, out, _) = rss_cosim(&["--help"]);
    assert_eq!(code, 0);
    for option in ["--frames", "--out", "--seed", "Usage: rss-cosim"] {
        assert!(out.contains(option), "{out}");
    }
    let (code, out, _) = rss_cosim(&["--version"]);
    assert_eq!(
        (code, out),
        (0, format!("rss-cosim {}\n", env!("CARGO_PKG_VERSION")))
    );
    for args in [
        &["--frames"][..],
        &["--frames", "many"],
        &["--seed", "-1"],
        &["--bogus"],
        &["extra"],
    ] {
        let (code, out, err) = rss_cosim(args);
        assert_eq!(code, 2, "{args:?}");
        assert!(out.is_empty());
        assert!(err.starts_with("rss-cosim: ") && err.len() > 12, "{err}");
    }
}
