//! The readers as drawn: consumer groups (pull), share groups (queues) and push subscriptions,
//! walked through the engine's `Cluster::readers()` in its order. Pure: the layout, the canvas
//! and the panels use it.

use brook_engine::{
    Cluster, Group, MemberState, PushModel, Reader, ReaderKind, ShareGroup, Subscription,
    SubscriptionSpec, Tp,
};

use crate::model::i18n::{Lang, Msg, Text};
use crate::model::sim::GroupStats;

/// A short name for a reader kind, for the stage.
pub fn kind_short(kind: ReaderKind) -> Msg {
    match kind {
        ReaderKind::Group => Msg::KindShortPull,
        ReaderKind::Share => Msg::KindShortQueue,
        ReaderKind::Push => Msg::KindShortPush,
    }
}

/// A member state's short form, for a box too narrow for the whole with its figures: the
/// state without why ("idle" for "idle: no partition"); None if it has none.
pub fn state_short(state: Msg) -> Option<Msg> {
    Some(match state {
        Msg::StIdleNoPartition | Msg::StIdlePush => Msg::StIdleShort,
        Msg::StPastLock => Msg::StPastLockShort,
        Msg::StOutOfMemory => Msg::StCrashed,
        Msg::StDisconnected => Msg::StDisconnectedShort,
        Msg::StQueueFull => Msg::StQueueFullShort,
        Msg::StBuffering => Msg::StBufferingShort,
        _ => return None,
    })
}

/// What the panels call a reader kind.
pub fn kind_label(kind: ReaderKind) -> Msg {
    match kind {
        ReaderKind::Group => Msg::KindGroup,
        ReaderKind::Share => Msg::KindShare,
        ReaderKind::Push => Msg::KindPush,
    }
}

/// The push system a subscription follows, in a few words ("RabbitMQ-style, no prefetch").
pub fn push_model_label(spec: &SubscriptionSpec) -> Text {
    match (spec.push_model, spec.prefetch) {
        (PushModel::Rabbitmq, Some(p)) => Text::new(Msg::PushRabbitPrefetch).arg(p),
        (PushModel::Rabbitmq, None) => Text::new(Msg::PushRabbitNoPrefetch),
        (PushModel::RedisPubsub, _) => Text::new(Msg::PushRedis),
        (PushModel::MqttQos0, _) => Text::new(Msg::PushMqtt),
    }
}

/// What that push system does to a subscriber slower than the stream.
pub fn push_model_explained(spec: &SubscriptionSpec) -> Msg {
    match (spec.push_model, spec.prefetch) {
        (PushModel::Rabbitmq, Some(_)) => Msg::PushRabbitPrefetchExplained,
        (PushModel::Rabbitmq, None) => Msg::PushRabbitNoPrefetchExplained,
        (PushModel::RedisPubsub, _) => Msg::PushRedisExplained,
        (PushModel::MqttQos0, _) => Msg::PushMqttExplained,
    }
}

/// A short status shown beside a reader's name.
#[derive(Clone, Debug, PartialEq)]
pub enum Note {
    /// A consumer group's rebalance is under way.
    Rebalancing,
    /// What happened in a share group, as a list.
    Share(Vec<Text>),
    /// A push subscription's model, then what went wrong, if anything.
    Push {
        /// The push model ("RabbitMQ-style, no prefetch").
        model: Text,
        /// Crashes, disconnections or drops.
        trouble: Option<Text>,
    },
}

impl Note {
    /// The note in words.
    pub fn text(&self, lang: Lang) -> String {
        match self {
            Note::Rebalancing => lang.t(Msg::StRebalancing).to_string(),
            Note::Share(parts) => {
                let parts: Vec<String> = parts.iter().map(|p| p.render(lang)).collect();
                parts.join(lang.list_sep())
            }
            Note::Push { model, trouble: None } => model.render(lang),
            // The stage has one line for it: the trouble once there is some (the model is in
            // the inspector, and the kind line above says "push, not Kafka").
            Note::Push { trouble: Some(t), .. } => t.render(lang),
        }
    }

