//! Running the nodes of one time window on two threads, with results bit for
//! bit identical to the sequential event loop ([`Sim::step`]): the same
//! trace, counters, node states, messages in flight (ids and delivery times)
//! and random stream (`tests/parallel_sim.rs`, and the `fingerprint` column
//! of `benches/simulate.rs` with `SIM_BENCH_THREADS=1,2`).
//!
//! **Why it is exact.** Every message takes at least `net.min_latency_ms` to
//! arrive and every connect twice that, so nothing a node does at time `t`
//! reaches another node before `t + min_latency`. Within the window
//! `[t0, t0 + min_latency)` each node's events are therefore fixed when the
//! window starts: the messages and connect completions already queued for
//! it, plus its own timer, which only its own events move. Process status
//! and partitions change only between `run_until` calls (operator actions),
//! so how each queued event lands (delivered, dropped, held for a stopped
//! process, or, for a message to a dead process, a `LinkClosed` for its
//! sender) is decided up front by `plan_window`, as `deliver` and
//! `finish_connect` decide it. The sequential loop takes events in
//! [`Order`]: time, then messages (by sequence number), connects (by
//! sequence number), timers (by node index); the only events it adds inside
//! a window are timers of the node that just ran, after that event.
//! Restricted to one node, that order is the one `threads::run_node`
//! follows, so each node handles exactly the same inputs at the same
//! instants.
//!
//! What the simulator does with the outputs is not node-local (the network's
//! random stream, sequence numbers, link clocks, the trace, counters, the
//! lost-write ledger), so the threads only collect each event's outputs in
//! a [`Record`]; then one thread sorts the records into the sequential order
//! and applies them exactly as `Sim::drain` would have, event by event. The
//! two things `drain` does to the node itself happen on the node's thread at
//! the same point: a refused MIGRATE connect and a replication connect's
//! outcome (`conns::repl_connect_outcome`, from addresses, partitions and
//! dead processes, all fixed within a window) are told at once, and after
//! a promotion the values it holds for the ledger's keys are read (the
//! keys only grow with the write load and clients, neither of which runs
//! inside a window).
//!
//! A window runs this way only when nothing outside the nodes can act inside
//! it ([`Sim::window_end`]): no write load tick, no cluster client (a reply
//! reaches a client model and its next command reaches a node at once) and
//! no redis-cli job. Otherwise, and for windows too small to be worth it,
//! the sequential loop runs.

mod plan;
mod threads;

use super::network::Network;
use super::{drivers, InFlight, Sim, Status};
use crate::node::Output;
use crate::time::Time;
use std::collections::BTreeMap;
use std::net::SocketAddr;
use threads::pool;

/// Windows with fewer node events than this run sequentially: sorting and
/// replaying records, and waking the other thread, cost more than a few
/// events save.
pub const DEFAULT_MIN_EVENTS: usize = 32;

/// An event's place in the sequential order of [`Sim::step`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Order {
    at: Time,
    /// [`MESSAGE`], [`CONNECT`] or [`TIMER`]: at one instant, messages go
    /// first, then connect completions, then timers.
    class: u8,
    /// The sequence number of a message or connect, the node of a timer.
    key: u64,
    /// A node's timer can fire twice at one instant (it rearms at `now`):
    /// the count of the node's events so far tells them apart.
    nth: u32,
}

const MESSAGE: u8 = 0;
const CONNECT: u8 = 1;
const TIMER: u8 = 2;

/// What an event adds to the counters besides its outputs.
#[derive(Clone, Copy, Debug)]
enum Tally {
    Nothing,
    Delivered,
    Dropped,
}

/// What one event of the window did, applied in order once the threads are done.
struct Record {
    order: Order,
    node: usize,
    effect: Effect,
}

enum Effect {
    /// A message the network or a dead process lost.
    Dropped,
    /// A message for a stopped process: it waits in the socket buffers.
    Backlog(Box<InFlight>),
    /// A connect of a stopped process completed (address, link up).
    ConnectBacklog(SocketAddr, bool),
    /// The node handled an input.
    Handled(Handled),
}

struct Handled {
    tally: Tally,
    /// Which of the window's nodes ran it (its place in `run_all`'s answer).
    task: u32,
    /// How many outputs it had: the next ones in its node's list (one list
    /// per node and window, not per event: fewer allocations, which cost
    /// more when another thread frees them).
    outputs: u32,
    /// After a promotion: for each key of the ledger the node now serves,
    /// the value it holds (read right after the event, as the sequential
    /// loop reads it).
    lost_check: Vec<(Vec<u8>, Option<Vec<u8>>)>,
}

