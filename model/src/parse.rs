//! The frame parser: from an Ethernet frame and the enabled hash types to the [`Tuple`]
//! the hash unit receives. Implements `docs/parser-rules.md` rule for rule; the RTL
//! front end is written against the same text.
//!
//! Two stages, both exposed:
//! - [`parse_headers`] walks L2/L3/L4 and either finds the addresses, the Ex addresses
//!   (IPv6 Home Address option / type 2 routing header), the ports and the fragment flag,
//!   or says why the frame is [`Malformed`]. It does not depend on the enabled set.
//! - [`Headers::select`] picks the first enabled hash type in the spec's order and lays
//!   out its hash input. [`parse`] is the two together; a malformed frame gives
//!   [`Tuple::UNHASHABLE`].
//!
//! Only the first [`PARSE_WINDOW_BYTES`] bytes can be looked at: a byte is *available*
//! if its offset is below `min(frame.len(), PARSE_WINDOW_BYTES)`, and needing any other
//! byte makes the frame malformed. Length checks (`l3 + T`, IPv6 payload end) compare
//! against the whole frame's length.
//!
//! Choices where the spec text leaves room (all "simplest in hardware"):
//! - A malformed frame is malformed whatever the enabled set: e.g. TCP ports past the
//!   datagram end give `None` even when only IPV4 is enabled.
//! - Only 0x8100 counts as an inner tag; 0x88A8 at offset 16 (or any tag at 20) is an
//!   unsupported ethertype.
//! - There is no minimum frame length: a 54-byte TCP/IPv4 frame without padding parses.
//! - Extension headers may come in any order and repeat; a later RH2 / Home Address
//!   overwrites an earlier one (last found wins).
//! - A Fragment header that marks a fragment still advances `off` and `nh` before the
//!   walk stops, so [`Headers::protocol`] is the fragment's upper-layer protocol (as
//!   for IPv4). Either way a fragment has no ports, so the tuple is the same.
//! - The Destination Options walk counts Pad1 as one of its [`MAX_DEST_OPTIONS`]
//!   options, the Home Address option included.
//! - The Home Address option is looked for in Destination Options headers only (not in
//!   Hop-by-Hop), and only at [`HOME_ADDRESS_OPTION_OFFSET`] (RFC 6275's 8n+6
//!   alignment, the position Linux and every MIPv6 stack use): the walk over the
//!   padding in front of it (bytes 2..6) must land there exactly.
//! - When both bounds fail, the [`Malformed`] reason reported is the length rule
//!   (`ExtHeaderPastPayload`, `PortsPastPayload`) rather than availability; the
//!   resulting tuple is `None` either way.

use core::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use crate::hash_type::{HashType, HashTypes};
use crate::tuple::{Transport, Tuple};

/// Bytes of the frame the parser can see.
pub const PARSE_WINDOW_BYTES: usize = 128;
/// IPv6 extension headers walked at most; a further one makes the frame malformed.
pub const MAX_EXT_HEADERS: usize = 4;
/// Options walked at most in one Destination Options header (Pad1 included).
pub const MAX_DEST_OPTIONS: usize = 4;
/// Offset in a Destination Options header where the Home Address option is recognised:
/// the first position with the 8n+6 alignment RFC 6275 requires of it, so its address
/// is the header's 8-byte words 1 and 2, like a type 2 routing header's.
pub const HOME_ADDRESS_OPTION_OFFSET: usize = 6;

pub const ETHERTYPE_IPV4: u16 = 0x0800;
pub const ETHERTYPE_IPV6: u16 = 0x86dd;
/// C-tag (802.1Q); may be the outer or the inner tag.
pub const ETHERTYPE_VLAN: u16 = 0x8100;
/// S-tag (802.1ad); only as the outer tag.
pub const ETHERTYPE_QINQ: u16 = 0x88a8;

pub const IPPROTO_HOPOPTS: u8 = 0;
pub const IPPROTO_TCP: u8 = 6;
pub const IPPROTO_UDP: u8 = 17;
pub const IPPROTO_ROUTING: u8 = 43;
pub const IPPROTO_FRAGMENT: u8 = 44;
pub const IPPROTO_DSTOPTS: u8 = 60;

/// Destination option type of the Home Address option (RFC 6275).
pub const OPT_HOME_ADDRESS: u8 = 0xc9;
/// Destination option type of Pad1 (a single byte, no length).
pub const OPT_PAD1: u8 = 0;

