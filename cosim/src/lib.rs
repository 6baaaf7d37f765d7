//! Verilator cosimulation harness for rss-core, built on [`marlin`].
//!
//! A [`Cosim`] owns a marlin `VerilatorRuntime` set up for this machine's
//! Verilator 5.006 (through `tools/verilator-marlin`, see shared/TOOLCHAIN.md)
//! and a model configuration (Verilator `-O3`, optional VCD tracing). A
//! [`Sim`] wraps one model instance with a clock ([`Clocked`]) and its trace.
//! The AXI4-Lite bus model lives in [`axil`].
//!
//! ```ignore
//! use rss_cosim::marlin::verilog::prelude::*; // `#[verilog]` needs `verilog` in scope
//!
//! // In this crate, so the path is cosim/generated/rss_core_w64.bind.v (see below):
//! // the macro reads the ports' bind wrapper, Verilator gets it and the design.
//! #[verilog(src = "generated/rss_core_w64.bind.v", name = "rss_core_bind")]
//! pub struct RssCore;
//! rss_cosim::impl_axil_pins!(RssCore);
//!
//! let cosim = Cosim::builder("rss_core_w64")
//!     .source(rss_cosim::generated("rss_core_w64.bind.v"))
//!     .source(rss_cosim::generated("rss_core_w64.v"))
//!     .ignore_warning("WIDTH") // rust-hdl's bit_cast/replace_bit
//!     .build()?; // or `dut::build_design("rss_core_w64.v", trace)`
//! let mut sim = cosim.sim::<RssCore>("my_test")?; // traced if RSS_COSIM_TRACE=1
//! let mut bus = AxilMaster::new();
//! bus.idle(&mut sim);
//! sim.rst = 1;
//! sim.ticks(2);
//! sim.rst = 0;
//! bus.write32(&mut sim, 0x0, 1)?;
//! ```
//!
//! # Where `#[verilog(src = ...)]` looks
//!
//! marlin's macro joins `src` onto `CARGO_MANIFEST_DIR` of the crate in which the
//! attribute is expanded (not the workspace root, not the current directory; an
//! absolute `src` stays as is). So `src = "generated/rss_core.v"` in this crate
//! means `cosim/generated/rss_core.v`, and `src = "tests/fixtures/x.v"` in
//! `cosim/tests/*.rs` means `cosim/tests/fixtures/x.v`. The macro parses that
//! file at compile time and bakes its absolute path into the model type; at run
//! time the [`Cosim`] must have been given the same file (compared after
//! canonicalisation) via [`CosimBuilder::source`], else model creation fails
//! with "requires source file ..., which was not provided to the runtime".
//! Pass absolute paths (`concat!(env!("CARGO_MANIFEST_DIR"), "/...")`, or
//! [`generated`]) so the test's working directory does not matter.
//!
//! The macro runs sv-parser, unoptimised like every proc macro in a release build,
//! over the whole file: a 0.6 MB design costs about half a minute of compile time.
//! So this crate points it at a bind wrapper that holds only the top's ports
//! (`<design>.bind.v`, written by `build.rs`) and gives the runtime the wrapper and the
//! design; Verilator simulates both, the macro reads only the wrapper.
//!
//! Cargo does not know the macro read the Verilog: after a port-list change the
//! Rust bindings are stale until the crate recompiles. A build script with
//! `cargo:rerun-if-changed=<file>`, or an `include_str!` of the file next to
//! the struct (see `tests/smoke.rs`), fixes that. marlin itself re-verilates
//! whenever a source file is newer than its cached build.
//!
//! # Wide ports
//!
//! Ports wider than 64 bits are `WideIn<N>` / `WideOut<N>`, `N = ceil(width /
//! 32)` little-endian `u32` words: word 0 holds bits 31:0, word 1 bits 63:32,
//! and so on; unused high bits of the last word must be zero. Ports of 33..=64
//! bits are plain `u64`, 17..=32 `u32`, 9..=16 `u16`, 1..=8 `u8`.
//! [`words_from_be_bytes`] / [`be_bytes_from_words`] convert from/to a byte
//! string whose first byte is the most significant (Verilog `{b0, b1, ...}`).

