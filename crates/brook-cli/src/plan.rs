//! `brook plan`: the smallest cluster (brokers, partitions, consumer-group members) that meets
//! a set of targets under a scenario's load, found by bisection with the runs on every core.
//!
//! Every candidate is the scenario with three numbers changed (`cluster.brokers`, every
//! topic's `partitions`, every consumer group's `members`), then `Scenario::validate`d, and
//! run with the scenario's seed: the engine being deterministic, a point's figures do not
//! depend on which thread ran it, and the points tried do not depend on the thread count.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use brook_engine::{limits, Cluster, Reader, Scenario, Tp};

/// `--points` at most.
pub const POINTS_MAX: usize = 200;
/// `--points` by default.
pub const POINTS_DEFAULT: usize = 20;
/// The largest partition count searched is this many times the scenario's largest topic (at
/// least [`PARTITIONS_SEARCH_MIN`], at most Brook's limit); members go as far (at most
/// Brook's limit).
const PARTITIONS_SEARCH_FACTOR: u32 = 4;
/// See [`PARTITIONS_SEARCH_FACTOR`].
const PARTITIONS_SEARCH_MIN: u32 = 16;
/// Steps on the line from the lower bounds to the largest point (phase 3).
const SCALE_STEPS: u32 = 16;
/// `--threads` at most.
pub const THREADS_MAX: usize = 256;
/// A target's value, at most.
pub const TARGET_VALUE_MAX: f64 = 1e15;

/// A metric a target can bound, each from one run of the candidate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Metric {
    /// The longest any record waited for a consumer group, s: the largest of the processed
    /// records' end-to-end latency (creation to processed, `Summary::latency_ms_max`) and, at
    /// the end of the run, the age of the oldest record a group has not committed on any
    /// partition (its committed offset's creation time; Kafka's lag counts from the committed
    /// offset, `ConsumerGroupCommand`). A record still waiting at the end counts its wait so far.
    LagS,
    /// End-to-end latency 99th percentile, ms (`Summary::latency_ms_p99`).
    P99Ms,
    /// The largest total lag of any reader at a metrics sample, records
    /// (`Summary::lag_records_max`).
    LagRecords,
    /// Records lost without anyone being told (`Summary::lost_records`).
    LostRecords,
    /// Records whose producer was told they failed (`Summary::dropped_records`: `send()`
    /// blocked past `max.block.ms`, delivery timeouts, retries run out).
    FailedRecords,
}

impl Metric {
    const ALL: [Metric; 5] = [
        Metric::LagS,
        Metric::P99Ms,
        Metric::LagRecords,
        Metric::LostRecords,
        Metric::FailedRecords,
    ];

    /// The name a target uses.
    pub fn name(self) -> &'static str {
        match self {
            Metric::LagS => "lag_s",
            Metric::P99Ms => "p99_ms",
            Metric::LagRecords => "lag_records",
            Metric::LostRecords => "lost_records",
            Metric::FailedRecords => "failed_records",
        }
    }

    fn index(self) -> usize {
        Metric::ALL.iter().position(|m| *m == self).expect("listed")
    }
}

/// `METRIC<=VALUE`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Target {
    pub metric: Metric,
    pub max: f64,
}

/// Parses `--target`: comma-separated `METRIC<=VALUE`, each metric at most once. The error
/// names the part and what it accepts.
pub fn parse_targets(text: &str) -> Result<Vec<Target>, String> {
    let names: Vec<&str> = Metric::ALL.iter().map(|m| m.name()).collect();
    let mut targets: Vec<Target> = Vec::new();
    for part in text.split(',').map(str::trim) {
        let Some((name, value)) = part.split_once("<=") else {
            return Err(format!(
                "--target: \"{part}\" must be METRIC<=VALUE (METRIC one of {})",
                names.join(", ")
            ));
        };
        let name = name.trim();
        let Some(metric) = Metric::ALL.into_iter().find(|m| m.name() == name) else {
            return Err(format!(
                "--target: \"{part}\": unknown metric \"{name}\" (one of {})",
                names.join(", ")
            ));
        };
        let max = match value.trim().parse::<f64>() {
            Ok(v) if (0.0..=TARGET_VALUE_MAX).contains(&v) => v,
            _ => {
                return Err(format!(
                "--target: \"{part}\": the value must be a number from 0 to {TARGET_VALUE_MAX:e}"
            ))
            }
        };
        if targets.iter().any(|t| t.metric == metric) {
            return Err(format!("--target: \"{name}\" given more than once"));
        }
        targets.push(Target { metric, max });
    }
    Ok(targets)
}