/// Why a frame gets no hash although its ethertype was looked at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[repr(u8)]
pub enum Malformed {
    /// A needed byte lies at or past the end of the frame (runts included).
    Truncated = 0,
    /// A needed byte lies inside the frame but at or past [`PARSE_WINDOW_BYTES`].
    BeyondWindow = 1,
    /// The ethertype after 0–2 tags is neither IPv4 nor IPv6 (a third tag included).
    UnsupportedEthertype = 2,
    /// The IP version nibble is not the one the ethertype announces.
    BadVersion = 3,
    /// IPv4 IHL < 5.
    BadIhl = 4,
    /// IPv4 total length < header length, or `l3 + T` past the frame's end.
    BadTotalLength = 5,
    /// IPv6 `l3 + 40 + payload length` past the frame's end.
    BadPayloadLength = 6,
    /// An IPv6 extension header's first 8 bytes or its whole length run past the payload.
    ExtHeaderPastPayload = 7,
    /// A fifth IPv6 extension header.
    TooManyExtHeaders = 8,
    /// TCP/UDP ports run past the IP datagram (`l4 + 4 > l3 + T`, `off + 4 > end`).
    PortsPastPayload = 9,
}

impl Malformed {
    pub const ALL: [Malformed; 10] = [
        Malformed::Truncated,
        Malformed::BeyondWindow,
        Malformed::UnsupportedEthertype,
        Malformed::BadVersion,
        Malformed::BadIhl,
        Malformed::BadTotalLength,
        Malformed::BadPayloadLength,
        Malformed::ExtHeaderPastPayload,
        Malformed::TooManyExtHeaders,
        Malformed::PortsPastPayload,
    ];

    pub const fn name(self) -> &'static str {
        match self {
            Malformed::Truncated => "truncated",
            Malformed::BeyondWindow => "beyond window",
            Malformed::UnsupportedEthertype => "unsupported ethertype",
            Malformed::BadVersion => "bad IP version",
            Malformed::BadIhl => "IHL < 5",
            Malformed::BadTotalLength => "bad IPv4 total length",
            Malformed::BadPayloadLength => "IPv6 payload past frame end",
            Malformed::ExtHeaderPastPayload => "extension header past payload",
            Malformed::TooManyExtHeaders => "too many extension headers",
            Malformed::PortsPastPayload => "ports past payload",
        }
    }
}

impl core::fmt::Display for Malformed {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.name())
    }
}

/// IP version of a parsed frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IpVersion {
    V4,
    V6,
}

/// The ports of a TCP or UDP datagram that is not a fragment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ports {
    pub src: u16,
    pub dst: u16,
    pub transport: Transport,
}

/// What [`parse_headers`] found in a well-formed frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Headers {
    pub version: IpVersion,
    /// Offset of the IP header: 14, 18 or 22.
    pub l3: usize,
    /// Addresses from the IP header (same family as `version`).
    pub src: IpAddr,
    pub dst: IpAddr,
    /// IPv6 only: the Home Address option's address, if one was found.
    pub ex_src: Option<Ipv6Addr>,
    /// IPv6 only: the type 2 routing header's address, if one was found.
    pub ex_dst: Option<Ipv6Addr>,
    /// IPv4 protocol, or the IPv6 next header after the last extension header walked.
    pub protocol: u8,
    /// IPv4 MF/offset, or an IPv6 Fragment header with M/offset.
    pub fragment: bool,
    /// IPv6 extension headers walked (0 for IPv4).
    pub ext_headers: usize,
    /// Offset of the L4 header (where the ports are or would be).
    pub l4: usize,
    /// Present iff the protocol is TCP or UDP and the datagram is not a fragment.
    pub ports: Option<Ports>,
}

const V4_TCP: &[HashType] = &[HashType::TcpIpv4, HashType::Ipv4];
const V4_UDP: &[HashType] = &[HashType::UdpIpv4, HashType::Ipv4];
const V4_OTHER: &[HashType] = &[HashType::Ipv4];
const V6_TCP: &[HashType] = &[
    HashType::TcpIpv6Ex,
    HashType::TcpIpv6,
    HashType::Ipv6Ex,
    HashType::Ipv6,
];
const V6_UDP: &[HashType] = &[
    HashType::UdpIpv6Ex,
    HashType::UdpIpv6,
    HashType::Ipv6Ex,
    HashType::Ipv6,
];
const V6_OTHER: &[HashType] = &[HashType::Ipv6Ex, HashType::Ipv6];

