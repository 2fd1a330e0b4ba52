//! Push subscriptions are not Kafka (issue 8, defect 10): each follows a real push system, and
//! each test computes its expected outcome from that system's documented rule, never from
//! Brook's earlier output:
//!
//! - RabbitMQ ("Consumer Prefetch" and "Consumer Acknowledgements and Publisher Confirms"
//!   guides): prefetch 0 is no limit, so a slow client buffers deliveries without bound; with a
//!   prefetch count the broker stops at that many unacknowledged; when a consumer's channel
//!   closes (its process died) its unacknowledged deliveries are requeued and another consumer
//!   may receive them.
//! - Redis (`CONFIG SET client-output-buffer-limit`, `checkClientOutputBufferLimits` in
//!   networking.c): a pubsub client is disconnected once its output buffer reaches the hard
//!   limit, or stays at or over the soft limit for more than the soft seconds; Pub/Sub is at
//!   most once, so what is published while it is away is never delivered to it.
//! - Mosquitto (mosquitto.conf `max_queued_messages`, `db__ready_for_flight` in
//!   src/database.c): a QoS 0 message to a client whose queue is full is dropped.

use brook_engine::{
    preset, Cluster, Command, ProducerSpec, PushModel, RateProfile, ReaderSpec, Scenario,
    SubscriptionSpec, TimedEvent, TopicSpec,
};

/// Records are this many bytes.
const RECORD_BYTES: u64 = 1_000;
/// The publisher's rate, records per second.
const RATE_PER_SEC: f64 = 4_000.0;

/// One partition, one producer at `RATE_PER_SEC` records of `RECORD_BYTES`, and `sub`.
fn scenario(sub: SubscriptionSpec) -> Scenario {
    let mut s = preset("quickstart").unwrap();
    s.name = "push-model".into();
    s.topics = vec![TopicSpec::new("ticks", 1)];
    let mut p =
        ProducerSpec::new("feed", "ticks", RateProfile::Constant { rate_per_sec: RATE_PER_SEC });
    p.record_bytes = RECORD_BYTES as u32;
    s.producers = vec![p];
    s.groups = Vec::new();
    s.share_groups = Vec::new();
    s.subscriptions = vec![sub];
    s.events = Vec::new();
    s.validate().unwrap();
    s
}

/// One step, then the invariants (every record taken is processed, held or lost with a cause).
fn step(c: &mut Cluster) {
    c.step();
    if let Err(e) = c.check_invariants() {
        panic!("invariant broken at {} us: {e}", c.now_us());
    }
}

fn high_watermark(c: &Cluster) -> u64 {
    c.topics()[0].partitions[0].log.high_watermark()
}

/// Seconds, from microseconds.
fn secs(us: u64) -> f64 {
    us as f64 / 1e6
}

