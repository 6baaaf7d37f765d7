//! The published Microsoft RSS verification vectors (`testdata/ms-rss-verification.tsv`,
//! from "Verifying the RSS Hash Calculation"), parsed once for every test that checks
//! a hash implementation against them. Hashes are under
//! [`MS_DEFAULT_KEY`](crate::toeplitz::MS_DEFAULT_KEY).

use core::net::IpAddr;

/// The table as published: header comments, a column-name row, 8 rows.
pub const TSV: &str = include_str!("../../testdata/ms-rss-verification.tsv");

/// One row: a TCP flow and its hashes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Vector {
    pub src: IpAddr,
    pub dst: IpAddr,
    pub sport: u16,
    pub dport: u16,
    /// Addresses only (IPV4 / IPV6 hash types).
    pub hash_ip: u32,
    /// Addresses and ports (TCP_IPV4 / TCP_IPV6 hash types).
    pub hash_ip_ports: u32,
}

/// The 8 rows (16 hashes). The file is part of the crate, so a malformed row is a
/// build defect and panics.
pub fn published() -> impl Iterator<Item = Vector> {
    TSV.lines()
        .filter(|l| !l.starts_with('#') && !l.starts_with("dst_addr") && !l.trim().is_empty())
        .map(|line| {
            let mut c = line.split('\t');
            let mut next = || c.next().expect("six tab-separated columns");
            let (dst, dport, src, sport) = (next(), next(), next(), next());
            let (hash_ip, hash_ip_ports) = (next(), next());
            Vector {
                src: src.parse().expect("source address"),
                dst: dst.parse().expect("destination address"),
                sport: sport.parse().expect("source port"),
                dport: dport.parse().expect("destination port"),
                hash_ip: u32::from_str_radix(hash_ip, 16).expect("hex hash"),
                hash_ip_ports: u32::from_str_radix(hash_ip_ports, 16).expect("hex hash"),
            }
        })
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_table_has_eight_rows() {
        assert_eq!(super::published().count(), 8);
    }
}
