//! Hash, set, string, list and keyspace commands added on the dispatch
//! table (HMGET … HSCAN, SMEMBERS … SSCAN, GETRANGE, INCRBYFLOAT, LCS,
//! LPOS, TOUCH, RANDOMKEY, TIME, OBJECT), against redis-server 7.0.15: the
//! same lines go to a real server and to a clusterlab-node, in RESP2 and
//! again after `HELLO 3`, and the replies must be the same bytes — or,
//! where Redis leaves the order to its hash tables or picks at random,
//! the same elements or the same shape. INCRBYFLOAT's long-double
//! arithmetic and `%.17Lf` printing is compared over many values, and
//! what it streams to replicas is checked in `native/stream_writes.rs`.

use crate::common::native;
use clusterlab_core::resp::Value;
use native::compare::{pair, Raw};
use native::mixed::{wait_state_ok, Member};
use native::{require_redis_tools, NodeProc, RealRedis};

/// How two replies must agree.
#[derive(Clone, Copy, PartialEq)]
enum Same {
    /// Byte for byte.
    Bytes,
    /// The same elements in any order (a hash table's order in Redis).
    Elements,
    /// The same structure, counts and element sizes (random picks).
    Shape,
    /// The same kind of reply (its first byte), whatever it holds.
    Kind,
}

/// `line` split on spaces; `''` is the empty argument.
fn words(line: &str) -> Vec<Vec<u8>> {
    line.split(' ')
        .map(|w| {
            if w == "''" {
                Vec::new()
            } else {
                w.as_bytes().to_vec()
            }
        })
        .collect()
}

/// The top level's elements, sorted (a reply's order left aside).
fn sorted(v: &Value) -> Vec<String> {
    let mut items: Vec<String> = match v {
        Value::Array(a) | Value::Set(a) => a.iter().map(|x| format!("{x:?}")).collect(),
        // SCAN's [cursor, elements]: the elements, sorted.
        other => vec![format!("{other:?}")],
    };
    items.sort();
    items
}

/// The reply with every bulk replaced by its length.
fn shape(v: &Value) -> String {
    match v {
        Value::Bulk(b) => format!("bulk{}", b.len()),
        Value::Array(a) => format!("[{}]", a.iter().map(shape).collect::<Vec<_>>().join(",")),
        Value::Set(a) => format!("~{{{}}}", a.iter().map(shape).collect::<Vec<_>>().join(",")),
        other => format!("{other:?}"),
    }
}

/// Runs `script` on both servers (RESP3 after `HELLO 3` when `resp3`),
/// comparing each reply as its line says.
fn compare(real: &RealRedis, ours: &NodeProc, script: &[(&str, Same)], resp3: bool) {
    let (mut r, mut o) = (
        Raw::connect(real.port, false),
        Raw::connect(ours.port, false),
    );
    for conn in [&mut r, &mut o] {
        conn.call(&words("FLUSHALL"));
        if resp3 {
            conn.call(&words("HELLO 3"));
        }
    }
    for (line, same) in script {
        let args = words(line);
        let ((rb, rv), (ob, ov)) = (r.call(&args), o.call(&args));
        let what = format!("{line} (RESP{})", if resp3 { 3 } else { 2 });
        match same {
            Same::Bytes => assert_eq!(
                String::from_utf8_lossy(&ob),
                String::from_utf8_lossy(&rb),
                "{what}"
            ),
            Same::Elements => {
                assert_eq!(ob.first(), rb.first(), "{what}: reply type");
                match (&ov, &rv) {
                    // SCAN-like: same cursor, same elements.
                    (Value::Array(a), Value::Array(b))
                        if a.len() == 2 && matches!(a[1], Value::Array(_)) =>
                    {
                        assert_eq!(a[0], b[0], "{what}: cursor");
                        assert_eq!(sorted(&a[1]), sorted(&b[1]), "{what}");
                    }
                    _ => assert_eq!(sorted(&ov), sorted(&rv), "{what}"),
                }
            }
            Same::Shape => assert_eq!(shape(&ov), shape(&rv), "{what}"),
            Same::Kind => assert_eq!(ob.first(), rb.first(), "{what}: reply type"),
        }
    }
}

use Same::*;

