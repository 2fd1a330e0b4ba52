//! Consumer groups (pull): members, assignment and rebalances, the poll loop, processing and
//! committed offsets.

use std::collections::{BTreeMap, VecDeque};

use serde::{Deserialize, Serialize};

use crate::assignor::{assign, AssignorKind, MemberSubscription, TopicPartition};
use crate::rng::Rng;
use crate::vocab::default_max_poll_records;
use crate::vocab::{Chunk, CommitMode, ProcessingDist, Tp, TpMap};

/// A consumer group's configuration. Defaults are Kafka's where Kafka has one.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GroupSpec {
    /// Group id, unique among groups.
    pub name: String,
    /// Topics the members subscribe to.
    pub topics: Vec<String>,
    /// Members at the start.
    pub members: u32,
    /// Mean processing time per record, us (at speed factor 1).
    pub processing_us: u32,
    /// Variation of processing time. Default fixed.
    #[serde(default)]
    pub processing: ProcessingDist,
    /// Speed factor per member (1.0 = nominal; 0.5 = half as fast). Missing entries are 1.0.
    #[serde(default)]
    pub speed_factors: Vec<f64>,
    /// `max.poll.records`. Default 500.
    #[serde(default = "default_max_poll_records")]
    pub max_poll_records: u32,
    /// Commit mode. Default auto.
    #[serde(default)]
    pub commit: CommitMode,
    /// `auto.commit.interval.ms`. Default 5000.
    #[serde(default = "default_auto_commit_interval_ms")]
    pub auto_commit_interval_ms: u32,
    /// `partition.assignment.strategy`; cooperative-sticky rebalances cooperatively. Default range.
    #[serde(default)]
    pub assignor: AssignorKind,
    /// Time one rebalance round takes (join and sync), ms. Default 1000.
    #[serde(default = "default_rebalance_ms")]
    pub rebalance_ms: u32,
    /// `fetch.max.wait.ms`: how long the broker holds an empty fetch. Default 500.
    #[serde(default = "default_fetch_max_wait_ms")]
    pub fetch_max_wait_ms: u32,
    /// `session.timeout.ms`: a crashed member is noticed after this. Default 45000.
    #[serde(default = "default_session_timeout_ms")]
    pub session_timeout_ms: u32,
    /// `max.poll.interval.ms`: a member still processing one poll's records after this leaves
    /// the group without committing, and rejoins. Default 300000.
    #[serde(default = "default_max_poll_interval_ms")]
    pub max_poll_interval_ms: u32,
}

fn default_max_poll_interval_ms() -> u32 {
    300_000
}

/// Kafka's `max.poll.records` default, shared with share groups.
fn default_auto_commit_interval_ms() -> u32 {
    5_000
}
fn default_rebalance_ms() -> u32 {
    1_000
}
fn default_fetch_max_wait_ms() -> u32 {
    500
}
fn default_session_timeout_ms() -> u32 {
    45_000
}

impl GroupSpec {
    /// A group of `members` members on `topic`, each record taking `processing_us`.
    pub fn new(name: &str, topic: &str, members: u32, processing_us: u32) -> Self {
        GroupSpec {
            name: name.into(),
            topics: vec![topic.into()],
            members,
            processing_us,
            processing: ProcessingDist::Fixed,
            speed_factors: Vec::new(),
            max_poll_records: default_max_poll_records(),
            commit: CommitMode::Auto,
            auto_commit_interval_ms: default_auto_commit_interval_ms(),
            assignor: AssignorKind::Range,
            rebalance_ms: default_rebalance_ms(),
            fetch_max_wait_ms: default_fetch_max_wait_ms(),
            session_timeout_ms: default_session_timeout_ms(),
            max_poll_interval_ms: default_max_poll_interval_ms(),
        }
    }
}

/// What a member is doing, for display.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum MemberState {
    /// Waiting for a fetch answer.
    Fetching,
    /// Working through fetched records.
    Processing,
    /// No partition assigned (more members than partitions).
    Idle,
    /// Stopped by a rebalance.
    Rebalancing,
    /// Crashed; not yet noticed or not restarted.
    Crashed,
}

