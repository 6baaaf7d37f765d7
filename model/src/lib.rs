//! Executable specification of the rss-core receive-side-scaling block.
//!
//! Everything the hardware does has a function here, and every hardware test compares
//! against these functions:
//! - [`toeplitz`]: the Microsoft Toeplitz hash, bitwise reference and table-driven.
//! - [`hash_type`]: NDIS hash types, their register bits and the fallback rules.
//! - [`tuple`]: the flow tuple as the core receives it (network byte order, left-aligned).
//! - [`regmap`]: the register map, the single source every other part derives from.
//! - [`regfile`]: the register block's behaviour (AXI responses, key commit, reset).
//! - [`steer`]: hash + indirection table → steering record.
//! - [`parse`]: Ethernet frame → tuple and hash type (rules: `docs/parser-rules.md`).
//! - [`record`]: the record port's fields.
#![no_std]

pub mod export;
pub mod hash_type;
pub mod parse;
pub mod record;
pub mod regfile;
pub mod regmap;
pub mod steer;
pub mod toeplitz;
pub mod tuple;
pub mod vectors;

pub use hash_type::{HashType, HashTypes};
pub use regfile::{RegError, RegFile};
pub use regmap::{Params, RegisterMap};
pub use steer::{Record, steer};
pub use toeplitz::{ToeplitzTable, toeplitz_bitwise};
pub use tuple::{TUPLE_BYTES, Tuple};
