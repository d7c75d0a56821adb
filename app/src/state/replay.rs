//! The run: one simulation with a cursor that can go back in time.
//!
//! A run is a pure function of (scenario, seed, action log), so going back means restoring an
//! earlier snapshot (`Sim: Clone`) and replaying forward. Positions are counted in simulator
//! steps, not only in milliseconds, because many events share one instant: "one step back" must
//! land exactly one event earlier.
//!
//! Each logged action remembers the step count and the clock at which it happened. Replaying
//! applies it at the same step count, after moving the clock to its time; that is exact, because
//! when the clock was moved past the last event (a run to a given time), every event at or
//! before that time had already been processed.
//!
//! Going back keeps the recorded future: stepping or playing forward again re-applies the logged
//! actions. A new action while in the past forks the run and drops that future (as RaftScope's
//! "fork" does).

use clusterlab_core::node::ClientId;
use clusterlab_core::resp::Value;
use clusterlab_core::sim::{master_name, JobOptions, Scenario, ScenarioError, Sim, Status, Task};
use clusterlab_core::Time;
use std::collections::VecDeque;

use crate::view_model::Flight;

/// Something the user did to the simulation, recorded so that replaying reproduces it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SimAction {
    /// `kill -9` the node.
    Crash(usize),
    /// Start a crashed or paused node again (it keeps its nodes.conf).
    Restart(usize),
    /// `kill -STOP`.
    Pause(usize),
    /// `kill -CONT`.
    Resume(usize),
    /// Cut these nodes off from all the others, both ways.
    Partition(Vec<usize>),
    /// Remove every network cut.
    Heal,
    /// Lose one in-flight message, by its id.
    Drop(u64),
    /// A client command sent to a node (the console).
    Command {
        node: usize,
        client: u64,
        args: Vec<Vec<u8>>,
    },
    /// `redis-cli --cluster add-node` a new node, then rebalance slots onto it.
    AddNode,
    /// `redis-cli --cluster reshard`: move `slots` slots from one master to another.
    Reshard {
        from: usize,
        to: usize,
        slots: usize,
    },
}

/// A logged action: at which step count and simulated time it happened.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub steps: u64,
    pub time: Time,
    pub action: SimAction,
}

/// Where a run stands: simulator steps taken, log entries applied, and the clock.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Cursor {
    pub steps: u64,
    pub applied: usize,
    pub time: Time,
}

struct Snapshot {
    steps: u64,
    applied: usize,
    sim: Sim,
}

/// Messages are kept for the sequence diagram this long (simulated ms)…
pub const HISTORY_MS: u64 = 40_000;
/// …and at most this many.
const MAX_HISTORY: usize = 20_000;

/// More snapshots than this and every other one is dropped (memory stays bounded; replays
/// get longer instead).
const MAX_SNAPSHOTS: usize = 40;

/// A simulation, its action log, and snapshots to travel back.
pub struct Run {
    scenario: Scenario,
    sim: Sim,
    steps: u64,
    applied: usize,
    log: Vec<Entry>,
    /// Sorted by position; the first is the formed cluster at step 0.
    snapshots: Vec<Snapshot>,
    snap_every: u64,
    /// The furthest point reached on this branch.
    horizon: Cursor,
    /// Record flights and late replies while running (off while replaying a seek).
    recording: bool,
    /// Messages sent from this time on go to `history` (always, except during the early part
    /// of a long replay).
    history_from: Time,
    history: VecDeque<Flight>,
    last_msg_id: u64,
    flights: Vec<Flight>,
    replies: Vec<(usize, ClientId, Value)>,
}

impl Run {
    /// Forms the scenario's cluster (like `redis-cli --cluster create`) and starts there.
    pub fn new(scenario: Scenario) -> Result<Run, ScenarioError> {
        let sim = scenario.build()?;
        Ok(Run::formed(scenario, sim))
    }

