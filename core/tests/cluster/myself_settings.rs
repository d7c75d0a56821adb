//! Myself's entry following settings changed at runtime, and peers learning them from
//! its headers (`cluster.c clusterUpdateMyselfFlags`, `clusterUpdateMyselfHostname`,
//! the hostname ping extension). One node fed crafted messages
//! (`common/single_node.rs`).

use crate::common::single_node;
use clusterlab_core::flags::NodeFlags;
use clusterlab_core::msg::{Body, Gossip, Message, MsgType, PingExt};
use clusterlab_core::resp::Value;
use clusterlab_core::{key_slot, SlotSet};
use single_node::{Fake, SingleNode};

const NT: u64 = 2000;

/// The node under test (slots 0-8191) and one fake master `A` (8192-16383).
fn two_masters() -> (SingleNode, Fake) {
    let mut h = SingleNode::master(NT, SlotSet::range(0, 8191));
    let a = Fake::master('1', 7001, SlotSet::range(8192, 16383), 1);
    h.meet(a.clone());
    let settle = h.now + 3000;
    h.advance_to(settle);
    (h, a)
}

/// The PINGs (and MEETs) the node sends from now until `ms` later.
fn pings_during(h: &mut SingleNode, ms: u64) -> Vec<Message> {
    h.clear_outputs();
    let until = h.now + ms;
    h.advance_to(until);
    h.sent(MsgType::Ping)
        .into_iter()
        .map(|(_, _, m)| m)
        .collect()
}

fn ok() -> Value {
    Value::ok()
}

/// `CONFIG SET cluster-replica-no-failover yes` (here by its old name
/// `cluster-slave-no-failover`, as tests/cluster/tests/13-no-failover-option.tcl
/// sets it) runs `clusterUpdateMyselfFlags`: myself is flagged `nofailover`
/// at once, CLUSTER NODES shows it, and every header sent afterwards carries
/// the flag, which is how the others learn it. `no` clears it the same way.
#[test]
fn config_set_replica_no_failover_flags_myself_and_headers_carry_it() {
    let (mut h, _a) = two_masters();
    let me = h.id();
    assert!(!h.flags(me).has(NodeFlags::NOFAILOVER));

    assert_eq!(
        h.command(&["CONFIG", "SET", "cluster-slave-no-failover", "yes"]),
        ok()
    );
    assert!(h.flags(me).has(NodeFlags::NOFAILOVER));
    let Value::Verbatim(nodes) = h.command(&["CLUSTER", "NODES"]) else {
        panic!("CLUSTER NODES is verbatim text")
    };
    let mine = nodes.lines().find(|l| l.contains("myself")).unwrap();
    assert!(mine.contains("myself,master,nofailover"), "{mine}");
    let pings = pings_during(&mut h, NT);
    assert!(!pings.is_empty(), "no PING within a node timeout");
    for m in &pings {
        assert!(m.header.flags.has(NodeFlags::NOFAILOVER), "{:?}", m.header);
    }

    assert_eq!(
        h.command(&["CONFIG", "SET", "cluster-replica-no-failover", "no"]),
        ok()
    );
    assert!(!h.flags(me).has(NodeFlags::NOFAILOVER));
    let pings = pings_during(&mut h, NT);
    assert!(!pings.is_empty(), "no PING within a node timeout");
    for m in &pings {
        assert!(!m.header.flags.has(NodeFlags::NOFAILOVER), "{:?}", m.header);
    }
}

/// A rejected CONFIG SET changes nothing (config.c applies nothing when one
/// value is bad), so the flag stays as it was.
#[test]
fn rejected_config_set_leaves_the_nofailover_flag() {
    let (mut h, _a) = two_masters();
    let me = h.id();
    let reply = h.command(&[
        "CONFIG",
        "SET",
        "cluster-replica-no-failover",
        "yes",
        "cluster-node-timeout",
        "x",
    ]);
    assert!(matches!(reply, Value::Error(_)), "{reply:?}");
    assert!(!h.flags(me).has(NodeFlags::NOFAILOVER));
}

/// A PING from `fake` whose only extension is its hostname (or none).
fn ping_with_hostname(name: Option<&str>) -> Body {
    Body::Ping(Gossip {
        entries: Vec::new(),
        extensions: name
            .map(|n| vec![PingExt::Hostname(n.to_string())])
            .unwrap_or_default(),
    })
}

/// A key that hashes into `slots`.
fn key_in(slots: &SlotSet) -> String {
    (0..)
        .map(|i| format!("k{i}"))
        .find(|k| slots.contains(key_slot(k.as_bytes())))
        .unwrap()
}

