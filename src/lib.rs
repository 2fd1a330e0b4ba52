//! Brook's web app: a Yew shell around a canvas stage that animates the engine live.

pub mod model;

/// Counts the heap the page holds, so the timeline knows what its checkpoints take
/// (`model::heap`).
#[cfg(target_arch = "wasm32")]
#[global_allocator]
static ALLOC: model::heap::Counting = model::heap::Counting;
pub mod view;

/// Mounts the app on the page body, then registers the service worker for offline use. A panic
/// is logged to the console and shown in an overlay.
pub fn start() {
    std::panic::set_hook(Box::new(|info| {
        console_error_panic_hook::hook(info);
        view::panic::show_panic_overlay(&info.to_string());
    }));
    yew::Renderer::<view::app::App>::new().render();
    view::offline::register_service_worker();
}
