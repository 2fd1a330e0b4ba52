//! Whole-cluster behaviour: invariants over many seeds, determinism, and the claims each preset
//! is meant to show.

use brook_engine::{preset, Cluster, Command, Scenario, PRESETS};

mod common;
use common::{configure_producer, random_command};

fn run(mut s: Scenario, seed: u64, seconds: f64, check_every_step: bool) -> Cluster {
    s.seed = seed;
    let name = s.name.clone();
    let mut c = Cluster::new(s);
    let steps = (seconds * 1000.0) as u64;
    for _ in 0..steps {
        c.step();
        if check_every_step {
            if let Err(e) = c.check_invariants() {
                panic!(
                    "invariant broken at {} us with seed {seed}: {e}\n\
                     replay: cargo run -p brook-cli -- run {name} --seed {seed} --seconds {seconds} --check",
                    c.now_us()
                );
            }
        }
    }
    c
}

/// Seeds per preset in the default run; the ignored sweep below runs many more.
const SEEDS: u64 = 30;

/// Presets too heavy to check after every step in the sweep (the checks walk every partition
/// log); `heavy_presets_keep_invariants` checks them every 100 steps.
const HEAVY: &[&str] = &["stress", "wide-topic", "production"];

#[test]
fn invariants_hold_after_every_step_across_seeds() {
    // 10 presets (all but the heavy ones) x 30 seeds = 300 seeded runs.
    for name in PRESETS.iter().filter(|p| !HEAVY.contains(p)) {
        for seed in 0..SEEDS {
            run(preset(name).unwrap(), seed, 3.0, true);
        }
    }
}

#[test]
fn the_production_size_cluster_keeps_invariants() {
    // 64 brokers, 16,384 partitions, 10 M records/s, Kafka's default broker resources: past
    // the groups' first rebalance (1 s), every invariant holds and the records flow.
    let mut c = Cluster::new(preset("production").unwrap());
    for step in 0..1_500 {
        c.step();
        if step % 250 == 0 {
            c.check_invariants().unwrap_or_else(|e| panic!("production at step {step}: {e}"));
        }
    }
    c.check_invariants().unwrap();
    let s = c.summary();
    // 1.5 s at 10 M records/s: most of the 15 M sent are appended (replication and acks
    // take a few ms), and the groups have started reading.
    assert!(s.appended_records > 12_000_000, "{s:?}");
    assert!(s.consumed_records.values().all(|&n| n > 0), "{s:?}");
}

#[test]
fn heavy_presets_keep_invariants() {
    for name in HEAVY.iter().filter(|&&p| p != "production") {
        let mut c = Cluster::new(preset(name).unwrap());
        for step in 0..3_000 {
            c.step();
            if step % 100 == 0 {
                c.check_invariants()
                    .unwrap_or_else(|e| panic!("{name} seed 1 at step {step}: {e}"));
            }
        }
        let s = c.summary();
        assert!(s.appended_records > 200_000, "{name}: {s:?}");
    }
}

#[test]
#[ignore = "long sweep: cargo test -- --ignored"]
fn invariants_hold_long_sweep() {
    for name in PRESETS.iter().filter(|p| !HEAVY.contains(p)) {
        for seed in 0..500 {
            run(preset(name).unwrap(), seed, 20.0, true);
        }
    }
}

#[test]
fn same_seed_same_run_other_seed_other_run() {
    let a = run(preset("quickstart").unwrap(), 42, 5.0, false);
    let b = run(preset("quickstart").unwrap(), 42, 5.0, false);
    let c = run(preset("quickstart").unwrap(), 43, 5.0, false);
    assert_eq!(a.trace_hash(), b.trace_hash());
    assert_eq!(a.summary(), b.summary());
    assert_ne!(a.trace_hash(), c.trace_hash());
}

#[test]
fn peak_shaving_backlog_grows_in_the_spike_then_drains() {
    let c = run(preset("peak-shaving").unwrap(), 1, 30.0, false);
    let h: Vec<_> = c.history().iter().collect();
    let at = |ms: u64| h.iter().find(|s| s.t_ms == ms).unwrap();
    assert!(at(4_900).backlog_records < 1_000, "before the spike: {}", at(4_900).backlog_records);
    let peak = h.iter().map(|s| s.backlog_records).max().unwrap();
    assert!(peak > 20_000, "the queue absorbs the burst: peak {peak}");
    assert!(at(29_900).backlog_records < peak / 4, "drained: {}", at(29_900).backlog_records);
    // Consumers never ran faster than their capacity: 3 members x 1000 records/s.
    let max_out = h.iter().map(|s| s.outflow_per_sec).fold(0.0, f64::max);
    assert!(max_out <= 3_100.0, "outflow {max_out}");
}

