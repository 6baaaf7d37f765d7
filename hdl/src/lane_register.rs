//! A wide register written one bus word at a time by byte lanes: word `n` in bits
//! `32n + 31 : 32n` (or, built [`LaneRegister::top_first`], word 0 in the top 32 bits),
//! lane `k` of a word in its bits `8k + 7 : 8k`.
//!
//! Every byte is a flip-flop whose enable is its word's address match and its lane,
//! with the bus data straight at its input. Written as rust-hdl logic the same
//! registers came out as a chain of whole-register multiplexers, one per byte lane
//! (`if lane_enable[i] { next = merge(next, i) }`): synthesis folds that chain back
//! into per-byte enables, but a simulator evaluates it every clock, and for the key,
//! probe input and MAC filter registers that chain was most of the 64-bit core's
//! simulated logic. Here each byte's write is its own statement, in Verilog too, so
//! the simulated netlist holds one 8-bit choice per byte.

use rust_hdl::core::timing::TimingInfo;
use rust_hdl::prelude::*;

/// Marks a module whose Verilog a simulator should get as written: the cosim's
/// simulation copy (`cosim/build.rs`) leaves such modules out of yosys's passes.
pub const SIM_AS_WRITTEN: &str = "// rss-core: simulate as written";

/// Words a register can have (`words` is one-hot over them).
pub const MAX_WORDS: usize = 32;

#[derive(LogicBlock)]
pub struct LaneRegister<const BITS: usize> {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// Synchronous reset to 0 (before any write in the same clock).
    pub reset: Signal<In, Bit>,
    /// The word written at this edge, one-hot (bit `n`: word `n`). The owner registers
    /// it from its held write address, so each byte's enable is one LUT of two
    /// flip-flops: the address decode is not shared across the register file (the
    /// words of every register are decodes of the same address bits, and synthesis
    /// would otherwise build them once and route them to every register's bytes).
    pub words: Signal<In, Bits<MAX_WORDS>>,
    /// The word's data, lane `k` in bits `8k + 7 : 8k`.
    pub data: Signal<In, Bits<32>>,
    /// The lanes written at this edge (none: no write).
    pub lanes: Signal<In, Bits<4>>,
    /// The register.
    pub value: Signal<Out, Bits<BITS>>,
    /// Words `built..` are never written and stay 0, so synthesis drops them.
    // (Underscored: the LogicBlock derive skips them.)
    _built: usize,
    /// Word 0 in the top bits: the order is fixed when the Verilog is made, so an
    /// owner that numbers its words from the top needs no subtractor in its write path.
    _top_first: bool,
}

impl<const BITS: usize> LaneRegister<BITS> {
    /// A register whose words `0..built` can be written (the rest hold 0).
    pub fn new(built: usize) -> Self {
        assert!(BITS.is_multiple_of(32), "whole words");
        assert!(BITS / 32 <= MAX_WORDS, "too many words");
        assert!(built <= BITS / 32);
        Self {
            clock: Default::default(),
            reset: Default::default(),
            words: Default::default(),
            data: Default::default(),
            lanes: Default::default(),
            value: Default::default(),
            _built: built,
            _top_first: false,
        }
    }

    /// As [`Self::new`], word 0 in the top 32 bits and word `n` under it.
    pub fn top_first(built: usize) -> Self {
        Self {
            _top_first: true,
            ..Self::new(built)
        }
    }

    /// Least significant bit of word `word`.
    fn word_lsb(&self, word: usize) -> usize {
        32 * if self._top_first {
            BITS / 32 - 1 - word
        } else {
            word
        }
    }
}

impl<const BITS: usize> Logic for LaneRegister<BITS> {
    fn update(&mut self) {
        if self.clock.pos_edge() {
            let mut value = self.value.val();
            if self.reset.val() {
                value = 0.into();
            } else {
                for word in (0..self._built).filter(|&w| self.words.val().get_bit(w)) {
                    let base = self.word_lsb(word);
                    for lane in 0..4 {
                        if self.lanes.val().get_bit(lane) {
                            let byte: Bits<BITS> =
                                bit_cast(self.data.val().get_bits::<8>(8 * lane));
                            let ones: Bits<BITS> = 0xff_u64.into();
                            let shift = (base + 8 * lane) as u64;
                            value = (value & !(ones << shift)) | (byte << shift);
                        }
                    }
                }
            }
            self.value.next = value;
        }
    }