#[test]
fn redis_disconnects_at_the_hard_limit_and_the_subscriber_misses_what_is_published_meanwhile() {
    // The subscriber processes 2000 records/s (500 us each) of 4000 published: its output
    // buffer grows by R = 2000 x 1000 B = 2 MB/s. With the hard limit H = 4 MB and no soft
    // limit, Redis disconnects it when the buffer reaches H: at H / R = 2 s.
    let hard = 4_000_000;
    let mut sub =
        SubscriptionSpec::new("ticker", "ticks", 500, None).with_model(PushModel::RedisPubsub);
    sub.output_buffer_hard_bytes = hard;
    sub.output_buffer_soft_bytes = 0;
    sub.reconnect_delay_ms = 1_500;
    let mut c = Cluster::new(scenario(sub));
    let growth = (RATE_PER_SEC - 2_000.0) * RECORD_BYTES as f64;
    let expected_s = hard as f64 / growth;
    while c.subscriptions()[0].stats.disconnects == 0 {
        step(&mut c);
        assert!(c.now_us() < 10_000_000, "never disconnected");
    }
    let t1 = c.now_us();
    assert!(
        (secs(t1) - expected_s).abs() < 0.03 * expected_s,
        "disconnected at {} s, expected {expected_s} s",
        secs(t1)
    );
    // The buffer freed with the client held at least H and less than H plus one step's
    // pushes (a few batches).
    let st = c.subscriptions()[0].stats;
    assert!(st.discarded_records * RECORD_BYTES >= hard, "{}", st.discarded_records);
    assert!(st.discarded_records * RECORD_BYTES < hard + 64_000, "{}", st.discarded_records);
    assert_eq!(st.missed_records, 0);
    // While it is away, it misses exactly the records published (committed) meanwhile: the
    // high watermark's advance from the disconnection to the step before it subscribes again,
    // 1.5 s later.
    let hw1 = high_watermark(&c);
    let mut hw_before = hw1;
    while c.subscriptions()[0].consumers[0].is_down() {
        hw_before = high_watermark(&c);
        step(&mut c);
    }
    assert_eq!(c.now_us(), t1 + 1_500_000, "it subscribes again after reconnect_delay_ms");
    let missed = c.subscriptions()[0].stats.missed_records;
    assert_eq!(missed, hw_before - hw1, "missed exactly the records published while away");
    assert!((missed as f64 - 1.5 * RATE_PER_SEC).abs() < 0.02 * 1.5 * RATE_PER_SEC, "{missed}");
    // After subscribing again it gets new messages only: nothing below the high watermark of
    // the step before it came back.
    loop {
        step(&mut c);
        if let Some(first) = c.subscriptions()[0].consumers[0].inbox.front() {
            assert!(first.from >= hw_before, "{} < {hw_before}", first.from);
            break;
        }
    }
    assert_eq!(c.subscriptions()[0].stats.missed_records, missed);
}

#[test]
fn redis_disconnects_after_the_soft_limit_holds_longer_than_its_seconds() {
    // No hard limit; soft limit S = 1 MB for 1 s. The buffer grows by 2 MB/s (as above), so it
    // reaches S at 0.5 s and Redis cuts the client off once it has stayed over S for more
    // than 1 s: at 1.5 s.
    let mut sub =
        SubscriptionSpec::new("ticker", "ticks", 500, None).with_model(PushModel::RedisPubsub);
    sub.output_buffer_hard_bytes = 0;
    sub.output_buffer_soft_bytes = 1_000_000;
    sub.output_buffer_soft_seconds = 1;
    let mut c = Cluster::new(scenario(sub));
    let growth = (RATE_PER_SEC - 2_000.0) * RECORD_BYTES as f64;
    let expected_s = 1_000_000.0 / growth + 1.0;
    // Near the limit the buffer dips under it between batches (the clock restarts then, as
    // in Redis): the clock that counts is the one running when the client is cut off.
    let mut over_since = None;
    while c.subscriptions()[0].stats.disconnects == 0 {
        over_since = c.subscriptions()[0].consumers[0].soft_since_us;
        step(&mut c);
        assert!(c.now_us() < 10_000_000, "never disconnected");
    }
    let t1 = c.now_us();
    assert!((secs(t1) - expected_s).abs() < 0.03 * expected_s, "at {} s", secs(t1));
    // Strictly more than the soft seconds over the soft limit without a break.
    let since = over_since.expect("over the soft limit first");
    assert_eq!(t1 - since, 1_000_000 + 1_000, "the first step past 1 s over the soft limit");
}

