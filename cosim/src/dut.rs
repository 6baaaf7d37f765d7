//! The emitted tuple-level core (`rss_tuple_core`) under Verilator, and what drives it:
//! a tuple/record stream driver with random gaps and backpressure, and a register bus
//! that applies every access to the RTL and to the model's `RegFile` and insists they
//! answer alike (shared with the frame-level core in [`crate::frame_dut`]).

use std::collections::VecDeque;

use marlin::verilog::prelude::*;
use rand::{Rng, SeedableRng, rngs::StdRng};
use rss_model::regfile::{RegError, RegFile};
use rss_model::regmap::index;
use rss_model::{Record, TUPLE_BYTES, Tuple};

use crate::axil::{AxilError, AxilMaster, AxilPins, Resp};
use crate::{Cosim, Sim, WideIn, generated, words_from_be_bytes};

// Recompile the bindings when the emitted Verilog's ports change.
const _: &str = include_str!("../generated/rss_tuple_core.bind.v");

#[verilog(src = "generated/rss_tuple_core.bind.v", name = "rss_tuple_core_bind")]
pub struct TupleCore;

crate::impl_axil_pins!(TupleCore);

/// A Verilator build of the generated core (cached under `target/cosim-artifacts`).
pub fn build(trace: bool) -> Result<Cosim, VerilatorError> {
    build_design("rss_tuple_core.v", trace)
}

/// A Verilator build of one generated design (`file`, as emitted or its `.sim.v`
/// copy) under its bind wrapper (`<design>.bind.v`, which the `#[verilog]` structs
/// name; see `cosim/build.rs`), with the lint waivers rss-hdl documents. Every test
/// of a design shares one cached build (`target/cosim-artifacts/<file>`; marlin locks
/// it while it builds): a run verilates each design once, not once per test.
pub fn build_design(file: &str, trace: bool) -> Result<Cosim, VerilatorError> {
    let design = file.split('.').next().unwrap_or(file);
    Cosim::builder(file.trim_end_matches(".v"))
        .source(generated(&format!("{design}.bind.v")))
        .source(generated(file))
        .trace(trace)
        // Waivers as in rss-hdl's lint: rust-hdl's emitted idioms, no real defects.
        .ignore_warning("WIDTH")
        .ignore_warning("UNOPTFLAT")
        .ignore_warning("UNUSEDSIGNAL")
        .ignore_warning("UNUSEDPARAM")
        .ignore_warning("DECLFILENAME")
        // yosys's `wreduce` in the simulation copy (cosim/build.rs) leaves compares of
        // narrowed signals against wider constants: always-true or -false by design.
        .ignore_warning("CMPCONST")
        .build()
}

pub type CoreSim<'ctx> = Sim<'ctx, TupleCore<'ctx>>;

/// Holds `rst` for two clocks with the bus and streams idle.
pub fn reset(sim: &mut CoreSim<'_>) {
    AxilMaster::new().idle(sim);
    sim.s_tuple_valid = 0;
    sim.m_rss_ready = 0;
    sim.rst = 1;
    sim.ticks(2);
    sim.rst = 0;
}

/// A record as it left the core.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecordOut {
    pub hash: u32,
    pub hash_type: u16,
    pub queue: u16,
    /// Frame flags (`rss_model::parse::FLAG_*`, `rss_model::record::FLAG_RECORDS_LOST`);
    /// the tuple port passes its 2-bit side band through.
    pub flags: u8,
    /// Frame length field (frame core only; 0 on the tuple port).
    pub length: u16,
    /// VPort the frame was steered on (0 on the tuple port).
    pub vport: u8,
}

impl RecordOut {
    /// The record the frame core must emit for `frame` in `model`'s state: the model's
    /// VPort and steering decision, flags and length.
    pub fn for_frame(model: &RegFile, frame: &[u8]) -> Self {
        Self::for_frame_on(model, model.vport_of_frame(frame), frame)
    }

    /// The record for `frame` steered by VPort `vport` ([`RegFile::steer_frame_on`]).
    pub fn for_frame_on(model: &RegFile, vport: usize, frame: &[u8]) -> Self {
        let (record, flags) = model.steer_frame_on(vport, frame);
        RecordOut {
            flags,
            length: rss_model::record::length_field(frame.len()),
            ..RecordOut::from(record)
        }
    }
}

impl RecordOut {
    /// The model's record this one stands for (flags and length aside).
    pub fn model_record(&self) -> Record {
        let bit = self.hash_type.trailing_zeros() as u8;
        Record {
            hash: self.hash,
            hash_type: (self.hash_type != 0)
                .then(|| rss_model::HashType::from_bit(bit))
                .flatten(),
            queue: self.queue,
            vport: self.vport,
        }
    }
}

/// Every frame has its record, in order, and each is the model's for its frame in
/// `model`'s present state ([`RecordOut::for_frame`]).
pub fn check_frame_records(
    model: &RegFile,
    frames: &[Vec<u8>],
    records: &[RecordOut],
) -> Result<(), String> {
    if records.len() != frames.len() {
        return Err(format!(
            "{} frames, {} records",
            frames.len(),
            records.len()
        ));
    }
    for (i, (frame, got)) in frames.iter().zip(records).enumerate() {
        let expected = RecordOut::for_frame(model, frame);
        if *got != expected {
            return Err(format!(
                "frame {i} ({frame:02x?}): RTL {got:x?}, model {expected:x?}"
            ));
        }
    }
    Ok(())
}

