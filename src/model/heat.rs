//! The heat view (issue 12, production-size clusters): when a cluster has more partitions than
//! a heat strip can give a pixel row each, or more brokers than fit as boxes in the heading
//! row, the stage's centre collapses to a grid of brokers, each a cell coloured by its load,
//! and a grid per topic of its partitions, each a small cell coloured by its lag. Where the
//! cells are, what is under the pointer, and each cell's shade. Pure; painted by
//! `view/canvas/heat.rs` with one path per shade (no element, no call per cell beyond a
//! `rect`).

use brook_engine::{Cluster, Tp};

use crate::model::layout::{Rect, HEAT_ROWS_MAX};

/// Broker boxes the heading row holds (each at least 20 px); more collapse to the heat view.
pub const BROKER_ROW_MAX: usize = 16;
/// Shades of the heat colour ramp, light (0) to dark (`SHADES - 1`).
pub const SHADES: usize = 8;
/// The smallest cell, CSS px: below it the grids still fit (16,384 cells need 1.2 px each in
/// a 200 x 100 px region), a cell is never thinner than this.
pub const CELL_MIN_PX: f64 = 1.0;
/// The gap between cells as a share of a cell (none under 4 px cells).
const GAP_SHARE: f64 = 0.15;

/// Whether `cluster` is drawn as the heat view: more partitions in all than a heat strip has
/// pixel rows ([`HEAT_ROWS_MAX`], a 4K screen's height), or more brokers than
/// [`BROKER_ROW_MAX`].
pub fn heat_view(cluster: &Cluster) -> bool {
    heat_view_for(
        cluster.topics().iter().map(|t| t.partitions.len()).sum(),
        cluster.brokers().len(),
    )
}

/// [`heat_view`] from the counts.
pub fn heat_view_for(partitions: usize, brokers: usize) -> bool {
    partitions > HEAT_ROWS_MAX || brokers > BROKER_ROW_MAX
}

/// Cells of one size in rows, left to right then top to bottom.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Grid {
    /// The first cell's top left corner, CSS px.
    pub x: f64,
    /// See `x`.
    pub y: f64,
    /// Cells a row.
    pub cols: usize,
    /// Cells.
    pub count: usize,
    /// A cell's side, CSS px (with its gap).
    pub pitch: f64,
    /// The gap right of and under each cell, px.
    pub gap: f64,
}

impl Grid {
    /// The largest square cells that lay out `count` cells inside `r` (at least
    /// [`CELL_MIN_PX`], so a region too small is overrun downwards rather than a cell lost).
    pub fn fit(count: usize, r: Rect) -> Grid {
        if count == 0 || r.w <= 0.0 || r.h <= 0.0 {
            return Grid { x: r.x, y: r.y, ..Grid::default() };
        }
        // Start from the side that would tile the area exactly, and shrink until the rows fit
        // (at most a few dozen tries: each takes 3% off).
        let mut pitch = (r.w * r.h / count as f64).sqrt().min(r.w).min(r.h);
        for _ in 0..200 {
            let cols = ((r.w / pitch).floor() as usize).max(1);
            let rows = count.div_ceil(cols);
            if rows as f64 * pitch <= r.h + 1e-9 || pitch <= CELL_MIN_PX {
                break;
            }
            pitch *= 0.97;
        }
        let pitch = pitch.max(CELL_MIN_PX);
        let cols = ((r.w / pitch).floor() as usize).clamp(1, count);
        let gap = if pitch >= 4.0 { (pitch * GAP_SHARE).max(1.0) } else { 0.0 };
        Grid { x: r.x, y: r.y, cols, count, pitch, gap }
    }

    /// Rows used.
    pub fn rows(&self) -> usize {
        if self.cols == 0 {
            0
        } else {
            self.count.div_ceil(self.cols)
        }
    }

    /// Cell `i`'s square, without its gap.
    pub fn cell(&self, i: usize) -> Rect {
        let (row, col) = (i / self.cols.max(1), i % self.cols.max(1));
        let side = (self.pitch - self.gap).max(0.0);
        Rect {
            x: self.x + col as f64 * self.pitch,
            y: self.y + row as f64 * self.pitch,
            w: side,
            h: side,
        }
    }

