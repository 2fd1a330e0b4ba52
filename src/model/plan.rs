//! Capacity planning on the page (issue 12): the engine's search (`brook_engine::plan`, the one
//! `brook plan` runs on every core) on the current scenario with a small budget, run a few
//! engine steps each animation frame so the tab never freezes; and its frontier as a table.

use brook_engine::plan::{candidate, metrics, run_us, Metric, Outcome, Planner, Point, Target};
use brook_engine::{Cluster, Scenario};

use crate::model::i18n::{Lang, Msg};

/// Points the page tries at most (`brook plan` defaults to 20).
pub const PAGE_POINTS: usize = 8;
/// Virtual seconds each point runs, at most (the scenario's duration if shorter).
pub const PAGE_SECONDS_MAX: f64 = 5.0;
/// The targets the page plans for: the example, `lag_s<=30,p99_ms<=500`.
pub const PAGE_TARGETS: [Target; 2] =
    [Target { metric: Metric::LagS, max: 30.0 }, Target { metric: Metric::P99Ms, max: 500.0 }];

/// A search in progress on the page.
pub struct PagePlan {
    planner: Planner,
    seconds: f64,
    /// The round's points, and the outcomes of those already run.
    round: Vec<Point>,
    outcomes: Vec<Outcome>,
    /// The point running now.
    running: Option<Cluster>,
}

impl PagePlan {
    /// A search of `base` with the page's budget.
    pub fn new(base: &Scenario) -> PagePlan {
        PagePlan {
            planner: Planner::new(base, &PAGE_TARGETS, PAGE_POINTS),
            seconds: base.duration_s.min(PAGE_SECONDS_MAX),
            round: Vec::new(),
            outcomes: Vec::new(),
            running: None,
        }
    }

    /// Virtual seconds each point runs.
    pub fn seconds(&self) -> f64 {
        self.seconds
    }

    /// Whether the search has finished.
    pub fn done(&self) -> bool {
        self.planner.done()
    }

    /// Points run so far (the one running counts once finished).
    pub fn tried(&self) -> usize {
        self.planner.tried().len() + self.outcomes.len()
    }

    /// Runs the search on, one engine step at a time, until it is done or `out_of_time` says
    /// the frame's budget is spent (it looks after each piece of work: a step, a point's start
    /// or end, a round asked for; so each call moves the search on).
    pub fn work(&mut self, out_of_time: &mut dyn FnMut() -> bool) {
        let mut first = true;
        while !self.planner.done() && (first || !out_of_time()) {
            first = false;
            if let Some(c) = &mut self.running {
                if c.now_us() < run_us(self.seconds) {
                    c.step();
                    continue;
                }
                self.outcomes.push(Outcome::Ran(metrics(c)));
                self.running = None;
            }
            if self.outcomes.len() == self.round.len() {
                if !self.round.is_empty() {
                    self.planner.record(std::mem::take(&mut self.outcomes));
                }
                self.round = self.planner.round();
                continue;
            }
            let p = self.round[self.outcomes.len()];
            match candidate(self.planner.base(), p) {
                Ok(s) => self.running = Some(Cluster::new(s)),
                Err(e) => self.outcomes.push(Outcome::Invalid(e)),
            }
        }
    }

    /// The table: a row per point tried, in order.
    pub fn rows(&self, lang: Lang) -> Vec<[String; 7]> {
        self.planner
            .tried()
            .iter()
            .enumerate()
            .map(|(i, t)| {
                let (lag, p99) = match &t.outcome {
                    Outcome::Ran(v) => (
                        format!("{:.1}", v[Metric::LagS.index()]),
                        format!("{:.0}", v[Metric::P99Ms.index()]),
                    ),
                    Outcome::Invalid(_) => (String::new(), String::new()),
                };
                let meets = if t.meets { Msg::PlanMeets } else { Msg::PlanMisses };
                [
                    (i + 1).to_string(),
                    t.point.brokers.to_string(),
                    t.point.partitions.to_string(),
                    t.point.members.to_string(),
                    lag,
                    p99,
                    lang.t(meets).to_string(),
                ]
            })
            .collect()
    }

    /// The cheapest point that met the targets, once the search is done.
    pub fn chosen(&self) -> Option<Point> {
        self.planner.chosen().filter(|_| self.done())
    }

    /// Whether the budget stopped the search before its end.
    pub fn cut(&self) -> bool {
        self.done() && !self.planner.complete()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use brook_engine::preset;

    #[test]
    fn the_page_search_tries_what_brook_plan_tries_with_the_same_budget() {
        // The page runs the engine's search a few steps at a time; the points tried, their
        // figures and the choice are those of the search run in one go (`brook plan`'s core).
        let base = preset("peak-shaving").unwrap();
        let mut page = PagePlan::new(&base);
        let mut frames = 0;
        while !page.done() {
            let mut left = 300;
            page.work(&mut || {
                left -= 1;
                left == 0
            });
            frames += 1;
            assert!(frames < 100_000, "the search ends");
        }
        let whole = brook_engine::plan::search(&base, page.seconds(), &PAGE_TARGETS, PAGE_POINTS);
        let tried: Vec<_> = whole.tried.iter().map(|t| (t.point, t.meets)).collect();
        let paged: Vec<_> = page.planner.tried().iter().map(|t| (t.point, t.meets)).collect();
        assert_eq!(paged, tried);
        assert_eq!(page.chosen(), whole.chosen);
        assert!(frames > 10, "the work was spread over frames: {frames}");
        let rows = page.rows(Lang::En);
        assert_eq!(rows.len(), tried.len());
        assert_eq!(rows[0][1], whole.tried[0].point.brokers.to_string());
    }

    #[test]
    fn each_call_runs_at_least_one_step_and_stops_at_the_budget() {
        let mut page = PagePlan::new(&preset("quickstart").unwrap());
        let mut asked = 0;
        page.work(&mut || {
            asked += 1;
            true
        });
        assert_eq!(asked, 1, "out of time at the first look: one step, then stop");
        assert!(!page.done());
    }
}
