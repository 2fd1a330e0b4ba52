//! Share groups (KIP-932, "queues for Kafka"): many members read the same partitions and each
//! record goes to one member at a time. A fetched record is ACQUIRED under a time lock; the
//! member accepts it, releases it (a redelivery) or rejects it. A lock that expires makes the
//! record available again while its member may still be working on it: the member finishes,
//! its acknowledgement is refused, and whoever acquired the record next processes it too. At
//! the delivery limit a record is archived instead of made available again (a dead letter).
//! The state machine follows Kafka's `SharePartition` and `InFlightState`.

use std::collections::VecDeque;

use crate::vecmap::VecMap;

use serde::{Deserialize, Serialize};

use crate::rng::Rng;
use crate::scenario::limits;
use crate::vocab::{default_max_poll_records, OffsetReset, ProcessingDist, Tp};

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
    /// Mean processing time per record, us (at speed factor 1).
    pub processing_us: u32,
    /// Variation of processing time. Default fixed.
    #[serde(default)]
    pub processing: ProcessingDist,
    /// Speed factor per member (1.0 nominal; 0.1 = ten times slower). Missing entries are 1.0.
    #[serde(default)]
    pub speed_factors: Vec<f64>,
    /// Records one fetch acquires at most. Default 500.
    #[serde(default = "default_max_poll_records")]
    pub max_poll_records: u32,
    /// `share.record.lock.duration.ms` (broker default `group.share.record.lock.duration.ms`).
    /// Default 30000.
    #[serde(default = "default_lock_ms")]
    pub lock_ms: u32,
    /// `share.delivery.count.limit` (broker default `group.share.delivery.count.limit`).
    /// Default 5.
    #[serde(default = "default_delivery_limit")]
    pub delivery_limit: u32,
    /// Chance that processing a record fails and the member releases it (0..=1). Default 0.
    #[serde(default)]
    pub failure_rate: f64,
    /// Chance that a member rejects a record as unprocessable (0..=1): archived at once, never
    /// redelivered. Default 0.
    #[serde(default)]
    pub reject_rate: f64,
    /// `share.auto.offset.reset`: where a share-partition starts when the group first reads it:
    /// `"earliest"` (the log start) or `"latest"` (the high watermark). Default `"latest"`,
    /// Kafka's (`SharePartition.startOffsetDuringInitialization`).
    #[serde(default)]
    pub share_auto_offset_reset: OffsetReset,
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
            speed_factors: Vec::new(),
            max_poll_records: default_max_poll_records(),
            lock_ms: default_lock_ms(),
            delivery_limit: default_delivery_limit(),
            failure_rate: 0.0,
            reject_rate: 0.0,
            share_auto_offset_reset: OffsetReset::Latest,
        }
    }
}

/// State of one in-flight record (Kafka's `RecordState`; `Done` is ACKNOWLEDGED or ARCHIVED).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum RecordState {
    Available,
    Acquired { member: u32, lock_until_us: u64 },
    Done,
}

#[derive(Clone, Copy, Debug)]
struct InFlight {
    state: RecordState,
    /// Acquisitions so far (Kafka's delivery count).
    deliveries: u8,
    create_us: u64,
    /// Some member finished processing it (whether or not its acknowledgement was accepted).
    processed: bool,
    /// Members holding it in `ShareMember::held`: its lock holder, and members whose lock on it
    /// expired while they worked. At most the group's members.
    holders: u16,
}

