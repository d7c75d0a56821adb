//! Sorted-set commands against redis-server 7.0.15, byte for byte: the
//! same commands go to a real node and to a clusterlab-node (each owning
//! every slot), once in RESP2 and once after `HELLO 3`, and every reply
//! must be the same bytes — member order, `%.17g` scores, RESP3 pairs,
//! nils and error texts included.

use crate::common::native;
use native::compare::{assert_no_differences, compare, pair, Raw};

/// The data every script starts from (`{t}` is a hash tag, different per
/// protocol so both runs start clean).
const SETUP: &[&str] = &[
    "ZADD {t}z 1 a 2 b 3 c 4 d 5 e 5 f 1.5 g",
    "ZADD {t}lex 0 a 0 b 0 c 0 d 0 e 0 f 0 g",
    "ZADD {t}odd 1.1 x 0.1 y 3e100 z -inf lo +inf hi 1e-5 tiny 123456789.125 big",
    "SET {t}str v",
];

/// ZRANGE and the commands that are its special cases (`zrangeGenericCommand`).
const RANGES: &[&str] = &[
    "ZRANGE {t}z 0 -1",
    "ZRANGE {t}z 0 -1 WITHSCORES",
    "ZRANGE {t}z 0 -1 withscores REV",
    "ZRANGE {t}z -3 -2 WITHSCORES",
    "ZRANGE {t}z 2 1",
    "ZRANGE {t}z 5 100",
    "ZRANGE {t}z -100 1",
    "ZRANGE {t}z 0 -10",
    "ZRANGE {t}odd 0 -1 WITHSCORES",
    "ZRANGE {t}z 2 4 BYSCORE",
    "ZRANGE {t}z (2 4 BYSCORE WITHSCORES",
    "ZRANGE {t}z (2 (5 BYSCORE",
    "ZRANGE {t}z -inf +inf BYSCORE LIMIT 2 3",
    "ZRANGE {t}z -inf +inf BYSCORE LIMIT 2 -1",
    "ZRANGE {t}z -inf +inf BYSCORE LIMIT -1 2",
    "ZRANGE {t}z -inf +inf BYSCORE LIMIT 0 0",
    "ZRANGE {t}z -inf +inf BYSCORE LIMIT 100 1",
    "ZRANGE {t}z 5 1 BYSCORE REV",
    "ZRANGE {t}z 5 1 BYSCORE REV WITHSCORES LIMIT 1 2",
    "ZRANGE {t}z 1 5 BYSCORE REV",
    "ZRANGE {t}z 3 3 BYSCORE",
    "ZRANGE {t}z (3 3 BYSCORE",
    "ZRANGE {t}lex [b (e BYLEX",
    "ZRANGE {t}lex - + BYLEX LIMIT 1 2",
    "ZRANGE {t}lex + - BYLEX REV",
    "ZRANGE {t}lex (e [b BYLEX REV LIMIT 1 5",
    "ZRANGE {t}lex [c [c BYLEX",
    "ZRANGE {t}lex (c [c BYLEX",
    "ZRANGE {t}lex - - BYLEX",
    "ZRANGE {t}lex [zz + BYLEX",
    "ZRANGE {t}none 0 -1",
    "ZRANGE {t}none 0 -1 BYSCORE LIMIT 0 1 WITHSCORES",
    // Errors, in zrangeGenericCommand's order.
    "ZRANGE {t}z 0 -1 LIMIT 0 1",
    "ZRANGE {t}lex - + BYLEX WITHSCORES",
    "ZRANGE {t}z 0 -1 BYSCORE BYLEX",
    "ZRANGE {t}z 0 -1 REV REV",
    "ZRANGE {t}z 0 -1 BYSCORE LIMIT 0",
    "ZRANGE {t}z 0 -1 BYSCORE LIMIT x 1",
    "ZRANGE {t}z 0 -1 BYSCORE LIMIT 0 1.5",
    "ZRANGE {t}z 0 -1 NOPE",
    "ZRANGE {t}z a 1",
    "ZRANGE {t}z a 1 BYSCORE",
    "ZRANGE {t}z (a 1 BYSCORE",
    "ZRANGE {t}z nan 1 BYSCORE",
    "ZRANGE {t}lex a c BYLEX",
    "ZRANGE {t}lex [a c BYLEX",
    "ZRANGE {t}str 0 -1",
    "ZRANGE {t}str a b BYSCORE",
    "ZRANGE {t}z 0",
    "ZREVRANGE {t}z 0 2",
    "ZREVRANGE {t}z 0 2 WITHSCORES",
    "ZREVRANGE {t}z 0 2 BYSCORE",
    "ZREVRANGE {t}z 0 2 REV",
    "ZREVRANGE {t}str 0 1",
    "ZRANGEBYSCORE {t}z 2 5",
    "ZRANGEBYSCORE {t}z -inf +inf WITHSCORES LIMIT 1 3",
    "ZRANGEBYSCORE {t}z (1 (5",
    "ZRANGEBYSCORE {t}z 5 2",
    "ZRANGEBYSCORE {t}z 2 5 REV",
    "ZRANGEBYSCORE {t}z 2 5 BYLEX",
    "ZRANGEBYSCORE {t}z x 5",
    "ZRANGEBYSCORE {t}none 2 5",
    "ZREVRANGEBYSCORE {t}z 5 2",
    "ZREVRANGEBYSCORE {t}z +inf -inf WITHSCORES LIMIT 1 2",
    "ZREVRANGEBYSCORE {t}z 2 5",
    "ZREVRANGEBYSCORE {t}odd +inf -inf WITHSCORES",
    "ZRANGEBYLEX {t}lex - [c",
    "ZRANGEBYLEX {t}lex (a + LIMIT 0 2",
    "ZRANGEBYLEX {t}lex - + WITHSCORES",
    "ZRANGEBYLEX {t}lex x +",
    "ZRANGEBYLEX {t}str - +",
    "ZREVRANGEBYLEX {t}lex + -",
    "ZREVRANGEBYLEX {t}lex [e (b LIMIT 1 1",
    "ZREVRANGEBYLEX {t}lex - +",
    // ZRANGESTORE: replaces the destination (any type), deletes it when empty.
    "ZRANGESTORE {t}dst {t}z 0 2",
    "ZRANGE {t}dst 0 -1 WITHSCORES",
    "ZRANGESTORE {t}dst {t}z 5 1 BYSCORE REV LIMIT 0 2",
    "ZRANGE {t}dst 0 -1 WITHSCORES",
    "ZRANGESTORE {t}dst {t}lex [b [d BYLEX",
    "ZRANGE {t}dst 0 -1 WITHSCORES",
    "ZRANGESTORE {t}str2 {t}z 0 0",
    "ZRANGESTORE {t}dst {t}none 0 -1",
    "EXISTS {t}dst",
    "ZRANGESTORE {t}dst {t}z 10 20",
    "ZRANGESTORE {t}dst {t}z 0 -1 WITHSCORES",
    "ZRANGESTORE {t}dst {t}z 0 -1 LIMIT 0 1",
    "ZRANGESTORE {t}dst {t}str 0 -1",
    "ZRANGESTORE {t}dst {t}z 0",
    "ZRANGESTORE {t}z {t}z 1 2",
    "ZRANGE {t}z 0 -1 WITHSCORES",
    "ZADD {t}z 1 a 2 b 3 c 4 d 5 e 5 f 1.5 g",
];

