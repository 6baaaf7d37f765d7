//! ECP5 block RAM output registers: a flip-flop stage right after a `DP16KD` read port
//! moved into the primitive's own output register (`REGMODE_x = "OUTREG"`).
//!
//! An ECP5 block RAM without its output register answers about 5.8 ns after the clock
//! (speed grade 6), which with the route to the next flip-flop already exceeds a
//! 156.25 MHz cycle; with the register it answers in under 1 ns. yosys `synth_ecp5`
//! maps a read port to `DP16KD` with `REGMODE = "NOREG"` and leaves a pipeline register
//! behind it as plain `TRELLIS_FF`s (yosys does not infer the output register), so the
//! flow packs them here, between yosys and nextpnr, as vendor synthesis does.
//!
//! A port is packed when each of its used `DOx` bits drives exactly one cell input, the
//! `DI` of a `TRELLIS_FF` clocked, not inverted, by the port's own clock, with no clock
//! enable and no set or reset; and the port's output clock enable is tied high and its
//! reset low. The output register then holds what the flip-flop held, clock for clock,
//! so the packed netlist is the same logic.

use std::collections::HashMap;

use serde_json::Value;

/// What [`pack`] did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Packed {
    /// Read ports switched to `OUTREG`.
    pub ports: u64,
    /// Flip-flops absorbed by them (removed from the netlist).
    pub flip_flops: u64,
}

/// Packs the output registers of every `DP16KD` in module `top` of a yosys JSON netlist.
pub fn pack(netlist: &mut Value, top: &str) -> Result<Packed, String> {
    let cells = netlist
        .pointer_mut(&format!("/modules/{top}/cells"))
        .and_then(Value::as_object_mut)
        .ok_or_else(|| format!("no module {top} with cells"))?;

    // Every net bit's readers: (cell, port), or a top-level port.
    let mut readers: HashMap<u64, Vec<(String, String)>> = HashMap::new();
    for (name, cell) in cells.iter() {
        for (port, bits) in connections(cell) {
            if direction(cell, port) != Some("output") {
                for bit in bits.iter().filter_map(Value::as_u64) {
                    readers
                        .entry(bit)
                        .or_default()
                        .push((name.clone(), port.clone()));
                }
            }
        }
    }
    let top_outputs: Vec<u64> = netlist
        .pointer(&format!("/modules/{top}/ports"))
        .and_then(Value::as_object)
        .into_iter()
        .flat_map(|ports| ports.values())
        .filter(|p| p["direction"] != "input")
        .flat_map(|p| p["bits"].as_array().cloned().unwrap_or_default())
        .filter_map(|b| b.as_u64())
        .collect();
    for bit in top_outputs {
        readers
            .entry(bit)
            .or_default()
            .push(("$top".into(), String::new()));
    }

    let cells = netlist
        .pointer_mut(&format!("/modules/{top}/cells"))
        .and_then(Value::as_object_mut)
        .expect("checked above");
    let rams: Vec<String> = cells
        .iter()
        .filter(|(_, c)| c["type"] == "DP16KD")
        .map(|(n, _)| n.clone())
        .collect();
    let mut packed = Packed::default();
    for ram in rams {
        // At 36 bits (yosys's pseudo-dual-port map) port A only writes and the read
        // comes out on both halves, `DOA` and `DOB`: one read port, packed whole.
        let sides: &[&[&str]] = if data_width(&cells[&ram], "B") == Some(36) {
            &[&["A", "B"]]
        } else {
            &[&["A"], &["B"]]
        };
        for halves in sides {
            let Some(moves) = packable(cells, &readers, &ram, halves) else {
                continue;
            };
            if moves.is_empty() {
                continue;
            }
            for (data_port, ff) in &moves {
                let q = cells[ff]["connections"]["Q"].clone();
                cells[&ram]["connections"][data_port.as_str()] = q;
                cells.remove(ff);
            }
            for side in *halves {
                cells[&ram]["parameters"][format!("REGMODE_{side}")] = "OUTREG".into();
                cells[&ram]["connections"][format!("OCE{side}")] = Value::from(vec!["1"]);
            }
            packed.ports += 1;
            packed.flip_flops += moves.len() as u64;
        }
    }
    Ok(packed)
}

