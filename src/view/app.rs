//! The root component. The engine is held in `use_mut_ref`, outside Yew state; the UI state is
//! a `use_reducer` over the model's `State`, changed only by dispatching `Action`s. Before the
//! page is rendered the engine follows the state (`state::follow`); the frame loop steps and
//! draws it and asks for a refresh a few times a second.

use std::rc::Rc;

use web_sys::HtmlCanvasElement;
use yew::prelude::*;

use crate::model::changes::described;
use crate::model::i18n::{choose_lang, engine_text, Lang, Msg, Text, STORAGE_KEY};
use crate::model::layout::Layout;
use crate::model::params::{parse_query, query_for_preset, query_with_lang, Params};
use crate::model::sim::Sim;
use crate::model::state::{follow, reduce, select, Action, Source, State};
use crate::model::targets::targets_of;
use crate::view::clock::now_ms;
use crate::view::components::{
    language_switch, legend, Actions, ColourBy, Controls, Counters, DisplayProps, ImportExport,
    Inspector, LagGroup,
};
use crate::view::export::download_export;
use crate::view::hooks::{use_frame_loop, use_keyboard};
use crate::view::panic::{set_panic_context, set_panic_lang};

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

/// Writes the running preset and seed into the address bar (without a new history entry), so
/// a reload or a copied address reopens what is shown. An imported file has no address.
fn address_follows(source: &Source, seed: u64) {
    let Source::Preset(name) = source else { return };
    let Some(w) = web_sys::window() else { return };
    let search = w.location().search().unwrap_or_default();
    let path = w.location().pathname().unwrap_or_default();
    if let Ok(history) = w.history() {
        let query = query_for_preset(&search, name, seed);
        let _ = history.replace_state_with_url(
            &wasm_bindgen::JsValue::NULL,
            "",
            Some(&format!("{path}{query}")),
        );
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
            let queued = sim.borrow_mut().cluster.command(c.clone());
            if let Err(e) = queued {
                web_sys::console::warn_1(&e.into());
            }
        }
        ui.dispatch(a);
    })
}

/// The Brook app.
#[component]
pub fn App() -> Html {
    let boot = use_memo((), |_| url_params());
    let (params, url_errors) = (&boot.0, &boot.1);
    let ui = use_reducer(|| {
        let lang = choose_lang(params.lang, stored_lang().as_deref(), &browser_langs());
        State { lang, ..State::new(params) }
    });
    let lang = ui.lang;
    use_effect_with(lang, |&lang| document_follows(lang));
    // After each restart the user caused (a preset chosen, a seed typed, a reset), not on load.
    use_effect_with((ui.run, ui.source.clone(), ui.seed), |(run, source, seed)| {
        if *run > 0 {
            address_follows(source, *seed);
        }
    });
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
                hit.and_then(|h| select(&s.cluster, h, lang))
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
    let description = described(ui.description(s.cluster.scenario()), &s.cluster, lang);
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
    html! {
        <main class="app">
            <header>
                <h1>{ "Brook" }<span class="tagline">{ t(Msg::Tagline) }</span></h1>
                { language_switch(lang, &on_lang) }
                <p class="description" data-testid="description">{ description }</p>
            </header>
            if !url_errors.is_empty() && ui.url_errors_shown() {
                <div class="banner-error" role="alert" data-testid="url-errors">
                    { lang.f(Msg::UrlIgnored, &[&url_errors.join(lang.list_sep())]) }
                </div>
            }
            <Controls playing={ui.playing} speed={ui.speed} seed={ui.seed_text.clone()}
                seed_error={render(&ui.seed_error)} preset={ui.preset_name().to_string()}
                imported={ui.imported_name()} dispatch={dispatch.clone()} {lang} />
            <div class="stage-row">
                <div class="stage-wrap">
                    <canvas ref={stage.canvas} class="stage" data-testid="stage" role="img" onclick={on_stage_click}
                        aria-label={t(Msg::StageAria)} />
                </div>
                if let Some((key, view)) = inspector {
                    <Inspector {key} {view} {validate} on_command={on_command.clone()} {on_close} {lang} />
                }
            </div>
            <Counters stats={stats.clone()} {lang} />
            // Below the stage, so on a 720p projector the stage and the figures fit on one
            // screen; the actions are one scroll away.
            <Actions {targets} on_command={on_command} {notice} {lang} />
            <div class="options">
                <ColourBy ..display.clone() />
                <ImportExport {on_import} {on_export} error={render(&ui.import_error)} {lang} />
            </div>
            <LagGroup ..display />
            <canvas ref={stage.charts} class="charts" data-testid="charts" role="img"
                onmousemove={stage.on_chart_move} onmouseleave={stage.on_chart_leave}
                aria-label={t(Msg::ChartsAria)} />
            if let Some(text) = &ui.bench_report {
                <pre class="bench" data-testid="bench-result">{ text }</pre>
            }
            { legend(lang) }
        </main>
    }
}
