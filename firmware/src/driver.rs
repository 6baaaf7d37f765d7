//! [`RssDevice`]: one method per hardware operation.
//!
//! Every argument is checked against the discovered [`Capabilities`] before the bus is
//! touched, so a rejected call leaves the hardware exactly as it was.
//!
//! # Staging and commits
//!
//! Each VPort's RSS parameters (enable, symmetric hashing, hash types, table size,
//! default, primary and queue limit, key) are written through one shared *staging
//! set* and applied to a VPort by `COMMIT.PARAMS`, all at once. The key cannot be read
//! back per VPort, so the device remembers what it last committed to each VPort
//! ([`RssDevice::params`]) and every change writes the complete set
//! ([`RssDevice::commit_params`]); the single-parameter setters of the default VPort
//! ([`RssDevice::set_key`], [`RssDevice::enable`], ...) change one field of it.
//!
//! # Tables
//!
//! `TABLE` reads and writes reach each VPort's *shadow* table; `COMMIT.TABLE` swaps
//! it in. `MOVE` changes one entry of the *active* table. The driver keeps the shadow a
//! copy of the active table ([`RssDevice::replace_table`] and [`RssDevice::set_entry`]
//! write both), so reading the shadow reads the active table back.
//!
//! # Hash probe and self-test
//!
//! `PROBE` runs a hash input through the datapath's own hash unit, key and steering
//! rule for one VPort, without steering anything ([`RssDevice::probe_hash`]).
//! [`RssDevice::self_test`] probes every published Microsoft verification vector as
//! every hash type of its address family and compares each result with the
//! specification: the bit-by-bit Toeplitz hash ([`rss_model::toeplitz_bitwise`]) with
//! the key the driver committed to the VPort, and the queue the steering rule gives
//! with the driver's view of the VPort and its active table. It changes no steering
//! state, so it runs on a live VPort.
//!
//! # Statistics
//!
//! [`RssDevice::vport_statistics`] reads a VPort's record counters (`COUNTERS`), per
//! hash type, unhashed and malformed; [`RssDevice::refused`] the refused register
//! writes and moves (`REFUSED`). The counters are free-running and wrap: callers
//! compare two snapshots ([`crate::VPortStatistics::since`]; see
//! [`crate::statistics`]).

use rss_model::regmap::{MAX_KEY_BYTES, MAX_VPORTS, RegisterMap};
use rss_model::toeplitz::KEY_BYTES;
use rss_model::tuple::{Transport, Tuple};
use rss_model::vectors::{self, Vector};
use rss_model::{HashType, HashTypes, TUPLE_BYTES, toeplitz_bitwise};

use crate::bus::RegisterBus;
use crate::error::Error;
use crate::regs::{Capabilities, MacFilter, ProbeResult, Regs, VPortParams, VPortState};
use crate::statistics::{Refused, VPortStatistics};

/// A probed rss-core behind bus `B`.
#[derive(Debug)]
pub struct RssDevice<B> {
    bus: B,
    caps: Capabilities,
    regs: Regs,
    /// What was last committed to each VPort (read back at probe; the key there is
    /// the staged key, the only one readable).
    committed: [VPortParams; MAX_VPORTS as usize],
    /// What `TABLE_READ.ACTIVE` holds (`None` after a failed write: not known).
    table_read_active: Option<bool>,
}

/// The default VPort.
const DEFAULT: u8 = 0;

/// Marks an entry of a driver's table mirror whose content is not known.
const UNKNOWN_ENTRY: u16 = u16::MAX;

