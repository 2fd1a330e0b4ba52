//! Share groups (KIP-932, "queues for Kafka"): many members read the same partitions and each
//! record goes to one member. A fetched record is ACQUIRED under a time lock; the member
//! accepts it, releases it (a redelivery) or rejects it; an expired lock releases it. At the
//! delivery limit a record is archived instead of made available again (a dead letter).

use std::collections::{BTreeMap, VecDeque};

use serde::{Deserialize, Serialize};

use crate::rng::Rng;
use crate::vocab::{default_max_poll_records, ProcessingDist, Tp};

/// Most in-flight records tracked per share-partition (Kafka's
/// `group.share.partition.max.record.locks` default); fetching stops at this window.
pub const SHARE_WINDOW_RECORDS_MAX: usize = 2_000;

/// A share group's configuration. Defaults are Kafka's where Kafka has one.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShareGroupSpec {
    /// Group id, unique among share groups.
    pub name: String,
    /// Topics it reads.
    pub topics: Vec<String>,
    /// Members at the start.
    pub members: u32,
    /// Mean processing time per record, us.
    pub processing_us: u32,
    /// Variation of processing time. Default fixed.
    #[serde(default)]
    pub processing: ProcessingDist,
    /// Records one fetch acquires at most. Default 500.
    #[serde(default = "default_max_poll_records")]
    pub max_poll_records: u32,
    /// `group.share.record.lock.duration.ms`. Default 30000.
    #[serde(default = "default_lock_ms")]
    pub lock_ms: u32,
    /// `group.share.delivery.count.limit`. Default 5.
    #[serde(default = "default_delivery_limit")]
    pub delivery_limit: u32,
    /// Chance that processing a record fails and the member releases it (0..=1). Default 0.
    #[serde(default)]
    pub failure_rate: f64,
    /// Chance that a member rejects a record as unprocessable (0..=1): archived at once, never
    /// redelivered. Default 0.
    #[serde(default)]
    pub reject_rate: f64,
}

fn default_lock_ms() -> u32 {
    30_000
}
fn default_delivery_limit() -> u32 {
    5
}

impl ShareGroupSpec {
    /// A share group of `members` on `topic`.
    pub fn new(name: &str, topic: &str, members: u32, processing_us: u32) -> Self {
        ShareGroupSpec {
            name: name.into(),
            topics: vec![topic.into()],
            members,
            processing_us,
            processing: ProcessingDist::Fixed,
            max_poll_records: default_max_poll_records(),
            lock_ms: default_lock_ms(),
            delivery_limit: default_delivery_limit(),
            failure_rate: 0.0,
            reject_rate: 0.0,
        }
    }
}

/// State of one in-flight record.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum RecordState {
    Available,
    Acquired { member: u32, lock_until_us: u64 },
    Done,
}

#[derive(Clone, Copy, Debug)]
struct InFlight {
    state: RecordState,
    deliveries: u8,
    create_us: u64,
}

/// A member's answer for a record it processed (KIP-932's `AcknowledgeType`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Ack {
    /// Processed: the record is done.
    Accept,
    /// Failed: the record is available again (a redelivery, up to the delivery limit).
    Release,
    /// Unprocessable: the record is archived, never redelivered.
    Reject,
}

impl InFlight {
    /// Whether `member` holds this record's acquisition lock. KIP-932: only that member may
    /// acknowledge the record; anyone else's acknowledgement is refused
    /// (`InvalidRecordStateException` in Kafka's `SharePartition`).
    fn held_by(&self, member: u32) -> bool {
        matches!(self.state, RecordState::Acquired { member: m, .. } if m == member)
    }

    /// Moves the record to the state `ack` leads to and counts it. Callers check
    /// [`InFlight::held_by`] first; an accept of a record already done (accepted or archived)
    /// would mean that check was skipped, and is counted in `double_accepts`.
    fn acknowledge(&mut self, ack: Ack, stats: &mut ShareStats) {
        match ack {
            Ack::Accept => {
                stats.double_accepts += u64::from(self.state == RecordState::Done);
                self.state = RecordState::Done;
                stats.accepted_records += 1;
            }
            Ack::Release => {
                self.state = RecordState::Available;
                stats.released_records += 1;
            }
            Ack::Reject => {
                self.state = RecordState::Done;
                stats.rejected_records += 1;
                stats.archived_records += 1;
            }
        }
    }
}

