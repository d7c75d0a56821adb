//! A recorded failover next to a simulated one: the cluster's shape, its node timeout and the
//! master that was killed are read from the trace, the simulator runs the same scenario, and
//! both runs' key moments are measured the same way, from their trace lines, relative to the
//! kill.

use super::{parse_line, TraceLine};
use crate::config::Config;
use crate::sim::{master_name, Scenario, Sim};
use std::collections::{BTreeMap, BTreeSet};

/// The moments compared, in the order a failover goes through them: first node flags the
/// master PFAIL, FAIL agreed (first node), every live node flags it FAIL, the replica schedules
/// its election, asks for votes, is promoted. Ids, not words: the page words them in its
/// language.
pub const KEY_MOMENTS: &[&str] = &[
    "pfail",
    "fail",
    "fail_all",
    "failover_start",
    "vote_requested",
    "promoted",
];

/// What the trace says about the cluster it came from.
#[derive(Clone, Debug, PartialEq)]
pub struct Topology {
    /// Number of masters.
    pub masters: usize,
    /// Replicas per master.
    pub replicas: usize,
    /// `cluster-node-timeout` of the run, ms.
    pub node_timeout: u64,
    /// The killed master, in the trace's own naming (a short ID for native traces).
    pub killed: String,
    /// When it was killed (the trace's clock, ms).
    pub fault_ms: u64,
    /// True when the trace has no `kill` line: the fault time is then the first PFAIL minus
    /// the node timeout (a PFAIL needs a ping unanswered for node_timeout).
    pub fault_estimated: bool,
    /// Trace name → the simulator's name (`A`, `B1`…); identical for simulated traces.
    pub names: BTreeMap<String, String>,
}

/// When each key moment happened, ms after the fault (`None`: it did not happen).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct KeyTimes {
    /// Key moment name → ms after the fault.
    pub at: BTreeMap<&'static str, i64>,
}

/// One event on a side-by-side timeline.
#[derive(Clone, Debug, PartialEq)]
pub struct KeyMoment {
    /// ms after the fault.
    pub t: i64,
    /// The simulator's names, on both sides.
    pub node: String,
    /// The event's name.
    pub event: String,
    /// The node it is about, if any.
    pub about: Option<String>,
}

/// The recorded run and the simulated one, side by side.
#[derive(Clone, Debug, PartialEq)]
pub struct Comparison {
    /// The cluster both runs have.
    pub topology: Topology,
    /// The simulator's seed.
    pub seed: u64,
    /// Key moments of the recorded run.
    pub recorded: KeyTimes,
    /// Key moments of the simulated run.
    pub simulated: KeyTimes,
    /// The recorded run's timeline.
    pub recorded_events: Vec<KeyMoment>,
    /// The simulated run's timeline.
    pub simulated_events: Vec<KeyMoment>,
}

/// Events shown on the timelines.
const SHOWN: &[&str] = &[
    "kill",
    "pfail",
    "fail",
    "failover_start",
    "vote_requested",
    "vote_granted",
    "promoted",
];

