//! Keyspace commands (db.c, expire.c): DEL, EXISTS, TYPE, EXPIRE, PEXPIRE,
//! EXPIREAT, PEXPIREAT, TTL, PTTL, PERSIST, KEYS, SCAN, DBSIZE, FLUSHALL,
//! FLUSHDB, UNLINK, RENAME, RENAMENX, COPY, TOUCH, RANDOMKEY, EXPIRETIME,
//! PEXPIRETIME.

use super::Call;
use super::{int_arg, syntax_error};
use crate::keyspace::notify::class;
use crate::node::ServerCtx;
use crate::resp::Value;
use crate::time::Time;

/// UNLINK frees in the background in Redis; the keys go the same way.
pub fn del(c: &mut Call) -> Value {
    let args = c.args;
    let now = c.now;
    let node = &mut c.server();
    let ks = node.keyspace_mut();
    let mut n = 0;
    for k in &args[1..] {
        if ks.remove(now, k).is_some() {
            ks.notify(class::GENERIC, "del", k);
            n += 1;
        }
    }
    Value::Integer(n as i64)
}

pub fn exists(c: &mut Call) -> Value {
    let args = c.args;
    let now = c.now;
    let node = &mut c.server();
    let ks = node.keyspace_mut();
    // `lookupKeyReadWithFlags(…, LOOKUP_NOTOUCH)`: EXISTS leaves stamps alone.
    ks.no_touch();
    let n = args[1..].iter().filter(|k| ks.exists(now, k)).count();
    Value::Integer(n as i64)
}

pub fn type_of(c: &mut Call) -> Value {
    let args = c.args;
    let now = c.now;
    let node = &mut c.server();
    let ks = node.keyspace_mut();
    // `lookupKeyReadWithFlags(…, LOOKUP_NOTOUCH)`: TYPE leaves the stamp alone.
    ks.no_touch();
    Value::Simple(
        ks.get(now, &args[1])
            .map_or("none", |d| d.type_name())
            .into(),
    )
}

pub fn expire(c: &mut Call) -> Value {
    let args = c.args;
    let now = c.now;
    let node = &mut c.server();
    expire_generic(node, now, args, "expire", 1000)
}

pub fn pexpire(c: &mut Call) -> Value {
    let args = c.args;
    let now = c.now;
    let node = &mut c.server();
    expire_generic(node, now, args, "pexpire", 1)
}

pub fn expireat(c: &mut Call) -> Value {
    let args = c.args;
    let now = c.now;
    let node = &mut c.server();
    expire_generic(node, now, args, "expireat", 1000)
}

pub fn pexpireat(c: &mut Call) -> Value {
    let args = c.args;
    let now = c.now;
    let node = &mut c.server();
    expire_generic(node, now, args, "pexpireat", 1)
}

pub fn ttl(c: &mut Call) -> Value {
    ttl_or_pttl(c, "ttl")
}

pub fn pttl(c: &mut Call) -> Value {
    ttl_or_pttl(c, "pttl")
}

fn ttl_or_pttl(c: &mut Call, name: &str) -> Value {
    let args = c.args;
    let now = c.now;
    let node = &mut c.server();
    let ks = node.keyspace_mut();
    match ks.expire_at(now, &args[1]) {
        None => Value::Integer(-2),
        Some(None) => Value::Integer(-1),
        Some(Some(at)) => {
            let ms = at.since(now).min(i64::MAX as u64) as i64;
            // (ms + 500) / 1000, without overflowing near i64::MAX.
            Value::Integer(if name == "ttl" {
                ms / 1000 + (ms % 1000 + 500) / 1000
            } else {
                ms
            })
        }
    }
}

/// `EXPIRETIME key` (7.0): the absolute Unix time, in seconds (rounded
/// as TTL rounds, `(ms + 500) / 1000`), at which the key expires; -1
/// without a TTL, -2 for no key (`ttlGenericCommand` with `output_abs`).
pub fn expiretime(c: &mut Call) -> Value {
    let now = c.now;
    let args = c.args;
    let node = &mut c.server();
    match node.keyspace_mut().expire_at(now, &args[1]) {
        None => Value::Integer(-2),
        Some(None) => Value::Integer(-1),
        Some(Some(at)) => {
            let ms = at.ms().min(i64::MAX as u64) as i64;
            Value::Integer(ms / 1000 + (ms % 1000 + 500) / 1000)
        }
    }
}

/// `PEXPIRETIME key` (7.0): EXPIRETIME in milliseconds.
pub fn pexpiretime(c: &mut Call) -> Value {
    let now = c.now;
    let args = c.args;
    let node = &mut c.server();
    match node.keyspace_mut().expire_at(now, &args[1]) {
        None => Value::Integer(-2),
        Some(None) => Value::Integer(-1),
        Some(Some(at)) => Value::Integer(at.ms().min(i64::MAX as u64) as i64),
    }
}

