//! The partitions' column: a strip per partition (log cells, retention, high watermark,
//! commit markers, replica chips), or a heat strip when they are too many; the broker row.
//! In presenter mode a strip is a filled bar, without batch cells or replica chips.

use brook_engine::Cluster;
use web_sys::CanvasRenderingContext2d as Ctx;

use super::terms;
use crate::model::capacity::GAUGE_FULL;
use crate::model::format::compact;
use crate::model::i18n::{Lang, Msg};
use crate::model::layout::{strip_fills, Layout, Rect, StripFill, HEAT_ROWS_MAX};
use crate::model::plates::Plate;
use crate::model::stage_terms::StageTerm;
use crate::view::paint::{
    clipped, fill, first_fitting, fit, fit_tail, group_colour, key_colour, producer_colour, text,
    text_width, Faces, INK, MUTED, STRIP,
};

/// The log as one filled bar in presenter mode (no batch cells).
const LOG_BAR: &str = "#3b82f6";

/// Records shown across a strip: enough for the largest unconsumed span, rounded up.
pub(super) fn strip_window(c: &Cluster) -> u64 {
    let mut span = 100u64;
    for (ti, t) in c.topics().iter().enumerate() {
        for (pi, part) in t.partitions.iter().enumerate() {
            let log = &part.log;
            let tp = brook_engine::Tp { topic: ti as u16, partition: pi as u32 };
            let oldest = c
                .groups()
                .iter()
                .filter(|g| g.topics.contains(&(ti as u16)))
                .map(|g| {
                    let start = log.log_start_offset();
                    g.resume_offset(tp, start, log.high_watermark()).max(start)
                })
                .min()
                .unwrap_or(log.log_start_offset());
            span = span.max(log.log_end_offset().saturating_sub(oldest));
        }
    }
    // Round up to 1, 2 or 5 times a power of ten so the scale changes rarely.
    let mut nice = 100u64;
    while nice < span + span / 5 {
        nice = match nice.to_string().as_bytes()[0] {
            b'1' => nice * 2,
            b'2' => nice / 2 * 5,
            _ => nice * 2,
        };
    }
    nice
}

/// Colour of the offsets deleted by retention.
const DELETED: &str = "#cbd5e1";

