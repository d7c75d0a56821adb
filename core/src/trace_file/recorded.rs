//! A JSON trace read back into the simulator's typed events, so that a recorded run explains
//! its events ([`Recorded::why`]) as the live run did (`Sim::why`). Nodes are known by the
//! names the trace writes (`A`, `B1`, or a native trace's short IDs); each name is given a
//! node ID of its own, the same for every mention. The faults are the trace's `kill`,
//! `pause`, `partition`, `cut` and `loss` lines, the roots of the causal chains.
//!
//! A trace written before events carried what `why` needs (the PFAIL's ping and silence, the
//! quorum's reporters, the election delay's random part, `cluster_state`'s counts…) still
//! reads: its events keep their rule and causes, without the numbers it lacks.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use serde_json::Value;

use super::TraceLine;
use crate::event::Event;
use crate::id::NodeId;
use crate::sim::{explain, Action, Names, TimedAction, TraceEvent, Why};
use crate::slot::SlotSet;
use crate::time::Time;

/// Distinct texts (Redis's log reasons) kept for the whole process: an event holds its
/// reason as a `&'static str`, and a trace reads the same few again and again.
const MAX_TEXTS: usize = 256;
/// The reason given when a file holds more distinct reasons than that.
const TOO_MANY: &str = "(reason not kept: the trace has too many distinct texts)";
static TEXTS: Mutex<Vec<&'static str>> = Mutex::new(Vec::new());

/// A trace read back: its node events, its faults, and its nodes' names.
#[derive(Clone, Debug, Default)]
pub struct Recorded {
    /// The node events, in file order (a `Cause::Event` indexes them).
    pub events: Vec<TraceEvent>,
    /// The faults (a `Cause::Fault` indexes them).
    pub faults: Vec<TimedAction>,
    /// Every node named in the trace; an event's `node` indexes it.
    pub names: Vec<String>,
    ids: Vec<NodeId>,
    by_name: HashMap<String, usize>,
    by_id: HashMap<NodeId, usize>,
    /// Per event: it carried every number `why` reports (an older trace does not).
    complete: Vec<bool>,
}

impl Recorded {
    /// Reads the node events and faults of `lines` (from `parse_trace`). Lines that are
    /// neither (`formed`, `summary`, `start`, `heal`, `failover`…) are skipped; a node event
    /// that lacks what it cannot be without (`about`, an epoch…) is an error naming its line.
    pub fn read(lines: &[TraceLine]) -> Result<Recorded, String> {
        let mut r = Recorded::default();
        for line in lines {
            if super::is_node_event(&line.event) {
                let node = r.node(&line.node)?;
                let (event, complete) = r
                    .event(line)
                    .map_err(|e| format!("line {}: {e}", line.line))?;
                r.events.push(TraceEvent {
                    t: Time(line.t_ms),
                    node,
                    event,
                });
                r.complete.push(complete);
            } else if let Some(action) = r
                .fault(line)
                .map_err(|e| format!("line {}: {e}", line.line))?
            {
                r.faults.push(TimedAction {
                    t: Time(line.t_ms),
                    action,
                });
            }
        }
        Ok(r)
    }

    /// Why event `index` happened, as `Sim::why` explains it; without the numbers an older
    /// trace did not record.
    pub fn why(&self, index: usize) -> Option<Why> {
        let mut why = explain(&self.events, index, &self.faults, &|id| {
            self.by_id.get(&id).copied()
        })?;
        if !self.complete[index] {
            why.facts.clear();
        }
        Some(why)
    }

    /// The ID given to node `name`.
    pub fn id_of(&self, name: &str) -> Option<NodeId> {
        self.by_name.get(name).map(|&i| self.ids[i])
    }

    /// The index of node `name`, added when first met.
    fn node(&mut self, name: &str) -> Result<usize, String> {
        if let Some(&i) = self.by_name.get(name) {
            return Ok(i);
        }
        let id = name_id(name).ok_or("too many node names")?;
        let i = self.names.len();
        self.names.push(name.to_string());
        self.ids.push(id);
        self.by_name.insert(name.to_string(), i);
        self.by_id.insert(id, i);
        Ok(i)
    }

    /// The ID of the node named by string field `key`.
    fn id(&mut self, line: &TraceLine, key: &str) -> Result<NodeId, String> {
        let name = match key {
            "about" => line.about.as_deref(),
            _ => line.str(key),
        }
        .ok_or_else(|| format!("missing `{key}`"))?;
        let i = self.node(name)?;
        Ok(self.ids[i])
    }

