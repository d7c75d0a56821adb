//! Sorted-set reads by rank, score and member (t_zset.c): ZRANGE in all
//! its forms and the older commands that are its special cases
//! (ZREVRANGE, ZRANGEBYSCORE, ZREVRANGEBYSCORE, ZRANGEBYLEX,
//! ZREVRANGEBYLEX), ZRANGESTORE, ZRANK, ZREVRANK, ZCOUNT, ZLEXCOUNT and
//! ZMSCORE. Like 7.0, every range command goes through one parser
//! (`zrangeGenericCommand`), so options, conflicts and error texts agree.

use super::object::Limits;
use super::sets::{lex_bound, score_range, Bound, LexBound};
use super::Call;
use super::{int_arg, wrong_type};
use crate::keyspace::notify::class;
use crate::keyspace::{Data, Keyspace, ZSet};
use crate::resp::{Protocol, Value};
use crate::time::Time;
use std::collections::BTreeMap;

/// A stored sorted set's members in Redis's order ([`sorted`]), which
/// both its encodings keep.
pub(super) fn ordered(z: &ZSet) -> Vec<Entry<'_>> {
    z.iter().collect()
}

/// Members in Redis's order: by score, then by member bytes (`zslInsert`'s
/// order). Scores compare with `<`, so `-0` equals 0.
pub(super) fn sorted(z: &BTreeMap<Vec<u8>, f64>) -> Vec<Entry<'_>> {
    let mut v: Vec<Entry> = z.iter().map(|(m, s)| (m.as_slice(), *s)).collect();
    // Stable sort over the map's member order: equal scores stay by member.
    crate::sorted::sort_by(&mut v, |a, b| {
        a.1.partial_cmp(&b.1).unwrap_or(std::cmp::Ordering::Equal)
    });
    v
}

/// A member and its score, borrowed from the set.
pub(super) type Entry<'a> = (&'a [u8], f64);

/// Members and scores, owned (a selection, a reply, a stored result).
pub(super) type Scored = Vec<(Vec<u8>, f64)>;

/// What a range selects by.
#[derive(Clone, Copy, PartialEq)]
enum By {
    Rank,
    Score,
    Lex,
}

/// The parsed range (`zrangespec` / `zlexrangespec` / two ranks).
enum Range {
    Rank(i64, i64),
    Score(Bound<f64>, Bound<f64>),
    Lex(LexBound, LexBound),
}

/// A parsed range command: what to select and how to answer.
struct Request {
    range: Range,
    rev: bool,
    withscores: bool,
    offset: i64,
    limit: i64,
}

/// `zrangeGenericCommand`'s steps 1 and 2: the options after `key min
/// max` (from `args[at]`), then the conflicts, then the range, each with
/// Redis's error. `by`/`rev` are fixed by the older commands (ZRANGEBYSCORE
/// cannot take BYLEX or REV: a syntax error); `store` (ZRANGESTORE) takes
/// no WITHSCORES.
fn parse(
    args: &[Vec<u8>],
    at: usize,
    store: bool,
    by: Option<By>,
    rev: Option<bool>,
) -> Result<Request, Value> {
    let (mut by_opt, mut rev_opt) = (by, rev);
    let (mut withscores, mut offset, mut limit) = (false, 0, -1);
    let mut j = at + 3;
    while j < args.len() {
        let left = args.len() - j - 1;
        let word = args[j].to_ascii_lowercase();
        match word.as_slice() {
            b"withscores" if !store => withscores = true,
            b"limit" if left >= 2 => {
                offset = int_arg(&args[j + 1])?;
                limit = int_arg(&args[j + 2])?;
                j += 2;
            }
            b"rev" if rev_opt.is_none() => rev_opt = Some(true),
            b"bylex" if by_opt.is_none() => by_opt = Some(By::Lex),
            b"byscore" if by_opt.is_none() => by_opt = Some(By::Score),
            _ => return Err(super::syntax_error()),
        }
        j += 1;
    }
    let by = by_opt.unwrap_or(By::Rank);
    let rev = rev_opt.unwrap_or(false);
    if limit != -1 && by == By::Rank {
        return Err(Value::err(
            "ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX",
        ));
    }
    if withscores && by == By::Lex {
        return Err(Value::err(
            "ERR syntax error, WITHSCORES not supported in combination with BYLEX",
        ));
    }
    // REV with BYSCORE/BYLEX takes the range as `max min`.
    let (lo, hi) = if rev && by != By::Rank {
        (&args[at + 2], &args[at + 1])
    } else {
        (&args[at + 1], &args[at + 2])
    };
    let range = match by {
        By::Rank => Range::Rank(int_arg(lo)?, int_arg(hi)?),
        By::Score => {
            let (min, max) =
                score_range(lo, hi).ok_or_else(|| Value::err("ERR min or max is not a float"))?;
            Range::Score(min, max)
        }
        By::Lex => match (lex_bound(lo), lex_bound(hi)) {
            (Some(min), Some(max)) => Range::Lex(min, max),
            _ => return Err(Value::err("ERR min or max not valid string range item")),
        },
    };
    Ok(Request {
        range,
        rev,
        withscores: withscores || store,
        offset,
        limit,
    })
}

