//! Keyspace notifications (`notify.c`, every `notifyKeyspaceEvent` call
//! site of Redis 7.0.15) and XREAD/XREADGROUP BLOCK against a real
//! redis-server, live: the same commands go to a real node and to a
//! clusterlab-node (each owning every slot) while a subscriber on each
//! listens to `__key*@0__:*`; the messages each subscriber receives
//! must be the same, in the same order. Also CONFIG GET's echo of
//! `notify-keyspace-events`, and a blocked reader's reply bytes.

use crate::common::native;
use native::compare::{pair, Raw};
use native::{NodeProc, RealRedis};
use std::time::Duration;

/// Every message a subscriber received up to the reply of a PING sent
/// now (in subscribed RESP2 `["pong", ""]`, in RESP3 `+PONG`).
fn drain_messages(sub: &mut Raw) -> Vec<String> {
    sub.write(&["PING"]);
    let mut out = Vec::new();
    loop {
        let m = sub.read();
        if m.to_ascii_lowercase().contains("pong") {
            return out;
        }
        out.push(m);
    }
}

/// Both servers, each alone with every slot, DEBUG allowed.
fn servers() -> (NodeProc, RealRedis) {
    pair(2000, &["--enable-debug-command", "yes"])
}

/// A command connection and a subscriber to every keyspace channel.
struct Side {
    cmd: Raw,
    sub: Raw,
}

impl Side {
    fn open(port: u16, classes: &str) -> Side {
        Side::open_with(port, classes, false)
    }

    /// With a RESP3 subscriber, whose messages are pushes (`>`).
    fn open_with(port: u16, classes: &str, resp3: bool) -> Side {
        let mut cmd = Raw::connect(port, false);
        let set = cmd.send(&format!("CONFIG SET notify-keyspace-events {classes}"));
        assert_eq!(set, "+OK\r\n");
        let mut sub = Raw::connect(port, false);
        if resp3 {
            sub.send("HELLO 3");
        }
        sub.send("PSUBSCRIBE __key*@0__:*");
        Side { cmd, sub }
    }
}

/// Runs `script` on both sides and requires the same notifications after
/// each command (replies of random commands may differ; events may not);
/// how many messages came.
fn compare_events(ours: &mut Side, real: &mut Side, script: &[&str]) -> usize {
    let mut seen = 0;
    for line in script {
        if let Some(ms) = line.strip_prefix("SLEEP ") {
            std::thread::sleep(Duration::from_millis(ms.parse().unwrap()));
        } else {
            ours.cmd.send(line);
            real.cmd.send(line);
        }
        let (o, r) = (drain_messages(&mut ours.sub), drain_messages(&mut real.sub));
        assert_eq!(o, r, "after {line}: ours, then redis-server 7.0.15");
        seen += o.len();
    }
    seen
}

/// Strings, keys and TTLs (`t_string.c`, `db.c`, `expire.c`), with
/// creation events (`n`, `dbAdd`).
const STRINGS: &[&str] = &[
    "SET {n}s v",
    "SET {n}s v2 EX 100",
    "SET {n}s v3 NX",
    "SET {n}s v4 XX KEEPTTL",
    "APPEND {n}s x",
    "APPEND {n}new x",
    "INCR {n}i",
    "DECRBY {n}i 5",
    "INCRBYFLOAT {n}f 1.5",
    "SETRANGE {n}s 1 ab",
    "SETRANGE {n}s 1 ",
    "SETBIT {n}b 3 1",
    "SETBIT {n}b 3 1",
    "BITFIELD {n}b SET u8 8 255 GET u8 0",
    "BITFIELD {n}b SET u8 8 255",
    "BITOP OR {n}bo {n}b {n}b",
    "BITOP AND {n}bo {n}none",
    "BITOP AND {n}bo {n}none",
    "PFADD {n}h a b c",
    "PFADD {n}h a",
    "PFADD {n}h2 z",
    "PFMERGE {n}h3 {n}h {n}h2",
    "PFCOUNT {n}h",
    "GETSET {n}s y",
    "GETDEL {n}s",
    "GETDEL {n}s",
    "MSET {n}a 1 {n}b2 2",
    "MSETNX {n}a 1 {n}zz 2",
    "SETNX {n}a 1",
    "SETNX {n}a9 1",
    "SETEX {n}a8 100 v",
    "PSETEX {n}a7 100000 v",
    "GETEX {n}a EX 100",
    "GETEX {n}a PERSIST",
    "EXPIRE {n}a 100",
    "EXPIRE {n}a 100 NX",
    "PERSIST {n}a",
    "PERSIST {n}a",
    "PEXPIREAT {n}a7 1",
    "EXPIRE {n}a -1",
    "RENAME {n}b2 {n}r",
    "SET {n}r2 x",
    "RENAME {n}r {n}r2",
    "RENAMENX {n}r2 {n}i",
    "RENAME {n}i {n}i",
    "COPY {n}r2 {n}c",
    "COPY {n}r2 {n}c REPLACE",
    "DEL {n}c {n}nope {n}r2",
    "UNLINK {n}i",
    "GETEX {n}a8 PXAT 1",
];

