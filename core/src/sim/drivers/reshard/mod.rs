//! `redis-cli --cluster reshard`, `rebalance` and `add-node` as simulated
//! processes that talk to the nodes only through client commands, one at a
//! time, in simulated time: gossip, failures and application traffic
//! interleave with them, and ASK redirections show up mid-migration.
//!
//! The sequence is redis-cli 7.0's (docs/redis-behaviour.md §11): load `CLUSTER NODES` from
//! the entry node then from every node it lists, check that they agree and
//! cover every slot, plan, then for each slot
//! `CLUSTER SETSLOT s IMPORTING <src>` on the target,
//! `CLUSTER SETSLOT s MIGRATING <dst>` on the source,
//! `CLUSTER GETKEYSINSLOT s <pipeline>` + `MIGRATE … KEYS …` until no key is
//! left, then `CLUSTER SETSLOT s NODE <dst>` on the target, the source (which
//! may refuse with "Please use SETSLOT only with masters.": it just gave its
//! last slot away) and every other master.
//!
//! Not modelled: redis-cli's `DEBUG DIGEST-VALUE` comparison on BUSYKEY (with
//! `replace` the batch is retried with REPLACE, otherwise the job stops), and
//! its repair attempts after other MIGRATE errors (the job stops).

pub mod load;
pub mod plan;
mod schedule;
mod steps;

use crate::node::{ClientId, Input};
use crate::resp::Value;
use crate::sim::conns::JOB_CLIENTS;
use crate::sim::{Sim, Status};
use crate::time::Time;
use load::NodeLine;
use std::collections::{BTreeSet, VecDeque};
use std::net::SocketAddr;

/// A job started with [`Sim::start_job`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct JobId(pub usize);

/// What to do, as the redis-cli command line would say it.
#[derive(Clone, Debug, PartialEq)]
pub enum Task {
    /// `--cluster reshard --cluster-from <from> --cluster-to <to>
    /// --cluster-slots <slots> --cluster-yes` (sim node indices).
    Reshard {
        /// Source master (sim index).
        from: usize,
        /// Destination master (sim index).
        to: usize,
        /// How many slots to move.
        slots: usize,
    },
    /// `--cluster rebalance [--cluster-use-empty-masters]
    /// [--cluster-threshold t]`.
    Rebalance {
        /// `--cluster-use-empty-masters`: give slots to masters that have none.
        use_empty_masters: bool,
        /// `--cluster-threshold`: skip moves below this imbalance, percent.
        threshold: f32,
    },
    /// Start a node process named `name` on `port`, `--cluster add-node`
    /// it (CLUSTER MEET the entry node), wait until every node knows it and
    /// agrees on the slots, then rebalance with `--cluster-use-empty-masters`.
    AddNodeAndRebalance {
        /// Friendly name of the new node.
        name: String,
        /// Its client port.
        port: u16,
        /// Its RNG seed.
        seed: u64,
    },
    /// `--cluster add-node <new> <entry> --cluster-slave --cluster-master-id
    /// <id of master>`: start a node process named `name` on `port`, CLUSTER
    /// MEET the entry node, wait until every node knows it, then send it
    /// `CLUSTER REPLICATE <master id>` (redis-cli 7.0's
    /// `clusterManagerCommandAddNode`); no slot moves.
    AddReplica {
        /// Friendly name of the new node.
        name: String,
        /// Its client port.
        port: u16,
        /// Its RNG seed.
        seed: u64,
        /// Index of the master it replicates.
        master: usize,
    },
}

/// redis-cli's options, with its defaults.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JobOptions {
    /// `--cluster-pipeline`: keys per GETKEYSINSLOT / MIGRATE.
    pub pipeline: usize,
    /// `--cluster-timeout`: the MIGRATE timeout, ms.
    pub timeout_ms: u64,
    /// `--cluster-replace`: retry a BUSYKEY batch with REPLACE.
    pub replace: bool,
    /// Time from one reply to the next command (redis-cli's own round trip).
    pub think_ms: u64,
}

impl Default for JobOptions {
    fn default() -> Self {
        JobOptions {
            pipeline: 10,
            timeout_ms: 60_000,
            replace: false,
            think_ms: 1,
        }
    }
}

/// A master as loaded from its own `CLUSTER NODES`.
#[derive(Clone, Debug)]
struct Master {
    idx: usize,
    id: String,
    addr: SocketAddr,
    slots: BTreeSet<u16>,
}

