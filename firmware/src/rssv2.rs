//! NetAdapterCx / NDIS RSSv2 semantics on top of [`RssDevice`]: one scaling entity
//! (the default VPort, i.e. the physical adapter), steered by *processor*.
//!
//! # Processors and queues
//!
//! The OS steers to processors; the core steers to hardware queues. When the OS
//! creates its datapath queues the driver records, for each, the processor it is
//! affinitized to and the hardware queue behind it ([`Rss::set_datapath_queues`]).
//! Every steering parameter is held as a processor and translated through that map
//! when it is written to the hardware; a processor with no queue is refused (per
//! entry for moves, [`EntryStatus::NoQueueForProcessor`]).
//!
//! # Tracked parameters
//!
//! RSSv2 splits the steering parameters by RSS state:
//!
//! | parameter            | RSS disabled | RSS enabled |
//! |----------------------|--------------|-------------|
//! | primary processor    | active       | inactive    |
//! | default processor    | inactive     | active      |
//! | indirection entries  | inactive     | active      |
//!
//! An *active* parameter steers traffic: an update is validated at once and written
//! to the hardware, or refused. An *inactive* parameter is *tracked*: any update is
//! accepted, even one naming a processor with no queue, because the upper layer may
//! legitimately point it anywhere while it does not steer. The state change that
//! activates tracked parameters ([`Rss::enable`] for the table and default processor,
//! [`Rss::disable`] for the primary processor) validates all of them first and is
//! refused, leaving the state unchanged, if any is invalid; otherwise it writes them
//! and then flips `CTRL.ENABLE`, so traffic never sees a partly applied state.
//!
//! # System and hardware tables
//!
//! The table the OS addresses (the *system* table, `S` entries) and the one the core
//! indexes (the *hardware* table, `H` entries in use) may differ in size. Both are
//! powers of two indexed by the low bits of the same hash, so a hash that selects
//! hardware entry `h` selects a system entry `i` with `i mod min(S, H) == h mod
//! min(S, H)` (see `firmware/README.md`, "Compressed tables"):
//!
//! - `H >= S` (expanded): hardware entry `h` holds system entry `h mod S`; one
//!   system entry fills `H / S` hardware entries. Always representable.
//! - `H < S` (compressed): hardware entry `h` holds the `S / H` system entries
//!   `i` with `i mod H == h`, which must therefore all point at one processor.
//!
//! By default `H = min(S, hardware table)`; [`Rss::set_fixed_hardware_entries`] pins
//! `H` (a NIC whose table size is fixed, or a table kept at full size).
//!
//! # RSSv2 invariants (seed 002)
//!
//! 1. Reducing the number of queues ([`Rss::set_queue_limit`],
//!    [`Rss::set_datapath_queues`]) is refused with [`Error::TooManyProcessors`] when
//!    the active table references more processors than the new count.
//! 2. A move that would make the active table reference more processors than the
//!    configured number of queues fails with [`EntryStatus::QueueLimitExceeded`].
//! 3. Changing the table size is refused with [`Error::TableNotNormalized`] unless
//!    the table is normalized to the smaller power of two; growing replicates it.
//!
//! The shadow tables are fixed arrays as large as the largest table the register map
//! allows, so no allocation is needed (about 8 KiB in all).

use rss_model::regmap::{MAX_QUEUES, MAX_TABLE_ENTRIES_LOG2};
use rss_model::toeplitz::{KEY_BYTES, MS_DEFAULT_KEY};
use rss_model::{HashType, HashTypes};

use crate::bus::RegisterBus;
use crate::driver::RssDevice;
use crate::error::{Error, Steering};
use crate::indication::{Event, Indication, IndicationQueue, NDIS_SWITCH_DEFAULT_PORT_ID};
use crate::spread;

/// Entries the shadow tables hold: the most any build can have, and so the largest
/// system table the driver accepts (NDIS uses at most 128).
pub const TABLE_CAPACITY: usize = 1 << MAX_TABLE_ENTRIES_LOG2;

/// Datapath queues the map holds: the most queues any build can have.
pub const QUEUE_CAPACITY: usize = MAX_QUEUES as usize;

/// VPorts this build has: only the default VPort. The VPort work (issue 7) adds more.
pub const VPORTS: u32 = 1;

/// The hash types NDIS enables by default (IPv4, IPv6 and IPv6-with-extensions, each
/// with and without TCP ports); UDP hashing is opt-in in NDIS.
pub const NDIS_DEFAULT_HASH_TYPES: HashTypes = HashTypes::NONE
    .with(HashType::Ipv4)
    .with(HashType::TcpIpv4)
    .with(HashType::Ipv6)
    .with(HashType::TcpIpv6)
    .with(HashType::Ipv6Ex)
    .with(HashType::TcpIpv6Ex);

/// A scaling entity: `NDIS_NIC_SWITCH_VPORT_ID`. VPort 0 is the default VPort, which
/// is the physical adapter in native RSS.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct VPortId(pub u32);

impl VPortId {
    /// The default VPort (`NDIS_DEFAULT_PORT_NUMBER`): the physical adapter.
    pub const DEFAULT: VPortId = VPortId(0);
}

/// A receive queue the OS created: the processor it is affinitized to and the
/// hardware queue behind it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DatapathQueue {
    /// System-wide processor index (`KeGetProcessorIndexFromNumber`).
    pub processor: u32,
    /// The core's queue number.
    pub hardware_queue: u16,
}

impl DatapathQueue {
    /// Queue `hardware_queue`, affinitized to `processor`.
    pub const fn new(processor: u32, hardware_queue: u16) -> Self {
        DatapathQueue {
            processor,
            hardware_queue,
        }
    }
}

/// What [`Rss::init`] programs. `None` fields mean "what is there", so
/// `Config::default()` works on any build.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// Toeplitz secret key.
    pub key: [u8; KEY_BYTES],
    /// Hash types; `None`: [`NDIS_DEFAULT_HASH_TYPES`] that the hardware supports.
    /// An explicit set the hardware cannot hash is an error, not silently trimmed.
    pub hash_types: Option<HashTypes>,
    /// `Some(n)`: datapath queues `0..n`, queue `q` affinitized to processor `q`
    /// (replacing the queue map); `None`: keep the current queue map.
    pub num_queues: Option<u16>,
    /// System indirection entries; `None`: the whole hardware table.
    pub table_entries: Option<u32>,
    /// Processor for unhashable packets while enabled.
    pub default_processor: u32,
    /// Processor for every packet while disabled.
    pub primary_processor: u32,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            key: MS_DEFAULT_KEY,
            hash_types: None,
            num_queues: None,
            table_entries: None,
            default_processor: 0,
            primary_processor: 0,
        }
    }
}

