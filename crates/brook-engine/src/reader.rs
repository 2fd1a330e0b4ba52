//! One view over everything that reads a topic: consumer groups (pull), share groups (queues,
//! KIP-932) and push subscriptions (not Kafka). The cluster keeps them in three lists; the
//! summary, the metrics, the invariants, reader removal and the app walk them through
//! [`Reader`], in one order: groups, then share groups, then subscriptions.

use crate::group::Group;
use crate::push::Subscription;
use crate::replication::Partition;
use crate::share::ShareGroup;
use crate::vocab::Tp;

/// How a reader receives records.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ReaderKind {
    /// A consumer group: members pull their assigned partitions.
    Group,
    /// A share group: members acquire records from any partition (a queue).
    Share,
    /// A push subscription: the broker sends, one subscriber (not Kafka).
    Push,
}

/// A group, share group or push subscription, borrowed from the cluster.
#[derive(Clone, Copy, Debug)]
pub enum Reader<'a> {
    /// A consumer group.
    Group(&'a Group),
    /// A share group.
    Share(&'a ShareGroup),
    /// A push subscription.
    Push(&'a Subscription),
}

impl<'a> Reader<'a> {
    /// Its kind.
    pub fn kind(self) -> ReaderKind {
        match self {
            Reader::Group(_) => ReaderKind::Group,
            Reader::Share(_) => ReaderKind::Share,
            Reader::Push(_) => ReaderKind::Push,
        }
    }

    /// Its name (unique among all readers).
    pub fn name(self) -> &'a str {
        match self {
            Reader::Group(g) => &g.spec.name,
            Reader::Share(g) => &g.spec.name,
            Reader::Push(s) => &s.spec.name,
        }
    }

    /// The topics it reads, as cluster topic indexes.
    pub fn topics(self) -> &'a [u16] {
        match self {
            Reader::Group(g) => &g.topics,
            Reader::Share(g) => &g.topics,
            Reader::Push(s) => &s.topics,
        }
    }

    /// Records it has processed, duplicates included: by a group's members, by a share group's
    /// members (whether or not the broker then took their acknowledgement) or by a subscriber.
    pub fn consumed_records(self) -> u64 {
        match self {
            Reader::Group(g) => g.stats.processed_records,
            Reader::Share(g) => g.stats.processed_records,
            Reader::Push(s) => s.stats.processed_records,
        }
    }

    /// Records it has still to finish, summed over its partitions: for a group, the high
    /// watermark minus the committed offset (as Kafka's tools report lag; before its first
    /// commit, minus where it reads from: [`Group::resume_offset`]); for a share group,
    /// records below the high watermark neither accepted nor archived; for a subscription,
    /// records the broker has not taken from the log plus those taken and not processed (on the
    /// wire, in inboxes, requeued). `partitions(t)` gives topic `t`'s partitions.
    pub fn lag(self, partitions: impl Fn(u16) -> &'a [Partition]) -> u64 {
        let mut lag = match self {
            Reader::Push(s) => s.held_records(),
            _ => 0,
        };
        for &t in self.topics() {
            for (p, part) in partitions(t).iter().enumerate() {
                let tp = Tp { topic: t, partition: p as u32 };
                let log = &part.log;
                lag += match self {
                    Reader::Group(g) => {
                        let hw = log.high_watermark();
                        log.lag_from(g.resume_offset(tp, log.log_start_offset(), hw))
                    }
                    Reader::Share(g) => g.lag(tp, log.log_start_offset(), log.high_watermark()),
                    Reader::Push(s) => log.lag_from(s.cursor(tp)),
                };
            }
        }
        lag
    }

    /// Of its lag ([`Reader::lag`]), the records read but not committed; the rest are not yet
    /// read. Kafka's `ConsumerGroupCommand` reports a group's lag per partition as
    /// LOG-END-OFFSET minus CURRENT-OFFSET, the committed offset (`getLag`), so records a
    /// member has fetched, even processed, stay in the lag until a commit; with auto-commit
    /// (`auto.commit.interval.ms`, 5 s by default) that is up to 5 s of reading. For a group:
    /// its fetch position ([`Group::read_offset`]) minus the committed offset; for a share
    /// group: records acquired under a lock and not yet acknowledged; for a subscription:
    /// records sent and not yet acknowledged by a consumer (on the wire, in its inbox).
    #[inline(never)]
    pub fn uncommitted(self, partitions: impl Fn(u16) -> &'a [Partition]) -> u64 {
        let Reader::Group(g) = self else {
            return match self {
                Reader::Share(g) => g.acquired_records_from(|tp| {
                    partitions(tp.topic)[tp.partition as usize].log.log_start_offset()
                }),
                Reader::Push(s) => s.held_records() - s.requeued_records(),
                Reader::Group(_) => 0,
            };
        };
        let mut n = 0;
        for &t in self.topics() {
            for (p, part) in partitions(t).iter().enumerate() {
                let tp = Tp { topic: t, partition: p as u32 };
                let log = &part.log;
                let (start, hw) = (log.log_start_offset(), log.high_watermark());
                let read = g.read_offset(tp, start, hw);
                n += log.lag_from(g.resume_offset(tp, start, hw)) - log.lag_from(read);
            }
        }
        n
    }

    /// Pull readers (consumer groups): fetch answers that came back empty after waiting
    /// `fetch.max.wait.ms` (Kafka's broker holds a fetch until `fetch.min.bytes` or the wait
    /// passes: `DelayedFetch`). None for share groups (Brook's share fetches do not wait) and
    /// push subscriptions (nothing is asked for).
    pub fn empty_polls(self) -> Option<u64> {
        match self {
            Reader::Group(g) => Some(g.stats.empty_fetches),
            _ => None,
        }
    }

    /// End-to-end latency of the records it processed.
    pub fn latency(self) -> &'a crate::metrics::ReaderLatency {
        match self {
            Reader::Group(g) => &g.latency,
            Reader::Share(g) => &g.latency,
            Reader::Push(s) => &s.latency,
        }
    }

    /// Its own invariants; the message names what broke.
    pub fn check(self) -> Result<(), String> {
        match self {
            Reader::Group(g) => g.check(),
            Reader::Share(g) => g.check(),
            Reader::Push(s) => s.check(),
        }
    }
}
