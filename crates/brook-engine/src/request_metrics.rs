//! Request times as a Kafka broker reports them (`kafka.network:type=RequestMetrics`, Kafka's
//! `RequestChannel.Request.updateRequestMetrics`): for each request type, the time a request
//! spent in the request queue (`RequestQueueTimeMs`), being handled (`LocalTimeMs`), waiting
//! for other brokers (`RemoteTimeMs`: followers for an acks=all produce, new data for a
//! long-polling fetch), waiting for a network thread (`ResponseQueueTimeMs`) and being sent
//! (`ResponseSendTimeMs`), and their sum (`TotalTimeMs`). Like Kafka's, the total starts when
//! the broker has read the whole request: time spent waiting in the socket because the
//! request queue was full (`queued.max.requests`) is not in it (the producer sees it).
//!
//! Brook's clock moves in 1 ms steps: the queue, remote and response queue times are whole
//! steps; the local and send times are the handler's cost and the bytes at the network rate.

use serde::Serialize;

use crate::metrics::LatencyHistogram;

/// The request types Brook measures.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RequestKind {
    /// A producer's produce request (Kafka's `Produce`).
    Produce,
    /// A consumer's fetch request (Kafka's `FetchConsumer`).
    Fetch,
}

/// One request's time, split as Kafka's `RequestMetrics` splits it, us.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RequestTimes {
    /// In the request queue (`RequestQueueTimeMs`).
    pub queue_us: u64,
    /// Being handled (`LocalTimeMs`).
    pub local_us: u64,
    /// Waiting for followers or data (`RemoteTimeMs`).
    pub remote_us: u64,
    /// Ready, waiting for the network (`ResponseQueueTimeMs`).
    pub response_queue_us: u64,
    /// Being sent (`ResponseSendTimeMs`).
    pub response_send_us: u64,
}

impl RequestTimes {
    /// `TotalTimeMs`: the sum of the parts.
    pub fn total_us(&self) -> u64 {
        self.queue_us
            + self.local_us
            + self.remote_us
            + self.response_queue_us
            + self.response_send_us
    }
}

/// The histograms of one request type at one broker (bounded: fixed-size histograms).
#[derive(Clone, Debug, Default)]
pub struct KindMetrics {
    /// Requests measured.
    pub requests: u64,
    parts: [LatencyHistogram; 6],
    sums_us: [u64; 6],
}

/// Names of the six figures, in Kafka's words, in the order [`KindMetrics`] keeps them.
pub const TIME_NAMES: [&str; 6] = [
    "request_queue_time",
    "local_time",
    "remote_time",
    "response_queue_time",
    "response_send_time",
    "total_time",
];

impl KindMetrics {
    fn record(&mut self, t: &RequestTimes) {
        self.requests += 1;
        let v = [
            t.queue_us,
            t.local_us,
            t.remote_us,
            t.response_queue_us,
            t.response_send_us,
            t.total_us(),
        ];
        // Zeros (most figures of an unsaturated broker) are not recorded: a figure's zeros
        // are the requests less its histogram's count.
        for (i, us) in v.into_iter().enumerate() {
            if us > 0 {
                self.parts[i].record(us, 1);
                self.sums_us[i] += us;
            }
        }
    }

    /// The nonzero values of figure `i` of [`TIME_NAMES`] (the others were 0).
    pub fn histogram(&self, i: usize) -> &LatencyHistogram {
        &self.parts[i]
    }

    /// The `q` quantile of figure `i` over every request, zeros included, us.
    pub fn quantile_us(&self, i: usize, q: f64) -> u64 {
        let h = &self.parts[i];
        let zeros = self.requests - h.count();
        let rank = libm::ceil(q.clamp(0.0, 1.0) * self.requests as f64) as u64;
        if h.count() == 0 || rank <= zeros {
            return 0;
        }
        h.quantile_us((rank - zeros) as f64 / h.count() as f64)
    }

    /// Figure `i` of [`TIME_NAMES`] summed over the requests, us.
    pub fn sum_us(&self, i: usize) -> u64 {
        self.sums_us[i]
    }

    fn summary(&self) -> KindSummary {
        let ms = |us: u64| us as f64 / 1000.0;
        let n = self.requests.max(1) as f64;
        let f = |i: usize| TimeSummary {
            mean: self.sums_us[i] as f64 / n / 1000.0,
            p99: ms(self.quantile_us(i, 0.99)),
            max: ms(self.parts[i].max_us()),
        };
        KindSummary {
            requests: self.requests,
            request_queue_time_ms: f(0),
            local_time_ms: f(1),
            remote_time_ms: f(2),
            response_queue_time_ms: f(3),
            response_send_time_ms: f(4),
            total_time_ms: f(5),
        }
    }
}

