//! The app's UI state and the one [`Action`] enum that changes it, reduced by the pure
//! [`reduce`] (as in yew's `examples/function_todomvc`). The engine is not in here: it lives
//! in the view, outside Yew state, and [`follow`] brings it in line with the state (a new run,
//! play, speed, steps) before the view reads it. Engine changes are `brook_engine::Command`s,
//! which the view queues with `Cluster::command` as it dispatches [`Action::Command`].

use std::rc::Rc;

use brook_engine::{preset, Command, Scenario};

use crate::model::charts::ChartKind;
use crate::model::lesson::{
    go_to, nearest_scene, replay_goals, Goal, Highlight, Lesson, LessonRun, Move,
};

use crate::model::i18n::Msg;
use crate::model::i18n::{preset_description, Lang, LangParam, Text};
use crate::model::inspect::{find_thing, inspect, thing_of, Form, Thing, View};
use crate::model::layout::Selection;
use crate::model::params::{parse_seed, Params};
use crate::model::scenario_io::parse_import;
use crate::model::share::{Made, Shared};
use crate::model::sim::{Sim, SPEED_MAX, SPEED_MIN};

/// Virtual time one press of Step advances, us.
pub const STEP_US: f64 = 100_000.0;
/// Most Step presses [`follow`] catches up on at once (presses between two renders).
pub const STEPS_PENDING_MAX: u64 = 100;

/// Where the running scenario came from.
#[derive(Clone, Debug, PartialEq)]
pub enum Source {
    /// A built-in preset, by name.
    Preset(String),
    /// An imported file.
    Imported(Box<Scenario>),
    /// A run opened from a share link or the autosave: its export (the starting scenario with
    /// the commands applied as its timeline), and the preset it started from, if one.
    Shared {
        /// The preset the run started from (its title and description are the page's own).
        preset: Option<String>,
        /// The exported run.
        scenario: Box<Scenario>,
    },
}

impl Source {
    /// The scenario to start (an unknown preset name gives the quickstart).
    pub fn scenario(&self) -> Scenario {
        match self {
            Source::Preset(name) => {
                preset(name).unwrap_or_else(|| preset("quickstart").expect("built in"))
            }
            Source::Imported(s) | Source::Shared { scenario: s, .. } => (**s).clone(),
        }
    }
}

/// What the inspector shows: the thing clicked, by name (a slot of the engine's lists holds
/// another thing after a restart or a removal), and its form as of the click (so the live
/// refresh never overwrites what is being typed).
#[derive(Clone, Debug, PartialEq)]
pub struct Inspected {
    /// What is inspected.
    pub thing: Thing,
    /// Its form as of the click; None after a restart (the live one is shown, from a fresh
    /// panel).
    pub form: Option<Form>,
}

/// What a click on `sel` opens in the inspector, if it names something in `c`.
pub fn select(c: &brook_engine::Cluster, sel: Selection, lang: Lang) -> Option<Inspected> {
    // The form keeps the values of the moment of the click, so typing is not overwritten by
    // the live refresh.
    let form = inspect(c, sel, lang)?.form;
    Some(Inspected { thing: thing_of(c, sel)?, form })
}

