//! A deterministic discrete-event simulator that drives real [`Node`]s over a
//! simulated network, for tests, lessons, the CLI and the web app alike.
//!
//! The run is a pure function of (scenario, seed, actions): the next event is
//! the earliest node timeout or message delivery, ties broken by a sequence
//! number, and all randomness comes from seeded ChaCha8 streams.
//!
//! `Sim` is the scheduler: it holds the nodes and their timers, and two
//! parts it asks for their next event:
//! - the network (`network`): messages in flight, connects, link clocks,
//!   partitions, and the random draws of loss, duplication and jitter;
//! - the drivers (`drivers`): what talks to the nodes from outside, the
//!   write load, applications using the cluster-client model, redis-cli-like
//!   jobs that reshard, rebalance or add a node, and the ledger of
//!   acknowledged writes that failovers lose.
//!
//! The connections nodes open to each other for MIGRATE (`conns`) travel
//! on the network; running busy windows on two threads is `parallel`.

mod action;
mod check;
mod cli_fix;
mod cli_report;
mod conns;
mod disk;
mod drivers;
mod formed;
mod forming;
mod network;
#[cfg(not(target_arch = "wasm32"))]
mod parallel;
mod probe;
mod scenario;
mod trace;
mod why;
mod wire_log;

pub use action::{Action, TimedAction};
pub use check::Violation;
pub use cli_report::CliReport;
pub use conns::INTERNAL_CLIENTS;
pub use disk::Disk;
pub use drivers::reshard;
pub use drivers::reshard::{Job, JobId, JobOptions, Task};
pub use drivers::{LostWrite, Workload, WorkloadStats};
pub use forming::{Forming, Stage as FormingStage};
pub use network::{InFlight, NetConfig, Partitions, Payload, PPM};
pub use probe::{determinism_probe, formed_probe};
pub use scenario::{master_name, Formation, Scenario, ScenarioError, MEET_UP_TO};
pub use trace::{fingerprint, Names, TraceEvent};
pub use why::{explain, Cause, Fact, Why, ELECTION_FIXED_MS, ELECTION_PER_RANK_MS};
pub use wire_log::{Sent, SentKind};

use crate::config::Config;
use crate::event::Event;
use crate::id::NodeId;
use crate::msg::MsgType;
use crate::node::{Admin, AdminError, AdminReply, ClientId, Input, Link, Node, Output};
use crate::resp::Value;
use crate::time::Time;
use drivers::Drivers;
use network::{Arrival, Network};
use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::net::SocketAddr;

/// Whether a simulated process is running.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    /// Running.
    Up,
    /// Killed (`kill -9`): inputs are lost until restart.
    Crashed,
    /// Stopped (`SIGSTOP`): inputs wait in its socket buffers.
    Paused,
}

/// One simulated process.
#[derive(Clone)]
pub struct SimNode {
    /// Its friendly name (`A`, `B1`…).
    pub name: String,
    /// The node's state machine.
    pub node: Node,
    /// Running, crashed or paused.
    pub status: Status,
    /// Where its cluster bus listens.
    pub bus_addr: SocketAddr,
    /// Where clients (and MIGRATE) connect.
    pub client_addr: SocketAddr,
    /// Messages that reached it while paused, delivered on resume.
    backlog: Vec<InFlight>,
    /// Outcomes of its connects that completed while it was paused (bus
    /// address, whether the link is up), told on resume.
    connect_backlog: Vec<(SocketAddr, bool)>,
    /// Its files (RDB, AOF), which survive a kill.
    pub disk: Disk,
}

impl SimNode {
    /// Loads the data on its disk, as Redis does at start.
    fn load_from_disk(&mut self, now: Time) {
        let disk = &self.disk;
        // A simulated disk holds only what a node wrote, so it loads.
        let _ = self
            .node
            .load_data(now, &mut |name| Ok(disk.read(name).map(<[u8]>::to_vec)));
    }
}

