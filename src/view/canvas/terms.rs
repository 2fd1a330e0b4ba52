//! The stage's glossary: where this frame wrote each term ([`StageTerms`], kept from frame to
//! frame), the tooltip the pointer over a term shows (the definition the HTML terms show), and
//! the outline around a term the keyboard focused in the page's list of terms.

use std::cell::{Cell, RefCell};

use web_sys::{CanvasRenderingContext2d as Ctx, Element, HtmlElement, MouseEvent};

use crate::model::i18n::Lang;
use crate::model::layout::Rect;
use crate::model::stage_terms::{text_box, tip_position, StageTerm, StageTerms};

thread_local! {
    /// This frame's term regions.
    static TERMS: RefCell<StageTerms> = const { RefCell::new(StageTerms::new()) };
    /// The term focused in the page's list, outlined on the stage, and whether that changed
    /// since the stage last asked.
    static FOCUSED: Outlined<StageTerm> = const { Outlined::none() };
}

/// Something the stage outlines, set between frames (by the keyboard): the thing (None: no
/// outline) and whether it changed since the stage last asked.
pub struct Outlined<T: Copy>(Cell<(Option<T>, bool)>);

impl<T: Copy> Outlined<T> {
    /// Nothing outlined.
    pub const fn none() -> Self {
        Self(Cell::new((None, false)))
    }

    /// Sets the thing outlined; a still page draws its next frame now, with the outline.
    pub fn set(&self, v: Option<T>) {
        self.0.set((v, true));
        crate::view::hooks::wake_frames();
    }

    /// The thing outlined.
    pub fn get(&self) -> Option<T> {
        self.0.get().0
    }

    /// Whether it changed since the last call.
    pub fn take_changed(&self) -> bool {
        let (v, changed) = self.0.get();
        self.0.set((v, false));
        changed
    }
}

/// The outline around the focused term's regions (a colour nothing else on the stage uses).
pub const FOCUS_OUTLINE: &str = "#0ea5e9";

/// Notes that the text `s` just drawn at `x`, `y` (in the context's current font and
/// alignment, on a middle baseline) is `term`.
pub fn term(ctx: &Ctx, s: &str, x: f64, y: f64, term: StageTerm) {
    if let Ok(m) = ctx.measure_text(s) {
        let (up, down) = (m.font_bounding_box_ascent(), m.font_bounding_box_descent());
        region(text_box(x, y, m.width(), up, down, &ctx.text_align()), term);
    }
}

/// [`term`], if `t` is one.
pub fn term_if(ctx: &Ctx, s: &str, x: f64, y: f64, t: Option<StageTerm>) {
    if let Some(t) = t {
        term(ctx, s, x, y, t);
    }
}

/// Notes that `part`, the end of the text `whole` just drawn left-aligned at `x`, `y`, is `t`.
pub fn term_at_end(ctx: &Ctx, whole: &str, part: &str, x: f64, y: f64, t: StageTerm) {
    let end = x + ctx.measure_text(whole).map_or(0.0, |m| m.width());
    ctx.set_text_align("right");
    term(ctx, part, end, y, t);
}

/// Notes that `r` (a drawn mark, not text) is `term`.
pub fn region(r: Rect, term: StageTerm) {
    with(|s| s.add(r, term));
}

/// Runs `f` on this frame's regions.
#[inline(never)]
pub fn with<R>(f: impl FnOnce(&mut StageTerms) -> R) -> R {
    TERMS.with(|s| f(&mut s.borrow_mut()))
}

/// Sets the term outlined on the stage (None: none).
pub fn focus(term: Option<StageTerm>) {
    FOCUSED.with(|f| f.set(term));
}

/// Whether the focused term changed since the last call (a still stage is drawn again).
pub fn focus_moved() -> bool {
    FOCUSED.with(Outlined::take_changed)
}

/// Frames every region of the focused term, over everything else.
pub fn outline_focused(ctx: &Ctx, k: f64) {
    let Some(t) = FOCUSED.with(Outlined::get) else { return };
    ctx.set_stroke_style_str(FOCUS_OUTLINE);
    ctx.set_line_width(2.0 * k);
    with(|s| {
        for r in s.regions_of(t) {
            ctx.stroke_rect(r.x - 2.0 * k, r.y - 2.0 * k, r.w + 4.0 * k, r.h + 4.0 * k);
        }
    });
}

/// Shows `tip` beside the pointer with the definition of the term under it on `stage`, with
/// a help cursor; hides it when the pointer is over no term or has left (`e` None).
pub fn hover(stage: &Element, tip: &HtmlElement, e: Option<&MouseEvent>, lang: Lang) {
    let over =
        e.and_then(|e| with(|s| s.at(e.offset_x() as f64, e.offset_y() as f64)).map(|t| (t, e)));
    let Some((t, e)) = over else {
        let _ = tip.set_attribute("hidden", "");
        let _ = stage.remove_attribute("data-over-term");
        return;
    };
    let _ = stage.set_attribute("data-over-term", "");
    tip.set_text_content(Some(lang.t(t.def())));
    let _ = tip.remove_attribute("hidden");
    let Some(view) = web_sys::window().and_then(|w| w.document()?.document_element()) else {
        return;
    };
    let (x, y) = tip_position(
        e.client_x() as f64,
        e.client_y() as f64,
        tip.client_width() as f64,
        tip.client_height() as f64,
        view.client_width() as f64,
        view.client_height() as f64,
    );
    // Through the CSS object model: the page's Content-Security-Policy refuses a `style`
    // attribute (scripts/csp.py).
    let style = tip.style();
    let _ = style.set_property("left", &format!("{x:.0}px"));
    let _ = style.set_property("top", &format!("{y:.0}px"));
}
