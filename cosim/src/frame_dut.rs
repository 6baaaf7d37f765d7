//! The emitted frame-level `rss_core` (64- and 512-bit AXI4-Stream) under Verilator,
//! and a frame/record stream driver with random gaps and backpressure, checked record
//! by record against `rss_model::parse::steer_frame`.

use std::collections::VecDeque;

use marlin::verilog::prelude::*;
use rand::{Rng, SeedableRng, rngs::StdRng};

use rss_model::Params;

use crate::axil::{AxilMaster, AxilPins};
use crate::dut::{RecordOut, build_design};
use crate::tx_traffic::{TxAnswer, TxRequest};
use crate::{Cosim, Sim, WideIn};

// Recompile the bindings when the emitted Verilog's ports change.
const _: &str = include_str!("../generated/rss_core_w64.bind.v");
const _: &str = include_str!("../generated/rss_core_w128.bind.v");
const _: &str = include_str!("../generated/rss_core_w256.bind.v");
const _: &str = include_str!("../generated/rss_core_w512.bind.v");
const _: &str = include_str!("../generated/rss_core_w64_tap.bind.v");

// Each design's port stepper (`crate::stepper`): `<design>_stepper_ports!(Model)`.
include!("../generated/rss_core_w64.step.rs");
include!("../generated/rss_core_w64_tap.step.rs");
include!("../generated/rss_core_w128.step.rs");
include!("../generated/rss_core_w256.step.rs");
include!("../generated/rss_core_w512.step.rs");

#[verilog(src = "generated/rss_core_w64.bind.v", name = "rss_core_bind")]
pub struct RssCoreW64;
crate::impl_axil_pins!(RssCoreW64, stepped);
rss_core_w64_stepper_ports!(RssCoreW64);

/// The 64-bit core as emitted (every other model here simulates the yosys-processed
/// copy, see `cosim/build.rs`); `tests/sim_copy.rs` runs the two in lockstep.
#[verilog(src = "generated/rss_core_w64.bind.v", name = "rss_core_bind")]
pub struct RssCoreW64Rtl;
crate::impl_axil_pins!(RssCoreW64Rtl, stepped);
rss_core_w64_stepper_ports!(RssCoreW64Rtl);

/// The 64-bit core in tap mode (`gen --tap`).
#[verilog(src = "generated/rss_core_w64_tap.bind.v", name = "rss_core_bind")]
pub struct RssCoreW64Tap;
crate::impl_axil_pins!(RssCoreW64Tap, stepped);
rss_core_w64_tap_stepper_ports!(RssCoreW64Tap);

#[verilog(src = "generated/rss_core_w128.bind.v", name = "rss_core_bind")]
pub struct RssCoreW128;
crate::impl_axil_pins!(RssCoreW128, stepped);
rss_core_w128_stepper_ports!(RssCoreW128);

/// The 256-bit core, built with the transmit-side lookup port (`gen --tx-lookup`): the
/// one build that has it, so one Verilator build covers both.
#[verilog(src = "generated/rss_core_w256.bind.v", name = "rss_core_bind")]
pub struct RssCoreW256;
crate::impl_axil_pins!(RssCoreW256, stepped);
rss_core_w256_stepper_ports!(RssCoreW256);

#[verilog(src = "generated/rss_core_w512.bind.v", name = "rss_core_bind")]
pub struct RssCoreW512;
crate::impl_axil_pins!(RssCoreW512, stepped);
rss_core_w512_stepper_ports!(RssCoreW512);

/// The frame and record ports of a frame-level core, whatever its data width.
pub trait FramePins: AxilPins {
    /// Bytes per beat.
    const BEAT_BYTES: usize;
    /// The generated Verilog file.
    const FILE: &'static str;
    /// The parameters it was generated with (`cosim/build.rs`).
    fn params() -> Params {
        Params::default()
    }
    fn set_rst(&mut self, high: bool);
    /// Drives one beat: `bytes` (at most `BEAT_BYTES`) in lanes from 0, tkeep for them.
    fn set_beat(&mut self, bytes: &[u8], last: bool);
    fn set_beat_valid(&mut self, valid: bool);
    fn beat_ready(&self) -> bool;
    fn set_record_ready(&mut self, ready: bool);
    /// The record on the port, if `tvalid`.
    fn record(&self) -> Option<RecordOut>;
    /// Drives the transmit-side lookup's request port (`None`: `tvalid` low).
    fn set_tx_request(&mut self, request: Option<&TxRequest>);
    fn tx_request_ready(&self) -> bool;
    fn set_tx_answer_ready(&mut self, ready: bool);
    /// The answer on the transmit-side lookup's port, if `tvalid`.
    fn tx_answer(&self) -> Option<TxAnswer>;
}

