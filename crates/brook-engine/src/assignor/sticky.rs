//! Sticky and cooperative-sticky assignment, following Apache Kafka 4.x
//! `org.apache.kafka.clients.consumer.internals.AbstractStickyAssignor` (without rack awareness:
//! Brook members have no `client.rack`) and `CooperativeStickyAssignor`.
//!
//! Kafka keeps members in `java.util.HashMap`s and in places its result depends on that map's
//! iteration order (which member keeps `maxQuota` owned partitions, which claim is seen first).
//! That order is a pure function of the member ids (`String.hashCode`, bucket index, table size),
//! so this port walks members in the same order ([`kafka_member_order`]): deterministic, and
//! Kafka's fixed-result tests carry over unchanged.
//!
//! Kafka's general path (members subscribing to different topics) is built only with the
//! `general-sticky` feature (on by default; the page's build leaves it out, see [`general`]).
#![cfg_attr(not(feature = "general-sticky"), allow(dead_code))]

use std::collections::VecDeque;

use super::{Assigned as Assignment, MemberSubscription, TopicPartition};
use crate::vecmap::{VecMap, VecSet};

/// A member's previous ownership after conflicting claims are settled.
struct Owned {
    /// Member id to its still-valid previously owned partitions, in the order it listed them.
    by_member: VecMap<String, Vec<TopicPartition>>,
    /// Partitions claimed by two members of the same generation: nobody keeps them.
    multiple_owners: VecSet<TopicPartition>,
    /// The highest generation any member reported.
    max_generation: u32,
    /// Whether every member subscribes to the same set of topics.
    all_equal: bool,
    /// Member ids in Kafka's iteration order.
    order: Vec<String>,
}

/// Java's `String.hashCode`.
fn java_string_hash(s: &str) -> u32 {
    s.encode_utf16().fold(0u32, |h, c| h.wrapping_mul(31).wrapping_add(u32::from(c)))
}

/// The members in the order a `java.util.HashMap` keyed by member id iterates them: by bucket
/// (`hash ^ hash >>> 16` masked to a table of at least 16 slots, doubled while more than 3/4
/// full), members sharing a bucket by id.
fn kafka_member_order(members: &[MemberSubscription]) -> Vec<&MemberSubscription> {
    let mut table = 16usize;
    while members.len() * 4 > table * 3 {
        table *= 2;
    }
    let bucket = |id: &str| {
        let h = java_string_hash(id);
        (h ^ (h >> 16)) as usize & (table - 1)
    };
    let mut out: Vec<&MemberSubscription> = members.iter().collect();
    crate::sort::sort_by(&mut out, |a, b| (bucket(&a.id), &a.id).cmp(&(bucket(&b.id), &b.id)));
    out
}

fn topic_set(m: &MemberSubscription) -> VecSet<&str> {
    m.topics.iter().map(String::as_str).collect()
}

/// `AbstractStickyAssignor.allSubscriptionsEqual`: whether subscriptions are identical, and each
/// member's previously owned partitions of existing topics, a partition claimed by members of
/// different generations going to the newest, one claimed twice in one generation to nobody.
fn owned_partitions(topics: &VecMap<String, u32>, members: &[&MemberSubscription]) -> Owned {
    let mut by_member: VecMap<String, Vec<TopicPartition>> = VecMap::new();
    let mut multiple_owners = VecSet::new();
    let mut previous_owner: VecMap<TopicPartition, &MemberSubscription> = VecMap::new();
    let mut max_generation = 0;
    let first = members.first().map(|m| topic_set(m));
    let all_equal = members.iter().all(|m| Some(topic_set(m)) == first);
    for m in members {
        max_generation = max_generation.max(m.generation);
        by_member.insert(m.id.clone(), Vec::new());
        for tp in &m.owned {
            // Kafka checks the topic exists; Brook also drops partitions past the topic's count.
            if topics.get(&tp.topic).is_none_or(|&n| tp.partition >= n) {
                continue;
            }
            match previous_owner.get(tp).copied() {
                None => {
                    by_member.get_mut(&m.id).expect("entry").push(tp.clone());
                    previous_owner.insert(tp.clone(), m);
                }
                Some(other) if other.generation == m.generation => {
                    multiple_owners.insert(tp.clone());
                    by_member.get_mut(&other.id).expect("entry").retain(|p| p != tp);
                    previous_owner.insert(tp.clone(), m);
                }
                Some(other) if m.generation > other.generation => {
                    by_member.get_mut(&m.id).expect("entry").push(tp.clone());
                    by_member.get_mut(&other.id).expect("entry").retain(|p| p != tp);
                    previous_owner.insert(tp.clone(), m);
                }
                Some(_) => {}
            }
        }
    }
    let order = members.iter().map(|m| m.id.clone()).collect();
    Owned { by_member, multiple_owners, max_generation, all_equal, order }
}

