//! Emits the design's Verilog (default parameters) to `generated/rss_core.v` for the
//! marlin bindings. Rewrites the file only when its content changes, so marlin does
//! not re-verilate on every build.

fn main() {
    let verilog =
        rss_hdl::emit::verilog(rss_model::Params::default()).expect("default parameters are valid");
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("generated");
    std::fs::create_dir_all(&dir).expect("create cosim/generated");
    let path = dir.join("rss_core.v");
    if std::fs::read_to_string(&path).ok().as_deref() != Some(verilog.as_str()) {
        std::fs::write(&path, verilog).expect("write cosim/generated/rss_core.v");
    }
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=generated/rss_core.v");
}
