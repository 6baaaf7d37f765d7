//! rss-core RTL, written in rust-hdl and emitted as Verilog.
//!
//! One block per file. Every number the register decoder uses (offsets, field limits,
//! reset values) comes from `rss_model::regmap`.

pub mod axil_regs;
pub mod csr;
pub mod csr_ro;
pub mod csr_rw;
pub mod emit;
pub mod rss_core;
pub mod toeplitz_pipe;
pub mod type_select;

#[cfg(test)]
pub(crate) mod lint;
