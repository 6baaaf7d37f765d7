//! End to end with VPorts: the real firmware (`rss-fw`) runs the RSSv2 sequence of
//! issue 8 across two VPorts on the Verilated 64-bit frame core while frames stream,
//! and every record the RTL emits is checked against the model.
//!
//! The firmware's bus is a [`LiveBus`]: each register access goes to the RTL (AXI4-Lite
//! with random channel delays) and to the model's `RegFile`, and the two must answer
//! alike. Frames flow through every clock of every access and between the firmware's
//! calls, with random gaps and record backpressure, their destination MACs hitting
//! both VPorts and the default VPort (random addresses). The model is snapshotted
//! whenever a write changes what steers a frame (a `COMMIT`, a `MOVE`, a MAC filter
//! entry), and each record must equal the model's record in one of the states the
//! register block went through while its frame was in the core: not before the state
//! when its first beat was taken, not after the writes the RTL may have applied when
//! the record was taken, and never an earlier state than the previous record's. A
//! record steered by a mix of two states (say the old key with the new table) matches
//! none of them.
//!
//! Records pinned to one state (their frame entered after the last change) are also
//! checked against what the firmware believes it programmed: the VPort whose MAC the
//! frame carries, that VPort's tracked processors translated through its own queue
//! map, and the RSS state. After each step the hardware's read-back (`VPORT_STATE`,
//! `VPORT_QUEUES`, the MAC filters, both table banks with `TABLE_READ`) is compared
//! with the firmware's view.
//!
//! A failing test reruns with a VCD trace and names the file.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::fmt::Debug;
use std::rc::Rc;
use std::sync::Mutex;

use rand::{Rng, SeedableRng, rngs::StdRng};
use rss_cosim::axil::{AxilMaster, Resp};
use rss_cosim::dut::{CheckedBus, RecordOut};
use rss_cosim::frame_dut::{FramePins, FrameTraffic, RssCoreW64, reset};
use rss_cosim::{frames, frames_with_trace_on_failure};
use rss_fw::rssv2::NDIS_DEFAULT_HASH_TYPES;
use rss_fw::{
    BusError, Config, DatapathQueue, EntryStatus, Error, Event, HashTypes, Indication,
    IndirectionEntry, MoveKind, RegisterBus, Rss, RssDevice, Steering, SwitchEndpoint, VPortConfig,
    VPortId,
};
use rss_model::regfile::{RegFile, VportState};
use rss_model::regmap::{Params, offset};
use rss_model::toeplitz::{KEY_BYTES, MS_DEFAULT_KEY};

// ---------------------------------------------------------------------------------
// The scaling entities.
// ---------------------------------------------------------------------------------

const VPORT_A: VPortId = VPortId(1);
const VPORT_B: VPortId = VPortId(3);
const MAC_A: [u8; 6] = [0x02, 0x00, 0x5e, 0x00, 0x01, 0x0a];
const MAC_B: [u8; 6] = [0x02, 0x00, 0x5e, 0x00, 0x01, 0x0b];
const CONNECTION_A: SwitchEndpoint = SwitchEndpoint {
    port_id: 5,
    nic_index: 1,
};
const CONNECTION_B: SwitchEndpoint = SwitchEndpoint {
    port_id: 7,
    nic_index: 2,
};

/// The default VPort's datapath queues: processor `p` on hardware queue `p`.
fn default_queues() -> Vec<DatapathQueue> {
    (0..8).map(|p| DatapathQueue::new(p, p as u16)).collect()
}

/// VPort A: processors 4..8 (also the default VPort's, on other hardware queues) on
/// hardware queues 16..20.
fn queues_a() -> Vec<DatapathQueue> {
    (4..8)
        .map(|p| DatapathQueue::new(p, 12 + p as u16))
        .collect()
}

/// VPort B: processors 8..14 on hardware queues 40..46.
fn queues_b() -> Vec<DatapathQueue> {
    (8..14)
        .map(|p| DatapathQueue::new(p, 32 + p as u16))
        .collect()
}

/// Random updates with both VPorts enabled (see the sequence test).
const UPDATE_ROUNDS: usize = 400;

const AFFINITY_A: u32 = 5;
const AFFINITY_B: u32 = 12;

/// The hardware queue of `processor` in `queues` (the test's own map, not the
/// driver's).
fn queue_in(queues: &[DatapathQueue], processor: u32) -> u16 {
    queues
        .iter()
        .find(|q| q.processor == processor)
        .map_or(u16::MAX, |q| q.hardware_queue)
}

// ---------------------------------------------------------------------------------
// Frames flowing whatever the bus does.
// ---------------------------------------------------------------------------------

/// Frames kept queued while feeding.
const AHEAD: usize = 3;

/// The frame stream: a [`FrameTraffic`] clocked through every bus clock, fed with new
/// frames while `feeding`, and for each frame and record when it entered and left
/// relative to the bus writes.
struct Stream {
    traffic: FrameTraffic,
    rng: StdRng,
    /// Destination MACs frames carry; one frame in `2 * macs.len() + 1` keeps its
    /// random address (the default VPort's).
    macs: Vec<[u8; 6]>,
    feeding: bool,
    /// Every frame pushed, and every record taken, in order.
    frames: Vec<Vec<u8>>,
    records: Vec<RecordOut>,
    /// Per frame: bus writes completed when its first beat was taken.
    first_beat: Vec<usize>,
    /// Per record: the bus writes that may have taken effect when it was taken (the
    /// write in progress counts).
    taken: Vec<usize>,
    /// Global index of the current `traffic`'s first frame, and how many of its frames
    /// have had their first beat taken.
    base: usize,
    started: usize,
    completed_writes: usize,
    in_write: bool,
    edges: u64,
}

impl Stream {
    fn new(seed: u64, macs: Vec<[u8; 6]>) -> Self {
        Stream {
            traffic: FrameTraffic::new(seed, 100, 100),
            rng: StdRng::seed_from_u64(seed ^ 0x5eed),
            macs,
            feeding: false,
            frames: Vec::new(),
            records: Vec::new(),
            first_beat: Vec::new(),
            taken: Vec::new(),
            base: 0,
            started: 0,
            completed_writes: 0,
            in_write: false,
            edges: 0,
        }
    }

    /// Mostly short frames (several in the core at once, so updates land between
    /// them), some of `frames::random_frame`'s full mix (extension headers, options,
    /// long payloads, malformed frames).
    fn next_frame(&mut self) -> Vec<u8> {
        let rng = &mut self.rng;
        let mut frame = match rng.random_range(0..20) {
            0..=1 => frames::random_valid_frame(rng),
            2 => frames::random_frame(rng),
            _ => short_frame(rng),
        };
        let pick = rng.random_range(0..=2 * self.macs.len());
        if frame.len() >= 6 && pick < 2 * self.macs.len() {
            frame[..6].copy_from_slice(&self.macs[pick / 2]);
        }
        frame
    }

    fn top_up(&mut self) {
        while self.feeding
            && self.frames.len() - self.base - (self.traffic.accepted as usize) < AHEAD
        {
            let frame = self.next_frame();
            self.frames.push(frame.clone());
            self.traffic.push(frame);
        }
    }

    /// Books the edge just taken, feeds, and plans the next edge.
    fn edge<P: FramePins>(&mut self, sim: &mut P) -> Result<(), String> {
        let (beats, accepted) = (self.traffic.beats, self.traffic.accepted as usize);
        let records = self.traffic.records.len();
        self.traffic.commit()?;
        self.edges += 1;
        if self.traffic.beats > beats && self.started == accepted {
            self.started += 1;
            self.first_beat.push(self.completed_writes);
        }
        let taken = self.completed_writes + usize::from(self.in_write);
        for r in &self.traffic.records[records..] {
            self.records.push(*r);
            self.taken.push(taken);
        }
        self.top_up();
        self.traffic.plan(sim);
        Ok(())
    }

