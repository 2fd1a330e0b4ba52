//! Phases 2-3 of a step: producers batch records and send them; leaders append what reaches
//! them (or refuse it: not the leader, too few in-sync replicas, out of sequence), acks=1
//! answered at once.

use super::{capacity::Timing, Cluster, PendingAck, ProducerSeq, Request, TICK_US};
use crate::event::TrafficEvent;
use crate::log::Batch;
use crate::producer::{Acks, Answer, Outgoing};
use crate::replication::WriteRefused;
use crate::vocab::Tp;

/// What a leader makes of an idempotent producer's batch, from what it knows of the producer
/// (Kafka's `ProducerStateEntry.findDuplicateBatch`, then `ProducerAppendInfo.
/// checkProducerEpoch` and `checkSequence`, storage/src/main/java/org/apache/kafka/storage/
/// internals/log/).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum SeqCheck {
    /// The next in sequence (or the first of a newer epoch): appended.
    Append,
    /// The log holds it already: acknowledged, not appended again.
    Duplicate,
    /// An earlier batch is missing: `OUT_OF_ORDER_SEQUENCE_NUMBER`.
    OutOfOrder,
    /// An older epoch than the leader has seen: `INVALID_PRODUCER_EPOCH`.
    StaleEpoch,
}

fn check_sequence(known: ProducerSeq, epoch: u16, seq: u32) -> SeqCheck {
    match epoch.cmp(&known.epoch) {
        std::cmp::Ordering::Less => SeqCheck::StaleEpoch,
        std::cmp::Ordering::Greater if seq == 1 => SeqCheck::Append,
        std::cmp::Ordering::Greater => SeqCheck::OutOfOrder,
        std::cmp::Ordering::Equal if seq <= known.seq => SeqCheck::Duplicate,
        std::cmp::Ordering::Equal if seq == known.seq + 1 => SeqCheck::Append,
        std::cmp::Ordering::Equal => SeqCheck::OutOfOrder,
    }
}

/// How many requests ahead phase 3 starts loading a partition's state.
const PREFETCH_AHEAD: usize = 8;

impl Cluster {
    /// Phase 2: producers create records and batch them; batches past `delivery.timeout.ms`
    /// fail, queued or in flight; batches that may go are sent to their partition's leader.
    /// Nothing goes to a partition without a leader or whose leader's broker is down (the
    /// connection is broken: the batches wait for the next leader), nor while a quota mutes
    /// the producer.
    #[inline(never)] // its own frame in a profile (BENCHMARKS.md)
    pub(super) fn producers_send(&mut self) {
        let delay_us = self.scenario.cluster.network_delay_us as u64;
        let now = self.now_us;
        for i in 0..self.producers.len() {
            let mut ready = std::mem::take(&mut self.ready);
            let failed_before = self.producers[i].stats.failed_records;
            self.producers[i].tick(now, TICK_US, &mut self.rng, &mut ready);
            let p = &mut self.producers[i];
            p.enqueue(&mut ready);
            self.ready = ready;
            let expired = if p.expiry_due(now) { self.expire(i) } else { 0 };
            let p = &mut self.producers[i];
            let failed = p.stats.failed_records - failed_before + expired;
            if failed > 0 {
                self.push_event(TrafficEvent::SendFailed { producer: i as u32, records: failed });
            }
            let p = &mut self.producers[i];
            if p.throttled_until_us > now {
                p.stats.throttled_us += TICK_US;
                continue;
            }
            let topic = self.producer_topic[i];
            let (parts, brokers) = (&self.topics[topic as usize].partitions, &self.brokers);
            let reachable = |part: u32| {
                let leader = parts[part as usize].leader_broker();
                leader.is_some_and(|b| brokers[b as usize].alive)
            };
            let mut sending = std::mem::take(&mut self.sending);
            p.drain(now, reachable, &mut sending);
            for o in sending.drain(..) {
                self.send(i, topic, o, delay_us);
            }
            self.sending = sending;
        }
    }

    /// Producer `i`'s batches past `delivery.timeout.ms` fail (Kafka's `Sender.
    /// sendProducerData`: `RecordAccumulator.expiredBatches` and `getExpiredInflightBatches`),
    /// queued or in flight: on the wire, waiting at a leader, or answered on the way back.
    /// Walks the producer's batches, which happens only when its earliest deadline has come.
    /// Returns the records failed.
    fn expire(&mut self, i: usize) -> u64 {
        let now = self.now_us;
        let p = &mut self.producers[i];
        let (mut failed, mut next) = p.expire_queued(now);
        let pending = self.topics[self.producer_topic[i] as usize].pending.iter().flatten();
        let held = self.loads.iter().flat_map(|l| l.requests());
        let requests = self.to_broker.iter().chain(&self.to_producer).chain(held);
        let mine = requests.filter(|r| r.producer as usize == i).map(|r| &r.out);
        for o in mine.chain(pending.filter(|a| a.producer as usize == i).map(|a| &a.out)) {
            if p.in_flight_expired(o, now, &mut next) {
                failed += p.give_up_in_flight(o);
            }
        }
        p.set_next_expiry(next);
        failed
    }

