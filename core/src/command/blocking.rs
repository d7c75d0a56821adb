//! The blocking pops (t_list.c, t_zset.c): BLPOP, BRPOP, BLMOVE,
//! BRPOPLPUSH, BLMPOP, BZPOPMIN, BZPOPMAX, BZMPOP, and LMPOP, the
//! non-blocking form BLMPOP shares its parser with. Each one first acts like
//! its non-blocking twin; only when every key is missing does the client
//! block ([`Node::block_on_keys`], `blockForKeys`). Whether it runs now or is
//! served later, Redis 7.0 streams the pop it did (`LPOP`, `LMOVE`,
//! `ZPOPMIN key n`…), never the blocking command: a replica must not block.

use super::lists::{lmove_generic, End};
use super::long_double::LongDouble;
use super::streams::read::StreamWait;
use super::zsets::{ordered, Scored};
use super::{syntax_error, wrong_type, Call, Outcome};
use crate::keyspace::notify::class;
use crate::keyspace::{Data, ExpiryMode};
use crate::node::ServerCtx;
use crate::resp::Value;
use crate::time::Time;

/// What a client blocked on keys waits to do when one of them is ready
/// (Redis's `bpop` fields). A list or zset waiter's key is ready after
/// any write streamed for it; a stream reader's after Redis's stream
/// signals (`keyspace/signal.rs`). `serve` answering `None` (no element,
/// no entry past the reader's ID yet) leaves the client blocked.
#[derive(Clone, Debug)]
pub enum KeyWait {
    /// BLPOP/BRPOP (`count: None`, one element) or BLMPOP (`Some(n)`).
    Pop {
        /// The end it pops from.
        from: End,
        /// BLMPOP's COUNT.
        count: Option<usize>,
    },
    /// BLMOVE, or BRPOPLPUSH (streamed under its own name).
    Move {
        /// Ends to pop from and push to.
        from: End,
        /// The end the element is pushed to.
        to: End,
        /// The destination list.
        dst: Vec<u8>,
        /// Streamed as `RPOPLPUSH src dst` rather than `LMOVE`.
        rpoplpush: bool,
    },
    /// BZPOPMIN/BZPOPMAX (`count: None`) or BZMPOP (`Some(n)`).
    ZPop {
        /// Pops the highest scores.
        max: bool,
        /// BZMPOP's COUNT.
        count: Option<usize>,
    },
    /// XREAD BLOCK or XREADGROUP BLOCK (`BLOCKED_STREAM`).
    Stream(Box<StreamWait>),
}

impl KeyWait {
    /// Whether the blocked command is a write (every pop and XREADGROUP):
    /// only XREAD may wait on a READONLY replica for its master's slots.
    pub(crate) fn is_write(&self) -> bool {
        match self {
            KeyWait::Stream(wait) => wait.is_group(),
            _ => true,
        }
    }

    /// Serves the client from `key` if the key holds the type it waits for
    /// (`serveClientsBlockedOnListKey` and its zset twin skip clients of
    /// the other type): its reply, with the pop streamed. `None`: not
    /// this client's type, it stays blocked.
    pub(crate) fn serve(&self, node: &mut ServerCtx, now: Time, key: &[u8]) -> Option<Value> {
        node.keyspace_mut().set_mode(ExpiryMode::Delete);
        if let KeyWait::Stream(wait) = self {
            return wait.serve(node, now, key);
        }
        let kind = match node.keyspace_mut().get(now, key)? {
            Data::List(_) => 0,
            Data::ZSet(_) => 1,
            _ => 2,
        };
        match (self, kind) {
            (KeyWait::Pop { from, count }, 0) => {
                let (_, popped) = pop_list(node, now, key, *from, count.unwrap_or(1))?;
                Some(pop_reply(node, key, *from, *count, popped))
            }
            (
                KeyWait::Move {
                    from,
                    to,
                    dst,
                    rpoplpush,
                },
                0,
            ) => {
                let reply = lmove_generic(node.keyspace_mut(), now, key, dst, *from, *to);
                if matches!(reply, Value::Bulk(_)) {
                    node.propagate(&move_op(key, dst, *from, *to, *rpoplpush, None));
                }
                Some(reply)
            }
            (KeyWait::ZPop { max, count }, 1) => {
                let popped = pop_zset(node, now, key, *max, count.unwrap_or(1))?;
                Some(zpop_reply(node, key, *max, *count, popped))
            }
            _ => None,
        }
    }

