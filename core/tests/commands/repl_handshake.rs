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
    let loaded = clusterlab_core::rdb::file::decode(&rdb).unwrap();
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
    sim.command(a1, ClientId(2), args("READONLY"));
    assert_eq!(
        sim.command(a1, ClientId(2), args(&format!("GET {key}"))),
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
    sim.command(a1, ClientId(2), args("READONLY"));
    assert_eq!(
        sim.command(a1, ClientId(2), args(&format!("GET {key}"))),
        Some(Value::bulk("synced"))
    );
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
