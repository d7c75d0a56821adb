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
//! sender) is decided up front by [`Sim::plan_window`], as `deliver` and
//! `finish_connect` decide it. The sequential loop takes events in
//! [`Order`]: time, then messages (by sequence number), connects (by
//! sequence number), timers (by node index); the only events it adds inside
//! a window are timers of the node that just ran, after that event.
//! Restricted to one node, that order is the one [`run_node`] follows, so
//! each node handles exactly the same inputs at the same instants.
//!
//! What the simulator does with the outputs is not node-local (the network's
//! random stream, sequence numbers, link clocks, the trace, counters, the
//! lost-write ledger), so the threads only collect each event's outputs in
//! a [`Record`]; then one thread sorts the records into the sequential order
//! and applies them exactly as `Sim::drain` would have, event by event. The
//! two things `drain` does to the node itself happen on the node's thread at
//! the same point: a refused MIGRATE connect is told at once, and after a
//! promotion the values it holds for the ledger's keys are read (the keys
//! only grow with the write load and clients, neither of which runs inside
//! a window).
//!
//! A window runs this way only when nothing outside the nodes can act inside
//! it ([`Sim::window_end`]): no write load tick, no cluster client (a reply
//! reaches a client model and its next command reaches a node at once) and
//! no redis-cli job. Otherwise, and for windows too small to be worth it,
//! the sequential loop runs.

use super::{conns, lost, InFlight, Payload, Sim, Status};
use crate::id::NodeId;
use crate::node::{Input, Node, Output};
use crate::time::Time;
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::OnceLock;

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

/// An input for one node, planned before the threads start.
struct Planned {
    order: Order,
    input: Input,
    tally: Tally,
}

/// One node's share of the window.
struct NodeWork {
    idx: usize,
    /// In [`Order`].
    events: Vec<Planned>,
    /// The node's timer when the window starts.
    timer: Option<Time>,
}

/// The nodes' shares of a window being planned.
struct Works {
    /// Where each node's share is in `works` (`u32::MAX`: none yet).
    slot: Vec<u32>,
    works: Vec<NodeWork>,
}

impl Works {
    /// Node `idx`'s share, started with its current timer if new.
    fn of(&mut self, sim: &Sim, idx: usize) -> &mut NodeWork {
        if self.slot[idx] == u32::MAX {
            self.slot[idx] = self.works.len() as u32;
            self.works.push(NodeWork {
                idx,
                events: Vec::new(),
                timer: sim.timer_of[idx],
            });
        }
        &mut self.works[self.slot[idx] as usize]
    }
}

impl NodeWork {
    fn add(&mut self, order: Order, input: Input, tally: Tally) {
        self.events.push(Planned {
            order,
            input,
            tally,
        });
    }
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
    /// The node's ID when it drained (replication frames carry it).
    id: NodeId,
    outputs: Vec<Output>,
    /// After a promotion: for each key of the ledger the node now serves,
    /// the value it holds (read right after the event, as the sequential
    /// loop reads it).
    lost_check: Vec<(Vec<u8>, Option<Vec<u8>>)>,
}

/// What the threads may read: nothing in it changes during a window.
struct Shared<'a> {
    end: Time,
    client_addrs: &'a BTreeMap<SocketAddr, usize>,
    ledger: &'a lost::Ledger,
}

