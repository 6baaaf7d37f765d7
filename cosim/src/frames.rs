//! Random Ethernet frames for cosimulating the frame parser against
//! [`rss_model::parse`].
//!
//! [`random_frame`] gives a realistic mix: about 70 % well-formed frames (IPv4 with
//! options and fragments, IPv6 with extension-header chains including the Home
//! Address option and type 2 routing headers, 0–2 VLAN tags, TCP/UDP/ICMP/other,
//! payloads up to a 1500-byte MTU, padded to 60 bytes, sometimes with an FCS; about 3 %
//! end 4-7 bytes into their TCP/UDP header, so the ports lie in the frame's partial last
//! L3 word) and about 30 % malformed ones covering every rule of `docs/parser-rules.md` (runts, truncation,
//! bad version/IHL/lengths, ports past the datagram, too many or overlong extension
//! headers, headers pushed past the 128-byte window, unsupported ethertypes, garbage).
//! [`min_frame`] is a minimum-size TCP/IPv4 frame for throughput tests.
//!
//! The builders ([`ethernet`], [`ipv4_packet`], [`ipv6_packet`], [`ExtHeader`], ...)
//! are public for directed cosim tests.

use rand::{Rng, rngs::StdRng};
use rss_model::parse::{
    ETHERTYPE_IPV4, ETHERTYPE_IPV6, ETHERTYPE_QINQ, ETHERTYPE_VLAN, IPPROTO_DSTOPTS,
    IPPROTO_FRAGMENT, IPPROTO_HOPOPTS, IPPROTO_ROUTING, IPPROTO_TCP, IPPROTO_UDP, MAX_EXT_HEADERS,
    OPT_HOME_ADDRESS, PARSE_WINDOW_BYTES,
};

/// Minimum Ethernet frame length without FCS.
pub const MIN_FRAME: usize = 60;
/// IP MTU the generator stays within.
pub const MTU: usize = 1500;

pub const IPPROTO_ICMP: u8 = 1;
pub const IPPROTO_ICMPV6: u8 = 58;
pub const IPPROTO_NONE: u8 = 59;

// ---------------------------------------------------------------------------------------
// Builders
// ---------------------------------------------------------------------------------------

/// Ethernet II header (fixed MACs), one (TPID, TCI) per entry of `tags`, the
/// ethertype, then `l3`. No padding, no FCS.
pub fn ethernet(tags: &[(u16, u16)], ethertype: u16, l3: &[u8]) -> Vec<u8> {
    let mut f = vec![0x02, 0, 0, 0, 0, 0x01, 0x02, 0, 0, 0, 0, 0x02];
    for (tpid, tci) in tags {
        f.extend_from_slice(&tpid.to_be_bytes());
        f.extend_from_slice(&tci.to_be_bytes());
    }
    f.extend_from_slice(&ethertype.to_be_bytes());
    f.extend_from_slice(l3);
    f
}

/// Zero-pads to [`MIN_FRAME`] bytes.
pub fn pad_to_min(frame: &mut Vec<u8>) {
    if frame.len() < MIN_FRAME {
        frame.resize(MIN_FRAME, 0);
    }
}

/// IEEE 802.3 CRC-32 of `bytes`.
pub fn crc32(bytes: &[u8]) -> u32 {
    crc32fast::hash(bytes)
}

/// Appends the frame check sequence (as transmitted: least significant byte first).
pub fn append_fcs(frame: &mut Vec<u8>) {
    let fcs = crc32(frame);
    frame.extend_from_slice(&fcs.to_le_bytes());
}

/// Internet checksum.
fn checksum(bytes: &[u8]) -> u16 {
    let mut sum: u32 = bytes
        .chunks(2)
        .map(|c| u32::from(u16::from_be_bytes([c[0], c.get(1).copied().unwrap_or(0)])))
        .sum();
    while sum > 0xffff {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    !(sum as u16)
}

/// An IPv4 packet (header checksum filled in; total length = header + payload).
/// `options.len()` must be a multiple of 4 and at most 40.
pub fn ipv4_packet(
    src: [u8; 4],
    dst: [u8; 4],
    protocol: u8,
    flags_offset: u16,
    options: &[u8],
    payload: &[u8],
) -> Vec<u8> {
    assert_eq!(options.len() % 4, 0);
    assert!(options.len() <= 40);
    let header_len = 20 + options.len();
    let total = (header_len + payload.len()) as u16;
    let mut p = vec![0x40 | (header_len / 4) as u8, 0];
    p.extend_from_slice(&total.to_be_bytes());
    p.extend_from_slice(&[0x12, 0x34]);
    p.extend_from_slice(&flags_offset.to_be_bytes());
    p.extend_from_slice(&[64, protocol, 0, 0]);
    p.extend_from_slice(&src);
    p.extend_from_slice(&dst);
    p.extend_from_slice(options);
    let sum = checksum(&p);
    p[10..12].copy_from_slice(&sum.to_be_bytes());
    p.extend_from_slice(payload);
    p
}

/// One IPv6 extension header; [`ExtHeader::encode`] fills in next header and length.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExtHeader {
    /// Hop-by-Hop Options with these options, padded with Pad1/PadN to 8n bytes.
    HopByHop(Vec<u8>),
    /// Destination Options with these options, padded likewise.
    DestOpts(Vec<u8>),
    /// Routing header: routing type, segments left, type-specific data (zero-padded
    /// to 8n bytes).
    Routing {
        kind: u8,
        segments_left: u8,
        data: Vec<u8>,
    },
    /// Fragment header: offset in 8-byte units, M flag.
    Fragment { offset: u16, more: bool },
}

/// Pads an option area (which follows the 2-byte next-header/length) to 8n bytes.
pub fn pad_options(mut options: Vec<u8>) -> Vec<u8> {
    match (8 - (options.len() + 2) % 8) % 8 {
        0 => {}
        1 => options.push(0),
        n => {
            options.extend_from_slice(&[1, (n - 2) as u8]);
            options.resize(options.len() + n - 2, 0);
        }
    }
    options
}

/// Options of a Destination Options header holding a Home Address option, aligned
/// 8n+6 as RFC 6275 asks (PadN of 4 bytes first): 24 bytes once encoded.
pub fn home_address_options(home: [u8; 16]) -> Vec<u8> {
    let mut o = vec![1, 2, 0, 0, OPT_HOME_ADDRESS, 16];
    o.extend_from_slice(&home);
    o
}

