//! Replication (Redis's PSYNC stream), modelled as frames: a replica attaches
//! and gets a snapshot (full resync), then every write command; offsets rank
//! replicas in elections, the age of the last frame decides whether a replica
//! may fail over, and ACKs answer WAIT. Offsets count the stream's bytes as
//! Redis does, so the native node can carry these frames in Redis's own
//! protocol ([`crate::repl_wire`]) to and from real redis-server nodes.

use super::{ClientId, Node, Output, ReplFrame};
use crate::command::ClientState;
use crate::id::NodeId;
use crate::keyspace::Keyspace;
use crate::resp::Value;
use crate::time::Time;
use std::collections::BTreeMap;

/// Size of the `PING` a master writes into the stream every
/// `repl-ping-replica-period` (`*1\r\n$4\r\nPING\r\n`): it advances offsets.
const REPL_PING_BYTES: u64 = 14;
/// Size of `REPLCONF GETACK *` in the stream (`*3\r\n$8\r\nREPLCONF\r\n$6\r\nGETACK\r\n$1\r\n*\r\n`).
const REPL_GETACK_BYTES: u64 = 37;
/// Replicas retry attaching, and send `REPLCONF ACK`, once a second.
const REPL_CRON_MS: u64 = 1000;

#[derive(Clone, Debug)]
pub(super) struct Replication {
    /// master_repl_offset for a master; the processed offset for a replica.
    pub offset: u64,
    /// Replica: last time the master sent anything (`master->lastinteraction`);
    /// `None` until the first sync — Redis's `repl_down_since = 0`, "down
    /// since ever", so a replica that never synced cannot fail over.
    last_interaction: Option<Time>,
    /// Master: when the next stream PING is due.
    next_ping: Time,
    /// Replica: got the snapshot from the current master.
    synced: bool,
    /// Replica: next `Sync` / `Ack`.
    next_replica_cron: Time,
    /// Master: last acknowledged offset of each replica, and when it came.
    acks: BTreeMap<NodeId, (u64, Time)>,
    /// Master: a full resync happened since the last write, so the next
    /// write is preceded by `SELECT 0` in the stream (`server.slaveseldb = -1`).
    select_pending: bool,
    /// A replication backlog exists: made by the first full resync this
    /// node served or received. Until then a write feeds no stream and
    /// leaves `master_repl_offset` at 0 (7.0's `replicationFeedSlaves`
    /// returns early with no backlog and no replica).
    backlog: bool,
    /// What the command running now propagates, held until it ends so it
    /// goes out as one unit ([`Node::end_call`]); `None` outside a command.
    batch: Option<Vec<Vec<Vec<u8>>>>,
    /// Replica: the client that applies the master's stream
    /// (`server.master`). It lives as long as the link, so a streamed
    /// `MULTI` queues what follows and `EXEC` applies it all at once.
    master_client: ClientState,
}

impl Replication {
    pub fn new(now: Time) -> Self {
        Replication {
            offset: 0,
            last_interaction: None,
            next_ping: now,
            synced: false,
            next_replica_cron: now,
            acks: BTreeMap::new(),
            select_pending: false,
            backlog: false,
            batch: None,
            master_client: master_link_client(),
        }
    }

    /// A new master: resync with it. A link that was up went down now.
    pub fn set_master(&mut self, now: Time) {
        if self.last_interaction.is_some() {
            self.last_interaction = Some(now);
        }
        self.synced = false;
        self.next_replica_cron = now;
        self.master_client = master_link_client();
    }

    /// A replication backlog exists (the node is part of a replication chain).
    pub fn backlog_exists(&self) -> bool {
        self.backlog
    }

    /// Milliseconds since the master last sent data, at Redis's one-second
    /// resolution (`unixtime` arithmetic).
    pub fn data_age(&self, now: Time) -> u64 {
        match self.last_interaction {
            Some(t) => (now.ms() / 1000).saturating_sub(t.ms() / 1000) * 1000,
            None => u64::MAX,
        }
    }
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
    /// Every cron: the master's stream PING, the replica's attach and ACK.
    pub(super) fn repl_cron(&mut self, now: Time) {
        if self.is_replica() {
            if now < self.repl.next_replica_cron {
                return;
            }
            self.repl.next_replica_cron = now + REPL_CRON_MS;
            let frame = if self.repl.synced {
                ReplFrame::Ack {
                    offset: self.repl.offset,
                }
            } else {
                ReplFrame::Sync {
                    offset: self.repl.offset,
                }
            };
            self.send_to_master(frame);
            return;
        }
        // While a manual failover pauses writes the stream stays still too,
        // so the replica can reach exactly the master's offset.
        if now < self.repl.next_ping || self.writes_paused(now) {
            return;
        }
        self.repl.next_ping = now + self.cfg.repl_ping_replica_period * 1000;
        if self.me().replicas.is_empty() {
            return;
        }
        self.repl.offset += REPL_PING_BYTES;
        let offset = self.repl.offset;
        self.stream_to_replicas(ReplFrame::Ping { offset });
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
        for key in self.keyspace.take_expired() {
            let del = vec![b"DEL".to_vec(), key];
            self.touch_watched(&del);
            self.hold_or_stream(del);
        }
    }

