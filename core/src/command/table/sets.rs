//! Set commands (t_set.c).
//! One line per command: name, arity, flags, keys (first, last, step),
//! ACL categories, handler, propagation.

use super::flags::*;
use super::Run::*;
use super::{command, CommandSpec};
use crate::command::{collections, sets};

#[rustfmt::skip]
pub(super) const COMMANDS: &[CommandSpec] = &[
    command!("sadd", -3, WRITE | DENYOOM | FAST, (1, 1, 1), ["@write", "@set", "@fast"], Reply(collections::sadd), UnlessZero),
    command!("scard", 2, READONLY | FAST, (1, 1, 1), ["@read", "@set", "@fast"], Reply(sets::scard), No),
    command!("sdiffstore", -3, WRITE | DENYOOM, (1, -1, 1), ["@write", "@set", "@slow"], Reply(sets::sdiffstore), AsIs),
    command!("sinterstore", -3, WRITE | DENYOOM, (1, -1, 1), ["@write", "@set", "@slow"], Reply(sets::sinterstore), AsIs),
    command!("sismember", 3, READONLY | FAST, (1, 1, 1), ["@read", "@set", "@fast"], Reply(sets::sismember), No),
    command!("smove", 4, WRITE | FAST, (1, 2, 1), ["@write", "@set", "@fast"], Reply(sets::smove), UnlessZero),
    command!("spop", -2, WRITE | FAST, (1, 1, 1), ["@write", "@set", "@fast"], Reply(collections::spop), Itself),
    command!("srem", -3, WRITE | FAST, (1, 1, 1), ["@write", "@set", "@fast"], Reply(collections::srem), UnlessZero),
    command!("sunionstore", -3, WRITE | DENYOOM, (1, -1, 1), ["@write", "@set", "@slow"], Reply(sets::sunionstore), AsIs),
];
