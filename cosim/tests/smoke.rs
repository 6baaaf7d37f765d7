//! End-to-end check of the cosim path: Verilog fixture -> marlin bindings ->
//! tools/verilator-marlin -> Verilator 5.006 -> AXI4-Lite BFM, VCD tracing and
//! wide-port word order.

use std::time::Instant;

use marlin::verilog::prelude::*;
use rand::{Rng, SeedableRng, rngs::StdRng};
use rss_cosim::{
    Cosim, Sim, WideIn,
    axil::{AxilError, AxilMaster, Delays, Op, Resp},
    be_bytes_from_words, impl_axil_pins, words_from_be_bytes,
};

// `src` is relative to this crate's manifest dir (cosim/). The include_str!
// makes cargo recompile the bindings when the fixture changes.
const FIXTURE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/axil_scratch.v");
const _: &str = include_str!("fixtures/axil_scratch.v");

#[verilog(src = "tests/fixtures/axil_scratch.v", name = "axil_scratch")]
pub struct AxilScratch;

impl_axil_pins!(AxilScratch);

fn cosim(trace: bool) -> Cosim {
    Cosim::builder("smoke")
        .source(FIXTURE)
        .trace(trace)
        .build()
        .expect("marlin runtime")
}

fn reset(sim: &mut Sim<'_, AxilScratch<'_>>, bus: &AxilMaster) {
    bus.idle(sim);
    sim.rst = 1;
    sim.ticks(2);
    sim.rst = 0;
}

#[test]
fn write_then_read_back() {
    let cosim = cosim(false);
    let mut sim: Sim<AxilScratch> = cosim.sim("write_then_read_back").unwrap();
    let mut bus = AxilMaster::new();
    reset(&mut sim, &bus);

    for (i, value) in [0x0123_4567, 0x89ab_cdef, 0xdead_beef, 0x0000_0001]
        .into_iter()
        .enumerate()
    {
        let addr = 4 * i as u32;
        assert_eq!(bus.write(&mut sim, addr, value, 0xf), Ok(Resp::Okay));
        assert_eq!(bus.read(&mut sim, addr), Ok((value, Resp::Okay)));
    }
    assert_eq!(bus.read32(&mut sim, 0x4), Ok(0x89ab_cdef));
    // Address bits above the 13-bit port are dropped, as in hardware.
    assert_eq!(bus.read32(&mut sim, 0x2000 | 0x8), Ok(0xdead_beef));
}

#[test]
fn unmapped_address_is_slverr() {
    let cosim = cosim(false);
    let mut sim: Sim<AxilScratch> = cosim.sim("slverr").unwrap();
    let mut bus = AxilMaster::new();
    reset(&mut sim, &bus);

    bus.write32(&mut sim, 0x0, 0x5555_aaaa).unwrap();
    assert_eq!(bus.write(&mut sim, 0x10, 1, 0xf), Ok(Resp::SlvErr));
    assert_eq!(bus.write(&mut sim, 0x2, 1, 0xf), Ok(Resp::SlvErr));
    assert_eq!(bus.read(&mut sim, 0x100), Ok((0, Resp::SlvErr)));
    assert_eq!(
        bus.read32(&mut sim, 0x1ffc),
        Err(AxilError::Response {
            op: Op::Read,
            addr: 0x1ffc,
            resp: Resp::SlvErr
        })
    );
    // The failed write to 0x2 did not touch register 0.
    assert_eq!(bus.read32(&mut sim, 0x0), Ok(0x5555_aaaa));
}

#[test]
fn byte_strobes() {
    let cosim = cosim(false);
    let mut sim: Sim<AxilScratch> = cosim.sim("byte_strobes").unwrap();
    let mut bus = AxilMaster::new();
    reset(&mut sim, &bus);

    bus.write32(&mut sim, 0xc, 0x1122_3344).unwrap();
    bus.write(&mut sim, 0xc, 0xaabb_ccdd, 0b0101).unwrap();
    assert_eq!(bus.read32(&mut sim, 0xc), Ok(0x11bb_33dd));
    bus.write(&mut sim, 0xc, 0xeeee_eeee, 0b1000).unwrap();
    assert_eq!(bus.read32(&mut sim, 0xc), Ok(0xeebb_33dd));
    bus.write(&mut sim, 0xc, 0xffff_ffff, 0).unwrap();
    assert_eq!(bus.read32(&mut sim, 0xc), Ok(0xeebb_33dd));
}

