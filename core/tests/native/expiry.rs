//! Key expiry over real replication links, against redis-server 7.0.15.
//! The same commands run on a clusterlab master (with a real replica,
//! whose MONITOR shows what our master streamed) and on a real master
//! (read by a raw PSYNC replica, with a clusterlab replica attached): both
//! streams must be the same commands — relative TTLs as absolute
//! `SET … PXAT` / `PEXPIREAT`, past times as `DEL`, expired keys as the
//! master's `DEL` — and each replica must end with its master's keys and
//! expiry times.

use crate::common::native;
use native::mixed::{one_master_cluster, replicate, tag_in, Member};
use native::stream::{Monitor, RawReplica};
use native::{require_redis_tools, wait_for, NodeProc, RealRedis};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Commands for both masters (`{t}` is the hash tag); the comments say
/// what 7.0.15 streams.
const SCRIPT: &[&str] = &[
    "SET {t}a v EX 100",               // SET {t}a v PXAT <ms>
    "SET {t}a v PX 100000",            // SET {t}a v PXAT <ms>
    "SET {t}a v EXAT 9999999999",      // SET {t}a v PXAT 9999999999000
    "set {t}a v PXAT 9999999999999",   // SET … (rewritten all the same)
    "SET {t}b v EX 100 NX",            // SET {t}b v PXAT <ms>
    "set {t}b v KEEPTTL",              // as sent
    "SET {t}c v EX 100 GET",           // SET {t}c v PXAT <ms>
    "set {t}c w GET",                  // set {t}c w
    "SET {t}none v XX EX 100",         // nothing: no change
    "SETEX {t}d 100 v",                // SET {t}d v PXAT <ms>
    "PSETEX {t}d 100000 v",            // SET {t}d v PXAT <ms>
    "EXPIRE {t}a 200",                 // PEXPIREAT {t}a <ms>
    "PEXPIRE {t}a 200000",             // PEXPIREAT {t}a <ms>
    "EXPIREAT {t}a 9999999999",        // PEXPIREAT {t}a 9999999999000
    "pexpireat {t}a 9999999999999",    // as sent
    "pexpireat {t}a 9999999999998 LT", // as sent
    "EXPIRE {t}a 300 GT",              // nothing: not greater
    "EXPIRE {t}b -1",                  // DEL {t}b
    "EXPIREAT {t}c 1",                 // DEL {t}c
    "GETEX {t}d EX 100",               // PEXPIREAT {t}d <ms>
    "GETEX {t}d PERSIST",              // PERSIST {t}d
    "GETEX {t}d PXAT 1",               // DEL {t}d
    "SET {t}e v EXAT 1",               // SET {t}e v PXAT 1000, DEL later
    "SET {t}f v EX 100",               // SET {t}f v PXAT <ms>
    "SET {t}short v EX 1",             // SET … PXAT <ms>, DEL a second on
];

fn run(node: &dyn Member, conn: &mut redis::Connection, line: &str, tag: &str) {
    let line = line.replace("{t}", tag);
    let mut words = line.split(' ');
    let mut cmd = redis::cmd(words.next().unwrap());
    for w in words {
        cmd.arg(w);
    }
    let reply: redis::RedisResult<redis::Value> = cmd.query(conn);
    assert!(reply.is_ok(), "{line} on {}: {reply:?}", node.port());
}

fn wall_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

/// A connection that may read from a replica.
fn readonly(node: &dyn Member) -> redis::Connection {
    let mut conn = node.conn();
    let _: () = redis::cmd("READONLY").query(&mut conn).unwrap();
    conn
}

fn int(conn: &mut redis::Connection, cmd: &str, key: &str) -> i64 {
    redis::cmd(cmd).arg(key).query(conn).unwrap()
}

/// Checks that `node`'s TTL of `key` ends at `at` (Unix ms): PTTL is
/// relative to when the node answered, somewhere between sending and
/// receiving, so `at` must fall in that window (±1 ms of rounding).
fn expires_at(node: &dyn Member, key: &str, at: i64) {
    let mut conn = readonly(node);
    let before = wall_ms();
    let pttl = int(&mut conn, "PTTL", key);
    let after = wall_ms();
    assert!(
        before + pttl - 1 <= at && at <= after + pttl + 1,
        "{key} on {}: PTTL {pttl} between {before} and {after}, master's time {at}",
        node.port()
    );
}

/// The streamed commands, sorted out: the DELs of the keys that expire
/// by time (their place in the stream depends on when the master's cron
/// ran) apart, SELECT and PING dropped, and times relative to now masked.
fn normalize(stream: Vec<Vec<String>>, tag: &str) -> (Vec<Vec<String>>, Vec<String>) {
    let expiring = [format!("{tag}e"), format!("{tag}short")];
    let mut dels = Vec::new();
    let mut rest = Vec::new();
    for mut cmd in stream {
        let name = cmd[0].to_ascii_uppercase();
        if name == "SELECT" || name == "PING" {
            continue;
        }
        if name == "DEL" && expiring.contains(&cmd[1]) {
            dels.push(cmd[1].clone());
            continue;
        }
        for w in cmd.iter_mut() {
            let now = wall_ms();
            if w.parse::<i64>()
                .is_ok_and(|ms| (now - 100_000..now + 400_000).contains(&ms))
            {
                *w = "<ms>".into();
            }
        }
        rest.push(cmd);
    }
    dels.sort();
    (rest, dels)
}

