//! The replication handshake in the simulator, through the core's one
//! implementation (`replication.c`): a restarted replica PSYNCs from the
//! RDB its last full resync left (`+CONTINUE`), or, with nothing to continue
//! from, its master waits `repl-diskless-sync-delay` (7.0: 5 s) for more
//! replicas before `+FULLRESYNC` and the RDB (`shouldStartChildReplication`), and INFO's
//! `master_link_status` / ROLE follow the replica's `repl_state`. A replica
//! whose link is killed continues with `+CONTINUE` from the backlog
//! (`masterTryPartialResynchronization`); CLIENT LIST shows the links with
//! the flags `M` and `S` (`catClientInfoString`).

use crate::common;
use clusterlab_core::event::Event;
use clusterlab_core::node::ClientId;
use clusterlab_core::resp::Value;
use clusterlab_core::sim::Sim;
use common::{idx, quiet_cluster, run_for, text};

fn args(line: &str) -> Vec<Vec<u8>> {
    line.split(' ').map(|a| a.as_bytes().to_vec()).collect()
}

fn info_field(sim: &mut Sim, node: usize, field: &str) -> String {
    let info = text(
        &sim.command(node, ClientId(1), args("INFO replication"))
            .unwrap(),
    );
    info.lines()
        .find_map(|l| l.strip_prefix(&format!("{field}:")))
        .unwrap_or_else(|| panic!("no {field} in {info}"))
        .to_string()
}

/// A key whose slot `node` serves (GET answers nil, not MOVED).
fn key_served_by(sim: &mut Sim, node: usize) -> String {
    (0..)
        .map(|i| format!("k{i}"))
        .find(|k| sim.command(node, ClientId(1), args(&format!("GET {k}"))) == Some(Value::Null))
        .expect("a key of the node's slots")
}

/// `key` read on replica `node` (READONLY first).
fn replica_get(sim: &mut Sim, node: usize, key: &str) -> Option<Value> {
    sim.command(node, ClientId(2), args("READONLY"));
    sim.command(node, ClientId(2), args(&format!("GET {key}")))
}

/// Replication events of node `node` since trace index `from`, with their time.
fn repl_events(sim: &Sim, from: usize, node: usize) -> Vec<(u64, String)> {
    sim.trace()[from..]
        .iter()
        .filter(|e| e.node == node)
        .filter_map(|e| match &e.event {
            Event::Replication { what } => Some((e.t.ms(), what.clone())),
            _ => None,
        })
        .collect()
}

/// A replica killed and restarted loads the RDB its full resync left on
/// disk (`readSyncBulkPayload` with `repl-diskless-load disabled`: the
/// master's RDB renamed over `dbfilename`), which names its master's
/// history and offset: it PSYNCs from there and continues at once
/// (`+CONTINUE`), with the writes made while it was down. Measured on
/// redis-server 7.0.15: "Successful partial resynchronization" right
/// after the restart, no `repl-diskless-sync-delay` wait.
#[test]
fn restarted_replica_continues_from_the_rdb_its_sync_left() {
    let mut sim = quiet_cluster();
    run_for(&mut sim, 10_000);
    let (a, a1) = (idx(&sim, "A"), idx(&sim, "A1"));
    assert_eq!(info_field(&mut sim, a1, "master_link_status"), "up");
    let rdb = sim.nodes()[a1].disk.read("dump.rdb").map(<[u8]>::to_vec);
    let rdb = rdb.expect("the full resync left dump.rdb on the replica's disk");
    let loaded = clusterlab_core::rdb::file::decode(&rdb, Default::default()).unwrap();
    let history = loaded.repl.expect("the RDB names the master's history");
    assert_eq!(history.replid, info_field(&mut sim, a, "master_replid"));

    let key = key_served_by(&mut sim, a);
    sim.command(a, ClientId(1), args(&format!("SET {key} before")));
    run_for(&mut sim, 500);
    sim.crash(a1);
    sim.command(a, ClientId(1), args(&format!("APPEND {key} -while-down")));
    run_for(&mut sim, 500);
    let from = sim.trace().len();
    sim.restart(a1);
    run_for(&mut sim, 1_500);
    assert_eq!(info_field(&mut sim, a1, "master_link_status"), "up");
    let replica = repl_events(&sim, from, a1);
    let psync = format!("PSYNC {} {}: ", history.replid, history.offset + 1);
    assert!(
        replica.iter().any(|(_, w)| w.starts_with(&psync)),
        "{replica:?}"
    );
    assert!(
        replica.iter().any(|(_, w)| w.starts_with("+CONTINUE")),
        "{replica:?}"
    );
    assert!(!replica.iter().any(|(_, w)| w.starts_with("+FULLRESYNC")));
    let stats = text(&sim.command(a, ClientId(1), args("INFO stats")).unwrap());
    assert!(stats.contains("sync_partial_ok:1"), "{stats}");
    assert_eq!(
        replica_get(&mut sim, a1, &key),
        Some(Value::bulk("before-while-down"))
    );
}

