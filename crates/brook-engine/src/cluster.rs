//! The simulated cluster and its step: producers send, brokers append, groups rebalance,
//! consumers poll and process, commits, retention, metrics.

use std::collections::{BTreeMap, VecDeque};

use serde::Serialize;

use crate::event::{TrafficEvent, EVENTS_PER_STEP_MAX};
use crate::group::{Chunk, Fetch, Group, TopicView, Tp};
use crate::log::{Batch, PartitionLog};
use crate::metrics::{History, LatencyHistogram, Sample};
use crate::producer::{Acks, InFlight, Producer, ReadyBatch};
use crate::rng::Rng;
use crate::scenario::{Command, Scenario, TimedEvent};

/// Virtual time one step advances, us.
pub const TICK_US: u64 = 1_000;
/// Interval between metric samples, us.
pub const SAMPLE_US: u64 = 100_000;
/// Samples kept in the history (60 s at one every 100 ms).
pub const HISTORY_SAMPLES_MAX: usize = 600;
/// Retention runs this often (Kafka's `log.retention.check.interval.ms` is 5 minutes; Brook
/// checks every second so deletion is visible), us.
pub const RETENTION_CHECK_US: u64 = 1_000_000;
/// Commands waiting for the next step; further ones are refused.
pub const COMMANDS_QUEUED_MAX: usize = 256;
/// Notices (refused commands and the like) kept.
pub const NOTICES_MAX: usize = 64;

/// A topic and its partition logs.
#[derive(Clone, Debug)]
pub struct Topic {
    /// Name.
    pub name: String,
    /// Partition logs, by index.
    pub partitions: Vec<PartitionLog>,
    /// `retention.ms`, None for unlimited.
    pub retention_ms: Option<u64>,
    /// `retention.bytes` per partition, None for unlimited.
    pub retention_bytes: Option<u64>,
    /// `segment.bytes`.
    pub segment_bytes: u64,
    /// Records appended per partition during the current sample interval.
    appended_in_sample: u64,
}

#[derive(Clone, Copy, Debug)]
struct Request {
    producer: u32,
    topic: u16,
    inner: InFlight,
}

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
    /// Records processed, per group name (duplicates included).
    pub consumed_records: BTreeMap<String, u64>,
    /// Records lost: committed before processing, or deleted by retention before being read.
    pub lost_records: u64,
    /// Records processed more than once.
    pub duplicate_records: u64,
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
}

/// The whole simulated system.
pub struct Cluster {
    scenario: Scenario,
    now_us: u64,
    rng: Rng,
    /// Topics.
    pub topics: Vec<Topic>,
    /// Producers, in scenario order.
    pub producers: Vec<Producer>,
    producer_topic: Vec<u16>,
    /// Consumer groups, in scenario order.
    pub groups: Vec<Group>,
    to_broker: VecDeque<Request>,
    to_producer: VecDeque<Request>,
    timeline: Vec<TimedEvent>,
    timeline_next: usize,
    commands: VecDeque<Command>,
    notices: VecDeque<String>,
    events: Vec<TrafficEvent>,
    events_dropped: u64,
    latency: LatencyHistogram,
    history: History<Sample>,
    next_sample_us: u64,
    next_retention_us: u64,
    processed_in_sample: u64,
    lag_records_max: u64,
    trace_hash: u64,
    ready: Vec<ReadyBatch>,
}