/// Outcome of one move, as NDIS and NetAdapterCx record it per entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryStatus {
    /// Not processed yet.
    Pending,
    /// Moved (or, while the parameter is inactive, tracked).
    Success,
    /// Index outside the system table in use. Nothing changed for this entry.
    InvalidParameter,
    /// The move names a VPort this build does not have.
    UnknownVPort,
    /// The target processor has no datapath queue (active parameters only).
    NoQueueForProcessor,
    /// RSSv2 invariant 2: the table would reference more processors than the
    /// configured number of queues.
    QueueLimitExceeded,
    /// Compressed table: after the batch, system entries sharing this entry's
    /// hardware entry would point at different processors.
    NotRepresentable,
    /// The bus failed; the tracked state keeps the previous processor.
    DeviceFailure,
}

impl EntryStatus {
    fn is_failure(self) -> bool {
        !matches!(self, EntryStatus::Pending | EntryStatus::Success)
    }
}

/// What a move changes (`NDIS_RSS_SET_INDIRECTION_ENTRY.Flags`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MoveKind {
    /// The indirection entry at this index (no flag).
    Entry(u32),
    /// The primary processor (`NDIS_RSS_SET_INDIRECTION_ENTRY_FLAG_PRIMARY_PROCESSOR`).
    PrimaryProcessor,
    /// The default processor (`NDIS_RSS_SET_INDIRECTION_ENTRY_FLAG_DEFAULT_PROCESSOR`).
    DefaultProcessor,
}

impl MoveKind {
    /// From `NDIS_RSS_SET_INDIRECTION_ENTRY`'s `Flags` and `IndirectionTableIndex`.
    pub const fn from_ndis(flags: u32, index: u16) -> Self {
        if flags & NDIS_RSS_SET_INDIRECTION_ENTRY_FLAG_PRIMARY_PROCESSOR != 0 {
            MoveKind::PrimaryProcessor
        } else if flags & NDIS_RSS_SET_INDIRECTION_ENTRY_FLAG_DEFAULT_PROCESSOR != 0 {
            MoveKind::DefaultProcessor
        } else {
            MoveKind::Entry(index as u32)
        }
    }
}

/// `NDIS_RSS_SET_INDIRECTION_ENTRY_FLAG_PRIMARY_PROCESSOR`.
pub const NDIS_RSS_SET_INDIRECTION_ENTRY_FLAG_PRIMARY_PROCESSOR: u32 = 0x1;
/// `NDIS_RSS_SET_INDIRECTION_ENTRY_FLAG_DEFAULT_PROCESSOR`.
pub const NDIS_RSS_SET_INDIRECTION_ENTRY_FLAG_DEFAULT_PROCESSOR: u32 = 0x2;

/// One move request (`NDIS_RSS_SET_INDIRECTION_ENTRY`; for NetAdapterCx, whose moves
/// name queues, pass the queue's processor).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IndirectionEntry {
    /// The scaling entity.
    pub vport: VPortId,
    /// What moves.
    pub kind: MoveKind,
    /// Target processor.
    pub processor: u32,
    /// Set by [`Rss::set_indirection_entries`].
    pub status: EntryStatus,
}

impl IndirectionEntry {
    /// Move entry `index` of the default VPort to `processor`.
    pub const fn new(index: u32, processor: u32) -> Self {
        Self::with_kind(MoveKind::Entry(index), processor)
    }

    /// Move the default VPort's primary processor.
    pub const fn primary_processor(processor: u32) -> Self {
        Self::with_kind(MoveKind::PrimaryProcessor, processor)
    }

    /// Move the default VPort's default processor.
    pub const fn default_processor(processor: u32) -> Self {
        Self::with_kind(MoveKind::DefaultProcessor, processor)
    }

    /// Any move on the default VPort.
    pub const fn with_kind(kind: MoveKind, processor: u32) -> Self {
        IndirectionEntry {
            vport: VPortId::DEFAULT,
            kind,
            processor,
            status: EntryStatus::Pending,
        }
    }

    /// The same move on `vport`.
    pub const fn on_vport(mut self, vport: VPortId) -> Self {
        self.vport = vport;
        self
    }
}

/// The receive-scaling capabilities as NDIS (`NDIS_RECEIVE_SCALE_CAPABILITIES`,
/// `NDIS_NIC_SWITCH_CAPABILITIES`) and NetAdapterCx
/// (`NET_ADAPTER_RECEIVE_SCALING_CAPABILITIES`) report them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReceiveScalingCapabilities {
    /// `NumberOfReceiveQueues` / `NumberOfQueues`: the datapath queues.
    pub receive_queues: u16,
    /// Queues the hardware can steer to.
    pub hardware_queues: u16,
    /// `IndirectionTableSize`: the largest system table accepted.
    pub indirection_table_entries: u32,
    /// Entries of the hardware table (a larger system table is compressed).
    pub hardware_table_entries: u32,
    /// Hash secret key length in bytes.
    pub hash_secret_key_bytes: usize,
    /// Hash types the hardware computes.
    pub hash_types: HashTypes,
    /// `NDIS_RSS_CAPS_SUPPORTS_INDEPENDENT_ENTRY_MOVE` (RSSv2).
    pub independent_entry_move: bool,
    /// Scaling entities (VPorts, the default one included).
    pub vports: u32,
    /// `NumberOfIndirectionTableEntriesForDefaultVPort`.
    pub table_entries_per_vport: u32,
}

/// `NdisHashFunctionToeplitz`.
pub const NDIS_HASH_FUNCTION_TOEPLITZ: u32 = 0x1;
/// `NDIS_RSS_CAPS_SUPPORTS_INDEPENDENT_ENTRY_MOVE`.
pub const NDIS_RSS_CAPS_SUPPORTS_INDEPENDENT_ENTRY_MOVE: u32 = 0x4000_0000;

impl ReceiveScalingCapabilities {
    /// `NDIS_RECEIVE_SCALE_CAPABILITIES.CapabilitiesFlags`: the Toeplitz hash function,
    /// the `NDIS_RSS_CAPS_HASH_TYPE_*` flags of the 4-tuple types the hardware computes
    /// (the address-only types have no flag), and independent entry moves.
    pub fn ndis_capabilities_flags(&self) -> u32 {
        // NDIS_RSS_CAPS_HASH_TYPE_TCP_IPV4 = 0x100 ... UDP_IPV6_EX = 0x2000.
        let caps_flag = |t: HashType| -> u32 {
            match t {
                HashType::TcpIpv4 => 0x100,
                HashType::TcpIpv6 => 0x200,
                HashType::TcpIpv6Ex => 0x400,
                HashType::UdpIpv4 => 0x800,
                HashType::UdpIpv6 => 0x1000,
                HashType::UdpIpv6Ex => 0x2000,
                HashType::Ipv4 | HashType::Ipv6 | HashType::Ipv6Ex => 0,
            }
        };
        let types = HashType::ALL
            .iter()
            .filter(|&&t| self.hash_types.contains(t))
            .fold(0, |flags, &t| flags | caps_flag(t));
        let independent = if self.independent_entry_move {
            NDIS_RSS_CAPS_SUPPORTS_INDEPENDENT_ENTRY_MOVE
        } else {
            0
        };
        NDIS_HASH_FUNCTION_TOEPLITZ | types | independent
    }
}

