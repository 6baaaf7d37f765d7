//! VPorts under traffic: while random frames stream (gaps and backpressure) to every
//! VPort and the default VPort, software commits new keys and parameters, swaps shadow
//! tables, moves entries, rewrites MAC filters and sends requests that must be refused.
//! Every record must match the model as it was just before or just after an update
//! that was in flight while its frame was, never a mix, and no record may be lost.
//! Hash probes run among the updates, each answer checked against the model.

use rand::{Rng, SeedableRng, rngs::StdRng};
use rss_cosim::dut::{CheckedBus, RecordOut};
use rss_cosim::frame_dut::{FramePins, FrameTraffic, RssCoreW64, RssCoreW512, reset};
use rss_cosim::{frames, frames_with_trace_on_failure, scenario};
use rss_model::regfile::RegFile;
use rss_model::regmap::{KEY_WORDS, PROBE_WORDS, Params, offset};

/// Checks records as they leave against the model states they may have seen. A frame's
/// VPort comes from the filters of one state (`a`, when its MAC arrived) and its
/// steering from that VPort's parameters in a state `b >= a` (when its fields were
/// complete), both from the last update completed before the frame entered to the last
/// update started before its record left, and neither older than the previous record's
/// (records leave in frame order).
struct Checker {
    frames: Vec<Vec<u8>>,
    /// `history[k - base]`: the model after k updates (older ones are dropped once no
    /// record can match them).
    history: std::collections::VecDeque<RegFile>,
    base: usize,
    started: usize,
    first: Vec<usize>,
    /// Records out, with the last update started when each left; checked once that
    /// update has completed.
    pending: std::collections::VecDeque<(usize, RecordOut, usize)>,
    /// Oldest states the next record may use for its VPort and for its parameters.
    floor: (usize, usize),
    checked: usize,
    /// Records that match no single state, only a filter state before a later
    /// parameter state.
    split: usize,
    per_vport: [u64; 8],
}

impl Checker {
    fn completed(&self) -> usize {
        self.base + self.history.len() - 1
    }

    fn state(&self, k: usize) -> &RegFile {
        &self.history[k - self.base]
    }

    /// Books one clock of traffic.
    fn edge(&mut self, traffic: &FrameTraffic, before: (u64, usize)) {
        for i in before.0 as usize..traffic.accepted as usize {
            // Frame i + 1 may start from here on.
            if i + 1 < self.first.len() {
                self.first[i + 1] = self.completed();
            }
        }
        for i in before.1..traffic.records.len() {
            self.pending
                .push_back((i, traffic.records[i], self.started));
        }
    }

    fn check(&mut self) -> Result<(), String> {
        while let Some(&(i, got, last)) = self.pending.front() {
            if last > self.completed() {
                return Ok(());
            }
            self.pending.pop_front();
            let frame = &self.frames[i];
            let oldest = self.floor.0.max(self.first[i]);
            // Fewest states spanned first, so a record a single state explains counts
            // as one.
            let pairs = (0..=last - oldest)
                .flat_map(|span| (oldest..=last - span).map(move |a| (a, a + span)));
            let matched = pairs.filter(|&(_, b)| b >= self.floor.1).find(|&(a, b)| {
                let vport = self.state(a).vport_of_frame(frame);
                RecordOut::for_frame_on(self.state(b), vport, frame) == got
            });
            let Some((a, b)) = matched else {
                let expected: Vec<RecordOut> = (oldest..=last)
                    .map(|g| RecordOut::for_frame(self.state(g), frame))
                    .collect();
                return Err(format!(
                    "frame {i} (states {}..={last}, not before {:?}): RTL {got:x?}, model {expected:x?}",
                    self.first[i], self.floor
                ));
            };
            if a != b {
                self.split += 1;
            }
            self.floor = (a, b);
            self.checked += 1;
            self.per_vport[usize::from(got.vport)] += 1;
            while self.base < a {
                self.history.pop_front();
                self.base += 1;
            }
        }
        Ok(())
    }
}

