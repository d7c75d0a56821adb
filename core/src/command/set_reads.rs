//! Set reads (t_set.c): SMEMBERS, SMISMEMBER, SINTER, SUNION, SDIFF,
//! SINTERCARD, SRANDMEMBER, SSCAN. Whole sets go out as RESP3 sets (`~`),
//! arrays in RESP2, as `addReplySetLen` does.

use super::object::Limits;
use super::{int_arg, wrong_type, Call};
use crate::keyspace::{Data, Keyspace};
use crate::resp::{parse_i64, Value};
use crate::time::Time;
use std::collections::BTreeSet;

/// The members of a set reply, in the order Redis walks them: an intset
/// (all integers, few enough) is sorted by value; a hash table's order is
/// its own, and any order stands for it.
fn members<'a>(limits: Limits, it: impl Iterator<Item = &'a Vec<u8>>) -> Value {
    Value::Set(
        in_walk_order(limits, it.cloned().collect())
            .into_iter()
            .map(Value::Bulk)
            .collect(),
    )
}

/// `members` sorted as an intset keeps them, when Redis would hold them in one.
fn in_walk_order(limits: Limits, mut members: Vec<Vec<u8>>) -> Vec<Vec<u8>> {
    let ints: Option<Vec<i64>> = members.iter().map(|m| parse_i64(m)).collect();
    if let Some(mut ints) = ints.filter(|i| limits.intset_fits(i.len())) {
        crate::sorted::sort(&mut ints);
        members = ints
            .into_iter()
            .map(|i| i.to_string().into_bytes())
            .collect();
    }
    members
}

/// `SMEMBERS key` (`sinterGenericCommand` on one key): an empty set for a
/// missing key.
pub fn smembers(c: &mut Call) -> Value {
    let now = c.now;
    let args = c.args;
    let node = &mut c.server();
    let limits = Limits::of(node.config());
    match node.keyspace_mut().get(now, &args[1]) {
        None => Value::Set(Vec::new()),
        Some(Data::Set(s)) => members(limits, s.iter()),
        Some(_) => wrong_type(),
    }
}

/// `SMISMEMBER key member…`: 0 or 1 for each member.
pub fn smismember(c: &mut Call) -> Value {
    let now = c.now;
    let args = c.args;
    let node = &mut c.server();
    let s = match node.keyspace_mut().get(now, &args[1]) {
        None => None,
        Some(Data::Set(s)) => Some(s),
        Some(_) => return wrong_type(),
    };
    Value::Array(
        args[2..]
            .iter()
            .map(|m| Value::Integer(s.is_some_and(|s| s.contains(m)) as i64))
            .collect(),
    )
}

/// The sets at `keys`, every type checked first (a missing key is `None`).
fn sources(
    ks: &mut Keyspace,
    now: Time,
    keys: &[Vec<u8>],
) -> Result<Vec<Option<BTreeSet<Vec<u8>>>>, Value> {
    keys.iter()
        .map(|k| match ks.get(now, k) {
            None => Ok(None),
            Some(Data::Set(s)) => Ok(Some(s.clone())),
            Some(_) => Err(wrong_type()),
        })
        .collect()
}

/// The intersection; empty as soon as one source is missing.
fn intersection(sets: Vec<Option<BTreeSet<Vec<u8>>>>) -> BTreeSet<Vec<u8>> {
    let Some(mut sets) = sets.into_iter().collect::<Option<Vec<_>>>() else {
        return BTreeSet::new();
    };
    crate::sorted::sort_by_key(&mut sets, |s| s.len());
    let mut rest = sets.into_iter();
    let first = rest.next().unwrap_or_default();
    rest.fold(first, |acc, s| {
        crate::sorted::set(acc.intersection(&s).cloned())
    })
}

pub fn sinter(c: &mut Call) -> Value {
    let now = c.now;
    let args = c.args;
    let node = &mut c.server();
    let limits = Limits::of(node.config());
    match sources(node.keyspace_mut(), now, &args[1..]) {
        Ok(sets) => members(limits, intersection(sets).iter()),
        Err(e) => e,
    }
}

pub fn sunion(c: &mut Call) -> Value {
    let now = c.now;
    let args = c.args;
    let node = &mut c.server();
    let limits = Limits::of(node.config());
    match sources(node.keyspace_mut(), now, &args[1..]) {
        Ok(sets) => members(
            limits,
            crate::sorted::set(sets.into_iter().flatten().flatten()).iter(),
        ),
        Err(e) => e,
    }
}

