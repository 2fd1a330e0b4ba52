//! The stage's glossary in the page: the tooltip the pointer over a term on the canvas shows,
//! and the list of the terms the stage shows now, each an HTML term (its definition on hover
//! and on keyboard focus, for screen readers its description); the focused one is outlined on
//! the stage.

use web_sys::{Element, HtmlElement};
use yew::prelude::*;

use crate::model::i18n::{Lang, Msg};
use crate::view::canvas::terms;
use crate::view::components::term;

/// What the pointer moving over the stage (`leave`: leaving it) does to the tooltip `tip`.
pub fn stage_hover(
    stage: &NodeRef,
    tip: &NodeRef,
    lang: Lang,
    leave: bool,
) -> Callback<MouseEvent> {
    let (stage, tip) = (stage.clone(), tip.clone());
    Callback::from(move |e: MouseEvent| {
        if let (Some(s), Some(t)) = (stage.cast::<Element>(), tip.cast::<HtmlElement>()) {
            terms::hover(&s, &t, (!leave).then_some(&e), lang);
        }
    })
}

/// The terms the stage shows (or showed in the last seconds), in `lang`; keyed, so that a term
/// coming or going moves no other term's node (keyboard focus stays where it is).
pub fn stage_terms(lang: Lang) -> Html {
    let shown: Vec<_> = terms::with(|s| s.listed().collect());
    html! {
        <p class="stage-terms" data-testid="stage-terms" onfocusout={Callback::from(|_: FocusEvent| terms::focus(None))}>
            <span class="label">{ lang.t(Msg::TermsOnStage) }{ lang.colon() }</span>
            { for shown.into_iter().map(|t| html! {
                <span key={t as usize} onfocusin={Callback::from(move |_: FocusEvent| terms::focus(Some(t)))}>
                    { term(lang, lang.t(t.name()), t.def()) }
                </span>
            }) }
        </p>
    }
}
