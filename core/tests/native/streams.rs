//! Stream commands against redis-server 7.0.15, byte for byte: the same
//! commands go to a real node and to a clusterlab-node (each owning every
//! slot), in RESP2 and after `HELLO 3`, and every reply must be the same
//! bytes — IDs, entry layouts, XINFO maps, nils and error texts. Explicit
//! IDs keep the clock out of it; the replies that show times (idle,
//! delivery and seen times) are left to `commands/streams.rs` on the simulator.

use crate::common::native;
use native::compare::{assert_no_differences, assert_same_replies, compare, pair, Raw};
use native::mixed::Member;
use native::stream::{without_framing, Streams};

/// Appending: explicit, partial (`ms-*`) and refused IDs, NOMKSTREAM,
/// trims with `=`, `~` and LIMIT, and XADD's option errors in order.
const ADD: &[&str] = &[
    "XADD {t}s 1-1 a 1",
    "XADD {t}s 1-1 a 2",
    "XADD {t}s 1-0 a 2",
    "XADD {t}s 1-* a 3",
    "XADD {t}s 2-* f v g w",
    "XADD {t}s 3 a 4",
    "XADD {t}s 0-0 a 1",
    "XADD {t}new 0-0 a 1",
    "XADD {t}new 0-* a 1",
    "XADD {t}s 5-1 a",
    "XADD {t}s 5-1",
    "XADD {t}s NOMKSTREAM 5-1 a 1 b",
    "XADD {t}none NOMKSTREAM 5-1 a 1",
    "EXISTS {t}none",
    "XADD {t}s 4--1 a 1",
    "XADD {t}s abc a 1",
    "XADD {t}s + a 1",
    "XADD {t}s 18446744073709551616-0 a 1",
    "XADD {t}s MAXLEN -1 6-0 a 1",
    "XADD {t}s MAXLEN x 6-0 a 1",
    "XADD {t}s MAXLEN 5 MINID 1 6-0 a 1",
    "XADD {t}s LIMIT 10 6-0 a 1",
    "XADD {t}s MAXLEN 5 LIMIT 10 6-0 a 1",
    "XADD {t}s MAXLEN ~ 5 LIMIT -1 6-0 a 1",
    "XADD {t}s MAXLEN 5 NOMKSTREAM",
    "XADD {t}s MINID + 6-0 a 1",
    "XADD {t}str 6-0 a 1",
    "SET {t}str x",
    "XADD {t}str 6-0 a 1",
    "XADD {t}s MAXLEN = 4 6-0 a 5",
    "XLEN {t}s",
    "XADD {t}s MAXLEN ~ 1 7-0 a 6",
    "XLEN {t}s",
    "XADD {t}s MINID 5 8-0 a 7",
    "XRANGE {t}s - +",
    "XADD {t}s MINID ~ 8 LIMIT 0 9-0 a 8",
    "XLEN {t}s",
    "XADD {t}max 18446744073709551615-18446744073709551615 a 1",
    "XADD {t}max 18446744073709551615-* a 1",
    "XLEN {t}none",
    "XLEN {t}str",
    "TYPE {t}s",
    "OBJECT ENCODING {t}s",
];

