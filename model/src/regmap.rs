//! The register map: declared once, here. The HDL decoder, the firmware's offsets, the
//! generated docs (JSON, Markdown, C header) and the cosim scoreboard all read it.
//!
//! The block is self-describing (Corundum style): `ID`, `VERSION` and the capability
//! registers at the bottom let software discover the build's parameters.
//!
//! Addresses are byte offsets of 32-bit registers; AXI4-Lite address bits [1:0] are
//! ignored. Arrays (`KEY`, `TABLE`, the MAC filters, the per-VPort state) have `count`
//! elements at a 4-byte stride.
//!
//! VMMQ (seed 003): a destination-MAC filter picks the frame's VPort, and every VPort
//! has its own RSS state. That state is written through one *staging set* (`CTRL`,
//! `HASH_TYPES`, `TABLE_SIZE`, `DEFAULT_QUEUE`, `PRIMARY_QUEUE`, `QUEUE_LIMIT`, `KEY`)
//! and applied to a VPort by `COMMIT.PARAMS` all at once, so no frame is steered by a
//! mix of old and new parameters. Each VPort's indirection table has a shadow copy:
//! `TABLE` writes go to the shadow and `COMMIT.TABLE` swaps it in; `MOVE` changes one
//! entry of the active table (RSSv2 `SET_INDIRECTION_TABLE_ENTRIES`).

use crate::hash_type::{HASH_TYPE_BITS, HashTypes};
use crate::toeplitz::KEY_BYTES;
use crate::tuple::TUPLE_BYTES;

/// Width of the register address bus (8 KiB window).
pub const ADDR_BITS: u8 = 13;
/// `ID.BLOCK_TYPE`: ASCII "RSSC".
pub const BLOCK_TYPE: u32 = 0x5253_5343;
/// `VERSION`: 0.5.0 (major.minor.patch as 8.8.16 bits). 0.2: VPorts; the scalar RSS
/// registers became a staging set applied by `COMMIT`. 0.3: the hash probe (`PROBE`).
/// 0.4: the statistics counters (`COUNTERS`, `REFUSED`). 0.5: the 52-byte key option
/// (`KEY_EXT`, `CAPS.KEY_BYTES` = 52).
pub const VERSION: u32 = 0x0005_0000;
/// 32-bit words of `PROBE_INPUT` (the longest hash input).
pub const PROBE_WORDS: u32 = (TUPLE_BYTES / 4) as u32;
/// 32-bit words of `KEY`: the 40-byte key every build has.
pub const KEY_WORDS: u32 = (KEY_BYTES / 4) as u32;
/// Key length of a long-key build (`Params::key_bytes`), as Linux drivers of NICs
/// with a 52-byte key (`ethtool -X hkey`) program it.
pub const LONG_KEY_BYTES: u8 = 52;
/// 32-bit words of `KEY_EXT`: key bytes 40..52 of a long-key build.
pub const KEY_EXT_WORDS: u32 = (LONG_KEY_BYTES as u32 - KEY_BYTES as u32) / 4;
/// Longest key a build can have.
pub const MAX_KEY_BYTES: usize = LONG_KEY_BYTES as usize;

/// Byte offset of key word `n` (key bytes 4n..4n+3): `KEY[n]` for the first
/// [`KEY_WORDS`], then `KEY_EXT[n - KEY_WORDS]`.
pub const fn key_word_offset(n: u32) -> u32 {
    if n < KEY_WORDS {
        offset::KEY + 4 * n
    } else {
        offset::KEY_EXT + 4 * (n - KEY_WORDS)
    }
}
/// Largest indirection table the address map leaves room for.
pub const MAX_TABLE_ENTRIES_LOG2: u8 = 10;
/// Most queues a queue field can name.
pub const MAX_QUEUES: u16 = 256;
/// Most VPorts a build can have.
pub const MAX_VPORTS: u8 = 8;
/// Most destination-MAC filter entries a build can have.
pub const MAX_MAC_FILTERS: u8 = 16;
/// Most indirection entries over all VPorts (the `TABLE` window, 0x1000..0x2000).
pub const MAX_TABLE_POOL: u32 = 1024;

