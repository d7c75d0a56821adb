//! Set commands (t_set.c).
//! One line per command: name, arity, flags, keys (first, last, step),
//! ACL categories, handler, propagation.

use super::flags::*;
use super::Run::*;
use super::{command, CommandSpec};
use crate::command::{collections, set_reads, sets};

#[rustfmt::skip]
pub(super) const COMMANDS: &[CommandSpec] = &[
    command!("sadd", -3, WRITE | DENYOOM | FAST, (1, 1, 1), ["@write", "@set", "@fast"], Reply(collections::sadd), UnlessZero),
    command!("scard", 2, READONLY | FAST, (1, 1, 1), ["@read", "@set", "@fast"], Reply(sets::scard), No),
    command!("sdiff", -2, READONLY, (1, -1, 1), ["@read", "@set", "@slow"], Reply(set_reads::sdiff), No),
    command!("sdiffstore", -3, WRITE | DENYOOM, (1, -1, 1), ["@write", "@set", "@slow"], Reply(sets::sdiffstore), AsIs),
    command!("sinter", -2, READONLY, (1, -1, 1), ["@read", "@set", "@slow"], Reply(set_reads::sinter), No),
    command!("sintercard", -3, READONLY | MOVABLEKEYS, (0, 0, 0, sintercard_keys), ["@read", "@set", "@slow"], Reply(set_reads::sintercard), No),
    command!("sinterstore", -3, WRITE | DENYOOM, (1, -1, 1), ["@write", "@set", "@slow"], Reply(sets::sinterstore), AsIs),
    command!("sismember", 3, READONLY | FAST, (1, 1, 1), ["@read", "@set", "@fast"], Reply(sets::sismember), No),
    command!("smembers", 2, READONLY, (1, 1, 1), ["@read", "@set", "@slow"], Reply(set_reads::smembers), No),
    command!("smismember", -3, READONLY | FAST, (1, 1, 1), ["@read", "@set", "@fast"], Reply(set_reads::smismember), No),
    command!("smove", 4, WRITE | FAST, (1, 2, 1), ["@write", "@set", "@fast"], Reply(sets::smove), UnlessZero),
    command!("spop", -2, WRITE | FAST, (1, 1, 1), ["@write", "@set", "@fast"], Reply(collections::spop), Itself),
    command!("srandmember", -2, READONLY, (1, 1, 1), ["@read", "@set", "@slow"], Reply(set_reads::srandmember), No),
    command!("srem", -3, WRITE | FAST, (1, 1, 1), ["@write", "@set", "@fast"], Reply(collections::srem), UnlessZero),
    command!("sscan", -3, READONLY, (1, 1, 1), ["@read", "@set", "@slow"], Reply(set_reads::sscan), No),
    command!("sunion", -2, READONLY, (1, -1, 1), ["@read", "@set", "@slow"], Reply(set_reads::sunion), No),
    command!("sunionstore", -3, WRITE | DENYOOM, (1, -1, 1), ["@write", "@set", "@slow"], Reply(sets::sunionstore), AsIs),
];

/// `SINTERCARD numkeys key…`: the keys `numkeys` announces (its key spec's
/// `keynum`); a count that is not a number or does not fit gives none
/// (the command then fails itself).
fn sintercard_keys(args: &[Vec<u8>]) -> Vec<usize> {
    match args.get(1).and_then(|n| crate::resp::parse_i64(n)) {
        Some(n) if n >= 1 && n as usize <= args.len() - 2 => (2..2 + n as usize).collect(),
        _ => Vec::new(),
    }
}