/// XRANGE/XREVRANGE bounds (inclusive, `(` exclusive, incomplete IDs),
/// COUNT, and XDEL/XTRIM.
const RANGES: &[&str] = &[
    "DEL {t}r",
    "XADD {t}r 1-0 a 1",
    "XADD {t}r 1-5 b 2",
    "XADD {t}r 2-0 c 3",
    "XADD {t}r 3-0 d 4 e 5",
    "XADD {t}r 3-1 d 6 e 7",
    "XRANGE {t}r - +",
    "XRANGE {t}r 1 1",
    "XRANGE {t}r (1-0 (3-0",
    "XRANGE {t}r (1 +",
    "XRANGE {t}r - + COUNT 2",
    "XRANGE {t}r - + COUNT 0",
    "XRANGE {t}r - + COUNT -3",
    "XRANGE {t}r - + COUNT",
    "XRANGE {t}r - + LIMIT 2",
    "XRANGE {t}r (- +",
    "XRANGE {t}r - (+",
    "XRANGE {t}r ( +",
    "XRANGE {t}r (18446744073709551615-18446744073709551615 +",
    "XRANGE {t}r - (0-0",
    "XRANGE {t}r 3 1",
    "XRANGE {t}none - +",
    "XRANGE {t}str - +",
    "XREVRANGE {t}r + -",
    "XREVRANGE {t}r + - COUNT 1",
    "XREVRANGE {t}r (3-1 (1-0",
    "XREVRANGE {t}r 2 2",
    "XDEL {t}r 2-0 9-9",
    "XDEL {t}r 2-0",
    "XDEL {t}r x",
    "XDEL {t}none 1-0",
    "XDEL {t}str 1-0",
    "XRANGE {t}r - +",
    "XTRIM {t}r MAXLEN 3",
    "XTRIM {t}r MAXLEN ~ 1",
    "XTRIM {t}r MINID 3-1",
    "XTRIM {t}r MINID 3-1",
    "XRANGE {t}r - +",
    "XTRIM {t}r LIMIT 3",
    "XTRIM {t}r MAXLEN 1 LIMIT 3",
    "XTRIM {t}r MAXLEN 1 NOMKSTREAM",
    "XTRIM {t}r 5",
    "XTRIM {t}none MAXLEN 1",
    "XTRIM {t}str MAXLEN 1",
];

/// XREAD: `$`, explicit IDs, COUNT, several streams, and the option errors.
const READS: &[&str] = &[
    "DEL {t}a {t}b",
    "XADD {t}a 1-0 x 1",
    "XADD {t}a 2-0 x 2",
    "XADD {t}b 1-0 y 1",
    "XREAD STREAMS {t}a 0",
    "XREAD COUNT 1 STREAMS {t}a {t}b 0 0",
    "XREAD STREAMS {t}a {t}b 1-0 1-0",
    "XREAD STREAMS {t}a {t}b $ $",
    "XREAD STREAMS {t}a {t}none 0 0",
    "XREAD STREAMS {t}a {t}b 0",
    "XREAD STREAMS {t}a >",
    "XREAD GROUP g c STREAMS {t}a 0",
    "XREAD NOACK STREAMS {t}a 0",
    "XREAD COUNT x STREAMS {t}a 0",
    "XREAD BLOCK -1 STREAMS {t}a 0",
    "XREAD BLOCK x STREAMS {t}a 0",
    "XREAD BLOCK 0 STREAMS {t}a 0",
    "XREAD FOO STREAMS {t}a 0",
    "XREAD COUNT 1 {t}a 0",
    "XREAD STREAMS {t}a -",
    "XREAD STREAMS {t}str 0",
    "XREAD STREAMS {t}a 18446744073709551615-18446744073709551614",
];