/// A record that left the window (accepted, archived or deleted by retention) while members
/// still held it: kept until the last of them finishes, so a second processing is counted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Departed {
    processed: bool,
    holders: u16,
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
    /// Whether `member` holds this record's acquisition lock from its delivery `delivery`.
    /// KIP-932: only that member may acknowledge the record; Kafka's `SharePartition` answers
    /// anyone else `InvalidRecordStateException` (INVALID_RECORD_STATE): "Member is not the
    /// owner of offset", or "The offset is not acquired" once the lock expired.
    fn held_by(&self, member: u32, delivery: u8) -> bool {
        let locked = matches!(self.state, RecordState::Acquired { member: m, .. } if m == member);
        locked && self.deliveries == delivery
    }

    /// Moves the record to the state `ack` leads to and counts it, as Kafka's
    /// `InFlightState.tryUpdateState` does: a release at the delivery limit archives. Callers
    /// check [`InFlight::held_by`] first; an acknowledgement applied without the lock would
    /// mean that check was skipped, and is counted in `acks_without_lock`.
    fn acknowledge(&mut self, member: u32, delivery: u8, ack: Ack, limit: u8, st: &mut ShareStats) {
        st.acks_without_lock += u64::from(!self.held_by(member, delivery));
        match ack {
            Ack::Accept => {
                self.state = RecordState::Done;
                st.accepted_records += 1;
            }
            Ack::Release => {
                st.released_records += 1;
                self.make_available(limit, st);
            }
            Ack::Reject => {
                self.state = RecordState::Done;
                st.rejected_records += 1;
                st.archived_records += 1;
            }
        }
    }

    /// Available again, or archived once delivered `limit` times (`InFlightState.tryUpdateState`:
    /// AVAILABLE with `deliveryCount >= maxDeliveryCount` becomes ARCHIVED).
    fn make_available(&mut self, limit: u8, st: &mut ShareStats) {
        if self.deliveries >= limit {
            self.state = RecordState::Done;
            st.archived_records += 1;
        } else {
            self.state = RecordState::Available;
        }
    }
}

/// One share-partition: records from `start` on that are not yet all done.
#[derive(Clone, Debug, Default)]
struct SharePartition {
    /// Share-partition start offset: everything below is accepted, archived or deleted.
    start: u64,
    /// In-flight records from `start`; at most `SHARE_WINDOW_RECORDS_MAX`.
    window: VecDeque<InFlight>,
    /// Records below `start` that members still hold, by offset; at most the records the
    /// members hold (members times `max_poll_records`).
    departed: VecMap<u64, Departed>,
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

    /// Drops the front record, keeping it among the departed while members hold it.
    fn pop_front(&mut self) {
        if let Some(r) = self.window.pop_front() {
            if r.holders > 0 {
                let d = Departed { processed: r.processed, holders: r.holders };
                self.departed.insert(self.start, d);
            }
            self.start += 1;
        }
    }

    /// Moves the start offset past finished records (Kafka's
    /// `maybeUpdateCachedStateAndOffsets`).
    fn advance_start(&mut self) {
        while self.window.front().is_some_and(|r| r.state == RecordState::Done) {
            self.pop_front();
        }
    }

    /// Retention deleted everything below `log_start`: the start offset moves there (Kafka's
    /// share fetch on OFFSET_OUT_OF_RANGE moves it to the earliest offset whatever
    /// `share.auto.offset.reset` says: `ShareFetchUtils`, `updateCacheAndOffsets`).
    fn move_start_to(&mut self, log_start: u64) {
        while self.start < log_start && !self.window.is_empty() {
            self.pop_front();
        }
        self.start = self.start.max(log_start);
    }