#[derive(Clone, Debug, PartialEq)]
enum Phase {
    /// `CLUSTER MEET` from the new node to the entry node.
    Meet {
        new: usize,
    },
    /// Asking every node for `CLUSTER NODES` until all know the new node.
    WaitJoin {
        new: usize,
        new_id: Option<String>,
        pending: VecDeque<usize>,
        joined: bool,
        signatures: Vec<String>,
    },
    /// `CLUSTER NODES` on the entry node, then on each friend.
    Load {
        pending: Option<VecDeque<usize>>,
    },
    /// Pick the next slot.
    NextSlot,
    Importing,
    Migrating,
    GetKeys,
    Migrate {
        keys: Vec<Vec<u8>>,
        replace: bool,
    },
    SetNode {
        targets: VecDeque<usize>,
    },
    /// `CLUSTER REPLICATE <master id>` sent to the new node.
    Replicate {
        new: usize,
        master_id: String,
    },
    Finished,
}

/// A running (or finished) redis-cli operation.
#[derive(Clone, Debug)]
pub struct Job {
    /// What it does.
    pub task: Task,
    /// With which redis-cli options.
    pub opts: JobOptions,
    index: usize,
    entry: usize,
    phase: Phase,
    next_at: Option<Time>,
    /// The node whose reply the job waits for.
    waiting: Option<usize>,
    loaded: Vec<(usize, Vec<NodeLine>)>,
    masters: Vec<Master>,
    /// Rebalance batches `(src, dst, n)` not expanded into slots yet.
    batches: VecDeque<(usize, usize, usize)>,
    queue: VecDeque<(u16, usize, usize)>,
    current: Option<(u16, usize, usize)>,
    new_node: Option<usize>,
    slots_moved: usize,
    keys_moved: usize,
    log: Vec<String>,
    outcome: Option<Result<(), String>>,
}

impl Job {
    /// `None` while running; the error is what redis-cli would print.
    pub fn outcome(&self) -> Option<&Result<(), String>> {
        self.outcome.as_ref()
    }

    /// Whether it has finished, well or not.
    pub fn is_done(&self) -> bool {
        self.outcome.is_some()
    }

    /// The slot being moved: `(slot, source, destination)`.
    pub fn current(&self) -> Option<(u16, usize, usize)> {
        self.current
    }

    /// What the job is doing, for display.
    pub fn step(&self) -> &'static str {
        match self.phase {
            Phase::Meet { .. } => "meet",
            Phase::WaitJoin { .. } => "wait-join",
            Phase::Load { .. } => "load",
            Phase::NextSlot => "next-slot",
            Phase::Importing => "importing",
            Phase::Migrating => "migrating",
            Phase::GetKeys => "getkeysinslot",
            Phase::Migrate { .. } => "migrate",
            Phase::SetNode { .. } => "setslot-node",
            Phase::Replicate { .. } => "replicate",
            Phase::Finished => "done",
        }
    }

    /// Slots moved so far.
    pub fn slots_moved(&self) -> usize {
        self.slots_moved
    }

    /// Keys moved so far.
    pub fn keys_moved(&self) -> usize {
        self.keys_moved
    }

    /// The node an add-node job started.
    pub fn new_node(&self) -> Option<usize> {
        self.new_node
    }

    /// redis-cli's progress lines (`Moving slot 10923 from … to …`).
    pub fn log(&self) -> &[String] {
        &self.log
    }

    fn fail(&mut self, why: String) {
        self.log.push(why.clone());
        self.outcome = Some(Err(why));
        self.phase = Phase::Finished;
    }

    fn master(&self, idx: usize) -> Option<&Master> {
        self.masters.iter().find(|m| m.idx == idx)
    }
}

fn job_client(job: usize, node: usize) -> ClientId {
    ClientId(JOB_CLIENTS + ((job as u64) << 20) + node as u64)
}

fn text(v: &Value) -> Option<&str> {
    match v {
        Value::Verbatim(s) => Some(s),
        Value::Bulk(b) => std::str::from_utf8(b).ok(),
        _ => None,
    }
}

fn args(parts: &[&[u8]]) -> Vec<Vec<u8>> {
    parts.iter().map(|p| p.to_vec()).collect()
}

