//! The two bus links a node keeps with each peer, as CLUSTER LINKS shows them
//! (Redis 7.0's `clusterNode.link` and `inbound_link`), and the
//! `cluster-link-sendbuf-limit` rule that frees a link whose send buffer
//! grew past the limit (`clusterNodeCronFreeLinkOnBufferLimitReached`).
//!
//! The node does no IO, so the host reports each link's send buffer
//! ([`Node::report_send_buffer`]); the rule, the counter and the reply are
//! here, the same for the native node and the simulator.

use crate::id::NodeId;
use crate::node::request::{sealed, Request};
use crate::node::{Link, Node, Output, Routing};
use crate::time::Time;
use std::net::SocketAddr;

/// A bus link's send buffer (`sdsalloc` and `sdslen` of `link->sndbuf`),
/// as the host measures it: bytes queued but not yet written, and the
/// memory holding them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SendBuffer {
    /// Bytes of memory the buffer holds (`send-buffer-allocated`).
    pub allocated: u64,
    /// Bytes waiting to be written (`send-buffer-used`).
    pub used: u64,
}

/// One link of CLUSTER LINKS (`addReplyClusterLinkDescription`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LinkView {
    /// `to` for our outbound link, `from` for the peer's link to us.
    pub inbound: bool,
    /// The peer at the other end.
    pub node: NodeId,
    /// When the link was created (ms of the host's clock: unix ms natively).
    pub created: Time,
    /// Its send buffer, as last reported by the host.
    pub buffer: SendBuffer,
}

impl LinkView {
    /// `events`: a link always has its read handler; the write handler is
    /// installed while something waits to be written.
    pub fn events(&self) -> &'static str {
        if self.buffer.used > 0 {
            "rw"
        } else {
            "r"
        }
    }
}

impl Node {
    /// `setClusterNodeToInboundClusterLink`: a message from a known node on
    /// a link it opened to us (our inbound link) ties that link to it; the
    /// first such message dates the link.
    pub(in crate::node) fn note_inbound_link(&mut self, now: Time, sender: NodeId) {
        if let Some(p) = self.peer_mut(sender) {
            if p.inbound_link.is_none() {
                p.inbound_link = Some(now);
                p.inbound_buffer = SendBuffer::default();
            }
        }
    }

    /// The host closed the link the node at bus address `addr` had opened
    /// to us (the peer went away, or a newer link from it replaced this
    /// one, as `setClusterNodeToInboundClusterLink` frees the older).
    pub(in crate::node) fn inbound_link_closed(&mut self, addr: SocketAddr) {
        if let Some(id) = self.peer_by_addr(addr) {
            if let Some(p) = self.peer_mut(id) {
                p.inbound_link = None;
                p.inbound_buffer = SendBuffer::default();
            }
        }
    }

    /// The host's measure of the send buffer of a bus link to or from the
    /// node at bus address `addr`: `Link::Outbound` for ours, `Link::Reply`
    /// for the one it opened to us. The next cron applies
    /// `cluster-link-sendbuf-limit` to it.
    pub fn report_send_buffer(&mut self, addr: SocketAddr, link: Link, buffer: SendBuffer) {
        let Some(id) = self.peer_by_addr(addr) else {
            return;
        };
        let limit = self.cfg.link_sendbuf_limit;
        if let Some(p) = self.peer_mut(id) {
            match link {
                Link::Outbound if p.link.is_some() => p.out_buffer = buffer,
                Link::Reply if p.inbound_link.is_some() => p.inbound_buffer = buffer,
                _ => return,
            }
            if limit > 0 && buffer.allocated > limit {
                self.cluster.links_over_limit = true;
            }
        }
    }

