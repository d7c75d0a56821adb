//! Enough lists, sets, hashes and sorted sets for redis-benchmark's default
//! tests: LPUSH, RPUSH, LPOP, RPOP, LRANGE, SADD, SPOP, HSET, HGET, ZADD,
//! ZPOPMIN.

use super::{int_arg, wrong_type};
use crate::keyspace::{Data, Keyspace};
use crate::node::Node;
use crate::resp::Value;
use crate::time::Time;
use std::collections::{BTreeMap, BTreeSet, VecDeque};

pub fn run(node: &mut Node, now: Time, name: &str, args: &[Vec<u8>]) -> Option<Value> {
    let ks = node.keyspace_mut();
    let key = &args[1];
    Some(match name {
        "lpush" | "rpush" => {
            let list = match entry(ks, now, key, || Data::List(VecDeque::new())) {
                Some(Data::List(l)) => l,
                _ => return Some(wrong_type()),
            };
            for v in &args[2..] {
                if name == "lpush" {
                    list.push_front(v.clone());
                } else {
                    list.push_back(v.clone());
                }
            }
            Value::Integer(list.len() as i64)
        }
        "lpop" | "rpop" => {
            let count = match args.get(2).map(|c| int_arg(c)) {
                None => None,
                Some(Ok(n)) if n >= 0 => Some(n as usize),
                Some(Ok(_)) => {
                    return Some(Value::err("ERR value is out of range, must be positive"))
                }
                Some(Err(e)) => return Some(e),
            };
            let list = match ks.get_mut(now, key) {
                None => {
                    return Some(if count.is_some() {
                        Value::NullArray
                    } else {
                        Value::Null
                    })
                }
                Some(Data::List(l)) => l,
                Some(_) => return Some(wrong_type()),
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
                Some(n) => Value::Array((0..n).map_while(|_| pop()).map(Value::Bulk).collect()),
            };
            ks.remove_if_empty(key);
            reply
        }
        "lrange" => {
            let (start, stop) = match (int_arg(&args[2]), int_arg(&args[3])) {
                (Ok(a), Ok(b)) => (a, b),
                (Err(e), _) | (_, Err(e)) => return Some(e),
            };
            match ks.get(now, key) {
                None => Value::Array(Vec::new()),
                Some(Data::List(l)) => {
                    let len = l.len() as i64;
                    let norm = |i: i64| if i < 0 { (len + i).max(0) } else { i };
                    let (s, e) = (norm(start), norm(stop).min(len - 1));
                    if s > e || s >= len {
                        Value::Array(Vec::new())
                    } else {
                        Value::Array(
                            l.range(s as usize..=e as usize)
                                .map(|v| Value::Bulk(v.clone()))
                                .collect(),
                        )
                    }
                }
                Some(_) => wrong_type(),
            }
        }
        "sadd" => {
            let set = match entry(ks, now, key, || Data::Set(BTreeSet::new())) {
                Some(Data::Set(s)) => s,
                _ => return Some(wrong_type()),
            };
            let added = args[2..]
                .iter()
                .filter(|m| set.insert((*m).clone()))
                .count();
            Value::Integer(added as i64)
        }
        "spop" => {
            let set = match ks.get_mut(now, key) {
                None => {
                    return Some(if args.len() > 2 {
                        Value::Array(Vec::new())
                    } else {
                        Value::Null
                    })
                }
                Some(Data::Set(s)) => s,
                Some(_) => return Some(wrong_type()),
            };
            // Deterministic: pops the smallest member (Redis picks at random).
            let reply = match args.get(2) {
                None => set.pop_first().map_or(Value::Null, Value::Bulk),
                Some(c) => match int_arg(c) {
                    Ok(n) if n >= 0 => Value::Array(
                        (0..n)
                            .map_while(|_| set.pop_first())
                            .map(Value::Bulk)
                            .collect(),
                    ),
                    Ok(_) => {
                        return Some(Value::err("ERR value is out of range, must be positive"))
                    }
                    Err(e) => return Some(e),
                },
            };
            ks.remove_if_empty(key);
            reply
        }
        "hset" => {
            if !args.len().is_multiple_of(2) {
                return Some(super::arity_error("hset"));
            }
            let hash = match entry(ks, now, key, || Data::Hash(BTreeMap::new())) {
                Some(Data::Hash(h)) => h,
                _ => return Some(wrong_type()),
            };
            let added = args[2..]
                .chunks(2)
                .filter(|p| hash.insert(p[0].clone(), p[1].clone()).is_none())
                .count();
            Value::Integer(added as i64)
        }
        "hget" => match ks.get(now, key) {
            None => Value::Null,
            Some(Data::Hash(h)) => h
                .get(&args[2])
                .map_or(Value::Null, |v| Value::Bulk(v.clone())),
            Some(_) => wrong_type(),
        },
        "zadd" => zadd(ks, now, args),
        "zpopmin" => {
            let count = match args.get(2).map(|c| int_arg(c)) {
                None => 1,
                Some(Ok(n)) if n >= 0 => n as usize,
                Some(Ok(_)) => {
                    return Some(Value::err("ERR value is out of range, must be positive"))
                }
                Some(Err(e)) => return Some(e),
            };
            let z = match ks.get_mut(now, key) {
                None => return Some(Value::Array(Vec::new())),
                Some(Data::ZSet(z)) => z,
                Some(_) => return Some(wrong_type()),
            };
            let mut out = Vec::new();
            for _ in 0..count {
                let Some((member, score)) = z
                    .iter()
                    .min_by(|a, b| a.1.total_cmp(b.1).then(a.0.cmp(b.0)))
                    .map(|(m, s)| (m.clone(), *s))
                else {
                    break;
                };
                z.remove(&member);
                out.push(Value::Bulk(member));
                out.push(Value::Double(score));
            }
            ks.remove_if_empty(key);
            Value::Array(out)
        }
        _ => return None,
    })
}

