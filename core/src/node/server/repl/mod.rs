//! Replication (`replication.c`), sans IO, one implementation for the
//! simulator and the native node.
//!
//! - [`replica`]: the replica's state machine (`repl_state`: CONNECT →
//!   CONNECTING → RECEIVE_PING_REPLY → the handshake → RECEIVE_PSYNC_REPLY →
//!   TRANSFER → CONNECTED), on a link it opens to its master's client port.
//! - [`master`]: PSYNC, SYNC and REPLCONF from replicas (ordinary clients
//!   until their PSYNC), `+FULLRESYNC` after `repl-diskless-sync-delay` or
//!   `+CONTINUE` from the [`backlog`], and REPLCONF ACK.
//! - this file: the stream itself (what a write adds, offsets counted in
//!   Redis's bytes), the replication IDs, WAIT and ROLE.
//!
//! The host only moves what the node asks: commands on the link
//! ([`Output::Request`](crate::node::Output::Request)), their replies, and the
//! frames after PSYNC's reply ([`ReplFrame`]), which the native node turns
//! into Redis's bytes ([`crate::repl_wire`]) and the simulator carries as
//! they are.

mod backlog;
mod master;
mod rdb_child;
pub(crate) mod replica;
mod sync_file;

use crate::command::ClientState;
use crate::id::NodeId;
use crate::node::{ClientId, ConnId, Node, Output, ReplFrame, ServerCtx};
use crate::rdb::file::ReplInfo;
use crate::resp::Value;
use crate::time::Time;
use backlog::Backlog;
use rand::{RngCore, SeedableRng};
use std::collections::BTreeMap;

pub use master::ReplConf;
pub(crate) use master::SlaveState;

/// Size of the `PING` a master writes into the stream every
/// `repl-ping-replica-period` (`*1\r\n$4\r\nPING\r\n`): it advances offsets.
const REPL_PING_BYTES: u64 = 14;
/// Size of `REPLCONF GETACK *` in the stream (`*3\r\n$8\r\nREPLCONF\r\n$6\r\nGETACK\r\n$1\r\n*\r\n`).
const REPL_GETACK_BYTES: u64 = 37;
/// `replicationCron` runs once a second (`run_with_period(1000)`).
const REPL_CRON_MS: u64 = 1000;

#[derive(Clone, Debug)]
pub(in crate::node) struct Replication {
    /// `master_repl_offset` on a master; on a replica the offset it
    /// processed (`master->reploff`, or the cached master's while the
    /// link is down).
    pub offset: u64,
    /// `server.replid`: the history this node's data belongs to.
    replid: String,
    /// `server.replid2`: the history before the last switch (a promotion),
    /// valid up to `second_offset` (`-1` when none).
    replid2: Option<(String, u64)>,
    /// How many replication IDs this node made, so each new one differs
    /// without drawing from the node's random generator (whose draws the
    /// cluster rules use).
    ids_made: u64,
    /// `server.repl_backlog`, made by the first full resync this node
    /// served or received. Until then a write feeds no stream and leaves
    /// `master_repl_offset` at 0 (7.0's `replicationFeedSlaves` returns
    /// early with no backlog and no replica).
    backlog: Option<Backlog>,
    /// Master: when the next stream PING is due.
    next_ping: Time,
    /// When `replicationCron` runs next.
    next_cron: Time,
    /// Master: the clients that sent PSYNC or SYNC (`server.slaves`).
    slaves: BTreeMap<ClientId, master::Slave>,
    /// Master: the RDB child of a slowed full resync, while it runs.
    child: Option<rdb_child::RdbChild>,
    /// `sync_full`, `sync_partial_ok`, `sync_partial_err` (INFO stats).
    pub stats: SyncStats,
    /// A full resync happened since the last write, so the next write is
    /// preceded by `SELECT 0` in the stream (`server.slaveseldb = -1`).
    select_pending: bool,
    /// What the command running now propagates, held until it ends so it
    /// goes out as one unit ([`Node::end_call`]); `None` outside a command.
    batch: Option<Vec<Vec<Vec<u8>>>>,
    /// Replica: the link to the master and where its handshake is.
    pub link: replica::MasterLink,
    /// Replica: the client that applies the master's stream
    /// (`server.master`). It lives as long as the link, so a streamed
    /// `MULTI` queues what follows and `EXEC` applies it all at once.
    master_client: ClientState,
}