/// Hashes (t_hash.c): every value is one byte long so that random picks
/// compare by shape.
const HASHES: &[(&str, Same)] = &[
    ("HSET h a 1 b 2 c 3", Bytes),
    ("SET str x", Bytes),
    ("HMGET h a nofield c", Bytes),
    ("HMGET nokey a b", Bytes),
    ("HMGET str a", Bytes),
    ("HMGET h", Bytes),
    ("HKEYS h", Elements),
    ("HVALS h", Elements),
    ("HKEYS nokey", Bytes),
    ("HVALS str", Bytes),
    ("HKEYS h extra", Bytes),
    ("HSTRLEN h a", Bytes),
    ("HSTRLEN h nofield", Bytes),
    ("HSTRLEN nokey a", Bytes),
    ("HSTRLEN str a", Bytes),
    ("HRANDFIELD nokey", Bytes),
    ("HRANDFIELD nokey 3", Bytes),
    ("HRANDFIELD nokey 3 WITHVALUES", Bytes),
    ("HRANDFIELD str", Bytes),
    ("HRANDFIELD str 1", Bytes),
    ("HRANDFIELD h", Shape),
    ("HRANDFIELD h 0", Bytes),
    ("HRANDFIELD h 2", Shape),
    ("HRANDFIELD h 10", Elements),
    ("HRANDFIELD h -5", Shape),
    ("HRANDFIELD h 2 WITHVALUES", Shape),
    ("HRANDFIELD h -4 withvalues", Shape),
    ("HRANDFIELD h 10 WITHVALUES", Shape),
    ("HRANDFIELD h 2 WITHVALUES x", Bytes),
    ("HRANDFIELD h 2 nope", Bytes),
    ("HRANDFIELD nokey 2 nope", Bytes),
    ("HRANDFIELD h x", Bytes),
    ("HRANDFIELD h -9223372036854775808", Bytes),
    ("HRANDFIELD h 9223372036854775807 WITHVALUES", Bytes),
    ("HRANDFIELD h -4611686018427387904 WITHVALUES", Bytes),
    ("HSCAN h 0", Elements),
    ("HSCAN h 0 MATCH a", Bytes),
    ("HSCAN h 0 MATCH * COUNT 1", Elements),
    ("HSCAN h x", Bytes),
    ("HSCAN h -1", Elements),
    ("HSCAN h ''", Elements),
    ("HSCAN h 18446744073709551616", Bytes),
    ("HSCAN nokey 0 COUNT 0", Bytes),
    ("HSCAN h 0 COUNT 0", Bytes),
    ("HSCAN h 0 COUNT x", Bytes),
    ("HSCAN h 0 COUNT", Bytes),
    ("HSCAN h 0 TYPE string", Bytes),
    ("HSCAN str 0", Bytes),
];