/// Whether a score range is empty whatever the set (`zslIsInRange`'s
/// first test: min above max, or equal with an exclusive end).
fn score_range_empty(min: &Bound<f64>, max: &Bound<f64>) -> bool {
    let (a, a_ex) = match min {
        Bound::Inclusive(v) => (*v, false),
        Bound::Exclusive(v) => (*v, true),
    };
    let (b, b_ex) = match max {
        Bound::Inclusive(v) => (*v, false),
        Bound::Exclusive(v) => (*v, true),
    };
    a > b || (a == b && (a_ex || b_ex))
}

/// The members a request selects from `o` (in Redis's order), in reply
/// order. Score and member ranges walk as the listpack code does (the
/// encoding of every set up to 128 members): find the first member in
/// range from the start (the last, for REV), skip `offset` members, then
/// take members while they are in range, at most `limit` (negative: no
/// limit; a negative offset walks off the end). For a member range that
/// only matters when scores differ, where Redis's answer is "undefined".
fn select<'a>(o: &[Entry<'a>], req: &Request) -> Vec<Entry<'a>> {
    let len = o.len();
    let at = |i: usize| if req.rev { len - 1 - i } else { i };
    let first = match &req.range {
        Range::Rank(start, stop) => {
            return match super::collections::rank_range(*start, *stop, len) {
                None => Vec::new(),
                Some((s, e)) => (s..=e).map(|i| o[at(i)]).collect(),
            };
        }
        Range::Score(min, max) if !score_range_empty(min, max) => {
            if req.rev {
                (0..len).find(|&i| max.above(&o[at(i)].1))
            } else {
                (0..len).find(|&i| min.below(&o[at(i)].1))
            }
        }
        Range::Lex(min, max)
            if !min.empty_with(max)
                && o.first().is_some_and(|(m, _)| max.above(m))
                && o.last().is_some_and(|(m, _)| min.below(m)) =>
        {
            if req.rev {
                (0..len).find(|&i| max.above(o[at(i)].0))
            } else {
                (0..len).find(|&i| min.below(o[at(i)].0))
            }
        }
        Range::Score(..) | Range::Lex(..) => None,
    };
    let Some(first) = first else {
        return Vec::new();
    };
    if req.offset < 0 {
        return Vec::new();
    }
    let start = first.saturating_add(req.offset as usize);
    let mut out = Vec::new();
    for i in start..len {
        if out.len() as i64 == req.limit || !req.range.contains(&o[at(i)]) {
            break;
        }
        out.push(o[at(i)]);
    }
    out
}

/// A rank range read off a set's own order: what [`select`] picks, visiting
/// only the members up to the range's end (ZRANGE 0 9 of a large set stays
/// cheap, as on Redis's skiplist).
fn ranked<'a>(
    order: impl DoubleEndedIterator<Item = Entry<'a>> + ExactSizeIterator,
    start: i64,
    stop: i64,
    rev: bool,
) -> Scored {
    let Some((s, e)) = super::collections::rank_range(start, stop, order.len()) else {
        return Vec::new();
    };
    let owned = |(m, s): Entry| (m.to_vec(), s);
    if rev {
        order.rev().skip(s).take(e - s + 1).map(owned).collect()
    } else {
        order.skip(s).take(e - s + 1).map(owned).collect()
    }
}

