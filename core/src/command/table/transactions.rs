//! Transactions (multi.c).
//! One line per command: name, arity, flags, keys (first, last, step),
//! ACL categories, handler, propagation.

use super::flags::*;
use super::Run::*;
use super::{command, CommandSpec};
use crate::command::multi;

#[rustfmt::skip]
pub(super) const COMMANDS: &[CommandSpec] = &[
    command!("discard", 1, NOSCRIPT | LOADING | STALE | FAST | ALLOW_BUSY, (0, 0, 0), ["@fast", "@transaction"], Outcome(multi::discard), No),
    command!("exec", 1, NOSCRIPT | LOADING | STALE | SKIP_SLOWLOG, (0, 0, 0), ["@slow", "@transaction"], Outcome(multi::exec), No),
    command!("multi", 1, NOSCRIPT | LOADING | STALE | FAST | ALLOW_BUSY, (0, 0, 0), ["@fast", "@transaction"], Outcome(multi::multi), No),
    command!("unwatch", 1, NOSCRIPT | LOADING | STALE | FAST | ALLOW_BUSY, (0, 0, 0), ["@fast", "@transaction"], Outcome(multi::unwatch), No),
    command!("watch", -2, NOSCRIPT | LOADING | STALE | FAST | ALLOW_BUSY, (1, -1, 1), ["@fast", "@transaction"], Outcome(multi::watch), No),
];
