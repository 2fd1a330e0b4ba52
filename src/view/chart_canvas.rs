//! Draws the model's chart series on the charts canvas.

use web_sys::CanvasRenderingContext2d as Ctx;

use crate::model::charts::Chart;
use crate::model::format::compact;
use crate::model::i18n::{Lang, Msg};
use crate::model::layout::Rect;
use crate::view::paint::{
    fill, fit, text, text_width, BACKGROUND, FONT_NAME, FONT_SMALL, INK, MUTED,
};

/// Draws the charts side by side (two rows when narrow) on their own canvas; `hover` is the
/// mouse position in CSS px, for a readout.
pub fn draw_charts(
    ctx: &Ctx,
    charts: &[Chart],
    width: f64,
    height: f64,
    hover: Option<(f64, f64)>,
    lang: Lang,
) {
    ctx.set_fill_style_str("#ffffff");
    ctx.fill_rect(0.0, 0.0, width, height);
    ctx.set_text_baseline("middle");
    let cols = if width >= 1100.0 { charts.len().max(1) } else { 2 };
    let rows = charts.len().div_ceil(cols);
    let (pw, ph) = (width / cols as f64, height / rows.max(1) as f64);
    for (i, chart) in charts.iter().enumerate() {
        let panel = Rect { x: (i % cols) as f64 * pw, y: (i / cols) as f64 * ph, w: pw, h: ph };
        let inside = hover.filter(|&(x, y)| {
            x >= panel.x && x < panel.right() && y >= panel.y && y < panel.y + panel.h
        });
        draw_chart(ctx, chart, panel, inside.map(|(x, _)| x), lang);
    }
}

/// Marker lines and labels.
const MARKER: &str = "#b45309";

fn draw_chart(ctx: &Ctx, chart: &Chart, panel: Rect, hover_x: Option<f64>, lang: Lang) {
    let font = FONT_SMALL;
    // The backlog's area has its own scale, drawn on the right axis.
    let right = if chart.has_right_scale() { 40.0 } else { 12.0 };
    let plot = Rect {
        x: panel.x + 40.0,
        y: panel.y + 22.0,
        w: panel.w - 40.0 - right,
        h: panel.h - 22.0 - 18.0 - 14.0 * chart.series.len().div_ceil(2) as f64,
    };
    let title = fit(ctx, &chart.title, FONT_NAME, panel.w - 16.0);
    text(ctx, &title, panel.x + 8.0, panel.y + 10.0, FONT_NAME, INK, "left");
    if plot.w < 20.0 || plot.h < 20.0 {
        return;
    }
    fill(ctx, plot, BACKGROUND);
    let (line_max, area_max) = chart.maxima();
    text(ctx, &compact(line_max), plot.x - 4.0, plot.y + 4.0, font, MUTED, "right");
    text(ctx, "0", plot.x - 4.0, plot.y + plot.h, font, MUTED, "right");
    if let Some(area) = chart.series.iter().find(|s| s.area) {
        let ink = area.colour;
        text(ctx, &compact(area_max), plot.right() + 4.0, plot.y + 4.0, font, ink, "left");
        text(ctx, "0", plot.right() + 4.0, plot.y + plot.h, font, ink, "left");
        fill(ctx, Rect { x: plot.right(), y: plot.y, w: 1.0, h: plot.h }, ink);
    }
    let n = chart.t_s.len();
    if let (Some(first), Some(last)) = (chart.t_s.first(), chart.t_s.last()) {
        let s = |v: f64| lang.f(Msg::Seconds, &[&format!("{v:.0}")]);
        text(ctx, &s(*first), plot.x, plot.y + plot.h + 9.0, font, MUTED, "left");
        text(ctx, &s(*last), plot.right(), plot.y + plot.h + 9.0, font, MUTED, "right");
    }
    let x_of = |i: usize| plot.x + if n > 1 { i as f64 / (n - 1) as f64 * plot.w } else { 0.0 };
    for s in &chart.series {
        let max = if s.area { area_max } else { line_max };
        let y_of = |v: f64| plot.y + plot.h - (v / max).clamp(0.0, 1.0) * plot.h;
        ctx.begin_path();
        ctx.move_to(
            x_of(0),
            if s.area { plot.y + plot.h } else { y_of(s.values.first().copied().unwrap_or(0.0)) },
        );
        for (i, &v) in s.values.iter().enumerate() {
            ctx.line_to(x_of(i), y_of(v));
        }
        if s.area {
            ctx.line_to(x_of(n.saturating_sub(1)), plot.y + plot.h);
            ctx.close_path();
            ctx.set_global_alpha(0.35);
            ctx.set_fill_style_str(s.colour);
            ctx.fill();
            ctx.set_global_alpha(1.0);
        } else {
            ctx.set_stroke_style_str(s.colour);
            ctx.set_line_width(1.5);
            ctx.stroke();
        }
    }
    // Markers: a thin vertical line with a short label, labels kept apart.
    if let (Some(&t0), Some(&t1)) = (chart.t_s.first(), chart.t_s.last()) {
        let span = (t1 - t0).max(1e-9);
        let mut free_x = f64::MIN;
        for (t, label) in &chart.markers {
            let x = plot.x + (t - t0) / span * plot.w;
            fill(ctx, Rect { x: x - 0.5, y: plot.y, w: 1.0, h: plot.h }, MARKER);
            let label = fit(ctx, label, font, 90.0);
            let w = text_width(ctx, &label, font);
            // Right of the line, or left of it near the right edge.
            let lx = if x + 3.0 + w <= plot.right() { x + 3.0 } else { x - 3.0 - w };
            if lx >= free_x && lx >= plot.x {
                text(ctx, &label, lx, plot.y + 8.0, font, MARKER, "left");
                free_x = lx + w + 6.0;
            }
        }
    }
    // Legend, two entries a row.
    let legend_y = plot.y + plot.h + 24.0;
    for (k, s) in chart.series.iter().enumerate() {
        let (lx, ly) =
            (panel.x + 8.0 + (k % 2) as f64 * (panel.w / 2.0), legend_y + (k / 2) as f64 * 14.0);
        fill(ctx, Rect { x: lx, y: ly - 4.0, w: 10.0, h: 8.0 }, s.colour);
        let label = fit(ctx, &s.label, font, panel.w / 2.0 - 18.0);
        text(ctx, &label, lx + 14.0, ly, font, INK, "left");
    }
    if let Some(i) = hover_x.and_then(|x| chart.sample_at((x - plot.x) / plot.w)) {
        let x = x_of(i);
        fill(ctx, Rect { x: x - 0.5, y: plot.y, w: 1.0, h: plot.h }, INK);
        let lines = chart.readout(i, lang);
        let widest = lines.iter().map(|l| text_width(ctx, l, font)).fold(0.0, f64::max);
        let box_w = (widest + 12.0).max(120.0);
        let bx = if x + box_w + 8.0 > plot.right() { x - box_w - 8.0 } else { x + 8.0 };
        let bh = 14.0 * lines.len() as f64 + 6.0;
        ctx.set_global_alpha(0.92);
        fill(ctx, Rect { x: bx, y: plot.y + 2.0, w: box_w, h: bh }, "#ffffff");
        ctx.set_global_alpha(1.0);
        ctx.set_stroke_style_str("#cbd5e1");
        ctx.stroke_rect(bx, plot.y + 2.0, box_w, bh);
        for (k, line) in lines.iter().enumerate() {
            text(ctx, line, bx + 6.0, plot.y + 11.0 + 14.0 * k as f64, font, INK, "left");
        }
    }
}
