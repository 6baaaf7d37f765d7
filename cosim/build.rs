//! Emits the designs the cosim binds to (default parameters) into `generated/`:
//! `rss_tuple_core.v` (tuple port) and `rss_core_w{64,128,256,512}.v` (frame
//! port at every width) and `rss_core_w64_tap.v` (tap mode). A file is rewritten only when its content changes, so
//! marlin does not re-verilate on every build.

use rss_hdl::emit::{CoreOptions, Interface, verilog_with};

fn main() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("generated");
    std::fs::create_dir_all(&dir).expect("create cosim/generated");
    let frames = |data_bits| Interface::Frames { data_bits };
    let tap = CoreOptions {
        tap: true,
        ..CoreOptions::default()
    };
    let designs = [
        (
            "rss_tuple_core.v",
            Interface::Tuples,
            CoreOptions::default(),
        ),
        ("rss_core_w64.v", frames(64), CoreOptions::default()),
        ("rss_core_w128.v", frames(128), CoreOptions::default()),
        ("rss_core_w256.v", frames(256), CoreOptions::default()),
        ("rss_core_w512.v", frames(512), CoreOptions::default()),
        ("rss_core_w64_tap.v", frames(64), tap),
    ];
    for (file, interface, options) in designs {
        let text = verilog_with(rss_model::Params::default(), interface, &options)
            .expect("default parameters are valid");
        let path = dir.join(file);
        if std::fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
            std::fs::write(&path, text).expect("write generated Verilog");
        }
        println!("cargo:rerun-if-changed=generated/{file}");
    }
    println!("cargo:rerun-if-changed=build.rs");
}
