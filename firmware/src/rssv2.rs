//! NetAdapterCx / NDIS RSSv2 semantics on top of [`RssDevice`]: scaling entities (the
//! default VPort, i.e. the physical adapter, and VMMQ VPorts), steered by *processor*.
//!
//! # VPorts
//!
//! [`Rss`] is the adapter. Its single-entity methods ([`Rss::enable`],
//! [`Rss::set_table_size`], ...) act on the default VPort, which [`Rss::create`]
//! creates. [`Rss::create_vport`] creates another VPort in seed 002's initial state with
//! a destination-MAC filter entry steering its frames to it; [`Rss::vport_mut`] gives a
//! [`VPort`] with the same methods for any created VPort, each VPort with its own
//! queues, key, hash types, table, processors and RSS state; [`Rss::delete_vport`]
//! deletes one without disabling RSS first. One move batch
//! ([`Rss::set_indirection_entries`]) may name several VPorts; each element gets its
//! own status.
//!
//! Every parameter change writes the VPort's complete parameter set through the
//! hardware's staging registers and commits it (`COMMIT.PARAMS`); whole tables are
//! written to the VPort's shadow table and swapped in with the parameters in the same
//! commit (`COMMIT.TABLE`); single moves of an enabled VPort use `MOVE`. The driver
//! keeps each shadow table a copy of the active one, so a restarted driver reads the
//! active tables back ([`Rss::new`]).
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
//! # Memory
//!
//! No allocation. The tracked system tables and the mirrors of the active hardware
//! tables of all VPorts share pools as large as the hardware's table window
//! ([`TABLE_POOL`] entries): VPort `v` has the `v`-th run of each, a system table of
//! [`NDIS_MAX_TABLE_ENTRIES`] entries or the hardware table's if larger, and a mirror
//! of the hardware table's size. Two more pool-sized scratch tables serve the
//! operation in progress, so no table is copied by value. An [`Rss`] is about 27 KiB
//! whatever the build; a datapath queue map (1.5 KiB per VPort) is most of the rest.

use rss_model::regmap::{MAX_QUEUES, MAX_TABLE_ENTRIES_LOG2, MAX_TABLE_POOL, MAX_VPORTS};
use rss_model::toeplitz::{KEY_BYTES, MS_DEFAULT_KEY};
use rss_model::{HashType, HashTypes};

use crate::bus::RegisterBus;
use crate::driver::RssDevice;
use crate::error::{Error, Steering};
use crate::indication::{
    Event, Indication, IndicationQueue, NDIS_SWITCH_DEFAULT_PORT_ID, SwitchEndpoint,
};
use crate::regs::{Capabilities, MacFilter, VPortParams, VPortState, hash_key, widen_key};
use crate::spread;
use crate::statistics::{Refused, VPortStatistics};

/// The largest system table any build accepts for one VPort: one VPort's hardware
/// table on a build with the largest (see [`NDIS_MAX_TABLE_ENTRIES`] for the others).
pub const TABLE_CAPACITY: usize = 1 << MAX_TABLE_ENTRIES_LOG2;

/// Indirection entries over all VPorts: the hardware's `TABLE` window, and the size of
/// the driver's table pools.
pub const TABLE_POOL: usize = MAX_TABLE_POOL as usize;

/// The most indirection entries NDIS uses per scaling entity in native RSS (seed 002:
/// "128 in the Native RSS case"). Every VPort accepts a system table this large, or
/// as large as its hardware table if that is larger.
pub const NDIS_MAX_TABLE_ENTRIES: usize = 128;

/// Datapath queues the map holds: the most queues any build can have.
pub const QUEUE_CAPACITY: usize = MAX_QUEUES as usize;

/// VPorts the driver can track: the most any build can have.
pub const VPORT_CAPACITY: usize = MAX_VPORTS as usize;

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
    /// The move names a VPort this build does not have, or one not created.
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
    /// `IndirectionTableSize`: the largest system table accepted, per VPort: 128 (the
    /// NDIS maximum), or the hardware table if larger.
    pub indirection_table_entries: u32,
    /// Entries of one VPort's hardware table (a larger system table is compressed).
    pub hardware_table_entries: u32,
    /// Hash secret key length in bytes.
    pub hash_secret_key_bytes: usize,
    /// Hash types the hardware computes.
    pub hash_types: HashTypes,
    /// `NDIS_RSS_CAPS_SUPPORTS_INDEPENDENT_ENTRY_MOVE` (RSSv2).
    pub independent_entry_move: bool,
    /// Scaling entities (VPorts, the default one included): `VPORT_CAPS.VPORTS`.
    pub vports: u32,
    /// Destination-MAC filter entries (`VPORT_CAPS.MAC_FILTERS`): at most this many
    /// non-default VPorts exist at once.
    pub mac_filters: u32,
    /// `NumberOfIndirectionTableEntriesForDefaultVPort`: the largest system table of
    /// the default VPort.
    pub table_entries_per_vport: u32,
    /// `NumberOfIndirectionTableEntriesPerNonDefaultPFVPort`: the largest system
    /// table of any other VPort.
    pub table_entries_per_non_default_vport: u32,
    /// Entries of each VPort's hardware table (`CAPS.TABLE_ENTRIES_LOG2`).
    pub hardware_table_entries_per_vport: u32,
    /// Symmetric hashing per VPort (`VPORT_CAPS.FEATURES` bit 0).
    pub symmetric_hashing: bool,
    /// The hash probe (`VPORT_CAPS.FEATURES` bit 3): [`Rss::self_test`] can run.
    pub hash_self_test: bool,
    /// The statistics counters (`VPORT_CAPS.FEATURES` bit 4): [`Rss::statistics`] and
    /// [`Rss::refused`] can run.
    pub statistics: bool,
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

/// How a new VPort is created (`NDIS_NIC_SWITCH_VPORT_PARAMETERS` and its receive
/// filter).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VPortConfig<'a> {
    /// Destination MAC address whose frames go to the VPort.
    pub mac: [u8; 6],
    /// The switch port and NIC index of the partition's network connection: where
    /// indications about the VPort go (seed 004).
    pub connection: SwitchEndpoint,
    /// The VPort's datapath queues: processor and hardware queue each.
    pub queues: &'a [DatapathQueue],
    /// `ProcessorAffinity`: the initial primary and default processor and the only
    /// indirection entry's processor. Must have one of `queues`.
    pub affinity_processor: u32,
}

/// Marks a mirror entry whose hardware content is unknown (no queue is this large).
const UNKNOWN: u16 = u16::MAX;

/// The value of a slot of a fixed array (none past the end).
fn at<T: Copy>(slots: &[T], index: u32) -> Option<T> {
    slots.get(usize::try_from(index).ok()?).copied()
}

fn set_at<T>(slots: &mut [T], index: u32, value: T) {
    if let Some(slot) = usize::try_from(index).ok().and_then(|i| slots.get_mut(i)) {
        *slot = value;
    }
}

/// Entries of one VPort's system table: [`NDIS_MAX_TABLE_ENTRIES`], or the hardware
/// table's if larger. Every VPort's fits the pool (`vports * max(128, table) <= 1024`
/// for every build the register map allows).
fn system_capacity(caps: &Capabilities) -> usize {
    hardware_capacity(caps).max(NDIS_MAX_TABLE_ENTRIES).min(
        TABLE_POOL
            .checked_div(usize::from(caps.vports))
            .unwrap_or(0),
    )
}

/// Entries of one VPort's hardware table.
fn hardware_capacity(caps: &Capabilities) -> usize {
    usize::try_from(caps.table_entries())
        .unwrap_or(0)
        .min(TABLE_POOL)
}

/// Copies the first `n` entries of `src` into `dst` (as many as both hold).
fn copy_prefix(dst: &mut [u32], src: &[u32], n: usize) {
    for (d, &s) in dst.iter_mut().zip(src).take(n) {
        *d = s;
    }
}

/// `index mod entries` for a power-of-two `entries`.
fn wrap(index: u32, entries: u32) -> u32 {
    index & entries.wrapping_sub(1)
}

fn log2(entries: u32) -> u8 {
    u8::try_from(entries.trailing_zeros()).unwrap_or(0)
}

/// The adapter-wide part of the driver: the device and the indications.
#[derive(Debug)]
struct Adapter<B> {
    dev: RssDevice<B>,
    external_port_id: u32,
    indications: IndicationQueue,
}

impl<B: RegisterBus> Adapter<B> {
    /// Queues `event` about `entity` with the addressing seed 004 defines for it.
    fn indicate(&mut self, entity: &EntityState, event: Event) {
        let indication = match entity.connection {
            Some(connection) => Indication::for_vport(connection, event),
            None => Indication::for_physical_adapter(self.external_port_id, event),
        };
        self.indications.push(indication);
    }
}

/// One scaling entity's tracked RSSv2 state apart from its tables, which live in the
/// [`Rss`]'s table pools (see [`Tables`]).
#[derive(Debug, Clone)]
struct EntityState {
    id: VPortId,
    caps: Capabilities,
    created: bool,
    /// Datapath queue `k`: its processor and hardware queue; `0..datapath_queues`.
    queue_processor: [u32; QUEUE_CAPACITY],
    queue_hardware: [u16; QUEUE_CAPACITY],
    datapath_queues: u16,
    /// The configured number of queues (NDIS `NumberOfQueues`): how many distinct
    /// processors the active table may reference.
    queue_limit: u16,
    /// Entries of the tracked system table in use.
    system_entries: u32,
    default_processor: u32,
    primary_processor: u32,
    enabled: bool,
    key: [u8; KEY_BYTES],
    hash_types: HashTypes,
    symmetric: bool,
    /// `TABLE_SIZE` as last committed.
    hardware_entries: u32,
    fixed_hardware_entries: Option<u32>,
    /// True while the hardware holds the tracked active state and the VPort's shadow
    /// table equals its active table, which the mirror knows entirely. False after a
    /// bus error (or before creation): the next state-changing call rewrites the
    /// active state and both tables first.
    synchronized: bool,
    /// The MAC filter entry and address steering frames here (none for VPort 0).
    filter: Option<(u8, [u8; 6])>,
    /// Where indications about this VPort go (none: the physical adapter's).
    connection: Option<SwitchEndpoint>,
    /// Set when a commit of the call in progress landed (see [`Entity::guarded`]).
    landed: bool,
}

