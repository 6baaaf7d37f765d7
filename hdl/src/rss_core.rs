//! Top level `rss_core`: Ethernet frames in on AXI4-Stream, one steering record out per
//! frame through a FIFO, registers on AXI4-Lite.
//!
//! Datapath (every stage registered, one beat per clock, no stage ever stalls):
//! `FrameIngress` → `WordSlots` (L2, L3-aligned words) → `L3Header` → 4 × `ExtStep`
//! (IPv6 extension headers) → `FieldCapture` (fields, verdict on the last beat) →
//! `TupleSelect` → job register → `TupleLayout` → `HashUnit` (Toeplitz, `STEPS` clocks per frame) → indirection
//! table (block RAM) → `RecordFifo`. Beside the parser, `VportMatch` finds each frame's
//! VPort from its destination MAC, and `TuplePlan` plans the next verdict's hash input
//! a clock ahead under every VPort's types.
//!
//! VPorts: when a frame's fields are complete, its VPort's active state (hash types,
//! symmetric switch, table size and bank, queues) is read once and travels with the
//! job, and the job's VPort selects the key the hash unit reads; so a commit landing
//! at any clock steers each frame wholly by the old or wholly by the new state.
//!
//! Flow control: `s_axis_tready` comes from registers only. A new frame is taken only
//! while the frames in flight plus the records held fit the FIFO, so a consumer that
//! refuses records stops the stream between frames, never inside one, and only after
//! FIFO-depth frames. In tap mode (`gen --tap`) the stream is never stopped: a record
//! that finds no room is dropped, counted, and the next record carries flag bit 2.
//!
//! Hash probe (`PROBE`): the probe's input goes through the frames' own job register,
//! hash unit, key store and indirection table as a job of its own (tag bit 53), whose
//! result goes to the registers instead of the FIFO. Its nine input words are shifted
//! into the job register from the register file's read-back RAM, one a clock (the
//! input has no flip-flops of its own, see `ProbeRegs`), so it takes the job register
//! for nine clocks in which no frame's job is loaded, and the hash unit once it is
//! free. In the default mode no new frame starts while a probe waits, and the probe
//! starts once the parser is empty, so no frame's job ever finds the job register or
//! the hash unit taken; in tap mode the stream is never held, and a frame whose verdict
//! meets the probe's words or its wait for the hash unit is dropped and counted like a
//! runt.

use rss_model::regmap::RegisterMap;
use rust_hdl::prelude::*;

use crate::axil_regs::{AxilRegs, QUEUE_BITS};
use crate::ext_step::ExtStep;
use crate::field_capture::FieldCapture;
use crate::frame_ingress::{FrameIngress, LENGTH_BITS};
use crate::hash_unit::{HashUnit, TAG_BITS};
use crate::key_store::{KeyCopySource, KeyStore};
use crate::l3_header::L3Header;
use crate::pool_address::PoolAddress;
use crate::readback_ram::ReadbackRam;
use crate::record_fifo::{OutputQueue, RecordFifo};
use crate::slot_pick::SlotPick;
use crate::tuple_layout::TupleLayout;
use crate::tuple_plan::{PLAN_BITS, PLANS_BITS, TuplePlan};
use crate::tuple_select::TupleSelect;
use crate::tx_lookup::{TxLookup, USER_BITS as TX_USER_BITS};
use crate::vport_match::VportMatch;
use crate::vport_regs::{ACTIVE_BITS, POOL_ADDRESS_BITS, SLOT_BITS};
use crate::word_slots::WordSlots;

/// FIFO entry: VPort, hash, type, queue, flags, length.
pub const RECORD_BITS: usize = 3 + 32 + 9 + QUEUE_BITS + 3 + LENGTH_BITS;
/// Drop counter width.
pub const DROP_COUNT_BITS: usize = 32;

#[derive(LogicBlock)]
pub struct RssCore<
    const DATA_BITS: usize,
    const KEEP_BITS: usize,
    const EXTENDED_BITS: usize,
    const BUNDLE_BITS: usize,
    const STEPS: usize,
    const CHUNK: usize,
    const KEY_WINDOW: usize,
    const PARTIAL_BITS: usize,
    const KEY_PADDED: usize,
    const FIFO_LOG2: usize,
    const FIFO_COUNT_BITS: usize,
