//! MEMORY STATS / DOCTOR / PURGE / MALLOC-STATS (object.c `memoryCommand`)
//! compared live with redis-server 7.0.15, in RESP2 and RESP3.
//!
//! Compared as bytes: DOCTOR (both instances hold little memory: the
//! "empty" report), PURGE, the errors of wrong arities. Compared otherwise,
//! and why: MEMORY STATS's numbers are each allocator's own (the node
//! estimates, redis-server measures jemalloc), so its layout is compared —
//! the field names in order, which are integers and which doubles, and
//! `db.0`'s map appearing only once a key exists; `keys.count` is exact.
//! MALLOC-STATS is jemalloc's report on redis-server and the libc build's
//! one line on the node (its INFO says `mem_allocator:libc`): both are
//! strings.

use crate::common::native;
use clusterlab_core::resp::Value;
use native::compare::{assert_no_differences, pair, Both};

/// MEMORY STATS's fields in order, each with the kind of its value, and
/// `keys.count`'s value.
fn layout(v: &Value) -> (Vec<String>, Option<i64>) {
    let pairs: Vec<(Value, Value)> = match v {
        Value::Map(p) => p.clone(),
        Value::Array(items) => items
            .chunks(2)
            .map(|p| (p[0].clone(), p[1].clone()))
            .collect(),
        other => panic!("MEMORY STATS: {other:?}"),
    };
    let mut keys = None;
    let names = pairs
        .iter()
        .map(|(k, v)| {
            let name = match k {
                Value::Bulk(b) => String::from_utf8_lossy(b).into_owned(),
                other => format!("{other:?}"),
            };
            if name == "keys.count" {
                if let Value::Integer(n) = v {
                    keys = Some(*n);
                }
            }
            let kind = match v {
                Value::Integer(_) => "int".to_string(),
                Value::Double(_) | Value::Bulk(_) => "double".to_string(),
                nested @ (Value::Map(_) | Value::Array(_)) => layout(nested).0.join(","),
                other => format!("{other:?}"),
            };
            format!("{name}={kind}")
        })
        .collect();
    (names, keys)
}

#[test]
fn memory_subcommands_match_redis() {
    let (ours, redis) = pair(15000, &[]);
    let mut diffs = Vec::new();
    for resp3 in [false, true] {
        let mut b = Both::connect(ours.port, redis.port, resp3);
        b.lines(
            &[
                "FLUSHALL",
                "MEMORY DOCTOR",
                "MEMORY PURGE",
                "MEMORY STATS extra",
                "MEMORY PURGE extra",
                "MEMORY DOCTOR extra",
                "MEMORY MALLOC-STATS extra",
                "MEMORY NOPE",
            ],
            &mut diffs,
        );
        for setup in [None, Some("SET {m}k v"), Some("SET {m}e v EX 100")] {
            if let Some(line) = setup {
                b.setup(line);
            }
            b.check_shape("MEMORY STATS", layout, &mut diffs);
        }
        let (o, r) = b.call(&["MEMORY", "MALLOC-STATS"]);
        for (name, reply) in [("ours", o), ("real", r)] {
            if !matches!(reply, Value::Bulk(_) | Value::Verbatim(_)) {
                diffs.push(format!("MEMORY MALLOC-STATS ({name}): {reply:?}"));
            }
        }
    }
    assert_no_differences(&diffs);
}