macro_rules! frame_pins {
    ($model:ident, $bytes:literal, $file:literal, |$sim:ident, $lanes:ident| $set_data:expr $(, $params:item)?) => {
        impl<'ctx> FramePins for $model<'ctx> {
            const BEAT_BYTES: usize = $bytes;
            const FILE: &'static str = $file;
            fn set_rst(&mut self, high: bool) {
                self.rst = high as u8;
            }
            fn set_beat(&mut self, bytes: &[u8], last: bool) {
                let mut $lanes = [0u8; $bytes];
                $lanes[..bytes.len()].copy_from_slice(bytes);
                let $sim = self;
                $set_data;
                $sim.s_axis_tkeep = (u128::MAX >> (128 - bytes.len())) as _;
                $sim.s_axis_tlast = last as u8;
            }
            fn set_beat_valid(&mut self, valid: bool) {
                self.s_axis_tvalid = valid as u8;
            }
            fn beat_ready(&self) -> bool {
                self.s_axis_tready == 1
            }
            fn set_record_ready(&mut self, ready: bool) {
                self.m_axis_rss_tready = ready as u8;
            }
            fn record(&self) -> Option<RecordOut> {
                (self.m_axis_rss_tvalid == 1).then(|| RecordOut {
                    hash: self.m_axis_rss_hash,
                    hash_type: self.m_axis_rss_hash_type,
                    queue: u16::from(self.m_axis_rss_queue),
                    flags: self.m_axis_rss_flags,
                    length: self.m_axis_rss_length,
                    vport: self.m_axis_rss_vport,
                })
            }
            fn set_tx_request(&mut self, request: Option<&TxRequest>) {
                self.s_axis_tx_tvalid = request.is_some() as u8;
                if let Some(r) = request {
                    self.s_axis_tx_vport = r.vport;
                    self.s_axis_tx_hash = r.hash;
                    self.s_axis_tx_hashed = r.hashed as u8;
                    self.s_axis_tx_tuser = r.user;
                }
            }
            fn tx_request_ready(&self) -> bool {
                self.s_axis_tx_tready == 1
            }
            fn set_tx_answer_ready(&mut self, ready: bool) {
                self.m_axis_txq_tready = ready as u8;
            }
            fn tx_answer(&self) -> Option<TxAnswer> {
                (self.m_axis_txq_tvalid == 1).then(|| TxAnswer {
                    queue: u16::from(self.m_axis_txq_queue),
                    vport: self.m_axis_txq_vport,
                    hashed: self.m_axis_txq_hashed == 1,
                    user: self.m_axis_txq_tuser,
                })
            }
            $($params)?
        }
    };
}

frame_pins!(RssCoreW64, 8, "rss_core_w64.sim.v", |sim, lanes| sim
    .s_axis_tdata =
    u64::from_le_bytes(lanes));
frame_pins!(RssCoreW64Rtl, 8, "rss_core_w64.v", |sim, lanes| sim
    .s_axis_tdata =
    u64::from_le_bytes(lanes));
frame_pins!(RssCoreW64Tap, 8, "rss_core_w64_tap.sim.v", |sim, lanes| {
    sim.s_axis_tdata = u64::from_le_bytes(lanes)
});
frame_pins!(RssCoreW128, 16, "rss_core_w128.sim.v", |sim, lanes| {
    let words: [u32; 4] =
        std::array::from_fn(|i| u32::from_le_bytes(lanes[4 * i..4 * i + 4].try_into().unwrap()));
    sim.s_axis_tdata = WideIn::new(words);
});
frame_pins!(
    RssCoreW256,
    32,
    "rss_core_w256.sim.v",
    |sim, lanes| {
        let words: [u32; 8] = std::array::from_fn(|i| {
            u32::from_le_bytes(lanes[4 * i..4 * i + 4].try_into().unwrap())
        });
        sim.s_axis_tdata = WideIn::new(words);
    },
    // The options build (cosim/build.rs): transmit lookup and the 52-byte key.
    fn params() -> Params {
        Params {
            tx_lookup: true,
            key_bytes: rss_model::regmap::LONG_KEY_BYTES,
            ..Params::default()
        }
    }
);
frame_pins!(RssCoreW512, 64, "rss_core_w512.sim.v", |sim, lanes| {
    let words: [u32; 16] =
        std::array::from_fn(|i| u32::from_le_bytes(lanes[4 * i..4 * i + 4].try_into().unwrap()));
    sim.s_axis_tdata = WideIn::new(words);
});

impl<M: FramePins> FramePins for Sim<'_, M> {
    const BEAT_BYTES: usize = M::BEAT_BYTES;
    const FILE: &'static str = M::FILE;
    fn params() -> Params {
        M::params()
    }
    fn set_rst(&mut self, high: bool) {
        self.dut.set_rst(high)
    }
    fn set_beat(&mut self, bytes: &[u8], last: bool) {
        self.dut.set_beat(bytes, last)
    }
    fn set_beat_valid(&mut self, valid: bool) {
        self.dut.set_beat_valid(valid)
    }
    fn beat_ready(&self) -> bool {
        self.dut.beat_ready()
    }
    fn set_record_ready(&mut self, ready: bool) {
        self.dut.set_record_ready(ready)
    }
    fn record(&self) -> Option<RecordOut> {
        self.dut.record()
    }
    fn set_tx_request(&mut self, request: Option<&TxRequest>) {
        self.dut.set_tx_request(request)
    }
    fn tx_request_ready(&self) -> bool {
        self.dut.tx_request_ready()
    }
    fn set_tx_answer_ready(&mut self, ready: bool) {
        self.dut.set_tx_answer_ready(ready)
    }
    fn tx_answer(&self) -> Option<TxAnswer> {
        self.dut.tx_answer()
    }
}

