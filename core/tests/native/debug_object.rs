//! DEBUG OBJECT (debug.c) and Redis's shared integer objects
//! (`OBJ_SHARED_INTEGERS`, object.c `tryObjectEncoding`,
//! `createStringObjectFromLongLongWithOptions`) compared live with
//! redis-server 7.0.15, in RESP2 and RESP3.
//!
//! DEBUG OBJECT is compared field by field: `refcount`, `encoding` and the
//! quicklist fields exactly (lists built by RPUSH, whose nodes the node
//! packs as Redis does); `serializedlength` exactly for strings (the node's
//! RDB string encoding is Redis's; its collections are saved in the plain
//! encodings, so theirs differ); `lru` and `lru_seconds_idle` within a
//! second (each server's clock); the address is opaque, so what is
//! compared is which keys share one. Errors are compared as bytes.
//!
//! The shared objects: a key set to an integer 0..9999 holds the one
//! object every such key holds, while `maxmemory` is 0 or the policy is
//! not LRU/LFU: OBJECT REFCOUNT answers 2147483647, and the keys share one
//! stamp, so a new key holding 7 is as idle as 7's object, and touching
//! one key resets the others' idle time. INCR, APPEND to a new key,
//! RESTORE and RENAME keep or make the shared object; COPY copies it.

use crate::common::native;
use clusterlab_core::resp::Value;
use native::compare::{assert_no_differences, idle_within_a_second, pair, Both};
use std::collections::BTreeMap;
use std::time::Duration;

/// DEBUG OBJECT's `name:value` fields.
fn fields(reply: &Value) -> BTreeMap<String, String> {
    let Value::Simple(line) = reply else {
        panic!("DEBUG OBJECT: {reply:?}")
    };
    let line = line.strip_prefix("Value at:").expect("Value at:");
    let (address, rest) = line.split_once(' ').expect("fields after the address");
    let mut map: BTreeMap<String, String> = rest
        .split(' ')
        .map(|f| {
            let (k, v) = f.split_once(':').expect("name:value");
            (k.to_string(), v.to_string())
        })
        .collect();
    map.insert("at".into(), address.into());
    map
}

/// Two servers' DEBUG OBJECT fields agree: numbers from the clock within
/// one, the address compared by [`same_objects`], `serializedlength`
/// only for strings.
fn fields_agree(key: &str, o: &BTreeMap<String, String>, r: &BTreeMap<String, String>) -> bool {
    let names: Vec<&String> = o.keys().collect();
    if names != r.keys().collect::<Vec<_>>() {
        return false;
    }
    let string = ["int", "embstr", "raw"].contains(&r["encoding"].as_str());
    names.iter().all(|name| match name.as_str() {
        "at" => o["at"].starts_with("0x") && o["at"][2..].bytes().all(|b| b.is_ascii_hexdigit()),
        "lru" | "lru_seconds_idle" => {
            let (a, b): (i64, i64) = (o[*name].parse().unwrap(), r[*name].parse().unwrap());
            (a - b).abs() <= 1
        }
        "serializedlength" if !string => true,
        _ => {
            let same = o[*name] == r[*name];
            if !same {
                eprintln!("{key} {name}: ours {} real {}", o[*name], r[*name]);
            }
            same
        }
    })
}

/// Which of `keys` hold one object (the same address) on a server.
fn same_objects(addresses: &[String]) -> Vec<(usize, usize)> {
    let mut pairs = Vec::new();
    for i in 0..addresses.len() {
        for j in i + 1..addresses.len() {
            if addresses[i] == addresses[j] {
                pairs.push((i, j));
            }
        }
    }
    pairs
}

