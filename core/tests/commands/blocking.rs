//! Blocking commands on a simulated cluster, as Redis 7.0.15 runs them
//! (blocked.c, t_list.c, t_zset.c, timeout.c): FIFO service per key after
//! the command (or EXEC) that fed it, timeouts on the node's clock,
//! non-blocking inside MULTI, the pop streamed to replicas, redirection
//! when the slot leaves, CLIENT UNBLOCK and INFO's `blocked_clients`.

use crate::common;
use clusterlab_core::node::{Admin, ClientId};
use clusterlab_core::resp::Value;
use clusterlab_core::sim::Sim;
use common::{idx, in_flight_stream, quiet_cluster, run_for, text};

/// Keys of slot 1649 (`{user:1000}`), served by A.
const Q: &str = "{user:1000}q";
const Q2: &str = "{user:1000}q2";

fn args(line: &str) -> Vec<Vec<u8>> {
    clusterlab_core::resp::split_args(line.as_bytes()).expect("valid line")
}

/// Sends `line` from client `c` to node A; its reply if it came at once.
fn on_a(sim: &mut Sim, c: u64, line: &str) -> Option<Value> {
    let a = idx(sim, "A");
    sim.command(a, ClientId(c), args(line))
}

fn bulk(s: &str) -> Value {
    Value::Bulk(s.as_bytes().to_vec())
}

fn arr(items: &[&str]) -> Value {
    Value::Array(items.iter().map(|s| bulk(s)).collect())
}

/// The replies that came later, as (client, reply).
fn later(sim: &mut Sim) -> Vec<(u64, Value)> {
    sim.take_replies()
        .into_iter()
        .map(|(_, c, v)| (c.0, v))
        .collect()
}

/// `serveClientsBlockedOnListKey`: the clients blocked on a key are served
/// first blocked first, one element each, after the push that fed them.
#[test]
fn blpop_serves_blocked_clients_in_fifo_order() {
    let mut sim = quiet_cluster();
    assert_eq!(on_a(&mut sim, 2, &format!("BLPOP {Q} 0")), None);
    assert_eq!(on_a(&mut sim, 3, &format!("BRPOP {Q2} {Q} 0")), None);
    assert_eq!(
        on_a(&mut sim, 1, &format!("RPUSH {Q} a b c")),
        Some(Value::Integer(3))
    );
    assert_eq!(
        later(&mut sim),
        vec![(2, arr(&[Q, "a"])), (3, arr(&[Q, "c"]))]
    );
    assert_eq!(
        on_a(&mut sim, 1, &format!("LRANGE {Q} 0 -1")),
        Some(arr(&["b"]))
    );
}

/// A list that exists is popped at once, like LPOP (and streamed as LPOP).
#[test]
fn blpop_on_a_non_empty_list_answers_at_once_and_streams_lpop() {
    let mut sim = quiet_cluster();
    let a = idx(&sim, "A");
    on_a(&mut sim, 1, &format!("RPUSH {Q} x y"));
    assert_eq!(
        on_a(&mut sim, 1, &format!("BLPOP {Q} 0")),
        Some(arr(&[Q, "x"]))
    );
    assert_eq!(
        on_a(&mut sim, 1, &format!("BLMPOP 0 2 {Q2} {Q} RIGHT COUNT 5")),
        Some(Value::Array(vec![bulk(Q), arr(&["y"])]))
    );
    let stream: Vec<String> = in_flight_stream(&sim, a)
        .into_iter()
        .map(|(_, s)| s)
        .collect();
    assert_eq!(
        stream,
        vec![
            "SELECT 0".to_string(),
            format!("RPUSH {Q} x y"),
            format!("LPOP {Q}"),
            format!("RPOP {Q} 1"),
        ]
    );
}

