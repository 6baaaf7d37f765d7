//! Bar charts for rss-core's reports (`rss-core steer --plot`, the `rss-cosim` main
//! job): two labelled distributions side by side under one title, drawn with plotters
//! as SVG or PNG (from the file extension). Text uses the DejaVu Sans font shipped in
//! `fonts/` (plotters' ab_glyph backend), so no system font library is needed.

use std::path::Path;
use std::sync::Once;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::{FontStyle, register_font};

pub use plotters::style::RGBColor;

/// Image size in pixels.
const SIZE: (u32, u32) = (1200, 480);
const FONT: &str = "sans-serif";
static FONT_BYTES: &[u8] = include_bytes!("../fonts/DejaVuSans.ttf");

/// Colour of the first chart (queues).
pub const BLUE: RGBColor = RGBColor(0x1f, 0x77, 0xb4);
/// Colour of the second chart (hash types).
pub const ORANGE: RGBColor = RGBColor(0xff, 0x7f, 0x0e);

/// Image formats `--plot` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Svg,
    Png,
}

/// The format a plot path asks for, from its extension.
pub fn format_of(path: &Path) -> Result<Format, String> {
    match path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("svg") => Ok(Format::Svg),
        Some("png") => Ok(Format::Png),
        _ => Err(format!(
            "{}: a plot file name must end in .svg or .png",
            path.display()
        )),
    }
}

fn register() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // The font is a fixed, valid TTF: failing here is a build defect.
        if register_font(FONT, FontStyle::Normal, FONT_BYTES).is_err() {
            panic!("fonts/DejaVuSans.ttf is not a usable font");
        }
    });
}

/// A labelled distribution to draw as bars.
pub struct Bars<'a> {
    pub title: &'a str,
    pub labels: Vec<String>,
    pub values: Vec<u64>,
    /// What the categories are (axis description).
    pub category_desc: &'a str,
    /// What is counted (axis description), e.g. "frames".
    pub value_desc: &'a str,
    pub color: RGBColor,
    /// Bars along the x axis, categories down the y axis (for long labels).
    pub horizontal: bool,
}

/// Two bar charts side by side under one title, to `path` (SVG or PNG).
pub fn write_pair(path: &Path, title: &str, left: &Bars, right: &Bars) -> Result<(), String> {
    write_charts(path, title, &[left, right])
}

/// One bar chart under a title, to `path` (SVG or PNG).
pub fn write_one(path: &Path, title: &str, chart: &Bars) -> Result<(), String> {
    write_charts(path, title, &[chart])
}

fn write_charts(path: &Path, title: &str, charts: &[&Bars]) -> Result<(), String> {
    register();
    let size = (SIZE.0 / 2 * charts.len() as u32, SIZE.1);
    let err = |e: String| format!("{}: {e}", path.display());
    match format_of(path)? {
        Format::Svg => {
            let root = SVGBackend::new(path, size).into_drawing_area();
            draw(&root, title, charts).map_err(err)?;
            root.present().map_err(|e| err(e.to_string()))
        }
        Format::Png => {
            let root = BitMapBackend::new(path, size).into_drawing_area();
            draw(&root, title, charts).map_err(err)?;
            root.present().map_err(|e| err(e.to_string()))
        }
    }
}

fn draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    title: &str,
    charts: &[&Bars],
) -> Result<(), String>
where
    DB::ErrorType: 'static,
{
    let e = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
    root.fill(&WHITE).map_err(e)?;
    let root = root.titled(title, (FONT, 22).into_font()).map_err(e)?;
    for (area, chart) in root.split_evenly((1, charts.len())).iter().zip(charts) {
        bars(area, chart)?;
    }
    Ok(())
}

fn bars<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, bars: &Bars) -> Result<(), String>
where
    DB::ErrorType: 'static,
{
    let e = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
    let n = bars.values.len() as u32;
    // A segmented range a..b has b - a + 1 segments.
    let categories = (0..n.max(1) - 1).into_segmented();
    let top = bars.values.iter().copied().max().unwrap_or(0).max(1);
    let values = 0u64..top + top / 10 + 1;
    let labels = &bars.labels;
    let label = |v: &SegmentValue<u32>| match v {
        SegmentValue::CenterOf(i) => labels.get(*i as usize).cloned().unwrap_or_default(),
        _ => String::new(),
    };
    let mut builder = ChartBuilder::on(area);
    builder
        .caption(bars.title, (FONT, 18).into_font())
        .margin(12)
        .margin_right(24);
    let data = bars.values.iter().enumerate().map(|(i, &v)| (i as u32, v));
    if bars.horizontal {
        let mut chart = builder
            .x_label_area_size(40)
            .y_label_area_size(110)
            .build_cartesian_2d(values, categories)
            .map_err(e)?;
        chart
            .configure_mesh()
            .disable_y_mesh()
            .y_desc(bars.category_desc)
            .x_desc(bars.value_desc)
            .y_labels(n as usize)
            .y_label_formatter(&label)
            .label_style((FONT, 13))
            .axis_desc_style((FONT, 14))
            .draw()
            .map_err(e)?;
        chart
            .draw_series(
                Histogram::horizontal(&chart)
                    .style(bars.color.filled())
                    .margin(4)
                    .data(data),
            )
            .map_err(e)?;
    } else {
        let mut chart = builder
            .x_label_area_size(40)
            .y_label_area_size(60)
            .build_cartesian_2d(categories, values)
            .map_err(e)?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_desc(bars.category_desc)
            .y_desc(bars.value_desc)
            .x_labels((n as usize).min(32))
            .x_label_formatter(&label)
            .label_style((FONT, 13))
            .axis_desc_style((FONT, 14))
            .draw()
            .map_err(e)?;
        chart
            .draw_series(
                Histogram::vertical(&chart)
                    .style(bars.color.filled())
                    .margin(if n > 32 { 1 } else { 4 })
                    .data(data),
            )
            .map_err(e)?;
    }
    Ok(())
}
