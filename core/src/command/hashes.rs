//! Hash commands beyond HSET/HGET (t_hash.c): HDEL, HINCRBY, HSETNX, HMSET,
//! HINCRBYFLOAT, HLEN, HEXISTS, HGETALL, HMGET, HKEYS, HVALS, HSTRLEN, HRANDFIELD, HSCAN.
//! A real master streams HDEL, HINCRBY, HSETNX and
//! HMSET verbatim, so a replica needs them to stay in step.

use super::collections::entry;
use super::Call;
use super::{int_arg, wrong_type};
use crate::keyspace::notify::class;
use crate::keyspace::{Data, Hash, Keyspace, PackLimits};

use crate::resp::Value;
use crate::time::Time;

pub fn hdel(c: &mut Call) -> Value {
    let args = c.args;
    let now = c.now;
    let node = &mut c.server();
    let ks = node.keyspace_mut();
    let key = &args[1];
    let removed = match ks.get_mut(now, key) {
        None => 0,
        Some(Data::Hash(h)) => args[2..].iter().filter(|f| h.remove(f)).count(),
        Some(_) => return wrong_type(),
    };
    if removed > 0 {
        ks.notify(class::HASH, "hdel", key);
    }
    ks.remove_if_empty(key);
    Value::Integer(removed as i64)
}

pub fn hincrby(c: &mut Call) -> Value {
    let args = c.args;
    let now = c.now;
    let node = &mut c.server();
    let limits = node.config().hash_listpack;
    let ks = node.keyspace_mut();
    hincrby_generic(ks, limits, now, args)
}

pub fn hsetnx(c: &mut Call) -> Value {
    let args = c.args;
    let now = c.now;
    let node = &mut c.server();
    let limits = node.config().hash_listpack;
    let ks = node.keyspace_mut();
    let key = &args[1];
    let Some(Data::Hash(h)) = hash_or_create(ks, now, key) else {
        return wrong_type();
    };
    if h.contains_key(&args[2]) {
        Value::Integer(0)
    } else {
        h.insert(&args[2], &args[3], limits);
        ks.notify(class::HASH, "hset", key);
        Value::Integer(1)
    }
}

pub fn hmset(c: &mut Call) -> Value {
    let args = c.args;
    let now = c.now;
    let node = &mut c.server();
    let limits = node.config().hash_listpack;
    let ks = node.keyspace_mut();
    let key = &args[1];
    // `hsetCommand` checks the pairs before the type.
    if !args.len().is_multiple_of(2) {
        return super::arity_error("hmset");
    }
    let Some(Data::Hash(h)) = hash_or_create(ks, now, key) else {
        return wrong_type();
    };
    for p in args[2..].chunks(2) {
        h.insert(&p[0], &p[1], limits);
    }
    ks.notify(class::HASH, "hset", key);
    Value::ok()
}

pub fn hlen(c: &mut Call) -> Value {
    let args = c.args;
    let now = c.now;
    let node = &mut c.server();
    let ks = node.keyspace_mut();
    let key = &args[1];
    match ks.get(now, key) {
        None => Value::Integer(0),
        Some(Data::Hash(h)) => Value::Integer(h.len() as i64),
        Some(_) => wrong_type(),
    }
}

pub fn hexists(c: &mut Call) -> Value {
    let args = c.args;
    let now = c.now;
    let node = &mut c.server();
    let ks = node.keyspace_mut();
    let key = &args[1];
    match ks.get(now, key) {
        None => Value::Integer(0),
        Some(Data::Hash(h)) => Value::Integer(h.contains_key(&args[2]) as i64),
        Some(_) => wrong_type(),
    }
}

/// A map in RESP3, a flat field, value… array in RESP2.
pub fn hgetall(c: &mut Call) -> Value {
    let args = c.args;
    let now = c.now;
    let node = &mut c.server();
    let ks = node.keyspace_mut();
    let key = &args[1];
    match ks.get(now, key) {
        None => Value::Map(Vec::new()),
        Some(Data::Hash(h)) => Value::Map(
            h.iter()
                .map(|(f, v)| (Value::Bulk(f.to_vec()), Value::Bulk(v.to_vec())))
                .collect(),
        ),
        Some(_) => wrong_type(),
    }
}

