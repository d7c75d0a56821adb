//! The cluster bus rules of Redis 7.0 (`cluster.c`): heartbeats and gossip,
//! failure detection, elections and failovers, epochs, `cluster_state`,
//! CLUSTER LINKS and myself's settings, on one node fed crafted messages
//! (`common/single_node.rs`) or on simulated clusters. One test binary for
//! the area, so that the core is linked once for all of it:
//! `cargo test -p clusterlab-core --test cluster [MODULE::]`.

#[path = "../common/mod.rs"]
mod common;

mod bus_links;
mod cluster_state;
mod epochs;
mod failover;
mod failure_detection;
mod formed_start;
mod gossip;
mod lost_writes;
mod manual_failover;
mod manual_failover_writes;
mod myself_settings;
mod node_rules;
mod replica_migration;
mod reset_rejoin;
mod restart;
