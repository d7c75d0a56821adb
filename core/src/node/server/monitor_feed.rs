//! The monitors (`server.monitors`) and what they are fed
//! (`replicationFeedMonitors`): a line per command, sent to every monitor.
//! A line for the client whose command runs now waits for that command's
//! reply, as Redis writes it after the reply in `call()`.

use crate::command::{monitor_feed, ClientState};
use crate::node::ServerCtx;
use crate::node::{ClientId, Node, Output};
use crate::time::Time;

impl Node {
    /// Whether any client monitors.
    pub(crate) fn has_monitors(&self) -> bool {
        !self.server.monitor_clients.is_empty()
    }

    /// What waited for the reply of `client`'s command (its own MONITOR
    /// lines, its tracking invalidations), now that the reply is out.
    pub(in crate::node) fn flush_after_reply(&mut self) {
        for (client, value, push) in std::mem::take(&mut self.server.after_reply) {
            if push {
                self.out.push_back(Output::Reply { client, value });
            } else {
                self.serving().reply(client, value);
            }
        }
    }
}

/// What commands call of these rules (the node reaches them through
/// `Node::serving`).
impl ServerCtx<'_> {
    /// MONITOR: `id` is fed from the next command on.
    pub(crate) fn add_monitor(&mut self, id: ClientId) {
        self.server.monitor_clients.push(id);
    }

    /// `replicationFeedMonitors` for a command `current` ran (or its
    /// script, when `client` is the script's).
    pub(crate) fn feed_monitors(
        &mut self,
        now: Time,
        current: ClientId,
        client: &ClientState,
        args: &[Vec<u8>],
    ) {
        if self.server.monitor_clients.is_empty() {
            return;
        }
        let line = monitor_feed::line(now, client, args);
        for m in self.server.monitor_clients.clone() {
            if m == current {
                self.server.after_reply.push((m, line.clone(), false));
            } else {
                self.reply(m, line.clone());
            }
        }
    }

    /// The client left (RESET, or it closed).
    pub(crate) fn remove_monitor(&mut self, id: ClientId) {
        self.server.monitor_clients.retain(|m| *m != id);
    }
}