/// A fetch request between a member and the brokers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fetch {
    /// Travelling to the broker; arrives at `at_us`.
    ToBroker {
        /// Arrival, virtual us.
        at_us: u64,
    },
    /// Held by the broker until data arrives or `deadline_us` (fetch.max.wait.ms).
    Waiting {
        /// Deadline, virtual us.
        deadline_us: u64,
    },
    /// The answer is travelling back; arrives at `at_us` and holds `records`.
    ToMember {
        /// Arrival, virtual us.
        at_us: u64,
    },
}

/// One consumer of a group.
#[derive(Clone, Debug)]
pub struct Member {
    /// Member id (`<group>-<n>`).
    pub id: String,
    /// Speed factor (1.0 nominal).
    pub speed: f64,
    /// Partitions owned now.
    pub assigned: Vec<Tp>,
    /// Fetched records not processed yet; at most `max.poll.records` records.
    pub inbox: VecDeque<Chunk>,
    /// Answer being delivered (chunks arrive with the response).
    pub arriving: Vec<Chunk>,
    /// The fetch in flight.
    pub fetch: Option<Fetch>,
    /// Crash time, if crashed.
    pub crashed_us: Option<u64>,
    /// Records processed by this member.
    pub processed_records: u64,
    /// When the records now in the inbox were handed over (the last poll), virtual us.
    pub polled_us: u64,
    /// Next offset this member expects to process per partition (order check).
    next_offset: TpMap,
    work_us: f64,
    cursor: usize,
}

impl Member {
    fn new(id: String, speed: f64) -> Self {
        Member {
            id,
            speed,
            assigned: Vec::new(),
            inbox: VecDeque::new(),
            arriving: Vec::new(),
            fetch: None,
            crashed_us: None,
            processed_records: 0,
            polled_us: 0,
            next_offset: TpMap::default(),
            work_us: 0.0,
            cursor: 0,
        }
    }

    /// Records waiting in the inbox.
    pub fn inbox_records(&self) -> u64 {
        self.inbox.iter().map(|c| c.to - c.from).sum()
    }
}

/// Group counters.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct GroupStats {
    /// Records processed (including duplicates).
    pub processed_records: u64,
    /// Records processed a second time (redelivered after a crash or rebalance).
    pub duplicate_records: u64,
    /// Records skipped because offsets were committed before processing (at-most-once).
    pub lost_records: u64,
    /// Records deleted by retention before this group read them.
    pub lost_to_retention_records: u64,
    /// Rebalances started.
    pub rebalances: u64,
    /// Members that exceeded `max.poll.interval.ms` and left the group.
    pub max_poll_exceeded: u64,
    /// Records a member processed out of offset order within a partition (must stay 0).
    pub order_violations: u64,
    /// Virtual us with a rebalance in progress.
    pub rebalancing_us: u64,
    /// Fetch requests sent.
    pub fetches: u64,
    /// Fetch answers that carried no record (a poll that found no work).
    pub empty_fetches: u64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Rebalance {
    round_ends_us: u64,
    /// Cooperative protocol: a second round follows to hand out revoked partitions.
    second_round: bool,
}

/// A consumer group's run-time state.
#[derive(Clone, Debug)]
pub struct Group {
    /// Configuration.
    pub spec: GroupSpec,
    /// Members, in join order. Removed members are dropped from this list.
    pub members: Vec<Member>,
    /// Counters.
    pub stats: GroupStats,
    /// Rebalance generation; bumped at every rebalance.
    pub generation: u32,
    /// Topic indices the group subscribes to.
    pub topics: Vec<u16>,
    /// Next offset to fetch per partition (valid while owned).
    position: TpMap,
    /// Committed offset per partition.
    committed: TpMap,
    /// Highest offset + 1 ever processed per partition (for duplicate and loss accounting).
    processed_end: TpMap,
    rebalance: Option<Rebalance>,
    next_member_no: u32,
    next_auto_commit_us: u64,
}

/// The parts of a topic the group needs to know about its partitions.
pub struct TopicView<'a> {
    /// Topic name.
    pub name: &'a str,
    /// Partition count.
    pub partitions: u32,
}

impl Group {
    /// The group's own invariants: records processed in order, each partition owned by at
    /// most one member, no inbox above `max.poll.records`. The message names what broke.
    pub fn check(&self) -> Result<(), String> {
        if self.stats.order_violations > 0 {
            return Err(format!("{}: records processed out of order", self.spec.name));
        }
        let mut owners = BTreeMap::new();
        for m in &self.members {
            for tp in &m.assigned {
                if let Some(other) = owners.insert(*tp, &m.id) {
                    return Err(format!("{tp:?} owned by {other} and {}", m.id));
                }
            }
            let cap = self.spec.max_poll_records as u64;
            if m.inbox_records() > cap {
                let n = m.inbox_records();
                return Err(format!("{} holds {n} records > max.poll.records", m.id));
            }
        }
        Ok(())
    }