    fn connect(&mut self) {
        self.value.connect();
    }

    fn hdl(&self) -> Verilog {
        // One arm per built word, its lanes inside: a word's address is compared once,
        // and a simulator that keeps this block as written (the cosim's simulation copy
        // does, see SIM_AS_WRITTEN) skips all of it in a clock without a write.
        let arms: Vec<String> = (0..self._built)
            .map(|word| {
                let lanes: Vec<String> = (0..4)
                    .map(|lane| {
                        format!(
                            "               if (lanes[{lane}]) value[{lsb} +: 8] <= data[{data} +: 8];",
                            lsb = self.word_lsb(word) + 8 * lane,
                            data = 8 * lane,
                        )
                    })
                    .collect();
                format!(
                    "         if (words[{word}]) begin\n{}\n         end",
                    lanes.join("\n")
                )
            })
            .collect();
        let writes = if arms.is_empty() {
            String::new()
        } else {
            format!(
                " else if (lanes != 4'h0) begin\n{}\n      end",
                arms.join("\n")
            )
        };
        Verilog::Custom(format!(
            "\
{SIM_AS_WRITTEN}
initial value = {BITS}'h0;

always @(posedge clock) begin
   if (reset) begin
      value <= {BITS}'h0;
   end{writes}
end
",
        ))
    }

    fn timing(&self) -> Vec<TimingInfo> {
        vec![TimingInfo {
            name: "lane_register".into(),
            clock: "clock".into(),
            inputs: vec![
                "reset".into(),
                "words".into(),
                "data".into(),
                "lanes".into(),
            ],
            outputs: vec!["value".into()],
        }]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng, rngs::StdRng};

    /// Random writes with random lanes, words past `built` and resets, against a model
    /// of the bytes; every clock the whole register is compared.
    #[test]
    fn lane_register_takes_only_the_written_lanes_of_built_words() {
        random_writes(false);
        random_writes(true);
    }

    fn random_writes(top_first: bool) {
        const BITS: usize = 160;
        const BUILT: usize = 3;
        let mut uut = if top_first {
            LaneRegister::<BITS>::top_first(BUILT)
        } else {
            LaneRegister::<BITS>::new(BUILT)
        };
        uut.connect_all();
        let mut sim = Simulation::new();
        sim.add_clock(5, |x: &mut Box<LaneRegister<BITS>>| {
            x.clock.next = !x.clock.val()
        });
        sim.add_testbench(move |mut ep: Sim<LaneRegister<BITS>>| {
            let mut x = ep.init()?;
            let mut rng = StdRng::seed_from_u64(7);
            let mut model = [0u8; BITS / 8];
            let mut written = 0;
            for _ in 0..600 {
                let word = rng.random_range(0..6usize);
                let data: u32 = rng.random();
                let lanes = rng.random_range(0..16u64);
                let reset = rng.random_ratio(1, 40);
                x.words.next = (1_u64 << word).to_bits();
                x.data.next = u64::from(data).to_bits();
                x.lanes.next = lanes.to_bits();
                x.reset.next = reset;
                wait_clock_cycle!(ep, clock, x);
                if reset {
                    model = [0; BITS / 8];
                } else if word < BUILT {
                    for lane in 0..4 {
                        if lanes & (1 << lane) != 0 {
                            let slot = if top_first {
                                BITS / 32 - 1 - word
                            } else {
                                word
                            };
                            model[4 * slot + lane] = (data >> (8 * lane)) as u8;
                            written += 1;
                        }
                    }
                }
                let mut want = Bits::<BITS>::default();
                for (i, byte) in model.iter().enumerate() {
                    want =
                        want | (bit_cast::<BITS, 8>(u64::from(*byte).to_bits()) << (8 * i) as u64);
                }
                sim_assert_eq!(ep, x.value.val(), want, x);
            }
            sim_assert!(ep, written > 500, x);
            ep.done(x)
        });
        sim.run(Box::new(uut), 100_000).unwrap();
    }

    #[test]
    fn lane_register_passes_lint() {
        for mut uut in [LaneRegister::<96>::new(2), LaneRegister::top_first(2)] {
            uut.connect_all();
            crate::lint::assert_lints_clean(&generate_verilog(&uut), "lane_register");
        }
    }
}
