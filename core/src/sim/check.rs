//! Invariant checkers: the rules a Redis Cluster run must keep, split by
//! *when* they must hold.
//!
//! Redis Cluster is eventually consistent. Views disagree all the time for a
//! few milliseconds (a promotion PONG is in flight, a FAIL is being
//! broadcast), and for as long as a partition lasts. Two nodes with clean
//! views can even bind a slot to different masters: right after a manual
//! failover nobody is PFAIL, yet only the nodes that already got the winner's
//! PONG know about it. So "all nodes agree" is only a quiescence property:
//!
//! * [`Sim::check_invariants`]: rules that hold at **every instant**, in
//!   every node's beliefs, however partitioned, paused or crashed — run it as
//!   often as you like during a run.
//! * [`Sim::check_converged`] and [`Sim::check_healthy`]: rules that hold once
//!   the network is healed, every process is up and enough time has passed —
//!   use [`Sim::run_until_converged`] / [`Sim::run_until_healthy`] to wait for
//!   them with a limit.

use super::{Sim, Status};
use crate::event::Event;
use crate::flags::NodeFlags;
use crate::id::NodeId;
use crate::node::{NodeView, PeerView};
use crate::sim::Names;
use crate::slot::{SlotSet, SLOTS};
use crate::time::Time;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

/// A broken rule: which rule, whose view breaks it, and what was seen.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Violation {
    /// Short name of the rule (`slot-owner-is-master`, `views-agree-on-slots`…).
    pub rule: &'static str,
    /// The node whose view breaks it, by friendly name, when one does.
    pub node: Option<String>,
    /// What was seen, in words, with node names.
    pub detail: String,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.node {
            Some(n) => write!(f, "[{}] in {}'s view: {}", self.rule, n, self.detail),
            None => write!(f, "[{}] {}", self.rule, self.detail),
        }
    }
}

impl std::error::Error for Violation {}

fn violation(rule: &'static str, node: Option<String>, detail: String) -> Violation {
    Violation { rule, node, detail }
}

/// How often the `run_until_*` helpers check (checks cost a view per node).
const CHECK_EVERY_MS: u64 = 100;

impl Sim {
    /// Rules that hold at every instant, for every node's beliefs (crashed and
    /// paused nodes included: they act on them when they come back).
    ///
    /// * `slot-owner-is-master`: a node binds slots only to nodes it sees as
    ///   masters. `clusterUpdateSlotsConfigWith` binds to masters only, a node
    ///   that announces itself as a replica loses its slots
    ///   (`clusterDelNodeSlots` in `clusterProcessPacket`), and
    ///   `clusterSetMaster` asserts that I own no slot when I become a replica.
    /// * `slot-version-unique`: if two nodes bind one slot to two different
    ///   masters, they believe those masters have different configEpochs. A
    ///   configEpoch is the version of a slot claim and each epoch is handed
    ///   out once (SET-CONFIG-EPOCH 1..N at creation, one winner per election
    ///   epoch). Epochs taken *without consensus* (FAILOVER TAKEOVER,
    ///   BUMPEPOCH, SETSLOT NODE closing an import, the collision rule itself)
    ///   can break it until `clusterHandleConfigEpochCollision` resolves the
    ///   tie, so runs with those may see this rule fail transiently.
    /// * `one-vote-per-epoch` and `one-winner-per-epoch`: see
    ///   [`Sim::check_history`].
    pub fn check_invariants(&self) -> Result<(), Violation> {
        let views: Vec<(usize, NodeView)> = (0..self.nodes.len())
            .map(|i| (i, self.nodes[i].node.view()))
            .collect();
        // (observer, owner, configEpoch the observer believes, slots)
        let mut claims: Vec<(usize, NodeId, u64, &SlotSet)> = Vec::new();
        for (i, view) in &views {
            for n in view.nodes.iter().filter(|n| !n.slots.is_empty()) {
                if !n.flags.is_master() || n.flags.is_replica() {
                    return Err(violation(
                        "slot-owner-is-master",
                        Some(self.node_name(*i)),
                        format!(
                            "{} is flagged {} but owns slots {}",
                            self.id_name(n.id),
                            n.flags,
                            n.slots
                        ),
                    ));
                }
                claims.push((*i, n.id, n.config_epoch, &n.slots));
            }
        }
        for (k, a) in claims.iter().enumerate() {
            for b in &claims[k + 1..] {
                if a.1 == b.1 || a.2 != b.2 || !a.3.intersects(b.3) {
                    continue;
                }
                let slot = a.3.iter().find(|&s| b.3.contains(s)).unwrap_or_default();
                return Err(violation(
                    "slot-version-unique",
                    None,
                    format!(
                        "slot {slot} is bound to {} by {} and to {} by {}, both at configEpoch {}",
                        self.id_name(a.1),
                        self.node_name(a.0),
                        self.id_name(b.1),
                        self.node_name(b.0),
                        a.2
                    ),
                ));
            }
        }
        self.check_history()
    }

