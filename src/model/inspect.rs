//! What the inspector shows for the thing clicked on the stage: live figures, and the settings
//! that can be edited. Pure: built from the engine state, tested natively.

use brook_engine::{
    Acks, AssignorKind, Cluster, Command, CommitMode, KeySpec, PushModel, RateProfile, Reader,
    Subscriber, Subscription, Tp,
};

use crate::model::consumers::{
    consumer_sets, group_lag, kind_label, push_model_explained, push_model_label,
};
use crate::model::i18n::{Lang, Msg};
use crate::model::layout::Selection;
use crate::model::targets::{spike, spike_label, start_label};

/// Editable settings, with their current values.
#[derive(Clone, Debug, PartialEq)]
pub enum Form {
    /// A producer's.
    Producer {
        name: String,
        rate_per_sec: f64,
        profile: RateProfile,
        keys: KeySpec,
        now_ms: u64,
        acks: Acks,
        linger_ms: u32,
        batch_bytes: u32,
        buffer_bytes: u64,
    },
    /// A push subscription's.
    Subscription { name: String, prefetch: Option<u32> },
    /// A consumer group's.
    Group { name: String, processing_us: u32, commit: CommitMode, assignor: AssignorKind },
    /// A topic's.
    Topic { name: String, retention_ms: Option<u64>, retention_bytes: Option<u64> },
}

/// The inspector's content.
#[derive(Clone, Debug, PartialEq)]
pub struct View {
    /// Heading.
    pub title: String,
    /// Live figures: label, value.
    pub figures: Vec<(String, String)>,
    /// Editable settings, if any.
    pub form: Option<Form>,
    /// One-click commands for this thing (crash, restart, spike, close...): label, command.
    pub actions: Vec<(String, Command)>,
}

/// Inspector figure labels that are glossary terms, with their definitions.
const GLOSSED: &[(Msg, Msg)] = &[
    (Msg::FigHighWatermark, Msg::GlossHighWatermark),
    (Msg::FigLogStart, Msg::GlossOffset),
    (Msg::FigLogEnd, Msg::GlossOffset),
    (Msg::FigPartitions, Msg::GlossPartition),
    (Msg::FigReplicasInSync, Msg::GlossIsr),
    (Msg::FigAcked, Msg::GlossAcks),
    (Msg::FigRebalances, Msg::GlossRebalance),
    (Msg::FigGeneration, Msg::GlossRebalance),
    (Msg::FigKind, Msg::GlossKind),
    (Msg::FigLagRecords, Msg::GlossLag),
    (Msg::ColUnread, Msg::GlossUnread),
    (Msg::ColUncommitted, Msg::GlossUncommitted),
    (Msg::FigMembers, Msg::GlossMembers),
    (Msg::FigProcessed, Msg::GlossProcessed),
    (Msg::FigDuplicates, Msg::GlossDuplicates),
    (Msg::FigRequestQueue, Msg::GlossRequestQueue),
];

/// The glossary definition of an inspector figure's `label` in `lang`, if it is a term: the
/// inspector shows it on hover and focus, as the counters do.
pub fn gloss(label: &str, lang: Lang) -> Option<Msg> {
    if let Some(&(_, def)) = GLOSSED.iter().find(|(m, _)| lang.t(*m) == label) {
        return Some(def);
    }
    if let Some(def) = crate::model::capacity::gloss(label) {
        return Some(def);
    }
    // "{group}: committed / lag" on a partition.
    let committed = lang.f(Msg::FigCommittedLag, &[&""]);
    (label.ends_with(&committed) && label.len() > committed.len()).then_some(Msg::GlossCommit)
}

/// A thing on the stage by name: what it is whatever slot of the engine's lists it sits in
/// (another preset, or a removal, puts another thing in the same slot).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Thing {
    /// A producer, by name.
    Producer(String),
    /// A partition: topic name, partition number.
    Partition(String, u32),
    /// A reader, by name.
    Reader(String),
    /// A member of a reader: reader name, member number.
    Member(String, usize),
    /// A broker, by id.
    Broker(usize),
}

/// What `sel` names in `c`, if it exists.
pub fn thing_of(c: &Cluster, sel: Selection) -> Option<Thing> {
    Some(match sel {
        Selection::Producer(i) => Thing::Producer(c.producers().get(i)?.spec.name.clone()),
        Selection::Partition(tp) => {
            let t = c.topics().get(tp.topic as usize)?;
            t.partitions.get(tp.partition as usize)?;
            Thing::Partition(t.name.clone(), tp.partition)
        }
        Selection::Set(g) => Thing::Reader(c.readers().nth(g)?.name().to_string()),
        Selection::Member(g, m) => Thing::Member(c.readers().nth(g)?.name().to_string(), m),
        Selection::Broker(b) => {
            c.brokers().get(b)?;
            Thing::Broker(b)
        }
    })
}