/// `hashTypeLookupWriteOrCreate`: the hash at `key`, created if absent;
/// `None`'s caller answers WRONGTYPE. The created hash is removed again by
/// callers that end up adding nothing (no key ever holds an empty hash).
fn hash_or_create<'a>(ks: &'a mut Keyspace, now: Time, key: &[u8]) -> Option<&'a mut Data> {
    match entry(ks, now, key, || Data::Hash(Hash::default())) {
        Some(d @ Data::Hash(_)) => Some(d),
        _ => None,
    }
}

/// `HINCRBY key field increment`: the increment is parsed first, then the
/// type, then the stored value ("hash value is not an integer").
fn hincrby_generic(ks: &mut Keyspace, limits: PackLimits, now: Time, args: &[Vec<u8>]) -> Value {
    let by = match int_arg(&args[3]) {
        Ok(n) => n,
        Err(e) => return e,
    };
    let Some(Data::Hash(h)) = hash_or_create(ks, now, &args[1]) else {
        return wrong_type();
    };
    let current = match h.get(&args[2]) {
        None => 0,
        Some(v) => match crate::resp::parse_i64(v) {
            Some(n) => n,
            None => {
                let reply = Value::err("ERR hash value is not an integer");
                ks.remove_if_empty(&args[1]);
                return reply;
            }
        },
    };
    let Some(new) = current.checked_add(by) else {
        ks.remove_if_empty(&args[1]);
        return Value::err("ERR increment or decrement would overflow");
    };
    h.insert(&args[2], new.to_string().as_bytes(), limits);
    ks.notify(class::HASH, "hincrby", &args[1]);
    Value::Integer(new)
}

/// `HINCRBYFLOAT key field increment`: the increment (a finite long
/// double), then the type, then the stored value ("hash value is not a
/// float"); the sum is printed as INCRBYFLOAT prints it and the command is
/// streamed as `HSET key field <sum>`, so replicas store the same text.
pub fn hincrbyfloat(c: &mut Call) -> Value {
    let now = c.now;
    let args = c.args;
    let node = &mut c.server();
    use super::long_double::LongDouble;
    let Ok(incr) = LongDouble::parse(&args[3]) else {
        return Value::err("ERR value is not a valid float");
    };
    if !incr.is_finite() {
        return Value::err("ERR value is NaN or Infinity");
    }
    let limits = node.config().hash_listpack;
    let ks = node.keyspace_mut();
    let Some(Data::Hash(h)) = hash_or_create(ks, now, &args[1]) else {
        return wrong_type();
    };
    let current = match h.get(&args[2]) {
        None => Ok(LongDouble::Finite {
            neg: false,
            mant: 0,
            exp: 0,
        }),
        Some(v) => LongDouble::parse(v),
    };
    let Ok(current) = current else {
        return Value::err("ERR hash value is not a float");
    };
    let sum = match current.add(incr) {
        Some(v) if v.is_finite() => v,
        _ => {
            ks.remove_if_empty(&args[1]);
            return Value::err("ERR increment would produce NaN or Infinity");
        }
    };
    let text = sum.to_human().into_bytes();
    h.insert(&args[2], &text, limits);
    ks.notify(class::HASH, "hincrbyfloat", &args[1]);
    node.propagate(&[
        b"HSET".to_vec(),
        args[1].clone(),
        args[2].clone(),
        text.clone(),
    ]);
    Value::Bulk(text)
}

/// `HMGET key field…`: a nil for each missing field (all nils for a
/// missing key).
pub fn hmget(c: &mut Call) -> Value {
    let args = c.args;
    let now = c.now;
    let node = &mut c.server();
    let ks = node.keyspace_mut();
    let h = match ks.get(now, &args[1]) {
        None => None,
        Some(Data::Hash(h)) => Some(h),
        Some(_) => return wrong_type(),
    };
    Value::Array(
        args[2..]
            .iter()
            .map(|f| {
                h.and_then(|h| h.get(f))
                    .map_or(Value::Null, |v| Value::Bulk(v.to_vec()))
            })
            .collect(),
    )
}

pub fn hkeys(c: &mut Call) -> Value {
    hkeys_or_hvals(c, true)
}

pub fn hvals(c: &mut Call) -> Value {
    hkeys_or_hvals(c, false)
}

