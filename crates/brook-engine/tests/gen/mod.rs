//! Generated scenarios and page commands, shared by the property tests (`tests/generated.rs`)
//! and the long sweep (`tests/sweep.rs`): small clusters with every value drawn within its
//! limit (`src/scenario/limits.rs`, `validate.rs`), and commands of every kind, valid and
//! invalid, at random virtual times, sent as the page sends them (`Cluster::command`).
//!
//! A run is written down as a [`Case`]: the starting scenario and the commands as they were
//! sent, one line of JSON that [`run_case`] replays (`BROOK_REPRO`, `tests/repros/`).
#![allow(dead_code)]

use brook_engine::{
    Acks, AssignorKind, Cluster, Command, CommitMode, DirectCallSpec, GroupSpec, KeySpec,
    OffsetReset, PartitionerKind, ProcessingDist, ProducerSpec, PushModel, RateProfile, ReaderSpec,
    Scenario, ShareGroupSpec, SubscriptionSpec, TimedEvent, TopicSpec,
};
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::Index;
use serde::{Deserialize, Serialize};

/// The longest a generated run lasts, virtual ms.
pub const RUN_MS_MAX: u64 = 3_000;

/// A run as sent: the starting scenario and each command at the virtual ms it was sent.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Case {
    /// The scenario the cluster starts from.
    pub scenario: Scenario,
    /// Commands sent with `Cluster::command` before the step at `at_ms`.
    pub commands: Vec<TimedEvent>,
    /// How long the run lasts, virtual ms.
    pub run_ms: u64,
}

impl Case {
    /// The case as one line of JSON, for a failure message or a file in `tests/repros/`.
    pub fn line(&self) -> String {
        serde_json::to_string(self).expect("a case serializes")
    }
}

// ---------------------------------------------------------------------------------------
// Values

fn rate_per_sec() -> impl Strategy<Value = f64> {
    prop_oneof![4 => 0.0..3_000.0f64, 1 => 0.0..50_000.0f64, 1 => Just(0.0)]
}

pub fn rate_profile() -> impl Strategy<Value = RateProfile> {
    prop_oneof![
        rate_per_sec().prop_map(|rate_per_sec| RateProfile::Constant { rate_per_sec }),
        rate_per_sec().prop_map(|rate_per_sec| RateProfile::Poisson { rate_per_sec }),
        (rate_per_sec(), rate_per_sec(), 0..4_000u64, 0..4_000u64).prop_map(
            |(base_per_sec, spike_per_sec, start_ms, duration_ms)| RateProfile::Step {
                base_per_sec,
                spike_per_sec,
                start_ms,
                duration_ms
            }
        ),
        (rate_per_sec(), rate_per_sec(), 1..3_000u64, 0..3_000u64).prop_map(
            |(base_per_sec, burst_per_sec, period_ms, burst_ms)| RateProfile::Bursts {
                base_per_sec,
                burst_per_sec,
                period_ms,
                burst_ms: burst_ms.min(period_ms),
            }
        ),
        (rate_per_sec(), 0.0..=1.0f64, 1..10_000u64).prop_map(|(mean_per_sec, f, period_ms)| {
            RateProfile::Sine { mean_per_sec, amplitude_per_sec: mean_per_sec * f, period_ms }
        }),
        vec((0..2_000u64, rate_per_sec()), 1..6).prop_map(|steps| {
            let mut t = 0;
            let points = steps
                .into_iter()
                .map(|(dt, r)| {
                    t += dt;
                    [t as f64, r]
                })
                .collect();
            RateProfile::Piecewise { points }
        }),
        (rate_per_sec(), rate_per_sec(), 0..3_000u64, 1..5_000u64).prop_map(
            |(from_per_sec, to_per_sec, start_ms, duration_ms)| RateProfile::Ramp {
                from_per_sec,
                to_per_sec,
                start_ms,
                duration_ms
            }
        ),
    ]
}

