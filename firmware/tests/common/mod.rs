//! Test harness: the driver against the executable specification.
#![allow(dead_code)]

use rss_fw::{
    BusError, EntryStatus, Error, IndirectionEntry, RegisterBus, Rss, RssDevice, ScalingEntity,
};
use rss_model::regmap::{Params, index, offset};
use rss_model::{RegError, RegFile};

/// When the bus starts failing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    None,
    /// Every access answers SLVERR.
    All,
    /// Accesses after the first `n` answer SLVERR.
    After(usize),
    /// Access number `n` (counting every access from 1) answers SLVERR, no other.
    At(usize),
    /// Accesses to this offset answer SLVERR.
    Offset(u32),
    /// Writes of this value to this offset answer SLVERR (and change nothing).
    WriteOf(u32, u32),
}

/// A [`RegisterBus`] over the model register file, plus fault injection and
/// read overrides for capability registers the model cannot vary. The model is boxed:
/// its hash lookup tables (one per VPort) make it 300 KB, and tests move drivers
/// owning a bus around by value.
#[derive(Debug, Clone)]
pub struct ModelBus {
    pub regs: Box<RegFile>,
    pub fault: Fault,
    pub accesses: usize,
    pub writes: usize,
    /// Reads of these offsets return the given value instead.
    pub read_overrides: Vec<(u32, u32)>,
    /// Writes to these offsets answer OKAY but do nothing.
    pub dropped_writes: Vec<u32>,
}

impl ModelBus {
    pub fn new(params: Params) -> ModelBus {
        ModelBus {
            regs: Box::new(RegFile::new(params).expect("valid test params")),
            fault: Fault::None,
            accesses: 0,
            writes: 0,
            read_overrides: Vec::new(),
            dropped_writes: Vec::new(),
        }
    }

    fn access(&mut self, offset: u32, write: Option<u32>) -> Result<(), BusError> {
        self.accesses += 1;
        let failing = match self.fault {
            Fault::None => false,
            Fault::All => true,
            Fault::After(n) => self.accesses > n,
            Fault::At(n) => self.accesses == n,
            Fault::Offset(o) => o == offset,
            Fault::WriteOf(o, v) => o == offset && write == Some(v),
        };
        if failing {
            Err(BusError::SlvErr)
        } else {
            Ok(())
        }
    }
}

impl RegisterBus for ModelBus {
    fn read32(&mut self, offset: u32) -> Result<u32, BusError> {
        self.access(offset, None)?;
        if let Some(&(_, v)) = self.read_overrides.iter().find(|(o, _)| *o == offset) {
            return Ok(v);
        }
        self.regs.read(offset).map_err(|_| BusError::SlvErr)
    }

    fn write32(&mut self, offset: u32, value: u32) -> Result<(), BusError> {
        self.access(offset, Some(value))?;
        self.writes += 1;
        if self.dropped_writes.contains(&offset) {
            return Ok(());
        }
        self.regs
            .write(offset, value, 0xf)
            .map_err(|_| BusError::SlvErr)
    }
}

/// A build with `num_queues` queues and VPorts of `2^table_entries_log2` entries (as
/// many VPorts as the table window allows, up to the default 4).
pub fn params(table_entries_log2: u8, num_queues: u16) -> Params {
    let vports = (rss_model::regmap::MAX_TABLE_POOL >> table_entries_log2).clamp(1, 4) as u8;
    Params {
        table_entries_log2,
        num_queues,
        vports,
        ..Params::default()
    }
}

pub fn device(params: Params) -> RssDevice<ModelBus> {
    RssDevice::probe(ModelBus::new(params)).expect("probe")
}

/// A default build whose `VPORT_CAPS` reads without `feature` (a
/// `regmap::FEATURE_*` bit of `VPORT_CAPS.FEATURES`), which the model's build has.
pub fn device_without(feature: u32) -> RssDevice<ModelBus> {
    let mut bus = ModelBus::new(Params::default());
    let features = bus
        .regs
        .map()
        .register(index::VPORT_CAPS)
        .field_named("FEATURES");
    let bit = feature << features.expect("VPORT_CAPS.FEATURES").lsb;
    let caps = bus.regs.read(offset::VPORT_CAPS).unwrap();
    assert_ne!(caps & bit, 0, "the model's build has feature {feature:#x}");
    bus.read_overrides = vec![(offset::VPORT_CAPS, caps & !bit)];
    RssDevice::probe(bus).expect("probe")
}

/// Everything software or the datapath can observe: every register element and the
/// active key. `REFUSED` is among the registers, so a call refused before the bus
/// must leave it alone too (only a write the hardware refuses moves it).
#[derive(Debug, PartialEq, Eq)]
pub struct Snapshot {
    pub registers: Vec<(u32, Result<u32, RegError>)>,
    pub active_key: Vec<u8>,
}

pub fn snapshot(regs: &RegFile) -> Snapshot {
    let registers = regs
        .map()
        .registers()
        .iter()
        .flat_map(|r| (0..r.count).map(move |i| r.element_offset(i)))
        .map(|addr| (addr, regs.read(addr)))
        .collect();
    Snapshot {
        registers,
        active_key: regs.active_key(0).to_vec(),
    }
}