    /// Starts a new `FrameTraffic` at the given rates (the old one must be idle).
    fn restart<P: FramePins>(&mut self, sim: &mut P, valid: u32, ready: u32) {
        assert!(!self.traffic.busy(), "traffic replaced while busy");
        self.traffic = FrameTraffic::new(self.rng.random(), valid, ready);
        self.base = self.frames.len();
        self.started = 0;
        self.top_up();
        self.traffic.plan(sim);
    }
}

/// A short IPv4 or IPv6 frame, 0 to 2 VLAN tags, carrying TCP, UDP or neither (an
/// address-only hash), random addresses and ports, padded to the minimum, sometimes
/// with an FCS.
fn short_frame(rng: &mut StdRng) -> Vec<u8> {
    let payload: Vec<u8> = (0..rng.random_range(0..16)).map(|_| rng.random()).collect();
    let (protocol, l4) = match rng.random_range(0..3) {
        0 => (
            6,
            frames::tcp_segment(rng.random(), rng.random(), &[], &payload),
        ),
        1 => (
            17,
            frames::udp_datagram(rng.random(), rng.random(), &payload),
        ),
        _ => (frames::IPPROTO_ICMP, payload),
    };
    let tags: &[(u16, u16)] =
        [&[][..], &[(0x8100, 0x0064)], &[(0x88a8, 1), (0x8100, 2)]][rng.random_range(0..3)];
    let mut frame = if rng.random_bool(0.5) {
        let packet = frames::ipv4_packet(rng.random(), rng.random(), protocol, 0, &[], &l4);
        frames::ethernet(tags, 0x0800, &packet)
    } else {
        let packet = frames::ipv6_packet(rng.random(), rng.random(), &[], protocol, &l4);
        frames::ethernet(tags, 0x86dd, &packet)
    };
    rng.fill(&mut frame[..12]);
    frames::pad_to_min(&mut frame);
    if rng.random_bool(0.3) {
        frames::append_fcs(&mut frame);
    }
    frame
}

// ---------------------------------------------------------------------------------
// The firmware's bus.
// ---------------------------------------------------------------------------------

/// Everything a record can depend on: each VPort's active state and table, and the
/// MAC filters. A write that leaves it unchanged needs no model snapshot.
#[derive(Debug, Clone, PartialEq)]
struct SteeringState {
    vports: Vec<VportState>,
    tables: Vec<u16>,
    filters: Vec<u32>,
}

impl SteeringState {
    fn of(model: &RegFile) -> Self {
        let params = model.map().params;
        let vports = 0..usize::from(params.vports);
        SteeringState {
            vports: vports.clone().map(|v| *model.vport(v)).collect(),
            tables: vports.flat_map(|v| model.table(v).to_vec()).collect(),
            filters: (0..u32::from(params.mac_filters))
                .flat_map(|n| [offset::MAC_FILTER_LO + 4 * n, offset::MAC_FILTER_HI + 4 * n])
                .map(|addr| model.read(addr).unwrap_or(u32::MAX))
                .collect(),
        }
    }
}

/// One VPort's table banks as read back: active, shadow.
type Banks = (Vec<u16>, Vec<u16>);

/// [`RegisterBus`] over the Verilated core and the model, with frames streaming.
///
/// An RTL/model difference, a stream error or a record that matches no admissible
/// model state is stored in `failure` (shared, so it survives a consumed device); the
/// access and every later one answer [`BusError::Timeout`], and [`fw`] turns the
/// message into a test failure whatever the firmware returned.
struct LiveBus<'s, P: FramePins> {
    sim: &'s mut P,
    bus: CheckedBus,
    stream: Stream,
    /// Model states since the oldest one a record still unchecked may match;
    /// `history[k]` is state number `history_base + k`.
    history: VecDeque<RegFile>,
    history_base: usize,
    steering: SteeringState,
    /// `after[w]`: the state number after `w` bus writes.
    after: Vec<usize>,
    /// Records checked, and the state the last one matched.
    checked: usize,
    matched: usize,
    /// Records whose frame was in the core while the steering state changed.
    overlapping: u64,
    /// Steering changes with a frame in the core.
    changes_in_flight: u64,
    /// Records that differ from what the state their frame entered in gives: steered
    /// by a change made while the frame was in the core.
    saw_later: u64,
    failure: Rc<RefCell<Option<String>>>,
    reads: u64,
    writes: u64,
}

impl<'s, P: FramePins> LiveBus<'s, P> {
    fn new(sim: &'s mut P, bus: CheckedBus, stream: Stream) -> Self {
        let steering = SteeringState::of(&bus.model);
        LiveBus {
            history: VecDeque::from([(*bus.model).clone()]),
            sim,
            bus,
            stream,
            history_base: 0,
            steering,
            after: vec![0],
            checked: 0,
            matched: 0,
            overlapping: 0,
            changes_in_flight: 0,
            saw_later: 0,
            failure: Rc::new(RefCell::new(None)),
            reads: 0,
            writes: 0,
        }
    }

    fn fail(&mut self, message: String) {
        let edges = self.stream.edges;
        self.failure
            .borrow_mut()
            .get_or_insert_with(|| format!("clock {edges}: {message}"));
    }

    fn failed(&self) -> bool {
        self.failure.borrow().is_some()
    }

    /// The newest model state's number.
    fn latest(&self) -> usize {
        self.history_base + self.history.len() - 1
    }

    fn model(&self) -> &RegFile {
        &self.bus.model
    }

    /// A read through AXI4-Lite with frames flowing, checked against the model.
    fn checked_read(&mut self, addr: u32) -> Result<(u32, Resp), String> {
        let stream = &mut self.stream;
        let mut stream_error = None;
        let (data, rtl) = self
            .bus
            .bus
            .read_with(self.sim, addr, |s| {
                if let Err(e) = stream.edge(s) {
                    stream_error.get_or_insert(e);
                }
            })
            .map_err(|e| e.to_string())?;
        if let Some(e) = stream_error {
            return Err(format!("frames during read {addr:#06x}: {e}"));
        }
        let expected = self.bus.model.read(addr);
        let resp = if expected.is_ok() {
            Resp::Okay
        } else {
            Resp::SlvErr
        };
        let model = (expected.unwrap_or(0), resp);
        let got = (if rtl.is_okay() { data } else { 0 }, rtl);
        if got != model {
            return Err(format!("read {addr:#06x}: RTL {got:x?}, model {model:x?}"));
        }
        Ok((data, rtl))
    }

    /// A write through AXI4-Lite with frames flowing, applied to the model too (and
    /// snapshotted if it changed the steering); then the records taken so far are
    /// checked.
    fn checked_write(&mut self, addr: u32, value: u32) -> Result<Resp, String> {
        self.stream.in_write = true;
        let stream = &mut self.stream;
        let mut stream_error = None;
        let result = self.bus.write_with(self.sim, addr, value, 0xf, |s| {
            if let Err(e) = stream.edge(s) {
                stream_error.get_or_insert(e);
            }
        });
        self.stream.in_write = false;
        self.stream.completed_writes += 1;
        let steering = SteeringState::of(&self.bus.model);
        if steering != self.steering {
            self.steering = steering;
            self.history.push_back((*self.bus.model).clone());
            if self.stream.first_beat.len() > self.stream.records.len() {
                self.changes_in_flight += 1;
            }
        }
        self.after.push(self.latest());
        let resp = result?;
        if let Some(e) = stream_error {
            return Err(format!("frames during write {addr:#06x}: {e}"));
        }
        self.check_records()?;
        Ok(resp)
    }

