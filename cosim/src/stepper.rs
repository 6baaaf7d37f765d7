//! The port stepper: one foreign call per model evaluation instead of one per port.
//!
//! marlin's generated `eval` sets every input through a foreign call of its own, runs
//! the model and reads every output the same way: 46 calls an evaluation, 92 a clock, for
//! a frame core. Measured with `perf` on the 64-bit core's benchmark (`./scripts/bench`,
//! 2026-12-02) those calls and the Rust around them were 22 % of the cosim's time, the
//! model's clocked logic 60 %. The stepper (`cosim/build.rs` writes its C++ and Rust per
//! design; `tools/verilator-marlin` compiles the C++ into the model) moves all inputs in
//! one array and all outputs out in another, with one call.
//!
//! The model's ports stay the `#[verilog]` struct's fields, so a harness reads and writes
//! them exactly as before; only the copy between the struct and the model changes.
//! [`Stepper::find`] takes the stepper from the library marlin loaded for the model (never
//! another copy of it) and checks that its word counts are the Rust side's.
//!
//! It also takes a rising edge in one evaluation ([`Stepper::edge`], C `rss_step_edge`)
//! when [`Stepper::settled`] says the clock's low half would change no output: none of
//! the inputs with a combinational path to an output (`COMB_INPUT_WORDS`, found by yosys
//! on the simulation copy) changed since the last evaluation. `crate::Sim` skips such
//! low halves; on the 64-bit benchmark that is 1.07 evaluations a clock instead of 2.

use std::ffi::c_void;
use std::path::{Path, PathBuf};

use marlin::verilator::{WideIn, WideOut};

/// The C function `rss_step(model, inputs, outputs)` of a model's library.
type StepFn = unsafe extern "C" fn(*mut c_void, *const u32, *mut u32);
/// `rss_step_words(outputs)`: the words of the input (0) or output (1) array.
type WordsFn = unsafe extern "C" fn(u32) -> u32;
/// `rss_step_edges()`: 1 when `rss_step_edge` can take a rising edge in one evaluation.
type EdgesFn = unsafe extern "C" fn() -> u32;

/// A port as whole `u32` words, low word first (the stepper's layout, `cosim/build.rs`).
pub trait PortWords {
    /// Writes the port's value into `words`.
    fn put(&self, words: &mut [u32]);
    /// Sets the port from `words`.
    fn take(&mut self, words: &[u32]);
}

macro_rules! narrow_port_words {
    ($($t:ty),*) => {$(
        impl PortWords for $t {
            fn put(&self, words: &mut [u32]) {
                words[0] = u32::from(*self);
            }
            fn take(&mut self, words: &[u32]) {
                // The model's port is at most this type's width: nothing is lost.
                *self = words[0] as $t;
            }
        }
    )*};
}
narrow_port_words!(u8, u16, u32);

impl PortWords for u64 {
    fn put(&self, words: &mut [u32]) {
        words[0] = *self as u32;
        words[1] = (*self >> 32) as u32;
    }
    fn take(&mut self, words: &[u32]) {
        *self = u64::from(words[0]) | (u64::from(words[1]) << 32);
    }
}

impl<const N: usize> PortWords for WideIn<N> {
    fn put(&self, words: &mut [u32]) {
        words.copy_from_slice(self.value());
    }
    fn take(&mut self, words: &[u32]) {
        *self = WideIn::new(words.try_into().expect("N words"));
    }
}

impl<const N: usize> PortWords for WideOut<N> {
    fn put(&self, words: &mut [u32]) {
        words.copy_from_slice(self.value());
    }
    fn take(&mut self, words: &[u32]) {
        assert_eq!(words.len(), N);
        // `from_ptr` copies N words and keeps no pointer.
        *self = WideOut::from_ptr(words.as_ptr().cast_mut());
    }
}

/// A model whose library carries a port stepper: implemented by the macro that
/// `cosim/build.rs` writes into `<design>.step.rs`.
pub trait StepperPorts {
    const INPUT_WORDS: usize;
    const OUTPUT_WORDS: usize;
    /// The input words of the ports with a path to an output that no flip-flop breaks
    /// (yosys, on the simulation copy): while they hold, the outputs hold too.
    const COMB_INPUT_WORDS: &'static [usize];
    /// Input and output port names, in word order (for messages and tests).
    const INPUTS: &'static [&'static str];
    const OUTPUTS: &'static [&'static str];
    /// Every input port into `words` (`INPUT_WORDS` long).
    fn pack(&self, words: &mut [u32]);
    /// Every output port from `words` (`OUTPUT_WORDS` long).
    fn unpack(&mut self, words: &[u32]);
}

/// The stepper of one model instance: its library's `rss_step` and the word arrays.
pub struct Stepper {
    step: StepFn,
    /// `rss_step_edge`, when this Verilator lets it take an edge in one evaluation.
    edge: Option<StepFn>,
    model: *mut c_void,
    inputs: Vec<u32>,
    outputs: Vec<u32>,
    /// The inputs of the last evaluation (`None` before the first).
    evaluated: Option<Vec<u32>>,
    // Holds a reference on the library, so `step` stays valid while this lives.
    _library: libloading::os::unix::Library,
}

