//! The register map: declared once, here. The HDL decoder, the firmware's offsets, the
//! generated docs (JSON, Markdown, C header) and the cosim scoreboard all read it.
//!
//! The block is self-describing (Corundum style): `ID`, `VERSION` and the capability
//! registers at the bottom let software discover the build's parameters.
//!
//! Addresses are byte offsets of 32-bit registers; AXI4-Lite address bits [1:0] are
//! ignored. Arrays (`KEY`, `TABLE`) have `count` elements at a 4-byte stride.

use crate::hash_type::{HASH_TYPE_BITS, HashTypes};
use crate::toeplitz::KEY_BYTES;
use crate::tuple::TUPLE_BYTES;

/// Width of the register address bus (8 KiB window).
pub const ADDR_BITS: u8 = 13;
/// `ID.BLOCK_TYPE`: ASCII "RSSC".
pub const BLOCK_TYPE: u32 = 0x5253_5343;
/// `VERSION`: 0.1.0 (major.minor.patch as 8.8.16 bits).
pub const VERSION: u32 = 0x0001_0000;
/// Number of 32-bit key words.
pub const KEY_WORDS: u32 = (KEY_BYTES / 4) as u32;
/// Largest indirection table the address map leaves room for.
pub const MAX_TABLE_ENTRIES_LOG2: u8 = 10;
/// Most queues a queue field can name.
pub const MAX_QUEUES: u16 = 256;

/// Byte offsets, for code that needs a constant (firmware, decoders).
pub mod offset {
    pub const ID: u32 = 0x000;
    pub const VERSION: u32 = 0x004;
    pub const CAPS: u32 = 0x008;
    pub const QUEUE_CAPS: u32 = 0x00c;
    pub const HASH_CAPS: u32 = 0x010;
    pub const CTRL: u32 = 0x020;
    pub const HASH_TYPES: u32 = 0x024;
    pub const TABLE_SIZE: u32 = 0x028;
    pub const DEFAULT_QUEUE: u32 = 0x02c;
    pub const PRIMARY_QUEUE: u32 = 0x030;
    pub const KEY_COMMIT: u32 = 0x034;
    pub const STATUS: u32 = 0x038;
    pub const RECORD_DROPS: u32 = 0x03c;
    pub const KEY: u32 = 0x040;
    pub const TABLE: u32 = 0x1000;
}

/// How software may access a register.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Writes answer SLVERR and change nothing.
    ReadOnly,
    /// Read back what was written.
    ReadWrite,
    /// Writing 1 to a field triggers an action; reads return 0.
    WriteTrigger,
}

impl Access {
    pub const fn name(self) -> &'static str {
        match self {
            Access::ReadOnly => "RO",
            Access::ReadWrite => "RW",
            Access::WriteTrigger => "W1T",
        }
    }
}

/// A bit field of a register.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Field {
    pub name: &'static str,
    pub lsb: u8,
    pub width: u8,
    /// Largest value a write may set; larger values answer SLVERR.
    pub max: u32,
    pub doc: &'static str,
}

impl Field {
    const fn new(name: &'static str, lsb: u8, width: u8, doc: &'static str) -> Field {
        Field {
            name,
            lsb,
            width,
            max: ones(width),
            doc,
        }
    }

    const fn at_most(mut self, max: u32) -> Field {
        self.max = max;
        self
    }

    /// The field's bits in place.
    pub const fn mask(&self) -> u32 {
        ones(self.width) << self.lsb
    }

    pub const fn get(&self, word: u32) -> u32 {
        (word >> self.lsb) & ones(self.width)
    }

    pub const fn put(&self, value: u32) -> u32 {
        (value & ones(self.width)) << self.lsb
    }
}

const fn ones(width: u8) -> u32 {
    if width >= 32 {
        u32::MAX
    } else {
        (1u32 << width) - 1
    }
}