/// One candidate size.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Point {
    pub brokers: u32,
    /// Every topic's partition count.
    pub partitions: u32,
    /// Every consumer group's members (0 when the scenario has no consumer group).
    pub members: u32,
}

impl Point {
    /// The cost the plan minimises: brokers + partitions + members; ties go to fewer brokers,
    /// then fewer partitions.
    pub fn cost(self) -> (u32, u32, u32) {
        (self.brokers + self.partitions + self.members, self.brokers, self.partitions)
    }
}

/// What one point gave.
#[derive(Clone, Debug)]
pub enum Outcome {
    /// Each metric, in [`Metric::ALL`] order.
    Ran([f64; 5]),
    /// The scenario with this size did not validate (e.g. a timeline event names a broker
    /// that is not there): the first problem.
    Invalid(String),
}

/// A point tried, in the order tried.
#[derive(Clone, Debug)]
pub struct Tried {
    pub point: Point,
    /// Which part of the search asked for it.
    pub step: &'static str,
    pub outcome: Outcome,
    pub meets: bool,
}

/// The search's result.
pub struct Plan {
    pub tried: Vec<Tried>,
    /// The cheapest point tried that met every target.
    pub chosen: Option<Point>,
    /// The search ran to its end (false: `--points` stopped it).
    pub complete: bool,
}

/// The scenario at size `p`, validated.
pub fn candidate(base: &Scenario, p: Point) -> Result<Scenario, String> {
    let mut s = base.clone();
    s.cluster.brokers = p.brokers;
    for t in &mut s.topics {
        t.partitions = p.partitions;
    }
    for g in &mut s.groups {
        g.members = p.members;
        g.speed_factors.truncate(p.members as usize);
    }
    s.validate().map_err(|e| e.first().map(ToString::to_string).unwrap_or_default())?;
    Ok(s)
}

/// Runs `s` for `seconds` and reads every metric.
fn measure(s: Scenario, seconds: f64) -> [f64; 5] {
    let mut c = Cluster::new(s);
    c.run_until((seconds * 1e6) as u64);
    let sum = c.summary();
    let now = c.now_us();
    // The oldest record a consumer group has not committed, on any partition.
    let mut oldest_us = 0u64;
    for r in c.readers() {
        let Reader::Group(g) = r else { continue };
        for &t in r.topics() {
            for (p, part) in c.topics()[t as usize].partitions.iter().enumerate() {
                let log = &part.log;
                let (start, hw) = (log.log_start_offset(), log.high_watermark());
                let at = g.resume_offset(Tp { topic: t, partition: p as u32 }, start, hw);
                if at < hw {
                    if let Some(b) = log.batch_at(at) {
                        oldest_us = oldest_us.max(now.saturating_sub(b.create_us_at(at)));
                    }
                }
            }
        }
    }
    let lag_s = (sum.latency_ms_max / 1e3).max(oldest_us as f64 / 1e6);
    [
        lag_s,
        sum.latency_ms_p99,
        sum.lag_records_max as f64,
        sum.lost_records as f64,
        sum.dropped_records as f64,
    ]
}

/// Runs every point on up to `threads` threads; outcomes in the points' order.
fn run_all(base: &Scenario, seconds: f64, points: &[Point], threads: usize) -> Vec<Outcome> {
    let next = AtomicUsize::new(0);
    let out: Mutex<Vec<Option<Outcome>>> = Mutex::new(vec![None; points.len()]);
    std::thread::scope(|scope| {
        for _ in 0..threads.clamp(1, points.len().max(1)) {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(&p) = points.get(i) else { break };
                let o = match candidate(base, p) {
                    Ok(s) => Outcome::Ran(measure(s, seconds)),
                    Err(e) => Outcome::Invalid(e),
                };
                out.lock().expect("no thread panicked")[i] = Some(o);
            });
        }
    });
    out.into_inner().expect("no thread panicked").into_iter().map(|o| o.expect("ran")).collect()
}

/// The search's state: the points tried so far and the budget.
struct Search<'a> {
    base: &'a Scenario,
    seconds: f64,
    targets: &'a [Target],
    threads: usize,
    points_max: usize,
    tried: Vec<Tried>,
    cut: bool,
}

