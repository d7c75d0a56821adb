//! A fixed fault scenario whose trace fingerprint must be the same on every
//! target: native and wasm32 builds of the same seed must replay the exact
//! same run (the web app and the tests share seeds).

use super::{fingerprint, Scenario};
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