/// Runs one bus write while traffic goes on; `update` writes may change steering, and
/// the model's state after them is a new history entry (equal to the previous one for a
/// refused request).
fn write<P: FramePins>(
    sim: &mut P,
    bus: &mut CheckedBus,
    traffic: &mut FrameTraffic,
    checker: &mut Checker,
    addr: u32,
    data: u32,
    update: bool,
) -> Result<(), String> {
    if update {
        checker.started += 1;
    }
    let mut failure = None;
    bus.write_with(sim, addr, data, 0xf, |s| {
        let before = (traffic.accepted, traffic.records.len());
        if let Err(e) = traffic.after_edge(s) {
            failure.get_or_insert(e);
        }
        checker.edge(traffic, before);
    })?;
    if let Some(e) = failure {
        return Err(e);
    }
    if update {
        checker.history.push_back((*bus.model).clone());
    }
    checker.check()
}

/// Runs one bus read, checked against the model, while traffic goes on.
fn read<P: FramePins>(
    sim: &mut P,
    bus: &mut CheckedBus,
    traffic: &mut FrameTraffic,
    checker: &mut Checker,
    addr: u32,
) -> Result<(), String> {
    let mut failure = None;
    bus.read_with(sim, addr, |s| {
        let before = (traffic.accepted, traffic.records.len());
        if let Err(e) = traffic.after_edge(s) {
            failure.get_or_insert(e);
        }
        checker.edge(traffic, before);
    })?;
    failure.map_or(Ok(()), Err)?;
    checker.check()
}

/// Clocks with no bus traffic.
fn idle<P: FramePins>(
    sim: &mut P,
    traffic: &mut FrameTraffic,
    checker: &mut Checker,
    clocks: u32,
) -> Result<(), String> {
    for _ in 0..clocks {
        let before = (traffic.accepted, traffic.records.len());
        traffic.clock(sim)?;
        checker.edge(traffic, before);
    }
    checker.check()
}

