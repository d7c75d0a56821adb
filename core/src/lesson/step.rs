//! One line of a `scenario`, `solution` or `shortcut` block: an action, a
//! redis-cli-like command, a wait on the simulation, each with optional
//! narration after ` -- ` — in two parts, `BEFORE >> AFTER`, so the player can
//! say what is about to happen before the step and what happened after it.

use super::predicate::Predicate;
use super::LineError;
use crate::node::FailoverMode;

/// One scripted step and the line it came from.
#[derive(Clone, Debug, PartialEq)]
pub struct Step {
    /// Line in the file, for errors.
    pub line: usize,
    /// What the step does.
    pub action: StepAction,
    /// Narration: the text after ` -- `, up to ` >> ` if there is one. With a
    /// second part it is "what is about to happen", shown before the step runs;
    /// alone (as in solutions) it is shown with the step.
    pub say: Option<String>,
    /// "What happened": the narration after ` >> `, shown once the step ran
    /// (the app prefixes the simulated time). Scenario steps must have it
    /// (`tests/lessons`), so a learner reads sentences, not step syntax.
    pub after: Option<String>,
}

/// What a step does. Nodes are friendly names, resolved when the step runs
/// (a node added by `add-node` does not exist before).
#[derive(Clone, Debug, PartialEq)]
pub enum StepAction {
    /// `kill A`: the process dies (`kill -9`).
    Kill(String),
    /// `pause A`: the process stops (`SIGSTOP`).
    Pause(String),
    /// `resume A`: a paused process continues.
    Resume(String),
    /// `restart A`: a killed process starts again from its nodes.conf.
    Restart(String),
    /// Groups cut from each other; one group is cut from everyone else.
    Partition(Vec<Vec<String>>),
    /// A one-way cut `from>to`.
    Cut(String, String),
    /// Remove every partition and cut.
    Heal,
    /// `failover A1 [force|takeover]`: CLUSTER FAILOVER on a replica.
    Failover(String, FailoverMode),
    /// Let simulated time pass (ms).
    Run(u64),
    /// Run until the predicate holds, or fail after `limit_ms`.
    Wait {
        /// The condition to wait for.
        until: Predicate,
        /// Give up after this many simulated ms.
        limit_ms: u64,
    },
    /// `A> SET k v`: a command sent straight to node A, like `redis-cli -p 7000`.
    Command {
        /// The node it is sent to.
        node: String,
        /// The command's arguments, name first.
        args: Vec<String>,
    },
    /// `client GET k`: the smart cluster client (follows MOVED/ASK, caches slots).
    Client(Vec<String>),
    /// `redis-cli --cluster reshard` moving `slots` slots.
    Reshard {
        /// The source master.
        from: String,
        /// The destination master.
        to: String,
        /// How many slots to move.
        slots: usize,
    },
    /// `redis-cli --cluster add-node` of a new empty master, then a rebalance.
    AddNode(String),
    /// `add-replica E of D`: `redis-cli --cluster add-node … --cluster-slave
    /// --cluster-master-id <D's id>` of a new node E.
    AddReplica {
        /// The new node.
        name: String,
        /// The master it replicates.
        master: String,
    },
    /// `redis-cli --cluster rebalance --cluster-use-empty-masters`.
    Rebalance,
}

/// The step verbs (the first word of a step that is not `NODE> COMMAND`), which
/// a lesson's `allow` may name besides Redis commands.
pub const VERBS: &[&str] = &[
    "kill",
    "pause",
    "resume",
    "restart",
    "partition",
    "cut",
    "heal",
    "failover",
    "run",
    "wait",
    "client",
    "reshard",
    "add-node",
    "add-replica",
    "rebalance",
];

/// `500ms`, `20s`, or plain milliseconds.
pub(super) fn parse_duration(text: &str) -> Result<u64, String> {
    let bad = || format!("expected a duration like 500ms or 20s, found `{text}`");
    if let Some(ms) = text.strip_suffix("ms") {
        ms.parse().map_err(|_| bad())
    } else if let Some(s) = text.strip_suffix('s') {
        s.parse::<f64>()
            .ok()
            .filter(|s| *s >= 0.0)
            .map(|s| (s * 1000.0).round() as u64)
            .ok_or_else(bad)
    } else {
        text.parse().map_err(|_| bad())
    }
}

/// Splits like a shell: whitespace separates, double quotes group.
pub(super) fn words(text: &str) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut any = false;
    for c in text.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                any = true;
            }
            c if c.is_whitespace() && !quoted => {
                if any {
                    out.push(std::mem::take(&mut cur));
                    any = false;
                }
            }
            c => {
                cur.push(c);
                any = true;
            }
        }
    }
    if quoted {
        return Err("unclosed double quote".into());
    }
    if any {
        out.push(cur);
    }
    Ok(out)
}

/// Splits `text -- before >> after` into the step and its narration parts;
/// an empty part counts as absent.
pub(super) fn split_say(text: &str) -> (&str, Option<String>, Option<String>) {
    let part = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
    let Some((step, say)) = text.split_once(" -- ") else {
        return (text.trim(), None, None);
    };
    let say = say.trim();
    let (before, after) = if let Some(after) = say.strip_prefix(">>") {
        ("", after)
    } else if let Some(before) = say.strip_suffix(">>") {
        (before, "")
    } else {
        say.split_once(" >> ").unwrap_or((say, ""))
    };
    (step.trim(), part(before), part(after))
}