/// Single-member and counting reads.
const READS: &[&str] = &[
    "ZRANK {t}z a",
    "ZRANK {t}z f",
    "ZRANK {t}z nope",
    "ZRANK {t}none a",
    "ZRANK {t}str a",
    "ZRANK {t}z",
    "ZREVRANK {t}z a",
    "ZREVRANK {t}z e",
    "ZREVRANK {t}z nope",
    "ZREVRANK {t}none a",
    "ZCOUNT {t}z 2 5",
    "ZCOUNT {t}z (2 (5",
    "ZCOUNT {t}z -inf +inf",
    "ZCOUNT {t}z 5 2",
    "ZCOUNT {t}z x 2",
    "ZCOUNT {t}none 0 1",
    "ZCOUNT {t}str 0 1",
    "ZCOUNT {t}none x 1",
    "ZLEXCOUNT {t}lex - +",
    "ZLEXCOUNT {t}lex [b (e",
    "ZLEXCOUNT {t}lex (e [b",
    "ZLEXCOUNT {t}lex b e",
    "ZLEXCOUNT {t}none - +",
    "ZLEXCOUNT {t}str - +",
    "ZMSCORE {t}z a nope f",
    "ZMSCORE {t}odd x y z lo hi tiny big",
    "ZMSCORE {t}none a b",
    "ZMSCORE {t}str a",
    "ZMSCORE {t}z",
    "ZSCORE {t}odd x",
    "ZINCRBY {t}odd 0.2 y",
];