    /// A run of `scenario` from `sim`, which its formation just formed (a step at a time:
    /// `Scenario::forming`).
    pub fn formed(scenario: Scenario, sim: Sim) -> Run {
        // About one snapshot per few simulated seconds whatever the cluster's size.
        let snap_every = 400 * sim.nodes().len() as u64;
        let start = Cursor {
            steps: 0,
            applied: 0,
            time: sim.now(),
        };
        Run {
            scenario,
            snapshots: vec![Snapshot {
                steps: 0,
                applied: 0,
                sim: sim.clone(),
            }],
            sim,
            steps: 0,
            applied: 0,
            log: Vec::new(),
            snap_every,
            horizon: start,
            recording: true,
            history_from: Time::ZERO,
            history: VecDeque::new(),
            last_msg_id: 0,
            flights: Vec::new(),
            replies: Vec::new(),
        }
    }

    pub fn scenario(&self) -> &Scenario {
        &self.scenario
    }

    pub fn sim(&self) -> &Sim {
        &self.sim
    }

    pub fn log(&self) -> &[Entry] {
        &self.log
    }

    pub fn cursor(&self) -> Cursor {
        Cursor {
            steps: self.steps,
            applied: self.applied,
            time: self.sim.now(),
        }
    }

    /// The furthest point reached on this branch (the scrubber's end).
    pub fn horizon(&self) -> Cursor {
        self.horizon
    }

    /// When the run starts (the cluster is formed): the scrubber's beginning.
    pub fn start_time(&self) -> Time {
        self.snapshots[0].sim.now()
    }

    /// Messages sent in the last [`HISTORY_MS`], oldest first (the sequence diagram).
    pub fn history(&self) -> &VecDeque<Flight> {
        &self.history
    }

    /// Messages seen leaving their senders since the last call.
    pub fn take_flights(&mut self) -> Vec<Flight> {
        std::mem::take(&mut self.flights)
    }

    /// Replies that came later than their command (WAIT, paused writes) since the last call.
    pub fn take_replies(&mut self) -> Vec<(usize, ClientId, Value)> {
        std::mem::take(&mut self.replies)
    }

    /// Processes the next event: pending logged actions at this step count if any (they all
    /// count as one step), otherwise one simulator event. Returns false when nothing is left.
    pub fn step(&mut self) -> bool {
        if self.next_entry_at_this_step().is_some() {
            while self.next_entry_at_this_step().is_some() {
                self.apply_next_entry();
            }
            self.touch_horizon();
            return true;
        }
        self.step_sim()
    }

    /// Goes back one step: undoes the actions logged at this step count if any were applied,
    /// otherwise returns to one simulator event earlier. Returns false at the very start.
    pub fn step_back(&mut self) -> bool {
        let here = self.cursor();
        let target = if here.applied > 0 && self.log[here.applied - 1].steps == here.steps {
            let first = self.log[..here.applied]
                .iter()
                .rposition(|e| e.steps != here.steps)
                .map_or(0, |i| i + 1);
            (here.steps, first)
        } else if here.steps > 0 {
            let steps = here.steps - 1;
            (steps, self.log.partition_point(|e| e.steps <= steps))
        } else {
            return false;
        };
        self.seek(target.0, target.1, None);
        true
    }

    /// Runs until simulated time `t`, or until `budget` steps were taken, or until
    /// `out_of_time` says so (asked every 8 steps). Logged actions are applied where
    /// they happened. Returns whether `t` was reached.
    pub fn run_to(&mut self, t: Time, budget: u64, out_of_time: &mut dyn FnMut() -> bool) -> bool {
        let mut taken = 0u64;
        loop {
            while self.next_entry_at_this_step().is_some_and(|e| e.time <= t) {
                self.apply_next_entry();
            }
            match self.sim.next_event_time() {
                Some(next) if next <= t => {
                    if taken >= budget || (taken % 8 == 7 && out_of_time()) {
                        self.touch_horizon();
                        return false;
                    }
                    self.step_sim();
                    taken += 1;
                }
                _ => break,
            }
        }
        if self.sim.now() < t {
            self.sim.run_until(t);
        }
        self.touch_horizon();
        true
    }