#[test]
fn rabbitmq_without_prefetch_a_slow_consumer_dies_and_its_deliveries_go_to_the_other() {
    // Two consumers share the queue in turn, so each gets about 2000 of the 4000 records/s and
    // processes 1000 (1 ms each): its client buffers 1000 records/s more, 1 MB/s. With 2 MB of
    // memory the first to pass it dies at about 2 s. RabbitMQ then requeues every delivery it
    // had not acknowledged, and the other consumer receives them.
    let mut sub = SubscriptionSpec::new("workers", "ticks", 1_000, None);
    sub.consumers = 2;
    sub.memory_bytes_max = 2_000_000;
    sub.restart_delay_ms = 5_000;
    let mut c = Cluster::new(scenario(sub));
    let growth = (RATE_PER_SEC / 2.0 - 1_000.0) * RECORD_BYTES as f64;
    let expected_s = 2_000_000.0 / growth;
    while c.subscriptions()[0].stats.consumer_crashes == 0 {
        step(&mut c);
        assert!(c.now_us() < 10_000_000, "never ran out of memory");
    }
    let t1 = c.now_us();
    assert!((secs(t1) - expected_s).abs() < 0.05 * expected_s, "at {} s", secs(t1));
    let sub = &c.subscriptions()[0];
    let dead = sub.consumers.iter().position(|k| k.is_down()).unwrap();
    let other = 1 - dead;
    let requeued = sub.stats.requeued_records;
    // It held more than its memory when it died, all of it unacknowledged.
    assert!(requeued * RECORD_BYTES > 2_000_000, "{requeued}");
    assert_eq!(sub.consumers[dead].down_until_us, Some(t1 + 5_000_000), "restarts 5 s later");
    assert_eq!(sub.consumers[other].redelivered_records, 0);
    // The next step sends every requeued delivery to the consumer still alive.
    step(&mut c);
    let sub = &c.subscriptions()[0];
    assert_eq!(sub.consumers[other].redelivered_records, requeued);
    assert_eq!(sub.lost_records(), 0, "RabbitMQ requeues; nothing is lost");
    // Whatever follows (the other dies too: it now holds its own backlog and the requeued
    // one), nothing is lost and the dead consumer comes back when its delay is over.
    while c.now_us() < t1 + 5_000_000 {
        step(&mut c);
    }
    let back = &c.subscriptions()[0].consumers[dead];
    assert!(!back.is_down(), "restarted at {} s", secs(c.now_us()));
    assert_eq!(back.crashes, 1);
    assert_eq!(c.subscriptions()[0].lost_records(), 0);
}

#[test]
fn rabbitmq_with_a_prefetch_count_holds_the_excess_in_the_queue() {
    // The same two slow consumers with basic.qos 100: each holds at most 100 unacknowledged
    // deliveries (100 kB), never near its memory; the queue (the broker) keeps the rest, so
    // the backlog grows by 4000 - 2 x 1000 = 2000 records/s and nothing is lost.
    let mut sub = SubscriptionSpec::new("workers", "ticks", 1_000, Some(100));
    sub.consumers = 2;
    sub.memory_bytes_max = 2_000_000;
    let mut c = Cluster::new(scenario(sub));
    while c.now_us() < 5_000_000 {
        step(&mut c);
    }
    let sub = &c.subscriptions()[0];
    assert_eq!(sub.stats.consumer_crashes, 0);
    assert_eq!(sub.lost_records(), 0);
    assert!(sub.stats.inbox_records_peak <= 100);
    assert!(sub.stats.buffer_bytes_peak <= 100 * RECORD_BYTES);
    let processed: Vec<u64> = sub.consumers.iter().map(|k| k.processed_records).collect();
    for p in &processed {
        assert!((*p as f64 - 5_000.0).abs() < 100.0, "each processes 1000/s: {processed:?}");
    }
    let lag = c.reader_lag(c.readers().next().unwrap());
    assert!((lag as f64 - 10_000.0).abs() < 300.0, "the broker holds 2000/s for 5 s: {lag}");
}