fn bulk(v: &Value) -> String {
    match v {
        Value::Bulk(b) => String::from_utf8_lossy(b).into_owned(),
        other => panic!("not a bulk string: {other:?}"),
    }
}

/// `cluster-announce-hostname` reaches myself's entry at once (config.c's
/// `updateClusterHostname` runs `clusterUpdateMyselfHostname`: CLUSTER SLOTS
/// on that node differs from its peers' until they hear it, which
/// 27-endpoints.tcl waits on), and from then on every
/// PING carries it as the hostname ping extension (`writeHostnamePingExt`);
/// set back to "" (`EMPTY_STRING_IS_NULL`), PINGs carry no extension.
#[test]
fn announce_hostname_goes_out_in_the_hostname_ping_extension() {
    let (mut h, _a) = two_masters();
    assert_eq!(
        h.command(&["CONFIG", "SET", "cluster-announce-hostname", "host-0.com"]),
        ok()
    );
    assert_eq!(h.peer(h.id()).unwrap().hostname, "host-0.com");
    let pings = pings_during(&mut h, NT);
    assert!(!pings.is_empty(), "no PING within a node timeout");
    for m in &pings {
        let Body::Ping(g) = &m.body else { panic!() };
        assert_eq!(g.extensions, vec![PingExt::Hostname("host-0.com".into())]);
    }
    let Value::Verbatim(nodes) = h.command(&["CLUSTER", "NODES"]) else {
        panic!("CLUSTER NODES is verbatim text")
    };
    let mine = nodes.lines().find(|l| l.contains("myself")).unwrap();
    assert!(mine.contains(":7000@17000,host-0.com "), "{mine}");

    assert_eq!(
        h.command(&["CONFIG", "SET", "cluster-announce-hostname", ""]),
        ok()
    );
    let pings = pings_during(&mut h, NT);
    assert!(!pings.is_empty(), "no PING within a node timeout");
    for m in &pings {
        let Body::Ping(g) = &m.body else { panic!() };
        assert!(g.extensions.is_empty(), "{:?}", g.extensions);
    }
}

/// `clusterProcessPingExtensions`: a peer's hostname comes from its PINGs;
/// one without the extension clears it. CLUSTER NODES prints it after the
/// address (`ip:port@cport,hostname`, `clusterGenNodeDescription`).
#[test]
fn peer_hostname_is_learned_from_pings_and_cleared_without_the_extension() {
    let (mut h, a) = two_masters();
    h.deliver(&a, ping_with_hostname(Some("them.com")));
    assert_eq!(h.peer(a.id).unwrap().hostname, "them.com");
    let Value::Verbatim(nodes) = h.command(&["CLUSTER", "NODES"]) else {
        panic!("CLUSTER NODES is verbatim text")
    };
    let line = nodes
        .lines()
        .find(|l| l.starts_with(a.id.as_str()))
        .unwrap();
    assert!(line.contains(":7001@17001,them.com master"), "{line}");
    h.deliver(&a, ping_with_hostname(None));
    assert_eq!(h.peer(a.id).unwrap().hostname, "");
}

