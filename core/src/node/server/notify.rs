//! Publishing keyspace events (`notify.c notifyKeyspaceEvent`): what the
//! commands raised ([`crate::keyspace::notify`]) goes to this node's own
//! subscribers, as `message`/`pmessage` on `__keyspace@0__:<key>` (the
//! event as payload) and `__keyevent@0__:<event>` (the key as payload).
//! Nothing crosses the bus: Redis publishes them with
//! `pubsubPublishMessage`, so a cluster's events stay on the node that
//! holds the key (a client listens on every node it cares about).

use crate::keyspace::notify::class;
use crate::node::Node;

impl Node {
    /// Publishes the events raised since the last call, in order: for
    /// each, the keyspace channel (`K`) then the keyevent channel (`E`).
    /// Called after each command, so a subscriber that ran the command
    /// itself (RESP3) sees them before its reply, as Redis writes them.
    pub(crate) fn publish_key_events(&mut self) {
        if !self.server.keyspace.has_events() {
            return;
        }
        let flags = self.server.keyspace.notify_flags();
        for e in self.server.keyspace.take_events() {
            if flags & class::KEYSPACE != 0 {
                let mut channel = b"__keyspace@0__:".to_vec();
                channel.extend_from_slice(&e.key);
                self.serving()
                    .publish_local(&channel, e.event.as_bytes(), false);
            }
            if flags & class::KEYEVENT != 0 {
                let channel = format!("__keyevent@0__:{}", e.event);
                self.serving()
                    .publish_local(channel.as_bytes(), &e.key, false);
            }
        }
    }

    /// `server.notify_keyspace_events` after CONFIG SET, a restart or a
    /// new keyspace from a full resync.
    pub(in crate::node) fn apply_notify_flags(&mut self) {
        self.server
            .keyspace
            .set_notify_flags(self.cfg.notify_keyspace_events);
    }
}