    /// The box around every cell.
    pub fn bounds(&self) -> Rect {
        let cols = self.cols.min(self.count);
        Rect {
            x: self.x,
            y: self.y,
            w: cols as f64 * self.pitch,
            h: self.rows() as f64 * self.pitch,
        }
    }

    /// The cell under `(x, y)`, gaps included (so a 1 px cell is still easy to hit).
    pub fn at(&self, x: f64, y: f64) -> Option<usize> {
        if self.cols == 0 || x < self.x || y < self.y || self.pitch <= 0.0 {
            return None;
        }
        let col = ((x - self.x) / self.pitch) as usize;
        let row = ((y - self.y) / self.pitch) as usize;
        let i = row * self.cols + col;
        (col < self.cols && i < self.count).then_some(i)
    }
}

/// One topic's grid and its title line.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TopicHeat {
    /// The title's box ("orders: 4096 partitions, by lag").
    pub title: Rect,
    /// The partitions' cells, partition `p` at cell `p`.
    pub grid: Grid,
}

/// Where the heat view's parts are.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct HeatLayout {
    /// The brokers' title line.
    pub brokers_title: Rect,
    /// The brokers' cells, broker `b` at cell `b`.
    pub brokers: Grid,
    /// Each topic's grid, by topic index.
    pub topics: Vec<TopicHeat>,
    /// The legend's line: the colour ramp and what its ends mean.
    pub legend: Rect,
}

/// The share of the region the brokers' grid takes (the rest goes to the topics).
const BROKER_SHARE: f64 = 0.28;

impl HeatLayout {
    /// Lays out `brokers` brokers and topics of `partitions` partitions each inside `r` with
    /// title lines `line` px high.
    pub fn new(brokers: usize, partitions: &[usize], r: Rect, line: f64) -> HeatLayout {
        let legend = Rect { x: r.x, y: r.y + r.h - line, w: r.w, h: line };
        let body_h = (r.h - line - line * 0.5).max(0.0);
        let broker_h = (body_h * BROKER_SHARE).max(line * 2.0).min(body_h);
        let brokers_title = Rect { x: r.x, y: r.y, w: r.w, h: line };
        // Broker cells are at most 3 lines high: their load is read at a glance.
        let cells = Rect { x: r.x, y: r.y + line, w: r.w, h: (broker_h - line * 1.3).max(0.0) };
        let mut grid = Grid::fit(brokers, cells);
        let cap = line * 3.0;
        if grid.pitch > cap {
            grid = Grid::fit(brokers, Rect { w: (cap * brokers as f64).min(r.w), ..cells });
            grid.pitch = grid.pitch.min(cap);
            grid.gap = (grid.pitch * GAP_SHARE).max(1.0);
        }
        // The topics share the rest by their partitions (each at least its title and a row).
        let mut y = r.y + broker_h;
        let rest = (r.y + body_h - y).max(0.0);
        let total: usize = partitions.iter().sum::<usize>().max(1);
        let titles = line * 1.2 * partitions.len() as f64;
        let for_cells = (rest - titles).max(0.0);
        let topics = partitions
            .iter()
            .map(|&n| {
                let title = Rect { x: r.x, y, w: r.w, h: line };
                let h = (for_cells * n as f64 / total as f64).max(CELL_MIN_PX);
                let grid = Grid::fit(n, Rect { x: r.x, y: y + line * 1.1, w: r.w, h });
                y += line * 1.2 + h;
                TopicHeat { title, grid }
            })
            .collect();
        HeatLayout { brokers_title, brokers: grid, topics, legend }
    }

    /// The broker or partition under `(x, y)`.
    pub fn hit(&self, x: f64, y: f64) -> Option<crate::model::layout::Selection> {
        use crate::model::layout::Selection;
        if let Some(b) = self.brokers.at(x, y) {
            return Some(Selection::Broker(b));
        }
        self.topics.iter().enumerate().find_map(|(t, h)| {
            h.grid
                .at(x, y)
                .map(|p| Selection::Partition(Tp { topic: t as u16, partition: p as u32 }))
        })
    }
}

/// The shade of a value `f` from 0 (idle) to 1 (full): `0..SHADES`.
pub fn shade(f: f64) -> usize {
    let last = (SHADES - 1) as f64;
    (f.clamp(0.0, 1.0) * last).round() as usize
}