/// The tables of every VPort, and scratch space for one operation: fixed arrays as
/// large as the hardware's table window, whatever the number of VPorts, so no
/// allocation is needed and no table is copied by value.
#[derive(Debug)]
struct Tables {
    /// Tracked system tables (processors): VPort `v`'s is the `v`-th run of
    /// [`system_capacity`] entries.
    system: [u32; TABLE_POOL],
    /// What the active hardware tables hold ([`UNKNOWN`] where not known): VPort
    /// `v`'s is the `v`-th run of the build's table entries, as in `TABLE`.
    hardware: [u16; TABLE_POOL],
    /// A system table being built (moves, resizes, fills).
    next: [u32; TABLE_POOL],
    /// The system table before the call in progress (undone if it fails).
    saved: [u32; TABLE_POOL],
}

impl Tables {
    const fn new() -> Self {
        Tables {
            system: [0; TABLE_POOL],
            hardware: [UNKNOWN; TABLE_POOL],
            next: [0; TABLE_POOL],
            saved: [0; TABLE_POOL],
        }
    }
}

/// One scaling entity's tracked RSSv2 state, borrowed from an [`Rss`] (see
/// [`Rss::vport`]); change it through [`Rss`] for the default VPort or a [`VPort`].
#[derive(Debug, Clone, Copy)]
pub struct ScalingEntity<'a> {
    state: &'a EntityState,
    table: &'a [u32],
    hardware: &'a [u16],
}

/// A scaling entity's state and its slices of the pools, to change it.
#[derive(Debug)]
struct Entity<'a> {
    s: &'a mut EntityState,
    /// The tracked system table (its first `system_entries` are in use).
    table: &'a mut [u32],
    /// The mirror of the active hardware table.
    hardware: &'a mut [u16],
    /// Scratch: a table being built.
    next: &'a mut [u32],
    /// Scratch: the table before the call in progress.
    saved: &'a mut [u32],
}

impl core::ops::Deref for Entity<'_> {
    type Target = EntityState;
    fn deref(&self) -> &EntityState {
        self.s
    }
}

impl core::ops::DerefMut for Entity<'_> {
    fn deref_mut(&mut self) -> &mut EntityState {
        self.s
    }
}

/// VPort `v`'s run of `len` entries of a pool (empty if there is none).
fn run_of<T>(pool: &[T], v: usize, len: usize) -> &[T] {
    pool.chunks(len.max(1)).nth(v).unwrap_or(&[])
}

fn run_of_mut<T>(pool: &mut [T], v: usize, len: usize) -> &mut [T] {
    pool.chunks_mut(len.max(1)).nth(v).unwrap_or(&mut [])
}

impl Tables {
    /// Entity `v`'s view.
    fn view<'a>(&'a self, state: &'a EntityState) -> ScalingEntity<'a> {
        let v = usize::from(state.vport());
        ScalingEntity {
            state,
            table: run_of(&self.system, v, system_capacity(&state.caps)),
            hardware: run_of(&self.hardware, v, hardware_capacity(&state.caps)),
        }
    }

    /// Entity `v`'s slices, to change it.
    fn entity<'a>(&'a mut self, state: &'a mut EntityState) -> Entity<'a> {
        let v = usize::from(state.vport());
        let system = system_capacity(&state.caps);
        let hardware = hardware_capacity(&state.caps);
        let Tables {
            system: system_pool,
            hardware: hardware_pool,
            next,
            saved,
        } = self;
        Entity {
            table: run_of_mut(system_pool, v, system),
            hardware: run_of_mut(hardware_pool, v, hardware),
            next: next.get_mut(..system).unwrap_or(&mut []),
            saved: saved.get_mut(..system).unwrap_or(&mut []),
            s: state,
        }
    }
}

impl EntityState {
    fn new(id: VPortId, caps: Capabilities) -> Self {
        EntityState {
            id,
            caps,
            created: false,
            queue_processor: [0; QUEUE_CAPACITY],
            queue_hardware: [0; QUEUE_CAPACITY],
            datapath_queues: 0,
            queue_limit: 0,
            system_entries: 1,
            default_processor: 0,
            primary_processor: 0,
            enabled: false,
            key: MS_DEFAULT_KEY,
            hash_types: HashTypes::NONE,
            symmetric: false,
            hardware_entries: 1,
            fixed_hardware_entries: None,
            synchronized: false,
            filter: None,
            connection: None,
            landed: false,
        }
    }

    fn vport(&self) -> u8 {
        u8::try_from(self.id.0).unwrap_or(u8::MAX)
    }

    /// The destination MAC address steering frames to this VPort.
    fn mac(&self) -> Option<[u8; 6]> {
        self.filter.map(|(_, mac)| mac)
    }

    /// The MAC filter entry this VPort uses.
    fn mac_filter_entry(&self) -> Option<u8> {
        self.filter.map(|(n, _)| n)
    }

    /// The hardware queue `processor`'s datapath queue uses.
    fn queue_of(&self, processor: u32) -> Option<u16> {
        self.slot_of(processor)
            .and_then(|k| self.queue_hardware.get(k).copied())
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
        let max = self.caps.num_queues;
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

    /// The datapath queue index of `processor`.
    fn slot_of(&self, processor: u32) -> Option<usize> {
        self.queue_processor
            .get(..usize::from(self.datapath_queues))
            .and_then(|slots| slots.iter().position(|&p| p == processor))
    }

    /// The highest hardware queue of the datapath queues: the VPort's `QUEUE_LIMIT`,
    /// so the hardware refuses a move to a queue above all of them.
    fn last_hardware_queue(&self) -> u16 {
        self.queue_hardware
            .iter()
            .take(usize::from(self.datapath_queues))
            .copied()
            .max()
            .unwrap_or(0)
    }

    /// Writes the datapath queues' processors to `out`; returns how many.
    fn datapath_processors(&self, out: &mut [u32; QUEUE_CAPACITY]) -> usize {
        let n = usize::from(self.datapath_queues);
        for (slot, &p) in out.iter_mut().zip(self.queue_processor.iter().take(n)) {
            *slot = p;
        }
        n
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
    fn distinct_processors(&self, table: &[u32]) -> u16 {
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

    fn resolve_hash_types(&self, requested: Option<HashTypes>) -> Result<HashTypes, Error> {
        let supported = self.caps.hash_types;
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
    // System and hardware tables.
    // ------------------------------------------------------------------------

    /// Refuses a system size that is not a power of two up to [`system_capacity`].
    fn check_system_size(&self, entries: u32) -> Result<(), Error> {
        let max = u32::try_from(system_capacity(&self.caps)).unwrap_or(u32::MAX);
        if !entries.is_power_of_two() || entries > max {
            return Err(Error::TableSize { entries, max });
        }
        Ok(())
    }

    /// The hardware entries used for a system table of `system_entries`.
    fn hardware_entries_for(&self, system_entries: u32) -> u32 {
        let max = self.caps.table_entries();
        self.fixed_hardware_entries
            .unwrap_or(system_entries.min(max))
    }

    /// The queue hardware entry `h` must hold for `table` (processors without a
    /// queue, only possible for a tracked table, give `None`).
    fn hardware_queue_for(&self, table: &[u32], h: u32) -> Option<u16> {
        at(table, wrap(h, self.system_entries)).and_then(|p| self.queue_of(p))
    }

    /// For a compressed table: the first hardware entry whose sharers disagree.
    fn check_representable(&self, table: &[u32], hw: u32) -> Result<(), Error> {
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
    fn check_active(&self, table: &[u32]) -> Result<(), Error> {
        if self.enabled {
            self.check_table(table)?;
            self.check_processor(Steering::DefaultProcessor, self.default_processor)?;
        } else {
            self.check_processor(Steering::PrimaryProcessor, self.primary_processor)?;
        }
        Ok(())
    }

    /// `table` may steer: every entry has a queue, invariant 2 holds, and a
    /// compressed hardware table can hold it.
    fn check_table(&self, table: &[u32]) -> Result<(), Error> {
        for (index, &p) in (0..self.system_entries).zip(table.iter()) {
            self.check_processor(Steering::Entry(index), p)?;
        }
        self.check_queue_limit(table, self.queue_limit)?;
        self.check_representable(table, self.hardware_entries_for(self.system_entries))
    }

    /// Invariants 1 and 2: `table` references at most `queues` processors.
    fn check_queue_limit(&self, table: &[u32], queues: u16) -> Result<(), Error> {
        let referenced = self.distinct_processors(table);
        if referenced > queues {
            return Err(Error::TooManyProcessors { referenced, queues });
        }
        Ok(())
    }

    /// The complete parameter set the tracked state asks for. Inactive parameters
    /// whose processor has no queue keep what the hardware holds; `TABLE_SIZE` only
    /// follows the system table while enabled.
    fn wanted_params<B: RegisterBus>(&self, hw: &Adapter<B>) -> VPortParams {
        let committed = hw
            .dev
            .params(self.vport())
            .unwrap_or(VPortParams::initial(0, self.caps.num_queues));
        let c = committed.state;
        let table_size_log2 = if self.enabled {
            log2(self.hardware_entries_for(self.system_entries))
        } else {
            c.table_size_log2
        };
        VPortParams {
            state: VPortState {
                enabled: self.enabled,
                symmetric: self.symmetric,
                hash_types: self.hash_types,
                table_size_log2,
                default_queue: self
                    .queue_of(self.default_processor)
                    .unwrap_or(c.default_queue),
                primary_queue: self
                    .queue_of(self.primary_processor)
                    .unwrap_or(c.primary_queue),
                queue_limit: self.last_hardware_queue(),
            },
            key: widen_key(&self.key),
        }
    }
}

impl<'a> ScalingEntity<'a> {
    /// The VPort.
    pub fn id(self) -> VPortId {
        self.state.id
    }

    /// Whether the VPort exists (the default VPort after [`Rss::create`] or
    /// [`Rss::new`], another after [`Rss::create_vport`]).
    pub fn is_created(self) -> bool {
        self.state.created
    }

    /// Whether RSS is enabled.
    pub fn is_enabled(self) -> bool {
        self.state.enabled
    }

    /// Whether the hardware holds the active parameters and the shadow table equals
    /// the active one (false after a bus error, until a resynchronization or the next
    /// state-changing call succeeds).
    pub fn is_synchronized(self) -> bool {
        self.state.synchronized
    }

    /// Datapath queues.
    pub fn num_queues(self) -> u16 {
        self.state.datapath_queues
    }

    /// The configured number of queues (distinct processors the table may use).
    pub fn queue_limit(self) -> u16 {
        self.state.queue_limit
    }

    /// System indirection entries.
    pub fn table_entries(self) -> u32 {
        self.state.system_entries
    }

    /// Hardware indirection entries in use (`TABLE_SIZE` as last committed).
    pub fn hardware_entries(self) -> u32 {
        self.state.hardware_entries
    }

    /// The tracked system table (processors): what steers while enabled, what
    /// enabling will activate while disabled.
    pub fn active_table(self) -> &'a [u32] {
        self.table
            .get(..self.state.system_entries as usize)
            .unwrap_or(&[])
    }

    /// What the active hardware table holds in its entries in use, as the driver
    /// wrote it; `u16::MAX` marks an entry a failed bus access left unknown (until
    /// the next resynchronization).
    pub fn hardware_table(self) -> &'a [u16] {
        self.hardware
            .get(..self.state.hardware_entries as usize)
            .unwrap_or(&[])
    }

    /// The tracked default processor.
    pub fn default_processor(self) -> u32 {
        self.state.default_processor
    }

    /// The tracked primary processor.
    pub fn primary_processor(self) -> u32 {
        self.state.primary_processor
    }

    /// The hash secret key.
    pub fn key(self) -> &'a [u8; KEY_BYTES] {
        &self.state.key
    }

    /// The enabled hash types.
    pub fn hash_types(self) -> HashTypes {
        self.state.hash_types
    }

    /// Whether both directions of a flow hash alike (`CTRL.SYMMETRIC`).
    pub fn is_symmetric(self) -> bool {
        self.state.symmetric
    }

    /// The destination MAC address steering frames to this VPort (none for the
    /// default VPort, which gets every frame no filter claims).
    pub fn mac(self) -> Option<[u8; 6]> {
        self.state.mac()
    }

    /// The MAC filter entry this VPort uses.
    pub fn mac_filter_entry(self) -> Option<u8> {
        self.state.mac_filter_entry()
    }

    /// Where indications about this VPort go (`None` for the default VPort: the
    /// physical adapter's addressing).
    pub fn connection(self) -> Option<SwitchEndpoint> {
        self.state.connection
    }

    /// The hardware queue `processor`'s datapath queue uses.
    pub fn queue_of(self, processor: u32) -> Option<u16> {
        self.state.queue_of(processor)
    }

    /// The datapath queues, in creation order.
    pub fn datapath_queue(self, k: u16) -> Option<DatapathQueue> {
        if k >= self.state.datapath_queues {
            return None;
        }
        let k = usize::from(k);
        Some(DatapathQueue::new(
            self.state.queue_processor.get(k).copied()?,
            self.state.queue_hardware.get(k).copied()?,
        ))
    }
}

impl Entity<'_> {
    /// A read-only view.
    fn view(&self) -> ScalingEntity<'_> {
        ScalingEntity {
            state: self.s,
            table: self.table,
            hardware: self.hardware,
        }
    }

