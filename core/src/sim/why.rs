//! Why an event happened: the Redis rule that produced it (named after its
//! function in Redis 7.0's cluster.c), the numbers that decided it, and the
//! earlier trace entries (or the fault) that caused it.
//!
//! The explanation is data, resolved from the trace on demand — never stored
//! per event — so a 1000-node run pays nothing for it. The app renders the
//! facts in the learner's language and turns the causes into links, so a
//! learner can walk from a promotion back to the `kill` that started it all.

use std::collections::HashMap;

use super::{Action, TimedAction, TraceEvent};
use crate::event::Event;
use crate::id::NodeId;
use crate::time::Time;

/// How far back a cause is looked for: far more than one failover's worth of
/// events, while keeping a click on a huge trace instant.
const SCAN: usize = 500_000;

/// Redis's fixed part of a replica's election delay (`500 + random() % 500 +
/// rank * 1000` in `clusterHandleSlaveFailover`).
pub const ELECTION_FIXED_MS: u64 = 500;
/// Redis's extra election delay per rank.
pub const ELECTION_PER_RANK_MS: u64 = 1000;

/// What made an event happen.
#[derive(Clone, Debug, PartialEq)]
pub struct Why {
    /// The function of Redis 7.0's cluster.c that applies the rule.
    pub rule: &'static str,
    /// The numbers that decided it.
    pub facts: Vec<Fact>,
    /// Earlier trace entries or faults it follows from, most direct first.
    pub causes: Vec<Cause>,
}

/// A link to what caused an event.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cause {
    /// An earlier entry of the trace, by index.
    Event(usize),
    /// A fault of the run ([`super::Sim::faults`]), by index.
    Fault(usize),
}

/// One deciding number (or set of numbers) of a rule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Fact {
    /// `clusterCron`: a PING went out and nothing came back for longer
    /// than node_timeout.
    PingUnanswered {
        /// When the PING was sent.
        ping_sent: Time,
        /// How long the peer had been silent, ms.
        silent_ms: u32,
        /// node_timeout then, ms.
        timeout_ms: u32,
    },
    /// This node's own PFAIL flag about the node.
    OwnPfail {
        /// When it was set.
        since: Time,
    },
    /// A master's failure report.
    Report {
        /// The reporting master.
        reporter: NodeId,
        /// When its report was last refreshed.
        at: Time,
    },
    /// Masters agreeing on FAIL against the majority needed.
    Quorum {
        /// Masters that agree (myself included when `myself`).
        count: u32,
        /// A majority of the slot-serving masters.
        needed: u32,
        /// This node is a master and counted itself.
        myself: bool,
    },
    /// A FAIL message forced the flag (no quorum counted here).
    FailMessage {
        /// Its sender.
        from: NodeId,
    },
    /// A master gossiped that it sees the node as failing.
    Gossiped {
        /// That master.
        reporter: NodeId,
    },
    /// The election delay: `fixed_ms` + `random_ms` + `rank` × `per_rank_ms`.
    ElectionDelay {
        /// The whole delay, ms.
        delay_ms: u64,
        /// The fixed part (500 ms).
        fixed_ms: u64,
        /// The random part, ms.
        random_ms: u32,
        /// Replicas of the same master with a greater offset.
        rank: u32,
        /// The delay per rank (1000 ms).
        per_rank_ms: u64,
        /// This replica's replication offset.
        offset: u64,
    },
    /// A manual failover starts its election at once (rank 0, no delay).
    ManualStart,
    /// The epoch of an election or vote.
    Epoch {
        /// That epoch.
        epoch: u64,
    },
    /// The replica's master, which this node sees as failing.
    MasterFailing {
        /// That master.
        master: NodeId,
    },
    /// Votes received against the majority needed.
    Votes {
        /// Votes received.
        votes: u32,
        /// The majority needed.
        needed: u32,
    },
    /// Redis's own log line for the decision.
    Reason(&'static str),
    /// `clusterUpdateState`'s counts.
    ClusterCounts {
        /// `cluster_state:ok`.
        ok: bool,
        /// Slot-serving masters not flagged failing.
        reachable: u32,
        /// Slot-serving masters.
        masters: u32,
        /// Unassigned slots (with full coverage required).
        unassigned: u16,
        /// A FAIL master still owning slots.
        failed_owner: Option<NodeId>,
    },
    /// Two masters with the same configEpoch: the smaller ID bumps.
    Collision {
        /// The other master.
        with: NodeId,
        /// The configEpoch both had.
        collided: u64,
        /// My new configEpoch.
        new_epoch: u64,
    },
}