/// Byte offsets, for code that needs a constant (firmware, decoders).
pub mod offset {
    pub const ID: u32 = 0x000;
    pub const VERSION: u32 = 0x004;
    pub const CAPS: u32 = 0x008;
    pub const QUEUE_CAPS: u32 = 0x00c;
    pub const HASH_CAPS: u32 = 0x010;
    pub const VPORT_CAPS: u32 = 0x014;
    pub const QUEUE_LIMIT: u32 = 0x018;
    pub const TABLE_READ: u32 = 0x01c;
    pub const CTRL: u32 = 0x020;
    pub const HASH_TYPES: u32 = 0x024;
    pub const TABLE_SIZE: u32 = 0x028;
    pub const DEFAULT_QUEUE: u32 = 0x02c;
    pub const PRIMARY_QUEUE: u32 = 0x030;
    pub const COMMIT: u32 = 0x034;
    pub const STATUS: u32 = 0x038;
    pub const RECORD_DROPS: u32 = 0x03c;
    pub const KEY: u32 = 0x040;
    pub const MOVE: u32 = 0x068;
    pub const MOVE_STATUS: u32 = 0x06c;
    pub const KEY_EXT: u32 = 0x070;
    pub const MAC_FILTER_LO: u32 = 0x080;
    pub const MAC_FILTER_HI: u32 = 0x0c0;
    pub const VPORT_STATE: u32 = 0x100;
    pub const VPORT_QUEUES: u32 = 0x120;
    pub const PROBE_INPUT: u32 = 0x140;
    pub const PROBE: u32 = 0x164;
    pub const PROBE_HASH: u32 = 0x168;
    pub const PROBE_RESULT: u32 = 0x16c;
    pub const REFUSED: u32 = 0x170;
    pub const COUNTERS: u32 = 0x400;
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
    /// log2 of the largest indirection table a VPort can use (7 = 128 entries, the
    /// NDIS maximum). Every VPort has its own table of this size in the shared pool.
    pub table_entries_log2: u8,
    /// Receive queues the core can steer to (queue indices 0..num_queues).
    pub num_queues: u16,
    /// VPorts (scaling entities); VPort 0 is the default VPort.
    pub vports: u8,
    /// Destination-MAC filter entries.
    pub mac_filters: u8,
    /// The hash probe (`PROBE` and its registers, `VPORT_CAPS.FEATURES` bit 3). On by
    /// default; off (`gen --no-hash-probe`) a build saves its 288 input flip-flops and
    /// the choice between a frame's and the probe's input, which an iCE40 HX8K needs.
    pub hash_probe: bool,
    /// The transmit-side lookup port (`s_axis_tx_*` → `m_axis_txq_*`,
    /// `VPORT_CAPS.FEATURES` bit 5): (VPort, hash) in, queue out, one per clock. Off
    /// by default (`gen --tx-lookup` turns it on): it reads a copy of the table pool of
    /// its own, which the default build's area bound has no room for.
    pub tx_lookup: bool,
    /// Secret key length: [`KEY_BYTES`] (40, the NDIS key) or [`LONG_KEY_BYTES`] (52,
    /// `gen --key-bytes 52`: `KEY_EXT` holds bytes 40..52). No hash input is longer
    /// than 36 bytes, and a Toeplitz hash reads key bits up to the input's length + 32,
    /// so bytes 40..52 never change a hash: a long-key build stores them for software
    /// that programs and reads back a 52-byte key, and hashes exactly as the model's
    /// Toeplitz over the whole key does.
    pub key_bytes: u8,
}

impl Default for Params {
    fn default() -> Self {
        Params {
            table_entries_log2: 7,
            num_queues: 64,
            vports: 4,
            mac_filters: 8,
            hash_probe: true,
            tx_lookup: false,
            key_bytes: KEY_BYTES as u8,
        }
    }
}

