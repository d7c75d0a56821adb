//! What the command layer may ask of the cluster state: where a slot stands
//! from this node's point of view (`getNodeByQuery`'s inputs in cluster.c),
//! and the address a redirection names. Read-only: the command layer routes
//! with it, and never reaches into the cluster part itself.

use super::{peer::Peer, ClusterState, NO_OWNER};
use crate::config::{Config, EndpointType};
use crate::id::NodeId;
use crate::node::Node;
use crate::slot::SlotSet;

/// Where a slot stands from this node's point of view, for routing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SlotRoute {
    /// The owner's address, as MOVED prints it; `None` if unassigned.
    pub owner: Option<RouteAddr>,
    /// I own it.
    pub mine: bool,
    /// The MIGRATING destination's address, when I own it and migrate it.
    pub migrating_to: Option<RouteAddr>,
    /// I am IMPORTING it.
    pub importing: bool,
    /// I am a replica and my master owns it (READONLY reads).
    pub my_master_owns: bool,
}

/// A node's client address as redirections print it: `endpoint:port`,
/// the endpoint chosen by `cluster-preferred-endpoint-type`
/// (`getPreferredEndpoint`). Only formatted when a redirection is sent, not
/// for every routed command.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RouteAddr {
    host: RouteHost,
    port: u16,
}

/// The endpoint part of a [`RouteAddr`].
#[derive(Clone, Debug, PartialEq, Eq)]
enum RouteHost {
    /// `ip`: the IP, empty while unknown.
    Ip(Option<std::net::IpAddr>),
    /// `hostname`: the announced name, `?` when the node has none.
    Name(String),
    /// `unknown-endpoint`: empty, the client keeps the address it used.
    Unknown,
}

impl std::fmt::Display for RouteAddr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.host {
            RouteHost::Ip(Some(ip)) => write!(f, "{ip}")?,
            RouteHost::Name(name) if name.is_empty() => f.write_str("?")?,
            RouteHost::Name(name) => f.write_str(name)?,
            RouteHost::Ip(None) | RouteHost::Unknown => {}
        }
        write!(f, ":{}", self.port)
    }
}

/// The cluster part as the command layer sees it: read-only, what routing
/// and the read-only CLUSTER subcommands ask (`getNodeByQuery`'s inputs,
/// myself's role). Commands get it beside the server part, as Redis's
/// server.c reads `server.cluster` but only cluster.c changes it.
#[derive(Clone, Copy)]
pub struct Routing<'a> {
    pub(in crate::node) cfg: &'a Config,
    pub(in crate::node) myself: NodeId,
    pub(in crate::node) cluster: &'a ClusterState,
}

impl<'a> Routing<'a> {
    pub(in crate::node) fn me(&self) -> &'a Peer {
        self.peer(self.myself)
            .expect("myself is always in the table")
    }

    pub(in crate::node) fn peer(&self, id: NodeId) -> Option<&'a Peer> {
        let idx = self.cluster.index.get(&id)?;
        self.cluster.peers[idx as usize].as_ref()
    }

    pub(in crate::node) fn slot_owner_peer(&self, slot: u16) -> Option<&'a Peer> {
        let idx = self.cluster.slots[slot as usize];
        (idx != NO_OWNER)
            .then_some(idx)
            .and_then(|i| self.cluster.peers[i as usize].as_ref())
    }

    /// This node's ID.
    pub fn id(&self) -> NodeId {
        self.myself
    }

    /// Whether this node is a master.
    pub fn is_master(&self) -> bool {
        self.me().is_master()
    }

    /// Whether this node is a replica.
    pub fn is_replica(&self) -> bool {
        self.me().is_replica()
    }

    /// My master, if I am a replica.
    pub fn master(&self) -> Option<NodeId> {
        self.me().master
    }

    /// `cluster_state:ok` in this node's view.
    pub fn state_ok(&self) -> bool {
        self.cluster.state_ok
    }

    /// The owner of `slot` in this node's view.
    pub fn slot_owner(&self, slot: u16) -> Option<NodeId> {
        let idx = *self.cluster.slots.get(slot as usize)?;
        self.cluster
            .peers
            .get(idx as usize)
            .and_then(|p| p.as_ref())
            .map(|p| p.id)
    }

    /// Where `slot` stands for a command that touches it.
    pub fn slot_route(&self, slot: u16) -> SlotRoute {
        let owner = self.slot_owner_peer(slot);
        let addr = |id| self.peer(id).map(|p| self.route_addr(p));
        let mine = owner.is_some_and(|p| p.id == self.myself);
        SlotRoute {
            owner: owner.map(|p| self.route_addr(p)),
            mine,
            migrating_to: self
                .cluster
                .migrating
                .get(&slot)
                .filter(|_| mine)
                .and_then(|id| addr(*id)),
            importing: self.cluster.importing.contains_key(&slot),
            my_master_owns: self.is_replica() && owner.is_some_and(|p| Some(p.id) == self.master()),
        }
    }

    /// Where a redirection sends clients to reach `p`.
    fn route_addr(&self, p: &Peer) -> RouteAddr {
        let host = match self.cfg.preferred_endpoint {
            EndpointType::Ip => RouteHost::Ip(p.ip()),
            EndpointType::Hostname => RouteHost::Name(p.hostname.clone()),
            EndpointType::UnknownEndpoint => RouteHost::Unknown,
        };
        RouteAddr { host, port: p.port }
    }
}

/// What the read-only CLUSTER subcommands and INFO read.
impl<'a> Routing<'a> {
    /// Every known node, in table order (deterministic).
    pub(in crate::node) fn peers(&self) -> impl Iterator<Item = &'a Peer> + 'a {
        let cluster = self.cluster;
        cluster
            .order
            .iter()
            .filter_map(|&i| cluster.peers[i as usize].as_ref())
    }

    /// The slots bound to `id` in our table.
    pub(in crate::node) fn slots_of(&self, id: NodeId) -> SlotSet {
        let Some(idx) = self.cluster.index.get(&id) else {
            return SlotSet::new();
        };
        if self.cluster.peers[idx as usize]
            .as_ref()
            .map_or(0, |p| p.numslots)
            == 0
        {
            return SlotSet::new();
        }
        (0..crate::slot::SLOTS)
            .filter(|&s| self.cluster.slots[s as usize] == idx)
            .collect()
    }

    /// My configEpoch (a replica's is its master's, as `cluster_my_epoch` shows).
    pub fn my_epoch(&self) -> u64 {
        let me = self.me();
        match me.master.and_then(|m| self.peer(m)) {
            Some(master) if me.is_replica() => master.config_epoch,
            _ => me.config_epoch,
        }
    }

    /// Quorum of masters for FAIL and for elections: `size / 2 + 1`.
    pub(in crate::node) fn needed_quorum(&self) -> u32 {
        self.cluster.size / 2 + 1
    }

    /// Number of nodes this node knows, itself included (`cluster_known_nodes`).
    pub fn known_nodes(&self) -> usize {
        self.cluster.order.len()
    }
}

impl Node {
    /// The read-only view of the cluster part the command layer gets.
    pub(crate) fn routing(&self) -> Routing<'_> {
        Routing {
            cfg: &self.cfg,
            myself: self.myself,
            cluster: &self.cluster,
        }
    }
}