    pub(super) fn send(&mut self, i: usize, topic: u16, out: Outgoing, delay_us: u64) {
        let b = out.batch;
        self.push_event(TrafficEvent::Produce {
            producer: i as u32,
            topic,
            partition: b.partition,
            records: b.count,
            key: b.key,
        });
        self.to_broker.push_back(Request {
            producer: i as u32,
            topic,
            out,
            due_us: self.now_us + delay_us,
            answer: Answer::Ok,
            from_broker: 0,
            end_offset: 0,
            t: Timing::default(),
        });
    }

    /// Phase 3: requests reach their partition leader, which appends them (or refuses: not the
    /// leader any more, too few in-sync replicas for acks=all, out of sequence).
    #[inline(never)] // its own frame in a profile (BENCHMARKS.md)
    pub(super) fn brokers_append(&mut self) {
        self.capacity_refill();
        let load_ahead = self.many_partitions();
        while self.to_broker.front().is_some_and(|r| r.due_us <= self.now_us) {
            if load_ahead {
                if let Some(ahead) = self.to_broker.get(PREFETCH_AHEAD) {
                    self.prefetch_append(ahead, true);
                }
                if let Some(ahead) = self.to_broker.get(PREFETCH_AHEAD / 2) {
                    self.prefetch_append(ahead, false);
                }
            }
            let r = self.to_broker.pop_front().expect("front checked");
            let part = &self.topics[r.topic as usize].partitions[r.out.batch.partition as usize];
            match part.leader_broker() {
                // Through the leader's network, request queue and handler threads.
                Some(b) if self.brokers[b as usize].alive => self.capacity_arrive(b as usize, r),
                _ => self.append_request(r, false),
            }
        }
        self.capacity_serve_all();
        // Each producer's quota bucket refills for the tick (after this tick's charges).
        for p in &mut self.producers {
            p.refill_quota(TICK_US);
        }
    }

    /// Starts loading what appending `r` will read: its partition (`first`), then the log's
    /// newest segment and the leader's entry for the producer's sequence.
    fn prefetch_append(&self, r: &Request, first: bool) {
        let Some(t) = self.topics.get(r.topic as usize) else { return };
        let Some(part) = t.partitions.get(r.out.batch.partition as usize) else { return };
        if first {
            part.prefetch(true);
            return;
        }
        part.log.prefetch_tail();
        if let Some(row) = t.producer_seq.get(r.producer as usize) {
            if let Some(e) = row.get(r.out.batch.partition as usize) {
                crate::prefetch::line(e);
            }
        }
    }

