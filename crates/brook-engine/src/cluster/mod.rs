//! The simulated cluster and its step. `Cluster::step` runs fifteen phases in order; each
//! family of phases has its own file, numbered as the step calls them:
//!
//! | phases | file | what happens |
//! |---|---|---|
//! | 1 | `commands.rs` | due timeline events and queued commands pass the gate, apply, are logged |
//! | 2-3 | `produce.rs` | producers send batches; leaders append them (through each broker's
//! |     |              | network, request queue and handler threads: `capacity.rs`) |
//! | 4-5 | `replicate.rs` | followers copy, ISR and high watermark move; answers reach producers |
//! | 6-7 | `controller.rs` | crashed brokers noticed, leaders elected; partition moves finish |
//! | 8-12 | `readers.rs` | rebalances; groups poll and process; share groups; push; auto-commit |
//! | 13-15 | `observe.rs` | retention; a metrics sample; the trace hash (and `Summary`, invariants) |

mod capacity;
mod commands;
mod controller;
mod follow;
mod observe;
mod produce;
mod readers;
mod replicate;

pub use capacity::BrokerQueues;
pub use follow::{
    FollowEvent, FollowTarget, Followed, Hop, LostCause, ReaderRef, FOLLOW_EVENTS_MAX,
};
pub use observe::Summary;

use std::collections::VecDeque;

use crate::event::{TrafficEvent, EVENTS_PER_STEP_MAX};
use crate::group::{Group, TopicView};
use crate::metrics::{History, LatencyHistogram, Marker, PartitionSample, Sample};
use crate::producer::{Answer, Outgoing, Producer, ReadyBatch};
use crate::push::Subscription;
use crate::reader::Reader;
use crate::replication::Partition;
use crate::rng::Rng;
use crate::scenario::{limits, Command, Scenario, TimedEvent};
use crate::share::ShareGroup;
use crate::vocab::Tp;

/// Virtual time one step advances, us.
pub const TICK_US: u64 = 1_000;
/// Interval between metric samples, us.
pub const SAMPLE_US: u64 = 100_000;
/// Samples kept in the history (60 s at one every 100 ms).
pub const HISTORY_SAMPLES_MAX: usize = 600;
/// Chart markers kept (spikes, crashes, rebalances), the newest.
pub const MARKERS_MAX: usize = 64;
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
    /// Its way through the broker (`capacity.rs`).
    t: capacity::Timing,
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
    /// Per partition: the end offset of the first request in `pending`, `u64::MAX` when none
    /// waits. Phase 4 compares the high watermark with it in a dense array instead of reaching
    /// into every partition's queue every step (a cache miss each, at 16,384 partitions).
    pending_head: Vec<u64>,
    /// Per producer index, per partition: what the leader knows of the producer's sequence
    /// (a producer's row is as long as the topic, made at its first write here; rebuilt from
    /// the log after a truncation). Rows by producer, not by partition: only the producers of
    /// this topic take room, and an append reads one entry of a short row list instead of a
    /// partition's row as long as the highest producer index (`production`: 32 MB read at
    /// random, a last-level miss per append, against 8 MB).
    producer_seq: Vec<Vec<ProducerSeq>>,
    /// `retention.ms`, None for unlimited.
    pub retention_ms: Option<u64>,
    /// `retention.bytes` per partition, None for unlimited.
    pub retention_bytes: Option<u64>,
    /// `segment.bytes`.
    pub segment_bytes: u64,
    /// Records appended per partition during the current sample interval.
    appended_in_sample: u64,
}

impl Topic {
    /// Starts loading what phase 4's visit to partition `pi` reads ([`crate::prefetch`]): the
    /// partition and its acks=all queue (`first`), then what they point to: the replicas, the
    /// log's newest segment and batch, the first waiting request.
    fn prefetch_partition(&self, pi: usize, first: bool) {
        let Some(part) = self.partitions.get(pi) else { return };
        part.prefetch(first);
        if first {
            if let Some(q) = self.pending.get(pi) {
                crate::prefetch::line(q);
            }
        } else if let Some(a) = self.pending.get(pi).and_then(|q| q.front()) {
            crate::prefetch::line(a);
        }
    }

