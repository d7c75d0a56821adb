//! XGROUP (CREATE, SETID, DESTROY, CREATECONSUMER, DELCONSUMER, HELP)
//! and XACK: making groups and consumers, and acknowledging entries.

use super::{help, lookup, no_group_for_key, strict_id, subcommand_syntax};
use crate::command::{int_arg, wrong_type, Call};
use crate::keyspace::notify::class;
use crate::keyspace::stream::id::{parse_id, ParsedId};
use crate::keyspace::stream::INVALID_ENTRIES_READ;
use crate::keyspace::stream::{Consumer, Group, StreamId};
use crate::keyspace::Data;
use crate::resp::Value;

/// `XGROUP HELP`, xgroupCommand's text.
pub fn xgroup_help(c: &mut Call) -> Value {
    help(
        c,
        &[
            "CREATE <key> <groupname> <id|$> [option]",
            "    Create a new consumer group. Options are:",
            "    * MKSTREAM",
            "      Create the empty stream if it does not exist.",
            "    * ENTRIESREAD entries_read",
            "      Set the group's entries_read counter (internal use).",
            "CREATECONSUMER <key> <groupname> <consumer>",
            "    Create a new consumer in the specified group.",
            "DELCONSUMER <key> <groupname> <consumer>",
            "    Remove the specified consumer.",
            "DESTROY <key> <groupname>",
            "    Remove the specified group.",
            "SETID <key> <groupname> <id|$> [ENTRIESREAD entries_read]",
            "    Set the current group ID and entries_read counter.",
        ],
    )
}

/// Which XGROUP subcommand runs.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Sub {
    Create,
    SetId,
    Destroy,
    CreateConsumer,
    DelConsumer,
}

/// `xgroupCommand` for every subcommand but HELP: options, then the key
/// (which must exist unless MKSTREAM) and the group, then the work.
pub fn xgroup(c: &mut Call) -> Value {
    let args = c.args;
    let sub = match args[1].to_ascii_lowercase().as_slice() {
        b"create" => Sub::Create,
        b"setid" => Sub::SetId,
        b"destroy" => Sub::Destroy,
        b"createconsumer" => Sub::CreateConsumer,
        _ => Sub::DelConsumer,
    };
    let mut mkstream = false;
    let mut entries_read = INVALID_ENTRIES_READ;
    let mut i = 5;
    while i < args.len() {
        if sub == Sub::Create && args[i].eq_ignore_ascii_case(b"mkstream") {
            mkstream = true;
            i += 1;
        } else if matches!(sub, Sub::Create | Sub::SetId)
            && args[i].eq_ignore_ascii_case(b"entriesread")
            && i + 1 < args.len()
        {
            entries_read = match int_arg(&args[i + 1]) {
                Ok(n) if n < 0 && n != INVALID_ENTRIES_READ => {
                    return Value::err("ERR value for ENTRIESREAD must be positive or -1")
                }
                Ok(n) => n,
                Err(e) => return e,
            };
            i += 2;
        } else {
            return subcommand_syntax(c);
        }
    }
    let (key, name) = (&args[2], &args[3]);
    let exists = match lookup(c, key) {
        Ok(s) => s.map(|s| s.groups.contains_key(name)),
        Err(e) => return e,
    };
    if !mkstream {
        match exists {
            None => return Value::err("ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use the MKSTREAM option to create an empty stream automatically."),
            Some(false) if matches!(sub, Sub::SetId | Sub::CreateConsumer | Sub::DelConsumer) => {
                return no_group_for_key(name, key)
            }
            _ => {}
        }
    }
    let argc = args.len();
    match sub {
        Sub::Create if (5..=8).contains(&argc) => {
            create(c, mkstream && exists.is_none(), entries_read)
        }
        Sub::SetId if argc == 5 || argc == 7 => setid(c, entries_read),
        Sub::Destroy if argc == 4 => {
            let removed = with_stream(c, |s| s.groups.remove(name).is_some()).unwrap_or(false);
            if removed {
                notify(c, "xgroup-destroy");
                c.server().keyspace_mut().signal_stream(key);
            }
            Value::Integer(removed as i64)
        }
        Sub::CreateConsumer if argc == 5 => {
            let now = c.now.ms();
            let created = with_stream(c, |s| {
                let Some(g) = s.groups.get_mut(name) else {
                    return false;
                };
                if g.consumers.contains_key(&args[4]) {
                    return false;
                }
                let consumer = Consumer {
                    seen_time: now,
                    ..Consumer::default()
                };
                g.consumers.insert(args[4].clone(), consumer);
                true
            });
            let created = created.unwrap_or(false);
            if created {
                notify(c, "xgroup-createconsumer");
            }
            Value::Integer(created as i64)
        }
        Sub::DelConsumer if argc == 5 => {
            let gone = with_stream(c, |s| {
                let g = s.groups.get_mut(name)?;
                let consumer = g.consumers.remove(&args[4])?;
                for id in &consumer.pel {
                    g.pel.remove(id);
                }
                Some(consumer.pel.len())
            })
            .flatten();
            if gone.is_some() {
                notify(c, "xgroup-delconsumer");
                c.server().propagate(args);
            }
            Value::Integer(gone.unwrap_or(0) as i64)
        }
        _ => subcommand_syntax(c),
    }
}

