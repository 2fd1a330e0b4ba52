//! The root component. The engine is held in `use_mut_ref`, outside Yew state; the UI state is
//! a `use_reducer` over the model's `State`, changed only by dispatching `Action`s. Before the
//! page is rendered the engine follows the state (`state::follow`); the frame loop steps and
//! draws it and asks for a refresh a few times a second.

use std::rc::Rc;

use web_sys::HtmlCanvasElement;
use yew::prelude::*;

use crate::model::changes::described;
use crate::model::charts::{chart_note, chart_title, ChartKind};
use crate::model::follow::{dot_at, journey};
use crate::model::i18n::{choose_lang, engine_text, Lang, Msg, Text, STORAGE_KEY};
use crate::model::inspect::inspect;
use crate::model::layout::{Layout, Selection};
use crate::model::lesson::{Lesson, STEPS_MAX};
use crate::model::params::{
    parse_query, query_for_lesson, query_for_preset, query_with_lang, Params,
};
use crate::model::share::{payload, Shared};
use crate::model::sim::Sim;
use crate::model::stage_keys::{items, key_move, moved, summary};
use crate::model::state::{follow, reduce, select, Action, Source, State};
use crate::model::targets::targets_of;
use crate::model::without_queue::without_queue;
use crate::view::canvas::cursor::set_cursor;
use crate::view::clock::now_ms;
use crate::view::components::{
    chart_box, follow_panel, language_switch, legend, lesson_menu, lesson_panel, plan_panel,
    share_link, stage_hover, stage_terms, Actions, ColourBy, Controls, Counters, DisplayProps,
    ImportExport, Inspector, LagGroup, PanelLive, Timeline, WithoutQueuePanel,
};
use crate::view::export::{download_chart_png, download_export, download_metrics_csv};
use crate::view::frame::FOCUS_SLOT;
use crate::view::fullscreen::use_fullscreen;
use crate::view::hooks::{use_frame_loop, use_keyboard};
use crate::view::panic::{set_panic_context, set_panic_lang};
use crate::view::share::{
    clear_fragment, make_link, open_link, pending, shared_of, start_autosave, Pending, Shown,
};

impl Reducible for State {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        Rc::new(reduce(&self, action))
    }
}

fn url_params() -> (Params, Vec<Text>) {
    let search = web_sys::window().and_then(|w| w.location().search().ok()).unwrap_or_default();
    parse_query(&search)
}

/// The language chosen on the page before, if any (localStorage).
fn stored_lang() -> Option<String> {
    let storage = web_sys::window()?.local_storage().ok()??;
    storage.get_item(STORAGE_KEY).ok()?
}

/// The browser's preferred languages, in order (`navigator.languages`).
fn browser_langs() -> Vec<String> {
    let Some(w) = web_sys::window() else { return Vec::new() };
    w.navigator().languages().iter().filter_map(|v| v.as_string()).collect()
}

/// Remembers a language chosen on the page, and writes it into the URL if the URL names one
/// (a reload then keeps it).
fn remember_lang(lang: Lang) {
    let Some(w) = web_sys::window() else { return };
    if let Ok(Some(storage)) = w.local_storage() {
        // Private modes may refuse storage: the choice then lasts as long as the page.
        let _ = storage.set_item(STORAGE_KEY, lang.code());
    }
    let search = w.location().search().unwrap_or_default();
    if let (Some(query), Ok(history)) = (query_with_lang(&search, lang), w.history()) {
        let path = w.location().pathname().unwrap_or_default();
        let _ = history.replace_state_with_url(
            &wasm_bindgen::JsValue::NULL,
            "",
            Some(&format!("{path}{query}")),
        );
    }
}

/// Replaces the address bar's query with `query(current query)` (no new history entry), so a
/// reload or a copied address reopens what is shown.
fn replace_query(query: impl FnOnce(&str) -> String) {
    let Some(w) = web_sys::window() else { return };
    let search = w.location().search().unwrap_or_default();
    let path = w.location().pathname().unwrap_or_default();
    if let Ok(history) = w.history() {
        let url = format!("{path}{}", query(&search));
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url));
    }
}

