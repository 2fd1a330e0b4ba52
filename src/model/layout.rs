//! Where things are on the stage for a canvas of a given size, where a flight is along its
//! route, and what a click hits. Pure: the canvas draws what this computes.

use brook_engine::{Cluster, PartitionLog, Tp};

use crate::model::consumers::{consumer_sets, ConsumerSet};
use crate::model::flights::{Endpoint, Flight, FlightKind, HOP_PX};
use crate::model::heat::HeatLayout;

/// A rectangle in CSS pixels.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Rect {
    /// Left.
    pub x: f64,
    /// Top.
    pub y: f64,
    /// Width.
    pub w: f64,
    /// Height.
    pub h: f64,
}

impl Rect {
    /// Vertical centre.
    pub fn mid_y(&self) -> f64 {
        self.y + self.h / 2.0
    }

    /// Right edge.
    pub fn right(&self) -> f64 {
        self.x + self.w
    }

    /// Bottom edge.
    pub fn bottom(&self) -> f64 {
        self.y + self.h
    }

    /// Whether the two rectangles share some area (touching edges do not).
    pub fn overlaps(&self, other: &Rect) -> bool {
        self.x < other.right()
            && other.x < self.right()
            && self.y < other.bottom()
            && other.y < self.bottom()
    }
}

/// Margin around a framed stage region, px.
pub const REGION_PAD_PX: f64 = 6.0;

/// The smallest rectangle around `rects`, `pad` px wider on every side and kept inside a
/// `width` x `height` canvas; None for no rectangle.
pub fn around<'a>(
    rects: impl Iterator<Item = &'a Rect>,
    pad: f64,
    width: f64,
    height: f64,
) -> Option<Rect> {
    let mut b: Option<(f64, f64, f64, f64)> = None;
    for r in rects {
        let (x0, y0, x1, y1) = b.unwrap_or((r.x, r.y, r.right(), r.y + r.h));
        b = Some((x0.min(r.x), y0.min(r.y), x1.max(r.right()), y1.max(r.y + r.h)));
    }
    let (x0, y0, x1, y1) = b?;
    let (x0, y0) = ((x0 - pad).max(1.0), (y0 - pad).max(1.0));
    let (x1, y1) = ((x1 + pad).min(width - 1.0), (y1 + pad).min(height - 1.0));
    Some(Rect { x: x0, y: y0, w: (x1 - x0).max(0.0), h: (y1 - y0).max(0.0) })
}

/// Font sizes of the stage, CSS px.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Fonts {
    /// Figures, states, the strips' labels.
    pub small: f64,
    /// Names of producers and readers.
    pub name: f64,
    /// Column headings.
    pub heading: f64,
    /// Broker ids on replica chips.
    pub chip: f64,
}

/// Where everything is, for a canvas of a given size.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Layout {
    /// Canvas width, CSS px.
    pub width: f64,
    /// Canvas height, CSS px.
    pub height: f64,
    /// How much larger than at [`BASE_W`] x [`BASE_H`] everything is drawn (see
    /// [`stage_scale`]); every size below is its base size times this.
    pub scale: f64,
    /// Font sizes.
    pub fonts: Fonts,
    /// Presenter mode: larger type, no replica chips, logs as filled bars.
    pub presenter: bool,
    /// Producer boxes, by producer index.
    pub producers: Vec<Rect>,
    /// Partition strips, by topic then partition.
    pub partitions: Vec<Vec<Rect>>,
    /// The box of each strip's name (`orders-0`), left of its replica chips.
    pub partition_labels: Vec<Vec<Rect>>,
    /// The box of each strip's log end offset, right of it.
    pub offset_labels: Vec<Vec<Rect>>,
    /// The three column headings: producers, partitions (up to the broker boxes), consumers.
    pub headings: [Rect; 3],
    /// The strip scale's box, under the strips.
    pub scale_label: Rect,
    /// Group header boxes, by group.
    pub groups: Vec<Rect>,
    /// Member boxes, by group then member.
    pub members: Vec<Vec<Rect>>,
    /// Whether partitions are too many to draw one strip each (drawn as a heat strip).
    pub dense: bool,
    /// The heat view, when the cluster is too large for strips and broker boxes
    /// ([`crate::model::heat::heat_view`]): then `partitions` has no strip and `brokers` no box.
    pub heat: Option<HeatLayout>,
    /// Width of the replica chips left of each strip, px (0 with one replica, or presenting).
    pub replica_w: f64,
    /// Width of one replica chip, px.
    pub chip_w: f64,
    /// Broker boxes in the heading row of the centre column (none with one broker).
    pub brokers: Vec<Rect>,
    /// The readers laid out in the right column, in `groups`/`members` order (kept so a frame
    /// computes them once).
    pub sets: Vec<ConsumerSet>,
}

