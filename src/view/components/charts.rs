//! The chart boxes: each chart on its own canvas under an HTML title, one of them drawn large
//! beside the stage (the focus chart), the others in the row below; a small chart's title
//! brings it to the focus.

use yew::prelude::*;

use crate::model::charts::ChartKind;
use crate::model::i18n::{Lang, Msg};
use crate::model::state::Action;

/// One chart's box (`data-chart` names it): the focus chart (`focus`) or a small one, whose
/// title is a button that focuses it. `slot` names its canvas to the frame loop, `hover`
/// hears the mouse over it, `on_png` downloads it as a picture; the focus chart carries its
/// note (`note`, [`crate::model::charts::chart_note`]), if it has one. (A function, not a
/// component: no state of its own.)
#[allow(clippy::too_many_arguments)]
#[inline(never)]
pub fn chart_box(
    kind: ChartKind,
    title: String,
    note: Option<&'static str>,
    canvas: NodeRef,
    slot: usize,
    focus: bool,
    hover: &Callback<(usize, Option<f64>)>,
    dispatch: &Callback<Action>,
    on_png: Callback<MouseEvent>,
    lang: Lang,
) -> Html {
    let on_move = hover.reform(move |e: MouseEvent| (slot, Some(e.offset_x() as f64)));
    let on_leave = hover.reform(move |_: MouseEvent| (slot, None));
    let code = kind.code();
    let on_focus = dispatch.reform(move |_: MouseEvent| Action::FocusChart(kind));
    html! {
        <div class={if focus { "chart-box focus" } else { "chart-box" }} data-chart={code}
            data-testid={focus.then_some("focus-chart")}>
            if focus {
                <h2 class="chart-title">{ title.clone() }</h2>
            } else {
                <button class="chart-title" onclick={on_focus} title={lang.t(Msg::FocusChartTitle)}>{ title.clone() }</button>
            }
            <button class="chart-png" data-testid="chart-png" onclick={on_png}
                title={lang.t(Msg::ChartPngTitle)}>{ lang.t(Msg::ChartPng) }</button>
            <canvas ref={canvas} class="chart" role="img" onmousemove={on_move}
                onmouseleave={on_leave} aria-label={title} />
            if let Some(note) = note.filter(|_| focus) {
                <p class="chart-note" data-testid="chart-note">{ note }</p>
            }
        </div>
    }
}