/// `genericHgetallCommand` for one side: an empty array for a missing key.
fn hkeys_or_hvals(c: &mut Call, keys: bool) -> Value {
    let now = c.now;
    let args = c.args;
    let node = &mut c.server();
    match node.keyspace_mut().get(now, &args[1]) {
        None => Value::Array(Vec::new()),
        Some(Data::Hash(h)) => Value::Array(
            h.iter()
                .map(|(f, v)| Value::Bulk(if keys { f } else { v }.to_vec()))
                .collect(),
        ),
        Some(_) => wrong_type(),
    }
}

/// `HSTRLEN key field`: 0 for a missing field or key.
pub fn hstrlen(c: &mut Call) -> Value {
    let now = c.now;
    let args = c.args;
    let node = &mut c.server();
    match node.keyspace_mut().get(now, &args[1]) {
        None => Value::Integer(0),
        Some(Data::Hash(h)) => Value::Integer(h.get(&args[2]).map_or(0, |v| v.len() as i64)),
        Some(_) => wrong_type(),
    }
}

/// `HRANDFIELD key [count [WITHVALUES]]` in `hrandfieldCommand`'s order:
/// the count (within ±LONG_MAX, ±LONG_MAX/2 with values), the option,
/// then the key. A negative count may repeat fields; a positive one
/// returns distinct fields, at most the whole hash. With values, RESP3
/// nests each pair, RESP2 flattens them.
pub fn hrandfield(c: &mut Call) -> Value {
    let now = c.now;
    let args = c.args;
    let count = match args.get(2).map(|a| random_count(a)) {
        None => None,
        Some(Ok(n)) => Some(n),
        Some(Err(e)) => return e,
    };
    let withvalues = match args.len() {
        0..=3 => false,
        4 if args[3].eq_ignore_ascii_case(b"withvalues") => true,
        _ => return super::syntax_error(),
    };
    if withvalues && count.is_some_and(|n| n.unsigned_abs() > (i64::MAX / 2) as u64) {
        return Value::err("ERR value is out of range");
    }
    let pairs: Vec<(Vec<u8>, Vec<u8>)> = match c.server().keyspace_mut().get(now, &args[1]) {
        None if count.is_some() => return Value::Array(Vec::new()),
        None => return Value::Null,
        Some(Data::Hash(h)) => h.iter().map(|(f, v)| (f.to_vec(), v.to_vec())).collect(),
        Some(_) => return wrong_type(),
    };
    let mut srv = c.server();
    let rng = srv.rng_mut();
    let Some(count) = count else {
        let i = super::random_picks::one(rng, pairs.len());
        return Value::Bulk(pairs[i].0.clone());
    };
    let Some(picked) = super::random_picks::indices(rng, pairs.len(), count) else {
        return super::random_picks::too_many();
    };
    let resp3 = c.client.proto == crate::resp::Protocol::Resp3;
    let mut out = Vec::with_capacity(picked.len() * (1 + withvalues as usize));
    for i in picked {
        let (f, v) = &pairs[i];
        match (withvalues, resp3) {
            (false, _) => out.push(Value::Bulk(f.clone())),
            (true, true) => out.push(Value::Array(vec![
                Value::Bulk(f.clone()),
                Value::Bulk(v.clone()),
            ])),
            (true, false) => {
                out.push(Value::Bulk(f.clone()));
                out.push(Value::Bulk(v.clone()));
            }
        }
    }
    Value::Array(out)
}

/// A random-pick count: `getRangeLongFromObjectOrReply(-LONG_MAX, LONG_MAX)`.
pub(super) fn random_count(arg: &[u8]) -> Result<i64, Value> {
    match int_arg(arg)? {
        i64::MIN => Err(Value::err(
            "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807",
        )),
        n => Ok(n),
    }
}

/// `HSCAN key cursor [MATCH pattern] [COUNT count]`: field, value pairs.
pub fn hscan(c: &mut Call) -> Value {
    let now = c.now;
    let args = c.args;
    let node = &mut c.server();
    let Some(cursor) = super::element_scan::cursor(&args[2]) else {
        return Value::err("ERR invalid cursor");
    };
    match node.keyspace_mut().get(now, &args[1]) {
        None => super::element_scan::empty(),
        Some(Data::Hash(h)) => {
            let items: Vec<Vec<Vec<u8>>> = h
                .iter()
                .map(|(f, v)| vec![f.to_vec(), v.to_vec()])
                .collect();
            super::element_scan::scan(args, cursor, &items, h.is_packed())
        }
        Some(_) => wrong_type(),
    }
}