impl From<Record> for RecordOut {
    fn from(r: Record) -> Self {
        RecordOut {
            hash: r.hash,
            hash_type: r.hash_type_bits(),
            queue: r.queue,
            flags: 0,
            length: 0,
            vport: r.vport,
        }
    }
}

/// A tuple as it enters the core.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TupleIn {
    pub bytes: [u8; TUPLE_BYTES],
    pub type_bits: u16,
}

impl TupleIn {
    pub fn model(&self) -> Tuple {
        Tuple::from_port(self.bytes, self.type_bits)
    }
}

/// Drives `s_tuple_*` and `m_rss_*` one clock at a time. Between calls it is always
/// "planned": inputs for the coming edge are set and the handshakes that edge will
/// complete are known, so it can run inside the bus model's per-clock hook too.
pub struct Traffic {
    pending: VecDeque<TupleIn>,
    pub records: Vec<RecordOut>,
    pub accepted: u64,
    rng: StdRng,
    valid_percent: u32,
    ready_percent: u32,
    fires: (bool, Option<RecordOut>),
    idle_edges: u64,
}

/// Edges without any handshake, with work pending, after which the core is hung.
pub const HANG_EDGES: u64 = 1000;

impl Traffic {
    /// `valid_percent` / `ready_percent`: chance per clock that a tuple is offered /
    /// a record is taken (100 = full rate).
    pub fn new(seed: u64, valid_percent: u32, ready_percent: u32) -> Self {
        Traffic {
            pending: VecDeque::new(),
            records: Vec::new(),
            accepted: 0,
            rng: StdRng::seed_from_u64(seed),
            valid_percent,
            ready_percent,
            fires: (false, None),
            idle_edges: 0,
        }
    }

    pub fn push(&mut self, tuple: TupleIn) {
        self.pending.push_back(tuple);
    }

    pub fn in_flight(&self) -> u64 {
        self.accepted - self.records.len() as u64
    }

    pub fn busy(&self) -> bool {
        !self.pending.is_empty() || self.in_flight() > 0
    }

    /// Sets the inputs for the coming edge and notes which handshakes it completes.
    pub fn plan(&mut self, sim: &mut CoreSim<'_>) {
        let offer = !self.pending.is_empty() && self.rng.random_range(0..100) < self.valid_percent;
        if let Some(t) = self.pending.front().filter(|_| offer) {
            let mut words = [0u32; 9];
            words_from_be_bytes(&t.bytes, &mut words);
            sim.s_tuple_data = WideIn::new(words);
            sim.s_tuple_type = t.type_bits;
        } else if self.rng.random_range(0..4) == 0 {
            // Idle cycles carry garbage: the core must ignore data without valid.
            sim.s_tuple_data = WideIn::new(self.rng.random());
        }
        sim.s_tuple_valid = offer as u8;
        sim.m_rss_ready = (self.rng.random_range(0..100) < self.ready_percent) as u8;
        sim.eval();
        let tuple_fires = offer && sim.s_tuple_ready == 1;
        let record = (sim.m_rss_valid == 1 && sim.m_rss_ready == 1).then(|| RecordOut {
            hash: sim.m_rss_hash,
            hash_type: sim.m_rss_hash_type,
            queue: u16::from(sim.m_rss_queue),
            flags: sim.m_rss_flags,
            length: 0,
            vport: 0,
        });
        self.fires = (tuple_fires, record);
    }

    /// Books the handshakes of the edge that just happened.
    pub fn commit(&mut self) -> Result<(), String> {
        let (tuple_fired, record) = std::mem::take(&mut self.fires);
        if tuple_fired {
            self.pending.pop_front();
            self.accepted += 1;
        }
        if let Some(r) = record {
            if self.in_flight() == 0 {
                return Err(format!("record {r:?} with no tuple in flight"));
            }
            self.records.push(r);
        }
        if tuple_fired || record.is_some() || !self.busy() {
            self.idle_edges = 0;
        } else {
            self.idle_edges += 1;
            if self.idle_edges > HANG_EDGES {
                return Err(format!(
                    "no handshake for {HANG_EDGES} clocks with work pending"
                ));
            }
        }
        Ok(())
    }

    /// Hook for the bus model: books the edge just taken, plans the next.
    pub fn after_edge(&mut self, sim: &mut CoreSim<'_>) -> Result<(), String> {
        self.commit()?;
        self.plan(sim);
        Ok(())
    }

    /// One clock with nothing else going on.
    pub fn clock(&mut self, sim: &mut CoreSim<'_>) -> Result<(), String> {
        sim.tick();
        self.after_edge(sim)
    }

    /// Clocks until every pushed tuple has its record.
    pub fn drain(&mut self, sim: &mut CoreSim<'_>) -> Result<(), String> {
        self.plan(sim);
        while self.busy() {
            self.clock(sim)?;
        }
        Ok(())
    }
}

