//! The replica's side of replication (`replication.c`): its link to the
//! master and the handshake on it, as Redis's `repl_state` machine.
//!
//! `replicationSetMaster` (CONNECT) → `connectWithMaster` (CONNECTING) →
//! connected: `PING` (RECEIVE_PING_REPLY) → `AUTH` if `masterauth`,
//! `REPLCONF listening-port`, `REPLCONF capa eof capa psync2`, each reply
//! read in turn (`syncWithMaster`) → `PSYNC <replid> <offset+1>` with the
//! cached master's history, or `PSYNC ? -1` (RECEIVE_PSYNC_REPLY) →
//! `+FULLRESYNC` (TRANSFER, then the RDB: CONNECTED) or `+CONTINUE`
//! (CONNECTED at once). A lost link caches the master so the next PSYNC
//! can continue; `replicationCron` retries a failed connect once a second
//! and drops a handshake, transfer or silent master after `repl-timeout`.

use super::{master_link_client, stream_len, Backlog};
use crate::event::Event;
use crate::node::ServerCtx;
use crate::node::{ClientId, ConnId, Node, Output, ReplFrame};
use crate::resp::Value;
use crate::time::Time;
use std::net::SocketAddr;

/// Replication links get connection numbers from here up, apart from
/// MIGRATE's.
const REPL_CONN_BASE: u64 = 1 << 62;
/// The master client's `CLIENT LIST` ID: above every host-numbered client.
pub(crate) const MASTER_CLIENT_ID: ClientId = ClientId(u64::MAX - 1);

/// `server.repl_state`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
enum State {
    /// Not a replica (`REPL_STATE_NONE`).
    #[default]
    None,
    /// Must connect (`REPL_STATE_CONNECT`).
    Connect,
    /// Connecting (`REPL_STATE_CONNECTING`).
    Connecting,
    ReceivePingReply,
    ReceiveAuthReply,
    ReceivePortReply,
    ReceiveCapaReply,
    ReceivePsyncReply,
    /// Receiving the RDB (`REPL_STATE_TRANSFER`).
    Transfer,
    /// Synced: the stream flows (`REPL_STATE_CONNECTED`).
    Connected,
}

/// A replica's link to its master.
#[derive(Clone, Debug, Default)]
pub(crate) struct MasterLink {
    state: State,
    /// The link's connection, while there is one.
    conn: Option<ConnId>,
    links_made: u64,
    /// The master's client address (`masterhost`, `masterport`).
    to: Option<SocketAddr>,
    /// Last read on the link during the handshake (`repl_transfer_lastio`).
    lastio: Time,
    /// While connected, the master's last write (`master->lastinteraction`);
    /// while not, when the link went down (`repl_down_since`). `None`:
    /// down since ever (never synced with this master).
    last_io: Option<Time>,
    /// `+FULLRESYNC`'s replication ID and offset (`None` after SYNC).
    transfer: Option<(String, u64)>,
    /// The cached master's history and offset, to PSYNC with.
    cached: Option<(String, u64)>,
    /// The full resync's RDB as far as it arrived.
    incoming: Option<Incoming>,
}

/// A full resync's RDB arriving in pieces (`readSyncBulkPayload`). With
/// `repl-diskless-load swapdb`, or `on-empty-db` and no key, Redis loads it
/// from the socket as it comes (`useDisklessLoad`): into a temporary
/// keyspace for swapdb (`disklessLoadInitTempDb`), serving the old one
/// meanwhile when the master's history is mine (`async_loading:1`:
/// commands flagged `no-async-loading` get `-LOADING`), else behind
/// `loading:1`. A transfer that fails discards what it loaded
/// (`disklessLoadDiscardTempDb`) and the old keyspace stays; one that
/// ends replaces it. Otherwise (`disabled`) the RDB goes to a file and
/// the old keyspace is served as usual until it is whole. Here the
/// pieces are kept and decoded once whole.
#[derive(Clone, Debug)]
struct Incoming {
    bytes: Vec<u8>,
    /// Loaded from the socket as it comes.
    diskless: bool,
    /// Loaded while the old keyspace is served.
    async_load: bool,
}

impl MasterLink {
    /// A master link is set up (`server.masterhost != NULL`).
    pub fn configured(&self) -> bool {
        self.state != State::None
    }

    /// `repl_state == REPL_STATE_CONNECTED`: `master_link_status:up`.
    pub fn connected(&self) -> bool {
        self.state == State::Connected
    }

