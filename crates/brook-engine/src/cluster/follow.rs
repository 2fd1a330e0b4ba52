//! Following one record: a bounded trace of its journey (produced, appended, replicated, and
//! what each reader did with it), for the page and the CLI to tell. It is a view, not a
//! [`crate::Command`]: following changes nothing in the run (nor its trace hash), and when
//! nothing is followed the step pays one `is_some` test per hook.
//!
//! Each kind of reader shows its delivery rule: in a consumer group one member processes a
//! record (the member assigned its partition; after a rebalance the new owner reprocesses from
//! the last committed offset: Kafka's at-least-once); a share group gives it to one member at
//! a time under a lock (KIP-932), again after the lock expires; a push subscription (not
//! Kafka) sends it to its subscriber. Several groups each get every record: publish/subscribe.

use super::Cluster;
use crate::reader::ReaderKind;
use crate::vocab::Tp;

/// Most events a followed record keeps; later ones are counted in `events_dropped`.
pub const FOLLOW_EVENTS_MAX: usize = 64;

/// Which record to follow.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FollowTarget {
    /// The first record of the next batch a producer gets appended: producer `producer`
    /// (any when None), to `partition` of its topic when given.
    Next {
        /// Producer index; None for any producer.
        producer: Option<u32>,
        /// Only a batch for this partition of the producer's topic.
        partition: Option<u32>,
    },
    /// The record at `offset` of `tp`, if the log still holds it.
    At {
        /// Partition.
        tp: Tp,
        /// Offset.
        offset: u64,
    },
}

/// A reader by kind and index (groups, share groups and subscriptions are three lists).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReaderRef {
    /// Which list.
    pub kind: ReaderKind,
    /// Index in it.
    pub index: u16,
}

/// Why a followed record was lost.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LostCause {
    /// Retention deleted it from the log.
    Retention,
    /// A leader change truncated the log below it (an unclean election, or acks below all).
    Truncated,
    /// `mqtt-qos0`: dropped, the client's queue was full.
    Dropped,
    /// `redis-pubsub`: published while the subscriber was disconnected.
    Missed,
    /// `redis-pubsub`: discarded with the output buffer when the subscriber was cut off.
    Discarded,
}

/// One step of a followed record's journey.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Hop {
    /// Created by a producer (at the record's creation time).
    Produced {
        /// Producer index.
        producer: u32,
        /// Key index (`u32::MAX` keyless).
        key: u32,
    },
    /// Appended by the partition leader.
    Appended {
        /// Partition.
        tp: Tp,
        /// Offset.
        offset: u64,
        /// The leader's broker.
        broker: u16,
    },
    /// The high watermark passed it: every in-sync replica has it; readers may read it.
    Replicated,
    /// A consumer group member's fetch answer carried it.
    Fetched {
        /// The group.
        reader: ReaderRef,
        /// Member index.
        member: u32,
    },
    /// A share group member acquired it under a lock.
    Acquired {
        /// The share group.
        reader: ReaderRef,
        /// Member index.
        member: u32,
        /// Delivery number (1 the first time).
        delivery: u8,
    },
    /// The lock of a share group member expired before it acknowledged the record.
    LockExpired {
        /// The share group.
        reader: ReaderRef,
        /// Member index.
        member: u32,
    },
    /// A broker pushed it to a subscriber (not Kafka).
    Pushed {
        /// The subscription.
        reader: ReaderRef,
        /// Consumer index.
        member: u32,
        /// Requeued from a consumer that crashed.
        again: bool,
    },
    /// A member processed it.
    Processed {
        /// The reader.
        reader: ReaderRef,
        /// Member index.
        member: u32,
        /// Share groups: whether the broker took its acknowledgement (refused once the lock
        /// expired). Always true for the others.
        acknowledged: bool,
    },
    /// A share group member could not process it and released (or rejected) it.
    Released {
        /// The share group.
        reader: ReaderRef,
        /// Member index.
        member: u32,
    },
    /// A consumer group that fetched it, and has not committed past it, started a rebalance:
    /// the partition's next owner starts from the committed offset and processes it (again).
    Rebalanced {
        /// The group.
        reader: ReaderRef,
    },
    /// A consumer group's committed offset passed it.
    Committed {
        /// The group.
        reader: ReaderRef,
    },
    /// Lost: for one reader, or for all (`reader` None: gone from the log).
    Lost {
        /// The reader that will not get it, if only one.
        reader: Option<ReaderRef>,
        /// Why.
        cause: LostCause,
    },
}

