//! The cluster part of a node: Redis's `clusterState` (cluster.h), beside the
//! server part ([`Server`](crate::node::server::Server)).
//!
//! It holds what cluster.c decides with: the node table, the slot map,
//! MIGRATING/IMPORTING, the epochs, the election and manual failover, and
//! cron's bookkeeping. What nodes.conf keeps survives a restart, the rest
//! starts over ([`ClusterState::restarted`] draws the line).

use super::{cron_due, failover, gossip, manual, peer::Peer, peer_index, NO_OWNER};
use crate::config::consts;
use crate::id::NodeId;
use crate::slot::SlotSet;
use crate::time::Time;
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::Arc;

/// A node's cluster part (see the module's doc).
#[derive(Clone)]
pub(crate) struct ClusterState {
    /// The node table (`clusterState.nodes`), a slab so `slots[]` can hold
    /// small indices; holes are reused.
    pub(in crate::node) peers: Vec<Option<Peer>>,
    /// Node ID → slab index, for lookups by name.
    pub(in crate::node) index: peer_index::PeerIndex,
    /// Live slab indices, for uniform random picks (`dictGetRandomKey`).
    pub(in crate::node) order: Vec<u16>,
    /// Slot → index of the owning node, or [`NO_OWNER`].
    pub(in crate::node) slots: Box<[u16]>,
    /// Slots bound to anyone (full coverage needs 16384).
    pub(in crate::node) assigned: u32,
    /// Slots this node is migrating, and to whom (`migrating_slots_to`).
    pub(in crate::node) migrating: BTreeMap<u16, NodeId>,
    /// Slots this node is importing, and from whom (`importing_slots_from`).
    pub(in crate::node) importing: BTreeMap<u16, NodeId>,
    /// `currentEpoch`: the highest epoch this node has seen.
    pub(in crate::node) current_epoch: u64,
    /// `lastVoteEpoch`: the epoch of this node's last failover vote (one vote per epoch).
    pub(in crate::node) last_vote_epoch: u64,
    /// `cluster_state`: ok (true) or fail.
    pub(in crate::node) state_ok: bool,
    /// Masters with at least one slot, as of the last state update (every quorum uses it).
    pub(in crate::node) size: u32,
    /// Since when this node has been in the minority (CLUSTER_WRITABLE_DELAY / rejoin).
    pub(in crate::node) among_minority_time: Option<Time>,
    /// When this node started (CLUSTER_WRITABLE_DELAY counts from it).
    pub(in crate::node) started: Time,
    /// This replica's election, if it runs one (`failover_auth_*`).
    pub(in crate::node) election: failover::Election,
    /// CLUSTER FAILOVER in progress (`mf_*`).
    pub(in crate::node) manual: manual::ManualFailover,
    /// Nodes CLUSTER FORGET removed, and until when they may not be re-added (`nodes_black_list`).
    pub(in crate::node) blacklist: BTreeMap<NodeId, Time>,
    /// How many cron ticks ran (`clusterCron`'s `iteration`, every 10th pings a random node).
    pub(in crate::node) iteration: u64,
    /// When `clusterCron` next runs (every 100 ms).
    pub(in crate::node) next_cron: Time,
    /// Nodes in PFAIL as of the last cron (`stats_pfail_nodes`).
    pub(in crate::node) stats_pfail_nodes: u32,
    /// `todo_before_sleep` flags for `clusterBeforeSleep`.
    pub(in crate::node) todo: u8,
    /// The header bitmap, rebuilt only when slot ownership changes.
    pub(in crate::node) myslots_cache: Option<Arc<SlotSet>>,
    /// Bus messages sent, by type (`stats_bus_messages_sent`).
    pub(in crate::node) stats_sent: [u64; 11],
    /// Bus messages received, by type (`stats_bus_messages_received`).
    pub(in crate::node) stats_received: [u64; 11],
    /// Emptied gossip sections of processed messages, reused by the next
    /// PINGs and PONGs this node builds (see [`gossip::GossipBuffers`]).
    pub(in crate::node) gossip_buffers: gossip::GossipBuffers,
    /// When cron next needs to look at each node of the table.
    pub(in crate::node) cron_due: cron_due::CronDue,
    /// Outbound links being connected, by bus address: the answer names
    /// only the address, and finding a node by address walks the table.
    pub(in crate::node) connecting: Vec<(SocketAddr, NodeId)>,
    /// A reported send buffer is over `cluster-link-sendbuf-limit`: the
    /// next cron frees links.
    pub(in crate::node) links_over_limit: bool,
    /// `total_cluster_links_buffer_limit_exceeded`.
    pub(in crate::node) stats_links_buffer_limit_exceeded: u64,
}

impl ClusterState {
    /// A node alone in its cluster, knowing no one yet (not even itself:
    /// [`Node::new`](crate::node::Node::new) adds it), with no slots.
    pub(in crate::node) fn new(now: Time) -> ClusterState {
        ClusterState {
            peers: Vec::new(),
            index: peer_index::PeerIndex::default(),
            order: Vec::new(),
            slots: vec![NO_OWNER; crate::slot::SLOTS as usize].into_boxed_slice(),
            assigned: 0,
            migrating: BTreeMap::new(),
            importing: BTreeMap::new(),
            current_epoch: 0,
            last_vote_epoch: 0,
            state_ok: false,
            // `clusterInit`'s value: CLUSTER INFO shows `cluster_size:1`
            // until a master's first state update, after the writable delay.
            size: 1,
            among_minority_time: None,
            started: now,
            election: failover::Election::default(),
            manual: manual::ManualFailover::default(),
            blacklist: BTreeMap::new(),
            iteration: 0,
            next_cron: now + consts::CRON_PERIOD_MS,
            stats_pfail_nodes: 0,
            todo: 0,
            myslots_cache: None,
            stats_sent: [0; 11],
            stats_received: [0; 11],
            gossip_buffers: gossip::GossipBuffers::default(),
            cron_due: cron_due::CronDue::default(),
            connecting: Vec::new(),
            links_over_limit: false,
            stats_links_buffer_limit_exceeded: 0,
        }
    }

    /// The cluster part of the same node after a crash and restart: a fresh
    /// `clusterInit` into which `clusterLoadConfig` reads back what
    /// nodes.conf keeps — the node table (each entry as
    /// [`Peer::reloaded`] rebuilds it), the slot map, MIGRATING/IMPORTING,
    /// `currentEpoch` and `lastVoteEpoch`. Everything else starts as on a
    /// first start: CLUSTER FORGET's blacklist, the bus and link-buffer
    /// statistics, `cluster_size` (1), links, the election and manual
    /// failover. [`Node::restart`](crate::node::Node::restart) then drops the
    /// nodes still in handshake, which nodes.conf does not save.
    pub(in crate::node) fn restarted(&self, now: Time) -> ClusterState {
        let mut cluster = ClusterState::new(now);
        cluster.peers = self
            .peers
            .iter()
            .map(|p| p.as_ref().map(|p| p.reloaded(now)))
            .collect();
        cluster.index = self.index.clone();
        cluster.order = self.order.clone();
        cluster.slots = self.slots.clone();
        cluster.assigned = self.assigned;
        cluster.migrating = self.migrating.clone();
        cluster.importing = self.importing.clone();
        cluster.current_epoch = self.current_epoch;
        cluster.last_vote_epoch = self.last_vote_epoch;
        // The cron's schedule follows the table's slab: keep its shape, and
        // look at every node on the first cron.
        cluster.cron_due = self.cron_due.clone();
        cluster.cron_due.touch_all();
        cluster
    }
}
