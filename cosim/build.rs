//! Emits the designs the cosim binds to (default parameters) into `generated/`:
//! `rss_tuple_core.v` (tuple port) and `rss_core_w{64,128,256,512}.v` (frame
//! port at every width). A file is rewritten only when its content changes, so
//! marlin does not re-verilate on every build.

use rss_hdl::emit::{Interface, verilog};

fn main() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("generated");
    std::fs::create_dir_all(&dir).expect("create cosim/generated");
    let designs = [
        ("rss_tuple_core.v", Interface::Tuples),
        ("rss_core_w64.v", Interface::Frames { data_bits: 64 }),
        ("rss_core_w128.v", Interface::Frames { data_bits: 128 }),
        ("rss_core_w256.v", Interface::Frames { data_bits: 256 }),
        ("rss_core_w512.v", Interface::Frames { data_bits: 512 }),
    ];
    for (file, interface) in designs {
        let text =
            verilog(rss_model::Params::default(), interface).expect("default parameters are valid");
        let path = dir.join(file);
        if std::fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
            std::fs::write(&path, text).expect("write generated Verilog");
        }
        println!("cargo:rerun-if-changed=generated/{file}");
    }
    println!("cargo:rerun-if-changed=build.rs");
}
