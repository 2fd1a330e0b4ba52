//! Ports of Apache Kafka's `AbstractStickyAssignorTest`, `StickyAssignorTest` and
//! `CooperativeStickyAssignorTest` (clients/src/test/java/org/apache/kafka/clients/consumer/...),
//! under Kafka's test names in snake case. Rack-aware cases are ported for their configurations
//! without racks (Brook members have no `client.rack`).
//!
//! Kafka's generations map to Brook's `u32`: `DEFAULT_GENERATION` (-1) is 0, others keep their
//! value. Kafka runs each abstract test for both sticky assignors; here [`check`] runs both: the
//! eager result and `partitionsTransferringOwnership` come from the shared core, and the
//! cooperative result must be that minus the partitions transferring ownership.

use std::collections::{BTreeMap, BTreeSet};

use super::test_util::{render, topics, tp};
use super::*;
use crate::rng::Rng;

type Transfers = BTreeMap<TopicPartition, String>;

fn engine_topics(t: &BTreeMap<String, u32>) -> Topics {
    t.iter().map(|(k, &n)| (k.clone(), n)).collect()
}

/// The sticky core, its maps read back as the public `BTreeMap`s.
fn sticky(
    t: &BTreeMap<String, u32>,
    members: &[MemberSubscription],
) -> (Assignment, Option<Transfers>) {
    let (a, tr) = super::sticky::sticky(&engine_topics(t), members);
    (a.into_iter().collect(), tr.map(|tr| tr.into_iter().collect()))
}

fn is_sticky(t: &BTreeMap<String, u32>, members: &[MemberSubscription]) -> bool {
    super::sticky::is_sticky(&engine_topics(t), members)
}

const GENERATION_ID: u32 = 1;
const DEFAULT_GENERATION: u32 = 0;

fn parts(list: &[&str]) -> Vec<TopicPartition> {
    let mut out: Vec<TopicPartition> = list.iter().map(|s| tp(s)).collect();
    out.sort();
    out
}

/// A member subscribing to `topics` that owned `owned` in `generation`.
fn member(id: &str, topics: &[&str], owned: &[&str], generation: u32) -> MemberSubscription {
    MemberSubscription {
        id: id.into(),
        instance: None,
        topics: topics.iter().map(|t| t.to_string()).collect(),
        owned: owned.iter().map(|s| tp(s)).collect(),
        generation,
    }
}

fn transfers(list: &[(&str, &str)]) -> Option<Transfers> {
    Some(list.iter().map(|(p, m)| (tp(p), m.to_string())).collect())
}

/// The members of the next generation, each owning what `a` gave it.
fn next_round(members: &[MemberSubscription], a: &Assignment) -> Vec<MemberSubscription> {
    members
        .iter()
        .map(|m| MemberSubscription {
            owned: a[&m.id].clone(),
            generation: GENERATION_ID,
            ..m.clone()
        })
        .collect()
}

fn without(members: &[MemberSubscription], id: &str) -> Vec<MemberSubscription> {
    members.iter().filter(|m| m.id != id).cloned().collect()
}

/// `isFullyBalanced`: member sizes differ by at most one.
fn is_fully_balanced(a: &Assignment) -> bool {
    let min = a.values().map(Vec::len).min().unwrap_or(0);
    let max = a.values().map(Vec::len).max().unwrap_or(0);
    max - min <= 1
}

/// `AbstractStickyAssignorTest.verifyValidityAndBalance`: members only get partitions of topics
/// they subscribe to, no partition twice, and two members whose sizes differ by two or more share
/// no topic.
fn verify_validity_and_balance(members: &[MemberSubscription], a: &Assignment) {
    assert_eq!(members.len(), a.len());
    let ids: Vec<&String> = a.keys().collect();
    for (i, id) in ids.iter().enumerate() {
        let m = members.iter().find(|m| &&m.id == id).expect("member");
        let mine = &a[*id];
        for p in mine {
            assert!(m.topics.contains(&p.topic), "{p} assigned to unsubscribed {id}: {a:?}");
        }
        for other in &ids[i + 1..] {
            let theirs = &a[*other];
            assert!(mine.iter().all(|p| !theirs.contains(p)), "{id} and {other} share: {a:?}");
            if mine.len().abs_diff(theirs.len()) <= 1 {
                continue;
            }
            let my_topics: BTreeSet<&String> = mine.iter().map(|p| &p.topic).collect();
            assert!(
                theirs.iter().all(|p| !my_topics.contains(&p.topic)),
                "{id} and {other} could balance: {a:?}"
            );
        }
    }
}

/// `CooperativeStickyAssignorTest.verifyValidityAndBalance`: no partition is assigned in the
/// round its owner revokes it; follow-up rebalances run while anything is revoked (at most four),
/// then the final assignment must be valid and balanced.
fn verify_cooperative(
    t: &BTreeMap<String, u32>,
    members: &[MemberSubscription],
    a: &Assignment,
) -> Assignment {
    let mut members = members.to_vec();
    let mut a = a.clone();
    let mut rebalances = 0;
    loop {
        let mut added = BTreeSet::new();
        let mut revoked = BTreeSet::new();
        for m in &members {
            added.extend(a[&m.id].iter().filter(|p| !m.owned.contains(p)).cloned());
            revoked.extend(m.owned.iter().filter(|p| !a[&m.id].contains(p)).cloned());
        }
        assert!(added.is_disjoint(&revoked), "assigned while revoked: {a:?}");
        if revoked.is_empty() {
            break;
        }
        members = next_round(&members, &a);
        a = assign(AssignorKind::CooperativeSticky, t, &members);
        rebalances += 1;
        assert!(rebalances <= 4);
    }
    verify_validity_and_balance(&members, &a);
    a
}

