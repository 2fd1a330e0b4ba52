//! Assignor tests; ports of Apache Kafka's assignor tests keep Kafka's test names.

use super::test_util::{render, topics, tp};
use super::*;

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
