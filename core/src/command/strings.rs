//! String commands (t_string.c): GET, SET and its options, MGET, MSET,
//! INCR/DECR/INCRBY/DECRBY, APPEND, STRLEN, SETNX, GETDEL, GETSET, MSETNX,
//! SETRANGE, SETEX, PSETEX, GETEX, GETRANGE (and SUBSTR),
//! INCRBYFLOAT.

use super::Call;
use super::{int_arg, syntax_error, wrong_type};
use crate::keyspace::notify::class;
use crate::keyspace::{Data, Str};
use crate::node::ServerCtx;
use crate::resp::Value;
use crate::time::Time;

pub fn get(c: &mut Call) -> Value {
    let args = c.args;
    let now = c.now;
    let node = &mut c.server();
    let ks = node.keyspace_mut();
    match ks.get(now, &args[1]) {
        None => Value::Null,
        Some(Data::Str(v)) => Value::Bulk(v.to_vec()),
        Some(_) => wrong_type(),
    }
}

pub fn set(c: &mut Call) -> Value {
    let args = c.args;
    let now = c.now;
    let node = &mut c.server();
    set_generic(node, now, args)
}

pub fn mget(c: &mut Call) -> Value {
    let args = c.args;
    let now = c.now;
    let node = &mut c.server();
    let ks = node.keyspace_mut();
    Value::Array(
        args[1..]
            .iter()
            .map(|k| match ks.get(now, k) {
                Some(Data::Str(v)) => Value::Bulk(v.to_vec()),
                _ => Value::Null,
            })
            .collect(),
    )
}

pub fn mset(c: &mut Call) -> Value {
    let args = c.args;
    let node = &mut c.server();
    let ks = node.keyspace_mut();
    if args.len().is_multiple_of(2) {
        return super::arity_error("mset");
    }
    for pair in args[1..].chunks(2) {
        ks.set(&pair[0], Data::Str(Str::new(&pair[1])));
        ks.notify(class::STRING, "set", &pair[0]);
    }
    Value::ok()
}

pub fn incr(c: &mut Call) -> Value {
    let args = c.args;
    let now = c.now;
    let node = &mut c.server();
    incr_by(node, now, &args[1], 1)
}

pub fn decr(c: &mut Call) -> Value {
    let args = c.args;
    let now = c.now;
    let node = &mut c.server();
    incr_by(node, now, &args[1], -1)
}

pub fn incrby(c: &mut Call) -> Value {
    let args = c.args;
    let now = c.now;
    let node = &mut c.server();
    match int_arg(&args[2]) {
        Ok(n) => incr_by(node, now, &args[1], n),
        Err(e) => e,
    }
}

pub fn decrby(c: &mut Call) -> Value {
    let args = c.args;
    let now = c.now;
    let node = &mut c.server();
    match int_arg(&args[2]) {
        Ok(n) if n != i64::MIN => incr_by(node, now, &args[1], -n),
        Ok(_) => Value::err("ERR decrement would overflow"),
        Err(e) => e,
    }
}

pub fn append(c: &mut Call) -> Value {
    let args = c.args;
    let now = c.now;
    let node = &mut c.server();
    let ks = node.keyspace_mut();
    let (mut value, new) = match ks.get(now, &args[1]) {
        None => (Vec::new(), true),
        Some(Data::Str(v)) => (v.to_vec(), false),
        Some(_) => return wrong_type(),
    };
    value.extend_from_slice(&args[2]);
    let len = value.len() as i64;
    if new {
        // A new key holds the argument itself, encoded (`tryObjectEncoding`).
        ks.set_encoded_keep_ttl(now, &args[1], Data::Str(value.into()));
    } else {
        ks.set_keep_ttl(now, &args[1], Data::Str(value.into()));
        ks.make_raw(&args[1]);
    }
    ks.notify(class::STRING, "append", &args[1]);
    Value::Integer(len)
}

