//! [`RssDevice`]: one method per hardware operation.
//!
//! Every argument is checked against the discovered [`Capabilities`] before the bus is
//! touched, so a rejected call leaves the hardware exactly as it was. The device holds
//! no state beyond what discovery found: the hardware registers are the state, and
//! the getters read them back.

use rss_model::HashTypes;
use rss_model::regmap::RegisterMap;

use crate::bus::RegisterBus;
use crate::error::Error;
use crate::regs::{Capabilities, Regs};

/// A probed rss-core behind bus `B`.
#[derive(Debug)]
pub struct RssDevice<B> {
    bus: B,
    caps: Capabilities,
    regs: Regs,
}

impl<B: RegisterBus> RssDevice<B> {
    /// Identifies the block (`ID`, `VERSION`), reads its capabilities and resolves the
    /// register map of this build. Reads only; configuration is left as found, so
    /// probing a running core does not disturb traffic.
    pub fn probe(mut bus: B) -> Result<Self, Error> {
        let caps = Capabilities::discover(&mut bus)?;
        let regs = Regs::new(&caps);
        Ok(RssDevice { bus, caps, regs })
    }

    /// What discovery found.
    pub fn capabilities(&self) -> &Capabilities {
        &self.caps
    }

    /// The register map of this build (for dumps and diagnostics; the driver itself
    /// uses the generated types of [`crate::regs::map`]).
    pub fn register_map(&self) -> Result<RegisterMap, Error> {
        RegisterMap::new(self.caps.params()).map_err(Error::BadCapabilities)
    }

    /// The bus, e.g. to inspect a simulator behind it.
    pub fn bus(&self) -> &B {
        &self.bus
    }

    /// The bus, for bus-level concerns (fault injection, power). Register writes made
    /// through it bypass the driver's checks.
    pub fn bus_mut(&mut self) -> &mut B {
        &mut self.bus
    }

    /// Gives the bus back.
    pub fn into_bus(self) -> B {
        self.bus
    }

    /// Loads a new Toeplitz secret key: stages every `KEY` word (byte `4n` in bits
    /// 31:24), pulses `KEY_COMMIT` so packets never see a half-written key, then checks
    /// `STATUS.KEY_GENERATION` advanced by exactly one so a lost or racing commit is
    /// reported instead of silently hashing with the old key.
    pub fn set_key(&mut self, key: &[u8]) -> Result<(), Error> {
        if key.len() != self.caps.key_bytes {
            return Err(Error::KeyLength {
                got: key.len(),
                expected: self.caps.key_bytes,
            });
        }
        let before = self.regs.key_generation(&mut self.bus)?;
        for (n, bytes) in (0..self.regs.key_words()).zip(key.chunks_exact(4)) {
            if let [a, b, c, d] = *bytes {
                let word = u32::from_be_bytes([a, b, c, d]);
                self.regs.set_key_word(&mut self.bus, n, word)?;
            }
        }
        self.regs.commit_key(&mut self.bus)?;
        let after = self.regs.key_generation(&mut self.bus)?;
        if after != self.regs.next_key_generation(before) {
            return Err(Error::KeyCommitLost { before, after });
        }
        Ok(())
    }

    /// Reads the staged key into `out` (exactly `key_bytes` long). After a successful
    /// [`RssDevice::set_key`] this is also the active key.
    pub fn key(&mut self, out: &mut [u8]) -> Result<(), Error> {
        if out.len() != self.caps.key_bytes {
            return Err(Error::KeyLength {
                got: out.len(),
                expected: self.caps.key_bytes,
            });
        }
        for (n, bytes) in (0..self.regs.key_words()).zip(out.chunks_exact_mut(4)) {
            bytes.copy_from_slice(&self.regs.key_word(&mut self.bus, n)?.to_be_bytes());
        }
        Ok(())
    }

    /// Key commits so far (`STATUS.KEY_GENERATION`, wrapping).
    pub fn key_generation(&mut self) -> Result<u16, Error> {
        self.regs.key_generation(&mut self.bus)
    }

    /// Records dropped because the record FIFO was full (`RECORD_DROPS`): only a
    /// tap-mode build drops records; it counts from reset and wraps at 2^32.
    pub fn record_drops(&mut self) -> Result<u32, Error> {
        self.regs.record_drops(&mut self.bus)
    }

    /// Selects the hash types to compute; refuses any the hardware cannot hash
    /// rather than silently dropping them (the register check is numeric, not a
    /// subset check, so the driver does it).
    pub fn set_hash_types(&mut self, types: HashTypes) -> Result<(), Error> {
        let supported = self.caps.hash_types;
        if types.0 & !supported.0 != 0 {
            return Err(Error::UnsupportedHashTypes {
                requested: types,
                supported,
            });
        }
        self.regs.set_hash_types(&mut self.bus, types)
    }

