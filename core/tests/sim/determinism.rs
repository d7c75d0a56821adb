//! Same seed ⇒ same run (docs/architecture.md: the simulation is a pure function of
//! scenario, seed and actions); a different seed ⇒ a different cluster.

use crate::common;
use clusterlab_core::sim::{Action, Sim, TimedAction};
use common::{cluster, json_lines, run_actions};

/// A run with every kind of fault, on the clock of a freshly formed cluster.
fn faulty_run(seed: u64) -> Sim {
    let mut sim = cluster(3, 1, 2000, seed);
    let t0 = sim.now();
    let at = |ms: u64, action: Action| TimedAction { t: t0 + ms, action };
    let actions = [
        at(1000, Action::Loss(0.02)),
        at(2000, Action::Kill(0)),
        at(9000, Action::Partition(vec![vec![1, 4], vec![2, 5]])),
        at(12_000, Action::Pause(3)),
        at(15_000, Action::Heal),
        at(15_000, Action::Loss(0.0)),
        at(16_000, Action::Resume(3)),
        at(17_000, Action::Restart(0)),
        at(18_000, Action::Cut { from: 1, to: 2 }),
        at(20_000, Action::Heal),
    ];
    run_actions(&mut sim, &actions, t0 + 40_000);
    sim
}

/// Every random choice (node IDs, gossip targets, election jitter, message
/// loss and latency) comes from streams seeded by the scenario seed, and
/// every ordering is deterministic (BTreeMaps, sequence numbers): the same
/// seed and actions give the same trace, line for line.
#[test]
fn the_same_seed_replays_the_same_trace() {
    let first = json_lines(&faulty_run(7));
    let second = json_lines(&faulty_run(7));
    assert!(
        first.len() > 100,
        "the run did things: {} events",
        first.len()
    );
    assert_eq!(first, second);
}

/// Node IDs are drawn from each node's seeded generator (getRandomHexChars
/// in Redis): another seed, other IDs — and another run.
#[test]
fn another_seed_gives_other_node_ids_and_another_run() {
    let (a, b) = (cluster(3, 1, 2000, 1), cluster(3, 1, 2000, 2));
    for i in 0..a.nodes().len() {
        assert_ne!(a.node(i).id(), b.node(i).id(), "node {i}");
    }
    assert_ne!(json_lines(&faulty_run(1)), json_lines(&faulty_run(2)));
}

/// A formation a step at a time (the web app forms between frames) is the formation in one
/// call, event for event: `redis-cli --cluster create`'s MEETs, the gossip until everyone
/// knows everyone, the REPLICATEs, the wait for `cluster_state:ok`, checked every 100
/// simulated ms either way; and the same for a cluster started from its nodes.conf files.
#[test]
fn a_formation_cut_into_slices_is_the_formation_in_one_call() {
    use clusterlab_core::sim::{Formation, FormingStage, Scenario};
    for (masters, formation) in [(5, Formation::Meet), (4, Formation::Formed)] {
        let scenario = Scenario {
            masters,
            replicas: 1,
            seed: 11,
            formation,
            ..Scenario::default()
        };
        let whole = scenario.build().expect("it forms");
        let mut forming = scenario.forming().expect("it starts");
        let mut slices = 0;
        let mut events = 0;
        let mut stop = || {
            events += 1;
            events % 20 == 0
        };
        while !forming
            .advance(FormingStage::Formed, Some(&mut stop))
            .expect("it forms")
        {
            slices += 1;
        }
        assert!(slices > 10, "{formation:?}: cut into {slices} slices only");
        let sliced = forming.into_sim();
        assert_eq!(sliced.now(), whole.now(), "{formation:?}");
        assert_eq!(json_lines(&sliced), json_lines(&whole), "{formation:?}");
    }
}
