//! Push subscriptions: a push broker shown for comparison with Kafka, whose consumers always
//! pull. The broker sends committed records to each subscription as they arrive. What happens
//! to a subscriber slower than the stream depends on the push system the subscription follows
//! (`push_model`); each behaves as that system documents it:
//!
//! - `rabbitmq` (AMQP 0-9-1 as RabbitMQ implements it; RabbitMQ's guides "Consumer Prefetch"
//!   and "Consumer Acknowledgements and Publisher Confirms"). The subscription is a queue with
//!   `consumers` competing consumers, served in turn (round-robin). With a prefetch count
//!   (`basic.qos`, per consumer in RabbitMQ) the broker stops at that many unacknowledged
//!   deliveries to a consumer and keeps the rest in the queue: the well-behaved case. With none
//!   (prefetch 0 means no limit) it sends everything and the client library buffers the
//!   deliveries in memory, which the confirms guide calls the unbounded buffer (heap) growth
//!   problem on the consumer end. Brook's client process dies when those buffered deliveries
//!   pass `memory_bytes_max`; every delivery it had not acknowledged is then requeued (the
//!   guide's "automatic requeueing" when a channel or connection closes, consumer process
//!   failures included) near the head of the queue, so the other consumers receive them. The
//!   crashed process restarts after `restart_delay_ms` (a supervisor restarting it).
//! - `redis-pubsub` (Redis `CONFIG SET client-output-buffer-limit`, class `pubsub`, defaults
//!   32mb 8mb 60; the rule is `checkClientOutputBufferLimits` in Redis's networking.c). What the
//!   subscriber has not read yet waits in its output buffer on the server. The server cuts the
//!   client off the moment the buffer reaches the hard limit, or once it has stayed at or over
//!   the soft limit for longer than the soft seconds; the buffer is freed with it. Pub/Sub
//!   delivers at most once: what is published while the client is away never reaches it.
//!   Client libraries usually reconnect and subscribe again; Brook's does so after
//!   `reconnect_delay_ms` (Brook's choice: libraries differ) and then gets new messages only.
//! - `mqtt-qos0` (Mosquitto: mosquitto.conf `max_queued_messages`, default 1000, and
//!   `db__ready_for_flight` in its src/database.c: a QoS 0 message to a connected client is
//!   sent unless the client's queue is full, and is dropped otherwise; there is no queueing for
//!   QoS 0). Here `inbox_records_max` is that queue: records pushed to the client and not yet
//!   processed. Brook's push before these models (drop what does not fit the inbox) was this.
//!
//! Like those systems and unlike Kafka, a subscription gets what is published after it
//! subscribes: one added while running starts at the high watermark.

use std::collections::VecDeque;

use crate::vecmap::VecMap;

use serde::{Deserialize, Serialize};

use crate::rng::Rng;
use crate::scenario::limits;
use crate::vocab::{Chunk, ProcessingDist, Tp};

/// Which push system a subscription follows when its subscriber cannot keep up.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PushModel {
    /// RabbitMQ: a queue with competing consumers, a prefetch window or none; without one a
    /// slow consumer's memory grows until it dies and its unacknowledged deliveries are
    /// requeued to the others.
    Rabbitmq,
    /// Redis Pub/Sub: a slow subscriber's output buffer passes `client-output-buffer-limit`,
    /// the server disconnects it, and it misses what is published until it resubscribes.
    RedisPubsub,
    /// MQTT QoS 0 (Mosquitto): messages beyond the client's queue limit are dropped. The
    /// default: Brook's push before the models dropped what did not fit the inbox.
    #[default]
    MqttQos0,
}

impl PushModel {
    /// The name in scenario files.
    pub fn name(self) -> &'static str {
        match self {
            PushModel::Rabbitmq => "rabbitmq",
            PushModel::RedisPubsub => "redis-pubsub",
            PushModel::MqttQos0 => "mqtt-qos0",
        }
    }
}