    /// A stream reader (its key is ready on stream signals only).
    pub(crate) fn is_stream(&self) -> bool {
        matches!(self, KeyWait::Stream(_))
    }
}

/// `getTimeoutFromObjectOrReply(…, UNIT_SECONDS)`: a `long double` of
/// seconds, `ceill(t * 1000)` milliseconds; 0 is forever (`None`).
pub(crate) fn timeout_arg(arg: &[u8]) -> Result<Option<u64>, Value> {
    let Ok(t) = LongDouble::parse(arg) else {
        return Err(Value::err("ERR timeout is not a float or out of range"));
    };
    match ceil_millis(t) {
        Some(ms) if ms < 0 => Err(Value::err("ERR timeout is negative")),
        Some(0) => Ok(None),
        Some(ms) => Ok(Some(ms as u64)),
        // x86-64 converts an out-of-range `long double` to LLONG_MIN.
        None => Err(Value::err("ERR timeout is negative")),
    }
}

/// `(long long) ceill(t * 1000.0)` with the product rounded to a 64-bit
/// significand first, as the x87 multiplication does (so `0.1` is 100 ms,
/// not the 101 the exact product would give). `None` when it does not fit.
fn ceil_millis(t: LongDouble) -> Option<i64> {
    let LongDouble::Finite { neg, mant, exp } = t else {
        return None;
    };
    let mut n = mant as u128 * 1000;
    let mut exp = exp;
    let bits = 128 - n.leading_zeros() as i64;
    if bits > 64 {
        let drop = (bits - 64) as u32;
        let half = 1u128 << (drop - 1);
        let rest = n & ((1u128 << drop) - 1);
        n >>= drop;
        if rest > half || (rest == half && n & 1 == 1) {
            n += 1;
        }
        exp += drop as i64;
    }
    if n == 0 {
        return Some(0);
    }
    // The magnitude's integer part and whether a fraction is left.
    let (whole, fraction) = if exp >= 0 {
        if exp >= 64 {
            return None;
        }
        (n.checked_shl(exp as u32)?, false)
    } else if -exp >= 128 {
        (0, true)
    } else {
        let s = (-exp) as u32;
        (n >> s, n & ((1u128 << s) - 1) != 0)
    };
    let ceil = if neg {
        -(whole as i128)
    } else {
        whole as i128 + fraction as i128
    };
    i64::try_from(ceil).ok()
}

/// Redis's `CLIENT_DENY_BLOCKING` (inside MULTI or a script) and the
/// master's link: a blocking command that would block answers as if it
/// timed out.
pub(crate) fn may_block(c: &Call) -> bool {
    !c.client.in_exec && !c.client.from_master && !c.client.in_script
}

/// Blocks the caller on `keys` until `timeout` (ms, `None` forever).
pub(crate) fn block(
    c: &mut Call,
    keys: Vec<Vec<u8>>,
    timeout: Option<u64>,
    wait: KeyWait,
) -> Outcome {
    let now = c.now;
    let id = c.id;
    let node = &mut c.server();
    let deadline = timeout.map(|ms| now + ms);
    node.block_on_keys(id, keys, deadline, wait);
    Outcome::Blocked
}

/// `getStringObjectFromListPosition`: Redis's shared `left`/`right`
/// strings, lowercase, as a served BLMOVE streams them.
fn end_name(end: End) -> &'static [u8] {
    match end {
        End::Left => b"left",
        End::Right => b"right",
    }
}

