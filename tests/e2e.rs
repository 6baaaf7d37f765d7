//! End to end: the real firmware driver (`rss-fw`) programs the real Verilated RTL
//! (`rss-cosim`), and every record the RTL emits is checked against the model.
//!
//! The firmware talks through [`SimBus`], a [`RegisterBus`] over [`CheckedBus`]: every
//! access goes to the RTL and to the model's `RegFile`, and any disagreement fails the
//! test (it is never handed to the firmware as a bus error). Records are checked twice:
//! against `RegFile::steer` (the mirror of every write) and against what the firmware
//! believes it programmed (its tracked table, queues and the key), hashed with the
//! model's bit-by-bit Toeplitz reference. The tuple port steers on the default VPort
//! (VPort 0); `tests/e2e_vports.rs` runs the VPorts on the frame core.
//!
//! A failing test reruns with a VCD trace and names the file.

use std::fmt::Debug;

use rand::{Rng, SeedableRng, rngs::StdRng};
use rss_cosim::axil::Resp;
use rss_cosim::dut::{self, CheckedBus, CoreSim, RecordOut, Traffic, TupleIn};
use rss_cosim::scenario::{random_tuple, with_trace_on_failure};
use rss_fw::{
    BusError, Config, EntryStatus, Error, HashTypes, IndirectionEntry, MoveKind, RegisterBus, Rss,
    RssDevice, Steering,
};
use rss_model::regfile::{RegFile, move_result};
use rss_model::regmap::{Params, field, offset};
use rss_model::toeplitz::{KEY_BYTES, MS_DEFAULT_KEY};
use rss_model::toeplitz_bitwise;

// ---------------------------------------------------------------------------------
// The firmware's bus: CheckedBus + the simulator (+ traffic flowing meanwhile).
// ---------------------------------------------------------------------------------

/// [`RegisterBus`] over the Verilated core with the model alongside.
///
/// * Reads and writes go through [`CheckedBus`]; an RTL/model difference (or a stream
///   error) is stored in `failure`, the access and every later one answer
///   [`BusError::Timeout`] so the firmware stops, and [`fw`] turns the stored message
///   into a test failure whatever the firmware returned. Dropping a `SimBus` with an
///   unreported failure panics.
/// * With `live`, `traffic` is clocked through every write (`write_with`), so the
///   datapath sees each register change while tuples flow. Reads (and writes when not
///   live) hold the streams idle, since `CheckedBus::read` has no per-cycle hook.
/// * With `history`, the model is snapshotted after every write, so records that
///   overlap a reconfiguration can be checked against the states it went through.
struct SimBus<'a, 'ctx> {
    sim: &'a mut CoreSim<'ctx>,
    bus: &'a mut CheckedBus,
    traffic: Traffic,
    live: bool,
    history: Option<Vec<RegFile>>,
    failure: Option<String>,
    reads: u64,
    writes: u64,
    /// Records checked against a single (quiesced) model state.
    checked: u64,
    /// Records emitted while a firmware call was writing registers.
    overlapping: u64,
}

impl<'a, 'ctx> SimBus<'a, 'ctx> {
    fn new(sim: &'a mut CoreSim<'ctx>, bus: &'a mut CheckedBus) -> Self {
        SimBus {
            sim,
            bus,
            traffic: Traffic::new(0, 100, 100),
            live: false,
            history: None,
            failure: None,
            reads: 0,
            writes: 0,
            checked: 0,
            overlapping: 0,
        }
    }

    fn fail(&mut self, message: String) {
        let cycle = self.sim.cycles();
        self.failure
            .get_or_insert_with(|| format!("cycle {cycle}: {message}"));
    }

    /// Holds `s_tuple_valid` and `m_rss_ready` low, so the coming edges complete no
    /// handshake the traffic would not book.
    fn pause_streams(&mut self) {
        self.sim.s_tuple_valid = 0;
        self.sim.m_rss_ready = 0;
    }

    /// Replaces the (idle) traffic with a fresh one at random rates.
    fn fresh_traffic(&mut self, rng: &mut StdRng) -> Result<(), String> {
        if self.traffic.busy() {
            return Err("traffic replaced while busy".into());
        }
        let (valid, ready) = match rng.random_range(0..4) {
            0 => (100, 100),
            1 => (100, rng.random_range(30..90)),
            2 => (rng.random_range(30..90), 100),
            _ => (rng.random_range(10..100), rng.random_range(10..100)),
        };
        self.traffic = Traffic::new(rng.random(), valid, ready);
        self.traffic.plan(self.sim);
        Ok(())
    }

    fn drain(&mut self) -> Result<(), String> {
        let r = self.traffic.drain(self.sim);
        r.map_err(|e| format!("cycle {}: traffic: {e}", self.sim.cycles()))
    }

    fn response(&mut self, what: String, resp: Resp) -> Result<(), BusError> {
        match resp {
            Resp::Okay => Ok(()),
            Resp::SlvErr => Err(BusError::SlvErr),
            Resp::DecErr => Err(BusError::DecErr),
            Resp::ExOkay => {
                self.fail(format!("{what}: EXOKAY on AXI4-Lite"));
                Err(BusError::Timeout)
            }
        }
    }

    /// Every element of every register, read through the checked bus (RTL = model).
    fn register_dump(&mut self) -> Result<Vec<(u32, u32, Resp)>, String> {
        let map = self.bus.model.map().clone();
        self.pause_streams();
        let mut dump = Vec::new();
        for r in map.registers() {
            for e in 0..r.count {
                let addr = r.element_offset(e);
                let (data, resp) = self.bus.read(self.sim, addr)?;
                dump.push((addr, data, resp));
            }
        }
        self.traffic.plan(self.sim);
        Ok(dump)
    }

    /// One register as the RTL answers it (checked against the model).
    fn read_reg(&mut self, addr: u32) -> Result<u32, String> {
        self.pause_streams();
        let r = self.bus.read(self.sim, addr);
        self.traffic.plan(self.sim);
        Ok(r?.0)
    }

    /// The default VPort's whole active table as the RTL answers it with
    /// `TABLE_READ.ACTIVE` set (checked against the model). The shadow table is read
    /// too and must be a copy of it, as the driver keeps it. `TABLE_READ` is restored,
    /// so the driver's idea of it stays right.
    fn hardware_table(&mut self) -> Result<Vec<u16>, String> {
        let entries = self.bus.model.map().params.table_entries();
        self.pause_streams();
        let read_bank = |sim: &mut CoreSim<'_>, bus: &mut CheckedBus, active: u32| {
            bus.write(sim, offset::TABLE_READ, active, 0xf)?;
            (0..entries)
                .map(|i| Ok(bus.read(sim, offset::TABLE + 4 * i)?.0 as u16))
                .collect::<Result<Vec<u16>, String>>()
        };
        let (table_read, _) = self.bus.read(self.sim, offset::TABLE_READ)?;
        let active = read_bank(self.sim, self.bus, 1)?;
        let shadow = read_bank(self.sim, self.bus, 0)?;
        self.bus
            .write(self.sim, offset::TABLE_READ, table_read, 0xf)?;
        self.traffic.plan(self.sim);
        if shadow != active {
            return Err(format!(
                "the shadow table is not a copy of the active one:\n  active {active:?}\n  \
                 shadow {shadow:?}"
            ));
        }
        Ok(active)
    }
}