/// The simulator.
///
/// **Snapshots are clones.** A `Sim` owns everything a run depends on (nodes,
/// timers, messages in flight, partitions, the network's random stream, the
/// trace), so `sim.clone()` is a complete snapshot: running the clone with the
/// same actions reproduces the original run event for event
/// (`tests/snapshot.rs`). Going back in time is replaying from the nearest
/// earlier snapshot.
#[derive(Clone)]
pub struct Sim {
    now: Time,
    nodes: Vec<SimNode>,
    by_client_addr: BTreeMap<SocketAddr, usize>,
    by_id: BTreeMap<NodeId, usize>,
    /// Messages in flight, connects, link clocks, partitions, and the
    /// random stream of loss, duplication and jitter.
    network: Network,
    /// Node timers by (time, node index).
    timers: BTreeSet<(Time, usize)>,
    timer_of: Vec<Option<Time>>,
    trace: Vec<TraceEvent>,
    /// The faults applied so far (kill, pause, cuts, loss), which explain
    /// why a node stopped answering ([`Sim::why`]); not part of the trace.
    faults: Vec<TimedAction>,
    /// What drives the cluster from outside: the write load, cluster
    /// clients, redis-cli jobs, and the ledger of acknowledged writes.
    drivers: Drivers,
    replies: VecDeque<(usize, ClientId, Value)>,
    stats: SimStats,
    /// Node-to-node client connections (MIGRATE).
    conns: conns::NodeConns,
    /// Windows of at least this many node events run on two threads
    /// (`parallel`); `None`: everything runs on the caller's thread.
    parallel: Option<usize>,
    /// Windows that ran on two threads so far.
    parallel_windows: u64,
    /// Messages sent lately, when a view asked for them ([`Sim::record_wire`]).
    wire_log: Option<wire_log::WireLog>,
    /// The answer to the [`Input::Admin`] [`Sim::admin`] just fed.
    admin_reply: Option<Result<AdminReply, AdminError>>,
}

/// Counters of a run.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SimStats {
    /// Messages delivered.
    pub delivered: u64,
    /// Messages lost (loss draws, partitions, dead receivers).
    pub dropped: u64,
    /// Bytes sent on the wire.
    pub bytes: u64,
    /// Node events emitted.
    pub events: u64,
    /// Bytes of cluster bus messages the nodes sent (before loss or
    /// duplication: what their links carry out).
    pub bus_bytes: u64,
    /// PINGs the nodes sent.
    pub pings: u64,
    /// PONGs the nodes sent.
    pub pongs: u64,
}

impl Sim {
    /// An empty simulation: no nodes yet (see [`Scenario::build`]).
    pub fn new(seed: u64, net: NetConfig) -> Sim {
        Sim {
            now: Time::ZERO,
            nodes: Vec::new(),
            by_client_addr: BTreeMap::new(),
            by_id: BTreeMap::new(),
            network: Network::new(seed, net),
            timers: BTreeSet::new(),
            timer_of: Vec::new(),
            trace: Vec::new(),
            faults: Vec::new(),
            drivers: Drivers::default(),
            replies: VecDeque::new(),
            stats: SimStats::default(),
            conns: conns::NodeConns::default(),
            #[cfg(not(target_arch = "wasm32"))]
            parallel: Some(parallel::DEFAULT_MIN_EVENTS),
            #[cfg(target_arch = "wasm32")]
            parallel: None,
            parallel_windows: 0,
            wire_log: None,
            admin_reply: None,
        }
    }

    /// Keeps every message sent from now on for `keep_ms` of simulated time (`None` stops
    /// and forgets): a view that only sees the simulator between long runs (a lesson's
    /// sequence diagram) reads them back with [`sent_messages`](Self::sent_messages).
    pub fn record_wire(&mut self, keep_ms: Option<u64>) {
        self.wire_log = keep_ms.map(wire_log::WireLog::new);
    }

    /// The messages recorded since [`record_wire`](Self::record_wire), oldest first.
    pub fn sent_messages(&self) -> impl DoubleEndedIterator<Item = &Sent> {
        self.wire_log.iter().flat_map(|l| l.sent().iter())
    }

    /// Starts a node process named `name` listening on 127.0.0.1:`port`.
    pub fn add_node(&mut self, name: &str, port: u16, cfg: Config, seed: u64) -> usize {
        let ip = std::net::IpAddr::from([127, 0, 0, 1]);
        let cport = port.wrapping_add(crate::config::consts::PORT_INCR);
        let node = Node::new(cfg, SocketAddr::new(ip, port), cport, seed, self.now);
        self.add_process(name, port, node)
    }

