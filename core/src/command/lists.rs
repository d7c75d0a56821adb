//! List commands beyond push/pop/range (t_list.c): LLEN, LINDEX, LSET, LREM,
//! LTRIM, LINSERT, LPUSHX, RPUSHX, RPOPLPUSH, LMOVE, LPOS. A real master streams
//! the writes among them verbatim.

use super::collections::{entry, rank_range};
use super::Call;
use super::{int_arg, syntax_error, wrong_type};
use crate::keyspace::notify::class;
use crate::keyspace::{Data, Keyspace};

use crate::resp::Value;
use crate::time::Time;
use std::collections::VecDeque;

pub fn llen(c: &mut Call) -> Value {
    let args = c.args;
    let now = c.now;
    let node = &mut c.server();
    let ks = node.keyspace_mut();
    let key = &args[1];
    match ks.get(now, key) {
        None => Value::Integer(0),
        Some(Data::List(l)) => Value::Integer(l.len() as i64),
        Some(_) => wrong_type(),
    }
}

pub fn lindex(c: &mut Call) -> Value {
    let args = c.args;
    let now = c.now;
    let node = &mut c.server();
    let ks = node.keyspace_mut();
    let key = &args[1];
    let l = match ks.get(now, key) {
        None => return Value::Null,
        Some(Data::List(l)) => l,
        Some(_) => return wrong_type(),
    };
    match int_arg(&args[2]) {
        Ok(i) => index(l.len(), i).map_or(Value::Null, |i| Value::Bulk(l[i].clone())),
        Err(e) => e,
    }
}

pub fn lset(c: &mut Call) -> Value {
    let args = c.args;
    let now = c.now;
    let node = &mut c.server();
    let ks = node.keyspace_mut();
    let key = &args[1];
    // `lsetCommand`: the key (no such key / WRONGTYPE) before the index.
    let l = match ks.get_mut(now, key) {
        None => return Value::err("ERR no such key"),
        Some(Data::List(l)) => l,
        Some(_) => return wrong_type(),
    };
    match int_arg(&args[2]) {
        Ok(i) => match index(l.len(), i) {
            Some(i) => {
                l[i] = args[3].clone();
                ks.notify(class::LIST, "lset", key);
                Value::ok()
            }
            None => Value::err("ERR index out of range"),
        },
        Err(e) => e,
    }
}

pub fn lrem(c: &mut Call) -> Value {
    let args = c.args;
    let now = c.now;
    let node = &mut c.server();
    let ks = node.keyspace_mut();
    lrem_generic(ks, now, args)
}

pub fn ltrim(c: &mut Call) -> Value {
    let args = c.args;
    let now = c.now;
    let node = &mut c.server();
    let ks = node.keyspace_mut();
    ltrim_generic(ks, now, args)
}

pub fn linsert(c: &mut Call) -> Value {
    let args = c.args;
    let now = c.now;
    let node = &mut c.server();
    let ks = node.keyspace_mut();
    linsert_generic(ks, now, args)
}

pub fn lpushx(c: &mut Call) -> Value {
    lpushx_or_rpushx(c, "lpushx")
}

pub fn rpushx(c: &mut Call) -> Value {
    lpushx_or_rpushx(c, "rpushx")
}

fn lpushx_or_rpushx(c: &mut Call, name: &str) -> Value {
    let args = c.args;
    let now = c.now;
    let node = &mut c.server();
    let ks = node.keyspace_mut();
    let key = &args[1];
    match ks.get_mut(now, key) {
        None => Value::Integer(0),
        Some(Data::List(l)) => {
            for v in &args[2..] {
                if name == "lpushx" {
                    l.push_front(v.clone());
                } else {
                    l.push_back(v.clone());
                }
            }
            let len = l.len() as i64;
            let event = if name == "lpushx" { "lpush" } else { "rpush" };
            ks.notify(class::LIST, event, key);
            Value::Integer(len)
        }
        Some(_) => wrong_type(),
    }
}

pub fn rpoplpush(c: &mut Call) -> Value {
    let args = c.args;
    let now = c.now;
    let node = &mut c.server();
    let ks = node.keyspace_mut();
    lmove_generic(ks, now, &args[1], &args[2], End::Right, End::Left)
}

pub fn lmove(c: &mut Call) -> Value {
    let args = c.args;
    let now = c.now;
    let node = &mut c.server();
    let ks = node.keyspace_mut();
    match (End::parse(&args[3]), End::parse(&args[4])) {
        (Some(from), Some(to)) => lmove_generic(ks, now, &args[1], &args[2], from, to),
        _ => syntax_error(),
    }
}

