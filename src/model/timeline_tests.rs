use brook_engine::{preset, Cluster, Command};

use super::*;
use crate::model::sim::{Sim, REPLAY_STEPS_PER_FRAME};

/// Runs `sim`'s seek to its end, frame by frame; returns the frames it took.
fn finish_seek(sim: &mut Sim) -> u64 {
    let mut frames = 0;
    while sim.seeking() {
        let steps = sim.seek_chunk(REPLAY_STEPS_PER_FRAME);
        assert!(steps <= REPLAY_STEPS_PER_FRAME, "a frame's chunk is bounded");
        frames += 1;
    }
    frames
}

/// Plays `sim` on to `until_ms` as the frames do (100 ms of virtual time a call).
fn play_to(sim: &mut Sim, until_ms: u64) {
    while sim.cluster.now_us() < until_ms * 1000 {
        sim.advance(100_000.0, 0.0);
    }
}

#[test]
fn checkpoints_come_every_interval_and_are_thinned_within_their_bounds() {
    let mut t = Timeline::default();
    let c = Cluster::new(preset("quickstart").unwrap());
    let mut now = 0;
    // Bookkeeping only: a copy of the start stands for each checkpoint, 1 MiB each, over a
    // 10-minute run looked at every 100 virtual ms.
    for _ in 0..6_000 {
        now += 100_000;
        t.reached(now);
        if t.due(now) {
            t.push(now, c.clone(), 1 << 20);
        }
        assert!(t.len() <= CHECKPOINTS_MAX, "{} checkpoints", t.len());
        assert!(t.bytes() <= CHECKPOINT_BYTES_MAX);
    }
    let times: Vec<u64> = t.times_us().collect();
    assert!(times.len() >= CHECKPOINTS_MAX / 2, "thinning keeps half: {times:?}");
    // Thinned out evenly: the gaps are the interval, which doubled as the run grew.
    assert!(t.every_us() > CHECKPOINT_EVERY_US);
    assert!(times.windows(2).all(|w| w[1] - w[0] == t.every_us()), "{times:?}");
    assert_eq!(times[0], CHECKPOINT_EVERY_US, "the oldest stays");
    assert_eq!(t.furthest_us(), now);
}

#[test]
fn a_copy_over_the_byte_bound_is_not_kept_and_big_ones_are_thinned() {
    let mut t = Timeline::default();
    let c = Cluster::new(preset("quickstart").unwrap());
    t.keep(c.clone(), CHECKPOINT_BYTES_MAX + 1);
    assert!(t.is_empty(), "one copy over the bound is dropped");
    assert!(!t.due(u64::MAX), "and no more are taken");
    let mut t = Timeline::default();
    let third = CHECKPOINT_BYTES_MAX / 3;
    for _ in 0..4 {
        t.keep(c.clone(), third);
        assert!(t.bytes() <= CHECKPOINT_BYTES_MAX, "{}", t.bytes());
    }
    assert!(!t.is_empty());
}

#[test]
fn going_back_and_playing_on_gives_the_first_pass_with_the_users_actions() {
    // broker-failure-acks crashes the leader's broker on its timeline; the user spikes a
    // producer twice around it.
    let mut sim = Sim::new(preset("broker-failure-acks").unwrap());
    let producer = sim.cluster.producers()[0].spec.name.clone();
    let spike = Command::Spike { producer, rate_per_sec: 2_000.0, duration_ms: 500 };
    play_to(&mut sim, 4_000);
    sim.command(spike.clone()).unwrap();
    play_to(&mut sim, 14_000);
    sim.command(spike).unwrap();
    play_to(&mut sim, 25_000);
    let first = (sim.cluster.trace_hash(), sim.cluster.summary(), sim.cluster.command_log().len());
    assert!(sim.timeline.len() >= 4, "{} checkpoints", sim.timeline.len());
    // Back to 7.3 s: the nearest checkpoint, then a replay in chunks to the exact time.
    sim.seek_ms(7_300);
    assert!(sim.cluster.now_us() <= 7_300_000);
    finish_seek(&mut sim);
    assert_eq!(sim.cluster.now_us(), 7_300_000);
    assert_eq!(sim.scrubber().furthest_ms, 25_000, "the end stays");
    // Forward again without acting: the second spike happens, the run is the first pass.
    play_to(&mut sim, 25_000);
    let again = (sim.cluster.trace_hash(), sim.cluster.summary(), sim.cluster.command_log().len());
    assert_eq!(again, first);
    assert_eq!(sim.timeline.forked, None);
    // Back to the start (before any checkpoint), then forward past checkpoints (restoring a
    // later one, which must not apply again what it applied) and on to the end.
    sim.seek_ms(0);
    assert_eq!(sim.cluster.now_us(), 0);
    sim.seek_ms(16_000);
    finish_seek(&mut sim);
    assert_eq!(sim.cluster.now_us(), 16_000_000);
    play_to(&mut sim, 25_000);
    let forth = (sim.cluster.trace_hash(), sim.cluster.summary(), sim.cluster.command_log().len());
    assert_eq!(forth, first);
}