/// Everything the page shows that is not the engine's own state.
#[derive(Clone, Debug, PartialEq)]
pub struct State {
    /// Where the run came from.
    pub source: Source,
    /// The seed of the run.
    pub seed: u64,
    /// Which run this is: bumped by every (re)start, so [`follow`] builds a fresh engine.
    pub run: u64,
    /// The seed field as typed.
    pub seed_text: String,
    /// Why the typed seed is refused, if it is.
    pub seed_error: Option<Text>,
    /// Why the last import was refused, if it was.
    pub import_error: Option<Text>,
    /// The page's language.
    pub lang: Lang,
    /// Whether virtual time follows the wall clock.
    pub playing: bool,
    /// Virtual seconds per wall second, within [`SPEED_MIN`]..=[`SPEED_MAX`].
    pub speed: f64,
    /// Step presses in this run (each advances [`STEP_US`] while paused).
    pub steps: u64,
    /// Log cells coloured by key instead of by producer.
    pub colour_by_key: bool,
    /// Consumer group whose per-partition lag is charted (index into the cluster's groups).
    pub lag_group: usize,
    /// What the inspector shows, if open.
    pub selected: Option<Inspected>,
    /// The report of a finished benchmark run.
    pub bench_report: Option<String>,
    /// Refreshes asked for (the panels read the engine again on each).
    pub refreshes: u64,
    /// The "Without a queue" panel is shown (the run's traffic as direct calls beside it).
    pub show_without_queue: bool,
    /// Capacity plans asked for (each click starts one on the run's scenario; 0: none).
    pub plans: u64,
    /// The chart drawn large beside the stage.
    pub focus_chart: ChartKind,
    /// The user chose `focus_chart` (a click on a chart's title): another preset keeps it
    /// instead of bringing its own ([`ChartKind::telling`]).
    pub chart_chosen: bool,
    /// The open lesson, if one is.
    pub lesson: Option<LessonRun>,
    /// Why a lesson could not be opened, if it could not.
    pub lesson_error: Option<Text>,
    /// Where the engine replays to before it plays (a lesson step's moment): a fresh engine
    /// takes it, and so does the running one each time `replay_seq` changes.
    pub replay: Vec<Goal>,
    /// Bumped when the running engine is to fast-forward to `replay` (see [`follow`]).
    pub replay_seq: u64,
    /// Presenter mode: large type, a simpler stage (no replica chips, logs as filled bars),
    /// full screen.
    pub presenter: bool,
    /// Why a share link or the autosave could not be opened, until the user starts another run.
    pub share_error: Option<Text>,
    /// What the last press of "Copy link" made (a link, or why not).
    pub share_made: Option<Made>,
}

/// Every change the UI can make.
#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    /// Play or pause.
    TogglePlay,
    /// Advance [`STEP_US`] of virtual time (only while paused).
    Step,
    /// A new speed factor (clamped to the allowed range).
    SetSpeed(f64),
    /// Twice as fast.
    Faster,
    /// Half as fast.
    Slower,
    /// Restart the run with the typed seed.
    Reset,
    /// The seed field changed.
    EditSeed(String),
    /// Start a preset, by name, with the typed seed.
    ChoosePreset(String),
    /// A scenario file was read: start it, or say why not and keep the run.
    Import {
        /// The file's name (for messages).
        file_name: String,
        /// Its text.
        text: String,
    },
    /// A file was refused before it was read (too big): say why and keep the run.
    ImportRefused(Text),
    /// Open the inspector on something, or close it (None).
    Select(Option<Inspected>),
    /// Colour log cells by key (true) or by producer.
    ColourByKey(bool),
    /// Chart the per-partition lag of this consumer group.
    LagGroup(usize),
    /// A command for the engine; the view queues it, the state only refreshes.
    Command(Command),
    /// Show fresh figures (the frame loop asks a few times a second).
    Refresh,
    /// A benchmark run finished with this report.
    BenchReport(String),
    /// Show the page in this language.
    SetLang(Lang),
    /// Show (true) or hide the same traffic without a queue beside the run.
    ShowWithoutQueue(bool),
    /// Start a capacity plan of the run's scenario (the page's smaller `brook plan`).
    Plan,
    /// Draw this chart large beside the stage: the user's choice, which other presets keep.
    FocusChart(ChartKind),
    /// A lesson was fetched and validated: open it at this step (0-based; past its end, at
    /// the first step and say so).
    OpenLesson(Rc<Lesson>, usize),
    /// A lesson could not be opened.
    LessonError(Text),
    /// Go to this step of the open lesson (its number of steps: the end, the sandbox).
    LessonGo(usize),
    /// The next step (or the end).
    LessonNext,
    /// The step before.
    LessonPrev,
    /// Show the step's answer.
    RevealAnswer,
    /// The step's pause condition paused the run.
    LessonPaused,
    /// Close the lesson; the run goes on.
    CloseLesson,
    /// Enter or leave presenter mode (`p`).
    TogglePresenter,
    /// Leave presenter mode (Escape, or the browser left full screen).
    LeavePresenter,
    /// Follow a record (the view tells the engine: a view, not a command), or stop (None).
    Follow(Option<brook_engine::FollowTarget>),
    /// Open a run from a share link or the autosave: its export replayed to its time, then
    /// paused, in its language (its lesson is fetched, then [`Action::ResumeLesson`]).
    OpenShared(Box<Shared>),
    /// A share link or the autosave could not be read: say why (the run stays).
    ShareError(Text),
    /// Show this lesson at this step (0-based) over the run as it is (a shared run): the
    /// scene is not rebuilt.
    ResumeLesson(Rc<Lesson>, usize),
    /// "Copy link" made this.
    ShareMade(Made),
    /// Go to this virtual ms of the run on the scrubber (the view tells the engine,
    /// `Sim::seek_ms`; the state only refreshes).
    Seek(u64),
}