/// Where `thing` is in `c` now, if it still exists.
pub fn find_thing(c: &Cluster, thing: &Thing) -> Option<Selection> {
    let reader = |name: &str| c.readers().position(|r| r.name() == name);
    let sel = match thing {
        Thing::Producer(name) => {
            Selection::Producer(c.producers().iter().position(|p| &p.spec.name == name)?)
        }
        Thing::Partition(topic, p) => {
            let t = c.topics().iter().position(|t| &t.name == topic)?;
            Selection::Partition(Tp { topic: t as u16, partition: *p })
        }
        Thing::Reader(name) => Selection::Set(reader(name)?),
        Thing::Member(name, m) => Selection::Member(reader(name)?, *m),
        Thing::Broker(b) => Selection::Broker(*b),
    };
    // A partition, member or broker number past the end is gone.
    thing_of(c, sel).map(|_| sel)
}

fn fig(label: &str, value: impl ToString) -> (String, String) {
    (label.to_string(), value.to_string())
}

/// The inspector content for `sel` in `lang`, or None if it no longer exists.
pub fn inspect(c: &Cluster, sel: Selection, lang: Lang) -> Option<View> {
    match sel {
        Selection::Producer(i) => producer(c, i, lang),
        Selection::Partition(tp) => partition(c, tp, lang),
        Selection::Set(g) | Selection::Member(g, _) => reader(c, sel, g, lang),
        Selection::Broker(b) => broker(c, b, lang),
    }
}

fn broker(c: &Cluster, b: usize, lang: Lang) -> Option<View> {
    let t = |m: Msg| lang.t(m);
    let state = c.brokers().get(b)?;
    let (mut leads, mut hosts, mut in_sync) = (0, 0, 0);
    for part in c.topics().iter().flat_map(|t| &t.partitions) {
        for (i, r) in part.replicas.iter().enumerate() {
            if r.broker as usize == b {
                hosts += 1;
                leads += usize::from(part.leader == Some(i));
                in_sync += usize::from(part.in_isr(i));
            }
        }
    }
    let status = match (state.alive, state.down_noticed, state.leaving) {
        (true, _, true) => Msg::BrokerUpLeaving,
        (true, _, false) => Msg::BrokerUp,
        (false, false, _) => Msg::BrokerDownUnnoticed,
        (false, true, _) => Msg::BrokerDown,
    };
    let mut figures = vec![
        fig(t(Msg::FigStatus), t(status)),
        fig(t(Msg::FigReplicasHosted), hosts),
        fig(t(Msg::FigPartitionsLed), leads),
        fig(t(Msg::FigReplicasInSync), in_sync),
    ];
    if let Some(us) = state.crashed_us {
        figures.push(fig(t(Msg::FigCrashedAt), format!("{:.1}", us as f64 / 1e6)));
    }
    figures.extend(crate::model::capacity::broker_figures(c, b, lang));
    let broker = b as u32;
    let mut actions = vec![if state.alive {
        (lang.f(Msg::CrashBrokerN, &[&b]), Command::CrashBroker { broker })
    } else {
        (lang.f(Msg::RestartBrokerN, &[&b]), Command::RestartBroker { broker })
    }];
    if b + 1 == c.brokers().len() && b > 0 && !state.leaving {
        actions.push((lang.f(Msg::RemoveBrokerN, &[&b]), Command::RemoveBroker { broker }));
    }
    Some(View { title: lang.f(Msg::BrokerTitle, &[&b]), figures, form: None, actions })
}