    /// Checks every record taken since the last call against the model states its
    /// frame may have seen (see the module docs), and forgets the states no later
    /// record can match.
    fn check_records(&mut self) -> Result<(), String> {
        while self.checked < self.stream.records.len() {
            let i = self.checked;
            let frame = &self.stream.frames[i];
            let got = self.stream.records[i];
            let lower = self.after[self.stream.first_beat[i]];
            let upper = self.after[self.stream.taken[i]];
            let state = |g: usize| &self.history[g - self.history_base];
            let mut g = self.matched.max(lower);
            while g <= upper && RecordOut::for_frame(state(g), frame) != got {
                g += 1;
            }
            if g > upper {
                let first = RecordOut::for_frame(state(self.matched.max(lower)), frame);
                let last = RecordOut::for_frame(state(upper), frame);
                return Err(format!(
                    "record {i}: RTL {got:x?} matches none of the model states {}..={upper} \
                     (frame entered in state {lower}, the previous record matched {}): \
                     first {first:x?}, last {last:x?}; frame ({} bytes) {:02x?}",
                    self.matched.max(lower),
                    self.matched,
                    frame.len(),
                    frame
                ));
            }
            if lower != upper {
                self.overlapping += 1;
            }
            if lower >= self.history_base && RecordOut::for_frame(state(lower), frame) != got {
                self.saw_later += 1;
            }
            self.matched = g;
            self.checked += 1;
        }
        while self.history_base < self.matched {
            self.history.pop_front();
            self.history_base += 1;
        }
        Ok(())
    }

    /// Clocks `cycles` with frames flowing and no bus access.
    fn idle(&mut self, cycles: u64) -> Result<(), String> {
        for _ in 0..cycles {
            self.sim.tick();
            self.stream.edge(self.sim)?;
        }
        self.check_records()
    }

    /// Stops feeding and clocks until every frame has its record; all checked.
    fn drain(&mut self) -> Result<(), String> {
        self.stream.feeding = false;
        while self.stream.traffic.busy() {
            self.sim.tick();
            self.stream.edge(self.sim)?;
        }
        self.check_records()
    }

    /// Drains, then streams again at random rates: full rate, record backpressure,
    /// input gaps, or both.
    fn new_rates(&mut self, rng: &mut StdRng) -> Result<(), String> {
        self.drain()?;
        let (valid, ready) = match rng.random_range(0..4) {
            0 => (100, 100),
            1 => (100, rng.random_range(30..90)),
            2 => (rng.random_range(30..90), 100),
            _ => (rng.random_range(20..100), rng.random_range(20..100)),
        };
        self.stream.feeding = true;
        self.stream.restart(self.sim, valid, ready);
        Ok(())
    }

    /// The checked records whose frame entered in the newest state (so they must match
    /// it): what the firmware's current view must predict.
    fn pinned(&self) -> Vec<(Vec<u8>, RecordOut)> {
        let latest = self.latest();
        (0..self.checked)
            .filter(|&i| self.after[self.stream.first_beat[i]] == latest)
            .map(|i| (self.stream.frames[i].clone(), self.stream.records[i]))
            .collect()
    }

    /// One register as the RTL answers it (checked against the model).
    fn read_reg(&mut self, addr: u32) -> Result<u32, String> {
        Ok(self.checked_read(addr)?.0)
    }

    fn write_reg(&mut self, addr: u32, value: u32) -> Result<(), String> {
        match self.checked_write(addr, value)? {
            Resp::Okay => Ok(()),
            resp => Err(format!("write {addr:#06x} = {value:#x}: {resp:?}")),
        }
    }

    /// Every register the VPorts' state is read back from, through the checked bus
    /// with frames flowing: `VPORT_STATE`, `VPORT_QUEUES`, the MAC filters, `STATUS`,
    /// `MOVE_STATUS`, and both banks of every VPort's table (`TABLE_READ.ACTIVE` 1,
    /// then 0, then restored, so the driver's idea of it stays right). Returns the
    /// banks, active then shadow, per VPort.
    fn read_back(&mut self) -> Result<Vec<Banks>, String> {
        let params = self.model().map().params;
        for v in 0..u32::from(params.vports) {
            self.read_reg(offset::VPORT_STATE + 4 * v)?;
            self.read_reg(offset::VPORT_QUEUES + 4 * v)?;
        }
        for n in 0..u32::from(params.mac_filters) {
            self.read_reg(offset::MAC_FILTER_LO + 4 * n)?;
            self.read_reg(offset::MAC_FILTER_HI + 4 * n)?;
        }
        self.read_reg(offset::STATUS)?;
        self.read_reg(offset::MOVE_STATUS)?;
        let table_read = self.read_reg(offset::TABLE_READ)?;
        let bank = |port: &mut Self, active: u32| -> Result<Vec<Vec<u16>>, String> {
            port.write_reg(offset::TABLE_READ, active)?;
            (0..u32::from(params.vports))
                .map(|v| {
                    (0..params.table_entries())
                        .map(|i| {
                            let element = v * params.table_entries() + i;
                            Ok(port.read_reg(offset::TABLE + 4 * element)? as u16)
                        })
                        .collect()
                })
                .collect()
        };
        let active = bank(self, 1)?;
        let shadow = bank(self, 0)?;
        self.write_reg(offset::TABLE_READ, table_read)?;
        Ok(active.into_iter().zip(shadow).collect())
    }
}

impl<P: FramePins> RegisterBus for LiveBus<'_, P> {
    fn read32(&mut self, addr: u32) -> Result<u32, BusError> {
        if self.failed() {
            return Err(BusError::Timeout);
        }
        self.reads += 1;
        match self.checked_read(addr) {
            Ok((data, Resp::Okay)) => Ok(data),
            Ok(_) => Err(BusError::SlvErr),
            Err(e) => {
                self.fail(e);
                Err(BusError::Timeout)
            }
        }
    }

    fn write32(&mut self, addr: u32, value: u32) -> Result<(), BusError> {
        if self.failed() {
            return Err(BusError::Timeout);
        }
        self.writes += 1;
        match self.checked_write(addr, value) {
            Ok(Resp::Okay) => Ok(()),
            Ok(_) => Err(BusError::SlvErr),
            Err(e) => {
                self.fail(e);
                Err(BusError::Timeout)
            }
        }
    }
}

// ---------------------------------------------------------------------------------
// Calling the firmware.
// ---------------------------------------------------------------------------------

/// A driver layer whose bus is a [`LiveBus`].
trait Port<'s, P: FramePins> {
    fn port(&mut self) -> &mut LiveBus<'s, P>;
}

impl<'s, P: FramePins> Port<'s, P> for Rss<&mut LiveBus<'s, P>> {
    fn port(&mut self) -> &mut LiveBus<'s, P> {
        self.bus_mut()
    }
}

impl<'s, P: FramePins> Port<'s, P> for RssDevice<&mut LiveBus<'s, P>> {
    fn port(&mut self) -> &mut LiveBus<'s, P> {
        self.bus_mut()
    }
}

/// Runs a firmware call. `Err` (the test fails) if the RTL and the model disagreed
/// or a record was wrong meanwhile; otherwise the firmware's own answer.
fn fw<'s, P: FramePins + 's, D: Port<'s, P>, T>(
    d: &mut D,
    call: impl FnOnce(&mut D) -> Result<T, Error>,
) -> Result<Result<T, Error>, String> {
    let result = call(d);
    let port = d.port();
    if let Some(f) = port.failure.borrow_mut().take() {
        return Err(f);
    }
    port.check_records()?;
    Ok(result)
}

/// A firmware call that must succeed.
fn ok<'s, P: FramePins + 's, D: Port<'s, P>, T>(
    d: &mut D,
    what: &str,
    call: impl FnOnce(&mut D) -> Result<T, Error>,
) -> Result<T, String> {
    fw(d, call)?.map_err(|e| format!("{what}: firmware error: {e} ({e:?})"))
}

/// A firmware call that must fail with exactly `expected` and write nothing.
fn refused<'s, P: FramePins + 's, D: Port<'s, P>, T: Debug>(
    d: &mut D,
    what: &str,
    expected: Error,
    call: impl FnOnce(&mut D) -> Result<T, Error>,
) -> Result<(), String> {
    let writes = d.port().writes;
    match fw(d, call)? {
        Err(e) if e == expected => {}
        other => return Err(format!("{what}: expected Err({expected:?}), got {other:?}")),
    }
    let written = d.port().writes - writes;
    if written != 0 {
        return Err(format!("{what}: refused, but wrote {written} registers"));
    }
    Ok(())
}

