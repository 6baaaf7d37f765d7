//! One step of the IPv6 extension-header walk. Four of these in a row own steps 1..4
//! (`MAX_EXT_HEADERS`); step `j` acts on the beat that holds the first word of the
//! `j`-th extension header, which the step before has located, so several steps can
//! happen in one beat (wide buses) and none waits for a later beat to come back.
//!
//! A step reads one aligned word: next header, length, and the bytes that identify a
//! type 2 routing header (RFC 6275) or a Destination Options header with the Home
//! Address option at offset 6 (`docs/parser-rules.md`); it records where that header's
//! address words are (words 1 and 2) for `FieldCapture`, checks the header against
//! the datagram end, and passes the position and type of the next header on.
//!
//! If the frame ends while a step is still due, the frame is malformed (the header lies
//! past its end, or past the parse window, where word numbers saturate).
//!
//! Two clocks: the walk (find the word, next pointer, next header) in the first, so a
//! stage can step once per beat; the checks (bounds, needed bytes, Home Address and
//! routing addresses) and the stage's readiness on the registered step in the second.
//! The checks read the step's own sum, the word number past the header, registered:
//! the bound check is one compare of it with the datagram's end in words, the bytes
//! needed one subtraction of a constant; the header word's bytes that make a type 2
//! routing header or a Home Address option are compared with the beat, a clock ahead
//! of the step, by `SlotFlags` (`crate::slot_flags`); the step forms the option walk's
//! closed form from those flags and ANDs the header's type in, so the second clock
//! only takes two flags (stop 49: the closed form stood in clock 2, in front of the
//! Home Address pointer's multiplexers).
//!
//! At 64 bits a beat holds one whole word, so at most one header starts in it: one
//! stage then takes every step, one per beat (`new(4, false)`), and the other three are
//! built as wires (`new(0, true)`: outputs follow inputs, no registers).
//!
//! That stage's loop (is the header in this beat → step → pointer, count, liveness)
//! starts at flip-flops: whether the next valid beat holds the header is registered a
//! beat ahead (`here_q`), since word numbers go up one a valid beat: after a step from
//! the length byte (0: the next word), after a take-over from the pointer's compare,
//! otherwise from a countdown of valid beats; a pointer the numbering never reaches
//! (past 60, where it saturates) stays unfound, as by the compare this replaces. The
//! step's pointer, count and liveness wait a clock in `p_*` registers, folded in by one
//! multiplexer; the pointers before and after the step reach clock 2 side by side. The
//! next step's "done" is registered for both cases of the pending step (`done_if_*`,
//! from a one-hot count), so the step decision is two LUT levels from flip-flops, and
//! the beat's word is judged as a header (next header stepped over, fragment) a clock
//! ahead by `L3Header` (`word_flags_in`). ECP5-85k grade 6, seed 1: the stage's own
//! endpoints at five LUT levels from 40 to 4 at stop 37 (the core's from 72 to 28).
//!
//! Wider beats give each step a stage of its own (`new(1, false)`), and that stage
//! splits its first clock in two (`split_step`): clock 1 takes the walk over, finds
//! the slot that holds the header's word, judges every slot of the beat as a header's
//! first word (`SlotFlags`, side by side) and forms every slot's step sum (pointer +
//! length + 1, as if the header's word were there: one carry chain a slot and
//! pointer, held and offered, the take-over choosing after them); clock 1b picks the
//! found slot's flags, next header and sum by the registered slot number, so no adder
//! follows the pick, and the bound check is clock 2's one compare of the sum with the
//! datagram's end in words, as at 64 bits. The step decision is formed for the held
//! walk and for the offered one side by side, the take-over choosing last, and a
//! stage's count is one bit (stop 50: the distances' carry chains, the take-over's
//! choice, the range test and the count's adder stood in series, 9.4 ns routed at
//! 512 bits; the length's pick, the adder and the room compare 7-8.5 ns; the Home
//! Address test picked first and formed after, now formed on every slot's row of
//! flags and picked after, the header's type compared in clock 1). A stage that takes
//! one step never reads its own result again, so nothing loops back over the split;
//! the walk after the step is kept in clock 1b for the frame's later beats, and the
//! pointer and next header after this beat's step wait beside the walk before it for
//! clock 2 to choose. The slot is
//! found from flip-flops: the distances of the held and of the offered pointer to the
//! beat's words are subtracted side by side and the take-over chooses between them,
//! into a 3-bit register, so the select that fans out over the slot multiplexers
//! leaves a flip-flop, and it chooses 28 bits (flags, a byte, the sum), not a 64-bit word
//! with byte compares behind it. The split (stop 39) took the walk at 512 bits from
//! nine LUT levels a clock to six and, with the capture's and the hash unit's cuts
//! made beside it, the core from a median of 76.1 to 93.8 MHz over seeds 1-4 (ECP5-85k
//! grade 6), for one clock of latency per stage and ~800 flip-flops per stage (mostly
//! the beat's third copy); stop 46 took the pick's select off the carry chains.

use rss_model::parse::{IPPROTO_DSTOPTS, IPPROTO_FRAGMENT, IPPROTO_ROUTING};
use rust_hdl::prelude::*;

use crate::l3_header::{END_BITS, FIRST_EXT_WORD, NEED_BITS};
use crate::slot_flags::{SLOT_FLAG_BITS, SLOT_FLAG_KINDS, SlotFlags, slots_per_beat};
use crate::word_pick::WordPick;
use crate::word_slots::WORD_INDEX_BITS;

/// Word number of the IPv4 header's first word plus two (the word numbers count from
/// L3 − 32 bytes): the L4 word is this plus IHL / 2.
pub const IPV4_L4_WORD_BIAS: u64 = 4;

/// Bits of the datagram's end plus 32 (`end_plus_q`).
const END_PLUS_BITS: usize = END_BITS + 1;
/// Bits of a step's sum in words, pointer + length + 1 (at most 63 + 255 + 1).
const SUM_BITS: usize = 10;
/// Stride of `t_sums`: slot `j`'s sum at bit 16·j, so the pick's offset is a shift.
const SUM_STRIDE: usize = 16;
const _: () = assert!(SUM_STRIDE == 16 && SUM_BITS <= SUM_STRIDE);