/// Kafka's assignors see only topics someone subscribes to (`AbstractPartitionAssignor.assign`).
fn subscribed_topics(
    topics: &VecMap<String, u32>,
    members: &[MemberSubscription],
) -> VecMap<String, u32> {
    topics
        .iter()
        .filter(|(t, _)| members.iter().any(|m| m.topics.contains(t)))
        .map(|(t, &n)| (t.clone(), n))
        .collect()
}

/// The sticky result, and for the constrained path the partitions changing owner (Kafka's
/// `partitionsTransferringOwnership`; `None` for the general path, as in Kafka).
pub(super) fn sticky(
    topics: &VecMap<String, u32>,
    members: &[MemberSubscription],
) -> (Assignment, Option<VecMap<TopicPartition, String>>) {
    let topics = subscribed_topics(topics, members);
    let members = kafka_member_order(members);
    if members.is_empty() {
        return (Assignment::new(), Some(VecMap::new()));
    }
    let owned = owned_partitions(&topics, &members);
    if owned.all_equal {
        let (assignment, transferring) = constrained(&topics, owned);
        (assignment, Some(transferring))
    } else {
        general(&topics, &members, owned)
    }
}

/// Kafka's general path: some members subscribe to topics others do not. A Brook group
/// subscribes every member to the group's topics, so only [`crate::assign`] called with such
/// members (`brook assign`, the tests) comes here; the page is built without it, for size
/// (41 KB of wasm; BENCHMARKS.md, "Bundle").
#[cfg(feature = "general-sticky")]
fn general(
    topics: &VecMap<String, u32>,
    members: &[&MemberSubscription],
    owned: Owned,
) -> (Assignment, Option<VecMap<TopicPartition, String>>) {
    (General::new(topics, members, owned).build().0, None)
}

#[cfg(not(feature = "general-sticky"))]
fn general(
    _: &VecMap<String, u32>,
    _: &[&MemberSubscription],
    _: Owned,
) -> (Assignment, Option<VecMap<TopicPartition, String>>) {
    unreachable!("a Brook group's members subscribe to the same topics (general-sticky is off)")
}

/// `AbstractStickyAssignor.isSticky` after assigning `members`: no partition of a topic moved
/// from one member to another while another partition of that topic moved back (Kafka's
/// `PartitionMovements.hasCycles` counts only such two-member cycles). Kafka tracks movements on
/// the general path only; the constrained path counts as sticky.
#[cfg(test)]
pub(super) fn is_sticky(topics: &VecMap<String, u32>, members: &[MemberSubscription]) -> bool {
    let topics = subscribed_topics(topics, members);
    let members = kafka_member_order(members);
    if members.is_empty() {
        return true;
    }
    let owned = owned_partitions(&topics, &members);
    if owned.all_equal {
        return true;
    }
    let (_, movements) = General::new(&topics, &members, owned).build();
    let no_cycle = movements.by_topic.values().all(|pairs| {
        pairs.keys().all(|(src, dst)| !pairs.contains_key(&(dst.clone(), src.clone())))
    });
    no_cycle
}