pub fn setnx(c: &mut Call) -> Value {
    let args = c.args;
    let now = c.now;
    let node = &mut c.server();
    let ks = node.keyspace_mut();
    if ks.exists(now, &args[1]) {
        Value::Integer(0)
    } else {
        ks.set(&args[1], Data::Str(Str::new(&args[2])));
        ks.notify(class::STRING, "set", &args[1]);
        Value::Integer(1)
    }
}

/// `getdelCommand` streams itself as `DEL key` when it deleted one.
pub fn getdel(c: &mut Call) -> Value {
    let now = c.now;
    let args = c.args;
    let node = &mut c.server();
    let ks = node.keyspace_mut();
    let reply = match ks.get(now, &args[1]) {
        None => Value::Null,
        Some(Data::Str(_)) => match ks.remove(now, &args[1]) {
            Some(Data::Str(v)) => {
                ks.notify(class::GENERIC, "del", &args[1]);
                Value::Bulk(v.into_vec())
            }
            _ => Value::Null,
        },
        Some(_) => wrong_type(),
    };
    if matches!(reply, Value::Bulk(_)) {
        node.propagate(&[b"DEL".to_vec(), args[1].clone()]);
    }
    reply
}

/// SET semantics (the TTL goes); `getsetCommand` streams itself as SET.
pub fn getset(c: &mut Call) -> Value {
    let args = c.args;
    let now = c.now;
    let node = &mut c.server();
    let ks = node.keyspace_mut();
    let old = match ks.get(now, &args[1]) {
        None => Value::Null,
        Some(Data::Str(v)) => Value::Bulk(v.to_vec()),
        Some(_) => return wrong_type(),
    };
    ks.set(&args[1], Data::Str(Str::new(&args[2])));
    ks.notify(class::STRING, "set", &args[1]);
    node.propagate(&[b"SET".to_vec(), args[1].clone(), args[2].clone()]);
    old
}

pub fn msetnx(c: &mut Call) -> Value {
    let args = c.args;
    let now = c.now;
    let node = &mut c.server();
    let ks = node.keyspace_mut();
    if args.len().is_multiple_of(2) {
        return super::arity_error("msetnx");
    }
    if args[1..].iter().step_by(2).any(|k| ks.exists(now, k)) {
        return Value::Integer(0);
    }
    for pair in args[1..].chunks(2) {
        ks.set(&pair[0], Data::Str(Str::new(&pair[1])));
        ks.notify(class::STRING, "set", &pair[0]);
    }
    Value::Integer(1)
}

pub fn setrange(c: &mut Call) -> Value {
    let args = c.args;
    let now = c.now;
    let node = &mut c.server();
    setrange_generic(node, now, args)
}

pub fn setex(c: &mut Call) -> Value {
    setex_or_psetex(c, "setex")
}

pub fn psetex(c: &mut Call) -> Value {
    setex_or_psetex(c, "psetex")
}

fn setex_or_psetex(c: &mut Call, name: &str) -> Value {
    let args = c.args;
    let now = c.now;
    let node = &mut c.server();
    setex_generic(node, now, name, args)
}

pub fn getex(c: &mut Call) -> Value {
    let args = c.args;
    let now = c.now;
    let node = &mut c.server();
    getex_generic(node, now, args)
}

pub fn strlen(c: &mut Call) -> Value {
    let args = c.args;
    let now = c.now;
    let node = &mut c.server();
    let ks = node.keyspace_mut();
    match ks.get(now, &args[1]) {
        None => Value::Integer(0),
        Some(Data::Str(v)) => Value::Integer(v.len() as i64),
        Some(_) => wrong_type(),
    }
}

/// `proto-max-bulk-len`'s default: the longest string SETRANGE may make.
const MAX_STRING: u64 = 512 * 1024 * 1024;

