//! XADD, XTRIM, XDEL, XLEN and XSETID: what appends to a stream, trims
//! it, and sets its counters. XADD and XTRIM stream to replicas what they
//! did rather than what they were sent: the generated ID, and an exact
//! `MAXLEN = n`/`MINID = id` for a `~` trim (which depends on node sizes).

use super::{invalid_id, lookup, rewritten, strict_id};
use crate::command::{arity_error, int_arg, not_integer, syntax_error, wrong_type, Call};
use crate::config::params;
use crate::keyspace::notify::class;
use crate::keyspace::stream::id::{parse_id, ParsedId};
use crate::keyspace::stream::{AppendError, Stream, StreamId, Trim};
use crate::keyspace::Data;
use crate::resp::Value;

/// `stream-node-max-bytes` and `stream-node-max-entries`.
fn node_limits(c: &Call) -> (u64, i64) {
    let get = |name: &str| {
        params::find(name.as_bytes())
            .and_then(|p| c.config().param_value(p).parse::<i64>().ok())
            .unwrap_or(0)
    };
    (
        get("stream-node-max-bytes").max(0) as u64,
        get("stream-node-max-entries"),
    )
}

/// What `streamParseAddOrTrimArgsOrReply` read.
struct TrimArgs {
    trim: Option<Trim>,
    approx: bool,
    limit: u64,
    /// Where the MAXLEN/MINID value is (rewritten when `~` trimmed).
    value_at: usize,
    no_mkstream: bool,
    /// XADD's ID argument: its position and what it said.
    id: Option<(usize, Option<ParsedId>)>,
}

/// `streamParseAddOrTrimArgsOrReply`: the options from `args[2]`, up to
/// XADD's ID.
fn parse_trim_args(c: &Call, xadd: bool) -> Result<TrimArgs, Value> {
    let args = c.args;
    let mut t = TrimArgs {
        trim: None,
        approx: false,
        limit: 0,
        value_at: 0,
        no_mkstream: false,
        id: None,
    };
    let mut limit_given = false;
    let mut i = 2;
    while i < args.len() {
        let more = args.len() - 1 - i;
        let opt = &args[i];
        let both = "ERR syntax error, MAXLEN and MINID options at the same time are not compatible";
        if xadd && opt.as_slice() == b"*" {
            t.id = Some((i, None));
            break;
        } else if (opt.eq_ignore_ascii_case(b"maxlen") || opt.eq_ignore_ascii_case(b"minid"))
            && more > 0
        {
            if t.trim.is_some() {
                return Err(Value::err(both));
            }
            let maxlen = opt.eq_ignore_ascii_case(b"maxlen");
            t.approx = false;
            let next = args[i + 1].as_slice();
            if more >= 2 && next == b"~" {
                t.approx = true;
                i += 1;
            } else if more >= 2 && next == b"=" {
                i += 1;
            }
            let value = &args[i + 1];
            t.trim = Some(if maxlen {
                let n = int_arg(value)?;
                if n < 0 {
                    return Err(Value::err("ERR The MAXLEN argument must be >= 0."));
                }
                Trim::MaxLen(n as u64)
            } else {
                Trim::MinId(strict_id(value)?)
            });
            i += 1;
            t.value_at = i;
        } else if opt.eq_ignore_ascii_case(b"limit") && more > 0 {
            let n = int_arg(&args[i + 1])?;
            if n < 0 {
                return Err(Value::err("ERR The LIMIT argument must be >= 0."));
            }
            t.limit = n as u64;
            limit_given = true;
            i += 1;
        } else if xadd && opt.eq_ignore_ascii_case(b"nomkstream") {
            t.no_mkstream = true;
        } else if xadd {
            let id = parse_id(opt, 0, true, true).ok_or_else(invalid_id)?;
            t.id = Some((i, Some(id)));
            break;
        } else {
            return Err(syntax_error());
        }
        i += 1;
    }
    if t.limit != 0 && t.trim.is_none() {
        return Err(Value::err(
            "ERR syntax error, LIMIT cannot be used without specifying a trimming strategy",
        ));
    }
    if !xadd && t.trim.is_none() {
        return Err(Value::err(
            "ERR syntax error, XTRIM must be called with a trimming strategy",
        ));
    }
    if c.client.from_master {
        // The master streams exact trims: nothing caps them here.
        t.limit = 0;
    } else if limit_given {
        if !t.approx {
            return Err(Value::err(
                "ERR syntax error, LIMIT cannot be used without the special ~ option",
            ));
        }
    } else if t.approx {
        // At most 100 nodes' worth per call, so a trim never runs long.
        let (_, entries) = node_limits(c);
        let limit = entries.saturating_mul(100);
        t.limit = if limit <= 0 {
            10_000
        } else {
            limit.min(1_000_000)
        } as u64;
    } else {
        t.limit = 0;
    }
    if t.id.is_none() {
        t.id = Some((args.len(), None));
    }
    Ok(t)
}

