//! AXI4-Lite master bus functional model.
//!
//! [`AxilMaster`] drives a slave through [`AxilPins`], one transaction at a
//! time, one [`Clocked::tick`] per clock. Each cycle it drives the master
//! signals, re-evaluates the model (so a combinational `ready` sees the new
//! `valid`), samples the handshakes, then ticks: a transfer happens on a rising
//! edge where `valid && ready` held just before it. Address and data channels
//! are independent, so slaves may accept AW and W in either order; optional
//! [`Delays`] (fixed or random) hold back the master's `valid`/`ready` to
//! exercise that.
//!
//! `*_with` variants call a closure after every clock cycle the transaction
//! spends (including its last), so a test can feed other interfaces meanwhile.

use std::fmt;

use rand::{Rng, SeedableRng, rngs::StdRng};

use crate::Clocked;

/// The slave side of an AXI4-Lite port, signal names as in verilog-axi
/// (`s_axil_*`). [`impl_axil_pins!`](crate::impl_axil_pins) implements it for
/// marlin models. Setters mask values to the port's width.
pub trait AxilPins: Clocked {
    fn set_awaddr(&mut self, v: u32);
    fn set_awprot(&mut self, v: u8);
    fn set_awvalid(&mut self, v: bool);
    fn awready(&self) -> bool;
    fn set_wdata(&mut self, v: u32);
    fn set_wstrb(&mut self, v: u8);
    fn set_wvalid(&mut self, v: bool);
    fn wready(&self) -> bool;
    fn bresp(&self) -> u8;
    fn bvalid(&self) -> bool;
    fn set_bready(&mut self, v: bool);
    fn set_araddr(&mut self, v: u32);
    fn set_arprot(&mut self, v: u8);
    fn set_arvalid(&mut self, v: bool);
    fn arready(&self) -> bool;
    fn rdata(&self) -> u32;
    fn rresp(&self) -> u8;
    fn rvalid(&self) -> bool;
    fn set_rready(&mut self, v: bool);
}

/// Implements [`AxilPins`] and [`Clocked`](crate::Clocked) for a `#[verilog]`
/// model whose ports are `clk` and the 19 `s_axil_*` signals (any widths up to
/// 32 bits; addresses are masked to the port width).
#[macro_export]
macro_rules! impl_axil_pins {
    ($model:ident, stepped) => {
        $crate::impl_clocked!($model, stepped);
        $crate::impl_axil_pins!(@pins $model);
    };
    ($model:ident) => {
        $crate::impl_clocked!($model);
        $crate::impl_axil_pins!(@pins $model);
    };
    (@pins $model:ident) => {
        $crate::impl_axil_pins!(@impl $model;
            setters: set_awaddr: u32 => s_axil_awaddr, set_awprot: u8 => s_axil_awprot,
                set_wdata: u32 => s_axil_wdata, set_wstrb: u8 => s_axil_wstrb,
                set_araddr: u32 => s_axil_araddr, set_arprot: u8 => s_axil_arprot;
            flags_in: set_awvalid => s_axil_awvalid, set_wvalid => s_axil_wvalid,
                set_bready => s_axil_bready, set_arvalid => s_axil_arvalid,
                set_rready => s_axil_rready;
            getters: bresp: u8 => s_axil_bresp, rdata: u32 => s_axil_rdata,
                rresp: u8 => s_axil_rresp;
            flags_out: awready => s_axil_awready, wready => s_axil_wready,
                bvalid => s_axil_bvalid, arready => s_axil_arready,
                rvalid => s_axil_rvalid;
        );
    };
    (@impl $model:ident;
        setters: $($set:ident: $st:ty => $sp:ident),*;
        flags_in: $($fset:ident => $fsp:ident),*;
        getters: $($get:ident: $gt:ty => $gp:ident),*;
        flags_out: $($fget:ident => $fgp:ident),*;
    ) => {
        impl<'ctx> $crate::axil::AxilPins for $model<'ctx> {
            $(fn $set(&mut self, v: $st) {
                let mask = $crate::port_mask::<Self>(stringify!($sp));
                self.$sp = (u64::from(v) & mask) as _;
            })*
            $(fn $fset(&mut self, v: bool) {
                self.$fsp = v as _;
            })*
            $(fn $get(&self) -> $gt {
                self.$gp as $gt
            })*
            $(fn $fget(&self) -> bool {
                self.$fgp & 1 != 0
            })*
        }
    };
}

