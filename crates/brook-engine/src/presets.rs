//! Built-in scenarios: each shows one claim about message brokers happening.

use crate::group::GroupSpec;
use crate::producer::{KeySpec, ProducerSpec, RateProfile};
use crate::push::{PushModel, SubscriptionSpec};
use crate::scenario::{ClusterSpec, Command, Scenario, TimedEvent, TopicSpec, SCENARIO_VERSION};
use crate::share::ShareGroupSpec;
use crate::vocab::{CommitMode, OffsetReset};
use crate::AssignorKind;

/// Names of the built-in presets, in menu order.
pub const PRESETS: &[&str] = &[
    "quickstart",
    "peak-shaving",
    "log-collection",
    "realtime-analytics",
    "p2p-vs-pubsub",
    "consumer-crash-rebalance",
    "hot-key-skew",
    "broker-failure-acks",
    "slow-subscriber-push-vs-pull",
    "share-group-queue",
    "wide-topic",
    "stress",
    "spike-beyond-capacity",
    "hot-partition",
    "production",
];

fn base(name: &str, description: &str, topics: Vec<TopicSpec>) -> Scenario {
    Scenario {
        version: SCENARIO_VERSION,
        name: name.into(),
        description: description.into(),
        seed: 1,
        duration_s: 30.0,
        cluster: ClusterSpec::default(),
        topics,
        producers: Vec::new(),
        groups: Vec::new(),
        share_groups: Vec::new(),
        subscriptions: Vec::new(),
        events: Vec::new(),
        direct_call: Default::default(),
    }
}

fn keyed(name: &str, topic: &str, rate: RateProfile, keys: u32) -> ProducerSpec {
    let mut p = ProducerSpec::new(name, topic, rate);
    p.keys = KeySpec::Uniform { count: keys };
    p
}

fn constant(rate_per_sec: f64) -> RateProfile {
    RateProfile::Constant { rate_per_sec }
}