/// A push subscription's configuration.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(from = "SubscriptionFile")]
pub struct SubscriptionSpec {
    /// Subscriber name, unique among readers.
    pub name: String,
    /// Topics it receives.
    pub topics: Vec<String>,
    /// Mean processing time per record, us.
    pub processing_us: u32,
    /// Variation of processing time. Default fixed.
    pub processing: ProcessingDist,
    /// The push system it follows.
    pub push_model: PushModel,
    /// `rabbitmq`: prefetch count (`basic.qos`) per consumer: unacknowledged records the broker
    /// lets a consumer hold; None for none (the broker sends everything at once).
    pub prefetch: Option<u32>,
    /// `rabbitmq`: consumers on the subscription's queue, each getting its turn of deliveries.
    pub consumers: u32,
    /// `rabbitmq`: memory a consumer's client process can use for buffered deliveries, bytes;
    /// past it the process dies.
    pub memory_bytes_max: u64,
    /// `rabbitmq`: a crashed consumer process restarts after this long, ms.
    pub restart_delay_ms: u32,
    /// `redis-pubsub`: `client-output-buffer-limit pubsub` hard limit, bytes (0: none).
    pub output_buffer_hard_bytes: u64,
    /// `redis-pubsub`: soft limit, bytes (0: none).
    pub output_buffer_soft_bytes: u64,
    /// `redis-pubsub`: seconds the buffer may stay at or over the soft limit.
    pub output_buffer_soft_seconds: u32,
    /// `redis-pubsub`: a disconnected subscriber reconnects and subscribes again after this
    /// long, ms.
    pub reconnect_delay_ms: u32,
    /// `mqtt-qos0`: records the broker queues for the client (Mosquitto's
    /// `max_queued_messages`); further QoS 0 messages are dropped.
    pub inbox_records_max: u32,
}

/// `SubscriptionSpec` as written in a scenario file. `push_model` may be missing (files from
/// before the models): then a subscription with a `prefetch` is `rabbitmq` (a prefetch window
/// is RabbitMQ's `basic.qos`), one without is `mqtt-qos0` (Brook's earlier push dropped what
/// did not fit the inbox, as Mosquitto drops QoS 0 messages).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SubscriptionFile {
    name: String,
    topics: Vec<String>,
    processing_us: u32,
    #[serde(default)]
    processing: ProcessingDist,
    #[serde(default)]
    push_model: Option<PushModel>,
    #[serde(default)]
    prefetch: Option<u32>,
    #[serde(default = "default_consumers")]
    consumers: u32,
    #[serde(default = "default_memory_bytes_max")]
    memory_bytes_max: u64,
    #[serde(default = "default_restart_delay_ms")]
    restart_delay_ms: u32,
    #[serde(default = "default_output_buffer_hard_bytes")]
    output_buffer_hard_bytes: u64,
    #[serde(default = "default_output_buffer_soft_bytes")]
    output_buffer_soft_bytes: u64,
    #[serde(default = "default_output_buffer_soft_seconds")]
    output_buffer_soft_seconds: u32,
    #[serde(default = "default_reconnect_delay_ms")]
    reconnect_delay_ms: u32,
    #[serde(default = "default_inbox_records_max")]
    inbox_records_max: u32,
}

impl From<SubscriptionFile> for SubscriptionSpec {
    fn from(f: SubscriptionFile) -> Self {
        let model = f.push_model.unwrap_or(if f.prefetch.is_some() {
            PushModel::Rabbitmq
        } else {
            PushModel::MqttQos0
        });
        SubscriptionSpec {
            name: f.name,
            topics: f.topics,
            processing_us: f.processing_us,
            processing: f.processing,
            push_model: model,
            prefetch: f.prefetch,
            consumers: f.consumers,
            memory_bytes_max: f.memory_bytes_max,
            restart_delay_ms: f.restart_delay_ms,
            output_buffer_hard_bytes: f.output_buffer_hard_bytes,
            output_buffer_soft_bytes: f.output_buffer_soft_bytes,
            output_buffer_soft_seconds: f.output_buffer_soft_seconds,
            reconnect_delay_ms: f.reconnect_delay_ms,
            inbox_records_max: f.inbox_records_max,
        }
    }
}