use std::{
    env,
    ops::{Deref, DerefMut},
    path::{Path, PathBuf},
};

pub use marlin;
use marlin::verilator::{
    AsVerilatedModel, VerilatedModelConfig, VerilatorRuntime, VerilatorRuntimeOptions,
    VerilatorVersion,
    error::VerilatorError,
    reexports::snafu::ResultExt,
    tracing::{OpenTrace, TraceFile, Waveform},
};
pub use marlin::verilator::{WideIn, WideOut};

pub mod axil;
pub mod dut;
pub mod frame_dut;
pub mod frames;
pub mod replay;
pub mod scenario;
pub mod stepper;
pub mod tx_traffic;

/// Environment variable that turns VCD tracing on for every [`Cosim`] whose
/// builder did not decide explicitly (any value but `0` or empty).
pub const TRACE_ENV: &str = "RSS_COSIM_TRACE";

/// An error with every cause under it, one per line: marlin reports a failed
/// Verilator build as "Failed to build or retrieve ..." and keeps the reason (the
/// compiler's message, a stale artifact) in the chain below.
pub fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut cause = error.source();
    while let Some(e) = cause {
        text.push_str(&format!("\n  caused by: {e}"));
        cause = e.source();
    }
    text
}

/// The workspace root (parent of this crate's manifest directory).
pub fn workspace_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("cosim crate lives inside the workspace")
        .to_path_buf()
}

/// `tools/verilator-marlin`, the Verilator front end marlin is pointed at.
pub fn verilator_wrapper() -> PathBuf {
    workspace_dir().join("tools/verilator-marlin")
}

/// What marlin's cache key leaves out: the text of [`verilator_wrapper`] (its compiler
/// flags), of the port steppers it compiles in (`<design>.step.cpp` beside a
/// `<design>.bind.v` source), `VERILATOR_MARLIN_OPT` and `VERILATOR_MARLIN_FLAGS`.
/// Builds made by another recipe live in another directory, so a changed recipe
/// rebuilds instead of loading a stale library.
fn build_recipe_tag(sources: &[PathBuf]) -> String {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    std::fs::read(verilator_wrapper())
        .unwrap_or_default()
        .hash(&mut hasher);
    for source in sources {
        if let Some(design) = source.to_str().and_then(|s| s.strip_suffix(".bind.v")) {
            std::fs::read(format!("{design}.step.cpp"))
                .unwrap_or_default()
                .hash(&mut hasher);
        }
    }
    env::var_os("VERILATOR_MARLIN_OPT").hash(&mut hasher);
    env::var_os("VERILATOR_MARLIN_FLAGS").hash(&mut hasher);
    format!("recipe-{:08x}", hasher.finish() as u32)
}

/// `cosim/generated/<file>`: where the build script puts the emitted design.
pub fn generated(file: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("generated")
        .join(file)
}

/// `target/<sub>` of the workspace (honours `CARGO_TARGET_DIR` at run time).
fn target_dir(sub: &str) -> PathBuf {
    env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_dir().join("target"))
        .join(sub)
}

/// Where VCD traces go: `target/cosim-traces/`.
pub fn trace_dir() -> PathBuf {
    target_dir("cosim-traces")
}

fn trace_env() -> bool {
    env::var(TRACE_ENV).is_ok_and(|v| !v.is_empty() && v != "0")
}

/// Configures a [`Cosim`]. Start with [`Cosim::builder`].
#[derive(Debug, Clone)]
pub struct CosimBuilder {
    name: String,
    sources: Vec<PathBuf>,
    include_dirs: Vec<PathBuf>,
    trace: Option<bool>,
    ignored_warnings: Vec<String>,
    force_rebuild: bool,
}

