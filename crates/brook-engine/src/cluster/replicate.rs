//! Phases 4-5 of a step: followers copy from leaders, the ISR and high watermarks move and
//! acks=all requests below the high watermark are answered (an error if the ISR is below
//! `min.insync.replicas`); answers reach producers, which free buffer memory or retry.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use super::{
    capacity::{self, Timing},
    Cluster, Request,
};
use crate::event::TrafficEvent;
use crate::producer::{Answer, Outgoing};
use crate::replication::{AckCheck, FetchTiming};

/// Phase 4's schedule: which partitions the step visits. At production's 16,384 partitions a
/// walk over all of them every step was most of the phase, though few have anything to do.
/// A partition whose followers have copied everything, with nothing to answer
/// ([`Partition::quiet`](crate::replication::Partition::quiet)), is left alone until its leader
/// appends ([`Cluster::replica_due`]) or the cluster changes ([`Cluster::settle_replicas`]); at
/// its next visit [`Partition::settle`](crate::replication::Partition::settle) first makes the
/// empty fetches its followers made meanwhile. A partition waiting for a follower's fetch
/// sleeps until the step it arrives
/// ([`Partition::next_due`](crate::replication::Partition::next_due)). Each visit does what a
/// visit every step would have done: the same run, the same trace hash
/// (`tests/replica_schedule.rs`).
#[derive(Clone, Debug, Default)]
pub(super) struct ReplicaSchedule {
    /// Index of each topic's first partition in the flat numbering (topic by topic).
    base: Vec<u32>,
    /// Position in `replica_order` of each partition, by flat index.
    pos: Vec<u32>,
    /// Bit per position in `replica_order`: visit this partition at the next phase 4.
    due: Vec<u64>,
    /// By flat index, the step at which the partition was found quiet (`u64::MAX`: it is not).
    quiet_since: Vec<u64>,
    /// By flat index, the step a sleeping partition is next due ([`Partition::next_due`];
    /// `u64::MAX`: it is not asleep).
    wake_at: Vec<u64>,
    /// Sleeping partitions by the step they are due, flat indices (entries whose `wake_at`
    /// has changed since are stale and skipped).
    wakes: BinaryHeap<Reverse<(u64, u32)>>,
    /// Whether partitions are left quiet or asleep at all: with fewer than
    /// [`LAZY_PARTITIONS_MIN`] partitions, each busy most steps, the bookkeeping costs more
    /// than the visits it saves (the stress preset's 64: 9% more instructions).
    lazy: bool,
    /// Tests set `lazy` whatever the number of partitions.
    lazy_forced: Option<bool>,
    /// Whether there are at least [`PREFETCH_PARTITIONS_MIN`] partitions.
    many: bool,
}

/// Fewest partitions for which loops over them load ahead ([`crate::prefetch`]): production's
/// 16,384 are far out of the cache (10% faster); wide-topic's 1,024 stay in it, and loading
/// ahead only costs (5% slower).
const PREFETCH_PARTITIONS_MIN: u32 = 4_096;

/// Fewest partitions for which phase 4 leaves quiet and sleeping partitions alone (the
/// wide-topic preset's 1,024: 20% fewer instructions; production's 16,384).
const LAZY_PARTITIONS_MIN: u32 = 256;

impl ReplicaSchedule {
    /// Numbers the partitions of `topics` and places them as `order` does; all due, none quiet.
    fn rebuild(&mut self, topics: &[super::Topic], order: &[(u16, u32)]) {
        debug_assert!(self.quiet_since.iter().all(|&q| q == u64::MAX), "settled first");
        debug_assert!(self.wake_at.iter().all(|&q| q == u64::MAX), "settled first");
        self.base.clear();
        let mut n = 0u32;
        for t in topics {
            self.base.push(n);
            n += t.partitions.len() as u32;
        }
        self.lazy = self.lazy_forced.unwrap_or(n >= LAZY_PARTITIONS_MIN);
        self.many = n >= PREFETCH_PARTITIONS_MIN;
        self.quiet_since.clear();
        self.quiet_since.resize(n as usize, u64::MAX);
        self.wake_at.clear();
        self.wake_at.resize(n as usize, u64::MAX);
        self.wakes.clear();
        self.place(order);
    }