/// Broker `b`'s load, 0 to 1: the busiest of its request queue (share of
/// `queued.max.requests`), network in, network out and disk write over the last sample
/// (`model/capacity.rs`); None while it is down.
pub fn broker_load(c: &Cluster, b: usize) -> Option<f64> {
    if c.brokers().get(b).is_none_or(|br| !br.alive) {
        return None;
    }
    let g = crate::model::capacity::broker_gauges(c, b);
    Some(g.busy.iter().fold(g.queue_fill(), |m, &x| m.max(x)))
}

/// Each partition's lag by topic: the largest of the consumer groups that read the topic (its
/// committed offset, else where it reads from, to the high watermark; Kafka's
/// `kafka-consumer-groups --describe` LAG). A topic no group reads has 0 everywhere.
pub fn partition_lags(c: &Cluster) -> Vec<Vec<u64>> {
    c.topics()
        .iter()
        .enumerate()
        .map(|(ti, t)| {
            let readers: Vec<&brook_engine::Group> =
                c.groups().iter().filter(|g| g.topics.contains(&(ti as u16))).collect();
            t.partitions
                .iter()
                .enumerate()
                .map(|(pi, part)| {
                    let log = &part.log;
                    let tp = Tp { topic: ti as u16, partition: pi as u32 };
                    let (start, hw) = (log.log_start_offset(), log.high_watermark());
                    readers
                        .iter()
                        .map(|g| log.lag_from(g.resume_offset(tp, start, hw)))
                        .max()
                        .unwrap_or(0)
                })
                .collect()
        })
        .collect()
}

/// The lag the darkest shade stands for: the largest lag rounded up to 1, 2 or 5 times a power
/// of ten, at least 100 records (so the scale changes rarely and an idle topic stays light).
pub fn lag_scale(lags: &[Vec<u64>]) -> u64 {
    let most = lags.iter().flatten().copied().max().unwrap_or(0);
    let mut nice = 100u64;
    while nice < most {
        nice = if nice.to_string().starts_with('2') { nice / 2 * 5 } else { nice * 2 };
    }
    nice
}

