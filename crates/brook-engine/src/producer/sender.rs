//! The producer's sending side, after Kafka's client (clients/src/main/java/org/apache/kafka/
//! clients/producer/internals/): one queue of closed batches per partition and what may leave
//! it (`RecordAccumulator.drain`), what is in flight and `max.in.flight.requests.per.
//! connection` (`NetworkClient.InFlightRequests`), the sequence numbers and epochs of an
//! idempotent producer (`TransactionManager`), and `delivery.timeout.ms` for queued batches
//! (`RecordAccumulator.expiredBatches`). A batch in flight travels in the cluster's request
//! queues; the cluster finds those past `delivery.timeout.ms` (`Sender.
//! getExpiredInflightBatches`) and hands them to [`Producer::give_up_in_flight`].

use std::collections::VecDeque;

use super::{Acks, Outgoing, Producer, ReadyBatch};

/// How a leader answered a produce request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Answer {
    /// Written (acks=1) or committed (acks=all), or a duplicate of a batch the log holds.
    Ok,
    /// A retriable error: not the leader, too few in-sync replicas (before or after the
    /// append), or the connection broke.
    Retriable,
    /// `OUT_OF_ORDER_SEQUENCE_NUMBER`: an earlier batch of this idempotent producer for the
    /// partition is not in the log yet.
    OutOfOrderSequence,
    /// `INVALID_PRODUCER_EPOCH`: the batch belongs to an older epoch than the leader has seen.
    StaleEpoch,
}

/// One partition's sending state.
#[derive(Clone, Debug)]
pub(super) struct PartitionSend {
    /// Closed batches waiting to be sent or resent, in the order they may leave (Kafka's
    /// per-partition deque, less the batch still filling). Bounded by `buffer.memory`.
    queue: VecDeque<Outgoing>,
    /// Requests sent (acks 1 or all) and not yet answered, including those whose batch the
    /// producer gave up meanwhile (Kafka's `InFlightRequests`: a request keeps its slot until
    /// its answer comes); at most `max.in.flight.requests.per.connection`.
    requests: u32,
    /// Of those, the batches the producer still waits for (not given up).
    awaited: u32,
    /// The next batch's sequence number (from 1) and its epoch.
    next_seq: u32,
    epoch: u16,
    /// The highest sequence of this epoch acknowledged so far (0 for none).
    last_acked_seq: u32,
    /// A batch with a sequence number was given up: once nothing is in flight, the epoch
    /// grows and sequences start again (Kafka's `requestEpochBumpForPartition`); meanwhile no
    /// new batch leaves (`hasUnresolvedSequence`).
    bump_pending: bool,
    /// Listed in `Producer::send_list`.
    listed: bool,
    /// The last acknowledged batch's time from its first record's `send()` to its
    /// acknowledgement, us (Kafka's producer `record-queue-time` plus `request-latency`).
    ack_latency_us: u64,
}

impl Default for PartitionSend {
    fn default() -> Self {
        PartitionSend {
            queue: VecDeque::new(),
            requests: 0,
            awaited: 0,
            next_seq: 1,
            epoch: 0,
            last_acked_seq: 0,
            bump_pending: false,
            listed: false,
            ack_latency_us: 0,
        }
    }
}

impl PartitionSend {
    /// A new epoch (Kafka's `TxnPartitionMap.startSequencesAtBeginning`): sequences restart.
    fn bump_epoch(&mut self) {
        self.epoch = self.epoch.wrapping_add(1);
        self.next_seq = 1;
        self.last_acked_seq = 0;
        self.bump_pending = false;
    }