/// Width of a broker box in the heading row at scale 1, px.
pub const BROKER_BOX_PX: f64 = 96.0;

/// A broker box's height when it carries its capacity gauges (under [`HEADER_PX`]).
pub const BROKER_GAUGES_H_PX: f64 = 27.0;

/// Width of one replica chip at scale 1, px.
pub const CHIP_PX: f64 = 13.0;

/// Vertical space kept above the columns for their headings at scale 1, px.
pub const HEADER_PX: f64 = 34.0;
/// Space between a column of boxes and the strips at scale 1, px: the strip names and the log
/// end offsets are written there, and the dots fly across it.
pub const LANE_PX: f64 = 84.0;
/// The lane right of the strips at scale 1, px: wider, as the fetched records fly from past
/// the offset figures to the members.
pub const LANE_RIGHT_PX: f64 = 120.0;
/// Width of a strip's offset figure at scale 1, px ("999.9k").
pub const OFFSET_LABEL_PX: f64 = 48.0;
/// Height of a reader's header at scale 1, px: its name and its kind.
pub const HEAD_PX: f64 = 30.0;
/// Height of a reader's header with a note (a push model's, a share group's), px: a third line.
pub const HEAD_NOTE_PX: f64 = 43.0;
/// Member rows at least this tall (times the type's scale) are boxes with a gap, an outline and
/// an inbox bar; thinner ones are bands of colour, the members' states side by side.
pub const MEMBER_BOX_MIN_PX: f64 = 4.0;

/// Pixel rows a heat strip may use (a 4K screen's height).
pub const HEAT_ROWS_MAX: usize = 2_160;
/// Partitions drawn one strip each up to this many rows; more collapse into a heat strip.
pub const STRIP_ROWS_MAX: usize = 48;

/// The canvas size drawn at scale 1, CSS px: the stage beside the side column of a 1280 x 720
/// window is a little smaller, and gets the smallest scale.
pub const BASE_W: f64 = 1000.0;
/// See [`BASE_W`].
pub const BASE_H: f64 = 600.0;
/// The smallest scale (text is never smaller than at scale 1: small text 12 px).
pub const SCALE_MIN: f64 = 1.0;
/// The largest scale (a 4K screen).
pub const SCALE_MAX: f64 = 2.0;
/// Presenter mode draws this much larger, at least [`PRESENTER_SCALE_MIN`].
pub const PRESENTER_SCALE: f64 = 1.3;
/// The smallest scale in presenter mode.
pub const PRESENTER_SCALE_MIN: f64 = 1.3;

/// The scale the stage is drawn at on a `width` x `height` canvas (CSS px): it grows with the
/// canvas's smaller proportion to [`BASE_W`] x [`BASE_H`], within [`SCALE_MIN`]..[`SCALE_MAX`]
/// (presenter mode: [`PRESENTER_SCALE`] times that, from [`PRESENTER_SCALE_MIN`]). Browser zoom
/// changes the canvas's CSS size, so 150% zoom of a 1920 x 1080 window lays out as 1280 x 720.
pub fn stage_scale(width: f64, height: f64, presenter: bool) -> f64 {
    let s = (width / BASE_W).min(height / BASE_H).clamp(SCALE_MIN, SCALE_MAX);
    if presenter {
        (s * PRESENTER_SCALE).max(PRESENTER_SCALE_MIN)
    } else {
        s
    }
}

/// The font sizes at scale `s`.
pub fn fonts_at(s: f64) -> Fonts {
    Fonts { small: 12.0 * s, name: 13.0 * s, heading: 14.0 * s, chip: 10.0 * s }
}

/// Whether `cluster` has too many partitions to draw one strip each.
pub fn dense(cluster: &Cluster) -> bool {
    cluster.topics().iter().map(|t| t.partitions.len()).sum::<usize>() > STRIP_ROWS_MAX
}