/// An rss-core driven with RSSv2 semantics (see the module documentation).
#[derive(Debug)]
pub struct Rss<B> {
    dev: RssDevice<B>,
    /// Datapath queue `k`: its processor and hardware queue; `0..datapath_queues`.
    queue_processor: [u32; QUEUE_CAPACITY],
    queue_hardware: [u16; QUEUE_CAPACITY],
    datapath_queues: u16,
    /// The configured number of queues (NDIS `NumberOfQueues`): how many distinct
    /// processors the active table may reference.
    queue_limit: u16,
    /// Tracked system table (processors), `0..system_entries`.
    table: [u32; TABLE_CAPACITY],
    system_entries: u32,
    default_processor: u32,
    primary_processor: u32,
    enabled: bool,
    /// What the hardware table holds, updated on every successful write.
    hardware: [u16; TABLE_CAPACITY],
    /// `TABLE_SIZE` as last written or read.
    hardware_entries: u32,
    fixed_hardware_entries: Option<u32>,
    /// False after a bus error left the hardware differing from the tracked active
    /// state; the next state-changing call rewrites it first.
    synchronized: bool,
    external_port_id: u32,
    indications: IndicationQueue,
}

/// The value of a slot of a fixed array (none past the end).
fn at<T: Copy>(slots: &[T], index: u32) -> Option<T> {
    slots.get(usize::try_from(index).ok()?).copied()
}

fn set_at<T>(slots: &mut [T], index: u32, value: T) {
    if let Some(slot) = usize::try_from(index).ok().and_then(|i| slots.get_mut(i)) {
        *slot = value;
    }
}

/// `index mod entries` for a power-of-two `entries`.
fn wrap(index: u32, entries: u32) -> u32 {
    index & entries.wrapping_sub(1)
}

impl<B: RegisterBus> Rss<B> {
    fn empty(dev: RssDevice<B>) -> Self {
        Rss {
            dev,
            queue_processor: [0; QUEUE_CAPACITY],
            queue_hardware: [0; QUEUE_CAPACITY],
            datapath_queues: 0,
            queue_limit: 0,
            table: [0; TABLE_CAPACITY],
            system_entries: 1,
            default_processor: 0,
            primary_processor: 0,
            enabled: false,
            hardware: [0; TABLE_CAPACITY],
            hardware_entries: 1,
            fixed_hardware_entries: None,
            synchronized: true,
            external_port_id: NDIS_SWITCH_DEFAULT_PORT_ID,
            indications: IndicationQueue::new(Indication::for_physical_adapter(
                NDIS_SWITCH_DEFAULT_PORT_ID,
                Event::CapabilitiesChanged,
            )),
        }
    }

    /// Adopts the hardware's current state (enable bit, table, queues), so a restarted
    /// firmware takes over a running core without disturbing traffic. With no record
    /// of the OS's queues, it assumes hardware queue `q` is affinitized to processor
    /// `q` for every hardware queue; [`Rss::set_datapath_queues`] replaces that.
    pub fn new(mut dev: RssDevice<B>) -> Result<Self, Error> {
        let caps = *dev.capabilities();
        let mut hardware = [0; TABLE_CAPACITY];
        for (index, slot) in (0..caps.table_entries()).zip(hardware.iter_mut()) {
            *slot = dev.entry(index)?;
        }
        let entries = dev.table_size()?;
        let default = dev.default_queue()?;
        let primary = dev.primary_queue()?;
        let enabled = dev.is_enabled()?;
        let mut rss = Rss::empty(dev);
        rss.set_identity_queues(caps.num_queues);
        for (tracked, &queue) in rss.table.iter_mut().zip(hardware.iter()) {
            *tracked = queue.into();
        }
        rss.hardware = hardware;
        rss.system_entries = entries;
        rss.hardware_entries = entries;
        rss.default_processor = default.into();
        rss.primary_processor = primary.into();
        rss.enabled = enabled;
        Ok(rss)
    }

    /// Creates the scaling entity in its initial state (seed 002): RSS disabled, one
    /// indirection entry pointing at `affinity_processor`, primary and default
    /// processor = `affinity_processor`. `queues` are the datapath queues the OS
    /// created; the affinity processor must have one (it is the active primary).
    pub fn create(
        dev: RssDevice<B>,
        queues: &[DatapathQueue],
        affinity_processor: u32,
    ) -> Result<Self, Error> {
        let mut rss = Rss::empty(dev);
        rss.check_queue_map(queues)?;
        // The mirror must equal the hardware everywhere: later writes are skipped
        // where it already holds the queue wanted.
        let caps = *rss.dev.capabilities();
        for h in 0..caps.table_entries() {
            let queue = rss.dev.entry(h)?;
            set_at(&mut rss.hardware, h, queue);
        }
        rss.hardware_entries = rss.dev.table_size()?;
        rss.store_queue_map(queues);
        let queue = rss
            .queue_of(affinity_processor)
            .ok_or(Error::InvalidSteering {
                parameter: Steering::PrimaryProcessor,
                processor: affinity_processor,
                num_queues: rss.datapath_queues,
            })?;
        rss.dev.set_primary_queue(queue)?;
        rss.dev.disable()?;
        rss.primary_processor = affinity_processor;
        rss.default_processor = affinity_processor;
        rss.table = [affinity_processor; TABLE_CAPACITY];
        rss.system_entries = 1;
        // The inactive table is written too, so the hardware never holds a stale
        // entry that a later enable would have to overwrite under traffic.
        rss.dev.set_entry(0, queue)?;
        set_at(&mut rss.hardware, 0, queue);
        rss.dev.set_table_size(1)?;
        rss.hardware_entries = 1;
        rss.dev.set_default_queue(queue)?;
        Ok(rss)
    }

    /// Programs everything from `config` and enables RSS: key, hash types, table size,
    /// the table spread over the datapath queues' processors as `ethtool -X equal`
    /// does (entry `i` → queue `i mod n`'s processor), default and primary processor.
    /// An explicit helper for drivers that configure the core themselves; the OS
    /// path is [`Rss::create`] and then moves. The whole config is validated before
    /// any write. RSS is disabled (traffic on the new primary processor) while the
    /// rest is written; on a bus error it stays disabled.
    pub fn init(&mut self, config: &Config) -> Result<(), Error> {
        let caps = *self.dev.capabilities();
        let hash_types = self.resolve_hash_types(config.hash_types)?;
        if config.key.len() != caps.key_bytes {
            return Err(Error::KeyLength {
                got: config.key.len(),
                expected: caps.key_bytes,
            });
        }
        let saved = (
            self.queue_processor,
            self.queue_hardware,
            self.datapath_queues,
            self.queue_limit,
        );
        if let Some(n) = config.num_queues {
            if n == 0 || n > caps.num_queues {
                return Err(Error::QueueCount {
                    requested: n,
                    max: caps.num_queues,
                });
            }
            self.set_identity_queues(n);
        }
        let checked = self.check_init(config);
        if checked.is_err() {
            (
                self.queue_processor,
                self.queue_hardware,
                self.datapath_queues,
                self.queue_limit,
            ) = saved;
        }
        let (system_entries, primary_queue) = checked?;
        if config.num_queues.is_some() {
            self.indicate(Event::CapabilitiesChanged);
        }
        self.dev.set_primary_queue(primary_queue)?;
        self.primary_processor = config.primary_processor;
        self.dev.disable()?;
        self.set_enabled_state(false);
        self.dev.set_key(&config.key)?;
        self.dev.set_hash_types(hash_types)?;
        let mut processors = [0; QUEUE_CAPACITY];
        let count = self.datapath_processors(&mut processors);
        spread::fill_equal(&mut self.table, processors.get(..count).unwrap_or(&[]))?;
        self.system_entries = system_entries;
        self.default_processor = config.default_processor;
        self.enable()
    }