/// INFO's full and partial resync counters (`stat_sync_*`).
#[derive(Clone, Copy, Debug, Default)]
pub struct SyncStats {
    /// Full resyncs served.
    pub full: u64,
    /// Partial resyncs accepted.
    pub partial_ok: u64,
    /// Partial resyncs asked for and refused.
    pub partial_err: u64,
}

impl Replication {
    /// A fresh process's replication state; `seed` names its first ID.
    pub fn new(now: Time, seed: u64) -> Self {
        let mut r = Replication {
            offset: 0,
            replid: String::new(),
            replid2: None,
            ids_made: seed,
            backlog: None,
            next_ping: now,
            next_cron: now,
            slaves: BTreeMap::new(),
            child: None,
            stats: SyncStats::default(),
            select_pending: false,
            batch: None,
            link: replica::MasterLink::default(),
            master_client: master_link_client(),
        };
        r.change_replid();
        r
    }

    /// A replication backlog exists (the node is part of a replication chain).
    pub fn backlog_exists(&self) -> bool {
        self.backlog.is_some()
    }

    /// `changeReplicationId`: a new random 40-character ID.
    fn change_replid(&mut self) {
        self.ids_made = self.ids_made.wrapping_add(1);
        self.replid = history_id(self.ids_made);
    }

    /// DEBUG CHANGE-REPL-ID: a new history with no secondary ID
    /// (`changeReplicationId`, `clearReplicationId2`), so no replica can
    /// continue the old one.
    fn forget_history(&mut self) {
        self.change_replid();
        self.replid2 = None;
    }

    /// `loadDataFromDisk`: an RDB that names a stream (`repl-id`,
    /// `repl-offset`) lets this process continue it. A replica takes it as
    /// its own history, which its first PSYNC asks for
    /// (`replicationCacheMasterUsingMyself`); a master keeps it as the
    /// secondary ID up to that offset, with an empty backlog from there,
    /// so its replicas continue with `+CONTINUE` instead of a full resync.
    pub(in crate::node) fn restore_history(&mut self, info: ReplInfo, master: bool) {
        if master {
            self.replid2 = Some((info.replid, info.offset + 1));
            self.backlog = Some(Backlog::new(info.offset));
            // `server.slaveseldb` is -1 in a new process.
            self.select_pending = true;
        } else {
            self.replid = info.replid;
        }
        self.offset = info.offset;
    }

    /// `shiftReplicationId`: the current history becomes the secondary
    /// one, valid up to the next byte, and a new one starts (a promotion).
    fn shift_replid(&mut self) {
        self.replid2 = Some((self.replid.clone(), self.offset + 1));
        self.change_replid();
    }

    /// How many IDs this process made (a restart continues the count).
    pub fn ids_made(&self) -> u64 {
        self.ids_made
    }

    /// Milliseconds since the master last sent data (or since the link
    /// went down), at Redis's one-second resolution (`unixtime`
    /// arithmetic); `u64::MAX` for a replica that never synced.
    pub fn data_age(&self, now: Time) -> u64 {
        match self.link.last_io() {
            Some(t) => (now.ms() / 1000).saturating_sub(t.ms() / 1000) * 1000,
            None => u64::MAX,
        }
    }
}

/// A replication ID (40 hex characters) drawn from `seed`.
pub(crate) fn history_id(seed: u64) -> String {
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    const HEX: &[u8; 16] = b"0123456789abcdef";
    (0..40)
        .map(|_| HEX[(rng.next_u32() & 15) as usize] as char)
        .collect()
}

/// A fresh master link's client: trusted, and finding keys as the master
/// saw them.
fn master_link_client() -> ClientState {
    let mut client = ClientState::new(true);
    client.from_master = true;
    client
}

