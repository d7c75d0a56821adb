//! Time travel: `Sim: Clone` is the snapshot (see `Sim`'s documentation).

use crate::common;
use clusterlab_core::sim::{Action, TimedAction};
use common::{cluster, json_lines, run_actions};

/// A clone taken mid-run, given the same remaining actions, replays the rest
/// of the run exactly — including messages that were in flight, partitions,
/// paused processes and the network's random stream — and running the
/// original does not disturb the snapshot.
#[test]
fn replaying_from_a_snapshot_gives_the_identical_trace() {
    let mut sim = cluster(3, 1, 2000, 71);
    let t0 = sim.now();
    let at = |ms: u64, action: Action| TimedAction { t: t0 + ms, action };
    run_actions(
        &mut sim,
        &[
            at(500, Action::Loss(0.05)),
            at(1000, Action::Pause(2)),
            at(1500, Action::Partition(vec![vec![0, 3]])),
        ],
        t0 + 2000,
    );
    // Stop right after an event that put messages on the wire.
    assert!(sim.run_until_pred(t0 + 3000, |s| s.in_flight().next().is_some()));
    let snapshot = sim.clone();
    let taken_at = (sim.now(), sim.trace().len());

    let rest = [
        at(4000, Action::Heal),
        at(5000, Action::Resume(2)),
        at(6000, Action::Kill(1)),
        at(12_000, Action::Restart(1)),
    ];
    run_actions(&mut sim, &rest, t0 + 30_000);
    assert_eq!(
        (snapshot.now(), snapshot.trace().len()),
        taken_at,
        "the snapshot did not move"
    );

    let mut replay = snapshot.clone();
    run_actions(&mut replay, &rest, t0 + 30_000);
    assert!(sim.trace().len() > taken_at.1 + 50);
    assert_eq!(json_lines(&replay), json_lines(&sim));
    assert_eq!(replay.stats(), sim.stats());
}
