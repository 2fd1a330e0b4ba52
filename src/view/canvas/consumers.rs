//! The readers' column: a header per reader and a box per member; the assignment lines from
//! partitions to the members that own them.

use brook_engine::{Cluster, ReaderKind};
use web_sys::CanvasRenderingContext2d as Ctx;

use crate::model::consumers::kind_short;
use crate::model::format::compact;
use crate::model::i18n::{Lang, Msg};
use crate::model::layout::{Layout, Rect};
use crate::model::sim::MemberRates;
use crate::view::paint::{
    fill, fit, group_colour, text, text_width, FONT_NAME, FONT_SMALL, INK, MUTED, NARROW_BOX_PX,
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
                ctx.begin_path();
                ctx.move_to(pr.right() + 40.0, pr.mid_y());
                ctx.line_to(mr.x, mr.mid_y());
                ctx.stroke();
            }
        }
    }
    ctx.set_global_alpha(1.0);
}

/// Every reader's header and member boxes; text is cut to its box (measured: Chinese is
/// about twice as wide as English per character).
pub fn consumers(ctx: &Ctx, l: &Layout, rates: &MemberRates, lang: Lang) {
    let font = FONT_SMALL;
    for (gi, g) in l.sets.iter().enumerate() {
        let h = l.groups[gi];
        let room = h.w - 10.0;
        let title = lang.f(Msg::ReaderHeader, &[&g.name, &compact(g.lag as f64)]);
        fill(ctx, Rect { w: 4.0, ..h }, group_colour(gi as u32));
        let title = fit(ctx, &title, FONT_NAME, room);
        text(ctx, &title, h.x + 8.0, h.y + 8.0, FONT_NAME, INK, "left");
        let kind = lang.t(kind_short(g.kind));
        let status = match &g.note {
            Some(note) => format!("{kind}{}{}", lang.colon(), note.text(lang)),
            None => kind.to_string(),
        };
        let colour = if g.note.is_some() { "#b45309" } else { MUTED };
        let status = fit(ctx, &status, font, room);
        text(ctx, &status, h.x + 8.0, h.y + 21.0, font, colour, "left");
        for (mi, m) in g.members.iter().enumerate() {
            let r = l.members[gi][mi];
            fill(ctx, r, m.colour);
            ctx.set_stroke_style_str("#cbd5e1");
            ctx.set_line_width(1.0);
            ctx.stroke_rect(r.x, r.y, r.w, r.h);
            let bar = Rect { y: r.y + r.h - 3.0, h: 3.0, w: r.w * m.inbox_fill.min(1.0), ..r };
            fill(ctx, bar, group_colour(gi as u32));
            if r.h >= 14.0 {
                let state = lang.t(m.state);
                let name = if g.kind == ReaderKind::Push && g.members.len() == 1 {
                    state.to_string()
                } else {
                    format!("#{mi} {state}")
                };
                // Rate over the last virtual second once measured, else the total so far.
                let done = match rates.of(gi, mi) {
                    Some(r) => lang.f(Msg::PerSec, &[&compact(r)]),
                    None => compact(m.processed as f64),
                };
                let done = match m.lag {
                    Some(lag) => lang.f(Msg::MemberLag, &[&compact(lag as f64), &done]),
                    None => done,
                };
                let inner = r.w - 12.0;
                if r.w >= NARROW_BOX_PX {
                    let done_w = text_width(ctx, &done, font);
                    let name = fit(ctx, &name, font, inner - done_w - 8.0);
                    text(ctx, &name, r.x + 6.0, r.mid_y() - 1.0, font, INK, "left");
                    text(ctx, &done, r.right() - 6.0, r.mid_y() - 1.0, font, MUTED, "right");
                } else if r.h >= 26.0 {
                    // Narrow: state above, figures below.
                    let (name, done) = (fit(ctx, &name, font, inner), fit(ctx, &done, font, inner));
                    text(ctx, &name, r.x + 6.0, r.mid_y() - 7.0, font, INK, "left");
                    text(ctx, &done, r.x + 6.0, r.mid_y() + 6.0, font, MUTED, "left");
                } else {
                    let name = fit(ctx, &name, font, inner);
                    text(ctx, &name, r.x + 6.0, r.mid_y() - 1.0, font, INK, "left");
                }
            }
        }
    }
}