    /// Rules about the whole past run, checked on the trace:
    ///
    /// * `one-vote-per-epoch`: a master grants at most one vote per epoch
    ///   (`lastVoteEpoch`, saved to nodes.conf before the ACK is sent, so it
    ///   survives restarts).
    /// * `one-winner-per-epoch`: at most one replica wins the election of a
    ///   given epoch — the heart of Redis Cluster's failover safety, which
    ///   follows from the previous rule and the `size/2+1` quorum.
    pub fn check_history(&self) -> Result<(), Violation> {
        let mut votes: BTreeMap<(usize, u64), Time> = BTreeMap::new();
        let mut requested: BTreeSet<(usize, u64)> = BTreeSet::new();
        let mut winners: BTreeMap<u64, (usize, Time)> = BTreeMap::new();
        for e in &self.trace {
            match &e.event {
                Event::VoteGranted { epoch, .. } => {
                    if let Some(first) = votes.insert((e.node, *epoch), e.t) {
                        return Err(violation(
                            "one-vote-per-epoch",
                            Some(self.node_name(e.node)),
                            format!("voted twice in epoch {epoch}, at {first} and at {}", e.t),
                        ));
                    }
                }
                Event::VoteRequested { epoch } => {
                    requested.insert((e.node, *epoch));
                }
                Event::Promoted { epoch, .. } if requested.contains(&(e.node, *epoch)) => {
                    match winners.get(epoch) {
                        Some((other, t)) if *other != e.node => {
                            return Err(violation(
                                "one-winner-per-epoch",
                                None,
                                format!(
                                    "{} won epoch {epoch} at {t} and {} won it too at {}",
                                    self.node_name(*other),
                                    self.node_name(e.node),
                                    e.t
                                ),
                            ));
                        }
                        _ => {
                            winners.insert(*epoch, (e.node, e.t));
                        }
                    }
                }
                _ => {}
            }
        }
        Ok(())
    }

    /// Rules that hold once the cluster is quiet — after `heal()`, with every
    /// process up and enough time for gossip — among the nodes that are up:
    ///
    /// * `views-agree-on-nodes`: every node knows every other, sees none of
    ///   them as `fail?`/`fail`, and has no `handshake`/`noaddr` entry left.
    /// * `views-agree-on-roles`: everyone sees each node as the master, or the
    ///   replica of the master, that the node itself says it is.
    /// * `views-agree-on-slots`: every node has the same slot table, so each
    ///   slot has one master and all nodes agree on it.
    /// * `config-epochs-unique`: the masters that own slots have distinct
    ///   configEpochs, and every node knows the same epoch for each of them.
    /// * `current-epoch-agreed`: currentEpoch is max-merged from every header,
    ///   so all nodes end with the same value.
    pub fn check_converged(&self) -> Result<(), Violation> {
        let views: Vec<(usize, NodeView)> = (0..self.nodes.len())
            .filter(|&i| self.nodes[i].status == Status::Up)
            .map(|i| (i, self.nodes[i].node.view()))
            .collect();
        let Some((first, reference)) = views.first() else {
            return Ok(());
        };
        for (o, ov) in &views {
            let name = || Some(self.node_name(*o));
            if let Some(bad) = ov
                .nodes
                .iter()
                .find(|n| n.flags.has(NodeFlags::HANDSHAKE | NodeFlags::NOADDR))
            {
                return Err(violation(
                    "views-agree-on-nodes",
                    name(),
                    format!("{} is still flagged {}", self.id_name(bad.id), bad.flags),
                ));
            }
            for (n, nv) in views.iter().filter(|(n, _)| n != o) {
                let Some(entry) = ov.node(nv.id) else {
                    return Err(violation(
                        "views-agree-on-nodes",
                        name(),
                        format!("{} is unknown", self.node_name(*n)),
                    ));
                };
                if entry.flags.is_failing() {
                    return Err(violation(
                        "views-agree-on-nodes",
                        name(),
                        format!("{} is flagged {}", self.node_name(*n), entry.flags),
                    ));
                }
                let itself = nv.myself().expect("a view contains myself");
                if role(entry) != role(itself) {
                    return Err(violation(
                        "views-agree-on-roles",
                        name(),
                        format!(
                            "{} is {} but it says it is {}",
                            self.node_name(*n),
                            self.role_text(entry),
                            self.role_text(itself)
                        ),
                    ));
                }
            }
        }
        let owners = owner_table(reference);
        for (o, ov) in &views[1..] {
            let theirs = owner_table(ov);
            if let Some(slot) = (0..SLOTS).find(|&s| owners[s as usize] != theirs[s as usize]) {
                let who = |t: &[Option<NodeId>]| {
                    t[slot as usize].map_or("nobody".into(), |id| self.id_name(id))
                };
                return Err(violation(
                    "views-agree-on-slots",
                    None,
                    format!(
                        "slot {slot} is served by {} for {} but by {} for {}",
                        who(&owners),
                        self.node_name(*first),
                        who(&theirs),
                        self.node_name(*o)
                    ),
                ));
            }
        }
        let masters: Vec<NodeId> = reference
            .nodes
            .iter()
            .filter(|n| !n.slots.is_empty())
            .map(|n| n.id)
            .collect();
        for (o, ov) in &views {
            let mut seen: BTreeMap<u64, NodeId> = BTreeMap::new();
            for &m in &masters {
                let epoch = ov.node(m).map_or(0, |n| n.config_epoch);
                let expected = reference.node(m).map_or(0, |n| n.config_epoch);
                if epoch != expected {
                    return Err(violation(
                        "config-epochs-unique",
                        Some(self.node_name(*o)),
                        format!(
                            "{} has configEpoch {epoch}, but {} for {}",
                            self.id_name(m),
                            expected,
                            self.node_name(*first)
                        ),
                    ));
                }
                if let Some(other) = seen.insert(epoch, m) {
                    return Err(violation(
                        "config-epochs-unique",
                        Some(self.node_name(*o)),
                        format!(
                            "{} and {} both own slots with configEpoch {epoch}",
                            self.id_name(other),
                            self.id_name(m)
                        ),
                    ));
                }
            }
            if ov.current_epoch != reference.current_epoch {
                return Err(violation(
                    "current-epoch-agreed",
                    Some(self.node_name(*o)),
                    format!(
                        "currentEpoch is {}, but {} for {}",
                        ov.current_epoch,
                        reference.current_epoch,
                        self.node_name(*first)
                    ),
                ));
            }
        }
        Ok(())
    }

