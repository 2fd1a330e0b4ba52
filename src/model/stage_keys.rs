//! The stage by keyboard and in words (issue 13): the things a click can select, in reading
//! order, for the arrow keys (`items`, `moved`), the box of each (`rect_of`, outlined on the
//! canvas), and a sentence saying what the stage shows (`summary`), for assistive technology.
//! Pure.

use brook_engine::{Cluster, Tp};

use crate::model::consumers::consumer_sets;
use crate::model::i18n::{Lang, Msg};
use crate::model::layout::{Layout, Rect, Selection};

/// Every thing on the stage a click selects, in reading order: producers (left column),
/// brokers (top of the centre), partitions topic by topic, then each reader followed by its
/// members (right column). The heat view of a large cluster has cells instead of broker
/// boxes and strips: its brokers' cells, then each topic's partition cells.
pub fn items(l: &Layout) -> Vec<Selection> {
    // Plain loops: iterator adapters (chain, flat_map) would each be more code in the wasm.
    let mut all = Vec::new();
    for i in 0..l.producers.len() {
        all.push(Selection::Producer(i));
    }
    let brokers = l.heat.as_ref().map_or(l.brokers.len(), |h| h.brokers.count);
    for b in 0..brokers {
        all.push(Selection::Broker(b));
    }
    let partitions = |t: usize| match &l.heat {
        Some(h) => h.topics[t].grid.count,
        None => l.partitions[t].len(),
    };
    let topics = l.heat.as_ref().map_or(l.partitions.len(), |h| h.topics.len());
    for t in 0..topics {
        for p in 0..partitions(t) {
            all.push(Selection::Partition(Tp { topic: t as u16, partition: p as u32 }));
        }
    }
    for g in 0..l.groups.len() {
        all.push(Selection::Set(g));
        for m in 0..l.members.get(g).map_or(0, Vec::len) {
            all.push(Selection::Member(g, m));
        }
    }
    all
}

/// The box of `s` on the stage, if it is drawn (the box a click on it hits).
pub fn rect_of(l: &Layout, s: Selection) -> Option<Rect> {
    match (s, &l.heat) {
        (Selection::Broker(b), Some(h)) => (b < h.brokers.count).then(|| h.brokers.cell(b)),
        (Selection::Partition(tp), Some(h)) => {
            let grid = &h.topics.get(tp.topic as usize)?.grid;
            let p = tp.partition as usize;
            (p < grid.count).then(|| grid.cell(p))
        }
        _ => rect_of_drawn(l, s),
    }
}

/// [`rect_of`] outside the heat view.
fn rect_of_drawn(l: &Layout, s: Selection) -> Option<Rect> {
    match s {
        Selection::Producer(i) => l.producers.get(i).copied(),
        Selection::Broker(b) => l.brokers.get(b).copied(),
        Selection::Partition(tp) => {
            let (t, p) = (tp.topic as usize, tp.partition as usize);
            let strip = *l.partitions.get(t)?.get(p)?;
            // The strip with its name and offset, as `Layout::hit` takes it.
            let (name, offset) = (l.partition_labels[t][p], l.offset_labels[t][p]);
            Some(Rect { x: name.x, w: offset.right() - name.x, ..strip })
        }
        Selection::Set(g) => l.groups.get(g).copied(),
        Selection::Member(g, m) => l.members.get(g)?.get(m).copied(),
    }
}

/// A move of the keyboard's cursor over the stage's things.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Move {
    /// The next thing (Right or Down arrow), round to the first.
    Next,
    /// The one before (Left or Up arrow), round to the last.
    Prev,
    /// The first (Home).
    First,
    /// The last (End).
    Last,
}

/// The move a key makes on the focused stage, if any (`KeyboardEvent.key`).
pub fn key_move(key: &str) -> Option<Move> {
    match key {
        "ArrowRight" | "ArrowDown" => Some(Move::Next),
        "ArrowLeft" | "ArrowUp" => Some(Move::Prev),
        "Home" => Some(Move::First),
        "End" => Some(Move::Last),
        _ => None,
    }
}

/// Where the cursor goes among `len` things from `at` (None: nothing chosen yet, so Next
/// goes to the first and Prev to the last); None when there is nothing.
pub fn moved(len: usize, at: Option<usize>, m: Move) -> Option<usize> {
    let last = len.checked_sub(1)?;
    Some(match (m, at.filter(|&i| i <= last)) {
        (Move::First, _) | (Move::Next, None) => 0,
        (Move::Last, _) | (Move::Prev, None) => last,
        (Move::Next, Some(i)) => {
            if i == last {
                0
            } else {
                i + 1
            }
        }
        (Move::Prev, Some(i)) => {
            if i == 0 {
                last
            } else {
                i - 1
            }
        }
    })
}