/// The hash input of published vector `vector` as hash type `t` (addresses, and the
/// ports for a TCP or UDP type), if the vector is of `t`'s address family.
fn vector_input(vector: &Vector, t: HashType) -> Option<Tuple> {
    if vector.src.is_ipv4() != t.is_ipv4() {
        return None;
    }
    let transport = match t {
        HashType::UdpIpv4 | HashType::UdpIpv6 | HashType::UdpIpv6Ex => Transport::Udp,
        _ => Transport::Tcp,
    };
    if t.has_ports() {
        Tuple::with_ports(
            vector.src,
            vector.dst,
            vector.sport,
            vector.dport,
            transport,
        )
    } else {
        Tuple::addresses(vector.src, vector.dst)
    }
}

impl<B: RegisterBus> RssDevice<B> {
    /// Identifies the block (`ID`, `VERSION`), reads its capabilities, every
    /// VPort's active state and `TABLE_READ`, and resolves the register map of this build. Reads only;
    /// configuration is left as found, so probing a running core does not disturb
    /// traffic. The VPorts' active keys cannot be read back: each is assumed to be the
    /// staged key (true for a core whose VPorts share a key, and after reset).
    pub fn probe(mut bus: B) -> Result<Self, Error> {
        let caps = Capabilities::discover(&mut bus)?;
        let regs = Regs::new(&caps);
        let mut key = [0; MAX_KEY_BYTES];
        for (n, bytes) in (0..regs.key_words()).zip(key.chunks_exact_mut(4)) {
            bytes.copy_from_slice(&regs.key_word(&mut bus, n)?.to_be_bytes());
        }
        let mut committed = [VPortParams::initial(0, caps.num_queues); MAX_VPORTS as usize];
        for (v, slot) in (0..caps.vports).zip(committed.iter_mut()) {
            *slot = VPortParams {
                state: regs.vport_state(&mut bus, v)?,
                key,
            };
        }
        let table_read_active = Some(regs.table_read_active(&mut bus)?);
        Ok(RssDevice {
            bus,
            caps,
            regs,
            committed,
            table_read_active,
        })
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

    fn check_vport(&self, vport: u8) -> Result<usize, Error> {
        if vport >= self.caps.vports {
            return Err(Error::UnknownVPort {
                vport: vport.into(),
                vports: self.caps.vports.into(),
            });
        }
        Ok(usize::from(vport))
    }

    // ------------------------------------------------------------------------
    // Per-VPort parameters: the staging set and COMMIT.
    // ------------------------------------------------------------------------

    /// What was last committed to `vport` (its active parameters, if no one else
    /// writes the block).
    pub fn params(&self, vport: u8) -> Result<VPortParams, Error> {
        let v = self.check_vport(vport)?;
        self.committed.get(v).copied().ok_or(Error::UnknownVPort {
            vport: vport.into(),
            vports: self.caps.vports.into(),
        })
    }

    /// `vport`'s active state as the hardware reads it back (`VPORT_STATE`,
    /// `VPORT_QUEUES`).
    pub fn vport_state(&mut self, vport: u8) -> Result<VPortState, Error> {
        self.regs.vport_state(&mut self.bus, vport)
    }

    fn check_params(&self, params: &VPortParams) -> Result<(), Error> {
        let s = &params.state;
        let supported = self.caps.hash_types;
        if s.hash_types.0 & !supported.0 != 0 {
            return Err(Error::UnsupportedHashTypes {
                requested: s.hash_types,
                supported,
            });
        }
        if s.symmetric && !self.caps.features.symmetric {
            return Err(Error::MissingFeature {
                feature: "symmetric hashing",
            });
        }
        if s.table_size_log2 > self.caps.table_entries_log2 {
            return Err(Error::TableSize {
                entries: 1u32.checked_shl(s.table_size_log2.into()).unwrap_or(0),
                max: self.caps.table_entries(),
            });
        }
        for queue in [s.default_queue, s.primary_queue, s.queue_limit] {
            self.check_queue(queue)?;
        }
        Ok(())
    }

    /// Commits to `vport`: with `params`, the complete staging set is written and
    /// becomes its active state; with `table`, its shadow table is swapped in; both
    /// in one `COMMIT` write, so one frame sees all of the change or none of it.
    /// `STATUS.COMMIT_GENERATION` must then have advanced by exactly one, else
    /// [`Error::CommitLost`] (nothing committed). With neither, nothing is written.
    ///
    /// Every parameter is checked before the first write. A bus error while staging
    /// commits nothing; [`Error::CommitUnverified`] means the commit was written but
    /// not confirmed, and is treated as done.
    pub fn commit(
        &mut self,
        vport: u8,
        params: Option<&VPortParams>,
        table: bool,
    ) -> Result<(), Error> {
        let v = self.check_vport(vport)?;
        if let Some(p) = params {
            self.check_params(p)?;
        }
        if params.is_none() && !table {
            return Ok(());
        }
        let before = self.regs.commit_generation(&mut self.bus)?;
        if let Some(p) = params {
            self.regs.stage(&mut self.bus, p)?;
        }
        self.regs
            .commit(&mut self.bus, vport, params.is_some(), table)?;
        let after = self.regs.commit_generation(&mut self.bus);
        let confirmed = match after {
            Ok(after) if after == self.regs.next_commit_generation(before) => Ok(()),
            Ok(after) => return Err(Error::CommitLost { before, after }),
            Err(Error::Bus { error, .. }) => Err(Error::CommitUnverified { error }),
            Err(e) => Err(e),
        };
        if let (Some(p), Some(slot)) = (params, self.committed.get_mut(v)) {
            *slot = *p;
        }
        confirmed
    }

    /// Commits the complete parameter set `params` to `vport` (see
    /// [`RssDevice::commit`]).
    pub fn commit_params(&mut self, vport: u8, params: &VPortParams) -> Result<(), Error> {
        self.commit(vport, Some(params), false)
    }

    /// Changes one thing of the default VPort's committed parameters and commits them.
    fn update_default(&mut self, change: impl FnOnce(&mut VPortParams)) -> Result<(), Error> {
        let mut params = self.params(DEFAULT)?;
        change(&mut params);
        self.commit_params(DEFAULT, &params)
    }

    /// Commits so far (`STATUS.COMMIT_GENERATION`, wrapping).
    pub fn commit_generation(&mut self) -> Result<u16, Error> {
        self.regs.commit_generation(&mut self.bus)
    }

    /// Records dropped because the record FIFO was full (`RECORD_DROPS`): only a
    /// tap-mode build drops records; it counts from reset and wraps at 2^32.
    pub fn record_drops(&mut self) -> Result<u32, Error> {
        self.regs.record_drops(&mut self.bus)
    }

    // ------------------------------------------------------------------------
    // The default VPort's parameters, one at a time.
    // ------------------------------------------------------------------------

    /// A key of `CAPS.KEY_BYTES`, or of 40 bytes (NDIS's) on a 52-byte-key build,
    /// zero-extended: no hash reads past byte 40, so both hash alike.
    fn check_key(&self, key: &[u8]) -> Result<[u8; MAX_KEY_BYTES], Error> {
        let expected = self.caps.key_bytes;
        if key.len() != expected && key.len() != KEY_BYTES {
            return Err(Error::KeyLength {
                got: key.len(),
                expected,
            });
        }
        Ok(crate::regs::widen_key(key))
    }

    /// Loads a new Toeplitz secret key for the default VPort: the complete staging
    /// set with the new key, one `COMMIT.PARAMS`, so packets never see a half-written
    /// key; a lost commit is reported ([`Error::CommitLost`]). The key is
    /// `CAPS.KEY_BYTES` long; a 52-byte-key build also takes a 40-byte key (see
    /// [`crate::regs::widen_key`]).
    pub fn set_key(&mut self, key: &[u8]) -> Result<(), Error> {
        let key = self.check_key(key)?;
        self.update_default(|p| p.key = key)
    }

    /// Reads the staged key into `out` (exactly `key_bytes` long): the key of the last
    /// commit with parameters, whichever VPort it was for.
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

    /// Selects the default VPort's hash types; refuses any the hardware cannot hash
    /// rather than silently dropping them (the register check is numeric, not a
    /// subset check, so the driver does it).
    pub fn set_hash_types(&mut self, types: HashTypes) -> Result<(), Error> {
        self.update_default(|p| p.state.hash_types = types)
    }

    /// The default VPort's active hash types.
    pub fn hash_types(&mut self) -> Result<HashTypes, Error> {
        Ok(self.vport_state(DEFAULT)?.hash_types)
    }

    /// Hashes both directions of a flow alike on the default VPort (`CTRL.SYMMETRIC`).
    pub fn set_symmetric(&mut self, on: bool) -> Result<(), Error> {
        self.update_default(|p| p.state.symmetric = on)
    }

    /// The `TABLE_SIZE.LOG2` for `entries`, or why it is not a valid table size (a
    /// power of two no larger than one VPort's table). Touches nothing.
    pub fn check_table_size(&self, entries: u32) -> Result<u8, Error> {
        let max = self.caps.table_entries();
        if !entries.is_power_of_two() || entries > max {
            return Err(Error::TableSize { entries, max });
        }
        u8::try_from(entries.trailing_zeros()).map_err(|_| Error::TableSize { entries, max })
    }

    /// Sets how many entries of the default VPort's table are in use: the hash's low
    /// `log2(entries)` bits index the table. Entries past the old size steer with
    /// whatever they hold.
    pub fn set_table_size(&mut self, entries: u32) -> Result<(), Error> {
        let log2 = self.check_table_size(entries)?;
        self.update_default(|p| p.state.table_size_log2 = log2)
    }

    /// Entries of the default VPort's table in use (active).
    pub fn table_size(&mut self) -> Result<u32, Error> {
        let log2 = self.vport_state(DEFAULT)?.table_size_log2;
        1u32.checked_shl(log2.into()).ok_or(Error::ValueOutOfRange {
            register: "VPORT_STATE",
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

    /// Entries of `vport`'s table in use, as last committed.
    fn committed_entries(&self, vport: u8) -> Result<u32, Error> {
        let log2 = self.params(vport)?.state.table_size_log2;
        Ok(1u32.checked_shl(log2.into()).unwrap_or(0))
    }

    fn check_index(&self, index: u32, entries: u32) -> Result<(), Error> {
        if index >= entries {
            return Err(Error::IndexOutOfRange { index, entries });
        }
        Ok(())
    }

    /// Queue for unhashable packets of the default VPort while RSS is enabled (NDIS
    /// default processor).
    pub fn set_default_queue(&mut self, queue: u16) -> Result<(), Error> {
        self.check_queue(queue)?;
        self.update_default(|p| p.state.default_queue = queue)
    }

    /// The default VPort's active default queue.
    pub fn default_queue(&mut self) -> Result<u16, Error> {
        Ok(self.vport_state(DEFAULT)?.default_queue)
    }

    /// Queue for every packet of the default VPort while RSS is disabled (NDIS
    /// primary processor).
    pub fn set_primary_queue(&mut self, queue: u16) -> Result<(), Error> {
        self.check_queue(queue)?;
        self.update_default(|p| p.state.primary_queue = queue)
    }

    /// The default VPort's active primary queue.
    pub fn primary_queue(&mut self) -> Result<u16, Error> {
        Ok(self.vport_state(DEFAULT)?.primary_queue)
    }

    /// The highest queue a move on the default VPort may name (`QUEUE_LIMIT`).
    pub fn set_queue_limit(&mut self, last_queue: u16) -> Result<(), Error> {
        self.check_queue(last_queue)?;
        self.update_default(|p| p.state.queue_limit = last_queue)
    }

    /// Starts steering the default VPort by hash. Key, table and queues are used as
    /// they are now.
    pub fn enable(&mut self) -> Result<(), Error> {
        self.update_default(|p| p.state.enabled = true)
    }

    /// Stops hashing on the default VPort: every packet goes to the primary queue.
    /// Nothing else changes, so a later [`RssDevice::enable`] resumes with the same
    /// table.
    pub fn disable(&mut self) -> Result<(), Error> {
        self.update_default(|p| p.state.enabled = false)
    }

    /// Whether RSS is enabled on the default VPort (active state).
    pub fn is_enabled(&mut self) -> Result<bool, Error> {
        Ok(self.vport_state(DEFAULT)?.enabled)
    }

    // ------------------------------------------------------------------------
    // Tables.
    // ------------------------------------------------------------------------

    /// Points `TABLE` reads at the active tables or the shadow tables
    /// (`TABLE_READ.ACTIVE`), unless they already are.
    fn select_table_read(&mut self, active: bool) -> Result<(), Error> {
        if self.table_read_active == Some(active) {
            return Ok(());
        }
        self.table_read_active = None;
        self.regs.set_table_read_active(&mut self.bus, active)?;
        self.table_read_active = Some(active);
        Ok(())
    }

    /// Entry `index` of `vport`'s shadow table (what `TABLE` writes wrote).
    pub fn shadow_entry(&mut self, vport: u8, index: u32) -> Result<u16, Error> {
        self.check_vport(vport)?;
        self.select_table_read(false)?;
        self.regs.table_entry(&mut self.bus, vport, index)
    }

    /// Entry `index` of `vport`'s active table (what steers), read with
    /// `TABLE_READ.ACTIVE` set: e.g. to take over a running core whose shadow tables
    /// are not copies of the active ones.
    pub fn active_entry(&mut self, vport: u8, index: u32) -> Result<u16, Error> {
        self.check_vport(vport)?;
        self.select_table_read(true)?;
        self.regs.table_entry(&mut self.bus, vport, index)
    }

    /// Writes entry `index` of `vport`'s shadow table (steers after
    /// `COMMIT.TABLE`).
    pub fn set_shadow_entry(&mut self, vport: u8, index: u32, queue: u16) -> Result<(), Error> {
        self.check_queue(queue)?;
        self.regs
            .set_shadow_entry(&mut self.bus, vport, index, queue)
    }

    /// `MOVE`: entry `index` of `vport`'s *active* table to `queue`, at once. The
    /// hardware refuses ([`Error::MoveRefused`]) an entry past the VPort's active
    /// table size or a queue above its queue limit. The shadow is not written.
    pub fn move_entry(&mut self, vport: u8, index: u32, queue: u16) -> Result<(), Error> {
        self.check_vport(vport)?;
        self.check_queue(queue)?;
        self.regs.move_entry(&mut self.bus, vport, index, queue)
    }

    /// Replaces `vport`'s table: writes `queues` to the shadow entries `0..len`, swaps
    /// them in with one `COMMIT.TABLE`, then copies them into the new shadow so that
    /// it reads the active table back. Every queue is checked before the first
    /// write.
    pub fn replace_table(&mut self, vport: u8, queues: &[u16]) -> Result<(), Error> {
        self.check_vport(vport)?;
        let entries = self.caps.table_entries();
        let len = u32::try_from(queues.len()).unwrap_or(u32::MAX);
        if len > entries {
            return Err(Error::IndexOutOfRange {
                index: len.saturating_sub(1),
                entries,
            });
        }
        for &queue in queues {
            self.check_queue(queue)?;
        }
        for (index, &queue) in (0..).zip(queues) {
            self.set_shadow_entry(vport, index, queue)?;
        }
        self.commit(vport, None, true)?;
        for (index, &queue) in (0..).zip(queues) {
            self.set_shadow_entry(vport, index, queue)?;
        }
        Ok(())
    }

    /// Points entry `index` (in use) of the default VPort's active table at `queue`
    /// with a `MOVE`, then writes the shadow's copy.
    pub fn set_entry(&mut self, index: u32, queue: u16) -> Result<(), Error> {
        self.check_index(index, self.committed_entries(DEFAULT)?)?;
        self.check_queue(queue)?;
        self.move_entry(DEFAULT, index, queue)?;
        self.set_shadow_entry(DEFAULT, index, queue)
    }

    /// Moves the default VPort's entries starting at `first` (all in use) to
    /// `queues`, one [`RssDevice::set_entry`] each. Every index and queue is checked
    /// before the first write, so a bad argument changes nothing; a bus error stops
    /// at the failing entry.
    pub fn set_entries(&mut self, first: u32, queues: &[u16]) -> Result<(), Error> {
        let entries = self.committed_entries(DEFAULT)?;
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
            self.set_entry(index, queue)?;
        }
        Ok(())
    }

    /// The queue entry `index` of the default VPort's active table points at.
    pub fn entry(&mut self, index: u32) -> Result<u16, Error> {
        self.check_index(index, self.caps.table_entries())?;
        self.active_entry(DEFAULT, index)
    }

    // ------------------------------------------------------------------------
    // Hash probe and self-test.
    // ------------------------------------------------------------------------

    /// Probes the hardware's hash and steering (`PROBE`): what a frame of `hash_type`
    /// whose hash input is `input` would get on `vport`: the Toeplitz hash of `input`
    /// with the VPort's active key (reported even if the VPort does not hash the
    /// type), whether it would be hashed (RSS enabled and the type enabled), and its
    /// queue (the indirection entry's if hashed, else the default queue, or the
    /// primary queue with RSS disabled). `input` is the NDIS hash input (source
    /// address, destination address, then source and destination port, network
    /// order), exactly `hash_type.input_bytes()` long; it is hashed as given, with
    /// no symmetric fold and no fallback to the address-only type.
    ///
    /// Refused before the bus is touched: an input of another length
    /// ([`Error::InputLength`]), a VPort the build lacks ([`Error::UnknownVPort`]), a
    /// core without the hash probe ([`Error::MissingFeature`]) or a hash type it
    /// cannot hash ([`Error::UnsupportedHashTypes`]). [`Error::ProbeLost`] if the probe
    /// count shows the probe lost or raced (see [`Regs::probe_hash`]). Changes no
    /// configuration.
    pub fn probe_hash(
        &mut self,
        vport: u8,
        hash_type: HashType,
        input: &[u8],
    ) -> Result<ProbeResult, Error> {
        let expected = hash_type.input_bytes();
        if input.len() != expected {
            return Err(Error::InputLength {
                hash_type,
                got: input.len(),
                expected,
            });
        }
        self.check_vport(vport)?;
        self.check_probe(hash_type)?;
        // Zero past the input: the probe input is always written whole.
        let mut bytes = [0; TUPLE_BYTES];
        for (byte, &given) in bytes.iter_mut().zip(input) {
            *byte = given;
        }
        self.regs
            .probe_hash(&mut self.bus, vport, hash_type, &bytes)
    }

    fn check_probe(&self, hash_type: HashType) -> Result<(), Error> {
        if !self.caps.features.hash_probe {
            return Err(Error::MissingFeature {
                feature: "hash probe",
            });
        }
        if !self.caps.hash_types.contains(hash_type) {
            return Err(Error::UnsupportedHashTypes {
                requested: HashTypes::NONE.with(hash_type),
                supported: self.caps.hash_types,
            });
        }
        Ok(())
    }

    /// The hash self-test of `vport`: probes every published Microsoft verification
    /// vector ([`rss_model::vectors::published`]) as every hash type of its address
    /// family the core can hash (IPv4 rows: `IPV4`, `TCP_IPV4`, `UDP_IPV4`; IPv6 rows:
    /// the six IPv6 types, ports included for the TCP and UDP ones) and compares each
    /// result with the specification:
    ///
    /// - the hash with [`rss_model::toeplitz_bitwise`] under the key the driver last
    ///   committed to `vport` ([`RssDevice::params`]; after [`RssDevice::probe`], the
    ///   staged key, which a restarted driver assumes every VPort has);
    /// - hashed and queue with the steering rule under the driver's view of `vport`
    ///   (enabled, hash types, table size, default and primary queue as committed)
    ///   and the active table entry the expected hash selects, read back with
    ///   `TABLE_READ.ACTIVE` (restored afterwards).
    ///
    /// Returns the number of probes run. The first disagreement is
    /// [`Error::SelfTestFailed`], naming the vector and hash type. Refused before the
    /// bus is touched for a VPort the build lacks or a core without the hash probe.
    ///
    /// Changes no steering state, so it may run on a live VPort: only the probe
    /// registers change (`PROBE_INPUT` holds the last vector, `PROBE_HASH` and
    /// `PROBE_RESULT` its result, `PROBE_RESULT.COUNT` advanced by the probes run),
    /// and `TABLE_READ` is put back as it was.
    pub fn self_test(&mut self, vport: u8) -> Result<u32, Error> {
        self.self_test_with_mirror(vport, &[])
    }

    /// [`RssDevice::self_test`], with the queues the caller believes `vport`'s active
    /// table holds in its entries in use (`mirror`, [`u16::MAX`] for an entry not
    /// known): an expected queue comes from the mirror where it knows the entry, else
    /// from the hardware. An empty mirror, or one whose length is not the committed
    /// table size, is not used.
    pub(crate) fn self_test_with_mirror(
        &mut self,
        vport: u8,
        mirror: &[u16],
    ) -> Result<u32, Error> {
        self.check_vport(vport)?;
        if !self.caps.features.hash_probe {
            return Err(Error::MissingFeature {
                feature: "hash probe",
            });
        }
        let table_read = match self.table_read_active {
            Some(active) => active,
            None => {
                let active = self.regs.table_read_active(&mut self.bus)?;
                self.table_read_active = Some(active);
                active
            }
        };
        let tested = self.run_self_test(vport, mirror);
        let restored = self.select_table_read(table_read);
        let probes = tested?;
        restored.map(|()| probes)
    }

    fn run_self_test(&mut self, vport: u8, mirror: &[u16]) -> Result<u32, Error> {
        let params = self.params(vport)?;
        let state = params.state;
        let entries = 1u32.checked_shl(state.table_size_log2.into()).unwrap_or(0);
        let mirror = if u32::try_from(mirror.len()).ok() == Some(entries) {
            mirror
        } else {
            &[]
        };
        let mut probes = 0u32;
        for (n, vector) in (0u32..).zip(vectors::published()) {
            for &hash_type in HashType::ALL.iter() {
                if !self.caps.hash_types.contains(hash_type) {
                    continue;
                }
                let Some(tuple) = vector_input(&vector, hash_type) else {
                    continue;
                };
                let input = tuple
                    .bytes
                    .get(..hash_type.input_bytes())
                    .unwrap_or(&tuple.bytes);
                let found = self.probe_hash(vport, hash_type, input)?;
                let hash = toeplitz_bitwise(&params.key, input).map_err(|_| Error::KeyLength {
                    got: params.key.len(),
                    expected: input.len().saturating_add(4),
                })?;
                let hashed = state.enabled && state.hash_types.contains(hash_type);
                let queue = if !state.enabled {
                    state.primary_queue
                } else if !hashed {
                    state.default_queue
                } else {
                    let index = hash & entries.wrapping_sub(1);
                    let known = usize::try_from(index)
                        .ok()
                        .and_then(|i| mirror.get(i))
                        .copied()
                        .filter(|&q| q != UNKNOWN_ENTRY);
                    match known {
                        Some(q) => q,
                        None => self.active_entry(vport, index)?,
                    }
                };
                let expected = ProbeResult {
                    hash,
                    hashed,
                    queue,
                };
                if found != expected {
                    return Err(Error::SelfTestFailed {
                        vport,
                        hash_type,
                        vector: n,
                        expected,
                        found,
                    });
                }
                probes = probes.saturating_add(1);
            }
        }
        Ok(probes)
    }

    // ------------------------------------------------------------------------
    // Statistics.
    // ------------------------------------------------------------------------

    fn check_counters(&self) -> Result<(), Error> {
        if !self.caps.features.counters {
            return Err(Error::MissingFeature {
                feature: "statistics counters",
            });
        }
        Ok(())
    }

    /// `vport`'s record counters (`COUNTERS`): records delivered per hash type,
    /// unhashed and malformed, free-running since the FPGA was configured (kept across
    /// reset and VPort re-creation) and wrapping at 2^32, so only the difference of two
    /// snapshots means something ([`VPortStatistics::since`]; see
    /// [`crate::statistics`]). Eleven reads, one per class, not one instant.
    ///
    /// Refused before the bus is touched for a VPort the build lacks
    /// ([`Error::UnknownVPort`]) or a core without the counters
    /// ([`Error::MissingFeature`]). Writes nothing.
    pub fn vport_statistics(&mut self, vport: u8) -> Result<VPortStatistics, Error> {
        self.check_vport(vport)?;
        self.check_counters()?;
        self.regs.vport_statistics(&mut self.bus, vport)
    }

    /// Every VPort's record counters summed, counter by counter (wrapping): e.g.
    /// [`VPortStatistics::hashed_of`] of it is a hash type's records over all VPorts.
    /// Free-running like each VPort's ([`RssDevice::vport_statistics`]); refused before
    /// the bus is touched on a core without the counters.
    pub fn total_statistics(&mut self) -> Result<VPortStatistics, Error> {
        self.check_counters()?;
        (0..self.caps.vports)
            .map(|v| self.vport_statistics(v))
            .sum()
    }

    /// `REFUSED`: register writes the core answered with SLVERR since reset, and the
    /// refused `MOVE`s among them, each wrapping at 16 bits ([`Refused::since`] for a
    /// delta). The driver's own calls add only the `MOVE`s the hardware refuses
    /// ([`Error::MoveRefused`]): it checks every other argument before the bus.
    /// Refused before the bus is touched on a core without the counters.
    pub fn refused(&mut self) -> Result<Refused, Error> {
        self.check_counters()?;
        self.regs.refused(&mut self.bus)
    }

    // ------------------------------------------------------------------------
    // MAC filters.
    // ------------------------------------------------------------------------

    fn check_filter(&self, n: u8) -> Result<(), Error> {
        if n >= self.caps.mac_filters {
            return Err(Error::IndexOutOfRange {
                index: n.into(),
                entries: self.caps.mac_filters.into(),
            });
        }
        Ok(())
    }

    /// Destination-MAC filter entry `n`.
    pub fn mac_filter(&mut self, n: u8) -> Result<MacFilter, Error> {
        self.check_filter(n)?;
        self.regs.mac_filter(&mut self.bus, n)
    }

    /// Makes destination-MAC filter entry `n` match nothing (one write).
    pub fn clear_mac_filter(&mut self, n: u8) -> Result<(), Error> {
        self.check_filter(n)?;
        self.regs.clear_mac_filter(&mut self.bus, n)
    }

    /// Writes destination-MAC filter entry `n` (invalid first, so no frame matches a
    /// half-written entry).
    pub fn set_mac_filter(&mut self, n: u8, filter: &MacFilter) -> Result<(), Error> {
        self.check_filter(n)?;
        self.check_vport(filter.vport)?;
        self.regs.set_mac_filter(&mut self.bus, n, filter)
    }
}
