//! Bitmap commands (bitops.c).
//! One line per command: name, arity, flags, keys (first, last, step),
//! ACL categories, handler, propagation.

use super::flags::*;
use super::Run::*;
use super::{command, CommandSpec};
use crate::command::{bitfield, bitmaps};

#[rustfmt::skip]
pub(super) const COMMANDS: &[CommandSpec] = &[
    command!("bitcount", -2, READONLY, (1, 1, 1), ["@read", "@bitmap", "@slow"], Reply(bitmaps::bitcount), No),
    command!("bitfield", -2, WRITE | DENYOOM, (1, 1, 1), ["@write", "@bitmap", "@slow"], Reply(bitfield::bitfield), Itself),
    command!("bitfield_ro", -2, READONLY | FAST, (1, 1, 1), ["@read", "@bitmap", "@fast"], Reply(bitfield::bitfield_ro), No),
    command!("bitop", -4, WRITE | DENYOOM, (2, -1, 1), ["@write", "@bitmap", "@slow"], Reply(bitmaps::bitop), Itself),
    command!("bitpos", -3, READONLY, (1, 1, 1), ["@read", "@bitmap", "@slow"], Reply(bitmaps::bitpos), No),
    command!("getbit", 3, READONLY | FAST, (1, 1, 1), ["@read", "@bitmap", "@fast"], Reply(bitmaps::getbit), No),
    command!("setbit", 4, WRITE | DENYOOM, (1, 1, 1), ["@write", "@bitmap", "@slow"], Reply(bitmaps::setbit), Itself),
];
