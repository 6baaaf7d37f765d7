//! The Microsoft RSS Toeplitz hash.
//!
//! For every set bit `i` of the input (bit 0 = MSB of byte 0), XOR in the 32-bit window
//! of the key that starts at key bit `i`. The hash is linear in the input:
//! `h(a ^ b) == h(a) ^ h(b)`, which the hardware exploits (an AND/XOR network) and the
//! tests check.

use crate::tuple::TUPLE_BYTES;

/// Smallest key that covers the longest tuple: 36 tuple bytes + 4 bytes of window.
pub const KEY_BYTES: usize = TUPLE_BYTES + 4;

/// Why a hash could not be computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HashError {
    /// The key must be at least `input.len() + 4` bytes (40 for the table version).
    KeyTooShort { key_bytes: usize, needed: usize },
    /// The table-driven hash takes at most [`TUPLE_BYTES`] of input.
    InputTooLong { input_bytes: usize, max: usize },
}

impl core::fmt::Display for HashError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            HashError::KeyTooShort { key_bytes, needed } => {
                write!(f, "key is {key_bytes} bytes, at least {needed} needed")
            }
            HashError::InputTooLong { input_bytes, max } => {
                write!(f, "input is {input_bytes} bytes, at most {max} supported")
            }
        }
    }
}

/// The 32 key bits starting at key bit `bit` (MSB-first). `key` must hold `bit/8 + 5`
/// bytes, except that a window ending exactly at the key's end needs only `bit/8 + 4`.
fn key_window(key: &[u8], bit: usize) -> u32 {
    let byte = bit / 8;
    let shift = bit % 8;
    let mut wide: u64 = 0;
    for k in 0..5 {
        wide = (wide << 8) | u64::from(key.get(byte + k).copied().unwrap_or(0));
    }
    ((wide >> (8 - shift)) & 0xffff_ffff) as u32
}

/// Bit-by-bit reference, written as the specification reads. Any key of at least
/// `input.len() + 4` bytes.
pub fn toeplitz_bitwise(key: &[u8], input: &[u8]) -> Result<u32, HashError> {
    let needed = input.len() + 4;
    if key.len() < needed {
        return Err(HashError::KeyTooShort {
            key_bytes: key.len(),
            needed,
        });
    }
    let mut hash = 0u32;
    for (byte_index, byte) in input.iter().enumerate() {
        for bit in 0..8 {
            if byte & (0x80 >> bit) != 0 {
                hash ^= key_window(key, byte_index * 8 + bit);
            }
        }
    }
    Ok(hash)
}

/// Table-driven Toeplitz: one precomputed 256-entry table per input byte position, so a
/// hash costs one lookup and XOR per byte. Rebuild it (or call [`ToeplitzTable::set_key`])
/// whenever the key changes.
#[derive(Clone)]
pub struct ToeplitzTable {
    tables: [[u32; 256]; TUPLE_BYTES],
}

impl ToeplitzTable {
    /// Builds the tables from `key` (at least [`KEY_BYTES`] bytes; later bytes never
    /// reach a tuple of at most [`TUPLE_BYTES`] and are ignored).
    pub fn new(key: &[u8]) -> Result<Self, HashError> {
        let mut table = ToeplitzTable {
            tables: [[0; 256]; TUPLE_BYTES],
        };
        table.set_key(key)?;
        Ok(table)
    }

    /// Rebuilds the tables in place for a new key.
    pub fn set_key(&mut self, key: &[u8]) -> Result<(), HashError> {
        if key.len() < KEY_BYTES {
            return Err(HashError::KeyTooShort {
                key_bytes: key.len(),
                needed: KEY_BYTES,
            });
        }
        for (position, table) in self.tables.iter_mut().enumerate() {
            let windows: [u32; 8] = core::array::from_fn(|bit| key_window(key, position * 8 + bit));
            table[0] = 0;
            // Each value's entry is the entry without its lowest set bit, plus that bit's window.
            for value in 1..256usize {
                let low_bit = value.trailing_zeros() as usize;
                table[value] = table[value & (value - 1)] ^ windows[7 - low_bit];
            }
        }
        Ok(())
    }

    /// Hash of `input` (at most [`TUPLE_BYTES`] bytes).
    pub fn hash(&self, input: &[u8]) -> Result<u32, HashError> {
        if input.len() > TUPLE_BYTES {
            return Err(HashError::InputTooLong {
                input_bytes: input.len(),
                max: TUPLE_BYTES,
            });
        }
        Ok(input
            .iter()
            .zip(self.tables.iter())
            .fold(0, |hash, (&byte, table)| hash ^ table[usize::from(byte)]))
    }
}

impl core::fmt::Debug for ToeplitzTable {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("ToeplitzTable").finish_non_exhaustive()
    }
}

/// The key published with the Microsoft verification vectors (and many drivers' default).
pub const MS_DEFAULT_KEY: [u8; KEY_BYTES] = [
    0x6d, 0x5a, 0x56, 0xda, 0x25, 0x5b, 0x0e, 0xc2, 0x41, 0x67, 0x25, 0x3d, 0x43, 0xa3, 0x8f, 0xb0,
    0xd0, 0xca, 0x2b, 0xcb, 0xae, 0x7b, 0x30, 0xb4, 0x77, 0xcb, 0x2d, 0xa3, 0x80, 0x30, 0xf2, 0x0c,
    0x6a, 0x42, 0xb7, 0x3b, 0xbe, 0xac, 0x01, 0xfa,
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn window_at_key_start_is_first_word() {
        assert_eq!(key_window(&MS_DEFAULT_KEY, 0), 0x6d5a56da);
        assert_eq!(key_window(&MS_DEFAULT_KEY, 8), 0x5a56da25);
        assert_eq!(key_window(&MS_DEFAULT_KEY, 4), 0xd5a56da2);
    }

    #[test]
    fn short_key_and_long_input_are_errors() {
        assert_eq!(
            toeplitz_bitwise(&[0; 10], &[0; 8]),
            Err(HashError::KeyTooShort {
                key_bytes: 10,
                needed: 12
            })
        );
        assert!(ToeplitzTable::new(&[0; 39]).is_err());
        let table = ToeplitzTable::new(&MS_DEFAULT_KEY).unwrap();
        assert!(table.hash(&[0; 37]).is_err());
    }
}
