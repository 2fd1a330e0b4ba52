//! Brook's web app: a Yew shell around a canvas stage that animates the engine live.

pub mod app;
pub mod bench;
pub mod canvas;
pub mod charts;
pub mod components;
pub mod consumers;
mod hooks;
pub mod inspect;
pub mod params;
pub mod scenario_io;
pub mod scene;
pub mod sim;

use std::cell::RefCell;

use brook_engine::Scenario;

thread_local! {
    /// The scenario running now, for the panic overlay.
    static PANIC_CONTEXT: RefCell<Option<(u64, String)>> = const { RefCell::new(None) };
}

/// Remembers the running scenario so a panic can show its seed.
pub fn set_panic_context(s: &Scenario) {
    PANIC_CONTEXT.with(|c| *c.borrow_mut() = Some((s.seed, s.name.clone())));
}

fn show_panic_overlay(message: &str) {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let Some(body) = doc.body() else { return };
    let Ok(div) = doc.create_element("div") else {
        return;
    };
    let context = PANIC_CONTEXT.with(|c| c.borrow().clone());
    let (seed, name) = context.unwrap_or((0, "unknown".into()));
    div.set_class_name("panic-overlay");
    div.set_attribute("role", "alert").ok();
    div.set_attribute("data-testid", "panic").ok();
    div.set_text_content(Some(&format!(
        "Brook stopped: {message}\nScenario {name}, seed {seed}. Reload the page to start again."
    )));
    let _ = body.append_child(&div);
}

/// Mounts the app on the page body. A panic is logged to the console and shown in an overlay.
pub fn start() {
    std::panic::set_hook(Box::new(|info| {
        console_error_panic_hook::hook(info);
        show_panic_overlay(&info.to_string());
    }));
    yew::Renderer::<app::App>::new().render();
}
