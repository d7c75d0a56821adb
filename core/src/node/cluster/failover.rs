//! Replica elections and votes (`clusterHandleSlaveFailover`,
//! `clusterSendFailoverAuthIfNeeded`, `clusterFailoverReplaceYourMaster`).

use super::todo;

use crate::event::Event;
use crate::flags::NodeFlags;
use crate::id::NodeId;
use crate::msg::{mflags, Body, Header};
use crate::node::{Link, Node};
use crate::time::Time;
use rand::Rng;
use std::sync::Arc;

/// A replica's election state (`failover_auth_*` in `clusterState`).
#[derive(Clone, Debug, Default)]
pub(in crate::node) struct Election {
    /// When the vote request goes out; `None` before the first election.
    pub auth_time: Option<Time>,
    pub count: u32,
    pub sent: bool,
    pub rank: u32,
    pub epoch: u64,
    /// Last reason we could not fail over, so it is reported once, not every cron.
    pub cant_reason: Option<&'static str>,
}

impl Node {
    /// Runs on every cron and when a vote arrives, while I am a replica.
    pub(in crate::node) fn handle_replica_failover(&mut self, now: Time) {
        let manual = self.cluster.manual.end.is_some() && self.cluster.manual.can_start;
        let Some(master_id) = self.master().filter(|_| self.is_replica()) else {
            self.cluster.election.cant_reason = None;
            return;
        };
        let Some(master) = self.peer(master_id) else {
            return;
        };
        if (!manual && (!master.failed() || self.cfg.replica_no_failover)) || master.numslots == 0 {
            self.cluster.election.cant_reason = None;
            return;
        }

        let node_timeout = self.cfg.node_timeout;
        let mut data_age = self.server.repl.data_age(now);
        if data_age > node_timeout {
            data_age -= node_timeout;
        }
        if self.cfg.replica_validity_factor > 0 && data_age > self.cfg.max_data_age() && !manual {
            self.cant_failover("Disconnected from master for longer than allowed.");
            return;
        }

        let auth_timeout = self.cfg.failover_auth_timeout();
        let auth_retry = self.cfg.failover_auth_retry();
        let expired = self
            .cluster
            .election
            .auth_time
            .is_none_or(|t| now.ms() as i64 - t.ms() as i64 > auth_retry as i64);
        if expired {
            let jitter = self.rng.random_range(0..500u64);
            let random_ms = if self.cluster.manual.end.is_some() {
                0
            } else {
                jitter as u32
            };
            let rank = self.replica_rank();
            let mut at = now + 500 + jitter + rank as u64 * 1000;
            let mut rank = rank;
            if self.cluster.manual.end.is_some() {
                at = now;
                rank = 0;
                self.cluster.todo |= todo::HANDLE_FAILOVER;
            }
            self.cluster.election = Election {
                auth_time: Some(at),
                count: 0,
                sent: false,
                rank,
                epoch: self.cluster.election.epoch,
                cant_reason: None,
            };
            self.emit(Event::FailoverStart {
                delay_ms: at.since(now),
                rank,
                offset: self.server.repl.offset,
                manual: self.cluster.manual.end.is_some(),
                random_ms,
                master: master_id,
            });
            // Let sibling replicas learn my offset so their ranks are right.
            self.broadcast_pong(true);
            return;
        }

        if !self.cluster.election.sent && !manual {
            let new_rank = self.replica_rank();
            if new_rank > self.cluster.election.rank {
                let added = (new_rank - self.cluster.election.rank) as u64 * 1000;
                self.cluster.election.auth_time =
                    self.cluster.election.auth_time.map(|t| t + added);
                self.cluster.election.rank = new_rank;
            }
        }

        let auth_time = self.cluster.election.auth_time.expect("set above");
        if now < auth_time {
            self.cant_failover("Waiting the delay before I can start a new failover.");
            return;
        }
        if now.since(auth_time) > auth_timeout {
            if self.cluster.election.sent && self.cluster.election.cant_reason != Some("expired") {
                self.emit(Event::ElectionExpired {
                    epoch: self.cluster.election.epoch,
                });
            }
            self.cluster.election.cant_reason = Some("expired");
            return;
        }

        if !self.cluster.election.sent {
            self.cluster.current_epoch += 1;
            self.cluster.election.epoch = self.cluster.current_epoch;
            self.cluster.election.sent = true;
            self.emit_epoch();
            self.emit(Event::VoteRequested {
                epoch: self.cluster.current_epoch,
            });
            self.request_failover_auth();
            self.cluster.todo |= todo::UPDATE_STATE;
            return;
        }

        if self.cluster.election.count >= self.needed_quorum() {
            if self.me().config_epoch < self.cluster.election.epoch {
                // Reported once I am a master (set_node_as_master): until
                // then cluster_my_epoch is still my master's.
                self.me_mut().config_epoch = self.cluster.election.epoch;
            }
            self.replace_my_master(now);
        } else {
            self.cant_failover("Waiting for votes, but majority still not reached.");
        }
    }

