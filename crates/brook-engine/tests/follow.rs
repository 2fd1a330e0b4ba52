//! Following one record (`Cluster::follow`): who processed it, checked against the delivery
//! rule of each kind of reader, never against Brook's earlier output.
//!
//! - Consumer groups (Kafka's consumer documentation, "Consumer Groups and Topic Subscriptions"
//!   in `KafkaConsumer`'s javadoc): each partition is assigned to exactly one member of a group,
//!   so one member processes a record; every group subscribed to the topic gets every record
//!   (publish/subscribe). After a rebalance the new owner starts from the last committed
//!   offset (`ConsumerCoordinator.onJoinComplete`, then the fetch position from the committed
//!   offset), so a record processed but not committed is processed again: at-least-once.
//! - Share groups (KIP-932, `SharePartition.acquire` and
//!   `releaseAcquisitionLockOnTimeout`): a record is acquired by one member at a time under a
//!   lock; when the lock expires it becomes available and another member may acquire it
//!   (delivery count + 1); only the lock holder's acknowledgement is taken.
//! - Push subscriptions are not Kafka: every subscription (a RabbitMQ queue bound to a fanout
//!   exchange, a Redis channel subscriber, an MQTT subscriber) gets its own copy.

mod common;

use brook_engine::{
    preset, Cluster, FollowTarget, Followed, Hop, ProducerSpec, PushModel, RateProfile, ReaderKind,
    ReaderRef, Scenario, ShareGroupSpec, SubscriptionSpec, TopicSpec,
};

fn next(producer: u32) -> FollowTarget {
    FollowTarget::Next { producer: Some(producer), partition: None }
}

/// Members that processed the record, in order, for reader `r`.
fn processors(f: &Followed, r: ReaderRef) -> Vec<u32> {
    f.processed_by().filter(|(x, _)| *x == r).map(|(_, m)| m).collect()
}

fn group(i: u16) -> ReaderRef {
    ReaderRef { kind: ReaderKind::Group, index: i }
}

#[test]
fn one_member_of_each_group_processes_the_record_and_every_group_gets_it() {
    for seed in 1..=12u64 {
        let mut s = preset("p2p-vs-pubsub").unwrap();
        s.seed = seed;
        let mut c = Cluster::new(s);
        c.run_until(1_000_000 + seed * 37_000);
        c.follow(next(0)).unwrap();
        common::run_checked(&mut c, 6_000_000);
        let f = c.followed().unwrap();
        let (tp, offset) = f.record.expect("the producer sends within 5 s");
        assert!(matches!(f.events[0].hop, Hop::Produced { producer: 0, .. }));
        assert!(
            matches!(f.events[1].hop, Hop::Appended { tp: t, offset: o, .. } if t == tp && o == offset)
        );
        assert!(f.events.iter().any(|e| e.hop == Hop::Replicated));
        // Three groups, no rebalance after the start: each processes it exactly once, by the
        // member that owns the partition.
        for gi in 0..c.groups().len() {
            let who = processors(f, group(gi as u16));
            assert_eq!(who.len(), 1, "seed {seed}: group {gi} processed it {who:?}");
            let owner = &c.groups()[gi].members[who[0] as usize];
            assert!(owner.assigned.contains(&tp), "seed {seed}: processed by a non-owner");
        }
        // Times never go back after the append.
        let times: Vec<u64> = f.events[1..].iter().map(|e| e.at_us).collect();
        assert!(times.windows(2).all(|w| w[0] <= w[1]), "seed {seed}: {times:?}");
    }
}

#[test]
fn following_changes_nothing_in_the_run() {
    // A view, not a command: the same seed gives the same trace hash followed or not.
    let run = |follow: bool| {
        let mut c = Cluster::new(preset("share-group-queue").unwrap());
        c.run_until(500_000);
        if follow {
            c.follow(next(0)).unwrap();
        }
        c.run_until(4_000_000);
        assert_eq!(c.followed().is_some_and(|f| f.record.is_some()), follow);
        c.trace_hash()
    };
    assert_eq!(run(true), run(false));
}

