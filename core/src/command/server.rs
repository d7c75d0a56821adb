//! Connection and server commands: PING, ECHO, INFO, COMMAND, HELLO, CLIENT,
//! AUTH, SELECT, CONFIG, READONLY, READWRITE, ASKING, WAIT, TIME.

use super::{int_arg, Call, Outcome};
use crate::node::ServerCtx;
use crate::resp::{Protocol, Value};

/// The Redis version this node answers as (the behaviour it copies).
pub const REDIS_VERSION: &str = "7.0.15";

/// `PING [message]`: a RESP2 subscriber gets an array, as pub/sub
/// replies are.
pub fn ping(c: &mut Call) -> Value {
    let args = c.args;
    if args.len() <= 2 && c.client.subscriptions.active() && c.client.proto == Protocol::Resp2 {
        return Value::Array(vec![
            Value::bulk("pong"),
            Value::bulk(args.get(1).map_or(&b""[..], |a| a)),
        ]);
    }
    match args.len() {
        1 => Value::Simple("PONG".into()),
        2 => Value::Bulk(args[1].clone()),
        _ => super::arity_error("ping"),
    }
}

pub fn echo(c: &mut Call) -> Value {
    Value::Bulk(c.args[1].clone())
}

pub fn asking(c: &mut Call) -> Value {
    c.client.asking = true;
    Value::ok()
}

pub fn readonly(c: &mut Call) -> Value {
    c.client.readonly = true;
    Value::ok()
}

pub fn readwrite(c: &mut Call) -> Value {
    c.client.readonly = false;
    Value::ok()
}

/// getIntFromObjectOrReply, then the cluster-mode check.
pub fn select(c: &mut Call) -> Value {
    match int_arg(&c.args[1]) {
        Ok(0) => Value::ok(),
        Ok(n) if i32::try_from(n).is_err() => {
            Value::err("ERR value is out of range, value must between -2147483648 and 2147483647")
        }
        Ok(_) => Value::err("ERR SELECT is not allowed in cluster mode"),
        Err(e) => e,
    }
}

/// `AUTH [username] password` (acl.c `authCommand`).
pub fn auth(c: &mut Call) -> Value {
    // `authCommand` hides the password (and the user) once the form is
    // known to be right.
    match c.args.len() {
        2 => c.client.redact.push(1),
        3 => c.client.redact.extend([1, 2]),
        _ => {}
    }
    super::acl::auth(c)
}

pub fn info(c: &mut Call) -> Value {
    let (now, args) = (c.now, c.args);
    Value::Verbatim(super::info::info(&mut c.server(), now, args))
}

pub fn role(c: &mut Call) -> Value {
    c.server().role()
}

/// `WAIT numreplicas timeout`.
pub fn wait(c: &mut Call) -> Outcome {
    let (replicas, timeout) = match wait_args(c.args) {
        Ok(v) => v,
        Err(e) => return Outcome::Reply(e),
    };
    let (now, id) = (c.now, c.id);
    match c.server().wait(now, id, replicas, timeout) {
        Some(v) => Outcome::Reply(v),
        None => Outcome::Blocked,
    }
}

/// `numreplicas` and `timeout` of WAIT, with Redis's checks and texts.
fn wait_args(args: &[Vec<u8>]) -> Result<(u64, u64), Value> {
    let replicas = int_arg(&args[1])?;
    // getTimeoutFromObjectOrReply has its own wording.
    let Ok(timeout) = int_arg(&args[2]) else {
        return Err(Value::err("ERR timeout is not an integer or out of range"));
    };
    if timeout < 0 {
        return Err(Value::err("ERR timeout is negative"));
    }
    Ok((replicas.max(0) as u64, timeout as u64))
}

/// `WAIT` queued in MULTI: the same checks, then the replicas that have
/// acknowledged so far, without blocking.
pub fn wait_in_multi(node: &ServerCtx, args: &[Vec<u8>]) -> Value {
    match wait_args(args) {
        Ok(_) => Value::Integer(node.acked_now() as i64),
        Err(e) => e,
    }
}