/// A list end, as LMOVE's LEFT|RIGHT names it (a blocked BLMOVE keeps
/// its two ends until it is served).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum End {
    /// The head (LPUSH/LPOP's end).
    Left,
    /// The tail.
    Right,
}

impl End {
    /// `getListPositionFromObjectOrReply`: LEFT or RIGHT, any case.
    pub fn parse(arg: &[u8]) -> Option<End> {
        if arg.eq_ignore_ascii_case(b"left") {
            Some(End::Left)
        } else if arg.eq_ignore_ascii_case(b"right") {
            Some(End::Right)
        } else {
            None
        }
    }

    /// The event a pop from this end raises (`listElementsRemoved`).
    pub fn pop_event(self) -> &'static str {
        match self {
            End::Left => "lpop",
            End::Right => "rpop",
        }
    }

    /// The event a push to this end raises (`pushGenericCommand`,
    /// `lmoveHandlePush`).
    pub fn push_event(self) -> &'static str {
        match self {
            End::Left => "lpush",
            End::Right => "rpush",
        }
    }
}

/// A Redis list index (negative counts from the tail) as a position.
fn index(len: usize, i: i64) -> Option<usize> {
    let i = if i < 0 { i.checked_add(len as i64)? } else { i };
    (0..len as i64).contains(&i).then_some(i as usize)
}

/// `LREM key count element`: count > 0 removes from the head, < 0 from
/// the tail, 0 all; the count is parsed before the key is looked at.
fn lrem_generic(ks: &mut Keyspace, now: Time, args: &[Vec<u8>]) -> Value {
    let count = match int_arg(&args[2]) {
        Ok(n) => n,
        Err(e) => return e,
    };
    let l = match ks.get_mut(now, &args[1]) {
        None => return Value::Integer(0),
        Some(Data::List(l)) => l,
        Some(_) => return wrong_type(),
    };
    let limit = if count == 0 {
        usize::MAX
    } else {
        count.unsigned_abs().try_into().unwrap_or(usize::MAX)
    };
    let mut removed = 0;
    let mut kept = VecDeque::with_capacity(l.len());
    let from_tail = count < 0;
    let mut take = |v: Vec<u8>, kept: &mut VecDeque<Vec<u8>>| {
        if removed < limit && v == args[3] {
            removed += 1;
        } else if from_tail {
            kept.push_front(v);
        } else {
            kept.push_back(v);
        }
    };
    if from_tail {
        while let Some(v) = l.pop_back() {
            take(v, &mut kept);
        }
    } else {
        while let Some(v) = l.pop_front() {
            take(v, &mut kept);
        }
    }
    *l = kept;
    if removed > 0 {
        ks.notify(class::LIST, "lrem", &args[1]);
    }
    ks.remove_if_empty(&args[1]);
    Value::Integer(removed as i64)
}

/// `LTRIM key start stop` (`ltrimCommand`'s index arithmetic); an empty
/// result deletes the key.
fn ltrim_generic(ks: &mut Keyspace, now: Time, args: &[Vec<u8>]) -> Value {
    let (start, stop) = match (int_arg(&args[2]), int_arg(&args[3])) {
        (Ok(a), Ok(b)) => (a, b),
        (Err(e), _) | (_, Err(e)) => return e,
    };
    let l = match ks.get_mut(now, &args[1]) {
        None => return Value::ok(),
        Some(Data::List(l)) => l,
        Some(_) => return wrong_type(),
    };
    match rank_range(start, stop, l.len()) {
        None => l.clear(),
        Some((start, stop)) => {
            l.truncate(stop + 1);
            l.drain(..start);
        }
    }
    ks.notify(class::LIST, "ltrim", &args[1]);
    ks.remove_if_empty(&args[1]);
    Value::ok()
}

/// `LINSERT key BEFORE|AFTER pivot element`: the new length, -1 without
/// the pivot, 0 without the key.
fn linsert_generic(ks: &mut Keyspace, now: Time, args: &[Vec<u8>]) -> Value {
    let after = if args[2].eq_ignore_ascii_case(b"after") {
        true
    } else if args[2].eq_ignore_ascii_case(b"before") {
        false
    } else {
        return syntax_error();
    };
    let l = match ks.get_mut(now, &args[1]) {
        None => return Value::Integer(0),
        Some(Data::List(l)) => l,
        Some(_) => return wrong_type(),
    };
    match l.iter().position(|v| *v == args[3]) {
        Some(i) => {
            l.insert(i + after as usize, args[4].clone());
            let len = l.len() as i64;
            ks.notify(class::LIST, "linsert", &args[1]);
            Value::Integer(len)
        }
        None => Value::Integer(-1),
    }
}