    /// [`check_converged`](Self::check_converged), and the cluster serves
    /// everything: every slot is bound to a master that is up
    /// (`slots-covered`) and every up node reports `cluster_state:ok`
    /// (`cluster-state-ok`).
    pub fn check_healthy(&self) -> Result<(), Violation> {
        self.check_converged()?;
        let Some(up) = (0..self.nodes.len()).find(|&i| self.nodes[i].status == Status::Up) else {
            return Err(violation("slots-covered", None, "no node is up".into()));
        };
        let view = self.nodes[up].node.view();
        let owners = owner_table(&view);
        for (slot, owner) in owners.iter().enumerate() {
            let served = owner
                .and_then(|id| self.index_of_id(id))
                .is_some_and(|i| self.nodes[i].status == Status::Up);
            if !served {
                let who = owner.map_or("nobody".into(), |id| self.id_name(id));
                return Err(violation(
                    "slots-covered",
                    None,
                    format!("slot {slot} is bound to {who}, which is not up"),
                ));
            }
        }
        if let Some(down) = (0..self.nodes.len())
            .find(|&i| self.nodes[i].status == Status::Up && !self.nodes[i].node.state_ok())
        {
            return Err(violation(
                "cluster-state-ok",
                Some(self.node_name(down)),
                "cluster_state is fail".into(),
            ));
        }
        Ok(())
    }

    /// Runs until [`check_converged`](Self::check_converged) passes (checked
    /// every 100 simulated ms) or `limit` passes; returns when it converged,
    /// or the last violation.
    pub fn run_until_converged(&mut self, limit: Time) -> Result<Time, Violation> {
        self.run_until_check(limit, Sim::check_converged)
    }

    /// Runs until [`check_healthy`](Self::check_healthy) passes, like
    /// [`run_until_converged`](Self::run_until_converged).
    pub fn run_until_healthy(&mut self, limit: Time) -> Result<Time, Violation> {
        self.run_until_check(limit, Sim::check_healthy)
    }

    fn run_until_check(
        &mut self,
        limit: Time,
        check: fn(&Sim) -> Result<(), Violation>,
    ) -> Result<Time, Violation> {
        loop {
            match check(self) {
                Ok(()) => return Ok(self.now),
                Err(v) if self.now >= limit => return Err(v),
                Err(_) => {
                    let next = (self.now + CHECK_EVERY_MS).min(limit);
                    self.run_until(next);
                }
            }
        }
    }

    fn role_text(&self, p: &PeerView) -> String {
        match role(p) {
            Some(m) => format!("a replica of {}", self.id_name(m)),
            None => "a master".into(),
        }
    }
}

/// `None` for a master, `Some(master)` for a replica (NULL if unknown).
fn role(p: &PeerView) -> Option<NodeId> {
    p.flags
        .is_replica()
        .then(|| p.master.unwrap_or(NodeId::NULL))
}

/// Slot → owner, from one view.
fn owner_table(view: &NodeView) -> Vec<Option<NodeId>> {
    let mut table = vec![None; SLOTS as usize];
    for n in view.nodes.iter().filter(|n| !n.slots.is_empty()) {
        for s in n.slots.iter() {
            table[s as usize] = Some(n.id);
        }
    }
    table
}
