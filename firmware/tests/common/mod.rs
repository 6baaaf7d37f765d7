//! Test harness: the driver against the executable specification.
#![allow(dead_code)]

use rss_fw::{BusError, RegisterBus, Rss, RssDevice};
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

/// The hardware holds exactly what the active parameters of `rss` say.
pub fn assert_consistent<B: RegisterBus>(regs: &RegFile, rss: &Rss<B>) {
    assert_eq!(enabled(regs), rss.is_enabled(), "enable bit");
    if rss.is_enabled() {
        let size = rss.table_entries() as usize;
        assert_eq!(1 << read(regs, offset::TABLE_SIZE), size, "table size");
        assert_eq!(&regs.table()[..size], rss.active_table(), "table");
        assert_eq!(
            read(regs, offset::DEFAULT_QUEUE),
            u32::from(rss.default_queue()),
            "default queue"
        );
    } else {
        assert_eq!(
            read(regs, offset::PRIMARY_QUEUE),
            u32::from(rss.primary_queue()),
            "primary queue"
        );
    }
}