    /// A member finished with (or dropped) its hold on `offset`: one holder fewer. Returns
    /// whether the record had been processed before, and records `processed_now`.
    fn release_hold(&mut self, offset: u64, processed_now: bool) -> bool {
        if let Some(r) = self.record_mut(offset) {
            let before = r.processed;
            r.holders = r.holders.saturating_sub(1);
            r.processed |= processed_now;
            return before;
        }
        let Some(d) = self.departed.get_mut(&offset) else { return false };
        let before = d.processed;
        d.holders = d.holders.saturating_sub(1);
        d.processed |= processed_now;
        if d.holders == 0 {
            self.departed.remove(&offset);
        }
        before
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
#[derive(Clone, Debug)]
pub struct ShareMember {
    /// Records acquired, in processing order; at most `max_poll_records`. A record stays here
    /// after its lock expires: the member goes on processing it.
    pub held: VecDeque<Acquired>,
    /// Crashed (what it held is gone; its locks expire).
    pub crashed: bool,
    /// Speed factor (1.0 nominal).
    pub speed: f64,
    /// Records this member processed (its work done, duplicates included).
    pub processed_records: u64,
    /// Records accepted by this member (acknowledgements the broker took).
    pub accepted_records: u64,
    /// Acknowledgements of this member the broker refused: its lock had expired.
    pub failed_ack_records: u64,
    /// Arrival time of the fetch in flight, if any.
    pub fetch_due_us: Option<u64>,
    work_us: f64,
}

impl Default for ShareMember {
    /// A running member at nominal speed, holding nothing.
    fn default() -> Self {
        ShareMember {
            held: VecDeque::new(),
            crashed: false,
            speed: 1.0,
            processed_records: 0,
            accepted_records: 0,
            failed_ack_records: 0,
            fetch_due_us: None,
            work_us: 0.0,
        }
    }
}

/// Share group counters.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ShareStats {
    /// Records members finished processing, duplicates included.
    pub processed_records: u64,
    /// Processings of a record after its first: a member whose lock expired finished a record
    /// another member also processed. (Not every redelivery: a released record was not
    /// processed the first time.)
    pub duplicate_records: u64,
    /// Records accepted (acknowledged as processed by the member holding the lock).
    pub accepted_records: u64,
    /// Acknowledgements refused because the member no longer held the record's lock (Kafka:
    /// INVALID_RECORD_STATE for that acknowledgement batch).
    pub failed_ack_records: u64,
    /// Deliveries after the first (released or lock expired, then acquired again).
    pub redelivered_records: u64,
    /// Records archived at the delivery limit or rejected (dead letters).
    pub archived_records: u64,
    /// Records released by members after a failed processing.
    pub released_records: u64,
    /// Records rejected by members (archived without redelivery).
    pub rejected_records: u64,
    /// Locks that expired.
    pub expired_locks: u64,
    /// Acknowledgements applied from a member that did not hold the record's lock (must stay
    /// 0): KIP-932 takes an acknowledgement only from the member holding the acquisition lock,
    /// so a record is accepted once, by one member.
    pub acks_without_lock: u64,
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
    /// End-to-end latency of the records its members processed.
    pub latency: crate::metrics::ReaderLatency,
    partitions: VecMap<Tp, SharePartition>,
    cursor: usize,
}

impl ShareGroup {
    /// A share group reading `topics`; each share-partition starts where
    /// `share_auto_offset_reset` says when first read.
    pub fn new(spec: ShareGroupSpec, topics: Vec<u16>) -> Self {
        let members = (0..spec.members as usize)
            .map(|i| ShareMember {
                speed: spec.speed_factors.get(i).copied().unwrap_or(1.0),
                ..ShareMember::default()
            })
            .collect();
        ShareGroup {
            spec,
            topics,
            members,
            stats: ShareStats::default(),
            latency: Default::default(),
            partitions: VecMap::new(),
            cursor: 0,
        }
    }

    fn delivery_limit(&self) -> u8 {
        self.spec.delivery_limit.clamp(limits::DELIVERY_LIMIT_MIN, limits::DELIVERY_LIMIT_MAX) as u8
    }

    /// Records not yet accepted or archived in `tp` below `high_watermark` (the group's lag);
    /// before the group first reads `tp`, counted from where `share_auto_offset_reset` will
    /// start it.
    pub fn lag(&self, tp: Tp, log_start: u64, high_watermark: u64) -> u64 {
        let Some(sp) = self.partitions.get(&tp) else {
            let start = self.spec.share_auto_offset_reset.offset(log_start, high_watermark);
            return high_watermark.saturating_sub(start);
        };
        let first = log_start.saturating_sub(sp.start) as usize;
        let done = sp.window.iter().skip(first).filter(|r| r.state == RecordState::Done).count();
        high_watermark.saturating_sub(sp.start.max(log_start)).saturating_sub(done as u64)
    }

