//! The App's frame loop as a hook: the stage and chart canvases, the loop that steps and draws
//! the engine on them, and the chart hover that redraws the charts on the next frame.

use std::cell::RefCell;
use std::rc::Rc;

use yew::prelude::*;

use crate::model::params::Params;
use crate::model::sim::Sim;
use crate::model::state::Action;
use crate::view::bench_run::BenchRun;
use crate::view::frame::FrameLoop;
use crate::view::hooks::use_animation_frame;

/// What the page needs from the frame loop.
pub struct Stage {
    /// For the stage canvas.
    pub canvas: NodeRef,
    /// For the charts canvas.
    pub charts: NodeRef,
    /// The mouse moved over the charts.
    pub on_chart_move: Callback<MouseEvent>,
    /// The mouse left the charts.
    pub on_chart_leave: Callback<MouseEvent>,
}

fn prefers_reduced_motion() -> bool {
    web_sys::window()
        .and_then(|w| w.match_media("(prefers-reduced-motion: reduce)").ok().flatten())
        .is_some_and(|m| m.matches())
}

/// Runs `sim` on every animation frame while mounted (a benchmark too if `params` ask for
/// one); refreshes and the benchmark report go to `dispatch`.
#[hook]
pub fn use_frame_loop(sim: Rc<RefCell<Sim>>, dispatch: Callback<Action>, params: &Params) -> Stage {
    let canvas = use_node_ref();
    let charts = use_node_ref();
    let hover = use_mut_ref(|| None::<(f64, f64)>);
    let last_chart_ms = use_mut_ref(|| f64::NEG_INFINITY);
    let last_stats_ms = use_mut_ref(|| 0.0f64);
    let reduced = use_memo((), |_| prefers_reduced_motion());
    let bench = use_mut_ref(|| params.bench_seconds.map(|s| BenchRun::start(&params.preset, s)));
    let frames = FrameLoop {
        sim,
        stage: canvas.clone(),
        charts: charts.clone(),
        hover: hover.clone(),
        last_chart_ms: last_chart_ms.clone(),
        last_stats_ms,
        bench,
        reduced_motion: *reduced,
        dispatch,
    };
    use_animation_frame(Rc::new(move |t| frames.frame(t)));
    // Hovering the charts redraws them on the next frame with a readout; no render.
    let on_chart_move = {
        let (hover, last) = (hover.clone(), last_chart_ms.clone());
        Callback::from(move |e: MouseEvent| {
            *hover.borrow_mut() = Some((e.offset_x() as f64, e.offset_y() as f64));
            *last.borrow_mut() = f64::NEG_INFINITY;
        })
    };
    let on_chart_leave = Callback::from(move |_: MouseEvent| {
        *hover.borrow_mut() = None;
        *last_chart_ms.borrow_mut() = f64::NEG_INFINITY;
    });
    Stage { canvas, charts, on_chart_move, on_chart_leave }
}
