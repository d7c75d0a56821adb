//! Hash commands (t_hash.c).
//! One line per command: name, arity, flags, keys (first, last, step),
//! ACL categories, handler, propagation.

use super::flags::*;
use super::Run::*;
use super::{command, CommandSpec};
use crate::command::{collections, hashes};

#[rustfmt::skip]
pub(super) const COMMANDS: &[CommandSpec] = &[
    command!("hdel", -3, WRITE | FAST, (1, 1, 1), ["@write", "@hash", "@fast"], Reply(hashes::hdel), UnlessZero),
    command!("hexists", 3, READONLY | FAST, (1, 1, 1), ["@read", "@hash", "@fast"], Reply(hashes::hexists), No),
    command!("hget", 3, READONLY | FAST, (1, 1, 1), ["@read", "@hash", "@fast"], Reply(collections::hget), No),
    command!("hgetall", 2, READONLY, (1, 1, 1), ["@read", "@hash", "@slow"], Reply(hashes::hgetall), No),
    command!("hincrby", 4, WRITE | DENYOOM | FAST, (1, 1, 1), ["@write", "@hash", "@fast"], Reply(hashes::hincrby), AsIs),
    command!("hincrbyfloat", 4, WRITE | DENYOOM | FAST, (1, 1, 1), ["@write", "@hash", "@fast"], Reply(hashes::hincrbyfloat), Itself),
    command!("hkeys", 2, READONLY, (1, 1, 1), ["@read", "@hash", "@slow"], Reply(hashes::hkeys), No),
    command!("hlen", 2, READONLY | FAST, (1, 1, 1), ["@read", "@hash", "@fast"], Reply(hashes::hlen), No),
    command!("hmget", -3, READONLY | FAST, (1, 1, 1), ["@read", "@hash", "@fast"], Reply(hashes::hmget), No),
    command!("hmset", -4, WRITE | DENYOOM | FAST, (1, 1, 1), ["@write", "@hash", "@fast"], Reply(hashes::hmset), AsIs),
    command!("hrandfield", -2, READONLY, (1, 1, 1), ["@read", "@hash", "@slow"], Reply(hashes::hrandfield), No),
    command!("hscan", -3, READONLY, (1, 1, 1), ["@read", "@hash", "@slow"], Reply(hashes::hscan), No),
    command!("hset", -4, WRITE | DENYOOM | FAST, (1, 1, 1), ["@write", "@hash", "@fast"], Reply(collections::hset), AsIs),
    command!("hsetnx", 4, WRITE | DENYOOM | FAST, (1, 1, 1), ["@write", "@hash", "@fast"], Reply(hashes::hsetnx), UnlessZero),
    command!("hstrlen", 3, READONLY | FAST, (1, 1, 1), ["@read", "@hash", "@fast"], Reply(hashes::hstrlen), No),
    command!("hvals", 2, READONLY, (1, 1, 1), ["@read", "@hash", "@slow"], Reply(hashes::hvals), No),
];
