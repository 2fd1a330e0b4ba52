//! The poll loop: fetch positions, delivery of fetched records, processing in offset order,
//! and committed offsets (auto, before or after processing).

use super::Group;
use crate::rng::Rng;
use crate::vocab::{Chunk, CommitMode, Tp};

impl Group {
    /// Where the next fetch of `tp` starts: the fetch position; without one, the committed
    /// offset; without one either, or when it lies below the log start (retention deleted it),
    /// `auto.offset.reset` (Kafka's consumer resets a missing offset by the policy, and a fetch
    /// answered OFFSET_OUT_OF_RANGE the same way: `FetchCollector.handleInitializeErrors`).
    /// `latest` is the high watermark (`ListOffsets` for the latest timestamp, read uncommitted).
    /// Records committed but never processed, deleted unread, or skipped by the reset are
    /// counted.
    pub fn start_position(&mut self, tp: Tp, log_start: u64, high_watermark: u64) -> u64 {
        let position = self.position.get(&tp).copied();
        if let Some(p) = position.filter(|&p| p >= log_start) {
            return p;
        }
        let committed = self.committed.get(&tp).copied();
        let processed = self.processed_end.get(&tp).copied();
        if let Some(c) = committed.filter(|&c| c > processed.unwrap_or(0)) {
            // Committed ahead of processing and the records were never processed.
            self.stats.lost_records += c - processed.unwrap_or(0);
            self.processed_end.insert(tp, c);
        }
        // An out-of-range position is reset, not replaced by the commit (Kafka resets it).
        let resume = position.or(committed);
        if let Some(r) = resume.filter(|&r| r >= log_start) {
            self.position.insert(tp, r);
            return r;
        }
        // Where this group's reading had got to, if it had started on `tp` at all.
        let reached = match (resume, self.processed_end.get(&tp).copied()) {
            (None, None) => None,
            (r, p) => Some(r.unwrap_or(0).max(p.unwrap_or(0))),
        };
        if let Some(r) = reached.filter(|&r| r < log_start) {
            self.stats.lost_to_retention_records += log_start - r;
        }
        let start = self.spec.auto_offset_reset.offset(log_start, high_watermark);
        let read_up_to = reached.unwrap_or(0).max(log_start);
        self.stats.reset_skipped_records += start.saturating_sub(read_up_to);
        self.processed_end.insert(tp, start.max(reached.unwrap_or(0)));
        self.position.insert(tp, start);
        start
    }

    /// Whether this group has a fetch position or a committed offset on any partition: before
    /// either, `auto.offset.reset` decides where it will start reading.
    pub fn started(&self) -> bool {
        !self.position.is_empty() || !self.committed.is_empty()
    }

    /// The offset this group's lag on `tp` counts from, in a partition whose log starts at
    /// `log_start` with high watermark `high_watermark`: the committed offset, as Kafka's tools
    /// count lag; before the first commit, the fetch position (an auto-commit commits it next);
    /// before the first fetch, where `auto.offset.reset` will start.
    pub fn resume_offset(&self, tp: Tp, log_start: u64, high_watermark: u64) -> u64 {
        let reset = || self.spec.auto_offset_reset.offset(log_start, high_watermark);
        self.committed.get(&tp).or(self.position.get(&tp)).copied().unwrap_or_else(reset)
    }

    /// How far the group has read `tp`: its fetch position, never below
    /// [`Group::resume_offset`] (a partition not being fetched has no position; an auto-commit
    /// after a rewind may commit past it). Records from here to the high watermark are not yet
    /// read; from `resume_offset` to here, read but not committed.
    pub fn read_offset(&self, tp: Tp, log_start: u64, high_watermark: u64) -> u64 {
        let resume = self.resume_offset(tp, log_start, high_watermark);
        self.position.get(&tp).map_or(resume, |&p| p.max(resume))
    }

    /// The log of `tp` was truncated to `log_end` by a leader change: positions, commits and
    /// processing marks above it refer to records that no longer exist.
    pub fn log_truncated(&mut self, tp: Tp, log_end: u64) {
        for map in [&mut self.position, &mut self.committed, &mut self.processed_end] {
            if let Some(v) = map.get_mut(&tp) {
                *v = (*v).min(log_end);
            }
        }
        for m in &mut self.members {
            if let Some(v) = m.next_offset.get_mut(&tp) {
                *v = (*v).min(log_end);
            }
            m.inbox.retain(|c| c.tp != tp || c.to <= log_end);
            m.arriving.retain(|c| c.tp != tp || c.to <= log_end);
        }
    }

    /// Whether the group's position on `tp` is set, in the log (from `log_start` on) and at
    /// `high_watermark` or past it: a fetch there reads nothing, and [`Group::start_position`]
    /// would give that position back unchanged.
    pub fn read_up_to(&self, tp: Tp, log_start: u64, high_watermark: u64) -> bool {
        self.position.get(&tp).is_some_and(|&p| p >= log_start && p >= high_watermark)
    }