#[test]
fn address_and_data_in_either_order() {
    let cosim = cosim(false);
    let mut sim: Sim<AxilScratch> = cosim.sim("either_order").unwrap();
    reset(&mut sim, &AxilMaster::new());

    for (aw, w) in [(0, 3), (3, 0), (2, 2)] {
        let mut bus = AxilMaster::new().with_delays(Delays {
            aw,
            w,
            b: 1,
            ar: 1,
            r: 4,
        });
        let value = 0x1000 * aw + w;
        bus.write32(&mut sim, 0x8, value).unwrap();
        assert_eq!(bus.read32(&mut sim, 0x8), Ok(value));
    }

    // Random delays against a Rust model of the four registers (reset clears them).
    reset(&mut sim, &AxilMaster::new());
    let mut bus = AxilMaster::new().with_random_delays(7, 4);
    let mut rng = StdRng::seed_from_u64(1);
    let mut model = [0u32; 4];
    let mut cycles = 0;
    for _ in 0..500 {
        let reg = rng.random_range(0..5usize);
        let addr = 4 * reg as u32;
        if rng.random_bool(0.5) {
            let (data, strb) = (rng.random::<u32>(), rng.random_range(0..16u8));
            let resp = bus
                .write_with(&mut sim, addr, data, strb, |_| cycles += 1)
                .unwrap();
            if let Some(r) = model.get_mut(reg) {
                assert_eq!(resp, Resp::Okay);
                for byte in 0..4 {
                    if strb >> byte & 1 != 0 {
                        let mask = 0xff << (8 * byte);
                        *r = (*r & !mask) | (data & mask);
                    }
                }
            } else {
                assert_eq!(resp, Resp::SlvErr);
            }
        } else {
            let expected = model
                .get(reg)
                .map_or((0, Resp::SlvErr), |&r| (r, Resp::Okay));
            assert_eq!(bus.read(&mut sim, addr), Ok(expected));
        }
    }
    assert!(cycles > 500, "the per-cycle hook runs ({cycles} cycles)");
}

#[test]
fn stuck_slave_times_out() {
    let cosim = cosim(false);
    let mut sim: Sim<AxilScratch> = cosim.sim("timeout").unwrap();
    let mut bus = AxilMaster::new().with_timeout(50);
    bus.idle(&mut sim);
    sim.rst = 1; // held in reset, the slave accepts but never responds
    assert_eq!(
        bus.write(&mut sim, 0, 1, 0xf),
        Err(AxilError::Timeout {
            op: Op::Write,
            addr: 0,
            cycles: 50,
            waiting_for: "bvalid"
        })
    );
    assert!(matches!(
        bus.read(&mut sim, 0),
        Err(AxilError::Timeout {
            waiting_for: "rvalid",
            ..
        })
    ));
}

/// `WideIn<9>` for a 288-bit port: word 0 is bits 31:0, word 8 bits 287:256.
#[test]
fn wide_port_word_order() {
    let cosim = cosim(false);
    let mut sim: Sim<AxilScratch> = cosim.sim("wide").unwrap();
    let bus = AxilMaster::new();
    reset(&mut sim, &bus);

    let words: [u32; 9] = std::array::from_fn(|i| 0x1111_1111 * i as u32 + 0x0102_0304);
    sim.wide_in = WideIn::new(words);
    sim.tick();
    assert_eq!(sim.wide_out.value(), &words);

    // One bit at a time: Verilog bit n is word n / 32, bit n % 32.
    for bit in [0usize, 31, 32, 100, 287] {
        let mut w = [0u32; 9];
        w[bit / 32] = 1 << (bit % 32);
        sim.wide_in = WideIn::new(w);
        sim.tick();
        assert_eq!(sim.wide_out.value(), &w, "bit {bit}");
    }

    // Big-endian bytes: the first byte lands in bits 287:280.
    let bytes: Vec<u8> = (0..36).map(|i| 0xa0 ^ i).collect();
    let mut w = [0u32; 9];
    words_from_be_bytes(&bytes, &mut w);
    assert_eq!(w[8] >> 24, 0xa0);
    sim.wide_in = WideIn::new(w);
    sim.tick();
    assert_eq!(be_bytes_from_words(sim.wide_out.value(), 36), bytes);

    // A 40-bit port is a plain u64.
    let before: u64 = sim.count_out;
    sim.ticks(3);
    assert_eq!(sim.count_out, before + 3);
}

#[test]
fn vcd_trace_is_written() {
    let cosim = cosim(true);
    assert!(cosim.tracing());
    let path = {
        let mut sim: Sim<AxilScratch> = cosim.sim("smoke_trace").unwrap();
        let mut bus = AxilMaster::new();
        reset(&mut sim, &bus);
        bus.write32(&mut sim, 0x4, 0xcafe_f00d).unwrap();
        assert_eq!(bus.read32(&mut sim, 0x4), Ok(0xcafe_f00d));
        sim.trace_path().unwrap().to_path_buf()
        // dropping the Sim closes the trace
    };
    assert!(path.starts_with(rss_cosim::trace_dir()));
    let vcd = std::fs::read_to_string(&path).expect("VCD written");
    assert!(!vcd.is_empty());
    assert!(vcd.contains("$enddefinitions"), "VCD header");
    assert!(vcd.contains("s_axil_awvalid"), "ports are traced");
    assert!(
        vcd.lines().filter(|l| l.starts_with('#')).count() > 10,
        "timestamps"
    );
}