/// Most fields any register has.
pub const MAX_FIELDS: usize = 4;
const NO_FIELD: Field = Field {
    name: "",
    lsb: 0,
    width: 0,
    max: 0,
    doc: "",
};

/// One register, or an array of registers at consecutive words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Register {
    pub name: &'static str,
    pub offset: u32,
    /// Elements in the array (1 for a plain register).
    pub count: u32,
    pub access: Access,
    /// Value after reset (every element). For read-only registers, the constant value.
    pub reset: u32,
    pub doc: &'static str,
    fields: [Field; MAX_FIELDS],
    field_count: usize,
}

impl Register {
    const fn new(name: &'static str, offset: u32, access: Access, doc: &'static str) -> Self {
        Register {
            name,
            offset,
            count: 1,
            access,
            reset: 0,
            doc,
            fields: [NO_FIELD; MAX_FIELDS],
            field_count: 0,
        }
    }

    const fn array(mut self, count: u32) -> Self {
        self.count = count;
        self
    }

    const fn reset(mut self, value: u32) -> Self {
        self.reset = value;
        self
    }

    const fn field(mut self, field: Field) -> Self {
        self.fields[self.field_count] = field;
        self.field_count += 1;
        self
    }

    pub fn fields(&self) -> &[Field] {
        &self.fields[..self.field_count]
    }

    pub fn field_named(&self, name: &str) -> Option<&Field> {
        self.fields().iter().find(|f| f.name == name)
    }

    /// Bits a write may set (the union of the fields).
    pub fn writable_mask(&self) -> u32 {
        self.fields().iter().fold(0, |m, f| m | f.mask())
    }

    /// Byte offset of element `index`.
    pub const fn element_offset(&self, index: u32) -> u32 {
        self.offset + 4 * index
    }

    /// Whether `value` is a legal register content: no bit outside a field, no field
    /// above its maximum.
    pub fn accepts(&self, value: u32) -> bool {
        value & !self.writable_mask() == 0 && self.fields().iter().all(|f| f.get(value) <= f.max)
    }
}

/// Build-time parameters of the core, reported in the capability registers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Params {
    /// log2 of the indirection table's entry count (7 = 128 entries, the NDIS maximum).
    pub table_entries_log2: u8,
    /// Receive queues the core can steer to (queue indices 0..num_queues).
    pub num_queues: u16,
}

impl Default for Params {
    fn default() -> Self {
        Params {
            table_entries_log2: 7,
            num_queues: 64,
        }
    }
}

/// Why a parameter set cannot be built.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamError {
    TableEntriesLog2 { got: u8, min: u8, max: u8 },
    NumQueues { got: u16, min: u16, max: u16 },
}

impl core::fmt::Display for ParamError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            ParamError::TableEntriesLog2 { got, min, max } => {
                write!(f, "table_entries_log2 = {got}, must be {min}..={max}")
            }
            ParamError::NumQueues { got, min, max } => {
                write!(f, "num_queues = {got}, must be {min}..={max}")
            }
        }
    }
}

impl core::error::Error for ParamError {}

impl Params {
    pub fn validate(&self) -> Result<(), ParamError> {
        if !(1..=MAX_TABLE_ENTRIES_LOG2).contains(&self.table_entries_log2) {
            return Err(ParamError::TableEntriesLog2 {
                got: self.table_entries_log2,
                min: 1,
                max: MAX_TABLE_ENTRIES_LOG2,
            });
        }
        if !(1..=MAX_QUEUES).contains(&self.num_queues) {
            return Err(ParamError::NumQueues {
                got: self.num_queues,
                min: 1,
                max: MAX_QUEUES,
            });
        }
        Ok(())
    }

    pub const fn table_entries(&self) -> u32 {
        1 << self.table_entries_log2
    }

    /// Width of a queue index: enough bits for `num_queues - 1` (at least 1).
    pub const fn queue_bits(&self) -> u8 {
        let highest = if self.num_queues > 1 {
            self.num_queues - 1
        } else {
            1
        };
        (16 - highest.leading_zeros()) as u8
    }

