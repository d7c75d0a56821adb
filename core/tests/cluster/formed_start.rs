//! The formed start ([`Formation::Formed`]) against a MEET formation: a
//! cluster that starts from the nodes.conf files `redis-cli --cluster
//! create` leaves behind (Redis 7.0's `clusterLoadConfig`, then
//! `clusterCron` as after a restart) must, once converged, hold the same
//! beliefs as the cluster formed by MEET: same peer tables up to timings
//! (IDs, addresses, flags, masters, slots, epochs, connected links), same
//! slot map, same configEpoch per node and currentEpoch, same flags,
//! `cluster_state:ok` everywhere.
//!
//! A failure prints the seed and the two command lines that replay the runs.

use clusterlab_core::config::consts::CRON_PERIOD_MS;
use clusterlab_core::node::NodeView;
use clusterlab_core::sim::{Formation, Scenario, Sim};
use clusterlab_core::time::Time;
use clusterlab_core::Config;

/// Simulated time both clusters run after `build` returns, so the
/// restarted links and the first replication exchanges settle.
const SETTLE_MS: u64 = 5_000;

/// A node's view with what depends on timing blanked: PING/PONG times,
/// replication offsets (the stream's PINGs count with time) and the age of
/// anything.
fn timeless(mut v: NodeView) -> NodeView {
    v.repl_offset = 0;
    for p in &mut v.nodes {
        p.ping_sent = None;
        p.pong_received = Time::ZERO;
        p.repl_offset = 0;
    }
    v
}

fn settled(scenario: &Scenario) -> Sim {
    let mut sim = scenario.build().unwrap_or_else(|e| {
        panic!(
            "{:?} formation, seed {}: {e}",
            scenario.formation, scenario.seed
        )
    });
    let end = sim.now() + SETTLE_MS;
    sim.run_until(end);
    sim
}

fn replay(s: &Scenario, formation: &str) -> String {
    format!(
        "clusterlab-node simulate --masters {} --replicas {} --seed {} --node-timeout {} --formation {formation}",
        s.masters, s.replicas, s.seed, s.config.node_timeout
    )
}

fn assert_same_cluster(masters: usize, replicas: usize, seed: u64, config: Config) {
    let meet = Scenario {
        masters,
        replicas,
        seed,
        config,
        formation: Formation::Meet,
        ..Scenario::default()
    };
    let formed = Scenario {
        formation: Formation::Formed,
        ..meet.clone()
    };
    let (a, b) = (settled(&meet), settled(&formed));
    let context = format!(
        "seed {seed}, {masters} masters × {replicas} replicas; replay with\n  {}\n  {}",
        replay(&meet, "meet"),
        replay(&formed, "formed")
    );
    assert_eq!(a.nodes().len(), b.nodes().len(), "{context}");
    for (x, y) in a.nodes().iter().zip(b.nodes()) {
        assert_eq!(x.name, y.name, "{context}");
        let (vx, vy) = (x.node.view(), y.node.view());
        assert!(vx.state_ok && vy.state_ok, "{}: not ok; {context}", x.name);
        assert_eq!(
            x.node.my_epoch(),
            y.node.my_epoch(),
            "{}: configEpoch; {context}",
            x.name
        );
        assert_eq!(
            vx.current_epoch, vy.current_epoch,
            "{}: currentEpoch; {context}",
            x.name
        );
        for slot in [0, 5460, 5461, 10922, 10923, 16383] {
            assert_eq!(
                x.node.slot_owner(slot),
                y.node.slot_owner(slot),
                "{}: owner of slot {slot}; {context}",
                x.name
            );
        }
        assert_eq!(timeless(vx), timeless(vy), "{}: view; {context}", x.name);
    }
}

#[test]
fn a_formed_start_converges_to_the_meet_formed_cluster() {
    for seed in 1..=3 {
        assert_same_cluster(3, 1, seed, Config::default());
    }
}

