//! Phases 13-15 of a step: retention, a metrics sample, the trace hash; and what the run
//! reports: `Summary` and the invariants checked after every step in tests.

use std::collections::BTreeMap;

use super::{Cluster, PARTITION_SAMPLE_US, RETENTION_CHECK_US, SAMPLE_US};
use crate::event::TrafficEvent;
use crate::metrics::{PartitionOffsets, PartitionSample, Sample};
use crate::vocab::Tp;
use serde::Serialize;

/// Totals across the run, as printed by `brook run`.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Summary {
    /// Virtual seconds simulated.
    pub virtual_seconds: f64,
    /// Records handed to producers' `send()`.
    pub produced_records: u64,
    /// Records acknowledged to producers.
    pub acked_records: u64,
    /// Records appended to partition logs.
    pub appended_records: u64,
    /// Records processed, per reader name (duplicates included).
    pub consumed_records: BTreeMap<String, u64>,
    /// Records lost: committed before processing, or deleted by retention before being read.
    pub lost_records: u64,
    /// Processings of a record after its first, in any group: a consumer group reprocessing
    /// from its last commit after a crash or rebalance, and `share_duplicate_records`.
    pub duplicate_records: u64,
    /// Share groups: processings of a record after its first (part of `duplicate_records`): a
    /// member finished a record after its lock expired, and another member processed it too.
    pub share_duplicate_records: u64,
    /// Share groups: acknowledgements the broker refused (INVALID_RECORD_STATE) because the
    /// member's lock on the record had expired; the member had done the work all the same.
    pub failed_ack_records: u64,
    /// Consumer groups: records in the log a group never read because `auto.offset.reset`
    /// started it past them (with `latest`, what a partition held when the group first needed
    /// a position there). Not lost: the group chose to start at the end.
    pub offset_reset_skipped_records: u64,
    /// Records dropped (sends that timed out on a full buffer).
    pub dropped_records: u64,
    /// Current lag summed over partitions, per group name.
    pub lag_records: BTreeMap<String, u64>,
    /// Largest total lag of any group seen at a sample.
    pub lag_records_max: u64,
    /// End-to-end latency (creation to processed) median, ms.
    pub latency_ms_p50: f64,
    /// 95th percentile, ms.
    pub latency_ms_p95: f64,
    /// 99th percentile, ms.
    pub latency_ms_p99: f64,
    /// Maximum, ms.
    pub latency_ms_max: f64,
    /// Virtual ms producers spent blocked on a full buffer, summed.
    pub producer_blocked_ms: f64,
    /// Rebalances over all groups.
    pub rebalances: u64,
    /// Fetch answers that were empty (polls that found no work).
    pub empty_fetches: u64,
    /// Records resent by producers after retriable errors.
    pub retried_records: u64,
    /// Records written to a log twice by non-idempotent retries.
    pub duplicate_appends: u64,
    /// Records producers had been told were written that a leader change removed.
    pub acked_lost_records: u64,
    /// Of those, committed records (acks=all) lost to unclean leader elections.
    pub committed_lost_records: u64,
    /// Writes refused because the ISR was below `min.insync.replicas`.
    pub not_enough_replicas: u64,
    /// acks=all records answered `NOT_ENOUGH_REPLICAS_AFTER_APPEND`: appended, then the ISR
    /// fell below `min.insync.replicas` before the high watermark passed them (retried).
    pub not_enough_replicas_after_append: u64,
    /// Leader elections, and how many were unclean.
    pub leader_elections: u64,
    /// Unclean leader elections.
    pub unclean_elections: u64,
    /// Virtual ms producers were muted by quotas, summed.
    pub producer_throttled_ms: f64,
    /// Share groups: deliveries after the first (acquired again after a release or an expired
    /// lock). A redelivery is a second processing only when the first holder also finished the
    /// record (`share_duplicate_records`); a released record had failed.
    pub redelivered_records: u64,
    /// Share groups: records archived at the delivery limit (dead letters).
    pub archived_records: u64,
    /// Push subscriptions (`mqtt-qos0`): records the broker dropped because the client's queue
    /// was full (part of `dropped_records`).
    pub push_dropped_records: u64,
    /// Push subscriptions (`redis-pubsub`): disconnections for the output buffer limits.
    pub push_disconnects: u64,
    /// Push subscriptions (`redis-pubsub`): records lost with the output buffer at a
    /// disconnection.
    pub push_discarded_records: u64,
    /// Push subscriptions (`redis-pubsub`): records published while the subscriber was
    /// disconnected.
    pub push_missed_records: u64,
    /// Push subscriptions (`rabbitmq`): consumer processes that ran out of memory.
    pub push_consumer_crashes: u64,
    /// Push subscriptions (`rabbitmq`): unacknowledged deliveries requeued by those crashes
    /// (not lost: they go to the other consumers).
    pub push_requeued_records: u64,
    /// Every record that did not arrive where it should, by cause: `commit-before-process`
    /// (a consumer crashed after committing), `retention` (deleted unread), `leader-failover`
    /// (acknowledged, then truncated by a new leader), `push-overflow` (MQTT QoS 0 drops),
    /// `push-disconnected-buffer` (Redis: in the output buffer when disconnected),
    /// `push-missed-while-disconnected` (Redis: published while disconnected), `send-failed`.
    pub lost_records_by_cause: BTreeMap<String, u64>,
    /// Virtual ms groups spent rebalancing, summed.
    pub rebalancing_ms: f64,
    /// Consumer group members with no partition now.
    pub idle_members: u64,
    /// Members removed for exceeding `max.poll.interval.ms`.
    pub max_poll_exceeded: u64,
}

