//! The server part of a node: Redis's `redisServer` beside its `clusterState`.
//!
//! It holds what server.c, db.c, replication.c and networking.c keep: the
//! keyspace, the clients and their transactions, pub/sub, blocking, client-side
//! caching, scripts, replication, persistence, statistics and the ACL. A
//! crashed and restarted Redis keeps none of it in memory (what survives is
//! on disk and loaded again), so a restart builds a fresh [`Server`] instead of
//! resetting fields one by one; the cluster part (nodes.conf's beliefs) lives
//! beside it in [`Node`](crate::node::Node).

use super::{
    blocked, client_admin, clients, debug, freeze, loading, migrate, persist, pubsub, repl,
    slowlog, stats, tracking,
};

use crate::config::Config;
use crate::node::{ClientId, Node};
use crate::time::Time;
use std::collections::BTreeMap;

/// A node's server part (see the module's doc).
#[derive(Clone)]
pub(crate) struct Server {
    pub(in crate::node) repl: repl::Replication,
    pub(in crate::node) keyspace: crate::keyspace::Keyspace,
    /// DEBUG's switches (packet drop filter, active expiry).
    pub(in crate::node) debug: debug::DebugSwitches,
    /// Boxed: a client's state leaves the map while its command runs (the
    /// command needs the node too), and moving a pointer in and out is
    /// cheaper than moving the whole state on every command.
    pub(in crate::node) clients: clients::ClientMap,
    pub(in crate::node) watch_versions: BTreeMap<Vec<u8>, u64>,
    /// Commands held back while a manual failover pauses writes or a
    /// MIGRATE waits for its target.
    pub(in crate::node) postponed: Vec<(ClientId, Vec<Vec<u8>>)>,
    /// A pause ended by a command or a manual failover's end: the
    /// postponed commands run before the node sleeps (`unpauseClients` →
    /// `unblockPostponedClients`, processed in `beforeSleep`), not at the
    /// next cron as after a pause that timed out.
    pub(in crate::node) unblock_postponed: bool,
    /// Transactions waiting for a MIGRATE they ran.
    pub(in crate::node) pending_exec: BTreeMap<ClientId, crate::command::PendingExec>,
    pub(in crate::node) migrations: migrate::Migrations,
    /// Pub/sub subscribers on this node.
    pub(in crate::node) pubsub: pubsub::Channels,
    /// MONITOR's clients, in the order they asked (`server.monitors`).
    pub(in crate::node) monitor_clients: Vec<ClientId>,
    /// Messages for the client whose command runs, sent after its reply
    /// (true: a push, which CLIENT REPLY OFF does not stop).
    pub(in crate::node) after_reply: Vec<(ClientId, crate::resp::Value, bool)>,
    /// Client-side caching's tables.
    pub(in crate::node) tracking: tracking::TrackingTable,
    /// Clients blocked in BLPOP & co or WAIT.
    pub(in crate::node) blocked: blocked::BlockedClients,
    /// EVAL's script cache and FUNCTION's libraries.
    pub(in crate::node) scripts: crate::command::ScriptStore,
    /// What INFO reports and CONFIG RESETSTAT resets.
    pub(in crate::node) stats: stats::Stats,
    /// `CLIENT PAUSE` in effect, if any.
    pub(in crate::node) client_pause: Option<client_admin::ClientPause>,
    /// SLOWLOG and LATENCY.
    pub(in crate::node) monitors: slowlog::Monitors,
    /// Asleep in DEBUG SLEEP, with what arrived meanwhile.
    pub(in crate::node) frozen: Option<freeze::Frozen>,
    /// A full resync's RDB being loaded slowly (`key-load-delay`).
    pub(in crate::node) loading: Option<Box<loading::Loading>>,
    /// The sleep DEBUG SLEEP just took, for its command's duration (µs).
    pub(in crate::node) frozen_usec: u64,
    /// RDB and AOF: what is saved when, and what is being saved.
    pub(in crate::node) persist: persist::Persistence,
    /// Users and the ACL log (per node: never propagated, as in Redis).
    pub(in crate::node) acl: crate::acl::Acl,
}

impl Server {
    /// The server of a process that just started: empty keyspace, no
    /// clients, a new replication history (`replid_seed`), statistics at 0,
    /// and the users `requirepass` implies. The process ID is kept by the host across
    /// restarts (temp file names carry it), so `persist` comes from the caller.
    pub(in crate::node) fn new(
        now: Time,
        cfg: &Config,
        replid_seed: u64,
        persist: persist::Persistence,
    ) -> Server {
        let mut acl = crate::acl::Acl::new();
        // `requirepass` is the default user's password (`updateRequirePass`).
        acl.set_default_password(cfg.requirepass.as_deref().map(str::as_bytes));
        // Redis's shared integers (`createSharedObjects`), stamped now.
        let mut keyspace = crate::keyspace::Keyspace::new();
        keyspace.create_shared_integers(&cfg.aging_clock(now));
        Server {
            repl: repl::Replication::new(now, replid_seed),
            keyspace,
            debug: debug::DebugSwitches::default(),
            clients: clients::ClientMap::default(),
            watch_versions: BTreeMap::new(),
            postponed: Vec::new(),
            unblock_postponed: false,
            pending_exec: BTreeMap::new(),
            migrations: migrate::Migrations::default(),
            pubsub: pubsub::Channels::default(),
            monitor_clients: Vec::new(),
            after_reply: Vec::new(),
            tracking: tracking::TrackingTable::default(),
            blocked: blocked::BlockedClients::default(),
            scripts: crate::command::ScriptStore::default(),
            stats: stats::Stats::default(),
            client_pause: None,
            monitors: slowlog::Monitors::default(),
            frozen: None,
            loading: None,
            frozen_usec: 0,
            persist,
            acl,
        }
    }
}

/// What the node shows of its server part.
impl Node {
    /// Connected clients this node has state for.
    pub fn client_count(&self) -> usize {
        self.server.clients.len()
    }

    /// How many keys it stores (DBSIZE), for checkers and lessons.
    pub fn key_count(&self) -> usize {
        self.server.keyspace.len()
    }
}