fn default_consumers() -> u32 {
    1
}
/// No push system has one: a client process's memory is whatever its host gives it. Brook's
/// choice, 256 MiB, a small container.
fn default_memory_bytes_max() -> u64 {
    256 << 20
}
/// Brook's choice: a supervisor restarts the process 10 s later.
fn default_restart_delay_ms() -> u32 {
    10_000
}
/// Redis's `client-output-buffer-limit pubsub 32mb 8mb 60`.
fn default_output_buffer_hard_bytes() -> u64 {
    32 << 20
}
fn default_output_buffer_soft_bytes() -> u64 {
    8 << 20
}
fn default_output_buffer_soft_seconds() -> u32 {
    60
}
/// Brook's choice: the client library reconnects and subscribes again 1 s later.
fn default_reconnect_delay_ms() -> u32 {
    1_000
}
/// Mosquitto's `max_queued_messages` default.
fn default_inbox_records_max() -> u32 {
    1_000
}

impl SubscriptionSpec {
    /// A subscriber to `topic` taking `processing_us` per record: RabbitMQ with `prefetch`
    /// (None: no prefetch), one consumer, the other settings at their defaults.
    pub fn new(name: &str, topic: &str, processing_us: u32, prefetch: Option<u32>) -> Self {
        SubscriptionSpec {
            name: name.into(),
            topics: vec![topic.into()],
            processing_us,
            processing: ProcessingDist::Fixed,
            push_model: PushModel::Rabbitmq,
            prefetch,
            consumers: default_consumers(),
            memory_bytes_max: default_memory_bytes_max(),
            restart_delay_ms: default_restart_delay_ms(),
            output_buffer_hard_bytes: default_output_buffer_hard_bytes(),
            output_buffer_soft_bytes: default_output_buffer_soft_bytes(),
            output_buffer_soft_seconds: default_output_buffer_soft_seconds(),
            reconnect_delay_ms: default_reconnect_delay_ms(),
            inbox_records_max: default_inbox_records_max(),
        }
    }

    /// The same subscriber following `model`.
    pub fn with_model(mut self, model: PushModel) -> Self {
        self.push_model = model;
        if model != PushModel::Rabbitmq {
            self.prefetch = None;
            self.consumers = 1;
        }
        self
    }

    /// Consumers it runs: `consumers` for RabbitMQ, one subscriber otherwise.
    pub fn consumer_count(&self) -> usize {
        match self.push_model {
            PushModel::Rabbitmq => self.consumers.max(1) as usize,
            _ => 1,
        }
    }
}

/// Push subscription counters. Every record taken from the log (`routed_records`) is
/// processed, held (on the wire, in an inbox, or requeued), or lost with a cause: `dropped`,
/// `discarded` or `missed`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct SubscriptionStats {
    /// Records taken from the log for this subscription, each once.
    pub routed_records: u64,
    /// Deliveries the broker sent (a requeued record sent again counts again).
    pub pushed_records: u64,
    /// Records processed (and acknowledged).
    pub processed_records: u64,
    /// `mqtt-qos0`: records dropped because the client's queue was full.
    pub dropped_records: u64,
    /// `redis-pubsub`: records in the output buffer when the server disconnected the client.
    pub discarded_records: u64,
    /// `redis-pubsub`: records published while the client was disconnected.
    pub missed_records: u64,
    /// `redis-pubsub`: disconnections for the output buffer limits.
    pub disconnects: u64,
    /// `rabbitmq`: consumer processes that ran out of memory.
    pub consumer_crashes: u64,
    /// `rabbitmq`: unacknowledged deliveries requeued by crashes.
    pub requeued_records: u64,
    /// Virtual us the subscriber (every consumer) sat with nothing to do, summed.
    pub idle_us: u64,
    /// Largest number of unprocessed records a consumer held.
    pub inbox_records_peak: u64,
    /// Largest client memory (`rabbitmq`) or output buffer (`redis-pubsub`) seen, bytes.
    pub buffer_bytes_peak: u64,
}