/// `s` cut to fit `max_w` px as measured by `width`: unchanged if it fits, else its longest
/// prefix that fits followed by an ellipsis (empty if not even one character does). The flag
/// says whether it was cut.
pub fn fit_label(s: &str, max_w: f64, width: impl Fn(&str) -> f64) -> (String, bool) {
    if width(s) <= max_w {
        return (s.to_string(), false);
    }
    let chars: Vec<char> = s.chars().collect();
    let cut = |n: usize| chars[..n].iter().chain(['\u{2026}'].iter()).collect::<String>();
    match longest(chars.len(), |n| width(&cut(n)) <= max_w) {
        0 => (String::new(), true),
        n => (cut(n), true),
    }
}

/// The largest `n` of `0..=most` for which `fits(n)` holds (0 if none above 0 does), by
/// bisection (a handful of measures): `fits` holds up to some `n` and not beyond.
fn longest(most: usize, fits: impl Fn(usize) -> bool) -> usize {
    let (mut lo, mut hi) = (0, most);
    while lo < hi {
        let mid = (lo + hi).div_ceil(2);
        if fits(mid) {
            lo = mid;
        } else {
            hi = mid - 1;
        }
    }
    lo
}

/// `head` then `tail` cut to fit `max_w` px, keeping the tail whole: a partition's name cut as
/// "pay…-3" keeps its number, where [`fit_label`] would leave "paymen…" on every row. The
/// flag says whether it was cut; without room for a letter of the head, "…-3"; without room
/// for that either, the whole cut from its end as [`fit_label`] cuts it.
pub fn fit_keeping_tail(
    head: &str,
    tail: &str,
    max_w: f64,
    width: impl Fn(&str) -> f64,
) -> (String, bool) {
    let whole = format!("{head}{tail}");
    if width(&whole) <= max_w {
        return (whole, false);
    }
    let chars: Vec<char> = head.chars().collect();
    let cut = |n: usize| format!("{}\u{2026}{tail}", chars[..n].iter().collect::<String>());
    match longest(chars.len(), |n| width(&cut(n)) <= max_w) {
        0 if width(&cut(0)) <= max_w => (cut(0), true),
        0 => fit_label(&whole, max_w, width),
        n => (cut(n), true),
    }
}

/// What a member box writes: its state (`name`) on the left, and figures on its right or on a
/// second line.
#[derive(Clone, Debug, PartialEq)]
pub enum MemberLines {
    /// One line: the name, the figures at the right.
    One { name: String, figures: String },
    /// Two lines: the name with `right` at its right, then `below`.
    Two { name: String, right: Option<String>, below: String },
}

/// How a member box `inner` px wide writes its state `name` and its figures: `both` ("lag 2.9k
/// · 988/s"), or, for a member with a lag, `lag` ("lag 2.9k") and `pace` ("988/s") apart.
/// On one line if they fit (`gap` px between); else, in a box tall enough for two lines, the
/// figures below, or the lag below and the pace beside the name; else the lag alone, beside
/// the name or below it. None: nothing fits whole (the caller cuts).
pub fn member_lines(
    name: &str,
    both: &str,
    apart: Option<(&str, &str)>,
    inner: f64,
    gap: f64,
    two_rows: bool,
    width: impl Fn(&str) -> f64,
) -> Option<MemberLines> {
    let (name_w, both_w) = (width(name), width(both));
    if name_w + gap + both_w <= inner {
        let (name, figures) = (name.to_string(), both.to_string());
        return Some(MemberLines::One { name, figures });
    }
    let two_rows = two_rows && name_w <= inner;
    if two_rows && both_w <= inner {
        let (name, below) = (name.to_string(), both.to_string());
        return Some(MemberLines::Two { name, right: None, below });
    }
    let (lag, pace) = apart?;
    let lag_w = width(lag);
    if two_rows && name_w + gap + width(pace) <= inner && lag_w <= inner {
        let (name, right, below) = (name.to_string(), Some(pace.to_string()), lag.to_string());
        return Some(MemberLines::Two { name, right, below });
    }
    // Else the lag without the pace.
    if name_w + gap + lag_w <= inner {
        return Some(MemberLines::One { name: name.to_string(), figures: lag.to_string() });
    }
    (two_rows && lag_w <= inner).then(|| MemberLines::Two {
        name: name.to_string(),
        right: None,
        below: lag.to_string(),
    })
}