/// Lists (`t_list.c`): pushes, pops, the `del` of an emptied list, LMOVE's
/// push-then-pop order, a rotation.
const LISTS: &[&str] = &[
    "RPUSH {n}l a b c",
    "LPUSH {n}l z",
    "LPUSHX {n}l y",
    "RPUSHX {n}none x",
    "LINSERT {n}l BEFORE a q",
    "LINSERT {n}l BEFORE nope q",
    "LSET {n}l 0 w",
    "LREM {n}l 1 q",
    "LREM {n}l 1 nope",
    "LTRIM {n}l 0 2",
    "LPOP {n}l",
    "RPOP {n}l 0",
    "LMOVE {n}l {n}l2 LEFT RIGHT",
    "RPOPLPUSH {n}l2 {n}l2",
    "RPUSH {n}l3 only",
    "LMOVE {n}l3 {n}l3 LEFT LEFT",
    "LMPOP 2 {n}none {n}l2 LEFT COUNT 5",
    "RPUSH {n}l4 a b",
    "BLPOP {n}l4 1",
    "BRPOP {n}l4 1",
    "LTRIM {n}l3 5 10",
];

/// Sets and hashes (`t_set.c`, `t_hash.c`).
const SETS_HASHES: &[&str] = &[
    "SADD {n}S a b c",
    "SADD {n}S a",
    "SREM {n}S a",
    "SREM {n}S nope",
    "SMOVE {n}S {n}S2 b",
    "SADD {n}S2 c",
    "SMOVE {n}S {n}S2 c",
    "SPOP {n}S2",
    "SADD {n}S x y",
    "SPOP {n}S 0",
    "SPOP {n}S 5",
    "SADD {n}S a b",
    "SADD {n}S2 b c",
    "SINTERSTORE {n}S3 {n}S {n}S2",
    "SUNIONSTORE {n}S3 {n}S {n}S2",
    "SDIFFSTORE {n}S3 {n}S {n}S",
    "SDIFFSTORE {n}S3 {n}S {n}S",
    "HSET {n}h f v g w",
    "HSETNX {n}h f x",
    "HSETNX {n}h n y",
    "HMSET {n}h a b",
    "HINCRBY {n}h c 2",
    "HINCRBYFLOAT {n}h c 0.5",
    "HDEL {n}h nope",
    "HDEL {n}h f g n a c",
];

/// Sorted sets (`t_zset.c`): `zadd`/`zincr`, removals, the store forms.
const ZSETS: &[&str] = &[
    "ZADD {n}z 1 a 2 b 3 c",
    "ZADD {n}z XX 1 a",
    "ZADD {n}z XX CH 5 a",
    "ZINCRBY {n}z 1 a",
    "ZADD {n}z INCR 1 b",
    "ZREM {n}z a",
    "ZREM {n}z nope",
    "ZPOPMIN {n}z",
    "ZPOPMAX {n}z 0",
    "ZREMRANGEBYSCORE {n}z 0 1",
    "ZREMRANGEBYSCORE {n}z 0 10",
    "ZADD {n}z 1 a 2 b",
    "ZREMRANGEBYRANK {n}z 0 0",
    "ZADD {n}z 0 a 0 c",
    "ZREMRANGEBYLEX {n}z [c +",
    "ZADD {n}z 1 a 2 b",
    "ZRANGESTORE {n}z2 {n}z 0 -1",
    "ZUNIONSTORE {n}z3 2 {n}z {n}z2",
    "ZINTERSTORE {n}z3 1 {n}nope",
    "ZINTERSTORE {n}z3 1 {n}nope",
    "ZDIFFSTORE {n}z4 1 {n}z",
    "ZMPOP 1 {n}z MAX COUNT 1",
    "ZPOPMAX {n}z2 10",
    "BZPOPMIN {n}z4 1",
    "BZMPOP 1 1 {n}z4 MIN",
    "GEOADD {n}g 13.36 38.11 Palermo 15.08 37.50 Catania",
    "GEOADD {n}g 13.36 38.11 Palermo",
    "GEOSEARCHSTORE {n}g2 {n}g FROMLONLAT 15 37 BYRADIUS 200 km",
    "GEOSEARCHSTORE {n}g2 {n}g FROMLONLAT 0 0 BYRADIUS 1 km",
    "GEORADIUS {n}g 15 37 200 km STORE {n}g3",
    "GEORADIUS {n}none 15 37 200 km STORE {n}g3",
    "RPUSH {n}sl 3 1 2",
    "SORT {n}sl STORE {n}sl2",
    "SORT {n}none STORE {n}sl2",
];

