//! MIGRATE between simulated nodes and RESTORE-ASKING, as Redis 7.0 does
//! them (docs/redis-behaviour.md §9.3): the source sends `[SELECT] RESTORE-ASKING…` to the
//! target over the network, then deletes what the target accepted.

use crate::common;
use clusterlab_core::node::ClientId;
use clusterlab_core::resp::{split_args, Value};
use clusterlab_core::sim::Sim;
use common::{quiet_cluster as cluster, text};

fn send(sim: &mut Sim, node: &str, client: u64, line: &str) -> Option<Value> {
    let idx = sim.index_of(node).expect("node exists");
    sim.command(
        idx,
        ClientId(client),
        split_args(line.as_bytes()).expect("line"),
    )
}

fn cmd(sim: &mut Sim, node: &str, line: &str) -> Value {
    send(sim, node, 1, line).expect("immediate reply")
}

fn id(sim: &Sim, node: &str) -> String {
    sim.node(sim.index_of(node).unwrap()).id().to_string()
}

/// Runs 50 ms and returns the late replies, as text.
fn later(sim: &mut Sim) -> Vec<String> {
    let t = sim.now() + 50;
    sim.run_until(t);
    sim.take_replies().iter().map(|(_, _, v)| text(v)).collect()
}

/// Opens slot 1649 (user:1000) from A (7000) to B (7001), as redis-cli does.
fn open_slot(sim: &mut Sim) {
    let (a, b) = (id(sim, "A"), id(sim, "B"));
    assert_eq!(
        text(&cmd(
            sim,
            "B",
            &format!("CLUSTER SETSLOT 1649 IMPORTING {a}")
        )),
        "OK"
    );
    assert_eq!(
        text(&cmd(
            sim,
            "A",
            &format!("CLUSTER SETSLOT 1649 MIGRATING {b}")
        )),
        "OK"
    );
}

/// A migrated key leaves the source (which now answers ASK for it), keeps
/// its TTL on the target, and the source blocks the client until the target
/// answered.
#[test]
fn migrate_moves_a_key_with_its_ttl() {
    let mut sim = cluster();
    cmd(&mut sim, "A", "SET user:1000 x PX 60000");
    open_slot(&mut sim);
    assert_eq!(
        send(&mut sim, "A", 1, "MIGRATE 127.0.0.1 7001 user:1000 0 5000"),
        None
    );
    assert_eq!(later(&mut sim), vec!["OK"]);
    assert_eq!(
        text(&cmd(&mut sim, "A", "GET user:1000")),
        "ASK 1649 127.0.0.1:7001"
    );
    assert_eq!(text(&cmd(&mut sim, "B", "ASKING")), "OK");
    assert_eq!(text(&cmd(&mut sim, "B", "GET user:1000")), "x");
    cmd(&mut sim, "B", "ASKING");
    let Value::Integer(pttl) = cmd(&mut sim, "B", "PTTL user:1000") else {
        panic!("PTTL is an integer")
    };
    assert!((59_000..60_000).contains(&pttl), "{pttl}");
}

/// Target errors come back as `ERR Target instance replied with error: …`
/// and the source keeps its key; REPLACE overwrites; COPY keeps the source.
#[test]
fn busykey_replace_and_copy() {
    let mut sim = cluster();
    cmd(&mut sim, "A", "SET user:1000 new");
    open_slot(&mut sim);
    cmd(&mut sim, "B", "ASKING");
    cmd(&mut sim, "B", "SET user:1000 old");
    send(&mut sim, "A", 1, "MIGRATE 127.0.0.1 7001 user:1000 0 5000");
    assert_eq!(
        later(&mut sim),
        vec!["ERR Target instance replied with error: BUSYKEY Target key name already exists."]
    );
    assert_eq!(text(&cmd(&mut sim, "A", "GET user:1000")), "new");
    send(
        &mut sim,
        "A",
        1,
        "MIGRATE 127.0.0.1 7001 user:1000 0 5000 COPY REPLACE",
    );
    assert_eq!(later(&mut sim), vec!["OK"]);
    assert_eq!(text(&cmd(&mut sim, "A", "GET user:1000")), "new");
    cmd(&mut sim, "B", "ASKING");
    assert_eq!(text(&cmd(&mut sim, "B", "GET user:1000")), "new");
}