#[test]
fn debug_object_matches_redis() {
    let (ours, redis) = pair(15000, &["--enable-debug-command", "yes"]);
    let mut diffs = Vec::new();
    let long = "abcdefghij".repeat(12);
    for resp3 in [false, true] {
        let mut b = Both::connect(ours.port, redis.port, resp3);
        b.lines(
            &[
                "FLUSHALL",
                "SET {d}s hello",
                "SET {d}n 12345",
                "SET {d}i 42",
                "SET {d}j 42",
                "SET {d}neg -3",
                "RPUSH {d}l a b 1 2 300 -70000 hello",
                "SADD {d}set 1 2 3",
                "SADD {d}words a b c",
                "HSET {d}h f v n 1",
                "ZADD {d}z 1 a 2 b",
                "DEBUG OBJECT {d}missing",
                "DEBUG OBJECT",
                "DEBUG OBJECT {d}s extra",
            ],
            &mut diffs,
        );
        b.check(&["SET", "{d}long", long.as_str()], &mut diffs);
        b.check(&["SET", "{d}mid", &long[..50]], &mut diffs);
        let mut big = vec!["RPUSH", "{d}big"];
        let element = "x".repeat(700);
        big.extend(std::iter::repeat_n(element.as_str(), 30));
        b.check(&big, &mut diffs);
        let keys = [
            "{d}s", "{d}n", "{d}i", "{d}j", "{d}neg", "{d}l", "{d}set", "{d}words", "{d}h", "{d}z",
            "{d}long", "{d}mid", "{d}big",
        ];
        let mut addresses = (Vec::new(), Vec::new());
        for key in keys {
            let (o, r) = b.call(&["DEBUG", "OBJECT", key]);
            let (o, r) = (fields(&o), fields(&r));
            if !fields_agree(key, &o, &r) {
                diffs.push(format!("DEBUG OBJECT {key}\n  ours: {o:?}\n  real: {r:?}"));
            }
            addresses.0.push(o["at"].clone());
            addresses.1.push(r["at"].clone());
        }
        let (o, r) = (same_objects(&addresses.0), same_objects(&addresses.1));
        if o != r {
            diffs.push(format!(
                "keys sharing an object\n  ours: {o:?}\n  real: {r:?}"
            ));
        }
        // The quicklist under other fills and compression.
        b.lines(
            &[
                "CONFIG SET list-max-listpack-size 4",
                "CONFIG SET list-compress-depth 1",
                "RPUSH {d}l4 a b c d e f g h i j",
            ],
            &mut diffs,
        );
        let (o, r) = b.call(&["DEBUG", "OBJECT", "{d}l4"]);
        if !fields_agree("{d}l4", &fields(&o), &fields(&r)) {
            diffs.push(format!(
                "DEBUG OBJECT {{d}}l4\n  ours: {o:?}\n  real: {r:?}"
            ));
        }
        b.lines(
            &[
                "CONFIG SET list-max-listpack-size -2",
                "CONFIG SET list-compress-depth 0",
            ],
            &mut diffs,
        );
    }
    assert_no_differences(&diffs);
}

#[test]
fn shared_integers_match_redis() {
    let (ours, redis) = pair(15000, &[]);
    let mut diffs = Vec::new();
    let mut b = Both::connect(ours.port, redis.port, false).normalised(idle_within_a_second);
    b.lines(
        &[
            "SET {s}a 7",
            "SET {s}own 10000",
            "SET {s}neg -1",
            "SET {s}text 07",
            "OBJECT REFCOUNT {s}a",
            "OBJECT REFCOUNT {s}own",
            "OBJECT REFCOUNT {s}neg",
            "OBJECT REFCOUNT {s}text",
            "OBJECT REFCOUNT {s}missing",
            "INCR {s}own",
            "DECRBY {s}own 9000",
            "OBJECT REFCOUNT {s}own",
            "APPEND {s}app 5",
            "OBJECT REFCOUNT {s}app",
            "APPEND {s}app 1",
            "OBJECT REFCOUNT {s}app",
            "SET {s}r 7",
            "RENAME {s}r {s}r2",
            "OBJECT REFCOUNT {s}r2",
            "COPY {s}r2 {s}c",
            "OBJECT REFCOUNT {s}c",
            "INCRBYFLOAT {s}f 3",
            "OBJECT REFCOUNT {s}f",
            "SET {s}kt 5 KEEPTTL",
            "OBJECT REFCOUNT {s}kt",
        ],
        &mut diffs,
    );
    // One stamp for every key holding 7: a key set now is as idle as the
    // object, and touching any of them resets them all.
    std::thread::sleep(Duration::from_millis(2200));
    b.lines(
        &[
            "SET {s}b 7",
            "OBJECT IDLETIME {s}b",
            "OBJECT IDLETIME {s}r2",
            "OBJECT IDLETIME {s}c",
            "GET {s}a",
            "OBJECT IDLETIME {s}b",
            "OBJECT IDLETIME {s}r2",
        ],
        &mut diffs,
    );
    // RESTORE's IDLETIME stamps the shared object, for every holder.
    let payload = b.real.bulk("DUMP {s}a");
    let restore: Vec<&[u8]> = vec![b"RESTORE", b"{s}d", b"0", &payload, b"IDLETIME", b"500"];
    b.check(&restore, &mut diffs);
    b.lines(
        &[
            "OBJECT REFCOUNT {s}d",
            "OBJECT IDLETIME {s}a",
            "OBJECT IDLETIME {s}d",
        ],
        &mut diffs,
    );
    // An LRU policy without maxmemory still shares; with maxmemory each
    // new value is its own (those stored before stay shared).
    b.lines(
        &[
            "CONFIG SET maxmemory-policy allkeys-lru",
            "SET {s}p 8",
            "OBJECT REFCOUNT {s}p",
            "CONFIG SET maxmemory 1gb",
            "SET {s}q 8",
            "OBJECT REFCOUNT {s}q",
            "OBJECT REFCOUNT {s}p",
            "INCR {s}q",
            "OBJECT REFCOUNT {s}q",
            "CONFIG SET maxmemory-policy volatile-ttl",
            "INCR {s}q",
            "OBJECT REFCOUNT {s}q",
            "CONFIG SET maxmemory-policy allkeys-lfu",
            "SET {s}u 3",
            "OBJECT REFCOUNT {s}u",
            "CONFIG SET maxmemory 0",
            "SET {s}u 3",
            "OBJECT REFCOUNT {s}u",
            "CONFIG SET maxmemory-policy noeviction",
        ],
        &mut diffs,
    );
    assert_no_differences(&diffs);
}

