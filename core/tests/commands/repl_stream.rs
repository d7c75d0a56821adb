//! The replication stream's bytes as Redis counts them (`master_repl_offset`):
//! the `SELECT 0` Redis writes before the first command after a full resync,
//! and the `REPLCONF GETACK *` that WAIT sends, advance the offset like any
//! command, so a real replica and the master agree on offsets. SPOP goes
//! out as the SREM (or DEL) of what it popped; GETDEL, GETSET, SETEX and
//! GETEX as their 7.0 rewrites. And ROLE.

use crate::common;
use clusterlab_core::node::ClientId;
use clusterlab_core::resp::Value;
use clusterlab_core::sim::Sim;
use common::{idx, quiet_cluster, run_for};

/// A cluster whose replicas finished their first full resync: the master
/// starts it `repl-diskless-sync-delay` (5 s) after their PSYNC.
fn synced_cluster() -> Sim {
    let mut sim = quiet_cluster();
    run_for(&mut sim, 7_000);
    sim
}

fn args(line: &str) -> Vec<Vec<u8>> {
    line.split(' ').map(|a| a.as_bytes().to_vec()).collect()
}

/// Bytes of a command in the stream: `*N\r\n` then `$len\r\narg\r\n` each.
fn stream_len(line: &str) -> u64 {
    let a = args(line);
    let mut n = format!("*{}\r\n", a.len()).len();
    for arg in &a {
        n += format!("${}\r\n", arg.len()).len() + arg.len() + 2;
    }
    n as u64
}

#[test]
fn select_after_a_full_resync_and_getack_count_in_the_offset() {
    let mut sim = synced_cluster();
    let (a, a1) = (idx(&sim, "A"), idx(&sim, "A1"));
    let client = ClientId(1);
    // A key A serves (the others answer MOVED).
    let key = (0..)
        .map(|i| format!("k{i}"))
        .find(|k| sim.command(a, client, args(&format!("GET {k}"))) == Some(Value::Null))
        .unwrap();
    let start = sim.node(a).repl_offset();
    sim.command(a, client, args(&format!("SET {key} 1")));
    let first = sim.node(a).repl_offset() - start;
    sim.command(a, client, args(&format!("SET {key} 2")));
    let second = sim.node(a).repl_offset() - start - first;
    assert_eq!(second, stream_len(&format!("SET {key} 2")));
    // No write reached A since its replica's full resync when the cluster formed.
    assert_eq!(
        first,
        stream_len("SELECT 0") + stream_len(&format!("SET {key} 1")),
        "the first write after the sync comes after SELECT 0"
    );

    let before_wait = sim.node(a).repl_offset();
    assert_eq!(
        sim.command(a, client, args("WAIT 1 0")),
        None,
        "WAIT blocks"
    );
    assert_eq!(
        sim.node(a).repl_offset() - before_wait,
        stream_len("REPLCONF GETACK *"),
        "GETACK is in the stream"
    );
    run_for(&mut sim, 2000);
    let replies = sim.take_replies();
    assert!(
        replies.contains(&(a, client, Value::Integer(1))),
        "WAIT answered: {replies:?}"
    );
    assert_eq!(
        sim.node(a1).repl_offset(),
        sim.node(a).repl_offset(),
        "the replica counted the GETACK too"
    );

    // ROLE: the master lists its replica with the acknowledged offset.
    let Some(Value::Array(role)) = sim.command(a, client, args("ROLE")) else {
        panic!("ROLE on a master")
    };
    assert_eq!(role[0], Value::bulk("master"));
    assert_eq!(role[1], Value::Integer(sim.node(a).repl_offset() as i64));
    let Value::Array(replicas) = &role[2] else {
        panic!("{role:?}")
    };
    assert_eq!(replicas.len(), 1, "{role:?}");
    let Some(Value::Array(role)) = sim.command(a1, client, args("ROLE")) else {
        panic!("ROLE on a replica")
    };
    assert_eq!(role[0], Value::bulk("slave"));
    assert_eq!(role[3], Value::bulk("connected"));
}

