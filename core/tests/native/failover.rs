//! A real failover under a write load: writes a replica acknowledged
//! (`WAIT 1`) survive the master's `kill -9`, and the promoted replica
//! serves them.

use crate::common::native;
use clusterlab_core::slot::key_slot;
use native::{create_cluster, replica_of, wait_for, wait_state_ok};
use std::time::Duration;

#[test]
fn writes_acknowledged_with_wait_1_survive_a_kill_9_failover() {
    let mut nodes = create_cluster(1000);
    // redis-cli gives the first node slots 0-5460; find its replica.
    let master_id = nodes[0].cli(&["cluster", "myid"]).trim().to_string();
    let replica = replica_of(&nodes, &master_id);
    wait_state_ok(&nodes);
    wait_for(Duration::from_secs(10), "the replica's link", || {
        nodes[replica].info_field("master_link_status").as_deref() == Some("up")
    });

    let keys: Vec<String> = (0..)
        .map(|i| format!("w:{i}"))
        .filter(|k| key_slot(k.as_bytes()) <= 5460)
        .take(400)
        .collect();
    let client = redis::Client::open(format!("redis://{}/", nodes[0].addr())).unwrap();
    let mut conn = client.get_connection().unwrap();
    let mut acked = Vec::new();
    for (i, key) in keys.iter().enumerate() {
        if i == 200 {
            nodes[0].kill();
        }
        let set: redis::RedisResult<()> = redis::cmd("SET").arg(key).arg(i).query(&mut conn);
        if let Err(e) = set {
            eprintln!("write {i} failed: {e}");
            break;
        }
        let replicas: redis::RedisResult<i64> =
            redis::cmd("WAIT").arg(1).arg(1000).query(&mut conn);
        match replicas {
            Ok(1) => acked.push((key.clone(), i)),
            other => {
                eprintln!("WAIT after write {i}: {other:?}");
                break;
            }
        }
    }
    assert!(
        acked.len() >= 200,
        "only {} writes acknowledged",
        acked.len()
    );
    assert!(acked.len() < keys.len(), "the kill did not stop the writes");
    wait_for(Duration::from_secs(30), "the promotion", || {
        nodes[replica].info_field("role").as_deref() == Some("master")
    });
    let promoted = redis::Client::open(format!("redis://{}/", nodes[replica].addr())).unwrap();
    let mut conn = promoted.get_connection().unwrap();
    for (key, value) in &acked {
        let got: Option<usize> = redis::cmd("GET").arg(key).query(&mut conn).unwrap();
        assert_eq!(got, Some(*value), "acknowledged write {key} lost");
    }
}