fn expect_eq<T: PartialEq + Debug>(what: &str, got: T, expected: T) -> Result<(), String> {
    if got != expected {
        return Err(format!("{what}: got {got:?}, expected {expected:?}"));
    }
    Ok(())
}

type Driver<'p, 's, P> = Rss<&'p mut LiveBus<'s, P>>;

/// Probes the core (a failure inside is reported through the shared `failure`).
fn probe<'p, 's, P: FramePins>(
    port: &'p mut LiveBus<'s, P>,
) -> Result<RssDevice<&'p mut LiveBus<'s, P>>, String> {
    let failure = port.failure.clone();
    RssDevice::probe(port).map_err(|e| failure.borrow_mut().take().unwrap_or(format!("probe: {e}")))
}

/// Takes the firmware's indications so far (the queue holds 16).
fn indications<P: FramePins>(rss: &mut Driver<'_, '_, P>, into: &mut Vec<Indication>) {
    while let Some(i) = rss.poll_indication() {
        into.push(i);
    }
}

/// Runs a step's firmware call, lets frames flow for `settle` clocks after it, and
/// checks the records pinned to the new state against the firmware's view.
fn step<'p, 's, P: FramePins, T>(
    rss: &mut Driver<'p, 's, P>,
    log: &mut Vec<Indication>,
    settle: u64,
    what: &str,
    call: impl FnOnce(&mut Driver<'p, 's, P>) -> Result<T, Error>,
) -> Result<T, String> {
    let result = ok(rss, what, call)?;
    indications(rss, log);
    rss.port().idle(settle)?;
    check_firmware_view(rss, what)?;
    check_keys(rss, what)?;
    Ok(result)
}

// ---------------------------------------------------------------------------------
// What the firmware believes, against the records and the hardware.
// ---------------------------------------------------------------------------------

/// The records pinned to the current state, against the firmware's view: the frame's
/// VPort is the created VPort with its destination MAC (else the default VPort); a
/// disabled VPort sends everything unhashed to its primary processor's queue, an
/// enabled one hashes with its hash types and sends a hashed frame to the queue of
/// the processor of system entry `hash mod entries`, an unhashed one to its default
/// processor's queue. Each VPort's processors are translated through its own queue
/// map.
fn check_firmware_view<P: FramePins>(
    rss: &mut Driver<'_, '_, P>,
    what: &str,
) -> Result<(), String> {
    let pairs = rss.port().pinned();
    for (frame, got) in &pairs {
        // A frame too short for a destination MAC is the default VPort's.
        let mac: Option<[u8; 6]> = frame.get(..6).and_then(|m| m.try_into().ok());
        let entity = rss
            .vports()
            .find(|e| mac.is_some() && e.mac() == mac)
            .or_else(|| rss.vport(VPortId::DEFAULT))
            .ok_or("no default VPort")?;
        let queue = |processor| entity.queue_of(processor).unwrap_or(u16::MAX);
        let expected_queue = if !entity.is_enabled() {
            queue(entity.primary_processor())
        } else if got.hash_type == 0 {
            queue(entity.default_processor())
        } else {
            let table = entity.active_table();
            queue(table[got.hash as usize & (table.len() - 1)])
        };
        let hashed_ok = if entity.is_enabled() {
            got.hash_type == 0 || entity.hash_types().0 & got.hash_type != 0
        } else {
            got.hash_type == 0
        };
        if u32::from(got.vport) != entity.id().0 || got.queue != expected_queue || !hashed_ok {
            return Err(format!(
                "{what}: record {got:x?} for a frame to {mac:02x?}: the firmware steers it \
                 to VPort {} queue {expected_queue} (enabled {}, hash types {:?})",
                entity.id().0,
                entity.is_enabled(),
                entity.hash_types()
            ));
        }
    }
    Ok(())
}

/// Each created VPort's tracked key is the model's active key (no register reads the
/// active keys back).
fn check_keys<P: FramePins>(rss: &Driver<'_, '_, P>, what: &str) -> Result<(), String> {
    for entity in rss.vports() {
        let v = entity.id().0 as usize;
        let active_key = rss.device().bus().model().active_key(v);
        expect_eq(
            &format!("{what}: VPort {v} key"),
            &entity.key()[..],
            active_key,
        )?;
    }
    Ok(())
}

/// The hardware's read-back (checked equal to the model on the way) against the
/// firmware's view of every VPort: each created VPort's active state, its hardware
/// table (in use) and the processors behind it, both banks equal (the driver keeps
/// the shadow a copy of the active table), its MAC filter entry, and every other
/// VPort at the initial state with no filter entry.
fn check_hardware<P: FramePins>(rss: &mut Driver<'_, '_, P>, what: &str) -> Result<(), String> {
    let banks = rss.port().read_back()?;
    let model = rss.device().bus().model();
    let params = model.map().params;
    for v in 0..params.vports {
        let what = format!("{what}: VPort {v}");
        let state = model.vport(usize::from(v));
        let filters: Vec<u8> = (0..params.mac_filters)
            .filter(|&n| {
                let hi = model
                    .read(offset::MAC_FILTER_HI + 4 * u32::from(n))
                    .unwrap_or(0);
                hi >> 16 & 1 == 1 && (hi >> 24) as u8 == v
            })
            .collect();
        let Some(entity) = rss.vport(VPortId(v.into())) else {
            expect_eq(
                &format!("{what} (not created): enabled"),
                state.enabled,
                false,
            )?;
            expect_eq(&format!("{what}: table size"), state.table_size_log2, 0)?;
            expect_eq(&format!("{what}: filter entries"), filters, vec![])?;
            continue;
        };
        let (active, shadow) = &banks[usize::from(v)];
        expect_eq(&format!("{what}: shadow bank"), shadow, active)?;
        expect_eq(
            &format!("{what}: enabled"),
            state.enabled,
            entity.is_enabled(),
        )?;
        expect_eq(
            &format!("{what}: symmetric"),
            state.symmetric,
            entity.is_symmetric(),
        )?;
        expect_eq(
            &format!("{what}: hash types"),
            state.hash_types,
            entity.hash_types(),
        )?;
        expect_eq(
            &format!("{what}: table size"),
            1u32 << state.table_size_log2,
            entity.hardware_entries(),
        )?;
        let in_use = entity.hardware_entries() as usize;
        expect_eq(
            &format!("{what}: hardware table"),
            &active[..in_use],
            entity.hardware_table(),
        )?;
        let queue = |p| entity.queue_of(p).unwrap_or(u16::MAX);
        if entity.is_enabled() {
            let table = entity.active_table();
            let from_processors: Vec<u16> = (0..in_use)
                .map(|h| queue(table[h & (table.len() - 1)]))
                .collect();
            expect_eq(
                &format!("{what}: hardware table from the processors"),
                &active[..in_use],
                &from_processors[..],
            )?;
            expect_eq(
                &format!("{what}: default queue"),
                state.default_queue,
                queue(entity.default_processor()),
            )?;
        } else {
            expect_eq(
                &format!("{what}: primary queue"),
                state.primary_queue,
                queue(entity.primary_processor()),
            )?;
        }
        let expected_filters: Vec<u8> = entity.mac_filter_entry().into_iter().collect();
        expect_eq(
            &format!("{what}: filter entries"),
            &filters,
            &expected_filters,
        )?;
        if let (Some(n), Some(mac)) = (entity.mac_filter_entry(), entity.mac()) {
            expect_eq(
                &format!("{what}: filter MAC"),
                model.vport_of_mac(mac),
                usize::from(v),
            )?;
            expect_eq(&format!("{what}: filter entry"), filters, vec![n])?;
        }
    }
    Ok(())
}

