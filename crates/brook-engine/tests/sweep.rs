//! The long sweep (issue 13): every preset and one generated scenario per seed, each run
//! with commands of every kind drawn from that seed and the invariants checked after every
//! step. `scripts/sweep.sh SEEDS` runs `long_sweep` in a release build; the normal tests run
//! `short_sweep`, a few seeds. A failure prints the seed and a one-line reproduction
//! (`BROOK_REPRO=... cargo test -p brook-engine --test generated repro`).
//!
//! Settings, from the environment: `BROOK_SWEEP_SEEDS` (how many), `BROOK_SWEEP_FIRST` (the
//! first seed, 0), `BROOK_SWEEP_MS` (virtual ms each run lasts, 1000), `BROOK_SWEEP_THREADS`
//! (1).

mod gen;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Instant;

use brook_engine::{preset, Scenario, PRESETS};
use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};

fn env(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// A value of `strategy` drawn from `seed` and `salt` alone (the same every time).
fn draw<S: Strategy>(strategy: S, seed: u64, salt: u64) -> S::Value {
    let mut bytes = [0u8; 32];
    bytes[..8].copy_from_slice(&seed.to_le_bytes());
    bytes[8..16].copy_from_slice(&salt.to_le_bytes());
    let rng = TestRng::from_seed(RngAlgorithm::ChaCha, &bytes);
    let mut runner = TestRunner::new_with_rng(Config::default(), rng);
    strategy.new_tree(&mut runner).expect("a value").current()
}

/// Presets whose runs take a hundred times longer (thousands of partitions): in the sweep,
/// one seed in [`HEAVY_EVERY`], for [`HEAVY_MS`].
const HEAVY: &[&str] = &["wide-topic", "production"];
const HEAVY_EVERY: u64 = 100;
const HEAVY_MS: u64 = 300;
/// One seed in this many also replays each run from its export (`gen::run_generated`).
const REPLAY_EVERY: u64 = 10;

/// Every run of one seed: each preset (its seed replaced), then a generated scenario; each
/// with commands drawn from the seed. The failures, each with its reproduction.
fn runs_of_seed(seed: u64, run_ms: u64) -> Vec<String> {
    let heavy_too = seed % HEAVY_EVERY == 0;
    let mut scenarios: Vec<(String, Scenario)> = PRESETS
        .iter()
        .filter(|name| heavy_too || !HEAVY.contains(name))
        .map(|&name| {
            let mut s = preset(name).expect("a preset");
            s.seed = seed;
            (name.to_string(), s)
        })
        .collect();
    let generated = draw(gen::scenario(), seed, u64::MAX);
    scenarios.push(("generated".into(), generated));
    let mut failures = Vec::new();
    for (i, (name, s)) in scenarios.into_iter().enumerate() {
        let raws = draw(gen::raw_commands(), seed, i as u64);
        let start = Instant::now();
        let ms = if HEAVY.contains(&name.as_str()) { HEAVY_MS.min(run_ms) } else { run_ms };
        let (case, outcome) = gen::run_generated(s, &raws, ms, seed % REPLAY_EVERY == 0);
        if std::env::var_os("BROOK_SWEEP_VERBOSE").is_some() {
            eprintln!("seed {seed} {name}: {:.2} s", start.elapsed().as_secs_f64());
        }
        if let Err(why) = outcome {
            failures.push(format!(
                "seed {seed} {name}: {why}\nBROOK_REPRO='{}'",
                case.line().replace('\'', "'\\''")
            ));
        }
    }
    failures
}

fn sweep(first: u64, seeds: u64, run_ms: u64, threads: u64) -> Vec<String> {
    let next = AtomicU64::new(first);
    let failures = Mutex::new(Vec::new());
    let done = AtomicU64::new(0);
    let start = Instant::now();
    std::thread::scope(|scope| {
        for _ in 0..threads.max(1) {
            scope.spawn(|| loop {
                let seed = next.fetch_add(1, Ordering::Relaxed);
                if seed >= first + seeds {
                    break;
                }
                let found = runs_of_seed(seed, run_ms);
                for f in &found {
                    eprintln!("FAILED {f}");
                }
                failures.lock().expect("no thread panics holding it").extend(found);
                let n = done.fetch_add(1, Ordering::Relaxed) + 1;
                if n % 100 == 0 {
                    eprintln!("{n} seeds in {:.0} s", start.elapsed().as_secs_f64());
                }
            });
        }
    });
    failures.into_inner().expect("no thread panicked")
}

/// A few seeds of the sweep, in the normal tests.
#[test]
fn short_sweep() {
    // Seed 1,000,000 runs the heavy presets too, and replays.
    let failures = sweep(1_000_000, 2, 500, 1);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// `scripts/sweep.sh SEEDS`.
#[test]
#[ignore = "long: scripts/sweep.sh SEEDS runs it in a release build"]
fn long_sweep() {
    let (first, seeds) = (env("BROOK_SWEEP_FIRST", 0), env("BROOK_SWEEP_SEEDS", 10));
    let (run_ms, threads) = (env("BROOK_SWEEP_MS", 1_000), env("BROOK_SWEEP_THREADS", 1));
    let start = Instant::now();
    let failures = sweep(first, seeds, run_ms, threads);
    eprintln!(
        "sweep: seeds {first}..{} ({seeds}), runs of {run_ms} ms, {} failed, {:.0} s",
        first + seeds,
        failures.len(),
        start.elapsed().as_secs_f64()
    );
    assert!(failures.is_empty(), "{} runs failed:\n{}", failures.len(), failures.join("\n"));
}
