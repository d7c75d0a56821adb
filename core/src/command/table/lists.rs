//! List commands (t_list.c).
//! One line per command: name, arity, flags, keys (first, last, step),
//! ACL categories, handler, propagation.

use super::flags::*;
use super::Run::*;
use super::{blmpop_keys, numkeys_keys};
use super::{command, CommandSpec};
use crate::command::{blocking, collections, lists};

#[rustfmt::skip]
pub(super) const COMMANDS: &[CommandSpec] = &[
    command!("blmove", 6, WRITE | DENYOOM | NOSCRIPT | BLOCKING, (1, 2, 1), ["@write", "@list", "@slow", "@blocking"], Outcome(blocking::blmove), Itself),
    command!("blmpop", -5, WRITE | BLOCKING | MOVABLEKEYS, (0, 0, 0, blmpop_keys), ["@write", "@list", "@slow", "@blocking"], Outcome(blocking::blmpop), Itself),
    command!("blpop", -3, WRITE | NOSCRIPT | BLOCKING, (1, -2, 1), ["@write", "@list", "@slow", "@blocking"], Outcome(blocking::blpop), Itself),
    command!("brpop", -3, WRITE | NOSCRIPT | BLOCKING, (1, -2, 1), ["@write", "@list", "@slow", "@blocking"], Outcome(blocking::brpop), Itself),
    command!("brpoplpush", 4, WRITE | DENYOOM | NOSCRIPT | BLOCKING, (1, 2, 1), ["@write", "@list", "@slow", "@blocking"], Outcome(blocking::brpoplpush), Itself),
    command!("lindex", 3, READONLY, (1, 1, 1), ["@read", "@list", "@slow"], Reply(lists::lindex), No),
    command!("linsert", 5, WRITE | DENYOOM, (1, 1, 1), ["@write", "@list", "@slow"], Reply(lists::linsert), UnlessNoPivot),
    command!("llen", 2, READONLY | FAST, (1, 1, 1), ["@read", "@list", "@fast"], Reply(lists::llen), No),
    command!("lmove", 5, WRITE | DENYOOM, (1, 2, 1), ["@write", "@list", "@slow"], Reply(lists::lmove), AsIs),
    command!("lmpop", -4, WRITE | MOVABLEKEYS, (0, 0, 0, numkeys_keys), ["@write", "@list", "@slow"], Reply(blocking::lmpop), Itself),
    command!("lpop", -2, WRITE | FAST, (1, 1, 1), ["@write", "@list", "@fast"], Reply(collections::lpop), UnlessNil),
    command!("lpos", -3, READONLY, (1, 1, 1), ["@read", "@list", "@slow"], Reply(lists::lpos), No),
    command!("lpush", -3, WRITE | DENYOOM | FAST, (1, 1, 1), ["@write", "@list", "@fast"], Reply(collections::lpush), AsIs),
    command!("lpushx", -3, WRITE | DENYOOM | FAST, (1, 1, 1), ["@write", "@list", "@fast"], Reply(lists::lpushx), UnlessZero),
    command!("lrange", 4, READONLY, (1, 1, 1), ["@read", "@list", "@slow"], Reply(collections::lrange), No),
    command!("lrem", 4, WRITE, (1, 1, 1), ["@write", "@list", "@slow"], Reply(lists::lrem), UnlessZero),
    command!("lset", 4, WRITE | DENYOOM, (1, 1, 1), ["@write", "@list", "@slow"], Reply(lists::lset), AsIs),
    command!("ltrim", 4, WRITE, (1, 1, 1), ["@write", "@list", "@slow"], Reply(lists::ltrim), AsIs),
    command!("rpop", -2, WRITE | FAST, (1, 1, 1), ["@write", "@list", "@fast"], Reply(collections::rpop), UnlessNil),
    command!("rpoplpush", 3, WRITE | DENYOOM, (1, 2, 1), ["@write", "@list", "@slow"], Reply(lists::rpoplpush), AsIs),
    command!("rpush", -3, WRITE | DENYOOM | FAST, (1, 1, 1), ["@write", "@list", "@fast"], Reply(collections::rpush), AsIs),
    command!("rpushx", -3, WRITE | DENYOOM | FAST, (1, 1, 1), ["@write", "@list", "@fast"], Reply(lists::rpushx), UnlessZero),
];
