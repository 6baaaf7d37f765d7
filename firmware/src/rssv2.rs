//! NetAdapterCx / NDIS RSSv2 semantics on top of [`RssDevice`].
//!
//! RSSv2 splits the steering parameters by RSS state:
//!
//! | parameter            | RSS disabled | RSS enabled |
//! |----------------------|--------------|-------------|
//! | primary queue        | active       | inactive    |
//! | default queue        | inactive     | active      |
//! | indirection entries  | inactive     | active      |
//!
//! An *active* parameter steers traffic: an update is validated at once (queue below
//! the configured queue count) and written to the hardware, or refused. An *inactive*
//! parameter is *tracked*: any update is accepted into a firmware shadow, even one the
//! hardware could not hold, because the upper layer may legitimately point it anywhere
//! while it does not steer. The state change that activates tracked parameters
//! ([`Rss::enable`] for the table and default queue, [`Rss::disable`] for the primary
//! queue) validates all of them first and is refused, leaving the state unchanged, if
//! any is invalid; otherwise it writes them to the hardware and then flips
//! `CTRL.ENABLE`, so traffic never sees a partly applied state.
//!
//! Indexes are not steering parameters: an entry past the table size in use does not
//! exist, so such a move is refused in either state.
//!
//! The shadow is a fixed array as large as the largest table the register map allows,
//! so no allocation is needed.

use rss_model::regmap::MAX_TABLE_ENTRIES_LOG2;
use rss_model::toeplitz::{KEY_BYTES, MS_DEFAULT_KEY};
use rss_model::{HashType, HashTypes};

use crate::bus::RegisterBus;
use crate::driver::RssDevice;
use crate::error::{Error, Steering};
use crate::regs::Capabilities;

/// Entries the shadow table holds: the most any build can have.
pub const TABLE_CAPACITY: usize = 1 << MAX_TABLE_ENTRIES_LOG2;

/// The hash types NDIS enables by default (IPv4, IPv6 and IPv6-with-extensions, each
/// with and without TCP ports); UDP hashing is opt-in in NDIS.
pub const NDIS_DEFAULT_HASH_TYPES: HashTypes = HashTypes::NONE
    .with(HashType::Ipv4)
    .with(HashType::TcpIpv4)
    .with(HashType::Ipv6)
    .with(HashType::TcpIpv6)
    .with(HashType::Ipv6Ex)
    .with(HashType::TcpIpv6Ex);

/// What [`Rss::init`] programs. `None` fields mean "what the hardware offers", so
/// `Config::default()` works on any build.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// Toeplitz secret key.
    pub key: [u8; KEY_BYTES],
    /// Hash types; `None`: [`NDIS_DEFAULT_HASH_TYPES`] that the hardware supports.
    /// An explicit set the hardware cannot hash is an error, not silently trimmed.
    pub hash_types: Option<HashTypes>,
    /// Queues to spread over (the datapath queues the OS created); `None`: all of
    /// the hardware's. Every queue parameter is validated against this count.
    pub num_queues: Option<u16>,
    /// Indirection entries in use; `None`: the whole hardware table.
    pub table_entries: Option<u32>,
    /// Queue for unhashable packets while enabled.
    pub default_queue: u16,
    /// Queue for every packet while disabled.
    pub primary_queue: u16,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            key: MS_DEFAULT_KEY,
            hash_types: None,
            num_queues: None,
            table_entries: None,
            default_queue: 0,
            primary_queue: 0,
        }
    }
}

/// Outcome of one indirection move, as NetAdapterCx records it per entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryStatus {
    /// Not processed yet.
    Pending,
    /// Moved (or, while RSS is disabled, tracked).
    Success,
    /// Index outside the table in use, or (while enabled) queue outside the
    /// configured queues. Nothing changed for this entry.
    InvalidParameter,
    /// The bus failed; the entry's hardware state is unknown and the shadow keeps
    /// the previous queue.
    DeviceFailure,
}

/// One move request: point indirection entry `index` at `queue`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IndirectionEntry {
    /// Hash index (entry of the table in use).
    pub index: u32,
    /// Target queue.
    pub queue: u16,
    /// Set by [`Rss::set_indirection_entries`].
    pub status: EntryStatus,
}

