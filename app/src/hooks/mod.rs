//! Hooks that connect the model to the browser: the animation clock, keyboard shortcuts and
//! the reduced-motion preference.

mod animation_clock;
pub mod bench;
mod lesson_texts;
mod link;
mod media;
mod shortcuts;
mod sim_worker;
pub mod storage;

pub use animation_clock::use_animation_clock;
pub use lesson_texts::fetch_lesson_texts;
pub use link::{clear_link, replace_link, show_link, use_follow_links};
pub use media::use_media_preferences;
pub use shortcuts::{use_shortcuts, SHORTCUTS};
pub use sim_worker::use_sim_worker;

use web_sys::window;

/// Real time in ms (`performance.now()`), for frame durations.
pub fn now_ms() -> f64 {
    window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}