impl Range {
    /// Whether a member is inside a score or member range (`zslValueGteMin`
    /// and `zslValueLteMax`, or their lex forms).
    fn contains(&self, e: &Entry) -> bool {
        match self {
            Range::Rank(..) => true,
            Range::Score(min, max) => min.below(&e.1) && max.above(&e.1),
            Range::Lex(min, max) => min.below(e.0) && max.above(e.0),
        }
    }
}

/// Members (with scores if asked) as ZRANGE replies them: a flat array
/// in RESP2, `[member, score]` pairs in RESP3.
pub(super) fn members_reply(items: Scored, withscores: bool, proto: Protocol) -> Value {
    Value::Array(if !withscores {
        items.into_iter().map(|(m, _)| Value::Bulk(m)).collect()
    } else if proto == Protocol::Resp3 {
        items
            .into_iter()
            .map(|(m, s)| Value::Array(vec![Value::Bulk(m), Value::Double(s)]))
            .collect()
    } else {
        items
            .into_iter()
            .flat_map(|(m, s)| [Value::Bulk(m), Value::Double(s)])
            .collect()
    })
}

/// Parses the range at `args[at]` (the source key) and selects it:
/// `Ok(None)` when the source does not exist.
fn run_range(
    ks: &mut Keyspace,
    now: Time,
    args: &[Vec<u8>],
    at: usize,
    store: bool,
    by: Option<By>,
    rev: Option<bool>,
) -> Result<(Request, Option<Scored>), Value> {
    let req = parse(args, at, store, by, rev)?;
    let items = match ks.get(now, &args[at]) {
        None => None,
        Some(Data::ZSet(z)) => Some(match (&req.range, z.in_order()) {
            (Range::Rank(start, stop), Some(order)) => ranked(order, *start, *stop, req.rev),
            _ => select(&ordered(z), &req)
                .into_iter()
                .map(|(m, s)| (m.to_vec(), s))
                .collect(),
        }),
        Some(_) => return Err(wrong_type()),
    };
    Ok((req, items))
}

/// The reply of a reading range command.
fn range_reply(c: &mut Call, by: Option<By>, rev: Option<bool>) -> Value {
    let now = c.now;
    let args = c.args;
    let proto = c.client.proto;
    match run_range(c.server().keyspace_mut(), now, args, 1, false, by, rev) {
        Ok((req, items)) => members_reply(items.unwrap_or_default(), req.withscores, proto),
        Err(e) => e,
    }
}

/// `ZRANGE key start stop [BYSCORE|BYLEX] [REV] [LIMIT offset count] [WITHSCORES]`.
pub fn zrange(c: &mut Call) -> Value {
    range_reply(c, None, None)
}

/// `ZREVRANGE key start stop [WITHSCORES]`: ZRANGE by rank, reversed.
pub fn zrevrange(c: &mut Call) -> Value {
    range_reply(c, Some(By::Rank), Some(true))
}

/// `ZRANGEBYSCORE key min max [WITHSCORES] [LIMIT offset count]`.
pub fn zrangebyscore(c: &mut Call) -> Value {
    range_reply(c, Some(By::Score), Some(false))
}

/// `ZREVRANGEBYSCORE key max min [WITHSCORES] [LIMIT offset count]`.
pub fn zrevrangebyscore(c: &mut Call) -> Value {
    range_reply(c, Some(By::Score), Some(true))
}

/// `ZRANGEBYLEX key min max [LIMIT offset count]`.
pub fn zrangebylex(c: &mut Call) -> Value {
    range_reply(c, Some(By::Lex), Some(false))
}

/// `ZREVRANGEBYLEX key max min [LIMIT offset count]`.
pub fn zrevrangebylex(c: &mut Call) -> Value {
    range_reply(c, Some(By::Lex), Some(true))
}

