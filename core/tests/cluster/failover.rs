//! Automatic replica failover (docs/redis-behaviour.md §6): who may start an election, who
//! wins, and what the old master does when it comes back.

use crate::common;
use clusterlab_core::event::Event;
use clusterlab_core::flags::NodeFlags;
use clusterlab_core::sim::Sim;
use clusterlab_core::Config;
use common::{cluster, cluster_with, find, idx, run_for};

const T: u64 = 2000;

fn promoted(sim: &Sim, from: usize) -> Vec<(String, u64)> {
    sim.trace()[from..]
        .iter()
        .filter_map(|e| match e.event {
            Event::Promoted { epoch, .. } => Some((sim.nodes()[e.node].name.clone(), epoch)),
            _ => None,
        })
        .collect()
}

/// clusterHandleSlaveFailover's data-age check: a replica whose master has
/// been silent for longer than `repl-ping-replica-period + node_timeout *
/// cluster-replica-validity-factor` (plus node_timeout) does not start an
/// election when its master fails — it logs "Disconnected from master for
/// longer than allowed." and the slots stay uncovered.
#[test]
fn replica_with_too_old_data_does_not_start_an_election() {
    let config = Config {
        node_timeout: 1000,
        replica_validity_factor: 1,
        repl_ping_replica_period: 1,
        ..Config::default()
    };
    assert_eq!(config.max_data_age(), 2000);
    let mut sim = cluster_with(3, 1, 21, config);
    let (a, a1, b) = (idx(&sim, "A"), idx(&sim, "A1"), idx(&sim, "B"));
    let from = sim.trace().len();
    // A's replication stream (and its bus messages) stop reaching A1.
    sim.partition_one_way(a, a1);
    run_for(&mut sim, 6000);
    sim.crash(a);
    sim.heal();
    run_for(&mut sim, 20_000);

    let blocked: Vec<_> = find(&sim, from, a1, |e| {
        matches!(e, Event::FailoverBlocked { .. })
    })
    .map(|e| match e.event {
        Event::FailoverBlocked { reason } => reason,
        _ => unreachable!(),
    })
    .collect();
    assert_eq!(
        blocked,
        ["Disconnected from master for longer than allowed."],
        "A1 reports the data-age reason once"
    );
    for e in &sim.trace()[from..] {
        assert!(
            !matches!(
                e.event,
                Event::FailoverStart { .. } | Event::VoteRequested { .. } | Event::Promoted { .. }
            ),
            "no election may start: {e:?}"
        );
    }
    assert!(!sim.node(b).state_ok(), "A's slots stay on a FAIL master");
}

/// clusterGetSlaveRank: a replica's rank is the number of sibling replicas
/// with a strictly greater replication offset, and each rank adds 1 s to the
/// election delay, so the most up-to-date replica asks first and wins. A2
/// misses part of A's stream, A dies: A1 starts at rank 0 and is promoted,
/// A2 starts at rank 1 and follows A1.
#[test]
fn the_replica_with_the_best_offset_wins() {
    let mut sim = cluster(3, 2, T, 22);
    let (a, a1, a2) = (idx(&sim, "A"), idx(&sim, "A1"), idx(&sim, "A2"));
    let from = sim.trace().len();
    sim.partition_one_way(a, a2);
    run_for(&mut sim, 3000);
    sim.crash(a);
    run_for(&mut sim, 1000);
    sim.heal();
    run_for(&mut sim, 10 * T);

    let start = |n: usize| {
        find(&sim, from, n, |e| matches!(e, Event::FailoverStart { .. }))
            .map(|e| match e.event {
                Event::FailoverStart { rank, offset, .. } => (rank, offset),
                _ => unreachable!(),
            })
            .next()
            .unwrap_or_else(|| panic!("{} never scheduled an election", sim.nodes()[n].name))
    };
    let (rank1, offset1) = start(a1);
    let (rank2, offset2) = start(a2);
    assert!(offset1 > offset2, "A2 lags: {offset1} vs {offset2}");
    assert_eq!((rank1, rank2), (0, 1));
    assert_eq!(promoted(&sim, from).len(), 1);
    assert_eq!(promoted(&sim, from)[0].0, "A1");
    sim.run_until_converged(sim.now() + 10 * T)
        .unwrap_or_else(|v| panic!("{v}"));
    assert_eq!(
        sim.node(a2).master(),
        Some(sim.node(a1).id()),
        "A2 follows A1"
    );
}

/// After a partition heals, the old master sees its slots claimed with a
/// greater configEpoch (the winner's PONGs, or an UPDATE) and turns into a
/// replica of the winner (clusterUpdateSlotsConfigWith → clusterSetMaster).
#[test]
fn old_master_becomes_a_replica_of_the_winner_after_a_partition() {
    let mut sim = cluster(3, 1, T, 23);
    let (a, a1) = (idx(&sim, "A"), idx(&sim, "A1"));
    let from = sim.trace().len();
    sim.isolate(a);
    let limit = sim.now() + 10 * T;
    assert!(sim.run_until_pred(limit, |s| !promoted(s, from).is_empty()));
    assert!(
        sim.node(a).is_master(),
        "A, alone, still thinks it is a master"
    );
    sim.heal();
    sim.run_until_healthy(sim.now() + 20 * T)
        .unwrap_or_else(|v| panic!("{v}"));
    let a1_id = sim.node(a1).id();
    assert_eq!(sim.node(a).master(), Some(a1_id));
    assert!(
        find(&sim, from, a, |e| *e
            == Event::Role {
                master: Some(a1_id)
            })
        .count()
            == 1
    );
}