/// The running preset and seed in the address bar (a shared run's too: a reload then finds
/// its autosave, saved under that address). An imported file has no address.
fn address_follows(source: &Source, seed: u64) {
    let (Source::Preset(name) | Source::Shared { preset: Some(name), .. }) = source else {
        return;
    };
    replace_query(|search| query_for_preset(search, name, seed));
}

/// The open lesson and its step (1-based) in the address bar.
fn address_follows_lesson(name: &str, step: usize) {
    replace_query(|search| query_for_lesson(search, name, step));
}

/// Fetches `lessons/NAME.json` (copied into the site by Trunk), validates it and opens it at
/// `step` (1-based, from the address); a failure is said in the lesson's place. `resume`: over
/// the run as it is (a shared run), without rebuilding the step's scene.
fn fetch_lesson(name: String, step: usize, resume: bool, dispatch: Callback<Action>) {
    use wasm_bindgen::JsCast;
    use wasm_bindgen_futures::JsFuture;
    wasm_bindgen_futures::spawn_local(async move {
        let text = async {
            let w = web_sys::window().ok_or("no window")?;
            let url = format!("lessons/{name}.json");
            let resp = JsFuture::from(w.fetch_with_str(&url)).await.map_err(|_| "network")?;
            let resp: web_sys::Response = resp.dyn_into().map_err(|_| "no response")?;
            if !resp.ok() {
                return Err(format!("HTTP {}", resp.status()));
            }
            let body = JsFuture::from(resp.text().map_err(|_| "no body")?).await;
            body.ok().and_then(|b| b.as_string()).ok_or_else(|| "no text".to_string())
        };
        let text = match text.await {
            Ok(t) => t,
            Err(e) => {
                let e = e.to_string();
                return dispatch
                    .emit(Action::LessonError(Text::new(Msg::LessonNotLoaded).arg(&name).arg(e)));
            }
        };
        match Lesson::from_json(&text) {
            Ok(lesson) => {
                let len = lesson.steps.len();
                let (lesson, at) = (Rc::new(lesson), step.saturating_sub(1));
                dispatch.emit(if resume {
                    Action::ResumeLesson(lesson, at)
                } else {
                    Action::OpenLesson(lesson, at)
                });
                if step > len {
                    dispatch.emit(Action::LessonError(
                        Text::new(Msg::UrlLessonStep).arg(step).arg(len),
                    ));
                }
            }
            Err(errors) => dispatch.emit(Action::LessonError(
                Text::new(Msg::LessonInvalid).arg(&name).arg(errors.join("; ")),
            )),
        }
    });
}

/// Opens a run from a link or the autosave, then its lesson (fetched) at its step.
fn open_shared(shared: Shared, dispatch: Callback<Action>) {
    let lesson = shared.lesson.clone();
    dispatch.emit(Action::OpenShared(Box::new(shared)));
    if let Some((name, step)) = lesson {
        fetch_lesson(name, step, true, dispatch);
    }
}

/// Opens what the page found besides its query (see `view::share`): a link (decompressed
/// first), the autosave, or the notice that a save was discarded.
fn open_pending(pending: Option<Pending>, dispatch: Callback<Action>) {
    let broken = |e: Text| Action::ShareError(Text::new(Msg::ShareBroken).text(e));
    match pending {
        None => {}
        Some(Pending::Discarded(e)) => {
            dispatch.emit(Action::ShareError(Text::new(Msg::AutosaveDiscarded).text(e)))
        }
        Some(Pending::Saved(s)) => open_shared(*s, dispatch),
        Some(Pending::Link(link)) => {
            clear_fragment();
            match link {
                Err(e) => dispatch.emit(broken(e)),
                Ok(bytes) => wasm_bindgen_futures::spawn_local(async move {
                    match open_link(&bytes).await {
                        Ok(s) => open_shared(s, dispatch),
                        Err(e) => dispatch.emit(broken(e)),
                    }
                }),
            }
        }
    }
}

