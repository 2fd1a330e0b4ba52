//! Where the stage writes its fault marks. A mark is written on a plate inside the box of what
//! it happened to. Where those boxes are thinner than a line of text (the stress preset's 64
//! strips, 32 members a group), neighbouring rows share one plate: marks made together
//! (retention deletes a segment of every partition within the same second) read as one label
//! adding them up, "125868 deleted by retention", instead of dozens written over each other.

use crate::model::flights::{Endpoint, Mark};
use crate::model::i18n::{Msg, Text};
use crate::model::layout::{Layout, Rect};

/// Height of a group of thin rows sharing a plate, in plate heights: two, so the plates of
/// neighbouring groups keep a plate's height between them and read as separate labels.
const GROUP_PLATES: f64 = 2.0;

/// One label to write.
#[derive(Clone, Debug, PartialEq)]
pub struct Plate {
    /// The band it is written in: the words right-aligned, on a plate as wide as they are
    /// (at most the band's width) and as tall as the band.
    pub band: Rect,
    /// How far the band may widen, leftwards, for words it cannot hold: a strip's whole
    /// width for the plate over its newer half ("466 ms to ack" on a projector's narrow
    /// strips); the band itself elsewhere.
    pub room: Rect,
    /// What it says.
    pub text: Text,
    /// The same with its count rounded ("126k deleted by retention"), for a band too narrow
    /// for `text`; None if it counts fewer than a thousand records, or none.
    pub short: Option<Text>,
    /// Fewer words for a band narrower still ("12k failed" for "12k more failed", "leader b2"
    /// for "new leader: broker 2"): the count or the broker without the cause, which the
    /// thing's colour, its state and the charts say ([`brief`]); None for marks without one.
    pub brief: Option<Text>,
    /// Wall-clock ms its newest mark appeared (it fades from there).
    pub born_ms: f64,
}

/// A list of rows: its column (producers 0, strips 1, members 2) and its index there (a
/// topic's strips, a consumer set's members).
type List = (u8, u16);
/// A list's rows, and for each row the first row of its group (see [`group_starts`]).
type Groups<'a> = (&'a [Rect], Vec<u32>);
/// Which plate a mark is written on: its list's index in `plates`'s lists and the first row of
/// its group.
type Slot = (usize, u32);

/// The plates for `marks` (oldest first, as [`crate::model::flights::Flights`] keeps them):
/// one per group of rows, so no two overlap; marks on a group add up their counts. At most
/// one plate per mark (bounded by `MARKS_MAX`); marks of things not on the stage are left out.
pub fn plates<'a>(l: &Layout, marks: impl IntoIterator<Item = &'a Mark>) -> Vec<Plate> {
    let plate_h = l.line_h() + 2.0 * l.scale;
    // Per list with a mark: its rows, and the first row of each row's group. Both lists are
    // short (a list per topic or reader, at most MARKS_MAX slots) and searched in order: no
    // map, whose code the page's wasm would carry for these types alone.
    let mut lists: Vec<(List, Groups)> = Vec::new();
    let mut slots: Vec<(Slot, Vec<&Mark>)> = Vec::new();
    for m in marks {
        let Some((column, list, rows, row)) = place(l, m.at) else { continue };
        let k = match lists.iter().position(|(key, _)| *key == (column, list)) {
            Some(k) => k,
            None => {
                lists.push(((column, list), (rows, group_starts(rows, plate_h))));
                lists.len() - 1
            }
        };
        let Some(&start) = lists[k].1 .1.get(row as usize) else { continue };
        let slot = (k, start);
        match slots.iter_mut().find(|(key, _)| *key == slot) {
            Some((_, on)) => on.push(m),
            None => slots.push((slot, vec![m])),
        }
    }
    let mut out = Vec::with_capacity(slots.len());
    for ((k, start), on) in slots {
        let (_, (rows, starts)) = &lists[k];
        let Some(newest) = on.last() else { continue };
        let Some((band, room)) = band(l, newest.at, rows, starts, start, plate_h) else {
            continue;
        };
        let (text, count) = merged_text(&on);
        let short = count.filter(|n| *n >= 1_000).map(|n| Text::new(text.msg).count(n));
        let brief =
            brief(text.msg).map(|msg| short.as_ref().unwrap_or(&text).retold(msg, usize::MAX));
        out.push(Plate { band, room, text, short, brief, born_ms: newest.born_ms });
    }
    out
}