    /// A group with its initial members, not yet assigned; call [`Group::rebalance`].
    pub fn new(spec: GroupSpec, topics: Vec<u16>) -> Self {
        let mut g = Group {
            members: Vec::new(),
            stats: GroupStats::default(),
            generation: 0,
            topics,
            position: TpMap::default(),
            committed: TpMap::default(),
            processed_end: TpMap::default(),
            rebalance: None,
            next_member_no: 0,
            next_auto_commit_us: spec.auto_commit_interval_ms as u64 * 1000,
            spec,
        };
        for _ in 0..g.spec.members {
            g.add_member_quietly();
        }
        g
    }

    fn add_member_quietly(&mut self) {
        let n = self.next_member_no;
        self.next_member_no += 1;
        let speed = self.spec.speed_factors.get(n as usize).copied().unwrap_or(1.0);
        self.members.push(Member::new(format!("{}-{n}", self.spec.name), speed));
    }

    /// Committed offset of `tp` (0 if never committed).
    pub fn committed(&self, tp: Tp) -> u64 {
        self.committed.get(&tp).copied().unwrap_or(0)
    }

    /// Whether a rebalance is in progress.
    pub fn is_rebalancing(&self) -> bool {
        self.rebalance.is_some()
    }

    /// What member `i` is doing.
    pub fn member_state(&self, i: usize) -> MemberState {
        let m = &self.members[i];
        if m.crashed_us.is_some() {
            MemberState::Crashed
        } else if self.rebalance.is_some() && m.assigned.is_empty() {
            MemberState::Rebalancing
        } else if m.assigned.is_empty() {
            MemberState::Idle
        } else if !m.inbox.is_empty() {
            MemberState::Processing
        } else {
            MemberState::Fetching
        }
    }

    /// The owner (member index) of each assigned partition.
    pub fn owners(&self) -> BTreeMap<Tp, usize> {
        let mut out = BTreeMap::new();
        for (i, m) in self.members.iter().enumerate() {
            for tp in &m.assigned {
                out.insert(*tp, i);
            }
        }
        out
    }

    /// Adds a member and starts a rebalance.
    pub fn add_member(&mut self, now_us: u64, topics: &[TopicView]) {
        self.add_member_quietly();
        self.rebalance(now_us, topics);
    }

    /// Removes the newest member gracefully (it commits and leaves) and starts a rebalance.
    pub fn remove_member(&mut self, now_us: u64, topics: &[TopicView]) -> bool {
        let Some(i) = self.members.iter().rposition(|m| m.crashed_us.is_none()) else {
            return false;
        };
        self.revoke(i, None, true);
        self.members.remove(i);
        self.rebalance(now_us, topics);
        true
    }

    /// Crashes member `i`: it stops at once, commits nothing; the group notices after
    /// `session.timeout.ms`.
    pub fn crash_member(&mut self, i: usize, now_us: u64) -> bool {
        let Some(m) = self.members.get_mut(i) else {
            return false;
        };
        if m.crashed_us.is_some() {
            return false;
        }
        m.crashed_us = Some(now_us);
        m.inbox.clear();
        m.arriving.clear();
        m.fetch = None;
        true
    }

    /// Restarts crashed member `i`: it rejoins (a rebalance).
    pub fn restart_member(&mut self, i: usize, now_us: u64, topics: &[TopicView]) -> bool {
        let Some(m) = self.members.get_mut(i) else {
            return false;
        };
        if m.crashed_us.take().is_none() {
            return false;
        }
        m.assigned.clear();
        self.rebalance(now_us, topics);
        true
    }

