//! Clients blocked in a command (blocked.c, timeout.c): on keys (BLPOP,
//! BLMOVE, BZPOPMIN…, XREAD/XREADGROUP BLOCK: each a [`KeyWait`]) or on
//! replicas (WAIT). One table for both, as
//! Redis has one `CLIENT_BLOCKED` flag: both time out through
//! [`Node::poll_timeout`], both count in INFO's `blocked_clients`, both
//! answer CLIENT UNBLOCK, both are unblocked when the node becomes a
//! replica. What a blocked client sends meanwhile is held and run once it
//! is unblocked, as Redis stops reading a blocked client's input.
//!
//! Serving follows `handleClientsBlockedOnKeys`: a write that may have
//! created a key someone waits for marks it ready (`signalKeyAsReady`,
//! here when the write is propagated; for stream readers, when the
//! keyspace notes one of Redis's stream signals, `keyspace/signal.rs`);
//! after the command (or the whole EXEC) the ready keys are served in the
//! order they became ready, each key's clients first blocked first served
//! (once a list is emptied the others find nothing and keep waiting; a
//! group reader whose stream is gone is answered UNBLOCKED). Each client
//! served streams its own pop as one unit, after the command that fed it.

use crate::command::{KeyWait, Refusal};
use crate::node::{ClientId, Node, ServerCtx};
use crate::resp::Value;
use crate::time::Time;
use std::collections::{BTreeMap, VecDeque};

/// What a blocked client waits for.
#[derive(Clone, Debug)]
enum BlockedOn {
    /// Data on one of `keys` (`BLOCKED_LIST`, `BLOCKED_ZSET`).
    Keys { keys: Vec<Vec<u8>>, wait: KeyWait },
    /// `replicas` replicas acknowledging `offset` (`BLOCKED_WAIT`).
    Replicas { offset: u64, replicas: u64 },
}

#[derive(Clone, Debug)]
struct Blocked {
    on: BlockedOn,
    /// `bpop.timeout`: unblocked once the time is past it; `None` forever.
    deadline: Option<Time>,
}

/// The node's blocked clients (`server.blocked_clients`,
/// `db->blocking_keys`, `server.ready_keys`).
#[derive(Clone, Debug, Default)]
pub(in crate::node) struct BlockedClients {
    clients: BTreeMap<ClientId, Blocked>,
    /// Each key's blocked clients, first blocked first.
    by_key: BTreeMap<Vec<u8>, VecDeque<ClientId>>,
    /// Keys a write may have made servable, in the order it happened.
    ready: VecDeque<Vec<u8>>,
    /// Commands sent by clients while blocked, to run once unblocked.
    held: BTreeMap<ClientId, VecDeque<Vec<Vec<u8>>>>,
    /// Clients unblocked whose held commands have not run yet
    /// (`server.unblocked_clients`).
    unblocked: VecDeque<ClientId>,
    /// [`Node::after_command`] is running (it runs held commands, which
    /// must not start it again).
    draining: bool,
}

