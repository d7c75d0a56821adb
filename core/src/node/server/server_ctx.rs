//! What a command gets of its node: the server part to change, the
//! settings and the cluster part to read.
//!
//! Redis's commands run in server.c's `call()` with the whole process at
//! hand, but only cluster.c's `clusterCommand` changes `server.cluster`.
//! [`ServerCtx`] makes that split a type: it borrows the node's
//! [`Server`] mutably, its random source and output queue (a write streamed
//! to replicas, a notification), and its [`Routing`] view read-only, so a
//! command handler cannot change peers, slots or epochs. The server rules
//! commands call (streaming a write, persistence, the replication
//! handshake, clients, tracking, pub/sub…) are `impl ServerCtx` blocks in
//! their own files of `node/server/`; this file holds the type and its
//! accessors, and the node reaches those rules through [`Node::serving`].

use super::Server;
use crate::config::Config;
use crate::id::NodeId;
use crate::keyspace::Keyspace;
use crate::node::cluster::ClusterState;
use crate::node::{Node, Output, Routing};
use rand_chacha::ChaCha8Rng;
use std::collections::VecDeque;

/// A node's server part, borrowed for one command (see the module's doc).
/// The field names are `Node`'s, so a rule reads the same on either.
pub struct ServerCtx<'a> {
    pub(in crate::node) cfg: &'a Config,
    pub(in crate::node) rng: &'a mut ChaCha8Rng,
    pub(in crate::node) myself: NodeId,
    pub(in crate::node) cluster: &'a ClusterState,
    pub(in crate::node) out: &'a mut VecDeque<Output>,
    pub(in crate::node) server: &'a mut Server,
}

impl Node {
    /// The server part and what it may read, for one command or one rule
    /// the commands share with the node.
    pub(crate) fn serving(&mut self) -> ServerCtx<'_> {
        ServerCtx {
            cfg: &self.cfg,
            rng: &mut self.rng,
            myself: self.myself,
            cluster: &self.cluster,
            out: &mut self.out,
            server: &mut self.server,
        }
    }
}

impl ServerCtx<'_> {
    /// The cluster part, read-only.
    pub fn routing(&self) -> Routing<'_> {
        Routing {
            cfg: self.cfg,
            myself: self.myself,
            cluster: self.cluster,
        }
    }

    /// The node's settings.
    pub fn config(&self) -> &Config {
        self.cfg
    }

    /// This node's ID.
    pub fn id(&self) -> NodeId {
        self.myself
    }

    /// Whether this node is a replica.
    pub fn is_replica(&self) -> bool {
        self.routing().is_replica()
    }

    /// The data this node holds (read-only).
    pub fn keyspace(&self) -> &Keyspace {
        &self.server.keyspace
    }

    /// The data this node holds.
    pub(crate) fn keyspace_mut(&mut self) -> &mut Keyspace {
        &mut self.server.keyspace
    }

    /// The node's seeded generator, for the commands that pick at random
    /// (HRANDFIELD, SRANDMEMBER, RANDOMKEY, ZRANDMEMBER): seeded, so a
    /// simulation replays the same picks.
    pub(crate) fn rng_mut(&mut self) -> &mut ChaCha8Rng {
        self.rng
    }

    /// INFO's counters.
    pub fn stats(&self) -> &super::stats::Stats {
        &self.server.stats
    }

    /// SLOWLOG and LATENCY's records.
    pub fn monitors(&self) -> &super::slowlog::Monitors {
        &self.server.monitors
    }

    /// SLOWLOG and LATENCY's records, to reset or configure.
    pub(crate) fn monitors_mut(&mut self) -> &mut super::slowlog::Monitors {
        &mut self.server.monitors
    }

    /// A snapshot of the cluster part as this node sees it (CLUSTER NODES,
    /// SLOTS, SHARDS), with its own replication offset.
    pub fn view(&self) -> crate::node::NodeView {
        self.routing().view(self.server.repl_offset())
    }

    /// EVAL's scripts and FUNCTION's libraries on this node.
    pub(crate) fn scripts_mut(&mut self) -> &mut crate::command::ScriptStore {
        &mut self.server.scripts
    }

    /// INFO's counters, to count into or reset.
    pub(crate) fn stats_mut(&mut self) -> &mut super::stats::Stats {
        &mut self.server.stats
    }

    /// Whether this node is a master.
    pub fn is_master(&self) -> bool {
        self.routing().is_master()
    }

    /// EVAL's scripts and FUNCTION's libraries on this node, to read.
    pub(crate) fn scripts(&self) -> &crate::command::ScriptStore {
        &self.server.scripts
    }

    /// Connected clients this node has state for.
    pub fn client_count(&self) -> usize {
        self.server.clients.len()
    }

    /// The link to my master, if I replicate.
    pub(crate) fn master_link(&self) -> &super::repl::replica::MasterLink {
        &self.server.repl.link
    }

    /// When the node (re)started: `uptime_in_seconds` counts from it.
    pub fn started_at(&self) -> crate::time::Time {
        self.cluster.started
    }

    /// `loading`: a full resync's RDB is being loaded.
    pub fn loading_rdb(&self) -> bool {
        self.server.loading.is_some() || self.master_link().loading_from_socket()
    }

    /// `async_loading`: the RDB loads while the old keyspace is served.
    pub fn async_loading(&self) -> bool {
        self.master_link().async_loading()
    }

    /// Tells the host what the node did (an [`Event`](crate::event::Event)).
    pub(in crate::node) fn emit(&mut self, event: crate::event::Event) {
        self.out.push_back(Output::Event(event));
    }
}
