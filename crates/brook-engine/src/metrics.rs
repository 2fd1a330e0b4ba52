//! Counters, an end-to-end latency histogram and bounded sampled histories.

use std::collections::VecDeque;

use serde::Serialize;

/// Sub-buckets per power of two in the latency histogram (relative error about 1/16).
const SUB_BUCKETS: usize = 16;
/// Powers of two covered: 1 us to 2^40 us (about 12 days), far past any run's length.
const OCTAVES: usize = 40;

/// A log-linear histogram of latencies in microseconds with a fixed number of buckets
/// (`SUB_BUCKETS * OCTAVES` counters), so it never grows with traffic.
#[derive(Clone, Debug)]
pub struct LatencyHistogram {
    counts: Vec<u64>,
    total: u64,
    max_us: u64,
}

impl Default for LatencyHistogram {
    fn default() -> Self {
        LatencyHistogram { counts: vec![0; SUB_BUCKETS * OCTAVES], total: 0, max_us: 0 }
    }
}

fn bucket_of(us: u64) -> usize {
    if us < SUB_BUCKETS as u64 {
        return us as usize;
    }
    let octave = 63 - us.leading_zeros() as usize; // >= 4
    let shift = octave - 4; // SUB_BUCKETS = 2^4
    let sub = ((us >> shift) as usize) - SUB_BUCKETS;
    ((octave - 3) * SUB_BUCKETS + sub).min(SUB_BUCKETS * OCTAVES - 1)
}

fn bucket_upper_us(i: usize) -> u64 {
    if i < SUB_BUCKETS {
        return i as u64;
    }
    let octave = i / SUB_BUCKETS + 3;
    let sub = (i % SUB_BUCKETS) as u64;
    let shift = octave - 4;
    ((SUB_BUCKETS as u64 + sub + 1) << shift) - 1
}

impl LatencyHistogram {
    /// Records `count` samples of `us` microseconds.
    pub fn record(&mut self, us: u64, count: u64) {
        self.counts[bucket_of(us)] += count;
        self.total += count;
        self.max_us = self.max_us.max(us);
    }

    /// Samples recorded.
    pub fn count(&self) -> u64 {
        self.total
    }

    /// Largest sample, us.
    pub fn max_us(&self) -> u64 {
        self.max_us
    }

    /// The `q` quantile of the samples recorded since `earlier` (a copy of this histogram taken
    /// before), us; 0 when none.
    pub fn quantile_since_us(&self, earlier: &LatencyHistogram, q: f64) -> u64 {
        let mut diff = LatencyHistogram::default();
        for (i, (a, b)) in self.counts.iter().zip(&earlier.counts).enumerate() {
            diff.counts[i] = a - b;
        }
        diff.total = self.total - earlier.total;
        diff.max_us = self.max_us;
        diff.quantile_us(q)
    }

    /// The `q` quantile (0..=1), us: the upper edge of the bucket holding it; 0 when empty.
    pub fn quantile_us(&self, q: f64) -> u64 {
        if self.total == 0 {
            return 0;
        }
        let rank = libm::ceil(q.clamp(0.0, 1.0) * self.total as f64).max(1.0) as u64;
        let mut seen = 0;
        for (i, &c) in self.counts.iter().enumerate() {
            seen += c;
            if seen >= rank {
                return bucket_upper_us(i).min(self.max_us);
            }
        }
        self.max_us
    }
}

/// A fixed-capacity ring of samples: the oldest is dropped when full.
#[derive(Clone, Debug)]
pub struct History<T> {
    items: VecDeque<T>,
    capacity: usize,
}

impl<T> History<T> {
    /// An empty history holding at most `capacity` samples.
    pub fn new(capacity: usize) -> Self {
        History { items: VecDeque::with_capacity(capacity), capacity: capacity.max(1) }
    }

    /// Appends, dropping the oldest sample when full.
    pub fn push(&mut self, item: T) {
        if self.items.len() == self.capacity {
            self.items.pop_front();
        }
        self.items.push_back(item);
    }

