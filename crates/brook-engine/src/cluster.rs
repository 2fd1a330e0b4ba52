//! The simulated cluster and its step: producers send, brokers append, groups rebalance,
//! consumers poll and process, commits, retention, metrics.

use std::collections::{BTreeMap, VecDeque};

use serde::Serialize;

use crate::event::{TrafficEvent, EVENTS_PER_STEP_MAX};
use crate::group::{Fetch, Group, TopicView};
use crate::log::{Batch, Truncated};
use crate::metrics::{History, LatencyHistogram, PartitionOffsets, PartitionSample, Sample};
use crate::producer::{Acks, Outgoing, Producer, RateProfile, ReadyBatch};
use crate::push::Subscription;
use crate::reader::Reader;
use crate::replication::{Election, Partition};
use crate::rng::Rng;
use crate::scenario::{limits, Command, ReaderSpec, Scenario, TimedEvent};
use crate::share::ShareGroup;
use crate::vocab::{Chunk, Tp};

/// Virtual time one step advances, us.
pub const TICK_US: u64 = 1_000;
/// Interval between metric samples, us.
pub const SAMPLE_US: u64 = 100_000;
/// Samples kept in the history (60 s at one every 100 ms).
pub const HISTORY_SAMPLES_MAX: usize = 600;
/// Interval between per-partition samples, us.
pub const PARTITION_SAMPLE_US: u64 = 1_000_000;
/// Per-partition samples kept (one minute at one a second).
pub const PARTITION_HISTORY_MAX: usize = 60;
/// Retention runs this often (Kafka's `log.retention.check.interval.ms` is 5 minutes; Brook
/// checks every second so deletion is visible), us.
pub const RETENTION_CHECK_US: u64 = 1_000_000;
/// Commands waiting for the next step; further ones are refused.
pub const COMMANDS_QUEUED_MAX: usize = 256;
/// Notices (refused commands and the like) kept.
pub const NOTICES_MAX: usize = 64;

/// A broker.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Broker {
    /// Whether it runs.
    pub alive: bool,
    /// When it crashed, virtual us.
    pub crashed_us: Option<u64>,
    /// Whether the controller has noticed the crash (after `broker_session_timeout_ms`).
    pub down_noticed: bool,
    /// Being removed: its replicas are moving to other brokers; it leaves once it hosts none.
    pub leaving: bool,
}

/// An acks=all request appended by the leader, waiting for the high watermark to pass it.
#[derive(Clone, Copy, Debug)]
struct PendingAck {
    end_offset: u64,
    producer: u32,
    out: Outgoing,
}

/// A topic and its partitions.
#[derive(Clone, Debug)]
pub struct Topic {
    /// Name.
    pub name: String,
    /// Partitions (log plus replicas), by index.
    pub partitions: Vec<Partition>,
    /// Replicas per partition.
    pub replication_factor: u32,
    /// `min.insync.replicas`.
    pub min_insync_replicas: u32,
    /// `unclean.leader.election.enable`.
    pub unclean_leader_election: bool,
    /// Per partition: acks=all requests waiting for the high watermark (bounded by the
    /// producers' buffer memory, which every waiting batch holds).
    pending: Vec<VecDeque<PendingAck>>,
    /// `retention.ms`, None for unlimited.
    pub retention_ms: Option<u64>,
    /// `retention.bytes` per partition, None for unlimited.
    pub retention_bytes: Option<u64>,
    /// `segment.bytes`.
    pub segment_bytes: u64,
    /// Records appended per partition during the current sample interval.
    appended_in_sample: u64,
}

/// A produce request on the wire, or its response.
#[derive(Clone, Copy, Debug)]
struct Request {
    producer: u32,
    topic: u16,
    out: Outgoing,
    due_us: u64,
    /// For responses: whether the write succeeded (else the producer retries).
    ok: bool,
    /// For successful responses: the broker that answered and the log end after the write.
    from_broker: u16,
    end_offset: u64,
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
    /// Leader elections, and how many were unclean.
    pub leader_elections: u64,
    /// Unclean leader elections.
    pub unclean_elections: u64,
    /// Virtual ms producers were muted by quotas, summed.
    pub producer_throttled_ms: f64,
    /// Share groups: deliveries after the first (released or lock expired).
    pub redelivered_records: u64,
    /// Share groups: records archived at the delivery limit (dead letters).
    pub archived_records: u64,
    /// Push subscriptions: records dropped by full inboxes (part of `dropped_records`).
    pub push_dropped_records: u64,
    /// Every record that did not arrive where it should, by cause: `commit-before-process`
    /// (a consumer crashed after committing), `retention` (deleted unread), `leader-failover`
    /// (acknowledged, then truncated by a new leader), `push-overflow`, `send-failed`.
    pub lost_records_by_cause: BTreeMap<String, u64>,
    /// Virtual ms groups spent rebalancing, summed.
    pub rebalancing_ms: f64,
    /// Consumer group members with no partition now.
    pub idle_members: u64,
    /// Members removed for exceeding `max.poll.interval.ms`.
    pub max_poll_exceeded: u64,
}

