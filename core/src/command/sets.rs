//! Set and sorted-set commands beyond SADD/SREM/SPOP and ZADD/ZPOPMIN
//! (t_set.c, t_zset.c): SMOVE, SCARD, SISMEMBER, SINTERSTORE, SUNIONSTORE,
//! SDIFFSTORE, ZREM, ZINCRBY, ZSCORE, ZCARD, ZREMRANGEBYRANK,
//! ZREMRANGEBYSCORE, ZREMRANGEBYLEX. A real master streams the writes
//! verbatim.

use super::collections::{entry, parse_score, rank_range, zadd_generic};
use super::object::Limits;
use super::Call;
use super::{int_arg, wrong_type};
use crate::keyspace::notify::class;
use crate::keyspace::{Data, Keyspace};

use crate::resp::Value;
use crate::time::Time;
use std::borrow::Borrow;
use std::collections::BTreeSet;

pub fn smove(c: &mut Call) -> Value {
    let args = c.args;
    let now = c.now;
    let node = &mut c.server();
    let ks = node.keyspace_mut();
    smove_generic(ks, now, args)
}

pub fn scard(c: &mut Call) -> Value {
    let args = c.args;
    let now = c.now;
    let node = &mut c.server();
    let ks = node.keyspace_mut();
    let key = &args[1];
    match ks.get(now, key) {
        None => Value::Integer(0),
        Some(Data::Set(s)) => Value::Integer(s.len() as i64),
        Some(_) => wrong_type(),
    }
}

pub fn sismember(c: &mut Call) -> Value {
    let args = c.args;
    let now = c.now;
    let node = &mut c.server();
    let ks = node.keyspace_mut();
    let key = &args[1];
    match ks.get(now, key) {
        None => Value::Integer(0),
        Some(Data::Set(s)) => Value::Integer(s.contains(&args[2]) as i64),
        Some(_) => wrong_type(),
    }
}

pub fn zrem(c: &mut Call) -> Value {
    let args = c.args;
    let now = c.now;
    let node = &mut c.server();
    let ks = node.keyspace_mut();
    let key = &args[1];
    let removed = match ks.get_mut(now, key) {
        None => 0,
        Some(Data::ZSet(z)) => args[2..].iter().filter(|m| z.remove(m).is_some()).count(),
        Some(_) => return wrong_type(),
    };
    if removed > 0 {
        ks.notify(class::ZSET, "zrem", key);
    }
    ks.remove_if_empty(key);
    Value::Integer(removed as i64)
}

/// `ZINCRBY key increment member` is `zaddGenericCommand` with INCR: the
/// same flag parsing from `increment` on (`ZINCRBY k nx m` is a syntax
/// error), a new member's score is the increment itself (so -0 stays -0),
/// and the same listpack storage.
pub fn zincrby(c: &mut Call) -> Value {
    let now = c.now;
    let args = c.args;
    let node = &mut c.server();
    let limits = Limits::of(node.config());
    let mut zadd = vec![args[0].clone(), args[1].clone(), b"INCR".to_vec()];
    zadd.extend_from_slice(&args[2..]);
    zadd_generic(node.keyspace_mut(), limits, now, &zadd).0
}

pub fn zscore(c: &mut Call) -> Value {
    let args = c.args;
    let now = c.now;
    let node = &mut c.server();
    let ks = node.keyspace_mut();
    let key = &args[1];
    match ks.get(now, key) {
        None => Value::Null,
        Some(Data::ZSet(z)) => z.score(&args[2]).map_or(Value::Null, Value::Double),
        Some(_) => wrong_type(),
    }
}

pub fn zcard(c: &mut Call) -> Value {
    let args = c.args;
    let now = c.now;
    let node = &mut c.server();
    let ks = node.keyspace_mut();
    let key = &args[1];
    match ks.get(now, key) {
        None => Value::Integer(0),
        Some(Data::ZSet(z)) => Value::Integer(z.len() as i64),
        Some(_) => wrong_type(),
    }
}

pub fn zremrangebyrank(c: &mut Call) -> Value {
    let args = c.args;
    let now = c.now;
    let node = &mut c.server();
    let ks = node.keyspace_mut();
    zremrangebyrank_generic(ks, now, args)
}

pub fn zremrangebyscore(c: &mut Call) -> Value {
    let args = c.args;
    let now = c.now;
    let node = &mut c.server();
    let ks = node.keyspace_mut();
    let key = &args[1];
    match score_range(&args[2], &args[3]) {
        Some((min, max)) => zremove(ks, now, key, |_, s| min.below(&s) && max.above(&s)),
        None => Value::err("ERR min or max is not a float"),
    }
}

pub fn zremrangebylex(c: &mut Call) -> Value {
    let args = c.args;
    let now = c.now;
    let node = &mut c.server();
    let ks = node.keyspace_mut();
    let key = &args[1];
    match (lex_bound(&args[2]), lex_bound(&args[3])) {
        (Some(min), Some(max)) => zremrangebylex_generic(ks, now, key, &min, &max),
        _ => Value::err("ERR min or max not valid string range item"),
    }
}

