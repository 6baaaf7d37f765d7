//! The published Microsoft verification vectors and properties of the Toeplitz hash.

use rand::{Rng, SeedableRng, rngs::StdRng};
use rss_model::toeplitz::MS_DEFAULT_KEY;
use rss_model::tuple::Transport;
use rss_model::vectors::{Vector, published};
use rss_model::{HashType, ToeplitzTable, Tuple, toeplitz_bitwise};

fn vectors() -> Vec<Vector> {
    published().collect()
}

#[test]
fn published_vectors_match_both_implementations() {
    let table = ToeplitzTable::new(&MS_DEFAULT_KEY).unwrap();
    for v in vectors() {
        let addresses = Tuple::addresses(v.src, v.dst).unwrap();
        let ports = Tuple::with_ports(v.src, v.dst, v.sport, v.dport, Transport::Tcp).unwrap();
        let address_input = addresses.hash_input(addresses.candidate.unwrap());
        let port_input = ports.hash_input(ports.candidate.unwrap());
        assert_eq!(
            toeplitz_bitwise(&MS_DEFAULT_KEY, address_input),
            Ok(v.hash_ip),
            "{}",
            v.src
        );
        assert_eq!(table.hash(address_input), Ok(v.hash_ip), "{}", v.src);
        assert_eq!(
            toeplitz_bitwise(&MS_DEFAULT_KEY, port_input),
            Ok(v.hash_ip_ports),
            "{}",
            v.src
        );
        assert_eq!(table.hash(port_input), Ok(v.hash_ip_ports), "{}", v.src);
        let expected_type = if v.src.is_ipv4() {
            HashType::TcpIpv4
        } else {
            HashType::TcpIpv6
        };
        assert_eq!(ports.candidate, Some(expected_type));
    }
}

#[test]
fn table_driven_equals_bitwise_for_random_keys_and_tuples() {
    let mut rng = StdRng::seed_from_u64(0x7005_11e2);
    for _ in 0..2000 {
        let key_len = rng.random_range(40..=64);
        let key: Vec<u8> = (0..key_len).map(|_| rng.random()).collect();
        let input_len = rng.random_range(0..=36);
        let input: Vec<u8> = (0..input_len).map(|_| rng.random()).collect();
        let table = ToeplitzTable::new(&key).unwrap();
        assert_eq!(
            table.hash(&input),
            toeplitz_bitwise(&key, &input),
            "key {key:02x?} input {input:02x?}"
        );
    }
}

#[test]
fn hash_is_linear_in_the_input() {
    let mut rng = StdRng::seed_from_u64(0x11_4ea2);
    for _ in 0..2000 {
        let key: [u8; 40] = rng.random();
        let a: [u8; 36] = rng.random();
        let b: [u8; 36] = rng.random();
        let xor: Vec<u8> = a.iter().zip(&b).map(|(x, y)| x ^ y).collect();
        let h = |input: &[u8]| toeplitz_bitwise(&key, input).unwrap();
        assert_eq!(h(&xor), h(&a) ^ h(&b));
        assert_eq!(h(&[0; 36]), 0);
    }
}

#[test]
fn trailing_zero_bytes_do_not_change_the_hash() {
    // The hardware hashes a zero-padded 36-byte tuple; the model hashes the exact length.
    let mut rng = StdRng::seed_from_u64(3);
    for _ in 0..500 {
        let key: [u8; 40] = rng.random();
        let len = rng.random_range(0..=36);
        let mut padded = [0u8; 36];
        rng.fill(&mut padded[..len]);
        assert_eq!(
            toeplitz_bitwise(&key, &padded),
            toeplitz_bitwise(&key, &padded[..len])
        );
    }
}