/// Streams (`t_stream.c`): XADD and its trim, groups and consumers
/// (created by XREADGROUP and XCLAIM too), XDEL, XTRIM, XSETID.
const STREAMS: &[&str] = &[
    "XADD {n}x 1-0 a 1",
    "XADD {n}x MAXLEN 1 2-0 b 2",
    "XADD {n}x NOMKSTREAM 3-0 c 3",
    "XADD {n}x2 NOMKSTREAM 3-0 c 3",
    "XGROUP CREATE {n}x g 0",
    "XGROUP CREATE {n}x3 g $ MKSTREAM",
    "XGROUP CREATECONSUMER {n}x g c1",
    "XGROUP CREATECONSUMER {n}x g c1",
    "XREADGROUP GROUP g c2 STREAMS {n}x >",
    "XREADGROUP GROUP g c5 STREAMS {n}x 0",
    "XCLAIM {n}x g c3 0 3-0",
    "XAUTOCLAIM {n}x g c4 0 0",
    "XACK {n}x g 3-0",
    "XGROUP SETID {n}x g 0",
    "XGROUP DELCONSUMER {n}x g c1",
    "XGROUP DELCONSUMER {n}x g nope",
    "XDEL {n}x 3-0",
    "XDEL {n}x 3-0",
    "XADD {n}x 4-0 d 4",
    "XTRIM {n}x MAXLEN 0",
    "XTRIM {n}x MAXLEN 0",
    "XSETID {n}x 9-0",
    "XGROUP DESTROY {n}x g",
    "XGROUP DESTROY {n}x g",
    "DEL {n}x {n}x3",
];

/// Expiry: `expired` from a lookup (lazy, with the cron's expiry off)
/// and from the cron (active), each after the key's own events.
const EXPIRY: &[&str] = &[
    "DEBUG SET-ACTIVE-EXPIRE 0",
    "SET {n}lazy v PX 50",
    "SLEEP 120",
    "GET {n}lazy",
    "SET {n}lazy2 v PX 50",
    "SLEEP 120",
    "RPUSH {n}lazy2 a",
    "DEBUG SET-ACTIVE-EXPIRE 1",
    "SET {n}active v PX 50",
    "SLEEP 600",
];

/// `keymiss` (`m`, not part of `A`): read commands that find no key.
const MISSES: &[&str] = &[
    "GET {n}missing",
    "HGET {n}missing f",
    "LRANGE {n}missing 0 -1",
    "EXISTS {n}missing",
    "SET {n}here v",
    "GET {n}here",
];

/// Every event of a command mix, as `AKEn` (all classes, both channel
/// kinds, creations) delivers them to a local subscriber.
#[test]
fn keyspace_events_match_redis_7_0_15() {
    let (ours, real) = servers();
    let mut o = Side::open(ours.port, "AKEn");
    let mut r = Side::open(real.port, "AKEn");
    for script in [STRINGS, LISTS, SETS_HASHES, ZSETS, STREAMS, EXPIRY] {
        let seen = compare_events(&mut o, &mut r, script);
        assert!(seen > script.len(), "{seen} messages for {script:?}");
    }
    let mut o = Side::open(ours.port, "Km");
    let mut r = Side::open(real.port, "Km");
    assert_eq!(compare_events(&mut o, &mut r, MISSES), 4);
    // Only the classes set are published: `E` with `l` alone.
    let mut o = Side::open(ours.port, "El");
    let mut r = Side::open(real.port, "El");
    let only_lists = ["SET {n}q v", "RPUSH {n}q2 a", "DEL {n}q {n}q2"];
    assert_eq!(compare_events(&mut o, &mut r, &only_lists), 1);
    // A RESP3 subscriber gets the same as pushes.
    let mut o = Side::open_with(ours.port, "KEA", true);
    let mut r = Side::open_with(real.port, "KEA", true);
    let pushes = compare_events(&mut o, &mut r, &["RPUSH {n}p a", "LPOP {n}p"]);
    assert_eq!(pushes, 6);
}