    /// `master_sync_in_progress`: the RDB is coming.
    pub fn in_transfer(&self) -> bool {
        self.state == State::Transfer
    }

    /// ROLE's state word (`roleCommand`).
    pub fn role_state(&self) -> &'static str {
        match self.state {
            State::None => "none",
            State::Connect => "connect",
            State::Connecting => "connecting",
            State::Transfer => "sync",
            State::Connected => "connected",
            _ => "handshake",
        }
    }

    /// `async_loading`: the RDB loads while the old keyspace is served.
    pub fn async_loading(&self) -> bool {
        self.incoming.as_ref().is_some_and(|i| i.async_load)
    }

    /// A diskless load that refuses commands (`loading:1` without
    /// `async_loading`).
    pub fn loading_from_socket(&self) -> bool {
        self.incoming
            .as_ref()
            .is_some_and(|i| i.diskless && !i.async_load)
    }

    /// `+FULLRESYNC`'s replication ID: the history a full resync starts.
    pub(super) fn transfer_id(&self) -> Option<&str> {
        self.transfer.as_ref().map(|(id, _)| id.as_str())
    }

    /// See [`MasterLink::last_io`]'s field.
    pub fn last_io(&self) -> Option<Time> {
        self.last_io
    }

    /// Whether `conn` is a replication link number (this one or an old one).
    pub fn is_repl_conn(conn: ConnId) -> bool {
        conn.0 >= REPL_CONN_BASE
    }
}

impl Node {
    /// `replicationSetMaster`: follow (or keep following) my master. A
    /// former master caches its own history, so its PSYNC can continue
    /// where the new master's history forked from it.
    pub(crate) fn repl_set_master(&mut self, now: Time) {
        let was_master = !self.server.repl.link.configured();
        if self.server.repl.link.connected() {
            // `freeClient(server.master)`: the link is down from now.
            self.server.repl.link.last_io = Some(now);
        }
        self.serving().drop_master_link();
        self.server.repl.link.transfer = None;
        if was_master {
            self.server.repl.link.cached =
                Some((self.server.repl.replid.clone(), self.server.repl.offset));
        }
        self.server.repl.link.state = State::Connect;
        self.serving().connect_with_master(now);
    }

    /// `replicationUnsetMaster`: promoted. The inherited history becomes
    /// the secondary one, so the former siblings continue with `+CONTINUE`
    /// after they reconnect.
    pub(crate) fn repl_unset_master(&mut self) {
        if !self.server.repl.link.configured() {
            return;
        }
        self.serving().drop_master_link();
        self.server.repl.link = MasterLink {
            links_made: self.server.repl.link.links_made,
            ..MasterLink::default()
        };
        self.server.repl.shift_replid();
        self.disconnect_slaves();
        self.server.repl.select_pending = true;
    }

    /// The link connected: `syncWithMaster` starts with a PING.
    pub(in crate::node) fn repl_link_up(&mut self, now: Time, conn: ConnId) {
        if self.server.repl.link.conn != Some(conn)
            || self.server.repl.link.state != State::Connecting
        {
            return;
        }
        self.server.repl.link.lastio = now;
        self.server.repl.link.state = State::ReceivePingReply;
        self.serving().send_to_master(&[b"PING"]);
    }

