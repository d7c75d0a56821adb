//! Operator actions (the CLUSTER subcommands that change cluster state), with
//! Redis's own error texts.

use super::{peer::Peer, todo};

use crate::event::Event;
use crate::flags::NodeFlags;
use crate::id::NodeId;
use crate::node::request::{sealed, Request};
use crate::node::{Admin, AdminError, FailoverMode, Node};
use crate::time::Time;
use std::sync::Arc;

/// A successful admin action's reply, when it is more than `+OK`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AdminReply {
    /// `+OK`.
    Ok,
    /// `CLUSTER BUMPEPOCH`: `BUMPED <epoch>`.
    Bumped(u64),
    /// `CLUSTER BUMPEPOCH`: `STILL <epoch>`.
    Still(u64),
}

fn err<T>(text: impl Into<String>) -> Result<T, AdminError> {
    Err(AdminError(text.into()))
}

impl sealed::Sealed for Admin {}

/// The CLUSTER subcommands that change cluster state ask it this way.
impl Request for Admin {
    type Answer = Result<AdminReply, AdminError>;

    fn apply(self, node: &mut Node, now: Time) -> Self::Answer {
        node.admin(now, self)
    }
}

impl Node {
    /// Applies an operator action now, for [`Input::Admin`](crate::node::Input::Admin)
    /// and the CLUSTER commands; what it defers (`clusterBeforeSleep`'s
    /// work) runs before the caller goes on, as it did when the command
    /// returned in Redis.
    pub(crate) fn admin(&mut self, now: Time, action: Admin) -> Result<AdminReply, AdminError> {
        let reply = self.admin_inner(now, action);
        self.before_sleep(now);
        reply
    }

    fn admin_inner(&mut self, now: Time, action: Admin) -> Result<AdminReply, AdminError> {
        match action {
            Admin::Meet { addr, port } => {
                self.start_handshake(now, addr, port);
                Ok(AdminReply::Ok)
            }
            Admin::AddSlots(slots) => {
                if let Some(busy) = slots.iter().find(|s| self.slot_owner_idx(*s).is_some()) {
                    return err(format!("ERR Slot {busy} is already busy"));
                }
                let me = self.myself;
                for s in slots.iter() {
                    self.cluster.importing.remove(&s);
                }
                self.bind_slots(me, Arc::new(slots));
                self.cluster.todo |= todo::UPDATE_STATE;
                Ok(AdminReply::Ok)
            }
            Admin::DelSlots(slots) => {
                if let Some(free) = slots.iter().find(|s| self.slot_owner_idx(*s).is_none()) {
                    return err(format!("ERR Slot {free} is already unassigned"));
                }
                for s in slots.iter() {
                    self.del_slot(s);
                    self.cluster.migrating.remove(&s);
                    self.cluster.importing.remove(&s);
                }
                self.cluster.todo |= todo::UPDATE_STATE;
                Ok(AdminReply::Ok)
            }
            Admin::Replicate(id) => {
                let Some(p) = self.peer(id) else {
                    return err(format!("ERR Unknown node {id}"));
                };
                if id == self.myself {
                    return err("ERR Can't replicate myself");
                }
                if p.is_replica() {
                    return err("ERR I can only replicate a master, not a replica.");
                }
                if self.is_master() && self.me().numslots != 0 {
                    return err(
                        "ERR To set a master the node must be empty and without assigned slots.",
                    );
                }
                self.set_my_master(now, id);
                Ok(AdminReply::Ok)
            }
            Admin::Failover(mode) => self.admin_failover(now, mode),
            Admin::SetConfigEpoch(epoch) => {
                if self.known_nodes() > 1 {
                    return err("ERR The user can assign a config epoch only when the node does not know any other node.");
                }
                if self.me().config_epoch != 0 {
                    return err("ERR Node config epoch is already non-zero");
                }
                self.me_mut().config_epoch = epoch;
                if self.cluster.current_epoch < epoch {
                    self.cluster.current_epoch = epoch;
                }
                self.emit_epoch();
                Ok(AdminReply::Ok)
            }
            Admin::BumpEpoch => {
                let bumped = self.bump_epoch_without_consensus();
                let epoch = self.me().config_epoch;
                Ok(if bumped {
                    AdminReply::Bumped(epoch)
                } else {
                    AdminReply::Still(epoch)
                })
            }
            Admin::Forget(id) => {
                if self.peer(id).is_none() {
                    return err(format!("ERR Unknown node {id}"));
                }
                if id == self.myself {
                    return err("ERR I tried hard but I can't forget myself...");
                }
                if self.is_replica() && self.master() == Some(id) {
                    return err("ERR Can't forget my master!");
                }
                self.cluster
                    .blacklist
                    .insert(id, now + crate::config::consts::BLACKLIST_TTL_MS);
                self.del_peer(id);
                self.emit(Event::NodeRemoved { about: id });
                self.cluster.todo |= todo::UPDATE_STATE;
                Ok(AdminReply::Ok)
            }
            Admin::SetSlotMigrating(slot, id) => {
                self.setslot_checks_master()?;
                if self.slot_owner(slot) != Some(self.myself) {
                    return err(format!("ERR I'm not the owner of hash slot {slot}"));
                }
                self.setslot_target(id)?;
                self.cluster.migrating.insert(slot, id);
                Ok(AdminReply::Ok)
            }
            Admin::SetSlotImporting(slot, id) => {
                self.setslot_checks_master()?;
                if self.slot_owner(slot) == Some(self.myself) {
                    return err(format!("ERR I'm already the owner of hash slot {slot}"));
                }
                self.setslot_target(id)?;
                self.cluster.importing.insert(slot, id);
                Ok(AdminReply::Ok)
            }
            Admin::SetSlotStable(slot) => {
                self.setslot_checks_master()?;
                self.cluster.migrating.remove(&slot);
                self.cluster.importing.remove(&slot);
                Ok(AdminReply::Ok)
            }
            Admin::SetSlotNode(slot, id) => self.setslot_node(now, slot, id),
            Admin::Reset { hard } => {
                self.reset(now, hard);
                Ok(AdminReply::Ok)
            }
        }
    }