/// No key to move: `+NOKEY`, without calling the target. A slot that is not
/// open on the target: the target's MOVED comes back as an error.
#[test]
fn nokey_and_target_not_importing() {
    let mut sim = cluster();
    assert_eq!(
        send(&mut sim, "A", 1, "MIGRATE 127.0.0.1 7001 user:1000 0 5000"),
        Some(Value::Simple("NOKEY".into()))
    );
    cmd(&mut sim, "A", "SET user:1000 x");
    send(&mut sim, "A", 1, "MIGRATE 127.0.0.1 7001 user:1000 0 5000");
    assert_eq!(
        later(&mut sim),
        vec!["ERR Target instance replied with error: MOVED 1649 127.0.0.1:7000"]
    );
    assert_eq!(
        text(&cmd(
            &mut sim,
            "A",
            "MIGRATE 127.0.0.1 7001 user:1000 0 5000 KEYS a"
        )),
        "ERR When using MIGRATE KEYS option, the key argument must be set to the empty string"
    );
    assert_eq!(
        text(&cmd(
            &mut sim,
            "A",
            "MIGRATE 127.0.0.1 7001 user:1000 0 5000 AUTH"
        )),
        "ERR syntax error"
    );
}

/// A target that does not answer: `-IOERR error or timeout reading to
/// target instance` after the timeout, and the key stays.
#[test]
fn timeout_is_an_ioerr() {
    let mut sim = cluster();
    cmd(&mut sim, "A", "SET user:1000 x");
    open_slot(&mut sim);
    let (a, b) = (sim.index_of("A").unwrap(), sim.index_of("B").unwrap());
    sim.partition(&[a], &[b]);
    let start = sim.now();
    send(&mut sim, "A", 1, "MIGRATE 127.0.0.1 7001 user:1000 0 200");
    sim.run_until(start + 199);
    assert!(sim.take_replies().is_empty());
    sim.run_until(start + 200);
    let replies: Vec<String> = sim.take_replies().iter().map(|r| text(&r.2)).collect();
    assert_eq!(
        replies,
        vec!["IOERR error or timeout reading to target instance"]
    );
    assert_eq!(text(&cmd(&mut sim, "A", "GET user:1000")), "x");
}

/// A port nobody listens on refuses the connect; Redis 7.0's blocking
/// connect only waits for writability, so the refusal shows on the first
/// write (as redis-server 7.0.15 answers, see `native/mixed_clusters.rs`). A host
/// that is not an address fails in the connect itself. The key stays.
#[test]
fn a_refused_connect_is_a_write_ioerr() {
    let mut sim = cluster();
    cmd(&mut sim, "A", "SET user:1000 x");
    assert_eq!(
        text(&cmd(&mut sim, "A", "MIGRATE 127.0.0.1 1 user:1000 0 1000")),
        "IOERR error or timeout writing to target instance"
    );
    assert_eq!(
        text(&cmd(
            &mut sim,
            "A",
            "MIGRATE nosuch.invalid 1 user:1000 0 1000"
        )),
        "IOERR error or timeout connecting to the client"
    );
    assert_eq!(text(&cmd(&mut sim, "A", "GET user:1000")), "x");
}

/// Redis serves nobody while MIGRATE waits: another client's write waits
/// and runs after the keys left (here it gets ASK, as it would in Redis).
#[test]
fn other_clients_wait_for_the_migrate() {
    let mut sim = cluster();
    cmd(&mut sim, "A", "SET user:1000 x");
    open_slot(&mut sim);
    send(&mut sim, "A", 1, "MIGRATE 127.0.0.1 7001 user:1000 0 5000");
    assert_eq!(send(&mut sim, "A", 2, "SET user:1000 y"), None);
    let t = sim.now() + 50;
    sim.run_until(t);
    let replies: Vec<(u64, String)> = sim
        .take_replies()
        .iter()
        .map(|(_, c, v)| (c.0, text(v)))
        .collect();
    assert_eq!(
        replies,
        vec![(1, "OK".into()), (2, "ASK 1649 127.0.0.1:7001".into())]
    );
}

/// The first MIGRATE on a new socket SELECTs the db, the next ones reuse
/// the cached socket without SELECT (as in the reshard capture, docs/redis-behaviour.md §11).
#[test]
fn cached_socket_selects_once() {
    let mut sim = cluster();
    cmd(&mut sim, "A", "SET {user:1000}a 1");
    cmd(&mut sim, "A", "SET {user:1000}b 2");
    open_slot(&mut sim);
    let labels = |sim: &Sim| -> Vec<&'static str> {
        sim.in_flight()
            .map(|m| m.payload.label())
            .filter(|l| matches!(*l, "SELECT" | "RESTORE-ASKING"))
            .collect()
    };
    send(
        &mut sim,
        "A",
        1,
        "MIGRATE 127.0.0.1 7001 {user:1000}a 0 5000",
    );
    assert_eq!(labels(&sim), vec!["SELECT", "RESTORE-ASKING"]);
    later(&mut sim);
    send(
        &mut sim,
        "A",
        1,
        "MIGRATE 127.0.0.1 7001 \"\" 0 5000 KEYS {user:1000}b",
    );
    assert_eq!(labels(&sim), vec!["RESTORE-ASKING"]);
    assert_eq!(later(&mut sim), vec!["OK"]);
}

