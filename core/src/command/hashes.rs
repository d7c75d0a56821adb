//! Hash commands beyond HSET/HGET (t_hash.c): HDEL, HINCRBY, HSETNX, HMSET,
//! HLEN, HEXISTS, HGETALL. A real master streams HDEL, HINCRBY, HSETNX and
//! HMSET verbatim, so a replica needs them to stay in step.

use super::collections::entry;
use super::Call;
use super::{int_arg, wrong_type};
use crate::keyspace::{Data, Keyspace};

use crate::resp::Value;
use crate::time::Time;
use std::collections::BTreeMap;

pub fn hdel(c: &mut Call) -> Value {
    let args = c.args;
    let now = c.now;
    let ks = c.node.keyspace_mut();
    let key = &args[1];
    let removed = match ks.get_mut(now, key) {
        None => 0,
        Some(Data::Hash(h)) => args[2..].iter().filter(|f| h.remove(*f).is_some()).count(),
        Some(_) => return wrong_type(),
    };
    ks.remove_if_empty(key);
    Value::Integer(removed as i64)
}

pub fn hincrby(c: &mut Call) -> Value {
    let args = c.args;
    let now = c.now;
    let ks = c.node.keyspace_mut();
    hincrby_generic(ks, now, args)
}

pub fn hsetnx(c: &mut Call) -> Value {
    let args = c.args;
    let now = c.now;
    let ks = c.node.keyspace_mut();
    let key = &args[1];
    let Some(Data::Hash(h)) = hash_or_create(ks, now, key) else {
        return wrong_type();
    };
    if h.contains_key(&args[2]) {
        Value::Integer(0)
    } else {
        h.insert(args[2].clone(), args[3].clone());
        Value::Integer(1)
    }
}

pub fn hmset(c: &mut Call) -> Value {
    let args = c.args;
    let now = c.now;
    let ks = c.node.keyspace_mut();
    let key = &args[1];
    // `hsetCommand` checks the pairs before the type.
    if !args.len().is_multiple_of(2) {
        return super::arity_error("hmset");
    }
    let Some(Data::Hash(h)) = hash_or_create(ks, now, key) else {
        return wrong_type();
    };
    for p in args[2..].chunks(2) {
        h.insert(p[0].clone(), p[1].clone());
    }
    Value::ok()
}

pub fn hlen(c: &mut Call) -> Value {
    let args = c.args;
    let now = c.now;
    let ks = c.node.keyspace_mut();
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
    let ks = c.node.keyspace_mut();
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
    let ks = c.node.keyspace_mut();
    let key = &args[1];
    match ks.get(now, key) {
        None => Value::Map(Vec::new()),
        Some(Data::Hash(h)) => Value::Map(
            h.iter()
                .map(|(f, v)| (Value::Bulk(f.clone()), Value::Bulk(v.clone())))
                .collect(),
        ),
        Some(_) => wrong_type(),
    }
}

/// `hashTypeLookupWriteOrCreate`: the hash at `key`, created if absent;
/// `None`'s caller answers WRONGTYPE. The created hash is removed again by
/// callers that end up adding nothing (no key ever holds an empty hash).
fn hash_or_create<'a>(ks: &'a mut Keyspace, now: Time, key: &[u8]) -> Option<&'a mut Data> {
    match entry(ks, now, key, || Data::Hash(BTreeMap::new())) {
        Some(d @ Data::Hash(_)) => Some(d),
        _ => None,
    }
}

/// `HINCRBY key field increment`: the increment is parsed first, then the
/// type, then the stored value ("hash value is not an integer").
fn hincrby_generic(ks: &mut Keyspace, now: Time, args: &[Vec<u8>]) -> Value {
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
    h.insert(args[2].clone(), new.to_string().into_bytes());
    Value::Integer(new)
}