impl Sim {
    /// The end (exclusive) of the window starting at `t0`, the next event
    /// time, for a run up to `limit`; `None` when the next event must run
    /// sequentially: a zero latency (no lookahead), clients or jobs that
    /// can act at any instant, or a write load tick due now.
    pub(super) fn window_end(&self, t0: Time, limit: Time) -> Option<Time> {
        let lookahead = self.net.min_latency_ms;
        if lookahead == 0 || !self.clients.is_empty() || self.jobs.iter().any(Option::is_some) {
            return None;
        }
        let mut end = (t0 + lookahead).min(limit + 1);
        if self.write_every.is_some() {
            if self.next_write <= t0 {
                return None;
            }
            end = end.min(self.next_write);
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
        let msgs = self.queue.range(..(end, 0)).take(cap).count();
        let connects = self.connects.range(..(end, 0)).take(cap).count();
        let timers = self.timers.range(..(end, 0)).take(cap).count();
        msgs + connects + timers
    }

    /// Runs every event before `end` (a window from [`Sim::window_end`]),
    /// the nodes on two threads.
    fn run_window(&mut self, end: Time) {
        let (works, mut records) = self.plan_window(end);
        let idxs: Vec<usize> = works.iter().map(|w| w.idx).collect();
        let shared = Shared {
            end,
            client_addrs: &self.by_client_addr,
            ledger: &self.ledger,
        };
        let mut tasks: Vec<Task> = Vec::with_capacity(works.len());
        let mut works = works.into_iter().peekable();
        for (idx, n) in self.nodes.iter_mut().enumerate() {
            if let Some(w) = works.next_if(|w| w.idx == idx) {
                tasks.push(Task {
                    node: &mut n.node,
                    work: Some(w),
                    done: None,
                });
            }
        }
        // A few dozen pieces: enough for the two threads to even out.
        let leaf = (tasks.len() / 32).max(1);
        run_tasks(&mut tasks, &shared, leaf);
        let mut finished = Vec::with_capacity(tasks.len());
        for (t, idx) in tasks.into_iter().zip(idxs) {
            let (timer, recs) = t.done.expect("every task ran");
            finished.push((idx, timer));
            records.extend(recs);
        }
        records.sort_unstable_by_key(|r| r.order);
        for r in records {
            self.apply_record(r);
        }
        for (idx, due) in finished {
            self.set_timer(idx, due);
        }
        self.parallel_windows += 1;
    }

    /// Takes every event before `end` off the queues and decides what it
    /// is, exactly as `deliver` and `finish_connect` would: an input for a
    /// node (in index order), or an effect on the simulator alone.
    fn plan_window(&mut self, end: Time) -> (Vec<NodeWork>, Vec<Record>) {
        let mut works = Works {
            slot: vec![u32::MAX; self.nodes.len()],
            works: Vec::new(),
        };
        let mut records = Vec::new();
        while let Some(entry) = self.queue.first_entry() {
            if entry.key().0 >= end {
                break;
            }
            let ((at, seq), m) = entry.remove_entry();
            let order = Order {
                at,
                class: MESSAGE,
                key: seq,
                nth: 0,
            };
            let (from, to) = (m.from, m.to);
            let dropped = |node| Record {
                order,
                node,
                effect: Effect::Dropped,
            };
            if self.partitions.blocks(from, to) {
                records.push(dropped(to));
                continue;
            }
            match self.nodes[to].status {
                Status::Crashed => {
                    // Connection refused: the sender's link breaks.
                    let bus = matches!(m.payload, Payload::Bus { .. });
                    if bus && self.nodes[from].status == Status::Up {
                        let addr = self.nodes[to].bus_addr;
                        let input = Input::LinkClosed { addr };
                        works.of(self, from).add(order, input, Tally::Dropped);
                    } else {
                        records.push(dropped(to));
                    }
                }
                Status::Paused => records.push(Record {
                    order,
                    node: to,
                    effect: Effect::Backlog(Box::new(m)),
                }),
                Status::Up => {
                    let input = m.payload.into_input();
                    works.of(self, to).add(order, input, Tally::Delivered);
                }
            }
        }
        while let Some(entry) = self.connects.first_entry() {
            if entry.key().0 >= end {
                break;
            }
            let ((at, seq), (from, addr)) = entry.remove_entry();
            let order = Order {
                at,
                class: CONNECT,
                key: seq,
                nth: 0,
            };
            let target = self.by_addr.get(&addr).copied();
            let cut = target.is_some_and(|to| {
                self.partitions.blocks(from, to) || self.partitions.blocks(to, from)
            });
            if cut {
                continue;
            }
            let up = target.is_some_and(|to| self.nodes[to].status != Status::Crashed);
            match self.nodes[from].status {
                Status::Crashed => {}
                Status::Paused => records.push(Record {
                    order,
                    node: from,
                    effect: Effect::ConnectBacklog(addr, up),
                }),
                Status::Up => {
                    let input = if up {
                        Input::LinkUp { addr }
                    } else {
                        Input::LinkClosed { addr }
                    };
                    works.of(self, from).add(order, input, Tally::Nothing);
                }
            }
        }
        // Nodes whose only event is their timer.
        for &(_, idx) in self.timers.range(..(end, 0)) {
            works.of(self, idx);
        }
        let mut works = works.works;
        // Messages came by time then sequence, connects after them: each
        // node's list goes back into the sequential order.
        for w in &mut works {
            w.events.sort_unstable_by_key(|p| p.order);
        }
        works.sort_unstable_by_key(|w| w.idx);
        (works, records)
    }

    /// Applies one event's record as the sequential loop would have.
    fn apply_record(&mut self, r: Record) {
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
        for out in h.outputs {
            // A refused MIGRATE connect was told to the node on its thread.
            let _told = self.apply_output(idx, h.id, out);
        }
        let now = self.now;
        for (key, held) in h.lost_check {
            self.ledger.check(now, idx, &key, held.as_deref());
        }
    }
}

/// The simulator's two threads: the caller of [`Sim::run_until`] hands its
/// run to the first (so windows need no hand-over between threads) and the
/// second steals nodes from it. `None` if threads cannot be started.
fn pool() -> Option<&'static rayon_core::ThreadPool> {
    static POOL: OnceLock<Option<rayon_core::ThreadPool>> = OnceLock::new();
    POOL.get_or_init(|| {
        rayon_core::ThreadPoolBuilder::new()
            .num_threads(2)
            .thread_name(|i| format!("clusterlab-sim-{i}"))
            .build()
            .ok()
    })
    .as_ref()
}