/// Why a replica with `appendonly yes` waits about 5 s after a restart:
/// it loads its AOF, whose base has no replication history (an AOF
/// rewrite's RDB preamble is saved without it), so its PSYNC asks for a
/// full resync, which the master answers only when its
/// `replicationCron` sees the replica waited `repl-diskless-sync-delay`
/// (7.0: 5 s). Meanwhile it serves what its AOF held: the full resync
/// had restarted the AOF (`restartAOFAfterSYNC`), so the synced data is
/// in its base, not only the writes streamed after.
#[test]
fn restarted_replica_with_aof_waits_the_diskless_delay() {
    let mut sim = common::quiet_cluster_with(5000, &[("appendonly", "yes")]);
    let (a, a1) = (idx(&sim, "A"), idx(&sim, "A1"));
    assert_eq!(info_field(&mut sim, a1, "master_link_status"), "up");
    sim.crash(a1);
    // Written while A1 is down: it reaches A1 in the full resync's RDB.
    let key = key_served_by(&mut sim, a);
    sim.command(a, ClientId(1), args(&format!("SET {key} synced")));
    run_for(&mut sim, 500);
    let from = sim.trace().len();
    let restarted = sim.now().ms();
    sim.restart(a1);
    run_for(&mut sim, 1_000);
    assert_eq!(info_field(&mut sim, a1, "master_link_status"), "down");
    assert_eq!(info_field(&mut sim, a1, "master_sync_in_progress"), "0");
    let role = sim.command(a1, ClientId(1), args("ROLE")).unwrap();
    assert_eq!(
        role,
        Value::Array(vec![
            Value::bulk("slave"),
            Value::bulk("127.0.0.1"),
            Value::Integer(i64::from(sim.node(a).view().myself().unwrap().port)),
            Value::bulk("handshake"),
            Value::Integer(-1),
        ])
    );
    run_for(&mut sim, 7_000);
    assert_eq!(info_field(&mut sim, a1, "master_link_status"), "up");
    let replica = repl_events(&sim, from, a1);
    // Its own new history (`replicationCacheMasterUsingMyself` when it
    // becomes a replica), which the master does not know.
    let psync = replica
        .iter()
        .find(|(_, w)| w.starts_with("PSYNC "))
        .expect("the replica sent PSYNC");
    let master_id = info_field(&mut sim, a, "master_replid");
    assert!(!psync.1.contains(&master_id), "{psync:?}");
    let full = replica
        .iter()
        .find(|(_, w)| w.starts_with("+FULLRESYNC "))
        .expect("the master answered +FULLRESYNC");
    // Idle time counts in whole seconds (`server.unixtime -
    // slave->lastinteraction`) and the cron runs once a second: between 4
    // and 6 s, as on a real 7.0 master.
    let waited = full.0 - psync.0;
    assert!(
        (4_000..=6_100).contains(&waited),
        "FULLRESYNC came {waited} ms after PSYNC (restart at {restarted})"
    );
    let master = repl_events(&sim, from, a);
    assert!(master
        .iter()
        .any(|(_, w)| w == "Starting BGSAVE for SYNC with target: replicas sockets"));
    // The master lists its online replica; the replica its master link.
    let list = text(
        &sim.command(a, ClientId(1), args("CLIENT LIST TYPE replica"))
            .unwrap(),
    );
    assert!(list.contains("flags=S"), "{list}");
    let list = text(
        &sim.command(a1, ClientId(1), args("CLIENT LIST TYPE master"))
            .unwrap(),
    );
    assert!(list.contains("flags=M"), "{list}");

    // Killed again, A1 loads its AOF: the key the RDB brought is there.
    sim.crash(a1);
    sim.restart(a1);
    run_for(&mut sim, 1_000);
    assert_eq!(info_field(&mut sim, a1, "master_link_status"), "down");
    assert_eq!(replica_get(&mut sim, a1, &key), Some(Value::bulk("synced")));
}