impl Cluster {
    /// Builds the cluster a (validated) scenario describes, at virtual time 0.
    pub fn new(scenario: Scenario) -> Self {
        let topics: Vec<Topic> = scenario
            .topics
            .iter()
            .map(|t| Topic {
                name: t.name.clone(),
                partitions: (0..t.partitions)
                    .map(|_| PartitionLog::new(t.segment_bytes))
                    .collect(),
                retention_ms: t.retention_ms,
                retention_bytes: t.retention_bytes,
                segment_bytes: t.segment_bytes,
                appended_in_sample: 0,
            })
            .collect();
        let topic_index =
            |name: &str| topics.iter().position(|t| t.name == name).unwrap_or(0) as u16;
        let producer_topic: Vec<u16> = scenario
            .producers
            .iter()
            .map(|p| topic_index(&p.topic))
            .collect();
        let producers = scenario
            .producers
            .iter()
            .zip(&producer_topic)
            .map(|(p, &t)| Producer::new(p.clone(), topics[t as usize].partitions.len() as u32))
            .collect();
        let groups = scenario
            .groups
            .iter()
            .map(|g| Group::new(g.clone(), g.topics.iter().map(|t| topic_index(t)).collect()))
            .collect();
        let mut timeline = scenario.events.clone();
        timeline.sort_by_key(|e| e.at_ms);
        let mut c = Cluster {
            rng: Rng::new(scenario.seed),
            now_us: 0,
            topics,
            producers,
            producer_topic,
            groups,
            to_broker: VecDeque::new(),
            to_producer: VecDeque::new(),
            timeline,
            timeline_next: 0,
            commands: VecDeque::new(),
            notices: VecDeque::new(),
            events: Vec::new(),
            events_dropped: 0,
            latency: LatencyHistogram::default(),
            history: History::new(HISTORY_SAMPLES_MAX),
            next_sample_us: SAMPLE_US,
            next_retention_us: RETENTION_CHECK_US,
            processed_in_sample: 0,
            lag_records_max: 0,
            trace_hash: 0xcbf2_9ce4_8422_2325,
            ready: Vec::new(),
            scenario,
        };
        let views = views(&c.topics);
        for g in &mut c.groups {
            g.rebalance(0, &views);
        }
        c
    }

    /// The scenario this cluster was built from.
    pub fn scenario(&self) -> &Scenario {
        &self.scenario
    }

    /// Virtual time, us.
    pub fn now_us(&self) -> u64 {
        self.now_us
    }

    /// Events of the last step (bounded by [`EVENTS_PER_STEP_MAX`]).
    pub fn events(&self) -> &[TrafficEvent] {
        &self.events
    }

    /// Events that did not fit in a step's bound, over the run.
    pub fn events_dropped(&self) -> u64 {
        self.events_dropped
    }

    /// Sampled time series, oldest first.
    pub fn history(&self) -> &History<Sample> {
        &self.history
    }

    /// The end-to-end latency histogram.
    pub fn latency(&self) -> &LatencyHistogram {
        &self.latency
    }

    /// Notices, oldest first (refused commands and the like).
    pub fn notices(&self) -> impl Iterator<Item = &String> {
        self.notices.iter()
    }

    /// A hash of everything that moved so far; equal runs have equal hashes.
    pub fn trace_hash(&self) -> u64 {
        self.trace_hash
    }

    /// Queues a command for the start of the next step. Refused when the queue is full.
    pub fn command(&mut self, c: Command) -> Result<(), String> {
        if self.commands.len() >= COMMANDS_QUEUED_MAX {
            return Err(format!(
                "more than {COMMANDS_QUEUED_MAX} commands queued; wait a step"
            ));
        }
        self.commands.push_back(c);
        Ok(())
    }

    /// Runs whole steps until virtual time reaches `until_us`.
    pub fn run_until(&mut self, until_us: u64) {
        // Bounded by the distance to `until_us` in ticks.
        while self.now_us + TICK_US <= until_us {
            self.step();
        }
    }

    /// Advances virtual time by one tick, phase by phase.
    pub fn step(&mut self) {
        self.now_us += TICK_US;
        self.events.clear();
        self.apply_commands();
        self.producers_send();
        self.brokers_append();
        self.acks_return();
        self.groups_upkeep();
        self.consumers_fetch_and_process();
        self.commits();
        self.retention();
        self.sample_metrics();
        self.hash_step();
    }

    fn push_event(&mut self, e: TrafficEvent) {
        if self.events.len() < EVENTS_PER_STEP_MAX {
            self.events.push(e);
        } else {
            self.events_dropped += 1;
        }
    }

