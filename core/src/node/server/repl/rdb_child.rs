//! The RDB child of a full resync that takes time: `rdb-key-save-delay`
//! makes Redis's child sleep that many microseconds after each key
//! (`rdbSaveRio`'s `debugDelay`, a negative value sleeping 1 µs once in
//! that many keys). A diskless child (`rdbSaveToSlavesSockets`) writes
//! `$EOF:<mark>\r\n`, the RDB and the mark into a pipe whose buffer it
//! flushes each time it holds more than `PROTO_IOBUF_LEN` (16 KB,
//! `rioFdWrite`); the parent passes each flush on to the replicas
//! (`rdbPipeReadHandler`). So a replica receives the RDB in 16 KB pieces
//! over `keys × delay`, and one that loads it diskless (`repl-diskless-load
//! swapdb`) shows `async_loading:1` meanwhile. A disk-based child writes
//! the file first; the replicas get it whole once it ends.
//!
//! The replicas of a running child wait in `SLAVE_STATE_WAIT_BGSAVE_END`;
//! the stream written meanwhile is held for them and follows the RDB. A
//! replica asking for a full resync while a child runs waits for the next
//! one. Without a delay the child takes no time here (the node models no
//! CPU time) and the RDB goes out as one [`ReplFrame::Snapshot`].

use super::master::SlaveState;
use crate::keyspace::Keyspace;
use crate::node::ServerCtx;
use crate::node::{ClientId, Node, Output, ReplFrame};
use crate::time::Time;

/// `PROTO_IOBUF_LEN`: the child's pipe buffer is flushed past this size.
const PIPE_FLUSH_BYTES: usize = 16 * 1024;

/// A running RDB child.
#[derive(Clone, Debug)]
pub(super) struct RdbChild {
    /// The replicas it serves.
    targets: Vec<ClientId>,
    /// Diskless: streamed into the replicas' sockets as it is written.
    socket: bool,
    /// The stream offset of the snapshot.
    offset: u64,
    /// The snapshot (sent whole by a disk-based child).
    data: Box<Keyspace>,
    /// The RDB's bytes (a diskless child's).
    rdb: Vec<u8>,
    /// The end mark.
    mark: String,
    /// Keys in the snapshot.
    keys: u64,
    /// Time one key takes, in nanoseconds.
    per_key_ns: u64,
    started: Time,
    /// RDB bytes already passed on.
    sent: usize,
}

impl RdbChild {
    /// Bytes the child wrote once `done` keys are saved (keys are taken as
    /// equal in size; the header and trailer come with the first and last).
    fn written_at(&self, done: u64) -> usize {
        if done >= self.keys {
            return self.rdb.len();
        }
        (self.rdb.len() as u128 * done as u128 / self.keys.max(1) as u128) as usize
    }

    /// Keys saved by `now`.
    fn done_at(&self, now: Time) -> u64 {
        let ns = now.since(self.started) as u128 * 1_000_000;
        (ns / self.per_key_ns.max(1) as u128).min(self.keys as u128) as u64
    }

    /// When the next piece goes out: the next flush, or the end.
    fn deadline(&self) -> Time {
        let keys = if self.socket {
            let want = (self.sent + PIPE_FLUSH_BYTES + 1) as u128;
            (want * self.keys as u128).div_ceil(self.rdb.len().max(1) as u128)
        } else {
            self.keys as u128
        };
        let keys = keys.min(self.keys as u128);
        let ns = keys * self.per_key_ns as u128;
        self.started + ns.div_ceil(1_000_000) as u64
    }
}

impl Node {
    /// When the running child next writes (for `poll_timeout`).
    pub(crate) fn rdb_child_deadline(&self) -> Option<Time> {
        self.server.repl.child.as_ref().map(RdbChild::deadline)
    }

    /// Passes on what the child wrote by `now`; at its end the replicas
    /// go online and get the stream held for them.
    pub(crate) fn advance_rdb_child(&mut self, now: Time) {
        let Some(child) = self.server.repl.child.as_mut() else {
            return;
        };
        let done = child.done_at(now);
        let finished = done >= child.keys;
        if child.socket {
            let written = child.written_at(done);
            if finished || written - child.sent > PIPE_FLUSH_BYTES {
                let bytes = child.rdb[child.sent..written].to_vec();
                let first = child.sent == 0;
                child.sent = written;
                let frame = ReplFrame::RdbPart {
                    offset: child.offset,
                    mark: child.mark.clone(),
                    bytes,
                    first,
                    last: finished,
                };
                for client in child.targets.clone() {
                    let frame = frame.clone();
                    self.out.push_back(Output::Repl { client, frame });
                }
            }
        }
        if !finished {
            return;
        }
        let Some(child) = self.server.repl.child.take() else {
            return;
        };
        self.emit(crate::event::Event::Replication {
            what: "Background RDB transfer terminated with success".into(),
        });
        for id in child.targets {
            if !child.socket {
                let frame = ReplFrame::Snapshot {
                    offset: child.offset,
                    data: child.data.clone(),
                };
                self.out.push_back(Output::Repl { client: id, frame });
            }
            self.serving().replica_put_online(now, id);
        }
    }
}

/// What commands call of these rules (the node reaches them through
/// `Node::serving`).
impl ServerCtx<'_> {
    /// Whether an RDB child is running (`rdb_bgsave_in_progress` of a
    /// replication child).
    pub(crate) fn rdb_child_running(&self) -> bool {
        self.server.repl.child.is_some()
    }

    /// `startBgsaveForReplication` with a slowed child: the replicas wait
    /// for the end of the RDB (`SLAVE_STATE_WAIT_BGSAVE_END`). False when
    /// the child would take no time (the caller sends the snapshot whole).
    pub(super) fn start_rdb_child(
        &mut self,
        now: Time,
        targets: &[ClientId],
        socket: bool,
        offset: u64,
        data: Box<Keyspace>,
    ) -> bool {
        let per_key_ns = self.save_delay_ns();
        let keys = data.len() as u64;
        if per_key_ns == 0 || keys == 0 {
            return false;
        }
        let rdb = if socket {
            let info = crate::rdb::file::ReplInfo {
                replid: self.server.repl.replid.clone(),
                offset,
            };
            crate::rdb::with_compression(self.rdb_compression(), || {
                crate::rdb::file::encode(&data, now, &info)
            })
        } else {
            Vec::new()
        };
        for id in targets {
            if let Some(s) = self.server.repl.slaves.get_mut(id) {
                s.state = SlaveState::WaitBgsaveEnd;
            }
        }
        // `getRandomHexChars`: a mark that differs per transfer.
        let mark = super::history_id(self.server.repl.ids_made ^ offset.rotate_left(17) ^ now.ms());
        self.server.repl.child = Some(RdbChild {
            targets: targets.to_vec(),
            socket,
            offset,
            data,
            rdb,
            mark,
            keys,
            per_key_ns,
            started: now,
            sent: 0,
        });
        true
    }

    /// `rdb-key-save-delay` as the time one key takes, in nanoseconds.
    fn save_delay_ns(&self) -> u64 {
        let delay = self
            .cfg
            .param_str("rdb-key-save-delay")
            .parse()
            .unwrap_or(0);
        super::super::loading::debug_delay_ns(delay)
    }

    /// A replica of the running child went away: the child ends with
    /// its last replica (`killRDBChild` once no replica is left).
    pub(super) fn rdb_child_lost(&mut self, id: ClientId) {
        if let Some(child) = self.server.repl.child.as_mut() {
            child.targets.retain(|t| *t != id);
            if child.targets.is_empty() {
                self.server.repl.child = None;
            }
        }
    }
}