/// A killed link continues from the backlog: `+CONTINUE`, no delay, no
/// full resync (`sync_partial_ok`).
#[test]
fn killed_link_continues_partially() {
    let mut sim = quiet_cluster();
    run_for(&mut sim, 10_000);
    let (a, a1) = (idx(&sim, "A"), idx(&sim, "A1"));
    let from = sim.trace().len();
    let killed = sim
        .command(a, ClientId(1), args("CLIENT KILL TYPE replica"))
        .unwrap();
    assert_eq!(killed, Value::Integer(1));
    run_for(&mut sim, 1_500);
    assert_eq!(info_field(&mut sim, a1, "master_link_status"), "up");
    let replica = repl_events(&sim, from, a1);
    assert!(
        replica.iter().any(|(_, w)| w.starts_with("+CONTINUE")),
        "{replica:?}"
    );
    let stats = text(&sim.command(a, ClientId(1), args("INFO stats")).unwrap());
    assert!(stats.contains("sync_partial_ok:1"), "{stats}");
    // And from the replica's side: CLIENT KILL TYPE master.
    let killed = sim
        .command(a1, ClientId(1), args("CLIENT KILL TYPE master"))
        .unwrap();
    assert_eq!(killed, Value::Integer(1));
    run_for(&mut sim, 1_500);
    assert_eq!(info_field(&mut sim, a1, "master_link_status"), "up");
}

/// PSYNC, SYNC and REPLCONF are table entries with 7.0's COMMAND INFO
/// (flags from `commands/psync.json`, `sync.json`, `replconf.json`).
#[test]
fn command_info_as_redis_7_0() {
    let mut sim = quiet_cluster();
    let a = idx(&sim, "A");
    let info = sim
        .command(a, ClientId(1), args("COMMAND INFO psync replconf"))
        .unwrap();
    let Value::Array(entries) = info else {
        panic!("{info:?}")
    };
    let flags = |e: &Value| match e {
        Value::Array(f) => match &f[2] {
            Value::Set(w) => w.iter().map(text).collect::<Vec<_>>(),
            v => panic!("{v:?}"),
        },
        v => panic!("{v:?}"),
    };
    assert_eq!(
        flags(&entries[0]),
        ["admin", "noscript", "no_async_loading", "no_multi"]
    );
    assert_eq!(
        flags(&entries[1]),
        ["admin", "noscript", "loading", "stale", "allow_busy"]
    );
    sim.command(a, ClientId(2), args("MULTI"));
    assert_eq!(
        sim.command(a, ClientId(2), args("SYNC")),
        Some(Value::err("ERR Command not allowed inside a transaction"))
    );
}

/// `repl-diskless-sync no`: the master's full resync is an ordinary
/// BGSAVE of `dbfilename` (`startBgsaveForReplication` →
/// `rdbSaveBackground`, counted in `rdb_saves`), started at once without
/// the diskless delay, and the file it leaves names the master's history.
/// With `rdb-del-sync-files yes` and nothing else persisted, the file is
/// removed once the replicas have it; so is the one the replica loaded.
#[test]
fn a_disk_based_sync_saves_the_masters_rdb_first() {
    for delete in [false, true] {
        let mut params = vec![("repl-diskless-sync", "no")];
        if delete {
            params.extend([("save", ""), ("rdb-del-sync-files", "yes")]);
        }
        let sim = common::quiet_cluster_with(5000, &params);
        let (a, a1) = (idx(&sim, "A"), idx(&sim, "A1"));
        let master = repl_events(&sim, 0, a);
        assert!(
            master
                .iter()
                .any(|(_, w)| w == "Starting BGSAVE for SYNC with target: disk"),
            "{master:?}"
        );
        let replica = repl_events(&sim, 0, a1);
        let psync = replica.iter().find(|(_, w)| w.starts_with("PSYNC "));
        let full = replica.iter().find(|(_, w)| w.starts_with("+FULLRESYNC "));
        let (Some(psync), Some(full)) = (psync, full) else {
            panic!("{replica:?}")
        };
        assert!(full.0 - psync.0 < 1_000, "{psync:?} {full:?}");
        let mut sim = sim;
        let persistence = text(
            &sim.command(a, ClientId(1), args("INFO persistence"))
                .unwrap(),
        );
        assert!(persistence.contains("\r\nrdb_saves:1\r\n"), "{persistence}");
        let on_disk = |sim: &Sim, node: usize| sim.nodes()[node].disk.read("dump.rdb").is_some();
        if delete {
            assert!(!on_disk(&sim, a) && !on_disk(&sim, a1));
            continue;
        }
        let rdb = sim.nodes()[a]
            .disk
            .read("dump.rdb")
            .expect("the master's dump.rdb");
        let loaded = clusterlab_core::rdb::file::decode(rdb, Default::default()).unwrap();
        let history = loaded.repl.expect("the RDB names the master's history");
        assert_eq!(history.replid, info_field(&mut sim, a, "master_replid"));
        assert!(on_disk(&sim, a1));
    }
}

