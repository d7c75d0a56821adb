//! Sorted-set commands (t_zset.c).
//! One line per command: name, arity, flags, keys (first, last, step),
//! ACL categories, handler, propagation.

use super::flags::*;
use super::Run::*;
use super::{blmpop_keys, numkeys_keys, zstore_keys};
use super::{command, CommandSpec};
use crate::command::{blocking, collections, sets, zpick, zsetops, zsets};

#[rustfmt::skip]
pub(super) const COMMANDS: &[CommandSpec] = &[
    command!("bzmpop", -5, WRITE | BLOCKING | MOVABLEKEYS, (0, 0, 0, blmpop_keys), ["@write", "@sortedset", "@slow", "@blocking"], Outcome(blocking::bzmpop), Itself),
    command!("bzpopmax", -3, WRITE | NOSCRIPT | BLOCKING | FAST, (1, -2, 1), ["@write", "@sortedset", "@fast", "@blocking"], Outcome(blocking::bzpopmax), Itself),
    command!("bzpopmin", -3, WRITE | NOSCRIPT | BLOCKING | FAST, (1, -2, 1), ["@write", "@sortedset", "@fast", "@blocking"], Outcome(blocking::bzpopmin), Itself),
    command!("zadd", -4, WRITE | DENYOOM | FAST, (1, 1, 1), ["@write", "@sortedset", "@fast"], Reply(collections::zadd), Itself),
    command!("zcard", 2, READONLY | FAST, (1, 1, 1), ["@read", "@sortedset", "@fast"], Reply(sets::zcard), No),
    command!("zcount", 4, READONLY | FAST, (1, 1, 1), ["@read", "@sortedset", "@fast"], Reply(zsets::zcount), No),
    command!("zdiff", -3, READONLY | MOVABLEKEYS, (0, 0, 0, numkeys_keys), ["@read", "@sortedset", "@slow"], Reply(zsetops::zdiff), No),
    command!("zdiffstore", -4, WRITE | DENYOOM | MOVABLEKEYS, (1, 1, 1, zstore_keys), ["@write", "@sortedset", "@slow"], Reply(zsetops::zdiffstore), Itself),
    command!("zincrby", 4, WRITE | DENYOOM | FAST, (1, 1, 1), ["@write", "@sortedset", "@fast"], Reply(sets::zincrby), AsIs),
    command!("zinter", -3, READONLY | MOVABLEKEYS, (0, 0, 0, numkeys_keys), ["@read", "@sortedset", "@slow"], Reply(zsetops::zinter), No),
    command!("zintercard", -3, READONLY | MOVABLEKEYS, (0, 0, 0, numkeys_keys), ["@read", "@sortedset", "@slow"], Reply(zsetops::zintercard), No),
    command!("zinterstore", -4, WRITE | DENYOOM | MOVABLEKEYS, (1, 1, 1, zstore_keys), ["@write", "@sortedset", "@slow"], Reply(zsetops::zinterstore), Itself),
    command!("zlexcount", 4, READONLY | FAST, (1, 1, 1), ["@read", "@sortedset", "@fast"], Reply(zsets::zlexcount), No),
    command!("zmpop", -4, WRITE | MOVABLEKEYS, (0, 0, 0, numkeys_keys), ["@write", "@sortedset", "@slow"], Reply(zpick::zmpop), Itself),
    command!("zmscore", -3, READONLY | FAST, (1, 1, 1), ["@read", "@sortedset", "@fast"], Reply(zsets::zmscore), No),
    command!("zpopmax", -2, WRITE | FAST, (1, 1, 1), ["@write", "@sortedset", "@fast"], Reply(collections::zpopmax), UnlessEmptyReply),
    command!("zpopmin", -2, WRITE | FAST, (1, 1, 1), ["@write", "@sortedset", "@fast"], Reply(collections::zpopmin), UnlessEmptyReply),
    command!("zrandmember", -2, READONLY, (1, 1, 1), ["@read", "@sortedset", "@slow"], Reply(zpick::zrandmember), No),
    command!("zrange", -4, READONLY, (1, 1, 1), ["@read", "@sortedset", "@slow"], Reply(zsets::zrange), No),
    command!("zrangebylex", -4, READONLY, (1, 1, 1), ["@read", "@sortedset", "@slow"], Reply(zsets::zrangebylex), No),
    command!("zrangebyscore", -4, READONLY, (1, 1, 1), ["@read", "@sortedset", "@slow"], Reply(zsets::zrangebyscore), No),
    command!("zrangestore", -5, WRITE | DENYOOM, (1, 2, 1), ["@write", "@sortedset", "@slow"], Reply(zsets::zrangestore), Itself),
    command!("zrank", 3, READONLY | FAST, (1, 1, 1), ["@read", "@sortedset", "@fast"], Reply(zsets::zrank), No),
    command!("zrem", -3, WRITE | FAST, (1, 1, 1), ["@write", "@sortedset", "@fast"], Reply(sets::zrem), UnlessZero),
    command!("zremrangebylex", 4, WRITE, (1, 1, 1), ["@write", "@sortedset", "@slow"], Reply(sets::zremrangebylex), UnlessZero),
    command!("zremrangebyrank", 4, WRITE, (1, 1, 1), ["@write", "@sortedset", "@slow"], Reply(sets::zremrangebyrank), UnlessZero),
    command!("zremrangebyscore", 4, WRITE, (1, 1, 1), ["@write", "@sortedset", "@slow"], Reply(sets::zremrangebyscore), UnlessZero),
    command!("zrevrange", -4, READONLY, (1, 1, 1), ["@read", "@sortedset", "@slow"], Reply(zsets::zrevrange), No),
    command!("zrevrangebylex", -4, READONLY, (1, 1, 1), ["@read", "@sortedset", "@slow"], Reply(zsets::zrevrangebylex), No),
    command!("zrevrangebyscore", -4, READONLY, (1, 1, 1), ["@read", "@sortedset", "@slow"], Reply(zsets::zrevrangebyscore), No),
    command!("zrevrank", 3, READONLY | FAST, (1, 1, 1), ["@read", "@sortedset", "@fast"], Reply(zsets::zrevrank), No),
    command!("zscan", -3, READONLY, (1, 1, 1), ["@read", "@sortedset", "@slow"], Reply(zpick::zscan), No),
    command!("zscore", 3, READONLY | FAST, (1, 1, 1), ["@read", "@sortedset", "@fast"], Reply(sets::zscore), No),
    command!("zunion", -3, READONLY | MOVABLEKEYS, (0, 0, 0, numkeys_keys), ["@read", "@sortedset", "@slow"], Reply(zsetops::zunion), No),
    command!("zunionstore", -4, WRITE | DENYOOM | MOVABLEKEYS, (1, 1, 1, zstore_keys), ["@write", "@sortedset", "@slow"], Reply(zsetops::zunionstore), Itself),
];
