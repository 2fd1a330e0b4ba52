//! Scenarios: a versioned JSON description of a cluster, its topics, producers, groups and a
//! timeline of events, with validation that names the field and the limit.

use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize};

use crate::direct::DirectCallSpec;
use crate::group::GroupSpec;
use crate::producer::ProducerSpec;
use crate::push::SubscriptionSpec;
use crate::share::ShareGroupSpec;

mod command;
mod json_path;
pub mod limits;
mod resources;
pub(crate) mod tagged;
mod validate;

pub use command::Command;
pub use json_path::error_path;
pub use resources::BrokerResources;
pub use tagged::{Entries, JsonText};

/// The scenario format version this engine reads.
pub const SCENARIO_VERSION: u32 = 1;

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
    /// `replica.fetch.wait.max.ms`: how long a follower's fetch that finds nothing new waits
    /// at the leader (Kafka's `DelayedFetch`) before an empty answer; an append answers it at
    /// once. At most `replica_lag_time_max_ms`, as Kafka requires. Default 500.
    #[serde(default = "default_replica_fetch_wait_max_ms")]
    pub replica_fetch_wait_max_ms: u32,
    /// `broker.session.timeout.ms`: a crashed broker is noticed (and leaders moved) after this.
    /// Default 9000.
    #[serde(default = "default_broker_session_timeout_ms")]
    pub broker_session_timeout_ms: u32,
    /// Each broker's network, disk and request handler capacity. Defaults: see
    /// [`BrokerResources`].
    #[serde(default)]
    pub resources: BrokerResources,
}

impl Default for ClusterSpec {
    fn default() -> Self {
        ClusterSpec {
            brokers: 1,
            network_delay_us: default_network_delay_us(),
            replica_lag_time_max_ms: default_replica_lag_time_max_ms(),
            replica_fetch_wait_max_ms: default_replica_fetch_wait_max_ms(),
            broker_session_timeout_ms: default_broker_session_timeout_ms(),
            resources: BrokerResources::default(),
        }
    }
}

fn default_replica_lag_time_max_ms() -> u32 {
    30_000
}
fn default_replica_fetch_wait_max_ms() -> u32 {
    500
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

/// Any kind of reader, for `Command::AddReader`. Read as `{"type": "group", ...}` by
/// [`tagged`] and its mirror `ReaderSpecDef`.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum ReaderSpec {
    /// A consumer group (pull).
    Group(GroupSpec),
    /// A share group (queue).
    Share(ShareGroupSpec),
    /// A push subscription.
    Push(SubscriptionSpec),
}

const READER_SPEC: tagged::Tagged = tagged::Tagged {
    tag: "type",
    expecting: "internally tagged enum ReaderSpec",
    variants: &["group", "share", "push"],
    units: &[],
};

#[derive(Deserialize)]
#[serde(remote = "ReaderSpec", rename_all = "kebab-case")]
#[allow(dead_code)]
enum ReaderSpecDef {
    Group(GroupSpec),
    Share(ShareGroupSpec),
    Push(SubscriptionSpec),
}

impl<'de> Deserialize<'de> for ReaderSpec {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = READER_SPEC.external(d)?;
        tagged::read(&text, |de| ReaderSpecDef::deserialize(de))
    }
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

/// A command at a virtual time: `{"at_ms": 0, "kind": ...}`. (Unknown fields are refused by
/// `Command`.) Read by hand as serde reads a `flatten`ed field, without its buffer
/// ([`tagged`]).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TimedEvent {
    /// When, virtual ms from the start.
    pub at_ms: u64,
    /// What.
    #[serde(flatten)]
    pub command: Command,
}

impl<'de> Deserialize<'de> for TimedEvent {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct EventVisitor;
        impl<'de> Visitor<'de> for EventVisitor {
            type Value = TimedEvent;

            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("struct TimedEvent")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<TimedEvent, A::Error> {
                let mut at_ms = None;
                let mut rest = Vec::new();
                while let Some(key) = map.next_key::<String>()? {
                    if key != "at_ms" {
                        rest.push((key, map.next_value()?));
                    } else if at_ms.is_some() {
                        return Err(de::Error::duplicate_field("at_ms"));
                    } else {
                        at_ms = Some(map.next_value()?);
                    }
                }
                let at_ms = at_ms.ok_or_else(|| de::Error::missing_field("at_ms"))?;
                Ok(TimedEvent { at_ms, command: Command::from_entries(rest)? })
            }
        }
        d.deserialize_map(EventVisitor)
    }
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
    /// The run without a queue shown beside this one (`DirectRun`): the shop's caller
    /// threads, its timeout, the service's accept queue and workers. Left out when default.
    #[serde(default, skip_serializing_if = "DirectCallSpec::is_default")]
    pub direct_call: DirectCallSpec,
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
    ///
    /// `#[inline]` (here and on `to_json`): serde's code for every scenario type is then built
    /// in the caller's crate, so the page builds it for size while the engine crate is
    /// optimised for speed (Cargo.toml, `wasm-release`).
    #[inline]
    pub fn from_json(text: &str) -> Result<Scenario, Vec<FieldError>> {
        let scenario: Scenario = serde_json::from_str(text).map_err(|e| {
            let path = error_path(text, &e);
            let message = e.to_string();
            // The path names the field a tagged enum's message names (`json_path::FIELD_MARK`).
            let (_, message) = json_path::split_field(&message);
            vec![FieldError {
                path: if path == "." { "(document)".into() } else { path },
                message: message.to_string(),
            }]
        })?;
        scenario.validate()?;
        Ok(scenario)
    }

    /// The scenario as pretty JSON.
    #[inline]
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a scenario always serializes")
    }
}

#[cfg(test)]
mod tests;