    /// The enabled hash types.
    pub fn hash_types(&mut self) -> Result<HashTypes, Error> {
        self.regs.hash_types(&mut self.bus)
    }

    /// The `TABLE_SIZE.LOG2` for `entries`, or why it is not a valid table size (a
    /// power of two no larger than the hardware table). Touches nothing.
    pub fn check_table_size(&self, entries: u32) -> Result<u8, Error> {
        let max = self.caps.table_entries();
        if !entries.is_power_of_two() || entries > max {
            return Err(Error::TableSize { entries, max });
        }
        u8::try_from(entries.trailing_zeros()).map_err(|_| Error::TableSize { entries, max })
    }

    /// Sets how many entries are in use: the hash's low `log2(entries)` bits index the
    /// table. Entries past the new size keep their contents.
    pub fn set_table_size(&mut self, entries: u32) -> Result<(), Error> {
        let log2 = self.check_table_size(entries)?;
        self.regs.set_table_size_log2(&mut self.bus, log2)
    }

    /// Entries in use.
    pub fn table_size(&mut self) -> Result<u32, Error> {
        let log2 = self.regs.table_size_log2(&mut self.bus)?;
        1u32.checked_shl(log2.into()).ok_or(Error::ValueOutOfRange {
            register: "TABLE_SIZE",
            value: log2.into(),
            max: self.caps.table_entries_log2.into(),
        })
    }

    fn check_queue(&self, queue: u16) -> Result<(), Error> {
        if queue >= self.caps.num_queues {
            return Err(Error::QueueOutOfRange {
                queue,
                num_queues: self.caps.num_queues,
            });
        }
        Ok(())
    }

    fn check_index(&self, index: u32) -> Result<(), Error> {
        let entries = self.caps.table_entries();
        if index >= entries {
            return Err(Error::IndexOutOfRange { index, entries });
        }
        Ok(())
    }

    /// Points indirection entry `index` (any entry of the hardware table, in use or
    /// not) at `queue`.
    pub fn set_entry(&mut self, index: u32, queue: u16) -> Result<(), Error> {
        self.check_index(index)?;
        self.check_queue(queue)?;
        self.regs.set_table_entry(&mut self.bus, index, queue)
    }

    /// Writes `queues` to the entries starting at `first`. Every index and queue is
    /// checked before the first write, so a bad argument changes nothing; a bus error
    /// stops at the failing entry.
    pub fn set_entries(&mut self, first: u32, queues: &[u16]) -> Result<(), Error> {
        let entries = self.caps.table_entries();
        let len = u32::try_from(queues.len()).unwrap_or(u32::MAX);
        match first.checked_add(len) {
            Some(end) if end <= entries => {}
            _ => {
                return Err(Error::IndexOutOfRange {
                    index: first.saturating_add(len.saturating_sub(1)),
                    entries,
                });
            }
        }
        for &queue in queues {
            self.check_queue(queue)?;
        }
        for (index, &queue) in (first..).zip(queues) {
            self.regs.set_table_entry(&mut self.bus, index, queue)?;
        }
        Ok(())
    }

    /// The queue entry `index` points at.
    pub fn entry(&mut self, index: u32) -> Result<u16, Error> {
        self.check_index(index)?;
        self.regs.table_entry(&mut self.bus, index)
    }

    /// Queue for unhashable packets while RSS is enabled (NDIS default processor).
    pub fn set_default_queue(&mut self, queue: u16) -> Result<(), Error> {
        self.check_queue(queue)?;
        self.regs.set_default_queue(&mut self.bus, queue)
    }

    /// The default queue.
    pub fn default_queue(&mut self) -> Result<u16, Error> {
        self.regs.default_queue(&mut self.bus)
    }

    /// Queue for every packet while RSS is disabled (NDIS primary processor).
    pub fn set_primary_queue(&mut self, queue: u16) -> Result<(), Error> {
        self.check_queue(queue)?;
        self.regs.set_primary_queue(&mut self.bus, queue)
    }

    /// The primary queue.
    pub fn primary_queue(&mut self) -> Result<u16, Error> {
        self.regs.primary_queue(&mut self.bus)
    }

    /// Starts steering by hash. Key, table and queues are used as they are now.
    pub fn enable(&mut self) -> Result<(), Error> {
        self.regs.set_enabled(&mut self.bus, true)
    }

    /// Stops hashing: every packet goes to the primary queue. Nothing else changes,
    /// so a later [`RssDevice::enable`] resumes with the same table.
    pub fn disable(&mut self) -> Result<(), Error> {
        self.regs.set_enabled(&mut self.bus, false)
    }

    /// Whether RSS is enabled (`CTRL.ENABLE`).
    pub fn is_enabled(&mut self) -> Result<bool, Error> {
        self.regs.enabled(&mut self.bus)
    }
}