/// `LMOVE src dst FROM TO` or `RPOPLPUSH src dst`, as streamed; `ends`
/// carries the client's own words when it ran LMOVE's arguments as sent.
fn move_op(
    src: &[u8],
    dst: &[u8],
    from: End,
    to: End,
    rpoplpush: bool,
    ends: Option<(&[u8], &[u8])>,
) -> Vec<Vec<u8>> {
    if rpoplpush {
        return vec![b"RPOPLPUSH".to_vec(), src.to_vec(), dst.to_vec()];
    }
    let (f, t) = ends.unwrap_or((end_name(from), end_name(to)));
    vec![
        b"LMOVE".to_vec(),
        src.to_vec(),
        dst.to_vec(),
        f.to_vec(),
        t.to_vec(),
    ]
}

/// Pops up to `n` elements from the list at `key` (which must be one),
/// in pop order; deletes the key when emptied. `None` if no list is there.
fn pop_list(
    node: &mut ServerCtx,
    now: Time,
    key: &[u8],
    from: End,
    n: usize,
) -> Option<(usize, Vec<Vec<u8>>)> {
    let ks = node.keyspace_mut();
    let Some(Data::List(l)) = ks.get_mut(now, key) else {
        return None;
    };
    let len = l.len();
    let n = n.min(len);
    let popped: Vec<Vec<u8>> = (0..n)
        .filter_map(|_| match from {
            End::Left => l.pop_front(),
            End::Right => l.pop_back(),
        })
        .collect();
    ks.notify(class::LIST, from.pop_event(), key);
    ks.remove_if_empty(key);
    Some((len, popped))
}

/// A list pop's reply and stream entry: `[key, element]` streamed as
/// `LPOP key` for BLPOP/BRPOP, `[key, [elements]]` streamed as
/// `LPOP key n` for BLMPOP/LMPOP.
fn pop_reply(
    node: &mut ServerCtx,
    key: &[u8],
    from: End,
    count: Option<usize>,
    popped: Vec<Vec<u8>>,
) -> Value {
    let name: &[u8] = if from == End::Left { b"LPOP" } else { b"RPOP" };
    let mut op = vec![name.to_vec(), key.to_vec()];
    if count.is_some() {
        op.push(popped.len().to_string().into_bytes());
    }
    node.propagate(&op);
    let key = Value::Bulk(key.to_vec());
    match count {
        None => Value::Array(vec![
            key,
            popped.into_iter().next().map_or(Value::Null, Value::Bulk),
        ]),
        Some(_) => Value::Array(vec![
            key,
            Value::Array(popped.into_iter().map(Value::Bulk).collect()),
        ]),
    }
}

/// Pops up to `n` members from the sorted set at `key`, lowest (or
/// highest) first; deletes the key when emptied. `None` if no zset is there.
fn pop_zset(node: &mut ServerCtx, now: Time, key: &[u8], max: bool, n: usize) -> Option<Scored> {
    let ks = node.keyspace_mut();
    let Some(Data::ZSet(z)) = ks.get_mut(now, key) else {
        return None;
    };
    let picked: Scored = {
        let o = ordered(z);
        let n = n.min(o.len());
        if max {
            o.iter()
                .rev()
                .take(n)
                .map(|(m, s)| (m.to_vec(), *s))
                .collect()
        } else {
            o.iter().take(n).map(|(m, s)| (m.to_vec(), *s)).collect()
        }
    };
    for (m, _) in &picked {
        z.remove(m);
    }
    ks.notify(class::ZSET, if max { "zpopmax" } else { "zpopmin" }, key);
    ks.remove_if_empty(key);
    Some(picked)
}

