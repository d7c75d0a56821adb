//! Explaining events (`Sim::why`): each event names the cluster.c rule that
//! produced it, carries the numbers that decided it, and links to the earlier
//! events — down to the fault — that caused it.

use crate::common;
use std::collections::BTreeSet;

use clusterlab_core::event::Event;
use clusterlab_core::sim::{Action, Cause, Fact, Sim, ELECTION_FIXED_MS, ELECTION_PER_RANK_MS};
use common::{cluster, idx, run_for};

const T: u64 = 2000;

/// A 3×1 cluster with master A killed and 20 node timeouts run, so every
/// step of the failover is in the trace.
fn failed_over(seed: u64) -> (Sim, usize) {
    let mut sim = cluster(3, 1, T, seed);
    let a = idx(&sim, "A");
    let from = sim.trace().len();
    sim.crash(a);
    run_for(&mut sim, 20 * T);
    assert!(
        sim.trace()[from..]
            .iter()
            .any(|e| matches!(e.event, Event::Promoted { .. })),
        "seed {seed}: A1 was not promoted"
    );
    (sim, from)
}

fn first(sim: &Sim, from: usize, pred: impl Fn(&Event) -> bool) -> usize {
    (from..sim.trace().len())
        .find(|&i| pred(&sim.trace()[i].event))
        .expect("the event is in the trace")
}

/// `clusterHandleSlaveFailover`: the election waits `500 + random() % 500 +
/// rank * 1000` ms; the explanation splits the recorded delay into exactly
/// those parts, and links to the FAIL about the master that started it.
#[test]
fn election_delay_splits_into_fixed_random_and_rank_parts() {
    for seed in 1..=5 {
        let (sim, from) = failed_over(seed);
        let start = first(&sim, from, |e| matches!(e, Event::FailoverStart { .. }));
        let Event::FailoverStart { delay_ms, .. } = sim.trace()[start].event else {
            unreachable!()
        };
        let why = sim.why(start).expect("a failover start is explained");
        assert_eq!(why.rule, "clusterHandleSlaveFailover", "seed {seed}");
        let (fixed, random, rank, per_rank) = why
            .facts
            .iter()
            .find_map(|f| match f {
                Fact::ElectionDelay {
                    fixed_ms,
                    random_ms,
                    rank,
                    per_rank_ms,
                    ..
                } => Some((*fixed_ms, *random_ms as u64, *rank as u64, *per_rank_ms)),
                _ => None,
            })
            .expect("the delay is split");
        assert_eq!((fixed, per_rank), (ELECTION_FIXED_MS, ELECTION_PER_RANK_MS));
        assert!(random < 500, "seed {seed}: random part {random} ≥ 500");
        assert_eq!(fixed + random + rank * per_rank, delay_ms, "seed {seed}");
        let [Cause::Event(fail)] = why.causes[..] else {
            panic!("seed {seed}: causes {:?}", why.causes)
        };
        let cause = &sim.trace()[fail];
        assert_eq!(cause.node, sim.trace()[start].node, "seed {seed}");
        let a_id = sim.node(idx(&sim, "A")).id();
        assert!(
            matches!(cause.event, Event::Fail { about, .. } if about == a_id),
            "seed {seed}: the cause is the replica's FAIL about A, got {:?}",
            cause.event
        );
    }
}

/// `markNodeAsFailingIfNeeded`: a quorum FAIL lists at least `needed`
/// agreeing masters (the reports it counted, plus itself when a master), each
/// report with its time, and links to its own PFAIL and the reports.
#[test]
fn a_quorum_fail_lists_enough_reporters_and_links_to_them() {
    for seed in 1..=5 {
        let (sim, from) = failed_over(seed);
        let fail = first(&sim, from, |e| {
            matches!(
                e,
                Event::Fail {
                    by_quorum: true,
                    ..
                }
            )
        });
        let e = &sim.trace()[fail];
        let why = sim.why(fail).expect("a FAIL is explained");
        assert_eq!(why.rule, "markNodeAsFailingIfNeeded", "seed {seed}");
        let reports: Vec<_> = why
            .facts
            .iter()
            .filter_map(|f| match f {
                Fact::Report { reporter, at } => Some((*reporter, *at)),
                _ => None,
            })
            .collect();
        let (count, needed, myself) = why
            .facts
            .iter()
            .find_map(|f| match f {
                Fact::Quorum {
                    count,
                    needed,
                    myself,
                } => Some((*count, *needed, *myself)),
                _ => None,
            })
            .expect("the quorum is stated");
        assert!(count >= needed, "seed {seed}: {count} < {needed}");
        assert_eq!(
            count as usize,
            reports.len() + myself as usize,
            "seed {seed}"
        );
        assert!(reports.iter().all(|(_, at)| *at <= e.t), "seed {seed}");
        // The node's own PFAIL is the first cause; each report is linked.
        let Cause::Event(own) = why.causes[0] else {
            panic!("seed {seed}: first cause {:?}", why.causes[0])
        };
        assert!(matches!(sim.trace()[own].event, Event::Pfail { .. }));
        assert_eq!(sim.trace()[own].node, e.node);
        assert_eq!(why.causes.len(), 1 + reports.len(), "seed {seed}");
        assert!(why
            .causes
            .iter()
            .all(|c| matches!(c, Cause::Event(i) if *i < fail)));
        // Each report links to the moment this node received it (clusterProcessGossipSection).
        for (c, (reporter, _)) in why.causes[1..].iter().zip(&reports) {
            let Cause::Event(i) = *c else { unreachable!() };
            let got = &sim.trace()[i];
            assert_eq!(got.node, e.node, "seed {seed}");
            assert!(
                matches!(got.event, Event::FailReport { reporter: r, .. } if r == *reporter),
                "seed {seed}: {:?}",
                got.event
            );
        }
    }
}

