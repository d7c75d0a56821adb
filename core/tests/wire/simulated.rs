//! Every message the simulated nodes send is a valid Redis 7.0 cluster bus
//! frame: it encodes, decodes back to itself, and a heartbeat among N nodes
//! has the size real Redis sends (2256 + 104 × gossip entries).

use clusterlab_core::msg::{Message, MsgType};
use clusterlab_core::sim::{Payload, Scenario};
use clusterlab_core::Config;

#[test]
fn simulated_messages_are_real_frames() {
    let mut sim = Scenario {
        masters: 4,
        replicas: 1,
        config: Config {
            node_timeout: 2000,
            ..Config::default()
        },
        ..Scenario::default()
    }
    .build()
    .expect("cluster forms");
    // A replica that never synced does not stand for election (its data
    // age counts from `repl_down_since`): let A1 sync before killing A.
    while (0..sim.nodes().len()).any(|i| sim.node(i).is_replica() && !sim.node(i).master_link_up())
    {
        sim.run_until(sim.now() + 100);
    }
    let start = sim.now();
    sim.crash(0);
    let mut seen = std::collections::BTreeSet::new();
    let mut checked = 0u64;
    while sim.now() < start + 15_000 && sim.step() {
        let floor = checked;
        for m in sim.in_flight().filter(|m| m.id > floor) {
            checked = checked.max(m.id);
            if let Payload::Bus { msg, .. } = &m.payload {
                let bytes = msg.encode();
                assert_eq!(bytes.len(), m.bytes, "encoded_len matches the encoding");
                let back = Message::decode(&bytes).expect("our frames decode");
                assert_eq!(&back, msg.as_ref());
                seen.insert(msg.kind());
            }
        }
    }
    for kind in [
        MsgType::Ping,
        MsgType::Pong,
        MsgType::Fail,
        MsgType::FailoverAuthRequest,
    ] {
        assert!(seen.contains(&kind), "saw a {kind:?}");
    }
}

/// clusterSendPing: wanted = max(3, N/10) entries (at most N-2), drawn in at
/// most 3 × wanted random picks, so with 8 nodes nearly every healthy
/// heartbeat is 2256 + 3 × 104 = 2568 bytes, as measured on redis-server
/// 7.0.15 (docs/redis-behaviour.md §4.3); rarely the picks find only 2 distinct nodes.
#[test]
fn heartbeats_among_eight_nodes_are_2568_bytes() {
    let mut sim = Scenario {
        masters: 4,
        replicas: 1,
        ..Scenario::default()
    }
    .build()
    .expect("cluster forms");
    let until = sim.now() + 20_000;
    let mut sizes = std::collections::BTreeMap::<usize, u32>::new();
    let mut counted = 0u64;
    while sim.now() < until && sim.step() {
        let floor = counted;
        for m in sim.in_flight().filter(|m| m.id > floor) {
            counted = counted.max(m.id);
            if matches!(m.payload.kind(), Some(MsgType::Ping | MsgType::Pong)) {
                *sizes.entry(m.bytes).or_default() += 1;
            }
        }
    }
    let total: u32 = sizes.values().sum();
    let full = sizes.get(&2568).copied().unwrap_or(0);
    assert!(total > 100, "{total} heartbeats");
    assert!(full * 100 >= total * 95, "sizes {sizes:?}");
    for size in sizes.keys() {
        assert!(
            *size >= 2256 && (size - 2256) % 104 == 0 && *size <= 2568,
            "{size}"
        );
    }
}
