//! Phases 6-7 of a step: the controller notices crashed brokers and elects leaders; partition
//! moves (a broker leaving, replicas balanced) finish. Also the broker commands that start moves.

use super::{Broker, Cluster, ProducerSeq, Request};
use crate::event::TrafficEvent;
use crate::log::Truncated;
use crate::producer::{Answer, Outgoing};
use crate::replication::Election;
use crate::scenario::Command;
use crate::vocab::Tp;

impl Cluster {
    /// Phase 6: the controller notices crashed brokers after the session timeout and moves
    /// leadership; requests waiting on a lost leader fail and are retried.
    #[inline(never)] // its own frame in a profile (BENCHMARKS.md)
    pub(super) fn controller(&mut self) {
        let timeout_us = self.scenario.cluster.broker_session_timeout_ms as u64 * 1000;
        let mut noticed = false;
        for b in &mut self.brokers {
            if !b.alive
                && !b.down_noticed
                && b.crashed_us.is_some_and(|t| self.now_us - t >= timeout_us)
            {
                b.down_noticed = true;
                noticed = true;
            }
        }
        if noticed {
            self.settle_replicas(self.now_us); // phase 4 ran this step (`replicate.rs`)
            self.elect_leaders();
        }
    }

    /// Runs leader election on every partition with the brokers the controller knows are down.
    pub(super) fn elect_leaders(&mut self) {
        let known_alive: Vec<bool> =
            self.brokers.iter().map(|b| b.alive || !b.down_noticed).collect();
        for ti in 0..self.topics.len() {
            let unclean = self.topics[ti].unclean_leader_election;
            for pi in 0..self.topics[ti].partitions.len() {
                let had_leader = self.topics[ti].partitions[pi].leader.is_some();
                match self.topics[ti].partitions[pi].elect(&known_alive, unclean) {
                    Election::Unchanged => {}
                    Election::Offline => {
                        if had_leader {
                            self.fail_pending(ti, pi);
                        }
                    }
                    Election::NewLeader { broker, lost, unclean } => {
                        self.leader_changed(ti, pi, broker, lost, unclean);
                    }
                }
            }
        }
    }

    /// Accounting after partition `ti`/`pi` got a new leader whose log lacked `lost`.
    pub(super) fn leader_changed(
        &mut self,
        ti: usize,
        pi: usize,
        broker: u16,
        lost: Truncated,
        unclean: bool,
    ) {
        if lost.records > 0 {
            let leo = self.topics[ti].partitions[pi].log.log_end_offset();
            let tp = Tp { topic: ti as u16, partition: pi as u32 };
            for g in &mut self.groups {
                g.log_truncated(tp, leo);
            }
            self.rebuild_producer_seq(ti, pi);
        }
        let c = &mut self.counters;
        c.leader_elections += 1;
        c.unclean_elections += u64::from(unclean);
        c.acked_lost_records += lost.acked_on_append + lost.committed;
        c.committed_lost_records += lost.committed;
        self.push_event(TrafficEvent::LeaderElected {
            topic: ti as u16,
            partition: pi as u32,
            broker: broker as u32,
            unclean,
        });
        self.fail_pending(ti, pi);
    }

    /// After a truncation, what the new leader knows of each producer whose last batch was cut
    /// off comes from the log it keeps: the last batch of that producer still there (Kafka
    /// rebuilds its `ProducerStateManager` from the log after `truncateTo`). A producer with no
    /// batch left in the log keeps the sequence its producer last saw acknowledged there (Kafka
    /// keeps producer state in snapshots past retention; an acknowledged batch survives a
    /// clean election).
    fn rebuild_producer_seq(&mut self, ti: usize, pi: usize) {
        let t = &mut self.topics[ti];
        let log = &t.partitions[pi].log;
        let leo = log.log_end_offset();
        let rows = &mut t.producer_seq;
        let mut cut: Vec<usize> = (0..rows.len())
            .filter(|&i| rows[i].get(pi).is_some_and(|s| s.end_offset > leo))
            .collect();
        for &i in &cut {
            let (epoch, seq) = self.producers[i].acked_seq(pi as u32);
            rows[i][pi] = ProducerSeq { epoch, seq, end_offset: 0 };
        }
        // Bounded by the batches the log holds; stops once every such producer is found.
        for b in log.batches().rev() {
            if cut.is_empty() {
                break;
            }
            if let Some(k) = cut.iter().position(|&i| i == b.producer as usize) {
                let i = cut.swap_remove(k);
                let (epoch, seq) = (b.producer_epoch, b.seq);
                rows[i][pi] = ProducerSeq { epoch, seq, end_offset: b.end_offset() };
            }
        }
    }