    /// Records acquired under a lock and not yet acknowledged, in every partition: delivered
    /// to a member, not yet accepted (the share group's "read but not committed"; part of its
    /// lag, as they are neither accepted nor archived).
    pub fn acquired_records(&self) -> u64 {
        let locked = |r: &&InFlight| matches!(r.state, RecordState::Acquired { .. });
        self.partitions.values().map(|sp| sp.window.iter().filter(locked).count() as u64).sum()
    }

    /// [`ShareGroup::acquired_records`] still in the log: at or above each partition's log
    /// start offset (`log_start`), as [`ShareGroup::lag`] counts. Retention may delete records
    /// a member holds; the window lets go of them at the group's next fetch of that partition
    /// (`move_start_to`, Kafka's `updateCacheAndOffsets`), and until then they are in neither.
    pub fn acquired_records_from(&self, log_start: impl Fn(Tp) -> u64) -> u64 {
        let locked = |r: &&InFlight| matches!(r.state, RecordState::Acquired { .. });
        let still = |(tp, sp): (&Tp, &SharePartition)| {
            let first = log_start(*tp).saturating_sub(sp.start) as usize;
            sp.window.iter().skip(first).filter(locked).count() as u64
        };
        self.partitions.iter().map(still).sum()
    }

    /// Share-partition start offset of `tp` (0 before the group first reads it).
    pub fn start_offset(&self, tp: Tp) -> u64 {
        self.partitions.get(&tp).map_or(0, |s| s.start)
    }

    /// Expired locks make their records available again, or archive them at the delivery
    /// limit (Kafka's `SharePartition.releaseAcquisitionLockOnTimeout`). The members holding
    /// them keep them and go on processing.
    pub fn expire_locks(&mut self, now_us: u64) {
        let limit = self.delivery_limit();
        for sp in self.partitions.values_mut() {
            for r in sp.window.iter_mut() {
                if let RecordState::Acquired { lock_until_us, .. } = r.state {
                    if lock_until_us <= now_us {
                        self.stats.expired_locks += 1;
                        r.make_available(limit, &mut self.stats);
                    }
                }
            }
            sp.advance_start();
        }
    }

    /// Member `mi` crashes: what it held is gone with it (its locks stay until they expire).
    pub fn crash_member(&mut self, mi: usize) -> bool {
        let Some(m) = self.members.get_mut(mi).filter(|m| !m.crashed) else { return false };
        m.crashed = true;
        m.fetch_due_us = None;
        m.work_us = 0.0;
        for a in std::mem::take(&mut m.held) {
            if let Some(sp) = self.partitions.get_mut(&a.tp) {
                sp.release_hold(a.offset, false);
            }
        }
        true
    }

    /// Crashed member `mi` restarts with nothing held (a share group has no rebalance).
    pub fn restart_member(&mut self, mi: usize) -> bool {
        let Some(m) = self.members.get_mut(mi).filter(|m| m.crashed) else { return false };
        m.crashed = false;
        m.fetch_due_us = None;
        true
    }