/// Why a parameter set cannot be built.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamError {
    TableEntriesLog2 {
        got: u8,
        min: u8,
        max: u8,
    },
    NumQueues {
        got: u16,
        min: u16,
        max: u16,
    },
    Vports {
        got: u8,
        min: u8,
        max: u8,
    },
    MacFilters {
        got: u8,
        min: u8,
        max: u8,
    },
    /// `vports << table_entries_log2` exceeds the `TABLE` window.
    TablePool {
        entries: u32,
        max: u32,
    },
    /// A key length other than 40 or 52 bytes.
    KeyBytes {
        got: u8,
    },
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
            ParamError::Vports { got, min, max } => {
                write!(f, "vports = {got}, must be {min}..={max}")
            }
            ParamError::MacFilters { got, min, max } => {
                write!(f, "mac_filters = {got}, must be {min}..={max}")
            }
            ParamError::TablePool { entries, max } => write!(
                f,
                "vports x table entries = {entries}, the table window holds at most {max}"
            ),
            ParamError::KeyBytes { got } => write!(
                f,
                "key_bytes = {got}, must be {KEY_BYTES} or {LONG_KEY_BYTES}"
            ),
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
        if !(1..=MAX_VPORTS).contains(&self.vports) {
            return Err(ParamError::Vports {
                got: self.vports,
                min: 1,
                max: MAX_VPORTS,
            });
        }
        if !(1..=MAX_MAC_FILTERS).contains(&self.mac_filters) {
            return Err(ParamError::MacFilters {
                got: self.mac_filters,
                min: 1,
                max: MAX_MAC_FILTERS,
            });
        }
        if self.pool_entries() > MAX_TABLE_POOL {
            return Err(ParamError::TablePool {
                entries: self.pool_entries(),
                max: MAX_TABLE_POOL,
            });
        }
        if usize::from(self.key_bytes) != KEY_BYTES && self.key_bytes != LONG_KEY_BYTES {
            return Err(ParamError::KeyBytes {
                got: self.key_bytes,
            });
        }
        Ok(())
    }

    /// Entries of one VPort's table (the largest `TABLE_SIZE` it may select).
    pub const fn table_entries(&self) -> u32 {
        1 << self.table_entries_log2
    }

    /// Entries of all VPorts' tables: `TABLE` element `v * table_entries() + i` is entry
    /// `i` of VPort `v`.
    pub const fn pool_entries(&self) -> u32 {
        (self.vports as u32) << self.table_entries_log2
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
    pub const VPORT_CAPS: usize = 5;
    pub const QUEUE_LIMIT: usize = 6;
    pub const TABLE_READ: usize = 7;
    pub const CTRL: usize = 8;
    pub const HASH_TYPES: usize = 9;
    pub const TABLE_SIZE: usize = 10;
    pub const DEFAULT_QUEUE: usize = 11;
    pub const PRIMARY_QUEUE: usize = 12;
    pub const COMMIT: usize = 13;
    pub const STATUS: usize = 14;
    pub const RECORD_DROPS: usize = 15;
    pub const KEY: usize = 16;
    pub const MOVE: usize = 17;
    pub const MOVE_STATUS: usize = 18;
    pub const MAC_FILTER_LO: usize = 19;
    pub const MAC_FILTER_HI: usize = 20;
    pub const VPORT_STATE: usize = 21;
    pub const VPORT_QUEUES: usize = 22;
    pub const TABLE: usize = 23;
    pub const REFUSED: usize = 24;
    pub const COUNTERS: usize = 25;
    /// The hash probe's registers: a build without the probe (`Params::hash_probe`
    /// false) lacks them.
    pub const PROBE_INPUT: usize = 26;
    pub const PROBE: usize = 27;
    pub const PROBE_HASH: usize = 28;
    pub const PROBE_RESULT: usize = 29;
    /// Key bytes 40..52: a long-key build (`Params::key_bytes` 52) only.
    pub const KEY_EXT: usize = 30;
    pub const COUNT: usize = 31;
}

// `RegisterMap::present` has a bit per register.
const _: () = assert!(index::COUNT <= 32);