/// `lmoveGenericCommand`: a missing source answers nil before the
/// destination's type is checked; the element moved is the reply.
pub(super) fn lmove_generic(
    ks: &mut Keyspace,
    now: Time,
    src: &[u8],
    dst: &[u8],
    from: End,
    to: End,
) -> Value {
    match ks.get(now, src) {
        None => return Value::Null,
        Some(Data::List(_)) => {}
        Some(_) => return wrong_type(),
    }
    if matches!(ks.get(now, dst), Some(d) if !matches!(d, Data::List(_))) {
        return wrong_type();
    }
    let Some(Data::List(l)) = ks.get_mut(now, src) else {
        return Value::Null;
    };
    let Some(value) = (if from == End::Left {
        l.pop_front()
    } else {
        l.pop_back()
    }) else {
        return Value::Null;
    };
    // `lmoveHandlePush` first (the source, emptied, is still there: a
    // rotation pushes back onto it), then the pop's event and deletion.
    let Some(Data::List(d)) = entry(ks, now, dst, || Data::List(VecDeque::new())) else {
        return wrong_type();
    };
    if to == End::Left {
        d.push_front(value.clone());
    } else {
        d.push_back(value.clone());
    }
    ks.notify(class::LIST, to.push_event(), dst);
    ks.notify(class::LIST, from.pop_event(), src);
    ks.remove_if_empty(src);
    Value::Bulk(value)
}

/// `LPOS key element [RANK rank] [COUNT num] [MAXLEN len]`
/// (`lposCommand`): options first, then the key. A negative rank searches
/// from the tail; COUNT 0 means every match; MAXLEN bounds the elements
/// compared. Without COUNT the reply is one index or nil.
pub fn lpos(c: &mut Call) -> Value {
    let args = c.args;
    let now = c.now;
    let node = &mut c.server();
    let (mut rank, mut count, mut maxlen): (i64, Option<i64>, i64) = (1, None, 0);
    let mut j = 3;
    while j < args.len() {
        let opt = &args[j];
        let Some(value) = args.get(j + 1) else {
            return syntax_error();
        };
        // COUNT and MAXLEN use `getPositiveLongFromObjectOrReply` with a
        // message, which also answers a text that is not a number.
        let positive = |what: &str| match int_arg(value) {
            Ok(n) if n >= 0 => Ok(n),
            _ => Err(Value::err(format!("ERR {what} can't be negative"))),
        };
        if opt.eq_ignore_ascii_case(b"rank") {
            rank = match int_arg(value) {
                Ok(0) => return Value::err("ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list"),
                Ok(n) => n,
                Err(e) => return e,
            };
        } else if opt.eq_ignore_ascii_case(b"count") {
            match positive("COUNT") {
                Ok(n) => count = Some(n),
                Err(e) => return e,
            }
        } else if opt.eq_ignore_ascii_case(b"maxlen") {
            match positive("MAXLEN") {
                Ok(n) => maxlen = n,
                Err(e) => return e,
            }
        } else {
            return syntax_error();
        }
        j += 2;
    }
    // `rank = -rank` in C: LONG_MIN stays itself.
    let from_tail = rank < 0;
    if from_tail {
        rank = rank.wrapping_neg();
    }
    let l = match node.keyspace_mut().get(now, &args[1]) {
        None if count.is_some() => return Value::Array(Vec::new()),
        None => return Value::Null,
        Some(Data::List(l)) => l,
        Some(_) => return wrong_type(),
    };
    let len = l.len() as i64;
    let order: Box<dyn Iterator<Item = &Vec<u8>>> = if from_tail {
        Box::new(l.iter().rev())
    } else {
        Box::new(l.iter())
    };
    let (mut matches, mut found) = (0i64, Vec::new());
    for (index, e) in order.enumerate() {
        let index = index as i64;
        if maxlen != 0 && index >= maxlen {
            break;
        }
        if e != &args[2] {
            continue;
        }
        matches += 1;
        if matches < rank {
            continue;
        }
        found.push(if from_tail { len - index - 1 } else { index });
        match count {
            None => break,
            Some(n) if n != 0 && matches.wrapping_sub(rank).wrapping_add(1) >= n => break,
            _ => {}
        }
    }
    match count {
        Some(_) => Value::Array(found.into_iter().map(Value::Integer).collect()),
        None => found.first().map_or(Value::Null, |&i| Value::Integer(i)),
    }
}
