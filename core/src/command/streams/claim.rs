//! The pending entries lists: XPENDING reads them, XCLAIM and XAUTOCLAIM
//! move entries between consumers. Both claims stream one `XCLAIM …
//! FORCE JUSTID` per entry they touched (deleted entries included, so a
//! replica drops them too), never themselves.

use super::read::{setid_op, xclaim_op};
use super::{entry_reply, id_reply, interval_id, lookup, no_group, strict_id};
use crate::command::{int_arg, syntax_error, Call};
use crate::keyspace::notify::class;
use crate::keyspace::stream::{Group, Nack, Stream, StreamId};
use crate::resp::Value;

/// Milliseconds since `t` on the node's clock (negative if `t` is ahead).
fn idle(now: u64, t: u64) -> i64 {
    (now as i128 - t as i128).clamp(i64::MIN as i128, i64::MAX as i128) as i64
}

/// `XPENDING key group [[IDLE ms] start end count [consumer]]`
/// (`xpendingCommand`): the summary, or the entries with their owner,
/// idle time and delivery count.
pub fn xpending(c: &mut Call) -> Value {
    let args = c.args;
    let argc = args.len();
    if argc != 3 && !(6..=9).contains(&argc) {
        return syntax_error();
    }
    let mut range = None;
    if argc >= 6 {
        let mut at = 3;
        let mut min_idle = 0;
        if args[3].eq_ignore_ascii_case(b"idle") {
            min_idle = match int_arg(&args[4]) {
                Ok(n) => n,
                Err(e) => return e,
            };
            if argc < 8 {
                return syntax_error();
            }
            at += 2;
        }
        let count = match int_arg(&args[at + 2]) {
            Ok(n) => n.max(0) as usize,
            Err(e) => return e,
        };
        let bounds =
            interval_id(&args[at], true).and_then(|s| Ok((s, interval_id(&args[at + 1], false)?)));
        let (start, end) = match bounds {
            Ok(b) => b,
            Err(e) => return e,
        };
        range = Some((min_idle, start, end, count, args.get(at + 3)));
    }
    let now = c.now.ms();
    let g = match lookup(c, &args[1]) {
        Ok(s) => match s.and_then(|s| s.groups.get(&args[2])) {
            Some(g) => g,
            None => return no_group(&args[1], &args[2], ""),
        },
        Err(e) => return e,
    };
    let Some((min_idle, start, end, count, consumer)) = range else {
        return summary(g);
    };
    let ids: Box<dyn Iterator<Item = &StreamId>> = match consumer {
        Some(name) => match g.consumers.get(name) {
            Some(cons) => Box::new(cons.pel.iter()),
            None => return Value::Array(Vec::new()),
        },
        None => Box::new(g.pel.keys()),
    };
    let rows = ids
        .filter(|id| **id >= start && **id <= end)
        .filter_map(|id| {
            let nack = &g.pel[id];
            let elapsed = idle(now, nack.delivery_time);
            (min_idle == 0 || elapsed >= min_idle).then(|| {
                Value::Array(vec![
                    id_reply(*id),
                    Value::Bulk(nack.consumer.clone()),
                    Value::Integer(elapsed.max(0)),
                    Value::Integer(nack.delivery_count as i64),
                ])
            })
        })
        .take(count)
        .collect();
    Value::Array(rows)
}

/// XPENDING's summary: count, smallest and largest ID, and each consumer
/// owning entries with how many (as a bulk string).
fn summary(g: &Group) -> Value {
    let (Some(first), Some(last)) = (g.pel.keys().next(), g.pel.keys().next_back()) else {
        return Value::Array(vec![
            Value::Integer(0),
            Value::Null,
            Value::Null,
            Value::NullArray,
        ]);
    };
    let owners = g
        .consumers
        .iter()
        .filter(|(_, c)| !c.pel.is_empty())
        .map(|(name, c)| {
            Value::Array(vec![
                Value::Bulk(name.clone()),
                Value::bulk(c.pel.len().to_string()),
            ])
        })
        .collect();
    Value::Array(vec![
        Value::Integer(g.pel.len() as i64),
        id_reply(*first),
        id_reply(*last),
        Value::Array(owners),
    ])
}

/// `streamLookupConsumer` (seen now) or `streamCreateConsumer`: true if
/// it was created (which raises `xgroup-createconsumer`).
fn touch_consumer(g: &mut Group, name: &[u8], now: u64) -> bool {
    let created = !g.consumers.contains_key(name);
    g.consumers.entry(name.to_vec()).or_default().seen_time = now;
    created
}

