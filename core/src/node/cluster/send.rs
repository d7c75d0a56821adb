//! What goes out on the bus: the header every message carries
//! (`clusterBuildMessageHdr`), sending to one node and broadcasting to all
//! (`clusterSendMessage`, `clusterBroadcastMessage`), and the per-type
//! counters `CLUSTER INFO` shows.

use crate::id::NodeId;
use crate::msg::{Body, Header, Message, MsgType};
use crate::node::{Link, Node, Output};
use crate::slot::SlotSet;
use std::net::SocketAddr;
use std::sync::Arc;

impl Node {
    /// `clusterBuildMessageHdr`.
    pub(super) fn header(&mut self) -> Header {
        let me = self.me();
        let (master_id, replicaof) = match me.master {
            Some(m) if me.is_replica() => (m, Some(m)),
            _ => (self.myself, None),
        };
        let config_epoch = self.peer(master_id).map_or(0, |p| p.config_epoch);
        let (port, cport, flags) = (me.port, me.cport, me.flags);
        let mut mflags = [0u8; 3];
        if self.cluster.manual.end.is_some() && self.is_master() {
            mflags[0] |= crate::msg::mflags::PAUSED;
        }
        Header {
            port,
            current_epoch: self.cluster.current_epoch,
            config_epoch,
            offset: self.repl_offset(),
            sender: self.myself,
            myslots: self.myslots_of(master_id),
            replicaof,
            myip: String::new(),
            pport: 0,
            cport,
            flags,
            state_fail: !self.cluster.state_ok,
            mflags,
        }
    }

    /// The bitmap of `master_id`'s slots, shared between messages.
    fn myslots_of(&mut self, master_id: NodeId) -> Arc<SlotSet> {
        if let Some(cached) = &self.cluster.myslots_cache {
            return cached.clone();
        }
        let set = Arc::new(self.slots_of(master_id));
        self.cluster.myslots_cache = Some(set.clone());
        set
    }

    /// Sends `body` to the peer `to` over `link`.
    pub(super) fn send(&mut self, to: NodeId, link: Link, body: Body) {
        let Some(addr) = self.peer(to).and_then(|p| p.bus_addr()) else {
            return;
        };
        self.send_to_addr(addr, link, body);
    }

    pub(super) fn send_to_addr(&mut self, to: SocketAddr, link: Link, body: Body) {
        let msg = Box::new(Message {
            header: self.header(),
            body,
        });
        self.cluster.stats_sent[msg.kind() as usize] += 1;
        self.out.push_back(Output::Send { to, link, msg });
    }

    /// `clusterBroadcastMessage`: to every linked node but myself and handshakes.
    pub(super) fn broadcast(&mut self, body: Body) {
        for id in self.broadcast_targets() {
            self.send(id, Link::Outbound, body.clone());
        }
    }

    /// Whom `clusterBroadcastMessage` writes to: every node with a link,
    /// but myself and nodes in handshake.
    pub(super) fn broadcast_targets(&self) -> Vec<NodeId> {
        self.peers()
            .filter(|p| p.id != self.myself && !p.in_handshake() && p.link.is_some())
            .map(|p| p.id)
            .collect()
    }

    /// Counts a received message for `CLUSTER INFO`.
    pub(super) fn count_received(&mut self, kind: MsgType) {
        self.cluster.stats_received[kind as usize] += 1;
    }
}