/// What the stage shows, in one sentence: its brokers (and how many are down), topics and
/// partitions, producers, readers and their members.
pub fn summary(c: &Cluster, lang: Lang) -> String {
    let brokers = c.brokers().len();
    let down = c.brokers().iter().filter(|b| !b.alive).count();
    let partitions: usize = c.topics().iter().map(|t| t.partitions.len()).sum();
    let sets = consumer_sets(c);
    let members: usize = sets.iter().map(|s| s.members.len()).sum();
    lang.f(
        Msg::StageLive,
        &[
            &brokers,
            &down,
            &c.topics().len(),
            &partitions,
            &c.producers().len(),
            &sets.len(),
            &members,
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use brook_engine::{preset, PRESETS};

    fn layout(name: &str) -> (Cluster, Layout) {
        let c = Cluster::new(preset(name).unwrap());
        let l = Layout::new(&c, 1280.0, 720.0);
        (c, l)
    }

    #[test]
    fn every_item_is_where_a_click_selects_it() {
        // The keyboard reaches exactly what the mouse does: a click at the middle of each
        // item's box hits that item, and each item comes once.
        for name in PRESETS {
            let (_, l) = layout(name);
            let all = items(&l);
            for (i, &s) in all.iter().enumerate() {
                let r = rect_of(&l, s).unwrap_or_else(|| panic!("{name}: {s:?} has no box"));
                assert!(r.w > 0.0 && r.h > 0.0, "{name}: {s:?} {r:?}");
                assert!(!all[..i].contains(&s), "{name}: {s:?} twice");
            }
            let cells = |h: &crate::model::heat::HeatLayout| {
                h.brokers.count + h.topics.iter().map(|t| t.grid.count).sum::<usize>()
            };
            let drawn = l.producers.len()
                + l.brokers.len()
                + l.partitions.iter().map(Vec::len).sum::<usize>()
                + l.heat.as_ref().map_or(0, cells)
                + l.groups.len()
                + l.members.iter().map(Vec::len).sum::<usize>();
            assert_eq!(all.len(), drawn, "{name}");
            // Producers, brokers and members: their box's middle hits them (a strip's middle
            // may lie under a flight lane label; its left edge is its name).
            for &s in &all {
                let r = rect_of(&l, s).unwrap();
                let (x, y) = match s {
                    Selection::Partition(_) if l.heat.is_none() => (r.x + 1.0, r.y + r.h / 2.0),
                    _ => (r.x + r.w / 2.0, r.y + r.h / 2.0),
                };
                assert_eq!(l.hit(x, y), Some(s), "{name}: {s:?} at {x}, {y}");
            }
        }
    }

    #[test]
    fn arrows_go_round_and_home_end_go_to_the_ends() {
        assert_eq!(moved(0, None, Move::Next), None, "nothing to choose");
        assert_eq!(moved(3, None, Move::Next), Some(0));
        assert_eq!(moved(3, None, Move::Prev), Some(2));
        assert_eq!(moved(3, Some(2), Move::Next), Some(0), "round to the first");
        assert_eq!(moved(3, Some(0), Move::Prev), Some(2), "round to the last");
        assert_eq!(moved(3, Some(1), Move::Next), Some(2));
        assert_eq!(moved(3, Some(1), Move::First), Some(0));
        assert_eq!(moved(3, Some(1), Move::Last), Some(2));
        // The stage lost things since (a broker removed): the cursor starts again.
        assert_eq!(moved(2, Some(5), Move::Next), Some(0));
        assert_eq!(key_move("ArrowDown"), Some(Move::Next));
        assert_eq!(key_move("ArrowUp"), Some(Move::Prev));
        assert_eq!(key_move(" "), None);
    }

    #[test]
    fn the_summary_counts_what_is_drawn() {
        let (mut c, l) = layout("quickstart");
        let members: usize = l.members.iter().map(Vec::len).sum();
        let en = summary(&c, Lang::En);
        let want = format!(
            "The stage shows brokers: {} ({} down); topics: {}, with {} partitions",
            c.brokers().len(),
            0,
            c.topics().len(),
            c.topics().iter().map(|t| t.partitions.len()).sum::<usize>()
        );
        assert!(en.starts_with(&want), "{en}");
        assert!(en.contains(&format!("with {} members", members)), "{en}");
        assert!(summary(&c, Lang::ZhTw).contains("Broker"));
        // A crashed broker is counted as down.
        let name = PRESETS.iter().find(|n| preset(n).unwrap().cluster.brokers > 1).unwrap();
        c = Cluster::new(preset(name).unwrap());
        c.command(brook_engine::Command::CrashBroker { broker: 0 }).unwrap();
        c.run_until(100_000);
        assert!(summary(&c, Lang::En).contains("(1 down)"), "{name}");
    }
}
