//! The capacity plan panel: a button that starts the page's smaller `brook plan` on the run's
//! scenario (`model/plan.rs`), its progress, and the points tried as a table.

use yew::prelude::*;

use crate::model::i18n::{Lang, Msg};
use crate::model::plan::{PagePlan, PAGE_POINTS};
use crate::model::state::Action;

/// The panel for `plan` (None: not started).
pub fn plan_panel(plan: Option<&PagePlan>, dispatch: &Callback<Action>, lang: Lang) -> Html {
    let t = |m: Msg| lang.t(m);
    let seconds = plan.map_or(crate::model::plan::PAGE_SECONDS_MAX, PagePlan::seconds);
    let run = dispatch.reform(|_| Action::Plan);
    let busy = plan.is_some_and(|p| !p.done());
    let state = match plan {
        None => Html::default(),
        Some(p) if !p.done() => {
            html! { <p data-testid="plan-progress">{ lang.f(Msg::PlanRunning, &[&(p.tried() + 1), &PAGE_POINTS]) }</p> }
        }
        Some(p) => {
            let said = match p.chosen() {
                Some(c) => lang.f(Msg::PlanChosen, &[&c.brokers, &c.partitions, &c.members]),
                None => t(Msg::PlanNone).to_string(),
            };
            let cut = p.cut().then(|| html! { <p>{ t(Msg::PlanCut) }</p> });
            html! { <><p data-testid="plan-result">{ said }</p>{ for cut }</> }
        }
    };
    let rows = plan.map(|p| p.rows(lang)).unwrap_or_default();
    let table = (!rows.is_empty()).then(|| {
        let heads = [
            "#",
            t(Msg::PlanHeadBrokers),
            t(Msg::PlanHeadPartitions),
            t(Msg::PlanHeadMembers),
            t(Msg::PlanHeadLag),
            t(Msg::PlanHeadP99),
            t(Msg::PlanHeadMeets),
        ];
        html! {
            <table data-testid="plan-table">
                <tr>{ for heads.iter().map(|h| html! { <th>{ *h }</th> }) }</tr>
                { for rows.iter().map(|r| html! {
                    <tr>{ for r.iter().map(|c| html! { <td>{ c.clone() }</td> }) }</tr>
                }) }
            </table>
        }
    });
    html! {
        <section class="plan" data-testid="plan">
            <h3>{ t(Msg::PlanTitle) }</h3>
            <p>{ lang.f(Msg::PlanIntro, &[&PAGE_POINTS, &seconds]) }</p>
            <button data-testid="plan-run" onclick={run} disabled={busy}>{ t(Msg::PlanRun) }</button>
            { state }
            { for table }
        </section>
    }
}