    /// Handles produce request `r` (`at_leader`: the broker that read it leads the partition;
    /// false for a request no live broker read).
    pub(super) fn append_request(&mut self, r: Request, at_leader: bool) {
        let now = self.now_us;
        let delay_us = self.scenario.cluster.network_delay_us as u64;
        let quota = self.producers[r.producer as usize].spec.quota_bytes_per_sec;
        let o = r.out;
        let b = o.batch;
        let t = &mut self.topics[r.topic as usize];
        let part = &mut t.partitions[b.partition as usize];
        let leader_up =
            at_leader && part.leader_broker().is_some_and(|l| self.brokers[l as usize].alive);
        let refused =
            part.leader_write_refused(leader_up, o.acks == Acks::All, t.min_insync_replicas);
        if refused == Some(WriteRefused::NotEnoughReplicas) {
            self.counters.not_enough_replicas += 1;
        }
        let from_broker = part.leader_broker().unwrap_or(0);
        let reply = |out: Outgoing, answer: Answer, end_offset: u64| Request {
            out,
            answer,
            due_us: now + delay_us,
            from_broker,
            end_offset,
            ..r
        };
        if refused.is_some() {
            if o.acks == Acks::None {
                // Written to a connection whose broker died before reading it: Kafka's
                // NetworkClient completed the request once sent (no answer expected), so the
                // producer was told success and the records are gone.
                self.counters.lost_in_flight_records += b.count as u64;
                self.producers[r.producer as usize].lost_in_flight(&o);
            } else {
                self.respond(reply(o, Answer::Retriable, 0));
            }
            return;
        }
        // What the leader knows of the producer's sequence (fresh until it writes).
        let row = t.producer_seq.get(r.producer as usize);
        let known = row.and_then(|row| row.get(b.partition as usize)).copied().unwrap_or_default();
        if o.idempotent {
            match check_sequence(known, o.epoch, o.seq) {
                SeqCheck::Append => {}
                SeqCheck::Duplicate if o.acks == Acks::All => {
                    debug_assert!(o.appended, "a duplicate of a batch never written");
                    // Answered once the high watermark passes the copy in the log (Kafka's
                    // DelayedProduce waits on the original's offsets; Brook knows where the
                    // producer's last batch ends, at or after it).
                    let pending = PendingAck {
                        end_offset: known.end_offset,
                        producer: r.producer,
                        out: o,
                        t: r.t,
                    };
                    t.push_pending(b.partition as usize, pending);
                    self.replica_due(r.topic as usize, b.partition as usize);
                    return;
                }
                SeqCheck::Duplicate => {
                    self.respond(reply(o, Answer::Ok, 0));
                    return;
                }
                SeqCheck::OutOfOrder => {
                    self.respond(reply(o, Answer::OutOfOrderSequence, 0));
                    return;
                }
                SeqCheck::StaleEpoch => {
                    self.respond(reply(o, Answer::StaleEpoch, 0));
                    return;
                }
            }
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
            acked_on_append: o.acks != Acks::All,
            seq: o.seq,
            producer_epoch: o.epoch,
            idempotent: o.idempotent,
        });
        t.appended_in_sample += b.count as u64;
        let producer = &mut self.producers[r.producer as usize];
        if (o.epoch, o.seq) < (known.epoch, known.seq) {
            // Written after a later batch of the same producer (Kafka's producer docs: with
            // retries and more than one request in flight, records may be reordered).
            self.counters.out_of_order_batches += 1;
            producer.stats.out_of_order_batches += 1;
        } else {
            let partitions = t.partitions.len();
            let rows = &mut t.producer_seq;
            if rows.len() <= r.producer as usize {
                rows.resize_with(r.producer as usize + 1, Vec::new);
            }
            let row = &mut rows[r.producer as usize];
            if row.len() < partitions {
                // Its first write here, or partitions were added since.
                row.resize(partitions, ProducerSeq::default());
            }
            row[b.partition as usize] = ProducerSeq { epoch: o.epoch, seq: o.seq, end_offset };
        }
        self.counters.appended_records += b.count as u64;
        if o.in_log && !o.idempotent {
            self.counters.duplicate_appends += b.count as u64;
            producer.stats.duplicated_records += b.count as u64;
        }
        producer.appended(&o);
        if let Some(f) = self.follow.as_deref_mut() {
            let tp = Tp { topic: r.topic, partition: b.partition };
            let base = end_offset - b.count as u64;
            f.appended(r.producer, tp, base, b.key, b.first_create_us, from_broker, now);
        }
        let out = Outgoing { appended: true, ..o };
        match o.acks {
            Acks::None => {}
            Acks::Leader => self.respond(reply(out, Answer::Ok, end_offset)),
            Acks::All => t.push_pending(
                b.partition as usize,
                PendingAck { end_offset, producer: r.producer, out, t: r.t },
            ),
        }
        if let Some(q) = quota {
            self.producers[r.producer as usize].charge_quota(self.now_us, b.bytes as u64, q);
        }
        self.replica_due(r.topic as usize, b.partition as usize);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_leader_appends_only_the_next_sequence_of_the_epoch_it_knows() {
        // ProducerAppendInfo: an older epoch is refused (checkProducerEpoch); a newer one must
        // start its sequences again (checkSequence: "Invalid sequence number for new epoch");
        // in the same epoch only lastSeq + 1 is in sequence; what the log holds already is a
        // duplicate (ProducerStateEntry.findDuplicateBatch). Brook counts from 1, Kafka from 0.
        let known = ProducerSeq { epoch: 2, seq: 7, end_offset: 70 };
        assert_eq!(check_sequence(known, 2, 8), SeqCheck::Append);
        assert_eq!(check_sequence(known, 2, 7), SeqCheck::Duplicate);
        assert_eq!(check_sequence(known, 2, 3), SeqCheck::Duplicate);
        assert_eq!(check_sequence(known, 2, 9), SeqCheck::OutOfOrder);
        assert_eq!(check_sequence(known, 1, 8), SeqCheck::StaleEpoch);
        assert_eq!(check_sequence(known, 3, 1), SeqCheck::Append);
        assert_eq!(check_sequence(known, 3, 2), SeqCheck::OutOfOrder);
        // A producer new to the partition starts at 1.
        assert_eq!(check_sequence(ProducerSeq::default(), 0, 1), SeqCheck::Append);
        assert_eq!(check_sequence(ProducerSeq::default(), 0, 2), SeqCheck::OutOfOrder);
    }
}
