//! The producers' column: a box per producer with its rate, state, sparkline and buffer gauge.

use brook_engine::Cluster;
use web_sys::CanvasRenderingContext2d as Ctx;

use crate::model::format::compact;
use crate::model::i18n::{Lang, Msg};
use crate::model::layout::{Layout, Rect};
use crate::view::paint::{
    fill, fit, producer_colour, text, text_width, FONT_NAME, FONT_SMALL, INK, MUTED, NARROW_BOX_PX,
};

/// Every producer's box; text is cut to fit it.
pub fn producers(ctx: &Ctx, l: &Layout, c: &Cluster, lang: Lang) {
    let now = c.now_us();
    for (i, p) in c.producers().iter().enumerate() {
        let r = l.producers[i];
        let blocked = p.is_blocked();
        let throttled = p.throttled_until_us > now;
        let bg = if p.closed {
            "#f1f5f9"
        } else if blocked {
            "#fee2e2"
        } else if throttled {
            "#fef3c7"
        } else {
            "#ffffff"
        };
        fill(ctx, r, bg);
        if !p.closed {
            sparkline(ctx, r, p, now);
        }
        fill(ctx, Rect { w: 5.0, ..r }, producer_colour(i as u32));
        ctx.set_stroke_style_str(if blocked { "#dc2626" } else { "#cbd5e1" });
        ctx.set_line_width(if blocked { 2.0 } else { 1.0 });
        ctx.stroke_rect(r.x, r.y, r.w, r.h);
        let rate = lang.f(Msg::RecPerSec, &[&compact(p.current_rate(now))]);
        if r.h >= 14.0 {
            let line = if r.h >= 30.0 { r.y + 11.0 } else { r.mid_y() };
            let mut room = r.w - 16.0;
            if r.w >= NARROW_BOX_PX {
                text(ctx, &rate, r.right() - 6.0, line, FONT_SMALL, MUTED, "right");
                room -= text_width(ctx, &rate, FONT_SMALL) + 8.0;
            }
            let name = fit(ctx, &p.spec.name, FONT_NAME, room);
            text(ctx, &name, r.x + 10.0, line, FONT_NAME, INK, "left");
        }
        if r.h >= 30.0 {
            let n = |v: u64| compact(v as f64);
            let state = if r.w < NARROW_BOX_PX && !p.closed && !blocked && !throttled {
                // Narrow: the rate has no room on the name line, so it goes here.
                rate
            } else if p.closed {
                lang.f(Msg::ProducerClosed, &[&n(p.stats.sent_records)])
            } else if blocked {
                lang.t(Msg::BlockedBufferFull).to_string()
            } else if throttled {
                lang.t(Msg::Throttled).to_string()
            } else if p.stats.failed_records > 0 {
                lang.f(Msg::FailedSendsN, &[&n(p.stats.failed_records)])
            } else {
                lang.f(Msg::SentN, &[&n(p.stats.sent_records)])
            };
            let colour = if blocked || p.stats.failed_records > 0 { "#b91c1c" } else { MUTED };
            let state = fit(ctx, &state, FONT_SMALL, r.w - 16.0);
            text(ctx, &state, r.x + 10.0, r.y + 25.0, FONT_SMALL, colour, "left");
        }
        // buffer.memory gauge along the bottom edge.
        let used = p.buffer_bytes_used() as f64 / p.spec.buffer_bytes.max(1) as f64;
        let gauge =
            Rect { x: r.x + 5.0, y: r.y + r.h - 3.0, w: (r.w - 5.0) * used.min(1.0), h: 3.0 };
        fill(ctx, gauge, if used > 0.9 { "#dc2626" } else { "#94a3b8" });
    }
}

/// Seconds of rate profile a producer's sparkline spans, centred on now.
const SPARK_S: f64 = 30.0;

/// The producer's rate profile from 15 s ago to 15 s ahead, a faint line with a dot at now.
fn sparkline(ctx: &Ctx, r: Rect, p: &brook_engine::Producer, now_us: u64) {
    let area = if r.h >= 52.0 {
        // Tall box: along the bottom, under the name and state lines.
        Rect { x: r.x + 10.0, y: r.y + r.h - 17.0, w: r.w - 16.0, h: 12.0 }
    } else if r.h >= 30.0 {
        // Short box: right of the state line, under the rate.
        let h = (r.h - 22.0).min(12.0);
        Rect { x: r.x + r.w * 0.55, y: r.y + 18.0, w: r.w * 0.45 - 6.0, h }
    } else {
        return;
    };
    let points = 48;
    let start = now_us as f64 - SPARK_S * 5e5;
    let rate_at = |i: usize| {
        let t = start + SPARK_S * 1e6 * i as f64 / points as f64;
        p.spec.rate.rate_at(t.max(0.0) as u64)
    };
    let peak = p.spec.rate.peak_per_sec().max(1.0);
    let y_of = |v: f64| area.y + area.h - (v / peak).clamp(0.0, 1.0) * area.h;
    ctx.begin_path();
    ctx.move_to(area.x, y_of(rate_at(0)));
    for i in 1..=points {
        ctx.line_to(area.x + area.w * i as f64 / points as f64, y_of(rate_at(i)));
    }
    ctx.set_stroke_style_str("#94a3b8");
    ctx.set_line_width(1.0);
    ctx.stroke();
    let now_y = y_of(rate_at(points / 2));
    fill(ctx, Rect { x: area.x + area.w / 2.0 - 1.5, y: now_y - 1.5, w: 3.0, h: 3.0 }, INK);
}