impl State {
    /// The state the page opens in, from the URL parameters (in English unless they name a
    /// language; the view chooses with the browser's settings too).
    pub fn new(params: &Params) -> State {
        State {
            source: Source::Preset(params.preset.clone()),
            seed: params.seed,
            run: 0,
            seed_text: params.seed.to_string(),
            seed_error: None,
            import_error: None,
            lang: match params.lang {
                LangParam::Valid(l) => l,
                LangParam::Absent | LangParam::Invalid => Lang::En,
            },
            playing: params.play,
            speed: params.speed,
            steps: 0,
            colour_by_key: false,
            lag_group: 0,
            selected: None,
            bench_report: None,
            refreshes: 0,
            show_without_queue: false,
            plans: 0,
            focus_chart: ChartKind::telling(&params.preset),
            chart_chosen: false,
            lesson: None,
            lesson_error: None,
            replay: Vec::new(),
            replay_seq: 0,
            presenter: false,
            share_error: None,
            share_made: None,
        }
    }

    /// The simulation this state's run starts with (paused or playing as the state says).
    pub fn new_sim(&self) -> Sim {
        let mut scenario = self.source.scenario();
        scenario.seed = self.seed;
        let mut sim = Sim::new(scenario);
        sim.run = self.run;
        sim.steps_done = self.steps;
        sim.playing = self.playing;
        sim.speed = self.speed;
        sim.lang = self.lang;
        sim.replay = self.replay.clone();
        sim.replay_seq = self.replay_seq;
        sim
    }

    /// The name of the imported scenario running, if one is.
    pub fn imported_name(&self) -> Option<String> {
        match &self.source {
            Source::Imported(s) | Source::Shared { preset: None, scenario: s } => {
                Some(s.name.clone())
            }
            Source::Preset(_) | Source::Shared { .. } => None,
        }
    }

    /// What the page says the running scenario is about: the page's own words for a preset in
    /// its language, else the scenario's description (`running`: the engine's scenario).
    pub fn description(&self, running: &Scenario) -> String {
        match &self.source {
            Source::Preset(name) | Source::Shared { preset: Some(name), .. } => {
                preset_description(name, self.lang)
                    .map_or_else(|| running.description.clone(), str::to_string)
            }
            Source::Imported(_) | Source::Shared { .. } => running.description.clone(),
        }
    }

    /// The inspector's key (a new key is a fresh panel: another thing or another run) and
    /// content, if it is open and what it shows still exists in `sim` (found by name, never by
    /// the slot it had).
    pub fn inspector(&self, sim: &Sim) -> Option<(String, View)> {
        let lang = self.lang;
        let Inspected { thing, form } = self.selected.as_ref()?;
        let sel = find_thing(&sim.cluster, thing)?;
        let mut view = inspect(&sim.cluster, sel, lang)?;
        if form.is_some() {
            view.form = form.clone();
        }
        if let Selection::Member(g, m) = sel {
            let rate = sim.rates.of(g, m);
            let shown = rate.map_or(lang.t(Msg::RateLater).into(), |r| format!("{r:.0}"));
            view.figures.insert(2, (lang.t(Msg::FigRate).into(), shown));
        }
        Some((format!("{}/{thing:?}", self.run), view))
    }

    /// Whether the URL's ignored parameters are still said: they are about the address the
    /// page opened with, so only until the user starts something else.
    pub fn url_errors_shown(&self) -> bool {
        self.run == 0
    }

    /// The preset chosen last (the quickstart's while an import runs).
    pub fn preset_name(&self) -> &str {
        match &self.source {
            Source::Preset(name) | Source::Shared { preset: Some(name), .. } => name,
            Source::Imported(_) | Source::Shared { .. } => "quickstart",
        }
    }

