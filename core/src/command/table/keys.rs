//! Keyspace commands (db.c, expire.c) and the key transfers of cluster.c (DUMP, RESTORE, MIGRATE).
//! One line per command: name, arity, flags, keys (first, last, step),
//! ACL categories, handler, propagation.

use super::flags::*;
use super::Run::*;
use super::{command, subcommand, CommandSpec};
use super::{migrate_keys, sort_keys, sort_ro_keys};
use crate::command::{keys, migrate, object, sort, standalone_only};

#[rustfmt::skip]
pub(super) const COMMANDS: &[CommandSpec] = &[
    command!("copy", -3, WRITE | DENYOOM, (1, 2, 1), ["@keyspace", "@write", "@slow"], Reply(keys::copy), AsIs),
    command!("dbsize", 1, READONLY | FAST, (0, 0, 0), ["@keyspace", "@read", "@fast"], Reply(keys::dbsize), No),
    command!("del", -2, WRITE, (1, -1, 1), ["@keyspace", "@write", "@slow"], Reply(keys::del), UnlessZero),
    command!("dump", 2, READONLY, (1, 1, 1), ["@keyspace", "@read", "@slow"], Reply(migrate::dump), No),
    command!("exists", -2, READONLY | FAST, (1, -1, 1), ["@keyspace", "@read", "@fast"], Reply(keys::exists), No),
    command!("expire", -3, WRITE | FAST, (1, 1, 1), ["@keyspace", "@write", "@fast"], Reply(keys::expire), Itself),
    command!("expireat", -3, WRITE | FAST, (1, 1, 1), ["@keyspace", "@write", "@fast"], Reply(keys::expireat), Itself),
    command!("expiretime", 2, READONLY | FAST, (1, 1, 1), ["@keyspace", "@read", "@fast"], Reply(keys::expiretime), No),
    command!("flushall", -1, WRITE, (0, 0, 0), ["@keyspace", "@write", "@slow", "@dangerous"], Reply(keys::flushall), AsIs),
    command!("flushdb", -1, WRITE, (0, 0, 0), ["@keyspace", "@write", "@slow", "@dangerous"], Reply(keys::flushall), AsIs),
    command!("keys", 2, READONLY, (0, 0, 0), ["@keyspace", "@read", "@slow", "@dangerous"], Reply(keys::keys), No),
    command!("migrate", -6, WRITE | MOVABLEKEYS, (3, 3, 1, migrate_keys), ["@keyspace", "@write", "@slow", "@dangerous"], Outcome(migrate::migrate), Itself),
    command!("move", 3, WRITE | FAST, (1, 1, 1), ["@keyspace", "@write", "@fast"], Reply(standalone_only::move_key), Itself),
    command!("object", -2, 0, (0, 0, 0), ["@slow"], Container, No, OBJECT_SUBCOMMANDS),
    command!("persist", 2, WRITE | FAST, (1, 1, 1), ["@keyspace", "@write", "@fast"], Reply(keys::persist), UnlessZero),
    command!("pexpire", -3, WRITE | FAST, (1, 1, 1), ["@keyspace", "@write", "@fast"], Reply(keys::pexpire), Itself),
    command!("pexpireat", -3, WRITE | FAST, (1, 1, 1), ["@keyspace", "@write", "@fast"], Reply(keys::pexpireat), Itself),
    command!("pexpiretime", 2, READONLY | FAST, (1, 1, 1), ["@keyspace", "@read", "@fast"], Reply(keys::pexpiretime), No),
    command!("pttl", 2, READONLY | FAST, (1, 1, 1), ["@keyspace", "@read", "@fast"], Reply(keys::pttl), No),
    command!("randomkey", 1, READONLY, (0, 0, 0), ["@keyspace", "@read", "@slow"], Reply(keys::randomkey), No),
    command!("rename", 3, WRITE, (1, 2, 1), ["@keyspace", "@write", "@slow"], Reply(keys::rename), UnlessSameKey),
    command!("renamenx", 3, WRITE | FAST, (1, 2, 1), ["@keyspace", "@write", "@fast"], Reply(keys::renamenx), UnlessZero),
    command!("restore", -4, WRITE | DENYOOM, (1, 1, 1), ["@keyspace", "@write", "@slow", "@dangerous"], Reply(migrate::restore), Itself),
    command!("restore-asking", -4, WRITE | DENYOOM | ASKING, (1, 1, 1), ["@keyspace", "@write", "@slow", "@dangerous"], Reply(migrate::restore), Itself),
    command!("scan", -2, READONLY, (0, 0, 0), ["@keyspace", "@read", "@slow"], Reply(keys::scan), No),
    command!("sort", -2, WRITE | DENYOOM | MOVABLEKEYS, (1, 1, 1, sort_keys), ["@write", "@set", "@sortedset", "@list", "@slow", "@dangerous"], Reply(sort::sort), Itself),
    command!("sort_ro", -2, READONLY | MOVABLEKEYS, (1, 1, 1, sort_ro_keys), ["@read", "@set", "@sortedset", "@list", "@slow", "@dangerous"], Reply(sort::sort_ro), No),
    command!("touch", -2, READONLY | FAST, (1, -1, 1), ["@keyspace", "@read", "@fast"], Reply(keys::touch), No),
    command!("ttl", 2, READONLY | FAST, (1, 1, 1), ["@keyspace", "@read", "@fast"], Reply(keys::ttl), No),
    command!("type", 2, READONLY | FAST, (1, 1, 1), ["@keyspace", "@read", "@fast"], Reply(keys::type_of), No),
    command!("unlink", -2, WRITE | FAST, (1, -1, 1), ["@keyspace", "@write", "@fast"], Reply(keys::del), UnlessZero),
];

/// OBJECT's subcommands, sorted by name: all but HELP carry the
/// key spec (the key is the third argument), which routing follows.
#[rustfmt::skip]
const OBJECT_SUBCOMMANDS: &[CommandSpec] = &[
    command!("encoding", 3, READONLY, (2, 2, 1), ["@keyspace", "@read", "@slow"], Reply(object::encoding), No),
    command!("freq", 3, READONLY, (2, 2, 1), ["@keyspace", "@read", "@slow"], Reply(object::freq), No),
    subcommand!("help", 2, Reply(object::help)),
    command!("idletime", 3, READONLY, (2, 2, 1), ["@keyspace", "@read", "@slow"], Reply(object::idletime), No),
    command!("refcount", 3, READONLY, (2, 2, 1), ["@keyspace", "@read", "@slow"], Reply(object::refcount), No),
];
