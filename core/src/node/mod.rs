//! One Redis Cluster node as a sans-IO state machine.
//!
//! Drive it like quinn-proto or str0m: call [`Node::handle`] with the current
//! time and an input, drain [`Node::poll_output`], and call again with
//! [`Input::Timeout`] at [`Node::poll_timeout`]. The node never reads a clock,
//! opens a socket or draws from global randomness, so a seed and a list of
//! inputs reproduce a run exactly.
//!
//! The node has two parts, as Redis has a `clusterState` beside its
//! `redisServer`. `cluster/` holds cluster.c's rules, one file each:
//! `packet` (clusterProcessPacket), `cron` (clusterCron), `pfail`, `failure`
//! (FAIL), `failover` (elections and votes), `manual` (CLUSTER FAILOVER),
//! `epochs` (configEpoch rules and UPDATE), `state` (cluster_state),
//! `migration` (replica migration), `admin` (CLUSTER commands)… and never
//! imports the command layer. `server/` holds server.c, db.c, networking.c
//! and replication.c's: clients, blocking, pub/sub, `repl/`, persistence,
//! MIGRATE… This file keeps what is both's: the `Node`, its one way in
//! ([`Node::handle`], which sends each input to its part) and out.
//! Commands get the server part as a [`ServerCtx`] and the cluster part
//! read-only as a [`Routing`]; what they change beyond the server part is
//! a [`Request`] the node applies (`request.rs`; CONFIG SET's is
//! `config_set.rs`, the settings being both parts').

mod cluster;
mod config_set;
pub mod io;
mod request;
mod server;

pub use cluster::{
    view, AdminReply, LinkView, NodesConfError, RouteAddr, Routing, SendBuffer, SlotRoute,
};
pub(crate) use cluster::{ClusterConf, ConfLine};
pub use cluster::{CountFailureReports, KillLinks, Publish};
pub use config_set::ConfigSet;
pub use io::{
    Admin, AdminError, ClientId, ConnId, DiskJob, DiskOp, FailoverMode, Input, Link, Output,
    ReplFrame,
};
pub use request::Request;
pub use server::{
    debug, is_repl_conn, slowlog, stats, MigratePlan, ReplConf, ServerCtx, ShutdownFlags, SubKind,
    SyncStats,
};
pub(crate) use server::{history_id, Current, SlaveState};
pub use view::{ElectionView, NodeView, PeerView};

use crate::config::{consts, Config};
use crate::event::Event;
use crate::flags::NodeFlags;
use crate::id::NodeId;
use crate::time::Time;
use cluster::{todo, Peer};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use server::{persist, repl, replid_seed};
use std::collections::VecDeque;
use std::net::SocketAddr;

/// A Redis Cluster node: its own identity plus its beliefs about everyone else.
///
/// `Clone` is cheap enough for the simulator's time-travel snapshots.
#[derive(Clone)]
pub struct Node {
    cfg: Config,
    /// The settings it was started with (its command line). A simulated node has no config
    /// file (CONFIG REWRITE refuses), so a restart starts from these again and forgets every
    /// CONFIG SET, as a restarted redis-server does.
    started_with: std::sync::Arc<Config>,
    rng: ChaCha8Rng,
    myself: NodeId,
    /// The cluster part: peers, slots, epochs, elections, cron (`clusterState`).
    cluster: cluster::ClusterState,
    out: VecDeque<Output>,
    /// The host's microsecond clock for command durations (`ustime()`),
    /// if it has one: the simulator has none, so its durations are 0.
    micros: Option<fn() -> u64>,
    /// The server part: data, clients and what serves them (`redisServer`).
    server: server::Server,
}