/// Decimal digits of `n` (the length prefixes of RESP).
fn digits(mut n: usize) -> u64 {
    let mut d = 1;
    while n >= 10 {
        n /= 10;
        d += 1;
    }
    d
}

/// Bytes a command takes in the stream (RESP multibulk).
fn stream_len(args: &[Vec<u8>]) -> u64 {
    3 + digits(args.len())
        + args
            .iter()
            .map(|a| 1 + digits(a.len()) + 2 + a.len() as u64 + 2)
            .sum::<u64>()
}

impl Node {
    /// Every cron (100 ms): clusterCron's part (a replica whose master's
    /// address is known gets its link set up), the master's stream PING,
    /// and once a second `replicationCron`.
    pub(in crate::node) fn repl_cron(&mut self, now: Time) {
        if self.is_replica() && !self.server.repl.link.configured() {
            self.repl_set_master(now);
        }
        if now >= self.server.repl.next_cron {
            self.server.repl.next_cron = now + REPL_CRON_MS;
            self.replica_cron(now);
            self.master_cron(now);
        }
        // While a manual failover pauses writes the stream stays still too,
        // so the replica can reach exactly the master's offset.
        if self.is_replica() || now < self.server.repl.next_ping || self.writes_paused(now) {
            return;
        }
        self.server.repl.next_ping = now + self.cfg.repl_ping_replica_period * 1000;
        if self.server.repl.slaves.is_empty() {
            return;
        }
        self.server.repl.offset += REPL_PING_BYTES;
        let offset = self.server.repl.offset;
        self.serving()
            .feed_stream(REPL_PING_BYTES, ReplFrame::Ping { offset });
    }
}