    /// Advances the fetch position of `tp` after a fetch answer took records up to `to`.
    pub fn set_position(&mut self, tp: Tp, to: u64) {
        self.position.insert(tp, to);
    }

    /// Commits `offset` for `tp` (never backwards).
    pub fn commit(&mut self, tp: Tp, offset: u64) {
        let c = self.committed.or_insert(tp, 0);
        *c = (*c).max(offset);
    }

    /// Hands member `i` the records a fetch answer carried.
    pub fn deliver(&mut self, i: usize, now_us: u64, rng: &mut Rng) {
        let cost = self.spec.processing.draw_us(self.spec.processing_us, rng);
        let before = self.spec.commit == CommitMode::BeforeProcess;
        let (m, committed) = (&mut self.members[i], &mut self.committed);
        if !m.arriving.is_empty() {
            m.polled_us = now_us;
        }
        // Drained in place: the member's buffers are kept from one fetch to the next.
        for mut c in m.arriving.drain(..) {
            c.cost_us = cost;
            if before {
                let v = committed.or_insert(c.tp, 0); // `commit`, field by field
                *v = (*v).max(c.to);
            }
            m.inbox.push_back(c);
        }
    }

    /// Member `i` processes for `dt_us` of its time; calls `done(chunk, from, to)` for every
    /// processed slice. Returns records processed.
    pub fn process(&mut self, i: usize, dt_us: u64, mut done: impl FnMut(&Chunk, u64, u64)) -> u64 {
        let after = self.spec.commit == CommitMode::AfterProcess;
        let m = &mut self.members[i];
        if m.crashed_us.is_some() || m.inbox.is_empty() {
            m.work_us = 0.0;
            return 0;
        }
        m.work_us += dt_us as f64 * m.speed;
        let mut total = 0;
        // Bounded by the inbox, itself bounded by max.poll.records.
        while let Some(c) = m.inbox.front_mut() {
            let cost = c.cost_us.max(0.001);
            // `floor(x) as u64` without the call: the cast truncates, which is the floor for
            // x >= 0 and saturates to 0 below, as the floor's cast does (NaN: 0 both).
            let can = (m.work_us / cost) as u64;
            let n = can.min(c.to - c.from);
            if n == 0 {
                break;
            }
            m.work_us -= n as f64 * cost;
            let (from, to) = (c.from, c.from + n);
            let expect = m.next_offset.entry(c.tp).or_insert(from);
            if from < *expect {
                self.stats.order_violations += 1;
            }
            *expect = to;
            done(c, from, to);
            c.from = to;
            total += n;
            let tp = c.tp;
            let finished = c.from == c.to;
            let end = self.processed_end.or_insert(tp, 0);
            if from < *end {
                self.stats.duplicate_records += (*end).min(to) - from;
            }
            *end = (*end).max(to);
            if finished {
                m.inbox.pop_front();
                if after {
                    let c = self.committed.or_insert(tp, 0);
                    *c = (*c).max(to);
                }
            }
        }
        if m.inbox.is_empty() {
            m.work_us = 0.0;
        }
        m.processed_records += total;
        self.stats.processed_records += total;
        total
    }

    /// Auto-commit: every interval, each live member commits what it has processed of its
    /// partitions. Kafka's auto-commit sends the consumer's own positions
    /// (`SubscriptionState.allConsumed`: only partitions with a position, which a newly
    /// assigned one gets from the committed offset), never what an earlier owner had reached:
    /// a member that took over a partition and has not processed from it yet commits nothing
    /// there, so the records its crashed owner processed after the last commit are read again.
    pub fn auto_commit(&mut self, now_us: u64) {
        if self.spec.commit != CommitMode::Auto || now_us < self.next_auto_commit_us {
            return;
        }
        self.next_auto_commit_us = now_us + self.spec.auto_commit_interval_ms as u64 * 1000;
        let mut done = Vec::new();
        for m in self.members.iter().filter(|m| m.crashed_us.is_none()) {
            done.extend(m.assigned.iter().filter_map(|&tp| Some((tp, *m.next_offset.get(&tp)?))));
        }
        for (tp, end) in done {
            self.commit(tp, end);
        }
    }

    /// Picks the partitions member `i` fetches from next, rotating so none starves: returns
    /// how many it owns and where to start among them (the `k`-th to ask is
    /// `assigned[(start + k) % count]`).
    pub fn fetch_order(&mut self, i: usize) -> (usize, usize) {
        let m = &mut self.members[i];
        let n = m.assigned.len();
        if n == 0 {
            return (0, 0);
        }
        m.cursor = (m.cursor + 1) % n;
        (n, m.cursor)
    }
}
