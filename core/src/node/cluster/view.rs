//! Read-only snapshots of a node's beliefs, for UIs, checkers and `CLUSTER NODES`.

use crate::flags::NodeFlags;
use crate::id::NodeId;
use crate::node::{Node, Routing};
use crate::slot::SlotSet;
use crate::time::Time;
use std::collections::BTreeMap;
use std::fmt::Write;
use std::net::IpAddr;

/// One node's whole view of the cluster at one instant.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NodeView {
    /// The node whose view this is.
    pub id: NodeId,
    /// Its currentEpoch.
    pub current_epoch: u64,
    /// My configEpoch (a replica reports its master's, as Redis does).
    pub my_epoch: u64,
    /// The epoch of its last vote (`lastVoteEpoch`).
    pub last_vote_epoch: u64,
    /// `cluster_state:ok`.
    pub state_ok: bool,
    /// Replication offset (master_repl_offset, or the replica's processed offset).
    pub repl_offset: u64,
    /// Every known node, myself included, ordered by ID.
    pub nodes: Vec<PeerView>,
    /// Open slots: slot → destination (MIGRATING).
    pub migrating: BTreeMap<u16, NodeId>,
    /// Open slots: slot → source (IMPORTING).
    pub importing: BTreeMap<u16, NodeId>,
    /// The replica's election, while one is scheduled or running.
    pub election: Option<ElectionView>,
    /// Masters' votes: the last time this node voted for a replica of each master.
    pub voted_time: BTreeMap<NodeId, Time>,
}

/// What a node knows about one node (a `clusterNode` entry).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PeerView {
    /// The node's ID.
    pub id: NodeId,
    /// Its IP, if known.
    pub ip: Option<IpAddr>,
    /// Its client port.
    pub port: u16,
    /// Its bus port.
    pub cport: u16,
    /// Its flags as this node sees them.
    pub flags: NodeFlags,
    /// Its master, if it is a replica.
    pub master: Option<NodeId>,
    /// Time of the outstanding PING, if any.
    pub ping_sent: Option<Time>,
    /// Time of its last PONG (or gossip news of one).
    pub pong_received: Time,
    /// Its configEpoch (its master's for a replica).
    pub config_epoch: u64,
    /// Our outbound link to it is up (`connected` in CLUSTER NODES).
    pub link_connected: bool,
    /// Slots bound to this node in our `slots[]` table.
    pub slots: SlotSet,
    /// Failure reports about this node: reporter and time.
    pub fail_reports: Vec<(NodeId, Time)>,
    /// Its replication offset, from its last header.
    pub repl_offset: u64,
    /// Its announced hostname (empty: none).
    pub hostname: String,
}

/// A replica's election state (`failover_auth_*` in `clusterState`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ElectionView {
    /// When the vote request is (or was) sent.
    pub auth_time: Time,
    /// This replica's rank (replicas with a greater offset).
    pub rank: u32,
    /// The vote request went out.
    pub sent: bool,
    /// The election's epoch.
    pub epoch: u64,
    /// Votes received.
    pub votes: u32,
    /// Votes needed: `size / 2 + 1`.
    pub needed: u32,
    /// A manual failover's election.
    pub manual: bool,
}

impl Node {
    /// A snapshot of this node's beliefs.
    pub fn view(&self) -> NodeView {
        self.routing().view(self.repl_offset())
    }
}

impl Node {
    /// Approximate bytes of this node's cluster state: the node itself, its
    /// node table (with each entry's record, replica list, hostname and
    /// failure reports), the ID index and
    /// the slot table. The keyspace, clients and queued outputs are left out.
    /// For the simulation benchmark's memory per node: process RSS cannot
    /// tell, since the allocator keeps what a formation burst freed.
    pub fn state_bytes(&self) -> usize {
        use super::peer::Peer;
        use std::mem::size_of;
        let table = self.cluster.peers.capacity() * size_of::<Option<Peer>>()
            + self.peers().map(Peer::heap_bytes).sum::<usize>();
        let index = self.cluster.index.bytes();
        size_of::<Self>()
            + table
            + index
            + self.cluster.order.capacity() * size_of::<u16>()
            + self.cluster.slots.len() * size_of::<u16>()
            + self
                .cluster
                .myslots_cache
                .as_ref()
                .map_or(0, |_| size_of::<SlotSet>())
            + self.cluster.gossip_buffers.bytes()
            + self.cluster.cron_due.bytes()
    }
}

