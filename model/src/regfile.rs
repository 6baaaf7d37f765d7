//! Behaviour of the register block, derived generically from the [`RegisterMap`]:
//! what every read and write answers and what it changes. The cosim replays the same
//! bus traffic here and compares responses, read data and steering.
//!
//! State beyond the plain registers: the staged key, the MAC filters, each VPort's
//! active state (what `COMMIT.PARAMS` copied from the staging set) and the two banks of
//! the table pool (each VPort's active table is in one, its shadow in the other).

use crate::hash_type::HashType;
use crate::hash_type::HashTypes;
use crate::regmap::{
    Access, KEY_WORDS, MAX_KEY_BYTES, MAX_MAC_FILTERS, MAX_TABLE_POOL, MAX_VPORTS, PROBE_WORDS,
    ParamError, Params, RegisterMap, counter, field, index,
};
use crate::steer::{ProbeResult, Record, SteerConfig, TransmitQueue, probe, steer, transmit_queue};
use crate::toeplitz::ToeplitzTable;
use crate::tuple::{TUPLE_BYTES, Tuple};

/// Why a bus access fails; the hardware answers every one of them with SLVERR and
/// changes nothing (a refused `MOVE` changes `MOVE_STATUS` only).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RegError {
    /// No register at this address.
    Unmapped,
    /// Write to a read-only register.
    ReadOnly,
    /// The written value sets a bit outside every field or a field above its maximum.
    IllegalValue,
    /// A `MOVE` the VPort's active state does not allow (entry past its table size,
    /// queue above its queue limit).
    Refused,
}

/// `MOVE_STATUS.RESULT` values.
pub mod move_result {
    pub const NONE: u32 = 0;
    pub const MOVED: u32 = 1;
    pub const ENTRY_OUT_OF_RANGE: u32 = 2;
    pub const QUEUE_OUT_OF_RANGE: u32 = 3;
}

/// The RSS state a VPort steers with: what the last `COMMIT.PARAMS` for it applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VportState {
    pub enabled: bool,
    pub symmetric: bool,
    pub hash_types: HashTypes,
    pub table_size_log2: u8,
    pub default_queue: u16,
    pub primary_queue: u16,
    /// Highest queue a `MOVE` may name.
    pub queue_limit: u16,
    /// The secret key: the build's `key_bytes`, zero beyond.
    pub key: [u8; MAX_KEY_BYTES],
    /// Bank of the table pool holding the active table (the shadow is the other one).
    pub table_bank: usize,
}

impl VportState {
    /// Seed 002's new scaling entity: RSS disabled, one indirection entry, primary =
    /// default = queue 0, every queue allowed.
    fn initial(params: &Params) -> Self {
        VportState {
            enabled: false,
            symmetric: false,
            hash_types: HashTypes::NONE,
            table_size_log2: 0,
            default_queue: 0,
            primary_queue: 0,
            queue_limit: params.num_queues - 1,
            key: [0; MAX_KEY_BYTES],
            table_bank: 0,
        }
    }
}

/// Register contents plus the VPorts' active state; everything the datapath acts on.
#[derive(Debug, Clone)]
pub struct RegFile {
    map: RegisterMap,
    /// Current value of every plain register (arrays keep their own storage).
    values: [u32; index::COUNT],
    /// `KEY`, then `KEY_EXT`.
    key_staged: [u32; MAX_KEY_WORDS],
    probe_input: [u32; PROBE_WORDS as usize],
    mac_lo: [u32; MAX_MAC_FILTERS as usize],
    mac_hi: [u32; MAX_MAC_FILTERS as usize],
    vports: [VportState; MAX_VPORTS as usize],
    hashers: [ToeplitzTable; MAX_VPORTS as usize],
    tables: [[u16; MAX_TABLE_POOL as usize]; 2],
    /// `COUNTERS` (block RAM: kept across rst).
    counters: [u32; COUNTER_ELEMENTS],
}

const MAX_KEY_WORDS: usize = MAX_KEY_BYTES / 4;
const COUNTER_ELEMENTS: usize = MAX_VPORTS as usize * counter::PER_VPORT as usize;

/// Byte-strobe bits expanded to a bit mask.
pub fn strobe_mask(strb: u8) -> u32 {
    (0..4)
        .filter(|b| strb & (1 << b) != 0)
        .fold(0, |m, b| m | 0xff << (8 * b))
}

impl RegFile {
    /// The block as it is after FPGA configuration: every register at its reset value
    /// and the tables zeroed.
    pub fn new(params: Params) -> Result<RegFile, ParamError> {
        let map = RegisterMap::new(params)?;
        let hasher = ToeplitzTable::new(&[0; MAX_KEY_BYTES]).expect("a key of 40 bytes or more");
        let mut regs = RegFile {
            values: [0; index::COUNT],
            key_staged: [0; MAX_KEY_WORDS],
            probe_input: [0; PROBE_WORDS as usize],
            mac_lo: [0; MAX_MAC_FILTERS as usize],
            mac_hi: [0; MAX_MAC_FILTERS as usize],
            vports: [VportState::initial(&params); MAX_VPORTS as usize],
            hashers: core::array::from_fn(|_| hasher.clone()),
            tables: [[0; MAX_TABLE_POOL as usize]; 2],
            counters: [0; COUNTER_ELEMENTS],
            map,
        };
        regs.reset();
        Ok(regs)
    }