/// `SETRANGE key offset value`: zero-padded overwrite; the new length.
/// Order as `setrangeCommand`: offset, then key, then size.
fn setrange_generic(node: &mut ServerCtx, now: Time, args: &[Vec<u8>]) -> Value {
    let offset = match int_arg(&args[2]) {
        Ok(n) if n < 0 => return Value::err("ERR offset is out of range"),
        Ok(n) => n as u64,
        Err(e) => return e,
    };
    let value = &args[3];
    let ks = node.keyspace_mut();
    let mut current = match ks.get(now, &args[1]) {
        None if value.is_empty() => return Value::Integer(0),
        None => Vec::new(),
        Some(Data::Str(v)) if value.is_empty() => return Value::Integer(v.len() as i64),
        Some(Data::Str(v)) => v.to_vec(),
        Some(_) => return wrong_type(),
    };
    if offset + value.len() as u64 > MAX_STRING {
        return Value::err("ERR string exceeds maximum allowed size (proto-max-bulk-len)");
    }
    let end = offset as usize + value.len();
    if current.len() < end {
        current.resize(end, 0);
    }
    current[offset as usize..end].copy_from_slice(value);
    let len = current.len() as i64;
    ks.set_keep_ttl(now, &args[1], Data::Str(current.into()));
    // Written into an unshared copy, or created with `createObject`.
    ks.make_raw(&args[1]);
    ks.notify(class::STRING, "setrange", &args[1]);
    Value::Integer(len)
}

/// `SETEX key seconds value` / `PSETEX key ms value`: SET with a TTL,
/// propagated as 7.0 does it, `SET key value PXAT <absolute ms>`.
fn setex_generic(node: &mut ServerCtx, now: Time, name: &str, args: &[Vec<u8>]) -> Value {
    let n = match int_arg(&args[2]) {
        Ok(n) => n,
        Err(e) => return e,
    };
    let unit: &[u8] = if name == "setex" { b"EX" } else { b"PX" };
    let Some(at) = expire_ms(unit, n, now) else {
        return Value::err(format!("ERR invalid expire time in '{name}' command"));
    };
    let ks = node.keyspace_mut();
    ks.set(&args[1], Data::Str(Str::new(&args[3])));
    ks.notify(class::STRING, "set", &args[1]);
    ks.set_expire(now, &args[1], Some(Time(at)));
    ks.notify(class::GENERIC, "expire", &args[1]);
    node.propagate(&[
        b"SET".to_vec(),
        args[1].clone(),
        args[3].clone(),
        b"PXAT".to_vec(),
        at.to_string().into_bytes(),
    ]);
    Value::ok()
}

/// `GETEX key [EX s|PX ms|EXAT s|PXAT ms|PERSIST]`: options, then the key
/// (nil / WRONGTYPE), then the expire time; propagated as `PEXPIREAT`,
/// `PERSIST` (when a TTL went) or `DEL` (a time already past).
fn getex_generic(node: &mut ServerCtx, now: Time, args: &[Vec<u8>]) -> Value {
    let (mut persist, mut expire) = (false, None::<(Vec<u8>, &Vec<u8>)>);
    let mut i = 2;
    while i < args.len() {
        let opt = args[i].to_ascii_uppercase();
        match opt.as_slice() {
            b"PERSIST" if expire.is_none() => persist = true,
            b"EX" | b"PX" | b"EXAT" | b"PXAT" if expire.is_none() && !persist => {
                let Some(n) = args.get(i + 1) else {
                    return syntax_error();
                };
                expire = Some((opt, n));
                i += 1;
            }
            _ => return syntax_error(),
        }
        i += 1;
    }
    // A replica keeps what its master sends (`checkAlreadyExpired`).
    let may_delete = !node.is_replica();
    let ks = node.keyspace_mut();
    let value = match ks.get(now, &args[1]) {
        None => return Value::Null,
        Some(Data::Str(v)) => v.to_vec(),
        Some(_) => return wrong_type(),
    };
    if let Some((unit, n)) = expire {
        let n = match int_arg(n) {
            Ok(n) => n,
            Err(e) => return e,
        };
        let Some(at) = expire_ms(&unit, n, now) else {
            return Value::err("ERR invalid expire time in 'getex' command");
        };
        if Time(at) <= now && may_delete {
            ks.remove(now, &args[1]);
            ks.notify(class::GENERIC, "del", &args[1]);
            node.propagate(&[b"DEL".to_vec(), args[1].clone()]);
        } else {
            ks.set_expire(now, &args[1], Some(Time(at)));
            ks.notify(class::GENERIC, "expire", &args[1]);
            let at = at.to_string().into_bytes();
            node.propagate(&[b"PEXPIREAT".to_vec(), args[1].clone(), at]);
        }
    } else if persist && matches!(ks.expire_at(now, &args[1]), Some(Some(_))) {
        ks.set_expire(now, &args[1], None);
        ks.notify(class::GENERIC, "persist", &args[1]);
        node.propagate(&[b"PERSIST".to_vec(), args[1].clone()]);
    }
    Value::Bulk(value)
}

