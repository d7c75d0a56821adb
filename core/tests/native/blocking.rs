//! Blocking commands against redis-server 7.0.15, byte for byte: the same
//! script runs on a real node and on a clusterlab-node (each owning every
//! slot), in RESP2 and after `HELLO 3`, with clients that block, get
//! served first blocked first, time out, are released by CLIENT UNBLOCK,
//! and pipeline behind their blocking command. Every reply must be the
//! same bytes (nil array vs nil, RESP3 doubles, error texts).

use crate::common::native;
use native::compare::{pair, Raw};
use native::stream::{without_framing, Streams};
use std::time::Duration;

/// One server's side of the comparison: a pushing client and two that block.
struct Side {
    pusher: Raw,
    b1: Raw,
    b2: Raw,
}

impl Side {
    fn open(port: u16, resp3: bool) -> Side {
        Side {
            pusher: Raw::connect(port, resp3),
            b1: Raw::connect(port, resp3),
            b2: Raw::connect(port, resp3),
        }
    }

    fn blocked_clients(&mut self) -> String {
        let info = self.pusher.send("INFO clients");
        info.lines()
            .find(|l| l.starts_with("blocked_clients:"))
            .unwrap_or("no blocked_clients line")
            .to_string()
    }
}

/// Runs `step` on both sides and requires the same result.
fn same(ours: &mut Side, real: &mut Side, what: &str, step: impl Fn(&mut Side) -> String) {
    eprintln!("step: {what}");
    let (o, r) = (step(ours), step(real));
    assert_eq!(o, r, "{what} (ours, then redis-server 7.0.15)");
}

/// Commands that answer at once: errors, the non-blocking paths, MULTI.
const IMMEDIATE: &[&str] = &[
    "RPUSH {t}l a b c",
    "BLPOP {t}none {t}l 0",
    "BRPOP {t}l 0.5",
    "BLMPOP 0 2 {t}none {t}l LEFT COUNT 9",
    "RPUSH {t}l x y z",
    "LMPOP 1 {t}l RIGHT",
    "LMPOP 2 {t}none {t}l LEFT COUNT 2",
    "LMPOP 1 {t}none LEFT",
    "RPUSH {t}l p q",
    "BLMOVE {t}l {t}d left RIGHT 0",
    "BRPOPLPUSH {t}d {t}l 0",
    "ZADD {t}z 1 a 2 b 3 c",
    "BZPOPMIN {t}z 0",
    "BZPOPMAX {t}none {t}z 0",
    "BZMPOP 0 1 {t}z MIN COUNT 5",
    "SET {t}s v",
    "BLPOP {t}s 0",
    "BZPOPMIN {t}s 0",
    "BLMOVE {t}s {t}d LEFT LEFT 0",
    "BLPOP {t}l -1",
    "BLPOP {t}l inf",
    "BLPOP {t}l 1e17",
    "BLPOP {t}l abc",
    "BLPOP {t}s abc",
    "BLMOVE {t}l {t}d UP LEFT 0",
    "BLMOVE {t}l {t}d LEFT LEFT x",
    "BLMPOP 0 0 {t}l LEFT",
    "BLMPOP 0 1 {t}l MIDDLE",
    "BLMPOP x 1 {t}l LEFT",
    "BLMPOP 0 1 {t}l LEFT COUNT 0",
    "BLMPOP 0 1 {t}l LEFT COUNT 1 COUNT 1",
    "BLMPOP 0 5 {t}l LEFT",
    "BZMPOP 0 1 {t}z BOTH",
    "BZMPOP -1 1 {t}z MIN",
    "BLPOP {t}a {x}b 0",
    "BZMPOP 0 2 {t}a {x}b MIN",
    "MULTI",
    "BLPOP {t}none 0",
    "BLMOVE {t}none {t}d LEFT LEFT 0",
    "BZMPOP 0 1 {t}none MAX",
    "BLMPOP 0 1 {t}none LEFT",
    "EXEC",
    "CLIENT UNBLOCK 999999",
    "CLIENT UNBLOCK 1 maybe",
    "CLIENT UNBLOCK x",
    "CLIENT UNBLOCK 1 TIMEOUT extra",
    "COMMAND GETKEYS BLMPOP 0 2 k1 k2 LEFT",
    "COMMAND GETKEYS BZMPOP 0 1 k1 MIN",
];

