//! Simulated applications: each owns a [`ClusterClient`] (the redis-py-like
//! model) wired to the nodes' client ports, so the simulation shows what an
//! application sees: MOVED and ASK during a reshard, CLUSTERDOWN and retries
//! during a failover, and acknowledged writes that a failover loses.
//!
//! Client commands reach a node at once (clients are outside the simulated
//! bus network); a paused node holds them until it resumes, a crashed one
//! refuses the connection.

use crate::client::{ClientConfig, ClientEvent, ClusterClient, RequestId, Transmit};
use crate::node::{ClientId, Input};
use crate::resp::Value;
use crate::sim::conns::MODEL_CLIENTS;
use crate::sim::{Sim, Status};
use crate::time::Time;
use std::collections::{BTreeMap, VecDeque};

/// Bound on reply/transmit rounds per pump: a client redirects at most
/// `request_ttl` times per command, so this is never reached in practice.
const PUMP_ROUNDS: usize = 10_000;

/// A steady stream of `SET key <n>` through one client, one command at a
/// time (a single-connection application), cycling over `keys`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Workload {
    /// One write every this many simulated ms.
    pub every_ms: u64,
    /// The keys written, in turn.
    pub keys: Vec<Vec<u8>>,
}

/// How a workload fared.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WorkloadStats {
    /// Writes started.
    pub sent: u64,
    /// `+OK` replies: writes the application believes are stored.
    pub acked: u64,
    /// Error replies and client-side failures.
    pub failed: u64,
    /// Ticks skipped because the previous command was still running.
    pub skipped: u64,
}

#[derive(Clone, Debug)]
struct Running {
    spec: Workload,
    next_at: Time,
    seq: u64,
    in_flight: Option<RequestId>,
    stats: WorkloadStats,
}

#[derive(Clone, Debug)]
pub(in crate::sim) struct SimClient {
    model: ClusterClient,
    /// Tokens waiting for a reply on each connection, in order.
    waiting: BTreeMap<ClientId, VecDeque<u64>>,
    /// `SET key value` commands in flight, recorded when acknowledged.
    sets: BTreeMap<RequestId, (Vec<u8>, Vec<u8>)>,
    /// Events of the requests the user made, not taken yet.
    events: Vec<ClientEvent>,
    workload: Option<Running>,
}

/// The connection of client `c` to node `node`: one per pair, numbered so
/// the reply routing needs no table. A restarted node sees a new client
/// anyway (its client table is gone).
fn conn_id(c: usize, node: usize) -> ClientId {
    ClientId(MODEL_CLIENTS + ((c as u64) << 20) + node as u64)
}

fn conn_owner(client: ClientId) -> (usize, usize) {
    let n = client.0 - MODEL_CLIENTS;
    ((n >> 20) as usize, (n & 0xfffff) as usize)
}

impl Sim {
    /// A new application whose client starts from the nodes `seeds`.
    pub fn add_client(&mut self, seeds: &[usize], cfg: ClientConfig) -> usize {
        let startup = seeds.iter().map(|&i| self.nodes[i].client_addr).collect();
        self.drivers.clients.push(SimClient {
            model: ClusterClient::new(startup, cfg),
            waiting: BTreeMap::new(),
            sets: BTreeMap::new(),
            events: Vec::new(),
            workload: None,
        });
        self.drivers.clients.len() - 1
    }

    /// Client `c` runs a command; follow it with [`client_events`](Self::client_events).
    pub fn client_call(&mut self, c: usize, args: Vec<Vec<u8>>) -> RequestId {
        let id = self.drivers.clients[c].model.call(args.clone());
        self.track_set(c, id, &args);
        self.pump_clients();
        id
    }

    /// Runs the simulation until client `c`'s command is over (or `limit`).
    pub fn client_run(&mut self, c: usize, args: Vec<Vec<u8>>, limit: Time) -> Option<ClientEvent> {
        let id = self.client_call(c, args);
        let done = |e: &ClientEvent| matches!(e, ClientEvent::Done { id: d, .. } if *d == id);
        self.run_until_pred(limit, |s| s.drivers.clients[c].events.iter().any(done));
        let pos = self.drivers.clients[c].events.iter().position(done)?;
        Some(self.drivers.clients[c].events.remove(pos))
    }

    /// What happened to client `c`'s requests since the last call.
    pub fn client_events(&mut self, c: usize) -> Vec<ClientEvent> {
        std::mem::take(&mut self.drivers.clients[c].events)
    }

    /// How many applications were added: a copy of the simulator taken earlier has fewer.
    pub fn client_count(&self) -> usize {
        self.drivers.clients.len()
    }

    /// Client `c`'s model (slot map, counters).
    pub fn cluster_client(&self, c: usize) -> &ClusterClient {
        &self.drivers.clients[c].model
    }

    /// Client `c` starts writing `SET key <n>` every `every_ms`.
    pub fn start_workload(&mut self, c: usize, spec: Workload) {
        self.drivers.clients[c].workload = Some(Running {
            next_at: self.now + spec.every_ms,
            spec,
            seq: 0,
            in_flight: None,
            stats: WorkloadStats::default(),
        });
    }

    /// How client `c`'s workload fared, if it has one.
    pub fn workload_stats(&self, c: usize) -> Option<&WorkloadStats> {
        self.drivers.clients[c].workload.as_ref().map(|w| &w.stats)
    }

