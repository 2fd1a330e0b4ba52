//! The rolling charts under the stage, computed from the engine's sampled history. Pure: the
//! canvas module draws them, native tests check them.

use brook_engine::Cluster;

use crate::model::consumers::consumer_sets;
use crate::model::i18n::{Lang, Msg};

/// One line of a chart.
#[derive(Clone, Debug, PartialEq)]
pub struct Series {
    /// Legend text.
    pub label: String,
    /// Stroke colour.
    pub colour: &'static str,
    /// Values, one per sample (aligned with `Chart::t_s`).
    pub values: Vec<f64>,
    /// Drawn as a filled area rather than a line.
    pub area: bool,
}

/// Which chart: each has its own box on the page (`data-chart` is [`ChartKind::code`]); one
/// of them is drawn large beside the stage (`State::focus_chart`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum ChartKind {
    /// Inflow against outflow, with the backlog: the peak-shaving picture.
    #[default]
    Flow,
    /// Lag per reader.
    Lag,
    /// Latency percentiles.
    Latency,
    /// Faults so far.
    Faults,
    /// Lag per partition of one consumer group.
    PartitionLag,
}

impl ChartKind {
    /// Every chart, in the order of the charts row.
    pub const ALL: [ChartKind; 5] = [
        ChartKind::Flow,
        ChartKind::Lag,
        ChartKind::Latency,
        ChartKind::Faults,
        ChartKind::PartitionLag,
    ];

    /// The chart's name in the page (`data-chart`) and in lesson files (`chart.NAME`).
    pub fn code(self) -> &'static str {
        match self {
            ChartKind::Flow => "flow",
            ChartKind::Lag => "lag",
            ChartKind::Latency => "latency",
            ChartKind::Faults => "faults",
            ChartKind::PartitionLag => "partition-lag",
        }
    }

    /// The chart named `code`, if any.
    pub fn from_code(code: &str) -> Option<ChartKind> {
        ChartKind::ALL.into_iter().find(|k| k.code() == code)
    }
}

/// Where a readout box `box_w` px wide goes beside the cursor at `x`: right of it if it fits
/// in the panel, else left of it, and never past either edge of the panel (`left`..`right`)
/// (a box wider than the panel starts at its left edge).
pub fn readout_x(x: f64, box_w: f64, left: f64, right: f64) -> f64 {
    let gap = 8.0;
    let bx = if x + gap + box_w <= right { x + gap } else { x - gap - box_w };
    bx.min(right - box_w).max(left)
}

/// One chart panel.
#[derive(Clone, Debug, PartialEq)]
pub struct Chart {
    /// Which chart this is.
    pub kind: ChartKind,
    /// Title, naming the unit.
    pub title: String,
    /// Sample times, virtual seconds.
    pub t_s: Vec<f64>,
    /// Lines.
    pub series: Vec<Series>,
}

const READER_COLOURS: [&str; 6] =
    ["#ea580c", "#0d9488", "#9333ea", "#be123c", "#1d4ed8", "#65a30d"];

fn series(label: impl Into<String>, colour: &'static str, values: Vec<f64>) -> Series {
    Series { label: label.into(), colour, values, area: false }
}

/// The title of chart `kind` (naming its unit), in `lang`; the per-partition lag chart names
/// consumer group `lag_group` (the first if there is no such group).
pub fn chart_title(kind: ChartKind, c: &Cluster, lag_group: usize, lang: Lang) -> String {
    match kind {
        ChartKind::Flow => lang.t(Msg::ChartFlow).into(),
        ChartKind::Lag => lang.t(Msg::ChartLag).into(),
        ChartKind::Latency => lang.t(Msg::ChartLatency).into(),
        ChartKind::Faults => lang.t(Msg::ChartFaults).into(),
        ChartKind::PartitionLag => {
            let g = c.groups().get(lag_group).or(c.groups().first());
            lang.f(Msg::ChartPartitionLag, &[&g.map_or("", |g| g.spec.name.as_str())])
        }
    }
}

