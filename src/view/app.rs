//! The root component: owns the simulation, runs the frame loop, wires the controls.

use std::rc::Rc;

use brook_engine::preset;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};
use yew::prelude::*;

use crate::model::inspect::{inspect, Form};
use crate::model::layout::{Layout, Selection};
use crate::model::params::{parse_query, parse_seed, Params};
use crate::model::sim::{Sim, SPEED_MAX, SPEED_MIN};
use crate::view::bench_run::BenchRun;
use crate::view::canvas::draw;
use crate::view::clock::now_ms;
use crate::view::components::{Actions, Controls, Counters, ImportExport, Inspector, Targets};
use crate::view::hooks::{use_animation_frame, use_keyboard, KeyActions};

/// How often the panels get a fresh snapshot, wall ms (the only path into the virtual DOM).
const STATS_EVERY_MS: f64 = 200.0;
/// How often the charts are redrawn, wall ms (and at once when the mouse moves over them).
const CHARTS_EVERY_MS: f64 = 100.0;
/// Virtual time one press of Step advances, us.
const STEP_US: f64 = 100_000.0;

/// Where the running scenario came from.
#[derive(Clone, PartialEq)]
enum Source {
    /// A built-in preset, by name.
    Preset(String),
    /// An imported file.
    Imported(Box<brook_engine::Scenario>),
}

impl Source {
    fn scenario(&self) -> brook_engine::Scenario {
        match self {
            Source::Preset(name) => {
                preset(name).unwrap_or_else(|| preset("quickstart").expect("built in"))
            }
            Source::Imported(s) => (**s).clone(),
        }
    }
}

fn new_sim(source: &Source, seed: u64, playing: bool) -> Sim {
    let mut scenario = source.scenario();
    scenario.seed = seed;
    crate::view::panic::set_panic_context(&scenario);
    let mut sim = Sim::new(scenario);
    sim.playing = playing;
    sim
}

fn url_params() -> (Params, Vec<String>) {
    let search = web_sys::window().and_then(|w| w.location().search().ok()).unwrap_or_default();
    parse_query(&search)
}

fn prefers_reduced_motion() -> bool {
    web_sys::window()
        .and_then(|w| w.match_media("(prefers-reduced-motion: reduce)").ok().flatten())
        .is_some_and(|m| m.matches())
}

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

fn draw_frame(canvas: &HtmlCanvasElement, sim: &Sim, now_ms: f64, reduced: bool) {
    if let Some((ctx, w, h)) = prepare(canvas) {
        draw(&ctx, sim, w, h, now_ms, reduced);
    }
}

fn draw_chart_canvas(canvas: &HtmlCanvasElement, sim: &Sim, hover: Option<(f64, f64)>) {
    if let Some((ctx, w, h)) = prepare(canvas) {
        let charts = crate::model::charts::charts(&sim.cluster, sim.lag_group);
        crate::view::chart_canvas::draw_charts(&ctx, &charts, w, h, hover);
    }
}

