//! Raw, typed register access.
//!
//! Every location and limit is looked up in an [`rss_model::regmap::RegisterMap`] once
//! (at probe time) and cached as a [`RegField`]; no register number, shift or width is
//! written down in this crate. The map built from the *discovered* parameters is the
//! one the hardware decodes, so per-build limits (queue field width, table size) come
//! out right without the driver knowing the build.

use rss_model::HashTypes;
use rss_model::regmap::{self, Field, Params, RegisterMap, field, index};

use crate::bus::RegisterBus;
use crate::error::Error;

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

/// A field of a register (or of every element of a register array), resolved from the
/// map: where it lives and which values it may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RegField {
    /// Register name, for error messages.
    pub register: &'static str,
    /// Byte offset of element 0.
    pub offset: u32,
    /// Elements in the array (1 for a plain register).
    pub count: u32,
    /// The field within each element.
    pub field: Field,
}

impl RegField {
    /// Looks up field `name` of register `reg` (an [`index`] constant) in `map`.
    pub fn resolve(map: &RegisterMap, reg: usize, name: &'static str) -> Result<Self, Error> {
        let register = map.registers().get(reg).ok_or(Error::MissingField {
            register: "?",
            field: name,
        })?;
        let field = register.field_named(name).ok_or(Error::MissingField {
            register: register.name,
            field: name,
        })?;
        Ok(RegField {
            register: register.name,
            offset: register.offset,
            count: register.count,
            field: *field,
        })
    }

    /// Byte offset of `element`, refusing elements past the array's end.
    pub fn address(&self, element: u32) -> Result<u32, Error> {
        let out_of_range = Error::IndexOutOfRange {
            index: element,
            entries: self.count,
        };
        if element >= self.count {
            return Err(out_of_range);
        }
        element
            .checked_mul(4)
            .and_then(|bytes| self.offset.checked_add(bytes))
            .ok_or(out_of_range)
    }

    /// Reads the whole word of `element`.
    pub fn read_word<B: RegisterBus + ?Sized>(
        &self,
        bus: &mut B,
        element: u32,
    ) -> Result<u32, Error> {
        let offset = self.address(element)?;
        bus.read32(offset)
            .map_err(|error| Error::Bus { offset, error })
    }

    /// Reads `element` and extracts the field.
    pub fn read<B: RegisterBus + ?Sized>(&self, bus: &mut B, element: u32) -> Result<u32, Error> {
        Ok(self.field.get(self.read_word(bus, element)?))
    }