/// One event of the journey, at a virtual time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FollowEvent {
    /// Virtual us.
    pub at_us: u64,
    /// What happened.
    pub hop: Hop,
}

/// Per reader, what the follow has seen (for the events found by looking, not by a hook).
#[derive(Clone, Copy, Debug, Default)]
struct Seen {
    /// Groups: committed past it. Subscriptions: pushed.
    passed: bool,
    /// Processed by some member.
    processed: bool,
    /// Groups: fetched (1). Share groups: the member holding its lock, plus one.
    holder: u32,
    /// Already reported lost, or already past the record when the follow began.
    closed: bool,
    /// Groups: rebalances started, as last looked at.
    rebalances: Option<u64>,
}

/// A followed record and its journey so far.
#[derive(Clone, Debug)]
pub struct Followed {
    /// What was asked.
    pub target: FollowTarget,
    /// The record, once known: partition and offset.
    pub record: Option<(Tp, u64)>,
    /// The journey, in the order it happened (at most [`FOLLOW_EVENTS_MAX`]).
    pub events: Vec<FollowEvent>,
    /// Events past the bound.
    pub events_dropped: u64,
    replicated: bool,
    gone: bool,
    /// Subscriptions there were when the record was first looked at.
    subs_watched: Option<usize>,
    groups: Vec<Seen>,
    shares: Vec<Seen>,
    subs: Vec<Seen>,
}

#[inline(never)]
fn seen(v: &mut Vec<Seen>, i: usize) -> &mut Seen {
    if v.len() <= i {
        v.resize(i + 1, Seen::default());
    }
    &mut v[i]
}

impl Followed {
    fn new(target: FollowTarget) -> Self {
        Followed {
            target,
            record: None,
            events: Vec::new(),
            events_dropped: 0,
            replicated: false,
            gone: false,
            subs_watched: None,
            groups: Vec::new(),
            shares: Vec::new(),
            subs: Vec::new(),
        }
    }

    #[cold]
    #[inline(never)]
    fn push(&mut self, at_us: u64, hop: Hop) {
        if self.events.len() < FOLLOW_EVENTS_MAX {
            self.events.push(FollowEvent { at_us, hop });
        } else {
            self.events_dropped += 1;
        }
    }

    /// Whether `[from, to)` of `tp` holds the followed record.
    pub(super) fn covers(&self, tp: Tp, from: u64, to: u64) -> bool {
        self.record.is_some_and(|(t, o)| t == tp && from <= o && o < to)
    }

    /// A leader appended `[offset, offset + count)` of `tp` from `producer`.
    #[allow(clippy::too_many_arguments)]
    #[cold]
    #[inline(never)]
    pub(super) fn appended(
        &mut self,
        producer: u32,
        tp: Tp,
        offset: u64,
        key: u32,
        create_us: u64,
        broker: u16,
        now_us: u64,
    ) {
        let FollowTarget::Next { producer: p, partition } = self.target else { return };
        let other = p.is_some_and(|p| p != producer);
        if self.record.is_some() || other || partition.is_some_and(|q| q != tp.partition) {
            return;
        }
        self.record = Some((tp, offset));
        self.push(create_us, Hop::Produced { producer, key });
        self.push(now_us, Hop::Appended { tp, offset, broker });
    }

    #[cold]
    #[inline(never)]
    pub(super) fn fetched(
        &mut self,
        gi: usize,
        member: u32,
        tp: Tp,
        from: u64,
        to: u64,
        now_us: u64,
    ) {
        if !self.covers(tp, from, to) {
            return;
        }
        seen(&mut self.groups, gi).holder = 1;
        let reader = ReaderRef { kind: ReaderKind::Group, index: gi as u16 };
        self.push(now_us, Hop::Fetched { reader, member });
    }

    #[cold]
    #[inline(never)]
    pub(super) fn processed(
        &mut self,
        kind: ReaderKind,
        i: usize,
        member: u32,
        (tp, from, to): (Tp, u64, u64),
        now_us: u64,
    ) {
        if !self.covers(tp, from, to) {
            return;
        }
        let v = match kind {
            ReaderKind::Group => &mut self.groups,
            ReaderKind::Share => &mut self.shares,
            ReaderKind::Push => &mut self.subs,
        };
        seen(v, i).processed = true;
        let reader = ReaderRef { kind, index: i as u16 };
        self.push(now_us, Hop::Processed { reader, member, acknowledged: true });
    }

