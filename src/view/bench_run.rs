//! A frame-time benchmark run in the page (`?bench=PRESET&seconds=N`): samples each frame,
//! then measures the engine alone and reports.

use brook_engine::preset;

use crate::model::bench::FrameSamples;
use crate::model::flights::FLIGHTS_MAX;
use crate::model::sim::Sim;
use crate::view::clock::now_ms;

/// Virtual seconds of the engine-only throughput measurement in benchmark mode.
const ENGINE_BENCH_VIRTUAL_S: u64 = 3;
/// Wall ms the engine-only measurement may take at most.
const ENGINE_BENCH_WALL_MS_MAX: f64 = 10_000.0;

/// A frame-time benchmark in progress (`?bench=PRESET&seconds=N`).
pub struct BenchRun {
    preset: String,
    seconds: u32,
    started_ms: Option<f64>,
    samples: FrameSamples,
    engine_virtual_s_per_s: f64,
    done: bool,
}

impl BenchRun {
    /// Starts sampling frames; the engine alone is measured when the run ends (by then the
    /// browser has finished optimising the module, which it does in the background at first).
    pub fn start(preset_name: &str, seconds: u32) -> Self {
        BenchRun {
            preset: preset_name.to_string(),
            seconds,
            started_ms: None,
            samples: Default::default(),
            engine_virtual_s_per_s: 0.0,
            done: false,
        }
    }

    /// Virtual seconds per wall second of a fresh cluster of the preset, no drawing: over
    /// [`ENGINE_BENCH_VIRTUAL_S`], or what runs in [`ENGINE_BENCH_WALL_MS_MAX`] (a
    /// production-size cluster runs far slower than real time).
    fn measure_engine(&self) -> f64 {
        let mut c = brook_engine::Cluster::new(preset(&self.preset).expect("validated preset"));
        let t0 = now_ms();
        while c.now_us() < ENGINE_BENCH_VIRTUAL_S * 1_000_000
            && now_ms() - t0 < ENGINE_BENCH_WALL_MS_MAX
        {
            c.step();
        }
        c.now_us() as f64 / 1e6 / ((now_ms() - t0) / 1000.0).max(1e-6)
    }

    /// Records one frame; returns the report once the run is over.
    pub fn frame(&mut self, t: f64, work_ms: f64, sections: [f64; 4], sim: &Sim) -> Option<String> {
        if self.done {
            return None;
        }
        let start = *self.started_ms.get_or_insert(t);
        self.samples.record(t, work_ms);
        self.samples.record_sections(sections);
        let wall_s = (t - start) / 1000.0;
        if wall_s < self.seconds as f64 {
            return None;
        }
        self.done = true;
        self.engine_virtual_s_per_s = self.measure_engine();
        let extra = [
            ("virtual_s", sim.cluster.now_us() as f64 / 1e6),
            ("frames_behind", sim.frames_behind as f64),
            ("flights_max", FLIGHTS_MAX as f64),
        ];
        Some(self.samples.report(&self.preset, wall_s, self.engine_virtual_s_per_s, &extra))
    }
}