    /// Queues an acks=all request on partition `pi` until the high watermark passes it.
    fn push_pending(&mut self, pi: usize, a: PendingAck) {
        if self.pending[pi].is_empty() {
            self.pending_head[pi] = a.end_offset;
        }
        self.pending[pi].push_back(a);
    }

    /// Takes every request waiting on partition `pi`.
    fn take_pending(&mut self, pi: usize) -> VecDeque<PendingAck> {
        self.pending_head[pi] = u64::MAX;
        std::mem::take(&mut self.pending[pi])
    }
}

/// A produce request on the wire, or its response.
#[derive(Clone, Copy, Debug)]
struct Request {
    producer: u32,
    topic: u16,
    out: Outgoing,
    due_us: u64,
    /// For responses: how the leader answered.
    answer: Answer,
    /// For successful responses: the broker that answered and the log end after the write.
    from_broker: u16,
    end_offset: u64,
    /// Its way through the broker, for its request metrics (`capacity.rs`).
    t: capacity::Timing,
}

/// What a partition leader knows of one producer (Kafka's `ProducerStateEntry`): the epoch
/// and sequence number of its last batch in the log, and where that batch ends. A partition
/// holds one per producer index, fresh (expecting sequence 1 of epoch 0) until it writes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct ProducerSeq {
    epoch: u16,
    seq: u32,
    end_offset: u64,
}

/// Cluster-wide counters the summary reports.
#[derive(Clone, Copy, Debug, Default)]
struct Counters {
    appended_records: u64,
    duplicate_appends: u64,
    /// Batches appended after a later batch of the same producer and partition.
    out_of_order_batches: u64,
    /// acks=0 records on the wire to a leader that crashed (`leader-crash-in-flight`).
    lost_in_flight_records: u64,
    acked_lost_records: u64,
    committed_lost_records: u64,
    not_enough_replicas: u64,
    /// Records of acks=all requests answered `NOT_ENOUGH_REPLICAS_AFTER_APPEND`.
    not_enough_replicas_after_append: u64,
    /// Records of acks=all requests answered OK while the partition's ISR was below
    /// `min.insync.replicas`: must stay 0 (`check_invariants`).
    acks_all_ok_below_min_isr: u64,
    leader_elections: u64,
    unclean_elections: u64,
}

/// The whole simulated system. `Clone` is an exact snapshot of the run (the page's timeline
/// keeps some as checkpoints).
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
    /// Per broker: budgets, request and response queues, request metrics (`capacity.rs`).
    loads: Vec<capacity::BrokerLoad>,
    /// The order followers fetch partitions in (phase 4): topic and partition indices,
    /// rotated as Kafka's `PartitionStates.updateAndMoveToEnd` rotates a fetcher's partitions.
    replica_order: Vec<(u16, u32)>,
    /// Scratch for phase 4: which partitions of `replica_order` copied this step.
    replica_moved: Vec<bool>,
    /// Which partitions phase 4 visits (those where something happens).
    replica_schedule: replicate::ReplicaSchedule,
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
    /// Notices made in this run, including those the bound dropped.
    notices_total: u64,
    events: Vec<TrafficEvent>,
    events_dropped: u64,
    latency: LatencyHistogram,
    /// The latency histogram as it was at the last sample (for per-interval percentiles).
    latency_at_sample: LatencyHistogram,
    history: History<Sample>,
    /// Moments the charts point at (spikes, crashes, rebalances), the newest
    /// [`MARKERS_MAX`].
    markers: History<Marker>,
    partition_history: History<PartitionSample>,
    next_sample_us: u64,
    next_retention_us: u64,
    /// Entries all partition logs hold one by one ([`crate::LOG_ENTRIES_TOTAL_MAX`] unless a
    /// test lowers it with [`Cluster::set_log_entries_total_max`]).
    log_entries_total_max: usize,
    processed_in_sample: u64,
    lag_records_max: u64,
    trace_hash: u64,
    ready: Vec<ReadyBatch>,
    /// Batches a producer sends this tick (reused, so a step allocates nothing for them).
    sending: Vec<Outgoing>,
    /// The record followed, if any (a view: not part of the run or its trace hash).
    follow: Option<Box<Followed>>,
}