/// Sets (t_set.c); `{t}` keeps multi-key lines in one slot.
const SETS: &[(&str, Same)] = &[
    ("SADD {t}a 1 2 3 x", Bytes),
    ("SADD {t}b 2 3 4", Bytes),
    ("SADD {t}c 3", Bytes),
    ("SADD {t}n 30 1 200", Bytes),
    ("SET {t}str x", Bytes),
    ("SMEMBERS {t}n", Bytes),
    ("SMEMBERS {t}a", Elements),
    ("SMEMBERS nokey", Bytes),
    ("SMEMBERS {t}str", Bytes),
    ("SISMEMBER {t}a x", Bytes),
    ("SMISMEMBER {t}a 1 nope x", Bytes),
    ("SMISMEMBER nokey a b", Bytes),
    ("SMISMEMBER {t}str a", Bytes),
    ("SINTER {t}a {t}b {t}c", Bytes),
    ("SINTER {t}a {t}b", Elements),
    ("SINTER {t}a {t}none", Bytes),
    ("SINTER {t}none {t}str", Bytes),
    ("SINTER {t}a {t}str", Bytes),
    ("SINTER {t}a other", Bytes),
    ("SUNION {t}b {t}c {t}none", Elements),
    ("SUNION {t}none", Bytes),
    ("SUNION {t}str", Bytes),
    ("SDIFF {t}b {t}c", Elements),
    ("SDIFF {t}a {t}b {t}c", Elements),
    ("SDIFF {t}none {t}a", Bytes),
    ("SDIFF {t}a {t}str", Bytes),
    ("SINTERCARD 2 {t}a {t}b", Bytes),
    ("SINTERCARD 2 {t}a {t}b LIMIT 1", Bytes),
    ("SINTERCARD 2 {t}a {t}b limit 0", Bytes),
    ("SINTERCARD 1 {t}none", Bytes),
    ("SINTERCARD 2 {t}none {t}str", Bytes),
    ("SINTERCARD 0 {t}a", Bytes),
    ("SINTERCARD x {t}a", Bytes),
    ("SINTERCARD 3 {t}a {t}b", Bytes),
    ("SINTERCARD 2 {t}a {t}b LIMIT -1", Bytes),
    ("SINTERCARD 2 {t}a {t}b LIMIT x", Bytes),
    ("SINTERCARD 2 {t}a {t}b LIMIT", Bytes),
    ("SINTERCARD 2 {t}a {t}b FOO 1", Bytes),
    ("SINTERCARD 2 {t}a other", Bytes),
    ("SRANDMEMBER nokey", Bytes),
    ("SRANDMEMBER nokey 5", Bytes),
    ("SRANDMEMBER {t}str", Bytes),
    ("SRANDMEMBER {t}c", Bytes),
    ("SRANDMEMBER {t}c 5", Bytes),
    ("SRANDMEMBER {t}c -3", Bytes),
    ("SRANDMEMBER {t}c 0", Bytes),
    ("SRANDMEMBER {t}b 2", Shape),
    ("SRANDMEMBER {t}b -7", Shape),
    ("SRANDMEMBER {t}b 1 2", Bytes),
    ("SRANDMEMBER {t}b x", Bytes),
    ("SRANDMEMBER {t}b -9223372036854775808", Bytes),
    ("SSCAN {t}n 0", Bytes),
    ("SSCAN {t}a 0 MATCH x", Bytes),
    ("SSCAN {t}a 0 COUNT 100", Elements),
    ("SSCAN nokey 0 FOO", Bytes),
    ("SSCAN {t}str 0", Bytes),
    ("SSCAN {t}a 0 COUNT 0", Bytes),
    ("SSCAN {t}a nope", Bytes),
];

