//! The app's view: the Yew components, the canvas painting, the frame loop and the browser
//! glue (clock, panic overlay, downloads, the service worker). It drives the model; the model never imports it.

pub mod app;
mod bench_run;
pub mod canvas;
pub mod chart_canvas;
pub mod clock;
pub mod components;
mod export;
mod frame;
mod fullscreen;
mod hooks;
pub(crate) mod offline;
mod paint;
pub mod panic;
pub mod share;
