//! The heat view (`model/heat.rs`): the brokers' grid coloured by load, each topic's grid of
//! partitions coloured by lag, and the legend. One path per shade: a cell costs one `rect`.

use std::cell::RefCell;

use brook_engine::Cluster;
use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d as Ctx, HtmlCanvasElement, ImageData};

use super::terms;
use crate::model::heat::{
    broker_load, heat_text, lag_scale, partition_lags, shade, Grid, HeatLayout, SHADES,
};
use crate::model::i18n::{Lang, Msg};
use crate::model::layout::{Layout, Rect};
use crate::model::stage_terms::StageTerm;
use crate::view::paint::{fill, first_fitting, text, text_width, Faces, RectBatch, INK, MUTED};

/// Light to dark: the heat strip's orange ramp, a shade per [`SHADES`].
const RAMP: [&str; SHADES] =
    ["#fbe3d6", "#f8cdb4", "#f5b48f", "#f29a6a", "#ef8146", "#ec6a26", "#d95a17", "#b84a12"];
/// A broker that is down.
const DOWN: &str = "#94a3b8";

thread_local! {
    /// What the last frame's heat view showed (`heat_text`), for the stage's `data-heat`.
    static SHOWN: RefCell<Option<String>> = const { RefCell::new(None) };
    /// A canvas outside the page the partitions' grids are written to, a pixel a cell, then
    /// drawn scaled onto the stage: thousands of cells cost one image, not a path of
    /// thousands of rectangles.
    static PIXELS: RefCell<Option<HtmlCanvasElement>> = const { RefCell::new(None) };
}

/// The RGB of each [`RAMP`] shade.
fn rgb(colour: &str) -> [u8; 3] {
    let n = u32::from_str_radix(colour.trim_start_matches('#'), 16).unwrap_or(0);
    [(n >> 16) as u8, (n >> 8) as u8, n as u8]
}

/// Draws `grid` with cell `i` in shade `shades[i]` as one scaled image (cells without gaps:
/// the grids of thousands of partitions have cells of a few px). Counts the shades.
fn cells_as_image(ctx: &Ctx, grid: &Grid, shades: &[u8], counts: &mut [usize; SHADES]) {
    let (cols, rows) = (grid.cols.max(1), grid.rows().max(1));
    let mut px = vec![0u8; cols * rows * 4];
    let colours: Vec<[u8; 3]> = RAMP.iter().map(|c| rgb(c)).collect();
    for (i, &s) in shades.iter().enumerate() {
        let [r, g, b] = colours[s as usize];
        px[i * 4..i * 4 + 4].copy_from_slice(&[r, g, b, 255]);
        counts[s as usize] += 1;
    }
    let drawn = PIXELS.with(|p| {
        let mut p = p.borrow_mut();
        if p.is_none() {
            *p = web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.create_element("canvas").ok())
                .and_then(|e| e.dyn_into::<HtmlCanvasElement>().ok());
        }
        let off = p.as_ref()?;
        off.set_width(cols as u32);
        off.set_height(rows as u32);
        let octx = off.get_context("2d").ok()??.dyn_into::<Ctx>().ok()?;
        let data = ImageData::new_with_u8_clamped_array_and_sh(
            wasm_bindgen::Clamped(&px),
            cols as u32,
            rows as u32,
        )
        .ok()?;
        octx.put_image_data(&data, 0.0, 0.0).ok()?;
        ctx.set_image_smoothing_enabled(false);
        let (w, h) = (cols as f64 * grid.pitch, rows as f64 * grid.pitch);
        let r = ctx.draw_image_with_html_canvas_element_and_dw_and_dh(off, grid.x, grid.y, w, h);
        ctx.set_image_smoothing_enabled(true);
        r.ok()
    });
    if drawn.is_none() {
        let shades: Vec<Option<u8>> = shades.iter().map(|&s| Some(s)).collect();
        cells(ctx, grid, &shades, &mut [0; SHADES]);
    }
}

/// What the last frame's heat view showed, if the stage was a heat view.
pub fn shown() -> Option<String> {
    SHOWN.with(|s| s.borrow().clone())
}

/// Fills each cell `i` of `grid` with the colour of `shades[i]` (`None`: down), one path per
/// shade, and counts the cells of each shade.
fn cells(ctx: &Ctx, grid: &Grid, shades: &[Option<u8>], counts: &mut [usize; SHADES]) {
    let mut batch = RectBatch::default();
    for (i, s) in shades.iter().enumerate() {
        batch.fill(grid.cell(i), s.map_or(DOWN, |s| RAMP[s as usize]));
        if let Some(s) = s {
            counts[*s as usize] += 1;
        }
    }
    batch.draw(ctx);
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
        let shades: Vec<u8> = lags.iter().map(|&x| shade(x as f64 / scale as f64) as u8).collect();
        if th.grid.gap > 0.0 {
            // Cells large enough to show their gaps: rectangles.
            let shades: Vec<Option<u8>> = shades.iter().map(|&s| Some(s)).collect();
            cells(ctx, &th.grid, &shades, &mut lag_shades);
        } else {
            cells_as_image(ctx, &th.grid, &shades, &mut lag_shades);
        }
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
    let scale = crate::model::format::compact(scale as f64, lang);
    let says = [lang.f(Msg::HeatLegend, &[&scale]), lang.f(Msg::HeatLegendShort, &[&scale])];
    let says = first_fitting(ctx, &says, &f.small, (r.right() - x).max(0.0));
    text(ctx, &says, x, r.mid_y(), &f.small, MUTED, "left");
    terms::term(ctx, &says, x, r.mid_y(), StageTerm::Lag);
}

/// Forgets the last heat view (the stage is drawn otherwise).
pub fn clear() {
    SHOWN.with(|s| *s.borrow_mut() = None);
}
