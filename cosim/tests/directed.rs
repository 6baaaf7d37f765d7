//! One frame per parser rule (`docs/parser-rules.md`) through the RTL at 64 and 512
//! bits: each record must equal the model's and show the outcome the rule states
//! (hash type, flags), so a rule both sides got wrong the same way still fails.

use rss_cosim::dut::{CheckedBus, RecordOut};
use rss_cosim::frame_dut::{FramePins, FrameTraffic, RssCoreW64, RssCoreW512, reset};
use rss_cosim::frames::{
    ExtHeader, ethernet, home_address_options, ipv4_packet, ipv6_packet, pad_to_min, tcp_segment,
    type2_routing, udp_datagram,
};
use rss_cosim::frames_with_trace_on_failure;
use rss_model::parse::{FLAG_FRAGMENT, FLAG_MALFORMED, steer_frame};
use rss_model::regfile::RegFile;
use rss_model::regmap::{Params, offset};
use rss_model::toeplitz::MS_DEFAULT_KEY;
use rss_model::{HashType, HashTypes};

const S4: [u8; 4] = [10, 1, 2, 3];
const D4: [u8; 4] = [192, 168, 7, 9];
const S6: [u8; 16] = [0x20, 1, 0xd, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1];
const D6: [u8; 16] = [0x20, 1, 0xd, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2];
const HOME: [u8; 16] = [0x20, 1, 0xd, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xaa, 0xaa];

fn frame(tags: &[(u16, u16)], ethertype: u16, l3: &[u8]) -> Vec<u8> {
    let mut f = ethernet(tags, ethertype, l3);
    pad_to_min(&mut f);
    f
}

fn v4(protocol: u8, flags_offset: u16, options: &[u8], payload: &[u8]) -> Vec<u8> {
    ipv4_packet(S4, D4, protocol, flags_offset, options, payload)
}

fn v6(exts: &[ExtHeader], protocol: u8, payload: &[u8]) -> Vec<u8> {
    ipv6_packet(S6, D6, exts, protocol, payload)
}

