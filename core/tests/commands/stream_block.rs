//! XREAD BLOCK and XREADGROUP BLOCK on a simulated cluster, as Redis
//! 7.0.15 runs them (`t_stream.c xreadCommand`, `blocked.c
//! serveClientsBlockedOnStreamKey`, `unblockDeletedStreamReadgroupClients`,
//! `timeout.c`): readers served in the order they blocked, only on
//! Redis's stream signals, group reads streamed to replicas as XCLAIMs,
//! timeouts on the node's clock, redirection when the slot leaves,
//! CLIENT UNBLOCK and INFO's `blocked_clients`. Reply bytes against a
//! real redis-server: `native/notify.rs`.

use crate::common;

use clusterlab_core::node::{Admin, ClientId};
use clusterlab_core::resp::Value;
use clusterlab_core::sim::Sim;
use common::{idx, in_flight_stream, quiet_cluster, run_for, text};

/// A stream key of slot 1649 (`{user:1000}`), served by A.
const X: &str = "{user:1000}x";

fn on_a(sim: &mut Sim, c: u64, line: &str) -> Option<Value> {
    let a = idx(sim, "A");
    let args = clusterlab_core::resp::split_args(line.as_bytes()).expect("valid line");
    sim.command(a, ClientId(c), args)
}

fn bulk(s: &str) -> Value {
    Value::Bulk(s.as_bytes().to_vec())
}

/// `[[key, [[id, [field, value]]…]]]`, XREAD's RESP2 reply.
fn read_reply(key: &str, entries: &[(&str, &str, &str)]) -> Value {
    let entries = entries
        .iter()
        .map(|(id, f, v)| Value::Array(vec![bulk(id), Value::Array(vec![bulk(f), bulk(v)])]))
        .collect();
    Value::Array(vec![Value::Array(vec![bulk(key), Value::Array(entries)])])
}

fn later(sim: &mut Sim) -> Vec<(u64, Value)> {
    sim.take_replies()
        .into_iter()
        .map(|(_, c, v)| (c.0, v))
        .collect()
}

/// `$` is the stream's last ID when the reader blocks (0-0 without a
/// stream); each XADD serves every reader waiting on the key, first
/// blocked first, with what follows its own ID.
#[test]
fn xread_block_serves_readers_in_order_from_their_ids() {
    let mut sim = quiet_cluster();
    assert_eq!(
        on_a(&mut sim, 2, &format!("XREAD BLOCK 0 STREAMS {X} $")),
        None
    );
    on_a(&mut sim, 1, &format!("XADD {X} 1-0 a 1"));
    assert_eq!(
        later(&mut sim),
        vec![(2, read_reply(X, &[("1-0", "a", "1")]))]
    );
    assert_eq!(
        on_a(&mut sim, 3, &format!("XREAD BLOCK 0 STREAMS {X} $")),
        None
    );
    assert_eq!(
        on_a(
            &mut sim,
            4,
            &format!("XREAD COUNT 1 BLOCK 0 STREAMS {X} 1-0")
        ),
        None
    );
    on_a(&mut sim, 1, &format!("XADD {X} 2-0 b 2"));
    assert_eq!(
        later(&mut sim),
        vec![
            (3, read_reply(X, &[("2-0", "b", "2")])),
            (4, read_reply(X, &[("2-0", "b", "2")])),
        ]
    );
    // Only what a stream signal names wakes readers: XSETID moves the
    // last ID without one, so the reader waits for the next XADD.
    assert_eq!(
        on_a(&mut sim, 5, &format!("XREAD BLOCK 0 STREAMS {X} $")),
        None
    );
    on_a(&mut sim, 1, &format!("XSETID {X} 5-0"));
    assert_eq!(later(&mut sim), vec![]);
    on_a(&mut sim, 1, &format!("XADD {X} 6-0 c 3"));
    assert_eq!(
        later(&mut sim),
        vec![(5, read_reply(X, &[("6-0", "c", "3")]))]
    );
}

