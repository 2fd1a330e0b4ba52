//! The partitions' column: a strip per partition (log cells, retention, high watermark,
//! commit markers, replica chips), or a heat strip when they are too many; the broker row.

use brook_engine::Cluster;
use web_sys::CanvasRenderingContext2d as Ctx;

use crate::model::format::compact;
use crate::model::i18n::{Lang, Msg};
use crate::model::layout::{strip_fills, Layout, Rect, StripFill, CHIP_PX, HEAT_ROWS_MAX};
use crate::view::paint::{
    fill, first_fitting, fit, group_colour, key_colour, producer_colour, text, FONT_CHIP,
    FONT_SMALL, FONT_SMALL_BOLD, INK, MUTED, STRIP,
};

/// Records shown across a strip: enough for the largest unconsumed span, rounded up.
fn strip_window(c: &Cluster) -> u64 {
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
pub fn partitions(ctx: &Ctx, l: &Layout, c: &Cluster, by_key: bool, lang: Lang) {
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
            // Deleted by retention (shaded left of the log start), then the batches.
            strip_cells(ctx, r, log, window, by_key);
            if log.high_watermark() < leo {
                // Not yet on every in-sync replica: consumers cannot read past this line.
                let hw = x_of(log.high_watermark()).max(r.x);
                ctx.set_global_alpha(0.55);
                fill(ctx, Rect { x: hw, w: r.right() - hw, ..r }, "#ffffff");
                ctx.set_global_alpha(1.0);
                fill(ctx, Rect { x: hw - 1.0, w: 2.0, ..r }, INK);
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
                fill(
                    ctx,
                    Rect { x: x - 1.5, y: r.y - 2.0, w: 3.0, h: r.h + 4.0 },
                    group_colour(gi as u32),
                );
            }
            replica_chips(ctx, r, l.replica_w, part, c.brokers());
            if part.leader.is_none() {
                fill(ctx, Rect { x: r.x, y: r.mid_y() - 1.0, w: r.w, h: 2.0 }, "#dc2626");
                let why = fit(ctx, lang.t(Msg::Offline), FONT_SMALL_BOLD, r.w - 16.0);
                text(ctx, &why, r.x + 8.0, r.mid_y(), FONT_SMALL_BOLD, "#b91c1c", "left");
            }
            if r.h >= 10.0 {
                let label = format!("{}-{pi}", t.name);
                text(ctx, &label, r.x - 6.0 - l.replica_w, r.mid_y(), FONT_SMALL, MUTED, "right");
                let end = compact(leo as f64);
                text(ctx, &end, r.right() + 6.0, r.mid_y(), FONT_SMALL, INK, "left");
            }
        }
    }
    if let Some(first) = l.partitions.first().and_then(|t| t.first()) {
        let font = FONT_SMALL;
        let full = compact(window);
        let scale = if l.dense {
            // Say what the heat strip is, where the strips would say it themselves: at length
            // if it fits the strip's width.
            let n: usize = c.topics().iter().map(|t| t.partitions.len()).sum();
            let both = [lang.f(Msg::HeatLong, &[&n, &full]), lang.f(Msg::HeatShort, &[&n, &full])];
            first_fitting(ctx, &both, font, first.w).to_string()
        } else {
            lang.f(Msg::StripWidth, &[&full])
        };
        text(ctx, &scale, first.right(), l.height - 9.0, font, MUTED, "right");
        brokers(ctx, l, c, lang);
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
    r: Rect,
    width: f64,
    part: &brook_engine::Partition,
    brokers: &[brook_engine::Broker],
) {
    if width <= 0.0 {
        return;
    }
    let h = (r.h - 4.0).clamp(3.0, 18.0);
    let y = r.mid_y() - h / 2.0;
    for (i, rep) in part.replicas.iter().enumerate() {
        let x = r.x - width + i as f64 * CHIP_PX;
        let chip = Rect { x, y, w: CHIP_PX - 2.0, h };
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
            ctx.set_line_width(1.5);
            ctx.stroke_rect(chip.x, chip.y, chip.w, chip.h);
        }
        if h >= 10.0 {
            let label = if alive { rep.broker.to_string() } else { "\u{00d7}".to_string() };
            text(ctx, &label, chip.x + chip.w / 2.0, chip.mid_y(), FONT_CHIP, fg, "center");
        }
    }
}

/// Broker boxes along the top of the centre column (click one to inspect it).
fn brokers(ctx: &Ctx, l: &Layout, c: &Cluster, lang: Lang) {
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
        // Narrow boxes (many brokers, or a tablet) get the short label.
        let labels = [lang.f(long, &[&i]), short];
        let label = first_fitting(ctx, &labels, FONT_SMALL_BOLD, r.w - 6.0);
        fill(ctx, *r, bg);
        text(ctx, label, r.x + r.w / 2.0, r.mid_y(), FONT_SMALL_BOLD, fg, "center");
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
