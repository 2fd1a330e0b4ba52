//! The stage's layout rules (issue 10): it scales with its canvas, its labels have boxes that
//! stay on the canvas and do not overlap, and fault marks stay inside their own box.

use brook_engine::{preset, Cluster};

use super::*;
use crate::model::flights::Endpoint;

/// The presets the classroom layout is checked with (as in e2e/tests/layout.test.js).
const PRESETS: [&str; 5] = [
    "peak-shaving",
    "hot-key-skew",
    "p2p-vs-pubsub",
    "broker-failure-acks",
    "slow-subscriber-push-vs-pull",
];

/// Canvas sizes the page gives the stage: beside the side column of a 1280 x 720 window (also
/// 150% zoom of 1920 x 1080), of a 1920 x 1080 window, of a 1024 x 768 window with the
/// inspector open, a phone, a 4K screen.
const SIZES: [(f64, f64); 6] = [
    (850.0, 640.0),
    (1360.0, 990.0),
    (690.0, 680.0),
    (1000.0, 600.0),
    (360.0, 420.0),
    (2500.0, 2000.0),
];

fn cluster(name: &str) -> Cluster {
    let mut c = Cluster::new(preset(name).unwrap());
    c.run_until(2_000_000);
    c
}

fn overlap(a: &Rect, b: &Rect) -> bool {
    a.w > 0.0
        && b.w > 0.0
        && a.x < b.right() - 1e-9
        && b.x < a.right() - 1e-9
        && a.y < b.y + b.h - 1e-9
        && b.y < a.y + a.h - 1e-9
}

fn on_canvas(r: &Rect, l: &Layout) -> bool {
    r.x >= -1e-9 && r.y >= -1e-9 && r.right() <= l.width + 1e-9 && r.y + r.h <= l.height + 1e-9
}

/// Width of `s` in a system sans-serif at `px`: Latin about 0.6 em a character (digits and
/// lower case are narrower, capitals wider), Chinese a full em.
fn est_width(s: &str, px: f64) -> f64 {
    s.chars().map(|c| if c.is_ascii() { 0.6 } else { 1.0 }).sum::<f64>() * px
}

#[test]
fn the_stage_scales_with_its_canvas_within_bounds() {
    assert_eq!(stage_scale(850.0, 640.0, false), SCALE_MIN, "1280 x 720: the base size");
    assert_eq!(stage_scale(300.0, 200.0, false), SCALE_MIN, "never smaller");
    assert_eq!(stage_scale(5000.0, 4000.0, false), SCALE_MAX, "never larger");
    // The stage of a 1920 x 1080 window is readable from the back of a room: names and figures
    // at least 16 px.
    let f = fonts_at(stage_scale(1360.0, 990.0, false));
    assert!(f.small >= 16.0 && f.name >= 16.0, "{f:?}");
    // The smaller proportion wins: a wide, short canvas keeps its text small enough to fit.
    assert_eq!(stage_scale(3000.0, 600.0, false), 1.0);
    // Presenter mode is larger, at every size.
    for (w, h) in SIZES {
        assert!(stage_scale(w, h, true) >= stage_scale(w, h, false) * PRESENTER_SCALE - 1e-9);
    }
}

#[test]
fn positions_scale_with_the_canvas() {
    // At twice the base size everything is exactly twice as large and twice as far.
    for name in PRESETS {
        let c = cluster(name);
        let a = Layout::new(&c, BASE_W, BASE_H);
        let b = Layout::new(&c, 2.0 * BASE_W, 2.0 * BASE_H);
        assert_eq!((a.scale, b.scale), (1.0, 2.0));
        let twice = |r: &Rect| Rect { x: 2.0 * r.x, y: 2.0 * r.y, w: 2.0 * r.w, h: 2.0 * r.h };
        let all = |l: &Layout| -> Vec<Rect> {
            let mut v: Vec<Rect> = l.producers.clone();
            v.extend(l.partitions.iter().flatten());
            v.extend(l.partition_labels.iter().flatten());
            v.extend(l.offset_labels.iter().flatten());
            v.extend(l.groups.iter().chain(l.members.iter().flatten()).chain(&l.brokers));
            v.extend(l.headings);
            v
        };
        for (ra, rb) in all(&a).iter().zip(all(&b)) {
            let want = twice(ra);
            let close = (want.x - rb.x).abs()
                + (want.y - rb.y).abs()
                + (want.w - rb.w).abs()
                + (want.h - rb.h).abs();
            assert!(close < 1e-6, "{name}: {ra:?} doubled is not {rb:?}");
        }
        assert_eq!(b.fonts.small, 2.0 * a.fonts.small);
    }
}

