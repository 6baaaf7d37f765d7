//! The VPort registers: `COMMIT`, `MOVE` / `MOVE_STATUS`, the MAC filters and the
//! read-back of every VPort's active state (`VPORT_STATE`, `VPORT_QUEUES`).
//!
//! Each VPort's active state is one [`slot`] of `active`. `COMMIT.PARAMS` first has the
//! key store copy the staged key into the VPort's spare key bank (`key_copy` ..
//! `key_copied`, started at a clock `apply_hold` is low: no job is between two reads of
//! that bank), then copies the staging set into the slot and flips its key bank in one
//! clock, so a frame reads either the old or the new state and key, never a mix. A
//! commit is taken from the bus and held as a request until applied; its write response
//! waits for that. Storage is sized for [`MAX_VPORTS`] and [`MAX_MAC_FILTERS`]: writes
//! to VPorts or entries the build lacks fault, so their registers are never written and
//! synthesis keeps them constant.

use rss_model::regmap::{Access, MAX_MAC_FILTERS, MAX_VPORTS, Register, RegisterMap, field, index};
use rust_hdl::prelude::*;

use crate::csr::{WORD_ADDR_BITS, expect_access, outside_check, word};
use crate::lane_register::{LaneRegister, MAX_WORDS};
use crate::slot_pick::SlotPick;
use crate::word_mirror::WordMirror;

/// Layout of one VPort's active state in `active` (and of the staging set).
pub mod slot {
    pub const BITS: usize = 48;
    pub const ENABLE: usize = 0;
    pub const SYMMETRIC: usize = 1;
    /// Bank of the table pool holding the active table.
    pub const BANK: usize = 2;
    /// Bank of the key store holding the active key.
    pub const KEY_BANK: usize = 3;
    pub const SIZE: usize = 4;
    pub const TYPES: usize = 8;
    pub const DEFAULT: usize = 24;
    pub const PRIMARY: usize = 32;
    pub const LIMIT: usize = 40;
}

/// VPorts the storage is sized for.
pub const VPORTS: usize = MAX_VPORTS as usize;
/// Bits of one VPort's state (`slot::BITS`, for type positions).
pub const SLOT_BITS: usize = slot::BITS;
/// MAC filter entries the storage is sized for.
pub const FILTERS: usize = MAX_MAC_FILTERS as usize;
/// Bits of every VPort's state.
pub const ACTIVE_BITS: usize = VPORTS * slot::BITS;
/// One filter entry for the datapath: the MAC as a 48-bit number (byte 0 in bits
/// 47:40, as the parser's beats hold it), valid at bit 48, VPort at bits 51:49.
pub const FILTER_BITS: usize = 52;
/// Every filter entry.
pub const FILTERS_BITS: usize = FILTERS * FILTER_BITS;
/// Table pool address: bank, then `TABLE` element (VPort * entries + entry).
pub const POOL_ADDRESS_BITS: usize = 11;
/// MAC filter mirror address: HI, then the entry.
const MAC_MIRROR_BITS: usize = 5;

// `MOVE_STATUS.RESULT` (the model's `regfile::move_result`) and the slot offsets appear
// as literals in `update`: hdl_gen emits paths as signal names.