    /// Hash types this build can hash (all of them: the tuple port carries any). Were a
    /// build to support fewer, `HASH_TYPES.ENABLED` would need a subset check, which a
    /// field's numeric `max` cannot express; a test pins this to `ALL` until then.
    pub const fn supported_hash_types(&self) -> HashTypes {
        HashTypes::ALL
    }
}

/// Index of each register in [`RegisterMap::registers`].
pub mod index {
    pub const ID: usize = 0;
    pub const VERSION: usize = 1;
    pub const CAPS: usize = 2;
    pub const QUEUE_CAPS: usize = 3;
    pub const HASH_CAPS: usize = 4;
    pub const CTRL: usize = 5;
    pub const HASH_TYPES: usize = 6;
    pub const TABLE_SIZE: usize = 7;
    pub const DEFAULT_QUEUE: usize = 8;
    pub const PRIMARY_QUEUE: usize = 9;
    pub const KEY_COMMIT: usize = 10;
    pub const STATUS: usize = 11;
    pub const RECORD_DROPS: usize = 12;
    pub const KEY: usize = 13;
    pub const TABLE: usize = 14;
    pub const COUNT: usize = 15;
}

/// Fields whose layout does not depend on the parameters.
pub mod field {
    use super::Field;
    pub const CTRL_ENABLE: Field = Field::new(
        "ENABLE",
        0,
        1,
        "1: steer by hash (hashed packets via TABLE, others to DEFAULT_QUEUE). \
         0: every packet goes to PRIMARY_QUEUE unhashed. Table, key and queues written \
         while disabled are kept and take effect on enable.",
    );
    pub const KEY_COMMIT_COMMIT: Field = Field::new(
        "COMMIT",
        0,
        1,
        "Write 1: copy the KEY words to the active key in one clock, so no packet is \
         hashed with a partly written key.",
    );
    pub const STATUS_KEY_GENERATION: Field = Field::new(
        "KEY_GENERATION",
        0,
        16,
        "Counts key commits (wraps); software reads it to confirm a commit landed.",
    );
    pub const RECORD_DROPS_COUNT: Field = Field::new(
        "COUNT",
        0,
        32,
        "Records dropped because the record FIFO was full: only a tap-mode build \
         (`gen --tap`) drops records, a default build stalls the frame stream instead \
         and reads 0. Free-running from reset, wraps at 2^32; the record after a drop \
         carries flag RECORDS_LOST.",
    );
    pub const KEY_WORD: Field = Field::new(
        "WORD",
        0,
        32,
        "Key bytes 4n..4n+3, byte 4n in bits 31:24 (the key's hex string reads left to \
         right across KEY[0], KEY[1], ...). Staged: takes effect on KEY_COMMIT.",
    );
}

/// The register map of one build of the core.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegisterMap {
    pub params: Params,
    registers: [Register; index::COUNT],
}

