//! Phase 1 of a step: timeline events that are due and queued commands pass the one gate
//! (`Cluster::check_command`), are applied, followed by the shape and logged; and the handlers
//! that apply them (members, readers, producers, settings, partitions, broker crash and restart).

use std::collections::VecDeque;

use super::{new_partition, push_bounded, Broker, Cluster, Request, Topic};
use crate::event::TrafficEvent;
use crate::group::Group;
use crate::metrics::MarkerKind;
use crate::producer::{Answer, Producer};
use crate::push::Subscription;
use crate::reader::ReaderKind;
use crate::scenario::{Command, ReaderSpec, TimedEvent};
use crate::share::ShareGroup;
use crate::vocab::Tp;

impl Cluster {
    /// Phase 1: timeline events that are due, then commands queued since the last step.
    #[inline(never)] // its own frame in a profile (BENCHMARKS.md)
    pub(super) fn apply_commands(&mut self) {
        let now_ms = self.now_us / 1000;
        // The due events go before the queued commands, in the timeline's order (the log then
        // holds a step's timeline events first, which the page's reading of it relies on).
        let first = self.timeline_next;
        while self.timeline.get(self.timeline_next).is_some_and(|e| e.at_ms <= now_ms) {
            self.timeline_next += 1;
        }
        for e in self.timeline[first..self.timeline_next].iter().rev() {
            self.commands.push_front(e.command.clone());
        }
        if !self.commands.is_empty() {
            // A command may change brokers and partitions: phase 4's quiet partitions first
            // catch up to its last run (`replicate.rs`).
            self.settle_replicas(self.now_us.saturating_sub(super::TICK_US));
        }
        while let Some(c) = self.commands.pop_front() {
            let checked = self.check_command(&c);
            match checked.and_then(|()| self.apply(c.clone())) {
                Ok(()) => {
                    let marker = match &c {
                        Command::CrashBroker { broker } => {
                            Some((MarkerKind::BrokerCrash, broker.to_string()))
                        }
                        Command::CrashMember { group, .. } => {
                            Some((MarkerKind::MemberCrash, group.clone()))
                        }
                        _ => None,
                    };
                    if let Some((kind, subject)) = marker {
                        self.mark(kind, subject);
                    }
                    self.shape.follow(&c);
                    self.log.push(TimedEvent { at_ms: now_ms, command: c });
                }
                Err(why) => self.notice(why),
            }
        }
    }

    pub(super) fn producer_index(&self, name: &str) -> Result<usize, String> {
        self.producers
            .iter()
            .position(|p| p.spec.name == name)
            .ok_or_else(|| format!("no producer named \"{name}\""))
    }

    pub(super) fn group_index(&self, name: &str) -> Result<usize, String> {
        self.groups
            .iter()
            .position(|g| g.spec.name == name)
            .ok_or_else(|| format!("no group named \"{name}\""))
    }

    pub(super) fn apply(&mut self, c: Command) -> Result<(), String> {
        let now = self.now_us;
        match c {
            Command::SetRate { producer, rate_per_sec } => {
                let i = self.producer_index(&producer)?;
                self.producers[i].override_rate(rate_per_sec, u64::MAX);
            }
            Command::Spike { producer, rate_per_sec, duration_ms } => {
                let i = self.producer_index(&producer)?;
                self.producers[i].override_rate(rate_per_sec, now + duration_ms * 1000);
            }
            Command::AddMember { group } => {
                let i = self.group_index(&group)?;
                self.groups[i].add_member(now);
                self.push_event(TrafficEvent::Rebalance { group: i as u16 });
            }
            Command::RemoveMember { group } => {
                let i = self.group_index(&group)?;
                if !self.groups[i].remove_member(now) {
                    return Err(format!("group \"{group}\" has no live member to remove"));
                }
                self.push_event(TrafficEvent::Rebalance { group: i as u16 });
            }
            Command::CrashMember { ref group, member } if self.group_index(group).is_err() => {
                self.share_member(group, member, true)?;
            }
            Command::RestartMember { ref group, member } if self.group_index(group).is_err() => {
                self.share_member(group, member, false)?;
            }
            Command::CrashMember { group, member } => {
                let i = self.group_index(&group)?;
                if !self.groups[i].crash_member(member as usize, now) {
                    return Err(format!("{group} member {member} is not running"));
                }
            }
            Command::RestartMember { group, member } => {
                let i = self.group_index(&group)?;
                if !self.groups[i].restart_member(member as usize, now) {
                    return Err(format!("{group} member {member} has not crashed"));
                }
                self.push_event(TrafficEvent::Rebalance { group: i as u16 });
            }
            Command::AddPartitions { topic, count } => self.add_partitions(&topic, count)?,
            Command::AddProducer { .. }
            | Command::AddReader { .. }
            | Command::RemoveReader { .. } => self.change_members(c)?,
            Command::ConfigureProducer { .. }
            | Command::ConfigureGroup { .. }
            | Command::ConfigureSubscription { .. }
            | Command::ConfigureTopic { .. } => self.configure(c)?,
            Command::RemoveProducer { producer } => {
                let i = self.producer_index(&producer)?;
                if self.producers[i].closed {
                    return Err(format!("producer \"{producer}\" is closed already"));
                }
                self.producers[i].close();
            }
            Command::AddBroker | Command::RemoveBroker { .. } => self.change_brokers(c)?,
            Command::BalanceReplicas => self.balance_replicas()?,
            Command::CrashBroker { broker } => self.crash_broker(broker as usize)?,
            Command::RestartBroker { broker } => self.restart_broker(broker as usize)?,
        }
        Ok(())
    }