/// Seed 002's initial state of a new VPort, in the firmware, the hardware and the
/// records: RSS disabled, one indirection entry on the affinity processor, primary =
/// default = the affinity processor, so every frame to its MAC goes unhashed to that
/// processor's queue (from the test's own queue map).
fn check_initial_state<P: FramePins>(
    rss: &mut Driver<'_, '_, P>,
    vport: VPortId,
    mac: [u8; 6],
    queues: &[DatapathQueue],
    affinity: u32,
) -> Result<(), String> {
    let what = format!("VPort {} after creation", vport.0);
    let entity = rss.vport(vport).ok_or(format!("{what}: not created"))?;
    let view = (
        entity.is_enabled(),
        entity.table_entries(),
        entity.active_table().to_vec(),
        entity.primary_processor(),
        entity.default_processor(),
        entity.mac(),
        entity.connection().is_some(),
    );
    let seed_002 = (
        false,
        1,
        vec![affinity],
        affinity,
        affinity,
        Some(mac),
        true,
    );
    expect_eq(&format!("{what}: firmware view"), view, seed_002)?;
    let queue = queue_in(queues, affinity);
    let model = rss.device().bus().model();
    let state = model.vport(vport.0 as usize);
    expect_eq(
        &format!("{what}: hardware (enabled, table size, primary, default, table[0])"),
        (
            state.enabled,
            state.table_size_log2,
            state.primary_queue,
            state.default_queue,
            model.table(vport.0 as usize)[0],
        ),
        (false, 0, queue, queue, queue),
    )?;
    expect_eq(
        &format!("{what}: hash types"),
        state.hash_types,
        NDIS_DEFAULT_HASH_TYPES,
    )?;
    expect_eq(
        &format!("{what}: key"),
        &state.key[..KEY_BYTES],
        &MS_DEFAULT_KEY[..],
    )?;
    let pinned = rss.port().pinned();
    let mine: Vec<&RecordOut> = pinned
        .iter()
        .filter(|(f, _)| f.starts_with(&mac))
        .map(|(_, r)| r)
        .collect();
    if mine.len() < 20 {
        return Err(format!("{what}: only {} records to check", mine.len()));
    }
    if let Some(r) = mine
        .iter()
        .find(|r| (u32::from(r.vport), r.queue, r.hash_type) != (vport.0, queue, 0))
    {
        return Err(format!(
            "{what}: record {r:x?}, not unhashed to queue {queue}"
        ));
    }
    Ok(())
}

/// Applies the successful entry moves of `moves` on `vport` to `table`.
fn apply(table: &mut [u32], moves: &[IndirectionEntry], vport: VPortId) {
    for m in moves {
        if let (MoveKind::Entry(i), EntryStatus::Success) = (m.kind, m.status)
            && m.vport == vport
        {
            table[i as usize] = m.processor;
        }
    }
}

fn statuses(moves: &[IndirectionEntry]) -> Vec<EntryStatus> {
    moves.iter().map(|m| m.status).collect()
}

/// Inserts `n` random good entry moves on `vport` at random places of the batch.
fn random_moves(
    rng: &mut StdRng,
    batch: &mut Vec<(IndirectionEntry, EntryStatus)>,
    vport: VPortId,
    entries: u32,
    queues: &[DatapathQueue],
    n: usize,
) {
    for _ in 0..n {
        let index = rng.random_range(0..entries);
        let processor = queues[rng.random_range(0..queues.len())].processor;
        let at = rng.random_range(0..=batch.len());
        let m = IndirectionEntry::new(index, processor).on_vport(vport);
        batch.insert(at, (m, EntryStatus::Success));
    }
}

fn run(name: &str, body: impl Fn(&mut rss_cosim::Sim<'_, RssCoreW64<'_>>) -> Result<(), String>) {
    // Both tests share one Verilator build; one at a time, so the second reuses it.
    static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());
    let _guard = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    frames_with_trace_on_failure!(RssCoreW64, "e2e_vports", |sim: &mut _| body(sim))
        .unwrap_or_else(|e| panic!("{name}: {e}"));
}

/// A core after reset with a [`LiveBus`] on it, frames flowing at full rate.
fn live_bus<P: FramePins>(sim: &mut P, seed: u64) -> Result<LiveBus<'_, P>, String> {
    let mut bus = CheckedBus::new(RegFile::new(Params::default()).map_err(|e| e.to_string())?);
    // Random AW/W/B/AR/R delays: writes take longer, so more frames see them, and the
    // slave sees AW and W in either order.
    bus.bus = AxilMaster::new().with_random_delays(seed, 3);
    reset(sim);
    let mut port = LiveBus::new(sim, bus, Stream::new(seed, vec![MAC_A, MAC_B]));
    port.stream.feeding = true;
    let sim = &mut *port.sim;
    port.stream.restart(sim, 100, 100);
    port.idle(300)?;
    Ok(port)
}

/// The default VPort from `Rss::create` (seed 002's initial state, then spread over
/// its 8 queues, all hash types, a random key, enabled), then VPorts A and B created
/// with their MAC filters. Frames stream throughout.
fn default_vport_and_two_vports<'p, 's, P: FramePins>(
    port: &'p mut LiveBus<'s, P>,
    rng: &mut StdRng,
    log: &mut Vec<Indication>,
) -> Result<Driver<'p, 's, P>, String> {
    let failure = port.failure.clone();
    let dev = probe(port)?;
    let mut rss = Rss::create(dev, &default_queues(), 0).map_err(|e| {
        failure
            .borrow_mut()
            .take()
            .unwrap_or(format!("Rss::create: {e}"))
    })?;
    let key: [u8; KEY_BYTES] = rng.random();
    ok(&mut rss, "default VPort: hash types", |r| {
        r.set_hash_types(HashTypes::ALL)
    })?;
    ok(&mut rss, "default VPort: key", |r| {
        r.set_hash_secret_key(&key)
    })?;
    ok(&mut rss, "default VPort: table size", |r| {
        r.set_table_size(64)
    })?;
    ok(&mut rss, "default VPort: spread", |r| r.spread_equal(8))?;
    step(&mut rss, log, 1500, "default VPort: enable", |r| r.enable())?;

    rss.port().new_rates(rng)?;
    let (qa, qb) = (queues_a(), queues_b());
    for (name, vport, mac, connection, queues, affinity_processor) in [
        ("A", VPORT_A, MAC_A, CONNECTION_A, &qa, AFFINITY_A),
        ("B", VPORT_B, MAC_B, CONNECTION_B, &qb, AFFINITY_B),
    ] {
        let config = VPortConfig {
            mac,
            connection,
            queues,
            affinity_processor,
        };
        let what = format!("create VPort {name}");
        step(&mut rss, log, 3000, &what, |r| {
            r.create_vport(vport, &config)
        })?;
        check_initial_state(&mut rss, vport, mac, queues, affinity_processor)?;
    }
    // Creating B left A as it was.
    check_initial_state(&mut rss, VPORT_A, MAC_A, &qa, AFFINITY_A)?;
    check_hardware(&mut rss, "after creating A and B")?;
    Ok(rss)
}

// ---------------------------------------------------------------------------------
// Tests.
// ---------------------------------------------------------------------------------

/// Issue 8's end-to-end acceptance on the 64-bit frame core, frames streaming to both
/// VPorts and the default VPort during and between every step:
/// create two VPorts with MAC filters → seed 002's initial state → per-VPort keys and
/// hash types → enable → grow the tables (replicated, no flow moves) → one move
/// array spanning both VPorts and the default VPort, moving entries to several
/// processors, with the primary and default processors in the same request and
/// each element its own status → disable A with tracked moves (B still moving at once)
/// → re-enable refused while a tracked entry is invalid, then fixed and re-enabled
/// (tracked table and default applied in one commit) → both VPorts deleted while
/// enabled. Every record matches the model in one of the states its frame saw.
#[test]
fn rssv2_across_two_vports_with_frames_streaming_matches_the_model() {
    run(
        "rssv2_across_two_vports_with_frames_streaming_matches_the_model",
        |sim| {
            // Three runs: other moves, keys, frames and rates each time.
            for seed in [0xe2e0_0008, 0xe2e0_0018, 0xe2e0_0028] {
                rssv2_sequence(sim, seed).map_err(|e| format!("seed {seed:#x}: {e}"))?;
            }
            Ok(())
        },
    );
}

