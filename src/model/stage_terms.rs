//! Glossary terms on the stage: the canvas cannot carry a `term`'s tooltip, so each frame the
//! stage notes where it wrote a term (a label's box and which term it is) in a bounded list,
//! reused frame after frame. The pointer over the stage looks its term up here; the page lists
//! the terms present (each an HTML term, reachable by keyboard, outlined on the stage when
//! focused).

use brook_engine::ReaderKind;

use crate::model::i18n::Msg;
use crate::model::layout::Rect;

/// A term the stage writes, in the order the page lists them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StageTerm {
    /// The producers' heading.
    Producer,
    /// A producer's buffer gauge, or "blocked: buffer full".
    Buffer,
    /// "throttled by quota".
    Quota,
    /// A broker box.
    Broker,
    /// The partitions' heading and each strip's name.
    Partition,
    /// The chips left of a strip.
    Replicas,
    /// "offline: no in-sync replica alive".
    Isr,
    /// The figure right of a strip: its log end offset.
    LogEnd,
    /// The line across a strip where records are not on every in-sync replica yet.
    HighWatermark,
    /// A group's committed offset, a coloured bar across a strip.
    Committed,
    /// The consumers' heading: the readers.
    Consumers,
    /// A consumer group's kind ("pull").
    ConsumerGroup,
    /// A share group's kind ("queue").
    ShareGroup,
    /// A push subscription's kind.
    Push,
    /// A reader's or a member's lag, or the heat strip's.
    Lag,
    /// A member's state "rebalancing".
    Rebalance,
}

/// How many terms there are.
const TERMS: usize = 16;

/// Each term's name in the list of terms and its glossary definition (the text the HTML terms
/// of the same name show), in [`StageTerm`] order.
const WORDS: [(Msg, Msg); TERMS] = [
    (Msg::Producers, Msg::GlossProducer),
    (Msg::TermBuffer, Msg::GlossBuffer),
    (Msg::TermQuota, Msg::GlossQuota),
    (Msg::Broker, Msg::GlossBroker),
    (Msg::FigPartitions, Msg::GlossPartition),
    (Msg::FigReplicas, Msg::GlossReplicas),
    (Msg::FigReplicasInSync, Msg::GlossIsr),
    (Msg::FigLogEnd, Msg::GlossLogEnd),
    (Msg::FigHighWatermark, Msg::GlossHighWatermark),
    (Msg::LegCommit, Msg::GlossCommit),
    (Msg::Consumers, Msg::GlossReader),
    (Msg::KindGroup, Msg::GlossConsumerGroup),
    (Msg::KindShare, Msg::GlossShareGroup),
    (Msg::KindPush, Msg::GlossPush),
    (Msg::Lag, Msg::GlossLag),
    (Msg::StRebalancing, Msg::GlossRebalance),
];

impl StageTerm {
    /// Every term, in the order the page lists them.
    pub const ALL: [StageTerm; TERMS] = [
        StageTerm::Producer,
        StageTerm::Buffer,
        StageTerm::Quota,
        StageTerm::Broker,
        StageTerm::Partition,
        StageTerm::Replicas,
        StageTerm::Isr,
        StageTerm::LogEnd,
        StageTerm::HighWatermark,
        StageTerm::Committed,
        StageTerm::Consumers,
        StageTerm::ConsumerGroup,
        StageTerm::ShareGroup,
        StageTerm::Push,
        StageTerm::Lag,
        StageTerm::Rebalance,
    ];

    /// Its name in the list of terms.
    pub fn name(self) -> Msg {
        WORDS[self as usize].0
    }

    /// Its glossary definition: the text the HTML terms of the same name show.
    pub fn def(self) -> Msg {
        WORDS[self as usize].1
    }

    /// The term of a reader of `kind`.
    pub fn of_kind(kind: ReaderKind) -> StageTerm {
        match kind {
            ReaderKind::Group => StageTerm::ConsumerGroup,
            ReaderKind::Share => StageTerm::ShareGroup,
            ReaderKind::Push => StageTerm::Push,
        }
    }
}

/// At most this many term regions a frame (a crowded stage writes more labels than anyone can
/// point at; the first drawn are kept: headings, producers, brokers, then strips).
pub const TERM_REGIONS_MAX: usize = 256;

/// Extra room around a region for the pointer, px (a high watermark line is 2 px wide).
const SLOP_PX: f64 = 2.0;

/// The box of a text drawn at `x` (aligned `align`: "left", "right" or "center") on a middle
/// baseline at `y`, `w` px wide, reaching `up` px above and `down` px below the baseline.
pub fn text_box(x: f64, y: f64, w: f64, up: f64, down: f64, align: &str) -> Rect {
    let left = match align {
        "right" | "end" => x - w,
        "center" => x - w / 2.0,
        _ => x,
    };
    Rect { x: left, y: y - up, w, h: up + down }
}