impl IndirectionEntry {
    /// A move not yet processed.
    pub const fn new(index: u32, queue: u16) -> Self {
        IndirectionEntry {
            index,
            queue,
            status: EntryStatus::Pending,
        }
    }
}

/// An rss-core driven with RSSv2 semantics (see the module documentation).
#[derive(Debug)]
pub struct Rss<B> {
    dev: RssDevice<B>,
    /// Tracked queue of every hardware entry. While enabled, entries below the size
    /// in use equal the hardware's.
    table: [u16; TABLE_CAPACITY],
    table_entries: u32,
    default_queue: u16,
    primary_queue: u16,
    num_queues: u16,
    enabled: bool,
}

impl<B: RegisterBus> Rss<B> {
    /// Adopts the hardware's current state (enable bit, table, queues), so a restarted
    /// firmware takes over a running core without disturbing traffic. The queue count
    /// starts as the hardware's; [`Rss::init`] or [`Rss::set_num_queues`] narrow it.
    pub fn new(mut dev: RssDevice<B>) -> Result<Self, Error> {
        let caps = *dev.capabilities();
        let mut table = [0; TABLE_CAPACITY];
        for (index, slot) in (0..caps.table_entries()).zip(table.iter_mut()) {
            *slot = dev.entry(index)?;
        }
        Ok(Rss {
            table_entries: dev.table_size()?,
            default_queue: dev.default_queue()?,
            primary_queue: dev.primary_queue()?,
            enabled: dev.is_enabled()?,
            num_queues: caps.num_queues,
            table,
            dev,
        })
    }

    /// Programs everything from `config` and enables RSS: key, hash types, table size,
    /// the table spread round-robin over the queues (entry `i` → queue `i % n`),
    /// default and primary queue. The whole config is validated before any write.
    /// RSS is disabled (traffic on the new primary queue) while the rest is written;
    /// on a bus error it stays disabled.
    pub fn init(&mut self, config: &Config) -> Result<(), Error> {
        let caps = *self.dev.capabilities();
        let (hash_types, num_queues, table_entries) = resolve(config, &caps, &self.dev)?;
        self.dev.set_primary_queue(config.primary_queue)?;
        self.primary_queue = config.primary_queue;
        self.dev.disable()?;
        self.enabled = false;
        self.num_queues = num_queues;
        self.dev.set_key(&config.key)?;
        self.dev.set_hash_types(hash_types)?;
        self.dev.set_table_size(table_entries)?;
        self.table_entries = table_entries;
        for (i, slot) in (0u16..).zip(self.table.iter_mut()) {
            *slot = i.checked_rem(num_queues).unwrap_or(0);
        }
        self.default_queue = config.default_queue;
        self.enable()
    }

    /// Applies indirection moves in order (a later move of the same index wins),
    /// setting each entry's [`EntryStatus`]. Returns `Ok` only if every move
    /// succeeded, otherwise [`Error::EntriesFailed`] with the counts; the successful
    /// moves stay applied either way, as in NetAdapterCx.
    pub fn set_indirection_entries(
        &mut self,
        entries: &mut [IndirectionEntry],
    ) -> Result<(), Error> {
        let (mut invalid, mut device) = (0usize, 0usize);
        for entry in entries.iter_mut() {
            entry.status = self.move_entry(entry.index, entry.queue);
            match entry.status {
                EntryStatus::InvalidParameter => invalid = invalid.saturating_add(1),
                EntryStatus::DeviceFailure => device = device.saturating_add(1),
                EntryStatus::Pending | EntryStatus::Success => {}
            }
        }
        if invalid == 0 && device == 0 {
            Ok(())
        } else {
            Err(Error::EntriesFailed { invalid, device })
        }
    }

