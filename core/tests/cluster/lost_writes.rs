//! Lost writes, as in Redis Cluster: replication is asynchronous, so a write
//! a master acknowledged but never sent to its replica dies with it when the
//! replica is promoted. `WAIT 1` tells the client whether a replica has it.

use clusterlab_core::client::{ClientConfig, ClientEvent};
use clusterlab_core::keyspace::Data;
use clusterlab_core::node::ClientId;
use clusterlab_core::resp::Value;
use clusterlab_core::sim::{Scenario, Sim};
use clusterlab_core::Config;

/// Formed, and its replicas synced once: a replica that never synced
/// refuses to fail over.
fn cluster() -> Sim {
    let mut sim = Scenario {
        config: Config {
            node_timeout: 2000,
            ..Config::default()
        },
        write_every_ms: None,
        ..Scenario::default()
    }
    .build()
    .expect("cluster forms");
    crate::common::wait_first_sync(&mut sim);
    sim
}

fn args(line: &str) -> Vec<Vec<u8>> {
    line.split(' ').map(|a| a.as_bytes().to_vec()).collect()
}

/// Runs a command through the cluster client and returns its reply.
fn call(sim: &mut Sim, client: usize, line: &str) -> Value {
    let limit = sim.now() + 5000;
    match sim.client_run(client, args(line), limit) {
        Some(ClientEvent::Done { reply: Ok(v), .. }) => v,
        other => panic!("{line}: {other:?}"),
    }
}

/// `WAIT numreplicas timeout` on node `idx`; its reply comes later.
fn wait_one(sim: &mut Sim, idx: usize, timeout_ms: u64) -> Value {
    let wait = args(&format!("WAIT 1 {timeout_ms}"));
    if let Some(v) = sim.command(idx, ClientId(5), wait) {
        return v;
    }
    // Redis times a blocked client out once the clock is past its
    // deadline (`timeout < now`): the first millisecond after it.
    let t = sim.now() + timeout_ms + 1;
    sim.run_until(t);
    sim.take_replies().pop().expect("WAIT replied").2
}

/// Crashes `idx` and runs until its replica `replica` is a master and the
/// running nodes agree that it serves slot 1649 (user:1000).
fn fail_over(sim: &mut Sim, idx: usize, replica: usize) {
    sim.crash(idx);
    let limit = sim.now() + 60_000;
    let id = sim.node(replica).id();
    let agreed = |s: &Sim| {
        (0..s.nodes().len())
            .filter(|&i| i != idx)
            .all(|i| s.node(i).slot_owner(1649) == Some(id))
    };
    assert!(sim.run_until_pred(limit, agreed));
}

fn held(sim: &Sim, idx: usize, key: &[u8]) -> Option<Data> {
    let mut ks = sim.node(idx).keyspace().clone();
    ks.get(sim.now(), key).cloned()
}

/// The replication frame of an acknowledged SET is cut (one-way partition
/// master → replica), WAIT 1 says no replica has it, the master dies: the
/// promoted replica has the previous value, and the simulator counts the
/// acknowledged write as lost.
#[test]
fn acknowledged_write_is_lost_in_a_failover() {
    let mut sim = cluster();
    let (a, a1) = (sim.index_of("A").unwrap(), sim.index_of("A1").unwrap());
    let app = sim.add_client(&[a], ClientConfig::default());
    assert_eq!(call(&mut sim, app, "SET user:1000 v1"), Value::ok());
    let t = sim.now() + 100;
    sim.run_until(t);

    sim.partition_one_way(a, a1);
    assert_eq!(call(&mut sim, app, "SET user:1000 v2"), Value::ok());
    assert_eq!(wait_one(&mut sim, a, 200), Value::Integer(0));
    fail_over(&mut sim, a, a1);

    assert_eq!(
        held(&sim, a1, b"user:1000"),
        Some(Data::Str(b"v1".to_vec().into()))
    );
    let lost = sim.lost_writes();
    assert_eq!(lost.len(), 1);
    assert_eq!(
        (lost[0].key.as_slice(), lost[0].value.as_slice()),
        (&b"user:1000"[..], &b"v2"[..])
    );
    assert_eq!(lost[0].node, a1);
    // The application now reads the older value back.
    assert_eq!(call(&mut sim, app, "GET user:1000"), Value::bulk("v1"));
}

/// A write acknowledged by `WAIT 1` is on the replica: it survives the
/// master's death, nothing is lost.
#[test]
fn wait_one_protects_the_write() {
    let mut sim = cluster();
    let (a, a1) = (sim.index_of("A").unwrap(), sim.index_of("A1").unwrap());
    let app = sim.add_client(&[a], ClientConfig::default());
    assert_eq!(call(&mut sim, app, "SET user:1000 v2"), Value::ok());
    assert_eq!(wait_one(&mut sim, a, 1000), Value::Integer(1));
    fail_over(&mut sim, a, a1);
    assert_eq!(
        held(&sim, a1, b"user:1000"),
        Some(Data::Str(b"v2".to_vec().into()))
    );
    assert!(sim.lost_writes().is_empty());
    assert_eq!(call(&mut sim, app, "GET user:1000"), Value::bulk("v2"));
}

/// The simulator's own write load (`SET {tag}:w <n>` on every master every
/// 100 ms) counts its lost writes too: every write A acknowledged while its
/// replication link was cut (11 ticks: both ends of the 1 s window).
#[test]
fn write_load_counts_lost_writes() {
    let mut sim = cluster();
    let (a, a1) = (sim.index_of("A").unwrap(), sim.index_of("A1").unwrap());
    sim.set_write_load(Some(100));
    let t = sim.now() + 1000;
    sim.run_until(t);
    sim.partition_one_way(a, a1);
    let t = sim.now() + 1000;
    sim.run_until(t);
    fail_over(&mut sim, a, a1);
    let lost = sim.lost_writes();
    assert_eq!(lost.len(), 11, "{lost:?}");
    assert!(lost.iter().all(|w| w.node == a1 && w.key.ends_with(b":w")));
}