#[derive(LogicBlock)]
pub struct ExtStep<const DATA_BITS: usize, const BUNDLE_BITS: usize> {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// Synchronous reset.
    pub reset: Signal<In, Bit>,
    /// The beat (`crate::beat` layout).
    pub beat_in: Signal<In, Bits<BUNDLE_BITS>>,
    /// The previous step's results are final.
    pub walk_ready_in: Signal<In, Bit>,
    /// This step is due: the next header is an extension header.
    pub walk_live_in: Signal<In, Bit>,
    /// Word number of the next header.
    pub walk_ptr_in: Signal<In, Bits<WORD_INDEX_BITS>>,
    /// Its type (next header value).
    pub walk_nh_in: Signal<In, Bits<8>>,
    /// Datagram end relative to L3.
    pub end_in: Signal<In, Bits<END_BITS>>,
    /// Malformed so far.
    pub bad_in: Signal<In, Bit>,
    /// Fragment so far.
    pub fragment_in: Signal<In, Bit>,
    /// Bytes needed so far, relative to L3.
    pub need_in: Signal<In, Bits<NEED_BITS>>,
    /// A Home Address option was found so far.
    pub ex_src_in: Signal<In, Bit>,
    /// Word number of its address's first word.
    pub ex_src_ptr_in: Signal<In, Bits<WORD_INDEX_BITS>>,
    /// A type 2 routing header was found so far.
    pub ex_dst_in: Signal<In, Bit>,
    /// Word number of its address's first word.
    pub ex_dst_ptr_in: Signal<In, Bits<WORD_INDEX_BITS>>,
    /// IPv4 IHL, passed on for the ports position.
    pub ihl_in: Signal<In, Bits<4>>,
    /// `l4_word_out` of the stage before; read only by a stage built as wires.
    pub l4_word_in: Signal<In, Bits<WORD_INDEX_BITS>>,
    /// `l4_before_out` of the stage before; read only by a stage built as wires.
    pub l4_before_in: Signal<In, Bits<WORD_INDEX_BITS>>,
    /// (64 bits) `beat_in`'s word judged as an extension header's first word, a clock
    /// ahead (`L3Header::word_flags`: the flags of `crate::slot_flags`, flag `f` in bit
    /// `f`). Read only by a stage taking several steps.
    pub word_flags_in: Signal<In, Bits<SLOT_FLAG_KINDS>>,
    /// The beat, one clock later.
    pub beat_out: Signal<Out, Bits<BUNDLE_BITS>>,
    /// `beat_out`'s held-word flags (`crate::beat`, the six bits after the slots),
    /// inverted, from a register of their own: the load enables of the capture's
    /// 64-bit words read these, placed among them, not bits of the wide beat register
    /// (`beat_q -> capture.w2`, a 5.2-5.7 ns route across the die, limited a 512-bit
    /// seed at stops 61 and 64). Inverted so synthesis does not merge it into `beat_q`.
    pub held_n_out: Signal<Out, Bits<6>>,
    /// This step's results (and the walk fields below) are final.
    pub walk_ready_out: Signal<Out, Bit>,
    /// The next step is due.
    pub walk_live_out: Signal<Out, Bit>,
    /// Word number of the header after this one (IPv6 L4 if the walk ends here).
    pub walk_ptr_out: Signal<Out, Bits<WORD_INDEX_BITS>>,
    /// Its type.
    pub walk_nh_out: Signal<Out, Bits<8>>,
    /// `end_in`, one clock later.
    pub end_out: Signal<Out, Bits<END_BITS>>,
    /// Malformed so far, this step included.
    pub bad_out: Signal<Out, Bit>,
    /// Fragment so far.
    pub fragment_out: Signal<Out, Bit>,
    /// Bytes needed so far.
    pub need_out: Signal<Out, Bits<NEED_BITS>>,
    /// Home Address found (last one wins).
    pub ex_src_out: Signal<Out, Bit>,
    /// Its word number.
    pub ex_src_ptr_out: Signal<Out, Bits<WORD_INDEX_BITS>>,
    /// The word number after it, the address's second word, from a register of its own:
    /// the capture's pick of that word then compares with no adder in front.
    pub ex_src_after_out: Signal<Out, Bits<WORD_INDEX_BITS>>,
    /// Type 2 routing header found (last one wins).
    pub ex_dst_out: Signal<Out, Bit>,
    /// Its word number.
    pub ex_dst_ptr_out: Signal<Out, Bits<WORD_INDEX_BITS>>,
    /// The word number after it, from a register of its own.
    pub ex_dst_after_out: Signal<Out, Bits<WORD_INDEX_BITS>>,
    /// `ihl_in`, one clock later.
    pub ihl_out: Signal<Out, Bits<4>>,
    /// Word number of the L4 header's first word, for the family `beat_out` says (the
    /// walk's end, `walk_ptr_out`, for IPv6; 4·IHL bytes past L3 otherwise), from a
    /// register, so the capture's ports pick starts at a flip-flop, not at an adder or
    /// the family's choice.
    pub l4_word_out: Signal<Out, Bits<WORD_INDEX_BITS>>,
    /// The word number before the L4 header's first, for the family `beat_out` says
    /// (`l4_word_out` − 1), from a register: the
    /// capture finds the ports in a frame's tail word (word `slot_last` + 1) by an
    /// equality with it, without an adder behind the beat's word number.
    pub l4_before_out: Signal<Out, Bits<WORD_INDEX_BITS>>,
    header: WordPick<DATA_BITS, BUNDLE_BITS>,
    /// (`split_step`) Every slot of the beat judged as a header's first word.
    slot_flags: SlotFlags<DATA_BITS, BUNDLE_BITS>,
    // Clock 1: the walk, per frame.
    started: DFF<Bit>,
    count: DFF<Bits<3>>,
    ptr_q: DFF<Bits<WORD_INDEX_BITS>>,
    nh_q: DFF<Bits<8>>,
    /// `nh_q` is the fragment header (kept beside it, so a step's length choice waits
    /// for no compare).
    nh_fragment_q: DFF<Bit>,
    live_q: DFF<Bit>,
    // Clock 1 at 64 bits (`registered_takeover`): the step's results the next step
    // would otherwise wait for, registered beside the walk instead of into it.
    /// The last valid beat stepped: its results below are the walk's state until the
    /// next valid beat folds them into the registers above, so a step's decision never
    /// waits for the one before (its pointer's adder, its next header's compares).
    p_stepped: DFF<Bit>,
    /// The pointer after that step, its low bits as the adder leaves them: the
    /// saturation at 63 is applied where it is read (`p_past`), so the adder's carry
    /// chain ends in these flip-flops.
    p_ptr: DFF<Bits<WORD_INDEX_BITS>>,
    /// That pointer is past 63 (it reads as 63).
    p_past: DFF<Bit>,
    /// The walk is live after that step.
    p_live: DFF<Bit>,
    /// The last valid beat ended the walk (the frame ended with a step due).
    p_ended: DFF<Bit>,
    /// The last valid beat loaded a new header pointer (step or take-over): the
    /// countdown below is one beat behind its reachability check (`p_unreachable`).
    p_load: DFF<Bit>,
    /// That load was a take-over of a pointer the numbering can never reach (behind
    /// this beat, or past 60 where word numbers saturate).
    p_unreachable: DFF<Bit>,
    /// The next valid beat holds the header's word: the "is the header in this beat"
    /// decision starts at this flip-flop, not at a compare of the pointer with the
    /// beat's word number. Word numbers count one a valid beat (saturating at 60), so
    /// it is known a beat ahead: from the length byte on a step (the next header is
    /// the next word when the length is 0), from the countdown otherwise.
    here_q: DFF<Bit>,
    /// Valid beats from the next one to the header's.
    countdown: DFF<Bits<8>>,
    /// The walk is done (not live, or `max_steps` taken) if the last valid beat
    /// stepped, and if it did not: formed from the next state of the registers the
    /// step's decision reads, so the decision is one choice by `p_stepped` instead of
    /// the pending step's fold (count + 1, compare, liveness) behind flip-flops.
    done_if_stepped_q: DFF<Bit>,
    done_if_not_q: DFF<Bit>,
    /// `count`, one-hot, for those two: each bit of the next count is a choice of two
    /// bits (the pending step shifts it), not an adder and a compare.
    count_onehot: DFF<Bits<8>>,
    /// (64 bits) The walk is taken over and the next valid beat is of the same frame
    /// (the last valid beat was not a last one): `started` without the new-frame test,
    /// so the step's decision reads five flip-flops, one LUT5, where it read seven
    /// (stop 51: the decision and the registers it loads made four and five LUT levels,
    /// the 64-bit core's slowest paths at seven seeds in seventeen).
    armed_q: DFF<Bit>,
    /// The last load's header can never be reached (set the valid beat after the
    /// load, when the countdown's compare takes over from `here2_q`).
    lost_q: DFF<Bit>,
    /// The valid beat after the next holds the header's word, formed on a load: the
    /// countdown's own compare is valid a beat after the load.
    here2_q: DFF<Bit>,
    /// `end_in` + 32, a clock late: a header ending before word `n` fits the datagram
    /// when `8·n ≤ end + 32`, so its eighth is the end in word numbers (at 64 bits
    /// from the beat before, whose end is final by a step; split, from the step's own
    /// beat, beside `t_beat`).
    end_plus_q: DFF<Bits<END_PLUS_BITS>>,
    // Clock 1 → 1b (`split_step` only): the beat, its header's slot and every slot's
    // flags, the walk as clock 1 left it (before this beat's step), and what came in.
    t_beat: DFF<Bits<BUNDLE_BITS>>,
    /// The slot of `t_beat` that holds the header's word (its distance from the last
    /// slot): clock 1b reads that slot's flags and bytes by it, so the choice's select
    /// leaves a flip-flop, not the pointers' carry chains.
    t_select: DFF<Bits<3>>,
    /// `t_select` again, for the flag picks alone (stored inverted, so synthesis keeps
    /// it a register of its own): the picks that decide the walk's next state read a
    /// select placed among them, not the one the byte and sum picks spread across the
    /// die (stop 64: that route, 2.7-3.3 ns, was both seeds' 512-bit limiter).
    t_flag_select_n: DFF<Bits<3>>,
    /// Every slot's flags (`SlotFlags`), judged in clock 1 beside the select.
    t_flags: DFF<Bits<SLOT_FLAG_BITS>>,
    t_started: DFF<Bit>,
    t_count: DFF<Bits<3>>,
    t_live_before: DFF<Bit>,
    t_ptr: DFF<Bits<WORD_INDEX_BITS>>,
    t_nh: DFF<Bits<8>>,
    t_nh_fragment: DFF<Bit>,
    t_stepped: DFF<Bit>,
    t_ended: DFF<Bit>,
    /// Every slot's step, pointer + length + 1 in words, as if the header's word were
    /// in that slot, 16 bits a slot: clock 1b picks one instead of adding after its
    /// pick (stop 50).
    t_sums: DFF<Bits<128>>,
    /// The walk's next header is a Destination Options / a routing header, compared
    /// in clock 1 so clock 1b only ANDs it in.
    t_nh_options: DFF<Bit>,
    t_nh_routing: DFF<Bit>,
    t_end: DFF<Bits<END_BITS>>,
    t_bad_in: DFF<Bit>,
    t_fragment_in: DFF<Bit>,
    t_need_in: DFF<Bits<NEED_BITS>>,
    t_ex_src_in: DFF<Bit>,
    t_ex_src_ptr_in: DFF<Bits<WORD_INDEX_BITS>>,
    t_ex_dst_in: DFF<Bit>,
    t_ex_dst_ptr_in: DFF<Bits<WORD_INDEX_BITS>>,
    t_ihl: DFF<Bits<4>>,
    // Clock 1b (`split_step` only): the walk after this stage's step, for the frame's
    // later beats (clock 1 keeps the walk before it, which is all a step reads).
    h_stepped: DFF<Bit>,
    h_live: DFF<Bit>,
    /// The pointer after the step as the adder leaves it, and whether it passed 63
    /// (it reads as 63), as `s_ptr_stepped` and `s_ptr_past` below.
    h_ptr: DFF<Bits<WORD_INDEX_BITS>>,
    h_past: DFF<Bit>,
    h_nh: DFF<Bits<8>>,
    // Clock 1 → 2: the beat, the walk as it stands, the step taken, what came in.
    s_beat: DFF<Bits<BUNDLE_BITS>>,
    s_started: DFF<Bit>,
    /// The walk's liveness before this beat's step, and what it becomes if it steps:
    /// the stage's readiness is judged from them in clock 2, off the step's path.
    s_live_before: DFF<Bit>,
    s_next_live: DFF<Bit>,
    /// Steps taken through this beat's (at 64 bits, before it: clock 2 adds it).
    s_count: DFF<Bits<3>>,
    s_ptr_out: DFF<Bits<WORD_INDEX_BITS>>,
    /// (64 bits) The pointer after this beat's step, chosen over `s_ptr_out` (then the
    /// pointer before it) by `s_stepped` in clock 2, so no register waits for both the
    /// step's decision and its adder: the adder's low bits, and whether the sum passed
    /// 63 (`s_ptr_past`: the pointer saturates at 63 where it is read, not after the
    /// carry chain).
    s_ptr_stepped: DFF<Bits<WORD_INDEX_BITS>>,
    s_ptr_past: DFF<Bit>,
    s_nh_out: DFF<Bits<8>>,
    /// The next header after this beat's step, chosen over `s_nh_out` (then the next
    /// header before it) by `s_stepped` in clock 2, as the pointer is, so the step's
    /// decision reaches no multiplexer in front of these registers.
    s_nh_stepped: DFF<Bits<8>>,
    s_stepped: DFF<Bit>,
    s_ended: DFF<Bit>,
    /// The step's header is a fragment header that is not the first fragment (read
    /// only with `s_stepped`).
    s_fragment: DFF<Bit>,
    /// The step's header is a type 2 routing header (RFC 6275: next header, length 2,
    /// type 2, one segment left), compared in clock 1.
    s_routing_type2: DFF<Bit>,
    /// The step's header is a Destination Options header with a Home Address option
    /// at offset 6 that the option walk lands on.
    s_home_option: DFF<Bit>,
    /// Word number of the header's address (the word after its first).
    s_address_ptr: DFF<Bits<WORD_INDEX_BITS>>,
    /// The word number past the header (pointer + length + 1, unsaturated: the step's
    /// own sum), whose offset from L3 is the header's end, 8 · (it − 4).
    s_past_header: DFF<Bits<10>>,
    /// The datagram's end in word numbers, (end + 32) / 8 rounded down: the header
    /// runs past the end (or starts past it) exactly when `s_past_header` is greater
    /// (its end, a multiple of 8, is then past the datagram's), one compare in clock 2.
    s_end_words: DFF<Bits<15>>,
    s_end: DFF<Bits<END_BITS>>,
    s_bad_in: DFF<Bit>,
    s_fragment_in: DFF<Bit>,
    s_need_in: DFF<Bits<NEED_BITS>>,
    s_ex_src_in: DFF<Bit>,
    s_ex_src_ptr_in: DFF<Bits<WORD_INDEX_BITS>>,
    s_ex_dst_in: DFF<Bit>,
    s_ex_dst_ptr_in: DFF<Bits<WORD_INDEX_BITS>>,
    s_ihl: DFF<Bits<4>>,
    // Clock 2: this stage's findings, per frame.
    bad_q: DFF<Bit>,
    fragment_q: DFF<Bit>,
    need_q: DFF<Bits<NEED_BITS>>,
    /// This stage has stepped in this frame (`need_q` is a header's end).
    stepped_q: DFF<Bit>,
    ex_src_q: DFF<Bit>,
    ex_src_ptr_q: DFF<Bits<WORD_INDEX_BITS>>,
    ex_dst_q: DFF<Bit>,
    ex_dst_ptr_q: DFF<Bits<WORD_INDEX_BITS>>,
    // Registered outputs.
    beat_q: DFF<Bits<BUNDLE_BITS>>,
    held_n_q: DFF<Bits<6>>,
    /// Where the held-word flags start in the beat.
    held_lsb: Constant<Bits<16>>,
    ready_o: DFF<Bit>,
    live_o: DFF<Bit>,
    ptr_o: DFF<Bits<WORD_INDEX_BITS>>,
    nh_o: DFF<Bits<8>>,
    end_o: DFF<Bits<END_BITS>>,
    bad_o: DFF<Bit>,
    fragment_o: DFF<Bit>,
    need_o: DFF<Bits<NEED_BITS>>,
    ex_src_o: DFF<Bit>,
    ex_src_ptr_o: DFF<Bits<WORD_INDEX_BITS>>,
    ex_dst_o: DFF<Bit>,
    ex_dst_ptr_o: DFF<Bits<WORD_INDEX_BITS>>,
    ex_src_after_o: DFF<Bits<WORD_INDEX_BITS>>,
    ex_dst_after_o: DFF<Bits<WORD_INDEX_BITS>>,
    ihl_o: DFF<Bits<4>>,
    l4_word_o: DFF<Bits<WORD_INDEX_BITS>>,
    l4_before_o: DFF<Bits<WORD_INDEX_BITS>>,
    ipv4_l4_bias: Constant<Bits<WORD_INDEX_BITS>>,
    ipv4_l4_before_bias: Constant<Bits<WORD_INDEX_BITS>>,
    routing: Constant<Bits<8>>,
    fragment_header: Constant<Bits<8>>,
    destination_options: Constant<Bits<8>>,
    max_steps: Constant<Bits<3>>,
    /// `max_steps` − 1: the count before the last step.
    last_step: Constant<Bits<3>>,
    passthrough: Constant<Bit>,
    /// Built by `first_step_only`: a step's header is always the first extension
    /// header, so the step reads that constant, not the pointer taken over.
    first_only: Constant<Bit>,
    first_ext: Constant<Bits<WORD_INDEX_BITS>>,
    /// A stage taking several steps (64 bits): the walk is taken over into the
    /// registers and stepped from them, a beat later at the earliest.
    registered_takeover: Constant<Bit>,
    /// A stage taking one step (wide buses): the step is split over two clocks, the
    /// header's slot found in the first (clock 1) and its word read and the step
    /// computed in the next (clock 1b), so neither the take-over nor the pick meets the
    /// length's adder in one clock. Nothing in clock 1 needs the step's result: after it the stage is
    /// done, and the walk after it is kept in clock 1b (`h_*`).
    split_step: Constant<Bit>,
    /// A split stage that may take over a pointer (not the first): its slot is found
    /// from the two pointers' distances to the beat's last slot, formed side by side
    /// and chosen by the take-over after their carry chains (the first stage's from
    /// the constant first pointer; `WordPick`'s numbering).
    dual_pick: Constant<Bit>,
    select_mask: Constant<Bits<WORD_INDEX_BITS>>,
    beyond_mask: Constant<Bits<WORD_INDEX_BITS>>,
    distance_held: Signal<Local, Bits<WORD_INDEX_BITS>>,
    distance_taken: Signal<Local, Bits<WORD_INDEX_BITS>>,
    distance: Signal<Local, Bits<WORD_INDEX_BITS>>,
    /// The slot holding the header's word (`distance`'s select bits).
    slot_index: Signal<Local, Bits<WORD_INDEX_BITS>>,
    /// Clock 1b: `t_beat`'s slots, the bit offset of the slot `t_select` names, and
    /// its flags (one row of `t_flags` at a time, then the picked column); at 64 bits
    /// the word's flags from `word_flags_in`.
    t_slots: Signal<Local, Bits<DATA_BITS>>,
    t_select_lsb: Signal<Local, Bits<16>>,
    /// `t_select` as `t_flag_select_n` holds it.
    flag_select: Signal<Local, Bits<3>>,
    flag_row: Signal<Local, Bits<8>>,
    picked: Signal<Local, Bits<SLOT_FLAG_KINDS>>,
    /// Every slot's flags, row `f` at bit 8·f, one bit a slot: `t_flags` when split; at
    /// 64 bits the beat's one word's (`picked`) in column 0.
    flag_rows: Signal<Local, Bits<SLOT_FLAG_BITS>>,
    /// The beat holds the header's word.
    found: Signal<Local, Bit>,
    /// `split_step`: whether the beat holds the header's word, for the held and for
    /// the offered pointer, and whether a step is due, for either, so the step and
    /// the end are one choice by the take-over after the distances' carry chains
    /// (stop 50: the choice stood in front of the range test and the count's adder).
    found_held: Signal<Local, Bit>,
    found_taken: Signal<Local, Bit>,
    due_held: Signal<Local, Bit>,
    due_taken: Signal<Local, Bit>,
    /// What clock 1b reads: the registers of `split_step`, else clock 1's values.
    x_word: Signal<Local, Bits<64>>,
    x_ptr: Signal<Local, Bits<WORD_INDEX_BITS>>,
    x_step_ptr: Signal<Local, Bits<WORD_INDEX_BITS>>,
    x_nh: Signal<Local, Bits<8>>,
    x_nh_fragment: Signal<Local, Bit>,
    /// `split_step`: the frame's walk has stepped in an earlier beat (`h_*` hold it).
    x_held: Signal<Local, Bit>,
    /// The walk as a step reads it: the take-over's choice, or (`registered_takeover`)
    /// the registers alone.
    step_started: Signal<Local, Bit>,
    step_done: Signal<Local, Bit>,
    step_nh_fragment: Signal<Local, Bit>,
    cur_nh_fragment: Signal<Local, Bit>,
    /// The header after the step's is the fragment header.
    next_nh_fragment: Signal<Local, Bit>,
    /// The header word number a step reads.
    step_ptr: Signal<Local, Bits<WORD_INDEX_BITS>>,
    /// (64 bits) The walk before this beat with the last step's pending results
    /// folded in (before the take-over).
    eff_ptr: Signal<Local, Bits<WORD_INDEX_BITS>>,
    eff_count: Signal<Local, Bits<3>>,
    eff_live: Signal<Local, Bit>,
    /// The walk before this beat's step (take-over included).
    pre_count: Signal<Local, Bits<3>>,
    pre_ptr: Signal<Local, Bits<WORD_INDEX_BITS>>,
    pre_nh: Signal<Local, Bits<8>>,
    /// The beat's word number.
    slot: Signal<Local, Bits<WORD_INDEX_BITS>>,
    /// A take-over's pointer is in the next valid beat, in the one after.
    here_take: Signal<Local, Bit>,
    here2_take: Signal<Local, Bit>,
    /// The last load's header cannot be reached: the countdown stops.
    unreachable: Signal<Local, Bit>,
    /// Clock 2: the walk's pointer and step count after the step.
    count_after: Signal<Local, Bits<3>>,
    ptr_after: Signal<Local, Bits<WORD_INDEX_BITS>>,
    cur_started: Signal<Local, Bit>,
    cur_count: Signal<Local, Bits<3>>,
    cur_done: Signal<Local, Bit>,
    cur_ptr: Signal<Local, Bits<WORD_INDEX_BITS>>,
    /// The walk is taken over from the stage before in this beat.
    taking_over: Signal<Local, Bit>,
    /// `split_step`, clock 1: slot `j`'s length byte, its step's sum from the held
    /// pointer (the first stage's constant) and from the offered one (`2·(p + len + 1)`
    /// as `(2p + 1) + (2len + 1)`, one carry chain each), the one the take-over
    /// chooses, and every slot's side by side.
    slot_len: Signal<Local, Bits<8>>,
    step_ptr_held: Signal<Local, Bits<WORD_INDEX_BITS>>,
    slot_sum_held: Signal<Local, Bits<11>>,
    slot_sum_taken: Signal<Local, Bits<11>>,
    slot_sum: Signal<Local, Bits<11>>,
    slot_sums: Signal<Local, Bits<128>>,
    /// Clock 1b: the picked slot's sum (the pointer + 1 after a fragment header, one
    /// word long whatever its length byte says), and its bit offset in `t_sums`.
    t_select_sum_lsb: Signal<Local, Bits<16>>,
    step_sum: Signal<Local, Bits<SUM_BITS>>,
    /// Every slot's Home Address test (option type and the option walk's closed form),
    /// one bit a slot, picked after.
    home_row: Signal<Local, Bits<8>>,
    cur_nh: Signal<Local, Bits<8>>,
    cur_live: Signal<Local, Bit>,
    live_before: Signal<Local, Bit>,
    live_after: Signal<Local, Bit>,
    stepped: Signal<Local, Bit>,
    ended: Signal<Local, Bit>,
    w: Signal<Local, Bits<64>>,
    ext_len: Signal<Local, Bits<8>>,
    ptr_sum: Signal<Local, Bits<11>>,
    /// The next header's pointer as the sum's low bits, and whether the sum passed 63
    /// (where the pointer saturates).
    sum_ptr: Signal<Local, Bits<WORD_INDEX_BITS>>,
    sum_past: Signal<Local, Bit>,
    next_ptr: Signal<Local, Bits<10>>,
    this_fragment: Signal<Local, Bit>,
    next_is_ext: Signal<Local, Bit>,
    cur_bad: Signal<Local, Bit>,
    cur_fragment: Signal<Local, Bit>,
    cur_need: Signal<Local, Bits<NEED_BITS>>,
    cur_stepped: Signal<Local, Bit>,
    cur_ex_src: Signal<Local, Bit>,
    cur_ex_src_ptr: Signal<Local, Bits<WORD_INDEX_BITS>>,
    cur_ex_dst: Signal<Local, Bit>,
    cur_ex_dst_ptr: Signal<Local, Bits<WORD_INDEX_BITS>>,
    header_end: Signal<Local, Bits<END_BITS>>,
    /// `s_end_words − s_past_header`, negative when the header runs past the datagram
    /// (a compare as the sign of a difference, the crate's rule: see `crate`).
    end_room: Signal<Local, Bits<16>>,
    too_long: Signal<Local, Bit>,
}

