//! The client side of a node: command dispatch, per-client state, WATCH
//! versions, and writes postponed while a manual failover pauses them. What
//! the command layer may ask of the cluster state (slot routes) is in
//! `cluster/route.rs`.

use crate::command::{self, ClientState, Outcome, ReplyMode};
use crate::keyspace::Keyspace;
use crate::node::{ClientId, Node, Output, ServerCtx};
use crate::resp::Protocol;
use crate::time::Time;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// Client states by connection: one is taken out and put back on every
/// command. Never iterated, so the hash order cannot reach any output.
pub(in crate::node) type ClientMap =
    HashMap<crate::node::ClientId, Box<ClientState>, BuildHasherDefault<IdHasher>>;

/// An FxHash-style hasher for client IDs (counters). Deterministic (no random keys).
#[derive(Clone, Copy, Default)]
pub(in crate::node) struct IdHasher(u64);

impl IdHasher {
    fn mix(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

impl Hasher for IdHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut words = bytes.chunks_exact(8);
        for w in &mut words {
            self.mix(u64::from_le_bytes(w.try_into().expect("8 bytes")));
        }
        let rest = words.remainder();
        if !rest.is_empty() {
            let mut last = [0u8; 8];
            last[..rest.len()].copy_from_slice(rest);
            self.mix(u64::from_le_bytes(last));
        }
    }

    fn write_u32(&mut self, n: u32) {
        self.mix(n as u64);
    }

    fn write_usize(&mut self, n: usize) {
        self.mix(n as u64);
    }

    fn write_u64(&mut self, n: u64) {
        self.mix(n);
    }

    fn finish(&self) -> u64 {
        // Fold the well-mixed high half into the low bits the table indexes by.
        self.0 ^ (self.0 >> 32)
    }
}

impl Node {
    pub(in crate::node) fn process_command(
        &mut self,
        now: Time,
        client: ClientId,
        args: Vec<Vec<u8>>,
    ) {
        // Redis reads nothing more from a blocked client.
        if self.serving().is_blocked(client) {
            self.hold_command(client, args);
            return;
        }
        // A MIGRATE in progress blocks the whole server in Redis; a client
        // whose command waits for a pause is blocked (`BLOCKED_POSTPONE`),
        // so what it sent next waits behind it, in order.
        if self.server.migrations.busy() || self.server.postponed.iter().any(|(c, _)| *c == client)
        {
            self.postpone(client, args);
            return;
        }
        if !self.knows_client(client) {
            let state = self.take_client(client);
            self.put_client(client, state);
            self.opened(now, client);
        }
        let mut state = self.take_client(client);
        // `CLIENT REPLY SKIP` drops the reply of the command after it.
        if state.reply == ReplyMode::SkipNext {
            state.reply = ReplyMode::Skip;
        }
        let mark = self.out.len();
        let outcome = command::execute(self, now, client, &mut state, args);
        let silent = state.reply != ReplyMode::On;
        if state.reply == ReplyMode::Skip {
            state.reply = ReplyMode::On;
        }
        let close = std::mem::take(&mut state.close_after_reply);
        // `resetClient`: CLIENT CACHING holds for the next command or
        // transaction only (any CLIENT subcommand keeps it).
        if !state.in_multi() && state.last_cmd.is_none_or(|(name, _)| name != "client") {
            if let Some(t) = state.tracking.as_deref_mut() {
                t.caching = false;
            }
        }
        self.server.clients.insert(client, state);
        match outcome {
            _ if silent => {}
            Outcome::Reply(value) => self.out.push_back(Output::Reply { client, value }),
            Outcome::Many(values) => {
                for value in values {
                    self.out.push_back(Output::Reply { client, value });
                }
            }
            Outcome::Blocked => {}
        }
        self.flush_after_reply();
        if close {
            self.serving().kill_client(client);
        }
        if self.server.frozen.is_some() {
            self.hold_sleeper_reply(mark);
        }
    }

    /// Takes a client's state out (a new one if unknown); put it back with
    /// [`put_client`](Self::put_client).
    pub(crate) fn take_client(&mut self, client: ClientId) -> Box<ClientState> {
        self.server
            .clients
            .remove(&client)
            .unwrap_or_else(|| Box::new(ClientState::new(!self.serving().requires_auth())))
    }

    pub(crate) fn put_client(&mut self, client: ClientId, state: Box<ClientState>) {
        self.server.clients.insert(client, state);
    }

    /// An EXEC waits for a MIGRATE it ran.
    pub(crate) fn hold_exec(&mut self, client: ClientId, pending: command::PendingExec) {
        self.server.pending_exec.insert(client, pending);
    }

