//! The keyboard's cursor on the stage (`model::stage_keys`): the thing chosen with the arrow
//! keys, outlined over everything else until the stage loses focus.

use web_sys::CanvasRenderingContext2d as Ctx;

use crate::model::layout::{Layout, Selection};
use crate::model::stage_keys::rect_of;
use crate::view::canvas::terms::{Outlined, FOCUS_OUTLINE};

thread_local! {
    /// The thing under the cursor, and whether that changed since the stage last asked.
    static CURSOR: Outlined<Selection> = const { Outlined::none() };
}

/// Puts the cursor on `s` (None: no outline), and has a still stage drawn again.
pub fn set_cursor(s: Option<Selection>) {
    CURSOR.with(|c| c.set(s));
}

/// Whether the cursor moved since the last call.
pub fn cursor_moved() -> bool {
    CURSOR.with(Outlined::take_changed)
}

/// Frames the thing under the cursor.
pub fn outline_cursor(ctx: &Ctx, l: &Layout) {
    let Some(r) = CURSOR.with(Outlined::get).and_then(|s| rect_of(l, s)) else { return };
    let k = l.scale;
    ctx.set_stroke_style_str(FOCUS_OUTLINE);
    ctx.set_line_width(3.0 * k);
    ctx.stroke_rect(r.x - 3.0 * k, r.y - 3.0 * k, r.w + 6.0 * k, r.h + 6.0 * k);
}