/// `CooperativeStickyAssignor.assignPartitions`: the sticky result without the partitions that
/// change owner; their owner revokes them first and a follow-up rebalance hands them out.
pub(super) fn cooperative_sticky(
    topics: &VecMap<String, u32>,
    members: &[MemberSubscription],
) -> Assignment {
    let (mut assignment, transferring) = sticky(topics, members);
    let transferring = transferring.unwrap_or_else(|| transferring_ownership(members, &assignment));
    for (tp, member) in transferring {
        if let Some(list) = assignment.get_mut(&member) {
            list.retain(|p| *p != tp);
        }
    }
    assignment
}

/// `CooperativeStickyAssignor.computePartitionsTransferringOwnership`: partitions newly assigned
/// to one member that another member owned and loses.
fn transferring_ownership(
    members: &[MemberSubscription],
    assignment: &Assignment,
) -> VecMap<TopicPartition, String> {
    let mut added: VecMap<TopicPartition, String> = VecMap::new();
    let mut revoked: VecSet<TopicPartition> = VecSet::new();
    for m in members {
        let list = assignment.get(&m.id).map(Vec::as_slice).unwrap_or(&[]);
        for tp in list {
            if !m.owned.contains(tp) {
                added.insert(tp.clone(), m.id.clone());
            }
        }
        for tp in &m.owned {
            if !list.contains(tp) {
                revoked.insert(tp.clone());
            }
        }
    }
    added.retain(|tp, _| revoked.contains(tp));
    added
}

fn all_partitions_of<'a>(
    topics: &'a VecMap<String, u32>,
    order: impl IntoIterator<Item = &'a String>,
) -> Vec<TopicPartition> {
    order
        .into_iter()
        .flat_map(|t| {
            (0..topics[t]).map(move |p| TopicPartition { topic: t.clone(), partition: p })
        })
        .collect()
}

/// `AbstractStickyAssignor.ConstrainedAssignmentBuilder` (all subscriptions equal): keep owned
/// partitions up to the quota, then deal the rest round robin to members below it.
fn constrained(
    topics: &VecMap<String, u32>,
    owned: Owned,
) -> (Assignment, VecMap<TopicPartition, String>) {
    let total: usize = topics.values().map(|&n| n as usize).sum();
    let n = owned.by_member.len();
    let min_quota = total / n;
    let max_quota = total.div_ceil(n);
    let expected_over_min = total % n;
    let mut current_over_min = 0;
    let mut assignment: Assignment = Assignment::new();
    let mut assigned: VecSet<TopicPartition> = VecSet::new();
    let mut revoked: VecSet<TopicPartition> = VecSet::new();
    let mut under_min: Vec<String> = Vec::new();
    let mut exactly_min: VecDeque<String> = VecDeque::new();

    // assignOwnedPartitions, in Kafka's member order.
    for member in &owned.order {
        let list = &owned.by_member[member];
        let mut mine: Vec<TopicPartition> =
            list.iter().filter(|tp| !owned.multiple_owners.contains(tp)).cloned().collect();
        crate::sort::sort_by(&mut mine, |a, b| {
            (a.partition, &a.topic).cmp(&(b.partition, &b.topic))
        });
        let keep = if mine.len() < min_quota {
            under_min.push(member.clone());
            mine.len()
        } else if mine.len() >= max_quota && current_over_min < expected_over_min {
            current_over_min += 1;
            if current_over_min == expected_over_min {
                exactly_min.clear();
            }
            max_quota
        } else {
            if current_over_min < expected_over_min {
                exactly_min.push_back(member.clone());
            }
            min_quota
        };
        revoked.extend(mine.drain(keep..));
        assigned.extend(mine.iter().cloned());
        assignment.insert(member.clone(), mine);
    }

    let unassigned: Vec<TopicPartition> = all_partitions_of(topics, topics.keys())
        .into_iter()
        .filter(|tp| !assigned.contains(tp))
        .collect();
    crate::sort::sort(&mut under_min);
    crate::sort::sort(exactly_min.make_contiguous());

    // assignRoundRobin: a cursor over the members below minQuota, wrapping around; once none is
    // left, members at exactly minQuota take one more each, in order.
    let mut transferring = VecMap::new();
    let mut cursor = 0;
    for tp in unassigned {
        let member = if cursor < under_min.len() {
            cursor += 1;
            under_min[cursor - 1].clone()
        } else if under_min.is_empty() {
            exactly_min.pop_front().expect("Kafka's quotas leave a member for every partition")
        } else {
            cursor = 1;
            under_min[0].clone()
        };
        if revoked.contains(&tp) || owned.multiple_owners.contains(&tp) {
            transferring.insert(tp.clone(), member.clone());
        }
        let list = assignment.get_mut(&member).expect("entry");
        list.push(tp);
        let count = list.len();
        if count == min_quota {
            cursor -= 1;
            under_min.remove(cursor);
            exactly_min.push_back(member);
        } else if count == max_quota {
            current_over_min += 1;
        }
    }
    // verifyUnfilledMembers: whoever is left below the quota got exactly minQuota.
    debug_assert!(
        under_min.is_empty()
            || (current_over_min == expected_over_min
                && under_min.iter().all(|m| assignment[m].len() == min_quota))
    );
    (assignment, transferring)
}