/// `cluster-preferred-endpoint-type` as tests/cluster/tests/27-endpoints.tcl
/// checks it: `ip` (default) puts the IP first in CLUSTER SLOTS and the
/// hostname in the map, MOVED names the IP; `hostname` puts the name first
/// and in MOVED, `?` for a node without one; `unknown-endpoint` a null
/// endpoint, an empty one in MOVED, the IP then the hostname in the map.
#[test]
fn preferred_endpoint_type_drives_cluster_slots_and_moved() {
    let mut h = SingleNode::master(NT, SlotSet::range(0, 5460));
    let a = Fake::master('1', 7001, SlotSet::range(5461, 10922), 1);
    let b = Fake::master('2', 7002, SlotSet::range(10923, 16383), 2);
    h.meet(a.clone());
    h.meet(b.clone());
    let settle = h.now + 3000;
    h.advance_to(settle);
    h.deliver(&a, ping_with_hostname(Some("them.com")));
    let (to_a, to_b) = (key_in(&a.slots), key_in(&b.slots));
    let moved = |h: &mut SingleNode, key: &str| match h.command(&["SET", key, "v"]) {
        Value::Error(e) => e,
        other => panic!("not redirected: {other:?}"),
    };
    let entry = |h: &mut SingleNode, i: usize| {
        let Value::Array(runs) = h.command(&["CLUSTER", "SLOTS"]) else {
            panic!("CLUSTER SLOTS is an array")
        };
        let Value::Array(run) = &runs[i] else {
            panic!()
        };
        let Value::Array(node) = &run[2] else {
            panic!()
        };
        node.clone()
    };

    // ip
    let n = entry(&mut h, 1);
    assert_eq!(bulk(&n[0]), "127.0.0.1");
    assert_eq!(
        n[3],
        Value::Map(vec![(Value::bulk("hostname"), Value::bulk("them.com"))])
    );
    assert_eq!(entry(&mut h, 2)[3], Value::Map(Vec::new()));
    let slot_a = key_slot(to_a.as_bytes());
    assert_eq!(
        moved(&mut h, &to_a),
        format!("MOVED {slot_a} 127.0.0.1:7001")
    );

    // hostname
    h.command(&[
        "CONFIG",
        "SET",
        "cluster-preferred-endpoint-type",
        "hostname",
    ]);
    let n = entry(&mut h, 1);
    assert_eq!(bulk(&n[0]), "them.com");
    assert_eq!(
        n[3],
        Value::Map(vec![(Value::bulk("ip"), Value::bulk("127.0.0.1"))])
    );
    assert_eq!(bulk(&entry(&mut h, 2)[0]), "?");
    assert_eq!(
        moved(&mut h, &to_a),
        format!("MOVED {slot_a} them.com:7001")
    );
    let slot_b = key_slot(to_b.as_bytes());
    assert_eq!(moved(&mut h, &to_b), format!("MOVED {slot_b} ?:7002"));

    // unknown-endpoint
    h.command(&[
        "CONFIG",
        "SET",
        "cluster-preferred-endpoint-type",
        "unknown-endpoint",
    ]);
    let n = entry(&mut h, 1);
    assert_eq!(n[0], Value::Null);
    assert_eq!(
        n[3],
        Value::Map(vec![
            (Value::bulk("ip"), Value::bulk("127.0.0.1")),
            (Value::bulk("hostname"), Value::bulk("them.com")),
        ])
    );
    assert_eq!(moved(&mut h, &to_a), format!("MOVED {slot_a} :7001"));
}

/// CLUSTER SHARDS (`addNodeDetailsToShardReply`): `endpoint` is the
/// preferred one (`?` for a node without hostname under `hostname`), and
/// `hostname` is listed, after it, only for a node that has one.
#[test]
fn cluster_shards_lists_endpoint_and_hostname() {
    let (mut h, a) = two_masters();
    h.deliver(&a, ping_with_hostname(Some("them.com")));
    h.command(&[
        "CONFIG",
        "SET",
        "cluster-preferred-endpoint-type",
        "hostname",
    ]);
    let Value::Array(shards) = h.command(&["CLUSTER", "SHARDS"]) else {
        panic!("CLUSTER SHARDS is an array")
    };
    let mut seen = Vec::new();
    for shard in &shards {
        let Value::Map(fields) = shard else { panic!() };
        let Value::Array(nodes) = &fields[1].1 else {
            panic!()
        };
        let Value::Map(node) = &nodes[0] else {
            panic!()
        };
        let keys: Vec<String> = node.iter().map(|(k, _)| bulk(k)).collect();
        let field = |name: &str| {
            node.iter()
                .find(|(k, _)| bulk(k) == name)
                .map(|(_, v)| bulk(v))
        };
        seen.push((field("id").unwrap(), field("endpoint").unwrap(), keys));
    }
    seen.sort();
    let mine = seen.iter().find(|s| s.0 == h.id().as_str()).unwrap();
    assert_eq!(mine.1, "?");
    assert!(!mine.2.contains(&"hostname".to_string()), "{mine:?}");
    let theirs = seen.iter().find(|s| s.0 == a.id.as_str()).unwrap();
    assert_eq!(theirs.1, "them.com");
    assert_eq!(
        theirs.2,
        [
            "id",
            "port",
            "ip",
            "endpoint",
            "hostname",
            "role",
            "replication-offset",
            "health"
        ]
    );
}

/// Redis 7.0 saves hostnames in nodes.conf (`ip:port@cport,hostname`) and
/// reads them back (`clusterLoadConfig`); myself's comes from the setting
/// (`clusterInit` runs `clusterUpdateMyselfHostname` after the load).
#[test]
fn nodes_conf_keeps_peer_hostnames() {
    let (mut h, a) = two_masters();
    h.deliver(&a, ping_with_hostname(Some("them.com")));
    let text = h.node.to_nodes_conf();
    assert!(text.contains(":7001@17001,them.com "), "{text}");
    let cfg = clusterlab_core::Config {
        announce_hostname: "me.com".into(),
        ..h.node.config().clone()
    };
    let back = clusterlab_core::node::Node::from_nodes_conf(cfg, &text, 7000, 17000, 2, h.now)
        .expect("our own nodes.conf loads");
    let view = back.view();
    assert_eq!(view.node(a.id).unwrap().hostname, "them.com");
    assert_eq!(view.myself().unwrap().hostname, "me.com");
}
