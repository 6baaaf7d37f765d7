//! Transmit-side lookup (`gen --tx-lookup`, `VPORT_CAPS.FEATURES` bit 5): a request
//! names a VPort and the RSS hash a packet carries; the answer is the queue that VPort's
//! active state gives it (`rss_model::steer::transmit_queue`): the primary queue with
//! RSS disabled, the default queue for a packet without a hash, else
//! `table[hash & (size - 1)]`. One request per clock.
//!
//! The block reads a copy of the table pool of its own (every pool write goes to it
//! too), so it never competes with the frame path or the register bus for a read port.
//!
//! Pipeline, every stage registered: request (VPort checked: a VPort the build lacks
//! becomes VPort 0) → the VPort's state picked → table address → table word → answer
//! into a FIFO. Nothing in the pipeline waits: a request is taken only while the
//! requests in flight plus the answers held fit the FIFO, counted in `in_flight`, so
//! `in_ready` comes from a register and never from `out_ready` in the same clock. A
//! state change (commit, move) lands between two clocks: each answer is wholly the old
//! or wholly the new state's, read when its request reaches the state pick; a table
//! commit's 31-clock write hold covers the three clocks to the table read.

use rss_model::regmap::Params;
use rust_hdl::prelude::*;

use crate::axil_regs::QUEUE_BITS;
use crate::block_ram::zeroed_ram;
use crate::pool_address::PoolAddress;
use crate::record_fifo::RecordFifo;
use crate::slot_pick::SlotPick;
use crate::vport_regs::{ACTIVE_BITS, POOL_ADDRESS_BITS, SLOT_BITS, slot};

/// Width of the request's pass-through tag (`tuser`).
pub const USER_BITS: usize = 16;
/// FIFO entry: tag, hashed, VPort, queue.
const ANSWER_BITS: usize = USER_BITS + 1 + 3 + QUEUE_BITS;
/// Answers the FIFO holds: room for every request of the pipeline's round trip, so a
/// consumer that always takes gets one answer per clock.
const FIFO_LOG2: usize = 4;
const COUNT_BITS: usize = FIFO_LOG2 + 1;

#[derive(LogicBlock)]
pub struct TxLookup {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// Synchronous reset: requests in flight and answers held are dropped.
    pub reset: Signal<In, Bit>,
    /// A request is offered.
    pub in_valid: Signal<In, Bit>,
    /// The request is taken (from a register).
    pub in_ready: Signal<Out, Bit>,
    /// VPort of the packet; one the build lacks is looked up on VPort 0.
    pub in_vport: Signal<In, Bits<3>>,
    /// The packet's RSS hash (ignored unless `in_hashed`).
    pub in_hash: Signal<In, Bits<32>>,
    /// The packet carries a hash.
    pub in_hashed: Signal<In, Bit>,
    /// Tag returned with the answer.
    pub in_user: Signal<In, Bits<USER_BITS>>,
    /// An answer is offered (in request order).
    pub out_valid: Signal<Out, Bit>,
    /// The answer is taken.
    pub out_ready: Signal<In, Bit>,
    /// Transmit queue.
    pub out_queue: Signal<Out, Bits<QUEUE_BITS>>,
    /// The VPort whose state answered.
    pub out_vport: Signal<Out, Bits<3>>,
    /// The queue is the indirection entry's (RSS enabled and a hash given).
    pub out_hashed: Signal<Out, Bit>,
    /// The request's tag.
    pub out_user: Signal<Out, Bits<USER_BITS>>,
    /// Every VPort's active state (`VportRegs::active`).
    pub active: Signal<In, Bits<ACTIVE_BITS>>,
    /// A table pool write (the same as the frame path's table gets).
    pub table_write_enable: Signal<In, Bit>,
    /// Its pool address.
    pub table_write_index: Signal<In, Bits<POOL_ADDRESS_BITS>>,
    /// Its queue.
    pub table_write_queue: Signal<In, Bits<QUEUE_BITS>>,
    /// The copy of the table pool (`table` is a Verilog keyword).
    pool: RAM<Bits<QUEUE_BITS>, POOL_ADDRESS_BITS>,
    pick: SlotPick<ACTIVE_BITS, SLOT_BITS>,
    answers: RecordFifo<ANSWER_BITS, FIFO_LOG2, COUNT_BITS>,
    /// The build has the port (`Params::tx_lookup`); without it nothing is taken.
    present: Constant<Bit>,
    vports: Constant<Bits<4>>,
    table_address: PoolAddress,
    fifo_depth: Constant<Bits<COUNT_BITS>>,
    ready: DFF<Bit>,
    in_flight: DFF<Bits<COUNT_BITS>>,
    request_valid: DFF<Bit>,
    request_vport: DFF<Bits<3>>,
    request_hash: DFF<Bits<32>>,
    request_hashed: DFF<Bit>,
    request_user: DFF<Bits<USER_BITS>>,
    /// The picked state: [0] enable, [1] bank, [5:2] size, [13:6] default queue,
    /// [21:14] primary queue.
    state_valid: DFF<Bit>,
    state: DFF<Bits<22>>,
    state_vport: DFF<Bits<3>>,
    state_hash: DFF<Bits<POOL_ADDRESS_BITS>>,
    state_hashed: DFF<Bit>,
    state_user: DFF<Bits<USER_BITS>>,
    read_valid: DFF<Bit>,
    read_choice: DFF<Bits<QUEUE_BITS>>,
    read_use_table: DFF<Bit>,
    read_vport: DFF<Bits<3>>,
    read_user: DFF<Bits<USER_BITS>>,
    word_valid: DFF<Bit>,
    word_table: DFF<Bits<QUEUE_BITS>>,
    word_choice: DFF<Bits<QUEUE_BITS>>,
    word_use_table: DFF<Bit>,
    word_vport: DFF<Bits<3>>,
    word_user: DFF<Bits<USER_BITS>>,
    accept: Signal<Local, Bit>,
    answered: Signal<Local, Bit>,
    in_flight_next: Signal<Local, Bits<COUNT_BITS>>,
    queue: Signal<Local, Bits<QUEUE_BITS>>,
}

