//! The record accumulator: per-partition open batches closed by `batch.size` or `linger.ms`,
//! and `buffer.memory` with `max.block.ms` for records the application cannot hand over yet.

use super::{Acks, KeySpec, PartitionerKind, Producer};
use crate::rng::Rng;

/// A batch the accumulator closed, ready to go to the partition leader.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReadyBatch {
    /// Partition index within the topic.
    pub partition: u32,
    /// Records.
    pub count: u32,
    /// Bytes.
    pub bytes: u32,
    /// Creation time of the first record, virtual us.
    pub first_create_us: u64,
    /// Creation time of the last record, virtual us.
    pub last_create_us: u64,
    /// The hottest key in the batch, or `u32::MAX` for keyless (the UI colours by it).
    pub key: u32,
}

/// A partition's batch still filling (closed by `batch.size` or `linger.ms`).
#[derive(Clone, Copy, Debug)]
pub(super) struct OpenBatch {
    count: u32,
    bytes: u32,
    first_create_us: u64,
    last_create_us: u64,
    key: u32,
}

/// A closed batch on its way: waiting in its partition's queue, in flight, or waiting to be
/// resent after a retriable error (Kafka's `ProducerBatch` once closed).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Outgoing {
    /// The batch.
    pub batch: ReadyBatch,
    /// Not sent before this time (retry backoff), virtual us.
    pub not_before_us: u64,
    /// Send attempts so far.
    pub attempts: u32,
    /// An earlier attempt's copy is already in the log (its acknowledgement was lost), so a
    /// non-idempotent resend duplicates it.
    pub in_log: bool,
    /// Its sequence number in its partition, from 1, given when it is first sent (Kafka's
    /// `baseSequence`, counted in batches); 0 before.
    pub seq: u32,
    /// The producer epoch its sequence number belongs to.
    pub epoch: u16,
    /// The `acks` it is sent with, fixed when it is first sent (a command may change the
    /// producer's; Kafka's cannot change).
    pub acks: Acks,
    /// Sent by an idempotent producer (fixed when it is first sent).
    pub idempotent: bool,
    /// Some attempt reached a partition log: the ledger counts it written, once.
    pub appended: bool,
}

impl Outgoing {
    /// A batch the accumulator just closed, never sent.
    pub fn new(batch: ReadyBatch) -> Self {
        Outgoing {
            batch,
            not_before_us: 0,
            attempts: 0,
            in_log: false,
            seq: 0,
            epoch: 0,
            acks: Acks::All,
            idempotent: false,
            appended: false,
        }
    }
}

impl Producer {
    /// Frees buffer memory for `bytes` of acknowledged (or failed) batches.
    pub(crate) fn release(&mut self, bytes: u64) {
        debug_assert!(bytes <= self.buffer_bytes_used);
        self.buffer_bytes_used -= bytes.min(self.buffer_bytes_used);
    }

    /// Records in batches still filling.
    pub(crate) fn open_records(&self) -> u64 {
        self.open_list
            .iter()
            .filter_map(|&(p, _)| self.open[p as usize])
            .map(|b| b.count as u64)
            .sum()
    }

    /// Moves blocked records into the accumulator while buffer memory allows.
    pub(super) fn admit(
        &mut self,
        now_us: u64,
        dt_us: u64,
        rng: &mut Rng,
        ready: &mut Vec<ReadyBatch>,
    ) {
        let record_bytes = self.spec.record_bytes as u64;
        if self.buffer_bytes_used <= self.spec.buffer_bytes {
            self.buffer_bytes_over = 0; // a shrunk buffer has drained
        }
        let room = self.spec.buffer_bytes.saturating_sub(self.buffer_bytes_used) / record_bytes;
        let admitted = self.blocked_records.min(room);
        // Records created during this tick are spread evenly over it.
        let start_us = now_us.saturating_sub(dt_us);
        // Record i is created at start + floor(dt * (i + 1) / admitted), stepped without a
        // division per record.
        let (step_us, rem_us) = (dt_us / admitted.max(1), dt_us % admitted.max(1));
        let (mut at_us, mut err) = (start_us, 0);
        let keyless_sticky = matches!(self.spec.keys, KeySpec::None)
            && self.spec.partitioner == PartitionerKind::Default;
        if keyless_sticky {
            // Keyless records under the sticky partitioner go in runs to one partition: the
            // same batches and draws as record by record, with work per batch.
            self.append_keyless(admitted, start_us, dt_us, rng, ready);
        }
        for _ in 0..if keyless_sticky { 0 } else { admitted } {
            at_us += step_us;
            err += rem_us;
            if err >= admitted {
                at_us += 1;
                err -= admitted;
            }
            self.append_record(at_us, rng, ready);
        }
        self.blocked_records -= admitted;
        self.stats.sent_records += admitted;
        if self.blocked_records == 0 {
            self.blocked_since_us = None;
            return;
        }
        let since = *self.blocked_since_us.get_or_insert(start_us);
        self.stats.blocked_us += dt_us;
        if now_us - since >= self.spec.max_block_ms as u64 * 1000 {
            // send() gave up: TimeoutException for every caller still waiting.
            self.stats.failed_records += self.blocked_records;
            self.blocked_records = 0;
            self.blocked_since_us = None;
        }
    }