/// Fields whose layout does not depend on the parameters.
pub mod field {
    use super::Field;
    pub const CTRL_ENABLE: Field = Field::new(
        "ENABLE",
        0,
        1,
        "1: steer by hash (hashed packets via the VPort's table, others to its default \
         queue). 0: every packet of the VPort goes to its primary queue unhashed.",
    );
    pub const TABLE_READ_ACTIVE: Field = Field::new(
        "ACTIVE",
        0,
        1,
        "0: TABLE reads return the shadow tables (what was written). 1: they return the \
         active tables, e.g. for a driver taking over a running core. Writes always go \
         to the shadow.",
    );
    pub const CTRL_SYMMETRIC: Field = Field::new(
        "SYMMETRIC",
        1,
        1,
        "1: hash both directions of a flow alike: the source field is replaced by \
         source OR destination and the destination field by source XOR destination (for \
         the addresses and for the ports) before hashing.",
    );
    pub const COMMIT_PARAMS: Field = Field::new(
        "PARAMS",
        0,
        1,
        "Write 1: the staging set (CTRL, HASH_TYPES, TABLE_SIZE, DEFAULT_QUEUE, \
         PRIMARY_QUEUE, QUEUE_LIMIT, KEY) becomes VPORT's active state at once.",
    );
    pub const COMMIT_TABLE: Field = Field::new(
        "TABLE",
        1,
        1,
        "Write 1: VPORT's shadow table becomes its active table and the old active table \
         its shadow. With PARAMS in the same write, both change for the same frame.",
    );
    pub const STATUS_COMMIT_GENERATION: Field = Field::new(
        "COMMIT_GENERATION",
        0,
        16,
        "Counts COMMIT writes that committed something (wraps); software reads it to \
         confirm a commit landed.",
    );
    pub const RECORD_DROPS_COUNT: Field = Field::new(
        "COUNT",
        0,
        32,
        "Frames whose record was dropped: the record FIFO was full, or the hash unit was \
         busy (back-to-back runts, or a frame meeting a hash probe). Only a tap-mode \
         build (`gen --tap`) drops records, a default build stalls the frame stream \
         instead and reads 0. Free-running from reset, wraps at 2^32; the next record \
         after a dropped one carries flag RECORDS_LOST.",
    );
    pub const KEY_WORD: Field = Field::new(
        "WORD",
        0,
        32,
        "Key bytes 4n..4n+3, byte 4n in bits 31:24 (the key's hex string reads left to \
         right across KEY[0], KEY[1], ...). Staged: takes effect on COMMIT.PARAMS.",
    );
    pub const KEY_EXT_WORD: Field = Field::new(
        "WORD",
        0,
        32,
        "Key bytes 40+4n..43+4n, byte 40+4n in bits 31:24: the 52-byte key's hex string \
         continues from KEY[9] across KEY_EXT[0], KEY_EXT[1], KEY_EXT[2]. Staged with \
         KEY. No hash input reaches these bytes (a Toeplitz hash of n input bytes reads \
         key bytes 0..n+4, and no input is longer than 36 bytes).",
    );
    pub const MOVE_STATUS_RESULT: Field = Field::new(
        "RESULT",
        0,
        2,
        "Last MOVE: 0 none since reset, 1 moved, 2 refused (ENTRY not below the VPort's \
         table size), 3 refused (QUEUE above the VPort's queue limit).",
    );
    pub const MOVE_STATUS_COUNT: Field =
        Field::new("COUNT", 16, 16, "Moves applied since reset (wraps).");
    pub const MAC_FILTER_LO_ADDR: Field =
        Field::new("ADDR", 0, 32, "MAC bytes 2..5, byte 2 in bits 31:24.");
    pub const MAC_FILTER_HI_ADDR: Field =
        Field::new("ADDR", 0, 16, "MAC bytes 0..1, byte 0 in bits 15:8.");
    pub const MAC_FILTER_HI_VALID: Field = Field::new(
        "VALID",
        16,
        1,
        "1: frames whose destination MAC equals ADDR go to VPORT. Clear it before \
         rewriting the entry's ADDR.",
    );
    pub const VPORT_STATE_ENABLE: Field =
        Field::new("ENABLE", 0, 1, "Active CTRL.ENABLE of the VPort.");
    pub const VPORT_STATE_SYMMETRIC: Field =
        Field::new("SYMMETRIC", 1, 1, "Active CTRL.SYMMETRIC of the VPort.");
    pub const VPORT_STATE_TABLE_SIZE_LOG2: Field = Field::new(
        "TABLE_SIZE_LOG2",
        4,
        4,
        "Active TABLE_SIZE.LOG2 of the VPort.",
    );
    pub const VPORT_STATE_HASH_TYPES: Field = Field::new(
        "HASH_TYPES",
        16,
        9,
        "Active HASH_TYPES.ENABLED of the VPort.",
    );
    pub const VPORT_QUEUES_DEFAULT: Field =
        Field::new("DEFAULT", 0, 8, "Active DEFAULT_QUEUE of the VPort.");
    pub const VPORT_QUEUES_PRIMARY: Field =
        Field::new("PRIMARY", 8, 8, "Active PRIMARY_QUEUE of the VPort.");
    pub const VPORT_QUEUES_LIMIT: Field =
        Field::new("LIMIT", 16, 8, "Active QUEUE_LIMIT of the VPort.");
    pub const PROBE_INPUT_WORD: Field = Field::new(
        "WORD",
        0,
        32,
        "Hash-input bytes 4n..4n+3, byte 4n in bits 31:24: the NDIS hash input (source \
         address, destination address, source port, destination port, in network order) \
         left-aligned. Bytes past the probed type's input length are ignored.",
    );
    pub const PROBE_TYPE: Field = Field::new(
        "TYPE",
        0,
        4,
        "Hash type to probe, as a bit number of HASH_TYPES (0 IPV4 .. 8 UDP_IPV6_EX): it \
         sets how many PROBE_INPUT bytes are hashed.",
    )
    .at_most(8);
    pub const PROBE_HASH_VALUE: Field = Field::new(
        "VALUE",
        0,
        32,
        "Toeplitz hash of the last probe's input with its VPort's active key, whether or \
         not that VPort would hash the type.",
    );
    pub const PROBE_RESULT_HASHED: Field = Field::new(
        "HASHED",
        8,
        1,
        "1: a frame of the probed type on that VPort would be hashed (RSS enabled and the \
         type enabled), and QUEUE is its indirection entry's. 0: QUEUE is the primary \
         (RSS disabled) or default queue.",
    );
    pub const PROBE_RESULT_COUNT: Field = Field::new(
        "COUNT",
        16,
        16,
        "Probes completed since reset (wraps): it advances by one when a PROBE write's \
         result is in.",
    );
    pub const REFUSED_WRITES: Field = Field::new(
        "WRITES",
        0,
        16,
        "Register writes answered SLVERR since reset (refused MOVEs included); wraps.",
    );
    pub const REFUSED_MOVES: Field = Field::new(
        "MOVES",
        16,
        16,
        "MOVE writes refused since reset (entry or queue out of the VPort's range); wraps.",
    );
    pub const COUNTERS_COUNT: Field = Field::new(
        "COUNT",
        0,
        32,
        "Records of the element's VPort and class delivered on the record port since FPGA \
         configuration: free-running, wraps at 2^32, kept across rst (block RAM). A record \
         counts within 5 clocks of its handshake; one dropped in tap mode counts in \
         RECORD_DROPS instead.",
    );
    /// Bit position of every VPORT field (COMMIT, MOVE use their own; see the map).
    pub const VPORT_BITS: u8 = 3;
}

