//! Live figures: what the producers got acknowledged, and a row per reader (its own figures,
//! never a sum over readers), each label a glossary term.

use brook_engine::ReaderKind;
use yew::prelude::*;

use crate::model::consumers::{kind_label, reset_notes};
use crate::model::i18n::{Lang, Msg};
use crate::model::queueing::Caveat;
use crate::model::sim::{GroupStats, Stats};
use crate::view::components::term;

/// Properties of [`Counters`].
#[derive(Properties, PartialEq, Clone)]
pub struct CountersProps {
    /// The latest snapshot.
    pub stats: Stats,
    /// The page's language.
    #[prop_or_default]
    pub lang: Lang,
}

fn figure(lang: Lang, label: &str, def: Msg, testid: &'static str, value: String) -> Html {
    html! {
        <div class="figure">
            <span class="label">{ term(lang, label, def) }</span>
            <span class="value" data-testid={testid}>{ value }</span>
        </div>
    }
}

fn kind_gloss(kind: ReaderKind) -> Msg {
    match kind {
        ReaderKind::Group => Msg::GlossConsumerGroup,
        ReaderKind::Share => Msg::GlossShareGroup,
        ReaderKind::Push => Msg::GlossPush,
    }
}

/// A figure's cell in a reader's row.
fn cell(testid: &'static str, value: String) -> Html {
    html! { <td data-testid={testid}>{ value }</td> }
}

/// "p50 / p99 ms" of the last seconds, the whole run in the tooltip.
fn latency_cell(g: &GroupStats, lang: Lang) -> Html {
    let ms = |v: f64| format!("{v:.0}");
    let whole = g.run_ms.map(|(a, b)| lang.f(Msg::LatencyWholeRun, &[&ms(a), &ms(b)]));
    let recent = match g.recent_ms {
        Some((a, b)) => lang.f(Msg::LatencyMsPair, &[&ms(a), &ms(b)]),
        None if g.run_ms.is_some() => lang.t(Msg::LatencyNoneRecent).to_string(),
        None => "\u{2013}".to_string(),
    };
    html! { <td data-testid="latency" title={whole}>{ recent }</td> }
}

/// A reader as a queue, under its row: λ, μ, ρ (warned at 1 or more), Little's law beside the
/// backlog, the drain time, and why L = λW may differ from the backlog when it may.
fn queue_row(g: &GroupStats, lang: Lang, cols: usize) -> Html {
    let Some(q) = &g.queue else { return html! {} };
    let n = |v: f64| format!("{v:.0}");
    let part = |label: Msg, def: Msg, testid: &'static str, value: String| {
        html! { <span class="q-part">{ term(lang, lang.t(label), def) }{ lang.colon() }<b data-testid={testid}>{ value }</b></span> }
    };
    let window_s = crate::model::queueing::QUEUE_WINDOW_MS / 1000;
    let rho = q.utilisation();
    let little = match (q.predicted_backlog(), q.wait_ms) {
        (Some(l), Some(w)) => lang.f(
            Msg::QueueLittleFig,
            &[&n(l), &crate::model::queueing::WAIT_WINDOW_S, &n(w), &q.backlog_records],
        ),
        _ => lang.f(Msg::QueueNoWait, &[&crate::model::queueing::WAIT_WINDOW_S]),
    };
    let (warning, testid) = match (rho, q.drain_s()) {
        (None, _) => (Some(lang.t(Msg::QueueNoWorker).to_string()), "q-grows"),
        (Some(r), _) if r >= 1.0 => {
            (Some(lang.f(Msg::QueueGrows, &[&n(q.growth_per_sec())])), "q-grows")
        }
        (_, Some(d)) => {
            let spare = n(-q.growth_per_sec());
            (Some(lang.f(Msg::QueueDrains, &[&format!("{d:.1}"), &spare])), "q-drain")
        }
        _ => (None, ""),
    };
    let caveat = q.caveat.map(|c| match c {
        Caveat::ArrivalsChanged => lang.f(Msg::QueueCaveatChanged, &[&window_s]),
        Caveat::NotBalanced => lang.f(Msg::QueueCaveatUnbalanced, &[&window_s]),
        Caveat::PushLosses => lang.t(Msg::QueueCaveatPushLosses).to_string(),
        Caveat::AutoCommit => lang.t(Msg::QueueCaveatAutoCommit).to_string(),
        Caveat::BeforeLog => lang.t(Msg::QueueCaveatBeforeLog).to_string(),
    });
    let grows = rho.is_none_or(|r| r >= 1.0);
    html! {
        <tr class="queueing" data-testid="queueing" data-reader={g.name.clone()}>
            <td colspan={cols.to_string()}>
                <span class="q-head">{ term(lang, lang.t(Msg::QueueHeading), Msg::GlossQueueing) }</span>
                { part(Msg::QueueLambda, Msg::GlossArrival, "q-lambda", lang.f(Msg::QueuePerSec, &[&n(q.arrival_per_sec)])) }
                { part(Msg::QueueMu, Msg::GlossCapacity, "q-mu", lang.f(Msg::QueueWorkers, &[&n(q.capacity_per_sec), &q.workers])) }
                { part(Msg::QueueRho, Msg::GlossUtilisation, "q-rho", rho.map_or("\u{2013}".to_string(), |r| format!("{r:.2}"))) }
                { part(Msg::QueueLittle, Msg::GlossLittle, "q-little", little) }
                if let Some(w) = warning {
                    <span class={classes!("q-status", grows.then_some("q-warn"))} role="status" data-testid={testid}>{ w }</span>
                }
                if let Some(c) = caveat { <span class="q-note" data-testid="q-caveat">{ c }</span> }
            </td>
        </tr>
    }
}