#[derive(LogicBlock)]
pub struct VportRegs {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// Synchronous reset: every VPort back to the initial state, filters invalid.
    pub reset: Signal<In, Bit>,
    /// Word address of the write.
    pub write_address: Signal<In, Bits<WORD_ADDR_BITS>>,
    /// Write data, unstrobed bytes zero (as `AxilWriteSlot` holds it).
    pub write_data: Signal<In, Bits<32>>,
    /// Byte strobes as a bit mask.
    pub write_mask: Signal<In, Bits<32>>,
    /// Bit `k`: nibble `k` of `write_data` is not zero (`AxilWriteSlot::data_nibbles`).
    pub write_nibbles: Signal<In, Bits<8>>,
    /// The write happens this clock. The write's address and data have been held for
    /// at least a clock, with nothing changing the active state meanwhile
    /// (`AxilWriteSlot`): decisions made from them a clock ahead still stand.
    pub write_strobe: Signal<In, Bit>,
    /// Word address read next clock (the read decode is registered from it); the
    /// register file holds it until the answer.
    pub read_next: Signal<In, Bits<WORD_ADDR_BITS>>,
    /// Word address of the read the bus offers (valid with `read_load`; the MAC
    /// filters' mirror takes its index from it).
    pub read_request: Signal<In, Bits<WORD_ADDR_BITS>>,
    /// The register file is between reads and loads `read_request` (in the clock the bus
    /// takes a read, the read's: `read_next` is its address from the next clock).
    pub read_load: Signal<In, Bit>,
    /// The write address is one of ours (decoded a clock ago: the held write's
    /// address stays put while it waits).
    pub write_hit: Signal<Out, Bit>,
    /// The write is refused (SLVERR), moves aside (`move_fault`); registered like
    /// `write_hit`.
    pub write_fault: Signal<Out, Bit>,
    /// The read address is one of ours (from a register: `read_next` a clock ago).
    pub read_hit: Signal<Out, Bit>,
    /// Read data (0 unless `read_hit`), for every register but the MAC filters.
    pub read_data: Signal<Out, Bits<32>>,
    /// A MAC filter word, a clock later than `read_data` (from a [`WordMirror`]).
    pub mac_read_data: Signal<Out, Bits<32>>,
    /// The staging set in [`slot`] layout (bank bit ignored).
    pub staged: Signal<In, Bits<SLOT_BITS>>,
    /// Every VPort's active state, VPort v in slot v.
    pub active: Signal<Out, Bits<ACTIVE_BITS>>,
    /// Copy the staged key into (`key_copy_vport`, `key_copy_bank`) of the key store.
    pub key_copy: Signal<Out, Bit>,
    /// VPort of the key copy.
    pub key_copy_vport: Signal<Out, Bits<3>>,
    /// Bank of the key copy: the VPort's spare one.
    pub key_copy_bank: Signal<Out, Bit>,
    /// The key store finished the copy.
    pub key_copied: Signal<In, Bit>,
    /// A commit waits for a key copy or its end: the register file holds the bus's
    /// reads off, since the copy reads the staged key through the read-back RAM.
    pub key_copy_wanted: Signal<Out, Bit>,
    /// The register file has no read under way and takes none: a copy may start.
    pub key_copy_allowed: Signal<In, Bit>,
    /// Every MAC filter entry (see [`FILTER_BITS`]).
    pub filters: Signal<Out, Bits<FILTERS_BITS>>,
    /// A commit landed this clock (`STATUS.COMMIT_GENERATION` counts it).
    pub committed: Signal<Out, Bit>,
    /// Do not start a key copy (a job is between two reads of its key bank).
    pub apply_hold: Signal<In, Bit>,
    /// Apply no commit this clock: the datapath picks a frame's state (or plans its
    /// hash input) from `active` for the next clock, so `active` must be the same then.
    pub pick_hold: Signal<In, Bit>,
    /// `pick_hold`'s next value (the source's flip-flop input): the per-VPort apply
    /// enables are registered from it, so the hold reaches no flip-flop's enable
    /// through logic.
    pub pick_hold_next: Signal<In, Bit>,
    /// A commit is waiting: take no further write.
    pub commit_pending: Signal<Out, Bit>,
    /// The write this clock is a commit, taken; its response comes a clock after
    /// `commit_applied`.
    pub commit_taken: Signal<Out, Bit>,
    /// The waiting commit is applied this clock (its write response is due).
    pub commit_applied: Signal<Out, Bit>,
    /// `active` as it will be next clock, for readers that pair it with a key read a
    /// clock later.
    pub active_next: Signal<Out, Bits<ACTIVE_BITS>>,
    /// A TABLE commit is waiting (from registers): until the clock after it is
    /// applied, which is when the table cooldown starts counting.
    pub table_commit_pending: Signal<Out, Bit>,
    /// A move writes the table pool this clock.
    pub move_write: Signal<Out, Bit>,
    /// Pool address of the moved entry.
    pub move_address: Signal<Out, Bits<POOL_ADDRESS_BITS>>,
    /// Queue of the moved entry.
    pub move_queue: Signal<Out, Bits<8>>,
    /// A legal `MOVE` write is refused by the VPort's state this clock (`REFUSED.MOVES`).
    pub move_refused: Signal<Out, Bit>,
    /// The write is a `MOVE` that faults (an illegal value, or refused), from the
    /// verdict registered a clock ago; `write_fault` leaves moves out.
    pub move_fault: Signal<Out, Bit>,
    active_q: DFFWithInit<Bits<ACTIVE_BITS>>,
    /// `MAC_FILTER_LO` of every entry, entry `i` in word `i`.
    mac_lo: LaneRegister<{ FILTERS * 32 }>,
    /// `MAC_FILTER_HI` of every entry (only its writable bits are ever set).
    mac_hi: LaneRegister<{ FILTERS * 32 }>,
    move_status: DFF<Bits<32>>,
    pending: DFF<Bit>,
    request: DFF<Bits<32>>,
    /// The request's VPort, one-hot (none past the build's count), taken with it: each
    /// VPort's parameter enables are one AND of this and the apply decision.
    commit_target_q: DFF<Bits<VPORTS>>,
    /// The held write's decodes, a clock ago: `COMMIT`, `MOVE`, `MAC_FILTER_LO`, `HI`,
    /// `MOVE_STATUS`, `VPORT_STATE`, `VPORT_QUEUES` (the last three read-only).
    write_hits_q: DFF<Bits<7>>,
    write_hits: Signal<Local, Bits<7>>,
    /// The held write's value checks as `COMMIT` and as `MAC_FILTER_HI`, a clock ago,
    /// whatever its address (each counts only with its hit in `write_hits_q`).
    commit_fault_q: DFF<Bit>,
    hi_fault_q: DFF<Bit>,
    commit_target: Signal<Local, Bits<VPORTS>>,
    copy_started: DFF<Bit>,
    /// The key store finished the copy; the commit waits for a clock without
    /// `pick_hold`.
    copied: DFF<Bit>,
    /// The held write is a `COMMIT` that would be taken (decided ahead, from the hit
    /// and the fault registered the clock before).
    commit_accept_q: DFF<Bit>,
    /// A commit is pending and has all it waits for of its own (the key copy, when it
    /// has one), a clock ago: the apply decision is then one LUT of this, `pending` and
    /// the holds, so every parameter enable behind it is at most three levels from a
    /// flip-flop.
    ready_q: DFF<Bit>,
    /// `ready_q`'s next value.
    ready_next: Signal<Local, Bit>,
    /// Per VPort (one-hot, the commit's target), decided a clock ahead: the commit
    /// copies the staging set in (`PARAMS`), flips the table bank with it
    /// (`PARAMS | TABLE`) or alone (`TABLE`) this clock if it is still pending. No
    /// verdict is due (the verdict's hold is taken from its next value), and a
    /// `PARAMS` commit ignores the job readers' holds, so its enables are one AND of
    /// these and `pending`; the lone flip's add the readers' hold.
    params_apply_q: DFF<Bits<VPORTS>>,
    flip_apply_q: DFF<Bits<VPORTS>>,
    flip_alone_apply_q: DFF<Bits<VPORTS>>,
    /// No verdict holds a commit back next clock (`pick_hold_next` low).
    apply_open_next: Signal<Local, Bit>,
    /// Nothing holds a ready commit back this clock.
    apply_clear: Signal<Local, Bit>,
    /// A commit is pending and no verdict is due next clock: all a `PARAMS` commit
    /// waits for once ready.
    verdict_clear: Signal<Local, Bit>,
    /// The key bank a VPort's commit switches to (the one the copy went to).
    fresh_key_bank: Signal<Local, Bit>,
    /// The held write's MAC filter decode, a clock ahead: `MAC_FILTER_LO`, `HI`, and a
    /// `HI` write that would be stored (a clock later, from the registered hit and
    /// fault); the byte-lane enables and the mirror's write start from these registers.
    lo_hit_q: DFF<Bit>,
    /// The held write's filter entry, one-hot (`LaneRegister::words`).
    mac_entry_q: DFF<Bits<MAX_WORDS>>,
    one_word: Constant<Bits<MAX_WORDS>>,
    hi_hit_q: DFF<Bit>,
    hi_store_q: DFF<Bit>,
    reset_state: Constant<Bits<ACTIVE_BITS>>,
    slot_ones: Constant<Bits<ACTIVE_BITS>>,
    /// Read-back copy of the filters: word `entry` is LO, `FILTERS + entry` HI.
    mac_mirror: WordMirror<MAC_MIRROR_BITS>,
    commit_address: Constant<Bits<WORD_ADDR_BITS>>,
    move_address_reg: Constant<Bits<WORD_ADDR_BITS>>,
    move_status_address: Constant<Bits<WORD_ADDR_BITS>>,
    mac_lo_region: Constant<Bits<WORD_ADDR_BITS>>,
    mac_hi_region: Constant<Bits<WORD_ADDR_BITS>>,
    state_region: Constant<Bits<WORD_ADDR_BITS>>,
    queues_region: Constant<Bits<WORD_ADDR_BITS>>,
    vport_max: Constant<Bits<3>>,
    vports_built: Constant<Bits<4>>,
    filters_built: Constant<Bits<5>>,
    entry_max: Constant<Bits<10>>,
    queue_max: Constant<Bits<8>>,
    mac_hi_writable: Constant<Bits<32>>,
    /// The value checks' bits outside the field: nibbles wholly outside it (checked
    /// by `write_nibbles`) and the other bits (`csr::outside_nibbles`).
    commit_outside_nibbles: Constant<Bits<8>>,
    commit_outside_bits: Constant<Bits<32>>,
    move_outside_nibbles: Constant<Bits<8>>,
    move_outside_bits: Constant<Bits<32>>,
    mac_hi_outside_nibbles: Constant<Bits<8>>,
    mac_hi_outside_bits: Constant<Bits<32>>,
    table_log2: Constant<Bits<4>>,
    commit_hit: Signal<Local, Bit>,
    commit_fault: Signal<Local, Bit>,
    commit_vport: Signal<Local, Bits<3>>,
    move_hit: Signal<Local, Bit>,
    move_illegal: Signal<Local, Bit>,
    move_vport: Signal<Local, Bits<3>>,
    move_entry: Signal<Local, Bits<10>>,
    move_to: Signal<Local, Bits<8>>,
    move_slot: SlotPick<ACTIVE_BITS, SLOT_BITS>,
    move_result: Signal<Local, Bits<2>>,
    /// What the verdict needs of the move's VPort, picked a clock ahead of it: table
    /// size (bits 3:0), queue limit (11:4), table bank (12).
    move_pick_q: DFF<Bits<13>>,
    /// The move's entry (bits 9:0), queue (17:10) and VPort (20:18) a clock after the
    /// held write's data, so the verdict and the pool address start at registers.
    move_fields_q: DFF<Bits<21>>,
    /// The held write is a `MOVE` (first decode clock), and a legal one its VPort takes
    /// (third): the table's write port and the status update start at flip-flops.
    move_hit_q: DFF<Bit>,
    move_ok_q: DFF<Bit>,
    held_entry: Signal<Local, Bits<10>>,
    held_to: Signal<Local, Bits<8>>,
    held_vport: Signal<Local, Bits<3>>,
    /// `move_illegal`, the VPort's two verdicts (entry past the table, queue past the
    /// limit: `move_result` is decoded from them after the registers, not in series
    /// with the compares) and the entry's pool address a clock ago: the held write and
    /// the active state they read do not change while it waits unblocked
    /// (`AxilWriteSlot`), so the move is performed from registers.
    move_illegal_q: DFF<Bit>,
    entry_past_q: DFF<Bit>,
    queue_past_q: DFF<Bit>,
    /// Queue limit minus the move's queue (bit 8: the queue is past the limit).
    queue_room: Signal<Local, Bits<9>>,
    move_address_q: DFF<Bits<POOL_ADDRESS_BITS>>,
    move_address_now: Signal<Local, Bits<POOL_ADDRESS_BITS>>,
    lo_hit: Signal<Local, Bit>,
    hi_hit: Signal<Local, Bit>,
    write_lanes: Signal<Local, Bits<4>>,
    hi_value_fault: Signal<Local, Bit>,
    next_entry: Signal<Local, Bits<4>>,
    /// The read decode, registered from `read_next` (the read address is held from
    /// then to the answer): MAC LO, MAC HI, VPort state, queues, move status, and any
    /// other register of the block.
    read_hits_q: DFF<Bits<6>>,
    /// A `VPORT_STATE` or `VPORT_QUEUES` read of VPort `v` (bit `v`), registered with
    /// the decode: each read-back bit is then an AND-OR of these and the slots' bits,
    /// two LUT levels, and the register file's OR with the other blocks a third.
    read_state_sel_q: DFF<Bits<VPORTS>>,
    read_queues_sel_q: DFF<Bits<VPORTS>>,
    read_hits_next: Signal<Local, Bits<6>>,
    read_vport_next: Signal<Local, Bits<VPORTS>>,
    lo_read_hit: Signal<Local, Bit>,
    hi_read_hit: Signal<Local, Bit>,
    state_write_hit: Signal<Local, Bit>,
    queues_write_hit: Signal<Local, Bit>,
    read_slot: Signal<Local, Bits<SLOT_BITS>>,
    entry: Signal<Local, Bits<32>>,
    word: Signal<Local, Bits<32>>,
    filter: Signal<Local, Bits<FILTER_BITS>>,
    commit_slot: Signal<Local, Bits<SLOT_BITS>>,
    flipped_bank: Signal<Local, Bit>,
}