#[test]
fn point_to_point_processes_each_record_once_pubsub_every_group_gets_all() {
    let mut s = preset("p2p-vs-pubsub").unwrap();
    // Stop producing at 10 s, then let every group drain.
    s.events.push(brook_engine::TimedEvent {
        at_ms: 10_000,
        command: Command::SetRate { producer: "api".into(), rate_per_sec: 0.0 },
    });
    let c = run(s, 7, 25.0, true);
    let sum = c.summary();
    assert_eq!(sum.duplicate_records, 0);
    for g in ["workers", "audit", "analytics"] {
        assert_eq!(sum.consumed_records[g], sum.appended_records, "{g}");
        assert_eq!(sum.lag_records[g], 0, "{g}");
    }
    // In the workers group the records were split among members.
    let workers = &c.groups()[0];
    assert!(workers.members.iter().all(|m| m.processed_records > 0));
    let split: u64 = workers.members.iter().map(|m| m.processed_records).sum();
    assert_eq!(split, sum.appended_records);
}

#[test]
fn a_crash_redelivers_uncommitted_records() {
    let c = run(preset("consumer-crash-rebalance").unwrap(), 1, 20.0, true);
    let s = c.summary();
    assert!(s.duplicate_records > 0, "{s:?}");
    assert!(s.rebalances >= 2);
    assert_eq!(s.lost_records, 0);
}

#[test]
fn commit_before_processing_loses_on_crash() {
    let mut s = preset("consumer-crash-rebalance").unwrap();
    s.groups[0].commit = brook_engine::CommitMode::BeforeProcess;
    let c = run(s, 1, 20.0, true);
    let sum = c.summary();
    assert!(sum.lost_records > 0, "{sum:?}");
    assert_eq!(sum.duplicate_records, 0);
}

#[test]
fn hot_key_overloads_one_partition() {
    let c = run(preset("hot-key-skew").unwrap(), 1, 10.0, false);
    let ends: Vec<u64> = c.topics()[0].partitions.iter().map(|p| p.log.log_end_offset()).collect();
    let max = *ends.iter().max().unwrap();
    let min = *ends.iter().min().unwrap();
    assert!(max > 3 * min.max(1), "{ends:?}");
}

#[test]
fn retention_by_bytes_deletes_and_counts_unread_records_as_lost() {
    let mut s = preset("peak-shaving").unwrap();
    s.topics[0].segment_bytes = 64 * 1024;
    s.topics[0].retention_bytes = Some(256 * 1024);
    let c = run(s, 1, 15.0, true);
    assert!(c.topics()[0].partitions.iter().all(|p| p.log.log_start_offset() > 0));
    assert!(c.summary().lost_records > 0, "the lagging group lost records to retention");
}

#[test]
fn commands_take_effect_and_bad_ones_become_notices() {
    let mut c = Cluster::new(preset("quickstart").unwrap());
    c.command(Command::AddMember { group: "billing".into() }).unwrap();
    c.command(Command::AddMember { group: "nope".into() }).unwrap();
    c.step();
    assert_eq!(c.groups()[0].members.len(), 3);
    assert!(c.notices().any(|n| n.contains("nope")));
    c.command(Command::AddPartitions { topic: "orders".into(), count: 2 }).unwrap();
    c.step();
    assert_eq!(c.topics()[0].partitions.len(), 6);
}

/// The trace hash of quickstart, seed 99, 5 virtual seconds. The wasm test in the root
/// package's tests/web.rs checks the same value, so native and wasm runs are bit-identical.
const QUICKSTART_TRACE_HASH: u64 = include!("quickstart_trace_hash.txt");

#[test]
fn trace_hash_matches_the_value_wasm_checks() {
    let mut s = preset("quickstart").unwrap();
    s.seed = 99;
    let mut c = Cluster::new(s);
    c.run_until(5_000_000);
    assert_eq!(
        c.trace_hash(),
        QUICKSTART_TRACE_HASH,
        "native hash {:#x}; if the engine changed on purpose, update quickstart_trace_hash.txt",
        c.trace_hash()
    );
}