/// Outlines the page element a lesson step names (`data-lesson-highlight`), and no other.
fn outline(selector: Option<&str>) {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else { return };
    if let Ok(list) = doc.query_selector_all("[data-lesson-highlight]") {
        for i in 0..list.length() {
            if let Some(el) = list
                .item(i)
                .and_then(|n| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(n).ok())
            {
                let _ = el.remove_attribute("data-lesson-highlight");
            }
        }
    }
    if let Some(el) = selector.and_then(|s| doc.query_selector(s).ok().flatten()) {
        let _ = el.set_attribute("data-lesson-highlight", "");
    }
}

/// Makes the document follow the page's language: `<html lang>` (which also picks
/// Traditional Chinese glyphs from the fonts) and the title.
fn document_follows(lang: Lang) {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else { return };
    if let Some(html) = doc.document_element() {
        let _ = html.set_attribute("lang", lang.html_lang());
    }
    doc.set_title(lang.t(Msg::DocTitle));
    set_panic_lang(lang);
}

/// Sends an action: a command goes to the engine's queue first (a full queue is itself worth
/// telling: the engine's notice says so), then the state is reduced.
fn dispatcher(
    sim: Rc<std::cell::RefCell<Sim>>,
    ui: UseReducerDispatcher<State>,
) -> Callback<Action> {
    Callback::from(move |a: Action| {
        if let Action::Command(c) = &a {
            let queued = sim.borrow_mut().command(c.clone());
            if let Err(e) = queued {
                web_sys::console::warn_1(&e.into());
            }
        }
        if let Action::Follow(f) = &a {
            follow_record(&mut sim.borrow_mut().cluster, *f);
        }
        if let Action::Seek(t_ms) = &a {
            sim.borrow_mut().seek_ms(*t_ms);
        }
        ui.dispatch(a);
    })
}

/// Follows a record (a view of the engine, not a command), or stops following.
fn follow_record(c: &mut brook_engine::Cluster, target: Option<brook_engine::FollowTarget>) {
    match target {
        // The page follows only next records (`follow_next`: the rest is not in the bundle).
        Some(brook_engine::FollowTarget::Next { producer, partition }) => {
            if let Err(e) = c.follow_next(producer, partition) {
                web_sys::console::warn_1(&e.into());
            }
        }
        Some(brook_engine::FollowTarget::At { .. }) => {}
        None => c.unfollow(),
    }
}

/// The least wall time between two updates of the stage's live region, ms.
const STAGE_LIVE_EVERY_MS: f64 = 1000.0;

