//! `brook drive`: a scenario's producers and consumer groups against a real Kafka-protocol
//! cluster, through librdkafka (`rdkafka`, built from its bundled sources), measured.
//!
//! Every record carries in the first [`RECORD_HEADER_BYTES`] of its value this run's id, its
//! producer, its sequence number and when it was created (µs since the run started). The run
//! keeps its own ledger: what each producer was told was written (partition and offset, from
//! the delivery reports) and what each consumer group processed. Lag, losses and duplicates
//! come from that ledger and the committed offsets read back at the end, not from the
//! broker's end offsets (some Kafka-protocol brokers report those wrong).
//!
//! Threads: one per producer (a `ThreadedProducer`: librdkafka's own thread serves the
//! delivery reports), one per consumer group member (a `BaseConsumer` each, as in Kafka one
//! consumer per member); the calling thread applies the timeline, samples every second and
//! stops everything at the end, at Ctrl-C, or when the run time is up.

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicU8, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use brook_engine::{
    key_name, zipf_cdf, Acks, AssignorKind, Command, CommitMode, GroupSpec, KeySpec, OffsetReset,
    PartitionerKind, ProcessingDist, ProducerSpec, RateProfile, Rng, Scenario, Summary,
};
use rdkafka::admin::{AdminClient, AdminOptions, NewTopic, TopicReplication};
use rdkafka::client::DefaultClientContext;
use rdkafka::config::ClientConfig;
use rdkafka::consumer::{BaseConsumer, Consumer, ConsumerContext, Rebalance};
use rdkafka::error::{KafkaError, RDKafkaErrorCode};
use rdkafka::message::Message;
use rdkafka::producer::{BaseRecord, DeliveryResult, Producer, ProducerContext, ThreadedProducer};
use rdkafka::{ClientContext, Offset, TopicPartitionList};
use serde::Serialize;

use crate::progress;

/// Bytes at the start of every record's value that identify it (run id 8, producer 2,
/// sequence 8, creation µs 8). A scenario's smaller `record_bytes` is raised to this.
pub const RECORD_HEADER_BYTES: usize = 26;
/// Records whose identity the ledger keeps (acknowledged, and processed per group): beyond
/// this, records are still produced and counted, but not matched (the summary says how many).
pub const RECORDS_TRACKED_MAX: usize = 4_000_000;
/// Rebalance and member events kept for the summary.
pub const EVENTS_MAX: usize = 10_000;
/// Records a producer's librdkafka queue may hold unsent (`queue.buffering.max.messages`).
pub const PRODUCER_QUEUE_RECORDS_MAX: u32 = 100_000;
/// Records one producer sends per ms of wall time, at most (a rate above this is reported).
pub const SEND_RECORDS_PER_MS_MAX: u64 = 1_000;
/// How long the end of a run waits for producers to deliver what they queued, and for each
/// member to leave its group, s.
pub const FLUSH_S_MAX: u64 = 10;
/// How long the start waits for every group's members to be given partitions, at most, s
/// (some brokers hold the first join for part of `session.timeout.ms`).
pub const WARMUP_S_MAX: u64 = 120;
/// The warm-up's limit is at least this, s.
pub const WARMUP_S_MIN: u64 = 30;
/// Samples kept (one a second): the run's longest.
pub const SAMPLES_MAX: usize = 3_700;
/// Rebalance callbacks of one group further apart than this are separate rebalances, ms.
const REBALANCE_ROUND_GAP_MS: u64 = 500;

/// What `brook drive` measured.
#[derive(Debug, Serialize)]
pub struct Measured {
    /// `brook run`'s summary keys, measured; the keys a client cannot measure are listed in
    /// `not_measured` and left at 0.
    #[serde(flatten)]
    pub summary: Summary,
    pub scenario: String,
    pub bootstrap: String,
    /// Wall ms of the measured run (after the warm-up).
    pub wall_ms: f64,
    /// Wall ms the groups took to get their first partitions, before producing started.
    pub warmup_ms: f64,
    /// Whether Ctrl-C cut the run short.
    pub interrupted: bool,
    /// Per group: acknowledged records of its topics it never processed and has not committed
    /// past (still to read at the end).
    pub unconsumed_records: BTreeMap<String, u64>,
    /// Per group: the committed offsets read back from the cluster at the end.
    pub committed_offsets: BTreeMap<String, BTreeMap<String, i64>>,
    /// Keys acknowledged on more than one partition of a topic (Kafka's default partitioner
    /// keeps a key on one partition while the partition count stays).
    pub keys_on_several_partitions: u64,
    /// Keys seen, per topic.
    pub keys_seen: BTreeMap<String, u64>,
    /// Records not matched because the ledger was full ([`RECORDS_TRACKED_MAX`]).
    pub untracked_records: u64,
    /// Records read that another run (or another tool) wrote: not counted.
    pub foreign_records: u64,
    /// Timeline events applied, with the wall ms they were applied at.
    pub applied_events: Vec<AppliedEvent>,
    /// Rebalance callbacks (assign, revoke) of each member, in order (at most [`EVENTS_MAX`]).
    pub rebalance_events: Vec<RebalanceEvent>,
    /// One sample a wall second.
    pub samples: Vec<Sample>,
    /// Summary keys a client cannot measure.
    pub not_measured: Vec<&'static str>,
    /// What the run changed or could not do as the scenario says (said, not skipped).
    pub notes: Vec<String>,
}

/// A timeline event as applied.
#[derive(Clone, Debug, Serialize)]
pub struct AppliedEvent {
    pub t_ms: u64,
    pub event: String,
    /// For member events: the group and member.
    pub group: Option<String>,
    pub member: Option<u32>,
}

/// One rebalance callback.
#[derive(Clone, Debug, Serialize)]
pub struct RebalanceEvent {
    pub t_ms: u64,
    pub group: String,
    pub member: u32,
    /// `assign` or `revoke` (the eager protocol revokes everything, then assigns).
    pub kind: &'static str,
    /// `topic-partition`s.
    pub partitions: Vec<String>,
}

/// One second of the run.
#[derive(Clone, Debug, Serialize)]
pub struct Sample {
    pub t_ms: u64,
    /// Records producers handed to the client so far.
    pub produced_records: u64,
    /// Records the cluster acknowledged so far.
    pub acked_records: u64,
    /// Per group: records processed so far, duplicates counted once.
    pub processed_records: BTreeMap<String, u64>,
    /// Per group: acknowledged records of its topics not processed yet.
    pub lag_records: BTreeMap<String, u64>,
    /// End-to-end latency of the records processed in this second, p50 and p99, ms.
    pub latency_ms_p50: f64,
    pub latency_ms_p99: f64,
}

/// A record's identity: producer index and sequence number.
type RecordId = (u16, u64);

#[derive(Default)]
struct Ledger {
    /// Where each acknowledged record went: (topic, partition, offset).
    acked: HashMap<RecordId, (u16, i32, i64)>,
    /// Per group: how many times each record was processed.
    processed: Vec<HashMap<RecordId, u32>>,
    /// Per group: distinct records processed.
    distinct: Vec<u64>,
    /// Per group: partitions assigned without a committed offset, whose next read starts
    /// where `auto.offset.reset` put it.
    pending_reset: Vec<std::collections::HashSet<(String, i32)>>,
    /// Per group and partition: the offsets reads started from after such a reset (what lies
    /// below, unread, was skipped by the reset, not lost).
    reset_points: Vec<HashMap<(String, i32), i64>>,
    /// Per group and topic: acknowledged records.
    acked_per_topic: Vec<u64>,
    /// (topic, key) -> the partitions it was acknowledged on (a bit each, up to 64; beyond,
    /// the first partition is kept and any other counts as a second one).
    key_partitions: HashMap<(u16, u32), (i32, bool)>,
    untracked: u64,
    foreign: u64,
    failed: u64,
    timed_out: u64,
    /// End-to-end latencies, µs, of every processed record (bounded).
    latencies_us: Vec<u64>,
    /// Latencies of the current second.
    second_latencies_us: Vec<u64>,
    events: Vec<RebalanceEvent>,
    /// Per group: the last error a member's poll returned (said when the warm-up fails).
    last_error: Vec<Option<String>>,
}

