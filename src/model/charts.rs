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
    /// Produce request time per broker (offered when the brokers have limits).
    RequestTime,
}

impl ChartKind {
    /// Every chart, in the order of the charts row.
    pub const ALL: [ChartKind; 6] = [
        ChartKind::Flow,
        ChartKind::Lag,
        ChartKind::Latency,
        ChartKind::Faults,
        ChartKind::PartitionLag,
        ChartKind::RequestTime,
    ];

    /// The chart's name in the page (`data-chart`) and in lesson files (`chart.NAME`).
    pub fn code(self) -> &'static str {
        match self {
            ChartKind::Flow => "flow",
            ChartKind::Lag => "lag",
            ChartKind::Latency => "latency",
            ChartKind::Faults => "faults",
            ChartKind::PartitionLag => "partition-lag",
            ChartKind::RequestTime => "request-time",
        }
    }

    /// The chart named `code`, if any.
    pub fn from_code(code: &str) -> Option<ChartKind> {
        ChartKind::ALL.into_iter().find(|k| k.code() == code)
    }

    /// The chart that shows what preset `name` is about, beside the stage when the preset is
    /// opened (unless the user chose a chart: `State::chart_chosen`): the flow picture unless
    /// the preset's story is elsewhere, as its description tells it.
    pub fn telling(preset: &str) -> ChartKind {
        match preset {
            // A slow group behind a fast one; push against pull; the group that falls behind.
            "log-collection" | "slow-subscriber-push-vs-pull" | "wide-topic" => ChartKind::Lag,
            // Latency that stays low; produce latency that climbs at a saturated broker.
            "realtime-analytics" | "hot-partition" => ChartKind::Latency,
            // The crashed member's partitions wait; the hot key's partition falls behind.
            "consumer-crash-rebalance" | "hot-key-skew" => ChartKind::PartitionLag,
            // acks=1 writes lost, resends out of order.
            "broker-failure-acks" => ChartKind::Faults,
            // Every broker's request queue full.
            "spike-beyond-capacity" => ChartKind::RequestTime,
            _ => ChartKind::Flow,
        }
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
    /// Moments to point at (virtual seconds, short label), inside `t_s`'s span.
    pub markers: Vec<(f64, String)>,
}

/// Virtual seconds from the start of a run whose samples do not set a chart's scale (the
/// start-up transient: first batches, first fetches), once later samples exist.
pub const STARTUP_S: f64 = 2.0;

const READER_COLOURS: [&str; 6] =
    ["#ea580c", "#0d9488", "#9333ea", "#be123c", "#1d4ed8", "#65a30d"];

fn series(label: impl Into<String>, colour: &'static str, values: Vec<f64>) -> Series {
    Series { label: label.into(), colour, values, area: false }
}

/// Whether the flow chart draws one outflow line per reader (there are several) rather than
/// one outflow.
fn outflow_per_reader(c: &Cluster) -> bool {
    c.readers().nth(1).is_some()
}

/// The title of chart `kind` (naming its unit), in `lang`; the per-partition lag chart names
/// consumer group `lag_group` (the first if there is no such group).
pub fn chart_title(kind: ChartKind, c: &Cluster, lag_group: usize, lang: Lang) -> String {
    match kind {
        ChartKind::Flow if outflow_per_reader(c) => lang.t(Msg::ChartFlowPerReader).into(),
        ChartKind::Flow => lang.t(Msg::ChartFlow).into(),
        ChartKind::Lag => lang.t(Msg::ChartLag).into(),
        ChartKind::Latency => lang.t(Msg::ChartLatency).into(),
        ChartKind::Faults => lang.t(Msg::ChartFaults).into(),
        ChartKind::PartitionLag => {
            let g = c.groups().get(lag_group).or(c.groups().first());
            lang.f(Msg::ChartPartitionLag, &[&g.map_or("", |g| g.spec.name.as_str())])
        }
        ChartKind::RequestTime => lang.t(Msg::ChartRequestTime).into(),
    }
}

