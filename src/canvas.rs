//! Draws the stage on the canvas each animation frame, from the engine state and the scene.

use brook_engine::Cluster;

use crate::consumers::SetKind;
use web_sys::CanvasRenderingContext2d as Ctx;

use crate::scene::{dot_radius, FlightKind, Layout, Rect};
use crate::sim::Sim;

/// Background colour; the end-to-end test counts pixels that differ from it.
pub const BACKGROUND: &str = "#f8fafc";
const INK: &str = "#0f172a";
const MUTED: &str = "#64748b";
const STRIP: &str = "#e2e8f0";

/// Producer colours (batches are coloured by producer).
pub const PRODUCER_COLOURS: [&str; 8] =
    ["#2563eb", "#db2777", "#059669", "#d97706", "#7c3aed", "#0891b2", "#dc2626", "#4d7c0f"];
/// Group colours (commit markers, fetched data).
pub const GROUP_COLOURS: [&str; 6] =
    ["#ea580c", "#0d9488", "#9333ea", "#be123c", "#1d4ed8", "#65a30d"];

fn producer_colour(i: u32) -> &'static str {
    PRODUCER_COLOURS[i as usize % PRODUCER_COLOURS.len()]
}

/// Producer and member boxes narrower than this, px, put their figures on a second line.
const NARROW_BOX_PX: f64 = 175.0;

/// Twelve hues for keys (key index modulo 12); keyless records are grey.
pub const KEY_COLOURS: [&str; 12] = [
    "#e11d48", "#f97316", "#eab308", "#84cc16", "#10b981", "#06b6d4", "#3b82f6", "#6366f1",
    "#a855f7", "#ec4899", "#78716c", "#0f766e",
];

fn key_colour(key: u32) -> &'static str {
    if key == u32::MAX {
        "#94a3b8"
    } else {
        KEY_COLOURS[key as usize % KEY_COLOURS.len()]
    }
}

fn group_colour(i: u32) -> &'static str {
    GROUP_COLOURS[i as usize % GROUP_COLOURS.len()]
}

fn text(ctx: &Ctx, s: &str, x: f64, y: f64, font: &str, colour: &str, align: &str) {
    ctx.set_font(font);
    ctx.set_fill_style_str(colour);
    ctx.set_text_align(align);
    // Drawing text cannot fail for a valid context; nothing useful to do if it did.
    let _ = ctx.fill_text(s, x, y);
}

fn fill(ctx: &Ctx, r: Rect, colour: &str) {
    ctx.set_fill_style_str(colour);
    ctx.fill_rect(r.x, r.y, r.w, r.h);
}

/// Compact count: 950, 12.3k, 4.5M.
pub fn compact(n: f64) -> String {
    if n >= 1e6 {
        format!("{:.1}M", n / 1e6)
    } else if n >= 1e4 {
        format!("{:.0}k", n / 1e3)
    } else if n >= 1e3 {
        format!("{:.1}k", n / 1e3)
    } else {
        format!("{n:.0}")
    }
}

/// Draws one frame. `width`/`height` are CSS pixels (the caller scales for devicePixelRatio).
pub fn draw(ctx: &Ctx, sim: &Sim, width: f64, height: f64, now_ms: f64, reduced_motion: bool) {
    let c = &sim.cluster;
    let layout = Layout::new(c, width, height);
    ctx.set_fill_style_str(BACKGROUND);
    ctx.fill_rect(0.0, 0.0, width, height);
    ctx.set_text_baseline("middle");
    headings(ctx, &layout, c);
    assignment_lines(ctx, &layout, c);
    producers(ctx, &layout, c);
    partitions(ctx, &layout, c, sim.colour_by_key);
    consumers(ctx, &layout, &sim.rates);
    flights(ctx, &layout, sim, now_ms, reduced_motion);
    marks(ctx, &layout, sim, now_ms);
}

/// Faults, written where they happened, fading out.
fn marks(ctx: &Ctx, l: &Layout, sim: &Sim, now_ms: f64) {
    for m in &sim.flights.marks {
        let Some((x, y)) = l.anchor(m.at, false) else { continue };
        let age = ((now_ms - m.born_ms) / crate::scene::MARK_MS).clamp(0.0, 1.0);
        ctx.set_global_alpha(1.0 - age * 0.8);
        let (tx, align) = match m.at {
            crate::scene::Endpoint::Member(..) => (x - 6.0, "right"),
            _ => (x + 4.0, "left"),
        };
        text(ctx, &m.text, tx, y - 12.0, "600 11px system-ui, sans-serif", "#b91c1c", align);
    }
    ctx.set_global_alpha(1.0);
}

