//! Brook's queue engine: a deterministic simulation of a Kafka-style broker.
//!
//! One virtual clock ([`cluster::TICK_US`] per step) and one seeded RNG drive everything, so a
//! scenario and a seed give the same run, bit for bit, natively and in WebAssembly. The engine
//! has no web dependency; the UI and the `brook` CLI both drive it through [`Cluster`].

mod assignor;
mod cluster;
mod direct;
mod event;
mod group;
mod log;
mod metrics;
mod metrics_csv;
mod murmur2;
pub mod plan;
mod prefetch;
mod presets;
mod producer;
mod push;
mod reader;
mod replication;
mod request_metrics;
mod rng;
mod scenario;
mod share;
pub mod sort;
pub mod vecmap;
mod vocab;

pub use assignor::{assign, Assignment, AssignorKind, MemberSubscription, TopicPartition};
pub use cluster::{
    Broker, BrokerQueues, Cluster, FollowEvent, FollowTarget, Followed, Hop, LostCause, ReaderRef,
    Summary, Topic, COMMANDS_QUEUED_MAX, FOLLOW_EVENTS_MAX, HISTORY_SAMPLES_MAX, MARKERS_MAX,
    NOTICES_MAX, PARTITION_HISTORY_MAX, PARTITION_SAMPLE_US, SAMPLE_US, TICK_US,
};
pub use direct::{DirectCallSpec, DirectRun, DirectSample, DirectSummary};
pub use event::{TrafficEvent, EVENTS_PER_STEP_MAX};
pub use group::{Group, GroupSpec, GroupStats, Member, MemberState};
pub use log::{
    log_entries_max, Batch, PartitionLog, Truncated, LOG_BATCHES_MAX,
    LOG_ENTRIES_PER_PARTITION_MIN, LOG_ENTRIES_TOTAL_MAX,
};
pub use metrics::{
    BrokerSample, History, LatencyHistogram, Marker, MarkerKind, PartitionOffsets, PartitionSample,
    ReaderLatency, Sample, RECENT_LATENCY_S,
};
pub use metrics_csv::{csv_header, csv_row, history_csv};
pub use murmur2::{key_partition, murmur2, to_positive};
pub use presets::{preset, PRESETS};
pub use producer::{
    key_name, zipf_cdf, Acks, KeySpec, Outgoing, PartitionerKind, Producer, ProducerSpec,
    ProducerStats, RateProfile,
};
pub use push::{PushModel, Subscriber, Subscription, SubscriptionSpec, SubscriptionStats};
pub use reader::{Reader, ReaderKind};
pub use replication::{AckCheck, Election, Partition, Replica};
pub use request_metrics::{
    BrokerRequestMetrics, BrokerRequestSummary, KindMetrics, KindSummary, RequestKind,
    RequestTimes, TimeSummary, TIME_NAMES,
};
pub use rng::Rng;
pub use scenario::{
    error_path, limits, BrokerResources, ClusterSpec, Command, Entries, FieldError, JsonText,
    ReaderSpec, Scenario, TimedEvent, TopicSpec, SCENARIO_VERSION,
};
pub use share::{ShareGroup, ShareGroupSpec, ShareMember, ShareStats, SHARE_WINDOW_RECORDS_MAX};
pub use vocab::{Chunk, CommitMode, OffsetReset, ProcessingDist, Tp};
