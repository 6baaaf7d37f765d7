//! The bus the driver talks through.
//!
//! The trait is deliberately two methods wide: a platform, the cosim harness and the
//! host tests all implement it, and anything more (bursts, strobes, barriers) would have
//! to be faked by all of them. Offsets are byte offsets from the block's base, as in
//! [`rss_model::regmap::offset`].

use rss_model::regmap::ADDR_BITS;

/// An AXI4-Lite (or equivalent) access that did not complete normally.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BusError {
    /// The slave answered SLVERR: rss-core's answer to a read-only write, an illegal
    /// value or an unmapped address.
    SlvErr,
    /// The interconnect answered DECERR: nothing decodes the address.
    DecErr,
    /// No response arrived in time (platform-defined).
    Timeout,
}

impl core::fmt::Display for BusError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            BusError::SlvErr => "slave error (SLVERR)",
            BusError::DecErr => "decode error (DECERR)",
            BusError::Timeout => "bus timeout",
        })
    }
}

impl core::error::Error for BusError {}

/// 32-bit register access at byte offsets from the block's base.
pub trait RegisterBus {
    /// Reads the 32-bit register at byte `offset`.
    fn read32(&mut self, offset: u32) -> Result<u32, BusError>;
    /// Writes the 32-bit register at byte `offset`.
    fn write32(&mut self, offset: u32, value: u32) -> Result<(), BusError>;
}

/// Lets a driver borrow a bus the caller keeps (for example to inspect a simulator
/// afterwards) instead of owning it.
impl<B: RegisterBus + ?Sized> RegisterBus for &mut B {
    fn read32(&mut self, offset: u32) -> Result<u32, BusError> {
        (**self).read32(offset)
    }

    fn write32(&mut self, offset: u32, value: u32) -> Result<(), BusError> {
        (**self).write32(offset, value)
    }
}

/// Memory-mapped register block accessed with volatile loads and stores.
///
/// Offsets that are not word-aligned or fall outside the window answer
/// [`BusError::DecErr`] instead of touching memory, so `Mmio` is memory-safe for any
/// offset once [`Mmio::new`]'s contract holds. Volatile accesses are not reordered with
/// each other by the compiler; platforms whose interconnect reorders device accesses
/// must map the block as device memory.
#[derive(Debug)]
pub struct Mmio {
    base: *mut u32,
    window_bytes: usize,
}

/// Size of the register window the core decodes (`1 << ADDR_BITS` bytes).
pub const WINDOW_BYTES: usize = 1 << ADDR_BITS;

impl Mmio {
    /// Accesses the block whose registers start at `base`, over the whole
    /// [`WINDOW_BYTES`] window the core decodes.
    ///
    /// # Safety
    /// `base` must be 4-byte aligned and valid for volatile reads and writes of
    /// [`WINDOW_BYTES`] bytes for as long as the `Mmio` lives, and nothing else may
    /// create references to that memory meanwhile.
    pub unsafe fn new(base: *mut u32) -> Mmio {
        Mmio {
            base,
            window_bytes: WINDOW_BYTES,
        }
    }

    /// Like [`Mmio::new`] over a smaller window (a partial mapping, a test buffer):
    /// accesses past `window_bytes` answer [`BusError::DecErr`].
    ///
    /// # Safety
    /// As for [`Mmio::new`], for `window_bytes` bytes.
    pub unsafe fn with_window(base: *mut u32, window_bytes: usize) -> Mmio {
        Mmio { base, window_bytes }
    }

    /// The word an access at `offset` touches, if it is aligned and inside the window.
    fn word(&self, offset: u32) -> Result<*mut u32, BusError> {
        let offset = usize::try_from(offset).map_err(|_| BusError::DecErr)?;
        let end = offset.checked_add(4).ok_or(BusError::DecErr)?;
        if offset % 4 != 0 || end > self.window_bytes {
            return Err(BusError::DecErr);
        }
        // SAFETY: `offset + 4 <= window_bytes`, and the constructor's contract makes
        // the whole window one valid allocation, so the result stays inside it.
        Ok(unsafe { self.base.byte_add(offset) })
    }
}

impl RegisterBus for Mmio {
    fn read32(&mut self, offset: u32) -> Result<u32, BusError> {
        let word = self.word(offset)?;
        // SAFETY: `word` is aligned and inside the window the constructor vouched for.
        Ok(unsafe { word.read_volatile() })
    }

    fn write32(&mut self, offset: u32, value: u32) -> Result<(), BusError> {
        let word = self.word(offset)?;
        // SAFETY: as in `read32`.
        unsafe { word.write_volatile(value) };
        Ok(())
    }
}
