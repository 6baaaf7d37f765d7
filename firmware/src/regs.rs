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

use rss_model::regfile::move_result;
use rss_model::regmap::{
    self, FEATURE_COUNTERS, FEATURE_HASH_PROBE, FEATURE_TX_LOOKUP, MAX_KEY_BYTES, Params, counter,
};
use rss_model::toeplitz::KEY_BYTES;
use rss_model::{HashType, HashTypes, TUPLE_BYTES};

use crate::bus::RegisterBus;
use crate::error::Error;
use crate::statistics::{Refused, VPortStatistics};

pub use rss_model::regmap::Access;
pub use rss_model::steer::ProbeResult;

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
    /// Largest value any build accepts (the field's ones unless the map limits it,
    /// e.g. `PROBE.TYPE` to the hash types).
    pub max: u32,
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
    pub const fn new(name: &'static str, lsb: u8, width: u8, max: u32, per_build: bool) -> Self {
        Field {
            name,
            lsb,
            width,
            max,
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

    /// Sets `field` to `value`; refuses values wider than the field, or above the
    /// largest value any build accepts ([`Field::max`]), instead of truncating them.
    pub fn with(self, field: Field<R>, value: u32) -> Result<Self, Error> {
        let ones = field.ones();
        let max = field.max.min(ones);
        let placed = value
            .checked_shl(field.lsb.into())
            .filter(|_| value <= max)
            .ok_or(Error::ValueOutOfRange {
                register: R::NAME,
                value,
                max,
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

use map::Version as VersionReg;
use map::{Caps, Commit, Counters, Ctrl, HashCaps, HashTypes as HashTypesReg, Id, Key, KeyExt};
use map::{MacFilterHi, MacFilterLo, MoveStatus, QueueCaps};
use map::{Probe, ProbeHash, ProbeInput, ProbeResult as ProbeResultReg};
use map::{RecordDrops, Refused as RefusedReg, Status, Table, TableRead, TableSize};
use map::{VportCaps, VportQueues, VportState};

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

/// `VPORT_CAPS.FEATURES`: the VMMQ features of the build.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VPortFeatures {
    /// Bit 0: symmetric hashing (`CTRL.SYMMETRIC`).
    pub symmetric: bool,
    /// Bit 1: shadow tables swapped in by `COMMIT.TABLE` (the driver needs them).
    pub shadow_tables: bool,
    /// Bit 2: single-entry moves of the active table (`MOVE`; the driver needs them).
    pub moves: bool,
    /// Bit 3: the hash probe (`PROBE_INPUT`, `PROBE`, `PROBE_HASH`, `PROBE_RESULT`;
    /// [`crate::RssDevice::probe_hash`] and the self-test need it).
    pub hash_probe: bool,
    /// Bit 4: the statistics counters (`COUNTERS`, `REFUSED`;
    /// [`crate::RssDevice::vport_statistics`] and [`crate::RssDevice::refused`] need
    /// them). Every build of register interface 0.4 has them.
    pub counters: bool,
    /// Bit 5: the transmit-side lookup port (`s_axis_tx` → `m_axis_txq`): the data path
    /// answers (VPort, hash) with the queue from the VPort's active state; software
    /// has nothing to program for it beyond that state.
    pub tx_lookup: bool,
}

impl VPortFeatures {
    /// From the `FEATURES` bits.
    pub const fn from_bits(bits: u32) -> Self {
        VPortFeatures {
            symmetric: bits & 1 != 0,
            shadow_tables: bits & 2 != 0,
            moves: bits & 4 != 0,
            hash_probe: bits & FEATURE_HASH_PROBE != 0,
            counters: bits & FEATURE_COUNTERS != 0,
            tx_lookup: bits & FEATURE_TX_LOOKUP != 0,
        }
    }
}

/// What the discovery registers say about this build of the core.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Capabilities {
    /// Register-interface version.
    pub version: Version,
    /// log2 of one VPort's indirection table entries (its largest `TABLE_SIZE`).
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
    /// VPorts (scaling entities), the default VPort 0 included.
    pub vports: u8,
    /// Destination-MAC filter entries.
    pub mac_filters: u8,
    /// VMMQ features.
    pub features: VPortFeatures,
}

impl Capabilities {
    /// Reads and checks `ID`, `VERSION`, `CAPS`, `QUEUE_CAPS`, `HASH_CAPS` and
    /// `VPORT_CAPS`.
    ///
    /// The discovery registers' layout does not depend on the build, so their
    /// generated types are used as they are; the parameters read here then bound the
    /// per-build registers ([`Capabilities::params`]). A build without shadow tables
    /// or moves is refused ([`Error::MissingFeature`]): the driver relies on both. The
    /// hash probe and the statistics counters are optional: only the calls that use
    /// them ([`crate::RssDevice::probe_hash`] and the self-test;
    /// [`crate::RssDevice::vport_statistics`] and [`crate::RssDevice::refused`]) need
    /// them, and refuse to run without them.
    ///
    /// `VERSION` must have this driver's major version and at least its minor version
    /// ([`rss_model::regmap::VERSION`]; 0.3 added the hash probe, 0.4 the statistics
    /// counters), else [`Error::UnsupportedVersion`].
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
        let vmmq = read::<VportCaps, B>(bus, 0, 1)?;
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
            vports: to_u8(VportCaps::NAME, vmmq.get(map::vport_caps::VPORTS))?,
            mac_filters: to_u8(VportCaps::NAME, vmmq.get(map::vport_caps::MAC_FILTERS))?,
            features: VPortFeatures::from_bits(vmmq.get(map::vport_caps::FEATURES)),
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
        if !caps.features.shadow_tables {
            return Err(Error::MissingFeature {
                feature: "shadow tables",
            });
        }
        if !caps.features.moves {
            return Err(Error::MissingFeature { feature: "MOVE" });
        }
        Ok(caps)
    }

    /// Entries of one VPort's indirection table.
    pub fn table_entries(&self) -> u32 {
        1u32.checked_shl(self.table_entries_log2.into())
            .unwrap_or(0)
    }

    /// The build parameters, to build the hardware's [`rss_model::RegisterMap`] from.
    pub fn params(&self) -> Params {
        Params {
            table_entries_log2: self.table_entries_log2,
            num_queues: self.num_queues,
            vports: self.vports,
            mac_filters: self.mac_filters,
            hash_probe: self.features.hash_probe,
            tx_lookup: self.features.tx_lookup,
            key_bytes: u8::try_from(self.key_bytes).unwrap_or(u8::MAX),
        }
    }
}

/// A VPort's active RSS state as `VPORT_STATE[v]` and `VPORT_QUEUES[v]` read it back
/// (everything `COMMIT.PARAMS` applied except the key, which cannot be read back).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VPortState {
    /// `CTRL.ENABLE`: steer by hash.
    pub enabled: bool,
    /// `CTRL.SYMMETRIC`: hash both directions of a flow alike.
    pub symmetric: bool,
    /// `HASH_TYPES.ENABLED`.
    pub hash_types: HashTypes,
    /// `TABLE_SIZE.LOG2`: entries in use are `1 << table_size_log2`.
    pub table_size_log2: u8,
    /// `DEFAULT_QUEUE`: unhashable packets while enabled.
    pub default_queue: u16,
    /// `PRIMARY_QUEUE`: every packet while disabled.
    pub primary_queue: u16,
    /// `QUEUE_LIMIT`: the highest queue a `MOVE` may name.
    pub queue_limit: u16,
}

impl VPortState {
    /// Seed 002's new scaling entity as the hardware holds it after reset: RSS
    /// disabled, one entry, primary = default = `queue`, no hash types, every queue
    /// of a `num_queues` build allowed.
    pub const fn initial(queue: u16, num_queues: u16) -> Self {
        VPortState {
            enabled: false,
            symmetric: false,
            hash_types: HashTypes::NONE,
            table_size_log2: 0,
            default_queue: queue,
            primary_queue: queue,
            queue_limit: num_queues.saturating_sub(1),
        }
    }
}

/// The complete staging set: what one `COMMIT.PARAMS` makes a VPort's active state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VPortParams {
    /// Everything but the key.
    pub state: VPortState,
    /// Toeplitz secret key: `CAPS.KEY_BYTES` of it, zero past that.
    pub key: [u8; MAX_KEY_BYTES],
}