/// `s` on two lines of at most `max_w` px each, broken after a space or a full-width comma or
/// colon (kept on the first line), at the break whose longer line is shortest; None if no
/// break makes both fit.
pub fn two_lines(s: &str, max_w: f64, width: impl Fn(&str) -> f64) -> Option<(String, String)> {
    let breaks = s.char_indices().filter_map(|(i, c)| match c {
        ' ' => Some((i, i + 1)),
        '\u{ff0c}' | '\u{ff1a}' | '\u{3001}' => Some((i + c.len_utf8(), i + c.len_utf8())),
        _ => None,
    });
    breaks
        .map(|(end, start)| (s[..end].trim_end(), &s[start..]))
        .filter(|(a, b)| !a.is_empty() && !b.is_empty())
        .map(|(a, b)| (width(a).max(width(b)), a, b))
        .filter(|(w, _, _)| *w <= max_w)
        .min_by(|x, y| x.0.total_cmp(&y.0))
        .map(|(_, a, b)| (a.to_string(), b.to_string()))
}

fn column(count: usize, top: f64, height: f64, row_max: f64, gap: f64) -> Vec<(f64, f64)> {
    if count == 0 {
        return Vec::new();
    }
    let h = ((height - gap * (count as f64 - 1.0)) / count as f64).clamp(0.25, row_max);
    // A short column is centred vertically rather than left hanging at the top.
    let used = count as f64 * h + gap * (count as f64 - 1.0);
    let top = top + ((height - used) / 2.0).max(0.0);
    (0..count).map(|i| (top + i as f64 * (h + gap), h)).collect()
}

impl Layout {
    /// Lays out `cluster` on a `width` x `height` canvas (CSS px).
    pub fn new(cluster: &Cluster, width: f64, height: f64) -> Layout {
        Layout::new_for(cluster, width, height, false)
    }

