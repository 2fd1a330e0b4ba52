//! Pacing the engine against wall-clock frames, and the small stats snapshot the Yew tree shows.
//! No web import: tested natively.

use brook_engine::{Cluster, Command, DirectRun, OffsetReset, Reader, Scenario, TICK_US};

use brook_engine::ReaderKind;

use crate::model::consumers::{consumer_sets, Note};
use crate::model::flights::Flights;
use crate::model::i18n::Lang;
use crate::model::layout::dense;
use crate::model::lesson::{Goal, StageRegion, Watch};
use crate::model::timeline::{marks, Mark, Timeline};

/// Most engine steps run in one animation frame (2 virtual seconds); past it the simulation
/// runs slower than asked instead of freezing the tab.
pub const STEPS_PER_FRAME_MAX: u64 = 2_000;
/// Most wall ms a frame's steps may take when the page gives [`Sim::clock`]: a
/// production-size cluster's steps cost milliseconds each, and 2,000 of them would freeze the
/// tab; past the frame's budget ([`Sim::step_budget_ms`], at most this) the simulation runs
/// slower than asked (counted in `frames_behind`), as it does past [`STEPS_PER_FRAME_MAX`].
pub const STEP_BUDGET_MS: f64 = 6.0;
/// Wall ms of work a frame aims at (engine and drawing together): the page gives the engine
/// what drawing is expected to leave of it ([`FrameBudget`]), so a large cluster's frames stay
/// short and the run goes slower instead.
pub const FRAME_WORK_TARGET_MS: f64 = 7.0;
/// The least wall ms a frame gives the engine, however long drawing took lately: a slow first
/// paint must not hold back a cluster whose steps cost microseconds.
pub const ENGINE_BUDGET_MIN_MS: f64 = 1.0;
/// Most wall ms a frame gives the engine when the speed asked is above 1x and the run cannot
/// keep it: asking for more speed trades smooth frames for pace (about 30 frames a second at
/// this budget, rather than a speed control that changes nothing).
pub const FAST_FORWARD_ENGINE_MS_MAX: f64 = 25.0;
/// A frame at 60 Hz, wall ms.
const FRAME_MS: f64 = 1000.0 / 60.0;
/// Weight of the newest measurement in the running means of [`FrameBudget`] and of a step's
/// cost.
const EWMA_NEW: f64 = 0.2;

/// The wall ms a frame's steps may take in a run that cannot keep up at `speed`: the frame's own
/// budget `frame_ms` at 1x or slower; faster, that budget times the speed asked, up to
/// [`FAST_FORWARD_ENGINE_MS_MAX`].
fn engine_budget_ms(frame_ms: f64, speed: f64) -> f64 {
    if speed <= 1.0 {
        return frame_ms;
    }
    (frame_ms * speed).min(FAST_FORWARD_ENGINE_MS_MAX).max(frame_ms)
}

/// Moves running mean `mean` towards `x` by [`EWMA_NEW`] (the first measurement, while it is
/// 0, sets it).
fn ewma(mean: &mut f64, x: f64) {
    *mean = if *mean == 0.0 { x } else { *mean + EWMA_NEW * (x - *mean) };
}
/// Longest wall-clock gap between frames that is simulated, ms (a hidden tab pauses instead
/// of catching up).
pub const FRAME_GAP_MS_MAX: f64 = 100.0;
/// How long an engine notice (a refused command) stays on the page, wall ms.
pub const NOTICE_SHOWN_MS: f64 = 10_000.0;
/// Wall ms over which [`Sim::kept_speed`] measures the speed the engine kept.
pub const PACE_WINDOW_MS: f64 = 1_000.0;
/// Below this share of the speed asked, [`Sim::kept_speed`] says the run is slower than asked.
pub const PACE_SHORT_SHARE: f64 = 0.9;
/// Slowest and fastest speed factors.
pub const SPEED_MIN: f64 = 0.1;
/// See [`SPEED_MIN`].
pub const SPEED_MAX: f64 = 100.0;

/// The slider position (log10 of the speed) for a speed factor.
pub fn speed_to_slider(speed: f64) -> f64 {
    libm::log10(speed.clamp(SPEED_MIN, SPEED_MAX))
}

/// The speed factor for a slider position, rounded to two significant digits.
pub fn speed_from_slider(v: f64) -> f64 {
    let s = libm::pow(10.0, v).clamp(SPEED_MIN, SPEED_MAX);
    let digits = libm::pow(10.0, libm::log10(s).floor() - 1.0);
    (s / digits).round() * digits
}

