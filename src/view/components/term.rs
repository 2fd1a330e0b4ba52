//! A glossary term: the label of a figure, with its definition shown on hover and on keyboard
//! focus (a small tooltip; screen readers get it as the term's description).

use yew::prelude::*;

use crate::model::i18n::{Lang, Msg};

/// `label`, defined by `def` (a glossary key of the catalogue).
pub fn term(lang: Lang, label: impl Into<String>, def: Msg) -> Html {
    let def = lang.t(def);
    html! {
        <dfn class="term" tabindex="0" aria-description={def} data-testid="term">
            { label.into() }
            <span class="tip" role="tooltip" aria-hidden="true">{ def }</span>
        </dfn>
    }
}