/// Reads the cluster's shape, its node timeout and the fault from a trace.
pub fn topology(lines: &[TraceLine]) -> Result<Topology, String> {
    let formed = lines.iter().find(|l| l.event == "formed");
    let starts: Vec<&TraceLine> = lines.iter().filter(|l| l.event == "start").collect();
    let node_timeout = match formed {
        Some(f) => f.u64("node_timeout"),
        None => {
            let timeouts = crate::sorted::set(starts.iter().filter_map(|s| s.u64("node_timeout")));
            match timeouts.len() {
                0 => None,
                1 => timeouts.first().copied(),
                _ => {
                    return Err(format!(
                        "the nodes ran with different node timeouts: {timeouts:?} ms"
                    ))
                }
            }
        }
    }
    .ok_or("the trace does not say the node timeout (no `formed` or `start` line)")?;
    let kill = lines.iter().find(|l| l.event == "kill");
    let (killed, fault_ms, fault_estimated) = match kill {
        Some(k) => (k.node.clone(), k.t_ms, false),
        None => {
            let fail = lines
                .iter()
                .find(|l| l.event == "fail")
                .and_then(|l| l.about.clone())
                .ok_or("the trace has no `kill` line and no node was flagged FAIL: no failover to compare")?;
            let pfail = lines
                .iter()
                .find(|l| l.event == "pfail" && l.about.as_deref() == Some(fail.as_str()))
                .ok_or(format!("{fail} was flagged FAIL without a PFAIL first"))?;
            (fail, pfail.t_ms.saturating_sub(node_timeout), true)
        }
    };
    let names = match formed {
        // A simulated trace already uses the simulator's names.
        Some(f) => {
            let masters = f.u64("masters").ok_or("`formed` has no `masters`")? as usize;
            let replicas = f.u64("replicas").ok_or("`formed` has no `replicas`")? as usize;
            let names = Scenario {
                masters,
                replicas,
                ..Scenario::default()
            }
            .names();
            if !names.contains(&killed) {
                return Err(format!(
                    "the killed node {killed} is not in a {masters}×{} cluster",
                    replicas + 1
                ));
            }
            return Ok(Topology {
                masters,
                replicas,
                node_timeout,
                killed,
                fault_ms,
                fault_estimated,
                names: crate::sorted::map(names.into_iter().map(|n| (n.clone(), n))),
            });
        }
        None => native_names(lines, &starts, fault_ms)?,
    };
    let masters = names
        .values()
        .filter(|n| n.chars().all(|c| c.is_ascii_uppercase()))
        .count();
    let per = crate::sorted::set((0..masters).map(|i| {
        let master = master_name(i);
        names
            .values()
            .filter(|n| n.len() > master.len() && n.starts_with(&master))
            .filter(|n| n[master.len()..].chars().all(|c| c.is_ascii_digit()))
            .count()
    }));
    if per.len() > 1 {
        return Err(format!(
            "masters have different numbers of replicas ({per:?}); the simulator builds even clusters"
        ));
    }
    let replicas = (names.len() - masters) / masters.max(1);
    if !names.contains_key(&killed) {
        return Err(format!("the killed node {killed} has no `start` line"));
    }
    Ok(Topology {
        masters,
        replicas,
        node_timeout,
        killed,
        fault_ms,
        fault_estimated,
        names,
    })
}

/// Names the nodes of a native trace like the simulator does: masters `A`, `B`… in port order
/// (the order `cluster up` and `redis-cli --cluster create` give them slots), each master's
/// replicas `A1`, `A2`… in port order, from the `role` lines written before the fault.
fn native_names(
    lines: &[TraceLine],
    starts: &[&TraceLine],
    fault_ms: u64,
) -> Result<BTreeMap<String, String>, String> {
    if starts.is_empty() {
        return Err(
            "a native trace needs each node's `start` line (clusterlab-node --trace writes it)"
                .into(),
        );
    }
    let mut by_port: Vec<(u64, &str)> = Vec::new();
    for s in starts {
        let port = s
            .u64("port")
            .ok_or(format!("line {}: `start` has no `port`", s.line))?;
        by_port.push((port, s.node.as_str()));
    }
    crate::sorted::sort(&mut by_port);
    let mut master_of: BTreeMap<&str, &str> = BTreeMap::new();
    for l in lines
        .iter()
        .filter(|l| l.event == "role" && l.t_ms <= fault_ms)
    {
        match (l.str("role"), l.about.as_deref()) {
            (Some("replica"), Some(m)) => {
                master_of.insert(l.node.as_str(), m);
            }
            _ => {
                master_of.remove(l.node.as_str());
            }
        }
    }
    let mut names = BTreeMap::new();
    let masters: Vec<&str> = by_port
        .iter()
        .map(|(_, n)| *n)
        .filter(|n| !master_of.contains_key(n))
        .collect();
    for (i, m) in masters.iter().enumerate() {
        names.insert(m.to_string(), master_name(i));
        let mut replica = 0;
        for (_, r) in &by_port {
            if master_of.get(r) == Some(m) {
                replica += 1;
                names.insert(r.to_string(), format!("{}{replica}", master_name(i)));
            }
        }
    }
    if names.len() != by_port.len() {
        return Err("some replicas replicate a node that has no `start` line".into());
    }
    Ok(names)
}

