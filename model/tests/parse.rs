//! Directed tests of the frame parser, one or more per rule of `docs/parser-rules.md`,
//! on frames built byte by byte, plus the published vectors wrapped in real frames and a
//! fuzz test.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use rand::{Rng, SeedableRng, rngs::StdRng};
use rss_model::parse::{
    HOME_ADDRESS_OPTION_OFFSET, Headers, IpVersion, MAX_DEST_OPTIONS, MAX_EXT_HEADERS, Malformed,
    PARSE_WINDOW_BYTES, Ports, parse, parse_headers,
};
use rss_model::steer::{SteerConfig, steer};
use rss_model::toeplitz::MS_DEFAULT_KEY;
use rss_model::tuple::Transport;
use rss_model::vectors::{Vector, published};
use rss_model::{HashType, HashTypes, TUPLE_BYTES, ToeplitzTable, Tuple};

// ---------------------------------------------------------------------------------------
// Frame builder
// ---------------------------------------------------------------------------------------

const TCP: u8 = 6;
const UDP: u8 = 17;
const ICMP: u8 = 1;
const ICMPV6: u8 = 58;
const NO_NEXT: u8 = 59;
const HBH: u8 = 0;
const ROUTING: u8 = 43;
const FRAG: u8 = 44;
const DEST: u8 = 60;

const MF: u16 = 0x2000;
const DF: u16 = 0x4000;

fn v4(s: &str) -> Ipv4Addr {
    s.parse().unwrap()
}
fn v6(s: &str) -> Ipv6Addr {
    s.parse().unwrap()
}

/// Ethernet II header: MACs, one (TPID, TCI) per tag, ethertype; then `l3`. No padding.
fn eth_raw(tags: &[u16], ethertype: u16, l3: &[u8]) -> Vec<u8> {
    let mut f = vec![0x02, 0, 0, 0, 0, 0x01, 0x02, 0, 0, 0, 0, 0x02];
    for (i, tpid) in tags.iter().enumerate() {
        f.extend_from_slice(&tpid.to_be_bytes());
        f.extend_from_slice(&(0x0100 + i as u16).to_be_bytes());
    }
    f.extend_from_slice(&ethertype.to_be_bytes());
    f.extend_from_slice(l3);
    f
}

/// Ethernet II frame padded with zeros to the 60-byte minimum.
fn eth(tags: &[u16], ethertype: u16, l3: &[u8]) -> Vec<u8> {
    let mut f = eth_raw(tags, ethertype, l3);
    if f.len() < 60 {
        f.resize(60, 0);
    }
    f
}

fn l3_offset(tags: usize) -> usize {
    14 + 4 * tags
}

fn tcp(sport: u16, dport: u16, payload: &[u8]) -> Vec<u8> {
    let mut h = Vec::new();
    h.extend_from_slice(&sport.to_be_bytes());
    h.extend_from_slice(&dport.to_be_bytes());
    h.extend_from_slice(&[0, 0, 0, 1, 0, 0, 0, 0, 0x50, 0x18, 0xff, 0xff, 0, 0, 0, 0]);
    h.extend_from_slice(payload);
    h
}

fn udp(sport: u16, dport: u16, payload: &[u8]) -> Vec<u8> {
    let mut h = Vec::new();
    h.extend_from_slice(&sport.to_be_bytes());
    h.extend_from_slice(&dport.to_be_bytes());
    h.extend_from_slice(&(8 + payload.len() as u16).to_be_bytes());
    h.extend_from_slice(&[0, 0]);
    h.extend_from_slice(payload);
    h
}

fn icmp_echo() -> Vec<u8> {
    vec![8, 0, 0, 0, 0x12, 0x34, 0, 1]
}

struct Ip4 {
    src: Ipv4Addr,
    dst: Ipv4Addr,
    proto: u8,
    flags_offset: u16,
    options: Vec<u8>,
}

impl Ip4 {
    fn new(src: &str, dst: &str, proto: u8) -> Self {
        Ip4 {
            src: v4(src),
            dst: v4(dst),
            proto,
            flags_offset: DF,
            options: Vec::new(),
        }
    }
    fn frag(mut self, flags_offset: u16) -> Self {
        self.flags_offset = flags_offset;
        self
    }
    fn options(mut self, options: &[u8]) -> Self {
        assert_eq!(options.len() % 4, 0);
        self.options = options.to_vec();
        self
    }
    fn packet(&self, payload: &[u8]) -> Vec<u8> {
        let hlen = 20 + self.options.len();
        let total = (hlen + payload.len()) as u16;
        let mut h = vec![0x40 | (hlen / 4) as u8, 0];
        h.extend_from_slice(&total.to_be_bytes());
        h.extend_from_slice(&[0xab, 0xcd]);
        h.extend_from_slice(&self.flags_offset.to_be_bytes());
        h.extend_from_slice(&[64, self.proto, 0, 0]);
        h.extend_from_slice(&self.src.octets());
        h.extend_from_slice(&self.dst.octets());
        h.extend_from_slice(&self.options);
        let sum = checksum(&h);
        h[10..12].copy_from_slice(&sum.to_be_bytes());
        h.extend_from_slice(payload);
        h
    }
}