/// A served client's pop reaches the replicas after the push that fed it,
/// as the pop Redis did (`LPOP`, `LMOVE … left right`, `ZPOPMIN key n`),
/// never as the blocking command.
#[test]
fn served_pops_are_streamed_after_the_push() {
    let mut sim = quiet_cluster();
    let a = idx(&sim, "A");
    on_a(&mut sim, 2, &format!("BLPOP {Q} 0"));
    on_a(&mut sim, 3, &format!("BLMOVE {Q2} {Q} left right 0"));
    on_a(&mut sim, 4, "BZMPOP 0 1 {user:1000}z MAX COUNT 5");
    on_a(&mut sim, 1, &format!("RPUSH {Q} a"));
    on_a(&mut sim, 1, &format!("RPUSH {Q2} b"));
    on_a(&mut sim, 1, "ZADD {user:1000}z 1 m 2 n");
    assert_eq!(
        later(&mut sim),
        vec![
            (2, arr(&[Q, "a"])),
            (3, bulk("b")),
            (
                4,
                Value::Array(vec![
                    bulk("{user:1000}z"),
                    Value::Array(vec![
                        Value::Array(vec![bulk("n"), Value::Double(2.0)]),
                        Value::Array(vec![bulk("m"), Value::Double(1.0)]),
                    ]),
                ])
            ),
        ]
    );
    let stream: Vec<String> = in_flight_stream(&sim, a)
        .into_iter()
        .map(|(_, s)| s)
        .collect();
    assert_eq!(
        stream,
        vec![
            "SELECT 0".to_string(),
            format!("RPUSH {Q} a"),
            format!("LPOP {Q}"),
            format!("RPUSH {Q2} b"),
            format!("LMOVE {Q2} {Q} left right"),
            "ZADD {user:1000}z 1 m 2 n".to_string(),
            "ZPOPMAX {user:1000}z 2".to_string(),
        ]
    );
    // The element BLMOVE pushed is still there: nobody waits for it.
    assert_eq!(
        on_a(&mut sim, 1, &format!("LRANGE {Q} 0 -1")),
        Some(arr(&["b"]))
    );
    run_for(&mut sim, 1000);
    let a1 = idx(&sim, "A1");
    assert_eq!(sim.node(a1).repl_offset(), sim.node(a).repl_offset());
}

/// BLMOVE's push may serve another blocked client in the same round
/// (`handleClientsBlockedOnKeys` loops while keys become ready).
#[test]
fn blmove_push_serves_the_next_blocked_client() {
    let mut sim = quiet_cluster();
    on_a(&mut sim, 2, &format!("BRPOPLPUSH {Q} {Q2} 0"));
    on_a(&mut sim, 3, &format!("BLPOP {Q2} 0"));
    on_a(&mut sim, 1, &format!("LPUSH {Q} v"));
    assert_eq!(later(&mut sim), vec![(2, bulk("v")), (3, arr(&[Q2, "v"]))]);
    assert_eq!(
        on_a(&mut sim, 1, &format!("EXISTS {Q} {Q2}")),
        Some(Value::Integer(0))
    );
}

/// `getTimeoutFromObjectOrReply`: float seconds, rounded up to a
/// millisecond; the client times out once the clock is past it, with a
/// nil array (`replyToBlockedClientTimedOut`).
#[test]
fn timeouts_use_the_node_clock() {
    let mut sim = quiet_cluster();
    on_a(&mut sim, 2, &format!("BLPOP {Q} 0.25"));
    on_a(&mut sim, 3, &format!("BZPOPMIN {Q} 0.5"));
    on_a(&mut sim, 4, &format!("BLMOVE {Q} {Q2} LEFT LEFT 0.5"));
    run_for(&mut sim, 200);
    assert_eq!(later(&mut sim), vec![]);
    run_for(&mut sim, 100);
    assert_eq!(later(&mut sim), vec![(2, Value::NullArray)]);
    run_for(&mut sim, 300);
    assert_eq!(
        later(&mut sim),
        vec![(3, Value::NullArray), (4, Value::NullArray)]
    );
}

/// The timeout's errors, read before any key is looked at.
#[test]
fn timeout_errors() {
    let mut sim = quiet_cluster();
    on_a(&mut sim, 1, &format!("SET {Q} s"));
    for (t, err) in [
        ("-1", "ERR timeout is negative"),
        ("inf", "ERR timeout is negative"),
        ("1e17", "ERR timeout is negative"),
        ("abc", "ERR timeout is not a float or out of range"),
        (" 1", "ERR timeout is not a float or out of range"),
    ] {
        let line = format!("BLPOP {Q} \"{t}\"");
        assert_eq!(
            on_a(&mut sim, 1, &line).map(|v| text(&v)).as_deref(),
            Some(err),
            "{line}"
        );
    }
    assert_eq!(
        on_a(&mut sim, 1, &format!("BLPOP {Q} 1"))
            .map(|v| text(&v))
            .as_deref(),
        Some("WRONGTYPE Operation against a key holding the wrong kind of value")
    );
    assert_eq!(
        on_a(&mut sim, 1, "BLMPOP 1 0 a LEFT")
            .map(|v| text(&v))
            .as_deref(),
        Some("ERR numkeys should be greater than 0")
    );
    assert_eq!(
        on_a(&mut sim, 1, "BZMPOP 1 1 {user:1000}z MIN COUNT 0")
            .map(|v| text(&v))
            .as_deref(),
        Some("ERR count should be greater than 0")
    );
}