/// A [`crate::Sim`] passes its model's pins through and ticks with tracing.
impl<M: AxilPins> AxilPins for crate::Sim<'_, M> {
    fn set_awaddr(&mut self, v: u32) {
        self.dut.set_awaddr(v)
    }
    fn set_awprot(&mut self, v: u8) {
        self.dut.set_awprot(v)
    }
    fn set_awvalid(&mut self, v: bool) {
        self.dut.set_awvalid(v)
    }
    fn awready(&self) -> bool {
        self.dut.awready()
    }
    fn set_wdata(&mut self, v: u32) {
        self.dut.set_wdata(v)
    }
    fn set_wstrb(&mut self, v: u8) {
        self.dut.set_wstrb(v)
    }
    fn set_wvalid(&mut self, v: bool) {
        self.dut.set_wvalid(v)
    }
    fn wready(&self) -> bool {
        self.dut.wready()
    }
    fn bresp(&self) -> u8 {
        self.dut.bresp()
    }
    fn bvalid(&self) -> bool {
        self.dut.bvalid()
    }
    fn set_bready(&mut self, v: bool) {
        self.dut.set_bready(v)
    }
    fn set_araddr(&mut self, v: u32) {
        self.dut.set_araddr(v)
    }
    fn set_arprot(&mut self, v: u8) {
        self.dut.set_arprot(v)
    }
    fn set_arvalid(&mut self, v: bool) {
        self.dut.set_arvalid(v)
    }
    fn arready(&self) -> bool {
        self.dut.arready()
    }
    fn rdata(&self) -> u32 {
        self.dut.rdata()
    }
    fn rresp(&self) -> u8 {
        self.dut.rresp()
    }
    fn rvalid(&self) -> bool {
        self.dut.rvalid()
    }
    fn set_rready(&mut self, v: bool) {
        self.dut.set_rready(v)
    }
}

/// AXI response code (`BRESP` / `RRESP`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Resp {
    Okay,
    ExOkay,
    SlvErr,
    DecErr,
}

impl Resp {
    /// Decodes the two low bits.
    pub fn from_bits(bits: u8) -> Self {
        match bits & 3 {
            0 => Resp::Okay,
            1 => Resp::ExOkay,
            2 => Resp::SlvErr,
            _ => Resp::DecErr,
        }
    }

    pub fn bits(self) -> u8 {
        self as u8
    }

    pub fn is_okay(self) -> bool {
        self == Resp::Okay
    }
}

/// Read or write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Op {
    Read,
    Write,
}

/// A transaction that did not complete normally.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AxilError {
    /// No progress within [`AxilMaster::timeout`] cycles.
    Timeout {
        op: Op,
        addr: u32,
        cycles: u64,
        /// The handshake still outstanding, e.g. `"wready"` or `"bvalid"`.
        waiting_for: &'static str,
    },
    /// The slave answered before the request was accepted.
    Protocol {
        op: Op,
        addr: u32,
        what: &'static str,
    },
    /// Returned only by the `*32` helpers: the slave answered other than OKAY.
    Response { op: Op, addr: u32, resp: Resp },
}

