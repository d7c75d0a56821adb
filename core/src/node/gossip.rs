//! PING/PONG/MEET gossip: what a node tells about others (`clusterSendPing`)
//! and what it learns (`clusterProcessGossipSection`).

use super::{peer::Peer, Link, Node};
use crate::event::Event;
use crate::flags::NodeFlags;
use crate::id::NodeId;
use crate::msg::{Body, Gossip, GossipEntry, MsgType};
use crate::time::Time;
use std::net::{IpAddr, SocketAddr};

impl Node {
    /// `clusterSendPing` over our outbound link to `to` (PING or MEET).
    pub(super) fn send_ping(&mut self, now: Time, to: NodeId, kind: MsgType) {
        let gossip = self.build_gossip();
        if kind == MsgType::Ping {
            if let Some(p) = self.peer_mut(to) {
                p.ping_sent = Some(now);
            }
        }
        let body = match kind {
            MsgType::Meet => Body::Meet(gossip),
            _ => Body::Ping(gossip),
        };
        self.send(to, Link::Outbound, body);
    }

    /// A PONG answering a PING or MEET, back on the link it came in on.
    pub(super) fn send_pong_reply(&mut self, to: SocketAddr) {
        let gossip = self.build_gossip();
        self.send_to_addr(to, Link::Reply, Body::Pong(gossip));
    }

    /// `clusterBroadcastPong`: to every linked node, or only to the replicas of
    /// my master (and mine) when `local_replicas_only`.
    pub(super) fn broadcast_pong(&mut self, local_replicas_only: bool) {
        let my_master = self.master();
        let targets: Vec<NodeId> = self
            .peers()
            .filter(|p| p.id != self.myself && !p.in_handshake() && p.link.is_some())
            .filter(|p| {
                !local_replicas_only
                    || (p.is_replica()
                        && p.master.is_some()
                        && (p.master == Some(self.myself) || p.master == my_master))
            })
            .map(|p| p.id)
            .collect();
        for id in targets {
            let gossip = self.build_gossip();
            self.send(id, Link::Outbound, Body::Pong(gossip));
        }
    }

    /// Chooses the gossip section: `max(3, N/10)` random fresh nodes (at most
    /// N-2), then every PFAIL node, exactly as `clusterSendPing` does.
    fn build_gossip(&mut self) -> Gossip {
        let total = self.known_nodes() as i64;
        let mut freshnodes = total - 2;
        let wanted = (total / 10).max(3).min(freshnodes.max(0));
        let mut entries: Vec<GossipEntry> = Vec::with_capacity(wanted as usize);
        let mut iterations = wanted * 3;
        while freshnodes > 0 && (entries.len() as i64) < wanted && iterations > 0 {
            iterations -= 1;
            let Some(id) = self.random_peer() else { break };
            // Redis 7.0 skips only myself here, not the receiver (checked
            // against cluster.c; our facts digest says otherwise).
            if id == self.myself {
                continue;
            }
            let p = self.peer(id).expect("random_peer returns known nodes");
            if p.has(NodeFlags::PFAIL) {
                continue;
            }
            if p.has(NodeFlags::HANDSHAKE | NodeFlags::NOADDR)
                || (p.link.is_none() && p.numslots == 0)
            {
                freshnodes -= 1;
                continue;
            }
            if entries.iter().any(|e| e.node == id) {
                continue;
            }
            entries.push(gossip_entry(p));
            freshnodes -= 1;
        }
        let mut pfail_wanted = self.stats_pfail_nodes;
        if pfail_wanted > 0 {
            for p in self.peers() {
                if p.has(NodeFlags::HANDSHAKE | NodeFlags::NOADDR) || !p.has(NodeFlags::PFAIL) {
                    continue;
                }
                entries.push(gossip_entry(p));
                pfail_wanted -= 1;
                if pfail_wanted == 0 {
                    break;
                }
            }
        }
        Gossip {
            entries,
            extensions: Vec::new(),
        }
    }

    /// `clusterProcessGossipSection`.
    pub(super) fn process_gossip(
        &mut self,
        now: Time,
        sender: Option<NodeId>,
        from: SocketAddr,
        gossip: &Gossip,
    ) {
        let sender_is_master = sender
            .and_then(|s| self.peer(s))
            .is_some_and(|p| p.is_master());
        for g in &gossip.entries {
            if self.peer(g.node).is_some() {
                if let Some(s) = sender.filter(|_| sender_is_master && g.node != self.myself) {
                    if g.flags.is_failing() {
                        self.add_failure_report(now, g.node, s);
                        self.mark_failing_if_needed(now, g.node);
                    } else {
                        self.del_failure_report(g.node, s);
                    }
                }
                self.adopt_gossiped_pong(now, g);
                self.update_address_from_gossip(g);
            } else if sender.is_some()
                && !g.flags.has(NodeFlags::NOADDR)
                && !self.blacklist.contains_key(&g.node)
            {
                let mut p = Peer::new(g.node, g.flags, now);
                p.flags
                    .clear(NodeFlags::MYSELF | NodeFlags::PFAIL | NodeFlags::FAIL);
                p.ip = gossip_ip(g).or(Some(from.ip()));
                p.port = g.port;
                p.cport = g.cport;
                self.add_peer(p);
                self.emit(Event::NodeAdded { about: g.node });
            }
        }
    }

    /// A node we have no doubts about may get a fresher `pong_received` from
    /// gossip, so we don't ping it needlessly (never more than 500 ms ahead).
    fn adopt_gossiped_pong(&mut self, now: Time, g: &GossipEntry) {
        if g.flags.is_failing() {
            return;
        }
        let validity = self.cfg.fail_report_validity();
        let Some(p) = self.peer_mut(g.node) else {
            return;
        };
        if p.ping_sent.is_some()
            || p.fail_reports
                .iter()
                .any(|(_, t)| now.since(*t) <= validity)
        {
            return;
        }
        let pongtime = Time(g.pong_received as u64 * 1000);
        if pongtime <= now + 500 && pongtime > p.pong_received {
            p.pong_received = pongtime;
        }
    }

    /// A node we think is down but gossip shows healthy at another address:
    /// take the new address and drop our link so it reconnects there.
    fn update_address_from_gossip(&mut self, g: &GossipEntry) {
        if g.node == self.myself || g.flags.is_failing() || g.flags.has(NodeFlags::NOADDR) {
            return;
        }
        let Some(ip) = gossip_ip(g) else { return };
        let Some(p) = self.peer_mut(g.node) else {
            return;
        };
        if p.failing() && (p.ip != Some(ip) || p.port != g.port || p.cport != g.cport) {
            p.ip = Some(ip);
            p.port = g.port;
            p.cport = g.cport;
            p.link = None;
            p.flags.clear(NodeFlags::NOADDR);
        }
    }
}

fn gossip_entry(p: &Peer) -> GossipEntry {
    GossipEntry {
        node: p.id,
        ping_sent: (p.ping_sent.map_or(0, |t| t.ms()) / 1000) as u32,
        pong_received: (p.pong_received.ms() / 1000) as u32,
        ip: p.ip.map(|ip| ip.to_string()).unwrap_or_default(),
        port: p.port,
        cport: p.cport,
        flags: p.flags,
        pport: 0,
    }
}

fn gossip_ip(g: &GossipEntry) -> Option<IpAddr> {
    g.ip.parse().ok()
}