impl RegisterBus for SimBus<'_, '_> {
    fn read32(&mut self, addr: u32) -> Result<u32, BusError> {
        if self.failure.is_some() {
            return Err(BusError::Timeout);
        }
        self.reads += 1;
        self.pause_streams();
        let result = self.bus.read(self.sim, addr);
        self.traffic.plan(self.sim);
        match result {
            Ok((data, resp)) => self
                .response(format!("read {addr:#x}"), resp)
                .map(|()| data),
            Err(e) => {
                self.fail(format!("RTL differs from the model: {e}"));
                Err(BusError::Timeout)
            }
        }
    }

    fn write32(&mut self, addr: u32, value: u32) -> Result<(), BusError> {
        if self.failure.is_some() {
            return Err(BusError::Timeout);
        }
        self.writes += 1;
        let result = if self.live {
            let traffic = &mut self.traffic;
            let mut stream_error = None;
            let r = self.bus.write_with(self.sim, addr, value, 0xf, |s| {
                if let Err(e) = traffic.after_edge(s) {
                    stream_error.get_or_insert(e);
                }
            });
            if let Some(e) = stream_error {
                self.fail(format!("traffic during write {addr:#x}: {e}"));
            }
            r
        } else {
            self.pause_streams();
            let r = self.bus.write(self.sim, addr, value, 0xf);
            self.traffic.plan(self.sim);
            r
        };
        if let Some(history) = &mut self.history {
            history.push((*self.bus.model).clone());
        }
        match result {
            Ok(resp) => self.response(format!("write {addr:#x} = {value:#x}"), resp),
            Err(e) => {
                self.fail(format!("RTL differs from the model: {e}"));
                Err(BusError::Timeout)
            }
        }
    }
}

impl Drop for SimBus<'_, '_> {
    fn drop(&mut self) {
        if let Some(f) = &self.failure
            && !std::thread::panicking()
        {
            panic!("unreported failure on the firmware's bus: {f}");
        }
    }
}

// ---------------------------------------------------------------------------------
// Calling the firmware.
// ---------------------------------------------------------------------------------

/// A driver layer whose bus is a [`SimBus`].
trait Driver<'a, 'ctx> {
    fn port(&mut self) -> &mut SimBus<'a, 'ctx>;
}

impl<'a, 'ctx> Driver<'a, 'ctx> for Rss<&mut SimBus<'a, 'ctx>> {
    fn port(&mut self) -> &mut SimBus<'a, 'ctx> {
        self.bus_mut()
    }
}

impl<'a, 'ctx> Driver<'a, 'ctx> for RssDevice<&mut SimBus<'a, 'ctx>> {
    fn port(&mut self) -> &mut SimBus<'a, 'ctx> {
        self.bus_mut()
    }
}

/// Runs a firmware call. `Err` (the test fails) if the RTL and the model disagreed
/// on any access meanwhile; otherwise the firmware's own answer.
fn fw<'a, 'ctx: 'a, D: Driver<'a, 'ctx>, T>(
    d: &mut D,
    call: impl FnOnce(&mut D) -> Result<T, Error>,
) -> Result<Result<T, Error>, String> {
    let result = call(d);
    match d.port().failure.take() {
        Some(f) => Err(f),
        None => Ok(result),
    }
}

/// A firmware call that must succeed.
fn ok<'a, 'ctx: 'a, D: Driver<'a, 'ctx>, T>(
    d: &mut D,
    what: &str,
    call: impl FnOnce(&mut D) -> Result<T, Error>,
) -> Result<T, String> {
    fw(d, call)?.map_err(|e| format!("{what}: firmware error: {e} ({e:?})"))
}

/// A firmware call that must fail with exactly `expected` and issue no write.
fn refused<'a, 'ctx: 'a, D: Driver<'a, 'ctx>, T: Debug>(
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

fn probe<'p, 'a, 'ctx>(
    port: &'p mut SimBus<'a, 'ctx>,
) -> Result<RssDevice<&'p mut SimBus<'a, 'ctx>>, String> {
    // A failed probe drops the device; probe once on a short borrow to report why,
    // then keep the second.
    if let Err(e) = RssDevice::probe(&mut *port) {
        return Err(port.failure.take().unwrap_or(format!("probe: {e}")));
    }
    RssDevice::probe(port).map_err(|e| format!("probe: {e}"))
}

/// `Rss::new`, which adopts the hardware state by reading it back.
fn adopt<'p, 'a, 'ctx>(
    mut dev: RssDevice<&'p mut SimBus<'a, 'ctx>>,
) -> Result<Rss<&'p mut SimBus<'a, 'ctx>>, String> {
    // Rss::new consumes the device, so a failure inside it could not be reported
    // here (only by SimBus's drop). Read what it reads through the device first: the
    // MAC filters, then both tables of every VPort it adopts (the default VPort and
    // each VPort with a valid filter entry), and their active state.
    let caps = *dev.capabilities();
    let mut adopted = vec![0u8];
    for n in 0..caps.mac_filters {
        let filter = ok(&mut dev, "mac_filter", |d| d.mac_filter(n))?;
        if filter.valid && !adopted.contains(&filter.vport) {
            adopted.push(filter.vport);
        }
    }
    for &v in &adopted {
        ok(&mut dev, "vport_state", |d| d.vport_state(v))?;
        for i in 0..caps.table_entries() {
            ok(&mut dev, "active_entry", |d| d.active_entry(v, i))?;
            ok(&mut dev, "shadow_entry", |d| d.shadow_entry(v, i))?;
        }
    }
    let mut rss = Rss::new(dev).map_err(|e| format!("Rss::new: {e}"))?;
    if let Some(f) = rss.port().failure.take() {
        return Err(f);
    }
    Ok(rss)
}

// ---------------------------------------------------------------------------------
// Traffic and what the records must be.
// ---------------------------------------------------------------------------------

