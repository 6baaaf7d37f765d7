//! Behaviour of the register block, derived generically from the [`RegisterMap`]:
//! what every read and write answers and what it changes. The cosim replays the same
//! bus traffic here and compares responses, read data and steering.

use crate::hash_type::HashTypes;
use crate::regmap::{
    Access, MAX_TABLE_ENTRIES_LOG2, ParamError, Params, RegisterMap, field, index,
};
use crate::steer::{Record, SteerConfig, steer};
use crate::toeplitz::{KEY_BYTES, ToeplitzTable};
use crate::tuple::Tuple;

/// Why a bus access fails; the hardware answers every one of them with SLVERR and
/// changes nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RegError {
    /// No register at this address.
    Unmapped,
    /// Write to a read-only register.
    ReadOnly,
    /// The written value sets a bit outside every field or a field above its maximum.
    IllegalValue,
}

const TABLE_CAPACITY: usize = 1 << MAX_TABLE_ENTRIES_LOG2;

/// Register contents plus the active key; everything the datapath acts on.
#[derive(Debug, Clone)]
pub struct RegFile {
    map: RegisterMap,
    /// Current value of every plain register (arrays keep their own storage).
    values: [u32; index::COUNT],
    key_staged: [u32; crate::regmap::KEY_WORDS as usize],
    key_active: [u8; KEY_BYTES],
    hasher: ToeplitzTable,
    table: [u16; TABLE_CAPACITY],
}

/// Byte-strobe bits expanded to a bit mask.
pub fn strobe_mask(strb: u8) -> u32 {
    (0..4)
        .filter(|b| strb & (1 << b) != 0)
        .fold(0, |m, b| m | 0xff << (8 * b))
}

impl RegFile {
    /// The block as it is after FPGA configuration: every register at its reset value
    /// and the table zeroed.
    pub fn new(params: Params) -> Result<RegFile, ParamError> {
        let map = RegisterMap::new(params)?;
        let key_active = [0; KEY_BYTES];
        let mut regs = RegFile {
            values: [0; index::COUNT],
            key_staged: [0; crate::regmap::KEY_WORDS as usize],
            hasher: ToeplitzTable::new(&key_active).expect("KEY_BYTES is the table's key size"),
            key_active,
            table: [0; TABLE_CAPACITY],
            map,
        };
        regs.reset();
        Ok(regs)
    }

    /// Synchronous `rst`: registers, staged and active key back to reset values. The
    /// indirection table lives in block RAM and is kept.
    pub fn reset(&mut self) {
        for (value, reg) in self.values.iter_mut().zip(self.map.registers()) {
            *value = reg.reset;
        }
        self.key_staged = [0; crate::regmap::KEY_WORDS as usize];
        self.set_active_key([0; KEY_BYTES]);
    }

    pub fn map(&self) -> &RegisterMap {
        &self.map
    }

    /// A bus read.
    pub fn read(&self, addr: u32) -> Result<u32, RegError> {
        let (reg_index, element) = self.map.decode(addr).ok_or(RegError::Unmapped)?;
        Ok(match reg_index {
            index::KEY => self.key_staged[element as usize],
            index::TABLE => u32::from(self.table[element as usize]),
            _ if self.map.register(reg_index).access == Access::WriteTrigger => 0,
            _ => self.values[reg_index],
        })
    }

    /// A bus write with byte strobes (`strb` bit n enables data byte n).
    pub fn write(&mut self, addr: u32, data: u32, strb: u8) -> Result<(), RegError> {
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
        match reg_index {
            index::KEY => self.key_staged[element as usize] = merged,
            index::TABLE => self.table[element as usize] = merged as u16,
            index::KEY_COMMIT => {
                if field::KEY_COMMIT_COMMIT.get(merged) == 1 {
                    self.commit_key();
                }
            }
            _ => self.values[reg_index] = merged,
        }
        Ok(())
    }

    /// `RECORD_DROPS` follows the datapath's drop counter, an input of the register
    /// block like the record FIFO's state: a test that knows how many records were
    /// dropped tells the model, and reads are then checked against it.
    pub fn set_record_drops(&mut self, count: u32) {
        self.values[index::RECORD_DROPS] = count;
    }