    /// `config`'s table size and primary queue, or why it cannot be applied.
    fn check_init(&self, config: &Config) -> Result<(u32, u16), Error> {
        let system_entries = config
            .table_entries
            .unwrap_or(self.dev.capabilities().table_entries());
        self.check_system_size(system_entries)?;
        self.check_processor(Steering::DefaultProcessor, config.default_processor)?;
        let primary = self.check_processor(Steering::PrimaryProcessor, config.primary_processor)?;
        Ok((system_entries, primary))
    }

    fn resolve_hash_types(&self, requested: Option<HashTypes>) -> Result<HashTypes, Error> {
        let supported = self.dev.capabilities().hash_types;
        match requested {
            None => Ok(HashTypes(NDIS_DEFAULT_HASH_TYPES.0 & supported.0)),
            Some(t) if t.0 & !supported.0 == 0 => Ok(t),
            Some(t) => Err(Error::UnsupportedHashTypes {
                requested: t,
                supported,
            }),
        }
    }

    // ------------------------------------------------------------------------
    // Processors and queues.
    // ------------------------------------------------------------------------

    fn set_identity_queues(&mut self, n: u16) {
        for (q, (processor, hardware)) in (0u16..n).zip(
            self.queue_processor
                .iter_mut()
                .zip(self.queue_hardware.iter_mut()),
        ) {
            *processor = q.into();
            *hardware = q;
        }
        self.datapath_queues = n.min(MAX_QUEUES);
        self.queue_limit = self.datapath_queues;
    }

    fn check_queue_map(&self, queues: &[DatapathQueue]) -> Result<(), Error> {
        let max = self.dev.capabilities().num_queues;
        let count = u16::try_from(queues.len()).unwrap_or(u16::MAX);
        if count == 0 || count > max {
            return Err(Error::QueueCount {
                requested: count,
                max,
            });
        }
        for (k, queue) in queues.iter().enumerate() {
            if queue.hardware_queue >= max {
                return Err(Error::QueueOutOfRange {
                    queue: queue.hardware_queue,
                    num_queues: max,
                });
            }
            let earlier = queues.get(..k).unwrap_or(&[]);
            if earlier.iter().any(|q| q.processor == queue.processor) {
                return Err(Error::DuplicateProcessor {
                    processor: queue.processor,
                });
            }
            if earlier
                .iter()
                .any(|q| q.hardware_queue == queue.hardware_queue)
            {
                return Err(Error::DuplicateHardwareQueue {
                    queue: queue.hardware_queue,
                });
            }
        }
        Ok(())
    }

    fn store_queue_map(&mut self, queues: &[DatapathQueue]) {
        for (queue, (processor, hardware)) in queues.iter().zip(
            self.queue_processor
                .iter_mut()
                .zip(self.queue_hardware.iter_mut()),
        ) {
            *processor = queue.processor;
            *hardware = queue.hardware_queue;
        }
        self.datapath_queues = u16::try_from(queues.len().min(QUEUE_CAPACITY)).unwrap_or(0);
        self.queue_limit = self.datapath_queues;
    }

    /// Records the datapath queues the OS created (NetAdapterCx
    /// `EvtNetAdapterCreateRxQueue`, NDIS queue allocation): from now on every
    /// steering parameter is translated through this map, and the configured number
    /// of queues becomes `queues.len()`. The active parameters are rewritten through
    /// the new map; refused (nothing changes) if an active parameter's processor
    /// would lose its queue ([`Error::InvalidSteering`]) or the active table
    /// references more processors than there are queues ([`Error::TooManyProcessors`],
    /// invariant 1).
    pub fn set_datapath_queues(&mut self, queues: &[DatapathQueue]) -> Result<(), Error> {
        self.check_queue_map(queues)?;
        if self.enabled {
            let count = u16::try_from(queues.len()).unwrap_or(u16::MAX);
            self.check_queue_limit(&self.table, count)?;
        }
        let saved = (
            self.queue_processor,
            self.queue_hardware,
            self.datapath_queues,
            self.queue_limit,
        );
        self.store_queue_map(queues);
        if let Err(e) = self.check_active() {
            (
                self.queue_processor,
                self.queue_hardware,
                self.datapath_queues,
                self.queue_limit,
            ) = saved;
            return Err(e);
        }
        self.indicate(Event::CapabilitiesChanged);
        self.synchronized = false;
        self.resynchronize()
    }

    /// Identity queue map: datapath queues `0..n`, queue `q` on processor `q`
    /// (see [`Rss::set_datapath_queues`]).
    pub fn set_num_queues(&mut self, num_queues: u16) -> Result<(), Error> {
        let max = self.dev.capabilities().num_queues;
        if num_queues == 0 || num_queues > max {
            return Err(Error::QueueCount {
                requested: num_queues,
                max,
            });
        }
        let mut queues = [DatapathQueue::new(0, 0); QUEUE_CAPACITY];
        for (q, slot) in (0..num_queues).zip(queues.iter_mut()) {
            *slot = DatapathQueue::new(q.into(), q);
        }
        self.set_datapath_queues(queues.get(..usize::from(num_queues)).unwrap_or(&[]))
    }

    /// Sets the scaling entity's configured number of queues (NDIS `NumberOfQueues`):
    /// the most distinct processors the active table may reference, at most the
    /// datapath queues. Refused with [`Error::TooManyProcessors`] if the active table
    /// references more (invariant 1); a tracked table is checked on enable.
    pub fn set_queue_limit(&mut self, queues: u16) -> Result<(), Error> {
        if queues == 0 || queues > self.datapath_queues {
            return Err(Error::QueueCount {
                requested: queues,
                max: self.datapath_queues,
            });
        }
        if self.enabled {
            self.check_queue_limit(&self.table, queues)?;
        }
        self.queue_limit = queues;
        Ok(())
    }

    /// The datapath queue index of `processor`.
    fn slot_of(&self, processor: u32) -> Option<usize> {
        self.queue_processor
            .get(..usize::from(self.datapath_queues))
            .and_then(|slots| slots.iter().position(|&p| p == processor))
    }

