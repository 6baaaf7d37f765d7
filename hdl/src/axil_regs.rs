//! AXI4-Lite slave holding the register map: scalar registers ([`CsrRw`], [`CsrRo`]
//! built from `rss_model::regmap`) and the staged key (`KEY`, plus `KEY_EXT` in a
//! 52-byte-key build), which together are the staging set; the VPorts' active state, the MAC filters, `COMMIT` and `MOVE` ([`VportRegs`]);
//! the write port of the table pool plus a readback copy of it; and the hash probe
//! ([`ProbeRegs`]).
//!
//! A write is taken into registers once `awvalid` and `wvalid` are both high
//! ([`AxilWriteSlot`]) and performed five clocks after its handshake, or four after a
//! commit, a probe or the table cooldown lets it; decisions that need more than the
//! performing clock (the write's fault, a move's verdict) are registered in the four
//! clocks between. The next write is taken once its response is. Reads take five clocks
//! (address, block RAM read, its word registered, the read multiplexer's two registered
//! halves, data): a block RAM answers late in the clock unless its word goes straight
//! into a register (ECP5's output register), so nothing else is done with it in the
//! clock it arrives. Any fault answers SLVERR and changes
//! nothing: unmapped address, read-only register, illegal value.

use rss_model::regmap::{Access, KEY_EXT_WORDS, Register, RegisterMap, counter, field, index};
use rust_hdl::prelude::*;

use crate::axil_write_slot::AxilWriteSlot;
use crate::byte_words::ByteWords;
use crate::csr::{WORD_ADDR_BITS, expect_access, outside_check, single_field, word};
use crate::csr_ro::CsrRo;
use crate::csr_rw::CsrRw;
use crate::event_counters::{EventCounters, INDEX_BITS as COUNTER_INDEX_BITS};
use crate::key_store::KeyCopySource;
use crate::probe_regs::ProbeRegs;
use crate::readback_ram::ReadbackRam;
use crate::toeplitz_pipe::{KEY_BITS, TUPLE_BITS};
use crate::vport_regs::{ACTIVE_BITS, FILTERS_BITS, POOL_ADDRESS_BITS, SLOT_BITS, VportRegs, slot};
use crate::word_decode::{DECODE_BITS, WordDecode};

/// Width of a queue index in the RTL (the map may use fewer bits; see `CAPS.QUEUE_BITS`).
pub const QUEUE_BITS: usize = rss_model::record::QUEUE_FIELD_BITS as usize;
/// Bits of `KEY_EXT`: key bytes 40..52 of a 52-byte-key build.
const KEY_EXT_BITS: usize = 96;
/// AXI response code for a slave error.
const RESP_SLVERR: u64 = 2;