impl Ledger {
    fn tracked(&self) -> usize {
        self.acked.len() + self.processed.iter().map(HashMap::len).sum::<usize>()
    }
}

struct Shared {
    run_id: u64,
    started: Instant,
    /// Set once producing starts: the origin of every `t_ms` and creation time.
    t0: Mutex<Option<Instant>>,
    ledger: Mutex<Ledger>,
    topics: Vec<String>,
    group_names: Vec<String>,
    stop: AtomicBool,
}

impl Shared {
    fn ledger(&self) -> MutexGuard<'_, Ledger> {
        self.ledger.lock().unwrap_or_else(|e| e.into_inner())
    }
    fn t0(&self) -> Instant {
        self.t0.lock().unwrap_or_else(|e| e.into_inner()).unwrap_or(self.started)
    }
    fn now_us(&self) -> u64 {
        self.t0().elapsed().as_micros() as u64
    }
    fn topic_index(&self, name: &str) -> Option<u16> {
        self.topics.iter().position(|t| t == name).map(|i| i as u16)
    }
}

/// A record's value prefix: run id, producer, sequence, creation µs.
type Prefix = (u64, u16, u64, u64);

/// The value prefix of a record.
fn encode(buf: &mut [u8], run_id: u64, producer: u16, seq: u64, created_us: u64) {
    buf[..8].copy_from_slice(&run_id.to_le_bytes());
    buf[8..10].copy_from_slice(&producer.to_le_bytes());
    buf[10..18].copy_from_slice(&seq.to_le_bytes());
    buf[18..26].copy_from_slice(&created_us.to_le_bytes());
}

/// `(run_id, producer, seq, created_us)` of a record's value, if it has the prefix.
fn decode(value: &[u8]) -> Option<Prefix> {
    if value.len() < RECORD_HEADER_BYTES {
        return None;
    }
    let u64_at = |i: usize| u64::from_le_bytes(value[i..i + 8].try_into().expect("8 bytes"));
    Some((u64_at(0), u16::from_le_bytes([value[8], value[9]]), u64_at(10), u64_at(18)))
}

/// What a client cannot do or cause, each naming the feature and the scenario field; empty
/// when the scenario can be driven.
pub fn refusals(s: &Scenario) -> Vec<String> {
    let mut out = Vec::new();
    for (i, g) in s.share_groups.iter().enumerate() {
        out.push(format!(
            "share_groups[{i}] (\"{}\"): share groups (KIP-932) need a share consumer, which \
             librdkafka does not have",
            g.name
        ));
    }
    for (i, _) in s.subscriptions.iter().enumerate() {
        out.push(format!(
            "subscriptions[{i}]: push subscriptions (RabbitMQ, Redis Pub/Sub, MQTT models) are \
             not Kafka: a Kafka consumer pulls"
        ));
    }
    for (i, p) in s.producers.iter().enumerate() {
        if p.quota_bytes_per_sec.is_some() {
            out.push(format!(
                "producers[{i}].quota_bytes_per_sec: a client quota is the cluster's \
                 configuration (kafka-configs --entity-type clients), not a client setting"
            ));
        }
    }
    for (i, g) in s.groups.iter().enumerate() {
        if g.assignor == AssignorKind::Sticky {
            out.push(format!(
                "groups[{i}].assignor: librdkafka has no eager \"sticky\" assignor (it has \
                 range, roundrobin and cooperative-sticky)"
            ));
        }
    }
    for (i, e) in s.events.iter().enumerate() {
        let what = match &e.command {
            Command::SetRate { .. }
            | Command::Spike { .. }
            | Command::AddMember { .. }
            | Command::RemoveMember { .. }
            | Command::CrashMember { .. }
            | Command::RestartMember { .. } => continue,
            Command::CrashBroker { .. } | Command::RestartBroker { .. } => {
                "crash-broker and restart-broker: a client cannot stop a broker"
            }
            Command::AddBroker | Command::RemoveBroker { .. } | Command::BalanceReplicas => {
                "adding, removing and rebalancing brokers is the cluster operator's work"
            }
            Command::AddPartitions { .. } => {
                "add-partitions is not driven (CreatePartitions; some Kafka-protocol brokers \
                 lack it)"
            }
            _ => {
                "this command changes the scenario's shape, which brook drive does not apply to \
                  a real cluster"
            }
        };
        out.push(format!("events[{i}] (at {} ms): {what}", e.at_ms));
    }
    out
}

/// A minimal executor for the admin client's futures: polls on this thread, parking between
/// wake-ups.
fn block_on<F: std::future::Future>(f: F) -> F::Output {
    use std::task::{Context, Poll, Wake, Waker};
    struct Unpark(std::thread::Thread);
    impl Wake for Unpark {
        fn wake(self: Arc<Self>) {
            self.0.unpark();
        }
    }
    let waker = Waker::from(Arc::new(Unpark(std::thread::current())));
    let mut cx = Context::from_waker(&waker);
    let mut f = std::pin::pin!(f);
    loop {
        if let Poll::Ready(v) = f.as_mut().poll(&mut cx) {
            return v;
        }
        std::thread::park_timeout(Duration::from_millis(50));
    }
}

fn base_config(bootstrap: &str, timeout_s: f64) -> ClientConfig {
    let mut c = ClientConfig::new();
    let ms = ((timeout_s * 1000.0) as u64).to_string();
    c.set("bootstrap.servers", bootstrap)
        .set("socket.timeout.ms", &ms)
        .set("socket.connection.setup.timeout.ms", &ms)
        .set("log_level", "3");
    c
}

/// A problem that ends the run: its message, exit status 1 (cluster) or 2 (scenario).
#[derive(Debug)]
pub struct DriveError {
    pub message: String,
    pub exit: u8,
}

fn fail<T>(message: String) -> Result<T, DriveError> {
    Err(DriveError { message, exit: 1 })
}