/// Pushes `n` random tuples at random rates, drains them, and checks every record
/// against the model as it is now (nothing is reconfigured meanwhile).
fn quiesced_batch(
    port: &mut SimBus<'_, '_>,
    rng: &mut StdRng,
    n: usize,
) -> Result<Vec<(TupleIn, RecordOut)>, String> {
    port.fresh_traffic(rng)?;
    let tuples: Vec<TupleIn> = (0..n).map(|_| random_tuple(rng)).collect();
    for t in &tuples {
        port.traffic.push(*t);
    }
    port.drain()?;
    let pairs: Vec<(TupleIn, RecordOut)> = tuples
        .into_iter()
        .zip(port.traffic.records.iter().copied())
        .collect();
    for (i, (t, got)) in pairs.iter().enumerate() {
        let expected = RecordOut::from(port.bus.model.steer(0, &t.model()));
        if *got != expected {
            return Err(format!(
                "tuple {i} of {n} ({t:02x?}): RTL {got:x?}, model {expected:x?} (cycle {})",
                port.sim.cycles()
            ));
        }
    }
    port.checked += n as u64;
    Ok(pairs)
}

/// Runs a firmware call with `n` random tuples flowing through every register write
/// it makes. Each record must match one of the model states the call went through,
/// never going back to an earlier one; tuples accepted after the call must match the
/// final state. Returns the firmware's answer.
fn under_traffic<'a, 'ctx: 'a, D: Driver<'a, 'ctx>, T>(
    d: &mut D,
    rng: &mut StdRng,
    n: usize,
    call: impl FnOnce(&mut D) -> Result<T, Error>,
) -> Result<Result<T, Error>, String> {
    let tuples: Vec<TupleIn> = (0..n).map(|_| random_tuple(rng)).collect();
    let port = d.port();
    port.fresh_traffic(rng)?;
    for t in &tuples {
        port.traffic.push(*t);
    }
    port.history = Some(vec![(*port.bus.model).clone()]);
    port.live = true;
    let result = fw(d, call);
    let port = d.port();
    port.live = false;
    let history = port.history.take().unwrap_or_default();
    let result = result?;
    let (during, accepted) = (port.traffic.records.len(), port.traffic.accepted as usize);
    port.overlapping += during as u64;
    port.drain()?;
    let last = history.len() - 1;
    let mut generation = 0;
    for (i, (t, got)) in tuples.iter().zip(&port.traffic.records).enumerate() {
        let matches = |g: usize| RecordOut::from(history[g].steer(0, &t.model())) == *got;
        if i >= accepted && !matches(last) {
            let expected = RecordOut::from(history[last].steer(0, &t.model()));
            return Err(format!(
                "tuple {i} ({t:02x?}), accepted after the call: RTL {got:x?}, model {expected:x?}"
            ));
        }
        while !matches(generation) {
            generation += 1;
            if generation > last {
                return Err(format!(
                    "tuple {i} ({t:02x?}) overlapping the call: RTL {got:x?} matches none of the \
                     {} register states at or after the previous record's",
                    history.len()
                ));
            }
        }
    }
    Ok(result)
}

/// The steering the firmware believes it programmed.
#[derive(Debug, Clone)]
struct Programmed {
    enabled: bool,
    key: [u8; KEY_BYTES],
    hash_types: HashTypes,
    table: Vec<u16>,
    default_queue: u16,
    primary_queue: u16,
}

impl Programmed {
    fn of(rss: &Rss<&mut SimBus<'_, '_>>, key: [u8; KEY_BYTES], hash_types: HashTypes) -> Self {
        Programmed {
            enabled: rss.is_enabled(),
            key,
            hash_types,
            // Processors through the driver's queue map; a processor with no queue
            // (only possible while the parameter is inactive) never steers.
            table: rss
                .active_table()
                .iter()
                .map(|&p| queue_of(rss, p))
                .collect(),
            default_queue: queue_of(rss, rss.default_processor()),
            primary_queue: queue_of(rss, rss.primary_processor()),
        }
    }

    /// The record for `t`, from the firmware's view and the bitwise Toeplitz reference
    /// (neither the RegFile mirror nor the model's table-driven hasher).
    fn expect(&self, t: &TupleIn) -> RecordOut {
        let no_hash = |queue| RecordOut {
            hash: 0,
            hash_type: 0,
            queue,
            flags: 0,
            length: 0,
            vport: 0,
        };
        if !self.enabled {
            return no_hash(self.primary_queue);
        }
        let tuple = t.model();
        let Some(ty) = tuple.candidate.and_then(|c| c.select(self.hash_types)) else {
            return no_hash(self.default_queue);
        };
        let hash = toeplitz_bitwise(&self.key, tuple.hash_input(ty)).expect("key long enough");
        let index = hash as usize & (self.table.len() - 1);
        RecordOut {
            hash,
            hash_type: ty.mask(),
            queue: self.table[index],
            flags: 0,
            length: 0,
            vport: 0,
        }
    }

    fn check(&self, pairs: &[(TupleIn, RecordOut)]) -> Result<(), String> {
        for (i, (t, got)) in pairs.iter().enumerate() {
            let expected = self.expect(t);
            if *got != expected {
                return Err(format!(
                    "tuple {i} ({t:02x?}): RTL {got:x?}, firmware programmed {expected:x?}"
                ));
            }
        }
        Ok(())
    }
}

/// The hardware queue the driver steers `processor` to (`u16::MAX`: none).
fn queue_of(rss: &Rss<&mut SimBus<'_, '_>>, processor: u32) -> u16 {
    rss.queue_of(processor).unwrap_or(u16::MAX)
}

/// A queue table as the processors of the identity queue map `init` sets up
/// (datapath queue `q` on processor `q`).
fn processors(queues: &[u16]) -> Vec<u32> {
    queues.iter().map(|&q| u32::from(q)).collect()
}

fn round_robin(entries: u32, queues: u16) -> Vec<u16> {
    (0..entries)
        .map(|i| (i % u32::from(queues)) as u16)
        .collect()
}