/// A type 2 routing header (RFC 6275) carrying `home`: 24 bytes.
pub fn type2_routing(home: [u8; 16]) -> ExtHeader {
    let mut data = vec![0; 4];
    data.extend_from_slice(&home);
    ExtHeader::Routing {
        kind: 2,
        segments_left: 1,
        data,
    }
}

impl ExtHeader {
    /// Its next-header value.
    pub fn protocol(&self) -> u8 {
        match self {
            ExtHeader::HopByHop(_) => IPPROTO_HOPOPTS,
            ExtHeader::DestOpts(_) => IPPROTO_DSTOPTS,
            ExtHeader::Routing { .. } => IPPROTO_ROUTING,
            ExtHeader::Fragment { .. } => IPPROTO_FRAGMENT,
        }
    }

    /// Whether this Fragment header makes the packet a fragment.
    pub fn is_fragmenting(&self) -> bool {
        matches!(self, ExtHeader::Fragment { offset, more } if *offset != 0 || *more)
    }

    /// The header's bytes with next header `next`. Panics if it would exceed 2048 bytes.
    pub fn encode(&self, next: u8) -> Vec<u8> {
        let with_length = |body: Vec<u8>| {
            let units = (body.len() + 2) / 8;
            assert_eq!((body.len() + 2) % 8, 0);
            assert!((1..=256).contains(&units));
            let mut h = vec![next, (units - 1) as u8];
            h.extend(body);
            h
        };
        match self {
            ExtHeader::HopByHop(options) | ExtHeader::DestOpts(options) => {
                with_length(pad_options(options.clone()))
            }
            ExtHeader::Routing {
                kind,
                segments_left,
                data,
            } => {
                let mut body = vec![*kind, *segments_left];
                body.extend_from_slice(data);
                body.resize(body.len() + (8 - (body.len() + 2) % 8) % 8, 0);
                with_length(body)
            }
            ExtHeader::Fragment { offset, more } => {
                let mut h = vec![next, 0];
                h.extend_from_slice(&((offset << 3) | u16::from(*more)).to_be_bytes());
                h.extend_from_slice(&[0x0b, 0xad, 0xf0, 0x0d]);
                h
            }
        }
    }

    /// Encoded length in bytes.
    pub fn len(&self) -> usize {
        self.encode(0).len()
    }

    pub fn is_empty(&self) -> bool {
        false
    }
}

/// The encoded chain, each header pointing to the next, the last to `protocol`.
pub fn encode_chain(exts: &[ExtHeader], protocol: u8) -> Vec<u8> {
    let mut out = Vec::new();
    for (i, e) in exts.iter().enumerate() {
        let next = exts.get(i + 1).map_or(protocol, ExtHeader::protocol);
        out.extend(e.encode(next));
    }
    out
}

/// An IPv6 packet: fixed header, extension headers, payload; payload length right.
pub fn ipv6_packet(
    src: [u8; 16],
    dst: [u8; 16],
    exts: &[ExtHeader],
    protocol: u8,
    payload: &[u8],
) -> Vec<u8> {
    let chain = encode_chain(exts, protocol);
    let first = exts.first().map_or(protocol, ExtHeader::protocol);
    let plen = (chain.len() + payload.len()) as u16;
    let mut p = vec![0x60, 0x0a, 0xbc, 0xde];
    p.extend_from_slice(&plen.to_be_bytes());
    p.extend_from_slice(&[first, 64]);
    p.extend_from_slice(&src);
    p.extend_from_slice(&dst);
    p.extend(chain);
    p.extend_from_slice(payload);
    p
}

/// A minimum-padded TCP frame for a published-vector style flow, with the given
/// VLAN TPIDs (each tag TCI 0x0064).
pub fn tcp_frame(
    tpids: &[u16],
    src: std::net::IpAddr,
    dst: std::net::IpAddr,
    sport: u16,
    dport: u16,
) -> Vec<u8> {
    use std::net::IpAddr;
    let tags: Vec<(u16, u16)> = tpids.iter().map(|&t| (t, 0x0064)).collect();
    let segment = tcp_segment(sport, dport, &[], b"rss");
    let mut frame = match (src, dst) {
        (IpAddr::V4(s), IpAddr::V4(d)) => ethernet(
            &tags,
            0x0800,
            &ipv4_packet(s.octets(), d.octets(), 6, 0, &[], &segment),
        ),
        (IpAddr::V6(s), IpAddr::V6(d)) => ethernet(
            &tags,
            0x86dd,
            &ipv6_packet(s.octets(), d.octets(), &[], 6, &segment),
        ),
        _ => panic!("mixed address families"),
    };
    pad_to_min(&mut frame);
    frame
}

/// A TCP segment: 20-byte header plus `options` (padded to 4n) plus `payload`.
pub fn tcp_segment(sport: u16, dport: u16, options: &[u8], payload: &[u8]) -> Vec<u8> {
    let mut opts = options.to_vec();
    opts.resize(opts.len().div_ceil(4) * 4, 0);
    let mut s = Vec::with_capacity(20 + opts.len() + payload.len());
    s.extend_from_slice(&sport.to_be_bytes());
    s.extend_from_slice(&dport.to_be_bytes());
    s.extend_from_slice(&[0x10, 0x20, 0x30, 0x40, 0, 0, 0, 0]);
    s.extend_from_slice(&[(((20 + opts.len()) / 4) << 4) as u8, 0x18, 0xff, 0xff]);
    s.extend_from_slice(&[0, 0, 0, 0]);
    s.extend(opts);
    s.extend_from_slice(payload);
    s
}

/// A UDP datagram (checksum 0).
pub fn udp_datagram(sport: u16, dport: u16, payload: &[u8]) -> Vec<u8> {
    let mut d = Vec::with_capacity(8 + payload.len());
    d.extend_from_slice(&sport.to_be_bytes());
    d.extend_from_slice(&dport.to_be_bytes());
    d.extend_from_slice(&((8 + payload.len()) as u16).to_be_bytes());
    d.extend_from_slice(&[0, 0]);
    d.extend_from_slice(payload);
    d
}

// ---------------------------------------------------------------------------------------
// Random well-formed frames
// ---------------------------------------------------------------------------------------

fn bytes<R: Rng + ?Sized>(rng: &mut R, n: usize) -> Vec<u8> {
    let mut v = vec![0; n];
    rng.fill(&mut v[..]);
    v
}