impl VPortParams {
    /// The state after reset (see [`VPortState::initial`]) with a zero key.
    pub const fn initial(queue: u16, num_queues: u16) -> Self {
        VPortParams {
            state: VPortState::initial(queue, num_queues),
            key: [0; MAX_KEY_BYTES],
        }
    }
}

/// A key as the staging set holds it: zero past its length (bytes past
/// `MAX_KEY_BYTES` are dropped; callers check the length). A 40-byte key (NDIS's)
/// hashes alike on a 52-byte-key build: no hash input is longer than 36 bytes and a
/// Toeplitz hash reads key bytes up to the input's length + 4.
pub fn widen_key(key: &[u8]) -> [u8; MAX_KEY_BYTES] {
    let mut wide = [0; MAX_KEY_BYTES];
    for (to, from) in wide.iter_mut().zip(key) {
        *to = *from;
    }
    wide
}

/// The first 40 bytes of a staged key: every byte a hash reads.
pub fn hash_key(key: &[u8; MAX_KEY_BYTES]) -> [u8; KEY_BYTES] {
    let mut short = [0; KEY_BYTES];
    short.copy_from_slice(&key[..KEY_BYTES]);
    short
}

/// Why the hardware refused a `MOVE` (`MOVE_STATUS.RESULT`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MoveRefusal {
    /// `ENTRY` is not below the VPort's active table size.
    Entry,
    /// `QUEUE` is above the VPort's active queue limit.
    Queue,
}