#[test]
fn after_a_rebalance_an_uncommitted_record_is_processed_again_by_the_new_owner() {
    // consumer-crash-rebalance: member 1 crashes at 6 s; auto-commit every 5 s (Kafka's
    // auto.commit.interval.ms default), so what it processed after the last commit is
    // processed again by the partition's next owner, once per rebalance at most.
    let mut twice = 0;
    for seed in 1..=10u64 {
        let mut s = preset("consumer-crash-rebalance").unwrap();
        s.seed = seed;
        let mut c = Cluster::new(s);
        c.run_until(5_900_000);
        let p = c.groups()[0].members[1].assigned[0].partition;
        c.follow(FollowTarget::Next { producer: Some(0), partition: Some(p) }).unwrap();
        let rebalances_before = c.groups()[0].stats.rebalances;
        common::run_checked(&mut c, 20_000_000);
        let f = c.followed().unwrap();
        let who = processors(f, group(0));
        let rebalances = c.groups()[0].stats.rebalances - rebalances_before;
        assert!(!who.is_empty(), "seed {seed}: at-least-once, yet never processed");
        assert!(
            who.len() as u64 <= 1 + rebalances,
            "seed {seed}: processed {} times across {rebalances} rebalances",
            who.len()
        );
        assert!(f.events.iter().any(|e| matches!(e.hop, Hop::Committed { .. })), "seed {seed}");
        if who.len() > 1 {
            assert_eq!(who[0], 1, "seed {seed}: the first processing was the crashed member's");
            assert_ne!(who[1], 1, "seed {seed}: the new owner processed it again");
            twice += 1;
        }
    }
    assert!(twice > 0, "no seed showed the reprocessing after the rebalance");
}

/// One partition, one producer, a share group of two members; member 0 takes 1 s a record,
/// past its 200 ms lock.
fn slow_share() -> Scenario {
    let mut s = preset("quickstart").unwrap();
    s.topics = vec![TopicSpec::new("jobs", 1)];
    s.producers =
        vec![ProducerSpec::new("scheduler", "jobs", RateProfile::Poisson { rate_per_sec: 40.0 })];
    s.groups = Vec::new();
    let mut q = ShareGroupSpec::new("workers", "jobs", 2, 1_000);
    q.lock_ms = 200;
    q.max_poll_records = 1;
    q.speed_factors = vec![0.001, 1.0];
    s.share_groups = vec![q];
    s
}

#[test]
fn a_share_group_gives_the_record_to_one_member_at_a_time_again_after_a_lock_expiry() {
    let mut expired = 0;
    for seed in 1..=16u64 {
        let mut s = slow_share();
        s.seed = seed;
        let mut c = Cluster::new(s);
        c.run_until(500_000 + seed * 20_000);
        // Half the seeds follow a record the slow member 0 holds under its lock (the first
        // moment it does, within 2 s); the others the next record.
        for _ in 0..2_000 {
            let g = &c.share_groups()[0];
            let a = g.members[0].held.front();
            if seed % 2 == 1 || a.is_some_and(|a| g.lock_holder(a.tp, a.offset) == Some(0)) {
                break;
            }
            c.step();
        }
        let g = &c.share_groups()[0];
        let held = g.members[0].held.front().copied();
        let (target, mut holder, mut delivery) = match held {
            Some(a) if seed % 2 == 0 && g.lock_holder(a.tp, a.offset) == Some(0) => {
                (FollowTarget::At { tp: a.tp, offset: a.offset }, Some(0), a.delivery)
            }
            _ => (next(0), None, 0),
        };
        c.follow(target).unwrap();
        common::run_checked(&mut c, 5_000_000);
        let f = c.followed().unwrap();
        let mut accepted = 0;
        for e in &f.events {
            match e.hop {
                Hop::Acquired { member, delivery: d, .. } => {
                    assert_eq!(holder, None, "seed {seed}: acquired while {holder:?} holds it");
                    assert_eq!(d, delivery + 1, "seed {seed}: delivery count");
                    holder = Some(member);
                    delivery = d;
                }
                Hop::LockExpired { member, .. } => {
                    assert_eq!(holder, Some(member), "seed {seed}");
                    holder = None;
                    expired += 1;
                }
                Hop::Processed { member, acknowledged: true, .. } => {
                    assert_eq!(holder, Some(member), "seed {seed}: only the holder acks");
                    holder = None;
                    accepted += 1;
                }
                Hop::Released { member, .. } => {
                    assert_eq!(holder, Some(member), "seed {seed}");
                    holder = None;
                }
                _ => {}
            }
        }
        assert_eq!(accepted, 1, "seed {seed}: accepted once ({:?})", f.events);
    }
    assert!(expired > 0, "no seed showed a lock expiring under the slow member");
}