/// Runs the sticky core over `members` for both assignors: returns the eager result (lists
/// sorted) and Kafka's `partitionsTransferringOwnership`; checks the eager result's validity and
/// balance, that cooperative-sticky returns it minus the transfers, and the cooperative rounds.
/// Kafka asserts its fixed results after the cooperative override of `verifyValidityAndBalance`
/// has run the follow-up rebalances, so the cooperative rounds must settle on the eager result.
fn check(
    t: &BTreeMap<String, u32>,
    members: &[MemberSubscription],
) -> (Assignment, Option<Transfers>) {
    check_rounds(t, members, true)
}

/// [`check`] for Kafka's randomized property tests, where the two may settle differently.
fn check_property(
    t: &BTreeMap<String, u32>,
    members: &[MemberSubscription],
) -> (Assignment, Option<Transfers>) {
    check_rounds(t, members, false)
}

fn check_rounds(
    t: &BTreeMap<String, u32>,
    members: &[MemberSubscription],
    settle_on_eager: bool,
) -> (Assignment, Option<Transfers>) {
    let (mut a, tr) = sticky(t, members);
    for list in a.values_mut() {
        list.sort();
    }
    assert_eq!(a, assign(AssignorKind::Sticky, t, members));
    verify_validity_and_balance(members, &a);
    let coop = assign(AssignorKind::CooperativeSticky, t, members);
    if let Some(tr) = &tr {
        let mut want = a.clone();
        for (p, m) in tr {
            want.get_mut(m).unwrap().retain(|x| x != p);
        }
        assert_eq!(coop, want);
    }
    let settled = verify_cooperative(t, members, &coop);
    if settle_on_eager {
        assert_eq!(settled, a, "cooperative rounds settle elsewhere");
    }
    (a, tr)
}

/// Kafka's `getCanonicalName`: a prefix and `i` zero-padded to the digits of `max`.
fn name(prefix: &str, i: usize, max: usize) -> String {
    format!("{prefix}{i:0width$}", width = max.to_string().len())
}

#[test]
fn test_one_consumer_no_topic() {
    let m = [member("consumer", &[], &[], DEFAULT_GENERATION)];
    let (a, tr) = check(&topics(&[]), &m);
    assert_eq!(render(&a), "consumer:[]");
    assert_eq!(tr, transfers(&[]));
    assert!(is_fully_balanced(&a));
}

#[test]
fn test_one_consumer_nonexistent_topic() {
    let m = [member("consumer", &["topic"], &[], DEFAULT_GENERATION)];
    let (a, tr) = check(&topics(&[("topic", 0)]), &m);
    assert_eq!(render(&a), "consumer:[]");
    assert_eq!(tr, transfers(&[]));
}

#[test]
fn test_one_consumer_one_topic() {
    let m = [member("consumer", &["topic"], &[], DEFAULT_GENERATION)];
    let (a, tr) = check(&topics(&[("topic", 3)]), &m);
    assert_eq!(a["consumer"], parts(&["topic-0", "topic-1", "topic-2"]));
    assert_eq!(tr, transfers(&[]));
}

#[test]
fn test_only_assigns_partitions_from_subscribed_topics() {
    let owned = ["topic-0", "topic-1", "other-0", "other-1"];
    let m = [member("consumer", &["topic"], &owned, GENERATION_ID)];
    let (a, tr) = check(&topics(&[("topic", 2)]), &m);
    assert_eq!(a["consumer"], parts(&["topic-0", "topic-1"]));
    assert_eq!(tr, transfers(&[]));
}

#[test]
fn test_one_consumer_multiple_topics() {
    let m = [member("consumer", &["topic1", "topic2"], &[], DEFAULT_GENERATION)];
    let (a, tr) = check(&topics(&[("topic1", 1), ("topic2", 2)]), &m);
    assert_eq!(a["consumer"], parts(&["topic1-0", "topic2-0", "topic2-1"]));
    assert_eq!(tr, transfers(&[]));
}

#[test]
fn test_two_consumers_one_topic_one_partition() {
    let m = [
        member("consumer1", &["topic"], &[], DEFAULT_GENERATION),
        member("consumer2", &["topic"], &[], DEFAULT_GENERATION),
    ];
    let (a, tr) = check(&topics(&[("topic", 1)]), &m);
    assert_eq!(tr, transfers(&[]));
    assert!(is_fully_balanced(&a));
}

#[test]
fn test_two_consumers_one_topic_two_partitions() {
    let m = [
        member("consumer1", &["topic"], &[], DEFAULT_GENERATION),
        member("consumer2", &["topic"], &[], DEFAULT_GENERATION),
    ];
    let (a, tr) = check(&topics(&[("topic", 2)]), &m);
    assert_eq!(render(&a), "consumer1:[topic-0]; consumer2:[topic-1]");
    assert_eq!(tr, transfers(&[]));
}

#[test]
fn test_multiple_consumers_mixed_topic_subscriptions() {
    let m = [
        member("consumer1", &["topic1"], &[], DEFAULT_GENERATION),
        member("consumer2", &["topic1", "topic2"], &[], DEFAULT_GENERATION),
        member("consumer3", &["topic1"], &[], DEFAULT_GENERATION),
    ];
    let (a, tr) = check(&topics(&[("topic1", 3), ("topic2", 2)]), &m);
    assert_eq!(
        render(&a),
        "consumer1:[topic1-0,topic1-2]; consumer2:[topic2-0,topic2-1]; consumer3:[topic1-1]"
    );
    assert_eq!(tr, None);
    assert!(is_fully_balanced(&a));
}

#[test]
fn test_two_consumers_two_topics_six_partitions() {
    let m = [
        member("consumer1", &["topic1", "topic2"], &[], DEFAULT_GENERATION),
        member("consumer2", &["topic1", "topic2"], &[], DEFAULT_GENERATION),
    ];
    let (a, tr) = check(&topics(&[("topic1", 3), ("topic2", 3)]), &m);
    assert_eq!(
        render(&a),
        "consumer1:[topic1-0,topic1-2,topic2-1]; consumer2:[topic1-1,topic2-0,topic2-2]"
    );
    assert_eq!(tr, transfers(&[]));
}

