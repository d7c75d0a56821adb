//! Replica migration (docs/redis-behaviour.md §6.7, clusterHandleSlaveMigration).

use crate::common;
use clusterlab_core::event::Event;
use clusterlab_core::sim::Sim;
use clusterlab_core::Config;
use common::{cluster_with, idx, run_for};

const T: u64 = 2000;

/// A 3×2 cluster whose master B loses both its replicas (killed, then
/// flagged FAIL: PFAIL replicas still count as working).
fn orphan_b(migration_barrier: u32, seed: u64) -> (Sim, usize) {
    let config = Config {
        node_timeout: T,
        migration_barrier,
        ..Config::default()
    };
    let mut sim = cluster_with(3, 2, seed, config);
    let from = sim.trace().len();
    sim.crash(idx(&sim, "B1"));
    sim.crash(idx(&sim, "B2"));
    (sim, from)
}

/// An orphaned master (slots, MIGRATE_TO, no working replica) borrows a
/// replica from a master that has the most and keeps more than
/// `cluster-migration-barrier` (1) after it leaves. Only the replica with the
/// smallest node ID among those masters' replicas moves, and only once the
/// master has been orphaned for 5 s (CLUSTER_SLAVE_MIGRATION_DELAY).
#[test]
fn an_orphaned_master_gets_exactly_one_replica_after_five_seconds() {
    for seed in [61, 62, 63] {
        let (mut sim, from) = orphan_b(1, seed);
        run_for(&mut sim, 20 * T);
        let b = idx(&sim, "B");
        let b_id = sim.node(b).id();
        let moves: Vec<_> = sim.trace()[from..]
            .iter()
            .filter(|e| matches!(e.event, Event::ReplicaMigrated { .. }))
            .collect();
        assert_eq!(moves.len(), 1, "seed {seed}: {moves:?}");
        let mover = moves[0].node;
        assert_eq!(moves[0].event, Event::ReplicaMigrated { to: b_id });
        let candidates = ["A1", "A2", "C1", "C2"].map(|n| sim.node(idx(&sim, n)).id());
        assert_eq!(
            Some(&sim.node(mover).id()),
            candidates.iter().min(),
            "seed {seed}: the smallest ID moves"
        );
        // B is orphaned for the mover once it sees both B1 and B2 FAIL.
        let orphaned = ["B1", "B2"]
            .map(|n| {
                let id = sim.node(idx(&sim, n)).id();
                sim.trace()[from..]
                    .iter()
                    .find(|e| {
                        e.node == mover
                            && matches!(e.event, Event::Fail { about, .. } if about == id)
                    })
                    .expect("the mover sees B's replicas FAIL")
                    .t
            })
            .into_iter()
            .max()
            .unwrap();
        let waited = moves[0].t.since(orphaned);
        assert!(
            (5000..=5000 + 1200).contains(&waited),
            "seed {seed}: migrated {waited} ms after B was orphaned"
        );
        sim.run_until_converged(sim.now() + 10 * T)
            .unwrap_or_else(|v| panic!("seed {seed}: {v}"));
        assert_eq!(sim.node(mover).master(), Some(b_id));
    }
}

/// With `cluster-migration-barrier 2`, a master with 2 replicas would keep
/// only 1 after giving one away, which is not more than the barrier: no
/// replica moves and B stays orphaned.
#[test]
fn the_migration_barrier_keeps_replicas_home() {
    let (mut sim, from) = orphan_b(2, 64);
    run_for(&mut sim, 20 * T);
    assert!(!sim.trace()[from..]
        .iter()
        .any(|e| matches!(e.event, Event::ReplicaMigrated { .. })));
}
