//! What the cluster bus costs as a cluster grows: the measurement behind the
//! chapter's "about 1000 nodes". Every node PINGs peers by two rules of
//! `clusterCron` (one of five random peers each second; any peer whose PONG
//! is older than half the node timeout), every PING is answered by a PONG,
//! and every message carries the 2256-byte header (with the 2048-byte slot
//! bitmap) plus a gossip section of `max(3, N/10)` 104-byte entries
//! (`clusterSendPing`). So the bytes per message grow with N, and so may the
//! PINGs per node: the whole cluster's traffic grows about as N².
//!
//! A sample starts a cluster of `N` nodes formed (as restarted from its
//! nodes.conf files), lets the start's burst pass, counts the bus traffic
//! over one node timeout, then kills a master and times how long until every
//! other node flags it FAIL. A sample is resumable ([`BusCostJob::advance`])
//! so the page can spread a 1000-node sample over many frames.

use crate::event::Event;
use crate::id::NodeId;
use crate::msg::wire::{GOSSIP_ENTRY_LEN, HEADER_LEN};
use crate::sim::{Formation, Scenario, ScenarioError, Sim, SimStats};
use crate::time::Time;

/// Cluster sizes (masters + one replica each) the bus-cost plot measures.
pub const BUS_COST_SIZES: &[u64] = &[6, 12, 24, 50, 100, 200, 300, 500, 1000];

/// The node timeout the plot runs with: Redis's default.
pub const BUS_COST_TIMEOUT_MS: u64 = 15_000;

/// The node timeouts the page draws Redis's rules for, beside the measured one.
pub const BUS_COST_GUIDE_TIMEOUTS_MS: &[u64] = &[5_000, 15_000, 60_000];

/// One sample's measurements.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BusCostSample {
    /// Bus bytes one node sends per second (the cluster's total / N).
    pub bytes_per_node_s: f64,
    /// Bus bytes the whole cluster sends per second.
    pub total_bytes_s: f64,
    /// PINGs and PONGs one node sends per second.
    pub pings_pongs_per_node_s: f64,
    /// Milliseconds from a master's death until every other node flags it FAIL.
    pub fail_everywhere_ms: u64,
}

/// What Redis's rules predict for `nodes` nodes and node timeout `timeout_ms`
/// in a healthy cluster (no PFAIL node, so gossip sections hold exactly
/// `max(3, N/10)` entries).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BusRules {
    /// Bytes of one PING or PONG: header + gossip section.
    pub message_bytes: f64,
    /// PINGs one node sends per second by the random rule alone: one a second.
    pub pings_floor_s: f64,
    /// PINGs one node sends per second if only the half-timeout rule kept
    /// its peers fresh: every other node every `timeout / 2`.
    pub pings_ceiling_s: f64,
}

impl BusRules {
    /// The rules for `nodes` nodes (each knows all of them, itself included).
    pub fn new(nodes: u64, timeout_ms: u64) -> BusRules {
        let gossip = (nodes / 10).max(3).min(nodes.saturating_sub(2));
        let others = nodes.saturating_sub(1) as f64;
        BusRules {
            message_bytes: (HEADER_LEN as u64 + GOSSIP_ENTRY_LEN as u64 * gossip) as f64,
            pings_floor_s: 1.0,
            pings_ceiling_s: (others / (timeout_ms as f64 / 2000.0)).max(1.0),
        }
    }

    /// Bytes one node sends per second when it PINGs `pings_s` peers a second
    /// and answers as many PINGs with PONGs.
    pub fn bytes_per_node_s(&self, pings_s: f64) -> f64 {
        2.0 * pings_s * self.message_bytes
    }
}

/// Where a sample is.
#[derive(Clone, Copy, Debug)]
enum Phase {
    /// The start's burst (every node connects to every other and PINGs it).
    Warmup,
    /// Counting from this instant and these counters.
    Counting { since: Time },
    /// The master was killed at `at`; waiting for every other node's FAIL.
    Detecting { at: Time, victim: NodeId },
}

/// One sample in progress.
#[derive(Clone)]
pub struct BusCostJob {
    sim: Sim,
    nodes: usize,
    timeout_ms: u64,
    phase: Phase,
    /// Counters when counting began.
    before: SimStats,
    /// The counting window's result, once over.
    counted: Option<(f64, f64, f64)>,
    /// Trace entries already read while detecting.
    read: usize,
    /// Which nodes flagged the victim FAIL.
    flagged: Vec<bool>,
    /// When the latest of them did.
    last_flag: Option<Time>,
}

impl std::fmt::Debug for BusCostJob {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BusCostJob")
            .field("nodes", &self.nodes)
            .field("phase", &self.phase)
            .field("now", &self.sim.now())
            .finish()
    }
}

impl BusCostJob {
    /// Starts a cluster of `nodes` nodes (`nodes / 2` masters with one replica
    /// each) formed, with the default node timeout.
    pub fn new(nodes: u64, seed: u64) -> Result<BusCostJob, ScenarioError> {
        let nodes = nodes as usize;
        if nodes < 6 || !nodes.is_multiple_of(2) {
            return Err(ScenarioError(format!(
                "bus cost: {nodes} nodes, wanted an even number of at least 6"
            )));
        }
        let mut scenario = Scenario {
            masters: nodes / 2,
            replicas: 1,
            seed,
            write_every_ms: None,
            formation: Formation::Formed,
            ..Scenario::default()
        };
        scenario.config.node_timeout = BUS_COST_TIMEOUT_MS;
        let sim = scenario.start_with(|_| {})?;
        Ok(BusCostJob {
            before: sim.stats().clone(),
            sim,
            nodes,
            timeout_ms: BUS_COST_TIMEOUT_MS,
            phase: Phase::Warmup,
            counted: None,
            read: 0,
            flagged: vec![false; nodes],
            last_flag: None,
        })
    }