/// `spopCommand` rewrites itself for replicas: `SREM key member` for what
/// it popped, `DEL key` when a count took the whole set.
#[test]
fn spop_reaches_replicas_as_srem_or_del() {
    let mut sim = synced_cluster();
    let (a, a1) = (idx(&sim, "A"), idx(&sim, "A1"));
    let client = ClientId(1);
    let key = (0..)
        .map(|i| format!("s{i}"))
        .find(|k| sim.command(a, client, args(&format!("GET {k}"))) == Some(Value::Null))
        .unwrap();
    let start = sim.node(a).repl_offset();
    sim.command(a, client, args(&format!("SADD {key} a b c d")));
    sim.command(a, client, args(&format!("SPOP {key}")));
    sim.command(a, client, args(&format!("SPOP {key} 2")));
    let spent = sim.node(a).repl_offset() - start;
    let expected = stream_len("SELECT 0")
        + stream_len(&format!("SADD {key} a b c d"))
        + stream_len(&format!("SREM {key} a"))
        + stream_len(&format!("SREM {key} b c"));
    assert_eq!(spent, expected, "SPOP propagated as SREM");
    run_for(&mut sim, 1000);
    let kind = |sim: &mut Sim, i: usize| sim.command(i, client, args(&format!("TYPE {key}")));
    assert_eq!(kind(&mut sim, a), Some(Value::Simple("set".into())));
    sim.command(a, client, args(&format!("SPOP {key} 5")));
    assert_eq!(
        sim.node(a).repl_offset() - start - spent,
        stream_len(&format!("DEL {key}")),
        "a count that empties the set propagates DEL"
    );
    run_for(&mut sim, 1000);
    assert_eq!(sim.node(a1).repl_offset(), sim.node(a).repl_offset());
}

/// Commands 7.0 rewrites for replicas, with absolute times: GETDEL → DEL,
/// GETSET → SET, SETEX/PSETEX → SET … PXAT, GETEX → PEXPIREAT, PERSIST or
/// (a time already past) DEL. The replica ends with the master's TTLs.
#[test]
fn rewritten_writes_reach_replicas_with_absolute_times() {
    let mut sim = synced_cluster();
    let (a, a1) = (idx(&sim, "A"), idx(&sim, "A1"));
    let client = ClientId(1);
    let key = (0..)
        .map(|i| format!("g{i}"))
        .find(|k| sim.command(a, client, args(&format!("GET {k}"))) == Some(Value::Null))
        .unwrap();
    // The first command after the sync carries SELECT 0.
    sim.command(a, client, args(&format!("SET {key} v")));
    let now = sim.now().ms();
    let mut expected = 0;
    let start = sim.node(a).repl_offset();
    let mut check = |sim: &mut Sim, line: String, streamed: String| {
        let reply = sim.command(a, client, args(&line));
        assert!(!matches!(reply, Some(Value::Error(_))), "{line}: {reply:?}");
        expected += stream_len(&streamed);
        assert_eq!(
            sim.node(a).repl_offset() - start,
            expected,
            "{line} streamed as {streamed}"
        );
    };
    check(&mut sim, format!("GETSET {key} w"), format!("SET {key} w"));
    check(&mut sim, format!("GETDEL {key}"), format!("DEL {key}"));
    let at = now + 100_000;
    check(
        &mut sim,
        format!("SETEX {key} 100 x"),
        format!("SET {key} x PXAT {at}"),
    );
    check(
        &mut sim,
        format!("GETEX {key} PERSIST"),
        format!("PERSIST {key}"),
    );
    let at = now + 200_000;
    check(
        &mut sim,
        format!("GETEX {key} PX 200000"),
        format!("PEXPIREAT {key} {at}"),
    );
    run_for(&mut sim, 1000);
    let pttl = |sim: &mut Sim, i: usize| {
        sim.command(i, client, args("READONLY"));
        sim.command(i, client, args(&format!("PTTL {key}")))
    };
    assert_eq!(pttl(&mut sim, a1), pttl(&mut sim, a), "the replica's TTL");
    assert!(matches!(pttl(&mut sim, a), Some(Value::Integer(t)) if t > 150_000));
    check(
        &mut sim,
        format!("GETEX {key} EXAT 1"),
        format!("DEL {key}"),
    );
    run_for(&mut sim, 1000);
    let exists = format!("EXISTS {key}");
    assert_eq!(
        sim.command(a1, client, args(&exists)),
        Some(Value::Integer(0))
    );
}

/// 7.0's `replicationFeedSlaves` returns early while a master has neither
/// a replica nor a backlog: a master that never had a replica reports
/// `master_repl_offset:0` however many writes it took (as a real 7.0.15
/// does), and counts from its first replica's full resync on.
#[test]
fn a_master_that_never_had_a_replica_reports_offset_zero() {
    let mut sim = common::cluster(3, 0, 5000, 1);
    let a = idx(&sim, "A");
    let client = ClientId(1);
    let key = (0..)
        .map(|i| format!("k{i}"))
        .find(|k| sim.command(a, client, args(&format!("GET {k}"))) == Some(Value::Null))
        .unwrap();
    for i in 0..5 {
        let reply = sim.command(a, client, args(&format!("SET {key} {i}")));
        assert_eq!(reply, Some(Value::ok()));
    }
    assert_eq!(sim.node(a).repl_offset(), 0);
    let info = common::text(&sim.command(a, client, args("INFO replication")).unwrap());
    assert!(info.contains("master_repl_offset:0\r\n"), "{info}");
}