pub fn persist(c: &mut Call) -> Value {
    let args = c.args;
    let now = c.now;
    let node = &mut c.server();
    let ks = node.keyspace_mut();
    let had = matches!(ks.expire_at(now, &args[1]), Some(Some(_)));
    if had {
        ks.set_expire(now, &args[1], None);
        ks.notify(class::GENERIC, "persist", &args[1]);
    }
    Value::Integer(had as i64)
}

pub fn keys(c: &mut Call) -> Value {
    let args = c.args;
    let now = c.now;
    let node = &mut c.server();
    let ks = node.keyspace_mut();
    Value::Array(
        ks.keys(now)
            .filter(|k| glob_match(&args[1], k))
            .map(Value::bulk)
            .collect(),
    )
}

pub fn scan(c: &mut Call) -> Value {
    let args = c.args;
    let now = c.now;
    let node = &mut c.server();
    scan_generic(node, now, args)
}

pub fn dbsize(c: &mut Call) -> Value {
    let node = &mut c.server();
    let ks = node.keyspace_mut();
    Value::Integer(ks.len() as i64)
}

pub fn copy(c: &mut Call) -> Value {
    let args = c.args;
    let now = c.now;
    let node = &mut c.server();
    copy_generic(node, now, args)
}

pub fn rename(c: &mut Call) -> Value {
    rename_or_renamenx(c, "rename")
}

pub fn renamenx(c: &mut Call) -> Value {
    rename_or_renamenx(c, "renamenx")
}

fn rename_or_renamenx(c: &mut Call, name: &str) -> Value {
    let args = c.args;
    let now = c.now;
    let node = &mut c.server();
    rename_generic(node, now, args, name == "renamenx")
}

/// FLUSHALL and FLUSHDB: one database in cluster mode.
pub fn flushall(c: &mut Call) -> Value {
    let args = c.args;
    if args.len() > 2
        || args
            .get(1)
            .is_some_and(|a| !a.eq_ignore_ascii_case(b"async") && !a.eq_ignore_ascii_case(b"sync"))
    {
        return syntax_error();
    }
    c.server().keyspace_mut().clear();
    // `signalFlushedDb`: every tracking client's cache is invalid.
    let id = c.id;
    let (mut srv, client) = c.split();
    srv.tracking_flushed(Some(crate::node::Current { id, state: client }));
    Value::ok()
}

/// `EXPIRE key seconds [NX|XX|GT|LT]` (unit 1000) and PEXPIRE (unit 1),
/// relative to now; EXPIREAT and PEXPIREAT take a Unix time. A 7.0 master
/// propagates every change as `PEXPIREAT key <ms>` (PEXPIREAT itself as
/// sent, options and all) so a lagging replica's TTL ends at the same
/// instant, and a time already past as `DEL key`.
fn expire_generic(
    node: &mut ServerCtx,
    now: Time,
    args: &[Vec<u8>],
    name: &str,
    unit: i64,
) -> Value {
    let absolute = name.ends_with("at");
    let n = match int_arg(&args[2]) {
        Ok(n) => n,
        Err(e) => return e,
    };
    let (mut nx, mut xx, mut gt, mut lt) = (false, false, false, false);
    for opt in &args[3..] {
        match opt.to_ascii_uppercase().as_slice() {
            b"NX" => nx = true,
            b"XX" => xx = true,
            b"GT" => gt = true,
            b"LT" => lt = true,
            _ => {
                return Value::err(format!(
                    "ERR Unsupported option {}",
                    String::from_utf8_lossy(opt)
                ))
            }
        }
    }
    if nx && (xx || gt || lt) {
        return Value::err("ERR NX and XX, GT or LT options at the same time are not compatible");
    }
    if gt && lt {
        return Value::err("ERR GT and LT options at the same time are not compatible");
    }
    // `expireGenericCommand`: overflow in the unit conversion or when
    // adding the base time is an error (negative times just delete).
    let now_ms = i64::try_from(now.ms()).unwrap_or(i64::MAX);
    let base = if absolute { 0 } else { now_ms };
    let Some(when) = n.checked_mul(unit).and_then(|ms| ms.checked_add(base)) else {
        return Value::err(format!("ERR invalid expire time in '{name}' command"));
    };
    // A time not after now means already expired (`checkAlreadyExpired`),
    // except on a replica, which keeps what its master sends.
    let expired = when <= now_ms && !node.is_replica();
    let ks = node.keyspace_mut();
    let Some(current) = ks.expire_at(now, &args[1]) else {
        return Value::Integer(0);
    };
    let new_at = if expired {
        now
    } else {
        Time(u64::try_from(when).unwrap_or(0))
    };
    // A missing TTL counts as infinite for GT/LT.
    let skip = (nx && current.is_some())
        || (xx && current.is_none())
        || (gt && current.is_none_or(|c| new_at <= c))
        || (lt && current.is_some_and(|c| new_at >= c));
    if skip {
        return Value::Integer(0);
    }
    if expired {
        ks.remove(now, &args[1]);
        ks.notify(class::GENERIC, "del", &args[1]);
        node.propagate(&[b"DEL".to_vec(), args[1].clone()]);
    } else {
        ks.set_expire(now, &args[1], Some(new_at));
        ks.notify(class::GENERIC, "expire", &args[1]);
        if name == "pexpireat" {
            node.propagate(args);
        } else {
            let at = when.to_string().into_bytes();
            node.propagate(&[b"PEXPIREAT".to_vec(), args[1].clone(), at]);
        }
    }
    Value::Integer(1)
}

