//! Broker capacity on the page (issue 12, "the chain drawn"): how full each broker's request
//! queue is and how busy its network and disk were over the last sample, the producer's place
//! in the chain (in flight, blocked, failing), each broker's request times as Kafka's
//! `RequestMetrics` names them, and the request time chart's lines. Pure.

use brook_engine::{BrokerResources, Cluster, KindMetrics, Producer, Sample, Tp};

use crate::model::i18n::{Lang, Msg};

/// Whether the run's brokers have limits below the defaults (which no preset reaches): the
/// request time chart is offered then.
pub fn limited(c: &Cluster) -> bool {
    c.scenario().cluster.resources != BrokerResources::default()
}

/// One broker's gauges on the stage.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct BrokerGauges {
    /// Produce requests in the request queue now.
    pub request_queue: u32,
    /// `queued.max.requests`.
    pub request_queue_limit: u32,
    /// Produce requests arrived and not yet read (queue full, or network in spent).
    pub unread: u32,
    /// Network in, network out and disk write over the last sample, as fractions of the
    /// broker's rates (0 to 1).
    pub busy: [f64; 3],
}

impl BrokerGauges {
    /// The request queue's fill, 0 to 1.
    pub fn queue_fill(&self) -> f64 {
        (self.request_queue as f64 / self.request_queue_limit.max(1) as f64).min(1.0)
    }

    /// The four gauges' fills, 0 to 1, in the stage's order (top to bottom).
    pub fn fills(&self) -> [f64; 4] {
        [self.queue_fill(), self.busy[0], self.busy[1], self.busy[2]]
    }

    /// What is full at the broker, named under its box: the first gauge at [`GAUGE_FULL`] or
    /// more, in the gauges' order. The request queue counts as full too while requests wait
    /// to be read with at most one place free: a place frees while a handler thread takes a
    /// request, so a full queue shows 4 of 5 about as often as 5 of 5, and a gauge that
    /// blinked with it would say nothing.
    pub fn full(&self) -> Option<Gauge> {
        let queue_full = self.unread > 0 && self.request_queue + 1 >= self.request_queue_limit;
        if queue_full {
            return Some(Gauge::RequestQueue);
        }
        let i = self.fills().iter().position(|&v| v >= GAUGE_FULL)?;
        Some(Gauge::ALL[i])
    }
}

/// A gauge's fill from which the stage draws it red and names it under the broker's box.
pub const GAUGE_FULL: f64 = 0.9;

/// One of a broker's four gauges.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Gauge {
    /// Produce requests waiting for a handler thread, against `queued.max.requests`.
    RequestQueue,
    /// Bytes read, against the network in rate.
    NetworkIn,
    /// Bytes sent (fetch answers, replication), against the network out rate.
    NetworkOut,
    /// Bytes written, against the disk write rate.
    DiskWrite,
}

impl Gauge {
    /// The four, in the stage's order (top to bottom), as [`BrokerGauges::fills`] gives them.
    pub const ALL: [Gauge; 4] =
        [Gauge::RequestQueue, Gauge::NetworkIn, Gauge::NetworkOut, Gauge::DiskWrite];

    /// Its name in `data-broker-full` (tests).
    pub fn code(self) -> &'static str {
        match self {
            Gauge::RequestQueue => "queue",
            Gauge::NetworkIn => "in",
            Gauge::NetworkOut => "out",
            Gauge::DiskWrite => "disk",
        }
    }

    /// Its short name, under a broker whose gauge this is full.
    pub fn name(self) -> Msg {
        match self {
            Gauge::RequestQueue => Msg::GaugeQueue,
            Gauge::NetworkIn => Msg::GaugeIn,
            Gauge::NetworkOut => Msg::GaugeOut,
            Gauge::DiskWrite => Msg::GaugeDisk,
        }
    }
}

