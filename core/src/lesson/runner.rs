//! A lesson being played: the simulator in its start state, the replies the
//! learner got, and how each objective stands. The app keeps one per open
//! lesson (it is `Clone`, so it snapshots like [`Sim`]).

use super::format::{Lesson, Objective, Qualifier};
use super::predicate::{Predicate, Seen};
use super::step::{Step, StepAction};
use super::terms::{index, Served};
use crate::client::{ClientConfig, ClientEvent};
use crate::node::ClientId;
use crate::resp::Value;
use crate::sim::{Action, JobId, JobOptions, Sim, Status, Task};
use crate::time::Time;
use std::fmt;

/// The client number the lesson's console uses on every node.
const CONSOLE: ClientId = ClientId(1);

/// How often time-advancing steps stop to observe the objectives (ms): often
/// enough to catch a transient state, rarely enough to stay cheap.
const OBSERVE_EVERY: u64 = 100;

/// How long the messages sent stay readable (`Sim::sent_messages`): the app's sequence
/// diagram of a lesson shows up to this much of the past.
pub const WIRE_KEPT_MS: u64 = 30_000;

/// How long a lesson's start waits at most for its replicas' first sync.
const FIRST_SYNC_LIMIT_MS: u64 = 30_000;

/// A step that could not run, or a reply that was not the expected one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RunError(pub String);

impl fmt::Display for RunError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for RunError {}

/// Where an objective stands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ObjectiveStatus {
    /// The objective's block id.
    pub id: String,
    /// It is met now.
    pub met: bool,
    /// It can no longer be met (an `always` that broke, a `within` too late).
    pub failed: bool,
    /// The author's "why not yet" while not met.
    pub why_not: Option<String>,
    /// What the first failing check observed (`owner(1649) is A`), in English…
    pub observed: String,
    /// …and as data, for the app to say in the learner's language.
    pub seen: Seen,
}

#[derive(Clone, Debug)]
struct Tracked {
    id: String,
    objective: Objective,
    met_at: Option<Time>,
    broken: bool,
    observed: Seen,
}

/// A running lesson.
#[derive(Clone)]
pub struct Session {
    sim: Sim,
    start: Time,
    /// Where the trace stood at the start: events before (forming the
    /// cluster) do not count for `events(…)`.
    trace_start: usize,
    /// redis-cli text of every reply the learner's commands got.
    replies: Vec<String>,
    /// The smart client, made on first use.
    client: Option<usize>,
    jobs: Vec<JobId>,
    objectives: Vec<Tracked>,
    /// The learner's commands that a node answered itself, since their turn began.
    served: Vec<Served>,
}

impl Session {
    /// Builds the lesson's start state.
    pub fn start(lesson: &Lesson) -> Result<Session, RunError> {
        let mut sim = lesson
            .meta
            .scenario()
            .build()
            .map_err(|e| RunError(format!("building the cluster: {e}")))?;
        // The learner gets a cluster whose replicas hold their masters' data: a new
        // replica's first full sync comes repl-diskless-sync-delay (5 s) after its PSYNC
        // (`replicationCron`), and until then WAIT counts none and a replica that never synced
        // refuses to fail over.
        let limit = sim.now() + FIRST_SYNC_LIMIT_MS;
        sim.run_until_pred(limit, |s| {
            s.nodes()
                .iter()
                .all(|n| !n.node.is_replica() || n.node.master_link_up())
        });
        sim.record_wire(Some(WIRE_KEPT_MS));
        let mut s = Session {
            start: sim.now(),
            trace_start: sim.trace().len(),
            sim,
            replies: Vec::new(),
            client: None,
            jobs: Vec::new(),
            served: Vec::new(),
            objectives: lesson
                .objectives()
                .map(|(id, o)| Tracked {
                    id: id.into(),
                    objective: o.clone(),
                    met_at: None,
                    broken: false,
                    observed: Seen::Nothing,
                })
                .collect(),
        };
        s.observe();
        Ok(s)
    }

    /// The simulation the lesson runs on.
    pub fn sim(&self) -> &Sim {
        &self.sim
    }

