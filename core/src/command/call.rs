//! What a command handler gets: Redis's `client *c` for one command — the
//! clock, the calling client and its arguments — and, of its node, the
//! server part to change and the cluster part to read.
//!
//! The pipeline (`command::run`, server.c's `call()`) holds the [`Node`]
//! and hands handlers [`ServerCtx`] (the keyspace, clients, replication…,
//! with a read-only [`Routing`] view of the cluster part). What a command
//! changes beyond the server part — the cluster part (CLUSTER MEET,
//! SETSLOT…, DEBUG CLUSTERLINK KILL, PUBLISH over the bus) or the settings
//! both parts read (CONFIG SET) — it asks as a typed [`Request`] that the
//! node applies, as cluster.c's `clusterCommand` and config.c's apply
//! callbacks own theirs. The two commands that run other commands (EXEC
//! and a script's `redis.call`) go back through the pipeline by
//! [`Call::exec_queue`] and [`Call::script_host`].

use super::multi::PendingExec;
use super::{ClientState, Outcome};
use crate::config::Config;
use crate::keyspace::Keyspace;
use crate::node::{ClientId, Node, Request, Routing, ServerCtx};
use crate::time::Time;

/// One command being run. Handlers take `&mut Call` (one signature for
/// every command, so the table can hold them as plain `fn` pointers).
pub struct Call<'a> {
    /// The node the command runs on: the pipeline's, never a handler's
    /// (private to this file; handlers use [`Call::server`],
    /// [`Call::routing`] and [`Call::request`]).
    node: &'a mut Node,
    /// The time it runs at.
    pub now: Time,
    /// The calling client.
    pub id: ClientId,
    /// That client's connection state (MULTI, READONLY, subscriptions…).
    pub client: &'a mut ClientState,
    /// The whole command, its name first.
    pub args: &'a [Vec<u8>],
}