    /// The event of a node-event line, and whether it carried every number `why` reports.
    fn event(&mut self, line: &TraceLine) -> Result<(Event, bool), String> {
        let num = |key: &str| line.u64(key).ok_or_else(|| format!("missing `{key}`"));
        let small = |key: &str| -> Result<u32, String> {
            u32::try_from(num(key)?).map_err(|_| format!("`{key}` is too large"))
        };
        let text = |key: &str| line.str(key).ok_or_else(|| format!("missing `{key}`"));
        let flag = |key: &str| line.fields.get(key).and_then(Value::as_bool);
        let has = |keys: &[&str]| keys.iter().all(|k| line.fields.contains_key(*k));
        let mut complete = true;
        let event = match line.event.as_str() {
            "meet" => Event::Meet {
                about: self.id(line, "about")?,
            },
            "node_added" => Event::NodeAdded {
                about: self.id(line, "about")?,
            },
            "node_removed" => Event::NodeRemoved {
                about: self.id(line, "about")?,
            },
            "pfail" => {
                complete = has(&["ping_sent_ms", "silent_ms", "timeout_ms"]);
                Event::Pfail {
                    about: self.id(line, "about")?,
                    ping_sent: Time(line.u64("ping_sent_ms").unwrap_or(line.t_ms)),
                    silent_ms: small("silent_ms").unwrap_or(0),
                    timeout_ms: small("timeout_ms").unwrap_or(0),
                }
            }
            "pfail_cleared" => Event::PfailCleared {
                about: self.id(line, "about")?,
            },
            "fail" => {
                let by_quorum = flag("by_quorum").unwrap_or(false);
                let from = match line.str("from") {
                    Some(_) => Some(self.id(line, "from")?),
                    None => None,
                };
                let reporters = match line.fields.get("reporters") {
                    Some(list) => Some(Arc::new(self.reporters(list)?)),
                    None => None,
                };
                complete = !by_quorum || reporters.is_some();
                Event::Fail {
                    about: self.id(line, "about")?,
                    by_quorum,
                    reports: small("reports").unwrap_or(0),
                    needed: small("needed").unwrap_or(0),
                    from,
                    reporters,
                }
            }
            "fail_report" => Event::FailReport {
                about: self.id(line, "about")?,
                reporter: self.id(line, "reporter")?,
            },
            "fail_cleared" => Event::FailCleared {
                about: self.id(line, "about")?,
                reason: keep(text("reason")?),
            },
            "failover_start" => {
                complete = has(&["random_ms", "master"]);
                let master = match line.str("master") {
                    Some(_) => self.id(line, "master")?,
                    None => NodeId::NULL,
                };
                Event::FailoverStart {
                    delay_ms: num("delay_ms")?,
                    rank: small("rank")?,
                    offset: num("offset")?,
                    manual: flag("manual").unwrap_or(false),
                    random_ms: small("random_ms").unwrap_or(0),
                    master,
                }
            }
            "failover_blocked" => Event::FailoverBlocked {
                reason: keep(text("reason")?),
            },
            "vote_requested" => Event::VoteRequested {
                epoch: num("epoch")?,
            },
            "vote_granted" => {
                complete = has(&["master"]);
                let master = match line.str("master") {
                    Some(_) => self.id(line, "master")?,
                    None => NodeId::NULL,
                };
                Event::VoteGranted {
                    about: self.id(line, "about")?,
                    epoch: num("epoch")?,
                    master,
                }
            }
            "vote_denied" => Event::VoteDenied {
                about: self.id(line, "about")?,
                reason: keep(text("reason")?),
            },
            "vote_received" => Event::VoteReceived {
                from: self.id(line, "about")?,
                votes: small("votes")?,
                needed: small("needed")?,
            },
            "election_expired" => Event::ElectionExpired {
                epoch: num("epoch")?,
            },
            "promoted" => Event::Promoted {
                epoch: num("epoch")?,
                old_master: self.id(line, "about")?,
            },
            "epoch" => Event::Epoch {
                current: num("current")?,
                config: num("config")?,
            },
            "slot_owner" => Event::SlotOwner {
                slots: Arc::new(SlotSet::parse(text("slots")?).map_err(|e| e.to_string())?),
                owner: self.id(line, "about")?,
            },
            "role" => Event::Role {
                master: match text("role")? {
                    "replica" => Some(self.id(line, "about")?),
                    _ => None,
                },
            },
            "cluster_state" => {
                complete = has(&["reachable", "masters", "unassigned"]);
                let failed_owner = match line.str("failed_owner") {
                    Some(_) => Some(self.id(line, "failed_owner")?),
                    None => None,
                };
                Event::ClusterState {
                    ok: text("state")? == "ok",
                    reachable: small("reachable").unwrap_or(0),
                    masters: small("masters").unwrap_or(0),
                    unassigned: line
                        .u64("unassigned")
                        .and_then(|u| u16::try_from(u).ok())
                        .unwrap_or(0),
                    failed_owner,
                }
            }
            "update_sent" => Event::UpdateSent {
                to: self.id(line, "to")?,
                about: self.id(line, "about")?,
            },
            "epoch_collision" => {
                complete = has(&["collided"]);
                Event::EpochCollision {
                    with: self.id(line, "about")?,
                    new_epoch: num("new_epoch")?,
                    collided: num("collided").unwrap_or(0),
                }
            }
            "replica_migrated" => Event::ReplicaMigrated {
                to: self.id(line, "about")?,
            },
            "manual_failover" => Event::ManualFailover {
                what: keep(text("what")?),
            },
            "replication" => Event::Replication {
                what: text("what")?.to_string(),
            },
            other => return Err(format!("unknown event `{other}`")),
        };
        Ok((event, complete))
    }

