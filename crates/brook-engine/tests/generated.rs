//! Property tests (issue 13: nothing a user types, clicks, imports or links can break it).
//!
//! - Generated scenarios, every value within its limit, run with page commands of every kind
//!   (valid and invalid, at random virtual times) and the invariants checked after each step;
//!   a refused command names its field; the run's export reads back and replays to the same
//!   trace hash.
//! - Every limit of `src/scenario/` probed at its edges and just past them: within, the
//!   scenario is accepted and runs; past, it is refused with the field's path.
//!
//! `PROPTEST_CASES` raises the number of generated cases (a few dozen by default, so this file
//! takes seconds in CI); `BROOK_PROPTEST_SEED` draws other cases than CI's fixed ones. A failure prints a one-line reproduction; run it again with
//! `BROOK_REPRO='<line>' cargo test -p brook-engine --test generated repro`, or save it as a
//! file in `tests/repros/`, which `saved_repros_pass` replays every time.

mod gen;

use brook_engine::{
    limits, preset, Cluster, Command, GroupSpec, KeySpec, ProducerSpec, PushModel, RateProfile,
    Scenario, ShareGroupSpec, SubscriptionSpec, TimedEvent, TopicSpec,
};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed};
use serde_json::{json, Value};

/// Cases per property when `PROPTEST_CASES` is not set.
const CASES_DEFAULT: u32 = 24;

fn config() -> Config {
    let cases =
        std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(CASES_DEFAULT);
    // The same cases every run (CI stays deterministic, as the engine is);
    // `BROOK_PROPTEST_SEED` draws others.
    let seed = std::env::var("BROOK_PROPTEST_SEED").ok().and_then(|v| v.parse().ok());
    // Failures are saved by hand, as one line in tests/repros/, not in proptest's own files.
    Config {
        cases,
        failure_persistence: None,
        rng_seed: RngSeed::Fixed(seed.unwrap_or(13)),
        ..Config::default()
    }
}

fn repro_message(case: &gen::Case, why: &str) -> String {
    format!(
        "{why}\nreproduce with: BROOK_REPRO='{}' cargo test -p brook-engine --test generated \
         repro",
        case.line().replace('\'', "'\\''")
    )
}

proptest! {
    #![proptest_config(config())]

    /// Generated scenarios are accepted; with random commands they run without breaking an
    /// invariant, refusals name the field, and the run replays from its export.
    #[test]
    fn generated_runs_keep_the_invariants(
        scenario in gen::scenario(),
        raws in gen::raw_commands(),
    ) {
        let run_ms = (scenario.duration_s * 1_000.0) as u64;
        let (case, outcome) = gen::run_generated(scenario, &raws, run_ms, true);
        if let Err(why) = outcome {
            prop_assert!(false, "{}", repro_message(&case, &why));
        }
    }

    /// A value anywhere within a limit is accepted and runs.
    #[test]
    fn values_within_limits_run(i in 0..probes().len(), f in 0.0..=1.0f64) {
        let p = &probes()[i];
        let v = p.within(f);
        let s = with(&p.pointer, v.clone())
            .unwrap_or_else(|e| panic!("{} = {v}: refused: {e:?}", p.pointer));
        run_short(s, 20).unwrap_or_else(|e| panic!("{} = {v}: {e}", p.pointer));
    }

    /// A value past a limit, by a little or a lot, is refused with the field's path.
    #[test]
    fn values_past_limits_are_refused(i in 0..probes().len(), above in any::<bool>(), f in 0.0..=1.0f64) {
        let p = &probes()[i];
        if let Some(v) = p.past(above, f) {
            p.assert_refused(above, v);
        }
    }
}

/// Replays the case in `BROOK_REPRO` (one line, as a failure prints it); passes when unset.
#[test]
fn repro() {
    let Ok(line) = std::env::var("BROOK_REPRO") else { return };
    let case: gen::Case = serde_json::from_str(&line).expect("BROOK_REPRO holds a case");
    gen::run_case(&case).unwrap_or_else(|why| panic!("{why}"));
}

