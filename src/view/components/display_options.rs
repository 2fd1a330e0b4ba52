//! How the stage and the charts show things: log cells coloured by producer or by key, and the
//! consumer group whose lag per partition is charted.

use yew::prelude::*;

use crate::model::i18n::{Lang, Msg};
use crate::model::state::Action;

/// Properties of [`ColourBy`] and [`LagGroup`].
#[derive(Properties, PartialEq, Clone)]
pub struct DisplayProps {
    /// Log cells coloured by key (else by producer).
    pub by_key: bool,
    /// The consumer groups, by name.
    pub groups: Vec<String>,
    /// The charted group.
    pub lag_group: usize,
    /// Where the choices go.
    pub dispatch: Callback<Action>,
    /// The page's language.
    #[prop_or_default]
    pub lang: Lang,
}

/// The colour choice for log cells.
#[component]
pub fn ColourBy(p: &DisplayProps) -> Html {
    let onchange = p.dispatch.reform(|e: Event| {
        let value = e.target_unchecked_into::<web_sys::HtmlSelectElement>().value();
        Action::ColourByKey(value == "key")
    });
    html! {
        <label class="chart-choice">{ p.lang.t(Msg::ColourBy) }{ " " }
            <select data-testid="colour-by" {onchange}>
                <option value="producer" selected={!p.by_key}>{ p.lang.t(Msg::ByProducer) }</option>
                <option value="key" selected={p.by_key}>{ p.lang.t(Msg::ByKey) }</option>
            </select>
        </label>
    }
}

/// The group whose lag per partition is charted (shown with more than one group).
#[component]
pub fn LagGroup(p: &DisplayProps) -> Html {
    if p.groups.len() <= 1 {
        return html! {};
    }
    let onchange = p.dispatch.reform(|e: Event| {
        let index = e.target_unchecked_into::<web_sys::HtmlSelectElement>().selected_index();
        Action::LagGroup(index.max(0) as usize)
    });
    html! {
        <label class="chart-choice">{ p.lang.t(Msg::LagPerPartitionOf) }{ " " }
            <select data-testid="lag-group" {onchange}>
                { for p.groups.iter().enumerate().map(|(i, n)| html! {
                    <option value={n.clone()} selected={i == p.lag_group}>{ n }</option>
                }) }
            </select>
        </label>
    }
}