fn pick<T: Copy, R: Rng + ?Sized>(rng: &mut R, items: &[T]) -> T {
    items[rng.random_range(0..items.len())]
}

fn random_tags<R: Rng + ?Sized>(rng: &mut R) -> Vec<(u16, u16)> {
    let tci = |rng: &mut R| rng.random::<u16>();
    match rng.random_range(0..100) {
        0..60 => vec![],
        60..85 => {
            let tpid = if rng.random_bool(0.8) {
                ETHERTYPE_VLAN
            } else {
                ETHERTYPE_QINQ
            };
            vec![(tpid, tci(rng))]
        }
        _ => {
            let outer = if rng.random_bool(0.7) {
                ETHERTYPE_QINQ
            } else {
                ETHERTYPE_VLAN
            };
            vec![(outer, tci(rng)), (ETHERTYPE_VLAN, tci(rng))]
        }
    }
}

/// Payload length: mostly small, some medium, some up to `max`.
fn payload_len<R: Rng + ?Sized>(rng: &mut R, max: usize) -> usize {
    let cap = |n: usize| n.min(max);
    match rng.random_range(0..10) {
        0..4 => rng.random_range(0..=cap(64)),
        4..7 => rng.random_range(0..=cap(512)),
        _ => rng.random_range(0..=max),
    }
}

/// An L4 payload for `protocol`, at most `max` bytes (at least 4 if TCP/UDP: ports).
fn random_l4<R: Rng + ?Sized>(rng: &mut R, protocol: u8, max: usize) -> Vec<u8> {
    let sport = rng.random();
    let dport = if rng.random_bool(0.5) {
        pick(rng, &[80, 443, 53, 22, 4789, 6081, 123, 5201])
    } else {
        rng.random()
    };
    match protocol {
        IPPROTO_TCP => {
            let opts = if rng.random_bool(0.3) {
                rng.random_range(1..=40)
            } else {
                0
            };
            let opts = bytes(rng, opts);
            let header = 20 + opts.len().div_ceil(4) * 4;
            if header > max {
                // Short but still holds the ports.
                let mut s = tcp_segment(sport, dport, &[], &[]);
                s.truncate(max.max(4));
                return s;
            }
            let n = payload_len(rng, max - header);
            tcp_segment(sport, dport, &opts, &bytes(rng, n))
        }
        IPPROTO_UDP => {
            let n = payload_len(rng, max.saturating_sub(8));
            let mut d = udp_datagram(sport, dport, &bytes(rng, n));
            d.truncate(max.max(4));
            d
        }
        IPPROTO_ICMP | IPPROTO_ICMPV6 => {
            let n = payload_len(rng, max.saturating_sub(8));
            let mut m = vec![pick(rng, &[8u8, 0, 3, 11, 128, 129, 135, 136]), 0, 0, 0];
            m.extend(bytes(rng, 4 + n));
            m.truncate(max);
            m
        }
        IPPROTO_NONE => vec![],
        _ => {
            let n = payload_len(rng, max);
            bytes(rng, n)
        }
    }
}

fn random_v4_protocol<R: Rng + ?Sized>(rng: &mut R) -> u8 {
    match rng.random_range(0..100) {
        0..45 => IPPROTO_TCP,
        45..80 => IPPROTO_UDP,
        80..88 => IPPROTO_ICMP,
        _ => loop {
            let p = pick(rng, &[2, 4, 41, 47, 50, 51, 89, 103, 112, 132, 0, 255, 200]);
            if p != IPPROTO_TCP && p != IPPROTO_UDP {
                break p;
            }
        },
    }
}

fn random_v6_protocol<R: Rng + ?Sized>(rng: &mut R) -> u8 {
    match rng.random_range(0..100) {
        0..45 => IPPROTO_TCP,
        45..80 => IPPROTO_UDP,
        80..90 => IPPROTO_ICMPV6,
        90..93 => IPPROTO_NONE,
        _ => pick(rng, &[4, 41, 47, 50, 51, 89, 103, 132, 135, 139, 253]),
    }
}

fn random_v6_addr<R: Rng + ?Sized>(rng: &mut R) -> [u8; 16] {
    let mut a: [u8; 16] = rng.random();
    match rng.random_range(0..4) {
        0 => a[..2].copy_from_slice(&[0xfe, 0x80]), // link-local
        1 => a[..4].copy_from_slice(&[0x20, 0x01, 0x0d, 0xb8]),
        2 => a[0] = 0xff, // multicast
        _ => {}
    }
    a
}

/// Random options for a Hop-by-Hop / Destination Options header (no Home Address).
fn random_options<R: Rng + ?Sized>(rng: &mut R, max_len: usize) -> Vec<u8> {
    let mut o = Vec::new();
    for _ in 0..rng.random_range(0..4) {
        match rng.random_range(0..4) {
            0 => o.push(0),                          // Pad1
            1 => o.extend_from_slice(&[5, 2, 0, 0]), // router alert
            2 => {
                let n = rng.random_range(0..6);
                o.extend_from_slice(&[1, n as u8]); // PadN
                o.resize(o.len() + n, 0);
            }
            _ => {
                // An unknown "skip" option (top bits 00) with random data.
                let n = rng.random_range(0..12);
                o.extend_from_slice(&[0x1e, n as u8]);
                o.extend(bytes(rng, n));
            }
        }
        if o.len() > max_len {
            o.truncate(0);
            break;
        }
    }
    o
}

/// A routing header that must not give an Ex destination.
fn other_routing<R: Rng + ?Sized>(rng: &mut R) -> ExtHeader {
    let addrs = |rng: &mut R, n: usize| {
        let mut d = vec![0; 4];
        for _ in 0..n {
            d.extend_from_slice(&random_v6_addr(rng));
        }
        d
    };
    match rng.random_range(0..5) {
        0 => ExtHeader::Routing {
            kind: 0,
            segments_left: 1,
            data: addrs(rng, 1),
        },
        1 => ExtHeader::Routing {
            kind: 3,
            segments_left: rng.random_range(0..3),
            data: bytes(rng, 22),
        },
        2 => ExtHeader::Routing {
            kind: 4,
            segments_left: 0,
            data: {
                let mut d = vec![0, 0, 0, 0];
                d.extend_from_slice(&random_v6_addr(rng));
                d
            },
        },
        // Type 2 with segments left 0 (already processed) or a wrong length.
        3 => ExtHeader::Routing {
            kind: 2,
            segments_left: 0,
            data: addrs(rng, 1),
        },
        _ => ExtHeader::Routing {
            kind: 2,
            segments_left: 1,
            data: vec![0; 6],
        },
    }
}