/// Fractions of `rates` (bytes per second) that `a` to `b` moved; before the first sample, 0.
fn busy(a: Option<&Sample>, b: Option<&Sample>, broker: usize, rates: [u64; 3]) -> [f64; 3] {
    let (Some(a), Some(b)) = (a, b) else { return [0.0; 3] };
    let (Some(x), Some(y)) = (a.brokers.get(broker), b.brokers.get(broker)) else {
        return [0.0; 3];
    };
    let secs = b.t_ms.saturating_sub(a.t_ms) as f64 / 1000.0;
    let mut out = [0.0; 3];
    for i in 0..3 {
        let bytes = y.bytes[i].saturating_sub(x.bytes[i]) as f64;
        out[i] = (bytes / (rates[i].max(1) as f64 * secs.max(1e-3))).min(1.0);
    }
    out
}

/// Broker `b`'s gauges now (network and disk over the last two samples of the history).
pub fn broker_gauges(c: &Cluster, b: usize) -> BrokerGauges {
    let r = c.scenario().cluster.resources;
    let q = c.broker_queues(b);
    let h = c.history();
    let rates =
        [r.network_in_bytes_per_sec, r.network_out_bytes_per_sec, r.disk_write_bytes_per_sec];
    BrokerGauges {
        request_queue: q.request_queue,
        request_queue_limit: r.queued_max_requests,
        unread: q.unread,
        busy: busy(h.iter().rev().nth(1), h.last(), b, rates),
    }
}

/// Brokers with produce requests arrived and not yet read (their request queue is full or their
/// network in is spent): none when the brokers have no limits.
pub fn saturated_brokers(c: &Cluster) -> Vec<usize> {
    if !limited(c) {
        return Vec::new();
    }
    (0..c.brokers().len()).filter(|&b| c.broker_queues(b).unread > 0).collect()
}

/// What the stage's broker gauges show, for tests: per broker `queue,in,out,disk` fills (0 to
/// 1, two decimals), `;` between brokers; None when the brokers have no limits (no gauges).
pub fn gauges_text(c: &Cluster) -> Option<String> {
    per_broker_text(c, |_, g| {
        let [i, o, d] = g.busy;
        format!("{:.2},{i:.2},{o:.2},{d:.2}", g.queue_fill())
    })
}

/// What the stage names full under each broker's box, for tests: per broker a
/// [`Gauge::code`] or `-`, `;` between brokers; None when the brokers have no limits.
pub fn full_text(c: &Cluster) -> Option<String> {
    per_broker_text(c, |alive, g| g.full().filter(|_| alive).map_or("-", Gauge::code).into())
}

/// `each(alive, gauges)` for every broker, `;` between them, for the stage's test attributes;
/// None where the stage draws no gauges (no limits, or a single broker).
fn per_broker_text(c: &Cluster, each: impl Fn(bool, &BrokerGauges) -> String) -> Option<String> {
    if !limited(c) || c.brokers().len() < 2 {
        return None;
    }
    let all = c.brokers().iter().enumerate().map(|(b, k)| each(k.alive, &broker_gauges(c, b)));
    Some(all.collect::<Vec<_>>().join(";"))
}

/// Where a producer is in the chain from a saturated broker back to the application.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProducerChain {
    /// Sending as asked.
    Sending,
    /// `send()` blocks: `buffer.memory` is full.
    Blocked,
    /// Sends have failed (after `max.block.ms`, or `delivery.timeout.ms`) and the buffer is
    /// still full: more will.
    Failing,
}

/// Share of `buffer.memory` in use at which the buffer counts as full.
const BUFFER_FULL: f64 = 0.9;

/// `p`'s place in the chain.
pub fn producer_chain(p: &Producer) -> ProducerChain {
    let failed = p.stats.failed_records + p.stats.expired_records > 0;
    let full = p.is_blocked() || buffer_fill(p) >= BUFFER_FULL;
    match (p.is_blocked(), failed && full) {
        (_, true) => ProducerChain::Failing,
        (true, false) => ProducerChain::Blocked,
        _ => ProducerChain::Sending,
    }
}

