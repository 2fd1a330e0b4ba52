//! Phases 13-15 of a step: retention, a metrics sample, the trace hash; and what the run
//! reports: `Summary` and the invariants checked after every step in tests.

use std::collections::BTreeMap;

use super::{Cluster, PARTITION_SAMPLE_US, RETENTION_CHECK_US, SAMPLE_US};
use crate::event::TrafficEvent;
use crate::metrics::{BrokerSample, MarkerKind, PartitionOffsets, PartitionSample, Sample};
use crate::producer::Acks;
use crate::vocab::Tp;
use serde::Serialize;

/// Totals across the run, as printed by `brook run`.
///
/// The producers' ledger, which `Cluster::check_invariants` checks after every step in tests:
/// every produced record is, at any time, in exactly one of four places:
///
/// `produced_records` = `written_records` + `in_flight_records`
///   + (`send_failed_records` - `failed_written_records`)
///   + `lost_records_by_cause["leader-crash-in-flight"]`
///
/// that is: a partition log received it (whatever happened to it later: a new leader may have
/// truncated it, `leader-failover`, or retention deleted it); it is on its way (in a batch
/// filling or queued in the producer, on the wire, or waiting to be resent); the producer was
/// told it failed and no log has it; or it was lost on the way, unknown to its producer.
/// `lost_records` is the sum of `lost_records_by_cause`, here, in the samples and on the page.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Summary {
    /// Virtual seconds simulated.
    pub virtual_seconds: f64,
    /// Records handed to producers' `send()` and accepted into their buffers.
    pub produced_records: u64,
    /// Records acknowledged to producers (acks=0: once written to the connection).
    pub acked_records: u64,
    /// Records appended to partition logs (every copy: `duplicate_appends` included).
    pub appended_records: u64,
    /// Records of `produced_records` some partition log received, each counted once.
    pub written_records: u64,
    /// Records of `produced_records` still on their way: no log has them yet, and their
    /// producer has not given them up (batches filling, queued, on the wire, to be resent).
    pub in_flight_records: u64,
    /// Records processed, per reader name (duplicates included).
    pub consumed_records: BTreeMap<String, u64>,
    /// Records lost, all causes: the sum of `lost_records_by_cause`.
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
    /// Records whose producer was told they failed: `send()` calls that blocked past
    /// `max.block.ms` (never produced), plus `send_failed_records`.
    pub dropped_records: u64,
    /// Records of `produced_records` whose producer was told they failed: `delivery.timeout.ms`
    /// passed (queued or in flight), retries ran out, or the leader refused them for good.
    pub send_failed_records: u64,
    /// Of `send_failed_records`, records that timed out in flight: sent, not yet answered when
    /// `delivery.timeout.ms` passed (Kafka's `Sender` expires in-flight batches too). Their
    /// producer cannot know whether they were written.
    pub delivery_timeout_records: u64,
    /// Of `send_failed_records`, records a partition log received anyway: failed at the
    /// producer, yet written (and committed if the partition's high watermark passes them).
    pub failed_written_records: u64,
    /// Batches a leader appended after a later batch of the same producer and partition: a
    /// non-idempotent producer's retry with more than one request in flight. Idempotent
    /// producers keep each partition in order (`check_invariants`).
    pub out_of_order_batches: u64,
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
    /// was full (`push-overflow` in `lost_records_by_cause`).
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
    /// Every record lost without anyone being told, by cause: `commit-before-process` (a
    /// consumer crashed after committing), `retention` (deleted unread), `leader-failover`
    /// (acknowledged, then truncated by a new leader), `leader-crash-in-flight` (acks=0, on the
    /// wire to a leader that crashed), `push-overflow` (MQTT QoS 0 drops),
    /// `push-disconnected-buffer` (Redis: in the output buffer when disconnected),
    /// `push-missed-while-disconnected` (Redis: published while disconnected). Sends the
    /// producer was told failed are not lost: they are in `dropped_records`.
    pub lost_records_by_cause: BTreeMap<String, u64>,
    /// Per broker: produce and fetch request times as Kafka's `RequestMetrics` reports them.
    pub requests: Vec<crate::request_metrics::BrokerRequestSummary>,
    /// Virtual ms groups spent rebalancing, summed.
    pub rebalancing_ms: f64,
    /// Consumer group members with no partition now.
    pub idle_members: u64,
    /// Members removed for exceeding `max.poll.interval.ms`.
    pub max_poll_exceeded: u64,
}