#[test]
fn test_consumer_owning_min_quota_expected_max_quota() {
    let both = ["topic1", "topic2"];
    let m = [
        member("consumer1", &both, &["topic1-0", "topic2-1"], GENERATION_ID),
        member("consumer2", &both, &["topic1-1", "topic2-2"], GENERATION_ID),
    ];
    let (a, tr) = check(&topics(&[("topic1", 2), ("topic2", 3)]), &m);
    assert_eq!(a["consumer1"], parts(&["topic1-0", "topic2-1", "topic2-0"]));
    assert_eq!(a["consumer2"], parts(&["topic1-1", "topic2-2"]));
    assert_eq!(tr, transfers(&[]));
}

#[test]
fn test_max_quota_consumer_more_than_num_expected_max_capacity_members() {
    let both = ["topic1", "topic2"];
    let m = [
        member("consumer1", &both, &["topic1-0", "topic2-0"], GENERATION_ID),
        member("consumer2", &both, &["topic1-1", "topic2-1"], GENERATION_ID),
        member("consumer3", &both, &[], GENERATION_ID),
    ];
    let (a, tr) = check(&topics(&[("topic1", 2), ("topic2", 2)]), &m);
    assert_eq!(tr, transfers(&[("topic2-0", "consumer3")]));
    assert_eq!(
        render(&a),
        "consumer1:[topic1-0]; consumer2:[topic1-1,topic2-1]; consumer3:[topic2-0]"
    );
}

#[test]
fn test_all_consumers_are_under_min_quota() {
    let both = ["topic1", "topic2"];
    let m = [
        member("consumer1", &both, &["topic1-0"], GENERATION_ID),
        member("consumer2", &both, &["topic1-1"], GENERATION_ID),
        member("consumer3", &both, &[], GENERATION_ID),
    ];
    let (a, tr) = check(&topics(&[("topic1", 2), ("topic2", 3)]), &m);
    assert_eq!(tr, transfers(&[]));
    assert_eq!(
        render(&a),
        "consumer1:[topic1-0,topic2-1]; consumer2:[topic1-1,topic2-2]; consumer3:[topic2-0]"
    );
}

#[test]
fn test_add_remove_consumer_one_topic() {
    let t = topics(&[("topic", 3)]);
    let m = vec![member("consumer1", &["topic"], &[], DEFAULT_GENERATION)];
    let (a, _) = check(&t, &m);
    assert_eq!(a["consumer1"], parts(&["topic-0", "topic-1", "topic-2"]));

    let mut m = next_round(&m, &a);
    m.push(member("consumer2", &["topic"], &[], GENERATION_ID));
    let (a, tr) = check(&t, &m);
    assert_eq!(tr, transfers(&[("topic-2", "consumer2")]));
    assert_eq!(render(&a), "consumer1:[topic-0,topic-1]; consumer2:[topic-2]");

    let m = without(&next_round(&m, &a), "consumer1");
    let (a, tr) = check(&t, &m);
    assert_eq!(a["consumer2"], parts(&["topic-2", "topic-1", "topic-0"]));
    assert_eq!(tr, transfers(&[]));
}

/// Per member, how many partitions of each topic it has.
fn per_topic(a: &Assignment, topic: &str) -> Vec<usize> {
    a.values().map(|l| l.iter().filter(|p| p.topic == topic).count()).collect()
}

#[test]
fn test_topic_balance_after_reassignment() {
    let t = topics(&[("topic1", 12), ("topic2", 12)]);
    let all = ["topic1", "topic2"];
    let m = vec![member("consumer1", &all, &[], DEFAULT_GENERATION)];
    let (a, tr) = check(&t, &m);
    assert_eq!((per_topic(&a, "topic1"), per_topic(&a, "topic2")), (vec![12], vec![12]));
    assert_eq!(tr, transfers(&[]));

    // Add another consumer
    let mut m = next_round(&m, &a);
    m.push(member("consumer2", &all, &[], GENERATION_ID));
    let (a, _) = check(&t, &m);
    assert_eq!((per_topic(&a, "topic1"), per_topic(&a, "topic2")), (vec![6; 2], vec![6; 2]));

    // Add two more consumers
    let mut m = next_round(&m, &a);
    m.push(member("consumer3", &all, &[], GENERATION_ID));
    m.push(member("consumer4", &all, &[], GENERATION_ID));
    let (a, _) = check(&t, &m);
    assert_eq!((per_topic(&a, "topic1"), per_topic(&a, "topic2")), (vec![3; 4], vec![3; 4]));

    // remove 2 consumers
    let m = without(&without(&next_round(&m, &a), "consumer1"), "consumer2");
    let (a, tr) = check(&t, &m);
    assert_eq!((per_topic(&a, "topic1"), per_topic(&a, "topic2")), (vec![6; 2], vec![6; 2]));
    assert_eq!(tr, transfers(&[]));
}

#[test]
fn test_add_remove_two_consumers_two_topics() {
    let t = topics(&[("topic1", 3), ("topic2", 4)]);
    let all = ["topic1", "topic2"];
    let m = vec![
        member("consumer1", &all, &[], DEFAULT_GENERATION),
        member("consumer2", &all, &[], DEFAULT_GENERATION),
    ];
    let (a, tr) = check(&t, &m);
    assert_eq!(a["consumer1"], parts(&["topic1-0", "topic1-2", "topic2-1", "topic2-3"]));
    assert_eq!(a["consumer2"], parts(&["topic1-1", "topic2-0", "topic2-2"]));
    assert_eq!(tr, transfers(&[]));

    // add 2 consumers
    let mut m = next_round(&m, &a);
    m.push(member("consumer3", &all, &[], GENERATION_ID));
    m.push(member("consumer4", &all, &[], GENERATION_ID));
    let (a, tr) = check(&t, &m);
    assert_eq!(
        tr,
        transfers(&[
            ("topic1-2", "consumer3"),
            ("topic2-3", "consumer3"),
            ("topic2-2", "consumer4")
        ])
    );
    assert_eq!(a["consumer1"], parts(&["topic1-0", "topic2-1"]));
    assert_eq!(a["consumer2"], parts(&["topic2-0", "topic1-1"]));
    assert_eq!(a["consumer3"], parts(&["topic1-2", "topic2-3"]));
    assert_eq!(a["consumer4"], parts(&["topic2-2"]));

    // remove 2 consumers
    let m = without(&without(&next_round(&m, &a), "consumer1"), "consumer2");
    let (a, tr) = check(&t, &m);
    assert_eq!(a["consumer3"], parts(&["topic1-2", "topic2-3", "topic1-0", "topic2-1"]));
    assert_eq!(a["consumer4"], parts(&["topic2-2", "topic1-1", "topic2-0"]));
    assert_eq!(tr, transfers(&[]));
}

