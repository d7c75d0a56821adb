//! The worker's loop, without the browser: it owns the simulator, takes the page's
//! requests, runs the simulated clock in slices of real time and says when a digest is due.
//! The browser glue (`main.rs`) only feeds it messages and a clock, so the loop is tested
//! natively (`tests/driver.rs`).

use clusterlab_core::sim::{Scenario, Sim, Status};
use clusterlab_core::time::Time;

use crate::digest::{self, Moments};
use crate::protocol::{Digest, Milestone, Moment, Rates, Request, Update};

/// Real ms one slice may run before the worker reads its messages again.
pub const SLICE_MS: f64 = 25.0;
/// Real ms between two digests while the clock runs, at least…
pub const DIGEST_EVERY_MS: f64 = 100.0;
/// …and at least this many times what the last one cost (a 1000-node digest reads a
/// million table entries: the simulation keeps most of the thread).
const DIGEST_COST_SHARE: f64 = 4.0;
/// Simulated ms between two samples of the bus's rates.
const RATE_WINDOW_MS: u64 = 1_000;
/// Real ms over which the speed actually reached is measured.
const SPEED_WINDOW_MS: f64 = 1_000.0;
/// Steps between two looks at the real clock (reading it costs more than a step).
const STEPS_PER_CLOCK_READ: usize = 32;
/// Most simulated ms the clock may owe after a slow slice: beyond, it lets the debt go
/// rather than racing to catch up.
const MAX_DEBT_MS: f64 = 1_000.0;

/// The biggest cluster the worker builds (the 1000 nodes; the page offers up to it).
pub const MAX_NODES: usize = 1_000;

/// The simulation and what the page asked of it.
pub struct Driver {
    sim: Option<Sim>,
    /// Real ms when the start was asked.
    started_at: f64,
    ready_after: Option<f64>,
    playing: bool,
    /// Simulated ms per real ms; `None`: as fast as it can.
    speed: Option<f64>,
    /// Real and simulated time the clock counts from (reset when the speed changes).
    anchor: (f64, u64),
    selected: Option<usize>,
    moments: Moments,
    /// Moments the page has not been sent yet (the learner's own actions).
    pending: Vec<Milestone>,
    /// The last rate sample: simulated ms, PINGs, PONGs, bus bytes.
    rate_sample: (u64, u64, u64, u64),
    rates: Rates,
    /// (real ms, simulated ms) at each digest, for the speed reached.
    speed_samples: Vec<(f64, u64)>,
    last_digest: f64,
    /// Real ms the last digest took.
    digest_cost: f64,
    /// A request changed something the page should see at once.
    dirty: bool,
}

impl Default for Driver {
    fn default() -> Self {
        Driver {
            sim: None,
            started_at: 0.0,
            ready_after: None,
            playing: true,
            speed: Some(1.0),
            anchor: (0.0, 0),
            selected: None,
            moments: Moments::default(),
            pending: Vec::new(),
            rate_sample: (0, 0, 0, 0),
            rates: Rates::default(),
            speed_samples: Vec::new(),
            last_digest: f64::NEG_INFINITY,
            digest_cost: 0.0,
            dirty: false,
        }
    }
}

impl Driver {
    /// Takes one request at real time `now`; answers at once when there is something to say.
    pub fn handle(&mut self, request: Request, now: f64) -> Vec<Update> {
        match request {
            Request::Start {
                masters,
                replicas,
                seed,
            } => return self.start(masters, replicas, seed, now),
            Request::Play { speed } => {
                if speed.is_some_and(|s| !(s.is_finite() && s > 0.0)) {
                    return failed(format!("a speed must be a positive number, not {speed:?}"));
                }
                self.playing = true;
                self.speed = speed;
                self.reanchor(now);
            }
            Request::Pause => self.playing = false,
            Request::Crash { node } | Request::Restart { node } => {
                let crash = matches!(request, Request::Crash { .. });
                let Some(sim) = self.sim.as_mut() else {
                    return failed("no cluster is running".into());
                };
                let Some(status) = sim.nodes().get(node).map(|n| n.status) else {
                    return failed(format!("there is no node {node}"));
                };
                let t_ms = sim.now().ms();
                match (crash, status) {
                    (true, Status::Crashed) | (false, Status::Up) => {}
                    (true, _) => {
                        sim.crash(node);
                        self.moments.forget(node);
                        self.pending.push(Milestone {
                            t_ms,
                            what: Moment::Crashed { node },
                        });
                    }
                    (false, _) => {
                        sim.restart(node);
                        self.pending.push(Milestone {
                            t_ms,
                            what: Moment::Restarted { node },
                        });
                    }
                }
            }
            Request::Select { node } => self.selected = node,
        }
        self.dirty = true;
        Vec::new()
    }