fn random_fragment<R: Rng + ?Sized>(rng: &mut R) -> ExtHeader {
    match rng.random_range(0..3) {
        0 => ExtHeader::Fragment {
            offset: 0,
            more: false,
        }, // atomic
        1 => ExtHeader::Fragment {
            offset: 0,
            more: true,
        }, // first
        _ => ExtHeader::Fragment {
            offset: rng.random_range(1..0x2000),
            more: rng.random_bool(0.5),
        },
    }
}

/// A random extension-header chain of at most `budget` bytes and [`MAX_EXT_HEADERS`]
/// headers, mostly in RFC 8200 / RFC 6275 order.
fn random_chain<R: Rng + ?Sized>(rng: &mut R, budget: usize) -> Vec<ExtHeader> {
    let mut chain = Vec::new();
    if rng.random_bool(0.3) {
        chain.push(ExtHeader::HopByHop(random_options(rng, 20)));
    }
    if rng.random_bool(0.1) {
        chain.push(ExtHeader::DestOpts(random_options(rng, 20)));
    }
    if rng.random_bool(0.4) {
        chain.push(if rng.random_bool(0.65) {
            type2_routing(random_v6_addr(rng))
        } else {
            other_routing(rng)
        });
    }
    if rng.random_bool(0.4) {
        let options = if rng.random_bool(0.7) {
            let mut o = home_address_options(random_v6_addr(rng));
            match rng.random_range(0..8) {
                // Other paddings that reach offset 6 (found) ...
                0 => o.splice(0..4, [0u8, 0, 1, 0]).for_each(drop),
                1 => o.splice(0..4, [1u8, 0, 0, 0]).for_each(drop),
                2 => o.splice(0..4, [0u8, 1, 1, 0]).for_each(drop),
                3 => o.splice(0..4, [1u8, 0, 1, 0]).for_each(drop),
                // ... or miss it (not found): four Pad1, two bytes late, no padding.
                4 => o.splice(0..4, [0u8, 0, 0, 0]).for_each(drop),
                5 => o.splice(0..0, [0u8, 0]).for_each(drop),
                6 => o.splice(0..4, []).for_each(drop),
                _ => {}
            }
            o
        } else {
            random_options(rng, 30)
        };
        chain.push(ExtHeader::DestOpts(options));
    }
    if rng.random_bool(0.25) {
        chain.push(random_fragment(rng));
    }
    if rng.random_bool(0.15) {
        // Any order.
        for i in (1..chain.len()).rev() {
            chain.swap(i, rng.random_range(0..=i));
        }
    }
    chain.truncate(MAX_EXT_HEADERS);
    while chain.iter().map(ExtHeader::len).sum::<usize>() > budget {
        chain.remove(rng.random_range(0..chain.len()));
    }
    chain
}

/// Layout of a generated frame, for the malformations.
#[derive(Debug, Clone)]
struct Built {
    frame: Vec<u8>,
    tags: Vec<(u16, u16)>,
    l3: usize,
    v6: bool,
    /// IPv4 header length or IPv6 40 + extension headers.
    headers_len: usize,
    /// End of the IP datagram (`l3` + total length); padding and FCS follow.
    ip_end: usize,
    exts: Vec<ExtHeader>,
    protocol: u8,
    fragment: bool,
}

impl Built {
    /// Offsets of the bytes the parser branches on: ethertype, version/IHL, lengths,
    /// fragment bits, protocol / next headers, extension-header length and type bytes.
    fn control_bytes(&self) -> Vec<usize> {
        let l3 = self.l3;
        let mut v = vec![l3 - 2, l3 - 1, l3];
        if self.v6 {
            v.extend([l3 + 4, l3 + 5, l3 + 6]);
            let mut off = l3 + 40;
            for e in &self.exts {
                v.extend([off, off + 1, off + 2, off + 3]);
                off += e.len();
            }
        } else {
            v.extend([l3 + 2, l3 + 3, l3 + 6, l3 + 7, l3 + 9]);
        }
        v
    }

    /// Where the parser needs its last byte (exclusive).
    fn needed_end(&self) -> usize {
        let ports =
            (self.protocol == IPPROTO_TCP || self.protocol == IPPROTO_UDP) && !self.fragment;
        self.l3 + self.headers_len + if ports { 4 } else { 0 }
    }
}

/// An IPv6 frame with random addresses around `exts` and `l4`, finished like every
/// generated frame (random MACs, padding, sometimes an FCS).
fn ipv6_frame<R: Rng + ?Sized>(
    rng: &mut R,
    tags: &[(u16, u16)],
    exts: &[ExtHeader],
    protocol: u8,
    l4: &[u8],
) -> Vec<u8> {
    let packet = ipv6_packet(random_v6_addr(rng), random_v6_addr(rng), exts, protocol, l4);
    finish(rng, ethernet(tags, ETHERTYPE_IPV6, &packet))
}

fn finish<R: Rng + ?Sized>(rng: &mut R, mut frame: Vec<u8>) -> Vec<u8> {
    // Random MACs (multicast and broadcast included).
    rng.fill(&mut frame[..12]);
    if rng.random_bool(0.05) {
        frame[..6].fill(0xff);
    }
    pad_to_min(&mut frame);
    if rng.random_bool(0.3) {
        append_fcs(&mut frame);
    }
    frame
}

fn random_ipv4<R: Rng + ?Sized>(rng: &mut R, tags: Vec<(u16, u16)>) -> Built {
    let protocol = random_v4_protocol(rng);
    let options = if rng.random_bool(0.25) {
        let words = rng.random_range(1..=10);
        let mut o = bytes(rng, 4 * words);
        if rng.random_bool(0.5) {
            o.fill(1); // NOPs
        }
        o
    } else {
        Vec::new()
    };
    let flags_offset = match rng.random_range(0..100) {
        0..60 => 0x4000, // DF
        60..85 => 0,
        85..90 => 0x2000, // first fragment
        90..95 => 0x2000 | rng.random_range(1..0x2000),
        _ => rng.random_range(1..0x2000), // last fragment
    };
    let fragment = flags_offset & 0x3fff != 0;
    let header_len = 20 + options.len();
    let max = MTU - header_len;
    let l4 = if fragment && flags_offset & 0x1fff != 0 {
        let n = payload_len(rng, max);
        bytes(rng, n) // a later fragment: no L4 header
    } else {
        random_l4(rng, protocol, max)
    };
    let packet = ipv4_packet(
        rng.random(),
        rng.random(),
        protocol,
        flags_offset,
        &options,
        &l4,
    );
    let l3 = 14 + 4 * tags.len();
    Built {
        frame: finish(rng, ethernet(&tags, ETHERTYPE_IPV4, &packet)),
        tags,
        l3,
        v6: false,
        headers_len: header_len,
        ip_end: l3 + packet.len(),
        exts: Vec::new(),
        protocol,
        fragment,
    }
}

