//! Replicas, the in-sync replica set (ISR), the high watermark and leader election.
//!
//! The log's data is held once (the leader's copy); a follower is represented by its log end
//! offset (LEO). Followers fetch whole batches, so a follower's LEO is always a batch boundary.

use crate::cluster::TICK_US;
use crate::log::{Batch, PartitionLog, Truncated};

/// Most bytes one follower fetch carries per partition: Kafka's `replica.fetch.max.bytes`
/// default (at least one whole batch moves even if larger).
pub const REPLICA_FETCH_MAX_BYTES: u64 = 1_048_576;

/// Kafka's default `replica.fetch.wait.max.ms`, in us: how long a follower's fetch that finds
/// nothing new waits at the leader.
pub const REPLICA_FETCH_WAIT_MAX_US: u64 = 500_000;

/// A follower fetch's round trip, `2 * delay_us` (at least 2 us).
fn trip_us(delay_us: u64) -> u64 {
    2 * delay_us.max(1)
}

/// Steps between two fetches of a follower with nothing to copy while the leader appends
/// nothing: the wait at the leader (`wait_us`, `replica.fetch.wait.max.ms`) and the round trip,
/// rounded up to whole steps, each fetch leaving the step the last one answered.
fn fetch_period_us(delay_us: u64, wait_us: u64) -> u64 {
    (wait_us + trip_us(delay_us)).div_ceil(TICK_US) * TICK_US
}

/// One replica of a partition, on one broker.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Replica {
    /// Broker holding it.
    pub broker: u16,
    /// Its log end offset.
    pub leo: u64,
    /// Last time its fetch reached the leader's log end, virtual us (for `replica.lag.time.max.ms`).
    pub caught_up_us: u64,
    fetch: Option<FollowerFetch>,
}

/// A follower's fetch. Brook's leader answers from its log as it is when the fetch is issued,
/// and learns the follower's new end a round trip later (`arrive_us`: when Kafka's leader would
/// get the follower's next fetch). A fetch that carries nothing (`target_leo` is the
/// follower's end) is parked at the leader until `arrive_us` less a round trip (Kafka's
/// `DelayedFetch`, `replica.fetch.wait.max.ms`): if the leader appends before then, it is
/// answered at once with what the leader now has (`ReplicaManager.appendRecords` completes
/// the delayed fetches).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct FollowerFetch {
    /// When the leader last took the follower's fetch in (for `lastCaughtUpTime`): when it was
    /// issued, or, for a parked fetch answered by an append, when it was parked.
    issued_us: u64,
    arrive_us: u64,
    /// Where the answer ends (at most `REPLICA_FETCH_MAX_BYTES` past the follower's end).
    target_leo: u64,
    /// The leader's log end when the fetch was issued (parked: when it was parked).
    leader_leo: u64,
    /// The log's byte positions (`PartitionLog::end_bytes` as it was there) of the follower's
    /// end and of `target_leo` when issued, where known without a search: the bytes copied
    /// are their difference. Truncations clear the fetch, so they stay true.
    from_bytes: Option<u64>,
    target_bytes: Option<u64>,
}

/// What a follower's fetch takes: the one-way network delay, `replica.fetch.wait.max.ms` and
/// `replica.lag.time.max.ms`, in us.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FetchTiming {
    /// One-way network delay.
    pub delay_us: u64,
    /// Longest wait at the leader of a fetch that finds nothing new.
    pub wait_us: u64,
    /// A follower not caught up this long leaves the ISR.
    pub lag_max_us: u64,
}

/// Why a leader refused a write.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WriteRefused {
    /// No leader, or its broker is down.
    NotLeader,
    /// acks=all and the ISR is below `min.insync.replicas`.
    NotEnoughReplicas,
}

/// Where an acks=all request waiting on the leader stands: Kafka's
/// `Partition.checkEnoughReplicasReachOffset`, which `DelayedProduce.tryComplete` calls.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AckCheck {
    /// The high watermark has not reached the request's offset yet: keep waiting.
    Waiting,
    /// The high watermark passed it with at least `min.insync.replicas` in the ISR: answered OK.
    Done,
    /// The high watermark passed it but the ISR shrank below `min.insync.replicas` after the
    /// append: answered `NOT_ENOUGH_REPLICAS_AFTER_APPEND`, a retriable error (the records
    /// stay in the log, so a non-idempotent retry duplicates them).
    NotEnoughReplicasAfterAppend,
}

/// What a leader election did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Election {
    /// The leader is alive: nothing to do.
    Unchanged,
    /// A new leader; `truncated` records above its log end were removed.
    NewLeader {
        /// Broker of the new leader.
        broker: u16,
        /// What the truncation removed.
        lost: Truncated,
        /// Whether the leader came from outside the ISR.
        unclean: bool,
    },
    /// No replica may lead: the partition is offline.
    Offline,
}

/// The in-sync replicas: a set of indices into a partition's `replicas`, bit `i` for replica
/// `i`, iterated in index order (assignment order, which elections read). It lives inside the
/// partition, so phase 4 reads it without following a pointer (a `Vec` was one cache miss
/// more per partition visited). A partition has at most one replica per broker, and
/// [`crate::scenario::limits::BROKERS_MAX`] fits the bits.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Isr(u64);

