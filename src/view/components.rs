//! The Yew components around the canvas: controls and panels.

mod actions;
mod controls;
mod counters;
mod import_export;
mod inspector;

pub use actions::{Actions, ActionsProps, Targets};
pub use controls::{speed_from_slider, speed_to_slider, Controls, ControlsProps};
pub use counters::{Counters, CountersProps};
pub use import_export::{ImportExport, ImportExportProps};
pub use inspector::{Inspector, InspectorProps};
