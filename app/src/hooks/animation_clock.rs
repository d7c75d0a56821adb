//! The animation clock: while playing, a gloo `Interval` dispatches a `Tick` with the real
//! time elapsed since the previous one. The interval is kept in a `use_mut_ref` (dropping it
//! cancels it) and replaced when playback stops or starts.

use std::cell::RefCell;
use std::rc::Rc;

use gloo_timers::callback::Interval;
use yew::prelude::*;

use super::now_ms;
use crate::state::Action;
use crate::state::Dispatch;

/// About 60 frames per second.
const FRAME_MS: u32 = 16;

/// Ticks the model while `playing`.
#[hook]
pub fn use_animation_clock(playing: bool, dispatch: Dispatch) {
    let handle: Rc<RefCell<Option<Interval>>> = use_mut_ref(|| None);
    use_effect_with(playing, move |&playing| {
        if playing {
            let mut last = now_ms();
            let tick = Interval::new(FRAME_MS, move || {
                let now = now_ms();
                super::bench::tick_started();
                dispatch.dispatch(Action::Tick {
                    real_ms: now - last,
                });
                super::bench::tick_dispatched();
                last = now;
            });
            *handle.borrow_mut() = Some(tick);
        } else {
            handle.borrow_mut().take();
        }
        move || {
            handle.borrow_mut().take();
        }
    });
}