    /// Starts a process named `name` on 127.0.0.1:`port` (bus +10000) running
    /// `node`, a state machine its host built, e.g. from a nodes.conf.
    pub(crate) fn add_process(&mut self, name: &str, port: u16, node: Node) -> usize {
        let ip = std::net::IpAddr::from([127, 0, 0, 1]);
        let cport = port.wrapping_add(crate::config::consts::PORT_INCR);
        let idx = self.nodes.len();
        let bus_addr = SocketAddr::new(ip, cport);
        let client_addr = SocketAddr::new(ip, port);
        self.network.attach(idx, bus_addr);
        self.by_client_addr.insert(client_addr, idx);
        self.by_id.insert(node.id(), idx);
        self.nodes.push(SimNode {
            name: name.to_string(),
            node,
            status: Status::Up,
            bus_addr,
            client_addr,
            backlog: Vec::new(),
            connect_backlog: Vec::new(),
            disk: Disk::default(),
        });
        // Like Redis's `main`: `loadDataFromDisk`, then `aofOpenIfNeededOnServerStart`, so a
        // node started with `appendonly yes` writes its AOF from its first command.
        let now = self.now;
        self.nodes[idx].load_from_disk(now);
        self.timer_of.push(None);
        self.reschedule(idx);
        idx
    }

    /// The simulated clock.
    pub fn now(&self) -> Time {
        self.now
    }

    /// Every simulated process, by index.
    pub fn nodes(&self) -> &[SimNode] {
        &self.nodes
    }

    /// The state machine of node `idx`.
    pub fn node(&self, idx: usize) -> &Node {
        &self.nodes[idx].node
    }

    /// Whether node `idx` is running, crashed or paused.
    pub fn status(&self, idx: usize) -> Status {
        self.nodes[idx].status
    }

    /// The index of the node named `name` (`A`, `B1`…).
    pub fn index_of(&self, name: &str) -> Option<usize> {
        self.nodes.iter().position(|n| n.name == name)
    }

    /// The index of the node whose client port is at `addr`.
    pub fn index_of_client_addr(&self, addr: SocketAddr) -> Option<usize> {
        self.by_client_addr.get(&addr).copied()
    }

    /// The index of the node with this ID.
    pub fn index_of_id(&self, id: NodeId) -> Option<usize> {
        self.by_id.get(&id).copied()
    }

    /// Every event so far, in order.
    pub fn trace(&self) -> &[TraceEvent] {
        &self.trace
    }

    /// The faults applied so far, oldest first: the roots of [`Sim::why`]'s
    /// causal chains.
    pub fn faults(&self) -> &[TimedAction] {
        &self.faults
    }

    /// Why trace entry `index` happened: its rule, numbers and causes.
    pub fn why(&self, index: usize) -> Option<Why> {
        explain(&self.trace, index, &self.faults, &|id| self.index_of_id(id))
    }

    fn record_fault(&mut self, action: Action) {
        self.faults.push(TimedAction {
            t: self.now,
            action,
        });
    }

    /// Counters of the run.
    pub fn stats(&self) -> &SimStats {
        &self.stats
    }

    /// The partitions and cuts in force.
    pub fn partitions(&self) -> &Partitions {
        self.network.partitions()
    }

    /// Messages currently on the wire, earliest delivery first.
    pub fn in_flight(&self) -> impl Iterator<Item = &InFlight> {
        self.network.in_flight()
    }

    /// Runs an operator action on node `idx` now.
    pub fn admin(&mut self, idx: usize, action: Admin) -> Result<AdminReply, AdminError> {
        if self.nodes[idx].status != Status::Up {
            return Err(AdminError(format!(
                "node {} is not running",
                self.nodes[idx].name
            )));
        }
        let now = self.now;
        self.admin_reply = None;
        self.nodes[idx]
            .node
            .handle(now, Input::Admin(Box::new(action)));
        self.drain(idx);
        self.admin_reply.take().unwrap_or_else(|| {
            Err(AdminError(format!(
                "node {} is busy (asleep in DEBUG SLEEP): the action runs when it wakes",
                self.nodes[idx].name
            )))
        })
    }

    // ---- faults ----

    /// `kill -9`: the process stops; messages to it are lost.
    pub fn crash(&mut self, idx: usize) {
        self.record_fault(Action::Kill(idx));
        self.go_down(idx);
    }

