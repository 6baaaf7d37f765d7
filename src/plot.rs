//! `steer --plot`: the per-queue histogram and the hash-type breakdown side by side
//! (`rss-plot`: plotters, SVG or PNG from the file extension).

use std::path::Path;

pub use rss_plot::format_of;
use rss_plot::{BLUE, Bars, ORANGE};

use crate::steer::Summary;

/// Draws the summary's queue and hash-type distributions to `path`.
pub fn write(path: &Path, s: &Summary) -> Result<(), String> {
    let title = format!(
        "{}: {} frames, {} queues, skew {:.2}",
        Path::new(&s.capture)
            .file_name()
            .map_or(s.capture.clone(), |n| n.to_string_lossy().into_owned()),
        s.frames,
        s.queues.len(),
        s.skew
    );
    let queues = Bars {
        title: "frames per queue",
        labels: s.queues.iter().map(|q| q.queue.to_string()).collect(),
        values: s.queues.iter().map(|q| q.frames).collect(),
        category_desc: "queue",
        value_desc: "frames",
        horizontal: false,
        color: BLUE,
    };
    let types = Bars {
        title: "frames per hash type",
        labels: s.hash_types.iter().map(|t| t.name.to_owned()).collect(),
        values: s.hash_types.iter().map(|t| t.frames).collect(),
        category_desc: "hash type",
        value_desc: "frames",
        horizontal: true,
        color: ORANGE,
    };
    rss_plot::write_pair(path, &title, &queues, &types)
}