    /// Synchronous `rst`: registers, staged key, MAC filters and every VPort back to
    /// reset values. The table pool and `COUNTERS` live in block RAM and are kept; each
    /// VPort's active table is bank 0 again.
    pub fn reset(&mut self) {
        for (i, value) in self.values.iter_mut().enumerate() {
            *value = self.map.register(i).reset;
        }
        self.key_staged = [0; MAX_KEY_WORDS];
        self.probe_input = [0; PROBE_WORDS as usize];
        self.mac_lo = [0; MAX_MAC_FILTERS as usize];
        self.mac_hi = [0; MAX_MAC_FILTERS as usize];
        let initial = VportState::initial(&self.map.params);
        for v in 0..MAX_VPORTS as usize {
            self.set_vport(v, initial);
        }
    }

    pub fn map(&self) -> &RegisterMap {
        &self.map
    }

    fn params(&self) -> &Params {
        &self.map.params
    }

    /// A bus read.
    pub fn read(&self, addr: u32) -> Result<u32, RegError> {
        let (reg_index, element) = self.map.decode(addr).ok_or(RegError::Unmapped)?;
        let e = element as usize;
        Ok(match reg_index {
            index::KEY => self.key_staged[e],
            index::KEY_EXT => self.key_staged[KEY_WORDS as usize + e],
            index::PROBE_INPUT => self.probe_input[e],
            index::TABLE => {
                let active = self.bank_of_element(e);
                let read_active = field::TABLE_READ_ACTIVE.get(self.values[index::TABLE_READ]) == 1;
                let bank = if read_active { active } else { 1 - active };
                u32::from(self.tables[bank][e])
            }
            index::MAC_FILTER_LO => self.mac_lo[e],
            index::MAC_FILTER_HI => self.mac_hi[e],
            index::COUNTERS => self.counters[e],
            index::VPORT_STATE => {
                let v = &self.vports[e];
                field::VPORT_STATE_ENABLE.put(u32::from(v.enabled))
                    | field::VPORT_STATE_SYMMETRIC.put(u32::from(v.symmetric))
                    | field::VPORT_STATE_TABLE_SIZE_LOG2.put(u32::from(v.table_size_log2))
                    | field::VPORT_STATE_HASH_TYPES.put(u32::from(v.hash_types.0))
            }
            index::VPORT_QUEUES => {
                let v = &self.vports[e];
                field::VPORT_QUEUES_DEFAULT.put(u32::from(v.default_queue))
                    | field::VPORT_QUEUES_PRIMARY.put(u32::from(v.primary_queue))
                    | field::VPORT_QUEUES_LIMIT.put(u32::from(v.queue_limit))
            }
            _ if self.map.register(reg_index).access == Access::WriteTrigger => 0,
            _ => self.values[reg_index],
        })
    }

    /// A bus write with byte strobes (`strb` bit n enables data byte n). A refused write
    /// changes nothing but `REFUSED` (and `MOVE_STATUS` for a refused `MOVE`).
    pub fn write(&mut self, addr: u32, data: u32, strb: u8) -> Result<(), RegError> {
        let outcome = self.write_register(addr, data, strb);
        if let Err(e) = outcome {
            let refused = &mut self.values[index::REFUSED];
            let writes = field::REFUSED_WRITES.get(*refused).wrapping_add(1);
            let moves = field::REFUSED_MOVES
                .get(*refused)
                .wrapping_add(u32::from(e == RegError::Refused));
            *refused = field::REFUSED_WRITES.put(writes) | field::REFUSED_MOVES.put(moves);
        }
        outcome
    }

    /// A delivered record counts in `COUNTERS` (see [`counter`]): the datapath's event,
    /// which a test that takes records reports here.
    pub fn count_record(&mut self, record: &Record, flags: u8) {
        debug_assert!(
            record.vport < self.params().vports,
            "{record:?}: no such VPort"
        );
        let element = counter::element(record.vport, counter::class(record.hash_type, flags));
        let count = &mut self.counters[element as usize];
        *count = count.wrapping_add(1);
    }

    fn write_register(&mut self, addr: u32, data: u32, strb: u8) -> Result<(), RegError> {
        let (reg_index, element) = self.map.decode(addr).ok_or(RegError::Unmapped)?;
        let reg = *self.map.register(reg_index);
        let old = match reg.access {
            Access::ReadOnly => return Err(RegError::ReadOnly),
            Access::WriteTrigger => 0,
            Access::ReadWrite => self.read(addr)?,
        };
        let enabled = strobe_mask(strb & 0xf);
        let merged = (data & enabled) | (old & !enabled);
        if !reg.accepts(merged) {
            return Err(RegError::IllegalValue);
        }
        let e = element as usize;
        match reg_index {
            index::KEY => self.key_staged[e] = merged,
            index::KEY_EXT => self.key_staged[KEY_WORDS as usize + e] = merged,
            index::PROBE_INPUT => self.probe_input[e] = merged,
            index::PROBE => self.run_probe(&reg, merged),
            index::TABLE => {
                let shadow = 1 - self.bank_of_element(e);
                self.tables[shadow][e] = merged as u16;
            }
            index::MAC_FILTER_LO => self.mac_lo[e] = merged,
            index::MAC_FILTER_HI => self.mac_hi[e] = merged,
            index::COMMIT => self.commit(&reg, merged),
            index::MOVE => return self.move_entry(&reg, merged),
            _ => self.values[reg_index] = merged,
        }
        Ok(())
    }