    // ------------------------------------------------------------------------
    // Writing the hardware: parameter commits, shadow tables, moves.
    //
    // While synchronized the shadow table equals the active one, which the mirror
    // knows: a table commit writes only the shadow entries that change, swaps, and
    // copies the same entries into the new shadow; a move writes both. Otherwise
    // (after a bus error, at creation) neither bank is known: every entry of both
    // is written.
    // ------------------------------------------------------------------------

    /// Writes the shadow entries the next `COMMIT.TABLE` swaps in: those of
    /// `0..entries` that differ from the mirror, or every entry of the VPort's table
    /// if `full`.
    fn write_shadow<B: RegisterBus>(
        &mut self,
        hw: &mut Adapter<B>,
        entries: u32,
        full: bool,
    ) -> Result<(), Error> {
        let v = self.vport();
        let range = if full {
            self.caps.table_entries()
        } else {
            entries
        };
        for h in 0..range {
            let Some(queue) = self.hardware_queue_for(self.table, h) else {
                continue;
            };
            if full || at(self.hardware, h) != Some(queue) {
                hw.dev.set_shadow_entry(v, h, queue)?;
            }
        }
        Ok(())
    }

    /// After a `COMMIT.TABLE` that swapped in what [`Entity::write_shadow`] wrote:
    /// updates the mirror and, unless `full`, copies the changed entries into the new
    /// shadow (the old active table). The mirror is updated even past a failed write.
    fn swap_mirror<B: RegisterBus>(
        &mut self,
        hw: &mut Adapter<B>,
        entries: u32,
        full: bool,
    ) -> Result<(), Error> {
        let v = self.vport();
        let range = if full {
            self.caps.table_entries()
        } else {
            entries
        };
        let mut written = Ok(());
        for h in 0..range {
            let Some(queue) = self.hardware_queue_for(self.table, h) else {
                if full {
                    set_at(self.hardware, h, UNKNOWN);
                }
                continue;
            };
            let old = at(self.hardware, h);
            set_at(self.hardware, h, queue);
            if !full && old != Some(queue) && written.is_ok() {
                written = hw.dev.set_shadow_entry(v, h, queue);
            }
        }
        written
    }

    /// Makes the shadow table a copy of the active one, entry by entry (an entry the
    /// mirror does not know is read from the active table, `TABLE_READ.ACTIVE`).
    fn sync_shadow<B: RegisterBus>(&mut self, hw: &mut Adapter<B>) -> Result<(), Error> {
        let v = self.vport();
        for h in 0..self.caps.table_entries() {
            let queue = match at(self.hardware, h) {
                Some(queue) if queue != UNKNOWN => queue,
                _ => {
                    let queue = hw.dev.active_entry(v, h)?;
                    set_at(self.hardware, h, queue);
                    queue
                }
            };
            hw.dev.set_shadow_entry(v, h, queue)?;
        }
        Ok(())
    }

    /// Commits `params`; with `table`, the tracked table's first `table` hardware
    /// entries are written to the shadow first and swapped in by the same commit,
    /// then copied into the new shadow.
    fn commit<B: RegisterBus>(
        &mut self,
        hw: &mut Adapter<B>,
        params: &VPortParams,
        table: Option<u32>,
    ) -> Result<(), Error> {
        let full = !self.synchronized;
        if let Some(entries) = table {
            self.write_shadow(hw, entries, full)?;
        }
        let result = hw.dev.commit(self.vport(), Some(params), table.is_some());
        if !matches!(result, Ok(()) | Err(Error::CommitUnverified { .. })) {
            return result;
        }
        self.landed = true;
        self.hardware_entries = 1u32
            .checked_shl(params.state.table_size_log2.into())
            .unwrap_or(1);
        let Some(entries) = table else {
            return result;
        };
        let copied = self.swap_mirror(hw, entries, full);
        result?;
        copied?;
        if full {
            self.sync_shadow(hw)?;
        }
        Ok(())
    }

    /// Commits the tracked state: parameters always, the table too if enabled.
    fn commit_state<B: RegisterBus>(&mut self, hw: &mut Adapter<B>) -> Result<(), Error> {
        let params = self.wanted_params(hw);
        let table = self
            .enabled
            .then(|| self.hardware_entries_for(self.system_entries));
        self.commit(hw, &params, table)
    }

    /// Moves every active hardware entry in use whose queue differs from the
    /// tracked table with `MOVE` (and the shadow's copy), carrying on past a failed
    /// move so that only the failed entries differ. `failures[h]` records why entry
    /// `h` failed; returns whether any did.
    fn move_hardware_entries<B: RegisterBus>(
        &mut self,
        hw: &mut Adapter<B>,
        entries: u32,
        failures: &mut [Option<EntryStatus>],
    ) -> bool {
        let v = self.vport();
        let mut failed = false;
        for h in 0..entries {
            let Some(queue) = self.hardware_queue_for(self.table, h) else {
                continue;
            };
            if at(self.hardware, h) == Some(queue) {
                continue;
            }
            match hw.dev.move_entry(v, h, queue) {
                Ok(()) => {
                    set_at(self.hardware, h, queue);
                    if hw.dev.set_shadow_entry(v, h, queue).is_err() {
                        // The move landed; the shadow copy is redone on the next call.
                        self.synchronized = false;
                    }
                }
                Err(e) => {
                    failed = true;
                    // The driver only moves entries in use to queues within the
                    // limit it committed: a refusal means the VPort's active state
                    // is not what the driver wrote, so the next call rewrites it.
                    self.synchronized = false;
                    let status = match e {
                        Error::MoveRefused {
                            reason: crate::regs::MoveRefusal::Entry,
                            ..
                        } => EntryStatus::InvalidParameter,
                        Error::MoveRefused { .. } => EntryStatus::QueueLimitExceeded,
                        _ => {
                            // Whether the move landed is not known.
                            set_at(self.hardware, h, UNKNOWN);
                            EntryStatus::DeviceFailure
                        }
                    };
                    set_at(failures, h, Some(status));
                }
            }
        }
        failed
    }

    /// Rewrites the active parameters, both tables and the MAC filter entry into
    /// the hardware. A no-op while synchronized; called first by every
    /// state-changing call after a bus error.
    fn resynchronize<B: RegisterBus>(&mut self, hw: &mut Adapter<B>) -> Result<(), Error> {
        if self.synchronized {
            return Ok(());
        }
        self.check_active(self.table)?;
        self.commit_state(hw)?;
        if !self.enabled {
            // No table was committed: make the shadow a copy of the active table.
            self.sync_shadow(hw)?;
        }
        if let Some((slot, mac)) = self.filter {
            let filter = MacFilter {
                mac,
                vport: self.vport(),
                valid: true,
            };
            hw.dev.set_mac_filter(slot, &filter)?;
        }
        self.synchronized = true;
        Ok(())
    }

    /// Runs `f`, which changes the tracked state and commits it, as a transaction:
    /// if it fails before a commit landed, the tracked state is as before (the
    /// mirror keeps following the hardware); once a commit landed, the new state
    /// stands. A bus error marks the hardware as possibly differing from the tracked
    /// state, so the next call rewrites it.
    fn guarded<B: RegisterBus, T>(
        &mut self,
        hw: &mut Adapter<B>,
        f: impl FnOnce(&mut Self, &mut Adapter<B>) -> Result<T, Error>,
    ) -> Result<T, Error> {
        self.resynchronize(hw)?;
        let saved = self.s.clone();
        let in_use = self.system_entries as usize;
        copy_prefix(self.saved, self.table, in_use);
        self.landed = false;
        let result = f(self, hw);
        if let Err(e) = &result {
            if !self.landed {
                let entries = self.hardware_entries;
                *self.s = saved;
                self.hardware_entries = entries;
                copy_prefix(self.table, self.saved, in_use);
            }
            if matches!(
                e,
                Error::Bus { .. } | Error::CommitUnverified { .. } | Error::CommitLost { .. }
            ) {
                self.synchronized = false;
            }
        }
        result
    }

    /// [`Self::guarded`] for a change the hardware holds only while RSS is enabled:
    /// `f` changes the tracked state, which is then committed if enabled.
    fn guarded_update<B: RegisterBus>(
        &mut self,
        hw: &mut Adapter<B>,
        f: impl FnOnce(&mut Self),
    ) -> Result<(), Error> {
        self.guarded(hw, |e, hw| {
            f(e);
            if e.enabled {
                e.commit_state(hw)?;
            }
            Ok(())
        })
    }