fn headings(ctx: &Ctx, l: &Layout, c: &Cluster) {
    let font = "600 13px system-ui, sans-serif";
    if let Some(p) = l.producers.first() {
        text(ctx, "Producers", p.x, 16.0, font, INK, "left");
    }
    if let Some(s) = l.partitions.first().and_then(|t| t.first()) {
        let names: Vec<&str> = c.topics().iter().map(|t| t.name.as_str()).collect();
        let mut title = format!("Partitions of {}", names.join(", "));
        // The broker boxes share this row: a long title gives way to a short one (13 px
        // system-ui averages about 7.3 px a character).
        let room = l.brokers.first().map_or(f64::INFINITY, |b| b.x - s.x - 8.0);
        if title.chars().count() as f64 * 7.3 > room {
            title = "Partitions".into();
        }
        text(ctx, &title, s.x, 16.0, font, INK, "left");
    }
    if let Some(g) = l.groups.first() {
        text(ctx, "Consumers", g.x, 16.0, font, INK, "left");
    }
}

fn assignment_lines(ctx: &Ctx, l: &Layout, c: &Cluster) {
    ctx.set_line_width(1.0);
    ctx.set_global_alpha(0.25);
    for (gi, g) in c.groups().iter().enumerate() {
        ctx.set_stroke_style_str(group_colour(gi as u32));
        for (mi, m) in g.members.iter().enumerate() {
            let Some(mr) = l.members[gi].get(mi) else {
                continue;
            };
            for tp in &m.assigned {
                let Some(pr) =
                    l.partitions.get(tp.topic as usize).and_then(|t| t.get(tp.partition as usize))
                else {
                    continue;
                };
                ctx.begin_path();
                ctx.move_to(pr.right() + 40.0, pr.mid_y());
                ctx.line_to(mr.x, mr.mid_y());
                ctx.stroke();
            }
        }
    }
    ctx.set_global_alpha(1.0);
}

fn producers(ctx: &Ctx, l: &Layout, c: &Cluster) {
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
        if r.h >= 14.0 {
            let rate = format!("{} rec/s", compact(p.current_rate(now)));
            let line = if r.h >= 30.0 { r.y + 11.0 } else { r.mid_y() };
            text(
                ctx,
                &p.spec.name,
                r.x + 10.0,
                line,
                "600 12px system-ui, sans-serif",
                INK,
                "left",
            );
            if r.w >= NARROW_BOX_PX {
                text(
                    ctx,
                    &rate,
                    r.right() - 6.0,
                    line,
                    "11px system-ui, sans-serif",
                    MUTED,
                    "right",
                );
            }
        }
        if r.h >= 30.0 {
            let state = if r.w < NARROW_BOX_PX && !p.closed && !blocked && !throttled {
                // Narrow: the rate has no room on the name line, so it goes here.
                format!("{} rec/s", compact(p.current_rate(now)))
            } else if p.closed {
                format!("closed; sent {}", compact(p.stats.sent_records as f64))
            } else if blocked {
                "blocked: buffer full".to_string()
            } else if throttled {
                "throttled by quota".to_string()
            } else if p.stats.failed_records > 0 {
                format!("{} failed sends", compact(p.stats.failed_records as f64))
            } else {
                format!("sent {}", compact(p.stats.sent_records as f64))
            };
            let colour = if blocked || p.stats.failed_records > 0 { "#b91c1c" } else { MUTED };
            text(ctx, &state, r.x + 10.0, r.y + 25.0, "11px system-ui, sans-serif", colour, "left");
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
                .map(|g| g.committed(tp).max(log.log_start_offset()))
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

fn partitions(ctx: &Ctx, l: &Layout, c: &Cluster, by_key: bool) {
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
            // Deleted by retention: shaded left of the log start.
            let start_x = x_of(log.log_start_offset()).max(r.x);
            if log.log_start_offset() > 0 && start_x > r.x {
                fill(ctx, Rect { w: start_x - r.x, ..r }, "#cbd5e1");
            }
            strip_cells(ctx, r, log, &x_of, by_key);
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
                let committed =
                    g.committed(brook_engine::Tp { topic: ti as u16, partition: pi as u32 });
                let x = x_of(committed.max(log.log_start_offset())).max(r.x);
                fill(
                    ctx,
                    Rect { x: x - 1.5, y: r.y - 2.0, w: 3.0, h: r.h + 4.0 },
                    group_colour(gi as u32),
                );
            }
            replica_chips(ctx, r, l.replica_w, part, c.brokers());
            if part.leader.is_none() {
                fill(ctx, Rect { x: r.x, y: r.mid_y() - 1.0, w: r.w, h: 2.0 }, "#dc2626");
                let why = "offline: no in-sync replica alive";
                text(
                    ctx,
                    why,
                    r.x + 8.0,
                    r.mid_y(),
                    "600 11px system-ui, sans-serif",
                    "#b91c1c",
                    "left",
                );
            }
            if r.h >= 10.0 {
                let label = format!("{}-{pi}", t.name);
                text(
                    ctx,
                    &label,
                    r.x - 6.0 - l.replica_w,
                    r.mid_y(),
                    "11px system-ui, sans-serif",
                    MUTED,
                    "right",
                );
                let end = compact(leo as f64);
                text(
                    ctx,
                    &end,
                    r.right() + 6.0,
                    r.mid_y(),
                    "11px system-ui, sans-serif",
                    INK,
                    "left",
                );
            }
        }
    }
    if let Some(first) = l.partitions.first().and_then(|t| t.first()) {
        let font = "11px system-ui, sans-serif";
        let scale = if l.dense {
            // Say what the heat strip is, where the strips would say it themselves.
            let n: usize = c.topics().iter().map(|t| t.partitions.len()).sum();
            if first.w >= 460.0 {
                format!(
                    "{n} partitions, a row each: bar = largest group lag, full width = {} records",
                    compact(window)
                )
            } else {
                format!("{n} partitions: bar = lag, full = {}", compact(window))
            }
        } else {
            format!("strip width = {} records", compact(window))
        };
        text(ctx, &scale, first.right(), l.height - 9.0, font, MUTED, "right");
        brokers(ctx, l, c);
    }
}

