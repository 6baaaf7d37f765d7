//! The one error type every layer returns.
//!
//! A single enum (rather than one per layer) because the policy layer forwards driver
//! errors and the driver forwards raw-access errors unchanged; callers match on the
//! variant that tells them what to fix.

use rss_model::regmap::ParamError;
use rss_model::{HashType, HashTypes};

use crate::bus::BusError;
use crate::regs::{MoveRefusal, ProbeResult, Version};

/// A steering parameter of the RSSv2 state machine (see [`crate::rssv2`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Steering {
    /// Indirection-table entry at this index (of the system's table).
    Entry(u32),
    /// The default processor: unhashable packets while RSS is enabled.
    DefaultProcessor,
    /// The primary processor: every packet while RSS is disabled.
    PrimaryProcessor,
}

/// Why an operation failed. Operations that fail on argument checks leave the
/// hardware untouched; bus errors may leave a multi-register update half done (the
/// operation's documentation says what state that leaves).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// The bus answered an access at byte `offset` with an error.
    Bus {
        /// Byte offset of the failed access.
        offset: u32,
        /// What the bus answered.
        error: BusError,
    },
    /// `ID` does not read "RSSC": wrong base address or a different block.
    NotRssCore {
        /// What `ID` read.
        id: u32,
    },
    /// The register interface's major version differs, or its minor version predates
    /// registers this driver uses.
    UnsupportedVersion {
        /// What the hardware reports.
        found: Version,
        /// What this driver was built against.
        built_for: Version,
    },
    /// The capability registers describe a build the register map cannot describe.
    BadCapabilities(ParamError),
    /// A capability field disagrees with what the register map derives from the
    /// others (e.g. `CAPS.QUEUE_BITS` vs `QUEUE_CAPS.NUM_QUEUES`): driver and hardware
    /// were built from different specifications.
    InconsistentCapabilities {
        /// The capability field.
        field: &'static str,
        /// What the hardware reports.
        found: u32,
        /// What the register map expects.
        expected: u32,
    },
    /// The register map lacks a register or field this driver relies on.
    MissingField {
        /// Register name.
        register: &'static str,
        /// Field name.
        field: &'static str,
    },
    /// A value does not fit the register field it is meant for.
    ValueOutOfRange {
        /// Register name.
        register: &'static str,
        /// The rejected value.
        value: u32,
        /// The field's largest legal value.
        max: u32,
    },
    /// The key is not exactly the hardware's key length.
    KeyLength {
        /// Bytes given.
        got: usize,
        /// `CAPS.KEY_BYTES`.
        expected: usize,
    },
    /// `STATUS.COMMIT_GENERATION` did not advance by exactly one across a `COMMIT`:
    /// the commit was lost or raced with another writer. Nothing was committed.
    CommitLost {
        /// Generation read before the commit.
        before: u16,
        /// Generation read after the commit.
        after: u16,
    },
    /// The `COMMIT` write was accepted but `STATUS` could not be read to confirm it:
    /// the driver treats the commit as done (and rewrites the state on its next call).
    CommitUnverified {
        /// What the bus answered to the `STATUS` read.
        error: BusError,
    },
    /// `PROBE_RESULT.COUNT` did not advance by exactly one across a `PROBE`: the
    /// probe write was lost (a bus fault) or another prober ran at the same time, so
    /// the result registers may not hold this probe's result.
    ProbeLost {
        /// Count read before the probe.
        before: u16,
        /// Count read after it.
        after: u16,
    },
    /// A hash input is not exactly as long as its hash type hashes
    /// ([`HashType::input_bytes`]).
    InputLength {
        /// The hash type.
        hash_type: HashType,
        /// Bytes given.
        got: usize,
        /// Bytes the type hashes.
        expected: usize,
    },
    /// The hash self-test found the hardware disagreeing with the specification: the
    /// hash probe of a published Microsoft verification vector, as `hash_type`, did
    /// not report the Toeplitz hash with the key the driver committed to the VPort, or
    /// the queue the steering rule gives with the driver's view of the VPort.
    SelfTestFailed {
        /// The VPort tested.
        vport: u8,
        /// The hash type probed.
        hash_type: HashType,
        /// Row of the published table (`rss_model::vectors::published`), from 0.
        vector: u32,
        /// What the specification gives.
        expected: ProbeResult,
        /// What the hardware reported.
        found: ProbeResult,
    },
    /// The build lacks a VMMQ feature this operation needs (`VPORT_CAPS.FEATURES`).
    MissingFeature {
        /// The feature.
        feature: &'static str,
    },
    /// The hardware refused a `MOVE` (SLVERR; `MOVE_STATUS` says why): the entry is
    /// past the VPort's active table size or the queue above its queue limit.
    MoveRefused {
        /// The VPort.
        vport: u8,
        /// The entry of its active table.
        entry: u32,
        /// The queue asked for.
        queue: u16,
        /// Why.
        reason: MoveRefusal,
    },
    /// The VPort exists already.
    VPortExists {
        /// The VPort.
        vport: u32,
    },
    /// The operation is not for the default VPort (it is created with the adapter by
    /// [`crate::Rss::create`] and never deleted).
    DefaultVPort,
    /// Every destination-MAC filter entry is in use.
    NoFreeMacFilter {
        /// Entries there are.
        mac_filters: u8,
    },
    /// Another VPort already receives this destination MAC address.
    DuplicateMac {
        /// The address.
        mac: [u8; 6],
        /// The VPort that has it.
        vport: u32,
    },
    /// Some requested hash types are not in `HASH_CAPS`.
    UnsupportedHashTypes {
        /// What was asked for.
        requested: HashTypes,
        /// What the hardware can hash.
        supported: HashTypes,
    },
    /// Table size is zero, not a power of two or larger than the hardware table.
    TableSize {
        /// Entries asked for.
        entries: u32,
        /// The hardware table's entry count.
        max: u32,
    },
    /// An indirection index past the end of the table it addresses.
    IndexOutOfRange {
        /// The index.
        index: u32,
        /// Entries in the table addressed.
        entries: u32,
    },
    /// A queue index at or past the number of queues.
    QueueOutOfRange {
        /// The queue.
        queue: u16,
        /// Queues available.
        num_queues: u16,
    },
    /// A queue count of zero or more than the hardware has.
    QueueCount {
        /// Queues asked for.
        requested: u16,
        /// `QUEUE_CAPS.NUM_QUEUES`.
        max: u16,
    },
    /// A steering parameter names a processor that has no datapath queue. Refused
    /// when set while the parameter is active, or, for a tracked inactive parameter,
    /// when an RSS state change (or a new queue map) would activate it.
    InvalidSteering {
        /// Which parameter.
        parameter: Steering,
        /// Its processor.
        processor: u32,
        /// Datapath queues there are.
        num_queues: u16,
    },
    /// RSSv2 invariants 1 and 2: the indirection table would reference more distinct
    /// processors than the scaling entity's configured number of queues.
    TooManyProcessors {
        /// Distinct processors the table references.
        referenced: u16,
        /// The configured number of queues.
        queues: u16,
    },
    /// RSSv2 invariant 3: the table size may only change when the table is
    /// normalized to the smaller power of two (entry `index` must equal entry
    /// `index mod entries`), so that no flow changes processor.
    TableNotNormalized {
        /// First entry that differs from its image in the smaller table.
        index: u32,
        /// The smaller of the two sizes.
        entries: u32,
    },
    /// A compressed hardware table (fewer hardware than system entries) cannot hold
    /// the table: system entries sharing one hardware entry point at different
    /// processors.
    NotRepresentable {
        /// The shared hardware entry.
        hardware_entry: u32,
        /// Two system entries that share it and disagree.
        entries: (u32, u32),
    },
    /// The call names a VPort this build does not have or that is not created
    /// (capabilities report how many there are; VPort 0 is the default VPort, i.e.
    /// the physical adapter).
    UnknownVPort {
        /// The VPort named.
        vport: u32,
        /// VPorts there are.
        vports: u32,
    },
    /// Two datapath queues name the same processor, so moves to it are ambiguous.
    DuplicateProcessor {
        /// The processor.
        processor: u32,
    },
    /// Two datapath queues name the same hardware queue.
    DuplicateHardwareQueue {
        /// The hardware queue.
        queue: u16,
    },
    /// Some indirection moves failed; each entry's status says which and why.
    EntriesFailed {
        /// Entries answered [`crate::EntryStatus::InvalidParameter`].
        invalid: usize,
        /// Entries answered [`crate::EntryStatus::DeviceFailure`].
        device: usize,
    },
}

