//! Raw, typed register access.
//!
//! The register types and their field constants in [`map`] are generated at build time
//! (`build.rs`) from [`rss_model::regmap`], the single source of the register map: no
//! register number, shift or width is written down in this crate, and a field can only
//! be read from or written to its own register (a type error otherwise):
//!
//! ```compile_fail
//! use rss_fw::regs::{map, Value};
//! // CTRL.ENABLE is a field of CTRL, not of TABLE: this does not compile.
//! let _ = Value::<map::Table>::ZERO.with(map::ctrl::ENABLE, 1);
//! ```
//!
//! Layouts that depend on the build (queue field width, table length, the table-size
//! limit) are generated at their widest; the driver bounds them at run time from the
//! discovered [`Capabilities`], which is also what the hardware decodes.

use core::marker::PhantomData;

use rss_model::HashTypes;
use rss_model::regmap::{self, Params};

use crate::bus::RegisterBus;
use crate::error::Error;

pub use rss_model::regmap::Access;

/// A register (or register array) of the block: where it lives and how many elements
/// the widest build has. Implemented by the generated types in [`map`].
pub trait Register {
    /// Name in the register map.
    const NAME: &'static str;
    /// Position in [`rss_model::RegisterMap::registers`].
    const INDEX: usize;
    /// Byte offset of element 0.
    const OFFSET: u32;
    /// Elements in the widest build (1 for a plain register).
    const MAX_COUNT: u32;
    /// Whether the element count depends on the build (then bounded at run time).
    const COUNT_IS_PER_BUILD: bool;
    /// How software may access it.
    const ACCESS: Access;
}

/// A bit field of register `R`.
#[derive(Debug)]
pub struct Field<R> {
    /// Name in the register map.
    pub name: &'static str,
    /// Lowest bit.
    pub lsb: u8,
    /// Width in the widest build.
    pub width: u8,
    /// Whether width or limit depend on the build (then bounded at run time).
    pub per_build: bool,
    register: PhantomData<R>,
}

impl<R> Clone for Field<R> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<R> Copy for Field<R> {}

impl<R: Register> Field<R> {
    /// Used by the generated code only.
    pub const fn new(name: &'static str, lsb: u8, width: u8, per_build: bool) -> Self {
        Field {
            name,
            lsb,
            width,
            per_build,
            register: PhantomData,
        }
    }

    /// The field's bits, unshifted.
    pub const fn ones(&self) -> u32 {
        match 1u32.checked_shl(self.width as u32) {
            Some(bit) => bit.wrapping_sub(1),
            None => u32::MAX,
        }
    }

    /// The field's value in `word`.
    pub const fn get(&self, word: u32) -> u32 {
        match word.checked_shr(self.lsb as u32) {
            Some(shifted) => shifted & self.ones(),
            None => 0,
        }
    }
}

/// The content of one element of register `R`, built and taken apart field by field.
#[derive(Debug)]
pub struct Value<R> {
    /// The raw word.
    pub word: u32,
    register: PhantomData<R>,
}

impl<R> Clone for Value<R> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<R> Copy for Value<R> {}

impl<R: Register> Value<R> {
    /// All fields zero.
    pub const ZERO: Self = Value::from_word(0);

    /// Wraps a raw word read from `R`.
    pub const fn from_word(word: u32) -> Self {
        Value {
            word,
            register: PhantomData,
        }
    }

    /// Field `field`.
    pub fn get(self, field: Field<R>) -> u32 {
        field.get(self.word)
    }

    /// Sets `field` to `value`; refuses values wider than the field instead of
    /// truncating them.
    pub fn with(self, field: Field<R>, value: u32) -> Result<Self, Error> {
        let ones = field.ones();
        let placed = value
            .checked_shl(field.lsb.into())
            .filter(|_| value <= ones)
            .ok_or(Error::ValueOutOfRange {
                register: R::NAME,
                value,
                max: ones,
            })?;
        let mask = ones.checked_shl(field.lsb.into()).unwrap_or(0);
        Ok(Value::from_word((self.word & !mask) | placed))
    }
}

/// Byte offset of element `element` of `R`, refusing elements past `count` (the
/// build's element count, at most `R::MAX_COUNT`).
pub fn address<R: Register>(element: u32, count: u32) -> Result<u32, Error> {
    let entries = count.min(R::MAX_COUNT);
    let out_of_range = Error::IndexOutOfRange {
        index: element,
        entries,
    };
    if element >= entries {
        return Err(out_of_range);
    }
    element
        .checked_mul(4)
        .and_then(|bytes| R::OFFSET.checked_add(bytes))
        .ok_or(out_of_range)
}