    /// A new run of `source` with `seed`: what a restart resets (as a fresh engine would).
    fn restarted(mut self, source: Source, seed: u64) -> State {
        self.source = source;
        self.seed = seed;
        self.run += 1;
        self.steps = 0;
        self.speed = 1.0;
        self.colour_by_key = false;
        self.lag_group = 0;
        self.seed_error = None;
        self.replay = Vec::new();
        // A refused import was about that file; the run now is another.
        self.import_error = None;
        self.share_error = None;
        self.share_made = None;
        // The inspector stays on the same named thing if the new run has it (the view closes
        // it otherwise); its form was the old run's.
        if let Some(i) = &mut self.selected {
            i.form = None;
        }
        self
    }

    /// Whether the run without a queue is shown: asked for by the user, or by the lesson step.
    pub fn without_queue_shown(&self) -> bool {
        self.show_without_queue || self.lesson_step().is_some_and(|s| s.without_queue)
    }

    /// The lesson step shown, if a lesson is open and not finished.
    pub fn lesson_step(&self) -> Option<&crate::model::lesson::Step> {
        self.lesson.as_ref()?.current()
    }

    /// Moves the open lesson to step `target`: the step's chart comes beside the stage, and
    /// the run is rebuilt and replayed where the runner says so (`lesson::go_to`).
    fn lesson_go(mut self, target: usize) -> State {
        let Some(run) = self.lesson.clone() else { return self };
        let (step, change) = go_to(&run, target);
        self.lesson = Some(LessonRun { step, revealed: false, paused: false, ..run.clone() });
        match change {
            Move::Stay => self.enter_step(None),
            Move::Continue(goals) => {
                self.replay = goals;
                self.replay_seq += 1;
                // The lesson paused the run for the learner to read; Next goes on.
                self.playing |= run.paused;
                self.enter_step(None)
            }
            Move::Rebuild(scene, goals) => self.enter_step(Some((scene, goals))),
        }
    }

    /// Shows the open lesson's step: its chart in focus, its scene rebuilt if `rebuild` says.
    fn enter_step(mut self, rebuild: Option<(usize, Vec<Goal>)>) -> State {
        let Some(run) = self.lesson.clone() else { return self };
        if let Some(Highlight::Chart(k)) = run.current().and_then(|s| s.highlight()) {
            self.focus_chart = k; // the lesson's choice, not the user's
        }
        let Some((i, goals)) = rebuild else { return self };
        let Some(scene) = run.lesson.steps.get(i).and_then(|s| s.scene.as_ref()) else {
            return self;
        };
        let source = match (&scene.preset, scene.scenario()) {
            (Some(name), _) => Source::Preset(name.clone()),
            (None, Some(s)) => Source::Imported(Box::new(s)),
            (None, None) => return self,
        };
        self.seed_text = scene.seed.to_string();
        let mut s = self.restarted(source, scene.seed);
        s.speed = scene.speed.clamp(SPEED_MIN, SPEED_MAX);
        s.playing = scene.playing;
        s.replay = goals;
        s
    }

    /// A run from a share link or the autosave: a new run of its export, replayed to its time
    /// (`Goal::AtMs`, in chunks as a lesson's replay), then paused; in its language. Its
    /// lesson, if any, is fetched by the view and shown with [`Action::ResumeLesson`].
    fn open_shared(self, shared: Shared) -> State {
        let Shared { scenario, at_ms, lang, preset, .. } = shared;
        let seed = scenario.seed;
        let mut s = self.restarted(Source::Shared { preset, scenario: Box::new(scenario) }, seed);
        s.seed_text = seed.to_string();
        s.lang = lang;
        s.playing = false;
        s.lesson = None;
        s.lesson_error = None;
        s.selected = None;
        s.replay = vec![Goal::AtMs(at_ms)];
        s.replay_seq += 1;
        s
    }

    /// Restarts `source` with the typed seed, or says why the seed is refused.
    fn restart_with_typed_seed(self, source: Source) -> State {
        match parse_seed(&self.seed_text) {
            Ok(seed) => self.restarted(source, seed),
            Err(e) => State { seed_error: Some(e), ..self },
        }
    }
}

