//! The producers' column: a box per producer with its rate, state, sparkline and buffer gauge,
//! sized by the layout's scale.

use brook_engine::Cluster;
use web_sys::CanvasRenderingContext2d as Ctx;

use super::terms;
use crate::model::capacity::{
    buffer_fill, in_flight_fill, producer_chain, rate_label, ProducerChain,
};
use crate::model::format::compact;
use crate::model::i18n::{Lang, Msg};
use crate::model::layout::{Layout, Rect};
use crate::model::stage_terms::StageTerm;
use crate::view::paint::{
    clipped, fill, first_fitting, fit, producer_colour, text, text_width, Faces, RectBatch, INK,
    MUTED,
};

/// Every producer's box; text is cut to fit it (and counted when it is). The boxes, colour
/// strips, outlines and gauges are drawn in batches, layer by layer (a production-size cluster
/// has 128 producers): backgrounds, sparklines, strips, outlines, text, gauges.
pub fn producers(ctx: &Ctx, l: &Layout, c: &Cluster, f: &Faces, lang: Lang) {
    let now = c.now_us();
    let k = l.scale;
    let blocked = |p: &brook_engine::Producer| producer_chain(p) != ProducerChain::Sending;
    let mut backs = RectBatch::default();
    let mut strips = RectBatch::default();
    let mut gauges = RectBatch::default();
    for (i, p) in c.producers().iter().enumerate() {
        let r = l.producers[i];
        let bg = if p.closed {
            "#f1f5f9"
        } else if blocked(p) {
            "#fee2e2"
        } else if p.throttled_until_us > now {
            "#fef3c7"
        } else {
            "#ffffff"
        };
        backs.fill(r, bg);
        strips.fill(Rect { w: 5.0 * k, ..r }, producer_colour(i as u32));
        // The outline: 1 px grey in the batch, or 2 px red for a blocked producer (below).
        if !blocked(p) {
            strips.outline(r, "#cbd5e1");
        }
        // buffer.memory gauge along the bottom edge, the in-flight requests (busiest partition,
        // of max.in.flight.requests.per.connection) just above it.
        let (gx, gh) = (5.0 * k, 3.0 * k);
        for (row, used) in [buffer_fill(p), in_flight_fill(p)].into_iter().enumerate() {
            let y = r.y + r.h - gh * (row as f64 + 1.0) - row as f64 * k;
            let gauge = Rect { x: r.x + gx, y, w: (r.w - gx) * used, h: gh };
            gauges.fill(gauge, if used > 0.9 { "#dc2626" } else { "#94a3b8" });
            if row == 0 {
                terms::region(Rect { w: r.w - gx, ..gauge }, StageTerm::Buffer);
            }
        }
    }
    backs.draw(ctx);
    // A row thinner than a line of type (a production-size cluster's 128 producers) has no
    // room for a sparkline nor a name: neither is drawn, nor measured.
    let lined = |r: Rect| r.h >= l.fonts.name * 1.1;
    // Where each lined box writes its rate, measured once for the sparkline and the labels.
    let places: Vec<Option<RatePlace>> = c
        .producers()
        .iter()
        .zip(&l.producers)
        .map(|(p, &r)| lined(r).then(|| rate_place(ctx, l, r, p, f, lang, now)))
        .collect();
    for (i, p) in c.producers().iter().enumerate() {
        if let (false, Some(rate)) = (p.closed, &places[i]) {
            sparkline(ctx, l.producers[i], p, now, k, rate.by_spark_w);
        }
    }
    strips.draw(ctx);
    ctx.set_stroke_style_str("#dc2626");
    ctx.set_line_width(2.0);
    for (i, p) in c.producers().iter().enumerate() {
        if blocked(p) {
            let r = l.producers[i];
            ctx.stroke_rect(r.x, r.y, r.w, r.h);
        }
    }
    for ((p, &r), place) in c.producers().iter().zip(&l.producers).zip(places) {
        match place {
            Some(rate) => labels(ctx, (l, r, rate), p, f, lang, now),
            None => clipped(),
        }
    }
    gauges.draw(ctx);
}

