//! Resharding built only from client commands, as `redis-cli --cluster
//! reshard` / `rebalance` / `add-node` send them (docs/redis-behaviour.md §11), running in
//! simulated time next to gossip and application traffic.

use crate::common;
use clusterlab_core::client::{ClientConfig, ClientEvent};
use clusterlab_core::node::ClientId;
use clusterlab_core::resp::Value;
use clusterlab_core::sim::{JobOptions, Sim, Task, Workload};
use clusterlab_core::slot::{key_slot, tag_for_slot};
use clusterlab_core::Time;
use common::quiet_cluster as cluster;

fn set_args(key: &str, value: &str) -> Vec<Vec<u8>> {
    vec![b"SET".to_vec(), key.into(), value.into()]
}

fn get_args(key: &str) -> Vec<Vec<u8>> {
    vec![b"GET".to_vec(), key.into()]
}

/// Writes `keys` through a cluster client (value = key).
fn fill(sim: &mut Sim, keys: &[String]) -> usize {
    let c = sim.add_client(&[0], ClientConfig::default());
    for k in keys {
        let limit = sim.now() + 1000;
        match sim.client_run(c, set_args(k, k), limit) {
            Some(ClientEvent::Done { reply: Ok(v), .. }) => assert_eq!(v, Value::ok()),
            other => panic!("SET {k}: {other:?}"),
        }
    }
    c
}

/// Every key reads back its value through the client.
fn assert_readable(sim: &mut Sim, c: usize, keys: &[String]) {
    for k in keys {
        let limit = sim.now() + 1000;
        match sim.client_run(c, get_args(k), limit) {
            Some(ClientEvent::Done { reply: Ok(v), .. }) => {
                assert_eq!(v, Value::bulk(k), "GET {k}")
            }
            other => panic!("GET {k}: {other:?}"),
        }
    }
}

/// Keys in `slots`, `per_slot` each.
fn keys_in(slots: impl Iterator<Item = u16>, per_slot: usize) -> Vec<String> {
    slots
        .flat_map(|s| (0..per_slot).map(move |i| format!("{{{}}}:{i}", tag_for_slot(s))))
        .collect()
}

/// Every node (replicas too) believes `owner` serves `slots`.
fn converged(sim: &Sim, slots: &[u16], owner: usize) -> bool {
    let id = sim.node(owner).id();
    sim.nodes()
        .iter()
        .all(|n| slots.iter().all(|&s| n.node.slot_owner(s) == Some(id)))
}

/// `reshard --cluster-from C --cluster-to A --cluster-slots 20`: C's lowest
/// 20 slots move with their keys; the application keeps working (it sees
/// MOVED/ASK, never an error), and every node ends up agreeing.
#[test]
fn reshard_moves_slots_keys_and_ownership() {
    let mut sim = cluster();
    let (a, c) = (sim.index_of("A").unwrap(), sim.index_of("C").unwrap());
    let moved: Vec<u16> = (10923..10943).collect();
    let keys = keys_in(10920..10950, 3);
    let client = fill(&mut sim, &keys);
    let app = sim.add_client(&[1], ClientConfig::default());
    let hot: Vec<Vec<u8>> = (10923..10943)
        .map(|s| format!("{{{}}}:hot", tag_for_slot(s)).into_bytes())
        .collect();
    sim.start_workload(
        app,
        Workload {
            every_ms: 3,
            keys: hot,
        },
    );

    let job = sim.start_job(
        c,
        Task::Reshard {
            from: c,
            to: a,
            slots: 20,
        },
        JobOptions::default(),
    );
    assert!(sim.run_job(job, sim.now() + 60_000), "reshard finishes");
    assert_eq!(
        sim.job(job).outcome(),
        Some(&Ok(())),
        "{:?}",
        sim.job(job).log()
    );
    assert_eq!(sim.job(job).slots_moved(), 20);
    assert_eq!(
        sim.job(job).log()[0],
        "Moving slot 10923 from 127.0.0.1:7002 to 127.0.0.1:7000"
    );

    let limit = sim.now() + 5000;
    assert!(sim.run_until_pred(limit, |s| converged(s, &moved, a)));
    let now = sim.now();
    for &s in &moved {
        assert_eq!(sim.node(c).keyspace().count_in_slot(now, s), 0);
    }
    let stats = sim.workload_stats(app).unwrap().clone();
    assert_eq!(stats.failed, 0, "{stats:?}");
    assert!(stats.acked > 0);
    assert!(sim.cluster_client(app).stats().moved > 0);
    assert_readable(&mut sim, client, &keys);
}

