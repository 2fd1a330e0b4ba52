//! The run's timeline: checkpoints (exact copies of the engine, `Cluster: Clone`) taken every
//! few virtual seconds and bounded in number and bytes, going back to a virtual time (restore
//! the nearest checkpoint at or before it; the caller replays to the exact time in chunks,
//! `Sim::seek_ms`), and the fork that acting after going back makes. Pure: tested natively.
//!
//! Going back keeps the future: the copy restored is given the commands the run applied
//! after it and those still to come (`Cluster::set_timeline_rest`), so playing on without
//! acting replays the same run, the user's later actions included (the same trace hash:
//! `crates/brook-engine/tests/rewind.rs`). The first action after going back forks: the later
//! commands are dropped (the scenario's own timeline events stay), the checkpoints after now
//! too, and the scrubber says how many actions went.

use brook_engine::{Cluster, Command, MarkerKind, TimedEvent};

use crate::model::i18n::{Msg, Text};

/// Virtual time between checkpoints at the start of a run, us; it doubles each time the
/// checkpoints are thinned out.
pub const CHECKPOINT_EVERY_US: u64 = 5_000_000;
/// Most checkpoints kept.
pub const CHECKPOINTS_MAX: usize = 24;
/// Most bytes the checkpoints hold together (their copies of the engine, measured as they are
/// taken: `model::heap`), bytes. While one is taken, one more copy is alive for a moment.
pub const CHECKPOINT_BYTES_MAX: usize = 64 << 20;
/// How far the Left and Right arrows move on the scrubber, virtual ms (PageUp and PageDown:
/// ten times as far).
pub const SCRUB_STEP_MS: u64 = 1_000;

/// A copy of the run between two steps.
struct Checkpoint {
    /// Its virtual time, us (the copy's).
    at_us: u64,
    cluster: Cluster,
    /// Heap bytes the copy holds, with the copy itself.
    bytes: usize,
}

/// The checkpoints of one run, how far it went, and the last fork.
pub struct Timeline {
    checkpoints: Vec<Checkpoint>,
    every_us: u64,
    furthest_us: u64,
    bytes: usize,
    /// A single copy was over the byte bound: no more are taken in this run (each would cost
    /// a copy of an engine that large, to be dropped; going back replays from the start).
    too_big: bool,
    /// Checkpoints taken, over the run (thinned ones included).
    pub taken: u64,
    /// The last fork, said on the scrubber until the next move on it.
    pub forked: Option<Text>,
}

impl Default for Timeline {
    fn default() -> Self {
        Timeline {
            checkpoints: Vec::new(),
            every_us: CHECKPOINT_EVERY_US,
            furthest_us: 0,
            bytes: 0,
            too_big: false,
            taken: 0,
            forked: None,
        }
    }
}

/// What a fork dropped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Fork {
    /// Where the run forked, virtual ms.
    pub at_ms: u64,
    /// How far the dropped run had gone, virtual ms.
    pub to_ms: u64,
    /// The user's later actions dropped.
    pub dropped: usize,
}

impl Timeline {
    /// The furthest virtual time the run reached, us.
    pub fn furthest_us(&self) -> u64 {
        self.furthest_us
    }

    /// The run reached `now_us`.
    pub fn reached(&mut self, now_us: u64) {
        self.furthest_us = self.furthest_us.max(now_us);
    }

    /// Checkpoints kept.
    pub fn len(&self) -> usize {
        self.checkpoints.len()
    }

    /// Whether none is kept.
    pub fn is_empty(&self) -> bool {
        self.checkpoints.is_empty()
    }

    /// Bytes the checkpoints hold (at most [`CHECKPOINT_BYTES_MAX`]).
    pub fn bytes(&self) -> usize {
        self.bytes
    }

    /// Virtual time between checkpoints now, us.
    pub fn every_us(&self) -> u64 {
        self.every_us
    }

