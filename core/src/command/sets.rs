//! Set and sorted-set commands beyond SADD/SREM/SPOP and ZADD/ZPOPMIN
//! (t_set.c, t_zset.c): SMOVE, SCARD, SISMEMBER, ZREM, ZINCRBY, ZSCORE,
//! ZCARD, ZREMRANGEBYRANK. A real master streams the writes verbatim.

use super::collections::{entry, parse_score};
use super::{int_arg, wrong_type};
use crate::keyspace::{Data, Keyspace};
use crate::node::Node;
use crate::resp::Value;
use crate::time::Time;
use std::collections::{BTreeMap, BTreeSet};

/// Runs a set or sorted-set command, or `None` if `name` is not one of these.
pub fn run(node: &mut Node, now: Time, name: &str, args: &[Vec<u8>]) -> Option<Value> {
    let ks = node.keyspace_mut();
    let key = &args[1];
    Some(match name {
        "smove" => smove(ks, now, args),
        "scard" => match ks.get(now, key) {
            None => Value::Integer(0),
            Some(Data::Set(s)) => Value::Integer(s.len() as i64),
            Some(_) => wrong_type(),
        },
        "sismember" => match ks.get(now, key) {
            None => Value::Integer(0),
            Some(Data::Set(s)) => Value::Integer(s.contains(&args[2]) as i64),
            Some(_) => wrong_type(),
        },
        "zrem" => {
            let removed = match ks.get_mut(now, key) {
                None => 0,
                Some(Data::ZSet(z)) => args[2..].iter().filter(|m| z.remove(*m).is_some()).count(),
                Some(_) => return Some(wrong_type()),
            };
            ks.remove_if_empty(key);
            Value::Integer(removed as i64)
        }
        "zincrby" => zincrby(ks, now, args),
        "zscore" => match ks.get(now, key) {
            None => Value::Null,
            Some(Data::ZSet(z)) => z.get(&args[2]).map_or(Value::Null, |s| Value::Double(*s)),
            Some(_) => wrong_type(),
        },
        "zcard" => match ks.get(now, key) {
            None => Value::Integer(0),
            Some(Data::ZSet(z)) => Value::Integer(z.len() as i64),
            Some(_) => wrong_type(),
        },
        "zremrangebyrank" => zremrangebyrank(ks, now, args),
        _ => return None,
    })
}

/// `SMOVE source destination member`: both types are checked before
/// anything moves; moving within one set answers whether it is a member.
fn smove(ks: &mut Keyspace, now: Time, args: &[Vec<u8>]) -> Value {
    let (src, dst, member) = (&args[1], &args[2], &args[3]);
    let src_is_set = match ks.get(now, src) {
        None => false,
        Some(Data::Set(_)) => true,
        Some(_) => return wrong_type(),
    };
    if matches!(ks.get(now, dst), Some(d) if !matches!(d, Data::Set(_))) {
        return wrong_type();
    }
    if !src_is_set {
        return Value::Integer(0);
    }
    let Some(Data::Set(s)) = ks.get_mut(now, src) else {
        return Value::Integer(0);
    };
    if src == dst {
        return Value::Integer(s.contains(member) as i64);
    }
    if !s.remove(member) {
        return Value::Integer(0);
    }
    ks.remove_if_empty(src);
    if let Some(Data::Set(d)) = entry(ks, now, dst, || Data::Set(BTreeSet::new())) {
        d.insert(member.clone());
    }
    Value::Integer(1)
}

/// `ZINCRBY key increment member`: ZADD INCR's reply and errors.
fn zincrby(ks: &mut Keyspace, now: Time, args: &[Vec<u8>]) -> Value {
    let Some(by) = parse_score(&args[2]) else {
        return Value::err("ERR value is not a valid float");
    };
    let Some(Data::ZSet(z)) = entry(ks, now, &args[1], || Data::ZSet(BTreeMap::new())) else {
        return wrong_type();
    };
    let score = z.get(&args[3]).copied().unwrap_or(0.0) + by;
    if score.is_nan() {
        ks.remove_if_empty(&args[1]);
        return Value::err("ERR resulting score is not a number (NaN)");
    }
    z.insert(args[3].clone(), score);
    Value::Double(score)
}

/// `ZREMRANGEBYRANK key start stop`: ranks in (score, member) order,
/// negative from the end, as `zremrangeGenericCommand` clamps them.
fn zremrangebyrank(ks: &mut Keyspace, now: Time, args: &[Vec<u8>]) -> Value {
    let (start, stop) = match (int_arg(&args[2]), int_arg(&args[3])) {
        (Ok(a), Ok(b)) => (a, b),
        (Err(e), _) | (_, Err(e)) => return e,
    };
    let z = match ks.get_mut(now, &args[1]) {
        None => return Value::Integer(0),
        Some(Data::ZSet(z)) => z,
        Some(_) => return wrong_type(),
    };
    let len = z.len() as i64;
    let start = if start < 0 {
        len.saturating_add(start)
    } else {
        start
    }
    .max(0);
    let stop = if stop < 0 {
        len.saturating_add(stop)
    } else {
        stop
    };
    if start > stop || start >= len {
        return Value::Integer(0);
    }
    let stop = stop.min(len - 1);
    let mut ordered: Vec<(&Vec<u8>, f64)> = z.iter().map(|(m, s)| (m, *s)).collect();
    ordered.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(b.0)));
    let doomed: Vec<Vec<u8>> = ordered[start as usize..=stop as usize]
        .iter()
        .map(|(m, _)| (*m).clone())
        .collect();
    for m in &doomed {
        z.remove(m);
    }
    ks.remove_if_empty(&args[1]);
    Value::Integer(doomed.len() as i64)
}