/// Explains trace entry `index`. `node_of` maps a node ID to its simulator
/// index; `faults` is the run's fault log. `None` for an entry out of range
/// or an event no single rule explains (a plain epoch change).
pub fn explain(
    trace: &[TraceEvent],
    index: usize,
    faults: &[TimedAction],
    node_of: &impl Fn(NodeId) -> Option<usize>,
) -> Option<Why> {
    let e = trace.get(index)?;
    let me = e.node;
    let find = |pred: &dyn Fn(&TraceEvent) -> bool| latest(trace, index, pred);
    let by = |node: Option<usize>| move |x: &TraceEvent| Some(x.node) == node;
    let mine_about = |about: NodeId, pfail: bool, fail: bool| {
        find(&|x| {
            x.node == me
                && match &x.event {
                    Event::Pfail { about: a, .. } => pfail && *a == about,
                    Event::Fail { about: a, .. } => fail && *a == about,
                    _ => false,
                }
        })
    };
    // A node's own suspicion (PFAIL) or verdict (FAIL) about `about`.
    let suspicion_of = |node: Option<usize>, about: NodeId| {
        find(&|x| {
            by(node)(x)
                && matches!(&x.event, Event::Pfail { about: a, .. } | Event::Fail { about: a, .. } if *a == about)
        })
    };
    let events = |list: &[Option<usize>]| list.iter().flatten().map(|&i| Cause::Event(i)).collect();

    let why = match &e.event {
        Event::Pfail {
            about,
            ping_sent,
            silent_ms,
            timeout_ms,
        } => Why {
            rule: "clusterCron",
            facts: vec![Fact::PingUnanswered {
                ping_sent: *ping_sent,
                silent_ms: *silent_ms,
                timeout_ms: *timeout_ms,
            }],
            causes: silencing_fault(faults, e.t, me, node_of(*about))
                .map(Cause::Fault)
                .into_iter()
                .collect(),
        },
        Event::Fail {
            about,
            by_quorum: true,
            reports,
            needed,
            reporters,
            ..
        } => {
            let own = mine_about(*about, true, false);
            let reporters = reporters.as_deref().map(Vec::as_slice).unwrap_or(&[]);
            let mut facts: Vec<Fact> = own
                .map(|i| Fact::OwnPfail { since: trace[i].t })
                .into_iter()
                .collect();
            facts.extend(
                reporters
                    .iter()
                    .map(|&(reporter, at)| Fact::Report { reporter, at }),
            );
            facts.push(Fact::Quorum {
                count: *reports,
                needed: *needed,
                myself: *reports as usize > reporters.len(),
            });
            let received = reports_received(trace, index, *about, reporters);
            let mut causes = vec![own];
            causes.extend(reporters.iter().zip(received).map(|(&(reporter, _), got)| {
                got.or_else(|| suspicion_of(node_of(reporter), *about))
            }));
            Why {
                rule: "markNodeAsFailingIfNeeded",
                facts,
                causes: events(&causes),
            }
        }
        Event::Fail {
            about,
            from: Some(from),
            ..
        } => Why {
            rule: "clusterProcessPacket",
            facts: vec![Fact::FailMessage { from: *from }],
            causes: events(&[find(&|x| {
                by(node_of(*from))(x)
                    && matches!(&x.event, Event::Fail { about: a, .. } if a == about)
            })]),
        },
        Event::Fail { .. } => Why {
            rule: "markNodeAsFailingIfNeeded",
            facts: Vec::new(),
            causes: Vec::new(),
        },
        Event::FailReport { about, reporter } => Why {
            rule: "clusterProcessGossipSection",
            facts: vec![Fact::Gossiped {
                reporter: *reporter,
            }],
            causes: events(&[suspicion_of(node_of(*reporter), *about)]),
        },
        Event::PfailCleared { about } => Why {
            rule: "clusterProcessPacket",
            facts: Vec::new(),
            causes: events(&[mine_about(*about, true, false)]),
        },
        Event::FailCleared { about, reason } => Why {
            rule: "clearNodeFailureIfNeeded",
            facts: vec![Fact::Reason(reason)],
            causes: events(&[mine_about(*about, false, true)]),
        },
        Event::FailoverStart {
            delay_ms,
            rank,
            offset,
            manual,
            random_ms,
            master,
        } => {
            let (fact, cause) = if *manual {
                let asked =
                    find(&|x| x.node == me && matches!(x.event, Event::ManualFailover { .. }));
                (Fact::ManualStart, asked)
            } else {
                let delay = Fact::ElectionDelay {
                    delay_ms: *delay_ms,
                    fixed_ms: ELECTION_FIXED_MS,
                    random_ms: *random_ms,
                    rank: *rank,
                    per_rank_ms: ELECTION_PER_RANK_MS,
                    offset: *offset,
                };
                (delay, mine_about(*master, false, true))
            };
            Why {
                rule: "clusterHandleSlaveFailover",
                facts: vec![Fact::MasterFailing { master: *master }, fact],
                causes: events(&[cause]),
            }
        }
        Event::FailoverBlocked { reason } => Why {
            rule: "clusterLogCantFailover",
            facts: vec![Fact::Reason(reason)],
            causes: events(&[find(&|x| {
                x.node == me && matches!(x.event, Event::FailoverStart { .. } | Event::Fail { .. })
            })]),
        },
        Event::VoteRequested { epoch } => Why {
            rule: "clusterHandleSlaveFailover",
            facts: vec![Fact::Epoch { epoch: *epoch }],
            causes: events(&[find(&|x| {
                x.node == me && matches!(x.event, Event::FailoverStart { .. })
            })]),
        },
        Event::VoteGranted {
            about,
            epoch,
            master,
        } => Why {
            rule: "clusterSendFailoverAuthIfNeeded",
            facts: vec![
                Fact::Epoch { epoch: *epoch },
                Fact::MasterFailing { master: *master },
            ],
            causes: events(&[
                find(&|x| {
                    by(node_of(*about))(x)
                        && matches!(x.event, Event::VoteRequested { epoch: ep } if ep == *epoch)
                }),
                mine_about(*master, false, true),
            ]),
        },
        Event::VoteDenied { about, reason } => Why {
            rule: "clusterSendFailoverAuthIfNeeded",
            facts: vec![Fact::Reason(reason)],
            causes: events(&[find(&|x| {
                by(node_of(*about))(x) && matches!(x.event, Event::VoteRequested { .. })
            })]),
        },
        Event::VoteReceived {
            from,
            votes,
            needed,
        } => Why {
            rule: "clusterProcessPacket",
            facts: vec![Fact::Votes {
                votes: *votes,
                needed: *needed,
            }],
            causes: events(&[find(&|x| {
                by(node_of(*from))(x)
                    && matches!(x.event, Event::VoteGranted { about, .. } if node_of(about) == Some(me))
            })]),
        },
        Event::ElectionExpired { epoch } => Why {
            rule: "clusterHandleSlaveFailover",
            facts: vec![Fact::Epoch { epoch: *epoch }],
            causes: events(&[find(&|x| {
                x.node == me
                    && matches!(x.event, Event::VoteRequested { epoch: ep } if ep == *epoch)
            })]),
        },
        Event::Promoted { epoch, .. } => promoted(trace, index, *epoch),
        Event::ClusterState {
            ok,
            reachable,
            masters,
            unassigned,
            failed_owner,
        } => {
            let cause = match failed_owner {
                Some(owner) if !ok => mine_about(*owner, false, true),
                _ if !ok => find(&|x| {
                    x.node == me && matches!(x.event, Event::Pfail { .. } | Event::Fail { .. })
                }),
                _ => find(&|x| {
                    x.node == me
                        && matches!(
                            x.event,
                            Event::PfailCleared { .. }
                                | Event::FailCleared { .. }
                                | Event::SlotOwner { .. }
                                | Event::Promoted { .. }
                        )
                }),
            };
            Why {
                rule: "clusterUpdateState",
                facts: vec![Fact::ClusterCounts {
                    ok: *ok,
                    reachable: *reachable,
                    masters: *masters,
                    unassigned: *unassigned,
                    failed_owner: *failed_owner,
                }],
                causes: events(&[cause]),
            }
        }
        Event::EpochCollision {
            with,
            new_epoch,
            collided,
        } => Why {
            rule: "clusterHandleConfigEpochCollision",
            facts: vec![Fact::Collision {
                with: *with,
                collided: *collided,
                new_epoch: *new_epoch,
            }],
            causes: Vec::new(),
        },
        Event::SlotOwner { owner, .. } => Why {
            rule: "clusterUpdateSlotsConfigWith",
            facts: Vec::new(),
            causes: events(&[find(&|x| {
                by(node_of(*owner))(x) && matches!(x.event, Event::Promoted { .. })
            })]),
        },
        Event::Role { master: None } => Why {
            rule: "clusterSetNodeAsMaster",
            facts: Vec::new(),
            causes: events(&[find(&|x| {
                x.node == me && matches!(x.event, Event::Promoted { .. })
            })]),
        },
        Event::Role { master: Some(_) } => plain("clusterSetMaster"),
        Event::Meet { .. } => plain("clusterStartHandshake"),
        Event::NodeAdded { .. } => plain("clusterProcessPacket"),
        Event::NodeRemoved { .. } => plain("clusterDelNode"),
        Event::UpdateSent { .. } => plain("clusterSendUpdate"),
        Event::ReplicaMigrated { .. } => plain("clusterHandleSlaveMigration"),
        Event::ManualFailover { what } => Why {
            rule: "clusterHandleManualFailover",
            facts: vec![Fact::Reason(what)],
            causes: Vec::new(),
        },
        Event::Replication { .. } => plain("syncWithMaster"),
        Event::Epoch { .. } => return None,
    };
    Some(why)
}