/// The absolute time a stream gave `key` (`SET key v PXAT <ms>`).
fn pxat(stream: &[Vec<String>], key: &str) -> i64 {
    stream
        .iter()
        .find(|c| c[0] == "SET" && c[1] == key && c.len() == 5)
        .unwrap_or_else(|| panic!("SET {key} … PXAT in {stream:?}"))[4]
        .parse()
        .unwrap()
}

fn keys(node: &dyn Member) -> Vec<String> {
    let mut conn = readonly(node);
    let mut keys: Vec<String> = redis::cmd("KEYS").arg("*").query(&mut conn).unwrap();
    keys.sort();
    keys
}

/// DBSIZE: stored keys, expired ones included until someone deletes them.
fn dbsize(node: &dyn Member) -> i64 {
    let mut conn = readonly(node);
    redis::cmd("DBSIZE").query(&mut conn).unwrap()
}

#[test]
fn expiry_streams_and_replicas_match_a_real_7_0_master() {
    require_redis_tools();
    // Ours as master, a real replica.
    let ours = NodeProc::start(2000);
    let real_replica = RealRedis::start(2000);
    one_master_cluster(&ours, &real_replica);
    replicate(&real_replica, &ours);
    // A real master (its active expiry can be switched off), ours as replica.
    let real = RealRedis::start_with(2000, &["--enable-debug-command", "local"]);
    let our_replica = NodeProc::start(2000);
    one_master_cluster(&real, &our_replica);
    replicate(&our_replica, &real);

    let tag = format!("{{{}}}", tag_in(0..=16383));
    let mut monitor = Monitor::start(real_replica.port, ours.port);
    let mut raw = RawReplica::attach(real.port);
    let (mut ours_conn, mut real_conn) = (ours.conn(), real.conn());
    for line in SCRIPT {
        run(&ours, &mut ours_conn, line, &tag);
        run(&real, &mut real_conn, line, &tag);
    }
    // Let `{t}short` expire: each master deletes it (and `{t}e`), by its
    // active cycle or on this EXISTS, and streams a DEL.
    let short = format!("{tag}short");
    let gone = |conn: &mut redis::Connection| {
        int(conn, "EXISTS", &short) == 0 && int(conn, "EXISTS", &format!("{tag}e")) == 0
    };
    wait_for(
        Duration::from_secs(20),
        "the masters to expire keys",
        || gone(&mut ours_conn) && gone(&mut real_conn),
    );
    let end = format!("{tag}end");
    run(&ours, &mut ours_conn, "SET {t}end x", &tag);
    run(&real, &mut real_conn, "SET {t}end x", &tag);
    let ours_stream = monitor.until(&end);
    let real_stream = raw.until(&end);

    // The same commands in both streams.
    let (ours_cmds, ours_dels) = normalize(ours_stream.clone(), &tag);
    let (real_cmds, real_dels) = normalize(real_stream.clone(), &tag);
    assert_eq!(ours_cmds, real_cmds, "our master's stream vs 7.0.15's");
    let expected_dels = vec![format!("{tag}e"), short.clone()];
    assert_eq!(
        real_dels, expected_dels,
        "7.0.15 streams a DEL per expired key"
    );
    assert_eq!(ours_dels, expected_dels, "so does ours");

    // Each replica's TTL ends when its master's does, and neither replica
    // holds a key its master deleted (DBSIZE counts expired keys too).
    let f = format!("{tag}f");
    let (ours_at, real_at) = (pxat(&ours_stream, &f), pxat(&real_stream, &f));
    let pexpiretime = |node: &dyn Member| int(&mut readonly(node), "PEXPIRETIME", &f);
    assert_eq!(
        pexpiretime(&real_replica),
        ours_at,
        "the real replica's expiry"
    );
    expires_at(&ours, &f, ours_at);
    assert_eq!(pexpiretime(&real), real_at);
    expires_at(&our_replica, &f, real_at);
    assert_eq!(keys(&real_replica), keys(&ours));
    assert_eq!(keys(&our_replica), keys(&real));
    assert_eq!(dbsize(&real_replica), dbsize(&ours));
    assert_eq!(dbsize(&our_replica), dbsize(&real));

    // Our replica never expires a key itself: with the real master's active
    // expiry off, a key past its TTL reads as missing on our replica but
    // stays stored until the master deletes it (here on a GET) and says so.
    let _: () = redis::cmd("DEBUG")
        .arg("SET-ACTIVE-EXPIRE")
        .arg(0)
        .query(&mut real_conn)
        .unwrap();
    let late = format!("{tag}late");
    run(&real, &mut real_conn, "SET {t}late v PX 200", &tag);
    let mut replica_conn = readonly(&our_replica);
    wait_for(
        Duration::from_secs(20),
        "the TTL to pass on our replica",
        || int(&mut replica_conn, "EXISTS", &late) == 0,
    );
    let stored = dbsize(&real);
    assert_eq!(dbsize(&our_replica), stored, "our replica keeps the key");
    assert_eq!(int(&mut replica_conn, "PTTL", &late), -2);
    let gone: Option<String> = redis::cmd("GET").arg(&late).query(&mut real_conn).unwrap();
    assert_eq!(gone, None);
    assert_eq!(dbsize(&real), stored - 1, "the master deleted it on access");
    wait_for(
        Duration::from_secs(20),
        "the master's DEL on our replica",
        || dbsize(&our_replica) == stored - 1,
    );
    run(&real, &mut real_conn, "SET {t}end y", &tag);
    let tail = raw.until(&end);
    assert!(
        tail.iter()
            .any(|c| c[..] == ["DEL".to_string(), late.clone()]),
        "{tail:?}"
    );
}