impl fmt::Display for AxilError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AxilError::Timeout {
                op,
                addr,
                cycles,
                waiting_for,
            } => write!(
                f,
                "AXI-Lite {op:?} @ {addr:#x}: timed out after {cycles} cycles waiting for {waiting_for}"
            ),
            AxilError::Protocol { op, addr, what } => {
                write!(f, "AXI-Lite {op:?} @ {addr:#x}: protocol violation: {what}")
            }
            AxilError::Response { op, addr, resp } => {
                write!(f, "AXI-Lite {op:?} @ {addr:#x}: response {resp:?}")
            }
        }
    }
}

impl std::error::Error for AxilError {}

/// Cycles the master waits, from the start of a transaction, before raising
/// each `valid` (`aw`, `w`, `ar`) or `ready` (`b`, `r`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Delays {
    pub aw: u32,
    pub w: u32,
    pub b: u32,
    pub ar: u32,
    pub r: u32,
}

/// AXI4-Lite master. Holds only settings; the pins are passed to each call.
#[derive(Debug, Clone)]
pub struct AxilMaster {
    timeout: u64,
    delays: Delays,
    random: Option<(StdRng, u32)>,
}

impl Default for AxilMaster {
    fn default() -> Self {
        Self::new()
    }
}

impl AxilMaster {
    /// No delays, 1000-cycle timeout.
    pub fn new() -> Self {
        Self {
            timeout: 1000,
            delays: Delays::default(),
            random: None,
        }
    }

    /// Cycles a transaction may take before it fails with
    /// [`AxilError::Timeout`].
    pub fn with_timeout(mut self, cycles: u64) -> Self {
        self.timeout = cycles;
        self
    }

    pub fn timeout(&self) -> u64 {
        self.timeout
    }

    /// Fixed delays for every transaction.
    pub fn with_delays(mut self, delays: Delays) -> Self {
        self.delays = delays;
        self
    }

    /// Fresh random delays in `0..=max` for each transaction, reproducible
    /// from `seed` (overrides [`Self::with_delays`]).
    pub fn with_random_delays(mut self, seed: u64, max: u32) -> Self {
        self.random = Some((StdRng::seed_from_u64(seed), max));
        self
    }

    fn next_delays(&mut self) -> Delays {
        match &mut self.random {
            None => self.delays,
            Some((rng, max)) => {
                let mut d = || rng.random_range(0..=*max);
                Delays {
                    aw: d(),
                    w: d(),
                    b: d(),
                    ar: d(),
                    r: d(),
                }
            }
        }
    }

    /// Drives every master output idle (call once after creating the model).
    pub fn idle<P: AxilPins>(&self, pins: &mut P) {
        pins.set_awvalid(false);
        pins.set_wvalid(false);
        pins.set_bready(false);
        pins.set_arvalid(false);
        pins.set_rready(false);
        pins.set_awprot(0);
        pins.set_arprot(0);
    }

    /// Writes `data` to `addr` with byte enables `strb` (bit i = byte i).
    pub fn write<P: AxilPins>(
        &mut self,
        pins: &mut P,
        addr: u32,
        data: u32,
        strb: u8,
    ) -> Result<Resp, AxilError> {
        self.write_with(pins, addr, data, strb, |_| {})
    }

    /// [`Self::write`], calling `each_cycle` after every clock cycle.
    pub fn write_with<P: AxilPins>(
        &mut self,
        pins: &mut P,
        addr: u32,
        data: u32,
        strb: u8,
        mut each_cycle: impl FnMut(&mut P),
    ) -> Result<Resp, AxilError> {
        let d = self.next_delays();
        pins.set_awaddr(addr);
        pins.set_awprot(0);
        pins.set_wdata(data);
        pins.set_wstrb(strb);
        let (mut aw_done, mut w_done) = (false, false);
        for cycle in 0..self.timeout {
            let aw = !aw_done && cycle >= u64::from(d.aw);
            let w = !w_done && cycle >= u64::from(d.w);
            let b = cycle >= u64::from(d.b);
            pins.set_awvalid(aw);
            pins.set_wvalid(w);
            pins.set_bready(b);
            pins.eval();
            let aw_fire = aw && pins.awready();
            let w_fire = w && pins.wready();
            let bvalid = pins.bvalid();
            let resp = Resp::from_bits(pins.bresp());
            if bvalid && !(aw_done && w_done) {
                self.idle(pins);
                return Err(AxilError::Protocol {
                    op: Op::Write,
                    addr,
                    what: "bvalid before both AW and W were accepted",
                });
            }
            pins.tick();
            aw_done |= aw_fire;
            w_done |= w_fire;
            if b && bvalid {
                self.idle(pins);
                each_cycle(pins);
                return Ok(resp);
            }
            pins.set_awvalid(false);
            pins.set_wvalid(false);
            each_cycle(pins);
        }
        self.idle(pins);
        let waiting_for = if !aw_done {
            "awready"
        } else if !w_done {
            "wready"
        } else {
            "bvalid"
        };
        Err(AxilError::Timeout {
            op: Op::Write,
            addr,
            cycles: self.timeout,
            waiting_for,
        })
    }