fn random_ipv6<R: Rng + ?Sized>(rng: &mut R, tags: Vec<(u16, u16)>, exts: Vec<ExtHeader>) -> Built {
    let protocol = random_v6_protocol(rng);
    let ext_len: usize = exts.iter().map(ExtHeader::len).sum();
    let fragment = exts.iter().any(ExtHeader::is_fragmenting);
    let later_fragment = exts
        .iter()
        .any(|e| matches!(e, ExtHeader::Fragment { offset, .. } if *offset != 0));
    let max = MTU - 40 - ext_len;
    let l4 = if later_fragment {
        let n = payload_len(rng, max);
        bytes(rng, n)
    } else {
        random_l4(rng, protocol, max)
    };
    let packet = ipv6_packet(
        random_v6_addr(rng),
        random_v6_addr(rng),
        &exts,
        protocol,
        &l4,
    );
    let l3 = 14 + 4 * tags.len();
    Built {
        frame: finish(rng, ethernet(&tags, ETHERTYPE_IPV6, &packet)),
        tags,
        l3,
        v6: true,
        headers_len: 40 + ext_len,
        ip_end: l3 + packet.len(),
        exts,
        protocol,
        fragment,
    }
}

/// Room for extension headers so that they and the ports stay inside the window.
fn ext_budget(tags: usize) -> usize {
    PARSE_WINDOW_BYTES - (14 + 4 * tags) - 40 - 4
}

fn random_valid<R: Rng + ?Sized>(rng: &mut R) -> Built {
    let tags = random_tags(rng);
    if rng.random_bool(0.5) {
        random_ipv4(rng, tags)
    } else {
        let exts = if rng.random_bool(0.45) {
            Vec::new()
        } else {
            random_chain(rng, ext_budget(tags.len()))
        };
        random_ipv6(rng, tags, exts)
    }
}

// ---------------------------------------------------------------------------------------
// Malformed frames
// ---------------------------------------------------------------------------------------

fn set_u16(frame: &mut [u8], off: usize, v: u16) {
    frame[off..off + 2].copy_from_slice(&v.to_be_bytes());
}

fn valid_v4<R: Rng + ?Sized>(rng: &mut R) -> Built {
    let tags = random_tags(rng);
    random_ipv4(rng, tags)
}

fn valid_v6<R: Rng + ?Sized>(rng: &mut R, with_exts: bool) -> Built {
    let tags = random_tags(rng);
    let mut exts = if with_exts {
        random_chain(rng, ext_budget(tags.len()))
    } else {
        Vec::new()
    };
    if with_exts && exts.is_empty() {
        exts.push(ExtHeader::HopByHop(Vec::new()));
    }
    random_ipv6(rng, tags, exts)
}

/// A TCP/UDP datagram whose L4 part is only 0..=3 bytes.
fn ports_past_payload<R: Rng + ?Sized>(rng: &mut R) -> Vec<u8> {
    let tags = random_tags(rng);
    let protocol = pick(rng, &[IPPROTO_TCP, IPPROTO_UDP]);
    let n = rng.random_range(0..4);
    let l4 = bytes(rng, n);
    let (ethertype, packet) = unfragmented_datagram(rng, tags.len(), protocol, &l4, false);
    finish(rng, ethernet(&tags, ethertype, &packet))
}

/// An unfragmented datagram carrying `l4` as `protocol`, IPv4 or IPv6 at even odds:
/// IPv4 with 0-10 random option words when `v4_options` (else none), IPv6 with a random
/// extension chain without a Fragment header that keeps the ports inside the parse
/// window behind `tags` tags. Returns the ethertype and the packet.
fn unfragmented_datagram<R: Rng + ?Sized>(
    rng: &mut R,
    tags: usize,
    protocol: u8,
    l4: &[u8],
    v4_options: bool,
) -> (u16, Vec<u8>) {
    if rng.random_bool(0.5) {
        let options = if v4_options {
            let option_words = rng.random_range(0..=10);
            bytes(rng, 4 * option_words)
        } else {
            Vec::new()
        };
        let packet = ipv4_packet(rng.random(), rng.random(), protocol, 0x4000, &options, l4);
        (ETHERTYPE_IPV4, packet)
    } else {
        let exts: Vec<_> = random_chain(rng, ext_budget(tags))
            .into_iter()
            .filter(|e| !e.is_fragmenting())
            .collect();
        let packet = ipv6_packet(
            random_v6_addr(rng),
            random_v6_addr(rng),
            &exts,
            protocol,
            l4,
        );
        (ETHERTYPE_IPV6, packet)
    }
}

/// Five to seven short extension headers.
fn too_many_ext_headers<R: Rng + ?Sized>(rng: &mut R) -> Vec<u8> {
    let tags = random_tags(rng);
    let n = rng.random_range(MAX_EXT_HEADERS + 1..=MAX_EXT_HEADERS + 3);
    let exts: Vec<_> = (0..n)
        .map(|_| match rng.random_range(0..4) {
            0 => ExtHeader::HopByHop(Vec::new()),
            1 => ExtHeader::DestOpts(Vec::new()),
            2 => ExtHeader::Fragment {
                offset: 0,
                more: false,
            },
            _ => ExtHeader::Routing {
                kind: 0,
                segments_left: 0,
                data: vec![0; 4],
            },
        })
        .collect();
    let protocol = random_v6_protocol(rng);
    let l4 = random_l4(rng, protocol, 200);
    ipv6_frame(rng, &tags, &exts, protocol, &l4)
}

