//! The action log: faults, network changes and operator actions applied to a
//! running simulation.
//!
//! A run is a pure function of (scenario, seed, timed actions), so the same
//! list replays the same run. The CLI parses its flags into these actions and
//! the seed sweep draws them at random, then prints them back as CLI flags
//! ([`TimedAction::flag`]) so any failing run can be replayed by hand.

use super::{Names, Sim};
use crate::node::{Admin, AdminError, FailoverMode};
use crate::time::Time;
use serde_json::{json, Map, Value};

/// One fault, network change or operator action. Nodes are simulator indices.
#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    /// `kill -9`.
    Kill(usize),
    /// `kill -STOP`.
    Pause(usize),
    /// `kill -CONT`.
    Resume(usize),
    /// Start the process again with its nodes.conf (a running one is killed first).
    Restart(usize),
    /// Cut every group from every other group, both ways. A single group is
    /// cut from all the other nodes. Nodes in no group keep all their links.
    Partition(Vec<Vec<usize>>),
    /// Cut `from → to` only (a one-way partition).
    Cut {
        /// The sending node (sim index).
        from: usize,
        /// The node it can no longer reach.
        to: usize,
    },
    /// Remove every partition and cut.
    Heal,
    /// From now on lose each message with this probability.
    Loss(f64),
    /// `CLUSTER FAILOVER [FORCE|TAKEOVER]` sent to a replica.
    Failover {
        /// The replica (sim index).
        node: usize,
        /// Default, FORCE or TAKEOVER.
        mode: FailoverMode,
    },
}

/// An action and the simulated time it happens at.
#[derive(Clone, Debug, PartialEq)]
pub struct TimedAction {
    /// When it happens (simulated ms).
    pub t: Time,
    /// What happens.
    pub action: Action,
}

impl Action {
    /// Every [`Action::name`]: the `event` names of the operator's lines in a
    /// trace (the trace reader and the CLI tests accept exactly these).
    pub const NAMES: [&'static str; 9] = [
        "kill",
        "pause",
        "resume",
        "restart",
        "partition",
        "cut",
        "heal",
        "loss",
        "failover",
    ];

    /// The `event` name of the trace line that records it.
    pub fn name(&self) -> &'static str {
        match self {
            Action::Kill(_) => "kill",
            Action::Pause(_) => "pause",
            Action::Resume(_) => "resume",
            Action::Restart(_) => "restart",
            Action::Partition(_) => "partition",
            Action::Cut { .. } => "cut",
            Action::Heal => "heal",
            Action::Loss(_) => "loss",
            Action::Failover { .. } => "failover",
        }
    }

    /// The one node the action is done to, if there is one.
    pub fn node(&self) -> Option<usize> {
        match self {
            Action::Kill(n) | Action::Pause(n) | Action::Resume(n) | Action::Restart(n) => Some(*n),
            Action::Failover { node, .. } => Some(*node),
            Action::Partition(_) | Action::Cut { .. } | Action::Heal | Action::Loss(_) => None,
        }
    }

    /// The action's argument as the CLI spells it (`A`, `A,A1/B,C`, `A>A1`,
    /// `0.01`, `A1:force`).
    pub fn argument(&self, names: &impl Names) -> String {
        match self {
            Action::Kill(n) | Action::Pause(n) | Action::Resume(n) | Action::Restart(n) => {
                names.node_name(*n)
            }
            Action::Partition(groups) => groups
                .iter()
                .map(|g| {
                    g.iter()
                        .map(|&n| names.node_name(n))
                        .collect::<Vec<_>>()
                        .join(",")
                })
                .collect::<Vec<_>>()
                .join("/"),
            Action::Cut { from, to } => {
                format!("{}>{}", names.node_name(*from), names.node_name(*to))
            }
            Action::Heal => String::new(),
            Action::Loss(p) => p.to_string(),
            Action::Failover { node, mode } => {
                let name = names.node_name(*node);
                match mode {
                    FailoverMode::Default => name,
                    FailoverMode::Force => format!("{name}:force"),
                    FailoverMode::Takeover => format!("{name}:takeover"),
                }
            }
        }
    }
}