    /// The hardware queue `processor`'s datapath queue uses.
    pub fn queue_of(&self, processor: u32) -> Option<u16> {
        self.slot_of(processor)
            .and_then(|k| self.queue_hardware.get(k).copied())
    }

    /// Writes the datapath queues' processors to `out`; returns how many.
    fn datapath_processors(&self, out: &mut [u32; QUEUE_CAPACITY]) -> usize {
        let n = usize::from(self.datapath_queues);
        for (slot, &p) in out.iter_mut().zip(self.queue_processor.iter().take(n)) {
            *slot = p;
        }
        n
    }

    /// The datapath queues, in creation order.
    pub fn datapath_queue(&self, k: u16) -> Option<DatapathQueue> {
        if k >= self.datapath_queues {
            return None;
        }
        let k = usize::from(k);
        Some(DatapathQueue::new(
            self.queue_processor.get(k).copied()?,
            self.queue_hardware.get(k).copied()?,
        ))
    }

    fn check_processor(&self, parameter: Steering, processor: u32) -> Result<u16, Error> {
        self.queue_of(processor).ok_or(Error::InvalidSteering {
            parameter,
            processor,
            num_queues: self.datapath_queues,
        })
    }

    /// Distinct processors in the first `system_entries` of `table` (saturating just
    /// past the most queues any build has, which is all a comparison needs).
    fn distinct_processors(&self, table: &[u32; TABLE_CAPACITY]) -> u16 {
        let mut seen = [0u32; QUEUE_CAPACITY + 1];
        let mut count = 0usize;
        for &p in table.iter().take(self.system_entries as usize) {
            let known = seen.get(..count).unwrap_or(&[]);
            if !known.contains(&p)
                && let Some(slot) = seen.get_mut(count)
            {
                *slot = p;
                count = count.saturating_add(1);
            }
        }
        u16::try_from(count).unwrap_or(u16::MAX)
    }

    // ------------------------------------------------------------------------
    // System and hardware tables.
    // ------------------------------------------------------------------------

    /// Refuses a system size that is not a power of two in `1..=TABLE_CAPACITY`.
    fn check_system_size(&self, entries: u32) -> Result<(), Error> {
        let max = u32::try_from(TABLE_CAPACITY).unwrap_or(u32::MAX);
        if !entries.is_power_of_two() || entries > max {
            return Err(Error::TableSize { entries, max });
        }
        Ok(())
    }

    /// The hardware entries used for a system table of `system_entries`.
    fn hardware_entries_for(&self, system_entries: u32) -> u32 {
        let max = self.dev.capabilities().table_entries();
        self.fixed_hardware_entries
            .unwrap_or(system_entries.min(max))
    }

    /// The queue hardware entry `h` must hold for `table` (processors without a
    /// queue, only possible for a tracked table, give `None`).
    fn hardware_queue_for(&self, table: &[u32; TABLE_CAPACITY], h: u32) -> Option<u16> {
        at(table, wrap(h, self.system_entries)).and_then(|p| self.queue_of(p))
    }

    /// For a compressed table: the first hardware entry whose sharers disagree.
    fn check_representable(&self, table: &[u32; TABLE_CAPACITY], hw: u32) -> Result<(), Error> {
        if hw >= self.system_entries {
            return Ok(());
        }
        for i in hw..self.system_entries {
            let representative = wrap(i, hw);
            if at(table, i) != at(table, representative) {
                return Err(Error::NotRepresentable {
                    hardware_entry: representative,
                    entries: (representative, i),
                });
            }
        }
        Ok(())
    }

    /// The active parameters are valid under the current queue map and limit.
    fn check_active(&self) -> Result<(), Error> {
        if self.enabled {
            self.check_table(&self.table)?;
            self.check_processor(Steering::DefaultProcessor, self.default_processor)?;
        } else {
            self.check_processor(Steering::PrimaryProcessor, self.primary_processor)?;
        }
        Ok(())
    }

    /// `table` may steer: every entry has a queue, invariant 2 holds, and a
    /// compressed hardware table can hold it.
    fn check_table(&self, table: &[u32; TABLE_CAPACITY]) -> Result<(), Error> {
        for (index, &p) in (0..self.system_entries).zip(table.iter()) {
            self.check_processor(Steering::Entry(index), p)?;
        }
        self.check_queue_limit(table, self.queue_limit)?;
        self.check_representable(table, self.hardware_entries_for(self.system_entries))
    }

    /// Invariants 1 and 2: `table` references at most `queues` processors.
    fn check_queue_limit(&self, table: &[u32; TABLE_CAPACITY], queues: u16) -> Result<(), Error> {
        let referenced = self.distinct_processors(table);
        if referenced > queues {
            return Err(Error::TooManyProcessors { referenced, queues });
        }
        Ok(())
    }

    /// Writes every hardware entry in use whose queue differs from what the hardware
    /// holds, carrying on past a failed write so that only the failed entries differ;
    /// returns the first error. The mirror follows each successful write, so it
    /// always equals the hardware.
    fn write_hardware_table(&mut self, hw: u32) -> Result<(), Error> {
        let mut first_error = Ok(());
        for h in 0..hw {
            let Some(queue) = self.hardware_queue_for(&self.table, h) else {
                continue;
            };
            if at(&self.hardware, h) != Some(queue) {
                match self.dev.set_entry(h, queue) {
                    Ok(()) => set_at(&mut self.hardware, h, queue),
                    Err(e) => first_error = first_error.and(Err(e)),
                }
            }
        }
        first_error
    }

    /// Rewrites the active parameters into the hardware (the table, its size and the
    /// default queue while enabled; the primary queue while disabled). A no-op while
    /// synchronized; called first by every state-changing call after a bus error.
    pub fn resynchronize(&mut self) -> Result<(), Error> {
        if self.synchronized {
            return Ok(());
        }
        if self.enabled {
            let hw = self.hardware_entries_for(self.system_entries);
            self.write_hardware_table(hw)?;
            self.write_hardware_size(hw)?;
            let queue = self.check_processor(Steering::DefaultProcessor, self.default_processor)?;
            self.dev.set_default_queue(queue)?;
        } else {
            let queue = self.check_processor(Steering::PrimaryProcessor, self.primary_processor)?;
            self.dev.set_primary_queue(queue)?;
        }
        self.synchronized = true;
        Ok(())
    }

    /// Runs `f`; a bus error marks the hardware as possibly differing from the
    /// tracked state, so the next call rewrites it.
    fn guarded<T>(&mut self, f: impl FnOnce(&mut Self) -> Result<T, Error>) -> Result<T, Error> {
        self.resynchronize()?;
        let result = f(self);
        if matches!(result, Err(Error::Bus { .. })) {
            self.synchronized = false;
        }
        result
    }

    fn write_hardware_size(&mut self, hw: u32) -> Result<(), Error> {
        if hw != self.hardware_entries {
            self.dev.set_table_size(hw)?;
            self.hardware_entries = hw;
        }
        Ok(())
    }