/// ZUNION, ZINTER, ZDIFF, ZINTERCARD and the STORE forms
/// (`zunionInterDiffGenericCommand`).
const ALGEBRA: &[&str] = &[
    "ZADD {t}a 1 x 2 y 3 z",
    "ZADD {t}b 10 y 20 z 30 w",
    "SADD {t}s y w v",
    "ZADD {t}inf +inf p -inf q",
    "ZADD {t}inf2 -inf p +inf q",
    "ZUNION 2 {t}a {t}b",
    "ZUNION 2 {t}a {t}b WITHSCORES",
    "ZUNION 3 {t}a {t}b {t}s WITHSCORES WEIGHTS 1 2 3 AGGREGATE MAX",
    "ZUNION 2 {t}a {t}b AGGREGATE min WITHSCORES",
    "ZUNION 2 {t}a {t}none WITHSCORES WEIGHTS 2.5 1",
    "ZUNION 2 {t}inf {t}inf2 WITHSCORES",
    "ZUNION 1 {t}inf WITHSCORES WEIGHTS 0",
    "ZINTER 2 {t}a {t}b WITHSCORES",
    "ZINTER 3 {t}a {t}b {t}s WITHSCORES",
    "ZINTER 2 {t}a {t}a WITHSCORES WEIGHTS 1 -1",
    "ZINTER 2 {t}a {t}none",
    "ZINTER 2 {t}inf {t}inf2 WITHSCORES",
    "ZDIFF 2 {t}a {t}b",
    "ZDIFF 2 {t}b {t}s WITHSCORES",
    "ZDIFF 1 {t}none",
    "ZDIFF 2 {t}a {t}b WEIGHTS 1 1",
    "ZDIFF 2 {t}a {t}b AGGREGATE MAX",
    "ZINTERCARD 2 {t}a {t}b",
    "ZINTERCARD 2 {t}a {t}b LIMIT 1",
    "ZINTERCARD 2 {t}a {t}b LIMIT 0",
    "ZINTERCARD 3 {t}a {t}b {t}s",
    "ZINTERCARD 2 {t}a {t}b LIMIT -1",
    "ZINTERCARD 2 {t}a {t}b LIMIT x",
    "ZINTERCARD 2 {t}a {t}b WITHSCORES",
    "ZINTERCARD 2 {t}a {t}b WEIGHTS 1 2",
    "ZINTERCARD 0 {t}a",
    "ZUNION 0 {t}a",
    "ZUNION -1 {t}a",
    "ZUNION x {t}a",
    "ZUNION 3 {t}a {t}b",
    "ZUNION 2 {t}a {t}str",
    "ZUNION 2 {t}a {t}b WEIGHTS 1",
    "ZUNION 2 {t}a {t}b WEIGHTS 1 x",
    "ZUNION 2 {t}a {t}b AGGREGATE avg",
    "ZUNION 2 {t}a {t}b NOPE",
    "ZDIFF 0 {t}a",
    "ZUNIONSTORE {t}d 2 {t}a {t}b WEIGHTS 2 3",
    "ZRANGE {t}d 0 -1 WITHSCORES",
    "ZUNIONSTORE {t}d 2 {t}a {t}b WITHSCORES",
    "ZINTERSTORE {t}d 2 {t}a {t}s AGGREGATE MAX",
    "ZRANGE {t}d 0 -1 WITHSCORES",
    "ZINTERSTORE {t}d 2 {t}a {t}none",
    "EXISTS {t}d",
    "ZDIFFSTORE {t}d 2 {t}b {t}a",
    "ZRANGE {t}d 0 -1 WITHSCORES",
    "ZDIFFSTORE {t}d 2 {t}b {t}a WITHSCORES",
    "ZDIFFSTORE {t}d 0 {t}a",
    "ZDIFFSTORE {t}d 1 {t}str",
    "ZDIFFSTORE {t}str 1 {t}a",
    "TYPE {t}str",
    "SET {t}str v",
];