pub fn sinterstore(c: &mut Call) -> Value {
    sinterstore_or_sunionstore_or_sdiffstore(c, "sinterstore")
}

pub fn sunionstore(c: &mut Call) -> Value {
    sinterstore_or_sunionstore_or_sdiffstore(c, "sunionstore")
}

pub fn sdiffstore(c: &mut Call) -> Value {
    sinterstore_or_sunionstore_or_sdiffstore(c, "sdiffstore")
}

fn sinterstore_or_sunionstore_or_sdiffstore(c: &mut Call, name: &str) -> Value {
    let args = c.args;
    let now = c.now;
    let node = &mut c.server();
    let ks = node.keyspace_mut();
    setop_store(ks, now, name, args)
}

/// `SMOVE source destination member`: both types are checked before
/// anything moves; moving within one set answers whether it is a member.
fn smove_generic(ks: &mut Keyspace, now: Time, args: &[Vec<u8>]) -> Value {
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
    ks.notify(class::SET, "srem", src);
    ks.remove_if_empty(src);
    if let Some(Data::Set(d)) = entry(ks, now, dst, || Data::Set(BTreeSet::new())) {
        if d.insert(member.clone()) {
            ks.notify(class::SET, "sadd", dst);
        }
    }
    Value::Integer(1)
}

/// `ZREMRANGEBYRANK key start stop`: ranks in (score, member) order,
/// negative from the end, as `zremrangeGenericCommand` clamps them.
fn zremrangebyrank_generic(ks: &mut Keyspace, now: Time, args: &[Vec<u8>]) -> Value {
    let (start, stop) = match (int_arg(&args[2]), int_arg(&args[3])) {
        (Ok(a), Ok(b)) => (a, b),
        (Err(e), _) | (_, Err(e)) => return e,
    };
    let z = match ks.get_mut(now, &args[1]) {
        None => return Value::Integer(0),
        Some(Data::ZSet(z)) => z,
        Some(_) => return wrong_type(),
    };
    let Some((start, stop)) = rank_range(start, stop, z.len()) else {
        return Value::Integer(0);
    };
    let mut ordered: Vec<(&[u8], f64)> = z.iter().collect();
    crate::sorted::sort_by(&mut ordered, |a, b| a.1.total_cmp(&b.1).then(a.0.cmp(b.0)));
    let doomed: Vec<Vec<u8>> = ordered[start..=stop]
        .iter()
        .map(|(m, _)| m.to_vec())
        .collect();
    for m in &doomed {
        z.remove(m);
    }
    ks.notify(class::ZSET, "zremrangebyrank", &args[1]);
    ks.remove_if_empty(&args[1]);
    Value::Integer(doomed.len() as i64)
}

/// One end of a ZREMRANGEBYSCORE / ZREMRANGEBYLEX range (`-inf`/`+inf`
/// are plain scores; `-`/`+` for members are [`LexBound`]'s).
pub(super) enum Bound<T> {
    Inclusive(T),
    Exclusive(T),
}

/// Bounds compare with borrowed values (a member bound with the `&[u8]`
/// a packed set yields).
impl<T> Bound<T> {
    /// `x` is on the right side of this bound taken as a minimum.
    pub(super) fn below<U: PartialOrd + ?Sized>(&self, x: &U) -> bool
    where
        T: Borrow<U>,
    {
        match self {
            Bound::Inclusive(b) => b.borrow() <= x,
            Bound::Exclusive(b) => b.borrow() < x,
        }
    }

    /// `x` is on the left side of this bound taken as a maximum.
    pub(super) fn above<U: PartialOrd + ?Sized>(&self, x: &U) -> bool
    where
        T: Borrow<U>,
    {
        match self {
            Bound::Inclusive(b) => x <= b.borrow(),
            Bound::Exclusive(b) => x < b.borrow(),
        }
    }
}

/// `zslParseRange`: `(` makes an end exclusive; `inf` is a float.
pub(super) fn score_range(min: &[u8], max: &[u8]) -> Option<(Bound<f64>, Bound<f64>)> {
    let parse = |arg: &[u8]| match arg.strip_prefix(b"(") {
        Some(rest) => parse_score(rest).map(Bound::Exclusive),
        None => parse_score(arg).map(Bound::Inclusive),
    };
    Some((parse(min)?, parse(max)?))
}

/// `zslParseLexRangeItem`: `[x` inclusive, `(x` exclusive, `-` and `+`
/// the ends. `-` as a maximum (or `+` as a minimum) matches nothing.
pub(super) fn lex_bound(arg: &[u8]) -> Option<LexBound> {
    match arg.first()? {
        b'+' if arg.len() == 1 => Some(LexBound::Max),
        b'-' if arg.len() == 1 => Some(LexBound::Min),
        b'[' => Some(LexBound::Item(Bound::Inclusive(arg[1..].to_vec()))),
        b'(' => Some(LexBound::Item(Bound::Exclusive(arg[1..].to_vec()))),
        _ => None,
    }
}

pub(super) enum LexBound {
    Min,
    Max,
    Item(Bound<Vec<u8>>),
}

