//! A mixed cluster: real redis-server 7.0 nodes and a clusterlab-node on the
//! real cluster bus protocol. The real nodes must list it as connected,
//! agree on slots with it, redirect to it, and mark it FAIL when it dies.
#![cfg(feature = "net")]

mod native;

use native::{redis_cli, require_redis_tools, wait_for, NodeProc, RealRedis};
use std::time::Duration;

#[test]
fn a_clusterlab_node_joins_real_redis_nodes_over_the_real_bus() {
    require_redis_tools();
    let real = [RealRedis::start(2000), RealRedis::start(2000)];
    let mut ours = NodeProc::start(2000);
    let first = real[0].port.to_string();
    assert_eq!(
        real[1]
            .cli(&["cluster", "meet", "127.0.0.1", &first])
            .trim(),
        "OK"
    );
    assert_eq!(
        ours.cli(&["cluster", "meet", "127.0.0.1", &first]).trim(),
        "OK"
    );
    let our_addr = format!("127.0.0.1:{}@{}", ours.port, ours.port + 10000);
    wait_for(
        Duration::from_secs(15),
        "real nodes to list ours as connected",
        || {
            real.iter().all(|r| {
                r.cli(&["cluster", "nodes"]).lines().any(|l| {
                    l.contains(&our_addr) && l.contains(" master - ") && l.ends_with("connected")
                })
            })
        },
    );
    real[0].cli(&["cluster", "addslotsrange", "0", "5460"]);
    real[1].cli(&["cluster", "addslotsrange", "5461", "10922"]);
    ours.cli(&["cluster", "addslotsrange", "10923", "16383"]);
    wait_for(
        Duration::from_secs(15),
        "cluster_state:ok everywhere",
        || {
            real.iter()
                .all(|r| r.cli(&["cluster", "info"]).contains("cluster_state:ok"))
                && ours.cli(&["cluster", "info"]).contains("cluster_state:ok")
        },
    );
    let check = redis_cli(
        &[
            "--cluster".into(),
            "check".into(),
            format!("127.0.0.1:{}", real[0].port),
        ],
        Duration::from_secs(20),
    );
    assert!(
        check.contains("[OK] All nodes agree about slots configuration."),
        "{check}"
    );
    assert!(check.contains("[OK] All 16384 slots covered."), "{check}");
    // "foo" is in slot 12182, ours: a real node redirects there.
    assert_eq!(real[0].cli(&["-c", "set", "foo", "bar"]).trim(), "OK");
    assert_eq!(ours.cli(&["get", "foo"]).trim(), "bar");
    ours.kill();
    wait_for(
        Duration::from_secs(20),
        "real nodes to mark ours FAIL",
        || {
            real.iter().all(|r| {
                r.cli(&["cluster", "nodes"])
                    .lines()
                    .any(|l| l.contains(&our_addr) && l.contains("master,fail "))
            })
        },
    );
    ours.spawn();
    wait_for(
        Duration::from_secs(20),
        "the FAIL flag to clear on its return",
        || {
            real.iter()
                .all(|r| r.cli(&["cluster", "info"]).contains("cluster_state:ok"))
        },
    );
}
