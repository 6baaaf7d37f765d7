//! The committed reference build in `rtl/` (for HDL users without a Rust toolchain, and
//! the FuseSoC core `rtl/rss_core.core`) must be what `rss-core gen` emits today.

use std::path::{Path, PathBuf};
use std::process::Command;

const REFRESH: &str = "run `scripts/refresh-rtl` (rss-core gen --data-width 64 / 512 / --interface tuples) to refresh rtl/";

fn emit(out: &Path, args: &[&str]) {
    let status = Command::new(env!("CARGO_BIN_EXE_rss-core"))
        .arg("gen")
        .arg("--out")
        .arg(out)
        .args(args)
        .output()
        .unwrap();
    assert!(
        status.status.success(),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
}

#[test]
fn committed_reference_rtl_matches_what_gen_emits() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let tmp = std::env::temp_dir().join(format!("rss-core-reference-{}", std::process::id()));
    emit(&tmp.join("w64"), &["--data-width", "64"]);
    emit(&tmp.join("w512"), &["--data-width", "512"]);
    emit(&tmp.join("tuples"), &["--interface", "tuples"]);
    let pairs: Vec<(PathBuf, &str)> = vec![
        (tmp.join("w64/rss_core.v"), "rss_core_w64.v"),
        (tmp.join("w512/rss_core.v"), "rss_core_w512.v"),
        (tmp.join("tuples/rss_tuple_core.v"), "rss_tuple_core.v"),
        (tmp.join("w64/regmap.json"), "regmap.json"),
        (tmp.join("w64/regmap.md"), "regmap.md"),
        (tmp.join("w64/rss_core_regs.h"), "rss_core_regs.h"),
        (tmp.join("w64/rss_core.svd"), "rss_core.svd"),
    ];
    let mut stale = Vec::new();
    for (emitted, committed) in &pairs {
        let want = std::fs::read_to_string(emitted).unwrap();
        let have = std::fs::read_to_string(root.join("rtl").join(committed)).unwrap_or_default();
        if want != have {
            stale.push(*committed);
        }
    }
    std::fs::remove_dir_all(&tmp).unwrap();
    assert!(
        stale.is_empty(),
        "rtl/{stale:?} differ from `rss-core gen`: {REFRESH}"
    );
}

#[test]
fn fusesoc_core_names_every_committed_design() {
    let core =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("rtl/rss_core.core"))
            .unwrap();
    assert!(core.starts_with("CAPI=2:"));
    for file in [
        "rss_core_w64.v",
        "rss_core_w512.v",
        "rss_tuple_core.v",
        "rss_core_regs.h",
    ] {
        assert!(
            core.contains(&format!("- {file}")),
            "{file} missing from rtl/rss_core.core"
        );
    }
}
