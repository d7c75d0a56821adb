//! The command executor on a formed cluster: whatever a client sends (the
//! input is read as RESP requests, inline or multibulk, up to 16 of them)
//! gets a reply that frames as one RESP reply, never a panic, and the
//! cluster keeps running (the input's last requests may be CLUSTER
//! subcommands whose effects travel on the bus).
//!
//! The first input byte picks the node (of a 3+3 cluster) and the client.
#![no_main]

use clusterlab_core::node::ClientId;
use clusterlab_core::resp::{parse_reply, parse_request, Limits, Protocol};
use libfuzzer_sys::fuzz_target;

#[path = "common/formed.rs"]
mod formed;
use formed::base;

fuzz_target!(|data: &[u8]| {
    let Some((&ctl, mut bytes)) = data.split_first() else {
        return;
    };
    let mut sim = base().clone();
    let node = usize::from(ctl) % sim.nodes().len();
    let client = ClientId(u64::from(ctl >> 4) + 1);
    for _ in 0..16 {
        let Ok(Some(req)) = parse_request(bytes, Limits::default()) else {
            break;
        };
        bytes = &bytes[req.consumed..];
        if req.args.is_empty() {
            continue;
        }
        if let Some(reply) = sim.command(node, client, req.args) {
            frames(&reply.to_bytes(Protocol::Resp2));
            frames(&reply.to_bytes(Protocol::Resp3));
        }
    }
    // Let postponed replies, bus messages and cron run.
    let t = sim.now() + 300;
    sim.run_until(t);
    for (_, _, reply) in sim.take_replies() {
        frames(&reply.to_bytes(Protocol::Resp3));
    }
});

fn frames(wire: &[u8]) {
    match parse_reply(wire) {
        Ok(Some((_, n))) if n == wire.len() => {}
        other => panic!("{wire:?} parses as {other:?}"),
    }
}
