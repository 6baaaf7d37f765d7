//! Reading packet captures (pcap in either byte order, pcapng) with `pcap-parser`:
//! every record's stored bytes, in capture order, Ethernet link type only.

use std::fs::File;
use std::path::Path;

use pcap_parser::traits::PcapNGPacketBlock;
use pcap_parser::{Block, Linktype, PcapBlockOwned, PcapError, create_reader};

/// Buffer for the streaming reader: larger than any record (snap length <= 256 KiB).
const READ_BUFFER: usize = 1 << 20;

/// A capture's frames and where they came from.
#[derive(Debug, Clone)]
pub struct Capture {
    /// `pcap` or `pcapng`.
    pub format: &'static str,
    /// The stored bytes of every record (possibly cut by the snap length, possibly
    /// empty), in capture order.
    pub frames: Vec<Vec<u8>>,
    /// Bytes of the file.
    pub file_bytes: u64,
}

/// Reads every record of `path`. `progress(bytes_read)` is called as the file is read.
/// Fails on an unreadable or malformed file and on a link type other than Ethernet.
pub fn read(path: &Path, mut progress: impl FnMut(u64)) -> Result<Capture, String> {
    let name = path.display();
    let file = File::open(path).map_err(|e| format!("{name}: {e}"))?;
    let file_bytes = file.metadata().map_err(|e| format!("{name}: {e}"))?.len();
    let mut reader = create_reader(READ_BUFFER, file).map_err(|e| match e {
        PcapError::Eof => format!("{name}: empty file"),
        e => format!("{name}: not a pcap or pcapng capture ({e})"),
    })?;
    let mut format = "pcap";
    let mut frames = Vec::new();
    // pcapng: link type per interface, in IDB order (reset by each section header).
    let mut interfaces: Vec<Linktype> = Vec::new();
    let mut consumed = 0u64;
    let check = |link: Linktype, what: &str| -> Result<(), String> {
        if link == Linktype::ETHERNET {
            Ok(())
        } else {
            Err(format!(
                "{name}: {what} has link type {} ({link}); only Ethernet (1) is supported",
                link.0
            ))
        }
    };
    loop {
        match reader.next() {
            Ok((offset, block)) => {
                match block {
                    PcapBlockOwned::LegacyHeader(h) => check(h.network, "the capture")?,
                    PcapBlockOwned::Legacy(b) => frames.push(b.data.to_vec()),
                    PcapBlockOwned::NG(Block::SectionHeader(_)) => {
                        format = "pcapng";
                        interfaces.clear();
                    }
                    PcapBlockOwned::NG(Block::InterfaceDescription(idb)) => {
                        check(idb.linktype, &format!("interface {}", interfaces.len()))?;
                        interfaces.push(idb.linktype);
                    }
                    PcapBlockOwned::NG(Block::EnhancedPacket(epb)) => {
                        if (epb.if_id as usize) >= interfaces.len() {
                            return Err(format!(
                                "{name}: packet {} names interface {}, which is not described",
                                frames.len(),
                                epb.if_id
                            ));
                        }
                        frames.push(epb.packet_data().to_vec());
                    }
                    PcapBlockOwned::NG(Block::SimplePacket(spb)) => {
                        if interfaces.is_empty() {
                            return Err(format!(
                                "{name}: simple packet block before any interface"
                            ));
                        }
                        frames.push(spb.packet_data().to_vec());
                    }
                    PcapBlockOwned::NG(_) => {}
                }
                consumed += offset as u64;
                reader.consume(offset);
                progress(consumed);
            }
            Err(PcapError::Eof) => break,
            Err(PcapError::Incomplete(_)) => reader
                .refill()
                .map_err(|e| format!("{name}: read error after {consumed} bytes ({e})"))?,
            Err(e) => {
                return Err(format!(
                    "{name}: malformed capture after {consumed} bytes, record {} ({e})",
                    frames.len()
                ));
            }
        }
    }
    Ok(Capture {
        format,
        frames,
        file_bytes,
    })
}