/// `repl-diskless-load on-empty-db` (`useDisklessLoad`): a replica with no
/// key loads the RDB from the socket and writes no file; one holding keys
/// loads it through `dbfilename`, as `disabled` does.
#[test]
fn on_empty_db_loads_from_the_socket_only_when_empty() {
    let params = [
        ("repl-diskless-load", "on-empty-db"),
        ("enable-debug-command", "yes"),
    ];
    let mut sim = common::quiet_cluster_with(5000, &params);
    let (a, a1) = (idx(&sim, "A"), idx(&sim, "A1"));
    let on_disk = |sim: &Sim| sim.nodes()[a1].disk.read("dump.rdb").is_some();
    assert!(!on_disk(&sim), "the first sync, into an empty keyspace");

    // A1 holds keys of its own; its link drops and A's backlog no longer
    // reaches its offset, so the next sync is full.
    let populate = sim.command(a1, ClientId(1), args("DEBUG POPULATE 10 mine"));
    assert_eq!(populate, Some(Value::ok()));
    for line in [
        "CONFIG SET repl-backlog-size 16384",
        "CLIENT KILL TYPE replica",
    ] {
        assert!(sim.command(a, ClientId(1), args(line)).is_some());
    }
    let key = key_served_by(&mut sim, a);
    let big = "x".repeat(20_000);
    sim.command(a, ClientId(1), args(&format!("SET {key} {big}")));
    let from = sim.trace().len();
    run_for(&mut sim, 8_000);
    assert_eq!(info_field(&mut sim, a1, "master_link_status"), "up");
    let replica = repl_events(&sim, from, a1);
    assert!(
        replica.iter().any(|(_, w)| w.starts_with("+FULLRESYNC ")),
        "{replica:?}"
    );
    assert!(on_disk(&sim), "the full sync into a keyspace with keys");
}

/// DEBUG CHANGE-REPL-ID (debug.c): the master's history gets a new ID and
/// no secondary one, so its replica, reconnecting, cannot continue and
/// resyncs in full.
#[test]
fn debug_change_repl_id_forces_a_full_resync() {
    let mut sim = common::quiet_cluster_with(5000, &[("enable-debug-command", "yes")]);
    let (a, a1) = (idx(&sim, "A"), idx(&sim, "A1"));
    let before = info_field(&mut sim, a, "master_replid");
    let changed = sim.command(a, ClientId(1), args("DEBUG CHANGE-REPL-ID"));
    assert_eq!(changed, Some(Value::ok()));
    let after = info_field(&mut sim, a, "master_replid");
    assert_ne!(before, after);
    assert_eq!(
        info_field(&mut sim, a, "master_replid2"),
        "0000000000000000000000000000000000000000"
    );
    let from = sim.trace().len();
    sim.command(a, ClientId(1), args("CLIENT KILL TYPE replica"));
    run_for(&mut sim, 8_000);
    assert_eq!(info_field(&mut sim, a1, "master_link_status"), "up");
    let replica = repl_events(&sim, from, a1);
    assert!(
        replica
            .iter()
            .any(|(_, w)| w.starts_with(&format!("PSYNC {before} "))),
        "{replica:?}"
    );
    assert!(
        replica
            .iter()
            .any(|(_, w)| w.starts_with(&format!("+FULLRESYNC {after} "))),
        "{replica:?}"
    );
    let stats = text(&sim.command(a, ClientId(1), args("INFO stats")).unwrap());
    assert!(stats.contains("sync_full:2"), "{stats}");
}
