//! Phases 8-12 of a step: groups rebalance; consumer group members poll and process; share
//! group members acquire, accept or release; brokers push to subscribers; auto-commits.

use super::{create_us, push_bounded, views, Cluster, TICK_US};
use crate::event::TrafficEvent;
use crate::group::Fetch;
use crate::metrics::{Marker, MarkerKind};
use crate::push::Incident;
use crate::reader::ReaderKind;
use crate::vocab::{Chunk, Tp};

impl Cluster {
    /// Phase 8: session expiry and rebalance rounds.
    #[inline(never)] // its own frame in a profile (BENCHMARKS.md)
    pub(super) fn groups_upkeep(&mut self) {
        let views = views(&self.topics);
        for (gi, g) in self.groups.iter_mut().enumerate() {
            let before = g.stats.rebalances;
            g.upkeep(self.now_us, TICK_US, &views);
            if g.stats.rebalances > before {
                let e = TrafficEvent::Rebalance { group: gi as u16 };
                push_bounded(&mut self.events, &mut self.events_dropped, e);
                let (kind, subject) = (MarkerKind::Rebalance, g.spec.name.clone());
                self.markers.push(Marker { t_ms: self.now_us / 1000, kind, subject });
            }
        }
    }

    /// Phase 9: members poll (fetch requests, long polls, answers) and process records.
    #[inline(never)] // its own frame in a profile (BENCHMARKS.md)
    pub(super) fn consumers_fetch_and_process(&mut self) {
        for gi in 0..self.groups.len() {
            for mi in 0..self.groups[gi].members.len() {
                self.advance_fetch(gi, mi);
                self.process(gi, mi);
            }
        }
    }

    pub(super) fn advance_fetch(&mut self, gi: usize, mi: usize) {
        let now = self.now_us;
        let delay_us = self.scenario.cluster.network_delay_us as u64;
        let g = &mut self.groups[gi];
        let m = &g.members[mi];
        if m.crashed_us.is_some() {
            return;
        }
        match m.fetch {
            None => {
                if m.assigned.is_empty() || !m.inbox.is_empty() {
                    return;
                }
                g.members[mi].fetch = Some(Fetch::ToBroker { at_us: now + delay_us });
                g.stats.fetches += 1;
                self.push_event(TrafficEvent::FetchRequest { group: gi as u16, member: mi as u32 });
            }
            Some(Fetch::ToBroker { at_us }) if at_us <= now => {
                let wait_us = g.spec.fetch_max_wait_ms as u64 * 1000;
                g.members[mi].fetch = Some(Fetch::Waiting { deadline_us: now + wait_us });
                self.answer_fetch(gi, mi);
            }
            Some(Fetch::Waiting { .. }) => self.answer_fetch(gi, mi),
            Some(Fetch::ToMember { at_us }) if at_us <= now => {
                g.deliver(mi, now, &mut self.rng);
                g.members[mi].fetch = None;
            }
            Some(_) => {}
        }
    }