impl RegisterMap {
    pub fn new(params: Params) -> Result<RegisterMap, ParamError> {
        params.validate()?;
        let queue = Field::new("QUEUE", 0, params.queue_bits(), "Receive queue index.")
            .at_most(u32::from(params.num_queues) - 1);
        let hash_types_doc = "Bit n is NDIS hash flag 1 << (n+8): 0 IPV4, 1 TCP_IPV4, \
            2 IPV6, 3 IPV6_EX, 4 TCP_IPV6, 5 TCP_IPV6_EX, 6 UDP_IPV4, 7 UDP_IPV6, 8 UDP_IPV6_EX.";
        let supported = params.supported_hash_types().0 as u32;
        use Access::*;
        let registers = [
            Register::new("ID", offset::ID, ReadOnly, "Block identifier.")
                .reset(BLOCK_TYPE)
                .field(Field::new("BLOCK_TYPE", 0, 32, "ASCII \"RSSC\".")),
            Register::new("VERSION", offset::VERSION, ReadOnly, "Register-interface version.")
                .reset(VERSION)
                .field(Field::new("PATCH", 0, 16, "Patch version."))
                .field(Field::new("MINOR", 16, 8, "Minor version: additions only."))
                .field(Field::new("MAJOR", 24, 8, "Major version: incompatible changes.")),
            Register::new("CAPS", offset::CAPS, ReadOnly, "Sizes of this build.")
                .reset(
                    u32::from(params.table_entries_log2)
                        | u32::from(params.queue_bits()) << 8
                        | (KEY_BYTES as u32) << 16
                        | (TUPLE_BYTES as u32) << 24,
                )
                .field(Field::new("TABLE_ENTRIES_LOG2", 0, 8, "log2 of TABLE entries."))
                .field(Field::new("QUEUE_BITS", 8, 8, "Width of every QUEUE field."))
                .field(Field::new("KEY_BYTES", 16, 8, "Secret key length in bytes."))
                .field(Field::new("TUPLE_BYTES", 24, 8, "Longest hashed tuple in bytes.")),
            Register::new("QUEUE_CAPS", offset::QUEUE_CAPS, ReadOnly, "Queue capabilities.")
                .reset(u32::from(params.num_queues))
                .field(Field::new("NUM_QUEUES", 0, 16, "Queues a QUEUE field may name.")),
            Register::new("HASH_CAPS", offset::HASH_CAPS, ReadOnly, "Hash types this build can hash.")
                .reset(supported)
                .field(Field::new("SUPPORTED", 0, HASH_TYPE_BITS, hash_types_doc)),
            Register::new("CTRL", offset::CTRL, ReadWrite, "RSS control.")
                .field(field::CTRL_ENABLE),
            Register::new("HASH_TYPES", offset::HASH_TYPES, ReadWrite, "Enabled hash types.")
                .field(Field::new("ENABLED", 0, HASH_TYPE_BITS, hash_types_doc)),
            Register::new(
                "TABLE_SIZE",
                offset::TABLE_SIZE,
                ReadWrite,
                "Indirection entries in use: the table is indexed by the low LOG2 bits of the hash.",
            )
            .reset(u32::from(params.table_entries_log2))
            .field(
                Field::new("LOG2", 0, 4, "log2 of the entries in use; at most CAPS.TABLE_ENTRIES_LOG2.")
                    .at_most(u32::from(params.table_entries_log2)),
            ),
            Register::new(
                "DEFAULT_QUEUE",
                offset::DEFAULT_QUEUE,
                ReadWrite,
                "Queue for packets with no hash while RSS is enabled (NDIS default processor).",
            )
            .field(queue),
            Register::new(
                "PRIMARY_QUEUE",
                offset::PRIMARY_QUEUE,
                ReadWrite,
                "Queue for every packet while RSS is disabled (NDIS primary processor).",
            )
            .field(queue),
            Register::new("KEY_COMMIT", offset::KEY_COMMIT, WriteTrigger, "Key commit strobe.")
                .field(field::KEY_COMMIT_COMMIT),
            Register::new("STATUS", offset::STATUS, ReadOnly, "Status.")
                .field(field::STATUS_KEY_GENERATION),
            Register::new(
                "RECORD_DROPS",
                offset::RECORD_DROPS,
                ReadOnly,
                "Records dropped with the record FIFO full (tap mode).",
            )
            .field(field::RECORD_DROPS_COUNT),
            Register::new("KEY", offset::KEY, ReadWrite, "Staged Toeplitz secret key (read back: staged words).")
                .array(KEY_WORDS)
                .field(field::KEY_WORD),
            Register::new(
                "TABLE",
                offset::TABLE,
                ReadWrite,
                "Indirection table: entry n steers hashes whose low bits equal n. Kept across rst \
                 (block RAM); zero after configuration.",
            )
            .array(params.table_entries())
            .field(queue),
        ];
        Ok(RegisterMap { params, registers })
    }

