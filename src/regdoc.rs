//! Machine-readable register documents derived from the model's map
//! (`rss_model::regmap`, the single source): JSON via serde and CMSIS-SVD via
//! `svd-rs`/`svd-encoder`. They live in this std crate so the model stays `no_std`
//! without serde; the Markdown page and the C header stay in `rss_model::export`.

use rss_model::HashType;
use rss_model::parse::{FLAG_FRAGMENT, FLAG_MALFORMED};
use rss_model::record::{RECORD_FIELDS, RecordField, TX_ANSWER_FIELDS, TX_REQUEST_FIELDS};
use rss_model::regmap::{ADDR_BITS, Access, RegisterMap, index};
use serde::Serialize;
use svd_rs::{
    AddressBlock, BitRange, DimElement, Field, FieldInfo, Peripheral, PeripheralInfo, Register,
    RegisterCluster, RegisterInfo, RegisterProperties, ValidateLevel, WriteConstraint,
    WriteConstraintRange,
};

/// Bytes between consecutive elements of a register array.
pub const STRIDE: u32 = 4;

#[derive(Serialize)]
struct Json<'a> {
    block: &'static str,
    addr_bits: u8,
    /// Register data width in bits.
    data_bits: u8,
    params: JsonParams,
    registers: Vec<JsonRegister<'a>>,
    key_layout: KeyLayout,
    hash_types: Vec<JsonHashType>,
    record: Vec<JsonRecordField>,
    record_flags: Vec<JsonFlag>,
    /// The transmit-side lookup's ports (`s_axis_tx_<name>`, `m_axis_txq_<name>`);
    /// absent from a build without them.
    #[serde(skip_serializing_if = "Option::is_none")]
    tx_lookup: Option<JsonTxLookup>,
}

#[derive(Serialize)]
struct JsonTxLookup {
    request: Vec<JsonRecordField>,
    answer: Vec<JsonRecordField>,
}

#[derive(Serialize)]
struct JsonParams {
    table_entries_log2: u8,
    num_queues: u16,
    queue_bits: u8,
    vports: u8,
    mac_filters: u8,
    hash_probe: bool,
    tx_lookup: bool,
    key_bytes: u8,
}

#[derive(Serialize)]
struct JsonRegister<'a> {
    name: &'a str,
    offset: u32,
    count: u32,
    /// Bytes from one element to the next (arrays); 4 for plain registers too.
    stride: u32,
    access: &'static str,
    reset: u32,
    doc: &'a str,
    fields: Vec<JsonField<'a>>,
}

#[derive(Serialize)]
struct JsonField<'a> {
    name: &'a str,
    lsb: u8,
    width: u8,
    max: u32,
    doc: &'a str,
}

/// How the key maps onto the KEY words (then the KEY_EXT words of a 52-byte key), as
/// data.
#[derive(Serialize)]
struct KeyLayout {
    register: &'static str,
    /// Where key bytes 40.. continue (`KEY_EXT`), in a 52-byte-key build.
    #[serde(skip_serializing_if = "Option::is_none")]
    continued_in: Option<&'static str>,
    /// Key length in bytes (`CAPS.KEY_BYTES`).
    bytes: u8,
    words: u32,
    bytes_per_word: u32,
    /// `big-endian`: key byte 4n is the most significant byte of KEY[n].
    byte_order: &'static str,
    /// For key byte 4n+i (i = 0..3): its bit range [msb, lsb] in KEY[n].
    byte_bits: [[u8; 2]; 4],
}

#[derive(Serialize)]
struct JsonHashType {
    name: &'static str,
    /// Bit in HASH_TYPES, HASH_CAPS and the record's hash_type field.
    bit: u8,
    /// `NDIS_HASH_*` flag: `1 << (bit + 8)`.
    ndis_flag: u32,
    /// Bytes hashed.
    input_bytes: usize,
}

#[derive(Serialize)]
struct JsonRecordField {
    name: &'static str,
    bits: u8,
    doc: &'static str,
}

#[derive(Serialize)]
struct JsonFlag {
    name: &'static str,
    bit: u8,
}

/// The map as JSON: parameters, every register with stride and fields, the key's byte
/// layout, the hash-type bit order and the record port.
pub fn json(map: &RegisterMap) -> String {
    let p = &map.params;
    let doc = Json {
        block: "rss_core",
        addr_bits: ADDR_BITS,
        data_bits: 32,
        params: JsonParams {
            table_entries_log2: p.table_entries_log2,
            num_queues: p.num_queues,
            queue_bits: p.queue_bits(),
            vports: p.vports,
            mac_filters: p.mac_filters,
            hash_probe: p.hash_probe,
            tx_lookup: p.tx_lookup,
            key_bytes: p.key_bytes,
        },
        registers: map
            .registers()
            .iter()
            .map(|r| JsonRegister {
                name: r.name,
                offset: r.offset,
                count: r.count,
                stride: STRIDE,
                access: r.access.name(),
                reset: r.reset,
                doc: r.doc,
                fields: r
                    .fields()
                    .iter()
                    .map(|f| JsonField {
                        name: f.name,
                        lsb: f.lsb,
                        width: f.width,
                        max: f.max,
                        doc: f.doc,
                    })
                    .collect(),
            })
            .collect(),
        key_layout: KeyLayout {
            register: "KEY",
            continued_in: map.has(index::KEY_EXT).then_some("KEY_EXT"),
            bytes: p.key_bytes,
            words: u32::from(p.key_bytes) / 4,
            bytes_per_word: 4,
            byte_order: "big-endian",
            byte_bits: [[31, 24], [23, 16], [15, 8], [7, 0]],
        },
        hash_types: HashType::ALL
            .iter()
            .map(|t| JsonHashType {
                name: t.name(),
                bit: t.bit(),
                ndis_flag: t.ndis_flag(),
                input_bytes: t.input_bytes(),
            })
            .collect(),
        record: json_fields(&RECORD_FIELDS),
        record_flags: vec![
            JsonFlag {
                name: "MALFORMED",
                bit: FLAG_MALFORMED.trailing_zeros() as u8,
            },
            JsonFlag {
                name: "FRAGMENT",
                bit: FLAG_FRAGMENT.trailing_zeros() as u8,
            },
            JsonFlag {
                name: "RECORDS_LOST",
                bit: rss_model::record::FLAG_RECORDS_LOST.trailing_zeros() as u8,
            },
        ],
        tx_lookup: p.tx_lookup.then(|| JsonTxLookup {
            request: json_fields(&TX_REQUEST_FIELDS),
            answer: json_fields(&TX_ANSWER_FIELDS),
        }),
    };
    let mut text = serde_json::to_string_pretty(&doc).expect("plain data serializes");
    text.push('\n');
    text
}

