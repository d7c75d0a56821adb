//! One Redis Cluster node as a sans-IO state machine.
//!
//! Drive it like quinn-proto or str0m: call [`Node::handle`] with the current
//! time and an input, drain [`Node::poll_output`], and call again with
//! [`Input::Timeout`] at [`Node::poll_timeout`]. The node never reads a clock,
//! opens a socket or draws from global randomness, so a seed and a list of
//! inputs reproduce a run exactly.
//!
//! The rules live in one file per concern, named after Redis's own functions:
//! `cron` (clusterCron), `packet` (clusterProcessPacket), `gossip`, `failure`
//! (PFAIL/FAIL), `failover` (elections and votes), `manual` (CLUSTER FAILOVER),
//! `epochs` (configEpoch rules and UPDATE), `state` (cluster_state),
//! `migration` (replica migration), `admin` (CLUSTER commands), `repl`.

mod acl_file;
mod admin;
mod blocked;
mod client_admin;
mod clients;
mod cluster_state;
mod cron;
mod cron_due;
pub mod debug;
mod epochs;
mod failover;
mod failure;
mod freeze;
mod gossip;
mod histogram;
pub mod io;
mod links;
mod loading;
mod manual;
mod migrate;
mod migration;
mod monitor_feed;
mod myself;
mod nodes_conf;
mod notify;
mod packet;
mod peer;
mod peer_index;
mod persist;
mod pfail;
mod pubsub;
mod repl;
mod server;
pub mod slowlog;
mod state;
pub mod stats;
mod table;
mod tracking;
pub mod view;

pub use admin::AdminReply;
pub use clients::{RouteAddr, SlotRoute};
pub use io::{
    Admin, AdminError, ClientId, ConnId, DiskJob, DiskOp, FailoverMode, Input, Link, Output,
    ReplFrame,
};
pub use links::{LinkView, SendBuffer};
pub use migrate::MigratePlan;
pub use nodes_conf::NodesConfError;
pub(crate) use nodes_conf::{ClusterConf, ConfLine};
pub use persist::ShutdownFlags;
pub use pubsub::SubKind;
pub(crate) use repl::{history_id, SlaveState};
pub use repl::{ReplConf, SyncStats};
pub(crate) use tracking::Current;
pub use view::{ElectionView, NodeView, PeerView};

use crate::config::{consts, Config};
use crate::event::Event;
use crate::flags::NodeFlags;
use crate::id::NodeId;
use crate::msg::{Body, Header, Message, MsgType};
use crate::slot::SlotSet;
use crate::time::Time;
use peer::Peer;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::Arc;

/// `slots[]` entry for an unassigned slot.
const NO_OWNER: u16 = u16::MAX;

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
    cluster: cluster_state::ClusterState,
    out: VecDeque<Output>,
    /// The host's microsecond clock for command durations (`ustime()`),
    /// if it has one: the simulator has none, so its durations are 0.
    micros: Option<fn() -> u64>,
    /// The server part: data, clients and what serves them (`redisServer`).
    server: server::Server,
}

/// Whether `conn` is a replica's link to its master (rather than a
/// MIGRATE socket): hosts that treat the two apart ask this.
pub fn is_repl_conn(conn: ConnId) -> bool {
    repl::replica::MasterLink::is_repl_conn(conn)
}

/// The seed of a node's replication IDs: its name and how many IDs it made
/// before (a restarted node starts a new history).
fn replid_seed(id: NodeId, made: u64) -> u64 {
    id.as_str()
        .bytes()
        .fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
        })
        .wrapping_add(made << 32)
}

/// Deferred work run after each input (`clusterBeforeSleep`).
mod todo {
    pub const HANDLE_FAILOVER: u8 = 1;
    pub const UPDATE_STATE: u8 = 2;
    pub const HANDLE_MANUALFAILOVER: u8 = 4;
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
            cluster: cluster_state::ClusterState::new(now),
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

    /// EVAL's scripts and FUNCTION's libraries on this node, to read.
    pub(crate) fn scripts(&self) -> &crate::command::ScriptStore {
        &self.server.scripts
    }

    /// EVAL's scripts and FUNCTION's libraries on this node.
    pub(crate) fn scripts_mut(&mut self) -> &mut crate::command::ScriptStore {
        &mut self.server.scripts
    }

    /// Its settings.
    pub fn config(&self) -> &Config {
        &self.cfg
    }

    /// The node's seeded generator, for the commands that pick at random
    /// (HRANDFIELD, SRANDMEMBER, RANDOMKEY, ZRANDMEMBER): seeded, so a simulation
    /// replays the same picks.
    pub(crate) fn rng_mut(&mut self) -> &mut ChaCha8Rng {
        &mut self.rng
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
        self.before_sleep(now);
    }

