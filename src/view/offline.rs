//! Offline use: registers the service worker (`static/sw.js`, which caches the build's files
//! when installed and serves them when the network fails). Where a page cannot have one (a
//! sandboxed iframe, plain http away from localhost, a browser without them) nothing happens:
//! no message, no panic.

use wasm_bindgen::JsCast;
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::{spawn_local, JsFuture};

/// Registers `sw.js` (beside `index.html`, so its scope is the whole site); any failure is
/// ignored.
pub fn register_service_worker() {
    let Some(window) = web_sys::window() else { return };
    let navigator = window.navigator();
    // Read through `Reflect`, which catches: in an opaque origin (a sandboxed iframe) reading
    // `navigator.serviceWorker` throws, and outside a secure context it is undefined.
    let Ok(container) = js_sys::Reflect::get(&navigator, &JsValue::from_str("serviceWorker"))
    else {
        return;
    };
    if container.is_undefined() || container.is_null() {
        return;
    }
    let container: web_sys::ServiceWorkerContainer = container.unchecked_into();
    let promise = container.register("sw.js");
    // Awaited so that a refusal is a handled rejection, not an error in the console.
    spawn_local(async move {
        let _ = JsFuture::from(promise).await;
    });
}
