//! Painting primitives shared by the stage and the charts: colours, text, boxes, dots.

use web_sys::CanvasRenderingContext2d as Ctx;

use crate::model::layout::Rect;

/// The stage's font families: the system's, then Traditional Chinese fonts for the glyphs it
/// lacks (Noto Sans TC or Debian's Noto Sans CJK TC, Windows' Microsoft JhengHei, Apple's
/// PingFang TC), as in `static/style.css`.
macro_rules! family {
    () => {
        "system-ui, -apple-system, \"Segoe UI\", \"Noto Sans TC\", \"Noto Sans CJK TC\", \"Microsoft JhengHei\", \"PingFang TC\", sans-serif"
    };
}

/// Small text: figures, states, axes.
pub const FONT_SMALL: &str = concat!("11px ", family!());
/// Small bold text: marks, broker boxes, warnings.
pub const FONT_SMALL_BOLD: &str = concat!("600 11px ", family!());
/// Names of producers and readers, chart titles.
pub const FONT_NAME: &str = concat!("600 12px ", family!());
/// Column headings.
pub const FONT_HEADING: &str = concat!("600 13px ", family!());
/// Broker ids on replica chips.
pub const FONT_CHIP: &str = concat!("600 10px ", family!());

/// Background colour; the end-to-end test counts pixels that differ from it.
pub const BACKGROUND: &str = "#f8fafc";
pub const INK: &str = "#0f172a";
pub const MUTED: &str = "#64748b";
pub const STRIP: &str = "#e2e8f0";

/// Producer colours (batches are coloured by producer).
pub const PRODUCER_COLOURS: [&str; 8] =
    ["#2563eb", "#db2777", "#059669", "#d97706", "#7c3aed", "#0891b2", "#dc2626", "#4d7c0f"];
/// Group colours (commit markers, fetched data).
pub const GROUP_COLOURS: [&str; 6] =
    ["#ea580c", "#0d9488", "#9333ea", "#be123c", "#1d4ed8", "#65a30d"];

pub fn producer_colour(i: u32) -> &'static str {
    PRODUCER_COLOURS[i as usize % PRODUCER_COLOURS.len()]
}

/// Producer and member boxes narrower than this, px, put their figures on a second line.
pub const NARROW_BOX_PX: f64 = 175.0;

/// Twelve hues for keys (key index modulo 12); keyless records are grey.
pub const KEY_COLOURS: [&str; 12] = [
    "#e11d48", "#f97316", "#eab308", "#84cc16", "#10b981", "#06b6d4", "#3b82f6", "#6366f1",
    "#a855f7", "#ec4899", "#78716c", "#0f766e",
];

pub fn key_colour(key: u32) -> &'static str {
    if key == u32::MAX {
        "#94a3b8"
    } else {
        KEY_COLOURS[key as usize % KEY_COLOURS.len()]
    }
}

pub fn group_colour(i: u32) -> &'static str {
    GROUP_COLOURS[i as usize % GROUP_COLOURS.len()]
}

pub fn text(ctx: &Ctx, s: &str, x: f64, y: f64, font: &str, colour: &str, align: &str) {
    ctx.set_font(font);
    ctx.set_fill_style_str(colour);
    ctx.set_text_align(align);
    // Drawing text cannot fail for a valid context; nothing useful to do if it did.
    let _ = ctx.fill_text(s, x, y);
}

/// Width of `s` in `font`, CSS px (measured: Chinese glyphs are about twice as wide as Latin
/// letters, so no per-character estimate holds for both).
pub fn text_width(ctx: &Ctx, s: &str, font: &str) -> f64 {
    ctx.set_font(font);
    ctx.measure_text(s).map_or(0.0, |m| m.width())
}

/// `s` cut with an ellipsis to fit `max_w` px in `font` (unchanged if it fits).
pub fn fit(ctx: &Ctx, s: &str, font: &str, max_w: f64) -> String {
    if text_width(ctx, s, font) <= max_w {
        return s.to_string();
    }
    let chars: Vec<char> = s.chars().collect();
    // The longest prefix that fits with the ellipsis, by bisection (a handful of measures).
    let (mut lo, mut hi) = (0, chars.len());
    while lo < hi {
        let mid = (lo + hi).div_ceil(2);
        let candidate: String = chars[..mid].iter().chain(['\u{2026}'].iter()).collect();
        if ctx.measure_text(&candidate).map_or(0.0, |m| m.width()) <= max_w {
            lo = mid;
        } else {
            hi = mid - 1;
        }
    }
    if lo == 0 {
        return String::new();
    }
    chars[..lo].iter().chain(['\u{2026}'].iter()).collect()
}

/// The first of `candidates` that fits `max_w` px in `font` (the last one if none does).
pub fn first_fitting<'a>(ctx: &Ctx, candidates: &'a [String], font: &str, max_w: f64) -> &'a str {
    candidates
        .iter()
        .find(|c| text_width(ctx, c, font) <= max_w)
        .or(candidates.last())
        .map_or("", |s| s.as_str())
}

pub fn fill(ctx: &Ctx, r: Rect, colour: &str) {
    ctx.set_fill_style_str(colour);
    ctx.fill_rect(r.x, r.y, r.w, r.h);
}

/// Records copied from a leader to a follower.
pub const REPLICATION: &str = "#7c3aed";

/// Circles to draw: centre x, centre y, radius, px.
pub type Dots = Vec<(f64, f64, f64)>;

/// Circles of one colour as one path: filled, or rings.
pub fn dots(ctx: &Ctx, colour: &str, filled: bool, list: &[(f64, f64, f64)]) {
    ctx.begin_path();
    for &(x, y, r) in list {
        ctx.move_to(x + r, y);
        let _ = ctx.arc(x, y, r, 0.0, std::f64::consts::TAU);
    }
    if filled {
        ctx.set_fill_style_str(colour);
        ctx.fill();
    } else {
        ctx.set_stroke_style_str(colour);
        ctx.set_line_width(1.5);
        ctx.stroke();
    }
}