fn updates_under_traffic<P: FramePins>(
    sim: &mut P,
    seed: u64,
    frame_count: usize,
) -> Result<(), String> {
    let mut rng = StdRng::seed_from_u64(seed);
    let params = Params::default();
    let mut bus = CheckedBus::new(RegFile::new(params).map_err(|e| e.to_string())?);
    reset(sim);
    let macs = scenario::random_config(&mut rng, &mut bus, sim)?;
    let frames = scenario::stamped_frames(&mut rng, frame_count, &macs);
    let mut traffic = FrameTraffic::new(rng.random(), 85, 70);
    for f in &frames {
        traffic.push(f.clone());
    }
    let mut checker = Checker {
        history: [(*bus.model).clone()].into(),
        frames,
        base: 0,
        started: 0,
        first: vec![0; frame_count],
        pending: Default::default(),
        floor: (0, 0),
        checked: 0,
        split: 0,
        per_vport: [0; 8],
    };
    let entries = params.table_entries();
    let queues = u32::from(params.num_queues);
    let mut kinds = [0u32; 7];
    let (t, c) = (&mut traffic, &mut checker);
    t.plan(sim);
    while t.accepted < frame_count as u64 * 9 / 10 {
        let vport = rng.random_range(0..u32::from(params.vports));
        let kind = rng.random_range(0..7);
        kinds[kind] += 1;
        let mut stage = |sim: &mut P, t: &mut FrameTraffic, c: &mut Checker, addr, data| {
            write(sim, &mut bus, t, c, addr, data, false)
        };
        match kind {
            // New key and parameters for a VPort.
            0 => {
                for word in 0..KEY_WORDS {
                    stage(sim, t, c, offset::KEY + 4 * word, rng.random())?;
                }
                stage(sim, t, c, offset::HASH_TYPES, rng.random_range(0..0x200))?;
                stage(sim, t, c, offset::TABLE_SIZE, rng.random_range(0..=7))?;
                stage(
                    sim,
                    t,
                    c,
                    offset::DEFAULT_QUEUE,
                    rng.random_range(0..queues),
                )?;
                let ctrl = u32::from(rng.random_bool(0.85)) | u32::from(rng.random_bool(0.3)) << 1;
                stage(sim, t, c, offset::CTRL, ctrl)?;
                write(sim, &mut bus, t, c, offset::COMMIT, 1 | vport << 8, true)?;
            }
            // A new table through the shadow, alone or with new parameters (then both
            // change for the same frames).
            1 | 5 => {
                let with_params = kind == 5;
                if with_params {
                    stage(sim, t, c, offset::TABLE_SIZE, rng.random_range(0..=7))?;
                }
                for entry in 0..entries {
                    let element = vport * entries + entry;
                    stage(
                        sim,
                        t,
                        c,
                        offset::TABLE + 4 * element,
                        rng.random_range(0..queues),
                    )?;
                }
                let commit = 2 | u32::from(with_params);
                write(
                    sim,
                    &mut bus,
                    t,
                    c,
                    offset::COMMIT,
                    commit | vport << 8,
                    true,
                )?;
            }
            // Single-entry moves, some refused (entry past the table, queue past the limit).
            2 => {
                let entry = rng.random_range(0..entries);
                let queue = rng.random_range(0..queues);
                let value = entry | queue << 12 | vport << 24;
                write(sim, &mut bus, t, c, offset::MOVE, value, true)?;
            }
            // A filter entry switched on or off, or moved to another VPort.
            3 => {
                let entry = rng.random_range(0..u32::from(params.mac_filters));
                let mac = macs[entry as usize];
                let hi = u32::from(u16::from_be_bytes([mac[0], mac[1]]))
                    | u32::from(rng.random_bool(0.7)) << 16
                    | vport << 24;
                write(
                    sim,
                    &mut bus,
                    t,
                    c,
                    offset::MAC_FILTER_HI + 4 * entry,
                    hi,
                    true,
                )?;
            }
            // A hash probe of random bytes on the VPort (a type past 8 is refused).
            6 => {
                for word in 0..PROBE_WORDS {
                    stage(sim, t, c, offset::PROBE_INPUT + 4 * word, rng.random())?;
                }
                let value = rng.random_range(0..=9) | vport << 8;
                stage(sim, t, c, offset::PROBE, value)?;
                read(sim, &mut bus, t, c, offset::PROBE_HASH)?;
                read(sim, &mut bus, t, c, offset::PROBE_RESULT)?;
            }
            // Requests that must be refused and change nothing.
            _ => {
                write(sim, &mut bus, t, c, offset::COMMIT, 1 | 7 << 8, true)?;
                write(
                    sim,
                    &mut bus,
                    t,
                    c,
                    offset::MOVE,
                    entries | vport << 24,
                    true,
                )?;
            }
        }
        // Let some frames pass between updates.
        idle(sim, t, c, rng.random_range(0..40))?;
    }
    while t.busy() {
        idle(sim, t, c, 1)?;
    }
    if c.checked != frame_count || !c.pending.is_empty() {
        return Err(format!(
            "{frame_count} frames, {} records checked, {} waiting",
            c.checked,
            c.pending.len()
        ));
    }
    eprintln!(
        "{}-bit: {frame_count} frames, {} updates (by kind: key+params, table, move, filter, \
         refused pair, params+table, probe {kinds:?}), records per VPort {:?}, {} steered by \
         a filter state and a later parameter state",
        8 * P::BEAT_BYTES,
        c.started,
        c.per_vport,
        c.split
    );
    assert!(
        c.per_vport[..usize::from(params.vports)]
            .iter()
            .all(|&n| n > 0)
    );
    Ok(())
}

/// Stages a random key with every hash type, one table entry and RSS on, and commits it
/// to `vport`, clocking `traffic` all the while.
fn commit_random_key<P: FramePins>(
    sim: &mut P,
    bus: &mut CheckedBus,
    traffic: &mut FrameTraffic,
    rng: &mut StdRng,
    vport: u32,
) -> Result<(), String> {
    let mut writes: Vec<(u32, u32)> = (0..KEY_WORDS)
        .map(|word| (offset::KEY + 4 * word, rng.random()))
        .collect();
    writes.extend([
        (offset::HASH_TYPES, 0x1ff),
        (offset::TABLE_SIZE, 0),
        (offset::CTRL, 1),
        (offset::COMMIT, 1 | vport << 8),
    ]);
    for (addr, data) in writes {
        let mut failure = None;
        bus.write_with(sim, addr, data, 0xf, |s| {
            if let Err(e) = traffic.after_edge(s) {
                failure.get_or_insert(e);
            }
        })?;
        failure.map_or(Ok(()), Err)?;
    }
    Ok(())
}