/// One share-partition: records from `start` on that are not yet all done.
#[derive(Clone, Debug, Default)]
struct SharePartition {
    /// Share-partition start offset: everything below is accepted or archived.
    start: u64,
    /// In-flight records from `start`; at most `SHARE_WINDOW_RECORDS_MAX`.
    window: VecDeque<InFlight>,
}

impl SharePartition {
    /// The in-flight record at `offset`, if the window holds it (not if retention or the start
    /// offset moved past it).
    fn record(&self, offset: u64) -> Option<&InFlight> {
        self.window.get(usize::try_from(offset.checked_sub(self.start)?).ok()?)
    }

    fn record_mut(&mut self, offset: u64) -> Option<&mut InFlight> {
        self.window.get_mut(usize::try_from(offset.checked_sub(self.start)?).ok()?)
    }
}

/// An acquired record a member holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Acquired {
    /// Partition.
    pub tp: Tp,
    /// Offset.
    pub offset: u64,
    /// Creation time, virtual us.
    pub create_us: u64,
    /// Delivery number (1 for the first).
    pub delivery: u8,
}

/// A share group member.
#[derive(Clone, Debug, Default)]
pub struct ShareMember {
    /// Records acquired, in processing order; at most `max_poll_records`.
    pub held: VecDeque<Acquired>,
    /// Crashed (its locks expire; nothing is acknowledged).
    pub crashed: bool,
    /// Records accepted by this member.
    pub accepted_records: u64,
    /// Arrival time of the fetch in flight, if any.
    pub fetch_due_us: Option<u64>,
    work_us: f64,
}

/// Share group counters.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ShareStats {
    /// Records accepted (processed successfully).
    pub accepted_records: u64,
    /// Deliveries after the first (released or lock expired, then acquired again).
    pub redelivered_records: u64,
    /// Records archived at the delivery limit (dead letters).
    pub archived_records: u64,
    /// Records released by members after a failed processing.
    pub released_records: u64,
    /// Records rejected by members (archived without redelivery).
    pub rejected_records: u64,
    /// Locks that expired.
    pub expired_locks: u64,
    /// Accepts of a record already accepted or archived (must stay 0: each record is accepted
    /// once, by one member). KIP-932: a record is acknowledged only by the member holding its
    /// acquisition lock, and once ACKNOWLEDGED (or ARCHIVED) a second acknowledgement is
    /// refused (`InvalidRecordStateException` in Kafka's `SharePartition`).
    pub double_accepts: u64,
}

/// A share group's run-time state.
#[derive(Clone, Debug)]
pub struct ShareGroup {
    /// Configuration.
    pub spec: ShareGroupSpec,
    /// Topic indices.
    pub topics: Vec<u16>,
    /// Members.
    pub members: Vec<ShareMember>,
    /// Counters.
    pub stats: ShareStats,
    partitions: BTreeMap<Tp, SharePartition>,
    cursor: usize,
}

impl ShareGroup {
    /// A share group reading `topics` from offset 0.
    pub fn new(spec: ShareGroupSpec, topics: Vec<u16>) -> Self {
        let members = (0..spec.members).map(|_| ShareMember::default()).collect();
        ShareGroup {
            spec,
            topics,
            members,
            stats: ShareStats::default(),
            partitions: BTreeMap::new(),
            cursor: 0,
        }
    }

    /// Records not yet accepted or archived in `tp` below `high_watermark` (the group's lag).
    pub fn lag(&self, tp: Tp, high_watermark: u64) -> u64 {
        let sp = self.partitions.get(&tp);
        let start = sp.map_or(0, |s| s.start);
        let done = sp
            .map_or(0, |s| s.window.iter().filter(|r| r.state == RecordState::Done).count() as u64);
        high_watermark.saturating_sub(start).saturating_sub(done)
    }

    /// Share-partition start offset of `tp`.
    pub fn start_offset(&self, tp: Tp) -> u64 {
        self.partitions.get(&tp).map_or(0, |s| s.start)
    }

