//! Pipelined Toeplitz hasher: one tuple per clock, three register stages.
//!
//! Toeplitz is linear, so hash bit `k` is the parity of `tuple & key[k..]`. Stage 0
//! holds the tuple as it came; on its way to stage 1 the user turns it into the hash
//! input (`stage1_tuple`, `stage1_tag`, from `held_tuple` / `held_tag`) while the pipe
//! computes the parity over eight 36-bit slices of it (an AND/XOR tree of depth ~4
//! LUT4s); stage 2 XORs the eight partial hashes. The key and everything the user reads
//! for `stage1_*` are read in that one clock, so a commit landing at any clock reaches
//! a tuple whole or not at all.

use rust_hdl::prelude::*;

/// Tuple width: two IPv6 addresses and two ports.
pub const TUPLE_BITS: usize = 288;
/// Key width: the tuple plus one 32-bit window.
pub const KEY_BITS: usize = 320;
/// Side-band width.
pub const TAG_BITS: usize = 48;
const SLICES: usize = 8;
const SLICE_BITS: usize = TUPLE_BITS / SLICES;

/// Stage 0 → 1 → 2 pipeline. All stages move together when `advance` is high.
#[derive(LogicBlock, Default)]
pub struct ToeplitzPipe {
    /// Clock; every register of the pipe is on it.
    pub clock: Signal<In, Clock>,
    /// Synchronous reset: drops every tuple in flight.
    pub reset: Signal<In, Bit>,
    /// Move every stage one step; low holds all stages (backpressure).
    pub advance: Signal<In, Bit>,
    /// A tuple is presented (taken when `advance` is high).
    pub in_valid: Signal<In, Bit>,
    /// Tuple, byte 0 in bits 287:280; bits past the hashed length must be zero.
    pub in_tuple: Signal<In, Bits<TUPLE_BITS>>,
    /// Side band carried into stage 0.
    pub in_tag: Signal<In, Bits<TAG_BITS>>,
    /// Stage 0's tuple, for the user to build the hash input from.
    pub held_tuple: Signal<Out, Bits<TUPLE_BITS>>,
    /// Stage 0's side band.
    pub held_tag: Signal<Out, Bits<TAG_BITS>>,
    /// The hash input of stage 0's tuple (bits past the hashed length zero).
    pub stage1_tuple: Signal<In, Bits<TUPLE_BITS>>,
    /// The side band stage 1 takes with it.
    pub stage1_tag: Signal<In, Bits<TAG_BITS>>,
    /// Stage 1's side band (the next `out_tag` on advance).
    pub next_tag: Signal<Out, Bits<TAG_BITS>>,
    /// Active key, key byte 0 in bits 319:312. Sampled in stage 1.
    pub key: Signal<In, Bits<KEY_BITS>>,
    /// The hash stage 2 will hold after the next advance (for a RAM read in step with it).
    pub next_hash: Signal<Out, Bits<32>>,
    /// Stage 2 holds a tuple.
    pub out_valid: Signal<Out, Bit>,
    /// Stage 2 hash.
    pub out_hash: Signal<Out, Bits<32>>,
    /// Stage 2 side band.
    pub out_tag: Signal<Out, Bits<TAG_BITS>>,
    tuple0: DFF<Bits<TUPLE_BITS>>,
    tag0: DFF<Bits<TAG_BITS>>,
    valid0: DFF<Bit>,
    partials1: DFF<Bits<256>>,
    tag1: DFF<Bits<TAG_BITS>>,
    valid1: DFF<Bit>,
    hash2: DFF<Bits<32>>,
    tag2: DFF<Bits<TAG_BITS>>,
    valid2: DFF<Bit>,
    partials: Signal<Local, Bits<256>>,
    data_slice: Signal<Local, Bits<SLICE_BITS>>,
    key_slice: Signal<Local, Bits<SLICE_BITS>>,
    hash: Signal<Local, Bits<32>>,
}

impl Logic for ToeplitzPipe {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self, clock, tuple0, tag0, valid0, partials1, tag1, valid1, hash2, tag2, valid2
        );
        // Stage 1 partials. Slice s covers tuple bits [252-36s, 287-36s]; for hash bit
        // 31-k its key slice starts 284-36s-k bits up (input bit i meets key bit i+k).
        self.partials.next = 0.into();
        for s in 0..8 {
            self.data_slice.next = self.stage1_tuple.val().get_bits::<SLICE_BITS>(252 - 36 * s);
            for k in 0..32 {
                self.key_slice.next = self.key.val().get_bits::<SLICE_BITS>(284 - 36 * s - k);
                self.partials.next = self.partials.val().replace_bit(
                    32 * s + 31 - k,
                    (self.data_slice.val() & self.key_slice.val()).xor(),
                );
            }
        }
        self.hash.next = 0.into();
        for s in 0..8 {
            self.hash.next = self.hash.val() ^ self.partials1.q.val().get_bits::<32>(32 * s);
        }
        self.next_hash.next = self.hash.val();
        if self.advance.val() {
            self.tuple0.d.next = self.in_tuple.val();
            self.tag0.d.next = self.in_tag.val();
            self.valid0.d.next = self.in_valid.val();
            self.partials1.d.next = self.partials.val();
            self.tag1.d.next = self.stage1_tag.val();
            self.valid1.d.next = self.valid0.q.val();
            self.hash2.d.next = self.hash.val();
            self.tag2.d.next = self.tag1.q.val();
            self.valid2.d.next = self.valid1.q.val();
        }
        if self.reset.val() {
            self.valid0.d.next = false;
            self.valid1.d.next = false;
            self.valid2.d.next = false;
        }
        self.held_tuple.next = self.tuple0.q.val();
        self.held_tag.next = self.tag0.q.val();
        self.next_tag.next = self.tag1.q.val();
        self.out_valid.next = self.valid2.q.val();
        self.out_hash.next = self.hash2.q.val();
        self.out_tag.next = self.tag2.q.val();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn toeplitz_pipe_is_synthesizable() {
        let mut uut = ToeplitzPipe::default();
        uut.connect_all();
        let verilog = generate_verilog(&uut);
        crate::lint::assert_lints_clean(&verilog, "toeplitz_pipe");
    }
}