/// Reads element `element` (of `count` in this build) of `R`.
pub fn read<R: Register, B: RegisterBus + ?Sized>(
    bus: &mut B,
    element: u32,
    count: u32,
) -> Result<Value<R>, Error> {
    let offset = address::<R>(element, count)?;
    bus.read32(offset)
        .map(Value::from_word)
        .map_err(|error| Error::Bus { offset, error })
}

/// Writes element `element` (of `count` in this build) of `R`.
pub fn write<R: Register, B: RegisterBus + ?Sized>(
    bus: &mut B,
    element: u32,
    count: u32,
    value: Value<R>,
) -> Result<(), Error> {
    let offset = address::<R>(element, count)?;
    bus.write32(offset, value.word)
        .map_err(|error| Error::Bus { offset, error })
}

/// The register types and field constants, generated from [`rss_model::regmap`].
#[allow(missing_docs)]
pub mod map {
    use super::{Access, Field, Register};
    include!(concat!(env!("OUT_DIR"), "/regmap.rs"));
}

use map::{Caps, Ctrl, DefaultQueue, HashCaps, HashTypes as HashTypesReg, Id, Key, KeyCommit};
use map::{PrimaryQueue, QueueCaps, RecordDrops, Status, Table, TableSize, Version as VersionReg};

/// Register-interface version (`VERSION`: major.minor.patch).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Version {
    /// Incompatible changes.
    pub major: u8,
    /// Additions only: a newer minor keeps every older register.
    pub minor: u8,
    /// Fixes that change no register.
    pub patch: u16,
}

impl core::fmt::Display for Version {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)
    }
}

fn to_u8(register: &'static str, value: u32) -> Result<u8, Error> {
    u8::try_from(value).map_err(|_| Error::ValueOutOfRange {
        register,
        value,
        max: u8::MAX.into(),
    })
}

fn to_u16(register: &'static str, value: u32) -> Result<u16, Error> {
    u16::try_from(value).map_err(|_| Error::ValueOutOfRange {
        register,
        value,
        max: u16::MAX.into(),
    })
}

/// What the discovery registers say about this build of the core.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Capabilities {
    /// Register-interface version.
    pub version: Version,
    /// log2 of the hardware indirection table's entries.
    pub table_entries_log2: u8,
    /// Width of every queue field.
    pub queue_bits: u8,
    /// Queues the core can steer to (queue indices `0..num_queues`).
    pub num_queues: u16,
    /// Toeplitz key length in bytes.
    pub key_bytes: usize,
    /// Longest hashed tuple in bytes.
    pub tuple_bytes: usize,
    /// Hash types the core can compute.
    pub hash_types: HashTypes,
}

impl Capabilities {
    /// Reads and checks `ID`, `VERSION`, `CAPS`, `QUEUE_CAPS` and `HASH_CAPS`.
    ///
    /// The discovery registers' layout does not depend on the build, so their
    /// generated types are used as they are; the parameters read here then bound the
    /// per-build registers ([`Capabilities::params`]).
    pub fn discover<B: RegisterBus + ?Sized>(bus: &mut B) -> Result<Self, Error> {
        let id = read::<Id, B>(bus, 0, 1)?.get(map::id::BLOCK_TYPE);
        if id != regmap::BLOCK_TYPE {
            return Err(Error::NotRssCore { id });
        }
        let version_of = |v: Value<VersionReg>| -> Result<Version, Error> {
            Ok(Version {
                major: to_u8(VersionReg::NAME, v.get(map::version::MAJOR))?,
                minor: to_u8(VersionReg::NAME, v.get(map::version::MINOR))?,
                patch: to_u16(VersionReg::NAME, v.get(map::version::PATCH))?,
            })
        };
        let version = version_of(read(bus, 0, 1)?)?;
        let built_for = version_of(Value::from_word(regmap::VERSION))?;
        if version.major != built_for.major || version.minor < built_for.minor {
            return Err(Error::UnsupportedVersion {
                found: version,
                built_for,
            });
        }
        let sizes = read::<Caps, B>(bus, 0, 1)?;
        let queues = read::<QueueCaps, B>(bus, 0, 1)?;
        let hashes = read::<HashCaps, B>(bus, 0, 1)?;
        let caps = Capabilities {
            version,
            table_entries_log2: to_u8(Caps::NAME, sizes.get(map::caps::TABLE_ENTRIES_LOG2))?,
            queue_bits: to_u8(Caps::NAME, sizes.get(map::caps::QUEUE_BITS))?,
            key_bytes: to_u8(Caps::NAME, sizes.get(map::caps::KEY_BYTES))?.into(),
            tuple_bytes: to_u8(Caps::NAME, sizes.get(map::caps::TUPLE_BYTES))?.into(),
            num_queues: to_u16(QueueCaps::NAME, queues.get(map::queue_caps::NUM_QUEUES))?,
            hash_types: HashTypes(to_u16(
                HashCaps::NAME,
                hashes.get(map::hash_caps::SUPPORTED),
            )?),
        };
        let params = caps.params();
        params.validate().map_err(Error::BadCapabilities)?;
        if caps.queue_bits != params.queue_bits() {
            return Err(Error::InconsistentCapabilities {
                field: "CAPS.QUEUE_BITS",
                found: caps.queue_bits.into(),
                expected: params.queue_bits().into(),
            });
        }
        let key_bytes = Key::MAX_COUNT.saturating_mul(4);
        if usize::try_from(key_bytes).ok() != Some(caps.key_bytes) {
            return Err(Error::InconsistentCapabilities {
                field: "CAPS.KEY_BYTES",
                found: u32::try_from(caps.key_bytes).unwrap_or(u32::MAX),
                expected: key_bytes,
            });
        }
        Ok(caps)
    }

