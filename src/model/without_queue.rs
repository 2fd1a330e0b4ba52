//! The "Without a queue" panel's figures: the page's run's traffic as direct calls from the shop
//! to the service (`brook_engine::DirectRun`, stepped with the run in `Sim`), and the small
//! chart of calls per second by outcome. No web import: tested natively.

use std::fmt::Write;

use brook_engine::{Cluster, DirectRun, SAMPLE_US};

/// Samples the chart shows (the last 30 virtual seconds).
pub const CHART_SAMPLES_MAX: usize = 300;
/// The chart's drawing box, SVG user units.
pub const CHART_W: f64 = 240.0;
/// See [`CHART_W`].
pub const CHART_H: f64 = 60.0;

/// What the panel shows at one moment.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct WithoutQueue {
    /// Virtual time of the direct run, ms (the page's run's).
    pub virtual_ms: u64,
    /// Orders the shop tried to place.
    pub sent: u64,
    /// Calls answered OK in time.
    pub succeeded: u64,
    /// Orders failed: no caller thread free, or refused by the service.
    pub failed: u64,
    /// Calls whose caller gave up waiting.
    pub timed_out: u64,
    /// Caller threads waiting for an answer now.
    pub callers_waiting: u32,
    /// The shop's caller threads.
    pub caller_threads: u32,
    /// Service workers processing a call now.
    pub workers_busy: u32,
    /// The service's workers.
    pub workers: u32,
    /// Requests waiting in the service's accept queue now.
    pub service_queued: u32,
    /// The shop turned orders away in the last sample interval (every thread waiting).
    pub shop_blocked: bool,
    /// Polylines (SVG `points`) of calls per second: succeeded, failed, timed out.
    pub lines: [String; 3],
    /// The chart's top, calls per second.
    pub chart_max_per_sec: f64,
    /// The queued run beside it: records lost or failed so far (`Summary::lost_records` plus
    /// `dropped_records`), the counterpart of `failed` and `timed_out`.
    pub queue_lost: u64,
    /// The queued run's backlog for the service's reader (its first reader): its lag.
    pub queue_backlog: u64,
    /// That reader's name.
    pub queue_reader: String,
}

/// The panel's figures for a direct run beside the queued run `c`.
pub fn without_queue(d: &DirectRun, c: &Cluster) -> WithoutQueue {
    let s = d.summary();
    let h = d.history();
    let skip = h.len().saturating_sub(CHART_SAMPLES_MAX + 1);
    let samples: Vec<_> = h.iter().skip(skip).collect();
    // Calls per second by outcome over each interval: differences of the running totals.
    let per_sec = 1e6 / SAMPLE_US as f64;
    let rates: Vec<[f64; 3]> = samples
        .windows(2)
        .map(|w| {
            let (a, b) = (w[0], w[1]);
            [
                (b.succeeded_requests - a.succeeded_requests) as f64 * per_sec,
                (b.failed_requests - a.failed_requests) as f64 * per_sec,
                (b.timed_out_requests - a.timed_out_requests) as f64 * per_sec,
            ]
        })
        .collect();
    let top = rates.iter().flatten().fold(1.0f64, |m, &v| m.max(v));
    let lines = [0, 1, 2].map(|k| polyline(rates.iter().map(|r| r[k]), top));
    let blocked_now = match samples.as_slice() {
        [.., a, b] => b.failed_requests > a.failed_requests && b.callers_waiting > 0,
        _ => false,
    };
    WithoutQueue {
        virtual_ms: d.now_us() / 1000,
        sent: s.sent_requests,
        succeeded: s.succeeded_requests,
        failed: s.failed_requests,
        timed_out: s.timed_out_requests,
        callers_waiting: d.callers_waiting(),
        caller_threads: d.spec().caller_threads_max,
        workers_busy: d.workers_busy(),
        workers: d.workers(),
        service_queued: d.service_queued(),
        shop_blocked: blocked_now && d.callers_waiting() == d.spec().caller_threads_max,
        lines,
        chart_max_per_sec: top,
        queue_lost: {
            let q = c.summary();
            q.lost_records + q.dropped_records
        },
        queue_backlog: c.readers().next().map_or(0, |r| c.reader_lag(r)),
        queue_reader: c.readers().next().map_or("", |r| r.name()).into(),
    }
}

