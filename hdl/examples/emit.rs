//! Emits one core's Verilog to stdout without building the CLI (and the cosim it links),
//! for quick synthesis experiments: `cargo run --release -p rss-hdl --example emit -- 64
//! [vports] [mac_filters]` (`tuples` for the tuple core).

use rss_hdl::emit::{Interface, verilog};
use rss_model::regmap::Params;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let interface = match args.first().map(String::as_str) {
        Some("tuples") => Interface::Tuples,
        Some(width) => Interface::Frames {
            data_bits: width.parse().expect("data width"),
        },
        None => Interface::Frames { data_bits: 64 },
    };
    let mut params = Params::default();
    if let Some(v) = args.get(1) {
        params.vports = v.parse().expect("vports");
    }
    if let Some(m) = args.get(2) {
        params.mac_filters = m.parse().expect("mac filters");
    }
    print!("{}", verilog(params, interface).expect("emit"));
}
