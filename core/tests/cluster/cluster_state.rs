//! `cluster_state` (docs/redis-behaviour.md §8, clusterUpdateState): when a node stops
//! accepting queries, and when it starts again.

use crate::common;
use clusterlab_core::event::Event;
use clusterlab_core::node::ClientId;
use clusterlab_core::resp::Value;
use clusterlab_core::sim::Sim;
use common::{cluster, find, idx, run_for};

const T: u64 = 2000;

/// clusterUpdateState: a master that can reach fewer than `size/2+1`
/// slot-serving masters (itself included) turns `cluster_state:fail` and
/// refuses writes (`-CLUSTERDOWN The cluster is down`). Cut off alone, A
/// flags its peers PFAIL between T and 1.5 T (+ a cron tick) — the
/// half-timeout PING, then node_timeout — and its state fails then, and
/// stays failed for as long as the partition lasts.
#[test]
fn a_master_cut_off_in_the_minority_stops_serving_within_node_timeout() {
    for seed in 31..39 {
        let mut sim = cluster(3, 1, T, seed);
        let a = idx(&sim, "A");
        assert_eq!(set(&mut sim, a), Some(Value::Simple("OK".into())));
        let from = sim.trace().len();
        let cut = sim.now();
        sim.isolate(a);
        run_for(&mut sim, 15 * T);

        let states: Vec<(u64, bool)> =
            find(&sim, from, a, |e| matches!(e, Event::ClusterState { .. }))
                .map(|e| match e.event {
                    Event::ClusterState { ok, .. } => (e.t.since(cut), ok),
                    _ => unreachable!(),
                })
                .collect();
        assert_eq!(
            states.len(),
            1,
            "seed {seed}: A's state changes once: {states:?}"
        );
        let (after, ok) = states[0];
        assert!(!ok);
        assert!(
            (T..=T + T / 2 + 200).contains(&after),
            "seed {seed}: A stopped serving {after} ms after the cut"
        );
        assert!(!sim.node(a).state_ok());
        assert_eq!(
            set(&mut sim, a),
            Some(Value::Error("CLUSTERDOWN The cluster is down".into())),
            "seed {seed}: A refuses the write"
        );
    }
}

/// `SET user:1000 v` (slot 1649, one of A's) sent to node `n`.
fn set(sim: &mut Sim, n: usize) -> Option<Value> {
    let args = ["SET", "user:1000", "v"]
        .map(|a| a.as_bytes().to_vec())
        .to_vec();
    sim.command(n, ClientId(1), args)
}

/// clusterUpdateState's rejoin delay: a master that was in the minority
/// waits `clamp(node_timeout, 500, 5000)` ms after it last saw itself in
/// the minority before it reports ok again, so it learns the new
/// configuration before taking writes.
#[test]
fn a_master_back_from_the_minority_waits_the_rejoin_delay() {
    // No replicas: nobody takes A's place, A stays a master.
    let mut sim = cluster(3, 0, T, 32);
    let a = idx(&sim, "A");
    sim.isolate(a);
    run_for(&mut sim, 3 * T);
    assert!(!sim.node(a).state_ok());
    let from = sim.trace().len();
    sim.heal();
    run_for(&mut sim, 30 * T);

    // One other master answering is enough: 2 of 3 reachable.
    let back_in_majority = find(&sim, from, a, |e| matches!(e, Event::PfailCleared { .. }))
        .map(|e| e.t)
        .next()
        .expect("A hears from the other masters again");
    let ok = find(&sim, from, a, |e| {
        matches!(e, Event::ClusterState { ok: true, .. })
    })
    .next()
    .expect("A serves again")
    .t;
    let rejoin = sim.node(a).config().rejoin_delay();
    assert_eq!(rejoin, T);
    let waited = ok.since(back_in_majority);
    assert!(
        (rejoin - 100..=rejoin + 200).contains(&waited),
        "A waited {waited} ms after rejoining the majority"
    );
}

/// With cluster-require-full-coverage (the default), a slot bound to a FAIL
/// master makes every node report `cluster_state:fail`; PFAIL alone does
/// not. Between FAIL and the promotion every node is down for clients
/// (docs/redis-behaviour.md §8: observed window 0.7–1.0 s), then ok again.
#[test]
fn a_fail_master_breaks_coverage_until_its_replica_takes_over() {
    let mut sim = cluster(3, 1, T, 33);
    let a = idx(&sim, "A");
    let a_id = sim.node(a).id();
    let from = sim.trace().len();
    sim.crash(a);
    run_for(&mut sim, 10 * T);
    for n in (0..sim.nodes().len()).filter(|&n| n != a) {
        let name = &sim.nodes()[n].name;
        let pfail = find(
            &sim,
            from,
            n,
            |e| matches!(e, Event::Pfail { about, .. } if *about == a_id),
        )
        .next();
        let fail = find(
            &sim,
            from,
            n,
            |e| matches!(e, Event::Fail { about, .. } if *about == a_id),
        )
        .next()
        .unwrap_or_else(|| panic!("{name} never marked A FAIL"));
        let states: Vec<_> =
            find(&sim, from, n, |e| matches!(e, Event::ClusterState { .. })).collect();
        assert_eq!(states.len(), 2, "{name}: down once, up once: {states:?}");
        assert!(matches!(
            states[0].event,
            Event::ClusterState { ok: false, .. }
        ));
        assert_eq!(
            states[0].t, fail.t,
            "{name} went down when it marked A FAIL"
        );
        if let Some(p) = pfail {
            assert!(p.t < fail.t, "PFAIL alone kept {name} up");
        }
        let window = states[1].t.since(states[0].t);
        assert!(window <= 2000, "{name} was down for {window} ms");
    }
}