    /// Whether the batch at the front may leave now, as Kafka's `RecordAccumulator.
    /// drainBatchesForOneNode` decides: not backing off; a free in-flight slot (acks=0 needs
    /// none: `NetworkClient` completes it once written); for an idempotent producer, a resend
    /// only when nothing else of the partition is awaited (`shouldStopDrainBatchesForPartition`
    /// sends only the first sequence in flight: "once batches are being retried, we are reduced
    /// to a single in flight request"), and no new batch while an epoch bump waits for the
    /// batches in flight (once they are answered or given up, the new epoch starts here).
    fn front_may_leave(&mut self, now_us: u64, acks: Acks, max_in_flight: u32) -> bool {
        let Some(front) = self.queue.front() else { return false };
        let acks = if front.seq == 0 { acks } else { front.acks };
        if front.not_before_us > now_us || (acks != Acks::None && self.requests >= max_in_flight) {
            return false;
        }
        if front.seq != 0 {
            return !front.idempotent || self.awaited == 0;
        }
        if self.bump_pending {
            // Resends sit in front of new batches, so all are in flight now: wait for them.
            if self.awaited > 0 {
                return false;
            }
            self.bump_epoch();
        }
        true
    }

    /// Puts a batch to resend back in the queue: an idempotent producer's in sequence order
    /// (`RecordAccumulator.insertInSequenceOrder`), any other's at the front (`reenqueue`:
    /// `addFirst`), which reorders when several were in flight.
    fn requeue(&mut self, o: Outgoing) {
        if o.idempotent {
            let at = self
                .queue
                .iter()
                .position(|q| q.seq == 0 || q.epoch != o.epoch || q.seq > o.seq)
                .unwrap_or(self.queue.len());
            self.queue.insert(at, o);
        } else {
            self.queue.push_front(o);
        }
    }
}

impl Producer {
    /// Queues batches the accumulator closed this tick, each behind its partition's others. A
    /// batch that waited out `linger.ms` joins the last one queued if that was never sent and
    /// both fit in `batch.size`: in Kafka a batch takes records until it is full or drained
    /// (`RecordAccumulator.tryAppend`), so batches waiting for a free in-flight slot or a
    /// leader grow instead of piling up small.
    pub(crate) fn enqueue(&mut self, ready: &mut Vec<ReadyBatch>) {
        let timeout_us = self.spec.delivery_timeout_ms as u64 * 1000;
        let batch_bytes = self.spec.batch_bytes;
        for b in ready.drain(..) {
            self.next_expiry_us = self.next_expiry_us.min(b.first_create_us + timeout_us);
            let p = b.partition as usize;
            let queue = &mut self.sends[p].queue;
            match queue.back_mut() {
                Some(last) if last.seq == 0 && last.batch.bytes + b.bytes <= batch_bytes => {
                    last.batch.count += b.count;
                    last.batch.bytes += b.bytes;
                    last.batch.last_create_us = b.last_create_us;
                }
                _ => queue.push_back(Outgoing::new(b)),
            }
            self.list(p);
        }
    }

    fn list(&mut self, p: usize) {
        if !self.sends[p].listed {
            self.sends[p].listed = true;
            self.send_list.push(p as u32);
        }
    }

    /// Moves the batches that may leave now to `out`, partition by partition, for partitions
    /// whose leader the producer can reach (`reachable`: a leader is known and its connection
    /// is up; else the batches wait for the next leader). Gives each batch its sequence number
    /// when it first leaves. acks=0 batches are done once sent: buffer freed, acknowledged.
    pub(crate) fn drain(
        &mut self,
        now_us: u64,
        mut reachable: impl FnMut(u32) -> bool,
        out: &mut Vec<Outgoing>,
    ) {
        let idempotent = self.spec.idempotent();
        if self.seq_idempotent != Some(idempotent) {
            // Idempotence changed with `acks`: a new producer session, so new epochs.
            if self.seq_idempotent.is_some() {
                self.sends.iter_mut().for_each(|s| s.bump_pending = true);
            }
            self.seq_idempotent = Some(idempotent);
        }
        let (acks, max) = (self.spec.acks, self.spec.max_in_flight_requests_per_connection);
        let (sends, stats, used) = (&mut self.sends, &mut self.stats, &mut self.buffer_bytes_used);
        let awaited_records = &mut self.awaited_records;
        let awaited_partitions = &mut self.awaited_partitions;
        self.send_list.retain(|&p| {
            let s = &mut sends[p as usize];
            if !reachable(p) {
                return s.listed;
            }
            // Bounded by the in-flight limit, or by the queue for acks=0.
            while s.front_may_leave(now_us, acks, max) {
                let mut o = s.queue.pop_front().expect("front checked");
                if o.seq == 0 {
                    (o.seq, o.epoch, o.acks, o.idempotent) =
                        (s.next_seq, s.epoch, acks, idempotent);
                    s.next_seq += 1;
                } else {
                    stats.retried_records += o.batch.count as u64;
                }
                o.attempts += 1;
                if o.acks == Acks::None {
                    *used = used.saturating_sub(o.batch.bytes as u64);
                    stats.acked_records += o.batch.count as u64;
                } else {
                    s.requests += 1;
                    awaited_moved(awaited_partitions, s.awaited, s.awaited + 1);
                    s.awaited += 1;
                    *awaited_records += o.batch.count as u64;
                }
                out.push(o);
            }
            s.listed = !s.queue.is_empty();
            s.listed
        });
    }

