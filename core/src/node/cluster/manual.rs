//! Manual failover (`CLUSTER FAILOVER`): the replica asks its master to pause
//! writes, waits until it has all the data, then wins an election at once.

use super::todo;

use crate::config::consts;
use crate::event::Event;
use crate::id::NodeId;
use crate::msg::{Body, MsgType};
use crate::node::{Link, Node};
use crate::time::Time;

/// `mf_*` fields of `clusterState`, used on both sides.
#[derive(Clone, Debug, Default)]
pub(in crate::node) struct ManualFailover {
    /// Deadline of the manual failover in progress (`mf_end`).
    pub end: Option<Time>,
    /// Master side: the replica doing it.
    pub replica: Option<NodeId>,
    /// Replica side: the master's offset once it paused.
    pub master_offset: Option<u64>,
    /// Replica side: caught up, the election may start.
    pub can_start: bool,
    /// Master side: client writes are paused until then.
    pub paused_until: Option<Time>,
}

impl Node {
    /// `resetManualFailover`.
    pub(in crate::node) fn reset_manual_failover(&mut self) {
        if self.cluster.manual.end.is_some() {
            // `unpauseClients(PAUSE_DURING_FAILOVER)`.
            self.server.unblock_postponed = true;
        }
        self.cluster.manual = ManualFailover::default();
    }

    /// `manualFailoverCheckTimeout`.
    pub(in crate::node) fn manual_failover_check_timeout(&mut self, now: Time) {
        if self.cluster.manual.end.is_some_and(|end| end < now) {
            self.emit(Event::ManualFailover {
                what: "Manual failover timed out.",
            });
            self.reset_manual_failover();
        }
    }

    /// `clusterHandleManualFailover` (replica): start once my offset reaches
    /// the paused master's.
    pub(in crate::node) fn handle_manual_failover(&mut self, _now: Time) {
        if self.cluster.manual.end.is_none() || self.cluster.manual.can_start {
            return;
        }
        let Some(master_offset) = self.cluster.manual.master_offset else {
            return;
        };
        if master_offset == self.server.repl.offset {
            self.cluster.manual.can_start = true;
            self.emit(Event::ManualFailover {
                what: "All master replication stream processed, manual failover can start.",
            });
            self.cluster.todo |= todo::HANDLE_FAILOVER;
        }
    }

    /// `CLUSTER FAILOVER` on this replica (checks done by the caller).
    pub(in crate::node) fn start_manual_failover(&mut self, now: Time, force: bool) {
        self.reset_manual_failover();
        self.cluster.manual.end = Some(now + consts::MF_TIMEOUT);
        if force {
            self.cluster.manual.can_start = true;
            self.emit(Event::ManualFailover {
                what: "Forced failover user request accepted.",
            });
            self.cluster.todo |= todo::HANDLE_FAILOVER;
        } else if let Some(master) = self.master() {
            self.emit(Event::ManualFailover {
                what: "Manual failover user request accepted.",
            });
            self.send(master, Link::Outbound, Body::MfStart);
        }
    }

    /// MFSTART from one of my replicas: pause writes and show it my offset.
    pub(in crate::node) fn receive_mfstart(&mut self, now: Time, sender: NodeId) {
        if self.peer(sender).and_then(|p| p.master) != Some(self.myself) {
            return;
        }
        self.reset_manual_failover();
        self.cluster.manual.end = Some(now + consts::MF_TIMEOUT);
        self.cluster.manual.replica = Some(sender);
        self.cluster.manual.paused_until = Some(now + consts::MF_TIMEOUT * consts::MF_PAUSE_MULT);
        self.emit(Event::ManualFailover {
            what: "Manual failover requested by replica.",
        });
        self.send_ping(now, sender, MsgType::Ping);
    }
}
