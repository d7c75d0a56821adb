//! What a master streams for GEO and SORT writes, against redis-server
//! 7.0.15 (the harness of `native_stream_writes.rs`): GEOADD goes out as
//! the ZADD it rewrites itself into (`geoaddCommand`'s
//! `replaceClientCommandVector`), and only when ZADD moved `server.dirty`;
//! GEORADIUS/GEOSEARCHSTORE/SORT with STORE go out as sent when they
//! stored or deleted; a no-op ZADD is not streamed.

use crate::common::native;

use native::mixed::{one_master_cluster, replicate, tag_in, wait_state_ok, Member};
use native::stream::{Monitor, RawReplica};
use native::{require_redis_tools, NodeProc, RealRedis};

const SCRIPT: &[&str] = &[
    "GEOADD {t}g 13.361389 38.115556 Palermo 15.087269 37.502669 Catania",
    "GEOADD {t}g 13.361389 38.115556 Palermo",
    "GEOADD {t}g CH XX 13.5 38.1 Palermo 1 1 nowhere",
    "GEOADD {t}g NX 13.5 38.1 Palermo",
    "ZADD {t}z 1 a",
    "ZADD {t}z 1 a",
    "ZADD {t}z INCR 0 a",
    "SET {t}mark 1",
    "GEORADIUS {t}g 15 37 200 km",
    "GEORADIUS {t}g 15 37 200 km STORE {t}d",
    "GEORADIUS {t}g 15 37 1 m STOREDIST {t}d",
    "GEORADIUS {t}g 15 37 1 m STOREDIST {t}d",
    "GEOSEARCHSTORE {t}d {t}g FROMLONLAT 15 37 BYRADIUS 200 km STOREDIST",
    "GEOSEARCHSTORE {t}d {t}none FROMLONLAT 15 37 BYRADIUS 200 km",
    "GEOSEARCHSTORE {t}d {t}none FROMLONLAT 15 37 BYRADIUS 200 km",
    "SET {t}mark 2",
    "RPUSH {t}l 3 1 2",
    "SORT {t}l",
    "SORT {t}l STORE {t}out",
    "SORT {t}l STORE {t}out",
    "SORT {t}l LIMIT 0 0 STORE {t}out",
    "SORT {t}l LIMIT 0 0 STORE {t}out",
    "SET {t}mark 3",
];

/// Runs `line` on `conn`: its reply, printed (errors included).
fn run(conn: &mut redis::Connection, line: &str, tag: &str) -> String {
    let line = line.replace("{t}", tag);
    let mut words = line.split(' ');
    let mut cmd = redis::cmd(words.next().unwrap());
    for w in words {
        cmd.arg(w);
    }
    let reply: redis::RedisResult<redis::Value> = cmd.query(conn);
    format!("{reply:?}")
}

/// The streamed commands without SELECT and PING (the stream's framing).
fn commands(stream: Vec<Vec<String>>) -> Vec<Vec<String>> {
    stream
        .into_iter()
        .filter(|c| !matches!(c[0].to_ascii_uppercase().as_str(), "SELECT" | "PING"))
        .collect()
}

#[test]
fn geo_and_sort_writes_stream_as_a_real_7_0_master() {
    require_redis_tools();
    let ours = NodeProc::start(2000);
    let real_replica = RealRedis::start(2000);
    one_master_cluster(&ours, &real_replica);
    replicate(&real_replica, &ours);
    let real = RealRedis::start(2000);
    real.run(&["cluster", "addslotsrange", "0", "16383"]);
    wait_state_ok(&[&real]);

    let tag = format!("{{{}}}", tag_in(0..=16383));
    let mut monitor = Monitor::start(real_replica.port, ours.port);
    let mut raw = RawReplica::attach(real.port);
    let (mut ours_conn, mut real_conn) = (ours.conn(), real.conn());
    for line in SCRIPT {
        let ours_reply = run(&mut ours_conn, line, &tag);
        let real_reply = run(&mut real_conn, line, &tag);
        assert_eq!(ours_reply, real_reply, "the reply to {line}");
    }
    run(&mut ours_conn, "SET {t}end x", &tag);
    run(&mut real_conn, "SET {t}end x", &tag);
    let end = format!("{tag}end");
    let ours_stream = commands(monitor.until(&end));
    let real_stream = commands(raw.until(&end));
    assert_eq!(ours_stream, real_stream, "our master's stream vs 7.0.15's");
}