/// The state after `action`. Pure: the engine follows the result (see [`follow`]).
pub fn reduce(state: &State, action: Action) -> State {
    let mut s = state.clone();
    match action {
        Action::TogglePlay => s.playing = !s.playing,
        Action::Step if !s.playing => s.steps += 1,
        Action::Step => {}
        Action::SetSpeed(v) => s.speed = v.clamp(SPEED_MIN, SPEED_MAX),
        Action::Faster => s.speed = (s.speed * 2.0).min(SPEED_MAX),
        Action::Slower => s.speed = (s.speed / 2.0).max(SPEED_MIN),
        Action::Reset => {
            // A reset replays the run from its start; how it is watched (speed, colours) stays,
            // as a teacher who pressed `r` expects (issue 10's walkthrough).
            let (speed, colour_by_key) = (s.speed, s.colour_by_key);
            let source = s.source.clone();
            s = s.restart_with_typed_seed(source);
            (s.speed, s.colour_by_key) = (speed, colour_by_key);
        }
        Action::EditSeed(text) => {
            s.seed_error = parse_seed(&text).err();
            s.seed_text = text;
        }
        Action::ChoosePreset(name) => {
            let chart = ChartKind::telling(&name);
            s = s.restart_with_typed_seed(Source::Preset(name));
            if s.seed_error.is_none() && !s.chart_chosen {
                s.focus_chart = chart;
            }
        }
        Action::Import { file_name, text } => match parse_import(&file_name, &text) {
            Ok(scenario) => {
                let seed = scenario.seed;
                s.seed_text = seed.to_string();
                s.import_error = None;
                s = s.restarted(Source::Imported(Box::new(scenario)), seed);
            }
            Err(e) => s.import_error = Some(e),
        },
        Action::ImportRefused(why) => s.import_error = Some(why),
        Action::Select(selected) => s.selected = selected,
        Action::ColourByKey(on) => s.colour_by_key = on,
        Action::LagGroup(g) => s.lag_group = g,
        Action::Command(_) | Action::Refresh | Action::Follow(_) | Action::Seek(_) => {
            s.refreshes = s.refreshes.wrapping_add(1)
        }
        Action::BenchReport(text) => s.bench_report = Some(text),
        Action::SetLang(lang) => s.lang = lang,
        Action::ShowWithoutQueue(on) => s.show_without_queue = on,
        Action::Plan => s.plans += 1,
        Action::FocusChart(k) => (s.focus_chart, s.chart_chosen) = (k, true),
        Action::OpenLesson(lesson, step) => {
            let len = lesson.steps.len();
            let step = if step < len { step } else { 0 };
            let scene = nearest_scene(&lesson, step);
            let goals = replay_goals(&lesson, scene, step);
            s.lesson = Some(LessonRun { lesson, step, revealed: false, paused: false });
            s.lesson_error = None;
            s.selected = None;
            s = s.enter_step(Some((scene, goals)));
        }
        Action::LessonError(e) => s.lesson_error = Some(e),
        Action::LessonGo(step) => s = s.lesson_go(step),
        Action::LessonNext => {
            let next = s.lesson.as_ref().map_or(0, |l| l.step + 1);
            s = s.lesson_go(next);
        }
        Action::LessonPrev => {
            let prev = s.lesson.as_ref().map_or(0, |l| l.step.saturating_sub(1));
            s = s.lesson_go(prev);
        }
        Action::RevealAnswer => {
            if let Some(l) = &mut s.lesson {
                l.revealed = true;
            }
        }
        Action::LessonPaused => {
            s.playing = false;
            if let Some(l) = &mut s.lesson {
                l.paused = true;
            }
        }
        Action::CloseLesson => {
            s.lesson = None;
            s.lesson_error = None;
        }
        Action::TogglePresenter => s.presenter = !s.presenter,
        Action::LeavePresenter => s.presenter = false,
        Action::OpenShared(shared) => s = s.open_shared(*shared),
        Action::ShareError(e) => s.share_error = Some(e),
        Action::ShareMade(m) => s.share_made = Some(m),
        Action::ResumeLesson(lesson, step) => {
            let step = step.min(lesson.steps.len());
            s.lesson = Some(LessonRun { lesson, step, revealed: false, paused: false });
            s.lesson_error = None;
            s = s.enter_step(None);
        }
    }
    s
}