/// The whole script: immediate replies, then blocked clients served in
/// order, timeouts, CLIENT UNBLOCK and pipelining behind a blocked command.
#[test]
fn blocking_commands_reply_as_redis_7_0_15() {
    let (ours, real) = pair(2000, &[]);
    for (tag, resp3) in [("{r2}", false), ("{r3}", true)] {
        let mut o = Side::open(ours.port, resp3);
        let mut r = Side::open(real.port, resp3);
        for line in IMMEDIATE {
            let line = line.replace("{t}", tag);
            same(&mut o, &mut r, &line, |s| s.pusher.send(&line));
        }
        let t = |s: &str| s.replace("{t}", tag);

        // Two clients block on one key; one push of three elements serves
        // both, first blocked first (BRPOP takes from the tail).
        let (q, z) = (t("{t}q"), t("{t}z2"));
        same(&mut o, &mut r, "block", |s| {
            s.b1.write(&[&format!("BLPOP {q} 0")]);
            s.b2.write(&[&format!("BRPOP {q} 0")]);
            std::thread::sleep(Duration::from_millis(100));
            let blocked = s.blocked_clients();
            let pushed = s.pusher.send(&format!("RPUSH {q} a b c"));
            let rest = s.pusher.send(&format!("LRANGE {q} 0 -1"));
            format!("{blocked} {pushed} {} {} {rest}", s.b1.read(), s.b2.read())
        });
        // BZMPOP and BZPOPMAX served by one ZADD.
        same(&mut o, &mut r, "zset", |s| {
            s.b1.write(&[&format!("BZMPOP 0 1 {z} MAX COUNT 2")]);
            s.b2.write(&[&format!("BZPOPMIN {z} 0")]);
            std::thread::sleep(Duration::from_millis(100));
            let pushed = s.pusher.send(&format!("ZADD {z} 1 a 2 b 3 c 4.5 d"));
            format!("{pushed} {} {}", s.b1.read(), s.b2.read())
        });
        // BLMOVE served, its push feeding a BLPOP blocked on the destination.
        let (src, dst) = (t("{t}src"), t("{t}dst"));
        same(&mut o, &mut r, "blmove chain", |s| {
            s.b1.write(&[&format!("BLMOVE {src} {dst} RIGHT LEFT 0")]);
            s.b2.write(&[&format!("BLPOP {dst} 0")]);
            std::thread::sleep(Duration::from_millis(100));
            let pushed = s.pusher.send(&format!("LPUSH {src} v"));
            format!("{pushed} {} {}", s.b1.read(), s.b2.read())
        });
        // Timeouts: a nil array for lists, zsets and BLMOVE alike.
        same(&mut o, &mut r, "timeouts", |s| {
            s.b1.write(&[&t("BLMOVE {t}n1 {t}n2 LEFT LEFT 0.05")]);
            s.b2.write(&[&t("BZPOPMAX {t}n1 0.05")]);
            format!("{} {}", s.b1.read(), s.b2.read())
        });
        // CLIENT UNBLOCK: TIMEOUT, then ERROR.
        same(&mut o, &mut r, "client unblock", |s| {
            let id = s.b1.send("CLIENT ID");
            let id = id.trim().trim_start_matches(':');
            s.b1.write(&[&t("BLPOP {t}u 0")]);
            std::thread::sleep(Duration::from_millis(100));
            let a = s.pusher.send(&format!("CLIENT UNBLOCK {id}"));
            let first = s.b1.read();
            s.b1.write(&[&t("BLMPOP 0 1 {t}u LEFT")]);
            std::thread::sleep(Duration::from_millis(100));
            let b = s.pusher.send(&format!("CLIENT UNBLOCK {id} error"));
            format!("{a} {first} {b} {}", s.b1.read())
        });
        // A command pipelined behind a blocking one waits for it.
        same(&mut o, &mut r, "pipelined", |s| {
            s.b1.write(&[&t("BLPOP {t}p 0"), "PING", "PING x"]);
            let early = s.b1.has_reply_within(150);
            let pushed = s.pusher.send(&t("RPUSH {t}p v"));
            format!(
                "{early} {pushed} {} {} {}",
                s.b1.read(),
                s.b1.read(),
                s.b1.read()
            )
        });
        // A push inside MULTI serves the waiter after EXEC.
        same(&mut o, &mut r, "exec feeds", |s| {
            s.b1.write(&[&t("BLPOP {t}m 0")]);
            std::thread::sleep(Duration::from_millis(100));
            let mut out = String::new();
            for line in ["MULTI", "RPUSH {t}m a b", "LPOP {t}m", "EXEC"] {
                out += &s.pusher.send(&t(line));
            }
            format!("{out} {} {}", s.b1.read(), s.blocked_clients())
        });
    }
}

