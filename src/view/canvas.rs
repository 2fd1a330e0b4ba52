//! Draws the stage on the canvas each animation frame, from the engine state and the model's
//! layout and flights. The parts of the stage are drawn by the modules below, in layers.

mod consumers;
pub mod cursor;
mod follow;
pub mod heat;
mod log;
mod producers;
pub mod terms;

use brook_engine::Cluster;
use web_sys::CanvasRenderingContext2d as Ctx;

use crate::model::flights::{dot_radius, Flight, FlightKind, FLIGHT_MS, MARK_MS};
use crate::model::i18n::{Lang, Msg};
use crate::model::layout::{two_lines, Layout, Rect};
use crate::model::plates::{plates, Plate};
use crate::model::sim::Sim;
use crate::model::stage_terms::StageTerm;
use crate::view::paint::{
    dots, fill, first_fitting, fit, group_colour, key_colour, producer_colour, take_clipped, text,
    text_width, Dots, Faces, BACKGROUND, INK, REPLICATION,
};

/// Draws one frame. `width`/`height` are CSS pixels (the caller scales for devicePixelRatio).
/// Returns how many labels did not fit their box (cut with an ellipsis, or left out).
pub fn draw(
    ctx: &Ctx,
    sim: &Sim,
    width: f64,
    height: f64,
    now_ms: f64,
    reduced_motion: bool,
) -> u32 {
    let c = &sim.cluster;
    let layout = Layout::new_for(c, width, height, sim.presenter);
    let faces = Faces::of(&layout.fonts);
    take_clipped();
    terms::with(|s| s.clear());
    ctx.set_fill_style_str(BACKGROUND);
    ctx.fill_rect(0.0, 0.0, width, height);
    ctx.set_text_baseline("middle");
    let lang = sim.lang;
    let plates = plates(&layout, &sim.flights.marks);
    headings(ctx, &layout, c, &faces, lang);
    consumers::assignment_lines(ctx, &layout, c);
    producers::producers(ctx, &layout, c, &faces, lang);
    match &layout.heat {
        Some(h) => heat::heat(ctx, &layout, h, c, &faces, lang),
        None => {
            heat::clear();
            log::partitions(ctx, &layout, c, &faces, (sim.colour_by_key, &plates), lang);
        }
    }
    consumers::consumers(ctx, &layout, &sim.rates, &faces, lang);
    flights(ctx, &layout, sim, now_ms, reduced_motion);
    follow::followed(ctx, &layout, c);
    marks(ctx, &layout, &plates, sim, &faces, now_ms);
    if let Some(r) = sim.highlight.and_then(|r| layout.region(r)) {
        // A lesson step's region: framed over everything else.
        ctx.set_stroke_style_str(LESSON_FRAME);
        ctx.set_line_width(3.0 * layout.scale);
        ctx.stroke_rect(r.x, r.y, r.w, r.h);
    }
    terms::outline_focused(ctx, layout.scale);
    cursor::outline_cursor(ctx, &layout);
    take_clipped()
}

/// The colour of a lesson's frame on the stage (the page's outline uses the same).
const LESSON_FRAME: &str = "#f59e0b";