    /// For the app's own controls; call [`observe`](Self::observe) after changing it.
    pub fn sim_mut(&mut self) -> &mut Sim {
        &mut self.sim
    }

    /// The smart client's number in the simulator (`Sim::cluster_client`), once a `client`
    /// step made it: the app shows its slot cache next to the cluster's map.
    pub fn client(&self) -> Option<usize> {
        self.client
    }

    /// Simulated ms since the lesson started.
    pub fn elapsed_ms(&self) -> u64 {
        self.sim.now().since(self.start)
    }

    /// Sends a command straight to `node` (like `redis-cli -p PORT`, no
    /// redirections followed) and returns redis-cli's text of the reply.
    pub fn command(&mut self, node: &str, args: &[String]) -> Result<String, RunError> {
        let idx = index(&self.sim, node).map_err(RunError)?;
        if super::cli::is_cli(args) {
            let text = super::cli::run(&mut self.sim, idx, &args[1..]).map_err(RunError)?;
            self.replies.push(text.clone());
            self.observe();
            return Ok(text);
        }
        let addr = self.sim.nodes()[idx].client_addr;
        match self.sim.status(idx) {
            Status::Up => {}
            Status::Crashed => {
                return Err(RunError(format!(
                    "Could not connect to Redis at {addr}: Connection refused"
                )))
            }
            Status::Paused => {
                return Err(RunError(format!(
                    "{node} is paused (SIGSTOP): no reply until it is resumed"
                )))
            }
        }
        let bytes = args.iter().map(|a| a.as_bytes().to_vec()).collect();
        let reply = match self.sim.command(idx, CONSOLE, bytes) {
            Some(v) => v,
            None => self.wait_reply(idx)?,
        };
        let text = reply.to_cli_text();
        if !text.starts_with("(error)") {
            self.served.push(Served::new(idx, args));
        }
        self.replies.push(text.clone());
        self.observe();
        Ok(text)
    }

    /// A reply that comes later (WAIT, a paused node): run up to 10 s for it.
    fn wait_reply(&mut self, idx: usize) -> Result<Value, RunError> {
        let limit = self.sim.now() + 10_000;
        let mut got = None;
        while got.is_none() && self.sim.now() < limit {
            let next = self.sim.now() + 10;
            self.sim.run_until(next);
            got = self
                .sim
                .take_replies()
                .into_iter()
                .find(|(n, c, _)| *n == idx && *c == CONSOLE)
                .map(|r| r.2);
        }
        got.ok_or_else(|| {
            RunError(format!(
                "{} did not answer within 10 s",
                self.sim.nodes()[idx].name
            ))
        })
    }

    /// Runs a command through the smart cluster client (follows MOVED/ASK).
    pub fn client_command(&mut self, args: &[String]) -> Result<String, RunError> {
        let c = match self.client {
            Some(c) => c,
            None => {
                let seeds: Vec<usize> = (0..self.sim.nodes().len()).collect();
                let c = self.sim.add_client(&seeds, ClientConfig::default());
                self.client = Some(c);
                c
            }
        };
        let bytes = args.iter().map(|a| a.as_bytes().to_vec()).collect();
        let limit = self.sim.now() + 30_000;
        let text = match self.sim.client_run(c, bytes, limit) {
            Some(ClientEvent::Done { reply: Ok(v), .. }) => v.to_cli_text(),
            Some(ClientEvent::Done { reply: Err(e), .. }) => format!("(client error) {e}"),
            _ => return Err(RunError("the client got no answer within 30 s".into())),
        };
        self.replies.push(text.clone());
        self.observe();
        Ok(text)
    }

