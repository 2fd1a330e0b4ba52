//! The frame-time harness behind `?bench=PRESET&seconds=N`: per-frame work and interval
//! samples (bounded), summarised as percentiles. Pure: tested natively.

/// Frames kept; at 60 fps this is nearly 3 minutes, past `BENCH_SECONDS_MAX`.
pub const FRAMES_MAX: usize = 10_000;

/// Frame samples of one benchmark run.
#[derive(Clone, Debug, Default)]
pub struct FrameSamples {
    /// Time spent in each frame callback (engine steps plus drawing), ms.
    pub work_ms: Vec<f64>,
    /// Time between consecutive frames, ms.
    pub interval_ms: Vec<f64>,
    last_frame_ms: Option<f64>,
}

/// Nearest-rank percentile of `v` (`q` in 0..=1); 0 for no samples.
pub fn percentile(v: &[f64], q: f64) -> f64 {
    if v.is_empty() {
        return 0.0;
    }
    let mut s = v.to_vec();
    s.sort_by(f64::total_cmp);
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

    /// The report as a JSON object (stable field names; the benchmark script reads them).
    pub fn report(
        &self,
        preset: &str,
        wall_s: f64,
        engine_virtual_s_per_s: f64,
        extra: &[(&str, f64)],
    ) -> String {
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
            format!("\"engine_virtual_s_per_s\":{engine_virtual_s_per_s:.2}"),
        ];
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
        let r = f.report("x", 1.0, 3.0, &[("k", 1.0)]);
        assert!(
            r.starts_with("{\"preset\":\"x\"") && r.contains("\"frame_interval_ms_p50\":16.00"),
            "{r}"
        );
    }
}