    fn track_set(&mut self, c: usize, id: RequestId, args: &[Vec<u8>]) {
        if args.len() == 3 && args[0].eq_ignore_ascii_case(b"set") {
            self.drivers.clients[c]
                .sets
                .insert(id, (args[1].clone(), args[2].clone()));
        }
    }

    /// The earliest client timer, workload tick or job step.
    pub(in crate::sim) fn drivers_due(&self) -> Option<Time> {
        let clients = self.drivers.clients.iter().flat_map(|c| {
            let tick = c.workload.as_ref().map(|w| w.next_at);
            [c.model.poll_timeout(), tick]
        });
        clients.chain([self.jobs_due()]).flatten().min()
    }

    /// Runs every driver that is due now.
    pub(in crate::sim) fn run_drivers(&mut self) {
        let now = self.now;
        for c in 0..self.drivers.clients.len() {
            if self.drivers.clients[c]
                .model
                .poll_timeout()
                .is_some_and(|t| t <= now)
            {
                self.drivers.clients[c].model.handle_timeout(now);
            }
            self.workload_tick(c);
        }
        self.pump_clients();
        self.run_jobs();
    }

    fn workload_tick(&mut self, c: usize) {
        let now = self.now;
        let Some(w) = self.drivers.clients[c].workload.as_mut() else {
            return;
        };
        if w.next_at > now {
            return;
        }
        w.next_at = now + w.spec.every_ms.max(1);
        if w.in_flight.is_some() || w.spec.keys.is_empty() {
            w.stats.skipped += 1;
            return;
        }
        w.seq += 1;
        w.stats.sent += 1;
        let key = w.spec.keys[(w.seq as usize - 1) % w.spec.keys.len()].clone();
        let args = vec![b"SET".to_vec(), key, w.seq.to_string().into_bytes()];
        let id = self.drivers.clients[c].model.call(args.clone());
        if let Some(w) = self.drivers.clients[c].workload.as_mut() {
            w.in_flight = Some(id);
        }
        self.track_set(c, id, &args);
    }

    /// Moves replies to the client models and their commands to the nodes
    /// until nothing is left to move.
    pub(in crate::sim) fn pump_clients(&mut self) {
        for _ in 0..PUMP_ROUNDS {
            let mut moved = false;
            while let Some((conn, value)) = self.drivers.client_inbox.pop_front() {
                moved = true;
                let (c, _) = conn_owner(conn);
                let token = self.drivers.clients[c]
                    .waiting
                    .get_mut(&conn)
                    .and_then(|q| q.pop_front());
                if let Some(token) = token {
                    let now = self.now;
                    self.drivers.clients[c]
                        .model
                        .handle_reply(now, token, value);
                }
            }
            for c in 0..self.drivers.clients.len() {
                while let Some(t) = self.drivers.clients[c].model.poll_transmit() {
                    moved = true;
                    self.client_send(c, t);
                }
                while let Some(event) = self.drivers.clients[c].model.poll_event() {
                    self.client_event(c, event);
                }
            }
            if !moved {
                return;
            }
        }
    }

    fn client_send(&mut self, c: usize, t: Transmit) {
        let node = self.by_client_addr.get(&t.to).copied();
        let Some(node) = node.filter(|&n| self.nodes[n].status != Status::Crashed) else {
            self.drivers.clients[c].model.handle_unreachable(t.token);
            return;
        };
        let conn = conn_id(c, node);
        self.drivers.clients[c]
            .waiting
            .entry(conn)
            .or_default()
            .push_back(t.token);
        if self.nodes[node].status == Status::Paused {
            self.drivers.held.push((node, conn, t.args));
            return;
        }
        let now = self.now;
        let input = Input::Command {
            client: conn,
            args: t.args,
        };
        self.nodes[node].node.handle(now, input);
        self.drain(node);
    }

    fn client_event(&mut self, c: usize, event: ClientEvent) {
        let client = &mut self.drivers.clients[c];
        if let ClientEvent::Done { id, reply, .. } = &event {
            if let Some((key, value)) = client.sets.remove(id) {
                if reply.as_ref() == Ok(&Value::ok()) {
                    self.drivers.ledger.record(&key, &value);
                }
            }
            if let Some(w) = client
                .workload
                .as_mut()
                .filter(|w| w.in_flight == Some(*id))
            {
                w.in_flight = None;
                match reply {
                    Ok(v) if !v.is_error() => w.stats.acked += 1,
                    _ => w.stats.failed += 1,
                }
                return;
            }
        }
        let from_workload = match &event {
            ClientEvent::Redirected { id, .. } => client
                .workload
                .as_ref()
                .is_some_and(|w| w.in_flight == Some(*id)),
            ClientEvent::Done { .. } => false,
        };
        if !from_workload {
            client.events.push(event);
        }
    }

    /// Node `idx` crashed: commands waiting on it fail like a reset socket.
    pub(in crate::sim) fn clients_lost_node(&mut self, idx: usize) {
        for c in 0..self.drivers.clients.len() {
            let conn = conn_id(c, idx);
            let tokens = self.drivers.clients[c]
                .waiting
                .remove(&conn)
                .unwrap_or_default();
            for token in tokens {
                self.drivers.clients[c].model.handle_unreachable(token);
            }
        }
        self.drivers
            .client_inbox
            .retain(|(conn, _)| conn_owner(*conn).1 != idx);
        self.pump_clients();
    }
}
