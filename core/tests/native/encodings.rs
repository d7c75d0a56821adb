//! Small hashes as listpacks, against redis-server 7.0.15 (`t_hash.c`;
//! issue #13, item 7): their fields come back in the order they were
//! first set, HDEL closes the gap, and the encoding turns `hashtable` past
//! `hash-max-listpack-entries` or `-value` and never back.

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