/// `streamRewriteTrimArgument`: the exact value a `~` trim came to — the
/// length, or the first entry's ID (tombstones included; the last
/// possible ID when no entry is left).
fn trimmed_to(s: &Stream, trim: Trim) -> Vec<u8> {
    match trim {
        Trim::MaxLen(_) => s.len().to_string().into_bytes(),
        Trim::MinId(_) => s.first_in_nodes().unwrap_or(StreamId::MAX).to_bytes(),
    }
}

/// `XADD key [NOMKSTREAM] [MAXLEN|MINID [=|~] threshold [LIMIT count]] *|id field value [field value …]`
/// (`xaddCommand`): the new entry's ID, or nil with NOMKSTREAM and no key.
pub fn xadd(c: &mut Call) -> Value {
    let now = c.now;
    let args = c.args;
    let t = match parse_trim_args(c, true) {
        Ok(t) => t,
        Err(e) => return e,
    };
    let (id_at, parsed) = t.id.expect("parse_trim_args sets the ID position");
    let fields_at = id_at + 1;
    let argc = args.len();
    if argc < fields_at + 2 || (argc - fields_at) % 2 == 1 {
        return arity_error("xadd");
    }
    let explicit = match parsed {
        None => None,
        Some(ParsedId::Full(id)) if id == StreamId::MIN => {
            return Value::err("ERR The ID specified in XADD must be greater than 0-0")
        }
        Some(ParsedId::Full(id)) => Some((id.ms, Some(id.seq))),
        Some(ParsedId::AutoSeq(ms)) => Some((ms, None)),
    };
    let (max_bytes, max_entries) = node_limits(c);
    let mut srv = c.server();
    let ks = srv.keyspace_mut();
    match ks.get(now, &args[1]) {
        Some(Data::Stream(_)) => {}
        Some(_) => return wrong_type(),
        None if t.no_mkstream => return Value::Null,
        None => ks.set(&args[1], Data::Stream(Box::default())),
    }
    let Some(Data::Stream(s)) = ks.get_mut(now, &args[1]) else {
        return wrong_type();
    };
    if s.last_id == StreamId::MAX {
        return Value::err(
            "ERR The stream has exhausted the last possible ID, unable to add more items",
        );
    }
    let fields = args[fields_at..]
        .chunks(2)
        .map(|p| (p[0].clone(), p[1].clone()))
        .collect();
    let id = match s.append(
        fields,
        explicit,
        now.ms(),
        max_bytes,
        max_entries.max(0) as u64,
    ) {
        Ok(id) => id,
        Err(AppendError::NotGreater) => {
            return Value::err(
                "ERR The ID specified in XADD is equal or smaller than the target stream top item",
            )
        }
        Err(AppendError::TooLarge) => return Value::err("ERR Elements are too large to be stored"),
    };
    let mut sent = args.to_vec();
    let mut trimmed = 0;
    if let Some(trim) = t.trim {
        trimmed = s.trim(trim, t.approx, t.limit);
        if t.approx {
            sent[t.value_at - 1] = b"=".to_vec();
            sent[t.value_at] = trimmed_to(s, trim);
        }
    }
    if !matches!(parsed, Some(ParsedId::Full(_))) {
        sent[id_at] = id.to_bytes();
    }
    ks.notify(class::STREAM, "xadd", &args[1]);
    ks.signal_stream(&args[1]);
    if trimmed > 0 {
        ks.notify(class::STREAM, "xtrim", &args[1]);
    }
    c.server().propagate(&sent);
    Value::Bulk(id.to_bytes())
}

