//! The language switch: a select labelled in both languages, each language named in itself.

use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::model::i18n::Lang;

/// What the switch is called, in both languages (whichever one the page is in).
const LABEL: &str = "Language / \u{8a9e}\u{8a00}";

/// The language switch showing `lang`; a choice goes to `on_change`. (A function, not a
/// component: it has no state, and a component's machinery costs bundle size.)
pub fn language_switch(lang: Lang, on_change: &Callback<Lang>) -> Html {
    let onchange = on_change.reform(|e: Event| {
        let code = e.target_unchecked_into::<HtmlSelectElement>().value();
        Lang::from_code(&code).unwrap_or_default()
    });
    html! {
        <label class="language"><span class="language-label">{ LABEL }{ " " }</span>
            <select data-testid="language" {onchange} aria-label={LABEL}>
                { for Lang::ALL.iter().map(|l| html! {
                    <option value={l.code()} lang={l.html_lang()} selected={*l == lang}>{ l.autonym() }</option>
                }) }
            </select>
        </label>
    }
}
