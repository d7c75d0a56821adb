//! Config epochs: who wins a slot (`clusterUpdateSlotsConfigWith`), UPDATE
//! messages, epoch collisions and bumps without consensus.

use super::todo;

use crate::event::Event;
use crate::id::NodeId;
use crate::node::Node;
use crate::slot::SlotSet;
use crate::time::Time;
use std::sync::Arc;

impl Node {
    pub(in crate::node) fn emit_epoch(&mut self) {
        let (current, config) = (self.cluster.current_epoch, self.my_epoch());
        self.emit(Event::Epoch { current, config });
    }

    /// `clusterHandleConfigEpochCollision`: two masters with the same
    /// configEpoch; the one with the lexicographically smaller ID takes a new one.
    pub(in crate::node) fn handle_config_epoch_collision(&mut self, sender: NodeId) {
        let Some(p) = self.peer(sender) else { return };
        if p.config_epoch != self.me().config_epoch || !p.is_master() || !self.is_master() {
            return;
        }
        if sender <= self.myself {
            return;
        }
        let collided = self.me().config_epoch;
        self.cluster.current_epoch += 1;
        self.me_mut().config_epoch = self.cluster.current_epoch;
        self.emit(Event::EpochCollision {
            with: sender,
            new_epoch: self.cluster.current_epoch,
            collided,
        });
        self.emit_epoch();
    }

    /// `clusterBumpConfigEpochWithoutConsensus`: take a fresh epoch unless mine
    /// is already the greatest. Returns whether it bumped.
    pub(in crate::node) fn bump_epoch_without_consensus(&mut self) -> bool {
        let max = self.max_epoch();
        let mine = self.me().config_epoch;
        if mine == 0 || mine != max {
            self.cluster.current_epoch += 1;
            self.me_mut().config_epoch = self.cluster.current_epoch;
            self.emit_epoch();
            true
        } else {
            false
        }
    }

    /// `clusterUpdateSlotsConfigWith`: the sender claims `claimed` at `epoch`;
    /// it wins every slot that is unassigned or held with a smaller epoch.
    /// If my side lost all its slots to it, I follow it as a replica.
    pub(in crate::node) fn update_slots_config_with(
        &mut self,
        now: Time,
        sender: NodeId,
        epoch: u64,
        claimed: &Arc<SlotSet>,
    ) {
        if sender == self.myself {
            return;
        }
        let cur_master = if self.is_master() {
            Some(self.myself)
        } else {
            self.master()
        };
        let sender_slots = claimed.len();
        let mut won = SlotSet::new();
        let mut migrated_our_slots = 0usize;
        let mut new_master = None;
        for slot in claimed.iter() {
            let owner = self.slot_owner_peer(slot).map(|p| (p.id, p.config_epoch));
            if owner.map(|(id, _)| id) == Some(sender) || self.cluster.importing.contains_key(&slot)
            {
                continue;
            }
            if owner.is_none_or(|(_, e)| e < epoch) {
                if owner.map(|(id, _)| id) == cur_master && cur_master.is_some() {
                    new_master = Some(sender);
                    migrated_our_slots += 1;
                }
                won.insert(slot);
            }
        }
        if won.is_empty() {
            return;
        }
        // Usually every claimed slot is won: the event then shares the
        // message's bitmap (a thousand-node cluster forms with half a
        // million of these events).
        let won = if won.len() == claimed.len() {
            claimed.clone()
        } else {
            Arc::new(won)
        };
        self.bind_slots(sender, won);
        self.cluster.todo |= todo::UPDATE_STATE;

        let cur_master_empty = cur_master
            .and_then(|m| self.peer(m))
            .is_some_and(|p| p.numslots == 0);
        if new_master.is_some()
            && cur_master_empty
            && (self.cfg.allow_replica_migration || sender_slots == migrated_our_slots)
        {
            self.set_my_master(now, sender);
        }
    }

    /// UPDATE: `node` owns `slots` at `epoch`; apply it if newer than what we know.
    pub(in crate::node) fn receive_update(
        &mut self,
        now: Time,
        node: NodeId,
        epoch: u64,
        slots: &Arc<SlotSet>,
    ) {
        let Some(p) = self.peer(node) else { return };
        if p.config_epoch >= epoch {
            return;
        }
        if p.is_replica() {
            self.set_node_as_master(node);
        }
        if let Some(p) = self.peer_mut(node) {
            p.config_epoch = epoch;
        }
        self.update_slots_config_with(now, node, epoch, slots);
    }
}