    /// A master with a replica or a backlog: writes go into its stream
    /// (7.0's `replicationFeedSlaves` returns early otherwise, so
    /// `master_repl_offset` stays 0 on a master that never had a replica).
    fn feeds_stream(&self) -> bool {
        let me = self.me();
        me.is_master() && (self.repl.backlog || !me.replicas.is_empty())
    }

    fn hold_or_stream(&mut self, args: Vec<Vec<u8>>) {
        match &mut self.repl.batch {
            Some(ops) => ops.push(args),
            None => self.stream_op(args),
        }
    }

    /// How many operations the running command holds for the stream, so a
    /// script's `redis.set_repl(redis.REPL_NONE)` can drop what follows.
    #[cfg(feature = "lua")]
    pub(crate) fn held_ops(&self) -> usize {
        self.repl.batch.as_ref().map_or(0, Vec::len)
    }

    /// Drops the operations held since [`Node::held_ops`] said `from`.
    #[cfg(feature = "lua")]
    pub(crate) fn drop_held_ops(&mut self, from: usize) {
        if let Some(ops) = &mut self.repl.batch {
            ops.truncate(from);
        }
    }

    /// A command starts (`call()`): hold what it propagates. False when a
    /// command is already running (EXEC's queued commands join its batch).
    pub(crate) fn begin_call(&mut self) -> bool {
        if self.repl.batch.is_some() {
            return false;
        }
        self.repl.batch = Some(Vec::new());
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
        let Some(ops) = self.repl.batch.take() else {
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
        if std::mem::take(&mut self.repl.select_pending) {
            let select = vec![b"SELECT".to_vec(), b"0".to_vec()];
            self.repl.offset += stream_len(&select);
            let frame = ReplFrame::Command {
                offset: self.repl.offset,
                args: select,
            };
            self.stream_to_replicas(frame);
        }
        self.repl.offset += stream_len(&args);
        // With a backlog but no replica the offset still moves.
        if self.me().replicas.is_empty() {
            return;
        }
        let frame = ReplFrame::Command {
            offset: self.repl.offset,
            args,
        };
        self.stream_to_replicas(frame);
    }

    fn stream_to_replicas(&mut self, frame: ReplFrame) {
        let replicas: Vec<(NodeId, std::net::SocketAddr)> = self
            .me()
            .replicas
            .iter()
            .filter_map(|r| self.peer(*r).and_then(|p| p.bus_addr().map(|a| (*r, a))))
            .collect();
        for (to, addr) in replicas {
            let frame = frame.clone();
            self.out.push_back(Output::Repl { to, addr, frame });
        }
    }

    fn send_to_master(&mut self, frame: ReplFrame) {
        let Some(master) = self.master() else { return };
        if let Some(addr) = self.peer(master).and_then(|p| p.bus_addr()) {
            self.out.push_back(Output::Repl {
                to: master,
                addr,
                frame,
            });
        }
    }

    /// A replication frame from `from`.
    pub(super) fn process_repl(&mut self, now: Time, from: NodeId, frame: ReplFrame) {
        match frame {
            ReplFrame::Sync { .. } => {
                if !self.is_master() {
                    return;
                }
                let Some(addr) = self.peer(from).and_then(|p| p.bus_addr()) else {
                    return;
                };
                let snapshot = ReplFrame::Snapshot {
                    offset: self.repl.offset,
                    data: Box::new(self.keyspace.clone()),
                };
                self.repl.select_pending = true;
                self.repl.backlog = true;
                self.out.push_back(Output::Repl {
                    to: from,
                    addr,
                    frame: snapshot,
                });
            }
            ReplFrame::Ack { offset } => {
                if self.is_master() {
                    self.repl.acks.insert(from, (offset, now));
                    self.release_replica_waiters();
                }
            }
            master_frame => {
                // Only the stream of my current master counts.
                if !self.is_replica() || self.master() != Some(from) {
                    return;
                }
                self.repl.last_interaction = Some(now);
                match master_frame {
                    ReplFrame::Snapshot { offset, data } => {
                        // The RDB as the master sends it: its size paces
                        // a slowed load's event windows.
                        let repl = crate::rdb::file::ReplInfo {
                            replid: from.to_string(),
                            offset,
                        };
                        let bytes = crate::rdb::file::encode(&data, now, &repl).len() as u64;
                        if let Some(data) = self.start_loading(now, data, offset, bytes) {
                            self.full_sync_loaded(data, offset);
                        }
                    }
                    ReplFrame::Command { offset, args } if self.repl.synced => {
                        let mut client = std::mem::take(&mut self.repl.master_client);
                        crate::command::apply_replicated(self, now, &mut client, args);
                        self.repl.master_client = client;
                        self.repl.offset = offset;
                    }
                    ReplFrame::Ping { offset } if self.repl.synced => self.repl.offset = offset,
                    // The ACK reports what was processed before the GETACK;
                    // the GETACK itself then counts (`replconfCommand`).
                    ReplFrame::GetAck { offset } => {
                        let acked = self.repl.offset;
                        self.send_to_master(ReplFrame::Ack { offset: acked });
                        if self.repl.synced {
                            self.repl.offset = offset;
                        }
                    }
                    _ => {}
                }
                self.todo |= super::todo::HANDLE_MANUALFAILOVER;
            }
        }
    }

    /// The full resync's RDB is loaded (`readSyncBulkPayload` after
    /// `rdbLoad`): the dataset replaces ours and the stream flows.
    pub(super) fn full_sync_loaded(&mut self, data: Box<Keyspace>, offset: u64) {
        self.keyspace = *data;
        // The master's own notes of deleted keys stay there.
        self.keyspace.take_expired();
        self.apply_notify_flags();
        // `emptyData`'s `signalFlushedDb`: tracking clients drop their caches.
        self.keyspace.take_modified();
        self.keyspace.note_modified_keys(self.tracking_on());
        self.tracking_flushed(None);
        // Readers blocked here keep waiting on the new data.
        self.watch_stream_keys();
        self.repl.offset = offset;
        self.repl.synced = true;
        self.repl.backlog = true;
        // A transaction cut by the resync is dropped.
        self.repl.master_client = master_link_client();
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
        let offset = self.repl.offset;
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
        if !self.me().replicas.is_empty() {
            self.repl.offset += REPL_GETACK_BYTES;
            let offset = self.repl.offset;
            self.stream_to_replicas(ReplFrame::GetAck { offset });
        }
        None
    }

    /// Replicas that acknowledged everything written so far (WAIT in MULTI).
    pub(crate) fn acked_now(&self) -> u64 {
        self.acked_replicas(self.repl.offset)
    }

    pub(super) fn acked_replicas(&self, offset: u64) -> u64 {
        self.me()
            .replicas
            .iter()
            .filter(|r| self.repl.acks.get(r).is_some_and(|(o, _)| *o >= offset))
            .count() as u64
    }

    /// The replica's last acknowledged offset and seconds since it came
    /// (`repl_ack_off`, `repl_ack_time`), once it acknowledged anything.
    pub(crate) fn replica_ack(&self, now: Time, replica: NodeId) -> Option<(u64, u64)> {
        self.repl
            .acks
            .get(&replica)
            .map(|(o, t)| (*o, now.since(*t) / 1000))
    }

    /// Replica: the link to the master is synced (`repl_state == REPL_STATE_CONNECTED`).
    pub fn master_link_up(&self) -> bool {
        self.is_replica() && self.repl.synced
    }

    /// `ROLE`: `master offset [[ip port offset]…]` with the replicas that
    /// acknowledged the stream, or `slave ip port state offset`.
    pub(crate) fn role(&self, now: Time) -> Value {
        let v = self.view();
        let ip = |p: &super::PeerView| p.ip.map(|i| i.to_string()).unwrap_or_default();
        if self.is_master() {
            let replicas = v
                .nodes
                .iter()
                .filter(|p| p.master == Some(v.id))
                .filter_map(|p| {
                    let (offset, _) = self.replica_ack(now, p.id)?;
                    Some(Value::Array(vec![
                        Value::bulk(ip(p)),
                        Value::bulk(p.port.to_string()),
                        Value::bulk(offset.to_string()),
                    ]))
                })
                .collect();
            return Value::Array(vec![
                Value::bulk("master"),
                Value::Integer(self.repl.offset as i64),
                Value::Array(replicas),
            ]);
        }
        let master = self.master().and_then(|m| v.node(m));
        Value::Array(vec![
            Value::bulk("slave"),
            Value::bulk(master.map(ip).unwrap_or_default()),
            Value::Integer(master.map_or(0, |m| m.port as i64)),
            Value::bulk(if self.repl.synced {
                "connected"
            } else {
                "connect"
            }),
            Value::Integer(self.repl.offset as i64),
        ])
    }

    /// The link to the master broke: sync again on the next replica cron.
    pub(super) fn repl_link_closed(&mut self, now: Time, from: NodeId) {
        if self.is_replica() && self.master() == Some(from) {
            self.repl.synced = false;
            self.repl.next_replica_cron = now;
        }
    }
}