/// The charts: flow (the peak-shaving picture), lag per reader, latency, faults, and lag per
/// partition of consumer group `lag_group` (the first if there is no such group), titled in
/// `lang`.
pub fn charts(c: &Cluster, lag_group: usize, lang: Lang) -> Vec<Chart> {
    let t = |m: Msg| lang.t(m);
    let h: Vec<_> = c.history().iter().collect();
    let t_s: Vec<f64> = h.iter().map(|s| s.t_ms as f64 / 1000.0).collect();
    let col =
        |f: &dyn Fn(&brook_engine::Sample) -> f64| h.iter().map(|s| f(s)).collect::<Vec<f64>>();
    let mut backlog = series(t(Msg::SeriesBacklog), "#94a3b8", col(&|s| s.backlog_records as f64));
    backlog.area = true;
    let flow = Chart {
        kind: ChartKind::Flow,
        title: t(Msg::ChartFlow).into(),
        t_s: t_s.clone(),
        series: vec![
            backlog,
            series(t(Msg::SeriesInflow), "#2563eb", col(&|s| s.inflow_per_sec)),
            series(t(Msg::SeriesOutflow), "#16a34a", col(&|s| s.outflow_per_sec)),
        ],
    };
    let lag = Chart {
        kind: ChartKind::Lag,
        title: t(Msg::ChartLag).into(),
        t_s: t_s.clone(),
        series: consumer_sets(c)
            .iter()
            .enumerate()
            .map(|(i, set)| {
                let values =
                    h.iter().map(|s| s.lag_records.get(i).copied().unwrap_or(0) as f64).collect();
                series(set.name.clone(), READER_COLOURS[i % READER_COLOURS.len()], values)
            })
            .collect(),
    };
    let latency = Chart {
        kind: ChartKind::Latency,
        title: t(Msg::ChartLatency).into(),
        t_s: t_s.clone(),
        series: vec![
            series("p50", "#0891b2", col(&|s| s.latency_ms_p50)),
            series("p99", "#7c3aed", col(&|s| s.latency_ms_p99)),
        ],
    };
    let faults = Chart {
        kind: ChartKind::Faults,
        title: t(Msg::ChartFaults).into(),
        t_s,
        series: vec![
            series(t(Msg::SeriesDropped), "#dc2626", col(&|s| s.failed_records as f64)),
            series(t(Msg::SeriesDuplicates), "#d97706", col(&|s| s.duplicate_records as f64)),
            series(t(Msg::SeriesLost), "#0f172a", col(&|s| s.lost_records as f64)),
            series(t(Msg::SeriesBlocked), "#db2777", col(&|s| s.producers_blocked as f64)),
        ],
    };
    let mut all = vec![flow, lag, latency, faults];
    all.extend(partition_lag(c, lag_group, lang));
    all
}

/// Partitions shown in the per-partition lag chart, the most lagging first.
const PARTITION_LINES_MAX: usize = 6;

/// Lag per partition of consumer group `gi` (the first if out of range), from the
/// once-a-second partition history.
fn partition_lag(c: &Cluster, gi: usize, lang: Lang) -> Option<Chart> {
    let gi = if gi < c.groups().len() { gi } else { 0 };
    let g = c.groups().get(gi)?;
    let h: Vec<_> = c.partition_history().iter().collect();
    let last = h.last()?;
    // The group's partitions, as indices into the flat partition list of each sample.
    let mut flat = Vec::new();
    let mut start = 0;
    for (ti, t) in c.topics().iter().enumerate() {
        if g.topics.contains(&(ti as u16)) {
            flat.extend((0..t.partitions.len()).map(|p| (start + p, format!("{}-{p}", t.name))));
        }
        start += t.partitions.len();
    }
    let lag_at = |s: &brook_engine::PartitionSample, k: usize, flat_i: usize| {
        let hw = s.partitions.get(flat_i).map_or(0, |o| o.high_watermark);
        let committed = s.committed.get(gi).and_then(|row| row.get(k)).copied().unwrap_or(0);
        hw.saturating_sub(committed) as f64
    };
    let mut order: Vec<usize> = (0..flat.len()).collect();
    brook_engine::sort::sort_by(&mut order, |&a, &b| {
        lag_at(last, b, flat[b].0).total_cmp(&lag_at(last, a, flat[a].0))
    });
    let series = order
        .into_iter()
        .take(PARTITION_LINES_MAX)
        .enumerate()
        .map(|(n, k)| {
            let values = h.iter().map(|s| lag_at(s, k, flat[k].0)).collect();
            series(flat[k].1.clone(), READER_COLOURS[n % READER_COLOURS.len()], values)
        })
        .collect();
    Some(Chart {
        kind: ChartKind::PartitionLag,
        title: lang.f(Msg::ChartPartitionLag, &[&g.spec.name]),
        t_s: h.iter().map(|s| s.t_ms as f64 / 1000.0).collect(),
        series,
    })
}

