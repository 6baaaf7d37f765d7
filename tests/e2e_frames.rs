//! End to end on the frame-level core: the real `rss-fw` driver programs the Verilated
//! `rss_core` (64- and 512-bit) over AXI4-Lite, then random frames go through and every
//! record is compared with the model (`rss_model::parse::steer_frame`). Every register
//! access the firmware makes is checked against the model's register file on the way.

use rand::{Rng, SeedableRng, rngs::StdRng};
use rss_cosim::axil::Resp;
use rss_cosim::dut::{self, CheckedBus};
use rss_cosim::frame_dut::{FramePins, FrameTraffic, RssCoreW64, RssCoreW512, reset};
use rss_cosim::{frames, frames_with_trace_on_failure};
use rss_fw::{BusError, Config, HashTypes, RegisterBus, Rss, RssDevice};
use rss_model::regfile::RegFile;
use rss_model::regmap::Params;

/// The firmware's bus: AXI4-Lite through [`CheckedBus`]. SLVERR reaches the firmware
/// as `BusError::SlvErr`; an RTL/model disagreement is kept and fails the test.
struct FrameBus<'a, P: FramePins> {
    bus: &'a mut CheckedBus,
    sim: &'a mut P,
    disagreement: Option<String>,
}

impl<P: FramePins> FrameBus<'_, P> {
    fn answer<T>(&mut self, result: Result<(T, Resp), String>) -> Result<T, BusError> {
        match result {
            Ok((value, Resp::Okay)) => Ok(value),
            Ok(_) => Err(BusError::SlvErr),
            Err(e) => {
                self.disagreement.get_or_insert(e);
                Err(BusError::Timeout)
            }
        }
    }
}

impl<P: FramePins> RegisterBus for FrameBus<'_, P> {
    fn read32(&mut self, offset: u32) -> Result<u32, BusError> {
        let result = self.bus.read(self.sim, offset);
        self.answer(result)
    }

    fn write32(&mut self, offset: u32, value: u32) -> Result<(), BusError> {
        let result = self
            .bus
            .write(self.sim, offset, value, 0xf)
            .map(|resp| ((), resp));
        self.answer(result)
    }
}

/// Programs `config` with the firmware, then checks `frames` random frames.
fn firmware_then_frames<P: FramePins>(
    sim: &mut P,
    config: &Config,
    seed: u64,
    count: usize,
) -> Result<(), String> {
    let mut bus = CheckedBus::new(RegFile::new(Params::default()).map_err(|e| e.to_string())?);
    reset(sim);
    let mut port = FrameBus {
        bus: &mut bus,
        sim,
        disagreement: None,
    };
    let init = RssDevice::probe(&mut port)
        .and_then(Rss::new)
        .and_then(|mut rss| rss.init(config));
    if let Some(e) = port.disagreement.take() {
        return Err(format!(
            "RTL and model disagree on the firmware's access: {e}"
        ));
    }
    init.map_err(|e| format!("firmware init: {e:?}"))?;
    if bus.model.active_key(0) != config.key {
        return Err("the firmware's key is not the active key".into());
    }
    if !bus.model.vport(0).enabled {
        return Err("init left RSS disabled".into());
    }
    let mut rng = StdRng::seed_from_u64(seed);
    let frames: Vec<Vec<u8>> = (0..count).map(|_| frames::random_frame(&mut rng)).collect();
    let mut traffic = FrameTraffic::new(rng.random(), 90, 90);
    for f in &frames {
        traffic.push(f.clone());
    }
    traffic.drain(sim)?;
    // No MAC filter is set, so every frame is the default VPort's.
    dut::check_frame_records(&bus.model, &frames, &traffic.records)?;
    Ok(())
}

fn configs() -> [Config; 2] {
    let mut rng = StdRng::seed_from_u64(77);
    [
        Config::default(),
        Config {
            key: rng.random(),
            hash_types: Some(HashTypes::ALL),
            num_queues: Some(12),
            table_entries: Some(32),
            default_processor: 11,
            primary_processor: 3,
        },
    ]
}

#[test]
fn firmware_programs_the_64_bit_frame_core() {
    for (i, config) in configs().iter().enumerate() {
        frames_with_trace_on_failure!(RssCoreW64, "e2e_frames_w64", |sim: &mut _| {
            firmware_then_frames(sim, config, i as u64, 3000)
        })
        .unwrap_or_else(|e| panic!("config {i}: {e}"));
    }
}

#[test]
fn firmware_programs_the_512_bit_frame_core() {
    for (i, config) in configs().iter().enumerate() {
        frames_with_trace_on_failure!(RssCoreW512, "e2e_frames_w512", |sim: &mut _| {
            firmware_then_frames(sim, config, 10 + i as u64, 3000)
        })
        .unwrap_or_else(|e| panic!("config {i}: {e}"));
    }
}