    fn commit_key(&mut self) {
        let mut key = [0; KEY_BYTES];
        for (bytes, word) in key.chunks_exact_mut(4).zip(self.key_staged) {
            bytes.copy_from_slice(&word.to_be_bytes());
        }
        self.set_active_key(key);
        let generation = &mut self.values[index::STATUS];
        let counter = field::STATUS_KEY_GENERATION;
        *generation = counter.put(counter.get(*generation).wrapping_add(1));
    }

    fn set_active_key(&mut self, key: [u8; KEY_BYTES]) {
        self.key_active = key;
        self.hasher
            .set_key(&key)
            .expect("KEY_BYTES is the table's key size");
    }

    /// The key packets are hashed with now.
    pub fn active_key(&self) -> &[u8; KEY_BYTES] {
        &self.key_active
    }

    /// Indirection entries implemented by this build.
    pub fn table(&self) -> &[u16] {
        &self.table[..self.map.params.table_entries() as usize]
    }

    pub fn steer_config(&self) -> SteerConfig<'_> {
        let value = |i: usize| self.values[i];
        let queue = |i: usize| self.map.register(i).fields()[0].get(value(i)) as u16;
        SteerConfig {
            enabled: field::CTRL_ENABLE.get(value(index::CTRL)) == 1,
            hash_types: HashTypes(value(index::HASH_TYPES) as u16),
            table_size_log2: value(index::TABLE_SIZE) as u8,
            default_queue: queue(index::DEFAULT_QUEUE),
            primary_queue: queue(index::PRIMARY_QUEUE),
            hasher: &self.hasher,
            table: self.table(),
        }
    }

    /// The record the core emits for `tuple` in the current state.
    pub fn steer(&self, tuple: &Tuple) -> Record {
        steer(&self.steer_config(), tuple)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::regmap::offset;

    fn regs() -> RegFile {
        RegFile::new(Params::default()).unwrap()
    }

    #[test]
    fn discovery_registers_read_their_constants() {
        let r = regs();
        assert_eq!(r.read(offset::ID), Ok(crate::regmap::BLOCK_TYPE));
        assert_eq!(r.read(offset::CAPS), Ok(7 | 6 << 8 | 40 << 16 | 36 << 24));
        assert_eq!(r.read(offset::QUEUE_CAPS), Ok(64));
        assert_eq!(r.read(offset::HASH_CAPS), Ok(0x1ff));
        assert_eq!(r.read(offset::TABLE_SIZE), Ok(7));
        assert_eq!(r.read(0x14), Err(RegError::Unmapped));
    }

    #[test]
    fn bad_writes_fail_and_change_nothing() {
        let mut r = regs();
        let before = r.clone();
        assert_eq!(r.write(offset::ID, 0, 0xf), Err(RegError::ReadOnly));
        assert_eq!(r.write(0x14, 1, 0xf), Err(RegError::Unmapped));
        assert_eq!(r.write(offset::CTRL, 2, 0xf), Err(RegError::IllegalValue));
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
        for addr in [
            offset::CTRL,
            offset::DEFAULT_QUEUE,
            offset::TABLE + 4,
            offset::TABLE_SIZE,
        ] {
            assert_eq!(r.read(addr), before.read(addr));
        }
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
    fn key_takes_effect_on_commit_only() {
        let mut r = regs();
        for (i, word) in [0x6d5a56dau32, 0x255b0ec2].iter().enumerate() {
            r.write(offset::KEY + 4 * i as u32, *word, 0xf).unwrap();
        }
        assert_eq!(r.active_key(), &[0; KEY_BYTES]);
        assert_eq!(r.read(offset::KEY_COMMIT), Ok(0));
        r.write(offset::KEY_COMMIT, 1, 0xf).unwrap();
        assert_eq!(
            &r.active_key()[..8],
            &[0x6d, 0x5a, 0x56, 0xda, 0x25, 0x5b, 0x0e, 0xc2]
        );
        assert_eq!(r.read(offset::STATUS), Ok(1));
        r.write(offset::KEY_COMMIT, 0, 0xf).unwrap();
        assert_eq!(r.read(offset::STATUS), Ok(1));
    }

    #[test]
    fn reset_keeps_the_table() {
        let mut r = regs();
        r.write(offset::TABLE + 8, 3, 0xf).unwrap();
        r.write(offset::CTRL, 1, 0xf).unwrap();
        r.reset();
        assert_eq!(r.read(offset::TABLE + 8), Ok(3));
        assert_eq!(r.read(offset::CTRL), Ok(0));
    }
}
