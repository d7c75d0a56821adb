//! The client side of a node: command dispatch, per-client state, what the
//! command layer may ask of the cluster state (slot routes), WATCH versions,
//! and writes postponed while a manual failover pauses them.

use super::{ClientId, Node, Output};
use crate::command::{self, ClientState, Outcome, ReplyMode};
use crate::config::EndpointType;
use crate::keyspace::Keyspace;
use crate::resp::Protocol;
use crate::time::Time;

/// Where a slot stands from this node's point of view, for routing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SlotRoute {
    /// The owner's address, as MOVED prints it; `None` if unassigned.
    pub owner: Option<RouteAddr>,
    /// I own it.
    pub mine: bool,
    /// The MIGRATING destination's address, when I own it and migrate it.
    pub migrating_to: Option<RouteAddr>,
    /// I am IMPORTING it.
    pub importing: bool,
    /// I am a replica and my master owns it (READONLY reads).
    pub my_master_owns: bool,
}

/// A node's client address as redirections print it: `endpoint:port`,
/// the endpoint chosen by `cluster-preferred-endpoint-type`
/// (`getPreferredEndpoint`). Only formatted when a redirection is sent, not
/// for every routed command.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RouteAddr {
    host: RouteHost,
    port: u16,
}

/// The endpoint part of a [`RouteAddr`].
#[derive(Clone, Debug, PartialEq, Eq)]
enum RouteHost {
    /// `ip`: the IP, empty while unknown.
    Ip(Option<std::net::IpAddr>),
    /// `hostname`: the announced name, `?` when the node has none.
    Name(String),
    /// `unknown-endpoint`: empty, the client keeps the address it used.
    Unknown,
}

impl std::fmt::Display for RouteAddr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.host {
            RouteHost::Ip(Some(ip)) => write!(f, "{ip}")?,
            RouteHost::Name(name) if name.is_empty() => f.write_str("?")?,
            RouteHost::Name(name) => f.write_str(name)?,
            RouteHost::Ip(None) | RouteHost::Unknown => {}
        }
        write!(f, ":{}", self.port)
    }
}

impl Node {
    pub(super) fn process_command(&mut self, now: Time, client: ClientId, args: Vec<Vec<u8>>) {
        // Redis reads nothing more from a blocked client.
        if self.is_blocked(client) {
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
            self.kill_client(client);
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
            .unwrap_or_else(|| Box::new(ClientState::new(!self.requires_auth())))
    }

    pub(crate) fn put_client(&mut self, client: ClientId, state: Box<ClientState>) {
        self.server.clients.insert(client, state);
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

    /// An EXEC waits for a MIGRATE it ran.
    pub(crate) fn hold_exec(&mut self, client: ClientId, pending: command::PendingExec) {
        self.server.pending_exec.insert(client, pending);
    }

    /// Delivers a blocked command's reply, or resumes the EXEC that waited for it.
    pub(super) fn finish_blocked(
        &mut self,
        now: Time,
        client: ClientId,
        value: crate::resp::Value,
    ) {
        match self.server.pending_exec.remove(&client) {
            Some(pending) => command::resume_exec(self, now, client, pending, value),
            None => self.reply(client, value),
        }
    }

    pub(super) fn client_closed(&mut self, client: ClientId) {
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
            .map_or(!self.requires_auth(), |c| c.authenticated)
    }

    /// Whether a client is inside MULTI (its commands are queued, so a host
    /// that serves one itself must leave it to the node).
    pub fn client_in_multi(&self, client: ClientId) -> bool {
        self.server
            .clients
            .get(&client)
            .is_some_and(|c| c.in_multi())
    }

    /// `authRequired`'s server half: the default user has a password or
    /// is off.
    pub(crate) fn requires_auth(&self) -> bool {
        self.server.acl.auth_required()
    }

    /// The users and the ACL log.
    pub(crate) fn acl(&self) -> &crate::acl::Acl {
        &self.server.acl
    }

    /// `getRandomHexChars` (ACL GENPASS), from the node's random source.
    pub(crate) fn random_hex(&mut self, chars: usize) -> String {
        use rand::Rng;
        (0..chars)
            .map(|_| char::from(b"0123456789abcdef"[self.rng.random_range(0..16usize)]))
            .collect()
    }

    /// The users and the ACL log, to change.
    pub(crate) fn acl_mut(&mut self) -> &mut crate::acl::Acl {
        &mut self.server.acl
    }

    pub(crate) fn keyspace_mut(&mut self) -> &mut Keyspace {
        &mut self.server.keyspace
    }

    /// The data this node holds (read-only).
    pub fn keyspace(&self) -> &Keyspace {
        &self.server.keyspace
    }

    pub(crate) fn slot_route(&self, slot: u16) -> SlotRoute {
        let owner = self.slot_owner_peer(slot);
        let addr = |id| self.peer(id).map(|p| self.route_addr(p));
        let mine = owner.is_some_and(|p| p.id == self.myself);
        SlotRoute {
            owner: owner.map(|p| self.route_addr(p)),
            mine,
            migrating_to: self
                .cluster
                .migrating
                .get(&slot)
                .filter(|_| mine)
                .and_then(|id| addr(*id)),
            importing: self.cluster.importing.contains_key(&slot),
            my_master_owns: self.is_replica() && owner.is_some_and(|p| Some(p.id) == self.master()),
        }
    }

    /// Where a redirection sends clients to reach `p`.
    fn route_addr(&self, p: &super::peer::Peer) -> RouteAddr {
        let host = match self.cfg.preferred_endpoint {
            EndpointType::Ip => RouteHost::Ip(p.ip()),
            EndpointType::Hostname => RouteHost::Name(p.hostname.clone()),
            EndpointType::UnknownEndpoint => RouteHost::Unknown,
        };
        RouteAddr { host, port: p.port }
    }

    /// Version of a watched key (WATCH compares it at EXEC).
    pub(crate) fn watch_version(&mut self, key: &[u8]) -> u64 {
        *self.server.watch_versions.entry(key.to_vec()).or_insert(0)
    }

    /// `signalModifiedKey` for the keys of a write command.
    pub(super) fn touch_watched(&mut self, args: &[Vec<u8>]) {
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

    /// A write arrived while a manual failover pauses writes, or any command
    /// while a MIGRATE is in progress: run it later, in arrival order.
    pub(crate) fn postpone(&mut self, client: ClientId, args: Vec<Vec<u8>>) {
        self.server.postponed.push((client, args));
    }

    /// Runs postponed commands once the pause or the MIGRATE is over.
    pub(super) fn run_postponed(&mut self, now: Time) {
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
