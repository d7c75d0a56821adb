//! What native nodes write with `--trace FILE` reads back with the same reader the app imports
//! traces with: six real clusterlab-node processes formed by the real `redis-cli --cluster
//! create`, the first master killed with `kill -9`, the six files merged by time with the
//! operator's kill line. The reader recovers the cluster's shape, node timeout and the killed
//! master (and its replica), and finds the failover's moments in Redis's order.

use crate::common::native;
use clusterlab_core::trace_file::{compare, key_times, parse_trace, topology};
use native::{create_cluster, replica_of, wait_for, wait_state_ok};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

const NODE_TIMEOUT: u64 = 1000;

#[test]
fn a_native_failover_trace_reads_back_and_lines_up_with_the_simulator() {
    let mut nodes = create_cluster(NODE_TIMEOUT);
    let master_id = nodes[0].cli(&["cluster", "myid"]).trim().to_string();
    let replica = replica_of(&nodes, &master_id);
    wait_state_ok(&nodes);
    // A replica that never synced does not stand for election: 7.0 starts
    // its first full resync `repl-diskless-sync-delay` (5 s) after PSYNC.
    wait_for(Duration::from_secs(30), "the replica's first sync", || {
        nodes[replica].info_field("master_link_status").as_deref() == Some("up")
    });
    std::thread::sleep(Duration::from_millis(500));
    nodes[0].kill();
    let kill_ms = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_millis() as u64;
    wait_for(Duration::from_secs(30), "the promotion", || {
        nodes[replica].info_field("role").as_deref() == Some("master")
    });
    std::thread::sleep(Duration::from_millis(500));

    let killed = master_id[..8].to_string();
    let mut lines: Vec<(u64, String)> = nodes
        .iter()
        .flat_map(|n| n.trace().lines().map(String::from).collect::<Vec<_>>())
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(&l).expect("each trace line is JSON");
            (v["t_ms"].as_u64().expect("t_ms"), l)
        })
        .collect();
    let kill = serde_json::json!({"t_ms": kill_ms, "node": killed, "event": "kill"});
    lines.push((kill_ms, kill.to_string()));
    lines.sort_by_key(|(t, _)| *t);
    let text: String = lines.iter().map(|(_, l)| format!("{l}\n")).collect();

    let parsed = parse_trace(&text).unwrap_or_else(|e| panic!("{e:?}\n{text}"));
    let t = topology(&parsed).unwrap_or_else(|e| panic!("{e}\n{text}"));
    assert_eq!(
        (t.masters, t.replicas, t.node_timeout),
        (3, 1, NODE_TIMEOUT)
    );
    assert_eq!(t.killed, killed);
    let name = &t.names[&killed];
    assert!(
        name.chars().all(|c| c.is_ascii_uppercase()),
        "the killed node is named like a master: {name}"
    );
    let replica_id = nodes[replica].cli(&["cluster", "myid"]);
    assert_eq!(t.names[&replica_id.trim()[..8]], format!("{name}1"));

    let times = key_times(&parsed, &killed, kill_ms, 5);
    let at = |k: &str| {
        *times
            .at
            .get(k)
            .unwrap_or_else(|| panic!("no {k} in {times:?}\n{text}"))
    };
    // Wall-clock gaps are not asserted (a loaded machine delays anything); the order is
    // Redis's rule: suspicion, agreement, the replica's election, its promotion.
    assert!(at("pfail") <= at("fail") && at("fail") <= at("failover_start"));
    assert!(at("failover_start") <= at("vote_requested") && at("vote_requested") <= at("promoted"));

    let c = compare(&parsed, 1).expect("the same cluster simulates");
    assert!(c.simulated.at.contains_key("promoted"), "{c:?}");
}