pub fn keys() -> impl Strategy<Value = KeySpec> {
    prop_oneof![
        Just(KeySpec::None),
        (1..=1_000u32).prop_map(|count| KeySpec::Uniform { count }),
        (1..=1_000u32, 0.0..=10.0f64)
            .prop_map(|(count, exponent)| KeySpec::Zipf { count, exponent }),
    ]
}

fn acks() -> impl Strategy<Value = Acks> {
    prop_oneof![Just(Acks::None), Just(Acks::Leader), Just(Acks::All)]
}

fn processing() -> impl Strategy<Value = ProcessingDist> {
    prop_oneof![Just(ProcessingDist::Fixed), Just(ProcessingDist::Exponential)]
}

fn offset_reset() -> impl Strategy<Value = OffsetReset> {
    prop_oneof![Just(OffsetReset::Earliest), Just(OffsetReset::Latest)]
}

fn commit() -> impl Strategy<Value = CommitMode> {
    prop_oneof![
        Just(CommitMode::Auto),
        Just(CommitMode::AfterProcess),
        Just(CommitMode::BeforeProcess)
    ]
}

fn assignor() -> impl Strategy<Value = AssignorKind> {
    prop_oneof![
        Just(AssignorKind::Range),
        Just(AssignorKind::RoundRobin),
        Just(AssignorKind::Sticky),
        Just(AssignorKind::CooperativeSticky)
    ]
}

fn speed_factors() -> impl Strategy<Value = Vec<f64>> {
    vec(prop_oneof![0.001..=100.0f64, 0.2..=5.0f64], 0..4)
}

/// A producer within every limit, writing to topic "" (the scenario names it).
pub fn producer() -> impl Strategy<Value = ProducerSpec> {
    (
        (rate_profile(), 1..=4_096u32, keys(), any::<bool>()),
        (0..65_536u32, 0..=50u32, 0..(1u64 << 20), 0..=2_000u32),
        (acks(), any::<Option<bool>>(), 1..=6u32, prop_oneof![Just(u32::MAX >> 1), 0..=5u32]),
        (0..=500u32, 1..=120_000u32, prop::option::of(1_000..=10_000_000u64)),
    )
        .prop_map(|(a, b, c, d)| {
            let (rate, record_bytes, keys, round_robin) = a;
            let (batch_extra, linger_ms, buffer_extra, max_block_ms) = b;
            let (acks, idempotence, in_flight, retries) = c;
            let (retry_backoff_ms, delivery_timeout_ms, quota_bytes_per_sec) = d;
            let mut p = ProducerSpec::new("", "", rate);
            p.record_bytes = record_bytes;
            p.keys = keys;
            p.partitioner =
                if round_robin { PartitionerKind::RoundRobin } else { PartitionerKind::Default };
            p.batch_bytes = record_bytes + batch_extra;
            p.linger_ms = linger_ms;
            p.buffer_bytes = p.batch_bytes as u64 + buffer_extra;
            p.max_block_ms = max_block_ms;
            p.acks = acks;
            // Kafka's ProducerConfig: idempotence needs acks=all and at most 5 in flight.
            p.enable_idempotence = match idempotence {
                Some(true) if acks != Acks::All || in_flight > 5 => Some(false),
                other => other,
            };
            p.max_in_flight_requests_per_connection = in_flight;
            p.retries = retries;
            p.retry_backoff_ms = retry_backoff_ms;
            p.delivery_timeout_ms = delivery_timeout_ms;
            p.quota_bytes_per_sec = quota_bytes_per_sec;
            p
        })
}

/// A consumer group within every limit, reading no topic yet.
pub fn group() -> impl Strategy<Value = GroupSpec> {
    (
        (0..=4u32, 0..=3_000u32, processing(), speed_factors(), 1..=1_000u32),
        (commit(), 1..=10_000u32, assignor(), 0..=3_000u32, 0..=1_000u32),
        (1..=30_000u32, 1..=300_000u32, offset_reset()),
    )
        .prop_map(|(a, b, c)| {
            let mut g = GroupSpec::new("", "", a.0, a.1);
            g.topics.clear();
            (g.processing, g.speed_factors, g.max_poll_records) = (a.2, a.3, a.4);
            (g.commit, g.auto_commit_interval_ms, g.assignor) = (b.0, b.1, b.2);
            (g.rebalance_ms, g.fetch_max_wait_ms) = (b.3, b.4);
            (g.session_timeout_ms, g.max_poll_interval_ms, g.auto_offset_reset) = c;
            g
        })
}