/// One node's share of the window and, once run, what it did.
struct Task<'a> {
    node: &'a mut Node,
    work: Option<NodeWork>,
    done: Option<(Option<Time>, Vec<Record>)>,
}

/// Runs the tasks on the pool: this thread splits them in halves and works
/// through them while the other thread steals halves (if the machine is
/// busy and the other thread gets no core, this one does everything).
fn run_tasks(tasks: &mut [Task], shared: &Shared, leaf: usize) {
    if tasks.len() <= leaf {
        for t in tasks {
            if let Some(w) = t.work.take() {
                t.done = Some(run_node(t.node, w, shared));
            }
        }
        return;
    }
    let (a, b) = tasks.split_at_mut(tasks.len() / 2);
    rayon_core::join(|| run_tasks(a, shared, leaf), || run_tasks(b, shared, leaf));
}

/// Runs one node through its events of the window, in the sequential
/// order, its own timer included; returns its timer afterwards and what
/// each event did.
fn run_node(node: &mut Node, w: NodeWork, shared: &Shared) -> (Option<Time>, Vec<Record>) {
    let mut timer = w.timer;
    let mut records = Vec::with_capacity(w.events.len() + 1);
    let mut events = w.events.into_iter().peekable();
    let mut nth = 0;
    loop {
        let due = timer.filter(|&t| t < shared.end);
        let next = match (events.peek(), due) {
            (Some(e), Some(t)) if e.order.at > t => None,
            (Some(_), _) => events.next(),
            (None, _) => None,
        };
        let (order, input, tally) = match (next, due) {
            (Some(p), _) => (p.order, p.input, p.tally),
            (None, Some(t)) => {
                let order = Order {
                    at: t,
                    class: TIMER,
                    key: w.idx as u64,
                    nth: 0,
                };
                (order, Input::Timeout, Tally::Nothing)
            }
            (None, None) => break,
        };
        let now = order.at;
        node.handle(now, input);
        let id = node.id();
        let mut outputs = Vec::new();
        let mut promoted = false;
        while let Some(out) = node.poll_output() {
            promoted |= super::is_promotion(&out);
            if let Output::Request { conn, to, .. } = &out {
                if !shared.client_addrs.contains_key(to) {
                    node.handle(now, conns::refused(*conn));
                }
            }
            outputs.push(out);
        }
        timer = node.poll_timeout().map(|t| t.max(now));
        let lost_check = if promoted {
            served_values(node, now, shared.ledger)
        } else {
            Vec::new()
        };
        nth += 1;
        records.push(Record {
            order: Order { nth, ..order },
            node: w.idx,
            effect: Effect::Handled(Handled {
                tally,
                id,
                outputs,
                lost_check,
            }),
        });
    }
    (timer, records)
}

/// The ledger's keys the node now serves, each with the value it holds:
/// what `Sim::check_lost_writes` reads.
fn served_values(
    node: &mut Node,
    now: Time,
    ledger: &lost::Ledger,
) -> Vec<(Vec<u8>, Option<Vec<u8>>)> {
    let me = node.id();
    let mut held = Vec::new();
    for key in ledger.keys() {
        if node.slot_owner(crate::slot::key_slot(&key)) != Some(me) {
            continue;
        }
        let value = match node.keyspace_mut().get(now, &key) {
            Some(crate::keyspace::Data::Str(v)) => Some(v.clone()),
            _ => None,
        };
        held.push((key, value));
    }
    held
}