/// Strings Redis keeps raw whatever their length: a string a command wrote
/// into in place goes through `dbUnshareStringValue` (APPEND, SETRANGE,
/// SETBIT, BITFIELD's writes, PFADD, PFMERGE, PFCOUNT), one created with
/// `createObject` is raw (SETRANGE, SETBIT and BITOP on a new key,
/// `createHLLObject`); RENAME and COPY keep the object's encoding, and a new
/// value (SET, INCR, INCRBYFLOAT, RESTORE) is encoded again. Compared with
/// OBJECT ENCODING, OBJECT REFCOUNT and DEBUG OBJECT's fields.
#[test]
fn strings_written_in_place_stay_raw_as_in_redis() {
    let (ours, redis) = pair(15000, &["--enable-debug-command", "yes"]);
    let mut diffs = Vec::new();
    let mut b = Both::connect(ours.port, redis.port, false).normalised(idle_within_a_second);
    b.lines(
        &[
            "SET {w}s hello",
            "APPEND {w}s !",
            "OBJECT ENCODING {w}s",
            "APPEND {w}new 12",
            "OBJECT ENCODING {w}new",
            "SET {w}n 12",
            "APPEND {w}n 3",
            "OBJECT ENCODING {w}n",
            "SET {w}r abc",
            "SETRANGE {w}r 1 X",
            "OBJECT ENCODING {w}r",
            "SET {w}e abc",
            "SETRANGE {w}e 1 ",
            "OBJECT ENCODING {w}e",
            "SETRANGE {w}fresh 2 ab",
            "OBJECT ENCODING {w}fresh",
            "SET {w}five 5",
            "OBJECT REFCOUNT {w}five",
            "SETBIT {w}five 0 0",
            "OBJECT ENCODING {w}five",
            "OBJECT REFCOUNT {w}five",
            "SETBIT {w}bits 3 1",
            "OBJECT ENCODING {w}bits",
            "SET {w}bf ab",
            "BITFIELD {w}bf GET u8 0",
            "OBJECT ENCODING {w}bf",
            "BITFIELD {w}bf SET u8 0 65",
            "OBJECT ENCODING {w}bf",
            "SET {w}x a",
            "BITOP NOT {w}not {w}x",
            "OBJECT ENCODING {w}not",
            "PFADD {w}h a b c",
            "OBJECT ENCODING {w}h",
            "RENAME {w}s {w}s2",
            "OBJECT ENCODING {w}s2",
            "COPY {w}s2 {w}s3",
            "OBJECT ENCODING {w}s3",
            "EXPIRE {w}s3 100",
            "OBJECT ENCODING {w}s3",
            "SET {w}s3 hello",
            "OBJECT ENCODING {w}s3",
            "SET {w}i 7",
            "APPEND {w}i 0",
            "INCR {w}i",
            "OBJECT ENCODING {w}i",
            "APPEND {w}i 1",
            "INCRBYFLOAT {w}i 0.5",
            "OBJECT ENCODING {w}i",
        ],
        &mut diffs,
    );
    // A HyperLogLog restored from its dump is encoded again (embstr), until
    // PFCOUNT or PFMERGE write into it.
    let payload = b.real.bulk("DUMP {w}h");
    for key in ["{w}h2", "{w}h3"] {
        let restore: Vec<&[u8]> = vec![b"RESTORE", key.as_bytes(), b"0", &payload];
        b.check(&restore, &mut diffs);
    }
    b.lines(
        &[
            "OBJECT ENCODING {w}h2",
            "PFCOUNT {w}h2",
            "OBJECT ENCODING {w}h2",
            "OBJECT ENCODING {w}h3",
            "PFMERGE {w}h3 {w}h",
            "OBJECT ENCODING {w}h3",
            "PFMERGE {w}merged {w}h",
            "OBJECT ENCODING {w}merged",
        ],
        &mut diffs,
    );
    for key in ["{w}s2", "{w}n", "{w}five", "{w}fresh", "{w}h2"] {
        let (o, r) = b.call(&["DEBUG", "OBJECT", key]);
        let (o, r) = (fields(&o), fields(&r));
        if !fields_agree(key, &o, &r) {
            diffs.push(format!("DEBUG OBJECT {key}\n  ours: {o:?}\n  real: {r:?}"));
        }
    }
    assert_no_differences(&diffs);
}
