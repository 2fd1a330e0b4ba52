//! Phases 2-3 of a step: producers batch records and send them; leaders append what reaches
//! them (or refuse it: not the leader, too few in-sync replicas), acks=1 answered at once.

use super::{Cluster, PendingAck, Request, TICK_US};
use crate::event::TrafficEvent;
use crate::log::Batch;
use crate::producer::{Acks, Outgoing};
use crate::replication::WriteRefused;

impl Cluster {
    /// Phase 2: producers create records and batch them; batches that may go are sent to the
    /// partition leader, unless the partition is offline, the producer is muted by a quota, or
    /// a retry is backing off. Batches past `delivery.timeout.ms` fail.
    pub(super) fn producers_send(&mut self) {
        let delay_us = self.scenario.cluster.network_delay_us as u64;
        let now = self.now_us;
        for i in 0..self.producers.len() {
            let failed_before =
                self.producers[i].stats.failed_records + self.producers[i].stats.expired_records;
            let mut ready = std::mem::take(&mut self.ready);
            self.producers[i].tick(now, TICK_US, &mut self.rng, &mut ready);
            let p = &mut self.producers[i];
            p.outbox.extend(ready.drain(..).map(|batch| Outgoing {
                batch,
                not_before_us: now,
                attempts: 0,
                in_log: false,
            }));
            self.ready = ready;
            let topic = self.producer_topic[i];
            if p.throttled_until_us > now {
                p.stats.throttled_us += TICK_US;
            }
            let timeout_us = p.spec.delivery_timeout_ms as u64 * 1000;
            let muted = p.throttled_until_us > now;
            let t = &self.topics[topic as usize];
            let mut sent = Vec::new();
            let (mut expired, mut expired_bytes) = (0u64, 0u64);
            p.outbox.retain(|o| {
                if now.saturating_sub(o.batch.first_create_us) > timeout_us {
                    expired += o.batch.count as u64;
                    expired_bytes += o.batch.bytes as u64;
                    return false;
                }
                let online = t.partitions[o.batch.partition as usize].leader.is_some();
                if muted || !online || o.not_before_us > now {
                    return true;
                }
                sent.push(*o);
                false
            });
            p.stats.expired_records += expired;
            p.release(expired_bytes);
            for o in sent {
                self.send(i, topic, o, delay_us);
            }
            let p = &self.producers[i];
            let failed = p.stats.failed_records + p.stats.expired_records - failed_before;
            if failed > 0 {
                self.push_event(TrafficEvent::SendFailed { producer: i as u32, records: failed });
            }
        }
    }

    pub(super) fn send(&mut self, i: usize, topic: u16, o: Outgoing, delay_us: u64) {
        let p = &mut self.producers[i];
        let b = o.batch;
        if o.attempts > 0 {
            p.stats.retried_records += b.count as u64;
        }
        self.push_event(TrafficEvent::Produce {
            producer: i as u32,
            topic,
            partition: b.partition,
            records: b.count,
            key: b.key,
        });
        let p = &mut self.producers[i];
        if p.spec.acks == Acks::None {
            // acks=0: done as soon as it is on the wire.
            p.release(b.bytes as u64);
            p.stats.acked_records += b.count as u64;
        }
        let out = Outgoing { attempts: o.attempts + 1, ..o };
        self.to_broker.push_back(Request {
            producer: i as u32,
            topic,
            out,
            due_us: self.now_us + delay_us,
            ok: true,
            from_broker: 0,
            end_offset: 0,
        });
    }

    /// Phase 3: requests reach their partition leader, which appends them (or refuses: not the
    /// leader any more, or too few in-sync replicas for acks=all).
    pub(super) fn brokers_append(&mut self) {
        while self.to_broker.front().is_some_and(|r| r.due_us <= self.now_us) {
            let r = self.to_broker.pop_front().expect("front checked");
            self.append_request(r);
        }
        // Each producer's quota bucket refills for the tick (after this tick's charges).
        for p in &mut self.producers {
            p.refill_quota(TICK_US);
        }
    }

    pub(super) fn append_request(&mut self, r: Request) {
        let now = self.now_us;
        let delay_us = self.scenario.cluster.network_delay_us as u64;
        let spec = &self.producers[r.producer as usize].spec;
        let (acks, idempotent, quota) = (spec.acks, spec.idempotent(), spec.quota_bytes_per_sec);
        let b = r.out.batch;
        let t = &mut self.topics[r.topic as usize];
        let part = &mut t.partitions[b.partition as usize];
        let leader_up = part.leader_broker().is_some_and(|l| self.brokers[l as usize].alive);
        let refused =
            part.leader_write_refused(leader_up, acks == Acks::All, t.min_insync_replicas);
        if refused == Some(WriteRefused::NotEnoughReplicas) {
            self.counters.not_enough_replicas += 1;
        }
        let from_broker = part.leader_broker().unwrap_or(0);
        let reply = |ok: bool, end_offset: u64| Request {
            ok,
            due_us: now + delay_us,
            from_broker,
            end_offset,
            ..r
        };
        if refused.is_some() {
            if acks != Acks::None {
                self.to_producer.push_back(reply(false, 0));
            }
            return;
        }
        if r.out.in_log && idempotent {
            // The broker knows this producer's sequence numbers: a duplicate is acknowledged,
            // not appended. (An acks=all one got here past the min.insync.replicas check.)
            if acks == Acks::All && (part.isr.len() as u32) < t.min_insync_replicas {
                self.counters.acks_all_ok_below_min_isr += b.count as u64;
            }
            self.to_producer.push_back(reply(true, 0));
            return;
        }
        if r.out.in_log {
            self.counters.duplicate_appends += b.count as u64;
            self.producers[r.producer as usize].stats.duplicated_records += b.count as u64;
        }
        let end_offset = part.append_as_leader(Batch {
            base_offset: 0,
            count: b.count,
            bytes: b.bytes,
            first_create_us: b.first_create_us,
            last_create_us: b.last_create_us,
            append_us: now,
            producer: r.producer,
            key: b.key,
            acked_on_append: acks != Acks::All,
        });
        t.appended_in_sample += b.count as u64;
        self.counters.appended_records += b.count as u64;
        match acks {
            Acks::None => {}
            Acks::Leader => self.to_producer.push_back(reply(true, end_offset)),
            Acks::All => t.pending[b.partition as usize].push_back(PendingAck {
                end_offset,
                producer: r.producer,
                out: r.out,
            }),
        }
        if let Some(q) = quota {
            self.producers[r.producer as usize].charge_quota(self.now_us, b.bytes as u64, q);
        }
    }
}
