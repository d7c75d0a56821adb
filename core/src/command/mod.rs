//! Client commands: looked up, checked, routed (MOVED/ASK/CROSSSLOT…) and
//! executed against a node, in the order Redis's `processCommand` does it.
//! Commands never touch a socket: they return a [`Value`] to send back.

mod client;
mod cluster;
mod collections;
mod hashes;
mod info;
mod keys;
mod lists;
mod migrate;
mod multi;
mod pubsub;
mod routing;
mod server;
mod sets;

pub use server::REDIS_VERSION;
mod strings;
mod subcommands;
pub mod table;

pub use client::ClientState;
pub(crate) use keys::glob_match;
pub use multi::{resume_exec, PendingExec};

use crate::keyspace::ExpiryMode;
use crate::node::{ClientId, Node};
use crate::resp::Value;
use crate::time::Time;
use table::CommandSpec;

/// Whether this node implements a command named by words: `GET`, `CLUSTER
/// FAILOVER` (a container's subcommand must be one it implements; any other
/// command takes no second word). For lessons' `allow` lists, which must only
/// offer what exists.
pub fn implements(words: &[&str]) -> bool {
    match words {
        [name] => table::lookup(name.as_bytes()).is_some(),
        [name, sub] => {
            table::lookup(name.as_bytes()).is_some()
                && subcommands::implements(name, sub).unwrap_or(false)
        }
        _ => false,
    }
}

/// What executing a command produced.
pub enum Outcome {
    Reply(Value),
    /// Several replies (SUBSCRIBE confirms each channel).
    Many(Vec<Value>),
    /// The client waits (WAIT, MIGRATE); the node replies later.
    Blocked,
}

/// `-ERR wrong number of arguments for 'get' command`.
pub fn arity_error(name: &str) -> Value {
    Value::err(format!(
        "ERR wrong number of arguments for '{name}' command"
    ))
}

pub fn syntax_error() -> Value {
    Value::err("ERR syntax error")
}

pub fn not_integer() -> Value {
    Value::err("ERR value is not an integer or out of range")
}

pub fn wrong_type() -> Value {
    Value::err("WRONGTYPE Operation against a key holding the wrong kind of value")
}

/// `-ERR unknown command 'foo', with args beginning with: 'a' 'b' `: the
/// name cut at 128 bytes, arguments quoted while the list is under 128 bytes,
/// each cut to what is left of those 128.
fn unknown_command(args: &[Vec<u8>]) -> Value {
    let name = &args[0][..args[0].len().min(128)];
    let mut begin: Vec<u8> = Vec::new();
    for a in args.iter().skip(1) {
        if begin.len() >= 128 {
            break;
        }
        let room = 128 - begin.len();
        begin.push(b'\'');
        begin.extend_from_slice(&a[..a.len().min(room)]);
        begin.extend_from_slice(b"' ");
    }
    Value::err(format!(
        "ERR unknown command '{}', with args beginning with: {}",
        String::from_utf8_lossy(name),
        String::from_utf8_lossy(&begin)
    ))
}

/// Parses an integer argument the way `getLongLongFromObject` does.
pub fn int_arg(arg: &[u8]) -> Result<i64, Value> {
    crate::resp::parse_i64(arg).ok_or_else(not_integer)
}

