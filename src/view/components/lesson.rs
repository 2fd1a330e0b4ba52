//! The lessons menu (in the top bar) and the lesson panel (beside the stage): title, step N of
//! M, the step's text, its question and answer, its `try` button, previous and next. Functions,
//! not components: they keep no state (the lesson is in the UI state) and cost less bundle.

use brook_engine::Command;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::model::i18n::{Lang, Msg};
use crate::model::lesson::{lesson_title, LessonRun, LESSONS};
use crate::model::state::Action;

/// The lessons menu: choosing one asks `on_pick` to fetch and open it.
pub fn lesson_menu(lang: Lang, open: Option<&str>, on_pick: &Callback<String>) -> Html {
    let onchange = on_pick.reform(|e: Event| {
        let select = e.target_unchecked_into::<HtmlSelectElement>();
        // Focus leaves the menu so the lesson's keys work at once.
        let _ = select.blur();
        select.value()
    });
    html! {
        <label class="lessons-menu">{ lang.t(Msg::LessonsMenu) }{ " " }
            <select data-testid="lesson-menu" {onchange}>
                <option value="" selected={open.is_none()}>{ lang.t(Msg::LessonsMenuPick) }</option>
                { for LESSONS.iter().map(|name| html! {
                    <option value={*name} selected={open == Some(*name)}>
                        { lesson_title(name).map_or(*name, |m| lang.t(m)) }
                    </option>
                }) }
            </select>
        </label>
    }
}

/// What the panel shows besides the lesson itself, read from the engine as the page renders.
pub struct PanelLive {
    /// Why the step's `try` command would be refused now, in the page's language.
    pub try_refused: Option<String>,
    /// Whether the run is still replaying to the step's moment.
    pub replaying: bool,
}

/// The lesson panel for `run`.
pub fn lesson_panel(run: &LessonRun, live: PanelLive, lang: Lang, d: &Callback<Action>) -> Html {
    let t = |m: Msg| lang.t(m);
    let total = run.lesson.steps.len();
    let prev = d.reform(|_: MouseEvent| Action::LessonPrev);
    let next = d.reform(|_: MouseEvent| Action::LessonNext);
    let close = d.reform(|_: MouseEvent| Action::CloseLesson);
    let reveal = d.reform(|_: MouseEvent| Action::RevealAnswer);
    let body = match run.current() {
        None => html! {
            <p class="lesson-text" data-testid="lesson-sandbox">{ t(Msg::LessonSandbox) }</p>
        },
        Some(step) => {
            let question = step.question.as_ref().zip(step.answer.as_ref()).map(|(q, a)| {
                html! {
                    <div class="lesson-question" data-testid="lesson-question">
                        <p>{ q.get(lang) }</p>
                        if run.revealed {
                            <p class="lesson-answer" data-testid="lesson-answer">{ a.get(lang) }</p>
                        } else {
                            <button data-testid="lesson-reveal" onclick={reveal}>{ t(Msg::LessonShowAnswer) }</button>
                        }
                    </div>
                }
            });
            let try_button = step.try_command.as_ref().map(|tr| {
                let command: Command = tr.command.command.clone();
                let onclick = d.reform(move |_: MouseEvent| Action::Command(command.clone()));
                html! {
                    <div class="lesson-try">
                        <button data-testid="lesson-try" class="primary" {onclick}
                            disabled={live.try_refused.is_some()}>{ tr.label.get(lang) }</button>
                        if let Some(why) = &live.try_refused {
                            <p class="field-error" data-testid="lesson-try-refused">{ lang.f(Msg::LessonTryRefused, &[why]) }</p>
                        }
                    </div>
                }
            });
            html! {
                <>
                    <p class="lesson-text" data-testid="lesson-text">{ step.text.get(lang) }</p>
                    if live.replaying {
                        <p class="lesson-note" data-testid="lesson-replaying">{ t(Msg::LessonReplaying) }</p>
                    } else if run.paused {
                        <p class="lesson-note" data-testid="lesson-paused">{ t(Msg::LessonPausedHere) }</p>
                    }
                    { for question }
                    { for try_button }
                </>
            }
        }
    };
    let finished = run.finished();
    let shown = (run.step + 1).min(total);
    html! {
        <section class="lesson" data-testid="lesson" aria-label={t(Msg::LessonAria)}
            data-step={(run.step + 1).to_string()} data-steps={total.to_string()}>
            <header>
                <h2 data-testid="lesson-title">{ run.lesson.title.get(lang) }</h2>
                <button class="close" data-testid="lesson-close" onclick={close}
                    title={t(Msg::LessonCloseTitle)} aria-label={t(Msg::LessonClose)}>{ "\u{00d7}" }</button>
            </header>
            <p class="lesson-count" data-testid="lesson-count">{ lang.f(Msg::LessonStepOf, &[&shown, &total]) }</p>
            { body }
            <nav class="lesson-nav">
                <button data-testid="lesson-prev" onclick={prev} disabled={run.step == 0}
                    title={t(Msg::LessonPrevTitle)}>
                    { if finished { t(Msg::LessonBack) } else { t(Msg::LessonPrev) } }
                </button>
                if !finished {
                    <button data-testid="lesson-next" class="primary" onclick={next} title={t(Msg::LessonNextTitle)}>
                        { if run.step + 1 == total { t(Msg::LessonFinish) } else { t(Msg::LessonNext) } }
                    </button>
                }
            </nav>
        </section>
    }
}