/// Streaming what a command wrote: the rules commands and the node share.
impl ServerCtx<'_> {
    /// DEBUG CHANGE-REPL-ID, logged as Redis logs it.
    pub(crate) fn debug_change_repl_id(&mut self) {
        self.emit(crate::event::Event::Replication {
            what: "Changing replication IDs after receiving DEBUG change-repl-id".into(),
        });
        self.server.repl.forget_history();
    }

    /// A write command ran on this master: append it to the stream, after
    /// the `DEL`s of keys found expired meanwhile (7.0 propagates a lazy
    /// deletion when it happens, before the command that caused it).
    pub(crate) fn propagate(&mut self, args: &[Vec<u8>]) {
        self.queue_expired();
        self.touch_watched(args);
        self.signal_ready(args);
        self.count_change();
        self.hold_or_stream(args.to_vec());
    }

    /// The keys this master deleted because their TTL passed, each as
    /// `DEL key` (`propagateDeletion`, `lazyfree-lazy-expire no`): replicas
    /// never expire keys themselves, so this is how they lose them.
    pub(crate) fn queue_expired(&mut self) {
        for key in self.server.keyspace.take_expired() {
            let del = vec![b"DEL".to_vec(), key];
            self.touch_watched(&del);
            self.hold_or_stream(del);
        }
    }

    /// A master with a replica or a backlog: writes go into its stream
    /// (7.0's `replicationFeedSlaves` returns early otherwise, so
    /// `master_repl_offset` stays 0 on a master that never had a replica).
    fn feeds_stream(&self) -> bool {
        self.routing().is_master()
            && (self.server.repl.backlog.is_some() || !self.server.repl.slaves.is_empty())
    }

    fn hold_or_stream(&mut self, args: Vec<Vec<u8>>) {
        match &mut self.server.repl.batch {
            Some(ops) => ops.push(args),
            None => self.stream_op(args),
        }
    }

    /// How many operations the running command holds for the stream, so a
    /// script's `redis.set_repl(redis.REPL_NONE)` can drop what follows.
    #[cfg(feature = "lua")]
    pub(crate) fn held_ops(&self) -> usize {
        self.server.repl.batch.as_ref().map_or(0, Vec::len)
    }

    /// Drops the operations held since [`Node::held_ops`] said `from`.
    #[cfg(feature = "lua")]
    pub(crate) fn drop_held_ops(&mut self, from: usize) {
        if let Some(ops) = &mut self.server.repl.batch {
            ops.truncate(from);
        }
    }

    /// A command starts (`call()`): hold what it propagates. False when a
    /// command is already running (EXEC's queued commands join its batch).
    pub(crate) fn begin_call(&mut self) -> bool {
        if self.server.repl.batch.is_some() {
            return false;
        }
        self.server.repl.batch = Some(Vec::new());
        true
    }

    /// The command that [`Node::begin_call`] opened ended
    /// (`propagatePendingCommands`): its operations go out, wrapped in
    /// `MULTI`/`EXEC` when there are several — a lazy `DEL` and the write
    /// that found the key expired, or the writes of an EXEC'd transaction.
    /// One operation goes out alone, as 7.0.15 does: a single command is
    /// atomic already, so a transaction with one write streams just it.
    pub(crate) fn end_call(&mut self) {
        self.queue_expired();
        let Some(ops) = self.server.repl.batch.take() else {
            return;
        };
        let wrap = ops.len() > 1;
        if wrap {
            self.stream_op(vec![b"MULTI".to_vec()]);
        }
        for op in ops {
            self.stream_op(op);
        }
        if wrap {
            self.stream_op(vec![b"EXEC".to_vec()]);
        }
    }

    /// Appends one command to the stream of this master.
    /// The AOF gets it too (`propagateNow` feeds both alike), on any role.
    fn stream_op(&mut self, args: Vec<Vec<u8>>) {
        self.feed_aof(&args);
        if !self.feeds_stream() || self.loading_data() {
            return;
        }
        if std::mem::take(&mut self.server.repl.select_pending) {
            let select = vec![b"SELECT".to_vec(), b"0".to_vec()];
            let len = stream_len(&select);
            self.server.repl.offset += len;
            let frame = ReplFrame::Command {
                offset: self.server.repl.offset,
                args: select,
            };
            self.feed_stream(len, frame);
        }
        let len = stream_len(&args);
        self.server.repl.offset += len;
        let frame = ReplFrame::Command {
            offset: self.server.repl.offset,
            args,
        };
        self.feed_stream(len, frame);
    }

    /// `replicationFeedSlaves`' end: a frame of `len` bytes, already
    /// counted in the offset, goes into the backlog and to every replica
    /// past its full resync's snapshot.
    pub(in crate::node) fn feed_stream(&mut self, len: u64, frame: ReplFrame) {
        let size = self.cfg.repl.backlog_size;
        let end = self.server.repl.offset;
        if let Some(b) = &mut self.server.repl.backlog {
            b.feed(end, len, frame.clone(), size);
        }
        let mut streamed = Vec::new();
        for (id, s) in &mut self.server.repl.slaves {
            match s.state {
                SlaveState::WaitBgsaveStart => {}
                SlaveState::WaitBgsaveEnd => s.hold(frame.clone()),
                SlaveState::Online => streamed.push(*id),
            }
        }
        for client in streamed {
            let frame = frame.clone();
            self.out.push_back(Output::Repl { client, frame });
        }
    }

    /// The current replication ID.
    pub fn repl_replid(&self) -> &str {
        &self.server.repl.replid
    }

    /// Replicas that acknowledged everything written so far (WAIT in MULTI).
    pub(crate) fn acked_now(&self) -> u64 {
        self.acked_replicas(self.server.repl.offset)
    }

    /// `ROLE`: `master offset [[ip port offset]…]` with the online
    /// replicas, or `slave ip port state offset`.
    pub(crate) fn role(&self) -> Value {
        if self.is_master() {
            let replicas = self
                .server
                .repl
                .slaves
                .values()
                .filter(|s| s.state == SlaveState::Online)
                .map(|s| {
                    Value::Array(vec![
                        Value::bulk(s.ip()),
                        Value::bulk(s.port.to_string()),
                        Value::bulk(s.ack_offset.to_string()),
                    ])
                })
                .collect();
            return Value::Array(vec![
                Value::bulk("master"),
                Value::Integer(self.server.repl.offset as i64),
                Value::Array(replicas),
            ]);
        }
        let (host, port) = self.master_client_addr().map_or((String::new(), 0), |a| {
            (a.ip().to_string(), i64::from(a.port()))
        });
        let offset = if self.server.repl.link.connected() {
            self.server.repl.offset as i64
        } else {
            -1
        };
        Value::Array(vec![
            Value::bulk("slave"),
            Value::bulk(host),
            Value::Integer(port),
            Value::bulk(self.server.repl.link.role_state()),
            Value::Integer(offset),
        ])
    }

    /// `WAIT numreplicas timeout`: replies now if enough replicas already
    /// acknowledged this client's writes, else blocks the client.
    pub(crate) fn wait(
        &mut self,
        now: Time,
        client: ClientId,
        replicas: u64,
        timeout: u64,
    ) -> Option<Value> {
        if self.is_replica() {
            return Some(Value::err("ERR WAIT cannot be used with replica instances. Please also note that since Redis 4.0 if a replica is configured to be writable (which is not the default) writes to replicas are just local and are not propagated."));
        }
        let offset = self.server.repl.offset;
        let acked = self.acked_replicas(offset);
        if acked >= replicas {
            return Some(Value::Integer(acked as i64));
        }
        // `timeout` ms from now; 0 waits forever.
        self.block_on_replicas(
            client,
            offset,
            replicas,
            (timeout > 0).then(|| now + timeout),
        );
        if !self.server.repl.slaves.is_empty() {
            self.server.repl.offset += REPL_GETACK_BYTES;
            let offset = self.server.repl.offset;
            self.feed_stream(REPL_GETACK_BYTES, ReplFrame::GetAck { offset });
        }
        None
    }

    /// `replicationCountAcksByOffset`: online replicas whose last ACK is
    /// at `offset` or past it.
    pub(in crate::node) fn acked_replicas(&self, offset: u64) -> u64 {
        self.server
            .repl
            .slaves
            .values()
            .filter(|s| s.state == SlaveState::Online && s.ack_offset >= offset)
            .count() as u64
    }
}