fn producer(c: &Cluster, i: usize, lang: Lang) -> Option<View> {
    let t = |m: Msg| lang.t(m);
    let p = c.producers().get(i)?;
    let st = p.stats;
    let rate = p.current_rate(c.now_us());
    let name = p.spec.name.clone();
    let actions = match spike(c, i) {
        None => Vec::new(),
        Some(s) => vec![
            (spike_label(&s, lang), s),
            (t(Msg::CloseIt).to_string(), Command::RemoveProducer { producer: name }),
        ],
    };
    let buffer = lang.f(Msg::OfTotal, &[&p.buffer_bytes_used(), &p.spec.buffer_bytes]);
    let blocked = if p.is_blocked() { Msg::YesBufferFull } else { Msg::No };
    let idempotent = if p.spec.idempotent() { Msg::True } else { Msg::False };
    let profile = crate::model::profile_form::describe_profile(&p.spec.rate, lang);
    let in_flight = lang.f(
        Msg::QueuedInFlight,
        &[
            &p.queued_batches(),
            &p.in_flight_batches(),
            &p.spec.max_in_flight_requests_per_connection,
        ],
    );
    Some(View {
        actions,
        title: lang.f(Msg::ProducerTitle, &[&p.spec.name]),
        figures: vec![
            fig(t(Msg::FigRateNow), format!("{rate:.0}")),
            fig(t(Msg::FigSent), st.sent_records),
            fig(t(Msg::FigAcked), st.acked_records),
            fig(t(Msg::FigBufferUsed), buffer),
            fig(t(Msg::FigBlocked), t(blocked)),
            fig(t(Msg::FigBlockedTime), st.blocked_us / 1000),
            fig(t(Msg::FigQueuedInFlight), in_flight),
            fig(t(Msg::FigWritten), st.written_records),
            fig(t(Msg::FigFailedSends), st.failed_records + st.expired_records),
            fig(t(Msg::FigTimedOutInFlight), st.delivery_timeout_records),
            fig(t(Msg::FigFailedYetWritten), st.failed_written_records),
            fig(t(Msg::FigLostOnTheWire), st.lost_in_flight_records),
            fig(t(Msg::FigResent), st.retried_records),
            fig(t(Msg::FigWrittenTwice), st.duplicated_records),
            fig(t(Msg::FigOutOfOrder), st.out_of_order_batches),
            fig(t(Msg::FigIdempotent), t(idempotent)),
            fig(t(Msg::FieldRateProfile), profile),
            fig(t(Msg::FieldKeys), crate::model::profile_form::describe_keys(&p.spec.keys, lang)),
            fig(t(Msg::FigState), t(if p.closed { Msg::StateClosed } else { Msg::StateOpen })),
        ],
        form: Some(Form::Producer {
            name: p.spec.name.clone(),
            rate_per_sec: rate,
            profile: p.spec.rate.clone(),
            keys: p.spec.keys.clone(),
            now_ms: c.now_us() / 1000,
            acks: p.spec.acks,
            linger_ms: p.spec.linger_ms,
            batch_bytes: p.spec.batch_bytes,
            buffer_bytes: p.spec.buffer_bytes,
        }),
    })
}

fn partition(c: &Cluster, tp: Tp, lang: Lang) -> Option<View> {
    let t = |m: Msg| lang.t(m);
    let topic = c.topics().get(tp.topic as usize)?;
    let part = topic.partitions.get(tp.partition as usize)?;
    let log = &part.log;
    let replicas: Vec<String> = part
        .replicas
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let moving = part.moving.map_or((false, false), |(old, new)| (old == i, new == i));
            let role = if part.leader == Some(i) && moving.0 {
                Msg::RoleLeaderLeaving
            } else if part.leader == Some(i) {
                Msg::RoleLeader
            } else if moving.0 {
                Msg::RoleLeaving
            } else if moving.1 && !part.in_isr(i) {
                Msg::RoleJoining
            } else if part.in_isr(i) {
                Msg::RoleInSync
            } else {
                Msg::RoleOutOfSync
            };
            lang.f(Msg::ReplicaLine, &[&r.broker, &t(role), &r.leo])
        })
        .collect();
    let mut figures = vec![
        fig(t(Msg::FigLogStart), log.log_start_offset()),
        fig(t(Msg::FigHighWatermark), log.high_watermark()),
        fig(t(Msg::FigLogEnd), log.log_end_offset()),
        fig(t(Msg::FigSegments), log.segment_count()),
        fig(t(Msg::FigBytes), log.size_bytes()),
        fig(t(Msg::FigReplicas), replicas.join(lang.list_sep())),
        fig(t(Msg::FigLeaderEpoch), part.leader_epoch),
    ];
    figures.extend(crate::model::capacity::partition_figures(c, tp, lang));
    for g in c.groups() {
        if g.topics.contains(&tp.topic) {
            let none = || t(Msg::NoneAssigned).to_string();
            let committed = g.committed_offset(tp).map_or_else(none, |o| o.to_string());
            let lag = group_lag(c, g, tp);
            figures.push(fig(
                &lang.f(Msg::FigCommittedLag, &[&g.spec.name]),
                format!("{committed} / {lag}"),
            ));
        }
    }
    Some(View {
        actions: vec![(
            lang.f(Msg::AddPartitionTo, &[&topic.name]),
            Command::AddPartitions { topic: topic.name.clone(), count: 1 },
        )],
        title: lang.f(Msg::PartitionTitle, &[&topic.name, &tp.partition]),
        figures,
        form: Some(Form::Topic {
            name: topic.name.clone(),
            retention_ms: topic.retention_ms,
            retention_bytes: topic.retention_bytes,
        }),
    })
}

