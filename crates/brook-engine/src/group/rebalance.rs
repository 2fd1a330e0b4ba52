//! Membership and rebalances: members join, leave, crash and restart; each rebalance is a new
//! generation; eager assignors revoke everything, cooperative-sticky only what moves.

use super::{Group, TopicView};
use crate::assignor::{assign_sorted, AssignorKind, MemberSubscription, TopicPartition};
use crate::vocab::{CommitMode, Tp};

/// A rebalance in progress.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Rebalance {
    /// End of the current join-and-sync round, virtual us.
    pub(super) round_ends_us: u64,
    /// Cooperative protocol: a second round follows to hand out revoked partitions.
    pub(super) second_round: bool,
}

impl Group {
    /// Adds a member and starts a rebalance.
    pub fn add_member(&mut self, now_us: u64) {
        self.add_member_quietly();
        self.rebalance(now_us);
    }

    /// Removes the newest member gracefully (it commits and leaves) and starts a rebalance.
    pub fn remove_member(&mut self, now_us: u64) -> bool {
        let Some(i) = self.members.iter().rposition(|m| m.crashed_us.is_none()) else {
            return false;
        };
        self.revoke(i, None, true);
        self.members.remove(i);
        self.rebalance(now_us);
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

    /// Restarts crashed member `i`: a new instance with no positions rejoins (a rebalance), so
    /// its partitions resume at the last commit, as after its session expires.
    pub fn restart_member(&mut self, i: usize, now_us: u64) -> bool {
        if self.members.get(i).is_none_or(|m| m.crashed_us.is_none()) {
            return false;
        }
        self.revoke(i, None, false);
        self.members[i].crashed_us = None;
        self.rebalance(now_us);
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
        // What this member processed (not an earlier owner): the commit on revoke.
        let processed: Vec<Option<u64>> =
            revoked.iter().map(|tp| m.next_offset.get(tp).copied()).collect();
        m.next_offset.retain(|tp, _| !revoked.contains(tp));
        for (tp, end) in revoked.into_iter().zip(processed) {
            if let Some(end) = end.filter(|_| commit_on_revoke) {
                let c = self.committed.or_insert(tp, 0);
                *c = (*c).max(end);
            }
            self.position.remove(&tp);
        }
    }

    /// Starts a rebalance: a new generation. Eager assignors revoke everything now; with the
    /// cooperative protocol (KIP-429) every member keeps its partitions, and goes on reading
    /// them, through the round. Partitions are handed out when the round ends.
    pub fn rebalance(&mut self, now_us: u64) {
        self.generation += 1;
        self.stats.rebalances += 1;
        let cooperative = self.spec.assignor == AssignorKind::CooperativeSticky;
        if !cooperative {
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
        let by_name: crate::assignor::Topics = self
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
        let result = assign_sorted(self.spec.assignor, &by_name, &subs);
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
        if self.spec.assignor == AssignorKind::CooperativeSticky {
            // The round's assignment leaves out what moves (the assignor's
            // `computePartitionsTransferringOwnership`); each live member gives up what it no
            // longer gets (`ConsumerCoordinator.onJoinComplete`) and rejoins: the second round
            // hands those partitions on.
            for (i, keep) in target.iter().enumerate() {
                if self.members[i].crashed_us.is_none() {
                    let m = &self.members[i];
                    let losing: Vec<Tp> =
                        m.assigned.iter().filter(|tp| !keep.contains(tp)).copied().collect();
                    self.revoke(i, Some(&losing), true);
                }
            }
        }
        // A partition another member still holds is not handed on in this round: it must be
        // revoked first (Kafka's cooperative protocol never moves a partition directly, see
        // `ConsumerCoordinator.validateCooperativeAssignment`); a later round gives it out.
        // A crashed holder keeps it until its session expires (which rebalances); a live one
        // (the assignor was changed mid-round) has it revoked by a follow-up rebalance.
        // Each partition's first holder in member order, looked up (a search of every
        // member's list for each partition was 4096 x 4096 comparisons a group at the
        // production preset's size).
        let mut holders = crate::vocab::TpMap::default();
        for (h, m) in self.members.iter().enumerate().rev() {
            for &tp in &m.assigned {
                holders.insert(tp, h as u64);
            }
        }
        let mut live_holder = false;
        for (i, list) in target.into_iter().enumerate() {
            for tp in list {
                match holders.get(&tp).map(|&h| h as usize) {
                    Some(h) if h != i => live_holder |= self.members[h].crashed_us.is_none(),
                    Some(_) => {}
                    None => {
                        self.members[i].assigned.push(tp);
                        holders.insert(tp, i as u64);
                    }
                }
            }
        }
        let owned: usize = self.members.iter().map(|m| m.assigned.len()).sum();
        let subscribed: u32 = self.topics.iter().map(|&t| topics[t as usize].partitions).sum();
        let live = self.members.iter().any(|m| m.crashed_us.is_none());
        self.rebalance = if r.second_round && live && (owned as u32) < subscribed {
            // The members that gave partitions up rejoin: a follow-up rebalance, a new
            // generation (KIP-429).
            self.generation += 1;
            self.stats.rebalances += 1;
            Some(Rebalance {
                round_ends_us: now_us + self.spec.rebalance_ms as u64 * 1000,
                second_round: false,
            })
        } else {
            None
        };
        if live_holder {
            self.rebalance(now_us);
        }
    }

    /// Notices crashed members whose session timed out and rebalances without them.
    fn expire_sessions(&mut self, now_us: u64) {
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
            self.rebalance(now_us);
        }
    }

    /// A member whose processing of one poll's records outlasts `max.poll.interval.ms` leaves
    /// the group without committing (its records go to the next owner) and rejoins.
    fn enforce_max_poll_interval(&mut self, now_us: u64) {
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
            self.rebalance(now_us);
        }
    }

    /// Membership upkeep for one step: session expiry, rebalance rounds, time accounting.
    pub fn upkeep(&mut self, now_us: u64, dt_us: u64, topics: &[TopicView]) {
        self.expire_sessions(now_us);
        self.enforce_max_poll_interval(now_us);
        if self.rebalance.is_some() {
            self.stats.rebalancing_us += dt_us;
        }
        self.finish_rebalance_round(now_us, topics);
    }
}
