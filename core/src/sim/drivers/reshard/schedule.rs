//! After loading: redis-cli's checks, the plan, and the next slot to move.

use super::{load, plan, Job, Master, Phase, Task};
use crate::sim::Sim;
use crate::slot::SLOTS;
use std::collections::BTreeSet;

impl Sim {
    /// After loading: redis-cli's checks, then the slots to move.
    pub(super) fn plan(&mut self, job: &mut Job) {
        let signatures: Vec<String> = job.loaded.iter().map(|(_, l)| load::signature(l)).collect();
        if signatures.windows(2).any(|w| w[0] != w[1]) {
            return job.fail("[ERR] Nodes don't agree about configuration!".into());
        }
        job.masters.clear();
        let mut covered = BTreeSet::new();
        for (idx, lines) in &job.loaded {
            let Some(me) = lines.iter().find(|l| l.has("myself")) else {
                continue;
            };
            if me.open_slots {
                let addr = self.nodes[*idx].client_addr;
                return job.fail(format!(
                    "[WARNING] Node {addr} has slots in importing or migrating state"
                ));
            }
            covered.extend(me.slots.iter().copied());
            if me.has("master") {
                job.masters.push(Master {
                    idx: *idx,
                    id: me.id.clone(),
                    addr: self.nodes[*idx].client_addr,
                    slots: crate::sorted::set(me.slots.iter().copied()),
                });
            }
        }
        if covered.len() != SLOTS as usize {
            return job.fail("[ERR] Not all 16384 slots are covered by nodes.".into());
        }
        match job.task.clone() {
            Task::Reshard { from, to, slots } => {
                let (Some(src), Some(_)) = (job.master(from), job.master(to)) else {
                    return job.fail("*** The specified node is not known or not a master".into());
                };
                if from == to {
                    return job.fail(
                        "*** It is not possible to use the target node as source node.".into(),
                    );
                }
                let owned = vec![(from, src.slots.iter().copied().collect())];
                job.queue = plan::reshard_table(&owned, slots)
                    .into_iter()
                    .map(|(s, src)| (s, src, to))
                    .collect();
            }
            Task::Rebalance {
                use_empty_masters,
                threshold,
            } => self.plan_rebalance(job, use_empty_masters, threshold),
            Task::AddNodeAndRebalance { .. } => self.plan_rebalance(job, true, 2.0),
            // Configured as a replica once joined: it never loads or plans.
            Task::AddReplica { .. } => {}
        }
        job.phase = Phase::NextSlot;
    }

    fn plan_rebalance(&mut self, job: &mut Job, use_empty: bool, threshold: f32) {
        let counts: Vec<(usize, usize)> =
            job.masters.iter().map(|m| (m.idx, m.slots.len())).collect();
        job.batches = plan::rebalance_moves(&counts, use_empty, threshold).into();
        if job.batches.is_empty() {
            job.log.push(format!(
                "*** No rebalancing needed! All nodes are within the {threshold:.2}% threshold."
            ));
        }
    }

    /// Starts moving the next slot, or finishes.
    pub(super) fn next_slot(&mut self, job: &mut Job) {
        if job.queue.is_empty() {
            if let Some((src, dst, n)) = job.batches.pop_front() {
                let src_addr = self.nodes[src].client_addr;
                let dst_addr = self.nodes[dst].client_addr;
                job.log
                    .push(format!("Moving {n} slots from {src_addr} to {dst_addr}"));
                let owned = vec![(
                    src,
                    job.master(src)
                        .expect("loaded")
                        .slots
                        .iter()
                        .copied()
                        .collect(),
                )];
                job.queue = plan::reshard_table(&owned, n)
                    .into_iter()
                    .map(|(s, src)| (s, src, dst))
                    .collect();
            }
        }
        let Some((slot, src, dst)) = job.queue.pop_front() else {
            job.outcome = Some(Ok(()));
            job.phase = Phase::Finished;
            return;
        };
        let (a, b) = (self.nodes[src].client_addr, self.nodes[dst].client_addr);
        job.log.push(format!("Moving slot {slot} from {a} to {b}"));
        job.current = Some((slot, src, dst));
        job.phase = Phase::Importing;
        self.issue(job);
    }
}
