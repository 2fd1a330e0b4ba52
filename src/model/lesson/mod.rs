//! Guided lessons: a lesson is a JSON file of steps (`lessons/NAME.json`, fetched by the page
//! when opened, never compiled in), parsed and validated here like a scenario: every bad value
//! gets a message naming the step, the field and the limit (`steps[3].pause_when.
//! lag_records_above: ...`). `runner` says what a step does to the run (a scene to rebuild, a
//! replay to the step's moment, a condition that pauses). Pure: tested natively. The format is
//! documented in `docs/lessons.md`.

mod runner;
mod validate;

#[cfg(test)]
mod tests;

use brook_engine::{error_path, Cluster, Command, JsonText, Scenario};
use serde::Deserialize;

use crate::model::charts::ChartKind;
use crate::model::i18n::{Lang, Msg};

pub use runner::{go_to, nearest_scene, replay_goals, Goal, LessonRun, Move, Watch};

/// The lessons shipped in `lessons/`, in menu order: one per claim of the course, then three
/// about Kafka itself.
pub const LESSONS: &[&str] = &[
    "decoupling",
    "asynchrony",
    "peak-shaving",
    "point-to-point",
    "publish-subscribe",
    "log-collection",
    "realtime-analytics",
    "partitions-and-keys",
    "consumer-groups",
    "durability",
];

/// The menu's title of a shipped lesson (the file's own `title` says the same; a test checks).
pub fn lesson_title(name: &str) -> Option<Msg> {
    let i = LESSONS.iter().position(|&n| n == name)?;
    Some(
        [
            Msg::LessonDecoupling,
            Msg::LessonAsynchrony,
            Msg::LessonPeakShaving,
            Msg::LessonPointToPoint,
            Msg::LessonPublishSubscribe,
            Msg::LessonLogCollection,
            Msg::LessonRealtimeAnalytics,
            Msg::LessonPartitionsAndKeys,
            Msg::LessonConsumerGroups,
            Msg::LessonDurability,
        ][i],
    )
}

/// The lesson format's version.
pub const LESSON_VERSION: u32 = 1;
/// Most steps in a lesson.
pub const STEPS_MAX: usize = 12;
/// Longest lesson title, characters.
pub const TITLE_CHARS_MAX: usize = 60;
/// Longest step text, characters (one or two sentences).
pub const TEXT_CHARS_MAX: usize = 400;
/// Longest question or answer, characters.
pub const QUESTION_CHARS_MAX: usize = 300;
/// Longest `try` button label, characters.
pub const LABEL_CHARS_MAX: usize = 40;
/// Latest virtual time a scene fast-forwards to or a condition waits for, ms: a replay runs
/// at most this far (in chunks, so the page does not freeze).
pub const LESSON_TIME_MS_MAX: u64 = 120_000;
/// Largest record count a condition compares with.
pub const RECORDS_MAX: u64 = 100_000_000;

/// A text in both languages of the page; both are required (a missing one is named by its
/// path, e.g. `steps[2].text.zh-TW`).
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LangText {
    /// English.
    #[serde(default)]
    pub en: String,
    /// Traditional Chinese (Taiwan).
    #[serde(default, rename = "zh-TW")]
    pub zh_tw: String,
}

impl LangText {
    /// The text in `lang`.
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::En => &self.en,
            Lang::ZhTw => &self.zh_tw,
        }
    }
}

/// A lesson file.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Lesson {
    /// Must be [`LESSON_VERSION`].
    pub version: u32,
    /// The file's name without `.json`.
    pub name: String,
    /// Shown above the steps.
    #[serde(default)]
    pub title: LangText,
    /// The steps, in order.
    pub steps: Vec<Step>,
}

/// One step: a scene (or the run going on), what to look at, what to read, and optionally a
/// pause, a question and a command to try.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    /// A fresh run for this step; without it the run of the step before goes on.
    #[serde(default)]
    pub scene: Option<Scene>,
    /// What to look at (see [`Highlight::parse`]).
    #[serde(default)]
    pub highlight: Option<String>,
    /// One or two sentences.
    #[serde(default)]
    pub text: LangText,
    /// Pause the run when this first happens during the step.
    #[serde(default)]
    pub pause_when: Option<PauseWhen>,
    /// A question; its answer is shown on click.
    #[serde(default)]
    pub question: Option<LangText>,
    /// The question's answer.
    #[serde(default)]
    pub answer: Option<LangText>,
    /// A button that sends an engine command.
    #[serde(default, rename = "try")]
    pub try_command: Option<Try>,
    /// Show the same traffic without a queue (`true`) in the side column, in place of the
    /// focus chart; a later step that does not ask closes it again.
    #[serde(default)]
    pub without_queue: bool,
    /// Follow the next record once the step shows; its journey takes the focus chart's place.
    #[serde(default)]
    pub follow: Option<FollowStep>,
}