    /// Positions after `order` changed; a partition neither quiet nor asleep is due.
    fn place(&mut self, order: &[(u16, u32)]) {
        self.pos.resize(order.len(), 0);
        self.due.clear();
        self.due.resize(order.len().div_ceil(64), 0);
        for (k, &(ti, pi)) in order.iter().enumerate() {
            let flat = (self.base[ti as usize] + pi) as usize;
            self.pos[flat] = k as u32;
            if self.quiet_since[flat] == u64::MAX && self.wake_at[flat] == u64::MAX {
                self.due[k / 64] |= 1 << (k % 64);
            }
        }
    }

    /// The first due position at or after `k`.
    fn next_due(&self, k: usize) -> Option<usize> {
        let mut w = k / 64;
        let mut bits = *self.due.get(w)? & (u64::MAX << (k % 64));
        while bits == 0 {
            w += 1;
            bits = *self.due.get(w)?;
        }
        Some(w * 64 + bits.trailing_zeros() as usize)
    }

    /// Sleeping partitions due at `now_us` become due.
    fn wake(&mut self, now_us: u64) {
        while let Some(&Reverse((at, flat))) = self.wakes.peek() {
            if at > now_us {
                break;
            }
            self.wakes.pop();
            let flat = flat as usize;
            if self.wake_at.get(flat) == Some(&at) {
                self.wake_at[flat] = u64::MAX;
                self.mark_due(flat);
            }
        }
    }

    /// Partition `flat` (the flat numbering) is visited at the next phase 4.
    fn mark_due(&mut self, flat: usize) {
        let k = self.pos[flat] as usize;
        self.due[k / 64] |= 1 << (k % 64);
    }

    fn flat(&self, ti: usize, pi: usize) -> Option<usize> {
        let flat = *self.base.get(ti)? as usize + pi;
        (flat < self.pos.len()).then_some(flat)
    }
}

/// Phase 4's look-ahead: the positions of the next partitions to visit, so that their state
/// is loaded before the visit ([`crate::prefetch`]). Each is loaded twice: the partition when
/// it is [`AHEAD_VISITS`] visits away, what it points to half that distance away.
#[derive(Default)]
struct Ahead {
    /// Positions found so far, in order, all after the current one: a ring of
    /// [`AHEAD_VISITS`] (`len` of them from `head`), which a step neither allocates nor frees.
    ring: [usize; AHEAD_VISITS],
    head: usize,
    len: usize,
    /// Where the search for the next position goes on.
    from: usize,
}

/// Visits ahead that phase 4 starts loading a partition.
const AHEAD_VISITS: usize = 8;

impl Ahead {
    /// The visit is at position `k`: positions up to it leave; new ones are found with
    /// `next` (the first to visit at or after a position) until [`AHEAD_VISITS`] are held;
    /// `load(position, first)` starts loading each (`first`: the partition itself).
    fn advance(
        &mut self,
        k: usize,
        next: impl Fn(usize) -> Option<usize>,
        mut load: impl FnMut(usize, bool),
    ) {
        while self.len > 0 && self.ring[self.head] <= k {
            self.head = (self.head + 1) % AHEAD_VISITS;
            self.len -= 1;
        }
        self.from = self.from.max(k + 1);
        while self.len < AHEAD_VISITS {
            let Some(a) = next(self.from) else { break };
            load(a, true);
            self.ring[(self.head + self.len) % AHEAD_VISITS] = a;
            self.len += 1;
            self.from = a + 1;
        }
        if self.len > AHEAD_VISITS / 2 {
            load(self.ring[(self.head + AHEAD_VISITS / 2) % AHEAD_VISITS], false);
        }
    }
}

impl Cluster {
    /// Whether the partitions are many enough to be out of the cache, so that loops over them
    /// load ahead ([`crate::prefetch`]; [`PREFETCH_PARTITIONS_MIN`]).
    pub(super) fn many_partitions(&self) -> bool {
        self.replica_schedule.many
    }

    /// For tests: phase 4 visits every partition every step, leaving none quiet or asleep
    /// (`false`), or only those where something happens (`true`), whatever the number of
    /// partitions (the run must be the same). Before the first step.
    #[doc(hidden)]
    pub fn visit_partitions_lazily(&mut self, lazy: bool) {
        self.replica_schedule.lazy_forced = Some(lazy);
    }

