//! What CLIENT LIST, KILL and PAUSE need of the node: the connected
//! clients with their addresses (given by the host when they connect),
//! closing one, and the client pause (`pauseClients`, networking.c).

use crate::command::ClientState;
use crate::node::ServerCtx;
use crate::node::{ClientId, Node, Output};
use crate::time::Time;
use std::net::SocketAddr;

/// `CLIENT PAUSE`'s state: until when, and whether every command waits
/// (`CLIENT_PAUSE_ALL`) or only the ones that may write.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClientPause {
    /// When the pause ends.
    pub end: Time,
    /// ALL (every command waits) rather than WRITE.
    pub all: bool,
}

impl Node {
    /// A client connected from `peer` to our `local` address: CLIENT LIST
    /// shows them, and `total_connections_received` counts it. A client
    /// the host never announces appears at its first command, without
    /// addresses.
    pub fn client_opened(&mut self, now: Time, id: ClientId, peer: SocketAddr, local: SocketAddr) {
        let mut state = self.take_client(id);
        state.addr = Some((peer, local));
        self.put_client(id, state);
        self.opened(now, id);
    }

    /// Counts a new client and dates it (its `age=`).
    pub(in crate::node) fn opened(&mut self, now: Time, id: ClientId) {
        if let Some(state) = self.server.clients.get_mut(&id) {
            state.created = now;
            state.last_interaction = now;
        }
        self.server.stats.connections += 1;
    }

    /// Whether the node knows this client yet.
    pub(in crate::node) fn knows_client(&self, id: ClientId) -> bool {
        self.server.clients.contains_key(&id)
    }

    /// Whether `CLIENT PAUSE … ALL` holds every client's commands now.
    pub(crate) fn all_paused(&self, now: Time) -> bool {
        self.server
            .client_pause
            .is_some_and(|p| p.all && now < p.end)
    }

    /// Whether `CLIENT PAUSE` (WRITE or ALL) holds writes now.
    pub(in crate::node) fn client_paused(&self, now: Time) -> bool {
        self.server.client_pause.is_some_and(|p| now < p.end)
    }
}

/// What commands call of these rules (the node reaches them through
/// `Node::serving`).
impl ServerCtx<'_> {
    /// `freeClient` on another client (CLIENT KILL): its state goes now,
    /// and the host is told to close the connection.
    pub(crate) fn kill_client(&mut self, id: ClientId) {
        self.client_closed(id);
        self.out.push_back(Output::Close { client: id });
    }

    /// Every client but the one running a command (whose state is out of
    /// the map meanwhile), by ID.
    pub(crate) fn other_clients(&self) -> Vec<(ClientId, &ClientState)> {
        let mut all: Vec<_> = self
            .server
            .clients
            .iter()
            .map(|(id, s)| (*id, &**s))
            .collect();
        crate::sorted::sort_by_key(&mut all, |(id, _)| *id);
        all
    }

    /// `CLIENT PAUSE`: merged with a pause in progress as `pauseClients`
    /// does (the later end, ALL over WRITE).
    pub(crate) fn pause_clients(&mut self, end: Time, all: bool) {
        self.server.client_pause = Some(match self.server.client_pause {
            Some(p) => ClientPause {
                end: p.end.max(end),
                all: p.all || all,
            },
            None => ClientPause { end, all },
        });
    }

    /// `CLIENT UNPAUSE`: the waiting commands run before the node sleeps.
    pub(crate) fn unpause_clients(&mut self) {
        self.server.client_pause = None;
        self.server.unblock_postponed = true;
    }

    /// RESET: the client leaves every channel, pattern and shard channel.
    pub(crate) fn forget_client_subscriptions(&mut self, id: ClientId, state: &mut ClientState) {
        self.forget_subscriber(id);
        state.subscriptions = Default::default();
    }
}