    /// `[{"node":"C","t_ms":11900}, …]`.
    fn reporters(&mut self, list: &Value) -> Result<Vec<(NodeId, Time)>, String> {
        let bad = || "`reporters` must be a list of {\"node\":…,\"t_ms\":…}".to_string();
        let items = list.as_array().ok_or_else(bad)?;
        items
            .iter()
            .map(|item| {
                let name = item.get("node").and_then(Value::as_str).ok_or_else(bad)?;
                let at = item.get("t_ms").and_then(Value::as_u64).ok_or_else(bad)?;
                let i = self.node(name)?;
                Ok((self.ids[i], Time(at)))
            })
            .collect()
    }

    /// The fault of an operator line (`kill`, `pause`, `partition`, `cut`, `loss`: what can
    /// silence a node), or `None` for any other line.
    fn fault(&mut self, line: &TraceLine) -> Result<Option<Action>, String> {
        // A refused action (`"error"`) changed nothing.
        if line.fields.contains_key("error") {
            return Ok(None);
        }
        Ok(Some(match line.event.as_str() {
            "kill" => Action::Kill(self.node(&line.node)?),
            "pause" => Action::Pause(self.node(&line.node)?),
            "partition" => {
                let bad = || "`groups` must be a list of lists of node names".to_string();
                let groups = line
                    .fields
                    .get("groups")
                    .and_then(Value::as_array)
                    .ok_or_else(bad)?;
                let groups = groups
                    .iter()
                    .map(|g| {
                        g.as_array()
                            .ok_or_else(bad)?
                            .iter()
                            .map(|n| self.node(n.as_str().ok_or_else(bad)?))
                            .collect::<Result<Vec<usize>, String>>()
                    })
                    .collect::<Result<_, _>>()?;
                Action::Partition(groups)
            }
            "cut" => {
                let end = |key: &str| line.str(key).ok_or_else(|| format!("missing `{key}`"));
                Action::Cut {
                    from: self.node(end("from")?)?,
                    to: self.node(end("to")?)?,
                }
            }
            "loss" => Action::Loss(
                line.fields
                    .get("loss")
                    .and_then(Value::as_f64)
                    .ok_or("missing `loss`")?,
            ),
            _ => return Ok(None),
        }))
    }
}

impl Names for Recorded {
    fn node_name(&self, idx: usize) -> String {
        self.names
            .get(idx)
            .cloned()
            .unwrap_or_else(|| format!("#{idx}"))
    }

    fn id_name(&self, id: NodeId) -> String {
        match self.by_id.get(&id) {
            Some(&i) => self.names[i].clone(),
            None => id.short().to_string(),
        }
    }
}

/// The node ID given to a name: its bytes in hex, padded with `0`s (a longer name is hashed),
/// so every mention of a name gets the same ID. `None` once the process's ID table is full.
fn name_id(name: &str) -> Option<NodeId> {
    let mut hex: String = name.bytes().map(|b| format!("{b:02x}")).collect();
    if hex.len() > 40 {
        // FNV-1a, spread over 40 hex digits.
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for b in name.bytes() {
            h ^= b as u64;
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
        hex = format!(
            "{h:016x}{:016x}{:08x}",
            h.rotate_left(21),
            h as u32 ^ 0x5bd1_e995
        );
    }
    // A real 40-character ID stays itself.
    if name.len() == 40 {
        if let Some(id) = NodeId::parse(name) {
            return Some(id);
        }
    }
    NodeId::parse(&format!("{hex:0<40}"))
}

/// `text` as a `&'static str`, kept once for the process (see [`MAX_TEXTS`]).
fn keep(text: &str) -> &'static str {
    let Ok(mut texts) = TEXTS.lock() else {
        return TOO_MANY;
    };
    if let Some(t) = texts.iter().find(|t| **t == text) {
        return t;
    }
    if texts.len() >= MAX_TEXTS {
        return TOO_MANY;
    }
    let kept: &'static str = Box::leak(text.to_string().into_boxed_str());
    texts.push(kept);
    kept
}