/// Same after `kill -9` and a restart: the old master comes back with its
/// nodes.conf (it still owns its slots at its old epoch), receives an UPDATE
/// and becomes a replica of the winner.
#[test]
fn old_master_becomes_a_replica_of_the_winner_after_a_restart() {
    let mut sim = cluster(3, 1, T, 24);
    let (a, a1) = (idx(&sim, "A"), idx(&sim, "A1"));
    let from = sim.trace().len();
    sim.crash(a);
    let limit = sim.now() + 10 * T;
    assert!(sim.run_until_pred(limit, |s| !promoted(s, from).is_empty()));
    // Let the promotion PONGs land, so A learns from a peer's UPDATE.
    run_for(&mut sim, T);
    let restarted = sim.trace().len();
    sim.restart(a);
    sim.run_until_healthy(sim.now() + 20 * T)
        .unwrap_or_else(|v| panic!("{v}"));
    let a1_id = sim.node(a1).id();
    assert_eq!(sim.node(a).master(), Some(a1_id));
    assert!(
        sim.trace()[restarted..]
            .iter()
            .any(|e| matches!(e.event, Event::UpdateSent { to, about } if to == sim.node(a).id() && about == a1_id)),
        "someone told A about A1's newer claim with an UPDATE"
    );
}

/// A replica learns its master is FAIL only from the majority (its own
/// PFAIL plus reports, or a FAIL message). When A and A1 are cut off
/// together, A1 still reaches A and never hears about FAIL: nobody is
/// promoted, A's slots stay on a FAIL master and the majority side reports
/// `cluster_state:fail` (full coverage required).
#[test]
fn master_and_replica_in_the_minority_nobody_is_promoted() {
    let mut sim = cluster(3, 1, T, 25);
    let (a, a1) = (idx(&sim, "A"), idx(&sim, "A1"));
    let majority: Vec<usize> = ["B", "C", "B1", "C1"]
        .iter()
        .map(|n| idx(&sim, n))
        .collect();
    let from = sim.trace().len();
    sim.partition(&[a, a1], &majority);
    run_for(&mut sim, 15 * T);

    for e in &sim.trace()[from..] {
        assert!(
            !matches!(
                e.event,
                Event::VoteRequested { .. } | Event::Promoted { .. }
            ),
            "{e:?}"
        );
    }
    let a_id = sim.node(a).id();
    for &m in &majority {
        let view = sim.node(m).view();
        assert!(view.node(a_id).unwrap().flags.has(NodeFlags::FAIL));
        assert_eq!(
            sim.node(m).slot_owner(0),
            Some(a_id),
            "slot 0 stays bound to A"
        );
        assert!(
            !view.state_ok,
            "{} reports cluster_state:fail",
            sim.nodes()[m].name
        );
    }
    assert!(sim.node(a1).is_replica());
    assert!(sim.check_healthy().is_err());
    sim.check_invariants().unwrap();
}

/// Redis starts with `repl_down_since = 0` ("never connected, repl is down
/// since EVER"), so after a restart a replica whose master is unreachable
/// has an unbounded data age and cannot fail over automatically
/// (clusterHandleSlaveFailover's data-age check) until it has synced once.
#[test]
fn restarted_replica_that_never_synced_cannot_fail_over() {
    let mut sim = cluster(3, 1, T, 26);
    let (a, a1) = (idx(&sim, "A"), idx(&sim, "A1"));
    sim.crash(a1);
    sim.crash(a);
    run_for(&mut sim, 1000);
    let from = sim.trace().len();
    sim.restart(a1);
    run_for(&mut sim, 20 * T);
    assert_eq!(promoted(&sim, from), Vec::<(String, u64)>::new());
    assert!(
        find(&sim, from, a1, |e| *e
            == Event::FailoverBlocked {
                reason: "Disconnected from master for longer than allowed."
            })
        .count()
            == 1
    );
}

/// The `epoch` event reports `cluster_my_epoch` (a replica shows its
/// master's configEpoch), so a role change that changes it must be reported:
/// the winner ends on its election epoch, the returning old master on the
/// winner's.
#[test]
fn epoch_events_follow_role_changes() {
    let mut sim = cluster(3, 1, T, 27);
    let (a, a1) = (idx(&sim, "A"), idx(&sim, "A1"));
    let from = sim.trace().len();
    sim.crash(a);
    run_for(&mut sim, 10 * T);
    sim.restart(a);
    run_for(&mut sim, 5 * T);
    let promotions = promoted(&sim, from);
    let [(winner, epoch)] = promotions.as_slice() else {
        panic!("one promotion expected: {promotions:?}")
    };
    let epoch = *epoch;
    assert_eq!(winner, "A1");
    let last_config = |n: usize| {
        find(&sim, from, n, |e| matches!(e, Event::Epoch { .. }))
            .last()
            .map(|e| match e.event {
                Event::Epoch { config, .. } => config,
                _ => unreachable!(),
            })
    };
    assert_eq!(sim.node(a1).my_epoch(), epoch);
    assert_eq!(last_config(a1), Some(epoch), "A1's last epoch event");
    assert_eq!(sim.node(a).my_epoch(), epoch);
    assert_eq!(last_config(a), Some(epoch), "A's last epoch event");
}
