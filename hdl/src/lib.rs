//! rss-core RTL, written in rust-hdl and emitted as Verilog.
//!
//! One block per file. Every number the register decoder uses (offsets, field limits,
//! reset values) comes from `rss_model::regmap`.
//!
//! Frame datapath (`rss_core`): [`frame_ingress`] → [`word_slots`] → [`l3_header`] →
//! 4 × [`ext_step`] → [`field_capture`] → [`tuple_select`] → job register →
//! [`tuple_layout`] → [`hash_unit`] →
//! indirection RAM → [`record_fifo`]. The tuple-level core (`rss_tuple_core`) is
//! [`tuple_core`].
//!
//! A compare of two variable lengths is written as the sign of their difference, one
//! bit wider than the operands (`a > b` as `b − a < 0`). Measured on 16-bit operands
//! between flip-flops: yosys's `synth_ecp5` (0.70) maps `>` and `<=` to a carry chain
//! with an equality tree behind it (11 LUT4, 24 for 18 against 16 bits, up to five
//! levels), `<` and `>=` to the chain and one LUT4; `synth_ice40` (0.23) spends 27 LUT4
//! on `<` and 17 on `>`. The difference is the chain alone on ECP5 (9 CCU2C) and 17
//! LUT4 on iCE40.
//!
//! `x.replace_bit(i, b)` is emitted as `x & ~(1 << i) | (b << i)` in the width of
//! the expression around it, so where `b` is an operator on a one-bit value (`!a`)
//! Verilog widens `a` before inverting it and sets every bit above `i` too, while
//! rust-hdl's own simulation does not. Give such a bit a signal of its own.

pub mod axil_regs;
pub mod axil_write_slot;
pub mod beat;
pub mod block_ram;
pub mod byte_swap;
pub mod byte_words;
pub mod csr;
pub mod csr_ro;
pub mod csr_rw;
pub mod disjoint_ram;
pub mod emit;
pub mod event_counters;
pub mod ext_step;
pub mod field_capture;
pub mod frame_ingress;
pub mod hash_unit;
pub mod key_store;
pub mod l3_header;
pub mod lane_ram;
pub mod lane_register;
pub mod pool_address;
pub mod probe_regs;
pub mod readback_ram;
pub mod record_fifo;
pub mod rss_core;
pub mod slot_flags;
pub mod slot_pick;
pub mod toeplitz_pipe;
pub mod tuple_core;
pub mod tuple_layout;
pub mod tuple_plan;
pub mod tuple_select;
pub mod tx_lookup;
pub mod type_select;
pub mod vport_match;
pub mod vport_regs;
pub mod word_decode;
pub mod word_mirror;
pub mod word_pick;
pub mod word_slots;

#[cfg(test)]
pub(crate) mod lint;