/// One consumer of a subscription (the only one for Redis and MQTT): the deliveries on the
/// wire and in its inbox, and whether it is up.
#[derive(Clone, Debug, Default)]
pub struct Subscriber {
    /// Pushes on the wire: arrival time and records.
    wire: VecDeque<(u64, Chunk)>,
    /// Records received, not processed yet.
    pub inbox: VecDeque<Chunk>,
    inbox_records: u64,
    wire_records: u64,
    inbox_bytes: u64,
    wire_bytes: u64,
    /// Unacknowledged records above the prefetch window when it was lowered: they were
    /// delivered under the old window and are not recalled (as AMQP's `basic.qos`; RabbitMQ's
    /// confirms guide: a changed prefetch can leave more than the count unacknowledged for a
    /// while); the broker pushes nothing more until acknowledgements bring the count below
    /// the window. Only falls after that.
    over_window_records: u64,
    work_us: f64,
    /// Crashed (`rabbitmq`) or disconnected (`redis-pubsub`) until this virtual us.
    pub down_until_us: Option<u64>,
    /// `redis-pubsub`: since when the output buffer has been at or over the soft limit.
    pub soft_since_us: Option<u64>,
    /// Records it processed.
    pub processed_records: u64,
    /// Records requeued from another consumer that the broker sent it.
    pub redelivered_records: u64,
    /// Times it crashed.
    pub crashes: u64,
}

impl Subscriber {
    /// Records sent to it and not acknowledged: on the wire and in the inbox.
    pub fn unacked_records(&self) -> u64 {
        self.inbox_records + self.wire_records
    }

    /// Records received and waiting in the inbox.
    pub fn inbox_records(&self) -> u64 {
        self.inbox_records
    }

    /// Bytes of the deliveries buffered in the client (the inbox).
    pub fn inbox_bytes(&self) -> u64 {
        self.inbox_bytes
    }

    /// Bytes sent and not yet read by the client: the Redis output buffer.
    pub fn unacked_bytes(&self) -> u64 {
        self.inbox_bytes + self.wire_bytes
    }

    /// Whether it is crashed or disconnected.
    pub fn is_down(&self) -> bool {
        self.down_until_us.is_some()
    }

    fn push(&mut self, chunk: Chunk, at_us: u64) {
        let n = chunk.to - chunk.from;
        self.wire_records += n;
        self.wire_bytes += n * record_bytes(&chunk);
        self.wire.push_back((at_us, chunk));
    }

    /// Everything it holds, in delivery order (wire after inbox); it holds nothing after.
    fn take_all(&mut self) -> Vec<Chunk> {
        let mut out: Vec<Chunk> = self.inbox.drain(..).collect();
        out.extend(self.wire.drain(..).map(|(_, c)| c));
        self.inbox_records = 0;
        self.wire_records = 0;
        self.inbox_bytes = 0;
        self.wire_bytes = 0;
        self.over_window_records = 0;
        self.work_us = 0.0;
        self.soft_since_us = None;
        out
    }
}

/// Bytes of one record of `c` (records of a batch are the same size).
fn record_bytes(c: &Chunk) -> u64 {
    c.batch.bytes as u64 / c.batch.count.max(1) as u64
}

/// Something that happened to a subscriber during a step, for the cluster's events.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Incident {
    /// Consumer `member` ran out of memory and died; `requeued` records went back to the queue.
    Crashed {
        /// Consumer index.
        member: u32,
        /// Records requeued.
        requeued: u64,
    },
    /// The server disconnected the subscriber; `lost` records were in its output buffer.
    Disconnected {
        /// Records lost with the buffer.
        lost: u64,
    },
    /// Consumer `member` restarted or reconnected; `missed` records were published meanwhile.
    Back {
        /// Consumer index.
        member: u32,
        /// Records it will never get.
        missed: u64,
    },
}

/// A push subscription's run-time state.
#[derive(Clone, Debug)]
pub struct Subscription {
    /// Configuration.
    pub spec: SubscriptionSpec,
    /// Topic indices.
    pub topics: Vec<u16>,
    /// Counters.
    pub stats: SubscriptionStats,
    /// Its consumers (one unless RabbitMQ with `consumers` > 1).
    pub consumers: Vec<Subscriber>,
    /// End-to-end latency of the records its consumers processed.
    pub latency: crate::metrics::ReaderLatency,
    /// Next offset to take from the log per partition.
    cursor: VecMap<Tp, u64>,
    /// `rabbitmq`: deliveries of crashed consumers back in the queue, sent before newer
    /// records. Bounded by what the consumers held.
    requeued: VecDeque<Chunk>,
    requeued_records: u64,
    /// The consumer whose turn is next.
    turn: usize,
    /// `redis-pubsub`: records published since the current disconnection.
    missed_now: u64,
}

