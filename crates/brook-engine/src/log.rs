//! A partition's append-only log: record batches grouped into segments.
//!
//! Traffic is compact: a batch is an offset range with a record count, a byte size and the
//! creation times of its first and last record, never one object per record.

use std::collections::VecDeque;

/// A record batch as stored in a partition log.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Batch {
    /// Offset of the first record.
    pub base_offset: u64,
    /// Records in the batch (at least 1).
    pub count: u32,
    /// Bytes of the batch (records times record size).
    pub bytes: u32,
    /// Creation time of the first record, virtual microseconds.
    pub first_create_us: u64,
    /// Creation time of the last record, virtual microseconds.
    pub last_create_us: u64,
    /// Time the leader appended the batch, virtual microseconds.
    pub append_us: u64,
    /// Index of the producer that sent it.
    pub producer: u32,
    /// Index of the batch's most frequent key (`u32::MAX` for keyless records), for colouring.
    pub key: u32,
    /// Acknowledged as soon as the leader appended it (`acks=0` or `acks=1`), so losing it
    /// later loses data a producer was told was written.
    pub acked_on_append: bool,
    /// The producer's sequence number of this batch in this partition, from 1 (Kafka's
    /// `baseSequence`, counted in batches rather than records); 0 for none.
    pub seq: u32,
    /// The producer epoch the sequence belongs to (Kafka's `producerEpoch`): it grows when an
    /// idempotent producer gives up a batch and starts its sequences again.
    pub producer_epoch: u16,
    /// Sent by an idempotent producer: the leader appended it only in sequence.
    pub idempotent: bool,
}

impl Batch {
    /// One past the last offset.
    pub fn end_offset(&self) -> u64 {
        self.base_offset + self.count as u64
    }

    /// This batch and the one after it as one entry, for [`PartitionLog::coalesce`]: counts and
    /// bytes add up, creation times span both, and the producer, key and sequence are the later
    /// batch's (so a producer's newest sequence in the log stays where a leader looks for it).
    /// None if a sum would overflow.
    fn merged_with(&self, next: &Batch) -> Option<Batch> {
        Some(Batch {
            base_offset: self.base_offset,
            count: self.count.checked_add(next.count)?,
            bytes: self.bytes.checked_add(next.bytes)?,
            first_create_us: self.first_create_us.min(next.first_create_us),
            last_create_us: self.last_create_us.max(next.last_create_us),
            acked_on_append: self.acked_on_append || next.acked_on_append,
            ..*next
        })
    }

    /// Creation time of the record at `offset`, interpolated between the first and last record
    /// (records of one batch are created in order; Brook does not keep each record's time).
    pub fn create_us_at(&self, offset: u64) -> u64 {
        if self.count <= 1 {
            return self.first_create_us;
        }
        let i = offset.saturating_sub(self.base_offset).min(self.count as u64 - 1);
        let span = self.last_create_us - self.first_create_us;
        self.first_create_us + span * i / (self.count as u64 - 1)
    }
}

#[derive(Clone, Copy, Debug)]
struct Segment {
    base_offset: u64,
    batches: u32,
    bytes: u64,
    /// Newest append time in the segment; retention by time looks at this, as Kafka does
    /// (its `largestTimestamp`).
    last_append_us: u64,
}

/// What retention removed in one pass (with what the memory bound removed since the last).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Deleted {
    /// Records removed.
    pub records: u64,
    /// Segments removed.
    pub segments: u32,
}

/// What a truncation removed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Truncated {
    /// Records removed.
    pub records: u64,
    /// Of those, records above the high watermark that were acknowledged on append (`acks` 0
    /// or 1): written as far as their producer knows, not yet copied to every ISR member.
    pub acked_on_append: u64,
    /// Of those, records below the high watermark: committed (so acknowledged, whatever the
    /// acks). Only an unclean leader election can lose these.
    pub committed: u64,
}

/// An append-only partition log.
///
/// In declared order (`repr(C)`), the offsets first: a waiting fetch reads the log start and
/// the high watermark of each of its partitions every step, and at the start of a
/// [`Partition`](crate::replication::Partition) (aligned to a cache line) they share one line.
#[derive(Clone, Debug)]
#[repr(C)]
pub struct PartitionLog {
    log_start_offset: u64,
    log_end_offset: u64,
    high_watermark: u64,
    batches: VecDeque<Batch>,
    segments: VecDeque<Segment>,
    size_bytes: u64,
    segment_bytes: u64,
    /// For each batch in `batches`, the bytes appended before it over the log's life: byte
    /// spans between offsets in O(log n) for follower fetch limits.
    bytes_before: VecDeque<u64>,
    /// Bytes appended over the log's life, less what truncation removed.
    appended_bytes: u64,
    /// The largest bytes per record of any batch appended (never lowered): a bound that
    /// settles most fetch limits without a search.
    record_bytes_max: u64,
    /// Removed by the memory bound ([`LOG_BATCHES_MAX`]) since the last retention pass, which
    /// reports it.
    memory_deleted: Deleted,
}

/// Hard bound on batches held by one partition log, whatever the retention settings say, so a
/// browser tab never runs out of memory. An append that would pass it first deletes the oldest
/// segments early, rolling the active segment if it alone holds the bound (so that it can go
/// too); the next retention pass reports those records as deleted.
pub const LOG_BATCHES_MAX: usize = 1 << 18;

/// Entries (batches, or runs of batches coalesced into one) that all partition logs of a
/// cluster hold one by one, about 128 MiB of them: past its share of this bound (and at least
/// [`LOG_ENTRIES_PER_PARTITION_MIN`]), a log coalesces its oldest committed batches
/// ([`PartitionLog::coalesce`]). Kafka keeps a log on disk and in memory only a sparse index
/// of it, one entry every `index.interval.bytes` (`LogSegment.append`,
/// `bytesSinceLastIndexEntry > indexIntervalBytes`): Brook keeps the log itself in memory, so
/// without this bound a topic with Kafka's 7-day retention grows without end.
pub const LOG_ENTRIES_TOTAL_MAX: usize = 1 << 21;

