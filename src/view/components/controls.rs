//! Play, pause, step, speed, reset, seed and preset.

use brook_engine::PRESETS;
use web_sys::{HtmlElement, HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::model::format::{speed_factor, speed_factor_brief};
use crate::model::i18n::{preset_title, Lang, Msg};
use crate::model::sim::{speed_from_slider, speed_to_slider, SPEED_MAX, SPEED_MIN};
use crate::model::state::Action;

/// Properties of [`Controls`].
#[derive(Properties, PartialEq, Clone)]
pub struct ControlsProps {
    /// Whether time runs.
    pub playing: bool,
    /// Speed factor.
    pub speed: f64,
    /// The speed the run kept, when short of `speed` (`Sim::kept_speed`).
    #[prop_or_default]
    pub kept_speed: Option<f64>,
    /// Seed as typed.
    pub seed: String,
    /// A problem with the typed seed, shown inline.
    #[prop_or_default]
    pub seed_error: Option<String>,
    /// Selected preset.
    pub preset: String,
    /// Name of an imported scenario running instead of a preset.
    #[prop_or_default]
    pub imported: Option<String>,
    /// Whether a lesson is open (the right arrow then moves its steps; `.` steps the run).
    #[prop_or_default]
    pub lesson_open: bool,
    /// Where the controls' actions go.
    pub dispatch: Callback<Action>,
    /// The page's language.
    #[prop_or_default]
    pub lang: Lang,
}

/// The transport bar.
#[component]
pub fn Controls(p: &ControlsProps) -> Html {
    let d = &p.dispatch;
    let pace_slot = use_node_ref();
    let pace_whole = use_node_ref();
    let toggle = d.reform(|_: MouseEvent| Action::TogglePlay);
    let step = d.reform(|_: MouseEvent| Action::Step);
    let reset = d.reform(|_: MouseEvent| Action::Reset);
    let speed = d.reform(|e: InputEvent| {
        let v = e.target_unchecked_into::<HtmlInputElement>().value_as_number();
        Action::SetSpeed(speed_from_slider(v))
    });
    let seed = d.reform(|e: InputEvent| {
        Action::EditSeed(e.target_unchecked_into::<HtmlInputElement>().value())
    });
    let preset = d.reform(|e: Event| {
        let select = e.target_unchecked_into::<HtmlSelectElement>();
        // Focus leaves the menu so the presenter keys (Space, r...) work at once after a
        // choice; they are ignored while a field has focus.
        let _ = select.blur();
        Action::ChoosePreset(select.value())
    });
    let t = |m: Msg| p.lang.t(m);
    let play_label = if p.playing { t(Msg::Pause) } else { t(Msg::Play) };
    // The pace note has a slot of its own in the top bar, always there and sized by the bar,
    // not by the note (style.css, `.pace-slot`): it appearing, going or changing its figure
    // moves no control (it used to push Reset onto a row of its own, and the stage down).
    // Where the slot is too narrow for the whole note (English at 1024 px), its brief form,
    // the pace's figure alone (as the speed's own figure beside the slider), is shown
    // instead; the whole stays in the page for screen readers, visually hidden, and is
    // measured again at every render (style.css, `.pace-slot[data-brief]`).
    let pace = p.kept_speed.map(|kept| {
        let figure = speed_factor(kept);
        html! {
            <span class="pace-short" data-testid="pace-short" title={t(Msg::PaceShortTitle)}
                data-brief-text={format!("{}\u{00d7}", speed_factor_brief(kept))}>
                <span class="pace-whole" ref={pace_whole.clone()}>{ p.lang.f(Msg::PaceShort, &[&figure]) }</span>
            </span>
        }
    });
    {
        let (slot, whole) = (pace_slot.clone(), pace_whole.clone());
        use_effect(move || {
            if let Some(slot) = slot.cast::<HtmlElement>() {
                let cut = whole
                    .cast::<HtmlElement>()
                    .is_some_and(|w| w.scroll_width() > slot.client_width());
                let _ = slot.toggle_attribute_with_force("data-brief", cut);
            }
        });
    }
    html! {
        <>
        <div class="controls" role="toolbar" aria-label={t(Msg::ControlsAria)}>
            <button data-testid="play" class="primary" onclick={toggle} aria-pressed={p.playing.to_string()}
                title={t(Msg::PlayTitle)}>{ play_label }</button>
            <button data-testid="step" onclick={step} disabled={p.playing}
                title={t(if p.lesson_open { Msg::StepTitleLesson } else { Msg::StepTitle })}>{ t(Msg::Step) }</button>
            <label class="speed">
                { t(Msg::Speed) }{ " " }
                <input data-testid="speed" type="range" min={speed_to_slider(SPEED_MIN).to_string()}
                    max={speed_to_slider(SPEED_MAX).to_string()} step="0.01"
                    value={speed_to_slider(p.speed).to_string()} oninput={speed}
                    aria-valuetext={format!("{}x", p.speed)} />
                <output data-testid="speed-value">{ format!("{}\u{00d7}", p.speed) }</output>
            </label>
            <label>
                { t(Msg::Seed) }{ " " }
                <input data-testid="seed" class="seed" type="text" inputmode="numeric" value={p.seed.clone()}
                    oninput={seed} aria-invalid={p.seed_error.is_some().to_string()} />
            </label>
            <button data-testid="reset" onclick={reset} title={t(Msg::ResetTitle)}>{ t(Msg::Reset) }</button>
            if let Some(err) = &p.seed_error {
                <span class="field-error" role="alert" data-testid="seed-error">{ err }</span>
            }
        </div>
        // Outside the toolbar's box, so that where the bar has no room for whole titles (1024
        // px) the menu goes to the next row, beside the lessons, instead of cutting them.
        <label class="preset-menu">
            { t(Msg::Preset) }{ " " }
            <select data-testid="preset" onchange={preset}>
                if let Some(name) = &p.imported {
                    <option value="" selected=true disabled=true>{ p.lang.f(Msg::Imported, &[name]) }</option>
                }
                { for PRESETS.iter().map(|name| html! {
                    <option value={*name} selected={p.imported.is_none() && *name == p.preset}>{ preset_title(name, p.lang) }</option>
                }) }
            </select>
        </label>
        <span class="pace-slot" ref={pace_slot}>{ pace }</span>
        </>
    }
}