impl NodeView {
    /// The viewing node's own entry.
    pub fn myself(&self) -> Option<&PeerView> {
        self.nodes.iter().find(|n| n.id == self.id)
    }

    /// The entry for `id`.
    pub fn node(&self, id: NodeId) -> Option<&PeerView> {
        self.nodes.iter().find(|n| n.id == id)
    }

    /// The owner of `slot` in this node's view.
    pub fn slot_owner(&self, slot: u16) -> Option<NodeId> {
        self.nodes
            .iter()
            .find(|n| n.slots.contains(slot))
            .map(|n| n.id)
    }

    /// `CLUSTER NODES` text. `unix_ms_at_zero` maps the host's `Time` to unix
    /// ms (Redis prints ping/pong times as unix ms).
    pub fn cluster_nodes(&self, unix_ms_at_zero: u64) -> String {
        let mut out = String::new();
        for n in &self.nodes {
            let ip = n.ip.map(|ip| ip.to_string()).unwrap_or_default();
            let master = n
                .master
                .map(|m| m.to_string())
                .unwrap_or_else(|| "-".into());
            let ping = n.ping_sent.map_or(0, |t| t.ms() + unix_ms_at_zero);
            let pong = if n.pong_received == Time::ZERO {
                0
            } else {
                n.pong_received.ms() + unix_ms_at_zero
            };
            let link = if n.link_connected || n.id == self.id {
                "connected"
            } else {
                "disconnected"
            };
            // `clusterGenNodeDescription`: `ip:port@cport[,hostname]`.
            let _ = write!(out, "{} {}:{}@{}", n.id, ip, n.port, n.cport);
            if !n.hostname.is_empty() {
                let _ = write!(out, ",{}", n.hostname);
            }
            let _ = write!(
                out,
                " {} {} {} {} {} {}",
                n.flags, master, ping, pong, n.config_epoch, link
            );
            if !n.slots.is_empty() {
                let _ = write!(out, " {}", n.slots);
            }
            if n.id == self.id {
                for (slot, to) in &self.migrating {
                    let _ = write!(out, " [{slot}->-{to}]");
                }
                for (slot, from) in &self.importing {
                    let _ = write!(out, " [{slot}-<-{from}]");
                }
            }
            out.push('\n');
        }
        out
    }
}

/// Cheap reads for UIs that redraw often (the web app): the parts of [`NodeView`]
/// they need every frame, without copying the whole table.
impl Node {
    /// Each known node's ID and flags as this node sees them, myself included.
    pub fn peer_flags(&self) -> impl Iterator<Item = (NodeId, NodeFlags)> + '_ {
        self.peers().map(|p| (p.id, p.flags))
    }

    /// The slots this node believes it serves itself.
    pub fn my_slots(&self) -> SlotSet {
        self.slots_of(self.myself)
    }

    /// Open slots this node is MIGRATING: slot → destination.
    pub fn migrating(&self) -> &BTreeMap<u16, NodeId> {
        &self.cluster.migrating
    }

    /// Open slots this node is IMPORTING: slot → source.
    pub fn importing(&self) -> &BTreeMap<u16, NodeId> {
        &self.cluster.importing
    }
}

/// What callers ask of the node's cluster view, one fact at a time.
impl Node {
    /// Whether this node is a master.
    pub fn is_master(&self) -> bool {
        self.routing().is_master()
    }

    /// Whether this node is a replica.
    pub fn is_replica(&self) -> bool {
        self.routing().is_replica()
    }

    /// My master, if I am a replica.
    pub fn master(&self) -> Option<NodeId> {
        self.routing().master()
    }

    /// This node's currentEpoch.
    pub fn current_epoch(&self) -> u64 {
        self.cluster.current_epoch
    }

    /// My configEpoch (a replica's is its master's, as `cluster_my_epoch` shows).
    pub fn my_epoch(&self) -> u64 {
        self.routing().my_epoch()
    }

