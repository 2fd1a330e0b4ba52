//! Without a queue: the same traffic as synchronous calls from the shop to the service.
//!
//! Not Kafka. The course's claim (decoupling, asynchrony, peak shaving) is that without a queue
//! the producer calls the consumer service directly and waits for the answer: when traffic
//! exceeds the service's capacity, requests wait, time out or are refused, and the caller's
//! own threads are held meanwhile, so it stops taking orders; with a queue the producer only
//! appends, the backlog grows and drains, and nothing fails. A [`DirectRun`] plays the first
//! half of that sentence beside a [`crate::Cluster`] run of the same scenario and seed.
//!
//! The model, a thread-per-request web stack (Tomcat's, the Servlet model):
//! - the producers' rate profiles (and the timeline's rate commands) create the same requests
//!   per tick as `Producer::tick` creates records;
//! - each request needs one of the shop's `caller_threads_max` threads (Tomcat's `maxThreads`,
//!   default 200), held until the answer comes back or `timeout_ms` passes (a blocking HTTP
//!   client's read timeout); with none free the shop cannot take the order: it fails;
//! - the request travels `network_delay_us` to the service, whose workers are the members of
//!   the scenario's first reader (its count and processing time: the queued run's capacity);
//!   with every worker busy it waits in the service's accept queue of `service_queue_max`
//!   (Tomcat's `acceptCount`, default 100) and, that full, is refused (failed);
//! - a caller that times out frees its thread; the service does not know and finishes the
//!   work anyway (counted: answered after the caller gave up).
//!
//! Everything is bounded: requests in flight by the caller threads, the service's queue by
//! `service_queue_max`, its workers by their count, the history by [`HISTORY_SAMPLES_MAX`].
//! Its own RNG, seeded like the cluster's, draws Poisson arrivals and exponential processing
//! times; the queued run's hot path does not change.

use std::collections::VecDeque;

use serde::{Deserialize, Serialize};

use crate::cluster::{HISTORY_SAMPLES_MAX, SAMPLE_US, TICK_US};
use crate::metrics::{History, LatencyHistogram};
use crate::producer::RateProfile;
use crate::rng::Rng;
use crate::scenario::{Command, Scenario, TimedEvent};
use crate::vocab::ProcessingDist;

/// Settings of the run without a queue (`Scenario::direct_call`). Not Kafka settings: each
/// default is cited where it is declared.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DirectCallSpec {
    /// Threads the shop has to call the service with; each waits for one answer. Default 200,
    /// Tomcat's `maxThreads` (the HTTP connector's default request-processing threads).
    #[serde(default = "default_caller_threads_max")]
    pub caller_threads_max: u32,
    /// How long a caller waits for the answer before giving up, ms. Default 10000, OkHttp's
    /// default read timeout (`OkHttpClient.Builder.readTimeout`: 10 seconds).
    #[serde(default = "default_timeout_ms")]
    pub timeout_ms: u32,
    /// Requests that wait at the service for a free worker; past it the service refuses the
    /// request. Default 100, Tomcat's `acceptCount`.
    #[serde(default = "default_service_queue_max")]
    pub service_queue_max: u32,
    /// The service's workers (requests processed at once); null: one per member of the
    /// scenario's first reader (consumer group, else share group, else push subscription's
    /// consumers), the queued run's capacity. Default null.
    #[serde(default)]
    pub service_concurrency_max: Option<u32>,
}

fn default_caller_threads_max() -> u32 {
    200
}
fn default_timeout_ms() -> u32 {
    10_000
}
fn default_service_queue_max() -> u32 {
    100
}

impl Default for DirectCallSpec {
    fn default() -> Self {
        DirectCallSpec {
            caller_threads_max: default_caller_threads_max(),
            timeout_ms: default_timeout_ms(),
            service_queue_max: default_service_queue_max(),
            service_concurrency_max: None,
        }
    }
}

