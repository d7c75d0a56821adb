//! Fixed fault scenarios whose fingerprints must be the same on every
//! target: native and wasm32 builds of the same seed must replay the exact
//! same run (the web app and the tests share seeds).

use super::{fingerprint, Formation, Scenario};
use crate::{Config, Time};

/// Default cluster (3 masters, 1 replica each), node timeout 2 s, master A
/// killed 3 s after formation, 20 s of simulated time. Returns the trace's
/// fingerprint, or 0 if the cluster could not form.
pub fn determinism_probe(seed: u64) -> u64 {
    let scenario = Scenario {
        seed,
        config: Config {
            node_timeout: 2000,
            ..Config::default()
        },
        ..Scenario::default()
    };
    let Ok(mut sim) = scenario.build() else {
        return 0;
    };
    let start = sim.now();
    sim.run_until(start + 3000);
    if let Some(a) = sim.index_of("A") {
        sim.crash(a);
    }
    sim.run_until(Time(start.ms() + 20_000));
    fingerprint(sim.trace(), &sim)
}

/// 150 masters and 150 replicas started formed ([`Formation::Formed`]),
/// node timeout 2 s, master A killed at 3 s (once every node is ok), 8 s of
/// simulated time: the restart burst (every node connecting to every other
/// and PINGing it at its first tick, the processes' ticks spread over one
/// cron period) and a failover at a size where gossip
/// sections are 30 entries long. Returns a fingerprint of the trace, the
/// traffic counters and every node's epochs, or 0 if a node could not load.
pub fn formed_probe(seed: u64) -> u64 {
    let scenario = Scenario {
        masters: 150,
        replicas: 1,
        seed,
        formation: Formation::Formed,
        config: Config {
            node_timeout: 2000,
            ..Config::default()
        },
        ..Scenario::default()
    };
    let Ok(mut sim) = scenario.start_with(|_| {}) else {
        return 0;
    };
    sim.run_until(Time(3000));
    if let Some(a) = sim.index_of("A") {
        sim.crash(a);
    }
    sim.run_until(Time(8000));
    let mut hash = fingerprint(sim.trace(), &sim);
    let s = sim.stats();
    let mut words = vec![s.delivered, s.dropped, s.bytes, s.events];
    for n in sim.nodes() {
        words.push(n.node.current_epoch());
        words.push(n.node.my_epoch());
    }
    for w in words {
        for byte in w.to_le_bytes() {
            hash ^= byte as u64;
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    hash
}