/// The simulator's names for the nodes of a native trace (trace name → `A`, `B1`…), for a
/// learner reading its events: a native node writes its short node ID (`4559aecf`), forty hex
/// characters in all, which say nothing about the node's role and are hard to tell apart,
/// while the simulated runs and the comparison say `A`, `B`, `A1`. So a native trace's nodes
/// are named as the comparison names them ([`topology`]): masters `A`, `B`, `C`… in port
/// order (the order `redis-cli --cluster create` gives them slots, so `A` holds slot 0),
/// each master's replicas `A1`, `A2`… in port order, by the roles they had before the fault.
/// A trace the comparison cannot use (no failover, uneven shards) is named the same way, by
/// the roles before its first `kill` or PFAIL, or at its end. `None`: the trace already uses
/// the simulator's names (a `formed` line), or cannot be named (no `start` lines, or a
/// replica of a node without one); its own names are kept.
pub fn short_names(lines: &[TraceLine]) -> Option<BTreeMap<String, String>> {
    if lines.iter().any(|l| l.event == "formed") {
        return None;
    }
    if let Ok(t) = topology(lines) {
        return Some(t.names);
    }
    let starts: Vec<&TraceLine> = lines.iter().filter(|l| l.event == "start").collect();
    let fault_ms = lines
        .iter()
        .find(|l| l.event == "kill" || l.event == "pfail")
        .map_or(u64::MAX, |l| l.t_ms);
    native_names(lines, &starts, fault_ms).ok()
}

/// The key moments of the failover of `killed` (the trace's naming), ms after `fault_ms`.
/// `live` is how many nodes are left to flag it FAIL.
pub fn key_times(lines: &[TraceLine], killed: &str, fault_ms: u64, live: usize) -> KeyTimes {
    let after: Vec<&TraceLine> = lines.iter().filter(|l| l.t_ms >= fault_ms).collect();
    let rel = |l: &TraceLine| l.t_ms as i64 - fault_ms as i64;
    let about_it = |l: &&TraceLine| l.about.as_deref() == Some(killed);
    let mut at = BTreeMap::new();
    let mut first = |id: &'static str, pred: &dyn Fn(&&TraceLine) -> bool| {
        if let Some(l) = after.iter().find(|l| pred(l)) {
            at.insert(id, rel(l));
        }
    };
    first("pfail", &|l| l.event == "pfail" && about_it(l));
    first("fail", &|l| l.event == "fail" && about_it(l));
    first("failover_start", &|l| l.event == "failover_start");
    first("vote_requested", &|l| l.event == "vote_requested");
    first("promoted", &|l| l.event == "promoted");
    let mut flagged = BTreeSet::new();
    for l in after.iter().filter(|l| l.event == "fail" && about_it(l)) {
        flagged.insert(l.node.as_str());
        if flagged.len() == live {
            at.insert("fail_all", rel(l));
            break;
        }
    }
    KeyTimes { at }
}

fn moments(
    lines: &[TraceLine],
    fault_ms: u64,
    end: i64,
    names: &BTreeMap<String, String>,
) -> Vec<KeyMoment> {
    let name = |n: &str| names.get(n).cloned().unwrap_or_else(|| n.to_string());
    lines
        .iter()
        .filter(|l| SHOWN.contains(&l.event.as_str()) && l.t_ms >= fault_ms)
        .map(|l| KeyMoment {
            t: l.t_ms as i64 - fault_ms as i64,
            node: name(&l.node),
            event: l.event.clone(),
            about: l.about.as_deref().map(name),
        })
        .filter(|m| m.t <= end)
        .collect()
}

