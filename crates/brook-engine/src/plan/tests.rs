use super::*;
use crate::{preset, Command, TimedEvent};

#[test]
fn a_candidate_is_the_scenario_resized_and_validated() {
    let mut base = preset("quickstart").unwrap();
    base.groups[0].speed_factors = vec![0.5, 1.0];
    let s = candidate(&base, Point { brokers: 2, partitions: 5, members: 1 }).unwrap();
    assert_eq!(s.cluster.brokers, 2);
    assert!(s.topics.iter().all(|t| t.partitions == 5));
    assert_eq!(s.groups[0].members, 1);
    assert_eq!(s.groups[0].speed_factors, vec![0.5], "one factor per member left");
    assert_eq!(s.seed, base.seed);
    // A timeline event naming broker 3 does not fit two brokers: the point is invalid,
    // with the scenario's own message, not run.
    base.events.push(TimedEvent { at_ms: 1_000, command: Command::CrashBroker { broker: 3 } });
    let e = candidate(&base, Point { brokers: 2, partitions: 5, members: 1 }).unwrap_err();
    assert!(e.starts_with("events[0]"), "{e}");
    assert!(candidate(&base, Point { brokers: 4, partitions: 5, members: 1 }).is_ok());
}

#[test]
fn targets_parse_with_spaces_in_any_order() {
    let t = parse_targets(" p99_ms <= 500 ,lag_s<=30").unwrap();
    assert_eq!(
        t,
        vec![
            Target { metric: Metric::P99Ms, max: 500.0 },
            Target { metric: Metric::LagS, max: 30.0 }
        ]
    );
}

#[test]
fn the_largest_point_stays_within_the_limits_of_a_production_size_scenario() {
    // production: four topics of 4096 partitions. Four times that would pass the limit of
    // all topics together; the largest point takes what the limits leave per topic.
    let base = preset("production").unwrap();
    let mut p = Planner::new(&base, &[Target { metric: Metric::LostRecords, max: 0.0 }], 1);
    let top = p.round();
    assert_eq!(top.len(), 1);
    let t = top[0];
    assert_eq!(t.partitions * base.topics.len() as u32, limits::PARTITIONS_TOTAL_MAX);
    assert_eq!(t.brokers, limits::BROKERS_MAX);
    // Kafka's RangeAssignor gives a partition to one member of a group: no more members.
    assert!(t.members <= t.partitions && t.members <= limits::MEMBERS_MAX);
    assert!(candidate(&base, t).is_ok(), "the largest point is a valid scenario");
}

#[test]
fn a_driven_planner_asks_the_same_points_in_rounds_as_the_whole_search() {
    // The page drives the planner a point at a time, the CLI a round on many threads: the
    // points tried must not depend on who runs them.
    let base = preset("peak-shaving").unwrap();
    let targets = parse_targets("lag_s<=5").unwrap();
    let whole = search(&base, 3.0, &targets, 12);
    let mut p = Planner::new(&base, &targets, 12);
    let mut rounds = 0;
    loop {
        let pts = p.round();
        if pts.is_empty() {
            break;
        }
        rounds += 1;
        assert!(pts.len() <= 3, "a round is at most one point per dimension");
        p.record(pts.iter().map(|&pt| outcome(&base, pt, 3.0)).collect());
    }
    assert!(p.done());
    let driven = p.into_plan();
    let pts = |pl: &Plan| pl.tried.iter().map(|t| (t.point, t.step, t.meets)).collect::<Vec<_>>();
    assert_eq!(pts(&whole), pts(&driven));
    assert!(rounds >= 2);
    assert!(whole.tried.len() <= 12, "the budget holds");
    // The chosen point met every target, and no cheaper point tried did.
    if let Some(c) = whole.chosen {
        let best = whole.tried.iter().filter(|t| t.meets).map(|t| t.point.cost()).min();
        assert_eq!(Some(c.cost()), best);
    }
}

#[test]
fn a_budget_of_one_point_stops_after_the_largest() {
    let base = preset("quickstart").unwrap();
    let plan = search(&base, 1.0, &parse_targets("lost_records<=0").unwrap(), 1);
    assert_eq!(plan.tried.len(), 1);
    assert_eq!(plan.tried[0].step, "largest");
    // It met the target, so a smaller point might too: the search says it was cut short.
    assert!(plan.tried[0].meets);
    assert!(!plan.complete);
}

/// Phase 2 bisects the three axes side by side and ends only when all three are closed: the
/// brokers' range closing first leaves the partitions' and members' bisections open.
#[test]
fn the_bisection_ends_only_when_every_axis_is_closed() {
    let closed = Range { lo: 3, hi: 3 };
    let open = Range { lo: 1, hi: 8 };
    for (b, p, m) in [(closed, open, open), (open, closed, open), (closed, closed, open)] {
        assert!(matches!(bisect(b, p, m), Phase::Bisect { .. }), "{b:?} {p:?} {m:?}");
    }
    let Phase::Together { low } = bisect(closed, Range { lo: 6, hi: 6 }, Range { lo: 8, hi: 8 })
    else {
        panic!("all closed: the lower bounds together")
    };
    // Members also bound partitions from below: 8 members need 8 partitions.
    assert_eq!((low.brokers, low.partitions, low.members), (3, 8, 8));
}
