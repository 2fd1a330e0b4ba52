//! Draws the stage on the canvas each animation frame, from the engine state and the model's
//! layout and flights. The parts of the stage are drawn by the modules below, in layers.

mod consumers;
mod follow;
mod log;
mod producers;

use brook_engine::Cluster;
use web_sys::CanvasRenderingContext2d as Ctx;

use crate::model::flights::{dot_radius, Endpoint, Flight, FlightKind, FLIGHT_MS, MARK_MS};
use crate::model::i18n::{Lang, Msg};
use crate::model::layout::Layout;
use crate::model::sim::Sim;
use crate::view::paint::{
    dots, group_colour, key_colour, producer_colour, text, text_width, Dots, BACKGROUND,
    FONT_HEADING, FONT_SMALL_BOLD, INK, REPLICATION,
};

/// Draws one frame. `width`/`height` are CSS pixels (the caller scales for devicePixelRatio).
pub fn draw(ctx: &Ctx, sim: &Sim, width: f64, height: f64, now_ms: f64, reduced_motion: bool) {
    let c = &sim.cluster;
    let layout = Layout::new(c, width, height);
    ctx.set_fill_style_str(BACKGROUND);
    ctx.fill_rect(0.0, 0.0, width, height);
    ctx.set_text_baseline("middle");
    let lang = sim.lang;
    headings(ctx, &layout, c, lang);
    consumers::assignment_lines(ctx, &layout, c);
    producers::producers(ctx, &layout, c, lang);
    log::partitions(ctx, &layout, c, sim.colour_by_key, lang);
    consumers::consumers(ctx, &layout, &sim.rates, lang);
    flights(ctx, &layout, sim, now_ms, reduced_motion);
    follow::followed(ctx, &layout, c);
    marks(ctx, &layout, sim, now_ms);
}

/// Faults, written where they happened, fading out.
fn marks(ctx: &Ctx, l: &Layout, sim: &Sim, now_ms: f64) {
    for m in &sim.flights.marks {
        let Some((x, y)) = l.anchor(m.at, false) else { continue };
        let age = ((now_ms - m.born_ms) / MARK_MS).clamp(0.0, 1.0);
        ctx.set_global_alpha(1.0 - age * 0.8);
        let (tx, align) = match m.at {
            Endpoint::Member(..) => (x - 6.0, "right"),
            _ => (x + 4.0, "left"),
        };
        let what = m.text.render(sim.lang);
        text(ctx, &what, tx, y - 12.0, FONT_SMALL_BOLD, "#b91c1c", align);
    }
    ctx.set_global_alpha(1.0);
}

fn headings(ctx: &Ctx, l: &Layout, c: &Cluster, lang: Lang) {
    let font = FONT_HEADING;
    if let Some(p) = l.producers.first() {
        text(ctx, lang.t(Msg::Producers), p.x, 16.0, font, INK, "left");
    }
    if let Some(s) = l.partitions.first().and_then(|t| t.first()) {
        let names: Vec<&str> = c.topics().iter().map(|t| t.name.as_str()).collect();
        let mut title = lang.f(Msg::PartitionsOf, &[&names.join(", ")]);
        // The broker boxes share this row: a long title gives way to a short one.
        let room = l.brokers.first().map_or(f64::INFINITY, |b| b.x - s.x - 8.0);
        if text_width(ctx, &title, font) > room {
            title = lang.t(Msg::Partitions).into();
        }
        text(ctx, &title, s.x, 16.0, font, INK, "left");
    }
    if let Some(g) = l.groups.first() {
        text(ctx, lang.t(Msg::Consumers), g.x, 16.0, font, INK, "left");
    }
}

/// How a flight looks: fill colour or ring colour, and radius in px.
fn flight_style(f: &Flight, by_key: bool) -> (&'static str, bool, f64) {
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
        let at = if reduced_motion { now_ms.max(f.born_ms + FLIGHT_MS) } else { now_ms };
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