/// Every saved reproduction in `tests/repros/` (one case per `.json` file) now passes.
#[test]
fn saved_repros_pass() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/repros");
    let mut count = 0;
    for entry in std::fs::read_dir(&dir).expect("tests/repros exists") {
        let path = entry.expect("a directory entry").path();
        if path.extension().is_some_and(|e| e == "json") {
            let text = std::fs::read_to_string(&path).expect("a readable file");
            let case: gen::Case = serde_json::from_str(text.trim())
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            gen::run_case(&case).unwrap_or_else(|why| panic!("{}: {why}", path.display()));
            count += 1;
        }
    }
    assert!(count > 0, "tests/repros holds at least one case");
}

// ---------------------------------------------------------------------------------------
// Limits

/// The scenario every probe changes one value of: one of everything (each rate profile, key
/// kind, reader kind and push model, a timeline with every command that has a number).
fn base() -> Scenario {
    let mut s = preset("quickstart").expect("quickstart exists");
    s.name = "limits".into();
    s.duration_s = 1.0;
    s.cluster.brokers = 3;
    let mut t0 = TopicSpec::new("t0", 4);
    (t0.replication_factor, t0.min_insync_replicas) = (2, 2);
    (t0.retention_ms, t0.retention_bytes, t0.segment_bytes) =
        (Some(600_000), Some(1 << 20), 1 << 20);
    s.topics = vec![t0, TopicSpec::new("t1", 2)];
    let rates = [
        RateProfile::Constant { rate_per_sec: 1_000.0 },
        RateProfile::Poisson { rate_per_sec: 500.0 },
        RateProfile::Step {
            base_per_sec: 100.0,
            spike_per_sec: 900.0,
            start_ms: 200,
            duration_ms: 300,
        },
        RateProfile::Bursts {
            base_per_sec: 100.0,
            burst_per_sec: 900.0,
            period_ms: 400,
            burst_ms: 100,
        },
        RateProfile::Sine { mean_per_sec: 500.0, amplitude_per_sec: 200.0, period_ms: 1_000 },
        RateProfile::Piecewise { points: vec![[0.0, 100.0], [500.0, 300.0]] },
        RateProfile::Ramp {
            from_per_sec: 100.0,
            to_per_sec: 800.0,
            start_ms: 100,
            duration_ms: 500,
        },
    ];
    s.producers = rates
        .into_iter()
        .enumerate()
        .map(|(i, rate)| {
            let mut p = ProducerSpec::new(&format!("p{i}"), "t0", rate);
            p.record_bytes = 512;
            p
        })
        .collect();
    let p0 = &mut s.producers[0];
    p0.keys = KeySpec::Uniform { count: 100 };
    p0.enable_idempotence = Some(true);
    p0.quota_bytes_per_sec = Some(1_000_000);
    s.producers[1].keys = KeySpec::Zipf { count: 50, exponent: 1.2 };
    let mut g = GroupSpec::new("g0", "t0", 3, 100);
    g.speed_factors = vec![1.0, 2.0];
    s.groups = vec![g];
    let mut share = ShareGroupSpec::new("s0", "t0", 2, 100);
    (share.failure_rate, share.reject_rate, share.speed_factors) = (0.1, 0.1, vec![1.0]);
    s.share_groups = vec![share];
    let mut rabbit = SubscriptionSpec::new("u0", "t1", 100, Some(10));
    rabbit.consumers = 2;
    s.subscriptions = vec![
        rabbit,
        SubscriptionSpec::new("u1", "t1", 100, None).with_model(PushModel::RedisPubsub),
        SubscriptionSpec::new("u2", "t1", 100, None).with_model(PushModel::MqttQos0),
    ];
    let p = |name: &str| name.to_string();
    let commands = [
        Command::SetRate { producer: p("p0"), rate_per_sec: 800.0 },
        Command::Spike { producer: p("p1"), rate_per_sec: 2_000.0, duration_ms: 300 },
        Command::CrashMember { group: p("g0"), member: 2 },
        Command::RestartBroker { broker: 2 },
        Command::ConfigureProducer {
            producer: p("p2"),
            rate_per_sec: Some(700.0),
            acks: None,
            linger_ms: Some(10),
            batch_bytes: Some(32_768),
            buffer_bytes: Some(1 << 26),
            profile: None,
            keys: None,
        },
        Command::ConfigureGroup {
            group: p("g0"),
            processing_us: Some(200),
            commit: None,
            assignor: None,
        },
        Command::ConfigureSubscription { subscription: p("u0"), prefetch: 20 },
        Command::ConfigureTopic {
            topic: p("t0"),
            retention_ms: Some(60_000),
            retention_bytes: Some(1 << 20),
        },
        Command::AddPartitions { topic: p("t1"), count: 2 },
    ];
    s.events = commands
        .into_iter()
        .enumerate()
        .map(|(i, command)| TimedEvent { at_ms: 100 + 10 * i as u64, command })
        .collect();
    s.direct_call.service_concurrency_max = Some(8);
    s
}

