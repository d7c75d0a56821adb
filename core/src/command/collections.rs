//! Enough lists, sets, hashes and sorted sets for redis-benchmark's default
//! tests: LPUSH, RPUSH, LPOP, RPOP, LRANGE, SADD, SPOP, HSET, HGET, ZADD,
//! ZPOPMIN (and ZPOPMAX).

use super::object::Limits;
use super::Call;
use super::{int_arg, wrong_type};
use crate::keyspace::notify::class;
use crate::keyspace::{Data, Hash, Keyspace, ZSet};
use crate::node::ServerCtx;

use crate::resp::{Protocol, Value};
use crate::time::Time;
use std::collections::{BTreeSet, VecDeque};

pub fn lpush(c: &mut Call) -> Value {
    lpush_or_rpush(c, "lpush")
}

pub fn rpush(c: &mut Call) -> Value {
    lpush_or_rpush(c, "rpush")
}

fn lpush_or_rpush(c: &mut Call, name: &str) -> Value {
    let args = c.args;
    let now = c.now;
    let node = &mut c.server();
    let ks = node.keyspace_mut();
    let key = &args[1];
    let list = match entry(ks, now, key, || Data::List(VecDeque::new())) {
        Some(Data::List(l)) => l,
        _ => return wrong_type(),
    };
    for v in &args[2..] {
        if name == "lpush" {
            list.push_front(v.clone());
        } else {
            list.push_back(v.clone());
        }
    }
    let len = list.len() as i64;
    ks.notify(
        class::LIST,
        if name == "lpush" { "lpush" } else { "rpush" },
        key,
    );
    Value::Integer(len)
}

pub fn lpop(c: &mut Call) -> Value {
    lpop_or_rpop(c, "lpop")
}

pub fn rpop(c: &mut Call) -> Value {
    lpop_or_rpop(c, "rpop")
}

fn lpop_or_rpop(c: &mut Call, name: &str) -> Value {
    let args = c.args;
    let now = c.now;
    let mut srv = c.server();
    let ks = srv.keyspace_mut();
    let key = &args[1];
    let count = match args.get(2).map(|c| int_arg(c)) {
        None => None,
        Some(Ok(n)) if n >= 0 => Some(n as usize),
        Some(Ok(_)) => return Value::err("ERR value is out of range, must be positive"),
        Some(Err(e)) => return e,
    };
    let list = match ks.get_mut(now, key) {
        None => {
            return if count.is_some() {
                Value::NullArray
            } else {
                Value::Null
            }
        }
        Some(Data::List(l)) => l,
        Some(_) => return wrong_type(),
    };
    let mut pop = || {
        if name == "lpop" {
            list.pop_front()
        } else {
            list.pop_back()
        }
    };
    let reply = match count {
        None => pop().map_or(Value::Null, Value::Bulk),
        // `LPOP key 0`: an empty array, no event.
        Some(0) => return Value::Array(Vec::new()),
        Some(n) => Value::Array((0..n).map_while(|_| pop()).map(Value::Bulk).collect()),
    };
    ks.notify(
        class::LIST,
        if name == "lpop" { "lpop" } else { "rpop" },
        key,
    );
    ks.remove_if_empty(key);
    reply
}

pub fn lrange(c: &mut Call) -> Value {
    let args = c.args;
    let now = c.now;
    let node = &mut c.server();
    let ks = node.keyspace_mut();
    let key = &args[1];
    let (start, stop) = match (int_arg(&args[2]), int_arg(&args[3])) {
        (Ok(a), Ok(b)) => (a, b),
        (Err(e), _) | (_, Err(e)) => return e,
    };
    match ks.get(now, key) {
        None => Value::Array(Vec::new()),
        Some(Data::List(l)) => match rank_range(start, stop, l.len()) {
            None => Value::Array(Vec::new()),
            Some((s, e)) => Value::Array(l.range(s..=e).map(|v| Value::Bulk(v.clone())).collect()),
        },
        Some(_) => wrong_type(),
    }
}

pub fn sadd(c: &mut Call) -> Value {
    let args = c.args;
    let now = c.now;
    let node = &mut c.server();
    let ks = node.keyspace_mut();
    let key = &args[1];
    let set = match entry(ks, now, key, || Data::Set(BTreeSet::new())) {
        Some(Data::Set(s)) => s,
        _ => return wrong_type(),
    };
    let added = args[2..]
        .iter()
        .filter(|m| set.insert((*m).clone()))
        .count();
    if added > 0 {
        ks.notify(class::SET, "sadd", key);
    }
    Value::Integer(added as i64)
}