    /// An answer reached the producer for batch `o` (Kafka's `Sender.completeBatch`): done,
    /// resent after `retry.backoff.ms`, or failed. Returns the records that failed. An answer
    /// for a batch the producer already gave up only frees its in-flight slot.
    pub(crate) fn answered(&mut self, now_us: u64, o: Outgoing, answer: Answer) -> u64 {
        let p = o.batch.partition as usize;
        let s = &mut self.sends[p];
        debug_assert!(s.requests > 0, "an answer without a request");
        s.requests = s.requests.saturating_sub(1);
        if let Some(k) = self.given_up_index(&o) {
            self.given_up.swap_remove(k);
            return 0;
        }
        let s = &mut self.sends[p];
        awaited_moved(&mut self.awaited_partitions, s.awaited, s.awaited - 1);
        s.awaited -= 1;
        self.awaited_records -= o.batch.count as u64;
        let timeout_us = self.spec.delivery_timeout_ms as u64 * 1000;
        let may_retry = o.attempts <= self.spec.retries
            && now_us.saturating_sub(o.batch.first_create_us) < timeout_us;
        let retry = match answer {
            Answer::Ok => {
                self.release(o.batch.bytes as u64);
                self.stats.acked_records += o.batch.count as u64;
                let s = &mut self.sends[p];
                if o.epoch == s.epoch {
                    s.last_acked_seq = s.last_acked_seq.max(o.seq);
                }
                s.ack_latency_us = now_us.saturating_sub(o.batch.first_create_us);
                return 0;
            }
            Answer::Retriable => may_retry,
            // Kafka's `TransactionManager.canRetry`: out of sequence is retried unless the
            // partition waits for an epoch bump, or the batch is the next after the last
            // acknowledged one (then the log lost acknowledged batches: a gap).
            Answer::OutOfOrderSequence => {
                let s = &mut self.sends[p];
                let gap = o.epoch == s.epoch && o.seq == s.last_acked_seq + 1;
                may_retry && !gap && !s.bump_pending
            }
            Answer::StaleEpoch => false,
        };
        if retry {
            let backoff_us = self.spec.retry_backoff_ms as u64 * 1000;
            self.sends[p].requeue(Outgoing { not_before_us: now_us + backoff_us, ..o });
            self.list(p);
            return 0;
        }
        self.give_up(&o);
        o.batch.count as u64
    }

    /// Where `o` is among the batches given up in flight (usually none).
    fn given_up_index(&self, o: &Outgoing) -> Option<usize> {
        let id = (o.batch.partition, o.epoch, o.seq);
        self.given_up.iter().position(|&g| g == id)
    }

    /// Fails batch `o` (Kafka's `Sender.failBatch`): its buffer is freed and the producer told.
    /// An idempotent producer that gives up a batch with a sequence number starts a new epoch
    /// for its partition once nothing is in flight there.
    fn give_up(&mut self, o: &Outgoing) {
        self.release(o.batch.bytes as u64);
        let n = o.batch.count as u64;
        self.stats.expired_records += n;
        if o.appended {
            self.stats.failed_written_records += n;
        }
        if o.seq != 0 && o.idempotent {
            self.sends[o.batch.partition as usize].bump_pending = true;
        }
    }