impl Step {
    /// Parses one non-empty step line.
    pub(super) fn parse(text: &str, line: usize) -> Result<Step, LineError> {
        let (body, say, after) = split_say(text);
        let action = parse_action(body).map_err(|m| (line, m))?;
        Ok(Step {
            line,
            action,
            say,
            after,
        })
    }

    /// Parses a step typed by hand (the app's lesson console): the same syntax as a
    /// `scenario` line, without a file line to report.
    pub fn from_line(text: &str) -> Result<Step, String> {
        Step::parse(text, 0).map_err(|(_, m)| m)
    }

    /// Names of the nodes it mentions, for checking against the topology.
    pub fn nodes(&self) -> Vec<&str> {
        match &self.action {
            StepAction::Kill(n)
            | StepAction::Pause(n)
            | StepAction::Resume(n)
            | StepAction::Restart(n)
            | StepAction::Failover(n, _)
            | StepAction::Command { node: n, .. }
            | StepAction::AddReplica { master: n, .. } => vec![n],
            StepAction::Partition(groups) => groups.iter().flatten().map(String::as_str).collect(),
            StepAction::Cut(a, b) | StepAction::Reshard { from: a, to: b, .. } => vec![a, b],
            StepAction::Wait { until, .. } => until.nodes(),
            StepAction::AddNode(_)
            | StepAction::Heal
            | StepAction::Run(_)
            | StepAction::Client(_)
            | StepAction::Rebalance => Vec::new(),
        }
    }
}

fn one_node(rest: &[String], verb: &str) -> Result<String, String> {
    match rest {
        [n] => Ok(n.clone()),
        _ => Err(format!("`{verb}` takes one node name, e.g. `{verb} A`")),
    }
}

fn parse_action(body: &str) -> Result<StepAction, String> {
    if let Some((node, cmd)) = body.split_once("> ") {
        if !node.contains(' ') && !node.is_empty() {
            let args = words(cmd)?;
            if args.is_empty() {
                return Err(format!("`{node}>` needs a command"));
            }
            return Ok(StepAction::Command {
                node: node.to_string(),
                args,
            });
        }
    }
    let w = words(body)?;
    let Some((verb, rest)) = w.split_first() else {
        return Err("empty step".into());
    };
    Ok(match verb.as_str() {
        "kill" => StepAction::Kill(one_node(rest, verb)?),
        "pause" => StepAction::Pause(one_node(rest, verb)?),
        "resume" => StepAction::Resume(one_node(rest, verb)?),
        "restart" => StepAction::Restart(one_node(rest, verb)?),
        "heal" if rest.is_empty() => StepAction::Heal,
        "rebalance" if rest.is_empty() => StepAction::Rebalance,
        "partition" => {
            let groups: Vec<Vec<String>> = rest
                .join(" ")
                .split('/')
                .map(|g| {
                    g.split(',')
                        .map(|n| n.trim().to_string())
                        .filter(|n| !n.is_empty())
                        .collect::<Vec<_>>()
                })
                .filter(|g| !g.is_empty())
                .collect();
            if groups.is_empty() {
                return Err("`partition` wants groups like `A,A1 / B,C`".into());
            }
            StepAction::Partition(groups)
        }
        "cut" => match rest.first().and_then(|r| r.split_once('>')) {
            Some((a, b)) if rest.len() == 1 => StepAction::Cut(a.into(), b.into()),
            _ => return Err("`cut` wants `from>to`, e.g. `cut A>B`".into()),
        },
        "failover" => {
            let mode = match rest.get(1).map(String::as_str) {
                None => FailoverMode::Default,
                Some("force") => FailoverMode::Force,
                Some("takeover") => FailoverMode::Takeover,
                Some(m) => return Err(format!("`failover`: unknown mode `{m}` (force, takeover)")),
            };
            match rest.first() {
                Some(n) if rest.len() <= 2 => StepAction::Failover(n.clone(), mode),
                _ => return Err("`failover` wants a replica, e.g. `failover A1 force`".into()),
            }
        }
        "run" => match rest {
            [d] => StepAction::Run(parse_duration(d)?),
            _ => return Err("`run` wants a duration, e.g. `run 20s`".into()),
        },
        "wait" => {
            let (pred, limit_ms) = match rest.iter().position(|w| w == "within") {
                Some(i) => match &rest[i + 1..] {
                    [d] => (&rest[..i], parse_duration(d)?),
                    _ => return Err("`within` wants one duration".into()),
                },
                None => (rest, 60_000),
            };
            StepAction::Wait {
                until: Predicate::parse(&pred.join(" "))?,
                limit_ms,
            }
        }
        "client" if !rest.is_empty() => StepAction::Client(rest.to_vec()),
        "reshard" => match rest {
            [from, arrow, to, n] if arrow == "->" => StepAction::Reshard {
                from: from.clone(),
                to: to.clone(),
                slots: n
                    .parse()
                    .map_err(|_| format!("`reshard`: `{n}` is not a slot count"))?,
            },
            _ => {
                return Err("`reshard` wants `FROM -> TO COUNT`, e.g. `reshard A -> D 100`".into())
            }
        },
        "add-node" => StepAction::AddNode(one_node(rest, verb)?),
        "add-replica" => match rest {
            [name, of, master] if of == "of" => StepAction::AddReplica {
                name: name.clone(),
                master: master.clone(),
            },
            _ => {
                return Err("`add-replica` wants `NEW of MASTER`, e.g. `add-replica E of D`".into())
            }
        },
        _ => {
            return Err(format!(
                "unknown step `{body}` ({}, or `A> COMMAND`)",
                VERBS.join(", ")
            ))
        }
    })
}