/// `ZRANGESTORE dst src min max [BYSCORE|BYLEX] [REV] [LIMIT offset count]`:
/// the selection replaces `dst` (whatever its type); an empty one deletes
/// it. Redis streams it only when that changed something
/// (`zrangeResultFinalizeStore` moves `server.dirty` on a store, or on a
/// delete that found the key).
pub fn zrangestore(c: &mut Call) -> Value {
    let now = c.now;
    let args = c.args;
    let node = &mut c.server();
    let limits = Limits::of(node.config());
    let ks = node.keyspace_mut();
    let items = match run_range(ks, now, args, 2, true, None, None) {
        Ok((_, items)) => items.unwrap_or_default(),
        Err(e) => return e,
    };
    let count = items.len() as i64;
    let changed = store_or_delete(
        ks,
        limits,
        now,
        &args[1],
        crate::sorted::map(items),
        "zrangestore",
    );
    if changed {
        node.propagate(args);
    }
    Value::Integer(count)
}

/// Stores `result` at `dst` (replacing any value and its TTL) and raises
/// `event`, or deletes `dst` when it is empty (raising `del` if it was
/// there): whether the keyspace changed. A result small enough for a
/// listpack is stored as one (`zsetConvertToListpackIfNeeded`, or
/// `zsetTypeCreate`'s size hint for ZRANGESTORE), which turns scores of -0
/// into 0 (`zzlInsertAt`).
pub(super) fn store_or_delete(
    ks: &mut Keyspace,
    limits: Limits,
    now: Time,
    dst: &[u8],
    result: BTreeMap<Vec<u8>, f64>,
    event: &'static str,
) -> bool {
    if result.is_empty() {
        let deleted = ks.remove(now, dst).is_some();
        if deleted {
            ks.notify(class::GENERIC, "del", dst);
        }
        deleted
    } else {
        ks.set(dst, Data::ZSet(ZSet::loaded(result, limits.zset)));
        ks.notify(class::ZSET, event, dst);
        true
    }
}

/// `ZRANK key member` / `ZREVRANK`: the member's 0-based position, or nil.
fn rank(c: &mut Call, rev: bool) -> Value {
    let now = c.now;
    let args = c.args;
    let node = &mut c.server();
    match node.keyspace_mut().get(now, &args[1]) {
        None => Value::Null,
        Some(Data::ZSet(z)) => {
            let o = ordered(z);
            match o.iter().position(|(m, _)| **m == args[2]) {
                Some(i) if rev => Value::Integer((o.len() - 1 - i) as i64),
                Some(i) => Value::Integer(i as i64),
                None => Value::Null,
            }
        }
        Some(_) => wrong_type(),
    }
}

/// `ZRANK key member`.
pub fn zrank(c: &mut Call) -> Value {
    rank(c, false)
}

/// `ZREVRANK key member`.
pub fn zrevrank(c: &mut Call) -> Value {
    rank(c, true)
}

/// `ZCOUNT key min max`: the range is parsed before the key is looked up.
pub fn zcount(c: &mut Call) -> Value {
    let now = c.now;
    let args = c.args;
    let node = &mut c.server();
    let Some((min, max)) = score_range(&args[2], &args[3]) else {
        return Value::err("ERR min or max is not a float");
    };
    let req = Request {
        range: Range::Score(min, max),
        rev: false,
        withscores: false,
        offset: 0,
        limit: -1,
    };
    count(node.keyspace_mut(), now, &args[1], &req)
}

/// `ZLEXCOUNT key min max`.
pub fn zlexcount(c: &mut Call) -> Value {
    let now = c.now;
    let args = c.args;
    let node = &mut c.server();
    let (Some(min), Some(max)) = (lex_bound(&args[2]), lex_bound(&args[3])) else {
        return Value::err("ERR min or max not valid string range item");
    };
    let req = Request {
        range: Range::Lex(min, max),
        rev: false,
        withscores: false,
        offset: 0,
        limit: -1,
    };
    count(node.keyspace_mut(), now, &args[1], &req)
}

/// How many members `req` selects at `key` (0 without a key).
fn count(ks: &mut Keyspace, now: Time, key: &[u8], req: &Request) -> Value {
    match ks.get(now, key) {
        None => Value::Integer(0),
        Some(Data::ZSet(z)) => Value::Integer(select(&ordered(z), req).len() as i64),
        Some(_) => wrong_type(),
    }
}