    /// `clusterReset`: forget every other node and every slot; a replica
    /// becomes an empty master; HARD also takes a new ID and zero epochs.
    /// The ban list of CLUSTER FORGET stays: Redis 7.0 does not clear it.
    fn reset(&mut self, now: Time, hard: bool) {
        if self.is_replica() {
            let me = self.myself;
            self.set_node_as_master(me);
        }
        self.cluster.migrating.clear();
        self.cluster.importing.clear();
        self.reset_manual_failover();
        let me = self.myself;
        self.del_node_slots(me);
        for id in self.peer_ids() {
            if id != me {
                self.del_peer(id);
                self.emit(Event::NodeRemoved { about: id });
            }
        }
        if hard {
            self.cluster.current_epoch = 0;
            self.cluster.last_vote_epoch = 0;
            self.me_mut().config_epoch = 0;
            let new_id = NodeId::random(&mut self.rng);
            self.rename_peer(me, new_id);
            self.myself = new_id;
        }
        self.cluster.todo |= todo::UPDATE_STATE;
        let _ = now;
    }

    /// `clusterStartHandshake`: remember the address under a random ID and
    /// MEET it on the next cron.
    fn start_handshake(&mut self, now: Time, addr: std::net::SocketAddr, port: u16) {
        let in_progress = self
            .peers()
            .any(|p| p.in_handshake() && p.bus_addr() == Some(addr));
        if in_progress {
            return;
        }
        let id = NodeId::random(&mut self.rng);
        let mut p = Peer::new(id, NodeFlags(NodeFlags::HANDSHAKE | NodeFlags::MEET), now);
        p.set_ip(Some(addr.ip()));
        p.port = port;
        p.cport = addr.port();
        self.add_peer(p);
        self.emit(Event::Meet { about: id });
    }

    fn admin_failover(&mut self, now: Time, mode: FailoverMode) -> Result<AdminReply, AdminError> {
        if self.is_master() {
            return err("ERR You should send CLUSTER FAILOVER to a replica");
        }
        let Some(master) = self.master().and_then(|m| self.peer(m)) else {
            return err("ERR I'm a replica but my master is unknown to me");
        };
        if mode == FailoverMode::Default && (master.failed() || master.link.is_none()) {
            return err("ERR Master is down or failed, please use CLUSTER FAILOVER FORCE");
        }
        match mode {
            FailoverMode::Takeover => {
                // No votes: take a new epoch and the slots, right now.
                self.reset_manual_failover();
                self.bump_epoch_without_consensus();
                self.emit(Event::ManualFailover {
                    what: "Taking over the master (user request).",
                });
                self.replace_my_master(now);
            }
            FailoverMode::Force => self.start_manual_failover(now, true),
            FailoverMode::Default => self.start_manual_failover(now, false),
        }
        Ok(AdminReply::Ok)
    }

    fn setslot_checks_master(&self) -> Result<(), AdminError> {
        if self.is_replica() {
            return err("ERR Please use SETSLOT only with masters.");
        }
        Ok(())
    }

    fn setslot_target(&self, id: NodeId) -> Result<(), AdminError> {
        match self.peer(id) {
            None => err(format!("ERR I don't know about node {id}")),
            Some(p) if p.is_replica() => err("ERR Target node is not a master"),
            Some(_) => Ok(()),
        }
    }

    /// `CLUSTER SETSLOT <slot> NODE <id>` (the command layer refuses it
    /// while I own the slot and still hold keys in it).
    fn setslot_node(&mut self, now: Time, slot: u16, id: NodeId) -> Result<AdminReply, AdminError> {
        self.setslot_checks_master()?;
        let Some(p) = self.peer(id) else {
            return err(format!("ERR Unknown node {id}"));
        };
        if p.is_replica() {
            return err("ERR Target node is not a master");
        }
        let me = self.myself;
        // Redis 7.0 clears MIGRATING whenever the slot is empty, even when
        // this node already learned the new owner from the target's PONG (a
        // reshard's SETSLOT NODE often reaches the source after that PONG).
        if self.server.keyspace.count_in_slot(now, slot) == 0 {
            self.cluster.migrating.remove(&slot);
        }
        let was_importing = self.cluster.importing.contains_key(&slot);
        let had_slots = self.me().numslots > 0;
        self.bind_slots(id, Arc::new(crate::slot::SlotSet::range(slot, slot)));
        if had_slots && self.me().numslots == 0 && id != me && self.cfg.allow_replica_migration {
            self.set_my_master(now, id);
        }
        if id == me && was_importing {
            // Closing an import: claim it with a fresh epoch and tell everyone.
            self.bump_epoch_without_consensus();
            self.cluster.importing.remove(&slot);
            self.broadcast_pong(false);
        }
        self.cluster.todo |= todo::UPDATE_STATE;
        Ok(AdminReply::Ok)
    }
}
