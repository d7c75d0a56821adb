//! `redis-cli --cluster info` and `--cluster check` (redis-cli.c 7.0:
//! clusterManagerShowClusterInfo, clusterManagerCheckCluster) printed from
//! the simulated cluster, line for line as redis-cli prints them.

use crate::common;
use clusterlab_core::lesson::{parse, Session};
use clusterlab_core::node::ClientId;
use clusterlab_core::sim::{CliReport, Sim};
use common::{cluster, idx, run_for};

const T: u64 = 2000;

fn send(sim: &mut Sim, n: usize, args: &[&str]) {
    let args = args.iter().map(|a| a.as_bytes().to_vec()).collect();
    sim.command(n, ClientId(1), args);
}

fn id(sim: &Sim, name: &str) -> String {
    sim.node(idx(sim, name)).id().to_string()
}

/// A healthy 3 × 1 cluster: one info line per master (DBSIZE, slots,
/// replicas), then every node with its slots, and the three [OK] checks.
#[test]
fn a_healthy_cluster_checks_ok_line_for_line() {
    let mut sim = common::cluster_as_created(3, 1, T, 7);
    let a = idx(&sim, "A");
    send(&mut sim, a, &["SET", "user:1000", "x"]);
    let report = sim.cluster_report(a, CliReport::Check);
    let lines: Vec<&str> = report.lines().collect();
    let (ida, idb) = (id(&sim, "A"), id(&sim, "B"));
    assert_eq!(
        lines[0],
        format!(
            "127.0.0.1:7000 ({}...) -> 1 keys | 5461 slots | 1 slaves.",
            &ida[..8]
        ),
        "{report}"
    );
    assert!(report.contains(&format!(
        "127.0.0.1:7001 ({}...) -> 0 keys | 5462 slots | 1 slaves.\n",
        &idb[..8]
    )));
    assert!(report.contains("[OK] 1 keys in 3 masters.\n0.00 keys per slot on average.\n"));
    assert!(report.contains(">>> Performing Cluster Check (using node 127.0.0.1:7000)\n"));
    assert!(report.contains(&format!(
        "M: {ida} 127.0.0.1:7000\n   slots:[0-5460] (5461 slots) master\n   1 additional replica(s)\n"
    )));
    assert!(report.contains(&format!(
        "S: {} 127.0.0.1:7003\n   slots: (0 slots) slave\n   replicates {ida}\n",
        id(&sim, "A1")
    )));
    assert!(report.ends_with(
        "[OK] All nodes agree about slots configuration.\n>>> Check for open slots...\n>>> Check slots coverage...\n[OK] All 16384 slots covered.\n"
    ));
    // info is the first part of check.
    let info = sim.cluster_report(a, CliReport::Info);
    assert!(report.starts_with(&info), "{info}");
    assert_eq!(info.lines().count(), 5);
}

/// A slot left MIGRATING on its owner is reported on the node and in the
/// list of open slots (what `--cluster fix` would then close).
#[test]
fn an_open_slot_is_a_warning() {
    let mut sim = cluster(3, 1, T, 8);
    let (a, b) = (idx(&sim, "A"), idx(&sim, "B"));
    let (ida, idb) = (id(&sim, "A"), id(&sim, "B"));
    send(
        &mut sim,
        a,
        &["CLUSTER", "SETSLOT", "1649", "MIGRATING", &idb],
    );
    send(
        &mut sim,
        b,
        &["CLUSTER", "SETSLOT", "1649", "IMPORTING", &ida],
    );
    let report = sim.cluster_report(b, CliReport::Check);
    assert!(report.contains(">>> Performing Cluster Check (using node 127.0.0.1:7001)\n"));
    assert!(report.contains("[WARNING] Node 127.0.0.1:7000 has slots in migrating state 1649.\n"));
    assert!(report.contains("[WARNING] Node 127.0.0.1:7001 has slots in importing state 1649.\n"));
    assert!(report.contains("[WARNING] The following slots are open: 1649.\n"));
    assert!(
        report.contains("[OK] All 16384 slots covered.\n"),
        "{report}"
    );
}

/// A whole shard lost: the entry node flags the dead master `fail`, so
/// redis-cli skips it (after failing to connect to it), and its slots are
/// covered by nobody it loaded.
#[test]
fn a_lost_shard_leaves_slots_uncovered() {
    let mut sim = cluster(3, 1, T, 9);
    let (a, a1, b) = (idx(&sim, "A"), idx(&sim, "A1"), idx(&sim, "B"));
    sim.crash(a1);
    sim.crash(a);
    run_for(&mut sim, 6 * T);
    let report = sim.cluster_report(b, CliReport::Check);
    assert!(report.contains("Could not connect to Redis at 127.0.0.1:7000: Connection refused\n"));
    assert!(report.contains("Could not connect to Redis at 127.0.0.1:7003: Connection refused\n"));
    assert!(report.contains(" keys in 2 masters.\n"), "{report}");
    assert!(!report.contains("127.0.0.1:7000 ("));
    assert!(report.ends_with(
        ">>> Check slots coverage...\n[ERR] Not all 16384 slots are covered by nodes.\n\n"
    ));
    // The entry node itself down: nothing else is printed.
    assert_eq!(
        sim.cluster_report(a, CliReport::Info),
        "Could not connect to Redis at 127.0.0.1:7000: Connection refused\n"
    );
}

/// The lesson console runs it with the console's node as entry, or the
/// address given, and explains what it does not simulate.
#[test]
fn the_lesson_console_runs_redis_cli() {
    let lesson = parse("t.md", "---\nid: t\ntitle: T\norder: 1\nseed: 3\n---\n").unwrap();
    let mut s = Session::start(&lesson).unwrap();
    let args = |line: &str| line.split(' ').map(String::from).collect::<Vec<_>>();
    let out = s.command("B", &args("redis-cli --cluster check")).unwrap();
    assert!(out.contains("(using node 127.0.0.1:7001)"), "{out}");
    let out = s
        .command("B", &args("redis-cli --cluster info 127.0.0.1:7002"))
        .unwrap();
    assert!(out.starts_with("127.0.0.1:7002 ("), "{out}");
    let out = s
        .command("B", &args("redis-cli --cluster info 127.0.0.1:7999"))
        .unwrap();
    assert_eq!(
        out,
        "Could not connect to Redis at 127.0.0.1:7999: Connection refused\n"
    );
    let err = s
        .command("B", &args("redis-cli --cluster reshard"))
        .unwrap_err();
    assert!(
        err.0.contains("`redis-cli --cluster check [host:port]`"),
        "{err}"
    );
    let err = s
        .command("B", &args("redis-cli --cluster check nowhere"))
        .unwrap_err();
    assert!(err.0.contains("is not host:port"), "{err}");
}