    /// Revokes member `i`'s partitions (or only those in `only`): with `may_commit`, commits
    /// what the mode commits on revoke (a crashed member never does); drops fetched records and
    /// forgets the positions.
    fn revoke(&mut self, i: usize, only: Option<&[Tp]>, may_commit: bool) {
        let commit_on_revoke = may_commit
            && self.spec.commit != CommitMode::BeforeProcess
            && self.members[i].crashed_us.is_none();
        let m = &mut self.members[i];
        let revoked: Vec<Tp> = match only {
            None => std::mem::take(&mut m.assigned),
            Some(list) => {
                m.assigned.retain(|tp| !list.contains(tp));
                list.to_vec()
            }
        };
        m.inbox.retain(|c| !revoked.contains(&c.tp));
        m.arriving.retain(|c| !revoked.contains(&c.tp));
        m.next_offset.retain(|tp| !revoked.contains(&tp));
        for tp in revoked {
            if commit_on_revoke {
                if let Some(&end) = self.processed_end.get(&tp) {
                    let c = self.committed.or_insert(tp, 0);
                    *c = (*c).max(end);
                }
            }
            self.position.remove(&tp);
        }
    }

    /// Starts a rebalance: a new generation; eager revokes everything, cooperative only what
    /// moves. Partitions are handed out when the round ends.
    pub fn rebalance(&mut self, now_us: u64, topics: &[TopicView]) {
        self.generation += 1;
        self.stats.rebalances += 1;
        let cooperative = self.spec.assignor == AssignorKind::CooperativeSticky;
        if cooperative {
            let target = self.compute(topics);
            for (i, keep) in target.iter().enumerate() {
                let losing: Vec<Tp> = self.members[i]
                    .assigned
                    .iter()
                    .filter(|tp| !keep.contains(tp))
                    .copied()
                    .collect();
                self.revoke(i, Some(&losing), true);
            }
        } else {
            for i in 0..self.members.len() {
                self.revoke(i, None, true);
            }
        }
        self.rebalance = Some(Rebalance {
            round_ends_us: now_us + self.spec.rebalance_ms as u64 * 1000,
            second_round: cooperative,
        });
    }

    /// The assignor's target for the live members, as partition lists in member order.
    fn compute(&self, topics: &[TopicView]) -> Vec<Vec<Tp>> {
        let by_name: BTreeMap<String, u32> = self
            .topics
            .iter()
            .map(|&t| (topics[t as usize].name.to_string(), topics[t as usize].partitions))
            .collect();
        let names: Vec<String> = by_name.keys().cloned().collect();
        let to_named = |tp: &Tp| TopicPartition {
            topic: topics[tp.topic as usize].name.to_string(),
            partition: tp.partition,
        };
        let subs: Vec<MemberSubscription> = self
            .members
            .iter()
            .filter(|m| m.crashed_us.is_none())
            .map(|m| MemberSubscription {
                id: m.id.clone(),
                instance: None,
                topics: names.clone(),
                owned: m.assigned.iter().map(to_named).collect(),
                generation: self.generation.saturating_sub(1),
            })
            .collect();
        let result = assign(self.spec.assignor, &by_name, &subs);
        let index_of = |name: &str| {
            topics.iter().position(|t| t.name == name).expect("assignor returns known topics")
                as u16
        };
        self.members
            .iter()
            .map(|m| {
                result
                    .get(&m.id)
                    .map(|list| {
                        list.iter()
                            .map(|tp| Tp { topic: index_of(&tp.topic), partition: tp.partition })
                            .collect()
                    })
                    .unwrap_or_default()
            })
            .collect()
    }

    /// Ends a rebalance round when due: hands out the target assignment.
    fn finish_rebalance_round(&mut self, now_us: u64, topics: &[TopicView]) {
        let Some(r) = self.rebalance else { return };
        if now_us < r.round_ends_us {
            return;
        }
        let target = self.compute(topics);
        for (i, list) in target.into_iter().enumerate() {
            let m = &mut self.members[i];
            for tp in list {
                if !m.assigned.contains(&tp) {
                    m.assigned.push(tp);
                }
            }
        }
        let owned: usize = self.members.iter().map(|m| m.assigned.len()).sum();
        let subscribed: u32 = self.topics.iter().map(|&t| topics[t as usize].partitions).sum();
        let live = self.members.iter().any(|m| m.crashed_us.is_none());
        self.rebalance = if r.second_round && live && (owned as u32) < subscribed {
            Some(Rebalance {
                round_ends_us: now_us + self.spec.rebalance_ms as u64 * 1000,
                second_round: false,
            })
        } else {
            None
        };
    }

