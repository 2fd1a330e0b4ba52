//! Consumer groups (pull): members, assignment and rebalances, the poll loop, processing and
//! committed offsets.

mod member;
mod poll;
mod rebalance;
mod spec;

pub use member::{Fetch, Member, MemberState};
pub use spec::GroupSpec;

use std::collections::BTreeMap;

use serde::Serialize;

use crate::vocab::{Tp, TpMap};
use rebalance::Rebalance;

/// Group counters.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct GroupStats {
    /// Records processed (including duplicates).
    pub processed_records: u64,
    /// Records processed a second time (redelivered after a crash or rebalance).
    pub duplicate_records: u64,
    /// Records skipped because offsets were committed before processing (at-most-once).
    pub lost_records: u64,
    /// Records deleted by retention before this group read them (once it had a position or a
    /// commit in the partition).
    pub lost_to_retention_records: u64,
    /// Records in the log that this group never read because `auto.offset.reset` started it
    /// past them: with `latest`, what the partition held when the group first needed a
    /// position there (or when retention put its position out of range). Not a loss: Kafka's
    /// default, a new group reads only what is written from then on.
    pub reset_skipped_records: u64,
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
    /// End-to-end latency of the records its members processed.
    pub latency: crate::metrics::ReaderLatency,
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
            latency: Default::default(),
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

    /// Committed offset of `tp`, if the group has committed one.
    pub fn committed_offset(&self, tp: Tp) -> Option<u64> {
        self.committed.get(&tp).copied()
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
}