    // ------------------------------------------------------------------------
    // Life cycle.
    // ------------------------------------------------------------------------

    /// Seed 002's initial state: RSS disabled, one indirection entry pointing at
    /// `affinity_processor`, primary = default = `affinity_processor`. Both banks of
    /// the VPort's hardware table are written whole (so the mirror knows them), the
    /// active one swapped in with the parameters in one commit.
    fn create_initial<B: RegisterBus>(
        &mut self,
        hw: &mut Adapter<B>,
        queues: &[DatapathQueue],
        affinity_processor: u32,
    ) -> Result<(), Error> {
        self.check_queue_map(queues)?;
        let mut trial = EntityState::new(self.id, self.caps);
        trial.store_queue_map(queues);
        trial.check_processor(Steering::PrimaryProcessor, affinity_processor)?;
        self.store_queue_map(queues);
        self.primary_processor = affinity_processor;
        self.default_processor = affinity_processor;
        self.table.fill(affinity_processor);
        self.system_entries = 1;
        self.enabled = false;
        self.fixed_hardware_entries = None;
        // The hardware's content is not known: write every entry of both banks.
        self.synchronized = false;
        let mut params = self.wanted_params(hw);
        params.state.table_size_log2 = 0;
        self.commit(hw, &params, Some(self.caps.table_entries()))?;
        self.synchronized = true;
        self.created = true;
        Ok(())
    }

    /// Takes over the hardware state of the VPort (see [`Rss::new`]): its active
    /// parameters, and its active table read with `TABLE_READ.ACTIVE`. The shadow
    /// table is made a copy of it where it differs.
    fn adopt<B: RegisterBus>(&mut self, hw: &mut Adapter<B>) -> Result<(), Error> {
        let v = self.vport();
        let params = hw.dev.params(v)?;
        let s = params.state;
        let num_queues = self.caps.num_queues;
        self.set_identity_queues(num_queues);
        for h in 0..self.caps.table_entries() {
            let queue = hw.dev.active_entry(v, h)?;
            set_at(self.hardware, h, queue);
            set_at(self.table, h, queue.into());
        }
        for h in 0..self.caps.table_entries() {
            let active = at(self.hardware, h).unwrap_or(UNKNOWN);
            if hw.dev.shadow_entry(v, h)? != active {
                hw.dev.set_shadow_entry(v, h, active)?;
            }
        }
        self.hardware_entries = 1u32.checked_shl(s.table_size_log2.into()).unwrap_or(1);
        self.system_entries = self.hardware_entries;
        self.default_processor = s.default_queue.into();
        self.primary_processor = s.primary_queue.into();
        self.enabled = s.enabled;
        self.symmetric = s.symmetric;
        self.hash_types = s.hash_types;
        self.key = hash_key(&params.key);
        self.synchronized = true;
        self.created = true;
        Ok(())
    }

    fn init<B: RegisterBus>(&mut self, hw: &mut Adapter<B>, config: &Config) -> Result<(), Error> {
        let hash_types = self.resolve_hash_types(config.hash_types)?;
        if let Some(n) = config.num_queues {
            let max = self.caps.num_queues;
            if n == 0 || n > max {
                return Err(Error::QueueCount { requested: n, max });
            }
        }
        self.guarded(hw, |e, hw| {
            if let Some(n) = config.num_queues {
                e.set_identity_queues(n);
            }
            let system_entries = config.table_entries.unwrap_or(e.caps.table_entries());
            e.check_system_size(system_entries)?;
            e.check_processor(Steering::DefaultProcessor, config.default_processor)?;
            e.check_processor(Steering::PrimaryProcessor, config.primary_processor)?;
            let was_enabled = e.enabled;
            e.key = config.key;
            e.hash_types = hash_types;
            e.primary_processor = config.primary_processor;
            e.default_processor = config.default_processor;
            let mut processors = [0; QUEUE_CAPACITY];
            let count = e.datapath_processors(&mut processors);
            spread::fill_equal(e.table, processors.get(..count).unwrap_or(&[]))?;
            e.system_entries = system_entries;
            e.enabled = true;
            e.check_table(e.table)?;
            e.commit_state(hw)?;
            if config.num_queues.is_some() {
                hw.indicate(e, Event::CapabilitiesChanged);
            }
            if !was_enabled {
                hw.indicate(e, Event::RssEnabled { vport: e.id });
            }
            Ok(())
        })
    }

    // ------------------------------------------------------------------------
    // Queues.
    // ------------------------------------------------------------------------

    fn set_datapath_queues<B: RegisterBus>(
        &mut self,
        hw: &mut Adapter<B>,
        queues: &[DatapathQueue],
    ) -> Result<(), Error> {
        self.check_queue_map(queues)?;
        if self.enabled {
            let count = u16::try_from(queues.len()).unwrap_or(u16::MAX);
            self.check_queue_limit(self.table, count)?;
        }
        let mut trial = self.s.clone();
        trial.store_queue_map(queues);
        trial.check_active(self.table)?;
        self.guarded(hw, |e, hw| {
            e.store_queue_map(queues);
            e.commit_state(hw)?;
            hw.indicate(e, Event::CapabilitiesChanged);
            Ok(())
        })
    }

    fn set_queue_limit(&mut self, queues: u16) -> Result<(), Error> {
        if queues == 0 || queues > self.datapath_queues {
            return Err(Error::QueueCount {
                requested: queues,
                max: self.datapath_queues,
            });
        }
        if self.enabled {
            self.check_queue_limit(self.table, queues)?;
        }
        self.queue_limit = queues;
        Ok(())
    }

    // ------------------------------------------------------------------------
    // Table size and whole tables.
    // ------------------------------------------------------------------------

    fn set_table_size<B: RegisterBus>(
        &mut self,
        hw: &mut Adapter<B>,
        entries: u32,
    ) -> Result<(), Error> {
        self.check_system_size(entries)?;
        let old = self.system_entries;
        let smaller = entries.min(old);
        for i in smaller..old {
            if at(self.table, i) != at(self.table, wrap(i, smaller)) {
                return Err(Error::TableNotNormalized {
                    index: i,
                    entries: smaller,
                });
            }
        }
        // The grown table: entry i holds entry i mod old.
        for i in 0..entries {
            if let Some(p) = at(self.table, wrap(i, old)) {
                set_at(self.next, i, p);
            }
        }
        if self.enabled {
            // Replication keeps every flow on its processor; only a pinned hardware
            // size smaller than the grown table can make it unrepresentable.
            let previous = core::mem::replace(&mut self.system_entries, entries);
            let representable =
                self.check_representable(self.next, self.hardware_entries_for(entries));
            self.system_entries = previous;
            representable?;
        }
        self.guarded_update(hw, |e| {
            copy_prefix(e.table, e.next, entries as usize);
            e.system_entries = entries;
        })
    }

    fn set_fixed_hardware_entries<B: RegisterBus>(
        &mut self,
        hw: &mut Adapter<B>,
        entries: Option<u32>,
    ) -> Result<(), Error> {
        if let Some(n) = entries {
            hw.dev.check_table_size(n)?;
        }
        let previous = core::mem::replace(&mut self.fixed_hardware_entries, entries);
        let checked = if self.enabled {
            self.check_representable(self.table, self.hardware_entries_for(self.system_entries))
        } else {
            Ok(())
        };
        self.fixed_hardware_entries = previous;
        checked?;
        self.guarded_update(hw, |e| e.fixed_hardware_entries = entries)
    }

    fn replace_table<B: RegisterBus>(
        &mut self,
        hw: &mut Adapter<B>,
        processors: &[u32],
    ) -> Result<(), Error> {
        let entries = u32::try_from(processors.len()).unwrap_or(u32::MAX);
        if entries != self.system_entries {
            return Err(Error::TableSize {
                entries,
                max: self.system_entries,
            });
        }
        copy_prefix(self.next, processors, processors.len());
        self.replace_with_next(hw)
    }

    /// Replaces the system table in use with the first `system_entries` of
    /// `self.next` (see [`VPort::replace_table`]).
    fn replace_with_next<B: RegisterBus>(&mut self, hw: &mut Adapter<B>) -> Result<(), Error> {
        if self.enabled {
            self.check_table(self.next)?;
        }
        let in_use = self.system_entries as usize;
        self.guarded_update(hw, |e| copy_prefix(e.table, e.next, in_use))
    }

    fn spread_equal<B: RegisterBus>(&mut self, hw: &mut Adapter<B>, n: u16) -> Result<(), Error> {
        let mut processors = [0; QUEUE_CAPACITY];
        let count = self.datapath_processors(&mut processors);
        if n == 0 || usize::from(n) > count {
            return Err(Error::QueueCount {
                requested: n,
                max: self.datapath_queues,
            });
        }
        let in_use = self.system_entries as usize;
        let entries = self.next.get_mut(..in_use).unwrap_or(&mut []);
        spread::fill_equal(entries, processors.get(..usize::from(n)).unwrap_or(&[]))?;
        self.replace_with_next(hw)
    }

    fn spread_weighted<B: RegisterBus>(
        &mut self,
        hw: &mut Adapter<B>,
        weights: &[u32],
    ) -> Result<(), Error> {
        let mut processors = [0; QUEUE_CAPACITY];
        let count = self.datapath_processors(&mut processors);
        let in_use = self.system_entries as usize;
        let entries = self.next.get_mut(..in_use).unwrap_or(&mut []);
        spread::fill_weighted(entries, processors.get(..count).unwrap_or(&[]), weights)?;
        self.replace_with_next(hw)
    }
    // ------------------------------------------------------------------------
    // RSS state and hashing.
    // ------------------------------------------------------------------------

    fn enable<B: RegisterBus>(&mut self, hw: &mut Adapter<B>) -> Result<(), Error> {
        if self.enabled {
            return self.guarded(hw, |_, _| Ok(()));
        }
        self.check_table(self.table)?;
        self.check_processor(Steering::DefaultProcessor, self.default_processor)?;
        self.guarded(hw, |e, hw| {
            e.enabled = true;
            let result = e.commit_state(hw);
            if e.landed {
                hw.indicate(e, Event::RssEnabled { vport: e.id });
            }
            result
        })
    }

    fn disable<B: RegisterBus>(&mut self, hw: &mut Adapter<B>) -> Result<(), Error> {
        if !self.enabled {
            return self.guarded(hw, |_, _| Ok(()));
        }
        self.check_processor(Steering::PrimaryProcessor, self.primary_processor)?;
        self.guarded(hw, |e, hw| {
            e.enabled = false;
            let result = e.commit_state(hw);
            if e.landed {
                hw.indicate(e, Event::RssDisabled { vport: e.id });
            }
            result
        })
    }