impl TxLookup {
    /// The block for a build with `params`.
    pub fn new(params: &Params) -> Self {
        Self {
            clock: Default::default(),
            reset: Default::default(),
            in_valid: Default::default(),
            in_ready: Default::default(),
            in_vport: Default::default(),
            in_hash: Default::default(),
            in_hashed: Default::default(),
            in_user: Default::default(),
            out_valid: Default::default(),
            out_ready: Default::default(),
            out_queue: Default::default(),
            out_vport: Default::default(),
            out_hashed: Default::default(),
            out_user: Default::default(),
            active: Default::default(),
            table_write_enable: Default::default(),
            table_write_index: Default::default(),
            table_write_queue: Default::default(),
            pool: zeroed_ram(),
            pick: Default::default(),
            answers: Default::default(),
            present: Constant::new(params.tx_lookup),
            vports: Constant::new(u64::from(params.vports).to_bits()),
            table_address: PoolAddress::new(params.table_entries_log2),
            fifo_depth: Constant::new((1u64 << FIFO_LOG2).to_bits()),
            ready: Default::default(),
            in_flight: Default::default(),
            request_valid: Default::default(),
            request_vport: Default::default(),
            request_hash: Default::default(),
            request_hashed: Default::default(),
            request_user: Default::default(),
            state_valid: Default::default(),
            state: Default::default(),
            state_vport: Default::default(),
            state_hash: Default::default(),
            state_hashed: Default::default(),
            state_user: Default::default(),
            read_valid: Default::default(),
            read_choice: Default::default(),
            read_use_table: Default::default(),
            read_vport: Default::default(),
            read_user: Default::default(),
            word_valid: Default::default(),
            word_table: Default::default(),
            word_choice: Default::default(),
            word_use_table: Default::default(),
            word_vport: Default::default(),
            word_user: Default::default(),
            accept: Default::default(),
            answered: Default::default(),
            in_flight_next: Default::default(),
            queue: Default::default(),
        }
    }
}

// The slot offsets (`vport_regs::slot`) appear as literals in `update`: hdl_gen emits
// paths as signal names. The test below checks them.
const _: () = assert!(
    slot::ENABLE == 0
        && slot::BANK == 2
        && slot::SIZE == 4
        && slot::DEFAULT == 24
        && slot::PRIMARY == 32
);

