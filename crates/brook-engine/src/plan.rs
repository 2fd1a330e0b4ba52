//! Capacity planning (`brook plan`, and the page's smaller search): the smallest cluster
//! (brokers, partitions, consumer-group members) that meets a set of targets under a
//! scenario's load, found by bisection.
//!
//! Every candidate is the scenario with three numbers changed (`cluster.brokers`, every
//! topic's `partitions`, every consumer group's `members`), then `Scenario::validate`d, and
//! run with the scenario's seed: the engine being deterministic, a point's figures do not
//! depend on who ran it, and the points tried depend only on the outcomes ([`Planner`] names
//! the points; its caller runs them: the CLI on a pool of threads, the page in chunks a frame).

use crate::{limits, Cluster, Reader, Scenario, Tp};

/// `--points` at most.
pub const POINTS_MAX: usize = 200;
/// `--points` by default.
pub const POINTS_DEFAULT: usize = 20;
/// The largest partition count searched is this many times the scenario's largest topic (at
/// least [`PARTITIONS_SEARCH_MIN`], at most Brook's limits: per topic, and all topics
/// together); members go as far (at most Brook's limit). Brokers go to this many times the
/// scenario's (at least [`BROKERS_SEARCH_MIN`], at most Brook's limit).
pub const PARTITIONS_SEARCH_FACTOR: u32 = 4;
/// See [`PARTITIONS_SEARCH_FACTOR`].
const PARTITIONS_SEARCH_MIN: u32 = 16;
/// See [`PARTITIONS_SEARCH_FACTOR`].
const BROKERS_SEARCH_MIN: u32 = 16;
/// Steps on the line from the lower bounds to the largest point (phase 3).
const SCALE_STEPS: u32 = 16;
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
    /// Every metric, in the order of an [`Outcome::Ran`]'s figures.
    pub const ALL: [Metric; 5] = [
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

    /// Its place in [`Metric::ALL`] and in an [`Outcome::Ran`]'s figures.
    pub fn index(self) -> usize {
        Metric::ALL.iter().position(|m| *m == self).expect("listed")
    }
}

/// `METRIC<=VALUE`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Target {
    /// What it bounds.
    pub metric: Metric,
    /// The most it may be.
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
    /// `cluster.brokers`.
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
    /// The size.
    pub point: Point,
    /// Which part of the search asked for it.
    pub step: &'static str,
    /// Its figures.
    pub outcome: Outcome,
    /// Whether it met every target.
    pub meets: bool,
}

