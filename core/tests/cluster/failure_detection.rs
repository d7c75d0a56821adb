//! Failure detection (docs/redis-behaviour.md §5): PFAIL is a local opinion, FAIL needs the
//! reports of a majority of the slot-serving masters.

use crate::common;
use clusterlab_core::event::Event;
use clusterlab_core::flags::NodeFlags;
use common::{cluster, find, idx, run_for};

const T: u64 = 2000;
/// `clusterCron`'s period.
const CRON_MS: u64 = 100;
/// The scenario network's latency at most (1 ms + U[0, 2] ms).
const MAX_LATENCY_MS: u64 = 3;

/// markNodeAsFailingIfNeeded: FAIL needs `size/2+1` masters. Five masters,
/// A and B cut off from C, D, E: the three on the majority side mark A and B
/// FAIL; the two on the minority side only ever reach PFAIL about C, D, E.
#[test]
fn fail_needs_a_majority_of_masters() {
    let mut sim = cluster(5, 0, T, 11);
    let names = ["A", "B", "C", "D", "E"];
    let [a, b, c, d, e] = names.map(|n| idx(&sim, n));
    let from = sim.trace().len();
    sim.partition(&[a, b], &[c, d, e]);
    run_for(&mut sim, 10 * T);

    for observer in [c, d, e] {
        for lost in [a, b] {
            let view = sim.node(observer).view();
            let flags = view.node(sim.node(lost).id()).unwrap().flags;
            assert!(
                flags.has(NodeFlags::FAIL),
                "{} sees {} as {flags}",
                names[observer],
                names[lost]
            );
        }
    }
    let quorum_fails: Vec<_> = sim.trace()[from..]
        .iter()
        .filter_map(|ev| match ev.event {
            Event::Fail {
                by_quorum: true,
                reports,
                needed,
                ..
            } => Some((reports, needed)),
            _ => None,
        })
        .collect();
    assert!(!quorum_fails.is_empty());
    for (reports, needed) in quorum_fails {
        assert_eq!(needed, 3, "5 masters: 5/2+1");
        assert!(reports >= needed);
    }
    for minority in [a, b] {
        let fails: Vec<_> =
            find(&sim, from, minority, |ev| matches!(ev, Event::Fail { .. })).collect();
        assert!(fails.is_empty(), "the minority marked FAIL: {fails:?}");
        let pfails = find(&sim, from, minority, |ev| matches!(ev, Event::Pfail { .. })).count();
        assert_eq!(pfails, 3, "{} suspects C, D and E", names[minority]);
    }
}

/// markNodeAsFailingIfNeeded counts only nodes I flag PFAIL myself: when only
/// 2 of 5 masters lose E (A and B), their failure reports reach C and D but
/// C and D still hear from E, and 2 reports stay below the quorum of 3. PFAIL
/// is reached, FAIL never is.
#[test]
fn pfail_without_a_quorum_never_becomes_fail() {
    let mut sim = cluster(5, 0, T, 12);
    let [a, b, c, d, e] = ["A", "B", "C", "D", "E"].map(|n| idx(&sim, n));
    let e_id = sim.node(e).id();
    let from = sim.trace().len();
    sim.partition(&[a, b], &[e]);
    run_for(&mut sim, 15 * T);

    for suspecting in [a, b] {
        assert!(
            find(
                &sim,
                from,
                suspecting,
                |ev| matches!(ev, Event::Pfail { about, .. } if *about == e_id)
            )
            .count()
                > 0,
            "A and B suspect E"
        );
    }
    for bystander in [c, d] {
        assert_eq!(
            find(&sim, from, bystander, |ev| matches!(
                ev,
                Event::Pfail { .. }
            ))
            .count(),
            0,
            "C and D still reach everyone"
        );
        let reporters: Vec<_> = find(
            &sim,
            from,
            bystander,
            |ev| matches!(ev, Event::FailReport { about, .. } if *about == e_id),
        )
        .collect();
        assert!(
            !reporters.is_empty(),
            "A's and B's reports about E reach C and D"
        );
    }
    let fails: Vec<_> = sim.trace()[from..]
        .iter()
        .filter(|ev| matches!(ev.event, Event::Fail { .. }))
        .collect();
    assert!(fails.is_empty(), "nobody may reach FAIL: {fails:?}");
    assert!(
        (0..5).all(|i| sim.node(i).state_ok()),
        "4 of 5 masters reachable everywhere: cluster_state stays ok"
    );
}

