//! Broker capacity (`cluster.resources`): each broker's network in and out, disk writes and
//! request handler threads, spent step by step, and the queues that fill when they run out.
//!
//! A produce request that reaches its leader's broker waits in the broker's socket until a
//! network thread reads it (Kafka's `SocketServer.Processor`: network in, and room in the
//! request queue), then in the request queue (`RequestChannel`, an `ArrayBlockingQueue` of
//! `queued.max.requests`: when it is full a network thread blocks in
//! `RequestChannel.sendRequest` and reads nothing more) until a request handler thread
//! (`KafkaRequestHandlerPool`, `num.io.threads` of them) takes it and appends it (disk
//! write). Its response waits for network out behind the fetch responses. Follower and
//! consumer fetches spend the same network and disk budgets (phases 4 and 9).
//!
//! Each budget is a bucket refilled every step with one step's worth: work starts while the
//! bucket is above zero and may overdraw it by one request, so a rate holds on average and a
//! request larger than a step's budget still goes. The network and disk buckets hold up to
//! [`BURST_STEPS`] steps' worth (a link's and a disk's buffers absorb a millisecond's burst:
//! three consumers fetching 500 KB each in the same step of a 10 Gbit/s link); the handler
//! threads' holds one step (a thread cannot bank idle time). Unlike a quota
//! (Kafka's `ClientQuotaManager`, which throttles one client by delaying its responses),
//! a saturated resource slows everyone on the broker.
//!
//! At the defaults no preset reaches a limit, and a request is handled the step it arrives,
//! as before brokers had limits.

use std::collections::VecDeque;

use super::{Cluster, Request, TICK_US};
use crate::request_metrics::{BrokerRequestMetrics, RequestKind, RequestTimes};
use crate::scenario::BrokerResources;

/// Steps' worth of network and disk budget a broker holds (10 ms).
pub(super) const BURST_STEPS: i64 = 10;

/// Budget indices.
const NET_IN: usize = 0;
const NET_OUT: usize = 1;
const DISK: usize = 2;
const IO: usize = 3;

/// A produce request's way through a broker (carried by the request and its response). Times
/// are virtual ms (steps are 1 ms; a u32 holds the longest run), kept small because every
/// request on the wire carries them.
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct Timing {
    /// When it entered the request queue, ms.
    pub queued_ms: u32,
    /// When a handler thread took it, ms.
    pub handled_ms: u32,
    /// When its response was ready (after the followers, for acks=all), ms.
    pub ready_ms: u32,
    /// The handler's time on it, us.
    pub local_us: u32,
    /// The broker that read it.
    pub broker: u16,
    /// Whether a broker read it (else it never reached one alive: no metrics).
    pub via_broker: bool,
}

/// Virtual time `us` in whole ms, as [`Timing`] keeps it.
pub(super) fn ms(us: u64) -> u32 {
    (us / 1_000) as u32
}

/// One broker's budgets and queues.
#[derive(Clone, Debug, Default)]
pub(super) struct BrokerLoad {
    /// Budgets left this step: bytes x 1000 (network in, out, disk), ns (handler threads).
    credit: [i64; 4],
    /// Requests arrived and not read (the request queue full, or network in spent).
    socket: VecDeque<Request>,
    /// The request queue (`RequestChannel`), at most `queued.max.requests`.
    queue: VecDeque<Request>,
    /// Responses waiting for network out.
    responses: VecDeque<Request>,
    /// The longest the request queue has been.
    pub queue_max: usize,
    /// Request times, by request type.
    pub metrics: BrokerRequestMetrics,
    /// Network in, out and disk budgets as the last refill left them (what the step since
    /// has spent is this less `credit`).
    refilled: [i64; 3],
    /// Bytes read, sent and written so far, counted at each refill.
    spent_bytes: [u64; 3],
}

/// What one step refills, in the units of [`BrokerLoad::credit`].
pub(super) fn per_step(r: &BrokerResources) -> [i64; 4] {
    // bytes/s x 1 ms = bytes/1000 a step, counted in thousandths of a byte.
    let bytes = |rate: u64| (rate * TICK_US / 1_000) as i64;
    [
        bytes(r.network_in_bytes_per_sec),
        bytes(r.network_out_bytes_per_sec),
        bytes(r.disk_write_bytes_per_sec),
        (r.num_io_threads as u64 * TICK_US * 1_000) as i64,
    ]
}