/// What chart `kind` of cluster `c` leaves out that a learner would expect in it, in `lang`: the
/// produce request time excludes the wait before a broker reads a request (Kafka's
/// `TotalTimeMs` starts when the request is read), so it can stay low while the producers'
/// latency climbs.
///
/// The flow chart's inflow counts every topic written to, each reader's outflow only the topics
/// it reads: where a reader reads part of them (production's four groups, a topic each), its
/// outflow stays below the inflow while it keeps up, and the chart says so.
pub fn chart_note(kind: ChartKind, c: &Cluster, lang: Lang) -> Option<&'static str> {
    match kind {
        ChartKind::RequestTime => Some(lang.t(Msg::ChartRequestTimeNote)),
        ChartKind::Flow if readers_read_part(c) => Some(lang.t(Msg::ChartFlowPartNote)),
        _ => None,
    }
}

/// Whether some reader leaves out a topic that a producer writes to.
fn readers_read_part(c: &Cluster) -> bool {
    let written = |t: &brook_engine::Topic| c.producers().iter().any(|p| p.spec.topic == t.name);
    let topics: Vec<u16> =
        c.topics().iter().enumerate().filter(|(_, t)| written(t)).map(|(i, _)| i as u16).collect();
    c.readers().any(|r| topics.iter().any(|t| !r.topics().contains(t)))
}

/// What an empty chart of `kind` says in its plot, in `lang`: no point yet, and how often the
/// points come (the per-partition lag once a second, the others every 0.1 s).
pub fn no_point_note(kind: ChartKind, lang: Lang) -> String {
    let us = match kind {
        ChartKind::PartitionLag => brook_engine::PARTITION_SAMPLE_US,
        _ => brook_engine::SAMPLE_US,
    };
    lang.f(Msg::ChartNoPointYet, &[&format!("{}", us as f64 / 1e6)])
}

/// The charts: flow (the peak-shaving picture), lag per reader, latency, faults, and lag per
/// partition of consumer group `lag_group` (the first if there is no such group), titled in
/// `lang`.
pub fn charts(c: &Cluster, lag_group: usize, lang: Lang) -> Vec<Chart> {
    let t = |m: Msg| lang.t(m);
    let h: Vec<_> = c.history().iter().collect();
    let t_s: Vec<f64> = h.iter().map(|s| s.t_ms as f64 / 1000.0).collect();
    let markers = markers(c, &t_s, lang);
    let chart = |kind: ChartKind, title: String, series: Vec<Series>| Chart {
        kind,
        title,
        t_s: t_s.clone(),
        series,
        markers: markers.clone(),
    };
    let col =
        |f: &dyn Fn(&brook_engine::Sample) -> f64| h.iter().map(|s| f(s)).collect::<Vec<f64>>();
    let mut backlog = series(t(Msg::SeriesBacklog), "#94a3b8", col(&|s| s.backlog_records as f64));
    backlog.area = true;
    let sets = consumer_sets(c);
    // Each reader's own outflow: every reader reads every record, so a sum over readers
    // would exceed the inflow it keeps up with.
    let secs = brook_engine::SAMPLE_US as f64 / 1e6;
    let processed = |k: usize, i: usize| {
        h.get(k).and_then(|s| s.processed_records.get(i)).copied().unwrap_or(0)
    };
    let outflow = |i: usize| -> Vec<f64> {
        let rate = |k: usize| processed(k, i).saturating_sub(processed(k - 1, i)) as f64 / secs;
        let mut v: Vec<f64> = (0..h.len()).map(|k| if k == 0 { 0.0 } else { rate(k) }).collect();
        // The first sample of a run follows t = 0, when nothing had been processed; once the
        // history has rolled, the first kept sample repeats its successor's rate.
        if let Some(first) = h.first() {
            let start = first.t_ms <= brook_engine::SAMPLE_US / 1000;
            v[0] = if start {
                processed(0, i) as f64 / secs
            } else {
                v.get(1).copied().unwrap_or(0.0)
            };
        }
        v
    };
    let mut flow_series =
        vec![backlog, series(t(Msg::SeriesInflow), "#2563eb", col(&|s| s.inflow_per_sec))];
    let (flow_title, outflow_colour) = if outflow_per_reader(c) {
        (t(Msg::ChartFlowPerReader), None)
    } else {
        (t(Msg::ChartFlow), Some("#16a34a"))
    };
    for (i, set) in sets.iter().enumerate() {
        let (label, colour) = match outflow_colour {
            Some(colour) => (t(Msg::SeriesOutflow).to_string(), colour),
            None => (
                lang.f(Msg::SeriesOutflowOf, &[&set.name]),
                READER_COLOURS[i % READER_COLOURS.len()],
            ),
        };
        flow_series.push(series(label, colour, outflow(i)));
    }
    let flow = chart(ChartKind::Flow, flow_title.into(), flow_series);
    let lag = chart(
        ChartKind::Lag,
        t(Msg::ChartLag).into(),
        sets.iter()
            .enumerate()
            .map(|(i, set)| {
                let values =
                    h.iter().map(|s| s.lag_records.get(i).copied().unwrap_or(0) as f64).collect();
                series(set.name.clone(), READER_COLOURS[i % READER_COLOURS.len()], values)
            })
            .collect(),
    );
    let latency = chart(
        ChartKind::Latency,
        t(Msg::ChartLatency).into(),
        vec![
            series("p50", "#0891b2", col(&|s| s.latency_ms_p50)),
            series("p99", "#7c3aed", col(&|s| s.latency_ms_p99)),
        ],
    );
    let faults = chart(
        ChartKind::Faults,
        t(Msg::ChartFaults).into(),
        vec![
            series(t(Msg::SeriesDropped), "#dc2626", col(&|s| s.failed_records as f64)),
            series(t(Msg::SeriesDuplicates), "#d97706", col(&|s| s.duplicate_records as f64)),
            series(t(Msg::SeriesLost), "#0f172a", col(&|s| s.lost_records as f64)),
            series(t(Msg::SeriesBlocked), "#db2777", col(&|s| s.producers_blocked as f64)),
        ],
    );
    let mut all = vec![flow, lag, latency, faults];
    all.extend(partition_lag(c, lag_group, lang));
    if crate::model::capacity::limited(c) {
        let lines = crate::model::capacity::request_time_lines(c);
        let per_broker = lines
            .into_iter()
            .map(|(b, v)| {
                series(lang.f(Msg::BrokerLabel, &[&b]), READER_COLOURS[b % READER_COLOURS.len()], v)
            })
            .collect();
        all.push(chart(ChartKind::RequestTime, t(Msg::ChartRequestTime).into(), per_broker));
    }
    all
}