/// Batches visited per strip and frame; older data in the window is drawn as one block.
const STRIP_BATCHES_MAX: usize = 4_096;
/// Colour of log data older than the batches drawn one by one.
const OLDER_DATA: &str = "#a5b4c8";

/// The newest batches of a strip as cells coloured by producer. Batches narrower than a pixel
/// are merged (the newest colour wins), so a strip costs at most its width in rectangles.
fn strip_cells(
    ctx: &Ctx,
    r: Rect,
    log: &brook_engine::PartitionLog,
    x_of: &dyn Fn(u64) -> f64,
    by_key: bool,
) {
    let mut drawn_to = r.right() + 1.0; // left edge of what is already painted
    for (visited, b) in log.batches().rev().enumerate() {
        let x1 = x_of(b.end_offset()).min(drawn_to);
        if x1 <= r.x {
            return;
        }
        if visited == STRIP_BATCHES_MAX {
            fill(ctx, Rect { w: x1 - r.x, ..r }, OLDER_DATA);
            return;
        }
        let x0 = x_of(b.base_offset).max(r.x);
        if x1 - x0 < 1.0 && drawn_to - x1 < 1.0 && x1 < r.right() {
            continue; // same pixel as the newer batch already drawn
        }
        let gap = if x1 - x0 > 3.0 { 1.0 } else { 0.0 };
        let cell = Rect { x: x0, w: (x1 - x0 - gap).max(1.0), ..r };
        let colour = if by_key { key_colour(b.key) } else { producer_colour(b.producer) };
        fill(ctx, cell, colour);
        drawn_to = x0;
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
        let x = r.x - width + i as f64 * crate::scene::CHIP_PX;
        let chip = Rect { x, y, w: crate::scene::CHIP_PX - 2.0, h };
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
            text(
                ctx,
                &label,
                chip.x + chip.w / 2.0,
                chip.mid_y(),
                "600 10px system-ui, sans-serif",
                fg,
                "center",
            );
        }
    }
}

