//! Connections a node opens to another node's client port (MIGRATE's cached
//! socket). The opener numbers them ([`ConnId`]); the receiver sees an
//! ordinary client, numbered here. Commands and replies travel through the
//! simulated network like every other message, so latency, partitions and
//! crashes delay or cut a MIGRATE as they would a real socket.

use super::network::Network;
use super::Payload;
use crate::node::{ClientId, ConnId, Input, ReplFrame};
use crate::resp::{Protocol, Value};
use std::collections::BTreeMap;
use std::net::SocketAddr;

/// The client numbers the simulator gives its own connections, so replies
/// find their way back. A test's own clients should stay below
/// [`INTERNAL_CLIENTS`].
pub const INTERNAL_CLIENTS: u64 = 1 << 60;
/// Connections opened by the reshard jobs (redis-cli's).
pub(super) const JOB_CLIENTS: u64 = INTERNAL_CLIENTS;
/// Connections opened by cluster-client models.
pub(super) const MODEL_CLIENTS: u64 = 1 << 61;
/// Connections opened by nodes (MIGRATE).
pub(super) const NODE_CLIENTS: u64 = 1 << 62;

/// Who a client number belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Owner {
    User,
    Job,
    Model,
    Node,
    WriteLoad,
}

pub(super) fn owner(client: ClientId) -> Owner {
    match client.0 {
        super::drivers::WRITE_LOAD_CLIENT => Owner::WriteLoad,
        c if c >= NODE_CLIENTS => Owner::Node,
        c if c >= MODEL_CLIENTS => Owner::Model,
        c if c >= JOB_CLIENTS => Owner::Job,
        _ => Owner::User,
    }
}

/// Node-to-node client connections, both ways.
#[derive(Clone, Debug, Default)]
pub(super) struct NodeConns {
    next: u64,
    by_conn: BTreeMap<(usize, ConnId), (usize, ClientId)>,
    by_client: BTreeMap<ClientId, (usize, ConnId)>,
}

impl NodeConns {
    /// The receiving client of `from`'s connection `conn` to `to`, opened
    /// on first use.
    pub fn open(&mut self, from: usize, conn: ConnId, to: usize) -> ClientId {
        if let Some(&(_, client)) = self.by_conn.get(&(from, conn)) {
            return client;
        }
        self.next += 1;
        let client = ClientId(NODE_CLIENTS + self.next);
        self.by_conn.insert((from, conn), (to, client));
        self.by_client.insert(client, (from, conn));
        client
    }

    /// Closes `from`'s connection `conn`: the receiver and its client.
    pub fn close(&mut self, from: usize, conn: ConnId) -> Option<(usize, ClientId)> {
        let (to, client) = self.by_conn.remove(&(from, conn))?;
        self.by_client.remove(&client);
        Some((to, client))
    }

    /// The opener of the connection a receiver knows as `client`.
    pub fn opener(&self, client: ClientId) -> Option<(usize, ConnId)> {
        self.by_client.get(&client).copied()
    }

    /// The connections opened to `idx`, with their openers (they end when
    /// it dies).
    pub fn opened_to(&self, idx: usize) -> Vec<(usize, ConnId)> {
        self.by_conn
            .iter()
            .filter(|(_, (to, _))| *to == idx)
            .map(|(key, _)| *key)
            .collect()
    }

    /// The connections `idx` opened (closed when it crashes).
    pub fn opened_by(&self, idx: usize) -> Vec<ConnId> {
        self.by_conn
            .keys()
            .filter(|(from, _)| *from == idx)
            .map(|(_, c)| *c)
            .collect()
    }
}

impl super::Sim {
    /// Hands a node's reply to whoever owns the client.
    pub(super) fn route_reply(&mut self, idx: usize, client: ClientId, value: Value) {
        match owner(client) {
            Owner::WriteLoad => self.drivers.load.reply = Some(value),
            Owner::User => self.replies.push_back((idx, client, value)),
            Owner::Model => self.drivers.client_inbox.push_back((client, value)),
            Owner::Job => self.job_reply(client, value),
            Owner::Node => {
                // The reply travels back to the node that opened the connection.
                if let Some((from, conn)) = self.conns.opener(client) {
                    let to = self.nodes[from].bus_addr;
                    let bytes = value.to_bytes(Protocol::Resp2).len();
                    self.transmit(idx, to, bytes, Payload::Response { conn, value });
                }
            }
        }
    }

    /// Node `idx` writes `args` on its connection `conn` to the client port
    /// `to`. Returns the input to hand the node at once when nobody listens
    /// there (the connect is refused): the caller feeds it while still
    /// draining the node, so its outputs follow in the same drain.
    pub(super) fn node_request(
        &mut self,
        idx: usize,
        conn: ConnId,
        to: SocketAddr,
        args: Vec<Vec<u8>>,
    ) -> Option<Input> {
        let Some(&target) = self.by_client_addr.get(&to) else {
            self.stats.dropped += 1;
            return Some(refused(conn));
        };
        let client = self.conns.open(idx, conn, target);
        let bytes = command_len(&args);
        let to_bus = self.nodes[target].bus_addr;
        self.transmit(idx, to_bus, bytes, Payload::Command { client, args });
        None
    }