    pub fn registers(&self) -> &[Register] {
        &self.registers
    }

    pub fn register(&self, index: usize) -> &Register {
        &self.registers[index]
    }

    pub fn by_name(&self, name: &str) -> Option<&Register> {
        self.registers.iter().find(|r| r.name == name)
    }

    /// The register (index into [`Self::registers`]) and element an address falls in.
    pub fn decode(&self, addr: u32) -> Option<(usize, u32)> {
        let word = addr & !3 & ((1 << ADDR_BITS) - 1);
        if addr >> ADDR_BITS != 0 {
            return None;
        }
        self.registers.iter().enumerate().find_map(|(i, r)| {
            let element = word.checked_sub(r.offset)? / 4;
            (element < r.count).then_some((i, element))
        })
    }
}

#[cfg(test)]
mod tests {
    extern crate std;
    use super::*;

    #[test]
    fn registers_do_not_overlap_and_fit_the_window() {
        let map = RegisterMap::new(Params {
            table_entries_log2: MAX_TABLE_ENTRIES_LOG2,
            num_queues: 256,
        })
        .unwrap();
        let mut spans: std::vec::Vec<(u32, u32)> = map
            .registers()
            .iter()
            .map(|r| (r.offset, r.offset + 4 * r.count))
            .collect();
        spans.sort();
        for pair in spans.windows(2) {
            assert!(pair[0].1 <= pair[1].0, "{pair:?} overlap");
        }
        assert!(spans.last().unwrap().1 <= 1 << ADDR_BITS);
        for (i, r) in map.registers().iter().enumerate() {
            assert_eq!(r.offset % 4, 0);
            assert_eq!(map.decode(r.offset), Some((i, 0)));
            assert!(
                r.accepts(r.reset) || r.access == Access::ReadOnly,
                "{} reset",
                r.name
            );
            let mut seen = 0u32;
            for f in r.fields() {
                assert_eq!(seen & f.mask(), 0, "{}.{} overlaps", r.name, f.name);
                seen |= f.mask();
            }
        }
    }

    #[test]
    fn every_hash_type_is_supported_so_enabled_needs_no_subset_check() {
        assert_eq!(Params::default().supported_hash_types(), HashTypes::ALL);
        let map = RegisterMap::new(Params::default()).unwrap();
        assert_eq!(
            map.register(index::HASH_TYPES).writable_mask(),
            u32::from(HashTypes::ALL.0)
        );
    }

    #[test]
    fn queue_bits_cover_the_queue_count() {
        let bits = |n| {
            Params {
                table_entries_log2: 7,
                num_queues: n,
            }
            .queue_bits()
        };
        assert_eq!(bits(1), 1);
        assert_eq!(bits(2), 1);
        assert_eq!(bits(3), 2);
        assert_eq!(bits(64), 6);
        assert_eq!(bits(65), 7);
        assert_eq!(bits(256), 8);
    }

    #[test]
    fn field_limits_reject_out_of_range_values() {
        let map = RegisterMap::new(Params {
            table_entries_log2: 7,
            num_queues: 48,
        })
        .unwrap();
        let queue = map.register(index::DEFAULT_QUEUE);
        assert!(queue.accepts(47));
        assert!(!queue.accepts(48));
        assert!(!queue.accepts(1 << 8));
        assert!(map.register(index::TABLE_SIZE).accepts(7));
        assert!(!map.register(index::TABLE_SIZE).accepts(8));
        assert_eq!(
            map.decode(offset::TABLE + 4 * 127),
            Some((index::TABLE, 127))
        );
        assert_eq!(map.decode(offset::TABLE + 4 * 128), None);
        assert_eq!(map.decode(0x014), None);
        assert_eq!(map.decode(1 << ADDR_BITS), None);
    }
}
