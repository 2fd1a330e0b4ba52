//! Push subscriptions (publish/subscribe, RabbitMQ style) for comparison with Kafka's pull:
//! the broker streams committed records to each subscriber. With a prefetch window the broker
//! holds what the subscriber has not acknowledged; without one it sends as fast as records
//! arrive, and a slow subscriber's inbox fills to its bound and overflows.

use std::collections::{BTreeMap, VecDeque};

use serde::{Deserialize, Serialize};

use crate::rng::Rng;
use crate::vocab::{Chunk, ProcessingDist, Tp};

/// A push subscription's configuration.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubscriptionSpec {
    /// Subscriber name, unique among subscriptions.
    pub name: String,
    /// Topics it receives.
    pub topics: Vec<String>,
    /// Mean processing time per record, us.
    pub processing_us: u32,
    /// Variation of processing time. Default fixed.
    #[serde(default)]
    pub processing: ProcessingDist,
    /// Prefetch window (AMQP `basic.qos`): unacknowledged records the broker lets the
    /// subscriber hold; null for none, so the broker pushes everything at once. Default null.
    #[serde(default)]
    pub prefetch: Option<u32>,
    /// Records the subscriber's inbox holds; further pushes are dropped. Default 10000.
    #[serde(default = "default_inbox_records_max")]
    pub inbox_records_max: u32,
}

fn default_inbox_records_max() -> u32 {
    10_000
}

impl SubscriptionSpec {
    /// A subscriber to `topic` taking `processing_us` per record, with an optional prefetch.
    pub fn new(name: &str, topic: &str, processing_us: u32, prefetch: Option<u32>) -> Self {
        SubscriptionSpec {
            name: name.into(),
            topics: vec![topic.into()],
            processing_us,
            processing: ProcessingDist::Fixed,
            prefetch,
            inbox_records_max: default_inbox_records_max(),
        }
    }
}

/// Push subscription counters.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct SubscriptionStats {
    /// Records pushed by the broker.
    pub pushed_records: u64,
    /// Records processed.
    pub processed_records: u64,
    /// Records dropped because the inbox was full.
    pub dropped_records: u64,
    /// Virtual us the subscriber sat with nothing to do.
    pub idle_us: u64,
    /// Largest inbox seen, records.
    pub inbox_records_peak: u64,
}

/// A push subscription's run-time state.
#[derive(Clone, Debug)]
pub struct Subscription {
    /// Configuration.
    pub spec: SubscriptionSpec,
    /// Topic indices.
    pub topics: Vec<u16>,
    /// Counters.
    pub stats: SubscriptionStats,
    /// Next offset to push per partition.
    cursor: BTreeMap<Tp, u64>,
    /// Pushes on the wire: arrival time and records. Bounded by the prefetch window, or
    /// without one by what one network delay of traffic holds.
    wire: VecDeque<(u64, Chunk)>,
    /// Records received, not processed yet; at most `inbox_records_max`.
    pub inbox: VecDeque<Chunk>,
    inbox_records: u64,
    wire_records: u64,
    /// Unacknowledged records above the prefetch window when it was lowered: they were
    /// delivered under the old window and are not recalled (as AMQP's `basic.qos`); the
    /// broker pushes nothing more until acknowledgements bring the count below the window.
    /// Only falls after that.
    over_window_records: u64,
    work_us: f64,
}

impl Subscription {
    /// A subscription receiving every partition of its topics from offset 0.
    pub fn new(spec: SubscriptionSpec, topics: Vec<u16>) -> Self {
        Subscription {
            spec,
            topics,
            stats: SubscriptionStats::default(),
            cursor: BTreeMap::new(),
            wire: VecDeque::new(),
            inbox: VecDeque::new(),
            inbox_records: 0,
            wire_records: 0,
            over_window_records: 0,
            work_us: 0.0,
        }
    }

    /// Records waiting in the inbox.
    pub fn inbox_records(&self) -> u64 {
        self.inbox_records
    }

    /// Next offset to push for `tp` (0 before the first push).
    pub fn cursor(&self, tp: Tp) -> u64 {
        self.cursor.get(&tp).copied().unwrap_or(0)
    }