impl CosimBuilder {
    /// Adds a Verilog source file. Every source is handed to Verilator for
    /// every model this runtime builds.
    pub fn source(mut self, path: impl Into<PathBuf>) -> Self {
        self.sources.push(path.into());
        self
    }

    /// Adds a Verilog include (`-I`) directory.
    pub fn include_dir(mut self, path: impl Into<PathBuf>) -> Self {
        self.include_dirs.push(path.into());
        self
    }

    /// Builds the models with VCD tracing. Default: the `RSS_COSIM_TRACE`
    /// environment variable. Traced and untraced builds are cached separately.
    pub fn trace(mut self, on: bool) -> Self {
        self.trace = Some(on);
        self
    }

    /// Passes `-Wno-<warning>` to Verilator (e.g. `"WIDTH"`: Verilator's lint
    /// warnings are fatal by default).
    pub fn ignore_warning(mut self, warning: &str) -> Self {
        self.ignored_warnings.push(warning.to_owned());
        self
    }

    /// Always re-run Verilator instead of using the cached build.
    pub fn force_rebuild(mut self, on: bool) -> Self {
        self.force_rebuild = on;
        self
    }

    /// Creates the runtime. Artifacts go to `target/cosim-artifacts/<name>/recipe-<tag>`;
    /// models are built lazily by [`Cosim::model`] / [`Cosim::sim`].
    pub fn build(self) -> Result<Cosim, VerilatorError> {
        let options = VerilatorRuntimeOptions::default()
            .verilator_executable(verilator_wrapper().into_os_string())
            // marlin wants >= 5.025; the wrapper makes Debian's 5.006 work.
            .allow_unsupported_verilator(Some(VerilatorVersion { major: 5, minor: 6 }))
            .force_verilator_rebuild(self.force_rebuild);
        let artifacts = target_dir("cosim-artifacts")
            .join(&self.name)
            .join(build_recipe_tag(&self.sources));
        let runtime =
            VerilatorRuntime::new2(&artifacts, &self.sources, &self.include_dirs, [], options)?;
        let tracing = self.trace.unwrap_or_else(trace_env);
        let mut config = VerilatedModelConfig::default()
            .verilator_optimization(3)
            .enable_tracing(tracing.then_some(Waveform::Vcd));
        config.ignored_warnings = self.ignored_warnings;
        Ok(Cosim {
            runtime,
            config,
            tracing,
            artifacts,
        })
    }
}

/// A marlin runtime plus the model configuration used for every model.
///
/// Models borrow the runtime and are not `Send`: give each test its own.
pub struct Cosim {
    runtime: VerilatorRuntime,
    config: VerilatedModelConfig,
    tracing: bool,
    /// Where the runtime builds and caches its models.
    artifacts: PathBuf,
}

impl Cosim {
    /// `name` names the artifact directory (`target/cosim-artifacts/<name>/…`);
    /// runtimes with the same name share the cached builds.
    pub fn builder(name: &str) -> CosimBuilder {
        CosimBuilder {
            name: name.to_owned(),
            sources: Vec::new(),
            include_dirs: Vec::new(),
            trace: None,
            ignored_warnings: Vec::new(),
            force_rebuild: false,
        }
    }

    /// Whether models are built with VCD tracing support.
    pub fn tracing(&self) -> bool {
        self.tracing
    }

    pub fn runtime(&self) -> &VerilatorRuntime {
        &self.runtime
    }

    pub fn config(&self) -> &VerilatedModelConfig {
        &self.config
    }

    /// Builds (or loads from the cache) and instantiates a model.
    pub fn model<'ctx, M: AsVerilatedModel<'ctx>>(&'ctx self) -> Result<M, VerilatorError> {
        self.runtime.create_model(&self.config)
    }