/// MIGRATE replicates as DEL on the source's replica; RESTORE-ASKING
/// replicates to the target's replica (with an absolute TTL).
#[test]
fn replicas_follow_both_sides() {
    let mut sim = cluster();
    cmd(&mut sim, "A", "SET user:1000 x PX 60000");
    open_slot(&mut sim);
    send(&mut sim, "A", 1, "MIGRATE 127.0.0.1 7001 user:1000 0 5000");
    later(&mut sim);
    let now = sim.now();
    let (a1, b1) = (sim.index_of("A1").unwrap(), sim.index_of("B1").unwrap());
    assert!(sim.node(a1).keyspace().keys(now).next().is_none());
    let on_b1: Vec<&[u8]> = sim.node(b1).keyspace().keys(now).collect();
    assert_eq!(on_b1, vec![b"user:1000".as_slice()]);
}

/// DUMP + RESTORE-ASKING by hand: accepted on an importing slot without
/// ASKING (the command is flagged `asking`); plain RESTORE gets MOVED; a
/// damaged payload is refused.
#[test]
fn dump_and_restore_asking() {
    let mut sim = cluster();
    cmd(&mut sim, "A", "RPUSH {user:1000}l a b");
    let Value::Bulk(payload) = cmd(&mut sim, "A", "DUMP {user:1000}l") else {
        panic!("DUMP gives a bulk string")
    };
    open_slot(&mut sim);
    let b = sim.index_of("B").unwrap();
    let restore = |name: &str, p: &[u8]| {
        vec![
            name.as_bytes().to_vec(),
            b"{user:1000}l".to_vec(),
            b"0".to_vec(),
            p.to_vec(),
        ]
    };
    let moved = sim
        .command(b, ClientId(1), restore("RESTORE", &payload))
        .unwrap();
    assert_eq!(text(&moved), "MOVED 1649 127.0.0.1:7000");
    let ok = sim
        .command(b, ClientId(1), restore("RESTORE-ASKING", &payload))
        .unwrap();
    assert_eq!(text(&ok), "OK");
    let mut bad = payload.clone();
    bad[3] ^= 0xff;
    let mut args = restore("RESTORE-ASKING", &bad);
    args.push(b"REPLACE".to_vec());
    let refused = sim.command(b, ClientId(1), args).unwrap();
    assert_eq!(
        text(&refused),
        "ERR DUMP payload version or checksum are wrong"
    );
    cmd(&mut sim, "B", "ASKING");
    assert_eq!(
        cmd(&mut sim, "B", "LRANGE {user:1000}l 0 -1"),
        Value::Array(vec![Value::bulk("a"), Value::bulk("b")])
    );
}

/// MIGRATE inside MULTI: Redis runs it synchronously within EXEC, so EXEC's
/// reply holds MIGRATE's `+OK` in place, then the later commands' replies
/// (run after the key left) — one reply for the client, once the target
/// answered.
#[test]
fn migrate_inside_multi_keeps_exec_in_one_reply() {
    let mut sim = cluster();
    assert_eq!(text(&cmd(&mut sim, "A", "SET user:1000 v")), "OK");
    open_slot(&mut sim);
    assert_eq!(text(&cmd(&mut sim, "A", "MULTI")), "OK");
    assert_eq!(
        text(&cmd(
            &mut sim,
            "A",
            "MIGRATE 127.0.0.1 7001 user:1000 0 5000"
        )),
        "QUEUED"
    );
    assert_eq!(text(&cmd(&mut sim, "A", "GET user:1000")), "QUEUED");
    assert!(
        send(&mut sim, "A", 1, "EXEC").is_none(),
        "EXEC waits for MIGRATE"
    );
    let t = sim.now() + 50;
    sim.run_until(t);
    let replies = sim.take_replies();
    assert_eq!(replies.len(), 1, "{replies:?}");
    assert_eq!(
        replies[0].2,
        Value::Array(vec![Value::ok(), Value::Null]),
        "EXEC's replies in order: the key left before GET ran"
    );
    assert_eq!(
        text(&cmd(&mut sim, "A", "GET user:1000")),
        "ASK 1649 127.0.0.1:7001"
    );
}
