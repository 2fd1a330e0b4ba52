//! The readers as drawn: consumer groups (pull), share groups (queues) and push subscriptions,
//! walked through the engine's `Cluster::readers()` in its order. Pure: the layout, the canvas
//! and the panels use it.

use brook_engine::{
    Cluster, Group, MemberState, PushModel, Reader, ReaderKind, ShareGroup, Subscription,
    SubscriptionSpec, Tp,
};

use crate::model::format::compact;

/// A short name for a reader kind, for the stage.
pub fn kind_short(kind: ReaderKind) -> &'static str {
    match kind {
        ReaderKind::Group => "pull",
        ReaderKind::Share => "queue",
        ReaderKind::Push => "push, not Kafka",
    }
}

/// What the panels call a reader kind.
pub fn kind_label(kind: ReaderKind) -> &'static str {
    match kind {
        ReaderKind::Group => "consumer group (pull)",
        ReaderKind::Share => "share group (queue)",
        ReaderKind::Push => "push subscription (not Kafka)",
    }
}

/// What a push subscription is, for the inspector.
pub const PUSH_IS_NOT_KAFKA: &str =
    "a push broker shown for comparison; Kafka consumers always pull";

/// The push system a subscription follows, in a few words ("RabbitMQ-style, no prefetch").
pub fn push_model_label(spec: &SubscriptionSpec) -> String {
    match (spec.push_model, spec.prefetch) {
        (PushModel::Rabbitmq, Some(p)) => format!("RabbitMQ-style, prefetch {p}"),
        (PushModel::Rabbitmq, None) => "RabbitMQ-style, no prefetch".to_string(),
        (PushModel::RedisPubsub, _) => "Redis Pub/Sub-style".to_string(),
        (PushModel::MqttQos0, _) => "MQTT QoS 0-style".to_string(),
    }
}

/// What that push system does to a subscriber slower than the stream.
pub fn push_model_explained(spec: &SubscriptionSpec) -> &'static str {
    match (spec.push_model, spec.prefetch) {
        (PushModel::Rabbitmq, Some(_)) => {
            "at most the prefetch count (basic.qos) unacknowledged per consumer; the broker \
             keeps the rest in the queue"
        }
        (PushModel::Rabbitmq, None) => {
            "the broker sends everything and the client buffers it; past its memory limit it \
             dies, and the broker requeues its unacknowledged messages to the other consumers"
        }
        (PushModel::RedisPubsub, _) => {
            "unread messages wait in the server's output buffer; past client-output-buffer-limit \
             the server disconnects the subscriber, which misses what is published until it \
             subscribes again"
        }
        (PushModel::MqttQos0, _) => {
            "messages beyond the client's queue (max_queued_messages) are dropped"
        }
    }
}

/// One member as drawn.
#[derive(Clone, Debug, PartialEq)]
pub struct MemberView {
    /// What it is doing, in words.
    pub state: &'static str,
    /// Background colour for that state.
    pub colour: &'static str,
    /// Records processed.
    pub processed: u64,
    /// Inbox fill, 0..=1 of its bound.
    pub inbox_fill: f64,
    /// Lag of the partitions it owns (consumer group members only).
    pub lag: Option<u64>,
    /// Partitions it owns (consumer groups only).
    pub assigned: Vec<Tp>,
}

/// A group, share group or subscription as drawn.
#[derive(Clone, Debug, PartialEq)]
pub struct ConsumerSet {
    /// Name.
    pub name: String,
    /// Kind.
    pub kind: ReaderKind,
    /// Lag, records.
    pub lag: u64,
    /// A short status shown beside the name ("rebalancing", "12 dropped"...).
    pub note: Option<String>,
    /// Members.
    pub members: Vec<MemberView>,
}

/// The position in [`Cluster::readers`] order (the order of [`consumer_sets`] and of the
/// stage) of the `i`th reader of `kind` (engine events number readers within their kind).
pub fn reader_index(c: &Cluster, kind: ReaderKind, i: usize) -> Option<usize> {
    c.readers().enumerate().filter(|(_, r)| r.kind() == kind).nth(i).map(|(n, _)| n)
}

