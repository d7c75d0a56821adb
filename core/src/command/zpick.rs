//! Sorted-set commands that pick members rather than ranges (t_zset.c):
//! ZMPOP (pops from the first non-empty key), ZRANDMEMBER and ZSCAN.

use super::keys::glob_match;
use super::zsets::{members_reply, ordered, Scored};
use super::Call;
use super::{int_arg, syntax_error, wrong_type};
use crate::keyspace::notify::class;
use crate::keyspace::Data;
use crate::resp::{format_double, Value};
use rand::Rng;

/// `getRangeLongFromObjectOrReply(…, 1, LONG_MAX, msg)`: anything but a
/// positive integer is `msg`.
fn positive(arg: &[u8], msg: &str) -> Result<usize, Value> {
    match int_arg(arg) {
        Ok(n) if n >= 1 => Ok(n as usize),
        _ => Err(Value::err(format!("ERR {msg}"))),
    }
}

/// `ZMPOP numkeys key… MIN|MAX [COUNT count]` (`zmpopGenericCommand`):
/// pops from the first key that exists, replying `[key, [[member,
/// score]…]]` in both protocols, or a nil array when no key exists. Redis
/// streams it as `ZPOPMIN|ZPOPMAX key n`, n being what was popped.
pub fn zmpop(c: &mut Call) -> Value {
    let now = c.now;
    let args = c.args;
    let node = &mut c.server();
    let num = match positive(&args[1], "numkeys should be greater than 0") {
        Ok(n) => n,
        Err(e) => return e,
    };
    let where_at = 1 + num + 1;
    let Some(dir) = args.get(where_at) else {
        return syntax_error();
    };
    let max = match dir.to_ascii_lowercase().as_slice() {
        b"min" => false,
        b"max" => true,
        _ => return syntax_error(),
    };
    let mut count = None;
    let mut j = where_at + 1;
    while j < args.len() {
        if count.is_none() && args[j].eq_ignore_ascii_case(b"count") && j + 1 < args.len() {
            match positive(&args[j + 1], "count should be greater than 0") {
                Ok(n) => count = Some(n),
                Err(e) => return e,
            }
            j += 2;
        } else {
            return syntax_error();
        }
    }
    let count = count.unwrap_or(1);
    let ks = node.keyspace_mut();
    let mut found = None;
    for key in &args[2..2 + num] {
        match ks.get(now, key) {
            None => continue,
            Some(Data::ZSet(_)) => {
                found = Some(key);
                break;
            }
            Some(_) => return wrong_type(),
        }
    }
    let Some(key) = found else {
        return Value::NullArray;
    };
    let Some(Data::ZSet(z)) = ks.get_mut(now, key) else {
        return wrong_type();
    };
    let picked: Scored = {
        let o = ordered(z);
        let n = count.min(o.len());
        let it: Box<dyn Iterator<Item = &(&[u8], f64)>> = if max {
            Box::new(o.iter().rev())
        } else {
            Box::new(o.iter())
        };
        it.take(n).map(|(m, s)| (m.to_vec(), *s)).collect()
    };
    for (m, _) in &picked {
        z.remove(m);
    }
    ks.notify(class::ZSET, if max { "zpopmax" } else { "zpopmin" }, key);
    ks.remove_if_empty(key);
    let pop = if max { "ZPOPMAX" } else { "ZPOPMIN" };
    node.propagate(&[
        pop.as_bytes().to_vec(),
        key.clone(),
        picked.len().to_string().into_bytes(),
    ]);
    let pairs = picked
        .into_iter()
        .map(|(m, s)| Value::Array(vec![Value::Bulk(m), Value::Double(s)]))
        .collect();
    Value::Array(vec![Value::Bulk(key.clone()), Value::Array(pairs)])
}

/// Redis answers a negative ZRANDMEMBER count of any size, member by
/// member, until the client's output limit (none by default) or memory
/// runs out; this node (and the browser tab running it) refuses a reply
/// that large instead of crashing.
const MAX_REPEATED_PICKS: usize = 10_000_000;