    /// Lays out `cluster` on a `width` x `height` canvas (CSS px), in presenter mode or not.
    pub fn new_for(cluster: &Cluster, width: f64, height: f64, presenter: bool) -> Layout {
        let k = stage_scale(width, height, presenter);
        let pad = 16.0 * k;
        // A narrow canvas (a phone) narrows the lanes and the side columns below their sizes.
        // Wide enough for the longest strip name ("payments-5": at most 8 px a character of the
        // 12 px type), as far as the width allows.
        let name_chars = cluster
            .topics()
            .iter()
            .map(|t| t.name.chars().count() + 1 + t.partitions.len().max(1).ilog10() as usize + 1)
            .max()
            .unwrap_or(0);
        // At most 15% of the width: at 1024 px, 12% cut "payments-0" to "payment…". In
        // presenter mode, whose strips are plain bars and type larger, 18%: 15% cut it to
        // "paym…-0".
        let lane_cap = if presenter { 0.18 } else { 0.15 };
        let lane = (LANE_PX * k).max((name_chars as f64 * 8.0 + 14.0) * k).min(width * lane_cap);
        let lane_r = (LANE_RIGHT_PX * k).min(width * 0.15);
        // The side columns take a fifth of the width each, within bounds that grow with the
        // type (so a name and its figures fit side by side when there is room).
        let mut side_w = (width * 0.19).clamp(110.0 * k, 240.0 * k).min(width * 0.25);
        // The readers' column has more to say (name, lag, kind, state, figures; a push model's
        // or a share group's note): wider than the producers'.
        let sets = consumer_sets(cluster);
        // In presenter mode the strips are plain bars, which need less width, and the type is
        // larger: the readers take more (at 1280 px their lag, state and marks were cut).
        let noted = sets.iter().any(|g| g.note.is_some());
        // (At 1024 px in presenter mode, 1.1 cut a member's "落後 203 · 355／秒", 1.3 left
        // the strips too narrow for their produce latency.)
        let widen = match (presenter, noted) {
            (true, false) => 1.2,
            (false, true) => 1.45,
            (true, true) => 1.9,
            (false, false) => 1.1,
        };
        let top = HEADER_PX * k;
        let avail = (height - top - pad).max(10.0);
        let total: usize = cluster.topics().iter().map(|t| t.partitions.len()).sum();
        let heat = crate::model::heat::heat_view(cluster);
        let dense = dense(cluster) || heat;
        let max_rf = cluster
            .topics()
            .iter()
            .flat_map(|t| &t.partitions)
            .map(|p| p.replicas.len())
            .max()
            .unwrap_or(1);
        let chip_w = CHIP_PX * k;
        let replica_w =
            if max_rf > 1 && !dense && !presenter { chip_w * max_rf as f64 + 4.0 * k } else { 0.0 };
        // The strips keep at least 40 px, taken from the side columns if need be.
        let short = 40.0 - (width - (1.0 + widen) * side_w - 2.0 * pad - lane - lane_r - replica_w);
        if short > 0.0 {
            side_w = (side_w - short / (1.0 + widen)).max(20.0);
        }
        let right_w = side_w * widen;
        let mid_x = pad + side_w + lane + replica_w;
        let producers: Vec<Rect> =
            column(cluster.producers().len(), top, avail, 72.0 * k, 10.0 * k)
                .into_iter()
                .map(|(y, h)| Rect { x: pad, y, w: side_w, h })
                .collect();
        let mid_w = (width - side_w - right_w - 2.0 * pad - lane - lane_r - replica_w).max(40.0);
        // The heat view has no strip: no rectangle per partition either.
        let rows = if heat {
            Vec::new()
        } else {
            column(total, top, avail, 56.0 * k, if dense { 0.0 } else { 6.0 * k })
        };
        let mut it = rows.into_iter();
        let partitions: Vec<Vec<Rect>> = cluster
            .topics()
            .iter()
            .map(|t| {
                (0..if heat { 0 } else { t.partitions.len() })
                    .map(|_| {
                        let (y, h) = it.next().expect("one row per partition");
                        Rect { x: mid_x, y, w: mid_w, h }
                    })
                    .collect()
            })
            .collect();
        // The names from just right of the producers' column to just left of the chips; the
        // offsets from just right of the strips to just left of the consumers' column.
        let label_w = (lane - 14.0 * k).max(0.0);
        let partition_labels = partitions
            .iter()
            .map(|rows| {
                rows.iter()
                    .map(|r| Rect { x: r.x - replica_w - 6.0 * k - label_w, w: label_w, ..*r })
                    .collect()
            })
            .collect();
        let offset_labels = partitions
            .iter()
            .map(|rows| {
                let w = (OFFSET_LABEL_PX * k).min(lane_r - 14.0 * k).max(0.0);
                rows.iter().map(|r| Rect { x: r.right() + 6.0 * k, w, ..*r }).collect()
            })
            .collect();
        let n_brokers =
            if cluster.brokers().len() > 1 && !heat { cluster.brokers().len() } else { 0 };
        let broker_h = 20.0 * k;
        let limited = crate::model::capacity::limited(cluster);
        // Up to 16 brokers share the right two thirds of the heading row ("b0 ×" fits at
        // three brokers on a projector beside a lesson); half in presenter mode, whose larger
        // heading needs the room. Where that makes them narrower than a full box, they also
        // take the heading row over the lane to the consumers (at 1024 px, three brokers got
        // 28 px each and their gauges' "queue full" read "qu… full").
        let gap = 6.0 * k;
        let share = if presenter { 0.5 } else { 0.66 };
        // Then they start further right, so that the column's heading keeps room for
        // "Partitions" (hot-partition at 1024 px read "Partiti…").
        let each = |span: f64| span / n_brokers.max(1) as f64 - gap;
        let (mut left, mut brokers_right) = (mid_x + mid_w * (1.0 - share), mid_x + mid_w);
        if each(brokers_right - left) < BROKER_BOX_PX * k {
            left = mid_x + mid_w * (1.0 - share).max(0.45);
            brokers_right += (lane_r - 10.0 * k).max(0.0);
        }
        let broker_w = each(brokers_right - left).clamp(20.0, BROKER_BOX_PX * k);
        let brokers: Vec<Rect> = (0..n_brokers)
            .map(|i| {
                let from_right = (n_brokers - i) as f64 * (broker_w + gap);
                // With limits, the box is taller: its gauges go under the label.
                let h = if limited { BROKER_GAUGES_H_PX * k } else { broker_h };
                Rect { x: brokers_right - from_right + gap, y: 6.0 * k, w: broker_w, h }
            })
            .collect();
        let right_x = width - pad - right_w;
        let heading =
            |x: f64, right: f64| Rect { x, y: 6.0 * k, w: (right - x).max(0.0), h: broker_h };
        let strips_x = mid_x - replica_w;
        // In presenter mode (large type, no replica chips) the partitions' heading starts
        // over their names, not the strips ("Partit…" at 1024 px).
        let names_x = if presenter { pad + side_w + 8.0 * k } else { strips_x };
        let headings = [
            heading(pad, pad + side_w),
            heading(names_x, brokers.first().map_or(mid_x + mid_w, |b| b.x - 8.0 * k)),
            heading(right_x, right_x + right_w),
        ];
        // Right-aligned under the strips, and free to run left under the partitions' names
        // and the producers' column (nothing else is written in that bottom margin).
        let scale_label = Rect { x: pad, y: height - pad, w: mid_x + mid_w - pad, h: pad };
        let (groups, members) = Self::consumers(&sets, right_x, right_w, top, avail, k);
        let heat = heat.then(|| {
            let counts: Vec<usize> = cluster.topics().iter().map(|t| t.partitions.len()).collect();
            let r = Rect { x: strips_x, y: top, w: mid_x + mid_w - strips_x, h: avail };
            HeatLayout::new(cluster.brokers().len(), &counts, r, fonts_at(k).small * 1.25)
        });
        Layout {
            width,
            height,
            scale: k,
            fonts: fonts_at(k),
            presenter,
            producers,
            partitions,
            partition_labels,
            offset_labels,
            headings,
            scale_label,
            groups,
            members,
            dense,
            heat,
            replica_w,
            chip_w,
            brokers,
            sets,
        }
    }