#[test]
fn every_push_subscription_gets_its_own_copy() {
    let mut s = preset("quickstart").unwrap();
    s.groups = Vec::new();
    s.subscriptions = [PushModel::Rabbitmq, PushModel::RedisPubsub, PushModel::MqttQos0]
        .iter()
        .enumerate()
        .map(|(i, &m)| {
            SubscriptionSpec::new(&format!("sub-{i}"), "orders", 200, None).with_model(m)
        })
        .collect();
    for seed in 1..=6u64 {
        s.seed = seed;
        let mut c = Cluster::new(s.clone());
        c.run_until(1_000_000);
        c.follow(next(0)).unwrap();
        common::run_checked(&mut c, 3_000_000);
        let f = c.followed().unwrap();
        for i in 0..3u16 {
            let r = ReaderRef { kind: ReaderKind::Push, index: i };
            let pushed = f
                .events
                .iter()
                .filter(|e| matches!(e.hop, Hop::Pushed { reader, .. } if reader == r));
            assert_eq!(pushed.count(), 1, "seed {seed}: subscription {i}");
            assert_eq!(processors(f, r), vec![0], "seed {seed}: subscription {i}");
        }
    }
}

#[test]
fn a_record_the_log_no_longer_holds_cannot_be_followed() {
    let mut c = Cluster::new(preset("quickstart").unwrap());
    c.run_until(1_000_000);
    let tp = brook_engine::Tp { topic: 0, partition: 0 };
    let end = c.topics()[0].partitions[0].log.log_end_offset();
    assert!(c.follow(FollowTarget::At { tp, offset: end }).is_err());
    assert!(c.follow(next(99)).is_err());
    // Any producer: the quickstart has two.
    c.follow(FollowTarget::Next { producer: None, partition: None }).unwrap();
    c.run_until(1_100_000);
    assert!(c.followed().unwrap().record.is_some());
    c.follow(FollowTarget::At { tp, offset: end - 1 }).unwrap();
    assert_eq!(c.followed().unwrap().record, Some((tp, end - 1)));
}

#[test]
fn a_record_an_mqtt_subscriber_had_no_room_for_is_lost_for_it_alone() {
    // Mosquitto (`db__ready_for_flight`): a QoS 0 message to a client whose queue holds
    // `max_queued_messages` is dropped. A Kafka consumer group reading the same topic still
    // gets it: the loss is the push subscription's alone.
    let mut s = preset("quickstart").unwrap();
    s.topics = vec![TopicSpec::new("ticks", 1)];
    s.producers =
        vec![ProducerSpec::new("feed", "ticks", RateProfile::Constant { rate_per_sec: 1_000.0 })];
    // 143 records a second against 1,000, the queue full: a batch (one every linger.ms, 5 ms)
    // that finds no room is dropped whole; one that finds room keeps its first records (the
    // followed one is its first).
    let mut sub =
        SubscriptionSpec::new("mqtt", "ticks", 7_000, None).with_model(PushModel::MqttQos0);
    sub.inbox_records_max = 20;
    s.subscriptions = vec![sub];
    s.groups = vec![brook_engine::GroupSpec::new("pull", "ticks", 1, 10)];
    s.events = Vec::new();
    let mut c = Cluster::new(s);
    // Past the group's first join (group.initial.rebalance.delay.ms, 3 s).
    c.run_until(4_000_000);
    let (mut dropped, mut processed) = (0, 0);
    for k in 1..=40u64 {
        c.follow(next(0)).unwrap();
        common::run_checked(&mut c, 4_000_000 + k * 170_000);
        let f = c.followed().unwrap();
        let push = ReaderRef { kind: ReaderKind::Push, index: 0 };
        let lost = f.events.iter().any(|e| {
            e.hop == Hop::Lost { reader: Some(push), cause: brook_engine::LostCause::Dropped }
        });
        let by = processors(f, push);
        if lost {
            dropped += 1;
            assert!(by.is_empty(), "dropped, yet processed: {:?}", f.events);
        } else {
            assert_eq!(by.len(), 1, "{:?}", f.events);
            processed += 1;
        }
        assert_eq!(processors(f, group(0)).len(), 1, "the pull group gets it: {:?}", f.events);
    }
    // Some dropped, some processed.
    assert!(dropped > 0 && processed > 0, "dropped {dropped}, processed {processed}");
}