    /// Jumps to simulated time `t` (clamped to the run's start and horizon).
    pub fn seek_time(&mut self, t: Time) {
        let t = t.max(self.start_time()).min(self.horizon.time);
        let snap = self
            .snapshots
            .iter()
            .rposition(|s| s.sim.now() <= t && s.applied <= self.log.len())
            .unwrap_or(0);
        if t < self.sim.now() || self.snapshots[snap].sim.now() > self.sim.now() {
            self.restore(snap);
        }
        self.flights.clear();
        self.run_quietly(t - HISTORY_MS, |run| {
            run.run_to(t, u64::MAX, &mut || false);
        });
    }

    /// Jumps to `steps` simulator steps with the first `applied` log entries applied, then moves
    /// the clock to `time` if given. Used by step back and by shared links.
    pub fn seek(&mut self, steps: u64, applied: usize, time: Option<Time>) {
        let applied = applied.min(self.log.len());
        let here = self.cursor();
        let behind = (steps, applied) < (here.steps, here.applied);
        let snap = self
            .snapshots
            .iter()
            .rposition(|s| s.steps <= steps && s.applied <= applied)
            .unwrap_or(0);
        let better =
            (self.snapshots[snap].steps, self.snapshots[snap].applied) > (here.steps, here.applied);
        if behind || better {
            self.restore(snap);
        }
        self.flights.clear();
        self.run_quietly(Time::ZERO, |run| {
            loop {
                while run.applied < applied
                    && run
                        .log
                        .get(run.applied)
                        .is_some_and(|e| e.steps == run.steps)
                {
                    run.apply_next_entry();
                }
                if run.steps >= steps || !run.step_sim() {
                    break;
                }
            }
            if let Some(t) = time {
                if run.sim.now() < t && run.sim.next_event_time().is_none_or(|n| n > t) {
                    run.sim.run_until(t);
                }
            }
        });
        self.touch_horizon();
    }

    /// Records `action` here and applies it. Forks first when the cursor is in the past.
    /// Returns the reply of a command that answered at once.
    pub fn act(&mut self, action: SimAction) -> Option<Value> {
        self.fork();
        self.log.push(Entry {
            steps: self.steps,
            time: self.sim.now(),
            action,
        });
        let reply = self.apply_next_entry();
        self.touch_horizon();
        reply
    }

    /// Replaces the log with `entries` (from a shared link) and goes to `cursor`. Entries must be
    /// in order; the caller validates node indices.
    pub fn load(&mut self, entries: Vec<Entry>, cursor: Cursor) {
        self.restore(0);
        self.snapshots.truncate(1);
        self.log = entries;
        self.horizon = self.cursor();
        self.seek(cursor.steps, cursor.applied, Some(cursor.time));
    }

    // ---- internals ----

    fn next_entry_at_this_step(&self) -> Option<&Entry> {
        self.log.get(self.applied).filter(|e| e.steps == self.steps)
    }

    fn apply_next_entry(&mut self) -> Option<Value> {
        let entry = self.log.get(self.applied)?.clone();
        self.applied += 1;
        if self.sim.now() < entry.time {
            self.sim.run_until(entry.time);
        }
        let sim = &mut self.sim;
        let n = sim.nodes().len();
        let reply = match entry.action {
            SimAction::Crash(i) if i < n => {
                sim.crash(i);
                None
            }
            SimAction::Restart(i) if i < n => {
                sim.restart(i);
                None
            }
            SimAction::Pause(i) if i < n => {
                sim.pause(i);
                None
            }
            SimAction::Resume(i) if i < n => {
                sim.resume(i);
                None
            }
            SimAction::Partition(group) => {
                let group: Vec<usize> = group.into_iter().filter(|&i| i < n).collect();
                let rest: Vec<usize> = (0..n).filter(|i| !group.contains(i)).collect();
                sim.partition(&group, &rest);
                None
            }
            SimAction::Heal => {
                sim.heal();
                None
            }
            SimAction::Drop(id) => {
                sim.drop_message(id);
                None
            }
            SimAction::Command { node, client, args } if node < n => {
                sim.command(node, ClientId(client), args)
            }
            SimAction::AddNode => {
                let entry =
                    (0..n).find(|&i| sim.status(i) == Status::Up && sim.node(i).is_master());
                if let Some(entry) = entry {
                    let name = (self.scenario.masters..)
                        .map(master_name)
                        .find(|name| sim.index_of(name).is_none())
                        .unwrap_or_default();
                    let port = self.scenario.base_port + n as u16;
                    let seed = self.scenario.seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ n as u64;
                    let task = Task::AddNodeAndRebalance { name, port, seed };
                    sim.start_job(entry, task, JobOptions::default());
                }
                None
            }
            SimAction::Reshard { from, to, slots } if from < n && to < n => {
                let task = Task::Reshard { from, to, slots };
                sim.start_job(from, task, JobOptions::default());
                None
            }
            _ => None,
        };
        self.note_new_flights();
        reply
    }

