//! Presenter keys on the whole page.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::model::state::{key_action, Action};
use crate::view::fullscreen::left_fullscreen;

/// What the listener hears on the document.
const EVENTS: [&str; 2] = ["keydown", "fullscreenchange"];

/// Space play/pause, right arrow step, + and - speed, r reset, p presenter mode, Escape
/// leaves it, and a lesson's keys while one is open (`lesson_open`; see `state::key_action`),
/// sent to `dispatch`; ignored while typing in a field or with a modifier held.
#[hook]
pub fn use_keyboard(dispatch: Callback<Action>, lesson_open: bool) {
    let latest = use_mut_ref(|| (dispatch.clone(), lesson_open));
    *latest.borrow_mut() = (dispatch, lesson_open);
    use_effect_with((), move |_| {
        let document = web_sys::window().and_then(|w| w.document());
        // One listener for keys and for `fullscreenchange`: leaving full screen by the
        // browser's own means (Escape) ends presenter mode.
        let listener = Closure::<dyn FnMut(web_sys::Event)>::new(move |e: web_sys::Event| {
            let Some(e) = e.dyn_ref::<web_sys::KeyboardEvent>() else {
                if left_fullscreen() {
                    latest.borrow().0.emit(Action::LeavePresenter);
                }
                return;
            };
            let typing =
                e.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()).is_some_and(|el| {
                    matches!(el.tag_name().as_str(), "INPUT" | "SELECT" | "TEXTAREA")
                        // The scrubber's arrows are its own.
                        || el.get_attribute("role").as_deref() == Some("slider")
                });
            // A key the focused element took (the stage's arrows and Enter) is its own.
            if typing || e.default_prevented() || e.ctrl_key() || e.meta_key() || e.alt_key() {
                return;
            }
            let (dispatch, lesson_open) = latest.borrow().clone();
            let Some(action) = key_action(&e.key(), lesson_open) else { return };
            dispatch.emit(action);
            e.prevent_default();
        });
        let listener = Rc::new(RefCell::new(Some(listener)));
        if let (Some(d), Some(l)) = (&document, listener.borrow().as_ref()) {
            for event in EVENTS {
                let _ = d.add_event_listener_with_callback(event, l.as_ref().unchecked_ref());
            }
        }
        move || {
            if let (Some(d), Some(l)) = (&document, listener.borrow_mut().take()) {
                for event in EVENTS {
                    let _ =
                        d.remove_event_listener_with_callback(event, l.as_ref().unchecked_ref());
                }
            }
        }
    });
}