    /// Expired locks make their records available again.
    pub fn expire_locks(&mut self, now_us: u64) {
        for sp in self.partitions.values_mut() {
            for r in sp.window.iter_mut() {
                if let RecordState::Acquired { lock_until_us, .. } = r.state {
                    if lock_until_us <= now_us {
                        r.state = RecordState::Available;
                        self.stats.expired_locks += 1;
                    }
                }
            }
        }
        for m in &mut self.members {
            m.held.retain(|a| {
                let r = self.partitions[&a.tp].record(a.offset);
                r.is_some_and(|r| matches!(r.state, RecordState::Acquired { .. }))
            });
        }
    }

    /// Member `mi` acquires up to `max_poll_records` records from the partitions in `logs`
    /// (partition, log start, high watermark, creation time of an offset): available records
    /// first, then new ones up to the window bound. Returns records acquired per partition.
    pub fn acquire(
        &mut self,
        mi: usize,
        now_us: u64,
        parts: &[(Tp, u64, u64)],
        create_us: &dyn Fn(Tp, u64) -> u64,
    ) -> Vec<(Tp, u64)> {
        let lock_until_us = now_us + self.spec.lock_ms as u64 * 1000;
        let mut room = self.spec.max_poll_records as usize;
        let mut got = Vec::new();
        let n = parts.len();
        self.cursor = (self.cursor + 1) % n.max(1);
        for k in 0..n {
            if room == 0 {
                break;
            }
            let (tp, log_start, hw) = parts[(self.cursor + k) % n];
            let limit = self.spec.delivery_limit.clamp(1, 255) as u8;
            let sp = self.partitions.entry(tp).or_default();
            if sp.start < log_start {
                // Retention deleted records the group never finished: they are gone.
                let skip = ((log_start - sp.start) as usize).min(sp.window.len());
                sp.window.drain(..skip);
                sp.start = log_start;
            }
            let mut taken = 0u64;
            // Existing window first (redeliveries), then extend it with new records.
            for (i, r) in sp.window.iter_mut().enumerate() {
                if room == 0 {
                    break;
                }
                if r.state == RecordState::Available {
                    if r.deliveries >= limit {
                        r.state = RecordState::Done;
                        self.stats.archived_records += 1;
                        continue;
                    }
                    r.deliveries += 1;
                    self.stats.redelivered_records += u64::from(r.deliveries > 1);
                    r.state = RecordState::Acquired { member: mi as u32, lock_until_us };
                    let offset = sp.start + i as u64;
                    self.members[mi].held.push_back(Acquired {
                        tp,
                        offset,
                        create_us: r.create_us,
                        delivery: r.deliveries,
                    });
                    room -= 1;
                    taken += 1;
                }
            }
            while room > 0 && sp.window.len() < SHARE_WINDOW_RECORDS_MAX {
                let offset = sp.start + sp.window.len() as u64;
                if offset >= hw {
                    break;
                }
                let c = create_us(tp, offset);
                sp.window.push_back(InFlight {
                    state: RecordState::Acquired { member: mi as u32, lock_until_us },
                    deliveries: 1,
                    create_us: c,
                });
                self.members[mi].held.push_back(Acquired { tp, offset, create_us: c, delivery: 1 });
                room -= 1;
                taken += 1;
            }
            if taken > 0 {
                got.push((tp, taken));
            }
        }
        got
    }

    /// Member `mi` processes for `dt_us`: each record is accepted, or with `failure_rate`
    /// released for redelivery. Calls `accepted(create_us)` per accepted record.
    pub fn process(
        &mut self,
        mi: usize,
        dt_us: u64,
        rng: &mut Rng,
        mut accepted: impl FnMut(u64),
    ) -> u64 {
        let m = &mut self.members[mi];
        if m.crashed || m.held.is_empty() {
            m.work_us = 0.0;
            return 0;
        }
        m.work_us += dt_us as f64;
        let mut done = 0;
        // Bounded by the records held, at most `max_poll_records`.
        while let Some(&a) = m.held.front() {
            let cost = self.spec.processing.draw_us(self.spec.processing_us, rng).max(0.001);
            if m.work_us < cost {
                break;
            }
            m.work_us -= cost;
            m.held.pop_front();
            // One draw decides: reject, release (a failure), or accept.
            let roll = if self.spec.failure_rate + self.spec.reject_rate > 0.0 {
                rng.next_f64()
            } else {
                1.0
            };
            let ack = if roll < self.spec.reject_rate {
                Ack::Reject
            } else if roll < self.spec.reject_rate + self.spec.failure_rate {
                Ack::Release
            } else {
                Ack::Accept
            };
            let sp = self.partitions.get_mut(&a.tp).expect("held records come from a partition");
            let Some(r) = sp.record_mut(a.offset) else { continue };
            if !r.held_by(mi as u32) {
                continue; // the lock expired meanwhile: another member may have it now
            }
            r.acknowledge(ack, &mut self.stats);
            if ack == Ack::Accept {
                m.accepted_records += 1;
                accepted(a.create_us);
                done += 1;
            }
        }
        if m.held.is_empty() {
            m.work_us = 0.0;
        }
        // Advance each start offset past finished records.
        for sp in self.partitions.values_mut() {
            while sp.window.front().is_some_and(|r| r.state == RecordState::Done) {
                sp.window.pop_front();
                sp.start += 1;
            }
        }
        done
    }