    /// The old leader's waiting acks=all requests fail (NOT_LEADER). What survived in the log
    /// is a duplicate if a non-idempotent producer resends it.
    pub(super) fn fail_pending(&mut self, ti: usize, pi: usize) {
        let delay_us = self.scenario.cluster.network_delay_us as u64;
        let log_end = self.topics[ti].partitions[pi].log.log_end_offset();
        let pending = self.topics[ti].take_pending(pi);
        for a in pending {
            let out = Outgoing { in_log: a.end_offset <= log_end, ..a.out };
            self.to_producer.push_back(Request {
                producer: a.producer,
                topic: ti as u16,
                out,
                due_us: self.now_us + delay_us,
                answer: Answer::Retriable,
                from_broker: 0,
                end_offset: 0,
                t: super::capacity::Timing::default(),
            });
        }
    }

    /// Phase 7: partition moves (off a leaving broker, or balancing). A move finishes once
    /// the new replica is in the ISR: leadership leaves the old replica (a clean election
    /// among the rest of the ISR), which is then dropped. A leaving broker with no replica
    /// left leaves the cluster.
    #[inline(never)] // its own frame in a profile (BENCHMARKS.md)
    pub(super) fn reassign(&mut self) {
        if self.moves == 0 {
            return;
        }
        let known_alive: Vec<bool> =
            self.brokers.iter().map(|b| (b.alive || !b.down_noticed) && !b.leaving).collect();
        for ti in 0..self.topics.len() {
            for pi in 0..self.topics[ti].partitions.len() {
                let part = &mut self.topics[ti].partitions[pi];
                let Some((old, new)) = part.moving else { continue };
                if !part.in_isr(new) {
                    continue; // still copying
                }
                if part.leader == Some(old) {
                    // Elected as if the old replica's broker were gone, so it hands over.
                    let mut alive = known_alive.clone();
                    alive[part.replicas[old].broker as usize] = false;
                    match part.elect(&alive, false) {
                        Election::NewLeader { broker, lost, unclean } => {
                            self.leader_changed(ti, pi, broker, lost, unclean);
                        }
                        Election::Unchanged | Election::Offline => continue,
                    }
                }
                self.topics[ti].partitions[pi].finish_move();
                self.moves -= 1;
            }
        }
        while self.brokers.last().is_some_and(|b| b.leaving) {
            let id = self.brokers.len() as u16 - 1;
            let hosts = self
                .topics
                .iter()
                .flat_map(|t| &t.partitions)
                .any(|p| p.replicas.iter().any(|r| r.broker == id));
            if hosts {
                break;
            }
            self.pop_broker();
        }
    }

    /// The highest-numbered broker leaves. What its budgets still hold (requests not handled,
    /// responses not sent) goes as when a broker crashes: its connections close and the
    /// producer retries (Kafka's `NetworkClient` fails a closed connection's requests as
    /// disconnected). Its budgets go with it: a request never names a broker that is gone.
    fn pop_broker(&mut self) {
        self.brokers.pop();
        let id = self.brokers.len();
        self.capacity_broker_crashed(id);
        self.loads.truncate(id);
    }

    /// A broker joins or leaves. Ids stay dense: only the highest-numbered broker may leave;
    /// one hosting replicas first moves them away (see [`Cluster::reassign`]).
    pub(super) fn change_brokers(&mut self, c: Command) -> Result<(), String> {
        match c {
            Command::AddBroker => {
                self.refuse_while_leaving("add a broker")?;
                let b =
                    Broker { alive: true, down_noticed: false, crashed_us: None, leaving: false };
                self.brokers.push(b);
            }
            Command::RemoveBroker { broker } => {
                if self.brokers[broker as usize].leaving {
                    return Err(format!("broker {broker} is leaving already"));
                }
                self.refuse_while_moving()?;
                let plan = self.reassignment_plan(broker as u16)?;
                if plan.is_empty() {
                    self.pop_broker();
                } else {
                    self.brokers[broker as usize].leaving = true;
                    for (ti, pi, to) in plan {
                        self.start_move(ti, pi, broker as u16, to);
                    }
                }
            }
            _ => unreachable!("change_brokers is called with broker commands only"),
        }
        Ok(())
    }

