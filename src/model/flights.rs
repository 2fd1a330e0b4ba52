//! The batches in flight on the stage: engine events become a bounded set of moving dots, and
//! faults become marks where they happened. Pure: the canvas draws them, native tests check them.

use std::collections::VecDeque;

use brook_engine::vecmap::VecMap;
use brook_engine::{Cluster, ReaderKind, TrafficEvent};

use crate::model::consumers::reader_index;
use crate::model::i18n::{Msg, Text};

/// Most flights (moving dots) alive at once; heavier traffic is merged into existing routes.
pub const FLIGHTS_MAX: usize = 1_500;
/// Replication flights are started only while fewer than this many flights are alive, so
/// follower traffic never crowds out produce and consume dots.
pub const REPLICA_FLIGHTS_BELOW: usize = FLIGHTS_MAX * 2 / 3;
/// Height of a replication flight's hop from the leader's chip to a follower's, px.
pub const HOP_PX: f64 = 12.0;
/// How long a flight takes to cross the stage, wall-clock ms.
pub const FLIGHT_MS: f64 = 650.0;

/// A thing on the stage a flight can start or end at.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Endpoint {
    /// Producer by index.
    Producer(u32),
    /// Partition by topic and index.
    Partition(u16, u32),
    /// Member by group and index.
    Member(u16, u32),
    /// Replica chip: topic, partition, replica index.
    Replica(u16, u32, u8),
}

/// What a flight carries.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum FlightKind {
    /// A record batch from a producer to a partition leader.
    Produce,
    /// A fetch request from a member (pull).
    FetchRequest,
    /// Records from a partition to a member.
    FetchData,
    /// A long poll that came back empty.
    EmptyFetch,
    /// Records the broker pushed to a subscriber.
    Push,
    /// Records a follower copied from the partition leader.
    Replicate,
}

/// One moving dot.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Flight {
    /// Where it starts.
    pub from: Endpoint,
    /// Where it ends.
    pub to: Endpoint,
    /// What it is.
    pub kind: FlightKind,
    /// Records carried (merged flights add up).
    pub records: u64,
    /// Colour index (producer for produce traffic, group for consumer traffic).
    pub colour: u32,
    /// Key index of a produced batch's first record (`u32::MAX`: keyless, or not a batch), for
    /// colouring by key.
    pub key: u32,
    /// Wall-clock ms it started.
    pub born_ms: f64,
}

impl Flight {
    /// Progress along the route, 0..=1, at wall time `now_ms`.
    pub fn progress(&self, now_ms: f64) -> f64 {
        ((now_ms - self.born_ms) / FLIGHT_MS).clamp(0.0, 1.0)
    }
}

/// Most marks (drops, duplicates, failures) shown at once.
pub const MARKS_MAX: usize = 64;
/// How long a mark stays, wall-clock ms.
pub const MARK_MS: f64 = 1_500.0;

/// Something that went wrong, marked where it happened.
#[derive(Clone, Debug, PartialEq)]
pub struct Mark {
    /// Where.
    pub at: Endpoint,
    /// What, in a few words ("12 dropped"), rendered in the language of the frame.
    pub text: Text,
    /// The records `text` counts ("12 dropped": 12), None if it counts none ("new leader:
    /// b1"): marks written on one plate add these up (`model::plates`).
    pub count: Option<u64>,
    /// Wall-clock ms it appeared.
    pub born_ms: f64,
}

/// The flights in the air, bounded by [`FLIGHTS_MAX`].
#[derive(Clone, Debug, Default)]
pub struct Flights {
    items: VecDeque<Flight>,
    /// Flights merged into others because of the bound (for the overlay).
    pub merged: u64,
    /// Recent marks, oldest first; at most [`MARKS_MAX`].
    pub marks: VecDeque<Mark>,
}

impl Flights {
    /// Flights alive.
    pub fn iter(&self) -> impl Iterator<Item = &Flight> {
        self.items.iter()
    }

    /// Number alive.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Whether none is alive.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Drops finished flights and old marks.
    pub fn expire(&mut self, now_ms: f64) {
        while self.items.front().is_some_and(|f| now_ms - f.born_ms >= FLIGHT_MS) {
            self.items.pop_front();
        }
        while self.marks.front().is_some_and(|m| now_ms - m.born_ms >= MARK_MS) {
            self.marks.pop_front();
        }
    }

