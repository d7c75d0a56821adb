//! The formed start: a cluster that starts already formed, as one restarted
//! from its nodes.conf files starts (`clusterLoadConfig`, then `clusterCron`).
//!
//! Every node loads the configuration `redis-cli --cluster create` leaves
//! behind: every node knows every other, slots split as
//! [`slot_split`] splits them, configEpochs 1..N in index order, currentEpoch
//! N, each replica attached to its master. Links are not connected yet:
//! from the first cron tick every node connects to every other and PINGs
//! it, and masters wait `CLUSTER_WRITABLE_DELAY` before declaring the
//! cluster ok, exactly as after a restart. Each node also finds the RDB
//! its last shutdown saved (no keys, its shard's replication ID and
//! offset), so replicas resume their stream with a partial resync, as
//! restarted 7.0 replicas do. Forming a 1000-node cluster by
//! MEET costs minutes of CPU; loading it costs a fraction of a second.

use super::scenario::{node_seed, slot_split};
use super::{Scenario, ScenarioError, Sim, Status};
use crate::config::consts::CRON_PERIOD_MS;
use crate::flags::NodeFlags;
use crate::id::NodeId;
use crate::node::{history_id, ClusterConf, ConfLine, Node};
use crate::rdb::file::ReplInfo;
use crate::time::Time;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::net::{IpAddr, SocketAddr};

/// Mixed into a shard master's seed to name its shard's replication ID
/// (so the ID is not drawn from the very stream the node's own random
/// generator starts with).
const HISTORY_SEED: u64 = 0x7265_706c_6964; // "replid"

/// Mixed into a node's seed to draw when its process starts.
const START_SEED: u64 = 0x7374_6172_7421; // "start!"

/// How long after the first possible instant node `i`'s process starts:
/// uniform in one cron period, from a stream of its own (so a node starts
/// at the same offset whatever the cluster's size). Every process has
/// started before the earliest first cron tick, so no node connects to
/// one that is not listening yet.
fn start_offset_ms(seed: u64, i: usize) -> u64 {
    ChaCha8Rng::seed_from_u64(node_seed(seed, i) ^ START_SEED).random_range(0..CRON_PERIOD_MS)
}

/// The nodes.conf every node of `scenario`'s cluster holds once formed by
/// `redis-cli --cluster create` (whose line is myself aside), for nodes
/// whose IDs are `ids` in index order.
fn formed_conf(scenario: &Scenario, ids: &[NodeId]) -> ClusterConf {
    let ip = IpAddr::from([127, 0, 0, 1]);
    let mut slots = slot_split(scenario.masters).into_iter();
    // Each node tells the others its `cluster-replica-no-failover` in its
    // header flags; every node here shares one config.
    let nofailover = if scenario.config.replica_no_failover {
        NodeFlags::NOFAILOVER
    } else {
        0
    };
    let lines = ids
        .iter()
        .enumerate()
        .map(|(i, &id)| {
            let port = scenario.base_port + i as u16;
            let master =
                (i >= scenario.masters).then(|| ids[(i - scenario.masters) % scenario.masters]);
            let role = if master.is_some() {
                NodeFlags::SLAVE
            } else {
                NodeFlags::MASTER
            };
            ConfLine {
                id,
                ip: Some(ip),
                port,
                cport: port.wrapping_add(crate::config::consts::PORT_INCR),
                hostname: String::new(),
                flags: NodeFlags(role | nofailover),
                master,
                // SET-CONFIG-EPOCH i+1 on every node, replicas included.
                config_epoch: i as u64 + 1,
                slots: slots.next().map(|s| s.ranges()).unwrap_or_default(),
                migrating: Vec::new(),
                importing: Vec::new(),
            }
        })
        .collect();
    ClusterConf {
        lines,
        current_epoch: ids.len() as u64,
        last_vote_epoch: 0,
    }
}

/// Starts `scenario`'s processes in `sim`, each loading the formed
/// cluster's nodes.conf at its own start time ([`start_offset_ms`]); the
/// simulator's clock ends at the last start. Node `i` draws its ID from the
/// same seed as in a MEET formation, so both starts name the same nodes.
pub(super) fn start_formed(scenario: &Scenario, sim: &mut Sim) -> Result<(), ScenarioError> {
    let names = scenario.names();
    let ip = IpAddr::from([127, 0, 0, 1]);
    let now = sim.now();
    let port_of = |i: usize| scenario.base_port + i as u16;
    let cport_of = |i: usize| port_of(i).wrapping_add(crate::config::consts::PORT_INCR);
    let ids: Vec<NodeId> = (0..names.len())
        .map(|i| {
            let addr = SocketAddr::new(ip, port_of(i));
            let seed = node_seed(scenario.seed, i);
            Node::new(scenario.config.clone(), addr, cport_of(i), seed, now).id()
        })
        .collect();
    let starts: Vec<Time> = (0..names.len())
        .map(|i| now + start_offset_ms(scenario.seed, i))
        .collect();
    let conf = formed_conf(scenario, &ids);
    let mut procs = Vec::with_capacity(names.len());
    for (i, name) in names.iter().enumerate() {
        let seed = node_seed(scenario.seed, i);
        let node = Node::load_conf(
            scenario.config.clone(),
            &conf,
            ids[i],
            port_of(i),
            cport_of(i),
            seed,
            starts[i],
        )
        .map_err(|e| ScenarioError(format!("loading the formed cluster: {e}")))?;
        let idx = sim.add_process(name, port_of(i), node);
        procs.push(idx);
        // Not running until its start time: nothing reaches it, its timer
        // is off.
        sim.nodes[idx].status = Status::Crashed;
        sim.reschedule(idx);
        // Each shard's master and replicas saved the same stream position
        // at shutdown (SHUTDOWN waits for the replicas' offsets), so the
        // replicas continue from the RDB with `+CONTINUE` at once instead
        // of waiting `repl-diskless-sync-delay` for a full resync.
        let shard = if i < scenario.masters {
            i
        } else {
            (i - scenario.masters) % scenario.masters
        };
        let history = ReplInfo {
            replid: history_id(node_seed(scenario.seed, shard) ^ HISTORY_SEED),
            offset: 0,
        };
        let n = &mut sim.nodes[idx];
        let (file, bytes) = n.node.empty_rdb_file(now, &history);
        n.disk.put(file, bytes);
    }
    let mut order: Vec<usize> = (0..names.len()).collect();
    crate::sorted::sort_by_key(&mut order, |&i| (starts[i], i));
    for i in order {
        sim.run_until(starts[i]);
        let n = &mut sim.nodes[procs[i]];
        n.status = Status::Up;
        n.load_from_disk(starts[i]);
        sim.reschedule(procs[i]);
    }
    Ok(())
}
