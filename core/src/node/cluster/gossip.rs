//! PING/PONG/MEET gossip: what a node tells about others (`clusterSendPing`)
//! and what it learns (`clusterProcessGossipSection`).

use super::peer::Peer;

use crate::event::Event;
use crate::flags::NodeFlags;
use crate::id::NodeId;
use crate::msg::{Body, Gossip, GossipEntry, MsgType};
use crate::node::{Link, Node};
use crate::time::Time;
use std::net::{IpAddr, SocketAddr};

impl Node {
    /// `clusterSendPing` over our outbound link to `to` (PING or MEET).
    pub(in crate::node) fn send_ping(&mut self, now: Time, to: NodeId, kind: MsgType) {
        let gossip = self.build_gossip();
        if kind == MsgType::Ping {
            if let Some(p) = self.peer_mut(to) {
                p.ping_sent = Some(now).into();
            }
        }
        let body = match kind {
            MsgType::Meet => Body::Meet(gossip),
            _ => Body::Ping(gossip),
        };
        self.send(to, Link::Outbound, body);
    }

    /// A PONG answering a PING or MEET, back on the link it came in on.
    pub(in crate::node) fn send_pong_reply(&mut self, to: SocketAddr) {
        let gossip = self.build_gossip();
        self.send_to_addr(to, Link::Reply, Body::Pong(gossip));
    }

