//! Ports of Apache Kafka's `RangeAssignorTest` and `RoundRobinAssignorTest`
//! (clients/src/test/java/org/apache/kafka/clients/consumer/), under Kafka's test names in snake
//! case; rack-aware cases are left out (Brook members have no `client.rack`).

use std::collections::BTreeMap;

use super::test_util::{render, topics};
use super::*;

fn sub(id: &str, topics: &[&str]) -> MemberSubscription {
    MemberSubscription::new(id, topics)
}

fn static_sub(id: &str, instance: &str, topics: &[&str]) -> MemberSubscription {
    MemberSubscription { instance: Some(instance.into()), ..MemberSubscription::new(id, topics) }
}

/// Kafka's `checkStaticAssignment`: the assignment keyed by instance id.
fn by_instance(a: &Assignment, members: &[MemberSubscription]) -> BTreeMap<String, String> {
    members
        .iter()
        .filter_map(|m| {
            let parts: Vec<String> = a[&m.id].iter().map(|t| t.to_string()).collect();
            m.instance.clone().map(|i| (i, parts.join(",")))
        })
        .collect()
}

/// The cases both Kafka test classes share, as named tests; `$two_topics_six` is
/// testTwoConsumersTwoTopicsSixPartitions' result, the one case where they differ.
macro_rules! shared_cases {
    ($kind:expr, $two_topics_six:expr) => {
        fn one(t: &BTreeMap<String, u32>, s: &[&str]) -> String {
            render(&assign($kind, t, &[sub("c", s)]))
        }

        #[test]
        fn test_one_consumer_no_topic() {
            assert_eq!(one(&topics(&[]), &[]), "c:[]");
        }

        #[test]
        fn test_one_consumer_nonexistent_topic() {
            assert_eq!(one(&topics(&[]), &["topic1"]), "c:[]");
        }

        #[test]
        fn test_one_consumer_one_topic() {
            let t = topics(&[("topic1", 3)]);
            assert_eq!(one(&t, &["topic1"]), "c:[topic1-0,topic1-1,topic1-2]");
        }

        #[test]
        fn test_only_assigns_partitions_from_subscribed_topics() {
            let t = topics(&[("topic1", 3), ("other", 3)]);
            assert_eq!(one(&t, &["topic1"]), "c:[topic1-0,topic1-1,topic1-2]");
        }

        #[test]
        fn test_one_consumer_multiple_topics() {
            let t = topics(&[("topic1", 1), ("topic2", 2)]);
            assert_eq!(one(&t, &["topic1", "topic2"]), "c:[topic1-0,topic2-0,topic2-1]");
        }

        #[test]
        fn test_two_consumers_one_topic_one_partition() {
            let m = [sub("consumer1", &["topic1"]), sub("consumer2", &["topic1"])];
            assert_eq!(
                render(&assign($kind, &topics(&[("topic1", 1)]), &m)),
                "consumer1:[topic1-0]; consumer2:[]"
            );
        }

        #[test]
        fn test_two_consumers_one_topic_two_partitions() {
            let m = [sub("consumer1", &["topic1"]), sub("consumer2", &["topic1"])];
            assert_eq!(
                render(&assign($kind, &topics(&[("topic1", 2)]), &m)),
                "consumer1:[topic1-0]; consumer2:[topic1-1]"
            );
        }

        #[test]
        fn test_multiple_consumers_mixed_topics() {
            let m = [
                sub("consumer1", &["topic1"]),
                sub("consumer2", &["topic1", "topic2"]),
                sub("consumer3", &["topic1"]),
            ];
            assert_eq!(
                render(&assign($kind, &topics(&[("topic1", 3), ("topic2", 2)]), &m)),
                "consumer1:[topic1-0]; consumer2:[topic1-1,topic2-0,topic2-1]; consumer3:[topic1-2]"
            );
        }

        #[test]
        fn test_two_consumers_two_topics_six_partitions() {
            let both = ["topic1", "topic2"];
            let m = [sub("consumer1", &both), sub("consumer2", &both)];
            let t = topics(&[("topic1", 3), ("topic2", 3)]);
            assert_eq!(render(&assign($kind, &t, &m)), $two_topics_six);
        }
    };
}

