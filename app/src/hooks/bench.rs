//! Timing marks for `scripts/bench-app.sh`, through the browser's User Timing API. Frame marks
//! are only made when the page's address has `?bench` (they would pile up otherwise); the
//! first-render mark is made once, always.

use std::cell::OnceCell;

use web_sys::{window, Performance};

thread_local! {
    static ENABLED: OnceCell<bool> = const { OnceCell::new() };
}

fn enabled() -> bool {
    ENABLED.with(|on| {
        *on.get_or_init(|| {
            window()
                .and_then(|w| w.location().search().ok())
                .is_some_and(|s| s.contains("bench"))
        })
    })
}

fn performance() -> Option<Performance> {
    window()?.performance()
}

/// An animation tick starts (before the reducer runs).
pub fn tick_started() {
    if enabled() {
        if let Some(p) = performance() {
            let _ = p.mark("tick");
        }
    }
}

/// The tick's action was dispatched: records a `dispatch` measure from the tick's start (the
/// reducer, when Yew runs it at once).
pub fn tick_dispatched() {
    if enabled() {
        if let Some(p) = performance() {
            let _ = p.measure_with_start_mark("dispatch", "tick");
        }
    }
}

/// The page finished rendering after a tick: records a `frame` measure from the tick's start.
pub fn frame_done() {
    if enabled() {
        if let Some(p) = performance() {
            // No tick mark (a render for another reason): nothing to measure.
            if p.measure_with_start_mark("frame", "tick").is_ok() {
                p.clear_marks_with_mark_name("tick");
            }
        }
    }
}

/// The app rendered for the first time.
pub fn first_render() {
    if let Some(p) = performance() {
        let _ = p.mark("first-render");
    }
}

/// The playground (the formed cluster) rendered for the first time.
pub fn cluster_shown() {
    if let Some(p) = performance() {
        let _ = p.mark("cluster-shown");
    }
}

/// A big cluster's nodes (in the worker) were loaded and run Redis's rules: the time to a
/// running cluster.
pub fn big_started() {
    mark_once("big-started");
}

/// Every node of the big cluster said `cluster_state:ok` for the first time.
pub fn big_running() {
    mark_once("big-running");
}

fn mark_once(name: &str) {
    if let Some(p) = performance() {
        if p.get_entries_by_name(name).length() == 0 {
            let _ = p.mark(name);
        }
    }
}