/// A running simulation: the engine, what is in flight on the stage and the pacing state.
pub struct Sim {
    /// The engine.
    pub cluster: Cluster,
    /// Moving dots.
    pub flights: Flights,
    /// Whether time advances with frames.
    pub playing: bool,
    /// Virtual seconds per wall second.
    pub speed: f64,
    carry_us: f64,
    last_frame_ms: Option<f64>,
    /// Frames in which the step bound cut the requested advance.
    pub frames_behind: u64,
    /// How much virtual time the last frames asked for and got (see [`Sim::kept_speed`]).
    pace: Pace,
    /// Wall ms this frame's steps may take when what the frame asks for costs more than
    /// [`STEP_BUDGET_MS`] (the page sets it from [`FrameBudget`]; at most that). A step is not
    /// started if it would likely end past the budget, but one step runs in a frame whose last
    /// frame ran none.
    pub step_budget_ms: f64,
    /// Running mean of one step's wall ms (0 until measured).
    step_ms_mean: f64,
    /// The last frame that asked for steps ran none.
    stepped_none: bool,
    /// Consumer group whose per-partition lag is charted (index into the cluster's groups).
    pub lag_group: usize,
    /// Log cells coloured by key instead of by producer.
    pub colour_by_key: bool,
    /// The language the stage and the charts are drawn in.
    pub lang: Lang,
    /// Presenter mode: larger type, no replica chips, logs drawn as filled bars.
    pub presenter: bool,
    /// Each member's processing rate over the last virtual second.
    pub rates: MemberRates,
    /// Which run of the UI state this is (see `state::follow`).
    pub run: u64,
    /// Step presses of the UI state already counted.
    pub steps_done: u64,
    /// Virtual us of Step presses not run yet ([`Sim::pay_steps`]): what a press's frame
    /// could not fit, run in the next frames (a production-size cluster's 100 ms is 100 steps
    /// of several ms each, most of a second without a frame if run at once).
    pub owed_us: u64,
    /// Where a lesson's replay still runs to, in order (see `lesson::runner`).
    pub replay: Vec<Goal>,
    /// Which of the state's replays `replay` is (see `state::follow`).
    pub replay_seq: u64,
    /// The open lesson step's pause condition, if it has one.
    pub watch: Option<Watch>,
    /// The stage region the open lesson step frames.
    pub highlight: Option<StageRegion>,
    /// Set when the lesson's condition paused the run (the view tells the state).
    pub lesson_paused: bool,
    /// The run and lesson step whose `follow` started the record followed, if one did.
    pub lesson_follow: Option<(u64, usize)>,
    /// The engine's notice count when last looked at, and the wall ms its latest notice
    /// appeared (a notice is shown for [`NOTICE_SHOWN_MS`]).
    notice_seen: (u64, f64),
    /// The same traffic without a queue, stepped with the cluster while the panel shows it.
    pub direct: Option<DirectRun>,
    /// The wall clock, ms, when the page gives one: a frame's steps stop at
    /// [`STEP_BUDGET_MS`]. None (tests): only [`STEPS_PER_FRAME_MAX`] bounds them.
    pub clock: Option<fn() -> f64>,
    /// The capacity plan running or shown, and the plans asked for when it started.
    pub plan: Option<crate::model::plan::PagePlan>,
    /// See `plan`.
    pub plans: u64,
    /// Checkpoints of the run, how far it went, the last fork (`model::timeline`).
    pub timeline: Timeline,
    /// Where going to a time on the scrubber still replays to, virtual us.
    pub seek_us: Option<u64>,
}

/// What the page expects drawing to take, from running means of the last frames that drew: the
/// stage (drawn on most frames) and the charts (a few times a second). The engine gets the rest
/// of [`FRAME_WORK_TARGET_MS`].
#[derive(Clone, Copy, Debug, Default)]
pub struct FrameBudget {
    stage_ms: f64,
    charts_ms: f64,
}

impl FrameBudget {
    /// The engine's wall ms for a frame that will draw the charts too (`charts`): what the
    /// target leaves, from [`ENGINE_BUDGET_MIN_MS`] to [`STEP_BUDGET_MS`].
    pub fn engine_ms(&self, charts: bool) -> f64 {
        let drawing = self.stage_ms + if charts { self.charts_ms } else { 0.0 };
        (FRAME_WORK_TARGET_MS - drawing).clamp(ENGINE_BUDGET_MIN_MS, STEP_BUDGET_MS)
    }

    /// A frame drew the stage in `stage_ms` (None: it did not draw it) and the charts in
    /// `charts_ms` (None: not drawn).
    pub fn drew(&mut self, stage_ms: Option<f64>, charts_ms: Option<f64>) {
        if let Some(x) = stage_ms {
            ewma(&mut self.stage_ms, x);
        }
        if let Some(x) = charts_ms {
            ewma(&mut self.charts_ms, x);
        }
    }
}

/// Virtual time asked for and run over a window of wall time, for [`Sim::kept_speed`].
#[derive(Clone, Copy, Debug, Default)]
struct Pace {
    wall_ms: f64,
    asked_us: f64,
    run_us: f64,
    /// The last full window's speed, when short of what was asked.
    short: Option<f64>,
}

impl Pace {
    /// A frame `dt_ms` after the last asked for `asked_us` of virtual time and ran `run_us`.
    fn add(&mut self, dt_ms: f64, asked_us: f64, run_us: f64) {
        self.wall_ms += dt_ms;
        self.asked_us += asked_us;
        self.run_us += run_us;
        if self.wall_ms >= PACE_WINDOW_MS {
            let kept = self.run_us / (self.wall_ms * 1000.0);
            self.short = (self.run_us < PACE_SHORT_SHARE * self.asked_us).then_some(kept);
            *self = Pace { short: self.short, ..Pace::default() };
        }
    }
}

/// Most engine steps a lesson's replay runs per animation frame.
pub const REPLAY_STEPS_PER_FRAME: u64 = 2_000;

/// Virtual time over which a member's rate is measured, us.
pub const RATE_WINDOW_US: u64 = 1_000_000;

/// Per-member processing rates, refreshed once per [`RATE_WINDOW_US`] of virtual time.
/// Bounded by the readers and members a scenario may have.
#[derive(Clone, Debug, Default)]
pub struct MemberRates {
    at_us: u64,
    last: Vec<Vec<u64>>,
    /// Records per second, by reader set then member, in `consumer_sets` order.
    pub per_sec: Vec<Vec<f64>>,
}

impl MemberRates {
    /// Measures again if a window has passed since the last measurement.
    pub fn update(&mut self, c: &Cluster) {
        let now = c.now_us();
        if now < self.at_us + RATE_WINDOW_US {
            return;
        }
        let counts: Vec<Vec<u64>> = consumer_sets(c)
            .iter()
            .map(|set| set.members.iter().map(|m| m.processed).collect())
            .collect();
        let dt_s = (now - self.at_us) as f64 / 1e6;
        let before = |si: usize, mi: usize| self.last.get(si).and_then(|r| r.get(mi)).copied();
        self.per_sec = counts
            .iter()
            .enumerate()
            .map(|(si, row)| {
                let rate = |(mi, &n): (usize, &u64)| {
                    n.saturating_sub(before(si, mi).unwrap_or(0)) as f64 / dt_s
                };
                row.iter().enumerate().map(rate).collect()
            })
            .collect();
        self.last = counts;
        self.at_us = now;
    }