    /// Adds a producer or a reader, or removes a reader.
    pub(super) fn change_members(&mut self, c: Command) -> Result<(), String> {
        let topic_index = |topics: &[Topic], name: &str| {
            topics.iter().position(|t| t.name == name).expect("validated topic") as u16
        };
        match c {
            Command::AddProducer { spec } => {
                let t = topic_index(&self.topics, &spec.topic);
                let partitions = self.topics[t as usize].partitions.len() as u32;
                let p = Producer::new_among(spec.clone(), partitions, &self.producers);
                self.producers.push(p);
                self.producer_topic.push(t);
            }
            Command::AddReader { reader } => {
                let list = |names: &[String]| {
                    names.iter().map(|n| topic_index(&self.topics, n)).collect::<Vec<_>>()
                };
                match reader.clone() {
                    ReaderSpec::Group(g) => {
                        let mut group = Group::new(g.clone(), list(&g.topics));
                        group.rebalance(self.now_us);
                        self.groups.push(group);
                    }
                    ReaderSpec::Share(g) => {
                        self.share_groups.push(ShareGroup::new(g.clone(), list(&g.topics)));
                    }
                    ReaderSpec::Push(g) => {
                        // Push systems deliver what is published after one subscribes.
                        let mut sub = Subscription::new(g.clone(), list(&g.topics));
                        for &t in &sub.topics.clone() {
                            for (p, part) in self.topics[t as usize].partitions.iter().enumerate() {
                                let tp = Tp { topic: t, partition: p as u32 };
                                sub.start_at(tp, part.log.high_watermark());
                            }
                        }
                        self.subscriptions.push(sub);
                    }
                }
            }
            Command::RemoveReader { name } => {
                let kind = self.readers().find(|r| r.name() == name).map(|r| r.kind());
                match kind.ok_or_else(|| format!("no reader named \"{name}\""))? {
                    ReaderKind::Group => self.groups.retain(|g| g.spec.name != name),
                    ReaderKind::Share => self.share_groups.retain(|g| g.spec.name != name),
                    ReaderKind::Push => self.subscriptions.retain(|g| g.spec.name != name),
                }
            }
            _ => unreachable!("change_members is called with add and remove commands only"),
        }
        Ok(())
    }

    /// Applies a settings change after checking it against the limits.
    pub(super) fn configure(&mut self, c: Command) -> Result<(), String> {
        match c {
            Command::ConfigureProducer {
                ref producer,
                rate_per_sec,
                ref profile,
                ref keys,
                ..
            } => {
                let i = self.producer_index(producer)?;
                let p = &mut self.producers[i];
                let mut spec = p.spec.clone();
                c.configure_producer(&mut spec);
                if rate_per_sec.is_some() || profile.is_some() {
                    p.set_profile(spec.rate.clone());
                }
                if keys.is_some() {
                    p.set_keys(spec.keys.clone());
                }
                p.spec = spec;
                p.buffer_resized();
            }
            Command::ConfigureGroup { group, processing_us, commit, assignor } => {
                let i = self.group_index(&group)?;
                let g = &mut self.groups[i];
                g.spec.processing_us = processing_us.unwrap_or(g.spec.processing_us);
                g.spec.commit = commit.unwrap_or(g.spec.commit);
                g.spec.assignor = assignor.unwrap_or(g.spec.assignor);
            }
            Command::ConfigureSubscription { subscription, prefetch } => {
                let sub = self.subscriptions.iter_mut().find(|x| x.spec.name == subscription);
                let sub = sub.ok_or("no such subscription")?;
                sub.set_prefetch((prefetch > 0).then_some(prefetch));
            }
            Command::ConfigureTopic { topic, retention_ms, retention_bytes } => {
                let t = self.topics.iter_mut().find(|t| t.name == topic).ok_or("no such topic")?;
                t.retention_ms = retention_ms.or(t.retention_ms);
                t.retention_bytes = retention_bytes.or(t.retention_bytes);
            }
            _ => unreachable!("configure is called with Configure* commands only"),
        }
        Ok(())
    }

