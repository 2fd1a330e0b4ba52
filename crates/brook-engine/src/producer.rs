//! Producers: rate profiles, keys, partitioners, the record accumulator (batch.size, linger.ms)
//! and buffer.memory with max.block.ms.

use serde::{Deserialize, Serialize};

use crate::murmur2::key_partition;
use crate::rng::Rng;

/// How many records per second a producer's application tries to send over time.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case", deny_unknown_fields)]
pub enum RateProfile {
    /// A steady rate, evenly spaced.
    Constant {
        /// Records per second.
        rate_per_sec: f64,
    },
    /// Random arrivals (a Poisson process) with the given mean rate.
    Poisson {
        /// Mean records per second.
        rate_per_sec: f64,
    },
    /// A base rate with one spike (a promotion, a flash sale).
    Step {
        /// Records per second outside the spike.
        base_per_sec: f64,
        /// Records per second during the spike.
        spike_per_sec: f64,
        /// Spike start, virtual ms from the start of the run.
        start_ms: u64,
        /// Spike length, ms.
        duration_ms: u64,
    },
    /// A base rate with a burst at the start of every period.
    Bursts {
        /// Records per second between bursts.
        base_per_sec: f64,
        /// Records per second during a burst.
        burst_per_sec: f64,
        /// Period, ms.
        period_ms: u64,
        /// Burst length within each period, ms.
        burst_ms: u64,
    },
    /// A daily-style curve: mean plus amplitude times sin(2 pi t / period).
    Sine {
        /// Mean records per second.
        mean_per_sec: f64,
        /// Amplitude, records per second (at most the mean).
        amplitude_per_sec: f64,
        /// Period, ms.
        period_ms: u64,
    },
    /// A timeline: `[t_ms, rate_per_sec]` points joined by straight lines, the first rate before
    /// the first point and the last after the last.
    Piecewise {
        /// Points in time order.
        points: Vec<[f64; 2]>,
    },
    /// A linear ramp from one rate to another, then steady.
    Ramp {
        /// Records per second at the start and before it.
        from_per_sec: f64,
        /// Records per second at the end of the ramp and after.
        to_per_sec: f64,
        /// Ramp start, virtual ms from the start of the run (0 if left out).
        #[serde(default, skip_serializing_if = "is_zero")]
        start_ms: u64,
        /// Ramp length, ms.
        duration_ms: u64,
    },
}

impl RateProfile {
    /// The intended rate at virtual time `t_us`, records per second.
    pub fn rate_at(&self, t_us: u64) -> f64 {
        let t_ms = t_us / 1000;
        match *self {
            RateProfile::Constant { rate_per_sec } | RateProfile::Poisson { rate_per_sec } => {
                rate_per_sec
            }
            RateProfile::Step { base_per_sec, spike_per_sec, start_ms, duration_ms } => {
                if t_ms >= start_ms && t_ms < start_ms.saturating_add(duration_ms) {
                    spike_per_sec
                } else {
                    base_per_sec
                }
            }
            RateProfile::Bursts { base_per_sec, burst_per_sec, period_ms, burst_ms } => {
                if t_ms % period_ms.max(1) < burst_ms {
                    burst_per_sec
                } else {
                    base_per_sec
                }
            }
            RateProfile::Sine { mean_per_sec, amplitude_per_sec, period_ms } => {
                let phase = (t_us as f64) / (period_ms.max(1) as f64 * 1000.0);
                let s = libm::sin(2.0 * core::f64::consts::PI * phase);
                (mean_per_sec + amplitude_per_sec * s).max(0.0)
            }
            RateProfile::Piecewise { ref points } => piecewise(points, t_us as f64 / 1000.0),
            RateProfile::Ramp { from_per_sec, to_per_sec, start_ms, duration_ms } => {
                let into_us = t_us.saturating_sub(start_ms.saturating_mul(1000));
                if t_ms < start_ms {
                    from_per_sec
                } else if into_us >= duration_ms.saturating_mul(1000) {
                    to_per_sec
                } else {
                    let f = into_us as f64 / (duration_ms as f64 * 1000.0);
                    from_per_sec + (to_per_sec - from_per_sec) * f
                }
            }
        }
    }

