//! `getNodeByQuery`: may this node serve the command, or must the client go
//! elsewhere (MOVED, ASK), retry (TRYAGAIN), or give up (CROSSSLOT,
//! CLUSTERDOWN)? Same checks, same order, same texts as Redis 7.0.

use super::table::{self, flags, CommandSpec};
use super::ClientState;
use crate::node::Node;
use crate::resp::Value;
use crate::slot::key_slot;
use crate::time::Time;

pub const CROSSSLOT: &str = "CROSSSLOT Keys in request don't hash to the same slot";
pub const TRYAGAIN: &str = "TRYAGAIN Multiple keys request during rehashing of slot";
pub const DOWN_UNBOUND: &str = "CLUSTERDOWN Hash slot not served";
pub const DOWN_STATE: &str = "CLUSTERDOWN The cluster is down";
pub const DOWN_RO_STATE: &str = "CLUSTERDOWN The cluster is down and only accepts read commands";

/// `Ok(())` to serve locally, or the error reply that redirects the client.
pub fn check(
    node: &mut Node,
    now: Time,
    client: &ClientState,
    spec: &CommandSpec,
    args: &[Vec<u8>],
) -> Result<(), Value> {
    // EXEC is routed on the keys of every queued command together (each was
    // also routed when queued, but on its own): a transaction whose commands
    // touch two slots gets CROSSSLOT at EXEC.
    let queued;
    let exec: Vec<(&CommandSpec, &[Vec<u8>])>;
    // The usual case, one command, without an allocation.
    let single = [(spec, args)];
    let commands: &[(&CommandSpec, &[Vec<u8>])] = if spec.name == "exec" && client.in_multi() {
        queued = client.queued();
        exec = queued
            .iter()
            .filter_map(|a| Some((table::lookup(a.first()?)?, a.as_slice())))
            .collect();
        &exec
    } else {
        &single
    };
    // Walked again where needed rather than collected: no allocation.
    let keys = commands
        .iter()
        .flat_map(|(c, a)| c.key_indices(a).map(move |i| a[i].as_slice()));
    let Some(first_key) = keys.clone().next() else {
        return Ok(());
    };
    let first_slot = node.keyspace_mut().slot_of(first_key);
    let route = node.slot_route(first_slot);
    let Some(owner) = route.owner else {
        return Err(Value::err(DOWN_UNBOUND));
    };
    if keys.clone().skip(1).any(|k| key_slot(k) != first_slot) {
        return Err(Value::err(CROSSSLOT));
    }
    let is_write = commands.iter().any(|(c, _)| c.has(flags::WRITE));
    let pubsub_shard = commands
        .iter()
        .any(|(c, _)| matches!(c.name, "spublish" | "ssubscribe" | "sunsubscribe"));

    if !node.state_ok() {
        if pubsub_shard {
            // cluster-allow-pubsubshard-when-down (default yes).
        } else if !node.config().allow_reads_when_down {
            return Err(Value::err(DOWN_STATE));
        } else if is_write {
            return Err(Value::err(DOWN_RO_STATE));
        }
    }

    let (mut existing, mut missing) = (0usize, 0usize);
    let mut distinct: Vec<&[u8]> = Vec::new();
    if (route.migrating_to.is_some() || route.importing) && !pubsub_shard {
        for k in keys {
            if !distinct.contains(&k) {
                distinct.push(k);
            }
            if node.keyspace_mut().exists(now, k) {
                existing += 1;
            } else {
                missing += 1;
            }
        }
    }

    if spec.name == "migrate" && (route.migrating_to.is_some() || route.importing) {
        return Ok(());
    }
    if route.mine {
        if let Some(target) = &route.migrating_to {
            if missing > 0 {
                if existing > 0 {
                    return Err(Value::err(TRYAGAIN));
                }
                return Err(Value::err(format!("ASK {first_slot} {target}")));
            }
        }
        return Ok(());
    }
    if route.importing && (client.asking || spec.has(flags::ASKING)) {
        if distinct.len() > 1 && missing > 0 {
            return Err(Value::err(TRYAGAIN));
        }
        return Ok(());
    }
    let readonly_ok = (client.readonly && !is_write) || pubsub_shard;
    if readonly_ok && route.my_master_owns {
        return Ok(());
    }
    Err(Value::err(format!("MOVED {first_slot} {owner}")))
}
