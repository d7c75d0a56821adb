//! `repl-diskless-load swapdb` against a master whose RDB child is slowed
//! by `rdb-key-save-delay` (Redis's tests/cluster 17-diskless-load-swapdb,
//! run in the simulator; `core/tests/native/diskless_load.rs` runs it on
//! real processes). The master streams the RDB in 16 KB pieces over
//! `keys × delay`; the replica, whose history the master continues, loads
//! it into a temporary keyspace and serves the old one meanwhile
//! (`async_loading:1`, `loading:0`, `no-async-loading` commands refused).
//! If the master dies mid-transfer the temporary keyspace is dropped and
//! the old one, slot index included, stays; if the transfer ends the new
//! keyspace replaces it. docs/redis-behaviour.md §26.

use crate::common;
use clusterlab_core::node::ClientId;
use clusterlab_core::resp::Value;
use clusterlab_core::sim::Sim;
use clusterlab_core::slot::key_slot;
use common::{idx, text};

/// The seed of [`common::quiet_cluster`] (`Scenario::default()`'s).
const SEED: u64 = 1;

fn args(line: &str) -> Vec<Vec<u8>> {
    line.split(' ').map(|a| a.as_bytes().to_vec()).collect()
}

fn run(sim: &mut Sim, n: usize, line: &str) -> Value {
    sim.command(n, ClientId(1), args(line))
        .unwrap_or_else(|| panic!("seed {SEED}: no reply to {line}"))
}

/// A field of `INFO persistence`.
fn persistence(sim: &mut Sim, n: usize, field: &str) -> String {
    let info = text(&run(sim, n, "INFO persistence"));
    info.lines()
        .find_map(|l| l.strip_prefix(&format!("{field}:")))
        .unwrap_or_else(|| panic!("seed {SEED}: no {field} in {info}"))
        .trim()
        .to_string()
}

/// A (master, replica) pair where the replica holds `key` = 1 and saved
/// it, is down, and the master moved on past its backlog: deleted `key`
/// and wrote `keys` keys of 1 KB (which take `keys × 10 ms` to stream).
/// The replica is restarted with `swapdb` and run until it loads
/// asynchronously; returns the indexes and the key.
fn replica_behind_a_slow_master(keys: usize) -> (Sim, usize, usize, String) {
    let mut sim = common::quiet_cluster();
    let (a, a1) = (idx(&sim, "A"), idx(&sim, "A1"));
    let key = (0..)
        .map(|i| format!("k{i}"))
        .find(|k| run(&mut sim, a, &format!("GET {k}")) == Value::Null)
        .expect("a key of A's");
    assert_eq!(run(&mut sim, a, &format!("SET {key} 1")), Value::ok());
    for line in [
        "CONFIG SET repl-backlog-size 1024",
        "CONFIG SET repl-diskless-sync yes",
        "CONFIG SET repl-diskless-sync-delay 0",
        "CONFIG SET rdb-key-save-delay 10000",
        "CONFIG SET rdbcompression no",
    ] {
        assert_eq!(run(&mut sim, a, line), Value::ok(), "{line}");
    }
    common::run_for(&mut sim, 1000);
    assert_eq!(run(&mut sim, a1, "READONLY"), Value::ok());
    assert_eq!(
        run(&mut sim, a1, &format!("GET {key}")),
        Value::bulk("1"),
        "seed {SEED}"
    );
    assert_eq!(run(&mut sim, a1, "SAVE"), Value::ok());
    common::run_for(&mut sim, 100);
    sim.crash(a1);

    // Past the backlog (16 KB at least): the replica must resync in full.
    assert_eq!(run(&mut sim, a, &format!("DEL {key}")), Value::Integer(1));
    let value = "A".repeat(1024);
    let tag = key_tag_of(&mut sim, a);
    for j in 0..keys {
        let line = format!("SET {{{tag}}}{j} {value}");
        assert_eq!(run(&mut sim, a, &line), Value::ok());
    }
    sim.restart(a1);
    assert_eq!(
        run(&mut sim, a1, "CONFIG SET repl-diskless-load swapdb"),
        Value::ok()
    );
    assert_eq!(run(&mut sim, a1, "READONLY"), Value::ok());
    let t0 = sim.now();
    assert!(
        sim.run_until_pred(t0 + 5000, |s| s.node(a1).async_loading()),
        "seed {SEED}: the replica starts loading asynchronously"
    );
    (sim, a, a1, key)
}