    /// The checkpoints' virtual times, us, oldest first.
    pub fn times_us(&self) -> impl Iterator<Item = u64> + '_ {
        self.checkpoints.iter().map(|k| k.at_us)
    }

    /// Whether a checkpoint is due at `now_us` (a whole interval after the newest).
    pub fn due(&self, now_us: u64) -> bool {
        let newest = self.checkpoints.last().map_or(0, |k| k.at_us);
        !self.too_big && now_us >= newest + self.every_us
    }

    /// Keeps `cluster` (a copy taken between steps, holding `bytes` of heap) as a checkpoint,
    /// then thins them out while over a bound: every other one goes (the oldest stays) and
    /// the interval doubles; a single copy over the byte bound is not kept at all, and none is
    /// taken after it.
    pub fn keep(&mut self, cluster: Cluster, bytes: usize) {
        debug_assert_eq!(cluster.queued_commands(), 0, "a checkpoint is taken between steps");
        self.push(cluster.now_us(), cluster, bytes);
    }

    fn push(&mut self, at_us: u64, cluster: Cluster, bytes: usize) {
        let bytes = bytes + std::mem::size_of::<Checkpoint>();
        self.taken += 1;
        self.too_big |= bytes > CHECKPOINT_BYTES_MAX;
        self.bytes += bytes;
        self.checkpoints.push(Checkpoint { at_us, cluster, bytes });
        while self.checkpoints.len() > CHECKPOINTS_MAX || self.bytes > CHECKPOINT_BYTES_MAX {
            if self.checkpoints.len() == 1 {
                self.checkpoints.clear();
            } else {
                let mut i = 0;
                self.checkpoints.retain(|_| {
                    i += 1;
                    i % 2 == 1
                });
            }
            self.every_us = self.every_us.saturating_mul(2);
            self.bytes = self.checkpoints.iter().map(|k| k.bytes).sum();
        }
    }

    /// The copy of the run to replay from to reach `t_us`: the newest checkpoint at or before
    /// it (else the run's start, rebuilt from its scenario), given the commands `current`
    /// applied after that copy and those still to come, so it replays `current`'s run.
    pub fn restore(&self, current: &Cluster, t_us: u64) -> Cluster {
        let from = self.checkpoints.iter().rev().find(|k| k.at_us <= t_us);
        let mut c = match from {
            Some(k) => k.cluster.clone(),
            None => Cluster::new(current.scenario().clone()),
        };
        // The copy applied those up to its time itself (log entries are at 1 ms or later: the
        // start keeps them all). `current` may be behind the copy (going forward past a
        // checkpoint), its commands still to come then include some the copy applied.
        let after_ms = c.now_us() / 1000;
        let plan: Vec<TimedEvent> = current
            .command_log()
            .iter()
            .chain(current.timeline_rest())
            .filter(|e| e.at_ms > after_ms)
            .cloned()
            .collect();
        // The plan is `current`'s own, within the bound it keeps.
        let _ = c.set_timeline_rest(plan);
        c
    }

    /// Acting now on `c`: if the run had gone further or holds later commands, drops them (the
    /// scenario's own timeline events stay) and the checkpoints after now. Returns what went.
    pub fn fork(&mut self, c: &mut Cluster) -> Option<Fork> {
        let now_us = c.now_us();
        let own = own_rest(c);
        if self.furthest_us <= now_us && c.timeline_rest() == own.as_slice() {
            return None;
        }
        let user = user_flags(c.scenario().events.as_slice(), c.timeline_rest());
        let fork = Fork {
            at_ms: now_us / 1000,
            to_ms: self.furthest_us.max(now_us) / 1000,
            dropped: user.iter().filter(|&&u| u).count(),
        };
        // Fewer commands than the run held: within the bound.
        let _ = c.set_timeline_rest(own);
        self.checkpoints.retain(|k| k.at_us <= now_us);
        self.bytes = self.checkpoints.iter().map(|k| k.bytes).sum();
        self.furthest_us = now_us;
        self.forked = Some(fork.text());
        Some(fork)
    }
}

impl Fork {
    /// The scrubber's notice.
    pub fn text(&self) -> Text {
        Text::new(Msg::TimelineForked)
            .arg(seconds(self.at_ms))
            .arg(seconds(self.to_ms))
            .arg(self.dropped)
    }
}

/// Virtual ms as seconds with one decimal ("12.3"), rounded as the virtual time counter is.
pub fn seconds(ms: u64) -> String {
    format!("{:.1}", ms as f64 / 1000.0)
}

/// The scenario's own timeline events `c` has not applied yet, in time order: a step applies
/// those due by its virtual ms, the first step is at 1 ms.
fn own_rest(c: &Cluster) -> Vec<TimedEvent> {
    let now_ms = c.now_us() / 1000;
    let mut own: Vec<TimedEvent> = c
        .scenario()
        .events
        .iter()
        .filter(|e| c.now_us() == 0 || e.at_ms > now_ms)
        .cloned()
        .collect();
    brook_engine::sort::sort_by_key(&mut own, |e| e.at_ms);
    own
}

