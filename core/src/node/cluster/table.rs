//! The node table and the slot table: lookups and the primitive edits every
//! rule is built from (`clusterAddNode`, `clusterDelNode`, `clusterAddSlot`,
//! `clusterSetNodeAsMaster`, `clusterSetMaster`, …).

use super::{peer::Peer, todo, NO_OWNER};

use crate::event::Event;
use crate::flags::NodeFlags;
use crate::id::NodeId;
use crate::node::{Link, Node, Output};
use crate::slot::SlotSet;
use crate::time::Time;
use std::sync::Arc;

impl Node {
    pub(in crate::node) fn me(&self) -> &Peer {
        self.routing().me()
    }

    pub(in crate::node) fn me_mut(&mut self) -> &mut Peer {
        let id = self.myself;
        self.peer_mut(id).expect("myself is always in the table")
    }

    pub(in crate::node) fn peer(&self, id: NodeId) -> Option<&Peer> {
        self.routing().peer(id)
    }

    /// The entry of `id`, to edit: cron looks at it again at its next run
    /// (see [`CronDue`](super::cron_due::CronDue)).
    pub(in crate::node) fn peer_mut(&mut self, id: NodeId) -> Option<&mut Peer> {
        let idx = self.cluster.index.get(&id)?;
        self.peer_at_mut(idx)
    }

    /// The entry at slab index `idx`: cron walks the table by index, since
    /// looking every node up by ID every 100 ms dominated large clusters.
    pub(in crate::node) fn peer_at(&self, idx: u16) -> Option<&Peer> {
        self.cluster.peers[idx as usize].as_ref()
    }

    /// The entry at slab index `idx`, to edit: cron looks at it again at its
    /// next run (see [`CronDue`](super::cron_due::CronDue)).
    pub(in crate::node) fn peer_at_mut(&mut self, idx: u16) -> Option<&mut Peer> {
        self.cluster.cron_due.touch(idx);
        self.cluster.peers[idx as usize].as_mut()
    }

    /// The entry at `idx`, only to record fresher liveness evidence (a later
    /// `pong_received`): that can only postpone what cron does about the
    /// node, so it does not need to look again before it planned to.
    pub(in crate::node) fn peer_at_mut_fresher(&mut self, idx: u16) -> Option<&mut Peer> {
        self.cluster.peers[idx as usize].as_mut()
    }

    /// Every known node, in table order (deterministic).
    pub(in crate::node) fn peers(&self) -> impl Iterator<Item = &Peer> {
        self.routing().peers()
    }

    /// IDs of every known node, so rules can edit the table while walking it.
    pub(in crate::node) fn peer_ids(&self) -> Vec<NodeId> {
        self.peers().map(|p| p.id).collect()
    }

    /// A uniformly random known node (`dictGetRandomKey`).
    pub(in crate::node) fn random_peer(&mut self) -> Option<NodeId> {
        let idx = self.random_peer_idx()?;
        self.cluster.peers[idx as usize].as_ref().map(|p| p.id)
    }

    /// [`random_peer`](Self::random_peer)'s slab index (the same draw).
    pub(in crate::node) fn random_peer_idx(&mut self) -> Option<u16> {
        use rand::Rng;
        if self.cluster.order.is_empty() {
            return None;
        }
        // Sample a u32, never a usize: the draw must be the same on wasm32.
        let pick = self.rng.random_range(0..self.cluster.order.len() as u32);
        Some(self.cluster.order[pick as usize])
    }

    pub(in crate::node) fn add_peer(&mut self, peer: Peer) {
        let id = peer.id;
        // Every slab entry is live when `order` lists them all: no hole to
        // look for (loading a thousand-node nodes.conf would walk the
        // table for each line).
        let hole = if self.cluster.order.len() == self.cluster.peers.len() {
            None
        } else {
            self.cluster.peers.iter().position(|p| p.is_none())
        };
        let idx = match hole {
            Some(hole) => {
                self.cluster.peers[hole] = Some(peer);
                hole as u16
            }
            None => {
                self.cluster.peers.push(Some(peer));
                (self.cluster.peers.len() - 1) as u16
            }
        };
        self.cluster.index.insert(id, idx);
        self.cluster.order.push(idx);
        self.cluster
            .cron_due
            .appended(idx, self.cluster.order.len() - 1);
    }