/// Cluster-wide counters the summary reports.
#[derive(Clone, Copy, Debug, Default)]
struct Counters {
    appended_records: u64,
    duplicate_appends: u64,
    acked_lost_records: u64,
    committed_lost_records: u64,
    not_enough_replicas: u64,
    leader_elections: u64,
    unclean_elections: u64,
}

/// The whole simulated system.
pub struct Cluster {
    /// The scenario as loaded; never edited (export adds the command log to it).
    scenario: Scenario,
    /// The system's shape now (names, counts, settings): the starting scenario followed by
    /// every applied command. Commands are checked against it.
    shape: Scenario,
    /// Every command applied so far, at the virtual ms of the step that applied it; bounded
    /// with the timeline still to come by `limits::EVENTS_MAX`, so an export always imports.
    log: Vec<TimedEvent>,
    now_us: u64,
    rng: Rng,
    /// Brokers, by id.
    brokers: Vec<Broker>,
    counters: Counters,
    /// Topics.
    topics: Vec<Topic>,
    /// Producers, in scenario order.
    producers: Vec<Producer>,
    producer_topic: Vec<u16>,
    /// Consumer groups, in scenario order.
    groups: Vec<Group>,
    /// Share groups, in scenario order.
    share_groups: Vec<ShareGroup>,
    /// Push subscriptions, in scenario order.
    subscriptions: Vec<Subscription>,
    to_broker: VecDeque<Request>,
    to_producer: VecDeque<Request>,
    /// Partition moves started and not finished.
    moves: usize,
    timeline: Vec<TimedEvent>,
    timeline_next: usize,
    commands: VecDeque<Command>,
    notices: VecDeque<String>,
    events: Vec<TrafficEvent>,
    events_dropped: u64,
    latency: LatencyHistogram,
    /// The latency histogram as it was at the last sample (for per-interval percentiles).
    latency_at_sample: LatencyHistogram,
    history: History<Sample>,
    partition_history: History<PartitionSample>,
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
        let brokers = scenario.cluster.brokers.max(1);
        let topics: Vec<Topic> = scenario
            .topics
            .iter()
            .map(|t| Topic {
                name: t.name.clone(),
                partitions: (0..t.partitions)
                    .map(|p| new_partition(p, t.replication_factor, brokers, t.segment_bytes))
                    .collect(),
                replication_factor: t.replication_factor,
                min_insync_replicas: t.min_insync_replicas,
                unclean_leader_election: t.unclean_leader_election,
                pending: (0..t.partitions).map(|_| VecDeque::new()).collect(),
                retention_ms: t.retention_ms,
                retention_bytes: t.retention_bytes,
                segment_bytes: t.segment_bytes,
                appended_in_sample: 0,
            })
            .collect();
        let topic_index =
            |name: &str| topics.iter().position(|t| t.name == name).unwrap_or(0) as u16;
        let producer_topic: Vec<u16> =
            scenario.producers.iter().map(|p| topic_index(&p.topic)).collect();
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
        let topic_list =
            |names: &[String]| names.iter().map(|t| topic_index(t)).collect::<Vec<u16>>();
        let share_groups = scenario
            .share_groups
            .iter()
            .map(|g| ShareGroup::new(g.clone(), topic_list(&g.topics)))
            .collect();
        let subscriptions = scenario
            .subscriptions
            .iter()
            .map(|g| Subscription::new(g.clone(), topic_list(&g.topics)))
            .collect();
        let mut timeline = scenario.events.clone();
        timeline.sort_by_key(|e| e.at_ms);
        let mut c = Cluster {
            rng: Rng::new(scenario.seed),
            now_us: 0,
            brokers: vec![
                Broker {
                    alive: true,
                    crashed_us: None,
                    down_noticed: false,
                    leaving: false
                };
                brokers as usize
            ],
            counters: Counters::default(),
            topics,
            producers,
            producer_topic,
            groups,
            share_groups,
            subscriptions,
            to_broker: VecDeque::new(),
            to_producer: VecDeque::new(),
            moves: 0,
            timeline,
            timeline_next: 0,
            commands: VecDeque::new(),
            notices: VecDeque::new(),
            events: Vec::new(),
            events_dropped: 0,
            latency: LatencyHistogram::default(),
            latency_at_sample: LatencyHistogram::default(),
            history: History::new(HISTORY_SAMPLES_MAX),
            partition_history: History::new(PARTITION_HISTORY_MAX),
            next_sample_us: SAMPLE_US,
            next_retention_us: RETENTION_CHECK_US,
            processed_in_sample: 0,
            lag_records_max: 0,
            trace_hash: 0xcbf2_9ce4_8422_2325,
            ready: Vec::new(),
            shape: scenario.shape(),
            log: Vec::new(),
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

    /// Brokers, by id.
    pub fn brokers(&self) -> &[Broker] {
        &self.brokers
    }

    /// Topics, in scenario order.
    pub fn topics(&self) -> &[Topic] {
        &self.topics
    }

    /// Producers, in scenario order (closed ones stay).
    pub fn producers(&self) -> &[Producer] {
        &self.producers
    }

    /// Consumer groups, in scenario order.
    pub fn groups(&self) -> &[Group] {
        &self.groups
    }

    /// Share groups, in scenario order.
    pub fn share_groups(&self) -> &[ShareGroup] {
        &self.share_groups
    }

    /// Push subscriptions, in scenario order.
    pub fn subscriptions(&self) -> &[Subscription] {
        &self.subscriptions
    }

    /// Every reader: consumer groups, then share groups, then push subscriptions.
    pub fn readers(&self) -> impl Iterator<Item = Reader<'_>> + '_ {
        let groups = self.groups.iter().map(Reader::Group);
        let shares = self.share_groups.iter().map(Reader::Share);
        groups.chain(shares).chain(self.subscriptions.iter().map(Reader::Push))
    }

    /// A reader's lag now (see [`Reader::lag`]).
    pub fn reader_lag(&self, r: Reader<'_>) -> u64 {
        r.lag(|t| &self.topics[t as usize].partitions)
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

    /// Per-partition offsets and group commits, one sample a second, oldest first.
    pub fn partition_history(&self) -> &History<PartitionSample> {
        &self.partition_history
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

    /// Checks a command as the gate does before applying it: names against the system's shape
    /// now, values against the scenario file's limits. The message names the field.
    pub fn check_command(&self, c: &Command) -> Result<(), String> {
        self.shape.check_command(c)
    }

    /// The system's shape now: the starting scenario as the applied commands changed it.
    pub fn shape(&self) -> &Scenario {
        &self.shape
    }

    /// Commands applied so far, each at the virtual ms of the step that applied it.
    pub fn command_log(&self) -> &[TimedEvent] {
        &self.log
    }

    /// The run as a scenario that replays it: the starting scenario whose timeline is every
    /// command applied so far, at its virtual time, then the timeline events still to come.
    /// Loading it and running to the same time gives the same trace hash. Events to come that
    /// the commands made impossible (a crash of a member removed by hand) are left out, as the
    /// gate will refuse them when they come due.
    pub fn export(&self) -> Scenario {
        let mut s = self.scenario.clone();
        s.events = self.log.clone();
        let mut shape = self.shape.clone();
        for e in &self.timeline[self.timeline_next..] {
            if shape.check_command(&e.command).is_ok() {
                shape.follow(&e.command);
                s.events.push(e.clone());
            }
        }
        s
    }

    /// Queues a command for the start of the next step, where the gate checks it (see
    /// [`Cluster::check_command`]: against the shape left by the commands queued before it)
    /// and a refusal becomes a notice. Refused at once when the queue is full or the run's
    /// timeline would pass `limits::EVENTS_MAX` (so an export still loads).
    pub fn command(&mut self, c: Command) -> Result<(), String> {
        if self.commands.len() >= COMMANDS_QUEUED_MAX {
            return Err(format!("more than {COMMANDS_QUEUED_MAX} commands queued; wait a step"));
        }
        let held = self.log.len() + (self.timeline.len() - self.timeline_next);
        if held + self.commands.len() >= limits::EVENTS_MAX {
            return Err(format!(
                "the run holds {held} commands, the limit of a scenario's timeline ({}); \
                 export it or reset",
                limits::EVENTS_MAX
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
        self.replicate();
        self.acks_return();
        self.controller();
        self.reassign();
        self.groups_upkeep();
        self.consumers_fetch_and_process();
        self.share_groups_acquire_and_process();
        self.brokers_push_and_subscribers_process();
        self.commits();
        self.retention();
        self.sample_metrics();
        self.hash_step();
    }

    fn push_event(&mut self, e: TrafficEvent) {
        push_bounded(&mut self.events, &mut self.events_dropped, e);
    }

    fn notice(&mut self, text: String) {
        if self.notices.len() == NOTICES_MAX {
            self.notices.pop_front();
        }
        self.notices.push_back(text);
    }
}

/// Partition `p` with `rf` replicas placed round-robin over `brokers`, starting at broker
/// `p % brokers` (which leads), as Kafka's default placement does without racks.
fn new_partition(p: u32, rf: u32, brokers: u32, segment_bytes: u64) -> Partition {
    let ids: Vec<u16> = (0..rf.clamp(1, brokers)).map(|j| ((p + j) % brokers) as u16).collect();
    Partition::new(&ids, segment_bytes)
}

/// Creation time of the record at `offset` of `tp` (0 if the log no longer holds it).
fn create_us(topics: &[Topic], tp: Tp, offset: u64) -> u64 {
    let log = &topics[tp.topic as usize].partitions[tp.partition as usize].log;
    let mut at = 0;
    log.read_committed(offset, 1, |b, _, _| at = b.create_us_at(offset));
    at
}

/// Keeps `e` if the step's events are below [`EVENTS_PER_STEP_MAX`], else counts it dropped.
/// (A free function so loops that borrow other fields of the cluster can use it.)
fn push_bounded(events: &mut Vec<TrafficEvent>, dropped: &mut u64, e: TrafficEvent) {
    if events.len() < EVENTS_PER_STEP_MAX {
        events.push(e);
    } else {
        *dropped += 1;
    }
}

/// What the groups need to know of the topics.
fn views(topics: &[Topic]) -> Vec<TopicView<'_>> {
    topics
        .iter()
        .map(|t| TopicView { name: &t.name, partitions: t.partitions.len() as u32 })
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
            let checked = self.check_command(&c);
            match checked.and_then(|()| self.apply(c.clone())) {
                Ok(()) => {
                    self.shape.follow(&c);
                    self.log.push(TimedEvent { at_ms: now_ms, command: c });
                }
                Err(why) => self.notice(why),
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
                self.groups[i].add_member(now, &views);
                self.push_event(TrafficEvent::Rebalance { group: i as u16 });
            }
            Command::RemoveMember { group } => {
                let i = self.group_index(&group)?;
                if !self.groups[i].remove_member(now, &views) {
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
                if !self.groups[i].restart_member(member as usize, now, &views) {
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
    fn change_members(&mut self, c: Command) -> Result<(), String> {
        let topic_index = |topics: &[Topic], name: &str| {
            topics.iter().position(|t| t.name == name).expect("validated topic") as u16
        };
        match c {
            Command::AddProducer { spec } => {
                let t = topic_index(&self.topics, &spec.topic);
                let partitions = self.topics[t as usize].partitions.len() as u32;
                self.producers.push(Producer::new(spec.clone(), partitions));
                self.producer_topic.push(t);
            }
            Command::AddReader { reader } => {
                let list = |names: &[String]| {
                    names.iter().map(|n| topic_index(&self.topics, n)).collect::<Vec<_>>()
                };
                match reader.clone() {
                    ReaderSpec::Group(g) => {
                        let mut group = Group::new(g.clone(), list(&g.topics));
                        group.rebalance(self.now_us, &views(&self.topics));
                        self.groups.push(group);
                    }
                    ReaderSpec::Share(g) => {
                        self.share_groups.push(ShareGroup::new(g.clone(), list(&g.topics)));
                    }
                    ReaderSpec::Push(g) => {
                        self.subscriptions.push(Subscription::new(g.clone(), list(&g.topics)));
                    }
                }
            }
            Command::RemoveReader { name } => {
                self.groups.retain(|g| g.spec.name != name);
                self.share_groups.retain(|g| g.spec.name != name);
                self.subscriptions.retain(|g| g.spec.name != name);
            }
            _ => unreachable!("change_members is called with add and remove commands only"),
        }
        Ok(())
    }

    /// A broker joins or leaves. Ids stay dense: only the highest-numbered broker may leave;
    /// one hosting replicas first moves them away (see [`Cluster::reassign`]).
    fn change_brokers(&mut self, c: Command) -> Result<(), String> {
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
                    self.brokers.pop();
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
    fn refuse_while_leaving(&self, what: &str) -> Result<(), String> {
        match self.brokers.iter().position(|b| b.leaving) {
            Some(id) => Err(format!("broker {id} is leaving; {what} once it has left")),
            None => Ok(()),
        }
    }

    /// Refuses a new reassignment while moves are copying (a partition moves one replica at a
    /// time).
    fn refuse_while_moving(&self) -> Result<(), String> {
        match self.moves {
            0 => Ok(()),
            n => Err(format!("{n} partition moves are still copying; wait for them")),
        }
    }

    /// Replicas hosted per broker, by broker id.
    fn replica_load(&self) -> Vec<usize> {
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
    fn reassignment_plan(&self, from: u16) -> Result<Vec<(usize, usize, u16)>, String> {
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

    fn start_move(&mut self, ti: usize, pi: usize, from: u16, to: u16) {
        if self.topics[ti].partitions[pi].start_move(from, to) {
            self.moves += 1;
        }
    }

    /// Plans and starts moves from the most to the least loaded live brokers until loads
    /// differ by at most one replica (bounded by the number of replicas).
    fn balance_replicas(&mut self) -> Result<(), String> {
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

    /// Phase 6: partition moves (off a leaving broker, or balancing). A move finishes once
    /// the new replica is in the ISR: leadership leaves the old replica (a clean election
    /// among the rest of the ISR), which is then dropped. A leaving broker with no replica
    /// left leaves the cluster.
    fn reassign(&mut self) {
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
            self.brokers.pop();
        }
    }

    /// Applies a settings change after checking it against the limits.
    fn configure(&mut self, c: Command) -> Result<(), String> {
        match c {
            Command::ConfigureProducer {
                producer,
                rate_per_sec,
                acks,
                linger_ms,
                batch_bytes,
                buffer_bytes,
                profile,
                keys,
            } => {
                let i = self.producer_index(&producer)?;
                let p = &mut self.producers[i];
                if let Some(r) = rate_per_sec {
                    p.set_profile(RateProfile::Constant { rate_per_sec: r });
                }
                if let Some(profile) = profile {
                    p.set_profile(profile);
                }
                if let Some(k) = keys {
                    p.set_keys(k);
                }
                p.spec.acks = acks.unwrap_or(p.spec.acks);
                p.spec.linger_ms = linger_ms.unwrap_or(p.spec.linger_ms);
                p.spec.batch_bytes = batch_bytes.unwrap_or(p.spec.batch_bytes);
                p.spec.buffer_bytes = buffer_bytes.unwrap_or(p.spec.buffer_bytes);
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
    fn share_member(&mut self, group: &str, member: u32, crash: bool) -> Result<(), String> {
        let g = self
            .share_groups
            .iter_mut()
            .find(|g| g.spec.name == group)
            .ok_or_else(|| format!("no group named \"{group}\""))?;
        let m = g
            .members
            .get_mut(member as usize)
            .ok_or_else(|| format!("{group} has no member {member}"))?;
        if m.crashed == crash {
            return Err(format!(
                "{group} member {member} is already {}",
                if crash { "down" } else { "running" }
            ));
        }
        m.crashed = crash;
        m.fetch_due_us = None;
        Ok(())
    }

    fn add_partitions(&mut self, topic: &str, count: u32) -> Result<(), String> {
        let t = self
            .topics
            .iter()
            .position(|t| t.name == topic)
            .ok_or_else(|| format!("no topic named \"{topic}\""))?;
        self.refuse_while_leaving("add partitions")?;
        let max = crate::scenario::limits::PARTITIONS_MAX;
        let now = self.topics[t].partitions.len() as u32;
        if count == 0 || now + count > max {
            return Err(format!("{topic}: {now} + {count} partitions exceeds the limit {max}"));
        }
        let (seg, rf) = (self.topics[t].segment_bytes, self.topics[t].replication_factor);
        let brokers = self.brokers.len() as u32;
        let topic = &mut self.topics[t];
        topic.partitions.extend((now..now + count).map(|p| new_partition(p, rf, brokers, seg)));
        topic.pending.extend((0..count).map(|_| VecDeque::new()));
        for (p, &pt) in self.producers.iter_mut().zip(&self.producer_topic) {
            if pt as usize == t {
                p.set_partitions(now + count);
            }
        }
        let views = views(&self.topics);
        for (gi, g) in self.groups.iter_mut().enumerate() {
            if g.topics.contains(&(t as u16)) {
                g.rebalance(self.now_us, &views);
                let e = TrafficEvent::Rebalance { group: gi as u16 };
                push_bounded(&mut self.events, &mut self.events_dropped, e);
            }
        }
        Ok(())
    }

    /// Phase 1: producers create records and batch them; batches that may go are sent to the
    /// partition leader, unless the partition is offline, the producer is muted by a quota, or
    /// a retry is backing off. Batches past `delivery.timeout.ms` fail.
    fn producers_send(&mut self) {
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

    fn send(&mut self, i: usize, topic: u16, o: Outgoing, delay_us: u64) {
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

    /// Phase 2: requests reach their partition leader, which appends them (or refuses: not the
    /// leader any more, or too few in-sync replicas for acks=all).
    fn brokers_append(&mut self) {
        while self.to_broker.front().is_some_and(|r| r.due_us <= self.now_us) {
            let r = self.to_broker.pop_front().expect("front checked");
            self.append_request(r);
        }
    }

    fn append_request(&mut self, r: Request) {
        let now = self.now_us;
        let delay_us = self.scenario.cluster.network_delay_us as u64;
        let spec = &self.producers[r.producer as usize].spec;
        let (acks, idempotent, quota) = (spec.acks, spec.idempotent(), spec.quota_bytes_per_sec);
        let b = r.out.batch;
        let t = &mut self.topics[r.topic as usize];
        let part = &mut t.partitions[b.partition as usize];
        let leader_up = part.leader_broker().is_some_and(|l| self.brokers[l as usize].alive);
        let refuse = if !leader_up {
            true
        } else if acks == Acks::All && (part.isr.len() as u32) < t.min_insync_replicas {
            self.counters.not_enough_replicas += 1;
            true
        } else {
            false
        };
        let from_broker = part.leader_broker().unwrap_or(0);
        let reply = |ok: bool, end_offset: u64| Request {
            ok,
            due_us: now + delay_us,
            from_broker,
            end_offset,
            ..r
        };
        if refuse {
            if acks != Acks::None {
                self.to_producer.push_back(reply(false, 0));
            }
            return;
        }
        if r.out.in_log && idempotent {
            // The broker knows this producer's sequence numbers: a duplicate is acknowledged,
            // not appended.
            self.to_producer.push_back(reply(true, 0));
            return;
        }
        if r.out.in_log {
            self.counters.duplicate_appends += b.count as u64;
            self.producers[r.producer as usize].stats.duplicated_records += b.count as u64;
        }
        part.log.append(Batch {
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
        part.leader_appended();
        let end_offset = part.log.log_end_offset();
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
            self.charge_quota(r.producer as usize, b.bytes as u64, q);
        }
    }

    /// Token bucket per client: past its quota the broker answers with a throttle time and the
    /// client stays muted until it passes (broker-side backpressure).
    fn charge_quota(&mut self, producer: usize, bytes: u64, quota_bytes_per_sec: u64) {
        let now = self.now_us;
        let p = &mut self.producers[producer];
        let rate = quota_bytes_per_sec as f64;
        p.quota_tokens_bytes -= bytes as f64;
        if p.quota_tokens_bytes < 0.0 {
            let wait_us = (-p.quota_tokens_bytes / rate * 1e6) as u64;
            p.throttled_until_us = p.throttled_until_us.max(now + wait_us);
        }
    }

    /// Phase 3: followers copy from leaders; ISR and high watermarks move; acks=all requests
    /// whose records are now committed are answered.
    fn replicate(&mut self) {
        let now = self.now_us;
        let delay_us = self.scenario.cluster.network_delay_us as u64;
        let lag_max_us = self.scenario.cluster.replica_lag_time_max_ms as u64 * 1000;
        let alive: Vec<bool> = self.brokers.iter().map(|b| b.alive).collect();
        for p in &mut self.producers {
            let rate = p.spec.quota_bytes_per_sec.unwrap_or(0) as f64;
            p.quota_tokens_bytes = (p.quota_tokens_bytes + rate * TICK_US as f64 / 1e6).min(rate);
        }
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

    /// Phase 4: responses reach producers: acknowledgements free buffer memory; errors are
    /// retried after `retry.backoff.ms` while retries remain.
    fn acks_return(&mut self) {
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

    /// Phase 5: the controller notices crashed brokers after the session timeout and moves
    /// leadership; requests waiting on a lost leader fail and are retried.
    fn controller(&mut self) {
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
            self.elect_leaders();
        }
    }

    /// Runs leader election on every partition with the brokers the controller knows are down.
    fn elect_leaders(&mut self) {
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
    fn leader_changed(
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

    /// The old leader's waiting acks=all requests fail (NOT_LEADER). What survived in the log
    /// is a duplicate if a non-idempotent producer resends it.
    fn fail_pending(&mut self, ti: usize, pi: usize) {
        let delay_us = self.scenario.cluster.network_delay_us as u64;
        let log_end = self.topics[ti].partitions[pi].log.log_end_offset();
        let pending = std::mem::take(&mut self.topics[ti].pending[pi]);
        for a in pending {
            let out = Outgoing { in_log: a.end_offset <= log_end, ..a.out };
            self.to_producer.push_back(Request {
                producer: a.producer,
                topic: ti as u16,
                out,
                due_us: self.now_us + delay_us,
                ok: false,
                from_broker: 0,
                end_offset: 0,
            });
        }
    }

    fn crash_broker(&mut self, b: usize) -> Result<(), String> {
        let broker = self.brokers.get_mut(b).ok_or_else(|| format!("no broker {b}"))?;
        if !broker.alive {
            return Err(format!("broker {b} is already down"));
        }
        *broker =
            Broker { alive: false, crashed_us: Some(self.now_us), down_noticed: false, ..*broker };
        // Connections to it reset: answers it had sent but not delivered are lost, and their
        // producers resend what is in fact already in the log.
        for r in self.to_producer.iter_mut().filter(|r| r.ok && r.from_broker as usize == b) {
            let hw = self.topics[r.topic as usize].partitions[r.out.batch.partition as usize]
                .log
                .high_watermark();
            r.ok = false;
            r.out.in_log = r.end_offset > 0 && r.end_offset <= hw;
        }
        self.push_event(TrafficEvent::BrokerDown { broker: b as u32 });
        Ok(())
    }

    fn restart_broker(&mut self, b: usize) -> Result<(), String> {
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

    /// Phase 7: session expiry and rebalance rounds.
    fn groups_upkeep(&mut self) {
        let views = views(&self.topics);
        for (gi, g) in self.groups.iter_mut().enumerate() {
            let before = g.stats.rebalances;
            g.upkeep(self.now_us, TICK_US, &views);
            if g.stats.rebalances > before {
                let e = TrafficEvent::Rebalance { group: gi as u16 };
                push_bounded(&mut self.events, &mut self.events_dropped, e);
            }
        }
    }

    /// Whether the leader of `tp` is up, so it can serve reads.
    fn readable(&self, tp: Tp) -> bool {
        let part = &self.topics[tp.topic as usize].partitions[tp.partition as usize];
        part.leader_broker().is_some_and(|l| self.brokers[l as usize].alive)
    }

    /// Every partition of `topics` that can serve reads, with its log start and high watermark.
    fn readable_partitions(&self, topics: &[u16]) -> Vec<(Tp, u64, u64)> {
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

    /// Phase 8b: share group members acquire records under locks and accept or release them.
    fn share_groups_acquire_and_process(&mut self) {
        let now = self.now_us;
        let delay_us = self.scenario.cluster.network_delay_us as u64;
        for si in 0..self.share_groups.len() {
            self.share_groups[si].expire_locks(now);
            let parts = self.readable_partitions(&self.share_groups[si].topics.clone());
            for mi in 0..self.share_groups[si].members.len() {
                let m = &self.share_groups[si].members[mi];
                if m.crashed {
                    continue;
                }
                match m.fetch_due_us {
                    None if m.held.is_empty() && !parts.is_empty() => {
                        self.share_groups[si].members[mi].fetch_due_us = Some(now + delay_us);
                    }
                    Some(due) if due <= now => {
                        self.share_groups[si].members[mi].fetch_due_us = None;
                        let topics = &self.topics;
                        let create = |tp: Tp, o: u64| create_us(topics, tp, o);
                        let before = self.share_groups[si].stats;
                        let got = self.share_groups[si].acquire(mi, now, &parts, &create);
                        let after = self.share_groups[si].stats;
                        let again = after.redelivered_records - before.redelivered_records;
                        if again > 0 {
                            let (share, member) = (si as u16, mi as u32);
                            let e = TrafficEvent::Redelivered { share, member, records: again };
                            self.push_event(e);
                        }
                        let dead = after.archived_records - before.archived_records;
                        if dead > 0 {
                            let e = TrafficEvent::Archived { share: si as u16, records: dead };
                            self.push_event(e);
                        }
                        for (tp, records) in got {
                            self.push_event(TrafficEvent::ShareFetch {
                                share: si as u16,
                                member: mi as u32,
                                topic: tp.topic,
                                partition: tp.partition,
                                records: records as u32,
                            });
                        }
                    }
                    _ => {}
                }
                let latency = &mut self.latency;
                let n = self.share_groups[si].process(mi, TICK_US, &mut self.rng, |created| {
                    latency.record(now.saturating_sub(created), 1);
                });
                self.processed_in_sample += n;
            }
        }
    }

    /// Phase 8c: brokers push committed records to subscribers (within prefetch credit, or all
    /// of them); subscribers receive, drop what overflows, and process.
    fn brokers_push_and_subscribers_process(&mut self) {
        let now = self.now_us;
        let delay_us = self.scenario.cluster.network_delay_us as u64;
        for si in 0..self.subscriptions.len() {
            let parts = self.readable_partitions(&self.subscriptions[si].topics.clone());
            for (tp, log_start, hw) in parts {
                let sub = &self.subscriptions[si];
                let from = sub.cursor(tp).max(log_start);
                let credit = sub.credit();
                if from >= hw || credit == 0 {
                    continue;
                }
                let log = &self.topics[tp.topic as usize].partitions[tp.partition as usize].log;
                let mut chunks = Vec::new();
                log.read_committed(from, credit, |b, a, z| {
                    chunks.push(Chunk { tp, from: a, to: z, batch: *b, cost_us: 0.0 });
                });
                let mut pushed = 0;
                for c in chunks {
                    pushed += c.to - c.from;
                    self.subscriptions[si].push(c, now + delay_us);
                }
                if pushed > 0 {
                    self.push_event(TrafficEvent::Push {
                        subscription: si as u16,
                        topic: tp.topic,
                        partition: tp.partition,
                        records: pushed as u32,
                    });
                }
            }
            let dropped = self.subscriptions[si].receive(now, &mut self.rng);
            if dropped > 0 {
                self.push_event(TrafficEvent::PushDropped {
                    subscription: si as u16,
                    records: dropped,
                });
            }
            let latency = &mut self.latency;
            let n = self.subscriptions[si].process(TICK_US, |c, from, to| {
                let mid = from + (to - from - 1) / 2;
                latency.record(now.saturating_sub(c.batch.create_us_at(mid)), to - from);
            });
            self.processed_in_sample += n;
        }
    }

    /// Phase 8: members poll (fetch requests, long polls, answers) and process records.
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
            let part = &self.topics[tp.topic as usize].partitions[tp.partition as usize];
            if !part.leader_broker().is_some_and(|l| self.brokers[l as usize].alive) {
                continue; // no reachable leader: nothing from this partition
            }
            let log = &part.log;
            let g = &mut self.groups[gi];
            let from = g.start_position(tp, log.log_start_offset());
            let mut chunks: Vec<Chunk> = Vec::new();
            let to = log.read_committed(from, room, |b, a, z| {
                chunks.push(Chunk { tp, from: a, to: z, batch: *b, cost_us: 0.0 });
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
                self.push_event(TrafficEvent::EmptyFetch { group: gi as u16, member: mi as u32 });
            }
            self.groups[gi].members[mi].fetch = Some(Fetch::ToMember { at_us: now + delay_us });
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

    /// Phase 9: auto-commit.
    fn commits(&mut self) {
        for g in &mut self.groups {
            g.auto_commit(self.now_us);
        }
    }

    /// Phase 10: retention deletes old segments.
    fn retention(&mut self) {
        if self.now_us < self.next_retention_us {
            return;
        }
        self.next_retention_us += RETENTION_CHECK_US;
        for ti in 0..self.topics.len() {
            for pi in 0..self.topics[ti].partitions.len() {
                let t = &mut self.topics[ti];
                let d = t.partitions[pi].log.enforce_retention(
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

    /// Phase 11: a metrics sample every `SAMPLE_US`.
    fn sample_metrics(&mut self) {
        if self.now_us < self.next_sample_us {
            return;
        }
        self.next_sample_us += SAMPLE_US;
        let secs = SAMPLE_US as f64 / 1e6;
        let appended: u64 =
            self.topics.iter_mut().map(|t| std::mem::take(&mut t.appended_in_sample)).sum();
        let lag: Vec<u64> = self.readers().map(|r| self.reader_lag(r)).collect();
        let backlog = lag.iter().copied().max().unwrap_or(0);
        self.lag_records_max = self.lag_records_max.max(backlog);
        let ms = |us: u64| us as f64 / 1000.0;
        let window = &self.latency_at_sample;
        let lost = self
            .groups
            .iter()
            .map(|g| g.stats.lost_records + g.stats.lost_to_retention_records)
            .sum::<u64>()
            + self.counters.acked_lost_records;
        let sample = Sample {
            t_ms: self.now_us / 1000,
            inflow_per_sec: appended as f64 / secs,
            outflow_per_sec: std::mem::take(&mut self.processed_in_sample) as f64 / secs,
            backlog_records: backlog,
            lag_records: lag,
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
                .sum::<u64>()
                + self.subscriptions.iter().map(|s| s.stats.dropped_records).sum::<u64>(),
            duplicate_records: self.groups.iter().map(|g| g.stats.duplicate_records).sum(),
            lost_records: lost,
        };
        self.latency_at_sample = self.latency.clone();
        if self.now_us % PARTITION_SAMPLE_US == 0 {
            self.sample_partitions();
        }
        self.history.push(sample);
    }

    fn sample_partitions(&mut self) {
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
                    let n = self.topics[t as usize].partitions.len() as u32;
                    out.extend((0..n).map(|p| g.committed(Tp { topic: t, partition: p })));
                }
                out
            })
            .collect();
        let t_ms = self.now_us / 1000;
        self.partition_history.push(PartitionSample { t_ms, partitions, committed });
    }

    fn hash_step(&mut self) {
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
            s.dropped_records += p.stats.failed_records + p.stats.expired_records;
            s.producer_blocked_ms += ms(p.stats.blocked_us);
            s.producer_throttled_ms += ms(p.stats.throttled_us);
            s.retried_records += p.stats.retried_records;
        }
        for r in self.readers() {
            s.consumed_records.insert(r.name().to_string(), r.consumed_records());
            s.lag_records.insert(r.name().to_string(), self.reader_lag(r));
        }
        for g in &self.share_groups {
            s.redelivered_records += g.stats.redelivered_records;
            s.archived_records += g.stats.archived_records;
        }
        for sub in &self.subscriptions {
            s.dropped_records += sub.stats.dropped_records;
            s.push_dropped_records += sub.stats.dropped_records;
        }
        let mut commit_lost = 0;
        let mut retention_lost = 0;
        for g in &self.groups {
            commit_lost += g.stats.lost_records;
            retention_lost += g.stats.lost_to_retention_records;
            s.rebalancing_ms += ms(g.stats.rebalancing_us);
            s.max_poll_exceeded += g.stats.max_poll_exceeded;
            s.idle_members += (0..g.members.len())
                .filter(|&i| g.member_state(i) == crate::group::MemberState::Idle)
                .count() as u64;
        }
        let c = self.counters;
        for (cause, n) in [
            ("commit-before-process", commit_lost),
            ("retention", retention_lost),
            ("leader-failover", c.acked_lost_records),
            ("push-overflow", s.push_dropped_records),
            ("send-failed", s.dropped_records - s.push_dropped_records),
        ] {
            s.lost_records_by_cause.insert(cause.to_string(), n);
        }
        s.appended_records = c.appended_records;
        s.duplicate_appends = c.duplicate_appends;
        s.acked_lost_records = c.acked_lost_records;
        s.committed_lost_records = c.committed_lost_records;
        s.not_enough_replicas = c.not_enough_replicas;
        s.leader_elections = c.leader_elections;
        s.unclean_elections = c.unclean_elections;
        for g in &self.groups {
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
            for (p, part) in t.partitions.iter().enumerate() {
                part.check().map_err(|e| format!("{}-{p}: {e}", t.name))?;
            }
        }
        for r in self.readers() {
            r.check()?;
        }
        let c = self.counters;
        if c.committed_lost_records > 0 && c.unclean_elections == 0 {
            return Err(format!(
                "{} committed records lost without an unclean election",
                c.committed_lost_records
            ));
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