/// ZMPOP, ZSCAN and the deterministic cases of ZRANDMEMBER.
const PICKS: &[&str] = &[
    "ZADD {t}p1 1 a 2 b 3 c",
    "ZADD {t}p2 5 x",
    "ZMPOP 2 {t}none {t}p1 MIN",
    "ZMPOP 2 {t}none {t}p1 MAX COUNT 1",
    "ZMPOP 1 {t}p1 min COUNT 5",
    "EXISTS {t}p1",
    "ZMPOP 2 {t}p1 {t}none MIN",
    "ZMPOP 2 {t}p1 {t}str MIN",
    "ZMPOP 2 {t}str {t}p2 MIN",
    "ZMPOP 0 {t}p2 MIN",
    "ZMPOP -1 {t}p2 MIN",
    "ZMPOP x {t}p2 MIN",
    "ZMPOP 2 {t}p2 MIN",
    "ZMPOP 1 {t}p2 LEFT",
    "ZMPOP 1 {t}p2 MIN COUNT 0",
    "ZMPOP 1 {t}p2 MIN COUNT x",
    "ZMPOP 1 {t}p2 MIN COUNT",
    "ZMPOP 1 {t}p2 MIN COUNT 1 COUNT 1",
    "ZMPOP 1 {t}p2 MIN EXTRA",
    "ZMPOP 1 {t}p2",
    "ZMPOP 1 {t}p2 MAX COUNT 3",
    "ZRANDMEMBER {t}none",
    "ZRANDMEMBER {t}none 5",
    "ZRANDMEMBER {t}none 5 WITHSCORES",
    "ZRANDMEMBER {t}str",
    "ZRANDMEMBER {t}str 1",
    "ZRANDMEMBER {t}z 0",
    "ZRANDMEMBER {t}z 7",
    "ZRANDMEMBER {t}z 100 WITHSCORES",
    "ZRANDMEMBER {t}odd 100 WITHSCORES",
    "ZADD {t}one 2.5 only",
    "ZRANDMEMBER {t}one",
    "ZRANDMEMBER {t}one 1 WITHSCORES",
    "ZRANDMEMBER {t}one -3",
    "ZRANDMEMBER {t}one -2 WITHSCORES",
    "ZRANDMEMBER {t}z x",
    "ZRANDMEMBER {t}z 1 WITHSCORE",
    "ZRANDMEMBER {t}z 1 WITHSCORES x",
    "ZRANDMEMBER {t}z -9223372036854775808",
    "ZRANDMEMBER {t}z 9223372036854775807 WITHSCORES",
    "ZRANDMEMBER {t}z -4611686018427387904 WITHSCORES",
    "ZRANDMEMBER {t}none 9223372036854775807 WITHSCORES",
    "ZADD {t}sc 1e17 big 2.5 f -0 zero 7 i 1.1 x -inf lo 3e100 huge",
    "ZSCAN {t}sc 0",
    "ZSCAN {t}sc 0 MATCH *i* COUNT 1",
    "ZSCAN {t}sc 0 match * count 100",
    "ZSCAN {t}sc 0 COUNT 0",
    "ZSCAN {t}sc 0 COUNT x",
    "ZSCAN {t}sc 0 MATCH",
    "ZSCAN {t}sc 0 TYPE zset",
    "ZSCAN {t}sc x",
    "ZSCAN {t}sc -1",
    "ZSCAN {t}sc +7",
    "ZSCAN {t}sc -",
    "ZSCAN {t}sc 18446744073709551616",
    "ZSCAN {t}sc 18446744073709551615",
    "ZSCAN {t}none 0",
    "ZSCAN {t}none 0 COUNT 0",
    "ZSCAN {t}none x",
    "ZSCAN {t}str 0",
    "ZSCAN {t}str 0 COUNT 0",
    // Past zset-max-listpack-value the set is a hash table: scores as %.17g.
    "ZADD {t}long 1e17 0123456789012345678901234567890123456789012345678901234567890123456789",
    "ZSCAN {t}long 0",
];

