//! The typed trace of a run, with its one-line text form and JSON lines
//! (`{"t_ms":15012,"node":"B","event":"pfail","about":"A"}`, docs/architecture.md "Trace format").

use crate::event::Event;
use crate::id::NodeId;
use crate::time::Time;
use serde_json::{json, Map, Value};

/// One event from one node at one instant.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TraceEvent {
    /// When (simulated ms).
    pub t: Time,
    /// Index of the node that emitted it.
    pub node: usize,
    /// What happened.
    pub event: Event,
}

/// Turns node IDs into friendly names (`A`, `B1`…), falling back to a short ID.
pub trait Names {
    /// The name of node `idx`.
    fn node_name(&self, idx: usize) -> String;
    /// The name of the node with ID `id`.
    fn id_name(&self, id: NodeId) -> String;
}

impl TraceEvent {
    /// The JSON-lines record shared by the CLI, the native node and the app.
    pub fn to_json(&self, names: &impl Names) -> Value {
        let mut m = Map::new();
        m.insert("t_ms".into(), json!(self.t.ms()));
        m.insert("node".into(), json!(names.node_name(self.node)));
        m.insert("event".into(), json!(self.event.name()));
        if let Some(about) = self.event.about() {
            m.insert("about".into(), json!(names.id_name(about)));
        }
        for (k, v) in details(&self.event, names) {
            m.insert(k.into(), v);
        }
        Value::Object(m)
    }

    /// A readable line: `  15.012s  B  pfail  A`.
    pub fn to_text(&self, names: &impl Names) -> String {
        let about = self
            .event
            .about()
            .map(|a| names.id_name(a))
            .unwrap_or_default();
        let extra: Vec<String> = details(&self.event, names)
            .into_iter()
            .map(|(k, v)| match v {
                Value::String(s) => format!("{k}={s}"),
                // The reporters: `reporters=C@11900,A@12050`.
                Value::Array(items) => {
                    let items: Vec<String> = items
                        .iter()
                        .map(|i| format!("{}@{}", i["node"].as_str().unwrap_or("?"), i["t_ms"]))
                        .collect();
                    format!("{k}={}", items.join(","))
                }
                other => format!("{k}={other}"),
            })
            .collect();
        format!(
            "{:>10}  {:<4} {:<16} {:<4} {}",
            self.t.to_string(),
            names.node_name(self.node),
            self.event.name(),
            about,
            extra.join(" ")
        )
        .trim_end()
        .to_string()
    }
}

/// The event-specific fields, beyond `about`: everything the event holds, so that a trace
/// read back (`trace_file::Recorded`) explains its events as the live run does (`Sim::why`).
fn details(event: &Event, names: &impl Names) -> Vec<(&'static str, Value)> {
    let name = |id: &NodeId| json!(names.id_name(*id));
    match event {
        Event::Pfail {
            ping_sent,
            silent_ms,
            timeout_ms,
            ..
        } => vec![
            ("ping_sent_ms", json!(ping_sent.ms())),
            ("silent_ms", json!(silent_ms)),
            ("timeout_ms", json!(timeout_ms)),
        ],
        Event::Fail {
            by_quorum,
            reports,
            needed,
            from,
            reporters,
            ..
        } => {
            let mut v = vec![
                ("by_quorum", json!(by_quorum)),
                ("reports", json!(reports)),
                ("needed", json!(needed)),
            ];
            if let Some(f) = from {
                v.push(("from", name(f)));
            }
            if let Some(r) = reporters {
                let list: Vec<Value> = r
                    .iter()
                    .map(|(id, at)| json!({"node": names.id_name(*id), "t_ms": at.ms()}))
                    .collect();
                v.push(("reporters", Value::Array(list)));
            }
            v
        }
        Event::FailReport { reporter, .. } => vec![("reporter", name(reporter))],
        Event::FailCleared { reason, .. } => vec![("reason", json!(reason))],
        Event::FailoverStart {
            delay_ms,
            rank,
            offset,
            manual,
            random_ms,
            master,
        } => vec![
            ("delay_ms", json!(delay_ms)),
            ("rank", json!(rank)),
            ("offset", json!(offset)),
            ("manual", json!(manual)),
            ("random_ms", json!(random_ms)),
            ("master", name(master)),
        ],
        Event::FailoverBlocked { reason } => vec![("reason", json!(reason))],
        Event::VoteRequested { epoch } => vec![("epoch", json!(epoch))],
        Event::VoteGranted { epoch, master, .. } => {
            vec![("epoch", json!(epoch)), ("master", name(master))]
        }
        Event::VoteDenied { reason, .. } => vec![("reason", json!(reason))],
        Event::VoteReceived { votes, needed, .. } => {
            vec![("votes", json!(votes)), ("needed", json!(needed))]
        }
        Event::ElectionExpired { epoch } => vec![("epoch", json!(epoch))],
        Event::Promoted { epoch, .. } => vec![("epoch", json!(epoch))],
        Event::Epoch { current, config } => {
            vec![("current", json!(current)), ("config", json!(config))]
        }
        Event::SlotOwner { slots, .. } => vec![("slots", json!(slots.to_string()))],
        Event::Role { master } => vec![(
            "role",
            json!(if master.is_some() {
                "replica"
            } else {
                "master"
            }),
        )],
        Event::ClusterState {
            ok,
            reachable,
            masters,
            unassigned,
            failed_owner,
        } => {
            let mut v = vec![
                ("state", json!(if *ok { "ok" } else { "fail" })),
                ("reachable", json!(reachable)),
                ("masters", json!(masters)),
                ("unassigned", json!(unassigned)),
            ];
            if let Some(owner) = failed_owner {
                v.push(("failed_owner", name(owner)));
            }
            v
        }
        Event::UpdateSent { to, .. } => vec![("to", name(to))],
        Event::EpochCollision {
            new_epoch,
            collided,
            ..
        } => vec![
            ("new_epoch", json!(new_epoch)),
            ("collided", json!(collided)),
        ],
        Event::ManualFailover { what } => vec![("what", json!(what))],
        Event::Replication { what } => vec![("what", json!(what))],
        Event::Meet { .. }
        | Event::NodeAdded { .. }
        | Event::NodeRemoved { .. }
        | Event::PfailCleared { .. }
        | Event::ReplicaMigrated { .. } => Vec::new(),
    }
}

/// FNV-1a over the JSON lines of a trace: a short fingerprint to compare
/// runs, e.g. the same seed on native and on wasm32.
pub fn fingerprint(trace: &[TraceEvent], names: &impl Names) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for ev in trace {
        for byte in ev.to_json(names).to_string().bytes().chain([b'\n']) {
            hash ^= byte as u64;
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    hash
}