/// Every partition's strip (or the heat strip), with the scale and the broker row.
/// `plates`: this frame's fault marks (`model::plates`), which take a strip's right half.
pub fn partitions(
    ctx: &Ctx,
    l: &Layout,
    c: &Cluster,
    f: &Faces,
    (by_key, plates): (bool, &[Plate]),
    lang: Lang,
) {
    let k = l.scale;
    let window = strip_window(c) as f64;
    if l.dense {
        heat_strip(ctx, l, c, window);
    }
    for (ti, t) in c.topics().iter().enumerate() {
        if l.dense {
            break;
        }
        for (pi, part) in t.partitions.iter().enumerate() {
            let log = &part.log;
            let r = l.partitions[ti][pi];
            let leo = log.log_end_offset();
            let x_of = |o: u64| r.right() - (leo.saturating_sub(o) as f64 / window) * r.w;
            fill(ctx, r, STRIP);
            if l.presenter {
                // Deleted by retention (shaded left of the log start), then one filled bar.
                let start_x = x_of(log.log_start_offset()).max(r.x);
                if log.log_start_offset() > 0 && start_x > r.x {
                    fill(ctx, Rect { w: start_x - r.x, ..r }, DELETED);
                }
                let to = x_of(leo).min(r.right());
                fill(ctx, Rect { x: start_x, w: (to - start_x).max(0.0), ..r }, LOG_BAR);
            } else {
                // Deleted by retention (shaded left of the log start), then the batches.
                strip_cells(ctx, r, log, window, by_key);
            }
            if log.high_watermark() < leo {
                // Not yet on every in-sync replica: consumers cannot read past this line.
                let hw = x_of(log.high_watermark()).max(r.x);
                ctx.set_global_alpha(0.55);
                fill(ctx, Rect { x: hw, w: r.right() - hw, ..r }, "#ffffff");
                ctx.set_global_alpha(1.0);
                fill(ctx, Rect { x: hw - 1.0, w: 2.0, ..r }, INK);
                terms::region(Rect { x: hw - 1.0, w: 2.0, ..r }, StageTerm::HighWatermark);
            }
            for (gi, g) in c.groups().iter().enumerate() {
                if !g.topics.contains(&(ti as u16)) {
                    continue;
                }
                // The committed offset; before the first commit, where the group reads from.
                let tp = brook_engine::Tp { topic: ti as u16, partition: pi as u32 };
                let start = log.log_start_offset();
                let committed = g.resume_offset(tp, start, log.high_watermark());
                let x = x_of(committed.max(start)).max(r.x);
                let m = 1.5 * k;
                let marker = Rect { x: x - m, y: r.y - 2.0 * k, w: 2.0 * m, h: r.h + 4.0 * k };
                fill(ctx, marker, group_colour(gi as u32));
                terms::region(marker, StageTerm::Committed);
            }
            replica_chips(ctx, l, r, part, c.brokers(), f);
            let tp = brook_engine::Tp { topic: ti as u16, partition: pi as u32 };
            if let Some(ms) = crate::model::capacity::slow_ack_ms(c, tp) {
                // Produce latency on a saturated leader: on a plate at the strip's left, in
                // its left half while a fault mark takes the right, else across it.
                // Without room for "to ack", the milliseconds alone; from a second, seconds.
                let secs = (ms >= 999.5)
                    .then(|| lang.f(Msg::MarkSlowAckSecs, &[&format!("{:.1}", ms / 1000.0)]));
                let ms = format!("{ms:.0}");
                let what: Vec<String> =
                    [lang.f(Msg::MarkSlowAck, &[&ms]), lang.f(Msg::MarkSlowAckShort, &[&ms])]
                        .into_iter()
                        .chain(secs)
                        .collect();
                let marked = plates.iter().any(|p| p.band.overlaps(&r));
                let room = if marked { r.w / 2.0 } else { r.w - 4.0 * k };
                let what = first_fitting(ctx, &what, &f.small_bold, room - 8.0 * k);
                let w = text_width(ctx, &what, &f.small_bold) + 8.0 * k;
                let h = (l.line_h() + 2.0 * k).min(r.h);
                fill(ctx, Rect { x: r.x + 2.0 * k, y: r.mid_y() - h / 2.0, w, h }, "#fff1f2");
                text(ctx, &what, r.x + 6.0 * k, r.mid_y(), &f.small_bold, "#b91c1c", "left");
            }
            if part.leader.is_none() {
                fill(ctx, Rect { x: r.x, y: r.mid_y() - k, w: r.w, h: 2.0 * k }, "#dc2626");
                // The left half: a fault mark may take the right half.
                let why = fit(ctx, lang.t(Msg::Offline), &f.small_bold, r.w / 2.0 - 8.0 * k);
                text(ctx, &why, r.x + 8.0 * k, r.mid_y(), &f.small_bold, "#b91c1c", "left");
                terms::term(ctx, &why, r.x + 8.0 * k, r.mid_y(), StageTerm::Isr);
            }
            if r.h >= l.fonts.small * 0.9 {
                let (name, end) = (l.partition_labels[ti][pi], l.offset_labels[ti][pi]);
                let label = fit_tail(ctx, &t.name, &format!("-{pi}"), &f.small, name.w);
                text(ctx, &label, name.right(), r.mid_y(), &f.small, MUTED, "right");
                terms::term(ctx, &label, name.right(), r.mid_y(), StageTerm::Partition);
                let offset = fit(ctx, &compact(leo as f64, lang), &f.small, end.w);
                text(ctx, &offset, end.x, r.mid_y(), &f.small, INK, "left");
                terms::term(ctx, &offset, end.x, r.mid_y(), StageTerm::LogEnd);
            } else {
                clipped(); // rows too thin for their names (and offsets)
            }
        }
    }
    if let Some(first) = l.partitions.first().and_then(|t| t.first()) {
        let font = &f.small;
        let full = compact(window, lang);
        let scale = if l.dense {
            // Say what the heat strip is, where the strips would say it themselves: at length
            // if it fits the strip's width.
            let n: usize = c.topics().iter().map(|t| t.partitions.len()).sum();
            let both = [lang.f(Msg::HeatLong, &[&n, &full]), lang.f(Msg::HeatShort, &[&n, &full])];
            first_fitting(ctx, &both, font, first.w)
        } else {
            fit(ctx, &lang.f(Msg::StripWidth, &[&full]), font, l.scale_label.w)
        };
        let y = l.scale_label.mid_y();
        text(ctx, &scale, l.scale_label.right(), y, font, MUTED, "right");
        let heat = l.dense.then_some(StageTerm::Lag);
        terms::term_if(ctx, &scale, l.scale_label.right(), y, heat);
        brokers(ctx, l, c, f, lang);
    }
}

/// A strip's cells: the deleted band, then batches coloured by producer or key.
fn strip_cells(ctx: &Ctx, r: Rect, log: &brook_engine::PartitionLog, window: f64, by_key: bool) {
    for (cell, how) in strip_fills(log, r, window) {
        let colour = match how {
            StripFill::Deleted => DELETED,
            StripFill::Batch { producer, key } => {
                if by_key {
                    key_colour(key)
                } else {
                    producer_colour(producer)
                }
            }
        };
        fill(ctx, cell, colour);
    }
}