/// Consumer groups: XGROUP's subcommands and errors, XREADGROUP (new
/// entries, history, NOACK), XACK, the XPENDING summary, XCLAIM and
/// XAUTOCLAIM in their JUSTID forms, and XINFO GROUPS/CONSUMERS/STREAM.
const GROUPS: &[&str] = &[
    "DEL {t}g",
    "XGROUP CREATE {t}g grp $",
    "XGROUP CREATE {t}g grp $ MKSTREAM",
    "XGROUP CREATE {t}g grp $ MKSTREAM",
    "XGROUP CREATE {t}g grp2 0 ENTRIESREAD -2",
    "XGROUP CREATE {t}g grp2 0 ENTRIESREAD 0",
    "XGROUP CREATE {t}g grp3 -",
    "XGROUP CREATE {t}g grp3 x",
    "XGROUP CREATE {t}g grp3 0 FOO",
    "XGROUP CREATE {t}str grp 0",
    "XGROUP CREATE {t}g",
    "XGROUP FOO {t}g grp",
    "XGROUP SETID {t}g nogrp 0",
    "XGROUP SETID {t}none grp 0",
    "XGROUP CREATECONSUMER {t}g grp alice",
    "XGROUP CREATECONSUMER {t}g grp alice",
    "XGROUP HELP",
    "XGROUP HELP x",
    "XADD {t}g 1-0 a 1",
    "XADD {t}g 2-0 b 2",
    "XADD {t}g 3-0 c 3",
    "XREADGROUP GROUP grp alice COUNT 1 STREAMS {t}g >",
    "XREADGROUP GROUP grp bob STREAMS {t}g >",
    "XREADGROUP GROUP grp bob STREAMS {t}g >",
    "XREADGROUP GROUP grp alice STREAMS {t}g 0",
    "XREADGROUP GROUP grp bob COUNT 1 STREAMS {t}g 0-0",
    "XREADGROUP GROUP grp2 carol NOACK STREAMS {t}g >",
    "XREADGROUP GROUP nogrp x STREAMS {t}g >",
    "XREADGROUP GROUP grp x STREAMS {t}none >",
    "XREADGROUP GROUP grp x STREAMS {t}g $",
    "XREADGROUP STREAMS {t}g >",
    "XREADGROUP GROUP grp x STREAMS {t}str >",
    "XPENDING {t}g grp",
    "XPENDING {t}g grp2",
    "XPENDING {t}g nogrp",
    "XPENDING {t}g grp - +",
    "XPENDING {t}g grp IDLE 99999999 - + 10",
    "XPENDING {t}g grp - + 10 nobody",
    "XPENDING {t}g grp IDLE x - + 10",
    "XPENDING {t}g grp - + x",
    "XPENDING {t}g grp (x + 10",
    "XINFO GROUPS {t}g",
    "XDEL {t}g 2-0",
    "XREADGROUP GROUP grp bob STREAMS {t}g 0",
    "XINFO GROUPS {t}g",
    "XCLAIM {t}g grp alice 0 2-0 3-0 JUSTID",
    "XPENDING {t}g grp",
    "XCLAIM {t}g grp alice x 3-0",
    "XCLAIM {t}g grp alice 0 3-0 IDLE x",
    "XCLAIM {t}g grp alice 0 3-0 RETRYCOUNT x",
    "XCLAIM {t}g grp alice 0 3-0 BOGUS",
    "XCLAIM {t}g nogrp alice 0 3-0",
    "XCLAIM {t}g grp alice 99999999 3-0 JUSTID",
    "XCLAIM {t}g grp dave 0 3-0 JUSTID LASTID 3-0",
    "XAUTOCLAIM {t}g grp erin 0 0 JUSTID",
    "XAUTOCLAIM {t}g grp erin 0 0 COUNT 0",
    "XAUTOCLAIM {t}g grp erin x 0",
    "XAUTOCLAIM {t}g grp erin 0 x",
    "XAUTOCLAIM {t}g grp erin 0 0 FOO",
    "XAUTOCLAIM {t}g nogrp erin 0 0",
    "XACK {t}g grp 1-0 3-0 9-0",
    "XACK {t}g grp x",
    "XACK {t}g nogrp x",
    "XACK {t}none grp 1-0",
    "XPENDING {t}g grp",
    "XGROUP DELCONSUMER {t}g grp erin",
    "XGROUP DELCONSUMER {t}g grp nobody",
    "XGROUP SETID {t}g grp 1-0",
    "XGROUP SETID {t}g grp $ ENTRIESREAD 3",
    "XGROUP SETID {t}g grp - ENTRIESREAD 3 X",
    "XINFO GROUPS {t}g",
    "XGROUP DESTROY {t}g grp3",
    "XGROUP DESTROY {t}g grp2",
    "XINFO STREAM {t}g",
    "XINFO STREAM {t}g FULL COUNT",
    "XINFO STREAM {t}g FOO",
    "XINFO STREAM {t}none",
    "XINFO STREAM {t}str",
    "XINFO GROUPS {t}none",
    "XINFO CONSUMERS {t}g nogrp",
    "XINFO HELP",
    "XINFO FOO {t}g",
    "XINFO",
];

/// XSETID and the counters XINFO STREAM shows for them.
const SETID: &[&str] = &[
    "DEL {t}i",
    "XADD {t}i 5-0 a 1",
    "XSETID {t}i 4-0",
    "XSETID {t}i 10-0 ENTRIESADDED 0",
    "XSETID {t}i 10-0 ENTRIESADDED -1",
    "XSETID {t}i 10-0 MAXDELETEDID 11-0",
    "XSETID {t}i 10-0 ENTRIESADDED 7 MAXDELETEDID 9-0",
    "XSETID {t}i 10-0 FOO",
    "XSETID {t}none 10-0",
    "XSETID {t}str 10-0",
    "XINFO STREAM {t}i",
    "XADD {t}i 10-0 a 1",
    "XADD {t}i 10-* a 1",
];