/// The sequence of [`rssv2_across_two_vports_with_frames_streaming_matches_the_model`],
/// from reset, with randomness from `seed`.
fn rssv2_sequence<P: FramePins>(sim: &mut P, seed: u64) -> Result<(), String> {
    use EntryStatus::{
        InvalidParameter as Invalid, NoQueueForProcessor as NoQueue, Success,
        UnknownVPort as Unknown,
    };
    let mut rng = StdRng::seed_from_u64(seed);
    let mut port = live_bus(sim, rng.random())?;
    let mut log = Vec::new();
    let mut rss = default_vport_and_two_vports(&mut port, &mut rng, &mut log)?;
    let (qa, qb, q0) = (queues_a(), queues_b(), default_queues());

    // Per-VPort keys and hash types (committed while disabled: no record moves).
    let (key_a, key_b): ([u8; KEY_BYTES], [u8; KEY_BYTES]) = (rng.random(), rng.random());
    step(&mut rss, &mut log, 800, "A: key", |r| {
        r.vport_mut(VPORT_A)?.set_hash_secret_key(&key_a)
    })?;
    step(&mut rss, &mut log, 800, "B: key and hash types", |r| {
        let mut b = r.vport_mut(VPORT_B)?;
        b.set_hash_secret_key(&key_b)?;
        b.set_hash_types(HashTypes::ALL)
    })?;

    // Enable, one VPort at a time: one entry, so every hashed frame goes to the
    // affinity processor's queue.
    rss.port().new_rates(&mut rng)?;
    step(&mut rss, &mut log, 1500, "A: enable", |r| {
        r.vport_mut(VPORT_A)?.enable()
    })?;
    step(&mut rss, &mut log, 1500, "B: enable", |r| {
        r.vport_mut(VPORT_B)?.enable()
    })?;
    check_hardware(&mut rss, "after enabling A and B")?;

    // Grow the tables: replicated, committed with the size; no flow moves.
    step(&mut rss, &mut log, 1000, "A: 16 entries", |r| {
        r.vport_mut(VPORT_A)?.set_table_size(16)
    })?;
    step(&mut rss, &mut log, 1000, "B: 64 entries", |r| {
        r.vport_mut(VPORT_B)?.set_table_size(64)
    })?;
    let mut table_a = vec![AFFINITY_A; 16];
    let mut table_b = vec![AFFINITY_B; 64];
    let mut table_0: Vec<u32> = (0..64).map(|i| i % 8).collect();
    expect_eq(
        "A grown",
        rss.vport(VPORT_A).map(|e| e.active_table().to_vec()),
        Some(table_a.clone()),
    )?;
    expect_eq(
        "B grown",
        rss.vport(VPORT_B).map(|e| e.active_table().to_vec()),
        Some(table_b.clone()),
    )?;

    // One move array across A, B and the default VPort.
    rss.port().new_rates(&mut rng)?;
    let mut batch = vec![
        (IndirectionEntry::new(0, 4).on_vport(VPORT_A), Success),
        (IndirectionEntry::new(0, 9).on_vport(VPORT_B), Success),
        (IndirectionEntry::new(16, 5).on_vport(VPORT_A), Invalid),
        (IndirectionEntry::new(1, 6).on_vport(VPORT_A), Success),
        (
            IndirectionEntry::default_processor(7).on_vport(VPORT_A),
            Success,
        ),
        (IndirectionEntry::new(3, 12).on_vport(VPORT_A), NoQueue),
        (IndirectionEntry::new(1, 3).on_vport(VPORT_B), NoQueue),
        (
            IndirectionEntry::primary_processor(9).on_vport(VPORT_B),
            Success,
        ),
        (IndirectionEntry::new(0, 1).on_vport(VPortId(2)), Unknown),
        (IndirectionEntry::new(7, 2), Success),
        (IndirectionEntry::new(2, 7).on_vport(VPORT_A), Success),
        (IndirectionEntry::new(0, 13).on_vport(VPORT_B), Success),
        (IndirectionEntry::new(0, 0).on_vport(VPortId(4)), Unknown),
    ];
    random_moves(&mut rng, &mut batch, VPORT_A, 16, &qa, 12);
    random_moves(&mut rng, &mut batch, VPORT_B, 64, &qb, 24);
    random_moves(&mut rng, &mut batch, VPortId::DEFAULT, 64, &q0, 8);
    let (mut moves, want): (Vec<_>, Vec<_>) = batch.into_iter().unzip();
    let result = fw(&mut rss, |r| r.set_indirection_entries(&mut moves))?;
    indications(&mut rss, &mut log);
    expect_eq(
        "cross-VPort moves",
        result,
        Err(Error::EntriesFailed {
            invalid: 5,
            device: 0,
        }),
    )?;
    expect_eq("per-entry status", statuses(&moves), want)?;
    apply(&mut table_a, &moves, VPORT_A);
    apply(&mut table_b, &moves, VPORT_B);
    apply(&mut table_0, &moves, VPortId::DEFAULT);
    for (vport, table) in [
        (VPORT_A, &table_a),
        (VPORT_B, &table_b),
        (VPortId::DEFAULT, &table_0),
    ] {
        expect_eq(
            &format!("VPort {} table after the moves", vport.0),
            rss.vport(vport).map(|e| e.active_table().to_vec()),
            Some(table.clone()),
        )?;
    }
    let a = rss.vport(VPORT_A).ok_or("A gone")?;
    expect_eq(
        "A's default processor (active, moved)",
        a.default_processor(),
        7,
    )?;
    let b = rss.vport(VPORT_B).ok_or("B gone")?;
    expect_eq("B's primary processor (tracked)", b.primary_processor(), 9)?;
    rss.port().idle(2000)?;
    check_firmware_view(&mut rss, "after the cross-VPort moves")?;
    check_hardware(&mut rss, "after the cross-VPort moves")?;
    let model = rss.device().bus().model();
    expect_eq(
        "A's default queue in hardware",
        model.vport(1).default_queue,
        queue_in(&qa, 7),
    )?;
    let hardware_a = model.table(1)[..16].to_vec();
    let hardware_b = model.table(3)[..64].to_vec();

    // Disable A; B stays enabled.
    rss.port().new_rates(&mut rng)?;
    step(&mut rss, &mut log, 1500, "A: disable", |r| {
        r.vport_mut(VPORT_A)?.disable()
    })?;
    // Moves on A are tracked now (even to a processor without a queue); its
    // primary processor is active and moves at once; B's entries move at once.
    let mut moves = vec![
        IndirectionEntry::new(0, 5).on_vport(VPORT_A),
        IndirectionEntry::new(4, 10).on_vport(VPORT_B),
        IndirectionEntry::new(2, 12).on_vport(VPORT_A),
        IndirectionEntry::default_processor(12).on_vport(VPORT_A),
        IndirectionEntry::primary_processor(6).on_vport(VPORT_A),
        IndirectionEntry::new(20, 4).on_vport(VPORT_A),
        IndirectionEntry::new(1, 5).on_vport(VPORT_A),
        IndirectionEntry::new(5, 11).on_vport(VPORT_B),
    ];
    let result = fw(&mut rss, |r| r.set_indirection_entries(&mut moves))?;
    indications(&mut rss, &mut log);
    expect_eq(
        "moves with A disabled",
        result,
        Err(Error::EntriesFailed {
            invalid: 1,
            device: 0,
        }),
    )?;
    expect_eq(
        "per-entry status with A disabled",
        statuses(&moves),
        vec![
            Success, Success, Success, Success, Success, Invalid, Success, Success,
        ],
    )?;
    apply(&mut table_a, &moves, VPORT_A);
    apply(&mut table_b, &moves, VPORT_B);
    expect_eq(
        "A's tracked table",
        rss.vport(VPORT_A).map(|e| e.active_table().to_vec()),
        Some(table_a.clone()),
    )?;
    let model = rss.device().bus().model();
    expect_eq(
        "A's hardware table while disabled",
        &model.table(1)[..16],
        &hardware_a[..],
    )?;
    let mut moved_b = hardware_b.clone();
    moved_b[4] = queue_in(&qb, 10);
    moved_b[5] = queue_in(&qb, 11);
    expect_eq("B's hardware table", &model.table(3)[..64], &moved_b[..])?;
    expect_eq(
        "A's primary queue in hardware (active)",
        model.vport(1).primary_queue,
        queue_in(&qa, 6),
    )?;
    rss.port().idle(1500)?;
    check_firmware_view(&mut rss, "A disabled, tracked moves")?;
    check_hardware(&mut rss, "A disabled, tracked moves")?;
    if rss
        .port()
        .pinned()
        .iter()
        .any(|(f, r)| f.starts_with(&MAC_A) && (r.queue, r.hash_type) != (queue_in(&qa, 6), 0))
    {
        return Err("disabled A: a record not unhashed to its primary queue".into());
    }

    // Re-enable: refused while tracked entry 2 names a processor without a queue.
    let invalid = Error::InvalidSteering {
        parameter: Steering::Entry(2),
        processor: 12,
        num_queues: qa.len() as u16,
    };
    refused(&mut rss, "enable A with entry 2 -> 12", invalid, |r| {
        r.vport_mut(VPORT_A)?.enable()
    })?;
    let writes = rss.port().writes;
    let mut fix = [
        IndirectionEntry::new(2, 7).on_vport(VPORT_A),
        IndirectionEntry::default_processor(4).on_vport(VPORT_A),
    ];
    ok(&mut rss, "fix A's tracked moves", |r| {
        r.set_indirection_entries(&mut fix)
    })?;
    expect_eq("writes for tracked moves", rss.port().writes, writes)?;
    apply(&mut table_a, &fix, VPORT_A);
    rss.port().new_rates(&mut rng)?;
    step(&mut rss, &mut log, 2000, "A: enable again", |r| {
        r.vport_mut(VPORT_A)?.enable()
    })?;
    let expected: Vec<u16> = table_a.iter().map(|&p| queue_in(&qa, p)).collect();
    let model = rss.device().bus().model();
    expect_eq(
        "A's hardware table after enable",
        &model.table(1)[..16],
        &expected[..],
    )?;
    expect_eq(
        "A's default queue after enable",
        model.vport(1).default_queue,
        queue_in(&qa, 4),
    )?;
    check_hardware(&mut rss, "A enabled again")?;

    // Updates under traffic with both VPorts enabled, in random order: keys,
    // whole tables (weighted spreads), hash types with symmetric hashing, move
    // batches across a VPort and the default VPort, and `init` (key, hash
    // types, table and processors in one commit). Each commit and move lands
    // with frames in the core.
    for round in 0..UPDATE_ROUNDS {
        if round % 10 == 0 {
            rss.port().new_rates(&mut rng)?;
        }
        let (vport, queues, entries) = if rng.random_bool(0.5) {
            (VPORT_A, &qa, 16)
        } else {
            (VPORT_B, &qb, 64)
        };
        let what = format!("update {round} on VPort {}", vport.0);
        let settle = rng.random_range(100..800);
        let processor = |rng: &mut StdRng| queues[rng.random_range(0..queues.len())].processor;
        match rng.random_range(0..5) {
            0 => {
                let key: [u8; KEY_BYTES] = rng.random();
                step(&mut rss, &mut log, settle, &what, |r| {
                    r.vport_mut(vport)?.set_hash_secret_key(&key)
                })?;
            }
            1 => {
                let weights: Vec<u32> = queues.iter().map(|_| rng.random_range(1..5)).collect();
                step(&mut rss, &mut log, settle, &what, |r| {
                    r.vport_mut(vport)?.spread_weighted(&weights)
                })?;
            }
            2 => {
                let types = HashTypes(rng.random_range(1..=HashTypes::ALL.0));
                let symmetric = rng.random_bool(0.5);
                step(&mut rss, &mut log, settle, &what, |r| {
                    let mut v = r.vport_mut(vport)?;
                    v.set_hash_types(types)?;
                    v.set_symmetric(symmetric)
                })?;
            }
            3 => {
                let config = Config {
                    key: rng.random(),
                    hash_types: Some(HashTypes(rng.random_range(1..=HashTypes::ALL.0))),
                    num_queues: None,
                    table_entries: Some(entries),
                    default_processor: processor(&mut rng),
                    primary_processor: processor(&mut rng),
                };
                step(&mut rss, &mut log, settle, &what, |r| {
                    r.vport_mut(vport)?.init(&config)
                })?;
            }
            _ => {
                let mut batch = Vec::new();
                random_moves(&mut rng, &mut batch, vport, entries, queues, 16);
                random_moves(&mut rng, &mut batch, VPortId::DEFAULT, 64, &q0, 4);
                let (mut moves, _): (Vec<_>, Vec<_>) = batch.into_iter().unzip();
                step(&mut rss, &mut log, settle, &what, |r| {
                    r.set_indirection_entries(&mut moves)
                })?;
            }
        }
    }
    check_hardware(&mut rss, "after the updates")?;

    // The driver's hash self-test on every VPort, frames streaming: the hardware probe
    // against a bitwise Toeplitz of the keys the driver committed and its view of the
    // tables; every probe's answer is also checked against the model on the bus.
    for vport in [VPORT_A, VPORT_B, VPortId::DEFAULT] {
        let what = format!("self-test of VPort {}", vport.0);
        let probes = step(&mut rss, &mut log, 200, &what, |r| r.self_test(vport))?;
        expect_eq(&what, probes, 33)?;
    }

    // Delete both, RSS enabled on each: their frames go to the default VPort.
    rss.port().new_rates(&mut rng)?;
    refused(
        &mut rss,
        "a VPort not created",
        Error::UnknownVPort {
            vport: 2,
            vports: 4,
        },
        |r| r.delete_vport(VPortId(2)),
    )?;
    step(&mut rss, &mut log, 1500, "delete A", |r| {
        r.delete_vport(VPORT_A)
    })?;
    step(&mut rss, &mut log, 1500, "delete B", |r| {
        r.delete_vport(VPORT_B)
    })?;
    expect_eq(
        "VPorts left",
        rss.vports().map(|e| e.id()).collect::<Vec<_>>(),
        vec![VPortId::DEFAULT],
    )?;
    check_hardware(&mut rss, "after deleting A and B")?;
    let pinned = rss.port().pinned();
    for mac in [MAC_A, MAC_B] {
        let to_mac: Vec<_> = pinned.iter().filter(|(f, _)| f.starts_with(&mac)).collect();
        if to_mac.len() < 20 || to_mac.iter().any(|(_, r)| r.vport != 0) {
            return Err(format!(
                "after deletion, frames to {mac:02x?}: {} records, not all on VPort 0",
                to_mac.len()
            ));
        }
    }
    rss.port().drain()?;

    // Indications: per VPort, in order, addressed as seed 004 says.
    let port_log: Vec<(Indication, Event)> = log.iter().map(|i| (*i, i.event)).collect();
    for (vport, connection, events) in [
        (
            VPORT_A,
            CONNECTION_A,
            vec![
                Event::VPortCreated { vport: VPORT_A },
                Event::RssEnabled { vport: VPORT_A },
                Event::RssDisabled { vport: VPORT_A },
                Event::RssEnabled { vport: VPORT_A },
                Event::VPortDeleted { vport: VPORT_A },
            ],
        ),
        (
            VPORT_B,
            CONNECTION_B,
            vec![
                Event::VPortCreated { vport: VPORT_B },
                Event::RssEnabled { vport: VPORT_B },
                Event::VPortDeleted { vport: VPORT_B },
            ],
        ),
    ] {
        let mine: Vec<&(Indication, Event)> = port_log
            .iter()
            .filter(|(_, e)| match e {
                Event::VPortCreated { vport: v }
                | Event::RssEnabled { vport: v }
                | Event::RssDisabled { vport: v }
                | Event::VPortDeleted { vport: v }
                | Event::KeyChanged { vport: v, .. } => *v == vport,
                _ => false,
            })
            .collect();
        let state_changes: Vec<Event> = mine
            .iter()
            .map(|(_, e)| *e)
            .filter(|e| !matches!(e, Event::KeyChanged { .. }))
            .collect();
        expect_eq(
            &format!("VPort {} indications", vport.0),
            state_changes,
            events,
        )?;
        if let Some((i, _)) = mine
            .iter()
            .find(|(i, _)| (i.source, i.destination) != (SwitchEndpoint::DEFAULT, connection))
        {
            return Err(format!("VPort {} indication addressed {i:?}", vport.0));
        }
        if !mine
            .iter()
            .any(|(_, e)| matches!(e, Event::KeyChanged { .. }))
        {
            return Err(format!("VPort {}: no KeyChanged indication", vport.0));
        }
    }
    if log
        .iter()
        .any(|i| matches!(i.event, Event::IndicationsLost { .. }))
    {
        return Err(format!("indications lost: {log:?}"));
    }

    let port = rss.port();
    let mut per_vport = [0u64; 4];
    for r in &port.stream.records {
        per_vport[usize::from(r.vport)] += 1;
    }
    eprintln!(
        "rssv2_across_two_vports: {} frames ({per_vport:?} per VPort), {} of them in \
         the core while the steering changed, {} steered by a change made meanwhile; \
         {} steering states, {} of them reached with frames in the core; {} firmware \
         reads, {} writes, {} clocks",
        port.stream.records.len(),
        port.overlapping,
        port.saw_later,
        port.latest() + 1,
        port.changes_in_flight,
        port.reads,
        port.writes,
        port.stream.edges
    );
    if port.saw_later < 100 || per_vport[1] < 1000 || per_vport[3] < 1000 {
        return Err(format!(
            "too few records steered by an update made while their frame was in the \
             core ({}), or reaching the VPorts ({per_vport:?})",
            port.saw_later
        ));
    }
    Ok(())
}