    /// The broker side of a fetch: records up to `max.poll.records` from the member's partitions,
    /// or, with none, hold the request until `fetch.max.wait.ms`.
    pub(super) fn answer_fetch(&mut self, gi: usize, mi: usize) {
        let now = self.now_us;
        let delay_us = self.scenario.cluster.network_delay_us as u64;
        let Some(Fetch::Waiting { deadline_us }) = self.groups[gi].members[mi].fetch else {
            return;
        };
        let (count, start) = self.groups[gi].fetch_order(mi);
        let mut room = self.groups[gi].spec.max_poll_records as u64;
        let mut got = 0u64;
        // The broker that served the fetch (the first with records) and the bytes it sent.
        let mut served: Option<(usize, u64)> = None;
        for k in 0..count {
            if room == 0 {
                break;
            }
            let tp = self.groups[gi].members[mi].assigned[(start + k) % count];
            let part = &self.topics[tp.topic as usize].partitions[tp.partition as usize];
            let log = &part.log;
            // Nothing to read here (most partitions of a waiting fetch, each step): passed over
            // before the leader's replica list, another cache line per partition, is read.
            if self.groups[gi].read_up_to(tp, log.log_start_offset(), log.high_watermark()) {
                continue;
            }
            let Some(leader) = part.leader_broker().filter(|&l| self.brokers[l as usize].alive)
            else {
                continue; // no reachable leader: nothing from this partition
            };
            if !self.loads[leader as usize].can_send() {
                continue; // its network out is spent this step: nothing from it yet
            }
            let g = &mut self.groups[gi];
            let from = g.start_position(tp, log.log_start_offset(), log.high_watermark());
            // Straight into the member's buffer (kept from one fetch to the next).
            let arriving = &mut g.members[mi].arriving;
            // The bytes sent: whole batches as they are, a part of one pro rata.
            let mut bytes = 0u64;
            let to = log.read_committed(from, room, |b, a, z| {
                bytes += match z - a {
                    n if n == b.count as u64 => b.bytes as u64,
                    n => n * b.bytes as u64 / b.count.max(1) as u64,
                };
                arriving.push(Chunk { tp, from: a, to: z, batch: *b, cost_us: 0.0 });
            });
            let n = to - from;
            if n == 0 {
                continue;
            }
            g.set_position(tp, to);
            self.loads[leader as usize].spend_out(bytes);
            let s = served.get_or_insert((leader as usize, 0));
            if s.0 == leader as usize {
                s.1 += bytes;
            }
            if let Some(f) = self.follow.as_deref_mut() {
                f.fetched(gi, mi as u32, tp, from, to, now);
            }
            room -= n;
            got += n;
            self.push_event(TrafficEvent::FetchResponse {
                group: gi as u16,
                member: mi as u32,
                topic: tp.topic,
                partition: tp.partition,
                records: n as u32,
            });
        }
        let g = &mut self.groups[gi];
        if got > 0 || now >= deadline_us {
            let arrived_us = deadline_us - g.spec.fetch_max_wait_ms as u64 * 1000;
            self.fetch_answered(served, now - arrived_us);
            let g = &mut self.groups[gi];
            if got == 0 {
                g.stats.empty_fetches += 1;
                self.push_event(TrafficEvent::EmptyFetch { group: gi as u16, member: mi as u32 });
            }
            self.groups[gi].members[mi].fetch = Some(Fetch::ToMember { at_us: now + delay_us });
        }
    }

    pub(super) fn process(&mut self, gi: usize, mi: usize) {
        let now = self.now_us;
        let latency = &mut self.latency;
        let follow = &mut self.follow;
        let g = &mut self.groups[gi];
        let dup_before = g.stats.duplicate_records;
        let mut mine = g.latency.take();
        let n = g.process(mi, TICK_US, |c, from, to| {
            let mid = from + (to - from - 1) / 2;
            let us = now.saturating_sub(c.batch.create_us_at(mid));
            latency.record(us, to - from);
            mine.record(us, to - from);
            if let Some(f) = follow.as_deref_mut() {
                f.processed(ReaderKind::Group, gi, mi as u32, (c.tp, from, to), now);
            }
        });
        g.latency = mine;
        self.processed_in_sample += n;
        let dups = self.groups[gi].stats.duplicate_records - dup_before;
        if dups > 0 {
            self.push_event(TrafficEvent::Duplicate {
                group: gi as u16,
                member: mi as u32,
                records: dups,
            });
        }
    }

    /// Phase 10: expired locks make records available again; share group members acquire
    /// records under locks, process them, and accept, release or reject them (refused when the
    /// lock expired first).
    #[inline(never)] // its own frame in a profile (BENCHMARKS.md)
    pub(super) fn share_groups_acquire_and_process(&mut self) {
        let now = self.now_us;
        for si in 0..self.share_groups.len() {
            let archived_before = self.share_groups[si].stats.archived_records;
            self.share_groups[si].expire_locks(now);
            let parts = self.readable_partitions(&self.share_groups[si].topics.clone());
            for mi in 0..self.share_groups[si].members.len() {
                if self.share_groups[si].members[mi].crashed {
                    continue;
                }
                self.share_fetch(si, mi, &parts);
                let latency = &mut self.latency;
                let follow = &mut self.follow;
                let g = &mut self.share_groups[si];
                let refused_before = g.stats.failed_ack_records;
                let mut mine = g.latency.take();
                let n = g.process(mi, TICK_US, &mut self.rng, |a, finished, acked| {
                    if finished {
                        latency.record(now.saturating_sub(a.create_us), 1);
                        mine.record(now.saturating_sub(a.create_us), 1);
                    }
                    if let Some(f) =
                        follow.as_deref_mut().filter(|f| f.covers(a.tp, a.offset, a.offset + 1))
                    {
                        f.share_done(si, mi as u32, finished, acked, now);
                    }
                });
                g.latency = mine;
                self.processed_in_sample += n;
                let refused = self.share_groups[si].stats.failed_ack_records - refused_before;
                if refused > 0 {
                    let (share, member) = (si as u16, mi as u32);
                    self.push_event(TrafficEvent::AckRefused { share, member, records: refused });
                }
            }
            let dead = self.share_groups[si].stats.archived_records - archived_before;
            if dead > 0 {
                self.push_event(TrafficEvent::Archived { share: si as u16, records: dead });
            }
        }
    }

