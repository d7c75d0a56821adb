//! Geo commands (geo.c).
//! One line per command: name, arity, flags, keys (first, last, step),
//! ACL categories, handler, propagation.

use super::flags::*;
use super::georadius_keys;
use super::Run::*;
use super::{command, CommandSpec};
use crate::command::geo;

#[rustfmt::skip]
pub(super) const COMMANDS: &[CommandSpec] = &[
    command!("geoadd", -5, WRITE | DENYOOM, (1, 1, 1), ["@write", "@geo", "@slow"], Reply(geo::geoadd), Itself),
    command!("geodist", -4, READONLY, (1, 1, 1), ["@read", "@geo", "@slow"], Reply(geo::geodist), No),
    command!("geohash", -2, READONLY, (1, 1, 1), ["@read", "@geo", "@slow"], Reply(geo::geohash), No),
    command!("geopos", -2, READONLY, (1, 1, 1), ["@read", "@geo", "@slow"], Reply(geo::geopos), No),
    command!("georadius", -6, WRITE | DENYOOM | MOVABLEKEYS, (1, 1, 1, georadius_keys), ["@write", "@geo", "@slow"], Reply(geo::georadius), Itself),
    command!("georadius_ro", -6, READONLY, (1, 1, 1), ["@read", "@geo", "@slow"], Reply(geo::georadius_ro), No),
    command!("georadiusbymember", -5, WRITE | DENYOOM | MOVABLEKEYS, (1, 1, 1, georadius_keys), ["@write", "@geo", "@slow"], Reply(geo::georadiusbymember), Itself),
    command!("georadiusbymember_ro", -5, READONLY, (1, 1, 1), ["@read", "@geo", "@slow"], Reply(geo::georadiusbymember_ro), No),
    command!("geosearch", -7, READONLY, (1, 1, 1), ["@read", "@geo", "@slow"], Reply(geo::geosearch), No),
    command!("geosearchstore", -8, WRITE | DENYOOM, (1, 2, 1), ["@write", "@geo", "@slow"], Reply(geo::geosearchstore), Itself),
];