    /// A reply from the master during the handshake (`syncWithMaster`'s
    /// reads, `slaveTryPartialResynchronization`'s read).
    pub(in crate::node) fn repl_reply(&mut self, now: Time, conn: ConnId, reply: Value) {
        if self.server.repl.link.conn != Some(conn) {
            return;
        }
        self.server.repl.link.lastio = now;
        let line = match &reply {
            Value::Simple(s) => s.clone(),
            Value::Error(e) => format!("-{e}"),
            _ => String::new(),
        };
        let error = line.starts_with('-');
        match self.server.repl.link.state {
            State::ReceivePingReply => {
                let auth_missing = ["-NOAUTH", "-NOPERM", "-ERR operation not permitted"]
                    .iter()
                    .any(|p| line.starts_with(p));
                if error && !auth_missing {
                    return self
                        .handshake_failed(format!("Error reply to PING from master: '{line}'"));
                }
                // The rest of the handshake goes out at once; the replies
                // are read one by one.
                let auth = self.cfg.repl.masterauth.clone();
                if let Some(pass) = &auth {
                    self.serving().send_to_master(&[b"AUTH", pass.as_bytes()]);
                }
                let port = self.me().port.to_string();
                self.serving()
                    .send_to_master(&[b"REPLCONF", b"listening-port", port.as_bytes()]);
                self.serving()
                    .send_to_master(&[b"REPLCONF", b"capa", b"eof", b"capa", b"psync2"]);
                self.server.repl.link.state = if auth.is_some() {
                    State::ReceiveAuthReply
                } else {
                    State::ReceivePortReply
                };
            }
            State::ReceiveAuthReply => {
                if error {
                    return self.handshake_failed(format!("Unable to AUTH to MASTER: {line}"));
                }
                self.server.repl.link.state = State::ReceivePortReply;
            }
            // Errors to these are only logged: old masters lack them.
            State::ReceivePortReply => self.server.repl.link.state = State::ReceiveCapaReply,
            State::ReceiveCapaReply => self.send_psync(),
            State::ReceivePsyncReply => self.psync_reply(now, &line),
            State::Transfer if error => {
                self.handshake_failed(format!(
                    "MASTER aborted replication with an error: {}",
                    &line[1..]
                ));
            }
            _ => {}
        }
    }

    /// `slaveTryPartialResynchronization`'s write: the cached master's
    /// history and the next offset, or `? -1`.
    fn send_psync(&mut self) {
        let (replid, from) = match &self.server.repl.link.cached {
            Some((id, offset)) => (id.clone(), (offset + 1).to_string()),
            None => ("?".to_string(), "-1".to_string()),
        };
        self.serving()
            .send_to_master(&[b"PSYNC", replid.as_bytes(), from.as_bytes()]);
        self.server.repl.link.state = State::ReceivePsyncReply;
        let why = if replid == "?" {
            "Partial resynchronization not possible (no cached master)"
        } else {
            "Trying a partial resynchronization"
        };
        self.serving()
            .repl_event(format!("PSYNC {replid} {from}: {why}"));
    }

    /// `slaveTryPartialResynchronization`'s read.
    fn psync_reply(&mut self, now: Time, line: &str) {
        let mut words = line.split(' ');
        match words.next() {
            Some("FULLRESYNC") => {
                let replid = words.next().unwrap_or_default().to_string();
                let offset = words.next().and_then(|o| o.parse().ok()).unwrap_or(0);
                self.serving().repl_event(format!(
                    "+FULLRESYNC {replid} {offset}: Full resync from master"
                ));
                self.server.repl.link.cached = None;
                self.server.repl.link.transfer = Some((replid, offset));
                self.server.repl.link.state = State::Transfer;
            }
            Some("CONTINUE") => {
                let Some((cached_id, offset)) = self.server.repl.link.cached.take() else {
                    return self.handshake_failed("+CONTINUE without a cached master".into());
                };
                self.serving().repl_event(
                    "+CONTINUE: Successful partial resynchronization with master.".into(),
                );
                // The master's history has a new name (a promotion): mine
                // follows, the old one valid up to here.
                let new_id = words.next().filter(|id| id.len() == 40);
                self.server.repl.replid = cached_id;
                if let Some(id) = new_id {
                    if id != self.server.repl.replid {
                        self.server.repl.replid2 =
                            Some((self.server.repl.replid.clone(), offset + 1));
                        self.server.repl.replid = id.to_string();
                    }
                }
                self.server.repl.offset = offset;
                if self.server.repl.backlog.is_none() {
                    self.server.repl.backlog = Some(Backlog::new(offset));
                }
                self.master_link_established(now);
            }
            _ if line.starts_with("-NOMASTERLINK") || line.starts_with("-LOADING") => {
                self.handshake_failed(format!(
                    "Master is currently unable to PSYNC but should be in the future: {line}"
                ));
            }
            // An error: the master does not know PSYNC; try SYNC.
            _ if line.starts_with('-') => {
                self.server.repl.link.cached = None;
                self.server.repl.link.transfer = None;
                self.serving().send_to_master(&[b"SYNC"]);
                self.server.repl.link.state = State::Transfer;
            }
            _ => {}
        }
    }

