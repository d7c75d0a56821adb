//! DEBUG SLEEP: Redis sleeps inside the command, so for that long it
//! serves nobody, runs no cron and reads no bus message; the reply goes out
//! when it wakes. A sans-IO node cannot sleep, so it freezes: every input
//! until the end of the sleep is held (timeouts ignored), then the reply
//! goes out and the held inputs run in arrival order, as Redis reads its
//! sockets after waking. The same in the simulator (simulated time) and
//! natively (the host's clock).

use crate::node::ServerCtx;
use crate::node::{Input, Node, Output};
use crate::time::Time;
use std::collections::VecDeque;

/// A node asleep in DEBUG SLEEP.
#[derive(Clone, Debug)]
pub struct Frozen {
    /// When it wakes.
    pub until: Time,
    /// What arrived meanwhile, in order.
    held: Vec<Input>,
    /// The sleeping command's reply.
    replies: VecDeque<Output>,
}

impl Node {
    /// The sleep the command that just ran took (µs), once.
    pub(crate) fn take_frozen_usec(&mut self) -> u64 {
        std::mem::take(&mut self.server.frozen_usec)
    }

    /// When a frozen node wakes (None when awake).
    pub fn frozen_until(&self) -> Option<Time> {
        self.server.frozen.as_ref().map(|f| f.until)
    }

    /// Holds the outputs made since `mark` (the sleeping command's reply)
    /// if that command froze the node.
    pub(in crate::node) fn hold_sleeper_reply(&mut self, mark: usize) {
        if let Some(f) = self.server.frozen.as_mut() {
            if f.replies.is_empty() && mark <= self.out.len() {
                f.replies = self.out.split_off(mark);
            }
        }
    }

    /// While frozen: holds `input` and answers true. At or after the wake
    /// time: sends the held reply, runs the held inputs, answers false.
    pub(in crate::node) fn frozen_input(&mut self, now: Time, input: &Input) -> bool {
        let Some(f) = self.server.frozen.as_mut() else {
            return false;
        };
        if now < f.until {
            if !matches!(input, Input::Timeout) {
                f.held.push(input.clone());
            }
            return true;
        }
        let Some(f) = self.server.frozen.take() else {
            return false;
        };
        self.out.extend(f.replies);
        for held in f.held {
            self.handle(now, held);
        }
        false
    }
}

/// What commands call of these rules (the node reaches them through
/// `Node::serving`).
impl ServerCtx<'_> {
    /// DEBUG SLEEP: freezes the node for `ms`. The command's duration
    /// (INFO, SLOWLOG, LATENCY) includes the sleep, as Redis's does.
    pub(crate) fn freeze(&mut self, now: Time, ms: u64) {
        if ms == 0 {
            return;
        }
        self.server.frozen = Some(Frozen {
            until: now + ms,
            held: Vec::new(),
            replies: VecDeque::new(),
        });
        self.server.frozen_usec = ms * 1000;
    }
}