    /// `clusterDelNode`: unbinds its slots, closes open slots that name it,
    /// drops its failure reports everywhere and detaches it from its master.
    /// `freeClusterNode` frees both of its links, which closes their sockets:
    /// the peer at the other end sees them break (after a `CLUSTER RESET`,
    /// its link to the reset node is gone until its cron reconnects).
    pub(in crate::node) fn del_peer(&mut self, id: NodeId) {
        let Some(p) = self.peer(id) else {
            return;
        };
        if let Some(to) = p.bus_addr() {
            let open = [
                (p.link.is_some(), Link::Outbound),
                (p.inbound_link.is_some(), Link::Reply),
            ];
            for (_, link) in open.into_iter().filter(|(open, _)| *open) {
                self.out.push_back(Output::DropLink { to, link });
            }
        }
        let Some(idx) = self.cluster.index.get(&id) else {
            return;
        };
        self.cluster.migrating.retain(|_, n| *n != id);
        self.cluster.importing.retain(|_, n| *n != id);
        for peer in self.cluster.peers.iter_mut().flatten() {
            peer.fail_reports.retain(|(reporter, _)| *reporter != id);
        }
        self.del_node_slots(id);
        if let Some(master) = self.peer(id).and_then(|p| p.master) {
            self.remove_replica(master, id);
        }
        let replicas = self
            .peer(id)
            .map(|p| p.replicas.clone())
            .unwrap_or_default();
        for r in replicas {
            if let Some(p) = self.peer_mut(r) {
                p.master = None;
            }
        }
        self.cluster.peers[idx as usize] = None;
        self.cluster.index.remove(&id);
        self.cluster.order.retain(|&i| i != idx);
        self.cluster.cron_due.removed(idx);
        self.cluster.myslots_cache = None;
    }

    /// `clusterRenameNode`: a handshake node learns its real ID.
    pub(in crate::node) fn rename_peer(&mut self, old: NodeId, new: NodeId) {
        let Some(idx) = self.cluster.index.remove(&old) else {
            return;
        };
        if let Some(p) = self.cluster.peers[idx as usize].as_mut() {
            p.id = new;
        }
        self.cluster.index.insert(new, idx);
    }

    pub(in crate::node) fn slot_owner_idx(&self, slot: u16) -> Option<u16> {
        let idx = self.cluster.slots[slot as usize];
        (idx != NO_OWNER).then_some(idx)
    }

    pub(in crate::node) fn slot_owner_peer(&self, slot: u16) -> Option<&Peer> {
        self.routing().slot_owner_peer(slot)
    }

    /// `clusterAddSlot`: binds an unassigned slot.
    pub(in crate::node) fn add_slot(&mut self, owner: NodeId, slot: u16) -> bool {
        if self.slot_owner_idx(slot).is_some() {
            return false;
        }
        let Some(idx) = self.cluster.index.get(&owner) else {
            return false;
        };
        self.cluster.slots[slot as usize] = idx;
        self.cluster.assigned += 1;
        if let Some(p) = self.cluster.peers[idx as usize].as_mut() {
            p.numslots += 1;
        }
        self.cluster.myslots_cache = None;
        true
    }

    /// `clusterDelSlot`: unbinds a slot; my shard's clients lose their
    /// shard channels in it.
    pub(in crate::node) fn del_slot(&mut self, slot: u16) -> bool {
        let Some(idx) = self.slot_owner_idx(slot) else {
            return false;
        };
        if let Some(old_owner) = self.cluster.peers[idx as usize].as_ref().map(|p| p.id) {
            self.slot_leaves_shard(slot, old_owner);
        }
        self.cluster.slots[slot as usize] = NO_OWNER;
        self.cluster.assigned -= 1;
        if let Some(p) = self.cluster.peers[idx as usize].as_mut() {
            p.numslots -= 1;
        }
        self.cluster.myslots_cache = None;
        true
    }

    /// `clusterDelNodeSlots`.
    pub(in crate::node) fn del_node_slots(&mut self, id: NodeId) {
        let Some(idx) = self.cluster.index.get(&id) else {
            return;
        };
        if self.cluster.peers[idx as usize]
            .as_ref()
            .map_or(0, |p| p.numslots)
            == 0
        {
            return;
        }
        for slot in 0..crate::slot::SLOTS {
            if self.cluster.slots[slot as usize] == idx {
                self.del_slot(slot);
            }
        }
    }

    /// The slots bound to `id` in our table.
    pub(in crate::node) fn slots_of(&self, id: NodeId) -> SlotSet {
        self.routing().slots_of(id)
    }

    /// Whether `slots` is exactly the set bound to `id` (`slots_of(id) ==
    /// *slots`) without building that set: the counts match and every slot
    /// of `slots` is bound to `id`. PING/PONG processing asks this for every
    /// message, and `slots_of` scans all 16384 slots.
    pub(in crate::node) fn owns_exactly(&self, id: NodeId, slots: &SlotSet) -> bool {
        let Some(idx) = self.cluster.index.get(&id) else {
            return slots.is_empty();
        };
        let numslots = self.cluster.peers[idx as usize]
            .as_ref()
            .map_or(0, |p| p.numslots);
        numslots as usize == slots.len()
            && slots.iter().all(|s| self.cluster.slots[s as usize] == idx)
    }