/// A stream past one node (`stream-node-max-entries` 100): the radix tree
/// counts, `~` trimming whole nodes, and the first/last entries.
const NODES: &[&str] = &[
    "XTRIM {t}n MAXLEN ~ 150",
    "XLEN {t}n",
    "XTRIM {t}n MAXLEN ~ 10",
    "XLEN {t}n",
    "XTRIM {t}n MINID ~ 250",
    "XDEL {t}n 249-0 251-0",
    "XINFO STREAM {t}n",
    "XTRIM {t}n MINID 260",
    "XINFO STREAM {t}n",
];

/// Every script, in RESP2 and RESP3, on a real node and ours.
#[test]
fn stream_commands_reply_as_redis_7_0_15() {
    let setup: &[&str] = &["SET {t}str x"];
    let fill: Vec<String> = (1..=300)
        .map(|ms| format!("XADD {{t}}n {ms}-0 f {ms}"))
        .collect();
    let fill: Vec<&str> = fill.iter().map(String::as_str).collect();
    assert_same_replies(
        &[setup, ADD, RANGES, READS, GROUPS, SETID, &fill, NODES],
        ' ',
    );
}

/// Writes whose streamed form 7.0.15 rewrites or drops: XADD with the ID
/// it generated and `~` made exact, no-op writes left out, XREADGROUP as
/// XCLAIMs (or XGROUP CREATECONSUMER + SETID with NOACK), XCLAIM and
/// XAUTOCLAIM as XCLAIMs (deleted entries too), XCLAIM LASTID alone as
/// XGROUP SETID. Each case ends with `SET {t}mark n`.
const WRITES: &[&str] = &[
    "XADD {t}s 1-0 a 1",
    "XADD {t}s 1-* a 2",
    "XADD {t}s MAXLEN ~ 1 2-0 a 3",
    "XADD {t}s MINID ~ 0 2-* a 4",
    "XADD {t}none NOMKSTREAM 3-0 a 1",
    "XADD {t}s 1-0 a 1",
    "SET {t}mark 1",
    "XTRIM {t}s MAXLEN 5",
    "XTRIM {t}s MAXLEN 3",
    "XTRIM {t}s MAXLEN ~ 0",
    "XDEL {t}s 9-9",
    "SET {t}mark 2",
    "XGROUP CREATE {t}g grp 0 MKSTREAM",
    "XGROUP CREATE {t}g grp 0",
    "XADD {t}g 1-0 a 1",
    "XADD {t}g 2-0 b 2",
    "XADD {t}g 3-0 c 3",
    "XREADGROUP GROUP grp alice STREAMS {t}g >",
    "XREADGROUP GROUP grp bob NOACK STREAMS {t}g >",
    "SET {t}mark 3",
    "XGROUP CREATE {t}g grp2 0",
    "XREADGROUP GROUP grp2 carol NOACK COUNT 2 STREAMS {t}g >",
    "XREADGROUP GROUP grp alice STREAMS {t}g 0",
    "SET {t}mark 4",
    "XACK {t}g grp 1-0",
    "XACK {t}g grp 1-0",
    "XCLAIM {t}g grp bob 0 2-0",
    "XDEL {t}g 3-0",
    "XAUTOCLAIM {t}g grp dave 0 0",
    "XCLAIM {t}g grp erin 0 9-0 LASTID 5-0",
    "SET {t}mark 5",
    "XGROUP SETID {t}g grp 0",
    "XGROUP CREATECONSUMER {t}g grp zed",
    "XGROUP CREATECONSUMER {t}g grp zed",
    "XGROUP DELCONSUMER {t}g grp zed",
    "XGROUP DELCONSUMER {t}g grp zed",
    "XGROUP DESTROY {t}g grp2",
    "XGROUP DESTROY {t}g grp2",
    "XSETID {t}g 10-0",
    "SET {t}mark 6",
];

/// The streamed commands without their framing, with XCLAIM's `TIME`
/// value (each master's clock) blanked.
fn commands(stream: Vec<Vec<String>>) -> Vec<Vec<String>> {
    without_framing(stream)
        .into_iter()
        .map(|mut c| {
            if let Some(i) = c.iter().position(|w| w == "TIME") {
                if let Some(t) = c.get_mut(i + 1) {
                    *t = "<ms>".into();
                }
            }
            c
        })
        .collect()
}

