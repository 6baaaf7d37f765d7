//! The steering record port (`m_axis_rss_*` on `rss_core`, `m_rss_*` on
//! `rss_tuple_core`): declared once here; the RTL's port widths are checked against it
//! and the generated interface docs are written from it.

use crate::hash_type::HASH_TYPE_BITS;

/// Width of the record's queue field (and of the RTL's queue datapath); a build's
/// `CAPS.QUEUE_BITS` says how many low bits are meaningful.
pub const QUEUE_FIELD_BITS: u8 = 8;
/// Width of the record's flags field.
pub const FLAGS_BITS: u8 = 3;
/// Width of the record's length field (bytes; saturates at 65 535).
pub const LENGTH_BITS: u8 = 16;
/// Flags bit 2: one or more records were dropped before this one (tap mode, record
/// FIFO full).
pub const FLAG_RECORDS_LOST: u8 = 4;

/// One field of the record port.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecordField {
    /// Port name suffix: `m_axis_rss_<name>`.
    pub name: &'static str,
    pub bits: u8,
    pub doc: &'static str,
}

/// Every field of the record, in port order.
pub const RECORD_FIELDS: [RecordField; 5] = [
    RecordField {
        name: "hash",
        bits: 32,
        doc: "Toeplitz hash; 0 when hash_type is 0.",
    },
    RecordField {
        name: "hash_type",
        bits: HASH_TYPE_BITS,
        doc: "Hash type used, one-hot in HASH_TYPES bit order (bit n = NDIS flag 1 << (n+8)); 0 = no hash.",
    },
    RecordField {
        name: "queue",
        bits: QUEUE_FIELD_BITS,
        doc: "Receive queue: TABLE entry (hashed), DEFAULT_QUEUE (enabled, no hash) or PRIMARY_QUEUE (RSS disabled).",
    },
    RecordField {
        name: "flags",
        bits: FLAGS_BITS,
        doc: "Bit 0 (FLAG_MALFORMED): IP frame with broken headers or too short, no hash. Bit 1 (FLAG_FRAGMENT): IPv4/IPv6 fragment, hashed on addresses only. Bit 2 (FLAG_RECORDS_LOST, frame core in tap mode): records were dropped before this one.",
    },
    RecordField {
        name: "length",
        bits: LENGTH_BITS,
        doc: "Frame length in bytes as received (saturates at 65535), to match the record with its frame.",
    },
];

/// Width of the transmit-side lookup's pass-through tag (`tuser`).
pub const TX_USER_BITS: u8 = 16;

/// The transmit-side lookup's request port (`s_axis_tx_<name>` on `rss_core` built with
/// `Params::tx_lookup`, with `s_axis_tx_tvalid` / `s_axis_tx_tready`).
pub const TX_REQUEST_FIELDS: [RecordField; 4] = [
    RecordField {
        name: "vport",
        bits: 3,
        doc: "VPort of the transmitted packet; a VPort the build lacks is looked up on VPort 0.",
    },
    RecordField {
        name: "hash",
        bits: 32,
        doc: "The packet's RSS hash (ignored unless hashed).",
    },
    RecordField {
        name: "hashed",
        bits: 1,
        doc: "The packet carries an RSS hash.",
    },
    RecordField {
        name: "tuser",
        bits: TX_USER_BITS,
        doc: "Tag, returned with the answer.",
    },
];

/// The transmit-side lookup's answer port (`m_axis_txq_<name>`, with
/// `m_axis_txq_tvalid` / `m_axis_txq_tready`): one answer per request, in order.
pub const TX_ANSWER_FIELDS: [RecordField; 4] = [
    RecordField {
        name: "queue",
        bits: QUEUE_FIELD_BITS,
        doc: "Transmit queue from the VPort's active state: TABLE entry (RSS enabled, hash given), DEFAULT_QUEUE (no hash) or PRIMARY_QUEUE (RSS disabled).",
    },
    RecordField {
        name: "vport",
        bits: 3,
        doc: "The VPort whose state answered.",
    },
    RecordField {
        name: "hashed",
        bits: 1,
        doc: "The queue is the indirection entry's.",
    },
    RecordField {
        name: "tuser",
        bits: TX_USER_BITS,
        doc: "The request's tag.",
    },
];

/// The record's length field for a frame of `len` bytes (saturating).
pub fn length_field(len: usize) -> u16 {
    u16::try_from(len).unwrap_or(u16::MAX)
}