> {
    /// Clock for everything.
    pub clk: Signal<In, Clock>,
    /// Active-high synchronous reset. Frames in flight and queued records are dropped;
    /// the next beat after reset starts a new frame.
    pub rst: Signal<In, Bit>,
    /// AXI4-Lite write address.
    pub s_axil_awaddr: Signal<In, Bits<13>>,
    /// AXI4-Lite write protection (ignored).
    pub s_axil_awprot: Signal<In, Bits<3>>,
    /// AXI4-Lite write address valid.
    pub s_axil_awvalid: Signal<In, Bit>,
    /// AXI4-Lite write address ready.
    pub s_axil_awready: Signal<Out, Bit>,
    /// AXI4-Lite write data.
    pub s_axil_wdata: Signal<In, Bits<32>>,
    /// AXI4-Lite write strobes.
    pub s_axil_wstrb: Signal<In, Bits<4>>,
    /// AXI4-Lite write data valid.
    pub s_axil_wvalid: Signal<In, Bit>,
    /// AXI4-Lite write data ready.
    pub s_axil_wready: Signal<Out, Bit>,
    /// AXI4-Lite write response (OKAY / SLVERR).
    pub s_axil_bresp: Signal<Out, Bits<2>>,
    /// AXI4-Lite write response valid.
    pub s_axil_bvalid: Signal<Out, Bit>,
    /// AXI4-Lite write response ready.
    pub s_axil_bready: Signal<In, Bit>,
    /// AXI4-Lite read address.
    pub s_axil_araddr: Signal<In, Bits<13>>,
    /// AXI4-Lite read protection (ignored).
    pub s_axil_arprot: Signal<In, Bits<3>>,
    /// AXI4-Lite read address valid.
    pub s_axil_arvalid: Signal<In, Bit>,
    /// AXI4-Lite read address ready.
    pub s_axil_arready: Signal<Out, Bit>,
    /// AXI4-Lite read data.
    pub s_axil_rdata: Signal<Out, Bits<32>>,
    /// AXI4-Lite read response (OKAY / SLVERR).
    pub s_axil_rresp: Signal<Out, Bits<2>>,
    /// AXI4-Lite read data valid.
    pub s_axil_rvalid: Signal<Out, Bit>,
    /// AXI4-Lite read data ready.
    pub s_axil_rready: Signal<In, Bit>,
    /// Frame data, byte 0 of the beat in bits 7:0.
    pub s_axis_tdata: Signal<In, Bits<DATA_BITS>>,
    /// Byte enables: contiguous from lane 0, all ones except on the last beat.
    pub s_axis_tkeep: Signal<In, Bits<KEEP_BITS>>,
    /// Beat valid.
    pub s_axis_tvalid: Signal<In, Bit>,
    /// Beat accepted (from registers; never low inside a frame of 60 bytes or more).
    pub s_axis_tready: Signal<Out, Bit>,
    /// Last beat of the frame.
    pub s_axis_tlast: Signal<In, Bit>,
    /// Record valid: one per frame, in frame order.
    pub m_axis_rss_tvalid: Signal<Out, Bit>,
    /// Record accepted.
    pub m_axis_rss_tready: Signal<In, Bit>,
    /// Toeplitz hash, 0 when `m_axis_rss_hash_type` is 0.
    pub m_axis_rss_hash: Signal<Out, Bits<32>>,
    /// Hash type used, one-hot (`HASH_TYPES` bit order = NDIS flag >> 8), 0 for no hash.
    pub m_axis_rss_hash_type: Signal<Out, Bits<9>>,
    /// Receive queue.
    pub m_axis_rss_queue: Signal<Out, Bits<QUEUE_BITS>>,
    /// Bit 0: malformed (default queue, no hash); bit 1: IP fragment; bit 2: records
    /// were dropped before this one (tap mode).
    pub m_axis_rss_flags: Signal<Out, Bits<3>>,
    /// Frame length in bytes (saturates at 65 535).
    pub m_axis_rss_length: Signal<Out, Bits<LENGTH_BITS>>,
    /// VPort the frame was steered on (its destination MAC's filter entry, else 0).
    pub m_axis_rss_vport: Signal<Out, Bits<3>>,
    /// Transmit-side lookup request valid (`gen --tx-lookup`; a build without it never
    /// takes one: `s_axis_tx_tready` and `m_axis_txq_tvalid` stay low).
    pub s_axis_tx_tvalid: Signal<In, Bit>,
    /// Request taken (from registers).
    pub s_axis_tx_tready: Signal<Out, Bit>,
    /// VPort of the transmitted packet; one the build lacks is looked up on VPort 0.
    pub s_axis_tx_vport: Signal<In, Bits<3>>,
    /// The packet's RSS hash (ignored unless `s_axis_tx_hashed`).
    pub s_axis_tx_hash: Signal<In, Bits<32>>,
    /// The packet carries an RSS hash.
    pub s_axis_tx_hashed: Signal<In, Bit>,
    /// Tag returned with the answer.
    pub s_axis_tx_tuser: Signal<In, Bits<TX_USER_BITS>>,
    /// Answer valid: one per request, in request order.
    pub m_axis_txq_tvalid: Signal<Out, Bit>,
    /// Answer taken.
    pub m_axis_txq_tready: Signal<In, Bit>,
    /// Transmit queue: `TABLE` entry (hashed), default queue (no hash) or primary queue
    /// (RSS disabled), from the VPort's active state.
    pub m_axis_txq_queue: Signal<Out, Bits<QUEUE_BITS>>,
    /// The VPort whose state answered.
    pub m_axis_txq_vport: Signal<Out, Bits<3>>,
    /// The queue is the indirection entry's.
    pub m_axis_txq_hashed: Signal<Out, Bit>,
    /// The request's tag.
    pub m_axis_txq_tuser: Signal<Out, Bits<TX_USER_BITS>>,
    regs: AxilRegs,
    ingress: FrameIngress<DATA_BITS, KEEP_BITS>,
    slots: WordSlots<DATA_BITS, EXTENDED_BITS, BUNDLE_BITS>,
    l3: L3Header<DATA_BITS, BUNDLE_BITS>,
    ext1: ExtStep<DATA_BITS, BUNDLE_BITS>,
    ext2: ExtStep<DATA_BITS, BUNDLE_BITS>,
    ext3: ExtStep<DATA_BITS, BUNDLE_BITS>,
    ext4: ExtStep<DATA_BITS, BUNDLE_BITS>,
    capture: FieldCapture<DATA_BITS, BUNDLE_BITS>,
    select: TupleSelect,
    hasher: HashUnit<STEPS, CHUNK, KEY_WINDOW, PARTIAL_BITS>,
    /// The indirection table, read like the register file's readback copy: the word
    /// two clocks after its address, from the RAM's output register, and a frame's read
    /// in the clock of a move's write to that entry gets the word written (decided
    /// beside the RAM, not by a bypass multiplexer behind its read latch).
    indirection: ReadbackRam<Bits<QUEUE_BITS>, POOL_ADDRESS_BITS>,
    vport_match: VportMatch,
    tx_lookup: TxLookup,
    table_address: PoolAddress,
    mac_lsb: Constant<Bits<16>>,
    frame_state: SlotPick<ACTIVE_BITS, SLOT_BITS>,
    /// The oldest frame's VPort state, registered: the commit logic and the VPort ring
    /// stay out of the tuple selection's path into the hash unit.
    frame_slot: DFF<Bits<SLOT_BITS>>,
    /// Every VPort's plan for the next verdict's hash input.
    plan: TuplePlan,
    plan_pick: SlotPick<PLANS_BITS, PLAN_BITS>,
    /// The oldest frame's VPort's plan, registered beside its state: the job's address
    /// multiplexer is driven from here, not from the type choice.
    frame_plan: DFF<Bits<PLAN_BITS>>,
    /// The plan's Ex bit AND the verdict's Home Address found, registered beside
    /// `frame_plan`: the Ex source multiplexer's select (stop 55's slowest seed had
    /// the plan AND the capture's flag in one LUT fanning out to 128 multiplexers
    /// across the die: 5.4 of 6.65 ns routing).
    frame_takes_home: DFF<Bit>,
    /// Likewise, the routing address found: the Ex destination's select.
    frame_takes_route: DFF<Bit>,
    /// Every VPort's plan for the frame whose verdict comes in two clocks, registered:
    /// the next clock's pick of the frame's VPort's plan is then a multiplexer from
    /// flip-flops, with no type logic behind it. The state it was planned from does not
    /// change before the pick: no commit applies in the two clocks before a verdict.
    plans_q: DFF<Bits<PLANS_BITS>>,
    /// The probe's VPort state, picked and registered every clock: the probe's VPort
    /// and the state are settled long before its job is loaded, so taking it is one 2:1
    /// choice in front of `frame_slot`, not a select of the VPort pick (stop 62: the
    /// frame pick's VPort chosen between the frame's and the probe's instead put that
    /// choice on the state pick's path, the 64-bit core's limiter at two seeds of nine).
    probe_state: SlotPick<ACTIVE_BITS, SLOT_BITS>,
    probe_slot: DFF<Bits<SLOT_BITS>>,
    keys: KeyStore<STEPS, CHUNK, KEY_WINDOW, KEY_PADDED>,
    fifo: RecordFifo<RECORD_BITS, FIFO_LOG2, FIFO_COUNT_BITS>,
    outstanding: DFF<Bits<FIFO_COUNT_BITS>>,
    /// Records gone last clock (taken from the FIFO or dropped): counted out of
    /// `outstanding` a clock late, so the consumer's `tready` meets no adder.
    leaving_q: DFF<Bits<3>>,
    /// Frames started whose verdict has not left the parser yet.
    parsing: DFF<Bits<6>>,
    /// `parsing` is zero, registered beside it so the probe's start reads a flag, not
    /// a compare behind the count's adders.
    parsing_empty: DFF<Bit>,
    /// The probe's input words are being shifted into the job register (from the clock
    /// after its choice until its last word is in).
    probe_stream: DFF<Bit>,
    /// The probe's last word is shifted in and its job loaded this clock (its VPort's
    /// state is in `frame_slot`).
    probe_go: DFF<Bit>,
    /// The probe's job is in the hash unit or the table read.
    probe_launched: DFF<Bit>,
    /// A probe waited last clock with the parser empty (in tap mode, whatever the
    /// parser held): it may be picked this clock.
    probe_override: DFF<Bit>,
    /// Bit `j`: `outstanding - started_q - leaving_q + 2 - j < depth`, formed a clock
    /// ahead from the count and the records leaving, so the start decision in the
    /// ingress reads registers, not the count's adders: with `started_q` (a frame
    /// started last clock, already in `outstanding`) they say whether a frame may start
    /// next clock if none starts (bit 2 or 1) or one starts (bit 1 or 0) this clock.
    room_q: DFF<Bits<3>>,
    /// A frame started last clock.
    started_q: DFF<Bit>,
    /// `1 - leaving_q`, so `outstanding` with a frame starting is one adder.
    start_step_q: DFF<Bits<FIFO_COUNT_BITS>>,
    /// A record was dropped at the FIFO: the next record pushed is flagged.
    lost: DFF<Bit>,
    /// A frame was dropped before the hash unit: the next frame's job is flagged (the
    /// frames still ahead of it in the hash unit are older and are not).
    lost_upstream: DFF<Bit>,
    drops: DFF<Bits<DROP_COUNT_BITS>>,
    job_valid: DFF<Bit>,
    /// The job's hash input in parts (`TupleSelect`'s outputs, or a probe's input as
    /// an IPv6 layout): `layout` folds and lays them out behind the register.
    job_source: DFF<Bits<128>>,
    job_destination: DFF<Bits<128>>,
    job_ports: DFF<Bits<32>>,
    job_symmetric: DFF<Bit>,
    job_ipv4: DFF<Bit>,
    job_ipv6: DFF<Bit>,
    layout: TupleLayout,
    job_tag: DFF<Bits<TAG_BITS>>,
    r_valid: DFF<Bit>,
    r_hash: DFF<Bits<32>>,
    r_tag: DFF<Bits<TAG_BITS>>,
    // The record's stage, beside the table word in the RAM's output register.
    rec_hash: DFF<Bits<32>>,
    rec_tag: DFF<Bits<TAG_BITS>>,
    /// The record's hash type, whether it is hashed (its queue comes from the table)
    /// and its queue otherwise (primary or default), made from the tag a clock ahead
    /// so the record that enters the FIFO is one multiplexer from registers.
    rec_type: DFF<Bits<9>>,
    /// The record is a frame's (it goes to the FIFO) / the probe's.
    rec_push: DFF<Bit>,
    rec_probe: DFF<Bit>,
    rec_hashed: DFF<Bit>,
    rec_fixed_queue: DFF<Bits<QUEUE_BITS>>,
    /// The hash unit's hash and tag hold for the table and record stages (six steps or
    /// more: `HashUnit::out_tag` holds `STEPS - 4` clocks after the hash), so those
    /// stages read them there and `r_hash`, `r_tag`, `rec_hash`, `rec_tag` are left out.
    results_held: Constant<Bit>,
    /// The tag and hash as the table stage and the record stage see them.
    table_tag: Signal<Local, Bits<TAG_BITS>>,
    record_tag: Signal<Local, Bits<TAG_BITS>>,
    record_word: Signal<Local, Bits<32>>,
    tap: Constant<Bit>,
    steps: Constant<Bits<6>>,
    fifo_depth: Constant<Bits<FIFO_COUNT_BITS>>,
    one: Constant<Bits<16>>,
    tag: Signal<Local, Bits<TAG_BITS>>,
    parser_idle: Signal<Local, Bit>,
    probe_pick: Signal<Local, Bit>,
    probe_waiting: Signal<Local, Bit>,
    probe_result: Signal<Local, Bit>,
    record_valid: Signal<Local, Bit>,
    hash_dropped: Signal<Local, Bit>,
    record_type: Signal<Local, Bits<9>>,
    record_hash: Signal<Local, Bits<32>>,
    record_queue: Signal<Local, Bits<QUEUE_BITS>>,
    record_flags: Signal<Local, Bits<3>>,
    frame_job: Signal<Local, Bit>,
    pushed: Signal<Local, Bit>,
    dropped: Signal<Local, Bits<2>>,
    /// A frame's verdict arrives as the probe takes the job register (tap mode only).
    lost_to_probe: Signal<Local, Bit>,
    leaving: Signal<Local, Bits<3>>,
    held: Signal<Local, Bits<FIFO_COUNT_BITS>>,
    /// `outstanding` as it will be without and with a frame starting this clock: the
    /// start (behind the stream's `tvalid`) only chooses between them, after their
    /// carry chains.
    held_same: Signal<Local, Bits<FIFO_COUNT_BITS>>,
    held_started: Signal<Local, Bits<FIFO_COUNT_BITS>>,
    /// `parsing` one up and one down, from the register alone: the start and the
    /// verdict (which comes from across the die) only choose among them and `parsing`.
    parsing_up: Signal<Local, Bits<6>>,
    parsing_down: Signal<Local, Bits<6>>,
    /// Bit `j`: `outstanding < depth - 2 + j`.
    below: Signal<Local, Bits<11>>,
    /// `leaving_q + leaving`: the records counted out of `outstanding` by next clock.
    leaving_both: Signal<Local, Bits<4>>,
    fifo_depth_less_one: Constant<Bits<16>>,
    /// `depth - 2`, or 0 for a FIFO of one (where `held_same < depth - 2` never holds).
    fifo_depth_less_two: Constant<Bits<16>>,
}