impl Cluster {
    /// Phase 13: retention deletes expired segments below the high watermark, the active one
    /// included (see [`crate::PartitionLog::enforce_retention`]).
    pub(super) fn retention(&mut self) {
        if self.now_us < self.next_retention_us {
            return;
        }
        self.next_retention_us += RETENTION_CHECK_US;
        for ti in 0..self.topics.len() {
            for pi in 0..self.topics[ti].partitions.len() {
                let t = &mut self.topics[ti];
                let d = t.partitions[pi].log.enforce_retention(
                    self.now_us,
                    t.retention_ms,
                    t.retention_bytes,
                );
                if d.records > 0 {
                    self.push_event(TrafficEvent::Retention {
                        topic: ti as u16,
                        partition: pi as u32,
                        records: d.records,
                    });
                }
            }
        }
    }

    /// Phase 14: a metrics sample every `SAMPLE_US`.
    pub(super) fn sample_metrics(&mut self) {
        if self.now_us < self.next_sample_us {
            return;
        }
        self.next_sample_us += SAMPLE_US;
        let secs = SAMPLE_US as f64 / 1e6;
        let appended: u64 =
            self.topics.iter_mut().map(|t| std::mem::take(&mut t.appended_in_sample)).sum();
        let lag: Vec<u64> = self.readers().map(|r| self.reader_lag(r)).collect();
        let backlog = lag.iter().copied().max().unwrap_or(0);
        self.lag_records_max = self.lag_records_max.max(backlog);
        let ms = |us: u64| us as f64 / 1000.0;
        let window = &self.latency_at_sample;
        let lost = self
            .groups
            .iter()
            .map(|g| g.stats.lost_records + g.stats.lost_to_retention_records)
            .sum::<u64>()
            + self.counters.acked_lost_records;
        let sample = Sample {
            t_ms: self.now_us / 1000,
            inflow_per_sec: appended as f64 / secs,
            outflow_per_sec: std::mem::take(&mut self.processed_in_sample) as f64 / secs,
            backlog_records: backlog,
            lag_records: lag,
            latency_ms_p50: ms(self.latency.quantile_since_us(window, 0.5)),
            latency_ms_p99: ms(self.latency.quantile_since_us(window, 0.99)),
            producers_blocked: self.producers.iter().filter(|p| p.is_blocked()).count() as u32,
            producers_throttled: self
                .producers
                .iter()
                .filter(|p| p.throttled_until_us > self.now_us)
                .count() as u32,
            failed_records: self
                .producers
                .iter()
                .map(|p| p.stats.failed_records + p.stats.expired_records)
                .sum::<u64>()
                + self.subscriptions.iter().map(|s| s.lost_records()).sum::<u64>(),
            duplicate_records: self.groups.iter().map(|g| g.stats.duplicate_records).sum::<u64>()
                + self.share_groups.iter().map(|g| g.stats.duplicate_records).sum::<u64>(),
            lost_records: lost,
        };
        self.latency_at_sample = self.latency.clone();
        if self.now_us % PARTITION_SAMPLE_US == 0 {
            self.sample_partitions();
        }
        self.history.push(sample);
    }

    pub(super) fn sample_partitions(&mut self) {
        let partitions = self
            .topics
            .iter()
            .flat_map(|t| &t.partitions)
            .map(|p| PartitionOffsets {
                log_start: p.log.log_start_offset(),
                high_watermark: p.log.high_watermark(),
                log_end: p.log.log_end_offset(),
            })
            .collect();
        let committed = self
            .groups
            .iter()
            .map(|g| {
                let mut out = Vec::new();
                for &t in &g.topics {
                    let parts = &self.topics[t as usize].partitions;
                    out.extend(parts.iter().enumerate().map(|(p, part)| {
                        let tp = Tp { topic: t, partition: p as u32 };
                        let log = &part.log;
                        g.resume_offset(tp, log.log_start_offset(), log.high_watermark())
                    }));
                }
                out
            })
            .collect();
        let t_ms = self.now_us / 1000;
        self.partition_history.push(PartitionSample { t_ms, partitions, committed });
    }

    /// Phase 15: the trace hash takes in the step's time and every event that moved.
    pub(super) fn hash_step(&mut self) {
        let mut h = self.trace_hash;
        let mut mix = |v: u64| {
            h ^= v;
            h = h.wrapping_mul(0x0100_0000_01b3);
        };
        mix(self.now_us);
        for e in &self.events {
            mix(e.digest());
        }
        self.trace_hash = h;
    }

