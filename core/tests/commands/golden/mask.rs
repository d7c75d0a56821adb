//! Masking: what legitimately differs between a real cluster and ours (node
//! IDs, ports, ping/pong times, message counters, replication offsets, client
//! IDs, hash-table order) is replaced by placeholders on both sides, so
//! everything else — types, framing, texts, structure — is compared exactly.

use super::transcript::NodeAddr;
use clusterlab_core::resp::Value;

/// A masked value: a placeholder no real reply contains.
fn masked(what: &str) -> Value {
    Value::Simple(format!("«{what}»"))
}

/// Masks `v`, the reply to `args` (placeholders already expanded), from a
/// cluster whose nodes are `nodes`.
pub fn mask(nodes: &[NodeAddr], args: &[Vec<u8>], v: Value) -> Value {
    let v = substitute(nodes, v);
    let word = |i: usize| {
        args.get(i)
            .map(|a| String::from_utf8_lossy(a).to_ascii_uppercase())
            .unwrap_or_default()
    };
    match (word(0).as_str(), word(1).as_str()) {
        ("CLUSTER", "NODES") => map_text(v, |t| nodes_text(t, true)),
        ("CLUSTER", "REPLICAS" | "SLAVES") => {
            map_items(v, |l| map_text(l, |t| nodes_text(t, false)))
        }
        ("CLUSTER", "INFO") => map_text(v, info_text),
        ("CLUSTER", "SLOTS") => ports(nodes, v),
        ("CLUSTER", "SHARDS") => shards(nodes, v),
        ("CLIENT", "ID") => masked("client-id"),
        ("HELLO", _) => map_pairs(v, |k, val| match k {
            "id" => masked("client-id"),
            _ => val,
        }),
        // Hash-table order / random picks.
        ("KEYS" | "SPOP", _) | ("CLUSTER", "GETKEYSINSLOT") => sorted(v),
        ("SCAN", _) => match v {
            Value::Array(mut items) if items.len() == 2 => {
                let keys = items.pop().expect("two items");
                items.push(sorted(keys));
                Value::Array(items)
            }
            other => other,
        },
        // Stream consumers' and pending entries' times: wall-clock
        // milliseconds there (times of delivery and of last activity, and
        // idle times counted from them), simulated ones here.
        ("XPENDING", _) if args.len() >= 6 => map_items(v, |e| at(e, 2, "idle-ms")),
        ("XINFO", "CONSUMERS") => map_items(v, |c| {
            map_pairs(c, |k, val| match k {
                "idle" => masked("idle-ms"),
                _ => val,
            })
        }),
        ("XINFO", "STREAM") => map_pairs(v, |k, val| match k {
            "groups" => map_items(val, stream_group_times),
            _ => val,
        }),
        // Real time passes between commands; round to the second.
        ("PTTL", _) => match v {
            Value::Integer(ms) if ms > 0 => masked(&format!("~{}s", (ms + 500) / 1000)),
            other => other,
        },
        _ => v,
    }
}

/// Node IDs → `$X.id`, `ip:port[@cport]` → `$X.ip:$X.port[@$X.cport]`, in
/// every text of the reply.
fn substitute(nodes: &[NodeAddr], v: Value) -> Value {
    let fix = |text: &str| {
        let mut t = text.to_string();
        for n in nodes {
            t = t.replace(&n.id, &format!("${}.id", n.letter));
            t = t.replace(
                &format!("{}:{}@{}", n.ip, n.port, n.cport),
                &format!("${0}.ip:${0}.port@${0}.cport", n.letter),
            );
            t = replace_addr(
                &t,
                &format!("{}:{}", n.ip, n.port),
                &format!("${0}.ip:${0}.port", n.letter),
            );
        }
        t
    };
    match v {
        Value::Simple(s) => Value::Simple(fix(&s)),
        Value::Error(s) => Value::Error(fix(&s)),
        Value::Verbatim(s) => Value::Verbatim(fix(&s)),
        Value::Bulk(b) => match String::from_utf8(b) {
            Ok(s) => Value::Bulk(fix(&s).into_bytes()),
            Err(e) => Value::Bulk(e.into_bytes()),
        },
        Value::Array(items) => {
            Value::Array(items.into_iter().map(|i| substitute(nodes, i)).collect())
        }
        Value::Set(items) => Value::Set(items.into_iter().map(|i| substitute(nodes, i)).collect()),
        Value::Push(items) => {
            Value::Push(items.into_iter().map(|i| substitute(nodes, i)).collect())
        }
        Value::Map(pairs) => Value::Map(
            pairs
                .into_iter()
                .map(|(k, v)| (substitute(nodes, k), substitute(nodes, v)))
                .collect(),
        ),
        other => other,
    }
}

/// Replaces `ip:port` where the port is not just the start of a longer
/// number (`127.0.0.1:70000` is not `127.0.0.1:7000`).
fn replace_addr(text: &str, from: &str, to: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find(from) {
        let after = &rest[i + from.len()..];
        out.push_str(&rest[..i]);
        if after.starts_with(|c: char| c.is_ascii_digit()) {
            out.push_str(from);
        } else {
            out.push_str(to);
        }
        rest = after;
    }
    out.push_str(rest);
    out
}

