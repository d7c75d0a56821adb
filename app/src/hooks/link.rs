//! The address bar: the page writes its share link into the fragment, and follows a link
//! pasted into the same tab (a new fragment alone does not reload a page).

use std::cell::RefCell;

use gloo_events::EventListener;
use wasm_bindgen::JsValue;
use web_sys::window;
use yew::prelude::*;

thread_local! {
    /// The fragment the page itself wrote last, so its own change is not taken for a new link.
    static OURS: RefCell<String> = const { RefCell::new(String::new()) };
}

/// Puts `fragment` in the address bar; returns the whole address.
pub fn show_link(fragment: &str) -> Option<String> {
    OURS.with(|o| *o.borrow_mut() = fragment.to_string());
    let location = window()?.location();
    location.set_hash(fragment).ok()?;
    location.href().ok()
}

/// Puts `fragment` in the address bar without a history entry (an open lesson's place, which
/// changes at every step: the browser's Back button should not walk through them).
pub fn replace_link(fragment: &str) {
    OURS.with(|o| *o.borrow_mut() = fragment.to_string());
    let Some(w) = window() else {
        return;
    };
    if let (Ok(history), Ok(path)) = (w.history(), w.location().pathname()) {
        let search = w.location().search().unwrap_or_default();
        let url = format!("{path}{search}#{fragment}");
        let _ = history.replace_state_with_url(&JsValue::NULL, "", Some(&url));
    }
}

/// Removes the fragment (a new run is not the shared one any more), without reloading.
pub fn clear_link() {
    OURS.with(|o| o.borrow_mut().clear());
    let Some(w) = window() else {
        return;
    };
    if let (Ok(history), Ok(path)) = (w.history(), w.location().pathname()) {
        let _ = history.replace_state_with_url(&JsValue::NULL, "", Some(&path));
    }
}

/// Reloads the page when someone else changes the fragment (a link pasted in this tab).
#[hook]
pub fn use_follow_links() {
    use_effect_with((), |_| {
        let listener = window().map(|w| {
            EventListener::new(&w, "hashchange", |_| {
                let Some(location) = window().map(|w| w.location()) else {
                    return;
                };
                let hash = location.hash().unwrap_or_default();
                let fragment = hash.trim_start_matches('#');
                if OURS.with(|o| *o.borrow() != fragment) {
                    let _ = location.reload();
                }
            })
        });
        move || drop(listener)
    });
}