#[test]
fn acks_all_survives_a_broker_crash_acks_one_loses_what_followers_lacked() {
    for seed in 0..10 {
        let c = run(preset("broker-failure-acks").unwrap(), seed, 30.0, seed < 2);
        let s = c.summary();
        assert!(s.leader_elections >= 3, "seed {seed}: {s:?}");
        assert_eq!(s.unclean_elections, 0);
        assert_eq!(s.committed_lost_records, 0, "seed {seed}: acks=all lost nothing");
        assert!(s.acked_lost_records > 0, "seed {seed}: acks=1 lost some acknowledged records");
        // Every record acknowledged to the acks=all producer is in the orders log.
        let safe = &c.producers()[0];
        let in_log: u64 = c.topics()[0].partitions.iter().map(|p| p.log.log_end_offset()).sum();
        assert!(safe.stats.acked_records <= in_log, "seed {seed}");
        assert!(s.not_enough_replicas > 0, "seed {seed}: two brokers down stalls min.insync=2");
        // The idempotent acks=all producer never duplicates, whatever it resends.
        assert!(safe.stats.retried_records > 0, "seed {seed}");
        assert_eq!(safe.stats.duplicated_records, 0, "seed {seed}");
    }
}

fn two_broker_scenario(unclean: bool) -> Scenario {
    let mut s = preset("quickstart").unwrap();
    s.cluster.brokers = 2;
    s.cluster.replica_lag_time_max_ms = 1_000;
    s.cluster.broker_session_timeout_ms = 500;
    s.topics[0].replication_factor = 2;
    s.topics[0].unclean_leader_election = unclean;
    for p in &mut s.producers {
        p.acks = brook_engine::Acks::Leader;
    }
    let at = |at_ms, command| brook_engine::TimedEvent { at_ms, command };
    // Broker 1 (a follower of the partitions broker 0 leads) dies and falls out of the ISR;
    // then broker 0 dies too, and broker 1 comes back first with stale data.
    s.events = vec![
        at(2_000, Command::CrashBroker { broker: 1 }),
        at(6_000, Command::CrashBroker { broker: 0 }),
        at(8_000, Command::RestartBroker { broker: 1 }),
    ];
    s
}

#[test]
fn unclean_election_trades_lost_committed_records_for_availability() {
    let clean = run(two_broker_scenario(false), 3, 12.0, true);
    let unclean = run(two_broker_scenario(true), 3, 12.0, true);
    let (c, u) = (clean.summary(), unclean.summary());
    assert_eq!(c.unclean_elections, 0);
    assert_eq!(c.committed_lost_records, 0);
    // Without unclean election the partitions broker 0 led stay offline.
    assert!(clean.topics()[0].partitions.iter().any(|p| p.leader.is_none()));
    assert!(u.unclean_elections > 0, "{u:?}");
    assert!(u.committed_lost_records > 0, "{u:?}");
    assert!(unclean.topics()[0].partitions.iter().all(|p| p.leader.is_some()));
}

#[test]
fn retries_without_idempotence_duplicate_in_the_log() {
    // Answers in flight when the leader crashes are lost; their records are resent. Try a few
    // crash instants so some answers are on the wire at the crash.
    let mut dups = 0;
    for crash_ms in (5_000..5_020).step_by(5) {
        let mut s = preset("broker-failure-acks").unwrap();
        s.events[0].at_ms = crash_ms;
        let mut plain = s.clone();
        plain.producers[0].enable_idempotence = Some(false);
        let idem = run(s, 1, 30.0, false);
        assert_eq!(
            idem.producers()[0].stats.duplicated_records,
            0,
            "idempotent, crash at {crash_ms}"
        );
        dups += run(plain, 1, 30.0, false).producers()[0].stats.duplicated_records;
    }
    assert!(dups > 0, "a non-idempotent producer duplicated records");
}

#[test]
fn a_quota_throttles_the_producer_and_its_buffer_fills() {
    let mut s = preset("quickstart").unwrap();
    s.producers[0].quota_bytes_per_sec = Some(50_000); // 400 rec/s x 512 B = 204,800 B/s wanted
    s.producers[0].buffer_bytes = 65_536;
    s.producers[0].max_block_ms = 1_000;
    let c = run(s, 1, 10.0, true);
    let p = &c.producers()[0];
    assert!(p.stats.throttled_us > 1_000_000, "{:?}", p.stats);
    assert!(p.stats.blocked_us > 0 && p.stats.failed_records > 0, "{:?}", p.stats);
    // Appended bytes stay near the quota: 10 s x 50 kB/s, plus one second of burst allowance.
    let appended: u64 = c.topics()[0].partitions.iter().map(|x| x.log.size_bytes()).sum();
    let from_p0 = appended - c.producers()[1].stats.acked_records * 512;
    assert!(from_p0 <= 11 * 50_000 + 16_384, "{from_p0}");
}

