//! `rss-core hash` against the published vectors and an independent Toeplitz, and
//! `rss-core gen` output shape. The independent hash reads the key as a bit slice
//! (bitvec) instead of the model's byte windows and tables.

use std::net::IpAddr;
use std::process::Command;

use bitvec::prelude::*;
use rand::{Rng, SeedableRng, rngs::StdRng};
use rss_model::vectors::published;

const DEFAULT_KEY: &str =
    "6d5a56da255b0ec24167253d43a38fb0d0ca2bcbae7b30b477cb2da38030f20c6a42b73bbeac01fa";

fn rss_core(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_rss-core"))
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

fn independent_toeplitz(key: &[u8], input: &[u8]) -> u32 {
    let key_bits = key.view_bits::<Msb0>();
    input
        .view_bits::<Msb0>()
        .iter_ones()
        .fold(0, |hash, i| hash ^ key_bits[i..i + 32].load_be::<u32>())
}

fn tuple_bytes(src: IpAddr, dst: IpAddr, ports: Option<(u16, u16)>) -> Vec<u8> {
    let octets = |a: IpAddr| match a {
        IpAddr::V4(a) => a.octets().to_vec(),
        IpAddr::V6(a) => a.octets().to_vec(),
    };
    let mut bytes = [octets(src), octets(dst)].concat();
    if let Some((s, d)) = ports {
        bytes.extend(s.to_be_bytes());
        bytes.extend(d.to_be_bytes());
    }
    bytes
}

#[test]
fn hash_matches_all_sixteen_published_vectors() {
    let mut checked = 0;
    for v in published() {
        let (src, dst) = (v.src.to_string(), v.dst.to_string());
        let (sport, dport) = (v.sport.to_string(), v.dport.to_string());
        let (src, dst, sport, dport) = (src.as_str(), dst.as_str(), sport.as_str(), dport.as_str());
        let (code, out, _) = rss_core(&["hash", "--src", src, "--dst", dst]);
        assert_eq!(
            (code, out.trim()),
            (0, format!("0x{:08x}", v.hash_ip).as_str()),
            "{src} -> {dst}"
        );
        let (code, out, _) = rss_core(&[
            "hash", "--src", src, "--dst", dst, "--sport", sport, "--dport", dport,
        ]);
        assert_eq!(
            (code, out.trim()),
            (0, format!("0x{:08x}", v.hash_ip_ports).as_str()),
            "{src}:{sport} -> {dst}:{dport}"
        );
        checked += 2;
    }
    assert_eq!(checked, 16);
}

#[test]
fn hash_matches_an_independent_implementation_for_random_keys_and_tuples() {
    let mut rng = StdRng::seed_from_u64(0xc11);
    for round in 0..40 {
        let key: Vec<u8> = (0..40).map(|_| rng.random()).collect();
        let v6 = round % 2 == 1;
        let addr = |rng: &mut StdRng| -> IpAddr {
            if v6 {
                IpAddr::from(rng.random::<[u8; 16]>())
            } else {
                IpAddr::from(rng.random::<[u8; 4]>())
            }
        };
        let (src, dst) = (addr(&mut rng), addr(&mut rng));
        let ports = (round % 4 >= 2).then(|| (rng.random::<u16>(), rng.random::<u16>()));
        // Alternate the two key spellings ethtool users meet.
        let key_text = if round % 3 == 0 {
            key.iter()
                .map(|b| format!("{b:02x}"))
                .collect::<Vec<_>>()
                .join(":")
        } else {
            key.iter().map(|b| format!("{b:02X}")).collect()
        };
        let (src_text, dst_text) = (src.to_string(), dst.to_string());
        let mut args = vec![
            "hash", "--key", &key_text, "--src", &src_text, "--dst", &dst_text,
        ];
        let port_text = ports.map(|(s, d)| (s.to_string(), d.to_string()));
        if let Some((s, d)) = &port_text {
            args.extend(["--sport", s.as_str(), "--dport", d.as_str()]);
        }
        let (code, out, err) = rss_core(&args);
        let expected = independent_toeplitz(&key, &tuple_bytes(src, dst, ports));
        assert_eq!(code, 0, "{err}");
        assert_eq!(out, format!("0x{expected:08x}\n"), "{args:?}");
    }
}

#[test]
fn bad_input_exits_2_with_a_message() {
    let cases: &[&[&str]] = &[
        &["hash", "--src", "1.2.3.4"],
        &["hash", "--src", "1.2.3.4", "--dst", "::1"],
        &["hash", "--src", "1.2.3.999", "--dst", "1.2.3.4"],
        &[
            "hash", "--src", "1.2.3.4", "--dst", "1.2.3.5", "--sport", "80",
        ],
        &[
            "hash", "--src", "1.2.3.4", "--dst", "1.2.3.5", "--sport", "70000", "--dport", "1",
        ],
        &[
            "hash", "--key", "6d5a", "--src", "1.2.3.4", "--dst", "1.2.3.5",
        ],
        &[
            "hash", "--key", "zz", "--src", "1.2.3.4", "--dst", "1.2.3.5",
        ],
        &["hash", "--bogus", "1"],
        &["gen"],
        &["gen", "--out", "/tmp/x", "--num-queues", "0"],
        &["gen", "--out", "/tmp/x", "--data-width", "48"],
        &["gen", "--out", "/tmp/x", "--interface", "cells"],
        &[
            "gen",
            "--out",
            "/tmp/x",
            "--interface",
            "tuples",
            "--data-width",
            "64",
        ],
        &[
            "gen",
            "--out",
            "/tmp/x",
            "--interface",
            "tuples",
            "--tx-lookup",
        ],
        &["gen", "--out", "/tmp/x", "--key-bytes", "48"],
        &["frobnicate"],
        &[],
    ];
    for args in cases {
        let (code, out, err) = rss_core(args);
        assert_eq!(code, 2, "{args:?}");
        assert!(out.is_empty(), "{args:?} printed {out}");
        assert!(
            err.starts_with("rss-core: ") && err.len() > 12,
            "{args:?}: {err}"
        );
    }
    let (code, out, _) = rss_core(&[
        "hash",
        "--key",
        DEFAULT_KEY,
        "--src",
        "66.9.149.187",
        "--dst",
        "161.142.100.80",
    ]);
    assert_eq!((code, out.as_str()), (0, "0x323e8fc2\n"));
}

#[test]
fn gen_writes_verilog_and_register_documents() {
    let dir = std::env::temp_dir().join(format!("rss-core-gen-{}", std::process::id()));
    let dir_text = dir.to_str().unwrap();
    let (code, _, err) = rss_core(&[
        "gen",
        "--out",
        dir_text,
        "--data-width",
        "512",
        "--table-entries-log2",
        "6",
        "--num-queues",
        "16",
    ]);
    assert_eq!(code, 0, "{err}");
    let read = |name: &str| std::fs::read_to_string(dir.join(name)).unwrap();
    let verilog = read("rss_core.v");
    assert!(verilog.contains("module rss_core (\n"));
    assert!(verilog.contains("input wire [511:0] s_axis_tdata"));
    assert!(verilog.contains("input wire [63:0] s_axis_tkeep"));
    let tuples_dir = dir.join("tuples");
    let (code, _, err) = rss_core(&[
        "gen",
        "--out",
        tuples_dir.to_str().unwrap(),
        "--interface",
        "tuples",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(read("tuples/rss_tuple_core.v").contains("input wire [287:0] s_tuple_data"));
    let json: serde_json::Value = serde_json::from_str(&read("regmap.json")).unwrap();
    assert_eq!(
        json["params"],
        serde_json::json!({"table_entries_log2": 6, "num_queues": 16, "queue_bits": 4,
            "vports": 4, "mac_filters": 8, "hash_probe": true, "tx_lookup": false,
            "key_bytes": 40})
    );
    assert!(
        json.get("tx_lookup").is_none(),
        "no transmit ports without --tx-lookup"
    );
    // The pool: four VPorts' tables of 64 entries.
    assert!(read("regmap.md").contains("| 0x1000–0x13fc | TABLE[256] |"));
    let header = read("rss_core_regs.h");
    assert!(header.contains("#define RSS_COMMIT_OFFSET 0x0034u"));
    assert!(header.contains("#define RSS_MOVE_OFFSET 0x0068u"));
    assert!(header.contains("#define RSS_TABLE_COUNT 256u"));
    assert!(header.contains("#define RSS_PROBE_OFFSET 0x0164u"));
    // Without the probe its registers are not in the documents.
    let bare_dir = dir.join("bare");
    let (code, _, err) = rss_core(&[
        "gen",
        "--out",
        bare_dir.to_str().unwrap(),
        "--no-hash-probe",
    ]);
    assert_eq!(code, 0, "{err}");
    let json: serde_json::Value = serde_json::from_str(&read("bare/regmap.json")).unwrap();
    assert_eq!(json["params"]["hash_probe"], false);
    let names: Vec<&str> = json["registers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    assert!(names.contains(&"TABLE") && !names.iter().any(|n| n.starts_with("PROBE")));
    assert!(!read("bare/rss_core_regs.h").contains("PROBE"));
    // With the transmit-side lookup its ports are in every document.
    let tx_dir = dir.join("tx");
    let (code, _, err) = rss_core(&["gen", "--out", tx_dir.to_str().unwrap(), "--tx-lookup"]);
    assert_eq!(code, 0, "{err}");
    let json: serde_json::Value = serde_json::from_str(&read("tx/regmap.json")).unwrap();
    assert_eq!(json["params"]["tx_lookup"], true);
    let answer: Vec<&str> = json["tx_lookup"]["answer"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap())
        .collect();
    assert_eq!(answer, ["queue", "vport", "hashed", "tuser"]);
    assert_eq!(json["tx_lookup"]["request"][1]["bits"], 32);
    assert!(read("tx/regmap.md").contains("| s_axis_tx_hash | 32 |"));
    assert!(read("tx/rss_core_regs.h").contains("#define RSS_TX_ANSWER_QUEUE_BITS 8u"));
    assert!(read("tx/rss_core.v").contains("output reg s_axis_tx_tready"));
    // A 52-byte key: KEY_EXT in every document, and the key layout says where.
    let long_dir = dir.join("long");
    let (code, _, err) = rss_core(&[
        "gen",
        "--out",
        long_dir.to_str().unwrap(),
        "--key-bytes",
        "52",
    ]);
    assert_eq!(code, 0, "{err}");
    let json: serde_json::Value = serde_json::from_str(&read("long/regmap.json")).unwrap();
    assert_eq!(json["params"]["key_bytes"], 52);
    assert_eq!(json["key_layout"]["words"], 13);
    assert_eq!(json["key_layout"]["continued_in"], "KEY_EXT");
    assert!(
        json["registers"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["name"] == "KEY_EXT" && r["offset"] == 0x70 && r["count"] == 3)
    );
    assert!(read("long/regmap.md").contains("| 0x0070–0x0078 | KEY_EXT[3] |"));
    assert!(read("long/rss_core_regs.h").contains("KEY_EXT"));
    assert!(read("long/rss_core.svd").contains("KEY_EXT"));
    assert!(!read("regmap.md").contains("| KEY_EXT["));
    std::fs::remove_dir_all(&dir).unwrap();
}

fn capture(name: &str) -> String {
    format!("{}/testdata/captures/{name}", env!("CARGO_MANIFEST_DIR"))
}

fn temp_dir(tag: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("rss-core-{tag}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn help_and_version_on_every_command() {
    let version = format!(" {}\n", env!("CARGO_PKG_VERSION"));
    for args in [
        &["--version"][..],
        &["-V"],
        &["gen", "--version"],
        &["steer", "-V"],
    ] {
        let (code, out, err) = rss_core(args);
        assert_eq!(code, 0, "{args:?}: {err}");
        assert!(
            out.starts_with("rss-core") && out.ends_with(&version),
            "{args:?}: {out}"
        );
    }
    let (code, out, _) = rss_core(&["--help"]);
    assert_eq!(code, 0);
    for command in ["gen", "hash", "steer"] {
        assert!(out.contains(command), "--help lacks {command}: {out}");
    }
    let expect: [(&str, &[&str]); 3] = [
        (
            "gen",
            &[
                "--out",
                "--data-width",
                "--interface",
                "--table-entries-log2",
                "--num-queues",
            ],
        ),
        (
            "hash",
            &[
                "--key", "--src", "--dst", "--sport", "--dport", "--proto", "--type", "--ex-src",
                "--ex-dst",
            ],
        ),
        (
            "steer",
            &[
                "--key",
                "--types",
                "--table-entries",
                "--queues",
                "--default-queue",
                "--records",
                "--json",
                "--plot",
                "--rtl",
                "--data-width",
            ],
        ),
    ];
    for (command, options) in expect {
        for help in ["--help", "-h"] {
            let (code, out, err) = rss_core(&[command, help]);
            assert_eq!(code, 0, "{command} {help}: {err}");
            assert!(out.contains("Usage: rss-core"), "{command}: {out}");
            for option in options {
                assert!(out.contains(option), "{command} --help lacks {option}");
            }
        }
        let (code, out, _) = rss_core(&["help", command]);
        assert_eq!(code, 0);
        assert!(out.contains(&format!("Usage: rss-core {command}")));
    }
}

fn hash_ok(args: &[&str]) -> String {
    let mut full = vec!["hash"];
    full.extend_from_slice(args);
    let (code, out, err) = rss_core(&full);
    assert_eq!(code, 0, "{args:?}: {err}");
    out
}

fn expected(key: &[u8], bytes: &[u8]) -> String {
    format!("0x{:08x}\n", independent_toeplitz(key, bytes))
}

#[test]
fn hash_covers_every_input_the_core_hashes() {
    let key = hex(DEFAULT_KEY);
    let v4 = ["--src", "66.9.149.187", "--dst", "161.142.100.80"];
    let v4_bytes = tuple_bytes(
        "66.9.149.187".parse().unwrap(),
        "161.142.100.80".parse().unwrap(),
        None,
    );
    let with_ports = |b: &[u8]| [b, &2794u16.to_be_bytes()[..], &1766u16.to_be_bytes()].concat();
    // Today's arguments: unchanged output (published vectors).
    assert_eq!(hash_ok(&v4), "0x323e8fc2\n");
    let ports = ["--sport", "2794", "--dport", "1766"];
    let four: Vec<&str> = v4.iter().chain(&ports).copied().collect();
    assert_eq!(hash_ok(&four), "0x51ccc178\n");
    // UDP hashes the same bytes as TCP; --type picks the input explicitly.
    for extra in [
        &["--proto", "udp"][..],
        &["--proto", "tcp", "--type", "TCP_IPV4"],
        &["--proto", "udp", "--type", "UDP_IPV4"],
    ] {
        let args: Vec<&str> = four.iter().chain(extra).copied().collect();
        assert_eq!(
            hash_ok(&args),
            expected(&key, &with_ports(&v4_bytes)),
            "{extra:?}"
        );
    }
    let args: Vec<&str> = four.iter().chain(&["--type", "IPV4"]).copied().collect();
    assert_eq!(hash_ok(&args), expected(&key, &v4_bytes));

    // IPv6 and IPv6-Ex: the Ex addresses replace source / destination in _EX inputs only.
    let (src, dst) = ("3ffe:2501:200:1fff::7", "3ffe:2501:200:3::1");
    let (home, rh2) = ("2001:db8::aa", "2001:db8::bb");
    let bytes = |s: &str, d: &str, p: bool| {
        let b = tuple_bytes(s.parse().unwrap(), d.parse().unwrap(), None);
        if p { with_ports(&b) } else { b }
    };
    let v6 = ["--src", src, "--dst", dst];
    let cases: Vec<(Vec<&str>, Vec<u8>)> = vec![
        (vec![], bytes(src, dst, false)),
        (vec!["--type", "IPV6_EX"], bytes(src, dst, false)),
        (vec!["--ex-src", home], bytes(home, dst, false)),
        (
            vec!["--ex-dst", rh2, "--type", "IPV6_EX"],
            bytes(src, rh2, false),
        ),
        (
            vec!["--ex-src", home, "--ex-dst", rh2],
            bytes(home, rh2, false),
        ),
        (ports.to_vec(), bytes(src, dst, true)),
        (
            [&ports[..], &["--ex-src", home, "--ex-dst", rh2]].concat(),
            bytes(home, rh2, true),
        ),
        (
            [
                &ports[..],
                &["--proto", "udp", "--ex-dst", rh2, "--type", "UDP_IPV6_EX"],
            ]
            .concat(),
            bytes(src, rh2, true),
        ),
        (
            [&ports[..], &["--ex-src", home, "--type", "IPV6_EX"]].concat(),
            bytes(home, dst, false),
        ),
        (
            [&ports[..], &["--type", "IPV6"]].concat(),
            bytes(src, dst, false),
        ),
        (
            [&ports[..], &["--type", "TCP_IPV6"]].concat(),
            bytes(src, dst, true),
        ),
    ];
    for (extra, input) in cases {
        let args: Vec<&str> = v6.iter().copied().chain(extra.iter().copied()).collect();
        assert_eq!(hash_ok(&args), expected(&key, &input), "{extra:?}");
    }
}

fn hex(text: &str) -> Vec<u8> {
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap())
        .collect()
}

fn assert_exit_2(args: &[&str]) {
    let (code, out, err) = rss_core(args);
    assert_eq!(code, 2, "{args:?}: {out}{err}");
    assert!(out.is_empty(), "{args:?} printed {out}");
    assert!(
        err.starts_with("rss-core: ") && err.len() > 12,
        "{args:?}: {err}"
    );
}

#[test]
fn hash_refuses_inputs_that_do_not_fit_the_type() {
    let v4 = ["hash", "--src", "1.2.3.4", "--dst", "5.6.7.8"];
    let v6 = ["hash", "--src", "::1", "--dst", "::2"];
    let cases: Vec<Vec<&str>> = vec![
        [&v4[..], &["--type", "TCP_IPV4"]].concat(),
        [&v4[..], &["--type", "IPV6"]].concat(),
        [&v4[..], &["--type", "tcp_ipv4"]].concat(),
        [&v4[..], &["--ex-src", "::3"]].concat(),
        [
            &v4[..],
            &["--sport", "1", "--dport", "2", "--type", "UDP_IPV4"],
        ]
        .concat(),
        [
            &v4[..],
            &["--proto", "sctp", "--sport", "1", "--dport", "2"],
        ]
        .concat(),
        [&v4[..], &["--proto", "udp"]].concat(),
        [&v6[..], &["--ex-src", "::3", "--type", "IPV6"]].concat(),
        [&v6[..], &["--ex-dst", "1.2.3.4"]].concat(),
        [&v6[..], &["--sport", "1", "--dport", "2", "--type", "IPV4"]].concat(),
    ];
    for args in &cases {
        assert_exit_2(args);
    }
}

/// Rows of a `--records` CSV, header checked.
fn csv_rows(path: &std::path::Path) -> Vec<Vec<String>> {
    let text = std::fs::read_to_string(path).unwrap();
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some("index,length,hash_type,hash,queue,flags")
    );
    lines
        .map(|l| l.split(',').map(str::to_owned).collect())
        .collect()
}

/// Frames expected per hash-type name.
type TypeCounts = &'static [(&'static str, usize)];

#[test]
fn steer_writes_records_json_and_plots() {
    let dir = temp_dir("steer");
    // (capture, records, per-type expectations from the captures' README)
    let cases: [(&str, usize, TypeCounts); 5] = [
        ("of13_ericsson.pcapng", 174, &[("TCP_IPV4", 174)]),
        ("bgp-4byte-asn.pcap", 91, &[("TCP_IPV4", 79), ("NONE", 12)]),
        (
            "sflow_multiple_counter_30_pdus.pcap",
            30,
            &[("UDP_IPV4", 30)],
        ),
        ("isup.pcap", 6, &[("IPV4", 6)]),
        ("rx_serviceid_oobr.pcap", 3, &[("NONE", 3)]),
    ];
    for (name, frames, types) in cases {
        let csv = dir.join(format!("{name}.csv"));
        let json = dir.join(format!("{name}.json"));
        let svg = dir.join(format!("{name}.svg"));
        let png = dir.join(format!("{name}.png"));
        let (csv_s, json_s, svg_s) = (
            csv.to_str().unwrap(),
            json.to_str().unwrap(),
            svg.to_str().unwrap(),
        );
        let (code, out, err) = rss_core(&[
            "steer",
            &capture(name),
            "--records",
            csv_s,
            "--json",
            json_s,
            "--plot",
            svg_s,
        ]);
        assert_eq!(code, 0, "{name}: {err}");
        assert!(out.contains(&format!("{frames} frames")), "{out}");
        for heading in ["queue", "hash type", "malformed", "not IP", "skew"] {
            assert!(out.contains(heading), "{name}: no {heading} in\n{out}");
        }
        let rows = csv_rows(&csv);
        assert_eq!(rows.len(), frames, "{name}");
        for (i, row) in rows.iter().enumerate() {
            assert_eq!(row.len(), 6, "{row:?}");
            assert_eq!(row[0], i.to_string());
            let hash = u32::from_str_radix(row[3].strip_prefix("0x").unwrap(), 16).unwrap();
            assert_eq!(row[3].len(), 10);
            let queue: u32 = row[4].parse().unwrap();
            if row[2] == "NONE" {
                assert_eq!((hash, queue), (0, 0), "{name} {row:?}");
            } else {
                // Default table: 128 entries, entry i -> queue i mod 8.
                assert_eq!(queue, (hash & 127) % 8, "{name} {row:?}");
            }
        }
        for (t, n) in types {
            assert_eq!(rows.iter().filter(|r| r[2] == *t).count(), *n, "{name} {t}");
        }
        let summary: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
        assert_eq!(summary["frames"], frames, "{name}");
        assert_eq!(summary["queues"].as_array().unwrap().len(), 8);
        assert!(std::fs::read_to_string(&svg).unwrap().contains("<svg"));
        let (code, _, err) = rss_core(&["steer", &capture(name), "--plot", png.to_str().unwrap()]);
        assert_eq!(code, 0, "{err}");
        assert!(
            std::fs::read(&png)
                .unwrap()
                .starts_with(b"\x89PNG\r\n\x1a\n")
        );
    }
    // Every record gets a row, the 0-byte one included: malformed, no hash.
    let rows = csv_rows(&dir.join("rx_serviceid_oobr.pcap.csv"));
    assert_eq!(rows[1], ["1", "0", "NONE", "0x00000000", "0", "1"]);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn steer_options_change_the_spread() {
    let dir = temp_dir("steer-options");
    let csv = dir.join("r.csv");
    let key = "ff".repeat(40);
    let (code, out, err) = rss_core(&[
        "steer",
        &capture("ldp-common-session.pcap"),
        "--key",
        &key,
        "--types",
        "IPV4,UDP_IPV4",
        "--table-entries",
        "16",
        "--queues",
        "3",
        "--default-queue",
        "2",
        "--records",
        csv.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("IPV4,UDP_IPV4"), "{out}");
    let rows = csv_rows(&csv);
    assert_eq!(rows.len(), 22);
    // TCP_IPV4 is not enabled: the 13 TCP frames fall back to IPV4; 9 UDP hellos.
    assert_eq!(rows.iter().filter(|r| r[2] == "IPV4").count(), 13);
    assert_eq!(rows.iter().filter(|r| r[2] == "UDP_IPV4").count(), 9);
    for r in &rows {
        let hash = u32::from_str_radix(&r[3][2..], 16).unwrap();
        assert_eq!(r[4].parse::<u32>().unwrap(), (hash & 15) % 3, "{r:?}");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn steer_bad_values_exit_2() {
    let cap = capture("isup.pcap");
    let not_a_capture = format!("{}/Cargo.toml", env!("CARGO_MANIFEST_DIR"));
    let cases: Vec<Vec<&str>> = vec![
        vec!["steer"],
        vec!["steer", "/nonexistent.pcap"],
        vec!["steer", &not_a_capture],
        vec!["steer", &cap, "--key", "6d5a"],
        vec!["steer", &cap, "--key", &DEFAULT_KEY[..78]],
        vec!["steer", &cap, "--key", "zz"],
        vec!["steer", &cap, "--types", "tcp_ipv4"],
        vec!["steer", &cap, "--types", "TCP_IPV4,BOGUS"],
        vec!["steer", &cap, "--table-entries", "100"],
        vec!["steer", &cap, "--table-entries", "2048"],
        vec!["steer", &cap, "--queues", "0"],
        vec!["steer", &cap, "--queues", "257"],
        vec!["steer", &cap, "--default-queue", "8"],
        vec!["steer", &cap, "--plot", "/tmp/x.gif"],
        vec!["steer", &cap, "--data-width", "64"],
        vec!["steer", &cap, "--rtl", "--data-width", "128"],
        vec!["steer", &cap, "--rtl", "--queues", "65"],
        vec!["steer", &cap, "--rtl", "--table-entries", "256"],
        vec!["steer", &cap, "--bogus"],
    ];
    for args in &cases {
        assert_exit_2(args);
    }
    // A key with ethtool's separators is fine.
    let colons: Vec<String> = DEFAULT_KEY
        .as_bytes()
        .chunks(2)
        .map(|c| String::from_utf8(c.to_vec()).unwrap())
        .collect();
    let (code, _, err) = rss_core(&["steer", &cap, "--key", &colons.join(":")]);
    assert_eq!(code, 0, "{err}");
}

#[test]
fn gen_writes_an_svd_that_svd_parser_reads_back() {
    let dir = temp_dir("svd");
    let (code, _, err) = rss_core(&["gen", "--out", dir.to_str().unwrap(), "--num-queues", "48"]);
    assert_eq!(code, 0, "{err}");
    let xml = std::fs::read_to_string(dir.join("rss_core.svd")).unwrap();
    let device = svd_parser::parse(&xml).unwrap();
    assert_eq!(device.name, "rss_core");
    let rss = device.get_peripheral("RSS").unwrap();
    let map = rss_model::RegisterMap::new(rss_model::Params {
        num_queues: 48,
        ..rss_model::Params::default()
    })
    .unwrap();
    let registers: Vec<_> = rss.registers().collect();
    assert_eq!(registers.len(), map.registers().len());
    for (svd, reg) in registers.iter().zip(map.registers()) {
        assert_eq!(svd.address_offset, reg.offset, "{}", reg.name);
        assert_eq!(
            svd.properties.reset_value,
            Some(u64::from(reg.reset)),
            "{}",
            reg.name
        );
        match svd {
            svd_parser::svd::MaybeArray::Array(info, dim) => {
                assert_eq!(info.name, format!("{}[%s]", reg.name));
                assert_eq!((dim.dim, dim.dim_increment), (reg.count, 4));
            }
            svd_parser::svd::MaybeArray::Single(info) => {
                assert_eq!(info.name, reg.name);
                assert_eq!(reg.count, 1);
            }
        }
        let fields: Vec<_> = svd.fields().collect();
        assert_eq!(fields.len(), reg.fields().len(), "{}", reg.name);
        for (f, model) in fields.iter().zip(reg.fields()) {
            assert_eq!(f.name, model.name);
            assert_eq!(f.bit_range.offset, u32::from(model.lsb));
            assert_eq!(f.bit_range.width, u32::from(model.width));
        }
    }
    // Queue fields carry their range limit (48 queues in 6 bits).
    let default_queue = rss.get_register("DEFAULT_QUEUE").unwrap();
    assert_eq!(
        default_queue.get_field("QUEUE").unwrap().write_constraint,
        Some(svd_parser::svd::WriteConstraint::Range(
            svd_parser::svd::WriteConstraintRange { min: 0, max: 47 }
        ))
    );
    // The JSON states the layouts as data.
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("regmap.json")).unwrap()).unwrap();
    let key = json["registers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "KEY")
        .unwrap();
    assert_eq!(
        (key["count"].as_u64(), key["stride"].as_u64()),
        (Some(10), Some(4))
    );
    assert_eq!(json["key_layout"]["byte_order"], "big-endian");
    assert_eq!(
        json["key_layout"]["byte_bits"][0],
        serde_json::json!([31, 24])
    );
    let types = json["hash_types"].as_array().unwrap();
    assert_eq!(types.len(), 9);
    for (i, t) in types.iter().enumerate() {
        assert_eq!(t["bit"], i);
        assert_eq!(t["ndis_flag"], 1u64 << (i + 8));
    }
    assert_eq!(types[8]["name"], "UDP_IPV6_EX");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn steer_refuses_other_link_types_and_broken_captures() {
    let dir = temp_dir("steer-broken");
    // A pcap of raw IP (link type 101): magic, version 2.4, zone, sigfigs, snaplen,
    // link type; then one 20-byte record.
    let mut raw_ip = Vec::new();
    raw_ip.extend(0xa1b2_c3d4u32.to_le_bytes());
    raw_ip.extend(2u16.to_le_bytes());
    raw_ip.extend(4u16.to_le_bytes());
    for word in [0u32, 0, 65535, 101, 0, 0, 20, 20] {
        raw_ip.extend(word.to_le_bytes());
    }
    raw_ip.extend([0x45u8; 20]);
    let raw_path = dir.join("raw.pcap");
    std::fs::write(&raw_path, &raw_ip).unwrap();
    let (code, _, err) = rss_core(&["steer", raw_path.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(err.contains("link type 101"), "{err}");
    // A capture cut inside a record.
    let whole = std::fs::read(capture("tfo-5c1fa7f9ae91.pcap")).unwrap();
    let cut = dir.join("cut.pcap");
    std::fs::write(&cut, &whole[..whole.len() - 10]).unwrap();
    assert_exit_2(&["steer", cut.to_str().unwrap()]);
    let empty = dir.join("empty.pcap");
    std::fs::write(&empty, b"").unwrap();
    assert_exit_2(&["steer", empty.to_str().unwrap()]);
    std::fs::remove_dir_all(&dir).unwrap();
}