/// The column, list and rows of `at`'s box, and its row in the list.
fn place(l: &Layout, at: Endpoint) -> Option<(u8, u16, &[Rect], u32)> {
    Some(match at {
        Endpoint::Producer(i) => (0, 0, &l.producers[..], i),
        Endpoint::Partition(t, p) | Endpoint::Replica(t, p, _) => {
            (1, t, &l.partitions.get(t as usize)?[..], p)
        }
        Endpoint::Member(g, m) => (2, g, &l.members.get(g as usize)?[..], m),
    })
}

/// For each row of a column (top to bottom), the first row of its group. Rows at least a
/// plate tall are each their own group; thinner ones are grouped until a group is
/// [`GROUP_PLATES`] plates tall, and a short group left at the end joins the one above it.
fn group_starts(rows: &[Rect], plate_h: f64) -> Vec<u32> {
    if rows.iter().all(|r| r.h >= plate_h) {
        return (0..rows.len() as u32).collect();
    }
    let tall = plate_h * GROUP_PLATES;
    let mut starts = Vec::with_capacity(rows.len());
    let mut start = 0;
    for (i, r) in rows.iter().enumerate() {
        starts.push(start as u32);
        if r.y + r.h - rows[start].y >= tall {
            start = i + 1;
        }
    }
    if start > 0 && start < rows.len() {
        let above = starts[start - 1];
        starts[start..].iter_mut().for_each(|s| *s = above);
    }
    starts
}

/// Where the plate of the group starting at row `start` goes, `at` its newest mark. A row of
/// its own: as before grouping, over the newer half of a strip (a plate tall, centred) or
/// over a member's or producer's box. A group: a plate tall, centred on the group, across
/// the whole strip (the words do not fit half of it) or the box. Returns the band and the
/// room it may widen into ([`Plate::room`]).
fn band(
    l: &Layout,
    at: Endpoint,
    rows: &[Rect],
    starts: &[u32],
    start: u32,
    plate_h: f64,
) -> Option<(Rect, Rect)> {
    let b = l.mark_box(at)?;
    let strip = matches!(at, Endpoint::Partition(..) | Endpoint::Replica(..));
    let last = starts.iter().rposition(|&s| s == start)?;
    if last == start as usize {
        if !strip {
            return Some((b, b));
        }
        let h = plate_h.min(b.h);
        let band = Rect { y: b.mid_y() - h / 2.0, h, ..b };
        let row = rows.get(start as usize)?;
        return Some((band, Rect { x: row.x, w: band.right() - row.x, ..band }));
    }
    let (first, end) = (rows.get(start as usize)?, rows.get(last)?);
    let across = if strip { *first } else { b };
    let (top, bottom) = (first.y, end.y + end.h);
    let h = plate_h.min(bottom - top);
    let band = Rect { y: (top + bottom - h) / 2.0, h, ..across };
    Some((band, band))
}

/// A mark's brief form ([`Plate::brief`]), with the same arguments as the mark.
pub fn brief(msg: Msg) -> Option<Msg> {
    Some(match msg {
        // The same words as a failing producer's short count and an MQTT drop's.
        Msg::MarkSendsFailed => Msg::ProducerFailingShort,
        Msg::MarkAcksRefused => Msg::MarkAcksRefusedBrief,
        Msg::MarkDropped => Msg::PushDropped,
        Msg::MarkRequeuedToIt => Msg::MarkRequeuedBrief,
        Msg::MarkOutOfMemory => Msg::MarkOutOfMemoryBrief,
        Msg::MarkDisconnected => Msg::MarkDisconnectedBrief,
        Msg::MarkResubscribed => Msg::MarkResubscribedBrief,
        Msg::MarkUncleanLeader => Msg::MarkUncleanLeaderBrief,
        Msg::MarkNewLeader => Msg::MarkNewLeaderBrief,
        Msg::MarkRetention => Msg::MarkRetentionBrief,
        _ => return None,
    })
}

/// The words of a plate, and the records they count: the newest mark's, counting the records
/// of every mark on the plate that says the same thing ("{0} deleted by retention" four
/// times: their sum).
fn merged_text(on: &[&Mark]) -> (Text, Option<u64>) {
    let newest = on[on.len() - 1];
    let Some(_) = newest.count else { return (newest.text.clone(), None) };
    let same = on.iter().filter(|m| m.text.msg == newest.text.msg);
    let (marks, sum) = same.fold((0, 0), |(n, sum), m| (n + 1, sum + m.count.unwrap_or(0)));
    if marks == 1 {
        return (newest.text.clone(), Some(sum));
    }
    (Text::new(newest.text.msg).arg(sum), Some(sum))
}

#[cfg(test)]
mod tests {
    use brook_engine::{preset, Cluster, TrafficEvent};

    use super::*;
    use crate::model::flights::Flights;
    use crate::model::i18n::{Lang, Msg};