    /// Entries in the hardware indirection table.
    pub fn table_entries(&self) -> u32 {
        1u32.checked_shl(self.table_entries_log2.into())
            .unwrap_or(0)
    }

    /// The build parameters, to build the hardware's [`rss_model::RegisterMap`] from.
    pub fn params(&self) -> Params {
        Params {
            table_entries_log2: self.table_entries_log2,
            num_queues: self.num_queues,
        }
    }
}

/// The configuration registers of one build: typed access bounded by the build's
/// capabilities (table length, queue count, table-size limit).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Regs {
    table_entries: u32,
    table_entries_log2: u8,
    num_queues: u16,
}

/// Plain registers have one element.
const ONE: u32 = 1;

impl Regs {
    /// The registers of the build `caps` describes.
    pub fn new(caps: &Capabilities) -> Self {
        Regs {
            table_entries: caps.table_entries(),
            table_entries_log2: caps.table_entries_log2,
            num_queues: caps.num_queues,
        }
    }

    /// A queue-field value, refused past the build's queues (the hardware would
    /// answer SLVERR; the driver says why instead).
    fn queue_value<R: Register>(&self, field: Field<R>, queue: u16) -> Result<Value<R>, Error> {
        if queue >= self.num_queues {
            return Err(Error::ValueOutOfRange {
                register: R::NAME,
                value: queue.into(),
                max: u32::from(self.num_queues.saturating_sub(1)),
            });
        }
        Value::ZERO.with(field, queue.into())
    }

    /// `CTRL.ENABLE`.
    pub fn enabled<B: RegisterBus + ?Sized>(&self, bus: &mut B) -> Result<bool, Error> {
        Ok(read::<Ctrl, B>(bus, 0, ONE)?.get(map::ctrl::ENABLE) != 0)
    }

    /// Writes `CTRL.ENABLE`.
    pub fn set_enabled<B: RegisterBus + ?Sized>(&self, bus: &mut B, on: bool) -> Result<(), Error> {
        write(
            bus,
            0,
            ONE,
            Value::<Ctrl>::ZERO.with(map::ctrl::ENABLE, on.into())?,
        )
    }

    /// `HASH_TYPES.ENABLED`.
    pub fn hash_types<B: RegisterBus + ?Sized>(&self, bus: &mut B) -> Result<HashTypes, Error> {
        let bits = read::<HashTypesReg, B>(bus, 0, ONE)?.get(map::hash_types::ENABLED);
        Ok(HashTypes(to_u16(HashTypesReg::NAME, bits)?))
    }

    /// Writes `HASH_TYPES.ENABLED`.
    pub fn set_hash_types<B: RegisterBus + ?Sized>(
        &self,
        bus: &mut B,
        types: HashTypes,
    ) -> Result<(), Error> {
        let value = Value::<HashTypesReg>::ZERO.with(map::hash_types::ENABLED, types.0.into())?;
        write(bus, 0, ONE, value)
    }

    /// `TABLE_SIZE.LOG2`.
    pub fn table_size_log2<B: RegisterBus + ?Sized>(&self, bus: &mut B) -> Result<u8, Error> {
        let log2 = read::<TableSize, B>(bus, 0, ONE)?.get(map::table_size::LOG2);
        to_u8(TableSize::NAME, log2)
    }

    /// Writes `TABLE_SIZE.LOG2` (0 = one entry), at most the build's table.
    pub fn set_table_size_log2<B: RegisterBus + ?Sized>(
        &self,
        bus: &mut B,
        log2: u8,
    ) -> Result<(), Error> {
        if log2 > self.table_entries_log2 {
            return Err(Error::ValueOutOfRange {
                register: TableSize::NAME,
                value: log2.into(),
                max: self.table_entries_log2.into(),
            });
        }
        let value = Value::<TableSize>::ZERO.with(map::table_size::LOG2, log2.into())?;
        write(bus, 0, ONE, value)
    }