/// Strings (t_string.c) and lists (t_list.c).
const STRINGS_AND_LISTS: &[(&str, Same)] = &[
    ("SET s Hello_World", Bytes),
    ("SET n 12345", Bytes),
    ("SET e ''", Bytes),
    ("RPUSH l a b c a b c a", Bytes),
    ("GETRANGE s 0 4", Bytes),
    ("GETRANGE s -5 -1", Bytes),
    ("GETRANGE s -1 -5", Bytes),
    ("GETRANGE s 5 2", Bytes),
    ("GETRANGE s 0 100", Bytes),
    ("GETRANGE s -100 100", Bytes),
    ("GETRANGE s 100 200", Bytes),
    ("GETRANGE s -9223372036854775808 9223372036854775807", Bytes),
    ("GETRANGE n 1 2", Bytes),
    ("GETRANGE e 0 -1", Bytes),
    ("GETRANGE nokey 0 1", Bytes),
    ("GETRANGE s x 1", Bytes),
    ("GETRANGE s 0 y", Bytes),
    ("GETRANGE l 0 1", Bytes),
    ("GETRANGE nokey x 1", Bytes),
    ("SUBSTR s 1 3", Bytes),
    ("SUBSTR s 1", Bytes),
    ("SET {t}a ohmytext", Bytes),
    ("SET {t}b mynewtext", Bytes),
    ("SET {t}c abcabcabcxyz", Bytes),
    ("SET {t}d xabcyabzabc", Bytes),
    ("RPUSH {t}l x", Bytes),
    ("LCS {t}a {t}b", Bytes),
    ("LCS {t}a {t}b LEN", Bytes),
    ("LCS {t}a {t}b IDX", Bytes),
    ("LCS {t}a {t}b IDX MINMATCHLEN 4", Bytes),
    ("LCS {t}a {t}b idx withmatchlen", Bytes),
    ("LCS {t}c {t}d IDX WITHMATCHLEN", Bytes),
    ("LCS {t}d {t}c IDX MINMATCHLEN 2 WITHMATCHLEN", Bytes),
    ("LCS {t}c {t}d", Bytes),
    ("LCS {t}a {t}b IDX MINMATCHLEN -5", Bytes),
    ("LCS {t}a {t}b LEN IDX", Bytes),
    ("LCS {t}a {t}b FOO", Bytes),
    ("LCS {t}a {t}b MINMATCHLEN", Bytes),
    ("LCS {t}a {t}b MINMATCHLEN x", Bytes),
    ("LCS {t}a {t}none", Bytes),
    ("LCS {t}none {t}none2 IDX", Bytes),
    ("LCS {t}a {t}l", Bytes),
    ("LCS {t}l {t}a FOO", Bytes),
    ("LCS {t}a other", Bytes),
    ("LPOS l a", Bytes),
    ("LPOS l a RANK 2", Bytes),
    ("LPOS l a RANK -1", Bytes),
    ("LPOS l a RANK -2 COUNT 0", Bytes),
    ("LPOS l a COUNT 0", Bytes),
    ("LPOS l a COUNT 2", Bytes),
    ("LPOS l a COUNT 0 MAXLEN 3", Bytes),
    ("LPOS l a RANK 5", Bytes),
    ("LPOS l z", Bytes),
    ("LPOS l z COUNT 0", Bytes),
    ("LPOS l a RANK 0", Bytes),
    ("LPOS l a RANK x", Bytes),
    ("LPOS l a COUNT -1", Bytes),
    ("LPOS l a COUNT x", Bytes),
    ("LPOS l a MAXLEN -1", Bytes),
    ("LPOS l a MAXLEN x", Bytes),
    ("LPOS l a FOO 1", Bytes),
    ("LPOS l a RANK", Bytes),
    ("LPOS l a RANK -9223372036854775808", Bytes),
    ("LPOS l a RANK -9223372036854775808 COUNT 2", Bytes),
    ("LPOS nokey a", Bytes),
    ("LPOS nokey a COUNT 1", Bytes),
    ("LPOS s a", Bytes),
    ("LPOS nokey a RANK 0", Bytes),
];

