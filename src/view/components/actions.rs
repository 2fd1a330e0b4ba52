//! Buttons that change the running simulation: each queues an engine `Command` that applies at
//! the start of the next step.

use brook_engine::Command;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::model::i18n::{Lang, Msg};
use crate::model::targets::{
    kind_has_start, new_reader, spike_label, start_label, Targets, READER_KINDS, READER_STARTS,
};

/// Properties of [`Actions`].
#[derive(Properties, PartialEq, Clone)]
pub struct ActionsProps {
    /// What exists now.
    pub targets: Targets,
    /// A command to queue.
    pub on_command: Callback<Command>,
    /// The latest notice from the engine (a refused command), in the page's language.
    #[prop_or_default]
    pub notice: Option<String>,
    /// The page's language.
    #[prop_or_default]
    pub lang: Lang,
}

/// A labelled select whose shown option is always `current` (the state), never the browser's
/// own idea after a re-render.
fn select(
    testid: &'static str,
    label: &str,
    options: Vec<String>,
    current: usize,
    on: Callback<usize>,
) -> Html {
    let onchange = on.reform(|e: Event| {
        e.target_unchecked_into::<HtmlSelectElement>().selected_index().max(0) as usize
    });
    html! {
        <label>{ label }{ " " }
            <select data-testid={testid} {onchange}>
                { for options.into_iter().enumerate().map(|(i, o)| html! {
                    <option value={o.clone()} selected={i == current}>{ o }</option>
                }) }
            </select>
        </label>
    }
}

