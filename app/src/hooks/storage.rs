//! localStorage: the language and the course progress outlive the page. Storage may be
//! missing or refused (private modes, file: pages); then nothing is remembered, silently,
//! and the page works the same.

use web_sys::{window, Storage};

/// The interface language, `en` or `fr`.
pub const LANG_KEY: &str = "clusterlab.lang";
/// The progress export text (`Progress::to_json`).
pub const PROGRESS_KEY: &str = "clusterlab.progress";

fn storage() -> Option<Storage> {
    window()?.local_storage().ok().flatten()
}

pub fn load(key: &str) -> Option<String> {
    storage()?.get_item(key).ok().flatten()
}

pub fn save(key: &str, value: &str) {
    if let Some(s) = storage() {
        // A full or refused storage only means this is not remembered.
        let _ = s.set_item(key, value);
    }
}