    /// A member's rate, records per second, once measured.
    pub fn of(&self, set: usize, member: usize) -> Option<f64> {
        self.per_sec.get(set)?.get(member).copied()
    }
}

/// One reader's figures for the panels: its own, never summed with other readers'.
#[derive(Clone, Debug, PartialEq)]
pub struct GroupStats {
    /// Group id.
    pub name: String,
    /// Consumer group, share group or push subscription.
    pub kind: ReaderKind,
    /// Records it processed (duplicates included).
    pub consumed: u64,
    /// Lag, records: `unread` + `uncommitted`.
    pub lag: u64,
    /// Of the lag, records not yet read (the rest of it: `Reader::uncommitted`).
    pub unread: u64,
    /// Of the lag, records read but not committed.
    pub uncommitted: u64,
    /// Pull readers: fetches answered empty after `fetch.max.wait.ms`.
    pub empty_polls: Option<u64>,
    /// Latency p50 and p99 of the records it processed in the last seconds
    /// (`brook_engine::RECENT_LATENCY_S`), ms; `None` if it processed none then.
    pub recent_ms: Option<(f64, f64)>,
    /// Latency p50 and p99 over the whole run, ms; `None` before its first record.
    pub run_ms: Option<(f64, f64)>,
    /// Members (live or crashed).
    pub members: usize,
    /// Members with no partition.
    pub idle: usize,
    /// Whether a rebalance is under way.
    pub rebalancing: bool,
    /// Consumer groups: records `auto.offset.reset` skipped (produced before the group's first
    /// fetch at `latest`, or past a position retention deleted): in neither `consumed` nor `lag`.
    pub skipped_by_reset: u64,
    /// A consumer group that will start at `latest` and has not fetched yet: its lag counts from
    /// the high watermark, so it is 0 while records are produced.
    pub awaiting_latest: bool,
    /// It as a queue (λ, μ, ρ, Little's law), once the history spans the window.
    pub queue: Option<crate::model::queueing::Queueing>,
}

/// What the scrubber shows.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Scrubber {
    /// Virtual time now, ms.
    pub now_ms: u64,
    /// The furthest virtual time the run reached, ms (the scrubber's end).
    pub furthest_ms: u64,
    /// Where a seek under way goes, ms.
    pub seek_ms: Option<u64>,
    /// Timeline events and actions up to the end.
    pub marks: Vec<Mark>,
    /// The last fork, until the next move on the scrubber.
    pub forked: Option<crate::model::i18n::Text>,
    /// Checkpoints kept.
    pub checkpoints: usize,
    /// Bytes they hold.
    pub checkpoint_bytes: usize,
}

/// The snapshot the Yew components render, refreshed a few times a second.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Stats {
    /// Virtual time, ms.
    pub virtual_ms: u64,
    /// Records the producers were told were written (acknowledged).
    pub acked: u64,
    /// Topics in the cluster (the acknowledged count is over all of them).
    pub topics: usize,
    /// Brokers with produce requests waiting to be read now (their request queue full, or their
    /// network in spent): the cluster, not the readers, holds records back there.
    pub saturated_brokers: Vec<usize>,
    /// Records appended to logs.
    pub appended: u64,
    /// Per reader.
    pub groups: Vec<GroupStats>,
    /// Records processed again, so far, all readers (the stage marks each new batch of them).
    pub duplicates: u64,
    /// Records lost.
    pub lost: u64,
    /// Sends failed.
    pub failed: u64,
    /// The latest notice (a command the engine refused), if any.
    pub notice: Option<String>,
    /// The engine's trace hash (equal runs have equal hashes), for tests that compare runs.
    pub trace_hash: u64,
    /// [`Sim::kept_speed`]: the speed kept, when short of the speed asked.
    pub kept_speed: Option<f64>,
}

impl Sim {
    /// A paused simulation of `scenario`.
    pub fn new(scenario: Scenario) -> Sim {
        Sim {
            cluster: Cluster::new(scenario),
            flights: Flights::default(),
            playing: false,
            speed: 1.0,
            carry_us: 0.0,
            last_frame_ms: None,
            frames_behind: 0,
            pace: Pace::default(),
            step_budget_ms: STEP_BUDGET_MS,
            step_ms_mean: 0.0,
            stepped_none: false,
            lag_group: 0,
            colour_by_key: false,
            lang: Lang::En,
            presenter: false,
            rates: MemberRates::default(),
            run: 0,
            steps_done: 0,
            owed_us: 0,
            replay: Vec::new(),
            replay_seq: 0,
            watch: None,
            lesson_follow: None,
            highlight: None,
            lesson_paused: false,
            notice_seen: (0, 0.0),
            direct: None,
            clock: None,
            plan: None,
            plans: 0,
            timeline: Timeline::default(),
            seek_us: None,
        }
    }

    /// After each engine step: the furthest time reached, and a checkpoint when one is due (a
    /// copy of the engine, measured: `model::heap`; its cost is one copy every few virtual
    /// seconds, see `timeline::CHECKPOINT_EVERY_US`).
    fn stepped(&mut self) {
        let now = self.cluster.now_us();
        self.timeline.reached(now);
        if self.timeline.due(now) {
            let (copy, bytes) = crate::model::heap::measured(|| self.cluster.clone());
            self.timeline.keep(copy, bytes);
        }
    }