/// A share group within every limit, reading no topic yet.
pub fn share_group() -> impl Strategy<Value = ShareGroupSpec> {
    (
        (0..=4u32, 0..=3_000u32, processing(), speed_factors(), 1..=1_000u32),
        (1..=60_000u32, 2..=10u32, 0.0..=0.5f64, 0.0..=1.0f64, offset_reset()),
    )
        .prop_map(|(a, b)| {
            let mut g = ShareGroupSpec::new("", "", a.0, a.1);
            g.topics.clear();
            (g.processing, g.speed_factors, g.max_poll_records) = (a.2, a.3, a.4);
            (g.lock_ms, g.delivery_limit, g.failure_rate) = (b.0, b.1, b.2);
            g.reject_rate = (1.0 - b.2) * b.3;
            g.share_auto_offset_reset = b.4;
            g
        })
}

/// A push subscription within every limit, reading no topic yet.
pub fn subscription() -> impl Strategy<Value = SubscriptionSpec> {
    let model = prop_oneof![
        Just(PushModel::Rabbitmq),
        Just(PushModel::RedisPubsub),
        Just(PushModel::MqttQos0)
    ];
    (
        (model, 0..=3_000u32, processing(), prop::option::of(1..=1_000u32), 1..=4u32),
        (1..=(1u64 << 24), 0..=2_000u32, 0..=(1u64 << 22), 0..=(1u64 << 22)),
        (0..=10u32, 0..=2_000u32, 1..=10_000u32),
    )
        .prop_map(|(a, b, c)| {
            let mut s = SubscriptionSpec::new("", "", a.1, a.3);
            s.topics.clear();
            s.processing = a.2;
            s.consumers = a.4;
            s = s.with_model(a.0);
            (s.memory_bytes_max, s.restart_delay_ms) = (b.0, b.1);
            (s.output_buffer_hard_bytes, s.output_buffer_soft_bytes) = (b.2, b.3);
            (s.output_buffer_soft_seconds, s.reconnect_delay_ms, s.inbox_records_max) = c;
            s
        })
}

fn bytes_per_sec() -> impl Strategy<Value = u64> {
    // 1 kB/s to 10 GB/s, spread over the orders of magnitude.
    (3.0..10.0f64).prop_map(|e| 10f64.powf(e) as u64)
}

/// Topics before the cluster's size is known: partitions, then the replication factor and
/// `min.insync.replicas` as fractions of what the brokers allow.
type RawTopic = (u32, Index, Index, bool, Option<u64>, Option<u64>, u64);

fn raw_topic() -> impl Strategy<Value = RawTopic> {
    (
        1..=8u32,
        any::<Index>(),
        any::<Index>(),
        any::<bool>(),
        prop::option::of(100..=600_000u64),
        prop::option::of(1..=(1u64 << 20)),
        1_024..=(1u64 << 20),
    )
}

/// Picks `n` topic names (at least one) from `topics`.
fn pick_topics(topics: &[String], picks: &[Index]) -> Vec<String> {
    let mut out: Vec<String> = picks.iter().map(|i| i.get(topics).clone()).collect();
    out.dedup();
    out
}