    fn notice(&mut self, text: String) {
        if self.notices.len() == NOTICES_MAX {
            self.notices.pop_front();
        }
        self.notices.push_back(text);
    }
}

/// What the groups need to know of the topics.
fn views(topics: &[Topic]) -> Vec<TopicView<'_>> {
    topics
        .iter()
        .map(|t| TopicView {
            name: &t.name,
            partitions: t.partitions.len() as u32,
        })
        .collect()
}

impl Cluster {
    /// Phase 0: timeline events that are due, then commands queued since the last step.
    fn apply_commands(&mut self) {
        let now_ms = self.now_us / 1000;
        while let Some(e) = self.timeline.get(self.timeline_next) {
            if e.at_ms > now_ms {
                break;
            }
            let c = e.command.clone();
            self.timeline_next += 1;
            self.commands.push_back(c);
        }
        while let Some(c) = self.commands.pop_front() {
            if let Err(why) = self.apply(c) {
                self.notice(why);
            }
        }
    }

    fn producer_index(&self, name: &str) -> Result<usize, String> {
        self.producers
            .iter()
            .position(|p| p.spec.name == name)
            .ok_or_else(|| format!("no producer named \"{name}\""))
    }

    fn group_index(&self, name: &str) -> Result<usize, String> {
        self.groups
            .iter()
            .position(|g| g.spec.name == name)
            .ok_or_else(|| format!("no group named \"{name}\""))
    }

    fn apply(&mut self, c: Command) -> Result<(), String> {
        let now = self.now_us;
        let views = views(&self.topics);
        match c {
            Command::SetRate {
                producer,
                rate_per_sec,
            } => {
                let i = self.producer_index(&producer)?;
                self.producers[i].override_rate(rate_per_sec, u64::MAX);
            }
            Command::Spike {
                producer,
                rate_per_sec,
                duration_ms,
            } => {
                let i = self.producer_index(&producer)?;
                self.producers[i].override_rate(rate_per_sec, now + duration_ms * 1000);
            }
            Command::AddMember { group } => {
                let i = self.group_index(&group)?;
                self.groups[i].add_member(now, &views);
                self.events
                    .push(TrafficEvent::Rebalance { group: i as u16 });
            }
            Command::RemoveMember { group } => {
                let i = self.group_index(&group)?;
                if !self.groups[i].remove_member(now, &views) {
                    return Err(format!("group \"{group}\" has no live member to remove"));
                }
                self.events
                    .push(TrafficEvent::Rebalance { group: i as u16 });
            }
            Command::CrashMember { group, member } => {
                let i = self.group_index(&group)?;
                if !self.groups[i].crash_member(member as usize, now) {
                    return Err(format!("{group} member {member} is not running"));
                }
            }
            Command::RestartMember { group, member } => {
                let i = self.group_index(&group)?;
                if !self.groups[i].restart_member(member as usize, now, &views) {
                    return Err(format!("{group} member {member} has not crashed"));
                }
                self.events
                    .push(TrafficEvent::Rebalance { group: i as u16 });
            }
            Command::AddPartitions { topic, count } => self.add_partitions(&topic, count)?,
        }
        Ok(())
    }

    fn add_partitions(&mut self, topic: &str, count: u32) -> Result<(), String> {
        let t = self
            .topics
            .iter()
            .position(|t| t.name == topic)
            .ok_or_else(|| format!("no topic named \"{topic}\""))?;
        let max = crate::scenario::limits::PARTITIONS_MAX;
        let now = self.topics[t].partitions.len() as u32;
        if count == 0 || now + count > max {
            return Err(format!(
                "{topic}: {now} + {count} partitions exceeds the limit {max}"
            ));
        }
        let seg = self.topics[t].segment_bytes;
        self.topics[t]
            .partitions
            .extend((0..count).map(|_| PartitionLog::new(seg)));
        for (p, &pt) in self.producers.iter_mut().zip(&self.producer_topic) {
            if pt as usize == t {
                p.set_partitions(now + count);
            }
        }
        let views = views(&self.topics);
        for (gi, g) in self.groups.iter_mut().enumerate() {
            if g.topics.contains(&(t as u16)) {
                g.rebalance(self.now_us, &views);
                self.events
                    .push(TrafficEvent::Rebalance { group: gi as u16 });
            }
        }
        Ok(())
    }