/// `HELLO [protover [AUTH user pass] [SETNAME name]]`.
pub fn hello(c: &mut Call) -> Value {
    let (id, args) = (c.id, c.args);
    let mut proto = c.client.proto;
    if let Some(v) = args.get(1) {
        match int_arg(v) {
            Ok(2) => proto = Protocol::Resp2,
            Ok(3) => proto = Protocol::Resp3,
            Ok(_) => return Value::err("NOPROTO unsupported protocol version"),
            Err(_) => return Value::err("ERR Protocol version is not an integer or out of range"),
        }
    }
    let mut i = 2;
    while i < args.len() {
        match args[i].to_ascii_uppercase().as_slice() {
            b"AUTH" if i + 2 < args.len() => {
                c.client.redact.extend([i + 1, i + 2]);
                let (name, password) = (&args[i + 1], &args[i + 2]);
                let now = c.now;
                let (mut node, client) = c.split();
                if !super::acl::authenticate(&mut node, now, id, client, args, name, password) {
                    return Value::err(
                        "WRONGPASS invalid username-password pair or user is disabled.",
                    );
                }
                i += 3;
            }
            b"SETNAME" if i + 1 < args.len() => {
                c.client.name = Some(args[i + 1].clone());
                i += 2;
            }
            _ => {
                return Value::err(format!(
                    "ERR Syntax error in HELLO option '{}'",
                    String::from_utf8_lossy(&args[i])
                ))
            }
        }
    }
    let is_master = c.routing().is_master();
    let client = &mut *c.client;
    if !client.authenticated {
        return Value::err("NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time");
    }
    client.proto = proto;
    let role = if is_master { "master" } else { "replica" };
    Value::Map(vec![
        (Value::bulk("server"), Value::bulk("redis")),
        (Value::bulk("version"), Value::bulk(REDIS_VERSION)),
        (
            Value::bulk("proto"),
            Value::Integer(if proto == Protocol::Resp3 { 3 } else { 2 }),
        ),
        (Value::bulk("id"), Value::Integer(id.0 as i64)),
        (Value::bulk("mode"), Value::bulk("cluster")),
        (Value::bulk("role"), Value::bulk(role)),
        (Value::bulk("modules"), Value::Array(Vec::new())),
    ])
}

/// CLIENT's subcommands.
pub mod client {
    use super::super::Call;
    use crate::resp::Value;

    pub fn id(c: &mut Call) -> Value {
        Value::Integer(c.id.0 as i64)
    }

    pub fn getname(c: &mut Call) -> Value {
        c.client.name.clone().map_or(Value::Null, Value::Bulk)
    }

    pub fn setname(c: &mut Call) -> Value {
        let name = &c.args[2];
        if name.iter().any(|&b| !(b'!'..=b'~').contains(&b)) {
            return Value::err(
                "ERR Client names cannot contain spaces, newlines or special characters.",
            );
        }
        c.client.name = (!name.is_empty()).then(|| name.clone());
        Value::ok()
    }

    /// `CLIENT UNBLOCK id [TIMEOUT|ERROR]`: the reason is checked before
    /// the id; `:1` if that client was blocked (it gets its timeout reply
    /// or the UNBLOCKED error), `:0` otherwise.
    pub fn unblock(c: &mut Call) -> Value {
        let args = c.args;
        if args.len() > 4 {
            return Value::err(format!(
                "ERR unknown subcommand or wrong number of arguments for '{}'. Try CLIENT HELP.",
                String::from_utf8_lossy(&args[1])
            ));
        }
        let error = match args.get(3) {
            None => false,
            Some(r) if r.eq_ignore_ascii_case(b"timeout") => false,
            Some(r) if r.eq_ignore_ascii_case(b"error") => true,
            Some(_) => return Value::err("ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR"),
        };
        let id = match super::super::int_arg(&args[2]) {
            Ok(id) => id,
            Err(e) => return e,
        };
        let unblocked = u64::try_from(id)
            .is_ok_and(|id| c.server().client_unblock(crate::node::ClientId(id), error));
        Value::Integer(unblocked as i64)
    }
}