    /// The height of a line of small text, px.
    pub fn line_h(&self) -> f64 {
        self.fonts.small * 1.25
    }

    /// Where the mark of a fault at `at` is written: inside the box of what it happened to
    /// (a member's or producer's box, the newer half of a strip), over an opaque plate, so
    /// it never covers another box's labels (issue 10: "13 dropped" was written over the
    /// strips' offsets). None if `at` is not on the stage.
    pub fn mark_box(&self, at: Endpoint) -> Option<Rect> {
        let inset = |r: &Rect| Rect { x: r.x + 1.0, y: r.y + 1.0, w: r.w - 2.0, h: r.h - 2.0 };
        match at {
            Endpoint::Producer(i) => {
                let r = self.producers.get(i as usize)?;
                // The bottom line: the name stays readable above it.
                let h = self.line_h().min(r.h - 2.0);
                Some(Rect { y: r.y + r.h - 1.0 - h, h, ..inset(r) })
            }
            Endpoint::Member(g, m) => self.members.get(g as usize)?.get(m as usize).map(inset),
            Endpoint::Partition(t, p) | Endpoint::Replica(t, p, _) => {
                let r = self.partitions.get(t as usize)?.get(p as usize)?;
                Some(Rect { x: r.x + r.w / 2.0, w: r.w / 2.0, ..*r })
            }
        }
    }

    fn consumers(
        sets: &[ConsumerSet],
        x: f64,
        w: f64,
        top: f64,
        avail: f64,
        k: f64,
    ) -> (Vec<Rect>, Vec<Vec<Rect>>) {
        // Each set: a header (name, then its kind, then its note on a line of its own if it has
        // one) and its members; rows share the height.
        let full: f64 =
            sets.iter().map(|g| if g.note.is_some() { HEAD_NOTE_PX } else { HEAD_PX } + 10.0).sum();
        // Headers take at most two thirds of the column (a phone: they shrink, and the canvas
        // leaves out the lines that no longer fit).
        let squeeze = (avail * 2.0 / 3.0 / (full * k)).min(1.0);
        let gap = 10.0 * k * squeeze;
        let head =
            |g: &ConsumerSet| squeeze * k * if g.note.is_some() { HEAD_NOTE_PX } else { HEAD_PX };
        let heads: f64 = sets.iter().map(|g| head(g) + gap).sum();
        let n_members: usize = sets.iter().map(|g| g.members.len().max(1)).sum();
        let for_rows = (avail - heads).max(10.0);
        // Below a pixel a member when there are more members than pixels (production's 1,024):
        // each group a band of its members' colours, every group in the column.
        let row = (for_rows / n_members.max(1) as f64).min(44.0 * k);
        let used = heads + row * n_members as f64 - gap;
        let mut y = top + ((avail - used) / 2.0).max(0.0);
        let mut groups = Vec::new();
        let mut members = Vec::new();
        for g in sets {
            let head = head(g);
            groups.push(Rect { x, y, w, h: head });
            y += head;
            let list: Vec<Rect> = (0..g.members.len())
                .map(|i| {
                    // A gap between boxes while they are a few pixels tall; none below that.
                    let h = if row >= MEMBER_BOX_MIN_PX * k { row - 2.0 * k } else { row };
                    Rect { x, y: y + i as f64 * row, w, h }
                })
                .collect();
            y += row * g.members.len().max(1) as f64 + gap;
            members.push(list);
        }
        (groups, members)
    }