/// Kafka's two static-membership cases, the same in `RangeAssignorTest` and
/// `RoundRobinAssignorTest`: instance ids, not member ids, decide the order (consumer-a sorts
/// before consumer-b, but consumer-b holds instance1). Both expect the same assignment.
macro_rules! static_cases {
    ($kind:expr, $expected:expr) => {
        #[test]
        fn test_two_static_consumers_two_topics_six_partitions() {
            let both = ["topic1", "topic2"];
            let m = [
                static_sub("consumer-b", "instance1", &both),
                static_sub("consumer-a", "instance2", &both),
            ];
            let t = topics(&[("topic1", 3), ("topic2", 3)]);
            assert_eq!(render(&assign($kind, &t, &m)), $expected);
        }

        #[test]
        fn test_one_static_consumer_and_one_dynamic_consumer_two_topics_six_partitions() {
            let both = ["topic1", "topic2"];
            let m = [static_sub("consumer-b", "instance1", &both), sub("consumer-a", &both)];
            let t = topics(&[("topic1", 3), ("topic2", 3)]);
            assert_eq!(render(&assign($kind, &t, &m)), $expected);
        }
    };
}

mod range_assignor_test {
    use super::*;

    const KIND: AssignorKind = AssignorKind::Range;

    shared_cases!(
        KIND,
        "consumer1:[topic1-0,topic1-1,topic2-0,topic2-1]; consumer2:[topic1-2,topic2-2]"
    );

    static_cases!(
        KIND,
        "consumer-a:[topic1-2,topic2-2]; consumer-b:[topic1-0,topic1-1,topic2-0,topic2-1]"
    );

    #[test]
    fn test_static_member_range_assignment_persistent() {
        let both = ["topic1", "topic2"];
        let t = topics(&[("topic1", 5), ("topic2", 4)]);
        let mut m = vec![
            static_sub("consumer1", "instance1", &both),
            static_sub("consumer2", "instance2", &both),
            static_sub("consumer3", "instance3", &both),
            sub("consumer4", &both),
        ];
        let statics = "consumer1:[topic1-0,topic1-1,topic2-0]; consumer2:[topic1-2,topic2-1]; \
                       consumer3:[topic1-3,topic2-2]";
        assert_eq!(
            render(&assign(KIND, &t, &m)),
            format!("{statics}; consumer4:[topic1-4,topic2-3]")
        );
        // Replace dynamic member 4 with a new dynamic member 5.
        m[3] = sub("consumer5", &both);
        assert_eq!(
            render(&assign(KIND, &t, &m)),
            format!("{statics}; consumer5:[topic1-4,topic2-3]")
        );
    }

    #[test]
    fn test_static_member_range_assignment_persistent_after_member_id_changes() {
        let both = ["topic1", "topic2"];
        let t = topics(&[("topic1", 5), ("topic2", 5)]);
        let m = vec![
            static_sub("consumer1", "instance1", &both),
            static_sub("consumer2", "instance2", &both),
            static_sub("consumer3", "instance3", &both),
        ];
        let first = by_instance(&assign(KIND, &t, &m), &m);
        let want: BTreeMap<String, String> = [
            ("instance1", "topic1-0,topic1-1,topic2-0,topic2-1"),
            ("instance2", "topic1-2,topic1-3,topic2-2,topic2-3"),
            ("instance3", "topic1-4,topic2-4"),
        ]
        .iter()
        .map(|(i, p)| (i.to_string(), p.to_string()))
        .collect();
        assert_eq!(first, want);
        // Switch member ids: consumer3 becomes consumer4, consumer2 becomes consumer5.
        let m = vec![
            m[0].clone(),
            MemberSubscription { id: "consumer5".into(), ..m[1].clone() },
            MemberSubscription { id: "consumer4".into(), ..m[2].clone() },
        ];
        assert_eq!(by_instance(&assign(KIND, &t, &m), &m), first);
    }