    /// The process is gone (killed, or exited after SHUTDOWN): its
    /// sockets close and it hears nothing until restarted.
    fn go_down(&mut self, idx: usize) {
        self.nodes[idx].status = Status::Crashed;
        self.nodes[idx].backlog.clear();
        self.nodes[idx].connect_backlog.clear();
        self.network.forget_connects_of(idx);
        self.drivers.held.retain(|(n, _, _)| *n != idx);
        self.reschedule(idx);
        self.connections_reset(idx);
        // The kernel closes a killed process's sockets: its peers see their
        // links to it, and its links to them, break at once.
        let addr = self.nodes[idx].bus_addr;
        for peer in 0..self.nodes.len() {
            if peer != idx {
                self.link_closed(peer, addr);
                self.inbound_link_closed(peer, addr);
            }
        }
    }

    /// Tells node `idx` that its outbound link to `addr` broke.
    fn link_closed(&mut self, idx: usize, addr: SocketAddr) {
        if self.nodes[idx].status != Status::Up {
            return;
        }
        let now = self.now;
        self.nodes[idx].node.handle(now, Input::LinkClosed { addr });
        self.drain(idx);
    }

    /// Tells node `idx` that the link the node at `addr` opened to it broke.
    fn inbound_link_closed(&mut self, idx: usize, addr: SocketAddr) {
        if self.nodes[idx].status != Status::Up {
            return;
        }
        let now = self.now;
        self.nodes[idx]
            .node
            .handle(now, Input::InboundLinkClosed { addr });
        self.drain(idx);
    }

    /// Restarts a crashed or paused process: it keeps its nodes.conf.
    /// Like Redis at start, it loads its data from its disk: the AOF with
    /// `appendonly yes`, else its last RDB save.
    pub fn restart(&mut self, idx: usize) {
        let now = self.now;
        let n = &mut self.nodes[idx];
        n.node = n.node.restart(now);
        n.load_from_disk(now);
        n.status = Status::Up;
        n.backlog.clear();
        n.connect_backlog.clear();
        self.network.forget_connects_of(idx);
        self.reschedule(idx);
    }

    /// `kill -STOP`.
    pub fn pause(&mut self, idx: usize) {
        if self.nodes[idx].status == Status::Up {
            self.record_fault(Action::Pause(idx));
            self.nodes[idx].status = Status::Paused;
            self.reschedule(idx);
        }
    }

    /// `kill -CONT`: the process catches up with its timers and socket buffers.
    pub fn resume(&mut self, idx: usize) {
        if self.nodes[idx].status != Status::Paused {
            return;
        }
        self.nodes[idx].status = Status::Up;
        let backlog = std::mem::take(&mut self.nodes[idx].backlog);
        for m in backlog {
            self.deliver(m);
        }
        let now = self.now;
        for (addr, up) in std::mem::take(&mut self.nodes[idx].connect_backlog) {
            let input = if up {
                Input::LinkUp { addr }
            } else {
                Input::LinkClosed { addr }
            };
            self.nodes[idx].node.handle(now, input);
            self.drain(idx);
        }
        self.nodes[idx].node.handle(now, Input::Timeout);
        self.drain(idx);
        let (held, rest) = std::mem::take(&mut self.drivers.held)
            .into_iter()
            .partition(|(n, _, _)| *n == idx);
        self.drivers.held = rest;
        for (_, client, args) in held {
            self.nodes[idx]
                .node
                .handle(now, Input::Command { client, args });
            self.drain(idx);
        }
        self.pump_clients();
    }

    /// Cuts the network between two groups, both ways.
    pub fn partition(&mut self, a: &[usize], b: &[usize]) {
        self.record_fault(Action::Partition(vec![a.to_vec(), b.to_vec()]));
        self.network.partitions_mut().cut_between(a, b);
    }

    /// Cuts `from → to` only.
    pub fn partition_one_way(&mut self, from: usize, to: usize) {
        self.record_fault(Action::Cut { from, to });
        self.network.partitions_mut().cut_one_way(from, to);
    }

    /// Cuts `idx` from everyone.
    pub fn isolate(&mut self, idx: usize) {
        let others: Vec<usize> = (0..self.nodes.len()).filter(|&i| i != idx).collect();
        self.record_fault(Action::Partition(vec![vec![idx], others.clone()]));
        self.network.partitions_mut().cut_between(&[idx], &others);
    }

    /// Removes every cut. Connections that timed out during the partition
    /// come back as fresh ones: the nodes on either side reconnect.
    pub fn heal(&mut self) {
        let partitions = self.network.partitions_mut();
        let cut: Vec<(usize, usize)> = partitions.pairs().collect();
        partitions.heal();
        self.network.release_held(self.now);
        for (from, to) in cut {
            let addr = self.nodes[to].bus_addr;
            self.link_closed(from, addr);
        }
    }

