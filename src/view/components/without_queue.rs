//! The "Without a queue" panel: the run's traffic as direct calls from the shop to the service
//! (figures from `model::without_queue`), or the button that shows it.

use yew::prelude::*;

use crate::model::i18n::{Lang, Msg};
use crate::model::state::Action;
use crate::model::without_queue::{WithoutQueue, CHART_H, CHART_W};

/// Properties of [`WithoutQueuePanel`].
#[derive(Properties, PartialEq, Clone)]
pub struct WithoutQueueProps {
    /// The figures, when the panel is shown.
    pub view: Option<WithoutQueue>,
    /// The call timeout, ms (for the hint).
    pub timeout_ms: u32,
    /// Sends actions.
    pub dispatch: Callback<Action>,
    /// The page's language.
    #[prop_or_default]
    pub lang: Lang,
    /// A lesson step shows it (beside the stage): no Hide button, the step decides.
    #[prop_or_default]
    pub in_lesson: bool,
}

fn count(
    label: &'static str,
    testid: &'static str,
    value: u64,
    hint: String,
    kind: &'static str,
) -> Html {
    // The colour comes from `data-kind` (CSS), not a computed class: a class that is not a
    // literal brings in Yew's class set, a few KiB of the bundle.
    html! {
        <div class="figure" data-kind={kind} title={hint}>
            <span class="label">{ label }</span>
            <span class="value" data-testid={testid}>{ value }</span>
        </div>
    }
}

/// The panel, or the button that shows it.
#[component]
pub fn WithoutQueuePanel(p: &WithoutQueueProps) -> Html {
    let lang = p.lang;
    let t = |m: Msg| lang.t(m);
    let Some(v) = &p.view else {
        let show = p.dispatch.reform(|_| Action::ShowWithoutQueue(true));
        return html! {
            <div class="without-queue-off">
                <button data-testid="show-without-queue" onclick={show}>{ t(Msg::WqShow) }</button>
            </div>
        };
    };
    let hide = p.dispatch.reform(|_| Action::ShowWithoutQueue(false));
    let shop = if v.shop_blocked {
        t(Msg::WqShopBlocked).to_string()
    } else {
        lang.f(Msg::WqShop, &[&v.callers_waiting, &v.caller_threads])
    };
    let service = lang.f(Msg::WqService, &[&v.workers_busy, &v.workers, &v.service_queued]);
    let caption = lang.f(Msg::WqChart, &[&format!("{:.0}", v.chart_max_per_sec)]);
    let box_ = format!("0 0 {CHART_W} {CHART_H}");
    html! {
        <section class="without-queue" data-testid="without-queue" aria-label={t(Msg::WqTitle)}
            data-virtual-ms={v.virtual_ms.to_string()}>
            <header>
                <h2>{ t(Msg::WqTitle) }</h2>
                if !p.in_lesson {
                    <button data-testid="hide-without-queue" onclick={hide}>{ t(Msg::WqHide) }</button>
                }
            </header>
            <p class="wq-label">{ t(Msg::WqLabel) }</p>
            <p class="wq-shop" data-blocked={v.shop_blocked.to_string()} data-testid="wq-shop">{ shop }</p>
            <p class="wq-service" data-testid="wq-service">{ service }</p>
            <div class="wq-counts">
                { count(t(Msg::WqSent), "wq-sent", v.sent, t(Msg::WqSentHint).into(), "") }
                { count(t(Msg::WqSucceeded), "wq-succeeded", v.succeeded, String::new(), "ok") }
                { count(t(Msg::WqFailed), "wq-failed", v.failed, t(Msg::WqFailedHint).into(), "bad") }
                { count(t(Msg::WqTimedOut), "wq-timed-out", v.timed_out,
                    lang.f(Msg::WqTimedOutHint, &[&p.timeout_ms]), "late") }
            </div>
            <figure class="wq-chart">
                <figcaption>{ caption.clone() }</figcaption>
                <svg viewBox={box_} preserveAspectRatio="none" role="img" aria-label={caption}>
                    <polyline class="ok" points={v.lines[0].clone()} />
                    <polyline class="bad" points={v.lines[1].clone()} />
                    <polyline class="late" points={v.lines[2].clone()} />
                </svg>
            </figure>
            <p class="wq-queue" data-testid="wq-queue" data-lost={v.queue_lost.to_string()}
                data-backlog={v.queue_backlog.to_string()}>
                { lang.f(Msg::WqQueueSide, &[&v.queue_lost, &v.queue_backlog, &v.queue_reader]) }
            </p>
        </section>
    }
}