impl Node {
    /// INFO's `master_link_status:up`: a replica whose sync with its
    /// master is over and whose link is up (false on a master).
    pub fn master_link_up(&self) -> bool {
        self.is_replica() && self.server.repl.link.connected()
    }

    /// The replica's link to its master (INFO's `master_link_status`…).
    pub(crate) fn master_link(&self) -> &replica::MasterLink {
        &self.server.repl.link
    }

    /// `master_replid`.
    pub fn repl_replid(&self) -> &str {
        &self.server.repl.replid
    }

    /// The replication ID and offset a snapshot of this node names
    /// (`rdbPopulateSaveInfo`), for RDB files.
    pub fn repl_info(&self) -> crate::rdb::file::ReplInfo {
        crate::rdb::file::ReplInfo {
            replid: self.server.repl.replid.clone(),
            offset: self.server.repl.offset,
        }
    }
}

/// Whether `conn` is a replica's link to its master (rather than a
/// MIGRATE socket): hosts that treat the two apart ask this.
pub fn is_repl_conn(conn: ConnId) -> bool {
    replica::MasterLink::is_repl_conn(conn)
}

/// The seed of a node's replication IDs: its name and how many IDs it made
/// before (a restarted node starts a new history).
pub(in crate::node) fn replid_seed(id: NodeId, made: u64) -> u64 {
    id.as_str()
        .bytes()
        .fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
        })
        .wrapping_add(made << 32)
}

impl Node {
    /// The replication offset this node announces: a replica loading a
    /// full resync's RDB has none (`replicationGetSlaveOffset` with no
    /// master client and no cached one).
    pub fn repl_offset(&self) -> u64 {
        self.server.repl_offset()
    }
}

impl super::Server {
    /// [`Node::repl_offset`]: 0 while a full resync's RDB loads.
    pub(in crate::node) fn repl_offset(&self) -> u64 {
        if self.loading.is_some() || self.repl.link.loading_from_socket() {
            0
        } else {
            self.repl.offset
        }
    }
}
