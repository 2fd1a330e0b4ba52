//! Where things are on the stage for a canvas of a given size, where a flight is along its
//! route, and what a click hits. Pure: the canvas draws what this computes.

use brook_engine::{Cluster, PartitionLog, Tp};

use crate::model::consumers::{consumer_sets, ConsumerSet};
use crate::model::flights::{Endpoint, Flight, FlightKind, HOP_PX};

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
    pub sets: Vec<ConsumerSet>,
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
    ) -> (Vec<Rect>, Vec<Vec<Rect>>, Vec<ConsumerSet>) {
        // Each set: a header (name, then a status line) and its members; rows share the height.
        let head = 30.0;
        let gap = 10.0;
        let sets = consumer_sets(cluster);
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

/// Something on the stage.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Selection {
    /// A producer, by index.
    Producer(usize),
    /// A partition.
    Partition(Tp),
    /// A reader (group, share group, subscription), by its position in `Cluster::readers()`.
    Set(usize),
    /// One member of a set.
    Member(usize, usize),
    /// A broker, by id.
    Broker(usize),
}

impl Layout {
    /// What is under the point `(x, y)` (CSS px), if anything.
    pub fn hit(&self, x: f64, y: f64) -> Option<Selection> {
        let inside = |r: &Rect| x >= r.x && x <= r.right() && y >= r.y && y <= r.y + r.h;
        if let Some(b) = self.brokers.iter().position(inside) {
            return Some(Selection::Broker(b));
        }
        if let Some(i) = self.producers.iter().position(inside) {
            return Some(Selection::Producer(i));
        }
        for (t, rows) in self.partitions.iter().enumerate() {
            // The strip plus its label and replica chips on the left.
            let grown = |r: &Rect| Rect {
                x: r.x - 60.0 - self.replica_w,
                w: r.w + 100.0 + self.replica_w,
                ..*r
            };
            if let Some(p) = rows.iter().position(|r| inside(&grown(r))) {
                return Some(Selection::Partition(Tp { topic: t as u16, partition: p as u32 }));
            }
        }
        if let Some(g) = self.groups.iter().position(inside) {
            return Some(Selection::Set(g));
        }
        for (g, list) in self.members.iter().enumerate() {
            if let Some(m) = list.iter().position(inside) {
                return Some(Selection::Member(g, m));
            }
        }
        None
    }
}

/// How a piece of a partition strip is filled.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StripFill {
    /// Offsets below the log start offset: deleted by retention (Kafka's
    /// `UnifiedLog.logStartOffset`: records below it are gone).
    Deleted,
    /// A batch's records: its producer and most frequent key (for the colour).
    Batch {
        /// Producer index.
        producer: u32,
        /// Key index (`u32::MAX` for none).
        key: u32,
    },
}

/// Batches walked one by one per strip and frame; older data in the window is looked up one
/// pixel column at a time.
pub const STRIP_BATCHES_MAX: usize = 4_096;

/// What a strip `r` showing the newest `window` offsets of `log` is filled with, oldest data
/// left: the deleted band (exactly the offsets below the log start offset), then batches.
/// Batches narrower than a pixel are merged (the newest wins), so a strip costs at most about
/// its width in rectangles, and at most [`STRIP_BATCHES_MAX`] batches plus one binary search
/// per pixel column are visited.
pub fn strip_fills(log: &PartitionLog, r: Rect, window: f64) -> Vec<(Rect, StripFill)> {
    let leo = log.log_end_offset();
    let x_of = |o: u64| r.right() - (leo.saturating_sub(o) as f64 / window) * r.w;
    let mut out = Vec::new();
    let start = log.log_start_offset();
    let start_x = x_of(start).max(r.x);
    if start > 0 && start_x > r.x {
        out.push((Rect { w: start_x - r.x, ..r }, StripFill::Deleted));
    }
    let mut drawn_to = r.right() + 1.0; // left edge of what is already filled
    for (visited, b) in log.batches().rev().enumerate() {
        let x1 = x_of(b.end_offset()).min(drawn_to);
        if x1 <= r.x {
            break;
        }
        if visited == STRIP_BATCHES_MAX {
            older_columns(log, r, window, x1, start_x, &mut out);
            break;
        }
        let x0 = x_of(b.base_offset).max(r.x);
        if x1 - x0 < 1.0 && drawn_to - x1 < 1.0 && x1 < r.right() {
            continue; // same pixel as the newer batch already drawn
        }
        let gap = if x1 - x0 > 3.0 { 1.0 } else { 0.0 };
        let cell = Rect { x: x0, w: (x1 - x0 - gap).max(1.0), ..r };
        out.push((cell, StripFill::Batch { producer: b.producer, key: b.key }));
        drawn_to = x0;
    }
    out
}

/// The data left of `x1` down to the log start at `start_x`, one pixel column at a time: the
/// batch holding each column's newest offset (its colour), neighbours of one fill merged.
fn older_columns(
    log: &PartitionLog,
    r: Rect,
    window: f64,
    x1: f64,
    start_x: f64,
    out: &mut Vec<(Rect, StripFill)>,
) {
    let leo = log.log_end_offset() as f64;
    let mut x = x1;
    // Bounded by the strip's width.
    while x > start_x {
        let x0 = (x - 1.0).max(start_x);
        // The newest offset of the column [x0, x).
        let newest = (leo - (r.right() - x) / r.w * window).ceil() - 1.0;
        let offset = (newest.max(0.0) as u64).max(log.log_start_offset());
        if let Some(b) = log.batch_at(offset) {
            let f = StripFill::Batch { producer: b.producer, key: b.key };
            match out.last_mut() {
                Some((c, last)) if *last == f && (c.x - x).abs() < 1e-9 => {
                    c.w += c.x - x0;
                    c.x = x0;
                }
                _ => out.push((Rect { x: x0, w: x - x0, ..r }, f)),
            }
        }
        x = x0;
    }
}
