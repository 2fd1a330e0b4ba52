//! One view over everything that reads: consumer groups (pull), share groups (queues) and push
//! subscriptions, numbered in that order. Pure: the layout, the canvas and the panels use it.

use brook_engine::{Cluster, MemberState, Reader, Tp};

/// How a set of consumers receives records.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SetKind {
    /// A consumer group: members pull their assigned partitions.
    Group,
    /// A share group: members acquire records from any partition (a queue).
    Share,
    /// A push subscription: the broker sends, one subscriber.
    Push,
}

impl SetKind {
    /// A short name for the stage.
    pub fn short(self) -> &'static str {
        match self {
            SetKind::Group => "pull",
            SetKind::Share => "queue",
            SetKind::Push => "push",
        }
    }

    /// What the panels call it.
    pub fn label(self) -> &'static str {
        match self {
            SetKind::Group => "consumer group (pull)",
            SetKind::Share => "share group (queue)",
            SetKind::Push => "push subscription",
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
    pub kind: SetKind,
    /// Lag, records.
    pub lag: u64,
    /// A short status shown beside the name ("rebalancing", "12 dropped"...).
    pub note: Option<String>,
    /// Members.
    pub members: Vec<MemberView>,
}

/// Index of share group `si` among all sets.
pub fn share_set(c: &Cluster, si: usize) -> usize {
    c.groups().len() + si
}

/// Index of subscription `si` among all sets.
pub fn push_set(c: &Cluster, si: usize) -> usize {
    c.groups().len() + c.share_groups().len() + si
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

/// High watermark of `tp` minus `committed` (or the log start, if retention passed it).
fn partition_lag(c: &Cluster, committed: u64, tp: Tp) -> u64 {
    c.topics()[tp.topic as usize].partitions[tp.partition as usize].log.lag_from(committed)
}

/// Every consumer set of the cluster, groups first, then share groups, then subscriptions.
pub fn consumer_sets(c: &Cluster) -> Vec<ConsumerSet> {
    let mut out = Vec::new();
    for g in c.groups() {
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
                    lag: Some(
                        m.assigned.iter().map(|&tp| partition_lag(c, g.committed(tp), tp)).sum(),
                    ),
                    assigned: m.assigned.clone(),
                }
            })
            .collect();
        let note = g.is_rebalancing().then(|| "rebalancing".to_string());
        out.push(ConsumerSet {
            name: g.spec.name.clone(),
            kind: SetKind::Group,
            lag: c.reader_lag(Reader::Group(g)),
            note,
            members,
        });
    }
    for g in c.share_groups() {
        let members = g
            .members
            .iter()
            .map(|m| {
                let (state, colour) = if m.crashed {
                    ("crashed", "#fecaca")
                } else if m.held.is_empty() {
                    ("acquiring", "#e0f2fe")
                } else {
                    ("processing", "#dcfce7")
                };
                MemberView {
                    state,
                    colour,
                    processed: m.accepted_records,
                    inbox_fill: m.held.len() as f64 / g.spec.max_poll_records.max(1) as f64,
                    lag: None,
                    assigned: Vec::new(),
                }
            })
            .collect();
        let st = g.stats;
        let note = (st.redelivered_records + st.archived_records > 0).then(|| {
            format!("{} redelivered, {} archived", st.redelivered_records, st.archived_records)
        });
        out.push(ConsumerSet {
            name: g.spec.name.clone(),
            kind: SetKind::Share,
            lag: c.reader_lag(Reader::Share(g)),
            note,
            members,
        });
    }
    for s in c.subscriptions() {
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
        let prefetch =
            s.spec.prefetch.map_or("no prefetch".to_string(), |p| format!("prefetch {p}"));
        let note = if s.stats.dropped_records > 0 {
            format!("{prefetch}, {} dropped", s.stats.dropped_records)
        } else {
            prefetch
        };
        out.push(ConsumerSet {
            name: s.spec.name.clone(),
            kind: SetKind::Push,
            lag: c.reader_lag(Reader::Push(s)),
            note: Some(note),
            members: vec![member],
        });
    }
    out
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
        assert_eq!(sets[0].kind, SetKind::Group);
        assert_eq!(sets[push_set(&c, 1)].name, "phone-no-prefetch");
        assert!(sets[push_set(&c, 1)].note.as_deref().unwrap().contains("dropped"));
        let c = Cluster::new(preset("share-group-queue").unwrap());
        let sets = consumer_sets(&c);
        assert_eq!(sets[share_set(&c, 0)].kind, SetKind::Share);
        assert_eq!(sets[share_set(&c, 0)].members.len(), 6);
    }
}