#[test]
fn test_poor_round_robin_assignment_scenario() {
    let t = topics(&[("topic1", 2), ("topic2", 1), ("topic3", 2), ("topic4", 1), ("topic5", 2)]);
    let all = ["topic1", "topic2", "topic3", "topic4", "topic5"];
    let odd = ["topic1", "topic3", "topic5"];
    let m = [
        member("consumer1", &all, &[], DEFAULT_GENERATION),
        member("consumer2", &odd, &[], DEFAULT_GENERATION),
        member("consumer3", &odd, &[], DEFAULT_GENERATION),
        member("consumer4", &all, &[], DEFAULT_GENERATION),
    ];
    check(&t, &m);
}

#[test]
fn test_add_remove_topic_two_consumers() {
    let t = topics(&[("topic", 3)]);
    let m = vec![
        member("consumer1", &["topic"], &[], DEFAULT_GENERATION),
        member("consumer2", &["topic"], &[], DEFAULT_GENERATION),
    ];
    let (a1, tr) = check(&t, &m);
    assert_eq!(tr, transfers(&[]));
    assert!(is_fully_balanced(&a1));
    let sizes = (a1["consumer1"].len(), a1["consumer2"].len());
    assert!(sizes == (1, 2) || sizes == (2, 1));

    let t = topics(&[("topic", 3), ("topic2", 3)]);
    let m: Vec<MemberSubscription> = next_round(&m, &a1)
        .into_iter()
        .map(|x| MemberSubscription { topics: vec!["topic".into(), "topic2".into()], ..x })
        .collect();
    let (a2, tr) = check(&t, &m);
    assert_eq!(tr, transfers(&[]));
    assert_eq!((a2["consumer1"].len(), a2["consumer2"].len()), (3, 3));
    assert!(a1["consumer1"].iter().all(|p| a2["consumer1"].contains(p)));
    assert!(a1["consumer2"].iter().all(|p| a2["consumer2"].contains(p)));

    let t = topics(&[("topic2", 3)]);
    let m: Vec<MemberSubscription> = next_round(&m, &a2)
        .into_iter()
        .map(|x| MemberSubscription { topics: vec!["topic2".into()], ..x })
        .collect();
    let (a3, tr) = check(&t, &m);
    assert_eq!(tr, transfers(&[]));
    let sizes = (a3["consumer1"].len(), a3["consumer2"].len());
    assert!(sizes == (1, 2) || sizes == (2, 1));
    assert!(a3["consumer1"].iter().all(|p| a2["consumer1"].contains(p)));
    assert!(a3["consumer2"].iter().all(|p| a2["consumer2"].contains(p)));
}

#[test]
fn test_reassignment_after_one_consumer_leaves() {
    let t: BTreeMap<String, u32> = (1..20).map(|i| (name("t", i, 20), i as u32)).collect();
    let m: Vec<MemberSubscription> = (1..20)
        .map(|i| {
            let subscribed: Vec<String> = (1..=i).map(|j| name("t", j, 20)).collect();
            let subscribed: Vec<&str> = subscribed.iter().map(String::as_str).collect();
            member(&name("c", i, 20), &subscribed, &[], DEFAULT_GENERATION)
        })
        .collect();
    let (a, _) = check(&t, &m);
    let m = without(&next_round(&m, &a), "c10");
    check(&t, &m);
    assert!(is_sticky(&t, &m));
}

#[test]
fn test_reassignment_after_one_consumer_added() {
    let t = topics(&[("topic", 20)]);
    let mut m: Vec<MemberSubscription> =
        (1..10).map(|i| member(&name("c", i, 10), &["topic"], &[], DEFAULT_GENERATION)).collect();
    let (_, tr) = check(&t, &m);
    assert_eq!(tr, transfers(&[]));
    // Kafka's test adds the member without passing the previous assignment on.
    m.push(member(&name("c", 10, 10), &["topic"], &[], DEFAULT_GENERATION));
    let (_, tr) = check(&t, &m);
    assert_eq!(tr, transfers(&[]));
}

#[test]
fn test_same_subscriptions() {
    let t: BTreeMap<String, u32> = (1..15).map(|i| (name("t", i, 15), i as u32)).collect();
    let all: Vec<&str> = t.keys().map(String::as_str).collect();
    let m: Vec<MemberSubscription> =
        (1..9).map(|i| member(&name("c", i, 9), &all, &[], DEFAULT_GENERATION)).collect();
    let (a, tr) = check(&t, &m);
    assert_eq!(tr, transfers(&[]));
    let m = without(&next_round(&m, &a), &name("c", 5, 9));
    let (_, tr) = check(&t, &m);
    assert_eq!(tr, transfers(&[]));
}

#[test]
fn test_subscription_not_equal_and_assign_same_partition_with_3_generation() {
    let t = topics(&[("topic", 6), ("topic1", 1)]);
    for g in [[1, 2, 3], [1, 3, 2], [2, 1, 3], [2, 3, 1], [3, 1, 2], [3, 2, 1]] {
        let m = [
            member("consumer1", &["topic"], &["topic-0", "topic-2"], g[0]),
            member("consumer2", &["topic"], &["topic-1", "topic-2", "topic-3"], g[1]),
            member("consumer3", &["topic"], &["topic-2", "topic-4", "topic-5"], g[2]),
            member("consumer4", &["topic1"], &["topic1-0"], 2),
        ];
        let (a, _) = sticky(&t, &m);
        let all: Vec<&TopicPartition> = a.values().flatten().collect();
        let distinct: BTreeSet<&TopicPartition> = all.iter().copied().collect();
        assert_eq!(all.len(), distinct.len());
        assert!(a.values().all(|l| (1..=2).contains(&l.len())), "{g:?}: {a:?}");
    }
}

