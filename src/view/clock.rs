//! The wall clock of the page.

/// Milliseconds since navigation start (`performance.now()`), 0 without a window.
pub fn now_ms() -> f64 {
    web_sys::window().and_then(|w| w.performance()).map_or(0.0, |p| p.now())
}