const _: () = assert!(crate::scenario::limits::BROKERS_MAX <= u64::BITS);

impl Isr {
    /// The set of `indices`.
    pub fn of(indices: &[usize]) -> Self {
        indices.iter().copied().collect()
    }

    /// Members.
    pub fn len(self) -> usize {
        self.0.count_ones() as usize
    }

    /// Whether it has no member.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// Whether replica `i` is a member.
    pub fn contains(self, i: usize) -> bool {
        i < 64 && self.0 & (1 << i) != 0
    }

    /// Adds replica `i`.
    pub fn insert(&mut self, i: usize) {
        debug_assert!(i < 64, "replica {i} past the ISR's bits");
        self.0 |= 1 << i;
    }

    /// Members in index order.
    pub fn iter(self) -> impl Iterator<Item = usize> {
        let mut bits = self.0;
        std::iter::from_fn(move || {
            let i = (bits != 0).then(|| bits.trailing_zeros() as usize)?;
            bits &= bits - 1;
            Some(i)
        })
    }

    /// Members in index order, as a list.
    pub fn to_vec(self) -> Vec<usize> {
        self.iter().collect()
    }
}

impl FromIterator<usize> for Isr {
    fn from_iter<I: IntoIterator<Item = usize>>(iter: I) -> Self {
        let mut isr = Isr::default();
        for i in iter {
            isr.insert(i);
        }
        isr
    }
}

/// A partition: its log plus its replicas.
///
/// Aligned to a cache line, its log's offsets first (`repr(C)`): a partition a step reads for
/// its offsets alone (a waiting fetch's, most of them) costs one line, never two.
#[derive(Clone, Debug)]
#[repr(C, align(64))]
pub struct Partition {
    /// The leader's log.
    pub log: PartitionLog,
    /// Replicas; the first is the preferred leader.
    pub replicas: Vec<Replica>,
    /// Index into `replicas` of the leader, if any (set with [`Partition::set_leader`]).
    pub leader: Option<usize>,
    /// The leader's broker, kept with `leader`: read for every request and drained batch,
    /// where the replica list is another heap block away (a cache miss each at production's
    /// 16,384 partitions).
    leader_on: Option<u16>,
    /// Indices into `replicas` of the in-sync replicas (the leader included).
    pub isr: Isr,
    /// Bumped at every leader change.
    pub leader_epoch: u32,
    /// A move in progress: (index of the replica leaving, index of the one replacing it).
    pub moving: Option<(usize, usize)>,
}

impl Partition {
    /// Starts loading the partition itself (`first`), or, a few visits later, what a visit
    /// reads through it: the replicas and the log's newest segment and batch
    /// ([`crate::prefetch`]).
    pub(crate) fn prefetch(&self, first: bool) {
        if first {
            self.log.prefetch_offsets();
            crate::prefetch::line(&self.replicas);
            crate::prefetch::line(&self.leader);
            return;
        }
        for r in &self.replicas {
            crate::prefetch::line(r);
        }
        self.log.prefetch_tail();
    }

    /// A partition with replicas on `brokers` (the first leads).
    pub fn new(brokers: &[u16], segment_bytes: u64) -> Self {
        Partition {
            log: PartitionLog::new(segment_bytes),
            replicas: brokers
                .iter()
                .map(|&b| Replica { broker: b, leo: 0, caught_up_us: 0, fetch: None })
                .collect(),
            leader: Some(0),
            leader_on: brokers.first().copied(),
            isr: (0..brokers.len()).collect(),
            leader_epoch: 0,
            moving: None,
        }
    }

    /// Coalesces the log's oldest batches past `entries_max` entries
    /// ([`PartitionLog::coalesce`]), only below what no truncation can remove: the high
    /// watermark and every replica's log end (a new leader truncates the others to its own).
    pub fn coalesce_log(&mut self, entries_max: usize) -> usize {
        let below = self.replicas.iter().map(|r| r.leo).fold(self.log.high_watermark(), u64::min);
        self.log.coalesce(entries_max, below)
    }

    /// Starts moving the replica on broker `from` to broker `to`: a new replica on `to`,
    /// starting empty at the log start, copies from the leader and joins the ISR when caught
    /// up (then [`Partition::finish_move`]). Returns whether a move started: not if `from`
    /// holds no replica here.
    pub fn start_move(&mut self, from: u16, to: u16) -> bool {
        debug_assert!(self.moving.is_none(), "one move at a time per partition");
        let Some(old) = self.replicas.iter().position(|r| r.broker == from) else { return false };
        let start = self.log.log_start_offset();
        self.replicas.push(Replica { broker: to, leo: start, caught_up_us: 0, fetch: None });
        self.moving = Some((old, self.replicas.len() - 1));
        true
    }

    /// Drops the replica a finished move replaced (it must not lead); indices above it shift.
    pub fn finish_move(&mut self) {
        let Some((old, _)) = self.moving.take() else { return };
        debug_assert!(self.leader != Some(old), "leadership moves first");
        self.replicas.remove(old);
        let shift = |i: usize| if i > old { i - 1 } else { i };
        self.isr = self.isr.iter().filter(|&i| i != old).map(shift).collect();
        self.set_leader(self.leader.map(shift));
    }