/// Our master streams stream writes as a real 7.0.15 master does, and a
/// real replica fed by ours ends with the same streams, groups and PELs.
#[test]
fn stream_writes_propagate_as_a_real_7_0_master() {
    let Streams {
        ours,
        real_replica,
        real,
        tag,
        mut monitor,
        mut raw,
    } = Streams::start();
    let (mut o, mut r) = (
        Raw::connect(ours.port, false),
        Raw::connect(real.port, false),
    );
    let mut diffs = Vec::new();
    compare(&mut o, &mut r, &tag, WRITES, &mut diffs);
    compare(&mut o, &mut r, &tag, &["SET {t}end x"], &mut diffs);
    assert_no_differences(&diffs);
    let end = format!("{tag}end");
    let (ours_stream, real_stream) = (commands(monitor.until(&end)), commands(raw.until(&end)));
    assert_eq!(ours_stream, real_stream, "our master's stream vs 7.0.15's");
    let mut replica = Raw::connect(real_replica.port, false);
    replica.send("READONLY");
    for key in ["s", "g"] {
        for cmd in ["XRANGE {k} - +", "XINFO GROUPS {k}", "XPENDING {k} grp"] {
            let line = cmd.replace("{k}", &format!("{tag}{key}"));
            assert_eq!(replica.send(&line), o.send(&line), "{line} on the replica");
        }
    }
}

/// DUMP/RESTORE both ways (what MIGRATE carries): a stream with
/// tombstones, several nodes, groups, a PEL and consumers, dumped by
/// redis-server 7.0.15 (listpacks LZF-compressed) restores here, ours
/// restores there (with `sanitize-dump-payload yes`), and XINFO STREAM
/// FULL — delivery and seen times included — is the same on both sides.
#[test]
fn streams_dump_and_restore_with_redis_7_0_15() {
    let (ours, real) = pair(2000, &[]);
    let (mut o, mut r) = (ours.conn(), real.conn());
    let _: () = redis::cmd("CONFIG")
        .arg(&["SET", "sanitize-dump-payload", "yes"])
        .query(&mut r)
        .unwrap();
    let mut script: Vec<Vec<String>> = (1..=230)
        .map(|i| {
            let f = if i % 3 == 0 { "other" } else { "f" };
            vec![
                "XADD".into(),
                "s".into(),
                format!("{i}-{}", i % 2),
                f.into(),
                format!("value {i}"),
            ]
        })
        .collect();
    for line in [
        "XDEL s 5-1 100-0",
        "XGROUP CREATE s g 0",
        "XREADGROUP GROUP g alice COUNT 7 STREAMS s >",
        "XREADGROUP GROUP g bob COUNT 3 STREAMS s >",
        "XGROUP CREATE s g2 $ ENTRIESREAD 230",
        "XGROUP CREATECONSUMER s g2 carol",
    ] {
        script.push(line.split(' ').map(String::from).collect());
    }
    for source in [&mut o, &mut r] {
        for words in &script {
            let mut cmd = redis::cmd(&words[0]);
            cmd.arg(&words[1..]);
            let _: redis::Value = cmd.query(source).unwrap();
        }
    }
    let full = |conn: &mut redis::Connection, key: &str| -> redis::Value {
        redis::cmd("XINFO")
            .arg(&["STREAM", key, "FULL", "COUNT", "0"])
            .query(conn)
            .unwrap()
    };
    let transfer = |from: &mut redis::Connection, to: &mut redis::Connection, name: &str| {
        let payload: Vec<u8> = redis::cmd("DUMP").arg("s").query(from).unwrap();
        let restored: redis::RedisResult<String> = redis::cmd("RESTORE")
            .arg("copy")
            .arg(0)
            .arg(payload)
            .arg("REPLACE")
            .query(to);
        assert_eq!(restored.as_deref(), Ok("OK"), "{name}");
        assert_eq!(
            full(to, "copy"),
            full(from, "s"),
            "{name}: XINFO STREAM FULL"
        );
    };
    transfer(&mut r, &mut o, "real → ours");
    transfer(&mut o, &mut r, "ours → real");
}
