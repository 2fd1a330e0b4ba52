//! The frame-time harness behind `?bench=PRESET&seconds=N`: per-frame work and interval
//! samples (bounded), summarised as percentiles. Pure: tested natively.

/// Frames kept; at 60 fps this is nearly 3 minutes, past `BENCH_SECONDS_MAX`.
pub const FRAMES_MAX: usize = 10_000;

/// One display refresh at 60 Hz, ms.
pub const REFRESH_MS: f64 = 1000.0 / 60.0;
/// Long gaps listed in the report.
pub const LONG_GAPS_SHOWN_MAX: usize = 20;

/// Start of a run left out of the steady-state figures, ms.
pub const WARMUP_MS: f64 = 1_000.0;

fn missed(intervals: &[f64]) -> u64 {
    intervals.iter().map(|&i| ((i / REFRESH_MS).round() as u64).saturating_sub(1)).sum()
}

/// Frame samples of one benchmark run.
#[derive(Clone, Debug, Default)]
pub struct FrameSamples {
    /// Time spent in each frame callback (engine steps plus drawing), ms.
    pub work_ms: Vec<f64>,
    /// Time between consecutive frames, ms.
    pub interval_ms: Vec<f64>,
    last_frame_ms: Option<f64>,
    /// Per frame, ms spent in each of [`SECTIONS`].
    pub sections_ms: [Vec<f64>; 4],
}

/// The parts of a frame's work, in order.
pub const SECTIONS: [&str; 4] = ["engine", "stage", "charts", "panels"];

/// Nearest-rank percentile of `v` (`q` in 0..=1); 0 for no samples.
pub fn percentile(v: &[f64], q: f64) -> f64 {
    if v.is_empty() {
        return 0.0;
    }
    let mut s = v.to_vec();
    brook_engine::sort::sort_by(&mut s, f64::total_cmp);
    let rank = ((q * s.len() as f64).ceil() as usize).clamp(1, s.len());
    s[rank - 1]
}

impl FrameSamples {
    /// Records a frame that started at `start_ms` and spent `work_ms` in the callback.
    pub fn record(&mut self, start_ms: f64, work_ms: f64) {
        if self.work_ms.len() >= FRAMES_MAX {
            return;
        }
        if let Some(last) = self.last_frame_ms {
            self.interval_ms.push(start_ms - last);
        }
        self.last_frame_ms = Some(start_ms);
        self.work_ms.push(work_ms);
    }

    /// Records the split of a frame's work over [`SECTIONS`], ms.
    pub fn record_sections(&mut self, ms: [f64; 4]) {
        if self.sections_ms[0].len() >= FRAMES_MAX {
            return;
        }
        for (v, m) in self.sections_ms.iter_mut().zip(ms) {
            v.push(m);
        }
    }

    /// Display refreshes (at 60 Hz) that got no frame: a gap of 50 ms misses two.
    pub fn frames_missed(&self) -> u64 {
        missed(&self.interval_ms)
    }

    /// Frames per second after the first [`WARMUP_MS`] of the run (the steady state: the
    /// browser compiles the module in the background at first, and the first layout is
    /// built), and the refreshes missed in that time.
    pub fn steady(&self) -> (f64, u64) {
        let mut elapsed = 0.0;
        let skip = self
            .interval_ms
            .iter()
            .take_while(|&&i| {
                elapsed += i;
                elapsed <= WARMUP_MS
            })
            .count();
        let rest = &self.interval_ms[skip..];
        let span_ms: f64 = rest.iter().sum();
        let fps = if span_ms > 0.0 { rest.len() as f64 * 1000.0 / span_ms } else { 0.0 };
        (fps, missed(rest))
    }

    /// Indices of the first [`LONG_GAPS_SHOWN_MAX`] frames that came after a gap of more than
    /// one and a half refreshes (to tell start-up hitches from steady ones).
    pub fn long_gaps(&self) -> Vec<usize> {
        let long = |(_, &i): &(usize, &f64)| i > REFRESH_MS * 1.5;
        self.interval_ms
            .iter()
            .enumerate()
            .filter(long)
            .map(|(k, _)| k + 1)
            .take(LONG_GAPS_SHOWN_MAX)
            .collect()
    }