    /// `clusterNodeCronFreeLinkOnBufferLimitReached`, for every node: a
    /// link whose buffer holds more than `cluster-link-sendbuf-limit` is
    /// freed and counted (`total_cluster_links_buffer_limit_exceeded`); the
    /// same cron reconnects an outbound one, a peer reopens its own.
    pub(in crate::node) fn free_links_over_limit(&mut self) {
        if !std::mem::take(&mut self.cluster.links_over_limit) {
            return;
        }
        let limit = self.cfg.link_sendbuf_limit;
        if limit == 0 {
            return;
        }
        let mut freed = Vec::new();
        for p in self.cluster.peers.iter_mut().flatten() {
            let Some(addr) = p.bus_addr() else { continue };
            if p.link.is_some() && p.out_buffer.allocated > limit {
                p.link = None.into();
                p.out_buffer = SendBuffer::default();
                freed.push((addr, Link::Outbound));
            }
            if p.inbound_link.is_some() && p.inbound_buffer.allocated > limit {
                p.inbound_link = None;
                p.inbound_buffer = SendBuffer::default();
                freed.push((addr, Link::Reply));
            }
        }
        if freed.is_empty() {
            return;
        }
        self.cluster.stats_links_buffer_limit_exceeded += freed.len() as u64;
        for (to, link) in freed {
            self.out.push_back(Output::DropLink { to, link });
        }
        // The reconnect loop must look at the nodes just unlinked.
        self.cluster.cron_due.touch_all();
    }
}

/// `DEBUG CLUSTERLINK KILL to|from|all <node-id>`.
pub struct KillLinks {
    /// The peer whose links go.
    pub id: NodeId,
    /// Our link to it.
    pub to: bool,
    /// Its link to us.
    pub from: bool,
}

impl sealed::Sealed for KillLinks {}

impl Request for KillLinks {
    type Answer = ();

    fn apply(self, node: &mut Node, _now: Time) {
        node.kill_cluster_links(self.id, self.to, self.from);
    }
}

impl Node {
    /// `DEBUG CLUSTERLINK KILL to|from|all <node>`: frees our link to
    /// `id` (`to`), its link to us (`from`), or both, as `freeClusterLink`
    /// does; the cron reconnects an outbound link, the peer reopens its
    /// own. A link that is not there is left alone (7.0.15 would crash on
    /// it), and so is an unknown ID.
    fn kill_cluster_links(&mut self, id: NodeId, to: bool, from: bool) {
        let Some(p) = self.peer_mut(id) else {
            return;
        };
        let Some(addr) = p.bus_addr() else {
            return;
        };
        let mut freed = Vec::new();
        if to && p.link.take().is_some() {
            p.out_buffer = SendBuffer::default();
            freed.push(Link::Outbound);
        }
        if from && p.inbound_link.take().is_some() {
            p.inbound_buffer = SendBuffer::default();
            freed.push(Link::Reply);
        }
        for link in freed {
            self.out.push_back(Output::DropLink { to: addr, link });
        }
        // The reconnect loop must look at the node just unlinked.
        self.cluster.cron_due.touch_all();
    }
}

/// CLUSTER LINKS and CLUSTER INFO read the links this way.
impl Routing<'_> {
    /// Every link, outbound then inbound per node, in table order
    /// (`addReplyClusterLinksDescription`).
    pub fn links(&self) -> Vec<LinkView> {
        let mut out = Vec::new();
        for p in self.peers().filter(|p| p.id != self.myself) {
            if let Some(created) = p.link.get() {
                out.push(LinkView {
                    inbound: false,
                    node: p.id,
                    created,
                    buffer: p.out_buffer,
                });
            }
            if let Some(created) = p.inbound_link {
                out.push(LinkView {
                    inbound: true,
                    node: p.id,
                    created,
                    buffer: p.inbound_buffer,
                });
            }
        }
        out
    }

    /// `total_cluster_links_buffer_limit_exceeded` of CLUSTER INFO.
    pub fn links_buffer_limit_exceeded(&self) -> u64 {
        self.cluster.stats_links_buffer_limit_exceeded
    }
}
