//! The redis-cli jobs (add-node, reshard, rebalance) the Grow panel shows.

use clusterlab_core::sim::{Names, Sim};

/// A redis-cli operation (add-node, reshard) as shown in the Grow panel.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JobInfo {
    /// `redis-cli --cluster add-node` + rebalance, or `reshard 100 slots A → D`.
    pub title: String,
    /// What it does now, in words.
    pub doing: String,
    pub slots_moved: usize,
    pub keys_moved: usize,
    /// redis-cli's last progress line.
    pub last_line: Option<String>,
    /// `None` while running; `Err` holds redis-cli's error.
    pub outcome: Option<Result<(), String>>,
}

pub fn jobs(sim: &Sim) -> Vec<JobInfo> {
    use clusterlab_core::sim::Task;
    sim.jobs()
        .map(|(_, job)| {
            let title = match &job.task {
                Task::AddNodeAndRebalance { name, port, .. } => {
                    format!("add-node {name} (127.0.0.1:{port}), then rebalance")
                }
                Task::Reshard { from, to, slots } => format!(
                    "reshard {slots} slots {} → {}",
                    sim.node_name(*from),
                    sim.node_name(*to)
                ),
                Task::Rebalance { .. } => "rebalance".into(),
                Task::AddReplica {
                    name, port, master, ..
                } => format!(
                    "add-node {name} (127.0.0.1:{port}) --cluster-slave of {}",
                    sim.node_name(*master)
                ),
            };
            let doing = match (job.step(), job.current()) {
                ("done", _) => "done".into(),
                (step, Some((slot, from, to))) => format!(
                    "slot {slot} {} → {}: {step}",
                    sim.node_name(from),
                    sim.node_name(to)
                ),
                ("meet", None) => "CLUSTER MEET".into(),
                ("wait-join", None) => "waiting until every node knows the new one".into(),
                ("load", None) => "reading CLUSTER NODES from every node".into(),
                (step, None) => step.into(),
            };
            JobInfo {
                title,
                doing,
                slots_moved: job.slots_moved(),
                keys_moved: job.keys_moved(),
                last_line: job.log().last().cloned(),
                outcome: job.outcome().cloned(),
            }
        })
        .collect()
}