impl Node {
    /// A fresh node, alone in its cluster, as after `redis-server --cluster-enabled yes`.
    ///
    /// `addr` is its client address; the bus listens on `cport`. The node ID and
    /// every later random choice come from `seed`.
    pub fn new(cfg: Config, addr: SocketAddr, cport: u16, seed: u64, now: Time) -> Node {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let myself = NodeId::random(&mut rng);
        let mut me = Peer::new(
            myself,
            NodeFlags(NodeFlags::MYSELF | NodeFlags::MASTER),
            now,
        );
        me.set_ip(Some(addr.ip()));
        me.port = addr.port();
        me.cport = cport;
        // `clusterInit`'s `clusterUpdateMyselfHostname` and
        // `clusterUpdateMyselfFlags`, before any input.
        me.hostname = cfg.announce_hostname.clone();
        if cfg.replica_no_failover {
            me.flags.set(NodeFlags::NOFAILOVER);
        }
        let server = server::Server::new(
            now,
            &cfg,
            replid_seed(myself, 0),
            persist::Persistence::new(now),
        );
        let mut node = Node {
            started_with: std::sync::Arc::new(cfg.clone()),
            cfg,
            rng,
            myself,
            cluster: cluster::ClusterState::new(now),
            out: VecDeque::new(),
            micros: None,
            server,
        };
        node.refresh_thresholds();
        node.add_peer(me);
        node
    }

    /// The same node after a crash and restart: it keeps what Redis keeps in
    /// nodes.conf (identity, known nodes, flags, slots, epochs, last vote) and
    /// loses the rest (links, pings, failure reports, elections, CLUSTER
    /// FORGET's blacklist, statistics, its data, and every CONFIG SET: it starts
    /// from the settings it was first started with), as
    /// [`ClusterState::restarted`](cluster_state::ClusterState::restarted) says.
    pub fn restart(&self, now: Time) -> Node {
        let cfg = Config::clone(&self.started_with);
        let server = server::Server::new(
            now,
            &cfg,
            replid_seed(self.myself, self.server.repl.ids_made()),
            self.server.persist.restarted(now),
        );
        let mut node = Node {
            cfg,
            started_with: self.started_with.clone(),
            rng: self.rng.clone(),
            myself: self.myself,
            cluster: self.cluster.restarted(now),
            out: VecDeque::new(),
            micros: self.micros,
            server,
        };
        // `clusterSaveConfig` leaves out nodes in handshake.
        let handshakes: Vec<NodeId> = node
            .peers()
            .filter(|p| p.in_handshake())
            .map(|p| p.id)
            .collect();
        for id in handshakes {
            node.del_peer(id);
        }
        // `clusterInit` after `clusterLoadConfig`: myself's flags and hostname follow the
        // settings, not what nodes.conf remembered.
        node.update_myself_flags();
        node.update_myself_hostname();
        node.refresh_thresholds();
        node
    }

    /// This node's ID.
    pub fn id(&self) -> NodeId {
        self.myself
    }

    /// Its settings.
    pub fn config(&self) -> &Config {
        &self.cfg
    }

    /// Feeds one input. Time must not go backwards.
    pub fn handle(&mut self, now: Time, input: Input) {
        if self.server.frozen.is_some() && self.frozen_input(now, &input) {
            return;
        }
        if self.server.loading.is_some() && self.loading_input(now, &input) {
            return;
        }
        self.dispatch(now, input);
        self.end_of_input(now);
        if std::mem::take(&mut self.server.unblock_postponed) {
            self.run_postponed(now);
            self.end_of_input(now);
        }
        self.before_sleep(now);
    }

    /// What follows every input's processing (and each input a load serves
    /// while it runs): blocked clients served, tracking invalidations,
    /// keyspace events, MONITOR lines after their replies, BCAST batches.
    fn end_of_input(&mut self, now: Time) {
        self.after_command(now);
        self.serving().invalidate_modified(None, false);
        self.publish_key_events();
        self.flush_after_reply();
        self.serving().broadcast_invalidations();
    }

