//! Scenarios: a versioned JSON description of a cluster, its topics, producers, groups and a
//! timeline of events, with validation that names the field and the limit.

use serde::{Deserialize, Serialize};

use crate::assignor::AssignorKind;
use crate::group::GroupSpec;
use crate::producer::Acks;
use crate::producer::{KeySpec, ProducerSpec, RateProfile};
use crate::push::SubscriptionSpec;
use crate::share::ShareGroupSpec;
use crate::vocab::CommitMode;

/// The scenario format version this engine reads.
pub const SCENARIO_VERSION: u32 = 1;

/// Limits on scenario values. Each is inclusive.
pub mod limits {
    /// Brokers in a cluster.
    pub const BROKERS_MAX: u32 = 16;
    /// Topics in a scenario.
    pub const TOPICS_MAX: usize = 16;
    /// Partitions per topic.
    pub const PARTITIONS_MAX: u32 = 1_024;
    /// Producers in a scenario.
    pub const PRODUCERS_MAX: usize = 64;
    /// Consumer groups in a scenario.
    pub const GROUPS_MAX: usize = 16;
    /// Readers of all kinds (groups, share groups, subscriptions) in a scenario.
    pub const READERS_MAX: usize = 32;
    /// Members per group.
    pub const MEMBERS_MAX: u32 = 256;
    /// Records per second for one producer.
    pub const RATE_PER_SEC_MAX: f64 = 1e8;
    /// Bytes per record.
    pub const RECORD_BYTES_MAX: u32 = 1_048_576;
    /// Distinct keys of one producer.
    pub const KEYS_MAX: u32 = 100_000;
    /// `batch.size`, bytes.
    pub const BATCH_BYTES_MAX: u32 = 16_777_216;
    /// `linger.ms`.
    pub const LINGER_MS_MAX: u32 = 60_000;
    /// `buffer.memory`, bytes.
    pub const BUFFER_BYTES_MAX: u64 = 1 << 32;
    /// Processing time per record, us.
    pub const PROCESSING_US_MAX: u32 = 60_000_000;
    /// `max.poll.records`.
    pub const MAX_POLL_RECORDS_MAX: u32 = 100_000;
    /// Points of a piecewise rate profile.
    pub const RATE_POINTS_MAX: usize = 1_000;
    /// Timeline events.
    pub const EVENTS_MAX: usize = 1_000;
    /// Scenario duration, s.
    pub const DURATION_S_MAX: f64 = 86_400.0;
    /// Any time or interval setting, ms (30 days).
    pub const MS_MAX: u64 = 2_592_000_000;
    /// Name length, bytes.
    pub const NAME_BYTES_MAX: usize = 64;
    /// A push subscriber's inbox and prefetch window, records.
    pub const INBOX_RECORDS_MAX: u32 = 1_000_000;
    /// Network delay one way, us.
    pub const NETWORK_DELAY_US_MAX: u32 = 1_000_000;
}

/// Cluster-wide settings.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClusterSpec {
    /// Brokers. Default 1.
    #[serde(default = "one")]
    pub brokers: u32,
    /// One-way network delay between any client and a broker, us. Default 1000.
    #[serde(default = "default_network_delay_us")]
    pub network_delay_us: u32,
    /// `replica.lag.time.max.ms`: a follower not caught up this long leaves the ISR.
    /// Default 30000.
    #[serde(default = "default_replica_lag_time_max_ms")]
    pub replica_lag_time_max_ms: u32,
    /// `broker.session.timeout.ms`: a crashed broker is noticed (and leaders moved) after this.
    /// Default 9000.
    #[serde(default = "default_broker_session_timeout_ms")]
    pub broker_session_timeout_ms: u32,
}

impl Default for ClusterSpec {
    fn default() -> Self {
        ClusterSpec {
            brokers: 1,
            network_delay_us: default_network_delay_us(),
            replica_lag_time_max_ms: default_replica_lag_time_max_ms(),
            broker_session_timeout_ms: default_broker_session_timeout_ms(),
        }
    }
}

fn default_replica_lag_time_max_ms() -> u32 {
    30_000
}
fn default_broker_session_timeout_ms() -> u32 {
    9_000
}

fn one() -> u32 {
    1
}
fn default_network_delay_us() -> u32 {
    1_000
}