/// Entries a partition log may always hold one by one, however many partitions share
/// [`LOG_ENTRIES_TOTAL_MAX`]: its share at the scenario's largest cluster
/// ([`crate::scenario::limits::PARTITIONS_TOTAL_MAX`]), so that the bound holds at every size.
/// It was 1,024 until session 20, and `production`'s 16,384 logs could hold 16.8 million
/// entries (1.4 GB resident at 30 virtual seconds; BENCHMARKS.md, "The log entry bound at
/// 16,384 partitions").
pub const LOG_ENTRIES_PER_PARTITION_MIN: usize =
    LOG_ENTRIES_TOTAL_MAX / crate::scenario::limits::PARTITIONS_TOTAL_MAX as usize;
const _: () = assert!(LOG_ENTRIES_PER_PARTITION_MIN >= 64, "room for a log's newest half");

/// A partition log's share of `total` entries (normally [`LOG_ENTRIES_TOTAL_MAX`]) among
/// `partitions`, between [`LOG_ENTRIES_PER_PARTITION_MIN`] and half of [`LOG_BATCHES_MAX`] (so
/// that logs coalesce before the memory bound deletes anything).
pub fn log_entries_max(total: usize, partitions: usize) -> usize {
    (total / partitions.max(1)).clamp(LOG_ENTRIES_PER_PARTITION_MIN, LOG_BATCHES_MAX / 2)
}

impl PartitionLog {
    /// An empty log that rolls a new segment every `segment_bytes` bytes.
    pub fn new(segment_bytes: u64) -> Self {
        PartitionLog {
            batches: VecDeque::new(),
            segments: VecDeque::new(),
            log_start_offset: 0,
            log_end_offset: 0,
            high_watermark: 0,
            size_bytes: 0,
            segment_bytes: segment_bytes.max(1),
            bytes_before: VecDeque::new(),
            appended_bytes: 0,
            record_bytes_max: 0,
            memory_deleted: Deleted::default(),
        }
    }

    /// First offset still in the log.
    pub fn log_start_offset(&self) -> u64 {
        self.log_start_offset
    }

    /// Offset the next appended record gets (LEO).
    pub fn log_end_offset(&self) -> u64 {
        self.log_end_offset
    }

    /// Offsets below this are committed and visible to consumers.
    pub fn high_watermark(&self) -> u64 {
        self.high_watermark
    }

    /// Bytes held.
    pub fn size_bytes(&self) -> u64 {
        self.size_bytes
    }

    /// Segments held (the last is the active one).
    pub fn segment_count(&self) -> usize {
        self.segments.len()
    }

    /// Batches held; at most [`LOG_BATCHES_MAX`].
    pub fn batch_count(&self) -> usize {
        self.batches.len()
    }

    /// The batches held, oldest first.
    pub fn batches(&self) -> impl DoubleEndedIterator<Item = &Batch> + ExactSizeIterator {
        self.batches.iter()
    }

    /// Appends a batch of `count` records and returns its base offset. At [`LOG_BATCHES_MAX`]
    /// batches, the oldest segments are deleted first.
    /// Starts loading the offsets (log start, log end, high watermark), which a fetch reads
    /// first ([`crate::prefetch`]).
    pub(crate) fn prefetch_offsets(&self) {
        crate::prefetch::line(&self.log_start_offset);
        crate::prefetch::line(&self.high_watermark);
        crate::prefetch::line(&self.log_end_offset);
    }

    /// Starts loading the newest segment and batch, which an append reads and writes.
    pub(crate) fn prefetch_tail(&self) {
        if let Some(s) = self.segments.back() {
            crate::prefetch::line(s);
        }
        if let Some(b) = self.batches.back() {
            crate::prefetch::line(b);
        }
    }

    pub fn append(&mut self, mut batch: Batch) -> u64 {
        assert!(batch.count > 0, "empty batch appended");
        batch.base_offset = self.log_end_offset;
        let roll = match self.segments.back() {
            None => true,
            // An active segment holding the memory bound by itself is rolled, so that the
            // loop below can delete it like any other.
            Some(s) => s.bytes >= self.segment_bytes || s.batches as usize >= LOG_BATCHES_MAX,
        };
        if roll {
            self.segments.push_back(Segment {
                base_offset: batch.base_offset,
                batches: 0,
                bytes: 0,
                last_append_us: batch.append_us,
            });
        }
        // Bounded by the segments held. It never reaches the new active segment: the older
        // ones hold every batch, and the active one fewer than the bound.
        while self.batches.len() >= LOG_BATCHES_MAX {
            self.memory_deleted.records += self.delete_oldest_segment();
            self.memory_deleted.segments += 1;
        }
        let seg = self.segments.back_mut().expect("a segment exists after rolling");
        seg.batches += 1;
        seg.bytes += batch.bytes as u64;
        seg.last_append_us = batch.append_us;
        self.size_bytes += batch.bytes as u64;
        self.log_end_offset = batch.end_offset();
        self.bytes_before.push_back(self.appended_bytes);
        self.appended_bytes += batch.bytes as u64;
        let per_record = (batch.bytes as u64).div_ceil(batch.count as u64);
        self.record_bytes_max = self.record_bytes_max.max(per_record);
        self.batches.push_back(batch);
        batch.base_offset
    }

