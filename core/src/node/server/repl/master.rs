//! The master's side of replication (`replication.c`): REPLCONF, PSYNC and
//! SYNC from a client, which becomes a replica (`CLIENT_SLAVE`); a partial
//! resync from the backlog (`masterTryPartialResynchronization`), or a full
//! one whose RDB goes out when `replicationCron` starts it — at once for a
//! disk-based sync, after `repl-diskless-sync-delay` seconds of waiting for
//! more replicas for a diskless one (`shouldStartChildReplication`); and
//! the replicas' REPLCONF ACKs.
//!
//! The RDB "child" finishes the moment it starts (the snapshot frame goes
//! out with `+FULLRESYNC`, and the replica is online from then on), unless
//! `rdb-key-save-delay` slows it ([`super::rdb_child`]); 7.0 puts a
//! diskless replica online when the child ends.

use super::Backlog;
use crate::command::ClientState;
use crate::event::Event;
use crate::node::ServerCtx;
use crate::node::{ClientId, Node, Output, ReplFrame};
use crate::resp::Value;
use crate::time::Time;

/// `slave->replstate` (the states this model passes through).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum SlaveState {
    /// Full resync asked for; the RDB has not started
    /// (`SLAVE_STATE_WAIT_BGSAVE_START`).
    WaitBgsaveStart,
    /// A slowed RDB child works for it; the stream waits
    /// (`SLAVE_STATE_WAIT_BGSAVE_END`, see [`super::rdb_child`]).
    WaitBgsaveEnd,
    /// The RDB went out; the stream follows (`SLAVE_STATE_ONLINE`).
    Online,
}

/// What REPLCONF told the node about a client, before and after its PSYNC.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ReplConf {
    /// `REPLCONF listening-port` (`slave_listening_port`).
    pub listening_port: i64,
    /// `REPLCONF ip-address` (`slave_addr`).
    pub ip: Option<String>,
    /// `REPLCONF capa eof`: takes a diskless RDB (`SLAVE_CAPA_EOF`).
    pub capa_eof: bool,
    /// `REPLCONF capa psync2`: understands `+CONTINUE <replid>`.
    pub capa_psync2: bool,
    /// `REPLCONF rdb-only 1`: wants the RDB and nothing after it
    /// (`redis-cli --rdb`, `CLIENT_REPL_RDBONLY`).
    pub rdb_only: bool,
}

/// One replica of this node (an entry of `server.slaves`).
#[derive(Clone, Debug)]
pub(crate) struct Slave {
    pub state: SlaveState,
    /// Its port as announced (`slave_listening_port`).
    pub port: i64,
    /// Its address: announced, else the connection's peer address.
    addr: String,
    capa_eof: bool,
    rdb_only: bool,
    /// SYNC rather than PSYNC: it sends no ACKs (`CLIENT_PRE_PSYNC`).
    pre_psync: bool,
    /// When it asked (`lastinteraction` while it waits: a waiting replica
    /// sends nothing).
    asked: Time,
    /// `repl_ack_off`, `repl_ack_time`.
    pub ack_offset: u64,
    pub ack_time: Time,
    /// The stream written while its RDB is made, sent after it.
    held: Vec<ReplFrame>,
}

impl Slave {
    /// The address ROLE and INFO print.
    pub fn ip(&self) -> &str {
        &self.addr
    }

    /// Keeps a stream frame for after its RDB.
    pub fn hold(&mut self, frame: ReplFrame) {
        self.held.push(frame);
    }

    /// `replstateToString`.
    pub fn state_name(&self) -> &'static str {
        match self.state {
            SlaveState::WaitBgsaveStart | SlaveState::WaitBgsaveEnd => "wait_bgsave",
            SlaveState::Online => "online",
        }
    }
}

/// Whole seconds between two times, as `server.unixtime` differences.
fn secs_between(from: Time, to: Time) -> u64 {
    (to.ms() / 1000).saturating_sub(from.ms() / 1000)
}

