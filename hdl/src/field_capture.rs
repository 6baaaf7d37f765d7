//! Last parser stage: keeps the words the hash may need as they pass (IP addresses,
//! the Home Address and type 2 routing addresses where the walk found them, the L4
//! ports) and, on the frame's last beat, gives the verdict: the frame's length is
//! known only then, so every "needed byte past the frame or the 128-byte window" and
//! "datagram past the frame" rule of `docs/parser-rules.md` is checked here at once.
//!
//! The verdict takes three registered steps, so the length never meets more than one
//! carry chain in a clock and no rule's outcome meets the others' in the same clock as
//! its compare: on the last beat every bound becomes a sum with L3, the clock after
//! each sum is compared with the length, the clock after that the compares are
//! combined, and the result is on the outputs for one clock, the third after the
//! frame's last beat. The address and port outputs come from the capture registers,
//! which hold the frame's words until the next frame's reach them: at 64 bits that is
//! never before the verdict; at 128 bits it can be two clocks after the last beat, so
//! there the words are copied aside the clock after it; from 256 bits on a one-beat
//! frame can follow, whose own copy is made the clock after that, so the copy is
//! copied once more. At 64 bits the words found by a walk pointer (Home Address,
//! routing address, ports) are written a clock after their beat, from registered
//! compares: their load enables then start at flip-flops. Wider beats write the Home
//! Address, routing and ports words two clocks after their beat, picked from a second
//! copy of the beat's slots by the slot their pick found, registered twice: the first
//! copies are loaded from the walk, the second feed only the picks, so the placer can
//! put them by the capture registers and the long route between the walk's region and
//! the words' is a flip-flop-to-flip-flop hop, not part of the pick's path. Written
//! that late, those words need no snapshot: a last beat's are in their registers on
//! the verdict's clock (the third after it), and the next frame's, whose first beat
//! comes a clock after that last beat at the earliest, only a clock later.

use rss_model::HashType;
use rss_model::hash_type::HASH_TYPE_BITS;
use rss_model::parse::{IPPROTO_TCP, IPPROTO_UDP, PARSE_WINDOW_BYTES};
use rust_hdl::prelude::*;

use crate::frame_ingress::LENGTH_BITS;
use crate::l3_header::{END_BITS, NEED_BITS};
use crate::word_pick::WordPick;
use crate::word_slots::WORD_INDEX_BITS;

const TYPE_BITS: usize = HASH_TYPE_BITS as usize;
/// Width of the verdict's sums (L3 + a datagram end of up to `END_BITS` bits).
const VERDICT_BITS: usize = END_BITS + 1;
/// Width of a verdict compare's difference: one bit over the operands, for the sign.
const SIGNED_BITS: usize = VERDICT_BITS + 1;
// `hdl_gen` takes bit indices as literals: step 2 reads the sign at bit 18.
const _: () = assert!(SIGNED_BITS == 19);
/// From this beat width on, the next frame's words can reach the capture registers
/// before the verdict (its second beat holds field words).
const SNAPSHOT_MIN_DATA_BITS: usize = 128;
/// From this beat width on, a one-beat frame holding field words can follow, so the
/// copy is overwritten before the verdict and is copied once more.
const SECOND_SNAPSHOT_MIN_DATA_BITS: usize = 256;
/// Up to this beat width the words found by a walk pointer are written a clock after
/// their beat (the verdict comes two clocks after that, and no snapshot reads them).
const LATE_CAPTURE_MAX_DATA_BITS: usize = 64;