    /// Whether the earliest `delivery.timeout.ms` deadline known has come: then the queues
    /// ([`Producer::expire_queued`]) and the batches in flight are to be checked.
    pub(crate) fn expiry_due(&self, now_us: u64) -> bool {
        now_us >= self.next_expiry_us
    }

    /// Fails every queued batch that reached `delivery.timeout.ms` since its creation (Kafka's
    /// `ProducerBatch.hasReachedDeliveryTimeout`: `timeout <= now - created`). Returns the
    /// records that failed and the earliest deadline among the batches left.
    pub(crate) fn expire_queued(&mut self, now_us: u64) -> (u64, u64) {
        let timeout_us = self.spec.delivery_timeout_ms as u64 * 1000;
        let (mut failed, mut next) = (0, u64::MAX);
        for p in 0..self.sends.len() {
            // Bounded by the batches held, which `buffer.memory` bounds.
            let mut i = 0;
            while i < self.sends[p].queue.len() {
                let o = self.sends[p].queue[i];
                let deadline_us = o.batch.first_create_us + timeout_us;
                if now_us < deadline_us {
                    next = next.min(deadline_us);
                    i += 1;
                    continue;
                }
                self.sends[p].queue.remove(i);
                self.give_up(&o);
                failed += o.batch.count as u64;
            }
        }
        (failed, next)
    }

    /// Sets the earliest `delivery.timeout.ms` deadline of a batch queued or in flight.
    pub(crate) fn set_next_expiry(&mut self, at_us: u64) {
        self.next_expiry_us = at_us;
    }

    /// Whether batch `o`, in flight, has reached `delivery.timeout.ms` and the producer still
    /// waits for it; `next_us` takes its deadline otherwise.
    pub(crate) fn in_flight_expired(&self, o: &Outgoing, now_us: u64, next_us: &mut u64) -> bool {
        if o.acks == Acks::None || !self.awaits(o) {
            return false;
        }
        let deadline_us = o.batch.first_create_us + self.spec.delivery_timeout_ms as u64 * 1000;
        if now_us < deadline_us {
            *next_us = (*next_us).min(deadline_us);
            return false;
        }
        true
    }

    /// Fails batch `o`, in flight past `delivery.timeout.ms` (Kafka's `Sender.
    /// getExpiredInflightBatches`): the producer is told, and its request travels on; the
    /// answer, when it comes, only frees the in-flight slot. Returns the records failed.
    pub(crate) fn give_up_in_flight(&mut self, o: &Outgoing) -> u64 {
        let p = o.batch.partition;
        let s = &mut self.sends[p as usize];
        awaited_moved(&mut self.awaited_partitions, s.awaited, s.awaited - 1);
        s.awaited -= 1;
        self.awaited_records -= o.batch.count as u64;
        self.given_up.push((p, o.epoch, o.seq));
        self.give_up(o);
        self.stats.delivery_timeout_records += o.batch.count as u64;
        o.batch.count as u64
    }

    /// A leader appended batch `o` (any attempt). The first time, its records count as
    /// written; if the producer had already given the batch up, as failed yet written.
    pub(crate) fn appended(&mut self, o: &Outgoing) {
        if o.appended {
            return;
        }
        let n = o.batch.count as u64;
        self.stats.written_records += n;
        if o.acks != Acks::None && !self.given_up.is_empty() && self.given_up_index(o).is_some() {
            self.stats.failed_written_records += n;
        }
    }

    /// An acks=0 batch on the wire to a leader that crashed: lost.
    pub(crate) fn lost_in_flight(&mut self, o: &Outgoing) {
        self.stats.lost_in_flight_records += o.batch.count as u64;
    }

    /// The epoch and highest sequence acknowledged for `partition` (0: none in this epoch).
    pub(crate) fn acked_seq(&self, partition: u32) -> (u16, u32) {
        self.sends.get(partition as usize).map_or((0, 0), |s| (s.epoch, s.last_acked_seq))
    }