    /// Adds one record created at `at_us` to its partition's open batch, closing that batch
    /// first if the record would take it past `batch.size`.
    pub(super) fn append_record(&mut self, at_us: u64, rng: &mut Rng, ready: &mut Vec<ReadyBatch>) {
        let key = self.pick_key(rng);
        let partition = self.pick_partition(key, rng);
        let record_bytes = self.spec.record_bytes;
        self.sticky_bytes += record_bytes as u64;
        self.buffer_bytes_used += record_bytes as u64;
        let slot = &mut self.open[partition as usize];
        let listed = slot.is_some();
        if let Some(b) = slot {
            if b.bytes + record_bytes > self.spec.batch_bytes {
                let full = slot.take().expect("checked Some above");
                ready.push(close(partition, full));
            }
        }
        let key_tag = key.unwrap_or(u32::MAX);
        match &mut self.open[partition as usize] {
            Some(b) => {
                b.count += 1;
                b.bytes += record_bytes;
                b.last_create_us = at_us;
            }
            slot @ None => {
                *slot = Some(OpenBatch {
                    count: 1,
                    bytes: record_bytes,
                    first_create_us: at_us,
                    last_create_us: at_us,
                    key: key_tag,
                });
                self.list_open(partition, at_us, listed);
            }
        }
    }

    /// [`Producer::append_record`] for `count` keyless records under the sticky partitioner,
    /// record `i` created at `start_us + dt_us * (i + 1) / count`: each run of records to the
    /// sticky partition (until `batch.size` bytes went to it, KIP-794) is added batch by batch,
    /// closing a batch where the next record would take it past `batch.size`.
    fn append_keyless(
        &mut self,
        count: u64,
        start_us: u64,
        dt_us: u64,
        rng: &mut Rng,
        ready: &mut Vec<ReadyBatch>,
    ) {
        let rb = self.spec.record_bytes as u64;
        let batch_bytes = self.spec.batch_bytes as u64;
        // In u64 (WebAssembly has no native u128 division): `count` is at most buffer.memory
        // over the record size, below 2^32 (`limits::BUFFER_BYTES_MAX`), so a step's
        // `dt_us * count` stays below 2^42.
        let at = |i: u64| start_us + dt_us * (i + 1) / count;
        let mut i = 0;
        while i < count {
            // The first record of the run picks the partition (a draw if the sticky one is
            // spent); the next ones stay while fewer than batch.size bytes went to it.
            let partition = self.pick_partition(None, rng);
            let run = (batch_bytes - self.sticky_bytes.min(batch_bytes)).div_ceil(rb).max(1);
            let run = run.min(count - i);
            self.sticky_bytes += rb * run;
            self.buffer_bytes_used += rb * run;
            let end = i + run;
            let slot = partition as usize;
            while i < end {
                let listed = self.open[slot].is_some();
                if let Some(b) = self.open[slot] {
                    if b.bytes as u64 + rb > batch_bytes {
                        self.open[slot] = None;
                        ready.push(close(partition, b));
                    }
                }
                let (n, b) = match self.open[slot] {
                    Some(mut b) => {
                        let room = (batch_bytes - b.bytes as u64) / rb;
                        let n = room.min(end - i).max(1);
                        b.count += n as u32;
                        b.bytes += (rb * n) as u32;
                        b.last_create_us = at(i + n - 1);
                        (n, b)
                    }
                    None => {
                        let room = batch_bytes.saturating_sub(rb) / rb;
                        let n = 1 + room.min(end - i - 1);
                        let first = at(i);
                        self.list_open(partition, first, listed);
                        let b = OpenBatch {
                            count: n as u32,
                            bytes: (rb * n) as u32,
                            first_create_us: first,
                            last_create_us: at(i + n - 1),
                            key: u32::MAX,
                        };
                        (n, b)
                    }
                };
                self.open[slot] = Some(b);
                i += n;
            }
        }
    }

    /// A batch opened on `partition` at `at_us`: listed at the end, or, where the partition is
    /// `listed` already (its full batch just closed), its entry keeps its place.
    fn list_open(&mut self, partition: u32, at_us: u64, listed: bool) {
        if !listed {
            self.open_list.push((partition, at_us));
        } else if let Some(entry) = self.open_list.iter_mut().find(|e| e.0 == partition) {
            entry.1 = at_us;
        } else {
            debug_assert!(false, "partition {partition} has an open batch but is not listed");
        }
    }

    /// Closes open batches that have waited `linger.ms` (all of them once closed).
    pub(super) fn close_lingering(&mut self, now_us: u64, ready: &mut Vec<ReadyBatch>) {
        let linger_us = if self.closed { 0 } else { self.spec.linger_ms as u64 * 1000 };
        let open = &mut self.open;
        self.open_list.retain(|&(p, since_us)| {
            if now_us - since_us < linger_us {
                return true;
            }
            let b = open[p as usize].take().expect("listed partitions have an open batch");
            ready.push(close(p, b));
            false
        });
    }
}

fn close(partition: u32, b: OpenBatch) -> ReadyBatch {
    ReadyBatch {
        partition,
        count: b.count,
        bytes: b.bytes,
        first_create_us: b.first_create_us,
        last_create_us: b.last_create_us,
        key: b.key,
    }
}