/// Keyspace commands and OBJECT (object.c), with the encodings 7.0 picks.
const KEYSPACE: &[(&str, Same)] = &[
    ("RANDOMKEY", Bytes),
    ("SET {t}i 123", Bytes),
    ("SET {t}big 10000", Bytes),
    ("SET {t}neg -1", Bytes),
    ("SET {t}zero 01", Bytes),
    ("SET {t}long 12345678901234567890", Bytes),
    (
        "SET {t}e44 aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
        Bytes,
    ),
    (
        "SET {t}e45 aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
        Bytes,
    ),
    // Which key is random; that there is one shows in the reply's type.
    ("RANDOMKEY", Kind),
    ("OBJECT ENCODING {t}i", Bytes),
    ("OBJECT REFCOUNT {t}i", Bytes),
    ("OBJECT ENCODING {t}big", Bytes),
    ("OBJECT REFCOUNT {t}big", Bytes),
    ("OBJECT REFCOUNT {t}neg", Bytes),
    ("OBJECT ENCODING {t}zero", Bytes),
    ("OBJECT ENCODING {t}long", Bytes),
    ("OBJECT ENCODING {t}e44", Bytes),
    ("OBJECT ENCODING {t}e45", Bytes),
    ("OBJECT REFCOUNT {t}e45", Bytes),
    ("RPUSH {t}l a", Bytes),
    ("OBJECT ENCODING {t}l", Bytes),
    ("SADD {t}s 1 2", Bytes),
    ("OBJECT ENCODING {t}s", Bytes),
    ("SADD {t}s x", Bytes),
    ("OBJECT ENCODING {t}s", Bytes),
    ("HSET {t}h f v", Bytes),
    ("OBJECT ENCODING {t}h", Bytes),
    (
        "HSET {t}h2 f aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
        Bytes,
    ),
    ("OBJECT ENCODING {t}h2", Bytes),
    ("ZADD {t}z 1 a", Bytes),
    ("OBJECT ENCODING {t}z", Bytes),
    ("CONFIG SET hash-max-listpack-entries 1", Bytes),
    ("HSET {t}h3 f v g w", Bytes),
    ("OBJECT ENCODING {t}h3", Bytes),
    ("HSCAN {t}h3 0 COUNT 100", Elements),
    ("CONFIG SET hash-max-listpack-entries 512", Bytes),
    ("CONFIG SET set-max-intset-entries 2", Bytes),
    ("SADD {t}s2 1 2 3", Bytes),
    ("OBJECT ENCODING {t}s2", Bytes),
    ("SSCAN {t}s2 0 COUNT 100", Elements),
    ("CONFIG SET set-max-intset-entries 512", Bytes),
    ("INCRBYFLOAT {t}f 1.5", Bytes),
    ("OBJECT ENCODING {t}f", Bytes),
    ("OBJECT ENCODING nokey", Bytes),
    ("OBJECT REFCOUNT nokey", Bytes),
    ("OBJECT HELP", Bytes),
    ("OBJECT help x", Bytes),
    ("OBJECT FOO", Bytes),
    ("OBJECT ENCODING", Bytes),
    ("OBJECT ENCODING a b", Bytes),
    ("OBJECT", Bytes),
    ("TOUCH {t}i {t}l nokey {t}s", Bytes),
    ("TOUCH nokey", Bytes),
    ("TOUCH {t}i other", Bytes),
    ("TOUCH", Bytes),
    ("TIME", Shape),
    ("TIME x", Bytes),
    ("RANDOMKEY x", Bytes),
    // `getKeysSubcommandImpl`: unknown command or subcommand, no keys at
    // all, arity, then keys the arguments do not give.
    ("COMMAND GETKEYS SINTERCARD 2 a b LIMIT 1", Bytes),
    ("COMMAND GETKEYS SINTERCARD 3 a b", Bytes),
    ("COMMAND GETKEYS SINTERCARD x a", Bytes),
    ("COMMAND GETKEYS ZUNIONSTORE d 3 x y", Bytes),
    ("COMMAND GETKEYS OBJECT ENCODING k", Bytes),
    ("COMMAND GETKEYS OBJECT HELP", Bytes),
    ("COMMAND GETKEYS OBJECT nope k", Bytes),
    ("COMMAND GETKEYS DBSIZE x", Bytes),
    ("COMMAND GETKEYS GET a b", Bytes),
    ("COMMAND GETKEYS LCS a b", Bytes),
    ("COMMAND GETKEYS TOUCH a b c", Bytes),
    ("FLUSHALL", Bytes),
    ("SET {t}only 1", Bytes),
    ("RANDOMKEY", Bytes),
];

#[test]
fn hashes_sets_strings_lists_and_keys_reply_as_redis_7_0_15() {
    let (ours, real) = pair(5000, &[]);
    for script in [HASHES, SETS, STRINGS_AND_LISTS, KEYSPACE] {
        for resp3 in [false, true] {
            compare(&real, &ours, script, resp3);
        }
    }
}

/// A key a cluster node does not own is redirected, and keys in two slots
/// are refused, for the new multi-key and OBJECT lines.
#[test]
fn new_commands_route_their_keys_as_redis_7_0_15() {
    require_redis_tools();
    let real = RealRedis::start(5000);
    let ours = NodeProc::start(5000);
    for m in [&real as &dyn Member, &ours] {
        m.run(&["config", "set", "cluster-require-full-coverage", "no"]);
        m.run(&["cluster", "addslotsrange", "0", "5000"]);
        wait_state_ok(&[m]);
    }
    let script: &[(&str, Same)] = &[
        // "b" hashes to slot 3300 (owned), "a" to 15495 (not owned).
        ("OBJECT ENCODING b", Bytes),
        ("OBJECT HELP", Bytes),
        ("SINTER b c", Bytes),
        ("SINTERCARD 2 b c", Bytes),
        ("SINTERCARD 1 b", Bytes),
        ("LCS b c", Bytes),
        ("TOUCH b c", Bytes),
        ("SUNION {b}1 {b}2", Bytes),
        ("SDIFF {b}1 {b}2", Bytes),
        ("SMEMBERS b", Bytes),
    ];
    compare(&real, &ours, script, false);
    // MOVED names the owner by address: ours differs only in the port.
    for line in ["OBJECT ENCODING a", "HKEYS a", "SINTERCARD 1 a", "LPOS a x"] {
        let r = real.cli(&line.split(' ').collect::<Vec<_>>());
        let o = ours.cli(&line.split(' ').collect::<Vec<_>>());
        assert!(
            r.starts_with("CLUSTERDOWN") || r.starts_with("MOVED"),
            "{line}: {r}"
        );
        assert_eq!(
            r.split(' ').next(),
            o.split(' ').next(),
            "{line}: redis {r:?}, ours {o:?}"
        );
    }
}

