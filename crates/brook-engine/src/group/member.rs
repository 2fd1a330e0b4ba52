//! One consumer of a group: what it owns, what it fetched, and what it is doing.

use std::collections::VecDeque;

use serde::Serialize;

use crate::vecmap::VecMap;
use crate::vocab::{Chunk, Tp};

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
///
/// Aligned to a cache line, in declared order (`repr(C)`): the first line holds what every
/// step reads of every member (phase 8's session and poll-interval checks, then phase 9's
/// poll), the second what a poll reads, the rest what only an answer or a record reaches.
#[derive(Clone, Debug)]
#[repr(C, align(64))]
pub struct Member {
    /// Crash time, if crashed.
    pub crashed_us: Option<u64>,
    /// When the records now in the inbox were handed over (the last poll), virtual us.
    pub polled_us: u64,
    /// Fetched records not processed yet; at most `max.poll.records` records.
    pub inbox: VecDeque<Chunk>,
    /// Speed factor (1.0 nominal).
    pub speed: f64,
    /// The fetch in flight.
    pub fetch: Option<Fetch>,
    /// Partitions owned now.
    pub assigned: Vec<Tp>,
    /// Processing time earned and not yet spent on a whole record, us.
    pub(super) work_us: f64,
    /// Rotates the order partitions are fetched in, so none starves.
    pub(super) cursor: usize,
    /// Records processed by this member.
    pub processed_records: u64,
    /// Answer being delivered (chunks arrive with the response).
    pub arriving: Vec<Chunk>,
    /// Next offset this member expects to process per partition (order check). A sorted list
    /// of the member's few partitions, not a [`TpMap`](crate::vocab::TpMap) row as long as
    /// the topic: at 4,096 partitions a topic, 1,024 members' rows were 64 MB, read at a cache
    /// miss per chunk.
    pub(super) next_offset: VecMap<Tp, u64>,
    /// Member id (`<group>-<n>`).
    pub id: String,
}

impl Member {
    pub(super) fn new(id: String, speed: f64) -> Self {
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
            next_offset: VecMap::new(),
            work_us: 0.0,
            cursor: 0,
        }
    }

    /// Records waiting in the inbox.
    pub fn inbox_records(&self) -> u64 {
        self.inbox.iter().map(|c| c.to - c.from).sum()
    }
}
