//! String commands (t_string.c, and LCS).
//! One line per command: name, arity, flags, keys (first, last, step),
//! ACL categories, handler, propagation.

use super::flags::*;
use super::Run::*;
use super::{command, CommandSpec};
use crate::command::{lcs, strings};

#[rustfmt::skip]
pub(super) const COMMANDS: &[CommandSpec] = &[
    command!("append", 3, WRITE | DENYOOM | FAST, (1, 1, 1), ["@write", "@string", "@fast"], Reply(strings::append), AsIs),
    command!("decr", 2, WRITE | DENYOOM | FAST, (1, 1, 1), ["@write", "@string", "@fast"], Reply(strings::decr), AsIs),
    command!("decrby", 3, WRITE | DENYOOM | FAST, (1, 1, 1), ["@write", "@string", "@fast"], Reply(strings::decrby), AsIs),
    command!("get", 2, READONLY | FAST, (1, 1, 1), ["@read", "@string", "@fast"], Reply(strings::get), No),
    command!("getdel", 2, WRITE | FAST, (1, 1, 1), ["@write", "@string", "@fast"], Reply(strings::getdel), Itself),
    command!("getex", -2, WRITE | FAST, (1, 1, 1), ["@write", "@string", "@fast"], Reply(strings::getex), Itself),
    command!("getrange", 4, READONLY, (1, 1, 1), ["@read", "@string", "@slow"], Reply(strings::getrange), No),
    command!("getset", 3, WRITE | DENYOOM | FAST, (1, 1, 1), ["@write", "@string", "@fast"], Reply(strings::getset), Itself),
    command!("incr", 2, WRITE | DENYOOM | FAST, (1, 1, 1), ["@write", "@string", "@fast"], Reply(strings::incr), AsIs),
    command!("incrby", 3, WRITE | DENYOOM | FAST, (1, 1, 1), ["@write", "@string", "@fast"], Reply(strings::incrby), AsIs),
    command!("incrbyfloat", 3, WRITE | DENYOOM | FAST, (1, 1, 1), ["@write", "@string", "@fast"], Reply(strings::incrbyfloat), Itself),
    command!("lcs", -3, READONLY, (1, 2, 1), ["@read", "@string", "@slow"], Reply(lcs::lcs), No),
    command!("mget", -2, READONLY | FAST, (1, -1, 1), ["@read", "@string", "@fast"], Reply(strings::mget), No),
    command!("mset", -3, WRITE | DENYOOM, (1, -1, 2), ["@write", "@string", "@slow"], Reply(strings::mset), AsIs),
    command!("msetnx", -3, WRITE | DENYOOM, (1, -1, 2), ["@write", "@string", "@slow"], Reply(strings::msetnx), UnlessZero),
    command!("psetex", 4, WRITE | DENYOOM, (1, 1, 1), ["@write", "@string", "@slow"], Reply(strings::psetex), Itself),
    command!("set", -3, WRITE | DENYOOM, (1, 1, 1), ["@write", "@string", "@slow"], Reply(strings::set), Itself),
    command!("setex", 4, WRITE | DENYOOM, (1, 1, 1), ["@write", "@string", "@slow"], Reply(strings::setex), Itself),
    command!("setnx", 3, WRITE | DENYOOM | FAST, (1, 1, 1), ["@write", "@string", "@fast"], Reply(strings::setnx), UnlessZero),
    command!("setrange", 4, WRITE | DENYOOM, (1, 1, 1), ["@write", "@string", "@slow"], Reply(strings::setrange), UnlessEmptyValue),
    command!("strlen", 2, READONLY | FAST, (1, 1, 1), ["@read", "@string", "@fast"], Reply(strings::strlen), No),
    command!("substr", 4, READONLY, (1, 1, 1), ["@read", "@string", "@slow"], Reply(strings::getrange), No),
];