    /// One simulator event; snapshots now and then.
    fn step_sim(&mut self) -> bool {
        if !self.sim.step() {
            return false;
        }
        self.steps += 1;
        self.note_new_flights();
        if self.recording {
            let replies = self.sim.take_replies();
            self.replies.extend(replies);
        }
        let last = self.snapshots.last().map_or(0, |s| s.steps);
        if self.steps >= last + self.snap_every {
            self.snapshots.push(Snapshot {
                steps: self.steps,
                applied: self.applied,
                sim: self.sim.clone(),
            });
            if self.snapshots.len() > MAX_SNAPSHOTS {
                let mut keep = 0;
                self.snapshots.retain(|_| {
                    keep += 1;
                    keep % 2 == 1
                });
                self.snap_every *= 2;
            }
        }
        true
    }

    /// Messages on the wire with an id above the last seen are new (ids only grow).
    fn note_new_flights(&mut self) {
        let now = self.sim.now();
        if !self.recording && now < self.history_from {
            return;
        }
        let last = self.last_msg_id;
        for m in self.sim.in_flight() {
            if m.id > last {
                let flight = Flight::of(m);
                if self.recording {
                    self.flights.push(flight.clone());
                }
                self.history.push_back(flight);
                self.last_msg_id = self.last_msg_id.max(m.id);
            }
        }
        while self
            .history
            .front()
            .is_some_and(|f| f.sent_at + HISTORY_MS < now)
            || self.history.len() > MAX_HISTORY
        {
            self.history.pop_front();
        }
    }

    /// Replays without collecting messages for the animation or late replies; the history
    /// for the sequence diagram is collected from `history_from` on.
    fn run_quietly(&mut self, history_from: Time, f: impl FnOnce(&mut Run)) {
        self.recording = false;
        self.history_from = history_from;
        f(self);
        self.history_from = Time::ZERO;
        self.recording = true;
        self.sim.take_replies();
        self.flights.clear();
        self.replies.clear();
        self.last_msg_id = self.sim.in_flight().map(|m| m.id).max().unwrap_or(0);
    }

    fn restore(&mut self, snap: usize) {
        let s = &self.snapshots[snap];
        self.sim = s.sim.clone();
        self.steps = s.steps;
        self.applied = s.applied;
        // The history belongs to the abandoned moment; what is on the wire now counts as new.
        self.history.clear();
        self.last_msg_id = 0;
    }

    /// Drops the recorded future when acting in the past.
    fn fork(&mut self) {
        let here = self.cursor();
        if self.applied < self.log.len() || self.horizon.steps > here.steps {
            self.log.truncate(self.applied);
            // The start snapshot (step 0, nothing applied) always stays.
            self.snapshots.retain(|s| {
                s.steps < here.steps || (s.steps == here.steps && s.applied <= here.applied)
            });
            self.horizon = here;
        }
    }

    fn touch_horizon(&mut self) {
        let here = self.cursor();
        if (here.steps, here.applied, here.time)
            > (self.horizon.steps, self.horizon.applied, self.horizon.time)
        {
            self.horizon = here;
        }
    }
}