/// Which brokers hold records back, by number ("0, 2"; at most the first 8, then "…").
fn brokers_note(brokers: &[usize], lang: Lang) -> String {
    let mut list: Vec<String> = brokers.iter().take(8).map(|b| b.to_string()).collect();
    if brokers.len() > 8 {
        list.push("\u{2026}".to_string());
    }
    lang.f(Msg::NoteBrokersSaturated, &[&list.join(lang.items_sep())])
}

/// The counters panel.
#[component]
pub fn Counters(p: &CountersProps) -> Html {
    let (s, lang) = (&p.stats, p.lang);
    let t = |m: Msg| lang.t(m);
    let th = |label: Msg, def: Msg| html! { <th scope="col">{ term(lang, t(label), def) }</th> };
    let time = lang.f(Msg::Seconds, &[&format!("{:.1}", s.virtual_ms as f64 / 1000.0)]);
    let faults = format!("{} / {} / {}", s.duplicates, s.lost, s.failed);
    let pull = s.groups.iter().any(|g| g.empty_polls.is_some());
    // Each reader's row covers its own topics; with several, the producers' figure says it
    // counts them all.
    let produced = match s.topics {
        0 | 1 => t(Msg::FigProducedAcked).to_string(),
        n => lang.f(Msg::FigProducedAckedTopics, &[&n]),
    };
    html! {
        <section class="counters" aria-label={t(Msg::CountersAria)} aria-live="off" data-testid="counters"
            data-trace-hash={format!("{:016x}", s.trace_hash)}>
            { figure(lang, t(Msg::VirtualTime), Msg::GlossVirtualTime, "virtual-time", time) }
            { figure(lang, &produced, Msg::GlossProduced, "produced", s.acked.to_string()) }
            if s.duplicates + s.lost + s.failed > 0 {
                { figure(lang, t(Msg::FigDuplicatesSoFar), Msg::GlossDuplicates, "faults", faults) }
            }
            <table class="groups">
                <thead><tr>
                    { th(Msg::ColReader, Msg::GlossReader) }
                    { th(Msg::ColKind, Msg::GlossKind) }
                    { th(Msg::ColMembers, Msg::GlossMembers) }
                    { th(Msg::ColProcessed, Msg::GlossProcessed) }
                    { th(Msg::ColUnread, Msg::GlossUnread) }
                    { th(Msg::ColUncommitted, Msg::GlossUncommitted) }
                    { th(Msg::Lag, Msg::GlossLag) }
                    { th(Msg::ColLatencyRecent, Msg::GlossLatency) }
                    if pull { { th(Msg::ColEmptyPolls, Msg::GlossEmptyPoll) } }
                </tr></thead>
                <tbody>
                { for s.groups.iter().map(|g| html! { <>
                    <tr data-testid="group-row" data-reader={g.name.clone()}>
                        <td>{ &g.name }if g.rebalancing { { term(lang, t(Msg::RebalancingSuffix), Msg::GlossRebalance) } }</td>
                        <td>{ term(lang, t(kind_label(g.kind)), kind_gloss(g.kind)) }</td>
                        <td>{ g.members }{ if g.idle > 0 { lang.f(Msg::IdleSuffix, &[&g.idle]) } else { String::new() } }</td>
                        { for [("consumed", g.consumed), ("unread", g.unread), ("uncommitted", g.uncommitted), ("lag", g.lag)].map(|(id, n)| cell(id, n.to_string())) }
                        { latency_cell(g, lang) }
                        if pull {
                            { cell("empty-polls", g.empty_polls.map_or("\u{2013}".to_string(), |n| n.to_string())) }
                        }
                    </tr>
                    { queue_row(g, lang, 8 + pull as usize) }
                </> }) }
                </tbody>
            </table>
            if !s.saturated_brokers.is_empty() {
                <p class="counters-note q-warn" role="status" data-testid="brokers-note">{ brokers_note(&s.saturated_brokers, lang) }</p>
            }
            { for reset_notes(&s.groups, lang).into_iter().map(|n| html! { <p class="counters-note" data-testid="reset-note">{ n }</p> }) }
        </section>
    }
}
