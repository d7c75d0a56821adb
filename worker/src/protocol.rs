//! What the page and the worker say to each other, as JSON strings through `postMessage`.
//!
//! The page asks ([`Request`]); the worker answers with [`Update`]s: a
//! [`Digest`] of the whole cluster several times a second, small enough to
//! cross threads at 1000 nodes (one [`Cell`] per node, not its 1000-entry
//! table), plus the beliefs of the one node the learner picked.

use serde::{Deserialize, Serialize};

/// The page to the worker.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Request {
    /// Start a cluster of `masters` × (1 + `replicas`) nodes, already formed, as one restarted
    /// from its nodes.conf files (a fresh one replaces any running cluster).
    Start {
        masters: usize,
        replicas: usize,
        seed: u64,
    },
    /// Run at `speed` simulated ms per real ms; `None`: as fast as the worker can.
    Play { speed: Option<f64> },
    /// Stop the simulated clock (the cluster stays as it is).
    Pause,
    /// `kill -9` the node.
    Crash { node: usize },
    /// Restart a killed node from its files.
    Restart { node: usize },
    /// Whose beliefs each digest carries (`None`: nobody's).
    Select { node: Option<usize> },
}

/// The worker to the page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Update {
    /// The worker's code runs: it reads requests from now on (the browser drops messages
    /// sent before, so the page holds its requests until this).
    Loaded,
    /// The nodes are starting: their names, in index order.
    Starting { names: Vec<String> },
    /// The cluster now.
    Digest(Box<Digest>),
    /// The cluster could not be built, or a request made no sense.
    Failed { message: String },
}

/// The whole cluster at one simulated instant.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Digest {
    /// Simulated time.
    pub t_ms: u64,
    /// The simulated clock runs.
    pub playing: bool,
    /// Real ms from the start request until every node first said `cluster_state:ok`
    /// (`None`: not yet).
    pub ready_after_ms: Option<f64>,
    /// Running nodes that say `cluster_state:ok`.
    pub ok: usize,
    /// One cell per node, in index order.
    pub cells: Vec<Cell>,
    /// The bus over the last simulated second or so.
    pub rates: Rates,
    /// Simulated seconds per real second, over the last real second.
    pub sim_per_real: f64,
    /// What happened since the previous digest, oldest first.
    pub milestones: Vec<Milestone>,
    /// The picked node's beliefs.
    pub beliefs: Option<Beliefs>,
}

/// One node as the cluster sees it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cell {
    /// The process: up, crashed or paused.
    pub status: Process,
    /// It believes it is a master.
    pub master: bool,
    /// How many running nodes flag it PFAIL.
    pub pfail: u16,
    /// How many running nodes flag it FAIL.
    pub fail: u16,
}

/// A node's process.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Process {
    #[default]
    Up,
    Crashed,
    Paused,
}

/// The bus's traffic, per simulated second.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Rates {
    pub pings: f64,
    pub pongs: f64,
    pub bus_bytes: f64,
}

/// A moment worth a line, at its exact simulated time (from the simulator's trace).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Milestone {
    pub t_ms: u64,
    pub what: Moment,
}

/// What happened (nodes by index).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Moment {
    /// Every node said `cluster_state:ok` for the first time.
    Ready,
    /// The learner killed `node`.
    Crashed { node: usize },
    /// The learner restarted `node`.
    Restarted { node: usize },
    /// `by` is the first to flag `about` PFAIL (no PONG within the node timeout).
    FirstPfail { by: usize, about: usize },
    /// `by` counted `reports` failure reports from masters (`needed` make a majority) and
    /// flagged `about` FAIL, broadcasting it.
    Declared {
        by: usize,
        about: usize,
        reports: u32,
        needed: u32,
    },
    /// Every running node flags `about` FAIL, `after_ms` after it was declared.
    FailEverywhere { about: usize, after_ms: u64 },
    /// Replica `node` won its election and serves its old master's slots.
    Promoted { node: usize, epoch: u64 },
    /// `by` cleared its FAIL flag on `about` (it is reachable again).
    Cleared { by: usize, about: usize },
}

/// The picked node's beliefs (what `CLUSTER NODES` and `CLUSTER INFO` would say on it).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Beliefs {
    pub node: usize,
    pub process: Process,
    pub master: bool,
    /// Its master, if it is a replica.
    pub master_of: Option<usize>,
    pub current_epoch: u64,
    pub config_epoch: u64,
    pub state_ok: bool,
    /// Nodes in its table, itself included.
    pub known: usize,
    /// Its outbound bus links that are up.
    pub connected: usize,
    /// Nodes it flags PFAIL, and FAIL (at most [`BELIEF_LIST`] each; `*_count` has them all).
    pub pfail: Vec<usize>,
    pub pfail_count: usize,
    pub fail: Vec<usize>,
    pub fail_count: usize,
    /// Its election, while it runs one: rank, votes so far and needed, epoch.
    pub election: Option<Election>,
}

/// How many nodes a belief list names before it says "and N more".
pub const BELIEF_LIST: usize = 12;

/// A replica's election as it stands.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Election {
    pub rank: u32,
    pub votes: u32,
    pub needed: u32,
    pub epoch: u64,
}
