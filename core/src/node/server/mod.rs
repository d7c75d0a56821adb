//! The server part of a node: the rules of Redis's server.c, db.c,
//! networking.c, replication.c and their neighbours, over the state in
//! [`Server`] (`redisServer`). Each file holds one concern, named after it:
//!
//! | file | concern (Redis) |
//! |---|---|
//! | `server_state` | the state itself (`redisServer`), rebuilt fresh on restart |
//! | `server_ctx` | what a command gets: the server part to change, the cluster part to read |
//! | `clients` | running a client's command (`processCommand`), per-client state, WATCH, writes postponed by a pause |
//! | `client_admin` | CLIENT LIST/KILL/PAUSE's side (`pauseClients`, networking.c) |
//! | `blocked` | clients blocked on keys or on WAIT (blocked.c, timeout.c) |
//! | `tracking` | client-side caching (tracking.c) |
//! | `pubsub` | subscribers and local delivery (pubsub.c `pubsubPublishMessage`) |
//! | `notify` | keyspace events published (notify.c) |
//! | `monitor_feed` | MONITOR's lines (`replicationFeedMonitors`) |
//! | `repl/` | replication: handshake, PSYNC, backlog, WAIT, the RDB child (replication.c) |
//! | `loading` | a replica loading a full resync's RDB slowly (`rdbLoad`) |
//! | `persist` | RDB, AOF, the save schedule, SHUTDOWN (rdb.c, aof.c) |
//! | `acl_file` | ACL SAVE / LOAD through disk jobs (acl.c) |
//! | `migrate` | the MIGRATE command's source side (`migrateCommand`) |
//! | `stats`, `histogram`, `slowlog` | INFO's counters, latency histograms, SLOWLOG and LATENCY |
//! | `debug`, `freeze` | DEBUG's switches, DEBUG SLEEP |
//!
//! This part serves the command layer (`crate::command`), and calls into
//! the cluster part only through methods on [`Node`](super::Node).

mod acl_file;
mod blocked;
mod client_admin;
mod clients;
pub mod debug;
mod freeze;
mod histogram;
mod loading;
mod migrate;
mod monitor_feed;
mod notify;
pub(super) mod persist;
mod pubsub;
pub(super) mod repl;
mod server_ctx;
mod server_state;
pub mod slowlog;
pub mod stats;
mod tracking;

pub use migrate::MigratePlan;
pub use persist::ShutdownFlags;
pub use pubsub::SubKind;
pub(super) use repl::replid_seed;
pub(crate) use repl::{history_id, SlaveState};
pub use repl::{is_repl_conn, ReplConf, SyncStats};
pub use server_ctx::ServerCtx;
pub(super) use server_state::Server;
pub(crate) use tracking::Current;