/// Which record a step follows: the next one appended from `producer` (any producer when left
/// out), as "Follow the next record" does.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FollowStep {
    /// A producer of the step's scene, by name.
    #[serde(default)]
    pub producer: Option<String>,
}

/// How a step sets the scene.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scene {
    /// A built-in preset, by name (or `scenario`).
    #[serde(default)]
    pub preset: Option<String>,
    /// A scenario written in the lesson (or `preset`), validated by the engine.
    #[serde(default)]
    pub scenario: Option<Box<Scenario>>,
    /// The run's seed.
    #[serde(default = "one")]
    pub seed: u64,
    /// Virtual time to fast-forward to before the step shows, ms.
    #[serde(default)]
    pub at_ms: u64,
    /// Virtual seconds per wall second.
    #[serde(default = "one_f")]
    pub speed: f64,
    /// Whether the run plays once the step shows.
    #[serde(default = "yes")]
    pub playing: bool,
}

fn one() -> u64 {
    1
}

fn one_f() -> f64 {
    1.0
}

fn yes() -> bool {
    true
}

impl Scene {
    /// The scenario the scene starts, with its seed.
    pub fn scenario(&self) -> Option<Scenario> {
        let mut s = match (&self.preset, &self.scenario) {
            (Some(name), None) => brook_engine::preset(name)?,
            (None, Some(s)) => (**s).clone(),
            _ => return None,
        };
        s.seed = self.seed;
        Some(s)
    }
}

/// What pauses a step's run: exactly one condition, checked each frame; the run pauses on
/// the frame it turns true (a condition already true when the step opens never pauses it).
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PauseWhen {
    /// Virtual time reaches this, ms.
    #[serde(default)]
    pub at_ms: Option<u64>,
    /// The readers' total lag exceeds this many records.
    #[serde(default)]
    pub lag_records_above: Option<u64>,
    /// A producer's rate profile enters its spike or burst (or a spike command starts).
    #[serde(default)]
    pub spike_started: Option<bool>,
    /// More than this many records were lost.
    #[serde(default)]
    pub lost_records_above: Option<u64>,
    /// More than this many records were processed twice.
    #[serde(default)]
    pub duplicate_records_above: Option<u64>,
}

impl PauseWhen {
    /// How many conditions are set (valid: exactly one).
    fn count(&self) -> usize {
        [
            self.at_ms.is_some(),
            self.lag_records_above.is_some(),
            self.spike_started.is_some(),
            self.lost_records_above.is_some(),
            self.duplicate_records_above.is_some(),
        ]
        .iter()
        .filter(|&&b| b)
        .count()
    }

    /// Whether the condition holds for the run as it stands.
    pub fn holds(&self, c: &Cluster) -> bool {
        if let Some(t) = self.at_ms {
            return c.now_us() >= t.saturating_mul(1000);
        }
        if let Some(n) = self.lag_records_above {
            return c.readers().map(|r| c.reader_lag(r)).sum::<u64>() > n;
        }
        if self.spike_started == Some(true) {
            return in_spike(c);
        }
        if let Some(n) = self.lost_records_above {
            return c.summary().lost_records > n;
        }
        if let Some(n) = self.duplicate_records_above {
            return c.summary().duplicate_records > n;
        }
        false
    }
}

/// Whether a producer is in a spike now: its `step` profile's spike window, a `bursts`
/// profile's burst, or a rate above its profile (a spike command).
pub fn in_spike(c: &Cluster) -> bool {
    use brook_engine::RateProfile;
    let now = c.now_us();
    let t_ms = now / 1000;
    c.producers().iter().any(|p| {
        let profile = &p.spec.rate;
        let scheduled = match *profile {
            RateProfile::Step { base_per_sec, spike_per_sec, start_ms, duration_ms } => {
                spike_per_sec > base_per_sec
                    && t_ms >= start_ms
                    && t_ms < start_ms.saturating_add(duration_ms)
            }
            RateProfile::Bursts { base_per_sec, burst_per_sec, period_ms, burst_ms } => {
                burst_per_sec > base_per_sec && t_ms % period_ms.max(1) < burst_ms
            }
            _ => false,
        };
        scheduled || p.current_rate(now) > profile.rate_at(now)
    })
}