    /// Broker of the leader, if the partition has one.
    pub fn leader_broker(&self) -> Option<u16> {
        debug_assert_eq!(
            self.leader_on,
            self.leader.map(|i| self.replicas[i].broker),
            "`leader` set without `set_leader`"
        );
        self.leader_on
    }

    /// The leader becomes replica `leader` (None: offline).
    pub fn set_leader(&mut self, leader: Option<usize>) {
        self.leader = leader;
        self.leader_on = leader.map(|i| self.replicas[i].broker);
    }

    /// Whether replica `i` is in the ISR.
    pub fn in_isr(&self, i: usize) -> bool {
        self.isr.contains(i)
    }

    /// Whether the leader may take a write, as Kafka's `Partition.appendRecordsToLeader`
    /// decides: there must be a leader on a live broker (else `NOT_LEADER_OR_FOLLOWER`), and an
    /// acks=all write needs at least `min_insync_replicas` in the ISR (else
    /// `NOT_ENOUGH_REPLICAS`). `leader_alive` tells whether the leader's broker runs.
    pub fn leader_write_refused(
        &self,
        leader_alive: bool,
        acks_all: bool,
        min_insync_replicas: u32,
    ) -> Option<WriteRefused> {
        if self.leader.is_none() || !leader_alive {
            Some(WriteRefused::NotLeader)
        } else if acks_all && (self.isr.len() as u32) < min_insync_replicas {
            Some(WriteRefused::NotEnoughReplicas)
        } else {
            None
        }
    }

    /// Whether an acks=all request whose records end at `required_offset` may be answered, and
    /// how, as Kafka's `Partition.checkEnoughReplicasReachOffset` decides:
    ///
    /// ```scala
    /// if (leaderLog.highWatermark >= requiredOffset) {
    ///   if (minIsr <= curInSyncReplicaIds.size) (true, Errors.NONE)
    ///   else (true, Errors.NOT_ENOUGH_REPLICAS_AFTER_APPEND)
    /// } else (false, Errors.NONE)
    /// ```
    ///
    /// (core/src/main/scala/kafka/cluster/Partition.scala). When the ISR shrinks to the leader
    /// the high watermark jumps to the leader's log end, so without the second test every
    /// waiting request would be acknowledged with its records on one broker only.
    pub fn acks_all_check(&self, required_offset: u64, min_insync_replicas: u32) -> AckCheck {
        if self.log.high_watermark() < required_offset {
            AckCheck::Waiting
        } else if self.isr.len() as u32 >= min_insync_replicas {
            AckCheck::Done
        } else {
            AckCheck::NotEnoughReplicasAfterAppend
        }
    }

    /// The leader appends `batch` (which gets its offsets) and its replica's log end moves;
    /// returns the new log end offset.
    pub fn append_as_leader(&mut self, batch: Batch) -> u64 {
        self.log.append(batch);
        self.leader_appended();
        self.log.log_end_offset()
    }

    /// Records the leader's new log end after an append.
    pub fn leader_appended(&mut self) {
        if let Some(l) = self.leader {
            self.replicas[l].leo = self.log.log_end_offset();
        }
    }

    /// Follower fetches, ISR shrink and expand, and the high watermark, for one step, with
    /// Kafka's default `replica.fetch.wait.max.ms`.
    /// `alive[b]` tells whether broker `b` is up. Returns the records followers copied, and
    /// which replicas copied some (bit `i` for replica `i`; at most 16 replicas, one per broker).
    pub fn replicate(
        &mut self,
        now_us: u64,
        delay_us: u64,
        lag_max_us: u64,
        alive: &[bool],
    ) -> (u64, u16) {
        let timing = FetchTiming { delay_us, wait_us: REPLICA_FETCH_WAIT_MAX_US, lag_max_us };
        self.replicate_within(now_us, timing, alive, |_| true, |_, _| {})
    }

