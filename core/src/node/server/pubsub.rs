//! Pub/sub on this node (pubsub.c): who listens to what here and delivery
//! to local subscribers. The bus messages that carry a publication to other
//! nodes are the cluster part's (`cluster/publish.rs`).
//!
//! * `PUBLISH` reaches every node, and each node delivers to its own
//!   subscribers. The reply counts only this node's receivers.
//! * When a slot leaves a shard, that shard's nodes unsubscribe the clients
//!   of its shard channels (`removeChannelsInSlot`), with a `sunsubscribe`
//!   push.

use crate::command::glob_match;
use crate::id::NodeId;
use crate::node::ServerCtx;
use crate::node::{ClientId, Node, Output};
use crate::resp::Value;
use crate::slot::key_slot;
use std::collections::{BTreeMap, BTreeSet};

/// The three kinds of subscription.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SubKind {
    /// SUBSCRIBE
    Channel,
    /// PSUBSCRIBE
    Pattern,
    /// SSUBSCRIBE
    Shard,
}

/// `server.pubsub_channels`, `pubsub_patterns`, `pubsubshard_channels`.
#[derive(Clone, Debug, Default)]
pub(in crate::node) struct Channels {
    channels: BTreeMap<Vec<u8>, BTreeSet<ClientId>>,
    patterns: BTreeMap<Vec<u8>, BTreeSet<ClientId>>,
    shard: BTreeMap<Vec<u8>, BTreeSet<ClientId>>,
}

impl Channels {
    fn of(&mut self, kind: SubKind) -> &mut BTreeMap<Vec<u8>, BTreeSet<ClientId>> {
        match kind {
            SubKind::Channel => &mut self.channels,
            SubKind::Pattern => &mut self.patterns,
            SubKind::Shard => &mut self.shard,
        }
    }

    fn view(&self, kind: SubKind) -> &BTreeMap<Vec<u8>, BTreeSet<ClientId>> {
        match kind {
            SubKind::Channel => &self.channels,
            SubKind::Pattern => &self.patterns,
            SubKind::Shard => &self.shard,
        }
    }
}

impl Node {
    /// `clusterDelSlot`'s cleanup: the slot leaves `old_owner`; if I am in
    /// its shard, my clients lose their shard channels in that slot.
    pub(in crate::node) fn slot_leaves_shard(&mut self, slot: u16, old_owner: NodeId) {
        if self.server.pubsub.shard.is_empty() || !self.shard_of(old_owner).contains(&self.myself) {
            return;
        }
        let channels: Vec<Vec<u8>> = self
            .server
            .pubsub
            .shard
            .keys()
            .filter(|c| key_slot(c) == slot)
            .cloned()
            .collect();
        for channel in channels {
            let clients = self
                .server
                .pubsub
                .shard
                .remove(&channel)
                .unwrap_or_default();
            for client in clients {
                let count = match self.server.clients.get_mut(&client) {
                    Some(state) => {
                        state.subscriptions.shard.remove(&channel);
                        state.subscriptions.shard.len()
                    }
                    None => 0,
                };
                let value = Value::Push(vec![
                    Value::bulk("sunsubscribe"),
                    Value::bulk(&channel),
                    Value::Integer(count as i64),
                ]);
                self.out.push_back(Output::Reply { client, value });
            }
        }
    }
}

/// What commands call of these rules (the node reaches them through
/// `Node::serving`).
impl ServerCtx<'_> {
    /// `pubsubPublishMessage`: delivers to this node's subscribers and
    /// returns how many received it.
    pub(crate) fn publish_local(&mut self, channel: &[u8], message: &[u8], sharded: bool) -> usize {
        let mut deliveries: Vec<(ClientId, Value)> = Vec::new();
        let kind = if sharded {
            SubKind::Shard
        } else {
            SubKind::Channel
        };
        let name = if sharded { "smessage" } else { "message" };
        for &client in self
            .server
            .pubsub
            .view(kind)
            .get(channel)
            .into_iter()
            .flatten()
        {
            let msg = Value::Push(vec![
                Value::bulk(name),
                Value::bulk(channel),
                Value::bulk(message),
            ]);
            deliveries.push((client, msg));
        }
        if !sharded {
            for (pattern, clients) in &self.server.pubsub.patterns {
                if !glob_match(pattern, channel) {
                    continue;
                }
                for &client in clients {
                    let msg = Value::Push(vec![
                        Value::bulk("pmessage"),
                        Value::bulk(pattern),
                        Value::bulk(channel),
                        Value::bulk(message),
                    ]);
                    deliveries.push((client, msg));
                }
            }
        }
        let receivers = deliveries.len();
        for (client, value) in deliveries {
            self.out.push_back(Output::Reply { client, value });
        }
        receivers
    }

    /// Records `client` as a subscriber; false if it already was.
    pub(crate) fn subscribe(&mut self, client: ClientId, kind: SubKind, channel: &[u8]) -> bool {
        self.server
            .pubsub
            .of(kind)
            .entry(channel.to_vec())
            .or_default()
            .insert(client)
    }

    /// Forgets one subscription; false if there was none.
    pub(crate) fn unsubscribe(&mut self, client: ClientId, kind: SubKind, channel: &[u8]) -> bool {
        let map = self.server.pubsub.of(kind);
        let Some(subs) = map.get_mut(channel) else {
            return false;
        };
        let removed = subs.remove(&client);
        if subs.is_empty() {
            map.remove(channel);
        }
        removed
    }

    /// Local subscribers of `channel`.
    pub(crate) fn subscribers(&self, kind: SubKind, channel: &[u8]) -> usize {
        self.server
            .pubsub
            .view(kind)
            .get(channel)
            .map_or(0, |s| s.len())
    }

    /// Channels (or patterns) with at least one subscriber here.
    pub(crate) fn active_channels(&self, kind: SubKind) -> impl Iterator<Item = &Vec<u8>> {
        self.server.pubsub.view(kind).keys()
    }

    /// INFO's `pubsub_channels`, `pubsub_patterns`, `pubsubshard_channels`:
    /// channels, patterns and shard channels with a subscriber.
    pub fn pubsub_counts(&self) -> (usize, usize, usize) {
        let p = &self.server.pubsub;
        (p.channels.len(), p.patterns.len(), p.shard.len())
    }

    /// A client went away: drop its subscriptions.
    pub(in crate::node) fn forget_subscriber(&mut self, client: ClientId) {
        for kind in [SubKind::Channel, SubKind::Pattern, SubKind::Shard] {
            let map = self.server.pubsub.of(kind);
            map.retain(|_, subs| {
                subs.remove(&client);
                !subs.is_empty()
            });
        }
    }
}