/// A group reader blocks for `>` and reads past its group's last ID when
/// served; each delivery enters the PEL and goes to the replicas as
/// `XCLAIM … LASTID` (`streamPropagateXCLAIM`), never as XREADGROUP.
#[test]
fn xreadgroup_block_is_served_and_streamed_as_xclaim() {
    let mut sim = quiet_cluster();
    let a = idx(&sim, "A");
    on_a(&mut sim, 1, &format!("XGROUP CREATE {X} g $ MKSTREAM"));
    let block = format!("XREADGROUP GROUP g alice BLOCK 0 STREAMS {X} >");
    assert_eq!(on_a(&mut sim, 2, &block), None);
    on_a(&mut sim, 1, &format!("XADD {X} 1-0 a 1"));
    assert_eq!(
        later(&mut sim),
        vec![(2, read_reply(X, &[("1-0", "a", "1")]))]
    );
    let pending = on_a(&mut sim, 1, &format!("XPENDING {X} g")).unwrap();
    assert!(
        matches!(&pending, Value::Array(v) if v[0] == Value::Integer(1)),
        "{pending:?}"
    );
    let stream: Vec<String> = in_flight_stream(&sim, a)
        .into_iter()
        .map(|(_, s)| s)
        .collect();
    assert!(
        stream
            .iter()
            .any(|s| s.starts_with(&format!("XCLAIM {X} g alice 0 1-0 TIME"))
                && s.ends_with("FORCE JUSTID LASTID 1-0")),
        "{stream:?}"
    );
    assert!(
        !stream.iter().any(|s| s.starts_with("XREADGROUP")),
        "{stream:?}"
    );
    run_for(&mut sim, 1000);
    let a1 = idx(&sim, "A1");
    assert_eq!(sim.node(a1).repl_offset(), sim.node(a).repl_offset());
}

/// A group reader learns its group or its key went
/// (`serveClientsBlockedOnStreamKey`'s NOGROUP,
/// `unblockDeletedStreamReadgroupClients`); a plain reader keeps waiting
/// through a deletion and is served once the stream is back.
#[test]
fn deleted_groups_and_keys_unblock_group_readers_only() {
    let mut sim = quiet_cluster();
    on_a(&mut sim, 1, &format!("XGROUP CREATE {X} g $ MKSTREAM"));
    on_a(
        &mut sim,
        2,
        &format!("XREADGROUP GROUP g c BLOCK 0 STREAMS {X} >"),
    );
    on_a(&mut sim, 1, &format!("XGROUP DESTROY {X} g"));
    assert_eq!(
        later(&mut sim),
        vec![(
            2,
            Value::err("NOGROUP the consumer group this client was blocked on no longer exists")
        )]
    );
    on_a(&mut sim, 1, &format!("XGROUP CREATE {X} g $"));
    on_a(
        &mut sim,
        2,
        &format!("XREADGROUP GROUP g c BLOCK 0 STREAMS {X} >"),
    );
    on_a(&mut sim, 3, &format!("XREAD BLOCK 0 STREAMS {X} $"));
    on_a(&mut sim, 1, &format!("DEL {X}"));
    assert_eq!(
        later(&mut sim),
        vec![(2, Value::err("UNBLOCKED the stream key no longer exists"))]
    );
    on_a(&mut sim, 1, &format!("SET {X} s"));
    on_a(&mut sim, 1, &format!("DEL {X}"));
    assert_eq!(later(&mut sim), vec![]);
    on_a(&mut sim, 1, &format!("XADD {X} 1-0 a 1"));
    assert_eq!(
        later(&mut sim),
        vec![(3, read_reply(X, &[("1-0", "a", "1")]))]
    );
}