    /// Rebinds `slots` to `owner` and reports it, one event per batch.
    pub(in crate::node) fn bind_slots(&mut self, owner: NodeId, slots: Arc<SlotSet>) {
        for s in slots.iter() {
            self.del_slot(s);
            self.add_slot(owner, s);
        }
        if !slots.is_empty() {
            self.emit(Event::SlotOwner { slots, owner });
        }
    }

    /// `clusterNodeAddSlave`: also flags the master as a replica-migration target.
    pub(in crate::node) fn add_replica(&mut self, master: NodeId, replica: NodeId) {
        if let Some(m) = self.peer_mut(master) {
            if !m.replicas.contains(&replica) {
                m.replicas.push(replica);
            }
            m.flags.set(NodeFlags::MIGRATE_TO);
        }
    }

    pub(in crate::node) fn remove_replica(&mut self, master: NodeId, replica: NodeId) {
        if let Some(m) = self.peer_mut(master) {
            m.replicas.retain(|r| *r != replica);
        }
    }

    /// `clusterSetNodeAsMaster`.
    pub(in crate::node) fn set_node_as_master(&mut self, id: NodeId) {
        let Some(p) = self.peer(id) else { return };
        if p.is_master() {
            return;
        }
        let my_epoch_before = self.my_epoch();
        if let Some(old) = p.master {
            self.remove_replica(old, id);
            if id != self.myself {
                if let Some(p) = self.peer_mut(id) {
                    p.flags.set(NodeFlags::MIGRATE_TO);
                }
            }
        }
        if let Some(p) = self.peer_mut(id) {
            p.flags.clear(NodeFlags::SLAVE);
            p.flags.set(NodeFlags::MASTER);
            p.master = None;
        }
        if id == self.myself {
            self.cluster.myslots_cache = None;
            self.repl_unset_master();
            self.emit(Event::Role { master: None });
            // cluster_my_epoch was my master's; now it is mine.
            if self.my_epoch() != my_epoch_before {
                self.emit_epoch();
            }
        }
        self.cluster.todo |= todo::UPDATE_STATE;
    }

    /// Records that `id` is a replica of `master` (from its own announcements).
    pub(in crate::node) fn set_node_as_replica_of(&mut self, id: NodeId, master: NodeId) {
        let Some(p) = self.peer_mut(id) else { return };
        p.flags.clear(NodeFlags::MASTER | NodeFlags::MIGRATE_TO);
        p.flags.set(NodeFlags::SLAVE);
        let old = p.master.replace(master);
        if old != Some(master) {
            if let Some(old) = old {
                self.remove_replica(old, id);
            }
            self.add_replica(master, id);
        }
    }

    /// `clusterSetMaster`: I become (or stay) a replica, now of `master`.
    pub(in crate::node) fn set_my_master(&mut self, now: Time, master: NodeId) {
        if master == self.myself {
            return;
        }
        let me = self.myself;
        let my_epoch_before = self.my_epoch();
        if self.is_master() {
            self.cluster.migrating.clear();
            self.cluster.importing.clear();
        }
        self.set_node_as_replica_of(me, master);
        self.cluster.myslots_cache = None;
        self.repl_set_master(now);
        self.unblock_all_blocked();
        self.reset_manual_failover();
        self.emit(Event::Role {
            master: Some(master),
        });
        // cluster_my_epoch is now my new master's.
        if self.my_epoch() != my_epoch_before {
            self.emit_epoch();
        }
        self.cluster.todo |= todo::UPDATE_STATE;
    }

    /// Replicas of `master` that are not FAIL (`clusterCountNonFailingSlaves`).
    pub(in crate::node) fn non_failing_replicas(&self, master: NodeId) -> u32 {
        self.peer(master)
            .map_or(0, |m| self.non_failing_replicas_of(m))
    }

    /// The same for a master entry already at hand (cron asks about every
    /// master every 100 ms).
    pub(in crate::node) fn non_failing_replicas_of(&self, master: &Peer) -> u32 {
        master
            .replicas
            .iter()
            .filter(|r| self.peer(**r).is_some_and(|p| !p.failed()))
            .count() as u32
    }

    /// `clusterGetMaxEpoch`: the greatest configEpoch known, or currentEpoch.
    pub(in crate::node) fn max_epoch(&self) -> u64 {
        self.peers()
            .map(|p| p.config_epoch)
            .max()
            .unwrap_or(0)
            .max(self.cluster.current_epoch)
    }

    /// Finds the node whose bus address is `addr` (a reply on our outbound link).
    pub(in crate::node) fn peer_by_addr(&self, addr: std::net::SocketAddr) -> Option<NodeId> {
        self.peers()
            .find(|p| p.id != self.myself && p.bus_addr() == Some(addr))
            .map(|p| p.id)
    }
}
