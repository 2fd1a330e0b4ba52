//! Presenter mode's full screen (the Fullscreen API): the page asks for it when presenter mode
//! starts and leaves it when it ends. Leaving full screen by the browser's own means (Escape)
//! ends presenter mode: the keyboard hook hears `fullscreenchange` (`left_fullscreen`).

use yew::prelude::*;

/// Full screen follows `presenter`. The browser may refuse it (no user gesture, an iframe):
/// presenter mode then goes on in the window.
#[hook]
pub fn use_fullscreen(presenter: bool) {
    use_effect_with(presenter, |&on| {
        let Some(d) = web_sys::window().and_then(|w| w.document()) else { return };
        if on {
            if let Some(root) = d.document_element() {
                let _ = root.request_fullscreen();
            }
        } else if d.fullscreen_element().is_some() {
            d.exit_fullscreen();
        }
    });
}

/// Whether the page is not in full screen (after a `fullscreenchange`: it left it).
pub fn left_fullscreen() -> bool {
    web_sys::window().and_then(|w| w.document()).is_some_and(|d| d.fullscreen_element().is_none())
}