    fn set_hash_secret_key<B: RegisterBus>(
        &mut self,
        hw: &mut Adapter<B>,
        key: &[u8],
    ) -> Result<(), Error> {
        // NDIS keys are 40 bytes (`NDIS_RSS_HASH_SECRET_KEY_MAX_SIZE_REVISION_*`); a
        // 52-byte-key build takes them zero-extended.
        let key: [u8; KEY_BYTES] = key.try_into().map_err(|_| Error::KeyLength {
            got: key.len(),
            expected: KEY_BYTES,
        })?;
        self.guarded(hw, |e, hw| {
            e.key = key;
            let result = e.commit_state(hw);
            if e.landed {
                let generation = hw.dev.commit_generation();
                if let Ok(generation) = generation {
                    hw.indicate(
                        e,
                        Event::KeyChanged {
                            vport: e.id,
                            generation,
                        },
                    );
                }
                result?;
                generation.map(drop)
            } else {
                result
            }
        })
    }

    fn set_hash_types<B: RegisterBus>(
        &mut self,
        hw: &mut Adapter<B>,
        types: HashTypes,
    ) -> Result<(), Error> {
        let types = self.resolve_hash_types(Some(types))?;
        self.guarded(hw, |e, hw| {
            e.hash_types = types;
            e.commit_state(hw)
        })
    }

    fn set_symmetric<B: RegisterBus>(
        &mut self,
        hw: &mut Adapter<B>,
        on: bool,
    ) -> Result<(), Error> {
        if on && !self.caps.features.symmetric {
            return Err(Error::MissingFeature {
                feature: "symmetric hashing",
            });
        }
        self.guarded(hw, |e, hw| {
            e.symmetric = on;
            e.commit_state(hw)
        })
    }

    // ------------------------------------------------------------------------
    // Moves.
    // ------------------------------------------------------------------------

    /// Whether batch element `entry` is for this VPort.
    fn mine(&self, entry: &IndirectionEntry) -> bool {
        entry.vport == self.id
    }

    /// The moves of `entries` naming this VPort (see [`Rss::set_indirection_entries`]);
    /// the other elements are left alone.
    fn apply_moves<B: RegisterBus>(
        &mut self,
        hw: &mut Adapter<B>,
        entries: &mut [IndirectionEntry],
    ) {
        if self.resynchronize(hw).is_err() {
            // The hardware cannot be brought to the tracked state: no move can land.
            for entry in entries.iter_mut().filter(|e| e.vport == self.id) {
                entry.status = EntryStatus::DeviceFailure;
            }
            return;
        }
        // The batch is judged on `next`, a copy of the table in use; once judged it
        // becomes the table, and `next` keeps the previous one.
        let in_use = self.system_entries as usize;
        copy_prefix(self.next, self.table, in_use);
        for entry in entries.iter_mut() {
            if self.mine(entry) {
                entry.status = self.judge_move(hw, entry);
            }
        }
        let hw_entries = self.hardware_entries_for(self.system_entries);
        if self.enabled {
            self.refuse_unrepresentable(entries, hw_entries);
            self.refuse_over_limit(entries, hw_entries);
        }
        let (table, next) = (self.table.iter_mut(), self.next.iter_mut());
        for (current, judged) in table.zip(next).take(in_use) {
            core::mem::swap(current, judged);
        }
        if self.enabled {
            let mut failures = [None; TABLE_CAPACITY];
            if self.move_hardware_entries(hw, hw_entries, &mut failures) {
                self.undo_unwritten(entries, hw_entries, &failures);
            }
        }
    }

    /// One move on its own: checks it, applies an entry move to `next`, and applies
    /// a primary/default move at once.
    fn judge_move<B: RegisterBus>(
        &mut self,
        hw: &mut Adapter<B>,
        entry: &IndirectionEntry,
    ) -> EntryStatus {
        let processor = entry.processor;
        match entry.kind {
            MoveKind::Entry(index) => {
                if index >= self.system_entries {
                    return EntryStatus::InvalidParameter;
                }
                if self.enabled && self.queue_of(processor).is_none() {
                    return EntryStatus::NoQueueForProcessor;
                }
                set_at(self.next, index, processor);
                EntryStatus::Success
            }
            MoveKind::DefaultProcessor => {
                self.move_processor(hw, self.enabled, processor, |e, p| e.default_processor = p)
            }
            MoveKind::PrimaryProcessor => {
                self.move_processor(hw, !self.enabled, processor, |e, p| e.primary_processor = p)
            }
        }
    }

    /// A primary or default move: committed if the parameter is `active`, tracked
    /// otherwise.
    fn move_processor<B: RegisterBus>(
        &mut self,
        hw: &mut Adapter<B>,
        active: bool,
        processor: u32,
        set: fn(&mut EntityState, u32),
    ) -> EntryStatus {
        if !active {
            set(self.s, processor);
            return EntryStatus::Success;
        }
        if self.queue_of(processor).is_none() {
            return EntryStatus::NoQueueForProcessor;
        }
        let before = (self.default_processor, self.primary_processor);
        set(self.s, processor);
        let params = self.wanted_params(hw);
        self.landed = false;
        match self.commit(hw, &params, None) {
            Ok(()) => EntryStatus::Success,
            Err(_) => {
                self.synchronized = false;
                if !self.landed {
                    (self.default_processor, self.primary_processor) = before;
                }
                EntryStatus::DeviceFailure
            }
        }
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
    /// batch's successful entry moves (of this VPort) into that group with `status`.
    fn refuse_group(
        &mut self,
        entries: &mut [IndirectionEntry],
        index: u32,
        hw: u32,
        status: EntryStatus,
    ) {
        let (first, step) = self.group_of(index, hw);
        let mut i = first;
        while i < self.system_entries {
            if let Some(p) = at(self.table, i) {
                set_at(self.next, i, p);
            }
            i = i.saturating_add(step.max(1));
        }
        for entry in entries.iter_mut() {
            if let (MoveKind::Entry(other), EntryStatus::Success) = (entry.kind, entry.status)
                && entry.vport == self.id
                && self.group_of(other, hw).0 == first
            {
                entry.status = status;
            }
        }
    }

    fn refuse_unrepresentable(&mut self, entries: &mut [IndirectionEntry], hw: u32) {
        if hw >= self.system_entries {
            return;
        }
        for k in 0..entries.len() {
            let Some(&IndirectionEntry {
                kind: MoveKind::Entry(index),
                status: EntryStatus::Success,
                vport,
                ..
            }) = entries.get(k)
            else {
                continue;
            };
            if vport != self.id {
                continue;
            }
            let (first, step) = self.group_of(index, hw);
            let mut i = first;
            let mut agree = true;
            while i < self.system_entries {
                agree &= at(self.next, i) == at(self.next, first);
                i = i.saturating_add(step.max(1));
            }
            if !agree {
                self.refuse_group(entries, index, hw, EntryStatus::NotRepresentable);
            }
        }
    }

    fn refuse_over_limit(&mut self, entries: &mut [IndirectionEntry], hw: u32) {
        // The tracked table meets the limit (it is active), so undoing moves
        // terminates, at the latest with the table as it was.
        while self.distinct_processors(self.next) > self.queue_limit {
            let latest = entries.iter().rposition(|e| {
                matches!(e.kind, MoveKind::Entry(_))
                    && e.status == EntryStatus::Success
                    && e.vport == self.id
            });
            let Some(MoveKind::Entry(index)) = latest.and_then(|k| entries.get(k)).map(|e| e.kind)
            else {
                break;
            };
            self.refuse_group(entries, index, hw, EntryStatus::QueueLimitExceeded);
        }
    }

    /// Why a hardware entry serving system entry `i` could not be written, if one
    /// could not.
    fn served_entry_failure(
        &self,
        i: u32,
        hw: u32,
        failures: &[Option<EntryStatus>],
    ) -> Option<EntryStatus> {
        // Expanded: entries i, i + S, i + 2S, ...; compressed: the one entry i mod H.
        let (mut h, step) = if hw < self.system_entries {
            (wrap(i, hw), hw)
        } else {
            (i, self.system_entries)
        };
        let mut failure = None;
        while h < hw {
            if at(self.hardware, h) != self.hardware_queue_for(self.table, h) {
                failure = Some(
                    at(failures, h)
                        .flatten()
                        .unwrap_or(EntryStatus::DeviceFailure),
                );
            }
            h = h.saturating_add(step.max(1));
        }
        failure
    }

    /// After failed moves: every changed system entry whose hardware entries were not
    /// all written goes back (with its group) to the previous processor, and the
    /// batch's moves into it get the failure (a refusal's status, or
    /// [`EntryStatus::DeviceFailure`]). Hardware entries that were written keep the
    /// new queue until the next call resynchronizes them. `self.next` holds the
    /// previous table. Groups are independent (no hardware entry serves two), so
    /// undoing one does not change whether another was written.
    fn undo_unwritten(
        &mut self,
        entries: &mut [IndirectionEntry],
        hw: u32,
        failures: &[Option<EntryStatus>],
    ) {
        for i in 0..self.system_entries {
            if at(self.table, i) == at(self.next, i) {
                continue;
            }
            let Some(failure) = self.served_entry_failure(i, hw, failures) else {
                continue;
            };
            let (first, step) = self.group_of(i, hw);
            let mut k = first;
            while k < self.system_entries {
                if let Some(p) = at(self.next, k) {
                    set_at(self.table, k, p);
                }
                k = k.saturating_add(step.max(1));
            }
            for entry in entries.iter_mut() {
                if let (MoveKind::Entry(other), EntryStatus::Success) = (entry.kind, entry.status)
                    && entry.vport == self.id
                    && self.group_of(other, hw).0 == first
                {
                    entry.status = failure;
                }
            }
        }
        // Hardware entries written for a group that went back differ from the
        // tracked table now.
        for h in 0..hw {
            if at(self.hardware, h) != self.hardware_queue_for(self.table, h) {
                self.synchronized = false;
            }
        }
    }
}

/// An rss-core driven with RSSv2 semantics (see the module documentation): the
/// adapter, its default VPort and the VPorts created on it.
#[derive(Debug)]
pub struct Rss<B> {
    hw: Adapter<B>,
    entities: [EntityState; VPORT_CAPACITY],
    tables: Tables,
}

/// A created VPort of an [`Rss`], borrowed to change it (see [`Rss::vport_mut`]). The
/// methods are those of [`Rss`] for the default VPort, applied to this VPort.
#[derive(Debug)]
pub struct VPort<'a, B> {
    hw: &'a mut Adapter<B>,
    entity: Entity<'a>,
}