    /// Runs one input (`handle` without the end-of-loop work).
    fn dispatch(&mut self, now: Time, input: Input) {
        match input {
            Input::Timeout => {
                self.migrate_timeouts(now);
                self.expire_blocked(now);
                if now >= self.cluster.next_cron {
                    self.server.stats.sample(now);
                    self.cron(now);
                    // `serverCron`'s `trackingLimitUsedSlots`.
                    self.serving().limit_tracking_keys(None);
                    self.persist_cron(now);
                    self.redirect_blocked();
                    while self.cluster.next_cron <= now {
                        self.cluster.next_cron = self.cluster.next_cron + consts::CRON_PERIOD_MS;
                    }
                }
            }
            Input::Bus { from, link, msg } => self.process_packet(now, from, link, msg),
            Input::Repl { conn, frame } => self.repl_frame(now, conn, frame),
            Input::ReplLinkUp { conn } => self.repl_link_up(now, conn),
            Input::Command { client, args } => self.process_command(now, client, args),
            Input::ClientClosed(client) => self.serving().client_closed(client),
            Input::LinkClosed { addr } => {
                if let Some(id) = self.link_node(addr) {
                    if let Some(p) = self.peer_mut(id) {
                        p.link = None.into();
                    }
                }
            }
            Input::LinkUp { addr } => self.link_up(now, addr),
            Input::InboundLinkClosed { addr } => self.inbound_link_closed(addr),
            Input::Response { conn, value } if repl::replica::MasterLink::is_repl_conn(conn) => {
                self.repl_reply(now, conn, value)
            }
            Input::Response { conn, value } => self.migrate_response(now, conn, value),
            Input::ConnClosed { conn, .. } if repl::replica::MasterLink::is_repl_conn(conn) => {
                self.repl_conn_closed(now, conn)
            }
            Input::ConnClosed { conn, connected } => self.migrate_conn_closed(now, conn, connected),
            Input::DiskDone { job, result } => self.disk_done(now, job, result),
            Input::DiskRead { job, result } => self.disk_read(now, job, result),
            Input::Admin(action) => {
                let reply = self.admin(now, *action);
                self.out.push_back(Output::AdminReply(reply));
            }
        }
    }

    /// The next thing to do: a message to send, a replication frame, or an event.
    pub fn poll_output(&mut self) -> Option<Output> {
        self.out.pop_front()
    }

    /// When to call [`handle`](Self::handle) with [`Input::Timeout`] next.
    pub fn poll_timeout(&self) -> Option<Time> {
        if let Some(until) = self.frozen_until() {
            return Some(until);
        }
        if let Some(at) = self.loading_deadline() {
            return Some(at);
        }
        let migrate = self
            .server
            .migrations
            .deadline()
            .unwrap_or(self.cluster.next_cron);
        let blocked = self.blocked_deadline().unwrap_or(self.cluster.next_cron);
        let child = self.rdb_child_deadline().unwrap_or(self.cluster.next_cron);
        Some(self.cluster.next_cron.min(migrate).min(blocked).min(child))
    }

    /// `clusterBeforeSleep`: work deferred until the end of this input;
    /// and, as Redis's `beforeSleep` does, the AOF buffer written.
    fn before_sleep(&mut self, now: Time) {
        // What the RDB child wrote meanwhile (`rdbPipeReadHandler`).
        self.advance_rdb_child(now);
        self.serving().flush_aof(false);
        if self.cluster.todo & todo::HANDLE_MANUALFAILOVER != 0 && self.is_replica() {
            self.cluster.todo &= !todo::HANDLE_MANUALFAILOVER;
            self.handle_manual_failover(now);
        }
        if self.cluster.todo & todo::HANDLE_FAILOVER != 0 {
            self.cluster.todo &= !todo::HANDLE_FAILOVER;
            self.handle_replica_failover(now);
        }
        if self.cluster.todo & todo::UPDATE_STATE != 0 {
            self.cluster.todo &= !todo::UPDATE_STATE;
            self.update_state(now);
        }
    }

    fn emit(&mut self, event: Event) {
        self.out.push_back(Output::Event(event));
    }

    /// The configuration, to change (cron's plans depend on its timeouts).
    pub(crate) fn config_mut(&mut self) -> &mut Config {
        self.cluster.cron_due.touch_all();
        &mut self.cfg
    }

    /// True while a manual failover pauses client writes on this master.
    pub fn writes_paused(&self, now: Time) -> bool {
        self.cluster.manual.paused_until.is_some_and(|t| now < t) || self.client_paused(now)
    }
}
