//! Producers: rate profiles, keys, partitioners, the record accumulator (batch.size, linger.ms)
//! and buffer.memory with max.block.ms.

mod accumulator;
mod keys;
mod rate;
mod sender;
mod spec;
mod stats;
#[cfg(test)]
mod tests;

pub use accumulator::{Outgoing, ReadyBatch};
pub use keys::{key_name, KeySpec, PartitionerKind};
pub use rate::RateProfile;
pub use sender::Answer;
pub use spec::{Acks, ProducerSpec, IDEMPOTENT_IN_FLIGHT_MAX};
pub use stats::ProducerStats;

use accumulator::OpenBatch;
use keys::key_bytes;
pub use keys::zipf_cdf;
use sender::PartitionSend;

use std::sync::Arc;

use crate::murmur2::key_partition;
use crate::rng::Rng;

/// A producer's run-time state.
#[derive(Clone, Debug)]
pub struct Producer {
    /// Its configuration (commands may change it between steps).
    pub spec: ProducerSpec,
    /// Counters.
    pub stats: ProducerStats,
    /// Partition per key index, for keyed records (rebuilt when the partition count changes),
    /// shared by the producers with as many keys over as many partitions: one table of 200 KB
    /// read by stress's eight keyed producers, not eight of 400 KB missing the cache on every
    /// record (a topic has at most `limits::PARTITIONS_MAX` partitions, so a `u16` holds one).
    key_partitions: Arc<[u16]>,
    /// Cumulative popularity per key for Zipf keys (empty otherwise).
    key_cdf: Vec<f64>,
    open: Vec<Option<OpenBatch>>,
    /// Partitions with an open batch, in opening order (so lingering is checked for these, not
    /// for every partition), each with its open batch's creation time (checked every step:
    /// here in a short list, not at random in a table as long as the topic). A partition is
    /// listed exactly when its `open` slot is `Some`.
    open_list: Vec<(u32, u64)>,
    carry_records: f64,
    buffer_bytes_used: u64,
    /// What the buffer held past `buffer.memory` when a live change shrank it (0 otherwise):
    /// those bytes drain as their batches complete, and nothing new is admitted until the use
    /// is back under the new limit.
    buffer_bytes_over: u64,
    /// Records the application is blocked trying to send (a count, not objects).
    blocked_records: u64,
    blocked_since_us: Option<u64>,
    sticky_partition: Option<u32>,
    sticky_bytes: u64,
    round_robin_next: u32,
    rate_override: Option<Override>,
    /// Closed by the application (`producer.close()`): no new records; open batches go at once.
    pub closed: bool,
    /// Per partition: closed batches waiting to be sent or resent, those in flight, sequence
    /// numbers (bounded by `buffer.memory`: every batch holds buffer bytes until acknowledged
    /// or failed).
    sends: Vec<PartitionSend>,
    /// Partitions with queued batches, in listing order (a partition is listed exactly when
    /// its `listed` flag is set).
    send_list: Vec<u32>,
    /// The earliest `delivery.timeout.ms` deadline of a queued or in-flight batch, or later
    /// (a batch answered since leaves it early; the next scan sets it right), virtual us.
    next_expiry_us: u64,
    /// Whether the batches sequenced so far came from an idempotent producer (None before the
    /// first): when `acks` changes it, sequences start a new epoch.
    seq_idempotent: Option<bool>,
    /// Records of the batches in flight the producer waits for (sent, acks 1 or all).
    awaited_records: u64,
    /// Partitions by batches awaited: `awaited_partitions[n]` partitions await `n` answers
    /// (index 0 unused), so the most awaited at one partition (the stage's in-flight gauge,
    /// every frame) is read without a walk over every partition of the topic.
    awaited_partitions: Vec<u32>,
    /// Batches given up in flight whose answers are still to come: (partition, epoch,
    /// sequence). At most `max.in.flight.requests.per.connection` per partition.
    given_up: Vec<(u32, u16, u32)>,
    /// Muted by a quota until this time, virtual us.
    pub throttled_until_us: u64,
    /// Quota token bucket, bytes (negative: over quota).
    pub quota_tokens_bytes: f64,
}

