//! The app's model: everything that can be computed without a browser. No web_sys, Yew or
//! wasm_bindgen import here; `cargo test -p brook` tests it natively. The view drives it.

pub mod bench;
pub mod capacity;
pub mod changes;
pub mod charts;
pub mod consumers;
pub mod flights;
pub mod follow;
pub mod format;
pub mod heap;
pub mod heat;
pub mod i18n;
pub mod inspect;
pub mod layout;
pub mod lesson;
pub mod params;
pub mod plan;
pub mod plates;
pub mod profile_form;
pub mod queueing;
pub mod redraw;
pub mod scenario_io;
pub mod settings_form;
pub mod share;
pub mod sim;
pub mod stage_keys;
pub mod stage_terms;
pub mod state;
pub mod targets;
pub mod timeline;
pub mod without_queue;

#[cfg(test)]
mod scene_tests;
