//! Persistence (rdb.c, aof.c, `finishShutdown`): a simulated node killed
//! and restarted keeps what it saved — its last RDB (SAVE, `rdbSave`) or,
//! with `appendonly yes`, every write in its AOF (`feedAppendOnlyFile`,
//! `loadAppendOnlyFiles`). The native node and its files against a real
//! redis-server are in `native/persistence.rs`.

use crate::common;

use clusterlab_core::node::ClientId;
use clusterlab_core::resp::Value;
use clusterlab_core::sim::Sim;
use common::{idx, quiet_cluster, run_for};

fn args(line: &str) -> Vec<Vec<u8>> {
    line.split(' ').map(|a| a.as_bytes().to_vec()).collect()
}

/// `n` keys that node `at` serves (the others answer MOVED).
fn keys_of(sim: &mut Sim, at: usize, n: usize) -> Vec<String> {
    let client = ClientId(9);
    (0..)
        .map(|i| format!("k{i}"))
        .filter(|k| sim.command(at, client, args(&format!("GET {k}"))) == Some(Value::Null))
        .take(n)
        .collect()
}

/// The scenario both ways run: write, save (SAVE, or nothing with the AOF
/// on), write again, kill, restart; returns which keys came back.
fn sim_scenario(aof: bool) -> Vec<bool> {
    let mut sim = quiet_cluster();
    let a = idx(&sim, "A");
    let c = ClientId(1);
    let keys = keys_of(&mut sim, a, 2);
    if aof {
        let r = sim.command(a, c, args("CONFIG SET appendonly yes"));
        assert_eq!(r, Some(Value::ok()));
        run_for(&mut sim, 200);
    }
    sim.command(a, c, args(&format!("SET {} 1", keys[0])));
    if !aof {
        assert_eq!(sim.command(a, c, args("SAVE")), Some(Value::ok()));
        let Some(Value::Integer(t)) = sim.command(a, c, args("LASTSAVE")) else {
            panic!("LASTSAVE answers an integer");
        };
        assert_eq!(t as u64, sim.now().ms() / 1000);
    }
    sim.command(a, c, args(&format!("RPUSH {} x y", keys[1])));
    sim.crash(a);
    run_for(&mut sim, 1000);
    sim.restart(a);
    run_for(&mut sim, 3000);
    keys.iter()
        .map(|k| sim.node(a).keyspace().holds(k.as_bytes()))
        .collect()
}

/// SAVE keeps what was written before it; what came after is lost with
/// the process (`rdbSave`, `loadDataFromDisk`).
#[test]
fn a_restarted_simulated_node_reloads_its_last_save() {
    assert_eq!(sim_scenario(false), [true, false]);
}

/// With `appendonly yes` every write is in the AOF, so nothing is lost.
#[test]
fn a_restarted_simulated_node_replays_its_aof() {
    assert_eq!(sim_scenario(true), [true, true]);
}