    /// `clusterBroadcastPong`: to every linked node, or only to the replicas of
    /// my master (and mine) when `local_replicas_only`.
    pub(in crate::node) fn broadcast_pong(&mut self, local_replicas_only: bool) {
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
        let mut entries = self.cluster.gossip_buffers.take(wanted as usize);
        let mut iterations = wanted * 3;
        // Which slab entries are already in the section, as a bitmap: Redis
        // scans the section (`clusterNodeIsInGossipSection`), which is
        // quadratic in its size (100 entries at 1000 nodes).
        let mut picked = std::mem::take(&mut self.cluster.gossip_buffers.picked);
        picked.clear();
        picked.resize(self.cluster.peers.len().div_ceil(64), 0);
        let mut first = self.draw_first_picks(wanted as usize);
        let mut drawn = 0;
        while freshnodes > 0 && (entries.len() as i64) < wanted && iterations > 0 {
            iterations -= 1;
            let pick = match first.get(drawn) {
                Some(&idx) => Some(idx),
                None => self.random_peer_idx(),
            };
            drawn += 1;
            let Some(idx) = pick else {
                break;
            };
            let p = self.peer_at(idx).expect("random_peer returns known nodes");
            let id = p.id;
            // Redis 7.0 skips only myself here, not the receiver (7.4 does):
            // docs/redis-behaviour.md §4.4.
            if id == self.myself {
                continue;
            }
            if p.has(NodeFlags::PFAIL) {
                continue;
            }
            if p.has(NodeFlags::HANDSHAKE | NodeFlags::NOADDR)
                || (p.numslots == 0 && p.link.is_none())
            {
                freshnodes -= 1;
                continue;
            }
            let (word, bit) = (idx as usize / 64, 1u64 << (idx % 64));
            if picked[word] & bit != 0 {
                continue;
            }
            picked[word] |= bit;
            entries.push(gossip_entry(p));
            freshnodes -= 1;
        }
        self.cluster.gossip_buffers.picked = picked;
        first.clear();
        self.cluster.gossip_buffers.first = first;
        let mut pfail_wanted = self.cluster.stats_pfail_nodes;
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
            extensions: self.my_ping_extensions(),
        }
    }

    /// `clusterProcessGossipSection`.
    pub(in crate::node) fn process_gossip(
        &mut self,
        now: Time,
        sender: Option<NodeId>,
        from: SocketAddr,
        gossip: &Gossip,
    ) {
        let sender_is_master = sender
            .and_then(|s| self.peer(s))
            .is_some_and(|p| p.is_master());
        // One lookup per entry, then every entry's line read together:
        // nothing below removes nodes or moves them in the slab, so the
        // indexes stay valid; only a node added meanwhile (an entry naming
        // it twice) is looked up again.
        let mut idxs = std::mem::take(&mut self.cluster.gossip_buffers.idxs);
        idxs.clear();
        idxs.extend(
            gossip
                .entries
                .iter()
                .map(|g| self.cluster.index.get(&g.node)),
        );
        self.warm(idxs.iter().flatten().copied());
        for (g, &idx) in gossip.entries.iter().zip(&idxs) {
            if let Some(idx) = idx.or_else(|| self.cluster.index.get(&g.node)) {
                if let Some(s) = sender.filter(|_| sender_is_master && g.node != self.myself) {
                    if g.flags.is_failing() {
                        self.add_failure_report(now, g.node, s);
                        self.mark_failing_if_needed(now, g.node);
                    } else if self
                        .peer_at(idx)
                        .is_some_and(|p| !p.fail_reports.is_empty())
                    {
                        self.del_failure_report(g.node, s);
                    }
                }
                self.adopt_gossiped_pong(now, idx, g);
                self.update_address_from_gossip(idx, g);
            } else if sender.is_some()
                && !g.flags.has(NodeFlags::NOADDR)
                && !self.cluster.blacklist.contains_key(&g.node)
            {
                let mut p = Peer::new(g.node, g.flags, now);
                p.flags
                    .clear(NodeFlags::MYSELF | NodeFlags::PFAIL | NodeFlags::FAIL);
                p.set_ip(gossip_ip(g).or(Some(from.ip())));
                p.port = g.port;
                p.cport = g.cport;
                self.add_peer(p);
                self.emit(Event::NodeAdded { about: g.node });
            }
        }
        self.cluster.gossip_buffers.idxs = idxs;
    }

    /// Reads the first line of the entries at `idxs`, so that the loop that
    /// uses them finds them in cache.
    ///
    /// A gossip section names a hundred random nodes at 1000 nodes, and the
    /// node table is far larger than the cache: done one entry at a time,
    /// each rule waits for its entry's miss in turn. These reads depend on
    /// nothing but the index, so the processor overlaps them.
    fn warm(&self, idxs: impl Iterator<Item = u16>) {
        let mut sum = 0u64;
        for idx in idxs {
            if let Some(p) = &self.cluster.peers[idx as usize] {
                sum = sum.wrapping_add(p.pong_received.ms());
            }
        }
        std::hint::black_box(sum);
    }

    /// The slab indexes of `build_gossip`'s first `n` random picks, drawn
    /// up front and [warmed](Self::warm) together.
    ///
    /// The loop always draws at least `wanted` times (it stops earlier only
    /// when the table is empty: every draw then fails), so drawing them
    /// first leaves the generator exactly where the loop would, and the
    /// lines are read together while each draw is made once (warming them
    /// used to clone the generator and draw them twice).
    fn draw_first_picks(&mut self, n: usize) -> Vec<u16> {
        let mut first = std::mem::take(&mut self.cluster.gossip_buffers.first);
        for _ in 0..n {
            let Some(idx) = self.random_peer_idx() else {
                break;
            };
            first.push(idx);
        }
        self.warm(first.iter().copied());
        first
    }

    /// A node we have no doubts about may get a fresher `pong_received` from
    /// gossip, so we don't ping it needlessly (never more than 500 ms ahead).
    fn adopt_gossiped_pong(&mut self, now: Time, idx: u16, g: &GossipEntry) {
        if g.flags.is_failing() {
            return;
        }
        let validity = self.cfg.fail_report_validity();
        let Some(p) = self.peer_at_mut_fresher(idx) else {
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
    fn update_address_from_gossip(&mut self, idx: u16, g: &GossipEntry) {
        if g.node == self.myself || g.flags.is_failing() || g.flags.has(NodeFlags::NOADDR) {
            return;
        }
        // Parse the IP only for a node we think is down: that is rare, and
        // parsing every entry's IP showed in profiles.
        if !self.peer_at(idx).is_some_and(|p| p.failing()) {
            return;
        }
        let Some(ip) = gossip_ip(g) else { return };
        let p = self.peer_at_mut(idx).expect("present");
        if p.ip() != Some(ip) || p.port != g.port || p.cport != g.cport {
            p.set_ip(Some(ip));
            p.port = g.port;
            p.cport = g.cport;
            p.link = None.into();
            p.flags.clear(NodeFlags::NOADDR);
        }
    }
}

/// Buffers a node reuses to build gossip sections: every PING and PONG
/// carries a tenth of the cluster (a hundred 100-byte entries at 1000
/// nodes), and allocating and freeing those sections was a tenth of a
/// large simulation. A node receives about as many sections as it sends,
/// so the few it keeps are enough. Nothing observable depends on them.
#[derive(Clone, Default)]
pub(in crate::node) struct GossipBuffers {
    spare: Vec<Vec<GossipEntry>>,
    /// `build_gossip`'s bitmap of entries already in the section.
    picked: Vec<u64>,
    /// `build_gossip`'s first random picks (slab indexes), drawn up front.
    first: Vec<u16>,
    /// `process_gossip`'s slab index of each entry (`None`: unknown node).
    idxs: Vec<Option<u16>>,
}

impl GossipBuffers {
    /// How many emptied sections a node keeps.
    const KEEP: usize = 4;

    /// An empty section with room for `wanted` entries.
    fn take(&mut self, wanted: usize) -> Vec<GossipEntry> {
        let mut entries = self.spare.pop().unwrap_or_default();
        entries.reserve(wanted);
        entries
    }

    /// Keeps a received section's buffer (up to [`KEEP`](Self::KEEP)).
    pub(in crate::node) fn recycle(&mut self, mut entries: Vec<GossipEntry>) {
        if self.spare.len() < Self::KEEP && entries.capacity() > 0 {
            entries.clear();
            self.spare.push(entries);
        }
    }

    /// What the kept buffers hold, for `state_bytes`.
    pub(in crate::node) fn bytes(&self) -> usize {
        self.spare
            .iter()
            .map(|v| v.capacity() * std::mem::size_of::<GossipEntry>())
            .sum::<usize>()
            + self.picked.capacity() * 8
            + self.first.capacity() * 2
            + self.idxs.capacity() * 4
    }
}

fn gossip_entry(p: &Peer) -> GossipEntry {
    GossipEntry {
        node: p.id,
        ping_sent: (p.ping_sent.get().map_or(0, |t| t.ms()) / 1000) as u32,
        pong_received: (p.pong_received.ms() / 1000) as u32,
        ip: p.ip_text(),
        port: p.port,
        cport: p.cport,
        flags: p.flags,
        pport: 0,
    }
}

fn gossip_ip(g: &GossipEntry) -> Option<IpAddr> {
    g.ip.parse()
}
