//! The Yew components around the canvas: controls and panels.

mod actions;
mod controls;
mod counters;
mod display_options;
mod import_export;
mod inspector;
mod language;
mod legend;
mod term;

pub use actions::{Actions, ActionsProps};
pub use controls::{Controls, ControlsProps};
pub use counters::{Counters, CountersProps};
pub use display_options::{ColourBy, DisplayProps, LagGroup};
pub use import_export::{ImportExport, ImportExportProps};
pub use inspector::{Inspector, InspectorProps};
pub use language::language_switch;
pub use legend::legend;
pub use term::term;
