//! Statistics: the record counters of each VPort (`COUNTERS`) and the count of refused
//! register writes (`REFUSED`), as snapshots and the deltas between two snapshots.
//!
//! # Record counters
//!
//! The core counts every record it delivers on the record port in one class of the
//! record's VPort ([`rss_model::regmap::counter`]): hashed, with the record's hash type
//! (one class per `HASH_TYPES` bit); not hashed but well formed (RSS disabled, a type
//! the VPort does not hash, or no header the rules hash); or malformed. A VPort's frames
//! are the sum of its classes ([`VPortStatistics::frames`]), a hash type's frames the
//! sum over the VPorts ([`VPortStatistics::hashed_of`] of
//! [`crate::RssDevice::total_statistics`]). A record a tap-mode core drops is counted
//! in `RECORD_DROPS` instead ([`crate::RssDevice::record_drops`]).
//!
//! The counters are *free-running*: 32 bits each, counting since the FPGA was
//! configured, wrapping at 2^32, and kept across `rst` (they live in block RAM) and
//! across the deletion and re-creation of a VPort. Nothing clears them, so two readers
//! never disturb each other, and a snapshot's absolute values mean little: software
//! takes a snapshot, later another, and uses the difference
//! ([`VPortStatistics::since`]), which wrapping arithmetic makes right across a wrap as
//! long as fewer than 2^32 records of one class arrive between the two reads (at the
//! 14.88 Mframes/s of minimum-size frames on 10 GbE, one class wraps in about 289 s;
//! read at least that often). A snapshot is read one counter at a time while frames
//! flow, so it is not one instant: a record arriving meanwhile shows in this snapshot
//! or the next, and the deltas of consecutive snapshots still add up to every record.
//!
//! # Refused writes
//!
//! `REFUSED` counts the register writes the core answered with SLVERR (read-only or
//! unmapped addresses, field values out of range, refused `MOVE`s) and, of those, the
//! refused `MOVE`s, each in 16 bits, wrapping, since reset (`rst` clears it). The
//! driver checks every argument before the bus is touched, so its own calls leave
//! `REFUSED` alone except for a `MOVE` the hardware refuses ([`crate::Error::MoveRefused`]):
//! anything else counted is another writer's. Deltas as for the counters
//! ([`Refused::since`]), wrapping at 16 bits.

use rss_model::HashType;
use rss_model::hash_type::HASH_TYPE_BITS;

use crate::regs::{Field, Register, map};

/// Hash types there are: [`VPortStatistics::hashed`] has a counter for each, indexed by
/// its `HASH_TYPES` bit ([`HashType::bit`]).
pub const HASH_TYPE_COUNT: usize = HASH_TYPE_BITS as usize;

/// `now - earlier` in the width of `field`: the delta of a counter that wraps there.
fn delta<R: Register>(field: Field<R>, now: u32, earlier: u32) -> u32 {
    now.wrapping_sub(earlier) & field.ones()
}

/// One VPort's record counters (`COUNTERS[v * 16 + class]`, see the module
/// documentation): free-running, so a snapshot is compared with an earlier one
/// ([`VPortStatistics::since`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct VPortStatistics {
    /// Records hashed with each hash type, indexed by its `HASH_TYPES` bit
    /// ([`HashType::bit`]; see [`VPortStatistics::hashed_of`]).
    pub hashed: [u32; HASH_TYPE_COUNT],
    /// Records well formed but not hashed: RSS disabled, a hash type the VPort does not
    /// hash, or no header the rules hash. They went to the primary queue (disabled) or
    /// the default queue.
    pub unhashed: u32,
    /// Records of malformed frames (record flag `MALFORMED`): never hashed.
    pub malformed: u32,
}

impl VPortStatistics {
    /// Every counter zero.
    pub const ZERO: VPortStatistics = VPortStatistics {
        hashed: [0; HASH_TYPE_COUNT],
        unhashed: 0,
        malformed: 0,
    };

    /// Records hashed with `hash_type`.
    pub fn hashed_of(&self, hash_type: HashType) -> u32 {
        self.hashed
            .get(usize::from(hash_type.bit()))
            .copied()
            .unwrap_or(0)
    }

    /// All records, every class (wrapping at 2^32 as the counters do).
    pub fn frames(&self) -> u32 {
        self.hashed
            .iter()
            .fold(self.unhashed.wrapping_add(self.malformed), |sum, &n| {
                sum.wrapping_add(n)
            })
    }

    /// Counter by counter, `op(self's, other's)`.
    fn combine(&self, other: &VPortStatistics, op: impl Fn(u32, u32) -> u32) -> Self {
        let mut hashed = self.hashed;
        for (n, &m) in hashed.iter_mut().zip(other.hashed.iter()) {
            *n = op(*n, m);
        }
        VPortStatistics {
            hashed,
            unhashed: op(self.unhashed, other.unhashed),
            malformed: op(self.malformed, other.malformed),
        }
    }

    /// The records counted between `earlier` and this snapshot (of the same VPort),
    /// counter by counter, right across a wrap (see the module documentation).
    pub fn since(&self, earlier: &VPortStatistics) -> Self {
        self.combine(earlier, |now, then| delta(map::counters::COUNT, now, then))
    }

    /// Counter by counter sum, wrapping: e.g. the totals over several VPorts.
    pub fn wrapping_add(&self, other: &VPortStatistics) -> Self {
        self.combine(other, u32::wrapping_add)
    }
}

/// The counter-by-counter sum, wrapping (see [`VPortStatistics::wrapping_add`]).
impl core::iter::Sum for VPortStatistics {
    fn sum<I: Iterator<Item = Self>>(iter: I) -> Self {
        iter.fold(VPortStatistics::ZERO, |sum, s| sum.wrapping_add(&s))
    }
}

/// `REFUSED`: register writes the core refused since reset (see the module
/// documentation).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Refused {
    /// `REFUSED.WRITES`: writes answered SLVERR, refused `MOVE`s included (wrapping).
    pub writes: u16,
    /// `REFUSED.MOVES`: `MOVE` writes refused (entry or queue out of the VPort's
    /// range; wrapping).
    pub moves: u16,
}

impl Refused {
    /// The refusals between `earlier` and this reading, right across a wrap of the
    /// 16-bit fields (not across a reset, which clears them).
    pub fn since(&self, earlier: &Refused) -> Self {
        let field_delta = |field, now: u16, then: u16| {
            u16::try_from(delta(field, now.into(), then.into())).unwrap_or(u16::MAX)
        };
        Refused {
            writes: field_delta(map::refused::WRITES, self.writes, earlier.writes),
            moves: field_delta(map::refused::MOVES, self.moves, earlier.moves),
        }
    }
}