/// One chip per replica left of the strip: the leader dark, in-sync followers grey, followers
/// out of the ISR outlined in red, replicas on a dead broker crossed out. Chips show broker ids.
fn replica_chips(
    ctx: &Ctx,
    l: &Layout,
    r: Rect,
    part: &brook_engine::Partition,
    brokers: &[brook_engine::Broker],
    f: &Faces,
) {
    let (width, k) = (l.replica_w, l.scale);
    if width <= 0.0 {
        return;
    }
    let h = (r.h - 4.0 * k).clamp(3.0, 18.0 * k);
    let y = r.mid_y() - h / 2.0;
    for (i, rep) in part.replicas.iter().enumerate() {
        let x = r.x - width + i as f64 * l.chip_w;
        let chip = Rect { x, y, w: l.chip_w - 2.0 * k, h };
        let alive = brokers.get(rep.broker as usize).is_some_and(|b| b.alive);
        // A replica being added by a move is copying, not failing: amber, not red.
        let joining = part.moving.is_some_and(|(_, new)| new == i) && !part.in_isr(i);
        let (bg, fg) = if !alive {
            ("#e2e8f0", "#94a3b8")
        } else if part.leader == Some(i) {
            ("#0f172a", "#ffffff")
        } else if part.in_isr(i) {
            ("#94a3b8", "#ffffff")
        } else if joining {
            ("#fef3c7", "#92400e")
        } else {
            ("#ffffff", "#b91c1c")
        };
        fill(ctx, chip, bg);
        if alive && part.leader != Some(i) && !part.in_isr(i) {
            ctx.set_stroke_style_str(if joining { "#d97706" } else { "#dc2626" });
            ctx.set_line_width(1.5 * k);
            ctx.stroke_rect(chip.x, chip.y, chip.w, chip.h);
        }
        if h >= l.fonts.chip {
            let label = if alive { rep.broker.to_string() } else { "\u{00d7}".to_string() };
            text(ctx, &label, chip.x + chip.w / 2.0, chip.mid_y(), &f.chip, fg, "center");
        }
    }
    let chips = Rect { x: r.x - width, y, w: part.replicas.len() as f64 * l.chip_w, h };
    terms::region(chips, StageTerm::Replicas);
}

/// Broker boxes along the top of the centre column (click one to inspect it). When the
/// brokers have limits, each box carries four gauges along its bottom: request queue, network
/// in, network out, disk write, top to bottom (`model::capacity`), red when full; under a box
/// with a full gauge, where the partitions leave room, the first full one is named.
fn brokers(ctx: &Ctx, l: &Layout, c: &Cluster, f: &Faces, lang: Lang) {
    let limited = crate::model::capacity::limited(c);
    let rows_top = l.partitions.iter().flatten().next().map_or(0.0, |p| p.y);
    for (i, r) in l.brokers.iter().enumerate() {
        let alive = c.brokers().get(i).is_some_and(|b| b.alive);
        let leaving = c.brokers().get(i).is_some_and(|b| b.leaving);
        let (bg, fg, long, short) = match (alive, leaving) {
            (false, _) => ("#fecaca", "#991b1b", Msg::BrokerDownLabel, format!("b{i} \u{00d7}")),
            (true, true) => {
                ("#fef3c7", "#92400e", Msg::BrokerLeavingLabel, format!("b{i} \u{2192}"))
            }
            (true, false) => ("#dcfce7", "#166534", Msg::BrokerLabel, format!("b{i}")),
        };
        // Narrow boxes (many brokers, or a tablet) get the short label; narrower still, the
        // id alone, and a down broker's box is crossed out, as its replicas' chips are (so
        // more than the box's colour says it is down).
        let labels = [lang.f(long, &[&i]), short, format!("b{i}")];
        let label = first_fitting(ctx, &labels, &f.small_bold, r.w - 6.0 * l.scale);
        fill(ctx, *r, bg);
        let k = l.scale;
        if !alive && label == labels[2] {
            ctx.set_stroke_style_str(fg);
            ctx.set_line_width(k);
            ctx.begin_path();
            ctx.move_to(r.x, r.y);
            ctx.line_to(r.right(), r.bottom());
            ctx.stroke();
        }
        let label_y = if limited { r.y + 7.0 * k } else { r.mid_y() };
        text(ctx, &label, r.x + r.w / 2.0, label_y, &f.small_bold, fg, "center");
        terms::region(*r, StageTerm::Broker);
        if limited && alive {
            // Four bars, top to bottom: request queue, network in, network out, disk write.
            let g = crate::model::capacity::broker_gauges(c, i);
            let fills = g.fills();
            let w = r.w - 6.0 * k;
            for (j, v) in fills.into_iter().enumerate() {
                let y = r.y + 13.0 * k + j as f64 * 3.0 * k;
                let slot = Rect { x: r.x + 3.0 * k, y, w, h: 2.0 * k };
                fill(ctx, slot, "#ffffff");
                let colour = if v >= GAUGE_FULL {
                    "#dc2626"
                } else if v >= 0.6 {
                    "#d97706"
                } else {
                    "#475569"
                };
                fill(ctx, Rect { w: w * v, ..slot }, colour);
            }
            if let Some(full) = g.full() {
                ctx.set_stroke_style_str("#dc2626");
                ctx.set_line_width(1.5 * k);
                ctx.stroke_rect(r.x, r.y, r.w, r.h);
                // Centred under the box, no wider than the box and the gap to the next: one
                // line ("queue full") where the partitions leave room and it fits, else two.
                let (line_h, max_w) = (14.0 * k, r.w + 4.0 * k);
                let name = lang.t(full.name());
                let one = lang.f(Msg::GaugeFullOf, &[&name]);
                let lines = if text_width(ctx, &one, &f.small_bold) <= max_w {
                    vec![one]
                } else if text_width(ctx, name, &f.small_bold) <= max_w {
                    vec![name.to_string(), lang.t(Msg::GaugeFull).into()]
                } else {
                    vec![lang.t(Msg::GaugeFull).to_string()]
                };
                // Where two lines do not fit, or the gauge's name does not, "full" alone (the
                // red outline and the red gauge say which);
                // where not even that, the label is counted as cut, as any label is.
                let room = rows_top - r.bottom() - 2.0 * k;
                let lines = if room >= line_h * lines.len() as f64 {
                    lines
                } else if room >= line_h {
                    vec![lang.t(Msg::GaugeFull).to_string()]
                } else {
                    clipped();
                    Vec::new()
                };
                for (j, line) in lines.iter().enumerate() {
                    let y = r.bottom() + 2.0 * k + line_h * (j as f64 + 0.5);
                    text(ctx, line, r.x + r.w / 2.0, y, &f.small_bold, "#dc2626", "center");
                }
            }
        }
    }
}