fn json_fields(fields: &[RecordField]) -> Vec<JsonRecordField> {
    fields
        .iter()
        .map(|f| JsonRecordField {
            name: f.name,
            bits: f.bits,
            doc: f.doc,
        })
        .collect()
}

fn svd_access(a: Access) -> svd_rs::Access {
    match a {
        Access::ReadOnly => svd_rs::Access::ReadOnly,
        Access::ReadWrite => svd_rs::Access::ReadWrite,
        Access::WriteTrigger => svd_rs::Access::WriteOnly,
    }
}

/// The map as a CMSIS-SVD device with one peripheral, `RSS`, at base address 0 (the
/// integrator's interconnect places it; tools such as svd2rust take the base as given).
pub fn svd(map: &RegisterMap) -> Result<String, String> {
    let lvl = ValidateLevel::Strict;
    let err = |e: svd_rs::SvdError| e.to_string();
    let mut registers = Vec::new();
    for reg in map.registers() {
        let access = svd_access(reg.access);
        let fields = reg
            .fields()
            .iter()
            .map(|f| {
                let mut b = FieldInfo::builder()
                    .name(f.name.to_owned())
                    .description(Some(f.doc.to_owned()))
                    .bit_range(BitRange::from_offset_width(
                        u32::from(f.lsb),
                        u32::from(f.width),
                    ))
                    .access(Some(access));
                let full = if f.width >= 32 {
                    u32::MAX
                } else {
                    (1 << f.width) - 1
                };
                if f.max != full && reg.access != Access::ReadOnly {
                    b = b.write_constraint(Some(WriteConstraint::Range(WriteConstraintRange {
                        min: 0,
                        max: u64::from(f.max),
                    })));
                }
                b.build(lvl).map(Field::Single).map_err(err)
            })
            .collect::<Result<Vec<_>, _>>()?;
        let name = if reg.count > 1 {
            format!("{}[%s]", reg.name)
        } else {
            reg.name.to_owned()
        };
        let info = RegisterInfo::builder()
            .name(name)
            .description(Some(reg.doc.to_owned()))
            .address_offset(reg.offset)
            .size(Some(32))
            .access(Some(access))
            .reset_value(Some(u64::from(reg.reset)))
            .reset_mask(Some(0xffff_ffff))
            .fields(Some(fields))
            .build(lvl)
            .map_err(err)?;
        let register = if reg.count > 1 {
            let dim = DimElement::builder()
                .dim(reg.count)
                .dim_increment(STRIDE)
                .build(lvl)
                .map_err(err)?;
            Register::Array(info, dim)
        } else {
            Register::Single(info)
        };
        registers.push(RegisterCluster::Register(register));
    }
    let peripheral = PeripheralInfo::builder()
        .name("RSS".to_owned())
        .description(Some(
            "Receive-side scaling: Toeplitz hash key, hash types, indirection table, steering."
                .to_owned(),
        ))
        .group_name(Some("RSS".to_owned()))
        .base_address(0)
        .address_block(Some(vec![
            AddressBlock::builder()
                .offset(0)
                .size(1 << ADDR_BITS)
                .usage(svd_rs::AddressBlockUsage::Registers)
                .build(lvl)
                .map_err(err)?,
        ]))
        .registers(Some(registers))
        .build(lvl)
        .map_err(err)?;
    let p = &map.params;
    let device = svd_rs::Device::builder()
        .vendor(Some("rss-core".to_owned()))
        .name("rss_core".to_owned())
        .version(env!("CARGO_PKG_VERSION").to_owned())
        .description(format!(
            "rss-core receive-side scaling block: {} indirection entries, {} queues. \
             Generated from rss-model::regmap; do not edit.",
            p.table_entries(),
            p.num_queues
        ))
        .address_unit_bits(8)
        .width(32)
        .default_register_properties(
            RegisterProperties::new()
                .size(Some(32))
                .access(Some(svd_rs::Access::ReadWrite))
                .reset_value(Some(0))
                .reset_mask(Some(0xffff_ffff)),
        )
        .peripherals(vec![Peripheral::Single(peripheral)])
        .build(lvl)
        .map_err(err)?;
    svd_encoder::encode(&device).map_err(|e| e.to_string())
}