/// A whole scenario within every limit: 1 to 5 brokers, 1 to 3 topics of up to 8
/// partitions, up to 3 producers and 4 readers, a run of 1 to 3 s.
pub fn scenario() -> impl Strategy<Value = Scenario> {
    let cluster = (
        1..=5u32,
        0..=20_000u32,
        // replica.lag.time.max.ms, then replica.fetch.wait.max.ms at most that (KafkaConfig).
        (1..=30_000u32).prop_flat_map(|lag| (Just(lag), 0..=lag.min(1_000))),
        1..=10_000u32,
        (bytes_per_sec(), bytes_per_sec(), bytes_per_sec()),
        (1..=16u32, 1..=1_000u32, 0..=2_000u32, 0..=100u32),
    );
    let direct = (1..=500u32, 1..=20_000u32, 0..=1_000u32, prop::option::of(1..=50u32));
    (
        (any::<u64>(), 1_000..=RUN_MS_MAX, cluster, direct),
        vec(raw_topic(), 1..=3),
        vec((any::<Index>(), producer()), 0..=3),
        vec((vec(any::<Index>(), 1..=2), group()), 0..=2),
        vec((vec(any::<Index>(), 1..=2), share_group()), 0..=1),
        vec((vec(any::<Index>(), 1..=2), subscription()), 0..=2),
    )
        .prop_map(|(top, raw_topics, producers, groups, shares, subs)| {
            let (seed, run_ms, cluster, direct) = top;
            let mut s = brook_engine::preset("quickstart").expect("quickstart exists");
            s.name = "generated".into();
            s.description = String::new();
            s.seed = seed;
            s.duration_s = run_ms as f64 / 1_000.0;
            s.cluster.brokers = cluster.0;
            s.cluster.network_delay_us = cluster.1;
            (s.cluster.replica_lag_time_max_ms, s.cluster.replica_fetch_wait_max_ms) = cluster.2;
            s.cluster.broker_session_timeout_ms = cluster.3;
            let r = &mut s.cluster.resources;
            (r.network_in_bytes_per_sec, r.network_out_bytes_per_sec) =
                (cluster.4 .0, cluster.4 .1);
            r.disk_write_bytes_per_sec = cluster.4 .2;
            (r.num_io_threads, r.queued_max_requests) = (cluster.5 .0, cluster.5 .1);
            (r.request_cost_us, r.request_cost_ns_per_byte) = (cluster.5 .2, cluster.5 .3);
            s.direct_call = DirectCallSpec {
                caller_threads_max: direct.0,
                timeout_ms: direct.1,
                service_queue_max: direct.2,
                service_concurrency_max: direct.3,
            };
            let brokers = cluster.0 as usize;
            s.topics = raw_topics
                .into_iter()
                .enumerate()
                .map(|(i, (partitions, rf, isr, unclean, retention_ms, retention_bytes, seg))| {
                    let mut t = TopicSpec::new(&format!("t{i}"), partitions);
                    t.replication_factor = 1 + rf.index(brokers) as u32;
                    t.min_insync_replicas = 1 + isr.index(t.replication_factor as usize) as u32;
                    t.unclean_leader_election = unclean;
                    t.retention_ms = retention_ms;
                    t.retention_bytes = retention_bytes;
                    t.segment_bytes = seg;
                    t
                })
                .collect();
            let names: Vec<String> = s.topics.iter().map(|t| t.name.clone()).collect();
            s.producers = producers
                .into_iter()
                .enumerate()
                .map(|(i, (topic, mut p))| {
                    p.name = format!("p{i}");
                    p.topic = topic.get(&names).clone();
                    p
                })
                .collect();
            s.groups = groups
                .into_iter()
                .enumerate()
                .map(|(i, (picks, mut g))| {
                    g.name = format!("g{i}");
                    g.topics = pick_topics(&names, &picks);
                    g
                })
                .collect();
            s.share_groups = shares
                .into_iter()
                .enumerate()
                .map(|(i, (picks, mut g))| {
                    g.name = format!("s{i}");
                    g.topics = pick_topics(&names, &picks);
                    g
                })
                .collect();
            s.subscriptions = subs
                .into_iter()
                .enumerate()
                .map(|(i, (picks, mut g))| {
                    g.name = format!("u{i}");
                    g.topics = pick_topics(&names, &picks);
                    g
                })
                .collect();
            s.events.clear();
            s
        })
}