/// A zset pop's reply and stream entry: BZPOPMIN's flat `[key, member,
/// score]` streamed as `ZPOPMIN key`, BZMPOP's `[key, [[member, score]…]]`
/// streamed as `ZPOPMIN key n`.
fn zpop_reply(
    node: &mut ServerCtx,
    key: &[u8],
    max: bool,
    count: Option<usize>,
    popped: Scored,
) -> Value {
    let name: &[u8] = if max { b"ZPOPMAX" } else { b"ZPOPMIN" };
    let mut op = vec![name.to_vec(), key.to_vec()];
    if count.is_some() {
        op.push(popped.len().to_string().into_bytes());
    }
    node.propagate(&op);
    let mut out = vec![Value::Bulk(key.to_vec())];
    match count {
        None => {
            for (m, s) in popped {
                out.push(Value::Bulk(m));
                out.push(Value::Double(s));
            }
        }
        Some(_) => out.push(Value::Array(
            popped
                .into_iter()
                .map(|(m, s)| Value::Array(vec![Value::Bulk(m), Value::Double(s)]))
                .collect(),
        )),
    }
    Value::Array(out)
}

/// The first of `keys` holding a non-empty value: `Ok(None)` when none
/// exists, WRONGTYPE when the first existing one is not a list (or zset).
fn first_ready<'k>(
    c: &mut Call,
    keys: &'k [Vec<u8>],
    zset: bool,
) -> Result<Option<&'k [u8]>, Value> {
    let now = c.now;
    let node = &mut c.server();
    for key in keys {
        match node.keyspace_mut().get(now, key) {
            None => continue,
            Some(Data::List(_)) if !zset => return Ok(Some(key)),
            Some(Data::ZSet(_)) if zset => return Ok(Some(key)),
            Some(_) => return Err(wrong_type()),
        }
    }
    Ok(None)
}

/// `BLPOP key… timeout`.
pub fn blpop(c: &mut Call) -> Outcome {
    blocking_pop(c, End::Left)
}

/// `BRPOP key… timeout`.
pub fn brpop(c: &mut Call) -> Outcome {
    blocking_pop(c, End::Right)
}

/// `blockingPopGenericCommand` for BLPOP/BRPOP: the timeout is read
/// before any key.
fn blocking_pop(c: &mut Call, from: End) -> Outcome {
    let args = c.args;
    let timeout = match timeout_arg(&args[args.len() - 1]) {
        Ok(t) => t,
        Err(e) => return Outcome::Reply(e),
    };
    let keys = &args[1..args.len() - 1];
    list_pop_or_block(c, keys, from, None, timeout)
}

fn list_pop_or_block(
    c: &mut Call,
    keys: &[Vec<u8>],
    from: End,
    count: Option<usize>,
    timeout: Option<u64>,
) -> Outcome {
    let now = c.now;
    match first_ready(c, keys, false) {
        Err(e) => Outcome::Reply(e),
        Ok(Some(key)) => {
            let popped = pop_list(&mut c.server(), now, key, from, count.unwrap_or(1))
                .map_or_else(Vec::new, |(_, p)| p);
            Outcome::Reply(pop_reply(&mut c.server(), key, from, count, popped))
        }
        Ok(None) if !may_block(c) => Outcome::Reply(Value::NullArray),
        Ok(None) => block(c, keys.to_vec(), timeout, KeyWait::Pop { from, count }),
    }
}

/// `BLMOVE src dst LEFT|RIGHT LEFT|RIGHT timeout`: the ends, then the timeout.
pub fn blmove(c: &mut Call) -> Outcome {
    let args = c.args;
    let (Some(from), Some(to)) = (End::parse(&args[3]), End::parse(&args[4])) else {
        return Outcome::Reply(syntax_error());
    };
    match timeout_arg(&args[5]) {
        Ok(t) => blocking_move(c, from, to, false, t),
        Err(e) => Outcome::Reply(e),
    }
}

/// `BRPOPLPUSH src dst timeout`.
pub fn brpoplpush(c: &mut Call) -> Outcome {
    match timeout_arg(&c.args[3]) {
        Ok(t) => blocking_move(c, End::Right, End::Left, true, t),
        Err(e) => Outcome::Reply(e),
    }
}