#[test]
fn push_overwhelms_slow_subscribers_as_each_push_system_does_prefetch_and_pull_do_not() {
    for seed in 0..5 {
        let c = run(preset("slow-subscriber-push-vs-pull").unwrap(), seed, 20.0, seed == 0);
        let sub = |name: &str| c.subscriptions().iter().find(|s| s.spec.name == name).unwrap();
        let fast = sub("dashboard");
        assert_eq!(fast.lost_records(), 0);
        assert_eq!(fast.stats.consumer_crashes, 0);
        assert!(fast.stats.idle_us > 10_000_000, "seed {seed}: the fast subscriber mostly waits");
        // RabbitMQ without prefetch: the clients die and their deliveries are requeued, to the
        // other consumer: nothing is lost.
        let rabbit = sub("phone-no-prefetch");
        assert!(rabbit.stats.consumer_crashes > 0, "seed {seed}: out of memory");
        assert!(rabbit.stats.requeued_records > 0);
        assert!(rabbit.consumers.iter().any(|k| k.redelivered_records > 0));
        assert_eq!(rabbit.lost_records(), 0, "seed {seed}: RabbitMQ requeues, never loses");
        // Redis Pub/Sub: cut off, and what is published meanwhile is missed.
        let redis = sub("phone-redis");
        assert!(redis.stats.disconnects > 0, "seed {seed}: output buffer limit");
        assert!(redis.stats.missed_records > 0 && redis.stats.discarded_records > 0);
        // MQTT QoS 0: drops beyond its queue of 1000.
        let mqtt = sub("phone-mqtt");
        assert!(mqtt.stats.dropped_records > 0, "seed {seed}: the queue overflowed");
        assert!(mqtt.stats.inbox_records_peak <= 1_000);
        // RabbitMQ with a prefetch window: the broker holds the excess.
        let credit = sub("phone-prefetch-200");
        assert_eq!(credit.lost_records(), 0, "seed {seed}: prefetch holds the excess");
        assert_eq!(credit.stats.consumer_crashes, 0);
        assert!(credit.stats.inbox_records_peak <= 200);
        let pull = &c.groups()[0].stats;
        assert_eq!(pull.lost_records + pull.lost_to_retention_records, 0, "seed {seed}: pull");
        let s = c.summary();
        // What the push systems dropped, cut off or missed is lost, and counted so: lost is the
        // sum of its causes.
        let push_lost: u64 = c.subscriptions().iter().map(|x| x.lost_records()).sum();
        let causes: u64 = s.lost_records_by_cause.values().sum();
        assert_eq!(s.lost_records, causes, "seed {seed}");
        assert_eq!(s.lost_records, push_lost, "seed {seed}: the pull group loses nothing");
        assert!(s.lag_records["phone-prefetch-200"] > 1_000, "the broker holds the backlog");
    }
}

#[test]
fn a_share_group_gives_each_record_to_one_member_and_redelivers_failures() {
    let mut s = preset("share-group-queue").unwrap();
    s.events.clear(); // no crash
    s.share_groups[0].failure_rate = 0.0;
    s.share_groups[0].speed_factors.clear(); // no lock outlived
    s.events.push(brook_engine::TimedEvent {
        at_ms: 5_000,
        command: Command::SetRate { producer: "scheduler".into(), rate_per_sec: 0.0 },
    });
    let c = run(s, 4, 15.0, true);
    let g = &c.share_groups()[0];
    let appended = c.summary().appended_records;
    assert_eq!(g.stats.accepted_records, appended, "every job accepted once");
    assert_eq!(g.stats.redelivered_records, 0);
    // More members than partitions, and all of them worked.
    assert!(g.members.iter().all(|m| m.accepted_records > 0));
    let classic = &c.groups()[0];
    let idle =
        (0..6).filter(|&i| classic.member_state(i) == brook_engine::MemberState::Idle).count();
    assert_eq!(idle, 4, "a consumer group uses at most one member per partition");
}

#[test]
fn share_group_failures_and_crashes_redeliver_and_archive() {
    let c = run(preset("share-group-queue").unwrap(), 2, 20.0, true);
    let st = c.share_groups()[0].stats;
    assert!(st.released_records > 0 && st.redelivered_records > 0, "{st:?}");
    assert!(st.expired_locks > 0, "the crashed worker's locks expired: {st:?}");
    let mut s = preset("share-group-queue").unwrap();
    s.share_groups[0].failure_rate = 0.6;
    let c = run(s, 2, 10.0, true);
    assert!(c.share_groups()[0].stats.archived_records > 0, "past the delivery limit: archived");
    let mut s = preset("share-group-queue").unwrap();
    s.share_groups[0].failure_rate = 0.0;
    s.share_groups[0].reject_rate = 0.1;
    let c = run(s, 2, 10.0, true);
    let st = c.share_groups()[0].stats;
    assert!(st.rejected_records > 0 && st.released_records == 0, "{st:?}");
    assert_eq!(st.archived_records, st.rejected_records, "a rejected record is never redelivered");
}

