//! Producer counters.

use serde::Serialize;

/// Producer counters.
///
/// Two ledgers hold at every step (`Cluster::check_invariants`). The producer's own, as Kafka
/// completes each `ProducerBatch` exactly once: `sent_records` = `acked_records` +
/// `expired_records` + records not yet answered ([`super::Producer::unanswered_records`]).
/// And where the records went: `sent_records` = `written_records` + (`expired_records` -
/// `failed_written_records`) + `lost_in_flight_records` + records on their way that no log
/// has received yet.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ProducerStats {
    /// Records the application handed to `send()` successfully.
    pub sent_records: u64,
    /// Records acknowledged by the cluster (for acks=0: written to the connection).
    pub acked_records: u64,
    /// Records whose `send()` failed after blocking `max.block.ms` (never sent: not counted
    /// in `sent_records`).
    pub failed_records: u64,
    /// Virtual microseconds spent blocked on a full buffer.
    pub blocked_us: u64,
    /// Records resent after a retriable error.
    pub retried_records: u64,
    /// Records of `sent_records` the producer was told failed: `delivery.timeout.ms` passed
    /// (queued or in flight), retries ran out, or the leader refused them for good (out of
    /// sequence, an old producer epoch).
    pub expired_records: u64,
    /// Of `expired_records`, records that timed out in flight: sent, unanswered when
    /// `delivery.timeout.ms` passed (Kafka's `Sender.getExpiredInflightBatches`). The producer
    /// cannot know whether they were written.
    pub delivery_timeout_records: u64,
    /// Of `expired_records`, records a partition log received anyway (before or after the
    /// producer gave up): failed at the producer, yet written.
    pub failed_written_records: u64,
    /// Records of `sent_records` some partition log received, each counted once however many
    /// times it was written (a later truncation does not take it back).
    pub written_records: u64,
    /// acks=0 records on the wire to a leader that crashed before they arrived: gone, and the
    /// producer, told success when it wrote them, never knows.
    pub lost_in_flight_records: u64,
    /// Virtual microseconds muted by a broker quota.
    pub throttled_us: u64,
    /// Records a resend wrote to the log a second time (non-idempotent retries).
    pub duplicated_records: u64,
    /// Batches a leader appended after a later batch of this producer for the same partition
    /// (a non-idempotent retry with more than one request in flight; never for an idempotent
    /// producer).
    pub out_of_order_batches: u64,
}