impl Node {
    /// `replicationCron`'s master part: replicas silent past `repl-timeout`
    /// are dropped, and a full resync waiting for its diskless delay
    /// starts once the longest-waiting replica waited that long, or
    /// enough replicas wait (`replicationStartPendingFork`).
    pub(super) fn master_cron(&mut self, now: Time) {
        let timeout = self.cfg.repl.timeout;
        let timed_out: Vec<ClientId> = self
            .server
            .repl
            .slaves
            .iter()
            .filter(|(_, s)| {
                s.state == SlaveState::Online
                    && !s.pre_psync
                    && secs_between(s.ack_time, now) > timeout
            })
            .map(|(id, _)| *id)
            .collect();
        for id in timed_out {
            self.emit(Event::Replication {
                what: "Disconnecting timedout replica (streaming sync)".into(),
            });
            self.serving().kill_client(id);
        }
        let waiting: Vec<&Slave> = self
            .server
            .repl
            .slaves
            .values()
            .filter(|s| s.state == SlaveState::WaitBgsaveStart)
            .collect();
        // A replica that asked while a child runs waits for the next one.
        if waiting.is_empty() || self.server.repl.child.is_some() {
            return;
        }
        let max_idle = waiting
            .iter()
            .map(|s| secs_between(s.asked, now))
            .max()
            .unwrap_or(0);
        let r = &self.cfg.repl;
        let start = !r.diskless_sync
            || (r.diskless_sync_max_replicas > 0
                && waiting.len() as u64 >= r.diskless_sync_max_replicas)
            || max_idle >= r.diskless_sync_delay;
        if start {
            self.serving().start_full_resyncs(now);
        }
    }

    /// `disconnectSlaves`: a promoted node tells its replicas of its new
    /// history by dropping them (they continue partially at once).
    pub(super) fn disconnect_slaves(&mut self) {
        let ids: Vec<ClientId> = self.server.repl.slaves.keys().copied().collect();
        for id in ids {
            self.serving().kill_client(id);
        }
    }
}