#[derive(Clone, Copy, Debug)]
struct Override {
    rate_per_sec: f64,
    until_us: u64,
}

impl Producer {
    /// A producer writing to a topic of `partitions` partitions.
    pub fn new(spec: ProducerSpec, partitions: u32) -> Self {
        Producer::new_among(spec, partitions, &[])
    }

    /// [`Producer::new`], sharing its key table with one of `others` that has the same.
    pub(crate) fn new_among(spec: ProducerSpec, partitions: u32, others: &[Producer]) -> Self {
        let key_cdf = match spec.keys {
            KeySpec::Zipf { count, exponent } => zipf_cdf(count, exponent),
            _ => Vec::new(),
        };
        let mut p = Producer {
            spec,
            stats: ProducerStats::default(),
            key_partitions: Arc::from([]),
            key_cdf,
            open: Vec::new(),
            open_list: Vec::new(),
            carry_records: 0.0,
            buffer_bytes_used: 0,
            buffer_bytes_over: 0,
            blocked_records: 0,
            blocked_since_us: None,
            sticky_partition: None,
            sticky_bytes: 0,
            round_robin_next: 0,
            rate_override: None,
            closed: false,
            sends: Vec::new(),
            send_list: Vec::new(),
            next_expiry_us: u64::MAX,
            seq_idempotent: None,
            awaited_records: 0,
            awaited_partitions: Vec::new(),
            given_up: Vec::new(),
            throttled_until_us: 0,
            quota_tokens_bytes: 0.0,
        };
        p.set_partitions_among(partitions, others);
        p
    }

    /// A new rate profile; a manual rate or spike in force ends.
    pub fn set_profile(&mut self, profile: RateProfile) {
        self.spec.rate = profile;
        self.rate_override = None;
    }

    /// New keys: the key-to-partition map (and the Zipf table) is rebuilt.
    pub fn set_keys(&mut self, keys: KeySpec) {
        self.key_cdf = match keys {
            KeySpec::Zipf { count, exponent } => zipf_cdf(count, exponent),
            _ => Vec::new(),
        };
        self.spec.keys = keys;
        self.set_partitions(self.open.len() as u32);
    }

    /// Closes the producer: it creates no more records and sends what it holds.
    pub fn close(&mut self) {
        self.closed = true;
    }

    /// Adapts to a new partition count of its topic (keys may move: Kafka's hash is modulo).
    pub fn set_partitions(&mut self, partitions: u32) {
        self.set_partitions_among(partitions, &[]);
    }

    /// [`Producer::set_partitions`], sharing the key table of one of `others` that has as
    /// many keys over as many partitions (the same names, so the same partitions).
    pub(crate) fn set_partitions_among(&mut self, partitions: u32, others: &[Producer]) {
        let keys = match self.spec.keys {
            KeySpec::None => 0,
            KeySpec::Uniform { count } | KeySpec::Zipf { count, .. } => count,
        };
        let same = |q: &&Producer| {
            keys > 0
                && q.key_partitions.len() == keys as usize
                && q.open.len() == partitions as usize
        };
        self.key_partitions = match others.iter().find(same) {
            Some(q) => Arc::clone(&q.key_partitions),
            None => {
                debug_assert!(partitions <= u16::MAX as u32 + 1, "a u16 holds a partition index");
                let mut buf = [0u8; 16];
                let of = |i| key_partition(key_bytes(i, &mut buf), partitions) as u16;
                (0..keys).map(of).collect()
            }
        };
        self.open.resize(partitions as usize, None);
        self.sends.resize_with(partitions as usize, PartitionSend::default);
    }

    /// Bytes of `buffer.memory` in use (open batches plus unacknowledged ones).
    pub fn buffer_bytes_used(&self) -> u64 {
        self.buffer_bytes_used
    }