/// Runs one command from `client` through the whole pipeline.
pub fn execute(
    node: &mut Node,
    now: Time,
    id: ClientId,
    client: &mut ClientState,
    args: Vec<Vec<u8>>,
) -> Outcome {
    if args.is_empty() {
        return Outcome::Reply(Value::Null);
    }
    let Some(spec) = table::lookup(&args[0]) else {
        client.flag_transaction_error();
        return Outcome::Reply(unknown_command(&args));
    };
    if !spec.arity_ok(args.len()) {
        client.flag_transaction_error();
        return Outcome::Reply(arity_error(spec.name));
    }
    if let Err(e) = subcommands::check(spec.name, &args) {
        client.flag_transaction_error();
        return Outcome::Reply(e);
    }
    if node.requires_auth() && !client.authenticated && !spec.has(table::flags::NO_AUTH) {
        client.flag_transaction_error();
        return Outcome::Reply(Value::err("NOAUTH Authentication required."));
    }
    if let Err(redirect) = routing::check(node, now, client, spec, &args) {
        if spec.name == "exec" {
            client.discard_transaction();
        } else {
            client.flag_transaction_error();
        }
        if !client.in_multi() {
            client.asking = false;
        }
        return Outcome::Reply(redirect);
    }
    if client.subscriptions.active()
        && client.proto == crate::resp::Protocol::Resp2
        && !spec.has(table::flags::SUBSCRIBE_OK)
    {
        client.flag_transaction_error();
        return Outcome::Reply(Value::err(format!("ERR Can't execute '{}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context", full_name(spec, &args))));
    }
    if spec.has(table::flags::WRITE) && node.writes_paused(now) && !client.in_multi() {
        node.postpone(id, args);
        return Outcome::Blocked;
    }
    if client.in_multi() && !matches!(spec.name, "exec" | "discard" | "multi" | "watch") {
        client.queue(args);
        return Outcome::Reply(Value::Simple("QUEUED".into()));
    }
    let out = run(node, now, id, client, spec, &args);
    // `resetClient`: ASKING is one-shot, but survives inside MULTI so the
    // queued commands and EXEC still count as asked.
    if spec.name != "asking" && !client.in_multi() {
        client.asking = false;
    }
    out
}

/// Executes an already checked command (also used for EXEC's queue).
fn run(
    node: &mut Node,
    now: Time,
    id: ClientId,
    client: &mut ClientState,
    spec: &'static CommandSpec,
    args: &[Vec<u8>],
) -> Outcome {
    if let Some(outcome) = pubsub::run(node, id, client, spec.name, args) {
        return outcome;
    }
    let mode = if client.from_master {
        ExpiryMode::Ignore
    } else if node.is_replica() || node.writes_paused(now) {
        ExpiryMode::Hide
    } else {
        ExpiryMode::Delete
    };
    node.keyspace_mut().set_mode(mode);
    let outer = node.begin_call();
    let outcome = execute_and_propagate(node, now, id, client, spec, args);
    if outer {
        node.end_call();
    }
    outcome
}

/// Runs the command, then appends what it changed to the stream.
fn execute_and_propagate(
    node: &mut Node,
    now: Time,
    id: ClientId,
    client: &mut ClientState,
    spec: &'static CommandSpec,
    args: &[Vec<u8>],
) -> Outcome {
    let reply = match spec.name {
        "multi" | "exec" | "discard" | "watch" | "unwatch" => {
            return multi::run(node, now, id, client, spec, args)
        }
        "cluster" => cluster::run(node, now, args),
        "wait" => return server::wait(node, now, id, args),
        "migrate" => return migrate::migrate(node, now, id, args),
        // RESTORE propagates itself, with an absolute TTL.
        "restore" | "restore-asking" => return Outcome::Reply(migrate::restore(node, now, args)),
        "dump" => migrate::dump(node, now, &args[1]),
        name => match server::run(node, now, id, client, name, args) {
            Some(v) => v,
            None => match keys::run(node, now, name, args) {
                Some(v) => v,
                None => match strings::run(node, now, name, args) {
                    Some(v) => v,
                    None => collections::run(node, now, client.proto, name, args)
                        .or_else(|| hashes::run(node, now, name, args))
                        .or_else(|| lists::run(node, now, name, args))
                        .or_else(|| sets::run(node, now, name, args))
                        .unwrap_or_else(|| unknown_command(args)),
                },
            },
        },
    };
    match spec.name {
        "spop" => propagate_spop(node, now, args, &reply),
        // `getdelCommand` and `getsetCommand` rewrite themselves.
        "getdel" if matches!(reply, Value::Bulk(_)) => {
            node.propagate(&[b"DEL".to_vec(), args[1].clone()])
        }
        // These propagate themselves, with absolute times.
        "getdel" | "getex" | "setex" | "psetex" | "set" | "expire" | "pexpire" | "expireat"
        | "pexpireat" => {}
        // Only a change reaches the stream (`server.dirty`).
        name if changed_nothing(name, args, &reply) => {}
        "getset" if !reply.is_error() => {
            node.propagate(&[b"SET".to_vec(), args[1].clone(), args[2].clone()])
        }
        _ if spec.has(table::flags::WRITE) && !reply.is_error() => node.propagate(args),
        _ => {}
    }
    Outcome::Reply(reply)
}

