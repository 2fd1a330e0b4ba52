//! Live figures: produced, consumed, lag, latency, per group.

use yew::prelude::*;

use crate::model::sim::Stats;

/// Properties of [`Counters`].
#[derive(Properties, PartialEq, Clone)]
pub struct CountersProps {
    /// The latest snapshot.
    pub stats: Stats,
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
    let s = &p.stats;
    html! {
        <section class="counters" aria-label="Live figures" aria-live="off" data-testid="counters"
            data-trace-hash={format!("{:016x}", s.trace_hash)}>
            { figure("Virtual time", "virtual-time", format!("{:.1} s", s.virtual_ms as f64 / 1000.0), "Simulated seconds since the start") }
            { figure("Produced", "produced", s.produced.to_string(), "Records handed to producers' send()") }
            { figure("Consumed", "consumed", s.consumed.to_string(), "Records processed by all groups") }
            { figure("Lag", "lag", s.lag.to_string(), "High watermark minus committed offset, summed over partitions and groups") }
            { figure("Latency p50 / p99", "latency", format!("{:.0} / {:.0} ms", s.latency_ms_p50, s.latency_ms_p99), "Time from record creation to processed") }
            if s.duplicates + s.lost + s.failed > 0 {
                { figure("Duplicates / lost / dropped", "faults", format!("{} / {} / {}", s.duplicates, s.lost, s.failed), "Processed twice / lost, all causes (truncated by a new leader, on the wire to a crashed leader, committed before processing, deleted unread, dropped or missed by a push system) / dropped: sends the producer was told failed") }
            }
            <table class="groups">
                <thead><tr><th>{ "Reader" }</th><th>{ "Kind" }</th><th>{ "Members" }</th><th>{ "Consumed" }</th><th>{ "Lag" }</th></tr></thead>
                <tbody>
                { for s.groups.iter().map(|g| html! {
                    <tr data-testid="group-row">
                        <td>{ &g.name }{ if g.rebalancing { " (rebalancing)" } else { "" } }</td>
                        <td>{ g.kind }</td>
                        <td>{ g.members }{ if g.idle > 0 { format!(" ({} idle)", g.idle) } else { String::new() } }</td>
                        <td>{ g.consumed }</td>
                        <td>{ g.lag }</td>
                    </tr>
                }) }
                </tbody>
            </table>
        </section>
    }
}
