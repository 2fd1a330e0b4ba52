//! Phases 4-5 of a step: followers copy from leaders, the ISR and high watermarks move and
//! acks=all requests below the high watermark are answered; answers reach producers, which
//! free buffer memory or retry.

use super::{Cluster, Request};
use crate::event::TrafficEvent;
use crate::producer::Outgoing;

impl Cluster {
    /// Phase 4: followers copy from leaders; ISR and high watermarks move; acks=all requests
    /// whose records are now committed are answered.
    pub(super) fn replicate(&mut self) {
        let now = self.now_us;
        let delay_us = self.scenario.cluster.network_delay_us as u64;
        let lag_max_us = self.scenario.cluster.replica_lag_time_max_ms as u64 * 1000;
        let alive: Vec<bool> = self.brokers.iter().map(|b| b.alive).collect();
        for ti in 0..self.topics.len() {
            for pi in 0..self.topics[ti].partitions.len() {
                let t = &mut self.topics[ti];
                let part = &mut t.partitions[pi];
                let (copied, followers) = if part.replicas.len() > 1 {
                    part.replicate(now, delay_us, lag_max_us, &alive)
                } else {
                    let leo = part.log.log_end_offset();
                    if part.leader.is_some() {
                        part.log.set_high_watermark(leo);
                    }
                    (0, 0)
                };
                let hw = part.log.high_watermark();
                let leader_broker = part.leader_broker().unwrap_or(0);
                let pending = &mut t.pending[pi];
                while pending.front().is_some_and(|a| a.end_offset <= hw) {
                    let a = pending.pop_front().expect("front checked");
                    self.to_producer.push_back(Request {
                        producer: a.producer,
                        topic: ti as u16,
                        out: a.out,
                        due_us: now + delay_us,
                        ok: true,
                        from_broker: leader_broker,
                        end_offset: a.end_offset,
                    });
                }
                if copied > 0 {
                    self.push_event(TrafficEvent::Replicate {
                        topic: ti as u16,
                        partition: pi as u32,
                        records: copied,
                        followers,
                    });
                }
            }
        }
    }

    /// Phase 5: responses reach producers: acknowledgements free buffer memory; errors are
    /// retried after `retry.backoff.ms` while retries remain.
    pub(super) fn acks_return(&mut self) {
        let now = self.now_us;
        while self.to_producer.front().is_some_and(|r| r.due_us <= now) {
            let r = self.to_producer.pop_front().expect("front checked");
            let p = &mut self.producers[r.producer as usize];
            let b = r.out.batch;
            if r.ok {
                p.release(b.bytes as u64);
                p.stats.acked_records += b.count as u64;
            } else if r.out.attempts <= p.spec.retries {
                let backoff_us = p.spec.retry_backoff_ms as u64 * 1000;
                p.outbox.push_back(Outgoing { not_before_us: now + backoff_us, ..r.out });
            } else {
                p.release(b.bytes as u64);
                p.stats.expired_records += b.count as u64;
            }
        }
    }
}
