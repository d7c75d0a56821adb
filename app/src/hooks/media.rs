//! Browser preferences that change how the page draws: `prefers-reduced-motion` (read once;
//! the page also has its own switch) and narrow screens (followed as the window changes).

use gloo_events::EventListener;
use wasm_bindgen::JsCast;
use web_sys::{window, MediaQueryList};
use yew::prelude::*;

use crate::state::Action;
use crate::state::Dispatch;

/// Below this width the page stacks its panels and draws the cluster for small screens.
const NARROW: &str = "(max-width: 600px)";

fn query(media: &str) -> Option<MediaQueryList> {
    window()?.match_media(media).ok().flatten()
}

/// Sends the reduced-motion preference at start, and `SetCompact` whenever the screen turns
/// narrow or wide.
#[hook]
pub fn use_media_preferences(dispatch: Dispatch) {
    use_effect_with((), move |_| {
        if query("(prefers-reduced-motion: reduce)").is_some_and(|m| m.matches()) {
            dispatch.dispatch(Action::SetReducedMotion(true));
        }
        let narrow = query(NARROW);
        if let Some(m) = &narrow {
            dispatch.dispatch(Action::SetCompact(m.matches()));
        }
        let listener = narrow.map(|m| {
            EventListener::new(&m, "change", move |event| {
                if let Some(m) = event
                    .target()
                    .and_then(|t| t.dyn_into::<MediaQueryList>().ok())
                {
                    dispatch.dispatch(Action::SetCompact(m.matches()));
                }
            })
        });
        move || drop(listener)
    });
}