/// A long extension header that pushes the next header or the ports past the window.
fn past_window<R: Rng + ?Sized>(rng: &mut R) -> Vec<u8> {
    let tags = random_tags(rng);
    let room = ext_budget(tags.len()); // ports fit iff the chain is at most this long
    let mut exts = Vec::new();
    if rng.random_bool(0.3) {
        exts.push(ExtHeader::HopByHop(Vec::new()));
    }
    if rng.random_bool(0.3) {
        exts.push(type2_routing(random_v6_addr(rng)));
    }
    let used: usize = exts.iter().map(ExtHeader::len).sum();
    let protocol = pick(
        rng,
        &[IPPROTO_TCP, IPPROTO_UDP, IPPROTO_TCP, IPPROTO_ICMPV6],
    );
    // Without ports the chain itself must end past the window.
    let min = if protocol == IPPROTO_ICMPV6 {
        room + 5
    } else {
        room + 1
    };
    let total = rng.random_range(min.max(used + 8)..=300);
    let long = (total - used).div_ceil(8) * 8;
    // Option area of `long - 2` bytes made of PadN options (at most 257 bytes each).
    let mut options = Vec::new();
    let mut left = long - 2;
    while left > 0 {
        let n = left.min(257);
        if n == 1 {
            options.push(0);
        } else {
            options.extend_from_slice(&[1, (n - 2) as u8]);
            options.resize(options.len() + n - 2, 0);
        }
        left -= n;
    }
    exts.push(if rng.random_bool(0.5) {
        ExtHeader::DestOpts(options)
    } else {
        ExtHeader::HopByHop(options)
    });
    if rng.random_bool(0.3) {
        exts.rotate_right(1);
    }
    let l4 = random_l4(rng, protocol, 600);
    ipv6_frame(rng, &tags, &exts, protocol, &l4)
}

/// Kinds of malformation [`random_malformed`] picks from (see the match arms).
const MALFORMED_KINDS: u32 = 14;
/// Kinds that may leave the frame well-formed (garbage, overwritten bytes).
#[cfg(test)]
const MAYBE_VALID_KINDS: [u32; 2] = [12, 13];

fn random_malformed<R: Rng + ?Sized>(rng: &mut R) -> Vec<u8> {
    let kind = rng.random_range(0..MALFORMED_KINDS);
    malformed_of_kind(rng, kind)
}

fn malformed_of_kind<R: Rng + ?Sized>(rng: &mut R, kind: u32) -> Vec<u8> {
    match kind {
        // Runt: 1..=13 bytes of a valid frame (or 14..=20 with tags: cut in the tags).
        0 => {
            let b = random_valid(rng);
            let cut = rng.random_range(1..=(b.l3 - 1).min(b.frame.len()));
            b.frame[..cut].to_vec()
        }
        // Cut inside the headers the parser needs.
        1 => {
            let b = random_valid(rng);
            let end = b.needed_end().min(b.frame.len());
            let cut = rng.random_range(b.l3..end);
            b.frame[..cut].to_vec()
        }
        // Cut anywhere inside the IP datagram (the length fields then point past the end).
        2 => {
            let b = random_valid(rng);
            let cut = rng.random_range(1..b.ip_end);
            b.frame[..cut].to_vec()
        }
        // Version nibble not the ethertype's.
        3 => {
            let mut b = random_valid(rng);
            let right = if b.v6 { 6 } else { 4 };
            let version = loop {
                let v = if rng.random_bool(0.5) {
                    10 - right // 4 <-> 6
                } else {
                    rng.random_range(0..16)
                };
                if v != right {
                    break v;
                }
            };
            b.frame[b.l3] = (version << 4) | (b.frame[b.l3] & 0xf);
            b.frame
        }
        // IHL < 5.
        4 => {
            let mut b = valid_v4(rng);
            b.frame[b.l3] = 0x40 | rng.random_range(0..5);
            b.frame
        }
        // IPv4 total length below the header length or past the frame.
        5 => {
            let mut b = valid_v4(rng);
            let room = b.frame.len() - b.l3;
            let total = if rng.random_bool(0.4) {
                rng.random_range(0..b.headers_len)
            } else if rng.random_bool(0.5) {
                room + rng.random_range(1..=8)
            } else {
                rng.random_range(room + 1..=0xffff)
            };
            set_u16(&mut b.frame, b.l3 + 2, total as u16);
            b.frame
        }
        // IPv6 payload length past the frame.
        6 => {
            let with_exts = rng.random_bool(0.3);
            let mut b = valid_v6(rng, with_exts);
            let room = b.frame.len() - b.l3 - 40;
            let plen = if rng.random_bool(0.5) {
                room + rng.random_range(1..=8)
            } else {
                rng.random_range(room + 1..=0xffff)
            };
            set_u16(&mut b.frame, b.l3 + 4, plen as u16);
            b.frame
        }
        // TCP/UDP with fewer than 4 bytes of L4.
        7 => ports_past_payload(rng),
        // IPv6 payload length ends inside the extension headers (frame still long).
        8 => {
            let mut b = valid_v6(rng, true);
            b.exts.retain(|e| !e.is_fragmenting());
            if b.exts.is_empty() {
                b.exts.push(ExtHeader::DestOpts(Vec::new()));
            }
            let rebuilt = random_ipv6(rng, b.tags.clone(), b.exts.clone());
            let mut frame = rebuilt.frame;
            let ext_len = rebuilt.headers_len - 40;
            let plen = rng.random_range(0..ext_len);
            set_u16(&mut frame, rebuilt.l3 + 4, plen as u16);
            frame
        }
        9 => too_many_ext_headers(rng),
        10 => past_window(rng),
        // Unsupported ethertype: another protocol, a third tag, an inner S-tag.
        11 => {
            let b = random_valid(rng);
            let payload = &b.frame[b.l3..];
            let tci = rng.random();
            match rng.random_range(0..4) {
                0 => {
                    let et = loop {
                        let et = if rng.random_bool(0.6) {
                            pick(
                                rng,
                                &[
                                    0x0806, 0x8035, 0x88cc, 0x8847, 0x8848, 0x8906, 0x88e5, 0x9100,
                                    0x0600,
                                ],
                            )
                        } else {
                            rng.random()
                        };
                        if ![
                            ETHERTYPE_IPV4,
                            ETHERTYPE_IPV6,
                            ETHERTYPE_VLAN,
                            ETHERTYPE_QINQ,
                        ]
                        .contains(&et)
                        {
                            break et;
                        }
                    };
                    finish(rng, ethernet(&b.tags, et, payload))
                }
                1 => {
                    let third = pick(rng, &[ETHERTYPE_VLAN, ETHERTYPE_QINQ]);
                    let tags = [(ETHERTYPE_QINQ, tci), (ETHERTYPE_VLAN, tci), (third, tci)];
                    let et = if b.v6 { ETHERTYPE_IPV6 } else { ETHERTYPE_IPV4 };
                    finish(rng, ethernet(&tags, et, payload))
                }
                2 => {
                    let outer = pick(rng, &[ETHERTYPE_VLAN, ETHERTYPE_QINQ]);
                    let tags = [(outer, tci), (ETHERTYPE_QINQ, tci)];
                    let et = if b.v6 { ETHERTYPE_IPV6 } else { ETHERTYPE_IPV4 };
                    finish(rng, ethernet(&tags, et, payload))
                }
                _ => {
                    // 802.3 length field instead of an ethertype.
                    let len = rng.random_range(46..=1500);
                    finish(rng, ethernet(&b.tags, len, payload))
                }
            }
        }
        // Garbage, sometimes behind a plausible ethertype.
        12 => {
            let len = match rng.random_range(0..3) {
                0 => rng.random_range(1..60),
                1 => rng.random_range(60..=128),
                _ => rng.random_range(129..=1514),
            };
            let mut f = bytes(rng, len);
            if len >= 15 && rng.random_bool(0.5) {
                let v6 = rng.random_bool(0.5);
                set_u16(&mut f, 12, if v6 { ETHERTYPE_IPV6 } else { ETHERTYPE_IPV4 });
                if rng.random_bool(0.7) {
                    f[14] = if v6 { 0x60 | (f[14] & 0xf) } else { 0x45 };
                }
            }
            f
        }
        // One or two bytes the parser decides on overwritten (may or may not break it).
        _ => {
            let mut b = random_valid(rng);
            let fields = b.control_bytes();
            for _ in 0..rng.random_range(1..=2) {
                let i = pick(rng, &fields);
                b.frame[i] = rng.random();
            }
            b.frame
        }
    }
}

