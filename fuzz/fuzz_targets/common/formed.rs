//! The cluster the command-level targets start from.

use clusterlab_core::sim::{Scenario, Sim};
use clusterlab_core::Config;
use std::sync::OnceLock;

/// A formed 3+3 cluster, built once and cloned per input.
pub fn base() -> &'static Sim {
    static BASE: OnceLock<Sim> = OnceLock::new();
    BASE.get_or_init(|| {
        Scenario {
            config: Config {
                node_timeout: 5000,
                ..Config::default()
            },
            write_every_ms: None,
            ..Scenario::default()
        }
        .build()
        .expect("the cluster forms")
    })
}
