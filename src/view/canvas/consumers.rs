//! The readers' column: a header per reader and a box per member; the assignment lines from
//! partitions to the members that own them.

use brook_engine::{Cluster, ReaderKind};
use web_sys::CanvasRenderingContext2d as Ctx;

use super::terms;
use crate::model::consumers::{kind_short, state_short};
use crate::model::format::compact;
use crate::model::i18n::{Lang, Msg};
use crate::model::layout::{member_lines, Layout, MemberLines, Rect, MEMBER_BOX_MIN_PX};
use crate::model::sim::MemberRates;
use crate::model::stage_terms::StageTerm;
use crate::view::paint::{
    clipped, fill, first_fitting, fit, group_colour, text, text_width, Faces, RectBatch, INK, MUTED,
};

/// Faint lines from each assigned partition to its member.
pub fn assignment_lines(ctx: &Ctx, l: &Layout, c: &Cluster) {
    ctx.set_line_width(1.0);
    ctx.set_global_alpha(0.25);
    for (gi, g) in c.groups().iter().enumerate() {
        ctx.set_stroke_style_str(group_colour(gi as u32));
        for (mi, m) in g.members.iter().enumerate() {
            let Some(mr) = l.members[gi].get(mi) else {
                continue;
            };
            for tp in &m.assigned {
                let Some(pr) =
                    l.partitions.get(tp.topic as usize).and_then(|t| t.get(tp.partition as usize))
                else {
                    continue;
                };
                // From past the strip's offset label.
                let from = l.offset_labels[tp.topic as usize][tp.partition as usize].right();
                ctx.begin_path();
                ctx.move_to(from, pr.mid_y());
                ctx.line_to(mr.x, mr.mid_y());
                ctx.stroke();
            }
        }
    }
    ctx.set_global_alpha(1.0);
}

