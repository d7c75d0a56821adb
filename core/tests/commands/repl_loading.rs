//! A replica loading a full resync's RDB slowly (`rdbLoad` with
//! `key-load-delay`, rdb.c): it answers `-LOADING` to commands without the
//! `loading` flag, INFO says `loading:1` with the `loading_*` fields, it
//! announces offset 0 on the bus (`replicationGetSlaveOffset`), so its
//! master hides it from CLUSTER SLOTS (`isReplicaAvailable`) and CLUSTER
//! SHARDS calls it `loading` — what Redis's tests/cluster 22-replica-in-sync
//! and 28-cluster-shards check. A `CONFIG SET key-load-delay 0` served
//! during the load speeds up the rest of it. docs/redis-behaviour.md §21.

use crate::common;
use clusterlab_core::node::ClientId;
use clusterlab_core::resp::Value;
use clusterlab_core::sim::Sim;
use common::{idx, text};

fn args(line: &str) -> Vec<Vec<u8>> {
    line.split(' ').map(|a| a.as_bytes().to_vec()).collect()
}

/// Sends `line` to node `n` and runs until it answers (a loading node
/// answers at its next event window).
fn ask(sim: &mut Sim, n: usize, client: u64, line: &str) -> Value {
    sim.take_replies();
    if let Some(v) = sim.command(n, ClientId(client), args(line)) {
        return v;
    }
    for _ in 0..200 {
        common::run_for(sim, 10);
        let reply = sim
            .take_replies()
            .into_iter()
            .find(|(i, c, _)| *i == n && c.0 == client);
        if let Some((_, _, v)) = reply {
            return v;
        }
    }
    panic!("no reply to {line} within 2 s")
}

/// Every string in a reply, depth first (CLUSTER SLOTS lists node IDs).
fn strings(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Array(items) => items.iter().for_each(|i| strings(i, out)),
        Value::Map(pairs) => pairs.iter().for_each(|(k, v)| {
            strings(k, out);
            strings(v, out);
        }),
        Value::Bulk(_) | Value::Simple(_) => out.push(text(v)),
        _ => {}
    }
}

fn lists(v: &Value, id: &str) -> bool {
    let mut all = Vec::new();
    strings(v, &mut all);
    all.iter().any(|s| s == id)
}

/// The `health` CLUSTER SHARDS gives the node `id`.
fn health(shards: &Value, id: &str) -> Option<String> {
    let Value::Array(shards) = shards else {
        return None;
    };
    for shard in shards {
        let Value::Map(fields) = shard else { continue };
        for (k, nodes) in fields {
            let (Value::Bulk(k), Value::Array(nodes)) = (k, nodes) else {
                continue;
            };
            if k.as_slice() != b"nodes" {
                continue;
            }
            for node in nodes {
                let Value::Map(f) = node else { continue };
                let get = |name: &[u8]| {
                    f.iter()
                        .find(|(k, _)| matches!(k, Value::Bulk(b) if b.as_slice() == name))
                        .map(|(_, v)| text(v))
                };
                if get(b"id").as_deref() == Some(id) {
                    return get(b"health");
                }
            }
        }
    }
    None
}

#[test]
fn a_replica_loading_slowly_is_hidden_then_back() {
    // With no save point and no AOF, `rdb-del-sync-files yes` removes the
    // RDB a full resync leaves, so the restarted replica cannot continue
    // from it and resyncs in full.
    let params = [
        ("enable-debug-command", "yes"),
        ("save", ""),
        ("rdb-del-sync-files", "yes"),
    ];
    let mut sim = common::quiet_cluster_with(3000, &params);
    let (a, a1) = (idx(&sim, "A"), idx(&sim, "A1"));
    let a1_id = sim.node(a1).id();
    let offset_seen_by_a = |sim: &Sim| sim.node(a).view().node(a1_id).map(|p| p.repl_offset);
    // 1000 keys of 100 bytes: about 4 s at 4 ms a key.
    assert_eq!(
        sim.command(a, ClientId(1), args("DEBUG POPULATE 1000 key 100")),
        Some(Value::ok())
    );
    // A write A serves moves the stream, so A1's offset is not 0.
    let key = (0..)
        .map(|i| format!("k{i}"))
        .find(|k| sim.command(a, ClientId(1), args(&format!("GET {k}"))) == Some(Value::Null))
        .expect("a key of A's");
    sim.command(a, ClientId(1), args(&format!("SET {key} v")));
    common::run_for(&mut sim, 2000);
    assert!(offset_seen_by_a(&sim).is_some_and(|o| o > 0));

    // The restarted replica resyncs in full, with a delay per key.
    sim.crash(a1);
    sim.restart(a1);
    for line in [
        "CONFIG SET key-load-delay 4000",
        "CONFIG SET loading-process-events-interval-bytes 1024",
    ] {
        assert_eq!(sim.command(a1, ClientId(1), args(line)), Some(Value::ok()));
    }
    // A sends the RDB `repl-diskless-sync-delay` (5 s) after A1's PSYNC.
    let t0 = sim.now();
    assert!(
        sim.run_until_pred(t0 + 10_000, |s| s.node(a1).loading_rdb()),
        "the full resync starts loading"
    );
    let started = sim.now();

    // Served at the next event window: INFO runs, DBSIZE (no `loading` flag) is refused.
    let info = text(&ask(&mut sim, a1, 2, "INFO persistence"));
    assert!(info.contains("\r\nloading:1\r\n"), "{info}");
    assert!(info.contains("\r\nloading_total_bytes:"), "{info}");
    assert!(info.contains("\r\nloading_eta_seconds:"), "{info}");
    assert_eq!(
        ask(&mut sim, a1, 3, "DBSIZE"),
        Value::err("LOADING Redis is loading the dataset in memory")
    );
    let repl = text(&ask(&mut sim, a1, 2, "INFO replication"));
    assert!(repl.contains("master_link_status:down"), "{repl}");

    // A learns the offset 0 from A1's bus messages, and hides it.
    assert!(
        sim.run_until_pred(started + 3000, |s| offset_seen_by_a(s) == Some(0)),
        "A hears offset 0 from its loading replica"
    );
    assert!(sim.node(a1).loading_rdb(), "still loading at {}", sim.now());
    let id = a1_id.to_string();
    assert!(!lists(&ask(&mut sim, a, 1, "CLUSTER SLOTS"), &id));
    let shards = ask(&mut sim, a, 1, "CLUSTER SHARDS");
    assert_eq!(health(&shards, &id).as_deref(), Some("loading"));

    // No delay any more: the rest loads at once, the link comes up, and A
    // lists A1 again once A1 announces its offset.
    assert_eq!(
        ask(&mut sim, a1, 2, "CONFIG SET key-load-delay 0"),
        Value::ok()
    );
    let t1 = sim.now();
    assert!(
        sim.run_until_pred(t1 + 500, |s| !s.node(a1).loading_rdb()),
        "the load ends"
    );
    assert_eq!(ask(&mut sim, a1, 3, "DBSIZE"), Value::Integer(1001));
    let repl = text(&ask(&mut sim, a1, 2, "INFO replication"));
    assert!(repl.contains("master_link_status:up"), "{repl}");
    assert!(
        sim.run_until_pred(t1 + 5000, |s| offset_seen_by_a(s).is_some_and(|o| o > 0)),
        "A hears A1's offset again"
    );
    assert!(lists(&ask(&mut sim, a, 1, "CLUSTER SLOTS"), &id));
    let shards = ask(&mut sim, a, 1, "CLUSTER SHARDS");
    assert_eq!(health(&shards, &id).as_deref(), Some("online"));
}