/// The rate a producer's box shows: the rate its application sends at, or, while `send()`
/// blocks or fails, the rate it asks for ("wants 8.0k rec/s"): then less gets through, and
/// the inflow chart beside it shows how much.
pub fn rate_label(p: &Producer, now_us: u64, lang: Lang) -> String {
    let rate = crate::model::format::compact(p.current_rate(now_us), lang);
    let msg = match producer_chain(p) {
        ProducerChain::Sending => Msg::RecPerSec,
        ProducerChain::Blocked | ProducerChain::Failing => Msg::RecPerSecWanted,
    };
    lang.f(msg, &[&rate])
}

/// `p`'s `buffer.memory` in use, 0 to 1.
pub fn buffer_fill(p: &Producer) -> f64 {
    (p.buffer_bytes_used() as f64 / p.spec.buffer_bytes.max(1) as f64).min(1.0)
}

/// `p`'s in-flight requests to its busiest partition against
/// `max.in.flight.requests.per.connection`, 0 to 1.
pub fn in_flight_fill(p: &Producer) -> f64 {
    let max = p.spec.max_in_flight_requests_per_connection.max(1) as f64;
    (p.in_flight_batches_most() as f64 / max).min(1.0)
}

/// The six request time figures in `brook_engine::TIME_NAMES` order: what each is, and Kafka's name.
const PARTS: [(Msg, &str); 6] = [
    (Msg::ReqQueueTime, "RequestQueueTimeMs"),
    (Msg::ReqLocalTime, "LocalTimeMs"),
    (Msg::ReqRemoteTime, "RemoteTimeMs"),
    (Msg::ReqResponseQueueTime, "ResponseQueueTimeMs"),
    (Msg::ReqResponseSendTime, "ResponseSendTimeMs"),
    (Msg::ReqTotalTime, "TotalTimeMs"),
];

/// The glossary definition of each figure, in [`PARTS`] order.
const GLOSSES: [Msg; 6] = [
    Msg::GlossRequestQueueTime,
    Msg::GlossLocalTime,
    Msg::GlossRemoteTime,
    Msg::GlossResponseQueueTime,
    Msg::GlossResponseSendTime,
    Msg::GlossTotalTime,
];

/// The glossary definition for an inspector label naming one of Kafka's request time figures.
pub fn gloss(label: &str) -> Option<Msg> {
    PARTS.iter().zip(GLOSSES).find(|((_, name), _)| label.contains(name)).map(|(_, g)| g)
}

/// Mean and 99th percentile of figure `i` in ms, as `brook run` computes them
/// (`BrokerRequestMetrics::summary`), two decimals.
fn mean_p99(k: &KindMetrics, i: usize) -> String {
    let mean = k.sum_us(i) as f64 / k.requests.max(1) as f64 / 1000.0;
    let p99 = k.quantile_us(i, 0.99) as f64 / 1000.0;
    format!("{mean:.2} / {p99:.2}")
}

/// The inspector's capacity figures for broker `b`: its queue, how busy it was, what it moved,
/// and each produce and fetch request's time split as Kafka's `RequestMetrics` splits it.
pub fn broker_figures(c: &Cluster, b: usize, lang: Lang) -> Vec<(String, String)> {
    let g = broker_gauges(c, b);
    let q = c.broker_queues(b);
    let pct = |f: f64| format!("{:.0}", f * 100.0);
    let [read, sent, written] = c.broker_bytes(b);
    let mut out = vec![
        (
            lang.t(Msg::FigRequestQueue).to_string(),
            format!("{} / {} / {}", g.request_queue, q.request_queue_max, g.request_queue_limit),
        ),
        (lang.t(Msg::FigUnreadRequests).to_string(), g.unread.to_string()),
        (
            lang.t(Msg::FigBrokerBusy).to_string(),
            format!("{} / {} / {}", pct(g.busy[0]), pct(g.busy[1]), pct(g.busy[2])),
        ),
        (lang.t(Msg::FigBrokerBytes).to_string(), format!("{read} / {sent} / {written}")),
    ];
    let Some(m) = c.broker_request_metrics(b) else { return out };
    for (kind, k) in [(Msg::ReqProduce, &m.produce), (Msg::ReqFetch, &m.fetch)] {
        out.push((lang.f(Msg::FigRequestsAnswered, &[&lang.t(kind)]), k.requests.to_string()));
        for (i, (what, name)) in PARTS.iter().enumerate() {
            let label = lang.f(Msg::FigRequestTime, &[&lang.t(kind), &lang.t(*what), name]);
            out.push((label, mean_p99(k, i)));
        }
    }
    out
}