/// Every reader's header and member boxes; text is cut to its box and counted when it is
/// (measured: Chinese is about twice as wide as English per character).
pub fn consumers(ctx: &Ctx, l: &Layout, rates: &MemberRates, f: &Faces, lang: Lang) {
    let font = &f.small;
    let k = l.scale;
    for (gi, g) in l.sets.iter().enumerate() {
        let h = l.groups[gi];
        let room = h.w - 10.0 * k;
        let lag = compact(g.lag as f64, lang);
        let title = lang.f(Msg::ReaderHeader, &[&g.name, &lag]);
        fill(ctx, Rect { w: 4.0 * k, ..h }, group_colour(gi as u32));
        // A header squeezed below its 30k px (six readers in presenter mode at 1280 x 720)
        // keeps its kind line, a little higher, down to 24k px.
        // (Never closer than 11k px below the name, which the lag shares the line of.)
        let y2 = h.y + (21.0 * k).min(h.h - 5.0 * k).max(19.0 * k);
        let (x, y1) = (h.x + 8.0 * k, h.y + 8.0 * k);
        // The name and its lag on one line if they fit; else the lag goes right of the status.
        let lag_below = text_width(ctx, &title, &f.name) > room;
        let mut status_room = room;
        if lag_below {
            let lag = lang.f(Msg::ReaderLagShort, &[&lag]);
            text(ctx, &lag, h.right() - 2.0 * k, y2, font, INK, "right");
            terms::term(ctx, &lag, h.right() - 2.0 * k, y2, StageTerm::Lag);
            status_room -= text_width(ctx, &lag, font) + 8.0 * k;
            // A name too long for its face takes the smaller bold one before it is cut.
            let face =
                if text_width(ctx, &g.name, &f.name) <= room { &f.name } else { &f.small_bold };
            let name = fit(ctx, &g.name, face, room);
            text(ctx, &name, x, y1, face, INK, "left");
        } else {
            text(ctx, &title, x, y1, &f.name, INK, "left");
            let lag = lang.f(Msg::ReaderLagShort, &[&lag]);
            terms::term_at_end(ctx, &title, &lag, x, y1, StageTerm::Lag);
        }
        // The kind, then the note on a third line (the layout gives such a header the room;
        // a squeezed header leaves out what does not fit). A header squeezed to 37k px (of
        // 43k) still has the note, a little higher, so that six push subscriptions in
        // presenter mode at 1280 x 720 keep their troubles ("4 crashed, 22k requeued").
        if h.h >= 24.0 * k {
            let kind = fit(ctx, lang.t(kind_short(g.kind)), font, status_room);
            text(ctx, &kind, x, y2, font, MUTED, "left");
            terms::term(ctx, &kind, x, y2, StageTerm::of_kind(g.kind));
        } else {
            clipped();
        }
        if let Some(note) = &g.note {
            if h.h >= 37.0 * k {
                let words: Vec<String> =
                    [Some(note.text(lang)), note.short_text(lang)].into_iter().flatten().collect();
                let note = first_fitting(ctx, &words, font, room);
                let y = h.y + (34.0 * k).min(h.h - 5.5 * k);
                text(ctx, &note, x, y, font, "#b45309", "left");
            } else {
                clipped();
            }
        }
        // The members' boxes, outlines and inbox bars as one batch (a production-size group
        // has hundreds), then their lines of text.
        let mut boxes = RectBatch::default();
        let mut bars = RectBatch::default();
        for (mi, m) in g.members.iter().enumerate() {
            let r = l.members[gi][mi];
            boxes.fill(r, m.colour);
            if r.h < MEMBER_BOX_MIN_PX * k {
                continue; // a band: no outline, no inbox bar
            }
            boxes.outline(r, "#cbd5e1");
            let bh = 3.0 * k;
            let bar = Rect { y: r.y + r.h - bh, h: bh, w: r.w * m.inbox_fill.min(1.0), ..r };
            bars.fill(bar, group_colour(gi as u32));
        }
        boxes.draw(ctx);
        bars.draw(ctx);
        for (mi, m) in g.members.iter().enumerate() {
            let r = l.members[gi][mi];
            if r.h < l.fonts.small * 1.15 {
                clipped(); // no room for the member's line
                continue;
            }
            let state = lang.t(m.state);
            let solo = g.kind == ReaderKind::Push && g.members.len() == 1;
            let named =
                |state: &str| if solo { state.to_string() } else { format!("#{mi} {state}") };
            let name = named(state);
            // A state that says why ("idle: no partition") has a short form ("idle"), for a
            // box too narrow for the whole with its figures.
            let short_name = state_short(m.state).map(|s| named(lang.t(s)));
            // Rate over the last virtual second once measured, else the total so far.
            let done = match rates.of(gi, mi) {
                Some(r) => lang.f(Msg::PerSec, &[&compact(r, lang)]),
                None => compact(m.processed as f64, lang),
            };
            let lag = m.lag.map(|lag| lang.f(Msg::ReaderLagShort, &[&compact(lag as f64, lang)]));
            let both = match m.lag {
                Some(lag) => lang.f(Msg::MemberLag, &[&compact(lag as f64, lang), &done]),
                None => done.clone(),
            };
            let (x, inner) = (r.x + 6.0 * k, r.w - 12.0 * k);
            let y = r.mid_y() - k;
            let lag_term = m.lag.map(|_| StageTerm::Lag);
            let state_term = (m.state == Msg::StRebalancing).then_some(StageTerm::Rebalance);
            let two_rows = r.h >= l.fonts.small * 2.3;
            let apart = lag.as_deref().map(|lag| (lag, done.as_str()));
            let width = |t: &str| text_width(ctx, t, font);
            // The whole state with every figure it fits, else the short state; where neither
            // fits whole, the short state (if any) and the figures cut.
            let lines =
                member_lines(&name, &both, apart, inner, 8.0 * k, two_rows, width).or_else(|| {
                    let short = short_name.as_deref()?;
                    member_lines(short, &both, apart, inner, 8.0 * k, two_rows, width)
                });
            let name = short_name.unwrap_or(name);
            let lines = lines.unwrap_or_else(|| {
                if two_rows {
                    let (name, below) =
                        (fit(ctx, &name, font, inner), fit(ctx, &both, font, inner));
                    MemberLines::Two { name, right: None, below }
                } else {
                    // One line for both: the figures are cut first.
                    let name_w = text_width(ctx, &name, font);
                    let figures = fit(ctx, &both, font, (inner - name_w - 8.0 * k).max(0.0));
                    let name_room = inner - text_width(ctx, &figures, font) - 8.0 * k;
                    MemberLines::One { name: fit(ctx, &name, font, name_room), figures }
                }
            });
            let d = l.fonts.small * 0.55;
            let right_x = r.right() - 6.0 * k;
            match lines {
                MemberLines::One { name, figures } => {
                    text(ctx, &name, x, y, font, INK, "left");
                    terms::term_if(ctx, &name, x, y, state_term);
                    text(ctx, &figures, right_x, y, font, MUTED, "right");
                    terms::term_if(ctx, &figures, right_x, y, lag_term);
                }
                MemberLines::Two { name, right, below } => {
                    // Narrow: state above, figures below (the pace beside the state if the
                    // lag and the pace do not fit one line).
                    text(ctx, &name, x, r.mid_y() - d, font, INK, "left");
                    terms::term_if(ctx, &name, x, r.mid_y() - d, state_term);
                    if let Some(pace) = right {
                        text(ctx, &pace, right_x, r.mid_y() - d, font, MUTED, "right");
                    }
                    text(ctx, &below, x, r.mid_y() + d, font, MUTED, "left");
                    terms::term_if(ctx, &below, x, r.mid_y() + d, lag_term);
                }
            }
        }
    }
}
