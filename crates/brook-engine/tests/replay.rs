//! A run is its starting scenario plus the log of applied commands: exporting it and loading
//! the export reproduces the run step for step (the same trace hash), for every preset after
//! random commands, with the timeline events that fired before the export and those still to
//! come.

use brook_engine::{preset, Cluster, Scenario, PRESETS};

mod common;
use common::random_command;

/// Virtual ms between random commands.
const COMMAND_EVERY_MS: u64 = 400;

/// When to export and how far to run both afterwards, virtual ms. Presets' timeline events
/// fall at 5-16 s, so some fire before the export and some after. The stress preset (a
/// million records a second) runs a shorter stretch to keep the debug-build suite fast.
fn times_ms(name: &str) -> (u64, u64) {
    match name {
        "stress" | "wide-topic" => (1_500, 2_500),
        "production" => (400, 800),
        _ => (10_000, 17_000),
    }
}

#[test]
fn export_then_import_reproduces_every_preset_after_random_commands() {
    for &name in PRESETS {
        for seed in 0..2u64 {
            let mut s = preset(name).unwrap();
            s.seed = seed;
            let (export_ms, end_ms) = times_ms(name);
            let mut c = Cluster::new(s);
            let mut rng = brook_engine::Rng::new(seed ^ 0x7e91a7);
            while c.now_us() < export_ms * 1_000 {
                if c.now_us() % (COMMAND_EVERY_MS * 1_000) == 0 {
                    c.command(random_command(&c, &mut rng)).unwrap();
                }
                c.step();
            }
            assert!(!c.command_log().is_empty(), "{name} seed {seed}: no command applied");
            let json = c.export().to_json();
            let exported = Scenario::from_json(&json).unwrap_or_else(|e| {
                panic!("{name} seed {seed}: the export is refused on import: {e:?}\n{json}")
            });
            let mut replay = Cluster::new(exported);
            replay.run_until(c.now_us());
            let at = c.now_us();
            assert_eq!(replay.trace_hash(), c.trace_hash(), "{name} seed {seed} at {at} us");
            assert_eq!(replay.summary(), c.summary(), "{name} seed {seed} at {at} us");
            c.run_until(end_ms * 1_000);
            replay.run_until(end_ms * 1_000);
            let at = c.now_us();
            assert_eq!(replay.trace_hash(), c.trace_hash(), "{name} seed {seed} at {at} us");
        }
    }
}

#[test]
fn the_starting_scenario_stays_as_loaded_and_the_log_has_times() {
    let start = preset("consumer-crash-rebalance").unwrap();
    let mut c = Cluster::new(start.clone());
    c.run_until(2_000_000);
    c.command(brook_engine::Command::AddMember { group: start.groups[0].name.clone() }).unwrap();
    c.run_until(20_000_000);
    assert_eq!(c.scenario(), &start);
    let log = c.command_log();
    assert_eq!(log[0].at_ms, 2_001, "applied at the start of the next step");
    assert!(log.windows(2).all(|w| w[0].at_ms <= w[1].at_ms));
    let export = c.export();
    assert_eq!(export.events.len(), start.events.len() + 1);
    assert_eq!(c.shape().groups[0].members, start.groups[0].members + 1);
}