/// BLOCK's milliseconds run on the node's clock; the timeout answers a
/// nil array. Inside MULTI the read answers as timed out at once.
#[test]
fn timeouts_and_multi() {
    let mut sim = quiet_cluster();
    on_a(&mut sim, 2, &format!("XREAD BLOCK 250 STREAMS {X} $"));
    run_for(&mut sim, 200);
    assert_eq!(later(&mut sim), vec![]);
    run_for(&mut sim, 100);
    assert_eq!(later(&mut sim), vec![(2, Value::NullArray)]);
    on_a(&mut sim, 1, "MULTI");
    on_a(&mut sim, 1, &format!("XREAD BLOCK 0 STREAMS {X} $"));
    assert_eq!(
        on_a(&mut sim, 1, "EXEC"),
        Some(Value::Array(vec![Value::NullArray]))
    );
}

/// Stream readers are blocked clients like the others: INFO counts them,
/// CLIENT UNBLOCK answers them, MOVED follows their slot.
#[test]
fn counted_unblocked_and_moved_like_other_blocked_clients() {
    let mut sim = quiet_cluster();
    let (a, b) = (idx(&sim, "A"), idx(&sim, "B"));
    on_a(&mut sim, 2, &format!("XREAD BLOCK 0 STREAMS {X} $"));
    on_a(&mut sim, 1, &format!("XGROUP CREATE {X} g $ MKSTREAM"));
    on_a(
        &mut sim,
        3,
        &format!("XREADGROUP GROUP g c BLOCK 0 STREAMS {X} >"),
    );
    on_a(&mut sim, 4, &format!("XREAD BLOCK 0 STREAMS {X} $"));
    let info = text(&on_a(&mut sim, 1, "INFO clients").unwrap());
    assert!(info.contains("blocked_clients:3\r\n"), "{info}");
    on_a(&mut sim, 1, "CLIENT UNBLOCK 2");
    on_a(&mut sim, 1, "CLIENT UNBLOCK 3 ERROR");
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
    let b_id = sim.node(b).id();
    for n in [a, b] {
        sim.admin(n, Admin::SetSlotNode(1649, b_id))
            .expect("setslot");
    }
    run_for(&mut sim, 200);
    assert_eq!(
        later(&mut sim),
        vec![(4, Value::err("MOVED 1649 127.0.0.1:7001"))]
    );
    assert_eq!(sim.node(a).blocked_clients(), 0);
}

/// A READONLY client of a replica may block in XREAD on its master's
/// slot: the clients cron leaves it blocked (`clusterRedirectBlockedClientIfNeeded`
/// skips a read-only command of a READONLY client when myself's master
/// owns the slot) and the replica serves it when the master's XADD
/// reaches it — Redis's tests/cluster 16-transactions-on-replica,
/// "read-only blocking operations from replica". Without READONLY the
/// replica redirects at once.
#[test]
fn a_readonly_replica_client_blocked_in_xread_is_served_by_replication() {
    let mut sim = quiet_cluster();
    let a1 = idx(&sim, "A1");
    let on_a1 = |sim: &mut Sim, c: u64, line: &str| {
        let args = clusterlab_core::resp::split_args(line.as_bytes()).expect("valid line");
        sim.command(a1, ClientId(c), args)
    };
    assert_eq!(
        on_a1(&mut sim, 6, &format!("XREAD BLOCK 0 STREAMS {X} 0")),
        Some(Value::err("MOVED 1649 127.0.0.1:7000"))
    );
    assert_eq!(on_a1(&mut sim, 5, "READONLY"), Some(Value::ok()));
    assert_eq!(
        on_a1(&mut sim, 5, &format!("XREAD BLOCK 0 STREAMS {X} 0")),
        None
    );
    run_for(&mut sim, 1000);
    assert_eq!(later(&mut sim), vec![]);
    assert_eq!(sim.node(a1).blocked_clients(), 1);
    on_a(&mut sim, 1, &format!("XADD {X} 1-0 foo bar"));
    run_for(&mut sim, 1000);
    let replies: Vec<(u64, Value)> = later(&mut sim)
        .into_iter()
        .filter(|(c, _)| *c == 5)
        .collect();
    assert_eq!(replies, vec![(5, read_reply(X, &[("1-0", "foo", "bar")]))]);
}
