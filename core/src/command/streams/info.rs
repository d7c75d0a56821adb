//! XINFO STREAM [FULL [COUNT n]], GROUPS, CONSUMERS and HELP
//! (`xinfoCommand`): maps in RESP3, flat field/value arrays in RESP2.

use super::{entry_reply, help, id_reply, lookup, no_group_for_key, subcommand_syntax};
use crate::command::{int_arg, Call};
use crate::keyspace::stream::INVALID_ENTRIES_READ;
use crate::keyspace::stream::{Group, Stream, StreamId};
use crate::resp::Value;

/// `XINFO HELP`.
pub fn xinfo_help(c: &mut Call) -> Value {
    help(
        c,
        &[
            "CONSUMERS <key> <groupname>",
            "    Show consumers of <groupname>.",
            "GROUPS <key>",
            "    Show the stream consumer groups.",
            "STREAM <key> [FULL [COUNT <count>]",
            "    Show information about the stream.",
        ],
    )
}

fn field(name: &str, v: Value) -> (Value, Value) {
    (Value::bulk(name), v)
}

fn entries_read(g: &Group) -> Value {
    if g.entries_read == INVALID_ENTRIES_READ {
        Value::Null
    } else {
        Value::Integer(g.entries_read)
    }
}

fn lag(s: &Stream, g: &Group) -> Value {
    s.lag(g).map_or(Value::Null, Value::Integer)
}

/// The stream at `args[2]`, or `ERR no such key`.
fn stream<'a>(c: &'a mut Call) -> Result<&'a mut Stream, Value> {
    let key = &c.args[2];
    lookup(c, key)?.ok_or_else(|| Value::err("ERR no such key"))
}

/// `XINFO CONSUMERS key group`: name, pending count, idle ms of each.
pub fn xinfo_consumers(c: &mut Call) -> Value {
    let now = c.now.ms();
    let (key, name) = (&c.args[2], &c.args[3]);
    let s = match stream(c) {
        Ok(s) => s,
        Err(e) => return e,
    };
    let Some(g) = s.groups.get(name) else {
        return no_group_for_key(name, key);
    };
    Value::Array(
        g.consumers
            .iter()
            .map(|(n, cons)| {
                let idle = (now as i128 - cons.seen_time as i128).clamp(0, i64::MAX as i128);
                Value::Map(vec![
                    field("name", Value::Bulk(n.clone())),
                    field("pending", Value::Integer(cons.pel.len() as i64)),
                    field("idle", Value::Integer(idle as i64)),
                ])
            })
            .collect(),
    )
}

/// `XINFO GROUPS key`.
pub fn xinfo_groups(c: &mut Call) -> Value {
    let s = match stream(c) {
        Ok(s) => s,
        Err(e) => return e,
    };
    Value::Array(
        s.groups
            .iter()
            .map(|(n, g)| {
                Value::Map(vec![
                    field("name", Value::Bulk(n.clone())),
                    field("consumers", Value::Integer(g.consumers.len() as i64)),
                    field("pending", Value::Integer(g.pel.len() as i64)),
                    field("last-delivered-id", id_reply(g.last_id)),
                    field("entries-read", entries_read(g)),
                    field("lag", lag(s, g)),
                ])
            })
            .collect(),
    )
}

/// `XINFO STREAM key [FULL [COUNT n]]` (`xinfoReplyWithStreamInfo`):
/// COUNT (default 10, 0 for all) caps the entries and each PEL listed.
pub fn xinfo_stream(c: &mut Call) -> Value {
    let args = c.args;
    if let Err(e) = stream(c) {
        return e;
    }
    let opts = &args[3..];
    let mut full = None;
    if !opts.is_empty() {
        if (opts.len() != 1 && opts.len() != 3) || !opts[0].eq_ignore_ascii_case(b"full") {
            return subcommand_syntax(c);
        }
        let mut count = 10;
        if opts.len() == 3 {
            if !opts[1].eq_ignore_ascii_case(b"count") {
                return subcommand_syntax(c);
            }
            count = match int_arg(&opts[2]) {
                Ok(n) if n < 0 => 10,
                Ok(n) => n,
                Err(e) => return e,
            };
        }
        full = Some(if count == 0 {
            usize::MAX
        } else {
            count as usize
        });
    }
    let s = match stream(c) {
        Ok(s) => s,
        Err(e) => return e,
    };
    let mut m = vec![
        field("length", Value::Integer(s.len() as i64)),
        field("radix-tree-keys", Value::Integer(s.rax_keys() as i64)),
        field("radix-tree-nodes", Value::Integer(s.rax_nodes() as i64)),
        field("last-generated-id", id_reply(s.last_id)),
        field("max-deleted-entry-id", id_reply(s.max_deleted)),
        field("entries-added", Value::Integer(s.entries_added as i64)),
        field("recorded-first-entry-id", id_reply(s.first_id)),
    ];
    let all = || s.range(StreamId::MIN, StreamId::MAX);
    match full {
        None => {
            m.push(field("groups", Value::Integer(s.groups.len() as i64)));
            m.push(field(
                "first-entry",
                all().next().map_or(Value::Null, entry_reply),
            ));
            m.push(field(
                "last-entry",
                all().next_back().map_or(Value::Null, entry_reply),
            ));
        }
        Some(count) => {
            m.push(field(
                "entries",
                Value::Array(all().take(count).map(entry_reply).collect()),
            ));
            let groups = s
                .groups
                .iter()
                .map(|(n, g)| full_group(s, n, g, count))
                .collect();
            m.push(field("groups", Value::Array(groups)));
        }
    }
    Value::Map(m)
}

/// One group of XINFO STREAM FULL: its PEL (ID, owner, delivery time,
/// count) and consumers (each with its own PEL), at most `count` each.
fn full_group(s: &Stream, name: &[u8], g: &Group, count: usize) -> Value {
    let pel = g
        .pel
        .iter()
        .take(count)
        .map(|(id, n)| {
            Value::Array(vec![
                id_reply(*id),
                Value::Bulk(n.consumer.clone()),
                Value::Integer(n.delivery_time as i64),
                Value::Integer(n.delivery_count as i64),
            ])
        })
        .collect();
    let consumers = g
        .consumers
        .iter()
        .map(|(cn, cons)| {
            let own = cons
                .pel
                .iter()
                .take(count)
                .map(|id| {
                    let n = &g.pel[id];
                    Value::Array(vec![
                        id_reply(*id),
                        Value::Integer(n.delivery_time as i64),
                        Value::Integer(n.delivery_count as i64),
                    ])
                })
                .collect();
            Value::Map(vec![
                field("name", Value::Bulk(cn.clone())),
                field("seen-time", Value::Integer(cons.seen_time as i64)),
                field("pel-count", Value::Integer(cons.pel.len() as i64)),
                field("pending", Value::Array(own)),
            ])
        })
        .collect();
    Value::Map(vec![
        field("name", Value::Bulk(name.to_vec())),
        field("last-delivered-id", id_reply(g.last_id)),
        field("entries-read", entries_read(g)),
        field("lag", lag(s, g)),
        field("pel-count", Value::Integer(g.pel.len() as i64)),
        field("pending", Value::Array(pel)),
        field("consumers", Value::Array(consumers)),
    ])
}