/// `SET key value [NX|XX] [GET] [EX s|PX ms|EXAT s|PXAT ms|KEEPTTL]`.
fn set_generic(node: &mut ServerCtx, now: Time, args: &[Vec<u8>]) -> Value {
    let (mut nx, mut xx, mut get, mut keepttl) = (false, false, false, false);
    let mut expire: Option<Time> = None;
    let mut i = 3;
    while i < args.len() {
        let opt = args[i].to_ascii_uppercase();
        let next = args.get(i + 1);
        match opt.as_slice() {
            b"NX" if !xx => nx = true,
            b"XX" if !nx => xx = true,
            b"GET" => get = true,
            b"KEEPTTL" if expire.is_none() => keepttl = true,
            b"EX" | b"PX" | b"EXAT" | b"PXAT" if expire.is_none() && !keepttl => {
                let Some(n) = next else {
                    return syntax_error();
                };
                let n = match int_arg(n) {
                    Ok(n) => n,
                    Err(e) => return e,
                };
                match expire_ms(opt.as_slice(), n, now) {
                    Some(at) => expire = Some(Time(at)),
                    None => return Value::err("ERR invalid expire time in 'set' command"),
                }
                i += 1;
            }
            _ => return syntax_error(),
        }
        i += 1;
    }
    let ks = node.keyspace_mut();
    // The old value is copied only for GET's reply.
    let (exists, old) = match ks.get(now, &args[1]) {
        None => (false, None),
        Some(Data::Str(v)) => (true, get.then(|| v.to_vec())),
        Some(_) if get => return wrong_type(),
        Some(_) => (true, None),
    };
    let reply_old = || match &old {
        Some(v) => Value::Bulk(v.clone()),
        None => Value::Null,
    };
    if (nx && exists) || (xx && !exists) {
        return if get { reply_old() } else { Value::Null };
    }
    if keepttl {
        ks.set_encoded_keep_ttl(now, &args[1], Data::Str(Str::new(&args[2])));
    } else {
        ks.set(&args[1], Data::Str(Str::new(&args[2])));
    }
    ks.notify(class::STRING, "set", &args[1]);
    if expire.is_some() {
        ks.set_expire(now, &args[1], expire);
        ks.notify(class::GENERIC, "expire", &args[1]);
    }
    propagate_set(node, args, expire, get);
    if get {
        reply_old()
    } else {
        Value::ok()
    }
}

/// How 7.0's `setGenericCommand` propagates a SET that took place: with an
/// expire (even one already past) as `SET key value PXAT <ms>`, whatever
/// the other options, so a lagging replica's TTL ends at the same instant;
/// otherwise as sent, minus GET (replicas send no reply).
fn propagate_set(node: &mut ServerCtx, args: &[Vec<u8>], expire: Option<Time>, get: bool) {
    if let Some(at) = expire {
        node.propagate(&[
            b"SET".to_vec(),
            args[1].clone(),
            args[2].clone(),
            b"PXAT".to_vec(),
            at.ms().to_string().into_bytes(),
        ]);
    } else if get {
        let kept: Vec<Vec<u8>> = args
            .iter()
            .enumerate()
            .filter(|(i, a)| *i < 3 || !a.eq_ignore_ascii_case(b"GET"))
            .map(|(_, a)| a.clone())
            .collect();
        node.propagate(&kept);
    } else {
        node.propagate(args);
    }
}