/// The reply (or the arguments) say this write changed nothing, so 7.0
/// left `server.dirty` as it was and streams nothing (each checked against
/// 7.0.15 in `native_stream_writes.rs`). Writes that always count a change,
/// such as `INCRBY k 0` or an `HSET` of the same value, are not here.
fn changed_nothing(name: &str, args: &[Vec<u8>], reply: &Value) -> bool {
    match name {
        "del" | "unlink" | "setnx" | "msetnx" | "hsetnx" | "hdel" | "sadd" | "srem" | "smove"
        | "zrem" | "zremrangebyscore" | "zremrangebyrank" | "zremrangebylex" | "lrem"
        | "lpushx" | "rpushx" | "persist" | "renamenx" => *reply == Value::Integer(0),
        // -1: no pivot; 0: no list.
        "linsert" => matches!(reply, Value::Integer(0 | -1)),
        "lpop" | "rpop" => matches!(reply, Value::Null | Value::NullArray),
        // No key: an empty array.
        "zpopmin" | "zpopmax" => matches!(reply, Value::Array(v) if v.is_empty()),
        // `setrangeCommand` returns early for an empty value.
        "setrange" => args[3].is_empty(),
        // `renameGenericCommand`: a key renamed to itself stays as it is.
        "rename" => !reply.is_error() && args[1] == args[2],
        _ => false,
    }
}

/// SPOP picks members, so replicas get what it removed (`spopCommand`'s
/// rewrite): `SREM key member…`, or `DEL key` when a count took the whole
/// set; nothing when nothing was popped.
fn propagate_spop(node: &mut Node, now: Time, args: &[Vec<u8>], reply: &Value) {
    let popped: Vec<Vec<u8>> = match reply {
        Value::Bulk(m) => vec![m.clone()],
        Value::Set(members) => members
            .iter()
            .filter_map(|m| match m {
                Value::Bulk(b) => Some(b.clone()),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    };
    if popped.is_empty() {
        return;
    }
    let key = args[1].clone();
    let whole = args.len() == 3 && !node.keyspace_mut().exists(now, &key);
    let mut rewritten = if whole {
        vec![b"DEL".to_vec(), key]
    } else {
        vec![b"SREM".to_vec(), key]
    };
    if !whole {
        rewritten.extend(popped);
    }
    node.propagate(&rewritten);
}

/// `c->cmd->fullname`: `cluster|info` for a container command's subcommand.
fn full_name(spec: &CommandSpec, args: &[Vec<u8>]) -> String {
    let container = matches!(
        spec.name,
        "client" | "cluster" | "command" | "config" | "pubsub"
    );
    match args.get(1) {
        Some(sub) if container => {
            format!(
                "{}|{}",
                spec.name,
                String::from_utf8_lossy(sub).to_lowercase()
            )
        }
        _ => spec.name.to_string(),
    }
}

/// Applies a command from the replication stream with the master link's
/// client (a replica trusts its master: no routing, no auth, no reply).
/// Inside a streamed `MULTI` the commands queue, so the replica applies a
/// transaction whole at `EXEC`, as `processCommand` does for any client.
pub fn apply_replicated(node: &mut Node, now: Time, master: &mut ClientState, args: Vec<Vec<u8>>) {
    let Some(spec) = table::lookup(args.first().map_or(&[][..], |a| a)) else {
        return;
    };
    if master.in_multi() && !matches!(spec.name, "exec" | "discard" | "multi" | "watch") {
        master.queue(args);
        return;
    }
    let _ = run(node, now, ClientId(u64::MAX), master, spec, &args);
}