    fn start(&mut self, masters: usize, replicas: usize, seed: u64, now: f64) -> Vec<Update> {
        let nodes = masters.saturating_mul(replicas.saturating_add(1));
        if masters == 0 || nodes > MAX_NODES {
            return failed(format!(
                "a cluster here has 1 to {MAX_NODES} nodes, not {masters} masters × {} nodes",
                replicas.saturating_add(1)
            ));
        }
        let scenario = Scenario {
            masters,
            replicas,
            seed,
            formation: clusterlab_core::sim::Formation::Formed,
            ..Scenario::default()
        };
        match scenario.start_with(|_| {}) {
            Ok(sim) => {
                let names = sim.nodes().iter().map(|n| n.name.clone()).collect();
                *self = Driver {
                    started_at: now,
                    playing: self.playing,
                    speed: self.speed,
                    anchor: (now, sim.now().ms()),
                    sim: Some(sim),
                    dirty: true,
                    ..Driver::default()
                };
                vec![Update::Starting { names }]
            }
            Err(e) => failed(format!("the cluster could not be built: {e}")),
        }
    }

    fn reanchor(&mut self, now: f64) {
        if let Some(sim) = &self.sim {
            self.anchor = (now, sim.now().ms());
        }
    }

    /// Whether the loop has anything to do before the next request.
    pub fn busy(&self) -> bool {
        self.sim.is_some() && (self.playing || self.ready_after.is_none() || self.dirty)
    }

    /// Runs one slice (at most [`SLICE_MS`] of real time, read from `clock`) and returns a
    /// digest when one is due. Until the cluster is ready it runs as fast as it can: nobody
    /// asked to watch the restart.
    pub fn slice(&mut self, clock: &mut dyn FnMut() -> f64) -> Option<Update> {
        let now = clock();
        let sim = self.sim.as_mut()?;
        let ready = self.ready_after.is_some();
        if self.playing || !ready {
            let target = match (ready, self.speed) {
                (true, Some(speed)) => {
                    let due = self.anchor.1 as f64 + (now - self.anchor.0) * speed;
                    if due - sim.now().ms() as f64 > MAX_DEBT_MS {
                        self.anchor = (now, sim.now().ms());
                    }
                    Some(Time(due.max(0.0) as u64))
                }
                _ => None,
            };
            run_slice(sim, target, now, clock);
            if !ready {
                self.anchor = (clock(), sim.now().ms());
            }
        }
        let now = clock();
        let every = DIGEST_EVERY_MS.max(DIGEST_COST_SHARE * self.digest_cost);
        if !self.dirty && now - self.last_digest < every {
            return None;
        }
        let digest = self.digest(now);
        self.digest_cost = clock() - now;
        Some(Update::Digest(Box::new(digest)))
    }

    fn digest(&mut self, now: f64) -> Digest {
        self.dirty = false;
        self.last_digest = now;
        let sim = self.sim.as_ref().expect("a digest of a running cluster");
        let cells = digest::cells(sim);
        let mut milestones = std::mem::take(&mut self.pending);
        let running = sim.nodes().iter().filter(|n| n.status == Status::Up);
        let ok = running.clone().filter(|n| n.node.state_ok()).count();
        if self.ready_after.is_none() && ok == running.count() {
            self.ready_after = Some(now - self.started_at);
            milestones.push(Milestone {
                t_ms: sim.now().ms(),
                what: Moment::Ready,
            });
        }
        milestones.extend(self.moments.read(sim, &cells));
        milestones.sort_by_key(|m| m.t_ms);
        let t = sim.now().ms();
        let stats = sim.stats();
        if t >= self.rate_sample.0 + RATE_WINDOW_MS {
            let (t0, pings, pongs, bytes) = self.rate_sample;
            let per_s = 1000.0 / (t - t0) as f64;
            self.rates = Rates {
                pings: (stats.pings - pings) as f64 * per_s,
                pongs: (stats.pongs - pongs) as f64 * per_s,
                bus_bytes: (stats.bus_bytes - bytes) as f64 * per_s,
            };
            self.rate_sample = (t, stats.pings, stats.pongs, stats.bus_bytes);
        }
        self.speed_samples.push((now, t));
        let keep_from = self
            .speed_samples
            .iter()
            .rposition(|&(wall, _)| now - wall >= SPEED_WINDOW_MS)
            .unwrap_or(0);
        self.speed_samples.drain(..keep_from);
        let (wall0, sim0) = self.speed_samples[0];
        let sim_per_real = if now > wall0 {
            (t - sim0) as f64 / (now - wall0)
        } else {
            0.0
        };
        Digest {
            t_ms: t,
            playing: self.playing,
            ready_after_ms: self.ready_after,
            ok,
            beliefs: self.selected.and_then(|i| digest::beliefs(sim, i)),
            cells,
            rates: self.rates,
            sim_per_real,
            milestones,
        }
    }
}

/// Runs `sim` up to `target` (or without end), until the slice's real time is spent.
fn run_slice(sim: &mut Sim, target: Option<Time>, start: f64, clock: &mut dyn FnMut() -> f64) {
    let mut steps = 0;
    loop {
        match (sim.next_event_time(), target) {
            (Some(next), Some(target)) if next > target => {
                sim.run_until(target);
                return;
            }
            (None, Some(target)) => {
                sim.run_until(target);
                return;
            }
            (None, None) => return,
            _ => {
                sim.step();
            }
        }
        steps += 1;
        if steps % STEPS_PER_CLOCK_READ == 0 && clock() - start >= SLICE_MS {
            return;
        }
    }
}

fn failed(message: String) -> Vec<Update> {
    vec![Update::Failed { message }]
}
