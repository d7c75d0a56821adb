//! `repl-diskless-load swapdb` on a clusterlab replica whose master's RDB
//! child is slowed by `rdb-key-save-delay`, the master being a
//! clusterlab-node or a real redis-server 7.0.15 (Redis's tests/cluster
//! 17-diskless-load-swapdb, focused; `core/tests/commands/repl_swapdb.rs`
//! runs it in the simulator). The restarted replica continues its master's
//! history, so the full resync loads asynchronously: `async_loading:1`, the
//! old keyspace served. Killing the master mid-transfer leaves the old
//! keyspace and its slot index as they were. docs/redis-behaviour.md §26.

use crate::common::native::mixed::{one_master_cluster, replicate, tag_in, Member};
use crate::common::native::{require_redis_tools, wait_for, NodeProc, RealRedis};
use clusterlab_core::slot::key_slot;
use std::time::Duration;

fn persistence_field(node: &dyn Member, field: &str) -> String {
    node.info_in("persistence", field)
        .unwrap_or_else(|| panic!("no {field} in INFO persistence"))
}

fn master_dies_mid_transfer<M: Member>(mut master: M, kill: fn(&mut M)) {
    let mut replica = NodeProc::start_with(2000, &["--repl-diskless-load", "swapdb"]);
    one_master_cluster(&master, &replica);
    replicate(&replica, &master);
    for (name, value) in [
        ("repl-backlog-size", "1024"),
        ("repl-diskless-sync", "yes"),
        ("repl-diskless-sync-delay", "0"),
        ("rdb-key-save-delay", "10000"),
        ("rdbcompression", "no"),
    ] {
        assert_eq!(master.run(&["config", "set", name, value]).trim(), "OK");
    }
    let key = format!("{{{}}}k", tag_in(0..=16383));
    assert_eq!(master.run(&["set", &key, "1"]).trim(), "OK");
    wait_for(
        Duration::from_secs(10),
        "the replica to get the key",
        || replica.replica_get(&key).as_deref() == Some("1"),
    );
    assert_eq!(replica.cli(&["save"]).trim(), "OK");
    replica.kill();

    // Past the master's backlog: the restarted replica resyncs in full,
    // 2000 keys at 10 ms each (20 s of RDB).
    assert_eq!(master.run(&["del", &key]).trim(), "1");
    let mut conn = master.conn();
    let value = "A".repeat(1024);
    let mut pipe = redis::pipe();
    for j in 0..2000 {
        pipe.cmd("SET").arg(j).arg(&value).ignore();
    }
    pipe.query::<()>(&mut conn).unwrap();
    replica.spawn();
    wait_for(Duration::from_secs(10), "async_loading:1", || {
        persistence_field(&replica, "async_loading") == "1"
    });
    assert_eq!(persistence_field(&replica, "loading"), "0");
    assert_eq!(replica.replica_get(&key).as_deref(), Some("1"));

    kill(&mut master);
    wait_for(Duration::from_secs(10), "async_loading:0", || {
        persistence_field(&replica, "async_loading") == "0"
    });
    assert_eq!(replica.replica_get(&key).as_deref(), Some("1"));
    let slot = key_slot(key.as_bytes()).to_string();
    assert_eq!(
        replica
            .cli(&["cluster", "getkeysinslot", &slot, "1"])
            .trim(),
        key
    );
    assert_eq!(replica.cli(&["dbsize"]).trim(), "1");
}

#[test]
fn swapdb_keeps_the_old_keyspace_when_a_clusterlab_master_dies() {
    require_redis_tools();
    master_dies_mid_transfer(NodeProc::start(2000), NodeProc::kill);
}

#[test]
fn swapdb_keeps_the_old_keyspace_when_a_real_master_dies() {
    require_redis_tools();
    master_dies_mid_transfer(RealRedis::start(2000), RealRedis::kill);
}