/// The Brook app.
#[component]
pub fn App() -> Html {
    let boot = use_memo((), |_| {
        let (params, errors) = url_params();
        let pending = pending(&params);
        (params, errors, pending)
    });
    let (params, url_errors) = (&boot.0, &boot.1);
    // A link or a save opens paused at its moment: the page waits for it, paused.
    let waits = matches!(boot.2, Some(Pending::Link(Ok(_)) | Pending::Saved(_)));
    let ui = use_reducer(|| {
        let lang = choose_lang(params.lang, stored_lang().as_deref(), &browser_langs());
        State { lang, playing: params.play && !waits, ..State::new(params) }
    });
    let lang = ui.lang;
    use_effect_with(lang, |&lang| document_follows(lang));
    // The lesson and step shown go into the address; without one, the preset and seed after
    // each restart the user caused (a preset chosen, a seed typed, a reset), not on load.
    let lesson_at = ui.lesson.as_ref().map(|l| (l.lesson.name.clone(), l.step));
    use_effect_with(
        (lesson_at.clone(), ui.run, ui.source.clone(), ui.seed),
        |(lesson_at, run, source, seed)| match lesson_at {
            Some((name, step)) => address_follows_lesson(name, step + 1),
            None if *run > 0 => address_follows(source, *seed),
            None => {}
        },
    );
    let highlight = ui.lesson_step().and_then(|s| s.highlight()).and_then(|h| h.selector());
    use_effect_with(highlight, |h| outline(h.as_deref()));
    let sim = use_mut_ref(|| {
        let sim = ui.new_sim();
        set_panic_context(sim.cluster.scenario());
        sim
    });
    if follow(&mut sim.borrow_mut(), &ui, now_ms()) {
        set_panic_context(sim.borrow().cluster.scenario());
    }
    let dispatch = dispatcher(sim.clone(), ui.dispatcher());
    // The chart drawn large: the one chosen, if this run has it (no per-partition lag without
    // a consumer group, no request time chart without broker limits), else the flow chart.
    let has_groups = !sim.borrow().cluster.groups().is_empty();
    let limited = crate::model::capacity::limited(&sim.borrow().cluster);
    let kinds: Vec<ChartKind> = ChartKind::ALL
        .into_iter()
        .filter(|k| *k != ChartKind::PartitionLag || has_groups)
        .filter(|k| *k != ChartKind::RequestTime || limited)
        .collect();
    let focus = if kinds.contains(&ui.focus_chart) { ui.focus_chart } else { ChartKind::Flow };
    let stage = use_frame_loop(sim.clone(), dispatch.clone(), params, focus);
    use_keyboard(dispatch.clone(), ui.lesson.is_some());
    use_fullscreen(ui.presenter);
    let presenter = ui.presenter;
    // What a link or a save carries besides the engine: the preset and the lesson step.
    let shown = use_mut_ref(Shown::default);
    {
        // A lesson named in the address opens once the page is up, unless a link or the
        // autosave opens a run (with its own lesson).
        let (lesson, step, dispatch) = (params.lesson.clone(), params.step, dispatch.clone());
        let pending = boot.2.clone();
        // The autosave runs for the page's life, but not embedded (see `view::share`).
        let (sim, shown, embed) = (sim.clone(), shown.clone(), params.embed);
        use_effect_with((), move |_| {
            if let Some(name) = lesson.filter(|_| !waits) {
                fetch_lesson(name, step, false, dispatch.clone());
            }
            open_pending(pending, dispatch);
            if !embed {
                start_autosave(sim, shown);
            }
        });
    }
    *shown.borrow_mut() = Shown {
        preset: match &ui.source {
            Source::Preset(n) | Source::Shared { preset: Some(n), .. } => Some(n.clone()),
            Source::Imported(_) | Source::Shared { .. } => None,
        },
        lesson: lesson_at.as_ref().map(|(n, s)| (n.clone(), (s + 1).min(STEPS_MAX))),
    };
    let on_copy = {
        let (sim, shown, dispatch) = (sim.clone(), shown.clone(), dispatch.clone());
        Callback::from(move |_: MouseEvent| {
            let made = shared_of(&sim.borrow(), &shown.borrow(), None).map(|s| payload(&s));
            make_link(made, dispatch.reform(Action::ShareMade));
        })
    };
    let on_lesson = {
        let dispatch = dispatch.clone();
        Callback::from(move |name: String| {
            if name.is_empty() {
                dispatch.emit(Action::CloseLesson);
            } else {
                fetch_lesson(name, 1, false, dispatch.clone());
            }
        })
    };

    let on_stage_click = {
        let (sim, canvas, dispatch) = (sim.clone(), stage.canvas.clone(), dispatch.clone());
        Callback::from(move |e: MouseEvent| {
            let Some(c) = canvas.cast::<HtmlCanvasElement>() else { return };
            let selected = {
                let s = sim.borrow();
                let (w, h) = (c.client_width() as f64, c.client_height() as f64);
                let (x, y) = (e.offset_x() as f64, e.offset_y() as f64);
                let layout = Layout::new_for(&s.cluster, w, h, presenter);
                // A moving batch: follow a record of it.
                if let Some(t) = dot_at(&layout, &s.flights, x, y, now_ms()) {
                    drop(s);
                    dispatch.emit(Action::Follow(Some(t)));
                    return;
                }
                let hit = layout.hit(x, y);
                hit.and_then(|h| select(&s.cluster, h, lang))
            };
            dispatch.emit(Action::Select(selected));
        })
    };
    // The stage by keyboard (`model::stage_keys`): the arrows move a cursor over what a click
    // selects, Enter opens it in the inspector. The keys taken are not the page's own
    // (`use_keyboard` skips a key whose default was prevented).
    // The chosen thing and its name as the status line says it (written when a key moves it).
    let cursor = use_state_eq(|| None::<(Selection, String)>);
    let stage_live = use_mut_ref(|| (f64::NEG_INFINITY, String::new(), lang));
    let on_stage_key = {
        let (sim, canvas, dispatch, cursor) =
            (sim.clone(), stage.canvas.clone(), dispatch.clone(), cursor.clone());
        Callback::from(move |e: KeyboardEvent| {
            let Some(c) = canvas.cast::<HtmlCanvasElement>() else { return };
            let s = sim.borrow();
            let (w, h) = (c.client_width() as f64, c.client_height() as f64);
            let all = items(&Layout::new_for(&s.cluster, w, h, presenter));
            let at = cursor.as_ref().and_then(|(c, _)| all.iter().position(|x| x == c));
            if let Some(m) = key_move(&e.key()) {
                e.prevent_default();
                let next = moved(all.len(), at, m).map(|i| {
                    let title = inspect(&s.cluster, all[i], lang).map(|v| v.title);
                    let said = lang
                        .f(Msg::StageCursor, &[&title.unwrap_or_default(), &(i + 1), &all.len()]);
                    (all[i], said)
                });
                set_cursor(next.as_ref().map(|n| n.0));
                cursor.set(next);
            } else if e.key() == "Enter" {
                if let Some(sel) = at.map(|i| all[i]) {
                    e.prevent_default();
                    let selected = select(&s.cluster, sel, lang);
                    drop(s);
                    dispatch.emit(Action::Select(selected));
                }
            }
        })
    };
    // The outline shows while the stage has the focus (the next arrow brings it back).
    let on_stage_blur = Callback::from(|_: FocusEvent| set_cursor(None));
    // A glossary term under the pointer on the stage: its definition beside the pointer.
    let tip = use_node_ref();
    let (on_stage_move, on_stage_leave) = (
        stage_hover(&stage.canvas, &tip, lang, false),
        stage_hover(&stage.canvas, &tip, lang, true),
    );
    let validate = {
        let sim = sim.clone();
        Callback::from(move |c: brook_engine::Command| sim.borrow().cluster.check_command(&c).err())
    };
    let on_export = {
        let sim = sim.clone();
        Callback::from(move |_: MouseEvent| download_export(&sim.borrow().cluster))
    };
    let on_csv = {
        let sim = sim.clone();
        Callback::from(move |_: MouseEvent| download_metrics_csv(&sim.borrow()))
    };
    let on_command = dispatch.reform(Action::Command);
    let on_import = dispatch.reform(|(file_name, text)| Action::Import { file_name, text });
    let on_refused = dispatch.reform(Action::ImportRefused);
    let on_close = dispatch.reform(|_| Action::Select(None));
    let on_lang = dispatch.reform(|l: Lang| {
        remember_lang(l);
        Action::SetLang(l)
    });
    let s = sim.borrow();
    let stats = s.stats();
    let inspector = ui.inspector(&s);
    // What the inspector showed is gone (another preset, a removal): it closes, rather than
    // reopening on whatever later takes the name.
    let gone = ui.selected.is_some() && inspector.is_none();
    let targets = targets_of(&s.cluster);
    let group_names: Vec<String> = s.cluster.groups().iter().map(|g| g.spec.name.clone()).collect();
    // A shared run of a preset: what the user changed is said against the preset's timeline.
    let own = match &ui.source {
        Source::Shared { preset: Some(p), .. } => brook_engine::preset(p).map(|p| p.events),
        _ => None,
    };
    let description =
        described(ui.description(s.cluster.scenario()), &s.cluster, own.as_deref(), lang);
    let direct = s.direct.as_ref().map(|d| without_queue(d, &s.cluster));
    let timeout_ms = s.cluster.scenario().direct_call.timeout_ms;
    let live = PanelLive {
        try_refused: ui
            .lesson_step()
            .and_then(|st| st.try_command.as_ref())
            .and_then(|tr| s.cluster.check_command(&tr.command.command).err())
            .map(|e| engine_text(lang, &e)),
        replaying: s.replaying(),
    };
    // The charts there are, with their titles and notes.
    let shown: Vec<(ChartKind, String, Option<&'static str>)> = kinds
        .iter()
        .map(|&k| {
            (k, chart_title(k, &s.cluster, ui.lag_group, lang), chart_note(k, &s.cluster, lang))
        })
        .collect();
    let followed = s.cluster.followed().map(|f| journey(&s.cluster, f, lang));
    let plan = plan_panel(s.plan.as_ref(), &dispatch, lang);
    // What the stage shows, for the live region: written at most once a second.
    {
        let mut live = stage_live.borrow_mut();
        let now = now_ms();
        if now - live.0 >= STAGE_LIVE_EVERY_MS || live.2 != lang {
            *live = (now, summary(&s.cluster, lang), lang);
        }
    }
    let live_text = stage_live.borrow().1.clone();
    let scrubber = s.scrubber();
    drop(s);
    {
        let dispatch = dispatch.clone();
        use_effect_with(gone, move |&gone| {
            if gone {
                dispatch.emit(Action::Select(None));
            }
        });
    }
    let display = DisplayProps {
        by_key: ui.colour_by_key,
        groups: group_names,
        lag_group: ui.lag_group,
        dispatch: dispatch.clone(),
        lang,
    };
    let t = |m: Msg| lang.t(m);
    let render = |e: &Option<Text>| e.as_ref().map(|e| e.render(lang));
    let url_errors: Vec<String> = url_errors.iter().map(|e| e.render(lang)).collect();
    let notice = stats.notice.as_deref().map(|n| engine_text(lang, n));
    let chart = |&(kind, ref title, note): &(ChartKind, String, Option<&'static str>),
                 focused: bool| {
        let slot = if focused {
            FOCUS_SLOT
        } else {
            ChartKind::ALL.iter().position(|k| *k == kind).unwrap_or(0)
        };
        let canvas = stage.charts[slot].clone();
        let on_png = {
            let (canvas, sim) = (canvas.clone(), sim.clone());
            Callback::from(move |_: MouseEvent| {
                if let Some(c) = canvas.cast::<web_sys::HtmlCanvasElement>() {
                    download_chart_png(&c, kind.code(), &sim.borrow());
                }
            })
        };
        let (hover, d) = (&stage.on_chart_hover, &dispatch);
        chart_box(kind, title.clone(), note, canvas, slot, focused, hover, d, on_png, lang)
    };
    let focus_chart = shown.iter().find(|c| c.0 == focus);
    // A lesson step that compares or follows shows that panel in the focus chart's place.
    let step = ui.lesson_step();
    // (The inspector, opened during the step, takes it; the panel then shows below.)
    let wq_side = step.is_some_and(|s| s.without_queue) && inspector.is_none();
    let follow_side = step.is_some_and(|s| s.follow.is_some()) && inspector.is_none();
    let wq = html! {
        <WithoutQueuePanel view={direct} {timeout_ms} dispatch={dispatch.clone()} {lang} in_lesson={step.is_some_and(|s| s.without_queue)} />
    };
    let follow_html = follow_panel(followed.as_ref(), &dispatch.reform(Action::Follow), lang);
    let on_presenter = dispatch.reform(|e: MouseEvent| {
        // Focus leaves the button, so Space plays rather than pressing it again.
        if let Some(b) = e.target_dyn_into::<web_sys::HtmlElement>() {
            let _ = b.blur();
        }
        Action::TogglePresenter
    });
    // The first screen: the top bar, then the stage beside the side column (the lesson, then
    // the focus chart, or the inspector while it is open), fitting 1280 x 720 with no
    // scrolling. Everything else is below it.
    html! {
        // Embedded (`?embed=1`), the page's style shows only the stage, play and step, the
        // lesson's text and the banners (style.css, `.embed`): one page, no second tree.
        <main class={match (presenter, params.embed) {
            (_, true) => "app embed",
            (true, false) => "app presenter",
            (false, false) => "app",
        }}>
            <div class="screen">
                <header class="top">
                    <h1>{ "Brook" }<span class="tagline">{ t(Msg::Tagline) }</span></h1>
                    <Controls playing={ui.playing} speed={ui.speed} kept_speed={stats.kept_speed} seed={ui.seed_text.clone()}
                        seed_error={render(&ui.seed_error)} preset={ui.preset_name().to_string()}
                        imported={ui.imported_name()} lesson_open={ui.lesson.is_some()}
                        dispatch={dispatch.clone()} {lang} />
                    { lesson_menu(lang, lesson_at.as_ref().map(|(n, _)| n.as_str()), &on_lesson) }
                    <button class="presenter-toggle" data-testid="presenter" onclick={on_presenter}
                        aria-pressed={presenter.to_string()} title={t(Msg::PresenterTitle)}>
                        { t(Msg::PresenterButton) }
                    </button>
                    { language_switch(lang, &on_lang) }
                </header>
                if let Some(e) = &ui.share_error {
                    <div class="banner-error" role="alert" data-testid="share-error">{ e.render(lang) }</div>
                }
                if let Some(e) = &ui.lesson_error {
                    <div class="banner-error" role="alert" data-testid="lesson-error">{ e.render(lang) }</div>
                }
                if !url_errors.is_empty() && ui.url_errors_shown() {
                    <div class="banner-error" role="alert" data-testid="url-errors">
                        { lang.f(Msg::UrlIgnored, &[&url_errors.join(lang.list_sep())]) }
                    </div>
                }
                <div class="main">
                    <div class="stage-col">
                    <section class="stage-area">
                        <canvas ref={stage.canvas} class="stage" data-testid="stage" role="img" onclick={on_stage_click}
                            onmousemove={on_stage_move} onmouseleave={on_stage_leave}
                            tabindex="0" onkeydown={on_stage_key} onblur={on_stage_blur}
                            aria-label={format!("{} {}", t(Msg::StageAria), t(Msg::StageKeys))}
                            aria-describedby="stage-live" />
                        <p id="stage-live" class="visually-hidden" aria-live="polite" data-testid="stage-live">{ live_text }</p>
                        <p class="visually-hidden" role="status" data-testid="stage-cursor">{ cursor.as_ref().map(|c| c.1.clone()).unwrap_or_default() }</p>
                        <div ref={tip} class="stage-tip" role="tooltip" data-testid="stage-tip" hidden=true />
                    </section>
                    <Timeline view={scrubber} dispatch={dispatch.clone()} {lang} />
                    </div>
                    <aside class="side">
                        if let Some(run) = &ui.lesson {
                            <div class="lesson-slot">{ lesson_panel(run, live, lang, &dispatch) }</div>
                        }
                        if let Some((key, view)) = inspector {
                            <Inspector {key} {view} {validate} on_command={on_command.clone()} {on_close} {lang} />
                        } else if wq_side {
                            { wq.clone() }
                        } else if follow_side {
                            { follow_html.clone() }
                        } else if let Some(c) = focus_chart {
                            { chart(c, true) }
                        }
                        <p class="description" data-testid="description">{ description }</p>
                        { stage_terms(lang) }
                    </aside>
                </div>
            </div>
            if !wq_side {
                { wq }
            }
            if !follow_side {
                { follow_html }
            }
            <Counters stats={stats.clone()} {lang} />
            <Actions {targets} on_command={on_command} {notice} {lang} />
            <div class="options">
                <ColourBy ..display.clone() />
                <ImportExport {on_import} {on_refused} on_export={on_export.clone()} {on_csv} error={render(&ui.import_error)} {lang} />
                { share_link(ui.share_made.as_ref(), on_copy, on_export, lang) }
            </div>
            <LagGroup ..display />
            <div class="charts-row" data-testid="charts" role="group" aria-label={t(Msg::ChartsAria)}>
                { for shown.iter().filter(|c| c.0 != focus).map(|c| chart(c, false)) }
            </div>
            if let Some(text) = &ui.bench_report {
                <pre class="bench" data-testid="bench-result">{ text }</pre>
            }
            { plan }
            { legend(lang) }
        </main>
    }
}
