//! Config epochs (docs/redis-behaviour.md §7): collisions, and the checkers that watch them.

use clusterlab_core::event::Event;
use clusterlab_core::node::Admin;
use clusterlab_core::sim::{NetConfig, Sim};
use clusterlab_core::{Config, SlotSet, Time};
use std::net::SocketAddr;

/// Masters started by hand (no redis-cli): `slots[i]` are ADDSLOTS'ed on node
/// i, `epochs[i]` (if non-zero) set with SET-CONFIG-EPOCH, then every node
/// MEETs the first one.
fn hand_made(seed: u64, slots: &[SlotSet], epochs: &[u64]) -> Sim {
    let mut sim = Sim::new(seed, NetConfig::default());
    let cfg = Config {
        node_timeout: 2000,
        ..Config::default()
    };
    for i in 0..slots.len() {
        let name = ["X", "Y", "Z"][i];
        sim.add_node(name, 7000 + i as u16, cfg.clone(), seed * 10 + i as u64);
    }
    for (i, s) in slots.iter().enumerate() {
        if !s.is_empty() {
            sim.admin(i, Admin::AddSlots(s.clone())).unwrap();
        }
        if epochs[i] > 0 {
            sim.admin(i, Admin::SetConfigEpoch(epochs[i])).unwrap();
        }
    }
    let first = sim.nodes()[0].bus_addr;
    for i in 1..slots.len() {
        let addr = SocketAddr::new(first.ip(), first.port());
        sim.admin(i, Admin::Meet { addr, port: 7000 }).unwrap();
    }
    sim
}

/// clusterHandleConfigEpochCollision: two masters with the same configEpoch;
/// the one with the lexicographically smaller node ID takes
/// `currentEpoch + 1`, the other keeps its epoch.
#[test]
fn equal_config_epochs_the_smaller_id_bumps() {
    let mut sim = hand_made(
        3,
        &[SlotSet::range(0, 8191), SlotSet::range(8192, 16383)],
        &[5, 5],
    );
    sim.run_until_converged(Time(60_000))
        .unwrap_or_else(|v| panic!("{v}"));
    let (x, y) = (sim.node(0), sim.node(1));
    let (small, large) = if x.id() < y.id() { (x, y) } else { (y, x) };
    assert_eq!(
        small.my_epoch(),
        6,
        "the smaller ID bumped to currentEpoch + 1"
    );
    assert_eq!(large.my_epoch(), 5, "the larger ID kept its epoch");
    let collisions: Vec<_> = sim
        .trace()
        .iter()
        .filter(|e| matches!(e.event, Event::EpochCollision { .. }))
        .collect();
    assert_eq!(collisions.len(), 1, "{collisions:?}");
}

/// clusterHandleConfigEpochCollision, as observed on redis 7.0.15: three
/// fresh masters that all have configEpoch 0 end with three distinct epochs;
/// the greatest ID never moves (it keeps 0), and every bump is made by the
/// smaller ID of a colliding pair.
#[test]
fn fresh_masters_all_at_epoch_zero_end_distinct() {
    let mut sim = hand_made(
        4,
        &[
            SlotSet::range(0, 5460),
            SlotSet::range(5461, 10922),
            SlotSet::range(10923, 16383),
        ],
        &[0, 0, 0],
    );
    sim.run_until_healthy(Time(60_000))
        .unwrap_or_else(|v| panic!("{v}"));
    let mut ids: Vec<_> = (0..3)
        .map(|i| (sim.node(i).id(), sim.node(i).my_epoch()))
        .collect();
    ids.sort();
    assert_eq!(ids[2].1, 0, "the greatest ID keeps epoch 0: {ids:?}");
    let mut epochs: Vec<u64> = ids.iter().map(|(_, e)| *e).collect();
    epochs.dedup();
    assert_eq!(epochs.len(), 3, "distinct epochs: {ids:?}");
    for e in sim.trace() {
        if let Event::EpochCollision { with, .. } = e.event {
            assert!(sim.node(e.node).id() < with, "only the smaller ID bumps");
        }
    }
}

/// The `slot-version-unique` rule sees two masters claim one slot at the
/// same configEpoch; the collision rule then gives one of them a greater
/// epoch, which wins the slot everywhere (clusterUpdateSlotsConfigWith), and
/// the views converge.
#[test]
fn checkers_catch_one_slot_claimed_twice_at_one_epoch_until_it_is_resolved() {
    let both = SlotSet::range(0, 99);
    let mut sim = hand_made(
        5,
        &[both.clone(), both, SlotSet::range(100, 16383)],
        &[3, 3, 1],
    );
    sim.run_until(Time(10));
    let v = sim
        .check_invariants()
        .expect_err("X and Y both claim 0-99 at epoch 3");
    assert_eq!(v.rule, "slot-version-unique", "{v}");
    assert!(v.detail.starts_with("slot 0 is bound to"), "{v}");
    assert!(sim.check_converged().is_err(), "nobody has met yet");

    sim.run_until_converged(Time(60_000))
        .unwrap_or_else(|v| panic!("{v}"));
    sim.check_invariants().unwrap();
    let (x, y) = (sim.node(0), sim.node(1));
    let winner = if x.id() < y.id() { x } else { y };
    assert_eq!(winner.my_epoch(), 4, "the smaller ID bumped");
    for i in 0..3 {
        assert_eq!(sim.node(i).slot_owner(0), Some(winner.id()));
    }
}