/// One limit: the value at a JSON pointer, its least and most (whole numbers exactly, as
/// `u64`), and the field a refusal names when a limit comes from another field.
struct Probe {
    pointer: String,
    min: f64,
    max: f64,
    whole: Option<(u64, u64)>,
    below: Option<&'static str>,
    above: Option<&'static str>,
}

fn int(pointer: &str, min: u64, max: u64) -> Probe {
    let (lo, hi) = (min as f64, max as f64);
    Probe {
        pointer: pointer.into(),
        min: lo,
        max: hi,
        whole: Some((min, max)),
        below: None,
        above: None,
    }
}

fn float(pointer: &str, min: f64, max: f64) -> Probe {
    Probe { pointer: pointer.into(), min, max, whole: None, below: None, above: None }
}

impl Probe {
    /// Past the least, the refusal names `path` (the field the least comes from).
    fn below(mut self, path: &'static str) -> Self {
        self.below = Some(path);
        self
    }

    /// Past the most, the refusal names `path`.
    fn above(mut self, path: &'static str) -> Self {
        self.above = Some(path);
        self
    }

    /// The field's path as validation names it: `producers[2].rate.start_ms`.
    fn path(&self) -> String {
        let mut out = String::new();
        for part in self.pointer.trim_start_matches('/').split('/') {
            if part.parse::<usize>().is_ok() {
                out.push_str(&format!("[{part}]"));
            } else {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(part);
            }
        }
        out
    }

    /// A value `f` of the way from the least to the most.
    fn within(&self, f: f64) -> Value {
        match self.whole {
            Some((_, hi)) if f >= 1.0 => json!(hi),
            Some((lo, hi)) => json!((lo + ((hi - lo) as f64 * f) as u64).min(hi)),
            None => json!((self.min + (self.max - self.min) * f).min(self.max)),
        }
    }

    /// A value past the limit: just past at `f` = 0, far past at 1; `None` below a least of
    /// 0 for a whole number (JSON's -1 is a reading error, which the mutations cover).
    fn past(&self, above: bool, f: f64) -> Option<Value> {
        let far = (f * 1e6) as u64;
        match self.whole {
            Some((_, hi)) if above => Some(json!(hi.saturating_add(1).saturating_add(far))),
            Some((0, _)) => None,
            Some((lo, _)) => Some(json!((lo - 1).saturating_sub(far))),
            None => {
                let step = |x: f64| (x.abs() * 1e-9).max(1e-9) * (1.0 + far as f64);
                Some(json!(if above {
                    self.max + step(self.max)
                } else {
                    self.min - step(self.min)
                }))
            }
        }
    }

    fn assert_refused(&self, above: bool, v: Value) {
        if let Err(why) = self.refused(above, v) {
            panic!("{why}");
        }
    }