/// `XTRIM key MAXLEN|MINID [=|~] threshold [LIMIT count]` (`xtrimCommand`):
/// how many entries went; streamed (exact) only when some did.
pub fn xtrim(c: &mut Call) -> Value {
    let t = match parse_trim_args(c, false) {
        Ok(t) => t,
        Err(e) => return e,
    };
    let args = c.args;
    let s = match lookup(c, &args[1]) {
        Ok(Some(s)) => s,
        Ok(None) => return Value::Integer(0),
        Err(e) => return e,
    };
    let trim = t.trim.expect("XTRIM has a strategy");
    let deleted = s.trim(trim, t.approx, t.limit);
    if deleted > 0 {
        let sent = if t.approx {
            let mut sent = rewritten(args, t.value_at - 1, b"=".to_vec());
            sent[t.value_at] = trimmed_to(s, trim);
            sent
        } else {
            args.to_vec()
        };
        c.server()
            .keyspace_mut()
            .notify(class::STREAM, "xtrim", &args[1]);
        c.server().propagate(&sent);
    }
    Value::Integer(deleted as i64)
}

/// `XDEL key id [id …]` (`xdelCommand`): how many live entries went; the
/// highest deleted ID is remembered (it makes group lags unknowable).
pub fn xdel(c: &mut Call) -> Value {
    let args = c.args;
    let ids = match args[2..]
        .iter()
        .map(|a| strict_id(a))
        .collect::<Result<Vec<_>, _>>()
    {
        Ok(ids) => ids,
        Err(e) => return e,
    };
    let s = match lookup(c, &args[1]) {
        Ok(Some(s)) => s,
        Ok(None) => return Value::Integer(0),
        Err(e) => return e,
    };
    let mut deleted = 0;
    let mut first = false;
    for id in ids {
        if s.delete(id) {
            first |= id == s.first_id;
            deleted += 1;
        }
    }
    if deleted > 0 && (first || s.is_empty()) {
        s.refresh_first_id();
    }
    if deleted > 0 {
        c.server()
            .keyspace_mut()
            .notify(class::STREAM, "xdel", &args[1]);
    }
    Value::Integer(deleted)
}

/// `XLEN key`: live entries, 0 for no key.
pub fn xlen(c: &mut Call) -> Value {
    let key = &c.args[1];
    match lookup(c, key) {
        Ok(Some(s)) => Value::Integer(s.len() as i64),
        Ok(None) => Value::Integer(0),
        Err(e) => e,
    }
}

/// `XSETID key last-id [ENTRIESADDED n] [MAXDELETEDID id]` (`xsetidCommand`).
pub fn xsetid(c: &mut Call) -> Value {
    let args = c.args;
    let id = match strict_id(&args[2]) {
        Ok(id) => id,
        Err(e) => return e,
    };
    let mut entries_added: i64 = -1;
    let mut max_deleted = StreamId::MIN;
    let mut i = 3;
    while i < args.len() {
        let more = args.len() - 1 - i;
        if args[i].eq_ignore_ascii_case(b"entriesadded") && more > 0 {
            entries_added = match int_arg(&args[i + 1]) {
                Ok(n) if n < 0 => return Value::err("ERR entries_added must be positive"),
                Ok(n) => n,
                Err(_) => return not_integer(),
            };
        } else if args[i].eq_ignore_ascii_case(b"maxdeletedid") && more > 0 {
            max_deleted = match strict_id(&args[i + 1]) {
                Ok(m) if id < m => {
                    return Value::err(
                        "ERR The ID specified in XSETID is smaller than the provided max_deleted_entry_id",
                    )
                }
                Ok(m) => m,
                Err(e) => return e,
            };
        } else {
            return syntax_error();
        }
        i += 2;
    }
    let s = match lookup(c, &args[1]) {
        Ok(Some(s)) => s,
        Ok(None) => return Value::err("ERR no such key"),
        Err(e) => return e,
    };
    if let Some(top) = s.last_valid_id() {
        if id < top {
            return Value::err(
                "ERR The ID specified in XSETID is smaller than the target stream top item",
            );
        }
        if entries_added != -1 && s.len() > entries_added as u64 {
            return Value::err(
                "ERR The entries_added specified in XSETID is smaller than the target stream length",
            );
        }
    }
    s.last_id = id;
    if entries_added != -1 {
        s.entries_added = entries_added as u64;
    }
    if max_deleted != StreamId::MIN {
        s.max_deleted = max_deleted;
    }
    c.server()
        .keyspace_mut()
        .notify(class::STREAM, "xsetid", &args[1]);
    Value::ok()
}
