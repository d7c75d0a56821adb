//! Connection commands (networking.c, server.c), CLIENT's subcommands included.
//! One line per command: name, arity, flags, keys (first, last, step),
//! ACL categories, handler, propagation.

use super::flags::*;
use super::Run::*;
use super::{command, subcommand, CommandSpec};
use crate::command::{client_admin, server, tracking};

#[rustfmt::skip]
pub(super) const COMMANDS: &[CommandSpec] = &[
    command!("asking", 1, FAST, (0, 0, 0), ["@fast", "@connection"], Reply(server::asking), No),
    command!("auth", -2, NOSCRIPT | LOADING | STALE | FAST | NO_AUTH | ALLOW_BUSY, (0, 0, 0), ["@fast", "@connection"], Reply(server::auth), No),
    command!("client", -2, NOSCRIPT | LOADING | STALE, (0, 0, 0), ["@slow", "@connection"], Container, No, CLIENT_SUBCOMMANDS),
    command!("echo", 2, LOADING | STALE | FAST, (0, 0, 0), ["@fast", "@connection"], Reply(server::echo), No),
    command!("hello", -1, NOSCRIPT | LOADING | STALE | FAST | NO_AUTH | ALLOW_BUSY, (0, 0, 0), ["@fast", "@connection"], Reply(server::hello), No),
    command!("ping", -1, FAST | SUBSCRIBE_OK, (0, 0, 0), ["@fast", "@connection"], Reply(server::ping), No),
    command!("quit", -1, NOSCRIPT | LOADING | STALE | FAST | NO_AUTH | ALLOW_BUSY | SUBSCRIBE_OK, (0, 0, 0), ["@fast", "@connection"], Reply(server::quit), No),
    command!("readonly", 1, LOADING | STALE | FAST, (0, 0, 0), ["@fast", "@connection"], Reply(server::readonly), No),
    command!("readwrite", 1, LOADING | STALE | FAST, (0, 0, 0), ["@fast", "@connection"], Reply(server::readwrite), No),
    command!("reset", 1, NOSCRIPT | LOADING | STALE | FAST | NO_AUTH | SUBSCRIBE_OK | ALLOW_BUSY, (0, 0, 0), ["@fast", "@connection"], Reply(client_admin::reset), No),
    command!("select", 2, LOADING | STALE | FAST, (0, 0, 0), ["@fast", "@connection"], Reply(server::select), No),
];

/// CLIENT's subcommands, sorted by name.
#[rustfmt::skip]
const CLIENT_SUBCOMMANDS: &[CommandSpec] = &[
    subcommand!("caching", 3, Reply(tracking::caching)),
    subcommand!("getname", 2, Reply(server::client::getname)),
    subcommand!("getredir", 2, Reply(tracking::getredir)),
    subcommand!("help", 2, Reply(client_admin::help)),
    subcommand!("id", 2, Reply(server::client::id)),
    subcommand!("info", 2, Reply(client_admin::info)),
    subcommand!("kill", -3, Reply(client_admin::kill)),
    subcommand!("list", -2, Reply(client_admin::list)),
    subcommand!("no-evict", 3, Reply(client_admin::no_evict)),
    subcommand!("pause", -3, Reply(client_admin::pause)),
    subcommand!("reply", 3, Reply(client_admin::reply)),
    subcommand!("setname", 3, Reply(server::client::setname)),
    subcommand!("tracking", -3, Reply(tracking::tracking)),
    subcommand!("trackinginfo", 2, Reply(tracking::trackinginfo)),
    subcommand!("unblock", -3, Reply(server::client::unblock)),
    subcommand!("unpause", 2, Reply(client_admin::unpause)),
];