    /// Changes the number of system indirection entries (NDIS
    /// `NumberOfIndirectionTableEntries`): a power of two up to [`TABLE_CAPACITY`],
    /// larger than the hardware table if need be (it is then compressed).
    /// Invariant 3: refused with [`Error::TableNotNormalized`] unless the table is
    /// periodic in the smaller size; growing replicates entry `i mod old` into entry
    /// `i`, so no flow changes processor either way.
    pub fn set_table_size(&mut self, entries: u32) -> Result<(), Error> {
        self.check_system_size(entries)?;
        let smaller = entries.min(self.system_entries);
        for i in smaller..self.system_entries {
            if at(&self.table, i) != at(&self.table, wrap(i, smaller)) {
                return Err(Error::TableNotNormalized {
                    index: i,
                    entries: smaller,
                });
            }
        }
        let old = self.system_entries;
        let mut grown = self.table;
        for i in old..entries {
            if let Some(p) = at(&self.table, wrap(i, old)) {
                set_at(&mut grown, i, p);
            }
        }
        let hw = self.hardware_entries_for(entries);
        if self.enabled {
            // Replication keeps every flow on its processor; only a pinned hardware
            // size smaller than the grown table can make it unrepresentable.
            let previous = core::mem::replace(&mut self.system_entries, entries);
            let representable = self.check_representable(&grown, hw);
            self.system_entries = previous;
            representable?;
        }
        self.guarded(|rss| {
            rss.table = grown;
            rss.system_entries = entries;
            if rss.enabled {
                rss.write_hardware_table(hw)?;
                rss.write_hardware_size(hw)?;
            }
            Ok(())
        })
    }

    /// Pins the hardware table at `entries` (a power of two up to the hardware's), or
    /// with `None` lets it follow the system table. While enabled the table is
    /// rewritten for the new size; refused with [`Error::NotRepresentable`] if a
    /// compressed table cannot hold it.
    pub fn set_fixed_hardware_entries(&mut self, entries: Option<u32>) -> Result<(), Error> {
        if let Some(n) = entries {
            self.dev.check_table_size(n)?;
        }
        let previous = core::mem::replace(&mut self.fixed_hardware_entries, entries);
        let hw = self.hardware_entries_for(self.system_entries);
        if self.enabled
            && let Err(e) = self.check_representable(&self.table, hw)
        {
            self.fixed_hardware_entries = previous;
            return Err(e);
        }
        self.guarded(|rss| {
            if rss.enabled {
                rss.write_hardware_table(hw)?;
                rss.write_hardware_size(hw)?;
            }
            Ok(())
        })
    }

    // ------------------------------------------------------------------------
    // Moves.
    // ------------------------------------------------------------------------

    /// Applies a batch of moves (`OID_GEN_RSS_SET_INDIRECTION_TABLE_ENTRIES`,
    /// `EvtNetAdapterReceiveScalingSetIndirectionEntries`), setting each entry's
    /// [`EntryStatus`]. Returns `Ok` only if every move succeeded, otherwise
    /// [`Error::EntriesFailed`] with the counts; successful moves stay applied.
    ///
    /// Entry moves are judged on the table as the whole batch leaves it (a later
    /// move of the same index wins): first each on its own (VPort, index, and while
    /// active, a queue for the processor), then, for a compressed table, per shared
    /// hardware entry (all its system entries must end up on one processor, else all
    /// the batch's moves into it are [`EntryStatus::NotRepresentable`]), then the
    /// queue limit (invariant 2: the latest moves are refused, with the other moves
    /// of the entries they touch, until the table fits). Primary and default moves
    /// take effect in batch order.
    pub fn set_indirection_entries(
        &mut self,
        entries: &mut [IndirectionEntry],
    ) -> Result<(), Error> {
        if self.resynchronize().is_err() {
            // The hardware cannot be brought to the tracked state: no move can land.
            for entry in entries.iter_mut() {
                entry.status = EntryStatus::DeviceFailure;
            }
            return Err(Error::EntriesFailed {
                invalid: 0,
                device: entries.len(),
            });
        }
        let mut next = self.table;
        for entry in entries.iter_mut() {
            entry.status = self.judge_move(entry, &mut next);
        }
        let hw = self.hardware_entries_for(self.system_entries);
        if self.enabled {
            self.refuse_unrepresentable(entries, &mut next, hw);
            self.refuse_over_limit(entries, &mut next, hw);
        }
        let previous = core::mem::replace(&mut self.table, next);
        if self.enabled && self.write_hardware_table(hw).is_err() {
            self.synchronized = false;
            self.undo_unwritten(entries, &previous, hw);
        }
        let (mut invalid, mut device) = (0usize, 0usize);
        for entry in entries.iter() {
            match entry.status {
                EntryStatus::DeviceFailure => device = device.saturating_add(1),
                s if s.is_failure() => invalid = invalid.saturating_add(1),
                _ => {}
            }
        }
        if invalid == 0 && device == 0 {
            Ok(())
        } else {
            Err(Error::EntriesFailed { invalid, device })
        }
    }

    /// One move on its own: checks it, applies an entry move to `next`, and applies
    /// a primary/default move at once.
    fn judge_move(
        &mut self,
        entry: &IndirectionEntry,
        next: &mut [u32; TABLE_CAPACITY],
    ) -> EntryStatus {
        if entry.vport.0 >= VPORTS {
            return EntryStatus::UnknownVPort;
        }
        let processor = entry.processor;
        match entry.kind {
            MoveKind::Entry(index) => {
                if index >= self.system_entries {
                    return EntryStatus::InvalidParameter;
                }
                if self.enabled && self.queue_of(processor).is_none() {
                    return EntryStatus::NoQueueForProcessor;
                }
                set_at(next, index, processor);
                EntryStatus::Success
            }
            MoveKind::DefaultProcessor => {
                let status =
                    self.move_processor(self.enabled, processor, RssDevice::set_default_queue);
                if status == EntryStatus::Success {
                    self.default_processor = processor;
                }
                status
            }
            MoveKind::PrimaryProcessor => {
                let status =
                    self.move_processor(!self.enabled, processor, RssDevice::set_primary_queue);
                if status == EntryStatus::Success {
                    self.primary_processor = processor;
                }
                status
            }
        }
    }

    /// A primary or default move: written through `write` if the parameter is
    /// `active`, tracked otherwise.
    fn move_processor(
        &mut self,
        active: bool,
        processor: u32,
        write: fn(&mut RssDevice<B>, u16) -> Result<(), Error>,
    ) -> EntryStatus {
        if !active {
            return EntryStatus::Success;
        }
        let Some(queue) = self.queue_of(processor) else {
            return EntryStatus::NoQueueForProcessor;
        };
        if write(&mut self.dev, queue).is_err() {
            self.synchronized = false;
            return EntryStatus::DeviceFailure;
        }
        EntryStatus::Success
    }