/// A copy of the run between two steps, exact but for the step's scratch lists (emptied by
/// each step before use). Written out rather than derived so that each field's own `clone`
/// is called, not inlined: the page's wasm holds this code once (an engine built for the
/// page is size-optimised).
impl Clone for Cluster {
    fn clone(&self) -> Self {
        #[inline(never)]
        fn field<T: Clone>(x: &T) -> T {
            x.clone()
        }
        Cluster {
            scenario: field(&self.scenario),
            shape: field(&self.shape),
            log: field(&self.log),
            now_us: self.now_us,
            rng: self.rng.clone(),
            brokers: field(&self.brokers),
            loads: field(&self.loads),
            replica_order: field(&self.replica_order),
            replica_moved: Vec::new(),
            replica_schedule: field(&self.replica_schedule),
            counters: self.counters,
            topics: field(&self.topics),
            producers: field(&self.producers),
            producer_topic: field(&self.producer_topic),
            groups: field(&self.groups),
            share_groups: field(&self.share_groups),
            subscriptions: field(&self.subscriptions),
            to_broker: field(&self.to_broker),
            to_producer: field(&self.to_producer),
            moves: self.moves,
            timeline: field(&self.timeline),
            timeline_next: self.timeline_next,
            commands: field(&self.commands),
            notices: field(&self.notices),
            notices_total: self.notices_total,
            events: field(&self.events),
            events_dropped: self.events_dropped,
            latency: field(&self.latency),
            latency_at_sample: field(&self.latency_at_sample),
            history: field(&self.history),
            markers: field(&self.markers),
            partition_history: field(&self.partition_history),
            next_sample_us: self.next_sample_us,
            next_retention_us: self.next_retention_us,
            log_entries_total_max: self.log_entries_total_max,
            processed_in_sample: self.processed_in_sample,
            lag_records_max: self.lag_records_max,
            trace_hash: self.trace_hash,
            ready: Vec::new(),
            sending: Vec::new(),
            follow: field(&self.follow),
        }
    }
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
                pending_head: vec![u64::MAX; t.partitions as usize],
                producer_seq: Vec::new(),
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
        let mut producers: Vec<Producer> = Vec::with_capacity(scenario.producers.len());
        for (p, &t) in scenario.producers.iter().zip(&producer_topic) {
            let partitions = topics[t as usize].partitions.len() as u32;
            producers.push(Producer::new_among(p.clone(), partitions, &producers));
        }
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
        crate::sort::sort_by_key(&mut timeline, |e| e.at_ms);
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
            loads: Vec::new(), // sized by the first step (`capacity_refill`)
            replica_order: Vec::new(), // filled by the first step (`replicate`)
            replica_moved: Vec::new(),
            replica_schedule: replicate::ReplicaSchedule::default(),
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
            notices_total: 0,
            events: Vec::new(),
            events_dropped: 0,
            latency: LatencyHistogram::default(),
            latency_at_sample: LatencyHistogram::default(),
            history: History::new(HISTORY_SAMPLES_MAX),
            markers: History::new(MARKERS_MAX),
            partition_history: History::new(PARTITION_HISTORY_MAX),
            next_sample_us: SAMPLE_US,
            next_retention_us: RETENTION_CHECK_US,
            log_entries_total_max: crate::LOG_ENTRIES_TOTAL_MAX,
            processed_in_sample: 0,
            lag_records_max: 0,
            trace_hash: 0xcbf2_9ce4_8422_2325,
            ready: Vec::new(),
            sending: Vec::new(),
            follow: None,
            shape: scenario.shape(),
            log: Vec::new(),
            scenario,
        };
        for g in &mut c.groups {
            g.rebalance(0);
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

    /// Records a chart marker now (at most [`MARKERS_MAX`] kept).
    #[inline(never)]
    pub(super) fn mark(&mut self, kind: crate::metrics::MarkerKind, subject: String) {
        self.markers.push(Marker { t_ms: self.now_us / 1000, kind, subject });
    }

    /// A reader's lag split into records not yet read and records read but not committed
    /// ([`Reader::uncommitted`]).
    pub fn reader_lag_split(&self, r: Reader<'_>) -> (u64, u64) {
        let uncommitted = r.uncommitted(|t| &self.topics[t as usize].partitions);
        (self.reader_lag(r).saturating_sub(uncommitted), uncommitted)
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

    /// Moments worth pointing at on the charts, oldest first (at most [`MARKERS_MAX`]).
    pub fn markers(&self) -> &History<Marker> {
        &self.markers
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

    /// How many notices this run has made (a new one changes it, even when it repeats the
    /// last one's words).
    pub fn notice_count(&self) -> u64 {
        self.notices_total
    }

    /// A hash of everything that moved so far; equal runs have equal hashes.
    pub fn trace_hash(&self) -> u64 {
        self.trace_hash
    }

    /// Lowers (or raises) the bound on entries all partition logs hold one by one, which is
    /// [`crate::LOG_ENTRIES_TOTAL_MAX`] otherwise: a test reaches it in a few virtual seconds
    /// instead of a minute. Each log still holds at least
    /// [`crate::LOG_ENTRIES_PER_PARTITION_MIN`].
    pub fn set_log_entries_total_max(&mut self, entries: usize) {
        self.log_entries_total_max = entries;
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

    /// The commands still to come from the timeline, in time order: the scenario's own events
    /// not yet due, or what [`Cluster::set_timeline_rest`] put there.
    pub fn timeline_rest(&self) -> &[TimedEvent] {
        &self.timeline[self.timeline_next..]
    }

    /// Commands queued for the next step (none right after a step).
    pub fn queued_commands(&self) -> usize {
        self.commands.len()
    }

    /// Replaces the commands still to come. Each applies at the start of the first step whose
    /// virtual ms reaches its `at_ms`, through the gate, as a scenario's timeline event does
    /// (so one at or before now applies at the next step). The page's timeline uses it on a
    /// copy of the run taken between steps: to replay the commands of the pass it went back
    /// from (their log entries after the copy's time, then that pass's timeline still to
    /// come), and at a fork to keep only the scenario's own events. Refused when the run would
    /// hold more than `limits::EVENTS_MAX` commands, as [`Cluster::command`] is.
    pub fn set_timeline_rest(&mut self, mut events: Vec<TimedEvent>) -> Result<(), String> {
        let held = self.log.len() + events.len() + self.commands.len();
        if held > limits::EVENTS_MAX {
            // The wording of `command`'s own refusal (the page translates it by its words).
            return Err(format!(
                "the run holds {held} commands, the limit of a scenario's timeline ({}); \
                 export it or reset",
                limits::EVENTS_MAX
            ));
        }
        crate::sort::sort_by_key(&mut events, |e| e.at_ms);
        self.timeline.truncate(self.timeline_next);
        self.timeline.extend(events);
        Ok(())
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
        self.apply_commands(); // 1 commands.rs
        self.producers_send(); // 2 produce.rs
        self.brokers_append(); // 3 produce.rs
        self.replicate(); // 4 replicate.rs
        if self.follow.is_some() {
            self.follow_look_replicated(); // a view, not a phase (follow.rs)
        }
        self.acks_return(); // 5 replicate.rs
        self.controller(); // 6 controller.rs
        self.reassign(); // 7 controller.rs
        self.groups_upkeep(); // 8 readers.rs
        self.consumers_fetch_and_process(); // 9 readers.rs
        self.share_groups_acquire_and_process(); // 10 readers.rs
        self.brokers_push_and_subscribers_process(); // 11 readers.rs
        self.commits(); // 12 readers.rs
        self.retention(); // 13 observe.rs
        if self.follow.is_some() {
            self.follow_look(); // a view of one record (follow.rs), not a phase of the run
        }
        self.sample_metrics(); // 14 observe.rs
        self.hash_step(); // 15 observe.rs
    }

    fn push_event(&mut self, e: TrafficEvent) {
        push_bounded(&mut self.events, &mut self.events_dropped, e);
    }

    fn notice(&mut self, text: String) {
        if self.notices.len() == NOTICES_MAX {
            self.notices.pop_front();
        }
        self.notices.push_back(text);
        self.notices_total += 1;
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
