//! Hooks that connect the model to the browser: the animation clock, keyboard shortcuts and
//! the reduced-motion preference.

mod animation_clock;
mod shortcuts;

pub use animation_clock::use_animation_clock;
pub use shortcuts::{use_shortcuts, SHORTCUTS};

use web_sys::window;

/// Real time in ms (`performance.now()`), for frame durations.
pub fn now_ms() -> f64 {
    window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

/// Whether the user asked the system for less motion (`prefers-reduced-motion: reduce`).
pub fn prefers_reduced_motion() -> bool {
    window()
        .and_then(|w| {
            w.match_media("(prefers-reduced-motion: reduce)")
                .ok()
                .flatten()
        })
        .is_some_and(|m| m.matches())
}