    /// Whether `v` is refused with the right field's path.
    fn refused(&self, above: bool, v: Value) -> Result<(), String> {
        let own = self.path();
        let path = if above { self.above } else { self.below }.map_or(own.clone(), String::from);
        match with(&self.pointer, v.clone()) {
            Ok(_) => Err(format!("{own} = {v} is past its limit and accepted")),
            // Far past a limit that comes from another field, the value may pass its own too.
            Err(errors) if errors.iter().any(|e| e.path == path || e.path == own) => Ok(()),
            Err(errors) => {
                Err(format!("{own} = {v}: the refusal does not name {path}: {errors:?}"))
            }
        }
    }
}

/// The base scenario with the value at `pointer` replaced, read as a file is.
fn with(pointer: &str, v: Value) -> Result<Scenario, Vec<brook_engine::FieldError>> {
    let mut doc: Value = serde_json::from_str(&base().to_json()).expect("base is JSON");
    *doc.pointer_mut(pointer).unwrap_or_else(|| panic!("{pointer} is in the base scenario")) = v;
    Scenario::from_json(&doc.to_string())
}

/// Runs `s` for `steps` steps with the invariants checked after each.
fn run_short(s: Scenario, steps: u32) -> Result<(), String> {
    let mut c = Cluster::new(s);
    for _ in 0..steps {
        c.step();
        c.check_invariants()?;
    }
    Ok(())
}

