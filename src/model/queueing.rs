//! Each reader as a queue: arrival rate λ, service capacity μ, utilisation ρ = λ/μ, Little's
//! law L = λW beside the measured backlog, and when ρ < 1 the time the backlog takes to drain.
//!
//! Measured over the last [`QUEUE_WINDOW_MS`] of virtual time from the engine's history (a
//! sample every 100 ms). λ counts the records that joined the reader's backlog per second: its
//! records processed plus its lag's growth over the window (for a push model that drops, the
//! dropped records leave the lag without being processed and are not counted). μ counts its
//! members' processing only: fetches, the network and the brokers may hold it lower.

use brook_engine::{Cluster, CommitMode, Reader, RECENT_LATENCY_S};

/// Virtual time over which λ and the backlog's change are measured, ms: short enough that the
/// figures follow a spike's end within 2 s, long enough to span a few fetched chunks.
pub const QUEUE_WINDOW_MS: u64 = 2_000;

/// Why Little's law's L = λW need not equal the backlog now (the first that applies).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Caveat {
    /// A push subscription that dropped, discarded or missed records (MQTT QoS 0, Redis
    /// Pub/Sub): they leave the backlog without being served, so Little's law does not hold.
    PushLosses,
    /// The arrival rate changed within the window (its halves differ by over 20%).
    ArrivalsChanged,
    /// The backlog grew or shrank by over 10% of the window's arrivals: the queue is not in
    /// balance, and Little's law holds for averages over a balanced period.
    NotBalanced,
    /// A consumer group committing automatically: its lag also counts records processed and
    /// waiting for the next auto-commit, which W does not include.
    AutoCommit,
    /// L = λW well above the backlog: W, end-to-end latency, also counts the time records
    /// spent before the log (the producer's buffer and its requests to a saturated broker),
    /// which the backlog does not hold.
    BeforeLog,
}

/// One reader's queueing figures.
#[derive(Clone, Debug, PartialEq)]
pub struct Queueing {
    /// λ, records per second that joined its backlog over the window.
    pub arrival_per_sec: f64,
    /// Members that can work: for a consumer group those live with partitions (a partition
    /// goes to one member of a group); for a share group those live; for a subscription its
    /// consumers connected.
    pub workers: usize,
    /// μ, records per second its working members can process (each 1e6 / processing time in
    /// us, times its speed factor).
    pub capacity_per_sec: f64,
    /// W, the mean end-to-end latency of the records it processed in the last
    /// [`RECENT_LATENCY_S`] s, ms; `None` when it processed none.
    pub wait_ms: Option<f64>,
    /// Its lag now, records.
    pub backlog_records: u64,
    /// Why L = λW need not match the backlog, if a reason applies.
    pub caveat: Option<Caveat>,
}

impl Queueing {
    /// ρ = λ / μ; `None` with no member able to work.
    pub fn utilisation(&self) -> Option<f64> {
        (self.capacity_per_sec > 0.0).then(|| self.arrival_per_sec / self.capacity_per_sec)
    }

    /// Little's law L = λ·W, records.
    pub fn predicted_backlog(&self) -> Option<f64> {
        self.wait_ms.map(|w| self.arrival_per_sec * w / 1000.0)
    }

    /// λ − μ, records per second the backlog grows by when ρ ≥ 1.
    pub fn growth_per_sec(&self) -> f64 {
        self.arrival_per_sec - self.capacity_per_sec
    }

    /// When ρ < 1 and a backlog is waiting: backlog / (μ − λ), seconds.
    pub fn drain_s(&self) -> Option<f64> {
        let spare = self.capacity_per_sec - self.arrival_per_sec;
        (spare > 0.0 && self.backlog_records > 0).then(|| self.backlog_records as f64 / spare)
    }
}

/// Mean of a reader's recent latency, us, estimated from its histogram (which keeps counts per
/// bucket, not a sum) as the average of its 5th, 15th ... 95th percentiles.
fn mean_recent_us(r: Reader<'_>) -> Option<f64> {
    let lat = r.latency();
    (lat.recent_count() > 0).then(|| {
        (0..10).map(|i| lat.recent_quantile_us((i as f64 + 0.5) / 10.0) as f64).sum::<f64>() / 10.0
    })
}

