//! What moving through a lesson does to the run. Going forward one step keeps the run unless
//! the step sets a new scene. Any other move (opening at step N, previous, a jump) rebuilds the
//! nearest scene at or before the step and replays to the step's moment: the scene's `at_ms`,
//! then each earlier step's pause condition in turn (where the learner was when that step
//! paused). The engine is deterministic, so the replay shows what was shown before. Replays
//! run in chunks of steps per frame (`Sim::replay_chunk`), never past
//! [`LESSON_TIME_MS_MAX`](super::LESSON_TIME_MS_MAX).

use std::rc::Rc;

use brook_engine::Cluster;

use super::{Lesson, PauseWhen, LESSON_TIME_MS_MAX};

/// An open lesson.
#[derive(Clone, Debug, PartialEq)]
pub struct LessonRun {
    /// The lesson.
    pub lesson: Rc<Lesson>,
    /// The step shown, 0-based; the number of steps once finished (the sandbox is open).
    pub step: usize,
    /// Whether the step's answer is shown.
    pub revealed: bool,
    /// Whether the step's pause condition paused the run.
    pub paused: bool,
}

impl LessonRun {
    /// Whether the last step is done (the run goes on as a sandbox).
    pub fn finished(&self) -> bool {
        self.step >= self.lesson.steps.len()
    }

    /// The step shown, if not finished.
    pub fn current(&self) -> Option<&super::Step> {
        self.lesson.steps.get(self.step)
    }
}

/// Where a replay runs to.
#[derive(Clone, Debug, PartialEq)]
pub enum Goal {
    /// Virtual time reaches this, ms.
    AtMs(u64),
    /// A step's pause condition holds.
    Until(PauseWhen),
}

impl Goal {
    /// Whether the run has reached the goal (a condition also at the lessons' time limit; a
    /// time is bounded where it is read: a lesson's `at_ms`, a share link's).
    pub fn reached(&self, c: &Cluster) -> bool {
        match self {
            Goal::AtMs(t) => c.now_us() >= t.saturating_mul(1000),
            Goal::Until(w) => c.now_us() >= LESSON_TIME_MS_MAX * 1000 || w.holds(c),
        }
    }
}

/// The index of the nearest step at or before `step` that sets a scene (the first step
/// always does).
pub fn nearest_scene(lesson: &Lesson, step: usize) -> usize {
    (0..=step.min(lesson.steps.len().saturating_sub(1)))
        .rev()
        .find(|&i| lesson.steps[i].scene.is_some())
        .unwrap_or(0)
}

/// The goals that bring the scene of step `scene` to the moment step `target` opens: the
/// scene's time, then the pause condition of each step from the scene's up to the target's.
pub fn replay_goals(lesson: &Lesson, scene: usize, target: usize) -> Vec<Goal> {
    let at_ms = lesson.steps.get(scene).and_then(|s| s.scene.as_ref()).map_or(0, |s| s.at_ms);
    let mut goals = vec![Goal::AtMs(at_ms)];
    let between = lesson.steps.iter().take(target).skip(scene);
    goals.extend(between.filter_map(|s| s.pause_when.clone()).map(Goal::Until));
    goals
}

/// What a move between steps does to the run.
#[derive(Clone, Debug, PartialEq)]
pub enum Move {
    /// Nothing: the run goes on as it is.
    Stay,
    /// The run goes on, first fast-forwarded to these goals: Next on a step that waits for
    /// something shows that moment, so the next step's text matches the stage.
    Continue(Vec<Goal>),
    /// Start step `.0`'s scene and replay to the goals.
    Rebuild(usize, Vec<Goal>),
}

/// The step a move to `target` lands on, and what it does to the run.
pub fn go_to(run: &LessonRun, target: usize) -> (usize, Move) {
    let len = run.lesson.steps.len();
    let target = target.min(len);
    let from = run.step;
    if target == from || (from >= len && target + 1 == len) {
        // The same step, or back from the end to the last step: the run is that step's.
        return (target, Move::Stay);
    }
    if target == from + 1 {
        if let Some(scene) = run.lesson.steps.get(target).filter(|s| s.scene.is_some()) {
            let at_ms = scene.scene.as_ref().map_or(0, |c| c.at_ms);
            return (target, Move::Rebuild(target, vec![Goal::AtMs(at_ms)]));
        }
        // Past the last step too: the sandbox opens where the last step's moment is.
        return match run.lesson.steps[from].pause_when.clone() {
            Some(w) => (target, Move::Continue(vec![Goal::Until(w)])),
            None => (target, Move::Stay),
        };
    }
    if target == len {
        return (target, Move::Stay);
    }
    let scene = nearest_scene(&run.lesson, target);
    (target, Move::Rebuild(scene, replay_goals(&run.lesson, scene, target)))
}

/// A step's pause condition being watched: the run pauses on the frame it turns true.
#[derive(Clone, Debug, PartialEq)]
pub struct Watch {
    /// Which run and step it belongs to.
    pub key: (u64, usize),
    /// The condition.
    pub when: PauseWhen,
    /// Its value at the last check (None before the first).
    pub last: Option<bool>,
}

impl Watch {
    /// Checks the condition; true on the check where it turns true.
    pub fn check(&mut self, c: &Cluster) -> bool {
        let now = self.when.holds(c);
        let turned = self.last == Some(false) && now;
        self.last = Some(now);
        turned
    }
}