/// `clusterCron`: a PFAIL states when the unanswered PING left and how long
/// the node had been silent — more than node_timeout — and links to the kill.
#[test]
fn a_pfail_states_the_silence_and_links_to_the_kill() {
    let (sim, from) = failed_over(7);
    let pfail = first(&sim, from, |e| matches!(e, Event::Pfail { .. }));
    let e = &sim.trace()[pfail];
    let why = sim.why(pfail).expect("a PFAIL is explained");
    assert_eq!(why.rule, "clusterCron");
    let [Fact::PingUnanswered {
        ping_sent,
        silent_ms,
        timeout_ms,
    }] = why.facts[..]
    else {
        panic!("facts {:?}", why.facts)
    };
    assert_eq!(timeout_ms as u64, T);
    assert!(silent_ms as u64 > T, "silent {silent_ms} ms ≤ node_timeout");
    assert!(ping_sent < e.t, "the PING left before the PFAIL");
    let [Cause::Fault(f)] = why.causes[..] else {
        panic!("causes {:?}", why.causes)
    };
    assert_eq!(sim.faults()[f].action, Action::Kill(idx(&sim, "A")));
}

/// Walking the causes back from the promotion (votes ← vote requests ←
/// election start ← FAIL ← reports and PFAILs) reaches the kill of A.
#[test]
fn the_causal_chain_of_a_promotion_reaches_the_kill() {
    for seed in 1..=5 {
        let (sim, from) = failed_over(seed);
        let promoted = first(&sim, from, |e| matches!(e, Event::Promoted { .. }));
        let mut seen = BTreeSet::new();
        let mut todo = vec![promoted];
        let mut rules = BTreeSet::new();
        let mut faults = BTreeSet::new();
        while let Some(i) = todo.pop() {
            if !seen.insert(i) {
                continue;
            }
            let why = sim.why(i).expect("every event on the chain is explained");
            rules.insert(why.rule);
            for c in why.causes {
                match c {
                    Cause::Event(j) => {
                        assert!(j < i, "seed {seed}: a cause comes before its effect");
                        todo.push(j);
                    }
                    Cause::Fault(f) => {
                        faults.insert(f);
                    }
                }
            }
        }
        let kill = Action::Kill(idx(&sim, "A"));
        assert!(
            faults.iter().any(|&f| sim.faults()[f].action == kill),
            "seed {seed}: the chain from the promotion does not reach the kill (rules {rules:?})"
        );
        for rule in [
            "clusterHandleSlaveFailover",
            "clusterProcessPacket",
            "clusterSendFailoverAuthIfNeeded",
            "clusterCron",
        ] {
            assert!(
                rules.contains(rule),
                "seed {seed}: {rule} not on the chain {rules:?}"
            );
        }
    }
}

/// `clusterUpdateState`: a node that flags the dead master FAIL goes to
/// `cluster_state:fail` because a FAIL master still owns slots, and says so.
#[test]
fn cluster_state_fail_names_the_failed_owner() {
    let (sim, from) = failed_over(3);
    let a_id = sim.node(idx(&sim, "A")).id();
    let down = first(&sim, from, |e| {
        matches!(e, Event::ClusterState { ok: false, .. })
    });
    let why = sim.why(down).expect("a state change is explained");
    assert_eq!(why.rule, "clusterUpdateState");
    assert!(why.facts.iter().any(|f| matches!(
        f,
        Fact::ClusterCounts { ok: false, failed_owner: Some(owner), .. } if *owner == a_id
    )));
    let [Cause::Event(fail)] = why.causes[..] else {
        panic!("causes {:?}", why.causes)
    };
    assert!(matches!(sim.trace()[fail].event, Event::Fail { about, .. } if about == a_id));
}

/// The explanation is resolved from the trace, not stored per event: an
/// event stays 32 bytes, so a 1000-node trace does not grow with it.
#[test]
fn events_stay_small() {
    assert!(
        std::mem::size_of::<Event>() <= 32,
        "{}",
        std::mem::size_of::<Event>()
    );
}