impl Headers {
    /// The hash types this frame qualifies for, in the spec's order of preference.
    pub fn preference(&self) -> &'static [HashType] {
        let transport = self.ports.map(|p| p.transport);
        match (self.version, transport) {
            (IpVersion::V4, Some(Transport::Tcp)) => V4_TCP,
            (IpVersion::V4, Some(Transport::Udp)) => V4_UDP,
            (IpVersion::V4, None) => V4_OTHER,
            (IpVersion::V6, Some(Transport::Tcp)) => V6_TCP,
            (IpVersion::V6, Some(Transport::Udp)) => V6_UDP,
            (IpVersion::V6, None) => V6_OTHER,
        }
    }

    /// The hash type selected under `enabled`: the first enabled one of
    /// [`Headers::preference`], `None` if none is.
    pub fn selected(&self, enabled: HashTypes) -> Option<HashType> {
        self.preference()
            .iter()
            .copied()
            .find(|&t| enabled.contains(t))
    }

    /// Ex source address: the Home Address if found, else the IPv6 source.
    pub fn ex_src_or_src(&self) -> Option<Ipv6Addr> {
        match self.src {
            IpAddr::V6(src) => Some(self.ex_src.unwrap_or(src)),
            IpAddr::V4(_) => None,
        }
    }

    /// Ex destination address: the type 2 routing header's if found, else the IPv6
    /// destination.
    pub fn ex_dst_or_dst(&self) -> Option<Ipv6Addr> {
        match self.dst {
            IpAddr::V6(dst) => Some(self.ex_dst.unwrap_or(dst)),
            IpAddr::V4(_) => None,
        }
    }

    /// The tuple for hash type `t`, if this frame qualifies for it (`t` is in
    /// [`Headers::preference`]): `t`'s hash input, left-aligned, zero elsewhere.
    pub fn tuple_for(&self, t: HashType) -> Option<Tuple> {
        if !self.preference().contains(&t) {
            return None;
        }
        let ports = match self.ports {
            Some(p) if t.has_ports() => Some((p.src, p.dst, p.transport)),
            _ => None,
        };
        let mut tuple = match (self.src, self.dst) {
            (IpAddr::V4(s), IpAddr::V4(d)) => Tuple::v4(s, d, ports),
            (IpAddr::V6(s), IpAddr::V6(d)) => {
                let ex = matches!(
                    t,
                    HashType::Ipv6Ex | HashType::TcpIpv6Ex | HashType::UdpIpv6Ex
                );
                if ex {
                    Tuple::v6(self.ex_src.unwrap_or(s), self.ex_dst.unwrap_or(d), ports)
                } else {
                    Tuple::v6(s, d, ports)
                }
            }
            _ => return None,
        };
        tuple.candidate = Some(t);
        Some(tuple)
    }

    /// The tuple under `enabled`: the selected type's hash input, or
    /// [`Tuple::UNHASHABLE`] when no type this frame qualifies for is enabled.
    pub fn select(&self, enabled: HashTypes) -> Tuple {
        self.selected(enabled)
            .and_then(|t| self.tuple_for(t))
            .unwrap_or(Tuple::UNHASHABLE)
    }
}

/// The frame as the parser sees it: reads check availability.
#[derive(Clone, Copy)]
struct Window<'a> {
    frame: &'a [u8],
}

impl Window<'_> {
    /// Whether bytes `..end` are all available.
    fn need(&self, end: usize) -> Result<(), Malformed> {
        if end > self.frame.len() {
            Err(Malformed::Truncated)
        } else if end > PARSE_WINDOW_BYTES {
            Err(Malformed::BeyondWindow)
        } else {
            Ok(())
        }
    }

    fn bytes<const N: usize>(&self, off: usize) -> Result<[u8; N], Malformed> {
        let end = off.checked_add(N).ok_or(Malformed::Truncated)?;
        self.need(end)?;
        self.frame
            .get(off..end)
            .and_then(|s| s.try_into().ok())
            .ok_or(Malformed::Truncated)
    }

    fn u8(&self, off: usize) -> Result<u8, Malformed> {
        self.bytes::<1>(off).map(|[b]| b)
    }

    fn u16(&self, off: usize) -> Result<u16, Malformed> {
        self.bytes::<2>(off).map(u16::from_be_bytes)
    }
}

fn transport(protocol: u8) -> Option<Transport> {
    match protocol {
        IPPROTO_TCP => Some(Transport::Tcp),
        IPPROTO_UDP => Some(Transport::Udp),
        _ => None,
    }
}