    /// VPort whose table a `TABLE` element belongs to, and that table's active bank.
    fn bank_of_element(&self, element: usize) -> usize {
        self.vports[element >> self.params().table_entries_log2].table_bank
    }

    fn commit(&mut self, reg: &crate::regmap::Register, value: u32) {
        let vport = field_value(reg, "VPORT", value) as usize;
        let params = field::COMMIT_PARAMS.get(value) == 1;
        let table = field::COMMIT_TABLE.get(value) == 1;
        if params {
            let mut state = self.staged_state();
            state.table_bank = self.vports[vport].table_bank;
            self.set_vport(vport, state);
        }
        if table {
            self.vports[vport].table_bank ^= 1;
        }
        if params || table {
            let generation = &mut self.values[index::STATUS];
            let counter = field::STATUS_COMMIT_GENERATION;
            *generation = counter.put(counter.get(*generation).wrapping_add(1));
        }
    }

    fn move_entry(&mut self, reg: &crate::regmap::Register, value: u32) -> Result<(), RegError> {
        let entry = field_value(reg, "ENTRY", value) as usize;
        let queue = field_value(reg, "QUEUE", value) as u16;
        let v = field_value(reg, "VPORT", value) as usize;
        let state = self.vports[v];
        let result = if entry >> state.table_size_log2 != 0 {
            move_result::ENTRY_OUT_OF_RANGE
        } else if queue > state.queue_limit {
            move_result::QUEUE_OUT_OF_RANGE
        } else {
            move_result::MOVED
        };
        let status = &mut self.values[index::MOVE_STATUS];
        let count = field::MOVE_STATUS_COUNT.get(*status);
        let count = if result == move_result::MOVED {
            count.wrapping_add(1)
        } else {
            count
        };
        *status = field::MOVE_STATUS_RESULT.put(result) | field::MOVE_STATUS_COUNT.put(count);
        if result != move_result::MOVED {
            return Err(RegError::Refused);
        }
        let base = v << self.params().table_entries_log2;
        self.tables[state.table_bank][base + entry] = queue;
        Ok(())
    }

    /// A `PROBE` write: the result of [`probe`] lands in `PROBE_HASH` and
    /// `PROBE_RESULT`, whose `COUNT` advances.
    fn run_probe(&mut self, reg: &crate::regmap::Register, value: u32) {
        let v = field_value(reg, "VPORT", value) as usize;
        let hash_type = HashType::from_bit(field::PROBE_TYPE.get(value) as u8)
            .expect("PROBE.TYPE is limited to the hash types");
        let result = self.probe(v, hash_type, &self.probe_input_bytes());
        let queue = self.map.register(index::PROBE_RESULT).fields()[0];
        let status = self.values[index::PROBE_RESULT];
        let count = field::PROBE_RESULT_COUNT.get(status).wrapping_add(1);
        self.values[index::PROBE_HASH] = result.hash;
        self.values[index::PROBE_RESULT] = queue.put(u32::from(result.queue))
            | field::PROBE_RESULT_HASHED.put(u32::from(result.hashed))
            | field::PROBE_RESULT_COUNT.put(count);
    }

    /// `PROBE_INPUT` as the byte string it stands for.
    pub fn probe_input_bytes(&self) -> [u8; TUPLE_BYTES] {
        let mut bytes = [0; TUPLE_BYTES];
        for (chunk, word) in bytes.chunks_exact_mut(4).zip(self.probe_input) {
            chunk.copy_from_slice(&word.to_be_bytes());
        }
        bytes
    }

    /// What a probe of `input` as `hash_type` on VPort `v` reports in the current state.
    pub fn probe(&self, v: usize, hash_type: HashType, input: &[u8; TUPLE_BYTES]) -> ProbeResult {
        probe(&self.steer_config(v), hash_type, input)
    }

    /// The staging set as the state `COMMIT.PARAMS` would apply.
    fn staged_state(&self) -> VportState {
        let value = |i: usize| self.values[i];
        let queue = |i: usize| self.map.register(i).fields()[0].get(value(i)) as u16;
        let mut key = [0; MAX_KEY_BYTES];
        for (bytes, word) in key.chunks_exact_mut(4).zip(self.key_staged) {
            bytes.copy_from_slice(&word.to_be_bytes());
        }
        VportState {
            enabled: field::CTRL_ENABLE.get(value(index::CTRL)) == 1,
            symmetric: field::CTRL_SYMMETRIC.get(value(index::CTRL)) == 1,
            hash_types: HashTypes(value(index::HASH_TYPES) as u16),
            table_size_log2: value(index::TABLE_SIZE) as u8,
            default_queue: queue(index::DEFAULT_QUEUE),
            primary_queue: queue(index::PRIMARY_QUEUE),
            queue_limit: queue(index::QUEUE_LIMIT),
            key,
            table_bank: 0,
        }
    }

    fn set_vport(&mut self, v: usize, state: VportState) {
        self.vports[v] = state;
        self.hashers[v]
            .set_key(&state.key)
            .expect("a key of 40 bytes or more");
    }

