//! The frame loop's work: step the engine, draw the stage every frame and the charts a few
//! times a second, ask for fresh panels a few times a second, and feed a benchmark run.
//! The loop itself adds no allocation per frame to what stepping and drawing need.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};
use yew::prelude::*;

use crate::model::charts::{charts, ChartKind};
use crate::model::redraw::{self, Still};
use crate::model::sim::{FrameBudget, Sim};
use crate::model::state::Action;
use crate::view::bench_run::BenchRun;
use crate::view::canvas::{draw, terms};
use crate::view::clock::now_ms;

/// Wall ms a frame gives a running capacity plan (`model/plan.rs`).
const PLAN_BUDGET_MS: f64 = 5.0;
/// How often the page re-renders with fresh figures (`Action::Refresh`), wall ms: renders
/// are the only path from the engine into the virtual DOM.
const STATS_EVERY_MS: f64 = 200.0;
/// How often the charts are redrawn, wall ms (and at once when the mouse moves over them).
const CHARTS_EVERY_MS: f64 = 100.0;

/// Sizes `canvas` for its CSS box times devicePixelRatio and returns its 2D context, scaled
/// so drawing uses CSS pixels, with the CSS width and height. None while it has no size.
fn prepare(canvas: &HtmlCanvasElement) -> Option<(CanvasRenderingContext2d, f64, f64)> {
    let dpr = web_sys::window().map_or(1.0, |w| w.device_pixel_ratio()).max(1.0);
    let (w, h) = (canvas.client_width() as f64, canvas.client_height() as f64);
    if w <= 0.0 || h <= 0.0 {
        return None;
    }
    let (pw, ph) = ((w * dpr).round() as u32, (h * dpr).round() as u32);
    if canvas.width() != pw || canvas.height() != ph {
        canvas.set_width(pw);
        canvas.set_height(ph);
    }
    let ctx = canvas
        .get_context("2d")
        .ok()
        .flatten()
        .and_then(|c| c.dyn_into::<CanvasRenderingContext2d>().ok())?;
    let _ = ctx.set_transform(dpr, 0.0, 0.0, dpr, 0.0, 0.0);
    Some((ctx, w, h))
}

/// Draws the stage and, when it changed, writes on the canvas how many labels did not fit
/// (`data-clipped-labels`) and what the broker gauges show (`data-broker-gauges`).
fn draw_frame(
    canvas: &HtmlCanvasElement,
    sim: &Sim,
    now_ms: f64,
    reduced: bool,
    last: &RefCell<f64>,
) {
    if let Some((ctx, w, h)) = prepare(canvas) {
        let clipped = draw(&ctx, sim, w, h, now_ms, reduced);
        if clipped as f64 != *last.borrow() {
            *last.borrow_mut() = clipped as f64;
            let _ = canvas.set_attribute("data-clipped-labels", &clipped.to_string());
        }
        terms::with(|s| s.end_frame(redraw::moving(sim)));
        // How the stage is drawn (`data-stage-mode`) and, as a heat view, what it shows
        // (`data-heat`), for tests.
        let shown = crate::view::canvas::heat::shown();
        let mode = match (&shown, crate::model::layout::dense(&sim.cluster)) {
            (Some(_), _) => "heat",
            (None, true) => "heat-strip",
            (None, false) => "strips",
        };
        if canvas.get_attribute("data-stage-mode").as_deref() != Some(mode) {
            let _ = canvas.set_attribute("data-stage-mode", mode);
        }
        if let Some(h) = shown {
            if canvas.get_attribute("data-heat").as_deref() != Some(h.as_str()) {
                let _ = canvas.set_attribute("data-heat", &h);
            }
        }
        // What the broker gauges show and what is named full under them, for tests
        // (`data-broker-gauges`, `data-broker-full`).
        let shown = [
            ("data-broker-gauges", crate::model::capacity::gauges_text(&sim.cluster)),
            ("data-broker-full", crate::model::capacity::full_text(&sim.cluster)),
        ];
        for (name, value) in shown {
            let Some(v) = value else { continue };
            if canvas.get_attribute(name).as_deref() != Some(v.as_str()) {
                let _ = canvas.set_attribute(name, &v);
            }
        }
    }
}

/// The chart slot of the focus chart; slots below it are the small charts, in
/// [`ChartKind::ALL`] order.
pub const FOCUS_SLOT: usize = ChartKind::ALL.len();

/// Draws every chart canvas on the page: the small ones by slot, the focus one as `focus`;
/// `hover` is a slot and the mouse's x there.
fn draw_charts(slots: &[NodeRef], focus: ChartKind, sim: &Sim, hover: Option<(usize, f64)>) {
    let all = charts(&sim.cluster, sim.lag_group, sim.lang);
    for (slot, node) in slots.iter().enumerate() {
        let Some(canvas) = node.cast::<HtmlCanvasElement>().filter(|c| c.is_connected()) else {
            continue;
        };
        let kind = if slot == FOCUS_SLOT { focus } else { ChartKind::ALL[slot] };
        let Some(chart) = all.iter().find(|c| c.kind == kind) else { continue };
        if let Some((ctx, w, h)) = prepare(&canvas) {
            let x = hover.filter(|(s, _)| *s == slot).map(|(_, x)| x);
            crate::view::chart_canvas::draw_chart(&ctx, chart, w, h, x, sim.lang);
        }
    }
}