    /// Plays one step; returns the reply text of a command step.
    pub fn play(&mut self, step: &Step) -> Result<Option<String>, RunError> {
        let node = |s: &Session, n: &str| index(&s.sim, n).map_err(RunError);
        let action = match &step.action {
            StepAction::Kill(n) => Action::Kill(node(self, n)?),
            StepAction::Pause(n) => Action::Pause(node(self, n)?),
            StepAction::Resume(n) => Action::Resume(node(self, n)?),
            StepAction::Restart(n) => Action::Restart(node(self, n)?),
            StepAction::Heal => Action::Heal,
            StepAction::Partition(groups) => Action::Partition(
                groups
                    .iter()
                    .map(|g| g.iter().map(|n| node(self, n)).collect())
                    .collect::<Result<_, _>>()?,
            ),
            StepAction::Cut(a, b) => Action::Cut {
                from: node(self, a)?,
                to: node(self, b)?,
            },
            StepAction::Failover(n, mode) => Action::Failover {
                node: node(self, n)?,
                mode: *mode,
            },
            StepAction::Run(ms) => {
                self.advance(*ms);
                return Ok(None);
            }
            StepAction::Wait { until, limit_ms } => {
                self.wait(until, *limit_ms)?;
                return Ok(None);
            }
            StepAction::Command { node, args } => return self.command(node, args).map(Some),
            StepAction::Client(args) => return self.client_command(args).map(Some),
            StepAction::Reshard { from, to, slots } => {
                let task = Task::Reshard {
                    from: node(self, from)?,
                    to: node(self, to)?,
                    slots: *slots,
                };
                self.start_job(task);
                return Ok(None);
            }
            StepAction::AddNode(name) => {
                let n = self.sim.nodes().len();
                let port = self.sim.nodes()[n - 1].client_addr.port() + 1;
                let seed = self.sim.nodes().len() as u64 * 7919 + 1;
                let task = Task::AddNodeAndRebalance {
                    name: name.clone(),
                    port,
                    seed,
                };
                self.start_job(task);
                return Ok(None);
            }
            StepAction::AddReplica { name, master } => {
                let master = node(self, master)?;
                let n = self.sim.nodes().len();
                let port = self.sim.nodes()[n - 1].client_addr.port() + 1;
                let seed = n as u64 * 7919 + 1;
                let task = Task::AddReplica {
                    name: name.clone(),
                    port,
                    seed,
                    master,
                };
                self.start_job(task);
                return Ok(None);
            }
            StepAction::Rebalance => {
                self.start_job(Task::Rebalance {
                    use_empty_masters: true,
                    threshold: 2.0,
                });
                return Ok(None);
            }
        };
        self.sim
            .apply(&action)
            .map_err(|e| RunError(format!("line {}: {e}", step.line)))?;
        self.observe();
        Ok(None)
    }

    fn start_job(&mut self, task: Task) {
        let id = self.sim.start_job(0, task, JobOptions::default());
        self.jobs.push(id);
    }

    /// Lets `ms` of simulated time pass, observing the objectives on the way.
    pub fn advance(&mut self, ms: u64) {
        let end = self.sim.now() + ms;
        while self.sim.now() < end {
            let next = (self.sim.now() + OBSERVE_EVERY).min(end);
            self.sim.run_until(next);
            self.observe();
        }
    }

    /// Runs until `until` holds; an error after `limit_ms`.
    pub fn wait(&mut self, until: &Predicate, limit_ms: u64) -> Result<(), RunError> {
        let end = self.sim.now() + limit_ms;
        while !self.wait_slice(until, end, limit_ms, u64::MAX)? {}
        Ok(())
    }

    /// At most `slice_ms` of a [`wait`](Self::wait) that gives up at `end` (`limit_ms` after
    /// it began): `true` once `until` holds, `false` when the slice is over first. The app
    /// plays a long wait slice by slice so that the page keeps drawing and listening.
    pub fn wait_slice(
        &mut self,
        until: &Predicate,
        end: Time,
        limit_ms: u64,
        slice_ms: u64,
    ) -> Result<bool, RunError> {
        let stop = Time(self.sim.now().0.saturating_add(slice_ms));
        loop {
            if let Some(why) = self.job_failure() {
                return Err(RunError(why));
            }
            let (ok, seen) = until.eval(self);
            if ok {
                return Ok(true);
            }
            if self.sim.now() >= end {
                return Err(RunError(format!(
                    "still waiting after {limit_ms} ms ({seen})"
                )));
            }
            if self.sim.now() >= stop {
                return Ok(false);
            }
            let next = (self.sim.now() + OBSERVE_EVERY).min(end);
            self.sim.run_until(next);
            self.observe();
        }
    }

