//! A consumer group's configuration: Kafka's consumer settings with Kafka's defaults.

use serde::{Deserialize, Serialize};

use crate::assignor::AssignorKind;
use crate::vocab::{default_max_poll_records, CommitMode, OffsetReset, ProcessingDist};

/// A consumer group's configuration. Defaults are Kafka's where Kafka has one.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GroupSpec {
    /// Group id, unique among groups.
    pub name: String,
    /// Topics the members subscribe to.
    pub topics: Vec<String>,
    /// Members at the start.
    pub members: u32,
    /// Mean processing time per record, us (at speed factor 1).
    pub processing_us: u32,
    /// Variation of processing time. Default fixed.
    #[serde(default)]
    pub processing: ProcessingDist,
    /// Speed factor per member (1.0 = nominal; 0.5 = half as fast). Missing entries are 1.0.
    #[serde(default)]
    pub speed_factors: Vec<f64>,
    /// `max.poll.records`. Default 500.
    #[serde(default = "default_max_poll_records")]
    pub max_poll_records: u32,
    /// Commit mode. Default auto.
    #[serde(default)]
    pub commit: CommitMode,
    /// `auto.commit.interval.ms`. Default 5000.
    #[serde(default = "default_auto_commit_interval_ms")]
    pub auto_commit_interval_ms: u32,
    /// `partition.assignment.strategy`; cooperative-sticky rebalances cooperatively. Default range.
    #[serde(default)]
    pub assignor: AssignorKind,
    /// Time one rebalance round takes (join and sync), ms. Default 1000.
    #[serde(default = "default_rebalance_ms")]
    pub rebalance_ms: u32,
    /// `fetch.max.wait.ms`: how long the broker holds an empty fetch. Default 500.
    #[serde(default = "default_fetch_max_wait_ms")]
    pub fetch_max_wait_ms: u32,
    /// `session.timeout.ms`: a crashed member is noticed after this. Default 45000.
    #[serde(default = "default_session_timeout_ms")]
    pub session_timeout_ms: u32,
    /// `max.poll.interval.ms`: a member still processing one poll's records after this leaves
    /// the group without committing, and rejoins. Default 300000.
    #[serde(default = "default_max_poll_interval_ms")]
    pub max_poll_interval_ms: u32,
    /// `auto.offset.reset`: where a member starts in a partition the group has no committed
    /// offset for, or whose position retention deleted: `"earliest"` (the log start) or
    /// `"latest"` (the high watermark: records written before are never read by this group).
    /// Default `"latest"`, Kafka's.
    #[serde(default)]
    pub auto_offset_reset: OffsetReset,
}

fn default_max_poll_interval_ms() -> u32 {
    300_000
}

fn default_auto_commit_interval_ms() -> u32 {
    5_000
}
fn default_rebalance_ms() -> u32 {
    1_000
}
fn default_fetch_max_wait_ms() -> u32 {
    500
}
fn default_session_timeout_ms() -> u32 {
    45_000
}

impl GroupSpec {
    /// A group of `members` members on `topic`, each record taking `processing_us`.
    pub fn new(name: &str, topic: &str, members: u32, processing_us: u32) -> Self {
        GroupSpec {
            name: name.into(),
            topics: vec![topic.into()],
            members,
            processing_us,
            processing: ProcessingDist::Fixed,
            speed_factors: Vec::new(),
            max_poll_records: default_max_poll_records(),
            commit: CommitMode::Auto,
            auto_commit_interval_ms: default_auto_commit_interval_ms(),
            assignor: AssignorKind::Range,
            rebalance_ms: default_rebalance_ms(),
            fetch_max_wait_ms: default_fetch_max_wait_ms(),
            session_timeout_ms: default_session_timeout_ms(),
            max_poll_interval_ms: default_max_poll_interval_ms(),
            auto_offset_reset: OffsetReset::Latest,
        }
    }
}