    /// Whether the producer waits for an answer for batch `o`, in flight (acks 1 or all, not
    /// given up).
    pub fn awaits(&self, o: &Outgoing) -> bool {
        o.acks != Acks::None && (self.given_up.is_empty() || self.given_up_index(o).is_none())
    }

    /// Records sent to `send()` and not yet answered: in open batches, queued, in flight.
    pub fn unanswered_records(&self) -> u64 {
        let queued: u64 =
            self.sends.iter().flat_map(|s| &s.queue).map(|o| o.batch.count as u64).sum();
        self.open_records() + queued + self.awaited_records
    }

    /// Records queued that no log received yet, plus those in open batches.
    pub fn unwritten_held_records(&self) -> u64 {
        let queued: u64 = self
            .sends
            .iter()
            .flat_map(|s| &s.queue)
            .filter(|o| !o.appended)
            .map(|o| o.batch.count as u64)
            .sum();
        self.open_records() + queued
    }

    /// Closed batches waiting to be sent or resent.
    pub fn queued_batches(&self) -> usize {
        self.sends.iter().map(|s| s.queue.len()).sum()
    }

    /// Batches sent and not yet answered (nor given up).
    pub fn in_flight_batches(&self) -> u64 {
        let by_awaited = self.awaited_partitions.iter().enumerate();
        by_awaited.map(|(n, &partitions)| n as u64 * partitions as u64).sum()
    }

    /// The last batch acknowledged for `partition`: from its first record's `send()` to its
    /// acknowledgement, us (0 before the first).
    pub fn ack_latency_us(&self, partition: u32) -> u64 {
        self.sends.get(partition as usize).map_or(0, |s| s.ack_latency_us)
    }

    /// The most batches in flight to one partition (at most
    /// `max.in.flight.requests.per.connection`).
    pub fn in_flight_batches_most(&self) -> u32 {
        self.awaited_partitions.iter().rposition(|&n| n > 0).unwrap_or(0) as u32
    }

    /// Checks the sending state: in-flight limits, queue listing, resends in sequence order.
    pub(crate) fn check_sending(&self) -> Result<(), String> {
        let max = self.spec.max_in_flight_requests_per_connection;
        let name = &self.spec.name;
        let mut by_awaited = vec![0u32; self.awaited_partitions.len()];
        for s in self.sends.iter().filter(|s| s.awaited > 0) {
            match by_awaited.get_mut(s.awaited as usize) {
                Some(n) => *n += 1,
                None => return Err(format!("{name}: {} awaited, not counted", s.awaited)),
            }
        }
        if by_awaited.get(1..) != self.awaited_partitions.get(1..) {
            return Err(format!(
                "{name}: partitions by batches awaited {:?}, counted {:?}",
                by_awaited, self.awaited_partitions
            ));
        }
        for (p, s) in self.sends.iter().enumerate() {
            let given_up = self.given_up.iter().filter(|g| g.0 as usize == p).count() as u32;
            if s.awaited + given_up != s.requests || s.requests > max {
                return Err(format!(
                    "{name} partition {p}: {} awaited + {given_up} given up != {} requests in \
                     flight, or more than {max}",
                    s.awaited, s.requests
                ));
            }
            if !s.queue.is_empty() && !s.listed {
                return Err(format!("{name} partition {p}: queued batches not listed"));
            }
            let mut last = (0u16, 0u32);
            for o in s.queue.iter().filter(|o| o.seq != 0 && o.idempotent) {
                if (o.epoch, o.seq) <= last {
                    return Err(format!("{name} partition {p}: resends out of sequence"));
                }
                last = (o.epoch, o.seq);
            }
        }
        Ok(())
    }
}

/// A partition's batches awaited went from `from` to `to`: `by_awaited` (partitions by batches
/// awaited, index 0 unused) follows.
fn awaited_moved(by_awaited: &mut Vec<u32>, from: u32, to: u32) {
    if from > 0 {
        by_awaited[from as usize] -= 1;
    }
    if to > 0 {
        if by_awaited.len() <= to as usize {
            by_awaited.resize(to as usize + 1, 0);
        }
        by_awaited[to as usize] += 1;
    }
}