/// The built-in scenario called `name`.
pub fn preset(name: &str) -> Option<Scenario> {
    let s = match name {
        "quickstart" => {
            let mut s = base(
                "quickstart",
                "Two producers write keyed orders into four partitions; a group of two consumers \
                 pulls them. Watch offsets grow and lag stay near zero.",
                vec![TopicSpec::new("orders", 4)],
            );
            s.producers = vec![
                keyed("checkout", "orders", constant(400.0), 100),
                keyed("mobile", "orders", RateProfile::Poisson { rate_per_sec: 200.0 }, 100),
            ];
            let mut g = GroupSpec::new("billing", "orders", 2, 2_000);
            g.commit = CommitMode::AfterProcess;
            s.groups = vec![g];
            s
        }
        "peak-shaving" => {
            let mut s = base(
                "peak-shaving",
                "A promotion multiplies traffic tenfold for 5 seconds. The queue absorbs the burst: \
                 lag climbs, then the steady consumers drain it at their own pace.",
                vec![TopicSpec::new("orders", 6)],
            );
            s.producers = vec![keyed(
                "shop",
                "orders",
                RateProfile::Step {
                    base_per_sec: 1_000.0,
                    spike_per_sec: 10_000.0,
                    start_ms: 5_000,
                    duration_ms: 5_000,
                },
                1_000,
            )];
            let mut g = GroupSpec::new("fulfilment", "orders", 3, 1_000);
            g.commit = CommitMode::AfterProcess;
            s.groups = vec![g];
            s
        }
        "log-collection" => {
            let mut s = base(
                "log-collection",
                "Five services ship logs into one hub topic. A fast alerting group keeps up in real \
                 time; a slow archiving group reads the same records later: both get every record.",
                vec![TopicSpec::new("logs", 8)],
            );
            s.producers = ["web", "auth", "payments", "search", "mail"]
                .iter()
                .map(|n| ProducerSpec::new(n, "logs", RateProfile::Poisson { rate_per_sec: 600.0 }))
                .collect();
            // Both read every record: from the earliest offset, not from where the log ended
            // when they first got their partitions (Kafka's default, latest).
            let mut alerting = GroupSpec::new("alerting", "logs", 4, 200);
            alerting.commit = CommitMode::AfterProcess;
            alerting.auto_offset_reset = OffsetReset::Earliest;
            let mut archive = GroupSpec::new("archive", "logs", 2, 1_800);
            archive.commit = CommitMode::AfterProcess;
            archive.auto_offset_reset = OffsetReset::Earliest;
            s.groups = vec![alerting, archive];
            s
        }
        "realtime-analytics" => {
            let mut s = base(
                "realtime-analytics",
                "Clicks and transactions, keyed by user, feed a stream-processing group. The click \
                 rate follows a daily curve; latency stays low while capacity holds.",
                vec![TopicSpec::new("events", 8)],
            );
            s.producers = vec![
                keyed(
                    "clicks",
                    "events",
                    RateProfile::Sine {
                        mean_per_sec: 3_000.0,
                        amplitude_per_sec: 2_000.0,
                        period_ms: 20_000,
                    },
                    10_000,
                ),
                keyed(
                    "transactions",
                    "events",
                    RateProfile::Poisson { rate_per_sec: 500.0 },
                    10_000,
                ),
            ];
            let mut g = GroupSpec::new("stream-processor", "events", 4, 600);
            g.assignor = AssignorKind::CooperativeSticky;
            s.groups = vec![g];
            s
        }
        "p2p-vs-pubsub" => {
            let mut s = base(
                "p2p-vs-pubsub",
                "Point-to-point: the workers group splits the records, each processed by one member. \
                 Publish/subscribe: the audit and analytics groups each receive every record.",
                vec![TopicSpec::new("tasks", 4)],
            );
            s.producers = vec![ProducerSpec::new("api", "tasks", constant(800.0))];
            // Every group reads every record: from the earliest offset.
            s.groups = [("workers", 4, 3_000), ("audit", 1, 500), ("analytics", 2, 1_000)]
                .into_iter()
                .map(|(name, members, us)| GroupSpec {
                    auto_offset_reset: OffsetReset::Earliest,
                    ..GroupSpec::new(name, "tasks", members, us)
                })
                .collect();
            s
        }
        "consumer-crash-rebalance" => {
            let mut s = base(
                "consumer-crash-rebalance",
                "A consumer crashes at 6 s. Its partitions wait for the session timeout, then a \
                 rebalance hands them on and the records it had not committed are processed again.",
                vec![TopicSpec::new("payments", 6)],
            );
            s.producers = vec![keyed("gateway", "payments", constant(1_500.0), 500)];
            let mut g = GroupSpec::new("ledger", "payments", 3, 1_500);
            g.session_timeout_ms = 4_000;
            g.commit = CommitMode::Auto;
            s.groups = vec![g];
            s.events = vec![
                TimedEvent {
                    at_ms: 6_000,
                    command: Command::CrashMember { group: "ledger".into(), member: 1 },
                },
                TimedEvent {
                    at_ms: 16_000,
                    command: Command::RestartMember { group: "ledger".into(), member: 1 },
                },
            ];
            s
        }
        "hot-key-skew" => {
            let mut s = base(
                "hot-key-skew",
                "Keys follow a Zipf law: one hot key sends a large share of traffic to one \
                 partition, whose consumer falls behind while the others idle.",
                vec![TopicSpec::new("views", 6)],
            );
            let mut p = ProducerSpec::new("tracker", "views", constant(3_000.0));
            p.keys = KeySpec::Zipf { count: 1_000, exponent: 1.3 };
            s.producers = vec![p];
            s.groups = vec![GroupSpec::new("counters", "views", 6, 1_500)];
            s
        }
        "broker-failure-acks" => broker_failure_acks(),
        "slow-subscriber-push-vs-pull" => slow_subscriber_push_vs_pull(),
        "share-group-queue" => share_group_queue(),
        "wide-topic" => wide_topic(),
        "stress" => stress(),
        "spike-beyond-capacity" => spike_beyond_capacity(),
        "hot-partition" => hot_partition(),
        "production" => production(),
        _ => return None,
    };
    debug_assert!(s.validate().is_ok(), "preset {name} is invalid");
    Some(s)
}