/// A rule with nothing more to say than its name.
fn plain(rule: &'static str) -> Why {
    Why {
        rule,
        facts: Vec::new(),
        causes: Vec::new(),
    }
}

/// A promotion: the votes received in its election (up to the one that
/// reached the majority) and the request that asked for them.
fn promoted(trace: &[TraceEvent], index: usize, epoch: u64) -> Why {
    let me = trace[index].node;
    let request = latest(trace, index, &|x| {
        x.node == me && matches!(x.event, Event::VoteRequested { epoch: ep } if ep == epoch)
    });
    let mut facts = vec![Fact::Epoch { epoch }];
    let mut causes = Vec::new();
    if let Some(req) = request {
        let votes: Vec<usize> = (req + 1..index)
            .filter(|&i| {
                trace[i].node == me && matches!(trace[i].event, Event::VoteReceived { .. })
            })
            .collect();
        if let Some(Event::VoteReceived { votes, needed, .. }) =
            votes.last().map(|&i| &trace[i].event)
        {
            facts.push(Fact::Votes {
                votes: *votes,
                needed: *needed,
            });
        }
        causes.extend(votes.iter().rev().map(|&i| Cause::Event(i)));
        causes.push(Cause::Event(req));
    } else if let Some(asked) = latest(trace, index, &|x| {
        x.node == me && matches!(x.event, Event::ManualFailover { .. })
    }) {
        // CLUSTER FAILOVER TAKEOVER: no election at all.
        causes.push(Cause::Event(asked));
    }
    Why {
        rule: "clusterHandleSlaveFailover",
        facts,
        causes,
    }
}