/// Ports at `l4` of a non-fragment TCP/UDP datagram ending at `end`.
fn ports(
    w: Window<'_>,
    protocol: u8,
    fragment: bool,
    l4: usize,
    end: usize,
) -> Result<Option<Ports>, Malformed> {
    let Some(transport) = transport(protocol).filter(|_| !fragment) else {
        return Ok(None);
    };
    if l4 + 4 > end {
        return Err(Malformed::PortsPastPayload);
    }
    let [s0, s1, d0, d1] = w.bytes::<4>(l4)?;
    Ok(Some(Ports {
        src: u16::from_be_bytes([s0, s1]),
        dst: u16::from_be_bytes([d0, d1]),
        transport,
    }))
}

/// L2/L3/L4 header walk of `frame` (rules in `docs/parser-rules.md`).
pub fn parse_headers(frame: &[u8]) -> Result<Headers, Malformed> {
    let w = Window { frame };
    let mut ethertype = w.u16(12)?;
    let mut l3 = 14;
    if ethertype == ETHERTYPE_QINQ || ethertype == ETHERTYPE_VLAN {
        ethertype = w.u16(16)?;
        l3 = 18;
        if ethertype == ETHERTYPE_VLAN {
            ethertype = w.u16(20)?;
            l3 = 22;
        }
    }
    match ethertype {
        ETHERTYPE_IPV4 => parse_ipv4(w, l3),
        ETHERTYPE_IPV6 => parse_ipv6(w, l3),
        _ => Err(Malformed::UnsupportedEthertype),
    }
}

fn parse_ipv4(w: Window<'_>, l3: usize) -> Result<Headers, Malformed> {
    let version_ihl = w.u8(l3)?;
    if version_ihl >> 4 != 4 {
        return Err(Malformed::BadVersion);
    }
    let header_len = 4 * usize::from(version_ihl & 0xf);
    if header_len < 20 {
        return Err(Malformed::BadIhl);
    }
    w.need(l3 + header_len)?;
    let total = usize::from(w.u16(l3 + 2)?);
    if total < header_len || l3 + total > w.frame.len() {
        return Err(Malformed::BadTotalLength);
    }
    let flags_offset = w.u16(l3 + 6)?;
    let fragment = is_ipv4_fragment(flags_offset);
    let protocol = w.u8(l3 + 9)?;
    let src = Ipv4Addr::from(w.bytes::<4>(l3 + 12)?);
    let dst = Ipv4Addr::from(w.bytes::<4>(l3 + 16)?);
    let l4 = l3 + header_len;
    let ports = ports(w, protocol, fragment, l4, l3 + total)?;
    Ok(Headers {
        version: IpVersion::V4,
        l3,
        src: IpAddr::V4(src),
        dst: IpAddr::V4(dst),
        ex_src: None,
        ex_dst: None,
        protocol,
        fragment,
        ext_headers: 0,
        l4,
        ports,
    })
}

/// An IPv6 next header value the walk steps over (hop-by-hop, routing, fragment,
/// destination options): `docs/parser-rules.md`.
pub fn is_ext_header(nh: u8) -> bool {
    matches!(
        nh,
        IPPROTO_HOPOPTS | IPPROTO_ROUTING | IPPROTO_FRAGMENT | IPPROTO_DSTOPTS
    )
}

/// The Home Address in the Destination Options header at `off..end` (whole header
/// available), if it holds one where RFC 6275 puts it: the option walk over bytes
/// `off+2 ..` reaches [`HOME_ADDRESS_OPTION_OFFSET`] after at most
/// `MAX_DEST_OPTIONS - 1` options that end inside the header, and the option there is
/// type 0xC9 with length 16. Its address is then header bytes 8..24.
fn home_address(w: Window<'_>, off: usize, end: usize) -> Result<Option<Ipv6Addr>, Malformed> {
    let at = off + HOME_ADDRESS_OPTION_OFFSET;
    if at + 18 > end {
        return Ok(None);
    }
    let mut pos = off + 2;
    for _ in 0..MAX_DEST_OPTIONS - 1 {
        if pos >= at {
            break;
        }
        let kind = w.u8(pos)?;
        pos += if kind == OPT_PAD1 {
            1
        } else {
            2 + usize::from(w.u8(pos + 1)?)
        };
    }
    if pos != at || w.u8(at)? != OPT_HOME_ADDRESS || w.u8(at + 1)? != 16 {
        return Ok(None);
    }
    Ok(Some(Ipv6Addr::from(w.bytes::<16>(at + 2)?)))
}

