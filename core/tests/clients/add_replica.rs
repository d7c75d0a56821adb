//! `redis-cli --cluster add-node <new> <entry> --cluster-slave
//! --cluster-master-id <id>` (redis-cli 7.0's `clusterManagerCommandAddNode`):
//! CLUSTER MEET from the new node, wait until every node knows it, then
//! `CLUSTER REPLICATE <id>` on the new node. No slot moves.

use crate::common;
use clusterlab_core::sim::{JobOptions, Sim, Task};
use clusterlab_core::Time;
use common::{cluster, idx};

/// Starts the job, runs it to its end (or 60 s), and returns its outcome and log.
fn add_replica(
    sim: &mut Sim,
    master: usize,
    seed: u64,
) -> (Option<Result<(), String>>, Vec<String>, Option<usize>) {
    let port = sim.nodes().last().expect("a cluster").client_addr.port() + 1;
    let task = Task::AddReplica {
        name: "E".into(),
        port,
        seed: 4242,
        master,
    };
    let job = sim.start_job(0, task, JobOptions::default());
    let limit = Time(sim.now().ms() + 60_000);
    let done = sim.run_job(job, limit);
    assert!(
        done,
        "seed {seed}: the job did not finish within 60 s: {:?}",
        sim.job(job).log()
    );
    let j = sim.job(job);
    (j.outcome().cloned(), j.log().to_vec(), j.new_node())
}

#[test]
fn the_new_node_becomes_a_replica_of_the_named_master_everywhere() {
    for seed in [1, 2, 3] {
        let mut sim = cluster(3, 0, 3000, seed);
        let b = idx(&sim, "B");
        let slots_before: Vec<usize> = (0..3)
            .map(|i| {
                sim.node(i)
                    .view()
                    .node(sim.node(i).id())
                    .map_or(0, |p| p.slots.len())
            })
            .collect();
        let (outcome, log, new) = add_replica(&mut sim, b, seed);
        assert_eq!(outcome, Some(Ok(())), "seed {seed}: {log:?}");
        assert!(
            log.iter()
                .any(|l| l == ">>> Configure node as replica of 127.0.0.1:7001."),
            "seed {seed}: redis-cli says which master it configures: {log:?}"
        );
        let e = new.expect("the job started a node");
        assert_eq!(
            sim.node(e).master(),
            Some(sim.node(b).id()),
            "seed {seed}: E replicates B"
        );
        // The others learn the new role by gossip (E's PINGs carry its master).
        common::run_for(&mut sim, 5000);
        let e_id = sim.node(e).id();
        for i in 0..3 {
            let seen = sim
                .node(i)
                .view()
                .node(e_id)
                .map(|p| (p.flags.is_replica(), p.master));
            assert_eq!(
                seen,
                Some((true, Some(sim.node(b).id()))),
                "seed {seed}: {} sees E as B's replica",
                sim.nodes()[i].name
            );
        }
        // No slot moved: a replica add is not a rebalance.
        let slots_after: Vec<usize> = (0..3)
            .map(|i| {
                sim.node(i)
                    .view()
                    .node(sim.node(i).id())
                    .map_or(0, |p| p.slots.len())
            })
            .collect();
        assert_eq!(slots_before, slots_after, "seed {seed}");
    }
}

#[test]
fn naming_a_replica_as_master_fails_like_redis_cli() {
    let mut sim = cluster(3, 1, 3000, 9);
    let a1 = idx(&sim, "A1");
    let (outcome, log, _) = add_replica(&mut sim, a1, 9);
    assert_eq!(
        outcome,
        Some(Err(
            "[ERR] CLUSTER REPLICATE on 127.0.0.1:7006: ERR I can only replicate a master, not a replica."
                .into()
        )),
        "{log:?}"
    );
}

/// The lesson step `add-replica E of D` names the new node and its master; a
/// malformed line says what it expects instead of guessing.
#[test]
fn the_add_replica_step_reads_new_of_master_and_says_how_when_wrong() {
    use clusterlab_core::lesson::{Step, StepAction};
    let step = Step::from_line("add-replica E of D -- E follows D").expect("parses");
    assert_eq!(
        step.action,
        StepAction::AddReplica {
            name: "E".into(),
            master: "D".into()
        }
    );
    for bad in ["add-replica E D", "add-replica E", "add-replica E of"] {
        let err = Step::from_line(bad).expect_err(bad);
        assert!(err.contains("add-replica E of D"), "{bad}: {err}");
    }
}