#[test]
fn a_member_slower_than_max_poll_interval_is_removed_and_its_records_redelivered() {
    let mut s = preset("quickstart").unwrap();
    s.groups[0].max_poll_interval_ms = 300; // one poll of 500 records at 2 ms each takes 1 s
                                            // From the earliest offset, the first polls find the records written during the first
                                            // rebalance: 500 of them.
    s.groups[0].auto_offset_reset = brook_engine::OffsetReset::Earliest;
    let c = run(s, 1, 10.0, true);
    let g = &c.groups()[0];
    assert!(g.stats.max_poll_exceeded > 0, "{:?}", g.stats);
    assert!(g.stats.rebalances > 2, "{:?}", g.stats);
    assert!(g.stats.duplicate_records > 0, "uncommitted work is redone: {:?}", g.stats);
    let mut ok = preset("quickstart").unwrap();
    ok.groups[0].max_poll_interval_ms = 5_000;
    assert_eq!(run(ok, 1, 10.0, false).groups()[0].stats.max_poll_exceeded, 0);
}

#[test]
fn configure_commands_apply_or_are_refused_with_the_limit() {
    let mut c = Cluster::new(preset("quickstart").unwrap());
    let ok = Command::ConfigureProducer {
        producer: "checkout".into(),
        rate_per_sec: Some(50.0),
        acks: Some(brook_engine::Acks::Leader),
        linger_ms: Some(20),
        batch_bytes: None,
        buffer_bytes: Some(1 << 20),
        profile: None,
        keys: None,
    };
    c.command(ok).unwrap();
    c.command(Command::ConfigureGroup {
        group: "billing".into(),
        processing_us: Some(99_999_999),
        commit: None,
        assignor: None,
    })
    .unwrap();
    c.step();
    assert_eq!(c.producers()[0].spec.linger_ms, 20);
    assert_eq!(c.producers()[0].spec.buffer_bytes, 1 << 20);
    assert_eq!(c.producers()[0].current_rate(c.now_us()), 50.0);
    assert_eq!(c.groups()[0].spec.processing_us, 2_000, "the refused change did not apply");
    let notice = c.notices().last().unwrap();
    assert_eq!(notice, "command.processing_us: 99999999 exceeds the limit 60000000");
}

#[test]
fn per_partition_offsets_and_commits_are_sampled_into_a_bounded_history() {
    let c = run(preset("p2p-vs-pubsub").unwrap(), 1, 70.0, false);
    let h = c.partition_history();
    assert_eq!(h.len(), brook_engine::PARTITION_HISTORY_MAX, "one a second, the last minute");
    let last = h.last().unwrap();
    assert_eq!(last.t_ms, 70_000);
    assert_eq!(last.partitions.len(), 4);
    assert_eq!(last.committed.len(), 3, "one row per group");
    for (p, o) in last.partitions.iter().enumerate() {
        assert!(o.log_start <= o.high_watermark && o.high_watermark <= o.log_end);
        for g in &last.committed {
            assert!(g[p] <= o.high_watermark);
        }
    }
}

