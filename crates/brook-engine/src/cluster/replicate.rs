//! Phases 4-5 of a step: followers copy from leaders, the ISR and high watermarks move and
//! acks=all requests below the high watermark are answered (an error if the ISR is below
//! `min.insync.replicas`); answers reach producers, which free buffer memory or retry.

use super::{
    capacity::{self, Timing},
    Cluster, Request,
};
use crate::event::TrafficEvent;
use crate::producer::{Answer, Outgoing};
use crate::replication::AckCheck;

impl Cluster {
    /// Phase 4: followers copy from leaders; ISR and high watermarks move; acks=all requests
    /// whose records are now committed are answered: OK with at least `min.insync.replicas` in
    /// the ISR, else `NOT_ENOUGH_REPLICAS_AFTER_APPEND` (retried by the producer).
    #[inline(never)] // its own frame in a profile (BENCHMARKS.md)
    pub(super) fn replicate(&mut self) {
        let now = self.now_us;
        let delay32 = self.scenario.cluster.network_delay_us;
        let delay_us = delay32 as u64;
        let lag_max_us = self.scenario.cluster.replica_lag_time_max_ms as u64 * 1000;
        let alive: Vec<bool> = self.brokers.iter().map(|b| b.alive).collect();
        // Brokers with network in and disk left for a follower's fetch, as bits (kept up to
        // date as copies spend them; a broker past the 128th is never held back).
        let receiving = std::cell::Cell::new(
            self.loads
                .iter()
                .enumerate()
                .fold(0u128, |m, (i, l)| m | ((l.can_receive() as u128) << (i % 128))),
        );
        // Kafka's fetcher thread asks for its partitions in the order of its `PartitionStates`
        // (a `LinkedHashMap`) and the leader fills the response in that order up to its size
        // limit; `AbstractFetcherThread.processFetchRequest` then moves each partition that got
        // records to the end (`updateAndMoveToEnd`), so a partition left out gets the next
        // turn. Here the brokers' budgets are the limit: partitions go in `replica_order`,
        // and once a budget has refused a fetch, those that copied move to the end.
        let mut order = std::mem::take(&mut self.replica_order);
        self.sync_replica_order(&mut order);
        let refused = std::cell::Cell::new(false);
        let mut moved = std::mem::take(&mut self.replica_moved);
        moved.clear();
        moved.resize(order.len(), false);
        for (k, &(ti, pi)) in order.iter().enumerate() {
            let (ti, pi) = (ti as usize, pi as usize);
            {
                let t = &mut self.topics[ti];
                let part = &mut t.partitions[pi];
                let copied_any = std::cell::Cell::new(false);
                let (copied, followers) = if part.replicas.len() > 1 {
                    // Within the brokers' budgets (`capacity.rs`): the leader's network out,
                    // each follower's network in and disk.
                    let loads = &mut self.loads;
                    let leader = part.leader_broker().unwrap_or(0) as usize;
                    let sending = loads[leader].can_send();
                    let receiving = &receiving;
                    part.replicate_within(
                        now,
                        delay_us,
                        lag_max_us,
                        &alive,
                        |b| {
                            let ok = sending && (b >= 128 || receiving.get() & (1 << b) != 0);
                            refused.set(refused.get() || !ok);
                            ok
                        },
                        |b, bytes| {
                            copied_any.set(true);
                            loads[leader].spend_out(bytes);
                            let l = &mut loads[b as usize];
                            l.spend_in_and_disk(bytes);
                            if !l.can_receive() && b < 128 {
                                receiving.set(receiving.get() & !(1 << b));
                            }
                        },
                    )
                } else {
                    let leo = part.log.log_end_offset();
                    if part.leader.is_some() {
                        part.log.set_high_watermark(leo);
                    }
                    (0, 0)
                };
                moved[k] = copied_any.get();
                let leader_broker = part.leader_broker().unwrap_or(0);
                let min_isr = t.min_insync_replicas;
                let isr_below_min = (part.isr.len() as u32) < min_isr;
                // Kafka's DelayedProduce completes through
                // Partition.checkEnoughReplicasReachOffset: once the high watermark passes a
                // request it is answered, OK only with at least min.insync.replicas in the ISR,
                // else NOT_ENOUGH_REPLICAS_AFTER_APPEND.
                // The first request waits while the high watermark is below its end (Waiting
                // in `acks_all_check`), read from the dense `pending_head`.
                while part.log.high_watermark() >= t.pending_head[pi] {
                    let a = t.pending[pi][0];
                    let check = part.acks_all_check(a.end_offset, min_isr);
                    debug_assert!(check != AckCheck::Waiting, "the head is past the watermark");
                    let (queue, head) = (&mut t.pending[pi], &mut t.pending_head[pi]);
                    queue.pop_front(); // `Topic::pop_pending`, field by field (`part` is held)
                    *head = queue.front().map_or(u64::MAX, |a| a.end_offset);
                    let ok = check == AckCheck::Done;
                    if ok && isr_below_min {
                        self.counters.acks_all_ok_below_min_isr += a.out.batch.count as u64;
                    }
                    if !ok {
                        self.counters.not_enough_replicas_after_append += a.out.batch.count as u64;
                    }
                    let (loads, brokers) = (&mut self.loads, &self.brokers);
                    let r = Request {
                        producer: a.producer,
                        topic: ti as u16,
                        // Refused after the append: the records are in the log, so a retry
                        // duplicates them unless the producer is idempotent.
                        out: Outgoing { in_log: a.out.in_log || !ok, ..a.out },
                        due_us: now + delay_us,
                        answer: if ok { Answer::Ok } else { Answer::Retriable },
                        from_broker: leader_broker,
                        end_offset: a.end_offset,
                        // Ready now: the time since it was handled is `RemoteTimeMs`.
                        t: Timing { ready_ms: capacity::ms(now), ..a.t },
                    };
                    capacity::respond_to(loads, brokers, &mut self.to_producer, now, delay32, r);
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
        if refused.get() {
            // A stable split: those left out keep their order at the front, those that
            // copied follow in the order they copied (each `updateAndMoveToEnd` appends).
            let pick = |m: bool| order.iter().zip(&moved).filter(move |p| *p.1 == m);
            let rotated: Vec<(u16, u32)> = pick(false).chain(pick(true)).map(|p| *p.0).collect();
            order = rotated;
        }
        self.replica_order = order;
        self.replica_moved = moved;
    }

    /// Brings `order` in line with the topics: every partition once, a new one at the end
    /// (as `AbstractFetcherThread.addPartitions` appends to `PartitionStates`).
    fn sync_replica_order(&self, order: &mut Vec<(u16, u32)>) {
        let total: usize = self.topics.iter().map(|t| t.partitions.len()).sum();
        if order.len() == total {
            return;
        }
        let mut seen: Vec<Vec<bool>> =
            self.topics.iter().map(|t| vec![false; t.partitions.len()]).collect();
        order.retain(|&(ti, pi)| {
            let slot = seen.get_mut(ti as usize).and_then(|t| t.get_mut(pi as usize));
            slot.is_some_and(|s| !std::mem::replace(s, true))
        });
        for (ti, t) in seen.iter().enumerate() {
            for (pi, &s) in t.iter().enumerate() {
                if !s {
                    order.push((ti as u16, pi as u32));
                }
            }
        }
    }

    /// Phase 5: answers reach producers (Kafka's `Sender.completeBatch`): acknowledgements
    /// free buffer memory; errors are retried after `retry.backoff.ms` while retries and
    /// `delivery.timeout.ms` allow, else the batch fails.
    #[inline(never)] // its own frame in a profile (BENCHMARKS.md)
    pub(super) fn acks_return(&mut self) {
        let now = self.now_us;
        while self.to_producer.front().is_some_and(|r| r.due_us <= now) {
            let r = self.to_producer.pop_front().expect("front checked");
            let failed = self.producers[r.producer as usize].answered(now, r.out, r.answer);
            if failed > 0 {
                let e = TrafficEvent::SendFailed { producer: r.producer, records: failed };
                self.push_event(e);
            }
        }
    }
}