/// SVG points for `values` spread over the chart's width (one per sample slot, the newest at
/// the right edge), scaled so that `top` is the top edge.
fn polyline(values: impl ExactSizeIterator<Item = f64>, top: f64) -> String {
    let n = values.len();
    let dx = CHART_W / CHART_SAMPLES_MAX as f64;
    let x0 = CHART_W - dx * n.saturating_sub(1) as f64;
    let mut out = String::new();
    for (i, v) in values.enumerate() {
        let y = CHART_H - v / top * CHART_H;
        // Whole units: the box is 240 by 60, drawn about that size.
        if !out.is_empty() {
            out.push(' ');
        }
        let _ = write!(out, "{},{}", (x0 + dx * i as f64).round() as u32, y.round() as u32);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::sim::Sim;
    use crate::model::state::{follow, reduce, Action, State};
    use brook_engine::preset;

    #[test]
    fn the_panel_advances_with_the_run_and_restarts_with_it() {
        let state = State::new(&crate::model::params::Params {
            preset: "peak-shaving".into(),
            ..Default::default()
        });
        let mut sim = state.new_sim();
        assert!(sim.direct.is_none(), "off until asked for");
        let state = reduce(&state, Action::ShowWithoutQueue(true));
        follow(&mut sim, &state, 0.0);
        // Turned on mid-run it catches up with the run; then it moves in step with it.
        sim.run_until_ms(8_000);
        let d = sim.direct.as_ref().expect("on");
        assert_eq!(d.now_us(), sim.cluster.now_us());
        let v = without_queue(d, &sim.cluster);
        assert_eq!(v.virtual_ms, 8_000);
        // Three seconds into the spike: the same orders as the queued run, and failures.
        let created: u64 = sim
            .cluster
            .producers()
            .iter()
            .map(|p| p.stats.sent_records + p.stats.failed_records)
            .sum();
        assert_eq!(v.sent, created);
        assert!(v.failed + v.timed_out > 0, "{v:?}");
        // The queue beside it: a backlog for fulfilment, nothing lost (the engine's
        // `direct_call` test holds the same claim over the whole spike).
        assert_eq!((v.queue_lost, v.queue_reader.as_str()), (0, "fulfilment"), "{v:?}");
        assert!(v.queue_backlog > 1_000, "{v:?}");
        assert_eq!(v.workers, 3);
        assert!(v.lines.iter().all(|l| !l.is_empty()));
        sim.advance(100_000.0, 0.0);
        assert_eq!(sim.direct.as_ref().unwrap().now_us(), sim.cluster.now_us());
        // A restart starts both again; hiding drops the direct run.
        let state = reduce(&state, Action::Reset);
        follow(&mut sim, &state, 0.0);
        assert_eq!(sim.direct.as_ref().unwrap().now_us(), 0);
        let state = reduce(&state, Action::ShowWithoutQueue(false));
        follow(&mut sim, &state, 0.0);
        assert!(sim.direct.is_none());
    }

    #[test]
    fn turned_on_late_it_catches_up_with_the_same_figures() {
        // The same seed shown from the start or turned on at 6 s: the same direct run.
        let mut early = Sim::new(preset("peak-shaving").unwrap());
        early.set_without_queue(true);
        early.run_until_ms(6_000);
        let mut late = Sim::new(preset("peak-shaving").unwrap());
        late.run_until_ms(6_000);
        late.set_without_queue(true);
        let (a, b) = (early.direct.unwrap(), late.direct.unwrap());
        assert_eq!(a.summary(), b.summary());
    }

    #[test]
    fn polyline_spans_the_box() {
        let p = polyline([0.0, 5.0, 10.0].into_iter(), 10.0);
        let pts: Vec<(f64, f64)> = p
            .split(' ')
            .map(|xy| {
                let (x, y) = xy.split_once(',').unwrap();
                (x.parse().unwrap(), y.parse().unwrap())
            })
            .collect();
        assert_eq!(pts.len(), 3);
        assert_eq!(pts[2], (CHART_W, 0.0));
        assert_eq!(pts[0].1, CHART_H);
        assert!(pts[0].0 < pts[1].0);
    }
}
