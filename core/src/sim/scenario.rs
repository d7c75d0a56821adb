//! Scenarios: a cluster shape, settings and a seed, formed the way
//! `redis-cli --cluster create` forms a real one, or started already formed
//! (`formed.rs`) when the cluster is too big to watch form.

use super::forming::{Forming, Stage};
use super::{NetConfig, Sim, PPM};
use crate::config::Config;
use crate::node::Admin;
use crate::slot::{SlotSet, SLOTS};
use std::fmt;
use std::net::{IpAddr, SocketAddr};

/// What to simulate.
#[derive(Clone, Debug, PartialEq)]
pub struct Scenario {
    /// Number of masters.
    pub masters: usize,
    /// Replicas per master.
    pub replicas: usize,
    /// Every node's settings.
    pub config: Config,
    /// The run's seed: node IDs, draws, network.
    pub seed: u64,
    /// The network's latency, loss and duplication.
    pub net: NetConfig,
    /// Client port of the first node; bus ports are +10000.
    pub base_port: u16,
    /// Client writes to every master every this many ms (`None`: no load).
    pub write_every_ms: Option<u64>,
    /// How the cluster comes to be formed before the run.
    pub formation: Formation,
}

/// How [`Scenario::build`] forms the cluster.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Formation {
    /// [`Meet`](Self::Meet) up to [`MEET_UP_TO`] nodes, [`Formed`](Self::Formed) above.
    #[default]
    BySize,
    /// As `redis-cli --cluster create`: ADDSLOTS, SET-CONFIG-EPOCH, MEET,
    /// gossip until everyone knows everyone, REPLICATE. What the formation
    /// lessons show; its cost grows as N² (minutes of CPU at 1000 nodes).
    Meet,
    /// As a cluster restarted from its nodes.conf files: every node loads
    /// the configuration MEET formation ends with and starts with its links
    /// down (a fraction of a second at 1000 nodes).
    Formed,
}