/// A topic.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TopicSpec {
    /// Name, unique among topics.
    pub name: String,
    /// Partitions.
    pub partitions: u32,
    /// Replicas per partition (leader included). Default 1.
    #[serde(default = "one")]
    pub replication_factor: u32,
    /// `min.insync.replicas`: acks=all writes fail while the ISR is smaller. Default 1.
    #[serde(default = "one")]
    pub min_insync_replicas: u32,
    /// `unclean.leader.election.enable`: a replica outside the ISR may lead (losing records)
    /// rather than leave the partition offline. Default false.
    #[serde(default)]
    pub unclean_leader_election: bool,
    /// `retention.ms`; null for unlimited. Default 604800000 (7 days).
    #[serde(default = "default_retention_ms")]
    pub retention_ms: Option<u64>,
    /// `retention.bytes` per partition; null (Kafka's -1) for unlimited. Default null.
    #[serde(default)]
    pub retention_bytes: Option<u64>,
    /// `segment.bytes`. Default 1073741824.
    #[serde(default = "default_segment_bytes")]
    pub segment_bytes: u64,
}

fn default_retention_ms() -> Option<u64> {
    Some(604_800_000)
}
fn default_segment_bytes() -> u64 {
    1 << 30
}

impl TopicSpec {
    /// A topic with Kafka's default retention.
    pub fn new(name: &str, partitions: u32) -> Self {
        TopicSpec {
            name: name.into(),
            partitions,
            replication_factor: 1,
            min_insync_replicas: 1,
            unclean_leader_election: false,
            retention_ms: default_retention_ms(),
            retention_bytes: None,
            segment_bytes: default_segment_bytes(),
        }
    }
}

/// Something that changes a running simulation: from the timeline or from the UI.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case", deny_unknown_fields)]
pub enum Command {
    /// Replace a producer's rate profile with a constant rate.
    SetRate {
        /// Producer name.
        producer: String,
        /// Records per second.
        rate_per_sec: f64,
    },
    /// Run a producer at `rate_per_sec` for `duration_ms`, then back to its profile.
    Spike {
        /// Producer name.
        producer: String,
        /// Records per second during the spike.
        rate_per_sec: f64,
        /// Length, ms.
        duration_ms: u64,
    },
    /// A new member joins a group.
    AddMember {
        /// Group name.
        group: String,
    },
    /// The newest live member leaves a group gracefully.
    RemoveMember {
        /// Group name.
        group: String,
    },
    /// A member crashes (no commit, noticed after session.timeout.ms).
    CrashMember {
        /// Group name.
        group: String,
        /// Member index in the group.
        member: u32,
    },
    /// A crashed member restarts and rejoins.
    RestartMember {
        /// Group name.
        group: String,
        /// Member index in the group.
        member: u32,
    },
    /// A broker crashes: its replicas stop; it is noticed after `broker_session_timeout_ms`.
    CrashBroker {
        /// Broker id (0-based).
        broker: u32,
    },
    /// A crashed broker restarts; its replicas catch up and rejoin the ISR.
    RestartBroker {
        /// Broker id.
        broker: u32,
    },
    /// Partitions are added to a topic (keys may move to other partitions).
    AddPartitions {
        /// Topic name.
        topic: String,
        /// Partitions to add.
        count: u32,
    },
    /// A new producer starts.
    AddProducer {
        /// Its configuration (its name must be new).
        spec: ProducerSpec,
    },
    /// A new reader subscribes: a consumer group, a share group or a push subscription.
    AddReader {
        /// What it is.
        reader: ReaderSpec,
    },
    /// A reader (group, share group or subscription) goes away.
    RemoveReader {
        /// Its name.
        name: String,
    },
    /// Changes a producer's settings; fields left out (null) keep their value.
    ConfigureProducer {
        /// Producer name.
        producer: String,
        /// A constant rate from now on, records per second.
        #[serde(default)]
        rate_per_sec: Option<f64>,
        /// `acks`.
        #[serde(default)]
        acks: Option<Acks>,
        /// `linger.ms`.
        #[serde(default)]
        linger_ms: Option<u32>,
        /// `batch.size`, bytes.
        #[serde(default)]
        batch_bytes: Option<u32>,
        /// `buffer.memory`, bytes.
        #[serde(default)]
        buffer_bytes: Option<u64>,
        /// A new rate profile (its times count from the start of the run); not together with
        /// `rate_per_sec`.
        #[serde(default)]
        profile: Option<RateProfile>,
        /// New keys (the key-to-partition map is rebuilt).
        #[serde(default)]
        keys: Option<KeySpec>,
    },
    /// A producer is closed, as `producer.close()` does: it stops creating records, sends what
    /// it holds, and stays on the stage with its totals (its records remain in the logs).
    RemoveProducer {
        /// Producer name.
        producer: String,
    },
    /// A new, empty broker joins the cluster; partitions added later are placed on it too
    /// (Kafka never moves existing replicas on its own).
    AddBroker,
    /// Replicas move from the brokers holding the most to those holding the fewest until
    /// every live broker holds within one of the others (as an operator runs
    /// `kafka-reassign-partitions` after adding brokers); each move copies the log first.
    BalanceReplicas,
    /// The highest-numbered broker leaves the cluster: its replicas first move to other
    /// brokers, each copying the log before it swaps in (crash it to see a failure instead).
    RemoveBroker {
        /// Broker id: the highest one.
        broker: u32,
    },
    /// Changes a push subscription's prefetch window.
    ConfigureSubscription {
        /// Subscription name.
        subscription: String,
        /// Records it may hold unacknowledged; 0 for no limit.
        prefetch: u32,
    },
    /// Changes a consumer group's settings; fields left out keep their value.
    ConfigureGroup {
        /// Group name.
        group: String,
        /// Mean processing time per record, us.
        #[serde(default)]
        processing_us: Option<u32>,
        /// Commit mode.
        #[serde(default)]
        commit: Option<CommitMode>,
        /// Assignor (applies from the next rebalance).
        #[serde(default)]
        assignor: Option<AssignorKind>,
    },
    /// Changes a topic's retention; fields left out keep their value.
    ConfigureTopic {
        /// Topic name.
        topic: String,
        /// `retention.ms`.
        #[serde(default)]
        retention_ms: Option<u64>,
        /// `retention.bytes` per partition.
        #[serde(default)]
        retention_bytes: Option<u64>,
    },
}