/// The engine's markers inside the span of `t_s`, labelled in `lang`.
fn markers(c: &Cluster, t_s: &[f64], lang: Lang) -> Vec<(f64, String)> {
    use brook_engine::MarkerKind as K;
    let (Some(&first), Some(&last)) = (t_s.first(), t_s.last()) else {
        return Vec::new();
    };
    c.markers()
        .iter()
        .map(|m| (m.t_ms as f64 / 1000.0, m))
        .filter(|&(t, _)| t >= first && t <= last)
        .map(|(t, m)| {
            let label = match m.kind {
                K::SpikeStart => lang.t(Msg::MarkerSpikeStart).to_string(),
                K::SpikeEnd => lang.t(Msg::MarkerSpikeEnd).to_string(),
                K::BrokerCrash => lang.f(Msg::MarkerBrokerCrash, &[&m.subject]),
                K::MemberCrash => lang.f(Msg::MarkerMemberCrash, &[&m.subject]),
                K::Rebalance => lang.f(Msg::MarkerRebalance, &[&m.subject]),
            };
            (t, label)
        })
        .collect()
}

/// Partitions shown in the per-partition lag chart, the most lagging first.
const PARTITION_LINES_MAX: usize = 6;

/// Lag per partition of consumer group `gi` (the first if out of range), from the
/// once-a-second partition history.
fn partition_lag(c: &Cluster, gi: usize, lang: Lang) -> Option<Chart> {
    let gi = if gi < c.groups().len() { gi } else { 0 };
    let g = c.groups().get(gi)?;
    let h: Vec<_> = c.partition_history().iter().collect();
    let title = lang.f(Msg::ChartPartitionLag, &[&g.spec.name]);
    let Some(last) = h.last() else {
        // Before the first once-a-second sample: the chart is there, empty, and says when its
        // first point comes ([`no_point_note`]).
        return Some(Chart {
            kind: ChartKind::PartitionLag,
            title,
            t_s: Vec::new(),
            series: Vec::new(),
            markers: Vec::new(),
        });
    };
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
    let t_s: Vec<f64> = h.iter().map(|s| s.t_ms as f64 / 1000.0).collect();
    Some(Chart {
        kind: ChartKind::PartitionLag,
        title,
        markers: markers(c, &t_s, lang),
        t_s,
        series,
    })
}

