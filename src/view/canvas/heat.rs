//! The heat view (`model/heat.rs`): the brokers' grid coloured by load, each topic's grid of
//! partitions coloured by lag, and the legend. One path per shade: a cell costs one `rect`.

use std::cell::RefCell;

use brook_engine::Cluster;
use web_sys::CanvasRenderingContext2d as Ctx;

use super::terms;
use crate::model::heat::{
    broker_load, heat_text, lag_scale, partition_lags, shade, Grid, HeatLayout, SHADES,
};
use crate::model::i18n::{Lang, Msg};
use crate::model::layout::{Layout, Rect};
use crate::model::stage_terms::StageTerm;
use crate::view::paint::{fill, first_fitting, text, text_width, Faces, INK, MUTED};

/// Light to dark: the heat strip's orange ramp, a shade per [`SHADES`].
const RAMP: [&str; SHADES] =
    ["#fbe3d6", "#f8cdb4", "#f5b48f", "#f29a6a", "#ef8146", "#ec6a26", "#d95a17", "#b84a12"];
/// A broker that is down.
const DOWN: &str = "#94a3b8";

thread_local! {
    /// What the last frame's heat view showed (`heat_text`), for the stage's `data-heat`.
    static SHOWN: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// What the last frame's heat view showed, if the stage was a heat view.
pub fn shown() -> Option<String> {
    SHOWN.with(|s| s.borrow().clone())
}

/// Fills each cell `i` of `grid` with the colour of `shades[i]` (`None`: down), one path per
/// shade, and counts the cells of each shade.
fn cells(ctx: &Ctx, grid: &Grid, shades: &[Option<u8>], counts: &mut [usize; SHADES]) {
    let looks = (0..SHADES).map(|i| (Some(i as u8), RAMP[i])).chain([(None, DOWN)]);
    for (want, colour) in looks {
        ctx.begin_path();
        let mut any = false;
        for (i, s) in shades.iter().enumerate() {
            if *s == want {
                let r = grid.cell(i);
                ctx.rect(r.x, r.y, r.w, r.h);
                any = true;
                if let Some(s) = s {
                    counts[*s as usize] += 1;
                }
            }
        }
        if any {
            ctx.set_fill_style_str(colour);
            ctx.fill();
        }
    }
}

/// Paints the heat view of `c` laid out as `h`.
pub fn heat(ctx: &Ctx, l: &Layout, h: &HeatLayout, c: &Cluster, f: &Faces, lang: Lang) {
    let k = l.scale;
    let font = &f.small;
    // Brokers: a cell each, by load.
    let n = c.brokers().len();
    let titles = [lang.f(Msg::HeatBrokers, &[&n]), lang.f(Msg::HeatBrokersShort, &[&n])];
    let t = first_fitting(ctx, &titles, &f.small_bold, h.brokers_title.w);
    let y = h.brokers_title.mid_y();
    text(ctx, &t, h.brokers_title.x, y, &f.small_bold, INK, "left");
    terms::term(ctx, &t, h.brokers_title.x, y, StageTerm::Broker);
    let loads: Vec<Option<u8>> =
        (0..n).map(|b| broker_load(c, b).map(|x| shade(x) as u8)).collect();
    let mut broker_shades = [0usize; SHADES];
    cells(ctx, &h.brokers, &loads, &mut broker_shades);
    terms::region(h.brokers.bounds(), StageTerm::Broker);
    // Broker ids inside the cells when they fit.
    let id_w = text_width(ctx, "b00", font);
    if h.brokers.pitch - h.brokers.gap >= id_w + 2.0 * k {
        for (b, load) in loads.iter().enumerate() {
            let r = h.brokers.cell(b);
            let ink = if load.is_some_and(|s| s as usize >= SHADES / 2) { "#ffffff" } else { INK };
            text(ctx, &format!("b{b}"), r.x + r.w / 2.0, r.mid_y(), font, ink, "center");
        }
    }
    // Topics: a cell per partition, by lag.
    let lags = partition_lags(c);
    let scale = lag_scale(&lags);
    let mut lag_shades = [0usize; SHADES];
    for ((th, t), lags) in h.topics.iter().zip(c.topics()).zip(&lags) {
        let np = t.partitions.len();
        let titles =
            [lang.f(Msg::HeatTopic, &[&t.name, &np]), lang.f(Msg::HeatTopicShort, &[&t.name, &np])];
        let title = first_fitting(ctx, &titles, font, th.title.w);
        text(ctx, &title, th.title.x, th.title.mid_y(), font, MUTED, "left");
        terms::term(ctx, &title, th.title.x, th.title.mid_y(), StageTerm::Partition);
        let shades: Vec<Option<u8>> =
            lags.iter().map(|&x| Some(shade(x as f64 / scale as f64) as u8)).collect();
        cells(ctx, &th.grid, &shades, &mut lag_shades);
        terms::region(th.grid.bounds(), StageTerm::Lag);
    }
    legend(ctx, h.legend, scale, f, lang, k);
    SHOWN.with(|s| *s.borrow_mut() = Some(heat_text(&broker_shades, &lag_shades)));
}

/// The ramp with what its ends mean.
fn legend(ctx: &Ctx, r: Rect, scale: u64, f: &Faces, lang: Lang, k: f64) {
    let sw = (10.0 * k).min(r.h);
    for (i, colour) in RAMP.iter().enumerate() {
        fill(ctx, Rect { x: r.x + i as f64 * sw, y: r.mid_y() - sw / 2.0, w: sw, h: sw }, colour);
    }
    let x = r.x + SHADES as f64 * sw + 6.0 * k;
    let scale = crate::model::format::compact(scale as f64);
    let says = [lang.f(Msg::HeatLegend, &[&scale]), lang.f(Msg::HeatLegendShort, &[&scale])];
    let says = first_fitting(ctx, &says, &f.small, (r.right() - x).max(0.0));
    text(ctx, &says, x, r.mid_y(), &f.small, MUTED, "left");
    terms::term(ctx, &says, x, r.mid_y(), StageTerm::Lag);
}

/// Forgets the last heat view (the stage is drawn otherwise).
pub fn clear() {
    SHOWN.with(|s| *s.borrow_mut() = None);
}
