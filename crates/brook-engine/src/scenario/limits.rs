//! Limits on scenario values and commands. Each is inclusive.

/// Brokers in a cluster.
pub const BROKERS_MAX: u32 = 64;
/// Topics in a scenario.
pub const TOPICS_MAX: usize = 16;
/// Partitions per topic.
pub const PARTITIONS_MAX: u32 = 16_384;
/// Partitions of all topics together (`topics.partitions` in messages).
pub const PARTITIONS_TOTAL_MAX: u32 = 16_384;
/// Producers in a scenario.
pub const PRODUCERS_MAX: usize = 256;
/// Consumer groups in a scenario.
pub const GROUPS_MAX: usize = 16;
/// Readers of all kinds (groups, share groups, subscriptions) in a scenario.
pub const READERS_MAX: usize = 32;
/// Members per group.
pub const MEMBERS_MAX: u32 = 1_024;
/// A member's speed factor, least and most (a thousand times slower to a hundred times faster).
pub const SPEED_FACTOR_MIN: f64 = 0.001;
/// See [`SPEED_FACTOR_MIN`].
pub const SPEED_FACTOR_MAX: f64 = 100.0;
/// Records per second for one producer.
pub const RATE_PER_SEC_MAX: f64 = 1e8;
/// Bytes per record.
pub const RECORD_BYTES_MAX: u32 = 1_048_576;
/// Distinct keys of one producer.
pub const KEYS_MAX: u32 = 100_000;
/// `batch.size`, bytes.
pub const BATCH_BYTES_MAX: u32 = 16_777_216;
/// `linger.ms`.
pub const LINGER_MS_MAX: u32 = 60_000;
/// `buffer.memory`, bytes.
pub const BUFFER_BYTES_MAX: u64 = 1 << 32;
/// Processing time per record, us.
pub const PROCESSING_US_MAX: u32 = 60_000_000;
/// A share group's `delivery_limit`: Kafka's `group.share.delivery.count.limit` is
/// `between(2, 10)` (`ShareGroupConfig`), and a group's own `share.delivery.count.limit` is
/// held between the broker's min and max delivery count limits, 2 and 10 by default.
pub const DELIVERY_LIMIT_MIN: u32 = 2;
/// See [`DELIVERY_LIMIT_MIN`].
pub const DELIVERY_LIMIT_MAX: u32 = 10;
/// `max.poll.records`.
pub const MAX_POLL_RECORDS_MAX: u32 = 100_000;
/// Points of a piecewise rate profile.
pub const RATE_POINTS_MAX: usize = 1_000;
/// Timeline events.
pub const EVENTS_MAX: usize = 1_000;
/// Scenario duration, s.
pub const DURATION_S_MAX: f64 = 86_400.0;
/// Any time or interval setting, ms (30 days).
pub const MS_MAX: u64 = 2_592_000_000;
/// A scenario's `name`, bytes (the page's title and its export's file name).
pub const SCENARIO_NAME_BYTES_MAX: usize = 200;
/// A scenario's `description`, bytes.
pub const DESCRIPTION_BYTES_MAX: usize = 10_000;
/// Name length, bytes.
pub const NAME_BYTES_MAX: usize = 64;
/// A push subscriber's inbox and prefetch window, records; also the most one push client
/// holds (past it the broker waits).
pub const INBOX_RECORDS_MAX: u32 = 1_000_000;
/// Consumers on one RabbitMQ-style push subscription.
pub const SUBSCRIPTION_CONSUMERS_MAX: u32 = 64;
/// A push client's memory and a Redis output buffer limit, bytes (1 TiB).
pub const PUSH_BUFFER_BYTES_MAX: u64 = 1 << 40;
/// A push client's restart or reconnect delay, ms (an hour).
pub const PUSH_DELAY_MS_MAX: u32 = 3_600_000;
/// Redis's soft output buffer limit duration, s (an hour).
pub const OUTPUT_BUFFER_SOFT_SECONDS_MAX: u32 = 3_600;
/// Network delay one way, us.
pub const NETWORK_DELAY_US_MAX: u32 = 1_000_000;
/// `max.in.flight.requests.per.connection` of a producer.
pub const MAX_IN_FLIGHT_MAX: u32 = 1_000;
/// The shop's caller threads in a run without a queue (`direct_call.caller_threads_max`).
pub const CALLER_THREADS_MAX: u32 = 10_000;
/// The service's accept queue in a run without a queue (`direct_call.service_queue_max`).
pub const SERVICE_QUEUE_MAX: u32 = 100_000;
/// The service's workers in a run without a queue (`direct_call.service_concurrency_max`).
pub const SERVICE_CONCURRENCY_MAX: u32 = 10_000;
/// A caller's timeout in a run without a queue (`direct_call.timeout_ms`), ms (an hour).
pub const CALL_TIMEOUT_MS_MAX: u32 = 3_600_000;
/// A broker's network in, network out or disk write rate, bytes per second (1 TB/s); at least
/// [`BROKER_BYTES_PER_SEC_MIN`].
pub const BROKER_BYTES_PER_SEC_MAX: u64 = 1_000_000_000_000;
/// See [`BROKER_BYTES_PER_SEC_MAX`] (1 kB/s: a thousandth of it each 1 ms step).
pub const BROKER_BYTES_PER_SEC_MIN: u64 = 1_000;
/// `num.io.threads`.
pub const IO_THREADS_MAX: u32 = 256;
/// `queued.max.requests`.
pub const QUEUED_REQUESTS_MAX: u32 = 100_000;
/// A produce request's fixed handler time, us (one second).
pub const REQUEST_COST_US_MAX: u32 = 1_000_000;
/// A produce request's handler time per byte, ns (1 ms a byte).
pub const REQUEST_COST_NS_PER_BYTE_MAX: u32 = 1_000_000;