    /// Checks the share group's invariants.
    pub fn check(&self) -> Result<(), String> {
        for (tp, sp) in &self.partitions {
            if sp.window.len() > SHARE_WINDOW_RECORDS_MAX {
                return Err(format!(
                    "{}: {tp:?} window {} > bound",
                    self.spec.name,
                    sp.window.len()
                ));
            }
        }
        let mut held = std::collections::BTreeSet::new();
        for (mi, m) in self.members.iter().enumerate() {
            if m.held.len() > self.spec.max_poll_records as usize {
                return Err(format!(
                    "{} member {mi} holds {} > max_poll_records",
                    self.spec.name,
                    m.held.len()
                ));
            }
            for a in &m.held {
                if !held.insert((a.tp, a.offset)) {
                    return Err(format!(
                        "{}: {:?}@{} held by two members",
                        self.spec.name, a.tp, a.offset
                    ));
                }
            }
        }
        if self.stats.double_accepts > 0 {
            return Err(format!("{}: a record was accepted twice", self.spec.name));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TP: Tp = Tp { topic: 0, partition: 0 };

    /// Member 0 holds offset 0; member 1 held offset 1 and accepted it. The window keeps both
    /// (its start cannot pass offset 0), so offset 1 stays in view as done.
    fn one_accepted_behind_one_held() -> ShareGroup {
        let mut spec = ShareGroupSpec::new("s", "t", 2, 1_000);
        spec.max_poll_records = 1;
        let mut g = ShareGroup::new(spec, vec![0]);
        let parts = [(TP, 0, 2)];
        assert_eq!(g.acquire(0, 0, &parts, &|_, _| 0), vec![(TP, 1)]);
        assert_eq!(g.acquire(1, 0, &parts, &|_, _| 0), vec![(TP, 1)]);
        assert_eq!(g.process(1, 10_000, &mut Rng::new(1), |_| {}), 1);
        assert_eq!(g.start_offset(TP), 0);
        g
    }

    #[test]
    fn an_accept_without_the_lock_is_refused() {
        let mut g = one_accepted_behind_one_held();
        // Member 0 comes back with a stale hold of offset 1 (accepted by member 1 meanwhile).
        let stale = Acquired { tp: TP, offset: 1, create_us: 0, delivery: 1 };
        g.members[0].held.push_front(stale);
        assert_eq!(g.process(0, 1_000, &mut Rng::new(1), |_| {}), 0, "offset 1 refused");
        assert_eq!(g.process(0, 1_000, &mut Rng::new(1), |_| {}), 1, "offset 0 accepted");
        assert_eq!(g.stats.accepted_records, 2);
        assert_eq!(g.stats.double_accepts, 0);
        g.check().unwrap();
    }

    #[test]
    fn a_second_accept_of_a_done_record_breaks_the_invariant() {
        let mut g = one_accepted_behind_one_held();
        g.check().unwrap();
        // A broken state machine: accept offset 1 again without holding its lock.
        let r = g.partitions.get_mut(&TP).and_then(|sp| sp.record_mut(1)).unwrap();
        assert!(!r.held_by(0) && !r.held_by(1));
        r.acknowledge(Ack::Accept, &mut g.stats);
        assert_eq!(g.stats.double_accepts, 1);
        let err = g.check().unwrap_err();
        assert!(err.contains("accepted twice"), "{err}");
    }
}