    /// Past `entries_max` entries, merges neighbouring batches of one segment that end at or
    /// below `below` (the caller passes what no truncation can reach: the high watermark and
    /// every replica's log end), pair by pair, until the log holds at most `entries_max` or
    /// nothing more merges. Offsets, record counts, bytes and segments stay exact; what a merged
    /// entry loses is each record's own creation time (interpolated over the entry,
    /// [`Batch::create_us_at`]) and the producer and key of all but its last batch. Returns the
    /// entries merged away. The newest `entries_max / 2` entries never merge: a reader near the
    /// log end (most are) reads the batches as appended, their creation times exact. A pass is
    /// O(entries) and about halves the older entries, so it is rare; a log that keeps growing
    /// ends with its older records in larger entries, the newest batch by batch.
    pub fn coalesce(&mut self, entries_max: usize, below: u64) -> usize {
        let mut merged = 0;
        // Bounded: a pass either merges at least one pair or ends the loop.
        while self.batches.len() > entries_max {
            let newest = self.batches.len() - entries_max / 2;
            let below = self.batches.get(newest).map_or(below, |b| below.min(b.base_offset));
            let n = self.coalesce_pass(below);
            if n == 0 {
                break;
            }
            merged += n;
        }
        merged
    }

    /// One pass of [`PartitionLog::coalesce`]: each pair of neighbours that may merge does.
    fn coalesce_pass(&mut self, below: u64) -> usize {
        let batches = self.batches.make_contiguous();
        let before = self.bytes_before.make_contiguous();
        let (mut r, mut w, mut merged) = (0, 0, 0);
        for seg in self.segments.iter_mut() {
            let seg_end = r + seg.batches as usize;
            while r < seg_end {
                let next =
                    batches.get(r + 1).filter(|n| r + 1 < seg_end && n.end_offset() <= below);
                if let Some(m) = next.and_then(|n| batches[r].merged_with(n)) {
                    batches[w] = m;
                    before[w] = before[r];
                    seg.batches -= 1;
                    merged += 1;
                    r += 2;
                } else {
                    batches[w] = batches[r];
                    before[w] = before[r];
                    r += 1;
                }
                w += 1;
            }
        }
        self.batches.truncate(w);
        self.bytes_before.truncate(w);
        merged
    }

    /// Moves the high watermark to `offset` (never backwards, never past the log end).
    pub fn set_high_watermark(&mut self, offset: u64) {
        debug_assert!(offset <= self.log_end_offset);
        self.high_watermark = self.high_watermark.max(offset.min(self.log_end_offset));
    }

    /// Sets the high watermark to `offset` even if lower: only after an unclean leader election.
    pub fn reset_high_watermark(&mut self, offset: u64) {
        self.high_watermark = offset.min(self.log_end_offset);
    }

    /// Removes every record at or above `offset` (a new leader lacked them).
    pub fn truncate_to(&mut self, offset: u64) -> Truncated {
        let offset = offset.max(self.log_start_offset);
        let mut t = Truncated::default();
        // Bounded by the batches held.
        while let Some(b) = self.batches.back() {
            if b.base_offset < offset {
                break;
            }
            let b = self.batches.pop_back().expect("back checked");
            self.bytes_before.pop_back();
            self.appended_bytes -= b.bytes as u64;
            t.records += b.count as u64;
            let committed = self.high_watermark.min(b.end_offset()).saturating_sub(b.base_offset);
            t.committed += committed;
            if b.acked_on_append {
                t.acked_on_append += b.count as u64 - committed;
            }
            self.size_bytes -= b.bytes as u64;
            let seg = self.segments.back_mut().expect("a batch lives in a segment");
            seg.batches -= 1;
            seg.bytes -= b.bytes as u64;
            if seg.batches == 0 {
                self.segments.pop_back();
            }
        }
        if self.log_end_offset > offset {
            self.log_end_offset = offset;
            self.high_watermark = self.high_watermark.min(offset);
        }
        t
    }

    /// Deletes whole segments, oldest first, that are past retention, as Kafka's `UnifiedLog`
    /// does (`deleteRetentionMsBreachedSegments`, `deleteRetentionSizeBreachedSegments`, both
    /// through `deleteOldSegments`, in core/src/main/scala/kafka/log/UnifiedLog.scala):
    ///
    /// - by time, a segment whose newest record is more than `retention_ms` old
    ///   (`startMs - segment.largestTimestamp > retentionMs`);
    /// - by size, a segment whose removal still leaves at least `retention_bytes`;
    /// - either way only a segment wholly below the high watermark
    ///   (`highWatermark >= nextSegment.baseOffset`, or the log end for the active segment),
    ///   and never an empty active segment (`LocalLog.deletableSegments`).
    ///
    /// That includes the active segment: when every segment goes, Kafka's `deleteSegments`
    /// first rolls a new, empty active segment at the log end (`roll()`), then deletes the old
    /// one. Brook holds no empty segment: the log with no segment left starts and ends at its
    /// log end offset, and the next append opens a segment there, which is the same log.
    /// `retention_ms`/`retention_bytes` of `None` mean unlimited.
    pub fn enforce_retention(
        &mut self,
        now_us: u64,
        retention_ms: Option<u64>,
        retention_bytes: Option<u64>,
    ) -> Deleted {
        let mut deleted = std::mem::take(&mut self.memory_deleted);
        // Bounded by the segments held.
        while let Some(&oldest) = self.segments.front() {
            let upper = self.segments.get(1).map_or(self.log_end_offset, |s| s.base_offset);
            if self.high_watermark < upper || oldest.batches == 0 {
                break;
            }
            let too_old = retention_ms
                .is_some_and(|ms| now_us.saturating_sub(oldest.last_append_us) > ms * 1000);
            // Kafka deletes a segment when what would remain still meets retention.bytes.
            let too_big = retention_bytes.is_some_and(|b| self.size_bytes - oldest.bytes >= b);
            if !(too_old || too_big) {
                break;
            }
            deleted.records += self.delete_oldest_segment();
            deleted.segments += 1;
        }
        deleted
    }