#[test]
fn readers_and_producers_can_be_added_and_removed_while_running() {
    use brook_engine::{
        GroupSpec, ProducerSpec, RateProfile, ReaderSpec, ShareGroupSpec, SubscriptionSpec,
    };
    let mut c = Cluster::new(preset("quickstart").unwrap());
    c.run_until(1_000_000);
    let rate = RateProfile::Constant { rate_per_sec: 300.0 };
    c.command(Command::AddProducer { spec: ProducerSpec::new("late", "orders", rate) }).unwrap();
    let readers = [
        ReaderSpec::Group(GroupSpec::new("audit", "orders", 1, 100)),
        ReaderSpec::Share(ShareGroupSpec::new("jobs", "orders", 3, 100)),
        ReaderSpec::Push(SubscriptionSpec::new("feed", "orders", 100, Some(50))),
    ];
    for reader in readers {
        c.command(Command::AddReader { reader }).unwrap();
    }
    let dup = ReaderSpec::Group(GroupSpec::new("billing", "orders", 1, 100));
    c.command(Command::AddReader { reader: dup }).unwrap();
    for _ in 0..3_000 {
        c.step();
        c.check_invariants().unwrap();
    }
    assert_eq!(c.producers().len(), 3);
    assert!(c.producers()[2].stats.sent_records > 0);
    let s = c.summary();
    for name in ["audit", "jobs", "feed"] {
        assert!(s.consumed_records[name] > 0, "{name}: {s:?}");
    }
    assert!(c.notices().any(|n| n.contains("\"billing\" is used already")));
    assert_eq!(c.shape().groups.len(), 2, "the shape follows the applied commands");
    c.command(Command::RemoveReader { name: "audit".into() }).unwrap();
    c.command(Command::RemoveReader { name: "feed".into() }).unwrap();
    c.step();
    assert_eq!((c.groups().len(), c.subscriptions().len(), c.share_groups().len()), (1, 0, 1));
    c.check_invariants().unwrap();
    // The export replays the additions and removals (the refused duplicate is not logged).
    assert_eq!(c.command_log().len(), 6);
    let mut replay = Cluster::new(Scenario::from_json(&c.export().to_json()).unwrap());
    replay.run_until(c.now_us());
    assert_eq!(replay.trace_hash(), c.trace_hash());
}

#[test]
fn a_producer_profile_and_keys_can_be_replaced_while_running_and_exported() {
    use brook_engine::{KeySpec, RateProfile};
    let mut c = Cluster::new(preset("quickstart").unwrap());
    c.run_until(2_000_000);
    let ramp = RateProfile::Ramp {
        from_per_sec: 100.0,
        to_per_sec: 900.0,
        start_ms: 3_000,
        duration_ms: 2_000,
    };
    let keys = KeySpec::Zipf { count: 50, exponent: 2.0 };
    let Command::ConfigureProducer { producer, .. } = configure_producer("checkout") else {
        unreachable!()
    };
    let change = Command::ConfigureProducer {
        producer,
        rate_per_sec: None,
        acks: None,
        linger_ms: None,
        batch_bytes: None,
        buffer_bytes: None,
        profile: Some(ramp.clone()),
        keys: Some(keys.clone()),
    };
    c.command(change).unwrap();
    c.run_until(4_000_000);
    assert_eq!(c.producers()[0].current_rate(c.now_us()), 500.0, "halfway up the ramp");
    assert_eq!(c.producers()[0].spec.keys, keys);
    assert_ne!(c.scenario().producers[0].rate, ramp, "the starting scenario stays as loaded");
    let exported = Scenario::from_json(&c.export().to_json()).unwrap();
    let mut replay = Cluster::new(exported);
    replay.run_until(c.now_us());
    assert_eq!(replay.producers()[0].spec.rate, ramp, "the replay has the settings in force");
    assert_eq!(replay.producers()[0].spec.keys, keys);
    assert_eq!(replay.trace_hash(), c.trace_hash());
    // Zipf keys with a steep exponent: key-0 dominates, so its partition gets most records.
    let before: Vec<u64> =
        c.topics()[0].partitions.iter().map(|p| p.log.log_end_offset()).collect();
    c.run_until(8_000_000);
    let grew: Vec<u64> = c.topics()[0]
        .partitions
        .iter()
        .zip(&before)
        .map(|(p, b)| p.log.log_end_offset() - b)
        .collect();
    let (max, total) = (*grew.iter().max().unwrap(), grew.iter().sum::<u64>());
    assert!(max * 2 > total, "one partition takes most of the skewed keys: {grew:?}");
    check(&c, 1);

    let mut both = configure_producer("checkout");
    if let Command::ConfigureProducer { rate_per_sec, profile, .. } = &mut both {
        *rate_per_sec = Some(5.0);
        *profile = Some(RateProfile::Constant { rate_per_sec: 5.0 });
    }
    c.command(both).unwrap();
    c.step();
    assert!(c.notices().last().unwrap().contains("give rate_per_sec or profile, not both"));
    let mut zero_keys = configure_producer("checkout");
    if let Command::ConfigureProducer { keys, .. } = &mut zero_keys {
        *keys = Some(KeySpec::Uniform { count: 0 });
    }
    let why = c.scenario().check_command(&zero_keys).unwrap_err();
    assert_eq!(why, "command.keys.count: 0 is below the minimum 1");
}

fn check(c: &Cluster, seed: u64) {
    if let Err(e) = c.check_invariants() {
        panic!("invariant broken at {} us with seed {seed}: {e}", c.now_us());
    }
}