impl Subscription {
    /// A subscription receiving every partition of its topics from offset 0 (see
    /// [`Subscription::start_at`]).
    pub fn new(spec: SubscriptionSpec, topics: Vec<u16>) -> Self {
        let consumers = vec![Subscriber::default(); spec.consumer_count()];
        Subscription {
            spec,
            topics,
            stats: SubscriptionStats::default(),
            consumers,
            latency: Default::default(),
            cursor: VecMap::new(),
            requeued: VecDeque::new(),
            requeued_records: 0,
            turn: 0,
            missed_now: 0,
        }
    }

    /// Starts `tp` at `offset`: a subscription made while running gets what is published
    /// after it subscribes, as in the push systems it follows.
    pub fn start_at(&mut self, tp: Tp, offset: u64) {
        self.cursor.insert(tp, offset);
    }

    /// Records taken from the log and not processed yet: on the wire, in inboxes, requeued.
    pub fn held_records(&self) -> u64 {
        self.consumers.iter().map(Subscriber::unacked_records).sum::<u64>() + self.requeued_records
    }

    /// Requeued records waiting for a consumer.
    pub fn requeued_records(&self) -> u64 {
        self.requeued_records
    }

    /// Records lost for good: dropped, discarded with a buffer, or missed while disconnected.
    pub fn lost_records(&self) -> u64 {
        self.stats.dropped_records + self.stats.discarded_records + self.stats.missed_records
    }

    /// Next offset to take from the log for `tp` (0 before the first).
    pub fn cursor(&self, tp: Tp) -> u64 {
        self.cursor.get(&tp).copied().unwrap_or(0)
    }

    /// Whether the (Redis) subscriber is disconnected: the broker sends it nothing.
    pub fn disconnected(&self) -> bool {
        self.spec.push_model == PushModel::RedisPubsub && self.consumers[0].is_down()
    }

    /// Changes the prefetch window (None: no limit). Records already pushed stay with the
    /// consumers; a smaller window only stops further pushes until acknowledgements catch up.
    pub fn set_prefetch(&mut self, prefetch: Option<u32>) {
        self.spec.prefetch = prefetch;
        for c in &mut self.consumers {
            c.over_window_records = c.unacked_records();
        }
    }

    /// Records the broker may send consumer `k` now: none while it is down; else the prefetch
    /// credit left (`rabbitmq`), bounded by what Brook lets one client hold
    /// ([`limits::INBOX_RECORDS_MAX`]; past it the broker waits, as a full socket would make
    /// it). `mqtt-qos0` is not bounded here: the broker drops what does not fit.
    fn consumer_credit(&self, k: usize) -> u64 {
        let c = &self.consumers[k];
        if c.is_down() {
            return 0;
        }
        let held = c.unacked_records();
        let room = (limits::INBOX_RECORDS_MAX as u64).saturating_sub(held);
        match (self.spec.push_model, self.spec.prefetch) {
            (PushModel::MqttQos0, _) => u64::MAX,
            (PushModel::Rabbitmq, Some(p)) => (p as u64).saturating_sub(held).min(room),
            _ => room,
        }
    }

    /// Records the broker may take from the log now, over all consumers.
    pub fn credit(&self) -> u64 {
        (0..self.consumers.len()).fold(0u64, |a, k| a.saturating_add(self.consumer_credit(k)))
    }

    /// Records the subscriber missed: `tp` moves from `from` to `hw` while it is disconnected.
    pub fn miss(&mut self, tp: Tp, from: u64, hw: u64) {
        self.cursor.insert(tp, hw);
        let n = hw.saturating_sub(from);
        self.stats.routed_records += n;
        self.stats.missed_records += n;
        self.missed_now += n;
    }