/// The partition inspector's produce latency: for each producer writing to `tp`'s topic, its
/// last batch's time from `send()` to acknowledgement (it grows while the leader's broker is
/// saturated: the batches wait in the producer's buffer, then to be read).
pub fn partition_figures(c: &Cluster, tp: Tp, lang: Lang) -> Vec<(String, String)> {
    let Some(topic) = c.topics().get(tp.topic as usize) else { return Vec::new() };
    c.producers()
        .iter()
        .filter(|p| p.spec.topic == topic.name)
        .map(|p| {
            let ms = p.ack_latency_us(tp.partition) as f64 / 1000.0;
            (lang.f(Msg::FigAckLatency, &[&p.spec.name]), format!("{ms:.0}"))
        })
        .collect()
}

/// Produce latency at or above which the stage writes it on a partition's strip, ms.
pub const SLOW_ACK_MS: f64 = 200.0;

/// The slowest producer's last acknowledgement for `tp`, ms, when the brokers have limits
/// and it is at least [`SLOW_ACK_MS`] (the stage writes it on the strip).
pub fn slow_ack_ms(c: &Cluster, tp: Tp) -> Option<f64> {
    let topic = &c.topics().get(tp.topic as usize)?.name;
    let ms = c
        .producers()
        .iter()
        .filter(|p| &p.spec.topic == topic)
        .map(|p| p.ack_latency_us(tp.partition) as f64 / 1000.0)
        .fold(0.0, f64::max);
    (limited(c) && ms >= SLOW_ACK_MS).then_some(ms)
}

