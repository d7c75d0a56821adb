//! What a master streams for GEO and SORT writes, against redis-server
//! 7.0.15 (the harness of `native_stream_writes.rs`): GEOADD goes out as
//! the ZADD it rewrites itself into (`geoaddCommand`'s
//! `replaceClientCommandVector`), and only when ZADD moved `server.dirty`;
//! GEORADIUS/GEOSEARCHSTORE/SORT with STORE go out as sent when they
//! stored or deleted; a no-op ZADD is not streamed.

use crate::common::native;

use native::mixed::Member;
use native::stream::{run, without_framing, Streams};

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

#[test]
fn geo_and_sort_writes_stream_as_a_real_7_0_master() {
    let Streams {
        ours,
        real_replica: _replica,
        real,
        tag,
        mut monitor,
        mut raw,
    } = Streams::start();
    let (mut ours_conn, mut real_conn) = (ours.conn(), real.conn());
    for line in SCRIPT {
        let ours_reply = run(&mut ours_conn, line, &tag);
        let real_reply = run(&mut real_conn, line, &tag);
        assert_eq!(ours_reply, real_reply, "the reply to {line}");
    }
    run(&mut ours_conn, "SET {t}end x", &tag);
    run(&mut real_conn, "SET {t}end x", &tag);
    let end = format!("{tag}end");
    let ours_stream = without_framing(monitor.until(&end));
    let real_stream = without_framing(raw.until(&end));
    assert_eq!(ours_stream, real_stream, "our master's stream vs 7.0.15's");
}
