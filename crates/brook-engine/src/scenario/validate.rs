//! Validation: every value against its limit, every name against the scenario's shape at
//! that moment. The same check gates commands at run time.

use super::{limits, Command, FieldError, ReaderSpec, Scenario, TopicSpec, SCENARIO_VERSION};
use crate::group::GroupSpec;
use crate::producer::{Acks, KeySpec, ProducerSpec, RateProfile};
use crate::push::{PushModel, SubscriptionSpec};
use crate::share::ShareGroupSpec;

impl Scenario {
    /// Checks a command against this scenario's shape (its names and counts as they stand)
    /// and the limits, as the timeline's events are checked; paths start at `command`. This
    /// is the one gate every command passes before a cluster applies it.
    pub fn validate_command(&self, c: &Command) -> Result<(), Vec<FieldError>> {
        let mut v = Validator::default();
        v.check_command("command", c, self);
        v.result()
    }

    /// [`Scenario::validate_command`] with the problems joined into one message.
    pub fn check_command(&self, c: &Command) -> Result<(), String> {
        self.validate_command(c)
            .map_err(|errors| errors.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("; "))
    }

    /// Checks every value against its limit and every name reference. Timeline events are
    /// checked in time order against the shape the events before them leave (a producer
    /// added at 5 s can be spiked at 8 s; a reader removed at 5 s cannot be named after).
    pub fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut v = Validator::default();
        v.check_top(self);
        for (i, t) in self.topics.iter().enumerate() {
            v.check_topic(&format!("topics[{i}]"), t, self.cluster.brokers);
        }
        v.unique("topics", self.topics.iter().map(|t| t.name.as_str()));
        // The total across topics, once each topic is within its own limit (a topic past it
        // is already named, by its own path).
        let partitions: u64 = self.topics.iter().map(|t| t.partitions as u64).sum();
        if self.topics.iter().all(|t| t.partitions <= limits::PARTITIONS_MAX) {
            v.range_u64(
                "topics.partitions".into(),
                partitions,
                1,
                limits::PARTITIONS_TOTAL_MAX as u64,
            );
        }
        for (i, p) in self.producers.iter().enumerate() {
            v.check_producer(&format!("producers[{i}]"), p, self);
        }
        v.unique("producers", self.producers.iter().map(|p| p.name.as_str()));
        for (i, g) in self.groups.iter().enumerate() {
            v.check_group(&format!("groups[{i}]"), g, self);
        }
        v.unique("groups", self.groups.iter().map(|g| g.name.as_str()));
        for (i, g) in self.share_groups.iter().enumerate() {
            v.check_share_group(&format!("share_groups[{i}]"), g, self);
        }
        v.unique("share_groups", self.share_groups.iter().map(|g| g.name.as_str()));
        for (i, g) in self.subscriptions.iter().enumerate() {
            v.check_subscription(&format!("subscriptions[{i}]"), g, self);
        }
        v.unique("subscriptions", self.subscriptions.iter().map(|g| g.name.as_str()));
        if v.errors.is_empty() {
            v.check_timeline(self);
        }
        v.result()
    }

    /// The scenario's shape at the start: itself without its timeline. Commands then change
    /// it through [`Scenario::follow`].
    pub fn shape(&self) -> Scenario {
        Scenario { events: Vec::new(), ..self.clone() }
    }
}

/// Names of every reader: groups, share groups, subscriptions.
fn reader_names(s: &Scenario) -> impl Iterator<Item = &str> {
    let groups = s.groups.iter().map(|g| g.name.as_str());
    let shares = s.share_groups.iter().map(|g| g.name.as_str());
    groups.chain(shares).chain(s.subscriptions.iter().map(|g| g.name.as_str()))
}

#[derive(Default)]
struct Validator {
    errors: Vec<FieldError>,
}