impl<B: RegisterBus> Rss<B> {
    fn empty(dev: RssDevice<B>) -> Self {
        let caps = *dev.capabilities();
        Rss {
            hw: Adapter {
                dev,
                external_port_id: NDIS_SWITCH_DEFAULT_PORT_ID,
                indications: IndicationQueue::new(Indication::for_physical_adapter(
                    NDIS_SWITCH_DEFAULT_PORT_ID,
                    Event::CapabilitiesChanged,
                )),
            },
            entities: core::array::from_fn(|v| {
                EntityState::new(VPortId(u32::try_from(v).unwrap_or(0)), caps)
            }),
            tables: Tables::new(),
        }
    }

    fn index(&self, vport: VPortId) -> Result<usize, Error> {
        let vports = u32::from(self.hw.dev.capabilities().vports);
        let unknown = Error::UnknownVPort {
            vport: vport.0,
            vports,
        };
        if vport.0 >= vports {
            return Err(unknown);
        }
        usize::try_from(vport.0).map_err(|_| unknown)
    }

    /// Adopts the hardware's current state, so a restarted firmware takes over a
    /// running core without disturbing traffic: every VPort's active state
    /// (`VPORT_STATE`, `VPORT_QUEUES`), its table (read from the shadow, which this
    /// driver keeps a copy of the active table), and the MAC filters (a VPort other
    /// than 0 with a valid filter entry is created; its indications go to the default
    /// port until [`VPort::set_connection`]). The keys cannot be read back per VPort:
    /// each is taken to be the staged key. With no record of the OS's queues, it
    /// assumes hardware queue `q` is affinitized to processor `q` for every hardware
    /// queue; [`Rss::set_datapath_queues`] replaces that.
    pub fn new(dev: RssDevice<B>) -> Result<Self, Error> {
        let mut rss = Rss::empty(dev);
        let caps = *rss.hw.dev.capabilities();
        let Rss {
            hw,
            entities,
            tables,
        } = &mut rss;
        for n in 0..caps.mac_filters {
            let filter = hw.dev.mac_filter(n)?;
            let owner = entities.get_mut(usize::from(filter.vport));
            if let (true, Some(entity)) = (filter.valid && filter.vport != 0, owner)
                && entity.filter.is_none()
            {
                entity.filter = Some((n, filter.mac));
                entity.connection = Some(SwitchEndpoint::DEFAULT);
                entity.created = true;
            }
        }
        for entity in entities.iter_mut().take(caps.vports.into()) {
            if entity.id == VPortId::DEFAULT || entity.created {
                tables.entity(entity).adopt(hw)?;
            }
        }
        Ok(rss)
    }

    /// Creates the adapter's default VPort in its initial state (seed 002): RSS
    /// disabled, one indirection entry pointing at `affinity_processor`, primary and
    /// default processor = `affinity_processor`. `queues` are the datapath queues the
    /// OS created; the affinity processor must have one (it is the active primary).
    /// The key and hash types are kept as the hardware has them.
    pub fn create(
        dev: RssDevice<B>,
        queues: &[DatapathQueue],
        affinity_processor: u32,
    ) -> Result<Self, Error> {
        let mut rss = Rss::empty(dev);
        let Rss {
            hw,
            entities,
            tables,
        } = &mut rss;
        let params = hw.dev.params(0)?;
        let entity = entities.get_mut(0).ok_or(Error::UnknownVPort {
            vport: 0,
            vports: 0,
        })?;
        entity.key = hash_key(&params.key);
        entity.hash_types = params.state.hash_types;
        entity.symmetric = params.state.symmetric;
        tables
            .entity(entity)
            .create_initial(hw, queues, affinity_processor)?;
        Ok(rss)
    }

    /// Programs everything from `config` on the default VPort and enables RSS: key,
    /// hash types, table size, the table spread over the datapath queues' processors
    /// as `ethtool -X equal` does (entry `i` → queue `i mod n`'s processor), default
    /// and primary processor. An explicit helper for drivers that configure the core
    /// themselves; the OS path is [`Rss::create`] and then moves. The whole config is
    /// validated before any write, and applied in one commit.
    pub fn init(&mut self, config: &Config) -> Result<(), Error> {
        self.default_vport()?.init(config)
    }

    // ------------------------------------------------------------------------
    // VPorts.
    // ------------------------------------------------------------------------

