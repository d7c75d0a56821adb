//! `redis-cli --cluster` resharding commands against clusterlab-nodes:
//! add-node, rebalance onto an empty master, reshard, del-node, add-node
//! as a replica, with keys moving by MIGRATE between the nodes.

use crate::common::native;
use native::{redis_cli, require_redis_tools, wait_for, NodeProc};
use std::time::Duration;

fn tool(args: &[&str]) -> String {
    let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    redis_cli(&args, Duration::from_secs(120))
}

/// `--cluster check` output, asserting a healthy cluster with `keys` keys.
fn check_ok(addr: &str, keys: usize) -> String {
    let check = tool(&["--cluster", "check", addr]);
    assert!(
        check.contains("[OK] All nodes agree about slots configuration."),
        "{check}"
    );
    assert!(check.contains("[OK] All 16384 slots covered."), "{check}");
    assert!(!check.contains("[WARNING]"), "open slots left: {check}");
    assert!(check.contains(&format!("[OK] {keys} keys in ")), "{check}");
    check
}

fn wait_state_ok(node: &NodeProc) {
    wait_for(Duration::from_secs(15), "cluster_state:ok", || {
        node.cli(&["cluster", "info"]).contains("cluster_state:ok")
    });
}

#[test]
fn add_node_rebalance_reshard_and_del_node_move_keys_and_slots() {
    require_redis_tools();
    let nodes: Vec<NodeProc> = (0..5).map(|_| NodeProc::start(2000)).collect();
    let (seed, new_master, new_replica) = (&nodes[0], &nodes[3], &nodes[4]);
    let out = tool(&[
        "--cluster",
        "create",
        &nodes[0].addr(),
        &nodes[1].addr(),
        &nodes[2].addr(),
        "--cluster-yes",
    ]);
    assert!(out.contains("[OK] All 16384 slots covered."), "{out}");
    // `-c` follows MOVED to every master: each must be ok, not only the seed.
    nodes[..3].iter().for_each(wait_state_ok);
    for i in 0..100 {
        let (k, v) = (format!("key:{i}"), format!("value:{i}"));
        assert_eq!(seed.cli(&["-c", "set", &k, &v]).trim(), "OK");
    }
    check_ok(&seed.addr(), 100);

    let out = tool(&["--cluster", "add-node", &new_master.addr(), &seed.addr()]);
    assert!(out.contains("[OK] New node added correctly."), "{out}");
    wait_state_ok(new_master);
    let out = tool(&[
        "--cluster",
        "rebalance",
        &seed.addr(),
        "--cluster-use-empty-masters",
    ]);
    assert!(out.contains("Moving"), "{out}");
    let check = check_ok(&seed.addr(), 100);
    assert!(check.matches("| 4096 slots |").count() == 4, "{check}");

    // Move everything back off the new master, then remove it.
    let id = |n: &NodeProc| n.cli(&["cluster", "myid"]).trim().to_string();
    let (from, to) = (id(new_master), id(seed));
    tool(&[
        "--cluster",
        "reshard",
        &seed.addr(),
        "--cluster-from",
        &from,
        "--cluster-to",
        &to,
        "--cluster-slots",
        "4096",
        "--cluster-yes",
    ]);
    let check = check_ok(&seed.addr(), 100);
    assert!(check.contains("| 8192 slots |"), "{check}");
    let out = tool(&["--cluster", "del-node", &seed.addr(), &from]);
    assert!(out.contains("RESET SOFT"), "{out}");
    wait_for(Duration::from_secs(10), "the node to be forgotten", || {
        seed.cli(&["cluster", "nodes"]).lines().count() == 3
    });

    // A replica joins with --cluster-slave and gets the master's data.
    let out = tool(&[
        "--cluster",
        "add-node",
        &new_replica.addr(),
        &seed.addr(),
        "--cluster-slave",
    ]);
    assert!(out.contains("[OK] New node added correctly."), "{out}");
    wait_for(Duration::from_secs(15), "the replica to sync", || {
        new_replica.info_field("master_link_status").as_deref() == Some("up")
    });
    let master_keys = seed.cli(&["dbsize"]);
    wait_for(Duration::from_secs(10), "the replica's keys", || {
        new_replica.cli(&["dbsize"]) == master_keys
    });
    check_ok(&seed.addr(), 100);
}