impl Logic for TxLookup {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self,
            clock,
            ready,
            in_flight,
            request_valid,
            request_vport,
            request_hash,
            request_hashed,
            request_user,
            state_valid,
            state,
            state_vport,
            state_hash,
            state_hashed,
            state_user,
            read_valid,
            read_choice,
            read_use_table,
            read_vport,
            read_user,
            word_valid,
            word_table,
            word_choice,
            word_use_table,
            word_vport,
            word_user
        );
        clock!(self, clock, answers);
        self.pool.read_clock.next = self.clock.val();
        self.pool.write_clock.next = self.clock.val();
        self.pool.write_enable.next = self.table_write_enable.val();
        self.pool.write_address.next = self.table_write_index.val();
        self.pool.write_data.next = self.table_write_queue.val();

        // Flow control: requests in flight and answers held never exceed the FIFO.
        self.accept.next = self.in_valid.val() & self.ready.q.val() & self.present.val();
        self.answered.next = self.answers.out_valid.val() & self.out_ready.val();
        self.in_flight_next.next = self.in_flight.q.val();
        if self.accept.val() & !self.answered.val() {
            self.in_flight_next.next = self.in_flight.q.val() + 1_u64;
        }
        if !self.accept.val() & self.answered.val() {
            self.in_flight_next.next = self.in_flight.q.val() - 1_u64;
        }
        self.in_flight.d.next = self.in_flight_next.val();
        self.ready.d.next =
            self.present.val() & (self.in_flight_next.val() < self.fifo_depth.val());
        self.in_ready.next = self.ready.q.val();

        // Request.
        self.request_valid.d.next = self.accept.val();
        self.request_vport.d.next = 0.into();
        if bit_cast::<4, 3>(self.in_vport.val()) < self.vports.val() {
            self.request_vport.d.next = self.in_vport.val();
        }
        self.request_hash.d.next = self.in_hash.val();
        self.request_hashed.d.next = self.in_hashed.val();
        self.request_user.d.next = self.in_user.val();

        // The VPort's state: enable, table bank, size, default and primary queues.
        self.pick.slots.next = self.active.val();
        self.pick.vport.next = self.request_vport.q.val();
        self.state_valid.d.next = self.request_valid.q.val();
        self.state.d.next = bit_cast::<22, 1>(self.pick.slot.val().get_bits::<1>(0))
            | (bit_cast::<22, 1>(self.pick.slot.val().get_bits::<1>(2)) << 1_u64)
            | (bit_cast::<22, 4>(self.pick.slot.val().get_bits::<4>(4)) << 2_u64)
            | (bit_cast::<22, 16>(self.pick.slot.val().get_bits::<16>(24)) << 6_u64);
        self.state_vport.d.next = self.request_vport.q.val();
        self.state_hash.d.next = self.request_hash.q.val().get_bits::<POOL_ADDRESS_BITS>(0);
        self.state_hashed.d.next = self.request_hashed.q.val();
        self.state_user.d.next = self.request_user.q.val();

        // Table address: bank, then VPort * entries + the hash's low bits under the size.
        self.table_address.bank.next = self.state.q.val().get_bit(1);
        self.table_address.vport.next = self.state_vport.q.val();
        self.table_address.hash.next = bit_cast::<32, POOL_ADDRESS_BITS>(self.state_hash.q.val());
        self.table_address.size_log2.next = self.state.q.val().get_bits::<4>(2);
        self.pool.read_address.next = self.table_address.address.val();
        self.read_valid.d.next = self.state_valid.q.val();
        self.read_use_table.d.next = self.state.q.val().get_bit(0) & self.state_hashed.q.val();
        self.read_choice.d.next = self.state.q.val().get_bits::<QUEUE_BITS>(14);
        if self.state.q.val().get_bit(0) {
            self.read_choice.d.next = self.state.q.val().get_bits::<QUEUE_BITS>(6);
        }
        self.read_vport.d.next = self.state_vport.q.val();
        self.read_user.d.next = self.state_user.q.val();

        // The table word lands with the read stage; it is registered before the choice.
        self.word_valid.d.next = self.read_valid.q.val();
        self.word_table.d.next = self.pool.read_data.val();
        self.word_choice.d.next = self.read_choice.q.val();
        self.word_use_table.d.next = self.read_use_table.q.val();
        self.word_vport.d.next = self.read_vport.q.val();
        self.word_user.d.next = self.read_user.q.val();

        self.queue.next = self.word_choice.q.val();
        if self.word_use_table.q.val() {
            self.queue.next = self.word_table.q.val();
        }
        self.answers.capacity.next = self.fifo_depth.val();
        self.answers.push.next = self.word_valid.q.val();
        self.answers.push_data.next = bit_cast::<ANSWER_BITS, QUEUE_BITS>(self.queue.val())
            | (bit_cast::<ANSWER_BITS, 3>(self.word_vport.q.val()) << 8_u64)
            | (bit_cast::<ANSWER_BITS, 1>(self.word_use_table.q.val().into()) << 11_u64)
            | (bit_cast::<ANSWER_BITS, USER_BITS>(self.word_user.q.val()) << 12_u64);
        self.answers.out_ready.next = self.out_ready.val();
        self.answers.reset.next = self.reset.val();
        // Without the port every output is a constant 0, which synthesis sees.
        self.out_valid.next = false;
        self.out_queue.next = 0.into();
        self.out_vport.next = 0.into();
        self.out_hashed.next = false;
        self.out_user.next = 0.into();
        if self.present.val() {
            self.out_valid.next = self.answers.out_valid.val();
            self.out_queue.next = self.answers.out_data.val().get_bits::<QUEUE_BITS>(0);
            self.out_vport.next = self.answers.out_data.val().get_bits::<3>(8);
            self.out_hashed.next = self.answers.out_data.val().get_bit(11);
            self.out_user.next = self.answers.out_data.val().get_bits::<USER_BITS>(12);
        }

        if self.reset.val() {
            self.ready.d.next = false;
            self.in_flight.d.next = 0.into();
            self.request_valid.d.next = false;
            self.state_valid.d.next = false;
            self.read_valid.d.next = false;
            self.word_valid.d.next = false;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rss_model::steer::{SteerConfig, TransmitQueue, transmit_queue};
    use rss_model::{HashTypes, ToeplitzTable};

    /// One VPort's state in `active`'s slot layout.
    struct Vport {
        enabled: bool,
        bank: bool,
        size_log2: u8,
        default_queue: u16,
        primary_queue: u16,
    }

    impl Vport {
        fn slot(&self) -> u64 {
            u64::from(self.enabled) << slot::ENABLE
                | u64::from(self.bank) << slot::BANK
                | u64::from(self.size_log2) << slot::SIZE
                | u64::from(self.default_queue) << slot::DEFAULT
                | u64::from(self.primary_queue) << slot::PRIMARY
        }
    }

    fn params(vports: u8) -> Params {
        Params {
            vports,
            tx_lookup: true,
            ..Params::default()
        }
    }

    #[test]
    fn tx_lookup_is_synthesizable() {
        let mut uut = TxLookup::new(&params(4));
        uut.connect_all();
        crate::lint::assert_lints_clean(&generate_verilog(&uut), "tx_lookup");
    }

    /// Requests with gaps against a consumer that stalls at times: every answer is the
    /// model's `transmit_queue` for its VPort's state and table, in request order, and
    /// with a consumer that always takes, one answer leaves per clock.
    #[test]
    fn answers_follow_the_model_in_order_at_one_per_clock() {
        let states = [
            Vport {
                enabled: true,
                bank: false,
                size_log2: 7,
                default_queue: 3,
                primary_queue: 1,
            },
            Vport {
                enabled: true,
                bank: true,
                size_log2: 2,
                default_queue: 9,
                primary_queue: 4,
            },
            Vport {
                enabled: false,
                bank: false,
                size_log2: 5,
                default_queue: 6,
                primary_queue: 12,
            },
        ];
        // Pool word: bank * 1024 + VPort * 128 + entry.
        let pool_queue = |address: usize| ((address * 7 + address / 128) % 61) as u16;
        let mut active = Bits::<ACTIVE_BITS>::default();
        for (v, s) in states.iter().enumerate() {
            active = active | (s.slot().to_bits::<ACTIVE_BITS>() << (SLOT_BITS * v) as u64);
        }
        let mut state = 0x1234_5679_u32;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            state
        };
        // (vport as asked, hash, hashed, tag); VPort 5 does not exist in a 3-VPort build.
        let requests: Vec<(u8, u32, bool, u16)> = (0..300)
            .map(|n| {
                let r = next();
                (
                    (r % 4) as u8 + if n % 37 == 0 { 5 } else { 0 },
                    next(),
                    r & 16 != 0,
                    n as u16,
                )
            })
            .collect();
        let hasher = ToeplitzTable::new(&[0; 40]).unwrap();
        let expected: Vec<(u16, u8, bool, u16)> = requests
            .iter()
            .map(|&(vport, hash, hashed, tag)| {
                let v = if vport < 3 { vport } else { 0 };
                let s = &states[usize::from(v)];
                let base = usize::from(s.bank) * 1024 + usize::from(v) * 128;
                let table: Vec<u16> = (0..128).map(|i| pool_queue(base + i)).collect();
                let config = SteerConfig {
                    vport: v,
                    enabled: s.enabled,
                    symmetric: false,
                    hash_types: HashTypes::ALL,
                    table_size_log2: s.size_log2,
                    default_queue: s.default_queue,
                    primary_queue: s.primary_queue,
                    hasher: &hasher,
                    table: &table,
                };
                let TransmitQueue { queue, hashed } =
                    transmit_queue(&config, hashed.then_some(hash));
                (queue, v, hashed, tag)
            })
            .collect();
        let mut uut = TxLookup::new(&params(3));
        uut.connect_all();
        let mut sim = Simulation::new();
        sim.add_clock(5, |x: &mut Box<TxLookup>| x.clock.next = !x.clock.val());
        sim.add_testbench(move |mut sim: Sim<TxLookup>| {
            let mut x = sim.init()?;
            x.active.next = active;
            x.reset.next = true;
            wait_clock_cycle!(sim, clock, x);
            x.reset.next = false;
            for address in 0..2048usize {
                x.table_write_enable.next = true;
                x.table_write_index.next = address.to_bits();
                x.table_write_queue.next = u64::from(pool_queue(address)).to_bits();
                wait_clock_cycle!(sim, clock, x);
            }
            x.table_write_enable.next = false;
            let mut gate = 0x9e37_79b9_u32;
            let mut roll = move || {
                gate ^= gate << 13;
                gate ^= gate >> 17;
                gate ^= gate << 5;
                !gate.is_multiple_of(4)
            };
            let (mut sent, mut got, mut cycle) = (0, 0, 0u64);
            let mut offering = false;
            let mut answer_clock = vec![0u64; requests.len()];
            // First half: gaps and stalls; second half: both sides always ready.
            while got < requests.len() {
                let calm = sent >= requests.len() / 2;
                if sent < requests.len() && !offering && (calm || roll()) {
                    let (vport, hash, hashed, tag) = requests[sent];
                    offering = true;
                    x.in_valid.next = true;
                    x.in_vport.next = u64::from(vport & 7).to_bits();
                    x.in_hash.next = u64::from(hash).to_bits();
                    x.in_hashed.next = hashed;
                    x.in_user.next = u64::from(tag).to_bits();
                }
                let taking = calm || roll();
                x.out_ready.next = taking;
                // Both are registers: their values now hold until the edge.
                let taken = offering & x.in_ready.val();
                if x.out_valid.val() & taking {
                    let (queue, vport, hashed, tag) = expected[got];
                    sim_assert_eq!(sim, x.out_queue.val(), u64::from(queue), x);
                    sim_assert_eq!(sim, x.out_vport.val(), u64::from(vport), x);
                    sim_assert_eq!(sim, x.out_hashed.val(), hashed, x);
                    sim_assert_eq!(sim, x.out_user.val(), u64::from(tag), x);
                    answer_clock[got] = cycle;
                    got += 1;
                }
                wait_clock_cycle!(sim, clock, x);
                cycle += 1;
                if taken {
                    sent += 1;
                    offering = false;
                    x.in_valid.next = false;
                }
            }
            // In the calm half, one answer per clock.
            let (first, last) = (requests.len() / 2 + 20, requests.len() - 1);
            sim_assert_eq!(
                sim,
                answer_clock[last] - answer_clock[first],
                (last - first) as u64,
                x
            );
            sim.done(x)
        });
        sim.run(Box::new(uut), 200_000).unwrap();
    }
}