#[test]
fn a_closed_producer_sends_what_it_holds_then_stops() {
    let mut s = preset("quickstart").unwrap();
    s.producers[0].linger_ms = 1_000; // batches wait long: closing must not wait for them
    let mut c = Cluster::new(s);
    c.run_until(2_500_000);
    c.command(Command::RemoveProducer { producer: "checkout".into() }).unwrap();
    c.run_until(3_000_000);
    let p = &c.producers()[0];
    assert!(p.closed);
    assert_eq!(p.buffer_bytes_used(), 0, "everything it held was sent and acknowledged");
    assert_eq!(p.stats.acked_records, p.stats.sent_records);
    let sent = p.stats.sent_records;
    c.run_until(5_000_000);
    assert_eq!(c.producers()[0].stats.sent_records, sent, "no record after close");
    c.command(Command::RemoveProducer { producer: "checkout".into() }).unwrap();
    c.step();
    assert!(c.notices().last().unwrap().contains("closed already"));
    check(&c, 1);
}

#[test]
fn brokers_join_and_an_empty_one_may_leave() {
    let mut c = Cluster::new(preset("broker-failure-acks").unwrap());
    let before = c.brokers().len();
    c.command(Command::AddBroker).unwrap();
    c.step();
    assert_eq!(c.brokers().len(), before + 1);
    assert_eq!(c.shape().cluster.brokers as usize, before + 1);
    assert_eq!(c.scenario().cluster.brokers as usize, before, "the start stays as loaded");
    let id = before as u32;
    // The new broker is empty until partitions are added; it can crash and restart.
    c.command(Command::CrashBroker { broker: id }).unwrap();
    c.command(Command::RestartBroker { broker: id }).unwrap();
    c.command(Command::RemoveBroker { broker: id }).unwrap();
    c.step();
    assert_eq!(c.brokers().len(), before, "{:?}", c.notices().collect::<Vec<_>>());
    // Only the highest-numbered broker may leave.
    c.command(Command::RemoveBroker { broker: 0 }).unwrap();
    c.step();
    assert!(c.notices().last().unwrap().contains("only the highest-numbered broker"));
    // Every partition has a replica on each of the three brokers: broker 2's have nowhere to go.
    c.command(Command::RemoveBroker { broker: id - 1 }).unwrap();
    c.step();
    let n = c.notices().last().unwrap().to_string();
    assert!(n.contains("has a replica on every other live broker"), "{n}");
    assert_eq!(c.brokers().len(), before);
    // A new broker takes replicas of partitions added later.
    c.command(Command::AddBroker).unwrap();
    let topic = c.topics()[0].name.clone();
    c.command(Command::AddPartitions { topic, count: 3 }).unwrap();
    c.run_until(c.now_us() + 3_000_000);
    let on_new = c.topics()[0]
        .partitions
        .iter()
        .filter(|p| p.replicas.iter().any(|r| r.broker as u32 == id))
        .count();
    assert!(on_new > 0);
    check(&c, 1);
}

#[test]
fn removing_a_broker_moves_its_replicas_then_it_leaves_and_committed_data_survives() {
    let hosted_on = |c: &Cluster, b: u16| {
        c.topics()
            .iter()
            .flat_map(|t| &t.partitions)
            .filter(|p| p.replicas.iter().any(|r| r.broker == b))
            .count()
    };
    for seed in 0..8 {
        let mut s = preset("broker-failure-acks").unwrap();
        s.events.clear(); // no crashes: only the move
        s.seed = seed;
        let mut c = Cluster::new(s);
        c.command(Command::AddBroker).unwrap();
        let topic = c.topics()[0].name.clone();
        c.command(Command::AddPartitions { topic, count: 1 }).unwrap();
        c.run_until(3_000_000);
        assert_eq!(hosted_on(&c, 3), 1, "the new partition has a replica on the new broker");
        let consumed_before: u64 = c.summary().consumed_records.values().sum();
        c.command(Command::RemoveBroker { broker: 3 }).unwrap();
        c.step();
        assert!(c.brokers()[3].leaving, "seed {seed}: {:?}", c.notices().collect::<Vec<_>>());
        c.command(Command::AddBroker).unwrap();
        c.step();
        assert!(c.notices().last().unwrap().contains("is leaving"));
        let mut left = false;
        for _ in 0..10_000 {
            c.step();
            check(&c, seed);
            if c.brokers().len() == 3 {
                left = true;
                break;
            }
        }
        assert!(left, "seed {seed}: the broker left once its replica had moved");
        assert_eq!(hosted_on(&c, 3), 0);
        for p in c.topics().iter().flat_map(|t| &t.partitions) {
            assert_eq!(p.replicas.len(), 3, "the replication factor is kept");
            assert!(p.moving.is_none() && p.leader.is_some());
        }
        c.run_until(c.now_us() + 3_000_000);
        let s = c.summary();
        assert_eq!(s.committed_lost_records, 0, "seed {seed}: acks=all data survives a move");
        assert!(s.consumed_records.values().sum::<u64>() > consumed_before, "still flowing");
        assert_eq!(c.scenario().cluster.brokers, 3);
    }
}