#[test]
fn label_boxes_lie_on_the_canvas_and_overlap_nothing_else() {
    // Issue 10: stage labels were cut at the right (1024 x 768, inspector open).
    for name in PRESETS {
        let c = cluster(name);
        for (w, h) in SIZES {
            for presenter in [false, true] {
                let l = Layout::new_for(&c, w, h, presenter);
                let labels: Vec<Rect> = l
                    .partition_labels
                    .iter()
                    .flatten()
                    .chain(l.offset_labels.iter().flatten())
                    .chain(&l.headings)
                    .chain([&l.scale_label])
                    .copied()
                    .collect();
                let boxes: Vec<Rect> = l
                    .producers
                    .iter()
                    .chain(l.partitions.iter().flatten())
                    .chain(&l.groups)
                    .chain(l.members.iter().flatten())
                    .chain(&l.brokers)
                    .copied()
                    .collect();
                let at = format!("{name} {w}x{h} presenter {presenter}");
                for r in labels.iter().chain(&boxes) {
                    assert!(on_canvas(r, &l), "{at}: {r:?} off the canvas");
                }
                for (i, a) in labels.iter().enumerate() {
                    for b in labels.iter().skip(i + 1).chain(&boxes) {
                        assert!(!overlap(a, b), "{at}: label {a:?} overlaps {b:?}");
                    }
                }
                // The replica chips sit between a strip's name and the strip.
                for (names, strips) in l.partition_labels.iter().zip(&l.partitions) {
                    for (n, s) in names.iter().zip(strips) {
                        assert!(n.right() + l.replica_w <= s.x + 1e-9, "{at}: {n:?} {s:?}");
                    }
                }
            }
        }
    }
}

#[test]
fn names_and_figures_fit_their_boxes_at_classroom_sizes() {
    // The stage's own labels, measured as a system font would draw them; the page counts the
    // real cuts after each paint (`data-clipped-labels`, 0 in e2e/tests/layout.test.js).
    for name in PRESETS {
        let c = cluster(name);
        for (w, h) in &SIZES[..4] {
            let l = Layout::new(&c, *w, *h);
            for (t, topic) in c.topics().iter().enumerate() {
                for (p, r) in l.partition_labels[t].iter().enumerate() {
                    let label = format!("{}-{p}", topic.name);
                    assert!(
                        est_width(&label, l.fonts.small) <= r.w,
                        "{name} {w}: {label} in {r:?}"
                    );
                    // A log end offset as the page writes it, at its longest ("999.9k").
                    assert!(est_width("999.9k", l.fonts.small) <= l.offset_labels[t][p].w);
                }
            }
            for (heading, r) in ["Producers", "Partitions", "Consumers"].iter().zip(l.headings) {
                assert!(est_width(heading, l.fonts.heading) <= r.w, "{name} {w}: {heading} {r:?}");
            }
            // Each member's row holds a line of small text.
            for r in l.members.iter().flatten() {
                assert!(r.h >= l.line_h(), "{name} {w}x{h}: member row {r:?}");
            }
        }
    }
}

#[test]
fn fault_marks_stay_inside_their_own_box() {
    // Issue 10: "13 dropped" was written over the strips' offset labels. A mark is written
    // inside the box of what it happened to, so it covers no other label.
    for name in PRESETS {
        let c = cluster(name);
        for (w, h) in SIZES {
            let l = Layout::new(&c, w, h);
            let mut at: Vec<(Endpoint, Rect)> = Vec::new();
            for (i, r) in l.producers.iter().enumerate() {
                at.push((Endpoint::Producer(i as u32), *r));
            }
            for (t, rows) in l.partitions.iter().enumerate() {
                for (p, r) in rows.iter().enumerate() {
                    at.push((Endpoint::Partition(t as u16, p as u32), *r));
                    at.push((Endpoint::Replica(t as u16, p as u32, 0), *r));
                }
            }
            for (g, list) in l.members.iter().enumerate() {
                for (m, r) in list.iter().enumerate() {
                    at.push((Endpoint::Member(g as u16, m as u32), *r));
                }
            }
            let labels: Vec<&Rect> = l
                .partition_labels
                .iter()
                .flatten()
                .chain(l.offset_labels.iter().flatten())
                .chain(&l.headings)
                .collect();
            for (e, own) in at {
                let m = l.mark_box(e).unwrap();
                let inside = m.x >= own.x - 1e-9
                    && m.right() <= own.right() + 1e-9
                    && m.y >= own.y - 1e-9
                    && m.y + m.h <= own.y + own.h + 1e-9;
                assert!(inside, "{name} {w}x{h}: mark of {e:?} at {m:?} outside {own:?}");
                for r in &labels {
                    assert!(!overlap(&m, r), "{name} {w}x{h}: mark of {e:?} over label {r:?}");
                }
            }
            assert_eq!(l.mark_box(Endpoint::Member(99, 0)), None);
        }
    }
}