// ---------------------------------------------------------------------------------------
// Commands

/// A command before it meets a run: which kind, which name (one the run has or, when `wild`,
/// one it does not), which numbers (within the limits or, when `wild`, past them). It is
/// turned into a `Command` against the cluster as it stands when it is sent.
#[derive(Clone, Debug)]
pub struct RawCommand {
    pub at_ms: u64,
    kind: u8,
    wild: bool,
    name: Index,
    wild_pick: Index,
    fraction: f64,
    producer: ProducerSpec,
    reader: u8,
    group: GroupSpec,
    share: ShareGroupSpec,
    subscription: SubscriptionSpec,
    options: [bool; 6],
    acks: Acks,
    profile: RateProfile,
    keys: KeySpec,
    commit: CommitMode,
    assignor: AssignorKind,
}

pub fn raw_command() -> impl Strategy<Value = RawCommand> {
    (
        (0..RUN_MS_MAX, 0..20u8, prop::bool::weighted(0.25), any::<Index>(), any::<Index>()),
        (0.0..=1.0f64, producer(), 0..3u8, group(), share_group(), subscription()),
        (any::<[bool; 6]>(), acks(), rate_profile(), keys(), commit(), assignor()),
    )
        .prop_map(|(a, b, c)| RawCommand {
            at_ms: a.0,
            kind: a.1,
            wild: a.2,
            name: a.3,
            wild_pick: a.4,
            fraction: b.0,
            producer: b.1,
            reader: b.2,
            group: b.3,
            share: b.4,
            subscription: b.5,
            options: c.0,
            acks: c.1,
            profile: c.2,
            keys: c.3,
            commit: c.4,
            assignor: c.5,
        })
}

/// Commands at random times in the first [`RUN_MS_MAX`] ms, in time order.
pub fn raw_commands() -> impl Strategy<Value = Vec<RawCommand>> {
    vec(raw_command(), 0..12).prop_map(|mut v| {
        v.sort_by_key(|c| c.at_ms);
        v
    })
}

impl RawCommand {
    /// A name from `names`, or (wild, or none to pick) one outside them.
    fn name_from(&self, names: &[String]) -> String {
        if self.wild || names.is_empty() {
            let long = "n".repeat(brook_engine::limits::NAME_BYTES_MAX + 1);
            let wild = ["nope", "", "t0 ", "\u{1F600}\u{0}\n\"\\", long.as_str()];
            return self.wild_pick.get(&wild).to_string();
        }
        self.name.get(names).clone()
    }

    /// A whole number in `lo..=hi`, or past the range when wild.
    fn int(&self, lo: u64, hi: u64) -> u64 {
        if self.wild {
            *self.wild_pick.get(&[hi + 1, hi.saturating_mul(2) + 1, u32::MAX as u64, 0])
        } else {
            lo + ((hi - lo) as f64 * self.fraction) as u64
        }
    }

    /// A number in `lo..=hi`, or past the range (or not finite) when wild.
    fn float(&self, lo: f64, hi: f64) -> f64 {
        if self.wild {
            *self.wild_pick.get(&[hi * 2.0 + 1.0, -1.0, f64::NAN, f64::INFINITY, 1e308, -0.0])
        } else {
            lo + (hi - lo) * self.fraction
        }
    }

