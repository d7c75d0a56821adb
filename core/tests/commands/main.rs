//! Client commands on a simulated cluster, as Redis 7.0.15 answers them:
//! replies, errors and redirections, bad input of every kind, blocking,
//! pub/sub and keyspace notifications, scripting, streams, MIGRATE,
//! introspection, what a master streams to its replicas, and the golden
//! transcripts recorded from a real cluster. One test binary for the area,
//! so that the core is linked once for all of it:
//! `cargo test -p clusterlab-core --test commands [MODULE::]`.

#[path = "../common/mod.rs"]
mod common;

mod acl;
mod bad_input;
mod bad_input_sweep;
mod blocking;
mod commands;
mod debug_monitors;
mod fuzz_regressions;
mod golden;
mod introspection;
mod keyspace_events;
mod migrate;
mod object_aging;
mod persistence;
mod pubsub;
mod reads;
mod repl_expiry;
mod repl_handshake;
mod repl_loading;
mod repl_stream;
mod repl_swapdb;
mod repl_transaction;
mod script_state;
mod scripting;
mod stream_block;
mod streams;
