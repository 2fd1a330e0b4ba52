//! The inspector: live figures of what was clicked on the stage, and its settings, edited and
//! applied on the next step. Values are checked against the engine's limits before they go.

use brook_engine::Command;
use wasm_bindgen::JsCast;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::model::i18n::{engine_text, Lang, Msg, Text};
use crate::model::inspect::{Form, View};
use crate::model::profile_form::{
    key_fields, key_kind, key_values, profile_fields, profile_kind, profile_values, Label,
    KEY_KINDS, PROFILE_KINDS,
};
use crate::model::settings_form::{command_of, initial_values};

/// Properties of [`Inspector`].
#[derive(Properties, PartialEq, Clone)]
pub struct InspectorProps {
    /// What to show.
    pub view: View,
    /// Checks a command; Some(message naming the field and the limit) if it is refused.
    pub validate: Callback<Command, Option<String>>,
    /// Queues a checked command.
    pub on_command: Callback<Command>,
    /// Closes the inspector.
    pub on_close: Callback<()>,
    /// The page's language.
    #[prop_or_default]
    pub lang: Lang,
}

/// Why the form was not applied, rendered in the language of the moment.
#[derive(Clone, PartialEq)]
enum Refusal {
    /// A field could not be read.
    Field(Text),
    /// The engine refused the command (its English problems).
    Engine(String),
}

impl Refusal {
    fn render(&self, lang: Lang) -> String {
        match self {
            Refusal::Field(t) => t.render(lang),
            Refusal::Engine(s) => engine_text(lang, s),
        }
    }
}

/// A text field's value by its test id, from the inspector's DOM.
fn field(root: &NodeRef, id: &str) -> String {
    root.cast::<web_sys::Element>()
        .and_then(|r| r.query_selector(&format!("[data-testid=field-{id}]")).ok().flatten())
        .map(|e| {
            if let Ok(i) = e.clone().dyn_into::<HtmlInputElement>() {
                i.value()
            } else if let Ok(s) = e.dyn_into::<HtmlSelectElement>() {
                s.value()
            } else {
                String::new()
            }
        })
        .unwrap_or_default()
}

// Fields are uncontrolled: their first values are set once when the inspector opens (see
// `initial_values`), so the live refresh of the panel never overwrites what is being typed.
fn input(id: &'static str, label: &str) -> Html {
    html! {
        <label>{ label }<input data-testid={format!("field-{id}")} type="text" inputmode="decimal" /></label>
    }
}

fn keyed_input(id: &'static str, label: String) -> Html {
    html! {
        <label key={id}>{ label }<input data-testid={format!("field-{id}")} type="text" inputmode="decimal" /></label>
    }
}

fn choice(id: &'static str, label: &str, options: &[(&'static str, &'static str)]) -> Html {
    html! {
        <label>{ label }
            <select data-testid={format!("field-{id}")}>
                { for options.iter().map(|(v, text)| html! { <option value={*v}>{ *text }</option> }) }
            </select>
        </label>
    }
}