impl Cluster {
    /// Phase 13: retention deletes expired segments below the high watermark, the active one
    /// included (see [`crate::PartitionLog::enforce_retention`]); then a log past its share of
    /// [`crate::LOG_ENTRIES_TOTAL_MAX`] coalesces its oldest committed batches
    /// ([`crate::PartitionLog::coalesce`]), so memory levels off under a long retention.
    #[inline(never)] // its own frame in a profile (BENCHMARKS.md)
    pub(super) fn retention(&mut self) {
        if self.now_us < self.next_retention_us {
            return;
        }
        self.next_retention_us += RETENTION_CHECK_US;
        let partitions: usize = self.topics.iter().map(|t| t.partitions.len()).sum();
        let entries_max = crate::log::log_entries_max(self.log_entries_total_max, partitions);
        for ti in 0..self.topics.len() {
            for pi in 0..self.topics[ti].partitions.len() {
                let t = &mut self.topics[ti];
                let d = t.partitions[pi].log.enforce_retention(
                    self.now_us,
                    t.retention_ms,
                    t.retention_bytes,
                );
                t.partitions[pi].coalesce_log(entries_max);
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
    #[inline(never)] // its own frame in a profile (BENCHMARKS.md)
    pub(super) fn sample_metrics(&mut self) {
        if self.now_us < self.next_sample_us {
            return;
        }
        self.next_sample_us += SAMPLE_US;
        let secs = SAMPLE_US as f64 / 1e6;
        let appended: u64 =
            self.topics.iter_mut().map(|t| std::mem::take(&mut t.appended_in_sample)).sum();
        let lag: Vec<u64> = self.readers().map(|r| self.reader_lag(r)).collect();
        let processed: Vec<u64> = self.readers().map(|r| r.consumed_records()).collect();
        self.mark_spikes();
        if self.now_us % 1_000_000 == 0 {
            for g in &mut self.groups {
                g.latency.mark_second();
            }
            for g in &mut self.share_groups {
                g.latency.mark_second();
            }
            for s in &mut self.subscriptions {
                s.latency.mark_second();
            }
        }
        let backlog = lag.iter().copied().max().unwrap_or(0);
        self.lag_records_max = self.lag_records_max.max(backlog);
        let ms = |us: u64| us as f64 / 1000.0;
        let window = &self.latency_at_sample;
        let lost = self.lost_by_cause().iter().map(|&(_, n)| n).sum();
        let sample = Sample {
            t_ms: self.now_us / 1000,
            inflow_per_sec: appended as f64 / secs,
            outflow_per_sec: std::mem::take(&mut self.processed_in_sample) as f64 / secs,
            backlog_records: backlog,
            lag_records: lag,
            processed_records: processed,
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
                .sum::<u64>(),
            duplicate_records: self.groups.iter().map(|g| g.stats.duplicate_records).sum::<u64>()
                + self.share_groups.iter().map(|g| g.stats.duplicate_records).sum::<u64>(),
            lost_records: lost,
            brokers: (0..self.loads.len())
                .map(|b| {
                    let m = &self.loads[b].metrics.produce;
                    BrokerSample {
                        bytes: self.broker_bytes(b),
                        produce_requests: m.requests,
                        produce_total_us: m.sum_us(5),
                    }
                })
                .collect(),
        };
        self.latency_at_sample = self.latency.clone();
        if self.now_us % PARTITION_SAMPLE_US == 0 {
            self.sample_partitions();
        }
        self.history.push(sample);
    }

    /// Markers where a producer's rate profile enters or leaves a spike or burst since the
    /// last sample.
    fn mark_spikes(&mut self) {
        let (now, before) = (self.now_us, self.now_us.saturating_sub(SAMPLE_US));
        for i in 0..self.producers.len() {
            let p = &self.producers[i];
            let (was, is) = (p.spec.rate.in_spike(before), p.spec.rate.in_spike(now));
            if was != is && !p.closed {
                let kind = if is { MarkerKind::SpikeStart } else { MarkerKind::SpikeEnd };
                let subject = p.spec.name.clone();
                self.mark(kind, subject);
            }
        }
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
    #[inline(never)] // its own frame in a profile (BENCHMARKS.md)
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

    /// Records lost so far, by cause: the one definition of "lost", which the summary, the
    /// samples and the page share (see [`Summary::lost_records_by_cause`]).
    pub fn lost_by_cause(&self) -> [(&'static str, u64); 7] {
        let (mut commit, mut retention) = (0, 0);
        for g in &self.groups {
            commit += g.stats.lost_records;
            retention += g.stats.lost_to_retention_records;
        }
        let (mut dropped, mut discarded, mut missed) = (0, 0, 0);
        for sub in &self.subscriptions {
            dropped += sub.stats.dropped_records;
            discarded += sub.stats.discarded_records;
            missed += sub.stats.missed_records;
        }
        let c = &self.counters;
        [
            ("commit-before-process", commit),
            ("retention", retention),
            ("leader-failover", c.acked_lost_records),
            ("leader-crash-in-flight", c.lost_in_flight_records),
            ("push-overflow", dropped),
            ("push-disconnected-buffer", discarded),
            ("push-missed-while-disconnected", missed),
        ]
    }

    /// Per producer: records sent that no log has received and the producer has not given up,
    /// wherever they are (filling, queued, on the wire, waiting at a leader, answer on the
    /// wire). Walks every batch on its way: for the summary and the invariants, not the step.
    fn unwritten_on_the_way(&self) -> Vec<u64> {
        let mut n: Vec<u64> = self.producers.iter().map(|p| p.unwritten_held_records()).collect();
        let held = self.loads.iter().flat_map(|l| l.requests());
        for r in self.to_broker.iter().chain(&self.to_producer).chain(held) {
            let p = &self.producers[r.producer as usize];
            if !r.out.appended && (r.out.acks == Acks::None || p.awaits(&r.out)) {
                n[r.producer as usize] += r.out.batch.count as u64;
            }
        }
        n
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
            let st = &p.stats;
            s.produced_records += st.sent_records;
            s.acked_records += st.acked_records;
            s.written_records += st.written_records;
            s.dropped_records += st.failed_records + st.expired_records;
            s.send_failed_records += st.expired_records;
            s.delivery_timeout_records += st.delivery_timeout_records;
            s.failed_written_records += st.failed_written_records;
            s.producer_blocked_ms += ms(st.blocked_us);
            s.producer_throttled_ms += ms(st.throttled_us);
            s.retried_records += st.retried_records;
        }
        s.in_flight_records = self.unwritten_on_the_way().iter().sum();
        for (b, l) in self.loads.iter().enumerate() {
            let mut r = l.metrics.summary(b as u32);
            r.request_queue_max = l.queue_max as u32;
            r.unread_requests = l.queues().unread;
            [r.network_in_bytes, r.network_out_bytes, r.disk_write_bytes] = self.broker_bytes(b);
            s.requests.push(r);
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
            s.push_dropped_records += st.dropped_records;
            s.push_disconnects += st.disconnects;
            s.push_discarded_records += st.discarded_records;
            s.push_missed_records += st.missed_records;
            s.push_consumer_crashes += st.consumer_crashes;
            s.push_requeued_records += st.requeued_records;
        }
        for g in &self.groups {
            s.rebalancing_ms += ms(g.stats.rebalancing_us);
            s.max_poll_exceeded += g.stats.max_poll_exceeded;
            s.offset_reset_skipped_records += g.stats.reset_skipped_records;
            s.idle_members += (0..g.members.len())
                .filter(|&i| g.member_state(i) == crate::group::MemberState::Idle)
                .count() as u64;
        }
        for (cause, n) in self.lost_by_cause() {
            s.lost_records += n;
            s.lost_records_by_cause.insert(cause.to_string(), n);
        }
        let c = self.counters;
        s.out_of_order_batches = c.out_of_order_batches;
        s.appended_records = c.appended_records;
        s.duplicate_appends = c.duplicate_appends;
        s.acked_lost_records = c.acked_lost_records;
        s.committed_lost_records = c.committed_lost_records;
        s.not_enough_replicas = c.not_enough_replicas;
        s.not_enough_replicas_after_append = c.not_enough_replicas_after_append;
        s.leader_elections = c.leader_elections;
        s.unclean_elections = c.unclean_elections;
        for g in &self.groups {
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
            // What was read but not committed is part of the lag: a fetch position never passes
            // the high watermark, a lock is only taken on a record below it.
            let uncommitted = r.uncommitted(|t| &self.topics[t as usize].partitions);
            let lag = self.reader_lag(r);
            if uncommitted > lag {
                return Err(format!(
                    "{}: {uncommitted} read but not committed > lag {lag}",
                    r.name()
                ));
            }
        }
        // `queued.max.requests` bounds every broker's request queue (Kafka's `RequestChannel`).
        let queued_max = self.scenario.cluster.resources.queued_max_requests;
        for (b, l) in self.loads.iter().enumerate() {
            let q = l.queues();
            if q.request_queue > queued_max || q.request_queue_max > queued_max {
                return Err(format!("broker {b}: request queue {q:?} past {queued_max}"));
            }
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
            if p.buffer_bytes_used() > p.buffer_bytes_allowed() {
                return Err(format!(
                    "{} uses {} buffer bytes > {}",
                    p.spec.name,
                    p.buffer_bytes_used(),
                    p.buffer_bytes_allowed()
                ));
            }
            p.check_sending()?;
        }
        self.check_producer_ledgers()?;
        self.check_idempotent_order()
    }

    /// Every record a producer accepted is accounted for, twice over (see [`ProducerStats`]):
    /// as the producer completes batches (acknowledged, failed, or not yet answered), and as
    /// the records travel (written, failed unwritten, lost on the wire, or on their way).
    ///
    /// [`ProducerStats`]: crate::ProducerStats
    fn check_producer_ledgers(&self) -> Result<(), String> {
        let on_the_way = self.unwritten_on_the_way();
        for (p, &way) in self.producers.iter().zip(&on_the_way) {
            let st = &p.stats;
            let answered = st.acked_records + st.expired_records + p.unanswered_records();
            if answered != st.sent_records {
                return Err(format!(
                    "{}: {} sent but {} acknowledged + {} failed + {} unanswered",
                    p.spec.name,
                    st.sent_records,
                    st.acked_records,
                    st.expired_records,
                    p.unanswered_records()
                ));
            }
            let failed_unwritten = st.expired_records - st.failed_written_records;
            let travelled = st.written_records + failed_unwritten + st.lost_in_flight_records + way;
            if travelled != st.sent_records {
                return Err(format!(
                    "{}: {} sent but {} written + {} failed unwritten + {} lost on the wire + \
                     {} on the way",
                    p.spec.name,
                    st.sent_records,
                    st.written_records,
                    failed_unwritten,
                    st.lost_in_flight_records,
                    way
                ));
            }
        }
        Ok(())
    }

    /// An idempotent producer's batches stand in each partition log in the order it created
    /// them: its sequence numbers only grow (Kafka's broker appends a batch only as the next in
    /// sequence, `ProducerAppendInfo.checkSequence`, and the producer resends in sequence
    /// order, `RecordAccumulator.insertInSequenceOrder`).
    fn check_idempotent_order(&self) -> Result<(), String> {
        let mut last: Vec<(u16, u32)> = Vec::new();
        for t in &self.topics {
            for (pi, part) in t.partitions.iter().enumerate() {
                last.clear();
                last.resize(self.producers.len(), (0, 0));
                for b in part.log.batches().filter(|b| b.idempotent) {
                    let prev = &mut last[b.producer as usize];
                    if (b.producer_epoch, b.seq) <= *prev {
                        return Err(format!(
                            "{}-{pi}: {}'s batch {:?} at offset {} after {:?}",
                            t.name,
                            self.producers[b.producer as usize].spec.name,
                            (b.producer_epoch, b.seq),
                            b.base_offset,
                            *prev
                        ));
                    }
                    *prev = (b.producer_epoch, b.seq);
                }
            }
        }
        Ok(())
    }
}