    /// Member `mi` acquires up to `max_poll_records` records from the partitions in `parts`
    /// (partition, log start, high watermark; `create_us` gives an offset's creation time):
    /// available records first, then new ones up to the window bound. Returns records acquired
    /// per partition.
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
        let reset = self.spec.share_auto_offset_reset;
        self.cursor = (self.cursor + 1) % n.max(1);
        for k in 0..n {
            if room == 0 {
                break;
            }
            let (tp, log_start, hw) = parts[(self.cursor + k) % n];
            let sp = self.partitions.entry(tp).or_insert_with(|| SharePartition {
                start: reset.offset(log_start, hw),
                ..SharePartition::default()
            });
            sp.move_start_to(log_start);
            let acquired = RecordState::Acquired { member: mi as u32, lock_until_us };
            let mut taken = 0u64;
            // Existing window first (redeliveries), then extend it with new records.
            for (i, r) in sp.window.iter_mut().enumerate() {
                if room == 0 {
                    break;
                }
                if r.state == RecordState::Available {
                    r.deliveries += 1;
                    self.stats.redelivered_records += u64::from(r.deliveries > 1);
                    r.state = acquired;
                    r.holders += 1;
                    let offset = sp.start + i as u64;
                    let (create_us, delivery) = (r.create_us, r.deliveries);
                    self.members[mi].held.push_back(Acquired { tp, offset, create_us, delivery });
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
                    state: acquired,
                    deliveries: 1,
                    create_us: c,
                    processed: false,
                    holders: 1,
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

    /// Member `mi` processes for `dt_us` of its time: each record it finishes is accepted, or
    /// with `failure_rate` released, or with `reject_rate` rejected. An acknowledgement for a
    /// record whose lock expired meanwhile is refused (the work is done all the same). Calls
    /// `done(record, processed, acknowledged)` per record the member finished with (processed,
    /// or released or rejected; whether the broker took the acknowledgement); returns how many
    /// it processed.
    pub fn process(
        &mut self,
        mi: usize,
        dt_us: u64,
        rng: &mut Rng,
        mut done_with: impl FnMut(&Acquired, bool, bool),
    ) -> u64 {
        let limit = self.delivery_limit();
        let m = &mut self.members[mi];
        if m.crashed || m.held.is_empty() {
            m.work_us = 0.0;
            return 0;
        }
        m.work_us += dt_us as f64 * m.speed;
        let mut done = 0;
        // Bounded by the records held, at most `max_poll_records`.
        while let Some(&a) = m.held.front() {
            let cost = self.spec.processing.draw_us(self.spec.processing_us, rng).max(0.001);
            if m.work_us < cost {
                break;
            }
            m.work_us -= cost;
            m.held.pop_front();
            let ack = draw_ack(&self.spec, rng);
            let sp = self.partitions.get_mut(&a.tp).expect("held records come from a partition");
            let finished = ack == Ack::Accept;
            let again = sp.release_hold(a.offset, finished);
            let acked = match sp.record_mut(a.offset).filter(|r| r.held_by(mi as u32, a.delivery)) {
                Some(r) => {
                    r.acknowledge(mi as u32, a.delivery, ack, limit, &mut self.stats);
                    m.accepted_records += u64::from(ack == Ack::Accept);
                    true
                }
                None => {
                    // The lock expired: another member may have the record, or had it.
                    self.stats.failed_ack_records += 1;
                    m.failed_ack_records += 1;
                    false
                }
            };
            if finished {
                m.processed_records += 1;
                self.stats.processed_records += 1;
                self.stats.duplicate_records += u64::from(again);
                done += 1;
            }
            done_with(&a, finished, acked);
        }
        if m.held.is_empty() {
            m.work_us = 0.0;
        }
        for sp in self.partitions.values_mut() {
            sp.advance_start();
        }
        done
    }

    /// The member holding the acquisition lock of `offset` in `tp`, if any.
    #[inline(never)]
    pub fn lock_holder(&self, tp: Tp, offset: u64) -> Option<u32> {
        match self.partitions.get(&tp)?.record(offset)?.state {
            RecordState::Acquired { member, .. } => Some(member),
            _ => None,
        }
    }

    /// Records member `mi` holds whose lock has expired: it is still working on them, and
    /// their acknowledgements will be refused.
    pub fn expired_holds(&self, mi: usize) -> usize {
        let Some(m) = self.members.get(mi) else { return 0 };
        let held = |a: &&Acquired| {
            let r = self.partitions.get(&a.tp).and_then(|sp| sp.record(a.offset));
            r.is_some_and(|r| r.held_by(mi as u32, a.delivery))
        };
        m.held.iter().filter(|a| !held(a)).count()
    }

    /// Checks the share group's invariants; the message names what broke.
    pub fn check(&self) -> Result<(), String> {
        let name = &self.spec.name;
        if self.stats.acks_without_lock > 0 {
            return Err(format!(
                "{name}: {} acknowledgements accepted from a member without the record's lock",
                self.stats.acks_without_lock
            ));
        }
        // Every hold a member has, counted per record: each record's `holders` must match.
        let mut holds: VecMap<(Tp, u64), u16> = VecMap::new();
        for (mi, m) in self.members.iter().enumerate() {
            if m.held.len() > self.spec.max_poll_records as usize {
                let n = m.held.len();
                return Err(format!("{name} member {mi} holds {n} > max_poll_records"));
            }
            if m.crashed && !m.held.is_empty() {
                return Err(format!("{name} member {mi} crashed but still holds records"));
            }
            for a in &m.held {
                *holds.entry((a.tp, a.offset)).or_default() += 1;
            }
        }
        let limit = self.delivery_limit();
        for (tp, sp) in &self.partitions {
            if sp.window.len() > SHARE_WINDOW_RECORDS_MAX {
                let n = sp.window.len();
                return Err(format!("{name}: {tp:?} window {n} > bound"));
            }
            for (i, r) in sp.window.iter().enumerate() {
                let offset = sp.start + i as u64;
                let held = holds.remove(&(*tp, offset)).unwrap_or(0);
                if r.holders != held {
                    let h = r.holders;
                    return Err(format!(
                        "{name}: {tp:?}@{offset} counts {h} holders, {held} hold it"
                    ));
                }
                if r.state == RecordState::Available && r.deliveries >= limit {
                    return Err(format!(
                        "{name}: {tp:?}@{offset} available past the delivery limit"
                    ));
                }
            }
            for (&offset, d) in &sp.departed {
                let held = holds.remove(&(*tp, offset)).unwrap_or(0);
                if d.holders == 0 || d.holders != held {
                    let h = d.holders;
                    return Err(format!(
                        "{name}: departed {tp:?}@{offset}: {h} holders, {held} hold"
                    ));
                }
            }
        }
        if let Some(((tp, offset), _)) = holds.into_iter().next() {
            return Err(format!("{name}: {tp:?}@{offset} is held but not tracked"));
        }
        let st = self.stats;
        if st.duplicate_records > st.processed_records || st.accepted_records > st.processed_records
        {
            return Err(format!("{name}: more duplicates or accepts than processings: {st:?}"));
        }
        Ok(())
    }
}

/// One draw decides: reject, release (a failure), or accept.
fn draw_ack(spec: &ShareGroupSpec, rng: &mut Rng) -> Ack {
    let (fail, reject) = (spec.failure_rate, spec.reject_rate);
    let roll = if fail + reject > 0.0 { rng.next_f64() } else { 1.0 };
    if roll < reject {
        Ack::Reject
    } else if roll < reject + fail {
        Ack::Release
    } else {
        Ack::Accept
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TP: Tp = Tp { topic: 0, partition: 0 };

    /// A share group of `members` on one partition, each record taking 1 ms, one record a fetch.
    fn group(members: u32) -> ShareGroup {
        let mut spec = ShareGroupSpec::new("s", "t", members, 1_000);
        spec.max_poll_records = 1;
        spec.share_auto_offset_reset = OffsetReset::Earliest;
        ShareGroup::new(spec, vec![0])
    }

    /// Member 0 holds offset 0; member 1 held offset 1 and accepted it. The window keeps both
    /// (its start cannot pass offset 0), so offset 1 stays in view as done.
    fn one_accepted_behind_one_held() -> ShareGroup {
        let mut g = group(2);
        let parts = [(TP, 0, 2)];
        assert_eq!(g.acquire(0, 0, &parts, &|_, _| 0), vec![(TP, 1)]);
        assert_eq!(g.acquire(1, 0, &parts, &|_, _| 0), vec![(TP, 1)]);
        assert_eq!(g.process(1, 1_000, &mut Rng::new(1), |_, _, _| {}), 1);
        assert_eq!(g.start_offset(TP), 0);
        g
    }

    #[test]
    fn an_acknowledgement_without_the_lock_is_refused() {
        let mut g = one_accepted_behind_one_held();
        // Member 0 comes back with a stale hold of offset 1 (accepted by member 1 meanwhile).
        let stale = Acquired { tp: TP, offset: 1, create_us: 0, delivery: 1 };
        g.spec.max_poll_records = 2;
        g.members[0].held.push_front(stale);
        g.partitions.get_mut(&TP).unwrap().record_mut(1).unwrap().holders += 1;
        g.check().unwrap();
        assert_eq!(g.process(0, 1_000, &mut Rng::new(1), |_, _, _| {}), 1, "the work is done");
        assert_eq!(g.stats.failed_ack_records, 1, "but the broker refuses the acknowledgement");
        assert_eq!(g.stats.duplicate_records, 1, "offset 1 was processed twice");
        assert_eq!(g.process(0, 1_000, &mut Rng::new(1), |_, _, _| {}), 1, "offset 0 accepted");
        assert_eq!(g.stats.accepted_records, 2);
        assert_eq!(g.members[0].accepted_records, 1);
        assert_eq!(g.members[0].failed_ack_records, 1);
        assert_eq!(g.stats.acks_without_lock, 0);
        g.check().unwrap();
    }

    #[test]
    fn an_acknowledgement_applied_without_the_lock_breaks_the_invariant() {
        let mut g = one_accepted_behind_one_held();
        g.check().unwrap();
        // A broken state machine: accept offset 1 again without holding its lock.
        let mut st = g.stats;
        let r = g.partitions.get_mut(&TP).and_then(|sp| sp.record_mut(1)).unwrap();
        assert!(!r.held_by(0, 1) && !r.held_by(1, 1));
        r.acknowledge(0, 1, Ack::Accept, 5, &mut st);
        g.stats = st;
        assert_eq!(g.stats.acks_without_lock, 1);
        let err = g.check().unwrap_err();
        assert!(err.contains("without the record's lock"), "{err}");
    }

    /// Kafka's `SharePartition.releaseAcquisitionLockOnTimeout`: an expired lock makes the
    /// record AVAILABLE (another member may acquire it, delivery count 2) while its first
    /// member goes on processing; that member's acknowledgement is then refused
    /// (`InvalidRecordStateException`: the offset is not acquired by it).
    #[test]
    fn a_slow_member_keeps_its_expired_records_and_its_acknowledgements_are_refused() {
        let mut g = group(2);
        g.spec.max_poll_records = 10;
        g.spec.lock_ms = 5; // 5 records of 1 ms fit in the lock; the other 5 do not
        let parts = [(TP, 0, 10)];
        assert_eq!(g.acquire(0, 0, &parts, &|_, _| 0), vec![(TP, 10)]);
        let mut rng = Rng::new(1);
        for t in 1..=4 {
            g.expire_locks(t * 1_000);
            g.process(0, 1_000, &mut rng, |_, _, _| {});
        }
        assert_eq!(g.stats.accepted_records, 4, "offsets 0-3 accepted within the lock");
        g.expire_locks(5_000);
        assert_eq!(g.stats.expired_locks, 6, "offsets 4-9 were still acquired at 5 ms");
        assert_eq!(g.members[0].held.len(), 6, "and member 0 still holds them");
        assert_eq!(g.expired_holds(0), 6);
        // Member 1 acquires the six again (delivery 2) and processes them at once.
        assert_eq!(g.acquire(1, 5_000, &parts, &|_, _| 0), vec![(TP, 6)]);
        assert_eq!(g.stats.redelivered_records, 6);
        g.process(1, 6_000, &mut rng, |_, _, _| {});
        assert_eq!(g.stats.accepted_records, 10);
        // Member 0 finishes them too: six processings twice, six acknowledgements refused.
        for _ in 0..6 {
            g.process(0, 1_000, &mut rng, |_, _, _| {});
            g.check().unwrap();
        }
        assert_eq!(g.stats.processed_records, 16);
        assert_eq!(g.stats.duplicate_records, 6);
        assert_eq!(g.stats.failed_ack_records, 6);
        assert_eq!(g.members[0].failed_ack_records, 6);
        assert_eq!(g.stats.accepted_records, 10, "each record accepted once");
        assert_eq!(g.start_offset(TP), 10);
        assert!(g.partitions[&TP].departed.is_empty(), "nobody holds them any more");
    }

    /// Kafka's `InFlightState.tryUpdateState`: a record that would become AVAILABLE with its
    /// delivery count at `maxDeliveryCount` is ARCHIVED instead, on release and on lock timeout.
    #[test]
    fn at_the_delivery_limit_a_release_or_an_expired_lock_archives() {
        let mut g = group(1);
        g.spec.delivery_limit = 2;
        g.spec.failure_rate = 1.0; // every record released
        let parts = [(TP, 0, 1)];
        let mut rng = Rng::new(1);
        g.acquire(0, 0, &parts, &|_, _| 0);
        g.process(0, 1_000, &mut rng, |_, _, _| {});
        assert_eq!((g.stats.released_records, g.stats.archived_records), (1, 0));
        g.acquire(0, 1_000, &parts, &|_, _| 0);
        g.process(0, 1_000, &mut rng, |_, _, _| {});
        assert_eq!((g.stats.released_records, g.stats.archived_records), (2, 1));
        assert_eq!(g.start_offset(TP), 1, "archived at once: the start offset moves past it");

        let mut g = group(1);
        g.spec.delivery_limit = 2;
        g.spec.lock_ms = 1;
        g.members[0].speed = 0.01; // never finishes within the lock
        g.acquire(0, 0, &parts, &|_, _| 0);
        g.expire_locks(1_000);
        assert_eq!(g.stats.archived_records, 0, "first delivery: available again");
        g.crash_member(0);
        g.restart_member(0);
        g.acquire(0, 1_000, &parts, &|_, _| 0);
        g.expire_locks(2_000);
        assert_eq!((g.stats.expired_locks, g.stats.archived_records), (2, 1));
        assert!(g.acquire(0, 2_000, &parts, &|_, _| 0).is_empty(), "never delivered again");
        g.check().unwrap();
    }

    /// `share.auto.offset.reset` (Kafka's `SharePartition.startOffsetDuringInitialization`):
    /// the share-partition starts at the latest offset by default, at the log start with
    /// earliest.
    #[test]
    fn a_share_partition_starts_where_share_auto_offset_reset_says() {
        let parts = [(TP, 3, 10)];
        let mut g = group(1);
        g.spec.share_auto_offset_reset = OffsetReset::Latest;
        assert_eq!(g.lag(TP, 3, 10), 0, "nothing to read before it starts, with latest");
        assert!(g.acquire(0, 0, &parts, &|_, _| 0).is_empty());
        assert_eq!(g.start_offset(TP), 10);
        let mut g = group(1);
        g.spec.max_poll_records = 100;
        assert_eq!(g.lag(TP, 3, 10), 7);
        assert_eq!(g.acquire(0, 0, &parts, &|_, _| 0), vec![(TP, 7)]);
        assert_eq!(g.start_offset(TP), 3);
    }
}