/// A test process loads several Verilated libraries (64- and 512-bit cores, traced and
/// untraced builds) and unloads each as its test ends. Each library must keep its copy of
/// the Verilator runtime to itself: a GNU-unique symbol would make every library share
/// one default `VerilatedContext`, destroyed with whichever library happened to touch it
/// first, and the next model of another library aborts ("bad/deleted VerilatedContext
/// pointer", a CI failure that depended on which test finished first).
#[test]
fn each_model_library_keeps_its_verilator_runtime_to_itself() {
    let (plain, traced) = (cosim(false), cosim(true));
    let write_read = |sim: &mut Sim<'_, AxilScratch<'_>>| {
        let mut bus = AxilMaster::new();
        reset(sim, &bus);
        bus.write32(sim, 0x8, 0x5a5a_0001).unwrap();
        assert_eq!(bus.read32(sim, 0x8), Ok(0x5a5a_0001));
    };
    let loaded = {
        let mut first: Sim<AxilScratch> = traced.sim("runtime_isolation").unwrap();
        write_read(&mut first);
        let mut second: Sim<AxilScratch> = plain.sim("runtime_isolation").unwrap();
        write_read(&mut second);
        loaded_model_libraries()
    };
    // Unload the library that built its runtime first; the other must go on working.
    drop(traced);
    let mut again: Sim<AxilScratch> = plain.sim("runtime_isolation").unwrap();
    write_read(&mut again);

    assert!(
        loaded.len() >= 2,
        "traced and untraced libraries: {loaded:?}"
    );
    for library in &loaded {
        let out = std::process::Command::new("nm")
            .args(["--dynamic", "--defined-only"])
            .arg(library)
            .output()
            .expect("nm (binutils) runs");
        assert!(out.status.success(), "nm {}", library.display());
        let unique: Vec<String> = String::from_utf8_lossy(&out.stdout)
            .lines()
            .filter(|line| line.split_whitespace().nth(1) == Some("u"))
            .map(str::to_owned)
            .collect();
        assert!(
            unique.is_empty(),
            "{} shares {} symbols process-wide (STB_GNU_UNIQUE), e.g. {:?}; \
             tools/verilator-marlin must compile with -fno-gnu-unique",
            library.display(),
            unique.len(),
            &unique[..unique.len().min(3)]
        );
    }
}

/// The Verilated model libraries this process has loaded (from `/proc/self/maps`).
fn loaded_model_libraries() -> Vec<std::path::PathBuf> {
    let maps = std::fs::read_to_string("/proc/self/maps").expect("/proc/self/maps");
    let mut libraries: Vec<std::path::PathBuf> = maps
        .lines()
        .filter_map(|line| line.split_whitespace().nth(5))
        .filter(|path| path.contains("cosim-artifacts") && path.ends_with(".so"))
        .map(Into::into)
        .collect();
    libraries.sort();
    libraries.dedup();
    libraries
}

/// Prints model build and simulation speed (`--nocapture` to see them).
#[test]
fn throughput() {
    let start = Instant::now();
    let cosim = cosim(false);
    let mut sim: Sim<AxilScratch> = cosim.sim("throughput").unwrap();
    let load = start.elapsed();
    let bus = AxilMaster::new();
    reset(&mut sim, &bus);

    let n = 2_000_000;
    let start = Instant::now();
    for i in 0..n {
        sim.wide_in = WideIn::new([i as u32; 9]);
        sim.tick();
    }
    let raw = n as f64 / start.elapsed().as_secs_f64();

    let mut bus = AxilMaster::new();
    let txns = 50_000;
    let start = Instant::now();
    let before = sim.cycles();
    for i in 0..txns {
        bus.write(&mut sim, 4 * (i % 4), i, 0xf).unwrap();
    }
    let secs = start.elapsed().as_secs_f64();
    let bus_cycles = (sim.cycles() - before) as f64 / secs;
    assert_eq!(
        sim.count_out,
        sim.cycles() - 2,
        "count_out counts since reset"
    );
    eprintln!(
        "axil_scratch: model build/load {load:.2?}; {:.2} M cycles/s raw ticks; \
         {:.2} M cycles/s, {:.0} k writes/s through the BFM",
        raw / 1e6,
        bus_cycles / 1e6,
        f64::from(txns) / secs / 1e3,
    );
}