    /// Writes `value` into the field of `element` (other bits zero). Refuses values
    /// above the field's maximum rather than letting them truncate or draw SLVERR.
    pub fn write<B: RegisterBus + ?Sized>(
        &self,
        bus: &mut B,
        element: u32,
        value: u32,
    ) -> Result<(), Error> {
        let offset = self.address(element)?;
        if value > self.field.max || self.field.put(value) >> self.field.lsb != value {
            return Err(Error::ValueOutOfRange {
                register: self.register,
                value,
                max: self.field.max,
            });
        }
        bus.write32(offset, self.field.put(value))
            .map_err(|error| Error::Bus { offset, error })
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
    /// The discovery registers' layout does not depend on the build, so it is taken
    /// from a map of the default build; the parameters read here then build the map
    /// of the actual hardware ([`Capabilities::params`]).
    pub fn discover<B: RegisterBus + ?Sized>(bus: &mut B) -> Result<Self, Error> {
        let map = RegisterMap::new(Params::default()).map_err(Error::BadCapabilities)?;
        // One read per register; `get` extracts a field of the word read.
        let get = |reg: usize, word: u32, name: &'static str| {
            RegField::resolve(&map, reg, name).map(|f| f.field.get(word))
        };
        let word = |bus: &mut B, reg: usize, any_field: &'static str| {
            RegField::resolve(&map, reg, any_field)?.read_word(bus, 0)
        };
        let id = get(index::ID, word(bus, index::ID, "BLOCK_TYPE")?, "BLOCK_TYPE")?;
        if id != regmap::BLOCK_TYPE {
            return Err(Error::NotRssCore { id });
        }
        let version_of = |w: u32| -> Result<Version, Error> {
            Ok(Version {
                major: to_u8("VERSION", get(index::VERSION, w, "MAJOR")?)?,
                minor: to_u8("VERSION", get(index::VERSION, w, "MINOR")?)?,
                patch: to_u16("VERSION", get(index::VERSION, w, "PATCH")?)?,
            })
        };
        let version = version_of(word(bus, index::VERSION, "MAJOR")?)?;
        let built_for = version_of(regmap::VERSION)?;
        if version.major != built_for.major || version.minor < built_for.minor {
            return Err(Error::UnsupportedVersion {
                found: version,
                built_for,
            });
        }
        let sizes = word(bus, index::CAPS, "TABLE_ENTRIES_LOG2")?;
        let queues = word(bus, index::QUEUE_CAPS, "NUM_QUEUES")?;
        let hashes = word(bus, index::HASH_CAPS, "SUPPORTED")?;
        let caps = Capabilities {
            version,
            table_entries_log2: to_u8("CAPS", get(index::CAPS, sizes, "TABLE_ENTRIES_LOG2")?)?,
            queue_bits: to_u8("CAPS", get(index::CAPS, sizes, "QUEUE_BITS")?)?,
            key_bytes: to_u8("CAPS", get(index::CAPS, sizes, "KEY_BYTES")?)?.into(),
            tuple_bytes: to_u8("CAPS", get(index::CAPS, sizes, "TUPLE_BYTES")?)?.into(),
            num_queues: to_u16("QUEUE_CAPS", get(index::QUEUE_CAPS, queues, "NUM_QUEUES")?)?,
            hash_types: HashTypes(to_u16(
                "HASH_CAPS",
                get(index::HASH_CAPS, hashes, "SUPPORTED")?,
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
        Ok(caps)
    }

    /// Entries in the hardware indirection table.
    pub fn table_entries(&self) -> u32 {
        1u32.checked_shl(self.table_entries_log2.into())
            .unwrap_or(0)
    }

    /// The build parameters, to build the hardware's [`RegisterMap`] from.
    pub fn params(&self) -> Params {
        Params {
            table_entries_log2: self.table_entries_log2,
            num_queues: self.num_queues,
        }
    }
}

/// The configuration registers of one build, each resolved from its register map.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Regs {
    ctrl_enable: RegField,
    hash_types: RegField,
    table_size: RegField,
    default_queue: RegField,
    primary_queue: RegField,
    key_commit: RegField,
    key_generation: RegField,
    key: RegField,
    table: RegField,
}

impl Regs {
    /// Resolves every register the driver uses; fails if the map lacks one.
    pub fn new(map: &RegisterMap) -> Result<Self, Error> {
        Ok(Regs {
            ctrl_enable: RegField::resolve(map, index::CTRL, field::CTRL_ENABLE.name)?,
            hash_types: RegField::resolve(map, index::HASH_TYPES, "ENABLED")?,
            table_size: RegField::resolve(map, index::TABLE_SIZE, "LOG2")?,
            default_queue: RegField::resolve(map, index::DEFAULT_QUEUE, "QUEUE")?,
            primary_queue: RegField::resolve(map, index::PRIMARY_QUEUE, "QUEUE")?,
            key_commit: RegField::resolve(map, index::KEY_COMMIT, field::KEY_COMMIT_COMMIT.name)?,
            key_generation: RegField::resolve(
                map,
                index::STATUS,
                field::STATUS_KEY_GENERATION.name,
            )?,
            key: RegField::resolve(map, index::KEY, field::KEY_WORD.name)?,
            table: RegField::resolve(map, index::TABLE, "QUEUE")?,
        })
    }

    /// `CTRL.ENABLE`.
    pub fn enabled<B: RegisterBus + ?Sized>(&self, bus: &mut B) -> Result<bool, Error> {
        Ok(self.ctrl_enable.read(bus, 0)? != 0)
    }

    /// Writes `CTRL.ENABLE`.
    pub fn set_enabled<B: RegisterBus + ?Sized>(&self, bus: &mut B, on: bool) -> Result<(), Error> {
        self.ctrl_enable.write(bus, 0, u32::from(on))
    }

    /// `HASH_TYPES.ENABLED`.
    pub fn hash_types<B: RegisterBus + ?Sized>(&self, bus: &mut B) -> Result<HashTypes, Error> {
        let bits = self.hash_types.read(bus, 0)?;
        Ok(HashTypes(to_u16(self.hash_types.register, bits)?))
    }