    /// The highest rate the profile ever asks for, records per second.
    pub fn peak_per_sec(&self) -> f64 {
        match *self {
            RateProfile::Constant { rate_per_sec } | RateProfile::Poisson { rate_per_sec } => {
                rate_per_sec
            }
            RateProfile::Step { base_per_sec, spike_per_sec, .. } => {
                base_per_sec.max(spike_per_sec)
            }
            RateProfile::Bursts { base_per_sec, burst_per_sec, .. } => {
                base_per_sec.max(burst_per_sec)
            }
            RateProfile::Sine { mean_per_sec, amplitude_per_sec, .. } => {
                mean_per_sec + amplitude_per_sec
            }
            RateProfile::Ramp { from_per_sec, to_per_sec, .. } => from_per_sec.max(to_per_sec),
            RateProfile::Piecewise { ref points } => {
                points.iter().map(|p| p[1]).fold(0.0, f64::max)
            }
        }
    }

    fn is_poisson(&self) -> bool {
        matches!(self, RateProfile::Poisson { .. })
    }
}

fn is_zero(v: &u64) -> bool {
    *v == 0
}

/// The rate at `t_ms` on a line through `points` (`[t_ms, rate]`, in time order).
fn piecewise(points: &[[f64; 2]], t_ms: f64) -> f64 {
    let Some(first) = points.first() else { return 0.0 };
    if t_ms <= first[0] {
        return first[1];
    }
    for w in points.windows(2) {
        let ([t0, r0], [t1, r1]) = (w[0], w[1]);
        if t_ms < t1 {
            let f = if t1 > t0 { (t_ms - t0) / (t1 - t0) } else { 1.0 };
            return r0 + (r1 - r0) * f;
        }
    }
    points[points.len() - 1][1]
}

/// Which keys a producer's records carry.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case", deny_unknown_fields)]
pub enum KeySpec {
    /// Null keys: the keyless partitioner decides.
    None,
    /// Keys `key-0` .. `key-{count-1}`, each equally likely.
    Uniform {
        /// Distinct keys.
        count: u32,
    },
    /// Keys `key-0` .. with Zipf-distributed popularity (`key-0` the hottest).
    Zipf {
        /// Distinct keys.
        count: u32,
        /// Zipf exponent s (1.0 is classic Zipf; larger is more skewed).
        exponent: f64,
    },
}

/// How a producer picks a partition.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PartitionerKind {
    /// Kafka's default: murmur2 of the key; keyless records use the uniform sticky partitioner.
    #[default]
    Default,
    /// Kafka's RoundRobinPartitioner: a new partition for every record, key or not.
    RoundRobin,
}

/// Producer acknowledgement mode (`acks`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Acks {
    /// `acks=0`: acknowledged as soon as it is sent.
    #[serde(rename = "0")]
    None,
    /// `acks=1`: acknowledged when the leader appended it.
    #[serde(rename = "1")]
    Leader,
    /// `acks=all`: acknowledged when every in-sync replica has it.
    #[default]
    All,
}