/// `CLIENT_DENY_BLOCKING`: inside MULTI a blocking command that would
/// block answers as timed out (a nil array; BLMOVE a nil).
#[test]
fn inside_multi_blocking_commands_do_not_block() {
    let mut sim = quiet_cluster();
    on_a(&mut sim, 1, "MULTI");
    on_a(&mut sim, 1, &format!("BLPOP {Q} 0"));
    on_a(&mut sim, 1, &format!("BLMOVE {Q} {Q2} LEFT LEFT 0"));
    on_a(&mut sim, 1, &format!("BZPOPMAX {Q} 0"));
    assert_eq!(
        on_a(&mut sim, 1, "EXEC"),
        Some(Value::Array(vec![
            Value::NullArray,
            Value::Null,
            Value::NullArray
        ]))
    );
}

/// A push inside MULTI/EXEC serves the blocked client after the whole
/// transaction, which ran atomically (it popped its own element first).
#[test]
fn exec_serves_blocked_clients_after_the_transaction() {
    let mut sim = quiet_cluster();
    on_a(&mut sim, 2, &format!("BLPOP {Q} 0"));
    on_a(&mut sim, 1, "MULTI");
    on_a(&mut sim, 1, &format!("RPUSH {Q} a b"));
    on_a(&mut sim, 1, &format!("LPOP {Q}"));
    let exec = on_a(&mut sim, 1, "EXEC");
    assert_eq!(exec, Some(Value::Array(vec![Value::Integer(2), bulk("a")])));
    assert_eq!(later(&mut sim), vec![(2, arr(&[Q, "b"]))]);
}

/// Redis reads nothing more from a blocked client: what it pipelined runs
/// after its blocking command was answered.
#[test]
fn commands_sent_while_blocked_wait_their_turn() {
    let mut sim = quiet_cluster();
    on_a(&mut sim, 2, &format!("BLPOP {Q} 0"));
    assert_eq!(on_a(&mut sim, 2, "PING"), None);
    on_a(&mut sim, 1, &format!("RPUSH {Q} a"));
    assert_eq!(
        later(&mut sim),
        vec![(2, arr(&[Q, "a"])), (2, Value::Simple("PONG".into()))]
    );
}

/// Keys of several slots are CROSSSLOT, like any multi-key command.
#[test]
fn keys_of_several_slots_are_crossslot() {
    let mut sim = quiet_cluster();
    assert_eq!(
        on_a(&mut sim, 1, "BLPOP {user:1000}a {user:1001}b 0")
            .map(|v| text(&v))
            .as_deref(),
        Some("CROSSSLOT Keys in request don't hash to the same slot")
    );
    assert_eq!(
        on_a(&mut sim, 1, "BZMPOP 0 2 {user:1000}a {user:1001}b MIN")
            .map(|v| text(&v))
            .as_deref(),
        Some("CROSSSLOT Keys in request don't hash to the same slot")
    );
}

/// CLIENT UNBLOCK: TIMEOUT gives the timeout's reply, ERROR the UNBLOCKED
/// error; 0 for a client that is not blocked. INFO counts blocked clients.
#[test]
fn client_unblock_and_blocked_clients_count() {
    let mut sim = quiet_cluster();
    on_a(&mut sim, 2, &format!("BLPOP {Q} 0"));
    on_a(&mut sim, 3, &format!("BZPOPMIN {Q} 0"));
    let info = text(&on_a(&mut sim, 1, "INFO clients").unwrap());
    assert!(info.contains("blocked_clients:2\r\n"), "{info}");
    assert_eq!(
        on_a(&mut sim, 1, "CLIENT UNBLOCK 2"),
        Some(Value::Integer(1))
    );
    assert_eq!(
        on_a(&mut sim, 1, "CLIENT UNBLOCK 3 ERROR"),
        Some(Value::Integer(1))
    );
    assert_eq!(
        on_a(&mut sim, 1, "CLIENT UNBLOCK 3"),
        Some(Value::Integer(0))
    );
    assert_eq!(
        on_a(&mut sim, 1, "CLIENT UNBLOCK 3 later")
            .map(|v| text(&v))
            .as_deref(),
        Some("ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR")
    );
    assert_eq!(
        later(&mut sim),
        vec![
            (2, Value::NullArray),
            (
                3,
                Value::err("UNBLOCKED client unblocked via CLIENT UNBLOCK")
            ),
        ]
    );
    let info = text(&on_a(&mut sim, 1, "INFO clients").unwrap());
    assert!(info.contains("blocked_clients:0\r\n"), "{info}");
}