    /// The most buffer memory this producer may hold now: `buffer.memory`, or what it held when
    /// a live change made `buffer.memory` smaller, until that has drained.
    pub fn buffer_bytes_allowed(&self) -> u64 {
        self.spec.buffer_bytes.max(self.buffer_bytes_over)
    }

    /// Called after `spec.buffer_bytes` changed: a buffer now over its limit keeps what it holds
    /// (in Kafka `buffer.memory` is fixed for a producer's life; Brook changes it live).
    pub(crate) fn buffer_resized(&mut self) {
        let used = self.buffer_bytes_used;
        self.buffer_bytes_over = if used > self.spec.buffer_bytes { used } else { 0 };
    }

    /// Whether the application is blocked on a full buffer.
    pub fn is_blocked(&self) -> bool {
        self.blocked_since_us.is_some()
    }

    /// The rate the producer is asked for now, records per second.
    pub fn current_rate(&self, now_us: u64) -> f64 {
        if self.closed {
            return 0.0;
        }
        match self.rate_override {
            Some(o) if now_us < o.until_us => o.rate_per_sec,
            _ => self.spec.rate.rate_at(now_us),
        }
    }

    /// The rate of a spike running at `now_us` (an override that ends), records per second.
    pub fn spike_rate(&self, now_us: u64) -> Option<f64> {
        self.rate_override
            .filter(|o| now_us < o.until_us && o.until_us != u64::MAX && !self.closed)
            .map(|o| o.rate_per_sec)
    }

    /// Overrides the profile with `rate_per_sec` until `until_us` (a spike or a manual rate).
    pub fn override_rate(&mut self, rate_per_sec: f64, until_us: u64) {
        self.rate_override = Some(Override { rate_per_sec, until_us });
    }

    /// Advances the producer by one tick of `dt_us` ending at `now_us`: the application creates
    /// records, the accumulator batches them, and closed batches are pushed to `ready`.
    pub fn tick(&mut self, now_us: u64, dt_us: u64, rng: &mut Rng, ready: &mut Vec<ReadyBatch>) {
        let rate = self.current_rate(now_us);
        let expected = rate * dt_us as f64 / 1e6;
        let new_records = if self.spec.rate.is_poisson() && self.rate_override.is_none() {
            rng.poisson(expected)
        } else {
            let total = expected + self.carry_records;
            let whole = libm::floor(total);
            self.carry_records = total - whole;
            whole as u64
        };
        self.blocked_records += new_records;
        self.admit(now_us, dt_us, rng, ready);
        self.close_lingering(now_us, ready);
    }

    /// Charges `bytes` the broker just appended for this producer against its produce quota of
    /// `quota_bytes_per_sec` (a token bucket refilled by [`Producer::refill_quota`]). Over the
    /// quota, the broker mutes the producer until the deficit would be paid back at the quota
    /// rate, as Kafka's throttle time does; a mute already longer is kept.
    pub(crate) fn charge_quota(&mut self, now_us: u64, bytes: u64, quota_bytes_per_sec: u64) {
        let rate = quota_bytes_per_sec as f64;
        self.quota_tokens_bytes -= bytes as f64;
        if self.quota_tokens_bytes < 0.0 {
            let wait_us = (-self.quota_tokens_bytes / rate * 1e6) as u64;
            self.throttled_until_us = self.throttled_until_us.max(now_us + wait_us);
        }
    }

    /// Refills the quota token bucket for `dt_us` of virtual time at the producer's
    /// `quota_bytes_per_sec`, holding at most one second's worth (none without a quota).
    pub(crate) fn refill_quota(&mut self, dt_us: u64) {
        let rate = self.spec.quota_bytes_per_sec.unwrap_or(0) as f64;
        self.quota_tokens_bytes = (self.quota_tokens_bytes + rate * dt_us as f64 / 1e6).min(rate);
    }
}