    fn mark(&mut self, at: Endpoint, text: Text, count: Option<u64>, now_ms: f64) {
        // One live mark per place: a newer one replaces it.
        self.marks.retain(|m| m.at != at);
        if self.marks.len() == MARKS_MAX {
            self.marks.pop_front();
        }
        self.marks.push_back(Mark { at, text, count, born_ms: now_ms });
    }

    /// Turns one frame's engine events into flights: one flight per route and frame, so a
    /// million records per second still draws as a bounded number of dots. `chips`: whether
    /// replica chips are drawn (then follower copies fly between them).
    pub fn ingest<'a>(
        &mut self,
        events: impl IntoIterator<Item = &'a TrafficEvent>,
        cluster: &Cluster,
        chips: bool,
        now_ms: f64,
    ) {
        let mut routes = Routes::new();
        for e in events {
            if let Some((at, text, count)) = mark_of(e, cluster) {
                self.mark(at, text, count, now_ms);
            }
            if let TrafficEvent::Replicate { topic, partition, records, followers } = *e {
                if chips {
                    replication_routes(cluster, topic, partition, records, followers, &mut routes);
                }
                continue;
            }
            let Some((from, to, kind, records, colour)) = route(e, cluster) else {
                continue;
            };
            let key = match *e {
                TrafficEvent::Produce { key, .. } => key,
                _ => u32::MAX,
            };
            let slot = routes.entry((from, to, kind)).or_insert((0, colour, key));
            slot.0 += records;
        }
        for ((from, to, kind), (records, colour, key)) in routes {
            let cap =
                if kind == FlightKind::Replicate { REPLICA_FLIGHTS_BELOW } else { FLIGHTS_MAX };
            if self.items.len() >= cap {
                self.merged += 1;
                continue;
            }
            let born_ms = now_ms;
            self.items.push_back(Flight { from, to, kind, records, colour, key, born_ms });
        }
    }
}

/// Flights of one frame by route: records, colour index, key of the first batch.
type Routes = VecMap<(Endpoint, Endpoint, FlightKind), (u64, u32, u32)>;

/// One route per follower that copied records, from the leader's chip to the follower's.
fn replication_routes(
    cluster: &Cluster,
    topic: u16,
    partition: u32,
    records: u64,
    followers: u16,
    routes: &mut Routes,
) {
    let Some(part) =
        cluster.topics().get(topic as usize).and_then(|t| t.partitions.get(partition as usize))
    else {
        return;
    };
    let Some(leader) = part.leader else { return };
    let each = records / u64::from(followers.count_ones().max(1));
    for i in (0..16u8).filter(|i| followers & (1 << i) != 0) {
        let from = Endpoint::Replica(topic, partition, leader as u8);
        let to = Endpoint::Replica(topic, partition, i);
        let slot = routes.entry((from, to, FlightKind::Replicate)).or_insert((0, 0, u32::MAX));
        slot.0 += each;
    }
}

