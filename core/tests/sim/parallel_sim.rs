//! The two-thread simulator gives the sequential simulator's run, bit for
//! bit: same trace, counters, node states, messages in flight (ids, times)
//! and lost writes, through crashes, restarts, pauses, partitions both ways,
//! loss, duplication, jitter and the write load.
//!
//! The parallel side runs every window of at least one node event on two
//! threads (`set_parallel(Some(1))`), formation included, so clusters of a
//! few dozen nodes exercise it thoroughly; the sequential side never does.

use clusterlab_core::node::ClientId;
use clusterlab_core::sim::{NetConfig, Scenario, Sim};
use clusterlab_core::{Config, Time};

/// Everything observable about a run, for comparison.
fn snapshot(sim: &Sim) -> Vec<String> {
    let mut lines: Vec<String> = sim
        .trace()
        .iter()
        .map(|e| e.to_json(sim).to_string())
        .collect();
    lines.push(format!("now {:?} stats {:?}", sim.now(), sim.stats()));
    for (i, n) in sim.nodes().iter().enumerate() {
        lines.push(format!(
            "node {i} {:?} offset {} timer {:?}\n{:?}",
            n.status,
            n.node.repl_offset(),
            n.node.poll_timeout(),
            n.node.view()
        ));
    }
    for m in sim.in_flight() {
        lines.push(format!(
            "msg {} {}->{} sent {:?} at {:?} {} bytes {}",
            m.id,
            m.from,
            m.to,
            m.sent_at,
            m.deliver_at,
            m.bytes,
            m.payload.label()
        ));
    }
    lines.push(format!("lost {:?}", sim.lost_writes()));
    lines.push(format!("replies {:?}", sim.clone().take_replies()));
    lines
}

/// A fault at a time after formation.
enum Fault {
    Crash(usize),
    Restart(usize),
    Pause(usize),
    Resume(usize),
    /// Two groups cut both ways.
    Split(Vec<usize>, Vec<usize>),
    OneWay(usize, usize),
    Heal,
    Net(NetConfig),
    /// `MIGRATE` of the write load's key from one master to another's port,
    /// or to a port nobody listens on: node-to-node connections whose
    /// commands and replies cross the simulated network.
    Migrate(usize, Option<usize>),
}

fn apply(sim: &mut Sim, fault: &Fault) {
    match fault {
        Fault::Crash(n) => sim.crash(*n),
        Fault::Restart(n) => sim.restart(*n),
        Fault::Pause(n) => sim.pause(*n),
        Fault::Resume(n) => sim.resume(*n),
        Fault::Split(a, b) => sim.partition(a, b),
        Fault::OneWay(from, to) => sim.partition_one_way(*from, *to),
        Fault::Heal => sim.heal(),
        Fault::Net(net) => sim.set_net(net.clone()),
        Fault::Migrate(from, to) => {
            let slot = sim.node(*from).first_owned_slot().expect("a master");
            let key = format!("{{{}}}:w", clusterlab_core::slot::tag_for_slot(slot));
            let port = to.map_or(1, |to| sim.nodes()[to].client_addr.port());
            let args = ["MIGRATE", "127.0.0.1", &port.to_string(), "", "0", "5000"];
            let mut args: Vec<Vec<u8>> = args.iter().map(|a| a.as_bytes().to_vec()).collect();
            args.extend([b"KEYS".to_vec(), key.into_bytes()]);
            sim.command(*from, ClientId(7), args);
        }
    }
}

/// Forms the cluster and runs `faults` (ms after formation) to `end_ms`,
/// with windows of at least `parallel` events on two threads.
fn run(scenario: &Scenario, faults: &[(u64, Fault)], end_ms: u64, parallel: Option<usize>) -> Sim {
    let mut sim = scenario
        .build_with(|s| s.set_parallel(parallel))
        .unwrap_or_else(|e| panic!("seed {}: {e}", scenario.seed));
    let t0 = sim.now();
    for (at, fault) in faults {
        sim.run_until(t0 + *at);
        apply(&mut sim, fault);
    }
    sim.run_until(t0 + end_ms);
    sim
}

