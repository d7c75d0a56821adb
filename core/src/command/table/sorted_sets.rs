//! Sorted-set commands (t_zset.c).
//! One line per command: name, arity, flags, keys (first, last, step),
//! ACL categories, handler, propagation.

use super::flags::*;
use super::zstore_keys;
use super::Run::*;
use super::{command, CommandSpec};
use crate::command::{collections, sets};

#[rustfmt::skip]
pub(super) const COMMANDS: &[CommandSpec] = &[
    command!("zadd", -4, WRITE | DENYOOM | FAST, (1, 1, 1), ["@write", "@sortedset", "@fast"], Reply(collections::zadd), AsIs),
    command!("zcard", 2, READONLY | FAST, (1, 1, 1), ["@read", "@sortedset", "@fast"], Reply(sets::zcard), No),
    command!("zincrby", 4, WRITE | DENYOOM | FAST, (1, 1, 1), ["@write", "@sortedset", "@fast"], Reply(sets::zincrby), AsIs),
    command!("zinterstore", -4, WRITE | DENYOOM | MOVABLEKEYS, (1, 1, 1, zstore_keys), ["@write", "@sortedset", "@slow"], Reply(sets::zinterstore), AsIs),
    command!("zpopmax", -2, WRITE | FAST, (1, 1, 1), ["@write", "@sortedset", "@fast"], Reply(collections::zpopmax), UnlessEmptyReply),
    command!("zpopmin", -2, WRITE | FAST, (1, 1, 1), ["@write", "@sortedset", "@fast"], Reply(collections::zpopmin), UnlessEmptyReply),
    command!("zrem", -3, WRITE | FAST, (1, 1, 1), ["@write", "@sortedset", "@fast"], Reply(sets::zrem), UnlessZero),
    command!("zremrangebylex", 4, WRITE, (1, 1, 1), ["@write", "@sortedset", "@slow"], Reply(sets::zremrangebylex), UnlessZero),
    command!("zremrangebyrank", 4, WRITE, (1, 1, 1), ["@write", "@sortedset", "@slow"], Reply(sets::zremrangebyrank), UnlessZero),
    command!("zremrangebyscore", 4, WRITE, (1, 1, 1), ["@write", "@sortedset", "@slow"], Reply(sets::zremrangebyscore), UnlessZero),
    command!("zscore", 3, READONLY | FAST, (1, 1, 1), ["@read", "@sortedset", "@fast"], Reply(sets::zscore), No),
    command!("zunionstore", -4, WRITE | DENYOOM | MOVABLEKEYS, (1, 1, 1, zstore_keys), ["@write", "@sortedset", "@slow"], Reply(sets::zunionstore), AsIs),
];