/// The actions toolbar.
#[component]
pub fn Actions(p: &ActionsProps) -> Html {
    let group = use_state(|| 0usize);
    let member = use_state(|| 0usize);
    let producer = use_state(|| 0usize);
    let broker = use_state(|| 0usize);
    let kind = use_state(|| 0usize);
    let start = use_state(|| 0usize);
    let reader = use_state(|| 0usize);
    let t = &p.targets;
    let g = t.groups.get(*group).cloned();
    let send = |make: Box<dyn Fn() -> Option<Command>>| {
        let on = p.on_command.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(c) = make() {
                on.emit(c);
            }
        })
    };
    let gname = g.as_ref().map(|g| g.name.clone());
    let resizable = g.as_ref().is_some_and(|g| g.resizable());
    let m = *member as u32;
    let add = {
        let n = gname.clone();
        send(Box::new(move || n.clone().map(|group| Command::AddMember { group })))
    };
    let remove = {
        let n = gname.clone();
        send(Box::new(move || n.clone().map(|group| Command::RemoveMember { group })))
    };
    let crash = {
        let n = gname.clone();
        send(Box::new(move || n.clone().map(|group| Command::CrashMember { group, member: m })))
    };
    let restart = {
        let n = gname.clone();
        send(Box::new(move || n.clone().map(|group| Command::RestartMember { group, member: m })))
    };
    // The same spike as the inspector's: one action, one meaning (issue 10).
    let spike_command = t.spikes.get(*producer).cloned().flatten();
    let spike_text = spike_command.as_ref().map(|c| spike_label(c, p.lang));
    let spike = send(Box::new(move || spike_command.clone()));
    let pname = t.producers.get(*producer).cloned();
    let remove_producer =
        send(Box::new(move || pname.clone().map(|producer| Command::RemoveProducer { producer })));
    let last_broker = t.brokers.saturating_sub(1) as u32;
    let add_broker = send(Box::new(|| Some(Command::AddBroker)));
    let balance = send(Box::new(|| Some(Command::BalanceReplicas)));
    let remove_broker = send(Box::new(move || Some(Command::RemoveBroker { broker: last_broker })));
    let b = *broker as u32;
    let crash_broker = send(Box::new(move || Some(Command::CrashBroker { broker: b })));
    let restart_broker = send(Box::new(move || Some(Command::RestartBroker { broker: b })));
    let topic = t.topics.first().cloned();
    let add_partition = send(Box::new(move || {
        topic.clone().map(|topic| Command::AddPartitions { topic, count: 1 })
    }));
    let (k, first_topic, taken) = (*kind, t.topics.first().cloned(), t.readers.clone());
    let from = READER_STARTS[(*start).min(READER_STARTS.len() - 1)];
    let add_reader = send(Box::new(move || {
        first_topic
            .as_ref()
            .map(|topic| Command::AddReader { reader: new_reader(k, topic, &taken, from) })
    }));
    let rname = t.readers.get(*reader).cloned();
    let remove_reader =
        send(Box::new(move || rname.clone().map(|name| Command::RemoveReader { name })));
    let names: Vec<String> = t.producer_specs.iter().map(|p| p.name.clone()).collect();
    let base = t.producer_specs.get(*producer).cloned();
    let add_producer = send(Box::new(move || {
        let mut spec = base.clone()?;
        spec.name = (2..).map(|n| format!("{}-{n}", spec.name)).find(|n| !names.contains(n))?;
        Some(Command::AddProducer { spec })
    }));
    let members: Vec<String> =
        (0..g.as_ref().map_or(0, |g| g.members)).map(|i| format!("#{i}")).collect();
    let set = |s: UseStateHandle<usize>| Callback::from(move |i: usize| s.set(i));
    let lang = p.lang;
    let tr = |m: Msg| lang.t(m);
    let kinds = READER_KINDS.iter().map(|&k| tr(k).to_string()).collect();
    let starts = READER_STARTS.iter().map(|&s| tr(start_label(s)).to_string()).collect();
    html! {
        <div class="actions" role="toolbar" aria-label={tr(Msg::ActionsAria)}>
            if !t.groups.is_empty() {
                <fieldset>
                    <legend>{ tr(Msg::Consumers) }</legend>
                    { select("action-group", tr(Msg::Group), t.groups.iter().map(|g| g.name.clone()).collect(), *group, set(group.clone())) }
                    // A share group's size is its scenario's: the engine refuses new members.
                    if resizable {
                        <button data-testid="add-member" onclick={add}>{ tr(Msg::AddConsumer) }</button>
                        <button data-testid="remove-member" onclick={remove}>{ tr(Msg::RemoveConsumer) }</button>
                    }
                    { select("action-member", tr(Msg::Member), members, *member, set(member.clone())) }
                    <button data-testid="crash-member" onclick={crash}>{ tr(Msg::Crash) }</button>
                    <button data-testid="restart-member" onclick={restart}>{ tr(Msg::Restart) }</button>
                </fieldset>
            }
            if !t.producers.is_empty() {
                <fieldset>
                    <legend>{ tr(Msg::Producers) }</legend>
                    { select("action-producer", tr(Msg::Producer), t.producers.clone(), *producer, set(producer.clone())) }
                    if let Some(label) = spike_text {
                        <button data-testid="spike" onclick={spike} title={tr(Msg::SpikeExplained)}>{ label }</button>
                    }
                    <button data-testid="add-producer" onclick={add_producer} title={tr(Msg::AddProducerTitle)}>{ tr(Msg::AddProducer) }</button>
                    <button data-testid="remove-producer" onclick={remove_producer} title={tr(Msg::RemoveProducerTitle)}>{ tr(Msg::RemoveProducer) }</button>
                </fieldset>
            }
            <fieldset>
                <legend>{ tr(Msg::ReadersLegend) }</legend>
                { select("reader-kind", tr(Msg::AddA), kinds, *kind, set(kind.clone())) }
                if kind_has_start(*kind) {
                    { select("reader-start", tr(Msg::FromStart), starts, *start, set(start.clone())) }
                }
                <button data-testid="add-reader" onclick={add_reader}>{ tr(Msg::AddReader) }</button>
                { select("reader", tr(Msg::Reader), t.readers.clone(), *reader, set(reader.clone())) }
                <button data-testid="remove-reader" onclick={remove_reader}>{ tr(Msg::RemoveReader) }</button>
            </fieldset>
            <fieldset>
                <legend>{ tr(Msg::Cluster) }</legend>
                if t.brokers > 1 {
                    { select("action-broker", tr(Msg::Broker), (0..t.brokers).map(|b| b.to_string()).collect(), *broker, set(broker.clone())) }
                    <button data-testid="crash-broker" onclick={crash_broker}>{ tr(Msg::CrashBroker) }</button>
                    <button data-testid="restart-broker" onclick={restart_broker}>{ tr(Msg::RestartBroker) }</button>
                }
                <button data-testid="add-partition" onclick={add_partition}>{ tr(Msg::AddPartition) }</button>
                <button data-testid="add-broker" onclick={add_broker} title={tr(Msg::AddBrokerTitle)}>{ tr(Msg::AddBroker) }</button>
                <button data-testid="balance-replicas" onclick={balance} title={tr(Msg::BalanceTitle)}>{ tr(Msg::Balance) }</button>
                <button data-testid="remove-broker" onclick={remove_broker} title={tr(Msg::RemoveBrokerTitle)}>{ lang.f(Msg::RemoveBrokerN, &[&last_broker]) }</button>
            </fieldset>
            if let Some(n) = &p.notice {
                <span class="notice" role="status" data-testid="notice">{ n }</span>
            }
        </div>
    }
}