/// `SDIFF first other…`: the first set without the members of the others.
pub fn sdiff(c: &mut Call) -> Value {
    let now = c.now;
    let args = c.args;
    let node = &mut c.server();
    let limits = Limits::of(node.config());
    match sources(node.keyspace_mut(), now, &args[1..]) {
        Ok(sets) => {
            let mut rest = sets.into_iter();
            let mut diff = rest.next().flatten().unwrap_or_default();
            for s in rest.flatten() {
                diff.retain(|m| !s.contains(m));
            }
            members(limits, diff.iter())
        }
        Err(e) => e,
    }
}

/// `SINTERCARD numkeys key… [LIMIT limit]` in `sinterCardCommand`'s order:
/// numkeys, its fit, the options, then the keys' types.
pub fn sintercard(c: &mut Call) -> Value {
    let args = c.args;
    let now = c.now;
    let node = &mut c.server();
    // `getRangeLongFromObjectOrReply` with a message: a text that is not
    // a number gets the same message as one out of range.
    let numkeys = match int_arg(&args[1]) {
        Ok(n) if n >= 1 => n as u64,
        _ => return Value::err("ERR numkeys should be greater than 0"),
    };
    if numkeys > (args.len() - 2) as u64 {
        return Value::err("ERR Number of keys can't be greater than number of args");
    }
    let numkeys = numkeys as usize;
    let mut limit = 0u64;
    let mut j = 2 + numkeys;
    while j < args.len() {
        if args[j].eq_ignore_ascii_case(b"limit") && j + 1 < args.len() {
            j += 1;
            limit = match int_arg(&args[j]) {
                Ok(n) if n >= 0 => n as u64,
                _ => return Value::err("ERR LIMIT can't be negative"),
            };
        } else {
            return super::syntax_error();
        }
        j += 1;
    }
    match sources(node.keyspace_mut(), now, &args[2..2 + numkeys]) {
        Ok(sets) => {
            let card = intersection(sets).len() as u64;
            Value::Integer(if limit > 0 { card.min(limit) } else { card } as i64)
        }
        Err(e) => e,
    }
}

/// `SRANDMEMBER key [count]`: the count before the key; a nil without a
/// count for a missing key, an empty array with one.
pub fn srandmember(c: &mut Call) -> Value {
    let args = c.args;
    let now = c.now;
    let node = &mut c.server();
    if args.len() > 3 {
        return super::syntax_error();
    }
    let count = match args.get(2).map(|a| super::hashes::random_count(a)) {
        None => None,
        Some(Ok(n)) => Some(n),
        Some(Err(e)) => return e,
    };
    let limits = Limits::of(node.config());
    let set: Vec<Vec<u8>> = match node.keyspace_mut().get(now, &args[1]) {
        None if count.is_some() => return Value::Array(Vec::new()),
        None => return Value::Null,
        Some(Data::Set(s)) => in_walk_order(limits, s.iter().cloned().collect()),
        Some(_) => return wrong_type(),
    };
    let rng = node.rng_mut();
    let Some(count) = count else {
        return Value::Bulk(set[super::random_picks::one(rng, set.len())].clone());
    };
    match super::random_picks::indices(rng, set.len(), count) {
        Some(picked) => Value::Array(
            picked
                .into_iter()
                .map(|i| Value::Bulk(set[i].clone()))
                .collect(),
        ),
        None => super::random_picks::too_many(),
    }
}

/// `SSCAN key cursor [MATCH pattern] [COUNT count]`.
pub fn sscan(c: &mut Call) -> Value {
    let now = c.now;
    let args = c.args;
    let node = &mut c.server();
    let Some(cursor) = super::element_scan::cursor(&args[2]) else {
        return Value::err("ERR invalid cursor");
    };
    let limits = Limits::of(node.config());
    match node.keyspace_mut().get(now, &args[1]) {
        None => super::element_scan::empty(),
        Some(d @ Data::Set(s)) => {
            let compact = limits.compact(d);
            let items: Vec<Vec<Vec<u8>>> = in_walk_order(limits, s.iter().cloned().collect())
                .into_iter()
                .map(|m| vec![m])
                .collect();
            super::element_scan::scan(args, cursor, &items, compact)
        }
        Some(_) => wrong_type(),
    }
}