/// For each command of `plan` (applied or to come, in time order), whether the user gave it
/// rather than the scenario's timeline `own`: a scenario event applies at the first step at
/// or after its time (steps are every ms from 1 ms), so it is the unused one of `own` with the
/// same command applied at that ms.
fn user_flags(own: &[TimedEvent], plan: &[TimedEvent]) -> Vec<bool> {
    let mut used = vec![false; own.len()];
    plan.iter()
        .map(|e| {
            let mine = own
                .iter()
                .enumerate()
                .position(|(i, s)| !used[i] && s.at_ms.max(1) == e.at_ms && s.command == e.command);
            match mine {
                Some(i) => {
                    used[i] = true;
                    false
                }
                None => true,
            }
        })
        .collect()
}

/// What a scrubber mark stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MarkKind {
    /// A spike of traffic (a command, or a rate profile's spike starting).
    Spike,
    /// A broker or a member crashed.
    Crash,
    /// A broker or a member restarted.
    Restart,
    /// A consumer group rebalanced, or a member was added or removed.
    Rebalance,
    /// A reader was added or removed.
    Reader,
    /// Any other change (rates, settings, producers, brokers, partitions).
    Change,
}

impl MarkKind {
    /// Its name on the scrubber.
    pub fn msg(self) -> Msg {
        match self {
            MarkKind::Spike => Msg::MarkSpike,
            MarkKind::Crash => Msg::MarkCrash,
            MarkKind::Restart => Msg::MarkRestart,
            MarkKind::Rebalance => Msg::MarkRebalance,
            MarkKind::Reader => Msg::MarkReader,
            MarkKind::Change => Msg::MarkChange,
        }
    }

    /// Its class on the page (colour).
    pub fn class(self) -> &'static str {
        match self {
            MarkKind::Spike => "spike",
            MarkKind::Crash => "crash",
            MarkKind::Restart => "restart",
            MarkKind::Rebalance => "rebalance",
            MarkKind::Reader => "reader",
            MarkKind::Change => "change",
        }
    }

    fn of(c: &Command) -> MarkKind {
        match c {
            Command::Spike { .. } => MarkKind::Spike,
            Command::CrashBroker { .. } | Command::CrashMember { .. } => MarkKind::Crash,
            Command::RestartBroker { .. } | Command::RestartMember { .. } => MarkKind::Restart,
            Command::AddMember { .. } | Command::RemoveMember { .. } => MarkKind::Rebalance,
            Command::AddReader { .. } | Command::RemoveReader { .. } => MarkKind::Reader,
            _ => MarkKind::Change,
        }
    }
}

/// A mark on the scrubber.
#[derive(Clone, Debug, PartialEq)]
pub struct Mark {
    /// Virtual ms.
    pub t_ms: u64,
    /// What happened.
    pub kind: MarkKind,
    /// Whether the user did it (else the scenario's timeline or the run itself).
    pub user: bool,
}

/// The scrubber's marks up to `to_ms`, in time order: every command of the run (applied, and
/// those still to come that the first pass applied: `c`'s log and timeline still to come),
/// then the engine's chart markers a command did not make (a rate profile's spike, a
/// rebalance after a crash). Bounded by the run's commands (`limits::EVENTS_MAX`) and the
/// engine's markers (`MARKERS_MAX`).
pub fn marks(c: &Cluster, to_ms: u64) -> Vec<Mark> {
    let plan: Vec<TimedEvent> = c
        .command_log()
        .iter()
        .chain(c.timeline_rest())
        .filter(|e| e.at_ms <= to_ms)
        .cloned()
        .collect();
    let user = user_flags(c.scenario().events.as_slice(), &plan);
    let mut out: Vec<Mark> = plan
        .iter()
        .zip(user)
        .map(|(e, user)| Mark { t_ms: e.at_ms, kind: MarkKind::of(&e.command), user })
        .collect();
    for m in c.markers().iter() {
        let kind = match m.kind {
            MarkerKind::SpikeStart => MarkKind::Spike,
            MarkerKind::Rebalance => MarkKind::Rebalance,
            // Crashes are commands; a spike's end is not an event worth a mark.
            _ => continue,
        };
        if !out.iter().any(|o| o.t_ms == m.t_ms && o.kind == kind) {
            out.push(Mark { t_ms: m.t_ms, kind, user: false });
        }
    }
    brook_engine::sort::sort_by_key(&mut out, |m| m.t_ms);
    out
}

#[cfg(test)]
#[path = "timeline_tests.rs"]
mod tests;