impl<
    const DATA_BITS: usize,
    const KEEP_BITS: usize,
    const EXTENDED_BITS: usize,
    const BUNDLE_BITS: usize,
    const STEPS: usize,
    const CHUNK: usize,
    const KEY_WINDOW: usize,
    const PARTIAL_BITS: usize,
    const KEY_PADDED: usize,
    const FIFO_LOG2: usize,
    const FIFO_COUNT_BITS: usize,
>
    RssCore<
        DATA_BITS,
        KEEP_BITS,
        EXTENDED_BITS,
        BUNDLE_BITS,
        STEPS,
        CHUNK,
        KEY_WINDOW,
        PARTIAL_BITS,
        KEY_PADDED,
        FIFO_LOG2,
        FIFO_COUNT_BITS,
    >
{
    /// The core for `map`'s registers; `tap` selects tap mode (never stall the stream);
    /// the record FIFO holds `fifo_depth` records (at most `2^FIFO_LOG2`).
    pub fn new(map: &RegisterMap, tap: bool, fifo_depth: u16) -> Self {
        assert!(fifo_depth >= 1 && u64::from(fifo_depth) <= 1u64 << FIFO_LOG2);
        // A record leaves the hash unit at most every `STEPS` clocks: from three on, a
        // one-entry output queue (a record every third clock) never holds one back, and
        // the records then leave, and are counted, at least three clocks apart.
        let queue = if STEPS >= 3 {
            OutputQueue::Single
        } else {
            OutputQueue::Streaming
        };
        RssCore {
            clk: Default::default(),
            rst: Default::default(),
            s_axil_awaddr: Default::default(),
            s_axil_awprot: Default::default(),
            s_axil_awvalid: Default::default(),
            s_axil_awready: Default::default(),
            s_axil_wdata: Default::default(),
            s_axil_wstrb: Default::default(),
            s_axil_wvalid: Default::default(),
            s_axil_wready: Default::default(),
            s_axil_bresp: Default::default(),
            s_axil_bvalid: Default::default(),
            s_axil_bready: Default::default(),
            s_axil_araddr: Default::default(),
            s_axil_arprot: Default::default(),
            s_axil_arvalid: Default::default(),
            s_axil_arready: Default::default(),
            s_axil_rdata: Default::default(),
            s_axil_rresp: Default::default(),
            s_axil_rvalid: Default::default(),
            s_axil_rready: Default::default(),
            s_axis_tdata: Default::default(),
            s_axis_tkeep: Default::default(),
            s_axis_tvalid: Default::default(),
            s_axis_tready: Default::default(),
            s_axis_tlast: Default::default(),
            m_axis_rss_tvalid: Default::default(),
            m_axis_rss_tready: Default::default(),
            m_axis_rss_hash: Default::default(),
            m_axis_rss_hash_type: Default::default(),
            m_axis_rss_queue: Default::default(),
            m_axis_rss_flags: Default::default(),
            m_axis_rss_length: Default::default(),
            m_axis_rss_vport: Default::default(),
            s_axis_tx_tvalid: Default::default(),
            s_axis_tx_tready: Default::default(),
            s_axis_tx_vport: Default::default(),
            s_axis_tx_hash: Default::default(),
            s_axis_tx_hashed: Default::default(),
            s_axis_tx_tuser: Default::default(),
            m_axis_txq_tvalid: Default::default(),
            m_axis_txq_tready: Default::default(),
            m_axis_txq_queue: Default::default(),
            m_axis_txq_vport: Default::default(),
            m_axis_txq_hashed: Default::default(),
            m_axis_txq_tuser: Default::default(),
            regs: AxilRegs::new(map).records_apart(queue.departure_gap()),
            ingress: Default::default(),
            slots: Default::default(),
            l3: Default::default(),
            // At 64 bits one stage takes every step (a beat holds one word); wider, each
            // stage takes one and the steps of a beat happen in consecutive stages.
            ext1: if DATA_BITS == 64 {
                ExtStep::new(4, false)
            } else {
                ExtStep::first_step_only()
            },
            ext2: ExtStep::new(1, DATA_BITS == 64),
            ext3: ExtStep::new(1, DATA_BITS == 64),
            ext4: ExtStep::new(1, DATA_BITS == 64),
            capture: Default::default(),
            select: Default::default(),
            hasher: Default::default(),
            // Zero after configuration, like the model; rst does not clear block RAM.
            indirection: Default::default(),
            vport_match: VportMatch::new(map.params.vports),
            tx_lookup: TxLookup::new(&map.params),
            table_address: PoolAddress::new(map.params.table_entries_log2),
            // The ingress beat has byte 0 on top: the MAC is its top 48 bits.
            mac_lsb: Constant::new(((DATA_BITS - 48) as u64).to_bits()),
            frame_state: Default::default(),
            frame_slot: Default::default(),
            plan: Default::default(),
            plan_pick: Default::default(),
            frame_plan: Default::default(),
            frame_takes_home: Default::default(),
            frame_takes_route: Default::default(),
            plans_q: Default::default(),
            probe_state: Default::default(),
            probe_slot: Default::default(),
            keys: Default::default(),
            fifo: RecordFifo::new(queue),
            outstanding: Default::default(),
            leaving_q: Default::default(),
            parsing: Default::default(),
            parsing_empty: Default::default(),
            probe_stream: Default::default(),
            probe_go: Default::default(),
            probe_launched: Default::default(),
            probe_override: Default::default(),
            room_q: Default::default(),
            started_q: Default::default(),
            start_step_q: Default::default(),
            lost: Default::default(),
            lost_upstream: Default::default(),
            drops: Default::default(),
            job_valid: Default::default(),
            job_source: Default::default(),
            job_destination: Default::default(),
            job_ports: Default::default(),
            job_symmetric: Default::default(),
            job_ipv4: Default::default(),
            job_ipv6: Default::default(),
            layout: Default::default(),
            job_tag: Default::default(),
            r_valid: Default::default(),
            r_hash: Default::default(),
            r_tag: Default::default(),
            rec_hash: Default::default(),
            rec_tag: Default::default(),
            rec_type: Default::default(),
            rec_push: Default::default(),
            rec_probe: Default::default(),
            rec_hashed: Default::default(),
            results_held: Constant::new(STEPS >= 6),
            table_tag: Default::default(),
            record_tag: Default::default(),
            record_word: Default::default(),
            rec_fixed_queue: Default::default(),
            tap: Constant::new(tap),
            steps: Constant::new((STEPS as u64).to_bits()),
            fifo_depth: Constant::new(u64::from(fifo_depth).to_bits()),
            one: Constant::new(1.into()),
            tag: Default::default(),
            parser_idle: Default::default(),
            probe_pick: Default::default(),
            probe_waiting: Default::default(),
            probe_result: Default::default(),
            record_valid: Default::default(),
            hash_dropped: Default::default(),
            record_type: Default::default(),
            record_hash: Default::default(),
            record_queue: Default::default(),
            record_flags: Default::default(),
            frame_job: Default::default(),
            pushed: Default::default(),
            dropped: Default::default(),
            lost_to_probe: Default::default(),
            leaving: Default::default(),
            held: Default::default(),
            held_same: Default::default(),
            held_started: Default::default(),
            parsing_up: Default::default(),
            parsing_down: Default::default(),
            below: Default::default(),
            leaving_both: Default::default(),
            fifo_depth_less_one: Constant::new((u64::from(fifo_depth) - 1).to_bits()),
            fifo_depth_less_two: Constant::new(u64::from(fifo_depth).saturating_sub(2).to_bits()),
        }
    }
}