fn reader(c: &Cluster, sel: Selection, g: usize, lang: Lang) -> Option<View> {
    let t = |m: Msg| lang.t(m);
    let r = c.readers().nth(g)?;
    let sets = consumer_sets(c);
    let set = sets.get(g)?;
    // The same figures as the counters' row for this reader.
    let (unread, uncommitted) = c.reader_lag_split(r);
    let mut figures = vec![
        fig(t(Msg::FigKind), t(kind_label(set.kind))),
        fig(t(Msg::FigLagRecords), set.lag),
        fig(t(Msg::ColUnread), unread),
        fig(t(Msg::ColUncommitted), uncommitted),
        fig(t(Msg::FigMembers), set.members.len()),
        fig(t(Msg::FigProcessed), r.consumed_records()),
    ];
    if let Some(n) = &set.note {
        figures.push(fig(t(Msg::FigStatus), n.text(lang)));
    }
    let mut title = set.name.clone();
    // Only consumer groups take new members (share groups and subscriptions are sized by
    // their scenario).
    let mut actions = match r {
        Reader::Group(_) => {
            let add = Command::AddMember { group: set.name.clone() };
            vec![(t(Msg::AddAConsumer).to_string(), add)]
        }
        _ => Vec::new(),
    };
    if let Selection::Member(_, m) = sel {
        let member = set.members.get(m)?;
        title = lang.f(Msg::MemberTitle, &[&set.name, &m]);
        actions = member_actions(r, &set.name, m, lang)?;
        let inbox = format!("{:.0}", member.inbox_fill * 100.0);
        figures = vec![
            fig(t(Msg::FigState), t(member.state)),
            fig(t(Msg::FigProcessed), member.processed),
            fig(t(Msg::FigInbox), lang.f(Msg::InboxFull, &[&inbox])),
        ];
        if let Reader::Push(sub) = r {
            figures.extend(push_member_figures(c, sub, m, lang));
        }
        if let Reader::Share(g) = r {
            figures.extend(share_member_figures(g, m, lang));
        }
        if let Reader::Group(_) = r {
            let parts: Vec<String> = member
                .assigned
                .iter()
                .map(|tp| format!("{}-{}", c.topics()[tp.topic as usize].name, tp.partition))
                .collect();
            let parts = if parts.is_empty() {
                t(Msg::NoneAssigned).to_string()
            } else {
                parts.join(lang.items_sep())
            };
            figures.push(fig(t(Msg::FigPartitions), parts));
        }
    }
    let form = match r {
        Reader::Group(grp) => {
            figures.extend(group_figures(grp, lang));
            Some(Form::Group {
                name: grp.spec.name.clone(),
                processing_us: grp.spec.processing_us,
                commit: grp.spec.commit,
                assignor: grp.spec.assignor,
            })
        }
        Reader::Push(sub) => {
            if !matches!(sel, Selection::Member(..)) {
                figures.extend(push_figures(c, sub, lang));
            }
            // Only RabbitMQ has a prefetch window to change.
            (sub.spec.push_model == PushModel::Rabbitmq).then(|| Form::Subscription {
                name: sub.spec.name.clone(),
                prefetch: sub.spec.prefetch,
            })
        }
        Reader::Share(g) => {
            if matches!(sel, Selection::Set(_)) {
                figures.extend(share_figures(g, lang));
            }
            None
        }
    };
    Some(View { title, figures, form, actions })
}

/// Crash or restart for a member of a group or share group (a subscriber has none); None if
/// there is no member `m`.
fn member_actions(
    r: Reader<'_>,
    name: &str,
    m: usize,
    lang: Lang,
) -> Option<Vec<(String, Command)>> {
    let crashed = match r {
        Reader::Group(g) => g.members.get(m)?.crashed_us.is_some(),
        Reader::Share(g) => g.members.get(m)?.crashed,
        Reader::Push(_) => return Some(Vec::new()),
    };
    let (group, member) = (name.to_string(), m as u32);
    Some(vec![if crashed {
        (lang.f(Msg::RestartMemberN, &[&m]), Command::RestartMember { group, member })
    } else {
        (lang.f(Msg::CrashMemberN, &[&m]), Command::CrashMember { group, member })
    }])
}

/// Seconds of virtual time, one decimal.
fn at_s(us: u64, lang: Lang) -> String {
    lang.f(Msg::Seconds, &[&format!("{:.1}", us as f64 / 1e6)])
}

