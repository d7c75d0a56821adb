//! LATENCY HISTOGRAM (latency.c `fillCommandCDF`) compared live with
//! redis-server 7.0.15, in RESP2 and RESP3: which commands answer (named,
//! a container's subcommands, `container|sub`, unknown names skipped,
//! a name twice answered twice), `calls`, and a cumulative distribution
//! that ends at `calls`. The µs buckets are each server's own timings, so
//! they are not compared; the bucket arithmetic is unit-tested in
//! `node/histogram.rs`.

use crate::common::native;
use clusterlab_core::resp::Value;
use native::compare::{assert_no_differences, pair, Raw};

/// Each entry's name and calls, checking its distribution is cumulative
/// and ends at its calls.
fn shape(v: &Value) -> Vec<(String, i64)> {
    let pairs = |v: &Value| -> Vec<(Value, Value)> {
        match v {
            Value::Map(p) => p.clone(),
            Value::Array(items) => items
                .chunks(2)
                .map(|p| (p[0].clone(), p[1].clone()))
                .collect(),
            other => panic!("not a map: {other:?}"),
        }
    };
    pairs(v)
        .into_iter()
        .map(|(name, body)| {
            let name = match name {
                Value::Bulk(b) => String::from_utf8_lossy(&b).into_owned(),
                other => panic!("name: {other:?}"),
            };
            let body = pairs(&body);
            let Value::Integer(calls) = body[0].1 else {
                panic!("calls: {body:?}")
            };
            let counts: Vec<i64> = pairs(&body[1].1)
                .into_iter()
                .map(|(_, n)| match n {
                    Value::Integer(n) => n,
                    other => panic!("count: {other:?}"),
                })
                .collect();
            assert!(counts.windows(2).all(|w| w[0] < w[1]), "{name}: {counts:?}");
            assert_eq!(counts.last().copied(), Some(calls), "{name}");
            (name, calls)
        })
        .collect()
}

#[test]
fn latency_histogram_matches_redis() {
    let (ours, redis) = pair(15000, &[]);
    let mut diffs = Vec::new();
    for resp3 in [false, true] {
        let mut o = Raw::connect(ours.port, resp3);
        let mut r = Raw::connect(redis.port, resp3);
        for line in [
            "CONFIG RESETSTAT",
            "SET {h}a 1",
            "SET {h}a 2",
            "GET {h}a",
            "CONFIG GET maxmemory",
        ] {
            let args: Vec<&str> = line.split(' ').collect();
            o.send_args(&args);
            r.send_args(&args);
        }
        // A container's subcommands come in Redis's dict order: sorted.
        for (line, sorted) in [
            ("LATENCY HISTOGRAM set", false),
            ("LATENCY HISTOGRAM SET get nosuch set", false),
            ("LATENCY HISTOGRAM config", true),
            ("LATENCY HISTOGRAM config|get config|set", false),
            ("LATENCY HISTOGRAM del", false),
        ] {
            let args: Vec<&str> = line.split(' ').collect();
            let (mut a, mut b) = (shape(&o.call(&args).1), shape(&r.call(&args).1));
            if sorted {
                a.sort();
                b.sort();
            }
            if a != b {
                diffs.push(format!("{line}\n  ours: {a:?}\n  real: {b:?}"));
            }
        }
        // Without names: every command that ran (in dict order on Redis).
        let mut a = shape(&o.call(&["LATENCY", "HISTOGRAM"]).1);
        let mut b = shape(&r.call(&["LATENCY", "HISTOGRAM"]).1);
        a.sort();
        b.sort();
        if a != b {
            diffs.push(format!("LATENCY HISTOGRAM\n  ours: {a:?}\n  real: {b:?}"));
        }
    }
    assert_no_differences(&diffs);
}