    /// `RECORD_DROPS` follows the datapath's drop counter, an input of the register
    /// block like the record FIFO's state: a test that knows how many records were
    /// dropped tells the model, and reads are then checked against it.
    pub fn set_record_drops(&mut self, count: u32) {
        self.values[index::RECORD_DROPS] = count;
    }

    /// VPort `v`'s active state.
    pub fn vport(&self, v: usize) -> &VportState {
        &self.vports[v]
    }

    /// The key VPort `v`'s packets are hashed with now (`key_bytes` long).
    pub fn active_key(&self, v: usize) -> &[u8] {
        &self.vports[v].key[..usize::from(self.params().key_bytes)]
    }

    /// VPort `v`'s active indirection table (all entries the build has for it).
    pub fn table(&self, v: usize) -> &[u16] {
        let entries = self.params().table_entries() as usize;
        let base = v * entries;
        &self.tables[self.vports[v].table_bank][base..base + entries]
    }

    /// The VPort a frame with destination MAC `mac` belongs to: the VPort of the lowest
    /// valid filter entry holding `mac`, else 0 (the default VPort).
    pub fn vport_of_mac(&self, mac: [u8; 6]) -> usize {
        let hi = u32::from(u16::from_be_bytes([mac[0], mac[1]]));
        let lo = u32::from_be_bytes([mac[2], mac[3], mac[4], mac[5]]);
        (0..usize::from(self.params().mac_filters))
            .find(|&i| {
                let entry = self.mac_hi[i];
                field::MAC_FILTER_HI_VALID.get(entry) == 1
                    && field::MAC_FILTER_HI_ADDR.get(entry) == hi
                    && self.mac_lo[i] == lo
            })
            .map_or(0, |i| {
                let vport = self.map.register(index::MAC_FILTER_HI).field_named("VPORT");
                vport.map_or(0, |f| f.get(self.mac_hi[i]) as usize)
            })
    }

    /// The VPort of a frame: by its destination MAC; a frame shorter than a MAC
    /// address goes to VPort 0.
    pub fn vport_of_frame(&self, frame: &[u8]) -> usize {
        match frame.get(..6) {
            Some(mac) => self.vport_of_mac(mac.try_into().expect("six bytes")),
            None => 0,
        }
    }

    pub fn steer_config(&self, v: usize) -> SteerConfig<'_> {
        let state = &self.vports[v];
        SteerConfig {
            vport: v as u8,
            enabled: state.enabled,
            symmetric: state.symmetric,
            hash_types: state.hash_types,
            table_size_log2: state.table_size_log2,
            default_queue: state.default_queue,
            primary_queue: state.primary_queue,
            hasher: &self.hashers[v],
            table: self.table(v),
        }
    }

    /// The transmit-side lookup of a packet on VPort `vport` carrying RSS hash `hash`
    /// (`None`: no hash), in the current state. A VPort the build does not have is
    /// looked up on VPort 0, the default VPort, as an unmatched frame is; the answer
    /// names the VPort it used.
    pub fn transmit_lookup(&self, vport: u8, hash: Option<u32>) -> TransmitLookup {
        let v = if vport < self.map().params.vports {
            usize::from(vport)
        } else {
            0
        };
        let TransmitQueue { queue, hashed } = transmit_queue(&self.steer_config(v), hash);
        TransmitLookup {
            vport: v as u8,
            queue,
            hashed,
        }
    }

    /// The record the core emits for `tuple` arriving on VPort `v` in the current state.
    pub fn steer(&self, v: usize, tuple: &Tuple) -> Record {
        steer(&self.steer_config(v), tuple)
    }

    /// The record and flags the frame core emits for `frame` in the current state.
    pub fn steer_frame(&self, frame: &[u8]) -> (Record, u8) {
        self.steer_frame_on(self.vport_of_frame(frame), frame)
    }

    /// The record and flags for `frame` steered by VPort `v`'s current state, whatever
    /// its MAC. The core picks a frame's VPort when the destination MAC arrives and
    /// reads that VPort's state when the frame's fields are complete (the VPort-choice
    /// rule in the README): a frame that spans a filter change and a later commit is
    /// `steer_frame_on(before.vport_of_frame(frame), frame)` on the later state.
    pub fn steer_frame_on(&self, v: usize, frame: &[u8]) -> (Record, u8) {
        crate::parse::steer_frame(&self.steer_config(v), frame)
    }
}

/// The transmit-side lookup's answer ([`RegFile::transmit_lookup`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TransmitLookup {
    /// The VPort whose state answered (0 for a VPort the build does not have).
    pub vport: u8,
    pub queue: u16,
    /// The queue is the indirection entry's (RSS enabled, hash given).
    pub hashed: bool,
}