/// The register map of one build of the core.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegisterMap {
    pub params: Params,
    /// Every register any build has, by [`index`].
    registers: [Register; index::COUNT],
    /// The registers this build has, in declaration order (`built_count` of them).
    built: [Register; index::COUNT],
    built_count: usize,
    /// Bit `i`: this build has register `i`.
    present: u32,
}

impl RegisterMap {
    pub fn new(params: Params) -> Result<RegisterMap, ParamError> {
        params.validate()?;
        let queue = Field::new("QUEUE", 0, params.queue_bits(), "Receive queue index.")
            .at_most(u32::from(params.num_queues) - 1);
        let vport = |lsb| {
            Field::new("VPORT", lsb, field::VPORT_BITS, "VPort index.")
                .at_most(u32::from(params.vports) - 1)
        };
        let hash_types_doc = "Bit n is NDIS hash flag 1 << (n+8): 0 IPV4, 1 TCP_IPV4, \
            2 IPV6, 3 IPV6_EX, 4 TCP_IPV6, 5 TCP_IPV6_EX, 6 UDP_IPV4, 7 UDP_IPV6, 8 UDP_IPV6_EX.";
        let supported = params.supported_hash_types().0 as u32;
        let last_queue = u32::from(params.num_queues) - 1;
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
                        | u32::from(params.key_bytes) << 16
                        | (TUPLE_BYTES as u32) << 24,
                )
                .field(Field::new(
                    "TABLE_ENTRIES_LOG2",
                    0,
                    8,
                    "log2 of one VPort's TABLE entries (its largest TABLE_SIZE).",
                ))
                .field(Field::new("QUEUE_BITS", 8, 8, "Width of every QUEUE field."))
                .field(Field::new(
                    "KEY_BYTES",
                    16,
                    8,
                    "Secret key length in bytes: 40 (KEY), or 52 (KEY, then KEY_EXT).",
                ))
                .field(Field::new("TUPLE_BYTES", 24, 8, "Longest hashed tuple in bytes.")),
            Register::new("QUEUE_CAPS", offset::QUEUE_CAPS, ReadOnly, "Queue capabilities.")
                .reset(u32::from(params.num_queues))
                .field(Field::new("NUM_QUEUES", 0, 16, "Queues a QUEUE field may name.")),
            Register::new("HASH_CAPS", offset::HASH_CAPS, ReadOnly, "Hash types this build can hash.")
                .reset(supported)
                .field(Field::new("SUPPORTED", 0, HASH_TYPE_BITS, hash_types_doc)),
            Register::new("VPORT_CAPS", offset::VPORT_CAPS, ReadOnly, "VMMQ capabilities.")
                .reset(
                    u32::from(params.vports)
                        | u32::from(params.mac_filters) << 8
                        | (VPORT_FEATURES
                            | (u32::from(params.hash_probe) * FEATURE_HASH_PROBE)
                            | (u32::from(params.tx_lookup) * FEATURE_TX_LOOKUP))
                            << 16,
                )
                .field(Field::new("VPORTS", 0, 8, "VPorts (VPort 0 is the default VPort)."))
                .field(Field::new("MAC_FILTERS", 8, 8, "Destination-MAC filter entries."))
                .field(Field::new(
                    "FEATURES",
                    16,
                    8,
                    "Bit 0: symmetric hashing (CTRL.SYMMETRIC); bit 1: shadow tables \
                     (COMMIT.TABLE); bit 2: single-entry moves (MOVE); bit 3: hash probe (PROBE); \
                     bit 4: statistics counters (COUNTERS, REFUSED); bit 5: transmit-side \
                     lookup port (s_axis_tx → m_axis_txq).",
                )),
            Register::new(
                "QUEUE_LIMIT",
                offset::QUEUE_LIMIT,
                ReadWrite,
                "Highest queue a MOVE may name for the VPort (its queue count - 1). Staged.",
            )
            .reset(last_queue)
            .field(
                Field::new("LAST", 0, params.queue_bits(), "Highest queue index.")
                    .at_most(last_queue),
            ),
            Register::new("TABLE_READ", offset::TABLE_READ, ReadWrite, "Which tables TABLE reads.")
                .field(field::TABLE_READ_ACTIVE),
            Register::new("CTRL", offset::CTRL, ReadWrite, "RSS control. Staged.")
                .field(field::CTRL_ENABLE)
                .field(field::CTRL_SYMMETRIC),
            Register::new("HASH_TYPES", offset::HASH_TYPES, ReadWrite, "Enabled hash types. Staged.")
                .field(Field::new("ENABLED", 0, HASH_TYPE_BITS, hash_types_doc)),
            Register::new(
                "TABLE_SIZE",
                offset::TABLE_SIZE,
                ReadWrite,
                "Indirection entries in use: the table is indexed by the low LOG2 bits of the \
                 hash. Staged; 0 (one entry) after reset, the initial state of seed 002.",
            )
            .field(
                Field::new("LOG2", 0, 4, "log2 of the entries in use; at most CAPS.TABLE_ENTRIES_LOG2.")
                    .at_most(u32::from(params.table_entries_log2)),
            ),
            Register::new(
                "DEFAULT_QUEUE",
                offset::DEFAULT_QUEUE,
                ReadWrite,
                "Queue for packets with no hash while RSS is enabled (NDIS default processor). Staged.",
            )
            .field(queue),
            Register::new(
                "PRIMARY_QUEUE",
                offset::PRIMARY_QUEUE,
                ReadWrite,
                "Queue for every packet while RSS is disabled (NDIS primary processor). Staged.",
            )
            .field(queue),
            Register::new("COMMIT", offset::COMMIT, WriteTrigger, "Applies staged state to a VPort.")
                .field(field::COMMIT_PARAMS)
                .field(field::COMMIT_TABLE)
                .field(vport(8)),
            Register::new("STATUS", offset::STATUS, ReadOnly, "Status.")
                .field(field::STATUS_COMMIT_GENERATION),
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
                "MOVE",
                offset::MOVE,
                WriteTrigger,
                "Moves one entry of a VPort's active table (RSSv2 SET_INDIRECTION_TABLE_ENTRIES). \
                 Refused with SLVERR, changing nothing but MOVE_STATUS, when ENTRY is not below \
                 the VPort's active table size or QUEUE is above its active queue limit.",
            )
            .field(
                Field::new("ENTRY", 0, 10, "Entry of the VPort's table.")
                    .at_most(params.table_entries() - 1),
            )
            .field(Field::new("QUEUE", 12, 8, "Target queue.").at_most(last_queue))
            .field(vport(24)),
            Register::new("MOVE_STATUS", offset::MOVE_STATUS, ReadOnly, "Result of the last MOVE.")
                .field(field::MOVE_STATUS_RESULT)
                .field(field::MOVE_STATUS_COUNT),
            Register::new(
                "MAC_FILTER_LO",
                offset::MAC_FILTER_LO,
                ReadWrite,
                "Destination-MAC filter entry n, low part.",
            )
            .array(u32::from(params.mac_filters))
            .field(field::MAC_FILTER_LO_ADDR),
            Register::new(
                "MAC_FILTER_HI",
                offset::MAC_FILTER_HI,
                ReadWrite,
                "Destination-MAC filter entry n, high part, valid bit and VPort. A frame goes to \
                 the VPort of the lowest valid entry matching its destination MAC, else to VPort 0.",
            )
            .array(u32::from(params.mac_filters))
            .field(field::MAC_FILTER_HI_ADDR)
            .field(field::MAC_FILTER_HI_VALID)
            .field(vport(24)),
            Register::new("VPORT_STATE", offset::VPORT_STATE, ReadOnly, "Active RSS state of VPort n.")
                .array(u32::from(params.vports))
                .field(field::VPORT_STATE_ENABLE)
                .field(field::VPORT_STATE_SYMMETRIC)
                .field(field::VPORT_STATE_TABLE_SIZE_LOG2)
                .field(field::VPORT_STATE_HASH_TYPES),
            Register::new("VPORT_QUEUES", offset::VPORT_QUEUES, ReadOnly, "Active queues of VPort n.")
                .array(u32::from(params.vports))
                .reset(last_queue << 16)
                .field(field::VPORT_QUEUES_DEFAULT)
                .field(field::VPORT_QUEUES_PRIMARY)
                .field(field::VPORT_QUEUES_LIMIT),
            Register::new(
                "TABLE",
                offset::TABLE,
                ReadWrite,
                "Shadow indirection tables: element v * 2^CAPS.TABLE_ENTRIES_LOG2 + n is entry n of \
                 VPort v's shadow table, swapped in by COMMIT.TABLE. Kept across rst (block RAM); \
                 zero after configuration.",
            )
            .array(params.pool_entries())
            .field(queue),
            Register::new(
                "REFUSED",
                offset::REFUSED,
                ReadOnly,
                "Refused register writes since reset (a refused read answers SLVERR only). The \
                 one register a refused write changes.",
            )
            .field(field::REFUSED_WRITES)
            .field(field::REFUSED_MOVES),
            Register::new(
                "COUNTERS",
                offset::COUNTERS,
                ReadOnly,
                "Statistics: element v * 16 + c counts VPort v's records of class c: 0..8 \
                 hashed with the hash type of HASH_TYPES bit c, 9 not hashed (RSS disabled, \
                 type not enabled or not hashable), 10 malformed; 11..15 reserved (0). Every \
                 record is in one class: a VPort's frames are the sum of its 16 elements.",
            )
            .array(u32::from(params.vports) * counter::PER_VPORT)
            .field(field::COUNTERS_COUNT),
            Register::new(
                "PROBE_INPUT",
                offset::PROBE_INPUT,
                ReadWrite,
                "Hash probe input: the hash input a PROBE write hashes.",
            )
            .array(PROBE_WORDS)
            .field(field::PROBE_INPUT_WORD),
            Register::new(
                "PROBE",
                offset::PROBE,
                WriteTrigger,
                "Hash probe: hashes PROBE_INPUT as a frame of hash type TYPE on VPORT would be \
                 hashed and steered, through the datapath's own hash unit, key and table, and \
                 answers once PROBE_HASH and PROBE_RESULT hold the result. Nothing is \
                 steered; frames keep their order.",
            )
            .field(field::PROBE_TYPE)
            .field(vport(8)),
            Register::new("PROBE_HASH", offset::PROBE_HASH, ReadOnly, "Hash of the last probe.")
                .field(field::PROBE_HASH_VALUE),
            Register::new(
                "PROBE_RESULT",
                offset::PROBE_RESULT,
                ReadOnly,
                "Queue choice of the last probe, by the rule frames are steered by.",
            )
            .field(Field::new("QUEUE", 0, params.queue_bits(), "The queue a frame of the probed type and input on that VPort would get."))
            .field(field::PROBE_RESULT_HASHED)
            .field(field::PROBE_RESULT_COUNT),
            Register::new(
                "KEY_EXT",
                offset::KEY_EXT,
                ReadWrite,
                "Staged key bytes 40..52 of a 52-byte key (CAPS.KEY_BYTES = 52 only; read \
                 back: staged words).",
            )
            .array(KEY_EXT_WORDS)
            .field(field::KEY_EXT_WORD),
        ];
        let optional = |i: usize| match i {
            index::PROBE_INPUT..=index::PROBE_RESULT => params.hash_probe,
            index::KEY_EXT => usize::from(params.key_bytes) == MAX_KEY_BYTES,
            _ => true,
        };
        let mut present = 0u32;
        let mut built = registers;
        let mut built_count = 0;
        for (i, register) in registers.iter().enumerate() {
            if optional(i) {
                present |= 1 << i;
                built[built_count] = *register;
                built_count += 1;
            }
        }
        Ok(RegisterMap {
            params,
            registers,
            built,
            built_count,
            present,
        })
    }

    /// The registers this build has, in declaration order.
    pub fn registers(&self) -> &[Register] {
        &self.built[..self.built_count]
    }

    /// The declaration of register `index` (see [`index`]), whether or not this build
    /// has it ([`Self::has`]).
    pub fn register(&self, index: usize) -> &Register {
        &self.registers[index]
    }

    /// This build has register `index`.
    pub fn has(&self, index: usize) -> bool {
        index < index::COUNT && self.present & (1 << index) != 0
    }

    pub fn by_name(&self, name: &str) -> Option<&Register> {
        self.registers.iter().find(|r| r.name == name)
    }

    /// The register (its [`index`]) and element an address falls in.
    pub fn decode(&self, addr: u32) -> Option<(usize, u32)> {
        let word = addr & !3 & ((1 << ADDR_BITS) - 1);
        if addr >> ADDR_BITS != 0 {
            return None;
        }
        (0..index::COUNT).filter(|&i| self.has(i)).find_map(|i| {
            let r = &self.registers[i];
            let element = word.checked_sub(r.offset)? / 4;
            (element < r.count).then_some((i, element))
        })
    }
}