    /// Refuses `what` while a broker is leaving (its moves are planned against today's brokers
    /// and partitions).
    pub(super) fn refuse_while_leaving(&self, what: &str) -> Result<(), String> {
        match self.brokers.iter().position(|b| b.leaving) {
            Some(id) => Err(format!("broker {id} is leaving; {what} once it has left")),
            None => Ok(()),
        }
    }

    /// Refuses a new reassignment while moves are copying (a partition moves one replica at a
    /// time).
    pub(super) fn refuse_while_moving(&self) -> Result<(), String> {
        match self.moves {
            0 => Ok(()),
            n => Err(format!("{n} partition moves are still copying; wait for them")),
        }
    }

    /// Replicas hosted per broker, by broker id.
    pub(super) fn replica_load(&self) -> Vec<usize> {
        let mut load = vec![0usize; self.brokers.len()];
        for r in self.topics.iter().flat_map(|t| &t.partitions).flat_map(|p| &p.replicas) {
            load[r.broker as usize] += 1;
        }
        load
    }

    /// Where each replica on `from` goes: for every partition with a replica there, the live
    /// broker outside its replica set that holds the fewest replicas (counting the moves
    /// planned so far), as `kafka-reassign-partitions` would be asked to. Refused, changing
    /// nothing, when some partition has no such broker.
    pub(super) fn reassignment_plan(&self, from: u16) -> Result<Vec<(usize, usize, u16)>, String> {
        let mut load = self.replica_load();
        let mut plan = Vec::new();
        for (ti, t) in self.topics.iter().enumerate() {
            for (pi, part) in t.partitions.iter().enumerate() {
                if !part.replicas.iter().any(|r| r.broker == from) {
                    continue;
                }
                let to = (0..self.brokers.len())
                    .filter(|&b| b != from as usize && self.brokers[b].alive)
                    .filter(|&b| !self.brokers[b].leaving)
                    .filter(|&b| !part.replicas.iter().any(|r| r.broker as usize == b))
                    .min_by_key(|&b| (load[b], b))
                    .ok_or_else(|| {
                        format!(
                            "{}-{pi} has a replica on every other live broker: none can take \
                             the one on broker {from} (add a broker first)",
                            t.name
                        )
                    })?;
                load[to] += 1;
                plan.push((ti, pi, to as u16));
            }
        }
        Ok(plan)
    }

    pub(super) fn start_move(&mut self, ti: usize, pi: usize, from: u16, to: u16) {
        if self.topics[ti].partitions[pi].start_move(from, to) {
            self.moves += 1;
        }
    }

    /// Plans and starts moves from the most to the least loaded live brokers until loads
    /// differ by at most one replica (bounded by the number of replicas).
    pub(super) fn balance_replicas(&mut self) -> Result<(), String> {
        self.refuse_while_leaving("balance")?;
        self.refuse_while_moving()?;
        let usable: Vec<usize> =
            (0..self.brokers.len()).filter(|&b| self.brokers[b].alive).collect();
        let mut load = self.replica_load();
        let total: usize = self.topics.iter().map(|t| t.partitions.len()).sum::<usize>() * 16;
        let mut started = 0;
        for _ in 0..total {
            let hi = *usable
                .iter()
                .max_by_key(|&&b| (load[b], std::cmp::Reverse(b)))
                .ok_or("no live broker")?;
            let lo = *usable.iter().min_by_key(|&&b| (load[b], b)).ok_or("no live broker")?;
            if load[hi] <= load[lo] + 1 {
                break;
            }
            let candidate = self.topics.iter().enumerate().find_map(|(ti, t)| {
                t.partitions.iter().enumerate().find_map(|(pi, p)| {
                    let on = |b: usize| p.replicas.iter().any(|r| r.broker as usize == b);
                    (p.moving.is_none() && on(hi) && !on(lo)).then_some((ti, pi))
                })
            });
            let Some((ti, pi)) = candidate else { break };
            self.start_move(ti, pi, hi as u16, lo as u16);
            load[hi] -= 1;
            load[lo] += 1;
            started += 1;
        }
        if started == 0 {
            let (min, max) =
                usable.iter().fold((usize::MAX, 0), |(a, b), &i| (a.min(load[i]), b.max(load[i])));
            return Err(format!("replicas are balanced already ({min} to {max} per live broker)"));
        }
        Ok(())
    }
}