    fn move_entry(&mut self, index: u32, queue: u16) -> EntryStatus {
        if index >= self.table_entries {
            return EntryStatus::InvalidParameter;
        }
        let Some(slot) = usize::try_from(index)
            .ok()
            .and_then(|i| self.table.get_mut(i))
        else {
            return EntryStatus::InvalidParameter;
        };
        if !self.enabled {
            *slot = queue;
            return EntryStatus::Success;
        }
        if queue >= self.num_queues {
            return EntryStatus::InvalidParameter;
        }
        match self.dev.set_entry(index, queue) {
            Ok(()) => {
                *slot = queue;
                EntryStatus::Success
            }
            Err(Error::Bus { .. }) => EntryStatus::DeviceFailure,
            Err(_) => EntryStatus::InvalidParameter,
        }
    }

    fn check_queue(&self, parameter: Steering, queue: u16) -> Result<(), Error> {
        if queue >= self.num_queues {
            return Err(Error::InvalidSteering {
                parameter,
                queue,
                num_queues: self.num_queues,
            });
        }
        Ok(())
    }

    /// Tracked entries `start..end` (clamped to the shadow).
    fn shadow(&self, start: u32, end: u32) -> &[u16] {
        let (start, end) = (start as usize, end as usize);
        self.table.get(start..end).unwrap_or(&[])
    }

    /// Checks tracked entries `start..end` before they become active.
    fn validate_entries(&self, start: u32, end: u32) -> Result<(), Error> {
        (start..)
            .zip(self.shadow(start, end))
            .try_for_each(|(index, &queue)| self.check_queue(Steering::Entry(index), queue))
    }

    /// Writes tracked entries `start..end` to the hardware.
    fn write_entries(&mut self, start: u32, end: u32) -> Result<(), Error> {
        let (start_i, end_i) = (start as usize, end as usize);
        let queues = self.table.get(start_i..end_i).unwrap_or(&[]);
        self.dev.set_entries(start, queues)
    }

    /// Enables RSS, activating the tracked table and default queue: validates them,
    /// writes them, then sets `CTRL.ENABLE`. Refused with
    /// [`Error::InvalidSteering`] (RSS stays disabled, nothing written) if any
    /// is invalid. Already enabled: re-asserts the enable bit only.
    pub fn enable(&mut self) -> Result<(), Error> {
        if !self.enabled {
            self.validate_entries(0, self.table_entries)?;
            self.check_queue(Steering::DefaultQueue, self.default_queue)?;
            self.write_entries(0, self.table_entries)?;
            self.dev.set_default_queue(self.default_queue)?;
        }
        self.dev.enable()?;
        self.enabled = true;
        Ok(())
    }

    /// Disables RSS (every packet to the primary queue), activating the tracked
    /// primary queue: refused with [`Error::InvalidSteering`] (RSS stays
    /// enabled) if it is invalid. The table is kept, so a later enable resumes it.
    pub fn disable(&mut self) -> Result<(), Error> {
        if self.enabled {
            self.check_queue(Steering::PrimaryQueue, self.primary_queue)?;
            self.dev.set_primary_queue(self.primary_queue)?;
        }
        self.dev.disable()?;
        self.enabled = false;
        Ok(())
    }

    /// Sets the default queue: validated and written while enabled (where it is
    /// active), tracked while disabled.
    pub fn set_default_queue(&mut self, queue: u16) -> Result<(), Error> {
        if self.enabled {
            self.check_queue(Steering::DefaultQueue, queue)?;
            self.dev.set_default_queue(queue)?;
        }
        self.default_queue = queue;
        Ok(())
    }

    /// Sets the primary queue: validated and written while disabled (where it is
    /// active), tracked while enabled.
    pub fn set_primary_queue(&mut self, queue: u16) -> Result<(), Error> {
        if !self.enabled {
            self.check_queue(Steering::PrimaryQueue, queue)?;
            self.dev.set_primary_queue(queue)?;
        }
        self.primary_queue = queue;
        Ok(())
    }

    /// Changes the number of entries in use (a power of two up to the hardware's).
    /// Growing while enabled activates tracked entries, so they are validated and
    /// written first; an invalid one refuses the change.
    pub fn set_table_size(&mut self, entries: u32) -> Result<(), Error> {
        self.dev.check_table_size(entries)?;
        if self.enabled && entries > self.table_entries {
            self.validate_entries(self.table_entries, entries)?;
            self.write_entries(self.table_entries, entries)?;
        }
        self.dev.set_table_size(entries)?;
        self.table_entries = entries;
        Ok(())
    }