/// `blmoveGenericCommand`: a source that is not a list is WRONGTYPE
/// before anything else; an existing one is LMOVE, streamed as LMOVE (or
/// RPOPLPUSH) with the client's own end words.
fn blocking_move(
    c: &mut Call,
    from: End,
    to: End,
    rpoplpush: bool,
    timeout: Option<u64>,
) -> Outcome {
    let now = c.now;
    let args = c.args;
    let (src, dst) = (&args[1], &args[2]);
    let allowed = may_block(c);
    match c.server().keyspace_mut().get(now, src) {
        Some(Data::List(_)) => {}
        Some(_) => return Outcome::Reply(wrong_type()),
        None if !allowed => return Outcome::Reply(Value::Null),
        None => {
            let wait = KeyWait::Move {
                from,
                to,
                dst: dst.clone(),
                rpoplpush,
            };
            return block(c, vec![src.clone()], timeout, wait);
        }
    }
    let reply = lmove_generic(c.server().keyspace_mut(), now, src, dst, from, to);
    if matches!(reply, Value::Bulk(_)) {
        let ends = (!rpoplpush).then(|| (&args[3][..], &args[4][..]));
        c.server()
            .propagate(&move_op(src, dst, from, to, rpoplpush, ends));
    }
    Outcome::Reply(reply)
}

/// `numkeys key… WHERE [COUNT n]` from `at` (`lmpopGenericCommand` and
/// `zmpopGenericCommand`'s parser): the keys, the `where` word (parsed by
/// `end`) and COUNT (1 by default).
fn mpop_args<W>(
    args: &[Vec<u8>],
    at: usize,
    end: impl Fn(&[u8]) -> Option<W>,
) -> Result<(&[Vec<u8>], W, usize), Value> {
    let numkeys = match super::int_arg(&args[at]) {
        Ok(n) if n >= 1 => n as u64,
        _ => return Err(Value::err("ERR numkeys should be greater than 0")),
    };
    let where_at = (at as u64).saturating_add(numkeys).saturating_add(1);
    let Some(word) = usize::try_from(where_at).ok().and_then(|i| args.get(i)) else {
        return Err(syntax_error());
    };
    let where_at = where_at as usize;
    let Some(w) = end(word) else {
        return Err(syntax_error());
    };
    let mut count = None;
    let mut j = where_at + 1;
    while j < args.len() {
        if count.is_none() && args[j].eq_ignore_ascii_case(b"count") && j + 1 < args.len() {
            match super::int_arg(&args[j + 1]) {
                Ok(n) if n >= 1 => count = Some(n as usize),
                _ => return Err(Value::err("ERR count should be greater than 0")),
            }
            j += 2;
        } else {
            return Err(syntax_error());
        }
    }
    Ok((&args[at + 1..where_at], w, count.unwrap_or(1)))
}

/// `LMPOP numkeys key… LEFT|RIGHT [COUNT n]`: `[key, [elements]]` from
/// the first existing key, or a nil array; streamed as `LPOP key n`.
pub fn lmpop(c: &mut Call) -> Value {
    let now = c.now;
    let args = c.args;
    let (keys, from, count) = match mpop_args(args, 1, End::parse) {
        Ok(v) => v,
        Err(e) => return e,
    };
    match first_ready(c, keys, false) {
        Err(e) => e,
        Ok(None) => Value::NullArray,
        Ok(Some(key)) => {
            let popped =
                pop_list(&mut c.server(), now, key, from, count).map_or_else(Vec::new, |(_, p)| p);
            pop_reply(&mut c.server(), key, from, Some(count), popped)
        }
    }
}