/// A destination-MAC filter entry (`MAC_FILTER_LO[n]` / `MAC_FILTER_HI[n]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MacFilter {
    /// The destination MAC address, byte 0 first.
    pub mac: [u8; 6],
    /// The VPort its frames go to.
    pub vport: u8,
    /// Whether the entry matches at all.
    pub valid: bool,
}

impl MacFilter {
    /// An entry that matches nothing.
    pub const INVALID: MacFilter = MacFilter {
        mac: [0; 6],
        vport: 0,
        valid: false,
    };
}

/// The configuration registers of one build: typed access bounded by the build's
/// capabilities (table pool, queue count, table-size limit, VPorts, MAC filters).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Regs {
    key_words: u32,
    table_entries: u32,
    table_entries_log2: u8,
    num_queues: u16,
    vports: u8,
    mac_filters: u8,
}

/// Plain registers have one element.
const ONE: u32 = 1;

impl Regs {
    /// The registers of the build `caps` describes.
    pub fn new(caps: &Capabilities) -> Self {
        Regs {
            key_words: u32::try_from(caps.key_bytes / 4).unwrap_or(0),
            table_entries: caps.table_entries(),
            table_entries_log2: caps.table_entries_log2,
            num_queues: caps.num_queues,
            vports: caps.vports,
            mac_filters: caps.mac_filters,
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

    fn check_vport(&self, vport: u8) -> Result<(), Error> {
        if vport >= self.vports {
            return Err(Error::UnknownVPort {
                vport: vport.into(),
                vports: self.vports.into(),
            });
        }
        Ok(())
    }

    /// Writes the whole staging set (`CTRL`, `HASH_TYPES`, `TABLE_SIZE`,
    /// `DEFAULT_QUEUE`, `PRIMARY_QUEUE`, `QUEUE_LIMIT`, `KEY`, and `KEY_EXT` in a
    /// 52-byte-key build). Nothing changes in
    /// the datapath until [`Regs::commit`]. Every value is checked before the first
    /// write.
    pub fn stage<B: RegisterBus + ?Sized>(
        &self,
        bus: &mut B,
        params: &VPortParams,
    ) -> Result<(), Error> {
        let s = &params.state;
        if s.table_size_log2 > self.table_entries_log2 {
            return Err(Error::ValueOutOfRange {
                register: TableSize::NAME,
                value: s.table_size_log2.into(),
                max: self.table_entries_log2.into(),
            });
        }
        let ctrl = Value::<Ctrl>::ZERO
            .with(map::ctrl::ENABLE, s.enabled.into())?
            .with(map::ctrl::SYMMETRIC, s.symmetric.into())?;
        let types =
            Value::<HashTypesReg>::ZERO.with(map::hash_types::ENABLED, s.hash_types.0.into())?;
        let size =
            Value::<TableSize>::ZERO.with(map::table_size::LOG2, s.table_size_log2.into())?;
        let default = self.queue_value(map::default_queue::QUEUE, s.default_queue)?;
        let primary = self.queue_value(map::primary_queue::QUEUE, s.primary_queue)?;
        let limit = self.queue_value(map::queue_limit::LAST, s.queue_limit)?;
        write(bus, 0, ONE, ctrl)?;
        write(bus, 0, ONE, types)?;
        write(bus, 0, ONE, size)?;
        write(bus, 0, ONE, default)?;
        write(bus, 0, ONE, primary)?;
        write(bus, 0, ONE, limit)?;
        for (n, bytes) in (0..self.key_words).zip(params.key.chunks_exact(4)) {
            if let [a, b, c, d] = *bytes {
                let word = u32::from_be_bytes([a, b, c, d]);
                if n < Key::MAX_COUNT {
                    let value = Value::<Key>::ZERO.with(map::key::WORD, word)?;
                    write(bus, n, Key::MAX_COUNT, value)?;
                } else {
                    let value = Value::<KeyExt>::ZERO.with(map::key_ext::WORD, word)?;
                    write(
                        bus,
                        n.saturating_sub(Key::MAX_COUNT),
                        KeyExt::MAX_COUNT,
                        value,
                    )?;
                }
            }
        }
        Ok(())
    }

    /// Writes `COMMIT` for `vport`: `params` makes the staging set its active state,
    /// `table` swaps its shadow table in; both in one write change for the same frame.
    pub fn commit<B: RegisterBus + ?Sized>(
        &self,
        bus: &mut B,
        vport: u8,
        params: bool,
        table: bool,
    ) -> Result<(), Error> {
        self.check_vport(vport)?;
        let value = Value::<Commit>::ZERO
            .with(map::commit::PARAMS, params.into())?
            .with(map::commit::TABLE, table.into())?
            .with(map::commit::VPORT, vport.into())?;
        write(bus, 0, ONE, value)
    }

    /// `STATUS.COMMIT_GENERATION`: commits that committed something (wrapping).
    pub fn commit_generation<B: RegisterBus + ?Sized>(&self, bus: &mut B) -> Result<u16, Error> {
        let generation = read::<Status, B>(bus, 0, ONE)?.get(map::status::COMMIT_GENERATION);
        to_u16(Status::NAME, generation)
    }

    /// The generation one commit after `before`, wrapping at the field's width.
    pub fn next_commit_generation(&self, before: u16) -> u16 {
        let next = map::status::COMMIT_GENERATION.get(u32::from(before).wrapping_add(1));
        u16::try_from(next).unwrap_or(0)
    }

    /// Number of key words: `KEY`'s, then `KEY_EXT`'s in a 52-byte-key build.
    pub fn key_words(&self) -> u32 {
        self.key_words
    }

    /// Staged key word `n` (`KEY[n]`, or `KEY_EXT[n - 10]` past `KEY`): the key of the
    /// last staging, not necessarily any VPort's active key.
    pub fn key_word<B: RegisterBus + ?Sized>(&self, bus: &mut B, n: u32) -> Result<u32, Error> {
        if n < Key::MAX_COUNT {
            Ok(read::<Key, B>(bus, n, Key::MAX_COUNT)?.get(map::key::WORD))
        } else {
            // A 40-byte build has no KEY_EXT words: `read` refuses any index then.
            let ext_words = self.key_words.saturating_sub(Key::MAX_COUNT);
            let ext = n.saturating_sub(Key::MAX_COUNT);
            Ok(read::<KeyExt, B>(bus, ext, ext_words)?.get(map::key_ext::WORD))
        }
    }

    /// `HASH_TYPES.ENABLED` of the staging set.
    pub fn staged_hash_types<B: RegisterBus + ?Sized>(
        &self,
        bus: &mut B,
    ) -> Result<HashTypes, Error> {
        let bits = read::<HashTypesReg, B>(bus, 0, ONE)?.get(map::hash_types::ENABLED);
        Ok(HashTypes(to_u16(HashTypesReg::NAME, bits)?))
    }

    /// VPort `vport`'s active state (`VPORT_STATE[v]`, `VPORT_QUEUES[v]`).
    pub fn vport_state<B: RegisterBus + ?Sized>(
        &self,
        bus: &mut B,
        vport: u8,
    ) -> Result<VPortState, Error> {
        self.check_vport(vport)?;
        let count = self.vports.into();
        let state = read::<VportState, B>(bus, vport.into(), count)?;
        let queues = read::<VportQueues, B>(bus, vport.into(), count)?;
        let queue = |field| to_u16(VportQueues::NAME, queues.get(field));
        Ok(VPortState {
            enabled: state.get(map::vport_state::ENABLE) != 0,
            symmetric: state.get(map::vport_state::SYMMETRIC) != 0,
            hash_types: HashTypes(to_u16(
                VportState::NAME,
                state.get(map::vport_state::HASH_TYPES),
            )?),
            table_size_log2: to_u8(
                VportState::NAME,
                state.get(map::vport_state::TABLE_SIZE_LOG2),
            )?,
            default_queue: queue(map::vport_queues::DEFAULT)?,
            primary_queue: queue(map::vport_queues::PRIMARY)?,
            queue_limit: queue(map::vport_queues::LIMIT)?,
        })
    }

    /// `RECORD_DROPS.COUNT`: records a tap-mode core dropped with its FIFO full.
    pub fn record_drops<B: RegisterBus + ?Sized>(&self, bus: &mut B) -> Result<u32, Error> {
        Ok(read::<RecordDrops, B>(bus, 0, ONE)?.get(map::record_drops::COUNT))
    }

    /// `COUNTERS[v * 16 + class].COUNT`: `vport`'s records of class `class` (see
    /// [`rss_model::regmap::counter`]; classes past the ones in use read 0).
    pub fn counter<B: RegisterBus + ?Sized>(
        &self,
        bus: &mut B,
        vport: u8,
        class: u32,
    ) -> Result<u32, Error> {
        self.check_vport(vport)?;
        if class >= counter::PER_VPORT {
            return Err(Error::IndexOutOfRange {
                index: class,
                entries: counter::PER_VPORT,
            });
        }
        let count = u32::from(self.vports).saturating_mul(counter::PER_VPORT);
        let element = counter::element(vport, class);
        Ok(read::<Counters, B>(bus, element, count)?.get(map::counters::COUNT))
    }

    /// `vport`'s record counters: its classes in use, one read each.
    pub fn vport_statistics<B: RegisterBus + ?Sized>(
        &self,
        bus: &mut B,
        vport: u8,
    ) -> Result<VPortStatistics, Error> {
        self.check_vport(vport)?;
        let mut stats = VPortStatistics::ZERO;
        for (class, slot) in (counter::HASHED..).zip(stats.hashed.iter_mut()) {
            *slot = self.counter(bus, vport, class)?;
        }
        stats.unhashed = self.counter(bus, vport, counter::UNHASHED)?;
        stats.malformed = self.counter(bus, vport, counter::MALFORMED)?;
        Ok(stats)
    }

    /// `REFUSED`: writes refused since reset, and the refused `MOVE`s among them.
    pub fn refused<B: RegisterBus + ?Sized>(&self, bus: &mut B) -> Result<Refused, Error> {
        let value = read::<RefusedReg, B>(bus, 0, ONE)?;
        Ok(Refused {
            writes: to_u16(RefusedReg::NAME, value.get(map::refused::WRITES))?,
            moves: to_u16(RefusedReg::NAME, value.get(map::refused::MOVES))?,
        })
    }

    /// Entries of one VPort's table.
    pub fn table_entries(&self) -> u32 {
        self.table_entries
    }

    /// The `TABLE` element of entry `i` of `vport`'s table.
    fn table_element(&self, vport: u8, i: u32) -> Result<u32, Error> {
        self.check_vport(vport)?;
        if i >= self.table_entries {
            return Err(Error::IndexOutOfRange {
                index: i,
                entries: self.table_entries,
            });
        }
        u32::from(vport)
            .checked_shl(self.table_entries_log2.into())
            .and_then(|base| base.checked_add(i))
            .ok_or(Error::IndexOutOfRange {
                index: i,
                entries: self.table_entries,
            })
    }

    fn pool_entries(&self) -> u32 {
        u32::from(self.vports).saturating_mul(self.table_entries)
    }

    /// `TABLE_READ.ACTIVE`: whether `TABLE` reads return the active tables (else the
    /// shadow tables).
    pub fn table_read_active<B: RegisterBus + ?Sized>(&self, bus: &mut B) -> Result<bool, Error> {
        Ok(read::<TableRead, B>(bus, 0, ONE)?.get(map::table_read::ACTIVE) != 0)
    }

    /// Writes `TABLE_READ.ACTIVE`: `TABLE` reads return the active tables if
    /// `active`, else the shadow tables. Writes always go to the shadow.
    pub fn set_table_read_active<B: RegisterBus + ?Sized>(
        &self,
        bus: &mut B,
        active: bool,
    ) -> Result<(), Error> {
        let value = Value::<TableRead>::ZERO.with(map::table_read::ACTIVE, active.into())?;
        write(bus, 0, ONE, value)
    }

    /// Entry `i` of `vport`'s table that `TABLE_READ` selects (`TABLE[v * entries +
    /// i].QUEUE`): the shadow's, or the active one's with `TABLE_READ.ACTIVE`.
    pub fn table_entry<B: RegisterBus + ?Sized>(
        &self,
        bus: &mut B,
        vport: u8,
        i: u32,
    ) -> Result<u16, Error> {
        let element = self.table_element(vport, i)?;
        let queue = read::<Table, B>(bus, element, self.pool_entries())?.get(map::table::QUEUE);
        to_u16(Table::NAME, queue)
    }

    /// Entry `i` of `vport`'s shadow table (`TABLE[v * entries + i].QUEUE`), with
    /// `TABLE_READ.ACTIVE` clear (the caller's to ensure; see
    /// [`Regs::set_table_read_active`]).
    pub fn shadow_entry<B: RegisterBus + ?Sized>(
        &self,
        bus: &mut B,
        vport: u8,
        i: u32,
    ) -> Result<u16, Error> {
        self.table_entry(bus, vport, i)
    }

    /// Writes entry `i` of `vport`'s shadow table; it steers after `COMMIT.TABLE`.
    pub fn set_shadow_entry<B: RegisterBus + ?Sized>(
        &self,
        bus: &mut B,
        vport: u8,
        i: u32,
        q: u16,
    ) -> Result<(), Error> {
        let element = self.table_element(vport, i)?;
        let value = self.queue_value(map::table::QUEUE, q)?;
        write(bus, element, self.pool_entries(), value)
    }

    /// Writes `MOVE`: entry `entry` of `vport`'s active table to `queue`. A refusal
    /// (SLVERR with `MOVE_STATUS` naming the reason) is [`Error::MoveRefused`]; any
    /// other failure is the bus error.
    pub fn move_entry<B: RegisterBus + ?Sized>(
        &self,
        bus: &mut B,
        vport: u8,
        entry: u32,
        queue: u16,
    ) -> Result<(), Error> {
        self.check_vport(vport)?;
        if entry >= self.table_entries {
            return Err(Error::IndexOutOfRange {
                index: entry,
                entries: self.table_entries,
            });
        }
        let value = self
            .queue_value(map::r#move::QUEUE, queue)?
            .with(map::r#move::ENTRY, entry)?
            .with(map::r#move::VPORT, vport.into())?;
        let written = write(bus, 0, ONE, value);
        let Err(error) = written else {
            return Ok(());
        };
        // SLVERR on MOVE is a refusal if MOVE_STATUS says so; otherwise (or if the
        // status cannot be read) the bus error stands.
        let refusal = match self.move_status(bus) {
            Ok((move_result::ENTRY_OUT_OF_RANGE, _)) => Some(MoveRefusal::Entry),
            Ok((move_result::QUEUE_OUT_OF_RANGE, _)) => Some(MoveRefusal::Queue),
            _ => None,
        };
        match (error, refusal) {
            (Error::Bus { .. }, Some(reason)) => Err(Error::MoveRefused {
                vport,
                entry,
                queue,
                reason,
            }),
            (error, _) => Err(error),
        }
    }

    /// `MOVE_STATUS`: the last move's result (0 none, 1 moved, 2 entry refused,
    /// 3 queue refused) and the moves applied (wrapping).
    pub fn move_status<B: RegisterBus + ?Sized>(&self, bus: &mut B) -> Result<(u32, u16), Error> {
        let status = read::<MoveStatus, B>(bus, 0, ONE)?;
        Ok((
            status.get(map::move_status::RESULT),
            to_u16(MoveStatus::NAME, status.get(map::move_status::COUNT))?,
        ))
    }

    /// `PROBE_RESULT.COUNT`: probes completed since reset (wrapping).
    pub fn probe_count<B: RegisterBus + ?Sized>(&self, bus: &mut B) -> Result<u16, Error> {
        let count = read::<ProbeResultReg, B>(bus, 0, ONE)?.get(map::probe_result::COUNT);
        to_u16(ProbeResultReg::NAME, count)
    }

    /// The count one probe after `before`, wrapping at the field's width.
    fn next_probe_count(before: u16) -> u16 {
        let next = u32::from(before).wrapping_add(1) & map::probe_result::COUNT.ones();
        u16::try_from(next).unwrap_or(0)
    }

    /// Runs the hash probe: what a frame of `hash_type` with hash input `input` would
    /// get on `vport` (the Toeplitz hash with its active key, whether it would be
    /// hashed, its queue), computed by the datapath's hash unit and steering rule.
    /// Steers nothing and changes no configuration.
    ///
    /// Reads `PROBE_RESULT.COUNT`, writes all of `PROBE_INPUT` (the hardware hashes
    /// only the type's `input_bytes()` and ignores the rest, but writing every word
    /// leaves no stale bytes of an earlier probe behind whatever the type), writes
    /// `PROBE` (its response comes once the result is in), reads `PROBE_HASH` and
    /// `PROBE_RESULT`. `COUNT` is read before the input is written, so another
    /// prober's probe anywhere in between shows as a count that did not advance by
    /// exactly one: [`Error::ProbeLost`], as is a `PROBE` write that never arrived.
    pub fn probe_hash<B: RegisterBus + ?Sized>(
        &self,
        bus: &mut B,
        vport: u8,
        hash_type: HashType,
        input: &[u8; TUPLE_BYTES],
    ) -> Result<ProbeResult, Error> {
        self.check_vport(vport)?;
        let probe = Value::<Probe>::ZERO
            .with(map::probe::TYPE, hash_type.bit().into())?
            .with(map::probe::VPORT, vport.into())?;
        let before = self.probe_count(bus)?;
        for (n, bytes) in (0..ProbeInput::MAX_COUNT).zip(input.chunks_exact(4)) {
            if let [a, b, c, d] = *bytes {
                let word = Value::<ProbeInput>::ZERO
                    .with(map::probe_input::WORD, u32::from_be_bytes([a, b, c, d]))?;
                write(bus, n, ProbeInput::MAX_COUNT, word)?;
            }
        }
        write(bus, 0, ONE, probe)?;
        let hash = read::<ProbeHash, B>(bus, 0, ONE)?.get(map::probe_hash::VALUE);
        let result = read::<ProbeResultReg, B>(bus, 0, ONE)?;
        let after = to_u16(ProbeResultReg::NAME, result.get(map::probe_result::COUNT))?;
        if after != Self::next_probe_count(before) {
            return Err(Error::ProbeLost { before, after });
        }
        Ok(ProbeResult {
            hash,
            hashed: result.get(map::probe_result::HASHED) != 0,
            queue: to_u16(ProbeResultReg::NAME, result.get(map::probe_result::QUEUE))?,
        })
    }

    /// Destination-MAC filter entry `n`.
    pub fn mac_filter<B: RegisterBus + ?Sized>(
        &self,
        bus: &mut B,
        n: u8,
    ) -> Result<MacFilter, Error> {
        let count = self.mac_filters.into();
        let lo = read::<MacFilterLo, B>(bus, n.into(), count)?.get(map::mac_filter_lo::ADDR);
        let hi = read::<MacFilterHi, B>(bus, n.into(), count)?;
        let [_, _, a, b] = hi.get(map::mac_filter_hi::ADDR).to_be_bytes();
        let [c, d, e, f] = lo.to_be_bytes();
        Ok(MacFilter {
            mac: [a, b, c, d, e, f],
            vport: to_u8(MacFilterHi::NAME, hi.get(map::mac_filter_hi::VPORT))?,
            valid: hi.get(map::mac_filter_hi::VALID) != 0,
        })
    }

    /// Makes destination-MAC filter entry `n` match nothing: one write of its high
    /// word with `VALID` clear.
    pub fn clear_mac_filter<B: RegisterBus + ?Sized>(
        &self,
        bus: &mut B,
        n: u8,
    ) -> Result<(), Error> {
        write(
            bus,
            n.into(),
            self.mac_filters.into(),
            Value::<MacFilterHi>::ZERO,
        )
    }

    /// Writes destination-MAC filter entry `n`: clears `VALID` first, then writes the
    /// address, then the high word with `VALID` as asked, so no frame ever matches a
    /// half-written entry.
    pub fn set_mac_filter<B: RegisterBus + ?Sized>(
        &self,
        bus: &mut B,
        n: u8,
        filter: &MacFilter,
    ) -> Result<(), Error> {
        self.check_vport(filter.vport)?;
        let count = self.mac_filters.into();
        let [a, b, c, d, e, f] = filter.mac;
        let lo = Value::<MacFilterLo>::ZERO
            .with(map::mac_filter_lo::ADDR, u32::from_be_bytes([c, d, e, f]))?;
        let hi = Value::<MacFilterHi>::ZERO
            .with(map::mac_filter_hi::ADDR, u16::from_be_bytes([a, b]).into())?
            .with(map::mac_filter_hi::VPORT, filter.vport.into())?;
        let final_hi = hi.with(map::mac_filter_hi::VALID, filter.valid.into())?;
        write(bus, n.into(), count, Value::<MacFilterHi>::ZERO)?;
        write(bus, n.into(), count, lo)?;
        write(bus, n.into(), count, final_hi)
    }
}