/// A round number at or above `v` (1, 2 or 5 times a power of ten), at least 1.
pub fn nice_max(v: f64) -> f64 {
    if v.is_nan() || v <= 1.0 {
        return 1.0;
    }
    let p = libm::pow(10.0, libm::log10(v).floor());
    [1.0, 2.0, 5.0, 10.0].iter().map(|m| m * p).find(|&x| x >= v).unwrap_or(10.0 * p)
}

/// How close, as a fraction of the chart's scale, a line lies on an earlier one to cover it
/// ([`Chart::covered`]): about a pixel of a 190 px chart.
pub const COVERED_FRACTION: f64 = 0.006;

impl Chart {
    /// The scales: a round number at or above the largest value of the line series, and of
    /// the area series (drawn against the right axis). Samples of the first [`STARTUP_S`]
    /// seconds of the run are left out once later ones exist, so a start-up transient does
    /// not flatten the rest (a value above the scale is drawn at the top).
    pub fn maxima(&self) -> (f64, f64) {
        let from = self.t_s.iter().position(|&t| t >= STARTUP_S).unwrap_or(0);
        let max = |area: bool| {
            self.series
                .iter()
                .filter(|s| s.area == area)
                .flat_map(|s| s.values.iter().skip(from).copied())
                .fold(0.0, f64::max)
        };
        (nice_max(max(false)), nice_max(max(true)))
    }

    /// Whether line series `i` is drawn wide, so that it shows as a border around a later
    /// line lying on it: a later line within [`COVERED_FRACTION`] of the scale of it at
    /// nine samples in ten or more (hot-partition's p50 under its p99; stress's two groups,
    /// alike, one lag line on the other). Without it the legend lists a line the chart hides.
    pub fn covered(&self, i: usize, line_max: f64) -> bool {
        let Some(a) = self.series.get(i).filter(|s| !s.area) else { return false };
        let near = |x: f64, y: f64| (x - y).abs() <= COVERED_FRACTION * line_max.max(1e-9);
        let n = a.values.len();
        n > 0
            && self.series[i + 1..].iter().filter(|b| !b.area).any(|b| {
                let same = a.values.iter().zip(&b.values).filter(|(x, y)| near(**x, **y)).count();
                same * 10 >= n * 9
            })
    }