#[derive(LogicBlock)]
pub struct FieldCapture<const DATA_BITS: usize, const BUNDLE_BITS: usize> {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// The beat (`crate::beat` layout).
    pub beat: Signal<In, Bits<BUNDLE_BITS>>,
    /// The beat's held-word flags (the six bits after its slots), inverted, from a
    /// register beside the beat's (`ExtStep::held_n_out`): the words' load enables.
    pub held_n: Signal<In, Bits<6>>,
    /// The walk is complete (IP header seen, every due step taken).
    pub walk_ready: Signal<In, Bit>,
    /// A fifth extension header is due (malformed).
    pub walk_live: Signal<In, Bit>,
    /// IPv6: word number of the L4 header.
    pub walk_ptr: Signal<In, Bits<WORD_INDEX_BITS>>,
    /// IPv4 protocol or the last IPv6 next header.
    pub walk_nh: Signal<In, Bits<8>>,
    /// IPv4 IHL.
    pub ihl: Signal<In, Bits<4>>,
    /// Word number of the L4 header's first word, for the beat's family, from a
    /// register (`ExtStep::l4_word_out`): the ports pick's target.
    pub l4_word: Signal<In, Bits<WORD_INDEX_BITS>>,
    /// The word number before the L4 header's first, for the beat's family, from a
    /// register (`ExtStep::l4_before_out`): the ports are in the last beat's tail word
    /// when this is the beat's `slot_last`, an equality with no adder in front.
    pub l4_before: Signal<In, Bits<WORD_INDEX_BITS>>,
    /// Datagram end relative to L3.
    pub datagram_end: Signal<In, Bits<END_BITS>>,
    /// A header rule failed.
    pub bad: Signal<In, Bit>,
    /// IPv4 or IPv6 fragment.
    pub fragment: Signal<In, Bit>,
    /// Bytes needed relative to L3 (without the ports).
    pub need: Signal<In, Bits<NEED_BITS>>,
    /// Home Address found.
    pub ex_src: Signal<In, Bit>,
    /// Word number of its first address word.
    pub ex_src_ptr: Signal<In, Bits<WORD_INDEX_BITS>>,
    /// `ex_src_ptr + 1`, from a register: the second word's pick compares with no adder.
    pub ex_src_after: Signal<In, Bits<WORD_INDEX_BITS>>,
    /// Type 2 routing header found.
    pub ex_dst: Signal<In, Bit>,
    /// Word number of its first address word.
    pub ex_dst_ptr: Signal<In, Bits<WORD_INDEX_BITS>>,
    /// `ex_dst_ptr + 1`, from a register.
    pub ex_dst_after: Signal<In, Bits<WORD_INDEX_BITS>>,
    /// A frame's verdict is on the outputs below (the third clock after its last beat).
    pub result_valid: Signal<Out, Bit>,
    /// `result_valid` as it will be next clock, so the datapath can plan a free clock.
    pub result_next: Signal<Out, Bit>,
    /// `result_valid` will be high next clock or the one after (a register: the
    /// datapath's commits wait out those two clocks).
    pub result_near: Signal<Out, Bit>,
    /// `result_near`'s next value (one LUT of registers), for the commits' enables,
    /// which are registered a clock ahead.
    pub result_near_next: Signal<Out, Bit>,
    /// The frame whose verdict comes in two clocks is IPv4 as it looks before its
    /// checks (a register): the datapath plans that frame's hash input from these
    /// `next_*` two clocks ahead; where the frame passes, they are its class exactly.
    pub next_ipv4: Signal<Out, Bit>,
    /// It is IPv6, before its checks.
    pub next_ipv6: Signal<Out, Bit>,
    /// It is IPv4 with its TCP ports due, before its checks (a register of its own, so
    /// the plan reads the class one-hot).
    pub next_tcp_ipv4: Signal<Out, Bit>,
    /// IPv4 with its UDP ports due.
    pub next_udp_ipv4: Signal<Out, Bit>,
    /// IPv6 with its TCP ports due.
    pub next_tcp_ipv6: Signal<Out, Bit>,
    /// IPv6 with its UDP ports due.
    pub next_udp_ipv6: Signal<Out, Bit>,
    /// Frame length in bytes.
    pub length: Signal<Out, Bits<LENGTH_BITS>>,
    /// An IP frame whose headers break a rule: no hash, default queue.
    pub malformed: Signal<Out, Bit>,
    /// Well-formed IPv4.
    pub ipv4: Signal<Out, Bit>,
    /// Well-formed IPv6.
    pub ipv6: Signal<Out, Bit>,
    /// Well-formed IP fragment.
    pub is_fragment: Signal<Out, Bit>,
    /// The frame's 4-tuple type, one-hot (TCP or UDP ports present over a
    /// well-formed family, not a fragment), else 0.
    pub four_tuple: Signal<Out, Bits<TYPE_BITS>>,
    /// IPv6: the Ex variant of `four_tuple`, else 0.
    pub four_tuple_ex: Signal<Out, Bits<TYPE_BITS>>,
    /// Source address (IPv4 in the top 32 bits).
    pub src: Signal<Out, Bits<128>>,
    /// Destination address (IPv4 in the top 32 bits).
    pub dst: Signal<Out, Bits<128>>,
    /// IPv6: the Home Address option's address (meaningful where `home_found_next`
    /// was set a clock before).
    pub home: Signal<Out, Bits<128>>,
    /// IPv6: the type 2 routing header's address (likewise, `route_found_next`).
    pub route: Signal<Out, Bits<128>>,
    /// The next verdict's frame has a Home Address, a clock ahead of the verdict: the
    /// datapath ANDs it with the frame's plan into a register, so the Ex source's 128
    /// multiplexers take their select from a flip-flop.
    pub home_found_next: Signal<Out, Bit>,
    /// The next verdict's frame has a type 2 routing address, a clock ahead.
    pub route_found_next: Signal<Out, Bit>,
    /// Source port, destination port.
    pub ports: Signal<Out, Bits<32>>,
    word1: WordPick<DATA_BITS, BUNDLE_BITS>,
    word2: WordPick<DATA_BITS, BUNDLE_BITS>,
    word3: WordPick<DATA_BITS, BUNDLE_BITS>,
    word4: WordPick<DATA_BITS, BUNDLE_BITS>,
    home0: WordPick<DATA_BITS, BUNDLE_BITS>,
    home1: WordPick<DATA_BITS, BUNDLE_BITS>,
    route0: WordPick<DATA_BITS, BUNDLE_BITS>,
    route1: WordPick<DATA_BITS, BUNDLE_BITS>,
    l4: WordPick<DATA_BITS, BUNDLE_BITS>,
    w1: DFF<Bits<64>>,
    w2: DFF<Bits<64>>,
    w3: DFF<Bits<64>>,
    w4: DFF<Bits<64>>,
    home_hi: DFF<Bits<64>>,
    home_lo: DFF<Bits<64>>,
    route_hi: DFF<Bits<64>>,
    route_lo: DFF<Bits<64>>,
    ports_q: DFF<Bits<32>>,
    /// Wide beats: the ports' whole word as picked and whether they are its low half;
    /// the half is chosen on the way out, where the tuple's choice of ports is one
    /// LUT level anyway.
    ports_word: DFF<Bits<64>>,
    ports_low: DFF<Bit>,
    /// Late capture: the beat's word and tail word, where the ports are in them, and
    /// which of the capture registers they go to, a clock after the beat.
    late_word: DFF<Bits<64>>,
    /// Wide beats (`snapshot`): the first copies of the beat's slots and of the slots
    /// the picks found (module doc; the second copies are `pick_*`).
    late_slots: DFF<Bits<DATA_BITS>>,
    late_home_hi_slot: DFF<Bits<3>>,
    late_home_lo_slot: DFF<Bits<3>>,
    late_route_hi_slot: DFF<Bits<3>>,
    late_route_lo_slot: DFF<Bits<3>>,
    /// The slot of the ports' word, for wide beats, which write the ports a clock
    /// after their beat as they write the address words.
    late_l4_slot: DFF<Bits<3>>,
    late_tail: DFF<Bits<64>>,
    late_from_tail: DFF<Bit>,
    late_low_half: DFF<Bit>,
    late_home_hi: DFF<Bit>,
    late_home_lo: DFF<Bit>,
    late_route_hi: DFF<Bit>,
    late_route_lo: DFF<Bit>,
    /// The ports' word was picked from the beat's slots (`late_from_tail` says when
    /// it was the tail word instead: the two compares land in flip-flops of their own,
    /// and `late_ports` ORs them behind the registers).
    late_ports_pick: DFF<Bit>,
    /// Wide beats, the pick's stage: the beat's slots, the slots found, which words to
    /// write, and the ports' word as a slot or the tail word (`pick_from_tail`).
    pick_slots: DFF<Bits<DATA_BITS>>,
    pick_home_hi_slot: DFF<Bits<3>>,
    pick_home_lo_slot: DFF<Bits<3>>,
    pick_route_hi_slot: DFF<Bits<3>>,
    pick_route_lo_slot: DFF<Bits<3>>,
    pick_l4_slot: DFF<Bits<3>>,
    pick_tail: DFF<Bits<64>>,
    pick_from_tail: DFF<Bit>,
    pick_low_half: DFF<Bit>,
    pick_home_hi: DFF<Bit>,
    pick_home_lo: DFF<Bit>,
    pick_route_hi: DFF<Bit>,
    pick_route_lo: DFF<Bit>,
    pick_ports: DFF<Bit>,
    result_q: DFF<Bit>,
    length_q: DFF<Bits<LENGTH_BITS>>,
    malformed_q: DFF<Bit>,
    ipv4_q: DFF<Bit>,
    ipv6_q: DFF<Bit>,
    fragment_q: DFF<Bit>,
    four_tuple_q: DFF<Bits<TYPE_BITS>>,
    four_tuple_ex_q: DFF<Bits<TYPE_BITS>>,
    v_valid: DFF<Bit>,
    /// `v_valid` or `c_valid` as they will be next clock.
    near_q: DFF<Bit>,
    near_next: Signal<Local, Bit>,
    v_length: DFF<Bits<LENGTH_BITS>>,
    v_runt: DFF<Bit>,
    v_walk_broken: DFF<Bit>,
    v_ipv4: DFF<Bit>,
    v_ipv6: DFF<Bit>,
    v_fragment: DFF<Bit>,
    v_ports_due: DFF<Bit>,
    v_tcp: DFF<Bit>,
    v_udp: DFF<Bit>,
    v_tcp_ipv4: DFF<Bit>,
    v_udp_ipv4: DFF<Bit>,
    v_tcp_ipv6: DFF<Bit>,
    v_udp_ipv6: DFF<Bit>,
    v_ex_src: DFF<Bit>,
    v_ex_dst: DFF<Bit>,
    v_need_end: DFF<Bits<VERDICT_BITS>>,
    v_ports_end: DFF<Bits<VERDICT_BITS>>,
    v_datagram_end: DFF<Bits<VERDICT_BITS>>,
    // Step 2: each rule compared, the frame's flags carried.
    c_valid: DFF<Bit>,
    c_length: DFF<Bits<LENGTH_BITS>>,
    /// A runt, or an IP frame whose header walk broke.
    c_runt_or_broken_walk: DFF<Bit>,
    c_need_over: DFF<Bit>,
    c_ports_past_datagram: DFF<Bit>,
    c_ports_past_frame: DFF<Bit>,
    c_need_past_window: DFF<Bit>,
    c_ports_past_window: DFF<Bit>,
    c_datagram_over: DFF<Bit>,
    c_ipv4: DFF<Bit>,
    c_ipv6: DFF<Bit>,
    /// An IP fragment.
    c_ip_fragment: DFF<Bit>,
    /// `v_ipv4 | v_ipv6`.
    c_ip: DFF<Bit>,
    /// The 4-tuple type (and its Ex variant) the frame has if it passes every rule,
    /// chosen in step 2 so that step 3 only clears it on a failed rule.
    c_four_tuple: DFF<Bits<TYPE_BITS>>,
    c_four_tuple_ex: DFF<Bits<TYPE_BITS>>,
    /// The 4-tuple types as step 2 chooses them.
    four_tuple_now: Signal<Local, Bits<TYPE_BITS>>,
    four_tuple_ex_now: Signal<Local, Bits<TYPE_BITS>>,
    c_ex_src: DFF<Bit>,
    c_ex_dst: DFF<Bit>,
    snap_w1: DFF<Bits<64>>,
    snap_w2: DFF<Bits<64>>,
    snap_w3: DFF<Bits<64>>,
    snap_w4: DFF<Bits<64>>,
    snap2_w1: DFF<Bits<64>>,
    snap2_w2: DFF<Bits<64>>,
    snap2_w3: DFF<Bits<64>>,
    snap2_w4: DFF<Bits<64>>,
    snapshot: Constant<Bit>,
    second_snapshot: Constant<Bit>,
    late_capture: Constant<Bit>,
    target1: Constant<Bits<WORD_INDEX_BITS>>,
    target2: Constant<Bits<WORD_INDEX_BITS>>,
    target3: Constant<Bits<WORD_INDEX_BITS>>,
    target4: Constant<Bits<WORD_INDEX_BITS>>,
    /// A needed byte past the window is over, as one past the frame.
    window: Constant<Bits<VERDICT_BITS>>,
    proto_tcp: Constant<Bits<8>>,
    proto_udp: Constant<Bits<8>>,
    tcp_ipv4: Constant<Bits<TYPE_BITS>>,
    udp_ipv4: Constant<Bits<TYPE_BITS>>,
    tcp_ipv6: Constant<Bits<TYPE_BITS>>,
    tcp_ipv6_ex: Constant<Bits<TYPE_BITS>>,
    udp_ipv6: Constant<Bits<TYPE_BITS>>,
    udp_ipv6_ex: Constant<Bits<TYPE_BITS>>,
    valid: Signal<Local, Bit>,
    last: Signal<Local, Bit>,
    frame_ipv4: Signal<Local, Bit>,
    frame_ipv6: Signal<Local, Bit>,
    cur_w1: Signal<Local, Bits<64>>,
    cur_w2: Signal<Local, Bits<64>>,
    /// The beat's held-word flags (`crate::beat`).
    held: Signal<Local, Bits<6>>,
    cur_w3: Signal<Local, Bits<64>>,
    cur_w4: Signal<Local, Bits<64>>,
    /// The picked words' bit offsets in `pick_slots`.
    pick_home_hi_lsb: Signal<Local, Bits<16>>,
    pick_home_lo_lsb: Signal<Local, Bits<16>>,
    pick_route_hi_lsb: Signal<Local, Bits<16>>,
    pick_route_lo_lsb: Signal<Local, Bits<16>>,
    pick_l4_lsb: Signal<Local, Bits<16>>,
    /// The picked ports' word.
    pick_l4_word: Signal<Local, Bits<64>>,
    l4_low_half: Signal<Local, Bit>,
    /// The ports' word is the last beat's tail word.
    l4_in_tail: Signal<Local, Bit>,
    /// The late capture's word with the ports.
    late_l4: Signal<Local, Bits<64>>,
    late_ports: Signal<Local, Bit>,
    nh_tcp: Signal<Local, Bit>,
    nh_udp: Signal<Local, Bit>,
    has_transport: Signal<Local, Bit>,
    ports_due: Signal<Local, Bit>,
    /// A valid last beat: its verdict comes in three clocks.
    last_beat: Signal<Local, Bit>,
    frame_length: Signal<Local, Bits<LENGTH_BITS>>,
    l3: Signal<Local, Bits<VERDICT_BITS>>,
    l4_operand: Signal<Local, Bits<VERDICT_BITS>>,
    l4_bias: Signal<Local, Bits<VERDICT_BITS>>,
    /// `v_ipv4 | v_ipv6`.
    v_ip: Signal<Local, Bit>,
    // Lengths are compared as the sign of their difference (`a > b` is `b - a < 0`),
    // the crate's rule for compares of two variables (see `crate`: the carry chain
    // alone, where a `>` gets an equality tree behind it).
    /// Frame length − L3.
    runt_room: Signal<Local, Bits<SIGNED_BITS>>,
    /// Frame length − (L3 + needed bytes).
    need_room: Signal<Local, Bits<SIGNED_BITS>>,
    /// (L3 + datagram end) − (L3 + end of the ports).
    datagram_ports_room: Signal<Local, Bits<SIGNED_BITS>>,
    /// Frame length − (L3 + end of the ports).
    frame_ports_room: Signal<Local, Bits<SIGNED_BITS>>,
    /// Frame length − (L3 + datagram end).
    frame_datagram_room: Signal<Local, Bits<SIGNED_BITS>>,
    /// One of the six length and window rules fails (a failure if the frame is IP).
    rule_failed: Signal<Local, Bit>,
    /// The frame is a runt or fails a rule as an IP frame.
    bad_frame: Signal<Local, Bit>,
    /// An IP frame with this flag fails (`bad_frame` without the "is IP" term, which
    /// every IP class's verdict implies).
    fails_as_ip: Signal<Local, Bit>,
    out_w1: Signal<Local, Bits<64>>,
    out_w2: Signal<Local, Bits<64>>,
    out_w3: Signal<Local, Bits<64>>,
    out_w4: Signal<Local, Bits<64>>,
    good_ipv4: Signal<Local, Bit>,
    good_ipv6: Signal<Local, Bit>,
}