    /// For tests: every partition, topic by topic, as visiting each one every step would have
    /// left it (the quiet ones' fetches made, the sleeping ones' leaders caught up).
    #[doc(hidden)]
    pub fn partitions_settled(&self) -> Vec<crate::replication::Partition> {
        let mut c = self.clone();
        c.settle_replicas(c.now_us);
        c.topics.iter().flat_map(|t| t.partitions.iter().cloned()).collect()
    }

    /// The cluster's follower fetch settings, in us.
    fn fetch_timing(&self) -> FetchTiming {
        let c = &self.scenario.cluster;
        FetchTiming {
            delay_us: c.network_delay_us as u64,
            wait_us: c.replica_fetch_wait_max_ms as u64 * 1000,
            lag_max_us: c.replica_lag_time_max_ms as u64 * 1000,
        }
    }

    /// Partition `ti`/`pi` changed (an append, an acks=all request to answer): phase 4 visits
    /// it at its next run.
    pub(super) fn replica_due(&mut self, ti: usize, pi: usize) {
        let s = &mut self.replica_schedule;
        if let Some(flat) = s.flat(ti, pi) {
            s.mark_due(flat);
        }
    }

    /// Before anything but an append changes partitions or brokers (commands, elections):
    /// every quiet partition makes the fetches it left for later, up to `upto_us`, the last
    /// step whose phase 4 ran, and is due again.
    pub(super) fn settle_replicas(&mut self, upto_us: u64) {
        let timing = self.fetch_timing();
        let s = &mut self.replica_schedule;
        for (ti, t) in self.topics.iter_mut().enumerate() {
            for (pi, part) in t.partitions.iter_mut().enumerate() {
                let Some(flat) = s.flat(ti, pi) else { continue };
                let since = std::mem::replace(&mut s.quiet_since[flat], u64::MAX);
                let asleep = std::mem::replace(&mut s.wake_at[flat], u64::MAX) != u64::MAX;
                if since != u64::MAX {
                    part.settle(since, upto_us, timing);
                } else if asleep {
                    part.settle_leader(upto_us);
                }
                if since != u64::MAX || asleep {
                    s.mark_due(flat);
                }
            }
        }
    }