    /// Fewer words for a header too narrow for [`Note::text`]: a share group's first figure
    /// alone ("3 processed twice"; the refused acknowledgements are marked on the member and
    /// counted in the inspector), a crashed push consumer's requeue without "queue"; None if
    /// the note has no shorter form.
    pub fn short_text(&self, lang: Lang) -> Option<String> {
        let shorter = |t: &Text, msg: Msg, args: usize| t.retold(msg, args).render(lang);
        let short = match self {
            Note::Share(parts) => {
                let first = parts.first()?;
                let msg = match first.msg {
                    Msg::NoteShareTwice => Msg::NoteShareTwiceShort,
                    Msg::NoteShare => Msg::NoteShareShort,
                    _ => return None,
                };
                Some(shorter(first, msg, 1))
            }
            Note::Push { trouble: Some(t), .. } if t.msg == Msg::PushCrashed => {
                Some(shorter(t, Msg::PushCrashedShort, 2))
            }
            _ => None,
        };
        // (English says "requeued" either way.)
        short.filter(|s| *s != self.text(lang))
    }
}

/// One member as drawn.
#[derive(Clone, Debug, PartialEq)]
pub struct MemberView {
    /// What it is doing, in words.
    pub state: Msg,
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
    pub note: Option<Note>,
    /// Members.
    pub members: Vec<MemberView>,
}

/// The position in [`Cluster::readers`] order (the order of [`consumer_sets`] and of the
/// stage) of the `i`th reader of `kind` (engine events number readers within their kind).
pub fn reader_index(c: &Cluster, kind: ReaderKind, i: usize) -> Option<usize> {
    c.readers().enumerate().filter(|(_, r)| r.kind() == kind).nth(i).map(|(n, _)| n)
}

impl MemberView {
    /// Whether it has nothing to do (no partition, or no push waiting).
    pub fn is_idle(&self) -> bool {
        matches!(self.state, Msg::StIdleNoPartition | Msg::StIdlePush)
    }
}