impl<const DATA_BITS: usize, const BUNDLE_BITS: usize> Default
    for FieldCapture<DATA_BITS, BUNDLE_BITS>
{
    fn default() -> Self {
        let number = |k: u64| k + crate::word_slots::L3_WORD_BIAS;
        let word = |k: u64| Constant::new(number(k).to_bits());
        let one_hot = |t: HashType| Constant::new(u64::from(t.mask()).to_bits());
        Self {
            clock: Default::default(),
            beat: Default::default(),
            held_n: Default::default(),
            walk_ready: Default::default(),
            walk_live: Default::default(),
            walk_ptr: Default::default(),
            walk_nh: Default::default(),
            ihl: Default::default(),
            l4_word: Default::default(),
            l4_before: Default::default(),
            datagram_end: Default::default(),
            bad: Default::default(),
            fragment: Default::default(),
            need: Default::default(),
            ex_src: Default::default(),
            ex_src_ptr: Default::default(),
            ex_src_after: Default::default(),
            ex_dst: Default::default(),
            ex_dst_ptr: Default::default(),
            ex_dst_after: Default::default(),
            result_valid: Default::default(),
            result_next: Default::default(),
            result_near: Default::default(),
            result_near_next: Default::default(),
            next_ipv4: Default::default(),
            next_ipv6: Default::default(),
            next_tcp_ipv4: Default::default(),
            next_udp_ipv4: Default::default(),
            next_tcp_ipv6: Default::default(),
            next_udp_ipv6: Default::default(),
            length: Default::default(),
            malformed: Default::default(),
            ipv4: Default::default(),
            ipv6: Default::default(),
            is_fragment: Default::default(),
            four_tuple: Default::default(),
            four_tuple_ex: Default::default(),
            src: Default::default(),
            dst: Default::default(),
            home: Default::default(),
            route: Default::default(),
            home_found_next: Default::default(),
            route_found_next: Default::default(),
            ports: Default::default(),
            word1: WordPick::fixed(number(1), false),
            word2: WordPick::fixed(number(2), false),
            word3: WordPick::fixed(number(3), false),
            word4: WordPick::fixed(number(4), false),
            home0: WordPick::new(false),
            home1: WordPick::new(false),
            route0: WordPick::new(false),
            route1: WordPick::new(false),
            // The tail word is handled here, against `l4_before`.
            l4: WordPick::new(false),
            w1: Default::default(),
            w2: Default::default(),
            w3: Default::default(),
            w4: Default::default(),
            home_hi: Default::default(),
            home_lo: Default::default(),
            route_hi: Default::default(),
            route_lo: Default::default(),
            ports_q: Default::default(),
            ports_word: Default::default(),
            ports_low: Default::default(),
            late_word: Default::default(),
            late_slots: Default::default(),
            late_home_hi_slot: Default::default(),
            late_home_lo_slot: Default::default(),
            late_route_hi_slot: Default::default(),
            late_route_lo_slot: Default::default(),
            late_l4_slot: Default::default(),
            late_tail: Default::default(),
            late_from_tail: Default::default(),
            late_low_half: Default::default(),
            late_home_hi: Default::default(),
            late_home_lo: Default::default(),
            late_route_hi: Default::default(),
            late_route_lo: Default::default(),
            late_ports_pick: Default::default(),
            pick_slots: Default::default(),
            pick_home_hi_slot: Default::default(),
            pick_home_lo_slot: Default::default(),
            pick_route_hi_slot: Default::default(),
            pick_route_lo_slot: Default::default(),
            pick_l4_slot: Default::default(),
            pick_tail: Default::default(),
            pick_from_tail: Default::default(),
            pick_low_half: Default::default(),
            pick_home_hi: Default::default(),
            pick_home_lo: Default::default(),
            pick_route_hi: Default::default(),
            pick_route_lo: Default::default(),
            pick_ports: Default::default(),
            result_q: Default::default(),
            length_q: Default::default(),
            malformed_q: Default::default(),
            ipv4_q: Default::default(),
            ipv6_q: Default::default(),
            fragment_q: Default::default(),
            four_tuple_q: Default::default(),
            four_tuple_ex_q: Default::default(),
            v_valid: Default::default(),
            near_q: Default::default(),
            near_next: Default::default(),
            v_length: Default::default(),
            v_runt: Default::default(),
            v_walk_broken: Default::default(),
            v_ipv4: Default::default(),
            v_ipv6: Default::default(),
            v_fragment: Default::default(),
            v_ports_due: Default::default(),
            v_tcp: Default::default(),
            v_udp: Default::default(),
            v_tcp_ipv4: Default::default(),
            v_udp_ipv4: Default::default(),
            v_tcp_ipv6: Default::default(),
            v_udp_ipv6: Default::default(),
            v_ex_src: Default::default(),
            v_ex_dst: Default::default(),
            v_need_end: Default::default(),
            v_ports_end: Default::default(),
            v_datagram_end: Default::default(),
            c_valid: Default::default(),
            c_length: Default::default(),
            c_runt_or_broken_walk: Default::default(),
            c_need_over: Default::default(),
            c_ports_past_datagram: Default::default(),
            c_ports_past_frame: Default::default(),
            c_need_past_window: Default::default(),
            c_ports_past_window: Default::default(),
            c_datagram_over: Default::default(),
            c_ipv4: Default::default(),
            c_ipv6: Default::default(),
            c_ip_fragment: Default::default(),
            c_ip: Default::default(),
            c_four_tuple: Default::default(),
            c_four_tuple_ex: Default::default(),
            four_tuple_now: Default::default(),
            four_tuple_ex_now: Default::default(),
            c_ex_src: Default::default(),
            c_ex_dst: Default::default(),
            snap_w1: Default::default(),
            snap_w2: Default::default(),
            snap_w3: Default::default(),
            snap_w4: Default::default(),
            snap2_w1: Default::default(),
            snap2_w2: Default::default(),
            snap2_w3: Default::default(),
            snap2_w4: Default::default(),
            snapshot: Constant::new(DATA_BITS >= SNAPSHOT_MIN_DATA_BITS),
            second_snapshot: Constant::new(DATA_BITS >= SECOND_SNAPSHOT_MIN_DATA_BITS),
            late_capture: Constant::new(DATA_BITS <= LATE_CAPTURE_MAX_DATA_BITS),
            target1: word(1),
            target2: word(2),
            target3: word(3),
            target4: word(4),
            window: Constant::new((PARSE_WINDOW_BYTES as u64).to_bits()),
            proto_tcp: Constant::new(u64::from(IPPROTO_TCP).to_bits()),
            proto_udp: Constant::new(u64::from(IPPROTO_UDP).to_bits()),
            tcp_ipv4: one_hot(HashType::TcpIpv4),
            udp_ipv4: one_hot(HashType::UdpIpv4),
            tcp_ipv6: one_hot(HashType::TcpIpv6),
            tcp_ipv6_ex: one_hot(HashType::TcpIpv6Ex),
            udp_ipv6: one_hot(HashType::UdpIpv6),
            udp_ipv6_ex: one_hot(HashType::UdpIpv6Ex),
            valid: Default::default(),
            last: Default::default(),
            frame_ipv4: Default::default(),
            frame_ipv6: Default::default(),
            cur_w1: Default::default(),
            cur_w2: Default::default(),
            held: Default::default(),
            cur_w3: Default::default(),
            cur_w4: Default::default(),
            pick_home_hi_lsb: Default::default(),
            pick_home_lo_lsb: Default::default(),
            pick_route_hi_lsb: Default::default(),
            pick_route_lo_lsb: Default::default(),
            pick_l4_lsb: Default::default(),
            pick_l4_word: Default::default(),
            l4_low_half: Default::default(),
            l4_in_tail: Default::default(),
            late_l4: Default::default(),
            late_ports: Default::default(),
            nh_tcp: Default::default(),
            nh_udp: Default::default(),
            has_transport: Default::default(),
            ports_due: Default::default(),
            frame_length: Default::default(),
            last_beat: Default::default(),
            l3: Default::default(),
            l4_operand: Default::default(),
            l4_bias: Default::default(),
            v_ip: Default::default(),
            runt_room: Default::default(),
            need_room: Default::default(),
            datagram_ports_room: Default::default(),
            frame_ports_room: Default::default(),
            frame_datagram_room: Default::default(),
            rule_failed: Default::default(),
            fails_as_ip: Default::default(),
            out_w1: Default::default(),
            out_w2: Default::default(),
            out_w3: Default::default(),
            out_w4: Default::default(),
            bad_frame: Default::default(),
            good_ipv4: Default::default(),
            good_ipv6: Default::default(),
        }
    }
}

