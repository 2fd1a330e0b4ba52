//! Phase 4 visits only the partitions where something happens (`cluster/replicate.rs`): a
//! quiet partition's followers make their empty fetches later, all at once, and a partition
//! waiting for a fetch sleeps until it arrives. The run must be the one a visit of every
//! partition every step makes: the same trace hash and summary, and every replica's state
//! (log end, caught-up time, fetch in flight) the same once the skipped steps are made up,
//! for every preset after random commands (crashes, restarts, moves, new topics...), with
//! followers' fetches that wait at the leader (Kafka's default `replica.fetch.wait.max.ms`),
//! that do not wait (0), and that wait as long as `replica.lag.time.max.ms` (a follower then
//! leaves the ISR when a record comes just as its wait ends).

use brook_engine::{preset, Cluster, PRESETS};

mod common;
use common::random_command;

/// Virtual ms between random commands.
const COMMAND_EVERY_MS: u64 = 300;

fn end_ms(name: &str) -> u64 {
    match name {
        "production" => 300,
        "stress" | "wide-topic" => 1_500,
        _ => 12_000,
    }
}

/// Seeds per preset: 2, or `BROOK_SCHEDULE_SEEDS` for a longer soak outside CI
/// (`BROOK_SCHEDULE_SEEDS=30 cargo test --release -p brook-engine --test replica_schedule`).
fn seeds() -> u64 {
    std::env::var("BROOK_SCHEDULE_SEEDS").ok().and_then(|v| v.parse().ok()).unwrap_or(2)
}

#[test]
fn visiting_only_partitions_where_something_happens_is_the_same_run() {
    for (pi, &name) in PRESETS.iter().enumerate() {
        for seed in 0..seeds() {
            let mut s = preset(name).unwrap();
            s.seed = seed;
            match (seed as usize + pi) % 3 {
                1 => s.cluster.replica_fetch_wait_max_ms = 0,
                2 => {
                    (s.cluster.replica_lag_time_max_ms, s.cluster.replica_fetch_wait_max_ms) =
                        (300, 300)
                }
                _ => {}
            }
            s.validate().unwrap_or_else(|e| panic!("{name}: {e:?}"));
            let mut lazy = Cluster::new(s.clone());
            lazy.visit_partitions_lazily(true);
            let mut every = Cluster::new(s);
            every.visit_partitions_lazily(false);
            let mut rng = brook_engine::Rng::new(seed ^ 0x51ee9);
            while lazy.now_us() < end_ms(name) * 1_000 {
                if lazy.now_us() % (COMMAND_EVERY_MS * 1_000) == 0 {
                    // Without commands in the first second (a quiet cluster first), then one
                    // every 300 ms.
                    if seed == 1 || lazy.now_us() >= 1_000_000 {
                        let c = random_command(&lazy, &mut rng);
                        lazy.command(c.clone()).unwrap();
                        every.command(c).unwrap();
                    }
                    let at = lazy.now_us();
                    assert_eq!(lazy.trace_hash(), every.trace_hash(), "{name} seed {seed} at {at}");
                    let (a, b) = (lazy.partitions_settled(), every.partitions_settled());
                    assert_eq!(a.len(), b.len());
                    for (i, (a, b)) in a.iter().zip(&b).enumerate() {
                        let (a, b) = (format!("{a:?}"), format!("{b:?}"));
                        assert!(a == b, "{name} seed {seed} at {at} us, partition {i}:\n{a}\n{b}");
                    }
                }
                lazy.step();
                every.step();
            }
            assert_eq!(lazy.summary(), every.summary(), "{name} seed {seed}");
        }
    }
}