    /// A share member with nothing held sends a fetch; when it arrives, the member acquires
    /// records from `parts` (partition, log start, high watermark).
    fn share_fetch(&mut self, si: usize, mi: usize, parts: &[(Tp, u64, u64)]) {
        let now = self.now_us;
        let delay_us = self.scenario.cluster.network_delay_us as u64;
        let m = &mut self.share_groups[si].members[mi];
        match m.fetch_due_us {
            None if m.held.is_empty() && !parts.is_empty() => {
                m.fetch_due_us = Some(now + delay_us);
                return;
            }
            Some(due) if due <= now => m.fetch_due_us = None,
            _ => return,
        }
        let topics = &self.topics;
        let create = |tp: Tp, o: u64| create_us(topics, tp, o);
        let g = &mut self.share_groups[si];
        let before = g.stats.redelivered_records;
        let got = g.acquire(mi, now, parts, &create);
        if let Some(f) = self.follow.as_deref_mut() {
            // The records just acquired are the last `got` ones the member holds.
            let n: u64 = got.iter().map(|x| x.1).sum();
            let held = &g.members[mi].held;
            let mut new = held.iter().skip(held.len().saturating_sub(n as usize));
            if let Some(a) = new.rfind(|a| f.covers(a.tp, a.offset, a.offset + 1)) {
                f.share_acquired(si, mi as u32, a.delivery, now);
            }
        }
        let (share, member) = (si as u16, mi as u32);
        let again = g.stats.redelivered_records - before;
        if again > 0 {
            self.push_event(TrafficEvent::Redelivered { share, member, records: again });
        }
        for (tp, records) in got {
            self.push_event(TrafficEvent::ShareFetch {
                share,
                member,
                topic: tp.topic,
                partition: tp.partition,
                records: records as u32,
            });
        }
    }

    /// Phase 11: brokers push committed records to subscriptions (see `push.rs` for the three
    /// push models): crashed consumers restart and disconnected subscribers reconnect when
    /// due; requeued deliveries go first; then new records within the consumers' credit (a
    /// disconnected Redis subscriber misses them); then the model's limits apply (a RabbitMQ
    /// client out of memory dies, a Redis subscriber over its output buffer limit is cut off)
    /// and the consumers process.
    #[inline(never)] // its own frame in a profile (BENCHMARKS.md)
    pub(super) fn brokers_push_and_subscribers_process(&mut self) {
        let now = self.now_us;
        let at = now + self.scenario.cluster.network_delay_us as u64;
        let mut incidents = Vec::new();
        for si in 0..self.subscriptions.len() {
            let subscription = si as u16;
            incidents.clear();
            self.subscriptions[si].upkeep(now, &mut incidents);
            self.push_incidents(subscription, &incidents);
            let mut sent: Vec<(u32, Tp, u64, bool)> = Vec::new();
            // The followed record, if any: deliveries of it are told to the follow below.
            let rec = self.follow.as_ref().and_then(|f| f.record);
            let mut hits: Vec<(u32, bool)> = Vec::new();
            let mut traced = |m: u32, c: &Chunk, again: bool| {
                if rec.is_some_and(|(tp, o)| c.tp == tp && c.from <= o && o < c.to) {
                    hits.push((m, again));
                }
            };
            self.subscriptions[si].push_requeued(at, |m, c, n| {
                sent.push((m, c.tp, n, true));
                traced(m, c, true);
            });
            let parts = self.readable_partitions(&self.subscriptions[si].topics.clone());
            for (tp, log_start, hw) in parts {
                let sub = &mut self.subscriptions[si];
                let from = sub.cursor(tp).max(log_start);
                if from >= hw {
                    continue;
                }
                if sub.disconnected() {
                    sub.miss(tp, from, hw);
                    continue;
                }
                let credit = sub.credit();
                if credit == 0 {
                    continue;
                }
                let log = &self.topics[tp.topic as usize].partitions[tp.partition as usize].log;
                let mut chunks = Vec::new();
                log.read_committed(from, credit, |b, a, z| {
                    chunks.push(Chunk { tp, from: a, to: z, batch: *b, cost_us: 0.0 });
                });
                let mut dropped = 0;
                for c in chunks {
                    dropped += sub.push(c, at, |m, c, n| {
                        sent.push((m, c.tp, n, false));
                        traced(m, c, false);
                    });
                }
                if dropped > 0 {
                    let e = TrafficEvent::PushDropped { subscription, records: dropped };
                    self.push_event(e);
                }
            }
            if let Some(f) = self.follow.as_deref_mut() {
                for (m, again) in hits {
                    f.pushed(si, m, again, now);
                }
            }
            self.push_sent(subscription, &sent);
            let sub = &mut self.subscriptions[si];
            sub.receive(now, &mut self.rng);
            incidents.clear();
            sub.enforce_limits(now, &mut incidents);
            self.push_incidents(subscription, &incidents);
            let latency = &mut self.latency;
            let follow = &mut self.follow;
            let sub = &mut self.subscriptions[si];
            let mut mine = sub.latency.take();
            let n = sub.process(TICK_US, |k, c, from, to| {
                let mid = from + (to - from - 1) / 2;
                let us = now.saturating_sub(c.batch.create_us_at(mid));
                latency.record(us, to - from);
                mine.record(us, to - from);
                if let Some(f) = follow.as_deref_mut() {
                    f.processed(ReaderKind::Push, si, k, (c.tp, from, to), now);
                }
            });
            sub.latency = mine;
            self.processed_in_sample += n;
        }
    }

