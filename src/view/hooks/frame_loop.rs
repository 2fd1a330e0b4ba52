//! The App's frame loop as a hook: the stage and chart canvases, the loop that steps and draws
//! the engine on them, and the chart hover that redraws the charts on the next frame.

use std::cell::RefCell;
use std::rc::Rc;

use yew::prelude::*;

use crate::model::charts::ChartKind;
use crate::model::params::Params;
use crate::model::sim::Sim;
use crate::model::state::Action;
use crate::view::bench_run::BenchRun;
use crate::view::frame::{FrameLoop, FOCUS_SLOT};
use crate::view::hooks::use_animation_frame;

/// What the page needs from the frame loop.
pub struct Stage {
    /// For the stage canvas.
    pub canvas: NodeRef,
    /// For the chart canvases: the small ones in `ChartKind::ALL` order, then the focus one
    /// (`FOCUS_SLOT`).
    pub charts: Rc<Vec<NodeRef>>,
    /// The mouse moved over the chart of a slot (its x, CSS px), or left it (None).
    pub on_chart_hover: Callback<(usize, Option<f64>)>,
}

fn prefers_reduced_motion() -> bool {
    web_sys::window()
        .and_then(|w| w.match_media("(prefers-reduced-motion: reduce)").ok().flatten())
        .is_some_and(|m| m.matches())
}

/// Runs `sim` on every animation frame while mounted (a benchmark too if `params` ask for
/// one; `focus`: the chart drawn large); refreshes and the benchmark report go to `dispatch`.
#[hook]
pub fn use_frame_loop(
    sim: Rc<RefCell<Sim>>,
    dispatch: Callback<Action>,
    params: &Params,
    focus: ChartKind,
) -> Stage {
    let canvas = use_node_ref();
    let charts = use_memo((), |_| (0..=FOCUS_SLOT).map(|_| NodeRef::default()).collect::<Vec<_>>());
    let hover = use_mut_ref(|| None::<(usize, f64)>);
    let last_chart_ms = use_mut_ref(|| f64::NEG_INFINITY);
    let last_stats_ms = use_mut_ref(|| 0.0f64);
    let reduced = use_memo((), |_| prefers_reduced_motion());
    // Every App render passes here: a still page is drawn again after one.
    let still = use_mut_ref(crate::model::redraw::Still::default);
    still.borrow_mut().renders += 1;
    let bench = use_mut_ref(|| params.bench_seconds.map(|s| BenchRun::start(&params.preset, s)));
    let frames = FrameLoop {
        sim,
        stage: canvas.clone(),
        charts: charts.clone(),
        focus,
        hover: hover.clone(),
        // An f64 cell like the others (one hook instance less in the bundle); NaN: not set yet.
        clipped: use_mut_ref(|| f64::NAN),
        last_chart_ms: last_chart_ms.clone(),
        last_stats_ms,
        still: still.clone(),
        bench,
        reduced_motion: *reduced,
        dispatch,
        was_still: (*use_memo((), |_| Rc::new(std::cell::Cell::new(false)))).clone(),
        budget: use_mut_ref(crate::model::sim::FrameBudget::default),
    };
    let waker = use_animation_frame(Rc::new(move |t| frames.frame(t)));
    // Hovering a chart redraws the charts on the next frame with a readout; no render.
    let on_chart_hover = Callback::from(move |(slot, x): (usize, Option<f64>)| {
        *hover.borrow_mut() = x.map(|x| (slot, x));
        *last_chart_ms.borrow_mut() = f64::NEG_INFINITY;
        still.borrow_mut().charts.invalidate();
        waker.wake();
    });
    Stage { canvas, charts, on_chart_hover }
}