/// Faults, written where they happened, on a plate inside that thing's box (so they cover
/// no other label), fading out; thin rows share a plate (`model::plates`).
fn marks(ctx: &Ctx, l: &Layout, plates: &[Plate], sim: &Sim, f: &Faces, now_ms: f64) {
    let k = l.scale;
    for p in plates {
        let age = ((now_ms - p.born_ms) / MARK_MS).clamp(0.0, 1.0);
        let words: Vec<String> = [Some(&p.text), p.short.as_ref(), p.brief.as_ref()]
            .into_iter()
            .flatten()
            .map(|t| t.render(sim.lang))
            .collect();
        // Words wider than the band widen it leftwards, as far as its room goes.
        let want = text_width(ctx, &words[0], &f.small_bold) + 8.0 * k;
        let w = want.clamp(p.band.w, p.room.w.max(p.band.w));
        let b = Rect { x: p.band.right() - w, w, ..p.band };
        // One line if the words (or their rounded form) fit; else, in a band tall enough, the
        // words on two lines ("out of memory: crashed," / "39k requeued" on a member's box);
        // else cut.
        let font = &f.small_bold;
        let max_w = b.w - 8.0 * k;
        // The brief form (the last word list, if the mark has one) only where two lines do
        // not fit either.
        let fits = |w: &&String| text_width(ctx, w, font) <= max_w;
        let briefless = &words[..words.len() - p.brief.is_some() as usize];
        let one = briefless.iter().find(fits);
        let two = match one {
            None if b.h >= 2.0 * l.line_h() + 2.0 * k => {
                two_lines(&words[0], max_w, |s| text_width(ctx, s, font))
            }
            _ => None,
        };
        let lines = match (one, two) {
            (Some(w), _) => vec![w.clone()],
            (None, Some((a, c))) => vec![a, c],
            (None, None) => vec![first_fitting(ctx, &words, font, max_w)],
        };
        // The plate sits at the right of the band, as wide as the words: over a strip's newest
        // cells, over a member's or producer's figures (its name stays readable on the left).
        let widest = lines.iter().map(|s| text_width(ctx, s, font)).fold(0.0, f64::max);
        let w = (widest + 8.0 * k).min(b.w);
        let plate = Rect { x: b.right() - w, w, ..b };
        fill(ctx, plate, "#fff1f2");
        ctx.set_stroke_style_str("#dc2626");
        ctx.set_line_width(k);
        ctx.stroke_rect(plate.x, plate.y, plate.w, plate.h);
        ctx.set_global_alpha(1.0 - age * 0.6);
        let first_y = plate.mid_y() - (lines.len() - 1) as f64 * l.line_h() / 2.0;
        for (i, line) in lines.iter().enumerate() {
            let y = first_y + i as f64 * l.line_h();
            text(ctx, line, plate.x + 4.0 * k, y, font, "#b91c1c", "left");
        }
        ctx.set_global_alpha(1.0);
    }
}

fn headings(ctx: &Ctx, l: &Layout, c: &Cluster, f: &Faces, lang: Lang) {
    let font = &f.heading;
    let [producers, partitions, consumers] = l.headings;
    let y = producers.mid_y();
    if !l.producers.is_empty() {
        let title = fit(ctx, lang.t(Msg::Producers), font, producers.w);
        text(ctx, &title, producers.x, y, font, INK, "left");
        terms::term(ctx, &title, producers.x, y, StageTerm::Producer);
    }
    if !l.partitions.iter().all(|t| t.is_empty()) {
        let names: Vec<&str> = c.topics().iter().map(|t| t.name.as_str()).collect();
        // The broker boxes share this row: a long title gives way to a short one.
        let titles =
            [lang.f(Msg::PartitionsOf, &[&names.join(", ")]), lang.t(Msg::Partitions).into()];
        let title = first_fitting(ctx, &titles, font, partitions.w);
        text(ctx, &title, partitions.x, y, font, INK, "left");
        terms::term(ctx, &title, partitions.x, y, StageTerm::Partition);
    }
    if !l.groups.is_empty() {
        let title = fit(ctx, lang.t(Msg::Consumers), font, consumers.w);
        text(ctx, &title, consumers.x, y, font, INK, "left");
        terms::term(ctx, &title, consumers.x, y, StageTerm::Consumers);
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

/// [`flight_style`] at the layout's scale.
fn scaled_style(f: &Flight, by_key: bool, k: f64) -> (&'static str, bool, f64) {
    let (colour, filled, r) = flight_style(f, by_key);
    (colour, filled, r * k)
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
        let (colour, filled, r) = scaled_style(f, sim.colour_by_key, l.scale);
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