/// Kafka draws these with `java.util.Random`; Brook uses its own seeded generator, several seeds.
#[test]
fn test_large_assignment_with_multiple_consumers_leaving_and_random_subscription() {
    for seed in 1..=3 {
        let mut rng = Rng::new(seed);
        let (topic_count, consumer_count) = (40, 200);
        let t: BTreeMap<String, u32> = (0..topic_count)
            .map(|i| (name("t", i, topic_count), rng.below(10) as u32 + 1))
            .collect();
        let m: Vec<MemberSubscription> = (0..consumer_count)
            .map(|i| {
                let n = rng.below(20);
                let mut subscribed: Vec<String> = (0..n)
                    .map(|_| name("t", rng.below(topic_count as u64) as usize, topic_count))
                    .collect();
                subscribed.sort();
                subscribed.dedup();
                let subscribed: Vec<&str> = subscribed.iter().map(String::as_str).collect();
                member(&name("c", i, consumer_count), &subscribed, &[], DEFAULT_GENERATION)
            })
            .collect();
        let (a, _) = check_property(&t, &m);
        let mut m = next_round(&m, &a);
        for _ in 0..50 {
            let gone = name("c", rng.below(consumer_count as u64) as usize, consumer_count);
            m = without(&m, &gone);
        }
        check_property(&t, &m);
        assert!(is_sticky(&t, &m));
    }
}

#[test]
fn test_new_subscription() {
    let t: BTreeMap<String, u32> = (1..5).map(|i| (name("t", i, 5), 1)).collect();
    let mut m: Vec<MemberSubscription> = (0..3)
        .map(|i: i32| {
            let subscribed: Vec<String> =
                (i..=3 * i - 2).map(|j| name("t", j as usize, 5)).collect();
            let subscribed: Vec<&str> = subscribed.iter().map(String::as_str).collect();
            member(&name("c", i as usize, 3), &subscribed, &[], DEFAULT_GENERATION)
        })
        .collect();
    check(&t, &m);
    m[0].topics.push(name("t", 1, 5));
    check(&t, &m);
    assert!(is_sticky(&t, &m));
}

#[test]
fn test_move_existing_assignments() {
    let t: BTreeMap<String, u32> = (1..=6).map(|i| (format!("topic{i}"), 1)).collect();
    let m = [
        member("consumer1", &["topic1", "topic2"], &["topic1-0"], GENERATION_ID),
        member(
            "consumer2",
            &["topic1", "topic2", "topic3", "topic4"],
            &["topic2-0", "topic3-0"],
            GENERATION_ID,
        ),
        member(
            "consumer3",
            &["topic2", "topic3", "topic4", "topic5", "topic6"],
            &["topic4-0", "topic5-0", "topic6-0"],
            GENERATION_ID,
        ),
    ];
    let (_, tr) = check(&t, &m);
    assert_eq!(tr, None);
}

#[test]
fn test_stickiness() {
    let t = topics(&[("topic1", 3)]);
    let m: Vec<MemberSubscription> = (1..=4)
        .map(|i| member(&format!("consumer{i}"), &["topic1"], &[], DEFAULT_GENERATION))
        .collect();
    let (a, tr) = check(&t, &m);
    assert_eq!(tr, transfers(&[]));
    assert!(a.values().all(|l| l.len() <= 1));
    // removing the potential group leader
    let m = without(&next_round(&m, &a), "consumer1");
    let (b, tr) = check(&t, &m);
    assert_eq!(tr, transfers(&[]));
    for (id, list) in &b {
        assert_eq!(list.len(), 1);
        assert!(a[id].iter().all(|p| list.contains(p)), "stickiness not honored for {id}");
    }
}

#[test]
fn test_assignment_updated_for_deleted_topic() {
    let t = topics(&[("topic1", 1), ("topic3", 100)]);
    let m = [member("consumer", &["topic1", "topic2", "topic3"], &[], DEFAULT_GENERATION)];
    let (a, tr) = check(&t, &m);
    assert_eq!(tr, transfers(&[]));
    assert_eq!(a["consumer"].len(), 101);
}

#[test]
fn test_no_exception_thrown_when_only_subscribed_topic_deleted() {
    let m = [member("consumer", &["topic"], &[], DEFAULT_GENERATION)];
    let (a, _) = check(&topics(&[("topic", 3)]), &m);
    let m = next_round(&m, &a);
    let (a, tr) = check(&topics(&[]), &m);
    assert_eq!(tr, transfers(&[]));
    assert_eq!(render(&a), "consumer:[]");
}

/// Kafka draws these with `java.util.Random` (100 rounds); Brook uses its own seeded generator.
#[test]
fn test_reassignment_with_random_subscriptions_and_changes() {
    let mut rng = Rng::new(8);
    let random_sublist = |rng: &mut Rng, list: &[String]| -> Vec<String> {
        let mut out = list.to_vec();
        for _ in 0..rng.below(list.len() as u64) {
            out.remove(rng.below(out.len() as u64) as usize);
        }
        out
    };
    for _ in 0..20 {
        let num_topics = 10 + rng.below(10) as usize;
        let t: BTreeMap<String, u32> =
            (0..num_topics).map(|i| (name("t", i, 20), i as u32 + 1)).collect();
        let all: Vec<String> = t.keys().cloned().collect();
        let num_consumers = 20 + rng.below(20) as usize;
        let m: Vec<MemberSubscription> = (0..num_consumers)
            .map(|i| {
                let sub = random_sublist(&mut rng, &all);
                let sub: Vec<&str> = sub.iter().map(String::as_str).collect();
                member(&name("c", i, 40), &sub, &[], DEFAULT_GENERATION)
            })
            .collect();
        let (a, _) = check_property(&t, &m);
        let m: Vec<MemberSubscription> = next_round(&m, &a)
            .into_iter()
            .map(|x| MemberSubscription { topics: random_sublist(&mut rng, &all), ..x })
            .collect();
        check_property(&t, &m);
        assert!(is_sticky(&t, &m));
    }
}