/// Any kind of reader, for `Command::AddReader`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum ReaderSpec {
    /// A consumer group (pull).
    Group(GroupSpec),
    /// A share group (queue).
    Share(ShareGroupSpec),
    /// A push subscription.
    Push(SubscriptionSpec),
}

impl ReaderSpec {
    /// The reader's name.
    pub fn name(&self) -> &str {
        match self {
            ReaderSpec::Group(g) => &g.name,
            ReaderSpec::Share(g) => &g.name,
            ReaderSpec::Push(g) => &g.name,
        }
    }
}

/// A command at a virtual time. (Unknown fields are refused by `Command`: serde cannot deny
/// them here because of `flatten`.)
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TimedEvent {
    /// When, virtual ms from the start.
    pub at_ms: u64,
    /// What.
    #[serde(flatten)]
    pub command: Command,
}

/// A whole scenario.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Format version; must be 1.
    pub version: u32,
    /// Short name.
    pub name: String,
    /// What to watch, one or two sentences.
    #[serde(default)]
    pub description: String,
    /// RNG seed. Default 1.
    #[serde(default = "default_seed")]
    pub seed: u64,
    /// Length of a headless run, s. Default 60.
    #[serde(default = "default_duration_s")]
    pub duration_s: f64,
    /// Cluster settings.
    #[serde(default)]
    pub cluster: ClusterSpec,
    /// Topics.
    pub topics: Vec<TopicSpec>,
    /// Producers.
    pub producers: Vec<ProducerSpec>,
    /// Consumer groups.
    #[serde(default)]
    pub groups: Vec<GroupSpec>,
    /// Share groups (point-to-point queues, KIP-932).
    #[serde(default)]
    pub share_groups: Vec<ShareGroupSpec>,
    /// Push subscriptions (publish/subscribe by push, for comparison).
    #[serde(default)]
    pub subscriptions: Vec<SubscriptionSpec>,
    /// Timeline, in any order (sorted by time when loaded).
    #[serde(default)]
    pub events: Vec<TimedEvent>,
}

fn default_seed() -> u64 {
    1
}
fn default_duration_s() -> f64 {
    60.0
}

/// A validation failure: the field path and what is wrong with it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldError {
    /// Path like `producers[2].rate.rate_per_sec`.
    pub path: String,
    /// What is wrong, naming the limit.
    pub message: String,
}

impl std::fmt::Display for FieldError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