    /// Sends `c` (from a crashed consumer's requeued deliveries if `again`) to the consumers
    /// in turn, within their credit; `sent(member, records)` is told of each delivery. Returns
    /// what no consumer could take.
    fn dispatch(
        &mut self,
        mut c: Chunk,
        at_us: u64,
        again: bool,
        sent: &mut impl FnMut(u32, &Chunk, u64),
    ) -> Option<Chunk> {
        let n_consumers = self.consumers.len();
        while c.from < c.to {
            let Some(k) = (0..n_consumers)
                .map(|i| (self.turn + i) % n_consumers)
                .find(|&k| self.consumer_credit(k) > 0)
            else {
                return Some(c);
            };
            let n = (c.to - c.from).min(self.consumer_credit(k));
            let piece = Chunk { to: c.from + n, ..c };
            self.consumers[k].push(piece, at_us);
            if again {
                self.consumers[k].redelivered_records += n;
            }
            self.stats.pushed_records += n;
            sent(k as u32, &piece, n);
            c.from += n;
            self.turn = (k + 1) % n_consumers;
        }
        None
    }

    /// The broker sends requeued deliveries first (RabbitMQ puts a requeued message back at
    /// its place in the queue, or nearer the head). `sent(member, chunk, records)` for each.
    pub fn push_requeued(&mut self, at_us: u64, mut sent: impl FnMut(u32, &Chunk, u64)) {
        while let Some(c) = self.requeued.pop_front() {
            let before = c.to - c.from;
            let rest = self.dispatch(c, at_us, true, &mut sent);
            let left = rest.map_or(0, |r| r.to - r.from);
            self.requeued_records -= before - left;
            if let Some(r) = rest {
                self.requeued.push_front(r);
                break;
            }
        }
    }

    /// The broker takes `chunk` (records `[from, to)` of its partition, read within
    /// [`Subscription::credit`]) from the log and sends it, arriving at `at_us`.
    /// `sent(member, chunk, records)` for each delivery. Returns records dropped
    /// (`mqtt-qos0`: past the client's queue limit).
    pub fn push(
        &mut self,
        mut chunk: Chunk,
        at_us: u64,
        mut sent: impl FnMut(u32, &Chunk, u64),
    ) -> u64 {
        self.cursor.insert(chunk.tp, chunk.to);
        let n = chunk.to - chunk.from;
        self.stats.routed_records += n;
        let mut dropped = 0;
        if self.spec.push_model == PushModel::MqttQos0 {
            // Mosquitto's db__ready_for_flight: a QoS 0 message goes out unless the client's
            // queue already holds max_queued_messages; otherwise it is dropped.
            let queued = self.consumers[0].unacked_records();
            let room = (self.spec.inbox_records_max as u64).saturating_sub(queued);
            if n > room {
                dropped = n - room;
                chunk.to = chunk.from + room;
            }
            self.stats.dropped_records += dropped;
        }
        if chunk.to > chunk.from {
            if let Some(rest) = self.dispatch(chunk, at_us, false, &mut sent) {
                // Read within the credit, so everything fits; kept in the queue if not.
                self.requeued_records += rest.to - rest.from;
                self.requeued.push_back(rest);
            }
        }
        dropped
    }

    /// Crashed consumers restart and disconnected subscribers reconnect when their time comes.
    pub fn upkeep(&mut self, now_us: u64, incidents: &mut Vec<Incident>) {
        for (k, c) in self.consumers.iter_mut().enumerate() {
            if c.down_until_us.is_some_and(|t| t <= now_us) {
                c.down_until_us = None;
                let missed = std::mem::take(&mut self.missed_now);
                incidents.push(Incident::Back { member: k as u32, missed });
            }
        }
    }

    /// Moves arrived pushes into the inboxes (drawing their processing time).
    pub fn receive(&mut self, now_us: u64, rng: &mut Rng) {
        let (dist, mean) = (self.spec.processing, self.spec.processing_us);
        for s in &mut self.consumers {
            while s.wire.front().is_some_and(|(t, _)| *t <= now_us) {
                let (_, mut c) = s.wire.pop_front().expect("front checked");
                let (n, b) = (c.to - c.from, (c.to - c.from) * record_bytes(&c));
                s.wire_records -= n;
                s.wire_bytes -= b;
                s.inbox_records += n;
                s.inbox_bytes += b;
                c.cost_us = dist.draw_us(mean, rng);
                s.inbox.push_back(c);
            }
            self.stats.inbox_records_peak = self.stats.inbox_records_peak.max(s.unacked_records());
        }
    }