    /// Phase 1: producers create records, batch them and send closed batches.
    fn producers_send(&mut self) {
        let delay_us = self.scenario.cluster.network_delay_us as u64;
        for i in 0..self.producers.len() {
            let failed_before = self.producers[i].stats.failed_records;
            let mut ready = std::mem::take(&mut self.ready);
            self.producers[i].tick(self.now_us, TICK_US, &mut self.rng, &mut ready);
            let topic = self.producer_topic[i];
            for b in ready.drain(..) {
                self.push_event(TrafficEvent::Produce {
                    producer: i as u32,
                    topic,
                    partition: b.partition,
                    records: b.count,
                    key: b.key,
                });
                if self.producers[i].spec.acks == Acks::None {
                    // acks=0: done as soon as it is on the wire.
                    self.producers[i].release(b.bytes as u64);
                    self.producers[i].stats.acked_records += b.count as u64;
                }
                let inner = InFlight {
                    batch: b,
                    due_us: self.now_us + delay_us,
                };
                self.to_broker.push_back(Request {
                    producer: i as u32,
                    topic,
                    inner,
                });
            }
            self.ready = ready;
            let failed = self.producers[i].stats.failed_records - failed_before;
            if failed > 0 {
                self.push_event(TrafficEvent::SendFailed {
                    producer: i as u32,
                    records: failed,
                });
            }
        }
    }

    /// Phase 2: requests that reached their leader are appended; with one replica the high
    /// watermark follows the log end at once.
    fn brokers_append(&mut self) {
        let delay_us = self.scenario.cluster.network_delay_us as u64;
        while self
            .to_broker
            .front()
            .is_some_and(|r| r.inner.due_us <= self.now_us)
        {
            let r = self.to_broker.pop_front().expect("front checked");
            let b = r.inner.batch;
            let topic = &mut self.topics[r.topic as usize];
            let log = &mut topic.partitions[b.partition as usize];
            log.append(Batch {
                base_offset: 0,
                count: b.count,
                bytes: b.bytes,
                first_create_us: b.first_create_us,
                last_create_us: b.last_create_us,
                append_us: self.now_us,
                producer: r.producer,
            });
            let leo = log.log_end_offset();
            log.set_high_watermark(leo);
            topic.appended_in_sample += b.count as u64;
            if self.producers[r.producer as usize].spec.acks != Acks::None {
                let inner = InFlight {
                    batch: b,
                    due_us: self.now_us + delay_us,
                };
                self.to_producer.push_back(Request { inner, ..r });
            }
        }
    }

    /// Phase 3: acknowledgements reach producers and free their buffer memory.
    fn acks_return(&mut self) {
        while self
            .to_producer
            .front()
            .is_some_and(|r| r.inner.due_us <= self.now_us)
        {
            let r = self.to_producer.pop_front().expect("front checked");
            let p = &mut self.producers[r.producer as usize];
            p.release(r.inner.batch.bytes as u64);
            p.stats.acked_records += r.inner.batch.count as u64;
        }
    }

    /// Phase 4: session expiry and rebalance rounds.
    fn groups_upkeep(&mut self) {
        let views = views(&self.topics);
        for (gi, g) in self.groups.iter_mut().enumerate() {
            let before = g.stats.rebalances;
            g.upkeep(self.now_us, TICK_US, &views);
            if g.stats.rebalances > before && self.events.len() < EVENTS_PER_STEP_MAX {
                self.events
                    .push(TrafficEvent::Rebalance { group: gi as u16 });
            }
        }
    }