/// The low `width` bits set.
fn ones<const N: usize>(width: usize) -> Bits<N> {
    let mut bits = Bits::<N>::default();
    for i in 0..width {
        bits = bits.replace_bit(i, true);
    }
    bits
}

fn address(reg: &Register) -> Constant<Bits<WORD_ADDR_BITS>> {
    Constant::new(word(reg.offset).to_bits())
}

/// An array register's first word address shifted down by the bits that number its
/// `max` elements: the region starts on a multiple of `max`, so an element is the address's
/// low bits.
fn region(reg: &Register, max: usize) -> Constant<Bits<WORD_ADDR_BITS>> {
    let first = word(reg.offset);
    assert!(
        max.is_power_of_two() && first.is_multiple_of(max as u64),
        "{} alignment",
        reg.name
    );
    Constant::new((first >> max.trailing_zeros()).to_bits())
}

/// The check for bits outside `reg`'s writable mask (`csr::outside_check`).
fn outside(reg: &Register) -> (Constant<Bits<8>>, Constant<Bits<32>>) {
    outside_check(u64::from(reg.writable_mask()))
}

fn mask(reg: &Register) -> Constant<Bits<32>> {
    Constant::new(u64::from(reg.writable_mask()).to_bits())
}

/// Checks that the map's field `name` of `reg` sits where this block puts it.
fn expect_field(reg: &Register, name: &str, lsb: usize, width: usize) -> u64 {
    let f = reg
        .field_named(name)
        .unwrap_or_else(|| panic!("{}.{name} missing", reg.name));
    assert_eq!(
        (usize::from(f.lsb), usize::from(f.width)),
        (lsb, width),
        "{}.{name} layout",
        reg.name
    );
    u64::from(f.max)
}