/// Register block of one build (`RegisterMap::params`).
#[derive(LogicBlock)]
pub struct AxilRegs {
    /// Clock of the bus and of everything it configures.
    pub clock: Signal<In, Clock>,
    /// Synchronous reset: registers and key to reset values (the table is kept).
    pub reset: Signal<In, Bit>,
    /// Write address (byte address; bits 1:0 ignored).
    pub s_axil_awaddr: Signal<In, Bits<13>>,
    /// Write address valid.
    pub s_axil_awvalid: Signal<In, Bit>,
    /// Write address ready (with `wready`, once both channels are valid).
    pub s_axil_awready: Signal<Out, Bit>,
    /// Write data.
    pub s_axil_wdata: Signal<In, Bits<32>>,
    /// Write byte strobes.
    pub s_axil_wstrb: Signal<In, Bits<4>>,
    /// Write data valid.
    pub s_axil_wvalid: Signal<In, Bit>,
    /// Write data ready.
    pub s_axil_wready: Signal<Out, Bit>,
    /// Write response: OKAY (0) or SLVERR (2).
    pub s_axil_bresp: Signal<Out, Bits<2>>,
    /// Write response valid.
    pub s_axil_bvalid: Signal<Out, Bit>,
    /// Write response ready.
    pub s_axil_bready: Signal<In, Bit>,
    /// Read address (byte address; bits 1:0 ignored).
    pub s_axil_araddr: Signal<In, Bits<13>>,
    /// Read address valid.
    pub s_axil_arvalid: Signal<In, Bit>,
    /// Read address ready.
    pub s_axil_arready: Signal<Out, Bit>,
    /// Read data.
    pub s_axil_rdata: Signal<Out, Bits<32>>,
    /// Read response: OKAY (0) or SLVERR (2).
    pub s_axil_rresp: Signal<Out, Bits<2>>,
    /// Read data valid.
    pub s_axil_rvalid: Signal<Out, Bit>,
    /// Read data ready.
    pub s_axil_rready: Signal<In, Bit>,
    /// Every VPort's active state ([`slot`] layout, VPort v in slot v).
    pub active: Signal<Out, Bits<ACTIVE_BITS>>,
    /// `active` as it will be next clock (see `VportRegs::active_next`).
    pub active_next: Signal<Out, Bits<ACTIVE_BITS>>,
    /// The key store's copy of the staged key (`KEY`), which lives in the read-back RAM
    /// alone: the bus's reads are held off while a copy may fetch
    /// (`ByteWords::fetch`, three clocks); see `VportRegs::key_copy` for the start.
    pub key_copy: KeyCopySource,
    /// The MAC filter entries.
    pub filters: Signal<Out, Bits<FILTERS_BITS>>,
    /// Do not start a key copy: the datapath is between two reads of a key bank, which
    /// a copy might overwrite.
    pub commit_hold: Signal<In, Bit>,
    /// Apply no commit this clock: the datapath picks a frame's VPort state (or plans
    /// its hash input) from `active` for the next clock.
    pub pick_hold: Signal<In, Bit>,
    /// `pick_hold`'s next value (see `VportRegs::pick_hold_next`).
    pub pick_hold_next: Signal<In, Bit>,
    /// The datapath's count of dropped records (`RECORD_DROPS`).
    pub record_drops: Signal<In, Bits<32>>,
    /// A record is delivered this clock: it counts in `COUNTERS` (see [`EventCounters`]).
    pub record_counted: Signal<In, Bit>,
    /// The delivered record's VPort.
    pub record_vport: Signal<In, Bits<3>>,
    /// The delivered record's hash type (one-hot, 0 for none).
    pub record_hash_type: Signal<In, Bits<9>>,
    /// The delivered record is flagged malformed.
    pub record_malformed: Signal<In, Bit>,
    /// Indirection table write enable.
    pub table_write_enable: Signal<Out, Bit>,
    /// A hash probe waits for the datapath (see [`ProbeRegs`]).
    pub probe_request: Signal<Out, Bit>,
    /// The probe's hash input, cut to its type's length (the tuple core's: read whole,
    /// from 288 flip-flops that a core reading `probe_word` instead leaves to synthesis
    /// to remove).
    pub probe_input: Signal<Out, Bits<TUPLE_BITS>>,
    /// The datapath takes the probe's input as words now (`ProbeRegs::stream`); bus
    /// reads are held off meanwhile, as for a key copy.
    pub probe_stream: Signal<In, Bit>,
    /// A probe input word, cut to the type's length (`ProbeRegs::word`).
    pub probe_word: Signal<Out, Bits<32>>,
    /// `probe_word` is one of the nine streamed words, word 0 first, in a row.
    pub probe_word_valid: Signal<Out, Bit>,
    /// The last probe word comes next clock (a register).
    pub probe_last_word_next: Signal<Out, Bit>,
    /// The probe's hash type, one-hot.
    pub probe_type: Signal<Out, Bits<9>>,
    /// The probe's VPort.
    pub probe_vport: Signal<Out, Bits<3>>,
    /// The datapath's probe result is here (one clock); the `PROBE` write answers.
    pub probe_done: Signal<In, Bit>,
    /// The probe's hash.
    pub probe_done_hash: Signal<In, Bits<32>>,
    /// The probe's queue.
    pub probe_done_queue: Signal<In, Bits<QUEUE_BITS>>,
    /// The probe's VPort hashes its type.
    pub probe_done_hashed: Signal<In, Bit>,
    /// Table pool write address: bank, then `TABLE` element.
    pub table_write_index: Signal<Out, Bits<POOL_ADDRESS_BITS>>,
    /// Indirection table write data (queue).
    pub table_write_queue: Signal<Out, Bits<QUEUE_BITS>>,
    ctrl: CsrRw,
    queue_limit: CsrRw,
    table_read: CsrRw,
    vport_caps: CsrRo,
    vports: VportRegs,
    probe: ProbeRegs,
    cooldown: DFF<Bits<5>>,
    table_log2: Constant<Bits<4>>,
    write_vport: Signal<Local, Bits<3>>,
    write_element_vport: Signal<Local, Bits<WORD_ADDR_BITS>>,
    read_element_vport: Signal<Local, Bits<WORD_ADDR_BITS>>,
    read_vport: Signal<Local, Bits<3>>,
    /// Per VPort, the bank a `TABLE` read of its elements sees (`TABLE_READ.ACTIVE`
    /// applied), registered: the read's bank is a choice between flip-flops.
    read_banks_q: DFF<Bits<{ crate::vport_regs::VPORTS }>>,
    /// Each VPort's active bank.
    active_banks: Signal<Local, Bits<{ crate::vport_regs::VPORTS }>>,
    /// `active_banks` shifted down to the written and the read element's VPort.
    write_banks: Signal<Local, Bits<{ crate::vport_regs::VPORTS }>>,
    read_banks: Signal<Local, Bits<{ crate::vport_regs::VPORTS }>>,
    write_bank: Signal<Local, Bit>,
    hash_types_reg: CsrRw,
    table_size: CsrRw,
    default_queue_reg: CsrRw,
    primary_queue_reg: CsrRw,
    id: CsrRo,
    version: CsrRo,
    caps: CsrRo,
    queue_caps: CsrRo,
    hash_caps: CsrRo,
    status: CsrRo,
    record_drops_reg: CsrRo,
    refused_reg: CsrRo,
    /// `REFUSED.WRITES` and `REFUSED.MOVES`.
    refused_writes: DFF<Bits<16>>,
    refused_moves: DFF<Bits<16>>,
    counters: EventCounters,
    /// The delivered record's class (`rss_model::regmap::counter`).
    record_class: Signal<Local, Bits<4>>,
    /// The record delivered last clock: its VPort, hash type and malformed flag.
    counted: DFF<Bit>,
    counted_vport: DFF<Bits<3>>,
    counted_type: DFF<Bits<9>>,
    counted_malformed: DFF<Bit>,
    table_readback: ReadbackRam<Bits<QUEUE_BITS>, POOL_ADDRESS_BITS>,
    slverr: Constant<Bits<2>>,
    id_value: Constant<Bits<32>>,
    version_value: Constant<Bits<32>>,
    caps_value: Constant<Bits<32>>,
    queue_caps_value: Constant<Bits<32>>,
    hash_caps_value: Constant<Bits<32>>,
    vport_caps_value: Constant<Bits<32>>,
    table_base: Constant<Bits<WORD_ADDR_BITS>>,
    table_entries: Constant<Bits<WORD_ADDR_BITS>>,
    queue_writable: Constant<Bits<32>>,
    /// The check for bits outside `TABLE`'s queue field, by nibble flags and bits.
    queue_outside_nibbles: Constant<Bits<8>>,
    queue_outside_bits: Constant<Bits<32>>,
    queue_max: Constant<Bits<32>>,
    /// The staged key (`KEY`).
    key_staged: ByteWords<KEY_BITS>,
    /// The staged key bytes 40..52 (`KEY_EXT`; absent in a 40-byte build). They never
    /// reach a hash (no input is longer than 36 bytes), so only the bus sees them: the
    /// key store keeps 40 bytes.
    key_ext: ByteWords<KEY_EXT_BITS>,
    key_generation: DFF<Bits<16>>,
    /// A parameter commit was applied last clock: the generation counts it now, so
    /// its adder does not sit behind the commit decision (a software read of `STATUS`
    /// comes clocks after the commit's response).
    key_bump_q: DFF<Bit>,
    /// A commit was applied last clock: its write response is due (a clock after the
    /// apply, so the apply's decision, behind the hash unit's hold, ends at a
    /// flip-flop rather than at `bvalid`).
    commit_answer_q: DFF<Bit>,
    bvalid: DFF<Bit>,
    bresp: DFF<Bits<2>>,
    read_state: DFF<Bits<3>>,
    /// A read is under way (`read_state` is not 0), as a flip-flop of its own: the read
    /// channel's ready and every read-address load follow it with no compare, and the
    /// handshake drives nothing but the state (stop 51: `arvalid & state == 0`, loading
    /// every block's read index, was placed in the middle of the die, and the state's
    /// own update behind it made the 64-bit core's slowest path at one seed in
    /// seventeen, 137 MHz).
    read_busy: DFF<Bit>,
    /// A commit's key copy is wanted or under way: no read is taken (the copy fetches the
    /// staged key through the read-back RAM a bus read would use).
    read_block: DFF<Bit>,
    read_address: DFF<Bits<WORD_ADDR_BITS>>,
    /// `read_address` predecoded, taken with it: the registers' read decodes are one
    /// LUT each.
    read_decode_q: DFF<Bits<DECODE_BITS>>,
    request_decode: WordDecode,
    rdata: DFF<Bits<32>>,
    table_word: DFF<Bits<QUEUE_BITS>>,
    rresp: DFF<Bits<2>>,
    /// The bus's write, registered: performed from here.
    write_slot: AxilWriteSlot,
    write_address: Signal<Local, Bits<WORD_ADDR_BITS>>,
    write_data: Signal<Local, Bits<32>>,
    write_strobes: Signal<Local, Bits<4>>,
    write_mask: Signal<Local, Bits<32>>,
    write_fire: Signal<Local, Bit>,
    write_fault: Signal<Local, Bit>,
    /// Each fault source's verdict on the held write, and its hit, a clock ago.
    write_faults: Signal<Local, Bits<11>>,
    write_faults_q: DFF<Bits<11>>,
    write_hit_q: DFF<Bit>,
    /// The decodes the read-only registers form from the held address without a
    /// register of their own, registered in the first clock like every other block's:
    /// the hits of `VPORT_CAPS` and `REFUSED` (writes to those fault).
    vport_caps_hit_q: DFF<Bit>,
    refused_hit_q: DFF<Bit>,
    /// The `TABLE` window's hit and its value check, registered apart from the other
    /// blocks' (its offset subtraction and bound compare are carry chains; they do not
    /// also feed the 13-way hit OR in the same clock).
    table_hit_q: DFF<Bit>,
    table_fault_q: DFF<Bit>,
    /// Unmapped or refused by a block, a clock after `write_faults_q`.
    write_faults_any_q: DFF<Bit>,
    /// `write_fault` a clock ago: the held write's verdict, for the response and
    /// `REFUSED` (its inputs do not change while the write waits unblocked).
    write_fault_q: DFF<Bit>,
    write_hit: Signal<Local, Bit>,
    table_write_hit: Signal<Local, Bit>,
    /// The held write's `TABLE` decode a clock ahead (its address and data, and the
    /// VPorts' banks, do not change while it waits): the address and strobe would store
    /// (the value check is `table_fault_q`), and where.
    table_store_q: DFF<Bit>,
    table_index_q: DFF<Bits<POOL_ADDRESS_BITS>>,
    table_read_hit: Signal<Local, Bit>,
    /// The held read address is a `TABLE` element, registered.
    table_read_hit_q: DFF<Bit>,
    table_write_offset: Signal<Local, Bits<WORD_ADDR_BITS>>,
    table_fault: Signal<Local, Bit>,
    read_bus: Signal<Local, Bits<32>>,
    /// The scalar registers' part of the read multiplexer, and `read_hit`, registered
    /// (see the read channel).
    read_scalars_q: DFF<Bits<32>>,
    /// The VPort and probe blocks' read words, registered apart: the VPort block's is
    /// already an AND-OR two LUT levels deep, so it takes no OR with another block
    /// before its register.
    read_vports_q: DFF<Bits<32>>,
    read_probe_q: DFF<Bits<32>>,
    read_hit_q: DFF<Bit>,
    read_hit: Signal<Local, Bit>,
    read_fire: Signal<Local, Bit>,
    read_request: Signal<Local, Bits<WORD_ADDR_BITS>>,
    /// The held read address as a `TABLE` element.
    read_offset: Signal<Local, Bits<WORD_ADDR_BITS>>,
}

