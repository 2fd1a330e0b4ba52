//! Draws one of the model's charts on its own canvas (its title is the box's HTML heading).

use web_sys::CanvasRenderingContext2d as Ctx;

use crate::model::charts::{no_point_note, readout_x, Chart};
use crate::model::format::compact;
use crate::model::i18n::{Lang, Msg};
use crate::model::layout::Rect;
use crate::view::paint::{face, fill, fit, text, text_width, BACKGROUND, INK, MUTED};

/// Marker lines and labels.
const MARKER: &str = "#b45309";

/// Draws `chart` on a `width` x `height` canvas (CSS px); `hover_x` is the mouse's x, for a
/// readout. The type grows with the canvas (the focus chart beside the stage), from 12 px.
pub fn draw_chart(
    ctx: &Ctx,
    chart: &Chart,
    width: f64,
    height: f64,
    hover_x: Option<f64>,
    lang: Lang,
) {
    ctx.set_fill_style_str("#ffffff");
    ctx.fill_rect(0.0, 0.0, width, height);
    ctx.set_text_baseline("middle");
    let k = (width / 360.0).min(height / 260.0).clamp(1.0, 1.6);
    let font = face("", 12.0 * k);
    let line = 14.0 * k;
    let panel = Rect { x: 0.0, y: 0.0, w: width, h: height };
    let legend_rows = chart.series.len().div_ceil(2) as f64;
    // The backlog's area has its own scale, drawn on the right axis.
    let right = if chart.has_right_scale() { 40.0 * k } else { 12.0 * k };
    // The left axis is as wide as its top label needs ("1000萬" is wider than "10M").
    let (line_max, area_max) = chart.maxima();
    let top = compact(line_max, lang);
    let left = (text_width(ctx, &top, &font) + 8.0 * k).max(40.0 * k);
    let plot = Rect {
        x: panel.x + left,
        y: panel.y + 10.0 * k,
        w: panel.w - left - right,
        h: panel.h - 10.0 * k - 18.0 * k - line * legend_rows - 6.0 * k,
    };
    if plot.w < 20.0 || plot.h < 20.0 {
        return;
    }
    fill(ctx, plot, BACKGROUND);
    text(ctx, &top, plot.x - 4.0 * k, plot.y + 4.0 * k, &font, MUTED, "right");
    text(ctx, "0", plot.x - 4.0 * k, plot.y + plot.h, &font, MUTED, "right");
    if let Some(area) = chart.series.iter().find(|s| s.area) {
        let ink = area.colour;
        text(
            ctx,
            &compact(area_max, lang),
            plot.right() + 4.0 * k,
            plot.y + 4.0 * k,
            &font,
            ink,
            "left",
        );
        text(ctx, "0", plot.right() + 4.0 * k, plot.y + plot.h, &font, ink, "left");
        fill(ctx, Rect { x: plot.right(), y: plot.y, w: 1.0, h: plot.h }, ink);
    }
    let n = chart.t_s.len();
    if let (Some(first), Some(last)) = (chart.t_s.first(), chart.t_s.last()) {
        let s = |v: f64| lang.f(Msg::Seconds, &[&format!("{v:.0}")]);
        let y = plot.y + plot.h + 9.0 * k;
        text(ctx, &s(*first), plot.x, y, &font, MUTED, "left");
        text(ctx, &s(*last), plot.right(), y, &font, MUTED, "right");
    }
    if n == 0 {
        let note = fit(ctx, &no_point_note(chart.kind, lang), &font, plot.w - 8.0 * k);
        text(ctx, &note, plot.x + plot.w / 2.0, plot.y + plot.h / 2.0, &font, MUTED, "center");
    }
    let x_of = |i: usize| plot.x + if n > 1 { i as f64 / (n - 1) as f64 * plot.w } else { 0.0 };
    for (i, s) in chart.series.iter().enumerate() {
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
        } else if n == 1 {
            // One sample (the first tenth of a second, or a Step press): a dot, not a line.
            let (x, y) = (x_of(0), y_of(s.values.first().copied().unwrap_or(0.0)));
            fill(ctx, Rect { x, y: y - 2.0 * k, w: 4.0 * k, h: 4.0 * k }, s.colour);
        } else {
            // A line a later one lies on shows as a border around it.
            let wide = chart.covered(i, line_max);
            ctx.set_stroke_style_str(s.colour);
            ctx.set_line_width(if wide { 4.5 } else { 1.5 } * k);
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
            let label = fit(ctx, label, &font, 90.0 * k);
            let w = text_width(ctx, &label, &font);
            // Right of the line, or left of it near the right edge.
            let lx = if x + 3.0 + w <= plot.right() { x + 3.0 } else { x - 3.0 - w };
            if lx >= free_x && lx >= plot.x {
                text(ctx, &label, lx, plot.y + 8.0 * k, &font, MARKER, "left");
                free_x = lx + w + 6.0 * k;
            }
        }
    }
    // Legend, two entries a row.
    let legend_y = plot.y + plot.h + 18.0 * k + line / 2.0;
    for (i, s) in chart.series.iter().enumerate() {
        let (lx, ly) = (
            panel.x + 8.0 * k + (i % 2) as f64 * (panel.w / 2.0),
            legend_y + (i / 2) as f64 * line,
        );
        fill(ctx, Rect { x: lx, y: ly - 4.0 * k, w: 10.0 * k, h: 8.0 * k }, s.colour);
        let label = fit(ctx, &s.label, &font, panel.w / 2.0 - 18.0 * k);
        text(ctx, &label, lx + 14.0 * k, ly, &font, INK, "left");
    }
    if let Some(i) = hover_x.and_then(|x| chart.sample_at((x - plot.x) / plot.w)) {
        let x = x_of(i);
        fill(ctx, Rect { x: x - 0.5, y: plot.y, w: 1.0, h: plot.h }, INK);
        let lines = chart.readout(i, lang);
        let widest = lines.iter().map(|l| text_width(ctx, l, &font)).fold(0.0, f64::max);
        // Inside the canvas at both edges (issue 10: readouts were cut at the left edge).
        let box_w = (widest + 12.0 * k).max(120.0 * k).min(panel.w - 4.0);
        let bx = readout_x(x, box_w, panel.x + 2.0, panel.right() - 2.0);
        let bh = line * lines.len() as f64 + 6.0 * k;
        ctx.set_global_alpha(0.92);
        fill(ctx, Rect { x: bx, y: plot.y + 2.0, w: box_w, h: bh }, "#ffffff");
        ctx.set_global_alpha(1.0);
        ctx.set_stroke_style_str("#cbd5e1");
        ctx.set_line_width(1.0);
        ctx.stroke_rect(bx, plot.y + 2.0, box_w, bh);
        for (j, l) in lines.iter().enumerate() {
            let l = fit(ctx, l, &font, box_w - 12.0 * k);
            let y = plot.y + 2.0 + 3.0 * k + line * (j as f64 + 0.5);
            text(ctx, &l, bx + 6.0 * k, y, &font, INK, "left");
        }
    }
}