impl VportRegs {
    pub fn new(map: &RegisterMap) -> Self {
        let p = &map.params;
        let commit = map.register(index::COMMIT);
        expect_access(commit, Access::WriteTrigger);
        assert_eq!(field::COMMIT_PARAMS.lsb, 0);
        assert_eq!(field::COMMIT_TABLE.lsb, 1);
        let vport_max = expect_field(commit, "VPORT", 8, 3);
        let moves = map.register(index::MOVE);
        expect_access(moves, Access::WriteTrigger);
        let entry_max = expect_field(moves, "ENTRY", 0, 10);
        let queue_max = expect_field(moves, "QUEUE", 12, 8);
        expect_field(moves, "VPORT", 24, 3);
        let status = map.register(index::MOVE_STATUS);
        expect_field(status, "RESULT", 0, 2);
        expect_field(status, "COUNT", 16, 16);
        let lo = map.register(index::MAC_FILTER_LO);
        let hi = map.register(index::MAC_FILTER_HI);
        let (commit_outside, move_outside, mac_hi_outside) =
            (outside(commit), outside(moves), outside(hi));
        // The mirror reads a filter word at the read address's low five bits: the two
        // regions of `FILTERS` words must be one aligned block, low half then high half.
        assert!(
            FILTERS == 16
                && word(hi.offset) == word(lo.offset) + 16
                && word(lo.offset).is_multiple_of(32),
            "MAC filter regions: the mirror index is the read address's bits 4:0"
        );
        expect_field(hi, "ADDR", 0, 16);
        expect_field(hi, "VALID", 16, 1);
        expect_field(hi, "VPORT", 24, 3);
        let state = map.register(index::VPORT_STATE);
        expect_field(state, "ENABLE", 0, 1);
        expect_field(state, "SYMMETRIC", 1, 1);
        expect_field(state, "TABLE_SIZE_LOG2", 4, 4);
        expect_field(state, "HASH_TYPES", 16, 9);
        let queues = map.register(index::VPORT_QUEUES);
        expect_field(queues, "DEFAULT", 0, 8);
        expect_field(queues, "PRIMARY", 8, 8);
        expect_field(queues, "LIMIT", 16, 8);
        // Seed 002's initial state: disabled, one entry, queue 0, every queue allowed.
        let limit = u64::from(p.num_queues) - 1;
        let mut initial = Bits::<ACTIVE_BITS>::default();
        for v in 0..VPORTS {
            initial.set_bits::<8>(v * slot::BITS + slot::LIMIT, limit.to_bits());
        }
        VportRegs {
            clock: Default::default(),
            reset: Default::default(),
            write_address: Default::default(),
            write_data: Default::default(),
            write_mask: Default::default(),
            write_nibbles: Default::default(),
            write_strobe: Default::default(),
            read_next: Default::default(),
            read_request: Default::default(),
            read_load: Default::default(),
            write_hit: Default::default(),
            write_fault: Default::default(),
            read_hit: Default::default(),
            read_data: Default::default(),
            mac_read_data: Default::default(),
            staged: Default::default(),
            active: Default::default(),
            key_copy: Default::default(),
            key_copy_vport: Default::default(),
            key_copy_bank: Default::default(),
            key_copied: Default::default(),
            key_copy_wanted: Default::default(),
            key_copy_allowed: Default::default(),
            filters: Default::default(),
            committed: Default::default(),
            table_commit_pending: Default::default(),
            move_write: Default::default(),
            move_address: Default::default(),
            move_queue: Default::default(),
            move_refused: Default::default(),
            move_fault: Default::default(),
            active_q: DFFWithInit::new(initial),
            // Entries past the build's count are never written, so they drop.
            mac_lo: LaneRegister::new(usize::from(p.mac_filters)),
            mac_hi: LaneRegister::new(usize::from(p.mac_filters)),
            move_status: Default::default(),
            pending: Default::default(),
            ready_q: Default::default(),
            ready_next: Default::default(),
            params_apply_q: Default::default(),
            flip_apply_q: Default::default(),
            flip_alone_apply_q: Default::default(),
            apply_open_next: Default::default(),
            apply_clear: Default::default(),
            verdict_clear: Default::default(),
            fresh_key_bank: Default::default(),
            request: Default::default(),
            commit_target_q: Default::default(),
            write_hits_q: Default::default(),
            write_hits: Default::default(),
            commit_fault_q: Default::default(),
            hi_fault_q: Default::default(),
            commit_target: Default::default(),
            copy_started: Default::default(),
            copied: Default::default(),
            commit_accept_q: Default::default(),
            lo_hit_q: Default::default(),
            mac_entry_q: Default::default(),
            one_word: Constant::new(1_u64.to_bits()),
            hi_hit_q: Default::default(),
            hi_store_q: Default::default(),
            apply_hold: Default::default(),
            pick_hold: Default::default(),
            pick_hold_next: Default::default(),
            commit_pending: Default::default(),
            commit_taken: Default::default(),
            commit_applied: Default::default(),
            active_next: Default::default(),
            reset_state: Constant::new(initial),
            slot_ones: Constant::new(ones(slot::BITS)),
            mac_mirror: Default::default(),

            commit_address: address(commit),
            move_address_reg: address(moves),
            move_status_address: address(status),
            mac_lo_region: region(lo, FILTERS),
            mac_hi_region: region(hi, FILTERS),
            state_region: region(state, VPORTS),
            queues_region: region(queues, VPORTS),
            vport_max: Constant::new(vport_max.to_bits()),
            vports_built: Constant::new(u64::from(p.vports).to_bits()),
            filters_built: Constant::new(u64::from(p.mac_filters).to_bits()),
            entry_max: Constant::new(entry_max.to_bits()),
            queue_max: Constant::new(queue_max.to_bits()),
            mac_hi_writable: mask(hi),
            commit_outside_nibbles: commit_outside.0,
            commit_outside_bits: commit_outside.1,
            move_outside_nibbles: move_outside.0,
            move_outside_bits: move_outside.1,
            mac_hi_outside_nibbles: mac_hi_outside.0,
            mac_hi_outside_bits: mac_hi_outside.1,
            table_log2: Constant::new(u64::from(p.table_entries_log2).to_bits()),
            commit_hit: Default::default(),
            commit_fault: Default::default(),
            commit_vport: Default::default(),
            move_hit: Default::default(),
            move_illegal: Default::default(),
            move_vport: Default::default(),
            move_entry: Default::default(),
            move_to: Default::default(),
            move_slot: Default::default(),
            move_result: Default::default(),
            move_pick_q: Default::default(),
            move_fields_q: Default::default(),
            move_hit_q: Default::default(),
            move_ok_q: Default::default(),
            held_entry: Default::default(),
            held_to: Default::default(),
            held_vport: Default::default(),
            move_illegal_q: Default::default(),
            entry_past_q: Default::default(),
            queue_past_q: Default::default(),
            queue_room: Default::default(),
            move_address_q: Default::default(),
            move_address_now: Default::default(),
            lo_hit: Default::default(),
            hi_hit: Default::default(),
            write_lanes: Default::default(),
            hi_value_fault: Default::default(),
            next_entry: Default::default(),
            read_hits_q: Default::default(),
            read_state_sel_q: Default::default(),
            read_queues_sel_q: Default::default(),
            read_hits_next: Default::default(),
            read_vport_next: Default::default(),
            lo_read_hit: Default::default(),
            hi_read_hit: Default::default(),
            state_write_hit: Default::default(),
            queues_write_hit: Default::default(),
            read_slot: Default::default(),
            entry: Default::default(),
            word: Default::default(),
            filter: Default::default(),
            commit_slot: Default::default(),
            flipped_bank: Default::default(),
        }
    }
}