impl Formation {
    /// The words the CLI takes (`--formation`), in order.
    pub const NAMES: [&'static str; 3] = ["by-size", "meet", "formed"];

    /// The formation named `name` (one of [`NAMES`](Self::NAMES)).
    pub fn parse(name: &str) -> Option<Formation> {
        match name {
            "by-size" => Some(Formation::BySize),
            "meet" => Some(Formation::Meet),
            "formed" => Some(Formation::Formed),
            _ => None,
        }
    }
}

/// The largest cluster [`Formation::BySize`] forms by MEET: the page animates
/// clusters up to 100 nodes and every lesson and test cluster is smaller,
/// so they keep watching (and fingerprinting) a MEET formation; above it,
/// MEET would keep a user waiting many seconds for something they did not
/// ask to watch.
pub const MEET_UP_TO: usize = 100;

impl Default for Scenario {
    fn default() -> Self {
        Scenario {
            masters: 3,
            replicas: 1,
            config: Config::default(),
            seed: 1,
            net: NetConfig::default(),
            base_port: 7000,
            write_every_ms: Some(100),
            formation: Formation::BySize,
        }
    }
}

/// A scenario that cannot be built, with the reason in words.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScenarioError(pub String);

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ScenarioError {}

/// Friendly names: masters `A`…`Z`, `AA`…; replicas `A1`, `A2`…
pub fn master_name(i: usize) -> String {
    let mut name = String::new();
    let mut n = i + 1;
    while n > 0 {
        let rem = (n - 1) % 26;
        name.insert(0, (b'A' + rem as u8) as char);
        n = (n - 1) / 26;
    }
    name
}

/// A per-node seed from the scenario seed and the node index (SplitMix64),
/// so nodes draw independent but reproducible streams.
pub(super) fn node_seed(seed: u64, idx: usize) -> u64 {
    let mut z = seed.wrapping_add((idx as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15));
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// `redis-cli --cluster create`'s slot split: master i gets
/// `lround(cursor + 16384/m - 1)` as its last slot (0-5460, 5461-10922, 10923-16383).
pub fn slot_split(masters: usize) -> Vec<SlotSet> {
    let per = SLOTS as f64 / masters as f64;
    let mut first = 0u32;
    let mut cursor = 0f64;
    (0..masters)
        .map(|i| {
            let last = if i == masters - 1 {
                SLOTS as u32 - 1
            } else {
                (cursor + per - 1.0).round() as u32
            };
            let set = SlotSet::range(first as u16, last as u16);
            first = last + 1;
            cursor += per;
            set
        })
        .collect()
}

impl Scenario {
    /// Checks the shape before anything runs.
    pub fn validate(&self) -> Result<(), ScenarioError> {
        if self.masters < 1 {
            return Err(ScenarioError("--masters must be at least 1".into()));
        }
        let total = self.masters * (1 + self.replicas);
        if total > 2000 {
            return Err(ScenarioError(format!(
                "{total} nodes is more than the simulator's limit of 2000"
            )));
        }
        if self.base_port as usize + total > 55535 {
            return Err(ScenarioError(
                "--base-port leaves no room for the bus ports (+10000)".into(),
            ));
        }
        if self.config.node_timeout == 0 {
            return Err(ScenarioError("--node-timeout must be positive".into()));
        }
        if self.net.loss_ppm > PPM || self.net.duplication_ppm > PPM {
            return Err(ScenarioError(
                "loss and duplication are parts per million (0..=1000000)".into(),
            ));
        }
        Ok(())
    }

    /// Node names in index order: masters first, then replicas.
    pub fn names(&self) -> Vec<String> {
        let mut names: Vec<String> = (0..self.masters).map(master_name).collect();
        for r in 1..=self.replicas {
            for m in 0..self.masters {
                names.push(format!("{}{}", master_name(m), r));
            }
        }
        names
    }

    /// Total number of nodes.
    pub fn nodes(&self) -> usize {
        self.masters * (1 + self.replicas)
    }

    /// The formation [`build`](Self::build) uses: [`Formation::BySize`] resolved.
    pub fn resolved_formation(&self) -> Formation {
        match self.formation {
            Formation::BySize if self.nodes() > MEET_UP_TO => Formation::Formed,
            Formation::BySize => Formation::Meet,
            f => f,
        }
    }

    /// Starts the processes and forms the cluster (see [`Formation`]), then
    /// runs until every node reports `cluster_state:ok` and sees every replica.
    ///
    /// By MEET, like `redis-cli --cluster create`: ADDSLOTS on masters,
    /// SET-CONFIG-EPOCH 1..N, MEET the first node, wait until everyone knows
    /// everyone, then REPLICATE. Formed: every node loads the nodes.conf
    /// that formation ends with, and the cluster runs from there as after a
    /// restart of every process.
    pub fn build(&self) -> Result<Sim, ScenarioError> {
        self.build_with(|_| {})
    }

    /// [`build`](Self::build), with `setup` applied to the simulator before
    /// the nodes start (e.g. [`Sim::set_parallel`], so formation runs that
    /// way too).
    pub fn build_with(&self, setup: impl FnOnce(&mut Sim)) -> Result<Sim, ScenarioError> {
        let mut forming = Forming::start(self, setup)?;
        forming.advance(Stage::Formed, None)?;
        Ok(forming.into_sim())
    }

    /// [`build`](Self::build), a step at a time: [`Forming::advance`] runs it
    /// within a budget (the web app forms its clusters between frames).
    pub fn forming(&self) -> Result<Forming, ScenarioError> {
        Forming::start(self, |_| {})
    }

    /// The simulator at the instant the cluster is configured, before
    /// [`build`](Self::build) waits for `cluster_state:ok`. By MEET, that is
    /// once every REPLICATE was sent; formed, once the last process has
    /// started (within the first cron period), with every node loaded and
    /// no link connected yet.
    pub fn start_with(&self, setup: impl FnOnce(&mut Sim)) -> Result<Sim, ScenarioError> {
        let mut forming = Forming::start(self, setup)?;
        forming.advance(Stage::Settling, None)?;
        Ok(forming.into_sim())
    }

    /// Starts the processes and sends what `redis-cli --cluster create` sends
    /// before it waits for the nodes to join: ADDSLOTS, SET-CONFIG-EPOCH,
    /// and a MEET of the first node from every other.
    pub(super) fn send_meets(&self, sim: &mut Sim) -> Result<(), ScenarioError> {
        let names = self.names();
        for (i, name) in names.iter().enumerate() {
            let port = self.base_port + i as u16;
            sim.add_node(name, port, self.config.clone(), node_seed(self.seed, i));
        }
        for (i, slots) in slot_split(self.masters).into_iter().enumerate() {
            admin(sim, i, Admin::AddSlots(slots))?;
        }
        for i in 0..names.len() {
            admin(sim, i, Admin::SetConfigEpoch(i as u64 + 1))?;
        }
        let ip = IpAddr::from([127, 0, 0, 1]);
        let first = SocketAddr::new(ip, sim.nodes()[0].bus_addr.port());
        for i in 1..names.len() {
            admin(
                sim,
                i,
                Admin::Meet {
                    addr: first,
                    port: self.base_port,
                },
            )?;
        }
        Ok(())
    }

    /// Once everyone knows everyone: CLUSTER REPLICATE on every replica.
    pub(super) fn send_replicates(&self, sim: &mut Sim) -> Result<(), ScenarioError> {
        for r in self.masters..self.nodes() {
            let master = (r - self.masters) % self.masters;
            let id = sim.node(master).id();
            admin(sim, r, Admin::Replicate(id))?;
        }
        Ok(())
    }
}

/// An admin command of the formation; its refusal fails the formation.
fn admin(sim: &mut Sim, idx: usize, action: Admin) -> Result<(), ScenarioError> {
    sim.admin(idx, action)
        .map(|_| ())
        .map_err(|e| ScenarioError(format!("forming the cluster: {e}")))
}