/// `xgroup-createconsumer` on `key` if a claim created its consumer.
fn notify_created(c: &mut Call, key: &[u8], created: bool) {
    let node = &mut c.server();
    if created {
        node.keyspace_mut()
            .notify(class::STREAM, "xgroup-createconsumer", key);
    }
}

/// An integer option of XCLAIM, with its own error text.
fn claim_int(arg: &[u8], what: &str) -> Result<i64, Value> {
    int_arg(arg).map_err(|_| Value::err(format!("ERR Invalid {what} argument for XCLAIM")))
}

/// `XCLAIM key group consumer min-idle id… [IDLE ms] [TIME ms] [RETRYCOUNT n]
/// [FORCE] [JUSTID] [LASTID id]` (`xclaimCommand`).
pub fn xclaim(c: &mut Call) -> Value {
    let args = c.args;
    let now = c.now.ms();
    match lookup(c, &args[1]) {
        Ok(Some(s)) if s.groups.contains_key(&args[2]) => {}
        Ok(_) => return no_group(&args[1], &args[2], ""),
        Err(e) => return e,
    }
    let min_idle = match claim_int(&args[4], "min-idle-time") {
        Ok(n) => n.max(0),
        Err(e) => return e,
    };
    let mut ids = Vec::new();
    let mut j = 5;
    while let Some(id) = args
        .get(j)
        .and_then(|a| crate::keyspace::stream::id::parse_strict(a))
    {
        ids.push((j, id));
        j += 1;
    }
    let (mut force, mut justid) = (false, false);
    let mut delivery: Option<i128> = None;
    let mut retry: i64 = -1;
    let mut last_id = StreamId::MIN;
    while j < args.len() {
        let more = args.len() - 1 - j;
        let opt = &args[j];
        let parsed = if opt.eq_ignore_ascii_case(b"force") {
            force = true;
            Ok(())
        } else if opt.eq_ignore_ascii_case(b"justid") {
            justid = true;
            Ok(())
        } else if opt.eq_ignore_ascii_case(b"idle") && more > 0 {
            j += 1;
            claim_int(&args[j], "IDLE option").map(|n| delivery = Some(now as i128 - n as i128))
        } else if opt.eq_ignore_ascii_case(b"time") && more > 0 {
            j += 1;
            claim_int(&args[j], "TIME option").map(|n| delivery = Some(n as i128))
        } else if opt.eq_ignore_ascii_case(b"retrycount") && more > 0 {
            j += 1;
            claim_int(&args[j], "RETRYCOUNT option").map(|n| retry = n)
        } else if opt.eq_ignore_ascii_case(b"lastid") && more > 0 {
            j += 1;
            strict_id(&args[j]).map(|id| last_id = id)
        } else {
            Err(Value::err(format!(
                "ERR Unrecognized XCLAIM option '{}'",
                String::from_utf8_lossy(opt)
            )))
        };
        if let Err(e) = parsed {
            return e;
        }
        j += 1;
    }
    let delivery_time = match delivery {
        Some(t) if t >= 0 && t <= now as i128 => t as u64,
        _ => now,
    };
    let (key, group, name) = (&args[1], &args[2], &args[3]);
    let Ok(Some(s)) = lookup(c, key) else {
        return Value::Array(Vec::new());
    };
    let Some(mut g) = s.groups.remove(group) else {
        return Value::Array(Vec::new());
    };
    let mut set_last = false;
    if last_id > g.last_id {
        g.last_id = last_id;
        set_last = true;
    }
    let mut sent = Vec::new();
    let mut out = Vec::new();
    let mut created = false;
    for (j, id) in ids {
        let known = g.pel.contains_key(&id);
        if s.get(id).is_none() {
            if known {
                sent.push(xclaim_op(key, group, &args[j], &g, id));
                set_last = false;
                g.ack(id);
            }
            continue;
        }
        let fresh = !known;
        if fresh {
            if !force {
                continue;
            }
            g.pel.insert(
                id,
                Nack {
                    consumer: Vec::new(),
                    delivery_time: now,
                    delivery_count: 1,
                },
            );
        }
        if !fresh && min_idle != 0 && idle(now, g.pel[&id].delivery_time) < min_idle {
            continue;
        }
        created |= touch_consumer(&mut g, name, now);
        if fresh {
            g.pel.get_mut(&id).expect("just inserted").consumer = name.to_vec();
        }
        g.reassign(id, name);
        let nack = g.pel.get_mut(&id).expect("pending");
        nack.delivery_time = delivery_time;
        if retry >= 0 {
            nack.delivery_count = retry as u64;
        } else if !justid {
            nack.delivery_count = nack.delivery_count.wrapping_add(1);
        }
        out.push(claimed_reply(s, id, justid));
        sent.push(xclaim_op(key, group, &args[j], &g, id));
        set_last = false;
    }
    if set_last {
        sent.push(setid_op(key, group, &g));
    }
    s.groups.insert(group.clone(), g);
    notify_created(c, key, created);
    for op in sent {
        c.server().propagate(&op);
    }
    Value::Array(out)
}