/// The VPort-choice rule, directly: a frame whose MAC has arrived keeps the VPort its
/// filter gave it when the filter changes, and is steered by that VPort's parameters as
/// they are when its fields are complete, here a key committed while it streams. Its
/// record matches none of the three single states, only the two-instant model.
fn vport_fixed_at_mac<P: FramePins>(sim: &mut P) -> Result<(), String> {
    let mut rng = StdRng::seed_from_u64(0x2157);
    let mut bus = CheckedBus::new(RegFile::new(Params::default()).map_err(|e| e.to_string())?);
    // Half the clocks carry a beat, so the frame outlasts the filter write and the
    // commit (whose key copy takes about 90 clocks at 64 bits).
    let t = &mut FrameTraffic::new(1, 50, 100);
    reset(sim);
    t.plan(sim);
    commit_random_key(sim, &mut bus, t, &mut rng, 1)?;
    commit_random_key(sim, &mut bus, t, &mut rng, 2)?;
    let mac = [0x02, 0, 0x5e, 0x10, 0, 1];
    let lo = u32::from_be_bytes([mac[2], mac[3], mac[4], mac[5]]);
    let hi = |vport: u32| u32::from(u16::from_be_bytes([mac[0], mac[1]])) | 1 << 16 | vport << 24;
    bus.write(sim, offset::MAC_FILTER_LO, lo, 0xf)?;
    bus.write(sim, offset::MAC_FILTER_HI, hi(1), 0xf)?;

    let segment = frames::tcp_segment(40_000, 443, &[], &[0x5a; 1400]);
    let l3 = frames::ipv4_packet([10, 0, 0, 1], [10, 0, 0, 2], 6, 0, &[], &segment);
    let mut frame = frames::ethernet(&[], 0x0800, &l3);
    frame[..6].copy_from_slice(&mac);
    t.push(frame.clone());
    t.plan(sim);
    while t.beats == 0 {
        t.clock(sim)?;
    }
    let before = (*bus.model).clone();
    let mut failure = None;
    bus.write_with(sim, offset::MAC_FILTER_HI, hi(2), 0xf, |s| {
        if let Err(e) = t.after_edge(s) {
            failure.get_or_insert(e);
        }
    })?;
    failure.map_or(Ok(()), Err)?;
    let moved = (*bus.model).clone();
    commit_random_key(sim, &mut bus, t, &mut rng, 1)?;
    if t.accepted != 0 {
        return Err("the frame ended before the updates: make it longer".into());
    }
    t.drain(sim)?;

    let got = t.records[0];
    let expected = RecordOut::for_frame_on(&bus.model, before.vport_of_frame(&frame), &frame);
    if got != expected || got.vport != 1 {
        return Err(format!("RTL {got:x?}, model {expected:x?}"));
    }
    for state in [&before, &moved, &*bus.model] {
        if got == RecordOut::for_frame(state, &frame) {
            return Err("a single state explains the record: the test proves nothing".into());
        }
    }
    Ok(())
}