    /// Samples, oldest first.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &T> + ExactSizeIterator {
        self.items.iter()
    }

    /// Number of samples held.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Whether no sample is held.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Newest sample.
    pub fn last(&self) -> Option<&T> {
        self.items.back()
    }
}

/// Virtual seconds over which a reader's recent latency is measured: the page's headline
/// latency, next to a live lag, covers what was processed lately, not the whole run.
pub const RECENT_LATENCY_S: usize = 5;

/// One reader's end-to-end latencies: the whole run, plus copies of the histogram taken at the
/// last whole virtual seconds (at most [`RECENT_LATENCY_S`] + 1), so the percentiles of the
/// last [`RECENT_LATENCY_S`] to [`RECENT_LATENCY_S`] + 1 seconds need no per-record memory.
#[derive(Clone, Debug, Default)]
pub struct ReaderLatency {
    whole: LatencyHistogram,
    marks: VecDeque<LatencyHistogram>,
}

impl ReaderLatency {
    /// Moves the latencies out (to record into while the reader is borrowed), leaving a
    /// placeholder that allocates nothing: put them back before anything reads them.
    pub fn take(&mut self) -> ReaderLatency {
        let empty = LatencyHistogram { counts: Vec::new(), total: 0, max_us: 0 };
        std::mem::replace(self, ReaderLatency { whole: empty, marks: VecDeque::new() })
    }

    /// Records `count` samples of `us` microseconds (not inlined: three readers' loops call it).
    #[inline(never)]
    pub fn record(&mut self, us: u64, count: u64) {
        self.whole.record(us, count);
    }

    /// Takes a copy at a whole virtual second (called once a second), dropping the oldest.
    pub fn mark_second(&mut self) {
        if self.marks.len() > RECENT_LATENCY_S {
            self.marks.pop_front();
        }
        self.marks.push_back(self.whole.clone());
    }

    /// The whole run's histogram.
    pub fn whole(&self) -> &LatencyHistogram {
        &self.whole
    }

    /// The `q` quantile of the records processed since the oldest copy kept (the last
    /// [`RECENT_LATENCY_S`] seconds once the run is that long), us; 0 when none.
    pub fn recent_quantile_us(&self, q: f64) -> u64 {
        match self.marks.front() {
            Some(oldest) => self.whole.quantile_since_us(oldest, q),
            None => self.whole.quantile_us(q),
        }
    }

    /// Records processed since the oldest copy kept.
    pub fn recent_count(&self) -> u64 {
        self.whole.count() - self.marks.front().map_or(0, LatencyHistogram::count)
    }
}

/// What a chart marker points at.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum MarkerKind {
    /// A producer's rate profile entered a spike or burst.
    SpikeStart,
    /// A producer's rate profile left a spike or burst.
    SpikeEnd,
    /// A broker crashed.
    BrokerCrash,
    /// A reader's member (consumer, share member or push consumer) crashed.
    MemberCrash,
    /// A consumer group started a rebalance.
    Rebalance,
}

/// A moment worth pointing at on the charts.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Marker {
    /// Virtual time, ms.
    pub t_ms: u64,
    /// What happened.
    pub kind: MarkerKind,
    /// Who: the producer, broker id, or reader it happened to.
    pub subject: String,
}

/// One point of the sampled time series.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Sample {
    /// Virtual time, ms.
    pub t_ms: u64,
    /// Records per second produced (acknowledged into the logs) over the last interval.
    pub inflow_per_sec: f64,
    /// Records per second processed by consumers (all readers, summed) over the last interval.
    pub outflow_per_sec: f64,
    /// Records processed so far per reader (duplicates included), in `lag_records` order: the
    /// charts draw each reader's outflow from it, never a sum over readers.
    pub processed_records: Vec<u64>,
    /// Records in the logs not yet processed by the slowest reader (its lag).
    pub backlog_records: u64,
    /// Lag per reader, records: consumer groups, then share groups, then push subscriptions.
    pub lag_records: Vec<u64>,
    /// End-to-end latency p50 of the records processed in the last interval, ms (0 if none).
    pub latency_ms_p50: f64,
    /// End-to-end latency p99 of the records processed in the last interval, ms.
    pub latency_ms_p99: f64,
    /// Producers blocked on a full buffer at this instant.
    pub producers_blocked: u32,
    /// Producers muted by a quota at this instant.
    pub producers_throttled: u32,
    /// Records whose producer was told they failed, so far (`Summary::dropped_records`; push
    /// losses are in `lost_records`).
    pub failed_records: u64,
    /// Records processed twice so far.
    pub duplicate_records: u64,
    /// Records lost so far, all causes (`Cluster::lost_by_cause`, summed).
    pub lost_records: u64,
    /// Each broker's counters so far, by broker id (the charts take differences).
    pub brokers: Vec<BrokerSample>,
}