/// A producer's configuration. Defaults are Kafka's where Kafka has one.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProducerSpec {
    /// Display name, unique among producers.
    pub name: String,
    /// Topic it writes to.
    pub topic: String,
    /// Records per second over time.
    pub rate: RateProfile,
    /// Bytes per record (key + value + overhead). Default 512.
    #[serde(default = "default_record_bytes")]
    pub record_bytes: u32,
    /// Keys the records carry. Default none.
    #[serde(default = "default_keys")]
    pub keys: KeySpec,
    /// Partitioner. Default Kafka's.
    #[serde(default)]
    pub partitioner: PartitionerKind,
    /// `batch.size`: bytes per partition batch. Default 16384.
    #[serde(default = "default_batch_bytes")]
    pub batch_bytes: u32,
    /// `linger.ms`: how long a batch waits to fill. Default 5.
    #[serde(default = "default_linger_ms")]
    pub linger_ms: u32,
    /// `buffer.memory`: bytes of unsent and unacknowledged records. Default 33554432.
    #[serde(default = "default_buffer_bytes")]
    pub buffer_bytes: u64,
    /// `max.block.ms`: how long a send blocks on a full buffer before failing. Default 60000.
    #[serde(default = "default_max_block_ms")]
    pub max_block_ms: u32,
    /// `acks`. Default all.
    #[serde(default)]
    pub acks: Acks,
    /// `enable.idempotence`: retries never duplicate. Default (null): on when `acks` is all.
    #[serde(default)]
    pub enable_idempotence: Option<bool>,
    /// `retries`: resend attempts after a retriable error. Default 2147483647.
    #[serde(default = "default_retries")]
    pub retries: u32,
    /// `retry.backoff.ms`. Default 100.
    #[serde(default = "default_retry_backoff_ms")]
    pub retry_backoff_ms: u32,
    /// `delivery.timeout.ms`: a batch not acknowledged this long after creation fails.
    /// Default 120000.
    #[serde(default = "default_delivery_timeout_ms")]
    pub delivery_timeout_ms: u32,
    /// Broker-side produce quota for this client, bytes per second; null for none. Default null.
    #[serde(default)]
    pub quota_bytes_per_sec: Option<u64>,
}

fn default_record_bytes() -> u32 {
    512
}
fn default_keys() -> KeySpec {
    KeySpec::None
}
fn default_batch_bytes() -> u32 {
    16_384
}
fn default_linger_ms() -> u32 {
    5
}
fn default_buffer_bytes() -> u64 {
    33_554_432
}
fn default_max_block_ms() -> u32 {
    60_000
}
fn default_retries() -> u32 {
    2_147_483_647
}
fn default_retry_backoff_ms() -> u32 {
    100
}
fn default_delivery_timeout_ms() -> u32 {
    120_000
}

impl ProducerSpec {
    /// A producer with Kafka's defaults writing `rate` to `topic`.
    pub fn new(name: &str, topic: &str, rate: RateProfile) -> Self {
        ProducerSpec {
            name: name.into(),
            topic: topic.into(),
            rate,
            record_bytes: default_record_bytes(),
            keys: default_keys(),
            partitioner: PartitionerKind::Default,
            batch_bytes: default_batch_bytes(),
            linger_ms: default_linger_ms(),
            buffer_bytes: default_buffer_bytes(),
            max_block_ms: default_max_block_ms(),
            acks: Acks::All,
            enable_idempotence: None,
            retries: default_retries(),
            retry_backoff_ms: default_retry_backoff_ms(),
            delivery_timeout_ms: default_delivery_timeout_ms(),
            quota_bytes_per_sec: None,
        }
    }

    /// Whether the producer is idempotent (Kafka's default: yes when `acks` is all).
    pub fn idempotent(&self) -> bool {
        self.enable_idempotence.unwrap_or(self.acks == Acks::All)
    }
}

/// The name Brook gives key number `i`.
pub fn key_name(i: u32) -> String {
    format!("key-{i}")
}

/// The bytes of `key_name(i)`, written into `buf` without allocating (this runs for every key
/// of every producer when partitions change).
fn key_bytes(i: u32, buf: &mut [u8; 16]) -> &[u8] {
    buf[..4].copy_from_slice(b"key-");
    let mut digits = [0u8; 10];
    let (mut n, mut len) = (i, 0);
    loop {
        digits[len] = b'0' + (n % 10) as u8;
        len += 1;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    for k in 0..len {
        buf[4 + k] = digits[len - 1 - k];
    }
    &buf[..4 + len]
}

/// A batch the accumulator closed, ready to go to the partition leader.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReadyBatch {
    /// Partition index within the topic.
    pub partition: u32,
    /// Records.
    pub count: u32,
    /// Bytes.
    pub bytes: u32,
    /// Creation time of the first record, virtual us.
    pub first_create_us: u64,
    /// Creation time of the last record, virtual us.
    pub last_create_us: u64,
    /// The hottest key in the batch, or `u32::MAX` for keyless (the UI colours by it).
    pub key: u32,
}

