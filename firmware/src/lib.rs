//! `no_std`, allocation-free driver for the rss-core register block.
//!
//! Layered like tock-registers / embassy so each layer can be tested and replaced on
//! its own:
//! - [`bus`]: the one thing a platform must provide, 32-bit register reads and writes
//!   ([`RegisterBus`]), plus [`Mmio`] for memory-mapped hardware. The cosim and the
//!   host tests implement the same trait over simulators.
//! - [`regs`]: raw, typed register access. Every offset, field position, width and
//!   limit comes from [`rss_model::regmap`]; nothing here repeats a register number.
//! - [`driver`]: [`RssDevice`], one method per hardware operation, every argument
//!   checked against the discovered capabilities before the bus is touched.
//! - [`rssv2`]: [`Rss`], NetAdapterCx / NDIS RSSv2 semantics on top: per-entry status
//!   for indirection moves and tracking of inactive steering parameters.
//!
//! Nothing in this crate panics on caller input or on bus faults; every failure is an
//! [`Error`]. The restriction lints below enforce that mechanically.
//!
//! ```
//! use rss_fw::{BusError, Config, IndirectionEntry, RegisterBus, Rss, RssDevice};
//! use rss_model::{Params, RegFile};
//!
//! // Any bus will do; here, the executable specification of the register block.
//! struct Model(RegFile);
//! impl RegisterBus for Model {
//!     fn read32(&mut self, offset: u32) -> Result<u32, BusError> {
//!         self.0.read(offset).map_err(|_| BusError::SlvErr)
//!     }
//!     fn write32(&mut self, offset: u32, value: u32) -> Result<(), BusError> {
//!         self.0.write(offset, value, 0xf).map_err(|_| BusError::SlvErr)
//!     }
//! }
//!
//! let bus = Model(RegFile::new(Params::default()).unwrap());
//! let mut rss = Rss::new(RssDevice::probe(bus)?)?;
//! rss.init(&Config { num_queues: Some(8), ..Config::default() })?;
//! let mut moves = [IndirectionEntry::new(0, 3), IndirectionEntry::new(1, 99)];
//! assert!(rss.set_indirection_entries(&mut moves).is_err()); // queue 99 does not exist
//! assert_eq!(rss.active_table()[..2], [3, 1]);
//! # Ok::<(), rss_fw::Error>(())
//! ```
#![no_std]
#![warn(missing_docs)]
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing,
        clippy::arithmetic_side_effects
    )
)]

pub mod bus;
pub mod driver;
pub mod error;
pub mod regs;
pub mod rssv2;

pub use bus::{BusError, Mmio, RegisterBus};
pub use driver::RssDevice;
pub use error::{Error, Steering};
pub use regs::{Capabilities, Version};
pub use rss_model::{HashType, HashTypes};
pub use rssv2::{Config, EntryStatus, IndirectionEntry, Rss};
