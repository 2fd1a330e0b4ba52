//! A producer's configuration: Kafka's producer settings with Kafka's defaults.

use serde::{Deserialize, Serialize};

use super::{KeySpec, PartitionerKind, RateProfile};

/// The most requests in flight an idempotent producer may have per connection (Kafka's
/// `MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION_FOR_IDEMPOTENCE`): the broker keeps the metadata of
/// that many batches per producer to spot duplicates.
pub const IDEMPOTENT_IN_FLIGHT_MAX: u32 = 5;

/// Producer acknowledgement mode (`acks`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Acks {
    /// `acks=0`: acknowledged as soon as it is sent.
    #[serde(rename = "0")]
    None,
    /// `acks=1`: acknowledged when the leader appended it.
    #[serde(rename = "1")]
    Leader,
    /// `acks=all`: acknowledged when every in-sync replica has it.
    #[default]
    All,
}

/// A producer's configuration. Defaults are Kafka's where Kafka has one.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProducerSpec {
    /// Display name, unique among producers.
    pub name: String,
    /// Topic it writes to.
    pub topic: String,
    /// Records per second over time.
    pub rate: RateProfile,
    /// Bytes per record (key + value + overhead). Default 512.
    #[serde(default = "default_record_bytes")]
    pub record_bytes: u32,
    /// Keys the records carry. Default none.
    #[serde(default = "default_keys")]
    pub keys: KeySpec,
    /// Partitioner. Default Kafka's.
    #[serde(default)]
    pub partitioner: PartitionerKind,
    /// `batch.size`: bytes per partition batch. Default 16384.
    #[serde(default = "default_batch_bytes")]
    pub batch_bytes: u32,
    /// `linger.ms`: how long a batch waits to fill. Default 5.
    #[serde(default = "default_linger_ms")]
    pub linger_ms: u32,
    /// `buffer.memory`: bytes of unsent and unacknowledged records. Default 33554432.
    #[serde(default = "default_buffer_bytes")]
    pub buffer_bytes: u64,
    /// `max.block.ms`: how long a send blocks on a full buffer before failing. Default 60000.
    #[serde(default = "default_max_block_ms")]
    pub max_block_ms: u32,
    /// `acks`. Default all.
    #[serde(default)]
    pub acks: Acks,
    /// `enable.idempotence`: retries never duplicate nor reorder. Default (null): on when
    /// `acks` is all and `max_in_flight_requests_per_connection` at most 5 (Kafka's
    /// `ProducerConfig`: conflicting settings turn the default off).
    #[serde(default)]
    pub enable_idempotence: Option<bool>,
    /// `max.in.flight.requests.per.connection`: batches of one partition sent and not yet
    /// answered (Kafka counts requests per broker connection, each carrying at most one batch
    /// per partition). Without idempotence, more than 1 lets a retry reorder. Default 5.
    #[serde(default = "default_max_in_flight")]
    pub max_in_flight_requests_per_connection: u32,
    /// `retries`: resend attempts after a retriable error. Default 2147483647.
    #[serde(default = "default_retries")]
    pub retries: u32,
    /// `retry.backoff.ms`. Default 100.
    #[serde(default = "default_retry_backoff_ms")]
    pub retry_backoff_ms: u32,
    /// `delivery.timeout.ms`: a batch not acknowledged this long after creation fails.
    /// Default 120000.
    #[serde(default = "default_delivery_timeout_ms")]
    pub delivery_timeout_ms: u32,
    /// Broker-side produce quota for this client, bytes per second; null for none. Default null.
    #[serde(default)]
    pub quota_bytes_per_sec: Option<u64>,
}

fn default_record_bytes() -> u32 {
    512
}
fn default_keys() -> KeySpec {
    KeySpec::None
}
fn default_batch_bytes() -> u32 {
    16_384
}
fn default_linger_ms() -> u32 {
    5
}
fn default_buffer_bytes() -> u64 {
    33_554_432
}
fn default_max_block_ms() -> u32 {
    60_000
}
fn default_max_in_flight() -> u32 {
    5
}
fn default_retries() -> u32 {
    2_147_483_647
}
fn default_retry_backoff_ms() -> u32 {
    100
}
fn default_delivery_timeout_ms() -> u32 {
    120_000
}

impl ProducerSpec {
    /// A producer with Kafka's defaults writing `rate` to `topic`.
    pub fn new(name: &str, topic: &str, rate: RateProfile) -> Self {
        ProducerSpec {
            name: name.into(),
            topic: topic.into(),
            rate,
            record_bytes: default_record_bytes(),
            keys: default_keys(),
            partitioner: PartitionerKind::Default,
            batch_bytes: default_batch_bytes(),
            linger_ms: default_linger_ms(),
            buffer_bytes: default_buffer_bytes(),
            max_block_ms: default_max_block_ms(),
            acks: Acks::All,
            enable_idempotence: None,
            max_in_flight_requests_per_connection: default_max_in_flight(),
            retries: default_retries(),
            retry_backoff_ms: default_retry_backoff_ms(),
            delivery_timeout_ms: default_delivery_timeout_ms(),
            quota_bytes_per_sec: None,
        }
    }

    /// Whether the producer is idempotent. Unset, Kafka's `ProducerConfig` turns idempotence
    /// on unless a setting conflicts with it: `acks` other than all, or more than
    /// [`IDEMPOTENT_IN_FLIGHT_MAX`] requests in flight.
    pub fn idempotent(&self) -> bool {
        self.enable_idempotence.unwrap_or(
            self.acks == Acks::All
                && self.max_in_flight_requests_per_connection <= IDEMPOTENT_IN_FLIGHT_MAX,
        )
    }
}