#[test]
fn test_all_consumers_reach_expected_quota_and_are_considered_filled() {
    let m = [
        member("consumer1", &["topic"], &["topic-0", "topic-1"], GENERATION_ID),
        member("consumer2", &["topic"], &["topic-2"], GENERATION_ID),
        member("consumer3", &["topic"], &[], GENERATION_ID),
    ];
    let (a, tr) = check(&topics(&[("topic", 4)]), &m);
    assert_eq!(render(&a), "consumer1:[topic-0,topic-1]; consumer2:[topic-2]; consumer3:[topic-3]");
    assert_eq!(tr, transfers(&[]));
}

#[test]
fn test_owned_partitions_are_invalidated_for_consumer_with_stale_generation() {
    let both = ["topic", "topic2"];
    let owned = ["topic-0", "topic-2", "topic2-1"];
    let m = [member("consumer1", &both, &owned, 10), member("consumer2", &both, &owned, 9)];
    let (a, tr) = check(&topics(&[("topic", 3), ("topic2", 3)]), &m);
    assert_eq!(a["consumer1"], parts(&owned));
    assert_eq!(a["consumer2"], parts(&["topic-1", "topic2-0", "topic2-2"]));
    assert_eq!(tr, transfers(&[]));
}

#[test]
fn test_owned_partitions_are_invalidated_for_consumer_with_no_generation() {
    let both = ["topic", "topic2"];
    let owned = ["topic-0", "topic-2", "topic2-1"];
    let m = [
        member("consumer1", &both, &owned, 10),
        member("consumer2", &both, &owned, DEFAULT_GENERATION),
    ];
    let (a, tr) = check(&topics(&[("topic", 3), ("topic2", 3)]), &m);
    assert_eq!(a["consumer1"], parts(&owned));
    assert_eq!(a["consumer2"], parts(&["topic-1", "topic2-0", "topic2-2"]));
    assert_eq!(tr, transfers(&[]));
}

#[test]
fn test_partitions_transferring_ownership_include_the_partition_claimed_by_multiple_consumers_in_same_generation(
) {
    let m = [
        member("consumer1", &["topic"], &["topic-0", "topic-1"], GENERATION_ID),
        member("consumer2", &["topic"], &["topic-0", "topic-2"], GENERATION_ID),
        member("consumer3", &["topic"], &[], GENERATION_ID),
    ];
    let (a, tr) = check(&topics(&[("topic", 3)]), &m);
    assert_eq!(tr, transfers(&[("topic-0", "consumer3")]));
    assert_eq!(render(&a), "consumer1:[topic-1]; consumer2:[topic-2]; consumer3:[topic-0]");
}

#[test]
fn test_ensure_partitions_assigned_to_highest_generation() {
    let all = ["topic", "topic2", "topic3"];
    let m = [
        member("consumer1", &all, &["topic-0", "topic2-0", "topic3-0"], 10),
        member("consumer2", &all, &["topic-1", "topic2-1", "topic3-1"], 9),
        member("consumer3", &all, &["topic2-1", "topic3-0", "topic3-2"], 8),
    ];
    let (a, tr) = check(&topics(&[("topic", 3), ("topic2", 3), ("topic3", 3)]), &m);
    assert_eq!(a["consumer1"], parts(&["topic-0", "topic2-0", "topic3-0"]));
    assert_eq!(a["consumer2"], parts(&["topic-1", "topic2-1", "topic3-1"]));
    assert_eq!(a["consumer3"], parts(&["topic-2", "topic2-2", "topic3-2"]));
    assert_eq!(tr, transfers(&[]));
}

#[test]
fn test_no_reassignment_on_current_members() {
    let all = ["topic", "topic2", "topic3", "topic1"];
    let m = [
        member("consumer1", &all, &[], DEFAULT_GENERATION),
        member("consumer2", &all, &["topic-0", "topic2-0", "topic1-0"], 9),
        member("consumer3", &all, &["topic3-2", "topic2-2", "topic1-1"], 8),
        member("consumer4", &all, &["topic3-1", "topic-1", "topic-2"], 7),
    ];
    let t = topics(&[("topic", 3), ("topic1", 3), ("topic2", 3), ("topic3", 3)]);
    let (a, tr) = check(&t, &m);
    assert_eq!(a["consumer1"], parts(&["topic1-2", "topic2-1", "topic3-0"]));
    assert_eq!(tr, transfers(&[]));
    assert!(is_fully_balanced(&a));
}

#[test]
fn test_owned_partitions_are_invalidated_for_consumer_with_multiple_generation() {
    let both = ["topic", "topic2"];
    let m = [
        member("consumer1", &both, &["topic-0", "topic2-1", "topic-1"], 10),
        member("consumer2", &both, &["topic-0", "topic2-1", "topic2-2"], 8),
    ];
    let (a, tr) = check(&topics(&[("topic", 3), ("topic2", 3)]), &m);
    assert_eq!(a["consumer1"], parts(&["topic-0", "topic2-1", "topic-1"]));
    assert_eq!(a["consumer2"], parts(&["topic-2", "topic2-2", "topic2-0"]));
    assert_eq!(tr, transfers(&[]));
}

/// Kafka's `verifyRackAssignment` rows: member `consumer{i}` gets `expected[i]`.
fn rack_rows(a: &Assignment, expected: &[&str]) {
    for (i, row) in expected.iter().enumerate() {
        let got: Vec<String> = a[&format!("consumer{i}")].iter().map(|p| p.to_string()).collect();
        assert_eq!(got.join(", "), *row, "consumer{i}");
    }
}