pub fn spop(c: &mut Call) -> Value {
    let now = c.now;
    let args = c.args;
    let node = &mut c.server();
    let reply = spop_generic(node.keyspace_mut(), now, args);
    propagate_spop(node, now, args, &reply);
    reply
}

/// SPOP picks members, so replicas get what it removed (`spopCommand`'s
/// rewrite): `SREM key member…`, or `DEL key` when a count took the whole
/// set; nothing when nothing was popped.
fn propagate_spop(node: &mut ServerCtx, now: Time, args: &[Vec<u8>], reply: &Value) {
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

pub fn srem(c: &mut Call) -> Value {
    let args = c.args;
    let now = c.now;
    let node = &mut c.server();
    let ks = node.keyspace_mut();
    let key = &args[1];
    let removed = match ks.get_mut(now, key) {
        None => 0,
        Some(Data::Set(set)) => args[2..].iter().filter(|m| set.remove(*m)).count(),
        Some(_) => return wrong_type(),
    };
    if removed > 0 {
        ks.notify(class::SET, "srem", key);
    }
    ks.remove_if_empty(key);
    Value::Integer(removed as i64)
}

pub fn hset(c: &mut Call) -> Value {
    let args = c.args;
    let now = c.now;
    let node = &mut c.server();
    let limits = node.config().hash_listpack;
    let ks = node.keyspace_mut();
    let key = &args[1];
    if !args.len().is_multiple_of(2) {
        return super::arity_error("hset");
    }
    let hash = match entry(ks, now, key, || Data::Hash(Hash::default())) {
        Some(Data::Hash(h)) => h,
        _ => return wrong_type(),
    };
    let added = args[2..]
        .chunks(2)
        .filter(|p| hash.insert(&p[0], &p[1], limits))
        .count();
    ks.notify(class::HASH, "hset", key);
    Value::Integer(added as i64)
}

pub fn hget(c: &mut Call) -> Value {
    let args = c.args;
    let now = c.now;
    let node = &mut c.server();
    let ks = node.keyspace_mut();
    let key = &args[1];
    match ks.get(now, key) {
        None => Value::Null,
        Some(Data::Hash(h)) => h
            .get(&args[2])
            .map_or(Value::Null, |v| Value::Bulk(v.to_vec())),
        Some(_) => wrong_type(),
    }
}

/// ZADD streams as sent only when it added or changed a score
/// (`zaddGenericCommand`'s `server.dirty += added + updated`).
pub fn zadd(c: &mut Call) -> Value {
    let args = c.args;
    let now = c.now;
    let node = &mut c.server();
    let limits = Limits::of(node.config());
    let (reply, changed) = zadd_generic(node.keyspace_mut(), limits, now, args);
    if changed {
        node.propagate(args);
    }
    reply
}

pub fn zpopmin(c: &mut Call) -> Value {
    zpopmin_or_zpopmax(c, "zpopmin")
}

pub fn zpopmax(c: &mut Call) -> Value {
    zpopmin_or_zpopmax(c, "zpopmax")
}

fn zpopmin_or_zpopmax(c: &mut Call, name: &str) -> Value {
    let args = c.args;
    let now = c.now;
    let proto = c.client.proto;
    let mut srv = c.server();
    let ks = srv.keyspace_mut();
    zpop(ks, now, proto, args, name == "zpopmax")
}

/// Redis's rank-range arithmetic (`listRangeGenericCommand`, `ltrimCommand`,
/// `zremrangeGenericCommand`): negative ranks count from the end, start
/// clamps to 0 and stop to the last rank; `None` when nothing is in range.
pub(super) fn rank_range(start: i64, stop: i64, len: usize) -> Option<(usize, usize)> {
    let len = len as i64;
    let from_end = |i: i64| if i < 0 { len.saturating_add(i) } else { i };
    let (start, stop) = (from_end(start).max(0), from_end(stop));
    if start > stop || start >= len {
        return None;
    }
    Some((start as usize, stop.min(len - 1) as usize))
}

/// The value at `key`, created with `make` if absent.
pub(super) fn entry<'a>(
    ks: &'a mut Keyspace,
    now: Time,
    key: &[u8],
    make: impl FnOnce() -> Data,
) -> Option<&'a mut Data> {
    if ks.get(now, key).is_none() {
        ks.set(key, make());
    }
    ks.get_mut(now, key)
}

/// `getPositiveLongFromObjectOrReply` as SPOP and ZPOPMIN use it: anything
/// but a non-negative integer is "out of range, must be positive".
fn positive_count(arg: &[u8], not_int: Value) -> Result<usize, Value> {
    match int_arg(arg) {
        Ok(n) if n >= 0 => Ok(n as usize),
        Ok(_) => Err(Value::err("ERR value is out of range, must be positive")),
        Err(_) => Err(not_int),
    }
}

