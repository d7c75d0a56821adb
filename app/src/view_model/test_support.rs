//! Fixtures the view-model tests share: the default playground's layout, the cluster it
//! forms, and that cluster after a failover. Each concept's tests sit next to it
//! (`layout.rs`, `cluster_view/tests.rs`, `explain/tests.rs`…) and build from these, so every
//! test reads the same cluster the learner first sees.

use clusterlab_core::sim::{Scenario, Sim};

use super::layout::Layout;

/// The default playground's layout: 3 masters with 1 replica each, nothing added, wide screen.
pub(crate) const SIX: Layout = Layout {
    masters: 3,
    replicas: 1,
    extra: 0,
    compact: false,
};

/// The default playground (3 masters, 1 replica each, seed 1) without its write load.
pub(crate) fn cluster() -> Sim {
    Scenario {
        write_every_ms: None,
        ..Scenario::default()
    }
    .build()
    .expect("the default cluster forms")
}

/// The default playground with A killed and 40 s run: PFAIL, failure reports, FAIL, the
/// election and the promotion of A1 are all in the trace (the log, "why?" and import tests).
pub(crate) fn failed_over() -> Sim {
    let mut sim = cluster();
    sim.crash(0);
    sim.run_until(sim.now() + 40_000);
    sim
}