/// Raises a group event on the stream at `args[2]`.
fn notify(c: &mut Call, event: &'static str) {
    let args = c.args;
    let node = &mut c.server();
    node.keyspace_mut().notify(class::STREAM, event, &args[2]);
}

/// Runs `f` on the stream at `args[2]` (which the caller saw exists).
fn with_stream<R>(c: &mut Call, f: impl FnOnce(&mut crate::keyspace::Stream) -> R) -> Option<R> {
    let key = &c.args[2];
    match lookup(c, key) {
        Ok(Some(s)) => Some(f(s)),
        _ => None,
    }
}

/// `XGROUP CREATE key group id|$ [MKSTREAM] [ENTRIESREAD n]`.
fn create(c: &mut Call, make: bool, entries_read: i64) -> Value {
    let args = c.args;
    let id = if args[4].as_slice() == b"$" {
        match lookup(c, &args[2]) {
            Ok(Some(s)) => s.last_id,
            _ => StreamId::MIN,
        }
    } else {
        match strict_id(&args[4]) {
            Ok(id) => id,
            Err(e) => return e,
        }
    };
    if make {
        c.server()
            .keyspace_mut()
            .set(&args[2], Data::Stream(Box::default()));
    }
    let Ok(Some(s)) = lookup(c, &args[2]) else {
        return wrong_type();
    };
    if s.groups.contains_key(&args[3]) {
        return Value::err("BUSYGROUP Consumer Group name already exists");
    }
    s.groups
        .insert(args[3].clone(), Group::new(id, entries_read));
    notify(c, "xgroup-create");
    Value::ok()
}

/// `XGROUP SETID key group id|$ [ENTRIESREAD n]`: `-` and `+` are IDs here.
fn setid(c: &mut Call, entries_read: i64) -> Value {
    let args = c.args;
    let parsed = if args[4].as_slice() == b"$" {
        None
    } else {
        match parse_id(&args[4], 0, false, false) {
            Some(ParsedId::Full(id)) => Some(id),
            _ => return super::invalid_id(),
        }
    };
    let name = &args[3];
    with_stream(c, |s| {
        let id = parsed.unwrap_or(s.last_id);
        if let Some(g) = s.groups.get_mut(name) {
            g.last_id = id;
            g.entries_read = entries_read;
        }
    });
    notify(c, "xgroup-setid");
    Value::ok()
}

/// `XACK key group id [id …]` (`xackCommand`): how many pending entries
/// were acknowledged; no key or group is 0, before the IDs are read.
pub fn xack(c: &mut Call) -> Value {
    let args = c.args;
    let s = match lookup(c, &args[1]) {
        Ok(Some(s)) => s,
        Ok(None) => return Value::Integer(0),
        Err(e) => return e,
    };
    let Some(g) = s.groups.get_mut(&args[2]) else {
        return Value::Integer(0);
    };
    let ids = match args[3..]
        .iter()
        .map(|a| strict_id(a))
        .collect::<Result<Vec<_>, _>>()
    {
        Ok(ids) => ids,
        Err(e) => return e,
    };
    let acked = ids.into_iter().filter(|id| g.ack(*id).is_some()).count();
    Value::Integer(acked as i64)
}