    /// The point a flight leaves from or arrives at.
    pub fn anchor(&self, e: Endpoint, leaving: bool) -> Option<(f64, f64)> {
        match e {
            Endpoint::Producer(i) => self.producers.get(i as usize).map(|r| (r.right(), r.mid_y())),
            Endpoint::Partition(t, p) => {
                let r = self.partitions.get(t as usize)?.get(p as usize)?;
                // Batches arrive at the log end (right); records leave from the right as well,
                // where the newest committed data is.
                Some((if leaving { r.right() } else { r.right() - 2.0 }, r.mid_y()))
            }
            Endpoint::Member(g, m) => {
                let r = self.members.get(g as usize)?.get(m as usize)?;
                Some((r.x, r.mid_y()))
            }
            Endpoint::Replica(t, p, i) => {
                if self.replica_w <= 0.0 {
                    return None;
                }
                let r = self.partitions.get(t as usize)?.get(p as usize)?;
                let x = r.x - self.replica_w + (i as f64 + 0.5) * self.chip_w - 1.0;
                Some((x, r.mid_y()))
            }
        }
    }

    /// The frame a lesson draws around a region of the stage, if the region has anything.
    pub fn region(&self, r: crate::model::lesson::StageRegion) -> Option<Rect> {
        use crate::model::lesson::StageRegion;
        let (w, h, pad) = (self.width, self.height, REGION_PAD_PX);
        match r {
            StageRegion::Producers => around(self.producers.iter(), pad, w, h),
            StageRegion::Partitions => around(self.partitions.iter().flatten(), pad, w, h),
            StageRegion::Consumers => {
                around(self.groups.iter().chain(self.members.iter().flatten()), pad, w, h)
            }
        }
    }

    /// Where a flight between `e` and `other` meets `e`: traffic between a strip and a member
    /// meets the strip past its offset label, so the dots do not run over the figure.
    fn anchor_towards(&self, e: Endpoint, other: Endpoint, leaving: bool) -> Option<(f64, f64)> {
        match (e, other) {
            (Endpoint::Partition(t, p), Endpoint::Member(..)) => {
                let r = self.offset_labels.get(t as usize)?.get(p as usize)?;
                Some((r.right(), r.mid_y()))
            }
            _ => self.anchor(e, leaving),
        }
    }

    /// Position of a flight at wall time `now_ms`, eased; None if an endpoint vanished.
    pub fn flight_position(&self, f: &Flight, now_ms: f64) -> Option<(f64, f64)> {
        let (x0, y0) = self.anchor_towards(f.from, f.to, true)?;
        let (x1, y1) = self.anchor_towards(f.to, f.from, false)?;
        let t = f.progress(now_ms);
        let e = t * t * (3.0 - 2.0 * t);
        // A copy to a follower hops over the chips between them.
        let hop = if f.kind == FlightKind::Replicate {
            libm::sin(std::f64::consts::PI * e) * HOP_PX * self.scale
        } else {
            0.0
        };
        Some((x0 + (x1 - x0) * e, y0 + (y1 - y0) * e - hop))
    }
}

/// Something on the stage.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Selection {
    /// A producer, by index.
    Producer(usize),
    /// A partition.
    Partition(Tp),
    /// A reader (group, share group, subscription), by its position in `Cluster::readers()`.
    Set(usize),
    /// One member of a set.
    Member(usize, usize),
    /// A broker, by id.
    Broker(usize),
}

