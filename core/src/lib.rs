//! clusterlab-core: Redis Cluster's real rules as a pure, IO-free state machine,
//! and a deterministic simulator that drives it.
//!
//! The same [`node::Node`] runs inside the simulator (tests, lessons, CLI, web
//! app) and inside the native node binary, so there is exactly one
//! implementation of every rule; Redis 7.0.15 is the reference for each of them.
//!
//! Start with the [`tutorial`]: two nodes driven by hand through the sans-IO
//! contract (`handle`, `poll_output`, `poll_timeout`). The repository's `docs/`
//! holds the rest: `docs/README.md` (a map: where each Redis concept lives),
//! `docs/architecture.md` (modules, the contract, the simulator, the native
//! node, the trace format) and `docs/redis-behaviour.md` (what Redis 7.0 does,
//! each fact tied to its place in Redis's source; tests cite its sections).

#![warn(missing_docs)]

pub mod acl;
pub mod aof;
pub mod client;
pub mod command;
pub mod config;
pub mod dump;
pub mod event;
pub mod experiment;
pub mod flags;
pub mod hll;
pub mod id;
mod intern;
pub mod keyspace;
pub mod lesson;
pub mod msg;
pub mod node;
pub mod rdb;
pub mod repl_wire;
pub mod resp;
pub mod sim;
pub mod slot;
pub mod sorted;
pub mod time;
pub mod trace_file;
pub mod tutorial;

pub use config::Config;
pub use event::Event;
pub use id::NodeId;
pub use slot::{key_slot, SlotSet};
pub use time::Time;