/// `SPOP key [count]`: the count is checked before the key; with a count
/// the reply is a set (`~` in RESP3), even when empty.
fn spop_generic(ks: &mut Keyspace, now: Time, args: &[Vec<u8>]) -> Value {
    if args.len() > 3 {
        return super::syntax_error();
    }
    let count = match args.get(2).map(|c| positive_count(c, super::not_integer())) {
        None => None,
        Some(Ok(n)) => Some(n),
        Some(Err(e)) => return e,
    };
    let key = &args[1];
    let set = match ks.get_mut(now, key) {
        None if count.is_some() => return Value::Set(Vec::new()),
        None => return Value::Null,
        Some(Data::Set(s)) => s,
        Some(_) => return wrong_type(),
    };
    if count == Some(0) {
        return Value::Set(Vec::new());
    }
    // Deterministic: pops the smallest members (Redis picks at random).
    let reply = match count {
        None => set.pop_first().map_or(Value::Null, Value::Bulk),
        Some(n) => Value::Set(
            (0..n)
                .map_while(|_| set.pop_first())
                .map(Value::Bulk)
                .collect(),
        ),
    };
    ks.notify(class::SET, "spop", key);
    ks.remove_if_empty(key);
    reply
}

/// `ZPOPMIN key [count]` (lowest scores first) and `ZPOPMAX` (highest
/// first): a flat member, score… array, except that RESP3 clients asking
/// with a count get `[member, score]` pairs.
fn zpop(ks: &mut Keyspace, now: Time, proto: Protocol, args: &[Vec<u8>], max: bool) -> Value {
    if args.len() > 3 {
        return super::syntax_error();
    }
    let out_of_range = || Value::err("ERR value is out of range, must be positive");
    let count = match args.get(2).map(|c| positive_count(c, out_of_range())) {
        None => 1,
        Some(Ok(n)) => n,
        Some(Err(e)) => return e,
    };
    let z = match ks.get_mut(now, &args[1]) {
        None => return Value::Array(Vec::new()),
        Some(Data::ZSet(z)) => z,
        Some(_) => return wrong_type(),
    };
    let mut pairs = Vec::new();
    for _ in 0..count {
        let order = |a: &(&[u8], f64), b: &(&[u8], f64)| a.1.total_cmp(&b.1).then(a.0.cmp(b.0));
        let pick = if max {
            z.iter().max_by(order)
        } else {
            z.iter().min_by(order)
        };
        let Some((member, score)) = pick.map(|(m, s)| (m.to_vec(), s)) else {
            break;
        };
        z.remove(&member);
        pairs.push([Value::Bulk(member), Value::Double(score)]);
    }
    if !pairs.is_empty() {
        ks.notify(
            class::ZSET,
            if max { "zpopmax" } else { "zpopmin" },
            &args[1],
        );
    }
    ks.remove_if_empty(&args[1]);
    if proto == Protocol::Resp3 && args.len() == 3 {
        Value::Array(
            pairs
                .into_iter()
                .map(|p| Value::Array(p.to_vec()))
                .collect(),
        )
    } else {
        Value::Array(pairs.into_iter().flatten().collect())
    }
}