/// What commands call of these rules (the node reaches them through
/// `Node::serving`).
impl ServerCtx<'_> {
    /// `blockForKeys`: `client` waits for one of `keys` (each once, in the
    /// order given) until `deadline`. The reply comes from
    /// [`KeyWait::serve`] when a key is ready, a nil array at the deadline,
    /// or a redirection if the slot leaves this node.
    pub(crate) fn block_on_keys(
        &mut self,
        client: ClientId,
        keys: Vec<Vec<u8>>,
        deadline: Option<Time>,
        wait: KeyWait,
    ) {
        let mut unique: Vec<Vec<u8>> = Vec::with_capacity(keys.len());
        for key in keys {
            if !unique.contains(&key) {
                self.server
                    .blocked
                    .by_key
                    .entry(key.clone())
                    .or_default()
                    .push_back(client);
                unique.push(key);
            }
        }
        let stream = wait.is_stream();
        let on = BlockedOn::Keys { keys: unique, wait };
        self.server
            .blocked
            .clients
            .insert(client, Blocked { on, deadline });
        if stream {
            self.watch_stream_keys();
        }
    }

    /// Tells the keyspace which keys stream readers wait on, so it notes
    /// Redis's stream signals for them.
    pub(in crate::node) fn watch_stream_keys(&mut self) {
        let keys = crate::sorted::set(
            self.server
                .blocked
                .clients
                .values()
                .filter_map(|b| match &b.on {
                    BlockedOn::Keys { keys, wait } if wait.is_stream() => Some(keys),
                    _ => None,
                })
                .flatten()
                .cloned(),
        );
        self.server.keyspace.watch_streams(keys);
    }

    /// `signalKeyAsReady` for the keys of a write that went to the stream:
    /// those a list or zset pop is blocked on are served after the
    /// command (stream readers wait for the keyspace's stream signals).
    pub(in crate::node) fn signal_ready(&mut self, args: &[Vec<u8>]) {
        if self.server.blocked.by_key.is_empty() {
            return;
        }
        let Some(spec) = args.first().and_then(|n| crate::command::table::lookup(n)) else {
            return;
        };
        for i in spec.key_positions(args) {
            let key = &args[i];
            let pops = self.server.blocked.by_key.get(key).is_some_and(|q| {
                q.iter().any(|c| {
                    matches!(self.server.blocked.clients.get(c), Some(Blocked { on: BlockedOn::Keys { wait, .. }, .. }) if !wait.is_stream())
                })
            });
            if pops && !self.server.blocked.ready.contains(key) {
                self.server.blocked.ready.push_back(key.clone());
            }
        }
    }

    /// `CLIENT UNBLOCK id [TIMEOUT|ERROR]`: the timeout's reply, or the
    /// UNBLOCKED error. False if `target` is not blocked.
    pub(crate) fn client_unblock(&mut self, target: ClientId, error: bool) -> bool {
        if !self.is_blocked(target) {
            return false;
        }
        if error {
            self.unblock(target);
            self.reply(
                target,
                Value::err("UNBLOCKED client unblocked via CLIENT UNBLOCK"),
            );
        } else {
            self.time_out(target);
        }
        true
    }

    /// Whether `client` waits in a blocking command.
    pub(in crate::node) fn is_blocked(&self, client: ClientId) -> bool {
        self.server.blocked.clients.contains_key(&client)
    }

    fn time_out(&mut self, client: ClientId) {
        let reply = match self.unblock(client) {
            Some(BlockedOn::Keys { .. }) => Value::NullArray,
            Some(BlockedOn::Replicas { offset, .. }) => {
                Value::Integer(self.acked_replicas(offset) as i64)
            }
            None => return,
        };
        self.reply(client, reply);
    }

    /// `unblockClient`: forgets what `client` waited for and queues its
    /// held commands to run.
    fn unblock(&mut self, client: ClientId) -> Option<BlockedOn> {
        let blocked = self.server.blocked.clients.remove(&client)?;
        if let BlockedOn::Keys { keys, wait } = &blocked.on {
            for key in keys {
                if let Some(q) = self.server.blocked.by_key.get_mut(key) {
                    q.retain(|c| *c != client);
                    if q.is_empty() {
                        self.server.blocked.by_key.remove(key);
                    }
                }
            }
            if wait.is_stream() {
                self.watch_stream_keys();
            }
        }
        self.server.blocked.unblocked.push_back(client);
        Some(blocked.on)
    }

    /// WAIT blocks `client` until `replicas` replicas acknowledged `offset`.
    pub(in crate::node) fn block_on_replicas(
        &mut self,
        client: ClientId,
        offset: u64,
        replicas: u64,
        deadline: Option<Time>,
    ) {
        let on = BlockedOn::Replicas { offset, replicas };
        self.server
            .blocked
            .clients
            .insert(client, Blocked { on, deadline });
    }

    /// INFO's `blocked_clients`.
    pub fn blocked_clients(&self) -> usize {
        self.server.blocked.clients.len()
    }

    /// Every WAIT whose replicas have now acknowledged enough is answered
    /// (`processClientsWaitingReplicas`).
    pub(in crate::node) fn release_replica_waiters(&mut self) {
        let waiting: Vec<(ClientId, u64, u64)> = self
            .server
            .blocked
            .clients
            .iter()
            .filter_map(|(c, b)| match b.on {
                BlockedOn::Replicas { offset, replicas } => Some((*c, offset, replicas)),
                BlockedOn::Keys { .. } => None,
            })
            .collect();
        for (client, offset, replicas) in waiting {
            let acked = self.acked_replicas(offset);
            if acked >= replicas {
                self.unblock(client);
                self.reply(client, Value::Integer(acked as i64));
            }
        }
    }

    /// A client left: it waits for nothing any more.
    pub(in crate::node) fn forget_blocked(&mut self, client: ClientId) {
        self.unblock(client);
        self.server.blocked.held.remove(&client);
        self.server.blocked.unblocked.retain(|c| *c != client);
    }
}

impl Node {
    /// A command from a blocked client waits for its unblocking.
    pub(in crate::node) fn hold_command(&mut self, client: ClientId, args: Vec<Vec<u8>>) {
        self.server
            .blocked
            .held
            .entry(client)
            .or_default()
            .push_back(args);
    }

    /// The earliest time a blocked client times out: the first
    /// millisecond past its deadline (`timeout < now`).
    pub(in crate::node) fn blocked_deadline(&self) -> Option<Time> {
        self.server
            .blocked
            .clients
            .values()
            .filter_map(|b| b.deadline)
            .min()
            .map(|t| t + 1)
    }

    /// Moves the keyspace's stream signals to the ready keys.
    fn take_stream_signals(&mut self) {
        for key in self.server.keyspace.take_stream_signals() {
            if !self.server.blocked.ready.contains(&key) {
                self.server.blocked.ready.push_back(key);
            }
        }
    }