/// A push subscription's figures: what it is, its model and that model's gauges.
fn push_figures(c: &Cluster, sub: &Subscription, lang: Lang) -> Vec<(String, String)> {
    let t = |m: Msg| lang.t(m);
    let (spec, st) = (&sub.spec, sub.stats);
    let mut f = vec![
        fig(t(Msg::FigWhatItIs), t(Msg::PushIsNotKafka)),
        fig(t(Msg::FigPushModel), push_model_label(spec).render(lang)),
        fig(t(Msg::FigSlowSubscriber), t(push_model_explained(spec))),
    ];
    match spec.push_model {
        PushModel::Rabbitmq => {
            f.push(fig(t(Msg::FigConsumers), sub.consumers.len()));
            if let Some(p) = spec.prefetch {
                f.push(fig(t(Msg::FigPrefetchPerConsumer), p));
            }
            let memory = sub.consumers.iter().map(|k| k.inbox_bytes()).max().unwrap_or(0);
            let of = lang.f(Msg::ValueMemoryNow, &[&memory, &spec.memory_bytes_max]);
            f.push(fig(t(Msg::FigClientMemory), of));
            f.push(fig(t(Msg::FigConsumerCrashes), st.consumer_crashes));
            f.push(fig(t(Msg::FigRequeuedToOthers), st.requeued_records));
            f.push(fig(t(Msg::FigRequeuedWaiting), sub.requeued_records()));
            f.push(fig(t(Msg::FigRestartDelay), spec.restart_delay_ms));
        }
        PushModel::RedisPubsub => {
            let k = &sub.consumers[0];
            f.extend(redis_gauges(c, sub, k, lang));
            f.push(fig(t(Msg::FigDisconnects), st.disconnects));
            f.push(fig(t(Msg::FigLostWithBuffer), st.discarded_records));
            f.push(fig(t(Msg::FigMissedWhileDisconnected), st.missed_records));
        }
        PushModel::MqttQos0 => {
            let q = sub.consumers[0].unacked_records();
            let of = lang.f(Msg::ValueQueuedOf, &[&q, &spec.inbox_records_max]);
            f.push(fig(t(Msg::FigQueuedForClient), of));
            f.push(fig(t(Msg::SeriesDropped), st.dropped_records));
        }
    }
    f
}

/// The Redis output buffer against its limits, and whether the subscriber is connected.
fn redis_gauges(
    c: &Cluster,
    sub: &Subscription,
    k: &Subscriber,
    lang: Lang,
) -> Vec<(String, String)> {
    let t = |m: Msg| lang.t(m);
    let spec = &sub.spec;
    let buffer = lang.f(
        Msg::ValueOutputBuffer,
        &[
            &k.unacked_bytes(),
            &spec.output_buffer_hard_bytes,
            &spec.output_buffer_soft_bytes,
            &spec.output_buffer_soft_seconds,
        ],
    );
    let mut f = vec![fig(t(Msg::FigOutputBuffer), buffer)];
    if let Some(since) = k.soft_since_us {
        let held = c.now_us().saturating_sub(since);
        f.push(fig(t(Msg::FigOverSoftFor), at_s(held, lang)));
    }
    let state = match k.down_until_us {
        Some(until) => lang.f(Msg::ValueDisconnectedUntil, &[&at_s(until, lang)]),
        None => t(Msg::ValueConnected).to_string(),
    };
    f.push(fig(t(Msg::FigConnection), state));
    f
}

/// One consumer of a push subscription: its memory, buffer or queue against its limit.
fn push_member_figures(
    c: &Cluster,
    sub: &Subscription,
    m: usize,
    lang: Lang,
) -> Vec<(String, String)> {
    let t = |m: Msg| lang.t(m);
    let Some(k) = sub.consumers.get(m) else {
        return Vec::new();
    };
    let spec = &sub.spec;
    match spec.push_model {
        PushModel::Rabbitmq => {
            let unacked = match spec.prefetch {
                Some(p) => lang.f(Msg::ValueOfPrefetch, &[&k.unacked_records(), &p]),
                None => lang.f(Msg::ValueNoPrefetchLimit, &[&k.unacked_records()]),
            };
            let memory = lang.f(Msg::ValueOfLimit, &[&k.inbox_bytes(), &spec.memory_bytes_max]);
            let mut f = vec![
                fig(t(Msg::FigClientMemory), memory),
                fig(t(Msg::FigUnacked), unacked),
                fig(t(Msg::FigCrashes), k.crashes),
                fig(t(Msg::FigReceivedRequeued), k.redelivered_records),
            ];
            if let Some(until) = k.down_until_us {
                let back = lang.f(Msg::ValueRestartsAt, &[&at_s(until, lang)]);
                f.push(fig(t(Msg::StCrashed), back));
            }
            f
        }
        PushModel::RedisPubsub => redis_gauges(c, sub, k, lang),
        PushModel::MqttQos0 => {
            let of = lang.f(Msg::ValueQueuedOf, &[&k.unacked_records(), &spec.inbox_records_max]);
            vec![fig(t(Msg::FigQueued), of)]
        }
    }
}

