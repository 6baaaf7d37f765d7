//! `no_std`, allocation-free driver for the rss-core register block.
//!
//! Layered like tock-registers / embassy so each layer can be tested and replaced on
//! its own:
//! - [`bus`]: the one thing a platform must provide, 32-bit register reads and writes
//!   ([`RegisterBus`]), plus [`Mmio`] for memory-mapped hardware. The cosim and the
//!   host tests implement the same trait over simulators.
//! - [`regs`]: typed register access, generated at build time from
//!   [`rss_model::regmap`]; a field can only be used with its own register.
//! - [`driver`]: [`RssDevice`], one method per hardware operation, every argument
//!   checked against the discovered capabilities before the bus is touched; the
//!   hardware hash probe and a self-test comparing it with the model's Toeplitz.
//! - [`rssv2`]: [`Rss`], NetAdapterCx / NDIS RSSv2 semantics on top: processors
//!   translated to queues, per-entry status for moves, tracking of inactive steering
//!   parameters, compressed tables, the RSSv2 invariants, capabilities.
//! - [`indication`]: status indications, polled from a fixed-size queue.
//! - [`spread`]: `ethtool -X` table fills and a symmetric key.
//! - [`statistics`]: the per-VPort record counters and the refused-write counter, as
//!   snapshots and wrapping deltas.
//!
//! Nothing in this crate panics on caller input or on bus faults; every failure is an
//! [`Error`]. The restriction lints below enforce that mechanically.
//!
//! A driver's life, from the OS creating its queues to moving entries (every call
//! maps to one NetAdapterCx callback or NDIS OID; see `firmware/README.md`):
//!
//! ```
//! use rss_fw::{BusError, DatapathQueue, EntryStatus, Event, IndirectionEntry, RegisterBus};
//! use rss_fw::{Rss, RssDevice, SwitchEndpoint, VPortConfig, VPortId};
//! use rss_model::{Params, RegFile};
//!
//! // Any bus will do; here, the executable specification of the register block.
//! struct Model(Box<RegFile>);
//! impl RegisterBus for Model {
//!     fn read32(&mut self, offset: u32) -> Result<u32, BusError> {
//!         self.0.read(offset).map_err(|_| BusError::SlvErr)
//!     }
//!     fn write32(&mut self, offset: u32, value: u32) -> Result<(), BusError> {
//!         self.0.write(offset, value, 0xf).map_err(|_| BusError::SlvErr)
//!     }
//! }
//!
//! let dev = RssDevice::probe(Model(Box::new(RegFile::new(Params::default()).unwrap())))?;
//! // The OS created four receive queues, on processors 2, 3, 6 and 7; the driver put
//! // them on hardware queues 4 to 7.
//! let queues = [(2, 4), (3, 5), (6, 6), (7, 7)].map(|(cpu, q)| DatapathQueue::new(cpu, q));
//! // Initial state: RSS off, one entry, primary = default = the affinity processor.
//! let mut rss = Rss::create(dev, &queues, 2)?;
//! assert_eq!((rss.is_enabled(), rss.active_table()), (false, &[2][..]));
//! assert_eq!(rss.receive_scaling_capabilities().vports, 4);
//!
//! // NumberOfIndirectionTableEntries = 4, spread, enable.
//! rss.set_table_size(4)?;
//! rss.spread_equal(4)?;
//! rss.enable()?;
//! assert_eq!(rss.active_table(), &[2, 3, 6, 7]); // processors
//! assert_eq!(rss.hardware_table(), &[4, 5, 6, 7]); // their queues
//! // The hardware's hash probe agrees with the model's Toeplitz and steering rule for
//! // every published verification vector, as every hash type of its family.
//! assert_eq!(rss.self_test(VPortId::DEFAULT)?, 33);
//!
//! // A VPort for a child partition: frames to its MAC address, its own queues.
//! let vm_queues = [DatapathQueue::new(8, 8), DatapathQueue::new(9, 9)];
//! let connection = SwitchEndpoint { port_id: 5, nic_index: 1 };
//! let config = VPortConfig { mac: [2, 0, 0, 0, 0, 1], connection, queues: &vm_queues, affinity_processor: 8 };
//! rss.create_vport(VPortId(1), &config)?;
//!
//! // OID_GEN_RSS_SET_INDIRECTION_TABLE_ENTRIES: per-entry status, any VPorts.
//! let mut moves = [
//!     IndirectionEntry::new(0, 7),                               // moved
//!     IndirectionEntry::new(1, 5),                               // processor 5 has no queue
//!     IndirectionEntry::default_processor(6),                    // same request, flag DEFAULT
//!     IndirectionEntry::primary_processor(9).on_vport(VPortId(1)), // VPort 1's primary
//!     IndirectionEntry::new(0, 3).on_vport(VPortId(2)),          // no VPort 2 was created
//! ];
//! assert!(rss.set_indirection_entries(&mut moves).is_err());
//! assert_eq!(
//!     moves.map(|m| m.status),
//!     [
//!         EntryStatus::Success,
//!         EntryStatus::NoQueueForProcessor,
//!         EntryStatus::Success,
//!         EntryStatus::Success,
//!         EntryStatus::UnknownVPort
//!     ]
//! );
//! assert_eq!(rss.active_table(), &[7, 3, 6, 7]);
//! assert_eq!(rss.vport(VPortId(1)).map(|v| v.primary_processor()), Some(9));
//! assert_eq!(rss.poll_indication().map(|i| i.event), Some(Event::RssEnabled { vport: VPortId(0) }));
//! let created = rss.poll_indication().unwrap(); // to the partition, from the default port
//! assert_eq!((created.event, created.destination), (Event::VPortCreated { vport: VPortId(1) }, connection));
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
pub mod indication;
pub mod regs;
pub mod rssv2;
pub mod spread;
pub mod statistics;

/// The examples of `firmware/README.md`, compiled and run as doc tests.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;

pub use bus::{BusError, Mmio, RegisterBus};
pub use driver::RssDevice;
pub use error::{Error, Steering};
pub use indication::{Event, Indication, SwitchEndpoint};
pub use regs::{
    Capabilities, MacFilter, ProbeResult, VPortFeatures, VPortParams, VPortState, Version,
};
pub use rss_model::{HashType, HashTypes};
pub use rssv2::{
    Config, DatapathQueue, EntryStatus, IndirectionEntry, MoveKind, ReceiveScalingCapabilities,
    Rss, ScalingEntity, VPort, VPortConfig, VPortId,
};
pub use statistics::{Refused, VPortStatistics};