    /// Reads `addr`, returning the data (as sampled with the response) and the
    /// response code.
    pub fn read<P: AxilPins>(&mut self, pins: &mut P, addr: u32) -> Result<(u32, Resp), AxilError> {
        self.read_with(pins, addr, |_| {})
    }

    /// [`Self::read`], calling `each_cycle` after every clock cycle.
    pub fn read_with<P: AxilPins>(
        &mut self,
        pins: &mut P,
        addr: u32,
        mut each_cycle: impl FnMut(&mut P),
    ) -> Result<(u32, Resp), AxilError> {
        let d = self.next_delays();
        pins.set_araddr(addr);
        pins.set_arprot(0);
        let mut ar_done = false;
        for cycle in 0..self.timeout {
            let ar = !ar_done && cycle >= u64::from(d.ar);
            let r = cycle >= u64::from(d.r);
            pins.set_arvalid(ar);
            pins.set_rready(r);
            pins.eval();
            let ar_fire = ar && pins.arready();
            let rvalid = pins.rvalid();
            let data = pins.rdata();
            let resp = Resp::from_bits(pins.rresp());
            if rvalid && !ar_done {
                self.idle(pins);
                return Err(AxilError::Protocol {
                    op: Op::Read,
                    addr,
                    what: "rvalid before AR was accepted",
                });
            }
            pins.tick();
            ar_done |= ar_fire;
            if r && rvalid {
                self.idle(pins);
                each_cycle(pins);
                return Ok((data, resp));
            }
            pins.set_arvalid(false);
            each_cycle(pins);
        }
        self.idle(pins);
        Err(AxilError::Timeout {
            op: Op::Read,
            addr,
            cycles: self.timeout,
            waiting_for: if ar_done { "rvalid" } else { "arready" },
        })
    }

    /// Full-word write that must answer OKAY.
    pub fn write32<P: AxilPins>(
        &mut self,
        pins: &mut P,
        addr: u32,
        data: u32,
    ) -> Result<(), AxilError> {
        match self.write(pins, addr, data, 0xf)? {
            Resp::Okay => Ok(()),
            resp => Err(AxilError::Response {
                op: Op::Write,
                addr,
                resp,
            }),
        }
    }

    /// Read that must answer OKAY.
    pub fn read32<P: AxilPins>(&mut self, pins: &mut P, addr: u32) -> Result<u32, AxilError> {
        match self.read(pins, addr)? {
            (data, Resp::Okay) => Ok(data),
            (_, resp) => Err(AxilError::Response {
                op: Op::Read,
                addr,
                resp,
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resp_decoding() {
        for (bits, resp) in [
            (0, Resp::Okay),
            (1, Resp::ExOkay),
            (2, Resp::SlvErr),
            (3, Resp::DecErr),
        ] {
            assert_eq!(Resp::from_bits(bits), resp);
            assert_eq!(resp.bits(), bits);
        }
        assert_eq!(Resp::from_bits(0b110), Resp::SlvErr);
    }
}
