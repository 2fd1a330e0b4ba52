//! Not part of CI: the timeline's memory over a long run with scrubbing, measured with the
//! page's own counting allocator (`model::heap`). For each preset named (default: all), it
//! plays `MINUTES` of wall time at `SPEED` (60 frames a second, as the page does), goes back
//! to a random time every `SCRUB_EVERY_S` wall seconds, replays to it in the page's chunks,
//! then forward to the end again, and checks the run is the same (trace hash). It prints the
//! most the checkpoints held against `CHECKPOINT_BYTES_MAX`, the most checkpoints kept
//! against `CHECKPOINTS_MAX`, the heap at the end, the largest copy, and the mean frame time against that of the
//! frames that took a checkpoint.
//!
//!     cargo run --release --example timeline_memory -- [PRESET...] [--minutes 10] [--speed 10]

use brook_ui::model::heap::live_bytes;
#[cfg(not(target_arch = "wasm32"))]
use brook_ui::model::heap::Counting;
use brook_ui::model::sim::{Sim, REPLAY_STEPS_PER_FRAME};
use brook_ui::model::timeline::{CHECKPOINTS_MAX, CHECKPOINT_BYTES_MAX};

// (In the page's wasm the library registers it already.)
#[cfg(not(target_arch = "wasm32"))]
#[global_allocator]
static ALLOC: Counting = Counting;

/// Wall seconds between scrubs.
const SCRUB_EVERY_S: f64 = 30.0;
/// A frame, wall ms.
const FRAME_MS: f64 = 1000.0 / 60.0;

fn main() {
    let mut names: Vec<String> = Vec::new();
    let (mut minutes, mut speed) = (10.0, 10.0);
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--minutes" => minutes = args.next().and_then(|v| v.parse().ok()).expect("minutes"),
            "--speed" => speed = args.next().and_then(|v| v.parse().ok()).expect("speed"),
            _ => names.push(a),
        }
    }
    if names.is_empty() {
        names = brook_engine::PRESETS.iter().map(|s| s.to_string()).collect();
    }
    println!(
        "bound: {CHECKPOINTS_MAX} checkpoints, {} MiB; {minutes} wall minutes at {speed}x, a scrub every {SCRUB_EVERY_S} s",
        CHECKPOINT_BYTES_MAX >> 20
    );
    println!("preset | virtual s | most checkpoints | most checkpoint MiB | run MiB at end | largest copy MiB | frame ms: mean / with a copy | scrubs same hash");
    for name in &names {
        let Some(scenario) = brook_engine::preset(name) else {
            eprintln!("no preset {name}");
            continue;
        };
        let mut sim = Sim::new(scenario);
        sim.speed = speed;
        sim.playing = true;
        let mut rng = brook_engine::Rng::new(7);
        let frames = (minutes * 60.0 * 1000.0 / FRAME_MS) as u64;
        let scrub_every = (SCRUB_EVERY_S * 1000.0 / FRAME_MS) as u64;
        let (mut most_n, mut most_bytes, mut scrubs, mut same) = (0, 0, 0, 0);
        let (mut copy_ns, mut copies, mut largest, mut all_ns) = (0u128, 0u64, 0usize, 0u128);
        let mut t = 0.0;
        for f in 0..frames {
            let taken = sim.timeline.taken;
            let before = std::time::Instant::now();
            let held = live_bytes();
            sim.frame(t);
            all_ns += before.elapsed().as_nanos();
            if sim.timeline.taken > taken {
                // A frame that took a checkpoint: its time, and the copy's size.
                copy_ns += before.elapsed().as_nanos();
                copies += 1;
                largest = largest.max(live_bytes().saturating_sub(held));
            }
            t += FRAME_MS;
            most_n = most_n.max(sim.timeline.len());
            most_bytes = most_bytes.max(sim.timeline.bytes());
            assert!(sim.timeline.len() <= CHECKPOINTS_MAX);
            assert!(sim.timeline.bytes() <= CHECKPOINT_BYTES_MAX);
            if f > 0 && f % scrub_every == 0 {
                let end_ms = sim.cluster.now_us() / 1000;
                let hash = sim.cluster.trace_hash();
                sim.seek_ms(rng.below(end_ms.max(1)));
                while sim.seeking() {
                    sim.seek_chunk(REPLAY_STEPS_PER_FRAME);
                }
                sim.seek_ms(end_ms);
                while sim.seeking() {
                    sim.seek_chunk(REPLAY_STEPS_PER_FRAME);
                }
                scrubs += 1;
                same += u32::from(sim.cluster.trace_hash() == hash);
                most_bytes = most_bytes.max(sim.timeline.bytes());
            }
        }
        let mib = |b: usize| b as f64 / (1 << 20) as f64;
        let mean_ms = if copies == 0 { 0.0 } else { copy_ns as f64 / copies as f64 / 1e6 };
        let frame_ms = all_ns as f64 / frames as f64 / 1e6;
        println!(
            "{name} | {:.0} | {most_n} | {:.1} | {:.1} | {:.1} | {frame_ms:.2} / {mean_ms:.2} | {same}/{scrubs}",
            sim.cluster.now_us() as f64 / 1e6,
            mib(most_bytes),
            mib(live_bytes()),
            mib(largest),
        );
    }
}