/// The action of a presenter key, if it has one: space, right arrow (or `.`), + or =, -, r,
/// p (presenter mode), Escape (leaves it); while a lesson is open (`lesson_open`) the arrows
/// and PageUp/PageDown (presentation remotes) move through its steps, `.` steps the run and
/// Escape closes the lesson.
pub fn key_action(key: &str, lesson_open: bool) -> Option<Action> {
    Some(match key {
        " " => Action::TogglePlay,
        "p" | "P" => Action::TogglePresenter,
        "ArrowRight" | "PageDown" if lesson_open => Action::LessonNext,
        "ArrowLeft" | "PageUp" if lesson_open => Action::LessonPrev,
        "Escape" if lesson_open => Action::CloseLesson,
        "Escape" => Action::LeavePresenter,
        "ArrowRight" | "." => Action::Step,
        "+" | "=" => Action::Faster,
        "-" => Action::Slower,
        "r" => Action::Reset,
        _ => return None,
    })
}

/// Brings `sim` in line with `state`: a fresh engine for a new run, then play, speed, the
/// display options, and the Step presses not yet run (`now_ms`: wall clock, for the dots).
/// Returns whether the engine was replaced.
pub fn follow(sim: &mut Sim, state: &State, now_ms: f64) -> bool {
    let restarted = sim.run != state.run;
    if restarted {
        *sim = state.new_sim();
        // A new run forgets the plan of the last one.
        sim.plans = state.plans;
    }
    if sim.plans != state.plans {
        sim.plans = state.plans;
        sim.plan = Some(crate::model::plan::PagePlan::new(sim.cluster.scenario()));
    }
    sim.playing = state.playing;
    sim.speed = state.speed;
    sim.colour_by_key = state.colour_by_key;
    sim.lag_group = state.lag_group;
    sim.lang = state.lang;
    sim.set_without_queue(state.without_queue_shown());
    if sim.replay_seq != state.replay_seq {
        sim.replay = state.replay.clone();
        sim.replay_seq = state.replay_seq;
        sim.owed_us = 0; // a lesson's replay replaces a Step press's rest
    }
    lesson_follows(sim, state);
    sim.presenter = state.presenter;
    let pending = state.steps.saturating_sub(sim.steps_done).min(STEPS_PENDING_MAX);
    // What fits in a frame's engine budget runs now, the rest in the next frames (Sim::owed_us).
    let owed_max = STEPS_PENDING_MAX * STEP_US as u64;
    sim.owed_us = (sim.owed_us + pending * STEP_US as u64).min(owed_max);
    if pending > 0 {
        sim.pay_steps(now_ms, crate::model::sim::STEP_BUDGET_MS);
    }
    sim.steps_done = state.steps;
    restarted
}

/// The open lesson step's stage frame and pause condition, on the engine side.
fn lesson_follows(sim: &mut Sim, state: &State) {
    let step = state.lesson_step();
    sim.highlight = match step.and_then(|s| s.highlight()) {
        Some(Highlight::Stage(r)) => Some(r),
        _ => None,
    };
    let index = state.lesson.as_ref().map_or(0, |l| l.step);
    let key = (state.run, index);
    match step.and_then(|s| s.pause_when.clone()) {
        Some(when) if sim.watch.as_ref().map(|w| w.key) != Some(key) => {
            sim.watch = Some(crate::model::lesson::Watch { key, when, last: None });
        }
        Some(_) => {}
        None => sim.watch = None,
    }
    // The step's record is followed once its moment is reached (after a replay), once per
    // step; a later step that follows none stops the one the lesson followed.
    match step.and_then(|s| s.follow.as_ref()) {
        Some(f) if sim.lesson_follow != Some(key) && !sim.replaying() => {
            let c = &mut sim.cluster;
            let name = f.producer.as_deref();
            let producer = c.producers().iter().position(|p| Some(p.spec.name.as_str()) == name);
            // A producer the run no longer has: the next record of any (validation checked the
            // scene's).
            let _ = c.follow_next(producer.map(|i| i as u32), None);
            sim.lesson_follow = Some(key);
        }
        None if sim.lesson_follow.take().is_some() => sim.cluster.unfollow(),
        _ => {}
    }
}

#[cfg(test)]
#[path = "state_tests.rs"]
mod tests;
