//! `clusterProcessPacket`: what a node does with each message it receives.

use super::{peer::Peer, todo};

use crate::event::Event;
use crate::flags::NodeFlags;
use crate::id::NodeId;
use crate::msg::{Body, Header, Message, MsgType};
use crate::node::{Link, Node};
use crate::time::Time;
use std::net::SocketAddr;

impl Node {
    /// Processes `msg`, then keeps its gossip section's buffer for the
    /// messages this node sends next.
    pub(in crate::node) fn process_packet(
        &mut self,
        now: Time,
        from: SocketAddr,
        link: Link,
        msg: Box<Message>,
    ) {
        self.process_message(now, from, link, &msg);
        if let Body::Ping(g) | Body::Pong(g) | Body::Meet(g) = msg.body {
            self.cluster.gossip_buffers.recycle(g.entries);
        }
    }

    fn process_message(&mut self, now: Time, from: SocketAddr, link: Link, msg: &Message) {
        let kind = msg.kind();
        // `DEBUG DROP-CLUSTER-PACKET-FILTER`: dropped before it is counted.
        if i64::from(kind as u16) == self.server.debug.drop_packet_filter {
            return;
        }
        self.count_received(kind);
        let h = &msg.header;

        // A reply arrives on our outbound link: that link belongs to a node we
        // chose to talk to, possibly still a handshake entry with a random ID.
        let link_node = match link {
            Link::Reply => self.outbound_link_node(from, h.sender),
            Link::Outbound => None,
        };
        let sender = match link_node {
            Some(n) if !self.peer(n).is_some_and(|p| p.in_handshake()) => Some(n),
            _ => self.peer(h.sender).map(|p| p.id),
        };
        if let Some(s) = sender {
            if let Some(p) = self.peer_mut(s) {
                p.data_received = now;
            }
            if link == Link::Outbound {
                self.note_inbound_link(now, s);
            }
        }
        let known = sender.filter(|s| !self.peer(*s).is_some_and(|p| p.in_handshake()));
        if let Some(s) = known {
            self.absorb_header_epochs(now, s, h);
        }

        match &msg.body {
            Body::Ping(g) | Body::Meet(g) | Body::Pong(g) => {
                if kind != MsgType::Pong {
                    if sender.is_none() && kind == MsgType::Meet {
                        self.accept_meet(now, from, h);
                        self.process_gossip(now, None, from, g);
                    }
                    self.send_pong_reply(from);
                }
                let mut link_node = link_node;
                if let Some(ln) = link_node {
                    if !self.check_link_identity(now, ln, h) {
                        return;
                    }
                    // A completed handshake renamed the entry in place (Redis
                    // renames link->node): this PONG answers the real node.
                    if self.peer(ln).is_none() {
                        link_node = Some(h.sender);
                    }
                }
                self.process_config(now, kind, sender, link_node, h);
                if let Some(s) = sender {
                    self.process_gossip(now, Some(s), from, g);
                    self.process_ping_extensions(s, g);
                }
            }
            Body::Fail(failing) => {
                if let Some(s) = sender {
                    self.receive_fail(now, s, *failing);
                }
            }
            Body::Update {
                config_epoch,
                node,
                slots,
            } => {
                if sender.is_some() {
                    self.receive_update(now, *node, *config_epoch, slots);
                }
            }
            Body::FailoverAuthRequest => {
                if let Some(s) = sender {
                    self.send_failover_auth_if_needed(now, s, h);
                }
            }
            Body::FailoverAuthAck => {
                if let Some(s) = sender {
                    self.receive_vote(s, h.current_epoch);
                }
            }
            Body::MfStart => {
                if let Some(s) = sender {
                    self.receive_mfstart(now, s);
                }
            }
            Body::Publish { channel, message } | Body::PublishShard { channel, message } => {
                // Redis ignores publications from nodes it does not know.
                if sender.is_some() {
                    let sharded = kind == MsgType::PublishShard;
                    self.serving().publish_local(channel, message, sharded);
                }
            }
            // Modules carry no cluster state.
            Body::Module { .. } => {}
        }
    }

    /// The node our outbound link at `from` leads to.
    fn outbound_link_node(&self, from: SocketAddr, claimed: NodeId) -> Option<NodeId> {
        match self.peer(claimed) {
            Some(p) if p.bus_addr() == Some(from) => Some(p.id),
            _ => self.peer_by_addr(from),
        }
    }

    /// The header part every message carries: epochs and the replication offset.
    fn absorb_header_epochs(&mut self, now: Time, sender: NodeId, h: &Header) {
        if h.current_epoch > self.cluster.current_epoch {
            self.cluster.current_epoch = h.current_epoch;
            self.emit_epoch();
        }
        let i_am_replica_of_sender = self.is_replica() && self.master() == Some(sender);
        let waiting_mf_offset =
            self.cluster.manual.end.is_some() && self.cluster.manual.master_offset.is_none();
        if let Some(p) = self.peer_mut(sender) {
            if h.config_epoch > p.config_epoch {
                p.config_epoch = h.config_epoch;
            }
            p.repl_offset = h.offset;
        }
        if i_am_replica_of_sender
            && waiting_mf_offset
            && h.mflags[0] & crate::msg::mflags::PAUSED != 0
        {
            self.cluster.manual.master_offset = Some(h.offset);
            self.cluster.todo |= todo::HANDLE_MANUALFAILOVER;
            let _ = now;
        }
    }

