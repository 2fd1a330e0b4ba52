//! `cargo bench -p brook-engine`: how fast each preset simulates, natively.
//! Prints virtual seconds simulated per wall second and records appended per wall second
//! (median of 3 runs), and virtual seconds per wall second over the second half alone: a
//! large cluster's first seconds are cheaper (empty logs, consumers not yet assigned), so the
//! whole run overstates its steady pace. Optional argument: a preset name to run alone.

use std::time::Instant;

use brook_engine::{preset, Cluster, PRESETS};

/// Virtual seconds each run simulates.
const VIRTUAL_S: u64 = 10;
/// Runs per preset; the median is reported.
const RUNS: usize = 3;

fn main() {
    // `cargo bench` passes `--bench`; any other argument selects presets by name.
    let only: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with("--")).collect();
    println!(
        "{:<30} {:>14} {:>18} {:>10} {:>20}",
        "preset", "virtual s/s", "records/s", "wall ms", "second half: v s/s"
    );
    for name in PRESETS.iter().filter(|p| only.is_empty() || only.iter().any(|o| o == *p)) {
        let mut runs: Vec<(f64, f64, f64, f64)> = (0..RUNS)
            .map(|_| {
                let mut c = Cluster::new(preset(name).expect("listed"));
                let start = Instant::now();
                c.run_until(VIRTUAL_S * 1_000_000 / 2);
                let half = start.elapsed().as_secs_f64();
                c.run_until(VIRTUAL_S * 1_000_000);
                let wall = start.elapsed().as_secs_f64();
                let records = c.summary().appended_records as f64;
                let second_half = VIRTUAL_S as f64 / 2.0 / (wall - half);
                (VIRTUAL_S as f64 / wall, records / wall, wall * 1000.0, second_half)
            })
            .collect();
        runs.sort_by(|a, b| a.0.total_cmp(&b.0));
        let (speed, rate, ms, _) = runs[RUNS / 2];
        let mut halves: Vec<f64> = runs.iter().map(|r| r.3).collect();
        halves.sort_by(f64::total_cmp);
        let steady = halves[RUNS / 2];
        println!("{name:<30} {speed:>14.1} {rate:>18.0} {ms:>10.0} {steady:>20.2}");
    }
}