    /// Goes to virtual time `t_ms` (at most the furthest reached): back, it restores the
    /// nearest checkpoint at or before it (with the run's later commands, so the same run
    /// replays); then the frames replay to the exact time in chunks of
    /// [`REPLAY_STEPS_PER_FRAME`] steps ([`Sim::seeking`]). A lesson's replay under way stops.
    pub fn seek_ms(&mut self, t_ms: u64) {
        let t_us = (t_ms * 1000).min(self.timeline.furthest_us());
        let now = self.cluster.now_us();
        self.timeline.forked = None;
        self.replay.clear();
        // A checkpoint between now and the target is nearer than stepping on from now.
        let nearer = self.timeline.times_us().any(|k| k > now && k <= t_us);
        if t_us < now || nearer {
            self.cluster = self.timeline.restore(&self.cluster, t_us);
            self.flights = Flights::default();
            self.rates = MemberRates::default();
            if self.direct.is_some() {
                // Rebuilt from the restored run (its export holds the later commands too).
                self.direct = None;
                self.set_without_queue(true);
            }
        }
        self.seek_us = (self.cluster.now_us() < t_us).then_some(t_us);
        self.owed_us = 0; // a Step press's rest is not run from the new time
    }

    /// Whether going to a time on the scrubber is still replaying.
    pub fn seeking(&self) -> bool {
        self.seek_us.is_some()
    }

    /// Runs a seek on by at most `max_steps` engine steps, without moving dots; returns the
    /// steps run.
    pub fn seek_chunk(&mut self, max_steps: u64) -> u64 {
        let Some(goal) = self.seek_us else { return 0 };
        let mut n = 0;
        while self.cluster.now_us() < goal && n < max_steps {
            self.cluster.step();
            // Every step, as `advance` does (the stage's member rates as in the first pass).
            self.rates.update(&self.cluster);
            self.stepped();
            n += 1;
        }
        if self.cluster.now_us() >= goal {
            self.seek_us = None;
        }
        if let Some(d) = &mut self.direct {
            d.run_until(self.cluster.now_us());
        }
        self.rates.update(&self.cluster);
        n
    }

    /// The scrubber's figures: now, the furthest time reached, the marks, ms.
    pub fn scrubber(&self) -> Scrubber {
        let furthest_ms = self.timeline.furthest_us() / 1000;
        Scrubber {
            now_ms: self.cluster.now_us() / 1000,
            furthest_ms,
            seek_ms: self.seek_us.map(|t| t / 1000),
            marks: marks(&self.cluster, furthest_ms),
            forked: self.timeline.forked.clone(),
            checkpoints: self.timeline.len(),
            checkpoint_bytes: self.timeline.bytes(),
        }
    }

    /// Shows or hides the run without a queue. Turned on mid-run, it is built from the run so
    /// far (`Cluster::export`: its starting scenario and every command applied, the seed) and
    /// caught up to the run's virtual time, so it is the one it would be if shown from the
    /// start.
    pub fn set_without_queue(&mut self, on: bool) {
        if on && self.direct.is_none() {
            let seed = self.cluster.scenario().seed;
            let mut d = DirectRun::new(&self.cluster.export(), seed);
            d.run_until(self.cluster.now_us());
            self.direct = Some(d);
        } else if !on {
            self.direct = None;
        }
    }

    /// Queues a command for the engine (and the run without a queue, which takes the traffic
    /// ones), for the next step.
    /// Acting after going back forks the run (`Timeline::fork`): the later commands are
    /// dropped, and the run without a queue is rebuilt without them. A seek under way stops
    /// where it is.
    pub fn command(&mut self, c: Command) -> Result<(), String> {
        self.seek_us = None;
        if self.timeline.fork(&mut self.cluster).is_some() && self.direct.is_some() {
            self.direct = None;
            self.set_without_queue(true);
        }
        self.cluster.command(c.clone())?;
        if let Some(d) = &mut self.direct {
            d.command(&c);
        }
        Ok(())
    }

    /// Whether a lesson's replay is still running (the stage shows the run as it gets there).
    pub fn replaying(&self) -> bool {
        !self.replay.is_empty()
    }

    /// Runs a lesson's replay on by at most `max_steps` engine steps, without moving dots;
    /// returns the steps run.
    pub fn replay_chunk(&mut self, max_steps: u64) -> u64 {
        let mut n = 0;
        while let Some(goal) = self.replay.first() {
            if goal.reached(&self.cluster) {
                self.replay.remove(0);
                continue;
            }
            if n == max_steps {
                break;
            }
            self.cluster.step();
            // Every step, as `advance` does: the members' rates drawn on the stage are then
            // measured over the same windows as in the run replayed (a shared link's).
            self.rates.update(&self.cluster);
            self.stepped();
            n += 1;
        }
        if let Some(d) = &mut self.direct {
            d.run_until(self.cluster.now_us());
        }
        self.rates.update(&self.cluster);
        n
    }

    /// The page slept through a still stretch (a frame every `STILL_FRAME_MS`): the next frame
    /// at `now_ms` paces from there, so pressing Play does not run the gap.
    pub fn resume_pacing(&mut self, now_ms: f64) {
        self.last_frame_ms = Some(now_ms);
    }

    /// Called once per animation frame with the frame's timestamp (ms): advances virtual time by
    /// the elapsed wall time times the speed, then retires finished flights.
    pub fn frame(&mut self, now_ms: f64) -> u64 {
        let dt_ms = self.last_frame_ms.map_or(0.0, |l| (now_ms - l).clamp(0.0, FRAME_GAP_MS_MAX));
        self.last_frame_ms = Some(now_ms);
        if self.seeking() {
            let steps = self.seek_chunk(REPLAY_STEPS_PER_FRAME);
            self.flights.expire(now_ms);
            return steps;
        }
        if self.replaying() {
            let steps = self.replay_chunk(REPLAY_STEPS_PER_FRAME);
            self.flights.expire(now_ms);
            return steps;
        }
        if self.owed_us > 0 {
            // A Step press's rest, in the frame's budget; play goes on after it.
            let steps = self.pay_steps(now_ms, STEP_BUDGET_MS);
            self.flights.expire(now_ms);
            return steps;
        }
        let (us, clock) = (dt_ms * 1000.0 * self.speed, self.clock);
        let steps = if self.playing { self.advance_within(us, now_ms, clock) } else { 0 };
        if self.playing {
            self.pace.add(dt_ms, us, (steps * TICK_US) as f64);
        } else {
            self.pace = Pace::default();
        }
        if let Some(w) = &mut self.watch {
            if w.check(&self.cluster) && self.playing {
                self.playing = false;
                self.lesson_paused = true;
            }
        }
        self.flights.expire(now_ms);
        steps
    }