/// `getExpireMillisecondsOrReply`: the absolute expiry in ms, or `None`
/// for "invalid expire time" (not positive, or overflowing once converted
/// to ms and, for EX/PX, added to the current time).
fn expire_ms(unit: &[u8], n: i64, now: Time) -> Option<u64> {
    if n <= 0 {
        return None;
    }
    let seconds = matches!(unit, b"EX" | b"EXAT");
    let ms = if seconds { n.checked_mul(1000)? } else { n };
    let relative = matches!(unit, b"EX" | b"PX");
    let at = if relative {
        ms.checked_add(i64::try_from(now.ms()).ok()?)?
    } else {
        ms
    };
    u64::try_from(at).ok()
}

/// INCR and friends: the value must be a decimal 64-bit integer.
fn incr_by(node: &mut ServerCtx, now: Time, key: &[u8], by: i64) -> Value {
    let ks = node.keyspace_mut();
    let current = match ks.get(now, key) {
        None => 0,
        Some(Data::Str(v)) => match crate::resp::parse_i64(v) {
            Some(n) => n,
            None => return super::not_integer(),
        },
        Some(_) => return wrong_type(),
    };
    let Some(new) = current.checked_add(by) else {
        return Value::err("ERR increment or decrement would overflow");
    };
    // `createStringObjectFromLongLongForValue`: a small result may be the
    // shared object.
    ks.set_encoded_keep_ttl(now, key, Data::Str(new.to_string().into_bytes().into()));
    ks.notify(class::STRING, "incrby", key);
    Value::Integer(new)
}

/// `GETRANGE key start end` (and SUBSTR): both ends parsed before the
/// key; negative ends count from the end; an empty bulk when the range is
/// empty or the key missing.
pub fn getrange(c: &mut Call) -> Value {
    let args = c.args;
    let now = c.now;
    let node = &mut c.server();
    let (start, end) = match (int_arg(&args[2]), int_arg(&args[3])) {
        (Ok(s), Ok(e)) => (s, e),
        (Err(e), _) | (_, Err(e)) => return e,
    };
    let s = match node.keyspace_mut().get(now, &args[1]) {
        None => return Value::bulk(""),
        Some(Data::Str(s)) => s,
        Some(_) => return wrong_type(),
    };
    let len = s.len() as i64;
    if start < 0 && end < 0 && start > end {
        return Value::bulk("");
    }
    let start = if start < 0 {
        (len + start).max(0)
    } else {
        start
    };
    let end = if end < 0 { (len + end).max(0) } else { end };
    let end = end.min(len - 1);
    if start > end || len == 0 {
        return Value::bulk("");
    }
    Value::Bulk(s[start as usize..=end as usize].to_vec())
}

/// `INCRBYFLOAT key increment`: the type, the stored value, then the
/// increment are checked; the sum is computed in x87 long double and
/// printed `%.17Lf` without trailing zeros, and replicas get `SET key
/// <value> KEEPTTL` so they store the very same text.
pub fn incrbyfloat(c: &mut Call) -> Value {
    let now = c.now;
    let args = c.args;
    let node = &mut c.server();
    use super::long_double::LongDouble;
    let ks = node.keyspace_mut();
    let current = match ks.get(now, &args[1]) {
        None => Ok(LongDouble::parse(b"0").unwrap_or(LongDouble::Inf(false))),
        Some(Data::Str(s)) => LongDouble::parse(s),
        Some(_) => return wrong_type(),
    };
    let (Ok(current), Ok(incr)) = (current, LongDouble::parse(&args[2])) else {
        return Value::err("ERR value is not a valid float");
    };
    let sum = match current.add(incr) {
        Some(v) if v.is_finite() => v,
        _ => return Value::err("ERR increment would produce NaN or Infinity"),
    };
    let text = sum.to_human().into_bytes();
    ks.set_keep_ttl(now, &args[1], Data::Str(Str::new(&text)));
    ks.notify(class::STRING, "incrbyfloat", &args[1]);
    node.propagate(&[
        b"SET".to_vec(),
        args[1].clone(),
        text.clone(),
        b"KEEPTTL".to_vec(),
    ]);
    Value::Bulk(text)
}