/// A well-formed TCP/UDP frame that ends 4-7 bytes into its L4 header, with no padding
/// or FCS after it, so the ports sit in the frame's partial last L3 word (always for
/// IPv6; for IPv4 when its header is a whole number of 8-byte words): the 64-bit
/// hardware takes them from the last beat's tail word there. Headers (tags, IPv4 options, IPv6
/// extension headers) are drawn until the frame reaches 60 bytes without padding.
pub fn ports_in_partial_last_word(rng: &mut StdRng) -> Vec<u8> {
    loop {
        let tags = random_tags(rng);
        let protocol = pick(rng, &[IPPROTO_TCP, IPPROTO_UDP]);
        let l4_len = rng.random_range(4..8);
        let mut l4 = bytes(rng, l4_len);
        if rng.random_bool(0.5) {
            l4[2..4].copy_from_slice(&pick(rng, &[53u16, 80, 443, 4789]).to_be_bytes());
        }
        let (ethertype, packet) = unfragmented_datagram(rng, tags.len(), protocol, &l4, true);
        let mut frame = ethernet(&tags, ethertype, &packet);
        if frame.len() >= MIN_FRAME {
            rng.fill(&mut frame[..12]);
            return frame;
        }
    }
}

/// A random frame: about 70 % well-formed, 30 % malformed (see the module docs).
pub fn random_frame(rng: &mut StdRng) -> Vec<u8> {
    if rng.random_bool(0.03) {
        ports_in_partial_last_word(rng)
    } else if rng.random_bool(0.7) {
        random_valid(rng).frame
    } else {
        random_malformed(rng)
    }
}

/// A random well-formed frame (never [`rss_model::parse::Malformed`]).
pub fn random_valid_frame(rng: &mut StdRng) -> Vec<u8> {
    random_valid(rng).frame
}

/// A random malformed frame (or, for the "random bytes overwritten" kind, occasionally
/// one that still parses).
pub fn random_malformed_frame(rng: &mut StdRng) -> Vec<u8> {
    random_malformed(rng)
}

/// A minimum-size (60-byte, no FCS) TCP/IPv4 frame, untagged, random addresses and ports.
pub fn min_frame(rng: &mut StdRng) -> Vec<u8> {
    let tcp = tcp_segment(rng.random(), rng.random(), &[], &[]);
    let packet = ipv4_packet(rng.random(), rng.random(), IPPROTO_TCP, 0x4000, &[], &tcp);
    let mut frame = ethernet(&[], ETHERTYPE_IPV4, &packet);
    rng.fill(&mut frame[..12]);
    pad_to_min(&mut frame);
    frame
}

