//! Acceptance: `rss-core steer --rtl` on every sample capture agrees with the model on
//! every record at 64 and 512 bits (the Verilated reference core, via
//! `rss_cosim::replay`), under the default configuration and a non-default one.

use std::process::Command;

fn steer(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_rss-core"))
        .arg("steer")
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

fn captures() -> Vec<(String, usize)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/captures");
    let mut files: Vec<(String, usize)> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "pcap" || e == "pcapng"))
        .map(|p| {
            // Records with at least one byte (an empty one cannot enter the core).
            let sent = match p.file_name().unwrap().to_str().unwrap() {
                "rx_serviceid_oobr.pcap" => 2,
                _ => usize::MAX,
            };
            (p.to_str().unwrap().to_owned(), sent)
        })
        .collect();
    files.sort();
    assert_eq!(files.len(), 12, "testdata/captures");
    files
}

fn check(width: &str, extra: &[&str]) {
    let mut total = 0;
    for (capture, sent) in captures() {
        let mut args = vec![capture.as_str(), "--rtl", "--data-width", width];
        args.extend_from_slice(extra);
        let (code, out, err) = steer(&args);
        assert_eq!(code, 0, "{capture} at {width} bits:\n{out}\n{err}");
        let line = out
            .lines()
            .find(|l| l.starts_with("RTL ("))
            .unwrap_or_else(|| panic!("no RTL line in\n{out}"));
        // The first Verilator build prints its command line first.
        let frames: usize = out
            .lines()
            .find(|l| l.starts_with("capture"))
            .and_then(|l| l.split(", ").nth(2))
            .and_then(|w| w.split(' ').next())
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("no frame count in\n{out}"));
        let sent = sent.min(frames);
        assert!(
            line.contains(&format!(
                "{sent} frames compared, {sent} agree, 0 mismatches"
            )),
            "{capture} at {width} bits: {line}"
        );
        total += sent;
    }
    assert_eq!(total, 427);
}

/// One test, run in order: the replay models are cached per width under
/// target/cosim-artifacts, and two processes must not build the same one at once.
#[test]
fn every_capture_agrees_with_the_rtl_at_64_and_512_bits() {
    check("64", &[]);
    check("512", &[]);
    let key = "79:42:bd:f2:21:06:f0:84:77:62:f0:f3:cb:4d:76:4d:c7:07:20:51:\
               15:9a:0f:89:f2:c6:da:ca:e3:44:bb:31:12:45:fd:6f:84:df:9a:d7";
    let other = [
        "--key",
        key,
        "--types",
        "TCP_IPV4,IPV6,UDP_IPV6,IPV6_EX",
        "--table-entries",
        "32",
        "--queues",
        "6",
        "--default-queue",
        "5",
    ];
    check("64", &other);
    check("512", &other);
}
