//! rss-core RTL, written in rust-hdl and emitted as Verilog.
//!
//! One block per file. Every number the register decoder uses (offsets, field limits,
//! reset values) comes from `rss_model::regmap`.

pub mod axil_regs;
pub mod byte_swap;
pub mod csr;
pub mod csr_ro;
pub mod csr_rw;
pub mod emit;
pub mod ext_header;
pub mod frame_capture;
pub mod header_parser;
pub mod l3_decode;
pub mod l4_select;
pub mod rss_core;
pub mod toeplitz_pipe;
pub mod tuple_core;
pub mod type_select;

#[cfg(test)]
pub(crate) mod lint;