fn group_figures(grp: &brook_engine::Group, lang: Lang) -> Vec<(String, String)> {
    let t = |m: Msg| lang.t(m);
    let protocol = if grp.spec.assignor == AssignorKind::CooperativeSticky {
        Msg::ProtoCooperative
    } else {
        Msg::ProtoEager
    };
    vec![
        fig(t(Msg::FigGeneration), grp.generation),
        fig(t(Msg::FigRebalances), grp.stats.rebalances),
        fig(t(Msg::FigProtocol), t(protocol)),
        fig(t(Msg::FigDuplicates), grp.stats.duplicate_records),
        fig("auto.offset.reset", t(start_label(grp.spec.auto_offset_reset))),
        fig(t(Msg::FigSkippedByReset), grp.stats.reset_skipped_records),
    ]
}

/// A share group's locks and what they led to: acknowledgements refused after a lock expired,
/// and the records processed twice because of it.
fn share_figures(g: &brook_engine::ShareGroup, lang: Lang) -> Vec<(String, String)> {
    let t = |m: Msg| lang.t(m);
    let st = g.stats;
    vec![
        fig(t(Msg::FigAccepted), st.accepted_records),
        fig(t(Msg::FigProcessedTwiceLock), st.duplicate_records),
        fig(t(Msg::FigAcksRefused), st.failed_ack_records),
        fig(t(Msg::FigLocksExpired), st.expired_locks),
        fig(t(Msg::FigRedelivered), st.redelivered_records),
        fig(t(Msg::FigArchived), st.archived_records),
        fig(t(Msg::FigLockMs), g.spec.lock_ms),
        fig(t(Msg::FigDeliveryLimit), g.spec.delivery_limit),
        fig("share.auto.offset.reset", t(start_label(g.spec.share_auto_offset_reset))),
    ]
}

