//! The Yew components around the canvas: controls and panels.

mod controls;
mod counters;

pub use controls::{speed_from_slider, speed_to_slider, Controls, ControlsProps};
pub use counters::{Counters, CountersProps};