    /// Share group `si`'s member `member` finished with it: processed (acknowledged or, the
    /// lock having expired, refused) or released.
    #[cold]
    #[inline(never)]
    pub(super) fn share_done(
        &mut self,
        si: usize,
        member: u32,
        finished: bool,
        acked: bool,
        now_us: u64,
    ) {
        let s = seen(&mut self.shares, si);
        if acked && s.holder == member + 1 {
            s.holder = 0;
        }
        s.processed |= finished;
        let reader = ReaderRef { kind: ReaderKind::Share, index: si as u16 };
        let hop = if finished {
            Hop::Processed { reader, member, acknowledged: acked }
        } else {
            Hop::Released { reader, member }
        };
        self.push(now_us, hop);
    }

    #[cold]
    #[inline(never)]
    pub(super) fn share_acquired(&mut self, si: usize, member: u32, delivery: u8, now_us: u64) {
        seen(&mut self.shares, si).holder = member + 1;
        let reader = ReaderRef { kind: ReaderKind::Share, index: si as u16 };
        self.push(now_us, Hop::Acquired { reader, member, delivery });
    }

    #[cold]
    #[inline(never)]
    pub(super) fn pushed(&mut self, si: usize, member: u32, again: bool, now_us: u64) {
        seen(&mut self.subs, si).passed = true;
        let reader = ReaderRef { kind: ReaderKind::Push, index: si as u16 };
        self.push(now_us, Hop::Pushed { reader, member, again });
    }

    /// Every member that processed it, per reader, in order: `(reader, member)`.
    pub fn processed_by(&self) -> impl Iterator<Item = (ReaderRef, u32)> + '_ {
        self.events.iter().filter_map(|e| match e.hop {
            Hop::Processed { reader, member, .. } => Some((reader, member)),
            _ => None,
        })
    }
}

impl Cluster {
    /// Starts following a record (replacing any record followed): the next record a producer
    /// gets appended ([`Cluster::follow_next`]), or one the log holds now. Refused, with a
    /// message, for a producer or partition that does not exist, or an offset the log does not
    /// hold.
    pub fn follow(&mut self, target: FollowTarget) -> Result<(), String> {
        match target {
            FollowTarget::Next { producer, partition } => self.follow_next(producer, partition),
            FollowTarget::At { tp, offset } => self.follow_at(tp, offset),
        }
    }

    /// Follows the next record producer `producer` (any when None) gets appended, to
    /// `partition` of its topic when given. (Apart from [`Cluster::follow`] so that a UI that
    /// only follows next records does not carry the rest.)
    pub fn follow_next(
        &mut self,
        producer: Option<u32>,
        partition: Option<u32>,
    ) -> Result<(), String> {
        match (producer, partition) {
            (None, Some(_)) => return Err("a partition is followed with its producer".into()),
            (None, None) => {}
            (Some(producer), partition) => {
                let Some(&t) = self.producer_topic.get(producer as usize) else {
                    return Err(format!("no producer {producer}"));
                };
                let parts = self.topics[t as usize].partitions.len() as u32;
                if partition.is_some_and(|p| p >= parts) {
                    return Err(format!("the producer's topic has {parts} partitions"));
                }
            }
        }
        self.follow = Some(Box::new(Followed::new(FollowTarget::Next { producer, partition })));
        Ok(())
    }

    fn follow_at(&mut self, tp: Tp, offset: u64) -> Result<(), String> {
        let mut f = Followed::new(FollowTarget::At { tp, offset });
        let part = self
            .topics
            .get(tp.topic as usize)
            .and_then(|t| t.partitions.get(tp.partition as usize))
            .ok_or_else(|| "no such partition".to_string())?;
        let log = &part.log;
        let batch = log.batches().find(|b| b.base_offset <= offset && offset < b.end_offset());
        let Some(b) = batch.filter(|_| offset >= log.log_start_offset()) else {
            return Err(format!(
                "the log holds offsets {} to {}",
                log.log_start_offset(),
                log.log_end_offset()
            ));
        };
        f.record = Some((tp, offset));
        f.push(b.create_us_at(offset), Hop::Produced { producer: b.producer, key: b.key });
        let broker = part.leader_broker().unwrap_or(0);
        f.push(b.append_us, Hop::Appended { tp, offset, broker });
        // Readers already past it when the follow starts are not watched for it.
        for (gi, g) in self.groups.iter().enumerate() {
            seen(&mut f.groups, gi).closed = g.committed(tp) > offset;
        }
        for (si, g) in self.share_groups.iter().enumerate() {
            seen(&mut f.shares, si).holder = g.lock_holder(tp, offset).map_or(0, |m| m + 1);
        }
        for (si, s) in self.subscriptions.iter().enumerate() {
            seen(&mut f.subs, si).closed = s.cursor(tp) > offset;
        }
        self.follow = Some(Box::new(f));
        Ok(())
    }