impl LexBound {
    /// `zslIsInLexRange`'s first test: min above max, or equal with an
    /// exclusive end, is an empty range.
    pub(super) fn empty_with(&self, max: &LexBound) -> bool {
        fn item(b: &LexBound) -> (u8, Option<&Vec<u8>>, bool) {
            match b {
                LexBound::Min => (0, None, false),
                LexBound::Max => (2, None, false),
                LexBound::Item(Bound::Inclusive(v)) => (1, Some(v), false),
                LexBound::Item(Bound::Exclusive(v)) => (1, Some(v), true),
            }
        }
        let (a, b) = (item(self), item(max));
        (a.0, &a.1) > (b.0, &b.1) || ((a.0, &a.1) == (b.0, &b.1) && (a.2 || b.2))
    }

    pub(super) fn below(&self, m: &[u8]) -> bool {
        match self {
            LexBound::Min => true,
            LexBound::Max => false,
            LexBound::Item(b) => b.below(m),
        }
    }

    pub(super) fn above(&self, m: &[u8]) -> bool {
        match self {
            LexBound::Min => false,
            LexBound::Max => true,
            LexBound::Item(b) => b.above(m),
        }
    }
}

/// `ZREMRANGEBYLEX key min max`, meant for members of equal score: like
/// `zzlDeleteRangeByLex`, nothing goes unless the first member (in score
/// order) is at most `max` and the last at least `min`; then from the
/// first member at least `min`, members go until one is above `max`.
fn zremrangebylex_generic(
    ks: &mut Keyspace,
    now: Time,
    key: &[u8],
    min: &LexBound,
    max: &LexBound,
) -> Value {
    let z = match ks.get_mut(now, key) {
        None => return Value::Integer(0),
        Some(Data::ZSet(z)) => z,
        Some(_) => return wrong_type(),
    };
    let mut ordered: Vec<(&[u8], f64)> = z.iter().collect();
    crate::sorted::sort_by(&mut ordered, |a, b| a.1.total_cmp(&b.1).then(a.0.cmp(b.0)));
    let overlaps = ordered.first().is_some_and(|(m, _)| max.above(m))
        && ordered.last().is_some_and(|(m, _)| min.below(m));
    if !overlaps || min.empty_with(max) {
        return Value::Integer(0);
    }
    let doomed: Vec<Vec<u8>> = ordered
        .iter()
        .skip_while(|(m, _)| !min.below(m))
        .take_while(|(m, _)| max.above(m))
        .map(|(m, _)| m.to_vec())
        .collect();
    for m in &doomed {
        z.remove(m);
    }
    if !doomed.is_empty() {
        ks.notify(class::ZSET, "zremrangebylex", key);
    }
    ks.remove_if_empty(key);
    Value::Integer(doomed.len() as i64)
}

/// Removes the members `doomed` picks; the count removed.
fn zremove(ks: &mut Keyspace, now: Time, key: &[u8], doomed: impl Fn(&[u8], f64) -> bool) -> Value {
    let z = match ks.get_mut(now, key) {
        None => return Value::Integer(0),
        Some(Data::ZSet(z)) => z,
        Some(_) => return wrong_type(),
    };
    let before = z.len();
    z.retain(|m, s| !doomed(m, s));
    let removed = before - z.len();
    if removed > 0 {
        ks.notify(class::ZSET, "zremrangebyscore", key);
    }
    ks.remove_if_empty(key);
    Value::Integer(removed as i64)
}

/// `SINTERSTORE`/`SUNIONSTORE`/`SDIFFSTORE destination key…`: every
/// source's type is checked (a missing one is an empty set); the result
/// replaces the destination (its TTL goes), or deletes it when empty.
fn setop_store(ks: &mut Keyspace, now: Time, name: &str, args: &[Vec<u8>]) -> Value {
    let mut sets: Vec<Option<BTreeSet<Vec<u8>>>> = Vec::new();
    for key in &args[2..] {
        match ks.get(now, key) {
            None => sets.push(None),
            Some(Data::Set(s)) => sets.push(Some(s.clone())),
            Some(_) => return wrong_type(),
        }
    }
    let mut sources = sets.into_iter();
    let first = sources.next().flatten().unwrap_or_default();
    let result = sources.fold(first, |acc, s| {
        let s = s.unwrap_or_default();
        match name {
            "sinterstore" => crate::sorted::set(acc.intersection(&s).cloned()),
            "sunionstore" => crate::sorted::set(acc.union(&s).cloned()),
            _ => crate::sorted::set(acc.difference(&s).cloned()),
        }
    });
    let card = result.len() as i64;
    if result.is_empty() {
        if ks.remove(now, &args[1]).is_some() {
            ks.notify(class::GENERIC, "del", &args[1]);
        }
    } else {
        ks.set(&args[1], Data::Set(result));
        let event = match name {
            "sinterstore" => "sinterstore",
            "sunionstore" => "sunionstore",
            _ => "sdiffstore",
        };
        ks.notify(class::SET, event, &args[1]);
    }
    Value::Integer(card)
}