impl DirectCallSpec {
    /// Whether every field has its default (the scenario file then leaves the section out).
    pub fn is_default(&self) -> bool {
        *self == DirectCallSpec::default()
    }
}

/// Totals of a run without a queue.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct DirectSummary {
    /// Virtual seconds simulated.
    pub virtual_seconds: f64,
    /// Orders the shop's application tried to place (the queued run's produced records).
    pub sent_requests: u64,
    /// Calls answered OK before the caller's timeout.
    pub succeeded_requests: u64,
    /// Calls that failed: `no_thread_requests` plus `refused_requests`.
    pub failed_requests: u64,
    /// Orders the shop could not take: every caller thread was waiting for an answer.
    pub no_thread_requests: u64,
    /// Calls the service refused: every worker busy and its accept queue full.
    pub refused_requests: u64,
    /// Calls whose caller gave up after `timeout_ms`.
    pub timed_out_requests: u64,
    /// Calls holding a caller thread now (on the wire, waiting or being processed).
    pub in_flight_requests: u64,
    /// Calls the service finished after their caller had given up: work nobody waited for.
    pub answered_after_timeout_requests: u64,
    /// Virtual ms (ticks) in which the shop turned orders away, every caller thread waiting.
    pub shop_blocked_ms: u64,
    /// Most caller threads waiting at once.
    pub caller_threads_busy_max: u32,
    /// The service's workers.
    pub service_workers: u32,
    /// Latency of the calls that succeeded (sent to answered), median, ms.
    pub latency_ms_p50: f64,
    /// 99th percentile, ms.
    pub latency_ms_p99: f64,
    /// Maximum, ms.
    pub latency_ms_max: f64,
}

/// One point of the run's time series, every [`SAMPLE_US`].
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DirectSample {
    /// Virtual time, ms.
    pub t_ms: u64,
    /// Orders sent so far.
    pub sent_requests: u64,
    /// Calls succeeded so far.
    pub succeeded_requests: u64,
    /// Calls failed so far (no caller thread, refused).
    pub failed_requests: u64,
    /// Calls timed out so far.
    pub timed_out_requests: u64,
    /// Caller threads waiting at this instant.
    pub callers_waiting: u32,
    /// Service workers busy at this instant.
    pub workers_busy: u32,
    /// Requests in the service's accept queue at this instant.
    pub service_queued: u32,
    /// Latency p99 of the calls answered OK in the last interval, ms (0 if none).
    pub latency_ms_p99: f64,
}

/// One call: its id, the caller thread it holds and when it was sent.
#[derive(Clone, Copy, Debug)]
struct Call {
    id: u64,
    slot: u32,
    due_us: u64,
}

#[derive(Clone, Copy, Debug)]
struct Worker {
    speed: f64,
    /// The call being processed and when it is done, virtual us.
    job: Option<(Call, u64)>,
    /// When the last job finished, virtual us.
    free_at_us: u64,
}

#[derive(Clone, Debug)]
struct Source {
    name: String,
    rate: RateProfile,
    carry: f64,
    /// A manual rate or spike in force: rate and until when, us.
    over: Option<(f64, u64)>,
    closed: bool,
}

impl Source {
    /// Requests created in the tick ending at `now_us`, as `Producer::tick` counts records.
    fn tick(&mut self, now_us: u64, rng: &mut Rng) -> u64 {
        if self.closed {
            return 0;
        }
        let rate = match self.over {
            Some((r, until)) if now_us < until => r,
            _ => self.rate.rate_at(now_us),
        };
        let expected = rate * TICK_US as f64 / 1e6;
        let poisson = matches!(self.rate, RateProfile::Poisson { .. });
        if poisson && self.over.is_none() {
            return rng.poisson(expected);
        }
        let total = expected + self.carry;
        let whole = libm::floor(total);
        self.carry = total - whole;
        whole as u64
    }
}