fn rack_members(subs: &[&[&str]], owned: &[&str]) -> Vec<MemberSubscription> {
    subs.iter()
        .enumerate()
        .map(|(i, s)| {
            let owned: Vec<&str> = owned.get(i).map_or(vec![], |o| o.split(", ").collect());
            member(&format!("consumer{i}"), s, &owned, DEFAULT_GENERATION)
        })
        .collect()
}

/// The configurations of Kafka's test where rack-aware assignment is not used (no consumer or
/// broker racks, or every partition on every rack), for which it expects the plain result.
#[test]
fn test_rack_aware_assignment_with_uniform_subscription() {
    let t = topics(&[("t1", 6), ("t2", 7), ("t3", 2)]);
    let all: &[&str] = &["t1", "t2", "t3"];
    let expected = [
        "t1-0, t1-3, t2-0, t2-3, t2-6",
        "t1-1, t1-4, t2-1, t2-4, t3-0",
        "t1-2, t1-5, t2-2, t2-5, t3-1",
    ];
    for owned in [&[][..], &expected[..]] {
        let m = rack_members(&[all, all, all], owned);
        rack_rows(&assign(AssignorKind::Sticky, &t, &m), &expected);
        rack_rows(&assign(AssignorKind::CooperativeSticky, &t, &m), &expected);
    }
}

#[test]
fn test_rack_aware_assignment_with_non_equal_subscription() {
    let t = topics(&[("t1", 6), ("t2", 7), ("t3", 2)]);
    let all: &[&str] = &["t1", "t2", "t3"];
    let subs = [all, all, &["t1", "t3"][..]];
    let expected = [
        "t1-5, t2-0, t2-2, t2-4, t2-6",
        "t1-3, t2-1, t2-3, t2-5, t3-0",
        "t1-0, t1-1, t1-2, t1-4, t3-1",
    ];
    for owned in [&[][..], &expected[..]] {
        let m = rack_members(&subs, owned);
        rack_rows(&assign(AssignorKind::Sticky, &t, &m), &expected);
        rack_rows(&assign(AssignorKind::CooperativeSticky, &t, &m), &expected);
    }
    // Kafka's cooperative case from misaligned owned partitions, all racks matching: first the
    // partitions kept, then the follow-up rebalance's result. (Kafka's StickyAssignor ignores
    // owned partitions without user data there, so its eager expectation is the fresh result.)
    let owned = [
        "t1-0, t1-1, t1-2, t1-3, t1-4",
        "t1-5, t2-0, t2-1, t2-2, t2-3",
        "t2-4, t2-5, t2-6, t3-0, t3-1",
    ];
    let intermediate = ["t1-2, t1-3, t1-4", "t2-0, t2-1, t2-2, t2-3", "t3-0, t3-1"];
    let m = rack_members(&subs, &owned);
    rack_rows(&assign(AssignorKind::CooperativeSticky, &t, &m), &intermediate);
    let m = rack_members(&subs, &intermediate);
    rack_rows(
        &assign(AssignorKind::CooperativeSticky, &t, &m),
        &[
            "t1-2, t1-3, t1-4, t2-4, t2-5",
            "t2-0, t2-1, t2-2, t2-3, t2-6",
            "t1-0, t1-1, t1-5, t3-0, t3-1",
        ],
    );
}

// StickyAssignorTest (eager) and CooperativeStickyAssignorTest cases.

/// The eager assignor alone (Kafka runs these for `StickyAssignor` only), valid and balanced.
fn eager(t: &BTreeMap<String, u32>, members: &[MemberSubscription]) -> Assignment {
    let a = assign(AssignorKind::Sticky, t, members);
    verify_validity_and_balance(members, &a);
    a
}

fn contains_all(outer: &[TopicPartition], inner: &[TopicPartition]) -> bool {
    inner.iter().all(|p| outer.contains(p))
}

fn disjoint(a: &[TopicPartition], b: &[TopicPartition]) -> bool {
    a.iter().all(|p| !b.contains(p))
}

#[test]
fn test_all_consumers_have_owned_partition_invalidated_when_claimed_by_multiple_consumers_in_same_generation_with_equal_partitions_per_consumer(
) {
    let m = [
        member("consumer1", &["topic"], &["topic-0", "topic-1"], GENERATION_ID),
        member("consumer2", &["topic"], &["topic-0", "topic-2"], GENERATION_ID),
        member("consumer3", &["topic"], &[], GENERATION_ID),
    ];
    let t = topics(&[("topic", 3)]);
    let (a, _) = check(&t, &m);
    assert_eq!(render(&a), "consumer1:[topic-1]; consumer2:[topic-2]; consumer3:[topic-0]");
    // In the cooperative assignor topic-0 counts as owned until both claimants revoke it.
    let coop = assign(AssignorKind::CooperativeSticky, &t, &m);
    assert_eq!(render(&coop), "consumer1:[topic-1]; consumer2:[topic-2]; consumer3:[]");
}

#[test]
fn test_all_consumers_have_owned_partition_invalidated_when_claimed_by_multiple_consumers_in_same_generation_with_unequal_partitions_per_consumer(
) {
    let m = [
        member("consumer1", &["topic"], &["topic-0", "topic-1"], GENERATION_ID),
        member("consumer2", &["topic"], &["topic-0", "topic-2"], GENERATION_ID),
        member("consumer3", &["topic"], &[], GENERATION_ID),
    ];
    let t = topics(&[("topic", 4)]);
    let (a, _) = check(&t, &m);
    assert_eq!(render(&a), "consumer1:[topic-1,topic-3]; consumer2:[topic-2]; consumer3:[topic-0]");
    let coop = assign(AssignorKind::CooperativeSticky, &t, &m);
    assert_eq!(render(&coop), "consumer1:[topic-1,topic-3]; consumer2:[topic-2]; consumer3:[]");
}