/// One broker's counters so far at a sample.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct BrokerSample {
    /// Bytes read from the network, sent, and written to disk (`Cluster::broker_bytes`).
    pub bytes: [u64; 3],
    /// Produce requests answered (`RequestMetrics` `Produce` count).
    pub produce_requests: u64,
    /// Their `TotalTimeMs`, summed, us.
    pub produce_total_us: u64,
}

/// Offsets of one partition at a sample.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct PartitionOffsets {
    /// Log start offset.
    pub log_start: u64,
    /// High watermark.
    pub high_watermark: u64,
    /// Log end offset.
    pub log_end: u64,
}

/// Per-partition offsets and per-group commits at one instant (sampled once a second).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PartitionSample {
    /// Virtual time, ms.
    pub t_ms: u64,
    /// Every partition, topic by topic.
    pub partitions: Vec<PartitionOffsets>,
    /// Per consumer group (in group order), the committed offset of every partition it reads
    /// (before its first commit, where it reads from: `Group::resume_offset`), topic by topic;
    /// lag is the partition's high watermark minus this.
    pub committed: Vec<Vec<u64>>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_are_monotonic_and_tight() {
        let mut last = 0;
        for us in [0u64, 1, 15, 16, 17, 100, 1_000, 12_345, 1_000_000, 60_000_000] {
            let b = bucket_of(us);
            assert!(b >= last);
            last = b;
            let upper = bucket_upper_us(b);
            assert!(upper >= us, "{us} -> {upper}");
            assert!(upper as f64 <= us as f64 * 1.07 + 1.0, "{us} -> {upper}");
        }
    }

    #[test]
    fn quantiles() {
        let mut h = LatencyHistogram::default();
        h.record(1_000, 50);
        h.record(10_000, 49);
        h.record(1_000_000, 1);
        assert!((1_000..1_070).contains(&h.quantile_us(0.5)));
        assert!((10_000..10_700).contains(&h.quantile_us(0.99)));
        assert_eq!(h.quantile_us(1.0), 1_000_000);
        assert_eq!(h.max_us(), 1_000_000);
    }

    #[test]
    fn quantile_since_covers_only_new_samples() {
        let mut h = LatencyHistogram::default();
        h.record(1_000_000, 100);
        let before = h.clone();
        h.record(1_000, 10);
        assert!((1_000..1_070).contains(&h.quantile_since_us(&before, 0.99)));
        assert_eq!(h.quantile_since_us(&h.clone(), 0.5), 0);
    }

    #[test]
    fn recent_latency_forgets_what_is_older_than_its_window() {
        let mut r = ReaderLatency::default();
        r.record(10_000_000, 100); // a slow start-up
        for _ in 0..=RECENT_LATENCY_S {
            r.mark_second();
            r.record(1_000, 10);
        }
        assert!((1_000..1_070).contains(&r.recent_quantile_us(0.99)));
        assert_eq!(r.recent_count(), 10 * (RECENT_LATENCY_S as u64 + 1));
        assert_eq!(r.whole().quantile_us(0.5), 10_000_000, "the whole run keeps it");
    }

    #[test]
    fn history_is_bounded() {
        let mut h = History::new(3);
        for i in 0..10 {
            h.push(i);
        }
        assert_eq!(h.iter().copied().collect::<Vec<_>>(), vec![7, 8, 9]);
    }
}