/// A run of a scenario's traffic as synchronous calls, without a queue (see the module).
#[derive(Clone, Debug)]
pub struct DirectRun {
    spec: DirectCallSpec,
    now_us: u64,
    rng: Rng,
    sources: Vec<Source>,
    timeline: Vec<TimedEvent>,
    timeline_next: usize,
    commands: VecDeque<Command>,
    network_delay_us: u64,
    processing_us: u32,
    processing: ProcessingDist,
    /// Per caller thread: the call it waits for (0: free) and when it was sent.
    slots: Vec<(u64, u64)>,
    free: Vec<u32>,
    /// No caller's deadline comes before this, virtual us.
    next_deadline_us: u64,
    next_id: u64,
    to_service: VecDeque<Call>,
    queue: VecDeque<Call>,
    workers: Vec<Worker>,
    /// Answers on their way back: the call and whether it is a refusal.
    to_caller: VecDeque<(Call, bool)>,
    s: DirectSummary,
    latency: LatencyHistogram,
    latency_at_sample: LatencyHistogram,
    history: History<DirectSample>,
    next_sample_us: u64,
}

/// Commands the run takes from the queued run's: the ones that change the traffic.
fn traffic_command(c: &Command) -> bool {
    matches!(
        c,
        Command::SetRate { .. }
            | Command::Spike { .. }
            | Command::AddProducer { .. }
            | Command::RemoveProducer { .. }
            | Command::ConfigureProducer { .. }
    )
}

impl DirectRun {
    /// The run without a queue of a (validated) scenario, with `seed` for its RNG.
    pub fn new(scenario: &Scenario, seed: u64) -> Self {
        let spec = scenario.direct_call.clone();
        let (members, processing_us, processing, speeds) = service_of(scenario);
        let count = spec.service_concurrency_max.unwrap_or(members);
        let workers = (0..count as usize)
            .map(|i| Worker {
                speed: speeds.get(i).copied().unwrap_or(1.0),
                job: None,
                free_at_us: 0,
            })
            .collect();
        let threads = spec.caller_threads_max;
        let mut timeline: Vec<TimedEvent> =
            scenario.events.iter().filter(|e| traffic_command(&e.command)).cloned().collect();
        crate::sort::sort_by_key(&mut timeline, |e| e.at_ms);
        DirectRun {
            now_us: 0,
            rng: Rng::new(seed),
            sources: scenario.producers.iter().map(|p| source(&p.name, &p.rate)).collect(),
            timeline,
            timeline_next: 0,
            commands: VecDeque::new(),
            network_delay_us: scenario.cluster.network_delay_us as u64,
            processing_us,
            processing,
            slots: vec![(0, 0); threads as usize],
            free: (0..threads).rev().collect(),
            next_deadline_us: u64::MAX,
            next_id: 1,
            to_service: VecDeque::new(),
            queue: VecDeque::new(),
            workers,
            to_caller: VecDeque::new(),
            s: DirectSummary { service_workers: count, ..DirectSummary::default() },
            latency: LatencyHistogram::default(),
            latency_at_sample: LatencyHistogram::default(),
            history: History::new(HISTORY_SAMPLES_MAX),
            next_sample_us: SAMPLE_US,
            spec,
        }
    }

    /// Virtual time, us.
    pub fn now_us(&self) -> u64 {
        self.now_us
    }

    /// The settings.
    pub fn spec(&self) -> &DirectCallSpec {
        &self.spec
    }

    /// A traffic command (a rate, a spike, a producer added or closed) for the next step, as
    /// the queued run applies it; other commands do not concern this run and are ignored.
    /// Bounded like the cluster's queue.
    pub fn command(&mut self, c: &Command) {
        if traffic_command(c) && self.commands.len() < crate::cluster::COMMANDS_QUEUED_MAX {
            self.commands.push_back(c.clone());
        }
    }

