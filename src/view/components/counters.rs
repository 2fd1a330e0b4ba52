//! Live figures: produced, consumed, lag, latency, per group.

use yew::prelude::*;

use crate::model::consumers::kind_label;
use crate::model::i18n::{Lang, Msg};
use crate::model::sim::Stats;

/// Properties of [`Counters`].
#[derive(Properties, PartialEq, Clone)]
pub struct CountersProps {
    /// The latest snapshot.
    pub stats: Stats,
    /// The page's language.
    #[prop_or_default]
    pub lang: Lang,
}

fn figure(label: &'static str, testid: &'static str, value: String, hint: &'static str) -> Html {
    html! {
        <div class="figure" title={hint}>
            <span class="label">{ label }</span>
            <span class="value" data-testid={testid}>{ value }</span>
        </div>
    }
}

/// The counters panel.
#[component]
pub fn Counters(p: &CountersProps) -> Html {
    let (s, lang) = (&p.stats, p.lang);
    let t = |m: Msg| lang.t(m);
    let time = lang.f(Msg::Seconds, &[&format!("{:.1}", s.virtual_ms as f64 / 1000.0)]);
    let latency = format!("{:.0} / {:.0} ms", s.latency_ms_p50, s.latency_ms_p99);
    let faults = format!("{} / {} / {}", s.duplicates, s.lost, s.failed);
    html! {
        <section class="counters" aria-label={t(Msg::CountersAria)} aria-live="off" data-testid="counters"
            data-trace-hash={format!("{:016x}", s.trace_hash)}>
            { figure(t(Msg::VirtualTime), "virtual-time", time, t(Msg::VirtualTimeHint)) }
            { figure(t(Msg::Produced), "produced", s.produced.to_string(), t(Msg::ProducedHint)) }
            { figure(t(Msg::Consumed), "consumed", s.consumed.to_string(), t(Msg::ConsumedHint)) }
            { figure(t(Msg::Lag), "lag", s.lag.to_string(), t(Msg::LagHint)) }
            { figure(t(Msg::Latency), "latency", latency, t(Msg::LatencyHint)) }
            if s.duplicates + s.lost + s.failed > 0 {
                { figure(t(Msg::Faults), "faults", faults, t(Msg::FaultsHint)) }
            }
            <table class="groups">
                <thead><tr><th>{ t(Msg::ColReader) }</th><th>{ t(Msg::ColKind) }</th><th>{ t(Msg::ColMembers) }</th><th>{ t(Msg::Consumed) }</th><th>{ t(Msg::Lag) }</th></tr></thead>
                <tbody>
                { for s.groups.iter().map(|g| html! {
                    <tr data-testid="group-row">
                        <td>{ &g.name }{ if g.rebalancing { t(Msg::RebalancingSuffix) } else { "" } }</td>
                        <td>{ t(kind_label(g.kind)) }</td>
                        <td>{ g.members }{ if g.idle > 0 { lang.f(Msg::IdleSuffix, &[&g.idle]) } else { String::new() } }</td>
                        <td>{ g.consumed }</td>
                        <td>{ g.lag }</td>
                    </tr>
                }) }
                </tbody>
            </table>
        </section>
    }
}