impl<'a> Call<'a> {
    /// The pipeline's call of one command on `node`.
    pub(super) fn new(
        node: &'a mut Node,
        now: Time,
        id: ClientId,
        client: &'a mut ClientState,
        args: &'a [Vec<u8>],
    ) -> Call<'a> {
        Call {
            node,
            now,
            id,
            client,
            args,
        }
    }

    /// The pipeline's bookkeeping around the handler (`call()`: expiry
    /// mode, propagation, statistics, monitors, tracking).
    pub(super) fn node(&mut self) -> &mut Node {
        self.node
    }

    /// The same, with the calling client's state.
    pub(super) fn parts(&mut self) -> (&mut Node, &mut ClientState) {
        (self.node, self.client)
    }

    /// The server part to change, the cluster part to read.
    pub fn server(&mut self) -> ServerCtx<'_> {
        self.node.serving()
    }

    /// The keyspace, the server part's (a shortcut for the commands that
    /// only read or write keys; its borrows last as long as the call's).
    pub fn keyspace_mut(&mut self) -> &mut Keyspace {
        self.node.keyspace_mut()
    }

    /// The server part and the calling client's state together.
    pub fn split(&mut self) -> (ServerCtx<'_>, &mut ClientState) {
        (self.node.serving(), self.client)
    }

    /// The node's settings (both parts read them; CONFIG SET changes them
    /// through [`ConfigSet`](crate::node::ConfigSet)).
    pub fn config(&self) -> &Config {
        self.node.config()
    }

    /// The cluster part, read-only.
    pub fn routing(&self) -> Routing<'_> {
        self.node.routing()
    }

    /// Has the node apply what this command asks of its cluster part or
    /// its settings, and answers how it went.
    pub fn request<R: Request>(&mut self, request: R) -> R::Answer {
        request.apply(self.node, self.now)
    }

    /// EXEC runs its queue through the pipeline (`execCommand` calls
    /// `call()` for each queued command).
    pub fn exec_queue(&mut self, pending: PendingExec) -> Outcome {
        super::multi::continue_exec(self.node, self.now, self.id, self.client, pending)
    }

    /// A script's `redis.call` runs commands through the pipeline
    /// (`scriptCall`): its host for this EVAL or FCALL.
    #[cfg(feature = "lua")]
    pub fn script_host<'s>(
        &'s mut self,
        read_only: bool,
        allow_cross_slot: bool,
        declared: &'s [Vec<u8>],
    ) -> super::scripting::NodeHost<'s> {
        super::scripting::NodeHost::new(
            self.node,
            self.now,
            self.id,
            self.client.clone(),
            read_only,
            allow_cross_slot,
            declared,
        )
    }
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    /// The pipeline: `call()` and the commands that run other commands
    /// through it (EXEC's queue, a script's `redis.call`), routing and its
    /// refusals. These hold the node.
    const PIPELINE: &[&str] = &[
        "mod.rs",
        "call.rs",
        "routing.rs",
        "multi.rs",
        "scripting/host.rs",
    ];

    fn rust_files(dir: &Path, into: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).expect("command/ is readable") {
            let path = entry.expect("a directory entry").path();
            if path.is_dir() {
                rust_files(&path, into);
            } else if path.extension().is_some_and(|e| e == "rs") {
                into.push(path);
            }
        }
    }

    /// Where `text` reaches the whole node: a call's `node` (the field or
    /// the pipeline's accessor, also split over lines as rustfmt writes
    /// long chains), or `Node` imported from `crate::node`.
    fn node_uses(text: &str) -> Vec<String> {
        // Whitespace before a `.` dropped, so `c\n    .node` reads `c.node`.
        let mut squeezed = String::with_capacity(text.len());
        let mut pending = String::new();
        for ch in text.chars() {
            if ch.is_whitespace() {
                pending.push(ch);
                continue;
            }
            if ch != '.' {
                squeezed.push_str(&pending);
            }
            pending.clear();
            squeezed.push(ch);
        }
        let mut found = Vec::new();
        for p in ["c.node", "call.node"] {
            for (at, _) in squeezed.match_indices(p) {
                let before = squeezed[..at].chars().next_back();
                let after = squeezed[at + p.len()..].chars().next();
                if !before.is_some_and(|b| b.is_alphanumeric() || b == '_' || b == '.')
                    && !after.is_some_and(|a| a.is_alphanumeric() || a == '_')
                {
                    let end = (at + 40).min(squeezed.len());
                    let end = (end..=squeezed.len())
                        .find(|&i| squeezed.is_char_boundary(i))
                        .unwrap_or(squeezed.len());
                    found.push(squeezed[at..end].to_string());
                }
            }
        }
        for (n, line) in text.lines().enumerate() {
            if line.trim_start().starts_with("use crate::node::")
                && line
                    .split(|ch: char| !ch.is_alphanumeric() && ch != '_')
                    .any(|w| w == "Node")
            {
                found.push(format!("line {}: {}", n + 1, line.trim()));
            }
        }
        found
    }

    /// Command handlers get the server part and the routing view, not the
    /// node: only the pipeline's files may name it (the `node` field is
    /// private to this file; this catches a helper taking `&mut Node`).
    #[test]
    fn handlers_do_not_reach_the_node() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/command");
        let mut files = Vec::new();
        rust_files(&dir, &mut files);
        assert!(files.len() > 50, "found only {} files", files.len());
        let mut offenders = Vec::new();
        for file in files {
            let rel = file.strip_prefix(&dir).expect("under command/");
            let rel = rel.to_string_lossy().replace('\\', "/");
            if PIPELINE.contains(&rel.as_str()) {
                continue;
            }
            let text = std::fs::read_to_string(&file).expect("a source file");
            for found in node_uses(&text) {
                offenders.push(format!("{rel} {found}"));
            }
        }
        assert!(offenders.is_empty(), "{}", offenders.join("\n"));
    }

    #[test]
    fn node_uses_finds_the_field_and_the_import() {
        let text = "let x = c.node().config();\nlet y = call.node;\nuse crate::node::{ClientId, Node};\nlet z = c.node_count;\nlet w = abc.node;\nuse crate::node::NodeView;\nlet v = c\n    .node()\n    .id();";
        assert_eq!(node_uses(text).len(), 4, "{:?}", node_uses(text));
    }
}