    /// A model wrapped in a [`Sim`]; when tracing is on, its waveform goes to
    /// `target/cosim-traces/<trace_name>.vcd` (one trace per model).
    pub fn sim<'ctx, M>(&'ctx self, trace_name: &str) -> Result<Sim<'ctx, M>, VerilatorError>
    where
        M: AsVerilatedModel<'ctx> + OpenTrace<'ctx, Trace = TraceFile<'ctx>> + Clocked,
    {
        let dut: M = self.model()?;
        // SAFETY: only the pointer is taken; the stepper uses it while `dut` lives.
        let stepper = M::stepper(&self.artifacts, unsafe { dut.model() })
            .transpose()
            .whatever_context("the model's port stepper")?;
        let sim = Sim {
            stepper,
            ..Sim::new(dut)
        };
        if !self.tracing {
            return Ok(sim);
        }
        let dir = trace_dir();
        std::fs::create_dir_all(&dir)
            .whatever_context(format!("cannot create {}", dir.display()))?;
        let path = dir.join(format!("{trace_name}.vcd"));
        let mut sim = sim;
        let trace = sim.dut.open_trace(&path);
        sim.trace = Some((trace, path));
        Ok(sim)
    }
}

/// A model with a clock input `clk`. [`impl_clocked!`] (or
/// [`impl_axil_pins!`]) implements it for marlin models.
pub trait Clocked: Sized {
    fn set_clk(&mut self, high: bool);
    /// Evaluates the model (copies all inputs in and all outputs out).
    fn eval(&mut self);
    /// The model's port stepper ([`stepper::Stepper`]) and how to evaluate through it,
    /// for a model whose library has one (`impl_clocked!(Model, stepped)`); `model` is
    /// marlin's pointer to the Verilated top, `artifacts` the [`Cosim`]'s build
    /// directory.
    fn stepper(
        artifacts: &Path,
        model: *mut std::ffi::c_void,
    ) -> Option<Result<SteppedEval<Self>, String>> {
        let _ = (artifacts, model);
        None
    }
    /// One clock cycle: `clk = 0; eval; clk = 1; eval`. Outputs afterwards
    /// show the state just after the rising edge.
    fn tick(&mut self) {
        self.set_clk(false);
        self.eval();
        self.set_clk(true);
        self.eval();
    }
}

/// Implements [`Clocked`] for a `#[verilog]` model with a 1-bit `clk` port.
#[macro_export]
macro_rules! impl_clocked {
    // A model whose library has a port stepper: `<design>_stepper_ports!` (from
    // `generated/<design>.step.rs`) implements its `StepperPorts`.
    ($model:ident, stepped) => {
        impl<'ctx> $crate::Clocked for $model<'ctx> {
            fn set_clk(&mut self, high: bool) {
                self.clk = high as _;
            }
            fn eval(&mut self) {
                $crate::marlin::verilator::AsDynamicVerilatedModel::eval(self);
            }
            fn stepper(
                artifacts: &::std::path::Path,
                model: *mut ::std::ffi::c_void,
            ) -> Option<Result<$crate::SteppedEval<Self>, String>> {
                Some(
                    $crate::stepper::Stepper::find::<Self>(artifacts, model).map(|stepper| {
                        $crate::SteppedEval {
                            stepper,
                            eval: $crate::stepper::Stepper::eval::<Self>,
                            settled: $crate::stepper::Stepper::settled::<Self>,
                            edge: $crate::stepper::Stepper::edge::<Self>,
                        }
                    }),
                )
            }
        }
    };
    ($model:ident) => {
        impl<'ctx> $crate::Clocked for $model<'ctx> {
            fn set_clk(&mut self, high: bool) {
                self.clk = high as _;
            }
            fn eval(&mut self) {
                $crate::marlin::verilator::AsDynamicVerilatedModel::eval(self);
            }
        }
    };
}

/// A model's port stepper and the evaluation through it ([`Clocked::stepper`]).
pub struct SteppedEval<M> {
    pub stepper: stepper::Stepper,
    pub eval: fn(&mut stepper::Stepper, &mut M),
    /// [`stepper::Stepper::settled`]: the low half may be skipped.
    pub settled: fn(&mut stepper::Stepper, &M) -> bool,
    /// [`stepper::Stepper::edge`]: the rising edge in one evaluation.
    pub edge: fn(&mut stepper::Stepper, &mut M),
}