/// The statistics counters: `COUNTERS` element `v * PER_VPORT + class` counts the records
/// of VPort `v` in that class. Each record is in exactly one class, so a VPort's frames
/// are the sum of its classes and a hash type's frames the sum over the VPorts.
pub mod counter {
    use crate::hash_type::HashType;
    use crate::parse::FLAG_MALFORMED;

    /// Elements per VPort (classes 11..15 are reserved and read 0).
    pub const PER_VPORT: u32 = 16;
    /// Classes 0..=8: hashed, with the hash type of that `HASH_TYPES` bit.
    pub const HASHED: u32 = 0;
    /// Not hashed and well formed: RSS disabled, a type the VPort does not hash, or no
    /// IP header the rules hash.
    pub const UNHASHED: u32 = 9;
    /// Malformed (record flag `FLAG_MALFORMED`): no hash, whatever the VPort's state.
    pub const MALFORMED: u32 = 10;
    /// Classes in use.
    pub const CLASSES: u32 = 11;

    /// The class of a record with `hash_type` and `flags`.
    pub fn class(hash_type: Option<HashType>, flags: u8) -> u32 {
        match hash_type {
            _ if flags & FLAG_MALFORMED != 0 => MALFORMED,
            Some(t) => HASHED + u32::from(t.bit()),
            None => UNHASHED,
        }
    }