impl Logic for VportRegs {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self,
            clock,
            active_q,
            move_status,
            move_pick_q,
            move_fields_q,
            move_hit_q,
            move_ok_q,
            move_illegal_q,
            entry_past_q,
            queue_past_q,
            move_address_q,
            pending,
            ready_q,
            params_apply_q,
            flip_apply_q,
            flip_alone_apply_q,
            request,
            commit_target_q,
            write_hits_q,
            commit_fault_q,
            hi_fault_q,
            copy_started,
            copied,
            commit_accept_q,
            lo_hit_q,
            mac_entry_q,
            hi_hit_q,
            hi_store_q,
            read_hits_q,
            read_state_sel_q,
            read_queues_sel_q
        );
        // Write-trigger registers see only the strobed bytes (reads of them return 0).

        // COMMIT.
        self.commit_hit.next = self.write_address.val() == self.commit_address.val();
        self.commit_fault.next = (self.write_nibbles.val() & self.commit_outside_nibbles.val())
            .any()
            | (self.write_data.val() & self.commit_outside_bits.val()).any()
            | (self.write_data.val().get_bits::<3>(8) > self.vport_max.val());
        // From the hit and the fault registered a clock before (the held write does not
        // change), so the value check's OR tree and the address compare are not in
        // series in one clock.
        self.commit_accept_q.d.next =
            self.write_hits_q.q.val().get_bit(0) & !self.commit_fault_q.q.val();
        self.commit_taken.next = self.write_strobe.val() & self.commit_accept_q.q.val();
        self.commit_target.next = 0.into();
        for v in 0..VPORTS {
            if (self.write_data.val().get_bits::<3>(8) == v.to_bits())
                & (v.to_bits::<4>() < self.vports_built.val())
            {
                self.commit_target.next = self.commit_target.val().replace_bit(v, true);
            }
        }
        if self.commit_taken.val() {
            self.pending.d.next = true;
            self.request.d.next = self.write_data.val();
            self.commit_target_q.d.next = self.commit_target.val();
        }
        // PARAMS: the key copy starts when no job is between two reads of a key bank,
        // and the commit applies when it is done; TABLE alone applies at such a clock.
        self.commit_vport.next = self.request.q.val().get_bits::<3>(8);
        self.key_copy_vport.next = self.commit_vport.val();
        self.key_copy_bank.next = false;
        for v in 0..VPORTS {
            if self.commit_vport.val() == v.to_bits() {
                self.key_copy_bank.next = !self.active_q.q.val().get_bit(48 * v + 3);
            }
        }
        self.key_copy_wanted.next =
            self.pending.q.val() & self.request.q.val().get_bit(0) & !self.copied.q.val();
        // The same function as `key_copy_wanted & !copy_started & ...` (`copied` follows
        // `copy_started`), written without it: built from `key_copy_wanted`, synthesis
        // shared `copied`'s term with `ready_next` and put the capture's verdict timing in
        // front of the apply enables' resets, the 64-bit core's slowest path at 8 of 17
        // placer seeds (stop 55).
        self.key_copy.next = self.pending.q.val()
            & self.request.q.val().get_bit(0)
            & !self.copy_started.q.val()
            & !self.apply_hold.val()
            & self.key_copy_allowed.val();
        if self.key_copy.val() {
            self.copy_started.d.next = true;
        }
        // A copied key's commit applies from a register, a clock after the copy ends.
        if self.key_copied.val() {
            self.copied.d.next = true;
        }
        // A PARAMS commit applies once its copy is done, whatever the holds of the job
        // readers (the copy went to the bank they do not read); TABLE alone waits for a
        // clock without `apply_hold`. Neither applies in a clock before a verdict.
        // `ready_q` stays up a clock after the apply (it is not cleared by it, which
        // would put the apply decision in front of it), so the decision also reads
        // `pending`, which the apply clears.
        self.verdict_clear.next = self.pending.q.val() & !self.pick_hold.val();
        self.apply_clear.next =
            self.verdict_clear.val() & (self.request.q.val().get_bit(0) | !self.apply_hold.val());
        self.commit_applied.next = self.ready_q.q.val() & self.apply_clear.val();
        self.ready_next.next =
            self.pending.q.val() & (self.copied.q.val() | !self.request.q.val().get_bit(0));
        self.ready_q.d.next = self.ready_next.val();
        // The enables are the same decision a clock ahead, but for `pending`: they stay
        // up a clock after the apply, as `ready_q` does, and are read with `pending`.
        self.apply_open_next.next = !self.pick_hold_next.val();
        self.params_apply_q.d.next = 0.into();
        self.flip_apply_q.d.next = 0.into();
        self.flip_alone_apply_q.d.next = 0.into();
        if self.ready_next.val() & self.apply_open_next.val() {
            if self.request.q.val().get_bit(0) {
                self.params_apply_q.d.next = self.commit_target_q.q.val();
                if self.request.q.val().get_bit(1) {
                    self.flip_apply_q.d.next = self.commit_target_q.q.val();
                }
            } else if self.request.q.val().get_bit(1) {
                self.flip_alone_apply_q.d.next = self.commit_target_q.q.val();
            }
        }
        self.committed.next = false;
        self.table_commit_pending.next = self.pending.q.val() & self.request.q.val().get_bit(1);
        if self.commit_applied.val() {
            self.pending.d.next = false;
            self.copy_started.d.next = false;
            self.copied.d.next = false;
            self.committed.next = self.request.q.val().get_bits::<2>(0).any();
        }
        self.commit_slot.next = self.staged.val();
        self.fresh_key_bank.next = false;
        self.flipped_bank.next = false;
        // VPorts past the build's count are never written (their apply enables stay 0), so
        // synthesis keeps their storage constant and drops it.
        for v in 0..VPORTS {
            // The table bank is not a parameter: it stays unless TABLE flips it. The key
            // bank flips to the copy just made. (Negated bits are computed on their own:
            // inside a wide expression Verilog would widen them before inverting.)
            self.fresh_key_bank.next = !self.active_q.q.val().get_bit(48 * v + 3);
            self.commit_slot.next = self
                .staged
                .val()
                .replace_bit(2, self.active_q.q.val().get_bit(48 * v + 2))
                .replace_bit(3, self.fresh_key_bank.val());
            if self.params_apply_q.q.val().get_bit(v) & self.pending.q.val() {
                self.active_q.d.next = (self.active_q.q.val()
                    & !(self.slot_ones.val() << (48 * v).to_bits::<16>()))
                    | (bit_cast::<ACTIVE_BITS, SLOT_BITS>(self.commit_slot.val())
                        << (48 * v).to_bits::<16>());
            }
            if self.pending.q.val()
                & (self.flip_apply_q.q.val().get_bit(v)
                    | (self.flip_alone_apply_q.q.val().get_bit(v) & !self.apply_hold.val()))
            {
                self.flipped_bank.next = !self.active_q.q.val().get_bit(48 * v + 2);
                self.active_q.d.next = self
                    .active_q
                    .d
                    .val()
                    .replace_bit(48 * v + 2, self.flipped_bank.val());
            }
        }

        // MOVE: field limits are illegal values; the VPort's own limits refuse it.
        self.move_hit.next = self.write_address.val() == self.move_address_reg.val();
        self.move_hit_q.d.next = self.move_hit.val();
        self.move_entry.next = self.write_data.val().get_bits::<10>(0);
        self.move_to.next = self.write_data.val().get_bits::<8>(12);
        self.move_vport.next = self.write_data.val().get_bits::<3>(24);
        self.move_illegal.next = (self.write_nibbles.val() & self.move_outside_nibbles.val()).any()
            | (self.write_data.val() & self.move_outside_bits.val()).any()
            | (self.move_entry.val() > self.entry_max.val())
            | (self.move_to.val() > self.queue_max.val())
            | (self.move_vport.val() > self.vport_max.val());
        // The VPort's state is picked in the write's first decode clock and judged in
        // the second (`AxilWriteSlot`), from the move's fields registered in the first.
        self.move_slot.slots.next = self.active_q.q.val();
        self.move_slot.vport.next = self.move_vport.val();
        self.move_pick_q.d.next = bit_cast::<13, 4>(self.move_slot.slot.val().get_bits::<4>(4))
            | (bit_cast::<13, 8>(self.move_slot.slot.val().get_bits::<8>(40)) << 4_u64)
            | (bit_cast::<13, 1>(self.move_slot.slot.val().get_bits::<1>(2)) << 12_u64);
        self.move_fields_q.d.next = bit_cast::<21, 10>(self.move_entry.val())
            | (bit_cast::<21, 8>(self.move_to.val()) << 10_u64)
            | (bit_cast::<21, 3>(self.move_vport.val()) << 18_u64);
        self.held_entry.next = self.move_fields_q.q.val().get_bits::<10>(0);
        self.held_to.next = self.move_fields_q.q.val().get_bits::<8>(10);
        self.held_vport.next = self.move_fields_q.q.val().get_bits::<3>(18);
        self.entry_past_q.d.next =
            (self.held_entry.val() >> self.move_pick_q.q.val().get_bits::<4>(0)).any();
        // The difference's sign, so the verdict is the carry chain's end itself.
        self.queue_room.next = bit_cast::<9, 8>(self.move_pick_q.q.val().get_bits::<8>(4))
            - bit_cast::<9, 8>(self.held_to.val());
        self.queue_past_q.d.next = self.queue_room.val().get_bit(8);
        self.move_result.next = 1_u64.into();
        if self.entry_past_q.q.val() {
            self.move_result.next = 2_u64.into();
        } else if self.queue_past_q.q.val() {
            self.move_result.next = 3_u64.into();
        }
        self.move_address_now.next = (bit_cast::<POOL_ADDRESS_BITS, 3>(self.held_vport.val())
            << self.table_log2.val())
            | bit_cast::<POOL_ADDRESS_BITS, 10>(self.held_entry.val());
        self.move_address_now.next = self
            .move_address_now
            .val()
            .replace_bit(10, self.move_pick_q.q.val().get_bit(12));
        self.move_illegal_q.d.next = self.move_illegal.val();
        self.move_address_q.d.next = self.move_address_now.val();
        self.move_ok_q.d.next = self.move_hit_q.q.val()
            & !self.move_illegal_q.q.val()
            & !self.entry_past_q.q.val()
            & !self.queue_past_q.q.val();
        self.move_write.next = self.write_strobe.val() & self.move_ok_q.q.val();
        self.move_refused.next = false;
        if self.write_strobe.val() & self.move_hit_q.q.val() & !self.move_illegal_q.q.val() {
            self.move_status.d.next = (self.move_status.q.val() & 0xffff_0000_u64)
                | bit_cast::<32, 2>(self.move_result.val());
            self.move_refused.next = !self.move_ok_q.q.val();
            if self.move_ok_q.q.val() {
                self.move_status.d.next =
                    (bit_cast::<32, 16>(self.move_status.q.val().get_bits::<16>(16) + 1_u64)
                        << 16_u64)
                        | bit_cast::<32, 2>(self.move_result.val());
            }
        }
        self.move_address.next = self.move_address_q.q.val();
        self.move_fault.next = self.move_hit_q.q.val()
            & (self.move_illegal_q.q.val() | self.entry_past_q.q.val() | self.queue_past_q.q.val());
        self.move_queue.next = self.held_to.val();

        // MAC filters. Each region starts on a multiple of its largest size, so an
        // entry is the address's low bits. A write takes its strobed bytes only; the
        // bytes it leaves hold legal values, so only the strobed ones are checked.
        self.write_lanes.next = 0.into();
        for b in 0..4 {
            self.write_lanes.next = self
                .write_lanes
                .val()
                .replace_bit(b, self.write_mask.val().get_bit(8 * b));
        }
        self.lo_hit.next = ((self.write_address.val() >> 4_u64) == self.mac_lo_region.val())
            & (bit_cast::<5, 4>(self.write_address.val().get_bits::<4>(0))
                < self.filters_built.val());
        self.hi_hit.next = ((self.write_address.val() >> 4_u64) == self.mac_hi_region.val())
            & (bit_cast::<5, 4>(self.write_address.val().get_bits::<4>(0))
                < self.filters_built.val());
        self.hi_value_fault.next = (self.write_nibbles.val() & self.mac_hi_outside_nibbles.val())
            .any()
            | (self.write_data.val() & self.mac_hi_outside_bits.val()).any()
            | (self.write_mask.val().get_bit(24)
                & (self.write_data.val().get_bits::<3>(24) > self.vport_max.val()));
        // Each stored byte is a flip-flop with an enable (`LaneRegister`).
        self.mac_lo.clock.next = self.clock.val();
        self.mac_lo.reset.next = self.reset.val();
        self.mac_entry_q.d.next = self.one_word.val() << self.write_address.val().get_bits::<4>(0);
        self.mac_lo.words.next = self.mac_entry_q.q.val();
        self.mac_lo.data.next = self.write_data.val();
        self.lo_hit_q.d.next = self.lo_hit.val();
        self.hi_hit_q.d.next = self.hi_hit.val();
        self.hi_store_q.d.next = self.write_hits_q.q.val().get_bit(3) & !self.hi_fault_q.q.val();
        self.mac_lo.lanes.next = 0.into();
        if self.write_strobe.val() & self.lo_hit_q.q.val() {
            self.mac_lo.lanes.next = self.write_lanes.val();
        }
        // Bits HI cannot hold are never stored (a write setting them faults).
        self.mac_hi.clock.next = self.clock.val();
        self.mac_hi.reset.next = self.reset.val();
        self.mac_hi.words.next = self.mac_entry_q.q.val();
        self.mac_hi.data.next = self.write_data.val() & self.mac_hi_writable.val();
        self.mac_hi.lanes.next = 0.into();
        if self.write_strobe.val() & self.hi_store_q.q.val() {
            self.mac_hi.lanes.next = self.write_lanes.val();
        }
        self.filters.next = 0.into();
        for i in 0..FILTERS {
            // HI.ADDR then LO: the MAC as a number, byte 0 on top.
            self.entry.next = self.mac_hi.value.val().get_bits::<32>(32 * i);
            self.word.next = self.mac_lo.value.val().get_bits::<32>(32 * i);
            self.filter.next = bit_cast::<FILTER_BITS, 32>(self.word.val())
                | (bit_cast::<FILTER_BITS, 16>(self.entry.val().get_bits::<16>(0)) << 32_u64)
                | (bit_cast::<FILTER_BITS, 1>(self.entry.val().get_bits::<1>(16)) << 48_u64)
                | (bit_cast::<FILTER_BITS, 3>(self.entry.val().get_bits::<3>(24)) << 49_u64);
            self.filters.next = self.filters.val()
                | (bit_cast::<FILTERS_BITS, FILTER_BITS>(self.filter.val())
                    << (52 * i).to_bits::<16>());
        }

        self.state_write_hit.next = ((self.write_address.val() >> 3_u64)
            == self.state_region.val())
            & (bit_cast::<4, 3>(self.write_address.val().get_bits::<3>(0))
                < self.vports_built.val());
        self.queues_write_hit.next = ((self.write_address.val() >> 3_u64)
            == self.queues_region.val())
            & (bit_cast::<4, 3>(self.write_address.val().get_bits::<3>(0))
                < self.vports_built.val());
        // Each decode registered on its own (the held write's address and data stay
        // put while it waits), so the hit and the fault are one OR of flip-flops.
        self.write_hits.next = 0.into();
        self.write_hits.next = self
            .write_hits
            .val()
            .replace_bit(0, self.commit_hit.val())
            .replace_bit(1, self.move_hit.val())
            .replace_bit(2, self.lo_hit.val())
            .replace_bit(3, self.hi_hit.val())
            .replace_bit(
                4,
                self.write_address.val() == self.move_status_address.val(),
            )
            .replace_bit(5, self.state_write_hit.val())
            .replace_bit(6, self.queues_write_hit.val());
        self.write_hits_q.d.next = self.write_hits.val();
        // The value faults are registered without their address hits (each is ANDed
        // with its hit's flip-flop after): an address compare and a value check in
        // series took five levels, the 64-bit core's slowest path at some seeds.
        self.commit_fault_q.d.next = self.commit_fault.val();
        self.hi_fault_q.d.next = self.hi_value_fault.val();
        self.write_hit.next = self.write_hits_q.q.val().any();
        // Read-only registers fault through `write_hit` without a write path of their own.
        self.write_fault.next = (self.write_hits_q.q.val().get_bit(0)
            & self.commit_fault_q.q.val())
            | (self.write_hits_q.q.val().get_bit(3) & self.hi_fault_q.q.val())
            | self.write_hits_q.q.val().get_bits::<3>(4).any();

        // Reads: decoded from the next read address and registered, so the read data's
        // AND-OR starts at flip-flops.
        self.next_entry.next = self.read_next.val().get_bits::<4>(0);
        self.read_hits_next.next = 0.into();
        if ((self.read_next.val() >> 4_u64) == self.mac_lo_region.val())
            & (bit_cast::<5, 4>(self.next_entry.val()) < self.filters_built.val())
        {
            self.read_hits_next.next = self.read_hits_next.val() | 1_u64.to_bits();
        }
        if ((self.read_next.val() >> 4_u64) == self.mac_hi_region.val())
            & (bit_cast::<5, 4>(self.next_entry.val()) < self.filters_built.val())
        {
            self.read_hits_next.next = self.read_hits_next.val() | 2_u64.to_bits();
        }
        if ((self.read_next.val() >> 3_u64) == self.state_region.val())
            & (bit_cast::<4, 3>(self.read_next.val().get_bits::<3>(0)) < self.vports_built.val())
        {
            self.read_hits_next.next = self.read_hits_next.val() | 4_u64.to_bits();
        }
        if ((self.read_next.val() >> 3_u64) == self.queues_region.val())
            & (bit_cast::<4, 3>(self.read_next.val().get_bits::<3>(0)) < self.vports_built.val())
        {
            self.read_hits_next.next = self.read_hits_next.val() | 8_u64.to_bits();
        }
        if self.read_next.val() == self.move_status_address.val() {
            self.read_hits_next.next = self.read_hits_next.val() | 16_u64.to_bits();
        }
        if (self.read_next.val() == self.commit_address.val())
            | (self.read_next.val() == self.move_address_reg.val())
        {
            self.read_hits_next.next = self.read_hits_next.val() | 32_u64.to_bits();
        }
        self.read_vport_next.next = 0.into();
        for v in 0..VPORTS {
            if self.read_next.val().get_bits::<3>(0) == v.to_bits() {
                self.read_vport_next.next = self.read_vport_next.val().replace_bit(v, true);
            }
        }
        self.read_hits_q.d.next = self.read_hits_next.val();
        self.read_state_sel_q.d.next = 0.into();
        if self.read_hits_next.val().get_bit(2) {
            self.read_state_sel_q.d.next = self.read_vport_next.val();
        }
        self.read_queues_sel_q.d.next = 0.into();
        if self.read_hits_next.val().get_bit(3) {
            self.read_queues_sel_q.d.next = self.read_vport_next.val();
        }
        self.lo_read_hit.next = self.read_hits_q.q.val().get_bit(0);
        self.hi_read_hit.next = self.read_hits_q.q.val().get_bit(1);
        self.read_hit.next = self.read_hits_q.q.val().any();
        // The sources' addresses are disjoint, so at most one matches: they are ORed
        // (an AND-OR per bit), not chained by priority through 49 multiplexers.
        self.read_data.next = 0.into();
        if self.read_hits_q.q.val().get_bit(4) {
            self.read_data.next = self.move_status.q.val();
        }
        for v in 0..VPORTS {
            self.read_slot.next = self.active_q.q.val().get_bits::<SLOT_BITS>(48 * v);
            if self.read_state_sel_q.q.val().get_bit(v) {
                self.read_data.next = self.read_data.val()
                    | bit_cast::<32, 2>(self.read_slot.val().get_bits::<2>(0))
                    | (bit_cast::<32, 4>(self.read_slot.val().get_bits::<4>(4)) << 4_u64)
                    | (bit_cast::<32, 9>(self.read_slot.val().get_bits::<9>(8)) << 16_u64);
            }
            if self.read_queues_sel_q.q.val().get_bit(v) {
                self.read_data.next = self.read_data.val()
                    | bit_cast::<32, 24>(self.read_slot.val().get_bits::<24>(24));
            }
        }

        // The mirror takes what the registers take; reads of the filters come from it.
        self.mac_mirror.clock.next = self.clock.val();
        self.mac_mirror.reset.next = self.reset.val();
        self.mac_mirror.write.next =
            self.write_strobe.val() & (self.lo_hit_q.q.val() | self.hi_store_q.q.val());
        self.mac_mirror.write_index.next =
            bit_cast::<MAC_MIRROR_BITS, 4>(self.write_address.val().get_bits::<4>(0));
        self.mac_mirror.write_data.next = self.write_data.val();
        if self.hi_hit_q.q.val() {
            self.mac_mirror.write_index.next =
                self.mac_mirror.write_index.val().replace_bit(4, true);
            self.mac_mirror.write_data.next = self.write_data.val() & self.mac_hi_writable.val();
        }
        self.mac_mirror.write_strobes.next = self.write_lanes.val();
        // The low and high filter words are one aligned block (checked in `new`), so
        // the word the mirror reads is the address's low bits. The mirror loads it only
        // for a filter word, so its index is a register of its own, not the register
        // file's held address under another name.
        self.mac_mirror.read_load.next = self.read_load.val()
            & (((self.read_request.val() >> 4_u64) == self.mac_lo_region.val())
                | ((self.read_request.val() >> 4_u64) == self.mac_hi_region.val()));
        self.mac_mirror.read_index.next = self.read_request.val().get_bits::<MAC_MIRROR_BITS>(0);
        self.mac_mirror.read_hit.next = self.lo_read_hit.val() | self.hi_read_hit.val();
        self.mac_read_data.next = self.mac_mirror.read_data.val();

        if self.reset.val() {
            self.active_q.d.next = self.reset_state.val();
            self.copy_started.d.next = false;
            self.copied.d.next = false;
            self.move_status.d.next = 0.into();
            self.pending.d.next = false;
            self.ready_q.d.next = false;
            self.params_apply_q.d.next = 0.into();
            self.flip_apply_q.d.next = 0.into();
            self.flip_alone_apply_q.d.next = 0.into();
        }
        self.commit_pending.next = self.pending.q.val();
        // The slots of VPorts the build lacks are pinned to their reset value: holding
        // them would leave `DFFWithInit`'s XOR pair in their feedback, which hides from
        // synthesis that they never change, so it kept all eight slots.
        for v in 0..VPORTS {
            if v.to_bits::<4>() >= self.vports_built.val() {
                self.active_q.d.next = (self.active_q.d.val()
                    & !(self.slot_ones.val() << (48 * v).to_bits::<16>()))
                    | (self.reset_state.val() & (self.slot_ones.val() << (48 * v).to_bits::<16>()));
            }
        }
        self.active_next.next = self.active_q.d.val();
        self.active.next = self.active_q.q.val();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rss_model::regmap::Params;

    /// The block claims a write (`write_hit`, a clock later) exactly at the addresses
    /// the map gives its registers, array elements past the build's count excluded
    /// (they decode as unmapped, and answer SLVERR from the register file).
    fn claims_exactly_its_registers(params: Params) {
        let map = RegisterMap::new(params).unwrap();
        let ours = [
            index::COMMIT,
            index::MOVE,
            index::MOVE_STATUS,
            index::MAC_FILTER_LO,
            index::MAC_FILTER_HI,
            index::VPORT_STATE,
            index::VPORT_QUEUES,
        ];
        let expected: Vec<bool> = (0..(1_u32 << WORD_ADDR_BITS))
            .map(|a| map.decode(4 * a).is_some_and(|(i, _)| ours.contains(&i)))
            .collect();
        assert!(expected.iter().filter(|&&hit| hit).count() > 7);
        let mut uut = VportRegs::new(&map);
        uut.connect_all();
        let mut sim = Simulation::new();
        sim.add_clock(5, |x: &mut Box<VportRegs>| x.clock.next = !x.clock.val());
        sim.add_testbench(move |mut ep: Sim<VportRegs>| {
            let mut x = ep.init()?;
            for (a, &hit) in expected.iter().enumerate() {
                x.write_address.next = (a as u64).to_bits();
                wait_clock_cycle!(ep, clock, x);
                wait_clock_cycle!(ep, clock, x);
                sim_assert_eq!(ep, x.write_hit.val(), hit, x);
            }
            ep.done(x)
        });
        sim.run(Box::new(uut), 10 * 2 * (1 << WORD_ADDR_BITS) + 100)
            .unwrap();
    }

    #[test]
    fn vport_regs_claims_exactly_its_registers() {
        claims_exactly_its_registers(Params::default());
        claims_exactly_its_registers(Params {
            vports: 3,
            mac_filters: 5,
            ..Params::default()
        });
    }

    #[test]
    fn vport_regs_is_synthesizable() {
        let map = RegisterMap::new(Params::default()).unwrap();
        let mut uut = VportRegs::new(&map);
        uut.connect_all();
        crate::lint::assert_lints_clean(&generate_verilog(&uut), "vport_regs");
    }
}