/// Simulates the trace's scenario with `seed` (no client writes, like a freshly created
/// cluster; the kill 3 s after the replicas' first sync, which a master starts
/// `repl-diskless-sync-delay` after their PSYNC: a replica that never synced would refuse to
/// fail over) and lines both runs up on the kill.
pub fn compare(lines: &[TraceLine], seed: u64) -> Result<Comparison, String> {
    let topology = topology(lines)?;
    let scenario = Scenario {
        masters: topology.masters,
        replicas: topology.replicas,
        seed,
        config: Config {
            node_timeout: topology.node_timeout,
            ..Config::default()
        },
        write_every_ms: None,
        ..Scenario::default()
    };
    let mut sim = scenario.build().map_err(|e| e.to_string())?;
    let killed = &topology.names[&topology.killed];
    let idx = sim
        .index_of(killed)
        .ok_or(format!("no node {killed} in the simulation"))?;
    let synced = |s: &Sim| {
        s.nodes()
            .iter()
            .all(|n| !n.node.is_replica() || n.node.master_link_up())
    };
    let sync_limit = sim.now() + 30_000;
    sim.run_until_pred(sync_limit, synced);
    let kill_at = sim.now() + 3000;
    sim.run_until(kill_at);
    let from = sim.trace().len();
    sim.crash(idx);
    let limit = kill_at + 4 * topology.node_timeout + 30_000;
    let promoted = |s: &Sim| {
        s.trace()[from..]
            .iter()
            .any(|e| matches!(e.event, crate::event::Event::Promoted { .. }))
    };
    sim.run_until_pred(limit, promoted);
    let settle = sim.now() + 2000;
    sim.run_until(settle.min(limit));
    let simulated_lines: Vec<TraceLine> = sim.trace()[from..]
        .iter()
        .map(|e| parse_line(0, &e.to_json(&sim).to_string()))
        .collect::<Result<_, _>>()?;
    let live = topology.names.len() - 1;
    let recorded = key_times(lines, &topology.killed, topology.fault_ms, live);
    let simulated = key_times(&simulated_lines, killed, kill_at.ms(), live);
    // Both timelines run to whichever promotion came last, plus a little.
    let end = recorded
        .at
        .get("promoted")
        .max(simulated.at.get("promoted"))
        .copied()
        .unwrap_or(4 * topology.node_timeout as i64)
        + 1000;
    let same = crate::sorted::map(topology.names.values().map(|n| (n.clone(), n.clone())));
    let mut recorded_events = moments(lines, topology.fault_ms, end, &topology.names);
    if topology.fault_estimated {
        recorded_events.insert(
            0,
            KeyMoment {
                t: 0,
                node: killed.clone(),
                event: "kill (estimated)".into(),
                about: None,
            },
        );
    }
    let mut simulated_events = vec![KeyMoment {
        t: 0,
        node: killed.clone(),
        event: "kill".into(),
        about: None,
    }];
    simulated_events.extend(moments(&simulated_lines, kill_at.ms(), end, &same));
    Ok(Comparison {
        topology,
        seed,
        recorded,
        simulated,
        recorded_events,
        simulated_events,
    })
}

impl Comparison {
    /// Rows of the side-by-side table: moment id (of [`KEY_MOMENTS`]), recorded ms, simulated
    /// ms (after the fault).
    pub fn rows(&self) -> Vec<(&'static str, Option<i64>, Option<i64>)> {
        KEY_MOMENTS
            .iter()
            .map(|&id| {
                (
                    id,
                    self.recorded.at.get(id).copied(),
                    self.simulated.at.get(id).copied(),
                )
            })
            .collect()
    }
}