/// `clusterRedirectBlockedClientIfNeeded`: when the slot of a blocked
/// client's key is given to another node, the clients cron answers it
/// with MOVED to the new owner.
#[test]
fn a_blocked_client_is_moved_when_its_slot_leaves() {
    let mut sim = quiet_cluster();
    let (a, b) = (idx(&sim, "A"), idx(&sim, "B"));
    on_a(&mut sim, 2, &format!("BLPOP {Q} 0"));
    let b_id = sim.node(b).id();
    for n in [a, b] {
        sim.admin(n, Admin::SetSlotNode(1649, b_id))
            .expect("setslot");
    }
    run_for(&mut sim, 200);
    assert_eq!(
        later(&mut sim),
        vec![(2, Value::err("MOVED 1649 127.0.0.1:7001"))]
    );
    assert_eq!(sim.node(a).blocked_clients(), 0);
}

/// WAIT is a blocked client too: counted in INFO, answered by CLIENT
/// UNBLOCK, and timed out on the node's clock (ms) rather than at cron.
#[test]
fn wait_is_a_blocked_client() {
    let mut sim = quiet_cluster();
    let a = idx(&sim, "A");
    assert_eq!(on_a(&mut sim, 2, "WAIT 5 150"), None);
    assert_eq!(sim.node(a).blocked_clients(), 1);
    run_for(&mut sim, 140);
    assert_eq!(later(&mut sim), vec![]);
    run_for(&mut sim, 20);
    assert_eq!(later(&mut sim), vec![(2, Value::Integer(1))]);
    assert_eq!(on_a(&mut sim, 2, "WAIT 5 0"), None);
    assert_eq!(
        on_a(&mut sim, 1, "CLIENT UNBLOCK 2"),
        Some(Value::Integer(1))
    );
    // Unblocked at once: the replica has not answered this WAIT's GETACK.
    assert_eq!(later(&mut sim), vec![(2, Value::Integer(0))]);
}

/// `disconnectAllBlockedClients`: when a failover turns the master into
/// a replica, every client blocked on it gets the UNBLOCKED error (the
/// new master never saw its command).
#[test]
fn a_failover_unblocks_the_old_masters_clients() {
    use clusterlab_core::node::FailoverMode;
    let mut sim = quiet_cluster();
    let (a, a1) = (idx(&sim, "A"), idx(&sim, "A1"));
    on_a(&mut sim, 2, &format!("BLPOP {Q} 0"));
    on_a(&mut sim, 3, "WAIT 5 0");
    sim.admin(a1, Admin::Failover(FailoverMode::Default))
        .expect("manual failover starts");
    run_for(&mut sim, 3000);
    assert!(sim.node(a).is_replica(), "A was demoted");
    let unblocked = Value::err(
        "UNBLOCKED force unblock from blocking operation, instance state changed (master -> replica?)",
    );
    assert_eq!(
        later(&mut sim),
        vec![(2, unblocked.clone()), (3, unblocked)]
    );
    assert_eq!(sim.node(a).blocked_clients(), 0);
}

/// `clusterRedirectBlockedClientIfNeeded` when nobody serves the slot
/// (and the cluster stays up without full coverage): `-CLUSTERDOWN Hash
/// slot not served`; clients blocked on other slots stay blocked.
#[test]
fn blocked_clients_get_clusterdown_when_the_slot_is_unserved() {
    use clusterlab_core::SlotSet;
    let mut sim = quiet_cluster();
    let a = idx(&sim, "A");
    on_a(&mut sim, 1, "CONFIG SET cluster-require-full-coverage no");
    on_a(&mut sim, 2, &format!("BLPOP {Q} 0"));
    let other = format!("{{{}}}k", clusterlab_core::slot::tag_for_slot(100));
    assert_eq!(on_a(&mut sim, 3, &format!("BLPOP {other} 0")), None);
    sim.admin(a, Admin::DelSlots(SlotSet::range(1649, 1649)))
        .expect("delslots");
    run_for(&mut sim, 200);
    assert_eq!(
        later(&mut sim),
        vec![(2, Value::err("CLUSTERDOWN Hash slot not served"))]
    );
    assert_eq!(sim.node(a).blocked_clients(), 1);
}