fn group_member(s: MemberState) -> (&'static str, &'static str) {
    match s {
        MemberState::Processing => ("processing", "#dcfce7"),
        MemberState::Fetching => ("polling", "#e0f2fe"),
        MemberState::Idle => ("idle: no partition", "#f1f5f9"),
        MemberState::Rebalancing => ("rebalancing", "#fef3c7"),
        MemberState::Crashed => ("crashed", "#fecaca"),
    }
}

/// `g`'s lag on `tp`: the high watermark minus its committed offset (before the first commit,
/// minus where it reads from).
pub fn group_lag(c: &Cluster, g: &Group, tp: Tp) -> u64 {
    let log = &c.topics()[tp.topic as usize].partitions[tp.partition as usize].log;
    log.lag_from(g.resume_offset(tp, log.log_start_offset(), log.high_watermark()))
}

/// Every reader of the cluster as drawn, in [`Cluster::readers`] order: groups, then share
/// groups, then subscriptions.
pub fn consumer_sets(c: &Cluster) -> Vec<ConsumerSet> {
    c.readers()
        .map(|r| {
            let (note, members) = match r {
                Reader::Group(g) => group_set(c, g),
                Reader::Share(g) => share_set(g),
                Reader::Push(s) => push_set(s),
            };
            let (name, kind, lag) = (r.name().to_string(), r.kind(), c.reader_lag(r));
            ConsumerSet { name, kind, lag, note, members }
        })
        .collect()
}

fn group_set(c: &Cluster, g: &Group) -> (Option<String>, Vec<MemberView>) {
    let members = g
        .members
        .iter()
        .enumerate()
        .map(|(mi, m)| {
            let (state, colour) = group_member(g.member_state(mi));
            MemberView {
                state,
                colour,
                processed: m.processed_records,
                inbox_fill: m.inbox_records() as f64 / g.spec.max_poll_records.max(1) as f64,
                lag: Some(m.assigned.iter().map(|&tp| group_lag(c, g, tp)).sum()),
                assigned: m.assigned.clone(),
            }
        })
        .collect();
    (g.is_rebalancing().then(|| "rebalancing".to_string()), members)
}

fn share_set(g: &ShareGroup) -> (Option<String>, Vec<MemberView>) {
    let members = g
        .members
        .iter()
        .enumerate()
        .map(|(mi, m)| {
            let (state, colour) = if m.crashed {
                ("crashed", "#fecaca")
            } else if m.held.is_empty() {
                ("acquiring", "#e0f2fe")
            } else if g.expired_holds(mi) > 0 {
                ("processing past its lock", "#fed7aa")
            } else {
                ("processing", "#dcfce7")
            };
            MemberView {
                state,
                colour,
                processed: m.processed_records,
                inbox_fill: m.held.len() as f64 / g.spec.max_poll_records.max(1) as f64,
                lag: None,
                assigned: Vec::new(),
            }
        })
        .collect();
    let st = g.stats;
    let mut parts = Vec::new();
    if st.redelivered_records + st.archived_records > 0 {
        parts.push(format!(
            "{} redelivered, {} archived",
            st.redelivered_records, st.archived_records
        ));
    }
    if st.duplicate_records + st.failed_ack_records > 0 {
        parts.push(format!(
            "{} processed twice, {} acks refused",
            st.duplicate_records, st.failed_ack_records
        ));
    }
    ((!parts.is_empty()).then(|| parts.join("; ")), members)
}

