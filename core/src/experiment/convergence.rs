//! How long a new fact takes to reach every node by gossip: a new node is
//! MEET'ed into one node (what `redis-cli --cluster add-node` does), and the
//! others learn about it only from gossip sections of the PINGs and PONGs
//! they exchange (clusterProcessGossipSection adds unknown nodes).

use crate::event::Event;
use crate::node::Admin;
use crate::sim::{master_name, Scenario, ScenarioError, Sim};
use crate::time::Time;
use std::collections::BTreeSet;

/// Cluster sizes (masters, no replicas) the convergence plot measures.
pub const CONVERGENCE_SIZES: &[u64] = &[3, 5, 8, 12, 16, 24, 32, 48, 64];

/// Give up on a sample after this long (never reached in practice: spread
/// takes seconds).
const LIMIT_MS: u64 = 120_000;

/// Milliseconds from the MEET until every node of a formed cluster of
/// `masters` masters (default config: node_timeout 15 s, so nodes ping one
/// random peer a second and no one is suspected) has the new node in its
/// table.
pub fn convergence_sample(masters: usize, seed: u64) -> Result<u64, ScenarioError> {
    let scenario = Scenario {
        masters,
        replicas: 0,
        seed,
        write_every_ms: None,
        ..Scenario::default()
    };
    let mut sim = scenario.build()?;
    // Let the formation's own chatter settle for a couple of heartbeats.
    let settled = sim.now() + 2000;
    sim.run_until(settled);
    let port = scenario.base_port + masters as u16;
    let newcomer = sim.add_node(
        &format!("{}-new", master_name(masters)),
        port,
        scenario.config.clone(),
        seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ masters as u64,
    );
    let new_id = sim.node(newcomer).id();
    let first = sim.nodes()[0].bus_addr;
    let start = sim.now();
    sim.admin(
        newcomer,
        Admin::Meet {
            addr: first,
            port: scenario.base_port,
        },
    )
    .map_err(|e| ScenarioError(format!("MEET: {e}")))?;
    match everyone_knows(&mut sim, masters, new_id, start + LIMIT_MS) {
        Some(t) => Ok(t.since(start)),
        None => Err(ScenarioError(format!(
            "the new node was not known everywhere within {LIMIT_MS} ms"
        ))),
    }
}

/// Runs until each of the first `nodes` nodes has announced `NodeAdded`
/// about `id`; returns when the last one did. Reads the trace as it grows,
/// which is cheaper than asking every node after every event.
fn everyone_knows(sim: &mut Sim, nodes: usize, id: crate::id::NodeId, limit: Time) -> Option<Time> {
    let mut knows = BTreeSet::new();
    let mut read = sim.trace().len();
    let mut last = None;
    while knows.len() < nodes {
        match sim.next_event_time() {
            Some(t) if t <= limit => {
                sim.step();
            }
            _ => return None,
        }
        for e in &sim.trace()[read..] {
            if e.node < nodes && matches!(e.event, Event::NodeAdded { about } if about == id) {
                knows.insert(e.node);
                last = Some(e.t);
            }
        }
        read = sim.trace().len();
    }
    last
}
