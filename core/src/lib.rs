//! clusterlab-core: Redis Cluster's real rules as a pure, IO-free state machine,
//! and a deterministic simulator that drives it.
//!
//! The same [`node::Node`] runs inside the simulator (tests, lessons, CLI, web
//! app) and inside the native node binary, so there is exactly one
//! implementation of every rule. See `DESIGN.md` in the shared notes.

pub mod client;
pub mod command;
pub mod config;
pub mod dump;
pub mod event;
pub mod experiment;
pub mod flags;
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
pub mod time;
pub mod trace_file;

pub use config::Config;
pub use event::Event;
pub use id::NodeId;
pub use slot::{key_slot, SlotSet};
pub use time::Time;
