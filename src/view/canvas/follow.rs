//! The followed record on the stage: a ring at its offset in its partition's strip and a line
//! from there to each member that processed it.

use brook_engine::Cluster;
use web_sys::CanvasRenderingContext2d as Ctx;

use crate::model::follow::marks;
use crate::model::layout::Layout;

/// The followed record's colour: apart from the producers' and groups' colours.
const FOLLOWED: &str = "#db2777";

/// Draws the followed record, if one is known.
pub fn followed(ctx: &Ctx, l: &Layout, c: &Cluster) {
    let Some((tp, offset, members)) = c.followed().and_then(|f| marks(c, f)) else { return };
    let Some(r) = l.partitions.get(tp.topic as usize).and_then(|t| t.get(tp.partition as usize))
    else {
        return;
    };
    let log = &c.topics()[tp.topic as usize].partitions[tp.partition as usize].log;
    let window = super::log::strip_window(c) as f64;
    let behind = log.log_end_offset().saturating_sub(offset) as f64;
    let x = (r.right() - (behind / window) * r.w).clamp(r.x, r.right());
    let y = r.mid_y();
    ctx.set_stroke_style_str(FOLLOWED);
    ctx.set_line_width(2.0);
    for (set, m) in members {
        let Some(mr) = l.members.get(set).and_then(|list| list.get(m as usize)) else { continue };
        ctx.begin_path();
        ctx.move_to(x, y);
        ctx.line_to(mr.x, mr.mid_y());
        ctx.stroke();
        ctx.stroke_rect(mr.x - 1.0, mr.y - 1.0, mr.w + 2.0, mr.h + 2.0);
    }
    ctx.begin_path();
    let _ = ctx.arc(x, y, (r.h / 2.0 + 3.0).max(6.0), 0.0, std::f64::consts::TAU);
    ctx.stroke();
    ctx.set_line_width(1.0);
}
