//! The big cluster's Web Worker (`clusterlab-worker`, built by trunk next to the page as
//! `clusterlab-sim-worker_loader.js` and its wasm, fetched only when a big cluster is chosen).
//!
//! The hook starts one worker per run of the big cluster and ends it when the run ends (a
//! reset, another size, leaving the view). It sends the learner's choices (clock, picked
//! node) whenever they change, holding every request until the worker says it is
//! [`Update::Loaded`] (the browser drops messages a worker gets before its code listens),
//! and turns the worker's answers into actions.

use std::cell::RefCell;
use std::rc::Rc;

use clusterlab_worker::protocol::{Request, Update};
use wasm_bindgen::prelude::*;
use web_sys::{ErrorEvent, MessageEvent, Worker};
use yew::prelude::*;

use crate::components::Dispatch;
use crate::state::big::{BigAction, BigCluster};
use crate::state::Action;

/// The script trunk writes for the worker (a worker's files keep their names).
const LOADER: &str = "./clusterlab-sim-worker_loader.js";

/// A running worker and the requests waiting for it to load.
pub struct WorkerLink {
    worker: Worker,
    /// `None` once loaded.
    waiting: RefCell<Option<Vec<String>>>,
    // Kept alive as long as the worker: the browser calls them.
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_error: Closure<dyn FnMut(ErrorEvent)>,
}

impl WorkerLink {
    fn start(dispatch: Dispatch) -> Result<Rc<WorkerLink>, String> {
        let worker = Worker::new(LOADER).map_err(|e| format!("{e:?}"))?;
        Ok(Rc::new_cyclic(|me: &std::rc::Weak<WorkerLink>| {
            let me = me.clone();
            let on_dispatch = dispatch.clone();
            let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
                let update = match e.data().as_string().map(|t| serde_json::from_str(&t)) {
                    Some(Ok(update)) => update,
                    Some(Err(err)) => Update::Failed {
                        message: format!("the page could not read the worker: {err}"),
                    },
                    None => return,
                };
                if update == Update::Loaded {
                    if let Some(link) = me.upgrade() {
                        link.flush();
                    }
                }
                on_dispatch.dispatch(Action::Big(BigAction::Update(update)));
            });
            let on_error = Closure::<dyn FnMut(ErrorEvent)>::new(move |e: ErrorEvent| {
                dispatch.dispatch(Action::Big(BigAction::Update(Update::Failed {
                    message: format!("the simulation thread stopped: {}", e.message()),
                })));
            });
            worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
            worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
            WorkerLink {
                worker,
                waiting: RefCell::new(Some(Vec::new())),
                _on_message: on_message,
                _on_error: on_error,
            }
        }))
    }

    /// Sends `request` now, or once the worker has loaded.
    pub fn send(&self, request: &Request) {
        let Ok(text) = serde_json::to_string(request) else {
            return;
        };
        match self.waiting.borrow_mut().as_mut() {
            Some(queue) => queue.push(text),
            None => {
                let _ = self.worker.post_message(&JsValue::from_str(&text));
            }
        }
    }

    fn flush(&self) {
        let queue = self.waiting.borrow_mut().take().unwrap_or_default();
        for text in queue {
            let _ = self.worker.post_message(&JsValue::from_str(&text));
        }
    }
}

impl Drop for WorkerLink {
    fn drop(&mut self) {
        self.worker.terminate();
    }
}

/// Runs the worker for `big`'s current run; returns the link for one-off requests (kill,
/// restart), `None` until the worker exists.
#[hook]
pub fn use_sim_worker(big: &BigCluster, dispatch: Dispatch) -> Option<Rc<WorkerLink>> {
    let link = use_state(|| None::<Rc<WorkerLink>>);
    {
        let link = link.clone();
        let start = big.start_request();
        use_effect_with(big.run, move |_| {
            match WorkerLink::start(dispatch.clone()) {
                Ok(l) => {
                    l.send(&start);
                    link.set(Some(l));
                }
                Err(message) => {
                    dispatch.dispatch(Action::Big(BigAction::Update(Update::Failed { message })))
                }
            }
            // The run ends: the worker goes with its link.
            move || link.set(None)
        });
    }
    let current = (*link).clone();
    {
        let clock = big.clock_request();
        let selected = big.selected;
        use_effect_with((current.as_ref().map(Rc::as_ptr), clock, selected), {
            let current = current.clone();
            move |(_, clock, selected)| {
                if let Some(l) = &current {
                    l.send(clock);
                    l.send(&Request::Select { node: *selected });
                }
            }
        });
    }
    current
}