    /// The `COUNTERS` element of VPort `vport`'s class `class`.
    pub const fn element(vport: u8, class: u32) -> u32 {
        vport as u32 * PER_VPORT + class
    }
}

/// `VPORT_CAPS.FEATURES` of every build: symmetric hashing, shadow tables, moves,
/// statistics counters.
pub const VPORT_FEATURES: u32 = 0b1_0111;
/// `VPORT_CAPS.FEATURES` bit of a build with the hash probe (`Params::hash_probe`).
pub const FEATURE_HASH_PROBE: u32 = 1 << 3;
/// `VPORT_CAPS.FEATURES` bit of the statistics counters (`COUNTERS`, `REFUSED`), which
/// every build from register version 0.4 has.
pub const FEATURE_COUNTERS: u32 = 1 << 4;
/// `VPORT_CAPS.FEATURES` bit of a build with the transmit-side lookup port
/// (`Params::tx_lookup`).
pub const FEATURE_TX_LOOKUP: u32 = 1 << 5;

#[cfg(test)]
mod tests {
    extern crate std;
    use super::*;

    #[test]
    fn registers_do_not_overlap_and_fit_the_window() {
        let map = RegisterMap::new(Params {
            table_entries_log2: MAX_TABLE_ENTRIES_LOG2,
            num_queues: 256,
            vports: 1,
            mac_filters: MAX_MAC_FILTERS,
            hash_probe: true,
            tx_lookup: true,
            key_bytes: LONG_KEY_BYTES,
        })
        .unwrap();
        assert_eq!(map.registers().len(), index::COUNT);
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
        for r in map.registers() {
            assert_eq!(r.offset % 4, 0);
            let (i, element) = map.decode(r.offset).unwrap();
            assert_eq!((map.register(i).name, element), (r.name, 0));
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
                num_queues: n,
                ..Params::default()
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
            num_queues: 48,
            ..Params::default()
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
        assert_eq!(
            map.decode(offset::TABLE + 4 * 511),
            Some((index::TABLE, 511))
        );
        assert_eq!(map.decode(offset::TABLE + 4 * 512), None);
        assert_eq!(map.decode(0x01c), Some((index::TABLE_READ, 0)));
        assert_eq!(map.decode(0x114), None);
        assert_eq!(map.decode(1 << ADDR_BITS), None);
    }

    #[test]
    fn a_build_without_the_probe_has_no_probe_registers_and_no_feature_bit() {
        let without = RegisterMap::new(Params {
            hash_probe: false,
            ..Params::default()
        })
        .unwrap();
        let with = RegisterMap::new(Params::default()).unwrap();
        assert_eq!(with.registers().len(), index::COUNT - 1, "all but KEY_EXT");
        assert_eq!(without.registers().len(), index::COUNT - 5);
        assert!(!without.has(index::PROBE) && with.has(index::PROBE));
        for addr in [
            offset::PROBE_INPUT,
            offset::PROBE,
            offset::PROBE_HASH,
            offset::PROBE_RESULT,
        ] {
            assert_eq!(without.decode(addr), None);
            assert!(with.decode(addr).is_some());
        }
        let features = |m: &RegisterMap| m.register(index::VPORT_CAPS).reset >> 16;
        assert_eq!(features(&with), VPORT_FEATURES | FEATURE_HASH_PROBE);
        assert_eq!(features(&without), VPORT_FEATURES);
    }

    #[test]
    fn the_transmit_lookup_port_has_its_feature_bit_and_no_registers() {
        let with = RegisterMap::new(Params {
            tx_lookup: true,
            ..Params::default()
        })
        .unwrap();
        let without = RegisterMap::new(Params::default()).unwrap();
        let features = |m: &RegisterMap| m.register(index::VPORT_CAPS).reset >> 16;
        assert_eq!(features(&with), features(&without) | FEATURE_TX_LOOKUP);
        assert_eq!(with.registers().len(), without.registers().len());
    }

    #[test]
    fn a_long_key_build_has_key_ext_after_move_status_and_says_52_bytes() {
        let long = RegisterMap::new(Params {
            key_bytes: LONG_KEY_BYTES,
            hash_probe: false,
            ..Params::default()
        })
        .unwrap();
        let short = RegisterMap::new(Params::default()).unwrap();
        let key_bytes = |m: &RegisterMap| m.register(index::CAPS).reset >> 16 & 0xff;
        assert_eq!(key_bytes(&long), 52);
        assert_eq!(key_bytes(&short), 40);
        assert!(long.has(index::KEY_EXT) && !short.has(index::KEY_EXT));
        assert!(!long.has(index::PROBE) && long.registers().len() == index::COUNT - 4);
        // KEY_EXT fills the words after MOVE_STATUS, below the MAC filters.
        let key_ext = long.register(index::KEY_EXT);
        assert_eq!(key_ext.offset, offset::MOVE_STATUS + 4);
        assert!(key_ext.offset + 4 * key_ext.count <= offset::MAC_FILTER_LO);
        for word in 0..KEY_EXT_WORDS {
            let addr = offset::KEY_EXT + 4 * word;
            assert_eq!(long.decode(addr), Some((index::KEY_EXT, word)));
            assert_eq!(short.decode(addr), None);
        }
        assert_eq!(long.decode(offset::KEY_EXT + 4 * KEY_EXT_WORDS), None);
        assert_eq!(
            RegisterMap::new(Params {
                key_bytes: 48,
                ..Params::default()
            }),
            Err(ParamError::KeyBytes { got: 48 })
        );
    }
}