/// `ZRANDMEMBER key [count [WITHSCORES]]` (`zrandmemberCommand`): without
/// a count one member or nil; a positive count gives distinct members (the
/// whole set, highest first, when it asks for as many), a negative one may
/// repeat. Picks come from the node's seeded generator.
pub fn zrandmember(c: &mut Call) -> Value {
    let now = c.now;
    let args = c.args;
    let (now, args, proto) = (now, args, c.client.proto);
    if args.len() == 2 {
        let node = &mut c.server();
        let member = match node.keyspace_mut().get(now, &args[1]) {
            None => return Value::Null,
            Some(Data::ZSet(z)) => {
                // By member, the order this pick has always indexed.
                let mut o: Vec<Vec<u8>> = z.iter().map(|(m, _)| m.to_vec()).collect();
                crate::sorted::sort(&mut o);
                let i = node.rng_mut().random_range(0..o.len());
                o.swap_remove(i)
            }
            Some(_) => return wrong_type(),
        };
        return Value::Bulk(member);
    }
    let l = match int_arg(&args[2]) {
        Ok(i64::MIN) => {
            return Value::err(format!(
                "ERR value is out of range, value must between {} and {}",
                -i64::MAX,
                i64::MAX
            ))
        }
        Ok(n) => n,
        Err(e) => return e,
    };
    if args.len() > 4 || (args.len() == 4 && !args[3].eq_ignore_ascii_case(b"withscores")) {
        return syntax_error();
    }
    let withscores = args.len() == 4;
    if withscores && !(-i64::MAX / 2..=i64::MAX / 2).contains(&l) {
        return Value::err("ERR value is out of range");
    }
    let node = &mut c.server();
    let all: Scored = match node.keyspace_mut().get(now, &args[1]) {
        None => return Value::Array(Vec::new()),
        Some(Data::ZSet(z)) => ordered(z)
            .into_iter()
            .map(|(m, s)| (m.to_vec(), s))
            .collect(),
        Some(_) => return wrong_type(),
    };
    let (count, unique) = (l.unsigned_abs() as usize, l >= 0);
    if !unique && count > MAX_REPEATED_PICKS {
        return Value::err(format!(
            "ERR count above {MAX_REPEATED_PICKS} refused: redis-server would build that reply until it runs out of memory"
        ));
    }
    let rng = node.rng_mut();
    let items = if count == 0 {
        Vec::new()
    } else if !unique || count == 1 {
        (0..count)
            .map(|_| all[rng.random_range(0..all.len())].clone())
            .collect()
    } else if count >= all.len() {
        // `zuiNext` walks a sorted set from its last member.
        all.into_iter().rev().collect()
    } else {
        // Distinct picks, kept in the set's order as the listpack walk
        // (`lpRandomPairsUnique`) gives them.
        let mut keep = vec![false; all.len()];
        let mut left = count;
        while left > 0 {
            let i = rng.random_range(0..all.len());
            if !keep[i] {
                keep[i] = true;
                left -= 1;
            }
        }
        all.into_iter()
            .zip(keep)
            .filter_map(|(e, k)| k.then_some(e))
            .collect()
    };
    members_reply(items, withscores, proto)
}

/// `ZSCAN key cursor [MATCH pattern] [COUNT count]`: the cursor is checked
/// first, then the key, then the options (a missing key answers the empty
/// scan whatever they are). Like Redis for a listpack-encoded set, the
/// whole set comes in one call with cursor 0, members in order, each score
/// as the listpack holds it (`d2string`: integers without exponent). A
/// set past the listpack limits is a hash table that Redis scans in pages
/// in hash order (not reproducible): it comes in one call here too, each
/// score as `%.17g` (`ld2string`).
pub fn zscan(c: &mut Call) -> Value {
    let now = c.now;
    let args = c.args;
    if !scan_cursor_ok(&args[2]) {
        return Value::err("ERR invalid cursor");
    }
    let empty = || Value::Array(vec![Value::bulk("0"), Value::Array(Vec::new())]);
    let (pairs, listpack): (Scored, bool) = match c.server().keyspace_mut().get(now, &args[1]) {
        None => return empty(),
        Some(Data::ZSet(z)) => (
            ordered(z)
                .into_iter()
                .map(|(m, s)| (m.to_vec(), s))
                .collect(),
            z.is_packed(),
        ),
        Some(_) => return wrong_type(),
    };
    let mut pattern = None;
    let mut i = 3;
    while i < args.len() {
        let more = i + 1 < args.len();
        if more && args[i].eq_ignore_ascii_case(b"count") {
            match int_arg(&args[i + 1]) {
                Ok(n) if n >= 1 => {}
                Ok(_) => return syntax_error(),
                Err(e) => return e,
            }
        } else if more && args[i].eq_ignore_ascii_case(b"match") {
            pattern = Some(&args[i + 1]).filter(|p| p.as_slice() != b"*");
        } else {
            return syntax_error();
        }
        i += 2;
    }
    let items = pairs
        .into_iter()
        .filter(|(m, _)| pattern.is_none_or(|p| glob_match(p, m)))
        .flat_map(|(m, s)| {
            let score = if listpack {
                listpack_score(s)
            } else {
                format_double(s)
            };
            [Value::Bulk(m), Value::bulk(score)]
        })
        .collect();
    Value::Array(vec![Value::bulk("0"), Value::Array(items)])
}

/// `parseScanCursorOrReply`'s `strtoul`: no leading space, an optional
/// sign (`-1` wraps around, so it is accepted), base-10 digits to the end,
/// no overflow; the empty string reads as 0.
fn scan_cursor_ok(arg: &[u8]) -> bool {
    if arg.is_empty() {
        return true;
    }
    let digits = match arg[0] {
        b' ' | b'\t'..=b'\r' => return false,
        b'-' | b'+' => &arg[1..],
        _ => arg,
    };
    !digits.is_empty()
        && digits.iter().all(u8::is_ascii_digit)
        && std::str::from_utf8(digits).is_ok_and(|d| d.parse::<u64>().is_ok())
}

/// `d2string`, how a listpack stores a score: an integral value that fits
/// a long long as an integer, anything else `%.17g` (`-0` reads back as 0).
fn listpack_score(s: f64) -> String {
    if s.is_finite() && s.fract() == 0.0 && s.abs() < 9.2e18 {
        (s as i64).to_string()
    } else {
        format_double(s)
    }
}
