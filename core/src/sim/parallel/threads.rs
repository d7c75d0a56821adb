//! The window's nodes on two threads: each node runs its own events, and
//! what each event did is recorded for the replay (see the parent module).

use super::plan::NodeWork;
use super::{Effect, Handled, Order, Record, Shared, Tally, TIMER};
use crate::node::{Input, Node, Output};
use crate::sim::{conns, drivers, SimNode};
use crate::time::Time;
use std::sync::OnceLock;

/// The simulator's two threads: the caller of [`Sim::run_until`] hands its
/// run to the first (so windows need no hand-over between threads) and the
/// second steals nodes from it. `None` if threads cannot be started.
pub(super) fn pool() -> Option<&'static rayon_core::ThreadPool> {
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

/// What one node did in the window.
pub(super) struct NodeDone {
    pub(super) idx: usize,
    /// Its timer afterwards.
    pub(super) timer: Option<Time>,
    pub(super) records: Vec<Record>,
    /// Every event's outputs, one after the other.
    pub(super) outputs: Vec<Output>,
}

/// One node's share of the window and, once run, what it did.
struct Task<'a> {
    node: &'a mut Node,
    work: Option<(u32, NodeWork)>,
    done: Option<NodeDone>,
}

/// Runs each node's share of the window (`works`, in node order) on the
/// pool; returns what each did, in the same order.
pub(super) fn run_all(
    nodes: &mut [SimNode],
    works: Vec<NodeWork>,
    shared: &Shared,
) -> Vec<NodeDone> {
    let mut tasks: Vec<Task> = Vec::with_capacity(works.len());
    let mut works = works.into_iter().peekable();
    for (idx, n) in nodes.iter_mut().enumerate() {
        if let Some(w) = works.next_if(|w| w.idx == idx) {
            let task = tasks.len() as u32;
            tasks.push(Task {
                node: &mut n.node,
                work: Some((task, w)),
                done: None,
            });
        }
    }
    // A few dozen pieces: enough for the two threads to even out.
    let leaf = (tasks.len() / 32).max(1);
    run_tasks(&mut tasks, shared, leaf);
    tasks
        .into_iter()
        .map(|t| t.done.expect("every task ran"))
        .collect()
}

/// Runs the tasks on the pool: this thread splits them in halves and works
/// through them while the other thread steals halves (if the machine is
/// busy and the other thread gets no core, this one does everything).
fn run_tasks(tasks: &mut [Task], shared: &Shared, leaf: usize) {
    if tasks.len() <= leaf {
        for t in tasks {
            if let Some((task, w)) = t.work.take() {
                t.done = Some(run_node(t.node, task, w, shared));
            }
        }
        return;
    }
    let (a, b) = tasks.split_at_mut(tasks.len() / 2);
    rayon_core::join(|| run_tasks(a, shared, leaf), || run_tasks(b, shared, leaf));
}

/// Runs one node (the window's `task`-th) through its events of the
/// window, in the sequential order, its own timer included.
fn run_node(node: &mut Node, task: u32, w: NodeWork, shared: &Shared) -> NodeDone {
    let mut timer = w.timer;
    let mut records = Vec::with_capacity(w.events.len() + 1);
    let mut outputs = Vec::new();
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
        let before = outputs.len();
        let mut promoted = false;
        while let Some(out) = node.poll_output() {
            promoted |= crate::sim::is_promotion(&out);
            if let Output::Request { conn, to, .. } = &out {
                if !shared.client_addrs.contains_key(to) {
                    node.handle(now, conns::refused(*conn));
                }
            }
            // A replication link connects (or is refused) at once.
            if let Output::ReplConnect { conn, to } = &out {
                let outcome = conns::repl_connect_outcome(
                    shared.client_addrs,
                    shared.network,
                    w.idx,
                    *to,
                    |t| shared.crashed[t],
                );
                if let Some(input) = outcome.input(*conn) {
                    node.handle(now, input);
                }
            }
            // A simulated disk answers every job at once and never fails:
            // the answer is told here, the files are written when the
            // record is applied (`Disk::run`).
            if let Output::Disk(job) = &out {
                if let Some(done) = crate::sim::disk::done(job.id) {
                    node.handle(now, done);
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
                task,
                outputs: (outputs.len() - before) as u32,
                lost_check,
            }),
        });
    }
    NodeDone {
        idx: w.idx,
        timer,
        records,
        outputs,
    }
}

/// The ledger's keys the node now serves, each with the value it holds:
/// what `Sim::check_lost_writes` reads.
fn served_values(
    node: &mut Node,
    now: Time,
    ledger: &drivers::Ledger,
) -> Vec<(Vec<u8>, Option<Vec<u8>>)> {
    let me = node.id();
    let mut held = Vec::new();
    for key in ledger.keys() {
        if node.slot_owner(crate::slot::key_slot(&key)) != Some(me) {
            continue;
        }
        let value = match node.keyspace_mut().get(now, &key) {
            Some(crate::keyspace::Data::Str(v)) => Some(v.to_vec()),
            _ => None,
        };
        held.push((key, value));
    }
    held
}