    /// Runs whole steps until virtual time reaches `until_us`.
    pub fn run_until(&mut self, until_us: u64) {
        // Bounded by the distance to `until_us` in ticks.
        while self.now_us + TICK_US <= until_us {
            self.step();
        }
    }

    /// Advances virtual time by one tick: commands, new orders, the service, answers,
    /// timeouts, a sample.
    pub fn step(&mut self) {
        self.now_us += TICK_US;
        let now = self.now_us;
        self.apply_commands();
        self.send();
        self.serve();
        self.serve_arrivals();
        self.serve();
        self.answers();
        self.timeouts();
        let busy = self.slots.len() - self.free.len();
        self.s.caller_threads_busy_max = self.s.caller_threads_busy_max.max(busy as u32);
        if now >= self.next_sample_us {
            self.next_sample_us += SAMPLE_US;
            self.sample();
        }
    }

    fn apply_commands(&mut self) {
        let now_ms = self.now_us / 1000;
        while let Some(e) = self.timeline.get(self.timeline_next) {
            if e.at_ms > now_ms {
                break;
            }
            self.timeline_next += 1;
            self.commands.push_back(e.command.clone());
        }
        while let Some(c) = self.commands.pop_front() {
            self.apply(c);
        }
    }

    fn apply(&mut self, c: Command) {
        let now = self.now_us;
        let find = |sources: &[Source], name: &str| {
            sources.iter().position(|s| s.name == name && !s.closed)
        };
        match c {
            Command::SetRate { producer, rate_per_sec } => {
                if let Some(i) = find(&self.sources, &producer) {
                    self.sources[i].over = Some((rate_per_sec, u64::MAX));
                }
            }
            Command::Spike { producer, rate_per_sec, duration_ms } => {
                if let Some(i) = find(&self.sources, &producer) {
                    let until = now.saturating_add(duration_ms.saturating_mul(1000));
                    self.sources[i].over = Some((rate_per_sec, until));
                }
            }
            Command::AddProducer { spec }
                if find(&self.sources, &spec.name).is_none()
                    && self.sources.len() < crate::scenario::limits::PRODUCERS_MAX =>
            {
                self.sources.push(source(&spec.name, &spec.rate));
            }
            Command::RemoveProducer { producer } => {
                if let Some(i) = find(&self.sources, &producer) {
                    self.sources[i].closed = true;
                }
            }
            Command::ConfigureProducer { producer, rate_per_sec, profile, .. } => {
                let Some(i) = find(&self.sources, &producer) else { return };
                let rate = match (rate_per_sec, profile) {
                    (Some(r), _) => RateProfile::Constant { rate_per_sec: r },
                    (None, Some(p)) => p,
                    (None, None) => return,
                };
                self.sources[i].rate = rate;
                self.sources[i].over = None;
            }
            _ => {}
        }
    }

    /// New orders: each takes a free caller thread and goes on the wire, or fails.
    fn send(&mut self) {
        let now = self.now_us;
        let turned_away = self.s.no_thread_requests;
        for i in 0..self.sources.len() {
            let n = self.sources[i].tick(now, &mut self.rng);
            self.s.sent_requests += n;
            for k in 0..n {
                let Some(slot) = self.free.pop() else {
                    // No thread: this order and the rest of the tick's fail.
                    self.s.no_thread_requests += n - k;
                    break;
                };
                let id = self.next_id;
                self.next_id += 1;
                self.slots[slot as usize] = (id, now);
                let deadline = now + self.spec.timeout_ms as u64 * 1000;
                self.next_deadline_us = self.next_deadline_us.min(deadline);
                self.to_service.push_back(Call { id, slot, due_us: now + self.network_delay_us });
            }
        }
        if self.s.no_thread_requests > turned_away {
            self.s.shop_blocked_ms += TICK_US / 1000;
        }
    }