/// The value at `key`, created with `make` if absent.
fn entry<'a>(
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

/// `ZADD key [NX|XX] [GT|LT] [CH] [INCR] score member …` (NX/XX/CH supported).
fn zadd(ks: &mut Keyspace, now: Time, args: &[Vec<u8>]) -> Value {
    let mut i = 2;
    let (mut nx, mut xx, mut ch) = (false, false, false);
    while i < args.len() {
        match args[i].to_ascii_uppercase().as_slice() {
            b"NX" => nx = true,
            b"XX" => xx = true,
            b"CH" => ch = true,
            _ => break,
        }
        i += 1;
    }
    if nx && xx {
        return Value::err("ERR XX and NX options at the same time are not compatible");
    }
    let pairs = &args[i..];
    if pairs.is_empty() || !pairs.len().is_multiple_of(2) {
        return super::syntax_error();
    }
    let mut scored = Vec::new();
    for p in pairs.chunks(2) {
        let score = std::str::from_utf8(&p[0])
            .ok()
            .and_then(|s| s.parse::<f64>().ok())
            .filter(|f| !f.is_nan());
        match score {
            Some(s) => scored.push((s, p[1].clone())),
            None => return Value::err("ERR value is not a valid float"),
        }
    }
    let z = match entry(ks, now, &args[1], || Data::ZSet(BTreeMap::new())) {
        Some(Data::ZSet(z)) => z,
        _ => return wrong_type(),
    };
    let mut changed = 0;
    for (score, member) in scored {
        let old = z.get(&member).copied();
        if (nx && old.is_some()) || (xx && old.is_none()) {
            continue;
        }
        if old.is_none() || (ch && old != Some(score)) {
            changed += 1;
        }
        z.insert(member, score);
    }
    ks.remove_if_empty(&args[1]);
    Value::Integer(changed)
}
