//! Presenter mode's full screen (the Fullscreen API): the page asks for it when presenter mode
//! starts and leaves it when it ends; leaving full screen by the browser's own means (Escape)
//! ends presenter mode.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::model::state::Action;

/// Asks for the whole page in full screen. The browser may refuse (no user gesture, an iframe,
/// a headless browser): presenter mode then goes on in the window. `requestFullscreen` is
/// called through its promise so that a refusal is handled rather than logged as an error.
fn enter() {
    let Some(root) =
        web_sys::window().and_then(|w| w.document()).and_then(|d| d.document_element())
    else {
        return;
    };
    let ask = js_sys::Reflect::get(&root, &JsValue::from_str("requestFullscreen"))
        .ok()
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok());
    let Some(promise) = ask.and_then(|f| f.call0(&root).ok()) else { return };
    if let Ok(p) = promise.dyn_into::<js_sys::Promise>() {
        wasm_bindgen_futures::spawn_local(async move {
            let _ = wasm_bindgen_futures::JsFuture::from(p).await;
        });
    }
}

fn leave() {
    if let Some(d) = web_sys::window().and_then(|w| w.document()) {
        if d.fullscreen_element().is_some() {
            d.exit_fullscreen();
        }
    }
}

/// Full screen follows `presenter`; leaving full screen otherwise sends
/// [`Action::LeavePresenter`] to `dispatch`.
#[hook]
pub fn use_fullscreen(presenter: bool, dispatch: Callback<Action>) {
    use_effect_with(presenter, |&on| if on { enter() } else { leave() });
    let latest = use_mut_ref(|| dispatch.clone());
    *latest.borrow_mut() = dispatch;
    use_effect_with((), move |_| {
        let document = web_sys::window().and_then(|w| w.document());
        let doc = document.clone();
        let listener = Closure::<dyn FnMut(web_sys::Event)>::new(move |_: web_sys::Event| {
            if doc.as_ref().is_some_and(|d| d.fullscreen_element().is_none()) {
                latest.borrow().emit(Action::LeavePresenter);
            }
        });
        let listener = Rc::new(RefCell::new(Some(listener)));
        if let (Some(d), Some(l)) = (&document, listener.borrow().as_ref()) {
            let _ =
                d.add_event_listener_with_callback("fullscreenchange", l.as_ref().unchecked_ref());
        }
        move || {
            if let (Some(d), Some(l)) = (&document, listener.borrow_mut().take()) {
                let _ = d.remove_event_listener_with_callback(
                    "fullscreenchange",
                    l.as_ref().unchecked_ref(),
                );
            }
        }
    });
}