    /// Push events for a step's deliveries, merged per consumer and partition (redeliveries of
    /// requeued records apart).
    fn push_sent(&mut self, subscription: u16, sent: &[(u32, Tp, u64, bool)]) {
        let mut merged: Vec<(u32, Tp, u64, bool)> = Vec::new();
        for &(m, tp, n, again) in sent {
            match merged.iter_mut().find(|x| x.0 == m && x.1 == tp && x.3 == again) {
                Some(x) => x.2 += n,
                None => merged.push((m, tp, n, again)),
            }
        }
        for (member, tp, records, again) in merged {
            if again {
                self.push_event(TrafficEvent::PushRedelivered { subscription, member, records });
            }
            self.push_event(TrafficEvent::Push {
                subscription,
                member,
                topic: tp.topic,
                partition: tp.partition,
                records: records.min(u32::MAX as u64) as u32,
            });
        }
    }

    fn push_incidents(&mut self, subscription: u16, incidents: &[Incident]) {
        for &i in incidents {
            let e = match i {
                Incident::Crashed { member, requeued } => {
                    let subject = self.subscriptions[subscription as usize].spec.name.clone();
                    let kind = MarkerKind::MemberCrash;
                    self.mark(kind, subject);
                    TrafficEvent::SubscriberCrashed { subscription, member, requeued }
                }
                Incident::Disconnected { lost } => {
                    TrafficEvent::SubscriberDisconnected { subscription, lost }
                }
                Incident::Back { member, missed } => {
                    TrafficEvent::SubscriberBack { subscription, member, missed }
                }
            };
            self.push_event(e);
        }
    }

    /// Whether the leader of `tp` is up, so it can serve reads.
    pub(super) fn readable(&self, tp: Tp) -> bool {
        let part = &self.topics[tp.topic as usize].partitions[tp.partition as usize];
        part.leader_broker().is_some_and(|l| self.brokers[l as usize].alive)
    }

    /// Every partition of `topics` that can serve reads, with its log start and high watermark.
    pub(super) fn readable_partitions(&self, topics: &[u16]) -> Vec<(Tp, u64, u64)> {
        let mut out = Vec::new();
        for &t in topics {
            for (p, part) in self.topics[t as usize].partitions.iter().enumerate() {
                let tp = Tp { topic: t, partition: p as u32 };
                if self.readable(tp) {
                    out.push((tp, part.log.log_start_offset(), part.log.high_watermark()));
                }
            }
        }
        out
    }

    /// Phase 12: auto-commit.
    #[inline(never)] // its own frame in a profile (BENCHMARKS.md)
    pub(super) fn commits(&mut self) {
        for g in &mut self.groups {
            g.auto_commit(self.now_us);
        }
    }
}