    /// Applies the model's limits after the pushes of a step: a RabbitMQ client out of memory
    /// dies; a Redis subscriber over its output buffer limits is disconnected.
    pub fn enforce_limits(&mut self, now_us: u64, incidents: &mut Vec<Incident>) {
        match self.spec.push_model {
            PushModel::Rabbitmq => {
                for k in 0..self.consumers.len() {
                    let c = &self.consumers[k];
                    if c.is_down() {
                        continue;
                    }
                    self.stats.buffer_bytes_peak = self.stats.buffer_bytes_peak.max(c.inbox_bytes);
                    if c.inbox_bytes <= self.spec.memory_bytes_max {
                        continue;
                    }
                    // The process dies; its channel closes and RabbitMQ requeues every
                    // delivery not acknowledged, in order, ahead of newer messages.
                    let c = &mut self.consumers[k];
                    let held = c.take_all();
                    c.crashes += 1;
                    c.down_until_us = Some(now_us + self.spec.restart_delay_ms as u64 * 1000);
                    let requeued: u64 = held.iter().map(|c| c.to - c.from).sum();
                    for chunk in held.into_iter().rev() {
                        self.requeued.push_front(Chunk { cost_us: 0.0, ..chunk });
                    }
                    self.requeued_records += requeued;
                    self.stats.requeued_records += requeued;
                    self.stats.consumer_crashes += 1;
                    incidents.push(Incident::Crashed { member: k as u32, requeued });
                }
            }
            PushModel::RedisPubsub => {
                let spec = &self.spec;
                let c = &mut self.consumers[0];
                if c.is_down() {
                    return;
                }
                let used = c.unacked_bytes();
                self.stats.buffer_bytes_peak = self.stats.buffer_bytes_peak.max(used);
                // Redis's checkClientOutputBufferLimits: hard when used >= the hard limit;
                // soft when used >= the soft limit continuously for more than the soft
                // seconds (the first time it is seen over only starts the clock; under it
                // resets). A limit of 0 is off.
                let hard =
                    spec.output_buffer_hard_bytes > 0 && used >= spec.output_buffer_hard_bytes;
                let over_soft =
                    spec.output_buffer_soft_bytes > 0 && used >= spec.output_buffer_soft_bytes;
                let mut soft = false;
                if over_soft {
                    match c.soft_since_us {
                        None => c.soft_since_us = Some(now_us),
                        Some(t) => {
                            soft = now_us - t > spec.output_buffer_soft_seconds as u64 * 1_000_000
                        }
                    }
                } else {
                    c.soft_since_us = None;
                }
                if hard || soft {
                    let lost: u64 = c.take_all().iter().map(|c| c.to - c.from).sum();
                    c.down_until_us = Some(now_us + spec.reconnect_delay_ms as u64 * 1000);
                    self.stats.discarded_records += lost;
                    self.stats.disconnects += 1;
                    self.missed_now = 0;
                    incidents.push(Incident::Disconnected { lost });
                }
            }
            PushModel::MqttQos0 => {}
        }
    }

    /// Whether it holds offset `offset` of `tp`: on the wire, in an inbox, or requeued.
    #[inline(never)]
    pub fn holds(&self, tp: Tp, offset: u64) -> bool {
        let has = |c: &Chunk| c.tp == tp && c.from <= offset && offset < c.to;
        let held = |s: &Subscriber| s.inbox.iter().chain(s.wire.iter().map(|w| &w.1)).any(has);
        self.consumers.iter().any(held) || self.requeued.iter().any(has)
    }

