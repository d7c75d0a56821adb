//! OBJECT IDLETIME and FREQ on the simulator's clock (evict.c): an idle
//! time grows with simulated seconds and a read resets it; an LFU counter
//! starts at LFU_INIT_VAL, grows on reads, and falls by one per
//! `lfu-decay-time` minutes; RDB IDLE/FREQ carry them across DEBUG RELOAD.

use crate::common;
use clusterlab_core::node::ClientId;
use clusterlab_core::resp::Value;
use clusterlab_core::sim::Sim;
use common::{quiet_cluster as cluster, run_for};

fn cmd(sim: &mut Sim, line: &str) -> Value {
    let idx = sim.index_of("A").expect("node A");
    let args = clusterlab_core::resp::split_args(line.as_bytes()).expect("valid line");
    sim.command(idx, ClientId(1), args)
        .expect("immediate reply")
}

/// `user:1000` is in a slot node A serves.
const KEY: &str = "user:1000";

/// `estimateObjectIdleTime`: simulated seconds since the last lookup.
#[test]
fn idle_time_follows_the_simulated_clock() {
    let mut sim = cluster();
    println!("seed: default Scenario");
    cmd(&mut sim, &format!("SET {KEY} hello"));
    run_for(&mut sim, 12_000);
    assert_eq!(
        cmd(&mut sim, &format!("OBJECT IDLETIME {KEY}")),
        Value::Integer(12)
    );
    // EXISTS, TYPE and OBJECT do not touch; GET does.
    cmd(&mut sim, &format!("EXISTS {KEY}"));
    cmd(&mut sim, &format!("TYPE {KEY}"));
    assert_eq!(
        cmd(&mut sim, &format!("OBJECT IDLETIME {KEY}")),
        Value::Integer(12)
    );
    cmd(&mut sim, &format!("GET {KEY}"));
    assert_eq!(
        cmd(&mut sim, &format!("OBJECT IDLETIME {KEY}")),
        Value::Integer(0)
    );
}

/// `LFUDecrAndReturn`: one less per `lfu-decay-time` minutes idle;
/// `rdbSaveKeyValuePair` writes the counter (FREQ) and loading sets it.
#[test]
fn lfu_counters_decay_and_survive_a_reload() {
    let mut sim = cluster();
    println!("seed: default Scenario");
    cmd(&mut sim, "CONFIG SET maxmemory-policy allkeys-lfu");
    cmd(&mut sim, "CONFIG SET lfu-log-factor 0");
    cmd(&mut sim, &format!("SET {KEY} hello"));
    for _ in 0..5 {
        cmd(&mut sim, &format!("GET {KEY}"));
    }
    assert_eq!(
        cmd(&mut sim, &format!("OBJECT FREQ {KEY}")),
        Value::Integer(10)
    );
    run_for(&mut sim, 3 * 60_000 + 1_000);
    let decayed = cmd(&mut sim, &format!("OBJECT FREQ {KEY}"));
    assert!(
        decayed == Value::Integer(7) || decayed == Value::Integer(6),
        "three or four minute boundaries passed: {decayed:?}"
    );
    cmd(&mut sim, "CONFIG SET lfu-decay-time 0");
    let before = cmd(&mut sim, &format!("OBJECT FREQ {KEY}"));
    let idx = sim.index_of("A").expect("node A");
    let reload = clusterlab_core::resp::split_args(b"DEBUG RELOAD").expect("valid line");
    let _ = sim.command(idx, ClientId(1), reload);
    run_for(&mut sim, 1_000);
    assert_eq!(cmd(&mut sim, &format!("OBJECT FREQ {KEY}")), before);
}