/// What the threads may read: nothing in it changes during a window.
struct Shared<'a> {
    end: Time,
    client_addrs: &'a BTreeMap<SocketAddr, usize>,
    ledger: &'a drivers::Ledger,
    /// Partitions, for a replication connect's outcome.
    network: &'a Network,
    /// Which processes are dead (a replication connect to one is refused).
    crashed: Vec<bool>,
}

impl Sim {
    /// The end (exclusive) of the window starting at `t0`, the next event
    /// time, for a run up to `limit`; `None` when the next event must run
    /// sequentially: a zero latency (no lookahead), clients or jobs that
    /// can act at any instant, or a write load tick due now.
    pub(super) fn window_end(&self, t0: Time, limit: Time) -> Option<Time> {
        let lookahead = self.network.config().min_latency_ms;
        if lookahead == 0
            || !self.drivers.clients.is_empty()
            || self.drivers.jobs.iter().any(Option::is_some)
        {
            return None;
        }
        let mut end = (t0 + lookahead).min(limit + 1);
        if self.drivers.load.every.is_some() {
            if self.drivers.load.next <= t0 {
                return None;
            }
            end = end.min(self.drivers.load.next);
        }
        // Only at the end of time (saturated) could the window be empty.
        (end > t0).then_some(end)
    }

    /// Runs the events up to `limit` that [`Sim::run_until`] would, busy
    /// windows on two threads, and returns with the next event after
    /// `limit` (or none). The pool is entered at the first busy window
    /// only, so small clusters never leave the caller's thread.
    pub(super) fn run_windows(&mut self, limit: Time, on_pool: bool) {
        let Some(min_events) = self.parallel else {
            return;
        };
        while let Some(next) = self.next_event_time().filter(|&t| t <= limit) {
            let Some(end) = self.window_end(next, limit) else {
                self.step();
                continue;
            };
            if self.events_before(end, min_events) < min_events {
                while self.next_event_time().is_some_and(|t| t < end) {
                    self.step();
                }
            } else if on_pool {
                self.run_window(end);
            } else {
                // Without threads, run_until's own loop goes on.
                if let Some(pool) = pool() {
                    pool.install(|| self.run_windows(limit, true));
                }
                return;
            }
        }
    }

    /// Node events (messages, connects, timers) before `end`, counted up
    /// to `cap`.
    pub(super) fn events_before(&self, end: Time, cap: usize) -> usize {
        let timers = self.timers.range(..(end, 0)).take(cap).count();
        self.network.arrivals_before(end, cap) + timers
    }

    /// Runs every event before `end` (a window from [`Sim::window_end`]),
    /// the nodes on two threads.
    fn run_window(&mut self, end: Time) {
        let (works, mut records) = self.plan_window(end);
        let shared = Shared {
            end,
            client_addrs: &self.by_client_addr,
            ledger: &self.drivers.ledger,
            network: &self.network,
            crashed: self
                .nodes
                .iter()
                .map(|n| n.status == Status::Crashed)
                .collect(),
        };
        let done = threads::run_all(&mut self.nodes, works, &shared);
        let mut finished = Vec::with_capacity(done.len());
        let mut outputs = Vec::with_capacity(done.len());
        for d in done {
            finished.push((d.idx, d.timer));
            records.extend(d.records);
            outputs.push(d.outputs.into_iter());
        }
        records.sort_unstable_by_key(|r| r.order);
        for r in records {
            self.apply_record(r, &mut outputs);
        }
        for (idx, due) in finished {
            self.set_timer(idx, due);
        }
        self.parallel_windows += 1;
    }

    /// Applies one event's record as the sequential loop would have;
    /// `outputs` holds each task's outputs, in its events' order.
    fn apply_record(&mut self, r: Record, outputs: &mut [std::vec::IntoIter<Output>]) {
        self.now = self.now.max(r.order.at);
        let idx = r.node;
        let h = match r.effect {
            Effect::Dropped => {
                self.stats.dropped += 1;
                return;
            }
            Effect::Backlog(m) => {
                self.nodes[idx].backlog.push(*m);
                return;
            }
            Effect::ConnectBacklog(addr, up) => {
                self.nodes[idx].connect_backlog.push((addr, up));
                return;
            }
            Effect::Handled(h) => h,
        };
        match h.tally {
            Tally::Nothing => {}
            Tally::Delivered => self.stats.delivered += 1,
            Tally::Dropped => self.stats.dropped += 1,
        }
        let outs = outputs[h.task as usize].by_ref().take(h.outputs as usize);
        for out in outs {
            // A refused MIGRATE connect, a replication connect's outcome
            // or a disk job's answer was told to the node on its thread.
            let _told = self.apply_output(idx, out);
        }
        let now = self.now;
        for (key, held) in h.lost_check {
            self.drivers.ledger.check(now, idx, &key, held.as_deref());
        }
        self.shut_down_if_exited(idx);
    }
}