    /// Requests reaching the service: to a free worker or the accept queue, else refused.
    fn serve_arrivals(&mut self) {
        let now = self.now_us;
        let capacity = self.workers.len() + self.spec.service_queue_max as usize;
        // Arrivals only join the queue here: the busy workers stay as they are.
        let busy = self.workers.iter().filter(|w| w.job.is_some()).count();
        while self.to_service.front().is_some_and(|c| c.due_us <= now) {
            let c = self.to_service.pop_front().expect("checked");
            if busy + self.queue.len() < capacity {
                self.queue.push_back(Call { due_us: now, ..c });
            } else {
                self.to_caller.push_back((Call { due_us: now + self.network_delay_us, ..c }, true));
            }
        }
    }

    /// Workers finish their jobs (answers go back) and take the next from the queue, in
    /// turns so that fast jobs within a tick spread over the workers.
    fn serve(&mut self) {
        let now = self.now_us;
        // Bounded: each turn finishes or starts a job, and the queue only shrinks.
        loop {
            let mut moved = false;
            for w in 0..self.workers.len() {
                if let Some((call, done)) = self.workers[w].job {
                    if done > now {
                        continue;
                    }
                    self.workers[w].job = None;
                    self.workers[w].free_at_us = done;
                    let back = Call { due_us: done.max(now) + self.network_delay_us, ..call };
                    self.to_caller.push_back((back, false));
                    moved = true;
                }
                let Some(call) = self.queue.pop_front() else { continue };
                let worker = &mut self.workers[w];
                let cost = self.processing.draw_us(self.processing_us, &mut self.rng);
                let cost_us = libm::ceil(cost / worker.speed.max(1e-9)) as u64;
                let start = worker.free_at_us.max(call.due_us);
                worker.job = Some((call, start + cost_us));
                moved = true;
            }
            if !moved {
                break;
            }
        }
    }

    /// Answers reaching their callers: a success, a refusal, or too late (the caller gave up).
    fn answers(&mut self) {
        let now = self.now_us;
        // Every answer is pushed at its tick plus the network delay: in due order.
        while self.to_caller.front().is_some_and(|(c, _)| c.due_us <= now) {
            let (c, refused) = self.to_caller.pop_front().expect("checked");
            let (id, sent) = self.slots[c.slot as usize];
            if id != c.id {
                if !refused {
                    self.s.answered_after_timeout_requests += 1;
                }
                continue;
            }
            self.slots[c.slot as usize] = (0, 0);
            self.free.push(c.slot);
            if refused {
                self.s.refused_requests += 1;
            } else if c.due_us - sent > self.spec.timeout_ms as u64 * 1000 {
                // Due within this tick but after the caller's deadline: too late.
                self.s.timed_out_requests += 1;
                self.s.answered_after_timeout_requests += 1;
            } else {
                self.s.succeeded_requests += 1;
                self.latency.record(c.due_us - sent, 1);
            }
        }
    }

    /// Callers past `timeout_ms` give up and free their thread.
    fn timeouts(&mut self) {
        let now = self.now_us;
        if now < self.next_deadline_us {
            return;
        }
        let timeout_us = self.spec.timeout_ms as u64 * 1000;
        let mut next = u64::MAX;
        for (slot, entry) in self.slots.iter_mut().enumerate() {
            if entry.0 == 0 {
                continue;
            }
            let deadline = entry.1 + timeout_us;
            if deadline <= now {
                *entry = (0, 0);
                self.free.push(slot as u32);
                self.s.timed_out_requests += 1;
            } else {
                next = next.min(deadline);
            }
        }
        self.next_deadline_us = next;
    }