/// Every limit the validation checks, at the base scenario's values (limits that depend on
/// another field use the base's value of it).
fn probes() -> &'static [Probe] {
    static PROBES: std::sync::OnceLock<Vec<Probe>> = std::sync::OnceLock::new();
    PROBES.get_or_init(|| {
        let ms = limits::MS_MAX;
        let rate = limits::RATE_PER_SEC_MAX;
        let members = limits::MEMBERS_MAX as u64;
        let bytes = limits::PUSH_BUFFER_BYTES_MAX;
        let delay = limits::PUSH_DELAY_MS_MAX as u64;
        let (lo, hi) = (limits::BROKER_BYTES_PER_SEC_MIN, limits::BROKER_BYTES_PER_SEC_MAX);
        let (slow, fast) = (limits::SPEED_FACTOR_MIN, limits::SPEED_FACTOR_MAX);
        vec![
            // The timeline restarts broker 2.
            int("/cluster/brokers", 3, limits::BROKERS_MAX as u64).below("events[3].broker"),
            int("/cluster/network_delay_us", 0, limits::NETWORK_DELAY_US_MAX as u64),
            // At least replica.fetch.wait.max.ms (500 by default), as KafkaConfig requires.
            int("/cluster/replica_lag_time_max_ms", 500, ms)
                .below("cluster.replica_fetch_wait_max_ms"),
            // At most replica.lag.time.max.ms (30,000 here).
            int("/cluster/replica_fetch_wait_max_ms", 0, 30_000),
            int("/cluster/broker_session_timeout_ms", 1, ms),
            int("/cluster/resources/network_in_bytes_per_sec", lo, hi),
            int("/cluster/resources/network_out_bytes_per_sec", lo, hi),
            int("/cluster/resources/disk_write_bytes_per_sec", lo, hi),
            int("/cluster/resources/num_io_threads", 1, limits::IO_THREADS_MAX as u64),
            int("/cluster/resources/queued_max_requests", 1, limits::QUEUED_REQUESTS_MAX as u64),
            int("/cluster/resources/request_cost_us", 0, limits::REQUEST_COST_US_MAX as u64),
            int(
                "/cluster/resources/request_cost_ns_per_byte",
                0,
                limits::REQUEST_COST_NS_PER_BYTE_MAX as u64,
            ),
            // 16384 partitions in all: t1 has 2 and the timeline adds 2 to it.
            int("/topics/0/partitions", 1, limits::PARTITIONS_TOTAL_MAX as u64 - 4)
                .above("events[8].count"),
            // min.insync.replicas 2, 3 brokers.
            int("/topics/0/replication_factor", 2, 3).below("topics[0].min_insync_replicas"),
            int("/topics/0/min_insync_replicas", 1, 2),
            int("/topics/0/retention_ms", 1, ms),
            int("/topics/0/retention_bytes", 1, u64::MAX >> 1),
            int("/topics/0/segment_bytes", 1_024, 1 << 40),
            // batch_bytes 16384.
            int("/producers/0/record_bytes", 1, 16_384).above("producers[0].batch_bytes"),
            int("/producers/2/record_bytes", 1, 16_384).above("producers[2].batch_bytes"),
            int("/producers/0/keys/count", 1, limits::KEYS_MAX as u64),
            int("/producers/1/keys/count", 1, limits::KEYS_MAX as u64),
            // record_bytes 512; buffer_bytes 32 MiB is above the limit.
            int("/producers/0/batch_bytes", 512, limits::BATCH_BYTES_MAX as u64),
            int("/producers/0/linger_ms", 0, limits::LINGER_MS_MAX as u64),
            int("/producers/0/buffer_bytes", 16_384, limits::BUFFER_BYTES_MAX),
            int("/producers/0/max_block_ms", 0, ms),
            // p0 is idempotent: at most 5 in flight (Kafka's ProducerConfig).
            int("/producers/0/max_in_flight_requests_per_connection", 1, 5)
                .above("producers[0].enable_idempotence"),
            int(
                "/producers/1/max_in_flight_requests_per_connection",
                1,
                limits::MAX_IN_FLIGHT_MAX as u64,
            ),
            int("/producers/0/retry_backoff_ms", 0, ms),
            int("/producers/0/delivery_timeout_ms", 1, ms),
            int("/producers/0/quota_bytes_per_sec", 1, 1 << 40),
            int("/producers/2/rate/start_ms", 0, ms),
            int("/producers/2/rate/duration_ms", 0, ms),
            // burst_ms 100, period_ms 400.
            int("/producers/3/rate/period_ms", 100, ms).below("producers[3].rate.burst_ms"),
            int("/producers/3/rate/burst_ms", 0, 400),
            int("/producers/4/rate/period_ms", 1, ms),
            int("/producers/6/rate/start_ms", 0, ms),
            int("/producers/6/rate/duration_ms", 1, ms),
            // The timeline crashes member 2.
            int("/groups/0/members", 3, members).below("events[2].member"),
            int("/groups/0/processing_us", 0, limits::PROCESSING_US_MAX as u64),
            int("/groups/0/max_poll_records", 1, limits::MAX_POLL_RECORDS_MAX as u64),
            int("/groups/0/auto_commit_interval_ms", 1, ms),
            int("/groups/0/rebalance_ms", 0, ms),
            int("/groups/0/fetch_max_wait_ms", 0, ms),
            int("/groups/0/session_timeout_ms", 1, ms),
            int("/groups/0/max_poll_interval_ms", 1, ms),
            int("/share_groups/0/members", 0, members),
            int("/share_groups/0/processing_us", 0, limits::PROCESSING_US_MAX as u64),
            int("/share_groups/0/max_poll_records", 1, limits::MAX_POLL_RECORDS_MAX as u64),
            int("/share_groups/0/lock_ms", 1, ms),
            int("/share_groups/0/delivery_limit", 2, 10),
            int("/subscriptions/0/prefetch", 1, limits::INBOX_RECORDS_MAX as u64),
            int("/subscriptions/0/consumers", 1, limits::SUBSCRIPTION_CONSUMERS_MAX as u64),
            int("/subscriptions/0/memory_bytes_max", 1, bytes),
            int("/subscriptions/0/restart_delay_ms", 0, delay),
            int("/subscriptions/1/output_buffer_hard_bytes", 0, bytes),
            int("/subscriptions/1/output_buffer_soft_bytes", 0, bytes),
            int(
                "/subscriptions/1/output_buffer_soft_seconds",
                0,
                limits::OUTPUT_BUFFER_SOFT_SECONDS_MAX as u64,
            ),
            int("/subscriptions/1/reconnect_delay_ms", 0, delay),
            int("/subscriptions/2/inbox_records_max", 1, limits::INBOX_RECORDS_MAX as u64),
            int("/events/0/at_ms", 0, ms),
            int("/events/1/duration_ms", 1, ms),
            int("/events/2/member", 0, 2), // g0 has 3 members
            int("/events/3/broker", 0, 2), // 3 brokers
            int("/events/4/linger_ms", 0, limits::LINGER_MS_MAX as u64),
            // p2: record_bytes 512; the event's buffer_bytes 64 MiB.
            int("/events/4/batch_bytes", 512, limits::BATCH_BYTES_MAX as u64),
            int("/events/4/buffer_bytes", 32_768, limits::BUFFER_BYTES_MAX),
            int("/events/5/processing_us", 0, limits::PROCESSING_US_MAX as u64),
            int("/events/6/prefetch", 0, limits::INBOX_RECORDS_MAX as u64),
            int("/events/7/retention_ms", 1, ms),
            int("/events/7/retention_bytes", 1, u64::MAX >> 1),
            // 16384 partitions in all: t0 has 4, t1 2.
            int("/events/8/count", 1, limits::PARTITIONS_TOTAL_MAX as u64 - 6),
            int("/direct_call/caller_threads_max", 1, limits::CALLER_THREADS_MAX as u64),
            int("/direct_call/timeout_ms", 1, limits::CALL_TIMEOUT_MS_MAX as u64),
            int("/direct_call/service_queue_max", 0, limits::SERVICE_QUEUE_MAX as u64),
            int("/direct_call/service_concurrency_max", 1, limits::SERVICE_CONCURRENCY_MAX as u64),
            float("/duration_s", 0.001, limits::DURATION_S_MAX),
            float("/producers/0/rate/rate_per_sec", 0.0, rate),
            float("/producers/1/rate/rate_per_sec", 0.0, rate),
            float("/producers/1/keys/exponent", 0.0, 10.0),
            float("/producers/2/rate/base_per_sec", 0.0, rate),
            float("/producers/2/rate/spike_per_sec", 0.0, rate),
            float("/producers/3/rate/base_per_sec", 0.0, rate),
            float("/producers/3/rate/burst_per_sec", 0.0, rate),
            // amplitude 200, mean 500.
            float("/producers/4/rate/mean_per_sec", 200.0, rate)
                .below("producers[4].rate.amplitude_per_sec"),
            float("/producers/4/rate/amplitude_per_sec", 0.0, 500.0),
            // The next point is at 500 ms.
            float("/producers/5/rate/points/0/0", 0.0, 500.0)
                .above("producers[5].rate.points[1][0]"),
            float("/producers/5/rate/points/1/0", 0.0, ms as f64),
            float("/producers/5/rate/points/1/1", 0.0, rate),
            float("/producers/6/rate/from_per_sec", 0.0, rate),
            float("/producers/6/rate/to_per_sec", 0.0, rate),
            float("/groups/0/speed_factors/1", slow, fast),
            float("/share_groups/0/speed_factors/0", slow, fast),
            // failure_rate + reject_rate at most 1; each is 0.1.
            float("/share_groups/0/failure_rate", 0.0, 0.9).above("share_groups[0].reject_rate"),
            float("/share_groups/0/reject_rate", 0.0, 0.9),
            float("/events/0/rate_per_sec", 0.0, rate),
            float("/events/1/rate_per_sec", 0.0, rate),
            float("/events/4/rate_per_sec", 0.0, rate),
        ]
    })
}