#[test]
fn presenter_mode_hides_the_replica_chips_and_enlarges_the_type() {
    let c = cluster("broker-failure-acks");
    let (normal, presenting) =
        (Layout::new(&c, 850.0, 640.0), Layout::new_for(&c, 850.0, 640.0, true));
    assert!(normal.replica_w > 0.0, "three replicas a partition: chips");
    assert_eq!(presenting.replica_w, 0.0);
    assert!(presenting.fonts.small >= normal.fonts.small * PRESENTER_SCALE - 1e-9);
    // No replica chip to hop between: copies to followers are not drawn.
    assert_eq!(presenting.anchor(Endpoint::Replica(0, 0, 1), false), None);
}

#[test]
fn a_label_too_long_for_its_box_is_cut_with_an_ellipsis() {
    let w = |s: &str| est_width(s, 10.0); // 6 px a Latin character, 10 a Chinese one
    assert_eq!(fit_label("orders-0", 48.0, w), ("orders-0".to_string(), false));
    let (cut, clipped) = fit_label("payments-11", 48.0, w);
    assert!(clipped);
    assert_eq!(cut, "paymen\u{2026}", "the longest prefix that fits with the ellipsis");
    assert!(w(&cut) <= 48.0);
    let (cut, _) = fit_label("消費者群組", 40.0, w);
    assert_eq!(cut, "消費者\u{2026}");
    assert_eq!(fit_label("abc", 5.0, w), (String::new(), true), "not even one character");
}

#[test]
fn a_partition_name_cut_keeps_its_number() {
    let w = |s: &str| est_width(s, 10.0); // 6 px a Latin character, 10 a Chinese one
    assert_eq!(fit_keeping_tail("orders", "-0", 48.0, w), ("orders-0".to_string(), false));
    // "payments-11" is 66 px; the ellipsis is 10.
    let (cut, clipped) = fit_keeping_tail("payments", "-11", 48.0, w);
    assert!(clipped);
    assert_eq!(cut, "pay\u{2026}-11", "the head's longest prefix that fits, the number whole");
    assert!(w(&cut) <= 48.0);
    // No room for a letter before the ellipsis: the number alone after it ("…-11", 28 px).
    assert_eq!(fit_keeping_tail("payments", "-11", 30.0, w), ("\u{2026}-11".to_string(), true));
    // No room for the number and the ellipsis: cut from the end.
    assert_eq!(fit_keeping_tail("payments", "-11", 24.0, w), ("pa\u{2026}".to_string(), true));
}

#[test]
fn a_narrow_member_box_keeps_its_lag_and_pace_whole() {
    let w = |s: &str| est_width(s, 10.0); // 6 px a Latin character, 10 a Chinese one
    let (name, both, apart) = ("#0 處理中", "落後 2955 · 988／秒", Some(("落後 2955", "988／秒")));
    // 48 px of name, 110 of figures.
    assert!((w(name) - 48.0).abs() < 1e-9 && (w(both) - 110.0).abs() < 1e-9);
    let one = member_lines(name, both, apart, 170.0, 8.0, true, w);
    let figures = both.to_string();
    assert_eq!(one, Some(MemberLines::One { name: name.into(), figures }));
    let below = member_lines(name, both, apart, 120.0, 8.0, true, w);
    let (right, below_text) = (None, both.to_string());
    assert_eq!(below, Some(MemberLines::Two { name: name.into(), right, below: below_text }));
    // Too narrow for the figures on one line: the pace beside the name, the lag below.
    let apart_lines = member_lines(name, both, apart, 100.0, 8.0, true, w);
    let (right, below_text) = (Some("988／秒".to_string()), "落後 2955".to_string());
    assert_eq!(apart_lines, Some(MemberLines::Two { name: name.into(), right, below: below_text }));
    // A box one line tall: the lag without the pace, beside the name.
    let one_row = member_lines(name, both, apart, 110.0, 8.0, false, w);
    let figures = "落後 2955".to_string();
    assert_eq!(one_row, Some(MemberLines::One { name: name.into(), figures }));
    // Two lines, too narrow for the pace beside the name: the lag alone below.
    let lag_below = member_lines(name, both, apart, 60.0, 8.0, true, w);
    let (right, below_text) = (None, "落後 2955".to_string());
    assert_eq!(lag_below, Some(MemberLines::Two { name: name.into(), right, below: below_text }));
    // A member without a lag, or a box too narrow even so: the caller cuts.
    assert_eq!(member_lines(name, both, None, 100.0, 8.0, true, w), None);
    assert_eq!(member_lines(name, both, apart, 100.0, 8.0, false, w), None);
    assert_eq!(member_lines(name, both, apart, 45.0, 8.0, true, w), None);
}

