//! The hash, set, string, list and keyspace commands added on the dispatch
//! table, in a simulated cluster: their keys are routed as Redis 7.0 routes
//! them (MOVED, CROSSSLOT, OBJECT's key as its third argument), INCRBYFLOAT
//! reaches the replica as `SET key <value> KEEPTTL` so both hold the same
//! text and TTL, and the random picks replay with the seed.

use crate::common;
use clusterlab_core::node::ClientId;
use clusterlab_core::resp::Value;
use clusterlab_core::sim::Sim;
use common::{idx, quiet_cluster, run_for, text};

fn cmd(sim: &mut Sim, node: usize, line: &str) -> Value {
    let args = clusterlab_core::resp::split_args(line.as_bytes()).expect("valid line");
    sim.command(node, ClientId(1), args)
        .expect("immediate reply")
}

const CROSSSLOT: &str = "CROSSSLOT Keys in request don't hash to the same slot";

/// `getNodeByQuery` on the new commands' keys: user:1000 is slot 1649,
/// served by A (0-5460) on port 7000; "a" and "b" hash to different slots.
#[test]
fn new_commands_are_routed_by_their_keys() {
    let mut sim = quiet_cluster();
    let (a, b) = (idx(&sim, "A"), idx(&sim, "B"));
    for line in [
        "OBJECT ENCODING user:1000",
        "OBJECT REFCOUNT user:1000",
        "HKEYS user:1000",
        "SMEMBERS user:1000",
        "GETRANGE user:1000 0 1",
        "LPOS user:1000 x",
        "SINTERCARD 1 user:1000",
        "TOUCH user:1000",
    ] {
        assert_eq!(
            text(&cmd(&mut sim, b, line)),
            "MOVED 1649 127.0.0.1:7000",
            "{line}"
        );
    }
    for line in [
        "SINTER a b",
        "SUNION a b",
        "SDIFF a b",
        "SINTERCARD 2 a b",
        "LCS a b",
        "TOUCH a b",
    ] {
        assert_eq!(text(&cmd(&mut sim, a, line)), CROSSSLOT, "{line}");
    }
    // OBJECT HELP, TIME and RANDOMKEY have no key: any node answers.
    assert!(matches!(cmd(&mut sim, b, "OBJECT HELP"), Value::Array(_)));
    assert!(matches!(cmd(&mut sim, b, "TIME"), Value::Array(t) if t.len() == 2));
    assert_eq!(cmd(&mut sim, b, "RANDOMKEY"), Value::Null);
    cmd(&mut sim, a, "SADD {user:1000}x 1 2 3");
    cmd(&mut sim, a, "SADD {user:1000}y 2 3 4");
    assert_eq!(
        cmd(&mut sim, a, "SINTERCARD 2 {user:1000}x {user:1000}y"),
        Value::Integer(2)
    );
    assert_eq!(
        text(&cmd(&mut sim, a, "OBJECT ENCODING {user:1000}x")),
        "intset"
    );
}

/// `incrbyfloatCommand` rewrites itself as `SET key value KEEPTTL`: the
/// replica stores the master's text and keeps the key's TTL.
#[test]
fn incrbyfloat_reaches_the_replica_as_set_keepttl() {
    let mut sim = quiet_cluster();
    let (a, a1) = (idx(&sim, "A"), idx(&sim, "A1"));
    assert_eq!(text(&cmd(&mut sim, a, "SET user:1000 10.50 EX 100")), "OK");
    assert_eq!(text(&cmd(&mut sim, a, "INCRBYFLOAT user:1000 0.1")), "10.6");
    // 10.6 is not exact in binary: 17 decimals show it (redis-server
    // 7.0.15 on x86-64 prints the same).
    assert_eq!(
        text(&cmd(&mut sim, a, "INCRBYFLOAT user:1000 5.0e3")),
        "5010.60000000000000009"
    );
    run_for(&mut sim, 1000);
    cmd(&mut sim, a1, "READONLY");
    assert_eq!(
        text(&cmd(&mut sim, a1, "GET user:1000")),
        "5010.60000000000000009"
    );
    assert!(
        matches!(cmd(&mut sim, a1, "TTL user:1000"), Value::Integer(t) if (90..=100).contains(&t)),
        "KEEPTTL kept the TTL on the replica"
    );
    assert_eq!(sim.node(a1).repl_offset(), sim.node(a).repl_offset());
}

/// The random picks come from the node's seeded generator: the same
/// seed, the same picks (a simulation replays them).
#[test]
fn random_picks_replay_with_the_seed() {
    let picks = || {
        let mut sim = quiet_cluster();
        let a = idx(&sim, "A");
        cmd(&mut sim, a, "SADD user:1000 a b c d e f g h");
        cmd(&mut sim, a, "HSET {user:1000}h a 1 b 2 c 3 d 4");
        (0..5)
            .map(|_| {
                [
                    cmd(&mut sim, a, "SRANDMEMBER user:1000 -3"),
                    cmd(&mut sim, a, "SRANDMEMBER user:1000 3"),
                    cmd(&mut sim, a, "HRANDFIELD {user:1000}h 2 WITHVALUES"),
                    cmd(&mut sim, a, "RANDOMKEY"),
                ]
            })
            .collect::<Vec<_>>()
    };
    let first = picks();
    assert_eq!(first, picks());
    // Distinct members for a positive count, all from the set.
    for round in &first {
        let Value::Array(m) = &round[1] else {
            panic!("{:?}", round[1])
        };
        let mut names: Vec<String> = m.iter().map(text).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), 3);
        assert!(names.iter().all(|n| "abcdefgh".contains(n.as_str())));
    }
}