    /// The speed the run kept over the last [`PACE_WINDOW_MS`] of wall time while playing,
    /// virtual seconds per wall second, when that was below [`PACE_SHORT_SHARE`] of the speed
    /// asked: a cluster whose steps cost more than a frame's budget runs slower than the
    /// speed control says, and the page says so beside it. None while it keeps up, paused,
    /// or before a window has passed.
    pub fn kept_speed(&self) -> Option<f64> {
        self.pace.short
    }

    /// Runs owed Step presses ([`Sim::owed_us`]) a tick at a time, until none is owed or, when
    /// the page gives [`Sim::clock`], `budget_ms` of wall time is spent (at least one tick);
    /// returns steps run. Without a clock (tests, native) all at once.
    pub fn pay_steps(&mut self, now_ms: f64, budget_ms: f64) -> u64 {
        let started = self.clock.map(|c| c());
        let mut run = 0;
        while self.owed_us >= TICK_US {
            if let (Some(clock), Some(t0)) = (self.clock, started) {
                if run > 0 && clock() - t0 >= budget_ms {
                    break;
                }
            }
            self.owed_us -= TICK_US;
            run += self.advance(TICK_US as f64, now_ms);
        }
        run
    }

    /// Advances virtual time by `us` (carrying fractions of a tick), at most
    /// [`STEPS_PER_FRAME_MAX`] steps; returns steps run. A Step press: never cut short by the
    /// wall clock.
    pub fn advance(&mut self, us: f64, now_ms: f64) -> u64 {
        self.advance_within(us, now_ms, None)
    }

    /// [`Sim::advance`], stopping when `clock` says the frame's [`STEP_BUDGET_MS`] is spent.
    fn advance_within(&mut self, us: f64, now_ms: f64, clock: Option<fn() -> f64>) -> u64 {
        self.carry_us += us;
        let wanted = (self.carry_us / TICK_US as f64).floor() as u64;
        let steps = wanted.min(STEPS_PER_FRAME_MAX);
        if wanted > steps {
            self.frames_behind += 1;
            self.carry_us = 0.0;
        } else {
            self.carry_us -= (steps * TICK_US) as f64;
        }
        // Replica chips are drawn only when every partition has its own strip.
        let chips = !dense(&self.cluster);
        let started = clock.map(|c| c());
        // A run whose steps for a 60 Hz frame at this speed fit in STEP_BUDGET_MS keeps its
        // speed, steps stopping once that is spent; one that cannot keep up anyway keeps its
        // frames short instead: a step starts only if it likely ends within the frame's own
        // budget.
        let frame_steps = self.speed * FRAME_MS * 1000.0 / TICK_US as f64;
        let keeps_up = frame_steps * self.step_ms_mean <= STEP_BUDGET_MS;
        let budget_ms = engine_budget_ms(self.step_budget_ms.min(STEP_BUDGET_MS), self.speed);
        // One step runs unless the last frame ran one and this one has no room for it.
        let first_free = self.stepped_none || self.step_ms_mean <= budget_ms;
        let mut run = 0;
        for i in 0..steps {
            if let (Some(clock), Some(t0)) = (clock, started) {
                let out = if keeps_up {
                    i > 0 && clock() - t0 > STEP_BUDGET_MS
                } else {
                    !(i == 0 && first_free) && clock() - t0 + self.step_ms_mean > budget_ms
                };
                if out {
                    // The next step would likely end past the frame's budget: what is left is
                    // dropped, not owed.
                    self.frames_behind += 1;
                    self.carry_us = 0.0;
                    break;
                }
            }
            self.cluster.step();
            self.stepped();
            if let Some(d) = &mut self.direct {
                d.step();
            }
            self.flights.ingest(self.cluster.events(), &self.cluster, chips, now_ms);
            self.rates.update(&self.cluster);
            run += 1;
        }
        if let (Some(clock), Some(t0), true) = (clock, started, run > 0) {
            ewma(&mut self.step_ms_mean, (clock() - t0) / run as f64);
        }
        if steps > 0 {
            self.stepped_none = run == 0;
        }
        if self.cluster.notice_count() != self.notice_seen.0 {
            self.notice_seen = (self.cluster.notice_count(), now_ms);
        }
        run
    }

    /// Runs until virtual time `until_ms` regardless of play state (URL `until_s`, tests).
    pub fn run_until_ms(&mut self, until_ms: u64) {
        while self.cluster.now_us() + TICK_US <= until_ms * 1000 {
            self.cluster.step();
            self.stepped();
        }
        if let Some(d) = &mut self.direct {
            d.run_until(until_ms * 1000);
        }
    }

    /// The engine's latest notice (a refused command), while it is recent: a refusal is an
    /// answer to a click, not a state, so it goes after [`NOTICE_SHOWN_MS`] of wall time
    /// (paused or not), and with the engine at a restart.
    pub fn notice_shown(&self) -> Option<&str> {
        let now = self.last_frame_ms.unwrap_or(self.notice_seen.1);
        let recent = now - self.notice_seen.1 < NOTICE_SHOWN_MS;
        self.cluster.notices().last().filter(|_| recent).map(String::as_str)
    }