#[test]
fn a_mark_too_long_for_one_line_breaks_where_both_lines_are_shortest() {
    let w = |s: &str| est_width(s, 10.0); // 6 px a Latin character, 10 a Chinese one
    let s = "out of memory: crashed, 39k requeued"; // 216 px on one line
    let (a, b) = two_lines(s, 130.0, w).expect("fits on two lines of 130 px");
    assert_eq!((a.as_str(), b.as_str()), ("out of memory:", "crashed, 39k requeued"));
    assert_eq!(two_lines(s, 120.0, w), None, "\"crashed, 39k requeued\" alone is 126 px");
    assert_eq!(two_lines("requeued", 10.0, w), None, "no break");
    // Chinese breaks after its full-width punctuation, which stays on the first line.
    let zh = "記憶體不足：當機，39k 筆重新排入佇列";
    let (a, b) = two_lines(zh, 110.0, w).expect("fits on two lines");
    assert_eq!((a.as_str(), b.as_str()), ("記憶體不足：當機，", "39k 筆重新排入佇列"));
}

#[test]
fn records_fetched_leave_past_the_offset_figure() {
    // A dot between a strip and a member starts (or ends) right of the strip's offset label,
    // so the figure is not run over; a batch from a producer lands at the log end.
    use crate::model::flights::{Flight, FlightKind};
    let c = cluster("peak-shaving");
    let l = Layout::new(&c, 850.0, 640.0);
    let flight = |from, to, kind| Flight {
        from,
        to,
        kind,
        records: 1,
        colour: 0,
        key: u32::MAX,
        born_ms: 0.0,
    };
    let label = l.offset_labels[0][2];
    let fetch = flight(Endpoint::Partition(0, 2), Endpoint::Member(0, 1), FlightKind::FetchData);
    assert_eq!(l.flight_position(&fetch, 0.0), Some((label.right(), label.mid_y())));
    let ask = flight(Endpoint::Member(0, 1), Endpoint::Partition(0, 2), FlightKind::FetchRequest);
    assert_eq!(l.flight_position(&ask, 1e9), Some((label.right(), label.mid_y())));
    let produce = flight(Endpoint::Producer(0), Endpoint::Partition(0, 2), FlightKind::Produce);
    let strip = l.partitions[0][2];
    assert_eq!(l.flight_position(&produce, 1e9), Some((strip.right() - 2.0, strip.mid_y())));
}

#[test]
fn a_reader_with_a_note_gets_a_third_header_line() {
    // The push models' and share groups' notes ("RabbitMQ-style, no prefetch", redeliveries)
    // were cut on the kind's line: they get a line of their own.
    for name in ["slow-subscriber-push-vs-pull", "share-group-queue"] {
        let c = cluster(name);
        let l = Layout::new(&c, 850.0, 640.0);
        assert!(l.sets.iter().any(|s| s.note.is_some()), "{name}: a reader with a note");
        for (set, head) in l.sets.iter().zip(&l.groups) {
            let want = if set.note.is_some() { HEAD_NOTE_PX } else { HEAD_PX };
            assert!((head.h - want * l.scale).abs() < 1e-9, "{name}: {} {head:?}", set.name);
        }
        for r in l.members.iter().flatten() {
            assert!(r.h >= l.line_h(), "{name}: member row {r:?} still holds a line");
        }
    }
}

#[test]
fn every_reader_of_a_production_size_cluster_is_on_the_stage() {
    // production (presets.rs): four groups of 256 members, more members than the stage has
    // pixel rows. Each group keeps a band of its members, all of them on the canvas, in order
    // and apart from the next group.
    let c = cluster("production");
    for (w, h) in SIZES {
        let l = Layout::new(&c, w, h);
        assert_eq!(l.members.len(), 4);
        let mut below = 0.0;
        for (gi, list) in l.members.iter().enumerate() {
            assert_eq!(list.len(), 256);
            let head = l.groups[gi];
            assert!(head.y >= below - 1e-9, "{w}x{h}: group {gi} starts above the last one's end");
            for m in list {
                assert!(on_canvas(m, &l) && m.h > 0.0, "{w}x{h}: group {gi}: {m:?}");
            }
            let last = list[255];
            assert!(last.bottom() > head.bottom(), "{w}x{h}: group {gi} has a band");
            below = last.bottom();
        }
        assert!(below <= h, "{w}x{h}: the last group ends at {below}");
    }
}
