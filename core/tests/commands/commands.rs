//! Client commands against a simulated cluster: replies, errors and
//! redirections as Redis 7.0 gives them (docs/redis-behaviour.md §9, §10).

use crate::common;
use clusterlab_core::node::ClientId;
use clusterlab_core::resp::Value;
use clusterlab_core::sim::Sim;
use common::{quiet_cluster as cluster, text};

fn cmd(sim: &mut Sim, node: &str, line: &str) -> Value {
    let idx = sim.index_of(node).expect("node exists");
    let args = clusterlab_core::resp::split_args(line.as_bytes()).expect("valid line");
    sim.command(idx, ClientId(1), args)
        .expect("immediate reply")
}

/// getNodeByQuery: a key served elsewhere gets `-MOVED <slot> <ip>:<port>`.
#[test]
fn moved_points_to_the_owner() {
    let mut sim = cluster();
    // user:1000 → slot 1649, served by A (0-5460) on port 7000.
    assert_eq!(
        text(&cmd(&mut sim, "B", "GET user:1000")),
        "MOVED 1649 127.0.0.1:7000"
    );
    assert_eq!(text(&cmd(&mut sim, "A", "SET user:1000 x")), "OK");
    assert_eq!(text(&cmd(&mut sim, "A", "GET user:1000")), "x");
}

/// Multi-key commands must hash to one slot (`-CROSSSLOT`).
#[test]
fn crossslot_for_keys_in_different_slots() {
    let mut sim = cluster();
    assert_eq!(
        text(&cmd(&mut sim, "A", "MSET a 1 b 2")),
        "CROSSSLOT Keys in request don't hash to the same slot"
    );
    assert_eq!(
        text(&cmd(&mut sim, "A", "MSET {user:1000}a 1 {user:1000}b 2")),
        "OK"
    );
}

/// Arity is checked before routing (docs/redis-behaviour.md §9.2 transcript).
#[test]
fn arity_error_comes_before_routing() {
    let mut sim = cluster();
    assert_eq!(
        text(&cmd(&mut sim, "A", "GET")),
        "ERR wrong number of arguments for 'get' command"
    );
    assert_eq!(
        text(&cmd(&mut sim, "A", "FOO a b")),
        "ERR unknown command 'FOO', with args beginning with: 'a' 'b' "
    );
}

/// CLUSTER NODES / SLOTS / INFO / KEYSLOT formats.
#[test]
fn cluster_introspection() {
    let mut sim = cluster();
    let nodes = text(&cmd(&mut sim, "A", "CLUSTER NODES"));
    assert_eq!(nodes.lines().count(), 6);
    assert!(nodes.ends_with('\n'));
    let me = nodes.lines().find(|l| l.contains("myself")).unwrap();
    assert!(
        me.contains(" myself,master - 0 ") && me.ends_with(" connected 0-5460"),
        "{me}"
    );
    let info = text(&cmd(&mut sim, "A", "CLUSTER INFO"));
    assert!(
        info.starts_with("cluster_state:ok\r\ncluster_slots_assigned:16384\r\n"),
        "{info}"
    );
    assert!(
        info.contains("cluster_known_nodes:6\r\ncluster_size:3\r\n"),
        "{info}"
    );
    assert_eq!(
        cmd(&mut sim, "A", "CLUSTER KEYSLOT user:1000"),
        Value::Integer(1649)
    );
    let Value::Array(slots) = cmd(&mut sim, "A", "CLUSTER SLOTS") else {
        panic!()
    };
    assert_eq!(slots.len(), 3);
}

/// MULTI/EXEC queue and run; a queued error aborts with EXECABORT.
#[test]
fn multi_exec() {
    let mut sim = cluster();
    assert_eq!(text(&cmd(&mut sim, "A", "MULTI")), "OK");
    assert_eq!(text(&cmd(&mut sim, "A", "INCR {user:1000}n")), "QUEUED");
    assert_eq!(text(&cmd(&mut sim, "A", "INCR {user:1000}n")), "QUEUED");
    assert_eq!(
        cmd(&mut sim, "A", "EXEC"),
        Value::Array(vec![Value::Integer(1), Value::Integer(2)])
    );
    cmd(&mut sim, "A", "MULTI");
    cmd(&mut sim, "A", "GET");
    assert_eq!(
        text(&cmd(&mut sim, "A", "EXEC")),
        "EXECABORT Transaction discarded because of previous errors."
    );
}

/// Sorted-set reads route by their keys like any command: ZRANGESTORE by
/// its key specs (destination and source), ZUNION/ZMPOP by `numkeys`
/// (movable keys) — MOVED to the owner, CROSSSLOT across slots, served
/// when every key is local.
#[test]
fn sorted_set_commands_route_by_their_keys() {
    let mut sim = cluster();
    // user:1000 → slot 1649, served by A on port 7000.
    for line in [
        "ZRANGE user:1000 0 -1",
        "ZUNION 1 user:1000",
        "ZMPOP 1 user:1000 MIN",
        "ZRANGESTORE {user:1000}d user:1000 0 -1",
    ] {
        assert_eq!(
            text(&cmd(&mut sim, "B", line)),
            "MOVED 1649 127.0.0.1:7000",
            "{line}"
        );
    }
    for line in [
        "ZRANGESTORE a user:1000 0 -1",
        "ZUNION 2 user:1000 b",
        "ZINTERCARD 2 user:1000 b",
        "ZMPOP 2 user:1000 b MAX",
    ] {
        assert_eq!(
            text(&cmd(&mut sim, "A", line)),
            "CROSSSLOT Keys in request don't hash to the same slot",
            "{line}"
        );
    }
    let zadd = cmd(&mut sim, "A", "ZADD user:1000 1 a 2 b");
    assert_eq!(zadd, Value::Integer(2));
    let stored = cmd(&mut sim, "A", "ZRANGESTORE {user:1000}d user:1000 1 -1");
    assert_eq!(stored, Value::Integer(1));
    assert_eq!(
        cmd(&mut sim, "A", "ZUNION 2 user:1000 {user:1000}d WITHSCORES"),
        Value::Array(vec![
            Value::bulk("a"),
            Value::Double(1.0),
            Value::bulk("b"),
            Value::Double(4.0),
        ])
    );
}
