//! Documents derived from the register map: Markdown (for people) and a C header (for
//! drivers in C). Written to any `core::fmt::Write`, so `no_std` holds. The
//! machine-readable ones (JSON via serde, CMSIS-SVD) are written by the `rss-core` CLI
//! crate (`src/regdoc.rs`) from the same map, keeping this crate free of std and serde.

use core::fmt::{Result, Write};

use crate::parse::{FLAG_FRAGMENT, FLAG_MALFORMED};
use crate::record::{RECORD_FIELDS, RecordField, TX_ANSWER_FIELDS, TX_REQUEST_FIELDS};
use crate::regmap::{ADDR_BITS, Register, RegisterMap};

fn span(reg: &Register) -> (u32, u32) {
    (reg.offset, reg.element_offset(reg.count - 1))
}

/// The map as a Markdown reference page.
pub fn write_markdown(map: &RegisterMap, out: &mut impl Write) -> Result {
    let p = &map.params;
    writeln!(out, "# rss_core register map\n")?;
    writeln!(
        out,
        "Generated from the model (`rss-model::regmap`); do not edit. AXI4-Lite, 32-bit data, \
         {ADDR_BITS}-bit byte addresses (bits 1:0 ignored). Unmapped addresses, writes to \
         read-only registers and values outside a field's range answer SLVERR and change \
         nothing.\n"
    )?;
    writeln!(
        out,
        "This build: {} indirection entries, {} queues ({}-bit queue fields).\n",
        p.table_entries(),
        p.num_queues,
        p.queue_bits()
    )?;
    writeln!(
        out,
        "| offset | name | access | reset | description |\n|---|---|---|---|---|"
    )?;
    for reg in map.registers() {
        let (first, last) = span(reg);
        if reg.count > 1 {
            write!(
                out,
                "| 0x{first:04x}–0x{last:04x} | {}[{}] ",
                reg.name, reg.count
            )?;
        } else {
            write!(out, "| 0x{first:04x} | {} ", reg.name)?;
        }
        writeln!(
            out,
            "| {} | 0x{:08x} | {} |",
            reg.access.name(),
            reg.reset,
            reg.doc
        )?;
    }
    writeln!(out, "\n## Steering record\n")?;
    writeln!(
        out,
        "One record per frame (`rss_core`, ports `m_axis_rss_<field>` with `m_axis_rss_tvalid` / \
         `m_axis_rss_tready`) or per tuple (`rss_tuple_core`, `m_rss_<field>`), in order.\n"
    )?;
    writeln!(out, "| field | bits | meaning |\n|---|---|---|")?;
    for f in &RECORD_FIELDS {
        writeln!(out, "| {} | {} | {} |", f.name, f.bits, f.doc)?;
    }
    if map.params.tx_lookup {
        writeln!(out, "\n## Transmit-side lookup\n")?;
        writeln!(
            out,
            "`rss_core` built with the transmit-side lookup (`VPORT_CAPS.FEATURES` bit 5): a \
             request on `s_axis_tx_<field>` (`s_axis_tx_tvalid` / `s_axis_tx_tready`) gets one \
             answer on `m_axis_txq_<field>` (`m_axis_txq_tvalid` / `m_axis_txq_tready`), in \
             order, one per clock.\n"
        )?;
        writeln!(out, "| port | bits | meaning |\n|---|---|---|")?;
        for f in &TX_REQUEST_FIELDS {
            writeln!(out, "| s_axis_tx_{} | {} | {} |", f.name, f.bits, f.doc)?;
        }
        for f in &TX_ANSWER_FIELDS {
            writeln!(out, "| m_axis_txq_{} | {} | {} |", f.name, f.bits, f.doc)?;
        }
    }
    for reg in map.registers() {
        writeln!(out, "\n## {}\n\n{}\n", reg.name, reg.doc)?;
        writeln!(
            out,
            "| bits | field | max | description |\n|---|---|---|---|"
        )?;
        for f in reg.fields() {
            let msb = f.lsb + f.width - 1;
            writeln!(
                out,
                "| {msb}:{} | {} | {} | {} |",
                f.lsb, f.name, f.max, f.doc
            )?;
        }
    }
    Ok(())
}

/// The map as a C header: offsets, array strides and counts, field shifts and masks.
pub fn write_c_header(map: &RegisterMap, out: &mut impl Write) -> Result {
    writeln!(
        out,
        "/* rss_core register map. Generated from rss-model::regmap; do not edit. */"
    )?;
    writeln!(out, "#ifndef RSS_CORE_REGS_H\n#define RSS_CORE_REGS_H\n")?;
    writeln!(out, "#define RSS_ADDR_BITS {ADDR_BITS}u")?;
    for reg in map.registers() {
        writeln!(out, "\n/* {} */", reg.doc)?;
        writeln!(out, "#define RSS_{}_OFFSET 0x{:04x}u", reg.name, reg.offset)?;
        if reg.count > 1 {
            writeln!(out, "#define RSS_{}_COUNT {}u", reg.name, reg.count)?;
            writeln!(out, "#define RSS_{}_STRIDE 4u", reg.name)?;
        }
        writeln!(out, "#define RSS_{}_RESET 0x{:08x}u", reg.name, reg.reset)?;
        for f in reg.fields() {
            writeln!(out, "#define RSS_{}_{}_SHIFT {}u", reg.name, f.name, f.lsb)?;
            writeln!(
                out,
                "#define RSS_{}_{}_MASK 0x{:08x}u",
                reg.name,
                f.name,
                f.mask()
            )?;
        }
    }
    writeln!(
        out,
        "\n/* Steering record port fields (m_axis_rss_<field>). */"
    )?;
    write_field_widths(out, "RECORD", &RECORD_FIELDS)?;
    writeln!(
        out,
        "#define RSS_RECORD_FLAG_MALFORMED 0x{FLAG_MALFORMED:x}u"
    )?;
    writeln!(out, "#define RSS_RECORD_FLAG_FRAGMENT 0x{FLAG_FRAGMENT:x}u")?;
    if map.params.tx_lookup {
        writeln!(
            out,
            "\n/* Transmit-side lookup ports (s_axis_tx_<field>, m_axis_txq_<field>). */"
        )?;
        write_field_widths(out, "TX_REQUEST", &TX_REQUEST_FIELDS)?;
        write_field_widths(out, "TX_ANSWER", &TX_ANSWER_FIELDS)?;
    }
    writeln!(out, "\n#endif /* RSS_CORE_REGS_H */")
}

/// `#define RSS_<PREFIX>_<FIELD>_BITS n` for each port field.
fn write_field_widths(out: &mut impl Write, prefix: &str, fields: &[RecordField]) -> Result {
    for f in fields {
        write!(out, "#define RSS_{prefix}_")?;
        for c in f.name.chars() {
            out.write_char(c.to_ascii_uppercase())?;
        }
        writeln!(out, "_BITS {}u", f.bits)?;
    }
    Ok(())
}
