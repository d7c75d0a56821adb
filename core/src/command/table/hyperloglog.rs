//! HyperLogLog commands (hyperloglog.c).
//! One line per command: name, arity, flags, keys (first, last, step),
//! ACL categories, handler, propagation.

use super::flags::*;
use super::Run::*;
use super::{command, CommandSpec};
use crate::command::hyperloglog;

#[rustfmt::skip]
pub(super) const COMMANDS: &[CommandSpec] = &[
    command!("pfadd", -2, WRITE | DENYOOM | FAST, (1, 1, 1), ["@write", "@hyperloglog", "@fast"], Reply(hyperloglog::pfadd), UnlessZero),
    command!("pfcount", -2, READONLY | MAY_REPLICATE, (1, -1, 1), ["@read", "@hyperloglog", "@slow"], Reply(hyperloglog::pfcount), Itself),
    command!("pfdebug", 3, WRITE | DENYOOM | ADMIN, (2, 2, 1), ["@write", "@hyperloglog", "@admin", "@slow", "@dangerous"], Reply(hyperloglog::pfdebug), Itself),
    command!("pfmerge", -2, WRITE | DENYOOM, (1, -1, 1), ["@write", "@hyperloglog", "@slow"], Reply(hyperloglog::pfmerge), AsIs),
    command!("pfselftest", 1, ADMIN, (0, 0, 0), ["@hyperloglog", "@admin", "@slow", "@dangerous"], Reply(hyperloglog::pfselftest), No),
];
