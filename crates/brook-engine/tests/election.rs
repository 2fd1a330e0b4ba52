//! Leader election as the KRaft controller does it (issue 8, defect 9). Brook follows Apache
//! Kafka 4.0 with its defaults: eligible leader replicas (KIP-966) are off in 4.0 (on by
//! default only for clusters created by 4.1 and later), so an election takes the first
//! replica in assignment order that is in the ISR and alive, or, with
//! `unclean.leader.election.enable`, the first live replica in assignment order
//! (`PartitionChangeBuilder.electAnyLeader`).

use brook_engine::TrafficEvent;
use brook_engine::{
    Acks, Cluster, ClusterSpec, Command, ProducerSpec, RateProfile, TimedEvent, TopicSpec,
};

fn at(at_ms: u64, command: Command) -> TimedEvent {
    TimedEvent { at_ms, command }
}

/// 3 brokers; one partition whose replicas are on brokers [0, 1, 2] (0 leads), unclean
/// election on, `replica.lag.time.max.ms` 3000; an acks=1 producer at 1000 records/s.
/// Follower 1 crashes at 2 s and follower 2 at 4 s, so each holds the records replicated
/// before its crash and both drop out of the ISR (at 5 s and 7 s). The leader crashes at 10 s;
/// both followers restart 1 ms later, before the controller notices (9 s session timeout),
/// and cannot copy from the dead leader. At 19 s the controller elects.
fn scenario() -> brook_engine::Scenario {
    let mut s = brook_engine::preset("quickstart").unwrap();
    s.name = "unclean-order".into();
    s.cluster = ClusterSpec { brokers: 3, replica_lag_time_max_ms: 3_000, ..Default::default() };
    let mut topic = TopicSpec::new("orders", 1);
    topic.replication_factor = 3;
    topic.unclean_leader_election = true;
    s.topics = vec![topic];
    let mut p =
        ProducerSpec::new("payments", "orders", RateProfile::Constant { rate_per_sec: 1_000.0 });
    p.acks = Acks::Leader;
    s.producers = vec![p];
    s.groups = Vec::new();
    s.events = vec![
        at(2_000, Command::CrashBroker { broker: 1 }),
        at(4_000, Command::CrashBroker { broker: 2 }),
        at(10_000, Command::CrashBroker { broker: 0 }),
        at(10_001, Command::RestartBroker { broker: 1 }),
        at(10_001, Command::RestartBroker { broker: 2 }),
    ];
    s.validate().unwrap();
    s
}

#[test]
fn an_unclean_election_takes_the_first_live_replica_in_assignment_order_not_the_longest_log() {
    let mut c = Cluster::new(scenario());
    let mut elected = Vec::new();
    let mut end_before = 0;
    while c.now_us() < 20_000_000 {
        if c.now_us() < 19_000_000 {
            end_before = c.topics()[0].partitions[0].log.log_end_offset();
        }
        c.step();
        if let Err(e) = c.check_invariants() {
            panic!("invariant broken at {} us: {e}", c.now_us());
        }
        for e in c.events() {
            if let TrafficEvent::LeaderElected { broker, unclean, .. } = *e {
                elected.push((c.now_us(), broker, unclean));
            }
        }
    }
    // One election, at the controller's notice (10 s + 9 s), unclean, of broker 1: the first
    // live replica in the assignment [0, 1, 2], although broker 2 holds twice as much.
    assert_eq!(elected.len(), 1, "{elected:?}");
    let (t_us, broker, unclean) = elected[0];
    assert!((19_000_000..19_010_000).contains(&t_us), "elected at {t_us} us");
    assert_eq!((broker, unclean), (1, true));
    // The log keeps what broker 1 had copied before its crash at 2 s: about 2000 records
    // (1000/s, less the last few ms not yet fetched); every acknowledged record above that is
    // lost: about 10,000 - 2000 = 8000. (The longest log, broker 2's ~4000, would lose ~6000.)
    assert!((9_900..=10_000).contains(&end_before), "appended by 10 s: {end_before}");
    let s = c.summary();
    assert_eq!(s.unclean_elections, 1);
    let kept = end_before - s.acked_lost_records;
    assert!((1_950..=2_000).contains(&kept), "broker 1's log end at the election: {kept}");
}
