//! A replica killed with `kill -9` and restarted (replication.c
//! `readSyncBulkPayload`, server.c `loadDataFromDisk`): with
//! `repl-diskless-load disabled`, its full resync left the master's RDB as
//! its `dump.rdb`, naming the master's history and offset, so the restarted
//! replica loads it and continues with a partial resync, getting the
//! writes made while it was down. Played on two redis-server 7.0.15
//! processes and on two clusterlab-nodes, with the same outcome.

use crate::common::native::mixed::{one_master_cluster, replicate, tag_in, Member};
use crate::common::native::{require_redis_tools, wait_for, NodeProc, RealRedis};
use std::time::Duration;

fn stat(node: &dyn Member, field: &str) -> String {
    node.info_in("stats", field)
        .unwrap_or_else(|| panic!("no {field} in INFO stats"))
}

/// Syncs `replica` with `master`, kills it, writes, restarts it: the
/// master counts one full sync and one partial resync, and the replica
/// serves the write it missed.
fn restart_replica<M: Member>(master: M, mut replica: M, kill: fn(&mut M), spawn: fn(&mut M)) {
    one_master_cluster(&master, &replica);
    replicate(&replica, &master);
    let key = format!("{{{}}}k", tag_in(0..=16383));
    assert_eq!(master.run(&["set", &key, "before"]).trim(), "OK");
    wait_for(
        Duration::from_secs(10),
        "the replica to get the key",
        || replica.replica_get(&key).as_deref() == Some("before"),
    );
    assert_eq!(stat(&master, "sync_full"), "1");

    kill(&mut replica);
    assert_eq!(master.run(&["append", &key, "-while-down"]).trim(), "17");
    spawn(&mut replica);
    wait_for(
        Duration::from_secs(20),
        "the replica's link to be up",
        || replica.info_field("master_link_status").as_deref() == Some("up"),
    );
    assert_eq!(stat(&master, "sync_partial_ok"), "1");
    assert_eq!(stat(&master, "sync_full"), "1");
    wait_for(
        Duration::from_secs(10),
        "the replica to serve the key",
        || replica.replica_get(&key).as_deref() == Some("before-while-down"),
    );
}

#[test]
fn a_restarted_replica_continues_from_its_sync_rdb_as_redis_does() {
    require_redis_tools();
    restart_replica(
        RealRedis::start(2000),
        RealRedis::start(2000),
        RealRedis::kill,
        RealRedis::spawn,
    );
    restart_replica(
        NodeProc::start(2000),
        NodeProc::start(2000),
        NodeProc::kill,
        NodeProc::spawn,
    );
}
