//! The cluster part of a node: the rules of Redis's cluster.c, over the
//! state in [`ClusterState`] (`clusterState`). Each file holds one rule,
//! named after it:
//!
//! | file | rule (Redis) |
//! |---|---|
//! | `cluster_state` | the state itself (`clusterState`), what a restart keeps |
//! | `peer`, `peer_index`, `table` | a known node (`clusterNode`), the node and slot tables (`clusterAddNode`, `clusterAddSlot`, `clusterSetMaster`, …) |
//! | `packet` | what a received message does (`clusterProcessPacket`) |
//! | `send` | the header and sending (`clusterBuildMessageHdr`, `clusterBroadcastMessage`) |
//! | `gossip` | PING/PONG/MEET gossip sections (`clusterSendPing`, `clusterProcessGossipSection`) |
//! | `cron`, `cron_due` | `clusterCron`, and which nodes it must look at |
//! | `pfail` | PFAIL: when a node suspects a peer |
//! | `failure` | failure reports, PFAIL → FAIL, clearing FAIL |
//! | `failover` | replica elections and votes (`clusterHandleSlaveFailover`) |
//! | `manual` | manual failover (`clusterHandleManualFailover`) |
//! | `epochs` | configEpoch, collisions, UPDATE (`clusterUpdateSlotsConfigWith`) |
//! | `state` | `cluster_state:ok` (`clusterUpdateState`) |
//! | `migration` | replica migration (`clusterHandleSlaveMigration`) |
//! | `myself` | myself's flags and hostname after CONFIG SET, ping extensions |
//! | `links` | the two bus links per peer, CLUSTER LINKS, `cluster-link-sendbuf-limit` |
//! | `publish` | PUBLISH and SPUBLISH carried over the bus (`clusterPropagatePublish`) |
//! | `nodes_conf` | nodes.conf (`clusterSaveConfig`, `clusterLoadConfig`) |
//! | `admin` | the CLUSTER subcommands that change cluster state |
//! | `route` | `Routing`: the read-only view of this part the command layer gets (slot owners, where a slot stands for its redirections, myself's role) |
//! | `info`, `view` | CLUSTER INFO, CLUSTER NODES and read-only snapshots |
//!
//! Nothing here imports the command layer (`core/src/command/`): what the
//! cluster needs of the server (delivering a publication, the replication
//! offset, blocked clients to release) it asks of `node/server` through
//! methods on [`Node`](super::Node), as cluster.c calls server.c's
//! functions. A test (`cluster_does_not_import_the_command_layer`) keeps it so.

mod admin;
mod cluster_state;
mod cron;
mod cron_due;
mod epochs;
mod failover;
mod failure;
mod gossip;
mod info;
mod links;
mod manual;
mod migration;
mod myself;
mod nodes_conf;
mod packet;
mod peer;
mod peer_index;
mod pfail;
mod publish;
mod route;
mod send;
mod state;
mod table;
pub mod view;

pub use admin::AdminReply;
pub(super) use cluster_state::ClusterState;
pub use failure::CountFailureReports;
pub use links::{KillLinks, LinkView, SendBuffer};
pub use nodes_conf::NodesConfError;
pub(crate) use nodes_conf::{ClusterConf, ConfLine};
pub(super) use peer::Peer;
pub use publish::Publish;
pub use route::{RouteAddr, Routing, SlotRoute};

/// `slots[]` entry for an unassigned slot.
const NO_OWNER: u16 = u16::MAX;

/// Deferred work run after each input (`clusterBeforeSleep`).
pub(super) mod todo {
    pub const HANDLE_FAILOVER: u8 = 1;
    pub const UPDATE_STATE: u8 = 2;
    pub const HANDLE_MANUALFAILOVER: u8 = 4;
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    /// The paths in `text` that name the command layer: `crate::command`,
    /// `super::super::command`, `clusterlab_core::command`, or `command`
    /// inside a `crate::{…}` group.
    fn command_paths(text: &str) -> Vec<String> {
        const ROOTS: [&str; 4] = ["crate", "super", "self", "clusterlab_core"];
        let mut found = Vec::new();
        let is_path_char = |c: char| c.is_alphanumeric() || c == '_' || c == ':';
        for (n, line) in text.lines().enumerate() {
            for path in line.split(|c: char| !is_path_char(c)) {
                let segments: Vec<&str> = path.split("::").collect();
                if segments.len() > 1
                    && ROOTS.contains(&segments[0])
                    && segments.contains(&"command")
                {
                    found.push(format!("line {}: {path}", n + 1));
                }
            }
            // `use crate::{command, …}` and the like.
            for root in ROOTS {
                let group = format!("{root}::{{");
                if let Some(at) = line.find(&group) {
                    let inner = &line[at + group.len()..];
                    let inner = &inner[..inner.find('}').unwrap_or(inner.len())];
                    if inner
                        .split(|c: char| !is_path_char(c))
                        .any(|w| w == "command" || w.starts_with("command::"))
                    {
                        found.push(format!("line {}: {}", n + 1, line.trim()));
                    }
                }
            }
        }
        found
    }

    fn rust_files(dir: &Path, into: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).expect("node/cluster is readable") {
            let path = entry.expect("a directory entry").path();
            if path.is_dir() {
                rust_files(&path, into);
            } else if path.extension().is_some_and(|e| e == "rs") {
                into.push(path);
            }
        }
    }

    /// Issue 12's rule: the cluster part (cluster.c's rules) never reaches
    /// into the command layer; what it needs of the server it asks through
    /// methods on `Node` defined in `node/server`.
    #[test]
    fn cluster_does_not_import_the_command_layer() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/node/cluster");
        let mut files = Vec::new();
        rust_files(&dir, &mut files);
        assert!(
            files.len() > 20,
            "found only {} files in {}",
            files.len(),
            dir.display()
        );
        let mut offenders = Vec::new();
        for file in files {
            let text = std::fs::read_to_string(&file).expect("a source file");
            // This file's own tests name the paths they look for.
            let text = if file.ends_with("cluster/mod.rs") {
                text.split("#[cfg(test)]\nmod tests {")
                    .next()
                    .unwrap_or(&text)
            } else {
                &text
            };
            for hit in command_paths(text) {
                offenders.push(format!("{}: {hit}", file.display()));
            }
        }
        assert!(
            offenders.is_empty(),
            "node/cluster uses the command layer:\n{}",
            offenders.join("\n")
        );
    }

    #[test]
    fn command_paths_finds_each_spelling() {
        for text in [
            "use crate::command::ClientState;",
            "let x = super::super::command::glob_match(a, b);",
            "use crate::{command, slot};",
            "use crate::{slot, command::glob_match};",
            "/// [`x`](crate::command::execute)",
            "clusterlab_core::command::redacted(args)",
        ] {
            assert_eq!(command_paths(text).len(), 1, "missed in {text:?}");
        }
        for text in [
            "// the command layer refuses it",
            "use crate::commands_seen;",
            "self.commands::x",
            "use crate::node::Node;",
        ] {
            assert!(command_paths(text).is_empty(), "false hit in {text:?}");
        }
    }
}