    /// Kafka's `verifyRackAssignment` with racks that leave rack-aware logic unused: members
    /// `consumer{i}` subscribing to `subs[i]` get `expected[i]` (partitions sorted, ", "-joined).
    fn rows(t: &[(&str, u32)], subs: &[&[&str]], expected: &[&str]) {
        let m: Vec<MemberSubscription> =
            subs.iter().enumerate().map(|(i, s)| sub(&format!("consumer{i}"), s)).collect();
        let a = assign(KIND, &topics(t), &m);
        for (i, want) in expected.iter().enumerate() {
            let got: Vec<String> =
                a[&format!("consumer{i}")].iter().map(|p| p.to_string()).collect();
            assert_eq!(got.join(", "), *want, "consumer{i}");
        }
    }

    const ALL3: &[&str] = &["t1", "t2", "t3"];

    #[test]
    fn test_rack_aware_assignment_with_uniform_subscription() {
        rows(
            &[("t1", 6), ("t2", 7), ("t3", 2)],
            &[ALL3, ALL3, ALL3],
            &[
                "t1-0, t1-1, t2-0, t2-1, t2-2, t3-0",
                "t1-2, t1-3, t2-3, t2-4, t3-1",
                "t1-4, t1-5, t2-5, t2-6",
            ],
        );
    }

    #[test]
    fn test_rack_aware_assignment_with_non_equal_subscription() {
        rows(
            &[("t1", 6), ("t2", 7), ("t3", 2)],
            &[ALL3, ALL3, &["t1", "t3"]],
            &[
                "t1-0, t1-1, t2-0, t2-1, t2-2, t2-3, t3-0",
                "t1-2, t1-3, t2-4, t2-5, t2-6, t3-1",
                "t1-4, t1-5",
            ],
        );
    }

    #[test]
    fn test_rack_aware_assignment_with_uniform_partitions() {
        rows(
            &[("t1", 5), ("t2", 5), ("t3", 5)],
            &[ALL3, ALL3, ALL3],
            &[
                "t1-0, t1-1, t2-0, t2-1, t3-0, t3-1",
                "t1-2, t1-3, t2-2, t2-3, t3-2, t3-3",
                "t1-4, t2-4, t3-4",
            ],
        );
    }

    #[test]
    fn test_rack_aware_assignment_with_uniform_partitions_non_equal_subscription() {
        rows(
            &[("t1", 5), ("t2", 5), ("t3", 5)],
            &[ALL3, ALL3, &["t1", "t3"]],
            &[
                "t1-0, t1-1, t2-0, t2-1, t2-2, t3-0, t3-1",
                "t1-2, t1-3, t2-3, t2-4, t3-2, t3-3",
                "t1-4, t3-4",
            ],
        );
    }

    #[test]
    fn test_rack_aware_assignment_with_co_partitioning() {
        let t = [("t1", 6), ("t2", 6), ("t3", 2), ("t4", 2)];
        let a: &[&str] = &["t1", "t2"];
        let b: &[&str] = &["t3", "t4"];
        rows(
            &t,
            &[a, a, b, b],
            &[
                "t1-0, t1-1, t1-2, t2-0, t2-1, t2-2",
                "t1-3, t1-4, t1-5, t2-3, t2-4, t2-5",
                "t3-0, t4-0",
                "t3-1, t4-1",
            ],
        );
        let all: &[&str] = &["t1", "t2", "t3", "t4"];
        rows(
            &t,
            &[all, all, all, all],
            &[
                "t1-0, t1-1, t2-0, t2-1, t3-0, t4-0",
                "t1-2, t1-3, t2-2, t2-3, t3-1, t4-1",
                "t1-4, t2-4",
                "t1-5, t2-5",
            ],
        );
    }

    #[test]
    fn test_co_partitioned_assignment_with_same_subscription() {
        let t = [("t1", 6), ("t2", 6), ("t3", 2), ("t4", 2), ("t5", 4), ("t6", 4)];
        let all: &[&str] = &["t1", "t2", "t3", "t4", "t5", "t6", "t7", "t8", "t9"];
        rows(
            &t,
            &[all, all, all],
            &[
                "t1-0, t1-1, t2-0, t2-1, t3-0, t4-0, t5-0, t5-1, t6-0, t6-1",
                "t1-2, t1-3, t2-2, t2-3, t3-1, t4-1, t5-2, t6-2",
                "t1-4, t1-5, t2-4, t2-5, t5-3, t6-3",
            ],
        );
    }
}

