//! `brook plan`: the engine's capacity search (`brook_engine::plan`: the smallest cluster,
//! brokers, partitions and consumer-group members, that meets a set of targets under a
//! scenario's load) with each round's runs on every core, printed as a table or JSON.
//!
//! The engine being deterministic, a point's figures do not depend on which thread ran it,
//! and the points tried do not depend on the thread count.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use brook_engine::Scenario;

use crate::progress;

use brook_engine::plan::{outcome, Planner};
pub use brook_engine::plan::{
    parse_targets, Metric, Outcome, Plan, Point, Target, POINTS_DEFAULT, POINTS_MAX,
};

/// `--threads` at most.
pub const THREADS_MAX: usize = 256;

/// Runs every point on up to `threads` threads; outcomes in the points' order, or `None`
/// when Ctrl-C stopped the round (no thread starts a point after it; those running finish).
fn run_all(
    base: &Scenario,
    seconds: f64,
    points: &[Point],
    threads: usize,
) -> Option<Vec<Outcome>> {
    let next = AtomicUsize::new(0);
    let out: Mutex<Vec<Option<Outcome>>> = Mutex::new(vec![None; points.len()]);
    std::thread::scope(|scope| {
        for _ in 0..threads.clamp(1, points.len().max(1)) {
            scope.spawn(|| loop {
                if progress::interrupted() {
                    break;
                }
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(&p) = points.get(i) else { break };
                let o = outcome(base, p, seconds);
                out.lock().expect("no thread panicked")[i] = Some(o);
            });
        }
    });
    out.into_inner().expect("no thread panicked").into_iter().collect()
}

/// Searches the smallest point meeting `targets` (the engine's [`Planner`]), each round's
/// points run in parallel on up to `threads` threads.
pub fn search(
    base: &Scenario,
    seconds: f64,
    targets: &[Target],
    points_max: usize,
    threads: usize,
) -> Plan {
    progress::interruptible();
    let mut planner = Planner::new(base, targets, points_max);
    loop {
        let points = planner.round();
        if points.is_empty() {
            return planner.into_plan();
        }
        // Ctrl-C: the points of finished rounds are the plan so far (not complete).
        let Some(outcomes) = run_all(base, seconds, &points, threads) else {
            return planner.into_plan();
        };
        planner.record(outcomes);
    }
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
        let why = if progress::interrupted() { "was interrupted" } else { "reached --points" };
        println!(
            "the search {why} after {}: a smaller point may meet the targets",
            count(plan.tried.len() as u32, "point")
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
    use brook_engine::preset;

    #[test]
    fn the_threads_try_the_points_the_engine_search_tries() {
        // Rounds run on a pool of threads give the same points, in the same order, as the
        // engine's search run one point after another.
        let base = preset("peak-shaving").unwrap();
        let targets = parse_targets("lag_s<=5,p99_ms<=3000").unwrap();
        let threaded = search(&base, 3.0, &targets, 10, 3);
        let alone = brook_engine::plan::search(&base, 3.0, &targets, 10);
        let pts = |p: &Plan| p.tried.iter().map(|t| (t.point, t.meets)).collect::<Vec<_>>();
        assert_eq!(pts(&threaded), pts(&alone));
        assert_eq!(threaded.chosen, alone.chosen);
    }
}
