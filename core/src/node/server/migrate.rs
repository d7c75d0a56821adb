//! MIGRATE on the source node (`migrateCommand` in cluster.c), sans IO.
//!
//! Redis runs MIGRATE synchronously: it writes `[AUTH] [SELECT db]
//! RESTORE-ASKING key ttl payload [REPLACE]…` on a cached socket to the
//! target, reads one reply per command (each read with the MIGRATE timeout),
//! deletes the keys the target accepted (unless COPY), propagates that as
//! `DEL`, and replies. Here the commands leave as [`Output::Request`]s, the
//! replies come back as `Input::Response`, and the client is blocked in
//! between. Because the real server serves nobody while it waits, every
//! other client command that arrives meanwhile is held back and run once the
//! MIGRATE is over: no write can slip in between the copy and the delete.
//! (Bus and replication traffic keep flowing, which Redis would also stall.)

use crate::keyspace::notify::class;
use crate::node::ServerCtx;
use crate::node::{ClientId, ConnId, Node, Output};
use crate::resp::Value;
use crate::time::Time;
use std::collections::BTreeMap;
use std::net::SocketAddr;

/// `MIGRATE_SOCKET_CACHE_TTL`: a cached socket idle this long is closed.
const SOCKET_CACHE_TTL_MS: u64 = 10_000;

/// The source side's sockets and the MIGRATE in progress, if any.
#[derive(Clone, Debug, Default)]
pub(in crate::node) struct Migrations {
    next_conn: u64,
    /// `server.migrate_cached_sockets`, by target `host:port`.
    sockets: BTreeMap<SocketAddr, CachedSocket>,
    pending: Option<Pending>,
}

#[derive(Clone, Debug)]
struct CachedSocket {
    conn: ConnId,
    /// The db last selected on it; `None` forces a SELECT (a new socket,
    /// or after an error).
    last_dbid: Option<i64>,
    last_use: Time,
}

/// A MIGRATE waiting for the target's replies.
#[derive(Clone, Debug)]
struct Pending {
    client: ClientId,
    conn: ConnId,
    target: SocketAddr,
    dbid: i64,
    auth: bool,
    select: bool,
    keys: Vec<Vec<u8>>,
    copy: bool,
    timeout: u64,
    /// Each read waits at most `timeout` (`syncReadLine`).
    deadline: Time,
    replies: Vec<Value>,
}

/// What MIGRATE sends, once the command layer has looked the keys up.
#[derive(Clone, Debug)]
pub struct MigratePlan {
    /// The target's client address.
    pub target: SocketAddr,
    /// The target database (`destination-db`).
    pub dbid: i64,
    /// ms; already defaulted to 1000 when ≤ 0.
    pub timeout: u64,
    /// COPY: keep the keys here.
    pub copy: bool,
    /// REPLACE: overwrite keys the target has.
    pub replace: bool,
    /// `AUTH pw` or `AUTH2 user pw`.
    pub auth: Option<(Option<Vec<u8>>, Vec<u8>)>,
    /// Per key: name, TTL in ms (0 = none) and DUMP payload; not empty
    /// (with no key MIGRATE replies `+NOKEY` without calling the target).
    pub keys: Vec<(Vec<u8>, u64, Vec<u8>)>,
}

impl Migrations {
    pub fn busy(&self) -> bool {
        self.pending.is_some()
    }

    pub fn deadline(&self) -> Option<Time> {
        self.pending.as_ref().map(|p| p.deadline)
    }
}

impl Node {
    /// A reply from a target: the next line MIGRATE was waiting for.
    pub(in crate::node) fn migrate_response(&mut self, now: Time, conn: ConnId, value: Value) {
        let Some(p) = self
            .server
            .migrations
            .pending
            .as_mut()
            .filter(|p| p.conn == conn)
        else {
            return;
        };
        p.replies.push(value);
        p.deadline = now + p.timeout;
        self.finish_migrate_if_done(now);
    }

    /// A connection to a target failed to open or closed. A MIGRATE
    /// waiting on it fails at once, and the cached socket is forgotten so
    /// the next MIGRATE connects again. Redis 7.0's blocking connect counts
    /// a refused or timed-out connect as connected (`connSocketBlockingConnect`
    /// only waits for writability), so the failure shows on the first write:
    /// `IOERR error or timeout writing to target instance` (checked against
    /// redis-server 7.0.15). A link lost after connecting fails the read.
    pub(in crate::node) fn migrate_conn_closed(
        &mut self,
        now: Time,
        conn: ConnId,
        connected: bool,
    ) {
        let Some(addr) = self
            .server
            .migrations
            .sockets
            .iter()
            .find(|(_, s)| s.conn == conn)
            .map(|(a, _)| *a)
        else {
            return;
        };
        self.server.migrations.sockets.remove(&addr);
        let waiting = self
            .server
            .migrations
            .pending
            .as_ref()
            .is_some_and(|p| p.conn == conn);
        if !waiting {
            return;
        }
        if connected {
            self.finish_migrate(now, true);
        } else if let Some(p) = self.server.migrations.pending.take() {
            let error = Value::err("IOERR error or timeout writing to target instance");
            self.finish_blocked(now, p.client, error);
            self.run_postponed(now);
        }
    }

