//! The course's plots (lessons 06 and 13) are measured with the simulator:
//! these tests check that a plan always gives the same plot, and that the
//! plots show Redis Cluster's real relationships.

use clusterlab_core::experiment::{
    bus_cost_sample, convergence_sample, failover_sample, false_suspicions, summarize, BusRules,
    PlotKind, Run, BUS_COST_TIMEOUT_MS,
};

fn run_all(mut run: Run) -> Run {
    while run.step() {}
    assert!(
        run.errors().is_empty(),
        "samples failed: {:?}",
        run.errors()
    );
    run
}

#[test]
fn the_same_plan_gives_the_same_plot() {
    for (kind, xs) in [
        (PlotKind::Convergence, vec![3, 8]),
        (PlotKind::Failover, vec![1000, 3000]),
        (PlotKind::BusCost, vec![6, 12]),
    ] {
        let a = run_all(Run::with_plan(kind, xs.clone(), 2));
        let b = run_all(Run::with_plan(kind, xs.clone(), 2));
        assert_eq!(a.series(), b.series(), "{kind:?} differs between two runs");
        assert_eq!(a.progress(), (4, 4));
        for s in a.series() {
            assert_eq!(s.points.len(), 2, "{kind:?} {}", s.name);
            assert!(s.points.iter().all(|p| p.samples.len() == 2));
        }
    }
}

/// A master is flagged PFAIL only once a ping has gone unanswered for
/// node_timeout, and pings go out at least every node_timeout/2; then the
/// other masters agree (FAIL) and the replica waits 500 ms, plus random
/// 0-500 ms, plus rank × 1 s before asking for votes. So promotion comes after
/// node_timeout, and not much later than 1.5 × node_timeout + a few seconds.
#[test]
fn failover_takes_node_timeout_plus_the_election() {
    let mut medians = Vec::new();
    for t in [1000u64, 4000, 12_000] {
        let mut promoted = Vec::new();
        for seed in 1..=3 {
            let f = failover_sample(t, seed).unwrap_or_else(|e| panic!("T={t} seed {seed}: {e}"));
            assert!(
                t <= f.pfail_ms
                    && f.pfail_ms <= f.fail_ms
                    && f.fail_ms <= f.promoted_ms
                    && f.promoted_ms <= f.everyone_ms,
                "T={t} seed {seed}: events out of order: {f:?}"
            );
            assert!(
                f.promoted_ms <= t + t / 2 + 3000,
                "T={t} seed {seed}: promotion too late: {f:?}"
            );
            promoted.push(f.promoted_ms as f64);
        }
        medians.push(summarize(&promoted).unwrap().median);
    }
    assert!(
        medians.windows(2).all(|w| w[0] < w[1]),
        "failover time must grow with node_timeout: medians {medians:?}"
    );
}

/// On a network with 400 ms latency spikes a 500 ms node_timeout flags
/// live nodes PFAIL over and over; a timeout of seconds almost never does
/// (with 1% of bus messages lost, two lost PONGs in a row while gossip
/// spares the peer's own PINGs can still stretch a silence to 5 s).
#[test]
fn small_timeouts_raise_false_suspicions_on_a_noisy_network() {
    let count = |t: u64| -> u64 {
        (1..=3)
            .map(|seed| {
                false_suspicions(t, seed)
                    .unwrap_or_else(|e| panic!("T={t} seed {seed}: {e}"))
                    .pfail
            })
            .sum()
    };
    let (small, large) = (count(500), count(5000));
    assert!(small > 0, "no false PFAIL at node_timeout 500 ms");
    assert!(
        large * 50 < small,
        "false PFAIL: {small} at node_timeout 500 ms, {large} at 5 s"
    );
}

/// Gossip spreads like a rumour: the spread takes longer in a bigger
/// cluster, but six times the nodes take much less than six times as long
/// (each message carries a tenth of the table once there are 30+ nodes).
#[test]
fn convergence_grows_with_size_but_slower_than_it() {
    let median = |n: usize| {
        let samples: Vec<f64> = (1..=5)
            .map(|seed| {
                convergence_sample(n, seed)
                    .unwrap_or_else(|e| panic!("{n} masters seed {seed}: {e}"))
                    as f64
            })
            .collect();
        summarize(&samples).unwrap().median
    };
    let (small, big) = (median(8), median(48));
    assert!(small < big, "8 masters: {small} ms, 48 masters: {big} ms");
    assert!(
        big < small * 6.0,
        "spread should grow sublinearly: 8 masters {small} ms, 48 masters {big} ms"
    );
}

/// The bus's cost follows Redis's rules (clusterSendPing, clusterCron): in a
/// healthy cluster every PING and PONG is the 2256-byte header plus
/// max(3, N/10) gossip entries of 104 bytes; each node sends between one PING
/// a second (the random rule) and one per peer each node_timeout / 2 (the
/// half-timeout rule), and a PONG per PING it receives; so per-node traffic
/// grows with N. A killed master is flagged FAIL by every other node after
/// node_timeout (its PFAIL) plus the reports' gossip, well within 2 × node_timeout.
#[test]
fn bus_cost_follows_the_message_size_and_the_ping_rules() {
    let mut per_node = Vec::new();
    for (nodes, seed) in [(6u64, 1u64), (40, 2)] {
        let s = bus_cost_sample(nodes, seed)
            .unwrap_or_else(|e| panic!("{nodes} nodes, seed {seed}: {e}"));
        let rules = BusRules::new(nodes, BUS_COST_TIMEOUT_MS);
        let msgs = s.pings_pongs_per_node_s;
        assert!(
            2.0 * rules.pings_floor_s * 0.8 <= msgs && msgs <= 2.0 * rules.pings_ceiling_s * 1.1,
            "{nodes} nodes, seed {seed}: {msgs} PINGs+PONGs per node per second, rules allow {rules:?}"
        );
        let per_message = s.bytes_per_node_s / msgs;
        assert!(
            (per_message - rules.message_bytes).abs() <= rules.message_bytes * 0.02,
            "{nodes} nodes, seed {seed}: {per_message} bytes per message, rules say {}",
            rules.message_bytes
        );
        assert!(
            (s.total_bytes_s - s.bytes_per_node_s * nodes as f64).abs() < 1.0,
            "{nodes} nodes, seed {seed}: {s:?}"
        );
        assert!(
            BUS_COST_TIMEOUT_MS <= s.fail_everywhere_ms
                && s.fail_everywhere_ms <= 2 * BUS_COST_TIMEOUT_MS,
            "{nodes} nodes, seed {seed}: FAIL everywhere after {} ms",
            s.fail_everywhere_ms
        );
        per_node.push(s.bytes_per_node_s);
    }
    assert!(
        per_node[0] < per_node[1],
        "per-node traffic must grow with the cluster: {per_node:?}"
    );
}

/// The page takes a bus-cost sample slice by slice (a few thousand events per
/// step); the result is the same sample as one taken at once.
#[test]
fn a_bus_cost_sample_taken_in_slices_is_the_same() {
    let run = run_all(Run::with_plan(PlotKind::BusCost, vec![12], 1));
    let whole = bus_cost_sample(12, 1).expect("12 nodes, seed 1");
    let got: Vec<f64> = run
        .series()
        .iter()
        .map(|s| s.points[0].samples[0])
        .collect();
    assert_eq!(
        got,
        vec![
            whole.bytes_per_node_s / 1e3,
            whole.total_bytes_s / 1e6,
            whole.pings_pongs_per_node_s,
            whole.fail_everywhere_ms as f64 / 1000.0
        ]
    );
}