    fn default_vport(&mut self) -> Result<VPort<'_, B>, Error> {
        self.vport_mut(VPortId::DEFAULT)
    }

    fn entity0(&self) -> Option<ScalingEntity<'_>> {
        self.entities.first().map(|e| self.tables.view(e))
    }

    /// VPort `vport`'s tracked state, if it exists.
    pub fn vport(&self, vport: VPortId) -> Option<ScalingEntity<'_>> {
        let v = self.index(vport).ok()?;
        let state = self.entities.get(v).filter(|e| e.created)?;
        Some(self.tables.view(state))
    }

    /// VPort `vport`, to change it; [`Error::UnknownVPort`] if it does not exist.
    pub fn vport_mut(&mut self, vport: VPortId) -> Result<VPort<'_, B>, Error> {
        let vports = u32::from(self.hw.dev.capabilities().vports);
        let v = self.index(vport)?;
        let Rss {
            hw,
            entities,
            tables,
        } = self;
        match entities.get_mut(v) {
            Some(state) if state.created => Ok(VPort {
                hw,
                entity: tables.entity(state),
            }),
            _ => Err(Error::UnknownVPort {
                vport: vport.0,
                vports,
            }),
        }
    }

    /// The created VPorts, the default one first.
    pub fn vports(&self) -> impl Iterator<Item = ScalingEntity<'_>> {
        self.entities
            .iter()
            .filter(|e| e.created)
            .map(|e| self.tables.view(e))
    }

    /// Creates VPort `vport` (NDIS `OID_NIC_SWITCH_CREATE_VPORT` with its receive
    /// filter): its state is seed 002's initial one (RSS disabled, one indirection
    /// entry on `config.affinity_processor`, primary = default = that processor, the
    /// NDIS default hash types and key), committed before a MAC filter entry starts
    /// steering frames to `config.mac` to it. Indicates [`Event::VPortCreated`] to
    /// the partition's connection. Refused, changing nothing, for the default VPort,
    /// an existing VPort, a MAC another VPort has, or with every filter entry in use.
    pub fn create_vport(&mut self, vport: VPortId, config: &VPortConfig<'_>) -> Result<(), Error> {
        let v = self.index(vport)?;
        if vport == VPortId::DEFAULT {
            return Err(Error::DefaultVPort);
        }
        if self.entities.get(v).is_some_and(|e| e.created) {
            return Err(Error::VPortExists { vport: vport.0 });
        }
        if let Some(other) = self
            .entities
            .iter()
            .find(|e| e.created && e.mac() == Some(config.mac))
        {
            return Err(Error::DuplicateMac {
                mac: config.mac,
                vport: other.id.0,
            });
        }
        let caps = *self.hw.dev.capabilities();
        let slot = (0..caps.mac_filters)
            .find(|&n| {
                !self
                    .entities
                    .iter()
                    .any(|e| e.mac_filter_entry() == Some(n))
            })
            .ok_or(Error::NoFreeMacFilter {
                mac_filters: caps.mac_filters,
            })?;
        let Rss {
            hw,
            entities,
            tables,
        } = self;
        let entity = entities.get_mut(v).ok_or(Error::UnknownVPort {
            vport: vport.0,
            vports: caps.vports.into(),
        })?;
        let mut fresh = EntityState::new(vport, caps);
        fresh.key = MS_DEFAULT_KEY;
        fresh.hash_types = HashTypes(NDIS_DEFAULT_HASH_TYPES.0 & caps.hash_types.0);
        fresh.connection = Some(config.connection);
        // The previous occupant's table mirror stays valid for the same hardware.
        fresh.hardware_entries = entity.hardware_entries;
        let before = core::mem::replace(entity, fresh);
        let created =
            tables
                .entity(entity)
                .create_initial(hw, config.queues, config.affinity_processor);
        if let Err(e) = created {
            // Nothing is reachable: the VPort stays as it was, but whatever its
            // hardware state is now, the next creation rewrites all of it.
            *entity = before;
            entity.synchronized = false;
            return Err(e);
        }
        // From here the VPort exists in hardware; the filter makes it reachable.
        let filter = MacFilter {
            mac: config.mac,
            vport: entity.vport(),
            valid: true,
        };
        if let Err(e) = hw.dev.set_mac_filter(slot, &filter) {
            // Not reachable (the entry is cleared first, and again here as far as
            // the bus lets): undo the creation; its state is rewritten by the next.
            let _ = hw.dev.clear_mac_filter(slot);
            entity.created = false;
            return Err(e);
        }
        entity.filter = Some((slot, config.mac));
        hw.indicate(entity, Event::VPortCreated { vport });
        Ok(())
    }

    /// Deletes VPort `vport` (NDIS `OID_NIC_SWITCH_DELETE_VPORT`), whether RSS is
    /// enabled on it or not (seed 002): its MAC filter entry is made invalid first,
    /// so no frame reaches it, then its state goes back to the initial one after
    /// reset (RSS disabled, one entry, queue 0) in one commit. Nothing of it is left
    /// pending: moves are synchronous. Indicates [`Event::VPortDeleted`].
    pub fn delete_vport(&mut self, vport: VPortId) -> Result<(), Error> {
        if vport == VPortId::DEFAULT {
            return Err(Error::DefaultVPort);
        }
        let v = self.index(vport)?;
        let caps = *self.hw.dev.capabilities();
        let Rss {
            hw,
            entities,
            tables,
        } = self;
        let entity = match entities.get_mut(v) {
            Some(entity) if entity.created => entity,
            _ => {
                return Err(Error::UnknownVPort {
                    vport: vport.0,
                    vports: caps.vports.into(),
                });
            }
        };
        if let Some((slot, _)) = entity.filter
            && let Err(e) = hw.dev.clear_mac_filter(slot)
        {
            // Whether frames still reach it is not known: the VPort stays, and its
            // next call (or a retried deletion) rewrites its filter first.
            entity.synchronized = false;
            return Err(e);
        }
        // Unreachable from here: the VPort is gone whatever the reset below does.
        let mut gone = EntityState::new(vport, caps);
        gone.connection = entity.connection;
        gone.hardware_entries = entity.hardware_entries;
        gone.synchronized = entity.synchronized;
        *entity = gone;
        hw.indicate(entity, Event::VPortDeleted { vport });
        // The reset state: every entry on queue 0 (datapath queue 0 is processor 0's).
        let initial = VPortParams::initial(0, caps.num_queues);
        entity.store_queue_map(&[DatapathQueue::new(0, 0)]);
        let mut reset = tables.entity(entity);
        reset.table.fill(0);
        let result = reset.commit(hw, &initial, Some(caps.table_entries()));
        if result.is_err() {
            reset.synchronized = false;
        }
        entity.store_queue_map(&[]);
        entity.connection = None;
        result
    }

    // ------------------------------------------------------------------------
    // Moves across VPorts.
    // ------------------------------------------------------------------------

    /// Applies a batch of moves (`OID_GEN_RSS_SET_INDIRECTION_TABLE_ENTRIES`,
    /// `EvtNetAdapterReceiveScalingSetIndirectionEntries`), setting each entry's
    /// [`EntryStatus`]. Elements may name different VPorts (seed 002); each VPort's
    /// moves are judged on its own table, and an element naming a VPort that does
    /// not exist is [`EntryStatus::UnknownVPort`]. Returns `Ok` only if every move
    /// succeeded, otherwise [`Error::EntriesFailed`] with the counts; successful
    /// moves stay applied.
    ///
    /// Per VPort, entry moves are judged on the table as the whole batch leaves it (a
    /// later move of the same index wins): first each on its own (index, and while
    /// active, a queue for the processor), then, for a compressed table, per shared
    /// hardware entry (all its system entries must end up on one processor, else all
    /// the batch's moves into it are [`EntryStatus::NotRepresentable`]), then the
    /// queue limit (invariant 2: the latest moves are refused, with the other moves
    /// of the entries they touch, until the table fits). Primary and default moves
    /// take effect in batch order. While enabled, entries change with `MOVE`; a move
    /// the hardware refuses (`MOVE_STATUS`: entry past the VPort's active table size,
    /// queue above its queue limit) fails with [`EntryStatus::InvalidParameter`] or
    /// [`EntryStatus::QueueLimitExceeded`] and keeps the entry's processor; the
    /// VPort's hardware state then differs from what the driver wrote and is
    /// rewritten by its next call ([`Rss::resynchronize`]).
    pub fn set_indirection_entries(
        &mut self,
        entries: &mut [IndirectionEntry],
    ) -> Result<(), Error> {
        for entry in entries.iter_mut() {
            entry.status = if self.vport(entry.vport).is_some() {
                EntryStatus::Pending
            } else {
                EntryStatus::UnknownVPort
            };
        }
        let Rss {
            hw,
            entities,
            tables,
        } = self;
        for entity in entities.iter_mut().filter(|e| e.created) {
            if entries.iter().any(|e| e.vport == entity.id) {
                tables.entity(entity).apply_moves(hw, entries);
            }
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

    /// The hash self-test of VPort `vport` (see [`VPort::self_test`]): any created
    /// VPort, [`Error::UnknownVPort`] otherwise. Returns the number of probes run.
    pub fn self_test(&mut self, vport: VPortId) -> Result<u32, Error> {
        self.vport_mut(vport)?.self_test()
    }

    // ------------------------------------------------------------------------
    // Statistics.
    // ------------------------------------------------------------------------

    /// The record counters of VPort `vport` (see [`VPort::statistics`]): any created
    /// VPort, [`Error::UnknownVPort`] otherwise.
    pub fn statistics(&mut self, vport: VPortId) -> Result<VPortStatistics, Error> {
        self.vport_mut(vport)?.statistics()
    }

    /// The record counters summed over every VPort of the hardware, created or not
    /// ([`RssDevice::total_statistics`]): the adapter's records per hash type,
    /// unhashed and malformed. Free-running: compare two snapshots.
    pub fn total_statistics(&mut self) -> Result<VPortStatistics, Error> {
        self.hw.dev.total_statistics()
    }

    /// The register writes the core refused since reset ([`RssDevice::refused`]). The
    /// driver's calls add only `MOVE`s the hardware refused (a VPort whose hardware
    /// state was changed behind the driver's back); anything else is another writer's.
    pub fn refused(&mut self) -> Result<Refused, Error> {
        self.hw.dev.refused()
    }

    // ------------------------------------------------------------------------
    // Capabilities and indications.
    // ------------------------------------------------------------------------

    /// The capabilities to report (see [`ReceiveScalingCapabilities`]).
    pub fn receive_scaling_capabilities(&self) -> ReceiveScalingCapabilities {
        let caps = self.hw.dev.capabilities();
        let system_max = u32::try_from(system_capacity(caps)).unwrap_or(u32::MAX);
        ReceiveScalingCapabilities {
            receive_queues: self.num_queues(),
            hardware_queues: caps.num_queues,
            indirection_table_entries: system_max,
            hardware_table_entries: caps.table_entries(),
            hash_secret_key_bytes: caps.key_bytes,
            hash_types: caps.hash_types,
            independent_entry_move: caps.features.moves,
            vports: caps.vports.into(),
            mac_filters: caps.mac_filters.into(),
            table_entries_per_vport: system_max,
            table_entries_per_non_default_vport: system_max,
            hardware_table_entries_per_vport: caps.table_entries(),
            symmetric_hashing: caps.features.symmetric,
            hash_self_test: caps.features.hash_probe,
            statistics: caps.features.counters,
        }
    }

    /// Where indications about the physical adapter come from: the extensible
    /// switch port the external network adapter is connected to.
    pub fn set_external_port_id(&mut self, port_id: u32) {
        self.hw.external_port_id = port_id;
        self.hw
            .indications
            .set_loss_addressing(Indication::for_physical_adapter(
                port_id,
                Event::CapabilitiesChanged,
            ));
    }

    /// The oldest pending status indication (see [`crate::indication`]).
    pub fn poll_indication(&mut self) -> Option<Indication> {
        self.hw.indications.poll()
    }

    /// The underlying device, for capabilities and the bus.
    pub fn device(&self) -> &RssDevice<B> {
        &self.hw.dev
    }

    /// The bus, for bus-level concerns (fault injection, power). Register writes made
    /// through it desynchronise the driver's view.
    pub fn bus_mut(&mut self) -> &mut B {
        self.hw.dev.bus_mut()
    }

    /// Gives the device back.
    pub fn into_device(self) -> RssDevice<B> {
        self.hw.dev
    }
}

/// The default VPort's operations and state on [`Rss`] (each as the [`VPort`]
/// method of the same name on VPort 0).
impl<B: RegisterBus> Rss<B> {
    /// See [`VPort::set_datapath_queues`].
    pub fn set_datapath_queues(&mut self, queues: &[DatapathQueue]) -> Result<(), Error> {
        self.default_vport()?.set_datapath_queues(queues)
    }

    /// See [`VPort::set_num_queues`].
    pub fn set_num_queues(&mut self, num_queues: u16) -> Result<(), Error> {
        self.default_vport()?.set_num_queues(num_queues)
    }

    /// See [`VPort::set_queue_limit`].
    pub fn set_queue_limit(&mut self, queues: u16) -> Result<(), Error> {
        self.default_vport()?.set_queue_limit(queues)
    }

    /// See [`VPort::set_table_size`].
    pub fn set_table_size(&mut self, entries: u32) -> Result<(), Error> {
        self.default_vport()?.set_table_size(entries)
    }

    /// See [`VPort::set_fixed_hardware_entries`].
    pub fn set_fixed_hardware_entries(&mut self, entries: Option<u32>) -> Result<(), Error> {
        self.default_vport()?.set_fixed_hardware_entries(entries)
    }

    /// See [`VPort::replace_table`].
    pub fn replace_table(&mut self, processors: &[u32]) -> Result<(), Error> {
        self.default_vport()?.replace_table(processors)
    }

    /// See [`VPort::spread_equal`].
    pub fn spread_equal(&mut self, n: u16) -> Result<(), Error> {
        self.default_vport()?.spread_equal(n)
    }

    /// See [`VPort::spread_weighted`].
    pub fn spread_weighted(&mut self, weights: &[u32]) -> Result<(), Error> {
        self.default_vport()?.spread_weighted(weights)
    }

    /// See [`VPort::enable`].
    pub fn enable(&mut self) -> Result<(), Error> {
        self.default_vport()?.enable()
    }

    /// See [`VPort::disable`].
    pub fn disable(&mut self) -> Result<(), Error> {
        self.default_vport()?.disable()
    }

    /// See [`VPort::set_default_processor`].
    pub fn set_default_processor(&mut self, processor: u32) -> Result<(), Error> {
        self.default_vport()?.set_default_processor(processor)
    }

    /// See [`VPort::set_primary_processor`].
    pub fn set_primary_processor(&mut self, processor: u32) -> Result<(), Error> {
        self.default_vport()?.set_primary_processor(processor)
    }

    /// See [`VPort::set_hash_secret_key`].
    pub fn set_hash_secret_key(&mut self, key: &[u8]) -> Result<(), Error> {
        self.default_vport()?.set_hash_secret_key(key)
    }

    /// See [`VPort::set_hash_types`].
    pub fn set_hash_types(&mut self, types: HashTypes) -> Result<(), Error> {
        self.default_vport()?.set_hash_types(types)
    }

    /// See [`VPort::set_symmetric`].
    pub fn set_symmetric(&mut self, on: bool) -> Result<(), Error> {
        self.default_vport()?.set_symmetric(on)
    }

    /// Rewrites every VPort's active parameters into the hardware where a bus error
    /// left them differing (see [`VPort::resynchronize`]); returns the first error.
    pub fn resynchronize(&mut self) -> Result<(), Error> {
        let Rss {
            hw,
            entities,
            tables,
        } = self;
        let mut first = Ok(());
        for entity in entities.iter_mut().filter(|e| e.created) {
            first = first.and(tables.entity(entity).resynchronize(hw));
        }
        first
    }

    /// Whether RSS is enabled on the default VPort.
    pub fn is_enabled(&self) -> bool {
        self.entity0().is_some_and(ScalingEntity::is_enabled)
    }

    /// Whether the hardware holds the active parameters of every VPort (false after a
    /// bus error, until [`Rss::resynchronize`] or the next state-changing call of
    /// that VPort succeeds).
    pub fn is_synchronized(&self) -> bool {
        self.entities
            .iter()
            .filter(|e| e.created)
            .all(|e| e.synchronized)
    }

    /// The default VPort's datapath queues.
    pub fn num_queues(&self) -> u16 {
        self.entity0().map_or(0, ScalingEntity::num_queues)
    }

    /// The default VPort's configured number of queues.
    pub fn queue_limit(&self) -> u16 {
        self.entity0().map_or(0, ScalingEntity::queue_limit)
    }

    /// The default VPort's system indirection entries.
    pub fn table_entries(&self) -> u32 {
        self.entity0().map_or(0, ScalingEntity::table_entries)
    }

    /// The default VPort's hardware indirection entries in use.
    pub fn hardware_entries(&self) -> u32 {
        self.entity0().map_or(0, ScalingEntity::hardware_entries)
    }

    /// The default VPort's tracked system table (see [`ScalingEntity::active_table`]).
    pub fn active_table(&self) -> &[u32] {
        self.entity0().map_or(&[], ScalingEntity::active_table)
    }

    /// The default VPort's hardware table in use, as the driver wrote it.
    pub fn hardware_table(&self) -> &[u16] {
        self.entity0().map_or(&[], ScalingEntity::hardware_table)
    }

    /// The default VPort's tracked default processor.
    pub fn default_processor(&self) -> u32 {
        self.entity0().map_or(0, ScalingEntity::default_processor)
    }

    /// The default VPort's tracked primary processor.
    pub fn primary_processor(&self) -> u32 {
        self.entity0().map_or(0, ScalingEntity::primary_processor)
    }

    /// The hardware queue `processor`'s datapath queue of the default VPort uses.
    pub fn queue_of(&self, processor: u32) -> Option<u16> {
        self.entity0().and_then(|e| e.queue_of(processor))
    }

    /// The default VPort's datapath queues, in creation order.
    pub fn datapath_queue(&self, k: u16) -> Option<DatapathQueue> {
        self.entity0().and_then(|e| e.datapath_queue(k))
    }
}

impl<B: RegisterBus> VPort<'_, B> {
    /// The VPort's tracked state.
    pub fn state(&self) -> ScalingEntity<'_> {
        self.entity.view()
    }

    /// The VPort.
    pub fn id(&self) -> VPortId {
        self.entity.id
    }

    /// Where indications about this VPort go: its partition's network connection
    /// (seed 004). Not for the default VPort, whose indications are the physical
    /// adapter's ([`Rss::set_external_port_id`]).
    pub fn set_connection(&mut self, connection: SwitchEndpoint) -> Result<(), Error> {
        if self.entity.id == VPortId::DEFAULT {
            return Err(Error::DefaultVPort);
        }
        self.entity.connection = Some(connection);
        Ok(())
    }

    /// Programs everything from `config` and enables RSS (see [`Rss::init`]).
    pub fn init(&mut self, config: &Config) -> Result<(), Error> {
        self.entity.init(self.hw, config)
    }

    /// Records the datapath queues the OS created for the VPort (NetAdapterCx
    /// `EvtNetAdapterCreateRxQueue`, NDIS queue allocation): from now on every
    /// steering parameter is translated through this map, and the configured number
    /// of queues becomes `queues.len()`. The active parameters are rewritten through
    /// the new map in one commit; refused (nothing changes) if an active parameter's
    /// processor would lose its queue ([`Error::InvalidSteering`]) or the active table
    /// references more processors than there are queues ([`Error::TooManyProcessors`],
    /// invariant 1). The VPort's `QUEUE_LIMIT` becomes the highest of the hardware
    /// queues.
    pub fn set_datapath_queues(&mut self, queues: &[DatapathQueue]) -> Result<(), Error> {
        self.entity.set_datapath_queues(self.hw, queues)
    }

    /// Identity queue map: datapath queues `0..n`, queue `q` on processor `q`
    /// (see [`VPort::set_datapath_queues`]).
    pub fn set_num_queues(&mut self, num_queues: u16) -> Result<(), Error> {
        let max = self.entity.caps.num_queues;
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

    /// Sets the VPort's configured number of queues (NDIS `NumberOfQueues`): the most
    /// distinct processors the active table may reference, at most the datapath
    /// queues. Refused with [`Error::TooManyProcessors`] if the active table
    /// references more (invariant 1); a tracked table is checked on enable.
    pub fn set_queue_limit(&mut self, queues: u16) -> Result<(), Error> {
        self.entity.set_queue_limit(queues)
    }

    /// Changes the number of system indirection entries (NDIS
    /// `NumberOfIndirectionTableEntries`): a power of two up to [`TABLE_CAPACITY`],
    /// larger than the hardware table if need be (it is then compressed).
    /// Invariant 3: refused with [`Error::TableNotNormalized`] unless the table is
    /// periodic in the smaller size; growing replicates entry `i mod old` into entry
    /// `i`, so no flow changes processor either way. While enabled, the new table and
    /// size are committed together.
    pub fn set_table_size(&mut self, entries: u32) -> Result<(), Error> {
        self.entity.set_table_size(self.hw, entries)
    }

    /// Pins the hardware table at `entries` (a power of two up to the hardware's), or
    /// with `None` lets it follow the system table. While enabled the table is
    /// rewritten for the new size; refused with [`Error::NotRepresentable`] if a
    /// compressed table cannot hold it.
    pub fn set_fixed_hardware_entries(&mut self, entries: Option<u32>) -> Result<(), Error> {
        self.entity.set_fixed_hardware_entries(self.hw, entries)
    }

    /// Replaces the whole system table (RSSv1 `OID_GEN_RECEIVE_SCALE_PARAMETERS`,
    /// `ethtool -X`): `processors.len()` must be the system size. While enabled the
    /// table is validated as a whole (queues, invariant 2, representability), written
    /// to the shadow table and swapped in by one commit, or refused unchanged if
    /// invalid; while disabled it is tracked.
    pub fn replace_table(&mut self, processors: &[u32]) -> Result<(), Error> {
        self.entity.replace_table(self.hw, processors)
    }

    /// `ethtool -X equal N`: the system table over the first `n` datapath queues'
    /// processors, entry `i` → queue `i mod n`.
    pub fn spread_equal(&mut self, n: u16) -> Result<(), Error> {
        self.entity.spread_equal(self.hw, n)
    }

    /// `ethtool -X weight W0 W1 ...`: datapath queue `k` gets a share of the system
    /// table proportional to `weights[k]` (one weight per datapath queue).
    pub fn spread_weighted(&mut self, weights: &[u32]) -> Result<(), Error> {
        self.entity.spread_weighted(self.hw, weights)
    }

    /// Enables RSS, activating the tracked table and default processor: validates
    /// them (a queue for every processor, invariant 2, representability), writes the
    /// table to the shadow and commits it with the parameters, so traffic never sees
    /// a partly applied state. Refused (RSS stays disabled) if any is invalid.
    /// Already enabled: nothing to do.
    pub fn enable(&mut self) -> Result<(), Error> {
        self.entity.enable(self.hw)
    }

    /// Disables RSS (every packet to the primary processor), activating the tracked
    /// primary processor: refused with [`Error::InvalidSteering`] (RSS stays enabled)
    /// if it has no queue. The table is kept, so a later enable resumes it.
    pub fn disable(&mut self) -> Result<(), Error> {
        self.entity.disable(self.hw)
    }

    fn single_move(
        &mut self,
        kind: MoveKind,
        processor: u32,
        parameter: Steering,
    ) -> Result<(), Error> {
        let entry = IndirectionEntry::with_kind(kind, processor).on_vport(self.entity.id);
        let mut batch = [entry];
        self.entity.apply_moves(self.hw, &mut batch);
        match batch.first().map(|e| e.status) {
            Some(EntryStatus::Success) => Ok(()),
            Some(EntryStatus::NoQueueForProcessor) => Err(Error::InvalidSteering {
                parameter,
                processor,
                num_queues: self.entity.datapath_queues,
            }),
            Some(EntryStatus::DeviceFailure) => Err(Error::EntriesFailed {
                invalid: 0,
                device: 1,
            }),
            _ => Err(Error::EntriesFailed {
                invalid: 1,
                device: 0,
            }),
        }
    }

    /// Moves the default processor: a one-move batch (see
    /// [`IndirectionEntry::default_processor`]) with its status as an error.
    pub fn set_default_processor(&mut self, processor: u32) -> Result<(), Error> {
        self.single_move(
            MoveKind::DefaultProcessor,
            processor,
            Steering::DefaultProcessor,
        )
    }

    /// Moves the primary processor (`OID_NIC_SWITCH_VPORT_PARAMETERS` with the
    /// processor affinity changed): a one-move batch (see
    /// [`IndirectionEntry::primary_processor`]) with its status as an error.
    pub fn set_primary_processor(&mut self, processor: u32) -> Result<(), Error> {
        self.single_move(
            MoveKind::PrimaryProcessor,
            processor,
            Steering::PrimaryProcessor,
        )
    }

    /// Loads a new hash secret key for the VPort (committed with its other
    /// parameters) and indicates it ([`Event::KeyChanged`]).
    pub fn set_hash_secret_key(&mut self, key: &[u8]) -> Result<(), Error> {
        self.entity.set_hash_secret_key(self.hw, key)
    }

    /// Selects the VPort's hash types; refuses any the hardware cannot hash.
    pub fn set_hash_types(&mut self, types: HashTypes) -> Result<(), Error> {
        self.entity.set_hash_types(self.hw, types)
    }

    /// Hashes both directions of a flow alike on this VPort (`CTRL.SYMMETRIC`: the
    /// hardware folds source and destination before hashing, so any key works).
    pub fn set_symmetric(&mut self, on: bool) -> Result<(), Error> {
        self.entity.set_symmetric(self.hw, on)
    }

    /// Rewrites the VPort's active parameters into the hardware (the table, its size
    /// and the default queue while enabled; the primary queue while disabled; the
    /// key and hash types always). A no-op while synchronized; called first by every
    /// state-changing call after a bus error.
    pub fn resynchronize(&mut self) -> Result<(), Error> {
        self.entity.resynchronize(self.hw)
    }

    /// The hash self-test of this VPort ([`RssDevice::self_test`]): the hardware's
    /// hash probe of every published Microsoft verification vector, as every hash
    /// type of its family, against the bit-by-bit Toeplitz hash with the key the
    /// driver committed and the steering rule with the VPort's committed state. The
    /// expected queue of a hashed probe is the driver's mirror of the active hardware
    /// table where it knows the entry, else the entry read back from the hardware.
    /// Returns the number of probes; [`Error::SelfTestFailed`] names the first
    /// disagreement. Changes no steering state and no tracked state, so it may run at
    /// any time on a live VPort.
    pub fn self_test(&mut self) -> Result<u32, Error> {
        let vport = self.entity.vport();
        let mirror = self.entity.view().hardware_table();
        self.hw.dev.self_test_with_mirror(vport, mirror)
    }

    /// The VPort's record counters ([`RssDevice::vport_statistics`]): records per hash
    /// type, unhashed and malformed, free-running since the FPGA was configured. They
    /// belong to the hardware VPort, not to this creation of it: a VPort deleted and
    /// created again carries on counting, so take a snapshot when it is created and
    /// report [`VPortStatistics::since`] it. [`Error::MissingFeature`] on a core
    /// without the counters. Changes nothing.
    pub fn statistics(&mut self) -> Result<VPortStatistics, Error> {
        self.hw.dev.vport_statistics(self.entity.vport())
    }
}