/// For each reporter, the latest `fail_report` entry of this node (`trace[index].node`)
/// about `about` from it: one pass back, however many masters reported (a 1000-node FAIL
/// counts hundreds).
fn reports_received(
    trace: &[TraceEvent],
    index: usize,
    about: NodeId,
    reporters: &[(NodeId, Time)],
) -> Vec<Option<usize>> {
    let me = trace[index].node;
    let slot: HashMap<NodeId, usize> = reporters
        .iter()
        .enumerate()
        .map(|(k, (r, _))| (*r, k))
        .collect();
    let mut found = vec![None; reporters.len()];
    let mut missing = reporters.len();
    for i in (index.saturating_sub(SCAN)..index).rev() {
        if missing == 0 {
            break;
        }
        let e = &trace[i];
        let Event::FailReport { about: a, reporter } = &e.event else {
            continue;
        };
        if e.node != me || *a != about {
            continue;
        }
        if let Some(&k) = slot.get(reporter) {
            if found[k].is_none() {
                found[k] = Some(i);
                missing -= 1;
            }
        }
    }
    found
}

/// The latest entry before `index` that matches, within [`SCAN`] entries.
fn latest(trace: &[TraceEvent], index: usize, pred: &dyn Fn(&TraceEvent) -> bool) -> Option<usize> {
    let from = index.saturating_sub(SCAN);
    (from..index.min(trace.len()))
        .rev()
        .find(|&i| pred(&trace[i]))
}

/// The latest fault up to `t` that could silence `about` for `observer`:
/// `about` killed or paused, the two cut apart, or messages lost.
fn silencing_fault(
    faults: &[TimedAction],
    t: Time,
    observer: usize,
    about: Option<usize>,
) -> Option<usize> {
    let about = about?;
    faults.iter().rposition(|f| {
        f.t <= t
            && match &f.action {
                Action::Kill(n) | Action::Pause(n) => *n == about,
                Action::Partition(groups) => {
                    let side = |n: usize| groups.iter().position(|g| g.contains(&n));
                    side(observer).is_some()
                        && side(about).is_some()
                        && side(observer) != side(about)
                }
                Action::Cut { from, to } => {
                    (*from, *to) == (observer, about) || (*from, *to) == (about, observer)
                }
                Action::Loss(p) => *p > 0.0,
                Action::Resume(_) | Action::Restart(_) | Action::Heal | Action::Failover { .. } => {
                    false
                }
            }
    })
}