impl TimedAction {
    /// The CLI flag that schedules it: `--kill A@20000`, `--heal @50000`.
    pub fn flag(&self, names: &impl Names) -> String {
        format!(
            "--{} {}@{}",
            self.action.name(),
            self.action.argument(names),
            self.t.ms()
        )
    }

    /// The trace line recording it, in the same JSON-lines schema as node
    /// events: `{"t_ms":20000,"node":"A","event":"kill"}`; actions on no
    /// single node use node `"-"`.
    pub fn to_json(&self, names: &impl Names) -> Value {
        let mut m = Map::new();
        m.insert("t_ms".into(), json!(self.t.ms()));
        let node = self
            .action
            .node()
            .map_or("-".into(), |n| names.node_name(n));
        m.insert("node".into(), json!(node));
        m.insert("event".into(), json!(self.action.name()));
        match &self.action {
            Action::Partition(groups) => {
                let groups: Vec<Vec<String>> = groups
                    .iter()
                    .map(|g| g.iter().map(|&n| names.node_name(n)).collect())
                    .collect();
                m.insert("groups".into(), json!(groups));
            }
            Action::Cut { from, to } => {
                m.insert("from".into(), json!(names.node_name(*from)));
                m.insert("to".into(), json!(names.node_name(*to)));
            }
            Action::Loss(p) => {
                m.insert("loss".into(), json!(p));
            }
            Action::Failover { mode, .. } => {
                m.insert("mode".into(), json!(mode_name(*mode)));
            }
            _ => {}
        }
        Value::Object(m)
    }

    /// A readable line aligned with [`TraceEvent::to_text`](super::TraceEvent::to_text).
    pub fn to_text(&self, names: &impl Names) -> String {
        let node = self
            .action
            .node()
            .map_or("-".into(), |n| names.node_name(n));
        let detail = match &self.action {
            Action::Partition(_) | Action::Cut { .. } | Action::Loss(_) => {
                self.action.argument(names)
            }
            Action::Failover { mode, .. } => format!("mode={}", mode_name(*mode)),
            _ => String::new(),
        };
        format!(
            "{:>10}  {:<4} {:<16} {}",
            self.t.to_string(),
            node,
            self.action.name(),
            detail
        )
        .trim_end()
        .to_string()
    }
}

fn mode_name(mode: FailoverMode) -> &'static str {
    match mode {
        FailoverMode::Default => "default",
        FailoverMode::Force => "force",
        FailoverMode::Takeover => "takeover",
    }
}

impl Sim {
    /// Applies one action now. Only an operator action can be refused (with
    /// Redis's error, e.g. CLUSTER FAILOVER sent to a master).
    pub fn apply(&mut self, action: &Action) -> Result<(), AdminError> {
        match action {
            Action::Kill(n) => self.crash(*n),
            Action::Pause(n) => self.pause(*n),
            Action::Resume(n) => self.resume(*n),
            Action::Restart(n) => self.restart(*n),
            Action::Partition(groups) => {
                if let [only] = groups.as_slice() {
                    let rest: Vec<usize> = (0..self.nodes.len())
                        .filter(|n| !only.contains(n))
                        .collect();
                    self.partition(only, &rest);
                }
                for (i, a) in groups.iter().enumerate() {
                    for b in &groups[i + 1..] {
                        self.partition(a, b);
                    }
                }
            }
            Action::Cut { from, to } => self.partition_one_way(*from, *to),
            Action::Heal => self.heal(),
            Action::Loss(p) => self.set_loss(*p),
            Action::Failover { node, mode } => {
                return self.admin(*node, Admin::Failover(*mode)).map(|_| ());
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::Action;
    use crate::node::FailoverMode;

    /// `Action::NAMES` lists each variant's trace name once.
    #[test]
    fn names_lists_every_action_once() {
        let all = [
            Action::Kill(0),
            Action::Pause(0),
            Action::Resume(0),
            Action::Restart(0),
            Action::Partition(vec![vec![0], vec![1]]),
            Action::Cut { from: 0, to: 1 },
            Action::Heal,
            Action::Loss(0.1),
            Action::Failover {
                node: 0,
                mode: FailoverMode::Default,
            },
        ];
        let names: Vec<&str> = all.iter().map(Action::name).collect();
        assert_eq!(names, Action::NAMES);
    }
}
