//! One `requestAnimationFrame` loop per component, cancelled on unmount.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use yew::prelude::*;

type FrameFn = Rc<dyn Fn(f64)>;
type FrameClosure = Rc<RefCell<Option<Closure<dyn FnMut(f64)>>>>;

/// Calls `on_frame(timestamp_ms)` on every animation frame while the component is mounted.
/// The latest `on_frame` is used each frame, so it may capture fresh handles.
#[hook]
pub fn use_animation_frame(on_frame: FrameFn) {
    let latest = use_mut_ref(|| on_frame.clone());
    *latest.borrow_mut() = on_frame;
    use_effect_with((), move |_| {
        let window = web_sys::window().expect("a browser window");
        let alive = Rc::new(Cell::new(true));
        let handle = Rc::new(Cell::new(0i32));
        let slot: FrameClosure = Rc::new(RefCell::new(None));
        let tick = {
            let (alive, handle, slot, window) =
                (alive.clone(), handle.clone(), slot.clone(), window.clone());
            Closure::<dyn FnMut(f64)>::new(move |t: f64| {
                if !alive.get() {
                    return;
                }
                let f = latest.borrow().clone();
                f(t);
                if let Some(cb) = slot.borrow().as_ref() {
                    if let Ok(id) = window.request_animation_frame(cb.as_ref().unchecked_ref()) {
                        handle.set(id);
                    }
                }
            })
        };
        if let Ok(id) = window.request_animation_frame(tick.as_ref().unchecked_ref()) {
            handle.set(id);
        }
        *slot.borrow_mut() = Some(tick);
        move || {
            alive.set(false);
            let _ = window.cancel_animation_frame(handle.get());
            // Dropping the closure breaks the Rc cycle through `slot`.
            slot.borrow_mut().take();
        }
    });
}