    /// [`Partition::replicate`] within the brokers' budgets (`cluster.resources`): a
    /// follower's fetch that has arrived completes only if `can_copy(its broker)` (the
    /// leader's network out, the follower's network in and disk have budget this step; else
    /// it completes a later step), and `copied(broker, bytes)` is told what each follower
    /// copied.
    pub fn replicate_within(
        &mut self,
        now_us: u64,
        timing: FetchTiming,
        alive: &[bool],
        can_copy: impl Fn(u16) -> bool,
        mut copied_bytes: impl FnMut(u16, u64),
    ) -> (u64, u16) {
        let Some(leader) = self.leader else { return (0, 0) };
        if !alive[self.replicas[leader].broker as usize] {
            return (0, 0); // a dead leader serves no fetch and changes no ISR until replaced
        }
        let FetchTiming { delay_us, wait_us, lag_max_us } = timing;
        let trip = trip_us(delay_us);
        let mut followers = 0u16;
        let leader_leo = self.log.log_end_offset();
        self.replicas[leader].leo = leader_leo;
        self.replicas[leader].caught_up_us = now_us;
        let mut copied = 0;
        for i in 0..self.replicas.len() {
            if i == leader || !alive[self.replicas[i].broker as usize] {
                continue;
            }
            let r = &mut self.replicas[i];
            // The byte position of the follower's end, when the fetch just answered knew it.
            let mut carried = None;
            match r.fetch {
                Some(f) if f.arrive_us <= now_us && can_copy(r.broker) => {
                    // The leader may have been truncated since (a new leader): never past its end.
                    let target = f.target_leo.min(leader_leo);
                    let known = f.target_bytes.filter(|_| target == f.target_leo);
                    if target > r.leo {
                        let bytes = match (f.from_bytes, known) {
                            (Some(a), Some(b)) => {
                                debug_assert_eq!(b - a, self.log.bytes_between(r.leo, target));
                                b - a
                            }
                            _ => self.log.bytes_between(r.leo, target),
                        };
                        copied_bytes(r.broker, bytes);
                    }
                    carried = known;
                    if target > r.leo {
                        followers |= 1 << (i % 16);
                    }
                    copied += target.saturating_sub(r.leo);
                    r.leo = r.leo.max(target);
                    // If it now has everything the leader had when the fetch was issued (a
                    // parked fetch: when it was parked), it is caught up as of then (Kafka's
                    // lastCaughtUpTime rule, `Replica.updateFetchStateOrThrow`); a fetch cut
                    // short by the byte limit is not, unless it was parked.
                    if target >= f.leader_leo.min(leader_leo) {
                        r.caught_up_us = r.caught_up_us.max(f.issued_us);
                    }
                    r.fetch = None;
                }
                // Parked, and the leader has appended since: answered now (`DelayedFetch`
                // completes with `replica.fetch.min.bytes` 1). It keeps when it was taken in:
                // Kafka updates a follower's fetch state when it reads the fetch first, not
                // when the delayed fetch completes (`ReplicaManager.readFromLog`).
                Some(f)
                    if f.target_leo == r.leo
                        && now_us < f.arrive_us.saturating_sub(trip)
                        && leader_leo > r.leo =>
                {
                    let target_leo = self.log.fetch_end(r.leo, REPLICA_FETCH_MAX_BYTES);
                    r.fetch = Some(FollowerFetch {
                        arrive_us: now_us + trip,
                        target_leo,
                        target_bytes: (target_leo == leader_leo).then(|| self.log.end_bytes()),
                        ..f
                    });
                }
                Some(_) => {}
                None => {}
            }
            if r.fetch.is_none() {
                // Followers fetch continuously: the next request leaves at once. With nothing
                // to copy it is parked at the leader for `replica.fetch.wait.max.ms`.
                let target_leo = self.log.fetch_end(r.leo, REPLICA_FETCH_MAX_BYTES);
                let parked_us = if target_leo == r.leo { wait_us } else { 0 };
                r.fetch = Some(FollowerFetch {
                    issued_us: now_us,
                    arrive_us: now_us + parked_us + trip,
                    target_leo,
                    leader_leo,
                    from_bytes: carried.or((r.leo == 0).then_some(0)),
                    target_bytes: (target_leo == leader_leo).then(|| self.log.end_bytes()),
                });
                if r.leo >= leader_leo {
                    r.caught_up_us = now_us;
                }
            }
        }
        self.update_isr(now_us, lag_max_us, alive);
        self.advance_high_watermark();
        (copied, followers)
    }

    /// Whether [`Partition::replicate_within`] would change nothing here step after step, but
    /// for the followers' empty fetches, until the leader appends or the cluster changes (a
    /// broker stops or starts, a leader is elected, a move starts): the leader is alive and
    /// has committed its whole log, every replica is alive, in the ISR and caught up, and each
    /// follower's fetch, issued at its last step, carries nothing and has not arrived at
    /// `now_us`. Phase 4 then leaves the partition alone and [`Partition::settle`] makes those
    /// fetches later, all at once. (No follower leaves the ISR meanwhile: each has the
    /// leader's whole log, `ReplicaState.isCaughtUp`.)
    pub fn quiet(&self, now_us: u64, alive: &[bool]) -> bool {
        let Some(leader) = self.leader else { return false };
        let leo = self.log.log_end_offset();
        let end = Some(self.log.end_bytes());
        self.moving.is_none()
            && self.log.high_watermark() == leo
            && self.isr.len() == self.replicas.len()
            && alive[self.replicas[leader].broker as usize]
            && self.replicas.iter().enumerate().all(|(i, r)| {
                i == leader
                    || alive[r.broker as usize]
                        && r.leo == leo
                        && r.fetch.is_some_and(|f| {
                            f.target_leo == leo
                                && f.leader_leo == leo
                                && f.target_bytes == end
                                && f.arrive_us > now_us
                                && f.issued_us == r.caught_up_us
                        })
            })
    }

