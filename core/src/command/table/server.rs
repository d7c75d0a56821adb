//! Server commands (server.c, config.c, replication.c, module.c, lolwut.c), the
//! subcommands of COMMAND, CONFIG, MODULE… included.
//! One line per command: name, arity, flags, keys (first, last, step),
//! ACL categories, handler, propagation.

use super::flags::*;
use super::Run::*;
use super::{command, subcommand, CommandSpec};
use crate::command::{
    acl, config, debug, latency_histogram, lolwut, memory, memory_stats, modules, monitor_feed,
    monitors, persist, replication, server, standalone_only,
};

#[rustfmt::skip]
pub(super) const COMMANDS: &[CommandSpec] = &[
    command!("acl", -2, NOSCRIPT | LOADING | STALE, (0, 0, 0), ["@slow"], Container, No, ACL_SUBCOMMANDS),
    command!("bgrewriteaof", 1, ADMIN | NOSCRIPT | NO_ASYNC_LOADING, (0, 0, 0), ["@admin", "@slow", "@dangerous"], Reply(persist::bgrewriteaof), No),
    command!("bgsave", -1, ADMIN | NOSCRIPT | NO_ASYNC_LOADING, (0, 0, 0), ["@admin", "@slow", "@dangerous"], Reply(persist::bgsave), No),
    command!("command", -1, LOADING | STALE, (0, 0, 0), ["@slow", "@connection"], Reply(server::command), No, COMMAND_SUBCOMMANDS),
    command!("config", -2, ADMIN | NOSCRIPT | LOADING | STALE, (0, 0, 0), ["@admin", "@slow", "@dangerous"], Container, No, CONFIG_SUBCOMMANDS),
    command!("debug", -2, ADMIN | NOSCRIPT | LOADING | STALE | PROTECTED, (0, 0, 0), ["@admin", "@slow", "@dangerous"], Outcome(debug::debug_command), No),
    command!("failover", -1, ADMIN | NOSCRIPT | STALE, (0, 0, 0), ["@admin", "@slow", "@dangerous"], Reply(standalone_only::failover), No),
    command!("info", -1, LOADING | STALE, (0, 0, 0), ["@slow", "@dangerous"], Reply(server::info), No),
    command!("lastsave", 1, LOADING | STALE | FAST, (0, 0, 0), ["@admin", "@fast", "@dangerous"], Reply(persist::lastsave), No),
    command!("latency", -2, 0, (0, 0, 0), ["@slow"], Container, No, LATENCY_SUBCOMMANDS),
    command!("lolwut", -1, READONLY | FAST, (0, 0, 0), ["@read", "@fast"], Reply(lolwut::lolwut), No),
    command!("memory", -2, 0, (0, 0, 0), ["@slow"], Container, No, MEMORY_SUBCOMMANDS),
    command!("module", -2, 0, (0, 0, 0), ["@slow"], Container, No, MODULE_SUBCOMMANDS),
    command!("monitor", 1, ADMIN | NOSCRIPT | LOADING | STALE, (0, 0, 0), ["@admin", "@slow", "@dangerous"], Outcome(monitor_feed::monitor), No),
    command!("psync", -3, ADMIN | NOSCRIPT | NO_ASYNC_LOADING | NO_MULTI, (0, 0, 0), ["@admin", "@slow", "@dangerous"], Outcome(replication::sync), No),
    command!("replconf", -1, ADMIN | NOSCRIPT | LOADING | STALE | ALLOW_BUSY, (0, 0, 0), ["@admin", "@slow", "@dangerous"], Outcome(replication::replconf), No),
    command!("replicaof", 3, ADMIN | NOSCRIPT | STALE | NO_ASYNC_LOADING, (0, 0, 0), ["@admin", "@slow", "@dangerous"], Reply(standalone_only::replicaof), No),
    command!("role", 1, NOSCRIPT | LOADING | STALE | FAST, (0, 0, 0), ["@admin", "@fast", "@dangerous"], Reply(server::role), No),
    command!("save", 1, ADMIN | NOSCRIPT | NO_ASYNC_LOADING | NO_MULTI, (0, 0, 0), ["@admin", "@slow", "@dangerous"], Outcome(persist::save), No),
    command!("shutdown", -1, ADMIN | NOSCRIPT | LOADING | STALE | NO_MULTI | ALLOW_BUSY, (0, 0, 0), ["@admin", "@slow", "@dangerous"], Outcome(persist::shutdown), No),
    command!("slaveof", 3, ADMIN | NOSCRIPT | STALE | NO_ASYNC_LOADING, (0, 0, 0), ["@admin", "@slow", "@dangerous"], Reply(standalone_only::replicaof), No),
    command!("slowlog", -2, 0, (0, 0, 0), ["@slow"], Container, No, SLOWLOG_SUBCOMMANDS),
    command!("swapdb", 3, WRITE | FAST, (0, 0, 0), ["@keyspace", "@write", "@fast", "@dangerous"], Reply(standalone_only::swapdb), Itself),
    command!("sync", 1, ADMIN | NOSCRIPT | NO_ASYNC_LOADING | NO_MULTI, (0, 0, 0), ["@admin", "@slow", "@dangerous"], Outcome(replication::sync), No),
    command!("time", 1, LOADING | STALE | FAST, (0, 0, 0), ["@fast"], Reply(server::time), No),
    command!("wait", 3, NOSCRIPT, (0, 0, 0), ["@slow", "@connection"], Outcome(server::wait), No),
];