    /// From now on, the network behaves as `net` (messages in flight keep
    /// their delivery times); ratios above a million parts mean all.
    pub fn set_net(&mut self, net: NetConfig) {
        self.network.set_config(net);
    }

    /// From now on, loses each message with probability `p` (clamped to
    /// 0..=1, rounded to parts per million).
    pub fn set_loss(&mut self, p: f64) {
        let p = if p.is_nan() { 0.0 } else { p.clamp(0.0, 1.0) };
        self.network.set_loss(p);
        if p > 0.0 {
            self.record_fault(Action::Loss(p));
        }
    }

    /// Drops one in-flight message by its id; returns whether it existed.
    pub fn drop_message(&mut self, id: u64) -> bool {
        let dropped = self.network.drop_message(id);
        self.stats.dropped += u64::from(dropped);
        dropped
    }

    // ---- running ----

    /// When the next event happens, if any.
    pub fn next_event_time(&self) -> Option<Time> {
        let msg = self.network.next_message().map(|(t, _)| t);
        let connect = self.network.next_connect().map(|(t, _)| t);
        let timer = self.timers.iter().next().map(|(t, _)| *t);
        let write = self.drivers.load.due();
        let drivers = self.drivers_due();
        [msg, connect, timer, write, drivers]
            .into_iter()
            .flatten()
            .min()
    }

    /// Processes the next event (all that happen at its instant for one
    /// target). Returns false when nothing is left to do.
    pub fn step(&mut self) -> bool {
        let Some(t) = self.next_event_time() else {
            return false;
        };
        self.now = self.now.max(t);
        if self.drivers.load.every.is_some() && self.drivers.load.next <= self.now {
            self.apply_writes();
            return true;
        }
        if self.drivers_due().is_some_and(|d| d <= self.now) {
            self.run_drivers();
            return true;
        }
        // Messages first, then connects, then timers, at one instant.
        if let Some((ct, seq)) = self.network.next_connect() {
            let msg_first = self.network.next_message().is_some_and(|(mt, _)| mt <= ct);
            let timer_first = self.timers.iter().next().is_some_and(|(tt, _)| *tt < ct);
            if !msg_first && !timer_first {
                self.finish_connect((ct, seq));
                self.pump_clients();
                return true;
            }
        }
        let first_msg = self.network.next_message();
        let first_timer = self.timers.iter().next().copied();
        match (first_msg, first_timer) {
            (Some((mt, seq)), Some((tt, _))) if mt <= tt => self.pop_message((mt, seq)),
            (Some(key), None) => self.pop_message(key),
            (_, Some((tt, idx))) => {
                self.timers.remove(&(tt, idx));
                self.timer_of[idx] = None;
                let now = self.now;
                self.nodes[idx].node.handle(now, Input::Timeout);
                self.drain(idx);
            }
            (None, None) => return false,
        }
        self.pump_clients();
        true
    }

    /// Runs every event up to and including time `t`, then sets the clock to `t`.
    ///
    /// Busy windows run their nodes on two threads (see [`set_parallel`](Self::set_parallel));
    /// the result is the same as event by event.
    pub fn run_until(&mut self, t: Time) {
        #[cfg(not(target_arch = "wasm32"))]
        self.run_windows(t, false);
        while self.next_event_time().is_some_and(|next| next <= t) {
            self.step();
        }
        self.now = self.now.max(t);
    }

    /// Lets [`run_until`](Self::run_until) run the nodes of a time window on
    /// two threads when the window holds at least `min_events` node events
    /// (`None`: never). Within the network's minimum latency no node can
    /// affect another, so this changes nothing but the speed: the trace,
    /// counters, node states and messages in flight are those of the
    /// sequential run. The default is on for native builds (windows of 32
    /// events or more) and off on wasm32, which has no threads.
    pub fn set_parallel(&mut self, min_events: Option<usize>) {
        if cfg!(not(target_arch = "wasm32")) {
            self.parallel = min_events.map(|n| n.max(1));
        }
    }

    /// How many windows ran on two threads so far.
    pub fn parallel_windows(&self) -> u64 {
        self.parallel_windows
    }