impl Validator {
    fn result(self) -> Result<(), Vec<FieldError>> {
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(self.errors)
        }
    }

    /// The timeline in time order (ties keep file order, as the cluster applies them), each
    /// event against the shape the events before it leave.
    fn check_timeline(&mut self, s: &Scenario) {
        let mut order: Vec<usize> = (0..s.events.len()).collect();
        crate::sort::sort_by_key(&mut order, |&i| s.events[i].at_ms);
        let mut shape = s.shape();
        for i in order {
            let (e, at) = (&s.events[i], format!("events[{i}]"));
            let before = self.errors.len();
            self.range_u64(format!("{at}.at_ms"), e.at_ms, 0, limits::MS_MAX);
            self.check_command(&at, &e.command, &shape);
            if self.errors.len() == before {
                shape.follow(&e.command);
            }
        }
    }

    fn fail(&mut self, path: String, message: String) {
        self.errors.push(FieldError { path, message });
    }

    fn range_u64(&mut self, path: String, value: u64, min: u64, max: u64) {
        self.range_u64_by(path, value, (min, None), (max, None));
    }

    /// [`Self::range_u64`] where a bound comes from another field (`Some(its path)`): the
    /// message names that field, the one to change when the limit itself looks wrong
    /// ("3 exceeds the limit 1 set by cluster.brokers").
    fn range_u64_by(
        &mut self,
        path: String,
        value: u64,
        (min, min_by): (u64, Option<&str>),
        (max, max_by): (u64, Option<&str>),
    ) {
        let message = match (value < min, value > max) {
            (true, _) => match min_by {
                Some(by) => format!("{value} is below the minimum {min} set by {by}"),
                None => format!("{value} is below the minimum {min}"),
            },
            (false, true) => match max_by {
                Some(by) => format!("{value} exceeds the limit {max} set by {by}"),
                None => format!("{value} exceeds the limit {max}"),
            },
            (false, false) => return,
        };
        self.fail(path, message);
    }

    fn range_f64(&mut self, path: String, value: f64, min: f64, max: f64) {
        self.range_f64_by(path, value, min, (max, None));
    }

    /// [`Self::range_f64`] with an upper bound another field sets (see [`Self::range_u64_by`]).
    fn range_f64_by(&mut self, path: String, value: f64, min: f64, (max, by): (f64, Option<&str>)) {
        if !value.is_finite() {
            self.fail(path, format!("{value} is not a finite number"));
        } else if value < min {
            self.fail(path, format!("{value} is below the minimum {min}"));
        } else if value > max {
            match by {
                Some(by) => {
                    self.fail(path, format!("{value:e} exceeds the limit {max:e} set by {by}"))
                }
                None => self.fail(path, format!("{value:e} exceeds the limit {max:e}")),
            }
        }
    }

    fn name(&mut self, path: String, name: &str) {
        if name.is_empty() || name.len() > limits::NAME_BYTES_MAX {
            self.fail(path, format!("must be 1 to {} bytes long", limits::NAME_BYTES_MAX));
        }
    }

    fn unique<'a>(&mut self, what: &str, names: impl Iterator<Item = &'a str>) {
        let mut seen = crate::vecmap::VecSet::new();
        for (i, n) in names.enumerate() {
            if !seen.insert(n) {
                self.fail(format!("{what}[{i}].name"), format!("\"{n}\" is used twice"));
            }
        }
    }

    fn check_resources(&mut self, r: &super::BrokerResources) {
        let (lo, hi) = (limits::BROKER_BYTES_PER_SEC_MIN, limits::BROKER_BYTES_PER_SEC_MAX);
        for (field, v) in [
            ("network_in_bytes_per_sec", r.network_in_bytes_per_sec),
            ("network_out_bytes_per_sec", r.network_out_bytes_per_sec),
            ("disk_write_bytes_per_sec", r.disk_write_bytes_per_sec),
        ] {
            self.range_u64(format!("cluster.resources.{field}"), v, lo, hi);
        }
        for (field, v, min, max) in [
            ("num_io_threads", r.num_io_threads, 1, limits::IO_THREADS_MAX),
            ("queued_max_requests", r.queued_max_requests, 1, limits::QUEUED_REQUESTS_MAX),
            ("request_cost_us", r.request_cost_us, 0, limits::REQUEST_COST_US_MAX),
            (
                "request_cost_ns_per_byte",
                r.request_cost_ns_per_byte,
                0,
                limits::REQUEST_COST_NS_PER_BYTE_MAX,
            ),
        ] {
            self.range_u64(format!("cluster.resources.{field}"), v as u64, min, max as u64);
        }
    }

    fn check_top(&mut self, s: &Scenario) {
        if s.version != SCENARIO_VERSION {
            self.fail(
                "version".into(),
                format!("{} is not supported; use {SCENARIO_VERSION}", s.version),
            );
        }
        for (field, text, max) in [
            ("name", &s.name, limits::SCENARIO_NAME_BYTES_MAX),
            ("description", &s.description, limits::DESCRIPTION_BYTES_MAX),
        ] {
            if text.len() > max {
                let len = text.len();
                self.fail(field.into(), format!("is {len} bytes long, over the limit {max}"));
            }
        }
        self.range_f64("duration_s".into(), s.duration_s, 0.001, limits::DURATION_S_MAX);
        self.range_u64(
            "cluster.brokers".into(),
            s.cluster.brokers as u64,
            1,
            limits::BROKERS_MAX as u64,
        );
        for (field, v, min) in [
            ("replica_lag_time_max_ms", s.cluster.replica_lag_time_max_ms, 1),
            ("broker_session_timeout_ms", s.cluster.broker_session_timeout_ms, 1),
        ] {
            self.range_u64(format!("cluster.{field}"), v as u64, min, limits::MS_MAX);
        }
        // KafkaConfig.validateValues (later KafkaConfigValidator.validateReplicaFetchConfigs):
        // "replica.fetch.wait.max.ms should always be less than or equal to
        // replica.lag.time.max.ms to prevent frequent changes in ISR".
        self.range_u64_by(
            "cluster.replica_fetch_wait_max_ms".into(),
            s.cluster.replica_fetch_wait_max_ms as u64,
            (0, None),
            (s.cluster.replica_lag_time_max_ms as u64, Some("cluster.replica_lag_time_max_ms")),
        );
        self.check_resources(&s.cluster.resources);
        self.range_u64(
            "cluster.network_delay_us".into(),
            s.cluster.network_delay_us as u64,
            0,
            limits::NETWORK_DELAY_US_MAX as u64,
        );
        self.range_u64("topics".into(), s.topics.len() as u64, 1, limits::TOPICS_MAX as u64);
        self.range_u64(
            "producers".into(),
            s.producers.len() as u64,
            0,
            limits::PRODUCERS_MAX as u64,
        );
        self.range_u64("groups".into(), s.groups.len() as u64, 0, limits::GROUPS_MAX as u64);
        let readers = s.groups.len() + s.share_groups.len() + s.subscriptions.len();
        self.range_u64("readers".into(), readers as u64, 0, limits::READERS_MAX as u64);
        self.range_u64("events".into(), s.events.len() as u64, 0, limits::EVENTS_MAX as u64);
        let d = &s.direct_call;
        for (field, v, min, max) in [
            ("caller_threads_max", d.caller_threads_max, 1, limits::CALLER_THREADS_MAX),
            ("timeout_ms", d.timeout_ms, 1, limits::CALL_TIMEOUT_MS_MAX),
            ("service_queue_max", d.service_queue_max, 0, limits::SERVICE_QUEUE_MAX),
        ] {
            self.range_u64(format!("direct_call.{field}"), v as u64, min, max as u64);
        }
        if let Some(n) = d.service_concurrency_max {
            self.range_u64(
                "direct_call.service_concurrency_max".into(),
                n as u64,
                1,
                limits::SERVICE_CONCURRENCY_MAX as u64,
            );
        }
    }

    fn check_topic(&mut self, at: &str, t: &TopicSpec, brokers: u32) {
        self.name(format!("{at}.name"), &t.name);
        self.range_u64_by(
            format!("{at}.replication_factor"),
            t.replication_factor as u64,
            (1, None),
            (brokers.max(1) as u64, Some("cluster.brokers")),
        );
        self.range_u64_by(
            format!("{at}.min_insync_replicas"),
            t.min_insync_replicas as u64,
            (1, None),
            (t.replication_factor.max(1) as u64, Some(&format!("{at}.replication_factor"))),
        );
        self.range_u64(
            format!("{at}.partitions"),
            t.partitions as u64,
            1,
            limits::PARTITIONS_MAX as u64,
        );
        if let Some(ms) = t.retention_ms {
            self.range_u64(format!("{at}.retention_ms"), ms, 1, limits::MS_MAX);
        }
        if let Some(b) = t.retention_bytes {
            self.range_u64(format!("{at}.retention_bytes"), b, 1, u64::MAX >> 1);
        }
        self.range_u64(format!("{at}.segment_bytes"), t.segment_bytes, 1_024, 1 << 40);
    }

    fn topic_exists(&mut self, path: String, topic: &str, s: &Scenario) {
        if !s.topics.iter().any(|t| t.name == topic) {
            self.fail(path, format!("no topic named \"{topic}\""));
        }
    }

    fn check_rate(&mut self, at: &str, r: &RateProfile) {
        let max = limits::RATE_PER_SEC_MAX;
        let mut rate = |field: &str, v: f64| self.range_f64(format!("{at}.{field}"), v, 0.0, max);
        match *r {
            RateProfile::Constant { rate_per_sec } | RateProfile::Poisson { rate_per_sec } => {
                rate("rate_per_sec", rate_per_sec)
            }
            RateProfile::Step { base_per_sec, spike_per_sec, start_ms, duration_ms } => {
                rate("base_per_sec", base_per_sec);
                rate("spike_per_sec", spike_per_sec);
                self.range_u64(format!("{at}.start_ms"), start_ms, 0, limits::MS_MAX);
                self.range_u64(format!("{at}.duration_ms"), duration_ms, 0, limits::MS_MAX);
            }
            RateProfile::Bursts { base_per_sec, burst_per_sec, period_ms, burst_ms } => {
                rate("base_per_sec", base_per_sec);
                rate("burst_per_sec", burst_per_sec);
                self.range_u64(format!("{at}.period_ms"), period_ms, 1, limits::MS_MAX);
                let by = format!("{at}.period_ms");
                self.range_u64_by(
                    format!("{at}.burst_ms"),
                    burst_ms,
                    (0, None),
                    (period_ms, Some(&by)),
                );
            }
            RateProfile::Sine { mean_per_sec, amplitude_per_sec, period_ms } => {
                rate("mean_per_sec", mean_per_sec);
                let by = format!("{at}.mean_per_sec");
                self.range_f64_by(
                    format!("{at}.amplitude_per_sec"),
                    amplitude_per_sec,
                    0.0,
                    (mean_per_sec, Some(&by)),
                );
                self.range_u64(format!("{at}.period_ms"), period_ms, 1, limits::MS_MAX);
            }
            RateProfile::Piecewise { ref points } => {
                let at = format!("{at}.points");
                self.range_u64(at.clone(), points.len() as u64, 1, limits::RATE_POINTS_MAX as u64);
                let mut last = 0.0;
                for (i, [t, r]) in points.iter().copied().enumerate() {
                    self.range_f64(format!("{at}[{i}][0]"), t, last, limits::MS_MAX as f64);
                    self.range_f64(format!("{at}[{i}][1]"), r, 0.0, max);
                    last = t;
                }
            }
            RateProfile::Ramp { from_per_sec, to_per_sec, start_ms, duration_ms } => {
                rate("from_per_sec", from_per_sec);
                rate("to_per_sec", to_per_sec);
                self.range_u64(format!("{at}.start_ms"), start_ms, 0, limits::MS_MAX);
                self.range_u64(format!("{at}.duration_ms"), duration_ms, 1, limits::MS_MAX);
            }
        }
    }

    fn check_keys(&mut self, at: &str, k: &KeySpec) {
        match *k {
            KeySpec::None => {}
            KeySpec::Uniform { count } => {
                self.range_u64(format!("{at}.count"), count as u64, 1, limits::KEYS_MAX as u64)
            }
            KeySpec::Zipf { count, exponent } => {
                self.range_u64(format!("{at}.count"), count as u64, 1, limits::KEYS_MAX as u64);
                self.range_f64(format!("{at}.exponent"), exponent, 0.0, 10.0);
            }
        }
    }

    fn check_producer(&mut self, at: &str, p: &ProducerSpec, s: &Scenario) {
        self.name(format!("{at}.name"), &p.name);
        self.topic_exists(format!("{at}.topic"), &p.topic, s);
        self.check_rate(&format!("{at}.rate"), &p.rate);
        self.range_u64(
            format!("{at}.record_bytes"),
            p.record_bytes as u64,
            1,
            limits::RECORD_BYTES_MAX as u64,
        );
        self.check_keys(&format!("{at}.keys"), &p.keys);
        self.range_u64_by(
            format!("{at}.batch_bytes"),
            p.batch_bytes as u64,
            (
                p.record_bytes.min(limits::BATCH_BYTES_MAX) as u64,
                Some(&format!("{at}.record_bytes")),
            ),
            (limits::BATCH_BYTES_MAX as u64, None),
        );
        self.range_u64(
            format!("{at}.linger_ms"),
            p.linger_ms as u64,
            0,
            limits::LINGER_MS_MAX as u64,
        );
        self.range_u64_by(
            format!("{at}.buffer_bytes"),
            p.buffer_bytes,
            (p.batch_bytes as u64, Some(&format!("{at}.batch_bytes"))),
            (limits::BUFFER_BYTES_MAX, None),
        );
        self.range_u64(format!("{at}.max_block_ms"), p.max_block_ms as u64, 0, limits::MS_MAX);
        if p.enable_idempotence == Some(true) && p.acks != crate::producer::Acks::All {
            self.fail(format!("{at}.enable_idempotence"), "true requires acks \"all\"".into());
        }
        self.range_u64(
            format!("{at}.max_in_flight_requests_per_connection"),
            p.max_in_flight_requests_per_connection as u64,
            1,
            limits::MAX_IN_FLIGHT_MAX as u64,
        );
        let in_flight_max = crate::producer::IDEMPOTENT_IN_FLIGHT_MAX;
        if p.enable_idempotence == Some(true)
            && p.max_in_flight_requests_per_connection > in_flight_max
        {
            // Kafka's ProducerConfig refuses this (ConfigException).
            self.fail(
                format!("{at}.enable_idempotence"),
                format!(
                    "true requires max_in_flight_requests_per_connection at most {in_flight_max}"
                ),
            );
        }
        self.range_u64(
            format!("{at}.retry_backoff_ms"),
            p.retry_backoff_ms as u64,
            0,
            limits::MS_MAX,
        );
        self.range_u64(
            format!("{at}.delivery_timeout_ms"),
            p.delivery_timeout_ms as u64,
            1,
            limits::MS_MAX,
        );
        if let Some(q) = p.quota_bytes_per_sec {
            self.range_u64(format!("{at}.quota_bytes_per_sec"), q, 1, 1 << 40);
        }
    }

    fn check_group(&mut self, at: &str, g: &GroupSpec, s: &Scenario) {
        self.name(format!("{at}.name"), &g.name);
        if g.topics.is_empty() {
            self.fail(format!("{at}.topics"), "must name at least one topic".into());
        }
        for (i, t) in g.topics.iter().enumerate() {
            self.topic_exists(format!("{at}.topics[{i}]"), t, s);
        }
        self.range_u64(format!("{at}.members"), g.members as u64, 0, limits::MEMBERS_MAX as u64);
        self.range_u64(
            format!("{at}.processing_us"),
            g.processing_us as u64,
            0,
            limits::PROCESSING_US_MAX as u64,
        );
        self.speed_factors(at, &g.speed_factors);
        self.range_u64(
            format!("{at}.max_poll_records"),
            g.max_poll_records as u64,
            1,
            limits::MAX_POLL_RECORDS_MAX as u64,
        );
        for (field, v, min) in [
            ("auto_commit_interval_ms", g.auto_commit_interval_ms, 1),
            ("rebalance_ms", g.rebalance_ms, 0),
            ("fetch_max_wait_ms", g.fetch_max_wait_ms, 0),
            ("session_timeout_ms", g.session_timeout_ms, 1),
            // Kafka's ConsumerConfig: max.poll.interval.ms is atLeast(1).
            ("max_poll_interval_ms", g.max_poll_interval_ms, 1),
        ] {
            self.range_u64(format!("{at}.{field}"), v as u64, min, limits::MS_MAX);
        }
    }

    /// Per-member speed factors: at most one per possible member, each within the limits.
    fn speed_factors(&mut self, at: &str, factors: &[f64]) {
        let n = factors.len() as u64;
        self.range_u64(format!("{at}.speed_factors"), n, 0, limits::MEMBERS_MAX as u64);
        let (min, max) = (limits::SPEED_FACTOR_MIN, limits::SPEED_FACTOR_MAX);
        for (i, f) in factors.iter().enumerate().take(limits::MEMBERS_MAX as usize) {
            self.range_f64(format!("{at}.speed_factors[{i}]"), *f, min, max);
        }
    }

    fn topics_exist(&mut self, at: &str, topics: &[String], s: &Scenario) {
        if topics.is_empty() {
            self.fail(format!("{at}.topics"), "must name at least one topic".into());
        }
        for (i, t) in topics.iter().enumerate() {
            self.topic_exists(format!("{at}.topics[{i}]"), t, s);
        }
    }

    fn check_share_group(&mut self, at: &str, g: &ShareGroupSpec, s: &Scenario) {
        self.name(format!("{at}.name"), &g.name);
        self.topics_exist(at, &g.topics, s);
        self.range_u64(format!("{at}.members"), g.members as u64, 0, limits::MEMBERS_MAX as u64);
        let max = limits::PROCESSING_US_MAX as u64;
        self.range_u64(format!("{at}.processing_us"), g.processing_us as u64, 0, max);
        self.speed_factors(at, &g.speed_factors);
        let polls = limits::MAX_POLL_RECORDS_MAX as u64;
        self.range_u64(format!("{at}.max_poll_records"), g.max_poll_records as u64, 1, polls);
        self.range_u64(format!("{at}.lock_ms"), g.lock_ms as u64, 1, limits::MS_MAX);
        let (min, max) = (limits::DELIVERY_LIMIT_MIN, limits::DELIVERY_LIMIT_MAX);
        self.range_u64(
            format!("{at}.delivery_limit"),
            g.delivery_limit as u64,
            min as u64,
            max as u64,
        );
        self.range_f64(format!("{at}.failure_rate"), g.failure_rate, 0.0, 1.0);
        let reject_max = 1.0 - g.failure_rate.clamp(0.0, 1.0);
        let before = self.errors.len();
        let by = format!("{at}.failure_rate");
        self.range_f64_by(format!("{at}.reject_rate"), g.reject_rate, 0.0, (reject_max, Some(&by)));
        // Their sum decides, not `1 - failure_rate`: 0.9 and 0.1 add up to 1 where 1 - 0.9 is
        // below 0.1.
        if self.errors.len() > before
            && (0.0..=1.0).contains(&g.failure_rate)
            && g.reject_rate >= 0.0
            && g.failure_rate + g.reject_rate <= 1.0
        {
            self.errors.truncate(before);
        }
    }

    fn check_subscription(&mut self, at: &str, g: &SubscriptionSpec, s: &Scenario) {
        self.name(format!("{at}.name"), &g.name);
        self.topics_exist(at, &g.topics, s);
        let max = limits::PROCESSING_US_MAX as u64;
        self.range_u64(format!("{at}.processing_us"), g.processing_us as u64, 0, max);
        let rabbitmq = g.push_model == PushModel::Rabbitmq;
        let only_rabbitmq = |field: &str| {
            format!(
                "{field} applies to push_model \"rabbitmq\" only; this one is \"{}\"",
                g.push_model.name()
            )
        };
        if let Some(p) = g.prefetch {
            self.range_u64(format!("{at}.prefetch"), p as u64, 1, limits::INBOX_RECORDS_MAX as u64);
            if !rabbitmq {
                self.fail(format!("{at}.prefetch"), only_rabbitmq("prefetch"));
            }
        }
        let consumers_max = limits::SUBSCRIPTION_CONSUMERS_MAX as u64;
        self.range_u64(format!("{at}.consumers"), g.consumers as u64, 1, consumers_max);
        if g.consumers > 1 && !rabbitmq {
            self.fail(format!("{at}.consumers"), only_rabbitmq("consumers"));
        }
        let bytes = limits::PUSH_BUFFER_BYTES_MAX;
        self.range_u64(format!("{at}.memory_bytes_max"), g.memory_bytes_max, 1, bytes);
        let delay = limits::PUSH_DELAY_MS_MAX as u64;
        self.range_u64(format!("{at}.restart_delay_ms"), g.restart_delay_ms as u64, 0, delay);
        let hard = g.output_buffer_hard_bytes;
        self.range_u64(format!("{at}.output_buffer_hard_bytes"), hard, 0, bytes);
        let soft = g.output_buffer_soft_bytes;
        self.range_u64(format!("{at}.output_buffer_soft_bytes"), soft, 0, bytes);
        let secs = g.output_buffer_soft_seconds as u64;
        let secs_max = limits::OUTPUT_BUFFER_SOFT_SECONDS_MAX as u64;
        self.range_u64(format!("{at}.output_buffer_soft_seconds"), secs, 0, secs_max);
        self.range_u64(format!("{at}.reconnect_delay_ms"), g.reconnect_delay_ms as u64, 0, delay);
        let inbox = limits::INBOX_RECORDS_MAX as u64;
        self.range_u64(format!("{at}.inbox_records_max"), g.inbox_records_max as u64, 1, inbox);
    }

    fn check_command(&mut self, at: &str, c: &Command, s: &Scenario) {
        let producer = |n: &str| s.producers.iter().any(|p| p.name == n);
        let group = |n: &str| s.groups.iter().position(|g| g.name == n);
        let share = |n: &str| s.share_groups.iter().position(|g| g.name == n);
        match c {
            Command::SetRate { producer: p, rate_per_sec }
            | Command::Spike { producer: p, rate_per_sec, .. } => {
                if let Command::Spike { duration_ms, .. } = c {
                    self.range_u64(format!("{at}.duration_ms"), *duration_ms, 1, limits::MS_MAX);
                }
                if !producer(p) {
                    self.fail(format!("{at}.producer"), format!("no producer named \"{p}\""));
                }
                self.range_f64(
                    format!("{at}.rate_per_sec"),
                    *rate_per_sec,
                    0.0,
                    limits::RATE_PER_SEC_MAX,
                );
            }
            Command::AddMember { group: g } => match group(g) {
                Some(i) if s.groups[i].members >= limits::MEMBERS_MAX => {
                    let why = format!(
                        "{g} has {} members; the limit is {}",
                        s.groups[i].members,
                        limits::MEMBERS_MAX
                    );
                    self.fail(format!("{at}.group"), why);
                }
                Some(_) => {}
                None => self.no_group(at, g, share(g).is_some()),
            },
            Command::RemoveMember { group: g } => match group(g) {
                Some(i) if s.groups[i].members == 0 => {
                    self.fail(format!("{at}.group"), format!("{g} has no member to remove"));
                }
                Some(_) => {}
                None => self.no_group(at, g, share(g).is_some()),
            },
            Command::CrashMember { group: g, member }
            | Command::RestartMember { group: g, member } => {
                let members = match (group(g), share(g)) {
                    (Some(i), _) => s.groups[i].members,
                    (None, Some(i)) => s.share_groups[i].members,
                    (None, None) => {
                        return self.fail(format!("{at}.group"), format!("no group named \"{g}\""))
                    }
                };
                if members == 0 {
                    self.fail(format!("{at}.member"), format!("{g} has no member"));
                } else {
                    self.range_u64(format!("{at}.member"), *member as u64, 0, members as u64 - 1);
                }
            }
            Command::CrashBroker { broker } | Command::RestartBroker { broker } => {
                let brokers = s.cluster.brokers.max(1);
                self.range_u64(format!("{at}.broker"), *broker as u64, 0, brokers as u64 - 1);
            }
            Command::RemoveBroker { broker } => {
                let brokers = s.cluster.brokers.max(1);
                let last = brokers as u64 - 1;
                if *broker as u64 != last || last == 0 {
                    let why = if last == 0 {
                        "the only broker cannot leave".to_string()
                    } else {
                        format!("only the highest-numbered broker ({last}) may leave")
                    };
                    self.fail(format!("{at}.broker"), why);
                }
            }
            Command::BalanceReplicas => {}
            Command::AddBroker => {
                let brokers = s.cluster.brokers.max(1);
                if brokers >= limits::BROKERS_MAX {
                    let why =
                        format!("{brokers} brokers already; the limit is {}", limits::BROKERS_MAX);
                    self.fail(format!("{at}.kind"), why);
                }
            }
            Command::RemoveProducer { producer: p } => {
                if !producer(p) {
                    self.fail(format!("{at}.producer"), format!("no producer named \"{p}\""));
                }
            }
            Command::AddProducer { spec } => {
                if s.producers.iter().any(|p| p.name == spec.name) {
                    self.fail(
                        format!("{at}.spec.name"),
                        format!("\"{}\" is used already", spec.name),
                    );
                }
                if s.producers.len() >= limits::PRODUCERS_MAX {
                    self.fail(
                        format!("{at}.spec"),
                        format!("more than {} producers", limits::PRODUCERS_MAX),
                    );
                }
                self.check_producer(&format!("{at}.spec"), spec, s);
            }
            Command::AddReader { reader } => self.check_new_reader(at, reader, s),
            Command::RemoveReader { name } => {
                if !reader_names(s).any(|n| n == name) {
                    self.fail(format!("{at}.name"), format!("no reader named \"{name}\""));
                }
            }
            Command::ConfigureProducer {
                producer: p,
                rate_per_sec,
                acks,
                linger_ms,
                batch_bytes,
                buffer_bytes,
                profile,
                keys,
            } => {
                let Some(spec) = s.producers.iter().find(|x| &x.name == p) else {
                    return self
                        .fail(format!("{at}.producer"), format!("no producer named \"{p}\""));
                };
                if let Some(profile) = profile {
                    if rate_per_sec.is_some() {
                        let why = "give rate_per_sec or profile, not both".to_string();
                        self.fail(format!("{at}.profile"), why);
                    }
                    self.check_rate(&format!("{at}.profile"), profile);
                }
                if let Some(k) = keys {
                    self.check_keys(&format!("{at}.keys"), k);
                }
                if let Some(r) = rate_per_sec {
                    self.range_f64(format!("{at}.rate_per_sec"), *r, 0.0, limits::RATE_PER_SEC_MAX);
                }
                if let Some(l) = linger_ms {
                    self.range_u64(
                        format!("{at}.linger_ms"),
                        *l as u64,
                        0,
                        limits::LINGER_MS_MAX as u64,
                    );
                }
                if let Some(b) = batch_bytes {
                    let min = spec.record_bytes.min(limits::BATCH_BYTES_MAX) as u64;
                    let max = (limits::BATCH_BYTES_MAX as u64).min(spec.buffer_bytes);
                    self.range_u64(format!("{at}.batch_bytes"), *b as u64, min, max);
                }
                if let Some(b) = buffer_bytes {
                    let min = batch_bytes.unwrap_or(spec.batch_bytes) as u64;
                    self.range_u64(format!("{at}.buffer_bytes"), *b, min, limits::BUFFER_BYTES_MAX);
                }
                if acks.is_some_and(|a| a != Acks::All) && spec.enable_idempotence == Some(true) {
                    self.fail(format!("{at}.acks"), "idempotence needs acks \"all\"".into());
                }
            }
            Command::ConfigureGroup { group: g, processing_us, .. } => {
                if group(g).is_none() {
                    self.fail(format!("{at}.group"), format!("no group named \"{g}\""));
                }
                if let Some(us) = processing_us {
                    let max = limits::PROCESSING_US_MAX as u64;
                    self.range_u64(format!("{at}.processing_us"), *us as u64, 0, max);
                }
            }
            Command::ConfigureSubscription { subscription, prefetch } => {
                match s.subscriptions.iter().find(|x| &x.name == subscription) {
                    None => {
                        let why = format!("no subscription named \"{subscription}\"");
                        self.fail(format!("{at}.subscription"), why);
                    }
                    Some(x) if x.push_model != PushModel::Rabbitmq => {
                        let why = format!(
                            "prefetch applies to push_model \"rabbitmq\" only; \"{subscription}\" \
                             is \"{}\"",
                            x.push_model.name()
                        );
                        self.fail(format!("{at}.prefetch"), why);
                    }
                    Some(_) => {}
                }
                let max = limits::INBOX_RECORDS_MAX as u64;
                self.range_u64(format!("{at}.prefetch"), *prefetch as u64, 0, max);
            }
            Command::ConfigureTopic { topic, retention_ms, retention_bytes } => {
                self.topic_exists(format!("{at}.topic"), topic, s);
                if let Some(ms) = retention_ms {
                    self.range_u64(format!("{at}.retention_ms"), *ms, 1, limits::MS_MAX);
                }
                if let Some(b) = retention_bytes {
                    self.range_u64(format!("{at}.retention_bytes"), *b, 1, u64::MAX >> 1);
                }
            }
            Command::AddPartitions { topic, count } => {
                self.topic_exists(format!("{at}.topic"), topic, s);
                let now = s.topics.iter().find(|t| &t.name == topic).map_or(0, |t| t.partitions);
                let all: u32 = s.topics.iter().map(|t| t.partitions).sum();
                let room = limits::PARTITIONS_TOTAL_MAX.saturating_sub(all);
                let max = limits::PARTITIONS_MAX.saturating_sub(now).min(room).max(1);
                self.range_u64(format!("{at}.count"), *count as u64, 1, max as u64);
            }
        }
    }

    fn check_new_reader(&mut self, at: &str, reader: &ReaderSpec, s: &Scenario) {
        let name = reader.name();
        if reader_names(s).any(|n| n == name) {
            self.fail(format!("{at}.reader.name"), format!("\"{name}\" is used already"));
        }
        if reader_names(s).count() >= limits::READERS_MAX {
            self.fail(format!("{at}.reader"), format!("more than {} readers", limits::READERS_MAX));
        }
        if matches!(reader, ReaderSpec::Group(_)) && s.groups.len() >= limits::GROUPS_MAX {
            self.fail(format!("{at}.reader"), format!("more than {} groups", limits::GROUPS_MAX));
        }
        let at = format!("{at}.reader");
        match reader {
            ReaderSpec::Group(g) => self.check_group(&at, g, s),
            ReaderSpec::Share(g) => self.check_share_group(&at, g, s),
            ReaderSpec::Push(g) => self.check_subscription(&at, g, s),
        }
    }

    /// `g` names no consumer group; a share group of that name cannot change its size.
    fn no_group(&mut self, at: &str, g: &str, is_share_group: bool) {
        let why = if is_share_group {
            format!("\"{g}\" is a share group; its members are fixed by the scenario")
        } else {
            format!("no group named \"{g}\"")
        };
        self.fail(format!("{at}.group"), why);
    }
}