    /// The command this becomes against `shape`, the cluster's shape when it is sent.
    pub fn resolve(&self, shape: &Scenario, serial: usize) -> Command {
        let producers: Vec<String> = shape.producers.iter().map(|p| p.name.clone()).collect();
        let groups: Vec<String> = shape.groups.iter().map(|g| g.name.clone()).collect();
        let shares: Vec<String> = shape.share_groups.iter().map(|g| g.name.clone()).collect();
        let subs: Vec<String> = shape.subscriptions.iter().map(|g| g.name.clone()).collect();
        let topics: Vec<String> = shape.topics.iter().map(|t| t.name.clone()).collect();
        let mut readers = groups.clone();
        readers.extend(shares.iter().cloned());
        readers.extend(subs.iter().cloned());
        let brokers = shape.cluster.brokers as u64;
        let rate = || self.float(0.0, 5_000.0);
        let opt = |i: usize| self.options[i];
        match self.kind {
            0 => Command::SetRate { producer: self.name_from(&producers), rate_per_sec: rate() },
            1 => Command::Spike {
                producer: self.name_from(&producers),
                rate_per_sec: rate(),
                duration_ms: self.int(1, 3_000),
            },
            2 => Command::AddMember { group: self.name_from(&groups) },
            3 => Command::RemoveMember { group: self.name_from(&groups) },
            4 | 5 => {
                let mut any = groups.clone();
                any.extend(shares.iter().cloned());
                let group = self.name_from(&any);
                let members = shape
                    .groups
                    .iter()
                    .map(|g| (&g.name, g.members))
                    .chain(shape.share_groups.iter().map(|g| (&g.name, g.members)))
                    .find(|(n, _)| **n == group)
                    .map_or(1, |(_, m)| m.max(1));
                let member = self.int(0, members as u64 - 1) as u32;
                if self.kind == 4 {
                    Command::CrashMember { group, member }
                } else {
                    Command::RestartMember { group, member }
                }
            }
            6 => Command::CrashBroker { broker: self.int(0, brokers.max(1) - 1) as u32 },
            7 => Command::RestartBroker { broker: self.int(0, brokers.max(1) - 1) as u32 },
            8 => Command::AddPartitions {
                topic: self.name_from(&topics),
                count: self.int(1, 4) as u32,
            },
            9 => {
                let mut spec = self.producer.clone();
                spec.name = if self.wild && !producers.is_empty() {
                    self.name.get(&producers).clone()
                } else {
                    format!("np{serial}")
                };
                spec.topic = self.name_from(&topics);
                Command::AddProducer { spec }
            }
            10 => {
                let name = if self.wild && !readers.is_empty() {
                    self.name.get(&readers).clone()
                } else {
                    format!("nr{serial}")
                };
                let topics = vec![self.name_from(&topics)];
                let reader = match self.reader {
                    0 => ReaderSpec::Group(GroupSpec { name, topics, ..self.group.clone() }),
                    1 => ReaderSpec::Share(ShareGroupSpec { name, topics, ..self.share.clone() }),
                    _ => ReaderSpec::Push(SubscriptionSpec {
                        name,
                        topics,
                        ..self.subscription.clone()
                    }),
                };
                Command::AddReader { reader }
            }
            11 => Command::RemoveReader { name: self.name_from(&readers) },
            12 => Command::ConfigureProducer {
                producer: self.name_from(&producers),
                rate_per_sec: opt(0).then(rate),
                acks: opt(1).then_some(self.acks),
                linger_ms: opt(2).then(|| self.int(0, 50) as u32),
                batch_bytes: opt(3).then(|| self.int(16_384, 65_536) as u32),
                buffer_bytes: opt(4).then(|| self.int(1 << 20, 1 << 26)),
                profile: (opt(5) && !opt(0)).then(|| self.profile.clone()),
                keys: (opt(5) && opt(1)).then(|| self.keys.clone()),
            },
            13 => Command::RemoveProducer { producer: self.name_from(&producers) },
            14 => Command::AddBroker,
            15 => Command::BalanceReplicas,
            16 => Command::RemoveBroker {
                broker: if self.wild { self.int(0, 0) as u32 } else { brokers.max(1) as u32 - 1 },
            },
            17 => Command::ConfigureSubscription {
                subscription: self.name_from(&subs),
                prefetch: self.int(0, 1_000) as u32,
            },
            18 => Command::ConfigureGroup {
                group: self.name_from(&groups),
                processing_us: opt(0).then(|| self.int(0, 3_000) as u32),
                commit: opt(1).then_some(self.commit),
                assignor: opt(2).then_some(self.assignor),
            },
            _ => Command::ConfigureTopic {
                topic: self.name_from(&topics),
                retention_ms: opt(0).then(|| self.int(1, 600_000)),
                retention_bytes: opt(1).then(|| self.int(1, 1 << 20)),
            },
        }
    }
}