/// Seeds per preset for the random clicks.
const RANDOM_CLICK_SEEDS: u64 = 6;

#[test]
fn random_clicks_keep_every_invariant() {
    // 4 presets x 6 seeds, a random command every 300 virtual ms for 12 s; a failure names
    // the preset and seed to replay.
    for name in ["broker-failure-acks", "quickstart", "log-collection", "consumer-crash-rebalance"]
    {
        for seed in 0..RANDOM_CLICK_SEEDS {
            let mut s = preset(name).unwrap();
            s.seed = seed;
            let mut c = Cluster::new(s);
            let mut rng = brook_engine::Rng::new(seed ^ 0x5eed);
            for step in 0..12_000u64 {
                if step % 300 == 0 {
                    c.command(random_command(&c, &mut rng)).unwrap();
                }
                c.step();
                if step % 10 == 0 {
                    if let Err(e) = c.check_invariants() {
                        panic!("{name} seed {seed} at {} us: {e}", c.now_us());
                    }
                }
            }
        }
    }
}

#[test]
fn balancing_moves_replicas_onto_a_new_broker() {
    let mut s = preset("broker-failure-acks").unwrap();
    s.events.clear();
    let mut c = Cluster::new(s);
    c.run_until(2_000_000);
    c.command(Command::AddBroker).unwrap();
    c.command(Command::BalanceReplicas).unwrap();
    c.step();
    let load = |c: &Cluster| {
        let mut l = vec![0; c.brokers().len()];
        for p in c.topics().iter().flat_map(|t| &t.partitions) {
            for r in &p.replicas {
                l[r.broker as usize] += 1;
            }
        }
        l
    };
    assert!(c.topics().iter().flat_map(|t| &t.partitions).any(|p| p.moving.is_some()));
    c.command(Command::BalanceReplicas).unwrap();
    c.step();
    assert!(c.notices().last().unwrap().contains("still copying"));
    for _ in 0..5_000 {
        c.step();
        check(&c, 1);
    }
    assert!(c.topics().iter().flat_map(|t| &t.partitions).all(|p| p.moving.is_none()));
    let l = load(&c);
    assert_eq!(l.iter().sum::<usize>(), 18, "the replication factor is kept: {l:?}");
    let (min, max) = (*l.iter().min().unwrap(), *l.iter().max().unwrap());
    assert!(max - min <= 1, "balanced: {l:?}");
    assert!(l[3] >= 4, "the new broker took its share: {l:?}");
    c.command(Command::BalanceReplicas).unwrap();
    c.step();
    assert!(c.notices().last().unwrap().contains("balanced already"));
    assert_eq!(c.summary().committed_lost_records, 0);
}

#[test]
fn changing_acks_while_batches_are_out_keeps_the_ledgers_and_the_order() {
    // A command may change a producer's acks (Kafka's cannot): batches already out keep the
    // acks they left with, and idempotence switching on or off starts new epochs. Through
    // crashes, every record stays accounted for and idempotent batches stay in order.
    for seed in 0..4 {
        let mut s = preset("broker-failure-acks").unwrap();
        s.seed = seed;
        let mut c = Cluster::new(s);
        let acks = [brook_engine::Acks::Leader, brook_engine::Acks::All, brook_engine::Acks::None];
        for step in 0..20_000u64 {
            if step % 1_300 == 0 {
                for name in ["orders-api", "click-tracker"] {
                    let mut cmd = configure_producer(name);
                    if let Command::ConfigureProducer { acks: a, .. } = &mut cmd {
                        *a = Some(acks[(step / 1_300 + seed) as usize % 3]);
                    }
                    c.command(cmd).unwrap();
                }
            }
            c.step();
            if step % 7 == 0 {
                check(&c, seed);
            }
        }
        let s = c.summary();
        assert!(s.leader_elections > 0 && s.retried_records > 0, "seed {seed}: {s:?}");
    }
}
