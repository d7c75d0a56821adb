//! Real processes: `clusterlab-node` on 127.0.0.1 driven by the real
//! redis-cli, and compared live with a real redis-server 7.0.15 (replies
//! byte for byte, replication streams, mixed clusters on the real bus).
//! The helpers are in `common/native/`. One test binary for the area, so
//! that the core is linked once for all of it:
//! `cargo test -p clusterlab-core --test native [MODULE::]`.
// The node binary exists only with the `net` feature.
#![cfg(feature = "net")]

#[path = "../common/mod.rs"]
mod common;

mod acl;
mod bits;
mod blocking;
mod bus_links;
mod client_caching;
mod command_docs;
mod config;
mod debug_object;
mod diskless_load;
mod encodings;
mod expiry;
mod failover;
mod function_dump;
mod geo;
mod geo_stream;
mod hyperloglog;
mod introspection;
mod latency_graph;
mod latency_histogram;
mod limits;
mod memory_stats;
mod mixed_clusters;
mod monitor;
mod node;
mod notify;
mod object_aging;
mod persistence;
mod reads;
mod replica_restart;
mod resharding;
mod script_libs;
mod scripting;
mod sim_parity;
mod stream_writes;
mod streams;
mod trace;
mod zsets;