fn group_member(s: MemberState) -> (Msg, &'static str) {
    match s {
        MemberState::Processing => (Msg::StProcessing, "#dcfce7"),
        MemberState::Fetching => (Msg::StPolling, "#e0f2fe"),
        MemberState::Idle => (Msg::StIdleNoPartition, "#f1f5f9"),
        MemberState::Rebalancing => (Msg::StRebalancing, "#fef3c7"),
        MemberState::Crashed => (Msg::StCrashed, "#fecaca"),
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

fn group_set(c: &Cluster, g: &Group) -> (Option<Note>, Vec<MemberView>) {
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
    (g.is_rebalancing().then_some(Note::Rebalancing), members)
}

fn share_set(g: &ShareGroup) -> (Option<Note>, Vec<MemberView>) {
    let members = g
        .members
        .iter()
        .enumerate()
        .map(|(mi, m)| {
            let (state, colour) = if m.crashed {
                (Msg::StCrashed, "#fecaca")
            } else if m.held.is_empty() {
                (Msg::StAcquiring, "#e0f2fe")
            } else if g.expired_holds(mi) > 0 {
                (Msg::StPastLock, "#fed7aa")
            } else {
                (Msg::StProcessing, "#dcfce7")
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
    // One line under the name: double processing when there is any (the lesson of a lock
    // expiry), else redeliveries; the inspector has every figure.
    let mut parts = Vec::new();
    if st.duplicate_records + st.failed_ack_records > 0 {
        let t = Text::new(Msg::NoteShareTwice).arg(st.duplicate_records);
        parts.push(t.arg(st.failed_ack_records));
    } else if st.redelivered_records + st.archived_records > 0 {
        let t = Text::new(Msg::NoteShare).arg(st.redelivered_records);
        parts.push(t.arg(st.archived_records));
    }
    ((!parts.is_empty()).then_some(Note::Share(parts)), members)
}

fn push_set(s: &Subscription) -> (Option<Note>, Vec<MemberView>) {
    let spec = &s.spec;
    let members = s
        .consumers
        .iter()
        .map(|k| {
            let fill = push_fill(spec, k);
            let (state, colour) = if k.is_down() && spec.push_model == PushModel::Rabbitmq {
                (Msg::StOutOfMemory, "#fecaca")
            } else if k.is_down() {
                (Msg::StDisconnected, "#fecaca")
            } else if spec.push_model == PushModel::MqttQos0 && fill >= 0.999 {
                (Msg::StQueueFull, "#fecaca")
            } else if k.soft_since_us.is_some() {
                (Msg::StOverSoftLimit, "#fef3c7")
            } else if spec.push_model == PushModel::Rabbitmq
                && spec.prefetch.is_none()
                && fill > 0.5
            {
                (Msg::StBuffering, "#fef3c7")
            } else if k.unacked_records() == 0 {
                (Msg::StIdlePush, "#f1f5f9")
            } else {
                (Msg::StProcessing, "#dcfce7")
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
    let trouble = match spec.push_model {
        PushModel::Rabbitmq if st.consumer_crashes > 0 => {
            Some(Text::new(Msg::PushCrashed).count(st.consumer_crashes).count(st.requeued_records))
        }
        PushModel::RedisPubsub if st.disconnects > 0 => Some(
            Text::new(Msg::PushDisconnected)
                .count(st.disconnects)
                .count(st.discarded_records + st.missed_records),
        ),
        PushModel::MqttQos0 if st.dropped_records > 0 => {
            Some(Text::new(Msg::PushDropped).count(st.dropped_records))
        }
        _ => None,
    };
    (Some(Note::Push { model: push_model_label(spec), trouble }), members)
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

/// Why a consumer group's processed records and its lag fall short of what was produced, one
/// line for each case that applies (none when neither does): groups that will start at
/// `latest` and have not fetched yet (their lag is 0 while records are produced), and the
/// records `auto.offset.reset` skipped (never read, so counted in neither figure).
pub fn reset_notes(groups: &[GroupStats], lang: Lang) -> Vec<String> {
    let mut notes = Vec::new();
    let waiting: Vec<&str> =
        groups.iter().filter(|g| g.awaiting_latest).map(|g| g.name.as_str()).collect();
    if !waiting.is_empty() {
        notes.push(lang.f(Msg::NoteAwaitingLatest, &[&waiting.join(lang.items_sep())]));
    }
    let skipped: Vec<String> = groups
        .iter()
        .filter(|g| g.skipped_by_reset > 0)
        .map(|g| lang.f(Msg::NoteSkippedEach, &[&g.name, &g.skipped_by_reset]))
        .collect();
    if !skipped.is_empty() {
        notes.push(lang.f(Msg::NoteSkippedByReset, &[&skipped.join(lang.list_sep())]));
    }
    notes
}

#[cfg(test)]
mod tests {
    use super::*;
    use brook_engine::preset;

    #[test]
    fn the_panel_says_why_processed_and_lag_fall_short_of_what_was_produced() {
        // Kafka's `auto.offset.reset=latest` (ConsumerConfig, the default): a group with no
        // committed offset starts at the log end, so what was produced before its first fetch
        // is never read. quickstart's group starts at latest after its first rebalance.
        let mut sim = crate::model::sim::Sim::new(preset("quickstart").unwrap());
        sim.run_until_ms(300);
        let s = sim.stats();
        let g = &s.groups[0];
        assert!(s.appended > 0 && g.awaiting_latest && g.lag == 0, "{g:?}");
        let notes = reset_notes(&s.groups, Lang::En);
        assert_eq!(notes.len(), 1, "{notes:?}");
        assert!(notes[0].starts_with(&format!("No fetch yet: {}.", g.name)), "{notes:?}");
        sim.run_until_ms(5_000);
        let s = sim.stats();
        let g = &s.groups[0];
        assert!(!g.awaiting_latest && g.skipped_by_reset > 0, "{g:?}");
        let notes = reset_notes(&s.groups, Lang::ZhTw);
        assert_eq!(notes.len(), 1, "{notes:?}");
        assert!(
            notes[0].contains(&format!("{} 跳過 {} 筆", g.name, g.skipped_by_reset)),
            "{notes:?}"
        );
        // What the note names closes the gap. Lag is the high watermark minus the committed
        // offset (kafka-consumer-groups.sh); what was processed, the committed offset minus
        // where the group started, plus what was processed and not committed yet (also in
        // "read, not committed"). So the three figures add up to the high watermark, at most
        // "read, not committed" over it, and short of it by the skipped records without them.
        let hw: u64 =
            sim.cluster.topics()[0].partitions.iter().map(|p| p.log.high_watermark()).sum();
        let sum = g.consumed + g.lag + g.skipped_by_reset;
        assert!(hw <= sum && sum <= hw + g.uncommitted, "{hw} {sum} {g:?}");
        // A group that starts at earliest skips nothing: no note.
        let mut earliest = preset("quickstart").unwrap();
        earliest.groups[0].auto_offset_reset = brook_engine::OffsetReset::Earliest;
        let mut sim = crate::model::sim::Sim::new(earliest);
        sim.run_until_ms(5_000);
        assert_eq!(reset_notes(&sim.stats().groups, Lang::En), Vec::<String>::new());
    }

    #[test]
    fn a_state_that_says_why_has_a_shorter_form_in_both_languages() {
        let states = [
            Msg::StIdleNoPartition,
            Msg::StIdlePush,
            Msg::StPastLock,
            Msg::StOutOfMemory,
            Msg::StDisconnected,
            Msg::StQueueFull,
            Msg::StBuffering,
        ];
        for state in states {
            let short = state_short(state).expect("a state with a reason has a short form");
            for lang in [Lang::En, Lang::ZhTw] {
                let (long, short) = (lang.t(state), lang.t(short));
                assert!(short.chars().count() < long.chars().count(), "{long} / {short}");
            }
        }
        assert_eq!(state_short(Msg::StProcessing), None, "already short");
    }

    #[test]
    fn sets_cover_groups_share_groups_and_subscriptions_in_order() {
        let mut c = Cluster::new(preset("slow-subscriber-push-vs-pull").unwrap());
        c.run_until(8_000_000);
        let sets = consumer_sets(&c);
        assert_eq!(sets.len(), 6);
        assert_eq!(sets[0].kind, ReaderKind::Group);
        let note = |i: usize| {
            let set = &sets[reader_index(&c, ReaderKind::Push, i).unwrap()];
            set.note.as_ref().map(|n| n.text(Lang::En))
        };
        let phone = reader_index(&c, ReaderKind::Push, 1).unwrap();
        assert_eq!(sets[phone].name, "phone-no-prefetch");
        assert_eq!(sets[phone].members.len(), 2, "two RabbitMQ consumers");
        let rabbit = note(1).unwrap();
        // Once in trouble, the note is the trouble (one line on the stage).
        assert!(rabbit.contains("requeued") && !rabbit.contains("RabbitMQ-style"), "{rabbit}");
        assert!(note(2).unwrap().contains("disconnected"));
        assert!(note(3).unwrap().contains("dropped"));
        assert_eq!(note(4).unwrap(), "RabbitMQ-style, prefetch 200");
        let zh = sets[phone].note.as_ref().unwrap().text(Lang::ZhTw);
        assert!(zh.contains("當機") && zh.contains("重新排入佇列"), "{zh}");
        // A narrow header's shorter form keeps both figures.
        let short = sets[phone].note.as_ref().unwrap().short_text(Lang::ZhTw).unwrap();
        assert!(short.chars().count() < zh.chars().count(), "{short} / {zh}");
        assert_eq!(short.replace("重回佇列", "重新排入佇列"), zh);
        let en = sets[phone].note.as_ref().unwrap().short_text(Lang::En);
        assert_eq!(en, None, "English has nothing shorter");
        let model = &sets[reader_index(&c, ReaderKind::Push, 4).unwrap()];
        assert_eq!(model.note.as_ref().unwrap().short_text(Lang::En), None, "no trouble");
        assert_eq!(reader_index(&c, ReaderKind::Push, 5), None, "one group and five subscriptions");
        assert_eq!(reader_index(&c, ReaderKind::Share, 0), None);
        let c = Cluster::new(preset("share-group-queue").unwrap());
        let sets = consumer_sets(&c);
        let queue = reader_index(&c, ReaderKind::Share, 0).unwrap();
        assert_eq!(sets[queue].kind, ReaderKind::Share);
        assert_eq!(sets[queue].members.len(), 7);
        // Once a lock expired: "N processed twice, M acks refused", and in a narrow header the
        // first figure alone.
        let mut c = c;
        c.run_until(8_000_000);
        let sets = consumer_sets(&c);
        let note = sets[queue].note.as_ref().expect("a lock expired by 8 s");
        let (long, short) = (note.text(Lang::En), note.short_text(Lang::En).unwrap());
        assert!(long.starts_with(&short) && long.contains("acks refused"), "{long} / {short}");
        assert!(short.ends_with("processed twice"), "{short}");
    }
}