fn constant(value: u32) -> Constant<Bits<32>> {
    Constant::new(u64::from(value).to_bits())
}

fn word_constant(value: u64) -> Constant<Bits<WORD_ADDR_BITS>> {
    Constant::new(value.to_bits())
}

fn array_register(map: &RegisterMap, i: usize) -> &Register {
    let reg = map.register(i);
    expect_access(reg, Access::ReadWrite);
    reg
}

impl AxilRegs {
    /// Builds the block for `map`.
    pub fn new(map: &RegisterMap) -> Self {
        assert!(
            usize::from(map.params.queue_bits()) <= QUEUE_BITS,
            "queue bits"
        );
        let key = array_register(map, index::KEY);
        let table = array_register(map, index::TABLE);
        let (queue_writable, queue_max) = single_field(table);
        let queue_outside = outside_check(queue_writable);
        assert_eq!(field::CTRL_ENABLE.lsb as usize, slot::ENABLE, "CTRL layout");
        assert_eq!(
            field::CTRL_SYMMETRIC.lsb as usize,
            slot::SYMMETRIC,
            "CTRL layout"
        );
        assert_eq!(key.count as usize * 32, KEY_BITS, "key size");
        let key_ext = map.register(index::KEY_EXT);
        assert_eq!(key_ext.count, KEY_EXT_WORDS);
        assert_eq!(
            key_ext.count as usize * 32,
            KEY_EXT_BITS,
            "key extension size"
        );
        assert_eq!(
            (counter::PER_VPORT, counter::UNHASHED, counter::MALFORMED),
            (16, 9, 10),
            "record classes as the RTL encodes them"
        );
        let ro_value = |i: usize| constant(map.register(i).reset);
        AxilRegs {
            clock: Default::default(),
            reset: Default::default(),
            s_axil_awaddr: Default::default(),
            s_axil_awvalid: Default::default(),
            commit_hold: Default::default(),
            pick_hold: Default::default(),
            pick_hold_next: Default::default(),
            record_drops: Default::default(),
            record_counted: Default::default(),
            record_vport: Default::default(),
            record_hash_type: Default::default(),
            record_malformed: Default::default(),
            record_class: Default::default(),
            counted: Default::default(),
            counted_vport: Default::default(),
            counted_type: Default::default(),
            counted_malformed: Default::default(),
            probe_request: Default::default(),
            probe_input: Default::default(),
            probe_stream: Default::default(),
            probe_word: Default::default(),
            probe_word_valid: Default::default(),
            probe_last_word_next: Default::default(),
            probe_type: Default::default(),
            probe_vport: Default::default(),
            probe_done: Default::default(),
            probe_done_hash: Default::default(),
            probe_done_queue: Default::default(),
            probe_done_hashed: Default::default(),
            s_axil_awready: Default::default(),
            s_axil_wdata: Default::default(),
            s_axil_wstrb: Default::default(),
            s_axil_wvalid: Default::default(),
            s_axil_wready: Default::default(),
            s_axil_bresp: Default::default(),
            s_axil_bvalid: Default::default(),
            s_axil_bready: Default::default(),
            s_axil_araddr: Default::default(),
            s_axil_arvalid: Default::default(),
            s_axil_arready: Default::default(),
            s_axil_rdata: Default::default(),
            s_axil_rresp: Default::default(),
            s_axil_rvalid: Default::default(),
            s_axil_rready: Default::default(),
            active: Default::default(),
            active_next: Default::default(),
            key_copy: Default::default(),
            filters: Default::default(),
            table_write_enable: Default::default(),
            table_write_index: Default::default(),
            table_write_queue: Default::default(),
            ctrl: CsrRw::new(map.register(index::CTRL)),
            queue_limit: CsrRw::new(map.register(index::QUEUE_LIMIT)),
            table_read: CsrRw::new(map.register(index::TABLE_READ)),
            vport_caps: CsrRo::new(map.register(index::VPORT_CAPS)),
            vports: VportRegs::new(map),
            probe: ProbeRegs::new(map),
            cooldown: Default::default(),
            table_log2: Constant::new(u64::from(map.params.table_entries_log2).to_bits()),
            write_vport: Default::default(),
            write_element_vport: Default::default(),
            read_element_vport: Default::default(),
            read_vport: Default::default(),
            active_banks: Default::default(),
            write_banks: Default::default(),
            read_banks: Default::default(),
            write_bank: Default::default(),
            read_banks_q: Default::default(),
            hash_types_reg: CsrRw::new(map.register(index::HASH_TYPES)),
            table_size: CsrRw::new(map.register(index::TABLE_SIZE)),
            default_queue_reg: CsrRw::new(map.register(index::DEFAULT_QUEUE)),
            primary_queue_reg: CsrRw::new(map.register(index::PRIMARY_QUEUE)),
            id: CsrRo::new(map.register(index::ID)),
            version: CsrRo::new(map.register(index::VERSION)),
            caps: CsrRo::new(map.register(index::CAPS)),
            queue_caps: CsrRo::new(map.register(index::QUEUE_CAPS)),
            hash_caps: CsrRo::new(map.register(index::HASH_CAPS)),
            status: CsrRo::new(map.register(index::STATUS)),
            record_drops_reg: CsrRo::new(map.register(index::RECORD_DROPS)),
            refused_reg: CsrRo::new(map.register(index::REFUSED)),
            refused_writes: Default::default(),
            refused_moves: Default::default(),
            counters: EventCounters::new(map.register(index::COUNTERS)),
            // Zero after configuration, like the model; rst does not clear block RAM.
            table_readback: Default::default(),
            slverr: Constant::new(RESP_SLVERR.to_bits()),
            id_value: ro_value(index::ID),
            version_value: ro_value(index::VERSION),
            caps_value: ro_value(index::CAPS),
            queue_caps_value: ro_value(index::QUEUE_CAPS),
            hash_caps_value: ro_value(index::HASH_CAPS),
            vport_caps_value: ro_value(index::VPORT_CAPS),
            table_base: word_constant(word(table.offset)),
            table_entries: word_constant(u64::from(table.count)),
            queue_writable: Constant::new(queue_writable.to_bits()),
            queue_outside_nibbles: queue_outside.0,
            queue_outside_bits: queue_outside.1,
            queue_max: Constant::new(queue_max.to_bits()),
            key_staged: ByteWords::new(word(key.offset), true),
            key_ext: ByteWords::new(word(key_ext.offset), map.has(index::KEY_EXT)),
            key_generation: Default::default(),
            key_bump_q: Default::default(),
            commit_answer_q: Default::default(),
            bvalid: Default::default(),
            bresp: Default::default(),
            read_state: Default::default(),
            read_busy: Default::default(),
            read_block: Default::default(),
            read_address: Default::default(),
            read_decode_q: Default::default(),
            request_decode: Default::default(),
            rdata: Default::default(),
            table_word: Default::default(),
            rresp: Default::default(),
            write_slot: Default::default(),
            write_address: Default::default(),
            write_data: Default::default(),
            write_strobes: Default::default(),
            write_mask: Default::default(),
            write_fire: Default::default(),
            write_fault: Default::default(),
            write_faults: Default::default(),
            write_faults_q: Default::default(),
            write_hit_q: Default::default(),
            vport_caps_hit_q: Default::default(),
            refused_hit_q: Default::default(),
            table_hit_q: Default::default(),
            table_fault_q: Default::default(),
            write_faults_any_q: Default::default(),
            write_fault_q: Default::default(),
            write_hit: Default::default(),
            table_write_hit: Default::default(),
            table_store_q: Default::default(),
            table_index_q: Default::default(),
            table_read_hit: Default::default(),
            table_read_hit_q: Default::default(),
            table_write_offset: Default::default(),
            table_fault: Default::default(),
            read_bus: Default::default(),
            read_scalars_q: Default::default(),
            read_vports_q: Default::default(),
            read_probe_q: Default::default(),
            read_hit_q: Default::default(),
            read_hit: Default::default(),
            read_fire: Default::default(),
            read_request: Default::default(),
            read_offset: Default::default(),
        }
    }

