//! What the colours and shapes on the stage mean.

use yew::prelude::*;

use crate::model::i18n::{Lang, Msg};

/// What the colours and shapes on the stage mean, in `lang`. (A function, not a component:
/// it has no state, and a component's machinery costs bundle size.)
pub fn legend(lang: Lang) -> Html {
    let t = |m: Msg| lang.t(m);
    html! {
        <section class="legend" aria-label={t(Msg::LegendAria)}>
            <span><i class="dot produce"></i>{ t(Msg::LegProduce) }</span>
            <span><i class="ring"></i>{ t(Msg::LegFetch) }</span>
            <span><i class="dot fetch"></i>{ t(Msg::LegDelivered) }</span>
            <span><i class="dot replicate"></i>{ t(Msg::LegReplicate) }</span>
            <span><i class="dot empty"></i>{ t(Msg::LegEmpty) }</span>
            <span><i class="bar commit"></i>{ t(Msg::LegCommit) }</span>
            <span><i class="bar hw"></i>{ t(Msg::LegHw) }</span>
            <span><i class="bar deleted"></i>{ t(Msg::LegDeleted) }</span>
            <span><i class="chip leader"></i><i class="chip isr"></i><i class="chip out"></i><i class="chip joining"></i>{ t(Msg::LegReplicas) }</span>
            <span><i class="bar gauge"></i>{ t(Msg::LegGauges) }</span>
        </section>
    }
}
