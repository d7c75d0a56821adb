//! Failover time and false suspicions against `cluster-node-timeout`, on the
//! 3-masters-with-one-replica-each cluster of lesson 13.

use crate::config::Config;
use crate::event::Event;
use crate::sim::{NetConfig, Scenario, ScenarioError, Sim};
use crate::time::Time;

/// The node timeouts (ms) the failover plot measures.
pub const FAILOVER_TIMEOUTS: &[u64] = &[500, 1000, 2000, 3000, 5000, 8000, 11_000, 15_000];

/// A network with latency spikes: up to 400 ms of jitter and 1% loss.
/// Quiet enough for any timeout of seconds, noisy enough to get a node
/// suspected when the timeout is close to the spikes.
pub const NOISY_NET: NetConfig = NetConfig {
    min_latency_ms: 1,
    jitter_ms: 400,
    loss_ppm: 10_000,
    duplication_ppm: 0,
};

/// How long the no-fault run watches for false suspicions.
const WATCH_MS: u64 = 60_000;

/// The moments after `kill -9` of master A, in ms.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FailoverSample {
    /// The first node flags A as PFAIL.
    pub pfail_ms: u64,
    /// The first node flags A as FAIL (a majority of masters agreed).
    pub fail_ms: u64,
    /// A1 wins the election and takes A's slots.
    pub promoted_ms: u64,
    /// Every live node maps A's slots to A1.
    pub everyone_ms: u64,
}

fn scenario(node_timeout: u64, seed: u64, net: NetConfig) -> Scenario {
    Scenario {
        masters: 3,
        replicas: 1,
        seed,
        net,
        config: Config {
            node_timeout,
            ..Config::default()
        },
        write_every_ms: Some(100),
        ..Scenario::default()
    }
}

/// Kills master A of a formed cluster (after a seed-dependent moment within
/// a second, so the kill lands anywhere in the heartbeat cycle) and times
/// detection, election and the spread of the new configuration.
pub fn failover_sample(node_timeout: u64, seed: u64) -> Result<FailoverSample, ScenarioError> {
    let mut sim = scenario(node_timeout, seed, NetConfig::default()).build()?;
    let idx = |sim: &Sim, name: &str| {
        sim.index_of(name)
            .ok_or_else(|| ScenarioError(format!("no node {name}")))
    };
    let (a, a1) = (idx(&sim, "A")?, idx(&sim, "A1")?);
    let warm = sim.now() + 3000 + (seed.wrapping_mul(7919) % 1000);
    sim.run_until(warm);
    let slot = sim
        .node(a)
        .first_owned_slot()
        .ok_or_else(|| ScenarioError("master A serves no slot".into()))?;
    let a1_id = sim.node(a1).id();
    let a_id = sim.node(a).id();
    let from = sim.trace().len();
    let kill = sim.now();
    sim.crash(a);
    let limit = Time(kill.ms() + 4 * node_timeout + 60_000);
    let live: Vec<usize> = (0..sim.nodes().len()).filter(|&i| i != a).collect();
    let everyone = sim.run_until_pred(limit, |s| {
        live.iter()
            .all(|&i| s.node(i).slot_owner(slot) == Some(a1_id))
    });
    if !everyone {
        return Err(ScenarioError(format!(
            "A1 did not take over everywhere within {} ms",
            limit.since(kill)
        )));
    }
    let everyone_ms = sim.now().since(kill);
    let first = |pred: &dyn Fn(&Event) -> bool| {
        sim.trace()[from..]
            .iter()
            .find(|e| pred(&e.event))
            .map(|e| e.t.since(kill))
            .ok_or_else(|| ScenarioError("an expected event is missing".into()))
    };
    Ok(FailoverSample {
        pfail_ms: first(&|e| matches!(e, Event::Pfail { about, .. } if *about == a_id))?,
        fail_ms: first(&|e| matches!(e, Event::Fail { about, .. } if *about == a_id))?,
        promoted_ms: first(&|e| matches!(e, Event::Promoted { .. }))?,
        everyone_ms,
    })
}

/// Suspicions of live nodes in one minute of a healthy cluster on
/// [`NOISY_NET`]: every PFAIL (and every FAIL) raised there is false.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Suspicions {
    /// PFAIL flags raised about live nodes.
    pub pfail: u64,
    /// FAIL flags raised about live nodes.
    pub fail: u64,
}

/// Counts the false suspicions of one minute on a noisy network, for one node timeout and seed.
pub fn false_suspicions(node_timeout: u64, seed: u64) -> Result<Suspicions, ScenarioError> {
    // Formed on a quiet network (as an operator would), then the noise starts.
    let mut sim = scenario(node_timeout, seed, NetConfig::default()).build()?;
    sim.set_net(NOISY_NET);
    let from = sim.trace().len();
    let end = sim.now() + WATCH_MS;
    sim.run_until(end);
    let count = |pred: fn(&Event) -> bool| {
        sim.trace()[from..]
            .iter()
            .filter(|e| pred(&e.event))
            .count() as u64
    };
    Ok(Suspicions {
        pfail: count(|e| matches!(e, Event::Pfail { .. })),
        fail: count(|e| matches!(e, Event::Fail { .. })),
    })
}
