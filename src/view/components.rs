//! The Yew components around the canvas: controls and panels.

mod actions;
mod charts;
mod controls;
mod counters;
mod display_options;
mod follow_panel;
mod import_export;
mod inspector;
mod language;
mod legend;
mod lesson;
mod plan;
mod share;
mod stage_terms;
mod term;
mod timeline;
mod without_queue;

pub use actions::{Actions, ActionsProps};
pub use charts::chart_box;
pub use controls::{Controls, ControlsProps};
pub use counters::{Counters, CountersProps};
pub use display_options::{ColourBy, DisplayProps, LagGroup};
pub use follow_panel::follow_panel;
pub use import_export::{ImportExport, ImportExportProps};
pub use inspector::{Inspector, InspectorProps};
pub use language::language_switch;
pub use legend::legend;
pub use lesson::{lesson_menu, lesson_panel, PanelLive};
pub use plan::plan_panel;
pub use share::share_link;
pub use stage_terms::{stage_hover, stage_terms};
pub use term::term;
pub use timeline::{Timeline, TimelineProps};
pub use without_queue::{WithoutQueuePanel, WithoutQueueProps};
