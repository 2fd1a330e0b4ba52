//! Lesson validation: every value against its limit, each problem named by its path
//! (`steps[3].pause_when.lag_records_above`), as the engine validates a scenario.

use brook_engine::PRESETS;

use super::{
    Highlight, LangText, Lesson, PauseWhen, Scene, HIGHLIGHTS, LABEL_CHARS_MAX, LESSON_TIME_MS_MAX,
    LESSON_VERSION, QUESTION_CHARS_MAX, RECORDS_MAX, STEPS_MAX, TEXT_CHARS_MAX, TITLE_CHARS_MAX,
};
use crate::model::sim::{SPEED_MAX, SPEED_MIN};

/// Longest lesson name, characters.
const NAME_CHARS_MAX: usize = 40;

#[derive(Default)]
struct Problems(Vec<String>);

impl Problems {
    fn add(&mut self, path: &str, message: impl std::fmt::Display) {
        self.0.push(format!("{path}: {message}"));
    }

    /// Both languages present, neither longer than `max` characters.
    fn text(&mut self, path: &str, t: &LangText, max: usize) {
        for (code, s) in [("en", &t.en), ("zh-TW", &t.zh_tw)] {
            let n = s.trim().chars().count();
            if n == 0 {
                self.add(
                    &format!("{path}.{code}"),
                    "required: every text is given in en and zh-TW",
                );
            } else if n > max {
                self.add(&format!("{path}.{code}"), format!("{n} characters, at most {max}"));
            }
        }
    }

    fn records(&mut self, path: &str, v: Option<u64>) {
        if let Some(n) = v.filter(|&n| n > RECORDS_MAX) {
            self.add(path, format!("{n} is above the limit {RECORDS_MAX}"));
        }
    }
}

impl Lesson {
    /// Checks the lesson; see the module's doc.
    pub fn validate(&self) -> Result<(), Vec<String>> {
        let mut p = Problems::default();
        if self.version != LESSON_VERSION {
            p.add(
                "version",
                format!("{} is not supported: must be {LESSON_VERSION}", self.version),
            );
        }
        let name_ok = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-';
        if self.name.is_empty()
            || self.name.len() > NAME_CHARS_MAX
            || !self.name.chars().all(name_ok)
        {
            p.add(
                "name",
                format!(
                    "\"{}\" must be 1 to {NAME_CHARS_MAX} lowercase letters, digits or '-'",
                    self.name
                ),
            );
        }
        p.text("title", &self.title, TITLE_CHARS_MAX);
        if self.steps.is_empty() || self.steps.len() > STEPS_MAX {
            p.add("steps", format!("{} steps, must be 1 to {STEPS_MAX}", self.steps.len()));
        }
        if self.steps.first().is_some_and(|s| s.scene.is_none()) {
            p.add("steps[0].scene", "required: the first step sets the scene");
        }
        // The shape a step's `try` command is checked against: its scene's, or the last one's.
        let mut shape = None;
        for (i, step) in self.steps.iter().enumerate().take(STEPS_MAX) {
            let at = format!("steps[{i}]");
            if let Some(scene) = &step.scene {
                shape = check_scene(&mut p, &format!("{at}.scene"), scene);
            }
            if let Some(h) = &step.highlight {
                if Highlight::parse(h).is_none() {
                    p.add(
                        &format!("{at}.highlight"),
                        format!("\"{h}\" is not one of {HIGHLIGHTS}"),
                    );
                }
            }
            p.text(&format!("{at}.text"), &step.text, TEXT_CHARS_MAX);
            // The panel a step asks for takes the focus chart's place in the side column.
            let panel = match (step.without_queue, &step.follow) {
                (true, Some(_)) => {
                    p.add(&format!("{at}.follow"), "not with without_queue: one panel a step");
                    None
                }
                (true, None) => Some("without_queue"),
                (false, Some(f)) => {
                    if let (Some(n), Some(s)) = (&f.producer, &shape) {
                        let s: &brook_engine::Scenario = s;
                        let names: Vec<&str> =
                            s.producers.iter().map(|x| x.name.as_str()).collect();
                        if !names.contains(&n.as_str()) {
                            p.add(
                                &format!("{at}.follow.producer"),
                                format!("\"{n}\" is not one of {}", names.join(", ")),
                            );
                        }
                    }
                    Some("follow")
                }
                (false, None) => None,
            };
            if let Some((panel, h)) = panel.zip(step.highlight.as_ref()) {
                if h.starts_with("chart.") {
                    p.add(
                        &format!("{at}.highlight"),
                        format!(
                            "\"{h}\": a step with {panel} shows that panel in the chart's place"
                        ),
                    );
                }
            }
            if let Some(w) = &step.pause_when {
                check_pause(&mut p, &format!("{at}.pause_when"), w);
            }
            match (&step.question, &step.answer) {
                (Some(q), Some(a)) => {
                    p.text(&format!("{at}.question"), q, QUESTION_CHARS_MAX);
                    p.text(&format!("{at}.answer"), a, QUESTION_CHARS_MAX);
                }
                (Some(_), None) => p.add(&format!("{at}.answer"), "required with a question"),
                (None, Some(_)) => p.add(&format!("{at}.question"), "required with an answer"),
                (None, None) => {}
            }
            if let Some(t) = &step.try_command {
                p.text(&format!("{at}.try.label"), &t.label, LABEL_CHARS_MAX);
                if let Some(s) = &shape {
                    let s: &brook_engine::Scenario = s;
                    if let Err(errors) = s.validate_command(&t.command.command) {
                        for e in errors {
                            p.add(&format!("{at}.try.{}", e.path), e.message);
                        }
                    }
                }
            }
        }
        if p.0.is_empty() {
            Ok(())
        } else {
            Err(p.0)
        }
    }
}