/// `ZMSCORE key member…`: one score or nil per member (all nil without a key).
pub fn zmscore(c: &mut Call) -> Value {
    let now = c.now;
    let args = c.args;
    let node = &mut c.server();
    let z = match node.keyspace_mut().get(now, &args[1]) {
        None => None,
        Some(Data::ZSet(z)) => Some(z),
        Some(_) => return wrong_type(),
    };
    Value::Array(
        args[2..]
            .iter()
            .map(|m| {
                z.and_then(|z| z.score(m))
                    .map_or(Value::Null, Value::Double)
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(v: &[&str]) -> Vec<Vec<u8>> {
        v.iter().map(|s| s.as_bytes().to_vec()).collect()
    }

    /// `zrangeGenericCommand` checks options, then conflicts, then the
    /// range: a bad range after a conflicting LIMIT reports the conflict.
    #[test]
    fn errors_come_in_redis_order() {
        let e = |v: &[&str]| parse(&args(v), 1, false, None, None).err();
        assert_eq!(
            e(&["zrange", "k", "x", "y", "LIMIT", "0", "1"]),
            Some(Value::err(
                "ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX"
            ))
        );
        assert_eq!(
            e(&["zrange", "k", "0", "1", "BYLEX", "BYSCORE"]),
            Some(super::super::syntax_error())
        );
        assert_eq!(
            e(&["zrange", "k", "a", "b", "BYSCORE"]),
            Some(Value::err("ERR min or max is not a float"))
        );
        assert!(e(&["zrange", "k", "0", "-1", "REV", "WITHSCORES"]).is_none());
    }

    /// A large set's rank ranges, read off its order, are what selecting
    /// from all its members sorted gives.
    #[test]
    fn ranked_agrees_with_select() {
        let z = ZSet::loaded(
            (0..300u32).map(|i| (format!("m{i}").into_bytes(), f64::from(i % 5))),
            crate::keyspace::PackLimits::ZSET,
        );
        let all = ordered(&z);
        for (start, stop) in [
            (0, 9),
            (5, 2),
            (-10, -1),
            (-500, 500),
            (290, 400),
            (299, 299),
        ] {
            for rev in [false, true] {
                let req = Request {
                    range: Range::Rank(start, stop),
                    rev,
                    withscores: false,
                    offset: 0,
                    limit: -1,
                };
                let want: Scored = select(&all, &req)
                    .into_iter()
                    .map(|(m, s)| (m.to_vec(), s))
                    .collect();
                assert_eq!(ranked(z.in_order().unwrap(), start, stop, rev), want);
            }
        }
    }

    /// LIMIT walks from the first member in range: a negative offset
    /// walks off the end, a negative count means all.
    #[test]
    fn limit_walks_like_the_listpack_code() {
        let mut z = BTreeMap::new();
        for (m, s) in [("a", 1.0), ("b", 2.0), ("c", 3.0), ("d", 4.0)] {
            z.insert(m.as_bytes().to_vec(), s);
        }
        let o = sorted(&z);
        let pick = |v: &[&str]| {
            let req = parse(&args(v), 1, false, None, None).unwrap();
            select(&o, &req)
                .into_iter()
                .map(|(m, _)| String::from_utf8(m.to_vec()).unwrap())
                .collect::<Vec<_>>()
                .join(",")
        };
        assert_eq!(
            pick(&["zrange", "k", "2", "+inf", "BYSCORE", "LIMIT", "1", "-1"]),
            "c,d"
        );
        assert_eq!(
            pick(&["zrange", "k", "2", "+inf", "BYSCORE", "LIMIT", "-1", "5"]),
            ""
        );
        assert_eq!(
            pick(&["zrange", "k", "(4", "-inf", "BYSCORE", "REV", "LIMIT", "0", "2"]),
            "c,b"
        );
        assert_eq!(pick(&["zrange", "k", "[b", "(d", "BYLEX"]), "b,c");
        assert_eq!(pick(&["zrange", "k", "-1", "-2"]), "");
        assert_eq!(pick(&["zrange", "k", "0", "1", "REV"]), "d,c");
    }
}
