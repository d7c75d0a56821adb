//! What a node tells its host happened: the raw material of traces, the app's
//! narration and the tests' assertions.

use crate::id::NodeId;
use crate::slot::SlotSet;
use crate::time::Time;
use std::sync::Arc;

/// The failure reports a quorum FAIL counted: each reporting master and when
/// its report was last refreshed. Shared (one pointer in the event) because
/// FAIL is rare and the trace of a 1000-node run must stay small.
pub type Reporters = Arc<Vec<(NodeId, Time)>>;

/// Something a node did or concluded. The node that emits it is implied (the
/// host knows whose `poll_output` returned it).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event {
    /// A MEET was sent to an address (CLUSTER MEET); `about` is the handshake ID.
    Meet { about: NodeId },
    /// A node became known: a handshake completed, or gossip introduced it.
    NodeAdded { about: NodeId },
    /// A node was removed (handshake timed out, CLUSTER FORGET, forgotten-node).
    NodeRemoved { about: NodeId },
    /// `about` did not answer a PING within node_timeout: flagged `fail?`.
    /// The deciding numbers (`clusterCron`): when the unanswered PING went
    /// out, how long `about` had been silent (the smaller of the PING's age
    /// and the time since any data came from it), and node_timeout then.
    Pfail {
        about: NodeId,
        ping_sent: Time,
        silent_ms: u32,
        timeout_ms: u32,
    },
    /// `about` is no longer suspected (it answered).
    PfailCleared { about: NodeId },
    /// `about` flagged FAIL. `by_quorum` is true when this node counted the
    /// majority itself (then `reports` of `needed` are known), false when a FAIL
    /// message from `from` forced it. `reporters` are the other masters'
    /// reports it counted (`reports` also counts myself when I am a master).
    Fail {
        about: NodeId,
        by_quorum: bool,
        reports: u32,
        needed: u32,
        from: Option<NodeId>,
        reporters: Option<Reporters>,
    },
    /// A failure report about `about` from master `reporter` was added or refreshed.
    FailReport { about: NodeId, reporter: NodeId },
    /// FAIL cleared, with Redis's log reason.
    FailCleared { about: NodeId, reason: &'static str },
    /// A replica scheduled its election (`Start of election delayed for …`):
    /// `delay_ms` = 500 fixed + `random_ms` + `rank` × 1000 (0 when manual),
    /// to replace `master`.
    FailoverStart {
        delay_ms: u64,
        rank: u32,
        offset: u64,
        manual: bool,
        random_ms: u32,
        master: NodeId,
    },
    /// A replica can't fail over (Redis logs the same reasons).
    FailoverBlocked { reason: &'static str },
    /// A replica bumped currentEpoch and asked the masters for votes.
    VoteRequested { epoch: u64 },
    /// This master voted for replica `about` in `epoch`, to replace `master`.
    VoteGranted {
        about: NodeId,
        epoch: u64,
        master: NodeId,
    },
    /// This master refused to vote for `about`, with Redis's log reason.
    VoteDenied { about: NodeId, reason: &'static str },
    /// This replica received a vote from master `from`.
    VoteReceived {
        from: NodeId,
        votes: u32,
        needed: u32,
    },
    /// The election of `epoch` timed out without a majority.
    ElectionExpired { epoch: u64 },
    /// This replica won and took over its master's slots.
    Promoted { epoch: u64, old_master: NodeId },
    /// currentEpoch or this node's configEpoch changed.
    Epoch { current: u64, config: u64 },
    /// Slots were bound to `owner` in this node's view.
    SlotOwner { slots: Arc<SlotSet>, owner: NodeId },
    /// This node's role changed (`master: None` means it is now a master).
    Role { master: Option<NodeId> },
    /// This node's `cluster_state` changed, with what `clusterUpdateState`
    /// counted: `reachable` of `masters` slot-serving masters not flagged
    /// failing; with full coverage required, `unassigned` slots and a FAIL
    /// master still owning slots (`failed_owner`).
    ClusterState {
        ok: bool,
        reachable: u32,
        masters: u32,
        unassigned: u16,
        failed_owner: Option<NodeId>,
    },
    /// An UPDATE was sent to `to` about `about`'s newer configuration.
    UpdateSent { to: NodeId, about: NodeId },
    /// configEpoch collision with `with` (both had `collided`), resolved by
    /// bumping mine.
    EpochCollision {
        with: NodeId,
        new_epoch: u64,
        collided: u64,
    },
    /// This replica migrated to an orphaned master.
    ReplicaMigrated { to: NodeId },
    /// Manual failover (CLUSTER FAILOVER) state changes.
    ManualFailover { what: &'static str },
}

impl Event {
    /// The `event` field of the JSON trace schema (DESIGN.md).
    pub fn name(&self) -> &'static str {
        match self {
            Event::Meet { .. } => "meet",
            Event::NodeAdded { .. } => "node_added",
            Event::NodeRemoved { .. } => "node_removed",
            Event::Pfail { .. } => "pfail",
            Event::PfailCleared { .. } => "pfail_cleared",
            Event::Fail { .. } => "fail",
            Event::FailReport { .. } => "fail_report",
            Event::FailCleared { .. } => "fail_cleared",
            Event::FailoverStart { .. } => "failover_start",
            Event::FailoverBlocked { .. } => "failover_blocked",
            Event::VoteRequested { .. } => "vote_requested",
            Event::VoteGranted { .. } => "vote_granted",
            Event::VoteDenied { .. } => "vote_denied",
            Event::VoteReceived { .. } => "vote_received",
            Event::ElectionExpired { .. } => "election_expired",
            Event::Promoted { .. } => "promoted",
            Event::Epoch { .. } => "epoch",
            Event::SlotOwner { .. } => "slot_owner",
            Event::Role { .. } => "role",
            Event::ClusterState { .. } => "cluster_state",
            Event::UpdateSent { .. } => "update_sent",
            Event::EpochCollision { .. } => "epoch_collision",
            Event::ReplicaMigrated { .. } => "replica_migrated",
            Event::ManualFailover { .. } => "manual_failover",
        }
    }

    /// The node the event is about, if any (the `about` field).
    pub fn about(&self) -> Option<NodeId> {
        match self {
            Event::Meet { about }
            | Event::NodeAdded { about }
            | Event::NodeRemoved { about }
            | Event::Pfail { about, .. }
            | Event::PfailCleared { about }
            | Event::Fail { about, .. }
            | Event::FailReport { about, .. }
            | Event::FailCleared { about, .. }
            | Event::VoteGranted { about, .. }
            | Event::VoteDenied { about, .. }
            | Event::UpdateSent { about, .. } => Some(*about),
            Event::VoteReceived { from, .. } => Some(*from),
            Event::Promoted { old_master, .. } => Some(*old_master),
            Event::SlotOwner { owner, .. } => Some(*owner),
            Event::Role { master } => *master,
            Event::EpochCollision { with, .. } => Some(*with),
            Event::ReplicaMigrated { to } => Some(*to),
            _ => None,
        }
    }
}