impl<const DATA_BITS: usize, const BUNDLE_BITS: usize> Logic
    for FieldCapture<DATA_BITS, BUNDLE_BITS>
{
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self,
            clock,
            w1,
            w2,
            w3,
            w4,
            home_hi,
            home_lo,
            route_hi,
            route_lo,
            ports_q,
            ports_word,
            ports_low,
            late_word,
            late_slots,
            late_home_hi_slot,
            late_home_lo_slot,
            late_route_hi_slot,
            late_route_lo_slot,
            late_l4_slot,
            late_tail,
            late_from_tail,
            late_low_half,
            late_home_hi,
            late_home_lo,
            late_route_hi,
            late_route_lo,
            late_ports_pick,
            pick_slots,
            pick_home_hi_slot,
            pick_home_lo_slot,
            pick_route_hi_slot,
            pick_route_lo_slot,
            pick_l4_slot,
            pick_tail,
            pick_from_tail,
            pick_low_half,
            pick_home_hi,
            pick_home_lo,
            pick_route_hi,
            pick_route_lo,
            pick_ports,
            result_q,
            length_q,
            malformed_q,
            ipv4_q,
            ipv6_q,
            fragment_q,
            four_tuple_q,
            four_tuple_ex_q,
            v_valid,
            near_q,
            v_length,
            v_runt,
            v_walk_broken,
            v_ipv4,
            v_ipv6,
            v_fragment,
            v_ports_due,
            v_tcp,
            v_udp,
            v_tcp_ipv4,
            v_udp_ipv4,
            v_tcp_ipv6,
            v_udp_ipv6,
            v_ex_src,
            v_ex_dst,
            v_need_end,
            v_ports_end,
            v_datagram_end,
            c_valid,
            c_length,
            c_runt_or_broken_walk,
            c_need_over,
            c_ports_past_datagram,
            c_ports_past_frame,
            c_need_past_window,
            c_ports_past_window,
            c_datagram_over,
            c_ipv4,
            c_ipv6,
            c_ip_fragment,
            c_ip,
            c_four_tuple,
            c_four_tuple_ex,
            c_ex_src,
            c_ex_dst,
            snap_w1,
            snap_w2,
            snap_w3,
            snap_w4,
            snap2_w1,
            snap2_w2,
            snap2_w3,
            snap2_w4
        );
        self.valid.next = self.beat.val().get_bit(0);
        self.last.next = self.beat.val().get_bit(2);
        self.frame_ipv4.next = self.beat.val().get_bit(3);
        self.frame_ipv6.next = self.beat.val().get_bit(4);

        // Where the ports are (`l4_word`): IPv4 at 4·IHL, in the word's low half when
        // IHL is odd; IPv6 at the word the walk ended on.
        self.l4_low_half.next = self.ihl.val().get_bit(0) & !self.frame_ipv6.val();

        self.word1.target.next = self.target1.val();
        self.word2.target.next = self.target2.val();
        self.word3.target.next = self.target3.val();
        self.word4.target.next = self.target4.val();
        self.home0.target.next = self.ex_src_ptr.val();
        self.home1.target.next = self.ex_src_after.val();
        self.route0.target.next = self.ex_dst_ptr.val();
        self.route1.target.next = self.ex_dst_after.val();
        self.l4.target.next = self.l4_word.val();
        self.word1.beat.next = self.beat.val();
        self.word2.beat.next = self.beat.val();
        self.word3.beat.next = self.beat.val();
        self.word4.beat.next = self.beat.val();
        self.home0.beat.next = self.beat.val();
        self.home1.beat.next = self.beat.val();
        self.route0.beat.next = self.beat.val();
        self.route1.beat.next = self.beat.val();
        self.l4.beat.next = self.beat.val();

        // Words kept so far, updated with this beat's. The Home Address and routing
        // words only once the walk found them: a new frame's pointers start at 0.
        // L3 words 1..4 are where the beat's held flags (`crate::beat`) say: found
        // a clock ahead, so their load enables start at a flip-flop (`held_n`, a copy
        // of the flags beside the beat register, placed among these words).
        self.held.next = !self.held_n.val();
        self.cur_w1.next = self.w1.q.val();
        if self.held.val().get_bit(1) {
            self.cur_w1.next = self.word1.word.val();
        }
        self.cur_w2.next = self.w2.q.val();
        if self.held.val().get_bit(2) {
            self.cur_w2.next = self.word2.word.val();
            if self.held.val().get_bit(5) {
                self.cur_w2.next = self.beat.val().get_bits::<64>(32);
            }
        }
        self.cur_w3.next = self.w3.q.val();
        if self.held.val().get_bit(3) {
            self.cur_w3.next = self.word3.word.val();
        }
        self.cur_w4.next = self.w4.q.val();
        if self.held.val().get_bit(4) {
            self.cur_w4.next = self.word4.word.val();
        }
        self.l4_in_tail.next = self.beat.val().get_bit(2)
            & (self.beat.val().get_bits::<WORD_INDEX_BITS>(10) == self.l4_before.val());
        // (A held flag implies a valid beat.)
        self.w1.d.next = self.cur_w1.val();
        self.w2.d.next = self.cur_w2.val();
        self.w3.d.next = self.cur_w3.val();
        self.w4.d.next = self.cur_w4.val();
        // The words found by a walk pointer: their compares start at the walk's
        // registers (and the second word's behind a +1), which in the same clock would
        // also drive 64 load enables across the die. At 64 bits nothing reads them
        // before the verdict, two clocks after a late write, so there the compares
        // land in flip-flops and the words are written from a copy of the beat a clock
        // later. Wider beats write the ports and the address words two clocks after
        // their beat, picked from copies of the beat's slots (below), so no enable of a
        // 64-bit word waits on a pick's compare and no pick's select crosses the die.
        self.late_word.d.next = self.beat.val().get_bits::<64>(96);
        self.late_tail.d.next = self.beat.val().get_bits::<64>(32);
        self.late_from_tail.d.next = self.valid.val() & self.l4_in_tail.val();
        self.late_low_half.d.next = self.l4_low_half.val();
        self.late_home_hi.d.next = self.valid.val() & self.home0.found.val() & self.ex_src.val();
        self.late_home_lo.d.next = self.valid.val() & self.home1.found.val() & self.ex_src.val();
        self.late_route_hi.d.next = self.valid.val() & self.route0.found.val() & self.ex_dst.val();
        self.late_route_lo.d.next = self.valid.val() & self.route1.found.val() & self.ex_dst.val();
        self.late_ports_pick.d.next = self.valid.val() & self.l4.found.val();
        self.late_ports.next = self.late_ports_pick.q.val() | self.late_from_tail.q.val();
        self.late_l4.next = self.late_word.q.val();
        if self.late_from_tail.q.val() {
            self.late_l4.next = self.late_tail.q.val();
        }
        if self.late_capture.val() {
            if self.late_home_hi.q.val() {
                self.home_hi.d.next = self.late_word.q.val();
            }
            if self.late_home_lo.q.val() {
                self.home_lo.d.next = self.late_word.q.val();
            }
            if self.late_route_hi.q.val() {
                self.route_hi.d.next = self.late_word.q.val();
            }
            if self.late_route_lo.q.val() {
                self.route_lo.d.next = self.late_word.q.val();
            }
            if self.late_ports.val() {
                self.ports_q.d.next = self.late_l4.val().get_bits::<32>(32);
                if self.late_low_half.q.val() {
                    self.ports_q.d.next = self.late_l4.val().get_bits::<32>(0);
                }
            }
        }
        // Wide beats: the words picked from the second copies (module doc).
        self.pick_home_hi_lsb.next = bit_cast::<16, 3>(self.pick_home_hi_slot.q.val()) << 6_u64;
        self.pick_home_lo_lsb.next = bit_cast::<16, 3>(self.pick_home_lo_slot.q.val()) << 6_u64;
        self.pick_route_hi_lsb.next = bit_cast::<16, 3>(self.pick_route_hi_slot.q.val()) << 6_u64;
        self.pick_route_lo_lsb.next = bit_cast::<16, 3>(self.pick_route_lo_slot.q.val()) << 6_u64;
        self.pick_l4_lsb.next = bit_cast::<16, 3>(self.pick_l4_slot.q.val()) << 6_u64;
        self.pick_l4_word.next = self
            .pick_slots
            .q
            .val()
            .get_bits::<64>(self.pick_l4_lsb.val().index());
        if self.pick_from_tail.q.val() {
            self.pick_l4_word.next = self.pick_tail.q.val();
        }
        if self.snapshot.val() {
            self.late_slots.d.next = self.beat.val().get_bits::<DATA_BITS>(96);
            self.late_home_hi_slot.d.next = self.home0.slot.val();
            self.late_home_lo_slot.d.next = self.home1.slot.val();
            self.late_route_hi_slot.d.next = self.route0.slot.val();
            self.late_route_lo_slot.d.next = self.route1.slot.val();
            self.late_l4_slot.d.next = self.l4.slot.val();
            self.pick_slots.d.next = self.late_slots.q.val();
            self.pick_home_hi_slot.d.next = self.late_home_hi_slot.q.val();
            self.pick_home_lo_slot.d.next = self.late_home_lo_slot.q.val();
            self.pick_route_hi_slot.d.next = self.late_route_hi_slot.q.val();
            self.pick_route_lo_slot.d.next = self.late_route_lo_slot.q.val();
            self.pick_l4_slot.d.next = self.late_l4_slot.q.val();
            self.pick_tail.d.next = self.late_tail.q.val();
            self.pick_from_tail.d.next = self.late_from_tail.q.val();
            self.pick_low_half.d.next = self.late_low_half.q.val();
            self.pick_home_hi.d.next = self.late_home_hi.q.val();
            self.pick_home_lo.d.next = self.late_home_lo.q.val();
            self.pick_route_hi.d.next = self.late_route_hi.q.val();
            self.pick_route_lo.d.next = self.late_route_lo.q.val();
            self.pick_ports.d.next = self.late_ports.val();
            if self.pick_home_hi.q.val() {
                self.home_hi.d.next = self
                    .pick_slots
                    .q
                    .val()
                    .get_bits::<64>(self.pick_home_hi_lsb.val().index());
            }
            if self.pick_home_lo.q.val() {
                self.home_lo.d.next = self
                    .pick_slots
                    .q
                    .val()
                    .get_bits::<64>(self.pick_home_lo_lsb.val().index());
            }
            if self.pick_route_hi.q.val() {
                self.route_hi.d.next = self
                    .pick_slots
                    .q
                    .val()
                    .get_bits::<64>(self.pick_route_hi_lsb.val().index());
            }
            if self.pick_route_lo.q.val() {
                self.route_lo.d.next = self
                    .pick_slots
                    .q
                    .val()
                    .get_bits::<64>(self.pick_route_lo_lsb.val().index());
            }
            if self.pick_ports.q.val() {
                self.ports_word.d.next = self.pick_l4_word.val();
                self.ports_low.d.next = self.pick_low_half.q.val();
            }
        }

        // The verdict, in three registered steps. On the last beat, each bound becomes
        // a sum with L3 (one carry chain each, side by side); the clock after, each sum
        // is compared with the length (again side by side); the clock after that, the
        // results are ORed.
        self.nh_tcp.next = self.walk_nh.val() == self.proto_tcp.val();
        self.nh_udp.next = self.walk_nh.val() == self.proto_udp.val();
        self.has_transport.next = self.nh_tcp.val() | self.nh_udp.val();
        self.ports_due.next = self.has_transport.val() & !self.fragment.val();
        self.frame_length.next = self.beat.val().get_bits::<LENGTH_BITS>(16);
        self.l3.next = bit_cast::<VERDICT_BITS, 5>(self.beat.val().get_bits::<5>(5));
        // L3 + end of the ports = l4_operand + l4_bias: IPv4 4·IHL + (L3 + 4), IPv6
        // 8·walk_ptr + (L3 − 28) (the walk pointer counts from L3 − 32). The bias
        // is a table of L3 ∈ {14, 18, 22} (bit 4 clear: 14; bit 2 set: 22).
        self.l4_operand.next = bit_cast::<VERDICT_BITS, 4>(self.ihl.val()) << 2_u64;
        self.l4_bias.next = 18.into();
        if self.l3.val().get_bit(4) {
            self.l4_bias.next = 22.into();
            if self.l3.val().get_bit(2) {
                self.l4_bias.next = 26.into();
            }
        }
        if self.frame_ipv6.val() {
            self.l4_operand.next =
                bit_cast::<VERDICT_BITS, WORD_INDEX_BITS>(self.walk_ptr.val()) << 3_u64;
            // 2^18 − 14, − 10, − 6.
            self.l4_bias.next = 0x3fff2.into();
            if self.l3.val().get_bit(4) {
                self.l4_bias.next = 0x3fff6.into();
                if self.l3.val().get_bit(2) {
                    self.l4_bias.next = 0x3fffa.into();
                }
            }
        }
        self.last_beat.next = self.valid.val() & self.last.val();
        self.v_valid.d.next = self.last_beat.val();
        self.near_next.next = self.last_beat.val() | self.v_valid.q.val();
        self.near_q.d.next = self.near_next.val();
        self.v_length.d.next = self.frame_length.val();
        // Layer 2 needs bytes up to L3.
        self.runt_room.next = bit_cast::<SIGNED_BITS, LENGTH_BITS>(self.frame_length.val())
            - bit_cast::<SIGNED_BITS, VERDICT_BITS>(self.l3.val());
        self.v_runt.d.next = self.runt_room.val().get_bit(18);
        self.v_walk_broken.d.next = self.bad.val()
            | !self.walk_ready.val()
            | (self.frame_ipv6.val() & self.walk_live.val());
        self.v_ipv4.d.next = self.frame_ipv4.val();
        self.v_ipv6.d.next = self.frame_ipv6.val();
        self.v_fragment.d.next = self.fragment.val();
        self.v_ports_due.d.next = self.ports_due.val();
        self.v_tcp.d.next = self.ports_due.val() & self.nh_tcp.val();
        self.v_udp.d.next = self.ports_due.val() & self.nh_udp.val();
        self.v_tcp_ipv4.d.next = self.frame_ipv4.val() & self.ports_due.val() & self.nh_tcp.val();
        self.v_udp_ipv4.d.next = self.frame_ipv4.val() & self.ports_due.val() & self.nh_udp.val();
        self.v_tcp_ipv6.d.next = self.frame_ipv6.val() & self.ports_due.val() & self.nh_tcp.val();
        self.v_udp_ipv6.d.next = self.frame_ipv6.val() & self.ports_due.val() & self.nh_udp.val();
        self.v_ex_src.d.next = self.ex_src.val();
        self.v_ex_dst.d.next = self.ex_dst.val();
        self.v_need_end.d.next =
            self.l3.val() + bit_cast::<VERDICT_BITS, NEED_BITS>(self.need.val());
        self.v_ports_end.d.next = self.l4_operand.val() + self.l4_bias.val();
        self.v_datagram_end.d.next =
            self.l3.val() + bit_cast::<VERDICT_BITS, END_BITS>(self.datagram_end.val());

        // Step 2: each rule on its own, compared with the length.
        self.c_valid.d.next = self.v_valid.q.val();
        self.c_length.d.next = self.v_length.q.val();
        self.v_ip.next = self.v_ipv4.q.val() | self.v_ipv6.q.val();
        self.c_runt_or_broken_walk.d.next =
            self.v_runt.q.val() | (self.v_ip.val() & self.v_walk_broken.q.val());
        // A bound past the window: compared with a constant, beside the compares with
        // the length, not after them (no min(length, window) in front).
        self.c_need_past_window.d.next = self.v_need_end.q.val() > self.window.val();
        self.c_ports_past_window.d.next =
            self.v_ports_due.q.val() & (self.v_ports_end.q.val() > self.window.val());
        self.need_room.next = bit_cast::<SIGNED_BITS, LENGTH_BITS>(self.v_length.q.val())
            - bit_cast::<SIGNED_BITS, VERDICT_BITS>(self.v_need_end.q.val());
        self.datagram_ports_room.next =
            bit_cast::<SIGNED_BITS, VERDICT_BITS>(self.v_datagram_end.q.val())
                - bit_cast::<SIGNED_BITS, VERDICT_BITS>(self.v_ports_end.q.val());
        self.frame_ports_room.next = bit_cast::<SIGNED_BITS, LENGTH_BITS>(self.v_length.q.val())
            - bit_cast::<SIGNED_BITS, VERDICT_BITS>(self.v_ports_end.q.val());
        self.frame_datagram_room.next = bit_cast::<SIGNED_BITS, LENGTH_BITS>(self.v_length.q.val())
            - bit_cast::<SIGNED_BITS, VERDICT_BITS>(self.v_datagram_end.q.val());
        // Each compare of two registers in a flip-flop of its own.
        self.c_need_over.d.next = self.need_room.val().get_bit(18);
        self.c_ports_past_datagram.d.next =
            self.v_ports_due.q.val() & self.datagram_ports_room.val().get_bit(18);
        self.c_ports_past_frame.d.next =
            self.v_ports_due.q.val() & self.frame_ports_room.val().get_bit(18);
        self.c_datagram_over.d.next = self.frame_datagram_room.val().get_bit(18);
        self.c_ipv4.d.next = self.v_ipv4.q.val();
        self.c_ipv6.d.next = self.v_ipv6.q.val();
        self.c_ip.d.next = self.v_ip.val();
        self.c_ip_fragment.d.next = self.v_ip.val() & self.v_fragment.q.val();
        self.four_tuple_now.next = 0.into();
        self.four_tuple_ex_now.next = 0.into();
        if self.v_ipv4.q.val() & self.v_tcp.q.val() {
            self.four_tuple_now.next = self.tcp_ipv4.val();
        }
        if self.v_ipv4.q.val() & self.v_udp.q.val() {
            self.four_tuple_now.next = self.udp_ipv4.val();
        }
        if self.v_ipv6.q.val() & self.v_tcp.q.val() {
            self.four_tuple_now.next = self.tcp_ipv6.val();
            self.four_tuple_ex_now.next = self.tcp_ipv6_ex.val();
        }
        if self.v_ipv6.q.val() & self.v_udp.q.val() {
            self.four_tuple_now.next = self.udp_ipv6.val();
            self.four_tuple_ex_now.next = self.udp_ipv6_ex.val();
        }
        self.c_four_tuple.d.next = self.four_tuple_now.val();
        self.c_four_tuple_ex.d.next = self.four_tuple_ex_now.val();
        self.c_ex_src.d.next = self.v_ex_src.q.val();
        self.c_ex_dst.d.next = self.v_ex_dst.q.val();

        // Step 3: an IP frame must pass every rule. The verdicts of an IP frame's
        // class are each written as one AND of the flags (the classes imply IP), two
        // LUT levels, not behind a shared "bad frame" term (that chain was five).
        self.rule_failed.next = self.c_need_over.q.val()
            | self.c_ports_past_datagram.q.val()
            | self.c_ports_past_frame.q.val()
            | self.c_need_past_window.q.val()
            | self.c_ports_past_window.q.val()
            | self.c_datagram_over.q.val();
        self.bad_frame.next =
            self.c_runt_or_broken_walk.q.val() | (self.c_ip.q.val() & self.rule_failed.val());
        self.fails_as_ip.next = self.c_runt_or_broken_walk.q.val() | self.rule_failed.val();
        self.good_ipv4.next = self.c_ipv4.q.val() & !self.fails_as_ip.val();
        self.good_ipv6.next = self.c_ipv6.q.val() & !self.fails_as_ip.val();
        self.result_q.d.next = self.c_valid.q.val();
        self.length_q.d.next = self.c_length.q.val();
        self.malformed_q.d.next = self.bad_frame.val();
        self.ipv4_q.d.next = self.good_ipv4.val();
        self.ipv6_q.d.next = self.good_ipv6.val();
        self.fragment_q.d.next = self.c_ip_fragment.q.val() & !self.fails_as_ip.val();
        self.four_tuple_q.d.next = self.c_four_tuple.q.val();
        self.four_tuple_ex_q.d.next = self.c_four_tuple_ex.q.val();
        // (Only an IP frame has a 4-tuple type.)
        if self.fails_as_ip.val() {
            self.four_tuple_q.d.next = 0.into();
            self.four_tuple_ex_q.d.next = 0.into();
        }
        self.home_found_next.next = self.c_ex_src.q.val();
        self.route_found_next.next = self.c_ex_dst.q.val();

        // From 128 bits on the next frame's words can land in the capture registers
        // before the verdict, so L3 words 1..4 are copied aside the clock after the
        // last beat; from 256 bits on the next frame's copy can follow a clock later,
        // so the copy is copied again then. Narrower beats bring the next frame's
        // words later (yosys drops the unused copies). The words written two clocks
        // after their beat (Home Address, routing, ports) need no copy (module doc).
        if self.v_valid.q.val() {
            self.snap_w1.d.next = self.w1.q.val();
            self.snap_w2.d.next = self.w2.q.val();
            self.snap_w3.d.next = self.w3.q.val();
            self.snap_w4.d.next = self.w4.q.val();
        }
        if self.c_valid.q.val() {
            self.snap2_w1.d.next = self.snap_w1.q.val();
            self.snap2_w2.d.next = self.snap_w2.q.val();
            self.snap2_w3.d.next = self.snap_w3.q.val();
            self.snap2_w4.d.next = self.snap_w4.q.val();
        }
        self.out_w1.next = self.w1.q.val();
        self.out_w2.next = self.w2.q.val();
        self.out_w3.next = self.w3.q.val();
        self.out_w4.next = self.w4.q.val();
        self.ports.next = self.ports_q.q.val();
        if self.snapshot.val() {
            self.out_w1.next = self.snap_w1.q.val();
            self.out_w2.next = self.snap_w2.q.val();
            self.out_w3.next = self.snap_w3.q.val();
            self.out_w4.next = self.snap_w4.q.val();
            self.ports.next = self.ports_word.q.val().get_bits::<32>(32);
            if self.ports_low.q.val() {
                self.ports.next = self.ports_word.q.val().get_bits::<32>(0);
            }
        }
        if self.second_snapshot.val() {
            self.out_w1.next = self.snap2_w1.q.val();
            self.out_w2.next = self.snap2_w2.q.val();
            self.out_w3.next = self.snap2_w3.q.val();
            self.out_w4.next = self.snap2_w4.q.val();
        }

        // Three clocks after the last beat: the verdict, and the fields.
        self.result_valid.next = self.result_q.q.val();
        self.result_next.next = self.c_valid.q.val();
        self.result_near.next = self.near_q.q.val();
        self.result_near_next.next = self.near_next.val();
        self.next_ipv4.next = self.v_ipv4.q.val();
        self.next_ipv6.next = self.v_ipv6.q.val();
        self.next_tcp_ipv4.next = self.v_tcp_ipv4.q.val();
        self.next_udp_ipv4.next = self.v_udp_ipv4.q.val();
        self.next_tcp_ipv6.next = self.v_tcp_ipv6.q.val();
        self.next_udp_ipv6.next = self.v_udp_ipv6.q.val();
        self.length.next = self.length_q.q.val();
        self.malformed.next = self.malformed_q.q.val();
        self.ipv4.next = self.ipv4_q.q.val();
        self.ipv6.next = self.ipv6_q.q.val();
        self.is_fragment.next = self.fragment_q.q.val();
        self.four_tuple.next = self.four_tuple_q.q.val();
        self.four_tuple_ex.next = self.four_tuple_ex_q.q.val();
        self.src.next = (bit_cast::<128, 64>(self.out_w1.val()) << 64_u64)
            | bit_cast::<128, 64>(self.out_w2.val());
        self.dst.next = (bit_cast::<128, 64>(self.out_w3.val()) << 64_u64)
            | bit_cast::<128, 64>(self.out_w4.val());
        if self.ipv4_q.q.val() {
            self.src.next = bit_cast::<128, 32>(self.out_w1.val().get_bits::<32>(0)) << 96_u64;
            self.dst.next = bit_cast::<128, 32>(self.out_w2.val().get_bits::<32>(32)) << 96_u64;
        }
        self.home.next = (bit_cast::<128, 64>(self.home_hi.q.val()) << 64_u64)
            | bit_cast::<128, 64>(self.home_lo.q.val());
        self.route.next = (bit_cast::<128, 64>(self.route_hi.q.val()) << 64_u64)
            | bit_cast::<128, 64>(self.route_lo.q.val());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_capture_is_synthesizable() {
        let mut uut = FieldCapture::<64, { crate::beat::bundle_bits(64) }>::default();
        uut.connect_all();
        crate::lint::assert_lints_clean(&generate_verilog(&uut), "field_capture");
    }
}