    /// The report as a JSON object (stable field names; the benchmark script reads them).
    pub fn report(
        &self,
        preset: &str,
        wall_s: f64,
        engine_virtual_s_per_s: f64,
        extra: &[(&str, f64)],
    ) -> String {
        let (steady_fps, steady_missed) = self.steady();
        let mut fields = vec![
            format!("\"preset\":\"{preset}\""),
            format!("\"wall_s\":{wall_s:.2}"),
            format!("\"frames\":{}", self.work_ms.len()),
            format!("\"fps\":{:.1}", self.work_ms.len() as f64 / wall_s.max(1e-9)),
            format!("\"frame_work_ms_p50\":{:.2}", percentile(&self.work_ms, 0.5)),
            format!("\"frame_work_ms_p95\":{:.2}", percentile(&self.work_ms, 0.95)),
            format!("\"frame_work_ms_max\":{:.2}", percentile(&self.work_ms, 1.0)),
            format!("\"frame_interval_ms_p50\":{:.2}", percentile(&self.interval_ms, 0.5)),
            format!("\"frame_interval_ms_p95\":{:.2}", percentile(&self.interval_ms, 0.95)),
            format!("\"frames_missed\":{}", self.frames_missed()),
            format!("\"steady_fps\":{steady_fps:.1}"),
            format!("\"steady_frames_missed\":{steady_missed}"),
            format!("\"long_gaps_at_frame\":{:?}", self.long_gaps()),
            format!("\"engine_virtual_s_per_s\":{engine_virtual_s_per_s:.2}"),
        ];
        for (name, v) in SECTIONS.iter().zip(&self.sections_ms) {
            fields.push(format!("\"{name}_ms_p95\":{:.2}", percentile(v, 0.95)));
            fields.push(format!("\"{name}_ms_max\":{:.2}", percentile(v, 1.0)));
        }
        fields.extend(extra.iter().map(|(k, v)| format!("\"{k}\":{v}")));
        format!("{{{}}}", fields.join(","))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_and_bounds() {
        let v: Vec<f64> = (1..=100).map(f64::from).collect();
        assert_eq!(percentile(&v, 0.5), 50.0);
        assert_eq!(percentile(&v, 0.95), 95.0);
        assert_eq!(percentile(&v, 1.0), 100.0);
        assert_eq!(percentile(&[], 0.5), 0.0);
        let mut f = FrameSamples::default();
        for i in 0..(FRAMES_MAX + 10) {
            f.record(i as f64 * 16.0, 2.0);
        }
        assert_eq!(f.work_ms.len(), FRAMES_MAX);
        assert_eq!(f.frames_missed(), 0, "16 ms apart: none missed");
        let mut g = FrameSamples::default();
        for t in [0.0, 16.7, 33.3, 83.3, 100.0] {
            g.record(t, 1.0);
        }
        assert_eq!(g.frames_missed(), 2, "a 50 ms gap misses two refreshes");
        assert_eq!(g.long_gaps(), vec![3]);
        let mut h = FrameSamples::default();
        h.record(0.0, 1.0);
        h.record(200.0, 1.0); // a start-up hitch inside the warm-up
        for k in 1..=120 {
            h.record(200.0 + k as f64 * 1000.0 / 60.0, 1.0);
        }
        let (fps, missed) = h.steady();
        assert!((fps - 60.0).abs() < 0.01, "{fps}");
        assert_eq!(missed, 0);
        assert_eq!(h.frames_missed(), 11, "the whole run counts the start-up hitch");
        let r = f.report("x", 1.0, 3.0, &[("k", 1.0)]);
        assert!(
            r.starts_with("{\"preset\":\"x\"") && r.contains("\"frame_interval_ms_p50\":16.00"),
            "{r}"
        );
    }
}
