//! Small hashes and sorted sets as listpacks, against redis-server 7.0.15
//! (`t_hash.c`, `t_zset.c`; issue #13, item 7): hash fields come back in
//! the order they were first set, HDEL closes the gap, and the encodings
//! turn `hashtable` / `skiplist` past the `*-max-listpack-*` limits and
//! never back.

use crate::common::native;
use native::compare::{assert_no_differences, pair, Both};

/// `hashTypeSet` on a listpack: updates in place, appends new fields;
/// `hashTypeDelete` removes in place. Every reply compared as bytes, so in
/// order.
const INSERTION_ORDER: &[&str] = &[
    "HSET h z 1 a 2 m 3",
    "HGETALL h",
    "HKEYS h",
    "HVALS h",
    "HSCAN h 0",
    "HSET h a 22 q 4",
    "HDEL h z",
    "HSETNX h b 5",
    "HINCRBY h n 1",
    "HINCRBYFLOAT h x 1.5",
    "HMSET h m 33 c 6",
    "HGETALL h",
    "HRANDFIELD h 100 WITHVALUES",
    "OBJECT ENCODING h",
];

/// The conversions: more fields than the limit after the insert, a long
/// field or value before it (HINCRBYFLOAT's result included), and none
/// back after HDEL or a limit raised.
const CONVERSIONS: &[&str] = &[
    "CONFIG SET hash-max-listpack-entries 4",
    "HSET h2 a 1 b 2 c 3 d 4",
    "OBJECT ENCODING h2",
    "HSET h2 e 5",
    "OBJECT ENCODING h2",
    "HDEL h2 a b c d",
    "OBJECT ENCODING h2",
    "CONFIG SET hash-max-listpack-entries 512",
    "OBJECT ENCODING h2",
    "CONFIG SET hash-max-listpack-value 3",
    "HSET h3 f abc",
    "OBJECT ENCODING h3",
    "HINCRBYFLOAT h3 g 1.25",
    "OBJECT ENCODING h3",
    "HSET h4 abcd 1",
    "OBJECT ENCODING h4",
    "HSET h5 f abc",
    "HSETNX h5 f abcd",
    "OBJECT ENCODING h5",
    "HSETNX h5 g abcd",
    "OBJECT ENCODING h5",
    "HSET h6 f abc",
    "HINCRBY h6 n 1000",
    "OBJECT ENCODING h6",
    "CONFIG SET hash-max-listpack-value 64",
];

#[test]
fn small_hashes_keep_insertion_order_and_convert_as_redis_7_0_15() {
    let (ours, real) = pair(5000, &[]);
    let mut diffs = Vec::new();
    for resp3 in [false, true] {
        let mut both = Both::connect(ours.port, real.port, resp3);
        both.setup("FLUSHALL");
        both.lines(INSERTION_ORDER, &mut diffs);
        both.lines(CONVERSIONS, &mut diffs);
    }
    assert_no_differences(&diffs);
}

/// A RESTOREd hash (`rdbLoadObject`) keeps the order of its payload, and is
/// a listpack exactly when its contents fit the limits then in force:
/// redis-server's listpack payload restored here, ours restored there.
#[test]
fn restored_hashes_keep_their_order_and_pick_their_encoding_as_redis_7_0_15() {
    let (ours, real) = pair(5000, &[]);
    let mut both = Both::connect(ours.port, real.port, false);
    both.setup("HSET h z 1 a 2 m 3");
    let from_real = both.real.bulk("DUMP h");
    let from_ours = both.ours.bulk("DUMP h");
    let mut diffs = Vec::new();
    for (limit, encoding) in [("512", "listpack"), ("2", "hashtable")] {
        both.setup(&format!("CONFIG SET hash-max-listpack-entries {limit}"));
        both.ours.call(&[
            &b"RESTORE"[..],
            b"r",
            b"0",
            from_real.as_slice(),
            b"REPLACE",
        ]);
        both.real.call(&[
            &b"RESTORE"[..],
            b"r",
            b"0",
            from_ours.as_slice(),
            b"REPLACE",
        ]);
        both.lines(&["OBJECT ENCODING r"], &mut diffs);
        if encoding == "listpack" {
            both.lines(&["HGETALL r"], &mut diffs);
        }
        assert_eq!(
            both.ours.send("OBJECT ENCODING r"),
            format!("${}\r\n{encoding}\r\n", encoding.len())
        );
    }
    assert_no_differences(&diffs);
}

