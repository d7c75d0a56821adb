//! The ACL log (`ACLLog`, `addACLLogEntry`, ACL LOG): denied commands,
//! keys, channels and failed AUTHs, newest first, a repeat within 60
//! seconds of a matching entry bumping its count instead of adding one,
//! trimmed to `acllog-max-len`.

use super::check::Denied;
use crate::resp::Value;

/// `ACL_LOG_GROUPING_MAX_TIME_DELTA`, in milliseconds.
const GROUPING_MS: u64 = 60_000;

/// Where the denied command ran (`ACL_LOG_CTX_*`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Context {
    /// Sent by the client.
    Toplevel,
    /// Queued in MULTI, or checked again at EXEC.
    Multi,
    /// Called by a script.
    Lua,
}

impl Context {
    fn name(self) -> &'static str {
        match self {
            Context::Toplevel => "toplevel",
            Context::Multi => "multi",
            Context::Lua => "lua",
        }
    }
}

/// One entry (`ACLLogEntry`).
#[derive(Clone, Debug)]
pub struct Entry {
    /// Times it happened.
    pub count: u64,
    /// `ACL_DENIED_*` (its position is not compared).
    pub reason: Denied,
    /// Where.
    pub context: Context,
    /// The command, key or channel, or for AUTH the command's name.
    pub object: Vec<u8>,
    /// The user (for AUTH, the one tried).
    pub username: Vec<u8>,
    /// Unix milliseconds of its last occurrence.
    pub ctime: u64,
    /// The client's CLIENT LIST line then.
    pub client_info: String,
}

fn same_kind(a: Denied, b: Denied) -> bool {
    std::mem::discriminant(&a) == std::mem::discriminant(&b)
}

/// The log, newest first.
#[derive(Clone, Debug, Default)]
pub struct Log {
    entries: std::collections::VecDeque<Entry>,
}

impl Log {
    /// `addACLLogEntry`: the first of the 10 newest entries that matches
    /// (reason, context, object, user, within 60 s) is bumped and moved to
    /// the front; otherwise the entry is added and the log trimmed.
    pub fn add(&mut self, entry: Entry, max_len: usize) {
        let matching = self.entries.iter().take(10).position(|e| {
            same_kind(e.reason, entry.reason)
                && e.context == entry.context
                && e.ctime.abs_diff(entry.ctime) <= GROUPING_MS
                && e.object == entry.object
                && e.username == entry.username
        });
        match matching.and_then(|i| self.entries.remove(i)) {
            Some(mut e) => {
                e.count += 1;
                e.ctime = entry.ctime;
                e.client_info = entry.client_info;
                self.entries.push_front(e);
            }
            None => {
                self.entries.push_front(entry);
                self.entries.truncate(max_len);
            }
        }
    }

    /// ACL LOG RESET.
    pub fn reset(&mut self) {
        self.entries.clear();
    }

    /// ACL LOG [count]: up to `count` entries, each a map of 7 fields.
    pub fn reply(&self, count: usize, now_ms: u64) -> Value {
        let field = |k: &str, v: Value| (Value::bulk(k), v);
        Value::Array(
            self.entries
                .iter()
                .take(count)
                .map(|e| {
                    let reason = match e.reason {
                        Denied::Command => "command",
                        Denied::Key(_) => "key",
                        Denied::Channel(_) => "channel",
                        Denied::Auth => "auth",
                    };
                    let age = (now_ms as f64 - e.ctime as f64) / 1000.0;
                    Value::Map(vec![
                        field("count", Value::Integer(e.count as i64)),
                        field("reason", Value::bulk(reason)),
                        field("context", Value::bulk(e.context.name())),
                        field("object", Value::Bulk(e.object.clone())),
                        field("username", Value::Bulk(e.username.clone())),
                        field("age-seconds", Value::Double(age)),
                        field(
                            "client-info",
                            Value::Bulk(e.client_info.clone().into_bytes()),
                        ),
                    ])
                })
                .collect(),
        )
    }
}