#[test]
fn acting_after_going_back_forks_and_says_how_many_actions_went() {
    let mut sim = Sim::new(preset("consumer-crash-rebalance").unwrap());
    let group = sim.cluster.groups()[0].spec.name.clone();
    let add = Command::AddMember { group: group.clone() };
    let own = sim.cluster.scenario().events.len();
    play_to(&mut sim, 3_000);
    sim.command(add.clone()).unwrap();
    play_to(&mut sim, 6_000);
    sim.command(add.clone()).unwrap();
    play_to(&mut sim, 9_000);
    sim.command(add).unwrap();
    play_to(&mut sim, 30_000);
    let user_marks = sim.scrubber().marks.iter().filter(|m| m.user).count();
    assert_eq!(user_marks, 3, "{:?}", sim.scrubber().marks);
    assert_eq!(
        sim.scrubber().marks.iter().filter(|m| !m.user && m.kind == MarkKind::Crash).count(),
        own.min(1)
    );
    sim.seek_ms(4_500);
    finish_seek(&mut sim);
    // Acting at 4.5 s: the two later additions go, the one at 3 s stays.
    sim.command(Command::RemoveMember { group }).unwrap();
    let notice = sim.timeline.forked.clone().expect("the scrubber says so");
    assert_eq!(notice, Text::new(Msg::TimelineForked).arg("4.5").arg("30.0").arg(2));
    assert_eq!(sim.scrubber().furthest_ms, 4_500, "the end is now");
    assert!(sim.timeline.times_us().all(|t| t <= 4_500_000));
    play_to(&mut sim, 30_000);
    let added = sim
        .cluster
        .command_log()
        .iter()
        .filter(|e| matches!(e.command, Command::AddMember { .. }))
        .count();
    assert_eq!(added, 1, "the later actions were dropped");
    // The scenario's own crash still happened after the fork.
    for e in &sim.cluster.scenario().events {
        assert!(sim.cluster.command_log().iter().any(|l| l.command == e.command), "{e:?}");
    }
    // Acting again at the end is no fork.
    sim.command(Command::AddBroker).unwrap();
    assert_eq!(sim.timeline.forked.as_ref(), Some(&notice), "kept until the scrubber moves");
    sim.seek_ms(10_000);
    assert_eq!(sim.timeline.forked, None);
}

#[test]
fn acting_at_the_end_of_the_run_is_no_fork() {
    let mut sim = Sim::new(preset("consumer-crash-rebalance").unwrap());
    play_to(&mut sim, 2_000);
    let group = sim.cluster.groups()[0].spec.name.clone();
    sim.command(Command::AddMember { group }).unwrap();
    assert_eq!(sim.timeline.forked, None);
    assert!(!sim.cluster.timeline_rest().is_empty(), "the scenario's own events stay");
}

#[test]
fn seconds_have_one_decimal() {
    assert_eq!(seconds(12_345), "12.3");
    assert_eq!(seconds(0), "0.0");
    assert_eq!(seconds(600_000), "600.0");
}
