//! LATENCY HISTOGRAM (latency.c `fillCommandCDF`) compared live with
//! redis-server 7.0.15, in RESP2 and RESP3: which commands answer (named,
//! a container's subcommands, `container|sub`, unknown names skipped,
//! a name twice answered twice), `calls`, and a cumulative distribution
//! that ends at `calls`. The µs buckets are each server's own timings, so
//! they are not compared; the bucket arithmetic is unit-tested in
//! `node/server/histogram.rs`.

use crate::common::native;
use clusterlab_core::resp::Value;
use native::compare::{assert_no_differences, pair, Both};

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

/// [`shape`], sorted by command name.
fn sorted_shape(v: &Value) -> Vec<(String, i64)> {
    let mut entries = shape(v);
    entries.sort();
    entries
}

#[test]
fn latency_histogram_matches_redis() {
    let (ours, redis) = pair(15000, &[]);
    let mut diffs = Vec::new();
    for resp3 in [false, true] {
        let mut b = Both::connect(ours.port, redis.port, resp3);
        for line in [
            "CONFIG RESETSTAT",
            "SET {h}a 1",
            "SET {h}a 2",
            "GET {h}a",
            "CONFIG GET maxmemory",
        ] {
            b.setup(line);
        }
        b.check_shape("LATENCY HISTOGRAM set", shape, &mut diffs);
        b.check_shape("LATENCY HISTOGRAM SET get nosuch set", shape, &mut diffs);
        b.check_shape("LATENCY HISTOGRAM config|get config|set", shape, &mut diffs);
        b.check_shape("LATENCY HISTOGRAM del", shape, &mut diffs);
        // A container's subcommands, and without names every command that
        // ran, come in Redis's dict order: compared sorted.
        b.check_shape("LATENCY HISTOGRAM config", sorted_shape, &mut diffs);
        b.check_shape("LATENCY HISTOGRAM", sorted_shape, &mut diffs);
    }
    assert_no_differences(&diffs);
}
