//! The clients of a cluster, modelled on the real ones and run against the
//! simulator: redis-cli 7.0's `--cluster` commands (add-node, reshard,
//! rebalance, fix, info, check) and redis-py's cluster client. One test
//! binary for the area, so that the core is linked once for all of it:
//! `cargo test -p clusterlab-core --test clients [MODULE::]`.

#[path = "../common/mod.rs"]
mod common;

mod add_replica;
mod cli_fix;
mod cli_report;
mod client;
mod reshard;