    /// What follows every input's processing (and each input a load serves
    /// while it runs): blocked clients served, tracking invalidations,
    /// keyspace events, MONITOR lines after their replies, BCAST batches.
    fn end_of_input(&mut self, now: Time) {
        self.after_command(now);
        self.invalidate_modified(None, false);
        self.publish_key_events();
        self.flush_after_reply();
        self.broadcast_invalidations();
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
                    self.limit_tracking_keys(None);
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
            Input::ClientClosed(client) => self.client_closed(client),
            Input::LinkClosed { addr } => {
                if let Some(id) = self.link_node(addr) {
                    if let Some(p) = self.peer_mut(id) {
                        p.link = None;
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
        self.flush_aof(false);
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

    /// Whether this node is a master.
    pub fn is_master(&self) -> bool {
        self.me().is_master()
    }

    /// Whether this node is a replica.
    pub fn is_replica(&self) -> bool {
        self.me().is_replica()
    }

    /// My master, if I am a replica.
    pub fn master(&self) -> Option<NodeId> {
        self.me().master
    }

    /// This node's currentEpoch.
    pub fn current_epoch(&self) -> u64 {
        self.cluster.current_epoch
    }

    /// My configEpoch (a replica's is its master's, as `cluster_my_epoch` shows).
    pub fn my_epoch(&self) -> u64 {
        let me = self.me();
        match me.master.and_then(|m| self.peer(m)) {
            Some(master) if me.is_replica() => master.config_epoch,
            _ => me.config_epoch,
        }
    }

    /// `cluster_state:ok` in this node's view.
    pub fn state_ok(&self) -> bool {
        self.cluster.state_ok
    }

    /// The owner of `slot` in this node's view.
    pub fn slot_owner(&self, slot: u16) -> Option<NodeId> {
        let idx = *self.cluster.slots.get(slot as usize)?;
        self.cluster
            .peers
            .get(idx as usize)
            .and_then(|p| p.as_ref())
            .map(|p| p.id)
    }

    /// The configuration, to change (cron's plans depend on its timeouts).
    pub(crate) fn config_mut(&mut self) -> &mut Config {
        self.cluster.cron_due.touch_all();
        &mut self.cfg
    }

    /// Connected clients this node has state for.
    pub fn client_count(&self) -> usize {
        self.server.clients.len()
    }

    /// `CLUSTER COUNT-FAILURE-REPORTS`: live reports, `None` if unknown node.
    pub fn count_failure_reports(&mut self, now: Time, id: NodeId) -> Option<u32> {
        self.peer(id)?;
        Some(self.failure_reports_count(now, id))
    }

    /// `CLUSTER INFO` text.
    pub fn cluster_info(&self, _now: Time) -> String {
        use std::fmt::Write;
        let mut ok = 0u32;
        let (mut pfail, mut fail) = (0u32, 0u32);
        for &owner in self.cluster.slots.iter() {
            let Some(p) = self
                .cluster
                .peers
                .get(owner as usize)
                .and_then(|p| p.as_ref())
            else {
                continue;
            };
            if p.failed() {
                fail += 1;
            } else if p.has(NodeFlags::PFAIL) {
                pfail += 1;
            } else {
                ok += 1;
            }
        }
        let mut s = String::new();
        let _ = write!(
            s,
            "cluster_state:{}\r\ncluster_slots_assigned:{}\r\ncluster_slots_ok:{ok}\r\ncluster_slots_pfail:{pfail}\r\ncluster_slots_fail:{fail}\r\ncluster_known_nodes:{}\r\ncluster_size:{}\r\ncluster_current_epoch:{}\r\ncluster_my_epoch:{}\r\n",
            if self.cluster.state_ok { "ok" } else { "fail" },
            self.cluster.assigned,
            self.known_nodes(),
            self.cluster.size,
            self.cluster.current_epoch,
            self.my_epoch()
        );
        for (dir, stats) in [
            ("sent", &self.cluster.stats_sent),
            ("received", &self.cluster.stats_received),
        ] {
            for t in MsgType::ALL {
                let n = stats[t as usize];
                if n > 0 {
                    let _ = write!(s, "cluster_stats_messages_{}_{dir}:{n}\r\n", t.stats_name());
                }
            }
            let _ = write!(
                s,
                "cluster_stats_messages_{dir}:{}\r\n",
                stats.iter().sum::<u64>()
            );
        }
        let _ = write!(
            s,
            "total_cluster_links_buffer_limit_exceeded:{}\r\n",
            self.cluster.stats_links_buffer_limit_exceeded
        );
        s
    }

    /// The lowest slot this node serves, if any.
    ///
    /// The simulator's write load asks every master every 100 ms, and an
    /// element-by-element scan of the 16384-entry table was 15% of a
    /// simulation: find the 64-slot block first, with a branch-free compare
    /// the compiler vectorizes, then the slot in it.
    pub fn first_owned_slot(&self) -> Option<u16> {
        // A master's header bitmap is its own slots, when built.
        if let Some(mine) = self
            .cluster
            .myslots_cache
            .as_ref()
            .filter(|_| self.is_master())
        {
            return mine.first();
        }
        let idx = self.cluster.index.get(&self.myself)?;
        let block = self
            .cluster
            .slots
            .chunks(64)
            .position(|c| c.iter().fold(false, |hit, &o| hit | (o == idx)))?;
        let first = block * 64
            + self.cluster.slots[block * 64..]
                .iter()
                .position(|&o| o == idx)?;
        Some(first as u16)
    }

    /// Number of nodes this node knows, itself included (`cluster_known_nodes`).
    pub fn known_nodes(&self) -> usize {
        self.cluster.order.len()
    }

    /// The flags of every known node, myself included.
    pub fn known_flags(&self) -> impl Iterator<Item = NodeFlags> + '_ {
        self.peers().map(|p| p.flags)
    }

    /// `cluster_size`: masters serving at least one slot.
    pub fn size(&self) -> u32 {
        self.cluster.size
    }

    /// How many keys it stores (DBSIZE), for checkers and lessons.
    pub fn key_count(&self) -> usize {
        self.server.keyspace.len()
    }

    /// The replication offset this node announces: a replica loading a
    /// full resync's RDB has none (`replicationGetSlaveOffset` with no
    /// master client and no cached one).
    pub fn repl_offset(&self) -> u64 {
        if self.loading_rdb() {
            0
        } else {
            self.server.repl.offset
        }
    }

    /// True while a manual failover pauses client writes on this master.
    pub fn writes_paused(&self, now: Time) -> bool {
        self.cluster.manual.paused_until.is_some_and(|t| now < t) || self.client_paused(now)
    }

    /// Quorum of masters for FAIL and for elections: `size / 2 + 1`.
    fn needed_quorum(&self) -> u32 {
        self.cluster.size / 2 + 1
    }

    // ---- messages ----

    /// `clusterBuildMessageHdr`.
    fn header(&mut self) -> Header {
        let me = self.me();
        let (master_id, replicaof) = match me.master {
            Some(m) if me.is_replica() => (m, Some(m)),
            _ => (self.myself, None),
        };
        let config_epoch = self.peer(master_id).map_or(0, |p| p.config_epoch);
        let (port, cport, flags) = (me.port, me.cport, me.flags);
        let mut mflags = [0u8; 3];
        if self.cluster.manual.end.is_some() && self.is_master() {
            mflags[0] |= crate::msg::mflags::PAUSED;
        }
        Header {
            port,
            current_epoch: self.cluster.current_epoch,
            config_epoch,
            offset: self.repl_offset(),
            sender: self.myself,
            myslots: self.myslots_of(master_id),
            replicaof,
            myip: String::new(),
            pport: 0,
            cport,
            flags,
            state_fail: !self.cluster.state_ok,
            mflags,
        }
    }

    /// The bitmap of `master_id`'s slots, shared between messages.
    fn myslots_of(&mut self, master_id: NodeId) -> Arc<SlotSet> {
        if let Some(cached) = &self.cluster.myslots_cache {
            return cached.clone();
        }
        let set = Arc::new(self.slots_of(master_id));
        self.cluster.myslots_cache = Some(set.clone());
        set
    }

    /// Sends `body` to the peer `to` over `link`.
    fn send(&mut self, to: NodeId, link: Link, body: Body) {
        let Some(addr) = self.peer(to).and_then(|p| p.bus_addr()) else {
            return;
        };
        self.send_to_addr(addr, link, body);
    }

    fn send_to_addr(&mut self, to: SocketAddr, link: Link, body: Body) {
        let msg = Box::new(Message {
            header: self.header(),
            body,
        });
        self.cluster.stats_sent[msg.kind() as usize] += 1;
        self.out.push_back(Output::Send { to, link, msg });
    }

    /// `clusterBroadcastMessage`: to every linked node but myself and handshakes.
    fn broadcast(&mut self, body: Body) {
        let targets: Vec<NodeId> = self
            .peers()
            .filter(|p| p.id != self.myself && !p.in_handshake() && p.link.is_some())
            .map(|p| p.id)
            .collect();
        for id in targets {
            self.send(id, Link::Outbound, body.clone());
        }
    }

    /// Counts a received message for `CLUSTER INFO`.
    fn count_received(&mut self, kind: MsgType) {
        self.cluster.stats_received[kind as usize] += 1;
    }
}
