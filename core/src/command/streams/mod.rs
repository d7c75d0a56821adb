//! Stream commands (`t_stream.c`), one file per part: appending and
//! trimming ([`add`]), reading ([`read`]), consumer groups ([`groups`]),
//! the pending lists ([`claim`]) and XINFO ([`info`]). This file holds
//! what they share: ID arguments, error texts, replies of entries.

pub mod add;
pub mod claim;
pub mod groups;
pub mod info;
pub mod read;

use super::{wrong_type, Call};
use crate::keyspace::stream::id::{parse_id, ParsedId};
use crate::keyspace::stream::{Entry, Stream, StreamId};
use crate::keyspace::{Data, Keyspace};
use crate::resp::Value;
use crate::time::Time;

/// `streamGenericParseIDOrReply`'s error.
pub fn invalid_id() -> Value {
    Value::err("ERR Invalid stream ID specified as stream command argument")
}

/// A strict ID argument (no `-`, `+` or `ms-*`).
pub fn strict_id(arg: &[u8]) -> Result<StreamId, Value> {
    crate::keyspace::stream::id::parse_strict(arg).ok_or_else(invalid_id)
}

/// `streamParseIntervalIDOrReply` then the `(` adjustment of a range's
/// bound: an exclusive start moves up one ID, an exclusive end down one.
pub fn interval_id(arg: &[u8], start: bool) -> Result<StreamId, Value> {
    let missing_seq = if start { 0 } else { u64::MAX };
    let exclusive = arg.len() > 1 && arg[0] == b'(';
    let text = if exclusive { &arg[1..] } else { arg };
    let Some(ParsedId::Full(id)) = parse_id(text, missing_seq, exclusive, false) else {
        return Err(invalid_id());
    };
    if !exclusive {
        return Ok(id);
    }
    let moved = if start { id.incr() } else { id.decr() };
    moved.ok_or_else(|| {
        Value::err(if start {
            "ERR invalid start ID for the interval"
        } else {
            "ERR invalid end ID for the interval"
        })
    })
}

/// `-NOGROUP No such key 'k' or consumer group 'g'` (XPENDING, XCLAIM,
/// XAUTOCLAIM); `suffix` is XREADGROUP's ` in XREADGROUP with GROUP option`.
pub fn no_group(key: &[u8], group: &[u8], suffix: &str) -> Value {
    Value::err(format!(
        "NOGROUP No such key '{}' or consumer group '{}'{suffix}",
        String::from_utf8_lossy(key),
        String::from_utf8_lossy(group)
    ))
}

/// `-NOGROUP No such consumer group 'g' for key name 'k'` (XGROUP, XINFO).
pub fn no_group_for_key(group: &[u8], key: &[u8]) -> Value {
    Value::err(format!(
        "NOGROUP No such consumer group '{}' for key name '{}'",
        String::from_utf8_lossy(group),
        String::from_utf8_lossy(key)
    ))
}

/// The stream at `key`: `Ok(None)` when missing, WRONGTYPE for another type.
pub fn stream_mut<'a>(
    ks: &'a mut Keyspace,
    now: Time,
    key: &[u8],
) -> Result<Option<&'a mut Stream>, Value> {
    match ks.get_mut(now, key) {
        None => Ok(None),
        Some(Data::Stream(s)) => Ok(Some(s)),
        Some(_) => Err(wrong_type()),
    }
}

/// The stream at `key` for a command's call.
pub fn lookup<'a>(c: &'a mut Call, key: &[u8]) -> Result<Option<&'a mut Stream>, Value> {
    let now = c.now;
    stream_mut(c.keyspace_mut(), now, key)
}

/// An ID as a bulk string.
pub fn id_reply(id: StreamId) -> Value {
    Value::Bulk(id.to_bytes())
}

/// One entry: `[id, [field, value, …]]`.
pub fn entry_reply(e: &Entry) -> Value {
    let mut flat = Vec::with_capacity(e.fields.len() * 2);
    for (f, v) in &e.fields {
        flat.push(Value::Bulk(f.clone()));
        flat.push(Value::Bulk(v.clone()));
    }
    Value::Array(vec![id_reply(e.id), Value::Array(flat)])
}

/// `addReplySubcommandSyntaxError`.
pub fn subcommand_syntax(c: &Call) -> Value {
    let sub = &c.args[1][..c.args[1].len().min(128)];
    Value::err(format!(
        "ERR unknown subcommand or wrong number of arguments for '{}'. Try {} HELP.",
        String::from_utf8_lossy(sub),
        String::from_utf8_lossy(&c.args[0]).to_uppercase()
    ))
}

/// `addReplyHelp`: the header line (the command as typed, uppercased),
/// then `lines`, then HELP's own.
pub fn help(c: &Call, lines: &[&str]) -> Value {
    let mut out = vec![Value::Simple(format!(
        "{} <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        String::from_utf8_lossy(&c.args[0]).to_uppercase()
    ))];
    out.extend(lines.iter().map(|l| Value::Simple((*l).into())));
    out.push(Value::Simple("HELP".into()));
    out.push(Value::Simple("    Prints this help.".into()));
    Value::Array(out)
}

/// The argument list with `args[at]` replaced, for what a command streams
/// in place of what it was sent (`rewriteClientCommandArgument`).
pub fn rewritten(args: &[Vec<u8>], at: usize, value: Vec<u8>) -> Vec<Vec<u8>> {
    let mut out = args.to_vec();
    out[at] = value;
    out
}