    /// Forgets how the objectives stood and starts counting from now: the
    /// player calls it when the learner's turn begins, after the lesson's own
    /// scenario has played (which may pass through states that meet them).
    /// `within` deadlines count from here.
    pub fn start_objectives(&mut self) {
        self.start = self.sim.now();
        self.served.clear();
        for t in &mut self.objectives {
            t.met_at = None;
            t.broken = false;
        }
        self.observe();
    }

    /// Evaluates every objective now and records the result (the app calls
    /// this after each tick of its own clock).
    pub fn observe(&mut self) {
        let now = self.sim.now();
        let results: Vec<(bool, Seen)> = self
            .objectives
            .iter()
            .map(|t| {
                let mut observed = Seen::Nothing;
                for check in &t.objective.checks {
                    let (ok, seen) = check.eval(self);
                    if !ok {
                        return (false, seen);
                    }
                    observed = seen;
                }
                (true, observed)
            })
            .collect();
        let start = self.start;
        for (t, (ok, seen)) in self.objectives.iter_mut().zip(results) {
            t.observed = seen;
            if ok && t.met_at.is_none() {
                t.met_at = Some(now);
            }
            if !ok && t.objective.qualifier == Qualifier::Always {
                t.broken = true;
            }
            if let Qualifier::Within(d) = t.objective.qualifier {
                if t.met_at.is_none() && now.since(start) > d {
                    t.broken = true;
                }
            }
        }
    }

    /// Where every objective stands, in file order.
    pub fn objectives(&self) -> Vec<ObjectiveStatus> {
        self.objectives
            .iter()
            .map(|t| {
                let met = !t.broken && t.met_at.is_some();
                ObjectiveStatus {
                    id: t.id.clone(),
                    met,
                    failed: t.broken,
                    why_not: (!met).then(|| t.objective.why_not.clone()),
                    observed: t.observed.to_string(),
                    seen: t.observed.clone(),
                }
            })
            .collect()
    }

    /// Whether every objective is met.
    pub fn all_met(&self) -> bool {
        self.objectives().iter().all(|o| o.met)
    }

    /// The first job that failed, with redis-cli's last log line.
    pub fn job_failure(&self) -> Option<String> {
        self.jobs.iter().find_map(|&j| {
            let job = self.sim.job(j);
            match job.outcome() {
                Some(Err(e)) => Some(format!("{:?} failed: {e}", job.task)),
                _ => None,
            }
        })
    }

    /// Whether every job (reshard, add-node) has finished.
    pub fn jobs_done(&self) -> bool {
        self.jobs.iter().all(|&j| self.sim.job(j).is_done())
    }

    pub(super) fn count_events(
        &self,
        kind: &str,
        about: Option<&str>,
        by: Option<&str>,
    ) -> Result<usize, String> {
        let about = about
            .map(|n| index(&self.sim, n).map(|i| self.sim.node(i).id()))
            .transpose()?;
        let by = by.map(|n| index(&self.sim, n)).transpose()?;
        Ok(self.sim.trace()[self.trace_start..]
            .iter()
            .filter(|e| e.event.name() == kind)
            .filter(|e| by.is_none_or(|b| e.node == b))
            .filter(|e| about.is_none_or(|a| e.event.about() == Some(a)))
            .count())
    }

    pub(super) fn served(&self) -> &[Served] {
        &self.served
    }

    pub(super) fn count_replies(&self, prefix: &str) -> usize {
        self.replies
            .iter()
            .filter(|r| r.strip_prefix("(error) ").unwrap_or(r).starts_with(prefix))
            .count()
    }

    pub(super) fn client_stat(&self, what: &str) -> Result<u64, String> {
        let Some(c) = self.client else { return Ok(0) };
        let st = self.sim.cluster_client(c).stats();
        Ok(match what {
            "moved" => st.moved,
            "ask" => st.ask,
            "tryagain" => st.tryagain,
            "clusterdown" => st.clusterdown,
            "refreshes" => st.refreshes,
            "completed" => st.completed,
            _ => {
                return Err(format!(
                    "`client({what})`: moved, ask, tryagain, clusterdown, refreshes or completed"
                ))
            }
        })
    }
}