/// Where a tooltip `w` x `h` px goes for a pointer at `x`, `y` in a `view_w` x `view_h`
/// viewport: below and right of the pointer, else left of it or above it, never off screen.
pub fn tip_position(x: f64, y: f64, w: f64, h: f64, view_w: f64, view_h: f64) -> (f64, f64) {
    const GAP_PX: f64 = 14.0;
    const EDGE_PX: f64 = 4.0;
    let left = if x + GAP_PX + w + EDGE_PX <= view_w { x + GAP_PX } else { x - GAP_PX - w };
    let top = if y + GAP_PX + h + EDGE_PX <= view_h { y + GAP_PX } else { y - GAP_PX - h };
    let within = |v: f64, size: f64, room: f64| v.min(room - size - EDGE_PX).max(EDGE_PX);
    (within(left, w, view_w), within(top, h, view_h))
}

/// This frame's term regions, in drawing order; the vector is kept between frames (it grows
/// to at most [`TERM_REGIONS_MAX`] once).
#[derive(Debug, Default)]
pub struct StageTerms {
    regions: Vec<(Rect, StageTerm)>,
    /// Frames since each term was last on the stage, in [`StageTerm`] order (at most 255).
    ages: [u8; TERMS],
}

/// While the stage moves, a term stays in the page's list this many frames after it left the
/// stage (about 2 s): a mark that comes and goes (the high watermark line) does not make the
/// list jump. A still stage lists what it shows.
const LISTED_FRAMES: u8 = 120;

impl StageTerms {
    /// An empty list.
    pub const fn new() -> StageTerms {
        StageTerms { regions: Vec::new(), ages: [u8::MAX; TERMS] }
    }

    /// Forgets the last frame's regions (keeping the room).
    pub fn clear(&mut self) {
        self.regions.clear();
    }

    /// Notes that `term` is drawn in `r` (ignored when empty or when the list is full).
    pub fn add(&mut self, r: Rect, term: StageTerm) {
        if r.w > 0.0 && r.h > 0.0 && self.regions.len() < TERM_REGIONS_MAX {
            self.regions.push((r, term));
        }
    }

    /// The term at `x`, `y` (the last drawn, which is on top), if any.
    pub fn at(&self, x: f64, y: f64) -> Option<StageTerm> {
        let inside = |r: &Rect| {
            x >= r.x - SLOP_PX
                && x <= r.right() + SLOP_PX
                && y >= r.y - SLOP_PX
                && y <= r.y + r.h + SLOP_PX
        };
        self.regions.iter().rev().find(|(r, _)| inside(r)).map(|(_, t)| *t)
    }