/// A button that sends an engine command.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Try {
    /// The button's label.
    #[serde(default)]
    pub label: LangText,
    /// What it sends (checked by the engine's command gate when the step opens).
    pub command: TryCommand,
}

/// A `try` button's command, read as a scenario's timeline event reads its own (as a
/// flattened field, `Command::from_entries`): the page then holds one copy of the command
/// reader. `Command` refuses unknown fields.
#[derive(Clone, Debug, PartialEq)]
pub struct TryCommand {
    /// The command.
    pub command: Command,
}

impl<'de> Deserialize<'de> for TryCommand {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct TryVisitor;
        impl<'de> serde::de::Visitor<'de> for TryVisitor {
            type Value = TryCommand;

            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("struct TryCommand")
            }

            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<TryCommand, A::Error> {
                let mut entries = Vec::new();
                while let Some(entry) = map.next_entry::<String, JsonText>()? {
                    entries.push(entry);
                }
                Ok(TryCommand { command: Command::from_entries(entries)? })
            }
        }
        d.deserialize_map(TryVisitor)
    }
}

/// A stage region a step frames.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StageRegion {
    /// The producers' column.
    Producers,
    /// The partition logs.
    Partitions,
    /// The consumers' column.
    Consumers,
}

/// What a step highlights.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Highlight {
    /// A frame drawn around a region of the stage.
    Stage(StageRegion),
    /// A chart, brought beside the stage and outlined (not the user's choice of chart:
    /// another preset still brings its own, `State::chart_chosen`).
    Chart(ChartKind),
    /// The live figures.
    Counters,
    /// The actions bar.
    Actions,
}

/// The highlight names the format allows.
pub const HIGHLIGHTS: &str = "stage.producers, stage.partitions, stage.consumers, chart.flow, \
                              chart.lag, chart.latency, chart.faults, chart.partition-lag, \
                              chart.request-time, counters, actions";

impl Highlight {
    /// The highlight a step names, if the name is one of [`HIGHLIGHTS`].
    pub fn parse(name: &str) -> Option<Highlight> {
        Some(match name {
            "stage.producers" => Highlight::Stage(StageRegion::Producers),
            "stage.partitions" => Highlight::Stage(StageRegion::Partitions),
            "stage.consumers" => Highlight::Stage(StageRegion::Consumers),
            "counters" => Highlight::Counters,
            "actions" => Highlight::Actions,
            _ => Highlight::Chart(ChartKind::from_code(name.strip_prefix("chart.")?)?),
        })
    }

    /// The CSS selector of the page element to outline, if it is one.
    pub fn selector(self) -> Option<String> {
        match self {
            Highlight::Stage(_) => None,
            Highlight::Chart(k) => Some(format!("[data-chart=\"{}\"]", k.code())),
            Highlight::Counters => Some("[data-testid=counters]".into()),
            Highlight::Actions => Some(".actions".into()),
        }
    }
}

impl Step {
    /// What the step highlights (None for no highlight or an unknown name, which validation
    /// refuses).
    pub fn highlight(&self) -> Option<Highlight> {
        self.highlight.as_deref().and_then(Highlight::parse)
    }
}

impl Lesson {
    /// Parses and validates a lesson file; every problem is a message naming its path and
    /// the limit.
    pub fn from_json(text: &str) -> Result<Lesson, Vec<String>> {
        // Read as an imported scenario is (`Scenario::from_json`): the same reader, so the
        // page's wasm holds one copy of the scenario reader (and `try` commands are flattened
        // as timeline events are, for the same reason); a problem is named by its path.
        let lesson: Lesson = serde_json::from_str(text).map_err(|e| {
            let path = error_path(text, &e);
            let path = if path == "." { "lesson".to_string() } else { path };
            vec![format!("{path}: {e}")]
        })?;
        lesson.validate()?;
        Ok(lesson)
    }
}