    /// Writes `HASH_TYPES.ENABLED`.
    pub fn set_hash_types<B: RegisterBus + ?Sized>(
        &self,
        bus: &mut B,
        types: HashTypes,
    ) -> Result<(), Error> {
        self.hash_types.write(bus, 0, types.0.into())
    }

    /// `TABLE_SIZE.LOG2`.
    pub fn table_size_log2<B: RegisterBus + ?Sized>(&self, bus: &mut B) -> Result<u8, Error> {
        to_u8(self.table_size.register, self.table_size.read(bus, 0)?)
    }

    /// Writes `TABLE_SIZE.LOG2`.
    pub fn set_table_size_log2<B: RegisterBus + ?Sized>(
        &self,
        bus: &mut B,
        log2: u8,
    ) -> Result<(), Error> {
        self.table_size.write(bus, 0, log2.into())
    }

    /// `DEFAULT_QUEUE.QUEUE`.
    pub fn default_queue<B: RegisterBus + ?Sized>(&self, bus: &mut B) -> Result<u16, Error> {
        to_u16(
            self.default_queue.register,
            self.default_queue.read(bus, 0)?,
        )
    }

    /// Writes `DEFAULT_QUEUE.QUEUE`.
    pub fn set_default_queue<B: RegisterBus + ?Sized>(
        &self,
        bus: &mut B,
        q: u16,
    ) -> Result<(), Error> {
        self.default_queue.write(bus, 0, q.into())
    }

    /// `PRIMARY_QUEUE.QUEUE`.
    pub fn primary_queue<B: RegisterBus + ?Sized>(&self, bus: &mut B) -> Result<u16, Error> {
        to_u16(
            self.primary_queue.register,
            self.primary_queue.read(bus, 0)?,
        )
    }

    /// Writes `PRIMARY_QUEUE.QUEUE`.
    pub fn set_primary_queue<B: RegisterBus + ?Sized>(
        &self,
        bus: &mut B,
        q: u16,
    ) -> Result<(), Error> {
        self.primary_queue.write(bus, 0, q.into())
    }

    /// Number of `KEY` words.
    pub fn key_words(&self) -> u32 {
        self.key.count
    }

    /// Staged key word `n` (`KEY[n]`).
    pub fn key_word<B: RegisterBus + ?Sized>(&self, bus: &mut B, n: u32) -> Result<u32, Error> {
        self.key.read(bus, n)
    }

    /// Stages key word `n`; it takes effect on [`Regs::commit_key`].
    pub fn set_key_word<B: RegisterBus + ?Sized>(
        &self,
        bus: &mut B,
        n: u32,
        w: u32,
    ) -> Result<(), Error> {
        self.key.write(bus, n, w)
    }

    /// Pulses `KEY_COMMIT.COMMIT`: the staged words become the active key at once.
    pub fn commit_key<B: RegisterBus + ?Sized>(&self, bus: &mut B) -> Result<(), Error> {
        self.key_commit.write(bus, 0, 1)
    }

    /// `STATUS.KEY_GENERATION`.
    pub fn key_generation<B: RegisterBus + ?Sized>(&self, bus: &mut B) -> Result<u16, Error> {
        to_u16(
            self.key_generation.register,
            self.key_generation.read(bus, 0)?,
        )
    }

    /// The generation one commit after `before`, wrapping at the field's width.
    pub fn next_key_generation(&self, before: u16) -> u16 {
        let next = self
            .key_generation
            .field
            .get(u32::from(before).wrapping_add(1));
        u16::try_from(next).unwrap_or(0)
    }

    /// Entries in the hardware table (`TABLE` array length).
    pub fn table_entries(&self) -> u32 {
        self.table.count
    }

    /// `TABLE[i].QUEUE`.
    pub fn table_entry<B: RegisterBus + ?Sized>(&self, bus: &mut B, i: u32) -> Result<u16, Error> {
        to_u16(self.table.register, self.table.read(bus, i)?)
    }

    /// Writes `TABLE[i].QUEUE`.
    pub fn set_table_entry<B: RegisterBus + ?Sized>(
        &self,
        bus: &mut B,
        i: u32,
        q: u16,
    ) -> Result<(), Error> {
        self.table.write(bus, i, q.into())
    }
}
