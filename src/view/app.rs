//! The root component. The engine is held in `use_mut_ref`, outside Yew state; the UI state is
//! a `use_reducer` over the model's `State`, changed only by dispatching `Action`s. Before the
//! page is rendered the engine follows the state (`state::follow`); the frame loop steps and
//! draws it and asks for a refresh a few times a second.

use std::rc::Rc;

use web_sys::HtmlCanvasElement;
use yew::prelude::*;

use crate::model::inspect::{inspect, View};
use crate::model::layout::{Layout, Selection};
use crate::model::params::{parse_query, Params};
use crate::model::sim::Sim;
use crate::model::state::{follow, reduce, Action, State};
use crate::model::targets::targets_of;
use crate::view::clock::now_ms;
use crate::view::components::{
    Actions, ColourBy, Controls, Counters, DisplayProps, ImportExport, Inspector, LagGroup, Legend,
};
use crate::view::export::download_export;
use crate::view::hooks::{use_frame_loop, use_keyboard};
use crate::view::panic::set_panic_context;

impl Reducible for State {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        Rc::new(reduce(&self, action))
    }
}

fn url_params() -> (Params, Vec<String>) {
    let search = web_sys::window().and_then(|w| w.location().search().ok()).unwrap_or_default();
    parse_query(&search)
}

/// Sends an action: a command goes to the engine's queue first (a full queue is itself worth
/// telling: the engine's notice says so), then the state is reduced.
fn dispatcher(
    sim: Rc<std::cell::RefCell<Sim>>,
    ui: UseReducerDispatcher<State>,
) -> Callback<Action> {
    Callback::from(move |a: Action| {
        if let Action::Command(c) = &a {
            let queued = sim.borrow_mut().cluster.command(c.clone());
            if let Err(e) = queued {
                web_sys::console::warn_1(&e.into());
            }
        }
        ui.dispatch(a);
    })
}

/// The inspector's heading key and content for what is selected, if it still exists.
fn inspector_view(
    sim: &Sim,
    selected: &Option<crate::model::state::Inspected>,
) -> Option<(String, View)> {
    let (sel, form) = selected.as_ref()?;
    let mut view = inspect(&sim.cluster, *sel)?;
    view.form = form.clone();
    if let Selection::Member(g, m) = *sel {
        let rate = sim.rates.of(g, m);
        let shown = rate.map_or("measured after a virtual second".into(), |r| format!("{r:.0}"));
        view.figures.insert(2, ("rate, records/s".into(), shown));
    }
    Some((format!("{sel:?}"), view))
}

/// The Brook app.
#[component]
pub fn App() -> Html {
    let boot = use_memo((), |_| url_params());
    let (params, url_errors) = (&boot.0, &boot.1);
    let ui = use_reducer(|| State::new(params));
    let sim = use_mut_ref(|| {
        let sim = ui.new_sim();
        set_panic_context(sim.cluster.scenario());
        sim
    });
    if follow(&mut sim.borrow_mut(), &ui, now_ms()) {
        set_panic_context(sim.borrow().cluster.scenario());
    }
    let dispatch = dispatcher(sim.clone(), ui.dispatcher());
    let stage = use_frame_loop(sim.clone(), dispatch.clone(), params);
    use_keyboard(dispatch.clone());

    let on_stage_click = {
        let (sim, canvas, dispatch) = (sim.clone(), stage.canvas.clone(), dispatch.clone());
        Callback::from(move |e: MouseEvent| {
            let Some(c) = canvas.cast::<HtmlCanvasElement>() else { return };
            let selected = {
                let s = sim.borrow();
                let (w, h) = (c.client_width() as f64, c.client_height() as f64);
                let hit =
                    Layout::new(&s.cluster, w, h).hit(e.offset_x() as f64, e.offset_y() as f64);
                // The form keeps the values of the moment of the click, so typing is not
                // overwritten by the live refresh.
                hit.and_then(|h| inspect(&s.cluster, h).map(|v| (h, v.form)))
            };
            dispatch.emit(Action::Select(selected));
        })
    };
    let validate = {
        let sim = sim.clone();
        Callback::from(move |c: brook_engine::Command| sim.borrow().cluster.check_command(&c).err())
    };
    let on_export = {
        let sim = sim.clone();
        Callback::from(move |_: MouseEvent| download_export(&sim.borrow().cluster))
    };
    let on_command = dispatch.reform(Action::Command);
    let on_import = dispatch.reform(|(file_name, text)| Action::Import { file_name, text });
    let on_close = dispatch.reform(|_| Action::Select(None));
    let s = sim.borrow();
    let stats = s.stats();
    let inspector = inspector_view(&s, &ui.selected);
    let targets = targets_of(&s.cluster);
    let group_names: Vec<String> = s.cluster.groups().iter().map(|g| g.spec.name.clone()).collect();
    let description = s.cluster.scenario().description.clone();
    drop(s);
    let display = DisplayProps {
        by_key: ui.colour_by_key,
        groups: group_names,
        lag_group: ui.lag_group,
        dispatch: dispatch.clone(),
    };
    html! {
        <main class="app">
            <header>
                <h1>{ "Brook" }<span class="tagline">{ " a Kafka-style message queue, simulated live" }</span></h1>
                <p class="description" data-testid="description">{ description }</p>
            </header>
            if !url_errors.is_empty() {
                <div class="banner-error" role="alert" data-testid="url-errors">
                    { "Ignored URL parameters: " }{ url_errors.join("; ") }
                </div>
            }
            <Controls playing={ui.playing} speed={ui.speed} seed={ui.seed_text.clone()}
                seed_error={ui.seed_error.clone()} preset={ui.preset_name().to_string()}
                imported={ui.imported_name()} dispatch={dispatch.clone()} />
            <div class="stage-row">
                <div class="stage-wrap">
                    <canvas ref={stage.canvas} class="stage" data-testid="stage" role="img" onclick={on_stage_click}
                        aria-label="Producers on the left send record batches into partition logs in the centre; consumers on the right pull them." />
                </div>
                if let Some((key, view)) = inspector {
                    <Inspector {key} {view} {validate} on_command={on_command.clone()} {on_close} />
                }
            </div>
            <Counters stats={stats.clone()} />
            // Below the stage, so on a 720p projector the stage and the figures fit on one
            // screen; the actions are one scroll away.
            <Actions {targets} on_command={on_command} notice={stats.notice.clone()} />
            <div class="options">
                <ColourBy ..display.clone() />
                <ImportExport {on_import} {on_export} error={ui.import_error.clone()} />
            </div>
            <LagGroup ..display />
            <canvas ref={stage.charts} class="charts" data-testid="charts" role="img"
                onmousemove={stage.on_chart_move} onmouseleave={stage.on_chart_leave}
                aria-label="Charts over the last minute: inflow against outflow with the backlog, lag per reader, latency percentiles, and faults. Hover for values." />
            if let Some(text) = &ui.bench_report {
                <pre class="bench" data-testid="bench-result">{ text }</pre>
            }
            <Legend />
        </main>
    }
}
