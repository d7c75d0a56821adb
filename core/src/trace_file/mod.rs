//! Reading a JSON-lines trace back (docs/architecture.md "Trace format"): what `--trace FILE` of a
//! native node writes, what `clusterlab-node simulate --json` prints, and what the app exports.
//! The reader is strict, so a file that is not a trace says which line is wrong and why rather
//! than giving a silently wrong comparison: each line must be a JSON object with a
//! non-negative integer `t_ms`, a non-empty string `node`, and a known `event`.

mod compare;
mod recorded;

pub use compare::{
    compare, key_times, short_names, topology, Comparison, KeyMoment, KeyTimes, Topology,
    KEY_MOMENTS,
};
pub use recorded::Recorded;

use crate::sim::Action;
use serde_json::{Map, Value};
use std::fmt;

/// Lines a file may hold besides node events and the operator's actions ([`Action::NAMES`]):
/// the simulator's `formed` header and `summary` trailer, and a native node's `start`.
const OTHER_LINES: &[&str] = &["formed", "summary", "start"];

/// Every node event name (`Event::name`).
const EVENTS: &[&str] = &[
    "meet",
    "node_added",
    "node_removed",
    "pfail",
    "pfail_cleared",
    "fail",
    "fail_report",
    "fail_cleared",
    "failover_start",
    "failover_blocked",
    "vote_requested",
    "vote_granted",
    "vote_denied",
    "vote_received",
    "election_expired",
    "promoted",
    "epoch",
    "slot_owner",
    "role",
    "cluster_state",
    "update_sent",
    "epoch_collision",
    "replica_migrated",
    "manual_failover",
    "replication",
];

/// Most errors reported for one file: past that, it is not a trace at all.
const MAX_ERRORS: usize = 10;

/// One line of a trace.
#[derive(Clone, Debug, PartialEq)]
pub struct TraceLine {
    /// 1-based line number in the file.
    pub line: usize,
    /// Its time, ms.
    pub t_ms: u64,
    /// The node that emitted it.
    pub node: String,
    /// The event's name.
    pub event: String,
    /// The node it is about, if any.
    pub about: Option<String>,
    /// The whole object, for the event-specific fields.
    pub fields: Map<String, Value>,
}

impl TraceLine {
    /// A string field (`role`, `reason`…).
    pub fn str(&self, key: &str) -> Option<&str> {
        self.fields.get(key).and_then(Value::as_str)
    }

    /// An integer field (`node_timeout`, `port`…).
    pub fn u64(&self, key: &str) -> Option<u64> {
        self.fields.get(key).and_then(Value::as_u64)
    }
}

/// A line that is not a trace line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LineError {
    /// 1-based line number in the file.
    pub line: usize,
    /// What is wrong with it.
    pub message: String,
}

impl fmt::Display for LineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

/// Parses a whole file; blank lines are skipped. On errors, returns the first few of them
/// (each with its line number), never a partial trace.
pub fn parse_trace(text: &str) -> Result<Vec<TraceLine>, Vec<LineError>> {
    let mut lines = Vec::new();
    let mut errors = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let raw = raw.trim();
        if raw.is_empty() {
            continue;
        }
        match parse_line(i + 1, raw) {
            Ok(l) => lines.push(l),
            Err(message) => {
                errors.push(LineError {
                    line: i + 1,
                    message,
                });
                if errors.len() == MAX_ERRORS {
                    break;
                }
            }
        }
    }
    if lines.is_empty() && errors.is_empty() {
        errors.push(LineError {
            line: 1,
            message: "the file holds no trace lines".into(),
        });
    }
    if errors.is_empty() {
        Ok(lines)
    } else {
        Err(errors)
    }
}

fn parse_line(line: usize, raw: &str) -> Result<TraceLine, String> {
    let value: Value = serde_json::from_str(raw).map_err(|e| format!("not JSON ({e})"))?;
    let Value::Object(fields) = value else {
        return Err(
            "expected a JSON object like {\"t_ms\":15012,\"node\":\"B\",\"event\":\"pfail\"}"
                .into(),
        );
    };
    let t_ms = match fields.get("t_ms") {
        Some(v) => v
            .as_u64()
            .ok_or_else(|| format!("`t_ms` must be a non-negative integer, found {v}"))?,
        None => return Err("missing `t_ms`".into()),
    };
    let text = |key: &str| -> Result<Option<String>, String> {
        match fields.get(key) {
            None => Ok(None),
            Some(Value::String(s)) if !s.is_empty() => Ok(Some(s.clone())),
            Some(v) => Err(format!("`{key}` must be a non-empty string, found {v}")),
        }
    };
    let node = text("node")?.ok_or("missing `node`")?;
    let event = text("event")?.ok_or("missing `event`")?;
    let event_str = event.as_str();
    if !EVENTS.contains(&event_str)
        && !Action::NAMES.contains(&event_str)
        && !OTHER_LINES.contains(&event_str)
    {
        return Err(format!("unknown event `{event}`"));
    }
    let about = text("about")?;
    Ok(TraceLine {
        line,
        t_ms,
        node,
        event,
        about,
        fields,
    })
}

/// Whether `name` is a node event of the schema (not an action or a header).
pub fn is_node_event(name: &str) -> bool {
    EVENTS.contains(&name)
}

#[cfg(test)]
mod tests;