/// `RENAME key newkey` / `RENAMENX`: the value moves with its TTL; a
/// missing source is "no such key" even when both names are the same.
fn rename_generic(node: &mut ServerCtx, now: Time, args: &[Vec<u8>], nx: bool) -> Value {
    let ks = node.keyspace_mut();
    let Some(ttl) = ks.expire_at(now, &args[1]) else {
        return Value::err("ERR no such key");
    };
    if args[1] == args[2] {
        return if nx { Value::Integer(0) } else { Value::ok() };
    }
    if ks.exists(now, &args[2]) {
        if nx {
            return Value::Integer(0);
        }
        ks.remove(now, &args[2]);
    }
    // `lookupKeyWrite` touched the source; the value moves with its stamp.
    // A shared integer stays the shared object.
    ks.get(now, &args[1]);
    let stamp = ks.carried(&args[1]);
    let Some(data) = ks.remove(now, &args[1]) else {
        return Value::err("ERR no such key");
    };
    ks.add(&args[2], data, ttl);
    if let Some(stamp) = stamp {
        ks.put_carried(&args[2], stamp);
    }
    ks.notify(class::GENERIC, "rename_from", &args[1]);
    ks.notify(class::GENERIC, "rename_to", &args[2]);
    if nx {
        Value::Integer(1)
    } else {
        Value::ok()
    }
}

/// `COPY source destination [DB db] [REPLACE]` as `copyCommand` checks
/// it in cluster mode: only db 0, not onto itself; the TTL is copied.
fn copy_generic(node: &mut ServerCtx, now: Time, args: &[Vec<u8>]) -> Value {
    let mut replace = false;
    let mut i = 3;
    while i < args.len() {
        if args[i].eq_ignore_ascii_case(b"replace") {
            replace = true;
        } else if args[i].eq_ignore_ascii_case(b"db") && i + 1 < args.len() {
            let db = match int_arg(&args[i + 1]) {
                Ok(n) if i32::try_from(n).is_ok() => n,
                Ok(_) | Err(_) => return super::not_integer(),
            };
            if !(0..16).contains(&db) {
                return Value::err("ERR DB index is out of range");
            }
            if db != 0 {
                return Value::err(
                    "ERR Copying to another database is not allowed in cluster mode",
                );
            }
            i += 1;
        } else {
            return syntax_error();
        }
        i += 1;
    }
    if args[1] == args[2] {
        return Value::err("ERR source and destination objects are the same");
    }
    let ks = node.keyspace_mut();
    let Some(ttl) = ks.expire_at(now, &args[1]) else {
        return Value::Integer(0);
    };
    let Some(data) = ks.get(now, &args[1]).cloned() else {
        return Value::Integer(0);
    };
    if ks.exists(now, &args[2]) {
        if !replace {
            return Value::Integer(0);
        }
        ks.remove(now, &args[2]);
    }
    // `dupStringObject` keeps a raw string raw.
    let raw = ks.is_raw(&args[1]);
    ks.add(&args[2], data, ttl);
    if raw {
        ks.make_raw(&args[2]);
    }
    ks.notify(class::GENERIC, "copy_to", &args[2]);
    Value::Integer(1)
}