/// What 7.0.15 streams for blocking commands, run now or served later:
/// the pop it did (`LPOP key`, `RPOP key n`, `LMOVE … LEFT RIGHT`,
/// `RPOPLPUSH`, `ZPOPMIN key`, `ZPOPMAX key n`), after the push that fed
/// a blocked client. Our master's stream (seen by a real replica's
/// MONITOR) must equal a real master's (read by a raw PSYNC replica).
#[test]
fn served_pops_stream_as_a_real_7_0_master() {
    let Streams {
        ours,
        real_replica: _replica,
        real,
        tag,
        mut monitor,
        mut raw,
    } = Streams::start();
    let t = |s: &str| s.replace("{t}", &tag);
    let mut replies = Vec::new();
    for port in [ours.port, real.port] {
        let mut side = Side::open(port, false);
        let mut got = Vec::new();
        // Immediate forms.
        for line in [
            "RPUSH {t}l a b c d e",
            "BLPOP {t}l 1",
            "BRPOP {t}none {t}l 1",
            "BLMPOP 1 1 {t}l RIGHT COUNT 9",
            "RPUSH {t}l a b",
            "BLMOVE {t}l {t}d left right 1",
            "BRPOPLPUSH {t}l {t}d 1",
            "ZADD {t}z 1 a 2 b 3 c",
            "BZPOPMIN {t}z 1",
            "BZMPOP 1 1 {t}z MAX COUNT 5",
            "LMPOP 1 {t}d LEFT COUNT 1",
        ] {
            got.push(side.pusher.send(&t(line)));
        }
        // Served forms.
        side.b1.write(&[&t("BLMOVE {t}q {t}d RIGHT LEFT 0")]);
        side.b2.write(&[&t("BLMPOP 0 1 {t}q LEFT COUNT 2")]);
        std::thread::sleep(Duration::from_millis(100));
        got.push(side.pusher.send(&t("RPUSH {t}q a b c d")));
        got.push(side.b1.read());
        got.push(side.b2.read());
        side.b1.write(&[&t("BRPOPLPUSH {t}q2 {t}d 0")]);
        side.b2.write(&[&t("BZPOPMAX {t}z2 0")]);
        std::thread::sleep(Duration::from_millis(100));
        got.push(side.pusher.send(&t("LPUSH {t}q2 x")));
        got.push(side.pusher.send(&t("ZADD {t}z2 1 a 2 b")));
        got.push(side.b1.read());
        got.push(side.b2.read());
        got.push(side.pusher.send(&t("SET {t}end x")));
        replies.push(got);
    }
    assert_eq!(
        replies[0], replies[1],
        "replies (ours, then redis-server 7.0.15)"
    );
    let end = format!("{tag}end");
    let ours_stream = without_framing(monitor.until(&end));
    let real_stream = without_framing(raw.until(&end));
    assert_eq!(ours_stream, real_stream, "our master's stream vs 7.0.15's");
}
