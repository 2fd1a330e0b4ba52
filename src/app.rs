//! The root component: owns the simulation, runs the frame loop, wires the controls.

use std::cell::RefCell;
use std::rc::Rc;

use brook_engine::preset;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};
use yew::prelude::*;

use crate::canvas::draw;
use crate::components::{Controls, Counters};
use crate::hooks::use_animation_frame;
use crate::params::{parse_query, parse_seed, Params};
use crate::sim::{Sim, SPEED_MAX, SPEED_MIN};

/// How often the panels get a fresh snapshot, wall ms (the only path into the virtual DOM).
const STATS_EVERY_MS: f64 = 200.0;
/// Virtual time one press of Step advances, us.
const STEP_US: f64 = 100_000.0;

fn new_sim(preset_name: &str, seed: u64, playing: bool) -> Sim {
    let mut scenario =
        preset(preset_name).unwrap_or_else(|| preset("quickstart").expect("built in"));
    scenario.seed = seed;
    crate::set_panic_context(&scenario);
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

fn draw_frame(canvas: &HtmlCanvasElement, sim: &Sim, now_ms: f64, reduced: bool) {
    let dpr = web_sys::window().map_or(1.0, |w| w.device_pixel_ratio()).max(1.0);
    let (w, h) = (canvas.client_width() as f64, canvas.client_height() as f64);
    if w <= 0.0 || h <= 0.0 {
        return;
    }
    let (pw, ph) = ((w * dpr).round() as u32, (h * dpr).round() as u32);
    if canvas.width() != pw || canvas.height() != ph {
        canvas.set_width(pw);
        canvas.set_height(ph);
    }
    let Some(ctx) = canvas
        .get_context("2d")
        .ok()
        .flatten()
        .and_then(|c| c.dyn_into::<CanvasRenderingContext2d>().ok())
    else {
        return;
    };
    let _ = ctx.set_transform(dpr, 0.0, 0.0, dpr, 0.0, 0.0);
    draw(&ctx, sim, w, h, now_ms, reduced);
}

fn now_ms() -> f64 {
    web_sys::window().and_then(|w| w.performance()).map_or(0.0, |p| p.now())
}

/// The Brook app.
#[component]
pub fn App() -> Html {
    let boot = use_memo((), |_| url_params());
    let (params, url_errors) = (*boot).clone();
    let sim = use_mut_ref(|| new_sim(&params.preset, params.seed, params.play));
    let stats = use_state(|| sim.borrow().stats());
    let preset_name = use_state(|| params.preset.clone());
    let seed_text = use_state(|| params.seed.to_string());
    let seed_error = use_state(|| None::<String>);
    let canvas = use_node_ref();
    let last_stats_ms = use_mut_ref(|| 0.0f64);
    let reduced = use_memo((), |_| prefers_reduced_motion());
    let bench = use_mut_ref(|| params.bench_seconds.map(|s| BenchRun::start(&params.preset, s)));
    let bench_report = use_state(|| None::<String>);

    let on_frame: Rc<dyn Fn(f64)> = {
        let (sim, canvas, setter, last, reduced) =
            (sim.clone(), canvas.clone(), stats.setter(), last_stats_ms.clone(), *reduced);
        let (bench, report) = (bench.clone(), bench_report.setter());
        Rc::new(move |t: f64| {
            let started = now_ms();
            let mut s = sim.borrow_mut();
            s.frame(t);
            if let Some(c) = canvas.cast::<HtmlCanvasElement>() {
                draw_frame(&c, &s, t, reduced);
                if !c.has_attribute("data-first-frame-ms") {
                    // For the benchmark: ms from navigation start to the first drawn frame.
                    let _ = c.set_attribute("data-first-frame-ms", &format!("{:.0}", now_ms()));
                }
            }
            if let Some(b) = bench.borrow_mut().as_mut() {
                if let Some(text) = b.frame(t, now_ms() - started, &s) {
                    web_sys::console::log_1(&format!("brook-bench {text}").into());
                    report.set(Some(text));
                }
            }
            if t - *last.borrow() >= STATS_EVERY_MS {
                *last.borrow_mut() = t;
                setter.set(s.stats());
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
        Rc::new(move |preset_name: &str, seed: &str| match parse_seed(seed) {
            Ok(seed) => {
                let playing = sim.borrow().playing;
                *sim.borrow_mut() = new_sim(preset_name, seed, playing);
                seed_error.set(None);
                refresh();
            }
            Err(e) => seed_error.set(Some(e)),
        })
    };
    let on_reset = {
        let (restart, p, s) = (restart.clone(), preset_name.clone(), seed_text.clone());
        Callback::from(move |_| restart(&p, &s))
    };
    let on_seed = {
        let (seed_text, seed_error) = (seed_text.clone(), seed_error.clone());
        Callback::from(move |v: String| {
            seed_error.set(parse_seed(&v).err());
            seed_text.set(v);
        })
    };
    let on_preset = {
        let (restart, p, s) = (restart.clone(), preset_name.clone(), seed_text.clone());
        Callback::from(move |v: String| {
            restart(&v, &s);
            p.set(v);
        })
    };
    use_keyboard(KeyActions {
        toggle: on_toggle.clone(),
        step: on_step.clone(),
        speed: on_speed.clone(),
        reset: on_reset.clone(),
        speed_now: stats.speed,
    });

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
                {on_toggle} {on_step} {on_speed} {on_reset} {on_seed} {on_preset} />
            <div class="stage-wrap">
                <canvas ref={canvas} class="stage" data-testid="stage" role="img"
                    aria-label="Producers on the left send record batches into partition logs in the centre; consumers on the right pull them." />
            </div>
            <Counters stats={(*stats).clone()} />
            if let Some(text) = &*bench_report {
                <pre class="bench" data-testid="bench-result">{ text }</pre>
            }
            <Legend />
        </main>
    }
}

/// Virtual seconds of the engine-only throughput measurement in benchmark mode.
const ENGINE_BENCH_VIRTUAL_S: u64 = 3;

/// A frame-time benchmark in progress (`?bench=PRESET&seconds=N`).
struct BenchRun {
    preset: String,
    seconds: u32,
    started_ms: Option<f64>,
    samples: crate::bench::FrameSamples,
    engine_virtual_s_per_s: f64,
    done: bool,
}

impl BenchRun {
    /// Measures the engine alone first (a fresh cluster, no drawing), then samples frames.
    fn start(preset_name: &str, seconds: u32) -> Self {
        let mut c = brook_engine::Cluster::new(preset(preset_name).expect("validated preset"));
        let t0 = now_ms();
        c.run_until(ENGINE_BENCH_VIRTUAL_S * 1_000_000);
        let wall_s = ((now_ms() - t0) / 1000.0).max(1e-6);
        BenchRun {
            preset: preset_name.to_string(),
            seconds,
            started_ms: None,
            samples: Default::default(),
            engine_virtual_s_per_s: ENGINE_BENCH_VIRTUAL_S as f64 / wall_s,
            done: false,
        }
    }

    /// Records one frame; returns the report once the run is over.
    fn frame(&mut self, t: f64, work_ms: f64, sim: &Sim) -> Option<String> {
        if self.done {
            return None;
        }
        let start = *self.started_ms.get_or_insert(t);
        self.samples.record(t, work_ms);
        let wall_s = (t - start) / 1000.0;
        if wall_s < self.seconds as f64 {
            return None;
        }
        self.done = true;
        let extra = [
            ("virtual_s", sim.cluster.now_us() as f64 / 1e6),
            ("frames_behind", sim.frames_behind as f64),
            ("flights_max", crate::scene::FLIGHTS_MAX as f64),
        ];
        Some(self.samples.report(&self.preset, wall_s, self.engine_virtual_s_per_s, &extra))
    }
}

/// What the keyboard shortcuts trigger.
struct KeyActions {
    toggle: Callback<()>,
    step: Callback<()>,
    speed: Callback<f64>,
    reset: Callback<()>,
    speed_now: f64,
}

/// Space play/pause, right arrow step, + and - speed, r reset; ignored while typing in a field.
#[hook]
fn use_keyboard(actions: KeyActions) {
    let latest = use_mut_ref(|| None::<KeyActions>);
    *latest.borrow_mut() = Some(actions);
    use_effect_with((), move |_| {
        let document = web_sys::window().and_then(|w| w.document());
        let listener =
            Closure::<dyn FnMut(web_sys::KeyboardEvent)>::new(move |e: web_sys::KeyboardEvent| {
                let typing =
                    e.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()).is_some_and(
                        |el| matches!(el.tag_name().as_str(), "INPUT" | "SELECT" | "TEXTAREA"),
                    );
                let guard = latest.borrow();
                let Some(a) = guard.as_ref() else { return };
                if typing || e.ctrl_key() || e.meta_key() || e.alt_key() {
                    return;
                }
                match e.key().as_str() {
                    " " => a.toggle.emit(()),
                    "ArrowRight" => a.step.emit(()),
                    "+" | "=" => a.speed.emit((a.speed_now * 2.0).min(SPEED_MAX)),
                    "-" => a.speed.emit((a.speed_now / 2.0).max(SPEED_MIN)),
                    "r" => a.reset.emit(()),
                    _ => return,
                }
                e.prevent_default();
            });
        let listener = Rc::new(RefCell::new(Some(listener)));
        if let (Some(d), Some(l)) = (&document, listener.borrow().as_ref()) {
            let _ = d.add_event_listener_with_callback("keydown", l.as_ref().unchecked_ref());
        }
        move || {
            if let (Some(d), Some(l)) = (&document, listener.borrow_mut().take()) {
                let _ =
                    d.remove_event_listener_with_callback("keydown", l.as_ref().unchecked_ref());
            }
        }
    });
}

/// What the colours and shapes on the stage mean.
#[component]
fn Legend() -> Html {
    html! {
        <section class="legend" aria-label="Legend">
            <span><i class="dot produce"></i>{ "record batch, producer to partition leader (coloured by producer)" }</span>
            <span><i class="ring"></i>{ "fetch request: the consumer polls (pull)" }</span>
            <span><i class="dot fetch"></i>{ "records delivered: fetched, acquired from a share group or pushed (coloured by reader)" }</span>
            <span><i class="dot empty"></i>{ "long poll that found nothing" }</span>
            <span><i class="bar commit"></i>{ "committed offset of a group" }</span>
            <span><i class="bar deleted"></i>{ "deleted by retention" }</span>
            <span><i class="chip leader"></i><i class="chip isr"></i><i class="chip out"></i>{ "replicas: leader, in-sync follower, out of sync (\u{00d7}: broker down)" }</span>
        </section>
    }
}
