//! The seed sweep: hundreds of random fault schedules, each checked against
//! the rules that hold at every instant while faults happen, and against
//! convergence once the faults are over.
//!
//! Each seed draws a cluster shape (mostly 3 masters × 1 replica, some 5×1
//! and 3×2), a small node_timeout (1–3 s, so runs are short) and 1–6 faults
//! (kill, pause, restart, resume, partition, one-way cut, heal, message loss,
//! and CLUSTER FAILOVER default or FORCE sent to a random node) at random
//! times. TAKEOVER is left out: it takes an epoch without consensus, which
//! may break the `slot-version-unique` rule until the collision rule acts. Then everything is repaired (heal, no loss, every process
//! back) and the cluster must become healthy: one owner per slot, every slot
//! served, all views equal, `cluster_state:ok` everywhere.
//!
//! * `CLUSTERLAB_SEED=17` runs only seed 17 and prints its whole trace
//!   (use `-- --nocapture`).
//! * `CLUSTERLAB_SEEDS=5000` runs seeds 1..=5000 instead of the default 200.
//! * `CLUSTERLAB_CHECK_EVERY_MS=1` checks the every-instant rules every
//!   simulated millisecond instead of every 200 (slower, finer).
//!
//! A failure prints the seed and the schedule as a `clusterlab-node simulate`
//! command line, which replays the same run.

use crate::common;
use clusterlab_core::node::FailoverMode;
use clusterlab_core::sim::{Action, Scenario, Sim, Status, TimedAction, Violation};
use clusterlab_core::{Config, Time};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::fmt::Write;

const DEFAULT_SEEDS: u64 = 200;
/// Invariants are checked this often (simulated ms) while faults happen,
/// unless `CLUSTERLAB_CHECK_EVERY_MS` says otherwise.
const CHECK_EVERY_MS: u64 = 200;

/// One drawn run: the shape and the whole action log, repairs included.
struct Plan {
    seed: u64,
    masters: usize,
    replicas: usize,
    node_timeout: u64,
    actions: Vec<TimedAction>,
    /// When the repairs (heal, restarts, resumes) happen.
    repaired_at: Time,
    /// Convergence must happen before this.
    deadline: Time,
}

impl Plan {
    /// The CLI command that replays this run up to `end`.
    fn command(&self, sim: &Sim, end: Time) -> String {
        let mut cmd = format!(
            "clusterlab-node simulate --masters {} --replicas {} --node-timeout {} --seed {} --duration {}",
            self.masters,
            self.replicas,
            self.node_timeout,
            self.seed,
            end.ms()
        );
        for a in &self.actions {
            let _ = write!(cmd, " {}", a.flag(sim));
        }
        cmd
    }
}

/// Builds the cluster for `seed` and draws its fault schedule.
fn plan(seed: u64) -> (Sim, Plan) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let (masters, replicas) = match rng.random_range(0..20u32) {
        0..=2 => (5, 1),
        3..=5 => (3, 2),
        _ => (3, 1),
    };
    let node_timeout = [1000, 1500, 2000, 3000][rng.random_range(0..4usize)];
    let sim = Scenario {
        masters,
        replicas,
        config: Config {
            node_timeout,
            ..Config::default()
        },
        seed,
        ..Scenario::default()
    }
    .build()
    .expect("the scenario forms");
    let n = sim.nodes().len();
    let start = sim.now();

    let mut status = vec![Status::Up; n];
    let mut times: Vec<u64> = (0..rng.random_range(1..=6usize))
        .map(|_| rng.random_range(node_timeout..=20 * node_timeout))
        .collect();
    times.sort_unstable();
    let mut actions = Vec::new();
    for offset in times {
        let pick = |rng: &mut ChaCha8Rng, want: &dyn Fn(Status) -> bool| {
            let candidates: Vec<usize> = (0..n).filter(|&i| want(status[i])).collect();
            (!candidates.is_empty()).then(|| candidates[rng.random_range(0..candidates.len())])
        };
        let action = match rng.random_range(0..16u32) {
            0..=2 => pick(&mut rng, &|s| s != Status::Crashed).map(Action::Kill),
            3..=4 => pick(&mut rng, &|s| s == Status::Up).map(Action::Pause),
            5..=6 => pick(&mut rng, &|s| s != Status::Up).map(Action::Restart),
            7..=8 => pick(&mut rng, &|s| s == Status::Paused).map(Action::Resume),
            9..=10 => {
                let mut group: Vec<usize> = (0..n).filter(|_| rng.random_bool(0.4)).collect();
                if group.is_empty() || group.len() == n {
                    group = vec![rng.random_range(0..n)];
                }
                Some(Action::Partition(vec![group]))
            }
            11 => {
                let from = rng.random_range(0..n);
                let to = (from + rng.random_range(1..n)) % n;
                Some(Action::Cut { from, to })
            }
            12 => Some(Action::Heal),
            13 => Some(Action::Loss(
                [0.005, 0.02, 0.1][rng.random_range(0..3usize)],
            )),
            _ => pick(&mut rng, &|s| s == Status::Up).map(|node| Action::Failover {
                node,
                mode: if rng.random_bool(0.5) {
                    FailoverMode::Default
                } else {
                    FailoverMode::Force
                },
            }),
        };
        let Some(action) = action else { continue };
        match action {
            Action::Kill(i) => status[i] = Status::Crashed,
            Action::Pause(i) => status[i] = Status::Paused,
            Action::Restart(i) | Action::Resume(i) => status[i] = Status::Up,
            _ => {}
        }
        actions.push(TimedAction {
            t: start + offset,
            action,
        });
    }

    let last = actions.last().map_or(start, |a| a.t);
    let repaired_at = last + rng.random_range(node_timeout..=5 * node_timeout);
    let mut repair = vec![Action::Heal, Action::Loss(0.0)];
    for (i, s) in status.iter().enumerate() {
        match s {
            Status::Crashed => repair.push(Action::Restart(i)),
            Status::Paused => repair.push(Action::Resume(i)),
            Status::Up => {}
        }
    }
    actions.extend(repair.into_iter().map(|action| TimedAction {
        t: repaired_at,
        action,
    }));
    let plan = Plan {
        seed,
        masters,
        replicas,
        node_timeout,
        actions,
        repaired_at,
        deadline: repaired_at + 40 * node_timeout + 30_000,
    };
    (sim, plan)
}