/// The most each budget holds, in the units of [`BrokerLoad::credit`].
fn caps(r: &BrokerResources) -> [i64; 4] {
    let [i, o, d, io] = per_step(r);
    [i * BURST_STEPS, o * BURST_STEPS, d * BURST_STEPS, io]
}

/// A produce request's handler time, ns.
fn cost_ns(r: &BrokerResources, bytes: u64) -> u64 {
    r.request_cost_us as u64 * 1_000 + bytes * r.request_cost_ns_per_byte as u64
}

/// Time to send `bytes` at `rate` bytes per second, us.
pub(super) fn send_us(bytes: u64, rate: u64) -> u64 {
    (bytes as u128 * 1_000_000 / rate.max(1) as u128) as u64
}

/// [`Cluster::respond`] on the fields it needs (for loops that borrow the topics): the
/// response goes now if its broker's network out has budget and nothing waits before it, else
/// it waits (`ResponseQueueTimeMs`) for the next step's `capacity_refill`.
pub(super) fn respond_to(
    loads: &mut [BrokerLoad],
    brokers: &[super::Broker],
    to_producer: &mut VecDeque<Request>,
    now_us: u64,
    delay_us: u32,
    mut r: Request,
) {
    let b = r.t.broker as usize;
    if !r.t.via_broker || !brokers.get(b).is_some_and(|x| x.alive) {
        to_producer.push_back(r);
        return;
    }
    r.t.ready_ms = r.t.ready_ms.max(r.t.handled_ms).max(ms(now_us));
    let l = &mut loads[b];
    if l.responses.is_empty() && l.credit[NET_OUT] > 0 {
        send_response(l, r, now_us, to_producer, delay_us);
        return;
    }
    l.responses.push_back(r);
}

/// Sends produce response `r` from broker load `l` at `now_us`: its request metrics are
/// recorded and it goes on the wire.
fn send_response(
    l: &mut BrokerLoad,
    r: Request,
    now_us: u64,
    to_producer: &mut VecDeque<Request>,
    delay_us: u32,
) {
    let t = r.t;
    let gap_us = |from: u32, to: u32| (to - from) as u64 * 1_000;
    let times = RequestTimes {
        queue_us: gap_us(t.queued_ms, t.handled_ms),
        local_us: t.local_us as u64,
        remote_us: gap_us(t.handled_ms, t.ready_ms),
        response_queue_us: gap_us(t.ready_ms, ms(now_us)),
        // A produce response is a few dozen bytes: Brook counts it free.
        response_send_us: 0,
    };
    l.metrics.record(RequestKind::Produce, &times);
    to_producer.push_back(Request { due_us: now_us + delay_us as u64, ..r });
}

/// A broker's queues now (a gauge for the page and the tests).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct BrokerQueues {
    /// Produce requests in the request queue (at most `queued.max.requests`).
    pub request_queue: u32,
    /// Produce requests arrived but not read because the request queue was full or the
    /// network in spent.
    pub unread: u32,
    /// Responses waiting for network out.
    pub responses: u32,
    /// The longest the request queue has been.
    pub request_queue_max: u32,
}

impl BrokerLoad {
    pub(super) fn queues(&self) -> BrokerQueues {
        BrokerQueues {
            request_queue: self.queue.len() as u32,
            unread: self.socket.len() as u32,
            responses: self.responses.len() as u32,
            request_queue_max: self.queue_max as u32,
        }
    }

    /// Every request held (read or not) and every response waiting.
    pub(super) fn requests(&self) -> impl Iterator<Item = &Request> {
        self.socket.iter().chain(&self.queue).chain(&self.responses)
    }

    /// Whether network out has budget left this step.
    pub(super) fn can_send(&self) -> bool {
        self.credit[NET_OUT] > 0
    }

    /// Whether this broker can take in fetched records this step (network in, disk).
    pub(super) fn can_receive(&self) -> bool {
        self.credit[NET_IN] > 0 && self.credit[DISK] > 0
    }

    pub(super) fn spend_out(&mut self, bytes: u64) {
        self.credit[NET_OUT] -= bytes as i64 * 1_000;
    }