/// Runs both ways and compares everything; then both go on sequentially
/// for a while, which a diverged random stream or sequence counter shows.
fn check_same(name: &str, scenario: &Scenario, faults: &[(u64, Fault)], end_ms: u64) {
    let seed = scenario.seed;
    let mut seq = run(scenario, faults, end_ms, None);
    let mut par = run(scenario, faults, end_ms, Some(1));
    assert_eq!(seq.parallel_windows(), 0);
    assert!(
        par.parallel_windows() > 300,
        "{name}, seed {seed}: only {} windows ran on two threads",
        par.parallel_windows()
    );
    assert!(
        seq.trace().len() > 100,
        "{name}, seed {seed}: the run did things"
    );
    compare(name, seed, &seq, &par);
    par.set_parallel(None);
    let later = Time(seq.now().ms() + 2000);
    seq.run_until(later);
    par.run_until(later);
    compare(name, seed, &seq, &par);
}

fn compare(name: &str, seed: u64, seq: &Sim, par: &Sim) {
    let (a, b) = (snapshot(seq), snapshot(par));
    if let Some(i) = (0..a.len().max(b.len())).find(|&i| a.get(i) != b.get(i)) {
        panic!(
            "{name}, seed {seed}: the parallel run differs at line {i}:\nsequential: {:?}\nparallel:   {:?}",
            a.get(i),
            b.get(i)
        );
    }
}

fn scenario(masters: usize, seed: u64, net: NetConfig) -> Scenario {
    Scenario {
        masters,
        replicas: 1,
        seed,
        net,
        config: Config {
            node_timeout: 2000,
            ..Config::default()
        },
        write_every_ms: Some(50),
        ..Scenario::default()
    }
}

/// A master and a replica die, the master comes back; a replica stops and
/// resumes; a minority is cut off both ways, then one link one way; keys
/// migrate between masters (and to nowhere).
#[test]
fn crashes_pauses_and_partitions_replay_exactly() {
    for seed in [3, 11] {
        let s = scenario(20, seed, NetConfig::default());
        let faults = [
            (500, Fault::Crash(0)),
            (900, Fault::Crash(25)),
            (1500, Fault::Pause(21)),
            (3000, Fault::Resume(21)),
            (4500, Fault::Restart(0)),
            (5000, Fault::Split(vec![1, 2, 3, 21, 22], (4..20).collect())),
            (8500, Fault::Heal),
            (6000, Fault::Migrate(8, Some(9))),
            (6000, Fault::Migrate(10, None)),
            (9000, Fault::OneWay(5, 6)),
            (9500, Fault::OneWay(7, 3)),
            (11_000, Fault::Heal),
        ];
        check_same("faults", &s, &faults, 13_000);
    }
}

/// Lossy, duplicating, jittery networks, and a wider minimum latency (a
/// window of several milliseconds), through two failovers.
#[test]
fn loss_duplication_and_jitter_replay_exactly() {
    let noisy = NetConfig {
        min_latency_ms: 1,
        jitter_ms: 5,
        loss_ppm: 20_000,
        duplication_ppm: 50_000,
    };
    // Formed on a clean network (a lossy one may lose MEET handshakes).
    let s = scenario(25, 5, NetConfig::default());
    let slow = NetConfig {
        min_latency_ms: 3,
        jitter_ms: 4,
        loss_ppm: 10_000,
        duplication_ppm: 20_000,
    };
    let faults = [
        (0, Fault::Net(noisy.clone())),
        (300, Fault::Crash(2)),
        (2000, Fault::Net(slow)),
        (4000, Fault::Pause(30)),
        (5000, Fault::Resume(30)),
        (6000, Fault::Net(noisy)),
        (6500, Fault::Crash(40)),
    ];
    check_same("noisy network", &s, &faults, 9000);
}

/// 120 nodes: windows of a hundred events and more, split many ways
/// between the threads, through a failover and the old master's return.
#[test]
fn a_large_cluster_replays_exactly() {
    let s = scenario(60, 8, NetConfig::default());
    let faults = [
        (200, Fault::Crash(0)),
        (2500, Fault::Split(vec![1, 61], (2..60).collect())),
        (4000, Fault::Heal),
        (4500, Fault::Restart(0)),
    ];
    check_same("120 nodes", &s, &faults, 6000);
}

/// Without a minimum latency a message can arrive at the instant it is
/// sent: there is no window, and the run stays on one thread.
#[test]
fn zero_latency_runs_sequentially() {
    let net = NetConfig {
        min_latency_ms: 0,
        ..NetConfig::default()
    };
    let s = scenario(10, 2, net);
    let mut sim = s
        .build_with(|s| s.set_parallel(Some(1)))
        .expect("the cluster forms");
    let later = Time(sim.now().ms() + 1000);
    sim.run_until(later);
    assert_eq!(sim.parallel_windows(), 0);
}