    /// Totals so far.
    pub fn summary(&self) -> Summary {
        let ms = |us: u64| us as f64 / 1000.0;
        let mut s = Summary {
            virtual_seconds: self.now_us as f64 / 1e6,
            lag_records_max: self.lag_records_max,
            latency_ms_p50: ms(self.latency.quantile_us(0.5)),
            latency_ms_p95: ms(self.latency.quantile_us(0.95)),
            latency_ms_p99: ms(self.latency.quantile_us(0.99)),
            latency_ms_max: ms(self.latency.max_us()),
            ..Summary::default()
        };
        for p in &self.producers {
            s.produced_records += p.stats.sent_records;
            s.acked_records += p.stats.acked_records;
            s.dropped_records += p.stats.failed_records + p.stats.expired_records;
            s.producer_blocked_ms += ms(p.stats.blocked_us);
            s.producer_throttled_ms += ms(p.stats.throttled_us);
            s.retried_records += p.stats.retried_records;
        }
        for r in self.readers() {
            s.consumed_records.insert(r.name().to_string(), r.consumed_records());
            s.lag_records.insert(r.name().to_string(), self.reader_lag(r));
        }
        for g in &self.share_groups {
            s.redelivered_records += g.stats.redelivered_records;
            s.archived_records += g.stats.archived_records;
            s.share_duplicate_records += g.stats.duplicate_records;
            s.duplicate_records += g.stats.duplicate_records;
            s.failed_ack_records += g.stats.failed_ack_records;
        }
        for sub in &self.subscriptions {
            let st = sub.stats;
            s.dropped_records += st.dropped_records;
            s.push_dropped_records += st.dropped_records;
            s.push_disconnects += st.disconnects;
            s.push_discarded_records += st.discarded_records;
            s.push_missed_records += st.missed_records;
            s.push_consumer_crashes += st.consumer_crashes;
            s.push_requeued_records += st.requeued_records;
        }
        let mut commit_lost = 0;
        let mut retention_lost = 0;
        for g in &self.groups {
            commit_lost += g.stats.lost_records;
            retention_lost += g.stats.lost_to_retention_records;
            s.rebalancing_ms += ms(g.stats.rebalancing_us);
            s.max_poll_exceeded += g.stats.max_poll_exceeded;
            s.offset_reset_skipped_records += g.stats.reset_skipped_records;
            s.idle_members += (0..g.members.len())
                .filter(|&i| g.member_state(i) == crate::group::MemberState::Idle)
                .count() as u64;
        }
        let c = self.counters;
        for (cause, n) in [
            ("commit-before-process", commit_lost),
            ("retention", retention_lost),
            ("leader-failover", c.acked_lost_records),
            ("push-overflow", s.push_dropped_records),
            ("push-disconnected-buffer", s.push_discarded_records),
            ("push-missed-while-disconnected", s.push_missed_records),
            ("send-failed", s.dropped_records - s.push_dropped_records),
        ] {
            s.lost_records_by_cause.insert(cause.to_string(), n);
        }
        s.appended_records = c.appended_records;
        s.duplicate_appends = c.duplicate_appends;
        s.acked_lost_records = c.acked_lost_records;
        s.committed_lost_records = c.committed_lost_records;
        s.not_enough_replicas = c.not_enough_replicas;
        s.not_enough_replicas_after_append = c.not_enough_replicas_after_append;
        s.leader_elections = c.leader_elections;
        s.unclean_elections = c.unclean_elections;
        for g in &self.groups {
            s.lost_records += g.stats.lost_records + g.stats.lost_to_retention_records;
            s.duplicate_records += g.stats.duplicate_records;
            s.rebalances += g.stats.rebalances;
            s.empty_fetches += g.stats.empty_fetches;
        }
        s
    }

    /// Checks the invariants that must hold after every step; the message names what broke.
    pub fn check_invariants(&self) -> Result<(), String> {
        for t in &self.topics {
            for (p, part) in t.partitions.iter().enumerate() {
                part.check().map_err(|e| format!("{}-{p}: {e}", t.name))?;
            }
        }
        for r in self.readers() {
            r.check()?;
        }
        let c = self.counters;
        if c.committed_lost_records > 0 && c.unclean_elections == 0 {
            return Err(format!(
                "{} committed records lost without an unclean election",
                c.committed_lost_records
            ));
        }
        if c.acks_all_ok_below_min_isr > 0 {
            // Kafka's Partition.checkEnoughReplicasReachOffset never answers NONE then.
            return Err(format!(
                "{} acks=all records acknowledged while the ISR was below min.insync.replicas",
                c.acks_all_ok_below_min_isr
            ));
        }
        for p in &self.producers {
            if p.buffer_bytes_used() > p.spec.buffer_bytes {
                return Err(format!(
                    "{} uses {} buffer bytes > {}",
                    p.spec.name,
                    p.buffer_bytes_used(),
                    p.spec.buffer_bytes
                ));
            }
        }
        Ok(())
    }
}
