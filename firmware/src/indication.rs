//! Status indications: what the driver must tell the OS, queued for the platform
//! layer to poll and hand to `NdisMIndicateStatusEx` (or the Linux/NetAdapterCx
//! equivalent).
//!
//! Each [`Indication`] carries the addressing of an `NDIS_SWITCH_NIC_STATUS_INDICATION`
//! (seed 004): an indication about the physical adapter goes to the default port and
//! NIC index and comes from the extensible switch's external port; one about a VPort
//! (a Hyper-V child partition's network connection) goes to that connection's port
//! and NIC index and comes from the default port ([`crate::VPort::set_connection`]
//! says which connection a VPort's partition uses).
//!
//! The queue is fixed-size (no allocation). When it is full, later indications are
//! counted, not stored, and the loss is reported in order: after the indications
//! that were kept, [`IndicationQueue::poll`] returns one [`Event::IndicationsLost`]
//! with the count, and only then anything raised after it. Nothing is lost silently.

use crate::rssv2::VPortId;

/// `NDIS_SWITCH_DEFAULT_PORT_ID`.
pub const NDIS_SWITCH_DEFAULT_PORT_ID: u32 = 0;
/// `NDIS_SWITCH_DEFAULT_NIC_INDEX`.
pub const NDIS_SWITCH_DEFAULT_NIC_INDEX: u32 = 0;
/// Indications the queue holds before it starts counting losses.
pub const INDICATION_QUEUE_DEPTH: usize = 16;

/// One end of an indication: an extensible-switch port and network adapter index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SwitchEndpoint {
    /// `NDIS_SWITCH_PORT_ID`.
    pub port_id: u32,
    /// `NDIS_SWITCH_NIC_INDEX`.
    pub nic_index: u32,
}

impl SwitchEndpoint {
    /// The default port and NIC index.
    pub const DEFAULT: SwitchEndpoint = SwitchEndpoint {
        port_id: NDIS_SWITCH_DEFAULT_PORT_ID,
        nic_index: NDIS_SWITCH_DEFAULT_NIC_INDEX,
    };
}

/// What happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    /// The receive-scaling capabilities changed (e.g. a new datapath queue map):
    /// re-read [`crate::Rss::receive_scaling_capabilities`].
    CapabilitiesChanged,
    /// RSS was enabled on the VPort.
    RssEnabled {
        /// The scaling entity.
        vport: VPortId,
    },
    /// RSS was disabled on the VPort.
    RssDisabled {
        /// The scaling entity.
        vport: VPortId,
    },
    /// A new hash secret key is active.
    KeyChanged {
        /// The scaling entity.
        vport: VPortId,
        /// `STATUS.COMMIT_GENERATION` after the commit.
        generation: u16,
    },
    /// A VPort was created ([`crate::Rss::create_vport`]).
    VPortCreated {
        /// The new VPort.
        vport: VPortId,
    },
    /// A VPort was deleted ([`crate::Rss::delete_vport`]).
    VPortDeleted {
        /// The deleted VPort.
        vport: VPortId,
    },
    /// The queue was full: this many indications were dropped here, between the one
    /// polled before and the one polled after.
    IndicationsLost {
        /// Dropped indications.
        count: u32,
    },
}

/// An event with its `NDIS_SWITCH_NIC_STATUS_INDICATION` addressing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Indication {
    /// `SourcePortId` / `SourceNicIndex`.
    pub source: SwitchEndpoint,
    /// `DestinationPortId` / `DestinationNicIndex`.
    pub destination: SwitchEndpoint,
    /// What happened.
    pub event: Event,
}

impl Indication {
    /// About the physical adapter (the default VPort): to the default port and NIC
    /// index, from `external_port_id` (the switch port the external network adapter
    /// is connected to) and the default NIC index, which stands for the whole team.
    pub const fn for_physical_adapter(external_port_id: u32, event: Event) -> Self {
        Indication {
            source: SwitchEndpoint {
                port_id: external_port_id,
                nic_index: NDIS_SWITCH_DEFAULT_NIC_INDEX,
            },
            destination: SwitchEndpoint::DEFAULT,
            event,
        }
    }

    /// About a VPort's partition: to its connection's port and NIC index, from the
    /// default port and NIC index.
    pub const fn for_vport(connection: SwitchEndpoint, event: Event) -> Self {
        Indication {
            source: SwitchEndpoint::DEFAULT,
            destination: connection,
            event,
        }
    }
}

/// A fixed-size FIFO of indications that reports, rather than hides, overflow.
#[derive(Debug, Clone)]
pub struct IndicationQueue {
    slots: [Option<Indication>; INDICATION_QUEUE_DEPTH],
    /// Index of the oldest held indication.
    head: usize,
    held: usize,
    /// Indications dropped since the queue last had room; reported once the held
    /// ones are polled.
    lost: u32,
    /// Where the loss report is addressed (the physical adapter's addressing).
    lost_addressing: Indication,
}

impl IndicationQueue {
    /// An empty queue whose loss reports are addressed like `template` (its event is
    /// replaced by the count).
    pub const fn new(template: Indication) -> Self {
        IndicationQueue {
            slots: [None; INDICATION_QUEUE_DEPTH],
            head: 0,
            held: 0,
            lost: 0,
            lost_addressing: template,
        }
    }

    /// Queues `indication`, or counts it as lost if the queue is full or a loss is
    /// still unreported (so the report stays where the gap is).
    pub fn push(&mut self, indication: Indication) {
        if self.lost > 0 || self.held >= INDICATION_QUEUE_DEPTH {
            self.lost = self.lost.saturating_add(1);
            return;
        }
        let tail = self.head.wrapping_add(self.held) % INDICATION_QUEUE_DEPTH;
        if let Some(slot) = self.slots.get_mut(tail) {
            *slot = Some(indication);
            self.held = self.held.saturating_add(1);
        }
    }

    /// The oldest indication, then the loss report if any was dropped.
    pub fn poll(&mut self) -> Option<Indication> {
        if self.held > 0 {
            let taken = self.slots.get_mut(self.head).and_then(Option::take);
            self.head = self.head.wrapping_add(1) % INDICATION_QUEUE_DEPTH;
            self.held = self.held.saturating_sub(1);
            return taken;
        }
        if self.lost > 0 {
            let count = core::mem::take(&mut self.lost);
            return Some(Indication {
                event: Event::IndicationsLost { count },
                ..self.lost_addressing
            });
        }
        None
    }

    /// Indications waiting (not counting a pending loss report).
    pub fn len(&self) -> usize {
        self.held
    }

    /// Nothing to poll.
    pub fn is_empty(&self) -> bool {
        self.held == 0 && self.lost == 0
    }

    /// Addresses loss reports like `template` from now on.
    pub fn set_loss_addressing(&mut self, template: Indication) {
        self.lost_addressing = template;
    }
}