fn broker_failure_acks() -> Scenario {
    let mut s = base(
        "broker-failure-acks",
        "Three brokers, every partition on all three. Broker 0 crashes at 5 s: its partitions \
         elect new leaders, and acks=1 writes the followers had not copied are lost while acks=all \
         writes survive. The acks=1 producer is not idempotent: its resends land after later \
         batches, out of order. When broker 1 also dies, acks=all stalls below \
         min.insync.replicas.",
        vec![
            TopicSpec {
                replication_factor: 3,
                min_insync_replicas: 2,
                ..TopicSpec::new("orders", 3)
            },
            TopicSpec { replication_factor: 3, ..TopicSpec::new("clicks", 3) },
        ],
    );
    s.duration_s = 30.0;
    s.cluster = ClusterSpec {
        brokers: 3,
        network_delay_us: 10_000,
        replica_lag_time_max_ms: 5_000,
        broker_session_timeout_ms: 3_000,
        ..ClusterSpec::default()
    };
    let mut safe = keyed("orders-api", "orders", constant(1_500.0), 300);
    safe.acks = crate::producer::Acks::All;
    let mut fast = keyed("click-tracker", "clicks", constant(1_500.0), 300);
    fast.acks = crate::producer::Acks::Leader;
    s.producers = vec![safe, fast];
    let mut g1 = GroupSpec::new("fulfilment", "orders", 3, 300);
    g1.commit = CommitMode::AfterProcess;
    let mut g2 = GroupSpec::new("analytics", "clicks", 3, 300);
    g2.commit = CommitMode::AfterProcess;
    s.groups = vec![g1, g2];
    let at = |at_ms: u64, command: Command| TimedEvent { at_ms, command };
    s.events = vec![
        at(5_000, Command::CrashBroker { broker: 0 }),
        at(12_000, Command::CrashBroker { broker: 1 }),
        at(20_000, Command::RestartBroker { broker: 0 }),
        at(22_000, Command::RestartBroker { broker: 1 }),
    ];
    s
}

fn slow_subscriber_push_vs_pull() -> Scenario {
    let mut s = base(
        "slow-subscriber-push-vs-pull",
        "Price ticks arrive in bursts. A push broker (not Kafka: Kafka consumers always pull) \
         sends them to every subscriber: the fast dashboard sits idle between bursts. The slow \
         phones show what real push systems do to a slow subscriber: RabbitMQ without prefetch \
         buffers in the client until its memory runs out and it dies, its unacknowledged \
         messages going to the other consumer; Redis Pub/Sub disconnects it and it misses what \
         is published meanwhile; MQTT QoS 0 drops what does not fit its queue. With a prefetch \
         window the broker holds the excess. The pull group reads at its own pace.",
        vec![TopicSpec::new("prices", 4)],
    );
    let rate = RateProfile::Bursts {
        base_per_sec: 300.0,
        burst_per_sec: 6_000.0,
        period_ms: 6_000,
        burst_ms: 1_500,
    };
    s.producers = vec![keyed("exchange", "prices", rate, 50)];
    // Records are 512 bytes; the limits are scaled down from the real defaults so that one
    // burst reaches them.
    let mut rabbit = SubscriptionSpec::new("phone-no-prefetch", "prices", 1_000, None);
    rabbit.consumers = 2;
    rabbit.memory_bytes_max = 1 << 20;
    rabbit.restart_delay_ms = 3_000;
    let mut redis = SubscriptionSpec::new("phone-redis", "prices", 1_000, None)
        .with_model(PushModel::RedisPubsub);
    redis.output_buffer_hard_bytes = 2 << 20;
    redis.output_buffer_soft_bytes = 512 << 10;
    redis.output_buffer_soft_seconds = 1;
    redis.reconnect_delay_ms = 2_000;
    let mqtt =
        SubscriptionSpec::new("phone-mqtt", "prices", 1_000, None).with_model(PushModel::MqttQos0);
    s.subscriptions = vec![
        SubscriptionSpec::new("dashboard", "prices", 80, None),
        rabbit,
        redis,
        mqtt,
        SubscriptionSpec::new("phone-prefetch-200", "prices", 1_000, Some(200)),
    ];
    let mut pull = GroupSpec::new("phone-pull", "prices", 1, 1_000);
    pull.commit = CommitMode::AfterProcess;
    // The same ticks as the subscriptions, which the broker pushes from the first.
    pull.auto_offset_reset = OffsetReset::Earliest;
    s.groups = vec![pull];
    s
}