/// The Brook app.
#[component]
pub fn App() -> Html {
    let boot = use_memo((), |_| url_params());
    let (params, url_errors) = (*boot).clone();
    let source = use_state(|| Source::Preset(params.preset.clone()));
    let sim =
        use_mut_ref(|| new_sim(&Source::Preset(params.preset.clone()), params.seed, params.play));
    let import_error = use_state(|| None::<String>);
    let stats = use_state(|| sim.borrow().stats());
    let preset_name = use_state(|| params.preset.clone());
    let seed_text = use_state(|| params.seed.to_string());
    let seed_error = use_state(|| None::<String>);
    let canvas = use_node_ref();
    let last_stats_ms = use_mut_ref(|| 0.0f64);
    let reduced = use_memo((), |_| prefers_reduced_motion());
    let bench = use_mut_ref(|| params.bench_seconds.map(|s| BenchRun::start(&params.preset, s)));
    let bench_report = use_state(|| None::<String>);
    let charts_ref = use_node_ref();
    let selected = use_state(|| None::<(Selection, Option<Form>)>);
    let hover = use_mut_ref(|| None::<(f64, f64)>);
    let last_chart_ms = use_mut_ref(|| f64::NEG_INFINITY);

    let on_frame: Rc<dyn Fn(f64)> = {
        let (sim, canvas, setter, last, reduced) =
            (sim.clone(), canvas.clone(), stats.setter(), last_stats_ms.clone(), *reduced);
        let (bench, report) = (bench.clone(), bench_report.setter());
        let (charts_ref, hover, last_chart) =
            (charts_ref.clone(), hover.clone(), last_chart_ms.clone());
        Rc::new(move |t: f64| {
            let started = now_ms();
            let mut s = sim.borrow_mut();
            s.frame(t);
            let engine_done = now_ms();
            if let Some(c) = canvas.cast::<HtmlCanvasElement>() {
                draw_frame(&c, &s, t, reduced);
                if !c.has_attribute("data-first-frame-ms") {
                    // For the benchmark: ms from navigation start to the first drawn frame.
                    let _ = c.set_attribute("data-first-frame-ms", &format!("{:.0}", now_ms()));
                }
            }
            let stage_done = now_ms();
            if t - *last_chart.borrow() >= CHARTS_EVERY_MS {
                *last_chart.borrow_mut() = t;
                if let Some(c) = charts_ref.cast::<HtmlCanvasElement>() {
                    draw_chart_canvas(&c, &s, *hover.borrow());
                }
            }
            let charts_done = now_ms();
            if t - *last.borrow() >= STATS_EVERY_MS {
                *last.borrow_mut() = t;
                setter.set(s.stats());
            }
            if let Some(b) = bench.borrow_mut().as_mut() {
                let end = now_ms();
                let sections = [
                    engine_done - started,
                    stage_done - engine_done,
                    charts_done - stage_done,
                    end - charts_done,
                ];
                if let Some(text) = b.frame(t, end - started, sections, &s) {
                    web_sys::console::log_1(&format!("brook-bench {text}").into());
                    report.set(Some(text));
                }
            }
        })
    };
    use_animation_frame(on_frame);

    let refresh = {
        let (sim, setter) = (sim.clone(), stats.setter());
        move || setter.set(sim.borrow().stats())
    };
    let on_toggle = {
        let (sim, refresh) = (sim.clone(), refresh.clone());
        Callback::from(move |_| {
            let playing = sim.borrow().playing;
            sim.borrow_mut().playing = !playing;
            refresh();
        })
    };
    let on_step = {
        let (sim, refresh) = (sim.clone(), refresh.clone());
        Callback::from(move |_| {
            let mut s = sim.borrow_mut();
            if !s.playing {
                s.advance(STEP_US, now_ms());
            }
            drop(s);
            refresh();
        })
    };
    let on_speed = {
        let (sim, refresh) = (sim.clone(), refresh.clone());
        Callback::from(move |v: f64| {
            sim.borrow_mut().speed = v.clamp(SPEED_MIN, SPEED_MAX);
            refresh();
        })
    };
    let restart = {
        let (sim, refresh, seed_error) = (sim.clone(), refresh.clone(), seed_error.clone());
        Rc::new(move |source: &Source, seed: &str| match parse_seed(seed) {
            Ok(seed) => {
                let playing = sim.borrow().playing;
                *sim.borrow_mut() = new_sim(source, seed, playing);
                seed_error.set(None);
                refresh();
            }
            Err(e) => seed_error.set(Some(e)),
        })
    };
    let on_reset = {
        let (restart, src, s) = (restart.clone(), source.clone(), seed_text.clone());
        Callback::from(move |_| restart(&src, &s))
    };
    let on_seed = {
        let (seed_text, seed_error) = (seed_text.clone(), seed_error.clone());
        Callback::from(move |v: String| {
            seed_error.set(parse_seed(&v).err());
            seed_text.set(v);
        })
    };
    let on_preset = {
        let (restart, p, s, src) =
            (restart.clone(), preset_name.clone(), seed_text.clone(), source.clone());
        Callback::from(move |v: String| {
            let next = Source::Preset(v.clone());
            restart(&next, &s);
            src.set(next);
            p.set(v);
        })
    };
    let on_import = {
        let (restart, src, seed_text, import_error) =
            (restart.clone(), source.clone(), seed_text.clone(), import_error.clone());
        Callback::from(move |(name, text): (String, String)| {
            match crate::model::scenario_io::parse_import(&name, &text) {
                Ok(scenario) => {
                    seed_text.set(scenario.seed.to_string());
                    let next = Source::Imported(Box::new(scenario.clone()));
                    restart(&next, &scenario.seed.to_string());
                    src.set(next);
                    import_error.set(None);
                }
                Err(e) => import_error.set(Some(e)),
            }
        })
    };
    let on_export = {
        let sim = sim.clone();
        Callback::from(move |_: MouseEvent| export_scenario(&sim.borrow().cluster))
    };
    use_keyboard(KeyActions {
        toggle: on_toggle.clone(),
        step: on_step.clone(),
        speed: on_speed.clone(),
        reset: on_reset.clone(),
        speed_now: stats.speed,
    });

    let on_chart_move = {
        let (hover, last) = (hover.clone(), last_chart_ms.clone());
        Callback::from(move |e: MouseEvent| {
            *hover.borrow_mut() = Some((e.offset_x() as f64, e.offset_y() as f64));
            *last.borrow_mut() = f64::NEG_INFINITY; // redraw on the next frame
        })
    };
    let on_chart_leave = {
        let (hover, last) = (hover.clone(), last_chart_ms.clone());
        Callback::from(move |_: MouseEvent| {
            *hover.borrow_mut() = None;
            *last.borrow_mut() = f64::NEG_INFINITY;
        })
    };
    let on_command = {
        let (sim, refresh) = (sim.clone(), refresh.clone());
        Callback::from(move |c: brook_engine::Command| {
            // A full queue is itself worth telling: it becomes the notice.
            if let Err(e) = sim.borrow_mut().cluster.command(c) {
                web_sys::console::warn_1(&e.into());
            }
            refresh();
        })
    };
    let on_stage_click = {
        let (sim, canvas, selected) = (sim.clone(), canvas.clone(), selected.clone());
        Callback::from(move |e: MouseEvent| {
            let Some(c) = canvas.cast::<HtmlCanvasElement>() else { return };
            let s = sim.borrow();
            let layout = Layout::new(&s.cluster, c.client_width() as f64, c.client_height() as f64);
            let hit = layout.hit(e.offset_x() as f64, e.offset_y() as f64);
            // The form keeps the values of the moment of the click, so typing is not overwritten.
            selected.set(hit.and_then(|h| inspect(&s.cluster, h).map(|v| (h, v.form))));
        })
    };
    let validate = {
        let sim = sim.clone();
        Callback::from(move |c: brook_engine::Command| sim.borrow().cluster.check_command(&c).err())
    };
    let on_close = {
        let selected = selected.clone();
        Callback::from(move |_| selected.set(None))
    };
    let inspector = selected.as_ref().and_then(|(sel, form)| {
        let mut view = inspect(&sim.borrow().cluster, *sel)?;
        view.form = form.clone();
        if let Selection::Member(g, m) = *sel {
            let rate = sim.borrow().rates.of(g, m);
            let shown =
                rate.map_or("measured after a virtual second".into(), |r| format!("{r:.0}"));
            view.figures.insert(2, ("rate, records/s".into(), shown));
        }
        Some((format!("{sel:?}"), view))
    });
    let targets = targets_of(&sim.borrow().cluster);
    let group_names: Vec<String> =
        sim.borrow().cluster.groups().iter().map(|g| g.spec.name.clone()).collect();
    let lag_group = sim.borrow().lag_group;
    let by_key = sim.borrow().colour_by_key;
    let on_colour_by = {
        let sim = sim.clone();
        Callback::from(move |e: Event| {
            let Some(select) = e.target_dyn_into::<web_sys::HtmlSelectElement>() else { return };
            sim.borrow_mut().colour_by_key = select.value() == "key";
        })
    };
    let on_lag_group = {
        let sim = sim.clone();
        Callback::from(move |e: Event| {
            let Some(select) = e.target_dyn_into::<web_sys::HtmlSelectElement>() else { return };
            sim.borrow_mut().lag_group = select.selected_index().max(0) as usize;
        })
    };
    let description = sim.borrow().cluster.scenario().description.clone();
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
            <Controls playing={stats.playing} speed={stats.speed} seed={(*seed_text).clone()}
                seed_error={(*seed_error).clone()} preset={(*preset_name).clone()}
                imported={match &*source { Source::Imported(s) => Some(s.name.clone()), _ => None }}
                {on_toggle} {on_step} {on_speed} {on_reset} {on_seed} {on_preset} />
            <div class="stage-row">
                <div class="stage-wrap">
                    <canvas ref={canvas} class="stage" data-testid="stage" role="img" onclick={on_stage_click}
                        aria-label="Producers on the left send record batches into partition logs in the centre; consumers on the right pull them." />
                </div>
                if let Some((key, view)) = inspector {
                    <Inspector {key} {view} {validate} on_command={on_command.clone()} {on_close} />
                }
            </div>
            <Counters stats={(*stats).clone()} />
            // Below the stage, so on a 720p projector the stage and the figures fit on one
            // screen; the actions are one scroll away.
            <Actions {targets} on_command={on_command.clone()} notice={stats.notice.clone()} />
            <div class="options">
                <label class="chart-choice">{ "Log cells coloured by " }
                    <select data-testid="colour-by" onchange={on_colour_by}>
                        <option value="producer" selected={!by_key}>{ "producer" }</option>
                        <option value="key" selected={by_key}>{ "key (the batch's most frequent key; grey: no key)" }</option>
                    </select>
                </label>
                <ImportExport {on_import} {on_export} error={(*import_error).clone()} />
            </div>
            if group_names.len() > 1 {
                <label class="chart-choice">{ "Lag per partition of " }
                    <select data-testid="lag-group" onchange={on_lag_group}>
                        { for group_names.iter().enumerate().map(|(i, n)| html! {
                            <option value={n.clone()} selected={i == lag_group}>{ n }</option>
                        }) }
                    </select>
                </label>
            }
            <canvas ref={charts_ref} class="charts" data-testid="charts" role="img"
                onmousemove={on_chart_move} onmouseleave={on_chart_leave}
                aria-label="Charts over the last minute: inflow against outflow with the backlog, lag per reader, latency percentiles, and faults. Hover for values." />
            if let Some(text) = &*bench_report {
                <pre class="bench" data-testid="bench-result">{ text }</pre>
            }
            <Legend />
        </main>
    }
}

