//! Consumer group partition assignors with Kafka's results: range, roundrobin, sticky and
//! cooperative-sticky. Pure functions of the members' subscriptions and previous ownership.

use std::collections::BTreeMap;

use crate::vecmap::VecMap;

use serde::{Deserialize, Serialize};

mod sticky;

/// A partition of a named topic.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TopicPartition {
    /// Topic name.
    pub topic: String,
    /// Partition index.
    pub partition: u32,
}

impl std::fmt::Display for TopicPartition {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}-{}", self.topic, self.partition)
    }
}

/// One member as the assignor sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MemberSubscription {
    /// Member id.
    pub id: String,
    /// `group.instance.id` of a static member.
    pub instance: Option<String>,
    /// Topics it subscribes to.
    pub topics: Vec<String>,
    /// Partitions it owned in the previous assignment.
    pub owned: Vec<TopicPartition>,
    /// Generation of that previous assignment.
    pub generation: u32,
}

impl MemberSubscription {
    /// A member with no previous assignment.
    pub fn new(id: &str, topics: &[&str]) -> Self {
        MemberSubscription {
            id: id.into(),
            instance: None,
            topics: topics.iter().map(|t| t.to_string()).collect(),
            owned: Vec::new(),
            generation: 0,
        }
    }
}

/// The partition assignment strategy (`partition.assignment.strategy`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum AssignorKind {
    /// RangeAssignor (Kafka's first default).
    #[default]
    Range,
    /// RoundRobinAssignor.
    #[serde(rename = "roundrobin")]
    RoundRobin,
    /// StickyAssignor.
    Sticky,
    /// CooperativeStickyAssignor.
    CooperativeSticky,
}

impl AssignorKind {
    /// Kafka's name for it.
    pub fn name(self) -> &'static str {
        match self {
            AssignorKind::Range => "range",
            AssignorKind::RoundRobin => "roundrobin",
            AssignorKind::Sticky => "sticky",
            AssignorKind::CooperativeSticky => "cooperative-sticky",
        }
    }

    /// Parses Kafka's name.
    pub fn parse(s: &str) -> Option<Self> {
        [Self::Range, Self::RoundRobin, Self::Sticky, Self::CooperativeSticky]
            .into_iter()
            .find(|k| k.name() == s)
    }
}

/// Member id to its assigned partitions, each list sorted.
pub type Assignment = BTreeMap<String, Vec<TopicPartition>>;

/// The same, as the engine keeps it (a sorted `Vec`, [`VecMap`]: the same order and contents,
/// without a B-tree's code for each key type in the page's wasm).
pub(crate) type Assigned = VecMap<String, Vec<TopicPartition>>;

/// Topic name to its partition count, as the engine keeps it.
pub(crate) type Topics = VecMap<String, u32>;

/// Runs `kind` over `members` for topics of the given partition counts.
pub fn assign(
    kind: AssignorKind,
    topics: &BTreeMap<String, u32>,
    members: &[MemberSubscription],
) -> Assignment {
    let topics: Topics = topics.iter().map(|(t, &n)| (t.clone(), n)).collect();
    crate::sort::map_from(assign_sorted(kind, &topics, members))
}

/// [`assign`] on the engine's own maps (what a group's rebalance calls).
pub(crate) fn assign_sorted(
    kind: AssignorKind,
    topics: &Topics,
    members: &[MemberSubscription],
) -> Assigned {
    let mut out = match kind {
        AssignorKind::Range => range(topics, members),
        AssignorKind::RoundRobin => round_robin(topics, members),
        AssignorKind::Sticky => sticky::sticky(topics, members).0,
        AssignorKind::CooperativeSticky => sticky::cooperative_sticky(topics, members),
    };
    for list in out.values_mut() {
        crate::sort::sort(list);
    }
    out
}

fn empty(members: &[MemberSubscription]) -> Assigned {
    members.iter().map(|m| (m.id.clone(), Vec::new())).collect()
}

/// Kafka's `AbstractPartitionAssignor.MemberInfo.compareTo`: static members (with a
/// `group.instance.id`) first, by instance id, then dynamic members by member id.
fn member_info_order(a: &MemberSubscription, b: &MemberSubscription) -> std::cmp::Ordering {
    let ka = (a.instance.is_none(), a.instance.as_deref().unwrap_or(&a.id));
    let kb = (b.instance.is_none(), b.instance.as_deref().unwrap_or(&b.id));
    ka.cmp(&kb)
}

/// Range: per topic, consecutive partitions; static members (by instance id) sort first.
fn range(topics: &Topics, members: &[MemberSubscription]) -> Assigned {
    let mut out = empty(members);
    for (topic, &count) in topics {
        let mut subs: Vec<&MemberSubscription> =
            members.iter().filter(|m| m.topics.contains(topic)).collect();
        if subs.is_empty() {
            continue;
        }
        crate::sort::sort_by(&mut subs, |a, b| member_info_order(a, b));
        let per = count / subs.len() as u32;
        let extra = count % subs.len() as u32;
        let mut next = 0;
        for (i, m) in subs.iter().enumerate() {
            let n = per + u32::from((i as u32) < extra);
            let list = out.get_mut(&m.id).expect("every member has an entry");
            list.extend(
                (next..next + n).map(|p| TopicPartition { topic: topic.clone(), partition: p }),
            );
            next += n;
        }
    }
    out
}

fn all_partitions(topics: &Topics) -> Vec<TopicPartition> {
    topics
        .iter()
        .flat_map(|(t, &n)| (0..n).map(move |p| TopicPartition { topic: t.clone(), partition: p }))
        .collect()
}

/// Round robin (Kafka's `RoundRobinAssignor`): every partition of every topic, dealt in a circle
/// over members in `MemberInfo` order, skipping members not subscribed to the partition's topic.
fn round_robin(topics: &Topics, members: &[MemberSubscription]) -> Assigned {
    let mut out = empty(members);
    let mut sorted: Vec<&MemberSubscription> = members.iter().collect();
    crate::sort::sort_by(&mut sorted, |a, b| member_info_order(a, b));
    if sorted.is_empty() {
        return out;
    }
    let mut cursor = 0usize;
    for tp in all_partitions(topics) {
        // At most one full circle: a topic nobody subscribes to is skipped.
        for step in 0..sorted.len() {
            let m = sorted[(cursor + step) % sorted.len()];
            if m.topics.contains(&tp.topic) {
                out.get_mut(&m.id).expect("entry").push(tp.clone());
                cursor = (cursor + step + 1) % sorted.len();
                break;
            }
        }
    }
    out
}

#[cfg(test)]
mod eager_tests;
#[cfg(test)]
mod sticky_tests;
#[cfg(test)]
mod test_util;
#[cfg(test)]
mod tests;