    pub(super) fn spend_in_and_disk(&mut self, bytes: u64) {
        self.credit[NET_IN] -= bytes as i64 * 1_000;
        self.credit[DISK] -= bytes as i64 * 1_000;
    }
}

impl Cluster {
    /// Start of phase 3: every broker's budgets refill for the step; responses waiting for
    /// network out go while it lasts.
    #[inline(never)] // its own frame in a profile (BENCHMARKS.md)
    pub(super) fn capacity_refill(&mut self) {
        let res = &self.scenario.cluster.resources;
        let (step, cap) = (per_step(res), caps(res));
        if self.loads.len() < self.brokers.len() {
            // A new broker (or the first step) starts idle: its buckets full.
            let idle = BrokerLoad {
                credit: cap,
                refilled: [cap[NET_IN], cap[NET_OUT], cap[DISK]],
                ..BrokerLoad::default()
            };
            self.loads.resize(self.brokers.len(), idle);
        }
        for b in 0..self.loads.len() {
            let l = &mut self.loads[b];
            for i in [NET_IN, NET_OUT, DISK] {
                l.spent_bytes[i] += (l.refilled[i] - l.credit[i]).max(0) as u64 / 1_000;
            }
            for ((c, f), m) in l.credit.iter_mut().zip(step).zip(cap) {
                *c = (*c + f).min(m);
            }
            l.refilled = [l.credit[NET_IN], l.credit[NET_OUT], l.credit[DISK]];
            if !l.responses.is_empty() {
                self.send_responses(b);
            }
        }
    }

    /// Phase 3: a produce request reaches broker `b` (its partition's leader, alive): it waits
    /// in the socket, and the broker reads and handles what its budgets allow.
    pub(super) fn capacity_arrive(&mut self, b: usize, mut r: Request) {
        let l = &mut self.loads[b];
        if l.socket.is_empty()
            && l.queue.is_empty()
            && l.credit[NET_IN] > 0
            && l.credit[IO] > 0
            && l.credit[DISK] > 0
        {
            // Nothing waits and every budget has room: read and handled at once (the common
            // case, without the queues).
            let res = &self.scenario.cluster.resources;
            let bytes = r.out.batch.bytes as u64;
            let cost = cost_ns(res, bytes);
            l.credit[NET_IN] -= bytes as i64 * 1_000;
            l.credit[IO] -= cost as i64;
            l.credit[DISK] -= bytes as i64 * 1_000;
            l.queue_max = l.queue_max.max(1);
            let now = ms(self.now_us);
            r.t = Timing {
                via_broker: true,
                broker: b as u16,
                queued_ms: now,
                handled_ms: now,
                local_us: (cost / 1_000) as u32,
                ready_ms: 0,
            };
            // The caller found `b` leading the partition.
            self.append_request(r, true);
            return;
        }
        l.socket.push_back(r);
        self.capacity_serve(b);
    }

    /// End of phase 3: brokers with a backlog work through it.
    pub(super) fn capacity_serve_all(&mut self) {
        for b in 0..self.loads.len() {
            let l = &self.loads[b];
            if !l.socket.is_empty() || !l.queue.is_empty() {
                self.capacity_serve(b);
            }
        }
    }

    /// Broker `b` handles requests from its queue while its handler threads and disk have
    /// budget, and reads from its socket into the queue while the queue has room and network
    /// in has budget (Kafka's `KafkaRequestHandler.run` and `Processor.processCompletedReceives`).
    fn capacity_serve(&mut self, b: usize) {
        let now = self.now_us;
        let res = self.scenario.cluster.resources;
        loop {
            let l = &mut self.loads[b];
            if let Some(r) = l.queue.front() {
                if l.credit[IO] > 0 && l.credit[DISK] > 0 {
                    let mut r = *r;
                    l.queue.pop_front();
                    let bytes = r.out.batch.bytes as u64;
                    let cost = cost_ns(&res, bytes);
                    l.credit[IO] -= cost as i64;
                    l.credit[DISK] -= bytes as i64 * 1_000;
                    r.t.handled_ms = ms(now);
                    r.t.local_us = (cost / 1_000) as u32;
                    let part =
                        &self.topics[r.topic as usize].partitions[r.out.batch.partition as usize];
                    // Leadership may have moved while it waited: NOT_LEADER_OR_FOLLOWER.
                    let at_leader = part.leader_broker() == Some(b as u16);
                    self.append_request(r, at_leader);
                    continue;
                }
            }
            let l = &mut self.loads[b];
            if l.socket.is_empty()
                || l.queue.len() >= res.queued_max_requests as usize
                || l.credit[NET_IN] <= 0
            {
                return;
            }
            let mut r = l.socket.pop_front().expect("checked");
            l.credit[NET_IN] -= r.out.batch.bytes as i64 * 1_000;
            r.t = Timing { via_broker: true, broker: b as u16, queued_ms: ms(now), ..r.t };
            l.queue.push_back(r);
            l.queue_max = l.queue_max.max(l.queue.len());
        }
    }