    /// Runs until `pred` holds (checked after each event) or `limit` passes.
    /// Returns whether `pred` held. Always on the caller's thread: a window
    /// run on two threads has no state between its events to check `pred` on.
    pub fn run_until_pred(&mut self, limit: Time, mut pred: impl FnMut(&Sim) -> bool) -> bool {
        loop {
            if pred(self) {
                return true;
            }
            match self.next_event_time() {
                Some(next) if next <= limit => {
                    self.step();
                }
                _ => {
                    self.now = self.now.max(limit);
                    return pred(self);
                }
            }
        }
    }

    /// Sends a command from `client` to node `idx` now; returns the reply if
    /// it came at once (WAIT, MIGRATE, commands waiting for a MIGRATE or a
    /// paused write reply later, see [`take_replies`](Self::take_replies)).
    /// Client numbers from [`INTERNAL_CLIENTS`] up are the simulator's own.
    pub fn command(&mut self, idx: usize, client: ClientId, args: Vec<Vec<u8>>) -> Option<Value> {
        if self.nodes[idx].status != Status::Up {
            return None;
        }
        let now = self.now;
        self.nodes[idx]
            .node
            .handle(now, Input::Command { client, args });
        self.drain(idx);
        let pos = self
            .replies
            .iter()
            .position(|(n, c, _)| *n == idx && *c == client)?;
        self.replies.remove(pos).map(|(_, _, v)| v)
    }

    /// Replies that arrived later (WAIT, postponed writes), oldest first.
    pub fn take_replies(&mut self) -> Vec<(usize, ClientId, Value)> {
        self.replies.drain(..).collect()
    }

    fn pop_message(&mut self, key: Arrival) {
        if let Some(m) = self.network.take_message(key) {
            self.deliver(m);
        }
    }

    fn deliver(&mut self, m: InFlight) {
        let to = m.to;
        if self.network.blocks(m.from, to) {
            if m.payload.is_stream() {
                self.network.hold(m);
            } else {
                self.stats.dropped += 1;
            }
            return;
        }
        match self.nodes[to].status {
            Status::Crashed => {
                self.stats.dropped += 1;
                // Connection refused: the sender's link breaks at once.
                if matches!(m.payload, Payload::Bus { .. }) {
                    let addr = self.nodes[to].bus_addr;
                    self.link_closed(m.from, addr);
                }
                return;
            }
            Status::Paused => {
                self.nodes[to].backlog.push(m);
                return;
            }
            Status::Up => {}
        }
        self.stats.delivered += 1;
        let now = self.now;
        self.nodes[to].node.handle(now, m.payload.into_input());
        self.drain(to);
    }

    /// Collects a node's outputs: messages go on the wire, events to the
    /// trace, replies to whoever owns the client.
    fn drain(&mut self, idx: usize) {
        let mut promoted = false;
        while let Some(out) = self.nodes[idx].node.poll_output() {
            promoted |= is_promotion(&out);
            if let Some(refused) = self.apply_output(idx, out) {
                let now = self.now;
                self.nodes[idx].node.handle(now, refused);
            }
        }
        self.reschedule(idx);
        if promoted {
            self.check_lost_writes(idx);
        }
        self.shut_down_if_exited(idx);
    }

    /// A node that ran SHUTDOWN exits: its process goes down as if killed
    /// (what it had to save is on its disk already).
    fn shut_down_if_exited(&mut self, idx: usize) {
        if self.nodes[idx].status == Status::Up && self.nodes[idx].node.has_exited() {
            self.go_down(idx);
        }
    }

