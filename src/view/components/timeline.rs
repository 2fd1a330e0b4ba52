//! The scrubber under the stage: the run from 0 to the furthest virtual time reached, with a
//! mark for each timeline event and action (`model::timeline::marks`). Click or drag to go to
//! a time (`Action::Seek`, on release); Left and Right arrows move 1 virtual s
//! (`SCRUB_STEP_MS`), Page Up and Page Down 10 s, Home and End to the ends. A slider for
//! assistive technology (`role="slider"`, the time as `aria-valuetext`). After a fork it says
//! what was dropped.

use yew::prelude::*;

use crate::model::i18n::{Lang, Msg};
use crate::model::sim::Scrubber;
use crate::model::state::Action;
use crate::model::timeline::{seconds, SCRUB_STEP_MS};

/// Properties of [`Timeline`].
#[derive(Properties, PartialEq, Clone)]
pub struct TimelineProps {
    /// What it shows.
    pub view: Scrubber,
    /// Sends [`Action::Seek`].
    pub dispatch: Callback<Action>,
    /// The page's language.
    #[prop_or_default]
    pub lang: Lang,
}

/// The virtual ms at the pointer's x over `track`, within 0 and `end_ms`.
fn ms_at(track: &NodeRef, client_x: i32, end_ms: u64) -> Option<u64> {
    let el = track.cast::<web_sys::Element>()?;
    let r = el.get_bounding_client_rect();
    if r.width() <= 0.0 {
        return None;
    }
    let f = ((client_x as f64 - r.left()) / r.width()).clamp(0.0, 1.0);
    Some((f * end_ms as f64).round() as u64)
}

/// Sets the position (`data-left`) or width (`data-width`) of the track's fill, thumb and marks
/// through the CSS object model after each render: the page's Content-Security-Policy
/// (`style-src 'self'`, scripts/csp.py) refuses `style` attributes, not the object model.
fn place(track: &NodeRef) {
    use wasm_bindgen::JsCast;
    let Some(el) = track.cast::<web_sys::Element>() else { return };
    let Ok(list) = el.query_selector_all("[data-left], [data-width]") else { return };
    for i in 0..list.length() {
        let Some(e) = list.item(i).and_then(|n| n.dyn_into::<web_sys::HtmlElement>().ok()) else {
            continue;
        };
        for prop in ["left", "width"] {
            if let Some(v) = e.get_attribute(&format!("data-{prop}")) {
                let _ = e.style().set_property(prop, &v);
            }
        }
    }
}

/// The scrubber.
#[component]
pub fn Timeline(p: &TimelineProps) -> Html {
    let lang = p.lang;
    let v = &p.view;
    let track = use_node_ref();
    // Where a drag is, ms (the thumb follows it; the run goes there on release).
    let drag = use_state_eq(|| None::<u64>);
    let end_ms = v.furthest_ms;
    let shown_ms = drag.or(v.seek_ms).unwrap_or(v.now_ms).min(end_ms);
    let pct = |ms: u64| if end_ms == 0 { 0.0 } else { ms as f64 * 100.0 / end_ms as f64 };
    let on_down = {
        let (track, drag) = (track.clone(), drag.clone());
        Callback::from(move |e: PointerEvent| {
            if let Some(el) = e.target_dyn_into::<web_sys::Element>() {
                let _ = el.set_pointer_capture(e.pointer_id());
            }
            drag.set(ms_at(&track, e.client_x(), end_ms));
        })
    };
    let on_move = {
        let (track, drag) = (track.clone(), drag.clone());
        Callback::from(move |e: PointerEvent| {
            if drag.is_some() {
                drag.set(ms_at(&track, e.client_x(), end_ms));
            }
        })
    };
    let on_up = {
        let (track, drag, d) = (track.clone(), drag.clone(), p.dispatch.clone());
        Callback::from(move |e: PointerEvent| {
            if drag.is_some() {
                if let Some(t) = ms_at(&track, e.client_x(), end_ms) {
                    d.emit(Action::Seek(t));
                }
                drag.set(None);
            }
        })
    };
    let on_cancel = {
        let drag = drag.clone();
        Callback::from(move |_: PointerEvent| drag.set(None))
    };
    let on_key = {
        let d = p.dispatch.clone();
        let now = v.seek_ms.unwrap_or(v.now_ms);
        Callback::from(move |e: KeyboardEvent| {
            let to = match e.key().as_str() {
                "ArrowLeft" | "ArrowDown" => now.saturating_sub(SCRUB_STEP_MS),
                "ArrowRight" | "ArrowUp" => (now + SCRUB_STEP_MS).min(end_ms),
                "PageDown" => now.saturating_sub(10 * SCRUB_STEP_MS),
                "PageUp" => (now + 10 * SCRUB_STEP_MS).min(end_ms),
                "Home" => 0,
                "End" => end_ms,
                _ => return,
            };
            // The page's own keys (right arrow: step) stay off while the scrubber has focus.
            e.prevent_default();
            e.stop_propagation();
            d.emit(Action::Seek(to));
        })
    };
    let value = lang.f(Msg::TimelineValue, &[&seconds(shown_ms), &seconds(end_ms)]);
    let marks = v.marks.iter().map(|m| {
        let what = lang.t(m.kind.msg());
        let what = if m.user { lang.f(Msg::TimelineMarkUser, &[&what]) } else { what.into() };
        let title = lang.f(Msg::TimelineMarkAt, &[&what, &seconds(m.t_ms)]);
        html! {
            <span class="mark" data-kind={m.kind.class()} data-user={m.user.to_string()}
                data-t-ms={m.t_ms.to_string()} data-left={format!("{:.2}%", pct(m.t_ms))} {title} />
        }
    });
    {
        let track = track.clone();
        use_effect(move || place(&track));
    }
    let seeking = v.seek_ms.map(|t| lang.f(Msg::TimelineSeeking, &[&seconds(t)]));
    html! {
        <div class="timeline" data-testid="timeline" data-now-ms={v.now_ms.to_string()}
            data-furthest-ms={end_ms.to_string()}
            data-seeking={v.seek_ms.is_some().to_string()}
            data-checkpoints={v.checkpoints.to_string()}
            data-checkpoint-bytes={v.checkpoint_bytes.to_string()}>
            <span class="timeline-label" id="timeline-label" title={lang.t(Msg::TimelineHelp)}>
                { lang.t(Msg::TimelineLabel) }
            </span>
            <div ref={track} class="timeline-track" data-testid="timeline-slider" role="slider"
                tabindex="0" aria-labelledby="timeline-label"
                aria-describedby="timeline-help"
                aria-valuemin="0" aria-valuemax={end_ms.to_string()}
                aria-valuenow={shown_ms.to_string()} aria-valuetext={value.clone()}
                onpointerdown={on_down} onpointermove={on_move} onpointerup={on_up}
                onpointercancel={on_cancel} onkeydown={on_key}>
                { for marks }
                <span class="timeline-fill" data-width={format!("{:.2}%", pct(shown_ms))} />
                <span class="timeline-thumb" data-left={format!("{:.2}%", pct(shown_ms))} />
            </div>
            <span class="timeline-value" data-testid="timeline-value">{ value }</span>
            <span class="visually-hidden" id="timeline-help">{ lang.t(Msg::TimelineAria) }</span>
            <span class="timeline-status" role="status" data-testid="timeline-status">
                if let Some(f) = &v.forked {
                    <span class="timeline-forked" data-testid="timeline-forked">{ f.render(lang) }</span>
                } else if let Some(s) = seeking {
                    { s }
                }
            </span>
        </div>
    }
}