/// `SCAN cursor [MATCH pattern] [COUNT count] [TYPE type]`.
fn scan_generic(node: &mut ServerCtx, now: Time, args: &[Vec<u8>]) -> Value {
    let Some(cursor) = super::element_scan::cursor(&args[1]) else {
        return Value::err("ERR invalid cursor");
    };
    let (mut pattern, mut count, mut kind) = (None, 10usize, None);
    let mut i = 2;
    while i < args.len() {
        let Some(val) = args.get(i + 1) else {
            return syntax_error();
        };
        match args[i].to_ascii_uppercase().as_slice() {
            b"MATCH" => pattern = Some(val.clone()),
            b"COUNT" => match int_arg(val) {
                Ok(n) if n >= 1 => count = n as usize,
                Ok(_) => return syntax_error(),
                Err(e) => return e,
            },
            b"TYPE" => kind = Some(String::from_utf8_lossy(val).to_lowercase()),
            _ => return syntax_error(),
        }
        i += 2;
    }
    let ks = node.keyspace_mut();
    let (next, keys) = ks.scan(now, cursor, count);
    let keys = keys
        .into_iter()
        .filter(|k| pattern.as_ref().is_none_or(|p| glob_match(p, k)))
        .filter(|k| {
            kind.as_ref()
                .is_none_or(|t| ks.get(now, k).is_some_and(|d| d.type_name() == t))
        })
        .map(Value::Bulk)
        .collect();
    Value::Array(vec![Value::bulk(next.to_string()), Value::Array(keys)])
}

/// `stringmatchlen`: glob-style matching with `*`, `?`, `[...]`, `[^...]`,
/// ranges and `\` escapes.
pub fn glob_match(pattern: &[u8], text: &[u8]) -> bool {
    match pattern.first() {
        None => text.is_empty(),
        Some(b'*') => {
            let rest = &pattern[1..];
            (0..=text.len()).any(|i| glob_match(rest, &text[i..]))
        }
        Some(b'?') => !text.is_empty() && glob_match(&pattern[1..], &text[1..]),
        Some(b'[') => {
            let Some(&c) = text.first() else { return false };
            let mut p = 1;
            let negate = pattern.get(p) == Some(&b'^');
            if negate {
                p += 1;
            }
            let mut matched = false;
            while p < pattern.len() && pattern[p] != b']' {
                if pattern[p] == b'\\' && p + 1 < pattern.len() {
                    matched |= pattern[p + 1] == c;
                    p += 2;
                } else if p + 2 < pattern.len() && pattern[p + 1] == b'-' && pattern[p + 2] != b']'
                {
                    let (lo, hi) = (
                        pattern[p].min(pattern[p + 2]),
                        pattern[p].max(pattern[p + 2]),
                    );
                    matched |= (lo..=hi).contains(&c);
                    p += 3;
                } else {
                    matched |= pattern[p] == c;
                    p += 1;
                }
            }
            let rest = if p < pattern.len() {
                &pattern[p + 1..]
            } else {
                &pattern[p..]
            };
            matched != negate && glob_match(rest, &text[1..])
        }
        Some(b'\\') if pattern.len() > 1 => {
            text.first() == Some(&pattern[1]) && glob_match(&pattern[2..], &text[1..])
        }
        Some(&c) => text.first() == Some(&c) && glob_match(&pattern[1..], &text[1..]),
    }
}

/// `TOUCH key…`: how many of the keys exist (each lookup also expires a
/// key whose TTL passed, as `lookupKeyRead` does).
pub fn touch(c: &mut Call) -> Value {
    let now = c.now;
    let args = c.args;
    let node = &mut c.server();
    let ks = node.keyspace_mut();
    let n = args[1..].iter().filter(|k| ks.exists(now, k)).count();
    Value::Integer(n as i64)
}

/// `RANDOMKEY`: a live key picked with the node's seeded generator, nil
/// when there is none.
pub fn randomkey(c: &mut Call) -> Value {
    let now = c.now;
    let mut node = c.server();
    use rand::Rng;
    let live = node.keyspace_mut().keys(now).count();
    if live == 0 {
        return Value::Null;
    }
    let pick = node.rng_mut().random_range(0..live);
    let key = node
        .keyspace_mut()
        .keys(now)
        .nth(pick)
        .map_or(Value::Null, Value::bulk);
    key
}

#[cfg(test)]
mod tests {
    use super::glob_match;

    /// stringmatchlen semantics.
    #[test]
    fn glob() {
        assert!(glob_match(b"*", b"anything"));
        assert!(glob_match(b"user:*", b"user:1000"));
        assert!(!glob_match(b"user:?", b"user:10"));
        assert!(glob_match(b"h[ae]llo", b"hallo"));
        assert!(!glob_match(b"h[^e]llo", b"hello"));
        assert!(glob_match(b"h[a-c]llo", b"hbllo"));
        assert!(glob_match(b"a\\*b", b"a*b"));
        assert!(!glob_match(b"a\\*b", b"axb"));
    }
}