/// INCRBYFLOAT over many values: x87 long-double sums printed `%.17Lf`
/// without trailing zeros, overflow, NaN and the texts strtold refuses.
#[test]
fn incrbyfloat_computes_and_prints_as_redis_on_x86_64() {
    let (ours, real) = pair(5000, &[]);
    let mut values: Vec<String> = [
        "0.1",
        "10.5",
        "-0.1",
        "3.0e3",
        "1e-5",
        "5.0e-20",
        "1.1",
        "0.3",
        "1e17",
        "1e18",
        "123456789.123456789",
        "-5",
        "1e300",
        "1.7976931348623157e308",
        "1e4000",
        "-1e4000",
        "1e-4000",
        "3.3e-4940",
        "0.00000000000000000049",
        "0.000000000000000000051",
        "2.5e-18",
        "7.5e-18",
        "0x1p-60",
        "0x1.8p1",
        "0X1P+4",
        "inf",
        "-inf",
        "Infinity",
        "nan",
        "abc",
        "1e",
        "+1.5",
        ".5",
        "5.",
        "1E+2",
        "1e-2",
        " 1",
        "1 ",
        "",
        "0",
        "-0",
        "99999999999999999999999",
        "9223372036854775807",
        "1.0000000000000000001",
        "0.1e1",
        "1.18973149535723176502e+4932",
        "1.2e4932",
        "4e-4951",
        "1e-4951",
        "3.814697265625e-6",
        "-3.814697265625e-6",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    // A fixed pseudo-random sweep (an LCG: the same values every run).
    let mut x: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = || {
        x = x
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        x >> 33
    };
    for _ in 0..150 {
        let mant = next() % 2_000_000_000;
        let exp = (next() % 61) as i64 - 30;
        let frac = next() % 1000;
        let sign = if next() % 2 == 0 { "" } else { "-" };
        values.push(format!("{sign}{mant}.{frac:03}e{exp}"));
    }
    let (mut r, mut o) = (
        Raw::connect(real.port, false),
        Raw::connect(ours.port, false),
    );
    let n = values.len();
    for (i, start) in values.iter().enumerate() {
        let by = &values[(i * 7 + 3) % n];
        let mut lines = vec![vec![b"DEL".to_vec(), b"k".to_vec()]];
        if !start.is_empty() {
            lines.push(vec![
                b"SET".to_vec(),
                b"k".to_vec(),
                start.as_bytes().to_vec(),
            ]);
        }
        lines.push(vec![
            b"INCRBYFLOAT".to_vec(),
            b"k".to_vec(),
            by.as_bytes().to_vec(),
        ]);
        lines.push(vec![
            b"INCRBYFLOAT".to_vec(),
            b"k".to_vec(),
            b"0.1".to_vec(),
        ]);
        lines.push(vec![b"GET".to_vec(), b"k".to_vec()]);
        for args in lines {
            let (rb, _) = r.call(&args);
            let (ob, _) = o.call(&args);
            assert_eq!(
                String::from_utf8_lossy(&ob),
                String::from_utf8_lossy(&rb),
                "SET k {start:?} then INCRBYFLOAT k {by:?} (then 0.1)"
            );
        }
    }
    for line in ["INCRBYFLOAT", "INCRBYFLOAT k", "INCRBYFLOAT k 1 2"] {
        assert_eq!(o.call(&words(line)).0, r.call(&words(line)).0, "{line}");
    }
    r.call(&words("RPUSH list a"));
    o.call(&words("RPUSH list a"));
    assert_eq!(
        o.call(&words("INCRBYFLOAT list x")).0,
        r.call(&words("INCRBYFLOAT list x")).0
    );
}
