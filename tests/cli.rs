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
    assert!(
        read("regmap.json")
            .contains("\"table_entries_log2\": 6, \"num_queues\": 16, \"queue_bits\": 4")
    );
    assert!(read("regmap.md").contains("| 0x1000–0x10fc | TABLE[64] |"));
    let header = read("rss_core_regs.h");
    assert!(header.contains("#define RSS_KEY_COMMIT_OFFSET 0x0034u"));
    assert!(header.contains("#define RSS_TABLE_COUNT 64u"));
    std::fs::remove_dir_all(&dir).unwrap();
}