#[test]
fn mqtt_qos0_drops_what_does_not_fit_the_client_queue() {
    // Mosquitto's default max_queued_messages 1000. The client processes 1000 of 4000
    // records/s, so its queue fills at 1000 / 3000 s = 0.333 s; after that everything the
    // client cannot take is dropped: by 3 s, 3 x 3000 - 1000 = 8000 records.
    let sub = SubscriptionSpec::new("sensor", "ticks", 1_000, None).with_model(PushModel::MqttQos0);
    assert_eq!(sub.inbox_records_max, 1_000, "Mosquitto's default");
    let mut c = Cluster::new(scenario(sub));
    let excess = RATE_PER_SEC - 1_000.0;
    while c.subscriptions()[0].stats.dropped_records == 0 {
        step(&mut c);
        assert!(c.now_us() < 5_000_000);
    }
    let first = secs(c.now_us());
    assert!((first - 1_000.0 / excess).abs() < 0.05, "first drop at {first} s");
    while c.now_us() < 3_000_000 {
        step(&mut c);
    }
    let sub = &c.subscriptions()[0];
    let dropped = sub.stats.dropped_records as f64;
    let expected = 3.0 * excess - 1_000.0;
    assert!((dropped - expected).abs() < 0.03 * expected, "{dropped} dropped, expected {expected}");
    assert!(sub.stats.inbox_records_peak <= 1_000);
    assert_eq!(sub.stats.disconnects + sub.stats.consumer_crashes, 0);
    let s = c.summary();
    assert_eq!(s.push_dropped_records, sub.stats.dropped_records);
    assert_eq!(s.lost_records_by_cause["push-overflow"], sub.stats.dropped_records);
}

#[test]
fn summary_names_each_push_loss_and_event() {
    let c = {
        let mut c = Cluster::new(preset("slow-subscriber-push-vs-pull").unwrap());
        c.run_until(20_000_000);
        c
    };
    let s = c.summary();
    let subs = c.subscriptions();
    let sum = |f: fn(&brook_engine::SubscriptionStats) -> u64| {
        subs.iter().map(|x| f(&x.stats)).sum::<u64>()
    };
    assert_eq!(s.push_disconnects, sum(|x| x.disconnects));
    assert_eq!(s.push_missed_records, sum(|x| x.missed_records));
    assert_eq!(s.push_discarded_records, sum(|x| x.discarded_records));
    assert_eq!(s.push_consumer_crashes, sum(|x| x.consumer_crashes));
    assert_eq!(s.push_requeued_records, sum(|x| x.requeued_records));
    assert_eq!(s.lost_records_by_cause["push-missed-while-disconnected"], s.push_missed_records);
    assert_eq!(s.lost_records_by_cause["push-disconnected-buffer"], s.push_discarded_records);
    assert!(s.push_disconnects > 0 && s.push_consumer_crashes > 0 && s.push_dropped_records > 0);
}

#[test]
fn a_subscription_added_while_running_gets_only_what_is_published_after() {
    // Push systems deliver to a subscriber what is published after it subscribes (Kafka's
    // log keeps history; a push broker's subscription does not).
    let mut s = scenario(SubscriptionSpec::new("first", "ticks", 10, None));
    let late = SubscriptionSpec::new("late", "ticks", 10, None);
    s.events = vec![TimedEvent {
        at_ms: 2_000,
        command: Command::AddReader { reader: ReaderSpec::Push(late) },
    }];
    let mut c = Cluster::new(s);
    while c.now_us() < 2_000_000 {
        step(&mut c);
    }
    step(&mut c);
    let hw_at_join = high_watermark(&c);
    while c.now_us() < 3_000_000 {
        step(&mut c);
    }
    let late = &c.subscriptions()[1];
    assert_eq!(late.spec.name, "late");
    assert!(late.stats.routed_records <= high_watermark(&c) - hw_at_join + 50);
    assert!(late.stats.routed_records > 3_000, "{}", late.stats.routed_records);
}