mod round_robin_assignor_test {
    use super::*;

    const KIND: AssignorKind = AssignorKind::RoundRobin;

    shared_cases!(
        KIND,
        "consumer1:[topic1-0,topic1-2,topic2-1]; consumer2:[topic1-1,topic2-0,topic2-2]"
    );

    static_cases!(
        KIND,
        "consumer-a:[topic1-1,topic2-0,topic2-2]; consumer-b:[topic1-0,topic1-2,topic2-1]"
    );

    #[test]
    fn test_static_member_round_robin_assignment_persistent() {
        let both = ["topic1", "topic2"];
        let t = topics(&[("topic1", 3), ("topic2", 3)]);
        let mut m = vec![
            static_sub("consumer1", "instance1", &both),
            static_sub("consumer2", "instance2", &both),
            static_sub("consumer3", "instance3", &both),
            sub("consumer4", &both),
        ];
        let statics =
            "consumer1:[topic1-0,topic2-1]; consumer2:[topic1-1,topic2-2]; consumer3:[topic1-2]";
        assert_eq!(render(&assign(KIND, &t, &m)), format!("{statics}; consumer4:[topic2-0]"));
        // Replace dynamic member 4 with a new dynamic member 5.
        m[3] = sub("consumer5", &both);
        assert_eq!(render(&assign(KIND, &t, &m)), format!("{statics}; consumer5:[topic2-0]"));
    }

    #[test]
    fn test_static_member_round_robin_assignment_persistent_after_member_id_changes() {
        let both = ["topic1", "topic2"];
        let t = topics(&[("topic1", 5), ("topic2", 5)]);
        let m = vec![
            static_sub("consumer1", "instance1", &both),
            static_sub("consumer2", "instance2", &both),
            static_sub("consumer3", "instance3", &both),
        ];
        let first = by_instance(&assign(KIND, &t, &m), &m);
        let want: BTreeMap<String, String> = [
            ("instance1", "topic1-0,topic1-3,topic2-1,topic2-4"),
            ("instance2", "topic1-1,topic1-4,topic2-2"),
            ("instance3", "topic1-2,topic2-0,topic2-3"),
        ]
        .iter()
        .map(|(i, p)| (i.to_string(), p.to_string()))
        .collect();
        assert_eq!(first, want);
        let m = vec![
            m[0].clone(),
            MemberSubscription { id: "consumer5".into(), ..m[1].clone() },
            MemberSubscription { id: "consumer4".into(), ..m[2].clone() },
        ];
        assert_eq!(by_instance(&assign(KIND, &t, &m), &m), first);
    }
}

/// The names Kafka's assignors give themselves (`ConsumerPartitionAssignor.name()`:
/// `RangeAssignor.RANGE_ASSIGNOR_NAME` "range", `RoundRobinAssignor` "roundrobin",
/// `StickyAssignor.STICKY_ASSIGNOR_NAME` "sticky",
/// `CooperativeStickyAssignor.COOPERATIVE_STICKY_ASSIGNOR_NAME` "cooperative-sticky"), which
/// scenario files and the CLI use; and `TopicPartition.toString`: the topic, a dash, the
/// partition.
#[test]
fn assignor_names_and_topic_partition_text_are_kafkas() {
    use AssignorKind::*;
    let names = [
        (Range, "range"),
        (RoundRobin, "roundrobin"),
        (Sticky, "sticky"),
        (CooperativeSticky, "cooperative-sticky"),
    ];
    for (kind, name) in names {
        assert_eq!(kind.name(), name);
        assert_eq!(AssignorKind::parse(name), Some(kind));
    }
    assert_eq!(AssignorKind::parse("Range"), None, "names are case-sensitive");
    assert_eq!(AssignorKind::parse("round-robin"), None);
    assert_eq!(AssignorKind::parse(""), None);
    let tp = TopicPartition { topic: "orders".into(), partition: 7 };
    assert_eq!(tp.to_string(), "orders-7");
}