/// The (data port, flip-flop) pairs of `ram`'s read port when the whole port can be
/// packed, else `None`. The port's outputs are `DOx` of each side in `halves`; each
/// half's output register must be free (`NOREG`, reset low), enabled or enable-able
/// (the output enable of a 36-bit read's write-only half is tied low: it is set high,
/// as a port of its own would have it), and on one clock with the others.
fn packable(
    cells: &serde_json::Map<String, Value>,
    readers: &HashMap<u64, Vec<(String, String)>>,
    ram: &str,
    halves: &[&str],
) -> Option<Vec<(String, String)>> {
    let cell = &cells[ram];
    let param = |name: &str| cell["parameters"][name].as_str().map(str::trim);
    let conn = |port: &str| cell["connections"][port].as_array().cloned();
    let clock = conn(&format!("CLK{}", halves[0]))?;
    clock[0].as_u64()?;
    let mut moves = Vec::new();
    for (i, side) in halves.iter().enumerate() {
        let enabled = conn(&format!("OCE{side}"))? == [Value::from("1")];
        let write_only_half = i == 0 && halves.len() == 2;
        if param(&format!("REGMODE_{side}")) != Some("NOREG")
            || !(enabled || write_only_half)
            || conn(&format!("RST{side}"))? != [Value::from("0")]
            || conn(&format!("CLK{side}"))? != clock
        {
            return None;
        }
        for bit in 0..18 {
            let data_port = format!("DO{side}{bit}");
            let Some(bits) = conn(&data_port) else {
                continue;
            };
            let Some(net) = bits.first().and_then(Value::as_u64) else {
                continue;
            };
            match readers.get(&net).map(Vec::as_slice) {
                None | Some([]) => {}
                Some([(ff, port)]) if port == "DI" && plain_register(&cells[ff], &clock) => {
                    moves.push((data_port, ff.clone()));
                }
                Some(_) => return None,
            }
        }
    }
    Some(moves)
}

/// A port's `DATA_WIDTH_x`, written by yosys as a 32-digit binary number.
fn data_width(ram: &Value, side: &str) -> Option<u64> {
    match &ram["parameters"][format!("DATA_WIDTH_{side}")] {
        Value::String(s) if s.len() == 32 => u64::from_str_radix(s, 2).ok(),
        Value::String(s) => s.trim().parse().ok(),
        Value::Number(n) => n.as_u64(),
        _ => None,
    }
}

/// A `TRELLIS_FF` clocked by `clock` with no enable and no set or reset.
fn plain_register(ff: &Value, clock: &[Value]) -> bool {
    let param = |name: &str| ff["parameters"][name].as_str().map(str::trim);
    let tied = |port: &str, level: &str| match ff["connections"].get(port) {
        None => true,
        Some(bits) => bits.as_array().is_some_and(|b| b == &[Value::from(level)]),
    };
    ff["type"] == "TRELLIS_FF"
        && ff["connections"]["CLK"].as_array().map(Vec::as_slice) == Some(clock)
        && param("CLKMUX") == Some("CLK")
        && (param("CEMUX") == Some("1") || tied("CE", "1"))
        && tied("LSR", "0")
}

fn connections(cell: &Value) -> impl Iterator<Item = (&String, &Vec<Value>)> {
    cell["connections"]
        .as_object()
        .into_iter()
        .flatten()
        .filter_map(|(p, b)| Some((p, b.as_array()?)))
}

