//! The app's UI state and the one [`Action`] enum that changes it, reduced by the pure
//! [`reduce`] (as in yew's `examples/function_todomvc`). The engine is not in here: it lives
//! in the view, outside Yew state, and [`follow`] brings it in line with the state (a new run,
//! play, speed, steps) before the view reads it. Engine changes are `brook_engine::Command`s,
//! which the view queues with `Cluster::command` as it dispatches [`Action::Command`].

use brook_engine::{preset, Command, Scenario};

use crate::model::i18n::Msg;
use crate::model::i18n::{preset_description, Lang, LangParam, Text};
use crate::model::inspect::{find_thing, inspect, thing_of, Form, Thing, View};
use crate::model::layout::Selection;
use crate::model::params::{parse_seed, Params};
use crate::model::scenario_io::parse_import;
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
}

impl Source {
    /// The scenario to start (an unknown preset name gives the quickstart).
    pub fn scenario(&self) -> Scenario {
        match self {
            Source::Preset(name) => {
                preset(name).unwrap_or_else(|| preset("quickstart").expect("built in"))
            }
            Source::Imported(s) => (**s).clone(),
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
            speed: 1.0,
            steps: 0,
            colour_by_key: false,
            lag_group: 0,
            selected: None,
            bench_report: None,
            refreshes: 0,
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
        sim
    }

    /// The name of the imported scenario running, if one is.
    pub fn imported_name(&self) -> Option<String> {
        match &self.source {
            Source::Imported(s) => Some(s.name.clone()),
            Source::Preset(_) => None,
        }
    }

    /// What the page says the running scenario is about: the page's own words for a preset in
    /// its language, else the scenario's description (`running`: the engine's scenario).
    pub fn description(&self, running: &Scenario) -> String {
        match &self.source {
            Source::Preset(name) => preset_description(name, self.lang)
                .map_or_else(|| running.description.clone(), str::to_string),
            Source::Imported(_) => running.description.clone(),
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
            Source::Preset(name) => name,
            Source::Imported(_) => "quickstart",
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
        // A refused import was about that file; the run now is another.
        self.import_error = None;
        // The inspector stays on the same named thing if the new run has it (the view closes
        // it otherwise); its form was the old run's.
        if let Some(i) = &mut self.selected {
            i.form = None;
        }
        self
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
        Action::ChoosePreset(name) => s = s.restart_with_typed_seed(Source::Preset(name)),
        Action::Import { file_name, text } => match parse_import(&file_name, &text) {
            Ok(scenario) => {
                let seed = scenario.seed;
                s.seed_text = seed.to_string();
                s.import_error = None;
                s = s.restarted(Source::Imported(Box::new(scenario)), seed);
            }
            Err(e) => s.import_error = Some(e),
        },
        Action::Select(selected) => s.selected = selected,
        Action::ColourByKey(on) => s.colour_by_key = on,
        Action::LagGroup(g) => s.lag_group = g,
        Action::Command(_) | Action::Refresh => s.refreshes = s.refreshes.wrapping_add(1),
        Action::BenchReport(text) => s.bench_report = Some(text),
        Action::SetLang(lang) => s.lang = lang,
    }
    s
}

/// The action of a presenter key (space, right arrow, + or =, -, r), if it has one.
pub fn key_action(key: &str) -> Option<Action> {
    Some(match key {
        " " => Action::TogglePlay,
        "ArrowRight" => Action::Step,
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
    }
    sim.playing = state.playing;
    sim.speed = state.speed;
    sim.colour_by_key = state.colour_by_key;
    sim.lag_group = state.lag_group;
    sim.lang = state.lang;
    let pending = state.steps.saturating_sub(sim.steps_done).min(STEPS_PENDING_MAX);
    for _ in 0..pending {
        sim.advance(STEP_US, now_ms);
    }
    sim.steps_done = state.steps;
    restarted
}

#[cfg(test)]
#[path = "state_tests.rs"]
mod tests;