/// A read offered while a commit copies its key waits for the copy (which fetches the
/// staged key through the read-back RAM the read would use), then answers the staged
/// word; the commit answers OKAY and the frames after it hash with the new key.
fn read_during_key_copy<P: FramePins>(sim: &mut P) -> Result<(), String> {
    let mut rng = StdRng::seed_from_u64(0x4ead);
    let mut bus = CheckedBus::new(RegFile::new(Params::default()).map_err(|e| e.to_string())?);
    let t = &mut FrameTraffic::new(3, 100, 100);
    reset(sim);
    t.plan(sim);
    bus.write(sim, offset::HASH_TYPES, 0x1ff, 0xf)?;
    bus.write(sim, offset::CTRL, 1, 0xf)?;
    let mut longest_wait = 0;
    // The read offered 0 .. 15 clocks after the commit's handshake: before the commit
    // is taken, while its copy runs, after it.
    for delay in 0..16 {
        let key: Vec<u32> = (0..KEY_WORDS).map(|_| rng.random()).collect();
        for (word, value) in (0..).zip(&key) {
            bus.write(sim, offset::KEY + 4 * word, *value, 0xf)?;
        }
        let word = rng.random_range(0..KEY_WORDS);
        sim.set_awaddr(offset::COMMIT);
        sim.set_awprot(0);
        sim.set_wdata(1);
        sim.set_wstrb(0xf);
        sim.set_bready(true);
        sim.set_araddr(offset::KEY + 4 * word);
        sim.set_arprot(0);
        sim.set_rready(true);
        let (mut aw, mut w, mut ar, mut since) = (false, false, false, None);
        let (mut read, mut answer, mut waited) = (None, None, 0);
        for _ in 0..400 {
            let offered = since.is_some_and(|c| c >= delay) && !ar;
            sim.set_awvalid(!aw);
            sim.set_wvalid(!w);
            sim.set_arvalid(offered);
            sim.eval();
            if offered && !sim.arready() {
                waited += 1;
            }
            let fired = (
                !aw && sim.awready(),
                !w && sim.wready(),
                offered && sim.arready(),
            );
            if sim.rvalid() {
                read = Some((sim.rdata(), sim.rresp()));
            }
            if sim.bvalid() {
                answer = Some(sim.bresp());
            }
            sim.tick();
            t.after_edge(sim)?;
            (aw, w, ar) = (aw | fired.0, w | fired.1, ar | fired.2);
            since = if aw && w {
                Some(since.map_or(0, |c| c + 1))
            } else {
                None
            };
            if read.is_some() && answer.is_some() {
                break;
            }
        }
        sim.set_awvalid(false);
        sim.set_wvalid(false);
        sim.set_arvalid(false);
        let (Some(read), Some(answer)) = (read, answer) else {
            return Err(format!(
                "delay {delay}: no answer: read {read:?}, write {answer:?}"
            ));
        };
        bus.model
            .write(offset::COMMIT, 1, 0xf)
            .map_err(|e| format!("model refused the commit: {e:?}"))?;
        if read != (key[word as usize], 0) || answer != 0 {
            return Err(format!(
                "delay {delay}: read {read:x?} (staged 0x{:08x}), commit answered {answer}",
                key[word as usize]
            ));
        }
        longest_wait = longest_wait.max(waited);
    }
    // Some read was offered while a commit copied its key, and was held off.
    if longest_wait < 10 {
        return Err(format!(
            "no read waited for a copy (longest wait {longest_wait})"
        ));
    }
    let sent: Vec<Vec<u8>> = (0..20)
        .map(|i| {
            let segment = frames::tcp_segment(1000 + i, 80, &[], &[0x5a; 64]);
            let l3 = frames::ipv4_packet([10, 0, 0, 1], [10, 0, i as u8, 2], 6, 0, &[], &segment);
            frames::ethernet(&[], 0x0800, &l3)
        })
        .collect();
    for frame in &sent {
        t.push(frame.clone());
    }
    t.drain(sim)?;
    for (frame, got) in sent.iter().zip(&t.records) {
        let expected = RecordOut::for_frame(&bus.model, frame);
        if *got != expected || got.hash == 0 {
            return Err(format!("RTL {got:x?}, model {expected:x?}"));
        }
    }
    Ok(())
}

#[test]
fn a_read_offered_during_a_key_copy_waits_and_the_key_lands() {
    frames_with_trace_on_failure!(RssCoreW64, "read_during_key_copy_w64", read_during_key_copy)
        .unwrap_or_else(|e| panic!("{e}"));
}

#[test]
fn vport_is_fixed_at_the_mac_and_parameters_at_the_fields() {
    frames_with_trace_on_failure!(RssCoreW64, "vport_choice_w64", vport_fixed_at_mac)
        .unwrap_or_else(|e| panic!("{e}"));
}

#[test]
fn updates_under_traffic_steer_each_frame_by_one_state_64_bit() {
    frames_with_trace_on_failure!(RssCoreW64, "vport_updates_w64", |sim: &mut _| {
        updates_under_traffic(sim, 0x7e57, 100_000)
    })
    .unwrap_or_else(|e| panic!("{e}"));
}

#[test]
fn updates_under_traffic_steer_each_frame_by_one_state_512_bit() {
    frames_with_trace_on_failure!(RssCoreW512, "vport_updates_w512", |sim: &mut _| {
        updates_under_traffic(sim, 0x7e58, 30_000)
    })
    .unwrap_or_else(|e| panic!("{e}"));
}
