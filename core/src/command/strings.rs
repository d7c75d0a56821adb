//! String commands (t_string.c): GET, SET and its options, MGET, MSET,
//! INCR/DECR/INCRBY/DECRBY, APPEND, STRLEN.

use super::{int_arg, syntax_error, wrong_type};
use crate::keyspace::Data;
use crate::node::Node;
use crate::resp::Value;
use crate::time::Time;

/// Runs a string command, or `None` if `name` is not one.
pub fn run(node: &mut Node, now: Time, name: &str, args: &[Vec<u8>]) -> Option<Value> {
    let ks = node.keyspace_mut();
    Some(match name {
        "get" => match ks.get(now, &args[1]) {
            None => Value::Null,
            Some(Data::Str(v)) => Value::Bulk(v.clone()),
            Some(_) => wrong_type(),
        },
        "set" => set(node, now, args),
        "mget" => Value::Array(
            args[1..]
                .iter()
                .map(|k| match ks.get(now, k) {
                    Some(Data::Str(v)) => Value::Bulk(v.clone()),
                    _ => Value::Null,
                })
                .collect(),
        ),
        "mset" => {
            if args.len().is_multiple_of(2) {
                return Some(super::arity_error("mset"));
            }
            for pair in args[1..].chunks(2) {
                ks.set(&pair[0], Data::Str(pair[1].clone()));
            }
            Value::ok()
        }
        "incr" => incr_by(node, now, &args[1], 1),
        "decr" => incr_by(node, now, &args[1], -1),
        "incrby" => match int_arg(&args[2]) {
            Ok(n) => incr_by(node, now, &args[1], n),
            Err(e) => e,
        },
        "decrby" => match int_arg(&args[2]) {
            Ok(n) if n != i64::MIN => incr_by(node, now, &args[1], -n),
            Ok(_) => Value::err("ERR decrement would overflow"),
            Err(e) => e,
        },
        "append" => {
            let mut value = match ks.get(now, &args[1]) {
                None => Vec::new(),
                Some(Data::Str(v)) => v.clone(),
                Some(_) => return Some(wrong_type()),
            };
            value.extend_from_slice(&args[2]);
            let len = value.len() as i64;
            ks.set_keep_ttl(now, &args[1], Data::Str(value));
            Value::Integer(len)
        }
        "strlen" => match ks.get(now, &args[1]) {
            None => Value::Integer(0),
            Some(Data::Str(v)) => Value::Integer(v.len() as i64),
            Some(_) => wrong_type(),
        },
        _ => return None,
    })
}

/// `SET key value [NX|XX] [GET] [EX s|PX ms|EXAT s|PXAT ms|KEEPTTL]`.
fn set(node: &mut Node, now: Time, args: &[Vec<u8>]) -> Value {
    let (mut nx, mut xx, mut get, mut keepttl) = (false, false, false, false);
    let mut expire: Option<Time> = None;
    let mut i = 3;
    while i < args.len() {
        let opt = args[i].to_ascii_uppercase();
        let next = args.get(i + 1);
        match opt.as_slice() {
            b"NX" if !xx => nx = true,
            b"XX" if !nx => xx = true,
            b"GET" => get = true,
            b"KEEPTTL" if expire.is_none() => keepttl = true,
            b"EX" | b"PX" | b"EXAT" | b"PXAT" if expire.is_none() && !keepttl => {
                let Some(n) = next else {
                    return syntax_error();
                };
                let n = match int_arg(n) {
                    Ok(n) => n,
                    Err(e) => return e,
                };
                match expire_ms(opt.as_slice(), n, now) {
                    Some(at) => expire = Some(Time(at)),
                    None => return Value::err("ERR invalid expire time in 'set' command"),
                }
                i += 1;
            }
            _ => return syntax_error(),
        }
        i += 1;
    }
    let ks = node.keyspace_mut();
    // The old value is copied only for GET's reply.
    let (exists, old) = match ks.get(now, &args[1]) {
        None => (false, None),
        Some(Data::Str(v)) => (true, get.then(|| v.clone())),
        Some(_) if get => return wrong_type(),
        Some(_) => (true, None),
    };
    let reply_old = || match &old {
        Some(v) => Value::Bulk(v.clone()),
        None => Value::Null,
    };
    if (nx && exists) || (xx && !exists) {
        return if get { reply_old() } else { Value::Null };
    }
    if keepttl {
        ks.set_keep_ttl(now, &args[1], Data::Str(args[2].clone()));
    } else {
        ks.set(&args[1], Data::Str(args[2].clone()));
        if expire.is_some() {
            ks.set_expire(now, &args[1], expire);
        }
    }
    if get {
        reply_old()
    } else {
        Value::ok()
    }
}

/// `getExpireMillisecondsOrReply`: the absolute expiry in ms, or `None`
/// for "invalid expire time" (not positive, or overflowing once converted
/// to ms and, for EX/PX, added to the current time).
fn expire_ms(unit: &[u8], n: i64, now: Time) -> Option<u64> {
    if n <= 0 {
        return None;
    }
    let seconds = matches!(unit, b"EX" | b"EXAT");
    let ms = if seconds { n.checked_mul(1000)? } else { n };
    let relative = matches!(unit, b"EX" | b"PX");
    let at = if relative {
        ms.checked_add(i64::try_from(now.ms()).ok()?)?
    } else {
        ms
    };
    u64::try_from(at).ok()
}

/// INCR and friends: the value must be a decimal 64-bit integer.
fn incr_by(node: &mut Node, now: Time, key: &[u8], by: i64) -> Value {
    let ks = node.keyspace_mut();
    let current = match ks.get(now, key) {
        None => 0,
        Some(Data::Str(v)) => match crate::resp::parse_i64(v) {
            Some(n) => n,
            None => return super::not_integer(),
        },
        Some(_) => return wrong_type(),
    };
    let Some(new) = current.checked_add(by) else {
        return Value::err("ERR increment or decrement would overflow");
    };
    ks.set_keep_ttl(now, key, Data::Str(new.to_string().into_bytes()));
    Value::Integer(new)
}