impl<
    const DATA_BITS: usize,
    const KEEP_BITS: usize,
    const EXTENDED_BITS: usize,
    const BUNDLE_BITS: usize,
    const STEPS: usize,
    const CHUNK: usize,
    const KEY_WINDOW: usize,
    const PARTIAL_BITS: usize,
    const KEY_PADDED: usize,
    const FIFO_LOG2: usize,
    const FIFO_COUNT_BITS: usize,
> Logic
    for RssCore<
        DATA_BITS,
        KEEP_BITS,
        EXTENDED_BITS,
        BUNDLE_BITS,
        STEPS,
        CHUNK,
        KEY_WINDOW,
        PARTIAL_BITS,
        KEY_PADDED,
        FIFO_LOG2,
        FIFO_COUNT_BITS,
    >
{
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self,
            clk,
            outstanding,
            leaving_q,
            parsing,
            parsing_empty,
            probe_stream,
            probe_go,
            probe_launched,
            probe_override,
            room_q,
            started_q,
            start_step_q,
            lost,
            lost_upstream,
            drops,
            job_valid,
            job_source,
            job_destination,
            job_ports,
            job_symmetric,
            job_ipv4,
            job_ipv6,
            job_tag,
            r_valid,
            r_hash,
            r_tag,
            rec_hash,
            rec_tag,
            rec_type,
            rec_push,
            rec_probe,
            rec_hashed,
            rec_fixed_queue,
            frame_slot,
            probe_slot,
            frame_plan,
            frame_takes_home,
            frame_takes_route,
            plans_q
        );
        self.regs.clock.next = self.clk.val();
        self.regs.reset.next = self.rst.val();
        self.ingress.clock.next = self.clk.val();
        self.ingress.reset.next = self.rst.val();
        self.slots.clock.next = self.clk.val();
        self.slots.reset.next = self.rst.val();
        self.l3.clock.next = self.clk.val();
        self.l3.reset.next = self.rst.val();
        self.ext1.clock.next = self.clk.val();
        self.ext1.reset.next = self.rst.val();
        self.ext2.clock.next = self.clk.val();
        self.ext2.reset.next = self.rst.val();
        self.ext3.clock.next = self.clk.val();
        self.ext3.reset.next = self.rst.val();
        self.ext4.clock.next = self.clk.val();
        self.ext4.reset.next = self.rst.val();
        self.capture.clock.next = self.clk.val();
        self.hasher.clock.next = self.clk.val();
        self.hasher.reset.next = self.rst.val();
        self.keys.clock.next = self.clk.val();
        self.keys.reset.next = self.rst.val();
        self.fifo.clock.next = self.clk.val();
        self.fifo.reset.next = self.rst.val();
        self.indirection.clock.next = self.clk.val();
        self.vport_match.clock.next = self.clk.val();
        self.vport_match.reset.next = self.rst.val();

        self.regs.s_axil_awaddr.next = self.s_axil_awaddr.val();
        self.regs.s_axil_awvalid.next = self.s_axil_awvalid.val();
        self.s_axil_awready.next = self.regs.s_axil_awready.val();
        self.regs.s_axil_wdata.next = self.s_axil_wdata.val();
        self.regs.s_axil_wstrb.next = self.s_axil_wstrb.val();
        self.regs.s_axil_wvalid.next = self.s_axil_wvalid.val();
        self.s_axil_wready.next = self.regs.s_axil_wready.val();
        self.s_axil_bresp.next = self.regs.s_axil_bresp.val();
        self.s_axil_bvalid.next = self.regs.s_axil_bvalid.val();
        self.regs.s_axil_bready.next = self.s_axil_bready.val();
        self.regs.s_axil_araddr.next = self.s_axil_araddr.val();
        self.regs.s_axil_arvalid.next = self.s_axil_arvalid.val();
        self.s_axil_arready.next = self.regs.s_axil_arready.val();
        self.s_axil_rdata.next = self.regs.s_axil_rdata.val();
        self.s_axil_rresp.next = self.regs.s_axil_rresp.val();
        self.s_axil_rvalid.next = self.regs.s_axil_rvalid.val();
        self.regs.s_axil_rready.next = self.s_axil_rready.val();

        self.tx_lookup.clock.next = self.clk.val();
        self.tx_lookup.table_write_enable.next = self.regs.table_write_enable.val();
        self.tx_lookup.table_write_index.next = self.regs.table_write_index.val();
        self.tx_lookup.table_write_queue.next = self.regs.table_write_queue.val();
        self.tx_lookup.active.next = self.regs.active.val();
        self.tx_lookup.reset.next = self.rst.val();
        self.tx_lookup.in_valid.next = self.s_axis_tx_tvalid.val();
        self.s_axis_tx_tready.next = self.tx_lookup.in_ready.val();
        self.tx_lookup.in_vport.next = self.s_axis_tx_vport.val();
        self.tx_lookup.in_hash.next = self.s_axis_tx_hash.val();
        self.tx_lookup.in_hashed.next = self.s_axis_tx_hashed.val();
        self.tx_lookup.in_user.next = self.s_axis_tx_tuser.val();
        self.m_axis_txq_tvalid.next = self.tx_lookup.out_valid.val();
        self.tx_lookup.out_ready.next = self.m_axis_txq_tready.val();
        self.m_axis_txq_queue.next = self.tx_lookup.out_queue.val();
        self.m_axis_txq_vport.next = self.tx_lookup.out_vport.val();
        self.m_axis_txq_hashed.next = self.tx_lookup.out_hashed.val();
        self.m_axis_txq_tuser.next = self.tx_lookup.out_user.val();
        self.indirection.write_enable.next = self.regs.table_write_enable.val();
        self.indirection.write_address.next = self.regs.table_write_index.val();
        self.indirection.write_data.next = self.regs.table_write_queue.val();

        // Ingress.
        self.ingress.s_axis_tdata.next = self.s_axis_tdata.val();
        self.ingress.s_axis_tkeep.next = self.s_axis_tkeep.val();
        self.ingress.s_axis_tvalid.next = self.s_axis_tvalid.val();
        self.ingress.s_axis_tlast.next = self.s_axis_tlast.val();
        self.s_axis_tready.next = self.ingress.s_axis_tready.val();
        // `outstanding - leaving_q (+ 1) < depth`, `outstanding` with or without a
        // frame started last clock.
        self.ingress.room_same.next = self.room_q.q.val().get_bit(2);
        self.ingress.room_started.next = self.room_q.q.val().get_bit(1);
        if self.started_q.q.val() {
            self.ingress.room_same.next = self.room_q.q.val().get_bit(1);
            self.ingress.room_started.next = self.room_q.q.val().get_bit(0);
        }
        if self.regs.probe_request.val() {
            self.ingress.room_same.next = false;
            self.ingress.room_started.next = false;
        }
        self.ingress.tap.next = self.tap.val();
        self.ingress.min_beats.next = self.steps.val();

        // Parser.
        self.slots.in_valid.next = self.ingress.beat_valid.val();
        self.slots.in_data.next = self.ingress.beat_data.val();
        self.slots.in_first.next = self.ingress.beat_first.val();
        self.slots.in_last.next = self.ingress.beat_last.val();
        self.slots.in_length.next = self.ingress.beat_length.val();
        self.l3.beat_in.next = self.slots.beat.val();
        self.l3.slot0_ipv6_end.next = self.slots.slot0_ipv6_end.val();
        self.vport_match.in_valid.next = self.ingress.beat_valid.val();
        self.vport_match.in_first.next = self.ingress.beat_first.val();
        self.vport_match.in_mac.next = self
            .ingress
            .beat_data
            .val()
            .get_bits::<48>(self.mac_lsb.val().index());
        self.vport_match.in_length.next = self.ingress.beat_length.val();
        self.vport_match.filters.next = self.regs.filters.val();
        self.vport_match.pop.next = self.capture.result_valid.val();
        self.vport_match.pop_next.next = self.capture.result_next.val();

        self.ext1.beat_in.next = self.l3.beat_out.val();
        self.ext1.walk_ready_in.next = self.l3.ready.val();
        self.ext1.walk_live_in.next = self.l3.walk_live.val();
        self.ext1.walk_ptr_in.next = self.l3.walk_ptr.val();
        self.ext1.walk_nh_in.next = self.l3.next_header.val();
        self.ext1.end_in.next = self.l3.datagram_end.val();
        self.ext1.bad_in.next = self.l3.bad.val();
        self.ext1.fragment_in.next = self.l3.fragment.val();
        self.ext1.need_in.next = self.l3.need.val();
        self.ext1.ex_src_in.next = false;
        self.ext1.ex_src_ptr_in.next = 0.into();
        self.ext1.ex_dst_in.next = false;
        self.ext1.ex_dst_ptr_in.next = 0.into();
        self.ext1.ihl_in.next = self.l3.ihl.val();
        self.ext1.l4_word_in.next = 0.into(); // the first stage is never built as wires
        self.ext1.l4_before_in.next = 0.into();
        self.ext1.word_flags_in.next = self.l3.word_flags.val();

        self.ext2.beat_in.next = self.ext1.beat_out.val();
        self.ext2.walk_ready_in.next = self.ext1.walk_ready_out.val();
        self.ext2.walk_live_in.next = self.ext1.walk_live_out.val();
        self.ext2.walk_ptr_in.next = self.ext1.walk_ptr_out.val();
        self.ext2.walk_nh_in.next = self.ext1.walk_nh_out.val();
        self.ext2.end_in.next = self.ext1.end_out.val();
        self.ext2.bad_in.next = self.ext1.bad_out.val();
        self.ext2.fragment_in.next = self.ext1.fragment_out.val();
        self.ext2.need_in.next = self.ext1.need_out.val();
        self.ext2.ex_src_in.next = self.ext1.ex_src_out.val();
        self.ext2.ex_src_ptr_in.next = self.ext1.ex_src_ptr_out.val();
        self.ext2.ex_dst_in.next = self.ext1.ex_dst_out.val();
        self.ext2.ex_dst_ptr_in.next = self.ext1.ex_dst_ptr_out.val();
        self.ext2.ihl_in.next = self.ext1.ihl_out.val();
        self.ext2.l4_word_in.next = self.ext1.l4_word_out.val();
        self.ext2.l4_before_in.next = self.ext1.l4_before_out.val();
        // (Read only by a stage taking several steps: ext1 at 64 bits.)
        self.ext2.word_flags_in.next = 0.into();

        self.ext3.beat_in.next = self.ext2.beat_out.val();
        self.ext3.walk_ready_in.next = self.ext2.walk_ready_out.val();
        self.ext3.walk_live_in.next = self.ext2.walk_live_out.val();
        self.ext3.walk_ptr_in.next = self.ext2.walk_ptr_out.val();
        self.ext3.walk_nh_in.next = self.ext2.walk_nh_out.val();
        self.ext3.end_in.next = self.ext2.end_out.val();
        self.ext3.bad_in.next = self.ext2.bad_out.val();
        self.ext3.fragment_in.next = self.ext2.fragment_out.val();
        self.ext3.need_in.next = self.ext2.need_out.val();
        self.ext3.ex_src_in.next = self.ext2.ex_src_out.val();
        self.ext3.ex_src_ptr_in.next = self.ext2.ex_src_ptr_out.val();
        self.ext3.ex_dst_in.next = self.ext2.ex_dst_out.val();
        self.ext3.ex_dst_ptr_in.next = self.ext2.ex_dst_ptr_out.val();
        self.ext3.ihl_in.next = self.ext2.ihl_out.val();
        self.ext3.l4_word_in.next = self.ext2.l4_word_out.val();
        self.ext3.l4_before_in.next = self.ext2.l4_before_out.val();
        self.ext3.word_flags_in.next = 0.into();

        self.ext4.beat_in.next = self.ext3.beat_out.val();
        self.ext4.walk_ready_in.next = self.ext3.walk_ready_out.val();
        self.ext4.walk_live_in.next = self.ext3.walk_live_out.val();
        self.ext4.walk_ptr_in.next = self.ext3.walk_ptr_out.val();
        self.ext4.walk_nh_in.next = self.ext3.walk_nh_out.val();
        self.ext4.end_in.next = self.ext3.end_out.val();
        self.ext4.bad_in.next = self.ext3.bad_out.val();
        self.ext4.fragment_in.next = self.ext3.fragment_out.val();
        self.ext4.need_in.next = self.ext3.need_out.val();
        self.ext4.ex_src_in.next = self.ext3.ex_src_out.val();
        self.ext4.ex_src_ptr_in.next = self.ext3.ex_src_ptr_out.val();
        self.ext4.ex_dst_in.next = self.ext3.ex_dst_out.val();
        self.ext4.ex_dst_ptr_in.next = self.ext3.ex_dst_ptr_out.val();
        self.ext4.ihl_in.next = self.ext3.ihl_out.val();
        self.ext4.l4_word_in.next = self.ext3.l4_word_out.val();
        self.ext4.l4_before_in.next = self.ext3.l4_before_out.val();
        self.ext4.word_flags_in.next = 0.into();

        self.capture.beat.next = self.ext4.beat_out.val();
        self.capture.held_n.next = self.ext4.held_n_out.val();
        self.capture.walk_ready.next = self.ext4.walk_ready_out.val();
        self.capture.walk_live.next = self.ext4.walk_live_out.val();
        self.capture.walk_ptr.next = self.ext4.walk_ptr_out.val();
        self.capture.walk_nh.next = self.ext4.walk_nh_out.val();
        self.capture.datagram_end.next = self.ext4.end_out.val();
        self.capture.bad.next = self.ext4.bad_out.val();
        self.capture.fragment.next = self.ext4.fragment_out.val();
        self.capture.need.next = self.ext4.need_out.val();
        self.capture.ex_src.next = self.ext4.ex_src_out.val();
        self.capture.ex_src_ptr.next = self.ext4.ex_src_ptr_out.val();
        self.capture.ex_src_after.next = self.ext4.ex_src_after_out.val();
        self.capture.ex_dst.next = self.ext4.ex_dst_out.val();
        self.capture.ex_dst_ptr.next = self.ext4.ex_dst_ptr_out.val();
        self.capture.ex_dst_after.next = self.ext4.ex_dst_after_out.val();
        self.capture.ihl.next = self.ext4.ihl_out.val();
        self.capture.l4_word.next = self.ext4.l4_word_out.val();
        self.capture.l4_before.next = self.ext4.l4_before_out.val();

        // The frame's VPort state, read once for the job, as it is this clock: picked a
        // clock ahead from the state, which no commit changes in the clock before a
        // verdict (`pick_hold`), and the VPort as it will be. The job's key reads come
        // from the bank this state names; a commit copies into the other one.
        self.frame_state.slots.next = self.regs.active.val();
        self.frame_state.vport.next = self.vport_match.vport_next.val();
        self.probe_state.slots.next = self.regs.active.val();
        self.probe_state.vport.next = self.regs.probe_vport.val();
        self.probe_slot.d.next = self.probe_state.slot.val();
        // A probe is picked and its words streamed from the next clock on; the clock
        // its last word arrives loads its job, and the state pick before it is the
        // probe's VPort. In the default mode it is picked once the parser is empty and
        // the hash unit free, so no frame's job meets it. In tap mode the stream is not
        // held (at line rate the hash unit is never free): the probe's job waits in the
        // job register until the hash unit takes it, and a frame's verdict arriving as
        // the probe's words come in or its job waits is dropped and counted. `tap` is a
        // constant, so a default build has no hold logic.
        self.parser_idle.next = self.parsing_empty.q.val()
            & !self.ingress.frame_started.val()
            & !self.job_valid.q.val()
            & self.hasher.in_ready.val();
        self.probe_pick.next = self.regs.probe_request.val()
            & !self.probe_launched.q.val()
            & !self.probe_stream.q.val()
            & !self.probe_go.q.val()
            & self.probe_override.q.val()
            & (self.tap.val() | self.parser_idle.val());
        if self.probe_pick.val() {
            self.probe_stream.d.next = true;
        }
        if self.probe_go.q.val() {
            self.probe_stream.d.next = false;
        }
        self.regs.probe_stream.next = self.probe_stream.q.val();
        self.probe_waiting.next = self.tap.val()
            & self.job_valid.q.val()
            & self.job_tag.q.val().get_bit(53)
            & !self.hasher.in_ready.val();
        self.lost_to_probe.next = self.capture.result_valid.val()
            & (self.regs.probe_word_valid.val() | self.probe_waiting.val());
        // A probe waited last clock with the parser empty (in tap mode, whatever the
        // parser held): it may be picked. In the default mode no frame's verdict can
        // come from then on (a frame takes more than two clocks from its start to its
        // verdict, and none starts while a probe waits).
        self.probe_override.d.next = self.regs.probe_request.val()
            & !self.probe_launched.q.val()
            & !self.probe_go.q.val()
            & (self.tap.val() | self.parsing_empty.q.val());
        // The hash input of the verdict after next planned under every VPort's types and
        // registered; the next verdict's VPort's plan picked like its state, but from
        // the frame's VPort alone: a probe's job
        // ignores the plan, so the pick is off the probe override's multiplexer.
        self.plan.slots.next = self.regs.active.val();
        self.plan.ipv4.next = self.capture.next_ipv4.val();
        self.plan.ipv6.next = self.capture.next_ipv6.val();
        self.plan.tcp_ipv4.next = self.capture.next_tcp_ipv4.val();
        self.plan.udp_ipv4.next = self.capture.next_udp_ipv4.val();
        self.plan.tcp_ipv6.next = self.capture.next_tcp_ipv6.val();
        self.plan.udp_ipv6.next = self.capture.next_udp_ipv6.val();
        self.plans_q.d.next = self.plan.plans.val();
        self.plan_pick.slots.next = self.plans_q.q.val();
        self.plan_pick.vport.next = self.vport_match.vport_next.val();
        self.frame_plan.d.next = self.plan_pick.slot.val();
        self.frame_takes_home.d.next =
            self.plan_pick.slot.val().get_bit(0) & self.capture.home_found_next.val();
        self.frame_takes_route.d.next =
            self.plan_pick.slot.val().get_bit(0) & self.capture.route_found_next.val();
        self.probe_go.d.next = self.regs.probe_last_word_next.val();
        if self.probe_go.q.val() {
            self.probe_launched.d.next = true;
        }
        // The state register takes the probe's VPort state, registered, on a register
        // (the stream's, off the frame VPort's path to the state pick), for the clock
        // the probe's job is loaded: a frame's verdict then is dropped (tap mode) or
        // cannot come (default mode).
        self.frame_slot.d.next = self.frame_state.slot.val();
        if self.regs.probe_last_word_next.val() {
            self.frame_slot.d.next = self.probe_slot.q.val();
        }
        self.select.enabled.next = self.frame_slot.q.val().get_bits::<9>(8);
        self.select.ipv4.next = self.capture.ipv4.val();
        self.select.ipv6.next = self.capture.ipv6.val();
        self.select.four_tuple.next = self.capture.four_tuple.val();
        self.select.four_tuple_ex.next = self.capture.four_tuple_ex.val();
        self.select.src.next = self.capture.src.val();
        self.select.dst.next = self.capture.dst.val();
        self.select.home.next = self.capture.home.val();
        self.select.route.next = self.capture.route.val();
        self.select.take_home.next = self.frame_takes_home.q.val();
        self.select.take_route.next = self.frame_takes_route.q.val();
        self.select.ports.next = self.capture.ports.val();
        self.select.plan.next = self.frame_plan.q.val();

        // Hash. Tag: [8:0] type, [9] malformed, [10] fragment, [26:11] length,
        // [29:27] VPort, [30] enable, [31] table bank, [35:32] table size,
        // [43:36] default queue, [51:44] primary queue, [52] key bank, [53] probe,
        // [54] a frame before this one was dropped before the hash unit.
        self.tag.next = (bit_cast::<TAG_BITS, LENGTH_BITS>(self.capture.length.val()) << 11_u64)
            | bit_cast::<TAG_BITS, 9>(self.select.selected.val())
            | (bit_cast::<TAG_BITS, 3>(self.vport_match.vport.val()) << 27_u64)
            | (bit_cast::<TAG_BITS, 1>(self.frame_slot.q.val().get_bits::<1>(0)) << 30_u64)
            | (bit_cast::<TAG_BITS, 1>(self.frame_slot.q.val().get_bits::<1>(2)) << 31_u64)
            | (bit_cast::<TAG_BITS, 4>(self.frame_slot.q.val().get_bits::<4>(4)) << 32_u64)
            | (bit_cast::<TAG_BITS, 16>(self.frame_slot.q.val().get_bits::<16>(24)) << 36_u64)
            | (bit_cast::<TAG_BITS, 1>(self.frame_slot.q.val().get_bits::<1>(3)) << 52_u64);
        self.tag.next = self
            .tag
            .val()
            .replace_bit(9, self.capture.malformed.val())
            .replace_bit(10, self.capture.is_fragment.val());
        // The job is registered: the type choice and the tuple multiplexer take a clock
        // of their own, apart from the hash unit's load.
        // A probe's job: its input as given, its type if the VPort has it enabled (else
        // none, for the default queue), no flags.
        if self.probe_go.q.val() {
            self.tag.next = bit_cast::<TAG_BITS, 9>(
                self.regs.probe_type.val() & self.frame_slot.q.val().get_bits::<9>(8),
            ) | (bit_cast::<TAG_BITS, 3>(self.regs.probe_vport.val()) << 27_u64)
                | (bit_cast::<TAG_BITS, 1>(self.frame_slot.q.val().get_bits::<1>(0)) << 30_u64)
                | (bit_cast::<TAG_BITS, 1>(self.frame_slot.q.val().get_bits::<1>(2)) << 31_u64)
                | (bit_cast::<TAG_BITS, 4>(self.frame_slot.q.val().get_bits::<4>(4)) << 32_u64)
                | (bit_cast::<TAG_BITS, 16>(self.frame_slot.q.val().get_bits::<16>(24)) << 36_u64)
                | (bit_cast::<TAG_BITS, 1>(self.frame_slot.q.val().get_bits::<1>(3)) << 52_u64)
                | (bit_cast::<TAG_BITS, 1>(self.one.val().get_bits::<1>(0)) << 53_u64);
        }
        // Only in tap mode can a frame end before the hash unit is free (runts, or the
        // frames right after a probe).
        self.hash_dropped.next = self.job_valid.q.val()
            & !self.job_tag.q.val().get_bit(53)
            & !self.hasher.in_ready.val();
        self.frame_job.next = self.capture.result_valid.val() & !self.lost_to_probe.val();
        if self.frame_job.val() {
            self.tag.next = self
                .tag
                .val()
                .replace_bit(54, self.lost_upstream.q.val() | self.hash_dropped.val());
            self.lost_upstream.d.next = false;
        } else if self.hash_dropped.val() | self.lost_to_probe.val() {
            self.lost_upstream.d.next = true;
        }
        if !self.probe_waiting.val() {
            self.job_valid.d.next = self.frame_job.val() | self.probe_go.q.val();
            self.job_source.d.next = self.select.source.val();
            self.job_destination.d.next = self.select.destination.val();
            self.job_ports.d.next = self.select.port_pair.val();
            self.job_symmetric.d.next = self.frame_slot.q.val().get_bit(1);
            self.job_ipv4.d.next = self.select.layout_ipv4.val();
            self.job_ipv6.d.next = self.select.layout_ipv6.val();
            // The probe's input is the hash input itself, shifted in a word a clock
            // through the three parts as one 288-bit register (word 0 ends on top of
            // the source, word 8 in the ports); the IPv6 layout, unfolded, puts the
            // parts back where they were.
            if self.regs.probe_word_valid.val() {
                self.job_source.d.next = (self.job_source.q.val() << 32_u64)
                    | bit_cast::<128, 32>(self.job_destination.q.val().get_bits::<32>(96));
                self.job_destination.d.next = (self.job_destination.q.val() << 32_u64)
                    | bit_cast::<128, 32>(self.job_ports.q.val());
                self.job_ports.d.next = self.regs.probe_word.val();
            }
            if self.probe_go.q.val() {
                self.job_symmetric.d.next = false;
                self.job_ipv4.d.next = false;
                self.job_ipv6.d.next = true;
            }
            self.job_tag.d.next = self.tag.val();
        }
        self.hasher.in_valid.next = self.job_valid.q.val();
        self.layout.source.next = self.job_source.q.val();
        self.layout.destination.next = self.job_destination.q.val();
        self.layout.port_pair.next = self.job_ports.q.val();
        self.layout.symmetric.next = self.job_symmetric.q.val();
        self.layout.ipv4.next = self.job_ipv4.q.val();
        self.layout.ipv6.next = self.job_ipv6.q.val();
        self.hasher.in_tuple.next = self.layout.tuple.val();
        self.hasher.in_tag.next = self.job_tag.q.val();
        // Each step's key window comes from the bank of the job's own VPort that its
        // state named when it started; a commit fills the other bank first.
        KeyCopySource::join(&mut self.regs.key_copy, &mut self.keys.copy);
        self.keys.read_vport.next = self.hasher.key_read_tag.val().get_bits::<3>(27);
        self.keys.read_bank.next = self.hasher.key_read_tag.val().get_bit(52);
        self.keys.read_step.next = self.hasher.key_read_step.val();
        self.hasher.key_window.next = self.keys.window.val();
        // A registered job has its key bank and will read it: hold it as well.
        self.regs.commit_hold.next = self.hasher.key_hold.val() | self.job_valid.q.val();
        // No commit in the clock before a verdict (the state pick) nor the one before
        // that (the plans).
        self.regs.pick_hold.next = self.capture.result_near.val();
        self.regs.pick_hold_next.next = self.capture.result_near_next.val();
        self.regs.record_drops.next = self.drops.q.val();

        // Steer: the table read lands one clock after the hash, the record a clock later.
        self.table_address.bank.next = self.hasher.out_tag.val().get_bit(31);
        self.table_address.vport.next = self.hasher.out_tag.val().get_bits::<3>(27);
        self.table_address.hash.next = self.hasher.out_hash.val();
        self.table_address.size_log2.next = self.hasher.out_tag.val().get_bits::<4>(32);
        self.indirection.read_address.next = self.table_address.address.val();
        self.r_valid.d.next = self.hasher.out_valid.val();
        self.r_hash.d.next = self.hasher.out_hash.val();
        self.r_tag.d.next = self.hasher.out_tag.val();
        self.rec_hash.d.next = self.r_hash.q.val();
        self.rec_tag.d.next = self.r_tag.q.val();
        self.table_tag.next = self.r_tag.q.val();
        self.record_tag.next = self.rec_tag.q.val();
        self.record_word.next = self.rec_hash.q.val();
        if self.results_held.val() {
            self.table_tag.next = self.hasher.out_tag.val();
            self.record_tag.next = self.hasher.out_tag.val();
            self.record_word.next = self.hasher.out_hash.val();
        }
        // RSS disabled: the primary queue, no type; enabled but unhashable: the
        // default queue; hashed: the table's entry.
        self.rec_type.d.next = 0.into();
        self.rec_fixed_queue.d.next = self.table_tag.val().get_bits::<QUEUE_BITS>(44);
        if self.table_tag.val().get_bit(30) {
            self.rec_type.d.next = self.table_tag.val().get_bits::<9>(0);
            self.rec_fixed_queue.d.next = self.table_tag.val().get_bits::<QUEUE_BITS>(36);
        }
        self.rec_hashed.d.next = self.rec_type.d.val().any();
        self.record_type.next = self.rec_type.q.val();
        self.record_queue.next = self.rec_fixed_queue.q.val();
        self.record_hash.next = 0.into();
        if self.rec_hashed.q.val() {
            self.record_queue.next = self.indirection.read_data.val();
            self.record_hash.next = self.record_word.val();
        }
        self.record_flags.next = bit_cast::<3, 2>(self.record_tag.val().get_bits::<2>(9));
        self.record_flags.next = self
            .record_flags
            .val()
            .replace_bit(2, self.lost.q.val() | self.record_tag.val().get_bit(54));
        // A probe's result goes to the registers, a frame's record to the FIFO.
        self.rec_probe.d.next = self.r_valid.q.val() & self.table_tag.val().get_bit(53);
        self.rec_push.d.next = self.r_valid.q.val() & !self.table_tag.val().get_bit(53);
        self.probe_result.next = self.rec_probe.q.val();
        self.record_valid.next = self.rec_push.q.val();
        self.regs.probe_done.next = self.probe_result.val();
        self.regs.probe_done_hash.next = self.record_word.val();
        self.regs.probe_done_queue.next = self.record_queue.val();
        self.regs.probe_done_hashed.next = self.rec_hashed.q.val();
        if self.probe_result.val() {
            self.probe_launched.d.next = false;
        }
        self.fifo.push.next = self.record_valid.val();
        self.fifo.push_data.next =
            (bit_cast::<RECORD_BITS, 3>(self.record_tag.val().get_bits::<3>(27)) << 68_u64)
                | (bit_cast::<RECORD_BITS, 32>(self.record_hash.val()) << 36_u64)
                | (bit_cast::<RECORD_BITS, 9>(self.record_type.val()) << 27_u64)
                | (bit_cast::<RECORD_BITS, QUEUE_BITS>(self.record_queue.val()) << 19_u64)
                | (bit_cast::<RECORD_BITS, 3>(self.record_flags.val()) << 16_u64)
                | bit_cast::<RECORD_BITS, LENGTH_BITS>(
                    self.record_tag.val().get_bits::<LENGTH_BITS>(11),
                );
        self.pushed.next = self.record_valid.val() & !self.fifo.full.val();
        self.dropped.next =
            bit_cast::<2, 1>((self.record_valid.val() & self.fifo.full.val()).into())
                + bit_cast::<2, 1>(self.hash_dropped.val().into())
                + bit_cast::<2, 1>(self.lost_to_probe.val().into());
        // The default mode drops nothing (the credits, and the probe waiting for an
        // empty parser): say so, and the drop counter and its adders are gone.
        if !self.tap.val() {
            self.dropped.next = 0.into();
        }
        if self.pushed.val() {
            self.lost.d.next = false;
        }
        if self.record_valid.val() & self.fifo.full.val() {
            self.lost.d.next = true;
        }
        if self.dropped.val().any() {
            self.drops.d.next =
                self.drops.q.val() + bit_cast::<DROP_COUNT_BITS, 2>(self.dropped.val());
        }

        // Credits: a frame may start while the frames started and not yet gone (taken
        // from the FIFO or dropped) stay below its depth. One register counts them, so
        // the start decision is an adder and a compare, not the FIFO's pointer
        // difference plus the frames in flight, and it is made a clock ahead into
        // `room_same_q` / `room_started_q`. A record gone is counted out a clock
        // after it went (a frame's credit comes back a clock late, which only errs on
        // the safe side), so the consumer's `tready` ends in a register.
        self.leaving.next =
            bit_cast::<3, 1>((self.fifo.out_valid.val() & self.m_axis_rss_tready.val()).into())
                + bit_cast::<3, 2>(self.dropped.val());
        self.leaving_q.d.next = self.leaving.val();
        self.held_same.next =
            self.outstanding.q.val() - bit_cast::<FIFO_COUNT_BITS, 3>(self.leaving_q.q.val());
        self.held_started.next = self.outstanding.q.val() + self.start_step_q.q.val();
        self.start_step_q.d.next = bit_cast::<FIFO_COUNT_BITS, 16>(self.one.val())
            - bit_cast::<FIFO_COUNT_BITS, 3>(self.leaving.val());
        // Frames counted into the parser at their start and out at their verdict.
        self.parsing_up.next = self.parsing.q.val() + 1_u64.to_bits();
        self.parsing_down.next = self.parsing.q.val() - 1_u64.to_bits();
        // No frame starts while a probe waits (the parser drains for it).
        self.held.next = self.held_same.val();
        if self.capture.result_valid.val() {
            self.parsing.d.next = self.parsing_down.val();
        }
        // Next clock's `outstanding - started_q - leaving_q + k < depth` is `outstanding
        // - leaving_q - leaving + k < depth`, that is `outstanding < depth - k +
        // leaving_q + leaving`: compared on the register alone against each bound
        // (`leaving` and `leaving_q` are at most 1 + 3 each), then chosen by the records
        // leaving. (The ingress adds `!in_frame`; the start and the probe's hold choose
        // among the bits next clock.)
        self.below.next = 0.into();
        if bit_cast::<16, FIFO_COUNT_BITS>(self.outstanding.q.val())
            < self.fifo_depth_less_two.val()
        {
            self.below.next = self.below.val().replace_bit(0, true);
        }
        for j in 0..10 {
            if bit_cast::<16, FIFO_COUNT_BITS>(self.outstanding.q.val())
                < self.fifo_depth_less_one.val() + j.to_bits()
            {
                self.below.next = self.below.val().replace_bit(j + 1, true);
            }
        }
        self.leaving_both.next =
            bit_cast::<4, 3>(self.leaving_q.q.val()) + bit_cast::<4, 3>(self.leaving.val());
        self.room_q.d.next = 0.into();
        for l in 0..9 {
            if self.leaving_both.val() == l.to_bits() {
                self.room_q.d.next = self.below.val().get_bits::<3>(l);
            }
        }
        self.started_q.d.next = self.ingress.frame_started.val();
        // Zero next clock: no start, and the count is 0 with no verdict or 1 with one.
        self.parsing_empty.d.next = !self.ingress.frame_started.val()
            & (((self.parsing.q.val() == 0_u64) & !self.capture.result_valid.val())
                | ((self.parsing.q.val() == 1_u64) & self.capture.result_valid.val()));
        if self.ingress.frame_started.val() {
            self.held.next = self.held_started.val();
            self.parsing.d.next = self.parsing_up.val();
            if self.capture.result_valid.val() {
                self.parsing.d.next = self.parsing.q.val();
            }
        }
        self.outstanding.d.next = self.held.val();
        if self.rst.val() {
            self.outstanding.d.next = 0.into();
            self.leaving_q.d.next = 0.into();
            self.parsing.d.next = 0.into();
            self.parsing_empty.d.next = true;
            // Empty after the reset: room for a frame (no frame starts in the next
            // clock, so the bits for one starting are not read).
            self.room_q.d.next = 7.into();
            self.started_q.d.next = false;
            self.start_step_q.d.next = 1.into();
            self.probe_stream.d.next = false;
            self.probe_go.d.next = false;
            self.probe_launched.d.next = false;
            self.probe_override.d.next = false;
            self.lost.d.next = false;
            self.lost_upstream.d.next = false;
            self.drops.d.next = 0.into();
            self.job_valid.d.next = false;
            self.r_valid.d.next = false;
            self.rec_push.d.next = false;
            self.rec_probe.d.next = false;
        }

        self.fifo.capacity.next = self.fifo_depth.val();
        self.fifo.out_ready.next = self.m_axis_rss_tready.val();
        self.m_axis_rss_tvalid.next = self.fifo.out_valid.val();
        self.m_axis_rss_hash.next = self.fifo.out_data.val().get_bits::<32>(36);
        self.m_axis_rss_hash_type.next = self.fifo.out_data.val().get_bits::<9>(27);
        self.m_axis_rss_queue.next = self.fifo.out_data.val().get_bits::<QUEUE_BITS>(19);
        self.m_axis_rss_flags.next = self.fifo.out_data.val().get_bits::<3>(16);
        self.m_axis_rss_length.next = self.fifo.out_data.val().get_bits::<LENGTH_BITS>(0);
        self.m_axis_rss_vport.next = self.fifo.out_data.val().get_bits::<3>(68);
        // Statistics count what is delivered.
        self.regs.record_counted.next = self.fifo.out_valid.val() & self.m_axis_rss_tready.val();
        self.regs.record_vport.next = self.fifo.out_data.val().get_bits::<3>(68);
        self.regs.record_hash_type.next = self.fifo.out_data.val().get_bits::<9>(27);
        self.regs.record_malformed.next = self.fifo.out_data.val().get_bit(16);
    }
}