/// Keys in different slots: every multi-key form is refused with CROSSSLOT
/// before it runs (its keys come from the key specs, or from numkeys for
/// the movable-key commands).
const CROSS_SLOT: &[&str] = &[
    "ZRANGESTORE a{t} b 0 -1",
    "ZUNION 2 a b",
    "ZINTER 2 a b WITHSCORES",
    "ZDIFF 2 a b",
    "ZINTERCARD 2 a b",
    "ZDIFFSTORE a 1 b",
    "ZUNIONSTORE a 2 a{t} b{t}",
    "ZMPOP 2 a b MIN",
    "ZUNION 1 a{t} b",
    "ZMPOP 1 a{t} MIN",
];

/// Every range form, its errors and ZRANGESTORE, in RESP2 and RESP3.
#[test]
fn zrange_forms_reply_as_redis_7_0_15() {
    let (ours, real) = pair(2000, &[]);
    let mut diffs = Vec::new();
    for (tag, resp3) in [("{r2}", false), ("{r3}", true)] {
        let (mut o, mut r) = (
            Raw::connect(ours.port, resp3),
            Raw::connect(real.port, resp3),
        );
        for script in [SETUP, RANGES, READS, ALGEBRA, PICKS, CROSS_SLOT] {
            compare(&mut o, &mut r, tag, script, &mut diffs);
        }
    }
    assert_no_differences(&diffs);
}

/// ZRANDMEMBER's random cases, which only properties can check: a
/// positive count gives distinct members of the set, a negative one
/// exactly that many members of the set, possibly repeated.
#[test]
fn zrandmember_picks_members_of_the_set() {
    let (ours, _real) = pair(2000, &[]);
    let mut o = Raw::connect(ours.port, false);
    o.send("ZADD r 1 a 2 b 3 c 4 d 5 e");
    let members = |reply: &str| -> Vec<String> {
        reply
            .lines()
            .filter(|l| !l.starts_with(['*', '$']))
            .map(str::to_string)
            .collect()
    };
    for _ in 0..20 {
        let distinct = members(&o.send("ZRANDMEMBER r 3"));
        assert_eq!(distinct.len(), 3, "{distinct:?}");
        let mut sorted = distinct.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted, distinct, "distinct, in the set's order");
        let repeated = members(&o.send("ZRANDMEMBER r -8"));
        assert_eq!(repeated.len(), 8);
        assert!(repeated.iter().all(|m| "abcde".contains(m.as_str())));
        let one = members(&o.send("ZRANDMEMBER r"));
        assert!(o
            .send("ZRANDMEMBER r -9223372036854775807")
            .starts_with("-ERR count above"));
        assert!(one.len() == 1 && "abcde".contains(one[0].as_str()));
    }
}
