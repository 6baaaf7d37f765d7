//! Where a hash's indirection entry lives in the table pool (combinational). Every
//! reader of the pool (the frame path, the tuple core, the transmit lookup) forms its
//! address here, so they agree on the layout: bank in bit 10, then the `TABLE`
//! element `VPort * 2^TABLE_ENTRIES_LOG2 + entry`, where the entry is the hash's low
//! bits under the VPort's table size (`rss_model::steer::table_index`).

use rust_hdl::prelude::*;

use crate::vport_regs::POOL_ADDRESS_BITS;

/// Bit of the pool address that selects the bank (the pool holds two tables per VPort).
pub const BANK_BIT: usize = 10;

#[derive(LogicBlock)]
pub struct PoolAddress {
    /// Bank holding the VPort's active table.
    pub bank: Signal<In, Bit>,
    /// VPort whose table is read.
    pub vport: Signal<In, Bits<3>>,
    /// The hash; its low bits pick the entry.
    pub hash: Signal<In, Bits<32>>,
    /// log2 of the entries the VPort's table uses (at most the build's maximum).
    pub size_log2: Signal<In, Bits<4>>,
    /// Pool address of the entry.
    pub address: Signal<Out, Bits<POOL_ADDRESS_BITS>>,
    // The build's table size is a constant, not a type parameter, so the hash bits
    // beyond it are cut by a constant mask (wires after synthesis).
    table_log2: Constant<Bits<4>>,
    entry_bits: Constant<Bits<POOL_ADDRESS_BITS>>,
    all_ones: Constant<Bits<POOL_ADDRESS_BITS>>,
    size_mask: Signal<Local, Bits<POOL_ADDRESS_BITS>>,
}

impl PoolAddress {
    /// The address unit for tables of `2^table_log2` entries per VPort.
    pub fn new(table_log2: u8) -> Self {
        assert!(usize::from(table_log2) <= BANK_BIT, "table size");
        Self {
            bank: Default::default(),
            vport: Default::default(),
            hash: Default::default(),
            size_log2: Default::default(),
            address: Default::default(),
            table_log2: Constant::new(u64::from(table_log2).to_bits()),
            entry_bits: Constant::new(((1_u64 << table_log2) - 1).to_bits()),
            all_ones: Constant::new(((1_u64 << POOL_ADDRESS_BITS) - 1).to_bits()),
            size_mask: Default::default(),
        }
    }
}

// `BANK_BIT` appears as a literal in `update`: hdl_gen emits paths as signal names.
const _: () = assert!(BANK_BIT == 10);

impl Logic for PoolAddress {
    #[hdl_gen]
    fn update(&mut self) {
        // Not `(1 << size) - 1`: the subtraction became a carry chain on the table's
        // read-address path; each bit of this mask is a function of the 4 size bits.
        self.size_mask.next = !(self.all_ones.val() << self.size_log2.val());
        self.address.next = ((bit_cast::<POOL_ADDRESS_BITS, 3>(self.vport.val())
            << self.table_log2.val())
            | (self.hash.val().get_bits::<POOL_ADDRESS_BITS>(0)
                & self.size_mask.val()
                & self.entry_bits.val()))
        .replace_bit(10, self.bank.val());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng, rngs::StdRng};
    use rss_model::steer::table_index;

    fn expected(table_log2: u8, bank: bool, vport: u8, hash: u32, size_log2: u8) -> u64 {
        let entry = table_index(hash, size_log2) as u64;
        (u64::from(bank) << BANK_BIT) | (u64::from(vport) << table_log2) | entry
    }

    fn check(table_log2: u8, vports: u8) {
        let mut uut = PoolAddress::new(table_log2);
        uut.connect_all();
        let mut sim = Simulation::new();
        sim.add_testbench(move |mut ep: Sim<PoolAddress>| {
            let mut x = ep.init()?;
            let mut rng = StdRng::seed_from_u64(u64::from(table_log2));
            for _ in 0..400 {
                let (bank, vport, hash): (bool, u8, u32) =
                    (rng.random(), rng.random_range(0..vports), rng.random());
                let size_log2 = rng.random_range(0..=table_log2);
                x.bank.next = bank;
                x.vport.next = vport.to_bits();
                x.hash.next = hash.to_bits();
                x.size_log2.next = size_log2.to_bits();
                x = ep.wait(1, x)?;
                let want = expected(table_log2, bank, vport, hash, size_log2);
                sim_assert_eq!(ep, x.address.val(), want, x);
            }
            ep.done(x)
        });
        sim.run(Box::new(uut), 1_000).unwrap();
    }

    #[test]
    fn addresses_follow_the_table_layout_for_every_size() {
        // The pool is 1024 entries a bank: VPorts × entries never exceeds it.
        check(7, 8);
        check(10, 1);
        check(0, 8);
        check(3, 8);
    }

    #[test]
    fn pool_address_is_synthesizable() {
        let mut uut = PoolAddress::new(7);
        uut.connect_all();
        crate::lint::assert_lints_clean(&generate_verilog(&uut), "pool_address");
    }
}