#[derive(Clone, Copy, Debug)]
struct OpenBatch {
    count: u32,
    bytes: u32,
    first_create_us: u64,
    last_create_us: u64,
    key: u32,
}

/// A closed batch waiting to be sent, or resent after a retriable error.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Outgoing {
    /// The batch.
    pub batch: ReadyBatch,
    /// Not sent before this time (retry backoff), virtual us.
    pub not_before_us: u64,
    /// Send attempts so far.
    pub attempts: u32,
    /// An earlier attempt's copy is already in the log (its acknowledgement was lost), so a
    /// non-idempotent resend duplicates it.
    pub in_log: bool,
}

/// Producer counters.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ProducerStats {
    /// Records the application handed to `send()` successfully.
    pub sent_records: u64,
    /// Records acknowledged by the cluster.
    pub acked_records: u64,
    /// Records whose `send()` failed after blocking `max.block.ms`.
    pub failed_records: u64,
    /// Virtual microseconds spent blocked on a full buffer.
    pub blocked_us: u64,
    /// Records resent after a retriable error.
    pub retried_records: u64,
    /// Records that failed after retries or `delivery.timeout.ms` (not counting `failed_records`
    /// of blocked sends).
    pub expired_records: u64,
    /// Virtual microseconds muted by a broker quota.
    pub throttled_us: u64,
    /// Records a resend wrote to the log a second time (non-idempotent retries).
    pub duplicated_records: u64,
}