    /// `DEFAULT_QUEUE.QUEUE`.
    pub fn default_queue<B: RegisterBus + ?Sized>(&self, bus: &mut B) -> Result<u16, Error> {
        let queue = read::<DefaultQueue, B>(bus, 0, ONE)?.get(map::default_queue::QUEUE);
        to_u16(DefaultQueue::NAME, queue)
    }

    /// Writes `DEFAULT_QUEUE.QUEUE`.
    pub fn set_default_queue<B: RegisterBus + ?Sized>(
        &self,
        bus: &mut B,
        q: u16,
    ) -> Result<(), Error> {
        let value = self.queue_value(map::default_queue::QUEUE, q)?;
        write(bus, 0, ONE, value)
    }

    /// `PRIMARY_QUEUE.QUEUE`.
    pub fn primary_queue<B: RegisterBus + ?Sized>(&self, bus: &mut B) -> Result<u16, Error> {
        let queue = read::<PrimaryQueue, B>(bus, 0, ONE)?.get(map::primary_queue::QUEUE);
        to_u16(PrimaryQueue::NAME, queue)
    }

    /// Writes `PRIMARY_QUEUE.QUEUE`.
    pub fn set_primary_queue<B: RegisterBus + ?Sized>(
        &self,
        bus: &mut B,
        q: u16,
    ) -> Result<(), Error> {
        let value = self.queue_value(map::primary_queue::QUEUE, q)?;
        write(bus, 0, ONE, value)
    }

    /// Number of `KEY` words.
    pub fn key_words(&self) -> u32 {
        Key::MAX_COUNT
    }

    /// Staged key word `n` (`KEY[n]`).
    pub fn key_word<B: RegisterBus + ?Sized>(&self, bus: &mut B, n: u32) -> Result<u32, Error> {
        Ok(read::<Key, B>(bus, n, Key::MAX_COUNT)?.get(map::key::WORD))
    }

    /// Stages key word `n`; it takes effect on [`Regs::commit_key`].
    pub fn set_key_word<B: RegisterBus + ?Sized>(
        &self,
        bus: &mut B,
        n: u32,
        w: u32,
    ) -> Result<(), Error> {
        let value = Value::<Key>::ZERO.with(map::key::WORD, w)?;
        write(bus, n, Key::MAX_COUNT, value)
    }

    /// Pulses `KEY_COMMIT.COMMIT`: the staged words become the active key at once.
    pub fn commit_key<B: RegisterBus + ?Sized>(&self, bus: &mut B) -> Result<(), Error> {
        let value = Value::<KeyCommit>::ZERO.with(map::key_commit::COMMIT, 1)?;
        write(bus, 0, ONE, value)
    }

    /// `STATUS.KEY_GENERATION`.
    pub fn key_generation<B: RegisterBus + ?Sized>(&self, bus: &mut B) -> Result<u16, Error> {
        let generation = read::<Status, B>(bus, 0, ONE)?.get(map::status::KEY_GENERATION);
        to_u16(Status::NAME, generation)
    }

    /// `RECORD_DROPS.COUNT`: records a tap-mode core dropped with its FIFO full.
    pub fn record_drops<B: RegisterBus + ?Sized>(&self, bus: &mut B) -> Result<u32, Error> {
        Ok(read::<RecordDrops, B>(bus, 0, ONE)?.get(map::record_drops::COUNT))
    }

    /// The generation one commit after `before`, wrapping at the field's width.
    pub fn next_key_generation(&self, before: u16) -> u16 {
        let next = map::status::KEY_GENERATION.get(u32::from(before).wrapping_add(1));
        u16::try_from(next).unwrap_or(0)
    }

    /// Entries in the hardware table (`TABLE` array length in this build).
    pub fn table_entries(&self) -> u32 {
        self.table_entries
    }

    /// `TABLE[i].QUEUE`.
    pub fn table_entry<B: RegisterBus + ?Sized>(&self, bus: &mut B, i: u32) -> Result<u16, Error> {
        let queue = read::<Table, B>(bus, i, self.table_entries)?.get(map::table::QUEUE);
        to_u16(Table::NAME, queue)
    }

    /// Writes `TABLE[i].QUEUE`.
    pub fn set_table_entry<B: RegisterBus + ?Sized>(
        &self,
        bus: &mut B,
        i: u32,
        q: u16,
    ) -> Result<(), Error> {
        let value = self.queue_value(map::table::QUEUE, q)?;
        write(bus, i, self.table_entries, value)
    }
}