    /// Changes the prefetch window (None: no limit). Records already pushed stay with the
    /// subscriber; a smaller window only stops further pushes until acknowledgements catch up.
    pub fn set_prefetch(&mut self, prefetch: Option<u32>) {
        self.spec.prefetch = prefetch;
        self.over_window_records = self.inbox_records + self.wire_records;
    }

    /// Records the broker may push now: the prefetch credit left, or unlimited.
    pub fn credit(&self) -> u64 {
        match self.spec.prefetch {
            None => u64::MAX,
            Some(p) => (p as u64).saturating_sub(self.inbox_records + self.wire_records),
        }
    }

    /// The broker sends `chunk` (records `[from, to)` of `tp`); it arrives at `at_us`.
    pub fn push(&mut self, chunk: Chunk, at_us: u64) {
        self.cursor.insert(chunk.tp, chunk.to);
        let n = chunk.to - chunk.from;
        self.stats.pushed_records += n;
        self.wire_records += n;
        self.wire.push_back((at_us, chunk));
    }

    /// Moves arrived pushes into the inbox; what does not fit is dropped. Returns records
    /// dropped this step.
    pub fn receive(&mut self, now_us: u64, rng: &mut Rng) -> u64 {
        let mut dropped = 0;
        while self.wire.front().is_some_and(|(t, _)| *t <= now_us) {
            let (_, mut c) = self.wire.pop_front().expect("front checked");
            let n = c.to - c.from;
            self.wire_records -= n;
            let room = (self.spec.inbox_records_max as u64).saturating_sub(self.inbox_records);
            if n > room {
                dropped += n - room;
                c.to = c.from + room;
            }
            if c.to > c.from {
                c.cost_us = self.spec.processing.draw_us(self.spec.processing_us, rng);
                self.inbox_records += c.to - c.from;
                self.inbox.push_back(c);
            }
        }
        self.stats.dropped_records += dropped;
        self.stats.inbox_records_peak = self.stats.inbox_records_peak.max(self.inbox_records);
        dropped
    }

    /// Processes for `dt_us`; calls `done(chunk, from, to)` per processed slice (acknowledged at
    /// once, which returns prefetch credit). Returns records processed.
    pub fn process(&mut self, dt_us: u64, mut done: impl FnMut(&Chunk, u64, u64)) -> u64 {
        if self.inbox.is_empty() {
            self.work_us = 0.0;
            self.stats.idle_us += dt_us;
            return 0;
        }
        self.work_us += dt_us as f64;
        let mut total = 0;
        // Bounded by the inbox, itself bounded by `inbox_records_max`.
        while let Some(c) = self.inbox.front_mut() {
            let cost = c.cost_us.max(0.001);
            let n = (libm::floor(self.work_us / cost) as u64).min(c.to - c.from);
            if n == 0 {
                break;
            }
            self.work_us -= n as f64 * cost;
            done(c, c.from, c.from + n);
            c.from += n;
            total += n;
            if c.from == c.to {
                self.inbox.pop_front();
            }
        }
        if self.inbox.is_empty() {
            self.work_us = 0.0;
        }
        self.inbox_records -= total;
        self.stats.processed_records += total;
        self.over_window_records =
            self.over_window_records.min(self.inbox_records + self.wire_records);
        total
    }

    /// Checks the subscription's bounds.
    pub fn check(&self) -> Result<(), String> {
        let inbox: u64 = self.inbox.iter().map(|c| c.to - c.from).sum();
        if inbox != self.inbox_records || inbox > self.spec.inbox_records_max as u64 {
            return Err(format!(
                "{}: inbox {inbox} records (bound {})",
                self.spec.name, self.spec.inbox_records_max
            ));
        }
        if let Some(p) = self.spec.prefetch {
            let unacknowledged = inbox + self.wire_records;
            if unacknowledged > p as u64 && unacknowledged > self.over_window_records {
                return Err(format!(
                    "{}: {} unacknowledged > prefetch {p}",
                    self.spec.name,
                    inbox + self.wire_records
                ));
            }
        }
        Ok(())
    }
}