/// One broker's request metrics.
#[derive(Clone, Debug, Default)]
pub struct BrokerRequestMetrics {
    /// Produce requests.
    pub produce: KindMetrics,
    /// Consumer fetch requests.
    pub fetch: KindMetrics,
}

impl BrokerRequestMetrics {
    /// Records one request of `kind`.
    pub fn record(&mut self, kind: RequestKind, t: &RequestTimes) {
        match kind {
            RequestKind::Produce => self.produce.record(t),
            RequestKind::Fetch => self.fetch.record(t),
        }
    }

    /// What `brook run` reports for broker `broker`.
    pub fn summary(&self, broker: u32) -> BrokerRequestSummary {
        BrokerRequestSummary {
            broker,
            request_queue_max: 0,
            unread_requests: 0,
            network_in_bytes: 0,
            network_out_bytes: 0,
            disk_write_bytes: 0,
            produce: self.produce.summary(),
            fetch: self.fetch.summary(),
        }
    }
}

/// Mean, 99th percentile and largest of one figure, ms.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct TimeSummary {
    /// Mean over the requests.
    pub mean: f64,
    /// 99th percentile.
    pub p99: f64,
    /// Largest.
    pub max: f64,
}

/// One request type's figures at one broker, as Kafka's `RequestMetrics` names them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct KindSummary {
    /// Requests measured (answered).
    pub requests: u64,
    /// `RequestQueueTimeMs`.
    pub request_queue_time_ms: TimeSummary,
    /// `LocalTimeMs`.
    pub local_time_ms: TimeSummary,
    /// `RemoteTimeMs`.
    pub remote_time_ms: TimeSummary,
    /// `ResponseQueueTimeMs`.
    pub response_queue_time_ms: TimeSummary,
    /// `ResponseSendTimeMs`.
    pub response_send_time_ms: TimeSummary,
    /// `TotalTimeMs`.
    pub total_time_ms: TimeSummary,
}

/// One broker's request figures in the summary.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct BrokerRequestSummary {
    /// Broker id.
    pub broker: u32,
    /// The longest its request queue was (at most `queued.max.requests`).
    pub request_queue_max: u32,
    /// Produce requests arrived and not yet read at the end of the run (the request queue
    /// full, or network in spent).
    pub unread_requests: u32,
    /// Bytes it read from the network (produce requests, follower fetch responses).
    pub network_in_bytes: u64,
    /// Bytes it sent (fetch responses to consumers and followers).
    pub network_out_bytes: u64,
    /// Bytes it wrote to its logs.
    pub disk_write_bytes: u64,
    /// Produce requests.
    pub produce: KindSummary,
    /// Consumer fetch requests.
    pub fetch: KindSummary,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_total_is_the_sum_of_the_parts_and_the_summary_is_in_ms() {
        let mut m = BrokerRequestMetrics::default();
        let t = RequestTimes {
            queue_us: 4_000,
            local_us: 100,
            remote_us: 2_000,
            response_queue_us: 1_000,
            response_send_us: 900,
        };
        assert_eq!(t.total_us(), 8_000);
        m.record(RequestKind::Produce, &t);
        m.record(RequestKind::Produce, &RequestTimes::default());
        // One request of two waited: the median wait is 0, the 99th percentile 4 ms.
        assert_eq!(m.produce.quantile_us(0, 0.5), 0);
        assert!((3_900..=4_000).contains(&m.produce.quantile_us(0, 0.99)));
        let s = m.summary(2);
        assert_eq!((s.broker, s.produce.requests, s.fetch.requests), (2, 2, 0));
        assert_eq!(s.produce.total_time_ms.mean, 4.0);
        assert_eq!(s.produce.request_queue_time_ms.max, 4.0);
        assert!((7.5..=8.0).contains(&s.produce.total_time_ms.p99));
    }

    /// A quantile counts every request, those that did not wait among them (Kafka's request
    /// histograms record a 0 too): of four requests, two waited nothing, one 1 ms and one
    /// 10 ms, so the median is 0, the 75th percentile 1 ms and the maximum 10 ms.
    #[test]
    fn quantiles_rank_every_request_zeros_included() {
        let mut m = BrokerRequestMetrics::default();
        for queue_us in [0, 1_000, 0, 10_000] {
            m.record(RequestKind::Fetch, &RequestTimes { queue_us, ..RequestTimes::default() });
        }
        let q = |q: f64| m.fetch.quantile_us(0, q);
        assert_eq!(q(0.5), 0);
        // The histogram answers with its bucket's upper end: within a few percent above.
        assert!((1_000..=1_060).contains(&q(0.75)), "p75 {}", q(0.75));
        assert!((10_000..=10_600).contains(&q(1.0)), "max {}", q(1.0));
    }
}
