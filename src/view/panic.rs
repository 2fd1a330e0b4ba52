//! The panic overlay: what crashed, with the running scenario's seed and a download of it.

use std::cell::RefCell;

use brook_engine::Scenario;

use crate::model::i18n::{Lang, Msg};

/// What the panic overlay needs of the running scenario.
struct PanicContext {
    seed: u64,
    name: String,
    json: String,
}

thread_local! {
    /// The scenario running now, for the panic overlay.
    static PANIC_CONTEXT: RefCell<Option<PanicContext>> = const { RefCell::new(None) };
    /// The page's language, for the panic overlay.
    static PANIC_LANG: std::cell::Cell<Lang> = const { std::cell::Cell::new(Lang::En) };
}

/// Remembers the page's language for the panic overlay.
pub fn set_panic_lang(lang: Lang) {
    PANIC_LANG.with(|l| l.set(lang));
}

/// Remembers the running scenario so a panic can show its seed and offer it for download.
pub fn set_panic_context(s: &Scenario) {
    let ctx = PanicContext { seed: s.seed, name: s.name.clone(), json: s.to_json() };
    PANIC_CONTEXT.with(|c| *c.borrow_mut() = Some(ctx));
}

/// Shows `message` over the page with the running scenario's seed and a download of it.
pub fn show_panic_overlay(message: &str) {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else { return };
    let Some(body) = doc.body() else { return };
    let Ok(div) = doc.create_element("div") else { return };
    let (seed, name, json) = PANIC_CONTEXT.with(|c| {
        c.borrow().as_ref().map_or((0, "unknown".to_string(), String::new()), |p| {
            (p.seed, p.name.clone(), p.json.clone())
        })
    });
    div.set_class_name("panic-overlay");
    div.set_attribute("role", "alert").ok();
    div.set_attribute("data-testid", "panic").ok();
    let lang = PANIC_LANG.with(|l| l.get());
    div.set_text_content(Some(&lang.f(Msg::PanicStopped, &[&message, &name, &seed])));
    if let Ok(a) = doc.create_element("a") {
        let href = format!("data:application/json,{}", js_sys::encode_uri_component(&json));
        a.set_attribute("href", &href).ok();
        a.set_attribute("download", &format!("brook-crash-{name}-seed{seed}.json")).ok();
        a.set_text_content(Some(lang.t(Msg::PanicDownload)));
        let _ = div.append_child(&a);
    }
    let _ = body.append_child(&div);
}