/// `ZADD key [NX|XX] [GT|LT] [CH] [INCR] score member …`, with
/// `zaddGenericCommand`'s checks in its order; also whether a member was
/// added or its score changed. Like `zsetAdd`, a listpack stores a score of
/// -0 as the integer 0 (`zzlInsertAt` writes scores `double2ll` accepts as
/// integers) while a skiplist keeps -0; the reply (ZINCRBY, INCR) is the
/// score as computed.
pub(super) fn zadd_generic(
    ks: &mut Keyspace,
    limits: Limits,
    now: Time,
    args: &[Vec<u8>],
) -> (Value, bool) {
    let mut i = 2;
    let (mut nx, mut xx, mut gt, mut lt, mut ch, mut incr) =
        (false, false, false, false, false, false);
    while i < args.len() {
        match args[i].to_ascii_uppercase().as_slice() {
            b"NX" => nx = true,
            b"XX" => xx = true,
            b"GT" => gt = true,
            b"LT" => lt = true,
            b"CH" => ch = true,
            b"INCR" => incr = true,
            _ => break,
        }
        i += 1;
    }
    let pairs = &args[i..];
    if pairs.is_empty() || !pairs.len().is_multiple_of(2) {
        return (super::syntax_error(), false);
    }
    if nx && xx {
        return (
            Value::err("ERR XX and NX options at the same time are not compatible"),
            false,
        );
    }
    if ((gt || lt) && nx) || (gt && lt) {
        return (
            Value::err("ERR GT, LT, and/or NX options at the same time are not compatible"),
            false,
        );
    }
    if incr && pairs.len() > 2 {
        return (
            Value::err("ERR INCR option supports a single increment-element pair"),
            false,
        );
    }
    let mut scored = Vec::new();
    for p in pairs.chunks(2) {
        match parse_score(&p[0]) {
            Some(s) => scored.push((s, p[1].clone())),
            None => return (Value::err("ERR value is not a valid float"), false),
        }
    }
    let nothing = || if incr { Value::Null } else { Value::Integer(0) };
    match ks.get(now, &args[1]) {
        Some(Data::ZSet(_)) => {}
        Some(_) => return (wrong_type(), false),
        None if xx => return (nothing(), false),
        None => {}
    }
    let Some(Data::ZSet(z)) = entry(ks, now, &args[1], || Data::ZSet(ZSet::default())) else {
        return (wrong_type(), false);
    };
    let (mut added, mut updated, mut processed) = (0, 0, 0);
    let mut last = 0.0;
    for (mut score, member) in scored {
        match z.score(&member) {
            Some(_) if nx => continue,
            Some(cur) => {
                if incr {
                    score += cur;
                    if score.is_nan() {
                        return (
                            Value::err("ERR resulting score is not a number (NaN)"),
                            false,
                        );
                    }
                }
                if (lt && score >= cur) || (gt && score <= cur) {
                    continue;
                }
                if score != cur {
                    z.insert(member, score, limits.zset);
                    updated += 1;
                }
            }
            None if xx => continue,
            None => {
                z.insert(member, score, limits.zset);
                added += 1;
            }
        }
        processed += 1;
        last = score;
    }
    if added + updated > 0 {
        ks.notify(class::ZSET, if incr { "zincr" } else { "zadd" }, &args[1]);
    }
    ks.remove_if_empty(&args[1]);
    let reply = match (incr, processed) {
        (true, 0) => Value::Null,
        (true, _) => Value::Double(last),
        (false, _) => Value::Integer(if ch { added + updated } else { added }),
    };
    (reply, added + updated > 0)
}

/// `getDoubleFromObject`: strtod's syntax, `inf` allowed, NaN refused.
pub(super) fn parse_score(arg: &[u8]) -> Option<f64> {
    let s = std::str::from_utf8(arg).ok()?;
    if s.is_empty() || s.starts_with(char::is_whitespace) || s.ends_with(char::is_whitespace) {
        return None;
    }
    s.parse::<f64>()
        .ok()
        .or_else(|| parse_hex_float(s))
        .filter(|f| !f.is_nan())
}

/// strtod's hexadecimal form, `[+-]0x<hex>[.<hex>][p[+-]<dec>]` (`0x10` is 16).
fn parse_hex_float(s: &str) -> Option<f64> {
    let (neg, rest) = match s.as_bytes().first()? {
        b'-' => (true, &s[1..]),
        b'+' => (false, &s[1..]),
        _ => (false, s),
    };
    let rest = rest
        .strip_prefix("0x")
        .or_else(|| rest.strip_prefix("0X"))?;
    let (mantissa, exp) = match rest.find(['p', 'P']) {
        Some(i) => (&rest[..i], rest[i + 1..].parse::<i32>().ok()?),
        None => (rest, 0),
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    if int.is_empty() && frac.is_empty() {
        return None;
    }
    let mut value = 0f64;
    for c in int.chars() {
        value = value * 16.0 + f64::from(c.to_digit(16)?);
    }
    let mut scale = 1.0 / 16.0;
    for c in frac.chars() {
        value += f64::from(c.to_digit(16)?) * scale;
        scale /= 16.0;
    }
    let value = value * 2f64.powi(exp);
    Some(if neg { -value } else { value })
}

#[cfg(test)]
mod tests {
    use super::rank_range;

    /// `listRangeGenericCommand` clamps only the start to 0: a stop still
    /// negative after counting from the end (`LRANGE k 0 -10` on three
    /// elements) is an empty range, not element 0.
    #[test]
    fn rank_range_follows_redis_clamping() {
        assert_eq!(rank_range(0, -1, 3), Some((0, 2)));
        assert_eq!(rank_range(-100, 100, 3), Some((0, 2)));
        assert_eq!(rank_range(0, -10, 3), None);
        assert_eq!(rank_range(5, 10, 3), None);
        assert_eq!(rank_range(2, 1, 3), None);
        assert_eq!(rank_range(0, 0, 0), None);
        assert_eq!(rank_range(i64::MIN, i64::MAX, 3), Some((0, 2)));
        assert_eq!(rank_range(i64::MAX, i64::MIN, 3), None);
    }
}