/// An Ethernet/IPv4/TCP frame to `mac`, flow `n` (reversed: the other direction).
pub fn frame(mac: [u8; 6], n: u16, reversed: bool) -> Vec<u8> {
    let [hi, lo] = n.to_be_bytes();
    let (mut a, mut b) = ([10, 0, hi, lo], [192, 168, lo, hi]);
    let (mut sport, mut dport) = (1000 + n, 443);
    if reversed {
        (a, b) = (b, a);
        (sport, dport) = (dport, sport);
    }
    let mut f = mac.to_vec();
    f.extend([0x02, 0, 0, 0, 0, 0xfe, 0x08, 0x00]);
    f.extend([0x45, 0, 0, 40, 0, 0, 0x40, 0, 64, 6, 0, 0]);
    f.extend(a);
    f.extend(b);
    f.extend(sport.to_be_bytes());
    f.extend(dport.to_be_bytes());
    f.extend([0, 0, 0, 1, 0, 0, 0, 0, 0x50, 0x10, 0xff, 0xff, 0, 0, 0, 0]);
    f
}

/// Queue field of a plain register, as the hardware holds it.
pub fn read(regs: &RegFile, addr: u32) -> u32 {
    regs.read(addr).expect("mapped register")
}

/// Whether RSS is enabled on the default VPort (its active state).
pub fn enabled(regs: &RegFile) -> bool {
    regs.vport(0).enabled
}

/// The driver's view of one VPort and the hardware's agree (see [`assert_consistent`]).
pub fn assert_entity_consistent(regs: &RegFile, e: ScalingEntity<'_>) {
    let v = e.id().0 as usize;
    let active = regs.vport(v);
    let what = |s: &str| format!("VPort {v}: {s}");
    assert_eq!(active.enabled, e.is_enabled(), "{}", what("enable bit"));
    let hw = e.hardware_entries() as usize;
    assert_eq!(1 << active.table_size_log2, hw, "{}", what("table size"));
    // The mirror equals the hardware wherever it claims to know it (u16::MAX: a
    // failed access left the entry unknown).
    assert_eq!(e.hardware_table().len(), hw, "{}", what("mirror length"));
    for (h, (&mirror, &actual)) in e
        .hardware_table()
        .iter()
        .zip(&regs.table(v)[..hw])
        .enumerate()
    {
        if mirror != u16::MAX {
            assert_eq!(mirror, actual, "{} {h}", what("hardware mirror"));
        }
    }
    if !e.is_synchronized() {
        return;
    }
    // NDIS's 40-byte key; a 52-byte-key build holds it zero-extended.
    let (key, extension) = regs.active_key(v).split_at(e.key().len());
    assert_eq!(key, *e.key(), "{}", what("key"));
    assert!(
        extension.iter().all(|&b| b == 0),
        "{}",
        what("key extension")
    );
    assert_eq!(active.hash_types, e.hash_types(), "{}", what("hash types"));
    assert_eq!(active.symmetric, e.is_symmetric(), "{}", what("symmetric"));
    // The shadow is a copy of the active table.
    let entries = regs.map().params.table_entries();
    for h in 0..entries {
        let shadow = regs
            .read(offset::TABLE + 4 * (v as u32 * entries + h))
            .unwrap();
        assert_eq!(
            shadow,
            u32::from(regs.table(v)[h as usize]),
            "{}",
            what("shadow")
        );
    }
    let queue = |p: u32| {
        e.queue_of(p)
            .unwrap_or_else(|| panic!("VPort {v}: active processor {p} has no queue"))
    };
    let system = e.active_table();
    if e.is_enabled() {
        for (h, &q) in regs.table(v)[..hw].iter().enumerate() {
            assert_eq!(q, queue(system[h % system.len()]), "{}", what("entry"));
        }
        assert_eq!(
            active.default_queue,
            queue(e.default_processor()),
            "{}",
            what("default")
        );
    } else {
        assert_eq!(
            active.primary_queue,
            queue(e.primary_processor()),
            "{}",
            what("primary")
        );
    }
}

/// The driver's view and the hardware agree: the enable bit, the table size and the
/// hardware table in use always equal what the driver believes it wrote; and while
/// the driver reports itself synchronized, the hardware holds the active parameters
/// translated through the queue map (every hardware entry `h` the queue of tracked
/// entry `h mod S`, the default or primary queue that of its processor).
/// Every created VPort, and the MAC filters: each non-default VPort's filter entry
/// steers its MAC to it.
pub fn assert_consistent<B: RegisterBus>(regs: &RegFile, rss: &Rss<B>) {
    for e in rss.vports() {
        assert_entity_consistent(regs, e);
        if let (Some(mac), true) = (e.mac(), e.is_synchronized()) {
            assert_eq!(regs.vport_of_mac(mac), e.id().0 as usize, "MAC filter");
        }
    }
}

/// The queue a packet with this record's hash must reach, from the driver's
/// tracked state alone (not the hardware's).
pub fn expected_queue<B: RegisterBus>(rss: &Rss<B>, record: &rss_model::Record) -> u16 {
    let processor = if !rss.is_enabled() {
        rss.primary_processor()
    } else if record.hash_type.is_none() {
        rss.default_processor()
    } else {
        let table = rss.active_table();
        table[record.hash as usize % table.len()]
    };
    rss.queue_of(processor)
        .expect("active processor has a queue")
}

/// Entry moves of the default VPort, `(index, processor)` each.
pub fn moves(pairs: &[(u32, u32)]) -> Vec<IndirectionEntry> {
    pairs
        .iter()
        .map(|&(i, p)| IndirectionEntry::new(i, p))
        .collect()
}

/// The status each move got.
pub fn statuses(entries: &[IndirectionEntry]) -> Vec<EntryStatus> {
    entries.iter().map(|e| e.status).collect()
}

/// `set_indirection_entries` of `batch` answers `result` and gives each move its
/// status in `expected`.
#[track_caller]
pub fn assert_move_statuses<B: RegisterBus>(
    rss: &mut Rss<B>,
    batch: &mut [IndirectionEntry],
    result: Result<(), Error>,
    expected: &[EntryStatus],
) {
    assert_eq!(rss.set_indirection_entries(batch), result);
    assert_eq!(statuses(batch), expected);
}