impl core::fmt::Display for Error {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Error::Bus { offset, error } => write!(f, "{error} at offset {offset:#05x}"),
            Error::NotRssCore { id } => write!(f, "ID reads {id:#010x}, not an rss-core"),
            Error::UnsupportedVersion { found, built_for } => {
                write!(
                    f,
                    "register interface {found}, driver built for {built_for}"
                )
            }
            Error::BadCapabilities(e) => write!(f, "capabilities: {e}"),
            Error::InconsistentCapabilities {
                field,
                found,
                expected,
            } => write!(f, "{field} reads {found}, register map expects {expected}"),
            Error::MissingField { register, field } => {
                write!(f, "register map has no {register}.{field}")
            }
            Error::ValueOutOfRange {
                register,
                value,
                max,
            } => write!(f, "{value:#x} does not fit {register} (max {max:#x})"),
            Error::KeyLength { got, expected } => {
                write!(f, "key is {got} bytes, hardware takes {expected}")
            }
            Error::CommitLost { before, after } => {
                write!(
                    f,
                    "commit generation went {before} -> {after} across a commit"
                )
            }
            Error::CommitUnverified { error } => {
                write!(
                    f,
                    "commit written but not confirmed: STATUS read failed ({error})"
                )
            }
            Error::ProbeLost { before, after } => {
                write!(f, "probe count went {before} -> {after} across a probe")
            }
            Error::InputLength {
                hash_type,
                got,
                expected,
            } => write!(
                f,
                "{} hash input is {got} bytes, the type hashes {expected}",
                hash_type.name()
            ),
            Error::SelfTestFailed {
                vport,
                hash_type,
                vector,
                expected,
                found,
            } => write!(
                f,
                "self-test of VPort {vport}: vector {vector} as {}: hash {:#010x} hashed {} \
                 queue {}, expected hash {:#010x} hashed {} queue {}",
                hash_type.name(),
                found.hash,
                found.hashed,
                found.queue,
                expected.hash,
                expected.hashed,
                expected.queue
            ),
            Error::MissingFeature { feature } => {
                write!(f, "the core has no {feature} (VPORT_CAPS.FEATURES)")
            }
            Error::MoveRefused {
                vport,
                entry,
                queue,
                reason,
            } => write!(
                f,
                "MOVE of VPort {vport} entry {entry} to queue {queue} refused ({reason:?})"
            ),
            Error::VPortExists { vport } => write!(f, "VPort {vport} exists already"),
            Error::DefaultVPort => {
                f.write_str("the default VPort is created with the adapter and never deleted")
            }
            Error::NoFreeMacFilter { mac_filters } => {
                write!(f, "all {mac_filters} MAC filter entries are in use")
            }
            Error::DuplicateMac { mac, vport } => {
                let [a, b, c, d, e, g] = mac;
                write!(
                    f,
                    "{a:02x}:{b:02x}:{c:02x}:{d:02x}:{e:02x}:{g:02x} already goes to VPort {vport}"
                )
            }
            Error::UnsupportedHashTypes {
                requested,
                supported,
            } => write!(
                f,
                "hash types {:#x} requested, {:#x} supported",
                requested.0, supported.0
            ),
            Error::TableSize { entries, max } => {
                write!(f, "table size {entries}: need a power of two <= {max}")
            }
            Error::IndexOutOfRange { index, entries } => {
                write!(f, "index {index} outside a {entries}-entry table")
            }
            Error::QueueOutOfRange { queue, num_queues } => {
                write!(f, "queue {queue} outside {num_queues} queues")
            }
            Error::QueueCount { requested, max } => {
                write!(f, "{requested} queues requested, 1..={max} available")
            }
            Error::InvalidSteering {
                parameter,
                processor,
                num_queues,
            } => write!(
                f,
                "{parameter:?} = processor {processor} has none of the {num_queues} datapath queues"
            ),
            Error::TooManyProcessors { referenced, queues } => write!(
                f,
                "the table references {referenced} processors, more than {queues} queues"
            ),
            Error::TableNotNormalized { index, entries } => write!(
                f,
                "entry {index} differs from entry {index} mod {entries}: table not normalized"
            ),
            Error::NotRepresentable {
                hardware_entry,
                entries: (a, b),
            } => write!(
                f,
                "entries {a} and {b} share hardware entry {hardware_entry} but differ"
            ),
            Error::UnknownVPort { vport, vports } => {
                write!(f, "VPort {vport} does not exist ({vports} VPorts)")
            }
            Error::DuplicateProcessor { processor } => {
                write!(f, "processor {processor} has two datapath queues")
            }
            Error::DuplicateHardwareQueue { queue } => {
                write!(f, "hardware queue {queue} is listed twice")
            }
            Error::EntriesFailed { invalid, device } => write!(
                f,
                "{invalid} invalid and {device} failed indirection entries"
            ),
        }
    }
}

impl core::error::Error for Error {}