#[test]
fn test_assignment_with_multiple_generations1() {
    for all_equal in [true, false] {
        let t = topics(&[("topic", 6), ("topic2", 6)]);
        let all: &[&str] = &["topic", "topic2"];
        let c2_topics: &[&str] = if all_equal { all } else { &["topic"] };
        let m = [
            member("consumer1", all, &[], DEFAULT_GENERATION),
            member("consumer2", c2_topics, &[], DEFAULT_GENERATION),
            member("consumer3", all, &[], DEFAULT_GENERATION),
        ];
        let r1 = eager(&t, &m);
        assert!(r1.values().all(|l| l.len() == 4), "{r1:?}");

        let m = [
            MemberSubscription { owned: r1["consumer1"].clone(), generation: 1, ..m[0].clone() },
            MemberSubscription { owned: r1["consumer2"].clone(), generation: 1, ..m[1].clone() },
        ];
        let r2 = eager(&t, &m);
        assert!(r2.values().all(|l| l.len() == 6), "{r2:?}");
        if all_equal {
            assert!(contains_all(&r2["consumer1"], &r1["consumer1"]));
        }
        assert!(contains_all(&r2["consumer2"], &r1["consumer2"]));
        assert!(!disjoint(&r2["consumer2"], &r1["consumer3"]));

        let c3 = member("consumer3", all, &[], 1);
        let m = [
            MemberSubscription { owned: r2["consumer2"].clone(), generation: 2, ..m[1].clone() },
            MemberSubscription { owned: r1["consumer3"].clone(), ..c3 },
        ];
        let r3 = eager(&t, &m);
        assert!(r3.values().all(|l| l.len() == 6), "{r3:?}");
        assert!(disjoint(&r3["consumer2"], &r3["consumer3"]));
    }
}

#[test]
fn test_assignment_with_multiple_generations2() {
    for all_equal in [true, false] {
        let t = topics(&[("topic", 4), ("topic2", 4), ("topic3", 4)]);
        let all: &[&str] = &["topic", "topic2", "topic3"];
        let c1_topics: &[&str] = if all_equal { all } else { &["topic"] };
        let c3_topics: &[&str] = if all_equal { all } else { &["topic", "topic2"] };
        let m = [
            member("consumer1", c1_topics, &[], DEFAULT_GENERATION),
            member("consumer2", all, &[], DEFAULT_GENERATION),
            member("consumer3", c3_topics, &[], DEFAULT_GENERATION),
        ];
        let r1 = eager(&t, &m);
        assert!(r1.values().all(|l| l.len() == 4), "{r1:?}");

        let alone =
            [MemberSubscription { owned: r1["consumer2"].clone(), generation: 1, ..m[1].clone() }];
        let r2 = eager(&t, &alone);
        assert_eq!(r2["consumer2"].len(), 12);
        assert!(contains_all(&r2["consumer2"], &r1["consumer2"]));

        let m = [
            MemberSubscription { owned: r1["consumer1"].clone(), generation: 1, ..m[0].clone() },
            MemberSubscription { owned: r2["consumer2"].clone(), generation: 2, ..m[1].clone() },
            MemberSubscription { owned: r1["consumer3"].clone(), generation: 1, ..m[2].clone() },
        ];
        let r3 = eager(&t, &m);
        assert!(r3.values().all(|l| l.len() == 4), "{r3:?}");
        assert!(is_fully_balanced(&r3));
    }
}

#[test]
fn test_assignment_with_conflicting_previous_generations() {
    for all_equal in [true, false] {
        let t = topics(&[("topic", 4), ("topic2", 4), ("topic3", 4)]);
        let all: &[&str] = &["topic", "topic2", "topic3"];
        let c1_topics: &[&str] = if all_equal { all } else { &["topic"] };
        let c2_topics: &[&str] = if all_equal { all } else { &["topic", "topic2"] };
        let c1_owned: &[&str] = if all_equal {
            &["topic-0", "topic-1", "topic-2", "topic2-2", "topic2-3", "topic3-0"]
        } else {
            &["topic-0", "topic-1", "topic-2", "topic-3"]
        };
        let c2_owned = ["topic-0", "topic-1", "topic2-0", "topic2-1", "topic2-2", "topic2-3"];
        let c3_owned = ["topic-2", "topic-3", "topic3-0", "topic3-1", "topic3-2", "topic3-3"];
        let m = [
            member("consumer1", c1_topics, c1_owned, 1),
            member("consumer2", c2_topics, &c2_owned, 2),
            member("consumer3", all, &c3_owned, 2),
        ];
        let a = eager(&t, &m);
        assert!(a.values().all(|l| l.len() == 4), "{a:?}");
        assert!(contains_all(&parts(&c2_owned), &a["consumer2"]));
        assert!(contains_all(&parts(&c3_owned), &a["consumer3"]));
        assert!(is_fully_balanced(&a));
    }
}

/// Kafka's old user-data schema carries no generation; Brook's stand-in is generation 0.
#[test]
fn test_schema_backward_compatibility() {
    let t = topics(&[("topic", 3)]);
    let m = [
        member("consumer1", &["topic"], &["topic-0", "topic-2"], 1),
        member("consumer2", &["topic"], &["topic-1"], DEFAULT_GENERATION),
        member("consumer3", &["topic"], &[], DEFAULT_GENERATION),
    ];
    let a = eager(&t, &m);
    assert!(a.values().all(|l| l.len() == 1), "{a:?}");
    assert!(contains_all(&parts(&["topic-0", "topic-2"]), &a["consumer1"]));
    assert!(contains_all(&parts(&["topic-1"]), &a["consumer2"]));
    assert!(is_fully_balanced(&a));
}

#[test]
fn test_assignor_with_old_version_subscriptions() {
    let m = [
        member("consumer1", &["topic1"], &["topic1-0"], GENERATION_ID),
        member("consumer2", &["topic1"], &["topic1-1"], GENERATION_ID),
        member("consumer3", &["topic1"], &[], GENERATION_ID),
    ];
    let (a, _) = check(&topics(&[("topic1", 3)]), &m);
    let want = "consumer1:[topic1-0]; consumer2:[topic1-1]; consumer3:[topic1-2]";
    assert_eq!(render(&a), want);
    assert_eq!(
        render(&assign(AssignorKind::CooperativeSticky, &topics(&[("topic1", 3)]), &m)),
        want
    );
}