/// COMMAND's subcommands, sorted by name.
#[rustfmt::skip]
const COMMAND_SUBCOMMANDS: &[CommandSpec] = &[
    subcommand!("count", 2, Reply(server::command::count)),
    subcommand!("docs", -2, Reply(server::command::docs)),
    subcommand!("getkeys", -4, Reply(server::command::getkeys)),
    subcommand!("getkeysandflags", -4, Reply(server::command::getkeysandflags)),
    subcommand!("help", 2, Reply(server::command::help)),
    subcommand!("info", -2, Reply(server::command::info)),
    subcommand!("list", -2, Reply(server::command::list)),
];

/// ACL's subcommands, sorted by name.
#[rustfmt::skip]
const ACL_SUBCOMMANDS: &[CommandSpec] = &[
    subcommand!("cat", -2, Reply(acl::cat)),
    subcommand!("deluser", -3, Reply(acl::deluser)),
    subcommand!("dryrun", -4, Reply(acl::dryrun)),
    subcommand!("genpass", -2, Reply(acl::genpass)),
    subcommand!("getuser", 3, Reply(acl::getuser)),
    subcommand!("help", 2, Reply(acl::help)),
    subcommand!("list", 2, Reply(acl::list)),
    subcommand!("load", 2, Outcome(acl::load)),
    subcommand!("log", -2, Reply(acl::log)),
    subcommand!("save", 2, Outcome(acl::save)),
    subcommand!("setuser", -3, Reply(acl::setuser)),
    subcommand!("users", 2, Reply(acl::users)),
    subcommand!("whoami", 2, Reply(acl::whoami)),
];

/// CONFIG's subcommands, sorted by name.
#[rustfmt::skip]
const CONFIG_SUBCOMMANDS: &[CommandSpec] = &[
    subcommand!("get", -3, Reply(config::get)),
    subcommand!("resetstat", 2, Reply(config::resetstat)),
    subcommand!("rewrite", 2, Reply(config::rewrite)),
    subcommand!("set", -4, Reply(config::set)),
];

/// MODULE's subcommands, sorted by name: LOAD, LOADEX and UNLOAD are
/// protected (`enable-module-command`).
#[rustfmt::skip]
const MODULE_SUBCOMMANDS: &[CommandSpec] = &[
    subcommand!("help", 2, Reply(modules::help)),
    subcommand!("list", 2, Reply(modules::list)),
    command!("load", -3, ADMIN | NOSCRIPT | NO_ASYNC_LOADING | PROTECTED, (0, 0, 0), ["@admin", "@slow", "@dangerous"], Reply(modules::load), No),
    command!("loadex", -3, ADMIN | NOSCRIPT | NO_ASYNC_LOADING | PROTECTED, (0, 0, 0), ["@admin", "@slow", "@dangerous"], Reply(modules::load), No),
    command!("unload", 3, ADMIN | NOSCRIPT | NO_ASYNC_LOADING | PROTECTED, (0, 0, 0), ["@admin", "@slow", "@dangerous"], Reply(modules::unload), No),
];

/// MEMORY's subcommands, sorted by name.
#[rustfmt::skip]
const MEMORY_SUBCOMMANDS: &[CommandSpec] = &[
    subcommand!("doctor", 2, Reply(memory_stats::doctor)),
    subcommand!("help", 2, Reply(memory::help)),
    subcommand!("malloc-stats", 2, Reply(memory_stats::malloc_stats)),
    subcommand!("purge", 2, Reply(memory_stats::purge)),
    subcommand!("stats", 2, Reply(memory_stats::stats)),
    command!("usage", -3, READONLY, (2, 2, 1), ["@read", "@slow"], Reply(memory::usage), No),
];

/// LATENCY's subcommands, sorted by name.
#[rustfmt::skip]
const LATENCY_SUBCOMMANDS: &[CommandSpec] = &[
    subcommand!("doctor", 2, Reply(monitors::latency_doctor)),
    subcommand!("graph", 3, Reply(monitors::latency_graph)),
    subcommand!("help", 2, Reply(monitors::latency_help)),
    subcommand!("histogram", -2, Reply(latency_histogram::histogram)),
    subcommand!("history", 3, Reply(monitors::latency_history)),
    subcommand!("latest", 2, Reply(monitors::latency_latest)),
    subcommand!("reset", -2, Reply(monitors::latency_reset)),
];

/// SLOWLOG's subcommands, sorted by name.
#[rustfmt::skip]
const SLOWLOG_SUBCOMMANDS: &[CommandSpec] = &[
    subcommand!("get", -2, Reply(monitors::slowlog_get)),
    subcommand!("help", 2, Reply(monitors::slowlog_help)),
    subcommand!("len", 2, Reply(monitors::slowlog_len)),
    subcommand!("reset", 2, Reply(monitors::slowlog_reset)),
];