    /// The link is synced: a fresh master client, the data's age resets.
    fn master_link_established(&mut self, now: Time) {
        self.server.repl.link.state = State::Connected;
        self.server.repl.link.last_io = Some(now);
        let mut client = master_link_client();
        let mine = self.me().ip().zip(Some(self.me().port));
        if let (Some(to), Some((ip, port))) = (self.server.repl.link.to, mine) {
            client.addr = Some((to, SocketAddr::new(ip, port)));
        }
        client.created = now;
        client.last_interaction = now;
        self.server.repl.master_client = client;
        self.cluster.todo |= crate::node::cluster::todo::HANDLE_MANUALFAILOVER;
    }

    /// `cancelReplicationHandshake`: the link goes; CONNECT again, and the
    /// next `replicationCron` reconnects.
    fn handshake_failed(&mut self, why: String) {
        self.serving().repl_event(why);
        self.serving().drop_master_link();
        self.server.repl.link.state = State::Connect;
    }

    /// The master's frames after its reply to PSYNC.
    pub(in crate::node) fn repl_frame(&mut self, now: Time, conn: ConnId, frame: ReplFrame) {
        if self.server.repl.link.conn != Some(conn) {
            return;
        }
        self.server.repl.link.lastio = now;
        match (self.server.repl.link.state, frame) {
            (State::Transfer, ReplFrame::Snapshot { offset, data }) => {
                // The RDB as the master sends it: a disk-based load keeps it
                // as a file, and its size paces a slowed load's event windows
                // (`loading-process-events-interval-bytes`), so it is encoded
                // once, and for a diskless load only when the load is slowed.
                let file = (!self.use_diskless_load()).then(|| self.sync_rdb(now, &data, offset));
                let size = file.as_ref().map(|f| f.len() as u64);
                if let Some(file) = file {
                    self.keep_sync_rdb(now, file);
                }
                let info = crate::rdb::file::ReplInfo {
                    replid: self.server.repl.replid.clone(),
                    offset,
                };
                let bytes = |data: &crate::keyspace::Keyspace| {
                    size.unwrap_or_else(|| crate::rdb::file::encode(data, now, &info).len() as u64)
                };
                if let Some(data) = self.start_loading(now, data, offset, bytes) {
                    self.full_sync_loaded(now, data, offset);
                }
            }
            (
                State::Transfer,
                ReplFrame::RdbPart {
                    offset,
                    bytes,
                    last,
                    ..
                },
            ) => self.rdb_part(now, offset, bytes, last),
            (State::Connected, frame) => self.apply_master_frame(now, frame),
            _ => {}
        }
    }

    /// A piece of the full resync's RDB; the last one loads it.
    fn rdb_part(&mut self, now: Time, offset: u64, bytes: Vec<u8>, last: bool) {
        if self.server.repl.link.incoming.is_none() {
            let diskless = self.use_diskless_load();
            let swapdb = self.cfg.param_str("repl-diskless-load") == "swapdb";
            let mine = self
                .server
                .repl
                .link
                .transfer
                .as_ref()
                .is_some_and(|(id, _)| *id == self.server.repl.replid);
            self.serving().repl_event(format!(
                "MASTER <-> REPLICA sync: receiving RDB from master {}",
                if diskless { "to parser" } else { "to disk" }
            ));
            self.server.repl.link.incoming = Some(Incoming {
                bytes: Vec::new(),
                diskless,
                async_load: swapdb && mine,
            });
        }
        let Some(incoming) = self.server.repl.link.incoming.as_mut() else {
            return;
        };
        incoming.bytes.extend_from_slice(&bytes);
        if !last {
            return;
        }
        let Some(incoming) = self.server.repl.link.incoming.take() else {
            return;
        };
        let size = incoming.bytes.len() as u64;
        let loaded = crate::rdb::file::decode(&incoming.bytes, self.config().packing());
        let from = if incoming.diskless {
            "socket"
        } else {
            self.keep_sync_rdb(now, incoming.bytes);
            "disk"
        };
        let loaded = match loaded {
            Ok(loaded) => loaded,
            Err(e) => {
                return self.handshake_failed(format!(
                    "Failed trying to load the MASTER synchronization DB from {from}: {e}"
                ))
            }
        };
        let data = Box::new(loaded.keyspace);
        if let Some(data) = self.start_loading(now, data, offset, |_| size) {
            self.full_sync_loaded(now, data, offset);
        }
    }

