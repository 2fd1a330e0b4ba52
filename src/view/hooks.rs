//! Custom hooks.

mod animation_frame;
mod keyboard;

pub use animation_frame::use_animation_frame;
pub use keyboard::use_keyboard;