/// A share group member's own figures: what it holds, and its acknowledgements.
fn share_member_figures(
    g: &brook_engine::ShareGroup,
    mi: usize,
    lang: Lang,
) -> Vec<(String, String)> {
    let t = |m: Msg| lang.t(m);
    let Some(m) = g.members.get(mi) else { return Vec::new() };
    vec![
        fig(t(Msg::FigAccepted), m.accepted_records),
        fig(t(Msg::FigAcksRefused), m.failed_ack_records),
        fig(t(Msg::FigHolding), m.held.len()),
        fig(t(Msg::FigHoldingPastLock), g.expired_holds(mi)),
        fig(t(Msg::FigSpeed), format!("{}x", m.speed)),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::consumers::reader_index;
    use crate::model::layout::Layout;
    use brook_engine::preset;
    use brook_engine::ReaderKind;

    #[test]
    fn clicking_finds_what_is_drawn_there() {
        let mut c = Cluster::new(preset("broker-failure-acks").unwrap());
        c.run_until(2_000_000);
        let l = Layout::new(&c, 1280.0, 720.0);
        let p = l.producers[1];
        assert_eq!(l.hit(p.x + 5.0, p.mid_y()), Some(Selection::Producer(1)));
        let s = l.partitions[1][2];
        let tp = Tp { topic: 1, partition: 2 };
        assert_eq!(l.hit(s.x + s.w / 2.0, s.mid_y()), Some(Selection::Partition(tp)));
        let m = l.members[0][2];
        assert_eq!(l.hit(m.x + 5.0, m.mid_y()), Some(Selection::Member(0, 2)));
        assert_eq!(l.hit(1.0, 1.0), None);
        let b = l.brokers[2];
        assert_eq!(l.hit(b.x + 3.0, b.mid_y()), Some(Selection::Broker(2)));
        let v = inspect(&c, Selection::Broker(2), Lang::En).unwrap();
        assert_eq!(v.figures[0].1, "up");
        assert_eq!(
            v.figures[1].1, "6",
            "every partition of both topics has a replica on each broker"
        );
    }

    #[test]
    fn views_carry_live_figures_and_forms() {
        let mut c = Cluster::new(preset("quickstart").unwrap());
        c.run_until(3_000_000);
        let v = inspect(&c, Selection::Producer(0), Lang::En).unwrap();
        assert_eq!(v.title, "Producer checkout");
        assert!(matches!(v.form, Some(Form::Producer { linger_ms: 5, .. })));
        let v = inspect(&c, Selection::Partition(Tp { topic: 0, partition: 0 }), Lang::En).unwrap();
        assert!(v.figures.iter().any(|(k, _)| k == "billing: committed / lag"));
        assert_eq!(gloss("billing: committed / lag", Lang::En), Some(Msg::GlossCommit));
        assert_eq!(gloss("high watermark", Lang::En), Some(Msg::GlossHighWatermark));
        assert_eq!(gloss("高水位", Lang::ZhTw), Some(Msg::GlossHighWatermark));
        assert_eq!(gloss("segments", Lang::En), None);
        let v = inspect(&c, Selection::Set(0), Lang::En).unwrap();
        assert!(matches!(v.form, Some(Form::Group { processing_us: 2_000, .. })));
        assert!(inspect(&c, Selection::Producer(9), Lang::En).is_none());
    }

    #[test]
    fn a_members_partitions_are_listed_in_the_pages_language() {
        // quickstart's group has two members on a topic of four partitions: two each.
        let mut c = Cluster::new(preset("quickstart").unwrap());
        c.run_until(5_000_000);
        let set = reader_index(&c, ReaderKind::Group, 0).unwrap();
        let parts = |lang: Lang, label: &str| {
            let v = inspect(&c, Selection::Member(set, 0), lang).unwrap();
            v.figures.into_iter().find(|(k, _)| k == label).map(|f| f.1).unwrap()
        };
        let en = parts(Lang::En, Lang::En.t(Msg::FigPartitions));
        let zh = parts(Lang::ZhTw, Lang::ZhTw.t(Msg::FigPartitions));
        assert_eq!(en.matches(", ").count() + 1, c.groups()[0].members[0].assigned.len(), "{en}");
        assert!(en.contains(", ") && !zh.contains(", ") && zh.contains('、'), "{en} / {zh}");
        assert_eq!(zh.replace('、', ", "), en);
    }

    #[test]
    fn a_producer_shows_its_ledger_and_what_a_failover_did_to_it() {
        // broker-failure-acks: broker 0 dies at 5 s; the acks=1 producer (not idempotent, 5
        // requests in flight) resends what failed, in reverse, so some batches land out of
        // order; the idempotent acks=all producer keeps its partitions in order.
        let mut c = Cluster::new(preset("broker-failure-acks").unwrap());
        c.run_until(30_000_000);
        let figure = |i: usize, label: &str| {
            let v = inspect(&c, Selection::Producer(i), Lang::En).unwrap();
            v.figures.into_iter().find(|(k, _)| k == label).map(|f| f.1).unwrap()
        };
        let stats = |i: usize| c.producers()[i].stats;
        let out_of_order = "batches written out of order";
        assert_eq!(figure(0, out_of_order), "0");
        assert_eq!(figure(1, out_of_order), stats(1).out_of_order_batches.to_string());
        assert!(stats(1).out_of_order_batches > 0, "{:?}", stats(1));
        assert_eq!(figure(1, "written to a log"), stats(1).written_records.to_string());
        let timed_out = "timed out in flight (delivery.timeout.ms)";
        assert_eq!(figure(0, timed_out), stats(0).delivery_timeout_records.to_string());
        assert!(figure(0, "batches queued / in flight").ends_with("(at most 5 per partition)"));
    }

    #[test]
    fn a_share_group_shows_its_expired_locks_refused_acknowledgements_and_double_processing() {
        // share-group-queue's worker 6 takes 3 s a job under a 2 s lock.
        let mut c = Cluster::new(preset("share-group-queue").unwrap());
        c.run_until(12_000_000);
        let set = reader_index(&c, ReaderKind::Share, 0).unwrap();
        let figure = |v: &View, label: &str| {
            let f = v.figures.iter().find(|(k, _)| k == label);
            f.unwrap_or_else(|| panic!("no {label} in {v:?}")).1.parse::<u64>().unwrap()
        };
        let g = &c.share_groups()[0];
        let v = inspect(&c, Selection::Set(set), Lang::En).unwrap();
        let refused = figure(&v, "acknowledgements refused (lock expired)");
        assert_eq!(refused, g.stats.failed_ack_records);
        assert!(refused > 0, "{v:?}");
        assert_eq!(figure(&v, "processed twice (a lock expired)"), g.stats.duplicate_records);
        assert!(v
            .figures
            .iter()
            .any(|(k, v)| k == "share.auto.offset.reset" && v.contains("earliest")));
        let v = inspect(&c, Selection::Member(set, 6), Lang::En).unwrap();
        assert_eq!(figure(&v, "acknowledgements refused (lock expired)"), refused, "worker 6's");
        let v = inspect(&c, Selection::Member(set, 0), Lang::En).unwrap();
        assert_eq!(figure(&v, "acknowledgements refused (lock expired)"), 0);
    }

    #[test]
    fn actions_follow_the_state_of_what_is_inspected() {
        let mut c = Cluster::new(preset("broker-failure-acks").unwrap());
        c.run_until(1_000_000);
        let labels = |v: &View| v.actions.iter().map(|a| a.0.clone()).collect::<Vec<_>>();
        let v = inspect(&c, Selection::Broker(2), Lang::En).unwrap();
        assert_eq!(labels(&v), ["Crash broker 2", "Remove broker 2"]);
        let v = inspect(&c, Selection::Broker(1), Lang::En).unwrap();
        assert_eq!(labels(&v), ["Crash broker 1"], "only the highest-numbered may be removed");
        c.command(v.actions[0].1.clone()).unwrap();
        c.step();
        let v = inspect(&c, Selection::Broker(1), Lang::En).unwrap();
        assert_eq!(v.actions[0].1, Command::RestartBroker { broker: 1 });

        let v = inspect(&c, Selection::Member(0, 1), Lang::En).unwrap();
        assert_eq!(labels(&v), ["Crash member #1"]);
        c.command(v.actions[0].1.clone()).unwrap();
        c.step();
        let v = inspect(&c, Selection::Member(0, 1), Lang::En).unwrap();
        assert_eq!(labels(&v), ["Restart member #1"]);

        let v = inspect(&c, Selection::Producer(0), Lang::En).unwrap();
        assert_eq!(labels(&v), ["Spike: 15k/s for 5 s", "Close it"]);
        c.command(v.actions[1].1.clone()).unwrap();
        c.step();
        assert!(
            inspect(&c, Selection::Producer(0), Lang::En).unwrap().actions.is_empty(),
            "closed"
        );
        let v = inspect(&c, Selection::Set(0), Lang::En).unwrap();
        assert_eq!(v.actions[0].1, Command::AddMember { group: "fulfilment".into() });

        // The engine adds members to consumer groups only: a share group offers no such button.
        let q = Cluster::new(preset("share-group-queue").unwrap());
        let share = Selection::Set(reader_index(&q, ReaderKind::Share, 0).unwrap());
        let v = inspect(&q, share, Lang::En).unwrap();
        assert!(v.actions.iter().all(|a| !matches!(a.1, Command::AddMember { .. })), "{v:?}");
        let add = Command::AddMember { group: q.share_groups()[0].spec.name.clone() };
        assert!(q.check_command(&add).is_err(), "and the engine would refuse it");
    }

    #[test]
    fn a_push_subscription_says_it_is_not_kafka_and_shows_its_model_gauges() {
        let mut c = Cluster::new(preset("slow-subscriber-push-vs-pull").unwrap());
        c.run_until(8_000_000);
        let push = |i: usize| Selection::Set(reader_index(&c, ReaderKind::Push, i).unwrap());
        let value = |v: &View, k: &str| {
            v.figures.iter().find(|f| f.0 == k).map(|f| f.1.clone()).unwrap_or_default()
        };
        for i in 0..5 {
            let v = inspect(&c, push(i), Lang::En).unwrap();
            assert_eq!(value(&v, "kind"), "push subscription (not Kafka)");
            assert!(value(&v, "what it is").contains("Kafka consumers always pull"));
        }
        // RabbitMQ: client memory against its limit, crashes and requeues; the prefetch form.
        let v = inspect(&c, push(1), Lang::En).unwrap();
        assert_eq!(value(&v, "push model"), "RabbitMQ-style, no prefetch");
        assert!(value(&v, "client memory, bytes").ends_with(&format!("of {}", 1 << 20)));
        assert!(value(&v, "consumer crashes (out of memory)").parse::<u64>().unwrap() > 0);
        assert!(matches!(v.form, Some(Form::Subscription { prefetch: None, .. })));
        let Selection::Set(set) = push(1) else { unreachable!() };
        let m = inspect(&c, Selection::Member(set, 1), Lang::En).unwrap();
        assert!(value(&m, "client memory, bytes").ends_with(&format!("of {}", 1 << 20)));
        // Redis: the output buffer against both limits, and the connection.
        let v = inspect(&c, push(2), Lang::En).unwrap();
        assert_eq!(value(&v, "push model"), "Redis Pub/Sub-style");
        let buffer = value(&v, "output buffer, bytes");
        assert!(buffer.contains("hard limit 2097152, soft 524288 for 1 s"), "{buffer}");
        assert!(
            value(&v, "connection") == "connected"
                || value(&v, "connection").starts_with("disconnected until")
        );
        assert!(value(&v, "missed while disconnected").parse::<u64>().unwrap() > 0);
        assert!(v.form.is_none(), "no prefetch window outside RabbitMQ");
        // MQTT: the queue against max_queued_messages.
        let v = inspect(&c, push(3), Lang::En).unwrap();
        assert!(value(&v, "queued for the client").ends_with("of 1000 (max_queued_messages)"));
        assert!(v.form.is_none());
    }
}
