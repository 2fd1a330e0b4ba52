//! Redraw on change only: while nothing moves (paused, no replay, no dot in flight, no mark
//! fading), the frame loop draws the stage, the charts and the panels again only when what they
//! show changed, so a paused page leaves the main thread idle (issue 11: a class of laptops on
//! battery).

use crate::model::sim::Sim;

/// What a paused drawing depends on: the App's render count (every state change renders), the
/// engine's virtual time and notice count, whether a notice is shown, and the canvas size.
pub type Key = [u64; 5];

/// The key of `sim` as drawn on a `w` x `h` canvas after App render number `renders`.
pub fn key(sim: &Sim, renders: u64, w: f64, h: f64) -> Key {
    let size = ((w.max(0.0) as u64) << 32) | h.max(0.0) as u64;
    let notice = sim.notice_shown().is_some() as u64;
    [renders, sim.cluster.now_us(), sim.cluster.notice_count(), notice, size]
}

/// Whether anything moves by itself: time runs, a Step press still runs, a lesson replays, the
/// scrubber's seek replays, dots fly or marks fade.
pub fn moving(sim: &Sim) -> bool {
    sim.playing
        || sim.owed_us > 0
        || sim.replaying()
        || sim.seeking()
        || !sim.flights.is_empty()
        || !sim.flights.marks.is_empty()
        || sim.plan.as_ref().is_some_and(|p| !p.done())
}

/// The key each surface was last drawn at while still; None: draw on the next frame.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Drawn {
    last: Option<Key>,
}

impl Drawn {
    /// Whether to draw now: always while `moving`, else only when `key` differs from the
    /// last drawing's.
    pub fn due(&mut self, moving: bool, key: Key) -> bool {
        if moving {
            self.last = None;
            return true;
        }
        if self.last == Some(key) {
            return false;
        }
        self.last = Some(key);
        true
    }

    /// Draw on the next frame whatever the key (a hover readout, a new canvas).
    pub fn invalidate(&mut self) {
        self.last = None;
    }
}

/// The frame loop's memory of still drawings.
#[derive(Clone, Copy, Debug, Default)]
pub struct Still {
    /// App renders so far (each state change renders).
    pub renders: u64,
    /// The stage canvas.
    pub stage: Drawn,
    /// The chart canvases.
    pub charts: Drawn,
    /// The panels' refresh (`Action::Refresh`, itself a render: its key leaves renders out).
    pub panels: Drawn,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::params::parse_query;
    use crate::model::state::State;

    fn paused_sim() -> Sim {
        let (params, errors) = parse_query("preset=quickstart&play=0");
        assert!(errors.is_empty(), "{errors:?}");
        let sim = State::new(&params).new_sim();
        assert!(!sim.playing);
        sim
    }

    #[test]
    fn a_still_page_draws_once_then_only_on_change() {
        let mut sim = paused_sim();
        let mut d = Drawn::default();
        assert!(!moving(&sim));
        let k = key(&sim, 1, 800.0, 400.0);
        assert!(d.due(false, k), "the first frame draws");
        assert!(!d.due(false, k), "nothing changed: no drawing");
        assert!(!d.due(false, key(&sim, 1, 800.0, 400.0)));
        assert!(d.due(false, key(&sim, 2, 800.0, 400.0)), "the App rendered");
        assert!(d.due(false, key(&sim, 2, 801.0, 400.0)), "the canvas was resized");
        sim.advance(100_000.0, 0.0);
        assert!(d.due(false, key(&sim, 2, 801.0, 400.0)), "a step moved virtual time");
        d.invalidate();
        assert!(d.due(false, key(&sim, 2, 801.0, 400.0)), "asked for");
    }

    #[test]
    fn a_playing_page_draws_every_frame() {
        let mut sim = paused_sim();
        sim.playing = true;
        let mut d = Drawn::default();
        let k = key(&sim, 1, 800.0, 400.0);
        assert!(moving(&sim));
        assert!(d.due(true, k) && d.due(true, k));
        sim.playing = false;
        assert!(d.due(moving(&sim), k), "the first still frame draws");
        assert!(!d.due(moving(&sim), k));
    }
}