    /// Notices crashed members whose session timed out and rebalances without them.
    fn expire_sessions(&mut self, now_us: u64, topics: &[TopicView]) {
        let timeout_us = self.spec.session_timeout_ms as u64 * 1000;
        let expired = self.members.iter().any(|m| {
            m.crashed_us.is_some_and(|t| now_us - t >= timeout_us) && !m.assigned.is_empty()
        });
        if expired {
            for i in 0..self.members.len() {
                if self.members[i].crashed_us.is_some_and(|t| now_us - t >= timeout_us) {
                    // A crashed member commits nothing: its next owner resumes at the last commit.
                    self.revoke(i, None, false);
                }
            }
            self.rebalance(now_us, topics);
        }
    }

    /// A member whose processing of one poll's records outlasts `max.poll.interval.ms` leaves
    /// the group without committing (its records go to the next owner) and rejoins.
    fn enforce_max_poll_interval(&mut self, now_us: u64, topics: &[TopicView]) {
        let limit_us = self.spec.max_poll_interval_ms as u64 * 1000;
        let mut kicked = false;
        for i in 0..self.members.len() {
            let m = &self.members[i];
            if m.crashed_us.is_none() && !m.inbox.is_empty() && now_us - m.polled_us > limit_us {
                // Leaving after the deadline: the group refuses its commit.
                self.revoke(i, None, false);
                self.members[i].inbox.clear();
                self.members[i].fetch = None;
                self.stats.max_poll_exceeded += 1;
                kicked = true;
            }
        }
        if kicked {
            self.rebalance(now_us, topics);
        }
    }

    /// Membership upkeep for one step: session expiry, rebalance rounds, time accounting.
    pub fn upkeep(&mut self, now_us: u64, dt_us: u64, topics: &[TopicView]) {
        self.expire_sessions(now_us, topics);
        self.enforce_max_poll_interval(now_us, topics);
        if self.rebalance.is_some() {
            self.stats.rebalancing_us += dt_us;
        }
        self.finish_rebalance_round(now_us, topics);
    }

    /// The position a newly owned partition starts from: the committed offset, moved up to the
    /// log start if retention deleted it (auto.offset.reset=earliest); losses are counted.
    pub fn start_position(&mut self, tp: Tp, log_start: u64) -> u64 {
        if let Some(&p) = self.position.get(&tp) {
            if p >= log_start {
                return p;
            }
        }
        let committed = self.committed(tp);
        let processed = self.processed_end.get(&tp).copied().unwrap_or(0);
        if committed > processed {
            // Committed ahead of processing and the records were never processed.
            self.stats.lost_records += committed - processed;
            self.processed_end.insert(tp, committed);
        }
        let mut start = committed;
        if start < log_start {
            self.stats.lost_to_retention_records += log_start - start.max(processed);
            start = log_start;
            self.processed_end.insert(tp, start.max(processed));
        }
        self.position.insert(tp, start);
        start
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
        let chunks = std::mem::take(&mut self.members[i].arriving);
        if !chunks.is_empty() {
            self.members[i].polled_us = now_us;
        }
        for mut c in chunks {
            c.cost_us = cost;
            if before {
                self.commit(c.tp, c.to);
            }
            self.members[i].inbox.push_back(c);
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
            let can = libm::floor(m.work_us / cost) as u64;
            let n = can.min(c.to - c.from);
            if n == 0 {
                break;
            }
            m.work_us -= n as f64 * cost;
            let (from, to) = (c.from, c.from + n);
            let expect = m.next_offset.or_insert(c.tp, from);
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

    /// Auto-commit: every interval, commits processed positions of owned partitions.
    pub fn auto_commit(&mut self, now_us: u64) {
        if self.spec.commit != CommitMode::Auto || now_us < self.next_auto_commit_us {
            return;
        }
        self.next_auto_commit_us = now_us + self.spec.auto_commit_interval_ms as u64 * 1000;
        let owned: Vec<Tp> = self
            .members
            .iter()
            .filter(|m| m.crashed_us.is_none())
            .flat_map(|m| m.assigned.iter().copied())
            .collect();
        for tp in owned {
            if let Some(&end) = self.processed_end.get(&tp) {
                self.commit(tp, end);
            }
        }
    }

    /// Picks the partitions member `i` fetches from next, rotating so none starves.
    pub fn fetch_order(&mut self, i: usize) -> Vec<Tp> {
        let m = &mut self.members[i];
        let n = m.assigned.len();
        if n == 0 {
            return Vec::new();
        }
        m.cursor = (m.cursor + 1) % n;
        (0..n).map(|k| m.assigned[(m.cursor + k) % n]).collect()
    }
}