/// Applies `f` to the text of a bulk or verbatim string.
fn map_text(v: Value, f: impl Fn(&str) -> String) -> Value {
    match v {
        Value::Bulk(b) => Value::Bulk(f(&String::from_utf8_lossy(&b)).into_bytes()),
        Value::Verbatim(s) => Value::Verbatim(f(&s)),
        other => other,
    }
}

fn map_items(v: Value, f: impl Fn(Value) -> Value) -> Value {
    match v {
        Value::Array(items) => Value::Array(items.into_iter().map(f).collect()),
        other => other,
    }
}

/// Maps the values of a map reply (a RESP3 map, or a RESP2 flat array of
/// key, value…) by key name.
fn map_pairs(v: Value, f: impl Fn(&str, Value) -> Value) -> Value {
    let key = |k: &Value| match k {
        Value::Bulk(b) => String::from_utf8_lossy(b).into_owned(),
        _ => String::new(),
    };
    match v {
        Value::Map(pairs) => Value::Map(
            pairs
                .into_iter()
                .map(|(k, v)| {
                    let name = key(&k);
                    (k, f(&name, v))
                })
                .collect(),
        ),
        Value::Array(items) if items.len() % 2 == 0 => {
            let mut out = Vec::with_capacity(items.len());
            let mut it = items.into_iter();
            while let (Some(k), Some(v)) = (it.next(), it.next()) {
                let name = key(&k);
                out.push(k);
                out.push(f(&name, v));
            }
            Value::Array(out)
        }
        other => other,
    }
}

/// Replaces item `i` of an array reply.
fn at(v: Value, i: usize, what: &str) -> Value {
    match v {
        Value::Array(mut items) if items.len() > i => {
            items[i] = masked(what);
            Value::Array(items)
        }
        other => other,
    }
}

/// A group of XINFO STREAM FULL: its PEL's delivery times, its consumers'
/// seen-times and their PELs' delivery times.
fn stream_group_times(group: Value) -> Value {
    map_pairs(group, |k, val| match k {
        "pending" => map_items(val, |e| at(e, 2, "delivery-ms")),
        "consumers" => map_items(val, |c| {
            map_pairs(c, |k, val| match k {
                "seen-time" => masked("seen-ms"),
                "pending" => map_items(val, |e| at(e, 1, "delivery-ms")),
                _ => val,
            })
        }),
        _ => val,
    })
}

/// Hash-table order is arbitrary: compare as a sorted list.
fn sorted(v: Value) -> Value {
    match v {
        Value::Array(mut items) => {
            items.sort_by_key(|i| format!("{i:?}"));
            Value::Array(items)
        }
        Value::Set(mut items) => {
            items.sort_by_key(|i| format!("{i:?}"));
            Value::Set(items)
        }
        other => other,
    }
}

/// CLUSTER NODES lines: ping_sent and pong_recv are wall-clock times; the
/// line order is hash-table order (`all` = the whole listing).
fn nodes_text(text: &str, all: bool) -> String {
    let mut lines: Vec<String> = text
        .split_terminator('\n')
        .map(|line| {
            let mut f: Vec<&str> = line.split(' ').collect();
            if f.len() >= 8 {
                // A ping in flight at that instant is timing, not state.
                f[4] = "«ping-ms»";
                f[5] = if f[5] == "0" { "0" } else { "«pong-ms»" };
            }
            f.join(" ")
        })
        .collect();
    if all {
        lines.sort();
    }
    let mut out = lines.join("\n");
    if text.ends_with('\n') {
        out.push('\n');
    }
    out
}

/// CLUSTER INFO: message counters depend on timing; their names don't.
fn info_text(text: &str) -> String {
    text.split_inclusive("\r\n")
        .map(|line| match line.split_once(':') {
            Some((name, _)) if name.starts_with("cluster_stats_messages_") => {
                format!("{name}:«n»\r\n")
            }
            _ => line.to_string(),
        })
        .collect()
}

/// Port numbers as integers (CLUSTER SLOTS, SHARDS) → `$X.port`.
fn ports(nodes: &[NodeAddr], v: Value) -> Value {
    match v {
        Value::Integer(n) => match nodes.iter().find(|a| i64::from(a.port) == n) {
            Some(a) => masked(&format!("${}.port", a.letter)),
            None => Value::Integer(n),
        },
        Value::Array(items) => Value::Array(items.into_iter().map(|i| ports(nodes, i)).collect()),
        Value::Map(pairs) => Value::Map(
            pairs
                .into_iter()
                .map(|(k, v)| (k, ports(nodes, v)))
                .collect(),
        ),
        other => other,
    }
}

/// CLUSTER SHARDS: ports, replication offsets, and shard order (dict order).
fn shards(nodes: &[NodeAddr], v: Value) -> Value {
    let offsets = |shard: Value| {
        map_pairs(shard, |k, val| match k {
            "nodes" => map_items(val, |node| {
                map_pairs(node, |k, val| match k {
                    "replication-offset" => masked("offset"),
                    _ => val,
                })
            }),
            _ => val,
        })
    };
    sorted(map_items(ports(nodes, v), offsets))
}