/// Checks a scene; returns the shape its run starts with, if it is valid.
fn check_scene(p: &mut Problems, at: &str, scene: &Scene) -> Option<brook_engine::Scenario> {
    let mut ok = true;
    match (&scene.preset, &scene.scenario) {
        (Some(name), None) if !PRESETS.contains(&name.as_str()) => {
            p.add(
                &format!("{at}.preset"),
                format!("\"{name}\" is not one of {}", PRESETS.join(", ")),
            );
            ok = false;
        }
        (None, Some(s)) => {
            if let Err(errors) = s.validate() {
                for e in errors {
                    p.add(&format!("{at}.scenario.{}", e.path), e.message);
                }
                ok = false;
            }
        }
        (Some(_), Some(_)) | (None, None) => {
            p.add(at, "set exactly one of preset and scenario");
            ok = false;
        }
        _ => {}
    }
    if scene.at_ms > LESSON_TIME_MS_MAX {
        p.add(
            &format!("{at}.at_ms"),
            format!("{} is above the limit {LESSON_TIME_MS_MAX}", scene.at_ms),
        );
    }
    if !(SPEED_MIN..=SPEED_MAX).contains(&scene.speed) {
        p.add(
            &format!("{at}.speed"),
            format!("{} must be from {SPEED_MIN} to {SPEED_MAX}", scene.speed),
        );
    }
    if ok {
        scene.scenario().map(|s| s.shape())
    } else {
        None
    }
}

fn check_pause(p: &mut Problems, at: &str, w: &PauseWhen) {
    if w.count() != 1 {
        p.add(
            at,
            "set exactly one of at_ms, lag_records_above, spike_started, lost_records_above, \
             duplicate_records_above",
        );
    }
    if let Some(t) = w.at_ms.filter(|&t| t > LESSON_TIME_MS_MAX) {
        p.add(&format!("{at}.at_ms"), format!("{t} is above the limit {LESSON_TIME_MS_MAX}"));
    }
    if w.spike_started == Some(false) {
        p.add(&format!("{at}.spike_started"), "must be true (leave it out otherwise)");
    }
    p.records(&format!("{at}.lag_records_above"), w.lag_records_above);
    p.records(&format!("{at}.lost_records_above"), w.lost_records_above);
    p.records(&format!("{at}.duplicate_records_above"), w.duplicate_records_above);
}
