//! What a master streams for transactions and for writes that changed
//! nothing, against redis-server 7.0.15. The same commands run on a
//! clusterlab master (its stream read through MONITOR on a real replica)
//! and on a real master (read by a raw PSYNC replica): both masters must
//! give the same replies and stream the same commands.

use crate::common::native;
use native::mixed::Member;
use native::stream::{run, without_framing, Streams};

/// Commands for both masters (`{t}` is the hash tag). Each case ends with
/// a `SET {t}mark` so a difference shows where it is; the comments say
/// what 7.0.15 streams and why.
const SCRIPT: &[&str] = &[
    "SET {t}s 1",
    "RPUSH {t}l a b",
    "HSET {t}h f v",
    "SADD {t}st a b",
    "ZADD {t}z 1 a",
    "SET {t}mark 0",
    // `execCommand` propagates nothing for a read-only transaction.
    "MULTI",
    "GET {t}s",
    "EXISTS {t}none",
    "EXEC",
    "SET {t}mark 1",
    // One write: `propagatePendingCommands` wraps only more than one
    // operation, so it goes out alone.
    "MULTI",
    "GET {t}s",
    "SET {t}a 1",
    "EXEC",
    "SET {t}mark 2",
    // Several writes: MULTI, the writes, EXEC.
    "MULTI",
    "SET {t}a 2",
    "INCR {t}a",
    "LPUSH {t}l x",
    "EXEC",
    "SET {t}mark 3",
    // A command that fails when run (WRONGTYPE) is not streamed; the
    // others are, wrapped.
    "MULTI",
    "SET {t}b 1",
    "INCR {t}l",
    "SET {t}c 1",
    "EXEC",
    "SET {t}mark 4",
    // DISCARD, and EXEC after a queueing error (EXECABORT): nothing.
    "MULTI",
    "SET {t}d 1",
    "DISCARD",
    "MULTI",
    "SET {t}e 1",
    "NOSUCHCOMMAND {t}e",
    "EXEC",
    "SET {t}mark 5",
    // A no-op write inside a transaction is not streamed: one write left,
    // so no wrapping.
    "MULTI",
    "SETNX {t}s 2",
    "SET {t}f 1",
    "EXEC",
    "SET {t}mark 6",
    // Writes that changed nothing (`server.dirty` unchanged): nothing.
    "SETNX {t}s 2",
    "MSETNX {t}s 1 {t}new 2",
    "HSETNX {t}h f w",
    "HDEL {t}h nofield",
    "HDEL {t}none f",
    "SADD {t}st a",
    "SREM {t}st nomember",
    "SREM {t}none a",
    "SMOVE {t}st {t}st2 nomember",
    "ZREM {t}z nomember",
    "ZREMRANGEBYSCORE {t}z 10 20",
    "ZREMRANGEBYRANK {t}none 0 -1",
    "ZREMRANGEBYLEX {t}z [x [y",
    "LREM {t}l 0 nomember",
    "LPUSHX {t}none a",
    "RPUSHX {t}none a",
    "LINSERT {t}l BEFORE nopivot x",
    "LINSERT {t}none BEFORE a x",
    "LPOP {t}none",
    "RPOP {t}none",
    "PERSIST {t}s",
    "RENAMENX {t}s {t}a",
    "RENAME {t}s {t}s",
    // SETRANGE with an empty value (the line ends with a space).
    "SETRANGE {t}s 0 ",
    "SETRANGE {t}none 0 ",
    "ZPOPMIN {t}none",
    "ZPOPMAX {t}none 2",
    // ZRANGESTORE of nothing into no key: `server.dirty` unchanged.
    "ZRANGESTORE {t}zd {t}none 0 -1",
    "ZRANGESTORE {t}zd {t}z 5 10",
    "ZUNIONSTORE {t}zd 1 {t}none",
    "ZINTERSTORE {t}zd 2 {t}z {t}none",
    "ZDIFFSTORE {t}zd 2 {t}z {t}z",
    "ZMPOP 1 {t}none MIN",
    "SET {t}mark 7",
    // Writes that changed something, or count as if they did: streamed.
    "SETNX {t}g 1",
    "HSETNX {t}h g w",
    "SADD {t}st a c",
    "SREM {t}st a zz",
    "HDEL {t}h f zz",
    "LREM {t}l 0 a",
    "INCRBY {t}s 0",
    "HSET {t}h g w",
    "HINCRBY {t}h n 0",
    "LSET {t}l 0 b",
    // ZRANGESTORE that stores, then one that deletes its destination.
    "ZRANGESTORE {t}zd {t}z 0 -1",
    "ZRANGESTORE {t}zd {t}none 0 -1",
    "ZUNIONSTORE {t}zd 1 {t}z",
    "ZDIFFSTORE {t}zd 2 {t}z {t}z",
    "ZINTERSTORE {t}zd 1 {t}z",
    // ZMPOP goes out as ZPOPMIN/ZPOPMAX with the count it popped.
    "ZADD {t}zm 1 a 2 b 3 c",
    "ZMPOP 2 {t}none {t}zm MAX COUNT 2",
    "ZMPOP 1 {t}zm MIN COUNT 5",
    "ZPOPMIN {t}z",
    "SET {t}mark 8",
    // INCRBYFLOAT goes out as `SET key <value> KEEPTTL` (the value as
    // printed); a refused one (not a float, NaN or infinity) not at all.
    "INCRBYFLOAT {t}fl 10.5",
    "INCRBYFLOAT {t}fl 0.1",
    "INCRBYFLOAT {t}fl -5e-3",
    "INCRBYFLOAT {t}fl abc",
    "INCRBYFLOAT {t}fl inf",
    "INCRBYFLOAT {t}l 1",
    "SET {t}mark 9",
];

#[test]
fn transactions_and_noop_writes_stream_as_a_real_7_0_master() {
    let Streams {
        ours,
        real_replica,
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

    // The real replica applied our transactions whole: same keys, same
    // values as the real master.
    let dump = |node: &dyn Member| {
        let mut conn = node.conn();
        let _: () = redis::cmd("READONLY").query(&mut conn).unwrap();
        let mut keys: Vec<String> = redis::cmd("KEYS").arg("*").query(&mut conn).unwrap();
        keys.sort();
        keys.iter()
            .map(|k| {
                let kind: String = redis::cmd("TYPE").arg(k).query(&mut conn).unwrap();
                let value = match kind.as_str() {
                    "string" => run(&mut conn, &format!("GET {k}"), ""),
                    "list" => run(&mut conn, &format!("LRANGE {k} 0 -1"), ""),
                    "hash" => run(&mut conn, &format!("HGETALL {k}"), ""),
                    // A 7.0 set's order is its hash table's, seeded per process.
                    "set" => run(&mut conn, &format!("SORT_RO {k} ALPHA"), ""),
                    _ => run(&mut conn, &format!("ZRANGE {k} 0 -1 WITHSCORES"), ""),
                };
                format!("{k} {kind} {value}")
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(dump(&real_replica), dump(&real));
}