/// An IPv4 header's flags and fragment offset (its bytes 6..8) make the datagram a
/// fragment: MF (more fragments) or a nonzero offset; DF and the reserved bit do not.
pub fn is_ipv4_fragment(flags_offset: u16) -> bool {
    flags_offset & 0x2000 != 0 || flags_offset & 0x1fff != 0
}

/// An IPv6 fragment header's offset-and-flags field (its bytes 2..4) makes the datagram
/// a fragment: offset or M (more fragments) set; an atomic fragment (both clear) is not.
pub fn is_fragment(offset_m: u16) -> bool {
    offset_m >> 3 != 0 || offset_m & 1 != 0
}

fn parse_ipv6(w: Window<'_>, l3: usize) -> Result<Headers, Malformed> {
    if w.u8(l3)? >> 4 != 6 {
        return Err(Malformed::BadVersion);
    }
    w.need(l3 + 40)?;
    let end = l3 + 40 + usize::from(w.u16(l3 + 4)?);
    if end > w.frame.len() {
        return Err(Malformed::BadPayloadLength);
    }
    let mut nh = w.u8(l3 + 6)?;
    let src = Ipv6Addr::from(w.bytes::<16>(l3 + 8)?);
    let dst = Ipv6Addr::from(w.bytes::<16>(l3 + 24)?);
    let mut off = l3 + 40;
    let mut walked = 0;
    let mut ex_src = None;
    let mut ex_dst = None;
    let mut fragment = false;
    while is_ext_header(nh) && !fragment {
        if walked == MAX_EXT_HEADERS {
            return Err(Malformed::TooManyExtHeaders);
        }
        walked += 1;
        if off + 8 > end {
            return Err(Malformed::ExtHeaderPastPayload);
        }
        let [next, ext_len, b2, b3, ..] = w.bytes::<8>(off)?;
        let len = if nh == IPPROTO_FRAGMENT {
            8
        } else {
            8 * (usize::from(ext_len) + 1)
        };
        if off + len > end {
            return Err(Malformed::ExtHeaderPastPayload);
        }
        w.need(off + len)?;
        match nh {
            IPPROTO_ROUTING if b2 == 2 && b3 == 1 && len == 24 => {
                ex_dst = Some(Ipv6Addr::from(w.bytes::<16>(off + 8)?));
            }
            IPPROTO_DSTOPTS => {
                if let Some(home) = home_address(w, off, off + len)? {
                    ex_src = Some(home);
                }
            }
            IPPROTO_FRAGMENT => {
                fragment = is_fragment(u16::from_be_bytes([b2, b3]));
            }
            _ => {}
        }
        off += len;
        nh = next;
    }
    let ports = ports(w, nh, fragment, off, end)?;
    Ok(Headers {
        version: IpVersion::V6,
        l3,
        src: IpAddr::V6(src),
        dst: IpAddr::V6(dst),
        ex_src,
        ex_dst,
        protocol: nh,
        fragment,
        ext_headers: walked,
        l4: off,
        ports,
    })
}

/// The tuple for `frame` under the enabled hash types: [`parse_headers`] then
/// [`Headers::select`]; [`Tuple::UNHASHABLE`] for a malformed frame.
pub fn parse(frame: &[u8], enabled: HashTypes) -> Tuple {
    match parse_headers(frame) {
        Ok(headers) => headers.select(enabled),
        Err(_) => Tuple::UNHASHABLE,
    }
}

/// `m_axis_rss_flags` bit: the frame is IP (or too short to tell) but its headers are
/// broken; it gets no hash and the default queue.
pub const FLAG_MALFORMED: u8 = 1;
/// `m_axis_rss_flags` bit: an IPv4 or IPv6 fragment (hashed on addresses only).
pub const FLAG_FRAGMENT: u8 = 2;

/// The record flags for `frame`. A frame of an unsupported ethertype is not malformed:
/// it is simply not RSS traffic.
pub fn frame_flags(frame: &[u8]) -> u8 {
    match parse_headers(frame) {
        Ok(h) if h.fragment => FLAG_FRAGMENT,
        Ok(_) | Err(Malformed::UnsupportedEthertype) => 0,
        Err(_) => FLAG_MALFORMED,
    }
}

/// The record the frame front end emits for `frame`: parse with the enabled hash
/// types, steer, and the flags.
pub fn steer_frame(config: &crate::steer::SteerConfig<'_>, frame: &[u8]) -> (crate::Record, u8) {
    let tuple = parse(frame, config.hash_types);
    (crate::steer(config, &tuple), frame_flags(frame))
}