    /// A MEET from an unknown node: trust it and start a handshake back.
    fn accept_meet(&mut self, now: Time, from: SocketAddr, h: &Header) {
        let id = NodeId::random(&mut self.rng);
        let mut p = Peer::new(id, NodeFlags(NodeFlags::HANDSHAKE), now);
        p.set_ip(h.myip.parse().ok().or(Some(from.ip())));
        p.port = h.port;
        p.cport = h.cport;
        self.add_peer(p);
    }

    /// Handshake completion, or detection that an address now hosts another
    /// node. Returns false when processing must stop.
    fn check_link_identity(&mut self, now: Time, link_node: NodeId, h: &Header) -> bool {
        let Some(ln) = self.peer(link_node) else {
            return false;
        };
        if ln.in_handshake() {
            if self.peer(h.sender).is_some() {
                // We already know this node under its real ID: drop the duplicate.
                self.del_peer(link_node);
                return false;
            }
            self.rename_peer(link_node, h.sender);
            let p = self.peer_mut(h.sender).expect("just renamed");
            p.flags.clear(NodeFlags::HANDSHAKE);
            p.flags
                .set(h.flags.0 & (NodeFlags::MASTER | NodeFlags::SLAVE));
            p.data_received = now;
            self.emit(Event::NodeAdded { about: h.sender });
            true
        } else if ln.id != h.sender {
            let p = self.peer_mut(link_node).expect("present");
            p.flags.set(NodeFlags::NOADDR);
            p.set_ip(None);
            p.port = 0;
            p.cport = 0;
            p.link = None.into();
            false
        } else {
            true
        }
    }

    /// PING/PONG/MEET config processing: liveness, roles, slots, collisions.
    fn process_config(
        &mut self,
        now: Time,
        kind: MsgType,
        sender: Option<NodeId>,
        link_node: Option<NodeId>,
        h: &Header,
    ) {
        if let Some(s) = sender {
            if let Some(p) = self.peer_mut(s) {
                if h.flags.has(NodeFlags::NOFAILOVER) {
                    p.flags.set(NodeFlags::NOFAILOVER);
                } else {
                    p.flags.clear(NodeFlags::NOFAILOVER);
                }
            }
        }

        // A PONG on our outbound link answers our PING.
        if kind == MsgType::Pong {
            if let Some(ln) = link_node.filter(|n| self.peer(*n).is_some()) {
                let p = self.peer_mut(ln).expect("present");
                p.pong_received = now;
                p.ping_sent = None.into();
                if p.has(NodeFlags::PFAIL) {
                    p.flags.clear(NodeFlags::PFAIL);
                    self.emit(Event::PfailCleared { about: ln });
                    self.cluster.todo |= todo::UPDATE_STATE;
                } else if p.failed() {
                    self.clear_failure_if_needed(now, ln);
                }
            }
        }

        let Some(sender) = sender else { return };
        if self.peer(sender).is_some_and(|p| p.in_handshake()) {
            return;
        }

        // Role changes announced by the sender.
        match h.replicaof {
            None => self.set_node_as_master(sender),
            Some(master) => {
                if self.peer(sender).is_some_and(|p| p.is_master()) {
                    self.del_node_slots(sender);
                    self.cluster.todo |= todo::UPDATE_STATE;
                }
                if self.peer(master).is_some() {
                    self.set_node_as_replica_of(sender, master);
                } else if let Some(p) = self.peer_mut(sender) {
                    p.flags.clear(NodeFlags::MASTER | NodeFlags::MIGRATE_TO);
                    p.flags.set(NodeFlags::SLAVE);
                }
            }
        }

        // Slot claims.
        let sender_master = match self.peer(sender) {
            Some(p) if p.is_master() => Some(sender),
            Some(p) => p.master,
            None => None,
        };
        let dirty = sender_master.is_some_and(|m| !self.owns_exactly(m, &h.myslots));
        if dirty {
            if self.peer(sender).is_some_and(|p| p.is_master()) {
                self.update_slots_config_with(now, sender, h.config_epoch, &h.myslots);
            }
            self.send_update_if_stale(sender, h);
        }

        if self.peer(sender).is_some_and(|p| p.is_master())
            && self.is_master()
            && self.peer(sender).map(|p| p.config_epoch) == Some(self.me().config_epoch)
        {
            self.handle_config_epoch_collision(sender);
        }
    }

    /// The sender claims a slot whose owner we know has a newer configEpoch:
    /// tell it with an UPDATE (one per packet).
    fn send_update_if_stale(&mut self, sender: NodeId, h: &Header) {
        for slot in h.myslots.iter() {
            let Some(owner) = self.slot_owner_peer(slot) else {
                continue;
            };
            if owner.id == sender || owner.config_epoch <= h.config_epoch {
                continue;
            }
            let (about, config_epoch) = (owner.id, owner.config_epoch);
            let slots = std::sync::Arc::new(self.slots_of(about));
            self.send(
                sender,
                Link::Outbound,
                Body::Update {
                    config_epoch,
                    node: about,
                    slots,
                },
            );
            self.emit(Event::UpdateSent { to: sender, about });
            break;
        }
    }
}
