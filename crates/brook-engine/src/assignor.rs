//! Consumer group partition assignors with Kafka's results: range, roundrobin, sticky and
//! cooperative-sticky. Pure functions of the members' subscriptions and previous ownership.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

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

/// Runs `kind` over `members` for topics of the given partition counts.
pub fn assign(
    kind: AssignorKind,
    topics: &BTreeMap<String, u32>,
    members: &[MemberSubscription],
) -> Assignment {
    let mut out = match kind {
        AssignorKind::Range => range(topics, members),
        AssignorKind::RoundRobin => round_robin(topics, members),
        AssignorKind::Sticky => sticky(topics, members),
        AssignorKind::CooperativeSticky => cooperative_sticky(topics, members),
    };
    for list in out.values_mut() {
        list.sort();
    }
    out
}

fn empty(members: &[MemberSubscription]) -> Assignment {
    members.iter().map(|m| (m.id.clone(), Vec::new())).collect()
}

/// Range: per topic, consecutive partitions; static members (by instance id) sort first.
fn range(topics: &BTreeMap<String, u32>, members: &[MemberSubscription]) -> Assignment {
    let mut out = empty(members);
    for (topic, &count) in topics {
        let mut subs: Vec<&MemberSubscription> =
            members.iter().filter(|m| m.topics.contains(topic)).collect();
        if subs.is_empty() {
            continue;
        }
        subs.sort_by(|a, b| {
            let ka = (a.instance.is_none(), a.instance.as_deref().unwrap_or(&a.id));
            let kb = (b.instance.is_none(), b.instance.as_deref().unwrap_or(&b.id));
            ka.cmp(&kb)
        });
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

fn all_partitions(topics: &BTreeMap<String, u32>) -> Vec<TopicPartition> {
    topics
        .iter()
        .flat_map(|(t, &n)| (0..n).map(move |p| TopicPartition { topic: t.clone(), partition: p }))
        .collect()
}

/// Round robin: every partition of every topic, dealt in a circle over members sorted by id,
/// skipping members not subscribed to the partition's topic.
fn round_robin(topics: &BTreeMap<String, u32>, members: &[MemberSubscription]) -> Assignment {
    let mut out = empty(members);
    let mut sorted: Vec<&MemberSubscription> = members.iter().collect();
    sorted.sort_by(|a, b| a.id.cmp(&b.id));
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

/// Previous owners that still count: claimed by exactly one member of the highest generation
/// claiming it, that member still subscribed, the partition still existing.
fn valid_owners(
    topics: &BTreeMap<String, u32>,
    members: &[MemberSubscription],
) -> BTreeMap<TopicPartition, String> {
    let mut claims: BTreeMap<TopicPartition, Vec<(u32, &str)>> = BTreeMap::new();
    for m in members {
        for tp in &m.owned {
            let exists = topics.get(&tp.topic).is_some_and(|&n| tp.partition < n);
            if exists && m.topics.contains(&tp.topic) {
                claims.entry(tp.clone()).or_default().push((m.generation, &m.id));
            }
        }
    }
    let mut owners = BTreeMap::new();
    for (tp, list) in claims {
        let top = list.iter().map(|c| c.0).max().expect("non-empty claims");
        let at_top: Vec<&str> = list.iter().filter(|c| c.0 == top).map(|c| c.1).collect();
        if at_top.len() == 1 {
            owners.insert(tp, at_top[0].to_string());
        }
    }
    owners
}

/// Sticky: a balanced assignment (counts differ by at most one where subscriptions allow) that
/// keeps as many previous owners as possible.
fn sticky(topics: &BTreeMap<String, u32>, members: &[MemberSubscription]) -> Assignment {
    let mut out = empty(members);
    if members.is_empty() {
        return out;
    }
    let owners = valid_owners(topics, members);
    let subscribed: Vec<TopicPartition> = all_partitions(topics)
        .into_iter()
        .filter(|tp| members.iter().any(|m| m.topics.contains(&tp.topic)))
        .collect();
    let total = subscribed.len();
    let n = members.len();
    let min_quota = total / n;
    let mut max_slots = total % n; // members allowed min_quota + 1
                                   // Keep previous partitions up to the quota, in member order so the result is deterministic.
    let mut sorted: Vec<&MemberSubscription> = members.iter().collect();
    sorted.sort_by(|a, b| a.id.cmp(&b.id));
    let mut taken = BTreeSet::new();
    for m in &sorted {
        let mine: Vec<&TopicPartition> =
            owners.iter().filter(|(_, o)| **o == m.id).map(|(tp, _)| tp).collect();
        let mut quota = min_quota;
        if mine.len() > min_quota && max_slots > 0 {
            quota += 1;
            max_slots -= 1;
        }
        for tp in mine.into_iter().take(quota) {
            out.get_mut(&m.id).expect("entry").push(tp.clone());
            taken.insert(tp.clone());
        }
    }
    // Hand out the rest, each to the subscribed member with the fewest (ties: lowest id).
    for tp in subscribed.into_iter().filter(|tp| !taken.contains(tp)) {
        let best = sorted
            .iter()
            .filter(|m| m.topics.contains(&tp.topic))
            .min_by_key(|m| (out[&m.id].len(), m.id.clone()))
            .map(|m| m.id.clone());
        if let Some(id) = best {
            out.get_mut(&id).expect("entry").push(tp);
        }
    }
    out
}

/// Cooperative sticky: the sticky result minus every partition changing owner; those are revoked
/// this round and assigned in a follow-up rebalance.
fn cooperative_sticky(
    topics: &BTreeMap<String, u32>,
    members: &[MemberSubscription],
) -> Assignment {
    let mut out = sticky(topics, members);
    for (id, list) in out.iter_mut() {
        list.retain(|tp| !members.iter().any(|m| &m.id != id && m.owned.contains(tp)));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn topics(list: &[(&str, u32)]) -> BTreeMap<String, u32> {
        list.iter().map(|(t, n)| (t.to_string(), *n)).collect()
    }

    fn tp(s: &str) -> TopicPartition {
        let (t, p) = s.rsplit_once('-').unwrap();
        TopicPartition { topic: t.into(), partition: p.parse().unwrap() }
    }

    fn render(a: &Assignment) -> String {
        a.iter()
            .map(|(m, l)| {
                let parts: Vec<String> = l.iter().map(|t| t.to_string()).collect();
                format!("{m}:[{}]", parts.join(","))
            })
            .collect::<Vec<_>>()
            .join("; ")
    }

    #[test]
    fn range_kafka_case_mixed_subscriptions() {
        let t = topics(&[("t1", 3), ("t2", 2)]);
        let m = [
            MemberSubscription::new("c1", &["t1"]),
            MemberSubscription::new("c2", &["t1", "t2"]),
            MemberSubscription::new("c3", &["t1"]),
        ];
        assert_eq!(
            render(&assign(AssignorKind::Range, &t, &m)),
            "c1:[t1-0]; c2:[t1-1,t2-0,t2-1]; c3:[t1-2]"
        );
    }

    #[test]
    fn range_more_members_than_partitions_leaves_one_idle() {
        let t = topics(&[("t1", 1)]);
        let m = [MemberSubscription::new("c1", &["t1"]), MemberSubscription::new("c2", &["t1"])];
        assert_eq!(render(&assign(AssignorKind::Range, &t, &m)), "c1:[t1-0]; c2:[]");
    }

    #[test]
    fn range_static_members_first() {
        let t = topics(&[("t", 3)]);
        let mut b = MemberSubscription::new("b", &["t"]);
        b.instance = Some("i1".into());
        let m = [MemberSubscription::new("a", &["t"]), b];
        assert_eq!(render(&assign(AssignorKind::Range, &t, &m)), "a:[t-2]; b:[t-0,t-1]");
    }

    #[test]
    fn roundrobin_and_fresh_sticky_kafka_case() {
        let t = topics(&[("t1", 3), ("t2", 3)]);
        let m = [
            MemberSubscription::new("c1", &["t1", "t2"]),
            MemberSubscription::new("c2", &["t1", "t2"]),
        ];
        let want = "c1:[t1-0,t1-2,t2-1]; c2:[t1-1,t2-0,t2-2]";
        assert_eq!(render(&assign(AssignorKind::RoundRobin, &t, &m)), want);
        assert_eq!(render(&assign(AssignorKind::Sticky, &t, &m)), want);
    }

    #[test]
    fn sticky_keeps_owners_when_a_member_joins() {
        let t = topics(&[("t", 3)]);
        let mut c1 = MemberSubscription::new("c1", &["t"]);
        c1.owned = vec![tp("t-0"), tp("t-1"), tp("t-2")];
        c1.generation = 1;
        let m = [c1, MemberSubscription::new("c2", &["t"])];
        assert_eq!(render(&assign(AssignorKind::Sticky, &t, &m)), "c1:[t-0,t-1]; c2:[t-2]");
    }

    #[test]
    fn sticky_vs_cooperative_with_a_conflicting_claim() {
        let t = topics(&[("t", 3)]);
        let mut c1 = MemberSubscription::new("c1", &["t"]);
        c1.owned = vec![tp("t-0"), tp("t-1")];
        c1.generation = 1;
        let mut c2 = MemberSubscription::new("c2", &["t"]);
        c2.owned = vec![tp("t-0"), tp("t-2")];
        c2.generation = 1;
        let m = [c1, c2, MemberSubscription::new("c3", &["t"])];
        assert_eq!(render(&assign(AssignorKind::Sticky, &t, &m)), "c1:[t-1]; c2:[t-2]; c3:[t-0]");
        assert_eq!(
            render(&assign(AssignorKind::CooperativeSticky, &t, &m)),
            "c1:[t-1]; c2:[t-2]; c3:[]"
        );
    }

    #[test]
    fn higher_generation_claim_wins() {
        let t = topics(&[("t", 2)]);
        let mut c1 = MemberSubscription::new("c1", &["t"]);
        c1.owned = vec![tp("t-0")];
        c1.generation = 1;
        let mut c2 = MemberSubscription::new("c2", &["t"]);
        c2.owned = vec![tp("t-0")];
        c2.generation = 2;
        let m = [c1, c2];
        assert_eq!(render(&assign(AssignorKind::Sticky, &t, &m)), "c1:[t-1]; c2:[t-0]");
    }

    #[test]
    fn every_assignor_assigns_each_partition_once() {
        let t = topics(&[("a", 7), ("b", 5)]);
        let m: Vec<MemberSubscription> =
            (0..4).map(|i| MemberSubscription::new(&format!("m{i}"), &["a", "b"])).collect();
        for kind in [AssignorKind::Range, AssignorKind::RoundRobin, AssignorKind::Sticky] {
            let a = assign(kind, &t, &m);
            let mut all: Vec<&TopicPartition> = a.values().flatten().collect();
            all.sort();
            all.dedup();
            assert_eq!(all.len(), 12, "{kind:?}");
        }
    }
}