    /// The system entries hardware entry `h` (of `hw`) depends on: for a compressed
    /// table the sharers of `h`, otherwise just `h mod S`. Returned as (first, step).
    fn group_of(&self, index: u32, hw: u32) -> (u32, u32) {
        if hw < self.system_entries {
            (wrap(index, hw), hw)
        } else {
            (index, self.system_entries)
        }
    }

    /// Restores the group of `index` in `next` from the tracked table and marks the
    /// batch's successful entry moves into that group with `status`.
    fn refuse_group(
        &self,
        entries: &mut [IndirectionEntry],
        next: &mut [u32; TABLE_CAPACITY],
        index: u32,
        hw: u32,
        status: EntryStatus,
    ) {
        let (first, step) = self.group_of(index, hw);
        let mut i = first;
        while i < self.system_entries {
            if let Some(p) = at(&self.table, i) {
                set_at(next, i, p);
            }
            i = i.saturating_add(step.max(1));
        }
        for entry in entries.iter_mut() {
            if let (MoveKind::Entry(other), EntryStatus::Success) = (entry.kind, entry.status)
                && self.group_of(other, hw).0 == first
            {
                entry.status = status;
            }
        }
    }

    fn refuse_unrepresentable(
        &self,
        entries: &mut [IndirectionEntry],
        next: &mut [u32; TABLE_CAPACITY],
        hw: u32,
    ) {
        if hw >= self.system_entries {
            return;
        }
        for k in 0..entries.len() {
            let Some(&IndirectionEntry {
                kind: MoveKind::Entry(index),
                status: EntryStatus::Success,
                ..
            }) = entries.get(k)
            else {
                continue;
            };
            let (first, step) = self.group_of(index, hw);
            let mut i = first;
            let mut agree = true;
            while i < self.system_entries {
                agree &= at(next, i) == at(next, first);
                i = i.saturating_add(step.max(1));
            }
            if !agree {
                self.refuse_group(entries, next, index, hw, EntryStatus::NotRepresentable);
            }
        }
    }

    fn refuse_over_limit(
        &self,
        entries: &mut [IndirectionEntry],
        next: &mut [u32; TABLE_CAPACITY],
        hw: u32,
    ) {
        // The tracked table meets the limit (it is active), so undoing moves
        // terminates, at the latest with the table as it was.
        while self.distinct_processors(next) > self.queue_limit {
            let latest = entries.iter().rposition(|e| {
                matches!(e.kind, MoveKind::Entry(_)) && e.status == EntryStatus::Success
            });
            let Some(MoveKind::Entry(index)) = latest.and_then(|k| entries.get(k)).map(|e| e.kind)
            else {
                break;
            };
            self.refuse_group(entries, next, index, hw, EntryStatus::QueueLimitExceeded);
        }
    }

    /// Whether every hardware entry serving system entry `i` holds `table`'s queue.
    fn served_entries_written(&self, table: &[u32; TABLE_CAPACITY], i: u32, hw: u32) -> bool {
        // Expanded: entries i, i + S, i + 2S, ...; compressed: the one entry i mod H.
        let (mut h, step) = if hw < self.system_entries {
            (wrap(i, hw), hw)
        } else {
            (i, self.system_entries)
        };
        while h < hw {
            if at(&self.hardware, h) != self.hardware_queue_for(table, h) {
                return false;
            }
            h = h.saturating_add(step.max(1));
        }
        true
    }

    /// After a failed table write: every changed system entry whose hardware entries
    /// were not all written goes back (with its group) to the previous processor, and
    /// the batch's moves into it become device failures. Hardware entries that were
    /// written keep the new queue until the next call resynchronizes them.
    fn undo_unwritten(
        &mut self,
        entries: &mut [IndirectionEntry],
        previous: &[u32; TABLE_CAPACITY],
        hw: u32,
    ) {
        let moved = self.table;
        for i in 0..self.system_entries {
            if at(&moved, i) == at(previous, i) || self.served_entries_written(&moved, i, hw) {
                continue;
            }
            let (first, step) = self.group_of(i, hw);
            let mut k = first;
            while k < self.system_entries {
                if let Some(p) = at(previous, k) {
                    set_at(&mut self.table, k, p);
                }
                k = k.saturating_add(step.max(1));
            }
            for entry in entries.iter_mut() {
                if let (MoveKind::Entry(other), EntryStatus::Success) = (entry.kind, entry.status)
                    && self.group_of(other, hw).0 == first
                {
                    entry.status = EntryStatus::DeviceFailure;
                }
            }
        }
    }

    // ------------------------------------------------------------------------
    // Whole-table updates and spreading.
    // ------------------------------------------------------------------------

    /// Replaces the whole system table (RSSv1 `OID_GEN_RECEIVE_SCALE_PARAMETERS`,
    /// `ethtool -X`): `processors.len()` must be the system size. While enabled the
    /// table is validated as a whole (queues, invariant 2, representability) and
    /// refused unchanged if invalid; while disabled it is tracked.
    pub fn replace_table(&mut self, processors: &[u32]) -> Result<(), Error> {
        let entries = u32::try_from(processors.len()).unwrap_or(u32::MAX);
        if entries != self.system_entries {
            return Err(Error::TableSize {
                entries,
                max: self.system_entries,
            });
        }
        let mut next = self.table;
        for (slot, &p) in next.iter_mut().zip(processors) {
            *slot = p;
        }
        if self.enabled {
            self.check_table(&next)?;
        }
        self.guarded(|rss| {
            rss.table = next;
            if rss.enabled {
                let hw = rss.hardware_entries_for(rss.system_entries);
                rss.write_hardware_table(hw)?;
            }
            Ok(())
        })
    }

    /// `ethtool -X equal N`: the system table over the first `n` datapath queues'
    /// processors, entry `i` → queue `i mod n`.
    pub fn spread_equal(&mut self, n: u16) -> Result<(), Error> {
        let mut processors = [0; QUEUE_CAPACITY];
        let count = self.datapath_processors(&mut processors);
        if n == 0 || usize::from(n) > count {
            return Err(Error::QueueCount {
                requested: n,
                max: self.datapath_queues,
            });
        }
        let mut table = [0; TABLE_CAPACITY];
        let entries = table
            .get_mut(..self.system_entries as usize)
            .unwrap_or(&mut []);
        spread::fill_equal(entries, processors.get(..usize::from(n)).unwrap_or(&[]))?;
        let filled = table.get(..self.system_entries as usize).unwrap_or(&[]);
        self.replace_table(filled)
    }

    /// `ethtool -X weight W0 W1 ...`: datapath queue `k` gets a share of the system
    /// table proportional to `weights[k]` (one weight per datapath queue).
    pub fn spread_weighted(&mut self, weights: &[u32]) -> Result<(), Error> {
        let mut processors = [0; QUEUE_CAPACITY];
        let count = self.datapath_processors(&mut processors);
        let mut table = [0; TABLE_CAPACITY];
        let entries = table
            .get_mut(..self.system_entries as usize)
            .unwrap_or(&mut []);
        spread::fill_weighted(entries, processors.get(..count).unwrap_or(&[]), weights)?;
        let filled = table.get(..self.system_entries as usize).unwrap_or(&[]);
        self.replace_table(filled)
    }

