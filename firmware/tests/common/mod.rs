//! Test harness: the driver against the executable specification.
#![allow(dead_code)]

use rss_fw::{BusError, EntryStatus, IndirectionEntry, RegisterBus, Rss, RssDevice};
use rss_model::regmap::{Params, offset};
use rss_model::{RegError, RegFile};

/// When the bus starts failing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    None,
    /// Every access answers SLVERR.
    All,
    /// Accesses after the first `n` answer SLVERR.
    After(usize),
    /// Accesses to this offset answer SLVERR.
    Offset(u32),
}

/// A [`RegisterBus`] over the model register file, plus fault injection and
/// read overrides for capability registers the model cannot vary.
#[derive(Debug, Clone)]
pub struct ModelBus {
    pub regs: RegFile,
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
            regs: RegFile::new(params).expect("valid test params"),
            fault: Fault::None,
            accesses: 0,
            writes: 0,
            read_overrides: Vec::new(),
            dropped_writes: Vec::new(),
        }
    }

    fn access(&mut self, offset: u32) -> Result<(), BusError> {
        self.accesses += 1;
        let failing = match self.fault {
            Fault::None => false,
            Fault::All => true,
            Fault::After(n) => self.accesses > n,
            Fault::Offset(o) => o == offset,
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
        self.access(offset)?;
        if let Some(&(_, v)) = self.read_overrides.iter().find(|(o, _)| *o == offset) {
            return Ok(v);
        }
        self.regs.read(offset).map_err(|_| BusError::SlvErr)
    }

    fn write32(&mut self, offset: u32, value: u32) -> Result<(), BusError> {
        self.access(offset)?;
        self.writes += 1;
        if self.dropped_writes.contains(&offset) {
            return Ok(());
        }
        self.regs
            .write(offset, value, 0xf)
            .map_err(|_| BusError::SlvErr)
    }
}

pub fn params(table_entries_log2: u8, num_queues: u16) -> Params {
    Params {
        table_entries_log2,
        num_queues,
    }
}

pub fn device(params: Params) -> RssDevice<ModelBus> {
    RssDevice::probe(ModelBus::new(params)).expect("probe")
}

/// Everything software or the datapath can observe: every register element and the
/// active key.
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
        active_key: regs.active_key().to_vec(),
    }
}

/// Queue field of a plain register, as the hardware holds it.
pub fn read(regs: &RegFile, addr: u32) -> u32 {
    regs.read(addr).expect("mapped register")
}

pub fn enabled(regs: &RegFile) -> bool {
    rss_model::regmap::field::CTRL_ENABLE.get(read(regs, offset::CTRL)) == 1
}

/// The driver's view and the hardware agree: the enable bit, the table size and the
/// hardware table in use always equal what the driver believes it wrote; and while
/// the driver reports itself synchronized, the hardware holds the active parameters
/// translated through the queue map (every hardware entry `h` the queue of tracked
/// entry `h mod S`, the default or primary queue that of its processor).
pub fn assert_consistent<B: RegisterBus>(regs: &RegFile, rss: &Rss<B>) {
    assert_eq!(enabled(regs), rss.is_enabled(), "enable bit");
    let hw = rss.hardware_entries() as usize;
    assert_eq!(1 << read(regs, offset::TABLE_SIZE), hw, "table size");
    assert_eq!(&regs.table()[..hw], rss.hardware_table(), "hardware mirror");
    if !rss.is_synchronized() {
        return;
    }
    let queue = |p: u32| {
        u32::from(
            rss.queue_of(p)
                .unwrap_or_else(|| panic!("active processor {p} has no queue")),
        )
    };
    let system = rss.active_table();
    if rss.is_enabled() {
        for (h, &q) in regs.table()[..hw].iter().enumerate() {
            assert_eq!(u32::from(q), queue(system[h % system.len()]), "entry {h}");
        }
        assert_eq!(
            read(regs, offset::DEFAULT_QUEUE),
            queue(rss.default_processor()),
            "default queue"
        );
    } else {
        assert_eq!(
            read(regs, offset::PRIMARY_QUEUE),
            queue(rss.primary_processor()),
            "primary queue"
        );
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