impl Layout {
    /// What is under the point `(x, y)` (CSS px), if anything.
    pub fn hit(&self, x: f64, y: f64) -> Option<Selection> {
        let inside = |r: &Rect| x >= r.x && x <= r.right() && y >= r.y && y <= r.y + r.h;
        if let Some(b) = self.brokers.iter().position(inside) {
            return Some(Selection::Broker(b));
        }
        if let Some(s) = self.heat.as_ref().and_then(|h| h.hit(x, y)) {
            return Some(s);
        }
        if let Some(i) = self.producers.iter().position(inside) {
            return Some(Selection::Producer(i));
        }
        for (t, rows) in self.partitions.iter().enumerate() {
            // The strip with its name, replica chips and offset.
            let grown = |(p, r): (usize, &Rect)| {
                let name = self.partition_labels[t][p];
                Rect { x: name.x, w: self.offset_labels[t][p].right() - name.x, ..*r }
            };
            if let Some(p) = rows.iter().enumerate().position(|pr| inside(&grown(pr))) {
                return Some(Selection::Partition(Tp { topic: t as u16, partition: p as u32 }));
            }
        }
        if let Some(g) = self.groups.iter().position(inside) {
            return Some(Selection::Set(g));
        }
        for (g, list) in self.members.iter().enumerate() {
            if let Some(m) = list.iter().position(inside) {
                return Some(Selection::Member(g, m));
            }
        }
        None
    }
}

/// How a piece of a partition strip is filled.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StripFill {
    /// Offsets below the log start offset: deleted by retention (Kafka's
    /// `UnifiedLog.logStartOffset`: records below it are gone).
    Deleted,
    /// A batch's records: its producer and most frequent key (for the colour).
    Batch {
        /// Producer index.
        producer: u32,
        /// Key index (`u32::MAX` for none).
        key: u32,
    },
}

/// Batches walked one by one per strip and frame; older data in the window is looked up one
/// pixel column at a time.
pub const STRIP_BATCHES_MAX: usize = 4_096;

/// What a strip `r` showing the newest `window` offsets of `log` is filled with, oldest data
/// left: the deleted band (exactly the offsets below the log start offset), then batches.
/// Batches narrower than a pixel are merged (the newest wins), so a strip costs at most about
/// its width in rectangles, and at most [`STRIP_BATCHES_MAX`] batches plus one binary search
/// per pixel column are visited.
pub fn strip_fills(log: &PartitionLog, r: Rect, window: f64) -> Vec<(Rect, StripFill)> {
    let leo = log.log_end_offset();
    let x_of = |o: u64| r.right() - (leo.saturating_sub(o) as f64 / window) * r.w;
    let mut out = Vec::new();
    let start = log.log_start_offset();
    let start_x = x_of(start).max(r.x);
    if start > 0 && start_x > r.x {
        out.push((Rect { w: start_x - r.x, ..r }, StripFill::Deleted));
    }
    let mut drawn_to = r.right() + 1.0; // left edge of what is already filled
    for (visited, b) in log.batches().rev().enumerate() {
        let x1 = x_of(b.end_offset()).min(drawn_to);
        if x1 <= r.x {
            break;
        }
        if visited == STRIP_BATCHES_MAX {
            older_columns(log, r, window, x1, start_x, &mut out);
            break;
        }
        let x0 = x_of(b.base_offset).max(r.x);
        if x1 - x0 < 1.0 && drawn_to - x1 < 1.0 && x1 < r.right() {
            continue; // same pixel as the newer batch already drawn
        }
        let gap = if x1 - x0 > 3.0 { 1.0 } else { 0.0 };
        let cell = Rect { x: x0, w: (x1 - x0 - gap).max(1.0), ..r };
        out.push((cell, StripFill::Batch { producer: b.producer, key: b.key }));
        drawn_to = x0;
    }
    out
}

/// The data left of `x1` down to the log start at `start_x`, one pixel column at a time: the
/// batch holding each column's newest offset (its colour), neighbours of one fill merged.
fn older_columns(
    log: &PartitionLog,
    r: Rect,
    window: f64,
    x1: f64,
    start_x: f64,
    out: &mut Vec<(Rect, StripFill)>,
) {
    let leo = log.log_end_offset() as f64;
    let mut x = x1;
    // Bounded by the strip's width.
    while x > start_x {
        let x0 = (x - 1.0).max(start_x);
        // The newest offset of the column [x0, x).
        let newest = (leo - (r.right() - x) / r.w * window).ceil() - 1.0;
        let offset = (newest.max(0.0) as u64).max(log.log_start_offset());
        if let Some(b) = log.batch_at(offset) {
            let f = StripFill::Batch { producer: b.producer, key: b.key };
            match out.last_mut() {
                Some((c, last)) if *last == f && (c.x - x).abs() < 1e-9 => {
                    c.w += c.x - x0;
                    c.x = x0;
                }
                _ => out.push((Rect { x: x0, w: x - x0, ..r }, f)),
            }
        }
        x = x0;
    }
}

#[cfg(test)]
#[path = "layout_tests.rs"]
mod tests;
