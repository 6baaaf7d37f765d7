//! The cosim simulates a yosys-processed copy of each frame core (`cosim/build.rs`),
//! because Verilator runs it several times faster. This test is what lets every other
//! cosim test stand for the emitted RTL: the copy and the emitted 64-bit core run in
//! lockstep as one [`Lockstep`] device under the main job's scenario (random VPort,
//! filter, key and table configurations written and read back over AXI4-Lite, frames
//! of every kind with gaps and backpressure, every record checked against the model),
//! and every output of the two is compared after every evaluation.
//!
//! The same lockstep checks the port stepper (`rss_cosim::stepper`, which every cosim
//! model evaluates through): one copy evaluated through marlin's own per-port calls and
//! every half clock, one through the stepper, which skips a low half that would change
//! no output (`Sim::eval`) and then takes the edge in one evaluation.

use rss_cosim::Clocked;
use rss_cosim::axil::AxilPins;
use rss_cosim::dut::RecordOut;
use rss_cosim::frame_dut::{self, FramePins, RssCoreW64, RssCoreW64Rtl};
use rss_cosim::scenario::random_frame_traffic;
use rss_cosim::tx_traffic::{TxAnswer, TxRequest};
use rss_model::regmap::Params;

const BATCHES: u64 = 10;
const FRAMES_PER_BATCH: u64 = 2_000;

/// Every output port of a frame core, as the harness reads them.
#[derive(Debug, PartialEq, Eq)]
struct Outputs {
    axil: [u32; 8],
    beat_ready: bool,
    record: Option<RecordOut>,
    tx_request_ready: bool,
    tx_answer: Option<TxAnswer>,
}

fn outputs<P: FramePins>(p: &P) -> Outputs {
    Outputs {
        axil: [
            p.awready().into(),
            p.wready().into(),
            p.bresp().into(),
            p.bvalid().into(),
            p.arready().into(),
            p.rdata(),
            p.rresp().into(),
            p.rvalid().into(),
        ],
        beat_ready: p.beat_ready(),
        record: p.record(),
        tx_request_ready: p.tx_request_ready(),
        tx_answer: p.tx_answer(),
    }
}

/// Two cores driven as one: every input goes to both, outputs are read from `rtl`
/// after checking that `copy` shows the same, at every evaluation and clock edge.
struct Lockstep<R, C> {
    rtl: R,
    copy: C,
    evaluations: u64,
    /// What the two are, for the failure message: "left (…) and right (…)".
    pair: &'static str,
}

impl<R: FramePins, C: FramePins> Lockstep<R, C> {
    fn compare(&mut self) {
        self.evaluations += 1;
        let (rtl, copy) = (outputs(&self.rtl), outputs(&self.copy));
        assert_eq!(
            rtl, copy,
            "{} differ at evaluation {}",
            self.pair, self.evaluations
        );
    }
}

impl<R: FramePins, C: FramePins> Clocked for Lockstep<R, C> {
    fn set_clk(&mut self, high: bool) {
        self.rtl.set_clk(high);
        self.copy.set_clk(high);
    }
    fn eval(&mut self) {
        self.rtl.eval();
        self.copy.eval();
        self.compare();
    }
    fn tick(&mut self) {
        self.rtl.tick();
        self.copy.tick();
        self.compare();
    }
}

/// Forwards setters to both cores and getters to `rtl`.
macro_rules! both {
    ($($set:ident: $t:ty),*; $($get:ident -> $r:ty),*) => {
        $(fn $set(&mut self, v: $t) {
            self.rtl.$set(v);
            self.copy.$set(v);
        })*
        $(fn $get(&self) -> $r {
            self.rtl.$get()
        })*
    };
}

impl<R: FramePins, C: FramePins> AxilPins for Lockstep<R, C> {
    both!(set_awaddr: u32, set_awprot: u8, set_awvalid: bool, set_wdata: u32,
        set_wstrb: u8, set_wvalid: bool, set_bready: bool, set_araddr: u32,
        set_arprot: u8, set_arvalid: bool, set_rready: bool;
        awready -> bool, wready -> bool, bresp -> u8, bvalid -> bool, arready -> bool,
        rdata -> u32, rresp -> u8, rvalid -> bool);
}

impl<R: FramePins, C: FramePins> FramePins for Lockstep<R, C> {
    const BEAT_BYTES: usize = R::BEAT_BYTES;
    const FILE: &'static str = R::FILE;
    fn params() -> Params {
        assert_eq!(R::params(), C::params(), "both cores generated alike");
        R::params()
    }
    both!(set_rst: bool, set_beat_valid: bool, set_record_ready: bool,
        set_tx_answer_ready: bool;
        beat_ready -> bool, record -> Option<RecordOut>, tx_request_ready -> bool,
        tx_answer -> Option<TxAnswer>);
    fn set_beat(&mut self, bytes: &[u8], last: bool) {
        self.rtl.set_beat(bytes, last);
        self.copy.set_beat(bytes, last);
    }
    fn set_tx_request(&mut self, request: Option<&TxRequest>) {
        self.rtl.set_tx_request(request);
        self.copy.set_tx_request(request);
    }
}

#[test]
fn processed_copy_matches_the_emitted_rtl_at_every_evaluation() {
    let rtl_cosim = frame_dut::build::<RssCoreW64Rtl>(false).unwrap();
    let copy_cosim = frame_dut::build::<RssCoreW64>(false).unwrap();
    let mut pair = Lockstep {
        rtl: rtl_cosim.sim::<RssCoreW64Rtl>("rtl").unwrap(),
        copy: copy_cosim.sim::<RssCoreW64>("copy").unwrap(),
        evaluations: 0,
        pair: "emitted RTL (left) and simulation copy (right)",
    };
    let summary =
        random_frame_traffic(&mut pair, 0x51c0_0e5a, BATCHES, FRAMES_PER_BATCH, |_| {}).unwrap();
    // The comparison means something only if the run steered, hashed and configured.
    assert_eq!(summary.tuples, BATCHES * FRAMES_PER_BATCH);
    assert_eq!(summary.mismatches, 0);
    assert!(summary.configurations >= BATCHES, "{summary:?}");
    let unhashed = summary.type_counts[9];
    assert!(
        unhashed < summary.tuples / 2,
        "{unhashed} records without a hash"
    );
    let vports = summary.vport_counts.iter().filter(|&&n| n > 0).count();
    assert!(vports >= 2, "records on {vports} VPorts");
    eprintln!(
        "{} frames, {} clocks, {} evaluations: every output equal",
        summary.tuples, summary.cycles, pair.evaluations
    );
}

#[test]
fn port_stepper_matches_marlins_own_port_calls() {
    let cosim = frame_dut::build::<RssCoreW64>(false).unwrap();
    // `Sim::new` leaves the stepper out: every evaluation goes through marlin's `eval`.
    let mut pair = Lockstep {
        rtl: rss_cosim::Sim::new(cosim.model::<RssCoreW64>().unwrap()),
        copy: cosim.sim::<RssCoreW64>("stepped").unwrap(),
        evaluations: 0,
        pair: "marlin's port calls (left) and the port stepper (right)",
    };
    let summary =
        random_frame_traffic(&mut pair, 0x57e9_9e25, 3, FRAMES_PER_BATCH, |_| {}).unwrap();
    assert_eq!(summary.tuples, 3 * FRAMES_PER_BATCH);
    assert_eq!(summary.mismatches, 0);
    assert!(summary.configurations >= 3, "{summary:?}");
    eprintln!(
        "{} frames, {} evaluations: every output equal",
        summary.tuples, pair.evaluations
    );
}
