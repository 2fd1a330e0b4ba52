//! Custom hooks.

mod animation_frame;
mod frame_loop;
mod keyboard;

pub use animation_frame::{use_animation_frame, wake_frames};
pub use frame_loop::use_frame_loop;
pub use keyboard::use_keyboard;