/// `AbstractStickyAssignor.PartitionMovements`: the moves made while balancing, used to move a
/// partition back rather than swap two partitions of a topic between the same pair of members.
#[derive(Default)]
struct Movements {
    by_partition: VecMap<TopicPartition, (String, String)>,
    by_topic: VecMap<String, VecMap<(String, String), VecSet<TopicPartition>>>,
}

impl Movements {
    fn remove(&mut self, tp: &TopicPartition) -> (String, String) {
        let pair = self.by_partition.remove(tp).expect("recorded move");
        let topic = self.by_topic.get_mut(&tp.topic).expect("recorded topic");
        let set = topic.get_mut(&pair).expect("recorded pair");
        set.remove(tp);
        if set.is_empty() {
            topic.remove(&pair);
        }
        if topic.is_empty() {
            self.by_topic.remove(&tp.topic);
        }
        pair
    }

    fn add(&mut self, tp: &TopicPartition, pair: (String, String)) {
        self.by_partition.insert(tp.clone(), pair.clone());
        self.by_topic
            .entry(tp.topic.clone())
            .or_default()
            .entry(pair)
            .or_default()
            .insert(tp.clone());
    }

    fn record(&mut self, tp: &TopicPartition, old: &str, new: &str) {
        if self.by_partition.contains_key(tp) {
            let (src, _) = self.remove(tp);
            if src != new {
                self.add(tp, (src, new.to_string()));
            }
        } else {
            self.add(tp, (old.to_string(), new.to_string()));
        }
    }

    /// `getTheActualPartitionToBeMoved` (Kafka takes a `HashSet`'s first element; Brook the least).
    fn actual(&self, tp: &TopicPartition, old: &str, new: &str) -> TopicPartition {
        let Some(topic) = self.by_topic.get(&tp.topic) else {
            return tp.clone();
        };
        let old = self.by_partition.get(tp).map_or(old, |(src, _)| src.as_str());
        match topic.get(&(new.to_string(), old.to_string())) {
            Some(set) => set.iter().next().expect("non-empty").clone(),
            None => tp.clone(),
        }
    }
}

/// `AbstractStickyAssignor.GeneralAssignmentBuilder` (subscriptions differ): keep valid owned
/// partitions, give each unassigned partition to the least loaded subscribed member, then move
/// partitions while that improves balance, reverting if the balance score does not improve.
struct General<'a> {
    topics: &'a VecMap<String, u32>,
    /// Topic to the members subscribed to it (by id).
    topic_members: VecMap<String, Vec<String>>,
    /// Member to the existing topics it subscribes to.
    member_topics: VecMap<String, VecSet<String>>,
    /// The members still taking part, with their partitions.
    current: VecMap<String, Vec<TopicPartition>>,
    owner: VecMap<TopicPartition, String>,
    /// Partition to its owner in an older generation (Kafka's `prevAssignment`).
    previous: VecMap<TopicPartition, (String, u32)>,
    movements: Movements,
    revocation_required: bool,
}