    /// When counting starts: a quarter timeout in, after the start's burst
    /// and before the first wave of half-timeout PINGs, so the window (one
    /// timeout long) holds two whole waves.
    fn count_from(&self) -> Time {
        Time(self.timeout_ms / 4)
    }

    /// Runs the sample on: at most `budget` simulator events when given (a
    /// page's slice: a 1000-node start's burst alone is a million PINGs), else
    /// a whole phase at full speed. Returns the sample once it is complete.
    pub fn advance(
        &mut self,
        budget: Option<usize>,
    ) -> Result<Option<BusCostSample>, ScenarioError> {
        let boundary = match self.phase {
            Phase::Warmup => self.count_from(),
            Phase::Counting { since } => since + self.timeout_ms,
            Phase::Detecting { at, .. } => at + 4 * self.timeout_ms,
        };
        if !self.run_toward(boundary, budget) {
            // Out of budget before the boundary: only detection can end early.
            if let Phase::Detecting { at, victim } = self.phase {
                return Ok(self
                    .read_fail_flags(victim)
                    .map(|last| self.sample(last.since(at))));
            }
            return Ok(None);
        }
        match self.phase {
            Phase::Warmup => {
                self.before = self.sim.stats().clone();
                self.phase = Phase::Counting { since: boundary };
            }
            Phase::Counting { since } => {
                self.close_window(since);
                self.kill_a_master()?;
            }
            Phase::Detecting { at, victim } => {
                return match self.read_fail_flags(victim) {
                    Some(last) => Ok(Some(self.sample(last.since(at)))),
                    None => Err(ScenarioError(format!(
                        "not every node flagged the killed master FAIL within {} ms",
                        4 * self.timeout_ms
                    ))),
                };
            }
        }
        Ok(None)
    }

    /// Runs events up to `boundary` (the whole way without a budget, where
    /// detection stops as soon as every node flagged the victim); true once
    /// the clock is at the boundary or detection is over.
    fn run_toward(&mut self, boundary: Time, budget: Option<usize>) -> bool {
        match (budget, self.phase) {
            (None, Phase::Detecting { victim, .. }) => {
                while self.sim.now() < boundary && self.read_fail_flags(victim).is_none() {
                    let next = self.sim.now() + 100;
                    self.sim.run_until(next.min(boundary));
                }
                true
            }
            (None, _) => {
                self.sim.run_until(boundary);
                true
            }
            (Some(budget), _) => {
                for _ in 0..budget {
                    if self.sim.next_event_time().is_none_or(|t| t > boundary) {
                        self.sim.run_until(boundary);
                        return true;
                    }
                    self.sim.step();
                }
                false
            }
        }
    }

    /// The sample, once detection took `fail_ms`.
    fn sample(&self, fail_ms: u64) -> BusCostSample {
        let (bytes, total, msgs) = self.counted.unwrap_or_default();
        BusCostSample {
            bytes_per_node_s: bytes,
            total_bytes_s: total,
            pings_pongs_per_node_s: msgs,
            fail_everywhere_ms: fail_ms,
        }
    }

    /// The counters' growth over the window, per second.
    fn close_window(&mut self, since: Time) {
        let now = self.sim.now();
        let seconds = now.since(since) as f64 / 1000.0;
        let after = self.sim.stats();
        let bus = after.bus_bytes - self.before.bus_bytes;
        let pings = (after.pings + after.pongs) - (self.before.pings + self.before.pongs);
        let total = bus as f64 / seconds;
        let n = self.nodes as f64;
        self.counted = Some((total / n, total, pings as f64 / seconds / n));
    }

    /// Kills the first master (A) and starts watching for FAIL flags.
    fn kill_a_master(&mut self) -> Result<(), ScenarioError> {
        let a = self
            .sim
            .index_of("A")
            .ok_or_else(|| ScenarioError("no master A".into()))?;
        let victim = self.sim.node(a).id();
        self.read = self.sim.trace().len();
        self.flagged[a] = true;
        self.sim.crash(a);
        self.phase = Phase::Detecting {
            at: self.sim.now(),
            victim,
        };
        Ok(())
    }

    /// Reads the trace's new FAIL flags about `victim`; the time of the last
    /// one once every node has flagged it.
    fn read_fail_flags(&mut self, victim: NodeId) -> Option<Time> {
        for e in &self.sim.trace()[self.read..] {
            if matches!(e.event, Event::Fail { about, .. } if about == victim)
                && !self.flagged[e.node]
            {
                self.flagged[e.node] = true;
                self.last_flag = Some(e.t);
            }
        }
        self.read = self.sim.trace().len();
        self.flagged.iter().all(|&f| f).then_some(self.last_flag?)
    }
}

/// One whole sample (the bench and the tests).
pub fn bus_cost_sample(nodes: u64, seed: u64) -> Result<BusCostSample, ScenarioError> {
    let mut job = BusCostJob::new(nodes, seed)?;
    loop {
        if let Some(s) = job.advance(None)? {
            return Ok(s);
        }
    }
}