    /// Phase 4: followers copy from leaders; ISR and high watermarks move; acks=all requests
    /// whose records are now committed are answered: OK with at least `min.insync.replicas` in
    /// the ISR, else `NOT_ENOUGH_REPLICAS_AFTER_APPEND` (retried by the producer). Only the
    /// partitions [`ReplicaSchedule`] holds due are visited while no broker's budget runs
    /// out; from the first that does, all (a quiet partition's empty fetch might be refused).
    #[inline(never)] // its own frame in a profile (BENCHMARKS.md)
    pub(super) fn replicate(&mut self) {
        let now = self.now_us;
        let delay32 = self.scenario.cluster.network_delay_us;
        let timing = self.fetch_timing();
        let FetchTiming { delay_us, lag_max_us, .. } = timing;
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
        let mut sched = std::mem::take(&mut self.replica_schedule);
        if self.sync_replica_order(&mut order) || sched.pos.len() != order.len() {
            sched.rebuild(&self.topics, &order);
        }
        sched.wake(now);
        let refused = std::cell::Cell::new(false);
        let mut moved = std::mem::take(&mut self.replica_moved);
        moved.clear();
        moved.resize(order.len(), false);
        // Every partition once a budget is out: budgets only shrink in this phase, so until
        // then every fetch of a quiet partition would have gone.
        let spent_out = |l: &capacity::BrokerLoad| !l.can_send() || !l.can_receive();
        let mut every = !sched.lazy || self.loads.iter().any(spent_out);
        let mut k = 0;
        // The next positions to visit, loaded ahead ([`crate::prefetch`]): `ahead` holds
        // positions after `k` whose partitions have started loading, oldest first. Only with
        // many partitions: fewer stay in the cache (stress's 64 ran 4% slower for it).
        let mut ahead = Ahead::default();
        while k < order.len() {
            if !every {
                match sched.next_due(k) {
                    Some(due) => k = due,
                    None => break,
                }
            }
            if sched.many {
                let next = |from: usize| {
                    if every {
                        (from < order.len()).then_some(from)
                    } else {
                        sched.next_due(from)
                    }
                };
                ahead.advance(k, next, |a, first| {
                    if let Some(&(ti, pi)) = order.get(a) {
                        self.topics[ti as usize].prefetch_partition(pi as usize, first);
                    }
                });
            }
            let (ti, pi) = (order[k].0 as usize, order[k].1 as usize);
            let flat = (sched.base[ti] + pi as u32) as usize;
            // Whether a budget ran out here (only looked at while partitions are skipped).
            let out = std::cell::Cell::new(false);
            let watch = !every;
            {
                let t = &mut self.topics[ti];
                let part = &mut t.partitions[pi];
                if sched.lazy {
                    let since = std::mem::replace(&mut sched.quiet_since[flat], u64::MAX);
                    if since != u64::MAX {
                        part.settle(since, now - super::TICK_US, timing);
                    }
                    sched.wake_at[flat] = u64::MAX; // a sleeping one's leader is caught up below
                }
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
                        timing,
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
                            if watch {
                                let spent = spent_out(&loads[b as usize]);
                                out.set(out.get() || spent || spent_out(&loads[leader]));
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
                    let b = r.t.broker as usize;
                    capacity::respond_to(loads, brokers, &mut self.to_producer, now, delay32, r);
                    if watch {
                        out.set(out.get() || loads.get(b).is_some_and(spent_out));
                    }
                }
                if sched.lazy {
                    let quiet = if part.replicas.len() > 1 {
                        part.quiet(now, &alive)
                    } else {
                        part.leader.is_some()
                            && part.log.high_watermark() == part.log.log_end_offset()
                    };
                    let bit = 1u64 << (k % 64);
                    if quiet {
                        sched.quiet_since[flat] = now;
                        sched.due[k / 64] &= !bit;
                    } else if let Some(at) = part.next_due(now, lag_max_us, &alive) {
                        sched.wake_at[flat] = at;
                        sched.wakes.push(Reverse((at, flat as u32)));
                        sched.due[k / 64] &= !bit;
                    } else {
                        sched.due[k / 64] |= bit;
                    }
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
            every |= out.get();
            k += 1;
        }
        if refused.get() {
            // A stable split: those left out keep their order at the front, those that
            // copied follow in the order they copied (each `updateAndMoveToEnd` appends).
            let pick = |m: bool| order.iter().zip(&moved).filter(move |p| *p.1 == m);
            let rotated: Vec<(u16, u32)> = pick(false).chain(pick(true)).map(|p| *p.0).collect();
            order = rotated;
            sched.place(&order);
        }
        self.replica_order = order;
        self.replica_schedule = sched;
        self.replica_moved = moved;
    }

    /// Brings `order` in line with the topics: every partition once, a new one at the end
    /// (as `AbstractFetcherThread.addPartitions` appends to `PartitionStates`).
    /// Returns whether it changed.
    fn sync_replica_order(&self, order: &mut Vec<(u16, u32)>) -> bool {
        let total: usize = self.topics.iter().map(|t| t.partitions.len()).sum();
        if order.len() == total {
            return false;
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
        true
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_look_ahead_loads_each_partition_to_visit_before_its_visit_and_once() {
        // Positions due among 0..100: every third one, as phase 4's bits might hold them.
        let due: Vec<usize> = (0..100).filter(|p| p % 3 == 1).collect();
        let next = |from: usize| due.iter().copied().find(|&p| p >= from);
        let mut ahead = Ahead::default();
        let (mut first, mut second) = (Vec::new(), Vec::new());
        for &k in &due {
            ahead.advance(k, next, |a, f| if f { first.push((a, k)) } else { second.push((a, k)) });
            assert!(ahead.len <= AHEAD_VISITS);
        }
        // Every due position after the first is loaded once, before the visit to it, and
        // never one that is not due.
        let loaded: Vec<usize> = first.iter().map(|&(a, _)| a).collect();
        assert_eq!(loaded, due[1..].to_vec());
        assert!(first.iter().all(|&(a, at)| a > at));
        // The partition itself AHEAD_VISITS visits away, then what it points to half as far.
        let visits_between =
            |a: usize, at: usize| due.iter().filter(|&&p| p > at && p <= a).count();
        assert!(first[AHEAD_VISITS..].iter().all(|&(a, at)| visits_between(a, at) == AHEAD_VISITS));
        assert!(second.iter().all(|&(a, at)| visits_between(a, at) == AHEAD_VISITS / 2 + 1));
        assert_eq!(second.len(), due.len() - AHEAD_VISITS / 2 - 1);
    }
}
