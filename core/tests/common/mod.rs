//! Helpers shared by the integration tests: simulated clusters here, one node
//! fed crafted messages in [`single_node`], real processes in [`native`].
//! Each test binary's `main.rs` includes this module and uses a subset,
//! hence the `dead_code` allowance.
#![allow(dead_code)]

#[cfg(feature = "net")]
pub mod native;
pub mod single_node;
pub mod trace_export;

use clusterlab_core::event::Event;
use clusterlab_core::resp::Value;
use clusterlab_core::sim::{Scenario, Sim, TimedAction, TraceEvent};
use clusterlab_core::{Config, Time};

/// A formed cluster of `masters` × (1 + `replicas`) nodes with the given
/// node_timeout, like `redis-cli --cluster create` made it, once its
/// replicas finished their first sync ([`wait_first_sync`]).
pub fn cluster(masters: usize, replicas: usize, node_timeout: u64, seed: u64) -> Sim {
    cluster_with(
        masters,
        replicas,
        seed,
        Config {
            node_timeout,
            ..Config::default()
        },
    )
}

/// The cluster at the instant `redis-cli --cluster create` is done, before
/// its replicas' first sync (what `clusterlab-node simulate` starts from).
pub fn cluster_as_created(masters: usize, replicas: usize, node_timeout: u64, seed: u64) -> Sim {
    Scenario {
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
    .expect("the scenario forms")
}

pub fn cluster_with(masters: usize, replicas: usize, seed: u64, config: Config) -> Sim {
    let mut sim = Scenario {
        masters,
        replicas,
        config,
        seed,
        ..Scenario::default()
    }
    .build()
    .expect("the scenario forms");
    wait_first_sync(&mut sim);
    sim
}

/// The index of the node named `name`.
pub fn idx(sim: &Sim, name: &str) -> usize {
    sim.index_of(name)
        .unwrap_or_else(|| panic!("no node named {name}"))
}

/// Runs `ms` more simulated milliseconds.
pub fn run_for(sim: &mut Sim, ms: u64) {
    let t = sim.now() + ms;
    sim.run_until(t);
}

/// Runs until every running replica finished its first sync with its
/// master (INFO's `master_link_status:up`). 7.0 starts a new replica's full
/// resync `repl-diskless-sync-delay` (5 s) after its PSYNC, and a replica
/// that never synced refuses to fail over (its data age counts from
/// `repl_down_since`, `clusterHandleSlaveFailover`): tests that kill a
/// master soon after the cluster formed wait for this first.
pub fn wait_first_sync(sim: &mut Sim) {
    let limit = sim.now() + 30_000;
    let synced = |sim: &Sim| {
        sim.nodes().iter().all(|n| {
            n.status != clusterlab_core::sim::Status::Up
                || !n.node.is_replica()
                || n.node.master_link_up()
        })
    };
    while !synced(sim) {
        assert!(sim.now() < limit, "the replicas did not sync within 30 s");
        run_for(sim, 100);
    }
}

/// Trace events emitted since `from` (an index into the trace).
pub fn events_since(sim: &Sim, from: usize) -> &[TraceEvent] {
    &sim.trace()[from..]
}

/// Events of node `node` since `from` that match `pred`.
pub fn find<'a>(
    sim: &'a Sim,
    from: usize,
    node: usize,
    pred: impl Fn(&Event) -> bool + 'a,
) -> impl Iterator<Item = &'a TraceEvent> + 'a {
    sim.trace()[from..]
        .iter()
        .filter(move |e| e.node == node && pred(&e.event))
}

/// The whole trace as JSON lines.
pub fn json_lines(sim: &Sim) -> Vec<String> {
    sim.trace()
        .iter()
        .map(|e| e.to_json(sim).to_string())
        .collect()
}

/// Applies `actions` (sorted by time) at their times, then runs to `end`.
pub fn run_actions(sim: &mut Sim, actions: &[TimedAction], end: Time) {
    for a in actions {
        sim.run_until(a.t);
        sim.apply(&a.action).expect("the action is accepted");
    }
    sim.run_until(end);
}

/// The last `n` trace lines, for failure messages.
pub fn tail(sim: &Sim, n: usize) -> String {
    let trace = sim.trace();
    trace[trace.len().saturating_sub(n)..]
        .iter()
        .map(|e| e.to_text(sim))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The default cluster (3 masters × 1 replica) with node_timeout 5000 and no
/// background write load, so command tests see only their own keys; its
/// replicas finished their first sync.
pub fn quiet_cluster() -> Sim {
    quiet_cluster_with(5000, &[])
}

/// [`quiet_cluster`] with another node timeout, every node started with the
/// given redis.conf parameters (as `redis-server --name value` would be).
pub fn quiet_cluster_with(node_timeout: u64, params: &[(&str, &str)]) -> Sim {
    let mut config = Config {
        node_timeout,
        ..Config::default()
    };
    for (name, value) in params {
        if let Err(e) = config.set_param(name, value) {
            panic!("{name} {value}: {e}");
        }
    }
    let mut sim = Scenario {
        config,
        write_every_ms: None,
        ..Scenario::default()
    }
    .build()
    .expect("cluster forms");
    wait_first_sync(&mut sim);
    sim
}

/// A reply's text (status, error, bulk, verbatim), or its debug form.
pub fn text(v: &Value) -> String {
    match v {
        Value::Simple(s) | Value::Error(s) | Value::Verbatim(s) => s.clone(),
        Value::Bulk(b) => String::from_utf8_lossy(b).into_owned(),
        other => format!("{other:?}"),
    }
}

/// The commands node `from` streamed to its replicas that are still in
/// flight, one line each (words joined by spaces), with their message ids,
/// oldest first.
pub fn in_flight_stream(sim: &Sim, from: usize) -> Vec<(u64, String)> {
    use clusterlab_core::node::ReplFrame;
    use clusterlab_core::sim::Payload;
    let mut sent: Vec<(u64, String)> = sim
        .in_flight()
        .filter(|m| m.from == from)
        .filter_map(|m| match &m.payload {
            Payload::Repl {
                frame: ReplFrame::Command { args, .. },
                ..
            } => {
                let words: Vec<_> = args.iter().map(|a| String::from_utf8_lossy(a)).collect();
                Some((m.id, words.join(" ")))
            }
            _ => None,
        })
        .collect();
    sent.sort();
    sent
}