fn push_set(s: &Subscription) -> (Option<String>, Vec<MemberView>) {
    let spec = &s.spec;
    let members = s
        .consumers
        .iter()
        .map(|k| {
            let fill = push_fill(spec, k);
            let (state, colour) = if k.is_down() && spec.push_model == PushModel::Rabbitmq {
                ("crashed: out of memory", "#fecaca")
            } else if k.is_down() {
                ("disconnected: missing messages", "#fecaca")
            } else if spec.push_model == PushModel::MqttQos0 && fill >= 0.999 {
                ("queue full: dropping", "#fecaca")
            } else if k.soft_since_us.is_some() {
                ("over the soft buffer limit", "#fef3c7")
            } else if spec.push_model == PushModel::Rabbitmq
                && spec.prefetch.is_none()
                && fill > 0.5
            {
                ("buffering: memory filling", "#fef3c7")
            } else if k.unacked_records() == 0 {
                ("idle: waiting for a push", "#f1f5f9")
            } else {
                ("processing", "#dcfce7")
            };
            MemberView {
                state,
                colour,
                processed: k.processed_records,
                inbox_fill: fill,
                lag: None,
                assigned: Vec::new(),
            }
        })
        .collect();
    let st = s.stats;
    let mut note = push_model_label(spec);
    let n = |v: u64| compact(v as f64);
    match spec.push_model {
        PushModel::Rabbitmq if st.consumer_crashes > 0 => note.push_str(&format!(
            ", {} crashed, {} requeued",
            n(st.consumer_crashes),
            n(st.requeued_records)
        )),
        PushModel::RedisPubsub if st.disconnects > 0 => note.push_str(&format!(
            ", {} disconnected, {} missed",
            n(st.disconnects),
            n(st.discarded_records + st.missed_records)
        )),
        PushModel::MqttQos0 if st.dropped_records > 0 => {
            note.push_str(&format!(", {} dropped", n(st.dropped_records)))
        }
        _ => {}
    }
    (Some(note), members)
}

/// How full a push consumer is, 0..=1, against what bounds it in its model: the prefetch
/// window or the client's memory (RabbitMQ), the hard output buffer limit (Redis), the queue
/// limit (MQTT).
pub fn push_fill(spec: &SubscriptionSpec, k: &brook_engine::Subscriber) -> f64 {
    let ratio = |a: u64, b: u64| a as f64 / b.max(1) as f64;
    match spec.push_model {
        PushModel::Rabbitmq => match spec.prefetch {
            Some(p) => ratio(k.unacked_records(), p as u64),
            None => ratio(k.inbox_bytes(), spec.memory_bytes_max),
        },
        PushModel::RedisPubsub => {
            let limit = match (spec.output_buffer_hard_bytes, spec.output_buffer_soft_bytes) {
                (0, 0) => {
                    return ratio(
                        k.unacked_records(),
                        brook_engine::limits::INBOX_RECORDS_MAX as u64,
                    )
                }
                (0, soft) => soft,
                (hard, _) => hard,
            };
            ratio(k.unacked_bytes(), limit)
        }
        PushModel::MqttQos0 => ratio(k.unacked_records(), spec.inbox_records_max as u64),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use brook_engine::preset;

    #[test]
    fn sets_cover_groups_share_groups_and_subscriptions_in_order() {
        let mut c = Cluster::new(preset("slow-subscriber-push-vs-pull").unwrap());
        c.run_until(8_000_000);
        let sets = consumer_sets(&c);
        assert_eq!(sets.len(), 6);
        assert_eq!(sets[0].kind, ReaderKind::Group);
        let note = |i: usize| sets[reader_index(&c, ReaderKind::Push, i).unwrap()].note.clone();
        let phone = reader_index(&c, ReaderKind::Push, 1).unwrap();
        assert_eq!(sets[phone].name, "phone-no-prefetch");
        assert_eq!(sets[phone].members.len(), 2, "two RabbitMQ consumers");
        let rabbit = note(1).unwrap();
        assert!(rabbit.starts_with("RabbitMQ-style, no prefetch") && rabbit.contains("requeued"));
        assert!(note(2).unwrap().starts_with("Redis Pub/Sub-style"));
        assert!(note(2).unwrap().contains("disconnected"));
        assert!(note(3).unwrap().starts_with("MQTT QoS 0-style"));
        assert!(note(3).unwrap().contains("dropped"));
        assert_eq!(note(4).unwrap(), "RabbitMQ-style, prefetch 200");
        assert_eq!(reader_index(&c, ReaderKind::Push, 5), None, "one group and five subscriptions");
        assert_eq!(reader_index(&c, ReaderKind::Share, 0), None);
        let c = Cluster::new(preset("share-group-queue").unwrap());
        let sets = consumer_sets(&c);
        let queue = reader_index(&c, ReaderKind::Share, 0).unwrap();
        assert_eq!(sets[queue].kind, ReaderKind::Share);
        assert_eq!(sets[queue].members.len(), 7);
    }
}