/// A claimed entry: its ID (JUSTID) or the whole entry.
fn claimed_reply(s: &Stream, id: StreamId, justid: bool) -> Value {
    match (justid, s.get(id)) {
        (false, Some(e)) => entry_reply(e),
        _ => id_reply(id),
    }
}

/// `XAUTOCLAIM key group consumer min-idle start [COUNT n] [JUSTID]`
/// (`xautoclaimCommand`): claims up to COUNT idle entries from `start`,
/// looking at no more than 10 × COUNT; replies the ID to go on from (0-0
/// at the end), the claimed entries, and the IDs found deleted (dropped
/// from the PEL).
pub fn xautoclaim(c: &mut Call) -> Value {
    let args = c.args;
    let now = c.now.ms();
    let min_idle = match int_arg(&args[4]) {
        Ok(n) => n.max(0),
        Err(_) => return Value::err("ERR Invalid min-idle-time argument for XAUTOCLAIM"),
    };
    let start = match interval_id(&args[5], true) {
        Ok(id) => id,
        Err(e) => return e,
    };
    let mut count: u64 = 100;
    let mut justid = false;
    let mut j = 6;
    while j < args.len() {
        let more = args.len() - 1 - j;
        if args[j].eq_ignore_ascii_case(b"count") && more > 0 {
            count = match int_arg(&args[j + 1]) {
                Ok(n) if (1..=i64::MAX / 16).contains(&n) => n as u64,
                _ => return Value::err("ERR COUNT must be > 0"),
            };
            j += 1;
        } else if args[j].eq_ignore_ascii_case(b"justid") {
            justid = true;
        } else {
            return syntax_error();
        }
        j += 1;
    }
    let (key, group, name) = (&args[1], &args[2], &args[3]);
    let s = match lookup(c, key) {
        Ok(Some(s)) if s.groups.contains_key(group) => s,
        Ok(_) => return no_group(key, group, ""),
        Err(e) => return e,
    };
    let Some(mut g) = s.groups.remove(group) else {
        return no_group(key, group, "");
    };
    let mut attempts = count * 10;
    let candidates: Vec<StreamId> = g
        .pel
        .range(start..)
        .map(|(id, _)| *id)
        .take(attempts.min(usize::MAX as u64 - 1) as usize + 1)
        .collect();
    let (mut sent, mut claimed, mut deleted) = (Vec::new(), Vec::new(), Vec::new());
    let mut next = 0;
    let mut created = false;
    while attempts > 0 {
        attempts -= 1;
        if count == 0 || next >= candidates.len() {
            break;
        }
        let id = candidates[next];
        next += 1;
        if s.get(id).is_none() {
            sent.push(xclaim_op(key, group, &id.to_bytes(), &g, id));
            g.ack(id);
            deleted.push(id_reply(id));
            count -= 1;
            continue;
        }
        if min_idle != 0 && idle(now, g.pel[&id].delivery_time) < min_idle {
            continue;
        }
        created |= touch_consumer(&mut g, name, now);
        g.reassign(id, name);
        let nack = g.pel.get_mut(&id).expect("pending");
        nack.delivery_time = now;
        if !justid {
            nack.delivery_count = nack.delivery_count.wrapping_add(1);
        }
        claimed.push(claimed_reply(s, id, justid));
        count -= 1;
        sent.push(xclaim_op(key, group, &id.to_bytes(), &g, id));
    }
    let resume = candidates.get(next).copied().unwrap_or(StreamId::MIN);
    s.groups.insert(group.clone(), g);
    notify_created(c, key, created);
    for op in sent {
        c.server().propagate(&op);
    }
    Value::Array(vec![
        id_reply(resume),
        Value::Array(claimed),
        Value::Array(deleted),
    ])
}