    /// Applies one output of node `idx` now. Returns the
    /// input the node must hear at once, if any (a refused MIGRATE connect).
    fn apply_output(&mut self, idx: usize, out: Output) -> Option<Input> {
        match out {
            Output::Connect { to } => self.network.start_connect(self.now, idx, to),
            Output::Send { to, link, msg } => {
                let from = self.nodes[idx].bus_addr;
                let bytes = msg.encoded_len();
                self.stats.bus_bytes += bytes as u64;
                match msg.kind() {
                    MsgType::Ping => self.stats.pings += 1,
                    MsgType::Pong => self.stats.pongs += 1,
                    _ => {}
                }
                self.transmit(idx, to, bytes, Payload::Bus { from, link, msg });
            }
            Output::Repl { client, frame } => self.repl_frame(idx, client, frame),
            Output::ReplConnect { conn, to } => return self.repl_connect(idx, conn, to),
            Output::Reply { client, value } => self.route_reply(idx, client, value),
            Output::Request { conn, to, args } => return self.node_request(idx, conn, to, args),
            Output::Hangup(conn) => {
                if let Some((to, client)) = self.conns.close(idx, conn) {
                    let to_addr = self.nodes[to].bus_addr;
                    self.transmit(idx, to_addr, 0, Payload::Hangup { client });
                }
            }
            // CLIENT KILL: the node forgot the client already. A node's
            // connection (a replica's link) ends for its opener; a
            // simulated client keeps no connection, its next command opens
            // a new one.
            Output::Close { client } => self.close_node_conn(idx, client),
            // A freed link closes its socket: the node at the other end sees
            // its side break at once (our outbound link is its inbound one).
            // (The simulated network queues nothing at a sender, so the send
            // buffer limit never asks for this: a deleted node does.)
            Output::DropLink { to, link } => {
                if let Some(peer) = self.network.listener(to).filter(|&p| p != idx) {
                    let addr = self.nodes[idx].bus_addr;
                    match link {
                        Link::Outbound => self.inbound_link_closed(peer, addr),
                        Link::Reply => self.link_closed(peer, addr),
                    }
                }
            }
            Output::Disk(job) => return self.nodes[idx].disk.run(job),
            // The node stops answering; the drain's caller takes the
            // process down (`shut_down`).
            Output::Exit => {}
            Output::AdminReply(reply) => self.admin_reply = Some(reply),
            Output::Event(event) => {
                self.stats.events += 1;
                self.trace.push(TraceEvent {
                    t: self.now,
                    node: idx,
                    event,
                });
            }
        }
        None
    }

    /// Puts a message of node `from` on the wire, counting it.
    fn transmit(&mut self, from: usize, to_addr: SocketAddr, bytes: usize, payload: Payload) {
        let log = &mut self.wire_log;
        let sent = |m: &InFlight| {
            if let Some(log) = log {
                log.record(m);
            }
        };
        match self
            .network
            .transmit(self.now, from, to_addr, bytes, payload, sent)
        {
            0 => self.stats.dropped += 1,
            copies => self.stats.bytes += copies * bytes as u64,
        }
    }

    /// A connect's outcome: up if a process (even a stopped one: the kernel
    /// accepts for it) listens at the address, refused if none does. A cut
    /// network loses the SYN: the connect stays pending until the node gives
    /// the link up or the network heals.
    fn finish_connect(&mut self, key: Arrival) {
        let Some((from, addr)) = self.network.take_connect(key) else {
            return;
        };
        let target = self.network.listener(addr);
        if let Some(to) = target {
            if self.network.blocks(from, to) || self.network.blocks(to, from) {
                return;
            }
        }
        let up = target.is_some_and(|to| self.nodes[to].status != Status::Crashed);
        match self.nodes[from].status {
            Status::Crashed => {}
            Status::Paused => self.nodes[from].connect_backlog.push((addr, up)),
            Status::Up => {
                let input = if up {
                    Input::LinkUp { addr }
                } else {
                    Input::LinkClosed { addr }
                };
                let now = self.now;
                self.nodes[from].node.handle(now, input);
                self.drain(from);
            }
        }
    }

    fn reschedule(&mut self, idx: usize) {
        let due = match self.nodes[idx].status {
            Status::Up => self.nodes[idx].node.poll_timeout().map(|t| t.max(self.now)),
            Status::Crashed | Status::Paused => None,
        };
        self.set_timer(idx, due);
    }

    /// Sets node `idx`'s timer to `due`.
    fn set_timer(&mut self, idx: usize, due: Option<Time>) {
        // Most messages leave the node's timer where it was: skip the
        // remove and insert then (this runs after every event).
        if due == self.timer_of[idx] {
            return;
        }
        if let Some(old) = self.timer_of[idx].take() {
            self.timers.remove(&(old, idx));
        }
        if let Some(t) = due {
            self.timers.insert((t, idx));
            self.timer_of[idx] = Some(t);
        }
    }
}

/// A replica's promotion: the lost-write ledger is checked after it.
fn is_promotion(out: &Output) -> bool {
    matches!(out, Output::Event(Event::Promoted { .. }))
}

impl Names for Sim {
    fn node_name(&self, idx: usize) -> String {
        self.nodes
            .get(idx)
            .map(|n| n.name.clone())
            .unwrap_or_else(|| format!("#{idx}"))
    }

    fn id_name(&self, id: NodeId) -> String {
        match self.by_id.get(&id) {
            Some(&i) => self.nodes[i].name.clone(),
            None => id.short().to_string(),
        }
    }
}
