//! One `requestAnimationFrame` loop per component, cancelled on unmount. While the page is
//! still (the frame function says nothing moves), the next frame waits [`STILL_FRAME_MS`] of
//! wall time instead of coming at the display's rate; any render of the component, or a
//! [`Waker`] call, brings the next frame at once.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use yew::prelude::*;

/// Wall ms between frames while nothing moves (paused, no replay, no dot in flight): about four
/// frames a second keep a notice's expiry and a resized window in view, at a fraction of the
/// main thread's time that sixty would take.
pub const STILL_FRAME_MS: i32 = 250;

/// The frame function: called with the frame's timestamp, ms; returns whether anything moves.
type FrameFn = Rc<dyn Fn(f64) -> bool>;
/// A kept JS callback.
type Kept<F> = RefCell<Option<Closure<F>>>;

/// The loop's handles: the frame callback, the timer that brings a still page's next frame.
struct Loop {
    window: web_sys::Window,
    alive: Cell<bool>,
    raf: Cell<i32>,
    /// The timer of a still page's next frame, while one waits.
    timeout: Cell<Option<i32>>,
    tick: Kept<dyn FnMut(f64)>,
    later: Kept<dyn FnMut()>,
}

impl Loop {
    fn request(&self) {
        if let Some(cb) = self.tick.borrow().as_ref() {
            if let Ok(id) = self.window.request_animation_frame(cb.as_ref().unchecked_ref()) {
                self.raf.set(id);
            }
        }
    }

    fn wake(&self) {
        if let Some(id) = self.timeout.take() {
            self.window.clear_timeout_with_handle(id);
            self.request();
        }
    }
}

/// Brings a still page's next frame at once (a hover that changes what a canvas shows).
#[derive(Clone)]
pub struct Waker(Rc<RefCell<Option<Rc<Loop>>>>);

impl Waker {
    /// The next frame now, if the loop waits on its still timer.
    pub fn wake(&self) {
        if let Some(l) = self.0.borrow().as_ref() {
            l.wake();
        }
    }
}

thread_local! {
    /// The page's frame loop, for events outside its component (a term focused in the list).
    static CURRENT: RefCell<Option<Waker>> = const { RefCell::new(None) };
}

/// Brings the page's next frame at once if it waits on its still timer.
pub fn wake_frames() {
    CURRENT.with(|c| {
        if let Some(w) = c.borrow().as_ref() {
            w.wake();
        }
    });
}

/// Calls `on_frame(timestamp_ms)` on every animation frame while the component is mounted,
/// less often while it returns false (see the module). The latest `on_frame` is used each
/// frame, so it may capture fresh handles.
#[hook]
pub fn use_animation_frame(on_frame: FrameFn) -> Waker {
    let latest = use_mut_ref(|| on_frame.clone());
    *latest.borrow_mut() = on_frame;
    let shared = use_mut_ref(|| None::<Rc<Loop>>);
    let waker = Waker(shared.clone());
    CURRENT.with(|c| *c.borrow_mut() = Some(waker.clone()));
    // A render may change what is drawn: the next frame now.
    waker.wake();
    use_effect_with((), move |_| {
        let window = web_sys::window().expect("a browser window");
        let lp = Rc::new(Loop {
            window,
            alive: Cell::new(true),
            raf: Cell::new(0),
            timeout: Cell::new(None),
            tick: RefCell::new(None),
            later: RefCell::new(None),
        });
        let tick = {
            let lp = lp.clone();
            Closure::<dyn FnMut(f64)>::new(move |t: f64| {
                if !lp.alive.get() {
                    return;
                }
                let f = latest.borrow().clone();
                if f(t) {
                    lp.request();
                } else if let Some(cb) = lp.later.borrow().as_ref() {
                    let id = lp.window.set_timeout_with_callback_and_timeout_and_arguments_0(
                        cb.as_ref().unchecked_ref(),
                        STILL_FRAME_MS,
                    );
                    lp.timeout.set(id.ok());
                }
            })
        };
        let later = {
            let lp = lp.clone();
            Closure::<dyn FnMut()>::new(move || {
                if lp.alive.get() && lp.timeout.take().is_some() {
                    lp.request();
                }
            })
        };
        *lp.tick.borrow_mut() = Some(tick);
        *lp.later.borrow_mut() = Some(later);
        lp.request();
        *shared.borrow_mut() = Some(lp.clone());
        move || {
            lp.alive.set(false);
            let _ = lp.window.cancel_animation_frame(lp.raf.get());
            if let Some(id) = lp.timeout.take() {
                lp.window.clear_timeout_with_handle(id);
            }
            // Dropping the closures breaks the Rc cycles through the loop.
            lp.tick.borrow_mut().take();
            lp.later.borrow_mut().take();
            shared.borrow_mut().take();
        }
    });
    waker
}