impl<'a> General<'a> {
    fn new(topics: &'a VecMap<String, u32>, members: &[&MemberSubscription], owned: Owned) -> Self {
        let mut topic_members: VecMap<String, Vec<String>> =
            topics.keys().map(|t| (t.clone(), Vec::new())).collect();
        let mut member_topics = VecMap::new();
        for m in members {
            let mine: VecSet<String> =
                m.topics.iter().filter(|t| topics.contains_key(*t)).cloned().collect();
            for t in &mine {
                topic_members.get_mut(t).expect("known topic").push(m.id.clone());
            }
            member_topics.insert(m.id.clone(), mine);
        }
        // prepopulateCurrentAssignments: owners from older generations, the newest one winning.
        let mut previous: VecMap<TopicPartition, (String, u32)> = VecMap::new();
        for m in members.iter().filter(|m| m.generation < owned.max_generation) {
            for tp in &m.owned {
                let newer = previous.get(tp).is_none_or(|(_, g)| m.generation > *g);
                if newer {
                    previous.insert(tp.clone(), (m.id.clone(), m.generation));
                }
            }
        }
        General {
            topics,
            topic_members,
            member_topics,
            current: owned.by_member,
            owner: VecMap::new(),
            previous,
            movements: Movements::default(),
            revocation_required: false,
        }
    }

    fn size(&self, member: &str) -> usize {
        self.current[member].len()
    }

    /// The first member of Kafka's `sortedCurrentSubscriptions` (fewest partitions, then id)
    /// subscribed to `topic`.
    fn least_loaded(&self, topic: &str) -> Option<String> {
        self.current
            .iter()
            .filter(|(m, _)| self.member_topics[*m].contains(topic))
            .min_by(|a, b| (a.1.len(), a.0).cmp(&(b.1.len(), b.0)))
            .map(|(m, _)| m.clone())
    }

    fn max_assignment_size(&self, member: &str) -> usize {
        self.member_topics[member].iter().map(|t| self.topics[t] as usize).sum()
    }

    fn build(mut self) -> (Assignment, Movements) {
        // Topics with fewer potential members first, then by name; partitions in order.
        let mut order: Vec<&String> = self.topics.keys().collect();
        crate::sort::sort_by_key(&mut order, |t| (self.topic_members[*t].len(), *t));
        let mut all = all_partitions_of(self.topics, order);

        // assignOwnedPartitions: drop owned partitions of topics no longer subscribed.
        let mut assigned = VecSet::new();
        for (member, list) in self.current.iter_mut() {
            let subscribed = &self.member_topics[member];
            let before = list.len();
            list.retain(|tp| subscribed.contains(&tp.topic));
            if list.len() != before {
                self.revocation_required = true;
            }
            for tp in list.iter() {
                self.owner.insert(tp.clone(), member.clone());
                assigned.insert(tp.clone());
            }
        }
        let mut unassigned: Vec<TopicPartition> =
            all.iter().filter(|tp| !assigned.contains(tp)).cloned().collect();

        // balance
        let initializing = self.current.values().all(Vec::is_empty);
        for tp in &unassigned {
            if let Some(member) = self.least_loaded(&tp.topic) {
                self.current.get_mut(&member).expect("entry").push(tp.clone());
                self.owner.insert(tp.clone(), member);
            }
        }
        let movable = |tp: &TopicPartition| self.topic_members[&tp.topic].len() >= 2;
        all.retain(movable);
        unassigned.retain(movable);
        let fixed_members: Vec<String> = self
            .member_topics
            .keys()
            .filter(|m| !self.can_member_participate(m))
            .cloned()
            .collect();
        let mut fixed = VecMap::new();
        for m in fixed_members {
            let list = self.current.remove(&m).expect("entry");
            fixed.insert(m, list);
        }
        let before = self.current.clone();
        let before_owner = self.owner.clone();
        if !self.revocation_required {
            self.perform_reassignments(&unassigned);
        }
        let moved = self.perform_reassignments(&all);
        if !initializing && moved && balance_score(&self.current) >= balance_score(&before) {
            self.current = before;
            self.owner = before_owner;
        }
        self.current.extend(fixed);
        (self.current, self.movements)
    }