    fn cant_failover(&mut self, reason: &'static str) {
        if self.cluster.election.cant_reason != Some(reason) {
            self.cluster.election.cant_reason = Some(reason);
            self.emit(Event::FailoverBlocked { reason });
        }
    }

    /// `clusterGetSlaveRank`: sibling replicas (that may fail over) with a
    /// strictly greater known offset than mine.
    pub(in crate::node) fn replica_rank(&self) -> u32 {
        let Some(master) = self.master().and_then(|m| self.peer(m)) else {
            return 0;
        };
        let mine = self.server.repl.offset;
        master
            .replicas
            .iter()
            .filter(|r| **r != self.myself)
            .filter_map(|r| self.peer(*r))
            .filter(|r| !r.has(NodeFlags::NOFAILOVER) && r.repl_offset > mine)
            .count() as u32
    }

    /// `clusterRequestFailoverAuth`: FORCEACK for a manual failover.
    fn request_failover_auth(&mut self) {
        let force = self.cluster.manual.end.is_some();
        for id in self.broadcast_targets() {
            let Some(addr) = self.peer(id).and_then(|p| p.bus_addr()) else {
                continue;
            };
            let mut header = self.header();
            if force {
                header.mflags[0] |= mflags::FORCEACK;
            }
            let msg = Box::new(crate::msg::Message {
                header,
                body: Body::FailoverAuthRequest,
            });
            self.cluster.stats_sent[msg.kind() as usize] += 1;
            self.out.push_back(crate::node::Output::Send {
                to: addr,
                link: Link::Outbound,
                msg,
            });
        }
    }

    /// A master decides whether to vote for `requester`.
    pub(in crate::node) fn send_failover_auth_if_needed(
        &mut self,
        now: Time,
        requester: NodeId,
        h: &Header,
    ) {
        if self.is_replica() || self.me().numslots == 0 {
            return;
        }
        let deny = |node: &mut Node, reason: &'static str| {
            node.emit(Event::VoteDenied {
                about: requester,
                reason,
            });
        };
        if h.current_epoch < self.cluster.current_epoch {
            return deny(self, "reqEpoch is older than my currentEpoch");
        }
        if self.cluster.last_vote_epoch == self.cluster.current_epoch {
            return deny(self, "already voted for this epoch");
        }
        let force = h.mflags[0] & mflags::FORCEACK != 0;
        let Some(req) = self.peer(requester) else {
            return;
        };
        if req.is_master() {
            return deny(self, "it is a master node");
        }
        let Some(master_id) = req.master else {
            return deny(self, "I don't know its master");
        };
        let Some(master) = self.peer(master_id) else {
            return deny(self, "I don't know its master");
        };
        if !master.failed() && !force {
            return deny(self, "its master is up");
        }
        if master
            .voted_time
            .is_some_and(|t| now.since(t) < self.cfg.node_timeout * 2)
        {
            return deny(self, "can't vote about this master before 2 * node_timeout");
        }
        for slot in h.myslots.iter() {
            if let Some(owner) = self.slot_owner_peer(slot) {
                if owner.config_epoch > h.config_epoch {
                    return deny(self, "a slot it claims has a newer configEpoch");
                }
            }
        }
        self.cluster.last_vote_epoch = self.cluster.current_epoch;
        if let Some(m) = self.peer_mut(master_id) {
            m.voted_time = Some(now);
        }
        self.emit(Event::VoteGranted {
            about: requester,
            epoch: self.cluster.current_epoch,
            master: master_id,
        });
        self.send(requester, Link::Outbound, Body::FailoverAuthAck);
    }

    /// FAILOVER_AUTH_ACK: counted if it comes from a slot-serving master for
    /// this election's epoch.
    pub(in crate::node) fn receive_vote(&mut self, from: NodeId, epoch: u64) {
        let Some(p) = self.peer(from) else { return };
        if p.is_master()
            && p.numslots > 0
            && epoch >= self.cluster.election.epoch
            && self.cluster.election.sent
        {
            self.cluster.election.count += 1;
            self.emit(Event::VoteReceived {
                from,
                votes: self.cluster.election.count,
                needed: self.needed_quorum(),
            });
            self.cluster.todo |= todo::HANDLE_FAILOVER;
        }
    }

    /// `clusterFailoverReplaceYourMaster`: become master, take the old master's
    /// slots, and tell everyone with a PONG.
    pub(in crate::node) fn replace_my_master(&mut self, now: Time) {
        let Some(old) = self.master().filter(|_| self.is_replica()) else {
            return;
        };
        let me = self.myself;
        self.set_node_as_master(me);
        // The replication offset carries on as this master's own.
        let slots = self.slots_of(old);
        self.bind_slots(me, Arc::new(slots));
        self.emit(Event::Promoted {
            epoch: self.me().config_epoch,
            old_master: old,
        });
        self.update_state(now);
        self.broadcast_pong(false);
        self.reset_manual_failover();
    }
}