impl Search<'_> {
    /// Runs one round of points in parallel (those not tried before, within the budget) and
    /// says for each whether it met every target (None: the budget ran out before it).
    fn round(&mut self, asked: &[(Point, &'static str)]) -> Vec<Option<bool>> {
        let mut new: Vec<(Point, &'static str)> = Vec::new();
        for &(p, step) in asked {
            let known = self.tried.iter().any(|t| t.point == p) || new.iter().any(|n| n.0 == p);
            if !known && self.tried.len() + new.len() < self.points_max {
                new.push((p, step));
            }
        }
        let points: Vec<Point> = new.iter().map(|n| n.0).collect();
        let outcomes = run_all(self.base, self.seconds, &points, self.threads);
        for ((point, step), outcome) in new.into_iter().zip(outcomes) {
            let meets = match &outcome {
                Outcome::Ran(v) => self.targets.iter().all(|t| v[t.metric.index()] <= t.max),
                Outcome::Invalid(_) => false,
            };
            self.tried.push(Tried { point, step, outcome, meets });
        }
        let answers: Vec<Option<bool>> = asked
            .iter()
            .map(|(p, _)| self.tried.iter().find(|t| t.point == *p).map(|t| t.meets))
            .collect();
        if answers.iter().any(Option::is_none) {
            self.cut = true;
        }
        answers
    }
}

/// A dimension's bisection: `hi` met the targets (with the other two at their largest), `lo`
/// is the least value not yet ruled out.
#[derive(Clone, Copy)]
struct Range {
    lo: u32,
    hi: u32,
}

impl Range {
    fn mid(self) -> Option<u32> {
        (self.lo < self.hi).then_some(self.lo + (self.hi - self.lo) / 2)
    }
    fn answer(&mut self, mid: u32, meets: bool) {
        if meets {
            self.hi = mid;
        } else {
            self.lo = mid + 1;
        }
    }
}

/// Searches the smallest point meeting `targets` (see the usage text of `brook plan`).
pub fn search(
    base: &Scenario,
    seconds: f64,
    targets: &[Target],
    points_max: usize,
    threads: usize,
) -> Plan {
    let has_groups = !base.groups.is_empty();
    // A topic needs as many brokers as its replication factor.
    let brokers_min = base.topics.iter().map(|t| t.replication_factor).max().unwrap_or(1).max(1);
    let largest_topic = base.topics.iter().map(|t| t.partitions).max().unwrap_or(1);
    let partitions_max = (largest_topic * PARTITIONS_SEARCH_FACTOR)
        .clamp(PARTITIONS_SEARCH_MIN, limits::PARTITIONS_MAX);
    let members_max = if has_groups { partitions_max.min(limits::MEMBERS_MAX) } else { 0 };
    // Kafka gives each partition to one member of a group (`RangeAssignor`'s javadoc: the
    // partitions divided by the members, the first few getting one extra); a member beyond
    // the partitions gets none, so members never exceed partitions.
    let point = |brokers: u32, partitions: u32, members: u32| Point {
        brokers,
        partitions,
        members: members.min(partitions),
    };
    let top = point(limits::BROKERS_MAX.max(brokers_min), partitions_max, members_max);
    let mut s =
        Search { base, seconds, targets, threads, points_max, tried: Vec::new(), cut: false };
    let done = |s: Search| {
        let chosen = s.tried.iter().filter(|t| t.meets).map(|t| t.point).min_by_key(|p| p.cost());
        Plan { chosen, complete: !s.cut, tried: s.tried }
    };
    // Phase 1: the largest point. If it fails, no smaller one will (the search assumes more
    // brokers, partitions or members never make a target worse).
    if s.round(&[(top, "largest")]) != [Some(true)] {
        return done(s);
    }
    // Phase 2: three bisections side by side, each dimension with the other two at their
    // largest; each gives a lower bound for every point meeting the targets.
    let mut b = Range { lo: brokers_min, hi: top.brokers };
    let mut p = Range { lo: 1, hi: top.partitions };
    let mut m = Range { lo: has_groups as u32, hi: top.members };
    loop {
        let mids = [b.mid(), p.mid(), m.mid()];
        let mut asked = Vec::new();
        if let Some(x) = mids[0] {
            asked.push((point(x, top.partitions, top.members), "brokers"));
        }
        if let Some(x) = mids[1] {
            asked.push((point(top.brokers, x, top.members), "partitions"));
        }
        if let Some(x) = mids[2] {
            // As many partitions per member: Kafka's `RangeAssignor` gives the first few
            // members one partition more when the count does not divide evenly (its javadoc),
            // and those members would then set the pace.
            asked.push((point(top.brokers, top.partitions / x * x, x), "members"));
        }
        if asked.is_empty() {
            break;
        }
        let mut answers = s.round(&asked).into_iter();
        for (range, mid) in [&mut b, &mut p, &mut m].into_iter().zip(mids) {
            let Some(x) = mid else { continue };
            match answers.next().flatten() {
                Some(meets) => range.answer(x, meets),
                None => return done(s),
            }
        }
    }
    // Phase 3: the lower bounds together (members also bound partitions from below). If they
    // meet the targets, no point is smaller in any dimension.
    let low = Point { brokers: b.hi, partitions: p.hi.max(m.hi), members: m.hi };
    match s.round(&[(low, "together")]).as_slice() {
        [Some(true)] => return done(s),
        [None] => return done(s),
        _ => {}
    }
    // Otherwise: bisection on the line from the lower bounds to the largest point, all three
    // grown together in `SCALE_STEPS` steps.
    let along = |k: u32| {
        let up = |lo: u32, hi: u32| lo + ((hi - lo) * k).div_ceil(SCALE_STEPS);
        point(
            up(low.brokers, top.brokers),
            up(low.partitions, top.partitions),
            up(low.members, top.members),
        )
    };
    let mut k = Range { lo: 1, hi: SCALE_STEPS };
    while let Some(x) = k.mid() {
        match s.round(&[(along(x), "scale")]).as_slice() {
            [Some(meets)] => k.answer(x, *meets),
            _ => return done(s),
        }
    }
    done(s)
}

/// A metric's value as printed.
fn show(m: Metric, v: f64) -> String {
    match m {
        Metric::LagS => format!("{v:.3}"),
        Metric::P99Ms => format!("{v:.1}"),
        _ => format!("{v:.0}"),
    }
}

/// `1 broker`, `2 brokers`.
fn count(n: u32, what: &str) -> String {
    format!("{n} {what}{}", if n == 1 { "" } else { "s" })
}

fn targets_text(targets: &[Target]) -> String {
    let t: Vec<String> =
        targets.iter().map(|t| format!("{}<={}", t.metric.name(), t.max)).collect();
    t.join(",")
}

/// The points tried as a table, then the chosen point.
pub fn print_table(s: &Scenario, seconds: f64, targets: &[Target], plan: &Plan) {
    println!(
        "{} (seed {}, {seconds} s per run), targets {}: {} tried",
        s.name,
        s.seed,
        targets_text(targets),
        count(plan.tried.len() as u32, "point")
    );
    let mut head = format!(
        "{:>3}  {:<10} {:>7} {:>10} {:>7}",
        "#", "step", "brokers", "partitions", "members"
    );
    for t in targets {
        head += &format!(" {:>14}", t.metric.name());
    }
    println!("{head}  meets");
    for (i, t) in plan.tried.iter().enumerate() {
        let mut line = format!(
            "{:>3}  {:<10} {:>7} {:>10} {:>7}",
            i + 1,
            t.step,
            t.point.brokers,
            t.point.partitions,
            t.point.members
        );
        match &t.outcome {
            Outcome::Ran(v) => {
                for g in targets {
                    line += &format!(" {:>14}", show(g.metric, v[g.metric.index()]));
                }
                line += if t.meets { "  yes" } else { "  no" };
            }
            Outcome::Invalid(e) => line += &format!("  no (invalid: {e})"),
        }
        println!("{line}");
    }
    match plan.chosen {
        Some(p) => println!(
            "smallest meeting the targets: {}, {} per topic, {} per consumer group (cost {})",
            count(p.brokers, "broker"),
            count(p.partitions, "partition"),
            count(p.members, "member"),
            p.cost().0
        ),
        None => println!("no point tried met the targets"),
    }
    if !plan.complete {
        println!(
            "the search stopped at --points {}: a smaller point may meet the targets",
            plan.tried.len()
        );
    }
}

/// The plan as one JSON object.
pub fn json(s: &Scenario, seconds: f64, targets: &[Target], plan: &Plan) -> serde_json::Value {
    use serde_json::json;
    let point = |p: Point| {
        json!({"brokers": p.brokers, "partitions": p.partitions, "members": p.members,
               "cost": p.cost().0})
    };
    let tried: Vec<serde_json::Value> = plan
        .tried
        .iter()
        .map(|t| {
            let mut v = point(t.point);
            v["step"] = json!(t.step);
            v["meets"] = json!(t.meets);
            match &t.outcome {
                Outcome::Ran(x) => {
                    for m in Metric::ALL {
                        v[m.name()] = json!(x[m.index()]);
                    }
                }
                Outcome::Invalid(e) => v["invalid"] = json!(e),
            }
            v
        })
        .collect();
    json!({
        "scenario": s.name,
        "seed": s.seed,
        "seconds": seconds,
        "targets": targets_text(targets),
        "tried": tried,
        "chosen": plan.chosen.map(point),
        "complete": plan.complete,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use brook_engine::{preset, Command, TimedEvent};

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
}