    /// The regions of `term`, in drawing order.
    pub fn regions_of(&self, term: StageTerm) -> impl Iterator<Item = Rect> + '_ {
        self.regions.iter().filter(move |(_, t)| *t == term).map(|(r, _)| *r)
    }

    /// The first region of each term on the stage, in [`StageTerm::ALL`] order.
    pub fn present(&self) -> Vec<(StageTerm, Rect)> {
        let all = StageTerm::ALL.into_iter().zip(self.firsts());
        all.filter_map(|(t, r)| Some((t, r?))).collect()
    }

    /// The first region of each term, by [`StageTerm`] order.
    fn firsts(&self) -> [Option<Rect>; TERMS] {
        let mut first = [None; TERMS];
        for (r, t) in &self.regions {
            first[*t as usize].get_or_insert(*r);
        }
        first
    }

    /// The terms for the page's list: on the stage now or in the last [`LISTED_FRAMES`].
    pub fn listed(&self) -> impl Iterator<Item = StageTerm> + '_ {
        StageTerm::ALL.into_iter().filter(|t| self.ages[*t as usize] < LISTED_FRAMES)
    }

    /// Ends a frame: ages the terms not drawn in it (forgets them at once if nothing on the
    /// stage is `moving`).
    pub fn end_frame(&mut self, moving: bool) {
        let firsts = self.firsts();
        for (age, r) in self.ages.iter_mut().zip(firsts) {
            *age = match (r, moving) {
                (Some(_), _) => 0,
                (None, true) => age.saturating_add(1),
                (None, false) => u8::MAX,
            };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rect(x: f64, y: f64, w: f64, h: f64) -> Rect {
        Rect { x, y, w, h }
    }

    #[test]
    fn a_text_box_follows_the_alignment() {
        assert_eq!(text_box(100.0, 50.0, 40.0, 6.0, 4.0, "left"), rect(100.0, 44.0, 40.0, 10.0));
        assert_eq!(text_box(100.0, 50.0, 40.0, 6.0, 4.0, "right"), rect(60.0, 44.0, 40.0, 10.0));
        assert_eq!(text_box(100.0, 50.0, 40.0, 6.0, 4.0, "center"), rect(80.0, 44.0, 40.0, 10.0));
    }

    #[test]
    fn the_term_on_top_is_found_and_nothing_outside() {
        let mut s = StageTerms::new();
        s.add(rect(0.0, 0.0, 100.0, 20.0), StageTerm::Partition);
        s.add(rect(50.0, 0.0, 2.0, 20.0), StageTerm::HighWatermark);
        assert_eq!(s.at(10.0, 10.0), Some(StageTerm::Partition));
        // The 2 px line drawn last wins, with a little room for the pointer.
        assert_eq!(s.at(53.0, 10.0), Some(StageTerm::HighWatermark));
        assert_eq!(s.at(10.0, 30.0), None);
        assert_eq!(s.at(-5.0, 10.0), None);
    }

    #[test]
    fn the_list_is_bounded_reused_and_skips_empty_boxes() {
        let mut s = StageTerms::new();
        let mut room = None;
        for _ in 0..3 {
            s.clear();
            for i in 0..TERM_REGIONS_MAX + 50 {
                s.add(rect(i as f64, 0.0, 1.0, 1.0), StageTerm::Lag);
            }
            s.add(rect(0.0, 0.0, 0.0, 10.0), StageTerm::Broker);
            assert_eq!(s.regions.len(), TERM_REGIONS_MAX);
            let cap = s.regions.capacity();
            assert_eq!(*room.get_or_insert(cap), cap, "no growth from frame to frame");
        }
        assert_eq!(s.present().len(), 1);
    }

    #[test]
    fn present_terms_come_in_list_order_once_each() {
        let mut s = StageTerms::new();
        s.add(rect(0.0, 0.0, 5.0, 5.0), StageTerm::Lag);
        s.add(rect(9.0, 0.0, 5.0, 5.0), StageTerm::Producer);
        s.add(rect(20.0, 0.0, 5.0, 5.0), StageTerm::Lag);
        let terms: Vec<StageTerm> = s.present().iter().map(|(t, _)| *t).collect();
        assert_eq!(terms, [StageTerm::Producer, StageTerm::Lag]);
        assert_eq!(s.present().last().map(|(_, r)| r.x), Some(0.0), "a term's first region");
    }

    #[test]
    fn a_term_stays_listed_a_while_after_it_leaves_the_stage() {
        let mut s = StageTerms::new();
        assert_eq!(s.listed().count(), 0, "nothing before the first frame");
        s.add(rect(0.0, 0.0, 5.0, 5.0), StageTerm::Lag);
        s.add(rect(0.0, 9.0, 5.0, 5.0), StageTerm::HighWatermark);
        s.end_frame(true);
        let listed = |s: &StageTerms| s.listed().collect::<Vec<_>>();
        assert_eq!(listed(&s), [StageTerm::HighWatermark, StageTerm::Lag]);
        // The line goes: still listed for LISTED_FRAMES frames, then not.
        for frame in 1..=LISTED_FRAMES as usize + 5 {
            s.clear();
            s.add(rect(0.0, 0.0, 5.0, 5.0), StageTerm::Lag);
            s.end_frame(true);
            let expected = frame < LISTED_FRAMES as usize;
            assert_eq!(listed(&s).contains(&StageTerm::HighWatermark), expected, "frame {frame}");
            assert_eq!(s.present().len(), 1);
        }
        // A still stage lists what it shows, at once.
        s.add(rect(0.0, 9.0, 5.0, 5.0), StageTerm::HighWatermark);
        s.end_frame(true);
        s.clear();
        s.add(rect(0.0, 0.0, 5.0, 5.0), StageTerm::Lag);
        s.end_frame(false);
        assert_eq!(listed(&s), [StageTerm::Lag]);
    }

    #[test]
    fn every_term_has_a_name_and_a_definition_of_its_own() {
        let defs: Vec<Msg> = StageTerm::ALL.iter().map(|t| t.def()).collect();
        for (i, t) in StageTerm::ALL.iter().enumerate() {
            assert_eq!(*t as usize, i);
            assert!(!defs[..i].contains(&t.def()), "{t:?} shares a definition");
            assert_ne!(t.name(), t.def());
        }
    }

    #[test]
    fn a_tip_stays_inside_the_viewport() {
        // Room: below right of the pointer.
        assert_eq!(tip_position(100.0, 100.0, 200.0, 50.0, 1280.0, 720.0), (114.0, 114.0));
        // At the right and bottom edges: left of and above the pointer.
        assert_eq!(tip_position(1200.0, 700.0, 200.0, 50.0, 1280.0, 720.0), (986.0, 636.0));
        // Wider than the room either side: against the left edge.
        let (x, y) = tip_position(150.0, 10.0, 300.0, 50.0, 320.0, 720.0);
        assert_eq!((x, y), (4.0, 24.0));
        assert!(x >= 0.0 && x + 300.0 <= 320.0);
    }
}