// ---------------------------------------------------------------------------------------
// Runs

/// Where the commands come from: drawn now against the run, or as a case wrote them.
enum Source<'a> {
    Raw(&'a [RawCommand]),
    Sent(&'a [TimedEvent]),
}

/// Runs `scenario` for `run_ms` with the invariants checked after every step, sending the
/// raw commands when due (each drawn against the cluster as it stands); with `replay`, the
/// run's export is then read back and replayed to the same trace hash. Returns the case as
/// sent, and the first failure.
pub fn run_generated(
    scenario: Scenario,
    raws: &[RawCommand],
    run_ms: u64,
    replay: bool,
) -> (Case, Result<(), String>) {
    run(scenario, Source::Raw(raws), run_ms, replay)
}

/// Replays a case: the same run, so the same outcome.
pub fn run_case(case: &Case) -> Result<(), String> {
    run(case.scenario.clone(), Source::Sent(&case.commands), case.run_ms, true).1
}

fn run(
    scenario: Scenario,
    source: Source<'_>,
    run_ms: u64,
    replay: bool,
) -> (Case, Result<(), String>) {
    let mut case = Case { scenario: scenario.clone(), commands: Vec::new(), run_ms };
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        drive(scenario, &source, run_ms, replay, &mut case.commands)
    }))
    .unwrap_or_else(|panic| {
        let what = panic
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_default();
        Err(format!("panic: {what}"))
    });
    (case, outcome)
}

fn drive(
    scenario: Scenario,
    source: &Source<'_>,
    run_ms: u64,
    replay: bool,
    sent: &mut Vec<TimedEvent>,
) -> Result<(), String> {
    if let Err(errors) = scenario.validate() {
        return Err(format!("the generated scenario is refused: {errors:?}"));
    }
    let mut c = Cluster::new(scenario);
    let count = match source {
        Source::Raw(r) => r.len(),
        Source::Sent(s) => s.len(),
    };
    let mut next = 0;
    while c.now_us() < run_ms * 1_000 {
        let now_ms = c.now_us() / 1_000;
        let (log_before, notices_before) = (c.command_log().len(), c.notice_count());
        let mut this_step = 0;
        while next < count {
            let (at_ms, command) = match source {
                Source::Raw(r) if r[next].at_ms <= now_ms => {
                    (now_ms, r[next].resolve(c.shape(), next))
                }
                Source::Sent(s) if s[next].at_ms <= now_ms => (now_ms, s[next].command.clone()),
                _ => break,
            };
            next += 1;
            // A refusal names the field: its path starts at `command`.
            if let Err(why) = c.check_command(&command) {
                if !why.starts_with("command") {
                    return Err(format!("refusal without a field path: {why:?} for {command:?}"));
                }
            }
            sent.push(TimedEvent { at_ms, command: command.clone() });
            c.command(command).map_err(|e| format!("command not queued: {e}"))?;
            this_step += 1;
        }
        c.step();
        let applied = c.command_log().len() - log_before;
        let refused = (c.notice_count() - notices_before) as usize;
        if applied + refused != this_step {
            return Err(format!(
                "{this_step} commands sent at {now_ms} ms: {applied} applied, {refused} refused"
            ));
        }
        c.check_invariants().map_err(|e| format!("invariant broken at {} us: {e}", c.now_us()))?;
    }
    // The run written out reads back (the page's share link and autosave carry it).
    // A run is a replay: the export, read back and run as long, gives the same trace.
    if !replay {
        return Ok(());
    }
    let text = c.export().to_json();
    let back =
        Scenario::from_json(&text).map_err(|e| format!("the export does not read back: {e:?}"))?;
    let mut again = Cluster::new(back);
    again.run_until(c.now_us());
    if again.trace_hash() != c.trace_hash() {
        return Err("the export replayed gives another trace hash".into());
    }
    Ok(())
}
