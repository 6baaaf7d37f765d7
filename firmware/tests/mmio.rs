//! `Mmio` against plain memory: byte offsets, volatile access, bounds.

mod common;

use rss_fw::bus::WINDOW_BYTES;
use rss_fw::{BusError, Mmio, RegisterBus, RssDevice};
use rss_model::regmap::offset;

#[test]
fn byte_offsets_address_words() {
    let mut buf = [0u32; WINDOW_BYTES / 4];
    buf[3] = 0xdead_beef;
    // SAFETY: `buf` is a WINDOW_BYTES, word-aligned buffer not otherwise borrowed
    // while `mmio` is used.
    {
        let mut mmio = unsafe { Mmio::new(buf.as_mut_ptr()) };
        assert_eq!(mmio.read32(12), Ok(0xdead_beef));
        mmio.write32(offset::TABLE, 7).unwrap();
        mmio.write32(WINDOW_BYTES as u32 - 4, 0x1234_5678).unwrap();
        assert_eq!(mmio.read32(offset::TABLE), Ok(7));
    }
    assert_eq!(buf[offset::TABLE as usize / 4], 7);
    assert_eq!(buf[WINDOW_BYTES / 4 - 1], 0x1234_5678);
    assert_eq!(buf.iter().filter(|&&w| w != 0).count(), 3);
}

#[test]
fn unaligned_and_out_of_window_offsets_are_decode_errors() {
    let mut buf = [0x5a5a_5a5au32; 16];
    // SAFETY: the window is exactly `buf`.
    {
        let mut mmio = unsafe { Mmio::with_window(buf.as_mut_ptr(), 64) };
        assert_eq!(mmio.read32(60), Ok(0x5a5a_5a5a));
        for bad in [1, 2, 3, 61, 64, 68, u32::MAX - 3, u32::MAX] {
            assert_eq!(mmio.read32(bad), Err(BusError::DecErr), "read {bad:#x}");
            assert_eq!(
                mmio.write32(bad, 0),
                Err(BusError::DecErr),
                "write {bad:#x}"
            );
        }
    }
    assert!(buf.iter().all(|&w| w == 0x5a5a_5a5a));
}

#[test]
fn probe_through_mmio_over_a_register_image() {
    // The model's reset state as a memory image: probe reads only, so plain memory
    // behaves like the block for discovery.
    let regs = rss_model::RegFile::new(common::params(6, 12)).unwrap();
    let mut buf = [0u32; WINDOW_BYTES / 4];
    for r in regs.map().registers() {
        for i in 0..r.count {
            let addr = r.element_offset(i);
            buf[addr as usize / 4] = regs.read(addr).unwrap();
        }
    }
    // SAFETY: as above.
    let mmio = unsafe { Mmio::new(buf.as_mut_ptr()) };
    let dev = RssDevice::probe(mmio).expect("probe");
    let caps = dev.capabilities();
    assert_eq!(caps.table_entries(), 64);
    assert_eq!(caps.num_queues, 12);
    assert_eq!(caps.queue_bits, 4);
}

#[test]
fn a_borrowed_bus_is_a_bus() {
    let mut bus = common::ModelBus::new(common::params(7, 64));
    {
        let mut dev = RssDevice::probe(&mut bus).unwrap();
        dev.set_table_size(8).unwrap();
        dev.set_entry(5, 9).unwrap();
    }
    assert_eq!(bus.regs.table(0)[5], 9);
}