impl Sim {
    /// Starts a redis-cli operation against node `entry`.
    pub fn start_job(&mut self, entry: usize, task: Task, opts: JobOptions) -> JobId {
        let index = self.drivers.jobs.len();
        let mut phase = Phase::Load { pending: None };
        let mut new_node = None;
        if let Task::AddNodeAndRebalance { name, port, seed }
        | Task::AddReplica {
            name, port, seed, ..
        } = &task
        {
            let cfg = self.nodes[entry].node.config().clone();
            let new = self.add_node(name, *port, cfg, *seed);
            new_node = Some(new);
            phase = Phase::Meet { new };
        }
        self.drivers.jobs.push(Some(Job {
            task,
            opts,
            index,
            entry,
            phase,
            next_at: Some(self.now),
            waiting: None,
            loaded: Vec::new(),
            masters: Vec::new(),
            batches: VecDeque::new(),
            queue: VecDeque::new(),
            current: None,
            new_node,
            slots_moved: 0,
            keys_moved: 0,
            log: Vec::new(),
            outcome: None,
        }));
        JobId(index)
    }

    /// Every job started so far, running or finished.
    pub fn jobs(&self) -> impl Iterator<Item = (JobId, &Job)> {
        self.drivers
            .jobs
            .iter()
            .enumerate()
            .filter_map(|(i, j)| j.as_ref().map(|j| (JobId(i), j)))
    }

    /// Job `id` (started or finished).
    pub fn job(&self, id: JobId) -> &Job {
        self.drivers.jobs[id.0]
            .as_ref()
            .expect("jobs are only taken while they run")
    }

    /// Runs the simulation until job `id` is over or `limit` passes.
    pub fn run_job(&mut self, id: JobId, limit: Time) -> bool {
        self.run_until_pred(limit, |s| s.job(id).is_done())
    }

    pub(in crate::sim) fn jobs_due(&self) -> Option<Time> {
        self.drivers
            .jobs
            .iter()
            .flatten()
            .filter_map(|j| j.next_at)
            .min()
    }

    pub(in crate::sim) fn run_jobs(&mut self) {
        let now = self.now;
        for i in 0..self.drivers.jobs.len() {
            let due = self.drivers.jobs[i]
                .as_ref()
                .and_then(|j| j.next_at)
                .is_some_and(|t| t <= now);
            if !due {
                continue;
            }
            let mut job = self.drivers.jobs[i].take().expect("present");
            job.next_at = None;
            self.advance(&mut job);
            if job.outcome.is_none() && job.next_at.is_none() && job.waiting.is_none() {
                job.next_at = Some(now + job.opts.think_ms);
            }
            self.drivers.jobs[i] = Some(job);
        }
    }

    /// A reply for a job: wake it up.
    pub(in crate::sim) fn job_reply(&mut self, client: ClientId, value: Value) {
        self.drivers
            .job_replies
            .entry(client)
            .or_default()
            .push_back(value);
        let job = ((client.0 - JOB_CLIENTS) >> 20) as usize;
        let now = self.now;
        if let Some(Some(j)) = self.drivers.jobs.get_mut(job) {
            if j.waiting.is_some() && j.next_at.is_none() {
                j.next_at = Some(now + j.opts.think_ms);
            }
        }
    }

    /// Node `idx` crashed: jobs waiting on it find out on their next step.
    pub(in crate::sim) fn jobs_lost_node(&mut self, idx: usize) {
        let now = self.now;
        for j in self.drivers.jobs.iter_mut().flatten() {
            if j.waiting == Some(idx) {
                j.next_at = Some(now);
            }
        }
    }

    fn job_send(&mut self, job: &mut Job, node: usize, args: Vec<Vec<u8>>) {
        job.waiting = Some(node);
        let client = job_client(job.index, node);
        match self.nodes[node].status {
            Status::Up => {
                let now = self.now;
                self.nodes[node]
                    .node
                    .handle(now, Input::Command { client, args });
                self.drain(node);
            }
            Status::Paused => self.drivers.held.push((node, client, args)),
            Status::Crashed => {}
        }
        job.next_at = Some(self.now + job.opts.think_ms);
    }

    /// One step: consume the awaited reply, or send the next command.
    fn advance(&mut self, job: &mut Job) {
        if job.outcome.is_some() {
            return;
        }
        if let Some(node) = job.waiting {
            let client = job_client(job.index, node);
            let reply = self
                .drivers
                .job_replies
                .get_mut(&client)
                .and_then(|q| q.pop_front());
            match reply {
                Some(v) => {
                    job.waiting = None;
                    self.on_reply(job, node, v);
                }
                None if self.nodes[node].status == Status::Crashed => {
                    let addr = self.nodes[node].client_addr;
                    job.fail(format!("I/O error reading reply from {addr}"));
                }
                None => {}
            }
            return;
        }
        self.issue(job);
    }
}