/// Downloads the running scenario (with its seed) as a JSON file.
fn export_scenario(c: &brook_engine::Cluster) {
    let json = c.export().to_json();
    let name = crate::model::scenario_io::export_file_name(c.scenario());
    let parts = js_sys::Array::of1(&JsValue::from_str(&json));
    let bag = web_sys::BlobPropertyBag::new();
    bag.set_type("application/json");
    let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &bag) else { return };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else { return };
    let doc = web_sys::window().and_then(|w| w.document());
    if let Some(a) = doc
        .and_then(|d| d.create_element("a").ok())
        .and_then(|a| a.dyn_into::<web_sys::HtmlAnchorElement>().ok())
    {
        a.set_href(&url);
        a.set_download(&name);
        a.click();
    }
    let _ = web_sys::Url::revoke_object_url(&url);
}

/// What the actions toolbar can name in `c`.
fn targets_of(c: &brook_engine::Cluster) -> Targets {
    let groups = c.groups().iter().map(|g| (g.spec.name.clone(), g.members.len()));
    let shares = c.share_groups().iter().map(|g| (g.spec.name.clone(), g.members.len()));
    Targets {
        groups: groups.chain(shares).collect(),
        producers: c.producers().iter().map(|p| p.spec.name.clone()).collect(),
        topics: c.topics().iter().map(|t| t.name.clone()).collect(),
        brokers: c.brokers().len(),
        readers: crate::model::consumers::consumer_sets(c).into_iter().map(|s| s.name).collect(),
        producer_specs: c.producers().iter().map(|p| p.spec.clone()).collect(),
    }
}

/// What the colours and shapes on the stage mean.
#[component]
fn Legend() -> Html {
    html! {
        <section class="legend" aria-label="Legend">
            <span><i class="dot produce"></i>{ "record batch, producer to partition leader (coloured by producer, or by key when chosen below the stage)" }</span>
            <span><i class="ring"></i>{ "fetch request: the consumer polls (pull)" }</span>
            <span><i class="dot fetch"></i>{ "records delivered: fetched, acquired from a share group or pushed (coloured by reader)" }</span>
            <span><i class="dot replicate"></i>{ "records a follower copies from the leader (a hop between replica chips)" }</span>
            <span><i class="dot empty"></i>{ "long poll that found nothing" }</span>
            <span><i class="bar commit"></i>{ "committed offset of a group" }</span>
            <span><i class="bar hw"></i>{ "high watermark: newer records (washed out) are not on every in-sync replica yet; newest on the right" }</span>
            <span><i class="bar deleted"></i>{ "deleted by retention" }</span>
            <span><i class="chip leader"></i><i class="chip isr"></i><i class="chip out"></i><i class="chip joining"></i>{ "replicas: leader, in-sync follower, out of sync (\u{00d7}: broker down), joining by a move (copying the log)" }</span>
        </section>
    }
}