/// `QUIT` (networking.c `quitCommand`): `+OK`, then the connection closes
/// once the reply is written (`CLIENT_CLOSE_AFTER_REPLY`). It is never
/// queued by MULTI and is allowed before AUTH and while subscribed.
pub fn quit(c: &mut Call) -> Value {
    c.client.close_after_reply = true;
    Value::ok()
}

/// `COMMAND` alone: every command.
pub fn command(_: &mut Call) -> Value {
    command::all()
}

/// COMMAND's subcommands: the table says which commands exist, Redis's
/// own documentation (`super::docs`) what COMMAND DOCS and INFO say of them.
pub mod command {
    use super::super::docs::{keys, reply};
    use super::super::table::{self, flags, CommandSpec};
    use super::super::Call;
    use crate::command::keys::glob_match;
    use crate::resp::Value;

    pub(super) fn all() -> Value {
        Value::Array(
            table::commands()
                .iter()
                .map(|c| reply::info(None, c))
                .collect(),
        )
    }

    pub fn count(_: &mut Call) -> Value {
        Value::Integer(table::commands().len() as i64)
    }

    /// `COMMAND INFO [name…]`: a null for a name that is no command
    /// (`config|get` names a subcommand).
    pub fn info(c: &mut Call) -> Value {
        if c.args.len() == 2 {
            return all();
        }
        Value::Array(
            c.args[2..]
                .iter()
                .map(|n| {
                    table::lookup_full(n).map_or(Value::Null, |(cont, cmd)| reply::info(cont, cmd))
                })
                .collect(),
        )
    }

    /// `COMMAND DOCS [name…]`: a map of the names found, the others skipped.
    pub fn docs(c: &mut Call) -> Value {
        let found: Vec<_> = if c.args.len() == 2 {
            table::commands().iter().map(|c| (None, *c)).collect()
        } else {
            c.args[2..]
                .iter()
                .filter_map(|n| table::lookup_full(n))
                .collect()
        };
        Value::Map(
            found
                .into_iter()
                .map(|(cont, cmd)| {
                    (
                        Value::bulk(reply::fullname(cont, cmd)),
                        reply::docs(cont, cmd),
                    )
                })
                .collect(),
        )
    }

    /// `COMMAND LIST [FILTERBY MODULE name|ACLCAT cat|PATTERN pattern]`
    /// (`commandListCommand`): every command, each container followed by
    /// its subcommands, filtered. No module is loaded, so a MODULE filter
    /// matches nothing; an unknown category matches nothing either.
    pub fn list(c: &mut Call) -> Value {
        let args = &c.args[2..];
        let filter = match args {
            [] => None,
            [by, kind, arg] if by.eq_ignore_ascii_case(b"filterby") => {
                if !(kind.eq_ignore_ascii_case(b"module")
                    || kind.eq_ignore_ascii_case(b"aclcat")
                    || kind.eq_ignore_ascii_case(b"pattern"))
                {
                    return super::super::syntax_error();
                }
                Some((kind.to_ascii_lowercase(), arg.to_ascii_lowercase()))
            }
            _ => return super::super::syntax_error(),
        };
        let keep = |cont: Option<&CommandSpec>, cmd: &CommandSpec| match &filter {
            None => true,
            Some((kind, arg)) => match kind.as_slice() {
                b"aclcat" => reply::acl_categories(cont, cmd)
                    .iter()
                    .any(|cat| cat.as_bytes()[1..] == arg[..]),
                b"pattern" => glob_match(arg, reply::fullname(cont, cmd).as_bytes()),
                _ => false,
            },
        };
        let mut names = Vec::new();
        for cmd in table::commands() {
            if keep(None, cmd) {
                names.push(Value::bulk(cmd.name));
            }
            for sub in cmd.subcommands {
                if keep(Some(cmd), sub) {
                    names.push(Value::bulk(reply::fullname(Some(cmd), sub)));
                }
            }
        }
        Value::Array(names)
    }