    // ------------------------------------------------------------------------
    // RSS state.
    // ------------------------------------------------------------------------

    fn set_enabled_state(&mut self, enabled: bool) {
        if self.enabled != enabled {
            let vport = VPortId::DEFAULT;
            self.indicate(if enabled {
                Event::RssEnabled { vport }
            } else {
                Event::RssDisabled { vport }
            });
        }
        self.enabled = enabled;
    }

    /// Enables RSS, activating the tracked table and default processor: validates
    /// them (a queue for every processor, invariant 2, representability), writes
    /// them, then sets `CTRL.ENABLE`. Refused (RSS stays disabled, nothing written)
    /// if any is invalid. Already enabled: re-asserts the enable bit only.
    pub fn enable(&mut self) -> Result<(), Error> {
        if !self.enabled {
            self.check_table(&self.table)?;
            let default =
                self.check_processor(Steering::DefaultProcessor, self.default_processor)?;
            return self.guarded(|rss| {
                let hw = rss.hardware_entries_for(rss.system_entries);
                rss.write_hardware_table(hw)?;
                rss.write_hardware_size(hw)?;
                rss.dev.set_default_queue(default)?;
                rss.dev.enable()?;
                rss.set_enabled_state(true);
                Ok(())
            });
        }
        self.guarded(|rss| rss.dev.enable())
    }

    /// Disables RSS (every packet to the primary processor), activating the tracked
    /// primary processor: refused with [`Error::InvalidSteering`] (RSS stays enabled)
    /// if it has no queue. The table is kept, so a later enable resumes it.
    pub fn disable(&mut self) -> Result<(), Error> {
        if self.enabled {
            let primary =
                self.check_processor(Steering::PrimaryProcessor, self.primary_processor)?;
            return self.guarded(|rss| {
                rss.dev.set_primary_queue(primary)?;
                rss.dev.disable()?;
                rss.set_enabled_state(false);
                Ok(())
            });
        }
        self.guarded(|rss| rss.dev.disable())
    }

    /// Moves the default processor: a one-move batch (see
    /// [`IndirectionEntry::default_processor`]) with its status as an error.
    pub fn set_default_processor(&mut self, processor: u32) -> Result<(), Error> {
        self.single_move(
            IndirectionEntry::default_processor(processor),
            Steering::DefaultProcessor,
        )
    }

    /// Moves the primary processor: a one-move batch (see
    /// [`IndirectionEntry::primary_processor`]) with its status as an error.
    pub fn set_primary_processor(&mut self, processor: u32) -> Result<(), Error> {
        self.single_move(
            IndirectionEntry::primary_processor(processor),
            Steering::PrimaryProcessor,
        )
    }

    fn single_move(&mut self, entry: IndirectionEntry, parameter: Steering) -> Result<(), Error> {
        let mut batch = [entry];
        let result = self.set_indirection_entries(&mut batch);
        match batch.first().map(|e| e.status) {
            Some(EntryStatus::NoQueueForProcessor) => Err(Error::InvalidSteering {
                parameter,
                processor: entry.processor,
                num_queues: self.datapath_queues,
            }),
            _ => result,
        }
    }

    /// Loads a new hash secret key (see [`RssDevice::set_key`]) and indicates it.
    pub fn set_hash_secret_key(&mut self, key: &[u8]) -> Result<(), Error> {
        self.dev.set_key(key)?;
        let generation = self.dev.key_generation()?;
        self.indicate(Event::KeyChanged {
            vport: VPortId::DEFAULT,
            generation,
        });
        Ok(())
    }

    /// Selects hash types (see [`RssDevice::set_hash_types`]).
    pub fn set_hash_types(&mut self, types: HashTypes) -> Result<(), Error> {
        self.dev.set_hash_types(types)
    }

    // ------------------------------------------------------------------------
    // Capabilities and indications.
    // ------------------------------------------------------------------------

    /// The capabilities to report (see [`ReceiveScalingCapabilities`]).
    pub fn receive_scaling_capabilities(&self) -> ReceiveScalingCapabilities {
        let caps = self.dev.capabilities();
        let system_max = u32::try_from(TABLE_CAPACITY).unwrap_or(u32::MAX);
        ReceiveScalingCapabilities {
            receive_queues: self.datapath_queues,
            hardware_queues: caps.num_queues,
            indirection_table_entries: system_max,
            hardware_table_entries: caps.table_entries(),
            hash_secret_key_bytes: caps.key_bytes,
            hash_types: caps.hash_types,
            independent_entry_move: true,
            vports: VPORTS,
            table_entries_per_vport: system_max,
        }
    }

    /// Where indications about the physical adapter come from: the extensible
    /// switch port the external network adapter is connected to.
    pub fn set_external_port_id(&mut self, port_id: u32) {
        self.external_port_id = port_id;
        self.indications
            .set_loss_addressing(Indication::for_physical_adapter(
                port_id,
                Event::CapabilitiesChanged,
            ));
    }

    fn indicate(&mut self, event: Event) {
        self.indications.push(Indication::for_physical_adapter(
            self.external_port_id,
            event,
        ));
    }

    /// The oldest pending status indication (see [`crate::indication`]).
    pub fn poll_indication(&mut self) -> Option<Indication> {
        self.indications.poll()
    }

    // ------------------------------------------------------------------------
    // State.
    // ------------------------------------------------------------------------

    /// Whether RSS is enabled.
    pub fn is_enabled(&self) -> bool {
        self.enabled
    }

    /// Whether the hardware holds the active parameters (false after a bus error,
    /// until [`Rss::resynchronize`] or the next state-changing call succeeds).
    pub fn is_synchronized(&self) -> bool {
        self.synchronized
    }

    /// Datapath queues.
    pub fn num_queues(&self) -> u16 {
        self.datapath_queues
    }

    /// The configured number of queues (distinct processors the table may use).
    pub fn queue_limit(&self) -> u16 {
        self.queue_limit
    }

    /// System indirection entries.
    pub fn table_entries(&self) -> u32 {
        self.system_entries
    }

    /// Hardware indirection entries in use (`TABLE_SIZE` as last written).
    pub fn hardware_entries(&self) -> u32 {
        self.hardware_entries
    }

    /// The tracked system table (processors): what steers while enabled, what
    /// enabling will activate while disabled.
    pub fn active_table(&self) -> &[u32] {
        self.table
            .get(..self.system_entries as usize)
            .unwrap_or(&[])
    }

    /// What the hardware table holds in its entries in use, as the driver wrote it.
    pub fn hardware_table(&self) -> &[u16] {
        self.hardware
            .get(..self.hardware_entries as usize)
            .unwrap_or(&[])
    }

    /// The tracked default processor.
    pub fn default_processor(&self) -> u32 {
        self.default_processor
    }

    /// The tracked primary processor.
    pub fn primary_processor(&self) -> u32 {
        self.primary_processor
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