/// One model instance driven by [`Sim::tick`], with an optional VCD trace.
/// Derefs to the model, so ports read as `sim.rst = 1`.
pub struct Sim<'ctx, M> {
    pub dut: M,
    trace: Option<(TraceFile<'ctx>, PathBuf)>,
    /// Evaluations go through the port stepper when the model has one.
    stepper: Option<SteppedEval<M>>,
    time: u64,
    cycles: u64,
    /// Model evaluations since creation (at most two a clock when the harness settles
    /// its inputs once per clock: the low half with them, the rising edge; one when the
    /// low half is skipped).
    evaluations: u64,
    /// The clock is already low (an [`Sim::eval`] since the last edge).
    clock_low: bool,
    /// ... and that low half was skipped: nothing it would change had changed
    /// ([`stepper::Stepper::settled`]), so the tick takes the edge in one evaluation.
    low_skipped: bool,
}

impl<'ctx, M: Clocked> Sim<'ctx, M> {
    /// An untraced simulation (see [`Cosim::sim`] for a traced one).
    pub fn new(dut: M) -> Self {
        Self {
            dut,
            trace: None,
            stepper: None,
            time: 0,
            cycles: 0,
            evaluations: 0,
            clock_low: false,
            low_skipped: false,
        }
    }

    /// One clock cycle, dumping the trace after each half. The low half is skipped when
    /// an [`Sim::eval`] since the last edge already took the clock low: a harness that
    /// settles its inputs once per clock pays two model evaluations a clock, not three.
    pub fn tick(&mut self) {
        if !self.clock_low {
            self.eval();
        }
        if self.low_skipped {
            self.low_skipped = false;
            self.dut.set_clk(true);
            self.evaluations += 1;
            let stepped = self
                .stepper
                .as_mut()
                .expect("a low half is skipped only with a stepper");
            (stepped.edge)(&mut stepped.stepper, &mut self.dut);
            self.time += 2;
        } else {
            self.half_cycle(true);
        }
        self.clock_low = false;
        self.cycles += 1;
    }

    pub fn ticks(&mut self, n: u64) {
        for _ in 0..n {
            self.tick();
        }
    }

    /// Evaluates the model: through its port stepper when it has one (the same copies
    /// in and out, in one foreign call).
    fn eval_model(&mut self) {
        self.evaluations += 1;
        match &mut self.stepper {
            Some(stepped) => (stepped.eval)(&mut stepped.stepper, &mut self.dut),
            None => self.dut.eval(),
        }
    }

    fn half_cycle(&mut self, clk: bool) {
        self.dut.set_clk(clk);
        self.eval_model();
        if let Some((trace, _)) = &mut self.trace {
            trace.dump(self.time);
        }
        self.time += 1;
    }

    /// Re-evaluates without a rising edge, so outputs follow changed inputs. The first
    /// call after an edge is the clock's low half. An untraced model with a port stepper
    /// skips that evaluation when no input that reaches an output within the clock has
    /// changed since the last one (the outputs cannot differ), and takes the edge alone.
    pub fn eval(&mut self) {
        if self.clock_low {
            self.low_skipped = false;
            self.eval_model();
            return;
        }
        self.clock_low = true;
        let skip = self.trace.is_none()
            && self
                .stepper
                .as_mut()
                .is_some_and(|stepped| (stepped.settled)(&mut stepped.stepper, &self.dut));
        if skip {
            self.dut.set_clk(false);
            self.low_skipped = true;
        } else {
            self.half_cycle(false);
        }
    }

    /// Clock cycles since creation.
    pub fn cycles(&self) -> u64 {
        self.cycles
    }

    /// Model evaluations since creation.
    pub fn evaluations(&self) -> u64 {
        self.evaluations
    }

    /// Low halves that change nothing are skipped ([`Sim::eval`]): an untraced model
    /// whose port stepper can take an edge alone.
    pub fn skips_idle_low_halves(&self) -> bool {
        self.trace.is_none()
            && self
                .stepper
                .as_ref()
                .is_some_and(|stepped| stepped.stepper.takes_edges_alone())
    }

