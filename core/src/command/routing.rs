//! `getNodeByQuery`: may this node serve the command, or must the client go
//! elsewhere (MOVED, ASK), retry (TRYAGAIN), or give up (CROSSSLOT,
//! CLUSTERDOWN)? Same checks, same order, same texts as Redis 7.0.

use super::refusal::Refusal;
use super::table::{self, flags, CommandSpec};
use super::ClientState;
use crate::node::Node;
use crate::slot::key_slot;
use crate::time::Time;

/// `Ok(())` to serve locally, or why the client must go elsewhere.
pub fn check(
    node: &mut Node,
    now: Time,
    client: &ClientState,
    spec: &CommandSpec,
    args: &[Vec<u8>],
) -> Result<(), Refusal> {
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
    let route = node.routing().slot_route(first_slot);
    let Some(owner) = route.owner else {
        return Err(Refusal::Unbound);
    };
    if keys.clone().skip(1).any(|k| key_slot(k) != first_slot) {
        return Err(Refusal::CrossSlot);
    }
    let is_write = commands.iter().any(|(c, a)| {
        super::scripting::declared_write(&mut node.serving(), c.name, a)
            .unwrap_or_else(|| c.writes(a))
    });
    let pubsub_shard = commands
        .iter()
        .any(|(c, _)| matches!(c.name, "spublish" | "ssubscribe" | "sunsubscribe"));

    if !node.state_ok() {
        if pubsub_shard {
            // cluster-allow-pubsubshard-when-down (default yes).
        } else if !node.config().allow_reads_when_down {
            return Err(Refusal::Down);
        } else if is_write {
            return Err(Refusal::DownReadOnly);
        }
    }

    let (mut existing, mut missing) = (0usize, 0usize);
    let mut distinct: Vec<&[u8]> = Vec::new();
    if (route.migrating_to.is_some() || route.importing) && !pubsub_shard {
        // `getNodeByQuery` looks keys up with LOOKUP_NOTOUCH.
        node.keyspace_mut().no_touch();
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
                    return Err(Refusal::TryAgain);
                }
                return Err(Refusal::Ask {
                    slot: first_slot,
                    to: target.clone(),
                });
            }
        }
        return Ok(());
    }
    if route.importing && (client.asking || spec.has(flags::ASKING)) {
        if distinct.len() > 1 && missing > 0 {
            return Err(Refusal::TryAgain);
        }
        return Ok(());
    }
    let readonly_ok = (client.readonly && !is_write) || pubsub_shard;
    if readonly_ok && route.my_master_owns {
        return Ok(());
    }
    Err(Refusal::Moved {
        slot: first_slot,
        to: owner,
    })
}