/// What commands call of these rules (the node reaches them through
/// `Node::serving`).
impl ServerCtx<'_> {
    /// The backlog's first byte offset and length, when there is one.
    pub(crate) fn backlog_range(&self) -> Option<(u64, u64)> {
        self.server
            .repl
            .backlog
            .as_ref()
            .map(|b| (b.first_byte(), b.histlen()))
    }

    /// The replicas as INFO lists them (`slaveN:` lines' fields).
    pub(crate) fn slaves(&self) -> impl Iterator<Item = &Slave> {
        self.server.repl.slaves.values()
    }

    /// The stream and full-resync counters (INFO stats).
    pub fn sync_stats(&self) -> super::SyncStats {
        self.server.repl.stats
    }

    /// `server.replid2` and `second_replid_offset` (INFO replication).
    pub(crate) fn replid2(&self) -> Option<(&str, u64)> {
        self.server
            .repl
            .replid2
            .as_ref()
            .map(|(id, o)| (id.as_str(), *o))
    }

    /// `SYNC` and `PSYNC replid offset` (`syncCommand`). `None`: no reply
    /// now (`+FULLRESYNC` comes when the RDB starts; `+CONTINUE` and the
    /// backlog are sent here).
    pub(crate) fn sync_command(
        &mut self,
        now: Time,
        id: ClientId,
        client: &mut ClientState,
        args: &[Vec<u8>],
    ) -> Option<Value> {
        if client.replica {
            return None;
        }
        if self.is_replica() && !self.server.repl.link.connected() {
            return Some(Value::err(
                "NOMASTERLINK Can't SYNC while not connected with my master",
            ));
        }
        let psync = args[0].eq_ignore_ascii_case(b"psync");
        let addr = client.repl_conf.ip.clone().unwrap_or_else(|| {
            client
                .addr
                .map(|(peer, _)| peer.ip().to_string())
                .unwrap_or_default()
        });
        let name = format!("{addr}:{}", client.repl_conf.listening_port);
        let mut slave = Slave {
            state: SlaveState::WaitBgsaveStart,
            port: client.repl_conf.listening_port,
            addr,
            capa_eof: client.repl_conf.capa_eof,
            rdb_only: client.repl_conf.rdb_only,
            pre_psync: !psync,
            asked: now,
            ack_offset: 0,
            ack_time: now,
            held: Vec::new(),
        };
        if psync {
            let Ok(from) = String::from_utf8_lossy(&args[2]).parse::<i64>() else {
                return Some(crate::command::not_integer());
            };
            let replid = String::from_utf8_lossy(&args[1]).into_owned();
            if let Some(frames) = self.partial_resync(&replid, from) {
                self.server.repl.stats.partial_ok += 1;
                client.replica = true;
                slave.state = SlaveState::Online;
                self.server.repl.slaves.insert(id, slave);
                self.emit(Event::Replication {
                    what: format!("PSYNC {replid} {from} from replica {name}: +CONTINUE, partial resynchronization accepted"),
                });
                let reply = if client.repl_conf.capa_psync2 {
                    format!("CONTINUE {}", self.server.repl.replid)
                } else {
                    "CONTINUE".to_string()
                };
                self.out.push_back(Output::Reply {
                    client: id,
                    value: Value::Simple(reply),
                });
                for frame in frames {
                    self.out.push_back(Output::Repl { client: id, frame });
                }
                return None;
            }
            if replid != "?" {
                self.server.repl.stats.partial_err += 1;
            }
            self.emit(Event::Replication {
                what: format!("PSYNC {replid} {from} from replica {name}: full resync"),
            });
        } else {
            self.emit(Event::Replication {
                what: format!("SYNC from replica {name}: full resync"),
            });
        }
        self.server.repl.stats.full += 1;
        client.replica = true;
        self.server.repl.slaves.insert(id, slave);
        if self.server.repl.slaves.len() == 1 && self.server.repl.backlog.is_none() {
            // A backlog made from scratch starts a new history.
            self.server.repl.change_replid();
            self.server.repl.replid2 = None;
            self.server.repl.backlog = Some(Backlog::new(self.server.repl.offset));
        }
        let delayed = self.cfg.repl.diskless_sync
            && client.repl_conf.capa_eof
            && self.cfg.repl.diskless_sync_delay > 0;
        if !delayed {
            self.start_full_resyncs(now);
        }
        None
    }

    /// `REPLCONF option value …` (`replconfCommand`). `None`: no reply
    /// (ACK and GETACK are never answered).
    pub(crate) fn replconf(
        &mut self,
        now: Time,
        id: ClientId,
        client: &mut ClientState,
        args: &[Vec<u8>],
    ) -> Option<Value> {
        if args.len().is_multiple_of(2) {
            return Some(crate::command::syntax_error());
        }
        for pair in args[1..].chunks(2) {
            let (option, value) = (&pair[0], &pair[1]);
            let text = String::from_utf8_lossy(value);
            match option.to_ascii_lowercase().as_slice() {
                b"listening-port" => match text.parse::<i64>() {
                    Ok(port) => client.repl_conf.listening_port = port,
                    Err(_) => return Some(crate::command::not_integer()),
                },
                b"ip-address" if value.len() < 256 => {
                    client.repl_conf.ip = Some(text.into_owned());
                }
                b"ip-address" => {
                    return Some(Value::err(format!(
                    "ERR REPLCONF ip-address provided by replica instance is too long: {} bytes",
                    value.len()
                )))
                }
                b"capa" => {
                    if value.eq_ignore_ascii_case(b"eof") {
                        client.repl_conf.capa_eof = true;
                    } else if value.eq_ignore_ascii_case(b"psync2") {
                        client.repl_conf.capa_psync2 = true;
                    }
                }
                b"ack" => {
                    if let (Some(s), Ok(offset)) =
                        (self.server.repl.slaves.get_mut(&id), text.parse())
                    {
                        s.ack_offset = s.ack_offset.max(offset);
                        s.ack_time = now;
                        self.release_replica_waiters();
                    }
                    return None;
                }
                b"getack" => {
                    self.send_ack();
                    return None;
                }
                b"rdb-only" => match text.parse::<i64>() {
                    Ok(flag @ 0..=1) => client.repl_conf.rdb_only = flag == 1,
                    Ok(_) => {
                        return Some(Value::err(
                            "ERR value is out of range, value must between 0 and 1",
                        ))
                    }
                    Err(_) => return Some(crate::command::not_integer()),
                },
                _ => {
                    return Some(Value::err(format!(
                        "ERR Unrecognized REPLCONF option: {}",
                        String::from_utf8_lossy(option)
                    )))
                }
            }
        }
        Some(Value::ok())
    }

    /// `masterTryPartialResynchronization`: the frames a replica that has
    /// history `replid` up to `from - 1` misses, if this node can continue
    /// it (same history, or the one before the last promotion up to where
    /// it ended, and still in the backlog).
    fn partial_resync(&self, replid: &str, from: i64) -> Option<Vec<ReplFrame>> {
        let from = u64::try_from(from).ok()?;
        let same = replid == self.server.repl.replid;
        let previous = self
            .server
            .repl
            .replid2
            .as_ref()
            .is_some_and(|(id, until)| id == replid && from <= *until);
        if !same && !previous {
            return None;
        }
        self.server.repl.backlog.as_ref()?.since(from)
    }

    /// `startBgsaveForReplication`: every waiting replica gets
    /// `+FULLRESYNC <replid> <offset>` (nothing for SYNC) and the snapshot,
    /// and is online from then on, or once a slowed child ends
    /// ([`super::rdb_child`]); an RDB-only one is closed after it.
    fn start_full_resyncs(&mut self, now: Time) {
        if self.rdb_child_running() {
            return;
        }
        let waiting: Vec<ClientId> = self
            .server
            .repl
            .slaves
            .iter()
            .filter(|(_, s)| s.state == SlaveState::WaitBgsaveStart)
            .map(|(id, _)| *id)
            .collect();
        if waiting.is_empty() {
            return;
        }
        let socket = self.cfg.repl.diskless_sync
            && waiting
                .iter()
                .all(|id| self.server.repl.slaves.get(id).is_some_and(|s| s.capa_eof));
        self.emit(Event::Replication {
            what: format!(
                "Starting BGSAVE for SYNC with target: {}",
                if socket { "replicas sockets" } else { "disk" }
            ),
        });
        if !socket {
            self.bgsave_for_sync(now);
        }
        let offset = self.server.repl.offset;
        let data = Box::new(self.server.keyspace.clone());
        self.server.repl.select_pending = true;
        for id in &waiting {
            let Some(s) = self.server.repl.slaves.get(id) else {
                continue;
            };
            if !s.pre_psync {
                let value =
                    Value::Simple(format!("FULLRESYNC {} {offset}", self.server.repl.replid));
                self.out.push_back(Output::Reply { client: *id, value });
            }
        }
        if self.start_rdb_child(now, &waiting, socket, offset, data.clone()) {
            return;
        }
        for id in waiting {
            let frame = ReplFrame::Snapshot {
                offset,
                data: data.clone(),
            };
            self.out.push_back(Output::Repl { client: id, frame });
            self.replica_put_online(now, id);
        }
    }

    /// `replicaPutOnline`: the RDB went out; the stream held meanwhile
    /// follows. An RDB-only replica is closed instead.
    pub(super) fn replica_put_online(&mut self, now: Time, id: ClientId) {
        let Some(s) = self.server.repl.slaves.get_mut(&id) else {
            return;
        };
        s.state = SlaveState::Online;
        s.ack_time = now;
        let held = std::mem::take(&mut s.held);
        if s.rdb_only {
            // Freed once the RDB is out; the host reports the close.
            self.server.repl.slaves.remove(&id);
            self.out.push_back(Output::Close { client: id });
            return;
        }
        for frame in held {
            self.out.push_back(Output::Repl { client: id, frame });
        }
    }

    /// A replica's client went away (closed, killed, timed out).
    pub(crate) fn slave_closed(&mut self, id: ClientId) {
        self.server.repl.slaves.remove(&id);
        self.rdb_child_lost(id);
    }
}