    /// The VCD file, when tracing.
    pub fn trace_path(&self) -> Option<&Path> {
        self.trace.as_ref().map(|(_, path)| path.as_path())
    }

    /// Flushes the VCD to disk (it is also closed when the `Sim` drops).
    pub fn flush_trace(&mut self) {
        if let Some((trace, _)) = &mut self.trace {
            trace.flush();
        }
    }
}

impl<M: Clocked> Clocked for Sim<'_, M> {
    fn set_clk(&mut self, high: bool) {
        self.dut.set_clk(high);
    }
    /// [`Sim::eval`]: the first evaluation after an edge is the clock's low half, so a
    /// harness that settles its inputs and then ticks pays two evaluations a clock.
    fn eval(&mut self) {
        Sim::eval(self);
    }
    fn tick(&mut self) {
        Sim::tick(self);
    }
}

impl<M> Deref for Sim<'_, M> {
    type Target = M;
    fn deref(&self) -> &M {
        &self.dut
    }
}

impl<M> DerefMut for Sim<'_, M> {
    fn deref_mut(&mut self) -> &mut M {
        &mut self.dut
    }
}

/// Bit mask of a model port, from marlin's port table (panics if absent).
pub fn port_mask<'ctx, M: AsVerilatedModel<'ctx>>(port: &str) -> u64 {
    let (_, msb, lsb, _) = M::ports()
        .iter()
        .find(|(name, ..)| *name == port)
        .unwrap_or_else(|| panic!("{} has no port {port}", M::name()));
    let width = msb - lsb + 1;
    if width >= 64 {
        u64::MAX
    } else {
        (1 << width) - 1
    }
}

/// Packs a big-endian byte string (first byte most significant) into
/// little-endian `u32` words as used by `WideIn` (word 0 = bits 31:0). The
/// bytes fill the low `8 * bytes.len()` bits; the rest of `words` is zeroed.
pub fn words_from_be_bytes(bytes: &[u8], words: &mut [u32]) {
    assert!(
        bytes.len() <= 4 * words.len(),
        "{} bytes do not fit in {} words",
        bytes.len(),
        words.len()
    );
    words.fill(0);
    for (i, byte) in bytes.iter().rev().enumerate() {
        words[i / 4] |= u32::from(*byte) << (8 * (i % 4));
    }
}

/// Inverse of [`words_from_be_bytes`]: the low `8 * len` bits of `words`
/// (e.g. from a `WideOut`) as `len` big-endian bytes.
pub fn be_bytes_from_words(words: &[u32], len: usize) -> Vec<u8> {
    assert!(
        len <= 4 * words.len(),
        "{len} bytes exceed {} words",
        words.len()
    );
    (0..len)
        .rev()
        .map(|i| (words[i / 4] >> (8 * (i % 4))) as u8)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn be_bytes_round_trip() {
        let bytes: Vec<u8> = (1..=36).collect();
        let mut words = [0u32; 9];
        words_from_be_bytes(&bytes, &mut words);
        // Last byte (36 = 0x24) is bits 7:0; first byte (1) is bits 287:280.
        assert_eq!(words[0], 0x2122_2324);
        assert_eq!(words[8], 0x0102_0304);
        assert_eq!(be_bytes_from_words(&words, 36), bytes);

        let mut words = [0xffff_ffffu32; 2];
        words_from_be_bytes(&[0xab, 0xcd, 0xef], &mut words);
        assert_eq!(words, [0x00ab_cdef, 0]);
        assert_eq!(be_bytes_from_words(&words, 3), [0xab, 0xcd, 0xef]);
    }

    #[test]
    fn wrapper_path_is_executable() {
        let meta = std::fs::metadata(verilator_wrapper()).expect("tools/verilator-marlin");
        use std::os::unix::fs::PermissionsExt;
        assert!(meta.permissions().mode() & 0o111 != 0);
    }
}