/// A select whose choice changes which fields follow it.
fn kind_choice(
    id: &'static str,
    label: &str,
    options: &[(&'static str, Msg)],
    kinds: &UseReducerHandle<Kinds>,
    action: fn(String) -> KindChange,
    current: &str,
    lang: Lang,
) -> Html {
    let onchange = {
        let kinds = kinds.dispatcher();
        Callback::from(move |e: Event| {
            let Some(select) = e.target_dyn_into::<HtmlSelectElement>() else { return };
            kinds.dispatch(action(select.value()));
        })
    };
    html! {
        <label>{ label }
            <select data-testid={format!("field-{id}")} {onchange}>
                { for options.iter().map(|(v, text)| html! {
                    // Controlled: after a re-render the shown option is the state's, never the
                    // browser's own idea.
                    <option value={*v} selected={*v == current}>{ lang.t(*text) }</option>
                }) }
            </select>
        </label>
    }
}

fn set_field(root: &NodeRef, id: &str, value: &str) {
    let Some(e) = root
        .cast::<web_sys::Element>()
        .and_then(|r| r.query_selector(&format!("[data-testid=field-{id}]")).ok().flatten())
    else {
        return;
    };
    if let Ok(i) = e.clone().dyn_into::<HtmlInputElement>() {
        i.set_value(value);
    } else if let Ok(s) = e.dyn_into::<HtmlSelectElement>() {
        s.set_value(value);
    }
}

/// The fields that depend on the chosen profile and key kinds.
#[derive(Clone, PartialEq)]
struct Kinds {
    profile: String,
    keys: String,
}

/// A new choice in one of the kind selects (a reducer, so two quick changes both count).
enum KindChange {
    Profile(String),
    Keys(String),
}

impl Reducible for Kinds {
    type Action = KindChange;

    fn reduce(self: std::rc::Rc<Self>, action: KindChange) -> std::rc::Rc<Self> {
        let mut next = (*self).clone();
        match action {
            KindChange::Profile(v) => next.profile = v,
            KindChange::Keys(v) => next.keys = v,
        }
        next.into()
    }
}

fn fields(form: &Form, kinds: &UseReducerHandle<Kinds>, lang: Lang) -> Html {
    let t = |m: Msg| lang.t(m);
    let labelled = |&(id, label): &(&'static str, Label)| keyed_input(id, label.text(lang));
    match form {
        Form::Producer { .. } => {
            let acks =
                [("0", t(Msg::AcksNone)), ("1", t(Msg::AcksLeader)), ("all", t(Msg::AcksAll))];
            let (profile, keys) = (&kinds.profile, &kinds.keys);
            html! { <>
                { kind_choice("profile", t(Msg::FieldRateProfile), &PROFILE_KINDS, kinds, KindChange::Profile, profile, lang) }
                // Each kind's fields in their own box, keyed by id: a list that grows or
                // shrinks never moves typed values into a neighbour.
                <div class="field-group">
                    { for profile_fields(profile).iter().map(labelled) }
                </div>
                { kind_choice("keys", t(Msg::FieldKeys), &KEY_KINDS, kinds, KindChange::Keys, keys, lang) }
                <div class="field-group">
                    { for key_fields(keys).iter().map(labelled) }
                </div>
                { choice("acks", "acks", &acks) }
                { input("linger", "linger.ms") }
                { input("batch", t(Msg::FieldBatch)) }
                { input("buffer", t(Msg::FieldBuffer)) }
            </> }
        }
        Form::Group { .. } => {
            let assignors = [
                ("range", "range"),
                ("roundrobin", "roundrobin"),
                ("sticky", "sticky"),
                ("cooperative-sticky", "cooperative-sticky"),
            ];
            let commits = [
                ("auto", t(Msg::CommitAuto)),
                ("after-process", t(Msg::CommitAfter)),
                ("before-process", t(Msg::CommitBefore)),
            ];
            html! { <>
                { input("processing", t(Msg::FieldProcessing)) }
                { choice("commit", t(Msg::FieldCommit), &commits) }
                { choice("assignor", t(Msg::FieldAssignor), &assignors) }
            </> }
        }
        Form::Subscription { .. } => html! {
            { input("prefetch", t(Msg::FieldPrefetch)) }
        },
        Form::Topic { .. } => html! { <>
            { input("retention-ms", "retention.ms") }
            { input("retention-bytes", t(Msg::FieldRetentionBytes)) }
        </> },
    }
}

/// The inspector panel.
#[component]
pub fn Inspector(p: &InspectorProps) -> Html {
    let root = use_node_ref();
    let error = use_state(|| None::<Refusal>);
    {
        let (root, form) = (root.clone(), p.view.form.clone());
        use_effect_with((), move |_| {
            for (id, value) in form.as_ref().map(initial_values).unwrap_or_default() {
                set_field(&root, id, &value);
            }
        });
    }
    let kinds = {
        let form = p.view.form.clone();
        use_reducer(move || match &form {
            Some(Form::Producer { profile, keys, .. }) => Kinds {
                profile: profile_kind(profile).to_string(),
                keys: key_kind(keys).to_string(),
            },
            _ => Kinds { profile: String::new(), keys: String::new() },
        })
    };
    {
        // The fields of a newly chosen kind start from the current values or sensible ones.
        let (root, form) = (root.clone(), p.view.form.clone());
        // One effect per select, so choosing keys keeps what was typed in the profile fields.
        use_effect_with(kinds.profile.clone(), move |kind| {
            if let Some(Form::Producer { profile, rate_per_sec, now_ms, .. }) = &form {
                for (id, value) in profile_values(profile, kind, *rate_per_sec, *now_ms) {
                    set_field(&root, id, &value);
                }
            }
        });
    }
    {
        let (root, form) = (root.clone(), p.view.form.clone());
        use_effect_with(kinds.keys.clone(), move |kind| {
            if let Some(Form::Producer { keys, .. }) = &form {
                for (id, value) in key_values(keys, kind) {
                    set_field(&root, id, &value);
                }
            }
        });
    }
    let applied = use_state(|| false);
    let on_apply = {
        let (form, root, error, applied) =
            (p.view.form.clone(), root.clone(), error.clone(), applied.clone());
        let (validate, on_command) = (p.validate.clone(), p.on_command.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let Some(form) = &form else { return };
            let field = |id: &str| field(&root, id);
            let checked = command_of(form, &field).map_err(Refusal::Field).and_then(|c| {
                match validate.emit(c.clone()) {
                    Some(why) => Err(Refusal::Engine(why)),
                    None => Ok(c),
                }
            });
            match checked {
                Ok(c) => {
                    on_command.emit(c);
                    error.set(None);
                    applied.set(true);
                }
                Err(why) => {
                    error.set(Some(why));
                    applied.set(false);
                }
            }
        })
    };
    // A refusal (or 'applied') is about the values as they were: typing again takes it away.
    let on_input = {
        let (error, applied) = (error.clone(), applied.clone());
        Callback::from(move |_: InputEvent| {
            error.set(None);
            applied.set(false);
        })
    };
    let close = p.on_close.reform(|_: MouseEvent| ());
    let (lang, t) = (p.lang, |m: Msg| p.lang.t(m));
    html! {
        <aside class="inspector" ref={root} data-testid="inspector" aria-label={t(Msg::InspectorAria)}>
            <header>
                <h2>{ &p.view.title }</h2>
                <button onclick={close} aria-label={t(Msg::CloseInspector)}>{ "\u{00d7}" }</button>
            </header>
            <dl>
                { for p.view.figures.iter().map(|(k, v)| {
                    let label = match crate::model::inspect::gloss(k, lang) {
                        Some(def) => super::term(lang, k.clone(), def),
                        None => html! { { k } },
                    };
                    html! { <><dt>{ label }</dt><dd>{ v }</dd></> }
                }) }
            </dl>
            if !p.view.actions.is_empty() {
                <div class="inspector-actions" role="group" aria-label={t(Msg::ActionsOnThis)}>
                    { for p.view.actions.iter().enumerate().map(|(i, (label, command))| {
                        let (on, command) = (p.on_command.clone(), command.clone());
                        let onclick = Callback::from(move |_: MouseEvent| on.emit(command.clone()));
                        html! {
                            <button data-testid={format!("inspector-action-{i}")} {onclick}>{ label }</button>
                        }
                    }) }
                </div>
            }
            if let Some(form) = &p.view.form {
                <form onsubmit={on_apply} oninput={on_input}>
                    { fields(form, &kinds, lang) }
                    <button type="submit" data-testid="apply">{ t(Msg::Apply) }</button>
                    if let Some(e) = &*error {
                        <p class="field-error" role="alert" data-testid="inspector-error">{ e.render(lang) }</p>
                    } else if *applied {
                        <p class="applied" role="status">{ t(Msg::Applied) }</p>
                    }
                </form>
            }
        </aside>
    }
}