    /// Every live consumer processes for `dt_us`; calls `done(consumer, chunk, from, to)` per
    /// processed slice (acknowledged at once, which returns prefetch credit). Returns records
    /// processed.
    pub fn process(&mut self, dt_us: u64, mut done: impl FnMut(u32, &Chunk, u64, u64)) -> u64 {
        let mut total = 0;
        for (k, s) in self.consumers.iter_mut().enumerate() {
            if s.is_down() {
                continue;
            }
            if s.inbox.is_empty() {
                s.work_us = 0.0;
                self.stats.idle_us += dt_us;
                continue;
            }
            s.work_us += dt_us as f64;
            let mut n_done = 0;
            let mut bytes_done = 0;
            // Bounded by the inbox, itself bounded by the credit or the queue limit.
            while let Some(c) = s.inbox.front_mut() {
                let cost = c.cost_us.max(0.001);
                let n = (libm::floor(s.work_us / cost) as u64).min(c.to - c.from);
                if n == 0 {
                    break;
                }
                s.work_us -= n as f64 * cost;
                done(k as u32, c, c.from, c.from + n);
                c.from += n;
                n_done += n;
                bytes_done += n * record_bytes(c);
                if c.from == c.to {
                    s.inbox.pop_front();
                }
            }
            if s.inbox.is_empty() {
                s.work_us = 0.0;
            }
            s.inbox_records -= n_done;
            s.inbox_bytes -= bytes_done;
            s.processed_records += n_done;
            s.over_window_records = s.over_window_records.min(s.unacked_records());
            total += n_done;
        }
        self.stats.processed_records += total;
        total
    }

    /// Checks the subscription's bounds and that every record it took is accounted for.
    pub fn check(&self) -> Result<(), String> {
        let name = &self.spec.name;
        for (k, s) in self.consumers.iter().enumerate() {
            let inbox: u64 = s.inbox.iter().map(|c| c.to - c.from).sum();
            let wire: u64 = s.wire.iter().map(|(_, c)| c.to - c.from).sum();
            let bytes: u64 = s.inbox.iter().map(|c| (c.to - c.from) * record_bytes(c)).sum();
            if inbox != s.inbox_records || wire != s.wire_records || bytes != s.inbox_bytes {
                return Err(format!("{name} #{k}: inbox or wire counts out of step"));
            }
            let unacked = inbox + wire;
            if unacked > limits::INBOX_RECORDS_MAX as u64 {
                return Err(format!("{name} #{k}: {unacked} records held"));
            }
            if s.is_down() && unacked > 0 {
                return Err(format!("{name} #{k}: down but holds {unacked} records"));
            }
            match self.spec.push_model {
                PushModel::Rabbitmq => {
                    if let Some(p) = self.spec.prefetch {
                        if unacked > p as u64 && unacked > s.over_window_records {
                            return Err(format!(
                                "{name} #{k}: {unacked} unacknowledged > prefetch {p}"
                            ));
                        }
                    }
                    if s.inbox_bytes > self.spec.memory_bytes_max {
                        return Err(format!(
                            "{name} #{k}: {} bytes buffered > memory_bytes_max {}",
                            s.inbox_bytes, self.spec.memory_bytes_max
                        ));
                    }
                }
                PushModel::RedisPubsub => {
                    let hard = self.spec.output_buffer_hard_bytes;
                    if hard > 0 && s.unacked_bytes() >= hard {
                        return Err(format!("{name}: output buffer at the hard limit {hard}"));
                    }
                }
                PushModel::MqttQos0 => {
                    if unacked > self.spec.inbox_records_max as u64 {
                        return Err(format!(
                            "{name}: {unacked} queued > inbox_records_max {}",
                            self.spec.inbox_records_max
                        ));
                    }
                }
            }
        }
        let requeued: u64 = self.requeued.iter().map(|c| c.to - c.from).sum();
        if requeued != self.requeued_records {
            return Err(format!("{name}: requeued count out of step"));
        }
        let st = &self.stats;
        let accounted = st.processed_records + self.held_records() + self.lost_records();
        if accounted != st.routed_records {
            return Err(format!(
                "{name}: {} records routed, but {} processed + {} held + {} lost",
                st.routed_records,
                st.processed_records,
                self.held_records(),
                self.lost_records()
            ));
        }
        Ok(())
    }
}