/// A producer's run-time state.
#[derive(Clone, Debug)]
pub struct Producer {
    /// Its configuration (commands may change it between steps).
    pub spec: ProducerSpec,
    /// Counters.
    pub stats: ProducerStats,
    /// Partition per key index, for keyed records (rebuilt when the partition count changes).
    key_partitions: Vec<u32>,
    /// Cumulative popularity per key for Zipf keys (empty otherwise).
    key_cdf: Vec<f64>,
    open: Vec<Option<OpenBatch>>,
    open_since_us: Vec<u64>,
    /// Partitions with an open batch, in opening order (so lingering is checked for these, not
    /// for every partition). A partition is listed exactly when its `open` slot is `Some`.
    open_list: Vec<u32>,
    carry_records: f64,
    buffer_bytes_used: u64,
    /// Records the application is blocked trying to send (a count, not objects).
    blocked_records: u64,
    blocked_since_us: Option<u64>,
    sticky_partition: Option<u32>,
    sticky_bytes: u64,
    round_robin_next: u32,
    rate_override: Option<Override>,
    /// Closed by the application (`producer.close()`): no new records; open batches go at once.
    pub closed: bool,
    /// Closed batches not yet sent or waiting to be resent; bounded by `buffer.memory`, since
    /// every batch holds buffer bytes until acknowledged or failed.
    pub outbox: std::collections::VecDeque<Outgoing>,
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
        let key_cdf = match spec.keys {
            KeySpec::Zipf { count, exponent } => zipf_cdf(count, exponent),
            _ => Vec::new(),
        };
        let mut p = Producer {
            spec,
            stats: ProducerStats::default(),
            key_partitions: Vec::new(),
            key_cdf,
            open: Vec::new(),
            open_since_us: Vec::new(),
            open_list: Vec::new(),
            carry_records: 0.0,
            buffer_bytes_used: 0,
            blocked_records: 0,
            blocked_since_us: None,
            sticky_partition: None,
            sticky_bytes: 0,
            round_robin_next: 0,
            rate_override: None,
            closed: false,
            outbox: std::collections::VecDeque::new(),
            throttled_until_us: 0,
            quota_tokens_bytes: 0.0,
        };
        p.set_partitions(partitions);
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
        let keys = match self.spec.keys {
            KeySpec::None => 0,
            KeySpec::Uniform { count } | KeySpec::Zipf { count, .. } => count,
        };
        let mut buf = [0u8; 16];
        self.key_partitions =
            (0..keys).map(|i| key_partition(key_bytes(i, &mut buf), partitions)).collect();
        self.open.resize(partitions as usize, None);
        self.open_since_us.resize(partitions as usize, 0);
    }

    /// Bytes of `buffer.memory` in use (open batches plus unacknowledged ones).
    pub fn buffer_bytes_used(&self) -> u64 {
        self.buffer_bytes_used
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

    /// Overrides the profile with `rate_per_sec` until `until_us` (a spike or a manual rate).
    pub fn override_rate(&mut self, rate_per_sec: f64, until_us: u64) {
        self.rate_override = Some(Override { rate_per_sec, until_us });
    }

    /// Frees buffer memory for `bytes` of acknowledged (or failed) batches.
    pub fn release(&mut self, bytes: u64) {
        debug_assert!(bytes <= self.buffer_bytes_used);
        self.buffer_bytes_used -= bytes.min(self.buffer_bytes_used);
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

    /// Moves blocked records into the accumulator while buffer memory allows.
    fn admit(&mut self, now_us: u64, dt_us: u64, rng: &mut Rng, ready: &mut Vec<ReadyBatch>) {
        let record_bytes = self.spec.record_bytes as u64;
        let room = self.spec.buffer_bytes.saturating_sub(self.buffer_bytes_used) / record_bytes;
        let admitted = self.blocked_records.min(room);
        // Records created during this tick are spread evenly over it.
        let start_us = now_us.saturating_sub(dt_us);
        // Record i is created at start + floor(dt * (i + 1) / admitted), stepped without a
        // division per record.
        let (step_us, rem_us) = (dt_us / admitted.max(1), dt_us % admitted.max(1));
        let (mut at_us, mut err) = (start_us, 0);
        for _ in 0..admitted {
            at_us += step_us;
            err += rem_us;
            if err >= admitted {
                at_us += 1;
                err -= admitted;
            }
            self.append_record(at_us, rng, ready);
        }
        self.blocked_records -= admitted;
        self.stats.sent_records += admitted;
        if self.blocked_records == 0 {
            self.blocked_since_us = None;
            return;
        }
        let since = *self.blocked_since_us.get_or_insert(start_us);
        self.stats.blocked_us += dt_us;
        if now_us - since >= self.spec.max_block_ms as u64 * 1000 {
            // send() gave up: TimeoutException for every caller still waiting.
            self.stats.failed_records += self.blocked_records;
            self.blocked_records = 0;
            self.blocked_since_us = None;
        }
    }

    fn pick_key(&mut self, rng: &mut Rng) -> Option<u32> {
        match self.spec.keys {
            KeySpec::None => None,
            KeySpec::Uniform { count } => Some(rng.below(count as u64) as u32),
            KeySpec::Zipf { .. } => {
                let u = rng.next_f64();
                let i = self.key_cdf.partition_point(|&c| c <= u);
                Some(i.min(self.key_cdf.len() - 1) as u32)
            }
        }
    }

    fn pick_partition(&mut self, key: Option<u32>, rng: &mut Rng) -> u32 {
        let partitions = self.open.len() as u32;
        if self.spec.partitioner == PartitionerKind::RoundRobin {
            let p = self.round_robin_next % partitions;
            self.round_robin_next = self.round_robin_next.wrapping_add(1);
            return p;
        }
        if let Some(k) = key {
            return self.key_partitions[k as usize];
        }
        // KIP-794 uniform sticky: stay until batch.size bytes went to the partition.
        match self.sticky_partition {
            Some(p) if self.sticky_bytes < self.spec.batch_bytes as u64 && p < partitions => p,
            _ => {
                let p = rng.below(partitions as u64) as u32;
                self.sticky_partition = Some(p);
                self.sticky_bytes = 0;
                p
            }
        }
    }

    fn append_record(&mut self, at_us: u64, rng: &mut Rng, ready: &mut Vec<ReadyBatch>) {
        let key = self.pick_key(rng);
        let partition = self.pick_partition(key, rng);
        let record_bytes = self.spec.record_bytes;
        self.sticky_bytes += record_bytes as u64;
        self.buffer_bytes_used += record_bytes as u64;
        let slot = &mut self.open[partition as usize];
        let listed = slot.is_some();
        if let Some(b) = slot {
            if b.bytes + record_bytes > self.spec.batch_bytes {
                let full = slot.take().expect("checked Some above");
                ready.push(close(partition, full));
            }
        }
        let key_tag = key.unwrap_or(u32::MAX);
        match &mut self.open[partition as usize] {
            Some(b) => {
                b.count += 1;
                b.bytes += record_bytes;
                b.last_create_us = at_us;
            }
            slot @ None => {
                *slot = Some(OpenBatch {
                    count: 1,
                    bytes: record_bytes,
                    first_create_us: at_us,
                    last_create_us: at_us,
                    key: key_tag,
                });
                self.open_since_us[partition as usize] = at_us;
                if !listed {
                    self.open_list.push(partition);
                }
            }
        }
    }

    fn close_lingering(&mut self, now_us: u64, ready: &mut Vec<ReadyBatch>) {
        let linger_us = if self.closed { 0 } else { self.spec.linger_ms as u64 * 1000 };
        let (open, since) = (&mut self.open, &self.open_since_us);
        self.open_list.retain(|&p| {
            if now_us - since[p as usize] < linger_us {
                return true;
            }
            let b = open[p as usize].take().expect("listed partitions have an open batch");
            ready.push(close(p, b));
            false
        });
    }
}

fn close(partition: u32, b: OpenBatch) -> ReadyBatch {
    ReadyBatch {
        partition,
        count: b.count,
        bytes: b.bytes,
        first_create_us: b.first_create_us,
        last_create_us: b.last_create_us,
        key: b.key,
    }
}

/// Cumulative probabilities of Zipf(`count`, `exponent`) over ranks 0..count.
fn zipf_cdf(count: u32, exponent: f64) -> Vec<f64> {
    let weights: Vec<f64> = (1..=count).map(|r| 1.0 / libm::pow(r as f64, exponent)).collect();
    let total: f64 = weights.iter().sum();
    let mut acc = 0.0;
    let mut cdf: Vec<f64> = weights
        .iter()
        .map(|w| {
            acc += w / total;
            acc
        })
        .collect();
    if let Some(last) = cdf.last_mut() {
        *last = 1.0;
    }
    cdf
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(p: &mut Producer, ticks: u64) -> Vec<ReadyBatch> {
        let mut rng = Rng::new(1);
        let mut out = vec![];
        for t in 1..=ticks {
            p.tick(t * 1000, 1000, &mut rng, &mut out);
        }
        out
    }

    #[test]
    fn constant_rate_produces_exactly() {
        let spec = ProducerSpec::new("p", "t", RateProfile::Constant { rate_per_sec: 1500.0 });
        let mut p = Producer::new(spec, 4);
        let out = run(&mut p, 1000);
        assert_eq!(p.stats.sent_records, 1500);
        let batched: u64 = out.iter().map(|b| b.count as u64).sum();
        // Anything not closed yet is still within linger.
        assert!((1490..=1500).contains(&batched));
    }

    #[test]
    fn keyed_records_go_to_the_murmur2_partition() {
        let mut spec = ProducerSpec::new("p", "t", RateProfile::Constant { rate_per_sec: 1000.0 });
        spec.keys = KeySpec::Uniform { count: 1 };
        let mut p = Producer::new(spec, 7);
        let out = run(&mut p, 100);
        let want = key_partition(b"key-0", 7);
        assert!(!out.is_empty());
        assert!(out.iter().all(|b| b.partition == want));
    }

    #[test]
    fn batch_size_caps_batches() {
        let mut spec =
            ProducerSpec::new("p", "t", RateProfile::Constant { rate_per_sec: 100_000.0 });
        spec.record_bytes = 1000;
        spec.batch_bytes = 4000;
        let mut p = Producer::new(spec, 1);
        let out = run(&mut p, 10);
        assert!(out.iter().all(|b| b.bytes <= 4000 && b.count <= 4));
    }

    #[test]
    fn round_robin_spreads_evenly() {
        let mut spec =
            ProducerSpec::new("p", "t", RateProfile::Constant { rate_per_sec: 30_000.0 });
        spec.partitioner = PartitionerKind::RoundRobin;
        spec.linger_ms = 0;
        let mut p = Producer::new(spec, 3);
        let out = run(&mut p, 1);
        let mut per = [0u32; 3];
        for b in &out {
            per[b.partition as usize] += b.count;
        }
        assert_eq!(per, [10, 10, 10]);
    }

    #[test]
    fn full_buffer_blocks_then_fails() {
        let mut spec =
            ProducerSpec::new("p", "t", RateProfile::Constant { rate_per_sec: 10_000.0 });
        spec.record_bytes = 100;
        spec.buffer_bytes = 10_000; // 100 records; nothing is ever acknowledged here
        spec.max_block_ms = 50;
        let mut p = Producer::new(spec, 1);
        run(&mut p, 200);
        assert_eq!(p.stats.sent_records, 100);
        assert!(p.stats.failed_records > 1000, "{:?}", p.stats);
        assert!(p.stats.blocked_us > 0);
    }

    #[test]
    fn key_bytes_match_key_names() {
        let mut buf = [0u8; 16];
        for i in [0, 7, 10, 99, 12_345, u32::MAX] {
            assert_eq!(key_bytes(i, &mut buf), key_name(i).as_bytes());
        }
    }

    #[test]
    fn zipf_makes_a_hot_key() {
        let cdf = zipf_cdf(100, 1.2);
        assert!(cdf[0] > 0.15, "{}", cdf[0]);
        assert_eq!(*cdf.last().unwrap(), 1.0);
    }

    #[test]
    fn rate_profiles() {
        let step = RateProfile::Step {
            base_per_sec: 10.0,
            spike_per_sec: 100.0,
            start_ms: 1000,
            duration_ms: 500,
        };
        assert_eq!(step.rate_at(999_000), 10.0);
        assert_eq!(step.rate_at(1_000_000), 100.0);
        assert_eq!(step.rate_at(1_500_000), 10.0);
        let line =
            RateProfile::Piecewise { points: vec![[1000.0, 10.0], [2000.0, 30.0], [3000.0, 0.0]] };
        assert_eq!(line.rate_at(0), 10.0);
        assert_eq!(line.rate_at(1_500_000), 20.0);
        assert_eq!(line.rate_at(2_500_000), 15.0);
        assert_eq!(line.rate_at(9_000_000), 0.0);
        let ramp = RateProfile::Ramp {
            from_per_sec: 0.0,
            to_per_sec: 100.0,
            start_ms: 0,
            duration_ms: 1000,
        };
        assert_eq!(ramp.rate_at(500_000), 50.0);
        assert_eq!(ramp.rate_at(2_000_000), 100.0);
        let late = RateProfile::Ramp {
            from_per_sec: 10.0,
            to_per_sec: 30.0,
            start_ms: 5_000,
            duration_ms: 2_000,
        };
        assert_eq!(late.rate_at(1_000_000), 10.0);
        assert_eq!(late.rate_at(6_000_000), 20.0);
        assert_eq!(late.rate_at(8_000_000), 30.0);
    }
}