/// The request time chart's lines: per broker, the mean `TotalTimeMs` of the produce requests
/// it answered in each sample interval (0 where it answered none), ms.
pub fn request_time_lines(c: &Cluster) -> Vec<(usize, Vec<f64>)> {
    let h: Vec<&Sample> = c.history().iter().collect();
    (0..c.brokers().len())
        .map(|b| {
            let at =
                |k: usize| h.get(k).and_then(|s| s.brokers.get(b)).copied().unwrap_or_default();
            let values = (0..h.len())
                .map(|k| {
                    let (x, y) = (if k == 0 { Default::default() } else { at(k - 1) }, at(k));
                    let n = y.produce_requests.saturating_sub(x.produce_requests);
                    let us = y.produce_total_us.saturating_sub(x.produce_total_us);
                    if n == 0 {
                        0.0
                    } else {
                        us as f64 / n as f64 / 1000.0
                    }
                })
                .collect();
            (b, values)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use brook_engine::preset;

    fn run(name: &str, ms: u64) -> Cluster {
        let mut c = Cluster::new(preset(name).expect("preset"));
        while c.now_us() < ms * 1_000 {
            c.step();
        }
        c
    }

    #[test]
    fn a_hot_partition_fills_one_brokers_network_in_while_the_others_idle() {
        // hot-partition's design (presets.rs): the hottest key's broker gets about 4.5 MB/s
        // of produce traffic against 4 MB/s of network in, the others about 1 MB/s. A link
        // moves at most its rate (Kafka's SocketServer reads what the network delivers).
        let c = run("hot-partition", 10_000);
        let busy: Vec<f64> = (0..3).map(|b| broker_gauges(&c, b).busy[0]).collect();
        let hot = (0..3).max_by(|&a, &b| busy[a].total_cmp(&busy[b])).unwrap();
        assert!(busy[hot] > 0.95, "{busy:?}");
        for b in (0..3).filter(|&b| b != hot) {
            assert!(busy[b] < 0.6, "{busy:?}");
        }
        // The gauge is what the broker moved: the summary's bytes over the run agree with it
        // being the busiest.
        let s = c.summary();
        let most = (0..3).max_by_key(|&b| s.requests[b].network_in_bytes).unwrap();
        assert_eq!(most, hot);
        assert!(limited(&c));
        assert!(!limited(&run("quickstart", 100)));
    }

    #[test]
    fn the_saturated_brokers_are_named_only_while_requests_wait_to_be_read() {
        // spike-beyond-capacity (presets.rs): each broker handles about 1.3 MB/s; from 5 s the
        // shop sends 8 MB/s, so every request queue fills to queued.max.requests and requests
        // wait to be read (Kafka's SocketServer stops reading while the queue is full). Before
        // the spike, 2 MB/s over three brokers: none waits.
        assert_eq!(saturated_brokers(&run("spike-beyond-capacity", 4_000)), Vec::<usize>::new());
        assert_eq!(saturated_brokers(&run("spike-beyond-capacity", 8_000)), vec![0, 1, 2]);
        // hot-partition: only the hot key's broker.
        assert_eq!(saturated_brokers(&run("hot-partition", 10_000)).len(), 1);
        assert_eq!(saturated_brokers(&run("quickstart", 3_000)), Vec::<usize>::new());
    }

    #[test]
    fn the_stage_names_what_is_full_under_each_broker_and_it_does_not_blink() {
        // spike-beyond-capacity (presets.rs): from 5 s every broker's request queue is full
        // and requests wait to be read; the handler threads, not the links, are the limit.
        // Every 100 ms from 7 s to 9 s, all three say so (a place frees while a request is
        // handled: 4 of 5 places must not read as "not full").
        assert_eq!(full_text(&run("spike-beyond-capacity", 4_000)).as_deref(), Some("-;-;-"));
        let mut c = run("spike-beyond-capacity", 7_000);
        while c.now_us() < 9_000_000 {
            c.run_until(c.now_us() + 100_000);
            assert_eq!(full_text(&c).as_deref(), Some("queue;queue;queue"), "at {} us", c.now_us());
        }
        // hot-partition: the hot key's broker reads 4.5 MB/s against 4 MB/s of network in; the
        // others are far from full.
        let c = run("hot-partition", 10_000);
        let text = full_text(&c).unwrap();
        let each: Vec<&str> = text.split(';').collect();
        assert_eq!(each.iter().filter(|&&g| g == "in").count(), 1, "{text}");
        assert_eq!(each.iter().filter(|&&g| g == "-").count(), 2, "{text}");
        // No limits, no gauges.
        assert_eq!(full_text(&run("quickstart", 1_000)), None);
        // Both languages name each gauge.
        for g in Gauge::ALL {
            assert!(!Lang::ZhTw.t(g.name()).is_empty() && !Lang::En.t(g.name()).is_empty());
        }
    }

    #[test]
    fn a_blocked_producers_box_says_the_rate_it_wants_not_one_it_sends() {
        // spike-beyond-capacity (presets.rs): 2,000 records/s before 5 s, all acknowledged; 8,000
        // from 5 s, more than the brokers take (about 4 MB/s of 1 KB records): the buffer
        // fills in about 2 s and send() blocks (Kafka's RecordAccumulator waits for
        // buffer.memory), so the 8,000 is what it asks for, not what gets through.
        let c = run("spike-beyond-capacity", 4_000);
        let p = &c.producers()[0];
        assert_eq!(rate_label(p, c.now_us(), Lang::En), "2.0k rec/s");
        let c = run("spike-beyond-capacity", 9_000);
        let p = &c.producers()[0];
        assert_ne!(producer_chain(p), ProducerChain::Sending);
        assert_eq!(rate_label(p, c.now_us(), Lang::En), "wants 8.0k rec/s");
        // Below 10,000 a Chinese count is written out (format.rs).
        assert_eq!(rate_label(p, c.now_us(), Lang::ZhTw), "想送 8000 筆／秒");
    }

    #[test]
    fn the_inspector_shows_the_figures_brook_run_prints() {
        let c = run("spike-beyond-capacity", 10_000);
        let s = c.summary();
        for b in 0..3 {
            let figs = broker_figures(&c, b, Lang::En);
            let total =
                figs.iter().find(|(k, _)| k.starts_with("Produce") && k.contains("TotalTimeMs"));
            let t = s.requests[b].produce.total_time_ms;
            assert_eq!(total.unwrap().1, format!("{:.2} / {:.2}", t.mean, t.p99));
            let queue =
                figs.iter().find(|(k, _)| k.starts_with("Fetch") && k.contains("RemoteTimeMs"));
            let r = s.requests[b].fetch.remote_time_ms;
            assert_eq!(queue.unwrap().1, format!("{:.2} / {:.2}", r.mean, r.p99));
            assert!(figs.iter().all(|(k, _)| gloss(k).is_some() == k.contains("TimeMs")));
        }
        // The one handler thread takes 12.01 ms for a full 16,000-byte batch (10 us + 750 ns a
        // byte, presets.rs): in the spike the request queue is full (5) and a request waits
        // 48 to 60 ms in it, where before the spike (2 MB/s against 4) it rarely waits at all:
        // produce time climbs in the spike.
        let lines = request_time_lines(&c);
        assert_eq!(lines.len(), 3);
        for (_, v) in &lines {
            let before: f64 = v[..40].iter().copied().fold(0.0, f64::max);
            let during: f64 = v[60..].iter().copied().fold(0.0, f64::max);
            assert!(during > 10.0 * before.max(1.0), "{before} then {during}");
        }
    }

    #[test]
    fn the_producer_goes_from_sending_to_blocked_to_failing() {
        // spike-beyond-capacity's arithmetic (presets.rs): the cluster handles 4 MB/s of the
        // spike's 8 MB/s from 5 s, so the 8 MiB buffer fills at about 5 + 8,388,608 / 4 MB/s
        // = 7.1 s and send() blocks; max.block.ms = 3 s later the blocked sends fail.
        let state = |ms| producer_chain(&run("spike-beyond-capacity", ms).producers()[0]);
        assert_eq!(state(4_000), ProducerChain::Sending);
        assert_eq!(state(8_500), ProducerChain::Blocked);
        assert_eq!(state(12_000), ProducerChain::Failing);
        let c = run("spike-beyond-capacity", 8_500);
        assert!(buffer_fill(&c.producers()[0]) > BUFFER_FULL);
        assert!(in_flight_fill(&c.producers()[0]) > 0.0);
    }

    #[test]
    fn produce_latency_rises_on_the_hot_partition_only() {
        // hot-partition's design: the hottest key's partition (the longest log) has a leader
        // that cannot read all it is sent, so its batches wait (in the producer behind
        // max.in.flight, then to be read); partitions led by the other brokers, below their
        // capacity, are acknowledged about linger.ms plus the network's delay after send().
        let c = run("hot-partition", 12_000);
        let parts = &c.topics()[0].partitions;
        let ms = |p: u32| {
            let f = partition_figures(&c, Tp { topic: 0, partition: p }, Lang::En);
            assert_eq!(f[0].0, "tracker: last batch acknowledged after, ms");
            f[0].1.parse::<f64>().unwrap()
        };
        let hot = (0..parts.len()).max_by_key(|&p| parts[p].log.log_end_offset()).unwrap();
        let hot_broker = parts[hot].leader_broker();
        assert!(ms(hot as u32) > 500.0, "{}", ms(hot as u32));
        for p in (0..parts.len()).filter(|&p| parts[p].leader_broker() != hot_broker) {
            assert!(ms(p as u32) < 100.0, "partition {p}: {} ms", ms(p as u32));
        }
        // The stage writes it on the hot strip only.
        let tp = |p: usize| Tp { topic: 0, partition: p as u32 };
        assert!(slow_ack_ms(&c, tp(hot)).is_some());
        let slow = (0..parts.len()).filter(|&p| slow_ack_ms(&c, tp(p)).is_some()).count();
        assert!(slow <= 2, "{slow} strips");
    }
}