fn direction<'a>(cell: &'a Value, port: &str) -> Option<&'a str> {
    cell["port_directions"][port].as_str()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn ram(do_a: &[Value], oce: &str) -> Value {
        let mut connections = json!({
            "CLKA": [2], "CLKB": [2], "OCEA": [oce], "OCEB": ["1"], "RSTA": ["0"], "RSTB": ["0"],
        });
        for (i, bit) in do_a.iter().enumerate() {
            connections[format!("DOA{i}")] = json!([bit]);
        }
        let mut directions = json!({});
        for port in connections.as_object().unwrap().keys() {
            let output = port.starts_with("DO");
            directions[port] = if output { "output" } else { "input" }.into();
        }
        json!({
            "type": "DP16KD",
            "parameters": {
                "REGMODE_A": "NOREG", "REGMODE_B": "NOREG",
                "DATA_WIDTH_A": "00000000000000000000000000010010",
                "DATA_WIDTH_B": "00000000000000000000000000010010",
            },
            "port_directions": directions,
            "connections": connections,
        })
    }

    fn ff(d: u64, q: u64, clock: u64, lsr: &str) -> Value {
        json!({
            "type": "TRELLIS_FF",
            "parameters": { "CEMUX": "1 ", "CLKMUX": "CLK", "GSR": "DISABLED", "LSRMUX": "LSR", "REGSET": "RESET" },
            "port_directions": { "CLK": "input", "DI": "input", "LSR": "input", "Q": "output" },
            "connections": { "CLK": [clock], "DI": [d], "LSR": [lsr], "Q": [q] },
        })
    }

    fn lut(a: u64, z: u64) -> Value {
        json!({
            "type": "LUT4",
            "parameters": {},
            "port_directions": { "A": "input", "Z": "output" },
            "connections": { "A": [a], "Z": [z] },
        })
    }

    fn netlist(cells: Value) -> Value {
        json!({ "modules": { "top": { "ports": {}, "cells": cells, "netnames": {} } } })
    }

    #[test]
    fn a_port_read_only_by_plain_flip_flops_takes_them_as_its_output_register() {
        let mut n = netlist(json!({
            "ram": ram(&[json!(10), json!(11), json!(12)], "1"),
            "ff0": ff(10, 20, 2, "0"),
            "ff1": ff(11, 21, 2, "0"),
            "user": lut(20, 30),
        }));
        let packed = pack(&mut n, "top").unwrap();
        assert_eq!(
            packed,
            Packed {
                ports: 1,
                flip_flops: 2
            }
        );
        let cells = &n["modules"]["top"]["cells"];
        assert!(cells.get("ff0").is_none() && cells.get("ff1").is_none());
        assert_eq!(cells["ram"]["parameters"]["REGMODE_A"], "OUTREG");
        assert_eq!(cells["ram"]["parameters"]["REGMODE_B"], "NOREG");
        assert_eq!(cells["ram"]["connections"]["DOA0"], json!([20]));
        assert_eq!(cells["ram"]["connections"]["DOA1"], json!([21]));
        // An unread bit stays as it was.
        assert_eq!(cells["ram"]["connections"]["DOA2"], json!([12]));
    }

    #[test]
    fn a_port_with_any_other_reader_or_register_is_left_alone() {
        let cases = [
            // A bit read by logic.
            json!({ "ram": ram(&[json!(10), json!(11)], "1"), "ff0": ff(10, 20, 2, "0"), "l": lut(11, 30) }),
            // A bit read by a flip-flop and by logic.
            json!({ "ram": ram(&[json!(10)], "1"), "ff0": ff(10, 20, 2, "0"), "l": lut(10, 30) }),
            // A flip-flop with a reset.
            json!({ "ram": ram(&[json!(10)], "1"), "ff0": ff(10, 20, 2, "40") }),
            // A flip-flop on another clock.
            json!({ "ram": ram(&[json!(10)], "1"), "ff0": ff(10, 20, 3, "0") }),
            // The port's output enable in use.
            json!({ "ram": ram(&[json!(10)], "41"), "ff0": ff(10, 20, 2, "0") }),
        ];
        for cells in cases {
            let mut n = netlist(cells.clone());
            assert_eq!(pack(&mut n, "top").unwrap(), Packed::default(), "{cells}");
            assert_eq!(n["modules"]["top"]["cells"], cells);
        }
    }

    #[test]
    fn a_36_bit_read_is_packed_whole_with_both_halves_enabled() {
        let mut r = ram(&[json!(10)], "0");
        r["parameters"]["DATA_WIDTH_A"] = "00000000000000000000000000100100".into();
        r["parameters"]["DATA_WIDTH_B"] = "00000000000000000000000000100100".into();
        r["connections"]["DOB0"] = json!([11]);
        r["port_directions"]["DOB0"] = "output".into();
        let mut n =
            netlist(json!({ "ram": r, "ff0": ff(10, 20, 2, "0"), "ff1": ff(11, 21, 2, "0") }));
        assert_eq!(
            pack(&mut n, "top").unwrap(),
            Packed {
                ports: 1,
                flip_flops: 2
            }
        );
        let ram = &n["modules"]["top"]["cells"]["ram"];
        for side in ["A", "B"] {
            assert_eq!(ram["parameters"][format!("REGMODE_{side}")], "OUTREG");
            assert_eq!(ram["connections"][format!("OCE{side}")], json!(["1"]));
        }
        assert_eq!(ram["connections"]["DOA0"], json!([20]));
        assert_eq!(ram["connections"]["DOB0"], json!([21]));

        // One half read by logic: neither is packed.
        let mut n = netlist(json!({
            "ram": n["modules"]["top"]["cells"]["ram"].clone(),
        }));
        let cells = &mut n["modules"]["top"]["cells"];
        cells["ram"]["parameters"]["REGMODE_A"] = "NOREG".into();
        cells["ram"]["parameters"]["REGMODE_B"] = "NOREG".into();
        cells["ram"]["connections"]["DOA0"] = json!([10]);
        cells["ram"]["connections"]["DOB0"] = json!([11]);
        cells["ff0"] = ff(10, 20, 2, "0");
        cells["l"] = lut(11, 30);
        assert_eq!(pack(&mut n, "top").unwrap(), Packed::default());
    }

    #[test]
    fn a_bit_that_leaves_the_module_is_not_packed() {
        let mut n = netlist(json!({ "ram": ram(&[json!(10)], "1"), "ff0": ff(10, 20, 2, "0") }));
        n["modules"]["top"]["ports"] = json!({ "o": { "direction": "output", "bits": [10] } });
        assert_eq!(pack(&mut n, "top").unwrap(), Packed::default());
    }
}