/// Broker boxes along the top of the centre column (click one to inspect it).
fn brokers(ctx: &Ctx, l: &Layout, c: &Cluster) {
    for (i, r) in l.brokers.iter().enumerate() {
        let alive = c.brokers().get(i).is_some_and(|b| b.alive);
        let leaving = c.brokers().get(i).is_some_and(|b| b.leaving);
        // Narrow boxes (many brokers, or a tablet) get the short label.
        let wide = r.w >= 64.0;
        let (bg, fg, label) = match (alive, leaving, wide) {
            (false, _, true) => ("#fecaca", "#991b1b", format!("broker {i} down")),
            (false, _, false) => ("#fecaca", "#991b1b", format!("b{i} \u{00d7}")),
            (true, true, true) => ("#fef3c7", "#92400e", format!("broker {i} leaving")),
            (true, true, false) => ("#fef3c7", "#92400e", format!("b{i} \u{2192}")),
            (true, false, true) => ("#dcfce7", "#166534", format!("broker {i}")),
            (true, false, false) => ("#dcfce7", "#166534", format!("b{i}")),
        };
        fill(ctx, *r, bg);
        text(
            ctx,
            &label,
            r.x + r.w / 2.0,
            r.mid_y(),
            "600 11px system-ui, sans-serif",
            fg,
            "center",
        );
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
    let mut lag_of_row = vec![0f64; rows.min(crate::scene::HEAT_ROWS_MAX)];
    for (ti, t) in c.topics().iter().enumerate() {
        let readers: Vec<&brook_engine::Group> =
            c.groups().iter().filter(|g| g.topics.contains(&(ti as u16))).collect();
        for (pi, part) in t.partitions.iter().enumerate() {
            let log = &part.log;
            let tp = brook_engine::Tp { topic: ti as u16, partition: pi as u32 };
            let lag = readers.iter().map(|g| log.lag_from(g.committed(tp))).max().unwrap_or(0);
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

/// Records copied from a leader to a follower.
pub const REPLICATION: &str = "#7c3aed";

/// Light to dark orange for the heat strip.
const HEAT_SHADES: [&str; 8] =
    ["#fbe3d6", "#f8cdb4", "#f5b48f", "#f29a6a", "#ef8146", "#ec6a26", "#d95a17", "#b84a12"];

fn consumers(ctx: &Ctx, l: &Layout, rates: &crate::sim::MemberRates) {
    let font = "11px system-ui, sans-serif";
    for (gi, g) in l.sets.iter().enumerate() {
        let h = l.groups[gi];
        let title = format!("{}  lag {}", g.name, compact(g.lag as f64));
        fill(ctx, Rect { w: 4.0, ..h }, group_colour(gi as u32));
        text(ctx, &title, h.x + 8.0, h.y + 8.0, "600 12px system-ui, sans-serif", INK, "left");
        let status = match &g.note {
            Some(note) => format!("{}: {note}", g.kind.short()),
            None => g.kind.short().to_string(),
        };
        let colour = if g.note.is_some() { "#b45309" } else { MUTED };
        text(ctx, &status, h.x + 8.0, h.y + 21.0, font, colour, "left");
        for (mi, m) in g.members.iter().enumerate() {
            let r = l.members[gi][mi];
            fill(ctx, r, m.colour);
            ctx.set_stroke_style_str("#cbd5e1");
            ctx.set_line_width(1.0);
            ctx.stroke_rect(r.x, r.y, r.w, r.h);
            let bar = Rect { y: r.y + r.h - 3.0, h: 3.0, w: r.w * m.inbox_fill.min(1.0), ..r };
            fill(ctx, bar, group_colour(gi as u32));
            if r.h >= 14.0 {
                let name = if g.kind == SetKind::Push {
                    m.state.to_string()
                } else {
                    format!("#{mi} {}", m.state)
                };
                // Rate over the last virtual second once measured, else the total so far.
                let done = match rates.of(gi, mi) {
                    Some(r) => format!("{}/s", compact(r)),
                    None => compact(m.processed as f64),
                };
                let done = match m.lag {
                    Some(lag) => format!("lag {} \u{00b7} {done}", compact(lag as f64)),
                    None => done,
                };
                if r.w >= NARROW_BOX_PX {
                    text(ctx, &name, r.x + 6.0, r.mid_y() - 1.0, font, INK, "left");
                    text(ctx, &done, r.right() - 6.0, r.mid_y() - 1.0, font, MUTED, "right");
                } else if r.h >= 26.0 {
                    // Narrow: state above, figures below.
                    text(ctx, &name, r.x + 6.0, r.mid_y() - 7.0, font, INK, "left");
                    text(ctx, &done, r.x + 6.0, r.mid_y() + 6.0, font, MUTED, "left");
                } else {
                    text(ctx, &name, r.x + 6.0, r.mid_y() - 1.0, font, INK, "left");
                }
            }
        }
    }
}

/// How a flight looks: fill colour or ring colour, and radius in px.
fn flight_style(f: &crate::scene::Flight, by_key: bool) -> (&'static str, bool, f64) {
    match f.kind {
        FlightKind::Produce if by_key => (key_colour(f.key), true, dot_radius(f.records)),
        FlightKind::Produce => (producer_colour(f.colour), true, dot_radius(f.records)),
        FlightKind::FetchData | FlightKind::Push => {
            (group_colour(f.colour), true, dot_radius(f.records))
        }
        FlightKind::FetchRequest => (group_colour(f.colour), false, 3.0),
        FlightKind::Replicate => (REPLICATION, true, dot_radius(f.records).min(4.0)),
        FlightKind::EmptyFetch => ("#94a3b8", true, 2.0),
    }
}

/// The moving dots. Dots of one look share one path and one fill, so a thousand dots cost a
/// handful of fills rather than a thousand.
fn flights(ctx: &Ctx, l: &Layout, sim: &Sim, now_ms: f64, reduced_motion: bool) {
    let mut looks: Vec<(&'static str, bool, Dots)> = Vec::new();
    for f in sim.flights.iter() {
        // With reduced motion, dots appear at their destination and fade instead of travelling.
        let at =
            if reduced_motion { now_ms.max(f.born_ms + crate::scene::FLIGHT_MS) } else { now_ms };
        let Some((x, y)) = l.flight_position(f, at) else {
            continue;
        };
        let (colour, filled, r) = flight_style(f, sim.colour_by_key);
        if reduced_motion {
            // Each dot fades on its own: drawn one by one.
            ctx.set_global_alpha(1.0 - f.progress(now_ms));
            dots(ctx, colour, filled, &[(x, y, r)]);
            ctx.set_global_alpha(1.0);
            continue;
        }
        match looks.iter_mut().find(|(c, fl, _)| *c == colour && *fl == filled) {
            Some((_, _, list)) => list.push((x, y, r)),
            None => looks.push((colour, filled, vec![(x, y, r)])),
        }
    }
    for (colour, filled, list) in &looks {
        dots(ctx, colour, *filled, list);
    }
}

/// Circles to draw: centre x, centre y, radius, px.
type Dots = Vec<(f64, f64, f64)>;

/// Circles of one colour as one path: filled, or rings.
fn dots(ctx: &Ctx, colour: &str, filled: bool, list: &[(f64, f64, f64)]) {
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

/// Draws the charts side by side (two rows when narrow) on their own canvas; `hover` is the
/// mouse position in CSS px, for a readout.
pub fn draw_charts(
    ctx: &Ctx,
    charts: &[crate::charts::Chart],
    width: f64,
    height: f64,
    hover: Option<(f64, f64)>,
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
        draw_chart(ctx, chart, panel, inside.map(|(x, _)| x));
    }
}

fn draw_chart(ctx: &Ctx, chart: &crate::charts::Chart, panel: Rect, hover_x: Option<f64>) {
    let font = "11px system-ui, sans-serif";
    let plot = Rect {
        x: panel.x + 40.0,
        y: panel.y + 22.0,
        w: panel.w - 52.0,
        h: panel.h - 22.0 - 18.0 - 14.0 * chart.series.len().div_ceil(2) as f64,
    };
    text(
        ctx,
        &chart.title,
        panel.x + 8.0,
        panel.y + 10.0,
        "600 12px system-ui, sans-serif",
        INK,
        "left",
    );
    if plot.w < 20.0 || plot.h < 20.0 {
        return;
    }
    fill(ctx, plot, BACKGROUND);
    let (line_max, area_max) = chart.maxima();
    text(ctx, &compact(line_max), plot.x - 4.0, plot.y + 4.0, font, MUTED, "right");
    text(ctx, "0", plot.x - 4.0, plot.y + plot.h, font, MUTED, "right");
    let n = chart.t_s.len();
    if let (Some(first), Some(last)) = (chart.t_s.first(), chart.t_s.last()) {
        text(ctx, &format!("{first:.0} s"), plot.x, plot.y + plot.h + 9.0, font, MUTED, "left");
        text(
            ctx,
            &format!("{last:.0} s"),
            plot.right(),
            plot.y + plot.h + 9.0,
            font,
            MUTED,
            "right",
        );
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
    // Legend, two entries a row.
    let legend_y = plot.y + plot.h + 24.0;
    for (k, s) in chart.series.iter().enumerate() {
        let (lx, ly) =
            (panel.x + 8.0 + (k % 2) as f64 * (panel.w / 2.0), legend_y + (k / 2) as f64 * 14.0);
        fill(ctx, Rect { x: lx, y: ly - 4.0, w: 10.0, h: 8.0 }, s.colour);
        text(ctx, &s.label, lx + 14.0, ly, font, INK, "left");
    }
    if let Some(i) = hover_x.and_then(|x| chart.sample_at((x - plot.x) / plot.w)) {
        let x = x_of(i);
        fill(ctx, Rect { x: x - 0.5, y: plot.y, w: 1.0, h: plot.h }, INK);
        let lines = chart.readout(i);
        let box_w = 190.0;
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