/// What a run found: the sim as it ended and how long it took to converge.
struct Outcome {
    sim: Sim,
    plan: Plan,
    result: Result<u64, Violation>,
}

/// Runs one seed: the invariants every 200 ms while faults happen, then
/// health after the repairs and the invariants once more.
fn run_seed(seed: u64) -> Outcome {
    let check_every = env_u64("CLUSTERLAB_CHECK_EVERY_MS")
        .unwrap_or(CHECK_EVERY_MS)
        .max(1);
    let (mut sim, plan) = plan(seed);
    let mut result = Ok(0);
    'run: for a in &plan.actions {
        while sim.now() < a.t {
            let next = (sim.now() + check_every).min(a.t);
            sim.run_until(next);
            if let Err(v) = sim.check_invariants() {
                result = Err(v);
                break 'run;
            }
        }
        // A refusal is part of the run (the node is a master by now…).
        let _ = sim.apply(&a.action);
    }
    if result.is_ok() {
        result = sim
            .run_until_healthy(plan.deadline)
            .map(|t| t.since(plan.repaired_at))
            .and_then(|took| sim.check_invariants().map(|()| took));
    }
    Outcome { sim, plan, result }
}

fn report(o: &Outcome) -> String {
    let Err(v) = &o.result else {
        return String::new();
    };
    format!(
        "seed {} ({}x{}, node_timeout {}): {v}\n  at {}\n  replay: CLUSTERLAB_SEED={} cargo test -p clusterlab-core --test sim seed_sweep -- --nocapture\n  or: {}\n  last events:\n{}\n",
        o.plan.seed,
        o.plan.masters,
        o.plan.replicas,
        o.plan.node_timeout,
        o.sim.now(),
        o.plan.seed,
        o.plan.command(&o.sim, o.sim.now()),
        common::tail(&o.sim, 25)
    )
}

fn env_u64(name: &str) -> Option<u64> {
    let v = std::env::var(name).ok()?;
    Some(
        v.parse()
            .unwrap_or_else(|_| panic!("{name} must be a number, got {v:?}")),
    )
}

/// Random fault schedules never break an every-instant rule, and once every
/// fault is repaired the cluster converges to one healthy configuration
/// (docs/redis-behaviour.md §5–§8: failure detection, failover, epochs, cluster state).
#[test]
fn random_fault_schedules_keep_the_rules_and_converge() {
    if let Some(seed) = env_u64("CLUSTERLAB_SEED") {
        let o = run_seed(seed);
        for e in o.sim.trace() {
            eprintln!("{}", e.to_text(&o.sim));
        }
        eprintln!("{}", o.plan.command(&o.sim, o.sim.now()));
        assert!(o.result.is_ok(), "{}", report(&o));
        return;
    }
    let count = env_u64("CLUSTERLAB_SEEDS").unwrap_or(DEFAULT_SEEDS);
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get()) as u64;
    let started = std::time::Instant::now();
    let outcomes: Vec<(u64, Result<u64, String>)> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..workers)
            .map(|w| {
                s.spawn(move || {
                    (1..=count)
                        .filter(|seed| seed % workers == w)
                        .map(|seed| {
                            let o = run_seed(seed);
                            (seed, o.result.as_ref().map(|t| *t).map_err(|_| report(&o)))
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("a sweep worker panicked"))
            .collect()
    });
    let slowest = outcomes
        .iter()
        .filter_map(|(seed, r)| r.as_ref().ok().map(|t| (*t, *seed)))
        .max();
    eprintln!(
        "seed sweep: {count} seeds in {:.1?}; slowest convergence after repair: {:?}",
        started.elapsed(),
        slowest
    );
    let failures: Vec<&String> = outcomes
        .iter()
        .filter_map(|(_, r)| r.as_ref().err())
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {count} seeds failed:\n{}",
        failures.len(),
        failures
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join("\n")
    );
}
