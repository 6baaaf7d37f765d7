//! The transmit-side lookup port (`s_axis_tx_*` → `m_axis_txq_*`) under Verilator: a
//! request source and answer sink with random gaps and backpressure, AXI4-Stream-true
//! (a request, once offered, stays until taken), that books every handshake so a test
//! can hold each answer against the model's `RegFile::transmit_lookup`.

use std::collections::VecDeque;

use rand::{Rng, SeedableRng, rngs::StdRng};
use rss_model::regfile::{RegFile, TransmitLookup};

use crate::frame_dut::FramePins;

/// One request: the packet's VPort, its RSS hash if it carries one, and a tag.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TxRequest {
    pub vport: u8,
    pub hash: u32,
    pub hashed: bool,
    pub user: u16,
}

impl TxRequest {
    /// A random request: mostly the build's VPorts, now and then one it lacks; a hash
    /// three times in four.
    pub fn random(rng: &mut StdRng, vports: u8, user: u16) -> Self {
        let vport = if rng.random_bool(0.9) {
            rng.random_range(0..vports)
        } else {
            rng.random_range(0..8)
        };
        TxRequest {
            vport,
            hash: rng.random(),
            hashed: rng.random_bool(0.75),
            user,
        }
    }

    /// The answer the model gives this request in `model`'s current state.
    pub fn model_answer(&self, model: &RegFile) -> TxAnswer {
        let TransmitLookup {
            vport,
            queue,
            hashed,
        } = model.transmit_lookup(self.vport, self.hashed.then_some(self.hash));
        TxAnswer {
            queue,
            vport,
            hashed,
            user: self.user,
        }
    }
}

/// One answer as the port shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TxAnswer {
    pub queue: u16,
    pub vport: u8,
    pub hashed: bool,
    pub user: u16,
}

/// Offers queued requests and takes answers, one clock at a time; like
/// [`crate::frame_dut::FrameTraffic`] it is always planned between calls, so it can run
/// inside the bus model's per-clock hook.
pub struct TxTraffic {
    queued: VecDeque<TxRequest>,
    /// Requests taken by the core, in order.
    pub accepted: Vec<TxRequest>,
    /// Answers taken from the core, in order.
    pub answers: Vec<TxAnswer>,
    /// Clock edges booked.
    pub edges: u64,
    /// Edges at which the core refused an offered request (`tready` low).
    pub refused_edges: u64,
    rng: StdRng,
    pub valid_percent: u32,
    pub ready_percent: u32,
    /// A request was offered and not taken (AXI4-Stream keeps it until it is).
    holding: bool,
    fires: (Option<TxRequest>, Option<TxAnswer>),
}

impl TxTraffic {
    pub fn new(seed: u64, valid_percent: u32, ready_percent: u32) -> Self {
        TxTraffic {
            queued: VecDeque::new(),
            accepted: Vec::new(),
            answers: Vec::new(),
            edges: 0,
            refused_edges: 0,
            rng: StdRng::seed_from_u64(seed),
            valid_percent,
            ready_percent,
            holding: false,
            fires: (None, None),
        }
    }

    pub fn push(&mut self, request: TxRequest) {
        self.queued.push_back(request);
    }

    /// Requests taken and not yet answered.
    pub fn in_flight(&self) -> usize {
        self.accepted.len() - self.answers.len()
    }

    pub fn busy(&self) -> bool {
        !self.queued.is_empty() || self.in_flight() > 0
    }

    /// Drives the ports for the next edge and notes which handshakes it will take.
    pub fn plan<P: FramePins>(&mut self, sim: &mut P) {
        let offer = self
            .queued
            .front()
            .copied()
            .filter(|_| self.holding || self.rng.random_range(0..100) < self.valid_percent);
        sim.set_tx_request(offer.as_ref());
        let ready = self.rng.random_range(0..100) < self.ready_percent;
        sim.set_tx_answer_ready(ready);
        sim.eval();
        let taken = offer.filter(|_| sim.tx_request_ready());
        self.holding = offer.is_some() && taken.is_none();
        self.fires = (taken, sim.tx_answer().filter(|_| ready));
    }

    /// Books the handshakes of the edge that just happened.
    pub fn commit(&mut self) -> Result<(), String> {
        let (taken, answer) = std::mem::take(&mut self.fires);
        self.edges += 1;
        self.refused_edges += u64::from(self.holding);
        if let Some(request) = taken {
            self.queued.pop_front();
            self.accepted.push(request);
        }
        if let Some(answer) = answer {
            if self.in_flight() == 0 {
                return Err(format!("answer {answer:?} with no request in flight"));
            }
            self.answers.push(answer);
        }
        Ok(())
    }

    /// Hook for the bus model: books the edge just taken, plans the next.
    pub fn after_edge<P: FramePins>(&mut self, sim: &mut P) -> Result<(), String> {
        self.commit()?;
        self.plan(sim);
        Ok(())
    }
}