impl Scenario {
    /// Parses and validates a scenario; every problem found is reported with its field path.
    pub fn from_json(text: &str) -> Result<Scenario, Vec<FieldError>> {
        let de = &mut serde_json::Deserializer::from_str(text);
        let scenario: Scenario = serde_path_to_error::deserialize(de).map_err(|e| {
            let path = e.path().to_string();
            vec![FieldError {
                path: if path == "." { "(document)".into() } else { path },
                message: e.into_inner().to_string(),
            }]
        })?;
        scenario.validate()?;
        Ok(scenario)
    }

    /// The scenario as pretty JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a scenario always serializes")
    }

    /// Checks a command against this scenario's names and the limits, as the timeline's events
    /// are checked; paths start at `command`.
    pub fn validate_command(&self, c: &Command) -> Result<(), Vec<FieldError>> {
        let mut v = Validator::default();
        let e = TimedEvent { at_ms: 0, command: c.clone() };
        v.check_event("command", &e, self);
        if v.errors.is_empty() {
            Ok(())
        } else {
            Err(v.errors)
        }
    }

    /// [`Scenario::validate_command`] with the problems joined into one message.
    pub fn check_command(&self, c: &Command) -> Result<(), String> {
        self.validate_command(c)
            .map_err(|errors| errors.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("; "))
    }

    /// Checks every value against its limit and every name reference.
    pub fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut v = Validator::default();
        v.check_top(self);
        for (i, t) in self.topics.iter().enumerate() {
            v.check_topic(&format!("topics[{i}]"), t, self.cluster.brokers);
        }
        v.unique("topics", self.topics.iter().map(|t| t.name.as_str()));
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
        for (i, e) in self.events.iter().enumerate() {
            v.check_event(&format!("events[{i}]"), e, self);
        }
        if v.errors.is_empty() {
            Ok(())
        } else {
            Err(v.errors)
        }
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
    fn fail(&mut self, path: String, message: String) {
        self.errors.push(FieldError { path, message });
    }

    fn range_u64(&mut self, path: String, value: u64, min: u64, max: u64) {
        if value < min {
            self.fail(path, format!("{value} is below the minimum {min}"));
        } else if value > max {
            self.fail(path, format!("{value} exceeds the limit {max}"));
        }
    }

    fn range_f64(&mut self, path: String, value: f64, min: f64, max: f64) {
        if !value.is_finite() {
            self.fail(path, format!("{value} is not a finite number"));
        } else if value < min {
            self.fail(path, format!("{value} is below the minimum {min}"));
        } else if value > max {
            self.fail(path, format!("{value:e} exceeds the limit {max:e}"));
        }
    }

    fn name(&mut self, path: String, name: &str) {
        if name.is_empty() || name.len() > limits::NAME_BYTES_MAX {
            self.fail(path, format!("must be 1 to {} bytes long", limits::NAME_BYTES_MAX));
        }
    }

    fn unique<'a>(&mut self, what: &str, names: impl Iterator<Item = &'a str>) {
        let mut seen = std::collections::BTreeSet::new();
        for (i, n) in names.enumerate() {
            if !seen.insert(n) {
                self.fail(format!("{what}[{i}].name"), format!("\"{n}\" is used twice"));
            }
        }
    }

    fn check_top(&mut self, s: &Scenario) {
        if s.version != SCENARIO_VERSION {
            self.fail(
                "version".into(),
                format!("{} is not supported; use {SCENARIO_VERSION}", s.version),
            );
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
    }

    fn check_topic(&mut self, at: &str, t: &TopicSpec, brokers: u32) {
        self.name(format!("{at}.name"), &t.name);
        self.range_u64(
            format!("{at}.replication_factor"),
            t.replication_factor as u64,
            1,
            brokers.max(1) as u64,
        );
        self.range_u64(
            format!("{at}.min_insync_replicas"),
            t.min_insync_replicas as u64,
            1,
            t.replication_factor.max(1) as u64,
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
                self.range_u64(format!("{at}.burst_ms"), burst_ms, 0, period_ms);
            }
            RateProfile::Sine { mean_per_sec, amplitude_per_sec, period_ms } => {
                rate("mean_per_sec", mean_per_sec);
                self.range_f64(
                    format!("{at}.amplitude_per_sec"),
                    amplitude_per_sec,
                    0.0,
                    mean_per_sec,
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
        self.range_u64(
            format!("{at}.batch_bytes"),
            p.batch_bytes as u64,
            p.record_bytes.min(limits::BATCH_BYTES_MAX) as u64,
            limits::BATCH_BYTES_MAX as u64,
        );
        self.range_u64(
            format!("{at}.linger_ms"),
            p.linger_ms as u64,
            0,
            limits::LINGER_MS_MAX as u64,
        );
        self.range_u64(
            format!("{at}.buffer_bytes"),
            p.buffer_bytes,
            p.batch_bytes as u64,
            limits::BUFFER_BYTES_MAX,
        );
        self.range_u64(format!("{at}.max_block_ms"), p.max_block_ms as u64, 0, limits::MS_MAX);
        if p.enable_idempotence == Some(true) && p.acks != crate::producer::Acks::All {
            self.fail(format!("{at}.enable_idempotence"), "true requires acks \"all\"".into());
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
        for (i, f) in g.speed_factors.iter().enumerate() {
            self.range_f64(format!("{at}.speed_factors[{i}]"), *f, 0.01, 100.0);
        }
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
        ] {
            self.range_u64(format!("{at}.{field}"), v as u64, min, limits::MS_MAX);
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
        let polls = limits::MAX_POLL_RECORDS_MAX as u64;
        self.range_u64(format!("{at}.max_poll_records"), g.max_poll_records as u64, 1, polls);
        self.range_u64(format!("{at}.lock_ms"), g.lock_ms as u64, 1, limits::MS_MAX);
        self.range_u64(format!("{at}.delivery_limit"), g.delivery_limit as u64, 1, 255);
        self.range_f64(format!("{at}.failure_rate"), g.failure_rate, 0.0, 1.0);
        self.range_f64(
            format!("{at}.reject_rate"),
            g.reject_rate,
            0.0,
            1.0 - g.failure_rate.clamp(0.0, 1.0),
        );
    }

    fn check_subscription(&mut self, at: &str, g: &SubscriptionSpec, s: &Scenario) {
        self.name(format!("{at}.name"), &g.name);
        self.topics_exist(at, &g.topics, s);
        let max = limits::PROCESSING_US_MAX as u64;
        self.range_u64(format!("{at}.processing_us"), g.processing_us as u64, 0, max);
        if let Some(p) = g.prefetch {
            self.range_u64(format!("{at}.prefetch"), p as u64, 1, limits::INBOX_RECORDS_MAX as u64);
        }
        let inbox = limits::INBOX_RECORDS_MAX as u64;
        self.range_u64(format!("{at}.inbox_records_max"), g.inbox_records_max as u64, 1, inbox);
    }

    fn check_event(&mut self, at: &str, e: &TimedEvent, s: &Scenario) {
        self.range_u64(format!("{at}.at_ms"), e.at_ms, 0, limits::MS_MAX);
        let producer = |n: &str| s.producers.iter().any(|p| p.name == n);
        let group = |n: &str| s.groups.iter().position(|g| g.name == n);
        let share = |n: &str| s.share_groups.iter().position(|g| g.name == n);
        match &e.command {
            Command::SetRate { producer: p, rate_per_sec }
            | Command::Spike { producer: p, rate_per_sec, .. } => {
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
            Command::AddMember { group: g } | Command::RemoveMember { group: g } => {
                if group(g).is_none() {
                    self.fail(format!("{at}.group"), format!("no group named \"{g}\""));
                }
            }
            Command::CrashMember { group: g, member }
            | Command::RestartMember { group: g, member } => match (group(g), share(g)) {
                (Some(i), _) => {
                    let max = s.groups[i].members.max(1) - 1 + self.added_before(s, g, e.at_ms);
                    self.range_u64(format!("{at}.member"), *member as u64, 0, max as u64);
                }
                (None, Some(i)) => {
                    let max = s.share_groups[i].members.max(1) - 1;
                    self.range_u64(format!("{at}.member"), *member as u64, 0, max as u64);
                }
                (None, None) => self.fail(format!("{at}.group"), format!("no group named \"{g}\"")),
            },
            Command::CrashBroker { broker } | Command::RestartBroker { broker } => {
                let brokers = self.brokers_at(s, e.at_ms);
                self.range_u64(format!("{at}.broker"), *broker as u64, 0, brokers as u64 - 1);
            }
            Command::RemoveBroker { broker } => {
                let brokers = self.brokers_at(s, e.at_ms);
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
                let brokers = self.brokers_at(s, e.at_ms);
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
                if !s.subscriptions.iter().any(|x| &x.name == subscription) {
                    let why = format!("no subscription named \"{subscription}\"");
                    self.fail(format!("{at}.subscription"), why);
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
                self.range_u64(
                    format!("{at}.count"),
                    *count as u64,
                    1,
                    limits::PARTITIONS_MAX as u64,
                );
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
        let at = format!("{at}.reader");
        match reader {
            ReaderSpec::Group(g) => self.check_group(&at, g, s),
            ReaderSpec::Share(g) => self.check_share_group(&at, g, s),
            ReaderSpec::Push(g) => self.check_subscription(&at, g, s),
        }
    }

    /// Events before `at_ms` whose command is `what`.
    fn events_before(&self, s: &Scenario, at_ms: u64, what: impl Fn(&Command) -> bool) -> u32 {
        s.events.iter().filter(|e| e.at_ms < at_ms && what(&e.command)).count() as u32
    }

    /// Brokers in the cluster at `at_ms`: the initial ones plus those added by earlier events
    /// (removals are not subtracted: one may still be refused when it comes due).
    fn brokers_at(&self, s: &Scenario, at_ms: u64) -> u32 {
        s.cluster.brokers.max(1) + self.events_before(s, at_ms, |c| matches!(c, Command::AddBroker))
    }

    /// Members added to `group` by events before `at_ms` (they can be crashed later).
    fn added_before(&self, s: &Scenario, group: &str, at_ms: u64) -> u32 {
        let adds = |c: &Command| matches!(c, Command::AddMember { group: g } if g == group);
        self.events_before(s, at_ms, adds)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINIMAL: &str = r#"{
        "version": 1, "name": "t",
        "topics": [{"name": "orders", "partitions": 3}],
        "producers": [{"name": "p", "topic": "orders", "rate": {"kind": "constant", "rate_per_sec": 100}}],
        "groups": [{"name": "g", "topics": ["orders"], "members": 2, "processing_us": 100}]
    }"#;

    #[test]
    fn minimal_scenario_gets_kafka_defaults() {
        let s = Scenario::from_json(MINIMAL).unwrap();
        assert_eq!(s.producers[0].batch_bytes, 16_384);
        assert_eq!(s.producers[0].linger_ms, 5);
        assert_eq!(s.groups[0].max_poll_records, 500);
        assert_eq!(s.topics[0].retention_ms, Some(604_800_000));
        let again = Scenario::from_json(&s.to_json()).unwrap();
        assert_eq!(again, s);
    }

    #[test]
    fn rate_over_limit_names_field_and_limit() {
        let bad = MINIMAL.replace("\"rate_per_sec\": 100", "\"rate_per_sec\": 5e9");
        let errs = Scenario::from_json(&bad).unwrap_err();
        assert_eq!(
            errs[0].to_string(),
            "producers[0].rate.rate_per_sec: 5e9 exceeds the limit 1e8"
        );
    }

    #[test]
    fn unknown_field_and_wrong_type_name_the_path() {
        let bad = MINIMAL.replace("\"members\": 2", "\"members\": \"two\"");
        let errs = Scenario::from_json(&bad).unwrap_err();
        assert_eq!(errs[0].path, "groups[0].members");
        let bad = MINIMAL.replace("\"partitions\": 3", "\"partitions\": 3, \"colour\": 1");
        let errs = Scenario::from_json(&bad).unwrap_err();
        assert!(errs[0].path.starts_with("topics[0]"), "{:?}", errs);
        assert!(errs[0].message.contains("colour"));
    }

    #[test]
    fn dangling_names_are_reported() {
        let bad = MINIMAL.replace("\"topic\": \"orders\"", "\"topic\": \"nope\"");
        let errs = Scenario::from_json(&bad).unwrap_err();
        assert_eq!(errs[0].to_string(), "producers[0].topic: no topic named \"nope\"");
    }

    #[test]
    fn timeline_events_parse_and_refuse_unknown_fields() {
        let ok = MINIMAL.replace(
            "\"groups\"",
            "\"events\": [{\"at_ms\": 5, \"kind\": \"add-member\", \"group\": \"g\"}], \"groups\"",
        );
        let s = Scenario::from_json(&ok).unwrap();
        assert_eq!(s.events[0].command, Command::AddMember { group: "g".into() });
        let bad = ok.replace("\"group\": \"g\"}", "\"group\": \"g\", \"extra\": 1}");
        assert!(Scenario::from_json(&bad).is_err());
    }

    #[test]
    fn partitions_limit() {
        let bad = MINIMAL.replace("\"partitions\": 3", "\"partitions\": 2000");
        let errs = Scenario::from_json(&bad).unwrap_err();
        assert_eq!(errs[0].to_string(), "topics[0].partitions: 2000 exceeds the limit 1024");
    }
}
