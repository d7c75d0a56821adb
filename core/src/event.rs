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
    /// A MEET was sent to an address (CLUSTER MEET).
    Meet {
        /// The handshake entry's random ID, until the peer answers with its own.
        about: NodeId,
    },
    /// A node became known: a handshake completed, or gossip introduced it.
    NodeAdded {
        /// The node now in the table.
        about: NodeId,
    },
    /// A node was removed (handshake timed out, CLUSTER FORGET, forgotten-node).
    NodeRemoved {
        /// The node gone from the table.
        about: NodeId,
    },
    /// `about` did not answer a PING within node_timeout: flagged `fail?`,
    /// with the deciding numbers (`clusterCron`).
    Pfail {
        /// The suspected node.
        about: NodeId,
        /// When the unanswered PING went out.
        ping_sent: Time,
        /// How long `about` had been silent: the smaller of the PING's age
        /// and the time since any data came from it, ms.
        silent_ms: u32,
        /// node_timeout then, ms.
        timeout_ms: u32,
    },
    /// `about` is no longer suspected (it answered).
    PfailCleared {
        /// The node that answered.
        about: NodeId,
    },
    /// `about` flagged FAIL, by this node's own count of a majority or
    /// forced by a FAIL message.
    Fail {
        /// The node flagged FAIL.
        about: NodeId,
        /// This node counted the majority itself (else a FAIL message forced it).
        by_quorum: bool,
        /// Failure reports counted, this node included if it is a master.
        reports: u32,
        /// The majority needed: `size / 2 + 1`.
        needed: u32,
        /// The sender of the FAIL message that forced it.
        from: Option<NodeId>,
        /// The other masters' reports it counted, with their refresh times.
        reporters: Option<Reporters>,
    },
    /// A failure report about `about` from master `reporter` was added or refreshed.
    FailReport {
        /// The suspected node.
        about: NodeId,
        /// The master whose gossip flagged it.
        reporter: NodeId,
    },
    /// FAIL cleared, with Redis's log reason.
    FailCleared {
        /// The node no longer failed.
        about: NodeId,
        /// Redis's log text for why.
        reason: &'static str,
    },
    /// A replica scheduled its election (`Start of election delayed for …`):
    /// `delay_ms` = 500 fixed + `random_ms` + `rank` × 1000 (0 when manual).
    FailoverStart {
        /// How long the replica waits before asking for votes, ms.
        delay_ms: u64,
        /// Replicas of the same master with a greater replication offset.
        rank: u32,
        /// This replica's replication offset.
        offset: u64,
        /// A manual failover (no delay).
        manual: bool,
        /// The random part of the delay, ms.
        random_ms: u32,
        /// The master it would replace.
        master: NodeId,
    },
    /// A replica can't fail over (Redis logs the same reasons).
    FailoverBlocked {
        /// Redis's log text for why not.
        reason: &'static str,
    },
    /// A replica bumped currentEpoch and asked the masters for votes.
    VoteRequested {
        /// The election's epoch (the new currentEpoch).
        epoch: u64,
    },
    /// This master voted for replica `about` in `epoch`, to replace `master`.
    VoteGranted {
        /// The replica voted for.
        about: NodeId,
        /// The epoch of the vote (one vote per epoch).
        epoch: u64,
        /// The failed master the replica replaces.
        master: NodeId,
    },
    /// This master refused to vote for `about`, with Redis's log reason.
    VoteDenied {
        /// The replica refused.
        about: NodeId,
        /// Redis's log text for the refusal.
        reason: &'static str,
    },
    /// This replica received a vote from master `from`.
    VoteReceived {
        /// The master that voted.
        from: NodeId,
        /// Votes received so far in this election.
        votes: u32,
        /// The majority needed: `size / 2 + 1`.
        needed: u32,
    },
    /// The election of `epoch` timed out without a majority.
    ElectionExpired {
        /// The election that expired.
        epoch: u64,
    },
    /// This replica won and took over its master's slots.
    Promoted {
        /// The epoch it won (its new configEpoch).
        epoch: u64,
        /// The master it replaced.
        old_master: NodeId,
    },
    /// currentEpoch or this node's configEpoch changed.
    Epoch {
        /// The new currentEpoch.
        current: u64,
        /// This node's configEpoch.
        config: u64,
    },
    /// Slots were bound to `owner` in this node's view.
    SlotOwner {
        /// The slots.
        slots: Arc<SlotSet>,
        /// Their new owner.
        owner: NodeId,
    },
    /// This node's role changed.
    Role {
        /// Its master (`None`: it is now a master).
        master: Option<NodeId>,
    },
    /// This node's `cluster_state` changed, with what `clusterUpdateState`
    /// counted.
    ClusterState {
        /// `cluster_state:ok`.
        ok: bool,
        /// Slot-serving masters not flagged failing.
        reachable: u32,
        /// Slot-serving masters.
        masters: u32,
        /// Unassigned slots (with full coverage required).
        unassigned: u16,
        /// A FAIL master still owning slots (with full coverage required).
        failed_owner: Option<NodeId>,
    },
    /// An UPDATE was sent to `to` about `about`'s newer configuration.
    UpdateSent {
        /// The node with the stale claim.
        to: NodeId,
        /// The node whose configuration is newer.
        about: NodeId,
    },
    /// configEpoch collision with `with`, resolved by bumping mine.
    EpochCollision {
        /// The other node.
        with: NodeId,
        /// My new configEpoch.
        new_epoch: u64,
        /// The configEpoch both had.
        collided: u64,
    },
    /// This replica migrated to an orphaned master.
    ReplicaMigrated {
        /// The orphaned master it now replicates.
        to: NodeId,
    },
    /// Manual failover (CLUSTER FAILOVER) state changes.
    ManualFailover {
        /// Redis's log text for the step.
        what: &'static str,
    },
    /// A replication handshake step (`replication.c`): a PSYNC or SYNC
    /// sent or served, `+FULLRESYNC` / `+CONTINUE`, the RDB loaded, a link
    /// lost. The text starts with the protocol word and ends with Redis's
    /// log line for the step.
    Replication {
        /// What happened.
        what: String,
    },
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
            Event::Replication { .. } => "replication",
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