    /// After [`Partition::replicate_within`] ran at step `now_us` and nothing is left to do
    /// now: the first later step at which it could change anything unless the leader appends
    /// first (a follower's fetch arrives; an ISR member's `replica.lag.time.max.ms` runs out,
    /// counted from step `now_us`, steps every TICK_US). `None` when it must run every step:
    /// no live leader, a replica down, a move, a fetch not out or arrived and not answered.
    /// Until then a step changes only the leader's caught-up time (see
    /// [`Partition::settle_leader`]): no fetch arrives, so no follower moves, none joins the
    /// ISR (those that could joined at `now_us`), none leaves it, the high watermark stays.
    pub fn next_due(&self, now_us: u64, lag_max_us: u64, alive: &[bool]) -> Option<u64> {
        let leader = self.leader?;
        if self.moving.is_some() || self.replicas.len() < 2 {
            return None;
        }
        let step_from = |t: u64| now_us + t.saturating_sub(now_us).div_ceil(TICK_US) * TICK_US;
        let mut due = u64::MAX;
        for (i, r) in self.replicas.iter().enumerate() {
            if !alive[r.broker as usize] {
                return None;
            }
            if i == leader {
                continue;
            }
            let f = r.fetch?;
            if f.arrive_us <= now_us {
                return None;
            }
            due = due.min(step_from(f.arrive_us));
            if self.isr.contains(i) {
                // Kept while now - caught_up <= lag_max: out at the first step past that.
                due = due.min(step_from(r.caught_up_us + lag_max_us + 1));
            }
        }
        Some(due)
    }

    /// The leader's caught-up time as every step up to `upto_us` would have left it, for a
    /// partition [`Partition::next_due`] let sleep (its leader was alive throughout).
    pub fn settle_leader(&mut self, upto_us: u64) {
        if let (Some(l), true) = (self.leader, self.replicas.len() > 1) {
            self.replicas[l].caught_up_us = self.replicas[l].caught_up_us.max(upto_us);
        }
    }

    /// Makes the fetches a partition [`Partition::quiet`] at step `since_us` would have made
    /// in the steps after it, up to step `upto_us`, as [`Partition::replicate_within`] makes
    /// them one step at a time: each follower's empty fetch completes at the first step at or
    /// after it arrives (its wait at the leader, `timing.wait_us`, over with nothing
    /// appended), the follower is caught up as of then and its next fetch leaves at once, to
    /// wait again; the leader is caught up at every step. Nothing else changes while it is
    /// quiet.
    pub fn settle(&mut self, since_us: u64, upto_us: u64, timing: FetchTiming) {
        if upto_us <= since_us || self.replicas.len() < 2 {
            return;
        }
        let Some(leader) = self.leader else { return };
        self.replicas[leader].caught_up_us = upto_us;
        let FetchTiming { delay_us, wait_us, .. } = timing;
        let period = fetch_period_us(delay_us, wait_us);
        for (i, r) in self.replicas.iter_mut().enumerate() {
            let Some(f) = r.fetch.filter(|_| i != leader) else { continue };
            // Steps fall every TICK_US from `since_us`; the fetch arrived after it.
            let first = since_us + (f.arrive_us - since_us).div_ceil(TICK_US) * TICK_US;
            if first > upto_us {
                continue;
            }
            let last = first + (upto_us - first) / period * period;
            r.caught_up_us = last;
            r.fetch = Some(FollowerFetch {
                issued_us: last,
                arrive_us: last + wait_us + trip_us(delay_us),
                from_bytes: f.target_bytes,
                ..f
            });
        }
    }

    fn update_isr(&mut self, now_us: u64, lag_max_us: u64, alive: &[bool]) {
        let Some(leader) = self.leader else { return };
        let hw = self.log.high_watermark();
        let leo = self.log.log_end_offset();
        let replicas = &self.replicas;
        // Kafka's `ReplicaState.isCaughtUp`: a follower with the leader's whole log is caught
        // up however long ago it last fetched (its fetch may wait at the leader).
        let caught_up =
            |r: &Replica| r.leo == leo || now_us.saturating_sub(r.caught_up_us) <= lag_max_us;
        self.isr = self.isr.iter().filter(|&i| i == leader || caught_up(&replicas[i])).collect();
        for i in 0..self.replicas.len() {
            let r = &self.replicas[i];
            let back = alive[r.broker as usize] && r.leo >= hw && r.leo >= leo.min(hw);
            let fresh = caught_up(r);
            if back && fresh {
                self.isr.insert(i);
            }
        }
    }

    fn advance_high_watermark(&mut self) {
        let hw = self.isr.iter().map(|i| self.replicas[i].leo).min().unwrap_or(0);
        self.log.set_high_watermark(hw.min(self.log.log_end_offset()));
    }

    /// Removes replicas on dead brokers from the ISR and elects a leader if the leader died,
    /// as the KRaft controller does (Kafka 4.0's `PartitionChangeBuilder.electAnyLeader`, with
    /// eligible leader replicas off, 4.0's default): the first replica in assignment order
    /// that is in the ISR and alive; else, with `unclean`, the first live replica in
    /// assignment order, whatever its log holds (it may lose more than a replica further down
    /// the list would); else none, and the partition is offline.
    pub fn elect(&mut self, alive: &[bool], unclean: bool) -> Election {
        let live_isr: Isr =
            self.isr.iter().filter(|&i| alive[self.replicas[i].broker as usize]).collect();
        if self.leader.is_some_and(|l| alive[self.replicas[l].broker as usize]) {
            self.isr = live_isr;
            return Election::Unchanged;
        }
        // Replica indices are assignment order, and the ISR iterates by index.
        let from_isr = live_isr.iter().next();
        let candidate = from_isr.or_else(|| {
            unclean
                .then(|| {
                    (0..self.replicas.len()).find(|&i| alive[self.replicas[i].broker as usize])
                })
                .flatten()
        });
        let Some(new) = candidate else {
            // Offline. The ISR keeps its last members: the first of them back leads again.
            self.set_leader(None);
            return Election::Offline;
        };
        self.isr = if from_isr.is_some() { live_isr } else { Isr::of(&[new]) };
        let was_unclean = from_isr.is_none();
        let new_leo = self.replicas[new].leo;
        let old_hw = self.log.high_watermark();
        let lost = self.log.truncate_to(new_leo);
        self.set_leader(Some(new));
        self.leader_epoch += 1;
        if was_unclean {
            // The new leader's end is now the committed point, even if below the old one.
            self.log.reset_high_watermark(new_leo);
        } else {
            debug_assert!(new_leo >= old_hw, "an ISR member holds every committed record");
        }
        for r in &mut self.replicas {
            r.leo = r.leo.min(new_leo);
            r.fetch = None;
        }
        Election::NewLeader { broker: self.replicas[new].broker, lost, unclean: was_unclean }
    }

