//! Client commands: looked up, checked, routed (MOVED/ASK/CROSSSLOT…) and
//! executed against a node, in the order Redis's `processCommand` does it.
//! The [`table`] says everything per command (arity, flags, keys, handler,
//! propagation); this file is the one pipeline every command goes through.
//! Commands never touch a socket: they return a [`Value`] to send back.

pub(crate) mod acl;
mod bitfield;
mod bitmaps;
pub(crate) mod blocking;
mod call;
mod client;
mod client_admin;
mod cluster;
mod collections;
mod config;
mod debug;
mod digest;
pub(crate) mod docs;
pub use docs::cli;
mod element_scan;
mod geo;
mod geohash;
mod hashes;
mod hyperloglog;
mod info;
mod keys;
mod latency_histogram;
mod lcs;
mod lists;
mod lolwut;
mod long_double;
mod memory;
mod memory_stats;
mod migrate;
mod modules;
pub(crate) mod monitor_feed;
mod monitors;
mod multi;
mod object;
mod option_walk;
mod persist;
mod pubsub;
mod quicklist;
mod random_picks;
mod refusal;
mod replication;
mod routing;
mod scripting;
mod server;
mod set_reads;
mod sets;
mod sort;
mod sparkline;
mod standalone_only;
mod streams;

pub use server::REDIS_VERSION;
mod strings;
pub mod table;
pub(crate) mod tracking;
mod zpick;
mod zsetops;
mod zsets;

pub(crate) use blocking::KeyWait;
pub use call::Call;
pub use client::{ClientState, ReplyMode};
pub(crate) use keys::glob_match;
pub(crate) use monitor_feed::redacted;
pub use multi::{resume_exec, PendingExec};
pub use refusal::Refusal;
pub(crate) use scripting::Store as ScriptStore;

use crate::keyspace::ExpiryMode;
use crate::node::{ClientId, Node};
use crate::resp::Value;
use crate::time::Time;
use table::{CommandSpec, Run};

/// Whether this node implements a command named by words: `GET`, `CLUSTER
/// FAILOVER` (a container's subcommand must be one it implements; any other
/// command takes no second word). For lessons' `allow` lists, which must only
/// offer what exists.
pub fn implements(words: &[&str]) -> bool {
    match words {
        [name] => table::lookup(name.as_bytes()).is_some(),
        [name, sub] => table::lookup(name.as_bytes()).is_some_and(|spec| {
            !spec.subcommands.is_empty()
                && spec
                    .resolve(&[name.as_bytes().to_vec(), sub.as_bytes().to_vec()])
                    .is_ok()
        }),
        _ => false,
    }
}