    /// A broker crashed: what it held is lost with its connections. Requests it had not
    /// handled are refused (the producer's connection breaks: retriable; acks=0 records are
    /// gone, as `leader-crash-in-flight`), and its waiting responses go out to be turned into
    /// errors with the others it had sent (`crash_broker`).
    pub(super) fn capacity_broker_crashed(&mut self, b: usize) {
        let Some(l) = self.loads.get_mut(b) else { return };
        let held: Vec<Request> = l.socket.drain(..).chain(l.queue.drain(..)).collect();
        let responses: Vec<Request> = l.responses.drain(..).collect();
        let delay_us = self.scenario.cluster.network_delay_us as u64;
        for r in responses {
            self.to_producer.push_back(Request { due_us: self.now_us + delay_us, ..r });
        }
        for r in held {
            self.append_request(Request { t: Timing::default(), ..r }, false);
        }
    }

    /// A produce response is ready: it goes now if its broker's network out has budget and
    /// nothing waits before it, else it waits (`ResponseQueueTimeMs`).
    pub(super) fn respond(&mut self, r: Request) {
        let delay_us = self.scenario.cluster.network_delay_us;
        let (loads, brokers) = (&mut self.loads, &self.brokers);
        respond_to(loads, brokers, &mut self.to_producer, self.now_us, delay_us, r);
    }

    fn send_responses(&mut self, b: usize) {
        let now = self.now_us;
        let delay_us = self.scenario.cluster.network_delay_us as u64;
        let l = &mut self.loads[b];
        while l.credit[NET_OUT] > 0 {
            let Some(r) = l.responses.pop_front() else { break };
            send_response(l, r, now, &mut self.to_producer, delay_us as u32);
        }
    }

    /// A consumer fetch is answered after `waited_us` at the broker (long poll, or records
    /// held back by a spent network out: `RemoteTimeMs`), by broker `served` with the bytes
    /// it sent (`ResponseSendTimeMs` at the network out rate). Brook's member sends one
    /// fetch for all its partitions; it counts at the first broker that sent records.
    pub(super) fn fetch_answered(&mut self, served: Option<(usize, u64)>, waited_us: u64) {
        let Some((b, bytes)) = served else { return };
        let rate = self.scenario.cluster.resources.network_out_bytes_per_sec;
        let times = RequestTimes {
            remote_us: waited_us,
            response_send_us: send_us(bytes, rate),
            ..RequestTimes::default()
        };
        self.loads[b].metrics.record(RequestKind::Fetch, &times);
    }

    /// Broker `b`'s queues now.
    pub fn broker_queues(&self, b: usize) -> BrokerQueues {
        self.loads.get(b).map(BrokerLoad::queues).unwrap_or_default()
    }

    /// Bytes broker `b` has read from the network, sent and written to disk so far (counted
    /// at the start of each step's phase 3, so up to one step behind): divided by the
    /// scenario's rates over a span of time, how busy each was.
    pub fn broker_bytes(&self, b: usize) -> [u64; 3] {
        self.loads.get(b).map_or([0; 3], |l| l.spent_bytes)
    }

    /// Broker `b`'s request metrics (Kafka's `RequestMetrics`).
    pub fn broker_request_metrics(&self, b: usize) -> Option<&BrokerRequestMetrics> {
        self.loads.get(b).map(|l| &l.metrics)
    }
}