impl Stepper {
    /// The stepper of `model` (marlin's pointer to the Verilated top), from the one
    /// library under `artifacts` (a [`crate::Cosim`]'s build directory) that is already
    /// loaded: `RTLD_NOLOAD` never maps a stale build from the cache.
    pub fn find<P: StepperPorts>(artifacts: &Path, model: *mut c_void) -> Result<Self, String> {
        let candidates = model_libraries(artifacts);
        let mut loaded = candidates.iter().filter_map(|path| {
            // SAFETY: RTLD_NOLOAD only returns a library that is already mapped (marlin
            // loaded it), so no initialiser runs.
            unsafe {
                libloading::os::unix::Library::open(Some(path), libc::RTLD_NOW | libc::RTLD_NOLOAD)
            }
            .ok()
            .map(|library| (path, library))
        });
        let (path, library) = loaded.next().ok_or_else(|| {
            format!(
                "no loaded model library under {} ({} built)",
                artifacts.display(),
                candidates.len()
            )
        })?;
        if loaded.next().is_some() {
            return Err(format!(
                "two loaded model libraries under {}",
                artifacts.display()
            ));
        }
        let missing = |e: libloading::Error| {
            format!(
                "{} has no port stepper ({e}): cosim/build.rs writes <design>.step.cpp and \
                 tools/verilator-marlin compiles it",
                path.display()
            )
        };
        // SAFETY: the symbols are the C functions of `<design>.step.cpp`, with these
        // signatures.
        let (step, words, edge, edges) = unsafe {
            let step: StepFn = *library.get::<StepFn>(b"rss_step\0").map_err(missing)?;
            let words: WordsFn = *library
                .get::<WordsFn>(b"rss_step_words\0")
                .map_err(missing)?;
            let edge: StepFn = *library.get::<StepFn>(b"rss_step_edge\0").map_err(missing)?;
            let edges: EdgesFn = *library
                .get::<EdgesFn>(b"rss_step_edges\0")
                .map_err(missing)?;
            (step, words, edge, edges)
        };
        // SAFETY: `rss_step_edges` only returns a constant.
        let edge = (unsafe { edges() } == 1).then_some(edge);
        // SAFETY: `rss_step_words` only returns a constant.
        let (inputs, outputs) = unsafe { (words(0) as usize, words(1) as usize) };
        if (inputs, outputs) != (P::INPUT_WORDS, P::OUTPUT_WORDS) {
            return Err(format!(
                "{}: the stepper moves {inputs} input and {outputs} output words, the Rust \
                 side {} and {}: rebuild (cosim/build.rs writes both)",
                path.display(),
                P::INPUT_WORDS,
                P::OUTPUT_WORDS
            ));
        }
        Ok(Self {
            step,
            edge,
            model,
            inputs: vec![0; inputs],
            outputs: vec![0; outputs],
            evaluated: None,
            _library: library,
        })
    }

    /// Copies `ports`' inputs into the model, evaluates it, copies its outputs back.
    pub fn eval<P: StepperPorts>(&mut self, ports: &mut P) {
        self.call(self.step, ports);
    }

    /// True when a clock's low half need not be evaluated: this stepper can take the edge
    /// alone ([`Stepper::edge`]) and no input in `P::COMB_INPUT_WORDS` changed since the
    /// last evaluation, so every output still holds what that evaluation gave (the
    /// model's state moves only on an edge).
    pub fn settled<P: StepperPorts>(&mut self, ports: &P) -> bool {
        let (Some(_), Some(evaluated)) = (self.edge, &self.evaluated) else {
            return false;
        };
        ports.pack(&mut self.inputs);
        P::COMB_INPUT_WORDS
            .iter()
            .all(|&w| self.inputs[w] == evaluated[w])
    }

    /// A rising edge in one evaluation, the clock's low half skipped ([`Stepper::settled`]
    /// said it would change nothing): copies `ports`' inputs in, takes the edge, copies
    /// the outputs back.
    pub fn edge<P: StepperPorts>(&mut self, ports: &mut P) {
        let edge = self
            .edge
            .expect("`settled` is true only with an edge function");
        self.call(edge, ports);
    }

    /// This Verilator lets the stepper take an edge in one evaluation.
    pub fn takes_edges_alone(&self) -> bool {
        self.edge.is_some()
    }

    /// Copies `ports`' inputs in, runs `function` (`rss_step` or `rss_step_edge`), copies
    /// the outputs back, and remembers the inputs for [`Stepper::settled`].
    fn call<P: StepperPorts>(&mut self, function: StepFn, ports: &mut P) {
        ports.pack(&mut self.inputs);
        // SAFETY: `model` is the live model this stepper was found for (the `Sim` that
        // owns both drops them together) and the arrays have the lengths `find` checked.
        unsafe { function(self.model, self.inputs.as_ptr(), self.outputs.as_mut_ptr()) };
        ports.unpack(&self.outputs);
        match &mut self.evaluated {
            Some(evaluated) => evaluated.copy_from_slice(&self.inputs),
            None => self.evaluated = Some(self.inputs.clone()),
        }
    }
}

/// The model libraries marlin built under `artifacts` (`<dir>/obj_dir/libmarlin_V*.so`).
fn model_libraries(artifacts: &Path) -> Vec<PathBuf> {
    let Ok(dirs) = std::fs::read_dir(artifacts) else {
        return Vec::new();
    };
    dirs.filter_map(Result::ok)
        .filter_map(|dir| std::fs::read_dir(dir.path().join("obj_dir")).ok())
        .flat_map(|files| files.filter_map(Result::ok).map(|f| f.path()))
        .filter(|path| {
            path.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("libmarlin_V") && n.ends_with(".so"))
        })
        .collect()
}