    /// Phase 5: members poll (fetch requests, long polls, answers) and process records.
    fn consumers_fetch_and_process(&mut self) {
        for gi in 0..self.groups.len() {
            for mi in 0..self.groups[gi].members.len() {
                self.advance_fetch(gi, mi);
                self.process(gi, mi);
            }
        }
    }

    fn advance_fetch(&mut self, gi: usize, mi: usize) {
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
                g.members[mi].fetch = Some(Fetch::ToBroker {
                    at_us: now + delay_us,
                });
                g.stats.fetches += 1;
                self.push_event(TrafficEvent::FetchRequest {
                    group: gi as u16,
                    member: mi as u32,
                });
            }
            Some(Fetch::ToBroker { at_us }) if at_us <= now => {
                let wait_us = g.spec.fetch_max_wait_ms as u64 * 1000;
                g.members[mi].fetch = Some(Fetch::Waiting {
                    deadline_us: now + wait_us,
                });
                self.answer_fetch(gi, mi);
            }
            Some(Fetch::Waiting { .. }) => self.answer_fetch(gi, mi),
            Some(Fetch::ToMember { at_us }) if at_us <= now => {
                g.deliver(mi, &mut self.rng);
                g.members[mi].fetch = None;
            }
            Some(_) => {}
        }
    }

    /// The broker side of a fetch: records up to `max.poll.records` from the member's partitions,
    /// or, with none, hold the request until `fetch.max.wait.ms`.
    fn answer_fetch(&mut self, gi: usize, mi: usize) {
        let now = self.now_us;
        let delay_us = self.scenario.cluster.network_delay_us as u64;
        let Some(Fetch::Waiting { deadline_us }) = self.groups[gi].members[mi].fetch else {
            return;
        };
        let order = self.groups[gi].fetch_order(mi);
        let mut room = self.groups[gi].spec.max_poll_records as u64;
        let mut got = 0u64;
        for tp in order {
            if room == 0 {
                break;
            }
            let log = &self.topics[tp.topic as usize].partitions[tp.partition as usize];
            let g = &mut self.groups[gi];
            let from = g.start_position(tp, log.log_start_offset());
            let mut chunks: Vec<Chunk> = Vec::new();
            let to = log.read_committed(from, room, |b, a, z| {
                chunks.push(Chunk {
                    tp,
                    from: a,
                    to: z,
                    batch: *b,
                    cost_us: 0.0,
                });
            });
            let n = to - from;
            if n == 0 {
                continue;
            }
            g.set_position(tp, to);
            g.members[mi].arriving.extend(chunks);
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
            if got == 0 {
                g.stats.empty_fetches += 1;
                self.push_event(TrafficEvent::EmptyFetch {
                    group: gi as u16,
                    member: mi as u32,
                });
            }
            self.groups[gi].members[mi].fetch = Some(Fetch::ToMember {
                at_us: now + delay_us,
            });
        }
    }

    fn process(&mut self, gi: usize, mi: usize) {
        let now = self.now_us;
        let latency = &mut self.latency;
        let g = &mut self.groups[gi];
        let dup_before = g.stats.duplicate_records;
        let n = g.process(mi, TICK_US, |c, from, to| {
            let mid = from + (to - from - 1) / 2;
            let created = c.batch.create_us_at(mid);
            latency.record(now.saturating_sub(created), to - from);
        });
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

    /// Phase 6: auto-commit.
    fn commits(&mut self) {
        for g in &mut self.groups {
            g.auto_commit(self.now_us);
        }
    }

    /// Phase 7: retention deletes old segments.
    fn retention(&mut self) {
        if self.now_us < self.next_retention_us {
            return;
        }
        self.next_retention_us += RETENTION_CHECK_US;
        for ti in 0..self.topics.len() {
            for pi in 0..self.topics[ti].partitions.len() {
                let t = &mut self.topics[ti];
                let d = t.partitions[pi].enforce_retention(
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

    /// Lag of group `gi`: high watermark minus committed offset, summed over its partitions.
    pub fn group_lag(&self, gi: usize) -> u64 {
        let g = &self.groups[gi];
        let mut lag = 0;
        for &t in &g.topics {
            for (p, log) in self.topics[t as usize].partitions.iter().enumerate() {
                let tp = Tp {
                    topic: t,
                    partition: p as u32,
                };
                lag += log
                    .high_watermark()
                    .saturating_sub(g.committed(tp).max(log.log_start_offset()));
            }
        }
        lag
    }

    /// Phase 8: a metrics sample every `SAMPLE_US`.
    fn sample_metrics(&mut self) {
        if self.now_us < self.next_sample_us {
            return;
        }
        self.next_sample_us += SAMPLE_US;
        let secs = SAMPLE_US as f64 / 1e6;
        let appended: u64 = self
            .topics
            .iter_mut()
            .map(|t| std::mem::take(&mut t.appended_in_sample))
            .sum();
        let lag: Vec<u64> = (0..self.groups.len()).map(|g| self.group_lag(g)).collect();
        let backlog = lag.iter().copied().max().unwrap_or(0);
        self.lag_records_max = self.lag_records_max.max(backlog);
        let sample = Sample {
            t_ms: self.now_us / 1000,
            inflow_per_sec: appended as f64 / secs,
            outflow_per_sec: std::mem::take(&mut self.processed_in_sample) as f64 / secs,
            backlog_records: backlog,
            lag_records: lag,
            latency_ms_p50: self.latency.quantile_us(0.5) as f64 / 1000.0,
            latency_ms_p99: self.latency.quantile_us(0.99) as f64 / 1000.0,
            producers_blocked: self.producers.iter().filter(|p| p.is_blocked()).count() as u32,
            failed_records: self.producers.iter().map(|p| p.stats.failed_records).sum(),
        };
        self.history.push(sample);
    }

    fn hash_step(&mut self) {
        let mut h = self.trace_hash;
        let mut mix = |v: u64| {
            h ^= v;
            h = h.wrapping_mul(0x0100_0000_01b3);
        };
        mix(self.now_us);
        for e in &self.events {
            match *e {
                TrafficEvent::Produce {
                    producer,
                    partition,
                    records,
                    ..
                } => mix(1
                    + ((producer as u64) << 8)
                    + ((partition as u64) << 24)
                    + ((records as u64) << 40)),
                TrafficEvent::FetchResponse {
                    member,
                    partition,
                    records,
                    ..
                } => mix(2
                    + ((member as u64) << 8)
                    + ((partition as u64) << 24)
                    + ((records as u64) << 40)),
                other => mix(3 + (format!("{other:?}").len() as u64)),
            }
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
            s.dropped_records += p.stats.failed_records;
            s.producer_blocked_ms += ms(p.stats.blocked_us);
        }
        s.appended_records = self
            .topics
            .iter()
            .flat_map(|t| &t.partitions)
            .map(|l| l.log_end_offset())
            .sum();
        for (gi, g) in self.groups.iter().enumerate() {
            s.consumed_records
                .insert(g.spec.name.clone(), g.stats.processed_records);
            s.lag_records
                .insert(g.spec.name.clone(), self.group_lag(gi));
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
            for (p, log) in t.partitions.iter().enumerate() {
                log.check().map_err(|e| format!("{}-{p}: {e}", t.name))?;
            }
        }
        for g in &self.groups {
            let mut owners = BTreeMap::new();
            for m in &g.members {
                for tp in &m.assigned {
                    if let Some(other) = owners.insert(*tp, &m.id) {
                        return Err(format!("{tp:?} owned by {other} and {}", m.id));
                    }
                }
                let cap = g.spec.max_poll_records as u64;
                if m.inbox_records() > cap {
                    return Err(format!(
                        "{} holds {} records > max.poll.records",
                        m.id,
                        m.inbox_records()
                    ));
                }
            }
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