/// A driver restarted over the running core (`Rss::new`) while frames stream: the
/// restart changes nothing that steers a frame (no model state change at all), and
/// the new driver adopts the default VPort and both VPorts from the MAC filters and
/// the active tables (read with `TABLE_READ.ACTIVE`): the same RSS state, hardware
/// tables, MACs and filter entries; processors are taken to be the hardware queues
/// (no record of the OS's map survives), indications go to the default port, and
/// every key is the staged key (the last committed, here B's: the key read-back
/// limit of `firmware/README.md`). The adopted driver then re-keys A, moves entries
/// on both VPorts and deletes A, every record still checked against the model.
#[test]
fn a_restarted_driver_adopts_both_vports_without_disturbing_frames() {
    run(
        "a_restarted_driver_adopts_both_vports_without_disturbing_frames",
        |sim| {
            let mut rng = StdRng::seed_from_u64(0xe2e0_0009);
            let mut port = live_bus(sim, rng.random())?;
            let mut log = Vec::new();
            let failure = port.failure.clone();
            let mut rss = default_vport_and_two_vports(&mut port, &mut rng, &mut log)?;
            let (qa, qb) = (queues_a(), queues_b());
            let (key_a, key_b): ([u8; KEY_BYTES], [u8; KEY_BYTES]) = (rng.random(), rng.random());
            for (vport, entries, key, queues) in
                [(VPORT_A, 16, key_a, &qa), (VPORT_B, 32, key_b, &qb)]
            {
                let weights: Vec<u32> = queues.iter().map(|_| rng.random_range(1..5)).collect();
                step(&mut rss, &mut log, 500, "set up a VPort", |r| {
                    let mut v = r.vport_mut(vport)?;
                    v.set_hash_types(HashTypes::ALL)?;
                    v.set_table_size(entries)?;
                    v.spread_weighted(&weights)?;
                    v.enable()?;
                    v.set_hash_secret_key(&key)
                })?;
            }
            check_hardware(&mut rss, "before the restart")?;
            type View = (
                VPortId,
                bool,
                HashTypes,
                Vec<u16>,
                Option<[u8; 6]>,
                Option<u8>,
            );
            let view = |rss: &Driver<'_, '_, _>| -> Vec<View> {
                rss.vports()
                    .map(|e| {
                        (
                            e.id(),
                            e.is_enabled(),
                            e.hash_types(),
                            e.hardware_table().to_vec(),
                            e.mac(),
                            e.mac_filter_entry(),
                        )
                    })
                    .collect()
            };
            let before = view(&rss);

            // The restart, frames streaming.
            rss.port().new_rates(&mut rng)?;
            rss.port().idle(500)?;
            let state = rss.port().latest();
            // A new driver instance: probed afresh, nothing carried over.
            let dev = probe(rss.into_device().into_bus())?;
            let mut rss = Rss::new(dev).map_err(|e| {
                failure
                    .borrow_mut()
                    .take()
                    .unwrap_or(format!("Rss::new: {e}"))
            })?;
            if let Some(f) = rss.port().failure.borrow_mut().take() {
                return Err(f);
            }
            rss.port().idle(2000)?;
            expect_eq(
                "steering states the restart went through",
                rss.port().latest(),
                state,
            )?;
            expect_eq("adopted VPorts", view(&rss), before)?;
            let model = rss.device().bus().model();
            let staged: Vec<u8> = (0..KEY_BYTES as u32 / 4)
                .flat_map(|n| model.read(offset::KEY + 4 * n).unwrap_or(0).to_be_bytes())
                .collect();
            expect_eq(
                "the staged key (B's, committed last)",
                &staged[..],
                &key_b[..],
            )?;
            for entity in rss.vports() {
                let v = entity.id();
                expect_eq(&format!("VPort {} adopted key", v.0), *entity.key(), key_b)?;
                let identity: Vec<u32> =
                    entity.hardware_table().iter().map(|&q| q.into()).collect();
                expect_eq(
                    &format!("VPort {} adopted processors", v.0),
                    entity.active_table(),
                    &identity[..],
                )?;
                let connection = (v != VPortId::DEFAULT).then_some(SwitchEndpoint::DEFAULT);
                expect_eq(
                    &format!("VPort {} adopted connection", v.0),
                    entity.connection(),
                    connection,
                )?;
            }
            check_firmware_view(&mut rss, "adopted")?;
            check_hardware(&mut rss, "adopted")?;

            // The adopted driver at work: the keys set again (as the OS does after a
            // restart; B's is right already), moves on both VPorts in hardware queue
            // numbers, A deleted.
            rss.port().new_rates(&mut rng)?;
            let key_0: [u8; KEY_BYTES] = rng.random();
            ok(&mut rss, "default VPort: key after the restart", |r| {
                r.set_hash_secret_key(&key_0)
            })?;
            step(&mut rss, &mut log, 1000, "A: key after the restart", |r| {
                r.vport_mut(VPORT_A)?.set_hash_secret_key(&key_a)
            })?;
            let mut batch = Vec::new();
            let hardware = |queues: &[DatapathQueue]| -> Vec<DatapathQueue> {
                queues
                    .iter()
                    .map(|q| DatapathQueue::new(q.hardware_queue.into(), q.hardware_queue))
                    .collect()
            };
            random_moves(&mut rng, &mut batch, VPORT_A, 16, &hardware(&qa), 12);
            random_moves(&mut rng, &mut batch, VPORT_B, 32, &hardware(&qb), 12);
            let (mut moves, _): (Vec<_>, Vec<_>) = batch.into_iter().unzip();
            step(&mut rss, &mut log, 1000, "moves after the restart", |r| {
                r.set_indirection_entries(&mut moves)
            })?;
            step(
                &mut rss,
                &mut log,
                1500,
                "delete A after the restart",
                |r| r.delete_vport(VPORT_A),
            )?;
            check_hardware(&mut rss, "after the restart, A deleted")?;
            rss.port().drain()?;
            let port = rss.port();
            eprintln!(
                "a_restarted_driver_adopts: {} frames, {} firmware reads, {} writes, {} clocks",
                port.stream.records.len(),
                port.reads,
                port.writes,
                port.stream.edges
            );
            Ok(())
        },
    );
}