    /// `COMMAND GETKEYS cmd arg…` (arity -4 in Redis 7.0: a command and at
    /// least one argument).
    pub fn getkeys(c: &mut Call) -> Value {
        keys_reply(c.args, false)
    }

    /// `COMMAND GETKEYSANDFLAGS cmd arg…`: each key with its flags.
    pub fn getkeysandflags(c: &mut Call) -> Value {
        keys_reply(c.args, true)
    }

    /// `getKeysSubcommandImpl`'s order: the command (a container's
    /// subcommand), whether it has keys at all, its arity, then the keys
    /// these arguments give (none: the arguments are wrong, unless the
    /// command may have none).
    fn keys_reply(args: &[Vec<u8>], with_flags: bool) -> Value {
        let cmd_args = &args[2..];
        let Some(base) = table::lookup(&cmd_args[0]) else {
            return Value::err("ERR Invalid command specified");
        };
        let Ok(cmd) = base.resolve(cmd_args) else {
            return Value::err("ERR Invalid command specified");
        };
        let container = (!std::ptr::eq(base, cmd)).then_some(base);
        if !keys::has_keys(container, cmd) {
            return Value::err("ERR The command has no key arguments");
        }
        if !cmd.arity_ok(cmd_args.len()) {
            return Value::err("ERR Invalid number of arguments specified for command");
        }
        let found = keys::keys_and_flags(container, cmd, cmd_args);
        if found.is_empty() && !cmd.has(flags::NO_MANDATORY_KEYS) {
            return Value::err("ERR Invalid arguments specified for command");
        }
        Value::Array(
            found
                .into_iter()
                .map(|(i, words)| {
                    let key = Value::Bulk(cmd_args[i].clone());
                    if !with_flags {
                        return key;
                    }
                    let words = words.split(' ').filter(|w| !w.is_empty());
                    Value::Array(vec![
                        key,
                        Value::Set(words.map(|w| Value::Simple(w.into())).collect()),
                    ])
                })
                .collect(),
        )
    }

    /// `COMMAND HELP` (`commandHelpCommand`, in `addReplyHelp`'s frame).
    pub fn help(_: &mut Call) -> Value {
        const LINES: &[&str] = &[
            "COMMAND <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
            "(no subcommand)",
            "    Return details about all Redis commands.",
            "COUNT",
            "    Return the total number of commands in this Redis server.",
            "LIST",
            "    Return a list of all commands in this Redis server.",
            "INFO [<command-name> ...]",
            "    Return details about multiple Redis commands.",
            "    If no command names are given, documentation details for all",
            "    commands are returned.",
            "DOCS [<command-name> ...]",
            "    Return documentation details about multiple Redis commands.",
            "    If no command names are given, documentation details for all",
            "    commands are returned.",
            "GETKEYS <full-command>",
            "    Return the keys from a full Redis command.",
            "GETKEYSANDFLAGS <full-command>",
            "    Return the keys and the access flags from a full Redis command.",
            "HELP",
            "    Prints this help.",
        ];
        Value::Array(LINES.iter().map(|l| Value::Simple((*l).into())).collect())
    }
}

/// `TIME`: the node's clock as Unix seconds and microseconds, both as
/// bulk strings (the clock has millisecond steps, so the microseconds end
/// in 000).
pub fn time(c: &mut Call) -> Value {
    let ms = c.now.ms();
    Value::Array(vec![
        Value::bulk((ms / 1000).to_string()),
        Value::bulk((ms % 1000 * 1000).to_string()),
    ])
}
