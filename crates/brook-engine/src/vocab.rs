//! The shared vocabulary of the engine's readers and the cluster: partitions (`Tp`, `TpMap`),
//! fetched records (`Chunk`), processing time (`ProcessingDist`) and commit modes. It sits on the
//! ground floor: consumer groups, share groups and push subscriptions all build on it, none of
//! them on each other.

use serde::{Deserialize, Serialize};

use crate::log::Batch;
use crate::rng::Rng;

/// `max.poll.records` default (Kafka's consumer and share consumer: 500).
pub(crate) fn default_max_poll_records() -> u32 {
    500
}
/// When a member commits its offsets.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CommitMode {
    /// `enable.auto.commit`: processed positions every `auto_commit_interval_ms` and on revoke.
    #[default]
    Auto,
    /// Commit after processing each polled chunk: a crash redelivers (at-least-once).
    AfterProcess,
    /// Commit as soon as records are fetched: a crash loses them (at-most-once).
    BeforeProcess,
}

/// Where a reader starts in a partition it has no position for: Kafka's `auto.offset.reset`
/// (consumer groups, `ConsumerConfig.AUTO_OFFSET_RESET_CONFIG`, default `latest`) and
/// `share.auto.offset.reset` (share groups, `GroupConfig.SHARE_AUTO_OFFSET_RESET_CONFIG`, default
/// `latest`). Kafka's `none` (the consumer throws `NoOffsetForPartitionException` to the
/// application, which Brook does not simulate) and `by_duration:` are refused when read, with a
/// message naming the field.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum OffsetReset {
    /// The log start offset: every record retention kept.
    Earliest,
    /// The high watermark: only records written from now on. Kafka's default.
    #[default]
    Latest,
}

impl OffsetReset {
    /// The offset to start from in a partition whose log starts at `log_start` and whose high
    /// watermark is `high_watermark` (Kafka's `ListOffsets` for the earliest or latest
    /// timestamp; a consumer reading uncommitted data gets the high watermark for latest).
    pub fn offset(self, log_start: u64, high_watermark: u64) -> u64 {
        match self {
            OffsetReset::Earliest => log_start,
            OffsetReset::Latest => high_watermark.max(log_start),
        }
    }
}

impl<'de> Deserialize<'de> for OffsetReset {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        match s.as_str() {
            "earliest" => Ok(OffsetReset::Earliest),
            "latest" => Ok(OffsetReset::Latest),
            "none" => Err(serde::de::Error::custom(
                "\"none\" is not simulated: Kafka's consumer throws NoOffsetForPartitionException \
                 to the application, which Brook has none of (and share groups have no \"none\"); \
                 use \"earliest\" or \"latest\"",
            )),
            other => Err(serde::de::Error::custom(format!(
                "unknown value \"{other}\": use \"earliest\" or \"latest\" (Kafka's by_duration \
                 is not simulated)"
            ))),
        }
    }
}

/// How processing time per record varies.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ProcessingDist {
    /// Every record takes the mean.
    #[default]
    Fixed,
    /// Exponential around the mean, drawn once per fetched chunk.
    Exponential,
}

impl ProcessingDist {
    /// One processing time around `mean_us`, us (exponential draws from `rng`).
    pub fn draw_us(self, mean_us: u32, rng: &mut Rng) -> f64 {
        match self {
            ProcessingDist::Fixed => mean_us as f64,
            ProcessingDist::Exponential => rng.exponential(mean_us as f64),
        }
    }
}

/// A partition of the cluster: topic index and partition index.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Tp {
    /// Topic index in the cluster.
    pub topic: u16,
    /// Partition index in the topic.
    pub partition: u32,
}

/// Offsets by partition, stored densely by topic then partition index. Groups look these up for
/// every partition they read, every step; an ordered tree was the engine's hottest path. Bounded
/// by the partitions of the group's topics.
#[derive(Clone, Debug, Default)]
pub(crate) struct TpMap {
    rows: Vec<Vec<Option<u64>>>,
}

impl TpMap {
    fn slot(&mut self, tp: Tp) -> &mut Option<u64> {
        let (t, p) = (tp.topic as usize, tp.partition as usize);
        if self.rows.len() <= t {
            self.rows.resize(t + 1, Vec::new());
        }
        let row = &mut self.rows[t];
        if row.len() <= p {
            row.resize(p + 1, None);
        }
        &mut row[p]
    }

    /// The value for `tp`, if set.
    pub(crate) fn get(&self, tp: &Tp) -> Option<&u64> {
        self.rows.get(tp.topic as usize)?.get(tp.partition as usize)?.as_ref()
    }

    /// The value for `tp`, mutably, if set.
    pub(crate) fn get_mut(&mut self, tp: &Tp) -> Option<&mut u64> {
        self.rows.get_mut(tp.topic as usize)?.get_mut(tp.partition as usize)?.as_mut()
    }

    /// Sets the value for `tp`.
    pub(crate) fn insert(&mut self, tp: Tp, v: u64) {
        *self.slot(tp) = Some(v);
    }

    /// Unsets `tp`.
    pub(crate) fn remove(&mut self, tp: &Tp) {
        if let Some(v) =
            self.rows.get_mut(tp.topic as usize).and_then(|r| r.get_mut(tp.partition as usize))
        {
            *v = None;
        }
    }

    /// Whether no partition has a value (stops at the first that has one; a map never set has
    /// no rows).
    pub(crate) fn is_empty(&self) -> bool {
        self.rows.iter().all(|r| r.iter().all(Option::is_none))
    }

    /// The value for `tp`, set to `v` first if unset.
    pub(crate) fn or_insert(&mut self, tp: Tp, v: u64) -> &mut u64 {
        self.slot(tp).get_or_insert(v)
    }
}

/// Records fetched from one batch of one partition, waiting in a member's inbox.
#[derive(Clone, Copy, Debug)]
pub struct Chunk {
    /// Partition.
    pub tp: Tp,
    /// Next offset to process.
    pub from: u64,
    /// One past the last offset.
    pub to: u64,
    /// The batch it came from (for creation times).
    pub batch: Batch,
    /// Processing time per record for this chunk, us.
    pub cost_us: f64,
}