    /// Node `idx` (a replica's master) writes a replication frame to its
    /// client, the link a replica opened.
    pub(super) fn repl_frame(&mut self, idx: usize, client: ClientId, frame: ReplFrame) {
        if let Some((from, conn)) = self.conns.opener(client) {
            let to = self.nodes[from].bus_addr;
            let bytes = match &frame {
                ReplFrame::RdbPart { bytes, .. } => bytes.len(),
                _ => 32,
            };
            self.transmit(idx, to, bytes, Payload::Repl { conn, frame });
        }
    }

    /// Node `idx` opens its replication link `conn` to the client port
    /// `to` (see [`repl_connect_outcome`]). Returns the input to hand the
    /// node at once.
    pub(super) fn repl_connect(
        &mut self,
        idx: usize,
        conn: ConnId,
        to: SocketAddr,
    ) -> Option<Input> {
        let nodes = &self.nodes;
        let outcome = repl_connect_outcome(&self.by_client_addr, &self.network, idx, to, |t| {
            nodes[t].status == super::Status::Crashed
        });
        if let ReplConnect::Up(target) = outcome {
            self.conns.open(idx, conn, target);
        }
        outcome.input(conn)
    }

    /// Node `idx` closed its client `client` (CLIENT KILL): if another
    /// node opened that connection, it ends there too.
    pub(super) fn close_node_conn(&mut self, idx: usize, client: ClientId) {
        if let Some((from, conn)) = self.conns.opener(client) {
            self.conns.close(from, conn);
            let to = self.nodes[from].bus_addr;
            self.transmit(idx, to, 0, Payload::Closed { conn });
        }
    }

    /// Node `idx` died: its sockets close, and whoever waited on it learns.
    pub(super) fn connections_reset(&mut self, idx: usize) {
        for conn in self.conns.opened_by(idx) {
            if let Some((to, client)) = self.conns.close(idx, conn) {
                let to_bus = self.nodes[to].bus_addr;
                self.transmit(idx, to_bus, 0, Payload::Hangup { client });
            }
        }
        // A replica's link to a dead master breaks at once (MIGRATE's
        // socket waits for its own timeout, as modelled before).
        for (from, conn) in self.conns.opened_to(idx) {
            if !crate::node::is_repl_conn(conn) {
                continue;
            }
            self.conns.close(from, conn);
            let to_bus = self.nodes[from].bus_addr;
            self.transmit(idx, to_bus, 0, Payload::Closed { conn });
        }
        // What a cut holds to or from the dead process never arrives, its
        // closing included: the other end learns from its own timeouts.
        self.network.forget_held_of(idx);
        self.clients_lost_node(idx);
        self.jobs_lost_node(idx);
    }
}

/// How a replication connect turns out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum ReplConnect {
    /// Nobody listens there, or its process is dead: refused at once.
    Refused,
    /// A cut network loses the connect; the replica's `repl-timeout` ends it.
    Lost,
    /// Up at once with the process at this index (a stopped one too: the
    /// kernel accepts for it).
    Up(usize),
}

impl ReplConnect {
    /// What the connecting node hears at once.
    pub(super) fn input(self, conn: ConnId) -> Option<Input> {
        match self {
            ReplConnect::Refused => Some(refused(conn)),
            ReplConnect::Lost => None,
            ReplConnect::Up(_) => Some(Input::ReplLinkUp { conn }),
        }
    }
}

/// The outcome of node `idx`'s replication connect to the client port
/// `to`, from what stays fixed within a time window (addresses,
/// partitions, which processes are dead), so the sequential loop and the
/// parallel windows' threads decide it alike.
pub(super) fn repl_connect_outcome(
    client_addrs: &BTreeMap<SocketAddr, usize>,
    network: &Network,
    idx: usize,
    to: SocketAddr,
    crashed: impl Fn(usize) -> bool,
) -> ReplConnect {
    let Some(&target) = client_addrs.get(&to) else {
        return ReplConnect::Refused;
    };
    if network.blocks(idx, target) || network.blocks(target, idx) {
        return ReplConnect::Lost;
    }
    if crashed(target) {
        return ReplConnect::Refused;
    }
    ReplConnect::Up(target)
}

/// What a node hears when its connect to a client port is refused.
pub(super) fn refused(conn: ConnId) -> Input {
    Input::ConnClosed {
        conn,
        connected: false,
    }
}

/// Bytes of a command in RESP (`*n` and one bulk string per argument).
fn command_len(args: &[Vec<u8>]) -> usize {
    let bulks = args.iter().map(|a| Value::Bulk(a.clone())).collect();
    Value::Array(bulks).to_bytes(Protocol::Resp2).len()
}