/// The chart canvases' sizes folded into one width and height (a resize draws them again).
fn chart_size(slots: &[NodeRef]) -> (f64, f64) {
    slots.iter().filter_map(|n| n.cast::<HtmlCanvasElement>()).fold((0.0, 0.0), |(w, h), c| {
        (w * 3.0 + c.client_width() as f64, h * 3.0 + c.client_height() as f64)
    })
}

/// What the frame loop works on; every handle is shared with the App.
#[derive(Clone)]
pub struct FrameLoop {
    /// The engine.
    pub sim: Rc<RefCell<Sim>>,
    /// The stage canvas.
    pub stage: NodeRef,
    /// The chart canvases: the small ones in [`ChartKind::ALL`] order, then the focus one
    /// ([`FOCUS_SLOT`]).
    pub charts: Rc<Vec<NodeRef>>,
    /// The chart drawn large.
    pub focus: ChartKind,
    /// The mouse over a chart: its slot, and x in CSS px.
    pub hover: Rc<RefCell<Option<(usize, f64)>>>,
    /// The stage's last count of labels that did not fit.
    pub clipped: Rc<RefCell<f64>>,
    /// When the charts were last drawn, frame ms (-inf: draw on the next frame).
    pub last_chart_ms: Rc<RefCell<f64>>,
    /// When the panels were last refreshed, frame ms.
    pub last_stats_ms: Rc<RefCell<f64>>,
    /// What was last drawn while nothing moved: a still page is not drawn again.
    pub still: Rc<RefCell<Still>>,
    /// A benchmark run, if the URL asked for one.
    pub bench: Rc<RefCell<Option<BenchRun>>>,
    /// Whether the user prefers reduced motion.
    pub reduced_motion: bool,
    /// Where refreshes and the benchmark report go.
    pub dispatch: Callback<Action>,
    /// The last frame found nothing moving.
    pub was_still: Rc<std::cell::Cell<bool>>,
    /// What drawing takes: the engine's share of a frame is the rest.
    pub budget: Rc<RefCell<FrameBudget>>,
}

impl FrameLoop {
    /// One animation frame at `t` ms; returns whether anything moves (else the next frame may
    /// wait, `hooks::animation_frame`).
    pub fn frame(&self, t: f64) -> bool {
        let started = now_ms();
        let mut s = self.sim.borrow_mut();
        s.clock = Some(now_ms);
        if self.was_still.get() {
            // The frames were far apart while still: pace from this one.
            s.resume_pacing(t);
        }
        let charts_due = t - *self.last_chart_ms.borrow() >= CHARTS_EVERY_MS;
        s.step_budget_ms = self.budget.borrow().engine_ms(charts_due);
        s.frame(t);
        if let Some(p) = &mut s.plan {
            // A capacity plan runs on a few ms a frame, never freezing the tab.
            let t0 = now_ms();
            p.work(&mut || now_ms() - t0 > PLAN_BUDGET_MS);
        }
        let lesson_paused = std::mem::take(&mut s.lesson_paused);
        let engine_done = now_ms();
        let moving = redraw::moving(&s);
        let mut still = self.still.borrow_mut();
        let renders = still.renders;
        let mut stage_drawn = false;
        if let Some(c) = self.stage.cast::<HtmlCanvasElement>() {
            let (w, h) = (c.client_width() as f64, c.client_height() as f64);
            // A term focused in the page's list, or the keyboard's cursor, is outlined: a still
            // stage is drawn again.
            let outline = terms::focus_moved() | crate::view::canvas::cursor::cursor_moved();
            if still.stage.due(moving, redraw::key(&s, renders, w, h)) || outline {
                draw_frame(&c, &s, t, self.reduced_motion, &self.clipped);
                stage_drawn = true;
            }
            if !c.has_attribute("data-first-frame-ms") {
                // For the benchmark: ms from navigation start to the first drawn frame.
                let _ = c.set_attribute("data-first-frame-ms", &format!("{:.0}", now_ms()));
            }
        }
        let stage_done = now_ms();
        let mut charts_drawn = false;
        if charts_due {
            *self.last_chart_ms.borrow_mut() = t;
            let (w, h) = chart_size(&self.charts);
            if still.charts.due(moving, redraw::key(&s, renders, w, h)) {
                draw_charts(&self.charts, self.focus, &s, *self.hover.borrow());
                charts_drawn = true;
            }
        }
        let charts_done = now_ms();
        self.budget.borrow_mut().drew(
            stage_drawn.then_some(stage_done - engine_done),
            charts_drawn.then_some(charts_done - stage_done),
        );
        let refresh = t - *self.last_stats_ms.borrow() >= STATS_EVERY_MS
            && still.panels.due(moving, redraw::key(&s, 0, 0.0, 0.0));
        drop(still);
        // The engine is released before dispatching: the App reads it as it renders.
        drop(s);
        if lesson_paused {
            self.dispatch.emit(Action::LessonPaused);
        }
        if refresh {
            *self.last_stats_ms.borrow_mut() = t;
            self.dispatch.emit(Action::Refresh);
        }
        // A benchmark measures every frame.
        let moves = moving || lesson_paused || refresh || self.bench.borrow().is_some();
        self.was_still.set(!moves);
        let end = now_ms();
        let sections = [
            engine_done - started,
            stage_done - engine_done,
            charts_done - stage_done,
            end - charts_done,
        ];
        let report = self
            .bench
            .borrow_mut()
            .as_mut()
            .and_then(|b| b.frame(t, end - started, sections, &self.sim.borrow()));
        if let Some(text) = report {
            web_sys::console::log_1(&format!("brook-bench {text}").into());
            self.dispatch.emit(Action::BenchReport(text));
        }
        moves
    }
}