impl<const DATA_BITS: usize, const BUNDLE_BITS: usize> ExtStep<DATA_BITS, BUNDLE_BITS> {
    /// A stage taking up to `max_steps` steps (one per beat); `passthrough` builds it as
    /// wires.
    pub fn new(max_steps: u8, passthrough: bool) -> Self {
        Self::build(max_steps, passthrough, false, WordPick::new(false))
    }

    /// The stage that takes the walk's first step and no other: its header is always
    /// the first extension header ([`FIRST_EXT_WORD`]), so its slot is found from that
    /// constant, not from a pointer taken over (wide beats only).
    pub fn first_step_only() -> Self {
        Self::build(1, false, true, WordPick::fixed(FIRST_EXT_WORD, false))
    }

    fn build(
        max_steps: u8,
        passthrough: bool,
        first_only: bool,
        header: WordPick<DATA_BITS, BUNDLE_BITS>,
    ) -> Self {
        let byte = |v: u8| Constant::new(u64::from(v).to_bits());
        let words = (DATA_BITS / 64) as u64;
        Self {
            clock: Default::default(),
            reset: Default::default(),
            beat_in: Default::default(),
            walk_ready_in: Default::default(),
            walk_live_in: Default::default(),
            walk_ptr_in: Default::default(),
            walk_nh_in: Default::default(),
            end_in: Default::default(),
            bad_in: Default::default(),
            fragment_in: Default::default(),
            need_in: Default::default(),
            ex_src_in: Default::default(),
            ex_src_ptr_in: Default::default(),
            ex_dst_in: Default::default(),
            ex_dst_ptr_in: Default::default(),
            ihl_in: Default::default(),
            l4_word_in: Default::default(),
            l4_before_in: Default::default(),
            word_flags_in: Default::default(),
            beat_out: Default::default(),
            held_n_out: Default::default(),
            walk_ready_out: Default::default(),
            walk_live_out: Default::default(),
            walk_ptr_out: Default::default(),
            walk_nh_out: Default::default(),
            end_out: Default::default(),
            bad_out: Default::default(),
            fragment_out: Default::default(),
            need_out: Default::default(),
            ex_src_out: Default::default(),
            ex_src_ptr_out: Default::default(),
            ex_src_after_out: Default::default(),
            ex_dst_out: Default::default(),
            ex_dst_ptr_out: Default::default(),
            ex_dst_after_out: Default::default(),
            ihl_out: Default::default(),
            l4_word_out: Default::default(),
            l4_before_out: Default::default(),
            header,
            slot_flags: Default::default(),
            started: Default::default(),
            count: Default::default(),
            ptr_q: Default::default(),
            nh_q: Default::default(),
            nh_fragment_q: Default::default(),
            live_q: Default::default(),
            p_stepped: Default::default(),
            p_ptr: Default::default(),
            p_past: Default::default(),
            p_live: Default::default(),
            p_ended: Default::default(),
            p_load: Default::default(),
            p_unreachable: Default::default(),
            here_q: Default::default(),
            countdown: Default::default(),
            done_if_stepped_q: Default::default(),
            done_if_not_q: Default::default(),
            count_onehot: Default::default(),
            armed_q: Default::default(),
            lost_q: Default::default(),
            here2_q: Default::default(),
            end_plus_q: Default::default(),
            t_beat: Default::default(),
            t_select: Default::default(),
            t_flag_select_n: Default::default(),
            t_flags: Default::default(),
            t_started: Default::default(),
            t_count: Default::default(),
            t_live_before: Default::default(),
            t_ptr: Default::default(),
            t_nh: Default::default(),
            t_nh_fragment: Default::default(),
            t_stepped: Default::default(),
            t_ended: Default::default(),
            t_sums: Default::default(),
            t_nh_options: Default::default(),
            t_nh_routing: Default::default(),
            t_end: Default::default(),
            t_bad_in: Default::default(),
            t_fragment_in: Default::default(),
            t_need_in: Default::default(),
            t_ex_src_in: Default::default(),
            t_ex_src_ptr_in: Default::default(),
            t_ex_dst_in: Default::default(),
            t_ex_dst_ptr_in: Default::default(),
            t_ihl: Default::default(),
            h_stepped: Default::default(),
            h_live: Default::default(),
            h_ptr: Default::default(),
            h_past: Default::default(),
            h_nh: Default::default(),
            s_beat: Default::default(),
            s_started: Default::default(),
            s_live_before: Default::default(),
            s_next_live: Default::default(),
            s_count: Default::default(),
            s_ptr_out: Default::default(),
            s_ptr_stepped: Default::default(),
            s_ptr_past: Default::default(),
            s_nh_out: Default::default(),
            s_nh_stepped: Default::default(),
            s_stepped: Default::default(),
            s_ended: Default::default(),
            s_fragment: Default::default(),
            s_routing_type2: Default::default(),
            s_home_option: Default::default(),
            s_address_ptr: Default::default(),
            s_past_header: Default::default(),
            s_end_words: Default::default(),
            s_end: Default::default(),
            s_bad_in: Default::default(),
            s_fragment_in: Default::default(),
            s_need_in: Default::default(),
            s_ex_src_in: Default::default(),
            s_ex_src_ptr_in: Default::default(),
            s_ex_dst_in: Default::default(),
            s_ex_dst_ptr_in: Default::default(),
            s_ihl: Default::default(),
            bad_q: Default::default(),
            fragment_q: Default::default(),
            need_q: Default::default(),
            stepped_q: Default::default(),
            ex_src_q: Default::default(),
            ex_src_ptr_q: Default::default(),
            ex_dst_q: Default::default(),
            ex_dst_ptr_q: Default::default(),
            beat_q: Default::default(),
            held_n_q: Default::default(),
            held_lsb: Constant::new((crate::beat::held_lsb(DATA_BITS) as u64).to_bits()),
            ready_o: Default::default(),
            live_o: Default::default(),
            ptr_o: Default::default(),
            nh_o: Default::default(),
            end_o: Default::default(),
            bad_o: Default::default(),
            fragment_o: Default::default(),
            need_o: Default::default(),
            ex_src_o: Default::default(),
            ex_src_ptr_o: Default::default(),
            ex_dst_o: Default::default(),
            ex_dst_ptr_o: Default::default(),
            ex_src_after_o: Default::default(),
            ex_dst_after_o: Default::default(),
            ihl_o: Default::default(),
            l4_word_o: Default::default(),
            l4_before_o: Default::default(),
            ipv4_l4_bias: Constant::new(IPV4_L4_WORD_BIAS.to_bits()),
            ipv4_l4_before_bias: Constant::new((IPV4_L4_WORD_BIAS - 1).to_bits()),
            routing: byte(IPPROTO_ROUTING),
            fragment_header: byte(IPPROTO_FRAGMENT),
            destination_options: byte(IPPROTO_DSTOPTS),
            max_steps: Constant::new(u64::from(max_steps).to_bits()),
            last_step: Constant::new(u64::from(max_steps.saturating_sub(1)).to_bits()),
            passthrough: Constant::new(passthrough),
            first_only: Constant::new(first_only),
            first_ext: Constant::new(FIRST_EXT_WORD.to_bits()),
            registered_takeover: Constant::new(max_steps > 1 && !passthrough),
            split_step: Constant::new(max_steps == 1 && !passthrough),
            dual_pick: Constant::new(max_steps == 1 && !passthrough && !first_only),
            select_mask: Constant::new((words - 1).to_bits()),
            beyond_mask: Constant::new((!(words - 1) & ((1 << WORD_INDEX_BITS) - 1)).to_bits()),
            distance_held: Default::default(),
            distance_taken: Default::default(),
            distance: Default::default(),
            slot_index: Default::default(),
            t_slots: Default::default(),
            t_select_lsb: Default::default(),
            flag_select: Default::default(),
            flag_row: Default::default(),
            picked: Default::default(),
            flag_rows: Default::default(),
            found: Default::default(),
            found_held: Default::default(),
            found_taken: Default::default(),
            due_held: Default::default(),
            due_taken: Default::default(),
            x_word: Default::default(),
            x_ptr: Default::default(),
            x_step_ptr: Default::default(),
            x_nh: Default::default(),
            x_nh_fragment: Default::default(),
            x_held: Default::default(),
            step_started: Default::default(),
            step_done: Default::default(),
            step_nh_fragment: Default::default(),
            cur_nh_fragment: Default::default(),
            next_nh_fragment: Default::default(),
            step_ptr: Default::default(),
            eff_ptr: Default::default(),
            eff_count: Default::default(),
            eff_live: Default::default(),
            pre_count: Default::default(),
            pre_ptr: Default::default(),
            pre_nh: Default::default(),
            slot: Default::default(),
            here_take: Default::default(),
            here2_take: Default::default(),
            unreachable: Default::default(),
            ptr_after: Default::default(),
            count_after: Default::default(),
            cur_started: Default::default(),
            cur_count: Default::default(),
            cur_done: Default::default(),
            cur_ptr: Default::default(),
            taking_over: Default::default(),
            slot_len: Default::default(),
            step_ptr_held: Default::default(),
            slot_sum_held: Default::default(),
            slot_sum_taken: Default::default(),
            slot_sum: Default::default(),
            slot_sums: Default::default(),
            t_select_sum_lsb: Default::default(),
            step_sum: Default::default(),
            home_row: Default::default(),
            cur_nh: Default::default(),
            cur_live: Default::default(),
            live_before: Default::default(),
            live_after: Default::default(),
            stepped: Default::default(),
            ended: Default::default(),
            w: Default::default(),
            ext_len: Default::default(),
            ptr_sum: Default::default(),
            sum_ptr: Default::default(),
            sum_past: Default::default(),
            next_ptr: Default::default(),
            this_fragment: Default::default(),
            next_is_ext: Default::default(),
            cur_bad: Default::default(),
            cur_fragment: Default::default(),
            cur_need: Default::default(),
            cur_stepped: Default::default(),
            cur_ex_src: Default::default(),
            cur_ex_src_ptr: Default::default(),
            cur_ex_dst: Default::default(),
            cur_ex_dst_ptr: Default::default(),
            header_end: Default::default(),
            end_room: Default::default(),
            too_long: Default::default(),
        }
    }
}