    /// The full resync's RDB is loaded (`readSyncBulkPayload` after
    /// `rdbLoad`): the dataset replaces ours and the stream flows.
    pub(in crate::node) fn full_sync_loaded(
        &mut self,
        now: Time,
        data: Box<crate::keyspace::Keyspace>,
        offset: u64,
    ) {
        let (replid, offset) = self
            .server
            .repl
            .link
            .transfer
            .take()
            .unwrap_or_else(|| (self.server.repl.replid.clone(), offset));
        // `replicationAttachToNewMaster`: my replicas and backlog
        // belonged to the old history.
        self.disconnect_slaves();
        let mut data = *data;
        data.stamp_loaded(&self.config().aging_clock(now));
        data.keep_shared_integers(&self.server.keyspace);
        self.server.keyspace = data;
        // The master's own notes of deleted keys stay there.
        self.server.keyspace.take_expired();
        self.apply_notify_flags();
        // `emptyData`'s `signalFlushedDb`: tracking clients drop their caches.
        self.server.keyspace.take_modified();
        self.server.keyspace.note_modified_keys(self.tracking_on());
        self.serving().tracking_flushed(None);
        // Readers blocked here keep waiting on the new data.
        self.serving().watch_stream_keys();
        self.server.repl.replid = replid;
        self.server.repl.replid2 = None;
        self.server.repl.offset = offset;
        self.server.repl.backlog = Some(Backlog::new(offset));
        self.master_link_established(now);
        self.serving()
            .repl_event("MASTER <-> REPLICA sync: Finished with success".into());
        // Diskless: the first ACK puts this replica online at once.
        self.serving().send_ack();
        self.restart_aof_after_sync(now);
    }

    /// One frame of the synced stream: applied, counted (by its size in
    /// Redis's bytes: the frame's own offset is the master's count, which
    /// a decoder of real bytes cannot know), kept in the backlog and passed
    /// on to my own replicas (`replicationFeedStreamFromMasterStream`).
    fn apply_master_frame(&mut self, now: Time, frame: ReplFrame) {
        self.server.repl.link.last_io = Some(now);
        self.server.repl.master_client.last_interaction = now;
        let (len, frame) = match frame {
            ReplFrame::Command { args, .. } => {
                let len = stream_len(&args);
                let mut client = std::mem::take(&mut self.server.repl.master_client);
                crate::command::apply_replicated(self, now, &mut client, args.clone());
                self.server.repl.master_client = client;
                self.server.repl.offset += len;
                let offset = self.server.repl.offset;
                (len, ReplFrame::Command { offset, args })
            }
            ReplFrame::Ping { .. } => {
                self.server.repl.offset += super::REPL_PING_BYTES;
                let offset = self.server.repl.offset;
                (super::REPL_PING_BYTES, ReplFrame::Ping { offset })
            }
            // The ACK reports what was processed before the GETACK; the
            // GETACK itself then counts (`replconfCommand`).
            ReplFrame::GetAck { .. } => {
                self.serving().send_ack();
                self.server.repl.offset += super::REPL_GETACK_BYTES;
                let offset = self.server.repl.offset;
                (super::REPL_GETACK_BYTES, ReplFrame::GetAck { offset })
            }
            ReplFrame::Snapshot { .. } | ReplFrame::RdbPart { .. } => return,
        };
        self.serving().feed_stream(len, frame);
        self.cluster.todo |= crate::node::cluster::todo::HANDLE_MANUALFAILOVER;
    }

    /// The link's connection closed (or its connect failed).
    pub(in crate::node) fn repl_conn_closed(&mut self, now: Time, conn: ConnId) {
        if self.server.repl.link.conn != Some(conn) {
            return;
        }
        self.server.repl.link.conn = None;
        match self.server.repl.link.state {
            State::Connected => self.serving().master_disconnected(now),
            State::Connecting => {
                self.server.repl.link.state = State::Connect;
            }
            State::Transfer if self.server.repl.link.incoming.is_some() => self.handshake_failed(
                "Failed trying to load the MASTER synchronization DB from socket: connection lost"
                    .into(),
            ),
            _ => self.handshake_failed("Connection with master lost during the handshake".into()),
        }
    }

