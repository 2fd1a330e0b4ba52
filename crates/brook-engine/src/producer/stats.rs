//! Producer counters.

use serde::Serialize;

/// Producer counters.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ProducerStats {
    /// Records the application handed to `send()` successfully.
    pub sent_records: u64,
    /// Records acknowledged by the cluster.
    pub acked_records: u64,
    /// Records whose `send()` failed after blocking `max.block.ms`.
    pub failed_records: u64,
    /// Virtual microseconds spent blocked on a full buffer.
    pub blocked_us: u64,
    /// Records resent after a retriable error.
    pub retried_records: u64,
    /// Records that failed after retries or `delivery.timeout.ms` (not counting `failed_records`
    /// of blocked sends).
    pub expired_records: u64,
    /// Virtual microseconds muted by a broker quota.
    pub throttled_us: u64,
    /// Records a resend wrote to the log a second time (non-idempotent retries).
    pub duplicated_records: u64,
}