    /// Stops following.
    pub fn unfollow(&mut self) {
        self.follow = None;
    }

    /// The name of the reader `r` names, if it is still there (a removed reader's index may
    /// name another one later: the journey keeps indices).
    pub fn reader_name(&self, r: ReaderRef) -> Option<&str> {
        let i = r.index as usize;
        match r.kind {
            ReaderKind::Group => self.groups.get(i).map(|g| g.spec.name.as_str()),
            ReaderKind::Share => self.share_groups.get(i).map(|g| g.spec.name.as_str()),
            ReaderKind::Push => self.subscriptions.get(i).map(|s| s.spec.name.as_str()),
        }
    }

    /// The record followed and its journey, if any.
    pub fn followed(&self) -> Option<&Followed> {
        self.follow.as_deref()
    }

    /// Whether the high watermark passed the followed record (looked at after replication,
    /// so it comes before any reader reads the record).
    #[cold]
    #[inline(never)]
    pub(super) fn follow_look_replicated(&mut self) {
        let Some(f) = self.follow.as_deref_mut() else { return };
        let Some((tp, offset)) = f.record.filter(|_| !f.replicated) else { return };
        let log = &self.topics[tp.topic as usize].partitions[tp.partition as usize].log;
        if log.high_watermark() > offset {
            f.replicated = true;
            f.push(self.now_us, Hop::Replicated);
        }
    }

    /// What a follow learns by looking after the readers' phases (only while following):
    /// commits, lock expiries, records a subscription
    /// went past without sending, and the log losing it.
    #[cold]
    #[inline(never)]
    pub(super) fn follow_look(&mut self) {
        let Some(mut f) = self.follow.take() else { return };
        let now = self.now_us;
        if let (Some((tp, offset)), false) = (f.record, f.gone) {
            let log = &self.topics[tp.topic as usize].partitions[tp.partition as usize].log;
            for (gi, g) in self.groups.iter().enumerate() {
                let reader = ReaderRef { kind: ReaderKind::Group, index: gi as u16 };
                let s = seen(&mut f.groups, gi);
                let rebalanced = s.rebalances.is_some_and(|r| g.stats.rebalances > r);
                s.rebalances = Some(g.stats.rebalances);
                if s.closed {
                    continue;
                }
                if rebalanced && s.holder == 1 && !s.passed {
                    f.push(now, Hop::Rebalanced { reader });
                }
                let s = seen(&mut f.groups, gi);
                if !s.passed && g.committed(tp) > offset {
                    s.passed = true;
                    f.push(now, Hop::Committed { reader });
                }
            }
            for (si, g) in self.share_groups.iter().enumerate() {
                let s = seen(&mut f.shares, si);
                let holder = s.holder;
                if holder > 0 && g.lock_holder(tp, offset) != Some(holder - 1) {
                    s.holder = 0;
                    let reader = ReaderRef { kind: ReaderKind::Share, index: si as u16 };
                    f.push(now, Hop::LockExpired { reader, member: holder - 1 });
                }
            }
            // Subscriptions made after the record was written start past it: not watched.
            let watched = *f.subs_watched.get_or_insert(self.subscriptions.len());
            for (si, sub) in self.subscriptions.iter().enumerate() {
                let s = seen(&mut f.subs, si);
                if s.closed || s.processed {
                    continue;
                }
                let cause = match sub.spec.push_model {
                    crate::push::PushModel::MqttQos0 => LostCause::Dropped,
                    _ => LostCause::Missed,
                };
                // Taken from the log and still held (on the wire, in an inbox, or requeued by
                // RabbitMQ) is on its way; taken and not held, it was never sent (dropped,
                // missed) or was thrown away with the subscriber's buffer.
                let lost = if si >= watched || sub.holds(tp, offset) {
                    None
                } else if !s.passed {
                    (sub.cursor(tp) > offset).then_some(cause)
                } else {
                    Some(LostCause::Discarded)
                };
                if let Some(cause) = lost {
                    s.closed = true;
                    let reader = Some(ReaderRef { kind: ReaderKind::Push, index: si as u16 });
                    f.push(now, Hop::Lost { reader, cause });
                }
            }
            let cause = if log.log_start_offset() > offset {
                Some(LostCause::Retention)
            } else if log.log_end_offset() <= offset {
                Some(LostCause::Truncated)
            } else {
                None
            };
            if let Some(cause) = cause {
                f.gone = true;
                f.push(now, Hop::Lost { reader: None, cause });
            }
        }
        self.follow = Some(f);
    }
}