/// Records per second processed by one member of `speed`, each record `processing_us`.
fn rate(speed: f64, processing_us: u32) -> f64 {
    speed * 1e6 / processing_us.max(1) as f64
}

/// μ and the members counted in it.
fn capacity(r: Reader<'_>) -> (usize, f64) {
    let rates: Vec<f64> = match r {
        // A partition goes to one member of a group (Kafka's ConsumerPartitionAssignor): a
        // member with none has nothing to process.
        Reader::Group(g) => g
            .members
            .iter()
            .filter(|m| m.crashed_us.is_none() && !m.assigned.is_empty())
            .map(|m| rate(m.speed, g.spec.processing_us))
            .collect(),
        Reader::Share(g) => g
            .members
            .iter()
            .filter(|m| !m.crashed)
            .map(|m| rate(m.speed, g.spec.processing_us))
            .collect(),
        Reader::Push(s) => s
            .consumers
            .iter()
            .filter(|c| c.down_until_us.is_none())
            .map(|_| rate(1.0, s.spec.processing_us))
            .collect(),
    };
    (rates.len(), rates.iter().sum())
}

/// Each reader's figures, in [`Cluster::readers`] order; `None` for a reader until the history
/// spans the window with it (or while readers were added or removed within it).
pub fn queueing(c: &Cluster) -> Vec<Option<Queueing>> {
    let h = c.history();
    let last = h.last();
    // The samples at the window's start, middle and end.
    let at = |back_ms: u64| {
        let t = last?.t_ms.checked_sub(back_ms)?;
        h.iter().rev().find(|s| s.t_ms <= t)
    };
    let (a, m, b) = (at(QUEUE_WINDOW_MS), at(QUEUE_WINDOW_MS / 2), last);
    c.readers()
        .enumerate()
        .map(|(i, r)| {
            // Records that joined the backlog between two samples: processed plus lag growth.
            let joined = |x: &brook_engine::Sample, y: &brook_engine::Sample| {
                let (p0, p1) = (*x.processed_records.get(i)?, *y.processed_records.get(i)?);
                let (l0, l1) = (*x.lag_records.get(i)?, *y.lag_records.get(i)?);
                let n = c.readers().count();
                (x.lag_records.len() == n && y.lag_records.len() == n)
                    .then(|| (p1 - p0.min(p1)) as f64 + l1 as f64 - l0 as f64)
            };
            let (a, m, b) = (a?, m?, b?);
            let half_s = (b.t_ms - m.t_ms) as f64 / 1000.0;
            let (early, late) = (joined(a, m)?, joined(m, b)?);
            let arrival_per_sec = ((early + late) / (b.t_ms - a.t_ms) as f64 * 1000.0).max(0.0);
            let (workers, capacity_per_sec) = capacity(r);
            let growth = b.lag_records[i] as f64 - a.lag_records[i] as f64;
            let lost = match r {
                Reader::Push(s) => {
                    s.stats.dropped_records + s.stats.discarded_records + s.stats.missed_records
                }
                _ => 0,
            };
            let caveat = if lost > 0 {
                Some(Caveat::PushLosses)
            } else if (early - late).abs() > 0.2 * early.max(late) + 10.0 * half_s {
                Some(Caveat::ArrivalsChanged)
            } else if growth.abs() > 0.1 * (early + late) + 20.0 {
                Some(Caveat::NotBalanced)
            } else if matches!(r, Reader::Group(g) if g.spec.commit == CommitMode::Auto) {
                Some(Caveat::AutoCommit)
            } else {
                None
            };
            let wait_ms = mean_recent_us(r).map(|us| us / 1000.0);
            let backlog_records = c.reader_lag(r);
            let predicted = arrival_per_sec * wait_ms.unwrap_or(0.0) / 1000.0;
            let caveat = caveat.or_else(|| {
                (predicted > 2.0 * backlog_records as f64 + 100.0).then_some(Caveat::BeforeLog)
            });
            Some(Queueing {
                arrival_per_sec,
                workers,
                capacity_per_sec,
                wait_ms,
                backlog_records,
                caveat,
            })
        })
        .collect()
}

/// The window of W's latency, seconds (the engine's recent latency).
pub const WAIT_WINDOW_S: usize = RECENT_LATENCY_S;

#[cfg(test)]
#[path = "queueing_tests.rs"]
mod tests;