    /// A restarted broker's replica truncates to the high watermark and starts fetching again;
    /// an offline partition whose last ISR member comes back is led by it (its log is the
    /// leader's: Brook keeps one copy of the data, and a last ISR member holds all of it up
    /// to the high watermark; anything above is truncated).
    pub fn broker_restarted(&mut self, broker: u16, now_us: u64) -> Option<Truncated> {
        let hw = self.log.high_watermark();
        let mut took_over = None;
        for (i, r) in self.replicas.iter_mut().enumerate() {
            if r.broker != broker {
                continue;
            }
            r.leo = r.leo.min(hw);
            r.fetch = None;
            r.caught_up_us = now_us;
            if self.leader.is_none() && self.isr.contains(i) {
                took_over = Some((i, r.leo));
            }
        }
        let (i, leo) = took_over?;
        // It was in the last ISR: it holds every committed record and may lead.
        self.set_leader(Some(i));
        self.isr = Isr::of(&[i]);
        self.leader_epoch += 1;
        let truncated = self.log.truncate_to(leo);
        // The other replicas follow the new leader: none may hold more than its log (Kafka's
        // followers truncate to the new leader's epoch end offset, KIP-101).
        for r in &mut self.replicas {
            r.leo = r.leo.min(leo);
            r.fetch = None;
        }
        Some(truncated)
    }