fn share_group_queue() -> Scenario {
    let mut s = base(
        "share-group-queue",
        "A share group is a queue: seven workers share two partitions and each job goes to one \
         worker. Failed jobs are released and redelivered; after three tries a job is archived. \
         Worker 6 takes 3 s a job, longer than the 2 s lock: each lock expires while it works, \
         another worker takes the job too (processed twice) and worker 6's late acknowledgement \
         is refused. Worker 2 \
         crashes at 8 s and its locked jobs return after the lock times out. The classic \
         consumer group can use only two of its six members.",
        vec![TopicSpec::new("jobs", 2)],
    );
    s.producers = vec![ProducerSpec::new(
        "scheduler",
        "jobs",
        RateProfile::Poisson { rate_per_sec: 1_500.0 },
    )];
    let mut q = ShareGroupSpec::new("workers", "jobs", 7, 3_000);
    q.failure_rate = 0.05;
    q.delivery_limit = 3;
    q.lock_ms = 2_000;
    q.max_poll_records = 50;
    // A job takes worker 6 3 s: every lock it takes expires before it is done.
    q.speed_factors = vec![1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 0.001];
    // Both groups get the same jobs, from the first.
    q.share_auto_offset_reset = OffsetReset::Earliest;
    s.share_groups = vec![q];
    let mut classic = GroupSpec::new("classic", "jobs", 6, 3_000);
    classic.commit = CommitMode::AfterProcess;
    classic.auto_offset_reset = OffsetReset::Earliest;
    s.groups = vec![classic];
    s.events = vec![TimedEvent {
        at_ms: 8_000,
        command: Command::CrashMember { group: "workers".into(), member: 2 },
    }];
    s
}

fn wide_topic() -> Scenario {
    let mut s = base(
        "wide-topic",
        "1024 partitions are too many to draw one by one: the stage draws them as one strip, a \
         pixel row each, where a longer bar means more lag. Keys spread evenly; one group of 64 \
         members keeps up, another of 16 falls behind.",
        vec![TopicSpec::new("events", 1024)],
    );
    s.producers =
        (0..8).map(|i| keyed(&format!("svc-{i}"), "events", constant(12_500.0), 50_000)).collect();
    let mut fast = GroupSpec::new("indexer", "events", 64, 300);
    fast.commit = CommitMode::AfterProcess;
    let mut slow = GroupSpec::new("backfill", "events", 16, 1_000);
    slow.commit = CommitMode::AfterProcess;
    s.groups = vec![fast, slow];
    s
}

fn stress() -> Scenario {
    let mut s = base(
        "stress",
        "A million records per second: 16 producers into 64 partitions on 3 brokers with \
         replication factor 3, read by two groups of 32 consumers. The two groups are alike, so \
         their figures match: each reads every record. Traffic is drawn aggregated.",
        vec![TopicSpec {
            replication_factor: 3,
            min_insync_replicas: 2,
            retention_ms: Some(10_000),
            segment_bytes: 4 << 20,
            ..TopicSpec::new("firehose", 64)
        }],
    );
    s.duration_s = 10.0;
    s.cluster = ClusterSpec { brokers: 3, ..ClusterSpec::default() };
    s.producers = (0..16)
        .map(|i| {
            let mut p = ProducerSpec::new(&format!("p{i}"), "firehose", constant(62_500.0));
            p.record_bytes = 100;
            p.linger_ms = 10;
            if i % 2 == 0 {
                p.keys = KeySpec::Uniform { count: 100_000 };
            }
            p
        })
        .collect();
    s.groups = ["stream-a", "stream-b"]
        .iter()
        .map(|n| {
            let mut g = GroupSpec::new(n, "firehose", 32, 20);
            g.commit = CommitMode::AfterProcess;
            g
        })
        .collect();
    s
}

/// Small brokers, so saturation shows at a teaching scale: each reads 4 MB/s.
fn small_brokers(brokers: u32) -> ClusterSpec {
    ClusterSpec {
        brokers,
        resources: crate::scenario::BrokerResources {
            network_in_bytes_per_sec: 4_000_000,
            ..Default::default()
        },
        ..ClusterSpec::default()
    }
}

