//! The cluster folded into what the page draws: one [`Cell`] per node, the picked node's
//! [`Beliefs`], and the trace's key moments.
//!
//! At 1000 nodes every node holds a 1000-entry table; the page cannot receive (nor draw) a
//! million entries ten times a second, but a cell per node with "how many running nodes flag
//! it PFAIL, and FAIL" is what shows failure detection spreading.

use std::collections::{BTreeMap, BTreeSet};

use clusterlab_core::event::Event;
use clusterlab_core::flags::NodeFlags;
use clusterlab_core::sim::{Sim, Status};

use crate::protocol::{Beliefs, Cell, Election, Milestone, Moment, Process, BELIEF_LIST};

/// The process's state in the page's words.
pub fn process(status: Status) -> Process {
    match status {
        Status::Up => Process::Up,
        Status::Crashed => Process::Crashed,
        Status::Paused => Process::Paused,
    }
}

/// One cell per node: its process, its own role, and how many running nodes flag it PFAIL or
/// FAIL (a crashed node's table is not anyone's belief any more).
pub fn cells(sim: &Sim) -> Vec<Cell> {
    let mut cells: Vec<Cell> = sim
        .nodes()
        .iter()
        .map(|n| Cell {
            status: process(n.status),
            master: n.node.is_master(),
            pfail: 0,
            fail: 0,
        })
        .collect();
    for n in sim.nodes().iter().filter(|n| n.status == Status::Up) {
        for (id, flags) in n.node.peer_flags() {
            let pfail = flags.has(NodeFlags::PFAIL);
            let fail = flags.has(NodeFlags::FAIL);
            if !(pfail || fail) {
                continue;
            }
            if let Some(cell) = sim.index_of_id(id).and_then(|j| cells.get_mut(j)) {
                cell.pfail += u16::from(pfail);
                cell.fail += u16::from(fail);
            }
        }
    }
    cells
}

/// Node `idx`'s beliefs, from its `CLUSTER NODES`-like view.
pub fn beliefs(sim: &Sim, idx: usize) -> Option<Beliefs> {
    let n = sim.nodes().get(idx)?;
    let view = n.node.view();
    let index = |id| sim.index_of_id(id);
    let flagged = |bit: u16| -> Vec<usize> {
        view.nodes
            .iter()
            .filter(|p| p.flags.has(bit))
            .filter_map(|p| index(p.id))
            .collect()
    };
    let (pfail, fail) = (flagged(NodeFlags::PFAIL), flagged(NodeFlags::FAIL));
    let me = view.myself();
    Some(Beliefs {
        node: idx,
        process: process(n.status),
        master: n.node.is_master(),
        master_of: n.node.master().and_then(index),
        current_epoch: view.current_epoch,
        config_epoch: view.my_epoch,
        state_ok: view.state_ok,
        known: view.nodes.len(),
        connected: view
            .nodes
            .iter()
            .filter(|p| Some(p.id) != me.map(|m| m.id) && p.link_connected)
            .count(),
        pfail_count: pfail.len(),
        pfail: pfail.into_iter().take(BELIEF_LIST).collect(),
        fail_count: fail.len(),
        fail: fail.into_iter().take(BELIEF_LIST).collect(),
        election: view.election.map(|e| Election {
            rank: e.rank,
            votes: e.votes,
            needed: e.needed,
            epoch: e.epoch,
        }),
    })
}

/// Follows the trace and says what is worth a line: the first suspicion of a node, its FAIL
/// declaration, the moment every running node agrees, a promotion, the way back.
#[derive(Default)]
pub struct Moments {
    /// Trace entries already read.
    seen: usize,
    /// Nodes someone suspects (PFAIL) in the current episode.
    suspected: BTreeSet<usize>,
    /// Nodes declared FAIL in the current episode: when, the latest FAIL flag set about
    /// them, and whether everyone agreeing was said.
    declared: BTreeMap<usize, Declared>,
}

struct Declared {
    at: u64,
    last_flag: u64,
    everywhere: bool,
}

impl Moments {
    /// The moments in the trace since the last call, then "FAIL everywhere" for nodes whose
    /// cells now say every running node flags them FAIL.
    pub fn read(&mut self, sim: &Sim, cells: &[Cell]) -> Vec<Milestone> {
        let mut out = Vec::new();
        let trace = sim.trace();
        for e in trace.get(self.seen..).unwrap_or_default() {
            let t = e.t.ms();
            let about = |id| sim.index_of_id(id);
            match &e.event {
                Event::Pfail { about: id, .. } => {
                    if let Some(a) = about(*id) {
                        if self.suspected.insert(a) {
                            out.push(Milestone {
                                t_ms: t,
                                what: Moment::FirstPfail {
                                    by: e.node,
                                    about: a,
                                },
                            });
                        }
                    }
                }
                Event::Fail {
                    about: id,
                    by_quorum,
                    reports,
                    needed,
                    ..
                } => {
                    let Some(a) = about(*id) else { continue };
                    match self.declared.get_mut(&a) {
                        Some(d) => d.last_flag = t,
                        None => {
                            self.declared.insert(
                                a,
                                Declared {
                                    at: t,
                                    last_flag: t,
                                    everywhere: false,
                                },
                            );
                            // The first FAIL flag of an episode is a declaration by quorum;
                            // one learnt from a FAIL message names no count.
                            if *by_quorum {
                                out.push(Milestone {
                                    t_ms: t,
                                    what: Moment::Declared {
                                        by: e.node,
                                        about: a,
                                        reports: *reports,
                                        needed: *needed,
                                    },
                                });
                            }
                        }
                    }
                }
                Event::FailCleared { about: id, .. } => {
                    let Some(a) = about(*id) else { continue };
                    if self.declared.remove(&a).is_some() {
                        self.suspected.remove(&a);
                        out.push(Milestone {
                            t_ms: t,
                            what: Moment::Cleared {
                                by: e.node,
                                about: a,
                            },
                        });
                    }
                }
                Event::Promoted { epoch, .. } => out.push(Milestone {
                    t_ms: t,
                    what: Moment::Promoted {
                        node: e.node,
                        epoch: *epoch,
                    },
                }),
                _ => {}
            }
        }
        self.seen = trace.len();
        let running = cells.iter().filter(|c| c.status == Process::Up).count();
        for (&a, d) in self.declared.iter_mut() {
            let others = running - usize::from(cells[a].status == Process::Up);
            if !d.everywhere && others > 0 && usize::from(cells[a].fail) == others {
                d.everywhere = true;
                out.push(Milestone {
                    t_ms: d.last_flag,
                    what: Moment::FailEverywhere {
                        about: a,
                        after_ms: d.last_flag - d.at,
                    },
                });
            }
        }
        out.sort_by_key(|m| m.t_ms);
        out
    }

    /// A killed node starts a new episode: it will be suspected again.
    pub fn forget(&mut self, node: usize) {
        self.suspected.remove(&node);
        self.declared.remove(&node);
    }
}
