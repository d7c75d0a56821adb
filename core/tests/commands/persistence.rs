//! Persistence (rdb.c, aof.c, `finishShutdown`): a simulated node killed
//! and restarted keeps what it saved — its last RDB (SAVE, `rdbSave`) or,
//! with `appendonly yes`, every write in its AOF (`feedAppendOnlyFile`,
//! `loadAppendOnlyFiles`). The native node and its files against a real
//! redis-server are in `native/persistence.rs`.

use crate::common;

use clusterlab_core::node::ClientId;
use clusterlab_core::resp::Value;
use clusterlab_core::sim::Sim;
use common::{idx, quiet_cluster, quiet_cluster_with, run_for};

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

/// How the node got its AOF in [`sim_scenario`].
#[derive(Clone, Copy, PartialEq)]
enum Aof {
    /// `appendonly no`: SAVE writes the RDB.
    Off,
    /// Started with `appendonly yes` (its config file or command line says so).
    AtStart,
    /// `appendonly no` at start, `CONFIG SET appendonly yes` while running.
    ConfigSet,
}

/// The scenario both ways run: write, save (SAVE, or nothing with the AOF
/// on), write again, kill, restart; returns which keys came back.
fn sim_scenario(aof: Aof) -> Vec<bool> {
    let mut sim = if aof == Aof::AtStart {
        quiet_cluster_with(5000, &[("appendonly", "yes")])
    } else {
        quiet_cluster()
    };
    let a = idx(&sim, "A");
    let c = ClientId(1);
    let keys = keys_of(&mut sim, a, 2);
    if aof == Aof::ConfigSet {
        let r = sim.command(a, c, args("CONFIG SET appendonly yes"));
        assert_eq!(r, Some(Value::ok()));
        run_for(&mut sim, 200);
    }
    sim.command(a, c, args(&format!("SET {} 1", keys[0])));
    if aof == Aof::Off {
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
    assert_eq!(sim_scenario(Aof::Off), [true, false]);
}

/// Started with `appendonly yes`, every write is in the AOF, so nothing is lost.
#[test]
fn a_restarted_simulated_node_replays_its_aof() {
    assert_eq!(sim_scenario(Aof::AtStart), [true, true]);
}

/// `CONFIG SET appendonly yes` writes an AOF, but without a config file
/// (no CONFIG REWRITE) the restarted process starts from its command line,
/// `appendonly no`, and loads the RDB it does not have: both keys are gone,
/// as with redis-server.
#[test]
fn an_aof_switched_on_by_config_set_is_not_read_after_a_restart() {
    assert_eq!(sim_scenario(Aof::ConfigSet), [false, false]);
}

/// The `save` schedule (`serverCron`'s save points) and BGSAVE
/// (`rdbSaveBackground`): with `save 2 1`, a write on a node whose last save
/// is over 2 s old makes the next cron save in the background, so LASTSAVE
/// moves and `rdb_changes_since_last_save` returns to 0; BGSAVE answers at
/// once and saves the same way. A restart then finds both writes.
#[test]
fn the_save_schedule_and_bgsave_write_the_rdb_in_the_background() {
    let mut sim = quiet_cluster_with(5000, &[("save", "2 1")]);
    let a = idx(&sim, "A");
    let c = ClientId(1);
    let keys = keys_of(&mut sim, a, 2);
    let lastsave = |sim: &mut Sim| match sim.command(a, c, args("LASTSAVE")) {
        Some(Value::Integer(t)) => t,
        other => panic!("LASTSAVE: {other:?}"),
    };
    let persistence = |sim: &mut Sim, name: &str| -> String {
        let info = common::text(&sim.command(a, c, args("INFO persistence")).unwrap());
        info.lines()
            .find_map(|l| l.strip_prefix(&format!("{name}:")))
            .unwrap_or_else(|| panic!("no {name} in {info}"))
            .trim()
            .to_string()
    };
    let started = lastsave(&mut sim);
    sim.command(a, c, args(&format!("SET {} 1", keys[0])));
    assert_eq!(persistence(&mut sim, "rdb_changes_since_last_save"), "1");
    run_for(&mut sim, 1500);
    let scheduled = lastsave(&mut sim);
    assert!(scheduled > started, "LASTSAVE {started} → {scheduled}");
    assert_eq!(persistence(&mut sim, "rdb_changes_since_last_save"), "0");
    assert_eq!(persistence(&mut sim, "rdb_last_bgsave_status"), "ok");

    // BGSAVE before the schedule would: the second write is saved too.
    run_for(&mut sim, 1000);
    sim.command(a, c, args(&format!("SET {} 1", keys[1])));
    assert_eq!(
        sim.command(a, c, args("BGSAVE")),
        Some(Value::Simple("Background saving started".into()))
    );
    // The child runs until the next cron collects it (`checkChildrenDone`),
    // so a BGSAVE asked meanwhile, scheduled or not, is refused.
    assert_eq!(persistence(&mut sim, "rdb_bgsave_in_progress"), "1");
    for line in ["BGSAVE SCHEDULE", "BGSAVE"] {
        assert_eq!(
            sim.command(a, c, args(line)),
            Some(Value::err("ERR Background save already in progress"))
        );
    }
    run_for(&mut sim, 500);
    assert_eq!(persistence(&mut sim, "rdb_changes_since_last_save"), "0");
    assert_eq!(persistence(&mut sim, "rdb_bgsave_in_progress"), "0");

    sim.crash(a);
    run_for(&mut sim, 1000);
    sim.restart(a);
    run_for(&mut sim, 3000);
    for k in &keys {
        assert!(sim.node(a).keyspace().holds(k.as_bytes()), "{k} lost");
    }
}