/// A producer's name, rate and state in its box `r` (tall enough for a line of type).
/// `rate`: where its rate goes ([`rate_place`]).
fn labels(
    ctx: &Ctx,
    (l, r, rate): (&Layout, Rect, RatePlace),
    p: &brook_engine::Producer,
    f: &Faces,
    lang: Lang,
    now: u64,
) {
    let k = l.scale;
    let chain = producer_chain(p);
    let blocked = chain != ProducerChain::Sending;
    let throttled = p.throttled_until_us > now;
    let two_lines = r.h >= 30.0 * k;
    let room = r.w - 16.0 * k;
    let RatePlace { text: rate, w: rate_w, beside: rate_beside, by_spark_w } = rate;
    let line = if two_lines { r.y + 11.0 * k } else { r.mid_y() };
    let mut name_room = room;
    if rate_beside {
        text(ctx, &rate, r.right() - 6.0 * k, line, &f.small, MUTED, "right");
        name_room -= rate_w + 8.0 * k;
    } else if by_spark_w > 0.0 {
        // Raised off the gauges along the bottom edge.
        text(ctx, &rate, r.right() - 6.0 * k, r.bottom() - 13.0 * k, &f.small, MUTED, "right");
    }
    let name = fit(ctx, &p.spec.name, &f.name, name_room);
    text(ctx, &name, r.x + 10.0 * k, line, &f.name, INK, "left");
    if two_lines {
        let n = |v: u64| compact(v as f64, lang);
        // A narrow box writes a failing producer's count without "failing:" (the box is red
        // and outlined already), and a blocked one without why.
        let mut short = None;
        let state = if !rate_beside && by_spark_w == 0.0 && !p.closed && !blocked && !throttled {
            // No room for the rate on the name line: it goes here.
            rate
        } else if p.closed {
            lang.f(Msg::ProducerClosed, &[&n(p.stats.sent_records)])
        } else if chain == ProducerChain::Failing {
            let failed = p.stats.failed_records + p.stats.expired_records;
            short = Some(lang.f(Msg::ProducerFailingShort, &[&n(failed)]));
            lang.f(Msg::ProducerFailing, &[&n(failed)])
        } else if blocked {
            // A narrow box says "blocked" alone: its buffer gauge shows the buffer full.
            short = Some(lang.t(Msg::BlockedShort).to_string());
            lang.t(Msg::BlockedBufferFull).to_string()
        } else if throttled {
            lang.t(Msg::Throttled).to_string()
        } else if p.stats.failed_records > 0 {
            lang.f(Msg::FailedSendsN, &[&n(p.stats.failed_records)])
        } else {
            lang.f(Msg::SentN, &[&n(p.stats.sent_records)])
        };
        let colour = if blocked || p.stats.failed_records > 0 { "#b91c1c" } else { MUTED };
        let words: Vec<String> = [Some(state), short].into_iter().flatten().collect();
        let state = first_fitting(ctx, &words, &f.small, room);
        text(ctx, &state, r.x + 10.0 * k, r.y + 25.0 * k, &f.small, colour, "left");
        let why = [(blocked, StageTerm::Buffer), (throttled, StageTerm::Quota)];
        let why = why.into_iter().find(|w| w.0 && !p.closed).map(|w| w.1);
        terms::term_if(ctx, &state, r.x + 10.0 * k, r.y + 25.0 * k, why);
    }
}

/// Where a producer's rate is written: right of its name if both fit; else, in a box tall
/// enough for the sparkline along its bottom, at the sparkline's right (`by_spark_w` the
/// width it takes there), so the second line keeps the producer's state ("sent 2.1萬"); else
/// on the second line instead of the state.
struct RatePlace {
    text: String,
    w: f64,
    beside: bool,
    by_spark_w: f64,
}

fn rate_place(
    ctx: &Ctx,
    l: &Layout,
    r: Rect,
    p: &brook_engine::Producer,
    f: &Faces,
    lang: Lang,
    now: u64,
) -> RatePlace {
    let k = l.scale;
    let text = rate_label(p, now, lang);
    let (name_w, w) = (text_width(ctx, &p.spec.name, &f.name), text_width(ctx, &text, &f.small));
    let beside = name_w + 8.0 * k + w <= r.w - 16.0 * k;
    // The sparkline keeps at least 40% of the row.
    let fits_spark_row = w + 8.0 * k <= spark_row(r, k).w * 0.6;
    let by_spark_w =
        if !beside && tall(r, k) && !p.closed && fits_spark_row { w + 8.0 * k } else { 0.0 };
    RatePlace { text, w, beside, by_spark_w }
}

/// Whether box `r` is tall enough for the sparkline along its bottom.
fn tall(r: Rect, k: f64) -> bool {
    r.h >= 52.0 * k
}

/// The sparkline's row along the bottom of a tall box.
fn spark_row(r: Rect, k: f64) -> Rect {
    Rect { x: r.x + 10.0 * k, y: r.y + r.h - 17.0 * k, w: r.w - 16.0 * k, h: 12.0 * k }
}

/// Seconds of rate profile a producer's sparkline spans, centred on now.
const SPARK_S: f64 = 30.0;

/// The producer's rate profile from 15 s ago to 15 s ahead, a faint line with a dot at now.
/// `rate_w`: the width the rate takes at the right of a tall box's sparkline row.
fn sparkline(ctx: &Ctx, r: Rect, p: &brook_engine::Producer, now_us: u64, k: f64, rate_w: f64) {
    let area = if tall(r, k) {
        // Tall box: along the bottom, under the name and state lines.
        let row = spark_row(r, k);
        Rect { w: row.w - rate_w, ..row }
    } else if r.h >= 30.0 * k {
        // Short box: right of the state line, under the rate.
        let h = (r.h - 22.0 * k).min(12.0 * k);
        Rect { x: r.x + r.w * 0.55, y: r.y + 18.0 * k, w: r.w * 0.45 - 6.0 * k, h }
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
    ctx.set_line_width(k);
    ctx.stroke();
    let now_y = y_of(rate_at(points / 2));
    let d = 3.0 * k;
    fill(ctx, Rect { x: area.x + area.w / 2.0 - d / 2.0, y: now_y - d / 2.0, w: d, h: d }, INK);
}