/// Dense view: one bar per pixel row, as long as and as dark as the largest group lag of the
/// partitions in that row. Rows are whole pixels and each shade is one path, so 1024
/// partitions cost at most one rectangle per pixel row and eight fills.
fn heat_strip(ctx: &Ctx, l: &Layout, c: &Cluster, window: f64) {
    let (Some(a), Some(b)) =
        (l.partitions.iter().flatten().next(), l.partitions.iter().flatten().last())
    else {
        return;
    };
    fill(ctx, Rect { h: b.y + b.h - a.y, ..*a }, STRIP);
    let top = a.y.floor();
    let rows = ((b.y + b.h).ceil() - top).max(1.0) as usize;
    let mut lag_of_row = vec![0f64; rows.min(HEAT_ROWS_MAX)];
    for (ti, t) in c.topics().iter().enumerate() {
        let readers: Vec<&brook_engine::Group> =
            c.groups().iter().filter(|g| g.topics.contains(&(ti as u16))).collect();
        for (pi, part) in t.partitions.iter().enumerate() {
            let log = &part.log;
            let tp = brook_engine::Tp { topic: ti as u16, partition: pi as u32 };
            let (start, hw) = (log.log_start_offset(), log.high_watermark());
            let lag = readers
                .iter()
                .map(|g| log.lag_from(g.resume_offset(tp, start, hw)))
                .max()
                .unwrap_or(0);
            let row =
                ((l.partitions[ti][pi].mid_y() - top).max(0.0) as usize).min(lag_of_row.len() - 1);
            lag_of_row[row] = lag_of_row[row].max(lag as f64 / window);
        }
    }
    let last = HEAT_SHADES.len() - 1;
    let shade_of = |f: f64| ((f.clamp(0.0, 1.0) * last as f64).round() as usize).min(last);
    for (shade, colour) in HEAT_SHADES.iter().enumerate() {
        ctx.begin_path();
        for (row, &f) in lag_of_row.iter().enumerate() {
            if shade_of(f) == shade {
                ctx.rect(a.x, top + row as f64, a.w * f.clamp(0.02, 1.0), 1.0);
            }
        }
        ctx.set_fill_style_str(colour);
        ctx.fill();
    }
}

/// Light to dark orange for the heat strip.
const HEAT_SHADES: [&str; 8] =
    ["#fbe3d6", "#f8cdb4", "#f5b48f", "#f29a6a", "#ef8146", "#ec6a26", "#d95a17", "#b84a12"];
