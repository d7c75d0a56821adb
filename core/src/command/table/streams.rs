//! Stream commands (t_stream.c).
//! One line per command: name, arity, flags, keys (first, last, step),
//! ACL categories, handler, propagation.

use super::flags::*;
use super::Run::*;
use super::{command, subcommand, xread_keys, CommandSpec};
use crate::command::streams::{add, claim, groups, info, read};

#[rustfmt::skip]
pub(super) const COMMANDS: &[CommandSpec] = &[
    command!("xack", -4, WRITE | FAST, (1, 1, 1), ["@write", "@stream", "@fast"], Reply(groups::xack), UnlessZero),
    command!("xadd", -5, WRITE | DENYOOM | FAST, (1, 1, 1), ["@write", "@stream", "@fast"], Reply(add::xadd), Itself),
    command!("xautoclaim", -6, WRITE | FAST, (1, 1, 1), ["@write", "@stream", "@fast"], Reply(claim::xautoclaim), Itself),
    command!("xclaim", -6, WRITE | FAST, (1, 1, 1), ["@write", "@stream", "@fast"], Reply(claim::xclaim), Itself),
    command!("xdel", -3, WRITE | FAST, (1, 1, 1), ["@write", "@stream", "@fast"], Reply(add::xdel), UnlessZero),
    command!("xgroup", -2, 0, (0, 0, 0), ["@slow"], Container, No, XGROUP_SUBCOMMANDS),
    command!("xinfo", -2, 0, (0, 0, 0), ["@slow"], Container, No, XINFO_SUBCOMMANDS),
    command!("xlen", 2, READONLY | FAST, (1, 1, 1), ["@read", "@stream", "@fast"], Reply(add::xlen), No),
    command!("xpending", -3, READONLY, (1, 1, 1), ["@read", "@stream", "@slow"], Reply(claim::xpending), No),
    command!("xrange", -4, READONLY, (1, 1, 1), ["@read", "@stream", "@slow"], Reply(read::xrange), No),
    command!("xread", -4, READONLY | BLOCKING | MOVABLEKEYS, (0, 0, 0, xread_keys), ["@read", "@stream", "@slow", "@blocking"], Outcome(read::xread), No),
    command!("xreadgroup", -7, WRITE | BLOCKING | MOVABLEKEYS, (0, 0, 0, xread_keys), ["@write", "@stream", "@slow", "@blocking"], Outcome(read::xreadgroup), Itself),
    command!("xrevrange", -4, READONLY, (1, 1, 1), ["@read", "@stream", "@slow"], Reply(read::xrevrange), No),
    command!("xsetid", -3, WRITE | DENYOOM | FAST, (1, 1, 1), ["@write", "@stream", "@fast"], Reply(add::xsetid), AsIs),
    command!("xtrim", -4, WRITE, (1, 1, 1), ["@write", "@stream", "@slow"], Reply(add::xtrim), Itself),
];

/// XGROUP's subcommands, sorted by name: each carries its own flags and
/// key (the stream, at position 2), as 7.0's subcommand table does.
#[rustfmt::skip]
const XGROUP_SUBCOMMANDS: &[CommandSpec] = &[
    command!("create", -5, WRITE | DENYOOM, (2, 2, 1), ["@write", "@stream", "@slow"], Reply(groups::xgroup), AsIs),
    command!("createconsumer", 5, WRITE | DENYOOM, (2, 2, 1), ["@write", "@stream", "@slow"], Reply(groups::xgroup), UnlessZero),
    command!("delconsumer", 5, WRITE, (2, 2, 1), ["@write", "@stream", "@slow"], Reply(groups::xgroup), Itself),
    command!("destroy", 4, WRITE, (2, 2, 1), ["@write", "@stream", "@slow"], Reply(groups::xgroup), UnlessZero),
    subcommand!("help", 2, Reply(groups::xgroup_help)),
    command!("setid", -5, WRITE, (2, 2, 1), ["@write", "@stream", "@slow"], Reply(groups::xgroup), AsIs),
];

/// XINFO's subcommands, sorted by name.
#[rustfmt::skip]
const XINFO_SUBCOMMANDS: &[CommandSpec] = &[
    command!("consumers", 4, READONLY, (2, 2, 1), ["@read", "@stream", "@slow"], Reply(info::xinfo_consumers), No),
    command!("groups", 3, READONLY, (2, 2, 1), ["@read", "@stream", "@slow"], Reply(info::xinfo_groups), No),
    subcommand!("help", 2, Reply(info::xinfo_help)),
    command!("stream", -3, READONLY, (2, 2, 1), ["@read", "@stream", "@slow"], Reply(info::xinfo_stream), No),
];