/// Runs `body` on a thread with a 64 MiB stack: the RSSv2 sequence overflowed the test
/// harness's 2 MiB default once the driver gained the hash probe (driver instances of
/// ~28 KiB moved through several calls; the frame that grew is not identified yet).
fn run(name: &str, body: impl Fn(&mut CoreSim<'_>) -> Result<(), String> + Send) {
    let outcome = std::thread::scope(|scope| {
        std::thread::Builder::new()
            .name(name.into())
            .stack_size(64 << 20)
            .spawn_scoped(scope, || with_trace_on_failure(name, body))
            .expect("spawn the test thread")
            .join()
    });
    match outcome {
        Ok(Ok(())) => {}
        Ok(Err(e)) => panic!("{name}: {e}"),
        Err(panic) => std::panic::resume_unwind(panic),
    }
}

fn checked_bus() -> Result<CheckedBus, String> {
    Ok(CheckedBus::new(
        RegFile::new(Params::default()).map_err(|e| format!("{e:?}"))?,
    ))
}

fn expect_eq<T: PartialEq + Debug>(what: &str, got: T, expected: T) -> Result<(), String> {
    if got != expected {
        return Err(format!("{what}: got {got:?}, expected {expected:?}"));
    }
    Ok(())
}

// ---------------------------------------------------------------------------------
// Tests.
// ---------------------------------------------------------------------------------

/// Probe, `init` with the default and with a non-default configuration, each checked
/// by reading everything back through the driver, then >= 20 000 random tuples per
/// configuration compared with the model and with what the firmware programmed.
#[test]
fn firmware_init_then_traffic_matches_model() {
    run("e2e_init_traffic", |sim| {
        let mut rng = StdRng::seed_from_u64(0xe2e0_0001);
        let mut bus = checked_bus()?;
        dut::reset(sim);
        let mut port = SimBus::new(sim, &mut bus);
        let dev = probe(&mut port)?;
        let caps = *dev.capabilities();
        let params = Params::default();
        expect_eq("caps.num_queues", caps.num_queues, params.num_queues)?;
        expect_eq(
            "caps.table_entries",
            caps.table_entries(),
            params.table_entries(),
        )?;
        expect_eq("caps.key_bytes", caps.key_bytes, KEY_BYTES)?;
        expect_eq("caps.hash_types", caps.hash_types, HashTypes::ALL)?;
        let mut rss = adopt(dev)?;

        let mut key = [0u8; KEY_BYTES];
        rng.fill(&mut key[..]);
        let configs = [
            (Config::default(), rss_fw::rssv2::NDIS_DEFAULT_HASH_TYPES),
            (
                Config {
                    key,
                    hash_types: Some(HashTypes::ALL),
                    num_queues: Some(5),
                    table_entries: Some(32),
                    default_processor: 3,
                    primary_processor: 4,
                },
                HashTypes::ALL,
            ),
        ];
        assert_eq!(configs[0].0.key, MS_DEFAULT_KEY);
        // The hardware table as it must be: zero after configuration, then each init
        // writes the entries in use and keeps the rest.
        let mut hardware = vec![0u16; caps.table_entries() as usize];
        let mut tuples = 0;
        for (n, (config, hash_types)) in configs.iter().enumerate() {
            let queues = config.num_queues.unwrap_or(caps.num_queues);
            let entries = config.table_entries.unwrap_or(caps.table_entries());
            ok(&mut rss, "init", |r| r.init(config))?;

            // Independent of the register mirror: the key packets are hashed with.
            expect_eq(
                "model active key",
                rss.port().bus.model.active_key(0),
                &config.key[..],
            )?;
            let spread = round_robin(entries, queues);
            expect_eq("shadow table", rss.active_table(), &processors(&spread)[..])?;
            hardware[..spread.len()].copy_from_slice(&spread);

            // Everything read back through the driver, then adopted by a fresh Rss.
            let mut dev = rss.into_device();
            let mut read_key = [0u8; KEY_BYTES];
            ok(&mut dev, "key", |d| d.key(&mut read_key))?;
            expect_eq("staged key", read_key, config.key)?;
            // Every parameter change is one COMMIT: one per init.
            expect_eq(
                "commit generation",
                ok(&mut dev, "gen", |d| d.commit_generation())?,
                n as u16 + 1,
            )?;
            expect_eq(
                "hash types",
                ok(&mut dev, "types", |d| d.hash_types())?,
                *hash_types,
            )?;
            expect_eq(
                "table size",
                ok(&mut dev, "size", |d| d.table_size())?,
                entries,
            )?;
            let default_queue = ok(&mut dev, "default", |d| d.default_queue())?;
            expect_eq(
                "default queue",
                u32::from(default_queue),
                config.default_processor,
            )?;
            let primary_queue = ok(&mut dev, "primary", |d| d.primary_queue())?;
            expect_eq(
                "primary queue",
                u32::from(primary_queue),
                config.primary_processor,
            )?;
            expect_eq(
                "enabled",
                ok(&mut dev, "enabled", |d| d.is_enabled())?,
                true,
            )?;
            let mut table = Vec::new();
            for i in 0..caps.table_entries() {
                table.push(ok(&mut dev, "entry", |d| d.entry(i))?);
            }
            expect_eq("table read back through the driver", &table, &hardware)?;
            rss = adopt(dev)?;
            expect_eq(
                "adopted table",
                rss.active_table(),
                &processors(&spread)[..],
            )?;
            expect_eq("adopted enable", rss.is_enabled(), true)?;

            let programmed = Programmed::of(&rss, config.key, *hash_types);
            for _ in 0..4 {
                let pairs = quiesced_batch(rss.port(), &mut rng, 5000)?;
                programmed.check(&pairs)?;
                tuples += pairs.len();
            }
        }
        assert!(tuples >= 20_000);
        let port = rss.port();
        eprintln!(
            "firmware_init_then_traffic_matches_model: {tuples} tuples over {} configurations, \
             {} bus reads, {} bus writes, {} cycles",
            configs.len(),
            port.reads,
            port.writes,
            port.sim.cycles()
        );
        Ok(())
    })
}

/// RSSv2 semantics on the RTL with traffic flowing through every register write:
/// indirection moves with per-entry status, disable (everything to the primary
/// queue, no hash), moves tracked while disabled, a refused enable, enable (the
/// tracked moves take effect), a key change and a table resize.
#[test]
fn rssv2_moves_disable_enable_on_rtl() {
    run("e2e_rssv2", |sim| {
        use EntryStatus::{InvalidParameter as Invalid, NoQueueForProcessor as NoQueue, Success};
        let mut rng = StdRng::seed_from_u64(0xe2e0_0002);
        let mut bus = checked_bus()?;
        // Random AW/W/B/AR/R delays: each write spans more clocks, so more records see
        // the register changes, and the slave sees AW and W in either order.
        bus.bus = bus.bus.clone().with_random_delays(0xe2e, 4);
        dut::reset(sim);
        let mut port = SimBus::new(sim, &mut bus);
        let mut rss = adopt(probe(&mut port)?)?;
        let (queues, entries) = (8u16, 64u32);
        let config = Config {
            hash_types: Some(HashTypes::ALL),
            num_queues: Some(queues),
            table_entries: Some(entries),
            default_processor: 1,
            primary_processor: 2,
            ..Config::default()
        };
        let live_tuples = 1500;
        let batch = 2500;
        ok(&mut rss, "init", |r| r.init(&config))?;
        let mut expected_table = round_robin(entries, queues);
        let mut programmed = Programmed::of(&rss, config.key, HashTypes::ALL);
        expect_eq("table after init", &programmed.table, &expected_table)?;
        programmed.check(&quiesced_batch(rss.port(), &mut rng, batch)?)?;

        // 1. Moves while enabled: good ones are written at once, bad ones refused.
        let mut moves = vec![
            IndirectionEntry::new(0, 5),
            IndirectionEntry::new(1, 7),
            IndirectionEntry::new(entries, 0), // exists in hardware, not in use
            IndirectionEntry::new(2, queues.into()), // processor without a queue
            IndirectionEntry::new(1000, 1),
            IndirectionEntry::new(3, u32::MAX),
            IndirectionEntry::new(5, 6),
            IndirectionEntry::new(0, 4), // a later move of the same index wins
            IndirectionEntry::new(entries - 1, 3),
        ];
        let mut want = vec![
            Success, Success, Invalid, NoQueue, Invalid, NoQueue, Success, Success, Success,
        ];
        // Plus a rebalance of random good moves, so plenty of records see the table change.
        for _ in 0..48 {
            let (index, queue) = (rng.random_range(4..entries), rng.random_range(0..queues));
            moves.push(IndirectionEntry::new(index, queue.into()));
            want.push(Success);
        }
        let hardware_before = rss.port().hardware_table()?;
        let result = under_traffic(&mut rss, &mut rng, live_tuples, |r| {
            r.set_indirection_entries(&mut moves)
        })?;
        expect_eq(
            "moves result",
            result,
            Err(Error::EntriesFailed {
                invalid: 4,
                device: 0,
            }),
        )?;
        let statuses: Vec<EntryStatus> = moves.iter().map(|m| m.status).collect();
        expect_eq("per-entry status", &statuses, &want)?;
        for m in moves.iter().filter(|m| m.status == Success) {
            if let MoveKind::Entry(index) = m.kind {
                expected_table[index as usize] = m.processor as u16;
            }
        }
        expect_eq("entries 0 and 1", &expected_table[..2], &[4, 7][..])?;
        expect_eq(
            "shadow after moves",
            rss.active_table(),
            &processors(&expected_table)[..],
        )?;
        let mut hardware = hardware_before.clone();
        hardware[..entries as usize].copy_from_slice(&expected_table);
        expect_eq(
            "hardware table after moves",
            rss.port().hardware_table()?,
            hardware.clone(),
        )?;
        programmed = Programmed::of(&rss, config.key, HashTypes::ALL);
        programmed.check(&quiesced_batch(rss.port(), &mut rng, batch)?)?;

        // 2. Disable: every record to the primary queue, unhashed.
        under_traffic(&mut rss, &mut rng, live_tuples, |r| r.disable())?
            .map_err(|e| format!("disable: {e}"))?;
        programmed = Programmed::of(&rss, config.key, HashTypes::ALL);
        expect_eq("disabled", programmed.enabled, false)?;
        let pairs = quiesced_batch(rss.port(), &mut rng, batch)?;
        programmed.check(&pairs)?;
        if let Some((_, r)) = pairs.iter().find(|(_, r)| r.queue != 2 || r.hash_type != 0) {
            return Err(format!("disabled, but record {r:x?}"));
        }

        // 3. Moves while disabled are tracked, even to queues the enable will refuse;
        //    nothing reaches the hardware.
        let writes = rss.port().writes;
        let mut moves = [
            IndirectionEntry::new(10, 50),
            IndirectionEntry::new(11, 3),
            IndirectionEntry::new(entries, 1),
            IndirectionEntry::new(12, 7),
        ];
        let result = under_traffic(&mut rss, &mut rng, live_tuples, |r| {
            r.set_indirection_entries(&mut moves)
        })?;
        expect_eq(
            "tracked moves result",
            result,
            Err(Error::EntriesFailed {
                invalid: 1,
                device: 0,
            }),
        )?;
        let statuses: Vec<EntryStatus> = moves.iter().map(|m| m.status).collect();
        expect_eq(
            "tracked per-entry status",
            &statuses[..],
            &[Success, Success, Invalid, Success][..],
        )?;
        for (i, q) in [(10, 50), (11, 3), (12, 7)] {
            expected_table[i] = q;
        }
        expect_eq(
            "tracked shadow",
            rss.active_table(),
            &processors(&expected_table)[..],
        )?;
        // Default processor: tracked while disabled. Primary processor: active, written.
        ok(&mut rss, "set_default_processor(7)", |r| {
            r.set_default_processor(7)
        })?;
        expect_eq("writes while tracking", rss.port().writes, writes)?;
        under_traffic(&mut rss, &mut rng, live_tuples, |r| {
            r.set_primary_processor(3)
        })?
        .map_err(|e| format!("set_primary_processor: {e}"))?;
        expect_eq(
            "hardware table while disabled",
            rss.port().hardware_table()?,
            hardware.clone(),
        )?;
        // The active state as the RTL reads it back: disabled, primary queue 3. (The
        // tracked default processor may ride along in the commit: it does not steer
        // while disabled, which the records below prove.)
        let state = rss.port().read_reg(offset::VPORT_STATE)?;
        let queues_now = rss.port().read_reg(offset::VPORT_QUEUES)?;
        expect_eq(
            "VPORT_STATE[0].ENABLE while disabled",
            field::VPORT_STATE_ENABLE.get(state),
            0,
        )?;
        expect_eq(
            "VPORT_QUEUES[0].PRIMARY while disabled",
            field::VPORT_QUEUES_PRIMARY.get(queues_now),
            3,
        )?;
        programmed = Programmed::of(&rss, config.key, HashTypes::ALL);
        let pairs = quiesced_batch(rss.port(), &mut rng, batch)?;
        programmed.check(&pairs)?;
        if pairs.iter().any(|(_, r)| r.queue != 3) {
            return Err("primary queue 3 not used while disabled".into());
        }

        // 4. Enable refused while a tracked entry is invalid; nothing written.
        let invalid_entry = Error::InvalidSteering {
            parameter: Steering::Entry(10),
            processor: 50,
            num_queues: queues,
        };
        refused(&mut rss, "enable with entry 10 -> 50", invalid_entry, |r| {
            r.enable()
        })?;
        expect_eq("still disabled", rss.is_enabled(), false)?;

        // 5. Fix it and enable: the tracked moves and default queue take effect.
        let mut fix = [IndirectionEntry::new(10, 6)];
        ok(&mut rss, "move 10 -> 6", |r| {
            r.set_indirection_entries(&mut fix)
        })?;
        expected_table[10] = 6;
        under_traffic(&mut rss, &mut rng, live_tuples, |r| r.enable())?
            .map_err(|e| format!("enable: {e}"))?;
        hardware[..entries as usize].copy_from_slice(&expected_table);
        expect_eq(
            "hardware table after enable",
            rss.port().hardware_table()?,
            hardware.clone(),
        )?;
        programmed = Programmed::of(&rss, config.key, HashTypes::ALL);
        expect_eq("enabled shadow", &programmed.table, &expected_table)?;
        expect_eq("default queue", programmed.default_queue, 7)?;
        let pairs = quiesced_batch(rss.port(), &mut rng, batch)?;
        programmed.check(&pairs)?;
        let through_10 = |(_, r): &&(TupleIn, RecordOut)| r.hash_type != 0 && r.hash & 63 == 10;
        if !pairs.iter().filter(through_10).all(|(_, r)| r.queue == 6)
            || !pairs.iter().any(|p| through_10(&p))
        {
            return Err("no record steered through moved entry 10 -> 6".into());
        }

        // 6. New key under traffic.
        let mut key = [0u8; KEY_BYTES];
        rng.fill(&mut key[..]);
        under_traffic(&mut rss, &mut rng, live_tuples, |r| {
            r.set_hash_secret_key(&key)
        })?
        .map_err(|e| format!("set_hash_secret_key: {e}"))?;
        expect_eq("active key", rss.port().bus.model.active_key(0), &key[..])?;
        programmed.key = key;
        programmed.check(&quiesced_batch(rss.port(), &mut rng, batch)?)?;

        // 7. Shrink the table, move an entry that is now out of range, grow it back.
        //    RSSv2 invariant 3: the size only changes once the table is normalized
        //    to the smaller size, and growing replicates it, so no flow moves.
        if let Some(index) =
            (16..entries as usize).find(|&i| expected_table[i] != expected_table[i % 16])
        {
            let e = Error::TableNotNormalized {
                index: index as u32,
                entries: 16,
            };
            refused(&mut rss, "shrink a table not normalized", e, |r| {
                r.set_table_size(16)
            })?;
        }
        let mut normalize: Vec<IndirectionEntry> = (16..entries)
            .map(|i| IndirectionEntry::new(i, expected_table[i as usize % 16].into()))
            .collect();
        under_traffic(&mut rss, &mut rng, live_tuples, |r| {
            r.set_indirection_entries(&mut normalize)
        })?
        .map_err(|e| format!("normalize: {e}"))?;
        for i in 16..entries as usize {
            expected_table[i] = expected_table[i % 16];
        }
        under_traffic(&mut rss, &mut rng, live_tuples, |r| r.set_table_size(16))?
            .map_err(|e| format!("set_table_size(16): {e}"))?;
        let mut late = [IndirectionEntry::new(20, 1), IndirectionEntry::new(15, 0)];
        let result = under_traffic(&mut rss, &mut rng, live_tuples, |r| {
            r.set_indirection_entries(&mut late)
        })?;
        expect_eq(
            "moves on a 16-entry table",
            result,
            Err(Error::EntriesFailed {
                invalid: 1,
                device: 0,
            }),
        )?;
        expected_table[15] = 0;
        programmed = Programmed::of(&rss, key, HashTypes::ALL);
        expect_eq(
            "16-entry shadow",
            &programmed.table[..],
            &expected_table[..16],
        )?;
        programmed.check(&quiesced_batch(rss.port(), &mut rng, batch)?)?;
        under_traffic(&mut rss, &mut rng, live_tuples, |r| {
            r.set_table_size(entries)
        })?
        .map_err(|e| format!("set_table_size({entries}): {e}"))?;
        let regrown: Vec<u16> = (0..entries as usize)
            .map(|i| expected_table[i % 16])
            .collect();
        programmed = Programmed::of(&rss, key, HashTypes::ALL);
        expect_eq("regrown shadow (replicated)", &programmed.table, &regrown)?;
        programmed.check(&quiesced_batch(rss.port(), &mut rng, batch)?)?;

        let port = rss.port();
        eprintln!(
            "rssv2_moves_disable_enable_on_rtl: {} records checked quiesced, {} emitted \
             during register writes, {} bus writes, {} cycles",
            port.checked,
            port.overlapping,
            port.writes,
            port.sim.cycles()
        );
        if port.overlapping < 200 {
            return Err(format!(
                "only {} records overlapped reconfigurations",
                port.overlapping
            ));
        }
        Ok(())
    })
}

/// Calls the firmware must refuse, at both layers: each returns the documented
/// error, writes nothing, and every register (all of `map().registers()`, read back
/// through the checked bus) is as before. Bus errors from the RTL (SLVERR) reach the
/// caller as `BusError::SlvErr` and change nothing either.
#[test]
fn firmware_errors_leave_the_rtl_unchanged() {
    run("e2e_errors", |sim| {
        let mut rng = StdRng::seed_from_u64(0xe2e0_0003);
        let mut bus = checked_bus()?;
        dut::reset(sim);
        let mut port = SimBus::new(sim, &mut bus);
        let mut rss = adopt(probe(&mut port)?)?;
        let (queues, entries) = (8u16, 64u32);
        let config = Config {
            num_queues: Some(queues),
            table_entries: Some(entries),
            default_processor: 1,
            primary_processor: 2,
            ..Config::default()
        };
        ok(&mut rss, "init", |r| r.init(&config))?;
        let baseline = rss.port().register_dump()?;
        let model = rss.port().bus.model.clone();
        let mut checks = 0;
        // Every register as it was, but those in `skip`.
        let mut unchanged =
            |rss: &mut Rss<&mut SimBus<'_, '_>>, what: &str, skip: &[u32]| -> Result<(), String> {
                checks += 1;
                let now = rss.port().register_dump()?;
                for (a, b) in baseline.iter().zip(&now) {
                    if a != b && !skip.contains(&a.0) {
                        return Err(format!(
                            "after {what}: register {:#06x} was {a:x?}, now {b:x?}",
                            a.0
                        ));
                    }
                }
                Ok(())
            };
        let max_q = Params::default().num_queues;
        let max_t = Params::default().table_entries();

        // Rss layer.
        for len in [KEY_BYTES - 1, KEY_BYTES + 1, 0, 16] {
            let key = vec![0x5a; len];
            let e = Error::KeyLength {
                got: len,
                expected: KEY_BYTES,
            };
            refused(&mut rss, "short/long key", e, |r| {
                r.set_hash_secret_key(&key)
            })?;
            unchanged(&mut rss, "set_hash_secret_key", &[])?;
        }
        // System tables may exceed the hardware's (they are then compressed), up to
        // the driver's shadow.
        let max_system = rss.receive_scaling_capabilities().indirection_table_entries;
        for size in [0, 3, 48, 96, 2 * max_system, u32::MAX] {
            let e = Error::TableSize {
                entries: size,
                max: max_system,
            };
            refused(&mut rss, "set_table_size", e, |r| r.set_table_size(size))?;
            let bad = Config {
                table_entries: Some(size),
                ..config.clone()
            };
            refused(&mut rss, "init with bad table size", e, |r| r.init(&bad))?;
            unchanged(&mut rss, "bad table size", &[])?;
        }
        for n in [0, max_q + 1] {
            let e = Error::QueueCount {
                requested: n,
                max: max_q,
            };
            let bad = Config {
                num_queues: Some(n),
                ..config.clone()
            };
            refused(&mut rss, "init with bad queue count", e, |r| r.init(&bad))?;
            refused(&mut rss, "set_num_queues", e, |r| r.set_num_queues(n))?;
        }
        let e = Error::TooManyProcessors {
            referenced: queues,
            queues: 4,
        };
        refused(
            &mut rss,
            "set_num_queues(4) under an 8-queue table",
            e,
            |r| r.set_num_queues(4),
        )?;
        expect_eq("num_queues kept", rss.num_queues(), queues)?;
        let bad = Config {
            default_processor: queues.into(),
            ..config.clone()
        };
        let e = Error::InvalidSteering {
            parameter: Steering::DefaultProcessor,
            processor: queues.into(),
            num_queues: queues,
        };
        refused(&mut rss, "init with default queue out of range", e, |r| {
            r.init(&bad)
        })?;
        let bad = Config {
            primary_processor: 200,
            ..config.clone()
        };
        let e = Error::InvalidSteering {
            parameter: Steering::PrimaryProcessor,
            processor: 200,
            num_queues: queues,
        };
        refused(&mut rss, "init with primary queue out of range", e, |r| {
            r.init(&bad)
        })?;
        let unsupported = HashTypes(HashTypes::ALL.0 + 1);
        let e = Error::UnsupportedHashTypes {
            requested: unsupported,
            supported: HashTypes::ALL,
        };
        let bad = Config {
            hash_types: Some(unsupported),
            ..config.clone()
        };
        refused(&mut rss, "init with unsupported hash types", e, |r| {
            r.init(&bad)
        })?;
        refused(&mut rss, "set_hash_types", e, |r| {
            r.set_hash_types(unsupported)
        })?;
        unchanged(&mut rss, "bad init", &[])?;

        // Processors without a queue while enabled: refused moves and default.
        let mut moves = [
            IndirectionEntry::new(0, queues.into()),
            IndirectionEntry::new(1, max_q.into()),
            IndirectionEntry::new(2, 300),
            IndirectionEntry::new(entries, 0),
        ];
        let e = Error::EntriesFailed {
            invalid: 4,
            device: 0,
        };
        refused(&mut rss, "moves to bad queues", e, |r| {
            r.set_indirection_entries(&mut moves)
        })?;
        let statuses = moves.map(|m| m.status);
        use EntryStatus::{InvalidParameter, NoQueueForProcessor as NoQueue};
        if statuses != [NoQueue, NoQueue, NoQueue, InvalidParameter] {
            return Err(format!("statuses {moves:?}"));
        }
        let e = Error::InvalidSteering {
            parameter: Steering::DefaultProcessor,
            processor: queues.into(),
            num_queues: queues,
        };
        refused(&mut rss, "set_default_processor", e, |r| {
            r.set_default_processor(queues.into())
        })?;
        unchanged(&mut rss, "bad moves", &[])?;
        // An invalid primary queue is tracked while enabled, and refuses the disable.
        let writes = rss.port().writes;
        ok(&mut rss, "set_primary_processor(60) while enabled", |r| {
            r.set_primary_processor(60)
        })?;
        expect_eq("writes for a tracked primary", rss.port().writes, writes)?;
        let e = Error::InvalidSteering {
            parameter: Steering::PrimaryProcessor,
            processor: 60,
            num_queues: queues,
        };
        refused(&mut rss, "disable with primary 60", e, |r| r.disable())?;
        expect_eq("still enabled", rss.is_enabled(), true)?;
        ok(&mut rss, "set_primary_processor(2)", |r| {
            r.set_primary_processor(2)
        })?;
        unchanged(&mut rss, "refused disable", &[])?;

        // Device layer.
        // `set_entry`/`set_entries` address the table size in use (`entries`), not
        // the hardware table.
        let mut dev = rss.into_device();
        for index in [entries, max_t] {
            let e = Error::IndexOutOfRange { index, entries };
            refused(&mut dev, "set_entry past the table in use", e, |d| {
                d.set_entry(index, 0)
            })?;
        }
        let e = Error::QueueOutOfRange {
            queue: max_q,
            num_queues: max_q,
        };
        refused(&mut dev, "set_entry to a missing queue", e, |d| {
            d.set_entry(0, max_q)
        })?;
        let e = Error::IndexOutOfRange {
            index: entries,
            entries,
        };
        refused(&mut dev, "set_entries past the table in use", e, |d| {
            d.set_entries(entries - 8, &[0; 9])
        })?;
        // The good leading entries must not be written either.
        let e = Error::QueueOutOfRange {
            queue: max_q,
            num_queues: max_q,
        };
        refused(&mut dev, "set_entries with a bad queue", e, |d| {
            d.set_entries(0, &[5, 6, max_q])
        })?;
        let e = Error::KeyLength {
            got: 32,
            expected: KEY_BYTES,
        };
        refused(&mut dev, "set_key", e, |d| d.set_key(&[1; 32]))?;
        let e = Error::TableSize {
            entries: 200,
            max: max_t,
        };
        refused(&mut dev, "set_table_size", e, |d| d.set_table_size(200))?;
        let e = Error::QueueOutOfRange {
            queue: max_q,
            num_queues: max_q,
        };
        refused(&mut dev, "set_default_queue", e, |d| {
            d.set_default_queue(max_q)
        })?;
        let e = Error::QueueOutOfRange {
            queue: 999,
            num_queues: max_q,
        };
        refused(&mut dev, "set_primary_queue", e, |d| {
            d.set_primary_queue(999)
        })?;
        let e = Error::UnsupportedHashTypes {
            requested: HashTypes(0xfe00),
            supported: HashTypes::ALL,
        };
        refused(&mut dev, "set_hash_types", e, |d| {
            d.set_hash_types(HashTypes(0xfe00))
        })?;
        let mut short = [0u8; 8];
        let e = Error::KeyLength {
            got: 8,
            expected: KEY_BYTES,
        };
        refused(&mut dev, "key into a short buffer", e, |d| {
            d.key(&mut short)
        })?;
        // Per-VPort calls: VPorts, filter entries, tables and queues this build lacks.
        let vports = u32::from(dev.capabilities().vports);
        let bad_vport = vports as u8;
        let e = Error::UnknownVPort {
            vport: vports,
            vports,
        };
        let params = ok(&mut dev, "params", |d| d.params(0))?;
        refused(&mut dev, "commit to a missing VPort", e, |d| {
            d.commit(bad_vport, Some(&params), true)
        })?;
        refused(&mut dev, "move on a missing VPort", e, |d| {
            d.move_entry(bad_vport, 0, 0)
        })?;
        refused(&mut dev, "replace_table on a missing VPort", e, |d| {
            d.replace_table(bad_vport, &[0])
        })?;
        let filter = rss_fw::MacFilter {
            mac: [2, 0, 0, 0, 0, 1],
            vport: bad_vport,
            valid: true,
        };
        refused(&mut dev, "MAC filter to a missing VPort", e, |d| {
            d.set_mac_filter(0, &filter)
        })?;
        let filters = dev.capabilities().mac_filters;
        let e = Error::IndexOutOfRange {
            index: filters.into(),
            entries: filters.into(),
        };
        refused(&mut dev, "missing MAC filter entry", e, |d| {
            d.set_mac_filter(filters, &rss_fw::MacFilter { vport: 0, ..filter })
        })?;
        refused(&mut dev, "clear a missing MAC filter entry", e, |d| {
            d.clear_mac_filter(filters)
        })?;
        let mut bad = params;
        bad.state.default_queue = max_q;
        let e = Error::QueueOutOfRange {
            queue: max_q,
            num_queues: max_q,
        };
        refused(&mut dev, "commit a queue past the build", e, |d| {
            d.commit_params(1, &bad)
        })?;
        refused(&mut dev, "replace_table with a bad queue", e, |d| {
            d.replace_table(1, &[0, 1, max_q])
        })?;
        refused(&mut dev, "set_shadow_entry with a bad queue", e, |d| {
            d.set_shadow_entry(1, 0, max_q)
        })?;
        refused(&mut dev, "move to a queue past the build", e, |d| {
            d.move_entry(0, 0, max_q)
        })?;
        let e = Error::IndexOutOfRange {
            index: max_t,
            entries: max_t,
        };
        refused(&mut dev, "replace_table longer than the table", e, |d| {
            d.replace_table(1, &vec![0; max_t as usize + 1])
        })?;
        refused(&mut dev, "move past the hardware table", e, |d| {
            d.move_entry(0, max_t, 0)
        })?;
        let e = Error::TableSize {
            entries: 2 * max_t,
            max: max_t,
        };
        let mut bad = params;
        bad.state.table_size_log2 = max_t.trailing_zeros() as u8 + 1;
        refused(&mut dev, "commit a table past the build", e, |d| {
            d.commit_params(1, &bad)
        })?;

        // Raw accesses the RTL refuses: SLVERR reaches the caller, nothing changes but
        // REFUSED, which no refused driver call above moved.
        expect_eq(
            "REFUSED after the driver's own refusals",
            dev.port().read_reg(offset::REFUSED)?,
            0,
        )?;
        let unmapped = [0x070, offset::VPORT_STATE + 4 * vports];
        let raw = [
            (offset::ID, Some(0)),
            (offset::CAPS, Some(0xffff_ffff)),
            (offset::VPORT_CAPS, Some(1)),
            (offset::TABLE_SIZE, Some(8)),
            (offset::CTRL, Some(4)),
            (offset::COMMIT, Some(3 | vports << 8)),
            (offset::MOVE, Some(vports << 24)),
            (offset::MAC_FILTER_HI, Some(1 << 16 | vports << 24)),
            (offset::VPORT_STATE, Some(0)),
            (offset::VPORT_QUEUES + 4, Some(0)),
            (offset::STATUS, Some(0)),
            (unmapped[0], Some(1)),
            (unmapped[0], None),
            (unmapped[1], None),
        ];
        for (addr, data) in raw {
            let answer = match data {
                Some(v) => dev.bus_mut().write32(addr, v).map(|()| 0),
                None => dev.bus_mut().read32(addr),
            };
            if let Some(f) = dev.port().failure.take() {
                return Err(f);
            }
            expect_eq(
                &format!("raw access {addr:#x} {data:x?}"),
                answer,
                Err(BusError::SlvErr),
            )?;
        }
        // MOVEs the RTL refuses by the VPort's active state (entry past its table size
        // in use, queue above its queue limit): SLVERR, `MoveRefused` with the reason
        // from MOVE_STATUS, and nothing changes but MOVE_STATUS.
        let moved_before = field::MOVE_STATUS_COUNT.get(dev.port().read_reg(offset::MOVE_STATUS)?);
        let limit = ok(&mut dev, "vport_state", |d| d.vport_state(0))?.queue_limit;
        for (index, queue, reason) in [
            (entries, 0, rss_fw::regs::MoveRefusal::Entry),
            (0, limit + 1, rss_fw::regs::MoveRefusal::Queue),
        ] {
            let got = fw(&mut dev, |d| d.move_entry(0, index, queue))?;
            let e = Error::MoveRefused {
                vport: 0,
                entry: index,
                queue,
                reason,
            };
            expect_eq("MOVE refused by the RTL", got, Err(e))?;
        }
        let status = dev.port().read_reg(offset::MOVE_STATUS)?;
        expect_eq(
            "MOVE_STATUS after the refusals",
            (
                field::MOVE_STATUS_RESULT.get(status),
                field::MOVE_STATUS_COUNT.get(status),
            ),
            (move_result::QUEUE_OUT_OF_RANGE, moved_before),
        )?;
        let refused_writes = raw.iter().filter(|(_, data)| data.is_some()).count() as u32 + 2;
        expect_eq(
            "REFUSED after the SLVERR writes and the two refused MOVEs",
            dev.port().read_reg(offset::REFUSED)?,
            field::REFUSED_WRITES.put(refused_writes) | field::REFUSED_MOVES.put(2),
        )?;
        let mut rss = adopt(dev)?;
        unchanged(
            &mut rss,
            "device-layer errors and SLVERRs",
            &[offset::MOVE_STATUS, offset::REFUSED],
        )?;

        // And the datapath still steers exactly as configured before the errors.
        let pairs = quiesced_batch(rss.port(), &mut rng, 5000)?;
        for (i, (t, got)) in pairs.iter().enumerate() {
            let expected = RecordOut::from(model.steer(0, &t.model()));
            if *got != expected {
                return Err(format!(
                    "tuple {i}: RTL {got:x?}, configuration before the errors {expected:x?}"
                ));
            }
        }
        let programmed = Programmed::of(&rss, config.key, rss_fw::rssv2::NDIS_DEFAULT_HASH_TYPES);
        programmed.check(&pairs)?;
        eprintln!(
            "firmware_errors_leave_the_rtl_unchanged: {checks} full register read-backs of {} \
             words, {} tuples",
            baseline.len(),
            pairs.len()
        );
        Ok(())
    })
}