fn checksum(bytes: &[u8]) -> u16 {
    let mut sum: u32 = bytes
        .chunks(2)
        .map(|c| u32::from(u16::from_be_bytes([c[0], *c.get(1).unwrap_or(&0)])))
        .sum();
    while sum > 0xffff {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    !(sum as u16)
}

/// An IPv6 extension header (the builder fills in next header and length).
#[derive(Clone)]
enum Ext {
    /// Hop-by-Hop with these options, padded to a multiple of 8 with Pad1/PadN.
    Hbh(Vec<u8>),
    /// Destination Options with these options, padded likewise.
    Dest(Vec<u8>),
    /// Routing header: type, segments left, then the type-specific data.
    Routing {
        kind: u8,
        segs_left: u8,
        data: Vec<u8>,
    },
    /// Fragment header: offset in 8-byte units, M flag.
    Frag { offset: u16, more: bool },
    /// Any bytes; byte 0 is overwritten with the next header.
    Raw(u8, Vec<u8>),
}

fn pad_options(mut options: Vec<u8>) -> Vec<u8> {
    let missing = (8 - (options.len() + 2) % 8) % 8;
    match missing {
        0 => {}
        1 => options.push(0),
        n => {
            options.push(1);
            options.push((n - 2) as u8);
            options.resize(options.len() + n - 2, 0);
        }
    }
    options
}

impl Ext {
    fn proto(&self) -> u8 {
        match self {
            Ext::Hbh(_) => HBH,
            Ext::Dest(_) => DEST,
            Ext::Routing { .. } => ROUTING,
            Ext::Frag { .. } => FRAG,
            Ext::Raw(p, _) => *p,
        }
    }
    fn encode(&self, next: u8) -> Vec<u8> {
        let with_len = |body: Vec<u8>| {
            assert_eq!((body.len() + 2) % 8, 0);
            let mut h = vec![next, ((body.len() + 2) / 8 - 1) as u8];
            h.extend(body);
            h
        };
        match self {
            Ext::Hbh(o) | Ext::Dest(o) => with_len(pad_options(o.clone())),
            Ext::Routing {
                kind,
                segs_left,
                data,
            } => {
                let mut body = vec![*kind, *segs_left];
                body.extend_from_slice(data);
                body.resize(body.len() + (8 - (body.len() + 2) % 8) % 8, 0);
                with_len(body)
            }
            Ext::Frag { offset, more } => {
                let mut h = vec![next, 0];
                h.extend_from_slice(&((offset << 3) | u16::from(*more)).to_be_bytes());
                h.extend_from_slice(&[0xde, 0xad, 0xbe, 0xef]);
                h
            }
            Ext::Raw(_, bytes) => {
                let mut h = bytes.clone();
                h[0] = next;
                h
            }
        }
    }
}

/// Type 2 routing header carrying `home` (RFC 6275): 24 bytes, segments left 1.
fn rh2(home: Ipv6Addr) -> Ext {
    let mut data = vec![0; 4];
    data.extend_from_slice(&home.octets());
    Ext::Routing {
        kind: 2,
        segs_left: 1,
        data,
    }
}

/// Home Address option, preceded by the PadN that puts it at 8n+6 (RFC 6275).
fn hao_options(home: Ipv6Addr) -> Vec<u8> {
    let mut o = vec![1, 2, 0, 0, 0xc9, 16];
    o.extend_from_slice(&home.octets());
    o
}

fn hao(home: Ipv6Addr) -> Ext {
    Ext::Dest(hao_options(home))
}

struct Ip6 {
    src: Ipv6Addr,
    dst: Ipv6Addr,
    exts: Vec<Ext>,
    proto: u8,
}

impl Ip6 {
    fn new(src: &str, dst: &str, proto: u8) -> Self {
        Ip6 {
            src: v6(src),
            dst: v6(dst),
            exts: Vec::new(),
            proto,
        }
    }
    fn ext(mut self, e: Ext) -> Self {
        self.exts.push(e);
        self
    }
    fn ext_bytes(&self) -> Vec<u8> {
        let mut out = Vec::new();
        for (i, e) in self.exts.iter().enumerate() {
            let next = self.exts.get(i + 1).map_or(self.proto, Ext::proto);
            out.extend(e.encode(next));
        }
        out
    }
    fn first_nh(&self) -> u8 {
        self.exts.first().map_or(self.proto, Ext::proto)
    }
    /// The packet with the payload length field set to `plen` (not necessarily right).
    fn packet_with_plen(&self, payload: &[u8], plen: u16) -> Vec<u8> {
        let mut h = vec![0x60, 0, 0, 0];
        h.extend_from_slice(&plen.to_be_bytes());
        h.extend_from_slice(&[self.first_nh(), 64]);
        h.extend_from_slice(&self.src.octets());
        h.extend_from_slice(&self.dst.octets());
        h.extend(self.ext_bytes());
        h.extend_from_slice(payload);
        h
    }
    fn packet(&self, payload: &[u8]) -> Vec<u8> {
        let plen = (self.ext_bytes().len() + payload.len()) as u16;
        self.packet_with_plen(payload, plen)
    }
}

fn frame4(tags: &[u16], ip: &Ip4, l4: &[u8]) -> Vec<u8> {
    eth(tags, 0x0800, &ip.packet(l4))
}

fn frame6(tags: &[u16], ip: &Ip6, l4: &[u8]) -> Vec<u8> {
    eth(tags, 0x86dd, &ip.packet(l4))
}

fn only(types: &[HashType]) -> HashTypes {
    types.iter().fold(HashTypes::NONE, |s, &t| s.with(t))
}

fn all_but(types: &[HashType]) -> HashTypes {
    HashTypes(HashTypes::ALL.0 & !only(types).0)
}

/// Non-Ex types only: plain IPv6 types win.
fn no_ex() -> HashTypes {
    all_but(&[HashType::Ipv6Ex, HashType::TcpIpv6Ex, HashType::UdpIpv6Ex])
}

fn expect_malformed(frame: &[u8], why: Malformed) {
    assert_eq!(parse_headers(frame), Err(why), "frame {frame:02x?}");
    for enabled in [HashTypes::ALL, HashTypes::NONE, no_ex()] {
        assert_eq!(parse(frame, enabled), Tuple::UNHASHABLE);
    }
}

fn headers(frame: &[u8]) -> Headers {
    parse_headers(frame).unwrap_or_else(|e| panic!("{e}: {frame:02x?}"))
}

fn tuple4(src: &str, dst: &str, ports: Option<(u16, u16, Transport)>, t: HashType) -> Tuple {
    let mut tuple = Tuple::v4(v4(src), v4(dst), ports);
    tuple.candidate = Some(t);
    tuple
}

fn tuple6(
    src: Ipv6Addr,
    dst: Ipv6Addr,
    ports: Option<(u16, u16, Transport)>,
    t: HashType,
) -> Tuple {
    let mut tuple = Tuple::v6(src, dst, ports);
    tuple.candidate = Some(t);
    tuple
}

const A4: &str = "10.0.0.1";
const B4: &str = "192.168.1.200";
const A6: &str = "2001:db8::1";
const B6: &str = "2001:db8:ffff::2";
const HOME: &str = "2001:db8:1234::ea";
const CARE: &str = "2001:db8:5678::c0a";

// ---------------------------------------------------------------------------------------
// Published vectors in real frames
// ---------------------------------------------------------------------------------------

fn vectors() -> Vec<Vector> {
    published().collect()
}

fn vector_frame(v: &Vector) -> Vec<u8> {
    let l4 = tcp(v.sport, v.dport, b"hello");
    match (v.src, v.dst) {
        (IpAddr::V4(s), IpAddr::V4(d)) => {
            let ip = Ip4 {
                src: s,
                dst: d,
                proto: TCP,
                flags_offset: DF,
                options: Vec::new(),
            };
            frame4(&[], &ip, &l4)
        }
        (IpAddr::V6(s), IpAddr::V6(d)) => {
            let ip = Ip6 {
                src: s,
                dst: d,
                exts: Vec::new(),
                proto: TCP,
            };
            frame6(&[], &ip, &l4)
        }
        _ => unreachable!(),
    }
}

#[test]
fn published_vectors_in_frames_hash_to_published_values() {
    let hasher = ToeplitzTable::new(&MS_DEFAULT_KEY).unwrap();
    let hash = |t: &Tuple| hasher.hash(t.hash_input(t.candidate.unwrap())).unwrap();
    for v in vectors() {
        let frame = vector_frame(&v);
        let (tcp_type, ip_type, ex_tcp, ex_ip) = if v.src.is_ipv4() {
            (HashType::TcpIpv4, HashType::Ipv4, None, None)
        } else {
            (
                HashType::TcpIpv6,
                HashType::Ipv6,
                Some(HashType::TcpIpv6Ex),
                Some(HashType::Ipv6Ex),
            )
        };
        let ports = parse(
            &frame,
            only(&[
                HashType::TcpIpv4,
                HashType::TcpIpv6,
                HashType::Ipv4,
                HashType::Ipv6,
            ]),
        );
        assert_eq!(ports.candidate, Some(tcp_type), "{}", v.src);
        assert_eq!(hash(&ports), v.hash_ip_ports, "{}", v.src);
        let addresses = parse(&frame, only(&[HashType::Ipv4, HashType::Ipv6]));
        assert_eq!(addresses.candidate, Some(ip_type), "{}", v.src);
        assert_eq!(hash(&addresses), v.hash_ip, "{}", v.src);
        // Without extension headers the Ex types hash the same bytes.
        let all = parse(&frame, HashTypes::ALL);
        assert_eq!(all.candidate, ex_tcp.or(Some(tcp_type)));
        assert_eq!(hash(&all), v.hash_ip_ports);
        let ex_only = parse(&frame, only(&[HashType::Ipv4, HashType::Ipv6Ex]));
        if let Some(t) = ex_ip {
            assert_eq!(ex_only.candidate, Some(t));
            assert_eq!(hash(&ex_only), v.hash_ip);
        }
        // And through steering, as the core does it.
        let table: Vec<u16> = (0..128).collect();
        let config = SteerConfig {
            vport: 0,
            enabled: true,
            symmetric: false,
            hash_types: HashTypes::ALL,
            table_size_log2: 7,
            default_queue: 200,
            primary_queue: 201,
            hasher: &hasher,
            table: &table,
        };
        let record = steer(&config, &all);
        assert_eq!(record.hash, v.hash_ip_ports);
        assert_eq!(record.queue, (v.hash_ip_ports & 0x7f) as u16);
    }
}

// ---------------------------------------------------------------------------------------
// L2
// ---------------------------------------------------------------------------------------

#[test]
fn untagged_tcp_ipv4() {
    let frame = frame4(&[], &Ip4::new(A4, B4, TCP), &tcp(1234, 80, b"GET /"));
    let h = headers(&frame);
    assert_eq!(
        h,
        Headers {
            version: IpVersion::V4,
            l3: 14,
            src: IpAddr::V4(v4(A4)),
            dst: IpAddr::V4(v4(B4)),
            ex_src: None,
            ex_dst: None,
            protocol: TCP,
            fragment: false,
            ext_headers: 0,
            l4: 34,
            ports: Some(Ports {
                src: 1234,
                dst: 80,
                transport: Transport::Tcp
            }),
        }
    );
    let t = parse(&frame, HashTypes::ALL);
    assert_eq!(
        t,
        tuple4(A4, B4, Some((1234, 80, Transport::Tcp)), HashType::TcpIpv4)
    );
    assert_eq!(
        &t.bytes[..12],
        &[10, 0, 0, 1, 192, 168, 1, 200, 0x04, 0xd2, 0, 80]
    );
    assert!(t.bytes[12..].iter().all(|&b| b == 0));
}

#[test]
fn one_and_two_tags() {
    let ip = Ip4::new(A4, B4, UDP);
    let l4 = udp(53, 5353, b"q");
    let expected = tuple4(A4, B4, Some((53, 5353, Transport::Udp)), HashType::UdpIpv4);
    for tags in [
        &[0x8100][..],
        &[0x88a8],
        &[0x88a8, 0x8100],
        &[0x8100, 0x8100],
    ] {
        let frame = frame4(tags, &ip, &l4);
        assert_eq!(headers(&frame).l3, l3_offset(tags.len()), "{tags:x?}");
        assert_eq!(parse(&frame, HashTypes::ALL), expected, "{tags:x?}");
    }
    let ip6 = Ip6::new(A6, B6, TCP);
    for tags in [&[][..], &[0x8100], &[0x88a8, 0x8100]] {
        let frame = frame6(tags, &ip6, &tcp(1, 2, &[]));
        let h = headers(&frame);
        assert_eq!(h.l3, l3_offset(tags.len()));
        assert_eq!(h.l4, l3_offset(tags.len()) + 40);
    }
}

#[test]
fn a_third_tag_or_an_inner_s_tag_is_unsupported() {
    let ip = Ip4::new(A4, B4, TCP).packet(&tcp(1, 2, &[]));
    // Third tag at offset 20.
    for third in [0x8100, 0x88a8] {
        let frame = eth(&[0x88a8, 0x8100, third], 0x0800, &ip);
        expect_malformed(&frame, Malformed::UnsupportedEthertype);
    }
    // 0x88A8 is only an outer tag: at 16 it is an (unsupported) ethertype.
    expect_malformed(
        &eth(&[0x8100, 0x88a8], 0x0800, &ip),
        Malformed::UnsupportedEthertype,
    );
    expect_malformed(
        &eth(&[0x88a8, 0x88a8], 0x0800, &ip),
        Malformed::UnsupportedEthertype,
    );
}

#[test]
fn other_ethertypes_are_unsupported() {
    let ip = Ip4::new(A4, B4, TCP).packet(&tcp(1, 2, &[]));
    for ethertype in [
        0x0806, 0x8035, 0x88cc, 0x8847, 0x8906, 0x0000, 0x05dc, 0xffff,
    ] {
        expect_malformed(&eth(&[], ethertype, &ip), Malformed::UnsupportedEthertype);
        expect_malformed(
            &eth(&[0x8100], ethertype, &ip),
            Malformed::UnsupportedEthertype,
        );
        expect_malformed(
            &eth(&[0x88a8, 0x8100], ethertype, &ip),
            Malformed::UnsupportedEthertype,
        );
    }
}

#[test]
fn runts_are_truncated() {
    let frame = frame4(&[0x88a8, 0x8100], &Ip4::new(A4, B4, TCP), &tcp(1, 2, &[]));
    for len in 0..14 {
        expect_malformed(&frame[..len], Malformed::Truncated);
    }
    // Tag present, inner ethertype cut off.
    expect_malformed(&frame[..16], Malformed::Truncated);
    expect_malformed(&frame[..17], Malformed::Truncated);
    expect_malformed(&frame[..20], Malformed::Truncated);
    expect_malformed(&frame[..21], Malformed::Truncated);
    // Every cut before the end of the ports is truncated (the total length no longer
    // fits once the IP header is complete).
    for len in 22..62 {
        let why = parse_headers(&frame[..len]).unwrap_err();
        assert!(
            matches!(why, Malformed::Truncated | Malformed::BadTotalLength),
            "{len}: {why}"
        );
    }
}

#[test]
fn no_minimum_frame_length() {
    // 54 bytes, no padding: every needed byte is there.
    let frame = eth_raw(&[], 0x0800, &Ip4::new(A4, B4, TCP).packet(&tcp(7, 8, &[])));
    assert_eq!(frame.len(), 54);
    assert_eq!(
        parse(&frame, HashTypes::ALL).candidate,
        Some(HashType::TcpIpv4)
    );
    // Minimum UDP: ports end exactly at the frame end.
    let mut ip = Ip4::new(A4, B4, UDP).packet(&[0, 9, 0, 10]);
    ip[3] = 24;
    let frame = eth_raw(&[], 0x0800, &ip);
    assert_eq!(frame.len(), 38);
    let h = headers(&frame);
    assert_eq!(h.ports.map(|p| (p.src, p.dst)), Some((9, 10)));
}

// ---------------------------------------------------------------------------------------
// IPv4
// ---------------------------------------------------------------------------------------

#[test]
fn ipv4_bad_version() {
    let mut frame = frame4(&[], &Ip4::new(A4, B4, TCP), &tcp(1, 2, &[]));
    for version in [0u8, 1, 5, 6, 15] {
        frame[14] = (version << 4) | 5;
        expect_malformed(&frame, Malformed::BadVersion);
    }
    // An IPv6 packet behind the IPv4 ethertype.
    let ip6 = Ip6::new(A6, B6, TCP).packet(&tcp(1, 2, &[]));
    expect_malformed(&eth(&[], 0x0800, &ip6), Malformed::BadVersion);
    expect_malformed(&eth(&[0x8100], 0x0800, &ip6), Malformed::BadVersion);
}

#[test]
fn ipv4_ihl_below_5() {
    let mut frame = frame4(&[0x8100], &Ip4::new(A4, B4, TCP), &tcp(1, 2, &[]));
    for ihl in 0..5 {
        frame[18] = 0x40 | ihl;
        expect_malformed(&frame, Malformed::BadIhl);
    }
}

#[test]
fn ipv4_options_move_the_ports() {
    for words in 1..=10usize {
        let options: Vec<u8> = (0..4 * words)
            .map(|i| if i == 0 { 0x94 } else { 1 })
            .collect();
        let ip = Ip4::new(A4, B4, TCP).options(&options);
        for tags in [&[][..], &[0x88a8, 0x8100]] {
            let frame = frame4(tags, &ip, &tcp(4000, 443, &[]));
            let h = headers(&frame);
            assert_eq!(h.l4, l3_offset(tags.len()) + 20 + 4 * words);
            assert_eq!(
                parse(&frame, HashTypes::ALL),
                tuple4(A4, B4, Some((4000, 443, Transport::Tcp)), HashType::TcpIpv4)
            );
        }
    }
}

#[test]
fn ipv4_header_must_be_available() {
    // IHL 15 (60 bytes) but the frame stops inside the options.
    let options = [1u8; 40];
    let ip = Ip4::new(A4, B4, ICMP).options(&options).packet(&[]);
    let full = eth_raw(&[], 0x0800, &ip);
    assert_eq!(full.len(), 74);
    assert!(parse_headers(&full).is_ok());
    for len in 14..74 {
        expect_malformed(&full[..len], Malformed::Truncated);
    }
    // Same with two tags: l3 = 22, header to 82.
    let full = eth_raw(&[0x88a8, 0x8100], 0x0800, &ip);
    expect_malformed(&full[..81], Malformed::Truncated);
    assert!(parse_headers(&full).is_ok());
}

#[test]
fn ipv4_total_length_rules() {
    let base = frame4(&[], &Ip4::new(A4, B4, UDP), &udp(1, 2, &[0; 10]));
    assert_eq!(base.len(), 60); // 14 + 20 + 18 + 8 padding
    let with_total = |t: u16| {
        let mut f = base.clone();
        f[16..18].copy_from_slice(&t.to_be_bytes());
        f
    };
    // T < 4 * IHL.
    for t in [0, 1, 19] {
        expect_malformed(&with_total(t), Malformed::BadTotalLength);
    }
    // l3 + T past the frame.
    for t in [47, 100, 1500, 0xffff] {
        expect_malformed(&with_total(t), Malformed::BadTotalLength);
    }
    // l3 + T exactly the frame length: fine (padding counted as payload).
    assert!(parse_headers(&with_total(46)).is_ok());
    // Padding and an FCS after l3 + T are ignored.
    let mut fcs = base.clone();
    fcs.extend_from_slice(&[0xde, 0xad, 0xbe, 0xef]);
    assert_eq!(
        parse(&fcs, HashTypes::ALL),
        tuple4(A4, B4, Some((1, 2, Transport::Udp)), HashType::UdpIpv4)
    );
    // Same with a header of IHL 6.
    let mut f = frame4(
        &[],
        &Ip4::new(A4, B4, TCP).options(&[1; 4]),
        &tcp(1, 2, &[]),
    );
    f[16..18].copy_from_slice(&23u16.to_be_bytes());
    expect_malformed(&f, Malformed::BadTotalLength);
}

#[test]
fn ipv4_total_length_counts_against_the_whole_frame_not_the_window() {
    let payload = vec![0x55; 1400];
    let frame = frame4(&[0x8100], &Ip4::new(A4, B4, TCP), &tcp(5, 6, &payload));
    assert!(frame.len() > PARSE_WINDOW_BYTES);
    assert_eq!(
        parse(&frame, HashTypes::ALL).candidate,
        Some(HashType::TcpIpv4)
    );
    expect_malformed(&frame[..frame.len() - 1], Malformed::BadTotalLength);
}

#[test]
fn ipv4_fragments_have_no_ports() {
    let l4 = tcp(1000, 2000, &[0; 32]);
    for (flags_offset, fragment) in [
        (0, false),
        (DF, false),
        (MF, true),           // first fragment
        (MF | 1, true),       // middle fragment
        (185, true),          // last fragment
        (0x1fff, true),       // largest offset
        (DF | 0x1000, true),  // DF does not matter
        (0x8000 | DF, false), // reserved bit is not a fragment bit
    ] {
        let frame = frame4(&[], &Ip4::new(A4, B4, TCP).frag(flags_offset), &l4);
        let h = headers(&frame);
        assert_eq!(h.fragment, fragment, "{flags_offset:#x}");
        assert_eq!(h.ports.is_some(), !fragment, "{flags_offset:#x}");
        let expected = if fragment {
            tuple4(A4, B4, None, HashType::Ipv4)
        } else {
            tuple4(
                A4,
                B4,
                Some((1000, 2000, Transport::Tcp)),
                HashType::TcpIpv4,
            )
        };
        assert_eq!(parse(&frame, HashTypes::ALL), expected);
        if fragment {
            // Fragments give no hash when only 4-tuple types are enabled.
            let t = parse(&frame, only(&[HashType::TcpIpv4, HashType::UdpIpv4]));
            assert_eq!(t, Tuple::UNHASHABLE);
        }
    }
    // A non-first fragment with just 8 bytes of data: ports not needed, no check.
    let frame = frame4(&[], &Ip4::new(A4, B4, UDP).frag(100), &[1, 2]);
    assert_eq!(
        parse(&frame, HashTypes::ALL),
        tuple4(A4, B4, None, HashType::Ipv4)
    );
}

#[test]
fn ipv4_other_protocols_hash_addresses() {
    for (proto, l4) in [
        (ICMP, icmp_echo()),
        (47, vec![0, 0, 0x08, 0]), // GRE
        (132, vec![0; 12]),        // SCTP: has ports, but is not TCP/UDP
        (50, vec![0; 8]),          // ESP
        (2, vec![0x11, 0, 0, 0, 0, 0, 0, 0]),
        (255, vec![]),
    ] {
        let frame = frame4(&[], &Ip4::new(A4, B4, proto), &l4);
        let h = headers(&frame);
        assert_eq!((h.protocol, h.ports), (proto, None));
        assert_eq!(
            parse(&frame, HashTypes::ALL),
            tuple4(A4, B4, None, HashType::Ipv4)
        );
        assert_eq!(parse(&frame, all_but(&[HashType::Ipv4])), Tuple::UNHASHABLE);
    }
}

#[test]
fn ipv4_ports_past_the_datagram() {
    // T leaves 0..3 bytes of L4: ports past l3 + T although the frame (padding) has them.
    for l4_len in 0..4 {
        for proto in [TCP, UDP] {
            let frame = frame4(&[], &Ip4::new(A4, B4, proto), &[9; 3][..l4_len]);
            assert_eq!(frame.len(), 60);
            expect_malformed(&frame, Malformed::PortsPastPayload);
            // Malformed whatever is enabled: no fallback to IPV4.
            assert_eq!(parse(&frame, only(&[HashType::Ipv4])), Tuple::UNHASHABLE);
        }
    }
    // Exactly 4 bytes of L4 is enough.
    let frame = frame4(&[], &Ip4::new(A4, B4, TCP), &[0, 1, 0, 2]);
    assert_eq!(
        parse(&frame, HashTypes::ALL),
        tuple4(A4, B4, Some((1, 2, Transport::Tcp)), HashType::TcpIpv4)
    );
    // With options.
    let frame = frame4(&[], &Ip4::new(A4, B4, UDP).options(&[1; 8]), &[0, 1, 0]);
    expect_malformed(&frame, Malformed::PortsPastPayload);
}

#[test]
fn ipv4_selection_order_and_fallback() {
    let tcp_frame = frame4(&[], &Ip4::new(A4, B4, TCP), &tcp(10, 20, &[]));
    let udp_frame = frame4(&[], &Ip4::new(A4, B4, UDP), &udp(10, 20, &[]));
    let icmp_frame = frame4(&[], &Ip4::new(A4, B4, ICMP), &icmp_echo());
    let two = tuple4(A4, B4, None, HashType::Ipv4);
    let tcp4 = tuple4(A4, B4, Some((10, 20, Transport::Tcp)), HashType::TcpIpv4);
    let udp4 = tuple4(A4, B4, Some((10, 20, Transport::Udp)), HashType::UdpIpv4);

    // TCP_IPV4 disabled, IPV4 enabled: 2-tuple, zeros past the addresses.
    let t = parse(&tcp_frame, all_but(&[HashType::TcpIpv4]));
    assert_eq!(t, two);
    assert!(t.bytes[8..].iter().all(|&b| b == 0));
    assert_eq!(parse(&udp_frame, all_but(&[HashType::UdpIpv4])), two);
    assert_eq!(parse(&tcp_frame, only(&[HashType::TcpIpv4])), tcp4);
    assert_eq!(parse(&udp_frame, only(&[HashType::UdpIpv4])), udp4);
    // The other transport's type does not apply.
    assert_eq!(
        parse(&tcp_frame, only(&[HashType::UdpIpv4])),
        Tuple::UNHASHABLE
    );
    assert_eq!(
        parse(&udp_frame, only(&[HashType::TcpIpv4, HashType::Ipv4])),
        two
    );
    // IPv6 types never apply to IPv4.
    let v6_types = only(&[
        HashType::Ipv6,
        HashType::Ipv6Ex,
        HashType::TcpIpv6,
        HashType::TcpIpv6Ex,
        HashType::UdpIpv6,
        HashType::UdpIpv6Ex,
    ]);
    for f in [&tcp_frame, &udp_frame, &icmp_frame] {
        assert_eq!(parse(f, v6_types), Tuple::UNHASHABLE);
        assert_eq!(parse(f, HashTypes::NONE), Tuple::UNHASHABLE);
    }
    assert_eq!(parse(&icmp_frame, only(&[HashType::Ipv4])), two);
}

// ---------------------------------------------------------------------------------------
// IPv6
// ---------------------------------------------------------------------------------------

#[test]
fn plain_ipv6_tcp_and_udp() {
    let frame = frame6(&[], &Ip6::new(A6, B6, TCP), &tcp(443, 51000, b"x"));
    let h = headers(&frame);
    assert_eq!(h.version, IpVersion::V6);
    assert_eq!((h.l3, h.l4, h.ext_headers), (14, 54, 0));
    assert_eq!((h.ex_src, h.ex_dst), (None, None));
    let p = Some((443, 51000, Transport::Tcp));
    assert_eq!(
        parse(&frame, no_ex()),
        tuple6(v6(A6), v6(B6), p, HashType::TcpIpv6)
    );
    // All enabled: TCP_IPV6_EX comes first and, without Ex headers, hashes the same bytes.
    assert_eq!(
        parse(&frame, HashTypes::ALL),
        tuple6(v6(A6), v6(B6), p, HashType::TcpIpv6Ex)
    );
    let t = parse(&frame, only(&[HashType::Ipv6]));
    assert_eq!(t, tuple6(v6(A6), v6(B6), None, HashType::Ipv6));
    assert!(t.bytes[32..].iter().all(|&b| b == 0));

    let frame = frame6(&[0x8100], &Ip6::new(A6, B6, UDP), &udp(53, 53, &[]));
    let p = Some((53, 53, Transport::Udp));
    assert_eq!(
        parse(&frame, no_ex()),
        tuple6(v6(A6), v6(B6), p, HashType::UdpIpv6)
    );
    assert_eq!(
        parse(&frame, HashTypes::ALL),
        tuple6(v6(A6), v6(B6), p, HashType::UdpIpv6Ex)
    );
}

#[test]
fn ipv6_bad_version() {
    let mut frame = frame6(&[], &Ip6::new(A6, B6, TCP), &tcp(1, 2, &[]));
    for version in [0u8, 4, 5, 7, 15] {
        frame[14] = version << 4;
        expect_malformed(&frame, Malformed::BadVersion);
    }
    let ip4 = Ip4::new(A4, B4, TCP).packet(&tcp(1, 2, &[]));
    expect_malformed(&eth(&[], 0x86dd, &ip4), Malformed::BadVersion);
}

#[test]
fn ipv6_fixed_header_must_be_available() {
    let frame = eth_raw(&[0x8100], 0x86dd, &Ip6::new(A6, B6, NO_NEXT).packet(&[]));
    assert_eq!(frame.len(), 58);
    assert!(parse_headers(&frame).is_ok());
    for len in 18..58 {
        expect_malformed(&frame[..len], Malformed::Truncated);
    }
}

#[test]
fn ipv6_payload_length_past_the_frame() {
    let ip = Ip6::new(A6, B6, UDP);
    let l4 = udp(1, 2, &[0; 20]);
    let base = frame6(&[], &ip, &l4);
    let exact = 28u16;
    assert_eq!(base.len(), 14 + 40 + 28);
    for plen in [exact + 1, 100, 0xffff] {
        let frame = eth(&[], 0x86dd, &ip.packet_with_plen(&l4, plen));
        expect_malformed(&frame, Malformed::BadPayloadLength);
    }
    // Shorter than the frame: the rest is padding (the UDP ports still fit).
    for plen in [4, 8, exact] {
        let mut frame = eth(&[], 0x86dd, &ip.packet_with_plen(&l4, plen));
        frame.extend_from_slice(&[1, 2, 3, 4]); // FCS
        assert_eq!(
            parse(&frame, no_ex()),
            tuple6(
                v6(A6),
                v6(B6),
                Some((1, 2, Transport::Udp)),
                HashType::UdpIpv6
            )
        );
    }
    // Whole frame counts, not the window.
    let big = Ip6::new(A6, B6, TCP);
    let l4 = tcp(1, 2, &[0; 1000]);
    let frame = frame6(&[], &big, &l4);
    assert!(parse_headers(&frame).is_ok());
    expect_malformed(&frame[..frame.len() - 1], Malformed::BadPayloadLength);
}

#[test]
fn ipv6_ports_past_the_payload() {
    let ip = Ip6::new(A6, B6, TCP);
    for plen in 0..4u16 {
        let frame = eth(&[], 0x86dd, &ip.packet_with_plen(&tcp(1, 2, &[]), plen));
        expect_malformed(&frame, Malformed::PortsPastPayload);
        assert_eq!(
            parse(&frame, only(&[HashType::Ipv6, HashType::Ipv6Ex])),
            Tuple::UNHASHABLE
        );
    }
    // After an extension header.
    let ip = Ip6::new(A6, B6, UDP).ext(Ext::Hbh(vec![]));
    let frame = eth(&[], 0x86dd, &ip.packet_with_plen(&udp(1, 2, &[]), 8 + 3));
    expect_malformed(&frame, Malformed::PortsPastPayload);
    let frame = eth(&[], 0x86dd, &ip.packet_with_plen(&udp(1, 2, &[]), 8 + 4));
    assert!(headers(&frame).ports.is_some());
}

#[test]
fn ipv6_hop_by_hop() {
    // Router alert + padding.
    let ip = Ip6::new(A6, B6, TCP).ext(Ext::Hbh(vec![5, 2, 0, 0]));
    let frame = frame6(&[], &ip, &tcp(80, 8080, &[]));
    let h = headers(&frame);
    assert_eq!((h.ext_headers, h.l4, h.protocol), (1, 62, TCP));
    assert_eq!(
        parse(&frame, only(&[HashType::TcpIpv6])),
        tuple6(
            v6(A6),
            v6(B6),
            Some((80, 8080, Transport::Tcp)),
            HashType::TcpIpv6
        )
    );
    // A Home Address option in a Hop-by-Hop header is not looked at.
    let ip = Ip6::new(A6, B6, TCP).ext(Ext::Hbh(hao_options(v6(HOME))));
    let h = headers(&frame6(&[], &ip, &tcp(80, 8080, &[])));
    assert_eq!(h.ex_src, None);
    // Longer HBH (jumbo-sized option area).
    let ip = Ip6::new(A6, B6, UDP).ext(Ext::Hbh(vec![1, 20].into_iter().chain([0; 20]).collect()));
    let h = headers(&frame6(&[], &ip, &udp(5, 6, &[])));
    assert_eq!(h.l4, 14 + 40 + 24);
    assert_eq!(h.ports.map(|p| (p.src, p.dst)), Some((5, 6)));
}

#[test]
fn ipv6_type_2_routing_header_gives_the_ex_destination() {
    let ip = Ip6::new(A6, CARE, TCP).ext(rh2(v6(HOME)));
    let frame = frame6(&[], &ip, &tcp(1111, 2222, &[]));
    let h = headers(&frame);
    assert_eq!((h.ex_src, h.ex_dst), (None, Some(v6(HOME))));
    assert_eq!(h.l4, 14 + 40 + 24);
    let p = Some((1111, 2222, Transport::Tcp));
    assert_eq!(
        parse(&frame, HashTypes::ALL),
        tuple6(v6(A6), v6(HOME), p, HashType::TcpIpv6Ex)
    );
    assert_eq!(
        parse(&frame, only(&[HashType::TcpIpv6])),
        tuple6(v6(A6), v6(CARE), p, HashType::TcpIpv6)
    );
    assert_eq!(
        parse(&frame, only(&[HashType::Ipv6Ex])),
        tuple6(v6(A6), v6(HOME), None, HashType::Ipv6Ex)
    );
}

#[test]
fn ipv6_other_routing_headers_are_ignored() {
    let addr = v6(HOME).octets();
    let rh = |kind: u8, segs_left: u8, data: Vec<u8>| Ext::Routing {
        kind,
        segs_left,
        data,
    };
    let with_addr = |reserved: usize, n: usize| {
        let mut d = vec![0; reserved];
        for _ in 0..n {
            d.extend_from_slice(&addr);
        }
        d
    };
    for ext in [
        rh(0, 1, with_addr(4, 1)), // type 0, 24 bytes: deprecated source route
        rh(0, 2, with_addr(4, 2)), // type 0, two addresses
        rh(3, 1, with_addr(4, 1)), // RPL
        rh(4, 1, with_addr(6, 1)), // SRH (40 bytes)
        rh(2, 0, with_addr(4, 1)), // type 2, segments left 0
        rh(2, 2, with_addr(4, 1)), // type 2, segments left 2
        rh(2, 1, with_addr(4, 2)), // type 2 but 40 bytes
        rh(2, 1, vec![0; 6]),      // type 2 but 8 bytes
    ] {
        let ip = Ip6::new(A6, CARE, UDP).ext(ext);
        let frame = frame6(&[], &ip, &udp(7, 9, &[]));
        let h = headers(&frame);
        assert_eq!(h.ex_dst, None);
        assert_eq!(h.ext_headers, 1);
        assert_eq!(h.ports.map(|p| (p.src, p.dst)), Some((7, 9)));
        assert_eq!(
            parse(&frame, HashTypes::ALL),
            tuple6(
                v6(A6),
                v6(CARE),
                Some((7, 9, Transport::Udp)),
                HashType::UdpIpv6Ex
            )
        );
    }
}

/// Destination Options with `padding` (bytes 2.. of the header) in front of a Home
/// Address option.
fn hao_after(padding: &[u8]) -> Ext {
    let mut opts = padding.to_vec();
    opts.extend_from_slice(&[0xc9, 16]);
    opts.extend_from_slice(&v6(HOME).octets());
    Ext::Dest(opts)
}

fn ex_src_with(ext: Ext) -> Option<Ipv6Addr> {
    headers(&frame6(
        &[],
        &Ip6::new(CARE, B6, TCP).ext(ext),
        &tcp(3, 4, &[]),
    ))
    .ex_src
}

#[test]
fn ipv6_home_address_option_gives_the_ex_source() {
    // PadN + HAO (the RFC 6275 layout).
    let ip = Ip6::new(CARE, B6, TCP).ext(hao(v6(HOME)));
    let frame = frame6(&[], &ip, &tcp(3, 4, &[]));
    let h = headers(&frame);
    assert_eq!((h.ex_src, h.ex_dst), (Some(v6(HOME)), None));
    assert_eq!(HOME_ADDRESS_OPTION_OFFSET, 6);
    assert_eq!(MAX_DEST_OPTIONS, 4);
    // Every padding that reaches offset 6 in at most three options: found.
    for padding in [
        &[1, 2, 0, 0][..],
        &[0, 0, 1, 0],
        &[1, 0, 0, 0],
        &[0, 1, 1, 0],
        &[1, 0, 1, 0],
    ] {
        assert_eq!(
            ex_src_with(hao_after(padding)),
            Some(v6(HOME)),
            "{padding:?}"
        );
    }
    // Four Pad1 are four options: the HAO after them is a fifth, not reached.
    assert_eq!(ex_src_with(hao_after(&[0, 0, 0, 0])), None);
    // Not at 8n+6: right at the start, or two bytes late.
    assert_eq!(ex_src_with(hao_after(&[])), None);
    assert_eq!(ex_src_with(hao_after(&[0, 0, 1, 2, 0, 0])), None);
    // Type 0xC9 with another length is not a Home Address; another type is not either.
    let mut opts = vec![1, 2, 0, 0, 0xc9, 12];
    opts.extend_from_slice(&[0xee; 12]);
    assert_eq!(ex_src_with(Ext::Dest(opts)), None);
    let mut opts = vec![1, 2, 0, 0, 0xc8, 16];
    opts.extend_from_slice(&v6(HOME).octets());
    assert_eq!(ex_src_with(Ext::Dest(opts)), None);
}

/// The landing rule in closed form, as the RTL computes it from header bytes 2..6:
/// checked against the model's walk for every combination of interesting byte values.
#[test]
fn home_address_landing_rule_closed_form_matches_the_walk() {
    let values = [0u8, 1, 2, 3, 4, 0xc9, 0xff];
    let mut landed = 0;
    for b2 in values {
        for b3 in values {
            for b4 in values {
                for b5 in values {
                    let ext = Ext::Raw(
                        DEST,
                        [
                            vec![0, 2, b2, b3, b4, b5, 0xc9, 16],
                            v6(HOME).octets().to_vec(),
                        ]
                        .concat(),
                    );
                    let walk = ex_src_with(ext).is_some();
                    let closed = (b2 != 0 && b3 == 2)
                        || (b2 != 0 && b3 == 0 && b5 == 0)
                        || (b2 != 0 && b3 == 1 && b5 == 0)
                        || (b2 == 0 && b3 == 0 && b4 != 0 && b5 == 0)
                        || (b2 == 0 && b3 != 0 && b4 == 1)
                        || (b2 == 0 && b3 != 0 && b4 == 0 && b5 == 0);
                    assert_eq!(walk, closed, "bytes 2..6 = {b2} {b3} {b4} {b5}");
                    landed += usize::from(walk);
                }
            }
        }
    }
    assert!(landed > 50, "{landed}");
}

#[test]
fn ipv6_option_running_past_its_header_stops_the_walk_without_error() {
    let home = v6(HOME).octets();
    // PadN claiming 40 bytes in a 24-byte header, then a HAO that is never reached.
    let mut body = vec![1, 40, 0, 0];
    body.extend_from_slice(&[0xc9, 16]);
    body.extend_from_slice(&home);
    let ext = Ext::Raw(DEST, [vec![0, 2], body].concat());
    let frame = frame6(&[], &Ip6::new(CARE, B6, UDP).ext(ext), &udp(1, 2, &[]));
    let h = headers(&frame);
    assert_eq!(h.ex_src, None);
    assert_eq!(h.ports.map(|p| (p.src, p.dst)), Some((1, 2)));
    // HAO whose data would end one byte past the header (it starts at offset 7).
    let mut body = vec![1, 3, 0, 0, 0, 0xc9, 16];
    body.extend_from_slice(&home[..15]);
    assert_eq!(body.len() + 2, 24);
    let ext = Ext::Raw(DEST, [vec![0, 2], body].concat());
    let h = headers(&frame6(
        &[],
        &Ip6::new(CARE, B6, UDP).ext(ext),
        &udp(1, 2, &[]),
    ));
    assert_eq!(h.ex_src, None);
    assert!(h.ports.is_some());
    // A non-Pad1 option type in the header's last byte: its length lies outside.
    let ext = Ext::Raw(DEST, vec![0, 0, 1, 2, 0, 0, 0, 0xc9]);
    let h = headers(&frame6(
        &[],
        &Ip6::new(CARE, B6, UDP).ext(ext),
        &udp(1, 2, &[]),
    ));
    assert_eq!(h.ex_src, None);
    assert_eq!(h.l4, 14 + 40 + 8);
}

#[test]
fn ipv6_fragment_header() {
    // Atomic fragment (offset 0, M = 0): not a fragment, the walk goes on.
    let ip = Ip6::new(A6, B6, TCP).ext(Ext::Frag {
        offset: 0,
        more: false,
    });
    let frame = frame6(&[], &ip, &tcp(5, 6, &[]));
    let h = headers(&frame);
    assert!(!h.fragment);
    assert_eq!((h.l4, h.protocol, h.ext_headers), (14 + 48, TCP, 1));
    assert_eq!(
        parse(&frame, no_ex()),
        tuple6(
            v6(A6),
            v6(B6),
            Some((5, 6, Transport::Tcp)),
            HashType::TcpIpv6
        )
    );
    // First fragment (M), later fragments (offset), last fragment.
    for (offset, more) in [(0, true), (1, true), (100, false), (0x1fff, false)] {
        let ip = Ip6::new(A6, B6, TCP).ext(Ext::Frag { offset, more });
        let frame = frame6(&[], &ip, &tcp(5, 6, &[]));
        let h = headers(&frame);
        assert!(h.fragment, "{offset} {more}");
        assert_eq!(h.ports, None);
        assert_eq!(h.protocol, TCP);
        assert_eq!(
            parse(&frame, HashTypes::ALL),
            tuple6(v6(A6), v6(B6), None, HashType::Ipv6Ex)
        );
        assert_eq!(
            parse(&frame, no_ex()),
            tuple6(v6(A6), v6(B6), None, HashType::Ipv6)
        );
        assert_eq!(
            parse(&frame, only(&[HashType::TcpIpv6, HashType::TcpIpv6Ex])),
            Tuple::UNHASHABLE
        );
    }
    // The rest is fragment payload: not walked, not checked (no ports needed, more
    // extension headers allowed, even garbage ones running past the payload).
    let ip = Ip6::new(A6, B6, DEST).ext(Ext::Frag {
        offset: 20,
        more: true,
    });
    let frame = frame6(&[], &ip, &[0xff, 0xff]);
    let h = headers(&frame);
    assert!(h.fragment);
    assert_eq!((h.protocol, h.ext_headers), (DEST, 1));
    // A fragment header ending exactly at the payload end.
    let ip = Ip6::new(A6, B6, UDP).ext(Ext::Frag {
        offset: 3,
        more: false,
    });
    assert!(headers(&frame6(&[], &ip, &[])).fragment);
    // An HAO before the fragment header still counts.
    let ip = Ip6::new(CARE, B6, UDP).ext(hao(v6(HOME))).ext(Ext::Frag {
        offset: 0,
        more: true,
    });
    let frame = frame6(&[], &ip, &udp(1, 2, &[]));
    assert_eq!(
        parse(&frame, HashTypes::ALL),
        tuple6(v6(HOME), v6(B6), None, HashType::Ipv6Ex)
    );
}

#[test]
fn ipv6_other_protocols_hash_addresses() {
    for (proto, l4) in [
        (ICMPV6, vec![128, 0, 0, 0, 0, 1, 0, 1]),
        (NO_NEXT, vec![]),
        (132, vec![0; 12]),
        (50, vec![0; 8]),
        (4, Ip4::new(A4, B4, TCP).packet(&tcp(1, 2, &[]))), // IPv4 in IPv6: not followed
        (41, vec![]),
    ] {
        let ip = Ip6::new(A6, B6, proto).ext(rh2(v6(HOME)));
        let frame = frame6(&[0x8100], &ip, &l4);
        let h = headers(&frame);
        assert_eq!((h.protocol, h.ports), (proto, None));
        assert_eq!(
            parse(&frame, HashTypes::ALL),
            tuple6(v6(A6), v6(HOME), None, HashType::Ipv6Ex)
        );
        assert_eq!(
            parse(&frame, no_ex()),
            tuple6(v6(A6), v6(B6), None, HashType::Ipv6)
        );
    }
}

#[test]
fn ipv6_chain_of_four_with_hao_and_rh2() {
    // HBH, RH2, Dest(HAO), atomic Fragment, then UDP: the maximum chain.
    let ip = Ip6::new(CARE, "2001:db8::99", UDP)
        .ext(Ext::Hbh(vec![]))
        .ext(rh2(v6(HOME)))
        .ext(hao(v6("2001:db8:aaaa::1")))
        .ext(Ext::Frag {
            offset: 0,
            more: false,
        });
    let frame = frame6(&[0x8100], &ip, &udp(4500, 4500, &[]));
    let h = headers(&frame);
    assert_eq!(h.ext_headers, MAX_EXT_HEADERS);
    assert_eq!(h.l4, 18 + 40 + 8 + 24 + 24 + 8);
    // With two tags the same chain puts the ports at 126..130, past the window.
    expect_malformed(
        &frame6(&[0x88a8, 0x8100], &ip, &udp(4500, 4500, &[])),
        Malformed::BeyondWindow,
    );
    let p = Some((4500, 4500, Transport::Udp));
    let (ex_s, ex_d) = (v6("2001:db8:aaaa::1"), v6(HOME));
    assert_eq!(
        parse(&frame, HashTypes::ALL),
        tuple6(ex_s, ex_d, p, HashType::UdpIpv6Ex)
    );
    assert_eq!(
        parse(&frame, no_ex()),
        tuple6(v6(CARE), v6("2001:db8::99"), p, HashType::UdpIpv6)
    );
    // Two Destination Options / two RH2: the last one found wins.
    let ip = Ip6::new(CARE, B6, TCP)
        .ext(hao(v6("2001:db8::a")))
        .ext(hao(v6("2001:db8::d")));
    let h = headers(&frame6(&[], &ip, &tcp(1, 2, &[])));
    assert_eq!((h.ex_src, h.ex_dst), (Some(v6("2001:db8::d")), None));
    let ip = Ip6::new(CARE, B6, TCP)
        .ext(rh2(v6("2001:db8::b")))
        .ext(rh2(v6("2001:db8::c")));
    let h = headers(&frame6(&[], &ip, &tcp(1, 2, &[])));
    assert_eq!((h.ex_src, h.ex_dst), (None, Some(v6("2001:db8::c"))));
    // A second HAO later in the same header is not at offset 6: only the first counts.
    let mut opts = hao_options(v6("2001:db8::e"));
    opts.extend_from_slice(&[1, 2, 0, 0, 0xc9, 16]);
    opts.extend_from_slice(&v6("2001:db8::f").octets());
    let ip = Ip6::new(CARE, B6, TCP).ext(Ext::Dest(opts));
    let h = headers(&frame6(&[], &ip, &tcp(1, 2, &[])));
    assert_eq!(h.ex_src, Some(v6("2001:db8::e")));
}

#[test]
fn ipv6_fifth_extension_header_is_malformed() {
    let eight = || Ext::Hbh(vec![]);
    let mut ip = Ip6::new(A6, B6, TCP);
    for _ in 0..MAX_EXT_HEADERS {
        ip = ip.ext(eight());
    }
    assert!(headers(&frame6(&[], &ip, &tcp(1, 2, &[]))).ports.is_some());
    for fifth in [
        eight(),
        Ext::Dest(vec![]),
        Ext::Frag {
            offset: 0,
            more: false,
        },
        Ext::Frag {
            offset: 5,
            more: false,
        },
        rh2(v6(HOME)),
    ] {
        let ip = Ip6::new(A6, B6, TCP)
            .ext(eight())
            .ext(Ext::Dest(vec![]))
            .ext(eight())
            .ext(Ext::Frag {
                offset: 0,
                more: false,
            })
            .ext(fifth);
        expect_malformed(
            &frame6(&[], &ip, &tcp(1, 2, &[])),
            Malformed::TooManyExtHeaders,
        );
    }
    // No 5th is looked at when the 4th is a (non-atomic) fragment.
    let ip = Ip6::new(A6, B6, TCP)
        .ext(eight())
        .ext(eight())
        .ext(eight())
        .ext(Ext::Frag {
            offset: 0,
            more: true,
        })
        .ext(eight());
    assert!(headers(&frame6(&[], &ip, &tcp(1, 2, &[]))).fragment);
}

#[test]
fn ipv6_extension_header_past_the_payload() {
    // Payload ends inside the first 8 bytes of the header.
    let ip = Ip6::new(A6, B6, TCP).ext(Ext::Hbh(vec![]));
    for plen in 0..8 {
        let frame = eth(&[], 0x86dd, &ip.packet_with_plen(&tcp(1, 2, &[]), plen));
        expect_malformed(&frame, Malformed::ExtHeaderPastPayload);
    }
    // Fragment header: fixed 8 bytes.
    let ip = Ip6::new(A6, B6, TCP).ext(Ext::Frag {
        offset: 1,
        more: false,
    });
    let frame = eth(&[], 0x86dd, &ip.packet_with_plen(&[], 7));
    expect_malformed(&frame, Malformed::ExtHeaderPastPayload);
    // Header length runs past the payload although the frame (padding) holds it.
    let ip = Ip6::new(CARE, B6, TCP).ext(hao(v6(HOME)));
    for plen in [8, 9, 23] {
        let mut frame = eth(&[], 0x86dd, &ip.packet_with_plen(&tcp(1, 2, &[]), plen));
        frame.truncate(14 + 40 + plen as usize);
        frame.resize(100, 0);
        expect_malformed(&frame, Malformed::ExtHeaderPastPayload);
    }
    // Second header past the payload.
    let ip = Ip6::new(A6, CARE, UDP)
        .ext(Ext::Hbh(vec![]))
        .ext(rh2(v6(HOME)));
    let frame = eth(&[], 0x86dd, &ip.packet_with_plen(&udp(1, 2, &[]), 8 + 16));
    expect_malformed(&frame, Malformed::ExtHeaderPastPayload);
}

#[test]
fn ipv6_headers_beyond_the_window() {
    // A Destination Options header of 64 bytes with two tags: ends at 22+40+64 = 126,
    // ports at 126..130: past the 128-byte window.
    let big_dest = |total: usize| {
        Ext::Dest(
            vec![1, (total - 4) as u8]
                .into_iter()
                .chain(vec![0; total - 4])
                .collect(),
        )
    };
    let ip = Ip6::new(A6, B6, TCP).ext(big_dest(64));
    let frame = frame6(&[0x88a8, 0x8100], &ip, &tcp(1, 2, &[0; 100]));
    assert!(frame.len() > PARSE_WINDOW_BYTES);
    expect_malformed(&frame, Malformed::BeyondWindow);
    // One tag: ports at 122..126: fine.
    let frame = frame6(&[0x8100], &ip, &tcp(1, 2, &[0; 100]));
    assert_eq!(headers(&frame).l4, 122);
    // No tag, 72-byte header ends at 126: ports at 126..130: past the window.
    let ip = Ip6::new(A6, B6, UDP).ext(big_dest(72));
    expect_malformed(
        &frame6(&[], &ip, &udp(1, 2, &[0; 50])),
        Malformed::BeyondWindow,
    );
    // (IPv6 ports can start at l3 + 40 + 8k only: 122..126 is the latest that fits.)
    let ip = Ip6::new(A6, B6, UDP).ext(big_dest(56));
    let frame = frame6(&[0x88a8, 0x8100], &ip, &udp(9, 10, &[0; 50]));
    let h = headers(&frame);
    assert_eq!(h.l4 + 4, 122);
    assert_eq!(h.ports.map(|p| (p.src, p.dst)), Some((9, 10)));
    // A header that ends past the window is malformed even if nothing in it is needed
    // (ICMPv6 after it).
    let ip = Ip6::new(A6, B6, ICMPV6).ext(big_dest(80));
    expect_malformed(&frame6(&[], &ip, &[0; 30]), Malformed::BeyondWindow);
    let ip = Ip6::new(A6, B6, ICMPV6).ext(big_dest(72));
    assert!(parse_headers(&frame6(&[], &ip, &[0; 30])).is_ok());
    // Its first 8 bytes past the window.
    let ip = Ip6::new(A6, B6, NO_NEXT)
        .ext(big_dest(48))
        .ext(big_dest(24))
        .ext(Ext::Hbh(vec![]));
    let frame = frame6(&[0x8100], &ip, &[0; 30]);
    // 18 + 40 + 48 + 24 = 130: the HBH starts past the window.
    expect_malformed(&frame, Malformed::BeyondWindow);
    // The maximum Routing header length: 2048 bytes, inside a jumbo-ish frame.
    let ip = Ip6::new(A6, B6, TCP).ext(Ext::Routing {
        kind: 0,
        segs_left: 0,
        data: vec![0; 2046 - 2],
    });
    let frame = frame6(&[], &ip, &tcp(1, 2, &[]));
    expect_malformed(&frame, Malformed::BeyondWindow);
    // Cut the same frame inside the window: Truncated wins only if the length fields
    // still agree; here the payload length is past the frame.
    expect_malformed(&frame[..100], Malformed::BadPayloadLength);
}

#[test]
fn ipv6_selection_order_and_fallback_with_hao() {
    // IPv6 TCP with a Home Address option.
    let ip = Ip6::new(CARE, B6, TCP).ext(hao(v6(HOME)));
    let frame = frame6(&[], &ip, &tcp(6000, 22, &[]));
    let p = Some((6000, 22, Transport::Tcp));
    let ex = |ports, t| tuple6(v6(HOME), v6(B6), ports, t);
    let plain = |ports, t| tuple6(v6(CARE), v6(B6), ports, t);
    use HashType::*;
    // TCP_IPV6_EX enabled → Ex addresses + ports.
    assert_eq!(parse(&frame, only(&[TcpIpv6Ex])), ex(p, TcpIpv6Ex));
    assert_eq!(parse(&frame, HashTypes::ALL), ex(p, TcpIpv6Ex));
    // Only TCP_IPV6 → plain addresses + ports.
    assert_eq!(parse(&frame, only(&[TcpIpv6])), plain(p, TcpIpv6));
    // Only IPV6_EX → Ex addresses, no ports.
    let t = parse(&frame, only(&[Ipv6Ex]));
    assert_eq!(t, ex(None, Ipv6Ex));
    assert!(t.bytes[32..].iter().all(|&b| b == 0));
    // Only IPV6 → plain addresses.
    assert_eq!(parse(&frame, only(&[Ipv6])), plain(None, Ipv6));
    // Order: TCP_IPV6 before IPV6_EX, IPV6_EX before IPV6.
    assert_eq!(
        parse(&frame, only(&[TcpIpv6, Ipv6Ex, Ipv6])),
        plain(p, TcpIpv6)
    );
    assert_eq!(parse(&frame, only(&[Ipv6Ex, Ipv6])), ex(None, Ipv6Ex));
    // The other transport's and IPv4's types do not apply.
    assert_eq!(
        parse(&frame, only(&[UdpIpv6, UdpIpv6Ex, Ipv4, TcpIpv4, UdpIpv4])),
        Tuple::UNHASHABLE
    );
    assert_eq!(parse(&frame, HashTypes::NONE), Tuple::UNHASHABLE);

    // UDP with RH2 and HAO.
    let ip = Ip6::new(CARE, A6, UDP).ext(rh2(v6(B6))).ext(hao(v6(HOME)));
    let frame = frame6(&[0x8100], &ip, &udp(500, 4500, &[]));
    let p = Some((500, 4500, Transport::Udp));
    assert_eq!(
        parse(&frame, HashTypes::ALL),
        tuple6(v6(HOME), v6(B6), p, UdpIpv6Ex)
    );
    assert_eq!(
        parse(&frame, only(&[UdpIpv6, Ipv6Ex])),
        tuple6(v6(CARE), v6(A6), p, UdpIpv6)
    );
    assert_eq!(
        parse(&frame, only(&[TcpIpv6Ex, Ipv6Ex])),
        tuple6(v6(HOME), v6(B6), None, Ipv6Ex)
    );
}

#[test]
fn selected_type_steers_as_selected() {
    // steer() re-selects from the candidate; for parse() output it must keep the type.
    let hasher = ToeplitzTable::new(&MS_DEFAULT_KEY).unwrap();
    let table = [3u16; 16];
    let ip = Ip6::new(CARE, B6, TCP).ext(hao(v6(HOME)));
    let frame = frame6(&[], &ip, &tcp(6000, 22, &[]));
    for enabled in [
        HashTypes::ALL,
        only(&[HashType::TcpIpv6]),
        only(&[HashType::Ipv6Ex]),
        only(&[HashType::Ipv6]),
    ] {
        let tuple = parse(&frame, enabled);
        let config = SteerConfig {
            vport: 0,
            enabled: true,
            symmetric: false,
            hash_types: enabled,
            table_size_log2: 4,
            default_queue: 0,
            primary_queue: 0,
            hasher: &hasher,
            table: &table,
        };
        let record = steer(&config, &tuple);
        assert_eq!(record.hash_type, tuple.candidate);
        assert_eq!(
            record.hash,
            hasher
                .hash(tuple.hash_input(tuple.candidate.unwrap()))
                .unwrap()
        );
    }
}

// ---------------------------------------------------------------------------------------
// Robustness
// ---------------------------------------------------------------------------------------

fn check_invariants(frame: &[u8], enabled: HashTypes) -> Tuple {
    let t = parse(frame, enabled);
    match t.candidate {
        None => assert_eq!(t, Tuple::UNHASHABLE),
        Some(ty) => {
            assert!(enabled.contains(ty));
            assert!(t.bytes[ty.input_bytes()..].iter().all(|&b| b == 0));
            let h = parse_headers(frame).unwrap();
            assert_eq!(h.selected(enabled), Some(ty));
            assert!(h.l4 <= PARSE_WINDOW_BYTES);
        }
    }
    // Nothing past the window matters except the frame's length.
    if frame.len() > PARSE_WINDOW_BYTES {
        let mut other = frame.to_vec();
        for b in &mut other[PARSE_WINDOW_BYTES..] {
            *b = !*b;
        }
        assert_eq!(parse_headers(&other), parse_headers(frame));
    }
    t
}

#[test]
fn random_bytes_never_panic() {
    let mut rng = StdRng::seed_from_u64(0x009a_55e5);
    for _ in 0..200_000 {
        let len = rng.random_range(0..=300);
        let mut frame: Vec<u8> = (0..len).map(|_| rng.random()).collect();
        // Make the interesting ethertypes and versions common.
        if len >= 14 && rng.random_bool(0.8) {
            let tags = rng.random_range(0..=2usize).min((len - 14) / 4);
            let tpids = [0x88a8u16, 0x8100];
            for i in 0..tags {
                frame[12 + 4 * i..14 + 4 * i].copy_from_slice(&tpids[i].to_be_bytes());
            }
            let et = 12 + 4 * tags;
            let v6 = rng.random_bool(0.5);
            let ethertype: u16 = if v6 { 0x86dd } else { 0x0800 };
            frame[et..et + 2].copy_from_slice(&ethertype.to_be_bytes());
            if let Some(b) = frame.get_mut(et + 2) {
                *b = if v6 {
                    0x60
                } else {
                    0x45 + rng.random_range(0..3)
                };
            }
            if let (true, Some(nh)) = (v6, frame.get_mut(et + 8)) {
                *nh = [0, 43, 44, 60, 6, 17][rng.random_range(0..6)];
            }
        }
        let enabled = HashTypes(rng.random_range(0..0x200));
        check_invariants(&frame, enabled);
        check_invariants(&frame, HashTypes::ALL);
    }
}

#[test]
fn mutated_frames_never_panic() {
    let seeds = [
        frame4(
            &[0x8100],
            &Ip4::new(A4, B4, TCP).options(&[1; 8]),
            &tcp(1, 2, &[0; 100]),
        ),
        frame6(
            &[0x88a8, 0x8100],
            &Ip6::new(CARE, B6, UDP)
                .ext(Ext::Hbh(vec![]))
                .ext(rh2(v6(HOME)))
                .ext(hao(v6(HOME))),
            &udp(1, 2, &[0; 100]),
        ),
    ];
    let mut rng = StdRng::seed_from_u64(17);
    let mut outcomes = std::collections::HashSet::new();
    for _ in 0..100_000 {
        let mut frame = seeds[rng.random_range(0..seeds.len())].clone();
        for _ in 0..rng.random_range(1..4) {
            let i = rng.random_range(0..PARSE_WINDOW_BYTES.min(frame.len()));
            frame[i] = rng.random();
        }
        if rng.random_bool(0.3) {
            frame.truncate(rng.random_range(0..=frame.len()));
        }
        check_invariants(&frame, HashTypes::ALL);
        outcomes.insert(parse_headers(&frame).err());
    }
    assert!(outcomes.len() >= 8, "{outcomes:?}");
}

#[test]
fn tuple_buffer_is_the_model_width() {
    assert_eq!(TUPLE_BYTES, 36);
    assert_eq!(PARSE_WINDOW_BYTES, 128);
}