/// A hash tag of a slot node `n` serves.
fn key_tag_of(sim: &mut Sim, n: usize) -> String {
    (0..)
        .map(|i| format!("t{i}"))
        .find(|t| run(sim, n, &format!("GET {{{t}}}x")) == Value::Null)
        .expect("a tag of the node's")
}

#[test]
fn swapdb_keeps_the_old_keyspace_when_the_master_dies_mid_transfer() {
    let (mut sim, a, a1, key) = replica_behind_a_slow_master(2000);
    assert_eq!(persistence(&mut sim, a1, "async_loading"), "1");
    assert_eq!(persistence(&mut sim, a1, "loading"), "0");
    // The old keyspace is served meanwhile; REPLICAOF (`no-async-loading`) is not.
    assert_eq!(run(&mut sim, a1, &format!("GET {key}")), Value::bulk("1"));
    assert_eq!(
        run(&mut sim, a1, "REPLICAOF NO ONE"),
        Value::err("LOADING Redis is loading the dataset in memory")
    );
    // The master's INFO lists it as waiting for its RDB.
    let repl = text(&run(&mut sim, a, "INFO replication"));
    assert!(repl.contains("state=wait_bgsave"), "seed {SEED}: {repl}");

    sim.crash(a);
    let t1 = sim.now();
    assert!(
        sim.run_until_pred(t1 + 1000, |s| !s.node(a1).async_loading()),
        "seed {SEED}: the replica notices the master is gone"
    );
    assert_eq!(persistence(&mut sim, a1, "async_loading"), "0");
    assert_eq!(run(&mut sim, a1, &format!("GET {key}")), Value::bulk("1"));
    let slot = key_slot(key.as_bytes());
    assert_eq!(
        run(&mut sim, a1, &format!("CLUSTER GETKEYSINSLOT {slot} 1")),
        Value::Array(vec![Value::bulk(key.as_str())]),
        "seed {SEED}"
    );
    assert_eq!(run(&mut sim, a1, "DBSIZE"), Value::Integer(1));
}

#[test]
fn swapdb_swaps_in_the_new_keyspace_when_the_transfer_ends() {
    let (mut sim, a, a1, key) = replica_behind_a_slow_master(300);
    let started = sim.now();
    assert!(
        sim.run_until_pred(started + 10_000, |s| s.node(a1).master_link_up()),
        "seed {SEED}: the transfer ends"
    );
    // 300 keys at 10 ms: about 3 s of RDB, in pieces.
    let took = sim.now().since(started);
    assert!((2500..=3500).contains(&took), "seed {SEED}: took {took} ms");
    assert_eq!(persistence(&mut sim, a1, "async_loading"), "0");
    assert_eq!(run(&mut sim, a1, &format!("GET {key}")), Value::Null);
    let dbsize = run(&mut sim, a, "DBSIZE");
    assert_eq!(run(&mut sim, a1, "DBSIZE"), dbsize, "seed {SEED}");
    // The stream goes on after the RDB.
    let tag = key_tag_of(&mut sim, a);
    assert_eq!(
        run(&mut sim, a, &format!("SET {{{tag}}}after 1")),
        Value::ok()
    );
    common::run_for(&mut sim, 500);
    assert_eq!(
        run(&mut sim, a1, &format!("GET {{{tag}}}after")),
        Value::bulk("1"),
        "seed {SEED}"
    );
}
