//! The redis-cli jobs (add-node, reshard, rebalance) the Grow panel shows.

use clusterlab_core::sim::{Names, Sim};

use crate::i18n::{fill, Lang, Msg};

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

/// The jobs, worded in `lang` (redis-cli's commands and progress lines stay as it writes them).
pub fn jobs(sim: &Sim, lang: Lang) -> Vec<JobInfo> {
    use clusterlab_core::sim::Task;
    let say = |msg: Msg, values: &[&str]| fill(lang.t(msg), values);
    sim.jobs()
        .map(|(_, job)| {
            let title = match &job.task {
                Task::AddNodeAndRebalance { name, port, .. } => {
                    say(Msg::JobAddNode, &[name, &format!("127.0.0.1:{port}")])
                }
                Task::Reshard { from, to, slots } => say(
                    Msg::JobReshard,
                    &[
                        &slots.to_string(),
                        &sim.node_name(*from),
                        &sim.node_name(*to),
                    ],
                ),
                Task::Rebalance { .. } => "rebalance".into(),
                Task::AddReplica {
                    name, port, master, ..
                } => say(
                    Msg::JobAddReplica,
                    &[name, &format!("127.0.0.1:{port}"), &sim.node_name(*master)],
                ),
            };
            let doing = match (job.step(), job.current()) {
                ("done", _) => lang.t(Msg::Done).into(),
                // The step is redis-cli's operation (`migrate`, `setslot-node`): a command.
                (step, Some((slot, from, to))) => say(
                    Msg::JobSlotStep,
                    &[
                        &slot.to_string(),
                        &sim.node_name(from),
                        &sim.node_name(to),
                        step,
                    ],
                ),
                ("meet", None) => "CLUSTER MEET".into(),
                ("wait-join", None) => lang.t(Msg::JobWaitJoin).into(),
                ("load", None) => lang.t(Msg::JobLoad).into(),
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