    /// After each input (`handleClientsBlockedOnKeys`, then
    /// `processUnblockedClients`): serves the ready keys, then runs what
    /// unblocked clients sent while blocked, serving again after each
    /// command.
    pub(in crate::node) fn after_command(&mut self, now: Time) {
        if self.server.blocked.draining {
            return;
        }
        self.take_stream_signals();
        if self.server.blocked.ready.is_empty() && self.server.blocked.unblocked.is_empty() {
            return;
        }
        self.server.blocked.draining = true;
        loop {
            self.take_stream_signals();
            if let Some(key) = self.server.blocked.ready.pop_front() {
                self.serve_key(now, &key);
                continue;
            }
            let Some(client) = self.server.blocked.unblocked.pop_front() else {
                break;
            };
            while !self.serving().is_blocked(client) {
                let Some(args) = self
                    .server
                    .blocked
                    .held
                    .get_mut(&client)
                    .and_then(|q| q.pop_front())
                else {
                    break;
                };
                self.process_command(now, client, args);
                self.take_stream_signals();
                while let Some(key) = self.server.blocked.ready.pop_front() {
                    self.serve_key(now, &key);
                    self.take_stream_signals();
                }
            }
            if self
                .server
                .blocked
                .held
                .get(&client)
                .is_some_and(|q| q.is_empty())
            {
                self.server.blocked.held.remove(&client);
            }
        }
        self.server.blocked.draining = false;
    }

    /// Serves `key`'s blocked clients in the order they blocked, while the
    /// key holds what they wait for (`serveClientsBlockedOnListKey`…).
    fn serve_key(&mut self, now: Time, key: &[u8]) {
        // A replica serves only readers (a READONLY client's XREAD): its
        // writers were unblocked when it became a replica.
        let master = self.is_master();
        let Some(waiting) = self.server.blocked.by_key.get(key) else {
            return;
        };
        for client in waiting.iter().copied().collect::<Vec<_>>() {
            let Some(Blocked {
                on: BlockedOn::Keys { wait, .. },
                ..
            }) = self.server.blocked.clients.get(&client)
            else {
                continue;
            };
            if !master && wait.is_write() {
                continue;
            }
            let wait = wait.clone();
            let outer = self.serving().begin_call();
            let reply = wait.serve(&mut self.serving(), now, key);
            if outer {
                self.serving().end_call();
            }
            if let Some(reply) = reply {
                self.serving().unblock(client);
                self.serving().reply(client, reply);
            }
        }
    }

    /// `replyToBlockedClientTimedOut` for every client past its deadline
    /// (`handleBlockedClientsTimeout`): a nil array for keys, the
    /// acknowledged count for WAIT.
    pub(in crate::node) fn expire_blocked(&mut self, now: Time) {
        let due: Vec<ClientId> = self
            .server
            .blocked
            .clients
            .iter()
            .filter(|(_, b)| b.deadline.is_some_and(|d| d < now))
            .map(|(c, _)| *c)
            .collect();
        for client in due {
            self.serving().time_out(client);
        }
    }

    /// `clusterRedirectBlockedClientIfNeeded`, from the clients cron: a
    /// client blocked on keys whose slot this node no longer serves (a
    /// reshard moved it, nobody owns it) is answered with the redirection,
    /// and every one of them with CLUSTERDOWN while the cluster is down. A
    /// READONLY client of a replica blocked in a read (XREAD) on its
    /// master's slot stays: the replica serves it when the entry arrives.
    pub(in crate::node) fn redirect_blocked(&mut self) {
        let mut answers = Vec::new();
        for (client, b) in &self.server.blocked.clients {
            let BlockedOn::Keys { keys, wait } = &b.on else {
                continue;
            };
            if !self.cluster.state_ok {
                answers.push((*client, Refusal::Down.reply()));
                continue;
            }
            let Some(key) = keys.first() else { continue };
            let slot = crate::slot::key_slot(key);
            let route = self.routing().slot_route(slot);
            let readonly = self.server.clients.get(client).is_some_and(|c| c.readonly);
            if route.mine
                || route.importing
                || (readonly && !wait.is_write() && route.my_master_owns)
            {
                continue;
            }
            let refusal = match route.owner {
                None => Refusal::Unbound,
                Some(to) => Refusal::Moved { slot, to },
            };
            answers.push((*client, refusal.reply()));
        }
        for (client, reply) in answers {
            self.serving().unblock(client);
            self.serving().reply(client, reply);
        }
    }

    /// `disconnectAllBlockedClients`: this master became a replica, so
    /// what its clients wait for will not happen here. Redis also closes
    /// those connections; their held commands are dropped here instead.
    pub(in crate::node) fn unblock_all_blocked(&mut self) {
        let clients: Vec<ClientId> = self.server.blocked.clients.keys().copied().collect();
        for client in clients {
            self.serving().unblock(client);
            self.server.blocked.held.remove(&client);
            self.serving().reply(
                client,
                Value::err(
                    "UNBLOCKED force unblock from blocking operation, instance state changed (master -> replica?)",
                ),
            );
        }
    }
}

/// What hosts and tests read of the blocked clients.
impl Node {
    /// INFO's `blocked_clients`.
    pub fn blocked_clients(&self) -> usize {
        self.server.blocked.clients.len()
    }
}