    /// The snapshot for the panels.
    pub fn stats(&self) -> Stats {
        let c = &self.cluster;
        let s = c.summary();
        let ms = |us: u64| us as f64 / 1000.0;
        let groups: Vec<GroupStats> = consumer_sets(c)
            .into_iter()
            .zip(c.readers())
            .zip(crate::model::queueing::queueing(c))
            .map(|((g, r), queue)| {
                let (unread, uncommitted) = c.reader_lag_split(r);
                let (skipped_by_reset, awaiting_latest) = match r {
                    Reader::Group(grp) => (
                        grp.stats.reset_skipped_records,
                        grp.spec.auto_offset_reset == OffsetReset::Latest && !grp.started(),
                    ),
                    _ => (0, false),
                };
                let lat = r.latency();
                let recent = |q| ms(lat.recent_quantile_us(q));
                let run = |q| ms(lat.whole().quantile_us(q));
                GroupStats {
                    kind: g.kind,
                    consumed: r.consumed_records(),
                    lag: g.lag,
                    unread,
                    uncommitted,
                    empty_polls: r.empty_polls(),
                    recent_ms: (lat.recent_count() > 0).then(|| (recent(0.5), recent(0.99))),
                    run_ms: (lat.whole().count() > 0).then(|| (run(0.5), run(0.99))),
                    members: g.members.len(),
                    idle: g.members.iter().filter(|m| m.is_idle()).count(),
                    rebalancing: g.note == Some(Note::Rebalancing),
                    skipped_by_reset,
                    awaiting_latest,
                    name: g.name,
                    queue,
                }
            })
            .collect();
        Stats {
            virtual_ms: c.now_us() / 1000,
            acked: s.acked_records,
            topics: c.topics().len(),
            saturated_brokers: crate::model::capacity::saturated_brokers(c),
            appended: s.appended_records,
            groups,
            duplicates: s.duplicate_records,
            lost: s.lost_records,
            failed: s.dropped_records,
            notice: self.notice_shown().map(str::to_string),
            trace_hash: c.trace_hash(),
            kept_speed: self.kept_speed(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use brook_engine::preset;

    #[test]
    fn an_engine_notice_goes_after_a_while_and_with_a_restart() {
        // Issue 10: a refused command's notice stayed on the page for the rest of the run.
        let mut sim = Sim::new(brook_engine::preset("quickstart").unwrap());
        sim.frame(0.0);
        sim.cluster.command(brook_engine::Command::RemoveReader { name: "nope".into() }).unwrap();
        sim.advance(100_000.0, 0.0);
        assert!(sim.stats().notice.unwrap().contains("nope"), "shown when it is made");
        // Paused (no step runs): the wall clock still takes it away.
        for t in 1..=(NOTICE_SHOWN_MS / 100.0) as u32 - 1 {
            sim.frame(t as f64 * 100.0);
        }
        assert!(sim.stats().notice.is_some(), "still there just before its time");
        sim.frame(NOTICE_SHOWN_MS + 100.0);
        assert_eq!(sim.stats().notice, None, "gone after {NOTICE_SHOWN_MS} ms");
        // The same refusal again is a new notice, shown again.
        sim.cluster.command(brook_engine::Command::RemoveReader { name: "nope".into() }).unwrap();
        sim.advance(100_000.0, NOTICE_SHOWN_MS + 200.0);
        assert!(sim.stats().notice.is_some(), "a repeat is shown");
        let fresh = Sim::new(brook_engine::preset("quickstart").unwrap());
        assert_eq!(fresh.stats().notice, None, "a restart clears it");
    }

    #[test]
    fn paused_sim_does_not_advance() {
        let mut sim = Sim::new(preset("quickstart").unwrap());
        sim.frame(0.0);
        sim.frame(16.0);
        assert_eq!(sim.cluster.now_us(), 0);
    }

    #[test]
    fn playing_sim_follows_wall_time_times_speed() {
        let mut sim = Sim::new(preset("quickstart").unwrap());
        sim.playing = true;
        sim.speed = 2.0;
        let mut t = 0.0;
        for _ in 0..61 {
            sim.frame(t);
            t += 16.5;
        }
        // 60 frames of 16.5 ms at 2x = 1980 ms virtual.
        assert_eq!(sim.cluster.now_us(), 1_980_000);
        let st = sim.stats();
        assert!(st.acked > 0 && st.groups[0].consumed > 0, "{st:?}");
    }

    #[test]
    fn lost_is_the_sum_of_its_causes_on_the_counter_and_in_the_faults_chart() {
        // broker-failure-acks: acks=1 records the followers lacked are truncated by the new
        // leader (leader-failover); the page counts them as the summary does.
        let mut sim = Sim::new(preset("broker-failure-acks").unwrap());
        sim.run_until_ms(30_000);
        let s = sim.cluster.summary();
        let causes: u64 = s.lost_records_by_cause.values().sum();
        assert!(s.lost_records_by_cause["leader-failover"] > 0, "{s:?}");
        assert_eq!(sim.stats().lost, causes);
        let lang = crate::model::i18n::Lang::En;
        let faults = crate::model::charts::charts(&sim.cluster, 0, lang)
            .into_iter()
            .find(|c| c.title == lang.t(crate::model::i18n::Msg::ChartFaults))
            .unwrap();
        let lost = faults
            .series
            .iter()
            .find(|x| x.label == lang.t(crate::model::i18n::Msg::SeriesLost))
            .unwrap();
        assert_eq!(lost.values.last().copied(), Some(causes as f64));
    }

    #[test]
    fn every_figure_is_one_readers_own_and_the_lag_parts_add_up() {
        // p2p-vs-pubsub: several readers each read every record: none may have processed more
        // than the producers got acknowledged (no crash here, so no record is processed twice).
        let mut sim = Sim::new(preset("p2p-vs-pubsub").unwrap());
        sim.run_until_ms(15_000);
        let st = sim.stats();
        assert!(st.groups.len() >= 2);
        for g in &st.groups {
            assert!(g.consumed <= st.acked, "{}: {} > {}", g.name, g.consumed, st.acked);
            assert_eq!(g.unread + g.uncommitted, g.lag, "{}", g.name);
            let (p50, p99) = g.recent_ms.expect("processed lately");
            assert!(p50 <= p99);
            assert!(g.run_ms.is_some());
            assert_eq!(g.empty_polls.is_some(), g.kind == ReaderKind::Group);
        }
    }

    /// A playing quickstart run whose clock moves `$ms` wall ms at each look (a clock of its
    /// own in each test).
    macro_rules! clocked_sim {
        ($ms:expr) => {{
            use std::sync::atomic::{AtomicU64, Ordering};
            static T: AtomicU64 = AtomicU64::new(0);
            fn clock() -> f64 {
                T.fetch_add(($ms * 10.0) as u64, Ordering::Relaxed) as f64 / 10.0
            }
            let mut sim = Sim::new(brook_engine::preset("quickstart").unwrap());
            sim.clock = Some(clock);
            sim.playing = true;
            sim
        }};
    }

    #[test]
    fn a_step_press_too_slow_for_a_frame_runs_over_the_next_frames() {
        // Each look at the clock is 2 ms on: a step "costs" 2 ms, so the frame's 6 ms budget
        // holds 3 of a press's 100 steps and the rest run frame by frame, 100 in all.
        let mut sim = clocked_sim!(2.0);
        sim.playing = false;
        sim.owed_us = 100_000;
        assert_eq!(sim.pay_steps(0.0, STEP_BUDGET_MS), 3);
        assert_eq!((sim.cluster.now_us(), sim.owed_us), (3_000, 97_000));
        assert!(crate::model::redraw::moving(&sim), "frames go on while steps are owed");
        let mut frames = 0;
        while sim.owed_us > 0 && frames < 100 {
            frames += 1;
            assert!(sim.frame(16.0 * frames as f64) <= 3);
        }
        assert_eq!(sim.cluster.now_us(), 100_000, "the press's 100 ms, no more, no less");
        assert_eq!(frames, 33);
        assert!(!crate::model::redraw::moving(&sim) || !sim.flights.is_empty());
        // Paused with nothing owed, a frame runs nothing.
        assert_eq!(sim.frame(2_000.0), 0);
        // Without a clock (native, tests) a press runs at once.
        let mut plain = Sim::new(preset("quickstart").unwrap());
        plain.owed_us = 100_000;
        assert_eq!(plain.pay_steps(0.0, STEP_BUDGET_MS), 100);
        assert_eq!(plain.cluster.now_us(), 100_000);
    }

    #[test]
    fn step_bound_per_frame_holds() {
        let mut sim = Sim::new(preset("quickstart").unwrap());
        sim.playing = true;
        sim.speed = SPEED_MAX;
        sim.frame(0.0);
        let steps = sim.frame(100.0); // 100 ms at 100x = 10 s virtual wanted
        assert_eq!(steps, STEPS_PER_FRAME_MAX);
        assert_eq!(sim.frames_behind, 1);
    }

    #[test]
    fn a_run_slower_than_asked_says_the_speed_it_kept() {
        // Each look at the clock is 4 ms on: a frame's 6 ms budget fits one or two steps of the
        // 50 that frames 50 ms apart ask for at 1x.
        let mut sim = clocked_sim!(4.0);
        let mut t = 0.0;
        sim.frame(t);
        while t < PACE_WINDOW_MS - 50.0 {
            t += 50.0;
            sim.frame(t);
            assert_eq!(sim.kept_speed(), None, "no full window yet at {t} ms");
        }
        t += 50.0;
        sim.frame(t);
        let kept = sim.kept_speed().expect("a window has passed, short of 1x");
        // The window is the first wall second of the run: its virtual time over it.
        let run_s = sim.cluster.now_us() as f64 / 1e6;
        assert!((kept - run_s).abs() < 1e-9 && kept < PACE_SHORT_SHARE, "{kept} against {run_s}");
        assert_eq!(sim.stats().kept_speed, Some(kept));
        // Paused, it says nothing; a run that keeps up (no clock: only the step bound) neither.
        sim.playing = false;
        sim.frame(t + 50.0);
        assert_eq!(sim.kept_speed(), None);
        sim.clock = None;
        sim.playing = true;
        for _ in 0..=PACE_WINDOW_MS as usize / 50 {
            t += 50.0;
            sim.frame(t);
        }
        assert_eq!(sim.kept_speed(), None, "every step asked ran");
    }

    #[test]
    fn the_engine_gets_what_drawing_leaves_of_a_frame() {
        let mut b = FrameBudget::default();
        assert_eq!(b.engine_ms(true), STEP_BUDGET_MS, "nothing measured: the most");
        b.drew(Some(1.0), None);
        assert_eq!(b.engine_ms(false), STEP_BUDGET_MS, "7 - 1 is the most");
        b.drew(Some(6.0), Some(3.0));
        // Running means: the stage 1 + 0.2 x (6 - 1) = 2; the charts 3 (first measured).
        assert!((b.engine_ms(false) - 5.0).abs() < 1e-9, "{}", b.engine_ms(false));
        assert!((b.engine_ms(true) - 2.0).abs() < 1e-9, "{}", b.engine_ms(true));
        b.drew(Some(40.0), None);
        assert_eq!(b.engine_ms(true), ENGINE_BUDGET_MIN_MS, "drawing alone is past the target");
    }

    #[test]
    fn a_run_that_cannot_keep_up_keeps_to_the_frames_budget() {
        // Each look at the clock is 3 ms on, and a step's cost is measured from those looks.
        let mut sim = clocked_sim!(3.0);
        sim.frame(0.0);
        sim.step_budget_ms = 4.0;
        // No step's cost known yet: the whole 6 ms. A step, then one at 3 ms (3 + 0 is within
        // 6) and one at 6 ms; not at 9. Measured: 12 ms over 3 steps, 4 ms a step.
        assert_eq!(sim.frame(50.0), 3);
        // 50 steps asked at 4 ms is past 6 ms: the frame's 4 ms budget. One step (it fits),
        // then 3 ms in, 3 + 4 is past 4. Measured 6 ms: the mean is 4 + 0.2 x 2 = 4.4.
        assert_eq!(sim.frame(100.0), 1);
        // 4.4 ms is past the budget and the last frame stepped: none now...
        assert_eq!(sim.frame(150.0), 0);
        // ...but the frame after one that ran none runs one, whatever the budget.
        sim.step_budget_ms = 0.0;
        assert_eq!(sim.frame(200.0), 1);
        assert_eq!(sim.frame(250.0), 0);
        assert_eq!(sim.frame(251.0), 1, "after a frame that ran none");
        // A Step press is never cut short.
        assert_eq!(sim.advance(100_000.0, 260.0), 100);
    }

    #[test]
    fn a_faster_speed_gives_a_run_that_cannot_keep_up_more_of_each_frame() {
        assert_eq!(engine_budget_ms(4.0, 0.5), 4.0, "slower than 1x: the frame's budget");
        assert_eq!(engine_budget_ms(4.0, 1.0), 4.0);
        assert_eq!(engine_budget_ms(4.0, 2.0), 8.0, "twice the speed, twice the time");
        assert_eq!(engine_budget_ms(4.0, 100.0), FAST_FORWARD_ENGINE_MS_MAX);
        // Each look at the clock is 3 ms on. At 1x such a run gets one step a frame (the test
        // above); at 10x the frame may spend 40 ms, held at 25: steps start while the time
        // spent plus a step's mean fits.
        let mut sim = clocked_sim!(3.0);
        sim.frame(0.0);
        sim.step_budget_ms = 4.0;
        assert_eq!(sim.frame(50.0), 3, "a step's cost measured: 4 ms");
        sim.speed = 10.0;
        // One step, then at 3, 6, .. 21 ms in (21 + 4 is within 25), not at 24.
        assert_eq!(sim.frame(100.0), 8);
        // 27 ms over 8 steps: the mean is 4 + 0.2 x (3.375 - 4) = 3.875. At 2x, 8 ms: a step,
        // then one at 3 ms (6.875), not at 6.
        sim.speed = 2.0;
        assert_eq!(sim.frame(150.0), 2);
    }

    #[test]
    fn a_run_that_keeps_up_steps_until_the_whole_budget_is_spent() {
        // Each look at the clock is 0.1 ms on: a step costs about 0.1 ms, a 60 Hz frame's 17
        // steps at 1x about 2 ms, within 6 ms. Such a run keeps its speed whatever the frame's
        // own budget: a frame 50 ms after the last runs its 50 steps (5 ms).
        let mut sim = clocked_sim!(0.1);
        sim.step_budget_ms = 0.0;
        sim.frame(0.0);
        assert_eq!(sim.frame(16.0), 16);
        assert_eq!(sim.frame(66.0), 50);
        // 100 steps (10 ms) are past 6 ms: it stops there, and says it ran slower.
        let behind = sim.frames_behind;
        let n = sim.frame(166.0);
        assert!((55..=62).contains(&n), "{n} steps");
        assert_eq!(sim.frames_behind, behind + 1);
    }

    #[test]
    fn a_frame_stops_stepping_at_its_wall_time_budget() {
        // A clock 4 ms further on at each look: the first step always runs, the second
        // starts 4 ms in (within the 6 ms budget), the third would start at 8 ms.
        let mut sim = clocked_sim!(4.0);
        let behind = sim.frames_behind;
        assert_eq!(sim.frame(0.0), 0, "the first frame has no elapsed time");
        assert_eq!(sim.frame(50.0), 2, "50 ms asked, two steps fit the budget");
        assert_eq!(sim.cluster.now_us(), 2 * brook_engine::TICK_US);
        assert_eq!(sim.frames_behind, behind + 1, "it says it ran slower than asked");
        assert_eq!(sim.frame(50.0), 0, "what was cut is not owed to the next frame");
        // A Step press runs its 100 ms whatever the clock says.
        assert_eq!(sim.advance(100_000.0, 60.0), 100);
    }

    #[test]
    fn member_rates_add_up_to_what_the_group_processed_in_the_last_second() {
        let processed_at = |us: u64| {
            let mut c = Cluster::new(preset("quickstart").unwrap());
            c.run_until(us);
            consumer_sets(&c)[0].members.iter().map(|m| m.processed).sum::<u64>()
        };
        let mut sim = Sim::new(preset("quickstart").unwrap());
        while sim.cluster.now_us() < 3_000_000 {
            sim.advance(100_000.0, 0.0);
        }
        let billing = &sim.rates.per_sec[0];
        assert_eq!(billing.len(), 2, "one rate per member");
        let total: f64 = billing.iter().sum();
        let expected = processed_at(3_000_000) - processed_at(2_000_000);
        assert_eq!(total, expected as f64, "the last virtual second's records");
        assert!(billing.iter().all(|&r| r > 0.0), "{billing:?}");
        assert_eq!(sim.rates.of(0, 1), Some(billing[1]));
        assert_eq!(sim.rates.of(5, 0), None);
    }

    #[test]
    fn the_speed_slider_is_logarithmic_and_rounds_to_two_digits() {
        assert_eq!(speed_to_slider(1.0), 0.0);
        assert_eq!(speed_to_slider(1e9), SPEED_MAX.log10(), "clamped");
        assert_eq!(speed_from_slider(0.0), 1.0);
        assert_eq!(speed_from_slider(0.5), 3.2);
        assert_eq!(speed_from_slider(speed_to_slider(SPEED_MIN)), SPEED_MIN);
    }

    #[test]
    fn long_gap_is_not_caught_up() {
        let mut sim = Sim::new(preset("quickstart").unwrap());
        sim.playing = true;
        sim.frame(0.0);
        sim.frame(60_000.0);
        assert_eq!(sim.cluster.now_us(), (FRAME_GAP_MS_MAX * 1000.0) as u64);
    }
}