    /// Crashes (`crash`) or restarts a share group member. A crashed member's locks expire and
    /// its records go to others; there is no rebalance in a share group.
    pub(super) fn share_member(
        &mut self,
        group: &str,
        member: u32,
        crash: bool,
    ) -> Result<(), String> {
        let g = self
            .share_groups
            .iter_mut()
            .find(|g| g.spec.name == group)
            .ok_or_else(|| format!("no group named \"{group}\""))?;
        if member as usize >= g.members.len() {
            return Err(format!("{group} has no member {member}"));
        }
        let changed =
            if crash { g.crash_member(member as usize) } else { g.restart_member(member as usize) };
        if !changed {
            return Err(format!(
                "{group} member {member} is already {}",
                if crash { "down" } else { "running" }
            ));
        }
        Ok(())
    }

    pub(super) fn add_partitions(&mut self, topic: &str, count: u32) -> Result<(), String> {
        let t = self
            .topics
            .iter()
            .position(|t| t.name == topic)
            .ok_or_else(|| format!("no topic named \"{topic}\""))?;
        self.refuse_while_leaving("add partitions")?;
        let now = self.topics[t].partitions.len() as u32;
        let all: u32 = self.topics.iter().map(|t| t.partitions.len() as u32).sum();
        let room = crate::scenario::limits::PARTITIONS_TOTAL_MAX.saturating_sub(all - now);
        let max = crate::scenario::limits::PARTITIONS_MAX.min(room);
        if count == 0 || now + count > max {
            return Err(format!("{topic}: {now} + {count} partitions exceeds the limit {max}"));
        }
        let (seg, rf) = (self.topics[t].segment_bytes, self.topics[t].replication_factor);
        let brokers = self.brokers.len() as u32;
        let topic = &mut self.topics[t];
        topic.partitions.extend((now..now + count).map(|p| new_partition(p, rf, brokers, seg)));
        topic.pending.extend((0..count).map(|_| VecDeque::new()));
        topic.pending_head.extend((0..count).map(|_| u64::MAX));
        for i in 0..self.producers.len() {
            if self.producer_topic[i] as usize == t {
                // Shares the table of an earlier producer already moved to the new count.
                let (done, rest) = self.producers.split_at_mut(i);
                rest[0].set_partitions_among(now + count, done);
            }
        }
        for (gi, g) in self.groups.iter_mut().enumerate() {
            if g.topics.contains(&(t as u16)) {
                g.rebalance(self.now_us);
                let e = TrafficEvent::Rebalance { group: gi as u16 };
                push_bounded(&mut self.events, &mut self.events_dropped, e);
            }
        }
        Ok(())
    }

    pub(super) fn crash_broker(&mut self, b: usize) -> Result<(), String> {
        let broker = self.brokers.get_mut(b).ok_or_else(|| format!("no broker {b}"))?;
        if !broker.alive {
            return Err(format!("broker {b} is already down"));
        }
        *broker =
            Broker { alive: false, crashed_us: Some(self.now_us), down_noticed: false, ..*broker };
        self.capacity_broker_crashed(b);
        // Connections to it reset: answers it had sent but not delivered are lost, and their
        // producers resend what is in fact already in the log.
        let ok = |r: &&mut Request| r.answer == Answer::Ok && r.from_broker as usize == b;
        for r in self.to_producer.iter_mut().filter(ok) {
            let hw = self.topics[r.topic as usize].partitions[r.out.batch.partition as usize]
                .log
                .high_watermark();
            r.answer = Answer::Retriable;
            r.out.in_log = r.end_offset > 0 && r.end_offset <= hw;
        }
        self.push_event(TrafficEvent::BrokerDown { broker: b as u32 });
        Ok(())
    }

    pub(super) fn restart_broker(&mut self, b: usize) -> Result<(), String> {
        let broker = self.brokers.get_mut(b).ok_or_else(|| format!("no broker {b}"))?;
        if broker.alive {
            return Err(format!("broker {b} is running"));
        }
        *broker = Broker { alive: true, crashed_us: None, down_noticed: false, ..*broker };
        for ti in 0..self.topics.len() {
            for pi in 0..self.topics[ti].partitions.len() {
                let part = &mut self.topics[ti].partitions[pi];
                if let Some(lost) = part.broker_restarted(b as u16, self.now_us) {
                    self.leader_changed(ti, pi, b as u16, lost, false);
                }
            }
        }
        self.elect_leaders();
        Ok(())
    }
}
