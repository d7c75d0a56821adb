//! Carrying a publication to other nodes over the bus (`clusterPropagatePublish`,
//! `clusterSendPublish`, `clusterGetNodesServingMySlots` in cluster.c).
//! Delivery to this node's own subscribers is the server part's
//! (`server/pubsub.rs`, Redis's `pubsubPublishMessage`).
//!
//! * `PUBLISH` reaches every node: a PUBLISH message is broadcast on the bus.
//! * `SPUBLISH` stays in the channel's shard: PUBLISHSHARD goes to the
//!   master serving the slot and its replicas (to a node with no link Redis
//!   broadcasts instead, and so do we).

use crate::id::NodeId;
use crate::msg::Body;
use crate::node::request::{sealed, Request};
use crate::node::{Link, Node};
use crate::time::Time;

/// PUBLISH and SPUBLISH: the publication carried to the other nodes.
pub struct Publish<'a> {
    /// The channel.
    pub channel: &'a [u8],
    /// The message.
    pub message: &'a [u8],
    /// SPUBLISH: only the nodes of my shard.
    pub sharded: bool,
}

impl sealed::Sealed for Publish<'_> {}

impl Request for Publish<'_> {
    type Answer = ();

    fn apply(self, node: &mut Node, _now: Time) {
        node.propagate_publish(self.channel, self.message, self.sharded);
    }
}

impl Node {
    /// `clusterPropagatePublish`: PUBLISH to every node, PUBLISHSHARD to
    /// the nodes serving my slots.
    fn propagate_publish(&mut self, channel: &[u8], message: &[u8], sharded: bool) {
        let (channel, message) = (channel.to_vec(), message.to_vec());
        if !sharded {
            self.broadcast(Body::Publish { channel, message });
            return;
        }
        for id in self.my_shard() {
            if id == self.myself {
                continue;
            }
            let body = Body::PublishShard {
                channel: channel.clone(),
                message: message.clone(),
            };
            // clusterSendPublish with a NULL link broadcasts (Redis 7.0).
            if self.peer(id).is_some_and(|p| p.link.is_some()) {
                self.send(id, Link::Outbound, body);
            } else {
                self.broadcast(body);
            }
        }
    }

    /// `clusterGetNodesServingMySlots`: my master (or me) and its replicas.
    fn my_shard(&self) -> Vec<NodeId> {
        let primary = self
            .master()
            .filter(|_| self.is_replica())
            .unwrap_or(self.myself);
        self.shard_of(primary)
    }

    /// A master and its replicas: the nodes of its shard.
    pub(in crate::node) fn shard_of(&self, master: NodeId) -> Vec<NodeId> {
        let mut nodes = vec![master];
        if let Some(p) = self.peer(master) {
            nodes.extend(p.replicas.iter().copied());
        }
        nodes
    }
}
