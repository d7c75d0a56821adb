//! Pub/sub commands (pubsub.c), PUBSUB's subcommands included.
//! One line per command: name, arity, flags, keys (first, last, step),
//! ACL categories, handler, propagation.

use super::flags::*;
use super::Run::*;
use super::{command, subcommand, CommandSpec};
use crate::command::pubsub;

#[rustfmt::skip]
pub(super) const COMMANDS: &[CommandSpec] = &[
    command!("psubscribe", -2, PUBSUB | NOSCRIPT | LOADING | STALE | SUBSCRIBE_OK, (0, 0, 0), ["@pubsub", "@slow"], Session(pubsub::psubscribe), No),
    command!("publish", 3, PUBSUB | LOADING | STALE | FAST | MAY_REPLICATE, (0, 0, 0), ["@pubsub", "@fast"], Session(pubsub::publish), No),
    command!("pubsub", -2, 0, (0, 0, 0), ["@slow"], Container, No, PUBSUB_SUBCOMMANDS),
    command!("punsubscribe", -1, PUBSUB | NOSCRIPT | LOADING | STALE | SUBSCRIBE_OK, (0, 0, 0), ["@pubsub", "@slow"], Session(pubsub::punsubscribe), No),
    command!("spublish", 3, PUBSUB | LOADING | STALE | FAST | MAY_REPLICATE, (1, 1, 1), ["@pubsub", "@fast"], Session(pubsub::spublish), No),
    command!("ssubscribe", -2, PUBSUB | NOSCRIPT | LOADING | STALE | SUBSCRIBE_OK, (1, -1, 1), ["@pubsub", "@slow"], Session(pubsub::ssubscribe), No),
    command!("subscribe", -2, PUBSUB | NOSCRIPT | LOADING | STALE | SUBSCRIBE_OK, (0, 0, 0), ["@pubsub", "@slow"], Session(pubsub::subscribe), No),
    command!("sunsubscribe", -1, PUBSUB | NOSCRIPT | LOADING | STALE | SUBSCRIBE_OK, (1, -1, 1), ["@pubsub", "@slow"], Session(pubsub::sunsubscribe), No),
    command!("unsubscribe", -1, PUBSUB | NOSCRIPT | LOADING | STALE | SUBSCRIBE_OK, (0, 0, 0), ["@pubsub", "@slow"], Session(pubsub::unsubscribe), No),
];

/// PUBSUB's subcommands, sorted by name.
#[rustfmt::skip]
const PUBSUB_SUBCOMMANDS: &[CommandSpec] = &[
    subcommand!("channels", -2, Session(pubsub::channels)),
    subcommand!("help", 2, Session(pubsub::help)),
    subcommand!("numpat", 2, Session(pubsub::numpat)),
    subcommand!("numsub", -2, Session(pubsub::numsub)),
    subcommand!("shardchannels", -2, Session(pubsub::shardchannels)),
    subcommand!("shardnumsub", -2, Session(pubsub::shardnumsub)),
];