/// Mid-migration (docs/redis-behaviour.md §9.2 transcript): on the source, a key already
/// moved gets `-ASK <slot> <target>`, a key not moved yet is served; the
/// cluster client follows the ASK (ASKING + command on the target).
#[test]
fn ask_redirection_while_a_slot_migrates() {
    let mut sim = cluster();
    let (a, c) = (sim.index_of("A").unwrap(), sim.index_of("C").unwrap());
    let keys = keys_in(10923..10924, 15);
    let client = fill(&mut sim, &keys);
    let job = sim.start_job(
        c,
        Task::Reshard {
            from: c,
            to: a,
            slots: 1,
        },
        JobOptions::default(),
    );
    // The first MIGRATE batch (10 keys, --cluster-pipeline) has landed.
    let limit = sim.now() + 10_000;
    assert!(sim.run_until_pred(limit, |s| s.job(job).keys_moved() >= 10));
    assert_eq!(sim.job(job).current(), Some((10923, c, a)));

    let now = sim.now();
    let still_here = sim.node(c).keyspace().keys_in_slot(now, 10923, 100);
    assert_eq!(still_here.len(), 5);
    let gone = keys
        .iter()
        .find(|k| !still_here.contains(&k.as_bytes().to_vec()))
        .unwrap();
    let here = String::from_utf8(still_here[0].clone()).unwrap();
    let reply = sim.command(c, ClientId(7), get_args(gone)).unwrap();
    assert_eq!(reply, Value::err("ASK 10923 127.0.0.1:7000"));
    let reply = sim.command(c, ClientId(7), get_args(&here)).unwrap();
    assert_eq!(reply, Value::bulk(&here));

    let asks = sim.cluster_client(client).stats().ask;
    let limit = sim.now() + 1000;
    match sim.client_run(client, get_args(gone), limit) {
        Some(ClientEvent::Done {
            reply, redirects, ..
        }) => {
            assert_eq!(reply, Ok(Value::bulk(gone)));
            assert_eq!(redirects, 1);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(sim.cluster_client(client).stats().ask, asks + 1);
    assert!(sim.run_job(job, sim.now() + 10_000));
    assert_eq!(key_slot(gone.as_bytes()), 10923);
}

/// `add-node` + `rebalance --cluster-use-empty-masters`: a fourth master
/// joins, receives 1366 + 1365 + 1365 slots (redis-cli's amounts), every
/// master ends with 4096, and the data follows.
#[test]
fn add_node_and_rebalance() {
    let mut sim = cluster();
    let keys: Vec<String> = (0..300).map(|i| format!("key:{i}")).collect();
    let client = fill(&mut sim, &keys);
    let task = Task::AddNodeAndRebalance {
        name: "D".into(),
        port: 7006,
        seed: 77,
    };
    let job = sim.start_job(0, task, JobOptions::default());
    assert!(
        sim.run_job(job, Time(sim.now().ms() + 600_000)),
        "rebalance finishes"
    );
    assert_eq!(
        sim.job(job).outcome(),
        Some(&Ok(())),
        "{:?}",
        sim.job(job).log()
    );
    let d = sim.job(job).new_node().unwrap();
    let batches: Vec<&String> = sim
        .job(job)
        .log()
        .iter()
        .filter(|l| l.ends_with("to 127.0.0.1:7006") && l.contains(" slots from "))
        .collect();
    assert_eq!(
        batches,
        vec![
            "Moving 1366 slots from 127.0.0.1:7001 to 127.0.0.1:7006",
            "Moving 1365 slots from 127.0.0.1:7002 to 127.0.0.1:7006",
            "Moving 1365 slots from 127.0.0.1:7000 to 127.0.0.1:7006",
        ]
    );
    let limit = sim.now() + 10_000;
    let balanced = |s: &Sim| {
        s.nodes().iter().all(|n| {
            (0..4).all(|m| {
                let m = if m == 3 { d } else { m };
                let id = s.node(m).id();
                (0..16384u16)
                    .filter(|&slot| n.node.slot_owner(slot) == Some(id))
                    .count()
                    == 4096
            })
        })
    };
    while !balanced(&sim) && sim.now() < limit {
        let t = sim.now() + 100;
        sim.run_until(t);
    }
    assert!(balanced(&sim));
    assert_readable(&mut sim, client, &keys);
}

/// The source's SETSLOT NODE often arrives after the target's PONG already
/// rebound the slot there; Redis 7.0 still clears MIGRATING for an empty
/// slot, so a later rebalance does not find open slots.
#[test]
fn a_finished_reshard_leaves_no_open_slot_on_the_source() {
    let mut sim = cluster();
    let job = sim.start_job(
        0,
        Task::Reshard {
            from: 0,
            to: 1,
            slots: 1000,
        },
        JobOptions::default(),
    );
    let limit = sim.now() + 60_000;
    assert!(sim.run_job(job, limit));
    assert_eq!(sim.job(job).outcome(), Some(&Ok(())));
    assert!(sim.node(0).view().migrating.is_empty());
    assert!(sim.node(1).view().importing.is_empty());
}
