//! The readers as drawn: consumer groups (pull), share groups (queues) and push subscriptions,
//! walked through the engine's `Cluster::readers()` in its order. Pure: the layout, the canvas
//! and the panels use it.

use brook_engine::{Cluster, Group, MemberState, Reader, ReaderKind, ShareGroup, Subscription, Tp};

/// A short name for a reader kind, for the stage.
pub fn kind_short(kind: ReaderKind) -> &'static str {
    match kind {
        ReaderKind::Group => "pull",
        ReaderKind::Share => "queue",
        ReaderKind::Push => "push",
    }
}

/// What the panels call a reader kind.
pub fn kind_label(kind: ReaderKind) -> &'static str {
    match kind {
        ReaderKind::Group => "consumer group (pull)",
        ReaderKind::Share => "share group (queue)",
        ReaderKind::Push => "push subscription",
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
    let fill = s.inbox_records() as f64 / s.spec.inbox_records_max.max(1) as f64;
    let (state, colour) = if s.inbox_records() == 0 {
        ("idle: waiting for a push", "#f1f5f9")
    } else if fill >= 0.999 {
        ("overflowing: dropping", "#fecaca")
    } else {
        ("processing", "#dcfce7")
    };
    let member = MemberView {
        state,
        colour,
        processed: s.stats.processed_records,
        inbox_fill: fill,
        lag: None,
        assigned: Vec::new(),
    };
    let prefetch = s.spec.prefetch.map_or("no prefetch".to_string(), |p| format!("prefetch {p}"));
    let note = if s.stats.dropped_records > 0 {
        format!("{prefetch}, {} dropped", s.stats.dropped_records)
    } else {
        prefetch
    };
    (Some(note), vec![member])
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
        assert_eq!(sets.len(), 4);
        assert_eq!(sets[0].kind, ReaderKind::Group);
        let phone = reader_index(&c, ReaderKind::Push, 1).unwrap();
        assert_eq!(sets[phone].name, "phone-no-prefetch");
        assert!(sets[phone].note.as_deref().unwrap().contains("dropped"));
        assert_eq!(
            reader_index(&c, ReaderKind::Push, 3),
            None,
            "one group and three subscriptions"
        );
        assert_eq!(reader_index(&c, ReaderKind::Share, 0), None);
        let c = Cluster::new(preset("share-group-queue").unwrap());
        let sets = consumer_sets(&c);
        let queue = reader_index(&c, ReaderKind::Share, 0).unwrap();
        assert_eq!(sets[queue].kind, ReaderKind::Share);
        assert_eq!(sets[queue].members.len(), 7);
    }
}