/// A rule, a frame that exercises it, the enabled types, and what the rule says the
/// record carries.
type Case = (&'static str, Vec<u8>, HashTypes, Option<HashType>, u8);

fn cases() -> Vec<Case> {
    let tcp = tcp_segment(1234, 80, &[], b"x");
    let udp = udp_datagram(53, 5353, b"x");
    let all = HashTypes::ALL;
    let no_ex = HashTypes(
        HashTypes::ALL.0
            & !(HashType::Ipv6Ex.mask() | HashType::TcpIpv6Ex.mask() | HashType::UdpIpv6Ex.mask()),
    );
    let only_ipv4 = HashTypes::NONE.with(HashType::Ipv4);
    let hao = ExtHeader::DestOpts(home_address_options(HOME));
    let mut cases = vec![
        (
            "Ethernet II TCP/IPv4",
            frame(&[], 0x0800, &v4(6, 0, &[], &tcp)),
            all,
            Some(HashType::TcpIpv4),
            0,
        ),
        (
            "802.1Q UDP/IPv4",
            frame(&[(0x8100, 5)], 0x0800, &v4(17, 0, &[], &udp)),
            all,
            Some(HashType::UdpIpv4),
            0,
        ),
        (
            "QinQ 0x88a8 + 0x8100 TCP/IPv4",
            frame(&[(0x88a8, 5), (0x8100, 6)], 0x0800, &v4(6, 0, &[], &tcp)),
            all,
            Some(HashType::TcpIpv4),
            0,
        ),
        (
            "double 0x8100 TCP/IPv4",
            frame(&[(0x8100, 5), (0x8100, 6)], 0x0800, &v4(6, 0, &[], &tcp)),
            all,
            Some(HashType::TcpIpv4),
            0,
        ),
        (
            "third tag: unsupported",
            frame(
                &[(0x88a8, 1), (0x8100, 2), (0x8100, 3)],
                0x0800,
                &v4(6, 0, &[], &tcp),
            ),
            all,
            None,
            0,
        ),
        (
            "IPv4 options skipped to TCP",
            frame(&[], 0x0800, &v4(6, 0, &[1; 12], &tcp)),
            all,
            Some(HashType::TcpIpv4),
            0,
        ),
        (
            // One tag puts L3 at 18, so L3 words start 2 bytes into an 8-byte beat. IHL
            // 14: the ports are frame bytes 74..78 and the frame ends there, so their
            // word starts in the last beat and ends past the frame: the parser's tail
            // word, at every width.
            "UDP/IPv4 ports in the frame's partial last word",
            frame(
                &[(0x8100, 5)],
                0x0800,
                &v4(17, 0, &[1; 36], &[0, 53, 0x14, 0xe9]),
            ),
            all,
            Some(HashType::UdpIpv4),
            0,
        ),
        (
            // The same for IPv6: ports at frame bytes 58..62, a 62-byte frame.
            "UDP/IPv6 ports in the frame's partial last word",
            frame(&[(0x8100, 5)], 0x86dd, &v6(&[], 17, &[0, 53, 0x14, 0xe9])),
            no_ex,
            Some(HashType::UdpIpv6),
            0,
        ),
        (
            "IPv4 first fragment (MF)",
            frame(&[], 0x0800, &v4(6, 0x2000, &[], &tcp)),
            all,
            Some(HashType::Ipv4),
            FLAG_FRAGMENT,
        ),
        (
            "IPv4 later fragment",
            frame(&[], 0x0800, &v4(17, 0x0010, &[], &udp)),
            all,
            Some(HashType::Ipv4),
            FLAG_FRAGMENT,
        ),
        (
            "IPv4 ICMP: addresses",
            frame(&[], 0x0800, &v4(1, 0, &[], &[8, 0, 0, 0])),
            all,
            Some(HashType::Ipv4),
            0,
        ),
        (
            "TCP_IPV4 off: falls back to IPV4",
            frame(&[], 0x0800, &v4(6, 0, &[], &tcp)),
            only_ipv4,
            Some(HashType::Ipv4),
            0,
        ),
        (
            "nothing enabled: no hash",
            frame(&[], 0x0800, &v4(6, 0, &[], &tcp)),
            HashTypes::NONE,
            None,
            0,
        ),
        (
            "IPv6 TCP, Ex enabled",
            frame(&[], 0x86dd, &v6(&[], 6, &tcp)),
            all,
            Some(HashType::TcpIpv6Ex),
            0,
        ),
        (
            "IPv6 UDP, Ex off",
            frame(&[], 0x86dd, &v6(&[], 17, &udp)),
            no_ex,
            Some(HashType::UdpIpv6),
            0,
        ),
        (
            "IPv6 HBH + HAO + RH2 + TCP: Ex addresses",
            frame(
                &[],
                0x86dd,
                &v6(
                    &[
                        ExtHeader::HopByHop(vec![1, 4, 0, 0, 0, 0]),
                        hao.clone(),
                        type2_routing(HOME),
                    ],
                    6,
                    &tcp,
                ),
            ),
            all,
            Some(HashType::TcpIpv6Ex),
            0,
        ),
        (
            "IPv6 HAO, only TCP_IPV6: plain addresses",
            frame(&[], 0x86dd, &v6(std::slice::from_ref(&hao), 6, &tcp)),
            HashTypes::NONE.with(HashType::TcpIpv6),
            Some(HashType::TcpIpv6),
            0,
        ),
        (
            "IPv6 HAO, only IPV6_EX: Ex addresses, no ports",
            frame(&[], 0x86dd, &v6(std::slice::from_ref(&hao), 6, &tcp)),
            HashTypes::NONE.with(HashType::Ipv6Ex),
            Some(HashType::Ipv6Ex),
            0,
        ),
        (
            "IPv6 fragment: addresses only",
            frame(
                &[],
                0x86dd,
                &v6(
                    &[ExtHeader::Fragment {
                        offset: 3,
                        more: false,
                    }],
                    17,
                    &udp,
                ),
            ),
            all,
            Some(HashType::Ipv6Ex),
            FLAG_FRAGMENT,
        ),
        (
            "IPv6 atomic fragment header: ports",
            frame(
                &[],
                0x86dd,
                &v6(
                    &[ExtHeader::Fragment {
                        offset: 0,
                        more: false,
                    }],
                    17,
                    &udp,
                ),
            ),
            all,
            Some(HashType::UdpIpv6Ex),
            0,
        ),
        (
            "5 extension headers: malformed",
            frame(
                &[],
                0x86dd,
                &v6(
                    &vec![ExtHeader::DestOpts(vec![1, 4, 0, 0, 0, 0]); 5],
                    6,
                    &tcp,
                ),
            ),
            all,
            None,
            FLAG_MALFORMED,
        ),
        (
            "ARP: not RSS traffic",
            frame(&[], 0x0806, &[0; 28]),
            all,
            None,
            0,
        ),
        ("runt (10 bytes)", vec![0xff; 10], all, None, FLAG_MALFORMED),
    ];
    let mut bad = v4(6, 0, &[], &tcp);
    bad[0] = 0x44; // IHL 4
    cases.push((
        "IHL < 5",
        frame(&[], 0x0800, &bad),
        all,
        None,
        FLAG_MALFORMED,
    ));
    let mut bad = v4(6, 0, &[], &tcp);
    bad[0] = 0x55; // version 5
    cases.push((
        "bad IP version",
        frame(&[], 0x0800, &bad),
        all,
        None,
        FLAG_MALFORMED,
    ));
    let mut bad = v4(6, 0, &[], &tcp);
    bad[2..4].copy_from_slice(&1500u16.to_be_bytes());
    cases.push((
        "total length past the frame",
        frame(&[], 0x0800, &bad),
        all,
        None,
        FLAG_MALFORMED,
    ));
    let mut bad = v4(6, 0, &[], &tcp[..2]);
    bad[2..4].copy_from_slice(&22u16.to_be_bytes());
    cases.push((
        "ports past the datagram",
        frame(&[], 0x0800, &bad),
        all,
        None,
        FLAG_MALFORMED,
    ));
    // Total length at the header length's edge, with and without options: one byte
    // short is malformed, exactly the header is a datagram without payload (hashed as
    // IPv4 when the protocol has no ports).
    for options in [0usize, 4, 40] {
        let header = 20 + options;
        let datagram = v4(47, 0, &vec![1; options], &[0; 8]);
        let mut bad = datagram.clone();
        bad[2..4].copy_from_slice(&(header as u16 - 1).to_be_bytes());
        cases.push((
            "total length one byte below the header",
            frame(&[], 0x0800, &bad),
            all,
            None,
            FLAG_MALFORMED,
        ));
        let mut edge = datagram;
        edge[2..4].copy_from_slice(&(header as u16).to_be_bytes());
        cases.push((
            "total length equal to the header",
            frame(&[], 0x0800, &edge),
            all,
            Some(HashType::Ipv4),
            0,
        ));
    }
    let mut short = ethernet(&[], 0x0800, &v4(6, 0, &[], &tcp));
    short.truncate(30);
    cases.push(("truncated IPv4 header", short, all, None, FLAG_MALFORMED));
    // Each length compare at its edge, exactly and one byte over (the verdict compares
    // each as the sign of a difference: an off-by-one shows here first).
    let header_only = ethernet(&[], 0x0800, &v4(47, 0, &[], &[]));
    let udp = ethernet(
        &[],
        0x0800,
        &v4(17, 0, &[], &udp_datagram(53, 5353, &[7; 40])),
    );
    for (exact, over, frame, hash_type) in [
        (
            "IPv4 header ending at the frame's last byte",
            "IPv4 header one byte past the frame",
            header_only,
            HashType::Ipv4,
        ),
        (
            "datagram ending at the frame's last byte",
            "datagram one byte past the frame",
            udp,
            HashType::UdpIpv4,
        ),
    ] {
        let mut short = frame.clone();
        short.pop();
        cases.push((exact, frame, all, Some(hash_type), 0));
        cases.push((over, short, all, None, FLAG_MALFORMED));
    }
    cases.push((
        "ports ending at the datagram's end",
        frame(&[], 0x0800, &v4(6, 0, &[], &tcp[..4])),
        all,
        Some(HashType::TcpIpv4),
        0,
    ));
    let long = vec![
        ExtHeader::HopByHop(vec![0; 62]),
        ExtHeader::DestOpts(vec![0; 14]),
    ];
    cases.push((
        "ports beyond the 128-byte window",
        frame(&[], 0x86dd, &v6(&long, 6, &tcp)),
        all,
        None,
        FLAG_MALFORMED,
    ));
    cases
}

fn directed<P: FramePins>(sim: &mut P) -> Result<(), String> {
    let mut bus = CheckedBus::new(RegFile::new(Params::default()).unwrap());
    reset(sim);
    for e in 0..128 {
        bus.write(sim, offset::TABLE + 4 * e, e % 64, 0xf)?;
    }
    bus.commit(sim, 0, false, true)?;
    bus.write(sim, offset::TABLE_SIZE, 7, 0xf)?;
    bus.write(sim, offset::DEFAULT_QUEUE, 63, 0xf)?;
    bus.write(sim, offset::CTRL, 1, 0xf)?;
    for (rule, frame, enabled, hash_type, flags) in cases() {
        bus.write(sim, offset::HASH_TYPES, u32::from(enabled.0), 0xf)?;
        bus.set_key(sim, &MS_DEFAULT_KEY)?;
        let mut traffic = FrameTraffic::new(1, 100, 100);
        traffic.push(frame.clone());
        traffic.drain(sim)?;
        let got = traffic.records[0];
        let (record, model_flags) = steer_frame(&bus.model.steer_config(0), &frame);
        let model = RecordOut::for_frame(&bus.model, &frame);
        if got != model {
            return Err(format!("{rule}: RTL {got:x?}, model {model:x?}"));
        }
        if (record.hash_type, model_flags) != (hash_type, flags) {
            return Err(format!(
                "{rule}: got {:?} flags {model_flags}, rule says {hash_type:?} flags {flags}",
                record.hash_type
            ));
        }
        if hash_type.is_none() && got.queue != 63 {
            return Err(format!(
                "{rule}: no hash must go to the default queue, got {}",
                got.queue
            ));
        }
    }
    Ok(())
}

#[test]
fn every_rule_64_bit() {
    frames_with_trace_on_failure!(RssCoreW64, "directed_w64", |sim: &mut _| directed(sim))
        .unwrap_or_else(|e| panic!("{e}"));
}

#[test]
fn every_rule_512_bit() {
    frames_with_trace_on_failure!(RssCoreW512, "directed_w512", |sim: &mut _| directed(sim))
        .unwrap_or_else(|e| panic!("{e}"));
}