    /// `replicationCron`'s replica part: timeouts, the reconnect, the ACK.
    pub(super) fn replica_cron(&mut self, now: Time) {
        if !self.is_replica() || !self.server.repl.link.configured() {
            return;
        }
        let timeout = self.cfg.repl.timeout * 1000;
        let link = &self.server.repl.link;
        let secs = |t: Time| (now.ms() / 1000).saturating_sub(t.ms() / 1000) * 1000;
        match link.state {
            State::Connect | State::None => {}
            State::Connected if link.last_io.is_some_and(|t| secs(t) > timeout) => {
                self.serving()
                    .repl_event("MASTER timeout: no data nor PING received...".into());
                self.serving().master_disconnected(now);
                return;
            }
            State::Connected => {}
            State::Transfer if secs(link.lastio) > timeout => {
                return self.handshake_failed(
                    "Timeout receiving bulk data from MASTER... If the problem persists try to set the 'repl-timeout' parameter in redis.conf to a larger value.".into(),
                );
            }
            _ if secs(link.lastio) > timeout => {
                return self.handshake_failed("Timeout connecting to the MASTER...".into());
            }
            _ => {}
        }
        if self.server.repl.link.state == State::Connect {
            self.serving().connect_with_master(now);
        }
        self.serving().send_ack();
    }
}

/// What commands call of these rules (the node reaches them through
/// `Node::serving`).
impl ServerCtx<'_> {
    /// The master's client address, once the link was set up.
    pub(crate) fn master_client_addr(&self) -> Option<SocketAddr> {
        self.server.repl.link.to.filter(|_| self.is_replica())
    }

    /// `replicationSendAck`: `REPLCONF ACK <offset>` when connected.
    pub(crate) fn send_ack(&mut self) {
        if self.server.repl.link.connected() {
            let offset = self.server.repl.offset.to_string();
            self.send_to_master(&[b"REPLCONF", b"ACK", offset.as_bytes()]);
        }
    }

    /// Writes a command on the link.
    fn send_to_master(&mut self, args: &[&[u8]]) {
        let (Some(conn), Some(to)) = (self.server.repl.link.conn, self.server.repl.link.to) else {
            return;
        };
        let args = args.iter().map(|a| a.to_vec()).collect();
        self.out.push_back(Output::Request { conn, to, args });
    }

    /// The master client with its ID, for CLIENT LIST and KILL
    /// (`server.master`), while synced.
    pub(crate) fn master_client(&self) -> Option<(ClientId, &crate::command::ClientState)> {
        self.server
            .repl
            .link
            .connected()
            .then_some((MASTER_CLIENT_ID, &self.server.repl.master_client))
    }

    /// CLIENT KILL on the master client: `freeClient(server.master)`.
    pub(crate) fn kill_master_client(&mut self, now: Time) {
        if self.server.repl.link.connected() {
            self.master_disconnected(now);
        }
    }

    /// `replicationCacheMaster` + `replicationHandleMasterDisconnection`:
    /// the synced link broke; keep its history and offset to continue, and
    /// reconnect at once.
    fn master_disconnected(&mut self, now: Time) {
        self.repl_event("Connection with master lost.".into());
        self.drop_master_link();
        self.server.repl.link.cached =
            Some((self.server.repl.replid.clone(), self.server.repl.offset));
        self.server.repl.link.last_io = Some(now);
        self.server.repl.link.state = State::Connect;
        self.connect_with_master(now);
    }

    /// `connectWithMaster`: opens a new link to the master's client port.
    fn connect_with_master(&mut self, now: Time) {
        let Some(to) = self
            .routing()
            .master()
            .and_then(|m| self.routing().peer(m))
            .and_then(|p| p.ip().map(|ip| SocketAddr::new(ip, p.port)))
        else {
            return;
        };
        let link = &mut self.server.repl.link;
        link.links_made += 1;
        let conn = ConnId(REPL_CONN_BASE + link.links_made);
        link.conn = Some(conn);
        link.to = Some(to);
        link.state = State::Connecting;
        link.lastio = now;
        self.out.push_back(Output::ReplConnect { conn, to });
    }

    /// Closes the link and frees the master client, if any.
    fn drop_master_link(&mut self) {
        if let Some(conn) = self.server.repl.link.conn.take() {
            self.out.push_back(Output::Hangup(conn));
        }
        if self
            .server
            .repl
            .link
            .incoming
            .take()
            .is_some_and(|i| i.diskless)
        {
            self.repl_event(
                "MASTER <-> REPLICA sync: Discarding temporary DB in background".into(),
            );
        }
        self.server.repl.master_client = master_link_client();
    }

    fn repl_event(&mut self, what: String) {
        self.emit(Event::Replication { what });
    }
}
