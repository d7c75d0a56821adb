//! The server part of a node: Redis's `redisServer` beside its `clusterState`.
//!
//! It holds what server.c, db.c, replication.c and networking.c keep: the
//! keyspace, the clients and their transactions, pub/sub, blocking, client-side
//! caching, scripts, replication, persistence, statistics and the ACL. A
//! crashed and restarted Redis keeps none of it in memory (what survives is
//! on disk and loaded again), so a restart builds a fresh [`Server`] instead of
//! resetting fields one by one; the cluster part (nodes.conf's beliefs) lives
//! beside it in [`Node`](super::Node).

use super::{
    blocked, client_admin, debug, freeze, loading, migrate, persist, pubsub, repl, slowlog, stats,
    table, tracking, ClientId,
};
use crate::config::Config;
use crate::time::Time;
use std::collections::BTreeMap;

/// A node's server part (see the module's doc).
#[derive(Clone)]
pub(crate) struct Server {
    pub(super) repl: repl::Replication,
    pub(super) keyspace: crate::keyspace::Keyspace,
    /// DEBUG's switches (packet drop filter, active expiry).
    pub(super) debug: debug::DebugSwitches,
    /// Boxed: a client's state leaves the map while its command runs (the
    /// command needs the node too), and moving a pointer in and out is
    /// cheaper than moving the whole state on every command.
    pub(super) clients: table::ClientMap,
    pub(super) watch_versions: BTreeMap<Vec<u8>, u64>,
    /// Commands held back while a manual failover pauses writes or a
    /// MIGRATE waits for its target.
    pub(super) postponed: Vec<(ClientId, Vec<Vec<u8>>)>,
    /// Transactions waiting for a MIGRATE they ran.
    pub(super) pending_exec: BTreeMap<ClientId, crate::command::PendingExec>,
    pub(super) migrations: migrate::Migrations,
    /// Pub/sub subscribers on this node.
    pub(super) pubsub: pubsub::Channels,
    /// MONITOR's clients, in the order they asked (`server.monitors`).
    pub(super) monitor_clients: Vec<ClientId>,
    /// Messages for the client whose command runs, sent after its reply
    /// (true: a push, which CLIENT REPLY OFF does not stop).
    pub(super) after_reply: Vec<(ClientId, crate::resp::Value, bool)>,
    /// Client-side caching's tables.
    pub(super) tracking: tracking::TrackingTable,
    /// Clients blocked in BLPOP & co or WAIT.
    pub(super) blocked: blocked::BlockedClients,
    /// EVAL's script cache and FUNCTION's libraries.
    pub(super) scripts: crate::command::ScriptStore,
    /// What INFO reports and CONFIG RESETSTAT resets.
    pub(super) stats: stats::Stats,
    /// `CLIENT PAUSE` in effect, if any.
    pub(super) client_pause: Option<client_admin::ClientPause>,
    /// SLOWLOG and LATENCY.
    pub(super) monitors: slowlog::Monitors,
    /// Asleep in DEBUG SLEEP, with what arrived meanwhile.
    pub(super) frozen: Option<freeze::Frozen>,
    /// A full resync's RDB being loaded slowly (`key-load-delay`).
    pub(super) loading: Option<Box<loading::Loading>>,
    /// The sleep DEBUG SLEEP just took, for its command's duration (µs).
    pub(super) frozen_usec: u64,
    /// RDB and AOF: what is saved when, and what is being saved.
    pub(super) persist: persist::Persistence,
    /// Users and the ACL log (per node: never propagated, as in Redis).
    pub(super) acl: crate::acl::Acl,
}

impl Server {
    /// The server of a process that just started: empty keyspace, no
    /// clients, a new replication history (`replid_seed`), statistics at 0,
    /// and the users `requirepass` implies. The process ID is kept by the host across
    /// restarts (temp file names carry it), so `persist` comes from the caller.
    pub(super) fn new(
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
            clients: table::ClientMap::default(),
            watch_versions: BTreeMap::new(),
            postponed: Vec::new(),
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