/// The search's result.
pub struct Plan {
    /// The points tried, in order.
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

/// Runs `s` for `seconds` and reads every metric (the CLI's threads and the page's chunks run
/// [`Cluster::run_until`] themselves, then [`metrics`]).
pub fn measure(s: Scenario, seconds: f64) -> [f64; 5] {
    let mut c = Cluster::new(s);
    c.run_until(run_us(seconds));
    metrics(&c)
}

/// The virtual time a point runs to, us.
pub fn run_us(seconds: f64) -> u64 {
    (seconds * 1e6) as u64
}

/// Every metric of a run, in [`Metric::ALL`] order, read where it stopped.
pub fn metrics(c: &Cluster) -> [f64; 5] {
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

/// The scenario at `p` run for `seconds`: its figures, or why it is not a valid scenario.
pub fn outcome(base: &Scenario, p: Point, seconds: f64) -> Outcome {
    match candidate(base, p) {
        Ok(s) => Outcome::Ran(measure(s, seconds)),
        Err(e) => Outcome::Invalid(e),
    }
}

/// A dimension's bisection: `hi` met the targets (with the other two at their largest), `lo`
/// is the least value not yet ruled out.
#[derive(Clone, Copy, Debug)]
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

/// Where the search is.
#[derive(Clone, Copy, Debug)]
enum Phase {
    /// 1: the largest point.
    Largest,
    /// 2: three bisections side by side.
    Bisect { b: Range, p: Range, m: Range },
    /// 3: the lower bounds together.
    Together { low: Point },
    /// 4: bisection on the line from the lower bounds to the largest point.
    Scale { low: Point, k: Range },
    /// Finished (or the budget ran out).
    Done,
}

/// The search as a machine its caller drives, running the points however it likes (the CLI on
/// a pool of threads, the page a few steps a frame): [`Planner::round`] names the points of the
/// next round, [`Planner::record`] takes their outcomes in the same order. Deterministic:
/// the points asked for depend only on the outcomes given.
#[derive(Clone, Debug)]
pub struct Planner {
    base: Scenario,
    targets: Vec<Target>,
    points_max: usize,
    tried: Vec<Tried>,
    cut: bool,
    phase: Phase,
    top: Point,
    brokers_min: u32,
    has_groups: bool,
    /// The round asked for and its points not tried before, waiting for [`Planner::record`].
    asked: Vec<(Point, &'static str)>,
    new: Vec<(Point, &'static str)>,
}

impl Planner {
    /// A search of the smallest point of `base` meeting `targets`, trying at most
    /// `points_max` points (see the usage text of `brook plan`).
    pub fn new(base: &Scenario, targets: &[Target], points_max: usize) -> Planner {
        let has_groups = !base.groups.is_empty();
        // A topic needs as many brokers as its replication factor.
        let brokers_min =
            base.topics.iter().map(|t| t.replication_factor).max().unwrap_or(1).max(1);
        let largest_topic = base.topics.iter().map(|t| t.partitions).max().unwrap_or(1);
        let per_topic_max = (limits::PARTITIONS_TOTAL_MAX / base.topics.len().max(1) as u32)
            .min(limits::PARTITIONS_MAX);
        let partitions_max = (largest_topic.saturating_mul(PARTITIONS_SEARCH_FACTOR))
            .clamp(PARTITIONS_SEARCH_MIN, per_topic_max.max(PARTITIONS_SEARCH_MIN));
        let members_max = if has_groups { partitions_max.min(limits::MEMBERS_MAX) } else { 0 };
        let brokers_max = (base.cluster.brokers.saturating_mul(PARTITIONS_SEARCH_FACTOR))
            .clamp(BROKERS_SEARCH_MIN, limits::BROKERS_MAX);
        let top = point(brokers_max.max(brokers_min), partitions_max, members_max);
        Planner {
            base: base.clone(),
            targets: targets.to_vec(),
            points_max,
            tried: Vec::new(),
            cut: false,
            phase: Phase::Largest,
            top,
            brokers_min,
            has_groups,
            asked: Vec::new(),
            new: Vec::new(),
        }
    }

    /// The scenario searched.
    pub fn base(&self) -> &Scenario {
        &self.base
    }

    /// The points tried so far.
    pub fn tried(&self) -> &[Tried] {
        &self.tried
    }

    /// Whether the search has finished (nothing more to run).
    pub fn done(&self) -> bool {
        matches!(self.phase, Phase::Done)
    }

    /// The points to run next, in order (none: the search is over). Call [`Planner::record`]
    /// with their outcomes before asking again.
    pub fn round(&mut self) -> Vec<Point> {
        loop {
            if !self.new.is_empty() {
                return self.new.iter().map(|n| n.0).collect();
            }
            let asked = self.ask();
            if asked.is_empty() {
                self.phase = Phase::Done;
                return Vec::new();
            }
            for &(p, step) in &asked {
                let known =
                    self.tried.iter().any(|t| t.point == p) || self.new.iter().any(|n| n.0 == p);
                if !known && self.tried.len() + self.new.len() < self.points_max {
                    self.new.push((p, step));
                }
            }
            self.asked = asked;
            if self.new.is_empty() {
                // Every point of the round was tried before (or the budget is spent).
                self.answer();
            }
        }
    }

    /// The outcomes of the points [`Planner::round`] gave, in the same order.
    pub fn record(&mut self, outcomes: Vec<Outcome>) {
        let new = std::mem::take(&mut self.new);
        for ((point, step), outcome) in new.into_iter().zip(outcomes) {
            let meets = match &outcome {
                Outcome::Ran(v) => self.targets.iter().all(|t| v[t.metric.index()] <= t.max),
                Outcome::Invalid(_) => false,
            };
            self.tried.push(Tried { point, step, outcome, meets });
        }
        self.answer();
    }

    /// The cheapest point tried so far that met every target.
    pub fn chosen(&self) -> Option<Point> {
        self.tried.iter().filter(|t| t.meets).map(|t| t.point).min_by_key(|p| p.cost())
    }

    /// Whether the search ran to its end (false: the budget stopped it, or it runs still).
    pub fn complete(&self) -> bool {
        self.done() && !self.cut
    }

    /// The result.
    pub fn into_plan(self) -> Plan {
        Plan { chosen: self.chosen(), complete: self.complete(), tried: self.tried }
    }

    /// The round the phase asks for.
    fn ask(&self) -> Vec<(Point, &'static str)> {
        let top = self.top;
        match self.phase {
            Phase::Largest => vec![(top, "largest")],
            Phase::Bisect { b, p, m } => {
                let mut asked = Vec::new();
                if let Some(x) = b.mid() {
                    asked.push((point(x, top.partitions, top.members), "brokers"));
                }
                if let Some(x) = p.mid() {
                    asked.push((point(top.brokers, x, top.members), "partitions"));
                }
                if let Some(x) = m.mid() {
                    // As many partitions per member: Kafka's `RangeAssignor` gives the first
                    // few members one partition more when the count does not divide evenly
                    // (its javadoc), and those members would then set the pace.
                    asked.push((point(top.brokers, top.partitions / x * x, x), "members"));
                }
                asked
            }
            Phase::Together { low } => vec![(low, "together")],
            Phase::Scale { low, k } => match k.mid() {
                Some(x) => vec![(along(low, top, x), "scale")],
                None => Vec::new(),
            },
            Phase::Done => Vec::new(),
        }
    }

    /// Moves the phase on with the answers to the round asked.
    fn answer(&mut self) {
        let asked = std::mem::take(&mut self.asked);
        let answers: Vec<Option<bool>> = asked
            .iter()
            .map(|(p, _)| self.tried.iter().find(|t| t.point == *p).map(|t| t.meets))
            .collect();
        if answers.iter().any(Option::is_none) {
            // The budget ran out before a point of the round.
            self.cut = true;
            self.phase = Phase::Done;
            return;
        }
        let top = self.top;
        self.phase = match self.phase {
            // If the largest point fails, no smaller one will (the search assumes more
            // brokers, partitions or members never make a target worse).
            Phase::Largest if answers == [Some(true)] => bisect(
                Range { lo: self.brokers_min, hi: top.brokers },
                Range { lo: 1, hi: top.partitions },
                Range { lo: self.has_groups as u32, hi: top.members },
            ),
            Phase::Largest => Phase::Done,
            Phase::Bisect { mut b, mut p, mut m } => {
                let mut it = answers.into_iter();
                for range in [&mut b, &mut p, &mut m] {
                    if let Some(x) = range.mid() {
                        range.answer(x, it.next().flatten().expect("answered"));
                    }
                }
                bisect(b, p, m)
            }
            // If they meet the targets, no point is smaller in any dimension.
            Phase::Together { .. } if answers == [Some(true)] => Phase::Done,
            Phase::Together { low } => Phase::Scale { low, k: Range { lo: 1, hi: SCALE_STEPS } },
            Phase::Scale { low, mut k } => {
                let x = k.mid().expect("asked");
                k.answer(x, answers[0].expect("answered"));
                if k.mid().is_some() {
                    Phase::Scale { low, k }
                } else {
                    Phase::Done
                }
            }
            Phase::Done => Phase::Done,
        };
    }
}

/// Phase 2 while a bisection is open, then phase 3: the lower bounds together (members also
/// bound partitions from below).
fn bisect(b: Range, p: Range, m: Range) -> Phase {
    if b.mid().is_none() && p.mid().is_none() && m.mid().is_none() {
        let low = Point { brokers: b.hi, partitions: p.hi.max(m.hi), members: m.hi };
        Phase::Together { low }
    } else {
        Phase::Bisect { b, p, m }
    }
}

/// Kafka gives each partition to one member of a group (`RangeAssignor`'s javadoc: the
/// partitions divided by the members, the first few getting one extra); a member beyond the
/// partitions gets none, so members never exceed partitions.
fn point(brokers: u32, partitions: u32, members: u32) -> Point {
    Point { brokers, partitions, members: members.min(partitions) }
}

/// Step `k` of [`SCALE_STEPS`] on the line from `low` to `top`, all three grown together.
fn along(low: Point, top: Point, k: u32) -> Point {
    let up = |lo: u32, hi: u32| lo + ((hi - lo) * k).div_ceil(SCALE_STEPS);
    point(
        up(low.brokers, top.brokers),
        up(low.partitions, top.partitions),
        up(low.members, top.members),
    )
}

/// The whole search run here, one point after another (tests, and callers with one core).
pub fn search(base: &Scenario, seconds: f64, targets: &[Target], points_max: usize) -> Plan {
    let mut p = Planner::new(base, targets, points_max);
    loop {
        let points = p.round();
        if points.is_empty() {
            return p.into_plan();
        }
        let outcomes = points.iter().map(|&pt| outcome(base, pt, seconds)).collect();
        p.record(outcomes);
    }
}

#[cfg(test)]
mod tests;