    /// Timeouts: a MIGRATE whose read timed out, and idle cached sockets
    /// (`migrateCloseTimedoutSockets`).
    pub(in crate::node) fn migrate_timeouts(&mut self, now: Time) {
        if self.server.migrations.deadline().is_some_and(|d| now >= d) {
            self.finish_migrate(now, true);
        }
        let busy = self.server.migrations.pending.as_ref().map(|p| p.conn);
        let idle: Vec<SocketAddr> = self
            .server
            .migrations
            .sockets
            .iter()
            .filter(|(_, s)| Some(s.conn) != busy && now.since(s.last_use) > SOCKET_CACHE_TTL_MS)
            .map(|(a, _)| *a)
            .collect();
        for addr in idle {
            self.close_migrate_socket(addr);
        }
    }

    fn close_migrate_socket(&mut self, addr: SocketAddr) {
        if let Some(s) = self.server.migrations.sockets.remove(&addr) {
            self.out.push_back(Output::Hangup(s.conn));
        }
    }

    fn finish_migrate_if_done(&mut self, now: Time) {
        let done =
            self.server.migrations.pending.as_ref().is_some_and(|p| {
                p.replies.len() == p.auth as usize + p.select as usize + p.keys.len()
            });
        if done {
            self.finish_migrate(now, false);
        }
    }

    /// The reply loop of `migrateCommand`, over the replies read so far.
    fn finish_migrate(&mut self, now: Time, socket_error: bool) {
        let Some(p) = self.server.migrations.pending.take() else {
            return;
        };
        let failed = |v: Option<&Value>| match v {
            Some(Value::Error(e)) => Some(e.clone()),
            _ => None,
        };
        let auth_error = failed(p.auth.then(|| p.replies.first()).flatten());
        let select_error = failed(p.select.then(|| p.replies.get(p.auth as usize)).flatten());
        let first_key = p.auth as usize + p.select as usize;
        let mut target_error: Option<String> = None;
        let mut deleted = vec![b"DEL".to_vec()];
        for (j, key) in p.keys.iter().enumerate() {
            let Some(reply) = p.replies.get(first_key + j) else {
                break;
            };
            let error = auth_error
                .clone()
                .or_else(|| select_error.clone())
                .or_else(|| failed(Some(reply)));
            match error {
                Some(e) => {
                    target_error.get_or_insert(e);
                }
                None if !p.copy => {
                    if self.server.keyspace.remove(now, key).is_some() {
                        self.server.keyspace.notify(class::GENERIC, "del", key);
                    }
                    deleted.push(key.clone());
                }
                None => {}
            }
        }
        if deleted.len() > 1 {
            self.serving().propagate(&deleted);
        }
        if socket_error {
            self.close_migrate_socket(p.target);
        }
        let value = if let Some(e) = target_error {
            if let Some(s) = self.server.migrations.sockets.get_mut(&p.target) {
                s.last_dbid = None;
            }
            Value::err(format!("ERR Target instance replied with error: {e}"))
        } else if socket_error {
            Value::err("IOERR error or timeout reading to target instance")
        } else {
            if let Some(s) = self.server.migrations.sockets.get_mut(&p.target) {
                s.last_dbid = Some(p.dbid);
            }
            Value::ok()
        };
        self.finish_blocked(now, p.client, value);
        self.run_postponed(now);
    }
}

/// What commands call of these rules (the node reaches them through
/// `Node::serving`).
impl ServerCtx<'_> {
    /// Writes the MIGRATE pipeline to the target; the reply comes later.
    pub(crate) fn start_migrate(&mut self, now: Time, client: ClientId, plan: MigratePlan) {
        let m = &mut self.server.migrations;
        let socket = match m.sockets.get_mut(&plan.target) {
            Some(s) => s,
            None => {
                m.next_conn += 1;
                let fresh = CachedSocket {
                    conn: ConnId(m.next_conn),
                    last_dbid: None,
                    last_use: now,
                };
                m.sockets.entry(plan.target).or_insert(fresh)
            }
        };
        socket.last_use = now;
        let conn = socket.conn;
        let select = socket.last_dbid != Some(plan.dbid);
        let mut requests: Vec<Vec<Vec<u8>>> = Vec::new();
        if let Some((user, password)) = &plan.auth {
            let mut auth = vec![b"AUTH".to_vec()];
            auth.extend(user.clone());
            auth.push(password.clone());
            requests.push(auth);
        }
        if select {
            requests.push(vec![b"SELECT".to_vec(), plan.dbid.to_string().into_bytes()]);
        }
        for (key, ttl, payload) in &plan.keys {
            let mut restore = vec![
                b"RESTORE-ASKING".to_vec(),
                key.clone(),
                ttl.to_string().into_bytes(),
                payload.clone(),
            ];
            if plan.replace {
                restore.push(b"REPLACE".to_vec());
            }
            requests.push(restore);
        }
        for args in requests {
            self.out.push_back(Output::Request {
                conn,
                to: plan.target,
                args,
            });
        }
        self.server.migrations.pending = Some(Pending {
            client,
            conn,
            target: plan.target,
            dbid: plan.dbid,
            auth: plan.auth.is_some(),
            select,
            keys: plan.keys.into_iter().map(|(k, _, _)| k).collect(),
            copy: plan.copy,
            timeout: plan.timeout,
            deadline: now + plan.timeout,
            replies: Vec::new(),
        });
    }
}