/// What the heat view shows, for tests (`data-heat` on the stage): the cells drawn and the
/// shades' counts, `brokers=64;partitions=16384;broker-shades=a,b,...;lag-shades=...`.
pub fn heat_text(brokers: &[usize; SHADES], partitions: &[usize; SHADES]) -> String {
    let join = |s: &[usize; SHADES]| s.iter().map(|n| n.to_string()).collect::<Vec<_>>().join(",");
    format!(
        "brokers={};partitions={};broker-shades={};lag-shades={}",
        brokers.iter().sum::<usize>(),
        partitions.iter().sum::<usize>(),
        join(brokers),
        join(partitions)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use brook_engine::{preset, Cluster};

    #[test]
    fn the_heat_view_starts_past_a_heat_strips_rows_or_the_broker_row() {
        assert!(!heat_view_for(HEAT_ROWS_MAX, BROKER_ROW_MAX));
        assert!(heat_view_for(HEAT_ROWS_MAX + 1, 1));
        assert!(heat_view_for(1, BROKER_ROW_MAX + 1));
        assert!(heat_view(&Cluster::new(preset("production").unwrap())));
        for name in ["wide-topic", "stress", "quickstart", "hot-partition"] {
            assert!(!heat_view(&Cluster::new(preset(name).unwrap())), "{name}");
        }
    }

    #[test]
    fn a_grid_holds_every_cell_inside_its_region() {
        for (count, w, h) in [(64, 600.0, 120.0), (4096, 600.0, 90.0), (16_384, 500.0, 330.0)] {
            let r = Rect { x: 10.0, y: 20.0, w, h };
            let g = Grid::fit(count, r);
            assert!(g.cols * g.rows() >= count, "{count}: every cell has a place");
            let b = g.bounds();
            assert!(b.right() <= r.right() + 1e-6 && b.y + b.h <= r.y + r.h + 1e-6, "{count}");
            let last = g.cell(count - 1);
            assert!(last.y + last.h <= r.y + r.h + 1e-6, "{count}: the last cell inside");
            // No larger cell would fit: one more percent overruns the rows or the width.
            let bigger = g.pitch * 1.04;
            let cols = (w / bigger).floor() as usize;
            assert!(cols == 0 || count.div_ceil(cols) as f64 * bigger > h, "{count}: largest");
        }
    }

    #[test]
    fn the_cell_under_a_point_is_the_cell_drawn_there() {
        let g = Grid::fit(100, Rect { x: 0.0, y: 0.0, w: 200.0, h: 100.0 });
        for i in [0, 1, 37, 99] {
            let c = g.cell(i);
            assert_eq!(g.at(c.x + c.w / 2.0, c.y + c.h / 2.0), Some(i));
        }
        assert_eq!(g.at(-1.0, 5.0), None);
        let b = g.bounds();
        assert_eq!(g.at(b.right() + 1.0, 1.0), None);
    }

    #[test]
    fn production_fits_its_brokers_and_partitions_on_a_laptop_stage() {
        let c = Cluster::new(preset("production").unwrap());
        let parts: Vec<usize> = c.topics().iter().map(|t| t.partitions.len()).collect();
        let r = Rect { x: 300.0, y: 40.0, w: 520.0, h: 540.0 };
        let h = HeatLayout::new(c.brokers().len(), &parts, r, 15.0);
        assert_eq!(h.brokers.count, 64);
        assert_eq!(h.topics.iter().map(|t| t.grid.count).sum::<usize>(), 16_384);
        let mut bottom = h.brokers.bounds().y + h.brokers.bounds().h;
        for t in &h.topics {
            assert!(t.title.y >= bottom - 1e-6, "a topic starts under what is above it");
            let b = t.grid.bounds();
            assert!(b.right() <= r.right() + 1e-6);
            bottom = b.y + b.h;
        }
        assert!(bottom <= h.legend.y + 1e-6, "the grids end above the legend");
        // Hit-testing names a broker and a partition for the inspector.
        let b5 = h.brokers.cell(5);
        assert_eq!(h.hit(b5.x + 0.5, b5.y + 0.5), Some(crate::model::layout::Selection::Broker(5)));
        let p = h.topics[2].grid.cell(4000);
        assert_eq!(
            h.hit(p.x + 0.2, p.y + 0.2),
            Some(crate::model::layout::Selection::Partition(Tp { topic: 2, partition: 4000 }))
        );
    }

    #[test]
    fn shades_run_from_idle_to_full() {
        assert_eq!(shade(0.0), 0);
        assert_eq!(shade(-1.0), 0);
        assert_eq!(shade(1.0), SHADES - 1);
        assert_eq!(shade(7.0), SHADES - 1);
        assert!(shade(0.3) < shade(0.7));
    }

    #[test]
    fn the_lag_scale_rounds_up_to_a_nice_figure() {
        assert_eq!(lag_scale(&[vec![0, 3]]), 100);
        assert_eq!(lag_scale(&[vec![101], vec![5]]), 200);
        assert_eq!(lag_scale(&[vec![201]]), 500);
        assert_eq!(lag_scale(&[vec![999]]), 1_000);
    }

    #[test]
    fn a_slow_group_darkens_its_topic_and_a_full_broker_is_dark() {
        // Lag is the high watermark less the committed offset (Kafka's
        // ConsumerGroupCommand LAG): a group taking a second a record falls behind.
        let mut s = preset("hot-partition").unwrap();
        s.groups[0].processing_us = 1_000_000;
        let mut c = Cluster::new(s);
        c.run_until(8_000_000);
        let lags = partition_lags(&c);
        assert!(lags[0].iter().sum::<u64>() > 1_000, "{lags:?}");
        let loads: Vec<f64> = (0..c.brokers().len()).map(|b| broker_load(&c, b).unwrap()).collect();
        assert!(loads.iter().all(|l| (0.0..=1.0).contains(l)));
        // hot-partition's design: the hot key's broker reads 4.5 MB/s against its 4 MB/s.
        assert!(loads.iter().any(|&l| l > 0.9), "one broker is full: {loads:?}");
        c.command(brook_engine::Command::CrashBroker { broker: 0 }).unwrap();
        c.run_until(8_100_000);
        assert_eq!(broker_load(&c, 0), None, "a down broker has no load");
    }
}