fn field_value(reg: &crate::regmap::Register, name: &str, value: u32) -> u32 {
    reg.field_named(name).map_or(0, |f| f.get(value))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::regmap::offset;

    fn regs() -> RegFile {
        RegFile::new(Params::default()).unwrap()
    }

    const COMMIT_PARAMS: u32 = 1;
    const COMMIT_TABLE: u32 = 2;

    fn commit(r: &mut RegFile, what: u32, vport: u32) {
        r.write(offset::COMMIT, what | vport << 8, 0xf).unwrap();
    }

    fn move_word(entry: u32, queue: u32, vport: u32) -> u32 {
        entry | queue << 12 | vport << 24
    }

    #[test]
    fn discovery_registers_read_their_constants() {
        let r = regs();
        assert_eq!(r.read(offset::ID), Ok(crate::regmap::BLOCK_TYPE));
        assert_eq!(r.read(offset::CAPS), Ok(7 | 6 << 8 | 40 << 16 | 36 << 24));
        assert_eq!(r.read(offset::QUEUE_CAPS), Ok(64));
        assert_eq!(r.read(offset::HASH_CAPS), Ok(0x1ff));
        assert_eq!(r.read(offset::VPORT_CAPS), Ok(4 | 8 << 8 | 0x1f << 16));
        assert_eq!(r.read(offset::TABLE_SIZE), Ok(0));
        assert_eq!(r.read(offset::QUEUE_LIMIT), Ok(63));
        assert_eq!(r.read(0x1c), Ok(0));
        assert_eq!(r.read(0x14 + 0x100), Err(RegError::Unmapped));
    }

    #[test]
    fn bad_writes_fail_and_change_nothing() {
        let mut r = regs();
        let before = r.clone();
        assert_eq!(r.write(offset::ID, 0, 0xf), Err(RegError::ReadOnly));
        assert_eq!(r.write(0x114, 1, 0xf), Err(RegError::Unmapped));
        assert_eq!(r.write(offset::CTRL, 4, 0xf), Err(RegError::IllegalValue));
        assert_eq!(
            r.write(offset::DEFAULT_QUEUE, 64, 0xf),
            Err(RegError::IllegalValue)
        );
        assert_eq!(
            r.write(offset::TABLE + 4, 0x100, 0xf),
            Err(RegError::IllegalValue)
        );
        assert_eq!(
            r.write(offset::TABLE_SIZE, 8, 0xf),
            Err(RegError::IllegalValue)
        );
        assert_eq!(
            r.write(offset::HASH_TYPES, 0x200, 0xf),
            Err(RegError::IllegalValue)
        );
        assert_eq!(
            r.write(offset::COMMIT, COMMIT_PARAMS | 4 << 8, 0xf),
            Err(RegError::IllegalValue)
        );
        assert_eq!(
            r.write(offset::MAC_FILTER_HI, 1 << 16 | 4 << 24, 0xf),
            Err(RegError::IllegalValue)
        );
        assert_eq!(
            r.write(offset::VPORT_STATE, 0, 0xf),
            Err(RegError::ReadOnly)
        );
        assert_eq!(
            r.write(offset::MOVE, move_word(128, 0, 0), 0xf),
            Err(RegError::IllegalValue)
        );
        for addr in [
            offset::CTRL,
            offset::DEFAULT_QUEUE,
            offset::TABLE + 4,
            offset::TABLE_SIZE,
            offset::STATUS,
            offset::MAC_FILTER_HI,
            offset::VPORT_STATE,
            offset::MOVE_STATUS,
        ] {
            assert_eq!(r.read(addr), before.read(addr));
        }
    }

    #[test]
    fn a_long_key_is_staged_in_key_and_key_ext_and_committed_whole() {
        use crate::regmap::{KEY_EXT_WORDS, LONG_KEY_BYTES};
        use crate::toeplitz::toeplitz_bitwise;
        let mut r = RegFile::new(Params {
            key_bytes: LONG_KEY_BYTES,
            ..Params::default()
        })
        .unwrap();
        let key: [u8; MAX_KEY_BYTES] = core::array::from_fn(|i| (i as u8).wrapping_mul(151) ^ 0x3c);
        let words = key
            .chunks_exact(4)
            .map(|b| u32::from_be_bytes(b.try_into().unwrap()));
        let addresses = (0..KEY_WORDS + KEY_EXT_WORDS).map(crate::regmap::key_word_offset);
        for (addr, word) in addresses.clone().zip(words.clone()) {
            r.write(addr, word, 0xf).unwrap();
        }
        for (addr, word) in addresses.zip(words) {
            assert_eq!(r.read(addr), Ok(word), "{addr:#x}");
        }
        assert_eq!(r.active_key(1), &[0; MAX_KEY_BYTES]);
        r.write(offset::CTRL, 1, 0xf).unwrap();
        r.write(offset::HASH_TYPES, 0x1ff, 0xf).unwrap();
        commit(&mut r, COMMIT_PARAMS, 1);
        assert_eq!(r.active_key(1), &key);
        // The longest input (IPv6 with ports, 36 bytes) reads key bytes 0..40 only.
        let tuple = Tuple::v6(
            core::net::Ipv6Addr::from([0x20; 16]),
            core::net::Ipv6Addr::from([0xfe; 16]),
            Some((443, 51000, crate::tuple::Transport::Tcp)),
        );
        let record = r.steer(1, &tuple);
        assert_eq!(record.hash_type, Some(HashType::TcpIpv6));
        let input = tuple.hash_input(HashType::TcpIpv6);
        assert_eq!(Ok(record.hash), toeplitz_bitwise(&key, input));
        assert_eq!(Ok(record.hash), toeplitz_bitwise(&key[..40], input));
        // A 40-byte build has no KEY_EXT.
        assert_eq!(regs().read(offset::KEY_EXT), Err(RegError::Unmapped));
        assert_eq!(
            regs().write(offset::KEY_EXT, 1, 0xf),
            Err(RegError::Unmapped)
        );
    }

    #[test]
    fn strobes_merge_bytes() {
        let mut r = regs();
        r.write(offset::KEY, 0x1122_3344, 0xf).unwrap();
        r.write(offset::KEY, 0xaabb_ccdd, 0b0101).unwrap();
        assert_eq!(r.read(offset::KEY), Ok(0x11bb_33dd));
        // Bits outside the field in a byte whose strobe is off are not written, so legal.
        r.write(offset::DEFAULT_QUEUE, 0xff00_0005, 0b0001).unwrap();
        assert_eq!(r.read(offset::DEFAULT_QUEUE), Ok(5));
    }

    #[test]
    fn staged_parameters_take_effect_together_on_commit_only() {
        let mut r = regs();
        for (i, word) in [0x6d5a56dau32, 0x255b0ec2].iter().enumerate() {
            r.write(offset::KEY + 4 * i as u32, *word, 0xf).unwrap();
        }
        r.write(offset::CTRL, 1, 0xf).unwrap();
        r.write(offset::HASH_TYPES, 0x1ff, 0xf).unwrap();
        r.write(offset::TABLE_SIZE, 3, 0xf).unwrap();
        r.write(offset::DEFAULT_QUEUE, 9, 0xf).unwrap();
        assert_eq!(r.active_key(2), &[0; crate::toeplitz::KEY_BYTES]);
        assert!(!r.vport(2).enabled);
        assert_eq!(r.read(offset::COMMIT), Ok(0));
        commit(&mut r, COMMIT_PARAMS, 2);
        assert_eq!(
            &r.active_key(2)[..8],
            &[0x6d, 0x5a, 0x56, 0xda, 0x25, 0x5b, 0x0e, 0xc2]
        );
        let v = r.vport(2);
        assert!(v.enabled);
        assert_eq!((v.table_size_log2, v.default_queue), (3, 9));
        assert_eq!(
            r.read(offset::VPORT_STATE + 8),
            Ok(1 | 3 << 4 | 0x1ff << 16)
        );
        assert_eq!(r.read(offset::VPORT_QUEUES + 8), Ok(9 | 63 << 16));
        // The other VPorts keep their state.
        assert_eq!(r.vport(1), r.vport(3));
        assert!(!r.vport(0).enabled);
        assert_eq!(r.read(offset::STATUS), Ok(1));
        r.write(offset::COMMIT, 0, 0xf).unwrap();
        assert_eq!(r.read(offset::STATUS), Ok(1));
    }

    #[test]
    fn shadow_table_is_swapped_in_by_commit() {
        let mut r = regs();
        let entries = r.map().params.table_entries();
        // VPort 1's shadow entry 5.
        let element = offset::TABLE + 4 * (entries + 5);
        r.write(element, 7, 0xf).unwrap();
        assert_eq!(r.read(element), Ok(7));
        assert_eq!(r.table(1)[5], 0);
        commit(&mut r, COMMIT_TABLE, 1);
        assert_eq!(r.table(1)[5], 7);
        assert_eq!(r.table(0)[5], 0);
        // The old active table is the shadow now; TABLE_READ.ACTIVE shows the active one.
        assert_eq!(r.read(element), Ok(0));
        r.write(offset::TABLE_READ, 1, 0xf).unwrap();
        assert_eq!(r.read(element), Ok(7));
        assert_eq!(r.read(offset::STATUS), Ok(1));
    }

    #[test]
    fn moves_change_the_active_table_within_the_vport_limits() {
        let mut r = regs();
        r.write(offset::TABLE_SIZE, 2, 0xf).unwrap();
        r.write(offset::QUEUE_LIMIT, 7, 0xf).unwrap();
        commit(&mut r, COMMIT_PARAMS, 3);
        r.write(offset::MOVE, move_word(3, 7, 3), 0xf).unwrap();
        assert_eq!(r.table(3)[3], 7);
        assert_eq!(r.read(offset::MOVE_STATUS), Ok(1 | 1 << 16));
        let before = r.clone();
        assert_eq!(
            r.write(offset::MOVE, move_word(4, 1, 3), 0xf),
            Err(RegError::Refused)
        );
        assert_eq!(r.read(offset::MOVE_STATUS), Ok(2 | 1 << 16));
        assert_eq!(
            r.write(offset::MOVE, move_word(0, 8, 3), 0xf),
            Err(RegError::Refused)
        );
        assert_eq!(r.read(offset::MOVE_STATUS), Ok(3 | 1 << 16));
        assert_eq!(r.table(3), before.table(3));
        // VPort 0 still has one entry: entry 1 is past it.
        assert_eq!(
            r.write(offset::MOVE, move_word(1, 0, 0), 0xf),
            Err(RegError::Refused)
        );
        assert_eq!(r.read(offset::MOVE), Ok(0));
    }

    #[test]
    fn mac_filters_pick_the_vport_lowest_entry_first() {
        let mut r = regs();
        let mac = [0x02, 0x00, 0x5e, 0x10, 0x20, 0x30];
        assert_eq!(r.vport_of_mac(mac), 0);
        r.write(offset::MAC_FILTER_LO + 4, 0x5e10_2030, 0xf)
            .unwrap();
        r.write(offset::MAC_FILTER_HI + 4, 0x0200 | 2 << 24, 0xf)
            .unwrap();
        assert_eq!(r.vport_of_mac(mac), 0, "not valid yet");
        r.write(offset::MAC_FILTER_HI + 4, 0x0200 | 1 << 16 | 2 << 24, 0xf)
            .unwrap();
        assert_eq!(r.vport_of_mac(mac), 2);
        r.write(offset::MAC_FILTER_LO + 12, 0x5e10_2030, 0xf)
            .unwrap();
        r.write(offset::MAC_FILTER_HI + 12, 0x0200 | 1 << 16 | 3 << 24, 0xf)
            .unwrap();
        assert_eq!(r.vport_of_mac(mac), 2);
        r.write(offset::MAC_FILTER_HI + 4, 0, 0xf).unwrap();
        assert_eq!(r.vport_of_mac(mac), 3);
        assert_eq!(r.vport_of_mac([0x02, 0x00, 0x5e, 0x10, 0x20, 0x31]), 0);
        assert_eq!(r.vport_of_frame(&mac[..5]), 0);
        assert_eq!(r.vport_of_frame(&[mac.as_slice(), &[0; 54]].concat()), 3);
    }

    #[test]
    fn reset_keeps_the_tables_and_restores_the_initial_state() {
        let mut r = regs();
        r.write(offset::TABLE + 8, 3, 0xf).unwrap();
        r.write(offset::CTRL, 1, 0xf).unwrap();
        commit(&mut r, COMMIT_PARAMS | COMMIT_TABLE, 0);
        assert_eq!(r.table(0)[2], 3);
        r.reset();
        // Bank 0 is active again, so the entry written to the shadow is the shadow again.
        assert_eq!(r.read(offset::TABLE + 8), Ok(3));
        assert_eq!(r.read(offset::CTRL), Ok(0));
        assert!(!r.vport(0).enabled);
        assert_eq!(r.vport(0).table_size_log2, 0);
    }

    fn probe_word(hash_type: HashType, vport: u32) -> u32 {
        u32::from(hash_type.bit()) | vport << 8
    }

    #[test]
    fn probe_reports_the_published_hashes_with_the_active_key() {
        use crate::toeplitz::MS_DEFAULT_KEY;
        use crate::tuple::Transport;
        use core::net::Ipv4Addr;
        let mut r = regs();
        for (n, word) in MS_DEFAULT_KEY.chunks_exact(4).enumerate() {
            let word = u32::from_be_bytes(word.try_into().unwrap());
            r.write(offset::KEY + 4 * n as u32, word, 0xf).unwrap();
        }
        // Staged, not committed: the probe hashes with VPort 2's active key (zero).
        let tuple = Tuple::v4(
            Ipv4Addr::new(66, 9, 149, 187),
            Ipv4Addr::new(161, 142, 100, 80),
            Some((2794, 1766, Transport::Tcp)),
        );
        for (n, word) in tuple.bytes.chunks_exact(4).enumerate() {
            let word = u32::from_be_bytes(word.try_into().unwrap());
            r.write(offset::PROBE_INPUT + 4 * n as u32, word, 0xf)
                .unwrap();
        }
        assert_eq!(r.probe_input_bytes(), tuple.bytes);
        r.write(offset::PROBE, probe_word(HashType::TcpIpv4, 2), 0xf)
            .unwrap();
        assert_eq!(r.read(offset::PROBE_HASH), Ok(0));
        assert_eq!(r.read(offset::PROBE_RESULT), Ok(1 << 16));
        r.write(offset::CTRL, 1, 0xf).unwrap();
        r.write(offset::HASH_TYPES, u32::from(HashType::TcpIpv4.mask()), 0xf)
            .unwrap();
        r.write(offset::TABLE_SIZE, 7, 0xf).unwrap();
        r.write(offset::DEFAULT_QUEUE, 3, 0xf).unwrap();
        r.write(offset::TABLE + 4 * (2 * 128 + 0x78), 42, 0xf)
            .unwrap();
        commit(&mut r, COMMIT_PARAMS | COMMIT_TABLE, 2);
        r.write(offset::PROBE, probe_word(HashType::TcpIpv4, 2), 0xf)
            .unwrap();
        assert_eq!(r.read(offset::PROBE_HASH), Ok(0x51cc_c178));
        assert_eq!(r.read(offset::PROBE_RESULT), Ok(42 | 1 << 8 | 2 << 16));
        // IPv4 is not enabled: the hash of the first 8 bytes, the default queue.
        r.write(offset::PROBE, probe_word(HashType::Ipv4, 2), 0xf)
            .unwrap();
        assert_eq!(r.read(offset::PROBE_HASH), Ok(0x323e_8fc2));
        assert_eq!(r.read(offset::PROBE_RESULT), Ok(3 | 3 << 16));
        assert_eq!(r.read(offset::PROBE), Ok(0));
    }

    #[test]
    fn transmit_lookup_uses_the_vports_active_table_and_rules() {
        let mut r = regs();
        // New VPort: RSS off, primary = default = 0.
        let off = TransmitLookup {
            vport: 1,
            queue: 0,
            hashed: false,
        };
        assert_eq!(r.transmit_lookup(1, Some(0x1234)), off);
        r.write(offset::CTRL, 1, 0xf).unwrap();
        r.write(offset::TABLE_SIZE, 4, 0xf).unwrap();
        r.write(offset::DEFAULT_QUEUE, 7, 0xf).unwrap();
        r.write(offset::PRIMARY_QUEUE, 2, 0xf).unwrap();
        r.write(offset::TABLE + 4 * (128 + 0x4), 33, 0xf).unwrap();
        // Staged only: the active state still answers.
        assert_eq!(r.transmit_lookup(1, Some(0x1234)), off);
        commit(&mut r, COMMIT_PARAMS | COMMIT_TABLE, 1);
        assert_eq!(
            r.transmit_lookup(1, Some(0x1234)),
            TransmitLookup {
                vport: 1,
                queue: 33,
                hashed: true
            }
        );
        assert_eq!(
            r.transmit_lookup(1, None),
            TransmitLookup {
                vport: 1,
                queue: 7,
                hashed: false
            }
        );
        // A VPort the build does not have answers as VPort 0.
        assert_eq!(
            r.transmit_lookup(4, Some(0x1234)),
            r.transmit_lookup(0, Some(0x1234))
        );
        assert_eq!(r.transmit_lookup(200, None).vport, 0);
        r.write(offset::CTRL, 0, 0xf).unwrap();
        commit(&mut r, COMMIT_PARAMS, 1);
        assert_eq!(
            r.transmit_lookup(1, Some(0x1234)),
            TransmitLookup {
                vport: 1,
                queue: 2,
                hashed: false
            }
        );
    }

    #[test]
    fn bad_probe_writes_fail_and_change_nothing() {
        let mut r = regs();
        r.write(offset::PROBE_INPUT, 0x0102_0304, 0b0101).unwrap();
        assert_eq!(r.read(offset::PROBE_INPUT), Ok(0x0002_0004));
        let before = r.clone();
        assert_eq!(r.write(offset::PROBE, 9, 0xf), Err(RegError::IllegalValue));
        assert_eq!(
            r.write(offset::PROBE, 4 << 8, 0xf),
            Err(RegError::IllegalValue)
        );
        assert_eq!(
            r.write(offset::PROBE, 1 << 4, 0xf),
            Err(RegError::IllegalValue)
        );
        assert_eq!(r.write(offset::PROBE_HASH, 0, 0xf), Err(RegError::ReadOnly));
        assert_eq!(
            r.write(offset::PROBE_RESULT, 0, 0xf),
            Err(RegError::ReadOnly)
        );
        assert_eq!(
            r.write(offset::REFUSED + 4, 0, 0xf),
            Err(RegError::Unmapped)
        );
        for addr in (offset::PROBE_INPUT..offset::REFUSED).step_by(4) {
            assert_eq!(r.read(addr), before.read(addr), "{addr:#x}");
        }
        assert_eq!(r.read(offset::REFUSED), Ok(6));
    }

    #[test]
    fn refused_counts_slverr_writes_and_refused_moves_and_resets() {
        let mut r = regs();
        assert_eq!(r.write(offset::ID, 0, 0xf), Err(RegError::ReadOnly));
        assert_eq!(r.write(0x114, 0, 0xf), Err(RegError::Unmapped));
        // VPort 1's table has one entry: entry 1 is out of range, queue 64 too high.
        assert_eq!(
            r.write(offset::MOVE, move_word(1, 0, 1), 0xf),
            Err(RegError::Refused)
        );
        r.write(offset::MOVE, move_word(0, 5, 1), 0xf).unwrap();
        assert_eq!(r.read(offset::REFUSED), Ok(3 | 1 << 16));
        assert_eq!(r.read(offset::MOVE_STATUS), Ok(1 | 1 << 16));
        assert_eq!(r.write(offset::REFUSED, 0, 0xf), Err(RegError::ReadOnly));
        assert_eq!(r.read(offset::REFUSED), Ok(4 | 1 << 16));
        r.reset();
        assert_eq!(r.read(offset::REFUSED), Ok(0));
    }

    #[test]
    fn records_count_in_one_class_of_their_vport_and_survive_reset() {
        use crate::parse::{FLAG_FRAGMENT, FLAG_MALFORMED};
        use crate::regmap::counter;
        let mut r = regs();
        let record = |hash_type, vport| Record {
            hash: 0,
            hash_type,
            queue: 0,
            vport,
        };
        r.count_record(&record(Some(HashType::TcpIpv6), 2), 0);
        r.count_record(&record(Some(HashType::TcpIpv6), 2), FLAG_FRAGMENT);
        r.count_record(&record(Some(HashType::Ipv4), 3), 0);
        r.count_record(&record(None, 3), 0);
        r.count_record(&record(None, 3), FLAG_MALFORMED);
        let read = |r: &RegFile, v: u8, class: u32| {
            r.read(offset::COUNTERS + 4 * counter::element(v, class))
        };
        assert_eq!(read(&r, 2, u32::from(HashType::TcpIpv6.bit())), Ok(2));
        assert_eq!(read(&r, 3, u32::from(HashType::Ipv4.bit())), Ok(1));
        assert_eq!(read(&r, 3, counter::UNHASHED), Ok(1));
        assert_eq!(read(&r, 3, counter::MALFORMED), Ok(1));
        let total: u32 = (0..4 * counter::PER_VPORT)
            .map(|e| r.read(offset::COUNTERS + 4 * e).unwrap())
            .sum();
        assert_eq!(total, 5);
        r.reset();
        assert_eq!(read(&r, 2, u32::from(HashType::TcpIpv6.bit())), Ok(2));
        assert_eq!(r.read(offset::COUNTERS + 4 * 64), Err(RegError::Unmapped));
    }
}
