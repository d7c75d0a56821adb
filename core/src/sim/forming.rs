//! A cluster being formed, one step at a time: what [`Scenario::build`] does
//! in one call, cut so that a host with a frame budget (the web app forms a
//! 100-node cluster by MEET in about a second of CPU) can form it between
//! frames. Stepped or in one call, the run is the same event for event: the
//! formation checks its goal every 100 simulated ms either way.

use super::{Formation, Scenario, ScenarioError, Sim};
use crate::flags::NodeFlags;
use crate::time::Time;

/// Simulated ms between two looks at whether a stage is done (looking at
/// every node after every event costs too much in large clusters).
const CHECK_EVERY_MS: u64 = 100;
/// A formation that has not finished by then has failed.
const LIMIT: Time = Time(600_000);

/// Where a formation stands.
/// In order: a formation only moves forward.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Stage {
    /// MEETs sent: gossip until every node knows every other (MEET only).
    Joining,
    /// Configured (REPLICATEs sent, or nodes.conf loaded): until every node
    /// says `cluster_state:ok` and sees every replica.
    Settling,
    /// Formed: the write load (if any) is on.
    Formed,
}

/// A formation in progress; [`Forming::advance`] runs it.
pub struct Forming {
    scenario: Scenario,
    sim: Sim,
    stage: Stage,
    /// The simulated time the running stage is next checked at.
    next_check: Option<Time>,
}

impl Forming {
    /// Starts the processes and configures them as `scenario` says (the
    /// MEETs, or the nodes.conf files), `setup` applied first.
    pub(super) fn start(
        scenario: &Scenario,
        setup: impl FnOnce(&mut Sim),
    ) -> Result<Forming, ScenarioError> {
        scenario.validate()?;
        let mut sim = Sim::new(scenario.seed, scenario.net.clone());
        setup(&mut sim);
        let stage = if scenario.resolved_formation() == Formation::Formed {
            super::formed::start_formed(scenario, &mut sim)?;
            Stage::Settling
        } else {
            scenario.send_meets(&mut sim)?;
            Stage::Joining
        };
        Ok(Forming {
            scenario: scenario.clone(),
            sim,
            stage,
            next_check: None,
        })
    }

    /// The stage reached.
    pub fn stage(&self) -> Stage {
        self.stage
    }

    /// The simulator as it stands (for a progress line).
    pub fn sim(&self) -> &Sim {
        &self.sim
    }

    /// Runs the formation until it reaches `until`, fails, or `out_of_time`
    /// says to stop (asked between events; `None`: never stop early, and run
    /// as [`Sim::run_until`] runs, two-thread windows included). Returns
    /// whether `until` was reached.
    pub fn advance(
        &mut self,
        until: Stage,
        mut out_of_time: Option<&mut dyn FnMut() -> bool>,
    ) -> Result<bool, ScenarioError> {
        while self.stage < until {
            let target = match self.next_check {
                Some(t) => t,
                None => {
                    if self.stage_done() {
                        self.next_stage()?;
                        continue;
                    }
                    if self.sim.now() >= LIMIT {
                        return Err(self.failure());
                    }
                    let t = self.sim.now() + CHECK_EVERY_MS;
                    self.next_check = Some(t);
                    t
                }
            };
            match out_of_time.as_mut() {
                None => self.sim.run_until(target),
                Some(stop) => {
                    while self
                        .sim
                        .next_event_time()
                        .is_some_and(|next| next <= target)
                    {
                        if stop() {
                            return Ok(false);
                        }
                        self.sim.step();
                    }
                    self.sim.run_until(target);
                }
            }
            self.next_check = None;
        }
        Ok(true)
    }

    /// The simulator, once formed (or as it stands).
    pub fn into_sim(self) -> Sim {
        self.sim
    }

    fn stage_done(&self) -> bool {
        let total = self.scenario.nodes();
        let nodes = self.sim.nodes();
        match self.stage {
            Stage::Joining => nodes.iter().all(|n| {
                n.node.known_nodes() == total
                    && n.node.known_flags().all(|f| !f.has(NodeFlags::HANDSHAKE))
            }),
            Stage::Settling => nodes.iter().all(|n| {
                n.node.state_ok()
                    && n.node.known_flags().filter(|f| f.is_replica()).count()
                        == total - self.scenario.masters
            }),
            Stage::Formed => true,
        }
    }

    fn next_stage(&mut self) -> Result<(), ScenarioError> {
        self.stage = match self.stage {
            Stage::Joining => {
                self.scenario.send_replicates(&mut self.sim)?;
                Stage::Settling
            }
            Stage::Settling | Stage::Formed => {
                self.sim.set_write_load(self.scenario.write_every_ms);
                Stage::Formed
            }
        };
        Ok(())
    }

    fn failure(&self) -> ScenarioError {
        ScenarioError(match self.stage {
            Stage::Joining => format!(
                "the {} nodes did not all meet within {LIMIT}",
                self.scenario.nodes()
            ),
            Stage::Settling | Stage::Formed => {
                format!("the cluster did not reach cluster_state:ok within {LIMIT}")
            }
        })
    }
}
