//! What a node tells its host happened: the raw material of traces, the app's
//! narration and the tests' assertions.

use crate::id::NodeId;
use crate::slot::SlotSet;
use std::sync::Arc;

/// Something a node did or concluded. The node that emits it is implied (the
/// host knows whose `poll_output` returned it).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event {
    /// A MEET was sent to an address (CLUSTER MEET); `about` is the handshake ID.
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
    /// `about` did not answer a PING within node_timeout: flagged `fail?`.
    Pfail {
        /// The suspected node.
        about: NodeId,
    },
    /// `about` is no longer suspected (it answered).
    PfailCleared {
        /// The node that answered.
        about: NodeId,
    },
    /// `about` flagged FAIL. `by_quorum` is true when this node counted the
    /// majority itself (then `reports` of `needed` are known), false when a FAIL
    /// message from `from` forced it.
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
    /// A replica scheduled its election (`Start of election delayed for …`).
    FailoverStart {
        /// How long the replica waits before asking for votes, ms.
        delay_ms: u64,
        /// Replicas of the same master with a greater replication offset.
        rank: u32,
        /// This replica's replication offset.
        offset: u64,
        /// A manual failover (no delay, FORCEACK).
        manual: bool,
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
    /// This master voted for replica `about` in `epoch`.
    VoteGranted {
        /// The replica voted for.
        about: NodeId,
        /// The epoch of the vote (one vote per epoch).
        epoch: u64,
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
        /// The new master's configEpoch (the election's epoch).
        epoch: u64,
        /// The master it replaced.
        old_master: NodeId,
    },
    /// currentEpoch or this node's configEpoch changed.
    Epoch {
        /// This node's currentEpoch.
        current: u64,
        /// This node's configEpoch (its master's for a replica).
        config: u64,
    },
    /// Slots were bound to `owner` in this node's view.
    SlotOwner {
        /// The slots rebound.
        slots: Arc<SlotSet>,
        /// Their new owner.
        owner: NodeId,
    },
    /// This node's role changed (`master: None` means it is now a master).
    Role {
        /// The master now replicated, or `None` for a master.
        master: Option<NodeId>,
    },
    /// This node's `cluster_state` changed.
    ClusterState {
        /// `cluster_state:ok`, else `fail`.
        ok: bool,
    },
    /// An UPDATE was sent to `to` about `about`'s newer configuration.
    UpdateSent {
        /// The node with the stale claim.
        to: NodeId,
        /// The node whose newer configuration it carries.
        about: NodeId,
    },
    /// configEpoch collision with `with`, resolved by bumping mine.
    EpochCollision {
        /// The master with the same configEpoch.
        with: NodeId,
        /// The configEpoch this node took.
        new_epoch: u64,
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
}

impl Event {
    /// The `event` field of the JSON trace schema (docs/architecture.md "Trace format").
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
            | Event::Pfail { about }
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