    /// Delivers a blocked command's reply, or resumes the EXEC that waited for it.
    pub(in crate::node) fn finish_blocked(
        &mut self,
        now: Time,
        client: ClientId,
        value: crate::resp::Value,
    ) {
        match self.server.pending_exec.remove(&client) {
            Some(pending) => command::resume_exec(self, now, client, pending, value),
            None => self.serving().reply(client, value),
        }
    }

    /// The protocol a client negotiated (RESP2 until `HELLO 3`).
    pub fn client_protocol(&self, client: ClientId) -> Protocol {
        self.server
            .clients
            .get(&client)
            .map_or(Protocol::Resp2, |c| c.proto)
    }

    /// Whether a client may run commands: AUTH done, or no password set.
    /// Hosts use it to pick the request parser's limits (Redis is stricter
    /// with clients that have not authenticated).
    pub fn client_authenticated(&self, client: ClientId) -> bool {
        self.server
            .clients
            .get(&client)
            .map_or(!self.server.acl.auth_required(), |c| c.authenticated)
    }

    /// Whether a client is inside MULTI (its commands are queued, so a host
    /// that serves one itself must leave it to the node).
    pub fn client_in_multi(&self, client: ClientId) -> bool {
        self.server
            .clients
            .get(&client)
            .is_some_and(|c| c.in_multi())
    }

    pub(crate) fn keyspace_mut(&mut self) -> &mut Keyspace {
        &mut self.server.keyspace
    }

    /// The data this node holds (read-only).
    pub fn keyspace(&self) -> &Keyspace {
        &self.server.keyspace
    }

    /// A write arrived while a manual failover pauses writes, or any command
    /// while a MIGRATE is in progress: run it later, in arrival order.
    pub(crate) fn postpone(&mut self, client: ClientId, args: Vec<Vec<u8>>) {
        self.server.postponed.push((client, args));
    }

    /// Runs postponed commands once the pause or the MIGRATE is over.
    pub(in crate::node) fn run_postponed(&mut self, now: Time) {
        if self.server.postponed.is_empty()
            || self.writes_paused(now)
            || self.server.migrations.busy()
        {
            return;
        }
        for (client, args) in std::mem::take(&mut self.server.postponed) {
            self.process_command(now, client, args);
        }
    }
}

/// What commands call of these rules (the node reaches them through
/// `Node::serving`).
impl ServerCtx<'_> {
    /// `signalModifiedKey` for the keys of a write command.
    pub(in crate::node) fn touch_watched(&mut self, args: &[Vec<u8>]) {
        if self.server.watch_versions.is_empty() {
            return;
        }
        let Some(spec) = command::table::lookup(&args[0]) else {
            return;
        };
        let keys: Vec<Vec<u8>> = if matches!(spec.name, "flushall" | "flushdb") {
            self.server.watch_versions.keys().cloned().collect()
        } else {
            spec.key_positions(args)
                .into_iter()
                .map(|i| args[i].clone())
                .collect()
        };
        for k in keys {
            if let Some(v) = self.server.watch_versions.get_mut(&k) {
                *v += 1;
            }
        }
    }

    /// Version of a watched key (WATCH compares it at EXEC).
    pub(crate) fn watch_version(&mut self, key: &[u8]) -> u64 {
        *self.server.watch_versions.entry(key.to_vec()).or_insert(0)
    }

    /// The users and the ACL log.
    pub(crate) fn acl(&self) -> &crate::acl::Acl {
        &self.server.acl
    }

    /// The users and the ACL log, to change.
    pub(crate) fn acl_mut(&mut self) -> &mut crate::acl::Acl {
        &mut self.server.acl
    }

    pub(crate) fn reply(&mut self, client: ClientId, value: crate::resp::Value) {
        if self
            .server
            .clients
            .get(&client)
            .is_some_and(|c| c.reply == ReplyMode::Off)
        {
            return;
        }
        self.out.push_back(Output::Reply { client, value });
    }

    pub(in crate::node) fn client_closed(&mut self, client: ClientId) {
        self.server.pending_exec.remove(&client);
        if let Some(mut state) = self.server.clients.remove(&client) {
            self.disable_tracking(client, &mut state);
        }
        self.forget_blocked(client);
        self.forget_subscriber(client);
        self.remove_monitor(client);
        self.server.postponed.retain(|(c, _)| *c != client);
        self.slave_closed(client);
    }

    /// `getRandomHexChars` (ACL GENPASS), from the node's random source.
    pub(crate) fn random_hex(&mut self, chars: usize) -> String {
        use rand::Rng;
        (0..chars)
            .map(|_| char::from(b"0123456789abcdef"[self.rng.random_range(0..16usize)]))
            .collect()
    }

    /// `authRequired`'s server half: the default user has a password or
    /// is off.
    pub(crate) fn requires_auth(&self) -> bool {
        self.server.acl.auth_required()
    }
}
