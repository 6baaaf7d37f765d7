//! Table fills as `ethtool -X` makes them, and the symmetric key.
//!
//! The fills are pure functions over caller-provided slices (no allocation); the
//! [`crate::Rss`] methods `spread_equal` and `spread_weighted` apply them to the
//! datapath queues' processors through the same validation as any table update.

use crate::error::Error;

/// A Toeplitz key whose hash is the same with source and destination swapped
/// (addresses and ports): the 16-bit pattern `6d5a` repeated, so every 32-bit key
/// window starting at a multiple of 16 bits is the same, and the source and
/// destination fields, 16-bit aligned in every NDIS input, see identical windows.
/// Both directions of a connection then land on one queue.
#[rustfmt::skip]
pub const SYMMETRIC_KEY: [u8; 40] = [
    0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a,
    0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a,
    0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a,
    0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a,
];

/// `ethtool -X equal N`: entry `i` gets `targets[i mod N]`.
pub fn fill_equal(table: &mut [u32], targets: &[u32]) -> Result<(), Error> {
    if targets.is_empty() {
        return Err(Error::QueueCount {
            requested: 0,
            max: u16::MAX,
        });
    }
    for (entry, &target) in table.iter_mut().zip(targets.iter().cycle()) {
        *entry = target;
    }
    Ok(())
}

/// `ethtool -X weight W0 W1 ...`: target `j` gets a share of the entries
/// proportional to `weights[j]`, in contiguous runs in target order (ethtool's
/// algorithm: entry `i` goes to the first target whose cumulative weight exceeds
/// `i * sum / len`). A zero weight gets no entries; all zero is refused.
pub fn fill_weighted(table: &mut [u32], targets: &[u32], weights: &[u32]) -> Result<(), Error> {
    let sum: u64 = weights.iter().map(|&w| u64::from(w)).sum();
    if weights.len() != targets.len() || sum == 0 {
        return Err(Error::QueueCount {
            requested: u16::try_from(weights.len()).unwrap_or(u16::MAX),
            max: u16::try_from(targets.len()).unwrap_or(u16::MAX),
        });
    }
    let len = u64::try_from(table.len()).unwrap_or(u64::MAX);
    let mut pairs = targets.iter().zip(weights);
    // Cumulative weight up to and including the current target.
    let mut cumulative = 0u64;
    let mut current = None;
    for (i, entry) in (0u64..).zip(table.iter_mut()) {
        // Entry i belongs to the target whose run covers i * sum / len, i.e. the
        // first with i * sum < cumulative * len.
        while current.is_none() || i.saturating_mul(sum) >= cumulative.saturating_mul(len) {
            match pairs.next() {
                Some((&target, &weight)) => {
                    cumulative = cumulative.saturating_add(u64::from(weight));
                    current = Some(target);
                }
                None => break,
            }
        }
        if let Some(target) = current {
            *entry = target;
        }
    }
    Ok(())
}