impl<const DATA_BITS: usize, const BUNDLE_BITS: usize> Logic for ExtStep<DATA_BITS, BUNDLE_BITS> {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self,
            clock,
            started,
            count,
            ptr_q,
            nh_q,
            nh_fragment_q,
            live_q,
            p_stepped,
            p_ptr,
            p_past,
            p_live,
            p_ended,
            p_load,
            p_unreachable,
            here_q,
            countdown,
            done_if_stepped_q,
            done_if_not_q,
            count_onehot,
            armed_q,
            lost_q,
            here2_q,
            end_plus_q,
            t_beat,
            t_select,
            t_flag_select_n,
            t_flags,
            t_started,
            t_count,
            t_live_before,
            t_ptr,
            t_nh,
            t_nh_fragment,
            t_stepped,
            t_ended,
            t_sums,
            t_nh_options,
            t_nh_routing,
            t_end,
            t_bad_in,
            t_fragment_in,
            t_need_in,
            t_ex_src_in,
            t_ex_src_ptr_in,
            t_ex_dst_in,
            t_ex_dst_ptr_in,
            t_ihl,
            h_stepped,
            h_live,
            h_ptr,
            h_past,
            h_nh,
            s_beat,
            s_started,
            s_live_before,
            s_next_live,
            s_count,
            s_ptr_out,
            s_ptr_stepped,
            s_ptr_past,
            s_nh_out,
            s_nh_stepped,
            s_stepped,
            s_ended,
            s_fragment,
            s_routing_type2,
            s_home_option,
            s_address_ptr,
            s_past_header,
            s_end_words,
            s_end,
            s_bad_in,
            s_fragment_in,
            s_need_in,
            s_ex_src_in,
            s_ex_src_ptr_in,
            s_ex_dst_in,
            s_ex_dst_ptr_in,
            s_ihl,
            bad_q,
            fragment_q,
            need_q,
            stepped_q,
            ex_src_q,
            ex_src_ptr_q,
            ex_dst_q,
            ex_dst_ptr_q,
            beat_q,
            held_n_q,
            ready_o,
            live_o,
            ptr_o,
            nh_o,
            end_o,
            bad_o,
            fragment_o,
            need_o,
            ex_src_o,
            ex_src_ptr_o,
            ex_dst_o,
            ex_dst_ptr_o,
            ex_src_after_o,
            ex_dst_after_o,
            ihl_o,
            l4_word_o,
            l4_before_o
        );
        // ---- Clock 1: the walk. ----
        self.header.beat.next = self.beat_in.val();
        // At 64 bits the last valid beat's step (or end) is still in `p_*`: folded in
        // here, one multiplexer behind flip-flops.
        self.eff_ptr.next = self.ptr_q.q.val();
        self.eff_count.next = self.count.q.val();
        self.eff_live.next = self.live_q.q.val();
        if self.registered_takeover.val() {
            self.eff_live.next = self.live_q.q.val() & !self.p_ended.q.val();
            if self.p_stepped.q.val() {
                self.eff_ptr.next = self.p_ptr.q.val();
                if self.p_past.q.val() {
                    self.eff_ptr.next = 63.into();
                }
                self.eff_count.next = self.count.q.val() + 1_u64;
                self.eff_live.next = self.p_live.q.val();
            }
        }
        self.cur_started.next = self.started.q.val();
        self.cur_count.next = self.eff_count.val();
        self.cur_ptr.next = self.eff_ptr.val();
        self.cur_nh.next = self.nh_q.q.val();
        self.cur_live.next = self.eff_live.val();
        self.cur_nh_fragment.next = self.nh_fragment_q.q.val();
        if self.beat_in.val().get_bit(1) {
            self.cur_started.next = false;
            self.cur_count.next = 0.into();
        }
        // Take the walk over from the stage before once it is final.
        self.taking_over.next = !self.cur_started.val() & self.walk_ready_in.val();
        if self.taking_over.val() {
            self.cur_started.next = true;
            self.cur_ptr.next = self.walk_ptr_in.val();
            self.cur_nh.next = self.walk_nh_in.val();
            self.cur_nh_fragment.next = self.walk_nh_in.val() == self.fragment_header.val();
            self.cur_live.next = self.walk_live_in.val();
        }
        self.cur_done.next = !self.cur_live.val() | (self.cur_count.val() == self.max_steps.val());
        self.step_started.next = self.cur_started.val();
        self.step_nh_fragment.next = self.cur_nh_fragment.val();
        self.step_done.next = self.cur_done.val();
        // At 64 bits the walk is taken over from `L3Header` at L3's first word, five
        // words before the first extension header can start, so no step is ever due in
        // the take-over beat: steps read the registers alone, and the take-over's
        // multiplexer stays off the walk's loop (pointer → pick → length → adder →
        // pointer). `ended` still sees the walk taken over this beat.
        if self.registered_takeover.val() {
            self.step_started.next = self.armed_q.q.val();
            self.step_nh_fragment.next = self.nh_fragment_q.q.val();
            self.step_done.next = self.done_if_not_q.q.val();
            if self.p_stepped.q.val() {
                self.step_done.next = self.done_if_stepped_q.q.val();
            }
        }
        // A step happens only with the walk taken over and not yet stepped here, so in
        // the first stage the pointer is then the first extension header's (the walk
        // starts there), and the pick and the next pointer's adder start from a
        // constant instead of the take-over multiplexer.
        self.step_ptr.next = self.cur_ptr.val();
        if self.registered_takeover.val() {
            self.step_ptr.next = self.eff_ptr.val();
        }
        if self.first_only.val() {
            self.step_ptr.next = self.first_ext.val();
        }
        self.header.target.next = self.step_ptr.val();
        self.w.next = self.header.word.val();
        self.found.next = self.header.found.val();
        // (Formed only where read, so a simulator of the other stages skips them.)
        self.distance_held.next = 0.into();
        self.distance_taken.next = 0.into();
        self.distance.next = 0.into();
        self.slot_index.next = 0.into();
        self.slot_flags.beat.next = 0.into();
        if self.split_step.val() {
            self.distance.next =
                self.beat_in.val().get_bits::<WORD_INDEX_BITS>(10) - self.first_ext.val();
            if self.dual_pick.val() {
                self.distance_held.next =
                    self.beat_in.val().get_bits::<WORD_INDEX_BITS>(10) - self.ptr_q.q.val();
                self.distance_taken.next =
                    self.beat_in.val().get_bits::<WORD_INDEX_BITS>(10) - self.walk_ptr_in.val();
                self.distance.next = self.distance_held.val();
                if self.taking_over.val() {
                    self.distance.next = self.distance_taken.val();
                }
            }
            self.slot_index.next = self.distance.val() & self.select_mask.val();
            self.found_held.next = (self.distance.val() & self.beyond_mask.val()) == 0_u64;
            self.found_taken.next = self.found_held.val();
            if self.dual_pick.val() {
                self.found_held.next = (self.distance_held.val() & self.beyond_mask.val()) == 0_u64;
                self.found_taken.next =
                    (self.distance_taken.val() & self.beyond_mask.val()) == 0_u64;
            }
            self.found.next = self.found_held.val();
            if self.taking_over.val() {
                self.found.next = self.found_taken.val();
            }
            self.slot_flags.beat.next = self.beat_in.val();
        }
        if self.registered_takeover.val() {
            self.found.next = self.here_q.q.val();
        }
        self.stepped.next = self.beat_in.val().get_bit(0)
            & self.step_started.val()
            & !self.step_done.val()
            & self.found.val();
        // At 64 bits every register a step loads is loaded on a valid beat only (and
        // `s_stepped` takes the valid flag itself), so the decision leaves it out.
        if self.registered_takeover.val() {
            self.stepped.next = self.step_started.val() & !self.step_done.val() & self.found.val();
        }
        // The frame ends before the header due: past its end or the window.
        self.ended.next = self.beat_in.val().get_bit(0)
            & self.cur_started.val()
            & !self.cur_done.val()
            & !(self.found.val() & self.step_started.val())
            & self.beat_in.val().get_bit(2);
        // A split stage decides the step and the end for the held walk and for the
        // offered one side by side (`cur_started`, `cur_live` and `cur_count` as they
        // would be) and the take-over chooses last.
        self.due_held.next = self.beat_in.val().get_bit(0)
            & self.started.q.val()
            & !self.beat_in.val().get_bit(1)
            & self.live_q.q.val()
            & (self.count.q.val() != self.max_steps.val());
        self.due_taken.next = self.beat_in.val().get_bit(0)
            & self.walk_live_in.val()
            & (self.beat_in.val().get_bit(1) | (self.count.q.val() != self.max_steps.val()));
        if self.split_step.val() {
            self.stepped.next = self.due_held.val() & self.found_held.val();
            self.ended.next =
                self.due_held.val() & !self.found_held.val() & self.beat_in.val().get_bit(2);
            if self.taking_over.val() {
                self.stepped.next = self.due_taken.val() & self.found_taken.val();
                self.ended.next =
                    self.due_taken.val() & !self.found_taken.val() & self.beat_in.val().get_bit(2);
            }
        }
        // At 64 bits from the step's own flags: a walk taken over this beat has taken
        // no step (the count is 0), and otherwise the walk is done exactly when the
        // step decision says so (a walk that ended made this beat a first one).
        if self.registered_takeover.val() {
            self.ended.next = self.beat_in.val().get_bit(0)
                & self.step_started.val()
                & !self.step_done.val()
                & !self.here_q.q.val()
                & self.beat_in.val().get_bit(2);
            if self.taking_over.val() {
                self.ended.next = self.beat_in.val().get_bit(0)
                    & self.walk_live_in.val()
                    & self.beat_in.val().get_bit(2);
            }
        }
        // The step's operands as clock 1 has them (the walk before the step), kept for
        // clock 1b by `split_step`.
        self.x_word.next = self.w.val();
        self.x_ptr.next = self.cur_ptr.val();
        self.x_step_ptr.next = self.step_ptr.val();
        self.x_nh.next = self.cur_nh.val();
        self.x_nh_fragment.next = self.step_nh_fragment.val();
        // At 64 bits a step never meets a take-over: it reads the walk as held.
        if self.registered_takeover.val() {
            self.x_ptr.next = self.eff_ptr.val();
            self.x_nh.next = self.nh_q.q.val();
        }
        self.t_slots.next = 0.into();
        self.t_select_lsb.next = 0.into();
        self.flag_row.next = 0.into();
        self.flag_select.next = !self.t_flag_select_n.q.val();
        self.picked.next = 0.into();
        if self.registered_takeover.val() {
            self.picked.next = self.word_flags_in.val();
        }
        if self.split_step.val() {
            self.t_select.d.next = self.slot_index.val().get_bits::<3>(0);
            self.t_flag_select_n.d.next = !self.slot_index.val().get_bits::<3>(0);
            self.t_flags.d.next = self.slot_flags.flags.val();
            self.t_ptr.d.next = self.cur_ptr.val();
            self.t_nh.d.next = self.cur_nh.val();
            self.t_nh_fragment.d.next = self.step_nh_fragment.val();
            self.t_stepped.d.next = self.stepped.val();
            self.t_slots.next = self.t_beat.q.val().get_bits::<DATA_BITS>(96);
            self.t_select_lsb.next = bit_cast::<16, 3>(self.t_select.q.val()) << 6_u64;
            self.x_word.next = self
                .t_slots
                .val()
                .get_bits::<64>(self.t_select_lsb.val().index());
            self.x_ptr.next = self.t_ptr.q.val();
            self.x_step_ptr.next = self.t_ptr.q.val();
            if self.first_only.val() {
                self.x_step_ptr.next = self.first_ext.val();
            }
            self.x_nh.next = self.t_nh.q.val();
            self.x_nh_fragment.next = self.t_nh_fragment.q.val();
            // The picked slot's flags, bit `f` for flag `f` (`crate::slot_flags`).
            for f in 0..SLOT_FLAG_KINDS {
                self.flag_row.next = self.t_flags.q.val().get_bits::<8>(8 * f);
                self.picked.next = self.picked.val().replace_bit(
                    f,
                    self.flag_row.val().get_bit(self.flag_select.val().index()),
                );
            }
        }
        // ---- Clock 1b (clock 1 itself unless `split_step`): the step. ----
        // Next header at ptr + length + 1 words (the fragment header's length is 0).
        // One carry chain: (2·ptr + 1) + (2·len + 1) = 2·(ptr + len + 1); the
        // saturation at 63 tests the high bits, not a second chain.
        self.ext_len.next = self.x_word.val().get_bits::<8>(48);
        if self.x_nh_fragment.val() {
            self.ext_len.next = 0.into();
        }
        self.ptr_sum.next = ((bit_cast::<11, WORD_INDEX_BITS>(self.x_step_ptr.val()) << 1_u64)
            | 1_u64)
            + ((bit_cast::<11, 8>(self.ext_len.val()) << 1_u64) | 1_u64);
        // A split stage formed every slot's sum in clock 1 and picks the found slot's:
        // the pick meets no adder (the fragment header's is the pointer + 1).
        self.t_select_sum_lsb.next = bit_cast::<16, 3>(self.t_select.q.val()) << 4_u64;
        self.step_sum.next = self
            .t_sums
            .q
            .val()
            .get_bits::<SUM_BITS>(self.t_select_sum_lsb.val().index());
        if self.x_nh_fragment.val() {
            self.step_sum.next =
                bit_cast::<SUM_BITS, WORD_INDEX_BITS>(self.x_step_ptr.val()) + 1_u64;
        }
        if self.split_step.val() {
            self.ptr_sum.next = bit_cast::<11, SUM_BITS>(self.step_sum.val()) << 1_u64;
        }
        self.sum_ptr.next = self.ptr_sum.val().get_bits::<WORD_INDEX_BITS>(1);
        self.sum_past.next = self.ptr_sum.val().get_bits::<4>(7).any();
        self.next_ptr.next = self.ptr_sum.val().get_bits::<10>(1);
        if self.sum_past.val() {
            self.next_ptr.next = 63.into();
        }
        // The word's flags: at 64 bits the whole beat's, judged a clock ahead by
        // `L3Header`; wider, the picked slot's, judged in clock 1 (`SlotFlags`).
        self.this_fragment.next = self.x_nh_fragment.val() & self.picked.val().get_bit(2);
        self.next_nh_fragment.next = self.picked.val().get_bit(1);
        self.next_is_ext.next = self.picked.val().get_bit(0);
        // What clock 2 records about the header's address words: the header's type
        // here, the word's bytes in the flags.
        self.s_routing_type2.d.next =
            (self.x_nh.val() == self.routing.val()) & self.picked.val().get_bit(3);
        // Home Address test: the option type and the option walk over header bytes
        // 2..6 landing on offset 6 (closed form, checked against the model's walk in
        // `SlotFlags`' test and rss-model's), formed on every slot's row of flags and
        // the found slot's bit picked after (a split stage compared the header's type
        // in clock 1). Rows 4..11 are `slot_flags::HOME_OPTION` .. `B5_IS0`, as literal
        // offsets: hdl_gen emits a constant's path as a signal name.
        self.flag_rows.next = 0.into();
        for f in 0..SLOT_FLAG_KINDS {
            self.flag_rows.next = self
                .flag_rows
                .val()
                .replace_bit(8 * f, self.picked.val().get_bit(f));
        }
        if self.split_step.val() {
            self.flag_rows.next = self.t_flags.q.val();
        }
        self.home_row.next = self.flag_rows.val().get_bits::<8>(32)
            & ((!self.flag_rows.val().get_bits::<8>(40) & self.flag_rows.val().get_bits::<8>(64))
                | (!self.flag_rows.val().get_bits::<8>(40)
                    & self.flag_rows.val().get_bits::<8>(48)
                    & self.flag_rows.val().get_bits::<8>(88))
                | (!self.flag_rows.val().get_bits::<8>(40)
                    & self.flag_rows.val().get_bits::<8>(56)
                    & self.flag_rows.val().get_bits::<8>(88))
                | (self.flag_rows.val().get_bits::<8>(40)
                    & self.flag_rows.val().get_bits::<8>(48)
                    & !self.flag_rows.val().get_bits::<8>(72)
                    & self.flag_rows.val().get_bits::<8>(88))
                | (self.flag_rows.val().get_bits::<8>(40)
                    & !self.flag_rows.val().get_bits::<8>(48)
                    & self.flag_rows.val().get_bits::<8>(80))
                | (self.flag_rows.val().get_bits::<8>(40)
                    & !self.flag_rows.val().get_bits::<8>(48)
                    & self.flag_rows.val().get_bits::<8>(72)
                    & self.flag_rows.val().get_bits::<8>(88)));
        self.s_home_option.d.next =
            (self.x_nh.val() == self.destination_options.val()) & self.home_row.val().get_bit(0);
        if self.split_step.val() {
            self.s_routing_type2.d.next = self.t_nh_routing.q.val() & self.picked.val().get_bit(3);
            self.s_home_option.d.next = self.t_nh_options.q.val()
                & self.home_row.val().get_bit(self.flag_select.val().index());
        }
        self.s_address_ptr.d.next = self.x_ptr.val() + 1_u64;
        // (The fragment header's length is 0 here: it is one word.)
        self.s_past_header.d.next = self.ptr_sum.val().get_bits::<10>(1);
        // ---- Clock 1: the walk's state. ----
        // Every slot's step sum as if the header's word were there (the step reads one
        // only when the pointer names its slot), from flip-flops: the pointer held or
        // offered and the slot's length byte, one carry chain each, side by side, the
        // take-over choosing after them; clock 1b picks the found slot's.
        self.step_ptr_held.next = self.ptr_q.q.val();
        if self.first_only.val() {
            self.step_ptr_held.next = self.first_ext.val();
        }
        self.slot_sums.next = 0.into();
        for j in 0..slots_per_beat(DATA_BITS) {
            self.slot_len.next = self.beat_in.val().get_bits::<8>(144 + 64 * j);
            self.slot_sum_held.next =
                ((bit_cast::<11, WORD_INDEX_BITS>(self.step_ptr_held.val()) << 1_u64) | 1_u64)
                    + ((bit_cast::<11, 8>(self.slot_len.val()) << 1_u64) | 1_u64);
            self.slot_sum_taken.next = self.slot_sum_held.val();
            if self.dual_pick.val() {
                self.slot_sum_taken.next =
                    ((bit_cast::<11, WORD_INDEX_BITS>(self.walk_ptr_in.val()) << 1_u64) | 1_u64)
                        + ((bit_cast::<11, 8>(self.slot_len.val()) << 1_u64) | 1_u64);
            }
            self.slot_sum.next = self.slot_sum_held.val();
            if self.taking_over.val() {
                self.slot_sum.next = self.slot_sum_taken.val();
            }
            for b in 0..SUM_BITS {
                self.slot_sums.next = self
                    .slot_sums
                    .val()
                    .replace_bit(16 * j + b, self.slot_sum.val().get_bit(b + 1));
            }
        }
        // The bound check reads the end + 32 in words: at 64 bits from the beat before
        // (no step is taken in the take-over beat, and the end is final by then), in a
        // split stage from the step's own beat.
        self.end_plus_q.d.next = bit_cast::<END_PLUS_BITS, END_BITS>(self.end_in.val()) + 32_u64;
        self.s_end_words.d.next = self.end_plus_q.q.val().get_bits::<15>(3);
        self.live_before.next = self.cur_live.val();
        self.pre_count.next = self.cur_count.val();
        self.pre_ptr.next = self.cur_ptr.val();
        self.pre_nh.next = self.cur_nh.val();
        if self.stepped.val() {
            self.cur_count.next = self.cur_count.val() + 1_u64;
            // A split stage steps once: its count is a flag, set without an adder.
            if self.split_step.val() {
                self.cur_count.next = 1.into();
            }
            // A split stage is done after its one step: clock 1 never reads the walk
            // after it, which clock 1b forms.
            if !self.split_step.val() {
                self.cur_live.next = self.next_is_ext.val() & !self.this_fragment.val();
                self.cur_nh.next = self.w.val().get_bits::<8>(56);
                self.cur_nh_fragment.next = self.next_nh_fragment.val();
                self.cur_ptr.next = self.next_ptr.val().get_bits::<WORD_INDEX_BITS>(0);
            }
        }
        if self.ended.val() {
            self.cur_live.next = false;
        }
        if self.beat_in.val().get_bit(0) {
            self.started.d.next = self.cur_started.val();
            self.armed_q.d.next = self.cur_started.val() & !self.beat_in.val().get_bit(2);
            self.count.d.next = self.cur_count.val();
            // (A split stage's count is 0 or 1: its upper bits are constants, so the
            // step decision reads one bit.)
            if self.split_step.val() {
                self.count.d.next = self.cur_count.val() & 1_u64;
            }
            self.ptr_q.d.next = self.cur_ptr.val();
            self.nh_q.d.next = self.cur_nh.val();
            self.nh_fragment_q.d.next = self.cur_nh_fragment.val();
            self.live_q.d.next = self.cur_live.val();
            // At 64 bits the step's count, pointer and liveness (and an end) wait in
            // `p_*` for a clock; the next header's type and fragment flag go straight
            // in (a compare and one choice).
            if self.registered_takeover.val() {
                self.count.d.next = self.pre_count.val();
                self.count_onehot.d.next = self.count_onehot.q.val();
                if self.p_stepped.q.val() {
                    self.count_onehot.d.next = self.count_onehot.q.val() << 1_u64;
                }
                if self.beat_in.val().get_bit(1) {
                    self.count_onehot.d.next = 1.into();
                }
                self.ptr_q.d.next = self.pre_ptr.val();
                self.live_q.d.next = self.live_before.val();
            }
        }
        // The countdown to the header's beat (64 bits). Word numbers go up one a valid
        // beat and stop at 60, so the header at word `p` is in the next valid beat when
        // `p` is that beat's number: after a step (this beat is word `ptr`) when the
        // length is 0, else when the countdown is 1, or, the beat after a load, from
        // the flag formed with it. A pointer past 60 (or behind a take-over) is never
        // found, as by the compare it replaces.
        self.slot.next = self.beat_in.val().get_bits::<WORD_INDEX_BITS>(10);
        // The take-over's compares keep their offsets on the pointer's side, where the
        // first stage's constant pointer folds them away (numbers stop at 60).
        self.here_take.next = ((self.walk_ptr_in.val() - 1_u64) == self.slot.val())
            & (self.slot.val() != 60_u64)
            | (self.walk_ptr_in.val() == 60_u64) & (self.slot.val() == 60_u64);
        self.here2_take.next = ((self.walk_ptr_in.val() - 2_u64) == self.slot.val())
            & (self.slot.val() < 59_u64)
            | (self.walk_ptr_in.val() == 60_u64) & (self.slot.val() >= 59_u64);
        self.unreachable.next = self.p_unreachable.q.val()
            | (self.p_stepped.q.val() & (self.p_past.q.val() | (self.p_ptr.q.val() > 60_u64)));
        if self.registered_takeover.val() & self.beat_in.val().get_bit(0) {
            self.p_stepped.d.next = self.stepped.val();
            self.p_ptr.d.next = self.sum_ptr.val();
            self.p_past.d.next = self.sum_past.val();
            self.p_live.d.next = self.next_is_ext.val() & !self.this_fragment.val();
            self.p_ended.d.next = self.ended.val();
            self.p_load.d.next = self.stepped.val() | self.taking_over.val();
            // Behind the next beat's number, or past 60.
            self.p_unreachable.d.next = self.taking_over.val()
                & (((self.walk_ptr_in.val() <= self.slot.val())
                    & !((self.walk_ptr_in.val() == 60_u64) & (self.slot.val() == 60_u64)))
                    | (self.walk_ptr_in.val() > 60_u64));
            if self.p_load.q.val() {
                self.lost_q.d.next = self.unreachable.val();
            }
            // (It wraps past 0 only once the walk has stepped there or is frozen: a
            // step, a take-over or a new frame reloads it before it is read again.)
            self.countdown.d.next = self.countdown.q.val() - 1_u64;
            self.here_q.d.next = (self.countdown.q.val() == 1_u64) & !self.lost_q.q.val();
            if self.p_load.q.val() {
                self.here_q.d.next = self.here2_q.q.val();
            }
            self.here2_q.d.next = (self.ext_len.val() == 1_u64) & (self.slot.val() < 59_u64);
            if self.stepped.val() {
                self.countdown.d.next = self.ext_len.val();
                self.here_q.d.next = (self.ext_len.val() == 0_u64) & (self.slot.val() < 60_u64);
            }
            if self.taking_over.val() {
                self.countdown.d.next = bit_cast::<8, WORD_INDEX_BITS>(
                    (self.walk_ptr_in.val() - 1_u64) - self.slot.val(),
                );
                self.here_q.d.next = self.here_take.val();
                self.here2_q.d.next = self.here2_take.val();
            }
        }
        // (Loaded only by a split stage: elsewhere they hold, and a simulator skips them.)
        if self.split_step.val() {
            self.t_beat.d.next = self.beat_in.val();
            self.t_started.d.next = self.cur_started.val();
            self.t_count.d.next = self.cur_count.val() & 1_u64;
            self.t_live_before.d.next = self.live_before.val();
            self.t_sums.d.next = self.slot_sums.val();
            self.t_nh_options.d.next = self.cur_nh.val() == self.destination_options.val();
            self.t_nh_routing.d.next = self.cur_nh.val() == self.routing.val();
            self.t_ended.d.next = self.ended.val();
            self.t_end.d.next = self.end_in.val();
            self.t_bad_in.d.next = self.bad_in.val();
            self.t_fragment_in.d.next = self.fragment_in.val();
            self.t_need_in.d.next = self.need_in.val();
            self.t_ex_src_in.d.next = self.ex_src_in.val();
            self.t_ex_src_ptr_in.d.next = self.ex_src_ptr_in.val();
            self.t_ex_dst_in.d.next = self.ex_dst_in.val();
            self.t_ex_dst_ptr_in.d.next = self.ex_dst_ptr_in.val();
            self.t_ihl.d.next = self.ihl_in.val();
        }
        self.s_beat.d.next = self.beat_in.val();
        self.s_started.d.next = self.cur_started.val();
        self.s_live_before.d.next = self.live_before.val();
        self.s_next_live.d.next = self.next_is_ext.val() & !self.this_fragment.val();
        self.s_count.d.next = self.cur_count.val();
        self.s_ptr_out.d.next = self.cur_ptr.val();
        self.s_ptr_stepped.d.next = self.sum_ptr.val();
        self.s_ptr_past.d.next = self.sum_past.val();
        if self.registered_takeover.val() {
            self.s_count.d.next = self.pre_count.val();
            self.s_ptr_out.d.next = self.pre_ptr.val();
        }
        self.s_nh_out.d.next = self.cur_nh.val();
        if self.registered_takeover.val() {
            self.s_nh_out.d.next = self.pre_nh.val();
            self.s_nh_stepped.d.next = self.w.val().get_bits::<8>(56);
        }
        self.s_stepped.d.next = self.stepped.val() & self.beat_in.val().get_bit(0);
        self.s_ended.d.next = self.ended.val();
        self.s_fragment.d.next = self.this_fragment.val();
        self.s_end.d.next = self.end_in.val();
        self.s_bad_in.d.next = self.bad_in.val();
        self.s_fragment_in.d.next = self.fragment_in.val();
        self.s_need_in.d.next = self.need_in.val();
        self.s_ex_src_in.d.next = self.ex_src_in.val();
        self.s_ex_src_ptr_in.d.next = self.ex_src_ptr_in.val();
        self.s_ex_dst_in.d.next = self.ex_dst_in.val();
        self.s_ex_dst_ptr_in.d.next = self.ex_dst_ptr_in.val();
        self.s_ihl.d.next = self.ihl_in.val();
        // A split stage's clock 1b: the walk after the step, from this beat's step or
        // from the one an earlier beat of the frame took.
        self.x_held.next = self.h_stepped.q.val() & !self.t_beat.q.val().get_bit(1);
        if self.split_step.val() {
            self.s_beat.d.next = self.t_beat.q.val();
            self.s_started.d.next = self.t_started.q.val();
            self.s_count.d.next = self.t_count.q.val();
            self.s_stepped.d.next = self.t_stepped.q.val();
            self.s_ended.d.next = self.t_ended.q.val();
            self.s_end.d.next = self.t_end.q.val();
            self.s_bad_in.d.next = self.t_bad_in.q.val();
            self.s_fragment_in.d.next = self.t_fragment_in.q.val();
            self.s_need_in.d.next = self.t_need_in.q.val();
            self.s_ex_src_in.d.next = self.t_ex_src_in.q.val();
            self.s_ex_src_ptr_in.d.next = self.t_ex_src_ptr_in.q.val();
            self.s_ex_dst_in.d.next = self.t_ex_dst_in.q.val();
            self.s_ex_dst_ptr_in.d.next = self.t_ex_dst_ptr_in.q.val();
            self.s_ihl.d.next = self.t_ihl.q.val();
            self.s_live_before.d.next = self.t_live_before.q.val();
            self.s_ptr_out.d.next = self.t_ptr.q.val();
            self.s_nh_out.d.next = self.t_nh.q.val();
            if self.x_held.val() {
                self.s_live_before.d.next = self.h_live.q.val();
                self.s_ptr_out.d.next = self.h_ptr.q.val();
                if self.h_past.q.val() {
                    self.s_ptr_out.d.next = 63.into();
                }
                self.s_nh_out.d.next = self.h_nh.q.val();
            }
            // This beat's step: its pointer (`s_ptr_stepped`, `s_ptr_past`) and next
            // header wait beside the walk before it, and clock 2 chooses, so neither
            // the adder nor the picked byte meets a multiplexer here.
            self.s_nh_stepped.d.next = self.x_word.val().get_bits::<8>(56);
            if self.t_beat.q.val().get_bit(0) {
                self.h_stepped.d.next = self.x_held.val() | self.t_stepped.q.val();
                if self.t_stepped.q.val() {
                    self.h_live.d.next = self.next_is_ext.val() & !self.this_fragment.val();
                    self.h_ptr.d.next = self.sum_ptr.val();
                    self.h_past.d.next = self.sum_past.val();
                    self.h_nh.d.next = self.x_word.val().get_bits::<8>(56);
                }
            }
        }

        // ---- Clock 2: the checks on the step just taken. ----
        // The walk's state after the step, as clock 1 kept it (`ended`: the frame ended
        // before the header due, which ends the walk).
        self.live_after.next = self.s_live_before.q.val() & !self.s_ended.q.val();
        self.ptr_after.next = self.s_ptr_out.q.val();
        self.count_after.next = self.s_count.q.val();
        if (self.registered_takeover.val() | self.split_step.val()) & self.s_stepped.q.val() {
            self.ptr_after.next = self.s_ptr_stepped.q.val();
            if self.s_ptr_past.q.val() {
                self.ptr_after.next = 63.into();
            }
        }
        if self.registered_takeover.val() & self.s_stepped.q.val() {
            self.count_after.next = self.s_count.q.val() + 1_u64;
        }
        if self.s_stepped.q.val() {
            self.live_after.next = self.s_next_live.q.val();
        }
        self.cur_bad.next = self.bad_q.q.val();
        self.cur_fragment.next = self.fragment_q.q.val();
        self.cur_need.next = self.need_q.q.val();
        self.cur_stepped.next = self.stepped_q.q.val();
        self.cur_ex_src.next = self.ex_src_q.q.val();
        self.cur_ex_src_ptr.next = self.ex_src_ptr_q.q.val();
        self.cur_ex_dst.next = self.ex_dst_q.q.val();
        self.cur_ex_dst_ptr.next = self.ex_dst_ptr_q.q.val();
        if self.s_beat.q.val().get_bit(1) {
            self.cur_bad.next = false;
            self.cur_fragment.next = false;
            self.cur_need.next = 0.into();
            self.cur_stepped.next = false;
            self.cur_ex_src.next = false;
            self.cur_ex_dst.next = false;
        }
        // Extension headers lie 40 bytes or more past L3 (the pointer is past word 4).
        self.header_end.next =
            bit_cast::<END_BITS, 10>(self.s_past_header.q.val() - 4_u64) << 3_u64;
        self.end_room.next = bit_cast::<16, 15>(self.s_end_words.q.val())
            - bit_cast::<16, 10>(self.s_past_header.q.val());
        self.too_long.next = self.end_room.val().get_bit(15);
        if self.s_stepped.q.val() {
            if self.s_routing_type2.q.val() {
                self.cur_ex_dst.next = true;
                self.cur_ex_dst_ptr.next = self.s_address_ptr.q.val();
            }
            if self.s_home_option.q.val() {
                self.cur_ex_src.next = true;
                self.cur_ex_src_ptr.next = self.s_address_ptr.q.val();
            }
            self.cur_fragment.next = self.cur_fragment.val() | self.s_fragment.q.val();
            self.cur_bad.next = self.cur_bad.val() | self.too_long.val();
            self.cur_stepped.next = true;
            self.cur_need.next = self.header_end.val().get_bits::<NEED_BITS>(0);
            if self.header_end.val().get_bits::<5>(12).any() {
                self.cur_need.next = 0xfff.into();
            }
        }
        if self.s_ended.q.val() {
            self.cur_bad.next = true;
        }
        if self.s_beat.q.val().get_bit(0) {
            self.bad_q.d.next = self.cur_bad.val();
            self.fragment_q.d.next = self.cur_fragment.val();
            self.need_q.d.next = self.cur_need.val();
            self.stepped_q.d.next = self.cur_stepped.val();
            self.ex_src_q.d.next = self.cur_ex_src.val();
            self.ex_src_ptr_q.d.next = self.cur_ex_src_ptr.val();
            self.ex_dst_q.d.next = self.cur_ex_dst.val();
            self.ex_dst_ptr_q.d.next = self.cur_ex_dst_ptr.val();
        }
        self.beat_q.d.next = self.s_beat.q.val();
        self.held_n_q.d.next = !self
            .s_beat
            .q
            .val()
            .get_bits::<6>(self.held_lsb.val().index());
        self.ready_o.d.next = self.s_started.q.val()
            & (!self.live_after.val() | (self.count_after.val() == self.max_steps.val()));
        self.live_o.d.next = self.live_after.val();
        self.ptr_o.d.next = self.ptr_after.val();
        self.nh_o.d.next = self.s_nh_out.q.val();
        if (self.split_step.val() | self.registered_takeover.val()) & self.s_stepped.q.val() {
            self.nh_o.d.next = self.s_nh_stepped.q.val();
        }
        self.end_o.d.next = self.s_end.q.val();
        self.bad_o.d.next = self.s_bad_in.q.val() | self.cur_bad.val();
        self.fragment_o.d.next = self.s_fragment_in.q.val() | self.cur_fragment.val();
        // The bytes needed: the larger of the need so far and this stage's. Headers
        // lie in order, each past the one before and past the 40-byte IPv6 header
        // (the most a stage before can need), so a header's end is the larger one
        // whenever this stage has stepped: a flag instead of a 12-bit compare behind
        // the end's adder.
        self.need_o.d.next = self.s_need_in.q.val();
        if self.cur_stepped.val() {
            self.need_o.d.next = self.cur_need.val();
        }
        // The address words follow the header's first word; a later find overrides.
        self.ex_src_o.d.next = self.s_ex_src_in.q.val() | self.cur_ex_src.val();
        self.ex_src_ptr_o.d.next = self.s_ex_src_ptr_in.q.val();
        if self.cur_ex_src.val() {
            self.ex_src_ptr_o.d.next = self.cur_ex_src_ptr.val();
        }
        self.ex_dst_o.d.next = self.s_ex_dst_in.q.val() | self.cur_ex_dst.val();
        self.ex_dst_ptr_o.d.next = self.s_ex_dst_ptr_in.q.val();
        if self.cur_ex_dst.val() {
            self.ex_dst_ptr_o.d.next = self.cur_ex_dst_ptr.val();
        }
        self.ex_src_after_o.d.next = self.ex_src_ptr_o.d.val() + 1_u64;
        self.ex_dst_after_o.d.next = self.ex_dst_ptr_o.d.val() + 1_u64;
        self.ihl_o.d.next = self.s_ihl.q.val();
        self.l4_word_o.d.next =
            self.ipv4_l4_bias.val() + bit_cast::<WORD_INDEX_BITS, 4>(self.s_ihl.q.val() >> 1_u64);
        self.l4_before_o.d.next = self.ipv4_l4_before_bias.val()
            + bit_cast::<WORD_INDEX_BITS, 4>(self.s_ihl.q.val() >> 1_u64);
        if self.s_beat.q.val().get_bit(4) {
            self.l4_word_o.d.next = self.ptr_after.val();
            self.l4_before_o.d.next = self.ptr_after.val() - 1_u64;
        }
        if self.reset.val() {
            self.p_stepped.d.next = false;
            self.p_ended.d.next = false;
            self.p_load.d.next = false;
            self.armed_q.d.next = false;
            self.t_beat.d.next = 0.into();
            self.s_beat.d.next = 0.into();
            self.beat_q.d.next = 0.into();
            self.held_n_q.d.next = 0x3f.into();
        }
        // (After every assignment to the registers they read, reset's included.)
        self.done_if_stepped_q.d.next = !self.p_live.d.val()
            | self
                .count_onehot
                .d
                .val()
                .get_bit(self.last_step.val().index());
        // (Without the pending end: a walk ends on a frame's last beat, and the next
        // valid beat, a first one, takes no step whatever this says.)
        self.done_if_not_q.d.next = !self.live_q.d.val()
            | self
                .count_onehot
                .d
                .val()
                .get_bit(self.max_steps.val().index());
        self.beat_out.next = self.beat_q.q.val();
        self.held_n_out.next = self.held_n_q.q.val();
        self.walk_ready_out.next = self.ready_o.q.val();
        self.walk_live_out.next = self.live_o.q.val();
        self.walk_ptr_out.next = self.ptr_o.q.val();
        self.walk_nh_out.next = self.nh_o.q.val();
        self.end_out.next = self.end_o.q.val();
        self.bad_out.next = self.bad_o.q.val();
        self.fragment_out.next = self.fragment_o.q.val();
        self.need_out.next = self.need_o.q.val();
        self.ex_src_out.next = self.ex_src_o.q.val();
        self.ex_src_ptr_out.next = self.ex_src_ptr_o.q.val();
        self.ex_dst_out.next = self.ex_dst_o.q.val();
        self.ex_dst_ptr_out.next = self.ex_dst_ptr_o.q.val();
        self.ex_src_after_out.next = self.ex_src_after_o.q.val();
        self.ex_dst_after_out.next = self.ex_dst_after_o.q.val();
        self.ihl_out.next = self.ihl_o.q.val();
        self.l4_word_out.next = self.l4_word_o.q.val();
        self.l4_before_out.next = self.l4_before_o.q.val();
        // A stage built as wires: outputs follow inputs, its registers go unused.
        if self.passthrough.val() {
            self.beat_out.next = self.beat_in.val();
            self.held_n_out.next = !self
                .beat_in
                .val()
                .get_bits::<6>(self.held_lsb.val().index());
            self.walk_ready_out.next = self.walk_ready_in.val();
            self.walk_live_out.next = self.walk_live_in.val();
            self.walk_ptr_out.next = self.walk_ptr_in.val();
            self.walk_nh_out.next = self.walk_nh_in.val();
            self.end_out.next = self.end_in.val();
            self.bad_out.next = self.bad_in.val();
            self.fragment_out.next = self.fragment_in.val();
            self.need_out.next = self.need_in.val();
            self.ex_src_out.next = self.ex_src_in.val();
            self.ex_src_ptr_out.next = self.ex_src_ptr_in.val();
            self.ex_dst_out.next = self.ex_dst_in.val();
            self.ex_dst_ptr_out.next = self.ex_dst_ptr_in.val();
            self.ex_src_after_out.next = self.ex_src_ptr_in.val() + 1_u64;
            self.ex_dst_after_out.next = self.ex_dst_ptr_in.val() + 1_u64;
            self.ihl_out.next = self.ihl_in.val();
            self.l4_word_out.next = self.l4_word_in.val();
            self.l4_before_out.next = self.l4_before_in.val();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ext_step_is_synthesizable() {
        let mut uut = ExtStep::<64, { crate::beat::bundle_bits(64) }>::new(4, false);
        uut.connect_all();
        crate::lint::assert_lints_clean(&generate_verilog(&uut), "ext_step");
    }
}