#[test]
fn a_formed_start_matches_meet_with_two_replicas_per_master() {
    assert_same_cluster(4, 2, 11, Config::default());
}

#[test]
fn a_formed_start_matches_meet_on_a_cluster_learned_by_gossip() {
    // 20 nodes: most learn each other from gossip sections, not MEET.
    assert_same_cluster(10, 1, 5, Config::default());
}

#[test]
fn a_formed_start_keeps_the_nofailover_flag_replicas_announce() {
    // cluster-replica-no-failover: each node sets NOFAILOVER on itself and
    // the others learn it from its header flags.
    let config = Config {
        replica_no_failover: true,
        ..Config::default()
    };
    assert_same_cluster(3, 1, 2, config);
}

#[test]
fn a_formed_start_begins_as_after_a_restart() {
    // clusterLoadConfig then the first clusterCron: every node known, slots
    // and epochs assigned, no link connected yet, state not ok before
    // CLUSTER_WRITABLE_DELAY has passed for masters.
    let scenario = Scenario {
        masters: 3,
        replicas: 1,
        formation: Formation::Formed,
        ..Scenario::default()
    };
    let sim = scenario.start_with(|_| {}).expect("every node loads");
    // The processes start within one cron period, before any first tick.
    assert!(sim.now() < Time(CRON_PERIOD_MS), "started at {}", sim.now());
    for n in sim.nodes() {
        let v = n.node.view();
        assert_eq!(v.nodes.len(), 6, "{}", n.name);
        assert_eq!(v.current_epoch, 6, "{}", n.name);
        assert!(!v.state_ok, "{}", n.name);
        assert!(v.nodes.iter().all(|p| !p.link_connected), "{}", n.name);
        let served: usize = v.nodes.iter().map(|p| p.slots.len()).sum();
        assert_eq!(served, 16384, "{}", n.name);
    }
    let mut sim = sim;
    // Each node's first cron tick (100 ms after its start) connects every
    // link and PINGs.
    sim.run_until(Time(2 * CRON_PERIOD_MS + 50));
    assert!(
        sim.stats().delivered >= 6 * 5,
        "PINGs flow from the first tick"
    );
}

#[test]
fn restarted_processes_tick_at_their_own_phases() {
    // Processes restarted independently do not run `clusterCron` on one
    // millisecond: each ticks 100 ms after its own start. The restart burst
    // (every node connecting to every other and PINGing it at its first
    // tick) is spread over one period instead of N² PINGs in one instant.
    for seed in [1, 7] {
        let scenario = Scenario {
            masters: 30,
            replicas: 1,
            seed,
            formation: Formation::Formed,
            ..Scenario::default()
        };
        let nodes = scenario.nodes();
        let mut sim = scenario.start_with(|_| {}).expect("every node loads");
        let first_ticks: Vec<Time> = sim
            .nodes()
            .iter()
            .map(|n| n.node.poll_timeout().expect("a running node has a cron"))
            .collect();
        let phases: std::collections::BTreeSet<_> = first_ticks.iter().collect();
        assert!(
            first_ticks
                .iter()
                .all(|t| (CRON_PERIOD_MS..2 * CRON_PERIOD_MS).contains(&t.ms())),
            "seed {seed}: first ticks {first_ticks:?}"
        );
        assert!(
            phases.len() >= nodes / 2,
            "seed {seed}: {} phases for {nodes} nodes",
            phases.len()
        );
        // At most a few milliseconds' worth of nodes greet the cluster at a
        // time: far from the N² PINGs of a burst on one instant.
        let mut peak = 0;
        for t in CRON_PERIOD_MS..3 * CRON_PERIOD_MS {
            sim.run_until(Time(t));
            peak = peak.max(sim.in_flight().count());
        }
        assert!(
            peak > 0 && peak < nodes * (nodes - 1) / 4,
            "seed {seed}: {peak} messages in flight at once among {nodes} nodes"
        );
    }
}
