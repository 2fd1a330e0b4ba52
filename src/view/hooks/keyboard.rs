//! Presenter keys on the whole page.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::model::sim::{SPEED_MAX, SPEED_MIN};

/// What the keyboard shortcuts trigger.
pub struct KeyActions {
    pub toggle: Callback<()>,
    pub step: Callback<()>,
    pub speed: Callback<f64>,
    pub reset: Callback<()>,
    pub speed_now: f64,
}

/// Space play/pause, right arrow step, + and - speed, r reset; ignored while typing in a field.
#[hook]
pub fn use_keyboard(actions: KeyActions) {
    let latest = use_mut_ref(|| None::<KeyActions>);
    *latest.borrow_mut() = Some(actions);
    use_effect_with((), move |_| {
        let document = web_sys::window().and_then(|w| w.document());
        let listener =
            Closure::<dyn FnMut(web_sys::KeyboardEvent)>::new(move |e: web_sys::KeyboardEvent| {
                let typing =
                    e.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()).is_some_and(
                        |el| matches!(el.tag_name().as_str(), "INPUT" | "SELECT" | "TEXTAREA"),
                    );
                let guard = latest.borrow();
                let Some(a) = guard.as_ref() else { return };
                if typing || e.ctrl_key() || e.meta_key() || e.alt_key() {
                    return;
                }
                match e.key().as_str() {
                    " " => a.toggle.emit(()),
                    "ArrowRight" => a.step.emit(()),
                    "+" | "=" => a.speed.emit((a.speed_now * 2.0).min(SPEED_MAX)),
                    "-" => a.speed.emit((a.speed_now / 2.0).max(SPEED_MIN)),
                    "r" => a.reset.emit(()),
                    _ => return,
                }
                e.prevent_default();
            });
        let listener = Rc::new(RefCell::new(Some(listener)));
        if let (Some(d), Some(l)) = (&document, listener.borrow().as_ref()) {
            let _ = d.add_event_listener_with_callback("keydown", l.as_ref().unchecked_ref());
        }
        move || {
            if let (Some(d), Some(l)) = (&document, listener.borrow_mut().take()) {
                let _ =
                    d.remove_event_listener_with_callback("keydown", l.as_ref().unchecked_ref());
            }
        }
    });
}