    /// Changes the number of queues parameters are validated against (1 up to the
    /// hardware's). Active parameters must all stay valid (the upper layer moves them
    /// first, per the RSSv2 invariants); inactive ones are checked on activation.
    pub fn set_num_queues(&mut self, num_queues: u16) -> Result<(), Error> {
        let max = self.dev.capabilities().num_queues;
        if num_queues == 0 || num_queues > max {
            return Err(Error::QueueCount {
                requested: num_queues,
                max,
            });
        }
        let previous = core::mem::replace(&mut self.num_queues, num_queues);
        let check = if self.enabled {
            self.validate_entries(0, self.table_entries)
                .and_then(|()| self.check_queue(Steering::DefaultQueue, self.default_queue))
        } else {
            self.check_queue(Steering::PrimaryQueue, self.primary_queue)
        };
        if check.is_err() {
            self.num_queues = previous;
        }
        check
    }

    /// Loads a new hash secret key (see [`RssDevice::set_key`]).
    pub fn set_hash_secret_key(&mut self, key: &[u8]) -> Result<(), Error> {
        self.dev.set_key(key)
    }

    /// Selects hash types (see [`RssDevice::set_hash_types`]).
    pub fn set_hash_types(&mut self, types: HashTypes) -> Result<(), Error> {
        self.dev.set_hash_types(types)
    }

    /// Whether RSS is enabled.
    pub fn is_enabled(&self) -> bool {
        self.enabled
    }

    /// Queues parameters are validated against.
    pub fn num_queues(&self) -> u16 {
        self.num_queues
    }

    /// Entries in use.
    pub fn table_entries(&self) -> u32 {
        self.table_entries
    }

    /// The tracked table in use: what steers while enabled, what enabling will
    /// activate while disabled.
    pub fn active_table(&self) -> &[u16] {
        self.shadow(0, self.table_entries)
    }

    /// The tracked default queue.
    pub fn default_queue(&self) -> u16 {
        self.default_queue
    }

    /// The tracked primary queue.
    pub fn primary_queue(&self) -> u16 {
        self.primary_queue
    }

    /// The underlying device, for capabilities and the bus.
    pub fn device(&self) -> &RssDevice<B> {
        &self.dev
    }

    /// The bus, for bus-level concerns (fault injection, power). Register writes made
    /// through it desynchronise the shadow.
    pub fn bus_mut(&mut self) -> &mut B {
        self.dev.bus_mut()
    }

    /// Gives the device back.
    pub fn into_device(self) -> RssDevice<B> {
        self.dev
    }
}

/// Validates `config` against the hardware: (hash types, queue count, table size).
fn resolve<B: RegisterBus>(
    config: &Config,
    caps: &Capabilities,
    dev: &RssDevice<B>,
) -> Result<(HashTypes, u16, u32), Error> {
    if config.key.len() != caps.key_bytes {
        return Err(Error::KeyLength {
            got: config.key.len(),
            expected: caps.key_bytes,
        });
    }
    let hash_types = match config.hash_types {
        None => HashTypes(NDIS_DEFAULT_HASH_TYPES.0 & caps.hash_types.0),
        Some(t) if t.0 & !caps.hash_types.0 == 0 => t,
        Some(t) => {
            return Err(Error::UnsupportedHashTypes {
                requested: t,
                supported: caps.hash_types,
            });
        }
    };
    let num_queues = config.num_queues.unwrap_or(caps.num_queues);
    if num_queues == 0 || num_queues > caps.num_queues {
        return Err(Error::QueueCount {
            requested: num_queues,
            max: caps.num_queues,
        });
    }
    let table_entries = config.table_entries.unwrap_or(caps.table_entries());
    dev.check_table_size(table_entries)?;
    for (parameter, queue) in [
        (Steering::DefaultQueue, config.default_queue),
        (Steering::PrimaryQueue, config.primary_queue),
    ] {
        if queue >= num_queues {
            return Err(Error::InvalidSteering {
                parameter,
                queue,
                num_queues,
            });
        }
    }
    Ok((hash_types, num_queues, table_entries))
}