fn spike_beyond_capacity() -> Scenario {
    let mut s = base(
        "spike-beyond-capacity",
        "A promotion larger than the cluster: each of three brokers has one request handler \
         thread (num.io.threads) that takes 0.75 ms per KB it appends, so each handles about \
         1.3 MB/s and the cluster about 4 MB/s of orders. From 5 s the shop sends 8 MB/s for \
         15 seconds: every broker's request queue fills to its 5 places (queued.max.requests) \
         and the network threads stop reading, produce latency climbs, the producer's 8 MB \
         buffer fills in about 2 s and send() blocks; 3 s later (max.block.ms) sends fail. \
         Try more brokers or more threads.",
        vec![TopicSpec {
            replication_factor: 3,
            min_insync_replicas: 2,
            ..TopicSpec::new("orders", 6)
        }],
    );
    // Kafka's default network and disk (never the limit here); handler time 10 us + 750 ns a
    // byte: a full 16 KB batch takes about 12 ms of the one thread.
    s.cluster = ClusterSpec {
        brokers: 3,
        resources: crate::scenario::BrokerResources {
            num_io_threads: 1,
            queued_max_requests: 5,
            request_cost_ns_per_byte: 750,
            ..Default::default()
        },
        ..ClusterSpec::default()
    };
    let mut shop = keyed(
        "shop",
        "orders",
        RateProfile::Step {
            base_per_sec: 2_000.0,
            spike_per_sec: 8_000.0,
            start_ms: 5_000,
            duration_ms: 15_000,
        },
        1_000,
    );
    shop.record_bytes = 1_000;
    shop.buffer_bytes = 8 << 20;
    shop.max_block_ms = 3_000;
    s.producers = vec![shop];
    let mut g = GroupSpec::new("fulfilment", "orders", 6, 50);
    g.commit = CommitMode::AfterProcess;
    s.groups = vec![g];
    s
}

fn hot_partition() -> Scenario {
    let mut s = base(
        "hot-partition",
        "Skewed keys saturate one broker while the others idle: the hottest key alone sends \
         60% of the traffic to one partition, and its broker, which reads 4 MB/s, gets about \
         4.5 MB/s while the others get about 1 MB/s. Requests wait to be read there and produce \
         latency climbs; the producer's one buffer fills with that broker's batches, so send() \
         blocks for every partition, the idle brokers' too, and after max.block.ms sends fail.",
        vec![TopicSpec::new("events", 6)],
    );
    s.cluster = small_brokers(3);
    let mut p = ProducerSpec::new("tracker", "events", constant(7_000.0));
    p.record_bytes = 1_000;
    p.keys = KeySpec::Zipf { count: 1_000, exponent: 2.0 };
    p.buffer_bytes = 8 << 20;
    p.max_block_ms = 3_000;
    s.producers = vec![p];
    let mut g = GroupSpec::new("analytics", "events", 3, 50);
    g.commit = CommitMode::AfterProcess;
    s.groups = vec![g];
    s
}

fn production() -> Scenario {
    let topics = ["orders", "payments", "clicks", "logs"];
    let mut s = base(
        "production",
        "A production-size cluster: 64 brokers with Kafka's default request handling (8 \
         num.io.threads, 500 queued.max.requests) on 10 Gbit/s links, four topics of 4096 \
         partitions each (16,384 in all, replication factor 3), 128 producers sending 10 \
         million records per second of 500 bytes, and one group of 256 consumers per topic, \
         each member with room for twice its share. Too many partitions to draw one by one: \
         the stage shows each broker's load and each topic's partitions as heat maps. \
         Retention is 10 s so the logs stay small.",
        topics
            .iter()
            .map(|t| TopicSpec {
                replication_factor: 3,
                min_insync_replicas: 2,
                retention_ms: Some(10_000),
                segment_bytes: 4 << 20,
                ..TopicSpec::new(t, 4_096)
            })
            .collect(),
    );
    s.duration_s = 10.0;
    // Kafka's defaults for the request pipeline (`num.io.threads` 8, `queued.max.requests`
    // 500; `KafkaConfig`), the resources' documented defaults for the rest.
    s.cluster = ClusterSpec { brokers: 64, ..ClusterSpec::default() };
    // 10,000,000 records/s over 128 producers: 78,125 each, keyless (the sticky partitioner
    // fills whole batches).
    s.producers = (0..128)
        .map(|i| {
            let t = topics[i % topics.len()];
            let mut p =
                ProducerSpec::new(&format!("{t}-{}", i / topics.len()), t, constant(78_125.0));
            p.record_bytes = 500;
            p
        })
        .collect();
    // Each topic takes 2,500,000 records/s; 256 members at 50 us a record can take 5,120,000.
    s.groups = topics
        .iter()
        .map(|t| {
            let mut g = GroupSpec::new(&format!("{t}-readers"), t, 256, 50);
            g.commit = CommitMode::AfterProcess;
            g
        })
        .collect();
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_preset_is_valid_and_round_trips() {
        for name in PRESETS {
            let s = preset(name).unwrap();
            s.validate().unwrap_or_else(|e| panic!("{name}: {e:?}"));
            assert_eq!(Scenario::from_json(&s.to_json()).unwrap(), s);
        }
        assert!(preset("nope").is_none());
    }
}