    fn can_member_participate(&self, member: &str) -> bool {
        let list = &self.current[member];
        list.len() < self.max_assignment_size(member)
            || list.iter().any(|tp| self.topic_members[&tp.topic].len() >= 2)
    }

    /// `isBalanced`: sizes differ by at most one, or no partition a member could take would move
    /// from a member with two or more partitions more.
    fn is_balanced(&self) -> bool {
        let min = self.current.values().map(Vec::len).min().unwrap_or(0);
        let max = self.current.values().map(Vec::len).max().unwrap_or(0);
        if min + 1 >= max {
            return true;
        }
        for (member, list) in &self.current {
            if list.len() == self.max_assignment_size(member) {
                continue;
            }
            for topic in &self.member_topics[member] {
                for p in 0..self.topics[topic] {
                    let tp = TopicPartition { topic: topic.clone(), partition: p };
                    if list.contains(&tp) {
                        continue;
                    }
                    let other = self.owner.get(&tp).and_then(|o| self.current.get(o));
                    if other.is_some_and(|o| list.len() + 1 < o.len()) {
                        return false;
                    }
                }
            }
        }
        true
    }

    /// `performReassignments`: passes over `partitions` moving any whose owner has two or more
    /// partitions more than another candidate (or than its older-generation owner), until a pass
    /// moves nothing or the assignment is balanced.
    fn perform_reassignments(&mut self, partitions: &[TopicPartition]) -> bool {
        let mut performed = false;
        loop {
            let mut modified = false;
            for tp in partitions {
                if self.is_balanced() {
                    break;
                }
                let Some(owner) = self.owner.get(tp).cloned() else { continue };
                let owner_size = self.size(&owner);
                // Kafka does not check the older owner still takes part and subscribes; Brook does.
                let back = self.previous.get(tp).map(|(m, _)| m.clone()).filter(|m| {
                    self.current.contains_key(m) && self.member_topics[m].contains(&tp.topic)
                });
                if let Some(prev) = back {
                    if owner_size > self.size(&prev) + 1 {
                        self.reassign_to(tp, &prev);
                        performed = true;
                        modified = true;
                        continue;
                    }
                }
                let better = self.topic_members[&tp.topic]
                    .iter()
                    .any(|m| self.current.get(m).is_some_and(|l| owner_size > l.len() + 1));
                if better {
                    let to = self.least_loaded(&tp.topic).expect("a subscribed member");
                    self.reassign_to(tp, &to);
                    performed = true;
                    modified = true;
                }
            }
            if !modified {
                return performed;
            }
        }
    }

    fn reassign_to(&mut self, tp: &TopicPartition, to: &str) {
        let from = self.owner[tp].clone();
        let tp = self.movements.actual(tp, &from, to);
        let from = self.owner[&tp].clone();
        self.movements.record(&tp, &from, to);
        self.current.get_mut(&from).expect("entry").retain(|p| *p != tp);
        self.current.get_mut(to).expect("entry").push(tp.clone());
        self.owner.insert(tp, to.to_string());
    }
}

/// `getBalanceScore`: the sum of size differences over all pairs of members.
fn balance_score(assignment: &VecMap<String, Vec<TopicPartition>>) -> usize {
    let sizes: Vec<usize> = assignment.values().map(Vec::len).collect();
    let mut score = 0;
    for (i, a) in sizes.iter().enumerate() {
        for b in &sizes[i + 1..] {
            score += a.abs_diff(*b);
        }
    }
    score
}
