//! The stage's pure parts together: layout and flights.

use brook_engine::{preset, Cluster, ReaderKind, TrafficEvent};

use crate::model::consumers::reader_index;
use crate::model::flights::*;
use crate::model::i18n::Lang;
use crate::model::layout::*;

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
    for r in l.producers.iter().chain(l.partitions[0].iter()).chain(l.members.iter().flatten()) {
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
        f.ingest(&events, &c, !dense(&c), i as f64);
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
        f.ingest(&events, &c, !dense(&c), i as f64);
    }
    let l = Layout::new(&c, 1280.0, 720.0);
    let hop = f.iter().find(|x| x.kind == FlightKind::Replicate).expect("a replication dot");
    let (Endpoint::Replica(t, p, from), Endpoint::Replica(t2, p2, to)) = (hop.from, hop.to) else {
        panic!("{hop:?}")
    };
    assert_eq!((t, p), (t2, p2));
    let part = &c.topics()[t as usize].partitions[p as usize];
    assert_eq!(part.leader, Some(from as usize));
    assert_ne!(from, to);
    let start = l.flight_position(hop, hop.born_ms).unwrap();
    let mid = l.flight_position(hop, hop.born_ms + FLIGHT_MS / 2.0).unwrap();
    assert!(mid.1 < start.1 - HOP_PX / 2.0, "it hops up: {start:?} {mid:?}");
    assert!(f.iter().filter(|x| x.kind == FlightKind::Replicate).count() <= REPLICA_FLIGHTS_BELOW);
}

#[test]
fn faults_are_marked_where_they_happen_and_fade() {
    let mut c = cluster("slow-subscriber-push-vs-pull");
    let mut f = Flights::default();
    let mut seen = Vec::new();
    for i in 0..9_000 {
        c.step();
        let events: Vec<TrafficEvent> = c.events().to_vec();
        f.ingest(&events, &c, !dense(&c), i as f64);
        assert!(f.marks.len() <= MARKS_MAX);
        for m in &f.marks {
            let text = m.text.render(Lang::En);
            if !seen.contains(&(m.at, text.clone())) {
                seen.push((m.at, text));
            }
        }
    }
    // Each push model's failure is marked on its subscriber: RabbitMQ's crash (and the
    // requeued deliveries reaching the other consumer), Redis's disconnection and
    // resubscription, MQTT's drops.
    let at = |i: usize, m: u32| {
        Endpoint::Member(reader_index(&c, ReaderKind::Push, i).unwrap() as u16, m)
    };
    let marked = |e: Endpoint, words: &str| seen.iter().any(|(a, t)| *a == e && t.contains(words));
    assert!(
        marked(at(1, 0), "out of memory: crashed") || marked(at(1, 1), "out of memory: crashed")
    );
    assert!(marked(at(1, 0), "requeued to it") || marked(at(1, 1), "requeued to it"));
    assert!(marked(at(2, 0), "output buffer limit: disconnected"), "{seen:?}");
    assert!(marked(at(2, 0), "missed"), "{seen:?}");
    assert!(marked(at(3, 0), "dropped"), "{seen:?}");
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
        f.ingest(&events, &c, !dense(&c), i as f64);
        seen |= f.marks.iter().any(|m| m.text.render(Lang::En).ends_with("redelivered"));
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

/// A log of `n` one-record batches by producers cycling 0..3, in segments of 100 records, all
/// committed, whose oldest `deleted` records retention removed.
fn long_log(n: u64, deleted: u64) -> brook_engine::PartitionLog {
    let mut log = brook_engine::PartitionLog::new(100 * 100);
    for i in 0..n {
        log.append(brook_engine::Batch {
            base_offset: 0,
            count: 1,
            bytes: 100,
            first_create_us: i,
            last_create_us: i,
            append_us: i,
            producer: (i % 3) as u32,
            key: u32::MAX,
            acked_on_append: false,
            seq: 0,
            producer_epoch: 0,
            idempotent: false,
        });
    }
    log.set_high_watermark(n);
    log.enforce_retention(n, None, Some((n - deleted) * 100));
    assert_eq!(log.log_start_offset(), deleted, "retention removed whole segments");
    log
}

#[test]
fn the_deleted_band_covers_exactly_the_offsets_below_the_log_start() {
    // Past STRIP_BATCHES_MAX batches in the window (issue 10: hot-key-skew, views-0 showed the
    // grey band where the log still had data). Kafka: records below
    // `UnifiedLog.logStartOffset` are deleted; from it to the log end they are readable.
    let r = Rect { x: 100.0, y: 0.0, w: 600.0, h: 20.0 };
    for (n, deleted) in [(10_000, 2_000), (10_000, 0), (3_000, 1_000), (20_000, 11_000)] {
        let log = long_log(n, deleted);
        let window = 10_000.0_f64.max(n as f64 - deleted as f64);
        let x_of = |o: u64| r.right() - (n - o) as f64 / window * r.w;
        let fills = strip_fills(&log, r, window);
        let start_x = x_of(deleted).max(r.x);
        let band: Vec<&Rect> =
            fills.iter().filter(|(_, f)| *f == StripFill::Deleted).map(|(c, _)| c).collect();
        if deleted > 0 && start_x > r.x {
            assert_eq!(band.len(), 1, "{n} {deleted}");
            assert!((band[0].x - r.x).abs() < 1e-9 && (band[0].right() - start_x).abs() < 1e-9);
        } else {
            assert!(band.is_empty(), "{n} {deleted}: nothing deleted, no band");
        }
        // Every pixel column from the log start to the log end shows a batch (within the
        // one-pixel gap between wide cells), never the band nor anything else.
        let mut x = start_x.ceil() + 0.5;
        while x < r.right() - 1.0 {
            let near = |c: &Rect| x >= c.x - 1.0 && x <= c.right() + 1.0;
            let batch = fills.iter().any(|(c, f)| matches!(f, StripFill::Batch { .. }) && near(c));
            let other = fills
                .iter()
                .any(|(c, f)| !matches!(f, StripFill::Batch { .. }) && x > c.x && x < c.right());
            assert!(batch && !other, "{n} {deleted}: column {x} (log start at {start_x})");
            x += 1.0;
        }
        assert!(
            fills.len() <= r.w as usize + 2,
            "{} rectangles for a {}-px strip",
            fills.len(),
            r.w
        );
    }
}
