//! Going back in a run: a copy of the cluster taken between steps (`Clone`), given the
//! commands the first pass applied after it (`set_timeline_rest`), replays that pass step for
//! step: the same trace hash and summary at the time gone back to and at the furthest time,
//! for every preset after random commands. A fork (the scenario's own events only, then a new
//! command) drops the later commands: they are in neither the log nor the export.
//! Not a Kafka rule: a property of Brook's deterministic engine (one seeded RNG, a virtual
//! clock), which the page's timeline relies on.

use brook_engine::{preset, Cluster, Command, TimedEvent, PRESETS};

mod common;
use common::random_command;

/// Virtual ms between random commands.
const COMMAND_EVERY_MS: u64 = 400;
/// Virtual ms between copies of the run.
const CHECKPOINT_EVERY_MS: u64 = 2_000;

/// How far the first pass runs, virtual ms (the stress presets and production a shorter stretch to keep the
/// debug-build suite fast; the others past their timeline events, at 5-16 s).
fn end_ms(name: &str) -> u64 {
    match name {
        "stress" | "wide-topic" => 2_500,
        // 16,384 partitions: a second and a bit (replayed from the start, before any copy).
        "production" => 1_200,
        _ => 15_000,
    }
}

/// The commands the run applied after `after_ms` and those still to come: what a copy taken
/// at `after_ms` must apply to replay the run.
fn plan_after(c: &Cluster, after_ms: u64) -> Vec<TimedEvent> {
    let later = c.command_log().iter().filter(|e| e.at_ms > after_ms);
    later.chain(c.timeline_rest()).cloned().collect()
}

#[test]
fn going_back_and_replaying_gives_the_first_pass_for_every_preset_after_random_commands() {
    for &name in PRESETS {
        for seed in 0..2u64 {
            let mut s = preset(name).unwrap();
            s.seed = seed;
            let end_us = end_ms(name) * 1_000;
            // Where to go back to: a random virtual ms in the second half of the run.
            let mut rng = brook_engine::Rng::new(seed ^ 0x5eed_7e11);
            let back_us = (end_ms(name) / 2 + rng.below(end_ms(name) / 2 - 1)) * 1_000;
            let mut c = Cluster::new(s);
            let mut checkpoints: Vec<Cluster> = Vec::new();
            let mut at_back = None;
            while c.now_us() < end_us {
                if c.now_us() % (COMMAND_EVERY_MS * 1_000) == 0 {
                    c.command(random_command(&c, &mut rng)).unwrap();
                }
                c.step();
                if c.now_us() % (CHECKPOINT_EVERY_MS * 1_000) == 0 {
                    assert_eq!(c.queued_commands(), 0, "a copy between steps holds no queue");
                    checkpoints.push(c.clone());
                }
                if c.now_us() == back_us {
                    at_back = Some((c.trace_hash(), c.summary()));
                }
            }
            let (hash_back, summary_back) = at_back.expect("passed the time to go back to");
            let tag = format!("{name} seed {seed}, back to {back_us} us");
            assert!(!c.command_log().is_empty(), "{tag}: no command applied");
            let from = checkpoints.iter().rev().find(|k| k.now_us() <= back_us);
            let mut replay = match from {
                Some(k) => k.clone(),
                None => Cluster::new(c.scenario().clone()),
            };
            let from_ms = replay.now_us() / 1_000;
            replay.set_timeline_rest(plan_after(&c, from_ms)).unwrap();
            replay.run_until(back_us);
            assert_eq!(replay.trace_hash(), hash_back, "{tag}: at the time gone back to");
            assert_eq!(replay.summary(), summary_back, "{tag}: at the time gone back to");
            replay.run_until(end_us);
            assert_eq!(replay.trace_hash(), c.trace_hash(), "{tag}: at the end");
            assert_eq!(replay.summary(), c.summary(), "{tag}: at the end");
            assert_eq!(replay.command_log(), c.command_log(), "{tag}: the same commands");
        }
    }
}

#[test]
fn a_fork_drops_the_later_commands_and_keeps_the_scenarios_own_events() {
    // consumer-crash-rebalance crashes a member on its timeline; the page adds members.
    let start = preset("consumer-crash-rebalance").unwrap();
    let group = start.groups[0].name.clone();
    let mut c = Cluster::new(start.clone());
    c.run_until(2_000_000);
    let copy = c.clone();
    c.command(Command::AddMember { group: group.clone() }).unwrap();
    c.run_until(3_000_000);
    c.command(Command::AddMember { group: group.clone() }).unwrap();
    c.run_until(20_000_000);
    let own_after = |c: &Cluster| -> Vec<TimedEvent> {
        let now_ms = c.now_us() / 1_000;
        let mut own: Vec<TimedEvent> =
            c.scenario().events.iter().filter(|e| e.at_ms > now_ms).cloned().collect();
        brook_engine::sort::sort_by_key(&mut own, |e| e.at_ms);
        own
    };
    // Back to 2 s, then a different action: the two added members are gone.
    let mut fork = copy;
    fork.set_timeline_rest(own_after(&fork)).unwrap();
    fork.command(Command::RemoveMember { group: group.clone() }).unwrap();
    fork.run_until(20_000_000);
    let added = |c: &Cluster| {
        c.command_log().iter().filter(|e| matches!(e.command, Command::AddMember { .. })).count()
    };
    assert_eq!(added(&c), 2);
    assert_eq!(added(&fork), 0, "the later actions were dropped");
    let exported = fork.export();
    assert!(!exported.events.iter().any(|e| matches!(e.command, Command::AddMember { .. })));
    // The scenario's own timeline still happened in the fork.
    for e in &start.events {
        assert!(
            fork.command_log().iter().any(|l| l.command == e.command && l.at_ms == e.at_ms),
            "{e:?} kept"
        );
    }
    assert_eq!(fork.shape().groups[0].members, start.groups[0].members - 1);
}

#[test]
fn a_rest_past_the_runs_limit_is_refused() {
    let mut c = Cluster::new(preset("quickstart").unwrap());
    let many: Vec<TimedEvent> = (0..=brook_engine::limits::EVENTS_MAX as u64)
        .map(|i| TimedEvent { at_ms: 1 + i, command: Command::AddBroker })
        .collect();
    let err = c.set_timeline_rest(many).unwrap_err();
    assert!(err.contains("1000"), "{err}");
    assert!(c.timeline_rest().is_empty(), "unchanged");
}