/// A Verilator build of the frame-level core of width `M`.
pub fn build<M: FramePins>(trace: bool) -> Result<Cosim, VerilatorError> {
    build_design(M::FILE, trace)
}

/// Holds `rst` for two clocks with every port idle.
pub fn reset<P: FramePins>(sim: &mut P) {
    AxilMaster::new().idle(sim);
    sim.set_beat_valid(false);
    sim.set_record_ready(false);
    sim.set_tx_request(None);
    sim.set_tx_answer_ready(false);
    sim.set_rst(true);
    sim.tick();
    sim.tick();
    sim.set_rst(false);
}

/// Drives frames beat by beat and takes records, like [`crate::dut::Traffic`]: always
/// "planned" between calls, so it can run inside the bus model's per-clock hook.
pub struct FrameTraffic {
    frames: VecDeque<Vec<u8>>,
    beat: usize,
    pub records: Vec<RecordOut>,
    pub accepted: u64,
    pub beats: u64,
    rng: StdRng,
    valid_percent: u32,
    ready_percent: u32,
    fires: (bool, bool, Option<RecordOut>),
    /// A beat was offered and not taken: AXI4-Stream keeps it (and `tvalid`) until
    /// accepted.
    holding: bool,
    idle_edges: u64,
}

impl FrameTraffic {
    pub fn new(seed: u64, valid_percent: u32, ready_percent: u32) -> Self {
        FrameTraffic {
            frames: VecDeque::new(),
            beat: 0,
            records: Vec::new(),
            accepted: 0,
            beats: 0,
            rng: StdRng::seed_from_u64(seed),
            valid_percent,
            ready_percent,
            fires: (false, false, None),
            holding: false,
            idle_edges: 0,
        }
    }

    /// Queues a frame (at least one byte).
    pub fn push(&mut self, frame: Vec<u8>) {
        assert!(
            !frame.is_empty(),
            "AXI4-Stream frames have at least one byte"
        );
        self.frames.push_back(frame);
    }

    pub fn in_flight(&self) -> u64 {
        self.accepted - self.records.len() as u64
    }

    pub fn busy(&self) -> bool {
        !self.frames.is_empty() || self.in_flight() > 0
    }

    pub fn plan<P: FramePins>(&mut self, sim: &mut P) {
        // A source decides to offer a beat at random, but once it has, the beat stays.
        let offer = !self.frames.is_empty()
            && (self.holding || self.rng.random_range(0..100) < self.valid_percent);
        let mut last = false;
        if let Some(frame) = self.frames.front().filter(|_| offer) {
            let start = self.beat * P::BEAT_BYTES;
            let end = (start + P::BEAT_BYTES).min(frame.len());
            last = end == frame.len();
            sim.set_beat(&frame[start..end], last);
        }
        sim.set_beat_valid(offer);
        let ready = self.rng.random_range(0..100) < self.ready_percent;
        sim.set_record_ready(ready);
        sim.eval();
        let beat_fires = offer && sim.beat_ready();
        let record = sim.record().filter(|_| ready);
        self.holding = offer && !beat_fires;
        self.fires = (beat_fires, beat_fires && last, record);
    }

    /// Books the handshakes of the edge that just happened.
    pub fn commit(&mut self) -> Result<(), String> {
        let (beat_fired, frame_done, record) = std::mem::take(&mut self.fires);
        if beat_fired {
            self.beats += 1;
            self.beat += 1;
        }
        if frame_done {
            self.frames.pop_front();
            self.beat = 0;
            self.accepted += 1;
        }
        if let Some(r) = record {
            if self.in_flight() == 0 {
                return Err(format!("record {r:?} with no frame in flight"));
            }
            self.records.push(r);
        }
        if beat_fired || record.is_some() || !self.busy() {
            self.idle_edges = 0;
        } else {
            self.idle_edges += 1;
            if self.idle_edges > crate::dut::HANG_EDGES {
                return Err(format!(
                    "no handshake for {} clocks with work pending",
                    crate::dut::HANG_EDGES
                ));
            }
        }
        Ok(())
    }

    /// Hook for the bus model: books the edge just taken, plans the next.
    pub fn after_edge<P: FramePins>(&mut self, sim: &mut P) -> Result<(), String> {
        self.commit()?;
        self.plan(sim);
        Ok(())
    }

    /// One clock with nothing else going on.
    pub fn clock<P: FramePins>(&mut self, sim: &mut P) -> Result<(), String> {
        sim.tick();
        self.after_edge(sim)
    }

    /// Clocks until every queued frame has its record.
    pub fn drain<P: FramePins>(&mut self, sim: &mut P) -> Result<(), String> {
        self.plan(sim);
        while self.busy() {
            self.clock(sim)?;
        }
        Ok(())
    }
}