/// The register bus with the model alongside: every access goes to both, and a
/// different answer is an error naming the access.
pub struct CheckedBus {
    pub bus: AxilMaster,
    /// Boxed: a register file holds a hash table per VPort, too big for test stacks.
    pub model: Box<RegFile>,
    /// The test reports every record it takes to the model (`RegFile::count_record`)
    /// and reads `COUNTERS` only with the stream drained, so their data is checked too.
    /// Otherwise a `COUNTERS` read checks its response only: the model does not see
    /// the records.
    pub counting: bool,
}

fn model_resp<T>(r: &Result<T, RegError>) -> Resp {
    if r.is_ok() { Resp::Okay } else { Resp::SlvErr }
}

impl CheckedBus {
    pub fn new(model: RegFile) -> Self {
        CheckedBus {
            bus: AxilMaster::new(),
            model: Box::new(model),
            counting: false,
        }
    }

    /// A record the test took counts in the model's `COUNTERS` (see [`Self::counting`]).
    pub fn count_record(&mut self, record: &RecordOut) {
        self.model
            .count_record(&record.model_record(), record.flags);
    }

    pub fn write_with<P: AxilPins>(
        &mut self,
        sim: &mut P,
        addr: u32,
        data: u32,
        strb: u8,
        mut each_cycle: impl FnMut(&mut P),
    ) -> Result<Resp, String> {
        self.write_seen(sim, addr, data, strb, |s, _| each_cycle(s))
    }

    /// A write like [`Self::write_with`] whose per-clock hook also sees the model, in
    /// its state before the write (the model takes the write when the RTL answers).
    pub fn write_seen<P: AxilPins>(
        &mut self,
        sim: &mut P,
        addr: u32,
        data: u32,
        strb: u8,
        mut each_cycle: impl FnMut(&mut P, &RegFile),
    ) -> Result<Resp, String> {
        let model = &self.model;
        let rtl = self
            .bus
            .write_with(sim, addr, data, strb, |s| each_cycle(s, model))
            .map_err(|e: AxilError| e.to_string())?;
        let expected = model_resp(&self.model.write(addr, data, strb));
        if rtl != expected {
            return Err(format!(
                "write 0x{addr:04x} = 0x{data:08x} strb {strb:04b}: RTL {rtl:?}, model {expected:?}"
            ));
        }
        Ok(rtl)
    }

    pub fn write<P: AxilPins>(
        &mut self,
        sim: &mut P,
        addr: u32,
        data: u32,
        strb: u8,
    ) -> Result<Resp, String> {
        self.write_with(sim, addr, data, strb, |_| {})
    }

    /// Stages `key` (whole 32-bit words, byte 4n in bits 31:24; words past `KEY` go to
    /// `KEY_EXT`) and commits the staging set to VPort 0.
    pub fn set_key<P: AxilPins>(&mut self, sim: &mut P, key: &[u8]) -> Result<(), String> {
        for (i, word) in (0u32..).zip(key.chunks_exact(4)) {
            let word = u32::from_be_bytes([word[0], word[1], word[2], word[3]]);
            self.write(sim, rss_model::regmap::key_word_offset(i), word, 0xf)?;
        }
        self.commit(sim, 0, true, false)
    }

    /// `COMMIT` for `vport`: the staging set (`params`) and/or the shadow table.
    pub fn commit<P: AxilPins>(
        &mut self,
        sim: &mut P,
        vport: u8,
        params: bool,
        table: bool,
    ) -> Result<(), String> {
        let value = u32::from(params) | u32::from(table) << 1 | u32::from(vport) << 8;
        let resp = self.write(sim, rss_model::regmap::offset::COMMIT, value, 0xf)?;
        if resp.is_okay() {
            Ok(())
        } else {
            Err(format!("COMMIT 0x{value:x} refused"))
        }
    }

    pub fn read<P: AxilPins>(&mut self, sim: &mut P, addr: u32) -> Result<(u32, Resp), String> {
        self.read_with(sim, addr, |_| {})
    }

    /// A read checked against the model, calling `each_cycle` after every clock (to keep
    /// traffic going meanwhile).
    pub fn read_with<P: AxilPins>(
        &mut self,
        sim: &mut P,
        addr: u32,
        each_cycle: impl FnMut(&mut P),
    ) -> Result<(u32, Resp), String> {
        let (data, rtl) = self
            .bus
            .read_with(sim, addr, each_cycle)
            .map_err(|e| e.to_string())?;
        let expected = self.model.read(addr);
        let mut model = (expected.unwrap_or(0), model_resp(&expected));
        let got = (if rtl.is_okay() { data } else { 0 }, rtl);
        let counters = self.model.map().decode(addr).map(|(i, _)| i) == Some(index::COUNTERS);
        if counters && !self.counting {
            model.0 = got.0;
        }
        if got != model {
            return Err(format!("read 0x{addr:04x}: RTL {got:x?}, model {model:x?}"));
        }
        Ok((data, rtl))
    }
}