/// [`min_frame`] plus its FCS: 64 bytes.
pub fn min_frame_fcs(rng: &mut StdRng) -> Vec<u8> {
    let mut frame = min_frame(rng);
    append_fcs(&mut frame);
    frame
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rss_model::parse::{Malformed, parse, parse_headers};
    use rss_model::{HashType, HashTypes, Tuple};
    use std::collections::BTreeMap;

    const N: usize = 20_000;

    fn pct(n: usize) -> f64 {
        100.0 * n as f64 / N as f64
    }

    #[test]
    fn ports_in_partial_last_word_frames_end_inside_the_ports_word() {
        let mut rng = StdRng::seed_from_u64(0x7a11);
        let mut partial = 0;
        for _ in 0..2000 {
            let frame = ports_in_partial_last_word(&mut rng);
            let h = parse_headers(&frame).expect("well-formed");
            assert!(h.ports.is_some() && frame.len() >= MIN_FRAME);
            let end = frame.len() - h.l3;
            assert!((h.l4 + 4..h.l4 + 8).contains(&frame.len()), "{:?}", h);
            partial += usize::from(!end.is_multiple_of(8) && (h.l4 - h.l3) / 8 == end / 8);
        }
        // IPv6 always, IPv4 about half the time: some 75 %.
        assert!(
            partial > 1300,
            "{partial} of 2000 with the ports in a partial word"
        );
    }

    #[test]
    fn mix_covers_every_hash_type_and_every_malformation() {
        let mut rng = StdRng::seed_from_u64(0x00f4_a3e5);
        let no_ex = HashTypes(
            HashTypes::ALL.0
                & !(HashType::Ipv6Ex.mask()
                    | HashType::TcpIpv6Ex.mask()
                    | HashType::UdpIpv6Ex.mask()),
        );
        let mut all: BTreeMap<Option<HashType>, usize> = BTreeMap::new();
        let mut plain: BTreeMap<Option<HashType>, usize> = BTreeMap::new();
        let mut malformed: BTreeMap<Malformed, usize> = BTreeMap::new();
        let (mut ex_src, mut ex_dst, mut tags, mut v6_frag, mut v4_frag, mut big) =
            (0, 0, [0usize; 3], 0, 0, 0);
        for _ in 0..N {
            let frame = random_frame(&mut rng);
            *all.entry(parse(&frame, HashTypes::ALL).candidate)
                .or_default() += 1;
            *plain.entry(parse(&frame, no_ex).candidate).or_default() += 1;
            match parse_headers(&frame) {
                Ok(h) => {
                    ex_src += usize::from(h.ex_src.is_some());
                    ex_dst += usize::from(h.ex_dst.is_some());
                    tags[(h.l3 - 14) / 4] += 1;
                    if h.fragment {
                        if h.ext_headers > 0 {
                            v6_frag += 1;
                        } else {
                            v4_frag += 1;
                        }
                    }
                    big += usize::from(frame.len() > 512);
                }
                Err(why) => *malformed.entry(why).or_default() += 1,
            }
        }
        eprintln!("selected type, all enabled / Ex types disabled (% of {N}):");
        let none = None;
        for t in HashType::ALL.into_iter().map(Some).chain([none]) {
            eprintln!(
                "  {:12} {:6.2} {:6.2}",
                t.map_or("none", HashType::name),
                pct(all.get(&t).copied().unwrap_or(0)),
                pct(plain.get(&t).copied().unwrap_or(0))
            );
        }
        eprintln!("malformed (% of {N}):");
        for m in Malformed::ALL {
            eprintln!(
                "  {:30} {:6.2}",
                m.name(),
                pct(malformed.get(&m).copied().unwrap_or(0))
            );
        }
        eprintln!(
            "well-formed: HAO {:.2} %, RH2 {:.2} %, 0/1/2 tags {:?}, v4 frag {:.2} %, \
             v6 frag {:.2} %, >512 B {:.2} %",
            pct(ex_src),
            pct(ex_dst),
            tags.map(pct),
            pct(v4_frag),
            pct(v6_frag),
            pct(big)
        );

        let at_least_1pct = |map: &BTreeMap<Option<HashType>, usize>, t: Option<HashType>| {
            let n = map.get(&t).copied().unwrap_or(0);
            assert!(n * 100 >= N, "{t:?}: {n} of {N}");
        };
        // With every type enabled the spec's order picks the Ex types for all IPv6
        // frames, so the plain IPv6 types are reached with the Ex types disabled.
        for t in [
            HashType::Ipv4,
            HashType::TcpIpv4,
            HashType::UdpIpv4,
            HashType::Ipv6Ex,
            HashType::TcpIpv6Ex,
            HashType::UdpIpv6Ex,
        ] {
            at_least_1pct(&all, Some(t));
        }
        for t in [HashType::Ipv6, HashType::TcpIpv6, HashType::UdpIpv6] {
            assert_eq!(all.get(&Some(t)), None, "{t:?} with all enabled");
            at_least_1pct(&plain, Some(t));
        }
        at_least_1pct(&all, None);
        at_least_1pct(&plain, None);
        for m in Malformed::ALL {
            assert!(malformed.contains_key(&m), "{m:?} never generated");
        }
        assert!(ex_src * 100 >= N && ex_dst * 100 >= N);
        assert!(tags.iter().all(|&n| n * 100 >= N));
        let bad: usize = malformed.values().sum();
        assert!((0.25..0.35).contains(&(bad as f64 / N as f64)), "{bad}");
    }

    #[test]
    fn valid_frames_parse_and_have_the_minimum_length() {
        let mut rng = StdRng::seed_from_u64(3);
        for _ in 0..5000 {
            let frame = random_valid_frame(&mut rng);
            assert!(frame.len() >= MIN_FRAME);
            assert!(frame.len() <= 14 + 8 + MTU + 4);
            if let Err(e) = parse_headers(&frame) {
                panic!("{e}: {frame:02x?}");
            }
        }
    }

    #[test]
    fn malformed_frames_are_malformed() {
        let mut rng = StdRng::seed_from_u64(4);
        for kind in 0..MALFORMED_KINDS {
            let mut reasons = BTreeMap::<Malformed, usize>::new();
            let mut valid = 0;
            for _ in 0..1000 {
                let frame = malformed_of_kind(&mut rng, kind);
                match parse_headers(&frame) {
                    Err(why) => *reasons.entry(why).or_default() += 1,
                    Ok(_) if MAYBE_VALID_KINDS.contains(&kind) => valid += 1,
                    Ok(h) => panic!("kind {kind} parses: {h:?} {frame:02x?}"),
                }
            }
            eprintln!("kind {kind:2}: {valid:3} valid, {reasons:?}");
            assert!(valid < 500, "kind {kind}: {valid}");
        }
        let bad = (0..5000)
            .filter(|_| parse_headers(&random_malformed_frame(&mut rng)).is_err())
            .count();
        assert!(bad > 4600, "{bad}");
    }

    #[test]
    fn min_frames() {
        let mut rng = StdRng::seed_from_u64(5);
        for _ in 0..100 {
            let frame = min_frame(&mut rng);
            assert_eq!(frame.len(), 60);
            assert_eq!(
                parse(&frame, HashTypes::ALL).candidate,
                Some(HashType::TcpIpv4)
            );
            let frame = min_frame_fcs(&mut rng);
            assert_eq!(frame.len(), 64);
            assert_eq!(crc32(&frame[..60]).to_le_bytes(), frame[60..]);
            assert_ne!(parse(&frame, HashTypes::ALL), Tuple::UNHASHABLE);
        }
    }

    #[test]
    fn crc32_check_value() {
        assert_eq!(crc32(b"123456789"), 0xcbf4_3926);
    }

    #[test]
    fn same_seed_same_frames() {
        let a: Vec<_> = {
            let mut rng = StdRng::seed_from_u64(9);
            (0..50).map(|_| random_frame(&mut rng)).collect()
        };
        let mut rng = StdRng::seed_from_u64(9);
        assert!(a.iter().all(|f| *f == random_frame(&mut rng)));
    }
}
