//! Painting primitives shared by the stage and the charts: colours, text, boxes, dots.

use web_sys::CanvasRenderingContext2d as Ctx;

use std::cell::Cell;

use crate::model::layout::{fit_keeping_tail, fit_label, Fonts, Rect};

/// The stage's font families: the system's, then Traditional Chinese fonts for the glyphs it
/// lacks (Noto Sans TC or Debian's Noto Sans CJK TC, Windows' Microsoft JhengHei, Apple's
/// PingFang TC), as in `static/style.css`.
macro_rules! family {
    () => {
        "system-ui, -apple-system, \"Segoe UI\", \"Noto Sans TC\", \"Noto Sans CJK TC\", \"Microsoft JhengHei\", \"PingFang TC\", sans-serif"
    };
}

/// A font of the stage's families at `px`, with a CSS weight ("" for normal).
pub fn face(weight: &str, px: f64) -> String {
    format!("{weight} {px:.1}px {}", family!())
}

/// The stage's fonts at a layout's sizes (built once a frame).
pub struct Faces {
    /// Figures, states, strip labels.
    pub small: String,
    /// Marks, broker boxes, warnings.
    pub small_bold: String,
    /// Names of producers and readers.
    pub name: String,
    /// Column headings.
    pub heading: String,
    /// Broker ids on replica chips.
    pub chip: String,
}

impl Faces {
    /// The fonts of `f`'s sizes.
    pub fn of(f: &Fonts) -> Faces {
        Faces {
            small: face("", f.small),
            small_bold: face("600", f.small),
            name: face("600", f.name),
            heading: face("600", f.heading),
            chip: face("600", f.chip),
        }
    }
}

thread_local! {
    /// Labels cut or left out since the last [`take_clipped`] (the stage's paint reads it).
    static CLIPPED: Cell<u32> = const { Cell::new(0) };
}

/// The labels counted as not fitting their box since the last call, and a fresh count.
pub fn take_clipped() -> u32 {
    CLIPPED.with(|c| c.replace(0))
}

/// Counts a label that did not fit its box (cut, or left out for want of room).
pub fn clipped() {
    CLIPPED.with(|c| c.set(c.get().saturating_add(1)));
}

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

/// `s` cut with an ellipsis to fit `max_w` px in `font` (unchanged if it fits); a cut is
/// counted (see [`take_clipped`]).
pub fn fit(ctx: &Ctx, s: &str, font: &str, max_w: f64) -> String {
    ctx.set_font(font);
    counted(fit_label(s, max_w, |t| ctx.measure_text(t).map_or(0.0, |m| m.width())))
}

/// `head` then `tail` cut to `max_w` px keeping the tail whole ([`fit_keeping_tail`]), counted
/// when cut.
pub fn fit_tail(ctx: &Ctx, head: &str, tail: &str, font: &str, max_w: f64) -> String {
    ctx.set_font(font);
    let width = |t: &str| ctx.measure_text(t).map_or(0.0, |m| m.width());
    counted(fit_keeping_tail(head, tail, max_w, width))
}

/// A label and whether it was cut: counted ([`clipped`]) if it was.
fn counted((label, cut): (String, bool)) -> String {
    if cut {
        clipped();
    }
    label
}

/// The first of `candidates` that fits `max_w` px in `font` (the last one, cut, if none does).
pub fn first_fitting(ctx: &Ctx, candidates: &[String], font: &str, max_w: f64) -> String {
    match candidates.iter().find(|c| text_width(ctx, c, font) <= max_w) {
        Some(c) => c.clone(),
        None => candidates.last().map_or(String::new(), |c| fit(ctx, c, font, max_w)),
    }
}

pub fn fill(ctx: &Ctx, r: Rect, colour: &str) {
    ctx.set_fill_style_str(colour);
    ctx.fill_rect(r.x, r.y, r.w, r.h);
}

/// Rectangles gathered by colour and drawn as one path per colour: a column of a thousand
/// member boxes costs a `rect` each and a few fills and strokes, not a colour string and a
/// draw call per box. Within one batch, fills go under outlines; draw order between boxes
/// does not matter (they do not overlap).
#[derive(Default)]
pub struct RectBatch {
    fills: Vec<(&'static str, Vec<Rect>)>,
    outlines: Vec<(&'static str, Vec<Rect>)>,
}

impl RectBatch {
    fn add(list: &mut Vec<(&'static str, Vec<Rect>)>, colour: &'static str, r: Rect) {
        match list.iter_mut().find(|(c, _)| *c == colour) {
            Some((_, rs)) => rs.push(r),
            None => list.push((colour, vec![r])),
        }
    }

    /// `r` filled with `colour`.
    pub fn fill(&mut self, r: Rect, colour: &'static str) {
        Self::add(&mut self.fills, colour, r);
    }

    /// `r` outlined in `colour`, 1 px wide (drawn over every fill of the batch).
    pub fn outline(&mut self, r: Rect, colour: &'static str) {
        Self::add(&mut self.outlines, colour, r);
    }

    /// Draws the fills, then the outlines.
    pub fn draw(&self, ctx: &Ctx) {
        for (outline, (colour, rects)) in
            self.fills.iter().map(|f| (false, f)).chain(self.outlines.iter().map(|o| (true, o)))
        {
            ctx.begin_path();
            for r in rects {
                ctx.rect(r.x, r.y, r.w, r.h);
            }
            if outline {
                ctx.set_line_width(1.0);
                ctx.set_stroke_style_str(colour);
                ctx.stroke();
            } else {
                ctx.set_fill_style_str(colour);
                ctx.fill();
            }
        }
    }
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