/// `zsetAdd` on a listpack keeps (score, member) order, ties by member,
/// stores -0 as 0 (`zzlInsertAt`); `zaddGenericCommand` creates a skiplist
/// for a first member past `zset-max-listpack-value`, and `zsetAdd`
/// converts before a long member or one past `zset-max-listpack-entries`.
/// ZREM, ZPOPMIN, ZREMRANGEBY* and a raised limit never convert back.
const ZSET_CONVERSIONS: &[&str] = &[
    "ZADD z 2 b 1 c 2 a -0 n 0 m",
    "ZRANGE z 0 -1 WITHSCORES",
    "ZSCORE z n",
    "ZADD z 1 b",
    "ZINCRBY z 0.5 a",
    "ZRANGE z 0 -1 WITHSCORES",
    "ZSCAN z 0",
    "OBJECT ENCODING z",
    "CONFIG SET zset-max-listpack-entries 5",
    "ZADD z 3 a",
    "OBJECT ENCODING z",
    "ZADD z 9 d",
    "OBJECT ENCODING z",
    "ZADD z -0 p",
    "ZSCORE z p",
    "ZREM z a b c d p",
    "ZPOPMIN z",
    "OBJECT ENCODING z",
    "CONFIG SET zset-max-listpack-entries 128",
    "OBJECT ENCODING z",
    "ZRANGE z 0 -1 WITHSCORES",
    "CONFIG SET zset-max-listpack-value 3",
    "ZADD z2 1 abc",
    "OBJECT ENCODING z2",
    "ZADD z2 2 abcd",
    "OBJECT ENCODING z2",
    "ZREMRANGEBYSCORE z2 2 2",
    "OBJECT ENCODING z2",
    "ZADD z3 1 abcd 2 a",
    "OBJECT ENCODING z3",
    "ZADD z4 1 a 2 b",
    "ZADD z4 NX 3 abcd",
    "OBJECT ENCODING z4",
    "ZADD z5 1 a",
    "ZADD z5 XX 3 abcd",
    "OBJECT ENCODING z5",
    "CONFIG SET zset-max-listpack-entries 0",
    "ZADD z6 1 a",
    "OBJECT ENCODING z6",
    "CONFIG SET zset-max-listpack-entries 128",
    "CONFIG SET zset-max-listpack-value 64",
    "GEOADD g 13.361389 38.115556 Palermo 15.087269 37.502669 Catania",
    "OBJECT ENCODING g",
    "ZUNIONSTORE u 2 z g",
    "OBJECT ENCODING u",
    "ZRANGESTORE r z 0 0",
    "OBJECT ENCODING r",
];

#[test]
fn small_sorted_sets_are_listpacks_and_convert_as_redis_7_0_15() {
    let (ours, real) = pair(5000, &[]);
    let mut diffs = Vec::new();
    for resp3 in [false, true] {
        let mut both = Both::connect(ours.port, real.port, resp3);
        both.setup("FLUSHALL");
        both.lines(ZSET_CONVERSIONS, &mut diffs);
    }
    assert_no_differences(&diffs);
}

/// A RESTOREd sorted set (`rdbLoadObject`): redis-server's listpack
/// payload restored here and ours (a plain sorted set) restored there are
/// listpacks exactly when they fit `zset-max-listpack-entries`; a listpack
/// payload stays one however long its members, as 7.0 checks only the
/// count there.
#[test]
fn restored_sorted_sets_pick_their_encoding_as_redis_7_0_15() {
    let (ours, real) = pair(5000, &[]);
    let mut both = Both::connect(ours.port, real.port, false);
    both.setup("ZADD z 2 b 1 c 2 a");
    let from_real = both.real.bulk("DUMP z");
    let from_ours = both.ours.bulk("DUMP z");
    let mut diffs = Vec::new();
    for (limit, encoding) in [("128", "listpack"), ("2", "skiplist")] {
        both.setup(&format!("CONFIG SET zset-max-listpack-entries {limit}"));
        both.ours.call(&restore(&from_real));
        both.real.call(&restore(&from_ours));
        both.lines(
            &["OBJECT ENCODING r", "ZRANGE r 0 -1 WITHSCORES"],
            &mut diffs,
        );
        assert_eq!(
            both.ours.send("OBJECT ENCODING r"),
            format!("${}\r\n{encoding}\r\n", encoding.len())
        );
    }
    both.setup("CONFIG SET zset-max-listpack-entries 128");
    both.setup("CONFIG SET zset-max-listpack-value 0");
    both.ours.call(&restore(&from_real));
    both.real.call(&restore(&from_real));
    both.ours.call(&[&b"RESTORE"[..], b"s", b"0", &from_ours]);
    both.real.call(&[&b"RESTORE"[..], b"s", b"0", &from_ours]);
    both.lines(&["OBJECT ENCODING r", "OBJECT ENCODING s"], &mut diffs);
    assert_eq!(both.ours.send("OBJECT ENCODING r"), "$8\r\nlistpack\r\n");
    assert_no_differences(&diffs);
}

/// `RESTORE r 0 payload REPLACE`.
fn restore(payload: &[u8]) -> [&[u8]; 5] {
    [b"RESTORE", b"r", b"0", payload, b"REPLACE"]
}