/// Where and how a fault is marked on the stage, and the records its words count.
fn mark_of(e: &TrafficEvent, cluster: &Cluster) -> Option<(Endpoint, Text, Option<u64>)> {
    let counted = |at: Endpoint, msg: Msg, n: u64| (at, Text::new(msg).arg(n), Some(n));
    let share = |i: u16| reader_index(cluster, ReaderKind::Share, i as usize).map(|s| s as u16);
    let push = |i: u16| reader_index(cluster, ReaderKind::Push, i as usize).map(|s| s as u16);
    Some(match *e {
        TrafficEvent::SendFailed { producer, records } => {
            counted(Endpoint::Producer(producer), Msg::MarkSendsFailed, records)
        }
        TrafficEvent::Duplicate { group, member, records } => {
            counted(Endpoint::Member(group, member), Msg::MarkProcessedAgainMore, records)
        }
        TrafficEvent::Redelivered { share: s, member, records } => {
            counted(Endpoint::Member(share(s)?, member), Msg::MarkRedelivered, records)
        }
        TrafficEvent::AckRefused { share: s, member, records } => {
            counted(Endpoint::Member(share(s)?, member), Msg::MarkAcksRefused, records)
        }
        TrafficEvent::Archived { share: s, records } => {
            counted(Endpoint::Member(share(s)?, 0), Msg::MarkDeadLetters, records)
        }
        TrafficEvent::PushDropped { subscription, records } => {
            counted(Endpoint::Member(push(subscription)?, 0), Msg::MarkDropped, records)
        }
        TrafficEvent::PushRedelivered { subscription, member, records } => {
            counted(Endpoint::Member(push(subscription)?, member), Msg::MarkRequeuedToIt, records)
        }
        TrafficEvent::SubscriberCrashed { subscription, member, requeued } => {
            counted(Endpoint::Member(push(subscription)?, member), Msg::MarkOutOfMemory, requeued)
        }
        TrafficEvent::SubscriberDisconnected { subscription, lost } => {
            counted(Endpoint::Member(push(subscription)?, 0), Msg::MarkDisconnected, lost)
        }
        TrafficEvent::SubscriberBack { subscription, member, missed } => {
            let at = Endpoint::Member(push(subscription)?, member);
            let sub = cluster.subscriptions().get(subscription as usize)?;
            match sub.spec.push_model {
                brook_engine::PushModel::RedisPubsub => counted(at, Msg::MarkResubscribed, missed),
                _ => (at, Text::new(Msg::MarkRestarted), None),
            }
        }
        TrafficEvent::LeaderElected { topic, partition, broker, unclean } => {
            let how = if unclean { Msg::MarkUncleanLeader } else { Msg::MarkNewLeader };
            (Endpoint::Partition(topic, partition), Text::new(how).arg(broker), None)
        }
        TrafficEvent::Retention { topic, partition, records } => {
            counted(Endpoint::Partition(topic, partition), Msg::MarkRetention, records)
        }
        _ => return None,
    })
}

fn route(
    e: &TrafficEvent,
    cluster: &Cluster,
) -> Option<(Endpoint, Endpoint, FlightKind, u64, u32)> {
    Some(match *e {
        TrafficEvent::Produce { producer, topic, partition, records, .. } => (
            Endpoint::Producer(producer),
            Endpoint::Partition(topic, partition),
            FlightKind::Produce,
            records as u64,
            producer,
        ),
        TrafficEvent::FetchRequest { group, member } => {
            let m = cluster.groups().get(group as usize)?.members.get(member as usize)?;
            let tp = m.assigned.first()?;
            (
                Endpoint::Member(group, member),
                Endpoint::Partition(tp.topic, tp.partition),
                FlightKind::FetchRequest,
                0,
                group as u32,
            )
        }
        TrafficEvent::FetchResponse { group, member, topic, partition, records } => (
            Endpoint::Partition(topic, partition),
            Endpoint::Member(group, member),
            FlightKind::FetchData,
            records as u64,
            group as u32,
        ),
        TrafficEvent::ShareFetch { share, member, topic, partition, records } => {
            let set = reader_index(cluster, ReaderKind::Share, share as usize)? as u16;
            (
                Endpoint::Partition(topic, partition),
                Endpoint::Member(set, member),
                FlightKind::FetchData,
                records as u64,
                set as u32,
            )
        }
        TrafficEvent::Push { subscription, member, topic, partition, records } => {
            let set = reader_index(cluster, ReaderKind::Push, subscription as usize)? as u16;
            (
                Endpoint::Partition(topic, partition),
                Endpoint::Member(set, member),
                FlightKind::Push,
                records as u64,
                set as u32,
            )
        }
        TrafficEvent::EmptyFetch { group, member } => {
            let m = cluster.groups().get(group as usize)?.members.get(member as usize)?;
            let tp = m.assigned.first()?;
            (
                Endpoint::Partition(tp.topic, tp.partition),
                Endpoint::Member(group, member),
                FlightKind::EmptyFetch,
                0,
                group as u32,
            )
        }
        _ => return None,
    })
}

/// Radius of a dot carrying `records`, px: grows with the log of the count, bounded.
pub fn dot_radius(records: u64) -> f64 {
    (2.0 + libm::log10(records.max(1) as f64) * 1.6).min(9.0)
}