    /// Whether a series is drawn against the right axis (the backlog's area).
    pub fn has_right_scale(&self) -> bool {
        self.series.iter().any(|s| s.area)
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
            out.push(format!(
                "{}{}{}",
                s.label,
                lang.colon(),
                crate::model::format::compact(v, lang)
            ));
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
    fn each_preset_opens_on_a_chart_the_page_offers_for_it() {
        // The chart a preset brings beside the stage is one the page draws for that preset
        // (the request time only where brokers have limits, lag per partition only with a
        // consumer group); otherwise the page would fall back to the flow chart.
        let mut telling = 0;
        for name in brook_engine::PRESETS {
            let kind = ChartKind::telling(name);
            telling += usize::from(kind != ChartKind::Flow);
            let mut c = Cluster::new(preset(name).unwrap());
            // Up to the first sample of the partitions (lag per partition waits for it).
            c.run_until(brook_engine::PARTITION_SAMPLE_US);
            let offered: Vec<ChartKind> =
                charts(&c, 0, Lang::En).iter().map(|ch| ch.kind).collect();
            assert!(offered.contains(&kind), "{name}: {kind:?} is not among {offered:?}");
        }
        assert_eq!(telling, 9, "presets whose story is not the flow chart");
        assert_eq!(ChartKind::telling("no-such-preset"), ChartKind::Flow);
    }

    #[test]
    fn hot_partition_opens_on_the_latency_that_climbs() {
        // Its description: requests wait to be read at the saturated broker and produce
        // latency climbs. The chart it opens on shows that: p99 grows between 6 s and 12 s.
        let mut c = Cluster::new(preset("hot-partition").unwrap());
        let kind = ChartKind::telling("hot-partition");
        let p99_at = |c: &Cluster| {
            let all = charts(c, 0, Lang::En);
            let chart = all.iter().find(|ch| ch.kind == kind).unwrap();
            *chart.series[1].values.last().unwrap()
        };
        c.run_until(6_000_000);
        let early = p99_at(&c);
        c.run_until(12_000_000);
        let late = p99_at(&c);
        assert!(late > 2.0 * early && late > 500.0, "p99 {early} ms at 6 s, {late} ms at 12 s");
    }

    #[test]
    fn a_line_another_lies_on_is_drawn_wide_and_only_then() {
        // hot-partition: once the hot partition carries most records, p50 and p99 fall in the
        // same bucket; p50 (drawn first) would be hidden under p99.
        let mut c = Cluster::new(preset("hot-partition").unwrap());
        c.run_until(12_000_000);
        let all = charts(&c, 0, Lang::En);
        let latency = all.iter().find(|ch| ch.kind == ChartKind::Latency).unwrap();
        let (line_max, _) = latency.maxima();
        assert!(latency.covered(0, line_max), "p50 under p99");
        assert!(!latency.covered(1, line_max), "the last line covers nothing");
        // peak-shaving: p50 and p99 apart, nothing covered.
        let mut c = Cluster::new(preset("peak-shaving").unwrap());
        c.run_until(12_000_000);
        let all = charts(&c, 0, Lang::En);
        let latency = all.iter().find(|ch| ch.kind == ChartKind::Latency).unwrap();
        assert!(!latency.covered(0, latency.maxima().0));
        // The flow chart's backlog area is never a covered line.
        assert!(!all[0].covered(0, all[0].maxima().0));
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
    fn a_chart_before_its_first_point_is_there_and_says_when_points_come() {
        // The per-partition lag is sampled once a second: at 0.5 s it has no point, and its
        // chart (hot-key-skew opens on it) is drawn empty with its note, not left out.
        let mut c = Cluster::new(preset("hot-key-skew").unwrap());
        c.run_until(500_000);
        assert!(c.partition_history().is_empty());
        let all = charts(&c, 0, Lang::En);
        let chart = all.iter().find(|ch| ch.kind == ChartKind::PartitionLag).unwrap();
        assert!(chart.t_s.is_empty() && chart.series.is_empty());
        assert_eq!(chart.sample_at(0.5), None, "no readout in an empty chart");
        assert_eq!(
            no_point_note(ChartKind::PartitionLag, Lang::En),
            "No point yet: sampled every 1 s"
        );
        assert_eq!(
            no_point_note(ChartKind::PartitionLag, Lang::ZhTw),
            "尚無資料點：每 1 秒取樣一次"
        );
        assert_eq!(
            no_point_note(ChartKind::RequestTime, Lang::En),
            "No point yet: sampled every 0.1 s"
        );
        // From the first sample on it has its lines.
        c.run_until(brook_engine::PARTITION_SAMPLE_US);
        let all = charts(&c, 0, Lang::En);
        let chart = all.iter().find(|ch| ch.kind == ChartKind::PartitionLag).unwrap();
        assert_eq!(chart.t_s.len(), 1);
        assert!(!chart.series.is_empty());
    }

    #[test]
    fn the_flow_chart_says_why_a_reader_of_one_topic_stays_below_the_inflow() {
        // A consumer group gets only the topics it subscribes to. broker-failure-acks: orders
        // for fulfilment, clicks for analytics; production: a group per topic. Every other
        // preset's readers read every topic written to (realtime-analytics' one group reads
        // both of its topics).
        let part: Vec<&str> = brook_engine::PRESETS
            .iter()
            .copied()
            .filter(|p| readers_read_part(&Cluster::new(preset(p).unwrap())))
            .collect();
        assert_eq!(part, ["broker-failure-acks", "production"]);
        let note = |p: &str, kind: ChartKind, lang: Lang| {
            chart_note(kind, &Cluster::new(preset(p).unwrap()), lang)
        };
        assert!(note("production", ChartKind::Flow, Lang::En).unwrap().contains("only the topics"));
        assert!(note("production", ChartKind::Flow, Lang::ZhTw).unwrap().contains("只計入"));
        assert_eq!(note("production", ChartKind::Lag, Lang::En), None);
        assert_eq!(note("peak-shaving", ChartKind::Flow, Lang::En), None);
        assert!(note("peak-shaving", ChartKind::RequestTime, Lang::En).is_some());
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
        // The request time chart only when the brokers have limits.
        assert_eq!(kinds, ChartKind::ALL[..5].to_vec());
        let mut c = Cluster::new(preset("hot-partition").unwrap());
        c.run_until(2_000_000);
        let kinds: Vec<ChartKind> = charts(&c, 0, Lang::En).iter().map(|c| c.kind).collect();
        assert_eq!(kinds, ChartKind::ALL.to_vec());
        for chart in charts(&c, 0, Lang::ZhTw) {
            assert_eq!(chart_title(chart.kind, &c, 0, Lang::ZhTw), chart.title);
        }
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
    fn a_start_up_spike_does_not_set_the_scale() {
        // Samples every 100 ms; a spike of 5,000 at 0.5 s, then values up to 120.
        let t_s: Vec<f64> = (1..=100).map(|i| i as f64 / 10.0).collect();
        let line: Vec<f64> =
            t_s.iter().map(|&t| if t == 0.5 { 5_000.0 } else { t * 12.0 }).collect();
        let area: Vec<f64> = t_s.iter().map(|&t| if t < 1.0 { 9_000.0 } else { 30.0 }).collect();
        let mut backlog = series("backlog", "#000", area);
        backlog.area = true;
        let chart = Chart {
            kind: ChartKind::Flow,
            title: String::new(),
            t_s: t_s.clone(),
            series: vec![series("a", "#000", line), backlog],
            markers: Vec::new(),
        };
        assert_eq!(chart.maxima(), (200.0, 50.0), "120 and 30 set the scales, not the spike");
        assert!(chart.has_right_scale());
        // A run still inside its start-up is scaled by what it has.
        let early = Chart { t_s: t_s[..10].to_vec(), ..chart.clone() };
        let early = Chart {
            series: early
                .series
                .iter()
                .map(|s| Series { values: s.values[..10].to_vec(), ..s.clone() })
                .collect(),
            ..early
        };
        assert_eq!(early.maxima(), (5_000.0, 10_000.0));
    }

    #[test]
    fn markers_point_at_the_spike_on_every_chart() {
        let mut c = Cluster::new(preset("peak-shaving").unwrap());
        c.run_until(20_000_000);
        for chart in charts(&c, 0, Lang::En) {
            let marks: Vec<(f64, &str)> =
                chart.markers.iter().map(|(t, l)| (*t, l.as_str())).collect();
            if chart.t_s.first().is_some_and(|&t| t <= 5.0) {
                assert!(marks.contains(&(5.0, "spike")), "{}: {marks:?}", chart.title);
            }
            assert!(marks.contains(&(10.0, "spike ends")), "{}: {marks:?}", chart.title);
        }
        let zh = charts(&c, 0, Lang::ZhTw);
        assert!(zh[0].markers.iter().any(|(_, l)| l == "尖峰"));
    }

    #[test]
    fn outflow_is_drawn_per_reader_never_summed() {
        // p2p-vs-pubsub: every group reads every record, so each group's outflow keeps up with
        // the inflow; their sum would be several times it.
        let mut c = Cluster::new(preset("p2p-vs-pubsub").unwrap());
        c.run_until(20_000_000);
        let flow = &charts(&c, 0, Lang::En)[0];
        let readers: Vec<_> = c.readers().collect();
        assert!(readers.len() >= 2);
        assert_eq!(flow.title, "Inflow, outflow per reader (records/s), backlog");
        let outflows = &flow.series[2..];
        assert_eq!(outflows.len(), readers.len());
        let secs = brook_engine::SAMPLE_US as f64 / 1e6;
        let written: f64 = flow.series[1].values.iter().sum::<f64>() * secs;
        for (s, r) in outflows.iter().zip(&readers) {
            assert_eq!(s.label, format!("outflow: {}", r.name()));
            // The whole run is in the history: the rates add up to what the reader processed.
            let total: f64 = s.values.iter().sum::<f64>() * secs;
            assert!((total - r.consumed_records() as f64).abs() < 1e-6, "{}", r.name());
            assert!(total <= written, "{}: {total} processed > {written} written", r.name());
        }
    }

    #[test]
    fn nice_numbers() {
        assert_eq!(nice_max(0.0), 1.0);
        assert_eq!(nice_max(3.0), 5.0);
        assert_eq!(nice_max(120.0), 200.0);
        assert_eq!(nice_max(1000.0), 1000.0);
    }
}