    /// The same for a datapath whose records leave at least `clocks` clocks apart (the
    /// statistics counters then need fewer forwards; see `EventCounters::events_apart`).
    pub fn records_apart(mut self, clocks: u64) -> Self {
        self.counters = self.counters.events_apart(clocks);
        self
    }
}

impl Logic for AxilRegs {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self,
            clock,
            key_generation,
            key_bump_q,
            commit_answer_q,
            cooldown,
            bvalid,
            bresp,
            read_state,
            read_busy,
            read_block,
            read_address,
            read_decode_q,
            rdata,
            table_word,
            rresp,
            refused_writes,
            refused_moves,
            write_fault_q,
            write_faults_q,
            write_hit_q,
            vport_caps_hit_q,
            refused_hit_q,
            table_hit_q,
            table_fault_q,
            write_faults_any_q,
            table_store_q,
            table_index_q,
            counted,
            counted_vport,
            counted_type,
            counted_malformed,
            read_scalars_q,
            read_vports_q,
            read_probe_q,
            read_hit_q,
            table_read_hit_q,
            read_banks_q
        );
        clock!(
            self,
            clock,
            ctrl,
            queue_limit,
            table_read,
            vports,
            probe,
            counters,
            hash_types_reg,
            table_size,
            default_queue_reg,
            primary_queue_reg,
            vport_caps,
            id,
            version,
            caps,
            queue_caps,
            hash_caps,
            status,
            record_drops_reg,
            refused_reg,
            write_slot
        );
        self.table_readback.clock.next = self.clock.val();

        // Write channel: the write is taken into the slot, and performed from it once
        // nothing holds it back.
        self.write_slot.reset.next = self.reset.val();
        self.write_slot.awaddr.next = self.s_axil_awaddr.val();
        self.write_slot.awvalid.next = self.s_axil_awvalid.val();
        self.write_slot.wdata.next = self.s_axil_wdata.val();
        self.write_slot.wstrb.next = self.s_axil_wstrb.val();
        self.write_slot.wvalid.next = self.s_axil_wvalid.val();
        self.write_slot.response_taken.next = self.bvalid.q.val() & self.s_axil_bready.val();
        self.s_axil_awready.next = self.write_slot.awready.val();
        self.s_axil_wready.next = self.write_slot.wready.val();
        self.write_address.next = self.write_slot.address.val();
        self.write_data.next = self.write_slot.data.val();
        self.write_strobes.next = self.write_slot.strobes.val();
        self.write_mask.next = 0.into();
        for b in 0..4 {
            if self.write_strobes.val().get_bit(b) {
                self.write_mask.next = self.write_mask.val() | (0xff_u64 << (8 * b));
            }
        }
        // After a table commit, writes wait until every frame that may still read the
        // old active table (now the shadow) has read it.
        self.write_slot.unblocked.next = !self.vports.commit_pending.val()
            & !self.probe.request.val()
            & !self.cooldown.q.val().any();
        self.write_fire.next = self.write_slot.perform.val();
        if self.cooldown.q.val().any() {
            self.cooldown.d.next = self.cooldown.q.val() - 1_u64;
        }
        // Held at its start while a TABLE commit waits, so it counts from the clock
        // after the apply without the apply's decision (the hash unit's hold) in front.
        if self.vports.table_commit_pending.val() {
            self.cooldown.d.next = 31_u64.into();
        }

        self.ctrl.write_decode.next = self.write_slot.decode.val();
        self.ctrl.write_data.next = self.write_data.val();
        self.ctrl.write_mask.next = self.write_mask.val();
        self.ctrl.write_nibbles.next = self.write_slot.data_nibbles.val();
        self.ctrl.write_strobe.next = self.write_fire.val();
        self.ctrl.reset.next = self.reset.val();
        self.queue_limit.write_decode.next = self.write_slot.decode.val();
        self.queue_limit.write_data.next = self.write_data.val();
        self.queue_limit.write_mask.next = self.write_mask.val();
        self.queue_limit.write_nibbles.next = self.write_slot.data_nibbles.val();
        self.queue_limit.write_strobe.next = self.write_fire.val();
        self.queue_limit.reset.next = self.reset.val();
        self.table_read.write_decode.next = self.write_slot.decode.val();
        self.table_read.write_data.next = self.write_data.val();
        self.table_read.write_mask.next = self.write_mask.val();
        self.table_read.write_nibbles.next = self.write_slot.data_nibbles.val();
        self.table_read.write_strobe.next = self.write_fire.val();
        self.table_read.reset.next = self.reset.val();
        self.vports.reset.next = self.reset.val();
        self.vports.apply_hold.next = self.commit_hold.val();
        self.vports.pick_hold.next = self.pick_hold.val();
        self.vports.pick_hold_next.next = self.pick_hold_next.val();
        self.vports.write_address.next = self.write_address.val();
        self.vports.write_data.next = self.write_data.val();
        self.vports.write_nibbles.next = self.write_slot.data_nibbles.val();
        self.vports.write_mask.next = self.write_mask.val();
        self.vports.write_strobe.next = self.write_fire.val();
        self.probe.reset.next = self.reset.val();
        self.probe.write_address.next = self.write_address.val();
        self.probe.write_data.next = self.write_data.val();
        self.probe.write_nibbles.next = self.write_slot.data_nibbles.val();
        self.probe.write_decode.next = self.write_slot.decode.val();
        self.probe.write_strobes.next = self.write_strobes.val();
        self.probe.write_strobe.next = self.write_fire.val();
        self.probe.done.next = self.probe_done.val();
        self.probe.done_hash.next = self.probe_done_hash.val();
        self.probe.done_queue.next = self.probe_done_queue.val();
        self.probe.done_hashed.next = self.probe_done_hashed.val();
        self.probe_request.next = self.probe.request.val();
        self.probe_input.next = self.probe.hash_input.val();
        self.probe.stream.next = self.probe_stream.val();
        self.probe.fetch_allowed.next = self.read_block.q.val() & !self.read_busy.q.val();
        self.probe_word.next = self.probe.word.val();
        self.probe_word_valid.next = self.probe.word_valid.val();
        self.probe_last_word_next.next = self.probe.last_word_next.val();
        self.probe_type.next = self.probe.hash_type.val();
        self.probe_vport.next = self.probe.vport.val();
        self.vports.staged.next = bit_cast::<SLOT_BITS, 2>(self.ctrl.value.val().get_bits::<2>(0))
            | (bit_cast::<SLOT_BITS, 4>(self.table_size.value.val().get_bits::<4>(0)) << 4_u64)
            | (bit_cast::<SLOT_BITS, 9>(self.hash_types_reg.value.val().get_bits::<9>(0)) << 8_u64)
            | (bit_cast::<SLOT_BITS, 8>(self.default_queue_reg.value.val().get_bits::<8>(0))
                << 24_u64)
            | (bit_cast::<SLOT_BITS, 8>(self.primary_queue_reg.value.val().get_bits::<8>(0))
                << 32_u64)
            | (bit_cast::<SLOT_BITS, 8>(self.queue_limit.value.val().get_bits::<8>(0)) << 40_u64);
        self.hash_types_reg.write_decode.next = self.write_slot.decode.val();
        self.hash_types_reg.write_data.next = self.write_data.val();
        self.hash_types_reg.write_mask.next = self.write_mask.val();
        self.hash_types_reg.write_nibbles.next = self.write_slot.data_nibbles.val();
        self.hash_types_reg.write_strobe.next = self.write_fire.val();
        self.hash_types_reg.reset.next = self.reset.val();
        self.table_size.write_decode.next = self.write_slot.decode.val();
        self.table_size.write_data.next = self.write_data.val();
        self.table_size.write_mask.next = self.write_mask.val();
        self.table_size.write_nibbles.next = self.write_slot.data_nibbles.val();
        self.table_size.write_strobe.next = self.write_fire.val();
        self.table_size.reset.next = self.reset.val();
        self.default_queue_reg.write_decode.next = self.write_slot.decode.val();
        self.default_queue_reg.write_data.next = self.write_data.val();
        self.default_queue_reg.write_mask.next = self.write_mask.val();
        self.default_queue_reg.write_nibbles.next = self.write_slot.data_nibbles.val();
        self.default_queue_reg.write_strobe.next = self.write_fire.val();
        self.default_queue_reg.reset.next = self.reset.val();
        self.primary_queue_reg.write_decode.next = self.write_slot.decode.val();
        self.primary_queue_reg.write_data.next = self.write_data.val();
        self.primary_queue_reg.write_mask.next = self.write_mask.val();
        self.primary_queue_reg.write_nibbles.next = self.write_slot.data_nibbles.val();
        self.primary_queue_reg.write_strobe.next = self.write_fire.val();
        self.primary_queue_reg.reset.next = self.reset.val();

        self.id.write_decode.next = self.write_slot.decode.val();
        self.id.value.next = self.id_value.val();
        self.version.write_decode.next = self.write_slot.decode.val();
        self.version.value.next = self.version_value.val();
        self.caps.write_decode.next = self.write_slot.decode.val();
        self.caps.value.next = self.caps_value.val();
        self.queue_caps.write_decode.next = self.write_slot.decode.val();
        self.queue_caps.value.next = self.queue_caps_value.val();
        self.hash_caps.write_decode.next = self.write_slot.decode.val();
        self.hash_caps.value.next = self.hash_caps_value.val();
        self.vport_caps.write_decode.next = self.write_slot.decode.val();
        self.vport_caps.value.next = self.vport_caps_value.val();
        self.status.write_decode.next = self.write_slot.decode.val();
        self.status.value.next = bit_cast::<32, 16>(self.key_generation.q.val());
        self.record_drops_reg.write_decode.next = self.write_slot.decode.val();
        self.record_drops_reg.value.next = self.record_drops.val();
        self.refused_reg.write_decode.next = self.write_slot.decode.val();
        self.refused_reg.value.next = (bit_cast::<32, 16>(self.refused_moves.q.val()) << 16_u64)
            | bit_cast::<32, 16>(self.refused_writes.q.val());
        // The delivered record comes straight from the FIFO's block RAM, late in the
        // clock: it is registered before its class is worked out.
        self.counted.d.next = self.record_counted.val();
        self.counted_vport.d.next = self.record_vport.val();
        self.counted_type.d.next = self.record_hash_type.val();
        self.counted_malformed.d.next = self.record_malformed.val();
        // A record's class: its hash type's bit, 9 unhashed, 10 malformed.
        self.record_class.next = 9_u64.into();
        for t in 0..9 {
            if self.counted_type.q.val().get_bit(t) {
                self.record_class.next = t.to_bits::<4>();
            }
        }
        if self.counted_malformed.q.val() {
            self.record_class.next = 10_u64.into();
        }
        self.counters.bump.next = self.counted.q.val();
        self.counters.bump_index.next =
            (bit_cast::<COUNTER_INDEX_BITS, 3>(self.counted_vport.q.val()) << 4_u64)
                | bit_cast::<COUNTER_INDEX_BITS, 4>(self.record_class.val());
        self.counters.read_address.next = self.read_address.q.val();

        // KEY: word n of the staged key sits at bits 319-32n:288-32n.
        self.key_staged.clock.next = self.clock.val();
        self.key_staged.reset.next = self.reset.val();
        self.key_staged.write_address.next = self.write_address.val();
        self.key_staged.write_data.next = self.write_data.val();
        self.key_staged.write_strobes.next = self.write_strobes.val();
        self.key_staged.write_strobe.next = self.write_fire.val();
        self.key_ext.clock.next = self.clock.val();
        self.key_ext.reset.next = self.reset.val();
        self.key_ext.write_address.next = self.write_address.val();
        self.key_ext.write_data.next = self.write_data.val();
        self.key_ext.write_strobes.next = self.write_strobes.val();
        self.key_ext.write_strobe.next = self.write_fire.val();

        self.key_bump_q.d.next = self.vports.committed.val();
        if self.key_bump_q.q.val() {
            self.key_generation.d.next = self.key_generation.q.val() + 1;
        }

        // TABLE: the queue field is in byte 0, so a write without strobe 0 keeps the entry.
        self.table_write_offset.next = self.write_address.val() - self.table_base.val();
        self.table_write_hit.next = (self.write_address.val() >= self.table_base.val())
            & (self.table_write_offset.val() < self.table_entries.val());
        self.table_fault.next =
            (self.write_slot.data_nibbles.val() & self.queue_outside_nibbles.val()).any()
                | (self.write_data.val() & self.queue_outside_bits.val()).any()
                | (self.write_strobes.val().get_bit(0)
                    & ((self.write_data.val() & self.queue_writable.val()) > self.queue_max.val()));
        // The element's VPort decides the bank: TABLE writes go to its shadow table.
        self.active_banks.next = 0.into();
        for v in 0..crate::vport_regs::VPORTS {
            self.active_banks.next = self
                .active_banks
                .val()
                .replace_bit(v, self.vports.active.val().get_bit(48 * v + 2));
        }
        self.write_element_vport.next = self.table_write_offset.val() >> self.table_log2.val();
        self.write_vport.next = self.write_element_vport.val().get_bits::<3>(0);
        self.write_banks.next = self.active_banks.val() >> self.write_vport.val();
        self.write_bank.next = !self.write_banks.val().get_bit(0);
        // Stored when the address hits with strobe 0 and the value passes: the two
        // halves are registered apart (`table_fault_q` holds the value check), so the
        // check's compare on the widely fanned-out write data ends at a flip-flop.
        self.table_store_q.d.next =
            self.table_write_hit.val() & self.write_strobes.val().get_bit(0);
        self.table_index_q.d.next =
            bit_cast::<POOL_ADDRESS_BITS, 10>(self.table_write_offset.val().get_bits::<10>(0))
                .replace_bit(10, self.write_bank.val());
        self.table_write_enable.next =
            self.write_fire.val() & self.table_store_q.q.val() & !self.table_fault_q.q.val();
        self.table_write_index.next = self.table_index_q.q.val();
        self.table_write_queue.next = self.write_data.val().get_bits::<QUEUE_BITS>(0);
        if self.vports.move_write.val() {
            self.table_write_enable.next = true;
            self.table_write_index.next = self.vports.move_address.val();
            self.table_write_queue.next = self.vports.move_queue.val();
        }
        self.table_readback.write_enable.next = self.table_write_enable.val();
        self.table_readback.write_address.next = self.table_write_index.val();
        self.table_readback.write_data.next = self.table_write_queue.val();

        // Write response.
        self.vport_caps_hit_q.d.next = self.vport_caps.write_hit.val();
        self.refused_hit_q.d.next = self.refused_reg.write_hit.val();
        self.write_hit.next = self.ctrl.write_hit.val()
            | self.queue_limit.write_hit.val()
            | self.table_read.write_hit.val()
            | self.vports.write_hit.val()
            | self.vport_caps_hit_q.q.val()
            | self.hash_types_reg.write_hit.val()
            | self.table_size.write_hit.val()
            | self.default_queue_reg.write_hit.val()
            | self.primary_queue_reg.write_hit.val()
            | self.probe.write_hit.val()
            | self.key_staged.write_hit.val()
            | self.key_ext.write_hit.val();
        // The write's fault in registered steps while it waits (see `AxilWriteSlot`):
        // each source's verdict and the hit (a read-write register's from its own
        // registered decode), then their OR, then that with the move's verdict.
        self.write_faults.next = 0.into();
        self.write_faults.next = self
            .write_faults
            .val()
            .replace_bit(0, self.ctrl.write_fault.val())
            .replace_bit(1, self.queue_limit.write_fault.val())
            .replace_bit(2, self.table_read.write_fault.val())
            .replace_bit(3, self.vports.write_fault.val())
            .replace_bit(4, self.vport_caps_hit_q.q.val())
            .replace_bit(5, self.refused_hit_q.q.val())
            .replace_bit(6, self.hash_types_reg.write_fault.val())
            .replace_bit(7, self.table_size.write_fault.val())
            .replace_bit(8, self.default_queue_reg.write_fault.val())
            .replace_bit(9, self.primary_queue_reg.write_fault.val())
            .replace_bit(10, self.probe.write_fault.val());
        self.write_faults_q.d.next = self.write_faults.val();
        self.write_hit_q.d.next = self.write_hit.val();
        self.table_hit_q.d.next = self.table_write_hit.val();
        self.table_fault_q.d.next = self.table_fault.val();
        self.write_faults_any_q.d.next = !(self.write_hit_q.q.val() | self.table_hit_q.q.val())
            | self.write_faults_q.q.val().any()
            | (self.table_hit_q.q.val() & self.table_fault_q.q.val());
        self.write_fault.next = self.write_faults_any_q.q.val() | self.vports.move_fault.val();
        if self.bvalid.q.val() & self.s_axil_bready.val() {
            self.bvalid.d.next = false;
        }
        // A taken commit answers a clock after it is applied, a probe when its result is in.
        if self.write_fire.val() & !self.vports.commit_taken.val() & !self.probe.taken.val() {
            self.bvalid.d.next = true;
            self.bresp.d.next = 0.into();
            if self.write_fault_q.q.val() {
                self.bresp.d.next = self.slverr.val();
            }
        }
        self.commit_answer_q.d.next = self.vports.commit_applied.val();
        if self.commit_answer_q.q.val() | self.probe_done.val() {
            self.bvalid.d.next = true;
            self.bresp.d.next = 0.into();
        }
        // REFUSED: a refused move is also a refused write.
        self.write_fault_q.d.next = self.write_fault.val();
        if self.write_fire.val() & self.write_fault_q.q.val() {
            self.refused_writes.d.next = self.refused_writes.q.val() + 1_u64;
        }
        if self.vports.move_refused.val() {
            self.refused_moves.d.next = self.refused_moves.q.val() + 1_u64;
        }
        self.s_axil_bvalid.next = self.bvalid.q.val();
        self.s_axil_bresp.next = self.bresp.q.val();

        // Read channel: 0 idle; 1 the block RAMs read the held address, every other
        // block registers its decode; 2 the RAMs' words in their output registers, the
        // other blocks' words registered; 3 the RAMs' words registered; 4 the answer
        // registered; 5 answer valid.
        // Between reads every holder of a read address loads the one offered, whether or
        // not the bus offers one; the load in the clock the bus takes the read is the
        // read's, held until the answer (`read_busy` from the next clock).
        self.read_fire.next =
            self.s_axil_arvalid.val() & !self.read_busy.q.val() & !self.read_block.q.val();
        self.s_axil_arready.next = !self.read_busy.q.val() & !self.read_block.q.val();
        // A key copy or a probe's stream starts with no read under way, and none is
        // taken until it is done (both fetch through read-back RAMs a read would use).
        self.read_block.d.next = self.vports.key_copy_wanted.val() | self.probe_stream.val();
        self.vports.key_copy_allowed.next = self.read_block.q.val() & !self.read_busy.q.val();
        self.read_request.next = self.s_axil_araddr.val().get_bits::<WORD_ADDR_BITS>(2);
        self.request_decode.address.next = self.read_request.val();
        // Every other block registers its read decode from the held address, a clock
        // after the handshake: their words are there in state 2, with nothing but a
        // register between the handshake's inputs and them.
        self.ctrl.read_decode.next = self.read_decode_q.q.val();
        self.queue_limit.read_decode.next = self.read_decode_q.q.val();
        self.table_read.read_decode.next = self.read_decode_q.q.val();
        self.vport_caps.read_decode.next = self.read_decode_q.q.val();
        self.hash_types_reg.read_decode.next = self.read_decode_q.q.val();
        self.table_size.read_decode.next = self.read_decode_q.q.val();
        self.default_queue_reg.read_decode.next = self.read_decode_q.q.val();
        self.primary_queue_reg.read_decode.next = self.read_decode_q.q.val();
        self.id.read_decode.next = self.read_decode_q.q.val();
        self.version.read_decode.next = self.read_decode_q.q.val();
        self.caps.read_decode.next = self.read_decode_q.q.val();
        self.queue_caps.read_decode.next = self.read_decode_q.q.val();
        self.hash_caps.read_decode.next = self.read_decode_q.q.val();
        self.status.read_decode.next = self.read_decode_q.q.val();
        self.record_drops_reg.read_decode.next = self.read_decode_q.q.val();
        self.refused_reg.read_decode.next = self.read_decode_q.q.val();
        // The mirrors (key, probe input, MAC filters) hold their own read index, loaded
        // from the request for their words only: the held address drives every other
        // read decode in the file, and a pick behind it was routed across the die.
        self.key_staged.read_request.next = self.read_request.val();
        self.key_staged.read_load.next = !self.read_busy.q.val();
        self.key_ext.read_request.next = self.read_request.val();
        self.key_ext.read_load.next = !self.read_busy.q.val();
        self.probe.read_request.next = self.read_request.val();
        self.probe.read_load.next = !self.read_busy.q.val();
        self.probe.read_decode.next = self.read_decode_q.q.val();
        self.vports.read_next.next = self.read_address.q.val();
        self.vports.read_request.next = self.read_request.val();
        self.vports.read_load.next = !self.read_busy.q.val();
        // The block RAMs (table, counters) read the held address in state 1, so their
        // words are there in state 2 and registered for state 3, like every other
        // block's; their read addresses start at flip-flops, not at the handshake.
        self.read_offset.next = self.read_address.q.val() - self.table_base.val();
        self.read_element_vport.next = self.read_offset.val() >> self.table_log2.val();
        self.read_vport.next = self.read_element_vport.val().get_bits::<3>(0);
        // Reads see the shadow bank, or the active one with TABLE_READ.ACTIVE.
        self.read_banks_q.d.next = self.active_banks.val();
        if !self.table_read.value.val().get_bit(0) {
            self.read_banks_q.d.next = !self.active_banks.val();
        }
        self.read_banks.next = self.read_banks_q.q.val() >> self.read_vport.val();
        self.table_readback.read_address.next =
            bit_cast::<POOL_ADDRESS_BITS, 10>(self.read_offset.val().get_bits::<10>(0))
                .replace_bit(10, self.read_banks.val().get_bit(0));
        self.table_read_hit_q.d.next = (self.read_address.q.val() >= self.table_base.val())
            & (self.read_offset.val() < self.table_entries.val());
        self.table_read_hit.next = self.table_read_hit_q.q.val();
        // The read multiplexer in registered parts: every block registers its decode
        // of the held address in state 1, each part (the scalars, the VPort block, the
        // probe) is registered at the end of state 2 as an AND-OR of registers, and
        // state 4 only ORs registers (the counters', the table's and the byte-word
        // arrays' words come from RAM, registered already).
        self.read_scalars_q.d.next = self.ctrl.read_data.val()
            | self.queue_limit.read_data.val()
            | self.table_read.read_data.val()
            | self.vport_caps.read_data.val()
            | self.hash_types_reg.read_data.val()
            | self.table_size.read_data.val()
            | self.default_queue_reg.read_data.val()
            | self.primary_queue_reg.read_data.val()
            | self.id.read_data.val()
            | self.version.read_data.val()
            | self.caps.read_data.val()
            | self.queue_caps.read_data.val()
            | self.hash_caps.read_data.val()
            | self.status.read_data.val()
            | self.record_drops_reg.read_data.val()
            | self.refused_reg.read_data.val();
        self.read_vports_q.d.next = self.vports.read_data.val();
        self.read_probe_q.d.next = self.probe.read_data.val();
        self.read_bus.next = self.read_scalars_q.q.val()
            | self.read_vports_q.q.val()
            | self.read_probe_q.q.val()
            | self.counters.read_data.val()
            | self.key_staged.read_data.val()
            | self.key_ext.read_data.val()
            | self.probe.input_read_data.val()
            | self.vports.mac_read_data.val()
            | bit_cast::<32, QUEUE_BITS>(self.table_word.q.val());
        self.read_hit.next = self.ctrl.read_hit.val()
            | self.queue_limit.read_hit.val()
            | self.table_read.read_hit.val()
            | self.vports.read_hit.val()
            | self.vport_caps.read_hit.val()
            | self.hash_types_reg.read_hit.val()
            | self.table_size.read_hit.val()
            | self.default_queue_reg.read_hit.val()
            | self.primary_queue_reg.read_hit.val()
            | self.id.read_hit.val()
            | self.version.read_hit.val()
            | self.caps.read_hit.val()
            | self.queue_caps.read_hit.val()
            | self.hash_caps.read_hit.val()
            | self.status.read_hit.val()
            | self.record_drops_reg.read_hit.val()
            | self.refused_reg.read_hit.val()
            | self.counters.read_hit.val()
            | self.probe.read_hit.val()
            | self.key_staged.read_hit.val()
            | self.key_ext.read_hit.val()
            | self.table_read_hit.val();
        self.read_hit_q.d.next = self.read_hit.val();
        if !self.read_busy.q.val() {
            self.read_address.d.next = self.read_request.val();
            self.read_decode_q.d.next = self.request_decode.decode.val();
        }
        if self.read_fire.val() {
            self.read_state.d.next = 1.into();
            self.read_busy.d.next = true;
        }
        // The address is held from the fire to the answer, so the RAM keeps reading it.
        // Zero unless the held address is a table element (a synchronous clear).
        self.table_word.d.next = 0.into();
        if self.table_read_hit.val() {
            self.table_word.d.next = self.table_readback.read_data.val();
        }
        if self.read_state.q.val() == 1 {
            self.read_state.d.next = 2.into();
        }
        if self.read_state.q.val() == 2 {
            self.read_state.d.next = 3.into();
        }
        if self.read_state.q.val() == 3 {
            self.read_state.d.next = 4.into();
        }
        if self.read_state.q.val() == 4 {
            self.rdata.d.next = self.read_bus.val();
            self.rresp.d.next = 0.into();
            if !self.read_hit_q.q.val() {
                self.rresp.d.next = self.slverr.val();
            }
            self.read_state.d.next = 5.into();
        }
        if (self.read_state.q.val() == 5) & self.s_axil_rready.val() {
            self.read_state.d.next = 0.into();
            self.read_busy.d.next = false;
        }
        self.s_axil_rvalid.next = self.read_state.q.val() == 5;
        self.s_axil_rdata.next = self.rdata.q.val();
        self.s_axil_rresp.next = self.rresp.q.val();

        if self.reset.val() {
            self.cooldown.d.next = 0.into();
            self.key_generation.d.next = 0.into();
            self.key_bump_q.d.next = false;
            self.commit_answer_q.d.next = false;
            self.refused_writes.d.next = 0.into();
            self.refused_moves.d.next = 0.into();
            self.bvalid.d.next = false;
            self.read_state.d.next = 0.into();
            self.read_busy.d.next = false;
            self.read_block.d.next = false;
        }

        self.active.next = self.vports.active.val();
        self.active_next.next = self.vports.active_next.val();
        self.key_staged.fetch.next = self.key_copy.fetch.val();
        self.key_staged.fetch_index.next = self.key_copy.fetch_word.val();
        self.key_ext.fetch.next = false;
        self.key_ext.fetch_index.next = 0.into();
        self.key_copy.staged_word.next = self.key_staged.read_data.val();
        self.key_copy.start.next = self.vports.key_copy.val();
        self.key_copy.vport.next = self.vports.key_copy_vport.val();
        self.key_copy.bank.next = self.vports.key_copy_bank.val();
        self.vports.key_copied.next = self.key_copy.done.val();
        self.filters.next = self.vports.filters.val();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rss_model::regmap::Params;

    #[test]
    fn axil_regs_is_synthesizable() {
        let map = RegisterMap::new(Params::default()).unwrap();
        let mut uut = AxilRegs::new(&map);
        uut.connect_all();
        crate::lint::assert_lints_clean(&generate_verilog(&uut), "axil_regs");
    }
}