#[test]
fn files_from_before_the_models_load_as_the_nearest_real_system() {
    let sub = |extra: &str| {
        format!(
            r#"{{"version": 1, "name": "old", "topics": [{{"name": "t", "partitions": 1}}],
            "producers": [], "subscriptions": [{{"name": "s", "topics": ["t"],
            "processing_us": 10{extra}}}]}}"#
        )
    };
    let model = |extra: &str| Scenario::from_json(&sub(extra)).unwrap().subscriptions[0].push_model;
    // A prefetch window is RabbitMQ's basic.qos; without one, Brook's old drop-when-full push is
    // MQTT QoS 0.
    assert_eq!(model(r#", "prefetch": 200, "inbox_records_max": 10000"#), PushModel::Rabbitmq);
    assert_eq!(model(r#", "prefetch": null, "inbox_records_max": 2000"#), PushModel::MqttQos0);
    assert_eq!(model(""), PushModel::MqttQos0);
    assert_eq!(model(r#", "push_model": "redis-pubsub""#), PushModel::RedisPubsub);
    assert_eq!(model(r#", "push_model": "mqtt-qos0""#), PushModel::MqttQos0);
    assert_eq!(model(r#", "push_model": "rabbitmq", "consumers": 3"#), PushModel::Rabbitmq);
    // A written file reads back the same.
    let s = preset("slow-subscriber-push-vs-pull").unwrap();
    assert_eq!(Scenario::from_json(&s.to_json()).unwrap(), s);
}

#[test]
fn push_settings_are_checked_against_their_model_and_limits() {
    let errors = |extra: &str| {
        let text = format!(
            r#"{{"version": 1, "name": "bad", "topics": [{{"name": "t", "partitions": 1}}],
            "producers": [], "subscriptions": [{{"name": "s", "topics": ["t"],
            "processing_us": 10{extra}}}]}}"#
        );
        match Scenario::from_json(&text) {
            Ok(_) => Vec::new(),
            Err(e) => e.into_iter().map(|e| format!("{}: {}", e.path, e.message)).collect(),
        }
    };
    let one = |extra: &str, path: &str, words: &str| {
        let e = errors(extra);
        assert!(e.iter().any(|m| m.starts_with(path) && m.contains(words)), "{extra}: {e:?}");
    };
    one(
        r#", "push_model": "redis-pubsub", "prefetch": 10"#,
        "subscriptions[0].prefetch",
        "rabbitmq",
    );
    one(r#", "push_model": "mqtt-qos0", "consumers": 2"#, "subscriptions[0].consumers", "rabbitmq");
    one(r#", "push_model": "rabbitmq", "consumers": 65"#, "subscriptions[0].consumers", "64");
    one(r#", "memory_bytes_max": 0"#, "subscriptions[0].memory_bytes_max", "minimum 1");
    one(
        r#", "output_buffer_hard_bytes": 1099511627777"#,
        "subscriptions[0].output_buffer_hard_bytes",
        "1099511627776",
    );
    one(
        r#", "output_buffer_soft_seconds": 3601"#,
        "subscriptions[0].output_buffer_soft_seconds",
        "3600",
    );
    one(r#", "reconnect_delay_ms": 3600001"#, "subscriptions[0].reconnect_delay_ms", "3600000");
    one(r#", "restart_delay_ms": 3600001"#, "subscriptions[0].restart_delay_ms", "3600000");
    one(r#", "inbox_records_max": 0"#, "subscriptions[0].inbox_records_max", "minimum 1");
    assert!(errors(r#", "push_model": "rabbitmq", "prefetch": 10, "consumers": 64"#).is_empty());
    // The prefetch window can be changed only on a RabbitMQ subscription.
    let s = preset("slow-subscriber-push-vs-pull").unwrap();
    let set =
        |name: &str| Command::ConfigureSubscription { subscription: name.into(), prefetch: 50 };
    assert!(s.check_command(&set("phone-no-prefetch")).is_ok());
    let refused = s.check_command(&set("phone-mqtt")).unwrap_err();
    assert!(refused.contains("prefetch") && refused.contains("rabbitmq"), "{refused}");
}