    /// `cluster_state:ok` in this node's view.
    pub fn state_ok(&self) -> bool {
        self.routing().state_ok()
    }

    /// The owner of `slot` in this node's view.
    pub fn slot_owner(&self, slot: u16) -> Option<NodeId> {
        self.routing().slot_owner(slot)
    }

    /// `CLUSTER COUNT-FAILURE-REPORTS`: live reports, `None` if unknown node.
    pub fn count_failure_reports(&mut self, now: Time, id: NodeId) -> Option<u32> {
        self.peer(id)?;
        Some(self.failure_reports_count(now, id))
    }

    /// The lowest slot this node serves, if any.
    ///
    /// The simulator's write load asks every master every 100 ms, and an
    /// element-by-element scan of the 16384-entry table was 15% of a
    /// simulation: find the 64-slot block first, with a branch-free compare
    /// the compiler vectorizes, then the slot in it.
    pub fn first_owned_slot(&self) -> Option<u16> {
        // A master's header bitmap is its own slots, when built.
        if let Some(mine) = self
            .cluster
            .myslots_cache
            .as_ref()
            .filter(|_| self.is_master())
        {
            return mine.first();
        }
        let idx = self.cluster.index.get(&self.myself)?;
        let block = self
            .cluster
            .slots
            .chunks(64)
            .position(|c| c.iter().fold(false, |hit, &o| hit | (o == idx)))?;
        let first = block * 64
            + self.cluster.slots[block * 64..]
                .iter()
                .position(|&o| o == idx)?;
        Some(first as u16)
    }

    /// Number of nodes this node knows, itself included (`cluster_known_nodes`).
    pub fn known_nodes(&self) -> usize {
        self.routing().known_nodes()
    }

    /// The flags of every known node, myself included.
    pub fn known_flags(&self) -> impl Iterator<Item = NodeFlags> + '_ {
        self.peers().map(|p| p.flags)
    }

    /// `cluster_size`: masters serving at least one slot.
    pub fn size(&self) -> u32 {
        self.cluster.size
    }
}

/// CLUSTER NODES, SLOTS and SHARDS read the snapshot this way.
impl Routing<'_> {
    /// A snapshot of this node's beliefs.
    pub fn view(&self, my_repl_offset: u64) -> NodeView {
        let mut nodes: Vec<PeerView> = self
            .peers()
            .map(|p| PeerView {
                id: p.id,
                ip: p.ip(),
                port: p.port,
                cport: p.cport,
                flags: p.flags,
                master: p.master,
                ping_sent: p.ping_sent.get(),
                pong_received: p.pong_received,
                // Replicas show their master's epoch, as CLUSTER NODES does.
                config_epoch: match p.master.and_then(|m| self.peer(m)) {
                    Some(m) if p.is_replica() => m.config_epoch,
                    _ => p.config_epoch,
                },
                link_connected: p.link.is_some(),
                slots: self.slots_of(p.id),
                fail_reports: p.fail_reports.to_vec(),
                repl_offset: if p.id == self.myself {
                    my_repl_offset
                } else {
                    p.repl_offset
                },
                hostname: p.hostname.clone(),
            })
            .collect();
        crate::sorted::sort_by_key(&mut nodes, |n| n.id);
        let e = &self.cluster.election;
        let election = (self.is_replica() && e.auth_time.is_some()).then(|| ElectionView {
            auth_time: e.auth_time.unwrap_or_default(),
            rank: e.rank,
            sent: e.sent,
            epoch: e.epoch,
            votes: e.count,
            needed: self.needed_quorum(),
            manual: self.cluster.manual.end.is_some(),
        });
        NodeView {
            id: self.myself,
            current_epoch: self.cluster.current_epoch,
            my_epoch: self.my_epoch(),
            last_vote_epoch: self.cluster.last_vote_epoch,
            state_ok: self.cluster.state_ok,
            repl_offset: my_repl_offset,
            nodes,
            migrating: self.cluster.migrating.clone(),
            importing: self.cluster.importing.clone(),
            election,
            voted_time: crate::sorted::map(
                self.peers().filter_map(|p| p.voted_time.map(|t| (p.id, t))),
            ),
        }
    }
}
