//! `CLUSTER FAILOVER [FORCE|TAKEOVER]` (docs/redis-behaviour.md §6.6).

use crate::common;
use clusterlab_core::event::Event;
use clusterlab_core::node::{Admin, AdminError, FailoverMode};
use clusterlab_core::sim::Sim;
use common::{cluster, find, idx, run_for};

const T: u64 = 5000;

fn failover(sim: &mut Sim, node: &str, mode: FailoverMode) -> Result<(), AdminError> {
    let i = idx(sim, node);
    sim.admin(i, Admin::Failover(mode)).map(|_| ())
}

fn promotion_time(sim: &Sim, from: usize, node: usize) -> Option<u64> {
    find(sim, from, node, |e| matches!(e, Event::Promoted { .. }))
        .next()
        .map(|e| e.t.ms())
}

/// Default mode: the replica sends MFSTART, the master pauses writes and
/// shows its offset, the replica catches up and wins an immediate election
/// whose requests carry FORCEACK (the master is not failing). No node is
/// suspected; redis 7.0.15 finished in 430 ms. The old master then follows
/// the new one.
#[test]
fn default_manual_failover_promotes_the_replica_with_the_master_up() {
    let mut sim = cluster(3, 1, T, 51);
    let (a, a1) = (idx(&sim, "A"), idx(&sim, "A1"));
    let from = sim.trace().len();
    let asked = sim.now().ms();
    failover(&mut sim, "A1", FailoverMode::Default).unwrap();
    run_for(&mut sim, 3000);

    let promoted = promotion_time(&sim, from, a1).expect("A1 is promoted");
    assert!(promoted - asked < 1000, "took {} ms", promoted - asked);
    assert!(
        find(&sim, from, a, |e| *e
            == Event::ManualFailover {
                what: "Manual failover requested by replica."
            })
        .count()
            == 1,
        "A paused its writes for A1"
    );
    let votes = sim.trace()[from..]
        .iter()
        .filter(|e| matches!(e.event, Event::VoteGranted { .. }))
        .count();
    // FORCEACK lifts the "master must be FAIL" rule for every voter,
    // A included: clusterSendFailoverAuthIfNeeded has no rule against a
    // master voting for its own replica.
    assert_eq!(votes, 3, "A, B and C vote although A is not failing");
    for e in &sim.trace()[from..] {
        assert!(
            !matches!(e.event, Event::Pfail { .. } | Event::Fail { .. }),
            "nobody is suspected: {e:?}"
        );
    }
    sim.run_until_healthy(sim.now() + 2 * T)
        .unwrap_or_else(|v| panic!("{v}"));
    assert_eq!(sim.node(a).master(), Some(sim.node(a1).id()));
}

/// FORCE skips the master handshake (`mf_can_start` at once) but still needs
/// a majority of votes: it promotes a replica whose master is already gone,
/// before the cluster has even flagged it FAIL.
#[test]
fn force_promotes_the_replica_of_a_dead_master_before_fail() {
    let mut sim = cluster(3, 1, T, 52);
    let (a, a1) = (idx(&sim, "A"), idx(&sim, "A1"));
    let from = sim.trace().len();
    sim.crash(a);
    run_for(&mut sim, 500);
    failover(&mut sim, "A1", FailoverMode::Force).unwrap();
    run_for(&mut sim, 2000);
    assert!(promotion_time(&sim, from, a1).is_some(), "A1 is promoted");
    assert!(
        !sim.trace()[from..]
            .iter()
            .any(|e| matches!(e.event, Event::Fail { .. })),
        "promoted before anyone flagged A FAIL"
    );
}

/// CLUSTER FAILOVER is for replicas only.
#[test]
fn a_master_refuses_cluster_failover() {
    let mut sim = cluster(3, 0, T, 54);
    assert_eq!(
        failover(&mut sim, "A", FailoverMode::Default),
        Err(AdminError(
            "ERR You should send CLUSTER FAILOVER to a replica".into()
        ))
    );
}

/// After the master is flagged FAIL, default mode needs the master's
/// cooperation and is refused.
#[test]
fn default_mode_is_refused_when_the_master_is_down() {
    let mut sim = cluster(3, 1, T, 55);
    let a = idx(&sim, "A");
    let a_id = sim.node(a).id();
    let a1 = idx(&sim, "A1");
    sim.crash(a);
    // Stop before the replica is promoted automatically.
    let limit = sim.now() + 3 * T;
    assert!(sim.run_until_pred(limit, |s| s
        .node(a1)
        .view()
        .node(a_id)
        .is_some_and(|n| n.flags.has(clusterlab_core::flags::NodeFlags::FAIL))));
    assert_eq!(
        failover(&mut sim, "A1", FailoverMode::Default),
        Err(AdminError(
            "ERR Master is down or failed, please use CLUSTER FAILOVER FORCE".into()
        ))
    );
}

/// TAKEOVER needs no vote at all (clusterBumpConfigEpochWithoutConsensus:
/// currentEpoch + 1), so it works even from a minority; when the partition
/// heals the greater epoch wins the slots and the old master follows.
#[test]
fn takeover_promotes_without_votes_even_in_a_minority() {
    let mut sim = cluster(3, 1, T, 56);
    let (a, a1) = (idx(&sim, "A"), idx(&sim, "A1"));
    let before = sim.node(a1).current_epoch();
    sim.isolate(a1);
    run_for(&mut sim, 1000);
    let from = sim.trace().len();
    failover(&mut sim, "A1", FailoverMode::Takeover).unwrap();
    assert!(sim.node(a1).is_master(), "promoted on the spot");
    assert_eq!(sim.node(a1).my_epoch(), before + 1);
    assert!(
        !sim.trace()[from..]
            .iter()
            .any(|e| matches!(e.event, Event::VoteRequested { .. })),
        "no election"
    );
    run_for(&mut sim, 2000);
    sim.heal();
    sim.run_until_healthy(sim.now() + 10 * T)
        .unwrap_or_else(|v| panic!("{v}"));
    assert_eq!(sim.node(a).master(), Some(sim.node(a1).id()));
}