    /// Retention deleting `records` from every partition in one step, as it does in the
    /// stress preset from about 15 s.
    fn retention_everywhere(c: &Cluster, records: u64) -> Vec<TrafficEvent> {
        let parts = c.topics()[0].partitions.len() as u32;
        (0..parts)
            .map(|partition| TrafficEvent::Retention { topic: 0, partition, records })
            .collect()
    }

    #[test]
    fn retention_on_many_thin_strips_reads_as_a_few_labels_adding_up() {
        let c = Cluster::new(preset("stress").unwrap());
        for (w, h) in [(1280.0, 720.0), (1024.0, 768.0), (1920.0, 1080.0), (390.0, 844.0)] {
            let l = Layout::new(&c, w, h);
            let mut f = Flights::default();
            f.ingest(&retention_everywhere(&c, 1_000), &c, false, 0.0);
            assert_eq!(f.marks.len(), 64, "one mark a partition");
            let plates = plates(&l, &f.marks);
            let strips = &l.partitions[0];
            let column_h = strips[63].y + strips[63].h - strips[0].y;
            let plate_h = l.line_h() + 2.0 * l.scale;
            // Each label a full line tall, none over another: at most one per line of text
            // down the column, not one per strip.
            assert!(plates.len() as f64 <= column_h / plate_h, "{w}x{h}: {}", plates.len());
            assert!(plates.len() < 64, "{w}x{h}");
            for (i, a) in plates.iter().enumerate() {
                assert!(a.band.h >= plate_h - 1e-9, "{w}x{h}: {a:?}");
                for b in &plates[i + 1..] {
                    assert!(!a.band.overlaps(&b.band), "{w}x{h}: {a:?} over {b:?}");
                }
            }
            // What they teach is kept: every record deleted is counted once.
            let mut sum = 0;
            for p in &plates {
                let words = p.text.render(Lang::En);
                let n = words.strip_suffix(" deleted by retention").expect(&words);
                sum += n.parse::<u64>().unwrap();
            }
            assert_eq!(sum, 64_000, "{w}x{h}");
            let short = plates[0].short.as_ref().map(|t| t.render(Lang::En));
            assert!(
                short.as_ref().is_some_and(|s| s.ends_with("k deleted by retention")),
                "{short:?}"
            );
        }
    }

    #[test]
    fn a_few_partitions_keep_a_mark_each_where_it_was() {
        let c = Cluster::new(preset("quickstart").unwrap());
        let l = Layout::new(&c, 1280.0, 720.0);
        let mut f = Flights::default();
        f.ingest(&retention_everywhere(&c, 7), &c, false, 5.0);
        let plates = plates(&l, &f.marks);
        assert_eq!(plates.len(), c.topics()[0].partitions.len());
        for (p, plate) in plates.iter().enumerate() {
            let b = l.mark_box(Endpoint::Partition(0, p as u32)).unwrap();
            let h = (l.line_h() + 2.0 * l.scale).min(b.h);
            assert_eq!(plate.band, Rect { y: b.mid_y() - h / 2.0, h, ..b });
            assert_eq!(plate.text, Text::new(Msg::MarkRetention).arg(7));
            assert_eq!(plate.short, None);
            assert_eq!(plate.brief, Some(Text::new(Msg::MarkRetentionBrief).arg(7)));
            assert_eq!(plate.born_ms, 5.0);
        }
    }

    #[test]
    fn a_brief_form_says_fewer_words_with_the_same_figure() {
        let marks = [
            Msg::MarkSendsFailed,
            Msg::MarkAcksRefused,
            Msg::MarkDropped,
            Msg::MarkRequeuedToIt,
            Msg::MarkOutOfMemory,
            Msg::MarkDisconnected,
            Msg::MarkResubscribed,
            Msg::MarkUncleanLeader,
            Msg::MarkNewLeader,
            Msg::MarkRetention,
        ];
        for msg in marks {
            let short = brief(msg).expect("every mark that names a cause has a brief form");
            for lang in [Lang::En, Lang::ZhTw] {
                let (long, brief) = (Text::new(msg).arg(4821), Text::new(short).arg(4821));
                let (long, brief) = (long.render(lang), brief.render(lang));
                assert!(brief.chars().count() < long.chars().count(), "{long} / {brief}");
                // The figure stays, except where the brief form is the cause alone.
                if msg != Msg::MarkOutOfMemory {
                    assert!(brief.contains("4821"), "{brief}");
                }
            }
        }
        let leader = Text::new(Msg::MarkNewLeaderBrief).arg(2);
        assert_eq!(leader.render(Lang::En), "leader b2", "as the broker boxes are named");
        assert_eq!(brief(Msg::MarkRestarted), None);
    }
}
