//! Custom hooks.

mod animation_frame;

pub use animation_frame::use_animation_frame;