/// Checks the cluster answers, and creates the topics that do not exist.
fn prepare_topics(
    s: &Scenario,
    bootstrap: &str,
    timeout_s: f64,
    notes: &mut Vec<String>,
) -> Result<(), DriveError> {
    let timeout = Duration::from_secs_f64(timeout_s);
    let admin: AdminClient<DefaultClientContext> =
        base_config(bootstrap, timeout_s).create().map_err(|e| DriveError {
            message: format!("drive: the client could not start: {e}"),
            exit: 1,
        })?;
    let metadata = admin.inner().fetch_metadata(None, timeout).map_err(|e| DriveError {
        message: format!(
            "drive: the cluster at {bootstrap} did not answer within {timeout_s} s ({e}); \
             start one (scripts/broker.sh start) or check --bootstrap"
        ),
        exit: 1,
    })?;
    let existing: HashMap<&str, usize> =
        metadata.topics().iter().map(|t| (t.name(), t.partitions().len())).collect();
    let values: Vec<[(String, String); 4]> = s
        .topics
        .iter()
        .map(|t| {
            [
                ("min.insync.replicas".into(), t.min_insync_replicas.to_string()),
                ("retention.ms".into(), t.retention_ms.map_or(-1, |v| v as i64).to_string()),
                ("retention.bytes".into(), t.retention_bytes.map_or(-1, |v| v as i64).to_string()),
                ("segment.bytes".into(), t.segment_bytes.to_string()),
            ]
        })
        .collect();
    let mut new = Vec::new();
    for (i, t) in s.topics.iter().enumerate() {
        match existing.get(t.name.as_str()) {
            Some(&n) => {
                if n != t.partitions as usize {
                    notes.push(format!(
                        "topics[{i}]: \"{}\" exists with {n} partitions (the scenario says {}); \
                         used as it is",
                        t.name, t.partitions
                    ));
                }
            }
            None => {
                let mut nt = NewTopic::new(
                    &t.name,
                    t.partitions as i32,
                    TopicReplication::Fixed(t.replication_factor as i32),
                );
                for (k, v) in &values[i] {
                    nt = nt.set(k, v);
                }
                if t.unclean_leader_election {
                    nt = nt.set("unclean.leader.election.enable", "true");
                }
                new.push(nt);
            }
        }
    }
    if new.is_empty() {
        return Ok(());
    }
    let opts = AdminOptions::new().request_timeout(Some(timeout)).operation_timeout(Some(timeout));
    let results = block_on(admin.create_topics(new.iter(), &opts)).map_err(|e| DriveError {
        message: format!("drive: creating the topics at {bootstrap} failed: {e}"),
        exit: 1,
    })?;
    for r in results {
        if let Err((name, code)) = r {
            if code == RDKafkaErrorCode::TopicAlreadyExists {
                continue;
            }
            let i = s.topics.iter().position(|t| t.name == name).unwrap_or(0);
            return fail(format!(
                "drive: topics[{i}] (\"{name}\"): the cluster refused to create it: {code} \
                 (partitions {}, replication_factor {}, min_insync_replicas {})",
                s.topics[i].partitions,
                s.topics[i].replication_factor,
                s.topics[i].min_insync_replicas
            ));
        }
    }
    // Wait until the metadata shows them (creation is asynchronous on some brokers).
    let deadline = Instant::now() + timeout;
    loop {
        let m = admin.inner().fetch_metadata(None, timeout).map_err(|e| DriveError {
            message: format!("drive: the cluster at {bootstrap} stopped answering: {e}"),
            exit: 1,
        })?;
        let ready = s.topics.iter().all(|t| {
            m.topics().iter().any(|mt| mt.name() == t.name && !mt.partitions().is_empty())
        });
        if ready {
            return Ok(());
        }
        if Instant::now() > deadline {
            return fail(format!(
                "drive: the topics were created but did not appear within {timeout_s} s"
            ));
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

// ---------------------------------------------------------------- producers

struct ProducerCtx {
    shared: Arc<Shared>,
    topic: u16,
}

impl ClientContext for ProducerCtx {}

impl ProducerContext for ProducerCtx {
    type DeliveryOpaque = ();

    fn delivery(&self, result: &DeliveryResult<'_>, _: ()) {
        let mut l = self.shared.ledger();
        match result {
            Ok(m) => {
                let Some((_, producer, seq, _)) = m.payload().and_then(decode) else { return };
                let tracked = l.tracked();
                if tracked < RECORDS_TRACKED_MAX {
                    l.acked.insert((producer, seq), (self.topic, m.partition(), m.offset()));
                } else {
                    l.untracked += 1;
                }
                let ti = self.topic as usize;
                l.acked_per_topic[ti] += 1;
                if let Some(key) = m
                    .key()
                    .and_then(|k| std::str::from_utf8(k).ok()?.strip_prefix("key-")?.parse().ok())
                {
                    let p = m.partition();
                    l.key_partitions
                        .entry((self.topic, key))
                        .and_modify(|(first, several)| *several |= *first != p)
                        .or_insert((p, false));
                }
            }
            Err((e, _)) => {
                if matches!(e, KafkaError::MessageProduction(RDKafkaErrorCode::MessageTimedOut)) {
                    l.timed_out += 1;
                } else {
                    l.failed += 1;
                }
            }
        }
    }
}

/// A producer's rate override (a `set-rate` or `spike` event): rate and until when, µs.
type Override = Mutex<Option<(f64, u64)>>;

struct ProducerRun {
    handle: JoinHandle<()>,
    over: Arc<Override>,
    sent: Arc<AtomicU64>,
    send_failed: Arc<AtomicU64>,
}

fn producer_config(p: &ProducerSpec, bootstrap: &str, timeout_s: f64) -> ClientConfig {
    let mut c = base_config(bootstrap, timeout_s);
    let acks = match p.acks {
        Acks::None => "0",
        Acks::Leader => "1",
        Acks::All => "all",
    };
    // Kafka's default partitioner is murmur2 for keyed records (librdkafka's Java-compatible
    // `murmur2_random`); round robin is chosen per record by brook.
    c.set("client.id", &p.name)
        .set("acks", acks)
        .set("linger.ms", p.linger_ms.to_string())
        .set("batch.size", p.batch_bytes.to_string())
        .set("enable.idempotence", p.idempotent().to_string())
        .set(
            "max.in.flight.requests.per.connection",
            p.max_in_flight_requests_per_connection.to_string(),
        )
        .set("retries", p.retries.min(i32::MAX as u32).to_string())
        .set("retry.backoff.ms", p.retry_backoff_ms.max(1).to_string())
        .set("delivery.timeout.ms", p.delivery_timeout_ms.to_string())
        .set("queue.buffering.max.kbytes", (p.buffer_bytes / 1024).clamp(1, 2_097_151).to_string())
        .set("queue.buffering.max.messages", PRODUCER_QUEUE_RECORDS_MAX.to_string())
        .set("partitioner", "murmur2_random");
    c
}

#[allow(clippy::too_many_arguments)]
fn start_producer(
    index: usize,
    spec: ProducerSpec,
    partitions: u32,
    seed: u64,
    end_us: u64,
    bootstrap: &str,
    timeout_s: f64,
    shared: Arc<Shared>,
) -> Result<ProducerRun, DriveError> {
    let topic = shared.topic_index(&spec.topic).expect("validated: the topic exists");
    let producer: ThreadedProducer<ProducerCtx> = producer_config(&spec, bootstrap, timeout_s)
        .create_with_context(ProducerCtx { shared: shared.clone(), topic })
        .map_err(|e| DriveError {
            message: format!(
                "drive: producers[{index}] (\"{}\"): librdkafka refused the configuration: {e}",
                spec.name
            ),
            exit: 2,
        })?;
    let over: Arc<Override> = Arc::new(Mutex::new(None));
    let sent = Arc::new(AtomicU64::new(0));
    let send_failed = Arc::new(AtomicU64::new(0));
    let (o, s, f) = (over.clone(), sent.clone(), send_failed.clone());
    let handle = std::thread::spawn(move || {
        let mut rng = Rng::new(seed ^ (index as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15));
        let cdf = match spec.keys {
            KeySpec::Zipf { count, exponent } => zipf_cdf(count, exponent),
            _ => Vec::new(),
        };
        let size = (spec.record_bytes as usize).max(RECORD_HEADER_BYTES);
        let mut value = vec![0u8; size];
        let mut due = 0.0f64;
        let mut seq = 0u64;
        let mut round_robin = 0u32;
        let poisson = matches!(spec.rate, RateProfile::Poisson { .. });
        let mut last_us = 0u64;
        let max_block = Duration::from_millis(spec.max_block_ms as u64);
        while !shared.stop.load(Ordering::Relaxed) {
            let now_us = shared.now_us();
            if now_us >= end_us {
                break;
            }
            let rate = {
                let mut g = o.lock().unwrap_or_else(|e| e.into_inner());
                match *g {
                    Some((r, until)) if now_us < until => r,
                    Some(_) => {
                        *g = None;
                        spec.rate.rate_at(now_us)
                    }
                    None => spec.rate.rate_at(now_us),
                }
            };
            let dt_s = now_us.saturating_sub(last_us) as f64 / 1e6;
            last_us = now_us;
            let n = if poisson {
                rng.poisson(rate * dt_s)
            } else {
                due += rate * dt_s;
                let n = due.floor();
                due -= n;
                n as u64
            };
            for _ in 0..n.min(SEND_RECORDS_PER_MS_MAX * 10) {
                let key_index = match spec.keys {
                    KeySpec::None => None,
                    KeySpec::Uniform { count } => Some(rng.below(count as u64) as u32),
                    KeySpec::Zipf { .. } => {
                        let u = rng.next_f64();
                        Some(cdf.partition_point(|&c| c <= u).min(cdf.len() - 1) as u32)
                    }
                };
                encode(&mut value, shared.run_id, index as u16, seq, shared.now_us());
                let key = key_index.map(key_name);
                let blocked_since = Instant::now();
                loop {
                    let mut record: BaseRecord<'_, String, [u8], ()> =
                        BaseRecord::to(&spec.topic).payload(&value[..]);
                    if let Some(k) = &key {
                        record = record.key(k);
                    }
                    if spec.partitioner == PartitionerKind::RoundRobin {
                        record = record.partition((round_robin % partitions) as i32);
                    }
                    match producer.send(record) {
                        Ok(()) => {
                            s.fetch_add(1, Ordering::Relaxed);
                            break;
                        }
                        // Kafka's send() blocks for buffer space up to max.block.ms, then
                        // fails: the same here.
                        Err((KafkaError::MessageProduction(RDKafkaErrorCode::QueueFull), _))
                            if blocked_since.elapsed() < max_block
                                && !shared.stop.load(Ordering::Relaxed) =>
                        {
                            std::thread::sleep(Duration::from_millis(1));
                        }
                        Err(_) => {
                            f.fetch_add(1, Ordering::Relaxed);
                            break;
                        }
                    }
                }
                round_robin = round_robin.wrapping_add(1);
                seq += 1;
            }
            std::thread::sleep(Duration::from_millis(1));
        }
        // Bounded: what is still queued after FLUSH_S_MAX is counted as not delivered.
        let _ = producer.flush(Duration::from_secs(FLUSH_S_MAX));
    });
    Ok(ProducerRun { handle, over, sent, send_failed })
}

// ---------------------------------------------------------------- consumers

struct MemberCtx {
    shared: Arc<Shared>,
    group: usize,
    member: u32,
    /// Partitions revoked by a rebalance served in the last `poll`, until the member's loop
    /// drops what it had fetched from them ([`drop_revoked`]).
    revoked: std::sync::Mutex<Vec<(String, i32)>>,
}

impl ClientContext for MemberCtx {}

impl ConsumerContext for MemberCtx {
    fn post_rebalance(&self, consumer: &BaseConsumer<Self>, rebalance: &Rebalance<'_>) {
        let (kind, tpl) = match rebalance {
            Rebalance::Assign(t) => ("assign", *t),
            Rebalance::Revoke(t) => ("revoke", *t),
            Rebalance::Error(_) => return,
        };
        if kind == "assign" {
            // Which of them have no committed offset (OffsetFetch): their reads start where
            // `auto.offset.reset` says.
            let no_commit: Vec<(String, i32)> = consumer
                .committed_offsets((*tpl).clone(), Duration::from_secs(5))
                .map(|c| {
                    c.elements()
                        .iter()
                        .filter(|e| !matches!(e.offset(), Offset::Offset(_)))
                        .map(|e| (e.topic().to_string(), e.partition()))
                        .collect()
                })
                .unwrap_or_default();
            self.shared.ledger().pending_reset[self.group].extend(no_commit);
        }
        if kind == "revoke" {
            let mut r = self.revoked.lock().unwrap_or_else(|e| e.into_inner());
            r.extend(tpl.elements().iter().map(|e| (e.topic().to_string(), e.partition())));
        }
        let partitions =
            tpl.elements().iter().map(|e| format!("{}-{}", e.topic(), e.partition())).collect();
        let t_ms = self.shared.now_us() / 1000;
        let mut l = self.shared.ledger();
        if l.events.len() < EVENTS_MAX {
            l.events.push(RebalanceEvent {
                t_ms,
                group: self.shared.group_names[self.group].clone(),
                member: self.member,
                kind,
                partitions,
            });
        }
    }
}

/// A member's state: running, leaving (close: leave the group, commit), crashed (no close).
const RUN: u8 = 0;
const LEAVE: u8 = 1;
const CRASH: u8 = 2;

struct MemberRun {
    handle: Option<JoinHandle<()>>,
    state: Arc<AtomicU8>,
    alive: bool,
}

fn member_config(g: &GroupSpec, member: u32, bootstrap: &str, timeout_s: f64) -> ClientConfig {
    let mut c = base_config(bootstrap, timeout_s);
    let strategy = match g.assignor {
        AssignorKind::Range => "range",
        AssignorKind::RoundRobin => "roundrobin",
        AssignorKind::CooperativeSticky => "cooperative-sticky",
        AssignorKind::Sticky => "cooperative-sticky", // refused up front
    };
    // librdkafka wants max.poll.interval.ms >= session.timeout.ms.
    let max_poll = g.max_poll_interval_ms.max(g.session_timeout_ms);
    c.set("group.id", &g.name)
        .set("client.id", format!("{}-{member}", g.name))
        .set("partition.assignment.strategy", strategy)
        .set("session.timeout.ms", g.session_timeout_ms.to_string())
        .set("heartbeat.interval.ms", (g.session_timeout_ms / 3).clamp(1, 3000).to_string())
        .set("max.poll.interval.ms", max_poll.to_string())
        .set("fetch.wait.max.ms", g.fetch_max_wait_ms.to_string())
        .set(
            "auto.offset.reset",
            match g.auto_offset_reset {
                OffsetReset::Earliest => "earliest",
                OffsetReset::Latest => "latest",
            },
        )
        .set("enable.auto.commit", (g.commit == CommitMode::Auto).to_string())
        .set("auto.commit.interval.ms", g.auto_commit_interval_ms.to_string())
        // Offsets are stored after processing, as Kafka's poll loop commits what poll returned
        // before (`ConsumerCoordinator.maybeAutoCommitOffsetsAsync` at the next poll).
        .set("enable.auto.offset.store", "false");
    c
}

/// Drops a consumer the way a crashed process would: no LeaveGroup, no final commit (the
/// group finds out after `session.timeout.ms`).
fn crash(consumer: BaseConsumer<MemberCtx>) {
    let ptr = consumer.client().native_ptr();
    // Detached: it returns once librdkafka's threads stopped; the wrapper is never dropped
    // (its Drop would close the consumer, which a crash does not).
    std::mem::forget(consumer);
    // SAFETY: `ptr` is the live client handle of the consumer just forgotten; nothing uses it
    // after this call. RD_KAFKA_DESTROY_F_NO_CONSUMER_CLOSE skips the close.
    let ptr = ptr as usize;
    std::thread::spawn(move || unsafe {
        rdkafka::bindings::rd_kafka_destroy_flags(
            ptr as *mut rdkafka::bindings::rd_kafka_t,
            rdkafka::bindings::RD_KAFKA_DESTROY_F_NO_CONSUMER_CLOSE,
        );
    });
}

#[allow(clippy::too_many_arguments)]
fn start_member(
    group: usize,
    spec: &GroupSpec,
    member: u32,
    seed: u64,
    bootstrap: &str,
    timeout_s: f64,
    shared: Arc<Shared>,
) -> Result<MemberRun, DriveError> {
    let consumer: BaseConsumer<MemberCtx> = member_config(spec, member, bootstrap, timeout_s)
        .create_with_context(MemberCtx {
            shared: shared.clone(),
            group,
            member,
            revoked: Default::default(),
        })
        .map_err(|e| DriveError {
            message: format!(
                "drive: groups[{group}] (\"{}\"): librdkafka refused the configuration: {e}",
                spec.name
            ),
            exit: 2,
        })?;
    let topics: Vec<&str> = spec.topics.iter().map(String::as_str).collect();
    consumer.subscribe(&topics).map_err(|e| DriveError {
        message: format!("drive: groups[{group}]: subscribing failed: {e}"),
        exit: 1,
    })?;
    let state = Arc::new(AtomicU8::new(RUN));
    let st = state.clone();
    let spec = spec.clone();
    let handle = std::thread::spawn(move || {
        let mut rng = Rng::new(seed ^ ((group as u64) << 32 | member as u64));
        let factor = spec.speed_factors.get(member as usize).copied().unwrap_or(1.0);
        let mut debt_us = 0.0f64;
        let chunk_max = spec.max_poll_records.max(1) as usize;
        let mut chunk: Vec<(String, i32, i64, Option<Prefix>)> = Vec::with_capacity(chunk_max);
        'run: loop {
            if st.load(Ordering::Relaxed) != RUN || shared.stop.load(Ordering::Relaxed) {
                break;
            }
            chunk.clear();
            let mut wait = Duration::from_millis(100);
            while chunk.len() < chunk_max {
                let polled = consumer.poll(wait);
                drop_revoked(&consumer.context().revoked, &mut chunk);
                match polled {
                    Some(Ok(m)) => chunk.push((
                        m.topic().to_string(),
                        m.partition(),
                        m.offset(),
                        m.payload().and_then(decode),
                    )),
                    Some(Err(e)) => {
                        shared.ledger().last_error[group] = Some(e.to_string());
                        break;
                    }
                    None => break,
                }
                wait = Duration::ZERO;
            }
            if chunk.is_empty() {
                continue;
            }
            let mut offsets = TopicPartitionList::new();
            for (t, p, o, _) in &chunk {
                let _ = offsets.add_partition_offset(t, *p, Offset::Offset(o + 1));
            }
            if spec.commit == CommitMode::BeforeProcess {
                let _ = consumer.commit(&offsets, rdkafka::consumer::CommitMode::Sync);
            }
            for (t, p, o, id) in &chunk {
                if st.load(Ordering::Relaxed) == CRASH {
                    break 'run;
                }
                let mean = spec.processing_us as f64 * factor;
                debt_us += match spec.processing {
                    ProcessingDist::Fixed => mean,
                    ProcessingDist::Exponential => rng.exponential(mean),
                };
                if debt_us >= 1000.0 {
                    let s = Instant::now();
                    std::thread::sleep(Duration::from_micros(debt_us as u64));
                    debt_us -= s.elapsed().as_micros() as f64;
                }
                record_processed(&shared, group, (t, *p, *o), *id);
                if spec.commit == CommitMode::Auto {
                    // librdkafka's rd_kafka_offset_store takes the record's offset and stores
                    // the next one (offset + 1), as Kafka commits.
                    let _ = consumer.store_offset(t, *p, *o);
                }
            }
            if spec.commit == CommitMode::AfterProcess {
                let _ = consumer.commit(&offsets, rdkafka::consumer::CommitMode::Async);
            }
        }
        if st.load(Ordering::Relaxed) == CRASH {
            crash(consumer);
        } else {
            // Close: with enable.auto.commit librdkafka commits the stored offsets (those
            // processed), as Kafka's close() does; then LeaveGroup.
            drop(consumer);
        }
    });
    Ok(MemberRun { handle: Some(handle), state, alive: true })
}

/// Drops from `chunk` the records of partitions a rebalance revoked in the `poll` just made:
/// fetched before it, they are no longer the member's to process. Kafka's consumer returns
/// records of assigned partitions only (`SubscriptionState.isFetchable`). Kept, they were
/// processed after their partition had moved on, and on a partition assigned back to the same
/// member (its fetch restarting at the committed offset) they sat in the chunk ahead of
/// records of lower offsets, so the offsets stored for auto-commit went out of order.
fn drop_revoked(
    revoked: &std::sync::Mutex<Vec<(String, i32)>>,
    chunk: &mut Vec<(String, i32, i64, Option<Prefix>)>,
) {
    let mut revoked = revoked.lock().unwrap_or_else(|e| e.into_inner());
    if revoked.is_empty() {
        return;
    }
    chunk.retain(|(t, p, _, _)| !revoked.iter().any(|(rt, rp)| rt == t && rp == p));
    revoked.clear();
}

fn record_processed(shared: &Shared, group: usize, at: (&str, i32, i64), id: Option<Prefix>) {
    let now_us = shared.now_us();
    let mut l = shared.ledger();
    let Some((run, producer, seq, created_us)) = id else {
        l.foreign += 1;
        return;
    };
    if run != shared.run_id {
        l.foreign += 1;
        return;
    }
    let (topic, partition, offset) = at;
    let tp = (topic.to_string(), partition);
    if l.pending_reset[group].remove(&tp) {
        let r = l.reset_points[group].entry(tp).or_insert(offset);
        *r = (*r).max(offset);
    }
    let full = l.tracked() >= RECORDS_TRACKED_MAX;
    let first = match l.processed[group].get_mut(&(producer, seq)) {
        Some(n) => {
            *n = n.saturating_add(1);
            false
        }
        None if full => {
            l.untracked += 1;
            true
        }
        None => {
            l.processed[group].insert((producer, seq), 1);
            true
        }
    };
    if first {
        l.distinct[group] += 1;
    }
    let latency = now_us.saturating_sub(created_us);
    if l.latencies_us.len() < RECORDS_TRACKED_MAX {
        l.latencies_us.push(latency);
    }
    if l.second_latencies_us.len() < RECORDS_TRACKED_MAX {
        l.second_latencies_us.push(latency);
    }
}

fn percentile_ms(sorted_us: &[u64], q: f64) -> f64 {
    if sorted_us.is_empty() {
        return 0.0;
    }
    let i = ((sorted_us.len() as f64 - 1.0) * q).round() as usize;
    sorted_us[i] as f64 / 1000.0
}

// ---------------------------------------------------------------- the run

/// Runs `s` against the cluster at `bootstrap` for `seconds` of wall time.
pub fn drive(
    s: &Scenario,
    bootstrap: &str,
    seconds: f64,
    timeout_s: f64,
) -> Result<Measured, DriveError> {
    let refused = refusals(s);
    if !refused.is_empty() {
        return Err(DriveError {
            message: format!(
                "drive: {} cannot be driven against a real cluster:\n  {}",
                s.name,
                refused.join("\n  ")
            ),
            exit: 2,
        });
    }
    let mut notes = vec![
        "cluster.*: the real cluster's brokers, network and disks are measured, not the \
         scenario's"
            .to_string(),
        "groups[*].processing_us: each member sleeps that long per record (work without CPU)"
            .to_string(),
    ];
    if s.groups.iter().any(|g| g.rebalance_ms > 0) {
        notes.push(
            "groups[*].rebalance_ms: a real rebalance takes the cluster's time, not this"
                .to_string(),
        );
    }
    for (i, p) in s.producers.iter().enumerate() {
        if (p.record_bytes as usize) < RECORD_HEADER_BYTES {
            notes.push(format!(
                "producers[{i}].record_bytes: {} raised to {RECORD_HEADER_BYTES} (the bytes that \
                 identify a record)",
                p.record_bytes
            ));
        }
    }
    prepare_topics(s, bootstrap, timeout_s, &mut notes)?;

    let run_id = {
        let t = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as u64);
        t ^ (std::process::id() as u64) << 48
    };
    let topics: Vec<String> = s.topics.iter().map(|t| t.name.clone()).collect();
    let shared = Arc::new(Shared {
        run_id,
        started: Instant::now(),
        t0: Mutex::new(None),
        ledger: Mutex::new(Ledger {
            processed: vec![HashMap::new(); s.groups.len()],
            distinct: vec![0; s.groups.len()],
            pending_reset: vec![Default::default(); s.groups.len()],
            reset_points: vec![HashMap::new(); s.groups.len()],
            last_error: vec![None; s.groups.len()],
            acked_per_topic: vec![0; s.topics.len()],
            ..Default::default()
        }),
        topics: topics.clone(),
        group_names: s.groups.iter().map(|g| g.name.clone()).collect(),
        stop: AtomicBool::new(false),
    });

    // Members first: they join and get partitions before anything is produced.
    let mut members: Vec<Vec<MemberRun>> = Vec::new();
    for (gi, g) in s.groups.iter().enumerate() {
        let mut v = Vec::new();
        for m in 0..g.members {
            v.push(start_member(gi, g, m, s.seed, bootstrap, timeout_s, shared.clone())?);
        }
        members.push(v);
    }
    // Twice the longest session timeout plus --timeout, at least WARMUP_S_MIN.
    let warmup_limit = Duration::from_secs(
        (2 * s.groups.iter().map(|g| g.session_timeout_ms as u64 / 1000).max().unwrap_or(0)
            + timeout_s as u64)
            .clamp(WARMUP_S_MIN, WARMUP_S_MAX),
    );
    let group_partitions: Vec<usize> = s
        .groups
        .iter()
        .map(|g| {
            g.topics
                .iter()
                .filter_map(|t| s.topics.iter().find(|x| &x.name == t))
                .map(|t| t.partitions as usize)
                .sum()
        })
        .collect();
    progress::interruptible();
    loop {
        let ready = {
            let l = shared.ledger();
            s.groups.iter().enumerate().all(|(gi, g)| {
                let mut owned: BTreeMap<u32, Vec<String>> = BTreeMap::new();
                for e in l.events.iter().filter(|e| e.group == g.name) {
                    if e.kind == "assign" {
                        owned.entry(e.member).or_default().extend(e.partitions.iter().cloned());
                    }
                }
                let covered: std::collections::BTreeSet<&String> =
                    owned.values().flatten().collect();
                covered.len() >= group_partitions[gi]
                    && owned.len() as u32 >= g.members.min(group_partitions[gi] as u32)
            })
        };
        if ready {
            break;
        }
        if progress::interrupted() || shared.started.elapsed() > warmup_limit {
            shared.stop.store(true, Ordering::SeqCst);
            for v in &mut members {
                for m in v {
                    if let Some(h) = m.handle.take() {
                        let _ = h.join();
                    }
                }
            }
            if progress::interrupted() {
                return fail("drive: interrupted before the groups had their partitions".into());
            }
            let errors: Vec<String> = shared
                .ledger()
                .last_error
                .iter()
                .zip(&s.groups)
                .enumerate()
                .filter_map(|(i, (e, g))| {
                    Some(format!(
                        "\n  groups[{i}] (\"{}\"): the cluster answered: {}",
                        g.name,
                        e.as_ref()?
                    ))
                })
                .collect();
            return fail(format!(
                "drive: the consumer groups were not given all their partitions within {} s \
                 (twice the longest session.timeout.ms plus --timeout, from 30 to 120 s){}",
                warmup_limit.as_secs(),
                errors.concat()
            ));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let warmup_ms = shared.started.elapsed().as_secs_f64() * 1000.0;
    // The warm-up's rebalance callbacks are not part of the run.
    shared.ledger().events.clear();
    *shared.t0.lock().unwrap_or_else(|e| e.into_inner()) = Some(Instant::now());

    let end_us = (seconds * 1e6) as u64;
    let mut producers = Vec::new();
    for (i, p) in s.producers.iter().enumerate() {
        let partitions =
            s.topics.iter().find(|t| t.name == p.topic).map_or(1, |t| t.partitions.max(1));
        producers.push(start_producer(
            i,
            p.clone(),
            partitions,
            s.seed,
            end_us,
            bootstrap,
            timeout_s,
            shared.clone(),
        )?);
    }

    // The timeline, samples, progress.
    let mut events: Vec<_> = s.events.iter().filter(|e| e.at_ms * 1000 < end_us).collect();
    events.sort_by_key(|e| e.at_ms);
    let mut next_event = 0;
    let mut applied = Vec::new();
    let mut samples: Vec<Sample> = Vec::new();
    let mut next_sample_ms = 1000;
    let mut bar = progress::Progress::new(end_us / 1000, "{bar:30} {pos}/{len} ms  {msg}");
    let group_topics: Vec<Vec<u16>> = s
        .groups
        .iter()
        .map(|g| g.topics.iter().filter_map(|t| shared.topic_index(t)).collect())
        .collect();
    loop {
        let now_us = shared.now_us();
        while next_event < events.len() && events[next_event].at_ms * 1000 <= now_us {
            let e = events[next_event];
            next_event += 1;
            let t_ms = now_us / 1000;
            let (group, member) = apply_event(
                &e.command,
                s,
                &producers,
                &mut members,
                now_us,
                bootstrap,
                timeout_s,
                &shared,
            )?;
            applied.push(AppliedEvent { t_ms, event: command_name(&e.command), group, member });
        }
        if now_us / 1000 >= next_sample_ms || now_us >= end_us {
            if samples.len() < SAMPLES_MAX {
                samples.push(sample(now_us / 1000, &shared, s, &producers, &group_topics));
            }
            next_sample_ms += 1000;
        }
        if now_us >= end_us || progress::interrupted() {
            break;
        }
        let produced: u64 = producers.iter().map(|p| p.sent.load(Ordering::Relaxed)).sum();
        bar.update(now_us / 1000, || {
            format!("{:.0} records/s produced", produced as f64 / (now_us as f64 / 1e6).max(1e-3))
        });
        std::thread::sleep(Duration::from_millis(20));
    }
    bar.finish();
    let interrupted = progress::interrupted();
    let wall_ms = shared.t0().elapsed().as_secs_f64() * 1000.0;

    // Stop: producers deliver what they queued (bounded), then members commit and leave.
    shared.stop.store(true, Ordering::SeqCst);
    let sent: u64 = producers.iter().map(|p| p.sent.load(Ordering::Relaxed)).sum();
    let send_failed: u64 = producers.iter().map(|p| p.send_failed.load(Ordering::Relaxed)).sum();
    for p in producers {
        let _ = p.handle.join();
    }
    for v in &mut members {
        for m in v {
            if let Some(h) = m.handle.take() {
                let _ = h.join();
            }
        }
    }
    let committed = read_committed(s, bootstrap, timeout_s, &shared);
    Ok(summarize(
        s,
        bootstrap,
        &shared,
        Totals { sent, send_failed, wall_ms, warmup_ms, interrupted },
        committed,
        applied,
        samples,
        notes,
    ))
}

fn command_name(c: &Command) -> String {
    match c {
        Command::SetRate { producer, rate_per_sec } => {
            format!("set-rate {producer} {rate_per_sec}/s")
        }
        Command::Spike { producer, rate_per_sec, duration_ms } => {
            format!("spike {producer} {rate_per_sec}/s for {duration_ms} ms")
        }
        Command::AddMember { group } => format!("add-member {group}"),
        Command::RemoveMember { group } => format!("remove-member {group}"),
        Command::CrashMember { group, member } => format!("crash-member {group} #{member}"),
        Command::RestartMember { group, member } => format!("restart-member {group} #{member}"),
        _ => "other".into(),
    }
}

#[allow(clippy::too_many_arguments)]
fn apply_event(
    c: &Command,
    s: &Scenario,
    producers: &[ProducerRun],
    members: &mut [Vec<MemberRun>],
    now_us: u64,
    bootstrap: &str,
    timeout_s: f64,
    shared: &Arc<Shared>,
) -> Result<(Option<String>, Option<u32>), DriveError> {
    let producer = |name: &str| s.producers.iter().position(|p| p.name == name);
    let group = |name: &str| s.groups.iter().position(|g| g.name == name);
    // A member joining or restarting: a new consumer with the group's settings.
    let start = |gi: usize, m: u32| {
        start_member(gi, &s.groups[gi], m, s.seed, bootstrap, timeout_s, shared.clone())
    };
    match c {
        Command::SetRate { producer: p, rate_per_sec } => {
            if let Some(i) = producer(p) {
                *producers[i].over.lock().unwrap_or_else(|e| e.into_inner()) =
                    Some((*rate_per_sec, u64::MAX));
            }
        }
        Command::Spike { producer: p, rate_per_sec, duration_ms } => {
            if let Some(i) = producer(p) {
                *producers[i].over.lock().unwrap_or_else(|e| e.into_inner()) =
                    Some((*rate_per_sec, now_us + duration_ms * 1000));
            }
        }
        Command::AddMember { group: g } => {
            if let Some(gi) = group(g) {
                let m = members[gi].len() as u32;
                let run = start(gi, m)?;
                members[gi].push(run);
                return Ok((Some(g.clone()), Some(m)));
            }
        }
        Command::RemoveMember { group: g } => {
            if let Some(gi) = group(g) {
                if let Some((m, run)) =
                    members[gi].iter_mut().enumerate().rev().find(|(_, r)| r.alive)
                {
                    run.state.store(LEAVE, Ordering::SeqCst);
                    run.alive = false;
                    return Ok((Some(g.clone()), Some(m as u32)));
                }
            }
        }
        Command::CrashMember { group: g, member } => {
            if let Some(gi) = group(g) {
                if let Some(run) = members[gi].get_mut(*member as usize).filter(|r| r.alive) {
                    run.state.store(CRASH, Ordering::SeqCst);
                    run.alive = false;
                    return Ok((Some(g.clone()), Some(*member)));
                }
            }
        }
        Command::RestartMember { group: g, member } => {
            if let Some(gi) = group(g) {
                let m = *member as usize;
                if members[gi].get(m).is_some_and(|r| !r.alive) {
                    let run = start(gi, *member)?;
                    let old = std::mem::replace(&mut members[gi][m], run);
                    if let Some(h) = old.handle {
                        // The crashed thread ended at its next record; joined at the end.
                        std::thread::spawn(move || h.join());
                    }
                    return Ok((Some(g.clone()), Some(*member)));
                }
            }
        }
        _ => {}
    }
    Ok((None, None))
}

fn sample(
    t_ms: u64,
    shared: &Shared,
    s: &Scenario,
    producers: &[ProducerRun],
    group_topics: &[Vec<u16>],
) -> Sample {
    let mut l = shared.ledger();
    let mut second = std::mem::take(&mut l.second_latencies_us);
    second.sort_unstable();
    let acked: u64 = l.acked_per_topic.iter().sum();
    let mut processed = BTreeMap::new();
    let mut lag = BTreeMap::new();
    for (gi, g) in s.groups.iter().enumerate() {
        let of_topics: u64 = group_topics[gi].iter().map(|t| l.acked_per_topic[*t as usize]).sum();
        processed.insert(g.name.clone(), l.distinct[gi]);
        lag.insert(g.name.clone(), of_topics.saturating_sub(l.distinct[gi]));
    }
    Sample {
        t_ms,
        produced_records: producers.iter().map(|p| p.sent.load(Ordering::Relaxed)).sum(),
        acked_records: acked,
        processed_records: processed,
        lag_records: lag,
        latency_ms_p50: percentile_ms(&second, 0.5),
        latency_ms_p99: percentile_ms(&second, 0.99),
    }
}

/// Each group's committed offsets, read back from the cluster (OffsetFetch, without joining).
fn read_committed(
    s: &Scenario,
    bootstrap: &str,
    timeout_s: f64,
    shared: &Shared,
) -> Vec<HashMap<(String, i32), i64>> {
    let timeout = Duration::from_secs_f64(timeout_s);
    s.groups
        .iter()
        .map(|g| {
            let mut out = HashMap::new();
            let mut c = base_config(bootstrap, timeout_s);
            c.set("group.id", &g.name);
            let Ok(consumer) = c.create::<BaseConsumer>() else { return out };
            let mut tpl = TopicPartitionList::new();
            for t in &g.topics {
                let n = s.topics.iter().find(|x| &x.name == t).map_or(0, |x| x.partitions);
                for p in 0..n as i32 {
                    tpl.add_partition(t, p);
                }
            }
            if let Ok(r) = consumer.committed_offsets(tpl, timeout) {
                for e in r.elements() {
                    if let Offset::Offset(o) = e.offset() {
                        out.insert((e.topic().to_string(), e.partition()), o);
                    }
                }
            }
            let _ = shared;
            out
        })
        .collect()
}

struct Totals {
    sent: u64,
    send_failed: u64,
    wall_ms: f64,
    warmup_ms: f64,
    interrupted: bool,
}

#[allow(clippy::too_many_arguments)]
fn summarize(
    s: &Scenario,
    bootstrap: &str,
    shared: &Shared,
    t: Totals,
    committed: Vec<HashMap<(String, i32), i64>>,
    applied: Vec<AppliedEvent>,
    samples: Vec<Sample>,
    notes: Vec<String>,
) -> Measured {
    let mut l = shared.ledger();
    let acked_total = l.acked_per_topic.iter().sum::<u64>();
    let mut summary = Summary {
        virtual_seconds: t.wall_ms / 1000.0,
        produced_records: t.sent + t.send_failed,
        acked_records: acked_total,
        appended_records: acked_total,
        dropped_records: t.send_failed + l.failed + l.timed_out,
        send_failed_records: t.send_failed,
        delivery_timeout_records: l.timed_out,
        ..Default::default()
    };
    summary.failed_ack_records = l.failed;
    summary.in_flight_records = t.sent.saturating_sub(acked_total + l.failed + l.timed_out);
    let mut unconsumed = BTreeMap::new();
    let mut committed_out = BTreeMap::new();
    for (gi, g) in s.groups.iter().enumerate() {
        let topics: Vec<u16> = g.topics.iter().filter_map(|t| shared.topic_index(t)).collect();
        let (mut lost, mut skipped, mut dup, mut left) = (0u64, 0u64, 0u64, 0u64);
        let mut end: HashMap<(u16, i32), i64> = HashMap::new();
        for (id, &(topic, p, o)) in &l.acked {
            if !topics.contains(&topic) {
                continue;
            }
            let e = end.entry((topic, p)).or_insert(0);
            *e = (*e).max(o + 1);
            match l.processed[gi].get(id) {
                Some(n) => dup += (*n as u64).saturating_sub(1),
                None => {
                    let tp = (shared.topics[topic as usize].clone(), p);
                    let c = committed[gi].get(&tp).copied().unwrap_or(0);
                    // Below where a read started after `auto.offset.reset` (a partition
                    // assigned without a committed offset): skipped, as Brook's
                    // `offset_reset_skipped_records`.
                    if o < c && o < l.reset_points[gi].get(&tp).copied().unwrap_or(i64::MIN) {
                        skipped += 1;
                    } else if o < c {
                        lost += 1;
                    } else {
                        left += 1;
                    }
                }
            }
        }
        // Kafka's lag: end offset minus committed offset, the end offsets from the records this
        // run wrote (`ConsumerGroupCommand` reads them from the broker).
        let lag: u64 = end
            .iter()
            .map(|((topic, p), e)| {
                let c = committed[gi]
                    .get(&(shared.topics[*topic as usize].clone(), *p))
                    .copied()
                    .unwrap_or(0);
                (*e - c).max(0) as u64
            })
            .sum();
        summary.lost_records += lost;
        summary.offset_reset_skipped_records += skipped;
        summary.duplicate_records += dup;
        summary.consumed_records.insert(g.name.clone(), l.distinct[gi]);
        summary.lag_records.insert(g.name.clone(), lag);
        unconsumed.insert(g.name.clone(), left);
        committed_out.insert(
            g.name.clone(),
            committed[gi].iter().map(|((t, p), o)| (format!("{t}-{p}"), *o)).collect(),
        );
        if lost > 0 {
            *summary.lost_records_by_cause.entry("commit-before-process".into()).or_default() +=
                lost;
        }
    }
    summary.lag_records_max = samples
        .iter()
        .map(|x| x.lag_records.values().sum::<u64>())
        .chain(std::iter::once(summary.lag_records.values().sum()))
        .max()
        .unwrap_or(0);
    l.latencies_us.sort_unstable();
    summary.latency_ms_p50 = percentile_ms(&l.latencies_us, 0.5);
    summary.latency_ms_p95 = percentile_ms(&l.latencies_us, 0.95);
    summary.latency_ms_p99 = percentile_ms(&l.latencies_us, 0.99);
    summary.latency_ms_max = l.latencies_us.last().map_or(0.0, |v| *v as f64 / 1000.0);
    // A rebalance: the assign callbacks of one group's members, close together.
    let mut last_assign: HashMap<&str, u64> = HashMap::new();
    for e in l.events.iter().filter(|e| e.kind == "assign") {
        let prev = last_assign.insert(&e.group, e.t_ms);
        if prev.is_none_or(|p| e.t_ms > p + REBALANCE_ROUND_GAP_MS) {
            summary.rebalances += 1;
        }
    }
    let mut keys_seen: BTreeMap<String, u64> = BTreeMap::new();
    let mut several = 0;
    for ((topic, _), (_, sev)) in &l.key_partitions {
        *keys_seen.entry(shared.topics[*topic as usize].clone()).or_default() += 1;
        several += u64::from(*sev);
    }
    Measured {
        summary,
        scenario: s.name.clone(),
        bootstrap: bootstrap.to_string(),
        wall_ms: t.wall_ms.round(),
        warmup_ms: t.warmup_ms.round(),
        interrupted: t.interrupted,
        unconsumed_records: unconsumed,
        committed_offsets: committed_out,
        keys_on_several_partitions: several,
        keys_seen,
        untracked_records: l.untracked,
        foreign_records: l.foreign,
        applied_events: applied,
        rebalance_events: std::mem::take(&mut l.events),
        samples,
        not_measured: NOT_MEASURED.to_vec(),
        notes,
    }
}

/// `brook run`'s summary keys a client cannot measure (left at 0 in `brook drive`'s summary).
pub const NOT_MEASURED: &[&str] = &[
    "written_records",
    "share_duplicate_records",
    "failed_written_records",
    "out_of_order_batches",
    "producer_blocked_ms",
    "empty_fetches",
    "retried_records",
    "duplicate_appends",
    "acked_lost_records",
    "committed_lost_records",
    "not_enough_replicas",
    "not_enough_replicas_after_append",
    "leader_elections",
    "unclean_elections",
    "producer_throttled_ms",
    "redelivered_records",
    "archived_records",
    "push_dropped_records",
    "push_disconnects",
    "push_discarded_records",
    "push_missed_records",
    "push_consumer_crashes",
    "push_requeued_records",
    "requests",
    "rebalancing_ms",
    "idle_members",
    "max_poll_exceeded",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_record_prefix_round_trips() {
        let mut v = vec![0u8; 40];
        encode(&mut v, 7, 3, 123_456, 999);
        assert_eq!(decode(&v), Some((7, 3, 123_456, 999)));
        assert_eq!(decode(&v[..RECORD_HEADER_BYTES - 1]), None);
    }

    /// Kafka's consumer hands out records of assigned partitions only
    /// (`SubscriptionState.isFetchable`, `FetchCollector`): what a member fetched before a
    /// revoke is dropped, from those partitions only, and the revoke is used once.
    #[test]
    fn records_of_revoked_partitions_leave_the_chunk() {
        let rec = |t: &str, p: i32, o: i64| (t.to_string(), p, o, None);
        let mut chunk = vec![rec("a", 0, 10), rec("a", 1, 4), rec("b", 0, 7), rec("a", 0, 11)];
        let revoked = std::sync::Mutex::new(Vec::new());
        drop_revoked(&revoked, &mut chunk);
        assert_eq!(chunk.len(), 4, "nothing revoked, nothing dropped");
        revoked.lock().unwrap().push(("a".to_string(), 0));
        drop_revoked(&revoked, &mut chunk);
        let left: Vec<(&str, i32, i64)> =
            chunk.iter().map(|(t, p, o, _)| (t.as_str(), *p, *o)).collect();
        assert_eq!(left, [("a", 1, 4), ("b", 0, 7)]);
        assert!(revoked.lock().unwrap().is_empty());
        chunk.push(rec("a", 0, 10)); // fetched again after the partition came back
        drop_revoked(&revoked, &mut chunk);
        assert_eq!(chunk.len(), 3);
    }

    #[test]
    fn what_a_client_cannot_do_is_refused_naming_the_field() {
        for name in brook_engine::PRESETS {
            let s = brook_engine::preset(name).expect("preset");
            let r = refusals(&s);
            // Every refusal names a scenario field.
            for line in &r {
                assert!(
                    ["share_groups[", "subscriptions[", "producers[", "groups[", "events["]
                        .iter()
                        .any(|f| line.starts_with(f)),
                    "{name}: {line}"
                );
            }
            if !s.share_groups.is_empty() {
                assert!(r.iter().any(|l| l.contains("KIP-932")), "{name}");
            }
            if s.events.iter().any(|e| matches!(e.command, Command::CrashBroker { .. })) {
                assert!(r.iter().any(|l| l.contains("crash-broker")), "{name}");
            }
        }
        for name in ["quickstart", "peak-shaving", "consumer-crash-rebalance"] {
            assert!(refusals(&brook_engine::preset(name).expect("preset")).is_empty(), "{name}");
        }
    }

    /// librdkafka's own mock cluster (in process): the run's ledger adds up. Kafka's
    /// at-least-once rule for process-then-commit: nothing below the committed offset was left
    /// unprocessed, every acknowledged record is processed or still to read.
    /// The runs against the mock cluster, one at a time (their timing matters).
    static MOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());

    #[test]
    fn a_short_run_against_librdkafkas_mock_cluster_adds_up() {
        let _one = MOCK.lock().unwrap_or_else(|e| e.into_inner());
        let mock = rdkafka::mocking::MockCluster::new(1).expect("a mock cluster");
        // The mock has no CreateTopics: the topic is made on its side.
        mock.create_topic("orders", 4, 1).expect("a topic");
        let mut s = brook_engine::preset("quickstart").expect("preset");
        s.groups[0].session_timeout_ms = 6_000;
        let m = drive(&s, &mock.bootstrap_servers(), 3.0, 5.0).expect("the run");
        let acked = m.summary.acked_records;
        assert!(acked > 1000, "{acked}");
        assert_eq!(m.summary.lost_records, 0);
        assert_eq!(
            m.summary.consumed_records["billing"]
                + m.unconsumed_records["billing"]
                + m.summary.offset_reset_skipped_records,
            acked
        );
        assert_eq!(m.keys_on_several_partitions, 0);
        assert_eq!(m.keys_seen["orders"], 100);
        assert_eq!(m.samples.len(), 3);
    }

    /// A crashed member sends no LeaveGroup: after `session.timeout.ms` the coordinator
    /// removes it and its partitions go to the others (`GroupCoordinator` session expiry).
    #[test]
    fn a_crash_against_the_mock_cluster_moves_partitions() {
        let _one = MOCK.lock().unwrap_or_else(|e| e.into_inner());
        let mock = rdkafka::mocking::MockCluster::new(1).expect("a mock cluster");
        mock.create_topic("payments", 6, 1).expect("a topic");
        let mut s = brook_engine::preset("consumer-crash-rebalance").expect("preset");
        s.events.truncate(1);
        s.events[0].at_ms = 1_000;
        // Kafka's brokers refuse a session timeout under group.min.session.timeout.ms (6 s).
        s.groups[0].session_timeout_ms = 6_000;
        // 6 s to notice, a rebalance, and room for a slow machine.
        let m = drive(&s, &mock.bootstrap_servers(), 15.0, 5.0).expect("the run");
        let crash_ms = m.applied_events[0].t_ms;
        let after: std::collections::BTreeSet<&String> = m
            .rebalance_events
            .iter()
            .filter(|e| e.kind == "assign" && e.t_ms > crash_ms)
            .inspect(|e| assert_ne!(e.member, 1, "the crashed member is gone"))
            .flat_map(|e| &e.partitions)
            .collect();
        // The eager protocol: the survivors first revoke their own; what neither of them
        // revoked was the crashed member's, and some of it is assigned to them after.
        let first_revoke_ms = m
            .rebalance_events
            .iter()
            .find(|e| e.kind == "revoke" && e.t_ms > crash_ms)
            .map(|e| e.t_ms)
            .expect("a revoke after the crash");
        let survivors: std::collections::BTreeSet<&String> = m
            .rebalance_events
            .iter()
            .filter(|e| e.kind == "revoke" && e.t_ms < first_revoke_ms + 1000)
            .flat_map(|e| &e.partitions)
            .collect();
        assert!(survivors.len() < 6, "{:?}", m.rebalance_events);
        assert!(after.iter().any(|p| !survivors.contains(p)), "{:?}", m.rebalance_events);
        assert!(m.summary.rebalances >= 1);
        assert_eq!(m.summary.lost_records, 0);
    }
}