    fn sample(&mut self) {
        let q = |h: &LatencyHistogram, e: &LatencyHistogram| h.quantile_since_us(e, 0.99);
        let p99 = q(&self.latency, &self.latency_at_sample) as f64 / 1000.0;
        self.latency_at_sample = self.latency.clone();
        let s = self.summary();
        self.history.push(DirectSample {
            t_ms: self.now_us / 1000,
            sent_requests: s.sent_requests,
            succeeded_requests: s.succeeded_requests,
            failed_requests: s.failed_requests,
            timed_out_requests: s.timed_out_requests,
            callers_waiting: s.in_flight_requests as u32,
            workers_busy: self.workers_busy(),
            service_queued: self.queue.len() as u32,
            latency_ms_p99: p99,
        });
    }

    /// Service workers processing a request now.
    pub fn workers_busy(&self) -> u32 {
        self.workers.iter().filter(|w| w.job.is_some_and(|(_, done)| done > self.now_us)).count()
            as u32
    }

    /// The service's workers.
    pub fn workers(&self) -> u32 {
        self.workers.len() as u32
    }

    /// Caller threads waiting for an answer now.
    pub fn callers_waiting(&self) -> u32 {
        (self.slots.len() - self.free.len()) as u32
    }

    /// Requests in the service's accept queue now.
    pub fn service_queued(&self) -> u32 {
        self.queue.len() as u32
    }

    /// Sampled time series, oldest first.
    pub fn history(&self) -> &History<DirectSample> {
        &self.history
    }

    /// The totals so far.
    pub fn summary(&self) -> DirectSummary {
        let ms = |us: u64| us as f64 / 1000.0;
        DirectSummary {
            virtual_seconds: self.now_us as f64 / 1e6,
            in_flight_requests: self.callers_waiting() as u64,
            failed_requests: self.s.no_thread_requests + self.s.refused_requests,
            latency_ms_p50: ms(self.latency.quantile_us(0.5)),
            latency_ms_p99: ms(self.latency.quantile_us(0.99)),
            latency_ms_max: ms(self.latency.max_us()),
            ..self.s.clone()
        }
    }

    /// Checks the run's invariants; the message names the one broken. Tests call it after
    /// every step.
    pub fn check_invariants(&self) -> Result<(), String> {
        let s = self.summary();
        let accounted =
            s.succeeded_requests + s.failed_requests + s.timed_out_requests + s.in_flight_requests;
        if s.sent_requests != accounted {
            return Err(format!(
                "sent {} != succeeded {} + failed {} + timed out {} + in flight {}",
                s.sent_requests,
                s.succeeded_requests,
                s.failed_requests,
                s.timed_out_requests,
                s.in_flight_requests
            ));
        }
        let threads = self.spec.caller_threads_max as usize;
        let held = self.slots.iter().filter(|e| e.0 != 0).count();
        if self.free.len() + held != threads || held > threads {
            return Err(format!("{held} threads held + {} free != {threads}", self.free.len()));
        }
        if self.queue.len() > self.spec.service_queue_max as usize + self.workers.len() {
            return Err(format!("service queue {} past its bound", self.queue.len()));
        }
        if s.latency_ms_max > 0.0 && s.latency_ms_max > self.spec.timeout_ms as f64 {
            return Err(format!("a success took {} ms, past the timeout", s.latency_ms_max));
        }
        Ok(())
    }
}

fn source(name: &str, rate: &RateProfile) -> Source {
    Source { name: name.into(), rate: rate.clone(), carry: 0.0, over: None, closed: false }
}

/// The service the scenario's first reader stands for: workers, mean processing time,
/// its distribution, the speed factor of each worker.
fn service_of(s: &Scenario) -> (u32, u32, ProcessingDist, Vec<f64>) {
    if let Some(g) = s.groups.first() {
        (g.members, g.processing_us, g.processing, g.speed_factors.clone())
    } else if let Some(g) = s.share_groups.first() {
        (g.members, g.processing_us, g.processing, g.speed_factors.clone())
    } else if let Some(g) = s.subscriptions.first() {
        (g.consumers, g.processing_us, g.processing, Vec::new())
    } else {
        (0, 0, ProcessingDist::Fixed, Vec::new())
    }
}
