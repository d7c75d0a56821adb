//! The Web Worker: requests from the page go to the [`Driver`]; while it is busy it runs in
//! slices, each a task of its own (a `MessageChannel` post, which the browser does not
//! throttle as it throttles nested timers), so requests are read between slices.

use std::cell::RefCell;
use std::rc::Rc;

use clusterlab_worker::driver::Driver;
use clusterlab_worker::protocol::{Request, Update};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{DedicatedWorkerGlobalScope, MessageChannel, MessageEvent};

/// The worker's state: its driver, and whether a slice is already queued.
struct Worker {
    driver: Driver,
    queued: bool,
    scope: DedicatedWorkerGlobalScope,
    channel: MessageChannel,
}

impl Worker {
    fn now(&self) -> f64 {
        self.scope.performance().map_or(0.0, |p| p.now())
    }

    fn post(&self, update: &Update) {
        match serde_json::to_string(update) {
            Ok(text) => {
                let _ = self.scope.post_message(&JsValue::from_str(&text));
            }
            Err(e) => web_sys::console::error_1(&format!("worker: {e}").into()),
        }
    }

    /// Queues the next slice unless one is queued or nothing needs running.
    fn schedule(&mut self) {
        if !self.queued && self.driver.busy() {
            self.queued = true;
            let _ = self.channel.port2().post_message(&JsValue::NULL);
        }
    }
}

fn main() {
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let channel = match MessageChannel::new() {
        Ok(c) => c,
        Err(e) => {
            web_sys::console::error_2(&"worker: no MessageChannel".into(), &e);
            return;
        }
    };
    let worker = Rc::new(RefCell::new(Worker {
        driver: Driver::default(),
        queued: false,
        scope: scope.clone(),
        channel,
    }));

    let on_slice = {
        let worker = worker.clone();
        Closure::<dyn FnMut(MessageEvent)>::new(move |_: MessageEvent| {
            let mut w = worker.borrow_mut();
            w.queued = false;
            let performance = w.scope.performance();
            let mut clock = || performance.as_ref().map_or(0.0, |p| p.now());
            if let Some(update) = w.driver.slice(&mut clock) {
                w.post(&update);
            }
            w.schedule();
        })
    };
    worker
        .borrow()
        .channel
        .port1()
        .set_onmessage(Some(on_slice.as_ref().unchecked_ref()));
    on_slice.forget();

    let on_request = {
        let worker = worker.clone();
        Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
            let mut w = worker.borrow_mut();
            let updates = match e
                .data()
                .as_string()
                .map(|t| serde_json::from_str::<Request>(&t))
            {
                Some(Ok(request)) => {
                    let now = w.now();
                    w.driver.handle(request, now)
                }
                Some(Err(err)) => vec![Update::Failed {
                    message: format!("the worker could not read a request: {err}"),
                }],
                None => vec![Update::Failed {
                    message: "the worker takes requests as JSON text".into(),
                }],
            };
            for update in &updates {
                w.post(update);
            }
            w.schedule();
        })
    };
    scope.set_onmessage(Some(on_request.as_ref().unchecked_ref()));
    on_request.forget();
    worker.borrow().post(&Update::Loaded);
}
