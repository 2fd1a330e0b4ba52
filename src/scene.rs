//! The pure part of the stage: where things are on the canvas and which batches are in flight.
//! No web import: the canvas module draws what this computes, and native tests check it.

use std::collections::{BTreeMap, VecDeque};

use brook_engine::{Cluster, TrafficEvent};

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
    /// What, in a few words ("12 dropped").
    pub text: String,
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

    fn mark(&mut self, at: Endpoint, text: String, now_ms: f64) {
        // One live mark per place: a newer one replaces it.
        self.marks.retain(|m| m.at != at);
        if self.marks.len() == MARKS_MAX {
            self.marks.pop_front();
        }
        self.marks.push_back(Mark { at, text, born_ms: now_ms });
    }

    /// Turns one frame's engine events into flights: one flight per route and frame, so a
    /// million records per second still draws as a bounded number of dots.
    pub fn ingest<'a>(
        &mut self,
        events: impl IntoIterator<Item = &'a TrafficEvent>,
        cluster: &Cluster,
        now_ms: f64,
    ) {
        let mut routes = Routes::new();
        // Replica chips are drawn only when every partition has its own strip.
        let chips = !dense(cluster);
        for e in events {
            if let Some((at, text)) = mark_of(e, cluster) {
                self.mark(at, text, now_ms);
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
type Routes = BTreeMap<(Endpoint, Endpoint, FlightKind), (u64, u32, u32)>;

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

/// Where and how a fault is marked on the stage.
fn mark_of(e: &TrafficEvent, cluster: &Cluster) -> Option<(Endpoint, String)> {
    Some(match *e {
        TrafficEvent::SendFailed { producer, records } => {
            (Endpoint::Producer(producer), format!("{records} sends failed"))
        }
        TrafficEvent::Duplicate { group, member, records } => {
            (Endpoint::Member(group, member), format!("{records} processed again"))
        }
        TrafficEvent::Redelivered { share, member, records } => {
            let set = crate::consumers::share_set(cluster, share as usize) as u16;
            (Endpoint::Member(set, member), format!("{records} redelivered"))
        }
        TrafficEvent::Archived { share, records } => {
            let set = crate::consumers::share_set(cluster, share as usize) as u16;
            (Endpoint::Member(set, 0), format!("{records} to dead letters"))
        }
        TrafficEvent::PushDropped { subscription, records } => {
            let set = crate::consumers::push_set(cluster, subscription as usize) as u16;
            (Endpoint::Member(set, 0), format!("{records} dropped"))
        }
        TrafficEvent::LeaderElected { topic, partition, broker, unclean } => {
            let how = if unclean { "unclean leader" } else { "new leader" };
            (Endpoint::Partition(topic, partition), format!("{how}: broker {broker}"))
        }
        TrafficEvent::Retention { topic, partition, records } => {
            (Endpoint::Partition(topic, partition), format!("{records} deleted by retention"))
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
            let set = crate::consumers::share_set(cluster, share as usize) as u16;
            (
                Endpoint::Partition(topic, partition),
                Endpoint::Member(set, member),
                FlightKind::FetchData,
                records as u64,
                set as u32,
            )
        }
        TrafficEvent::Push { subscription, topic, partition, records } => {
            let set = crate::consumers::push_set(cluster, subscription as usize) as u16;
            (
                Endpoint::Partition(topic, partition),
                Endpoint::Member(set, 0),
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

/// A rectangle in CSS pixels.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Rect {
    /// Left.
    pub x: f64,
    /// Top.
    pub y: f64,
    /// Width.
    pub w: f64,
    /// Height.
    pub h: f64,
}

impl Rect {
    /// Vertical centre.
    pub fn mid_y(&self) -> f64 {
        self.y + self.h / 2.0
    }

    /// Right edge.
    pub fn right(&self) -> f64 {
        self.x + self.w
    }
}

/// Where everything is, for a canvas of a given size.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Layout {
    /// Canvas width, CSS px.
    pub width: f64,
    /// Canvas height, CSS px.
    pub height: f64,
    /// Producer boxes, by producer index.
    pub producers: Vec<Rect>,
    /// Partition strips, by topic then partition.
    pub partitions: Vec<Vec<Rect>>,
    /// Group header boxes, by group.
    pub groups: Vec<Rect>,
    /// Member boxes, by group then member.
    pub members: Vec<Vec<Rect>>,
    /// Whether partitions are too many to draw one strip each (drawn as a heat strip).
    pub dense: bool,
    /// Width of the replica chips left of each strip, px (0 with one replica).
    pub replica_w: f64,
    /// Broker boxes in the heading row of the centre column (none with one broker).
    pub brokers: Vec<Rect>,
    /// The readers laid out in the right column, in `groups`/`members` order (kept so a frame
    /// computes them once).
    pub sets: Vec<crate::consumers::ConsumerSet>,
}

/// Width of a broker box in the heading row, px.
pub const BROKER_BOX_PX: f64 = 96.0;

/// Width of one replica chip, px.
pub const CHIP_PX: f64 = 13.0;

/// Vertical space kept above the columns for their headings, px.
pub const HEADER_PX: f64 = 34.0;
/// Pixel rows a heat strip may use (a 4K screen's height).
pub const HEAT_ROWS_MAX: usize = 2_160;
/// Partitions drawn one strip each up to this many rows; more collapse into a heat strip.
pub const STRIP_ROWS_MAX: usize = 48;

/// Whether `cluster` has too many partitions to draw one strip each.
pub fn dense(cluster: &Cluster) -> bool {
    cluster.topics().iter().map(|t| t.partitions.len()).sum::<usize>() > STRIP_ROWS_MAX
}

fn column(count: usize, top: f64, height: f64, row_max: f64, gap: f64) -> Vec<(f64, f64)> {
    if count == 0 {
        return Vec::new();
    }
    let h = ((height - gap * (count as f64 - 1.0)) / count as f64).clamp(0.25, row_max);
    // A short column is centred vertically rather than left hanging at the top.
    let used = count as f64 * h + gap * (count as f64 - 1.0);
    let top = top + ((height - used) / 2.0).max(0.0);
    (0..count).map(|i| (top + i as f64 * (h + gap), h)).collect()
}

impl Layout {
    /// Lays out `cluster` on a `width` x `height` canvas (CSS px).
    pub fn new(cluster: &Cluster, width: f64, height: f64) -> Layout {
        let pad = 16.0;
        let side_w = (width * 0.17).clamp(110.0, 200.0);
        let top = HEADER_PX;
        let avail = (height - top - pad).max(10.0);
        let producers = column(cluster.producers().len(), top, avail, 72.0, 10.0)
            .into_iter()
            .map(|(y, h)| Rect { x: pad, y, w: side_w, h })
            .collect();
        let total: usize = cluster.topics().iter().map(|t| t.partitions.len()).sum();
        let dense = dense(cluster);
        let max_rf = cluster
            .topics()
            .iter()
            .flat_map(|t| &t.partitions)
            .map(|p| p.replicas.len())
            .max()
            .unwrap_or(1);
        let replica_w = if max_rf > 1 && !dense { CHIP_PX * max_rf as f64 + 4.0 } else { 0.0 };
        let mid_x = pad + side_w + 70.0 + replica_w;
        let mid_w = (width - 2.0 * (side_w + pad + 70.0) - replica_w).max(40.0);
        let rows = column(total, top, avail, 44.0, if dense { 0.0 } else { 6.0 });
        let mut it = rows.into_iter();
        let partitions = cluster
            .topics()
            .iter()
            .map(|t| {
                (0..t.partitions.len())
                    .map(|_| {
                        let (y, h) = it.next().expect("one row per partition");
                        Rect { x: mid_x, y, w: mid_w, h }
                    })
                    .collect()
            })
            .collect();
        let n_brokers = if cluster.brokers().len() > 1 { cluster.brokers().len() } else { 0 };
        let brokers = (0..n_brokers)
            .map(|i| {
                // Up to 16 brokers share the right half of the heading row.
                let w = (mid_w * 0.5 / n_brokers as f64 - 6.0).clamp(20.0, BROKER_BOX_PX);
                let from_right = (n_brokers - i) as f64 * (w + 6.0);
                Rect { x: mid_x + mid_w - from_right + 6.0, y: 6.0, w, h: 20.0 }
            })
            .collect();
        let right_x = width - pad - side_w;
        let (groups, members, sets) = Self::consumers(cluster, right_x, side_w, top, avail);
        Layout {
            width,
            height,
            producers,
            partitions,
            groups,
            members,
            dense,
            replica_w,
            brokers,
            sets,
        }
    }

    fn consumers(
        cluster: &Cluster,
        x: f64,
        w: f64,
        top: f64,
        avail: f64,
    ) -> (Vec<Rect>, Vec<Vec<Rect>>, Vec<crate::consumers::ConsumerSet>) {
        // Each set: a header (name, then a status line) and its members; rows share the height.
        let head = 30.0;
        let gap = 10.0;
        let sets = crate::consumers::consumer_sets(cluster);
        let n_sets = sets.len();
        let n_members: usize = sets.iter().map(|g| g.members.len().max(1)).sum();
        let for_rows = (avail - n_sets as f64 * (head + gap)).max(10.0);
        let row = (for_rows / n_members.max(1) as f64).clamp(1.0, 44.0);
        let used = n_sets as f64 * (head + gap) + row * n_members as f64 - gap;
        let mut y = top + ((avail - used) / 2.0).max(0.0);
        let mut groups = Vec::new();
        let mut members = Vec::new();
        for g in &sets {
            groups.push(Rect { x, y, w, h: head });
            y += head;
            let list: Vec<Rect> = (0..g.members.len())
                .map(|i| Rect { x, y: y + i as f64 * row, w, h: (row - 2.0).max(1.0) })
                .collect();
            y += row * g.members.len().max(1) as f64 + gap;
            members.push(list);
        }
        (groups, members, sets)
    }

    /// The point a flight leaves from or arrives at.
    pub fn anchor(&self, e: Endpoint, leaving: bool) -> Option<(f64, f64)> {
        match e {
            Endpoint::Producer(i) => self.producers.get(i as usize).map(|r| (r.right(), r.mid_y())),
            Endpoint::Partition(t, p) => {
                let r = self.partitions.get(t as usize)?.get(p as usize)?;
                // Batches arrive at the log end (right); records leave from the right as well,
                // where the newest committed data is.
                Some((if leaving { r.right() } else { r.right() - 2.0 }, r.mid_y()))
            }
            Endpoint::Member(g, m) => {
                let r = self.members.get(g as usize)?.get(m as usize)?;
                Some((r.x, r.mid_y()))
            }
            Endpoint::Replica(t, p, i) => {
                if self.replica_w <= 0.0 {
                    return None;
                }
                let r = self.partitions.get(t as usize)?.get(p as usize)?;
                let x = r.x - self.replica_w + (i as f64 + 0.5) * CHIP_PX - 1.0;
                Some((x, r.mid_y()))
            }
        }
    }

    /// Position of a flight at wall time `now_ms`, eased; None if an endpoint vanished.
    pub fn flight_position(&self, f: &Flight, now_ms: f64) -> Option<(f64, f64)> {
        let (x0, y0) = self.anchor(f.from, true)?;
        let (x1, y1) = self.anchor(f.to, false)?;
        let t = f.progress(now_ms);
        let e = t * t * (3.0 - 2.0 * t);
        // A copy to a follower hops over the chips between them.
        let hop = if f.kind == FlightKind::Replicate {
            (std::f64::consts::PI * e).sin() * HOP_PX
        } else {
            0.0
        };
        Some((x0 + (x1 - x0) * e, y0 + (y1 - y0) * e - hop))
    }
}

/// Radius of a dot carrying `records`, px: grows with the log of the count, bounded.
pub fn dot_radius(records: u64) -> f64 {
    (2.0 + (records.max(1) as f64).log10() * 1.6).min(9.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use brook_engine::preset;

    fn cluster(name: &str) -> Cluster {
        Cluster::new(preset(name).unwrap())
    }

    #[test]
    fn layout_puts_producers_left_partitions_centre_consumers_right() {
        let c = cluster("log-collection");
        let l = Layout::new(&c, 1280.0, 720.0);
        assert_eq!(l.producers.len(), 5);
        assert_eq!(l.partitions[0].len(), 8);
        assert_eq!(l.members.len(), 2);
        let p = l.producers[0];
        let s = l.partitions[0][0];
        let m = l.members[0][0];
        assert!(p.right() < s.x && s.right() < m.x, "{p:?} {s:?} {m:?}");
        for r in l.producers.iter().chain(l.partitions[0].iter()).chain(l.members.iter().flatten())
        {
            assert!(r.y >= 0.0 && r.y + r.h <= 720.0, "{r:?} off the canvas");
        }
        assert!(!l.dense);
    }

    #[test]
    fn many_partitions_collapse_into_a_dense_view_that_still_fits() {
        let mut s = preset("quickstart").unwrap();
        s.topics[0].partitions = 1024;
        let c = Cluster::new(s);
        let l = Layout::new(&c, 1280.0, 720.0);
        assert!(l.dense);
        let last = l.partitions[0][1023];
        assert!(last.y + last.h <= 720.0 + 1e-6, "{last:?}");
    }

    #[test]
    fn flights_are_merged_per_route_and_bounded() {
        let mut c = cluster("quickstart");
        let mut f = Flights::default();
        for i in 0..3_000 {
            c.step();
            let events: Vec<TrafficEvent> = c.events().to_vec();
            f.ingest(&events, &c, i as f64);
            assert!(f.len() <= FLIGHTS_MAX);
        }
        assert!(f.iter().any(|x| x.kind == FlightKind::Produce));
        assert!(f.iter().any(|x| x.kind == FlightKind::FetchData));
        f.expire(1e9);
        assert!(f.is_empty());
    }

    #[test]
    fn follower_copies_hop_from_the_leader_chip_to_the_follower_chip() {
        let mut c = cluster("broker-failure-acks");
        let mut f = Flights::default();
        for i in 0..500 {
            c.step();
            let events: Vec<TrafficEvent> = c.events().to_vec();
            f.ingest(&events, &c, i as f64);
        }
        let l = Layout::new(&c, 1280.0, 720.0);
        let hop = f.iter().find(|x| x.kind == FlightKind::Replicate).expect("a replication dot");
        let (Endpoint::Replica(t, p, from), Endpoint::Replica(t2, p2, to)) = (hop.from, hop.to)
        else {
            panic!("{hop:?}")
        };
        assert_eq!((t, p), (t2, p2));
        let part = &c.topics()[t as usize].partitions[p as usize];
        assert_eq!(part.leader, Some(from as usize));
        assert_ne!(from, to);
        let start = l.flight_position(hop, hop.born_ms).unwrap();
        let mid = l.flight_position(hop, hop.born_ms + FLIGHT_MS / 2.0).unwrap();
        assert!(mid.1 < start.1 - HOP_PX / 2.0, "it hops up: {start:?} {mid:?}");
        assert!(
            f.iter().filter(|x| x.kind == FlightKind::Replicate).count() <= REPLICA_FLIGHTS_BELOW
        );
    }

    #[test]
    fn faults_are_marked_where_they_happen_and_fade() {
        let mut c = cluster("slow-subscriber-push-vs-pull");
        let mut f = Flights::default();
        for i in 0..9_000 {
            c.step();
            let events: Vec<TrafficEvent> = c.events().to_vec();
            f.ingest(&events, &c, i as f64);
            assert!(f.marks.len() <= MARKS_MAX);
        }
        let drop_at = Endpoint::Member(crate::consumers::push_set(&c, 1) as u16, 0);
        assert!(
            f.marks.iter().any(|m| m.at == drop_at && m.text.ends_with("dropped")),
            "{:?}",
            f.marks
        );
        f.expire(1e9);
        assert!(f.marks.is_empty());
    }

    #[test]
    fn share_group_redeliveries_are_marked_at_the_member_that_gets_them() {
        let mut c = cluster("share-group-queue");
        let mut f = Flights::default();
        let mut seen = false;
        for i in 0..20_000 {
            c.step();
            let events: Vec<TrafficEvent> = c.events().to_vec();
            f.ingest(&events, &c, i as f64);
            seen |= f.marks.iter().any(|m| m.text.ends_with("redelivered"));
        }
        assert!(c.share_groups()[0].stats.redelivered_records > 0);
        assert!(seen, "a redelivery was marked");
    }

    #[test]
    fn a_flight_moves_from_source_to_target() {
        let c = cluster("quickstart");
        let l = Layout::new(&c, 1000.0, 600.0);
        let f = Flight {
            from: Endpoint::Producer(0),
            to: Endpoint::Partition(0, 2),
            kind: FlightKind::Produce,
            records: 10,
            colour: 0,
            key: u32::MAX,
            born_ms: 0.0,
        };
        let start = l.flight_position(&f, 0.0).unwrap();
        let end = l.flight_position(&f, FLIGHT_MS).unwrap();
        assert_eq!(start, l.anchor(f.from, true).unwrap());
        assert_eq!(end, l.anchor(f.to, false).unwrap());
        let mid = l.flight_position(&f, FLIGHT_MS / 2.0).unwrap();
        assert!(mid.0 > start.0 && mid.0 < end.0);
    }
}