/// CONFIG GET echoes `keyspaceEventsFlagsToString` of what was set, and
/// a bad letter is refused with config.c's text.
#[test]
fn notify_keyspace_events_config_matches_redis() {
    let (ours, real) = servers();
    let (mut o, mut r) = (
        Raw::connect(ours.port, false),
        Raw::connect(real.port, false),
    );
    for value in [
        "KEA",
        "AKEn",
        "Elg$",
        "nmK",
        "g$lshzxetd",
        "xeKd",
        "KEX",
        "",
    ] {
        for line in [
            format!("CONFIG SET notify-keyspace-events {value}"),
            "CONFIG GET notify-keyspace-events".to_string(),
        ] {
            let line = line.trim_end();
            assert_eq!(o.send(line), r.send(line), "{line}");
        }
    }
}

/// XREAD/XREADGROUP BLOCK (`blockForKeys`, `serveClientsBlockedOnStreamKey`,
/// `unblockDeletedStreamReadgroupClients`, `replyToBlockedClientTimedOut`):
/// the replies a blocked reader gets, byte for byte, in RESP2 and RESP3.
#[test]
fn blocked_stream_readers_reply_as_redis() {
    let (ours, real) = servers();
    for resp3 in [false, true] {
        let tag = if resp3 { "{b3}" } else { "{b2}" };
        let mut sides: Vec<(Raw, Raw)> = [ours.port, real.port]
            .iter()
            .map(|&p| (Raw::connect(p, false), Raw::connect(p, false)))
            .collect();
        // (the reader's command, the feeder's, whether the reader has a
        // reply once the feeder's came back)
        let script: &[(&str, &str, bool)] = &[
            ("XREAD BLOCK 0 STREAMS {t}x $", "XADD {t}x 1-0 a 1", true),
            (
                "XREAD COUNT 1 BLOCK 0 STREAMS {t}y {t}x 1-0",
                "XADD {t}x 2-0 b 2",
                true,
            ),
            ("XREAD BLOCK 50 STREAMS {t}x $", "", true),
            ("XGROUP CREATE {t}x g $", "", true),
            (
                "XREADGROUP GROUP g c BLOCK 0 STREAMS {t}x >",
                "XADD {t}x 3-0 c 3",
                true,
            ),
            (
                "XREADGROUP GROUP g c BLOCK 0 STREAMS {t}x >",
                "XGROUP DESTROY {t}x g",
                true,
            ),
            ("XGROUP CREATE {t}x g $", "", true),
            (
                "XREADGROUP GROUP g c BLOCK 0 STREAMS {t}x >",
                "DEL {t}x",
                true,
            ),
            ("XGROUP CREATE {t}x g $ MKSTREAM", "", true),
            (
                "XREADGROUP GROUP g c BLOCK 0 NOACK STREAMS {t}x >",
                "SET {t}x string",
                true,
            ),
            // A plain reader outlives its key's deletion and type change.
            ("XREAD BLOCK 0 STREAMS {t}x2 $", "SET {t}x2 string", false),
            ("", "XSETID {t}x2 5-0", false),
            ("", "DEL {t}x2", false),
            ("", "XADD {t}x2 1-0 e 5", true),
            ("XREADGROUP GROUP g c BLOCK 0 STREAMS {t}x >", "", true),
            ("MULTI", "", true),
            ("XREAD BLOCK 0 STREAMS {t}x9 $", "", true),
            ("EXEC", "", true),
            ("XREAD BLOCK -1 STREAMS {t}x $", "", true),
            ("XREAD BLOCK x STREAMS {t}x $", "", true),
        ];
        let mut transcripts: Vec<Vec<String>> = vec![Vec::new(), Vec::new()];
        for (i, (reader, feeder)) in sides.iter_mut().enumerate() {
            if resp3 {
                reader.send("HELLO 3");
            }
            for (blocked, feed, replied) in script {
                if !blocked.is_empty() {
                    reader.write(&[&blocked.replace("{t}", tag)]);
                }
                // Let the server see the reader block before feeding.
                std::thread::sleep(Duration::from_millis(30));
                if !feed.is_empty() {
                    transcripts[i].push(feeder.send(&feed.replace("{t}", tag)));
                }
                if *replied {
                    transcripts[i].push(reader.read());
                }
            }
        }
        assert_eq!(
            transcripts[0], transcripts[1],
            "resp3={resp3}: ours, then redis-server 7.0.15"
        );
    }
}