/// clusterCron: PFAIL comes when a PING is unanswered for node_timeout, and
/// the half-timeout rule sends that PING at most node_timeout/2 after the
/// last PONG, so a dead master is suspected between T and 1.5 T after it
/// dies (docs/redis-behaviour.md §12.1; redis 7.0.15 measured 18.67 s at T = 15 s after a
/// SIGKILL) — plus two cron ticks, as both the PING and the PFAIL check wait
/// for a cron, and the few ms a PONG in flight at the kill still takes. The
/// refused reconnects in between send nothing. Then FAIL follows from the
/// gossip (a node that hears FAIL first never flags PFAIL itself).
#[test]
fn pfail_comes_between_one_and_one_and_a_half_node_timeouts() {
    for seed in 13..19 {
        let mut sim = cluster(3, 1, T, seed);
        let a = idx(&sim, "A");
        let a_id = sim.node(a).id();
        let from = sim.trace().len();
        let died = sim.now();
        sim.crash(a);
        run_for(&mut sim, 4 * T);
        for observer in (0..sim.nodes().len()).filter(|&i| i != a) {
            let name = &sim.nodes()[observer].name;
            // A node may hear the FAIL broadcast before its own PING times out.
            if let Some(pfail) = find(
                &sim,
                from,
                observer,
                |ev| matches!(ev, Event::Pfail { about, .. } if *about == a_id),
            )
            .next()
            {
                let after = pfail.t.since(died);
                assert!(
                    (T..=T + T / 2 + 2 * CRON_MS + MAX_LATENCY_MS).contains(&after),
                    "seed {seed}: {name} flagged A fail? {after} ms after it died"
                );
            }
            let fail = find(
                &sim,
                from,
                observer,
                |ev| matches!(ev, Event::Fail { about, .. } if *about == a_id),
            );
            assert_eq!(fail.count(), 1, "seed {seed}: every node learns FAIL once");
        }
    }
}

/// clearNodeFailureIfNeeded runs on the first PONG from a FAIL node, and a
/// replica's FAIL is cleared at once. A `kill -9` closes the dead process's
/// TCP connections, peers reconnect every 100 ms (refused while it is down),
/// so the restarted node is pinged, answers, and is cleared within a cron
/// tick and a round trip — "within ~3 ms of it being reachable again" on
/// redis 7.0.15 (docs/redis-behaviour.md §5.4).
#[test]
fn fail_is_cleared_as_soon_as_a_restarted_replica_answers() {
    let mut sim = cluster(3, 1, T, 14);
    let b1 = idx(&sim, "B1");
    let b1_id = sim.node(b1).id();
    sim.crash(b1);
    run_for(&mut sim, 4 * T);
    let from = sim.trace().len();
    let back = sim.now();
    sim.restart(b1);
    run_for(&mut sim, 10 * T);
    for observer in (0..sim.nodes().len()).filter(|&i| i != b1) {
        let cleared = find(
            &sim,
            from,
            observer,
            |e| matches!(e, Event::FailCleared { about, .. } if *about == b1_id),
        )
        .next()
        .unwrap_or_else(|| panic!("{} never cleared B1", sim.nodes()[observer].name));
        assert!(
            cleared.t.since(back) <= 300,
            "{} cleared B1's FAIL {} ms after it restarted",
            sim.nodes()[observer].name,
            cleared.t.since(back)
        );
    }
}