/// `BLMPOP timeout numkeys key… LEFT|RIGHT [COUNT n]`: the timeout is
/// read after the rest.
pub fn blmpop(c: &mut Call) -> Outcome {
    let args = c.args;
    let (keys, from, count) = match mpop_args(args, 2, End::parse) {
        Ok(v) => v,
        Err(e) => return Outcome::Reply(e),
    };
    match timeout_arg(&args[1]) {
        Ok(t) => list_pop_or_block(c, keys, from, Some(count), t),
        Err(e) => Outcome::Reply(e),
    }
}

/// `BZPOPMIN key… timeout`.
pub fn bzpopmin(c: &mut Call) -> Outcome {
    blocking_zpop(c, false)
}

/// `BZPOPMAX key… timeout`.
pub fn bzpopmax(c: &mut Call) -> Outcome {
    blocking_zpop(c, true)
}

fn blocking_zpop(c: &mut Call, max: bool) -> Outcome {
    let args = c.args;
    let timeout = match timeout_arg(&args[args.len() - 1]) {
        Ok(t) => t,
        Err(e) => return Outcome::Reply(e),
    };
    zpop_or_block(c, &args[1..args.len() - 1], max, None, timeout)
}

fn zpop_or_block(
    c: &mut Call,
    keys: &[Vec<u8>],
    max: bool,
    count: Option<usize>,
    timeout: Option<u64>,
) -> Outcome {
    let now = c.now;
    match first_ready(c, keys, true) {
        Err(e) => Outcome::Reply(e),
        Ok(Some(key)) => {
            let popped =
                pop_zset(&mut c.server(), now, key, max, count.unwrap_or(1)).unwrap_or_default();
            Outcome::Reply(zpop_reply(&mut c.server(), key, max, count, popped))
        }
        Ok(None) if !may_block(c) => Outcome::Reply(Value::NullArray),
        Ok(None) => block(c, keys.to_vec(), timeout, KeyWait::ZPop { max, count }),
    }
}

/// MIN or MAX, as ZMPOP and BZMPOP spell it: true for MAX.
fn min_max(word: &[u8]) -> Option<bool> {
    if word.eq_ignore_ascii_case(b"min") {
        Some(false)
    } else if word.eq_ignore_ascii_case(b"max") {
        Some(true)
    } else {
        None
    }
}

/// `BZMPOP timeout numkeys key… MIN|MAX [COUNT n]`.
pub fn bzmpop(c: &mut Call) -> Outcome {
    let args = c.args;
    let (keys, max, count) = match mpop_args(args, 2, min_max) {
        Ok(v) => v,
        Err(e) => return Outcome::Reply(e),
    };
    match timeout_arg(&args[1]) {
        Ok(t) => zpop_or_block(c, keys, max, Some(count), t),
        Err(e) => Outcome::Reply(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `getTimeoutFromObjectOrReply` on x86-64: `(long long)
    /// ceill(t * 1000.0)` with an 80-bit product, checked against
    /// redis-server 7.0.15 (`BLPOP k 1e-400` blocks 1 ms, `-0.0001` is
    /// forever, `1e17` and `inf` are negative).
    #[test]
    fn timeouts_round_as_redis_long_double() {
        let ms = |t: &str| timeout_arg(t.as_bytes());
        assert_eq!(ms("0.1"), Ok(Some(100)));
        assert_eq!(ms("0.0011"), Ok(Some(2)));
        assert_eq!(ms("1.5"), Ok(Some(1500)));
        assert_eq!(ms("1e-400"), Ok(Some(1)));
        assert_eq!(ms("-0.0001"), Ok(None));
        assert_eq!(ms("0"), Ok(None));
        assert_eq!(ms("0x10"), Ok(Some(16000)));
        let negative = Err(Value::err("ERR timeout is negative"));
        assert_eq!(ms("-1"), negative);
        assert_eq!(ms("1e17"), negative);
        assert_eq!(ms("inf"), negative);
        assert_eq!(
            ms("1x"),
            Err(Value::err("ERR timeout is not a float or out of range"))
        );
    }
}