/// What executing a command produced.
pub enum Outcome {
    /// One reply.
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

/// `-ERR syntax error`.
pub fn syntax_error() -> Value {
    Value::err("ERR syntax error")
}

/// `-ERR value is not an integer or out of range`.
pub fn not_integer() -> Value {
    Value::err("ERR value is not an integer or out of range")
}

/// `-WRONGTYPE Operation against a key holding the wrong kind of value`.
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
    client.last_interaction = now;
    let Some(spec) = table::lookup(&args[0]) else {
        client.flag_transaction_error();
        client.last_cmd = None;
        return reject(node, None, unknown_command(&args));
    };
    // `processCommand`: a container's subcommand is looked up, then the
    // arity of whichever entry runs is checked. The checks after this one
    // (auth, routing, subscribed clients, MULTI) read the container's
    // flags, which are the ones `COMMAND` shows.
    let entry = match spec.resolve(&args) {
        Ok(entry) => entry,
        Err(e) => {
            client.flag_transaction_error();
            client.last_cmd = None;
            return reject(node, None, e);
        }
    };
    client.last_cmd = Some((
        spec.name,
        (!std::ptr::eq(spec, entry)).then_some(entry.name),
    ));
    let name = full_name(spec, entry);
    if !entry.arity_ok(args.len()) {
        client.flag_transaction_error();
        let e = arity_error(&name);
        return refuse(node, now, id, client, &args, &name, e);
    }
    // A protected command (DEBUG, MODULE LOAD…: the flag is the entry's,
    // a subcommand's for a container) needs its `enable-*-command`.
    if entry.has(table::flags::PROTECTED) && !node.config().protected_command_allowed(spec.name) {
        client.flag_transaction_error();
        let upper = spec.name.to_uppercase();
        return reject(
            node,
            Some(&*name),
            Value::err(format!(
            "ERR {upper} command not allowed. If the enable-{}-command option is set to \"local\", \
             you can run it from a local connection, otherwise you need to set this option in the \
             configuration file, and then restart the server.",
            spec.name
        )),
        );
    }
    if node.serving().requires_auth() && !client.authenticated && !spec.has(table::flags::NO_AUTH) {
        client.flag_transaction_error();
        let e = Value::err("NOAUTH Authentication required.");
        return refuse(node, now, id, client, &args, &name, e);
    }
    // `processCommand`: a `no_multi` command is refused inside MULTI.
    if client.in_multi() && spec.has(table::flags::NO_MULTI) {
        client.flag_transaction_error();
        let e = Value::err("ERR Command not allowed inside a transaction");
        return reject(node, Some(&*name), e);
    }
    // `ACLCheckAllPerm`: the user may run this command on these keys and
    // channels (denials are logged, queued ones in the `multi` context).
    if let Err(denial) = acl::check(&node.serving(), client, entry, &args) {
        let context = if client.in_multi() {
            crate::acl::log::Context::Multi
        } else {
            crate::acl::log::Context::Toplevel
        };
        acl::log_denial(
            &mut node.serving(),
            now,
            id,
            client,
            &args,
            (denial.0, denial.1, context),
            None,
        );
        client.flag_transaction_error();
        let e = acl::noperm(denial.0, denial.1);
        return reject(node, Some(&*name), e);
    }
    if client.in_multi() && spec.has(table::flags::NO_MULTI) {
        client.flag_transaction_error();
        let e = Value::err("ERR Command not allowed inside a transaction");
        return reject(node, Some(&*name), e);
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
        return reject(node, Some(&*name), redirect.reply());
    }
    // `processCommand`: the tracking table kept under
    // `tracking-table-max-keys` before each command.
    node.serving()
        .limit_tracking_keys(Some(crate::node::Current { id, state: client }));
    if client.subscriptions.active()
        && client.proto == crate::resp::Protocol::Resp2
        && !spec.has(table::flags::SUBSCRIBE_OK)
    {
        client.flag_transaction_error();
        let e = Value::err(format!("ERR Can't execute '{name}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context"));
        return refuse(node, now, id, client, &args, &name, e);
    }
    // `processCommand`: a monitor is a replica to Redis (`CLIENT_SLAVE`),
    // kept away from the keyspace (EXEC by what it queued).
    if client.monitor && monitor_feed::touches_keyspace(spec, entry, client) {
        client.flag_transaction_error();
        let e = Value::err("ERR Replica can't interact with the keyspace");
        return refuse(node, now, id, client, &args, &name, e);
    }
    // Loading a full resync's RDB: only commands flagged `loading` run
    // (`is_denyloading_command`; EXEC when all it queued are).
    if node.loading_rdb() && denied_while_loading(spec, client) {
        client.flag_transaction_error();
        let e = Value::err("LOADING Redis is loading the dataset in memory");
        return reject(node, Some(&*name), e);
    }
    // Loading it while the old keyspace is served: only commands flagged
    // `no_async_loading` are refused (`is_deny_async_loading_command`).
    if node.async_loading() && denied_while_async_loading(spec, client) {
        client.flag_transaction_error();
        let e = Value::err("LOADING Redis is loading the dataset in memory");
        return reject(node, Some(&*name), e);
    }
    // `CLIENT PAUSE … ALL`: every command waits (the master's stream does
    // not come this way, and replicas are never paused).
    if node.all_paused(now) && !client.replica {
        node.postpone(id, args);
        return Outcome::Blocked;
    }
    // `CLIENT PAUSE WRITE` (and a manual failover's pause) holds writes and
    // the commands that may stream one (`is_may_replicate_command`): EXEC
    // by what it queued, and a write inside MULTI before it is queued.
    if may_replicate(spec, client) && node.writes_paused(now) {
        node.postpone(id, args);
        return Outcome::Blocked;
    }
    if client.in_multi()
        && !matches!(
            spec.name,
            "exec" | "discard" | "multi" | "watch" | "reset" | "quit"
        )
    {
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

/// `is_may_replicate_command`: the command is a write or `may_replicate`
/// (EVAL, PUBLISH, PFCOUNT), or it is EXEC and one it queued is.
fn may_replicate(spec: &CommandSpec, client: &ClientState) -> bool {
    this_or_queued(spec, client, |s| {
        s.has(table::flags::WRITE) || s.has(table::flags::MAY_REPLICATE)
    })
}

/// `is_denyloading_command`: the command lacks the `loading` flag, or it
/// is EXEC and one of the commands it queued does.
fn denied_while_loading(spec: &CommandSpec, client: &ClientState) -> bool {
    this_or_queued(spec, client, |s| !s.has(table::flags::LOADING))
}

/// `is_deny_async_loading_command`: `CMD_NO_ASYNC_LOADING`, or EXEC with
/// such a command queued.
fn denied_while_async_loading(spec: &CommandSpec, client: &ClientState) -> bool {
    this_or_queued(spec, client, |s| s.has(table::flags::NO_ASYNC_LOADING))
}

/// `test` holds for the command, or it is EXEC and holds for one it
/// queued (processCommand reads EXEC's `mstate.cmd_flags`).
fn this_or_queued(
    spec: &CommandSpec,
    client: &ClientState,
    test: impl Fn(&CommandSpec) -> bool,
) -> bool {
    test(spec)
        || (spec.name == "exec"
            && client
                .queued()
                .iter()
                .filter_map(|args| table::lookup(&args[0]))
                .any(test))
}

/// Executes an already checked command (also used for EXEC's queue):
/// `call()`, with the handler and the propagation rule of its table entry.
fn run(
    node: &mut Node,
    now: Time,
    id: ClientId,
    client: &mut ClientState,
    spec: &'static CommandSpec,
    args: &[Vec<u8>],
) -> Outcome {
    let entry = match spec.resolve(args) {
        Ok(entry) => entry,
        Err(e) => return Outcome::Reply(e),
    };
    let mut call = Call::new(node, now, id, client, args);
    let started = call.node().micros_now();
    if let Run::Session(handler) = entry.run {
        let outcome = handler(&mut call);
        counted(&mut call, spec, entry, started, &outcome);
        fed(&mut call, spec, entry);
        tracked(&mut call, spec, entry);
        return outcome;
    }
    let mode = if call.client.from_master {
        ExpiryMode::Ignore
    } else if call.node().is_replica() || call.node().writes_paused(now) {
        ExpiryMode::Hide
    } else {
        ExpiryMode::Delete
    };
    call.node().keyspace_mut().set_mode(mode);
    let clock = call.node().config().aging_clock(now);
    call.node().keyspace_mut().set_clock(clock);
    call.node()
        .keyspace_mut()
        .count_reads(spec.has(table::flags::READONLY));
    let outer = call.node().serving().begin_call();
    let outcome = match entry.run {
        Run::Reply(handler) => {
            let reply = handler(&mut call);
            if entry.propagate.as_sent(args, &reply) {
                call.node().serving().propagate(args);
            }
            Outcome::Reply(reply)
        }
        Run::Outcome(handler) | Run::Session(handler) => handler(&mut call),
        // Arity made a container's subcommand resolve above.
        Run::Container => Outcome::Reply(arity_error(spec.name)),
    };
    if outer {
        call.node().serving().end_call();
    }
    call.node().keyspace_mut().count_reads(false);
    call.node().publish_key_events();
    counted(&mut call, spec, entry, started, &outcome);
    fed(&mut call, spec, entry);
    tracked(&mut call, spec, entry);
    outcome
}

/// Client-side caching after a command (`call()`): the keys it modified
/// invalidated (those of a script's commands when its EVAL or FCALL
/// returns), and a tracking client's reads remembered (a script's, by
/// the host as they run).
fn tracked(call: &mut Call, spec: &'static CommandSpec, entry: &CommandSpec) {
    if call.client.in_script {
        return;
    }
    let script = matches!(
        spec.name,
        "eval" | "evalsha" | "eval_ro" | "evalsha_ro" | "fcall" | "fcall_ro"
    );
    let (id, args) = (call.id, call.args);
    let (node, client) = call.parts();
    let cur = crate::node::Current { id, state: client };
    node.serving().invalidate_modified(Some(cur), script);
    let Some(t) = client.tracking.as_deref() else {
        return;
    };
    // The `_RO` script commands are read-only but remember nothing of
    // their own; shard channels are not keys to cache.
    if t.bcast
        || script
        || spec.has(table::flags::PUBSUB)
        || !monitor_feed::has_any(spec, entry, table::flags::READONLY, &["readonly"])
    {
        return;
    }
    let keys = spec.key_indices(args).map(|i| args[i].as_slice());
    node.serving().remember_keys(id, t, keys);
}

/// `call()` feeds the command to monitors once it ran (its redacted
/// arguments hidden), unless it is `admin` or `skip_monitor`.
fn fed(call: &mut Call, spec: &'static CommandSpec, entry: &CommandSpec) {
    let (now, id, args) = (call.now, call.id, call.args);
    let (node, client) = call.parts();
    if node.has_monitors() && monitor_feed::shown(spec, entry) {
        node.serving().feed_monitors(now, id, client, args);
    }
    client.redact.clear();
}

/// `call()`'s bookkeeping after a command ran: its calls, duration and
/// failure in INFO's commandstats, its error reply in errorstats.
fn counted(
    call: &mut Call,
    spec: &'static CommandSpec,
    entry: &CommandSpec,
    started: u64,
    outcome: &Outcome,
) {
    let (now, args) = (call.now, call.args);
    let (node, client) = call.parts();
    let usec = node.micros_now().saturating_sub(started) + node.take_frozen_usec();
    // EXEC is `skip_slowlog` (its commands are logged one by one); a
    // blocked command is logged when it is unblocked, which WAIT's
    // bookkeeping does not model.
    if !spec.has(table::flags::SKIP_SLOWLOG) && !matches!(outcome, Outcome::Blocked) {
        node.record_duration(now, spec.has(table::flags::FAST), usec, args, client);
    }
    let error = match outcome {
        Outcome::Reply(Value::Error(e)) => Some(e.as_str()),
        Outcome::Many(values) => values.iter().find_map(|v| match v {
            Value::Error(e) => Some(e.as_str()),
            _ => None,
        }),
        _ => None,
    };
    if std::ptr::eq(spec, entry) {
        node.count_call(spec.name, usec, error);
    } else {
        node.count_call(&full_name(spec, entry), usec, error);
    }
}

/// `rejectCommand` for a command found: EXEC refused this way aborts the
/// transaction (`execCommandAbort`: `EXECABORT Transaction discarded
/// because of: <why>`, the reason without the `ERR` its reply would have
/// had, and EXEC fed to monitors, closing the MULTI they saw).
fn refuse(
    node: &mut Node,
    now: Time,
    id: ClientId,
    client: &mut ClientState,
    args: &[Vec<u8>],
    name: &str,
    e: Value,
) -> Outcome {
    if name != "exec" {
        return reject(node, Some(name), e);
    }
    client.discard_transaction();
    let text = match &e {
        Value::Error(t) => t.strip_prefix("ERR ").unwrap_or(t),
        _ => "",
    };
    let e = Value::err(format!(
        "EXECABORT Transaction discarded because of: {text}"
    ));
    let out = reject(node, Some(name), e);
    node.serving().feed_monitors(now, id, client, args);
    out
}

/// `rejectCommand`: a command refused before it ran. Its error counts in
/// errorstats and, when the command was found, in its `rejected_calls`.
fn reject(node: &mut Node, name: Option<&str>, e: Value) -> Outcome {
    let stats = node.stats_mut();
    if let Some(name) = name {
        stats.rejected(name);
    }
    if let Value::Error(text) = &e {
        stats.error(text);
    }
    Outcome::Reply(e)
}

/// `c->cmd->fullname`: `cluster|info` for a container's subcommand.
fn full_name(spec: &'static CommandSpec, entry: &CommandSpec) -> std::borrow::Cow<'static, str> {
    if std::ptr::eq(spec, entry) {
        spec.name.into()
    } else {
        format!("{}|{}", spec.name, entry.name).into()
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