/// A round number at or above `v` (1, 2 or 5 times a power of ten), at least 1.
pub fn nice_max(v: f64) -> f64 {
    if v.is_nan() || v <= 1.0 {
        return 1.0;
    }
    let p = 10f64.powf(v.log10().floor());
    [1.0, 2.0, 5.0, 10.0].iter().map(|m| m * p).find(|&x| x >= v).unwrap_or(10.0 * p)
}

impl Chart {
    /// Largest value of the line series and of the area series (each gets its own scale).
    pub fn maxima(&self) -> (f64, f64) {
        let max = |area: bool| {
            self.series
                .iter()
                .filter(|s| s.area == area)
                .flat_map(|s| s.values.iter().copied())
                .fold(0.0, f64::max)
        };
        (nice_max(max(false)), nice_max(max(true)))
    }

    /// Index of the sample nearest to fraction `x` (0..=1) across the chart.
    pub fn sample_at(&self, x: f64) -> Option<usize> {
        let n = self.t_s.len();
        (n > 0).then(|| ((x.clamp(0.0, 1.0) * (n - 1) as f64).round() as usize).min(n - 1))
    }

    /// The hover readout for sample `i`: time, then each series' value.
    pub fn readout(&self, i: usize, lang: Lang) -> Vec<String> {
        let t = format!("{:.1}", self.t_s.get(i).copied().unwrap_or(0.0));
        let mut out = vec![lang.f(Msg::Readout, &[&t])];
        for s in &self.series {
            let v = s.values.get(i).copied().unwrap_or(0.0);
            out.push(format!("{}: {}", s.label, crate::model::format::compact(v)));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use brook_engine::preset;

    #[test]
    fn peak_shaving_flow_chart_shows_the_spike_absorbed() {
        let mut c = Cluster::new(preset("peak-shaving").unwrap());
        c.run_until(20_000_000);
        let flow = &charts(&c, 0, Lang::En)[0];
        let inflow = &flow.series[1].values;
        let outflow = &flow.series[2].values;
        let peak_in = inflow.iter().copied().fold(0.0, f64::max);
        let peak_out = outflow.iter().copied().fold(0.0, f64::max);
        assert!(
            peak_in > 2.0 * peak_out,
            "the spike exceeds what consumers take: {peak_in} vs {peak_out}"
        );
        let (line_max, area_max) = flow.maxima();
        assert!(line_max >= peak_in && area_max >= 1.0);
        let i = flow.sample_at(1.0).unwrap();
        assert_eq!(i, flow.t_s.len() - 1);
        assert!(flow.readout(i, Lang::En)[0].starts_with("t = 20.0 s"));
        assert!(flow.readout(i, Lang::ZhTw)[0].starts_with("t = 20.0 秒"));
    }

    #[test]
    fn lag_chart_has_one_line_per_reader() {
        let mut c = Cluster::new(preset("slow-subscriber-push-vs-pull").unwrap());
        c.run_until(2_000_000);
        let lag = &charts(&c, 0, Lang::En)[1];
        assert_eq!(lag.series.len(), c.readers().count());
        assert_eq!(lag.series.len(), 6);
        assert!(lag.series.iter().all(|s| s.values.len() == lag.t_s.len()));
    }

    #[test]
    fn partition_lag_chart_picks_the_hot_partition_first() {
        let mut c = Cluster::new(preset("hot-key-skew").unwrap());
        c.run_until(15_000_000);
        let all = charts(&c, 0, Lang::En);
        let chart = all.last().unwrap();
        assert_eq!(chart.title, format!("Lag per partition: {}", c.groups()[0].spec.name));
        assert!(chart.series.len() <= PARTITION_LINES_MAX);
        let first = chart.series[0].values.last().copied().unwrap();
        assert!(chart.series.iter().all(|s| s.values.last().copied().unwrap() <= first));
        assert!(first > 0.0);
    }

    #[test]
    fn partition_lag_chart_follows_the_chosen_group() {
        let mut c = Cluster::new(preset("p2p-vs-pubsub").unwrap());
        c.run_until(5_000_000);
        assert!(c.groups().len() >= 2);
        for (gi, g) in c.groups().iter().enumerate() {
            let all = charts(&c, gi, Lang::En);
            let chart = all.last().unwrap();
            assert_eq!(chart.title, format!("Lag per partition: {}", g.spec.name));
            // The last value of each line is that group's lag on that partition.
            let last = c.partition_history().last().unwrap();
            for sr in &chart.series {
                let p: usize = sr.label.rsplit('-').next().unwrap().parse().unwrap();
                let lag = last.partitions[p].high_watermark.saturating_sub(last.committed[gi][p]);
                assert_eq!(sr.values.last().copied().unwrap(), lag as f64, "{}", sr.label);
            }
        }
        let fallback = charts(&c, 99, Lang::En);
        assert_eq!(fallback.last().unwrap().title, charts(&c, 0, Lang::En).last().unwrap().title);
        // The page's title for each chart box is the chart's own.
        for chart in charts(&c, 1, Lang::ZhTw) {
            assert_eq!(chart_title(chart.kind, &c, 1, Lang::ZhTw), chart.title);
        }
        assert_eq!(chart_title(ChartKind::PartitionLag, &c, 99, Lang::En), fallback[4].title);
    }

    #[test]
    fn every_chart_has_its_kind_and_a_code_that_names_it_back() {
        let mut c = Cluster::new(preset("p2p-vs-pubsub").unwrap());
        c.run_until(2_000_000);
        let kinds: Vec<ChartKind> = charts(&c, 0, Lang::En).iter().map(|c| c.kind).collect();
        assert_eq!(kinds, ChartKind::ALL.to_vec());
        for k in ChartKind::ALL {
            assert_eq!(ChartKind::from_code(k.code()), Some(k));
        }
        assert_eq!(ChartKind::from_code("nope"), None);
        assert_eq!(ChartKind::default(), ChartKind::Flow);
    }

    #[test]
    fn a_readout_stays_inside_its_panel_at_both_edges() {
        // Issue 10: tooltips were clipped at the left edge (a cursor near the right edge of a
        // narrow panel put the box left of the cursor, past the panel's left edge).
        let (left, right) = (0.0, 240.0);
        for box_w in [60.0, 120.0, 200.0, 239.0] {
            for x in [0.0, 1.0, 40.0, 120.0, 200.0, 239.0, 240.0] {
                let bx = readout_x(x, box_w, left, right);
                assert!(bx >= left && bx + box_w <= right + 1e-9, "x {x} w {box_w}: {bx}");
            }
        }
        assert_eq!(readout_x(10.0, 60.0, left, right), 18.0, "right of the cursor when it fits");
        assert_eq!(readout_x(230.0, 60.0, left, right), 162.0, "else left of it");
        assert_eq!(readout_x(100.0, 300.0, left, right), left, "too wide: from the left edge");
    }

    #[test]
    fn nice_numbers() {
        assert_eq!(nice_max(0.0), 1.0);
        assert_eq!(nice_max(3.0), 5.0);
        assert_eq!(nice_max(120.0), 200.0);
        assert_eq!(nice_max(1000.0), 1000.0);
    }
}