    fn delete_oldest_segment(&mut self) -> u64 {
        let seg = self.segments.pop_front().expect("caller checked a segment exists");
        for _ in 0..seg.batches {
            self.batches.pop_front();
            self.bytes_before.pop_front();
        }
        self.size_bytes -= seg.bytes;
        let new_start = self.segments.front().map_or(self.log_end_offset, |s| s.base_offset);
        let removed = new_start - self.log_start_offset;
        self.log_start_offset = new_start;
        debug_assert_eq!(seg.base_offset + removed, new_start);
        removed
    }

    /// The batch holding `offset`: None below the log start offset (deleted by retention,
    /// Kafka's `UnifiedLog.logStartOffset`) and from the log end offset on. One binary search.
    pub fn batch_at(&self, offset: u64) -> Option<&Batch> {
        self.batch_index(offset).map(|i| &self.batches[i])
    }

    /// Index of the batch holding `offset`, if the log holds it.
    /// [`PartitionLog::batch_index`] galloping back from the last batch.
    fn batch_index_from_end(&self, offset: u64) -> Option<usize> {
        if offset < self.log_start_offset || offset >= self.log_end_offset {
            return None;
        }
        let end = |i: usize| self.batches[i].end_offset();
        // `hi` holds a batch ending past `offset` (the last one does); gallop back to a batch
        // that ends at or before it, then search between.
        let (mut lo, mut hi, mut step) = (0, self.batches.len() - 1, 1);
        while hi > 0 {
            let probe = hi.saturating_sub(step);
            if end(probe) <= offset {
                lo = probe + 1;
                break;
            }
            hi = probe;
            step *= 2;
        }
        while lo < hi {
            let mid = (lo + hi) / 2;
            if end(mid) <= offset {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        Some(lo)
    }

    fn batch_index(&self, offset: u64) -> Option<usize> {
        if offset < self.log_start_offset || offset >= self.log_end_offset {
            return None;
        }
        let i = self.batches.partition_point(|b| b.end_offset() <= offset);
        (i < self.batches.len()).then_some(i)
    }

    /// Records a reader whose committed offset is `committed` has yet to read: the high
    /// watermark minus that offset, or minus the log start if retention passed it.
    pub fn lag_from(&self, committed: u64) -> u64 {
        self.high_watermark.saturating_sub(committed.max(self.log_start_offset))
    }

    /// The byte position of the log end: bytes appended over the log's life, less what
    /// truncation removed (batch `k` starts at `bytes_before[k]`).
    pub fn end_bytes(&self) -> u64 {
        self.appended_bytes
    }

    /// Bytes of the batches holding offsets `[from, to)` (whole batches; those retention
    /// deleted count nothing). Searches from the log end, where followers copy: O(log k) for
    /// an offset k batches from the end.
    pub fn bytes_between(&self, from: u64, to: u64) -> u64 {
        let at = |o: u64| match self.batch_index_from_end(o.max(self.log_start_offset)) {
            Some(i) => self.bytes_before[i],
            None => self.appended_bytes,
        };
        if to <= from {
            return 0;
        }
        at(to) - at(from)
    }

    /// The end of a follower fetch from `from` that carries at most `max_bytes`, in whole
    /// batches but always at least one (so a batch larger than the limit still moves, as in
    /// Kafka). A `from` below the log start reads from the log start. At most two binary
    /// searches; none when the whole rest of the log fits.
    pub fn fetch_end(&self, from: u64, max_bytes: u64) -> u64 {
        let from = from.max(self.log_start_offset);
        let behind = self.log_end_offset.saturating_sub(from);
        if behind.saturating_mul(self.record_bytes_max) <= max_bytes {
            return self.log_end_offset.max(from); // all of it fits: no search
        }
        let Some(i) = self.batch_index_from_end(from) else {
            return from; // at the log end: nothing to fetch
        };
        let start = self.bytes_before[i];
        if self.appended_bytes - start <= max_bytes {
            return self.log_end_offset;
        }
        // Batch k covers bytes [bytes_before[k], bytes_before[k + 1]): the fetch takes batches
        // i..e for the largest e whose start is within the limit, and at least batch i.
        let within = self.bytes_before.partition_point(|&b| b <= start + max_bytes);
        let e = (within - 1).max(i + 1);
        self.batches[e - 1].end_offset()
    }

    /// Calls `f` with consecutive slices `(batch, from, to)` covering offsets `[from, limit)`
    /// where `limit` is at most `from + max_records` and at most the high watermark.
    /// Returns the offset after the last record visited.
    pub fn read_committed(
        &self,
        from: u64,
        max_records: u64,
        mut f: impl FnMut(&Batch, u64, u64),
    ) -> u64 {
        let limit = self.high_watermark.min(from.saturating_add(max_records));
        // Readers read near the end: galloping back from it touches a few batches where a
        // binary search over the whole log (10 s of batches in stress) missed the cache at
        // every probe, a fifth of stress's time in a perf profile. A reader already at the
        // limit (most waiting fetches, each step) needs no search at all.
        if from >= limit {
            return from;
        }
        let Some(mut i) = self.batch_index_from_end(from) else {
            return from;
        };
        let mut at = from;
        while at < limit && i < self.batches.len() {
            let b = &self.batches[i];
            let to = b.end_offset().min(limit);
            f(b, at, to);
            at = to;
            i += 1;
        }
        at
    }

    /// Checks the log's own invariants; returns a description of the first one broken.
    pub fn check(&self) -> Result<(), String> {
        let mut expect = self.log_start_offset;
        for b in &self.batches {
            if b.base_offset != expect {
                return Err(format!("batch at {} where {} expected", b.base_offset, expect));
            }
            expect = b.end_offset();
        }
        if expect != self.log_end_offset && !self.batches.is_empty() {
            return Err(format!("batches end at {expect}, log end {}", self.log_end_offset));
        }
        if self.high_watermark > self.log_end_offset {
            return Err(format!(
                "high watermark {} past log end {}",
                self.high_watermark, self.log_end_offset
            ));
        }
        let seg_batches: u64 = self.segments.iter().map(|s| s.batches as u64).sum();
        if seg_batches != self.batches.len() as u64 {
            return Err("segments do not account for every batch".into());
        }
        if self.batches.len() > LOG_BATCHES_MAX {
            return Err(format!("{} batches > LOG_BATCHES_MAX", self.batches.len()));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn bytes_between_counts_whole_batches_searching_from_either_end_alike() {
        let mut log = PartitionLog::new(1 << 30);
        for i in 0..100u32 {
            // Batch i holds i + 1 records of 100 bytes each.
            log.append(batch(i + 1, i as u64 * 1_000));
        }
        for o in [0, 1, 5, 57, 1_000, 5_049] {
            assert_eq!(log.batch_index_from_end(o), log.batch_index(o), "offset {o}");
        }
        // Offsets [0, 3) are batches 0 and 1 (1 + 2 records: 300 bytes); to the end, all
        // 5,050 records: 505,000 bytes.
        assert_eq!(log.bytes_between(0, 3), 300);
        assert_eq!(log.bytes_between(1, 3), 200, "batch 1 alone");
        assert_eq!(log.bytes_between(3, 10), 700, "batches 2 and 3: 3 + 4 records");
        assert_eq!(log.bytes_between(0, log.log_end_offset()), 505_000);
        assert_eq!(log.bytes_between(3, 3), 0);
    }

    use super::*;

    #[test]
    fn fetch_end_matches_a_walk_over_the_batches() {
        let mut log = PartitionLog::new(1_000);
        let mut rng = crate::rng::Rng::new(3);
        for i in 0..300u64 {
            let count = 1 + rng.below(50) as u32;
            log.append(Batch { count, bytes: count * 7, ..batch(count, i) });
            if i % 97 == 96 {
                let last = log.batches().last().unwrap().base_offset;
                log.truncate_to(last); // drops the last batch
            }
            if i % 120 == 119 {
                // Retention deletes only below the high watermark, as in Kafka.
                log.set_high_watermark(log.log_end_offset());
                log.enforce_retention(0, None, Some(600));
            }
        }
        let walk = |from: u64, max: u64| {
            let from = from.max(log.log_start_offset());
            let (mut bytes, mut end) = (0u64, from);
            for b in log.batches().filter(|b| b.end_offset() > from) {
                if end > from && bytes + b.bytes as u64 > max {
                    break;
                }
                bytes += b.bytes as u64;
                end = b.end_offset();
            }
            end
        };
        log.check().unwrap();
        assert!(log.log_start_offset() > 0, "retention ran");
        let starts: Vec<u64> = log.batches().map(|b| b.base_offset).collect();
        for &from in starts.iter().chain([0, log.log_end_offset()].iter()) {
            for max in [0, 1, 100, 350, 2_000, 100_000] {
                assert_eq!(log.fetch_end(from, max), walk(from, max), "from {from} max {max}");
            }
        }
    }

    /// The memory bound of a long retention ([`LOG_ENTRIES_TOTAL_MAX`]): past `entries_max`,
    /// committed neighbours merge, and offsets, counts, bytes, retention by size and reads stay
    /// what they were; nothing at or above `below` (the high watermark here) merges, so a
    /// truncation (only above it, `UnifiedLog.truncateTo` to a replica's log end) finds the
    /// batches it would have found.
    #[test]
    fn coalescing_bounds_the_entries_and_keeps_every_record() {
        // Segments of 10,000 bytes: 51 batches of 1 to 3 records of 100 bytes (an odd number,
        // so that pairs meet a segment's edge).
        let mut log = PartitionLog::new(10_000);
        let mut plain = PartitionLog::new(10_000);
        for i in 0..5_000u64 {
            let b = Batch { producer: (i % 2) as u32, ..batch(1 + (i % 3) as u32, i * 1_000) };
            log.append(b);
            plain.append(b);
        }
        let hw = log.log_end_offset() - 100;
        log.set_high_watermark(hw);
        plain.set_high_watermark(hw);
        let entries = log.batch_count();
        assert_eq!(log.coalesce(entries, hw), 0, "at the bound, not past it: nothing merges");
        assert_eq!(log.batch_count(), entries);
        let merged = log.coalesce(1_000, hw);
        log.check().unwrap();
        // The newest half of the bound (500 entries, about 450 of them committed) never merges.
        let newest = |l: &PartitionLog| -> Vec<Batch> {
            let all: Vec<Batch> = l.batches().copied().collect();
            all[all.len() - 500..].to_vec()
        };
        assert_eq!(newest(&log), newest(&plain));
        assert!(log.batch_count() <= 1_000, "{} entries", log.batch_count());
        assert_eq!(log.batch_count() + merged, entries);
        assert_eq!(log.segment_count(), plain.segment_count(), "segments are never merged");
        assert_eq!(log.size_bytes(), plain.size_bytes());
        assert_eq!(log.end_bytes(), plain.end_bytes());
        // A consumer's fetch carries its batches' bytes (readers charge `Batch::bytes` to the
        // network): merged entries hold the bytes of the batches they merged.
        let entry_bytes = |l: &PartitionLog| l.batches().map(|b| b.bytes as u64).sum::<u64>();
        assert_eq!(entry_bytes(&log), log.size_bytes());
        assert_eq!(entry_bytes(&log), entry_bytes(&plain));
        // Above the high watermark every batch is as appended.
        let tail = |l: &PartitionLog| -> Vec<Batch> {
            l.batches().filter(|b| b.end_offset() > hw).copied().collect()
        };
        assert_eq!(tail(&log), tail(&plain));
        // A read sees every record once, in order, from any offset.
        for from in [0, 1, 777, hw - 3] {
            let (mut next, mut n) = (from, 0);
            let end = log.read_committed(from, u64::MAX, |_, a, b| {
                assert_eq!(a, next);
                next = b;
                n += b - a;
            });
            assert_eq!((end, n), (hw, hw - from));
        }
        // Byte spans are whole entries now, never more than the log holds nor less than one
        // batch; from an entry's start they are exact.
        let starts: Vec<u64> = log.batches().map(|b| b.base_offset).collect();
        for w in starts.windows(2) {
            assert_eq!(log.bytes_between(w[0], w[1]), plain.bytes_between(w[0], w[1]));
        }
        // Creation times stay within the merged batches' own.
        let b = *log.batch_at(0).unwrap();
        assert!(b.count > 1, "the oldest records were merged");
        assert_eq!(b.first_create_us, 0);
        let last = plain.batch_at(b.end_offset() - 1).unwrap();
        assert_eq!((b.last_create_us, b.producer), (last.last_create_us, last.producer));
        // Under the bound nothing more happens; nothing merges at or above `below`.
        assert_eq!(log.coalesce(1_000, hw), 0);
        assert_eq!(plain.coalesce(10, 0), 0, "below offset 0 no batch ends");
        // Retention by size deletes the same segments either way, one at a time: no entry
        // crosses a segment's edge (deleting a segment takes its batches and no others).
        for keep in (0..=12).rev().map(|k| 20_000 + k * 100_000) {
            let a = log.enforce_retention(0, None, Some(keep));
            let b = plain.enforce_retention(0, None, Some(keep));
            assert_eq!(a, b, "retention.bytes {keep}");
            assert_eq!(log.log_start_offset(), plain.log_start_offset());
            log.check().unwrap();
        }
        assert!(log.log_start_offset() > hw / 2, "most of the merged entries were deleted");
    }

    /// Two producers' batches interleave in a partition, so a batch appended later may hold
    /// records created earlier: a merged entry spans the earliest and the latest creation time
    /// of both (so [`Batch::create_us_at`] stays within them), and counts as acknowledged on
    /// append if either batch was (what a truncation would count as lost, `Truncated`).
    #[test]
    fn a_merged_entry_spans_both_batches() {
        let a = Batch { producer: 0, acked_on_append: true, ..batch(3, 100) }; // created 100-102
        let b = Batch { base_offset: 3, producer: 1, seq: 9, ..batch(2, 50) }; // created 50-51
        let m = a.merged_with(&b).unwrap();
        assert_eq!((m.base_offset, m.count, m.bytes), (0, 5, 500));
        assert_eq!((m.first_create_us, m.last_create_us), (50, 102));
        assert!(m.acked_on_append);
        assert!(b.merged_with(&a).unwrap().acked_on_append, "either way round");
        assert_eq!((m.producer, m.seq), (1, 9), "the later batch's producer and sequence");
        let full = Batch { count: u32::MAX, ..a };
        assert_eq!(full.merged_with(&b), None, "a count past u32 does not merge");
        let heavy = Batch { bytes: u32::MAX, ..a };
        assert_eq!(heavy.merged_with(&b), None, "nor bytes past u32");
    }

    /// After an unclean election the new leader's log may end below the old high watermark,
    /// and a high watermark never passes the log end (`UnifiedLog.updateHighWatermark` clamps
    /// it to the log end offset): `reset_high_watermark` may lower it, `set_high_watermark`
    /// never does.
    #[test]
    fn only_an_unclean_election_lowers_the_high_watermark() {
        let mut log = PartitionLog::new(1_000);
        log.append(batch(10, 0));
        log.set_high_watermark(8);
        log.set_high_watermark(3);
        assert_eq!(log.high_watermark(), 8, "set never lowers it");
        log.reset_high_watermark(3);
        assert_eq!(log.high_watermark(), 3, "reset does");
        log.reset_high_watermark(50);
        assert_eq!(log.high_watermark(), 10, "never past the log end");
    }

    /// `check` (run by the cluster's `check_invariants` on every log) finds each broken
    /// invariant of a log: offsets contiguous from the log start to the log end, the high
    /// watermark at most the log end (Kafka: `UnifiedLog.updateHighWatermark`), every batch in
    /// a segment, at most `LOG_BATCHES_MAX` batches.
    #[test]
    fn check_finds_each_broken_log_invariant() {
        let good = || {
            let mut log = PartitionLog::new(1_000);
            for i in 0..3 {
                log.append(batch(4, i));
            }
            log.set_high_watermark(8);
            log
        };
        good().check().unwrap();
        let broken = |f: &dyn Fn(&mut PartitionLog), expect: &str| {
            let mut log = good();
            f(&mut log);
            let err = log.check().unwrap_err();
            assert!(err.contains(expect), "{err} should say {expect}");
        };
        broken(&|l| l.batches[1].base_offset = 5, "where 4 expected");
        broken(&|l| l.log_end_offset = 13, "log end 13");
        broken(&|l| l.high_watermark = 13, "past log end");
        broken(&|l| l.segments[0].batches += 1, "segments do not account");
        // One batch past the bound, otherwise a sound log (one record a batch, one segment).
        let mut big = PartitionLog::new(u64::MAX);
        let n = LOG_BATCHES_MAX as u64 + 1;
        big.batches = (0..n).map(|o| Batch { base_offset: o, ..batch(1, o) }).collect();
        big.bytes_before = (0..n).map(|o| o * 100).collect();
        let seg = Segment { base_offset: 0, batches: n as u32, bytes: n * 100, last_append_us: 0 };
        big.segments.push_back(seg);
        big.log_end_offset = n;
        let err = big.check().unwrap_err();
        assert!(err.contains("> LOG_BATCHES_MAX"), "{err}");
    }

    /// A follower fetch takes every batch up to `replica.fetch.max.bytes` (whole batches): when
    /// the rest of the log fits, it ends at the log end, even after a batch of much larger
    /// records (whose size makes the quick bound by records too coarse to say so).
    #[test]
    fn a_fetch_that_fits_takes_the_rest_of_the_log() {
        let mut log = PartitionLog::new(1 << 30);
        log.append(Batch { bytes: 1_000, ..batch(1, 0) });
        for i in 1..=10 {
            log.append(Batch { bytes: 10, ..batch(1, i) });
        }
        assert_eq!(log.fetch_end(1, 200), 11, "100 bytes left: all of them");
        assert_eq!(log.fetch_end(1, 55), 6, "five 10-byte batches fit in 55 bytes");
        assert_eq!(log.fetch_end(0, 10), 1, "at least one batch, however large");
    }

    #[test]
    fn a_log_share_of_the_entry_bound() {
        let total = LOG_ENTRIES_TOTAL_MAX;
        assert_eq!(log_entries_max(total, 1), LOG_BATCHES_MAX / 2, "never past the deleting bound");
        assert_eq!(log_entries_max(total, 1_024), total / 1_024);
        assert_eq!(log_entries_max(total, 1 << 20), LOG_ENTRIES_PER_PARTITION_MIN);
        // At the largest cluster a scenario may have, the floor is each log's share: the
        // entries of all logs stay within the total.
        let most = crate::scenario::limits::PARTITIONS_TOTAL_MAX as usize;
        assert_eq!(log_entries_max(total, most), LOG_ENTRIES_PER_PARTITION_MIN);
        assert!(log_entries_max(total, most) * most <= total);
        assert_eq!(log_entries_max(total, 0), LOG_BATCHES_MAX / 2);
        assert_eq!(log_entries_max(0, 4), LOG_ENTRIES_PER_PARTITION_MIN);
    }

    fn batch(count: u32, at_us: u64) -> Batch {
        Batch {
            base_offset: 0,
            count,
            bytes: count * 100,
            first_create_us: at_us,
            last_create_us: at_us + count as u64 - 1,
            append_us: at_us,
            producer: 0,
            key: u32::MAX,
            acked_on_append: false,
            seq: 0,
            producer_epoch: 0,
            idempotent: false,
        }
    }

    #[test]
    fn batch_at_finds_data_from_the_log_start_only() {
        // Kafka's `UnifiedLog.logStartOffset`: offsets below it were deleted by retention;
        // from it to the log end offset every record is held. Past 4,096 batches (issue 10:
        // the page drew the deleted band over data held there).
        let mut log = PartitionLog::new(10 * 100);
        for i in 0..9_000 {
            log.append(batch(1 + (i % 3) as u32, i));
        }
        let leo = log.log_end_offset();
        log.set_high_watermark(leo);
        log.enforce_retention(9_000, None, Some(leo * 100 * 2 / 3));
        let start = log.log_start_offset();
        assert!(start > 0 && log.batch_count() > 4_096, "{start} {}", log.batch_count());
        for o in (0..leo + 5).step_by(7).chain([start - 1, start, leo - 1, leo]) {
            let found = log.batch_at(o);
            assert_eq!(found.is_some(), (start..leo).contains(&o), "offset {o}");
            if let Some(b) = found {
                assert!(b.base_offset <= o && o < b.end_offset(), "offset {o} in {b:?}");
            }
        }
    }

    #[test]
    fn offsets_are_contiguous() {
        let mut log = PartitionLog::new(1_000);
        assert_eq!(log.append(batch(3, 0)), 0);
        assert_eq!(log.append(batch(2, 10)), 3);
        assert_eq!(log.log_end_offset(), 5);
        log.check().unwrap();
    }

    #[test]
    fn reads_stop_at_high_watermark() {
        let mut log = PartitionLog::new(1_000);
        log.append(batch(5, 0));
        log.append(batch(5, 10));
        log.set_high_watermark(7);
        let mut seen = vec![];
        let end = log.read_committed(2, 100, |b, a, z| seen.push((b.base_offset, a, z)));
        assert_eq!(end, 7);
        assert_eq!(seen, vec![(0, 2, 5), (5, 5, 7)]);
    }

    /// A group's lag counts only records the log still holds: a consumer whose committed offset
    /// retention passed gets OFFSET_OUT_OF_RANGE and resets (`FetchCollector
    /// .handleInitializeErrors`; earliest to the log start), and its `records-lag` is the high
    /// watermark minus its position (`SubscriptionState.partitionLag`), so the most it can still
    /// read is the high watermark minus the log start.
    #[test]
    fn lag_counts_from_the_log_start_once_retention_passed_the_committed_offset() {
        let mut log = PartitionLog::new(1_000); // 10 records of 100 bytes a segment
        for i in 0..5 {
            log.append(batch(10, i * 1_000));
        }
        log.set_high_watermark(45);
        assert_eq!(log.size_bytes(), 5_000, "UnifiedLog.size: the bytes of its segments");
        assert_eq!(log.lag_from(12), 33, "committed above the log start: HW - committed");
        assert_eq!(log.lag_from(45), 0);
        log.enforce_retention(10_000, None, Some(2_000));
        assert_eq!(log.log_start_offset(), 30);
        assert_eq!(log.size_bytes(), 2_000, "retention.bytes 2000 keeps the last 2 segments");
        assert_eq!(log.lag_from(12), 15, "HW - log start, not HW - committed (33)");
        assert_eq!(log.lag_from(30), 15);
        assert_eq!(log.lag_from(31), 14);
        assert_eq!(log.lag_from(50), 0, "never negative");
    }

    #[test]
    fn retention_by_bytes_keeps_active_segment() {
        let mut log = PartitionLog::new(1_000); // 10 records of 100 bytes per segment
        for i in 0..5 {
            log.append(batch(10, i * 1000));
        }
        log.set_high_watermark(50);
        assert_eq!(log.segment_count(), 5);
        let d = log.enforce_retention(10_000, None, Some(2_000));
        assert_eq!(d, Deleted { records: 30, segments: 3 });
        assert_eq!(log.log_start_offset(), 30);
        log.check().unwrap();
    }

    #[test]
    fn retention_by_time_uses_newest_append_of_segment() {
        let mut log = PartitionLog::new(1_000);
        log.append(batch(10, 0));
        log.append(batch(10, 5_000_000));
        log.set_high_watermark(20);
        let d = log.enforce_retention(4_000_000, Some(3_000), None);
        assert_eq!(d.records, 10);
        let d = log.enforce_retention(8_000_000, Some(3_000), None);
        assert_eq!(d.records, 0, "the active segment's newest record is 3 s old, not more");
        log.check().unwrap();
    }

    #[test]
    fn an_expired_active_segment_is_deleted_as_kafka_rolls_and_deletes_it() {
        // Kafka's UnifiedLog.deleteRetentionMsBreachedSegments deletes every segment whose
        // largest timestamp is older than retention.ms, the active one included (deleteSegments
        // rolls a new empty active segment first), if the high watermark is past it.
        let mut log = PartitionLog::new(1 << 20); // one segment holds everything
        log.append(batch(10, 1_000_000));
        log.append(batch(10, 3_000_000));
        assert_eq!(log.segment_count(), 1);
        let d = log.enforce_retention(9_000_000, Some(5_000), None);
        assert_eq!(d.records, 0, "not yet committed: the high watermark is below it");
        log.set_high_watermark(20);
        let d = log.enforce_retention(8_000_000, Some(5_000), None);
        assert_eq!(d.records, 0, "newest record 5 s old: not more than retention.ms");
        let d = log.enforce_retention(8_001_000, Some(5_000), None);
        assert_eq!(d, Deleted { records: 20, segments: 1 });
        assert_eq!((log.log_start_offset(), log.log_end_offset()), (20, 20));
        assert_eq!(log.segment_count(), 0);
        log.check().unwrap();
        // The log carries on from its end: the next append opens a new segment there.
        assert_eq!(log.append(batch(5, 9_000_000)), 20);
        assert_eq!((log.log_start_offset(), log.segment_count()), (20, 1));
        log.check().unwrap();
        let d = log.enforce_retention(20_000_000, Some(5_000), None);
        assert_eq!(d.records, 0, "above the high watermark: kept");
    }

    #[test]
    fn truncation_counts_acknowledged_records() {
        let mut log = PartitionLog::new(1_000);
        log.append(batch(4, 0));
        log.append(Batch { acked_on_append: true, ..batch(3, 1) });
        log.append(batch(2, 2));
        log.set_high_watermark(5);
        // Offsets 4..9 go: 4 was committed; 5..7 were acknowledged on append; 7..9 neither.
        let t = log.truncate_to(4);
        assert_eq!(t, Truncated { records: 5, acked_on_append: 2, committed: 1 });
        assert_eq!(log.log_end_offset(), 4);
        assert_eq!(log.high_watermark(), 4);
        // The bytes go with the records (UnifiedLog.truncateTo: the log's size and its end's
        // byte position are those of batch 0 alone, 4 records of 100 bytes).
        assert_eq!((log.size_bytes(), log.end_bytes()), (400, 400));
        assert_eq!(log.bytes_between(0, 4), 400);
        log.check().unwrap();
        assert_eq!(log.append(batch(1, 3)), 4, "offsets continue from the new end");
        // The segment holds 500 bytes now: a segment rolls once it holds segment.bytes (1000),
        // so 400 more bytes join it and the next batch opens a new one.
        log.append(batch(4, 4));
        assert_eq!(log.segment_count(), 1, "900 bytes < 1000");
        log.append(batch(1, 5));
        assert_eq!(log.segment_count(), 1, "1000 bytes: full, rolls at the next append");
        log.append(batch(1, 6));
        assert_eq!(log.segment_count(), 2);
    }

    /// Appends `LOG_BATCHES_MAX` + 1000 one-record batches to a log rolling every
    /// `segment_bytes`; the bound holds after every append and retention reports what went.
    fn fill_past_the_memory_bound(segment_bytes: u64, batches_per_segment: u64) {
        let mut log = PartitionLog::new(segment_bytes);
        let n = LOG_BATCHES_MAX as u64 + 1_000;
        for i in 0..n {
            log.append(batch(1, i));
            assert!(log.batch_count() <= LOG_BATCHES_MAX, "{} batches", log.batch_count());
        }
        log.check().unwrap();
        assert_eq!(log.log_end_offset(), n);
        assert_eq!(log.log_start_offset() + log.batch_count() as u64, n);
        let d = log.enforce_retention(n, None, None);
        assert!(d.records > 0);
        assert_eq!(d.records, log.log_start_offset(), "retention reports the early deletions");
        assert_eq!(d.segments as u64, d.records / batches_per_segment, "whole segments: {d:?}");
        assert_eq!(log.enforce_retention(n, None, None), Deleted::default(), "reported once");
    }

    #[test]
    fn memory_bound_holds_when_the_active_segment_holds_everything() {
        // One segment: only rolling it lets it go.
        fill_past_the_memory_bound(u64::MAX, LOG_BATCHES_MAX as u64);
    }

    #[test]
    fn memory_bound_holds_between_retention_passes() {
        fill_past_the_memory_bound(1_000, 10);
    }

    #[test]
    fn interpolates_create_time() {
        let b = Batch { count: 5, first_create_us: 100, last_create_us: 500, ..batch(5, 0) };
        assert_eq!(b.create_us_at(0), 100);
        assert_eq!(b.create_us_at(2), 300);
        assert_eq!(b.create_us_at(4), 500);
        // Offsets outside the batch take its first or last record's time.
        assert_eq!(b.create_us_at(7), 500);
        assert_eq!(Batch { base_offset: 10, ..b }.create_us_at(3), 100);
    }
}