    /// Checks replication invariants.
    pub fn check(&self) -> Result<(), String> {
        self.log.check()?;
        if let Some(l) = self.leader {
            if !self.isr.contains(l) {
                return Err("the leader is not in the ISR".into());
            }
            if self.replicas[l].leo != self.log.log_end_offset() {
                return Err("leader replica LEO differs from the log end".into());
            }
        }
        for r in &self.replicas {
            if r.leo > self.log.log_end_offset() {
                return Err(format!("replica on broker {} is past the leader's end", r.broker));
            }
        }
        for i in self.isr.iter() {
            if self.leader.is_some() && self.replicas[i].leo < self.log.high_watermark() {
                return Err(format!(
                    "ISR member on broker {} is below the high watermark",
                    self.replicas[i].broker
                ));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::log::Batch;

    #[test]
    fn the_isr_is_a_set_of_replica_indices_iterated_in_assignment_order() {
        let isr: Isr = [5, 0, 63, 2, 5].into_iter().collect();
        assert_eq!((isr.to_vec(), isr.len()), (vec![0, 2, 5, 63], 4));
        assert!(isr.contains(63) && isr.contains(0) && !isr.contains(1) && !isr.contains(64));
        let shrunk: Isr = isr.iter().filter(|&i| i != 2).collect();
        assert_eq!(shrunk, Isr::of(&[0, 5, 63]));
        assert!(Isr::default().is_empty() && Isr::default().iter().next().is_none());
    }

    fn batch(count: u32) -> Batch {
        Batch {
            base_offset: 0,
            count,
            bytes: count * 10,
            first_create_us: 0,
            last_create_us: 0,
            append_us: 0,
            producer: 0,
            key: u32::MAX,
            acked_on_append: false,
            seq: 0,
            producer_epoch: 0,
            idempotent: false,
        }
    }

    #[test]
    fn a_joining_replica_copies_at_most_the_fetch_limit_per_fetch_then_joins_the_isr() {
        let mut p = Partition::new(&[0], 64 << 20);
        for _ in 0..50 {
            p.log.append(batch(10_000)); // 100 kB each, 5 MB in all
        }
        p.leader_appended();
        p.log.set_high_watermark(p.log.log_end_offset()); // one replica: all committed
        assert!(!p.clone().start_move(7, 2), "no replica on broker 7");
        assert!(p.start_move(0, 1));
        let mut copies = Vec::new();
        let mut t = 0;
        while !p.in_isr(1) && t < 1_000_000 {
            t += 1_000;
            let (records, followers) = p.replicate(t, 1_000, 30_000_000, &[true, true]);
            if records > 0 {
                assert_eq!(followers, 0b10, "the new replica copied");
                copies.push(records);
            }
        }
        assert!(p.in_isr(1), "caught up and in the ISR");
        assert_eq!(copies.iter().sum::<u64>(), 500_000);
        assert!(copies.len() >= 5, "about 1 MB per fetch: {copies:?}");
        assert!(copies.iter().all(|&n| n * 10 <= REPLICA_FETCH_MAX_BYTES), "{copies:?}");
        assert_eq!(p.moving, Some((0, 1)));
        // Hand over and drop the old replica, as the cluster does.
        assert!(matches!(p.elect(&[false, true], false), Election::NewLeader { broker: 1, .. }));
        p.finish_move();
        assert_eq!((p.replicas.len(), p.leader, p.isr.to_vec()), (1, Some(0), vec![0]));
        assert_eq!(p.replicas[0].broker, 1);
        p.check().unwrap();
    }

    #[test]
    fn a_batch_larger_than_the_fetch_limit_still_moves() {
        let mut p = Partition::new(&[0, 1], 64 << 20);
        p.log.append(batch(200_000)); // 2 MB in one batch
        p.leader_appended();
        run(&mut p, 0, 10_000, &[true, true]);
        assert_eq!(p.replicas[1].leo, 200_000);
        assert_eq!(p.log.high_watermark(), 200_000);
    }

    fn run(p: &mut Partition, from_us: u64, to_us: u64, alive: &[bool]) {
        let mut t = from_us;
        while t < to_us {
            t += 1_000;
            p.replicate(t, 1_000, 30_000_000, alive);
        }
    }

    #[test]
    fn followers_catch_up_and_the_high_watermark_follows_the_slowest() {
        let mut p = Partition::new(&[0, 1, 2], 1 << 20);
        p.log.append(batch(10));
        p.leader_appended();
        p.replicate(1_000, 1_000, 30_000_000, &[true; 3]);
        assert_eq!(p.log.high_watermark(), 0, "followers have not copied yet");
        run(&mut p, 1_000, 10_000, &[true; 3]);
        assert_eq!(p.log.high_watermark(), 10);
        assert_eq!(p.isr.to_vec(), vec![0, 1, 2]);
    }

    #[test]
    fn a_dead_follower_leaves_the_isr_and_the_high_watermark_moves_on() {
        let mut p = Partition::new(&[0, 1, 2], 1 << 20);
        let alive = [true, true, false];
        p.log.append(batch(10));
        p.leader_appended();
        run(&mut p, 0, 10_000, &alive);
        assert_eq!(p.log.high_watermark(), 0, "stuck until the dead follower leaves the ISR");
        p.replicate(31_000_000, 1_000, 30_000_000, &alive);
        run(&mut p, 31_000_000, 31_010_000, &alive);
        assert_eq!(p.isr.to_vec(), vec![0, 1]);
        assert_eq!(p.log.high_watermark(), 10);
    }

    #[test]
    fn clean_election_keeps_committed_records() {
        let mut p = Partition::new(&[0, 1, 2], 1 << 20);
        p.log.append(batch(10));
        p.leader_appended();
        run(&mut p, 0, 10_000, &[true; 3]);
        p.log.append(batch(5)); // not yet replicated
        p.leader_appended();
        let e = p.elect(&[false, true, true], false);
        let lost = Truncated { records: 5, acked_on_append: 0, committed: 0 };
        assert_eq!(e, Election::NewLeader { broker: 1, lost, unclean: false });
        assert_eq!(p.log.log_end_offset(), 10);
        assert_eq!(p.log.high_watermark(), 10);
        p.check().unwrap();
    }

    #[test]
    fn no_isr_alive_is_offline_unless_unclean() {
        let mut p = Partition::new(&[0, 1], 1 << 20);
        p.isr = Isr::of(&[0]);
        p.log.append(batch(10));
        p.leader_appended();
        p.replicate(1_000, 1_000, 30_000_000, &[true, true]);
        p.isr = Isr::of(&[0]); // follower 1 is out of sync with LEO 0
        assert_eq!(p.clone().elect(&[false, true], false), Election::Offline);
        let e = p.elect(&[false, true], true);
        assert!(matches!(e, Election::NewLeader { broker: 1, unclean: true, .. }), "{e:?}");
        let Election::NewLeader { lost, .. } = e else { unreachable!() };
        assert_eq!(lost.records, 10);
        assert_eq!(p.log.high_watermark(), 0);
        p.check().unwrap();
    }

    /// Kafka's `PartitionChangeBuilderTest.testElectLeader` (ELR off): partition FOO has
    /// replicas on brokers [2, 1, 3] in that assignment order, and broker 3 is not an
    /// acceptable leader (fenced: dead here). Brook cannot hold a leader outside its ISR, so
    /// each case starts from the ISR and the dead brokers the Kafka case reaches.
    #[test]
    fn elect_leader_follows_assignment_order_as_kafka_partition_change_builder_test_does() {
        let foo = |isr: &[usize], leader: usize| {
            let mut p = Partition::new(&[2, 1, 3], 1 << 20);
            p.isr = Isr::of(isr);
            p.set_leader(Some(leader));
            p
        };
        let alive = [true, true, true, false]; // brokers 0..=3; 3 is fenced
                                               // ISR [2, 1, 3], leader 1 (index 1) alive: kept, clean or unclean.
        assert_eq!(foo(&[0, 1, 2], 1).elect(&alive, false), Election::Unchanged);
        assert_eq!(foo(&[0, 1, 2], 1).elect(&alive, true), Election::Unchanged);
        // ISR [1, 3] with the leader gone from it (here: leader broker 2 dead): broker 1.
        let dead_2 = [true, true, false, false];
        let e = foo(&[0, 1, 2], 0).elect(&dead_2, false);
        assert!(matches!(e, Election::NewLeader { broker: 1, unclean: false, .. }), "{e:?}");
        // ISR [3] and 3 fenced: no leader (ONLINE); UNCLEAN takes broker 2, the first
        // acceptable replica in assignment order, as an unclean election.
        assert_eq!(foo(&[2], 2).elect(&alive, false), Election::Offline);
        let e = foo(&[2], 2).elect(&alive, true);
        assert!(matches!(e, Election::NewLeader { broker: 2, unclean: true, .. }), "{e:?}");
        // BAZ: replicas [2, 1, 3], ISR [1, 3], leader 3, every broker acceptable: 3 stays.
        let all = [true; 4];
        assert_eq!(foo(&[1, 2], 2).elect(&all, false), Election::Unchanged);
        assert_eq!(foo(&[1, 2], 2).elect(&all, true), Election::Unchanged);
    }

    #[test]
    fn an_unclean_election_takes_the_first_live_replica_even_with_the_shorter_log() {
        // PartitionChangeBuilder.electAnyLeader: targetReplicas.stream().filter(
        // isAcceptableLeader).findFirst() -- log length plays no part (the controller does
        // not know it). Replicas on brokers [0, 1, 2]; only the leader (0) is in the ISR.
        let mut p = Partition::new(&[0, 1, 2], 1 << 20);
        for _ in 0..10 {
            p.log.append(batch(10));
        }
        p.leader_appended();
        p.isr = Isr::of(&[0]);
        p.replicas[1].leo = 10;
        p.replicas[2].leo = 90;
        let e = p.elect(&[false, true, true], true);
        let Election::NewLeader { broker, lost, unclean } = e else { panic!("{e:?}") };
        assert_eq!((broker, unclean), (1, true), "broker 1 comes first, not the longer log");
        assert_eq!(lost.records, 90, "everything above broker 1's 10 records");
        assert_eq!(p.log.log_end_offset(), 10);
        p.check().unwrap();
    }

    #[test]
    fn a_last_isr_member_back_from_a_crash_leads_and_no_replica_holds_more_than_its_log() {
        // Found by random commands (broker-failure-acks, seed 150, a command every 200 ms):
        // an out-of-sync replica kept a log end past the returning leader's. Followers of a
        // new leader truncate to what it holds (KIP-101), so none may be past its end.
        let mut p = Partition::new(&[0, 1, 2], 1 << 20);
        for _ in 0..10 {
            p.log.append(batch(10));
        }
        p.leader_appended();
        p.log.set_high_watermark(50);
        (p.leader, p.isr) = (None, Isr::of(&[1])); // offline; broker 1 was the last ISR member
        (p.replicas[1].leo, p.replicas[2].leo) = (50, 80);
        let lost = p.broker_restarted(1, 1_000).expect("the last ISR member takes over");
        assert_eq!(lost.records, 50);
        assert_eq!((p.leader, p.log.log_end_offset()), (Some(1), 50));
        assert_eq!(p.replicas[2].leo, 50, "the longer stale replica truncates to the leader");
        p.check().unwrap();
    }

    #[test]
    fn acks_all_waits_for_the_high_watermark_then_needs_min_insync_replicas_as_kafka_does() {
        // Kafka's Partition.checkEnoughReplicasReachOffset: below the high watermark, wait;
        // past it, NONE if minIsr <= ISR size, else NOT_ENOUGH_REPLICAS_AFTER_APPEND.
        let mut p = Partition::new(&[0, 1, 2], 1 << 20);
        p.log.append(batch(10));
        p.leader_appended();
        assert_eq!(p.acks_all_check(10, 2), AckCheck::Waiting, "not replicated yet");
        let alive = [true, false, false];
        run(&mut p, 0, 10_000, &alive);
        assert_eq!(p.acks_all_check(10, 2), AckCheck::Waiting, "dead followers still in the ISR");
        // Past replica.lag.time.max.ms the ISR shrinks to the leader; the high watermark jumps.
        p.replicate(31_000_000, 1_000, 30_000_000, &alive);
        assert_eq!((p.isr.to_vec(), p.log.high_watermark()), (vec![0], 10));
        assert_eq!(p.acks_all_check(10, 2), AckCheck::NotEnoughReplicasAfterAppend);
        assert_eq!(p.acks_all_check(10, 1), AckCheck::Done, "min.insync.replicas 1 is met");
    }

    #[test]
    fn a_leader_refuses_acks_all_below_min_insync_replicas_as_kafka_does() {
        // Kafka's Partition.appendRecordsToLeader: inSyncSize < minIsr with requiredAcks == -1
        // throws NotEnoughReplicasException; acks=1 and acks=0 writes are taken.
        let p = Partition::new(&[0, 1, 2], 1 << 20);
        assert_eq!(p.leader_write_refused(true, true, 3), None, "three in sync at the start");
        assert_eq!(p.leader_write_refused(true, true, 4), Some(WriteRefused::NotEnoughReplicas));
        assert_eq!(p.leader_write_refused(true, false, 4), None, "acks=1 needs only the leader");
        assert_eq!(p.leader_write_refused(false, false, 1), Some(WriteRefused::NotLeader));
    }
}
