//! The cluster view's picture of the default playground: roles, slots and epochs once formed,
//! PFAIL then FAIL counted from the other nodes' views, and A1's promotion after A fails.

use super::*;
use crate::view_model::test_support::{cluster, SIX};

#[test]
fn picture_of_a_formed_cluster() {
    let sim = cluster();
    let p = picture(&sim, SIX);
    assert_eq!(p.nodes.len(), 6);
    let a = &p.nodes[0];
    assert_eq!(
        (a.name.as_str(), a.is_master, a.slots.clone()),
        ("A", true, vec![(0, 5460)])
    );
    assert_eq!(a.role_text(&p.nodes, Lang::En), "master");
    assert_eq!(p.nodes[3].role_text(&p.nodes, Lang::En), "replica of A");
    assert_eq!(p.nodes[3].role_text(&p.nodes, Lang::Fr), "réplique de A");
    // The line under each node (role and configEpoch) reads in the learner's language too.
    let e = a.config_epoch;
    assert_eq!(a.role_line(&p.nodes, Lang::En), format!("master · e{e}"));
    assert_eq!(a.role_line(&p.nodes, Lang::Fr), format!("maître · e{e}"));
    let e3 = p.nodes[3].config_epoch;
    assert_eq!(
        p.nodes[3].role_line(&p.nodes, Lang::Fr),
        format!("réplique de A · e{e3}")
    );
    assert_eq!(a.state_text(Lang::En), "ok");
    assert_eq!(a.observers, 5);
    assert_eq!(p.owner(0), Some(0));
    assert_eq!(p.owner(5461), Some(1));
    assert_eq!(p.owner(16383), Some(2));
    assert_eq!(
        p.ranges_by_owner(),
        vec![
            (0, vec![(0, 5460)]),
            (1, vec![(5461, 10922)]),
            (2, vec![(10923, 16383)])
        ]
    );
    assert_eq!(p.uncovered(), 0);
    assert_eq!((p.up_nodes, p.ok_nodes), (6, 6));
}

#[test]
fn pfail_then_fail_are_counted_from_the_other_nodes_views() {
    let mut sim = cluster();
    sim.crash(0);
    let t = sim.now();
    sim.run_until_pred(t + 60_000, |s| {
        s.nodes()[1]
            .node
            .peer_flags()
            .any(|(id, f)| id == s.node(0).id() && f.has(NodeFlags::PFAIL))
    });
    let p = picture(&sim, SIX);
    assert_eq!(p.nodes[0].suspicion(), Suspicion::Pfail);
    assert!(p.nodes[0]
        .state_text(Lang::En)
        .starts_with("crashed, PFAIL ("));
    assert_eq!(p.nodes[0].observers, 5);
    sim.run_until(sim.now() + 20_000);
    let p = picture(&sim, SIX);
    assert_eq!(p.nodes[0].suspicion(), Suspicion::Fail);
    assert_eq!(p.nodes[0].state_text(Lang::En), "crashed, FAIL (5 of 5)");
    assert_eq!(p.nodes[0].state_text(Lang::Fr), "arrêté, FAIL (5 sur 5)");
    // A1 won: its epoch is higher than A's, so it owns A's old slots.
    assert!(p.nodes[3].is_master);
    assert!(!p.nodes[3].born_master);
    assert_eq!(p.owner(100), Some(3));
    assert!(p.nodes[3].config_epoch > p.nodes[0].config_epoch);
}

#[test]
fn a_promotion_is_news_for_a_while() {
    let mut sim = cluster();
    sim.crash(0);
    let promoted = sim.run_until_pred(sim.now() + 60_000, |s| s.node(3).is_master());
    assert!(promoted);
    assert!(picture(&sim, SIX).nodes[3].just_promoted);
    sim.run_until(sim.now() + JUST_PROMOTED_MS + 1);
    let p = picture(&sim, SIX);
    assert!(!p.nodes[3].just_promoted && p.nodes[3].is_master);
}

#[test]
fn ranges_as_text() {
    assert_eq!(ranges_text(&[], 3), "-");
    assert_eq!(ranges_text(&[(0, 5460)], 3), "0-5460");
    assert_eq!(ranges_text(&[(1, 1), (3, 9), (20, 30)], 2), "1 3-9 +1 more");
}

/// DEBUG SLEEP: Redis sleeps inside the command, so the node answers nobody until it wakes. The
/// card says so, with the wake-up time, in both languages, and stops saying so once it woke.
#[test]
fn a_node_in_debug_sleep_is_drawn_asleep_until_it_wakes() {
    use clusterlab_core::node::ClientId;
    use clusterlab_core::sim::Scenario;
    // Started as the page starts its nodes (`Preset::scenario`): DEBUG allowed.
    let mut config = Scenario::default().config;
    config
        .set_param("enable-debug-command", "local")
        .expect("enable-debug-command takes local");
    let mut sim = Scenario {
        config,
        write_every_ms: None,
        ..Scenario::default()
    }
    .build()
    .expect("the default cluster forms");
    let t0 = sim.now();
    let args = ["DEBUG", "SLEEP", "5"]
        .map(|a| a.as_bytes().to_vec())
        .to_vec();
    assert_eq!(
        sim.command(0, ClientId(900), args),
        None,
        "the reply waits for the wake-up"
    );
    sim.run_until(t0 + 1_000);
    let p = picture(&sim, SIX);
    let a = &p.nodes[0];
    assert_eq!((a.status, a.asleep_until), (Status::Up, Some(t0 + 5_000)));
    let wake = format_time(t0 + 5_000, Lang::En);
    assert_eq!(
        a.state_text(Lang::En),
        format!("asleep in DEBUG SLEEP until {wake}")
    );
    assert!(a
        .state_text(Lang::Fr)
        .starts_with("endormi par DEBUG SLEEP jusqu'à "));
    assert_eq!(p.nodes[1].asleep_until, None, "only A sleeps");
    sim.run_until(t0 + 6_000);
    let p = picture(&sim, SIX);
    assert_eq!(p.nodes[0].asleep_until, None, "A woke at {wake}");
    assert_eq!(p.nodes[0].state_text(Lang::En), "ok");
}