/// The base scenario is valid and runs.
#[test]
fn base_scenario_runs() {
    let s = Scenario::from_json(&base().to_json()).expect("the base scenario is valid");
    assert_eq!(s.events.len(), 9);
    run_short(s, 1_000).expect("the base scenario keeps the invariants");
}

/// Each limit at both edges: accepted and runs; one past each edge: refused naming the field.
#[test]
fn every_limit_at_and_past_its_edges() {
    let mut failures = Vec::new();
    for p in probes() {
        for f in [0.0, 1.0] {
            let v = p.within(f);
            match with(&p.pointer, v.clone()) {
                Err(e) => failures.push(format!("{} = {v} is within its limit: {e:?}", p.path())),
                Ok(s) => {
                    if let Err(e) = run_short(s, 5) {
                        failures.push(format!("{} = {v}: {e}", p.path()));
                    }
                }
            }
        }
        for above in [false, true] {
            if let Some(v) = p.past(above, 0.0) {
                failures.extend(p.refused(above, v).err());
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The counts: topics, producers, groups, readers, events, partitions in all, members, speed
/// factors, rate points and name lengths, at their limit (accepted) and one past (refused,
/// naming the list).
#[test]
fn every_count_at_and_past_its_limit() {
    type Grow = fn(&mut Scenario, usize);
    let cases: &[(&str, usize, Grow)] = &[
        ("topics", limits::TOPICS_MAX, |s, n| {
            s.topics.truncate(2);
            for i in 2..n {
                s.topics.push(TopicSpec::new(&format!("x{i}"), 1));
            }
        }),
        ("producers", limits::PRODUCERS_MAX, |s, n| {
            for i in s.producers.len()..n {
                let rate = RateProfile::Constant { rate_per_sec: 1.0 };
                s.producers.push(ProducerSpec::new(&format!("x{i}"), "t1", rate));
            }
        }),
        ("groups", limits::GROUPS_MAX, |s, n| {
            for i in s.groups.len()..n {
                s.groups.push(GroupSpec::new(&format!("x{i}"), "t1", 1, 10));
            }
        }),
        ("readers", limits::READERS_MAX, |s, n| {
            for i in 5..n {
                s.subscriptions.push(SubscriptionSpec::new(&format!("x{i}"), "t1", 10, None));
            }
        }),
        ("events", limits::EVENTS_MAX, |s, n| {
            for i in s.events.len()..n {
                let command = Command::BalanceReplicas;
                s.events.push(TimedEvent { at_ms: 500 + i as u64, command });
            }
        }),
        ("topics.partitions", limits::PARTITIONS_TOTAL_MAX as usize, |s, n| {
            s.events.pop(); // the added partitions
            s.topics[1].partitions = n as u32 - s.topics[0].partitions;
        }),
        ("groups[0].speed_factors", limits::MEMBERS_MAX as usize, |s, n| {
            s.groups[0].speed_factors = vec![1.0; n];
        }),
        ("producers[5].rate.points", limits::RATE_POINTS_MAX, |s, n| {
            let points = (0..n).map(|i| [i as f64, 10.0]).collect();
            s.producers[5].rate = RateProfile::Piecewise { points };
        }),
        ("name", limits::SCENARIO_NAME_BYTES_MAX, |s, n| {
            s.name = "名".repeat(n / 3) + &"n".repeat(n % 3)
        }),
        ("description", limits::DESCRIPTION_BYTES_MAX, |s, n| s.description = "d".repeat(n)),
        ("topics[1].name", limits::NAME_BYTES_MAX, |s, n| {
            let name = "n".repeat(n);
            for g in &mut s.subscriptions {
                g.topics = vec![name.clone()];
            }
            s.events[8] = TimedEvent {
                at_ms: 180,
                command: Command::AddPartitions { topic: name.clone(), count: 2 },
            };
            s.topics[1].name = name;
        }),
    ];
    for (path, max, grow) in cases {
        let mut s = base();
        grow(&mut s, *max);
        let s = Scenario::from_json(&s.to_json())
            .unwrap_or_else(|e| panic!("{path} at its limit {max}: {e:?}"));
        run_short(s, 5).unwrap_or_else(|e| panic!("{path} at its limit: {e}"));
        let mut s = base();
        grow(&mut s, max + 1);
        let errors = Scenario::from_json(&s.to_json())
            .err()
            .unwrap_or_else(|| panic!("{path} past its limit is accepted"));
        assert!(
            errors.iter().any(|e| e.path.starts_with(path)),
            "{path} past its limit: the refusal does not name it: {errors:?}"
        );
    }
}
